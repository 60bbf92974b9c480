"""社会稳定风险评估报告 — the assessment report in the official letter layout (GB/T 9704; DOMAIN.md
§7, §8): 一、评估事项概况 · 二、评估工作开展情况 · 三、各方意见及采纳情况 · 四、合法性、合理性、
可行性、可控性分析 (（一）… per dimension, 安全性 when assessed) · 五、主要风险点 · 六、风险等级
(the suggested level with what set it, the confirmed level, the reason of an override) ·
七、防范化解措施 · 八、应急处置预案 · 九、评估结论, then room for the signatures and the seal of
the responsible unit over the date; follow-up notes written later print after it as 附：跟踪落实情况.

Built from :class:`mediation_desk.services.risk.AssessmentView` (plain data; no queries here).
What the assessment lacks prints as ruled blank lines to fill by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain import vocabularies as vocab
from ..model import BlankLines, Column, Document, Group, Heading, Paragraph, SignatureBlock, Table, cn_number
from .common import CaseView, blank_date, body_paragraphs, join_nonempty, letter

if TYPE_CHECKING:  # pragma: no cover
    from ...services.risk import AssessmentView

SUBJECT = "社会稳定风险评估报告"

#: What the conclusion advises for each level (DOMAIN.md §7).
ADVICE = {
    "high": "建议不实施，或者调整方案、落实防范化解措施后重新评估",
    "medium": "建议在落实防范化解措施、做好矛盾化解工作后实施",
    "low": "可以实施，同时做好政策宣传和解释说明工作",
}


#: Characters of a 2号 title line in the 156 mm text block.
TITLE_LINE = 19
TAIL = "社会稳定风险评估报告"


def report_title(title: str) -> str:
    """"关于××的社会稳定风险评估报告" from the assessment's title; a title too long for one line
    breaks before "社会稳定风险评估报告" (a meaningful break, GB/T 9704) instead of mid-word."""
    t = title.strip()
    if t.endswith(TAIL):
        full = t
    elif t.endswith("社会稳定风险评估"):
        full = t + "报告"
    else:
        full = f"关于{t}的{TAIL}"
    if len(full) > TITLE_LINE and full.endswith(TAIL) and len(full) - len(TAIL) > 1:
        return full[: -len(TAIL)] + "\n" + TAIL
    return full


def survey_text(v: "AssessmentView") -> str:
    methods = "、".join(v.method_labels)
    parts = []
    if methods:
        parts.append(f"评估采取{methods}等方式广泛听取意见")
    if v.answers:
        parts.append(f"共调查{v.surveyed}人，收集意见{v.answers}人次，其中支持{v.in_favour}人，占{v.share(v.in_favour)}；"
                     f"反对{v.against}人，占{v.share(v.against)}；中立{v.neutral}人，占{v.share(v.neutral)}")
    elif v.surveyed:
        parts.append(f"共调查{v.surveyed}人，未统计支持、反对、中立人数")
    else:
        parts.append("本次评估未取得民意调查的数量结果")
    return "，".join(parts) + "。"


def level_hint(code: str) -> str:
    it = vocab.item("risk_level", code)
    return str(it.extra.get("hint", "")) if it else ""


def conclusion_text(v: "AssessmentView") -> str:
    if not v.level:
        return "风险等级尚待评估小组确定。"
    hint = level_hint(v.level)
    text = f"综合以上分析，该事项社会稳定风险等级为“{v.level_label}”" + (f"（{hint}）" if hint else "")
    text += f"，{ADVICE[v.level]}。"
    if v.decision_label:
        text += f"评估结论运用：{v.decision_label}。"
    return text


def _dimension_blocks(v: "AssessmentView") -> list:
    blocks: list = []
    for i, d in enumerate(v.dimensions, start=1):
        blocks.append(Heading(f"（{cn_number(i)}）{d.label}分析", 2))
        if d.finding_label:
            finding = f"评估结论：{d.finding_label}"
            if d.severity_label:
                finding += f"，风险程度为{d.severity_label}"
            blocks.append(Paragraph(finding + "。"))
        else:
            blocks.append(Paragraph("评估结论：未作分析。"))
        blocks += body_paragraphs(d.note, blank_lines=2 if not d.finding_label else 0)
        if d.risk_points:
            blocks.append(Paragraph(f"存在的风险点：{d.risk_points.rstrip('。')}。"))
    return blocks


def points_table(v: "AssessmentView") -> Table:
    rows = [[i, p.text, p.likelihood, p.impact, p.level, p.measure] for i, p in enumerate(v.risk_points, start=1)]
    return Table(columns=[Column("序号", 0.55), Column("风险点", 2.6, "left"), Column("发生可能性", 0.9),
                          Column("影响程度", 0.9), Column("风险程度", 0.9), Column("防范措施", 2.6, "left")],
                 rows=rows, font_size="小四", empty_text="未列出风险点")


def level_blocks(v: "AssessmentView") -> list:
    blocks: list = []
    if v.suggestion_text:
        blocks.append(Paragraph(f"按照风险等级建议规则（民意调查、各维度分析结论和风险点取最高者），{v.suggestion_text}"))
    if v.level:
        if v.overridden:
            blocks.append(Paragraph(f"评估小组确定风险等级为“{v.level_label}”，与建议等级“{v.suggested_label}”不同，"
                                    f"改判理由：{v.override_reason.rstrip('。')}。"))
        else:
            blocks.append(Paragraph(f"评估小组确认风险等级为“{v.level_label}”（与建议等级一致）。"))
    else:
        blocks.append(Paragraph("风险等级尚未确定。"))
        blocks.append(BlankLines(2, ruled=True))
    return blocks


def build(v: "AssessmentView") -> Document:
    blocks: list = [Heading("一、评估事项概况", 1)]
    blocks += body_paragraphs(v.description, blank_lines=3)
    facts = join_nonempty([
        f"事项类型：{v.matter_label}" if v.matter_label else "",
        f"关联案件：{v.case_number}（{v.case_title}）" if v.case_number else "",
        f"评估责任主体：{v.responsible_unit}" if v.responsible_unit else "",
        f"责任人：{v.responsible_leader}" if v.responsible_leader else "",
        f"联系方式：{v.contact_phone}" if v.contact_phone else "",
    ], "；")
    if facts:
        blocks.append(Paragraph(facts + "。"))
    blocks.append(Heading("二、评估工作开展情况", 1))
    if v.group_members:
        blocks.append(Paragraph(f"评估小组成员：{v.group_members.rstrip('。')}。"))
    blocks.append(Paragraph(survey_text(v)))
    if v.assessed_on:
        blocks.append(Paragraph(f"评估日期：{blank_date(v.assessed_on)}。"))
    blocks.append(Heading("三、各方意见及采纳情况", 1))
    if v.party_views:
        for i, pv in enumerate(v.party_views, start=1):
            adopted = "已采纳" if pv.adopted else "未采纳"
            if pv.note:
                adopted += f"（{pv.note.rstrip('。')}）" if pv.adopted else f"，理由：{pv.note.rstrip('。')}"
            blocks.append(Paragraph(f"（{cn_number(i)}）{pv.party}：{pv.view.rstrip('。')}。采纳情况：{adopted}。"))
    else:
        blocks.append(BlankLines(3, ruled=True))
    dims = "、".join(d.label for d in v.dimensions)
    blocks.append(Heading(f"四、{dims}分析", 1))
    blocks += _dimension_blocks(v)
    blocks.append(Group([Heading("五、主要风险点", 1), points_table(v)]))
    blocks.append(Heading("六、风险等级", 1))
    blocks += level_blocks(v)
    blocks.append(Heading("七、防范化解措施", 1))
    blocks += body_paragraphs(v.mitigation, blank_lines=4)
    blocks.append(Heading("八、应急处置预案", 1))
    blocks += body_paragraphs(v.contingency, blank_lines=4)
    closing: list = [Heading("九、评估结论", 1), Paragraph(conclusion_text(v))]
    if v.filed_on:
        office = v.filing_office or "稳定工作部门"
        closing.append(Paragraph(f"本报告已于{blank_date(v.filed_on)}报{office}备案"
                                 + (f"，备案编号：{v.filing_number}" if v.filing_number else "") + "。"))
    signature = SignatureBlock(
        lines=[("评估小组组长（签名）", ""), ("评估责任人（签名）", v.responsible_leader)],
        seal_unit=v.responsible_unit or v.unit_name or None, date_text=blank_date(v.assessed_on),
        leave_space_mm=14, columns=2, line_height_mm=12)
    blocks += closing[:-1]
    blocks.append(Group([closing[-1], signature]))
    if v.follow_up:  # written during implementation, after the report was signed: an annex
        blocks.append(Paragraph("附：跟踪落实情况", indent_first=False, role="hei", space_before_mm=6,
                                keep_with_next=True))
        for f in v.follow_up:
            blocks.append(Paragraph(f"{blank_date(f.on)}：{f.note.rstrip('。')}。"))
    view = CaseView(number=v.number, unit_name=v.unit_name, title=v.title)
    doc = letter(report_title(v.title), blocks, view, number_line=v.number or None, subject=SUBJECT)
    doc.meta["assessment_id"] = v.id
    return doc
