"""The catalogue of mediation documents and the order of the archive file (卷宗).

``CATALOGUE`` maps the stable ASCII names used on the command line (``print agreement …``) to a
:class:`DocumentType`: the Chinese title, the builder (``CaseView → Document``) and
``applicable(view)``, which says — in Chinese — why a document is not offered for a case
(a petition, an oral agreement, marriage/adoption/status terms for judicial confirmation …).

:func:`archive_parts` lists what goes into the bound file after the cover and the contents, in
the order of DOMAIN.md §8: application or intake register, notice of rights and duties, ID
proof, powers of attorney, investigation records, evidence, mediation records, the agreement
(or the oral-agreement register), performance receipts, follow-up records, judicial-confirmation
papers, notes on the file — then the back cover. Only what exists for the case is included.

Pure: no queries, no Qt. ``services/printing.py`` makes the :class:`CaseView`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from .model import Document, Image, Paragraph, PdfPages, Run
from .templates import (
    agreement, application, archive_contents, archive_cover, archive_notes, back_cover, follow_up, intake,
    investigation, jc_application, mediation_record, oral_agreement, rights_notice,
)
from .templates.common import AttachmentView, CaseView, form

__all__ = [
    "CATALOGUE", "DocumentType", "ArchivePart", "archive_parts", "attachments_document", "jc_refusal",
    "names", "get",
]


@dataclass(frozen=True)
class DocumentType:
    name: str  # stable ASCII name (CLI, registry doc_type)
    label: str  # short Chinese name, as the users say it (申请书, 调解协议书 …)
    title: str  # the title printed on the document
    build: Callable[[CaseView], Document]
    refusal: Callable[[CaseView], str | None]
    archive_only: bool = False  # cover, contents, back cover: numbers come from the archive
    #: documents registered by other areas print from their own view: ``make_view(desk, case_id,
    #: mask=…)`` (None: the CaseView of services/printing)
    make_view: Callable[..., object] | None = None

    def applicable(self, view: CaseView) -> tuple[bool, str]:
        """(True, "") when the document can be printed for this case, else (False, reason)."""
        reason = self.refusal(view)
        return (reason is None, reason or "")


# ------------------------------------------------------------------ refusals


def _dispute_only(view: CaseView) -> str | None:
    if view.kind != "dispute":
        return "信访事项不使用人民调解文书。"
    return None


_NO_AGREEMENT = {
    "failed": "本案调解不成，没有调解协议。",
    "terminated": "本案已终止调解，没有调解协议。",
    "transferred": "本案已移送/转办，没有调解协议。",
}


def _agreement_refusal(view: CaseView) -> str | None:
    reason = _dispute_only(view)
    if reason:
        return reason
    if view.has_oral_agreement:
        return "本案达成的是口头协议，请打印“口头协议登记表”（oral_agreement）。"
    return _NO_AGREEMENT.get(view.outcome)


def _oral_refusal(view: CaseView) -> str | None:
    reason = _dispute_only(view)
    if reason:
        return reason
    if view.has_written_agreement:
        return "本案达成的是书面协议，请打印“调解协议书”（agreement）。"
    return _NO_AGREEMENT.get(view.outcome)


#: Terms that concern marriage, adoption or personal status (cannot be judicially confirmed —
#: 最高人民法院《关于人民调解协议司法确认程序的若干规定》第四条; DOMAIN.md §3).
STATUS_TERMS = re.compile(
    r"离婚|婚姻关系|复婚|结婚登记|收养|送养|亲子关系|身份关系|监护权|抚养权|直接抚养|随(?:父|母)(?:亲)?(?:一方)?生活|探望"
)
#: Categories whose agreements are about status by their nature.
STATUS_CATEGORIES = {"divorce": "离婚"}


def jc_refusal(view: CaseView, *, check_window: bool = True) -> str | None:
    """Why the parties cannot apply for judicial confirmation of this case's agreement (None: they
    can). Only written agreements on property, debt or support terms; not marriage, adoption or
    status terms; within 30 days of the agreement taking effect."""
    reason = _dispute_only(view)
    if reason:
        return "信访事项不能申请司法确认。"
    if view.has_oral_agreement:
        return "口头协议不能直接申请司法确认：请先制作书面调解协议书，再共同申请。"
    if view.outcome in _NO_AGREEMENT:
        return _NO_AGREEMENT[view.outcome].rstrip("。") + "，无从申请司法确认。"
    if not view.has_written_agreement:
        return "本案尚未达成书面调解协议，达成协议后才能申请司法确认。"
    found = STATUS_TERMS.search(view.agreement_terms or "")
    if view.category in STATUS_CATEGORIES or found:
        what = f"“{found.group(0)}”" if found else f"{STATUS_CATEGORIES[view.category]}纠纷"
        return (f"协议涉及婚姻、收养或其他身份关系的内容（{what}），依法不能申请司法确认；"
                "只有财产、债务或抚养费、赡养费等给付内容可以申请，可将这些内容另行制作协议后再申请。")
    if check_window and not view.jc_applied_on and view.jc_deadline and view.today and view.today > view.jc_deadline:
        return (f"已超过申请司法确认的期限：协议于{_d(view.agreement_effective_on)}生效，"
                f"应在{_d(view.jc_deadline)}前（生效之日起30日内）共同申请。")
    return None


def _d(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


# ------------------------------------------------------------------ the catalogue


def _t(name: str, label: str, module, refusal=_dispute_only, archive_only: bool = False) -> DocumentType:
    return DocumentType(name, label, module.TITLE, module.build, refusal, archive_only)


CATALOGUE: dict[str, DocumentType] = {
    t.name: t
    for t in (
        _t("application", "申请书", application),
        _t("intake", "受理登记表", intake),
        _t("rights_notice", "当事人权利义务告知书", rights_notice),
        _t("investigation", "调查记录", investigation),
        _t("mediation_record", "调解记录", mediation_record),
        _t("agreement", "调解协议书", agreement, _agreement_refusal),
        _t("oral_agreement", "口头协议登记表", oral_agreement, _oral_refusal),
        _t("follow_up", "回访记录", follow_up),
        _t("jc_application", "司法确认申请书", jc_application, jc_refusal),
        _t("archive_cover", "卷宗封面", archive_cover, archive_only=True),
        _t("archive_contents", "卷内目录", archive_contents, archive_only=True),
        _t("archive_notes", "卷宗情况说明", archive_notes),
        _t("back_cover", "封底/备考表", back_cover, archive_only=True),
    )
}


def names() -> list[str]:
    return list(CATALOGUE)


def get(name: str) -> DocumentType:
    try:
        return CATALOGUE.get(name) or REGISTERED[name]
    except KeyError:
        raise KeyError(f"没有名为“{name}”的文书，可选：{'、'.join(all_documents())}") from None


#: Documents of other areas (the petition notices …), added by their service modules with
#: :func:`register` and found by :func:`get`; kept out of CATALOGUE (the mediation documents and
#: the archive file).
REGISTERED: dict[str, DocumentType] = {}


def register(t: DocumentType) -> DocumentType:
    """Add a document of another area (idempotent: registering the same name again replaces it)."""
    if t.name in CATALOGUE:
        raise ValueError(f"文书名称“{t.name}”已被人民调解文书使用")
    REGISTERED[t.name] = t
    return t


def all_documents() -> dict[str, DocumentType]:
    """The mediation documents followed by the registered ones."""
    return {**CATALOGUE, **REGISTERED}


# ------------------------------------------------------------------ the archive file


@dataclass
class ArchivePart:
    key: str  # catalogue name, or "attachments:<kind>"
    title: str  # 文书名称 in the 卷内目录 (the document's printed title starts with it)
    document: Document
    note: str = ""  # 备注


#: Where each attachment kind goes (DOMAIN.md §8): after which archive item, and its heading.
ATTACHMENT_TITLES = {
    "id_proof": "当事人身份证明",
    "power_of_attorney": "授权委托书",
    "evidence": "证据材料",
    "other": "其他材料",
    "receipt": "履行凭证",
    "jc_papers": "司法确认材料",
}


def image_readable(path) -> bool:
    """Whether PIL can decode the picture (a broken scan must not stop the whole archive)."""
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as im:
            im.verify()
        with PILImage.open(path) as im:
            im.load()
        return True
    except Exception:
        return False


def pdf_readable(path) -> bool:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages) > 0
    except Exception:
        return False


def attachment_state(att: AttachmentView) -> str:
    """"image", "pdf", "missing", "unreadable" or "other" (a file that cannot be printed)."""
    if not att.exists:
        return "missing"
    if att.is_image:
        return "image" if image_readable(att.path) else "unreadable"
    if att.is_pdf:
        return "pdf" if pdf_readable(att.path) else "unreadable"
    return "other"


def attachments_document(title: str, atts: list[AttachmentView], view: CaseView) -> Document:
    """The attachments of one kind: pictures scaled into the text block with their captions, the
    pages of PDF files inserted as pages, a note for what cannot be printed."""
    blocks: list = []
    for i, att in enumerate(atts, start=1):
        caption = f"{i}. {att.filename}" + (f"（{att.note}）" if att.note else "")
        state = attachment_state(att)
        if state == "image":
            blocks.append(Image(att.path, max_height_mm=175, caption=caption))
        elif state == "pdf":
            blocks.append(PdfPages(att.path, name=caption, embed=True))
        else:
            why = {
                "missing": "文件在数据文件夹中缺失，请另行补充纸质材料",
                "unreadable": "文件已损坏，无法打印，请另行补充纸质材料",
                "other": "该文件不是图片或PDF，请另行打印后附卷",
            }[state]
            blocks.append(Paragraph([Run(caption), Run(f"——{why}。")], indent_first=False))
    return form(title, blocks, view, subject=title)


def archive_parts(view: CaseView) -> list[ArchivePart]:
    """The documents bound after the cover and the contents, in DOMAIN.md §8 order (the back
    cover, whose text depends on the page count, is added by the archive builder)."""
    parts: list[ArchivePart] = []

    def add(name: str, document: Document | None = None, title: str | None = None, note: str = "") -> None:
        t = CATALOGUE[name]
        parts.append(ArchivePart(name, title or t.title, document or t.build(view), note))

    def add_attachments(kind: str) -> None:
        atts = view.attachments_of(kind)
        if atts:
            title = ATTACHMENT_TITLES[kind]
            parts.append(ArchivePart(f"attachments:{kind}", title, attachments_document(title, atts, view),
                                     f"{len(atts)}份"))

    add("application" if view.source == "party_application" else "intake")  # 3
    add("rights_notice")  # 4
    add_attachments("id_proof")  # 5
    add_attachments("power_of_attorney")  # 6
    for e in view.events_of("investigation"):  # 7
        add("investigation", investigation.build(view, [e]), note=_event_note(e))
    add_attachments("evidence")  # 8
    add_attachments("other")
    for e in view.events_of("mediation_session"):  # 9
        add("mediation_record", mediation_record.build(view, [e]), note=_event_note(e))
    if view.has_written_agreement:  # 10
        add("agreement")
    elif view.has_oral_agreement:
        add("oral_agreement")
    add_attachments("receipt")  # 11
    for e in view.events_of("follow_up"):  # 12
        add("follow_up", follow_up.build(view, [e]), note=_event_note(e))
    if view.jc_applied_on and jc_refusal(view, check_window=False) is None:  # 13
        add("jc_application")
    add_attachments("jc_papers")
    if archive_notes.points(view):  # 14
        add("archive_notes")
    return parts


def _event_note(e) -> str:
    return f"{e.occurred_on.month}月{e.occurred_on.day}日" if e.occurred_on else ""
