"""当事人 tab of the case editor: the parties of the case, a search for existing persons, and a
form for a new (or corrected) person with inline checks of the ID number and phone.

Changes here are pending until the editor saves (one 保存 saves everything); the pending list
is part of the editor's draft, so nothing typed is lost.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QGroupBox, QHBoxLayout, QHeaderView, QLineEdit,
    QListWidget, QListWidgetItem, QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from ...domain import vocabularies as vocab
from ...domain.idcard import check_id_number, check_unified_credit_code, normalize_id_text
from ...domain.phone import check_phone
from ...services import parties as party_service
from ...services.context import Desk, ServiceError
from ...services.parties import FieldError, PartyInput
from .fields import (
    signals_blocked,
    HINT_COLOUR, OK_COLOUR, CodeCombo, DateField, Form, hint_label, iso, parse_date_text,
)

FORM_FIELDS = ("kind", "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "address",
               "occupation", "legal_representative", "note")
SEX_LABELS = {"": "", "male": "男", "female": "女"}
DISPUTE_ROLES = ("applicant", "respondent", "third_party", "agent")
PETITION_ROLES = ("petitioner", "representative", "agent", "third_party")


def party_fields(party) -> dict[str, str]:
    """A Party row as the form's plain values."""
    return {
        "kind": party.kind or "person", "name": party.name or "", "id_number": party.id_number or "",
        "sex": party.sex or "", "birth_date": iso(party.birth_date), "ethnicity": party.ethnicity or "",
        "phone": party.phone or "", "address": party.address or "", "occupation": party.occupation or "",
        "legal_representative": party.legal_representative or "", "note": party.note or "",
    }


