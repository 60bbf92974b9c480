"""The dialogs of 领导包案: assign a contract (交办) — the same dialog, pre-filled, edits one or hands
it over to another leader —, log a month's work (工作情况) — the same dialog corrects an entry —,
extend (延期), close out (销号) with the closure checklist, reopen (重新启动), void (作废), and
choose a case to assign.

Each dialog calls its service when 保存 is pressed and keeps itself open with everything typed when
the service refuses (the Chinese reason is shown). ``saved`` holds the result after a save."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ...services import cases as case_service
from ...services import contracts
from ...services import organisation
from ...services.context import Desk
from ...services.desktop import StoreError
from .. import widgets

PLAN_HINT = ("一、基本情况：……\n二、化解目标：……\n三、工作措施：1．……；2．……\n"
             "四、分工：包案领导……，责任人……，工作专班……\n五、时限要求：……前化解到位")


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def date_edit(value: date, name: str = "") -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value))
    if name:
        edit.setObjectName(name)
    return edit


def text_box(name: str, lines: int = 4, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(box.fontMetrics().height() * lines + 12)
    return box


def line_edit(name: str, text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


class _ServiceDialog(QDialog):
    """Buttons 保存 / 取消; ``save()`` runs the service; a refusal keeps the dialog open."""

    title_word = "保存"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self.saved = None
        self.buttons = widgets.dialog_buttons(self, self.title_word, save=True)

    def save(self):  # pragma: no cover - every dialog has its own
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.saved = self.save()
        except (ValueError, StoreError) as error:  # a refusal (or a locked/full disk) with its reason
            widgets.error(self, str(error), "不能保存")
            return
        super().accept()


# --------------------------------------------------------------------------- assign


class AssignDialog(_ServiceDialog):
    """交办包案: leader (from the staff list or typed), post, phone, unit, persons, team, plan, dates.

    With ``contract_id`` it edits that (open) contract instead: pre-filled, choosing another leader
    hands it over (their post and phone are filled in), the deadline may be brought forward but not
    past the term's default plus the extensions granted; the assignment date and number stay."""

    title_word = "交办"

    def __init__(self, desk: Desk, case_id: str, parent: QWidget | None = None, *,
                 contract_id: str | None = None) -> None:
        super().__init__(desk, parent)
        self.setObjectName("contractAssignDialog" if contract_id is None else "contractEditDialog")
        self.setWindowTitle("交办领导包案" if contract_id is None else "修改包案 / 更换包案领导")
        self.contract_id = contract_id
        self.original = contracts.get_contract(desk, contract_id) if contract_id else None
        if self.original is not None:
            case_id = self.original.case_id
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存修改")
        self.case_id = case_id
        case = case_service.get_case(desk, case_id)
        today = desk.today()
        self.case_label = QLabel(f"{case.number}\n{case.title}" if case else "")
        self.leader_combo = QComboBox()
        self.leader_combo.setObjectName("contractLeader")
        self.leader_combo.setEditable(True)
        self.leader_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._staff = {}
        leaders = organisation.list_staff(desk, "leader")
        others = [s for s in organisation.list_staff(desk) if "leader" not in (s.roles or [])]
        for s in leaders + others:
            self.leader_combo.addItem(s.name, s.id)
            self._staff[s.id] = s
        self.leader_combo.setCurrentIndex(0 if leaders else -1)
        self.leader_combo.lineEdit().setPlaceholderText("从名单选择或直接填写")
        self.post_edit = line_edit("contractLeaderPost", placeholder="例如：镇党委副书记")
        self.phone_edit = line_edit("contractLeaderPhone")
        unit = organisation.get_unit(desk)
        self.unit_edit = line_edit("contractUnit", (case.responsible_unit if case else "") or "",
                                   "例如：镇综治中心、镇司法所")
        mediator = ""
        if case is not None and case.mediator_id:
            staff = next((s for s in organisation.list_staff(desk, active_only=False)
                          if s.id == case.mediator_id), None)
            mediator = staff.name if staff else ""
        self.persons_edit = line_edit("contractPersons", mediator, "具体承办的责任人，多人用顿号分隔")
        self.team_edit = line_edit("contractTeam", placeholder="工作专班成员，例如：某某（组长）、某某、某村书记某某")
        self.plan_edit = text_box("contractPlan", 6, PLAN_HINT)
        self.assigned_edit = date_edit(today, "contractAssignedOn")
        self.deadline_edit = date_edit(contracts.default_deadline(desk, today), "contractDeadline")
        self.deadline_edit.setToolTip("默认为交办之日起3个月（按本单位设置）；可以提前，不能延后——需要更长时间请到期前办理延期")
        self.number_label = QLabel("保存时自动编号（包案编号一经分配不再改变）")
        self._unit_name = unit.name

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("案件", self.case_label)
        leader_row = QHBoxLayout()
        leader_row.addWidget(self.leader_combo, 2)
        leader_row.addWidget(QLabel("职务"))
        leader_row.addWidget(self.post_edit, 3)
        leader_row.addWidget(QLabel("电话"))
        leader_row.addWidget(self.phone_edit, 2)
        form.addRow("包案领导", leader_row)
        form.addRow("责任单位", self.unit_edit)
        form.addRow("责任人", self.persons_edit)
        form.addRow("工作专班", self.team_edit)
        form.addRow("化解方案\n（一案一策）", self.plan_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.assigned_edit)
        dates.addWidget(QLabel("化解时限"))
        dates.addWidget(self.deadline_edit)
        dates.addStretch(1)
        form.addRow("交办日期", dates)
        form.addRow("包案编号", self.number_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 46, self.sizeHint().height())

        self._auto = ("", "", "")  # (name, post, phone) last filled in for a leader
        self.leader_combo.currentIndexChanged.connect(self._leader_chosen)
        self.leader_combo.editTextChanged.connect(self._leader_typed)
        self._leader_chosen()
        if self.original is not None:
            self._prefill(self.original)
        else:
            self.assigned_edit.dateChanged.connect(self._assigned_changed)

    def _prefill(self, c) -> None:
        """Edit mode: what the contract has now (a leader no longer on the list is kept as typed)."""
        index = self.leader_combo.findData(c.leader_id) if c.leader_id else -1
        if index < 0:
            index = self.leader_combo.findText(c.leader_name)
        if index >= 0:
            self.leader_combo.setCurrentIndex(index)
        else:
            self.leader_combo.setCurrentIndex(-1)
            self.leader_combo.setEditText(c.leader_name)
        self.post_edit.setText(c.leader_post or "")
        self.phone_edit.setText(c.leader_phone or "")
        self._auto = (c.leader_name, c.leader_post or "", c.leader_phone or "")
        self.unit_edit.setText(c.responsible_unit or "")
        self.persons_edit.setText(c.responsible_persons or "")
        self.team_edit.setText(c.task_team or "")
        self.plan_edit.setPlainText(c.plan or "")
        self.assigned_edit.setDate(to_qdate(c.assigned_on))
        self.assigned_edit.setEnabled(False)
        self.assigned_edit.setToolTip("交办日期不能修改")
        latest = contracts.max_deadline(self._desk, c.id)
        self.deadline_edit.setMaximumDate(to_qdate(max(latest, c.deadline_on)))
        self.deadline_edit.setDate(to_qdate(c.deadline_on))
        self.deadline_edit.setToolTip(f"可以提前，最晚到{cn_date(latest)}（含已批准的延期）；需要更长时间请办理延期")
        self.number_label.setText(f"{c.number}（编号不变）")

    def _leader_chosen(self, *_args) -> None:
        staff = self._staff.get(self.leader_combo.currentData())
        if staff is not None and staff.name == self.leader_combo.currentText():
            self.post_edit.setText(staff.post or "")
            self.phone_edit.setText(staff.phone or "")
            self._auto = (staff.name, staff.post or "", staff.phone or "")

    def _leader_typed(self, text: str) -> None:
        """A name typed over the chosen leader: the post and phone filled in for that leader no
        longer apply (what the user typed there is kept)."""
        name, post, phone = self._auto
        if text.strip() != name and (self.post_edit.text(), self.phone_edit.text()) == (post, phone):
            self.post_edit.clear()
            self.phone_edit.clear()
            self._auto = (text.strip(), "", "")

    def _assigned_changed(self, qdate: QDate) -> None:
        try:
            self.deadline_edit.setDate(to_qdate(contracts.default_deadline(self._desk, from_qdate(qdate))))
        except ValueError:
            pass

    def set_leader(self, name: str) -> None:
        index = self.leader_combo.findText(name)
        if index >= 0:
            self.leader_combo.setCurrentIndex(index)
        else:
            self.leader_combo.setEditText(name)

    def contract_input(self) -> contracts.ContractInput:
        name = self.leader_combo.currentText().strip()
        leader_id = self.leader_combo.currentData()
        staff = self._staff.get(leader_id)
        if staff is None or staff.name != name:
            leader_id = None
        return contracts.ContractInput(
            leader_id=leader_id, leader_name=name, leader_post=self.post_edit.text(),
            leader_phone=self.phone_edit.text(), responsible_unit=self.unit_edit.text(),
            responsible_persons=self.persons_edit.text(), task_team=self.team_edit.text(),
            plan=self.plan_edit.toPlainText(), assigned_on=from_qdate(self.assigned_edit.date()),
            deadline_on=from_qdate(self.deadline_edit.date()),
        )

    def save(self):
        data = self.contract_input()
        if self.original is None:
            return contracts.assign_contract(self._desk, self.case_id, data)
        changes = {key: getattr(data, key) for key in contracts.EDITABLE}
        return contracts.update_contract(self._desk, self.original.id, deadline_on=data.deadline_on, **changes)


