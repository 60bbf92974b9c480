"""风险评估: the list of social-stability risk assessments (社会稳定风险评估), filtered by quarter,
level and decision outcome, with the selected one's details — the suggested level and what raised
it, the confirmed level (and the reason of an override), outcome, filing, follow-up — and the
actions: new (for a matter or for a high-risk case), edit, confirm/override the level, filing and
follow-up, print the report or the filing form, the quarterly statistics table, the leader
contract a high level on a case suggests, open the case, void.

Signals: ``open_case(case_id)`` (the main window opens the case), ``changed()`` (something saved).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
    QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget,
)

from ...domain import risk as rules
from ...domain import vocabularies as vocab
from ...services import risk
from ...services.context import Desk, ServiceError
from ...services.desktop import StoreError
from .. import widgets
from .editor import LEVEL_COLOURS, AssessmentDialog
from .table_model import ID_ROLE, AssessmentTableModel

log = logging.getLogger(__name__)

LEVEL_TAB = 5
FILING_TAB = 6


class RiskPage(QWidget):
    open_case = Signal(str)
    changed = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskPage")
        self._desk = desk
        self._loaded = False

        # --- filters
        self.quarter_combo = QComboBox()
        self.quarter_combo.setObjectName("riskQuarter")
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("riskLevelFilter")
        for code, text in (("", "全部等级"), ("high", "高"), ("medium", "中"), ("low", "低"), ("pending", "未确定")):
            self.level_combo.addItem(text, code)
        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("riskOutcomeFilter")
        self.outcome_combo.addItem("全部结果运用", "")
        for it in vocab.items("decision_outcome"):
            self.outcome_combo.addItem(it.label, it.code)
        self.outcome_combo.addItem("尚未决定", "none")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("riskSearch")
        self.search_edit.setPlaceholderText("编号、事项名称、责任单位、责任人")
        self.search_edit.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("季度"))
        filters.addWidget(self.quarter_combo)
        filters.addWidget(QLabel("确定等级"))
        filters.addWidget(self.level_combo)
        filters.addWidget(QLabel("结果运用"))
        filters.addWidget(self.outcome_combo)
        filters.addWidget(self.search_edit, 1)

        # --- actions
        self.new_button = QPushButton("新建评估…")
        self.new_button.setObjectName("riskNew")
        self.new_button.setToolTip("为重大决策、项目、改革或活动开展社会稳定风险评估")
        self.case_button = QPushButton("为高风险案件评估…")
        self.case_button.setObjectName("riskForCase")
        self.case_button.setToolTip("风险等级为高的矛盾纠纷和信访事项也应开展稳评")
        self.stats_button = QPushButton("季度统计表…")
        self.stats_button.setObjectName("riskStats")
        self.stats_button.setToolTip("所选季度的应评、已评、评估率，按类型、等级、结果运用统计和事项清单（PDF、Word、Excel）")
        self.refresh_button = QPushButton("刷新")
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.case_button)
        actions.addStretch(1)
        actions.addWidget(self.stats_button)
        actions.addWidget(self.refresh_button)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("riskSummary")
        self.summary_label.setWordWrap(True)
        self.alert_label = QLabel()
        self.alert_label.setObjectName("riskAlert")
        self.alert_label.setWordWrap(True)
        self.alert_label.setStyleSheet("color: #a00000;")

        # --- table
        self.model = AssessmentTableModel(self)
        self.table = widgets.record_table(self.model, "riskTable")
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.6))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

        # --- details
        self.detail = QTextBrowser()
        self.detail.setObjectName("riskDetail")
        self.detail.setOpenLinks(False)
        self.edit_button = QPushButton("编辑…")
        self.level_button = QPushButton("确认或改判等级…")
        self.level_button.setObjectName("riskConfirm")
        self.filing_button = QPushButton("报备与跟踪…")
        self.report_button = QPushButton("打印评估报告…")
        self.report_button.setObjectName("riskPrintReport")
        self.filing_print_button = QPushButton("打印报备表…")
        self.contract_button = QPushButton("建立领导包案")
        self.contract_button.setObjectName("riskContract")
        self.contract_button.setToolTip("确定等级为高的案件，建议实行领导包案")
        self.case_open_button = QPushButton("打开案件")
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("登记错了的评估可以作废（保留记录和理由，编号不再使用）")
        buttons = QWidget()
        flow = widgets.FlowLayout(buttons)
        for b in (self.edit_button, self.level_button, self.filing_button, self.report_button,
                  self.filing_print_button, self.contract_button, self.case_open_button, self.void_button):
            flow.addWidget(b)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail, 1)
        rl.addWidget(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([780, 390])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.alert_label)
        layout.addWidget(self.splitter, 1)

        # --- wiring
        self.quarter_combo.currentIndexChanged.connect(self.refresh)
        self.level_combo.currentIndexChanged.connect(self.refresh)
        self.outcome_combo.currentIndexChanged.connect(self.refresh)
        self.search_edit.textChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.reload)
        self.new_button.clicked.connect(lambda: self.new_assessment())
        self.case_button.clicked.connect(lambda: self.new_for_high_case())
        self.stats_button.clicked.connect(lambda: self.export_stats())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_assessment())
        self.edit_button.clicked.connect(lambda: self.edit_assessment())
        self.level_button.clicked.connect(lambda: self.edit_assessment(tab=LEVEL_TAB))
        self.filing_button.clicked.connect(lambda: self.edit_assessment(tab=FILING_TAB))
        self.report_button.clicked.connect(lambda: self.print_document("report"))
        self.filing_print_button.clicked.connect(lambda: self.print_document("filing"))
        self.contract_button.clicked.connect(lambda: self.create_contract())
        self.case_open_button.clicked.connect(self._open_case)
        self.void_button.clicked.connect(lambda: self.void_assessment())
        self.reload()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Refill the quarter list (keeping the choice) and the table."""
        current = self.quarter_combo.currentData() if self._loaded else None
        self.quarter_combo.blockSignals(True)
        self.quarter_combo.clear()
        self.quarter_combo.addItem("全部季度", "")
        try:
            quarters = risk.quarters_with_data(self._desk)
        except (ServiceError, StoreError) as error:
            quarters = []
            widgets.error(self, str(error), "无法读取风险评估")
        for q in quarters:
            self.quarter_combo.addItem(q.label, q.key)
        if current is None:  # first load: this quarter when it has assessments, else all of them
            this = rules.quarter_of(self._desk.today()).key
            has_rows = bool(risk.list_assessments(self._desk, risk.RiskFilter(quarter=this)))
            current = this if has_rows else ""
        self.quarter_combo.setCurrentIndex(max(0, self.quarter_combo.findData(current)))
        self.quarter_combo.blockSignals(False)
        self._loaded = True
        self.refresh()

    def current_filter(self) -> risk.RiskFilter:
        return risk.RiskFilter(level=self.level_combo.currentData() or None,
                               outcome=self.outcome_combo.currentData() or None,
                               quarter=self.quarter_combo.currentData() or None, text=self.search_edit.text())

    def refresh(self) -> None:
        selected = self.selected_id()
        try:
            rows = risk.list_assessments(self._desk, self.current_filter())
            quarter = self.quarter_combo.currentData() or None
            stats = risk.quarter_stats(self._desk, quarter) if quarter else None
            uncovered = risk.unassessed_high_cases(self._desk, open_only=True)
        except (ServiceError, StoreError, ValueError) as error:
            widgets.error(self, str(error), "无法读取风险评估")
            return
        self.model.set_rows(rows)
        if stats is not None:
            self.summary_label.setText(stats.summary_line + f"　列表中 {len(rows)} 件。")
        else:
            self.summary_label.setText(f"全部季度：列表中 {len(rows)} 件。")
        alerts = []
        if uncovered:
            alerts.append(f"有 {len(uncovered)} 件风险等级为高、尚未办结的案件还没有开展稳评（点“为高风险案件评估…”）。")
        contract = [r for r in rows if r.needs_contract]
        if contract:
            alerts.append(f"{len(contract)} 件案件评估为高风险，尚未落实领导包案。")
        self.alert_label.setText("　".join(alerts))
        self.alert_label.setVisible(bool(alerts))
        self.case_button.setEnabled(bool(uncovered))
        if selected:
            self.select(selected)
        elif rows:
            self.table.selectRow(0)
        self._show_selected()

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE)

    def select(self, assessment_id: str) -> bool:
        row = self.model.find(assessment_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selected_row(self) -> risk.AssessmentRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_selected(self) -> None:
        row = self._selected_row()
        for b in (self.edit_button, self.level_button, self.filing_button, self.report_button,
                  self.filing_print_button, self.void_button):
            b.setEnabled(row is not None)
        self.case_open_button.setEnabled(bool(row and row.case_id))
        self.contract_button.setVisible(False)
        if row is None:
            self.detail.setHtml("<p style='color:#666'>没有选中的评估。点“新建评估…”开始一项社会稳定风险评估。</p>")
            return
        try:
            data = risk.assessment_dict(self._desk, row.id)
            suggestion = risk.contract_suggestion(self._desk, row.id)
        except (ServiceError, StoreError) as error:
            self.detail.setHtml(f"<p>{html.escape(str(error))}</p>")
            return
        self.detail.setHtml(self._detail_html(data, suggestion))
        if suggestion is not None and not suggestion.existing:
            self.contract_button.setVisible(True)
            self.contract_button.setEnabled(suggestion.available)
            self.contract_button.setToolTip(suggestion.message if suggestion.available
                                            else "领导包案功能尚未安装，请到“领导包案”页面手工建立。")

    def _detail_html(self, d: dict, contract: risk.ContractSuggestion | None) -> str:
        e = html.escape

        def level_span(code: str, text: str) -> str:
            colour = LEVEL_COLOURS.get(code, "#333")
            return f"<b style='color:{colour}'>{e(text or '—')}</b>"

        parts = [f"<h3 style='margin:0'>{e(d['title'])}</h3>",
                 f"<p style='color:#555'>{e(d['number'])}　{e(d['matter_label'])}　{e(d['status_label'])}"
                 + (f"　案件：{e(d['case_number'])}" if d["case_number"] else "") + "</p>"]
        parts.append(f"<p>建议等级：{level_span(d['suggested_level'], d['suggested_label'])}<br>"
                     f"<span style='color:#444'>{e(d['suggested_reason'])}</span></p>")
        if d["level"]:
            text = f"确定等级：{level_span(d['level'], d['level_label'])}"
            if d["overridden"]:
                text += f"（改判）<br>改判理由：{e(d['override_reason'])}"
            else:
                text += "（与建议等级一致）"
            parts.append(f"<p>{text}</p>")
        else:
            parts.append("<p>确定等级：<b>尚未确定</b>（点“确认或改判等级…”）</p>")
        answers = d["in_favour"] + d["against"] + d["neutral"]
        survey = (f"调查{d['surveyed']}人：支持{d['in_favour']}、反对{d['against']}、中立{d['neutral']}"
                  if answers else "无民意调查结果")
        methods = "、".join(d["method_labels"]) or "未填写"
        rows = [("责任主体", d["responsible_unit"]), ("责任人", d["responsible_leader"]),
                ("评估日期", d["assessed_on"].isoformat() if d["assessed_on"] else ""),
                ("评估方式", methods), ("民意调查", survey), ("结果运用", d["decision_label"] or "尚未决定"),
                ("报备", (f"{d['filed_on'].isoformat()} {d['filing_office']} {d['filing_number']}".strip()
                          if d["filed_on"] else "尚未报备")),
                ("跟踪记录", f"{len(d['follow_up'])}条")]
        if d["voided"]:
            rows.append(("作废理由", d["void_reason"]))
        parts.append("<table cellspacing='0' cellpadding='2'>" + "".join(
            f"<tr><td style='color:#666; padding-right:8px'>{e(k)}</td><td>{e(str(v))}</td></tr>" for k, v in rows)
            + "</table>")
        if contract is not None:
            colour = "#555" if contract.existing else "#a00000"
            parts.append(f"<p style='color:{colour}'>{e(contract.message)}</p>")
        return "".join(parts)

    # ------------------------------------------------------------------ actions

    def make_dialog(self, assessment_id: str | None = None, *, case_id: str | None = None,
                    tab: int = 0) -> AssessmentDialog:
        return AssessmentDialog(self._desk, assessment_id, case_id=case_id, tab=tab, parent=self)

    def _run_dialog(self, dialog: AssessmentDialog) -> risk.SaveResult | None:
        dialog.exec()
        result = dialog.saved
        if result is None:
            return None
        self.reload()
        self.select(result.assessment.id)
        self._show_selected()
        self.changed.emit()
        a = result.assessment
        lines = [f"已保存：{a.number}。"]
        if a.level:
            lines.append(f"建议等级“{rules.LEVEL_LABELS[a.suggested_level]}”，确定等级“{rules.LEVEL_LABELS[a.level]}”"
                         + ("（改判）。" if result.overridden else "。"))
        else:
            lines.append(f"建议等级“{rules.LEVEL_LABELS[a.suggested_level]}”，等级尚未确定。")
        lines += result.warnings
        widgets.info(self, "\n".join(lines), "已保存")
        return result

    def new_assessment(self, case_id: str | None = None) -> risk.SaveResult | None:
        """新建评估 (for a matter, or prefilled from a case)."""
        try:
            dialog = self.make_dialog(case_id=case_id)
        except (ServiceError, StoreError) as error:
            widgets.error(self, str(error), "不能新建")
            return None
        return self._run_dialog(dialog)

    def new_for_high_case(self) -> risk.SaveResult | None:
        cases = risk.unassessed_high_cases(self._desk, open_only=True)
        if not cases:
            widgets.info(self, "没有尚未开展稳评、尚未办结的高风险案件。", "为高风险案件评估")
            return None
        labels = [f"{c.number}　{c.title}" for c in cases]
        choice, ok = QInputDialog.getItem(self, "为高风险案件评估", "选择案件：", labels, 0, False)
        if not ok or choice not in labels:
            return None
        return self.new_assessment(case_id=cases[labels.index(choice)].id)

    def edit_assessment(self, assessment_id: str | None = None, *, tab: int = 0) -> risk.SaveResult | None:
        assessment_id = assessment_id or self.selected_id()
        if assessment_id is None:
            widgets.info(self, "请先在列表中选择一项评估。", "风险评估")
            return None
        row = risk.get_assessment(self._desk, assessment_id)
        if row is not None and row.voided:
            widgets.info(self, f"风险评估 {row.number} 已作废，不能再修改。", "风险评估")
            return None
        try:
            dialog = self.make_dialog(assessment_id, tab=tab)
        except (ServiceError, StoreError) as error:
            widgets.error(self, str(error), "不能打开")
            return None
        return self._run_dialog(dialog)

    def default_path(self, kind: str, key: str, suffix: str = ".pdf") -> Path:
        return risk.documents_folder(self._desk) / risk.default_file_name(kind, key, suffix)

    def print_document(self, form: str = "report", assessment_id: str | None = None) -> Path | None:
        """打印评估报告 / 报备表: save as PDF or Word, to print, sign and seal."""
        row = risk.get_assessment(self._desk, assessment_id) if assessment_id else None
        if row is None:
            selected = self._selected_row()
            row = risk.get_assessment(self._desk, selected.id) if selected else None
        if row is None:
            widgets.info(self, "请先在列表中选择一项评估。", "打印")
            return None
        title = "保存评估报告" if form == "report" else "保存报备表"
        path, _f = QFileDialog.getSaveFileName(self, title, str(self.default_path(form, row.number)),
                                               "PDF 文件 (*.pdf);;Word 文档 (*.docx)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() not in risk.REPORT_FORMATS:
            target = target.with_suffix(".pdf")
        try:
            with widgets.busy():
                result = risk.export_report(self._desk, row.id, target, form=form)
        except (ServiceError, StoreError, OSError, ValueError) as error:
            widgets.error(self, str(error), "打印失败")
            return None
        word = "评估报告" if form == "report" else "报备表"
        widgets.info(self, f"已保存{word}：\n{result.path}\n请打印后签字、加盖公章。", "已保存")
        return result.path

    def export_stats(self) -> Path | None:
        """季度统计表 of the chosen quarter (or the current one when 全部季度 is shown)."""
        key = self.quarter_combo.currentData() or rules.quarter_of(self._desk.today()).key
        path, _f = QFileDialog.getSaveFileName(
            self, "保存季度统计表", str(self.default_path("stats", key)),
            "PDF 文件 (*.pdf);;Word 文档 (*.docx);;Excel 工作簿 (*.xlsx)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() not in risk.STATS_FORMATS:
            target = target.with_suffix(".pdf")
        try:
            with widgets.busy():
                result = risk.export_stats(self._desk, key, target)
        except (ServiceError, StoreError, OSError, ValueError) as error:
            widgets.error(self, str(error), "生成失败")
            return None
        widgets.info(self, f"已保存{result.title}：\n{result.path}", "已保存")
        return result.path

    def create_contract(self, assessment_id: str | None = None):
        """One click: the leader contract a high level on a case suggests."""
        assessment_id = assessment_id or self.selected_id()
        if assessment_id is None:
            return None
        suggestion = risk.contract_suggestion(self._desk, assessment_id)
        if suggestion is None:
            return None
        if not widgets.confirm(self, suggestion.message + "\n\n现在建立领导包案吗？", "建立领导包案", yes="建立"):
            return None
        try:
            contract = risk.create_contract(self._desk, assessment_id)
        except (ServiceError, StoreError, ValueError) as error:
            widgets.error(self, str(error), "不能建立领导包案")
            return None
        number = getattr(contract, "number", "") or ""
        widgets.info(self, f"已建立领导包案{number}。可以在“领导包案”页面填写包案方案和进展。", "已建立")
        self.refresh()
        self.changed.emit()
        return contract

    def void_assessment(self, assessment_id: str | None = None) -> bool:
        assessment_id = assessment_id or self.selected_id()
        if assessment_id is None:
            return False
        reason, ok = QInputDialog.getText(self, "作废风险评估", "作废理由（必填）：")
        if not ok:
            return False
        try:
            risk.void_assessment(self._desk, assessment_id, reason)
        except (ServiceError, StoreError) as error:
            widgets.error(self, str(error), "不能作废")
            return False
        self.refresh()
        self.changed.emit()
        return True

    def _open_case(self) -> None:
        row = self._selected_row()
        if row is not None and row.case_id:
            self.open_case.emit(row.case_id)
