"""Dialogs of the 信访 page: registering a petition (with everyone who came and the elected
representatives), the workflow steps (受理, 延期办理, 出具处理意见 …) and the repeat-petition
question. No SQL here: the page calls services.petitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ...services.petitions import RepeatCandidate
from ..cases.fields import ERROR_COLOUR, HINT_COLOUR, CodeCombo, DateField, TextBox, parse_date_text
from .. import widgets

# ------------------------------------------------------------------ a generic step dialog


@dataclass
class FieldSpec:
    name: str
    label: str
    kind: str = "line"  # line | text | date | combo | spin
    default: Any = None
    items: Sequence[tuple[str, str]] = ()
    hint: str = ""
    required: bool = False
    minimum: int = 0
    maximum: int = 999
    suffix: str = ""
    empty: str | None = None  # combos: the label of an empty first entry (a choice must be made)


@dataclass
class ActionSpec:
    key: str
    button: str  # 受理…
    title: str  # dialog title
    fields: list[FieldSpec] = field(default_factory=list)
    intro: str = ""


class ActionDialog(QDialog):
    """A small form for one workflow step; ``values()`` gives what was entered (dates as ``date``)."""

    def __init__(self, spec: ActionSpec, parent: QWidget | None = None,
                 submit: Callable[[dict[str, Any]], bool] | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._submit = submit
        self.setObjectName(f"petition_{spec.key}_dialog")
        self.setWindowTitle(spec.title)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 34)
        outer = QVBoxLayout(self)
        if spec.intro:
            intro = QLabel(spec.intro)
            intro.setWordWrap(True)
            intro.setStyleSheet(f"color:{HINT_COLOUR}")
            outer.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.widgets: dict[str, QWidget] = {}
        for f in spec.fields:
            w = self._widget(f)
            w.setObjectName(f.name)
            self.widgets[f.name] = w
            label = f.label + ("（必填）" if f.required else "")
            if f.hint:
                box = QWidget()
                lay = QVBoxLayout(box)
                lay.setContentsMargins(0, 0, 0, 0)
                lay.setSpacing(2)
                lay.addWidget(w)
                hint = QLabel(f.hint)
                hint.setWordWrap(True)
                hint.setStyleSheet(f"color:{HINT_COLOUR}")
                lay.addWidget(hint)
                form.addRow(label, box)
            else:
                form.addRow(label, w)
        outer.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color:{ERROR_COLOUR}")
        self.error_label.hide()
        outer.addWidget(self.error_label)
        buttons = widgets.dialog_buttons(self, "确定")
        outer.addWidget(buttons)

    @staticmethod
    def _widget(f: FieldSpec) -> QWidget:
        if f.kind == "date":
            w = DateField()
            w.set_value(f.default)
            return w
        if f.kind == "text":
            w = TextBox(lines=3)
            w.setText(f.default or "")
            return w
        if f.kind == "combo":
            w = CodeCombo(empty_label=f.empty)
            w.set_items(list(f.items))
            if f.default:
                w.set_code(f.default)
            return w
        if f.kind == "spin":
            w = QSpinBox()
            w.setRange(f.minimum, f.maximum)
            w.setValue(int(f.default or f.minimum))
            if f.suffix:
                w.setSuffix(f.suffix)
            return w
        w = QLineEdit()
        w.setText(f.default or "")
        return w

    def set_value(self, name: str, value: Any) -> None:
        """Fill a field (tests and callers; Chinese text goes in with setText, never typed)."""
        w = self.widgets[name]
        if isinstance(w, DateField):
            w.set_value(value)
        elif isinstance(w, CodeCombo):
            w.set_code(value)
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        else:
            w.setText(value)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.spec.fields:
            w = self.widgets[f.name]
            if isinstance(w, DateField):
                out[f.name] = parse_date_text(w.text())
            elif isinstance(w, CodeCombo):
                out[f.name] = w.code()
            elif isinstance(w, QSpinBox):
                out[f.name] = w.value()
            elif isinstance(w, TextBox):
                out[f.name] = w.toPlainText().strip()
            else:
                out[f.name] = w.text().strip()
        return out

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:  # noqa: D401 - Qt API
        try:
            values = self.values()
        except ValueError as error:
            self.show_error(str(error))
            return
        for f in self.spec.fields:
            if f.required and values.get(f.name) in (None, ""):
                self.show_error(f"请填写{f.label}。")
                return
        if self._submit is not None and not self._submit(values):
            return
        super().accept()


# ------------------------------------------------------------------ registering a petition

PEOPLE_COLUMNS = ("姓名", "身份证号", "联系电话", "住址", "推选代表")
COL_NAME, COL_ID, COL_PHONE, COL_ADDRESS, COL_REP = range(len(PEOPLE_COLUMNS))


class RegisterPetitionDialog(QDialog):
    """登记信访事项: how it came, its type, the matter and claims, and everyone who came."""

    def __init__(self, today: date, *, types: Sequence[tuple[str, str]], channels: Sequence[tuple[str, str]],
                 villages: Sequence[tuple[str, str]], staff: Sequence[tuple[str, str]], max_representatives: int = 5,
                 parent: QWidget | None = None, submit: Callable[[dict[str, Any]], bool] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("register_petition_dialog")
        self.setWindowTitle("登记信访事项")
        self._submit = submit
        self.max_representatives = max_representatives
        em = self.fontMetrics().horizontalAdvance("中")
        self.setMinimumWidth(em * 52)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.channel_combo = CodeCombo(empty_label="（请选择）")
        self.channel_combo.setObjectName("channel")
        self.channel_combo.set_items(list(channels))
        self.type_combo = CodeCombo(empty_label="（请选择）")
        self.type_combo.setObjectName("petition_type")
        self.type_combo.set_items(list(types))
        self.received_field = DateField()
        self.received_field.setObjectName("received_on")
        self.received_field.set_value(today)
        row = QHBoxLayout()
        for label, w in (("信访形式", self.channel_combo), ("信访类型", self.type_combo), ("收到日期", self.received_field)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addStretch(1)
        form.addRow(row)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText("如：东山村村民反映征地补偿款未足额发放问题")
        form.addRow("事由（必填）", self.title_edit)
        self.claims_edit = TextBox(lines=2, placeholder="信访人的具体请求")
        self.claims_edit.setObjectName("claims")
        form.addRow("主要诉求", self.claims_edit)
        self.description_edit = TextBox(lines=2, placeholder="反映的主要事实和理由")
        self.description_edit.setObjectName("description")
        form.addRow("基本情况", self.description_edit)
        self.received_from_edit = QLineEdit()
        self.received_from_edit.setObjectName("received_from")
        self.received_from_edit.setPlaceholderText("上级转送、交办的填写转来单位；直接来信来访的不填")
        form.addRow("转来/交办单位", self.received_from_edit)
        row2 = QHBoxLayout()
        self.village_combo = CodeCombo(empty_label="（未选）")
        self.village_combo.setObjectName("area_id")
        self.village_combo.set_items(list(villages))
        self.handler_combo = CodeCombo(empty_label="（未定）")
        self.handler_combo.setObjectName("mediator_id")
        self.handler_combo.set_items(list(staff))
        self.level_skipping_box = QCheckBox("越级访")
        self.level_skipping_box.setObjectName("is_level_skipping")
        self.level_skipping_box.setToolTip("越过本级直接到上级机关走访的，标记后关联原信访事项，不计入新信访事项")
        for label, w in (("村（社区）", self.village_combo), ("承办人", self.handler_combo)):
            row2.addWidget(QLabel(label))
            row2.addWidget(w)
        row2.addWidget(self.level_skipping_box)
        row2.addStretch(1)
        form.addRow(row2)
        outer.addLayout(form)

        head = QHBoxLayout()
        head.addWidget(QLabel("信访人（多人走访请全部登记，并勾选推选的代表，代表不超过"
                              f"{max_representatives}人）"))
        head.addStretch(1)
        self.add_button = QPushButton("添加一人")
        self.add_button.setObjectName("add_person")
        self.add_button.clicked.connect(lambda: self.add_person())
        self.remove_button = QPushButton("删除所选")
        self.remove_button.setObjectName("remove_person")
        self.remove_button.clicked.connect(self.remove_selected)
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        outer.addLayout(head)
        self.people = QTableWidget(0, len(PEOPLE_COLUMNS))
        self.people.setObjectName("people")
        self.people.setHorizontalHeaderLabels(list(PEOPLE_COLUMNS))
        self.people.verticalHeader().setVisible(False)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.people.horizontalHeader()
        for col, chars in ((COL_NAME, 6), (COL_ID, 12), (COL_PHONE, 8), (COL_REP, 5)):
            header.resizeSection(col, em * chars)
        header.setSectionResizeMode(COL_ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.people.setMinimumHeight(self.fontMetrics().height() * 8)
        outer.addWidget(self.people, 1)
        count_row = QHBoxLayout()
        count_row.addWidget(QLabel("涉及人数"))
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("people_involved")
        self.count_spin.setRange(0, 100000)
        self.count_spin.setSuffix(" 人")
        self.count_spin.setToolTip("未逐一登记姓名的人也算在内；不填按登记的人数计")
        count_row.addWidget(self.count_spin)
        count_row.addStretch(1)
        outer.addLayout(count_row)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color:{ERROR_COLOUR}")
        self.error_label.hide()
        outer.addWidget(self.error_label)
        buttons = widgets.dialog_buttons(self, "登记")
        outer.addWidget(buttons)
        self.add_person()

    # -------------------------------------------------------------- people
    def add_person(self, name: str = "", id_number: str = "", phone: str = "", address: str = "",
                   representative: bool = False) -> int:
        row = self.people.rowCount()
        self.people.insertRow(row)
        for col, text in ((COL_NAME, name), (COL_ID, id_number), (COL_PHONE, phone), (COL_ADDRESS, address)):
            self.people.setItem(row, col, QTableWidgetItem(text))
        rep = QTableWidgetItem("代表")
        rep.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        rep.setCheckState(Qt.CheckState.Checked if representative else Qt.CheckState.Unchecked)
        self.people.setItem(row, COL_REP, rep)
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.people.selectedIndexes()}, reverse=True)
        for r in rows:
            self.people.removeRow(r)

    def people_values(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.people.rowCount()):
            def cell(col: int) -> str:
                item = self.people.item(r, col)
                return item.text().strip() if item else ""

            name = cell(COL_NAME)
            if not name and not cell(COL_ID):
                continue
            rep = self.people.item(r, COL_REP)
            out.append({"name": name, "id_number": cell(COL_ID), "phone": cell(COL_PHONE), "address": cell(COL_ADDRESS),
                        "is_representative": bool(rep and rep.checkState() == Qt.CheckState.Checked)})
        return out

    # -------------------------------------------------------------- values
    def values(self) -> dict[str, Any]:
        return {
            "channel": self.channel_combo.code(), "petition_type": self.type_combo.code(),
            "received_on": parse_date_text(self.received_field.text()), "title": self.title_edit.text().strip(),
            "claims": self.claims_edit.toPlainText().strip(), "description": self.description_edit.toPlainText().strip(),
            "received_from": self.received_from_edit.text().strip(), "area_id": self.village_combo.code() or None,
            "mediator_id": self.handler_combo.code() or None, "people_involved": self.count_spin.value(),
            "is_level_skipping": self.level_skipping_box.isChecked(), "people": self.people_values(),
        }

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:  # noqa: D401 - Qt API
        try:
            values = self.values()
        except ValueError as error:
            self.show_error(str(error))
            return
        if not values["title"]:
            self.show_error("请填写事由。")
            return
        if not values["people"]:
            self.show_error("请至少登记一名信访人。")
            return
        if any(not p["name"] for p in values["people"]):
            self.show_error("每位信访人都要填写姓名。")
            return
        reps = sum(1 for p in values["people"] if p["is_representative"])
        if reps > self.max_representatives:
            self.show_error(f"推选的代表不能超过{self.max_representatives}人，现在勾选了{reps}人。")
            return
        if self._submit is not None and not self._submit(values):
            return
        super().accept()


# ------------------------------------------------------------------ repeat petitions


def choose_repeat(parent: QWidget | None, candidates: Sequence[RepeatCandidate]) -> str | None:
    """Ask what to do when the new petition looks like a repeat: "link" (关联原信访事项, not a new
    petition), "new" (登记为新信访事项) or None (go back to the form)."""
    best = candidates[0]
    lines = [f"{c.original_number}“{c.original_title}”——{c.reason}" for c in candidates[:3]]
    text = ("这位信访人以前反映过相似的问题，可能是重复信访：\n\n" + "\n".join(lines) +
            f"\n\n关联到原信访事项 {best.original_number}（标记为重复信访，不计入新信访事项），还是登记为新的信访事项？")
    if best.no_longer_accepted:
        text += "\n\n原信访事项已经复核终结：关联后将按“不再受理”登记，并可打印不再受理告知书。"
    box = QMessageBox(QMessageBox.Icon.Question, "可能是重复信访", text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
                      parent)
    box.setObjectName("repeat_question")
    box.button(QMessageBox.StandardButton.Yes).setText("关联原信访事项")
    box.button(QMessageBox.StandardButton.No).setText("登记为新信访事项")
    box.button(QMessageBox.StandardButton.Cancel).setText("返回修改")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Yes:
        return "link"
    if answer == QMessageBox.StandardButton.No:
        return "new"
    return None
