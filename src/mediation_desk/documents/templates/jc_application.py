"""司法确认申请书 (archive item 13): the parties jointly ask the basic people's court to confirm
their mediation agreement (《人民调解法》 art. 33; 民事诉讼法 art. 205), within 30 days of the
agreement taking effect. Marriage, adoption and other status terms cannot be confirmed — the
catalogue refuses to offer this document for them (see ``catalogue.jc_refusal``).

Letter style: every party as a joint applicant, the request, facts and reasons with the agreed
terms, the applicants' undertakings, 此致 the court, the attachments, signatures and thumbprints.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Document, NumberedParagraphs, Paragraph, Run, SignatureBlock
from .common import CaseView, blank, blank_date, body_paragraphs, closing_group, letter, ordered_parties, party_grid

TITLE = "司法确认申请书"
PLEDGES = (
    "出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；",
    "如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任。",
)
ATTACHED = (
    "人民调解协议书一份；",
    "申请人身份证明材料；",
    "与调解协议相关的财产权利证明等证明材料。",
)


def build(view: CaseView) -> Document:
    parties = [replace(p, role_label="申请人") if p.role in ("applicant", "respondent", "third_party", "petitioner")
               else p for p in ordered_parties(view)]
    unit = view.unit_name or "人民调解委员会"
    blocks: list = [party_grid(parties, empty_roles=("申请人", "申请人"))]
    blocks.append(Paragraph([Run("请求事项：", role="hei")], indent_first=False, space_before_mm=2, keep_with_next=True))
    blocks.append(Paragraph([
        "请求人民法院确认申请人之间于", blank(blank_date(view.agreement_effective_on) if view.agreement_effective_on else None, 8),
        f"经{unit}主持调解达成的人民调解协议（编号：", blank(view.number, 8), "）有效。"]))
    blocks.append(Paragraph([Run("事实和理由：", role="hei")], indent_first=False, keep_with_next=True))
    blocks += body_paragraphs(view.agreement_facts or view.description, blank_lines=4)
    blocks.append(Paragraph(f"经{unit}主持调解，申请人自愿达成如下调解协议："))
    blocks += body_paragraphs(view.agreement_terms, blank_lines=4, numbered="1.")
    blocks.append(Paragraph("申请人依据《中华人民共和国人民调解法》第三十三条和《中华人民共和国民事诉讼法》的有关规定，"
                            "共同向人民法院申请司法确认。申请人承诺："))
    blocks.append(NumberedParagraphs(PLEDGES, style="（一）"))
    principals = [p for p in parties if p.role_label == "申请人"] or parties
    lines = [("申请人（签名/按指印）", "") for _p in principals] or [("申请人（签名/按指印）", "")] * 2
    court = [view.jc_court] if view.jc_court else [blank(None, 8), "人民法院"]
    blocks.append(closing_group(blocks, [
        Paragraph("此致"),
        Paragraph(court, indent_first=False),
        Paragraph("附：", indent_first=True, space_before_mm=2),
        NumberedParagraphs(ATTACHED, style="1.", indent_first=True),
        SignatureBlock(lines=lines, date_text=blank_date(view.jc_applied_on), columns=2, leave_space_mm=6),
    ]))
    return letter(TITLE, blocks, view, subject="司法确认申请")
