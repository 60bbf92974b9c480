"""设置: everything a unit changes without a developer. Sections on the left, each one a form on
the right (in a scroll area, so nothing is cut off on a small screen or with large text).
Every change goes through a service and is audited."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from ...services.context import Desk
from .. import widgets
from . import sections


class SettingsPage(QWidget):
    """Container of the settings sections; `changed` fires after any saved change."""

    changed = Signal()

    SECTIONS = (
        ("unit", "本单位", sections.UnitSection),
        ("areas", "村（社区）与网格", sections.AreasSection),
        ("staff", "工作人员", sections.StaffSection),
        ("vocab", "类别与词表", sections.VocabSection),
        ("deadlines", "期限规则与节假日", sections.DeadlinesSection),
        ("numbering", "编号规则", sections.NumberingSection),
        ("backup", "备份", sections.BackupSection),
        ("text_size", "字号", sections.TextSizeSection),
    )

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.desk = desk
        self.list = QListWidget()
        self.list.setObjectName("settingsSections")
        self.list.setSpacing(3)
        self.stack = QStackedWidget()
        self.sections: dict[str, sections.Section] = {}
        for key, label, cls in self.SECTIONS:
            section = cls(desk)
            section.changed.connect(self.changed)
            self.sections[key] = section
            self.stack.addWidget(widgets.scrolling(section))
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self._size_list()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.setCurrentRow(0)

    def _size_list(self) -> None:
        metrics = self.list.fontMetrics()
        width = max(metrics.horizontalAdvance(label) for _k, label, _c in self.SECTIONS)
        self.list.setFixedWidth(width + metrics.horizontalAdvance("中") * 2 + 8)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._size_list()

    def show_section(self, key: str) -> sections.Section:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentRow(row)
        return self.sections[key]

    def reload(self) -> None:
        for section in self.sections.values():
            section.reload()
