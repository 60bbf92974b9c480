"""卷宗情况说明 (DOMAIN.md §8 item 14, as needed): what happened in the case in a few sentences
(received, investigated, mediated, the outcome, performance, follow-up, judicial confirmation)
and the points the file must explain: an extended time limit, a failed or transferred
mediation, a rejected confirmation, an agreement not performed, attachments missing from the
data folder. Letter style, signed by the 立卷人 with the date of filing."""

from __future__ import annotations

from ..model import BlankLines, Document, Heading, NumberedParagraphs, Paragraph, SignatureBlock
from .common import CaseView, blank_date, join_nonempty, letter

TITLE = "卷宗情况说明"


def summary(view: CaseView) -> str:
    """The course of the case in one paragraph, from its dates and timeline."""
    parts: list[str] = []
    ident = f"（案件编号：{view.number}" + (f"，卷号：{view.archive_number}）" if view.archive_number else "）")
    parts.append(f"本卷为{view.unit_name or '本委员会'}调解的{view.title or '纠纷'}{ident}的卷宗材料。")
    start = join_nonempty([
        f"本案于{blank_date(view.received_on)}受理" if view.received_on else "",
        f"案件来源为{view.source_label}" if view.source_label else "",
        f"纠纷类别为{view.category_label}" if view.category_label else "",
        f"由人民调解员{view.mediator_name}主持调解" if view.mediator_name else "",
    ])
    if start:
        parts.append(start + "。")
    counts = join_nonempty([
        f"开展调查{len(view.events_of('investigation'))}次" if view.events_of("investigation") else "",
        f"组织调解{len(view.events_of('mediation_session'))}次" if view.events_of("mediation_session") else "",
    ])
    if counts:
        parts.append(f"期间{counts}。")
    when = blank_date(view.agreement_effective_on or view.closed_on) if (view.agreement_effective_on or view.closed_on) else ""
    if view.has_written_agreement:
        parts.append(f"{when}各方当事人达成书面调解协议。")
    elif view.has_oral_agreement:
        parts.append(f"{when}各方当事人达成口头协议，已登记在卷。")
    elif view.outcome_label:
        parts.append(f"{when}案件结果：{view.outcome_label}。")
    if view.performance_deadline:
        parts.append(f"协议约定于{blank_date(view.performance_deadline)}前履行完毕。")
    if view.performed is True:
        parts.append("经回访，协议已履行。")
    follow = view.events_of("follow_up")
    if follow:
        parts.append(f"共回访{len(follow)}次。")
    if view.jc_applied_on:
        jc = f"当事人于{blank_date(view.jc_applied_on)}向{view.jc_court or '人民法院'}申请司法确认"
        if view.jc_decided_on:
            result = {"confirmed": "裁定确认调解协议有效", "rejected": "裁定驳回申请"}.get(view.jc_result, "作出裁定")
            jc += f"，法院于{blank_date(view.jc_decided_on)}{result}"
        parts.append(jc + "。")
    return "".join(parts)


def points(view: CaseView) -> list[str]:
    """What the file needs to explain (empty: nothing special)."""
    out: list[str] = []
    if view.extension_days:
        out.append(f"经双方当事人同意，调解期限延长{view.extension_days}日"
                   + (f"，理由：{view.extension_reason.rstrip('。')}" if view.extension_reason else "") + "。")
    if view.outcome in ("failed", "terminated", "transferred"):
        note = view.outcome_note.rstrip("。")
        out.append(f"本案{view.outcome_label}" + (f"：{note}" if note else "") + "。")
    elif view.outcome_note:
        out.append(view.outcome_note.rstrip("。") + "。")
    if view.performed is False:
        out.append("经回访，协议尚未履行完毕。")
    if view.jc_result == "rejected":
        out.append("人民法院裁定驳回司法确认申请。")
    missing = [a for a in view.attachments if not a.exists]
    if missing:
        out.append("以下附件在数据文件夹中缺失，未能装订入卷，须另行补充："
                   + "、".join(f"{a.kind_label}“{a.filename}”" for a in missing) + "。")
    return out


def build(view: CaseView) -> Document:
    items = points(view)
    blocks: list = [Heading("一、办理情况", 1), Paragraph(summary(view)), Heading("二、需要说明的情况", 1)]
    if items:
        blocks.append(NumberedParagraphs(items, style="1."))
    else:
        blocks.append(Paragraph("无。"))
    blocks.append(BlankLines(3, ruled=True))
    blocks.append(SignatureBlock(lines=[("立卷人（签名）", view.archive_keeper)], date_text=blank_date(view.archived_on),
                                 leave_space_mm=4, columns=1))
    return letter(TITLE, blocks, view, subject="卷宗情况说明")
