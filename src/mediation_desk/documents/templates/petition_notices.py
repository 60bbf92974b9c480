"""The petition notices (信访文书), official letter layout (GB/T 9704): 受理告知书, 不予受理告知书,
不再受理告知书, 转送（交办）告知书, 延期办理告知书, 处理意见书, 复查意见书, 复核意见书.

Each builder takes a :class:`~.petition_common.PetitionView`; :data:`NOTICES` lists them with their
stable ASCII names (``print petition_opinion …``) and ``refusal(view)``, which says in Chinese why a
notice cannot be printed for a petition yet (no acceptance, no extension, no reply …). The
services register them in the document catalogue (``services/petitions.py``) so the shared
``print`` command and the print preview handle them like any other document.

Every notice is signed by the leader in charge (分管领导) under the unit's seal; 处理意见书 ends with
the petitioner's right to ask for a review within 30 days, 复查意见书 with the right to a re-review,
复核意见书 with the end of the procedure (不再受理).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..model import Document, Heading, Paragraph, Run
from .common import body_paragraphs, closing_group
from .petition_common import (
    ART_HANDLING, ART_REREVIEW, CHANNEL_PHRASES, DECISION_SENTENCES, REGULATION, PetitionView, addressee_paragraph, blank, came,
    contact_paragraph, d, leader_signature, matter, notice_letter,
)

__all__ = ["NOTICES", "NoticeSpec", "build", "refusal"]


@dataclass(frozen=True)
class NoticeSpec:
    name: str  # stable ASCII name (CLI, register of generated documents)
    label: str  # what the users call it
    title: str  # printed title
    build: Callable[[PetitionView], Document]
    refusal: Callable[[Any], str | None]


def _closing(blocks: list, view: PetitionView, when, *, issuer: str | None = None) -> list:
    closing: list = [Paragraph("特此告知。")]
    contact = contact_paragraph(view)
    if contact is not None:
        closing.append(contact)
    closing.append(leader_signature(view, when, issuer=issuer))
    blocks.append(closing_group(blocks, closing))
    return blocks


# ------------------------------------------------------------------ 受理告知书

ACCEPT_TITLE = "信访事项受理告知书"


def build_accept(view: PetitionView) -> Document:
    you = view.you
    blocks: list = [addressee_paragraph(view)]
    blocks.append(Paragraph([*came(view), Run("反映的"), *matter(view),
                             Run("问题收悉。经审查，该信访事项属于本机关职权范围，本机关已于"), d(view.accepted_on),
                             Run("依法受理。")]))
    if view.petition_type == "suggestion":
        blocks.append(Paragraph(f"本机关将认真研究论证{you}提出的建议意见，对合理可行的予以采纳，并将处理情况告知{you}。"))
    elif view.petition_type == "accusation":
        blocks.append(Paragraph(f"本机关将依规依纪依法处理{you}反映的检举控告事项，并按规定向{you}反馈处理情况。"))
    else:
        blocks.append(Paragraph([Run(f"依照{ART_HANDLING}的规定，本机关将自受理之日起60日内办结，即于"),
                                 d(view.original_handling_due or view.handling_due), Run(f"前办结，并向{you}出具书面处理意见；情况复杂的，经本机关负责人"
                                                          f"批准，可以适当延长办理期限，但延长期限不超过30日，并告知{you}延期理由。")]))
    blocks.append(Paragraph(f"在办理期间，请{you}依法有序反映诉求；如有新的情况或者材料，可以向本机关补充提供。"))
    _closing(blocks, view, view.notice_on or view.accepted_on)
    return notice_letter(ACCEPT_TITLE, blocks, view, subject="信访事项受理告知")


def _refuse_accept(view: Any) -> str | None:
    if not getattr(view, "accepted_on", None) or getattr(view, "status", "") in ("not_accepted", "legal_channel"):
        return "该信访事项尚未受理（受理后才能打印受理告知书）。"
    return None


# ------------------------------------------------------------------ 不予受理告知书

REJECT_TITLE = "信访事项不予受理告知书"


def build_reject(view: PetitionView) -> Document:
    you = view.you
    blocks: list = [addressee_paragraph(view)]
    reason = view.refusal_reason.rstrip("。；;，, ") if view.refusal_reason else ""
    first = [*came(view), Run("反映的"), *matter(view), Run("问题收悉。经审查，"), blank(reason, 16), Run("。")]
    if view.legal_channel:
        channel = view.legal_channel_label or "法定"
        if not reason:
            first = first[:-2] + [Run(f"该事项依法应当通过{channel}途径解决。")]
        blocks.append(Paragraph(first + [Run(f"根据{REGULATION}的有关规定，本机关不作为信访事项受理，"
                                             f"已导入{channel}程序。")]))
        where = view.assigned_to or "有权处理的机关"
        blocks.append(Paragraph(f"请{you}依法向{where}提出，通过{channel}途径维护自己的合法权益。"))
    else:
        blocks.append(Paragraph(first + [Run(f"根据{REGULATION}的有关规定，本机关不予受理。")]))
        if view.assigned_to:
            blocks.append(Paragraph(f"请{you}向{view.assigned_to}提出。"))
        else:
            blocks.append(Paragraph(f"请{you}向有权处理的机关、单位提出。"))
    _closing(blocks, view, view.notice_on)
    return notice_letter(REJECT_TITLE, blocks, view, subject="信访事项不予受理告知")


def _refuse_reject(view: Any) -> str | None:
    status = getattr(view, "status", "")
    if getattr(view, "no_longer_accepted", False):
        return "该事项属于复核终结后的重复信访，请打印“不再受理告知书”（petition_no_longer）。"
    if status not in ("not_accepted", "legal_channel") and not (status in ("closed", "archived") and (
            getattr(view, "refusal_reason", "") or getattr(view, "legal_channel", ""))):
        return "该信访事项没有作出不予受理（或导入法定途径）的决定。"
    return None


# ------------------------------------------------------------------ 不再受理告知书

NO_LONGER_TITLE = "信访事项不再受理告知书"


def build_no_longer(view: PetitionView) -> Document:
    you = view.you
    blocks: list = [addressee_paragraph(view)]
    blocks.append(Paragraph([
        *came(view), Run("反映的"), *matter(view), Run(f"问题收悉。经查，{you}反映的问题与"), blank(view.original_number, 10),
        Run("信访事项（"), blank(view.original_title, 10), Run("）属同一事实和理由。该信访事项已于"),
        d(view.original_rereviewed_on), Run("经"), blank(view.original_rereview_body, 8),
        Run("复核，复核意见已书面答复。"),
    ]))
    blocks.append(Paragraph(f"依照{ART_REREVIEW}的规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，"
                            "各级党委和政府信访部门和其他机关、单位不再受理。本机关对该信访事项不再受理。"))
    blocks.append(Paragraph(f"请{you}尊重复核意见，依法理性表达诉求；如有新的事实和理由，可以依法另行提出。"))
    _closing(blocks, view, view.notice_on)
    return notice_letter(NO_LONGER_TITLE, blocks, view, subject="信访事项不再受理告知")


def _refuse_no_longer(view: Any) -> str | None:
    if not getattr(view, "no_longer_accepted", False):
        return "只有复核终结后以同一事实和理由再次提出的重复信访，才出具不再受理告知书。"
    return None


# ------------------------------------------------------------------ 转送（交办）告知书

TRANSFER_TITLE = "信访事项转送（交办）告知书"


def build_transfer(view: PetitionView) -> Document:
    you = view.you
    word = view.assign_word or "转送"
    body = view.assigned_to
    blocks: list = [addressee_paragraph(view)]
    blocks.append(Paragraph([
        *came(view), Run("反映的"), *matter(view),
        Run("问题收悉。根据“属地管理、分级负责，谁主管、谁负责”的原则，该信访事项属于"), blank(body, 10),
        Run("的职权范围，本机关已于"), d(view.notice_on), Run(f"将其{word}"), blank(body, 10), Run("处理。"),
    ]))
    if word == "交办":
        blocks.append(Paragraph([Run("本机关将督促"), blank(body, 10),
                                 Run(f"在规定期限内办理并反馈结果。请{you}与其联系，依法有序反映诉求。")]))
    else:
        blocks.append(Paragraph([Run(f"请{you}与"), blank(body, 10), Run("联系，依法有序反映诉求。")]))
    _closing(blocks, view, view.notice_on)
    title = "信访事项交办告知书" if word == "交办" else "信访事项转送告知书"
    return notice_letter(title, blocks, view, subject="信访事项转送（交办）告知")


def _refuse_transfer(view: Any) -> str | None:
    status = getattr(view, "status", "")
    done = status == "assigned_out" or (status in ("closed", "archived") and getattr(view, "assigned_to", "")
                                        and not getattr(view, "legal_channel", ""))
    if not done:
        return "该信访事项没有转送或交办给其他机关、单位。"
    return None


# ------------------------------------------------------------------ 延期办理告知书

EXTENSION_TITLE = "信访事项延期办理告知书"


def build_extension(view: PetitionView) -> Document:
    you = view.you
    reason = view.extension_reason.rstrip("。；;，, ") if view.extension_reason else ""
    approver = f"（{view.extension_approver}）" if view.extension_approver else ""
    blocks: list = [addressee_paragraph(view)]
    blocks.append(Paragraph([
        *came(view), Run("反映的"), *matter(view), Run("问题，本机关已于"), d(view.accepted_on),
        Run("依法受理，原定于"), d(view.original_handling_due), Run("前办结。"),
    ]))
    blocks.append(Paragraph([
        Run("因"), blank(reason, 16), Run(f"，情况复杂，依照{ART_HANDLING}的规定，经本机关负责人{approver}批准，办理期限延长"),
        Run(str(view.extension_days) if view.extension_days else "　　"), Run("日，至"), d(view.handling_due), Run("。"),
    ]))
    blocks.append(Paragraph(f"本机关将抓紧办理，办结后及时向{you}出具书面处理意见。"))
    _closing(blocks, view, view.extended_on)
    return notice_letter(EXTENSION_TITLE, blocks, view, subject="信访事项延期办理告知")


def _refuse_extension(view: Any) -> str | None:
    if not getattr(view, "extension_days", 0):
        return "该信访事项没有延期办理。"
    return None


# ------------------------------------------------------------------ 处理意见书 / 复查意见书 / 复核意见书

OPINION_TITLE = "信访事项处理意见书"
REVIEW_TITLE = "信访事项复查意见书"
REREVIEW_TITLE = "信访事项复核意见书"


def _petitioner_lines(view: PetitionView) -> list:
    """信访人 and, for a group, 推选代表, on their own lines at the head of an opinion."""
    people = view.petitioners
    shown = people[:5]
    names = "、".join(p.name for p in shown if p.name)
    if view.headcount > len(shown) and names:
        names += f"等{view.headcount}人"
    lines = [Paragraph([Run("信访人：", role="hei"), blank(names, 10)], indent_first=False)]
    reps = view.representatives
    if reps:
        lines.append(Paragraph([Run("推选代表：", role="hei"), Run("、".join(p.name for p in reps))], indent_first=False))
    first = next((p for p in (reps or people) if p.address), None)
    if first is not None and len(people) == 1:
        lines.append(Paragraph([Run("住址：", role="hei"), Run(first.address)], indent_first=False))
    return lines


def build_opinion(view: PetitionView) -> Document:
    you = view.you
    blocks: list = _petitioner_lines(view)
    blocks.append(Paragraph([
        Run("信访人于"), d(view.received_on), Run(CHANNEL_PHRASES.get(view.channel, "")),
        Run("向本机关反映"), *matter(view), Run("问题，本机关于"), d(view.accepted_on),
        Run("依法受理。经调查核实，现将处理意见答复如下："),
    ]))
    blocks.append(Heading("一、信访请求", 1))
    blocks += body_paragraphs(view.claims or view.title, blank_lines=2)
    blocks.append(Heading("二、事实和理由", 1))
    blocks += body_paragraphs(view.reply_text or view.description, blank_lines=4)
    blocks.append(Heading("三、处理意见", 1))
    sentence = DECISION_SENTENCES.get(view.decision)
    if sentence:
        blocks.append(Paragraph(sentence.format(you=you)))
    else:
        blocks.append(Paragraph([Run("□予以支持　□解释说明　□不予支持")]))
    blocks.append(Heading("四、法律政策依据", 1))
    blocks += body_paragraphs(view.legal_basis, blank_lines=2)
    upper = view.review_body or "本机关的上一级机关、单位"
    blocks.append(Paragraph([
        Run(f"{you}如对本处理意见不服，可以自收到本意见书之日起30日内，向"), Run(upper),
        Run("请求复查。"),
    ]))
    blocks.append(closing_group(blocks, [leader_signature(view, view.replied_on)]))
    return notice_letter(OPINION_TITLE, blocks, view, subject="信访事项处理意见")


def _refuse_opinion(view: Any) -> str | None:
    if not getattr(view, "replied_on", None):
        return "该信访事项尚未出具处理意见（答复后才能打印处理意见书）。"
    return None


def build_review(view: PetitionView) -> Document:
    you = view.you
    issuer = view.review_body or view.unit_name
    blocks: list = _petitioner_lines(view)
    blocks.append(Paragraph([
        Run("信访人不服"), blank(view.unit_name, 8), Run("于"), d(view.replied_on),
        Run(f"作出的{view.number}信访事项处理意见，于" if view.number else "作出的信访事项处理意见，于"),
        d(view.review_requested_on), Run("请求复查。本机关依法进行了复查，现提出复查意见如下："),
    ]))
    blocks.append(Heading("一、原处理意见", 1))
    if view.decision_label:
        blocks.append(Paragraph(f"原处理意见为“{view.decision_label}”。"))
    else:
        blocks += body_paragraphs("", blank_lines=2)
    blocks.append(Heading("二、复查意见", 1))
    blocks += body_paragraphs(view.review_result, blank_lines=5)
    upper = view.rereview_body or "本机关的上一级机关、单位"
    blocks.append(Paragraph([
        Run(f"{you}如对本复查意见不服，可以自收到本意见书之日起30日内，向"), Run(upper), Run("请求复核。"),
    ]))
    blocks.append(closing_group(blocks, [leader_signature(view, view.reviewed_on, issuer=issuer)]))
    return notice_letter(REVIEW_TITLE, blocks, view, subject="信访事项复查意见")


def _refuse_review(view: Any) -> str | None:
    if not getattr(view, "reviewed_on", None):
        return "该信访事项尚未作出复查意见。"
    return None


def build_rereview(view: PetitionView) -> Document:
    issuer = view.rereview_body or view.unit_name
    blocks: list = _petitioner_lines(view)
    blocks.append(Paragraph([
        Run("信访人不服"), blank(view.review_body, 8), Run("于"), d(view.reviewed_on),
        Run("作出的复查意见，于"), d(view.rereview_requested_on),
        Run("请求复核。本机关依法进行了复核，现提出复核意见如下："),
    ]))
    blocks.append(Heading("一、复查意见", 1))
    blocks += body_paragraphs(view.review_result, blank_lines=2)
    blocks.append(Heading("二、复核意见", 1))
    blocks += body_paragraphs(view.rereview_result, blank_lines=5)
    blocks.append(Paragraph(f"本复核意见为该信访事项的最终处理意见。依照{ART_REREVIEW}的规定，信访人对复核意见不服，"
                            "仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。"))
    blocks.append(closing_group(blocks, [leader_signature(view, view.rereviewed_on, issuer=issuer)]))
    return notice_letter(REREVIEW_TITLE, blocks, view, subject="信访事项复核意见")


def _refuse_rereview(view: Any) -> str | None:
    if not getattr(view, "rereviewed_on", None):
        return "该信访事项尚未作出复核意见。"
    return None


# ------------------------------------------------------------------ the list


def _petition_only(refusal: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    def check(view: Any) -> str | None:
        if getattr(view, "kind", "") != "petition":
            return "信访文书只用于信访事项。"
        if not isinstance(view, PetitionView):
            return "请从信访页面打印信访文书。"
        return refusal(view)

    check.__name__ = refusal.__name__
    check.__doc__ = refusal.__doc__
    return check


NOTICES: tuple[NoticeSpec, ...] = (
    NoticeSpec("petition_accept", "受理告知书", ACCEPT_TITLE, build_accept, _petition_only(_refuse_accept)),
    NoticeSpec("petition_reject", "不予受理告知书", REJECT_TITLE, build_reject, _petition_only(_refuse_reject)),
    NoticeSpec("petition_no_longer", "不再受理告知书", NO_LONGER_TITLE, build_no_longer,
               _petition_only(_refuse_no_longer)),
    NoticeSpec("petition_transfer", "转送/交办告知书", TRANSFER_TITLE, build_transfer,
               _petition_only(_refuse_transfer)),
    NoticeSpec("petition_extension", "延期办理告知书", EXTENSION_TITLE, build_extension,
               _petition_only(_refuse_extension)),
    NoticeSpec("petition_opinion", "处理意见书", OPINION_TITLE, build_opinion, _petition_only(_refuse_opinion)),
    NoticeSpec("petition_review", "复查意见书", REVIEW_TITLE, build_review, _petition_only(_refuse_review)),
    NoticeSpec("petition_rereview", "复核意见书", REREVIEW_TITLE, build_rereview, _petition_only(_refuse_rereview)),
)

_BY_NAME = {n.name: n for n in NOTICES}


def build(name: str, view: PetitionView) -> Document:
    return _BY_NAME[name].build(view)


def refusal(name: str, view: Any) -> str | None:
    return _BY_NAME[name].refusal(view)
