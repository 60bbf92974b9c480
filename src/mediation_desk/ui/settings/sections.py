"""The sections of the 设置 page. Each is a form that reads through services, saves through
services (audited there) and shows refusals as Chinese messages next to the form."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QRadioButton, QSpinBox, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from ...domain import vocabularies as domain_vocab
from ...domain.deadlines import DeadlineRules, rule_fields
from ...domain.numbering import DEFAULT_PATTERNS, SCOPE_LABELS, example_number, validate_pattern
from ...domain.phone import check_phone
from ...services import desktop, organisation
from ...services import settings as settings_service
from ...services import vocab as vocab_service
from ...services.context import Desk
from .. import appearance, widgets

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #c00000;"
OK_STYLE = "color: #2e7d32;"
BASIS_LABELS = {"law": "法定", "practice": "惯例", "ours": "本系统"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Section(QWidget):
    """Base: a title, a short explanation, a message line; `changed` after a saved change."""

    changed = Signal()
    title = ""
    explanation = ""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(12, 8, 12, 8)
        self._fit_width()
        self.heading = QLabel(self.title)
        self._style_heading()
        self.layout_.addWidget(self.heading)
        if self.explanation:
            text = QLabel(self.explanation)
            text.setWordWrap(True)
            self.layout_.addWidget(text)
        self.message = QLabel()
        self.message.setObjectName("sectionMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _fit_width(self) -> None:
        # Very wide forms are hard to follow: keep labels and fields within ~60 characters.
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("中") * 60)

    def _style_heading(self) -> None:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # 字号 changed: follow it
            self._fit_width()
            self._style_heading()
            self.font_changed()

    def font_changed(self) -> None:
        """Hook for sections with tables sized to their text."""

    def finish(self, main: QWidget | None = None) -> None:
        """Add the message line; `main` (a list) takes the spare height, else the form stays on top."""
        self.layout_.addWidget(self.message)
        if main is not None:
            self.layout_.setStretchFactor(main, 1)
        else:
            self.layout_.addStretch(1)
        self.reload()

    def show_error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)

    def apply(self, action, ok_text: str) -> bool:
        """Run one service call: a refusal is shown in red and nothing changes; on success the
        section reloads, says `ok_text` and tells the page that settings changed."""
        try:
            action()
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.reload()
        self.show_ok(ok_text)
        self.changed.emit()
        return True

    def show_ok(self, text: str) -> None:
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText(text)

    def reload(self) -> None:  # pragma: no cover - overridden
        pass


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


# ---------------------------------------------------------------------------------- unit


class UnitSection(Section):
    title = "本单位"
    explanation = "单位名称印在文书和台账上；简称用于案件编号，例如简称“青”时编号为（2026）青调字第001号。"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：青石镇人民调解委员会")
        self.short_edit = QLineEdit()
        self.short_edit.setMaxLength(8)
        self.type_combo = QComboBox()
        for item in domain_vocab.items("unit_type"):
            self.type_combo.addItem(item.label, item.code)
        self.address_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.head_edit = QLineEdit()
        form.addRow("单位名称：", self.name_edit)
        form.addRow("简称（用于编号）：", self.short_edit)
        form.addRow("单位类型：", self.type_combo)
        form.addRow("地址：", self.address_edit)
        form.addRow("电话：", self.phone_edit)
        form.addRow("主要负责人：", self.head_edit)
        self.layout_.addLayout(form)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.layout_.addLayout(_buttons(self.save_button))
        self.finish()

    def reload(self) -> None:
        try:
            unit = organisation.get_unit(self.desk)
        except ValueError:
            return
        self.name_edit.setText(unit.name)
        self.short_edit.setText(unit.short_name)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(unit.unit_type), 0))
        self.address_edit.setText(unit.address)
        self.phone_edit.setText(unit.phone)
        self.head_edit.setText(unit.head_name)

    def save(self) -> bool:
        name = self.name_edit.text().strip()
        short = self.short_edit.text().strip()
        phone = self.phone_edit.text().strip()
        if not name:
            self.show_error("请填写单位名称。")
            return False
        if not short:
            self.show_error("请填写简称，编号里要用到。")
            return False
        if any(ch.isdigit() or ch.isspace() or ch in "{}" for ch in short):
            self.show_error("简称里不能有数字、空格或大括号。")
            return False
        if phone:
            check = check_phone(phone)
            if not check.valid:
                self.show_error(check.error or "电话号码格式不正确。")
                return False
            phone = check.normalized
        try:
            if organisation_has_unit(self.desk):
                organisation.update_unit(self.desk, name=name, short_name=short,
                                         unit_type=self.type_combo.currentData(),
                                         address=self.address_edit.text().strip(), phone=phone,
                                         head_name=self.head_edit.text().strip())
            else:
                organisation.init_unit(self.desk, name, short, self.type_combo.currentData())
                organisation.update_unit(self.desk, address=self.address_edit.text().strip(), phone=phone,
                                         head_name=self.head_edit.text().strip())
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.show_ok("已保存。")
        self.changed.emit()
        return True


def organisation_has_unit(desk: Desk) -> bool:
    return desktop.has_unit(desk)


# ---------------------------------------------------------------------------------- areas

_LEVEL_CHOICES = (("village", "村（社区）"), ("group", "组"), ("grid", "网格"), ("township", "镇（街道）"))


class AreasSection(Section):
    title = "村（社区）、组与网格"
    explanation = ("选中一个镇后添加村（社区）；选中一个村后添加组或网格。名称可以改，改名后原有案件自动显示新名称。")

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.tree = QTreeWidget()
        self.tree.setObjectName("areaTree")
        self.tree.setHeaderLabels(["名称", "级别", "拼音首字母"])
        self.tree.setMinimumHeight(self.fontMetrics().height() * 12)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.layout_.addWidget(self.tree)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("新名称，例如：南湾村")
        self.level_combo = QComboBox()
        for code, label in _LEVEL_CHOICES:
            self.level_combo.addItem(label, code)
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(self.add)
        self.name_edit.returnPressed.connect(self.add)
        self.rename_button = QPushButton("改名…")
        self.rename_button.clicked.connect(self.rename)
        row = QHBoxLayout()
        row.addWidget(QLabel("名称："))
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.level_combo)
        row.addWidget(self.add_button)
        row.addWidget(self.rename_button)
        self.layout_.addLayout(row)
        self.finish(self.tree)

    def reload(self) -> None:
        current = self.tree.currentItem()
        keep = current.data(0, ID_ROLE) if current is not None else None
        self.tree.clear()
        levels = {code: label for code, label in _LEVEL_CHOICES}
        levels["county"] = "县"

        def add(nodes, parent_item) -> None:
            for node in nodes:
                item = QTreeWidgetItem([node.area.name, levels.get(node.area.level, node.area.level),
                                        node.area.initials])
                item.setData(0, ID_ROLE, node.area.id)
                item.setData(1, ID_ROLE, node.area.level)
                if parent_item is None:
                    self.tree.addTopLevelItem(item)
                else:
                    parent_item.addChild(item)
                add(node.children, item)
                if node.area.id == keep:
                    selected.append(item)

        selected: list[QTreeWidgetItem] = []
        add(organisation.area_tree(self.desk), None)
        self.tree.expandAll()
        if selected:
            self.tree.setCurrentItem(selected[0])

    def _selected(self) -> tuple[str | None, str | None, QTreeWidgetItem | None]:
        item = self.tree.currentItem()
        if item is None:
            return None, None, None
        return item.data(0, ID_ROLE), item.data(1, ID_ROLE), item

    def _parent_for(self, level: str) -> tuple[str | None, str]:
        """(parent id, error) for a new area of `level`, from the selection."""
        area_id, area_level, item = self._selected()
        if level in ("group", "grid"):
            while item is not None and item.data(1, ID_ROLE) != "village":
                item = item.parent()
            if item is None:
                return None, "请先在上面选中要添加到的村（社区）。"
            return item.data(0, ID_ROLE), ""
        if level == "village":
            while item is not None and item.data(1, ID_ROLE) != "township":
                item = item.parent()
            if item is not None:
                return item.data(0, ID_ROLE), ""
            townships = organisation.list_areas(self.desk, "township")
            return (townships[0].id if townships else None), ""
        if level == "township":
            counties = organisation.list_areas(self.desk, "county")
            return (counties[0].id if counties else None), ""
        return None, ""

    def add(self) -> bool:
        name = self.name_edit.text().strip()
        level = self.level_combo.currentData()
        if not name:
            self.show_error("请先填写名称。")
            return False
        parent_id, problem = self._parent_for(level)
        if problem:
            self.show_error(problem)
            return False
        try:
            organisation.add_area(self.desk, name, level, parent_id)
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.name_edit.clear()
        self.reload()
        self.show_ok(f"已添加“{name}”。")
        self.changed.emit()
        return True

    def rename(self) -> bool:
        area_id, _level, item = self._selected()
        if area_id is None:
            self.show_error("请先选中要改名的地区。")
            return False
        name, ok = QInputDialog.getText(self, "改名", "新名称：", QLineEdit.EchoMode.Normal, item.text(0))
        if not ok or not name.strip():
            return False
        return self.apply(
            lambda: organisation.rename_area(self.desk, area_id, name.strip()),
            f"已改名为“{name.strip()}”。")


# ---------------------------------------------------------------------------------- staff


class StaffSection(Section):
    title = "工作人员"
    explanation = "调解员、记录人、包案领导、网格员等。选中一行可修改；不再工作的人员请“停用”，以前的案件仍显示其姓名。"

    COLUMNS = ("姓名", "角色", "职务", "电话", "所属村", "状态")

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("staffTable")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(self.fontMetrics().height() * 10)
        self.table.itemSelectionChanged.connect(self._selected_changed)
        self.layout_.addWidget(self.table)

        box = QGroupBox("人员信息")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name_edit = QLineEdit()
        self.post_edit = QLineEdit()
        self.post_edit.setPlaceholderText("例如：调解委员会主任、镇党委副书记")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("手机11位，或座机如 0571-87654321")
        self.area_combo = QComboBox()
        roles_box = QWidget()
        roles_layout = QGridLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        self.role_checks: dict[str, QCheckBox] = {}
        for index, item in enumerate(domain_vocab.items("staff_role")):
            check = QCheckBox(item.label)
            self.role_checks[item.code] = check
            roles_layout.addWidget(check, index // 3, index % 3)
        form.addRow("姓名：", self.name_edit)
        form.addRow("角色：", roles_box)
        form.addRow("职务：", self.post_edit)
        form.addRow("电话：", self.phone_edit)
        form.addRow("所属村（社区）：", self.area_combo)
        self.layout_.addWidget(box)
        self.add_button = QPushButton("添加为新人员")
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton("保存修改")
        self.save_button.clicked.connect(self.save)
        self.active_button = QPushButton("停用")
        self.active_button.clicked.connect(self.toggle_active)
        self.clear_button = QPushButton("清空表单")
        self.clear_button.clicked.connect(self.clear_form)
        self.layout_.addLayout(_buttons(self.add_button, self.save_button, self.active_button, self.clear_button))
        self._staff: list = []
        self.finish(self.table)

    def reload(self) -> None:
        self.area_combo.clear()
        self.area_combo.addItem("（不限）", None)
        for area in organisation.villages(self.desk):
            self.area_combo.addItem(area.name, area.id)
        villages = {a.id: a.name for a in organisation.list_areas(self.desk, active_only=False)}
        role_labels = {i.code: i.label for i in domain_vocab.items("staff_role")}
        self._staff = sorted(organisation.list_staff(self.desk, active_only=False),
                             key=lambda s: (not s.active, s.name))
        self.table.setRowCount(len(self._staff))
        for row, staff in enumerate(self._staff):
            values = [staff.name, "、".join(role_labels.get(r, r) for r in staff.roles or []), staff.post,
                      staff.phone, villages.get(staff.area_id, ""), "在岗" if staff.active else "已停用"]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(ID_ROLE, staff.id)
                self.table.setItem(row, column, cell)
        self.font_changed()
        self._selected_changed()

    def font_changed(self) -> None:
        self.table.resizeColumnsToContents()
        cap = self.fontMetrics().horizontalAdvance("中") * 10
        for column in range(self.table.columnCount() - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))

    def selected_staff(self):
        row = self.table.currentRow()
        if row < 0 or row >= len(self._staff) or not self.table.selectedItems():
            return None
        return self._staff[row]

    def _selected_changed(self) -> None:
        staff = self.selected_staff()
        self.save_button.setEnabled(staff is not None)
        self.active_button.setEnabled(staff is not None)
        if staff is None:
            return
        self.active_button.setText("停用" if staff.active else "重新启用")
        self.name_edit.setText(staff.name)
        self.post_edit.setText(staff.post)
        self.phone_edit.setText(staff.phone)
        for code, check in self.role_checks.items():
            check.setChecked(code in (staff.roles or []))
        self.area_combo.setCurrentIndex(max(self.area_combo.findData(staff.area_id), 0))

    def clear_form(self) -> None:
        self.table.clearSelection()
        self.table.setCurrentCell(-1, -1)
        for edit in (self.name_edit, self.post_edit, self.phone_edit):
            edit.clear()
        for check in self.role_checks.values():
            check.setChecked(False)
        self.area_combo.setCurrentIndex(0)
        self.message.clear()

    def _form(self) -> dict | None:
        name = self.name_edit.text().strip()
        if not name:
            self.show_error("请填写姓名。")
            self.name_edit.setFocus()
            return None
        roles = [code for code, check in self.role_checks.items() if check.isChecked()]
        if not roles:
            self.show_error("请至少选择一个角色（例如“调解员”）。")
            return None
        phone = self.phone_edit.text().strip()
        if phone:
            check = check_phone(phone)
            if not check.valid:
                self.show_error(f"电话号码不正确：{check.error}")
                self.phone_edit.setFocus()
                self.phone_edit.selectAll()
                return None
            phone = check.normalized
        return {"name": name, "roles": roles, "post": self.post_edit.text().strip(), "phone": phone,
                "area_id": self.area_combo.currentData()}

    def add(self) -> bool:
        data = self._form()
        if data is None:
            return False
        try:
            organisation.add_staff(self.desk, data["name"], data["roles"], post=data["post"], phone=data["phone"],
                                   area_id=data["area_id"])
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.reload()
        self.clear_form()
        self.show_ok(f"已添加工作人员“{data['name']}”。")
        self.changed.emit()
        return True

    def save(self) -> bool:
        staff = self.selected_staff()
        if staff is None:
            self.show_error("请先在上面选中要修改的人员。")
            return False
        data = self._form()
        if data is None:
            return False
        return self.apply(
            lambda: organisation.update_staff(self.desk, staff.id, **data),
            f"已保存“{data['name']}”的修改。")

    def toggle_active(self) -> bool:
        staff = self.selected_staff()
        if staff is None:
            return False
        return self.apply(
            lambda: organisation.update_staff(self.desk, staff.id, active=not staff.active),
            f"“{staff.name}”已{'停用' if staff.active else '重新启用'}。")


# ---------------------------------------------------------------------------------- vocabularies


class VocabSection(Section):
    title = "类别与词表"
    explanation = ("案件类别、案件来源等可以按本地需要添加；其他词表是法规或系统规定的，只能查看。"
                   "添加的类别要指明在统计报表中归入哪个一级类别。")

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.vocab_combo = QComboBox()
        for name, label in vocab_service.VOCAB_NAMES.items():
            suffix = "（可添加）" if name in vocab_service.EXTENDABLE else ""
            self.vocab_combo.addItem(label + suffix, name)
        self.vocab_combo.setCurrentIndex(max(self.vocab_combo.findData("category"), 0))
        self.vocab_combo.currentIndexChanged.connect(self.reload)
        row = QHBoxLayout()
        row.addWidget(QLabel("词表："))
        row.addWidget(self.vocab_combo, 1)
        self.layout_.addLayout(row)
        self.tree = QTreeWidget()
        self.tree.setObjectName("vocabTree")
        self.tree.setHeaderLabels(["名称", "统计归口", "来源"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setMinimumHeight(self.fontMetrics().height() * 12)
        self.layout_.addWidget(self.tree)

        self.add_box = QGroupBox("添加")
        form = QFormLayout(self.add_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("新名称")
        self.parent_combo = QComboBox()
        self.parent_combo.currentIndexChanged.connect(self._parent_changed)
        self.stats_combo = QComboBox()
        self.parent_label = QLabel("上级类别：")
        self.stats_label = QLabel("统计报表归入：")
        form.addRow("名称：", self.label_edit)
        form.addRow(self.parent_label, self.parent_combo)
        form.addRow(self.stats_label, self.stats_combo)
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(self.add)
        self.rename_button = QPushButton("改名…")
        self.rename_button.clicked.connect(self.rename)
        form.addRow(_buttons(self.add_button, self.rename_button))
        self.layout_.addWidget(self.add_box)
        self.finish(self.tree)

    def current_vocab(self) -> str:
        return self.vocab_combo.currentData()

    def reload(self, *_args) -> None:
        vocab = self.current_vocab()
        entries = vocab_service.entries(self.desk, vocab, active_only=False)
        labels = {e.code: e.label for e in entries}
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for entry in entries:
            stats = labels.get(entry.stats_code, "") if vocab == "category" else ""
            item = QTreeWidgetItem([entry.label, stats, "系统内置" if entry.builtin else "本单位添加"])
            item.setData(0, ID_ROLE, entry.code)
            parent = items.get(entry.parent)
            (parent.addChild(item) if parent is not None else self.tree.addTopLevelItem(item))
            items[entry.code] = item
        self.tree.expandAll()
        self.tree.setColumnHidden(1, vocab != "category")
        extendable = vocab in vocab_service.EXTENDABLE
        self.add_box.setVisible(True)
        self.add_button.setEnabled(extendable)
        self.label_edit.setEnabled(extendable)
        is_category = vocab == "category"
        for widget in (self.parent_combo, self.parent_label, self.stats_combo, self.stats_label):
            widget.setVisible(is_category)
        if is_category:
            self.parent_combo.blockSignals(True)
            self.parent_combo.clear()
            self.parent_combo.addItem("（作为一级类别）", "")
            for entry in entries:
                if not entry.parent:
                    self.parent_combo.addItem(entry.label, entry.code)
            self.parent_combo.blockSignals(False)
            self.stats_combo.clear()
            for entry in entries:
                if not entry.parent and entry.stats_code == entry.code:
                    self.stats_combo.addItem(entry.label, entry.code)
            self.stats_combo.setCurrentIndex(max(self.stats_combo.findData("other"), 0))
            self._parent_changed()

    def _parent_changed(self, *_args) -> None:
        self.stats_combo.setEnabled(not self.parent_combo.currentData())

    def add(self) -> bool:
        vocab = self.current_vocab()
        label = self.label_edit.text().strip()
        parent = self.parent_combo.currentData() if vocab == "category" else ""
        stats = self.stats_combo.currentData() if vocab == "category" and not parent else ""
        try:
            vocab_service.add_entry(self.desk, vocab, label, parent=parent or "", stats_code=stats or "")
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.label_edit.clear()
        self.reload()
        self.show_ok(f"已添加“{label}”。")
        self.changed.emit()
        return True

    def rename(self) -> bool:
        item = self.tree.currentItem()
        if item is None:
            self.show_error("请先选中要改名的词条。")
            return False
        name, ok = QInputDialog.getText(self, "改名", "新名称：", QLineEdit.EchoMode.Normal, item.text(0))
        if not ok or not name.strip():
            return False
        return self.apply(
            lambda: vocab_service.rename_entry(self.desk, self.current_vocab(), item.data(0, ID_ROLE), name),
            f"已改名为“{name.strip()}”。")


# ---------------------------------------------------------------------------------- deadlines


class DeadlinesSection(Section):
    title = "期限规则与节假日"
    explanation = ("“法定”一栏的数字来自法律法规，一般不要改；“惯例”和“本系统”可按本地做法调整。"
                   "节假日用于按工作日计算的期限，以及期限最后一日逢节假日顺延。每行一个日期，如 2026-10-01。")

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        grid = QGridLayout()
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(12)
        self.editors: dict[str, QSpinBox | QCheckBox] = {}
        for row, field in enumerate(rule_fields()):
            label = QLabel(field.label)
            label.setWordWrap(True)
            basis = QLabel(BASIS_LABELS.get(field.basis, field.basis))
            basis.setToolTip({"law": "法律法规规定", "practice": "各地通行做法，可调整",
                              "ours": "本软件的提醒设置"}.get(field.basis, ""))
            if isinstance(field.default, bool):
                editor: QSpinBox | QCheckBox = QCheckBox("是")
            else:
                editor = QSpinBox()
                editor.setRange(field.minimum, field.maximum)
            self.editors[field.name] = editor
            grid.addWidget(label, row, 0)
            grid.addWidget(editor, row, 1)
            grid.addWidget(basis, row, 2)
        self.layout_.addLayout(grid)
        self.save_button = QPushButton("保存期限规则")
        self.save_button.clicked.connect(self.save_rules)
        self.default_button = QPushButton("恢复默认值")
        self.default_button.clicked.connect(self.restore_defaults)
        self.layout_.addLayout(_buttons(self.save_button, self.default_button))

        holidays = QGroupBox("节假日与调休")
        h_layout = QGridLayout(holidays)
        self.holidays_edit = QPlainTextEdit()
        self.holidays_edit.setPlaceholderText("放假的日期，每行一个\n2026-10-01\n2026-10-02")
        self.workdays_edit = QPlainTextEdit()
        self.workdays_edit.setPlaceholderText("调休上班的周末，每行一个\n2026-10-10")
        for edit in (self.holidays_edit, self.workdays_edit):
            edit.setMinimumHeight(self.fontMetrics().height() * 6)
        h_layout.addWidget(QLabel("节假日："), 0, 0)
        h_layout.addWidget(QLabel("调休上班日："), 0, 1)
        h_layout.addWidget(self.holidays_edit, 1, 0)
        h_layout.addWidget(self.workdays_edit, 1, 1)
        self.holiday_button = QPushButton("保存节假日")
        self.holiday_button.clicked.connect(self.save_holidays)
        h_layout.addLayout(_buttons(self.holiday_button), 2, 0, 1, 2)
        self.layout_.addWidget(holidays)
        self.finish()

    def reload(self) -> None:
        value = settings_service.get(self.desk, settings_service.DEADLINES_KEY, {}) or {}
        try:
            rules = DeadlineRules.from_settings(value)
        except ValueError:
            rules = DeadlineRules()
        self._show_rules(rules)
        holidays = settings_service.get(self.desk, settings_service.HOLIDAYS_KEY, {}) or {}
        self.holidays_edit.setPlainText("\n".join(holidays.get("holidays", [])))
        self.workdays_edit.setPlainText("\n".join(holidays.get("workdays", [])))

    def _show_rules(self, rules: DeadlineRules) -> None:
        for name, editor in self.editors.items():
            value = getattr(rules, name)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            else:
                editor.setValue(int(value))

    def values(self) -> dict:
        return {name: (editor.isChecked() if isinstance(editor, QCheckBox) else editor.value())
                for name, editor in self.editors.items()}

    def save_rules(self) -> bool:
        try:
            settings_service.put(self.desk, settings_service.DEADLINES_KEY, self.values())
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.show_ok("期限规则已保存。新登记或修改的案件按新规则计算期限。")
        self.changed.emit()
        return True

    def restore_defaults(self) -> None:
        self._show_rules(DeadlineRules())
        self.show_ok("已填入默认值，点“保存期限规则”后生效。")

    @staticmethod
    def _dates(text: str) -> tuple[list[str], list[str]]:
        good, bad = [], []
        for line in text.replace("，", "\n").replace(",", "\n").splitlines():
            line = line.strip().replace("/", "-").replace(".", "-")
            if not line:
                continue
            try:
                good.append(date.fromisoformat(line).isoformat())
            except ValueError:
                bad.append(line)
        return sorted(set(good)), bad

    def save_holidays(self) -> bool:
        holidays, bad1 = self._dates(self.holidays_edit.toPlainText())
        workdays, bad2 = self._dates(self.workdays_edit.toPlainText())
        if bad1 or bad2:
            self.show_error("这些日期看不懂，请写成 2026-10-01 这样的格式：" + "、".join(bad1 + bad2))
            return False
        both = set(holidays) & set(workdays)
        if both:
            self.show_error("同一天不能既是节假日又是调休上班日：" + "、".join(sorted(both)))
            return False
        try:
            settings_service.put(self.desk, settings_service.HOLIDAYS_KEY,
                                 {"holidays": holidays, "workdays": workdays})
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.holidays_edit.setPlainText("\n".join(holidays))
        self.workdays_edit.setPlainText("\n".join(workdays))
        self.show_ok(f"节假日已保存（{len(holidays)} 个节假日，{len(workdays)} 个调休上班日）。")
        self.changed.emit()
        return True


# ---------------------------------------------------------------------------------- numbering


class NumberingSection(Section):
    title = "编号规则"
    explanation = ("{year} 为年份，{short} 为单位简称，{seq} 为序号（{seq:03d} 表示补足三位，如 001）。"
                   "编号按年度顺序分配，作废的编号不会重复使用。修改只影响以后分配的编号。")

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.edits: dict[str, QLineEdit] = {}
        self.examples: dict[str, QLabel] = {}
        for row, (scope, label) in enumerate(SCOPE_LABELS.items()):
            edit = QLineEdit()
            example = QLabel()
            example.setWordWrap(True)
            edit.textChanged.connect(lambda _t, s=scope: self._update_example(s))
            self.edits[scope] = edit
            self.examples[scope] = example
            grid.addWidget(QLabel(label + "："), row * 2, 0)
            grid.addWidget(edit, row * 2, 1)
            grid.addWidget(example, row * 2 + 1, 1)
        self.layout_.addLayout(grid)
        self.save_button = QPushButton("保存编号规则")
        self.save_button.clicked.connect(self.save)
        self.default_button = QPushButton("恢复默认")
        self.default_button.clicked.connect(self.restore_defaults)
        self.layout_.addLayout(_buttons(self.save_button, self.default_button))
        self.finish()

    def _short(self) -> str:
        try:
            return organisation.get_unit(self.desk).short_name or "某"
        except ValueError:
            return "某"

    def _update_example(self, scope: str) -> None:
        pattern = self.edits[scope].text().strip()
        label = self.examples[scope]
        try:
            validate_pattern(pattern)
            label.setStyleSheet("")
            label.setText("示例：" + example_number(pattern, self._short()))
        except ValueError as error:
            label.setStyleSheet(ERROR_STYLE)
            label.setText(str(error))

    def reload(self) -> None:
        stored = settings_service.get(self.desk, settings_service.NUMBERING_KEY, {}) or {}
        patterns = dict(DEFAULT_PATTERNS)
        patterns.update(stored)
        for scope, edit in self.edits.items():
            edit.setText(patterns.get(scope, ""))
            self._update_example(scope)

    def restore_defaults(self) -> None:
        for scope, edit in self.edits.items():
            edit.setText(DEFAULT_PATTERNS.get(scope, ""))
        self.show_ok("已填入默认格式，点“保存编号规则”后生效。")

    def save(self) -> bool:
        patterns = {scope: edit.text().strip() for scope, edit in self.edits.items()}
        for scope, pattern in patterns.items():
            try:
                validate_pattern(pattern)
            except ValueError as error:
                self.show_error(f"{SCOPE_LABELS[scope]}：{error}")
                self.edits[scope].setFocus()
                return False
        try:
            settings_service.put(self.desk, settings_service.NUMBERING_KEY, patterns)
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.show_ok("编号规则已保存。")
        self.changed.emit()
        return True


# ---------------------------------------------------------------------------------- backup

_REASONS = {"manual": "手动", "auto": "自动", "auto-exit": "退出时自动", "before-restore": "恢复前"}


class BackupSection(Section):
    title = "备份"
    explanation = ("程序退出时、以及每天第一次有改动时自动备份，按日、周、月保留。"
                   "建议把备份文件夹设在另一个磁盘或U盘上；留空则放在数据文件旁边的“backups”文件夹。")

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("（默认：数据文件旁边的 backups 文件夹）")
        browse = QPushButton("选择…")
        browse.clicked.connect(self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.daily = QSpinBox()
        self.weekly = QSpinBox()
        self.monthly = QSpinBox()
        for spin, suffix in ((self.daily, " 份（每天一份）"), (self.weekly, " 份（每周一份）"), (self.monthly, " 份（每月一份）")):
            spin.setRange(0, 366)
            spin.setSuffix(suffix)
        form.addRow("备份文件夹：", folder_row)
        form.addRow("保留最近每日备份：", self.daily)
        form.addRow("保留每周备份：", self.weekly)
        form.addRow("保留每月备份：", self.monthly)
        self.layout_.addLayout(form)
        self.save_button = QPushButton("保存备份设置")
        self.save_button.clicked.connect(self.save)
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.layout_.addLayout(_buttons(self.save_button, self.backup_button))
        self.last_label = QLabel()
        self.layout_.addWidget(self.last_label)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["备份时间", "方式", "大小"])
        self.list.setRootIsDecorated(False)
        self.list.setMinimumHeight(self.fontMetrics().height() * 8)
        self.layout_.addWidget(self.list)
        self.finish(self.list)

    def reload(self) -> None:
        policy = desktop.backup_policy(self.desk)
        self.folder_edit.setText(str(policy.folder) if policy.folder else "")
        self.daily.setValue(policy.keep_daily)
        self.weekly.setValue(policy.keep_weekly)
        self.monthly.setValue(policy.keep_monthly)
        folder = desktop.backup_folder(self.desk)
        self.last_label.setText(f"备份位置：{folder}" if folder else "")
        self.list.clear()
        try:
            backups = desktop.list_backups(self.desk)
        except Exception:  # noqa: BLE001
            log.exception("list backups")
            backups = []
        for info in backups[:50]:
            self.list.addTopLevelItem(QTreeWidgetItem([
                info.made_at.strftime("%Y-%m-%d %H:%M"), _REASONS.get(info.reason, info.reason or "—"),
                f"{info.size / 1024 / 1024:.1f} MB"]))

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择备份文件夹", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def save(self) -> bool:
        try:
            desktop.set_backup_policy(self.desk, folder=self.folder_edit.text(), keep_daily=self.daily.value(),
                                      keep_weekly=self.weekly.value(), keep_monthly=self.monthly.value())
        except ValueError as error:
            self.show_error(str(error))
            return False
        self.reload()
        self.show_ok("备份设置已保存。")
        self.changed.emit()
        return True

    def backup_now(self) -> bool:
        try:
            with widgets.busy():
                path = desktop.backup_now(self.desk)
        except (ValueError, desktop.StoreError) as error:
            self.show_error(str(error))
            return False
        self.reload()
        self.show_ok(f"已备份到：{path}")
        self.changed.emit()
        return True


# ---------------------------------------------------------------------------------- text size


class TextSizeSection(Section):
    title = "字号"
    explanation = "觉得字太小看不清，可以选大一些的字号，所有窗口立即变化。这个设置只对这台电脑有效。"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label, points in appearance.TEXT_SIZES:
            button = QRadioButton(label)
            font = button.font()
            font.setPointSizeF(points)
            button.setFont(font)
            self.group.addButton(button)
            self.buttons[key] = button
            button.toggled.connect(lambda checked, k=key: checked and self.choose(k))
            self.layout_.addWidget(button)
        self.sample = QLabel("示例：申请人张三与被申请人李四因宅基地边界发生纠纷，经调解达成协议。")
        self.sample.setWordWrap(True)
        self.layout_.addWidget(self.sample)
        self.finish()

    def reload(self) -> None:
        current = appearance.text_size_key()
        button = self.buttons.get(current)
        if button is not None and not button.isChecked():
            button.blockSignals(True)
            button.setChecked(True)
            button.blockSignals(False)

    def choose(self, key: str) -> None:
        if key == appearance.text_size_key() and self.sender() is None:
            return
        window = self.window()
        if hasattr(window, "set_text_size"):
            window.set_text_size(key)
        else:
            appearance.set_text_size(key)
        for k, button in self.buttons.items():  # keep each choice in its own size
            font = button.font()
            font.setPointSizeF(appearance.point_size(k))
            button.setFont(font)
        self.show_ok("字号已改变。")