def service_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Form values → what services.parties accepts (empty dates become None)."""
    data = {k: fields.get(k, "") for k in FORM_FIELDS}
    data["birth_date"] = data.get("birth_date") or None
    data["id_number"] = data.get("id_number") or None
    if data["kind"] == "organisation":
        data["sex"] = ""
    return data


def party_summary(party) -> str:
    bits = [party.name]
    if party.kind == "organisation":
        bits.append("单位")
    else:
        if party.sex:
            bits.append(SEX_LABELS.get(party.sex, ""))
        if party.birth_date:
            bits.append(f"{party.birth_date.year}年生")
    if party.id_number:
        bits.append(f"证件 {party.id_number}")
    if party.phone:
        bits.append(f"电话 {party.phone}")
    if party.address:
        bits.append(party.address)
    return "　".join(b for b in bits if b)


class PartiesPanel(QWidget):
    """The parties of one case; `entries` are plain dicts (JSON-ready for drafts)."""

    changed = Signal()

    def __init__(self, desk: Desk, kind: str = "dispute", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.kind = kind
        self.entries: list[dict[str, Any]] = []
        self._picked: dict[str, Any] | None = None  # {"party_id", "fields"} of an existing person
        self._editing: int | None = None  # index in entries being corrected
        self._id_owner: Any = None  # an existing party with the ID number just typed
        self.read_only = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.search_now)
        self._build()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        listed = QGroupBox("本案当事人")
        listed_layout = QVBoxLayout(listed)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("parties_table")
        self.table.setHorizontalHeaderLabels(["身份", "姓名/名称", "身份证号/代码", "电话", "住址", "说明"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        line = self.fontMetrics().height() + 10
        self.table.setMinimumHeight(line * 3 + 8)
        self.table.setMaximumHeight(line * 8 + 8)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _i: self.edit_selected())
        listed_layout.addWidget(self.table)
        row = QHBoxLayout()
        self.edit_button = QPushButton("修改所选")
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton("移出本案")
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        listed_layout.addLayout(row)
        outer.addWidget(listed)

        found = QGroupBox("选用已登记的人")
        found_layout = QVBoxLayout(found)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("party_search")
        self.search_edit.setPlaceholderText("输入姓名、拼音首字母（如 zs）、身份证号或电话查找")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        found_layout.addWidget(self.search_edit)
        self.results = QListWidget()
        self.results.setObjectName("party_results")
        self.results.setMaximumHeight(self.fontMetrics().height() * 5 + 16)
        self.results.hide()  # shown when there is something to choose from
        self.results.itemDoubleClicked.connect(lambda _i: self.pick_selected())
        self.results.itemSelectionChanged.connect(self._update_buttons)
        found_layout.addWidget(self.results)
        pick_row = QHBoxLayout()
        self.results_hint = hint_label("")
        self.pick_button = QPushButton("选用此人")
        self.pick_button.clicked.connect(self.pick_selected)
        pick_row.addWidget(self.results_hint, 1)
        pick_row.addWidget(self.pick_button)
        found_layout.addLayout(pick_row)
        outer.addWidget(found)

        self.form_box = QGroupBox("新增当事人")
        form_layout = QVBoxLayout(self.form_box)
        self.picked_label = hint_label("")
        self.picked_label.hide()
        form_layout.addWidget(self.picked_label)
        self.form = Form()
        self.form.layout_.setContentsMargins(0, 0, 0, 0)
        self.role_combo = CodeCombo(empty_label=None)
        self.form.add("role", "身份", self.role_combo)
        self.rep_check = QCheckBox("推选的代表（集体访最多5人）")
        self.form.add("is_representative", "", self.rep_check)
        self.kind_combo = CodeCombo(empty_label=None)
        self.kind_combo.set_items([("person", "自然人"), ("organisation", "单位")])
        self.form.add("kind", "类型", self.kind_combo)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("party_name")
        self.form.add("name", "姓名", self.name_edit)
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("party_id_number")
        self.id_edit.setMaxLength(25)
        self.id_hint = hint_label("")
        self.use_owner_button = QPushButton("选用此人")
        self.use_owner_button.hide()
        self.use_owner_button.clicked.connect(self._use_id_owner)
        id_box = QWidget()
        id_row = QHBoxLayout(id_box)
        id_row.setContentsMargins(0, 0, 0, 0)
        id_row.addWidget(self.id_hint, 1)
        id_row.addWidget(self.use_owner_button)
        self.form.add("id_number", "身份证号", self.id_edit, hint=id_box)
        self.sex_combo = CodeCombo(empty_label="（未填）")
        self.sex_combo.set_items([("male", "男"), ("female", "女")])
        self.form.add("sex", "性别", self.sex_combo)
        self.birth_edit = DateField()
        self.form.add("birth_date", "出生日期", self.birth_edit)
        self.ethnicity_edit = QLineEdit()
        self.ethnicity_edit.setPlaceholderText("如：汉族")
        self.form.add("ethnicity", "民族", self.ethnicity_edit)
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("party_phone")
        self.phone_edit.setPlaceholderText("手机11位，或座机如 0571-87654321")
        self.form.add("phone", "电话", self.phone_edit)
        self.address_edit = QLineEdit()
        self.form.add("address", "住址", self.address_edit)
        self.occupation_edit = QLineEdit()
        self.form.add("occupation", "职业", self.occupation_edit)
        self.legal_rep_edit = QLineEdit()
        self.form.add("legal_representative", "法定代表人", self.legal_rep_edit)
        self.note_edit = QLineEdit()
        self.form.add("note", "备注", self.note_edit)
        form_layout.addWidget(self.form)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("加入本案")
        self.add_button.setObjectName("party_add")
        self.add_button.clicked.connect(self.commit_form)
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.clear_form)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        form_layout.addLayout(buttons)
        outer.addWidget(self.form_box)
        outer.addStretch(1)

        for edit in (self.name_edit, self.ethnicity_edit, self.address_edit, self.occupation_edit,
                     self.legal_rep_edit, self.note_edit):
            edit.textChanged.connect(self._form_changed)
        self.id_edit.textChanged.connect(self._id_changed)
        self.phone_edit.textChanged.connect(self._phone_changed)
        self.phone_edit.editingFinished.connect(lambda: self._phone_changed(self.phone_edit.text(), final=True))
        self.birth_edit.changed.connect(self._form_changed)
        self.sex_combo.currentIndexChanged.connect(self._form_changed)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.role_combo.currentIndexChanged.connect(self._form_changed)
        self.rep_check.toggled.connect(self._form_changed)
        self.set_kind(self.kind)
        self._kind_changed()
        self._update_buttons()

    # ------------------------------------------------------------------ case kind

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        roles = DISPUTE_ROLES if kind == "dispute" else PETITION_ROLES
        current = self.role_combo.code()
        self.role_combo.set_items([(r, vocab.label("party_role", r)) for r in roles], keep=False)
        self.role_combo.set_code(current if current in roles else self.default_role())
        self.form.set_row_visible("is_representative", kind == "petition")

    def default_role(self) -> str:
        if self.kind == "petition":
            return "petitioner"
        roles = [e["role"] for e in self.entries if not e.get("removed")]
        return "respondent" if "applicant" in roles and "respondent" not in roles else "applicant"

    # ------------------------------------------------------------------ inline checks

    def _form_changed(self, *_args) -> None:
        self.changed.emit()

    def _kind_changed(self, *_args) -> None:
        person = self.kind_combo.code() != "organisation"
        self.form.set_label("name", "姓名" if person else "单位名称")
        self.form.set_label("id_number", "身份证号" if person else "信用代码")
        self.id_edit.setPlaceholderText("18位居民身份证号（会自动填写性别和出生日期）" if person
                                        else "18位统一社会信用代码")
        for name in ("sex", "birth_date", "ethnicity", "occupation"):
            self.form.set_row_visible(name, person)
        self.form.set_row_visible("legal_representative", not person)
        self._id_changed(self.id_edit.text())
        self.changed.emit()

    def _id_changed(self, text: str) -> None:
        self.form.clear_error("id_number")
        self._set_id_owner(None)
        value = normalize_id_text(text)
        if not value:
            self._hint("", HINT_COLOUR)
            self.changed.emit()
            return
        if self.kind_combo.code() == "organisation":
            if len(value) < 18:
                self._hint(f"已输入 {len(value)} 位，统一社会信用代码为18位", HINT_COLOUR)
            else:
                check = check_unified_credit_code(value)
                if check.valid:
                    self._hint("信用代码有效", OK_COLOUR)
                else:
                    self._hint("", HINT_COLOUR)
                    self.form.show_error("id_number", check.error or "统一社会信用代码不正确。")
            self.changed.emit()
            return
        if len(value) < 15 or (15 < len(value) < 18):
            self._hint(f"已输入 {len(value)} 位，身份证号为18位", HINT_COLOUR)
            self.changed.emit()
            return
        check = check_id_number(value, today=self.desk.today())
        if len(value) == 15 and not check.valid:
            self._hint("已输入 15 位（旧版身份证号为15位数字，新版为18位）", HINT_COLOUR)
            self.changed.emit()
            return
        if not check.valid:
            self._hint("", HINT_COLOUR)
            self.form.show_error("id_number", check.error or "身份证号不正确。")
            self.changed.emit()
            return
        with signals_blocked(self.sex_combo):
            self.sex_combo.set_code(check.sex or "")
        self.birth_edit.set_value(check.birth_date)
        words = f"身份证号有效：{SEX_LABELS.get(check.sex or '', '')}，{iso(check.birth_date)} 出生"
        if check.legacy15:
            words += "（旧版15位号码）"
        self._hint(words, OK_COLOUR)
        self._look_up_owner(check.normalized)
        self.changed.emit()

    def _hint(self, text: str, colour: str) -> None:
        self.id_hint.setStyleSheet(f"color:{colour};")
        self.id_hint.setText(text)
        self.id_hint.setVisible(bool(text))

    def _look_up_owner(self, id_number: str) -> None:
        try:
            found = [p for p in party_service.find_parties(self.desk, id_number, limit=5)
                     if (p.id_number or "") == id_number]
        except ServiceError:
            return
        owner = found[0] if found else None
        if owner is not None and self._picked and self._picked.get("party_id") == owner.id:
            owner = None
        if owner is not None and self._editing is not None \
                and self.entries[self._editing].get("party_id") == owner.id:
            owner = None
        self._set_id_owner(owner)

    def _set_id_owner(self, owner) -> None:
        self._id_owner = owner
        if owner is None:
            self.use_owner_button.hide()
            return
        self.id_hint.setText(self.id_hint.text() + f"<br>此身份证号已登记为“{owner.name}”，建议选用此人，避免重复登记。")
        self.id_hint.show()
        self.use_owner_button.show()

    def _use_id_owner(self) -> None:
        if self._id_owner is not None:
            self.pick_party(self._id_owner)

    def _phone_changed(self, text: str, final: bool = False) -> None:
        self.form.clear_error("phone")
        digits = "".join(c for c in text if c.isdigit())
        if text.strip() and (final or len(digits) >= 11):
            check = check_phone(text)
            if not check.valid:
                self.form.show_error("phone", check.error or "电话号码格式不正确。")
        self.changed.emit()

    # ------------------------------------------------------------------ search existing

    def search_now(self) -> None:
        self._search_timer.stop()
        query = self.search_edit.text().strip()
        self.results.clear()
        self.results.hide()
        if not query:
            self.results_hint.setText("")
            self._update_buttons()
            return
        try:
            found = party_service.find_parties(self.desk, query, limit=30)
        except ServiceError as error:
            self.results_hint.setText(str(error))
            return
        for party in found:
            item = QListWidgetItem(party_summary(party))
            item.setData(Qt.ItemDataRole.UserRole, party.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, party)
            self.results.addItem(item)
        if found:
            self.results.show()
            self.results.setCurrentRow(0)
            self.results_hint.setText(f"找到 {len(found)} 人，双击或点“选用此人”。")
        else:
            self.results_hint.setText("没有找到，请在下面新增。")
        self._update_buttons()

    def pick_selected(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        party = party_service.get_party(self.desk, item.data(Qt.ItemDataRole.UserRole))
        if party is not None:
            self.pick_party(party)

    def pick_party(self, party) -> None:
        """Put an existing person into the form (to link; corrections update their record)."""
        self._editing = None
        self._picked = {"party_id": party.id, "fields": party_fields(party)}
        self._fill_form(self._picked["fields"])
        self.role_combo.set_code(self.default_role())
        self.picked_label.setText(f"已选用已登记的“{party.name}”。选好身份后点“加入本案”。"
                                  "如修改其信息，会同时更新此人的登记信息。")
        self.picked_label.show()
        self.form_box.setTitle("选用已登记的当事人")
        self.add_button.setText("加入本案")
        self.changed.emit()

    # ------------------------------------------------------------------ form

    def form_values(self) -> dict[str, Any]:
        return {
            "kind": self.kind_combo.code() or "person", "name": self.name_edit.text().strip(),
            "id_number": normalize_id_text(self.id_edit.text()), "sex": self.sex_combo.code(),
            "birth_date": self.birth_edit.text(), "ethnicity": self.ethnicity_edit.text().strip(),
            "phone": self.phone_edit.text().strip(), "address": self.address_edit.text().strip(),
            "occupation": self.occupation_edit.text().strip(),
            "legal_representative": self.legal_rep_edit.text().strip(), "note": self.note_edit.text().strip(),
        }

    def _fill_form(self, fields: dict[str, Any]) -> None:
        self.form.clear_errors()
        self.kind_combo.set_code(fields.get("kind") or "person")
        self.name_edit.setText(fields.get("name", ""))
        self.id_edit.setText(fields.get("id_number", "") or "")
        self.sex_combo.set_code(fields.get("sex", ""))
        self.birth_edit.setText(fields.get("birth_date", "") or "")
        self.ethnicity_edit.setText(fields.get("ethnicity", ""))
        self.phone_edit.setText(fields.get("phone", ""))
        self.address_edit.setText(fields.get("address", ""))
        self.occupation_edit.setText(fields.get("occupation", ""))
        self.legal_rep_edit.setText(fields.get("legal_representative", ""))
        self.note_edit.setText(fields.get("note", ""))

    def form_has_input(self) -> bool:
        values = self.form_values()
        return bool(self._picked or self._editing is not None
                    or any(values[k] for k in FORM_FIELDS if k not in ("kind", "sex")))

    def clear_form(self) -> None:
        self._picked = None
        self._editing = None
        self._fill_form({})
        self._hint("", HINT_COLOUR)
        self._set_id_owner(None)
        self.rep_check.setChecked(False)
        self.role_combo.set_code(self.default_role())
        self.picked_label.hide()
        self.form_box.setTitle("新增当事人")
        self.add_button.setText("加入本案")
        self.changed.emit()

    def _validate(self, values: dict[str, Any]) -> dict[str, Any]:
        """Raise FieldError for the first bad field (ID, phone, name, birth date)."""
        try:
            parse_date_text(values.get("birth_date", ""))
        except ValueError as error:
            raise FieldError("birth_date", str(error)) from error
        if values.get("kind") == "organisation" and values.get("id_number"):
            check = check_unified_credit_code(values["id_number"])
            if not check.valid:
                raise FieldError("id_number", check.error or "统一社会信用代码不正确。")
        fields = service_fields(values)
        if fields.get("birth_date"):
            fields["birth_date"] = parse_date_text(fields["birth_date"]).isoformat()
        cleaned = party_service.clean_party_fields(dict(fields))
        if values.get("kind") != "organisation" and cleaned.get("birth_date") and fields.get("id_number"):
            values["birth_date"] = iso(cleaned["birth_date"])
        if cleaned.get("phone"):
            values["phone"] = cleaned["phone"]
        if cleaned.get("id_number"):
            values["id_number"] = cleaned["id_number"]
        if cleaned.get("sex") and values.get("kind") != "organisation":
            values["sex"] = cleaned["sex"]
        return values

    def commit_form(self) -> bool:
        """Validate the form and put the person into the case's list (saved with the case)."""
        if self.read_only:
            return False
        self.form.clear_errors()
        values = self.form_values()
        try:
            values = self._validate(values)
        except FieldError as error:
            self.show_error(error.field, str(error))
            return False
        role = self.role_combo.code() or self.default_role()
        representative = self.rep_check.isChecked() and self.kind == "petition"
        if self._editing is not None:
            entry = self.entries[self._editing]
            entry.update(role=role, is_representative=representative, fields=values)
            if entry.get("link_id"):
                entry["edited"] = values != entry.get("original_fields") or role != entry.get("orig_role") \
                    or representative != entry.get("orig_representative")
        else:
            party_id = self._picked["party_id"] if self._picked else None
            for other in self.entries:
                if other.get("removed") or other["role"] != role:
                    continue
                same = (party_id and other.get("party_id") == party_id) or (
                    values.get("id_number") and other["fields"].get("id_number") == values["id_number"])
                if same:
                    self.show_error("role", f"“{values['name']}”已经以“{vocab.label('party_role', role)}”身份在本案中。")
                    return False
            original = self._picked["fields"] if self._picked else None
            self.entries.append({
                "link_id": None, "party_id": party_id, "role": role, "is_representative": representative,
                "fields": values, "original_fields": original,
                "edited": bool(original is not None and values != original), "removed": False,
            })
        self.clear_form()
        self.refresh_table()
        self.changed.emit()
        return True

    def show_error(self, field: str, message: str) -> bool:
        if field == "is_representative":
            field = "is_representative"
        shown = self.form.show_error(field, message)
        if not shown:
            shown = self.form.show_error("name", message)
        widget = self.form.widgets.get(field)
        if widget is not None:
            widget.setFocus()
        return shown

    # ------------------------------------------------------------------ list

    def load(self, links: list[tuple[Any, Any]]) -> None:
        """The saved parties of the case ((CaseParty, Party) pairs)."""
        self.entries = []
        for link, party in links:
            fields = party_fields(party)
            self.entries.append({
                "link_id": link.id, "party_id": party.id, "role": link.role, "orig_role": link.role,
                "is_representative": bool(link.is_representative),
                "orig_representative": bool(link.is_representative),
                "fields": fields, "original_fields": dict(fields), "edited": False, "removed": False,
            })
        self._editing = None
        self._picked = None
        self.refresh_table()

    def refresh_table(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            fields = entry["fields"]
            if entry.get("removed"):
                state = "保存后移出"
            elif not entry.get("link_id"):
                state = "待保存（新加入）"
            elif entry.get("edited"):
                state = "待保存（已修改）"
            else:
                state = ""
            role = vocab.label("party_role", entry["role"])
            if entry.get("is_representative"):
                role += "（代表）"
            values = [role, fields.get("name", ""), fields.get("id_number", "") or "", fields.get("phone", ""),
                      fields.get("address", ""), state]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if entry.get("removed"):
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.gray)
                elif column == 5 and state:
                    item.setForeground(Qt.GlobalColor.darkBlue)
                self.table.setItem(row, column, item)
        self._update_buttons()

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        row = self._selected_row()
        enabled = not self.read_only
        self.edit_button.setEnabled(enabled and row is not None and not self.entries[row].get("removed"))
        if row is not None and self.entries[row].get("removed"):
            self.remove_button.setText("撤销移出")
        else:
            self.remove_button.setText("移出本案")
        self.remove_button.setEnabled(enabled and row is not None)
        self.pick_button.setEnabled(enabled and self.results.currentItem() is not None)

    def edit_selected(self) -> None:
        row = self._selected_row()
        if row is None or self.read_only:
            return
        entry = self.entries[row]
        self._picked = None
        self._editing = row
        self._fill_form(entry["fields"])
        self.role_combo.set_code(entry["role"])
        self.rep_check.setChecked(bool(entry.get("is_representative")))
        self.picked_label.setText(f"正在修改“{entry['fields'].get('name', '')}”，改好后点“更新”。")
        self.picked_label.show()
        self.form_box.setTitle("修改当事人")
        self.add_button.setText("更新")
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self._selected_row()
        if row is None or self.read_only:
            return
        entry = self.entries[row]
        if not entry.get("link_id"):
            del self.entries[row]
        else:
            entry["removed"] = not entry.get("removed")
        if self._editing == row:
            self.clear_form()
        self.refresh_table()
        self.changed.emit()

    # ------------------------------------------------------------------ saving and drafts

    def has_pending(self) -> bool:
        return any(not e.get("link_id") or e.get("edited") or e.get("removed") for e in self.entries)

    def party_inputs(self) -> list[PartyInput]:
        """For registering a new case: every listed party."""
        return [self._input(e, i) for i, e in enumerate(self.entries) if not e.get("removed")]

    @staticmethod
    def _input(entry: dict[str, Any], index: int) -> PartyInput:
        fields = service_fields(entry["fields"]) if (not entry.get("party_id") or entry.get("edited")) else {}
        return PartyInput(role=entry["role"], party_id=entry.get("party_id"), fields=fields,
                          is_representative=bool(entry.get("is_representative")), sort=index)

    def apply_to_case(self, desk: Desk, case_id: str,
                      add_party: Callable, remove_party: Callable) -> None:
        """Save pending changes of an existing case, one step at a time (each step is kept)."""
        for index, entry in enumerate(list(self.entries)):
            if entry.get("removed") and entry.get("link_id"):
                remove_party(desk, case_id, entry["link_id"])
                self.entries.remove(entry)
        for index, entry in enumerate(self.entries):
            if entry.get("link_id") and not entry.get("edited"):
                continue
            link = add_party(desk, case_id, self._input(entry, index))
            if entry.get("link_id") and entry["link_id"] != link.id:
                remove_party(desk, case_id, entry["link_id"])  # the role changed: drop the old link
            entry.update(link_id=link.id, party_id=link.party_id, edited=False, orig_role=entry["role"],
                         orig_representative=entry.get("is_representative"),
                         original_fields=dict(entry["fields"]))
        self.refresh_table()

    def state(self) -> dict[str, Any]:
        return {"entries": self.entries, "form": self.form_values(), "role": self.role_combo.code(),
                "representative": self.rep_check.isChecked(), "picked": self._picked, "editing": self._editing}

    def set_state(self, state: dict[str, Any]) -> None:
        self.entries = [dict(e) for e in state.get("entries", [])]
        self.refresh_table()
        self._picked = state.get("picked")
        editing = state.get("editing")
        self._editing = editing if isinstance(editing, int) and 0 <= editing < len(self.entries) else None
        self._fill_form(state.get("form") or {})
        self.role_combo.set_code(state.get("role") or self.default_role())
        self.rep_check.setChecked(bool(state.get("representative")))
        if self._picked:
            self.picked_label.setText(f"已选用已登记的“{self._picked['fields'].get('name', '')}”。")
            self.picked_label.show()
        self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for widget in (self.form_box, self.search_edit, self.results, self.pick_button):
            widget.setEnabled(not read_only)
        self._update_buttons()
