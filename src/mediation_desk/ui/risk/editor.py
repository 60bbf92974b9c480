"""新建 / 编辑风险评估: the dialog with every part of a 稳评 — the matter, the survey, the analysis
per dimension, each party's views, the risk points with mitigation and contingency plan, the level
(the rule's suggestion shown live with what raised it; confirm it or override it with a reason),
the decision outcome, the filing and the follow-up notes.

The dialog calls ``services.risk.save_assessment`` itself when 保存 is pressed, so a refusal (with
its Chinese reason, e.g. an override without a reason) keeps the dialog open with everything typed
and shows the tab of the field concerned."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QFormLayout, QGridLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from ...domain import risk as rules
from ...domain import vocabularies as vocab
from ...services import cases as case_service
from ...services import organisation, risk
from ...services import vocab as vocab_service
from ...services.context import Desk, ServiceError
from ...services.desktop import StoreError
from ...services.parties import FieldError
from .. import widgets

LEVEL_COLOURS = {"high": "#b00000", "medium": "#b35c00", "low": "#2e7d32"}
LEVEL_BACKGROUNDS = {"high": "#fbe0e0", "medium": "#fff0d9", "low": "#e3f3e3"}
FINDING_CHOICES = [("", "未分析"), ("pass", "符合"), ("concern", "存在风险"), ("fail", "不符合")]
SEVERITY_CHOICES = [("", "—"), ("high", "高"), ("medium", "中"), ("low", "低")]
LEVEL_CHOICES = [("", "暂不确定"), (risk.ADOPT_SUGGESTED, "采用建议等级"), ("high", "高"), ("medium", "中"), ("low", "低")]

#: Which tab holds a field (a refusal names the field; the dialog shows its tab).
TAB_OF_FIELD = {
    "title": 0, "matter_type": 0, "case_id": 0, "assessed_on": 0,
    "surveyed": 1, "in_favour": 1, "against": 1, "neutral": 1, "methods": 1,
    "dimensions": 2, "party_views": 3, "risk_points": 4,
    "level": 5, "override_reason": 5, "decision_outcome": 5,
    "filed_on": 6, "follow_up": 6,
}
TABS = ("事项", "民意调查", "分析维度", "各方意见", "风险点与措施", "等级与结论", "报备与跟踪")


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value))
    return edit


def _combo(choices, current: str = "") -> QComboBox:
    box = QComboBox()
    for code, text in choices:
        box.addItem(text, code)
    index = box.findData(current)
    box.setCurrentIndex(max(0, index))
    return box


def _text_edit(text: str = "", placeholder: str = "", lines: int = 4) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(int(edit.fontMetrics().lineSpacing() * lines + 12))
    return edit


class DimensionBox(QGroupBox):
    """One dimension: finding, severity, what was found, risk points."""

    def __init__(self, code: str, title: str, optional: bool, value: risk.DimensionInput | None) -> None:
        super().__init__(f"{title}{'（选填）' if optional else ''}")
        self.code = code
        self.setObjectName(f"dimension_{code}")
        value = value or risk.DimensionInput()
        self.finding = _combo(FINDING_CHOICES, value.finding)
        self.severity = _combo(SEVERITY_CHOICES, value.severity)
        self.severity.setToolTip("风险程度：只对“存在风险”“不符合”有意义；“存在风险”且程度为高的，建议等级为高")
        self.note = _text_edit(value.note, f"{title}方面的评估情况：查明了什么", 2)
        self.points = QLineEdit(value.risk_points)
        self.points.setPlaceholderText("这一方面存在的风险点（可不填）")
        grid = QGridLayout(self)
        grid.addWidget(QLabel("评估结论"), 0, 0)
        grid.addWidget(self.finding, 0, 1)
        grid.addWidget(QLabel("风险程度"), 0, 2)
        grid.addWidget(self.severity, 0, 3)
        grid.setColumnStretch(4, 1)
        grid.addWidget(QLabel("评估情况"), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.note, 1, 1, 1, 4)
        grid.addWidget(QLabel("风险点"), 2, 0)
        grid.addWidget(self.points, 2, 1, 1, 4)
        self.finding.currentIndexChanged.connect(self._finding_changed)
        self._finding_changed()

    def _finding_changed(self) -> None:
        self.severity.setEnabled(self.finding.currentData() in ("concern", "fail"))

    def set_finding(self, code: str, severity: str = "") -> None:
        self.finding.setCurrentIndex(max(0, self.finding.findData(code)))
        self.severity.setCurrentIndex(max(0, self.severity.findData(severity)))

    def value(self) -> risk.DimensionInput:
        finding = self.finding.currentData() or ""
        return risk.DimensionInput(finding, self.note.toPlainText(), self.points.text(),
                                   (self.severity.currentData() or "") if finding in ("concern", "fail") else "")


class AssessmentDialog(QDialog):
    """Create (``assessment_id=None``) or edit an assessment. ``saved`` holds the SaveResult."""

    def __init__(self, desk: Desk, assessment_id: str | None = None, *, case_id: str | None = None,
                 tab: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskAssessmentDialog")
        self._desk = desk
        self.assessment_id = assessment_id
        self.saved: risk.SaveResult | None = None
        self._expected = None
        self._case_id: str | None = None
        number = ""
        if assessment_id is not None:
            row = risk.get_assessment(desk, assessment_id)
            if row is None:
                raise ServiceError("找不到这份风险评估。")
            data = risk.input_from_row(row)
            self._expected = row.updated_at
            number = row.number
        elif case_id is not None:
            data = risk.input_for_case(desk, case_id)
        else:
            data = risk.AssessmentInput(assessed_on=desk.today())
        self.setWindowTitle(f"编辑风险评估 {number}" if number else "新建社会稳定风险评估")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("riskTabs")
        self.tabs.addTab(widgets.scrolling(self._matter_tab(data)), TABS[0])
        self.tabs.addTab(widgets.scrolling(self._survey_tab(data)), TABS[1])
        self.tabs.addTab(widgets.scrolling(self._dimensions_tab(data)), TABS[2])
        self.tabs.addTab(self._views_tab(data), TABS[3])
        self.tabs.addTab(widgets.scrolling(self._points_tab(data)), TABS[4])
        self.tabs.addTab(widgets.scrolling(self._level_tab(data)), TABS[5])
        self.tabs.addTab(widgets.scrolling(self._filing_tab(data)), TABS[6])
        buttons = widgets.dialog_buttons(self, "保存", save=True, on_accept=self.save)
        self.suggestion_strip = QLabel()
        self.suggestion_strip.setObjectName("riskSuggestionStrip")
        self.suggestion_strip.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.suggestion_strip)
        layout.addWidget(buttons)
        self.resize(940, 660)
        self._set_case(data.case_id)
        self._update_suggestion()
        self.tabs.setCurrentIndex(tab)

    # ------------------------------------------------------------------ tabs

    def _matter_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.title_edit = QLineEdit(data.title)
        self.title_edit.setObjectName("riskTitle")
        self.title_edit.setPlaceholderText("例如：东山村垃圾中转站建设")
        self.type_combo = _combo(list(rules.MATTER_TYPES.items()), data.matter_type)
        self.type_combo.setObjectName("riskMatterType")
        self.case_edit = QLineEdit()
        self.case_edit.setObjectName("riskCaseNumber")
        self.case_edit.setPlaceholderText("案件编号，例如 （2026）青调字第018号")
        self.case_label = QLabel()
        self.case_label.setWordWrap(True)
        find = QPushButton("查找")
        find.clicked.connect(self._lookup_case)
        self.case_edit.editingFinished.connect(self._lookup_case)
        case_row = QHBoxLayout()
        case_row.addWidget(self.case_edit, 1)
        case_row.addWidget(find)
        self.description_edit = _text_edit(data.description, "事项的基本情况：内容、范围、涉及人数和利益群体等", 5)
        self.unit_edit = QLineEdit(data.responsible_unit)
        self.unit_edit.setPlaceholderText("评估责任主体，例如 青石镇规划建设管理所")
        self.leader_combo = QComboBox()
        self.leader_combo.setEditable(True)
        self._leaders = {s.name: s for s in organisation.list_staff(self._desk, "leader")}
        self.leader_combo.addItems(list(self._leaders))
        self.leader_combo.setCurrentText(data.responsible_leader)
        self.leader_combo.currentTextChanged.connect(self._leader_changed)
        self.phone_edit = QLineEdit(data.contact_phone)
        self.group_edit = QLineEdit(data.group_members)
        self.group_edit.setPlaceholderText("评估小组成员，例如 赵建国（组长）、李明、王芳")
        self.assessed_edit = _date_edit(data.assessed_on or self._desk.today())
        self.assessed_edit.setObjectName("riskAssessedOn")
        form.addRow("评估事项名称", self.title_edit)
        form.addRow("事项类型", self.type_combo)
        form.addRow("关联案件", case_row)
        form.addRow("", self.case_label)
        form.addRow("事项概况", self.description_edit)
        form.addRow("责任主体（单位）", self.unit_edit)
        form.addRow("责任人", self.leader_combo)
        form.addRow("联系方式", self.phone_edit)
        form.addRow("评估小组", self.group_edit)
        form.addRow("评估日期", self.assessed_edit)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        return page

    def _survey_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        methods_box = QGroupBox("评估方式")
        flow = widgets.FlowLayout(methods_box)
        self.method_checks: dict[str, QCheckBox] = {}
        entries = vocab_service.entries(self._desk, "assessment_method")
        known = {e.code for e in entries}
        for e in entries + [vocab_service.Entry("assessment_method", m, m) for m in data.methods if m not in known]:
            check = QCheckBox(e.label)
            check.setChecked(e.code in data.methods)
            self.method_checks[e.code] = check
            flow.addWidget(check)
        layout.addWidget(methods_box)
        numbers = QGroupBox("调查人数（各种方式合计）")
        form = QFormLayout(numbers)
        self.surveyed_spin = self._spin(data.surveyed, "surveyedSpin")
        self.favour_spin = self._spin(data.in_favour, "favourSpin")
        self.against_spin = self._spin(data.against, "againstSpin")
        self.neutral_spin = self._spin(data.neutral, "neutralSpin")
        form.addRow("调查人数", self.surveyed_spin)
        form.addRow("支持", self.favour_spin)
        form.addRow("反对", self.against_spin)
        form.addRow("中立（无所谓、未表态）", self.neutral_spin)
        self.shares_label = QLabel()
        self.shares_label.setObjectName("riskShares")
        self.shares_label.setWordWrap(True)
        form.addRow("", self.shares_label)
        layout.addWidget(numbers)
        hint = QLabel("支持、反对、中立人数合计不能超过调查人数（可以有人未表态）。只做了公示、没有统计人数的，"
                      "三项都填0：没有民意调查结果的事项不能评为低风险。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        layout.addStretch(1)
        return page

    def _spin(self, value: int, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(0, 1_000_000)
        spin.setValue(value)
        spin.setSuffix(" 人")
        spin.setMaximumWidth(200)
        spin.valueChanged.connect(self._update_suggestion)
        return spin

    def _dimensions_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.dimension_boxes: dict[str, DimensionBox] = {}
        for it in vocab.items("dimension"):
            box = DimensionBox(it.code, it.label, bool(it.extra.get("optional")), data.dimensions.get(it.code))
            box.finding.currentIndexChanged.connect(self._update_suggestion)
            box.severity.currentIndexChanged.connect(self._update_suggestion)
            self.dimension_boxes[it.code] = box
            layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _views_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.views_table = QTableWidget(0, 4)
        self.views_table.setObjectName("riskViews")
        self.views_table.setHorizontalHeaderLabels(["意见方", "意见", "采纳", "采纳情况或不采纳理由"])
        header = self.views_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.views_table.setColumnWidth(0, 150)
        self.views_table.setWordWrap(True)
        for v in data.party_views:
            self.add_view(v.party, v.view, v.adopted, v.note)
        buttons = QHBoxLayout()
        add = QPushButton("添加一方意见")
        add.clicked.connect(lambda: self.add_view())
        remove = QPushButton("删除所选")
        remove.clicked.connect(lambda: self._remove_rows(self.views_table))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addWidget(QLabel("各方（利益相关群众、村“两委”、企业、部门等）的意见，以及是否采纳："))
        layout.addWidget(self.views_table, 1)
        layout.addLayout(buttons)
        return page

    def add_view(self, party: str = "", view: str = "", adopted: bool = False, note: str = "") -> int:
        t = self.views_table
        row = t.rowCount()
        t.insertRow(row)
        t.setItem(row, 0, QTableWidgetItem(party))
        t.setItem(row, 1, QTableWidgetItem(view))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        check.setCheckState(Qt.CheckState.Checked if adopted else Qt.CheckState.Unchecked)
        t.setItem(row, 2, check)
        t.setItem(row, 3, QTableWidgetItem(note))
        return row

    def _points_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.points_table = QTableWidget(0, 4)
        self.points_table.setObjectName("riskPoints")
        self.points_table.setHorizontalHeaderLabels(["风险点", "发生可能性", "影响程度", "防范措施"])
        header = self.points_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.points_table.setMinimumHeight(150)
        for p in data.risk_points:
            self.add_point(p.text, p.likelihood, p.impact, p.measure)
        buttons = QHBoxLayout()
        add = QPushButton("添加风险点")
        add.clicked.connect(lambda: self.add_point())
        remove = QPushButton("删除所选")
        remove.clicked.connect(lambda: (self._remove_rows(self.points_table), self._update_suggestion()))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.mitigation_edit = _text_edit(data.mitigation, "防范化解措施：一条一行", 4)
        self.contingency_edit = _text_edit(data.contingency, "应急处置预案：领导小组、分工、信息报送、现场处置等", 4)
        layout.addWidget(QLabel("风险点（可能性和影响程度都为高的，建议等级为高）："))
        layout.addWidget(self.points_table, 1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("防范化解措施"))
        layout.addWidget(self.mitigation_edit)
        layout.addWidget(QLabel("应急处置预案"))
        layout.addWidget(self.contingency_edit)
        return page

    def add_point(self, text: str = "", likelihood: str = "", impact: str = "", measure: str = "") -> int:
        t = self.points_table
        row = t.rowCount()
        t.insertRow(row)
        t.setItem(row, 0, QTableWidgetItem(text))
        for col, value in ((1, likelihood), (2, impact)):
            box = _combo(SEVERITY_CHOICES, value)
            box.currentIndexChanged.connect(self._update_suggestion)
            t.setCellWidget(row, col, box)
        t.setItem(row, 3, QTableWidgetItem(measure))
        self._update_suggestion()
        return row

    def _remove_rows(self, table: QTableWidget) -> None:
        rows = sorted({i.row() for i in table.selectedIndexes()}, reverse=True)
        if not rows and table.currentRow() >= 0:
            rows = [table.currentRow()]
        for r in rows:
            table.removeRow(r)

    def _level_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        box = QGroupBox("建议等级（按规则自动计算）")
        bl = QVBoxLayout(box)
        self.suggested_label = QLabel()
        self.suggested_label.setObjectName("riskSuggestedLevel")
        self.explanation_label = QLabel()
        self.explanation_label.setObjectName("riskExplanation")
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rule = QLabel(rules.RULE_TEXT)
        rule.setWordWrap(True)
        rule.setStyleSheet("color: #555;")
        rule.setObjectName("riskRuleText")
        bl.addWidget(self.suggested_label)
        bl.addWidget(self.explanation_label)
        bl.addWidget(rule)
        layout.addWidget(box)
        decision = QGroupBox("确定等级（评估小组）")
        form = QFormLayout(decision)
        current = data.level
        self.level_combo = _combo(LEVEL_CHOICES, current)
        self.level_combo.setObjectName("riskLevel")
        self.reason_edit = _text_edit(data.override_reason, "确定等级与建议等级不同时，必须写明改判理由", 3)
        self.reason_edit.setObjectName("riskOverrideReason")
        self.reason_edit.setMaximumHeight(int(self.reason_edit.fontMetrics().lineSpacing() * 4 + 12))
        self.outcome_combo = _combo([("", "尚未决定")] + [(i.code, i.label) for i in vocab.items("decision_outcome")],
                                    data.decision_outcome)
        self.outcome_combo.setObjectName("riskOutcome")
        self.level_note = QLabel()
        self.level_note.setWordWrap(True)
        form.addRow("确定等级", self.level_combo)
        form.addRow("", self.level_note)
        form.addRow("改判理由", self.reason_edit)
        form.addRow("结果运用", self.outcome_combo)
        layout.addWidget(decision)
        layout.addStretch(1)
        self.level_combo.currentIndexChanged.connect(self._update_suggestion)
        return page

    def _filing_tab(self, data: risk.AssessmentInput) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        filing = QGroupBox("报稳定工作部门备案")
        form = QFormLayout(filing)
        self.filed_check = QCheckBox("已报备")
        self.filed_check.setObjectName("riskFiled")
        self.filed_check.setChecked(data.filed_on is not None)
        self.filed_edit = _date_edit(data.filed_on or self._desk.today())
        self.filing_number_edit = QLineEdit(data.filing_number)
        self.filing_number_edit.setPlaceholderText("备案编号，例如 临稳备〔2026〕35号")
        self.office_edit = QLineEdit(data.filing_office)
        self.office_edit.setPlaceholderText("例如 县委政法委（县维稳办）")
        form.addRow(self.filed_check)
        form.addRow("报备日期", self.filed_edit)
        form.addRow("备案编号", self.filing_number_edit)
        form.addRow("备案单位", self.office_edit)
        self.filed_check.toggled.connect(self._filed_toggled)
        self._filed_toggled(self.filed_check.isChecked())
        layout.addWidget(filing)
        follow = QGroupBox("实施过程中的跟踪情况")
        fl = QVBoxLayout(follow)
        self.follow_table = QTableWidget(0, 2)
        self.follow_table.setObjectName("riskFollowUp")
        self.follow_table.setHorizontalHeaderLabels(["日期", "跟踪情况"])
        self.follow_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.follow_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.follow_table.setMinimumHeight(150)
        for f in data.follow_up:
            self.add_follow_up(f.on, f.note)
        buttons = QHBoxLayout()
        add = QPushButton("添加跟踪记录")
        add.clicked.connect(lambda: self.add_follow_up(self._desk.today(), ""))
        remove = QPushButton("删除所选")
        remove.clicked.connect(lambda: self._remove_rows(self.follow_table))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        fl.addWidget(self.follow_table, 1)
        fl.addLayout(buttons)
        layout.addWidget(follow, 1)
        return page

    def add_follow_up(self, on: date, note: str = "") -> int:
        t = self.follow_table
        row = t.rowCount()
        t.insertRow(row)
        t.setCellWidget(row, 0, _date_edit(on))
        t.setItem(row, 1, QTableWidgetItem(note))
        t.setCurrentCell(row, 1)
        return row

    def _filed_toggled(self, on: bool) -> None:
        for w in (self.filed_edit, self.filing_number_edit, self.office_edit):
            w.setEnabled(on)

    # ------------------------------------------------------------------ behaviour

    def _type_changed(self) -> None:
        is_case = self.type_combo.currentData() == "case"
        self.case_edit.setEnabled(True)
        if not is_case and self._case_id is None:
            self.case_label.setText("（非案件类事项可以不填）")

    def _leader_changed(self, name: str) -> None:
        staff = self._leaders.get(name)
        if staff is not None and staff.phone and not self.phone_edit.text().strip():
            self.phone_edit.setText(staff.phone)

    def _set_case(self, case_id: str | None) -> None:
        self._case_id = case_id
        if case_id is None:
            self.case_label.setText("（针对案件开展评估时填写案件编号）")
            return
        case = case_service.get_case(self._desk, case_id)
        if case is None:
            self._case_id = None
            self.case_label.setText("案件不存在。")
            return
        self.case_edit.setText(case.number)
        grade = vocab.label("risk_grade", case.risk_grade) if case.risk_grade else "未评定"
        self.case_label.setText(f"{case.title}（风险等级：{grade}）")
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData("case")))

    def _lookup_case(self) -> None:
        text = self.case_edit.text().strip()
        if not text:
            self._case_id = None
            self.case_label.setText("（针对案件开展评估时填写案件编号）")
            return
        case = case_service.find_by_number(self._desk, text)
        if case is None:
            self._case_id = None
            self.case_label.setText(f"找不到编号为“{text}”的案件。")
            return
        self._set_case(case.id)

    def _rows(self, table: QTableWidget, columns: int, checks: tuple[int, ...] = ()) -> list[list]:
        out = []
        for r in range(table.rowCount()):
            row = []
            for c in range(columns):
                widget = table.cellWidget(r, c)
                item = table.item(r, c)
                if isinstance(widget, QComboBox):
                    row.append(widget.currentData() or "")
                elif isinstance(widget, QDateEdit):
                    row.append(from_qdate(widget.date()))
                elif c in checks:
                    row.append(item is not None and item.checkState() == Qt.CheckState.Checked)
                else:
                    row.append(item.text() if item is not None else "")
            out.append(row)
        return out

    def current_input(self) -> risk.AssessmentInput:
        level = self.level_combo.currentData() or ""
        return risk.AssessmentInput(
            title=self.title_edit.text(), matter_type=self.type_combo.currentData(),
            case_id=self._case_id if self.case_edit.text().strip() else None,
            description=self.description_edit.toPlainText(), responsible_unit=self.unit_edit.text(),
            responsible_leader=self.leader_combo.currentText(), contact_phone=self.phone_edit.text(),
            group_members=self.group_edit.text(),
            methods=[code for code, check in self.method_checks.items() if check.isChecked()],
            surveyed=self.surveyed_spin.value(), in_favour=self.favour_spin.value(),
            against=self.against_spin.value(), neutral=self.neutral_spin.value(),
            dimensions={code: box.value() for code, box in self.dimension_boxes.items()},
            party_views=[risk.PartyViewInput(p, v, bool(a), n) for p, v, a, n in self._rows(self.views_table, 4, (2,))],
            risk_points=[risk.RiskPointInput(t, lk, im, m) for t, lk, im, m in self._rows(self.points_table, 4)],
            mitigation=self.mitigation_edit.toPlainText(), contingency=self.contingency_edit.toPlainText(),
            assessed_on=from_qdate(self.assessed_edit.date()), level=level,
            override_reason=self.reason_edit.toPlainText(), decision_outcome=self.outcome_combo.currentData() or "",
            filed_on=from_qdate(self.filed_edit.date()) if self.filed_check.isChecked() else None,
            filing_number=self.filing_number_edit.text() if self.filed_check.isChecked() else "",
            filing_office=self.office_edit.text() if self.filed_check.isChecked() else "",
            follow_up=[risk.FollowUpInput(d, n) for d, n in self._rows(self.follow_table, 2)])

    def _update_suggestion(self) -> None:
        if not hasattr(self, "level_combo") or not hasattr(self, "follow_table"):
            return  # still building the tabs
        answers = self.favour_spin.value() + self.against_spin.value() + self.neutral_spin.value()
        if answers:
            parts = [f"{word}{n}人，占{n * 100 / answers:.1f}%" for word, n in
                     (("支持", self.favour_spin.value()), ("反对", self.against_spin.value()),
                      ("中立", self.neutral_spin.value()))]
            self.shares_label.setText("；".join(parts))
        else:
            self.shares_label.setText("尚无调查结果")
        try:
            suggestion = risk.preview(self.current_input())
        except (FieldError, ServiceError) as error:
            self.suggested_label.setText("建议等级：—")
            self.explanation_label.setText(str(error))
            self.suggestion_strip.setText(f"<span style='color:#b00000'>{error}</span>")
            self._suggested = None
            return
        self._suggested = suggestion.level
        colour = LEVEL_COLOURS[suggestion.level]
        self.suggested_label.setText(f"<span style='font-size:16pt; font-weight:bold; color:{colour}'>"
                                     f"建议等级：{suggestion.label}</span>　"
                                     f"建议结果运用：{vocab.label('decision_outcome', suggestion.decision)}")
        raised = "；".join(f.text for f in suggestion.raised_by)
        self.explanation_label.setText(suggestion.explanation)
        chosen = self.level_combo.currentData() or ""
        if chosen == risk.ADOPT_SUGGESTED:
            chosen = suggestion.level
        if not chosen:
            note = "尚未确定等级（保存后可以随时再来确认）。"
        elif chosen == suggestion.level:
            note = f"确定等级与建议等级一致（{suggestion.label}），不需要写理由。"
        else:
            note = (f"<span style='color:#b00000'>确定等级“{rules.LEVEL_LABELS[chosen]}”与建议等级“{suggestion.label}”"
                    "不同，属于改判，必须写明理由；建议等级和确定等级都会保留。</span>")
        self.level_note.setText(note)
        self.reason_edit.setEnabled(bool(chosen) and chosen != suggestion.level)
        self.suggestion_strip.setText(
            f"<span style='background:{LEVEL_BACKGROUNDS[suggestion.level]}; color:{colour}; font-weight:bold'>"
            f"&nbsp;建议等级：{suggestion.label}&nbsp;</span>　由此决定：{raised}")

    def show_field(self, field_name: str) -> None:
        tab = TAB_OF_FIELD.get(field_name.split(":")[0])
        if field_name.startswith("dimension"):
            tab = 2
        if tab is not None:
            self.tabs.setCurrentIndex(tab)

    def save(self) -> bool:
        """Save through the service; a refusal is shown and the dialog stays open."""
        data = self.current_input()
        try:
            with widgets.busy():
                self.saved = risk.save_assessment(self._desk, data, self.assessment_id,
                                                  expected_updated_at=self._expected)
        except FieldError as error:
            self.show_field(error.field)
            widgets.error(self, str(error), "不能保存")
            return False
        except (ServiceError, StoreError, ValueError) as error:
            widgets.error(self, str(error), "不能保存")
            return False
        self.assessment_id = self.saved.assessment.id
        self._expected = self.saved.assessment.updated_at
        self.accept()
        return True