# --------------------------------------------------------------------------- progress


class ProgressDialog(_ServiceDialog):
    """本月工作情况: what was done, contacts with the parties, their attitude, the next step.
    With ``entry_id`` it corrects that entry (pre-filled; the correction is audited)."""

    def __init__(self, desk: Desk, contract_id: str, parent: QWidget | None = None, *,
                 entry_id: str | None = None) -> None:
        super().__init__(desk, parent)
        self.setObjectName("contractProgressDialog")
        self.setWindowTitle("记录包案工作情况" if entry_id is None else "修改工作情况记录")
        self.contract_id = contract_id
        self.entry = None
        if entry_id is not None:
            self.entry = next((e for e in contracts.progress_entries(desk, contract_id) if e.id == entry_id), None)
            if self.entry is None:
                raise ValueError("工作情况记录不存在。")
        row = contracts.get_row(desk, contract_id)
        today = desk.today()
        self.header = QLabel(f"{row.number}　{row.case_title}\n包案领导：{row.leader_text}")
        self.header.setWordWrap(True)
        self.month_combo = QComboBox()
        self.month_combo.setObjectName("progressMonth")
        year, month = row.assigned_on.year, row.assigned_on.month
        while (year, month) <= (today.year, today.month):
            self.month_combo.insertItem(0, f"{year}年{month}月", f"{year}-{month:02d}")
            month += 1
            if month == 13:
                year, month = year + 1, 1
        self.month_combo.setCurrentIndex(0)
        self.entry_edit = date_edit(today, "progressEntryOn")
        self.work_edit = text_box("progressWork", 4, "本月开展的工作：走访、约谈、协调会、政策解释、帮扶措施等")
        self.contacts_edit = line_edit("progressContacts", placeholder="与信访人（当事人）接触的情况：时间、方式、对象")
        self.attitude_edit = line_edit("progressAttitude", placeholder="当事人目前的态度和诉求变化")
        self.next_edit = line_edit("progressNext", placeholder="下步工作打算")
        self.author_edit = line_edit("progressAuthor", desk.actor, "填报人")
        self.signed_check = QCheckBox("包案领导已签字")
        self.signed_check.setObjectName("progressSigned")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("包案", self.header)
        when = QHBoxLayout()
        when.addWidget(self.month_combo)
        when.addWidget(QLabel("填报日期"))
        when.addWidget(self.entry_edit)
        when.addStretch(1)
        form.addRow("月份", when)
        form.addRow("开展的工作", self.work_edit)
        form.addRow("接触情况", self.contacts_edit)
        form.addRow("当事人态度", self.attitude_edit)
        form.addRow("下步打算", self.next_edit)
        who = QHBoxLayout()
        who.addWidget(self.author_edit)
        who.addWidget(self.signed_check)
        form.addRow("填报人", who)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 40, self.sizeHint().height())
        if self.entry is not None:
            self._prefill(self.entry)

    def _prefill(self, e) -> None:
        index = self.month_combo.findData(e.month)
        if index < 0:
            self.month_combo.addItem(f"{int(e.month[:4])}年{int(e.month[5:])}月", e.month)
            index = self.month_combo.count() - 1
        self.month_combo.setCurrentIndex(index)
        self.entry_edit.setDate(to_qdate(e.entry_on))
        self.work_edit.setPlainText(e.work_done or "")
        self.contacts_edit.setText(e.contacts or "")
        self.attitude_edit.setText(e.attitude or "")
        self.next_edit.setText(e.next_step or "")
        self.author_edit.setText(e.author or "")
        self.signed_check.setChecked(bool(e.signed))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存修改")

    def progress_input(self) -> contracts.ProgressInput:
        return contracts.ProgressInput(
            work_done=self.work_edit.toPlainText(), contacts=self.contacts_edit.text(),
            attitude=self.attitude_edit.text(), next_step=self.next_edit.text(),
            entry_on=from_qdate(self.entry_edit.date()), month=self.month_combo.currentData(),
            author=self.author_edit.text(), signed=self.signed_check.isChecked(),
        )

    def save(self):
        if self.entry is not None:
            return contracts.update_progress(self._desk, self.entry.id, self.progress_input())
        return contracts.add_progress(self._desk, self.contract_id, self.progress_input())


