"""工作记录 tab: the timeline of a case and a form to add an investigation, a mediation session,
a follow-up visit, an extension (with the parties' consent / the head's approval), a transfer or
a note. Each entry has date, time, place, staff, participants and content.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QTextBrowser, QVBoxLayout, QWidget,
)

from ...domain import vocabularies as vocab
from ...services import cases as case_service
from ...services import organisation
from ...services.context import Desk
from ...services.parties import FieldError
from .fields import CheckList, CodeCombo, DateField, Form, TextBox, hint_label

EVENT_KINDS = ("investigation", "mediation_session", "follow_up", "extension", "transfer",
               "judicial_confirmation", "note")
PETITION_EVENT_KINDS = ("investigation", "extension", "transfer", "follow_up", "note")


class EventsPanel(QWidget):
    changed = Signal()
    #: emitted after an entry was written (the editor reloads the case)
    added = Signal()

    def __init__(self, desk: Desk, kind: str = "dispute", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.kind = kind
        self.read_only = False
        self.ensure_saved: Callable[[], str | None] = lambda: None
        self._staff_names: dict[str, str] = {}
        self._build()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        timeline = QGroupBox("工作记录（按日期）")
        timeline_layout = QVBoxLayout(timeline)
        self.timeline = QTextBrowser()
        self.timeline.setObjectName("timeline")
        self.timeline.setOpenLinks(False)
        self.timeline.setMinimumHeight(self.fontMetrics().lineSpacing() * 10 + 16)
        timeline_layout.addWidget(self.timeline)
        outer.addWidget(timeline)
        self.entries: list[Any] = []

        self.form_box = QGroupBox("添加工作记录")
        box_layout = QVBoxLayout(self.form_box)
        self.form = Form()
        self.form.layout_.setContentsMargins(0, 0, 0, 0)
        self.kind_combo = CodeCombo(empty_label=None)
        self.kind_combo.setObjectName("event_kind")
        self.form.add("kind", "类型", self.kind_combo)
        self.date_edit = DateField()
        self.date_edit.setObjectName("event_date")
        self.form.add("occurred_on", "日期", self.date_edit)
        self.time_edit = QLineEdit()
        self.time_edit.setPlaceholderText("如 9:30—11:00")
        self.form.add("time_text", "时间", self.time_edit)
        self.place_edit = QLineEdit()
        self.form.add("place", "地点", self.place_edit)
        self.staff_list = CheckList(rows=2)
        self.form.add("staff_ids", "工作人员", self.staff_list)
        self.participants_edit = QLineEdit()
        self.participants_edit.setPlaceholderText("当事人、在场人、邀请参加的人")
        self.form.add("participants", "参加人", self.participants_edit)
        self.questioned_edit = QLineEdit()
        self.form.add("person_questioned", "被调查人", self.questioned_edit)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 365)
        self.days_spin.setSuffix(" 天")
        self.form.add("extension_days", "延长", self.days_spin)
        self.consent_check = QCheckBox("双方当事人同意延长调解期限")
        self.form.add("consent", "", self.consent_check)
        self.approver_edit = QLineEdit()
        self.approver_edit.setPlaceholderText("批准延期的负责人")
        self.form.add("extension_approver", "批准人", self.approver_edit)
        self.content_edit = TextBox(lines=4, placeholder="调查、调解、回访的经过；延期、移送的理由")
        self.content_edit.setObjectName("event_content")
        self.form.add("content", "内容", self.content_edit)
        self.result_edit = QLineEdit()
        self.form.add("result", "结果", self.result_edit)
        box_layout.addWidget(self.form)
        self.general_error = hint_label("", "#b00020")
        self.general_error.hide()
        box_layout.addWidget(self.general_error)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加到工作记录")
        self.add_button.setObjectName("event_add")
        self.add_button.clicked.connect(self.add_entry)
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.clear_form)
        row.addWidget(self.add_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        box_layout.addLayout(row)
        outer.addWidget(self.form_box)
        outer.addStretch(1)

        for edit in (self.time_edit, self.place_edit, self.participants_edit, self.questioned_edit,
                     self.approver_edit, self.result_edit):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.content_edit.textChanged.connect(self.changed)
        self.date_edit.changed.connect(self.changed)
        self.staff_list.changed.connect(self.changed)
        self.days_spin.valueChanged.connect(lambda _v: self.changed.emit())
        self.consent_check.toggled.connect(lambda _v: self.changed.emit())
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.set_kind(self.kind)
        self.reload_staff()

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        kinds = EVENT_KINDS if kind == "dispute" else PETITION_EVENT_KINDS
        self.kind_combo.set_items([(k, vocab.label("event_kind", k)) for k in kinds])
        self._kind_changed()

    def reload_staff(self) -> None:
        staff = organisation.list_staff(self.desk)
        self._staff_names = {s.id: s.name for s in staff}
        self.staff_list.set_items([(s.id, s.name) for s in staff])

    def _kind_changed(self, *_args) -> None:
        kind = self.kind_combo.code()
        extension = kind == "extension"
        self.form.set_row_visible("person_questioned", kind == "investigation")
        self.form.set_row_visible("extension_days", extension)
        self.form.set_row_visible("consent", extension and self.kind == "dispute")
        self.form.set_row_visible("extension_approver", extension and self.kind == "petition")
        self.form.set_label("content", "延期理由" if extension else ("移送理由" if kind == "transfer" else "内容"))
        self.changed.emit()

    # ------------------------------------------------------------------ timeline

    def load(self, events: list[Any]) -> None:
        """Show the timeline, every entry in full (nothing cut off, the box scrolls)."""
        self.entries = list(events)
        blocks = []
        for event in self.entries:
            head = f"{event.occurred_on.isoformat()}"
            if event.time_text:
                head += f" {escape(event.time_text)}"
            head = f"<b>{head}　{escape(vocab.label('event_kind', event.kind))}</b>"
            details = []
            if event.place:
                details.append(f"地点：{escape(event.place)}")
            staff = "、".join(self._staff_names[i] for i in (event.staff_ids or []) if i in self._staff_names)
            if staff:
                details.append(f"工作人员：{escape(staff)}")
            lines = ["　".join([head, *details])]
            if event.kind == "extension":
                words = f"延长 {event.extension_days} 天"
                if event.consent:
                    words += "，双方当事人同意"
                if event.participants and self.kind == "petition":
                    words += f"，批准人：{escape(event.participants)}"
                lines.append(words)
            elif event.participants:
                lines.append(f"参加人：{escape(event.participants)}")
            if event.person_questioned:
                lines.append(f"被调查人：{escape(event.person_questioned)}")
            if event.content:
                lines.append(escape(event.content).replace("\n", "<br>"))
            if event.result:
                lines.append(f"结果：{escape(event.result)}")
            blocks.append("<p style='margin-bottom:8px'>" + "<br>".join(lines) + "</p>")
        self.timeline.setHtml("".join(blocks) or "<p style='color:#555555'>还没有工作记录。</p>")

    def count(self) -> int:
        return len(self.entries)

    # ------------------------------------------------------------------ form

    def has_input(self) -> bool:
        return bool(self.content_edit.text().strip() or self.place_edit.text().strip()
                    or self.participants_edit.text().strip() or self.questioned_edit.text().strip()
                    or self.result_edit.text().strip() or self.time_edit.text().strip()
                    or self.days_spin.value() or self.approver_edit.text().strip())

    def state(self) -> dict[str, Any]:
        return {
            "kind": self.kind_combo.code(), "occurred_on": self.date_edit.text(), "time_text": self.time_edit.text(),
            "place": self.place_edit.text(), "staff_ids": self.staff_list.codes(),
            "participants": self.participants_edit.text(), "person_questioned": self.questioned_edit.text(),
            "extension_days": self.days_spin.value(), "consent": self.consent_check.isChecked(),
            "extension_approver": self.approver_edit.text(), "content": self.content_edit.text(),
            "result": self.result_edit.text(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        self.kind_combo.set_code(state.get("kind") or self.kind_combo.code())
        self.date_edit.setText(state.get("occurred_on", ""))
        self.time_edit.setText(state.get("time_text", ""))
        self.place_edit.setText(state.get("place", ""))
        self.staff_list.set_codes(state.get("staff_ids") or [])
        self.participants_edit.setText(state.get("participants", ""))
        self.questioned_edit.setText(state.get("person_questioned", ""))
        self.days_spin.setValue(int(state.get("extension_days") or 0))
        self.consent_check.setChecked(bool(state.get("consent")))
        self.approver_edit.setText(state.get("extension_approver", ""))
        self.content_edit.setText(state.get("content", ""))
        self.result_edit.setText(state.get("result", ""))

    def clear_form(self) -> None:
        kind = self.kind_combo.code()
        self.set_state({"kind": kind, "occurred_on": self.desk.today().isoformat()})
        self.form.clear_errors()
        self.general_error.hide()

    def show_error(self, field: str, message: str) -> None:
        aliases = {"on": "occurred_on", "extension_reason": "content"}
        field = aliases.get(field, field)
        if not self.form.show_error(field, message):
            self.general_error.setText(message)
            self.general_error.show()
        widget = self.form.widgets.get(field)
        if widget is not None:
            widget.setFocus()

    def add_entry(self) -> bool:
        """Write the entry (the case is saved first if it is new). Errors stay next to the field."""
        if self.read_only:
            return False
        self.form.clear_errors()
        self.general_error.hide()
        case_id = self.ensure_saved()
        if not case_id:
            return False
        state = self.state()
        try:
            try:
                on: date | None = self.date_edit.value()
            except ValueError as error:
                raise FieldError("occurred_on", str(error)) from error
            if state["kind"] == "extension":
                if self.kind == "dispute" and not state["consent"]:
                    raise FieldError("consent", "调解期限只有经双方当事人同意才能延长，请确认已取得双方同意。")
                case_service.extend_deadline(
                    self.desk, case_id, int(state["extension_days"]), state["content"],
                    consent=bool(state["consent"]), approver=state["extension_approver"], on=on)
            else:
                if not state["content"].strip():
                    raise FieldError("content", "请填写工作记录的内容。")
                case_service.add_event(
                    self.desk, case_id, state["kind"], on,
                    time_text=state["time_text"].strip(), place=state["place"].strip(),
                    staff_ids=state["staff_ids"], participants=state["participants"].strip(),
                    person_questioned=state["person_questioned"].strip() if state["kind"] == "investigation" else "",
                    content=state["content"].strip(), result=state["result"].strip())
        except FieldError as error:
            self.show_error(error.field, str(error))
            return False
        except ValueError as error:  # ServiceError and friends
            self.show_error("", str(error))
            return False
        self.clear_form()
        self.added.emit()
        self.changed.emit()
        return True

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.form_box.setEnabled(not read_only)
