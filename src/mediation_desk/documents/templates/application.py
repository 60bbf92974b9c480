"""人民调解申请书 — a party's written application (DOMAIN.md §8, archive item 3).

Letter style (GB/T 9704): the applicants' and respondents' particulars, 申请事项 (the case's
claims), 事实和理由 (its description), 此致 the committee, the applicants' signatures and
thumbprints and the date the application was received.
"""

from __future__ import annotations

from ..model import Document, Paragraph, Run, SignatureBlock
from .common import CaseView, blank, blank_date, body_paragraphs, closing_group, letter, ordered_parties, party_grid

TITLE = "人民调解申请书"


def build(view: CaseView) -> Document:
    applicants = ordered_parties(view, ("applicant", "petitioner"))
    others = ordered_parties(view, ("respondent", "third_party"))
    blocks: list = []
    blocks.append(party_grid(applicants + others, empty_roles=("申请人", "被申请人")))
    blocks.append(Paragraph([Run("申请事项：", role="hei")], indent_first=False, space_before_mm=1, keep_with_next=True))
    blocks += body_paragraphs(view.claims or view.title, blank_lines=3)
    blocks.append(Paragraph([Run("事实和理由：", role="hei")], indent_first=False, keep_with_next=True))
    blocks += body_paragraphs(view.description, blank_lines=6)
    principals = [p for p in applicants if p.role in ("applicant", "petitioner")]
    lines = [(f"{p.role_label}（签名/按指印）", "") for p in principals] or [("申请人（签名/按指印）", "")]
    unit = [view.unit_name] if view.unit_name else [blank(None, 8), "人民调解委员会"]
    blocks.append(closing_group(blocks, [
        Paragraph("此致", indent_first=True),
        Paragraph(unit, indent_first=False),
        SignatureBlock(lines=lines, date_text=blank_date(view.received_on), leave_space_mm=4, columns=1,
                       line_height_mm=14),
    ]))
    return letter(TITLE, blocks, view, subject="人民调解申请书")