# --------------------------------------------------------------------------- extend


class ExtendDialog(_ServiceDialog):
    """延期: months (≤ the unit's cap), the reason and the approver; shows the new deadline."""

    title_word = "批准延期"

    def __init__(self, desk: Desk, contract_id: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.setObjectName("contractExtendDialog")
        self.setWindowTitle("包案延期")
        self.contract_id = contract_id
        row = contracts.get_row(desk, contract_id)
        check = contracts.extension_check(desk, contract_id, 1)
        self.header = QLabel(f"{row.number}　{row.case_title}\n包案领导：{row.leader_text}")
        self.header.setWordWrap(True)
        self.current_label = QLabel(cn_date(row.deadline_on) + f"（{row.when_text()}）")
        self.months_spin = QSpinBox()
        self.months_spin.setObjectName("extendMonths")
        self.months_spin.setRange(1, max(1, check.max_months))
        self.months_spin.setSuffix("个月")
        self.new_label = QLabel()
        self.new_label.setObjectName("extendNewDeadline")
        self.reason_edit = text_box("extendReason", 3, "到期未能化解的原因和下步措施")
        head = organisation.get_unit(desk).head_name or ""
        self.approver_edit = line_edit("extendApprover", head, "批准延期的单位负责人")
        self.on_edit = date_edit(desk.today(), "extendOn")
        self.rule_label = QLabel(f"按本单位设置：每次延期不超过{check.max_months}个月，最多延期{check.max_count}次"
                                 f"（已延期{check.used}次）。")
        self.rule_label.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("包案", self.header)
        form.addRow("现化解时限", self.current_label)
        months = QHBoxLayout()
        months.addWidget(self.months_spin)
        months.addWidget(QLabel("延至"))
        months.addWidget(self.new_label, 1)
        form.addRow("延期", months)
        form.addRow("延期理由", self.reason_edit)
        who = QHBoxLayout()
        who.addWidget(self.approver_edit, 1)
        who.addWidget(QLabel("批准日期"))
        who.addWidget(self.on_edit)
        form.addRow("批准人", who)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rule_label)
        layout.addWidget(self.buttons)
        self.months_spin.valueChanged.connect(self._update)
        self._update()

    def _update(self, *_args) -> None:
        check = contracts.extension_check(self._desk, self.contract_id, self.months_spin.value())
        self.new_label.setText(cn_date(check.new_deadline) if check.allowed else check.reason)

    def save(self):
        return contracts.extend_contract(self._desk, self.contract_id, self.months_spin.value(),
                                         self.reason_edit.toPlainText(), self.approver_edit.text(),
                                         from_qdate(self.on_edit.date()))


# --------------------------------------------------------------------------- close


class CloseDialog(_ServiceDialog):
    """销号: the outcome, the closure checklist (五不结案), the satisfaction, the approver, who
    closes it out and when; the unmet conditions are listed as the user ticks."""

    title_word = "销号"

    def __init__(self, desk: Desk, contract_id: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.setObjectName("contractCloseDialog")
        self.setWindowTitle("包案销号（结案）")
        self.contract_id = contract_id
        row = contracts.get_row(desk, contract_id)
        names = contracts.labels(desk)
        self.header = QLabel(f"{row.number}　{row.case_title}\n包案领导：{row.leader_text}")
        self.header.setWordWrap(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("closeStatus")
        for code in contracts.CLOSED_STATUSES:
            self.status_combo.addItem(contracts.status_label(code, names), code)
        self.facts_check = QCheckBox("事实已查清")
        self.facts_check.setObjectName("closeFacts")
        self.handling_check = QCheckBox("处理已得当")
        self.handling_check.setObjectName("closeHandling")
        self.solved_check = QCheckBox("问题已解决")
        self.solved_check.setObjectName("closeSolved")
        self.satisfaction_combo = QComboBox()
        self.satisfaction_combo.setObjectName("closeSatisfaction")
        self.satisfaction_combo.addItem("（请选择）", "")
        for code, label in names["satisfaction"].items():
            self.satisfaction_combo.addItem(label, code)
        self.agreement_check = QCheckBox("已签订息访协议")
        self.agreement_check.setObjectName("closeAgreement")
        self.approver_edit = line_edit("closeApprover", organisation.get_unit(desk).head_name or "",
                                       "审批（同意销号）的负责人")
        self.closed_by_edit = line_edit("closeClosedBy", desk.actor, "办理销号的人")
        self.closed_on_edit = date_edit(desk.today(), "closeClosedOn")
        self.problems_label = QLabel()
        self.problems_label.setObjectName("closeProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #a00000;")

        checks = QVBoxLayout()
        for box in (self.facts_check, self.handling_check, self.solved_check):
            checks.addWidget(box)
        checks.addWidget(QLabel("群众满意、已经审批：由下面的满意度和审批人确认。"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("包案", self.header)
        form.addRow("化解结果", self.status_combo)
        form.addRow("五不结案", checks)
        satisfaction = QHBoxLayout()
        satisfaction.addWidget(self.satisfaction_combo)
        satisfaction.addWidget(self.agreement_check)
        satisfaction.addStretch(1)
        form.addRow("当事人满意度", satisfaction)
        form.addRow("审批人", self.approver_edit)
        who = QHBoxLayout()
        who.addWidget(self.closed_by_edit, 1)
        who.addWidget(QLabel("销号日期"))
        who.addWidget(self.closed_on_edit)
        form.addRow("销号人", who)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)
        for box in (self.facts_check, self.handling_check, self.solved_check, self.agreement_check):
            box.toggled.connect(self._update)
        self.status_combo.currentIndexChanged.connect(self._update)
        self.satisfaction_combo.currentIndexChanged.connect(self._update)
        self.approver_edit.textChanged.connect(self._update)
        self._update()

    def set_status(self, code: str) -> None:
        self.status_combo.setCurrentIndex(self.status_combo.findData(code))

    def set_satisfaction(self, code: str) -> None:
        self.satisfaction_combo.setCurrentIndex(self.satisfaction_combo.findData(code))

    def close_input(self) -> contracts.CloseInput:
        return contracts.CloseInput(
            status=self.status_combo.currentData(), satisfaction=self.satisfaction_combo.currentData() or "",
            approver=self.approver_edit.text(), facts_investigated=self.facts_check.isChecked(),
            handling_proper=self.handling_check.isChecked(), problem_solved=self.solved_check.isChecked(),
            withdrawal_agreement=self.agreement_check.isChecked() and self.agreement_check.isEnabled(),
            closed_on=from_qdate(self.closed_on_edit.date()), closed_by=self.closed_by_edit.text(),
        )

    def _update(self, *_args) -> None:
        withdrew = self.status_combo.currentData() == "petitioner_withdrew"
        self.agreement_check.setEnabled(withdrew)
        problems = contracts.closure_problems(self.close_input())
        self.problems_label.setText("尚不符合销号条件：\n" + "\n".join(problems) if problems else "符合销号条件。")
        self.problems_label.setStyleSheet("color: #a00000;" if problems else "color: #006000;")

    def save(self):
        return contracts.close_contract(self._desk, self.contract_id, self.close_input())


# --------------------------------------------------------------------------- reopen


class ReopenDialog(_ServiceDialog):
    """重新启动: a closed case flared up — back to the same leader with a new deadline."""

    title_word = "重新启动"

    def __init__(self, desk: Desk, contract_id: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.setObjectName("contractReopenDialog")
        self.setWindowTitle("重新启动包案")
        self.contract_id = contract_id
        row = contracts.get_row(desk, contract_id)
        self.header = QLabel(f"{row.number}　{row.case_title}\n原于{cn_date(row.closed_on)}以“{row.status_label}”销号；"
                             f"重新启动后仍由{row.leader_text}包案。")
        self.header.setWordWrap(True)
        self.reason_edit = text_box("reopenReason", 3, "问题反弹的情况：当事人再次信访、矛盾激化等")
        self.on_edit = date_edit(desk.today(), "reopenOn")
        self.deadline_label = QLabel()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("包案", self.header)
        form.addRow("反弹情况", self.reason_edit)
        when = QHBoxLayout()
        when.addWidget(self.on_edit)
        when.addWidget(QLabel("新的化解时限"))
        when.addWidget(self.deadline_label, 1)
        form.addRow("重新启动日期", when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.on_edit.dateChanged.connect(self._update)
        self._update()

    def _update(self, *_args) -> None:
        self.deadline_label.setText(cn_date(contracts.default_deadline(self._desk, from_qdate(self.on_edit.date()))))

    def save(self):
        return contracts.reopen_contract(self._desk, self.contract_id, self.reason_edit.toPlainText(),
                                         from_qdate(self.on_edit.date()))


# --------------------------------------------------------------------------- void


class VoidDialog(_ServiceDialog):
    """作废: a contract entered by mistake — kept with the reason, its number never reused; the case
    may then be assigned again."""

    title_word = "作废"

    def __init__(self, desk: Desk, contract_id: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.setObjectName("contractVoidDialog")
        self.setWindowTitle("作废包案")
        self.contract_id = contract_id
        row = contracts.get_row(desk, contract_id)
        self.header = QLabel(f"{row.number}　{row.case_title}\n包案领导：{row.leader_text}　化解状态：{row.status_label}")
        self.header.setWordWrap(True)
        self.warning = QLabel("作废只用于误录的包案：作废后不再列入包案名单和台账，编号不再使用，办理记录保留备查；"
                              "该案件可以重新交办。包案领导更换请用“修改包案”。")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #a00000;")
        self.reason_edit = text_box("voidReason", 3, "作废原因（必填），例如：误将他案交办、重复录入")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("包案", self.header)
        form.addRow("作废原因", self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 36, self.sizeHint().height())

    def save(self):
        return contracts.void_contract(self._desk, self.contract_id, self.reason_edit.toPlainText())


# --------------------------------------------------------------------------- choose a case


class CasePickerDialog(QDialog):
    """选择要交办的案件: flagged open cases without a contract, or a search of the register."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractCasePicker")
        self.setWindowTitle("选择要交办包案的案件")
        self._desk = desk
        self.search_edit = line_edit("pickerSearch", placeholder="输入编号、当事人姓名或事由查找；不填列出积案、重复信访、高风险等")
        self.list = QTreeWidget()
        self.list.setObjectName("pickerList")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["编号", "事由", "受理日期", "情形"])
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        char = self.fontMetrics().horizontalAdvance("中")
        self.list.setColumnWidth(0, self.list.fontMetrics().horizontalAdvance("（2026）青调字第023号") + char)
        self.list.setColumnWidth(1, 20 * char)
        self.list.setColumnWidth(2, 7 * char)
        self.list.itemActivated.connect(lambda *_: self.accept())
        buttons = widgets.dialog_buttons(self, "交办包案…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(char * 58, char * 28)
        self.search_edit.returnPressed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for c in contracts.candidate_cases(self._desk, self.search_edit.text()):
            item = QTreeWidgetItem([c.number, c.title, f"{c.received_on:%Y-%m-%d}", c.reasons_text])
            item.setData(0, Qt.ItemDataRole.UserRole, c.id)
            item.setToolTip(1, c.title)
            self.list.addTopLevelItem(item)
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))

    def case_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
