"""登记排查: the dialog that records one screening round — who screened where and when, what was
found (new disputes, registered as cases from the round) and which open cases were re-checked with
this period's progress, grade and 提级/降级; or a zero report (零报告).

The dialog calls ``services.screening.record_round`` itself when 保存 is pressed, so a refusal
(with its Chinese reason) keeps the dialog open with everything typed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSpinBox,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from ...domain import vocabularies as vocab
from ...services import organisation, screening
from ...services.desktop import StoreError
from ...services.context import Desk
from ...services.parties import PartyInput
from .. import widgets

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

NEW_COLUMNS = ("事件名称", "类别", "涉及人数", "风险等级", "可能民转刑", "当事人", "本期工作情况")
RECHECK_COLUMNS = ("复核", "编号", "事件名称", "原风险", "本期工作情况", "风险等级", "提级/降级")


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


class RoundDialog(QDialog):
    def __init__(self, desk: Desk, area_id: str | None = None, month: str | None = None, *, zero: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningRoundDialog")
        self.setWindowTitle("登记零报告" if zero else "登记矛盾纠纷排查")
        self._desk = desk
        self.saved: screening.RoundResult | None = None
        today = desk.today()
        on = today
        if month:
            year, mon = screening.parse_month(month)
            if (year, mon) != (today.year, today.month):
                on = date(year, mon, 15) if date(year, mon, 15) < today else today

        self.area_combo = QComboBox()
        self.area_combo.setObjectName("roundArea")
        for row in screening.villages(desk):
            self.area_combo.addItem(f"{row.village}（{row.township}）" if row.township else row.village, row.area_id)
        for town in organisation.list_areas(desk, "township"):
            self.area_combo.addItem(f"{town.name}（镇本级）", town.id)
        if area_id is not None:
            index = self.area_combo.findData(area_id)
            if index >= 0:
                self.area_combo.setCurrentIndex(index)
        self.period_combo = QComboBox()
        for kind in screening.PERIOD_KINDS:
            self.period_combo.addItem(screening.PERIOD_LABELS[kind], kind)
        sched = screening.schedule(desk)
        self._set_period(screening.period_kind_for(sched, self.area_id() or ""))
        self.screened_edit = _date_edit(on)
        self.screened_edit.setObjectName("roundScreenedOn")
        self.submitted_edit = _date_edit(today)
        self.submitted_edit.setObjectName("roundSubmittedOn")
        self.submitted_edit.setToolTip("报送到镇（街道）的日期；晚于每月报送截止日的记为逾期补报")
        self.staff_list = QListWidget()
        self.staff_list.setObjectName("roundScreeners")
        self.staff_list.setMaximumHeight(self.fontMetrics().height() * 5)
        staff = organisation.list_staff(desk)
        staff.sort(key=lambda s: (not ({"grid_worker", "mediator"} & set(s.roles or [])), s.name))
        for s in staff:
            item = QListWidgetItem(f"{s.name}（{s.post}）" if s.post else s.name)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.staff_list.addItem(item)
        self.other_screeners = QLineEdit()
        self.other_screeners.setPlaceholderText("不在工作人员名单中的排查人，用顿号分隔")
        self.scope_edit = QLineEdit()
        self.scope_edit.setPlaceholderText("例如：全村8个村民小组、辖区企业和在建工地")
        self.method_edit = QLineEdit("入户走访、座谈了解")
        self.findings_edit = QPlainTextEdit()
        self.findings_edit.setObjectName("roundFindings")
        self.findings_edit.setPlaceholderText("排查情况简述（零报告可不填，打印为“经排查，本期未发现矛盾纠纷”）")
        self.findings_edit.setMaximumHeight(self.fontMetrics().height() * 4)
        self.signed_edit = QLineEdit()
        self.signed_edit.setObjectName("roundSignedBy")
        self.signed_edit.setPlaceholderText("签字的负责人姓名")
        self.zero_check = QCheckBox("零报告（本期未发现矛盾纠纷）")
        self.zero_check.setObjectName("roundZero")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        dates = QHBoxLayout()
        dates.addWidget(self.screened_edit)
        dates.addWidget(QLabel("报送日期"))
        dates.addWidget(self.submitted_edit)
        dates.addWidget(QLabel("周期"))
        dates.addWidget(self.period_combo)
        dates.addStretch(1)
        form.addRow("排查单位", self.area_combo)
        form.addRow("排查日期", dates)
        form.addRow("排查人员", self.staff_list)
        form.addRow("", self.other_screeners)
        form.addRow("排查范围", self.scope_edit)
        form.addRow("排查方式", self.method_edit)
        form.addRow("排查情况", self.findings_edit)
        form.addRow("负责人签字", self.signed_edit)
        form.addRow("", self.zero_check)

        # --- new findings
        self.new_table = QTableWidget(0, len(NEW_COLUMNS))
        self.new_table.setObjectName("roundNewFindings")
        self.new_table.setHorizontalHeaderLabels(list(NEW_COLUMNS))
        self.new_table.verticalHeader().setVisible(False)
        self.new_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.new_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.new_table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("添加新发现事项")
        self.add_button.setObjectName("roundAddFinding")
        self.add_button.clicked.connect(self.add_finding_row)
        self.remove_button = QPushButton("删除所选")
        self.remove_button.clicked.connect(self._remove_finding)
        new_box = QWidget()
        new_layout = QVBoxLayout(new_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        new_layout.addLayout(buttons)
        new_layout.addWidget(self.new_table)
        note = QLabel("新发现的矛盾纠纷保存时自动登记为新案件（来源：排查发现）。")
        note.setWordWrap(True)
        new_layout.addWidget(note)

        # --- re-checks
        self.recheck_table = QTableWidget(0, len(RECHECK_COLUMNS))
        self.recheck_table.setObjectName("roundRechecks")
        self.recheck_table.setHorizontalHeaderLabels(list(RECHECK_COLUMNS))
        self.recheck_table.verticalHeader().setVisible(False)
        self.recheck_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.recheck_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.recheck_hint = QLabel()
        self.recheck_hint.setWordWrap(True)
        recheck_box = QWidget()
        recheck_layout = QVBoxLayout(recheck_box)
        recheck_layout.addWidget(self.recheck_hint)
        recheck_layout.addWidget(self.recheck_table)

        self.tabs = QTabWidget()
        self.tabs.addTab(new_box, "新发现事项")
        self.tabs.addTab(recheck_box, "复核在办事项")

        box = widgets.dialog_buttons(self, "保存", save=True)
        self.button_box = box

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(box)

        self.zero_check.toggled.connect(self._zero_toggled)
        self.area_combo.currentIndexChanged.connect(self._area_changed)
        self.screened_edit.dateChanged.connect(lambda *_: self.load_rechecks())
        self.zero_check.setChecked(zero)
        self.load_rechecks()
        char = self.fontMetrics().horizontalAdvance("中")
        self.resize(char * 70, self.fontMetrics().height() * 40)

    # ------------------------------------------------------------------ helpers

    def area_id(self) -> str | None:
        return self.area_combo.currentData()

    def _set_period(self, kind: str) -> None:
        index = self.period_combo.findData(kind)
        self.period_combo.setCurrentIndex(max(0, index))

    def _area_changed(self, *_args) -> None:
        self._set_period(screening.period_kind_for(screening.schedule(self._desk), self.area_id() or ""))
        self.load_rechecks()

    def _zero_toggled(self, checked: bool) -> None:
        self.tabs.setEnabled(not checked)

    def check_screener(self, name: str) -> None:
        for i in range(self.staff_list.count()):
            item = self.staff_list.item(i)
            if item.text().split("（")[0] == name:
                item.setCheckState(Qt.CheckState.Checked)

    def screeners(self) -> list[str]:
        ids = [self.staff_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.staff_list.count())
               if self.staff_list.item(i).checkState() == Qt.CheckState.Checked]
        others = [n.strip() for n in self.other_screeners.text().replace(",", "、").replace("，", "、").split("、")
                  if n.strip()]
        return ids + others

    # ------------------------------------------------------------------ new findings

    def add_finding_row(self) -> int:
        self.zero_check.setChecked(False)
        row = self.new_table.rowCount()
        self.new_table.insertRow(row)
        title = QLineEdit()
        category = QComboBox()
        for item in vocab.items("category"):
            category.addItem(("　" if item.parent else "") + item.label, item.code)
        people = QSpinBox()
        people.setRange(0, 100000)
        risk = QComboBox()
        risk.addItem("未评定", "")
        for item in vocab.items("risk_grade"):
            risk.addItem(item.label, item.code)
        criminal = QCheckBox()
        parties = QLineEdit()
        parties.setPlaceholderText("姓名，多人用顿号分隔")
        progress = QLineEdit()
        for col, w in enumerate((title, category, people, risk, criminal, parties, progress)):
            self.new_table.setCellWidget(row, col, w)
        self.new_table.setCurrentCell(row, 0)
        title.setFocus()
        return row

    def finding_widgets(self, row: int) -> dict[str, QWidget]:
        keys = ("title", "category", "people", "risk", "criminal", "parties", "progress")
        return {k: self.new_table.cellWidget(row, c) for c, k in enumerate(keys)}

    def _remove_finding(self) -> None:
        row = self.new_table.currentRow()
        if row >= 0:
            self.new_table.removeRow(row)

    def new_findings(self) -> list[screening.NewFinding]:
        out = []
        for row in range(self.new_table.rowCount()):
            w = self.finding_widgets(row)
            title = w["title"].text().strip()
            names = [n.strip() for n in w["parties"].text().replace(",", "、").replace("，", "、").split("、") if n.strip()]
            if not title and not names and not w["progress"].text().strip():
                continue  # an empty line added by mistake
            fields = {"title": title, "category": w["category"].currentData(),
                      "people_involved": w["people"].value(), "risk_grade": w["risk"].currentData(),
                      "may_turn_criminal": w["criminal"].isChecked()}
            parties = [PartyInput("applicant" if i == 0 else "respondent", fields={"name": n}, sort=i)
                       for i, n in enumerate(names)]
            out.append(screening.NewFinding(fields=fields, parties=parties, progress=w["progress"].text()))
        return out

    # ------------------------------------------------------------------ re-checks

    def load_rechecks(self) -> None:
        self.recheck_table.setRowCount(0)
        area = self.area_id()
        if not area:
            self.recheck_hint.setText("请先选择排查单位。")
            return
        open_cases = screening.open_cases_for_recheck(self._desk, area, from_qdate(self.screened_edit.date()))
        self.recheck_hint.setText(
            f"本村（社区）在办（未销号）事项 {len(open_cases)} 件。勾选本次复核的事项，填写本期工作情况；"
            "风险等级有变化的请选择新的等级，需要提级或降级的请注明。" if open_cases else "本村（社区）没有在办事项。")
        for case in open_cases:
            row = self.recheck_table.rowCount()
            self.recheck_table.insertRow(row)
            check = QCheckBox()
            self.recheck_table.setCellWidget(row, 0, check)
            for col, value in ((1, case.number), (2, case.title),
                               (3, vocab.label("risk_grade", case.risk_grade) or "未评定")):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(CASE_ID_ROLE, case.id)
                self.recheck_table.setItem(row, col, item)
            progress = QLineEdit()
            progress.textChanged.connect(lambda text, c=check: c.setChecked(True) if text.strip() else None)
            grade = QComboBox()
            grade.addItem("不变", "")
            for item in vocab.items("risk_grade"):
                grade.addItem(item.label, item.code)
            escalation = QComboBox()
            for code, label in (("", "无"), ("raise", "提级"), ("lower", "降级")):
                escalation.addItem(label, code)
            self.recheck_table.setCellWidget(row, 4, progress)
            self.recheck_table.setCellWidget(row, 5, grade)
            self.recheck_table.setCellWidget(row, 6, escalation)
        self.recheck_table.resizeColumnToContents(0)
        self.recheck_table.resizeColumnToContents(1)

    def recheck_row_of(self, case_id: str) -> int:
        for row in range(self.recheck_table.rowCount()):
            if self.recheck_table.item(row, 1).data(CASE_ID_ROLE) == case_id:
                return row
        raise KeyError(case_id)

    def recheck_widgets(self, row: int) -> dict[str, QWidget]:
        return {"check": self.recheck_table.cellWidget(row, 0), "progress": self.recheck_table.cellWidget(row, 4),
                "grade": self.recheck_table.cellWidget(row, 5), "escalation": self.recheck_table.cellWidget(row, 6)}

    def rechecks(self) -> list[screening.Recheck]:
        out = []
        for row in range(self.recheck_table.rowCount()):
            w = self.recheck_widgets(row)
            if not w["check"].isChecked():
                continue
            case_id = self.recheck_table.item(row, 1).data(CASE_ID_ROLE)
            out.append(screening.Recheck(case_id, w["progress"].text(), risk_grade=w["grade"].currentData(),
                                         escalation=w["escalation"].currentData()))
        return out

    # ------------------------------------------------------------------ saving

    def round_input(self) -> screening.RoundInput:
        zero = self.zero_check.isChecked()
        return screening.RoundInput(
            area_id=self.area_id() or "", screened_on=from_qdate(self.screened_edit.date()),
            period_kind=self.period_combo.currentData(), screeners=self.screeners(),
            scope=self.scope_edit.text(), method=self.method_edit.text(),
            findings=self.findings_edit.toPlainText(), signed_by=self.signed_edit.text(),
            submitted_on=from_qdate(self.submitted_edit.date()),
            new_findings=[] if zero else self.new_findings(), rechecks=[] if zero else self.rechecks(),
            zero_report=zero)

    def accept(self) -> None:
        data = self.round_input()
        if not data.zero_report and not data.new_findings and not data.rechecks:
            if not widgets.confirm(self, "没有登记任何新发现或复核事项。按零报告（本期未发现矛盾纠纷）保存吗？",
                                   "零报告", yes="按零报告保存", no="返回填写"):
                return
            data.zero_report = True
        try:
            with widgets.busy():
                self.saved = screening.record_round(self._desk, data)
        except (ValueError, StoreError) as error:  # a refusal (or a locked/full disk) with its reason
            widgets.error(self, str(error), "不能保存")
            return
        super().accept()
