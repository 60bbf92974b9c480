"""人民调解当事人权利义务告知书 (archive item 4), letter style.

The rights and duties are those of 《中华人民共和国人民调解法》 articles 23 and 24; the notice
also says mediation is free (art. 4), that an agreement binds (art. 31), the 30-day window for
judicial confirmation (art. 33) and the other routes when mediation fails (art. 26). Every party
signs (or puts a thumbprint) to acknowledge; the committee seals it with the date of acceptance.
"""

from __future__ import annotations

from ..model import Document, Heading, NumberedParagraphs, Paragraph
from .common import CaseView, blank, letter, party_signature_lines, unit_signature

TITLE = "人民调解当事人权利义务告知书"

RIGHTS = (
    "选择或者接受人民调解员；",
    "接受调解、拒绝调解或者要求终止调解；",
    "要求调解公开进行或者不公开进行；",
    "自主表达意愿、自愿达成调解协议。",
)
DUTIES = (
    "如实陈述纠纷事实；",
    "遵守调解现场秩序，尊重人民调解员；",
    "尊重对方当事人行使权利。",
)
OTHER = (
    "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。",
    "经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内"
    "共同向人民法院申请司法确认；涉及婚姻、收养等身份关系的内容不能申请司法确认。",
    "调解不成的，当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。",
)


def build(view: CaseView) -> Document:
    parties = view.principals
    names = view.party_names
    blocks: list = [
        Paragraph([blank(names, 8), "："], indent_first=False),
        Paragraph(
            f"根据《中华人民共和国人民调解法》的规定，{view.unit_name or '本委员会'}调解民间纠纷，遵循在当事人自愿、平等的基础上"
            "进行调解，不违背法律、法规和国家政策，尊重当事人的权利的原则，不收取任何费用。"
            "现将当事人在人民调解活动中享有的权利和承担的义务告知如下："
        ),
        Heading("一、当事人享有下列权利", 1),
        NumberedParagraphs(RIGHTS, style="（一）"),
        Heading("二、当事人应当履行下列义务", 1),
        NumberedParagraphs(DUTIES, style="（一）"),
        Heading("三、其他事项", 1),
        NumberedParagraphs(OTHER, style="（一）"),
        Paragraph(["本案纠纷：", blank(view.title, 10), "；人民调解员：", blank(view.mediator_name, 4), "。"]),
        Paragraph("以上内容当事人已阅读（或已听人民调解员宣读）并知悉。"),
    ]
    when = view.accepted_on or view.received_on
    blocks.append(unit_signature(view, party_signature_lines(parties, what="签收/按指印"), when))
    return letter(TITLE, blocks, view, number_line=view.number or None, subject="当事人权利义务告知")
