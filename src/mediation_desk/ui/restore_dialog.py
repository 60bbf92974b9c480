"""从备份恢复: pick one of the backups (newest first) or another backup file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from ..services import desktop

_REASONS = {"manual": "手动备份", "auto": "自动备份", "auto-exit": "退出时自动备份", "before-restore": "恢复前的备份"}
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class RestoreDialog(QDialog):
    def __init__(self, backups: list, folder: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.chosen: Path | None = None
        self._folder = folder
        text = QLabel("选择要恢复的备份。恢复前会先把现在的数据另存一份，万一选错了还能找回。")
        text.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["备份时间", "方式", "大小"])
        self.list.setRootIsDecorated(False)
        for info in backups:
            item = QTreeWidgetItem([info.made_at.strftime("%Y-%m-%d %H:%M:%S"),
                                    _REASONS.get(info.reason, info.reason or "—"),
                                    f"{info.size / 1024 / 1024:.1f} MB"])
            item.setData(0, PATH_ROLE, str(info.path))
            item.setToolTip(0, str(info.path))
            self.list.addTopLevelItem(item)
        if backups:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        else:
            empty = QTreeWidgetItem(["（备份文件夹里还没有备份）"])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addTopLevelItem(empty)
        self.list.itemActivated.connect(lambda *_a: self.choose_selected())
        for column in range(3):
            self.list.resizeColumnToContents(column)
        other = QPushButton("选择其他备份文件…")
        other.clicked.connect(self.choose_file)
        restore = QPushButton("恢复所选备份")
        restore.setDefault(True)
        restore.setEnabled(bool(backups))
        restore.clicked.connect(self.choose_selected)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(other)
        buttons.addStretch(1)
        buttons.addWidget(restore)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        char = self.fontMetrics().horizontalAdvance("中")
        self.resize(char * 36, self.fontMetrics().height() * 20)

    def choose_selected(self) -> None:
        item = self.list.currentItem()
        if item is None or not item.data(0, PATH_ROLE):
            return
        self.chosen = Path(item.data(0, PATH_ROLE))
        self.accept()

    def choose_file(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(self._folder or ""), "调解工作台备份 (*.sqlite);;所有文件 (*)")
        if path:
            self.chosen = Path(path)
            self.accept()


def ask_backup(desk, parent: QWidget | None = None) -> Path | None:
    try:
        backups = desktop.list_backups(desk)
    except Exception:  # noqa: BLE001 — an unreadable folder still allows choosing a file
        backups = []
    dialog = RestoreDialog(backups, desktop.backup_folder(desk), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen


def ask_backup_for_file(db_path: Path, parent: QWidget | None = None) -> Path | None:
    """When the data file cannot be opened: offer the backups in its default backup folder."""
    folder = Path(db_path).parent / "backups"
    try:
        backups = desktop.list_backups_in(folder)
    except Exception:  # noqa: BLE001
        backups = []
    dialog = RestoreDialog(backups, folder, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen
