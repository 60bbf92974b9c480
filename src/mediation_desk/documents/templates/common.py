"""What the mediation-document templates print from, and the pieces they share.

The templates (application, intake, agreement …) build a :class:`~mediation_desk.documents.Document`
from a :class:`CaseView`: plain data made by ``services/printing.py`` out of a case, its parties,
its events and its attachments (labels resolved, ID numbers and phones already masked when the
copy leaves the office). No queries and no Qt here, so a template can be tested with a hand-made
view. Whatever the case lacks prints as an empty cell or an underlined blank to fill by hand —
never as "None".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..model import (
    BLANK_DATE,
    BlankLines,
    Cell,
    Document,
    Field,
    FieldGrid,
    Group,
    Heading,
    NumberedParagraphs,
    PageSetup,
    Paragraph,
    Run,
    SignatureBlock,
    date_cn,
    fill_blank,
    text_of,
)

FULL = "\u3000"

#: Roles of the parties to a dispute (they sign, get a copy, are listed as 当事人).
PRINCIPAL_ROLES = ("applicant", "respondent", "third_party", "petitioner")


# ------------------------------------------------------------------ the view


@dataclass
class PartyView:
    role: str  # party_role code
    role_label: str  # 申请人 / 被申请人 / 第三人 / 代理人
    name: str
    kind: str = "person"  # person | organisation
    sex: str = ""  # 男 / 女
    ethnicity: str = ""
    birth_date: date | None = None
    age: int | None = None
    id_number: str = ""  # masked when the view is masked
    phone: str = ""  # masked when the view is masked
    address: str = ""
    occupation: str = ""
    legal_representative: str = ""  # organisations
    agent_for: str = ""  # agents: whom they act for

    @property
    def is_organisation(self) -> bool:
        return self.kind == "organisation"


@dataclass
class EventView:
    kind: str  # event_kind code
    kind_label: str
    occurred_on: date | None
    time_text: str = ""
    place: str = ""
    staff_names: str = ""  # 调查人 / 调解员 / 回访人
    participants: str = ""  # 在场人 / 参加人
    person_questioned: str = ""  # 被调查人 / 被回访人
    content: str = ""
    result: str = ""


@dataclass
class AttachmentView:
    kind: str  # id_proof | power_of_attorney | evidence | receipt | jc_papers | other
    kind_label: str
    filename: str
    path: Path | None = None  # the stored file; None or missing → a note only
    note: str = ""

    @property
    def exists(self) -> bool:
        return self.path is not None and Path(self.path).is_file()

    @property
    def suffix(self) -> str:
        return Path(self.filename).suffix.lower()

    @property
    def is_pdf(self) -> bool:
        return self.suffix == ".pdf"

    @property
    def is_image(self) -> bool:
        return self.suffix in (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")


@dataclass
class CaseView:
    """Everything a mediation document may print about one case (text already resolved)."""

    number: str = ""
    title: str = ""
    kind: str = "dispute"
    case_id: str = ""
    category: str = ""
    category_label: str = ""
    source: str = ""
    source_label: str = ""
    status: str = ""
    status_label: str = ""
    area_name: str = ""
    area_path: str = ""
    location: str = ""
    received_on: date | None = None
    accepted_on: date | None = None
    due_on: date | None = None
    resolved_on: date | None = None
    closed_on: date | None = None
    archived_on: date | None = None
    description: str = ""
    claims: str = ""
    people_involved: int = 0
    amount_involved: float | None = None
    mediator_name: str = ""
    recorder_name: str = ""
    unit_name: str = ""
    unit_short_name: str = ""
    unit_address: str = ""
    unit_phone: str = ""
    unit_head: str = ""
    outcome: str = ""
    outcome_label: str = ""
    outcome_note: str = ""
    agreement_facts: str = ""
    agreement_terms: str = ""
    performance_manner: str = ""
    performance_place: str = ""
    performance_deadline: date | None = None
    agreement_effective_on: date | None = None
    agreement_copies: int = 0
    agreement_amount: float | None = None
    performed: bool | None = None
    jc_applied_on: date | None = None
    jc_court: str = ""
    jc_decided_on: date | None = None
    jc_result: str = ""  # confirmed | rejected | ""
    jc_deadline: date | None = None  # last day to apply (effective + 30 days)
    extension_days: int = 0
    extension_reason: str = ""
    dv_type_label: str = ""
    minors_count: int = 0
    minors_arrangements: str = ""
    divorce_registered_on: date | None = None
    not_public: bool = False
    archive_number: str = ""
    archive_keeper: str = ""
    retention: str = ""
    parties: list[PartyView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)
    attachments: list[AttachmentView] = field(default_factory=list)
    masked: bool = False
    today: date | None = None
    #: filled while an archive is built: pages and documents of the whole file
    archive_pages: int | None = None
    archive_items: int | None = None

    # -------------------------------------------------------------- selections
    def parties_in(self, *roles: str) -> list[PartyView]:
        return [p for p in self.parties if p.role in roles]

    @property
    def principals(self) -> list[PartyView]:
        """The parties themselves (not agents or representatives), in the case's order."""
        return [p for p in self.parties if p.role in PRINCIPAL_ROLES]

    def ordered(self, roles: Sequence[str] = PRINCIPAL_ROLES) -> list[PartyView]:
        """The parties in ``roles``, each followed by their agents (agents of nobody listed last
        when ``roles`` is the default)."""
        return ordered_parties(self, roles)

    @property
    def agents(self) -> list[PartyView]:
        return [p for p in self.parties if p.role not in PRINCIPAL_ROLES]

    def events_of(self, *kinds: str) -> list[EventView]:
        return [e for e in self.events if e.kind in kinds]

    def attachments_of(self, *kinds: str) -> list[AttachmentView]:
        return [a for a in self.attachments if a.kind in kinds]

    @property
    def party_names(self) -> str:
        return "、".join(p.name for p in self.principals if p.name)

    @property
    def has_written_agreement(self) -> bool:
        return self.outcome == "written_agreement"

    @property
    def has_oral_agreement(self) -> bool:
        return self.outcome == "oral_agreement"


# ------------------------------------------------------------------ small helpers


def blank_date(d: date | None) -> str:
    """2026年11月27日, or "　　　　年　　月　　日" to write by hand."""
    return date_cn(d, BLANK_DATE)


def dot_date(d: date | None) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


_NUMBERED = re.compile(r"^\s*(\d+[.、．]|[（(]\d+[)）]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百]+条)")


def text_lines(text: str | None) -> list[str]:
    return [ln.strip() for ln in text_of(text).split("\n") if ln.strip()]


def body_paragraphs(text: str | None, *, blank_lines: int = 3, numbered: str | None = None) -> list:
    """Body text as paragraphs (one per line); several unnumbered lines are numbered with
    ``numbered`` ("1." …) when given; empty text → ruled blank lines to write by hand."""
    lines = text_lines(text)
    if not lines:
        return [BlankLines(blank_lines, ruled=True)] if blank_lines else []
    if numbered and len(lines) > 1 and not any(_NUMBERED.match(ln) for ln in lines):
        return [NumberedParagraphs(lines, style=numbered)]
    return [Paragraph(ln) for ln in lines]


def blank(value: Any, min_chars: int = 6) -> Run:
    """The value as it is, or an underlined blank of ``min_chars`` characters to fill by hand."""
    text = text_of(value)
    return Run(text) if text else fill_blank(None, min_chars)


# ------------------------------------------------------------------ parties


def ordered_parties(view: CaseView, roles: Sequence[str] = PRINCIPAL_ROLES) -> list[PartyView]:
    """The parties in ``roles`` in the case's order, each followed by their agents; agents of
    nobody in particular come last when all the principal roles are asked for."""
    chosen = [p for p in view.parties if p.role in roles]
    agents = view.agents
    out: list[PartyView] = []
    used: set[int] = set()
    for p in chosen:
        out.append(p)
        for i, a in enumerate(agents):
            if i not in used and a.agent_for and a.agent_for == p.name:
                out.append(a)
                used.add(i)
    if set(PRINCIPAL_ROLES) <= set(roles):
        out += [a for i, a in enumerate(agents) if i not in used]
    return out


#: Column weights of the party grids (7 columns, see :func:`party_grid_rows`): the role, then
#: three label/value pairs; label columns hold four characters of 小四.
PARTY_COLS = [56, 52, 96, 52, 42, 52, 92]


def party_grid_rows(parties: Sequence[PartyView], *, empty_roles: Sequence[str] = ("申请人", "被申请人")) -> list[list]:
    """Three grid rows per party (7 columns): the role label spanning them, then
    姓名/性别/出生日期, 民族/身份证号, 联系电话/住址 (organisations: 名称/法定代表人,
    信用代码/联系电话, 住所). Missing values are empty cells to fill by hand."""
    if not parties:
        parties = [PartyView(role="", role_label=r, name="") for r in empty_roles]
    rows: list[list] = []
    for p in parties:
        role = p.role_label + (f"\n（{p.agent_for}）" if p.agent_for else "")
        if p.is_organisation:
            rows.append([Cell(role, rowspan=3, kind="label"), Field("名称", p.name, span=3),
                         Field("法定代表人", p.legal_representative)])
            rows.append([Field("信用代码", p.id_number, span=3), Field("联系电话", p.phone)])
            rows.append([Field("住所", p.address, span=5)])
        else:
            rows.append([Cell(role, rowspan=3, kind="label"), Field("姓名", p.name), Field("性别", p.sex),
                         Field("出生日期", _birth_age(p))])
            rows.append([Field("民族", p.ethnicity), Field("身份证号", p.id_number, span=3)])
            rows.append([Field("联系电话", p.phone), Field("住址", p.address, span=3)])
    return rows


