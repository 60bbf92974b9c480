"""人民调解协议书 (archive item 10), letter style (GB/T 9704), per 《人民调解法》 art. 28–29:

each party's particulars (name, sex, ethnicity, birth date and age, ID number, address, phone);
the main facts, the matters in dispute and each party's responsibility; the agreed terms; how,
where and by when they are performed; when it takes effect; the copies line (one per party plus
one kept by the committee); then room for every party's signature and thumbprint (按指印), the
mediator's signature, and the seal over the committee's name and the date.
"""

from __future__ import annotations

from ..model import Document, Group, Heading, Paragraph, copies_line
from .common import (
    CaseView, blank, blank_date, body_paragraphs, letter, ordered_parties, party_grid,
    party_signature_lines, unit_signature,
)

TITLE = "人民调解协议书"
EFFECT = "本协议自各方当事人签名（或盖章、按指印），人民调解员签名并加盖人民调解委员会印章之日起生效。"
JC_NOTICE = ("双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认；"
             "一方当事人拒绝履行或者未全部履行经确认的协议的，对方当事人可以向人民法院申请强制执行。")


def copies(view: CaseView) -> str:
    """The copies line: one per party plus one kept by the committee."""
    n = max(2, len(view.principals))
    return copies_line(n)


def build(view: CaseView) -> Document:
    from ..catalogue import jc_refusal

    blocks: list = []
    blocks.append(party_grid(ordered_parties(view)))
    blocks.append(Heading("一、纠纷主要事实、争议事项及各方责任", 1))
    blocks += body_paragraphs(view.agreement_facts or view.description, blank_lines=6)
    blocks.append(Heading("二、协议内容", 1))
    blocks.append(Paragraph("经人民调解委员会主持调解，各方当事人在平等、自愿的基础上达成如下协议："))
    blocks += body_paragraphs(view.agreement_terms, blank_lines=6, numbered="1.")
    blocks.append(Heading("三、履行方式、地点和期限", 1))
    blocks.append(Paragraph(["履行方式：", blank(view.performance_manner, 10), "；"]))
    blocks.append(Paragraph(["履行地点：", blank(view.performance_place, 10), "；"]))
    deadline = blank(blank_date(view.performance_deadline) if view.performance_deadline else None, 9)
    blocks.append(Paragraph(["履行期限：", deadline, "前履行完毕。"]))
    blocks.append(Heading("四、其他事项", 1))
    blocks.append(Paragraph(EFFECT))
    if jc_refusal(view, check_window=False) is None:
        blocks.append(Paragraph(JC_NOTICE))
    lines = party_signature_lines(view.principals) + [("人民调解员（签名）", ""), ("记录人（签名）", "")]
    # the copies line stays with the signatures, so the signature page never lacks body text
    blocks.append(Group([Paragraph(copies(view)),
                         unit_signature(view, lines, view.agreement_effective_on, leave_space_mm=16)]))
    return letter(TITLE, blocks, view, number_line=view.number or None, subject="人民调解协议书")
