"""Printing the mediation documents of a case, and binding its archive file (卷宗).

* :func:`case_view` turns a case, its parties, events and attachments into the plain
  :class:`~mediation_desk.documents.templates.common.CaseView` the templates print from (labels
  resolved, ages computed, ID numbers and phones masked on request).
* :func:`document_choices` says which documents the catalogue offers for a case (and why not).
* :func:`render_document` / :func:`preview_pdf` build one document in memory (the preview);
  :func:`print_document` saves it as PDF or DOCX and records it in the register of generated
  documents with its SHA-256 (audited). :func:`reopen` finds a recorded file again and says
  whether it is still the file that was made.
* :func:`build_archive` binds the whole file: it allocates the 卷号 once per case (audited), then
  renders cover, contents with the real page numbers, the documents and attachments in the order
  of DOMAIN.md §8, and the back cover into one PDF — and, on request, the same set as DOCX files
  in a folder (each starting at its page number in the PDF).

No Qt here; the window (ui/printing) and the command line (cli_print) call these functions.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from sqlmodel import select

from ..documents import Document
from ..documents import catalogue as cat
from ..documents.templates import archive_contents, archive_cover, back_cover
from ..documents.templates.archive_contents import ContentsRow
from ..documents.templates.common import AttachmentView, CaseView, EventView, PartyView
from ..domain import vocabularies as vocab
from ..domain.deadlines import judicial_confirmation_window
from ..domain.masking import mask_id_number, mask_phone
from ..domain.numbering import format_number
from ..store import numbers
from ..store.models import Case, GeneratedDocument, Party, Staff, Unit, utcnow
from . import attachments as attachment_service
from . import cases as case_service
from . import settings as settings_service
from . import vocab as vocab_service
from .context import Desk, ServiceError

FORMATS = (".pdf", ".docx")
SEX_LABELS = {"male": "男", "female": "女"}
ARCHIVE_DOC_TYPE = "archive"

__all__ = [
    "FORMATS", "ArchiveEntry", "ArchiveResult", "DocumentChoice", "PrintResult", "ReopenResult",
    "allocate_archive_number", "build_archive", "case_view", "document_choices", "documents_dir",
    "generated_documents", "preview_pdf", "print_document", "render_document", "reopen", "suggested_path",
]


# ------------------------------------------------------------------ the view


def _age(birth: date | None, on: date) -> int | None:
    if birth is None or birth > on:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def case_view(desk: Desk, case_id: str, *, mask: bool = False) -> CaseView:
    """Everything the mediation documents print about a case, as plain data."""
    detail = case_service.case_detail(desk, case_id)
    case = detail.case
    labels = vocab_service.all_labels(desk)

    def label(vocabulary: str, code: str | None) -> str:
        if not code:
            return ""
        return labels.get(vocabulary, {}).get(code) or vocab.label(vocabulary, code) or code

    with desk.read() as session:
        unit = session.get(Unit, case.unit_id)
        staff_ids = {sid for e in detail.events for sid in (e.staff_ids or [])}
        staff = {s.id: s.name for s in session.exec(select(Staff).where(Staff.id.in_(staff_ids)))} if staff_ids else {}
        names = {p.id: p.name for _l, p in detail.parties}
        missing = {link.agent_for_id for link, _p in detail.parties if link.agent_for_id and link.agent_for_id not in names}
        if missing:
            names.update({p.id: p.name for p in session.exec(select(Party).where(Party.id.in_(missing)))})
        rules = settings_service.deadline_rules(session)
        calendar = settings_service.work_calendar(session)

    on = case.agreement_effective_on or case.received_on or desk.today()
    parties = []
    for link, p in detail.parties:
        id_number = p.id_number or ""
        phone = p.phone or ""
        if mask:
            id_number = mask_id_number(id_number) if p.kind == "person" else id_number
            phone = mask_phone(phone)
        parties.append(PartyView(
            role=link.role, role_label=label("party_role", link.role), name=p.name, kind=p.kind,
            sex=SEX_LABELS.get(p.sex, ""), ethnicity=p.ethnicity or "", birth_date=p.birth_date,
            age=_age(p.birth_date, on), id_number=id_number, phone=phone, address=p.address or "",
            occupation=p.occupation or "", legal_representative=p.legal_representative or "",
            agent_for=names.get(link.agent_for_id, "") if link.agent_for_id else ""))
    events = [
        EventView(kind=e.kind, kind_label=label("event_kind", e.kind), occurred_on=e.occurred_on,
                  time_text=e.time_text or "", place=e.place or "",
                  staff_names="、".join(staff[s] for s in (e.staff_ids or []) if s in staff),
                  participants=e.participants or "", person_questioned=e.person_questioned or "",
                  content=e.content or "", result=e.result or "")
        for e in detail.events
    ]
    atts = [
        AttachmentView(kind=a.kind, kind_label=attachment_service.KINDS.get(a.kind, a.kind), filename=a.filename,
                       path=attachment_service.attachment_path(desk, a), note=a.note or "")
        for a in detail.attachments
    ]
    jc_deadline = (judicial_confirmation_window(case.agreement_effective_on, rules, calendar)
                   if case.agreement_effective_on else None)
    return CaseView(
        case_id=case.id, number=case.number, title=case.title, kind=case.kind,
        category=case.category, category_label=label("category", case.category),
        source=case.source, source_label=label("source", case.source),
        status=case.status, status_label=vocab.status_label(case.kind, case.status),
        area_name=detail.area_name, area_path=detail.area_path, location=case.location,
        received_on=case.received_on, accepted_on=case.accepted_on, due_on=case.due_on,
        resolved_on=case.resolved_on, closed_on=case.closed_on, archived_on=case.archived_on,
        description=case.description, claims=case.claims, people_involved=case.people_involved,
        amount_involved=case.amount_involved, mediator_name=detail.mediator_name, recorder_name=detail.recorder_name,
        unit_name=unit.name if unit else detail.unit_name, unit_short_name=unit.short_name if unit else "",
        unit_address=unit.address if unit else "", unit_phone=unit.phone if unit else "",
        unit_head=unit.head_name if unit else "",
        outcome=case.outcome, outcome_label=label("outcome", case.outcome), outcome_note=case.outcome_note,
        agreement_facts=case.agreement_facts, agreement_terms=case.agreement_terms,
        performance_manner=case.performance_manner, performance_place=case.performance_place,
        performance_deadline=case.performance_deadline, agreement_effective_on=case.agreement_effective_on,
        agreement_copies=case.agreement_copies, agreement_amount=case.agreement_amount, performed=case.performed,
        jc_applied_on=case.jc_applied_on, jc_court=case.jc_court, jc_decided_on=case.jc_decided_on,
        jc_result=case.jc_result, jc_deadline=jc_deadline,
        extension_days=case.extension_days, extension_reason=case.extension_reason,
        dv_type_label=label("dv_type", case.dv_type), minors_count=case.minors_count,
        minors_arrangements=case.minors_arrangements, divorce_registered_on=case.divorce_registered_on,
        not_public=case.not_public, archive_number=case.archive_number, archive_keeper=case.archive_keeper,
        retention=case.retention, parties=parties, events=events, attachments=atts, masked=mask,
        today=desk.today(),
    )


# ------------------------------------------------------------------ choosing a document


@dataclass
class DocumentChoice:
    name: str  # catalogue name (CLI)
    label: str  # 调解协议书
    title: str  # 人民调解协议书
    ok: bool
    reason: str = ""  # why not, in Chinese
    archive_only: bool = False


def document_choices(desk: Desk, case_id: str, view: CaseView | None = None) -> list[DocumentChoice]:
    """Every document of the catalogue, with whether it can be printed for this case and why not."""
    view = view or case_view(desk, case_id)
    out = []
    for t in cat.CATALOGUE.values():
        ok, reason = t.applicable(view)
        out.append(DocumentChoice(t.name, t.label, t.title, ok, reason, t.archive_only))
    return out


def _doc_type(name: str) -> cat.DocumentType:
    from . import petitions  # noqa: F401  (registers the petition notices in the catalogue)

    try:
        return cat.get(name)
    except KeyError as error:
        raise ServiceError(str(error.args[0])) from None


def render_document(desk: Desk, case_id: str, name: str, *, mask: bool = False,
                    view: CaseView | None = None) -> Document:
    """The document ``name`` of the catalogue for a case; ServiceError (with the reason) when the
    catalogue does not offer it for this case. Cover, contents and back cover get their page
    numbers from a dry run of the archive (nothing allocated, nothing saved)."""
    t = _doc_type(name)
    view = view or (t.make_view or case_view)(desk, case_id, mask=mask)
    ok, reason = t.applicable(view)
    if not ok:
        raise ServiceError(f"不能打印{t.label}：{reason}")
    if t.archive_only:
        layout = _archive_layout(view)
        return {"archive_cover": layout.cover, "archive_contents": layout.contents, "back_cover": layout.back}[name]
    return t.build(view)


def preview_pdf(desk: Desk, case_id: str, name: str, *, mask: bool = False) -> bytes:
    """The document as PDF bytes, for the preview (not saved, not recorded)."""
    from ..documents.pdf import render_pdf

    buf = io.BytesIO()
    render_pdf(render_document(desk, case_id, name, mask=mask), buf)
    return buf.getvalue()


# ------------------------------------------------------------------ saving and the register


@dataclass
class PrintResult:
    path: Path
    name: str
    title: str
    pages: int | None  # PDF only
    sha256: str
    record_id: str
    seconds: float = 0.0
    masked: bool = False


def documents_dir(desk: Desk) -> Path:
    """Where printed documents are kept by default: beside the database, ``<stem>-文书``."""
    if desk.store.path is not None:
        path = Path(desk.store.path)
        return path.parent / f"{path.stem}-文书"
    from ..datadir import data_dir

    return data_dir() / "文书"


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(text: str) -> str:
    """A file or folder name that Windows accepts (（2026）青调字第018号 stays readable)."""
    cleaned = _UNSAFE.sub("_", text).strip().rstrip(".")
    return cleaned[:80] or "文书"


def suggested_path(desk: Desk, case_id: str, name: str, suffix: str = ".pdf", *, mask: bool = False) -> Path:
    """Default file for a document: ``<文书>/<case number>/<title>[（隐藏）].pdf``."""
    with desk.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        number = case.number
    title = "卷宗" if name == ARCHIVE_DOC_TYPE else _doc_type(name).title
    return documents_dir(desk) / safe_name(number) / f"{safe_name(title)}{'（隐藏）' if mask else ''}{suffix}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: Path, write: Callable[[Path], object]) -> object:
    """Write through a temporary file in the same folder, then rename (never a half file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.part{path.suffix}")
    try:
        result = write(tmp)
        os.replace(tmp, path)
        return result
    except PermissionError as error:
        raise ServiceError(f"无法写入“{path.name}”：文件可能正在其他程序中打开，或文件夹没有写入权限。"
                           "请关闭该文件或换一个位置后再试。") from error
    finally:
        if tmp.exists():
            try:
                tmp.unlink()
            except OSError:
                pass


def record_document(desk: Desk, case_id: str, doc_type: str, number: str, path: Path, masked: bool) -> GeneratedDocument:
    digest = _sha256(path)
    with desk.tx() as session:
        row = GeneratedDocument(case_id=case_id, doc_type=doc_type, number=number, doc_date=desk.today(),
                                path=str(Path(path).resolve()), file_format=path.suffix.lower().lstrip("."),
                                sha256=digest, masked=masked)
        session.add(row)
        session.flush()
        desk.audit(session, "create", row)
        session.expunge(row)
        return row


def _check_suffix(path: Path, allowed: Sequence[str] = FORMATS) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        wanted = "、".join(allowed)
        raise ServiceError(f"不支持的输出格式“{suffix or '（无扩展名）'}”：请保存为 {wanted} 文件。")
    return suffix


def print_document(desk: Desk, case_id: str, name: str, out_path: str | Path, *, mask: bool = False) -> PrintResult:
    """Save the document ``name`` of a case as PDF or DOCX (by the suffix of ``out_path``) and
    record it in the register of generated documents (type, number, date, path, SHA-256)."""
    from ..documents.docx import render_docx
    from ..documents.pdf import render_pdf

    path = Path(out_path)
    suffix = _check_suffix(path)
    started = time.perf_counter()
    document = render_document(desk, case_id, name, mask=mask)
    if suffix == ".pdf":
        pages = write_atomically(path, lambda tmp: render_pdf(document, tmp))
    else:
        write_atomically(path, lambda tmp: render_docx(document, tmp))
        pages = None
    seconds = time.perf_counter() - started
    number = document.meta.get("case_number", "") or ""
    row = record_document(desk, case_id, name, number, path, mask)
    return PrintResult(path=path, name=name, title=_doc_type(name).title, pages=pages, sha256=row.sha256,
                       record_id=row.id, seconds=seconds, masked=mask)


def generated_documents(desk: Desk, case_id: str) -> list[GeneratedDocument]:
    """The register of what was printed/saved for a case, newest first."""
    with desk.read() as session:
        rows = list(session.exec(select(GeneratedDocument).where(GeneratedDocument.case_id == case_id)
                                 .order_by(GeneratedDocument.created_at.desc())))
        for r in rows:
            session.expunge(r)
        return rows


@dataclass
class ReopenResult:
    path: Path
    state: str  # "ok" | "changed" (the file's hash differs) | "missing"
    record: GeneratedDocument

    @property
    def message(self) -> str:
        if self.state == "missing":
            return f"文件已不在原位置：{self.path}"
        if self.state == "changed":
            return f"文件在生成后被修改过（与登记的校验值不一致）：{self.path}"
        return ""


def reopen(desk: Desk, record_id: str) -> ReopenResult:
    """Find a generated document again; says whether the file is missing or was changed since."""
    with desk.read() as session:
        row = session.get(GeneratedDocument, record_id)
        if row is None:
            raise ServiceError("登记簿中没有这份文书。")
        session.expunge(row)
    path = Path(row.path)
    if not path.is_file():
        return ReopenResult(path, "missing", row)
    return ReopenResult(path, "ok" if _sha256(path) == row.sha256 else "changed", row)


# ------------------------------------------------------------------ the archive file


def allocate_archive_number(desk: Desk, case_id: str) -> tuple[str, bool]:
    """The case's 卷号, allocated the first time (per unit and year, never reused; audited).
    Returns (number, newly_allocated)."""
    from ..store import audit

    with desk.tx() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        _check_archivable(case)
        if case.archive_number:
            return case.archive_number, False
        unit = session.get(Unit, case.unit_id) or desk.current_unit(session)
        year = (case.archived_on or desk.today()).year
        seq = numbers.allocate(session, unit.id, "archive", year)
        pattern = settings_service.numbering_patterns(session)["archive"]
        number = format_number(pattern, year, unit.short_name, seq)
        before = audit.snapshot(case)
        case.archive_number = number
        case.archive_seq = seq
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        return number, True


def _check_archivable(case: Case) -> None:
    if case.voided:
        raise ServiceError(f"案件 {case.number} 已作废，不能立卷归档。")
    if case.kind != "dispute":
        raise ServiceError("信访事项不使用人民调解卷宗。")
    if not vocab.is_closed(case.kind, case.status):
        raise ServiceError(f"案件 {case.number} 尚在办理中（{vocab.status_label(case.kind, case.status)}），"
                           "结案后才能立卷归档。")


@dataclass
class ArchiveEntry:
    key: str  # catalogue name or attachments:<kind>
    title: str  # 文书名称
    first_page: int  # printed page number
    last_page: int
    note: str = ""


@dataclass
class ArchiveResult:
    path: Path
    archive_number: str
    allocated: bool  # the 卷号 was allocated by this call
    pages: int  # physical pages of the PDF (cover, contents and back cover included)
    numbered_pages: int  # pages numbered 1…N (the documents)
    front_pages: int  # cover + contents pages before page 1
    entries: list[ArchiveEntry]
    sha256: str
    record_id: str
    docx_files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # problems worth telling (missing attachments …)

    def physical_page(self, printed: int) -> int:
        """The 1-based page of the PDF that prints the page number ``printed``."""
        return printed + self.front_pages


@dataclass
class _Layout:
    parts: list[cat.ArchivePart]
    cover: Document
    contents: Document
    back: Document
    entries: list[ArchiveEntry]
    numbered_pages: int
    body_pdf: bytes  # the documents, numbered from 1
    notes: list[str]


def _archive_layout(view: CaseView) -> _Layout:
    """Render the documents once, numbered from 1 (each starts on a new page), to learn where
    each one starts; then build the cover, the contents and the back cover with those numbers.
    The front matter and the back cover are unnumbered and rendered on their own, so one pass
    over the documents gives the final numbers."""
    from ..documents.pdf import page_count, render_pdf_bundle

    parts = cat.archive_parts(view)
    buf = io.BytesIO()
    starts = [int(s or 0) for s in render_pdf_bundle([p.document for p in parts], buf)]
    total = page_count(buf)
    entries = []
    for i, part in enumerate(parts):
        last = (starts[i + 1] - 1) if i + 1 < len(parts) else total
        entries.append(ArchiveEntry(part.key, part.title, starts[i], max(starts[i], last), part.note))
    view.archive_items = len(parts)
    view.archive_pages = total
    notes = [n for n in cat.archive_notes.points(view) if "缺失" in n]
    rows = [ContentsRow(e.title, e.first_page, e.last_page, e.note) for e in entries]
    return _Layout(parts, archive_cover.build(view), archive_contents.build(view, rows), back_cover.build(view, notes),
                   entries, total, buf.getvalue(), notes)


def build_archive(desk: Desk, case_id: str, out_pdf: str | Path, docx_dir: str | Path | None = None, *,
                  mask: bool = False, progress: Callable[[str, float], None] | None = None) -> ArchiveResult:
    """Bind the archive file of a closed dispute into one PDF: cover, contents (real page
    numbers), the documents that exist for the case with their attachments in DOMAIN.md §8
    order, back cover. With ``docx_dir``, the same set is also written there as DOCX files.
    The 卷号 is allocated on the first call only. Every file is recorded in the register."""
    from pypdf import PdfReader, PdfWriter

    from ..documents.docx import render_docx
    from ..documents.pdf import page_count, render_pdf_bundle

    report = progress or (lambda _phase, _fraction: None)
    started = time.perf_counter()
    out = Path(out_pdf)
    _check_suffix(out, (".pdf",))
    number, allocated = allocate_archive_number(desk, case_id)
    report("整理卷宗材料", 0.05)
    view = case_view(desk, case_id, mask=mask)
    report("排版文书", 0.15)
    layout = _archive_layout(view)
    report("生成封面和目录", 0.75)
    front = io.BytesIO()
    render_pdf_bundle([layout.cover, layout.contents], front)
    front_pages = page_count(front)
    back = io.BytesIO()
    render_pdf_bundle([layout.back], back)

    def write(tmp: Path) -> int:
        writer = PdfWriter()
        for data in (front.getvalue(), layout.body_pdf, back.getvalue()):
            writer.append(PdfReader(io.BytesIO(data)))
        writer.add_outline_item(title="卷宗封面", page_number=0)
        writer.add_outline_item(title="卷内目录", page_number=1)
        for e in layout.entries:
            writer.add_outline_item(title=f"{e.title}（第{e.first_page}页）", page_number=e.first_page - 1 + front_pages)
        writer.add_outline_item(title="卷内备考表", page_number=front_pages + layout.numbered_pages)
        writer.add_metadata({"/Title": f"人民调解卷宗 {number}", "/Author": view.unit_name,
                             "/Subject": view.title, "/Creator": "调解工作台 Mediation Desk"})
        writer.page_mode = "/UseOutlines"
        with open(tmp, "wb") as fh:
            writer.write(fh)
        return len(writer.pages)

    report("合并卷宗", 0.85)
    pages = int(write_atomically(out, write))  # type: ignore[arg-type]
    row = record_document(desk, case_id, ARCHIVE_DOC_TYPE, number, out, mask)
    docx_files: list[Path] = []
    if docx_dir is not None:
        report("生成 Word 文件", 0.9)
        folder = Path(docx_dir)
        folder.mkdir(parents=True, exist_ok=True)
        items: list[tuple[str, str, Document, int | None]] = [
            ("archive_cover", "卷宗封面", layout.cover, None), ("archive_contents", "卷内目录", layout.contents, None)]
        items += [(p.key, e.title, p.document, e.first_page) for p, e in zip(layout.parts, layout.entries)]
        items.append(("back_cover", "卷内备考表", layout.back, None))
        for i, (key, title, document, first) in enumerate(items, start=1):
            path = folder / f"{i:02d}_{safe_name(title)}.docx"

            def write_docx(tmp: Path, document=document, first=first) -> None:
                render_docx(document, tmp)
                if first and first > 1:
                    _start_page_numbers_at(tmp, first)

            write_atomically(path, write_docx)
            record_document(desk, case_id, key if key in cat.CATALOGUE else f"archive:{key}", number, path, mask)
            docx_files.append(path)
    report("完成", 1.0)
    return ArchiveResult(path=out, archive_number=number, allocated=allocated, pages=pages,
                         numbered_pages=layout.numbered_pages, front_pages=front_pages, entries=layout.entries,
                         sha256=row.sha256, record_id=row.id, docx_files=docx_files,
                         seconds=time.perf_counter() - started, notes=layout.notes)


_AFTER_PGNUMTYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                    "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _start_page_numbers_at(path: Path, first: int) -> None:
    """Make a DOCX number its pages from ``first`` (its page in the bound PDF)."""
    from docx import Document as open_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = open_docx(str(path))
    for section in d.sections:
        sect = section._sectPr
        pg = sect.find(qn("w:pgNumType"))
        if pg is None:
            pg = OxmlElement("w:pgNumType")
            # schema order: … pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols, … docGrid …
            for tag in _AFTER_PGNUMTYPE:
                anchor = sect.find(qn(tag))
                if anchor is not None:
                    anchor.addprevious(pg)
                    break
            else:
                sect.append(pg)
        pg.set(qn("w:start"), str(first))
    d.save(str(path))