def party_grid(parties: Sequence[PartyView], *, empty_roles: Sequence[str] = ("申请人", "被申请人"),
               font_size: str | None = "小四") -> FieldGrid:
    """The parties' particulars as a bordered grid (letters use it too, as the 司法部 formats do)."""
    return FieldGrid(rows=party_grid_rows(parties, empty_roles=empty_roles), col_widths=PARTY_COLS,
                     font_size=font_size)


def _birth_age(p: PartyView) -> str:
    if p.birth_date and p.age is not None:
        return f"{dot_date(p.birth_date)}\n（{p.age}岁）"
    if p.age is not None:
        return f"{p.age}岁"
    return dot_date(p.birth_date)


# ------------------------------------------------------------------ grids with long text

#: Characters a form cell holds before its text moves below the grid (a table row cannot
#: break across pages, and a whole page of 调查内容 in one cell would not fit).
CELL_CAPACITY = 420


def long_field(label: str, text: Any, *, span: int, label_span: int = 1, min_height_mm: float = 30,
               overflow: list | None = None, capacity: int = CELL_CAPACITY) -> Field:
    """A grid field for free text; text longer than ``capacity`` prints below the grid
    (appended to ``overflow``) and the cell says where."""
    value = text_of(text)
    if overflow is not None and len(value) > capacity:
        overflow.append(Heading(f"{label}（续表）", 3, indent_first=False))
        overflow.extend(body_paragraphs(value, blank_lines=0))
        value = f"（内容较长，见本表后“{label}（续表）”）"
    return Field(label, value, span=span, label_span=label_span, min_height_mm=min_height_mm)


# ------------------------------------------------------------------ signatures


def party_signature_lines(parties: Sequence[PartyView], *, what: str = "签名/按指印",
                          empty_roles: Sequence[str] = ("申请人", "被申请人")) -> list[tuple[str, str]]:
    """One line per party to sign and put a thumbprint on (blank when the case has no parties)."""
    if not parties:
        return [(f"{r}（{what}）", "") for r in empty_roles]
    return [(f"{p.role_label}（{what}）", "") for p in parties]


def unit_signature(view: CaseView, lines: Sequence[tuple[str, Any]], when: date | None, *, columns: int = 2,
                   leave_space_mm: float = 14.0, line_height_mm: float = 14.0) -> SignatureBlock:
    """Signature lines, then room for the seal over the committee's name and the date."""
    return SignatureBlock(lines=list(lines), seal_unit=view.unit_name or None, date_text=blank_date(when),
                          leave_space_mm=leave_space_mm, columns=columns, line_height_mm=line_height_mm)


def closing_group(blocks: list, closing: list) -> Group:
    """The closing blocks (此致, signatures, seal) kept on one page with the last body paragraph
    before them, which is moved out of ``blocks`` — so a signature page never lacks body text."""
    if blocks and isinstance(blocks[-1], Paragraph):
        closing = [blocks.pop(), *closing]
        # and the label that leads into it ("事实和理由："), which must not end a page alone
        while blocks and isinstance(blocks[-1], Paragraph) and blocks[-1].keep_with_next:
            closing = [blocks.pop(), *closing]
    return Group(closing)


# ------------------------------------------------------------------ documents


def letter(title: str, blocks: list, view: CaseView, *, number_line: str | None = None, subject: str = "",
           subtitle: str | None = None) -> Document:
    """A GB/T 9704 letter-style document (A4, 37/35/28/26 mm, 3号仿宋, 2号小标宋 title)."""
    return Document(title=title, blocks=blocks, page=PageSetup(layout="letter"), number_line=number_line,
                    subtitle=subtitle, meta=_meta(title, view, subject))


def form(title: str, blocks: list, view: CaseView, *, number_line: str | None = None, subject: str = "",
         subtitle: str | None = None, page_numbers: bool = True) -> Document:
    """A form (登记表 / 记录) in the 'form' layout: same page, 四号 body, 小四 grids."""
    return Document(title=title, blocks=blocks, page=PageSetup(layout="form"), number_line=number_line,
                    subtitle=subtitle, page_numbers=page_numbers, meta=_meta(title, view, subject))


def _meta(title: str, view: CaseView, subject: str) -> dict[str, Any]:
    return {"title": f"{title}（{view.number}）" if view.number else title, "author": view.unit_name,
            "subject": subject or "人民调解文书", "case_number": view.number}


def number_text(view: CaseView) -> str:
    """The 编号 line of a form: 编号：（2026）青调字第018号 (blank to fill when unnumbered)."""
    return f"编号：{view.number or FULL * 10}"


def join_nonempty(parts: Iterable[str], sep: str = "，") -> str:
    return sep.join(p for p in parts if p)
