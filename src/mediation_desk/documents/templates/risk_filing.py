"""社会稳定风险评估报备表 — the filing form sent to the stability office (DOMAIN.md §7): 填报单位,
编号, 事项名称, 责任主体, 责任人, 联系方式, 事项概况, 主要风险, 化解措施, 评估结论, 结果运用, the
filing (报备日期, 备案编号) and the seals of the filing unit and of the office that receives it (备案单位,
its name over the seal once filed), each over a date.

Form layout (A4, bordered grid). Built from :class:`mediation_desk.services.risk.AssessmentView`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain import vocabularies as vocab
from ..model import BLANK_DATE, Cell, Document, Field, FieldGrid, checkboxes
from .common import CaseView, blank_date, form, long_field
from .risk_report import ADVICE

if TYPE_CHECKING:  # pragma: no cover
    from ...services.risk import AssessmentView

TITLE = "社会稳定风险评估报备表"
COLS = [1.1, 2.55, 1.1, 2.35]
FULL = "\u3000"


def main_risks(v: "AssessmentView") -> str:
    """The risk points, one per line, with their likelihood and impact (and the dimension risks)."""
    lines = []
    for i, p in enumerate(v.risk_points, start=1):
        grade = "、".join(x for x in (f"可能性{p.likelihood}" if p.likelihood else "",
                                      f"影响{p.impact}" if p.impact else "") if x)
        lines.append(f"{i}. {p.text}" + (f"（{grade}）" if grade else ""))
    for d in v.dimensions:
        if d.finding in ("concern", "fail"):
            lines.append(f"{d.label}：{d.finding_label}" + (f"，风险程度{d.severity_label}" if d.severity_label else "")
                         + (f"，{d.risk_points}" if d.risk_points else ""))
    return "\n".join(lines)


def survey_line(v: "AssessmentView") -> str:
    """The survey in one line: methods, people surveyed, for / against / neutral with shares."""
    methods = "、".join(v.method_labels)
    if v.answers:
        text = (f"调查{v.surveyed}人：支持{v.in_favour}人（{v.share(v.in_favour)}），反对{v.against}人"
                f"（{v.share(v.against)}），中立{v.neutral}人（{v.share(v.neutral)}）")
    elif v.surveyed:
        text = f"调查{v.surveyed}人，未统计支持、反对、中立人数"
    else:
        text = "未取得民意调查的数量结果"
    return text + (f"；方式：{methods}" if methods else "")


def assessment_conclusion(v: "AssessmentView") -> str:
    """风险等级 (with the suggestion and the reason of an override) and what it advises."""
    if not v.level:
        return ""
    text = f"风险等级为“{v.level_label}”（建议等级“{v.suggested_label or '—'}”"
    text += f"，改判理由：{v.override_reason.rstrip('。')}）" if v.overridden else "）"
    return text + f"，{ADVICE[v.level]}。"


def seal_cell(on, unit: str = "") -> Cell:
    """Room for the opinion and the seal over the date (date blank to write by hand); the unit
    whose seal it is, when known, over the seal."""
    date_text = blank_date(on) if on else BLANK_DATE
    return Cell((f"{unit}\n" if unit else "") + f"（盖章）\n{date_text}", align="right", valign="bottom",
                min_height_mm=25)


def build(v: "AssessmentView") -> Document:
    overflow: list = []
    outcomes = [it.label for it in vocab.items("decision_outcome")]
    rows = [
        [Field("填报单位", v.responsible_unit or v.unit_name, span=3)],
        [Field("编号", v.number), Field("事项类型", v.matter_label)],
        [Field("事项名称", v.title + (f"（案件编号：{v.case_number}）" if v.case_number else ""), span=3)],
        [Field("责任主体", v.responsible_unit), Field("责任人", v.responsible_leader)],
        [Field("联系方式", v.contact_phone), Field("评估日期", blank_date(v.assessed_on) if v.assessed_on else "")],
        [long_field("事项概况", v.description, span=3, min_height_mm=18, overflow=overflow)],
        [Field("民意调查", survey_line(v), span=3)],
        [long_field("主要风险", main_risks(v), span=3, min_height_mm=18, overflow=overflow)],
        [long_field("化解措施", v.mitigation, span=3, min_height_mm=18, overflow=overflow)],
        [long_field("评估结论", assessment_conclusion(v), span=3, min_height_mm=18, overflow=overflow)],
        [Field("结果运用", checkboxes(outcomes, v.decision_label or None), span=3)],
        [Field("报备日期", blank_date(v.filed_on) if v.filed_on else ""), Field("备案编号", v.filing_number)],
        [Cell("填报单位\n意见", kind="label"), seal_cell(v.filed_on),
         Cell("备案单位\n意见", kind="label"), seal_cell(None, v.filing_office)],
    ]
    rows.append([Cell(f"填表人：{FULL * 6}审核人：{FULL * 6}主要负责人：{v.unit_head or FULL * 4}", span=4,
                      align="left", valign="middle", min_height_mm=10)])
    blocks: list = [FieldGrid(rows=rows, col_widths=COLS, font_size="小四")]
    blocks += overflow
    view = CaseView(number=v.number, unit_name=v.unit_name, title=v.title)
    doc = form(TITLE, blocks, view, number_line=None, subject=TITLE)
    doc.meta["assessment_id"] = v.id
    return doc
