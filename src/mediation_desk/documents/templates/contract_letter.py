"""领导包案责任书 — the contract letter of a leader contract (DOMAIN.md §5), letter style (GB/T 9704).

A grid with the case in brief (name, number, parties, facts, claims), the leader (post, phone),
the responsible unit and persons, the task team, the deadline and the plan (一案一策); the duties
(monthly report, extension, the five closure conditions 五不结案, reopening to the same leader);
then signature blocks for the leader and the responsible unit's head, and the unit head with the
seal over the unit's name and the date of assignment.

Built from a :class:`ContractLetterView` (plain data made by ``services/contracts.py``); no
queries here. Whatever is missing prints as an empty cell or ruled lines to fill by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import (
    Document, Field, FieldGrid, Group, Heading, NumberedParagraphs, PageSetup, Paragraph, SignatureBlock, cn_number,
    date_cn,
)
from .common import blank_date, long_field

TITLE = "领导包案责任书"


@dataclass
class ContractLetterView:
    number: str = ""
    case_number: str = ""
    case_title: str = ""
    case_kind_label: str = "矛盾纠纷"  # 矛盾纠纷 | 信访事项
    parties: str = ""  # "申请人：张三；被申请人：李四"
    description: str = ""
    claims: str = ""
    leader_name: str = ""
    leader_post: str = ""
    leader_phone: str = ""
    responsible_unit: str = ""
    responsible_persons: str = ""
    task_team: str = ""
    plan: str = ""
    assigned_on: date | None = None
    deadline_on: date | None = None
    contract_months: int = 3
    extension_max_months: int = 1
    max_extensions: int = 1
    extension_text: str = ""  # "经周建华批准延期1个月" when extended
    status_label: str = ""
    unit_name: str = ""  # the unit that assigns the contract (seal)
    unit_head: str = ""  # its 主要负责人
    reopened_count: int = 0


def duties(view: ContractLetterView) -> list[str]:
    deadline = date_cn(view.deadline_on) if view.deadline_on else "化解时限"
    times = "一次，" if view.max_extensions == 1 else f"，最多{cn_number(view.max_extensions)}次，每次"
    ext = (f"经单位主要负责人批准后可延期{times}延期不超过{cn_number(view.extension_max_months)}个月"
           if view.extension_max_months > 0 and view.max_extensions > 0 else "不予延期")
    return [
        "包案领导对包案事项负总责，亲自阅卷、亲自约见当事人、亲自研究化解方案、亲自督促落实，"
        "做到一个问题、一名领导、一套班子、一个方案、一抓到底。",
        "责任单位、责任人按照化解方案（一案一策）逐项落实措施，工作专班每月至少与当事人面对面沟通一次，"
        "每月报送本月工作情况（开展的工作、与当事人接触情况、当事人态度、下步打算），由包案领导签字。",
        f"包案事项应于{deadline}前化解到位。到期确难化解的，应在期满前书面说明理由，{ext}。",
        "坚持“五不结案”：事实未查清的不结案，处理不得当的不结案，问题未解决的不结案，"
        "群众不满意的不结案，未经审批的不结案。销号时记录当事人满意度，由审批人签字同意。",
        "发现当事人失联或有越级上访苗头的，立即报告并落实稳控措施；已销号事项出现反弹的，"
        "仍由原包案领导负责，重新启动化解工作。",
        "对工作不力、措施不落实，造成越级上访、重复信访或引发群体性事件的，依规依纪追究相关人员责任。",
    ]


def build(view: ContractLetterView) -> Document:
    overflow: list = []
    leader = view.leader_name
    intro = (f"为落实领导包案责任制，推动{view.case_kind_label}依法及时就地化解，经研究，确定由{leader or '　　　'}"
             f"同志包案化解下列事项，特签订本责任书。")
    deadline = blank_date(view.deadline_on)
    if view.extension_text:
        deadline = f"{deadline}\n（{view.extension_text}）"
    grid = FieldGrid(
        rows=[
            [Field("事项名称", view.case_title, span=3)],
            [Field("案件编号", view.case_number), Field("交办日期", blank_date(view.assigned_on))],
            [Field("信访人\n（当事人）", view.parties, span=3)],
            [long_field("基本情况", view.description, span=3, min_height_mm=18, overflow=overflow, capacity=300)],
            [long_field("主要诉求", view.claims, span=3, min_height_mm=12, overflow=overflow, capacity=200)],
            [Field("包案领导", leader), Field("职务", view.leader_post)],
            [Field("联系电话", view.leader_phone), Field("化解时限", deadline)],
            [Field("责任单位", view.responsible_unit, span=3)],
            [Field("责任人", view.responsible_persons, span=3)],
            [Field("工作专班", view.task_team, span=3)],
            [long_field("化解方案", view.plan, span=3, min_height_mm=24, overflow=overflow, capacity=160)],
        ],
        col_widths=[1.25, 2.35, 1.15, 2.35],
        font_size="小四",
    )
    blocks: list = [Paragraph(intro), grid, *overflow]
    items = duties(view)
    blocks.append(Heading("工作责任", 1))
    blocks.append(NumberedParagraphs(items[:-1], style="（1）"))
    closing = [NumberedParagraphs(items[-1:], style="（1）", start=len(items)), Heading("其他事项", 1),
               Paragraph("本责任书一式三份，包案领导、责任单位各执一份，"
                         f"{view.unit_name or '交办单位'}留存一份，自签订之日起生效。")]
    signature = SignatureBlock(
        lines=[("包案领导（签字）", ""), ("责任单位负责人（签字）", ""),
               ("责任人（签字）", ""), ("单位主要负责人（签字）", "")],
        seal_unit=view.unit_name or None, date_text=blank_date(view.assigned_on),
        leave_space_mm=14, columns=2, line_height_mm=13,
    )
    # the last duty and the closing go with the signatures: a signature page never lacks body text
    blocks.append(Group([*closing, signature]))
    title = TITLE
    return Document(
        title=title, blocks=blocks, page=PageSetup(layout="letter"),
        number_line=f"编号：{view.number}" if view.number else None,
        meta={"title": f"{title}（{view.number}）" if view.number else title, "author": view.unit_name,
              "subject": "领导包案", "case_number": view.case_number},
    )
