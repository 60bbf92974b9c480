"""Printing from a case: the 打印 menu, the preview dialog and the whole archive.

Wire it from the case editor or the main window with one call::

    from mediation_desk.ui.printing import open_print_menu
    open_print_menu(self, self.desk, case_id)          # e.g. from a "打印…" button

The menu lists every mediation document (those that do not apply to the case are greyed out
with the reason as a tooltip), 整本卷宗…, and the documents printed before (to re-open them).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QAction, QCursor, QDesktopServices
from PySide6.QtWidgets import QMenu, QWidget

from ...documents import catalogue
from ...services import printing
from ...services.context import Desk, ServiceError
from ..widgets import busy, confirm, error
from .preview import PrintPreviewDialog

__all__ = ["PrintPreviewDialog", "build_print_menu", "open_print_menu", "show_preview", "print_archive"]

RECENT = 10


def show_preview(parent: QWidget | None, desk: Desk, case_id: str, name: str, *, mask: bool = False) -> PrintPreviewDialog:
    """Open the preview of one document (non-modal) and return it."""
    dialog = PrintPreviewDialog(desk, case_id, name, parent, mask=mask)
    dialog.show()
    return dialog


def print_archive(parent: QWidget | None, desk: Desk, case_id: str, *, ask: bool = True) -> PrintPreviewDialog | None:
    """Build the whole archive of the case (allocating its 卷号 the first time, after asking) into
    the documents folder and open its preview."""
    view = printing.case_view(desk, case_id)
    if ask and not view.archive_number:
        if not confirm(parent, "将为本案分配卷号（分配后不再改变），并按立卷顺序生成整本卷宗。继续吗？", "生成卷宗", yes="生成"):
            return None
    out = printing.suggested_path(desk, case_id, printing.ARCHIVE_DOC_TYPE, ".pdf")
    try:
        with busy():
            result = printing.build_archive(desk, case_id, out)
    except ServiceError as exc:
        error(parent, str(exc), "不能生成卷宗")
        return None
    dialog = PrintPreviewDialog(desk, case_id, None, parent, archive=result)
    dialog.show()
    return dialog


def _open_generated(parent: QWidget | None, desk: Desk, record_id: str) -> None:
    try:
        found = printing.reopen(desk, record_id)
    except ServiceError as exc:
        error(parent, str(exc))
        return
    if found.state == "missing":
        error(parent, found.message, "找不到文件")
        return
    if found.state == "changed":
        error(parent, found.message + "\n仍将打开该文件。", "文件已被修改")
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(found.path)))


def build_print_menu(parent: QWidget | None, desk: Desk, case_id: str) -> QMenu:
    """The 打印 menu of a case (see the module docstring)."""
    menu = QMenu("打印", parent)
    menu.setObjectName("print_menu")
    menu.setToolTipsVisible(True)
    try:
        choices = printing.document_choices(desk, case_id)
    except ServiceError as exc:
        action = menu.addAction(str(exc))
        action.setEnabled(False)
        return menu
    for choice in choices:
        if choice.archive_only:
            continue
        action = QAction(choice.label + ("" if choice.ok else "（不适用）"), menu)
        action.setObjectName(f"print_{choice.name}")
        action.setData(choice.name)
        action.setEnabled(choice.ok)
        action.setToolTip(choice.title if choice.ok else choice.reason)
        action.setStatusTip(choice.reason)
        action.triggered.connect(lambda _c=False, n=choice.name: show_preview(parent, desk, case_id, n))
        menu.addAction(action)
    menu.addSeparator()
    archive = QAction("整本卷宗（封面、目录、文书、附件）…", menu)
    archive.setObjectName("print_archive")
    archive.triggered.connect(lambda _c=False: print_archive(parent, desk, case_id))
    menu.addAction(archive)
    for name in ("archive_cover", "archive_contents", "back_cover"):
        c = next(ch for ch in choices if ch.name == name)
        action = QAction(f"单独打印{c.label}", menu)
        action.setObjectName(f"print_{name}")
        action.setEnabled(c.ok)
        action.setToolTip(c.reason or c.title)
        action.triggered.connect(lambda _c=False, n=name: show_preview(parent, desk, case_id, n))
        menu.addAction(action)
    recent = printing.generated_documents(desk, case_id)[:RECENT]
    if recent:
        sub = menu.addMenu("打开已生成的文书")
        sub.setObjectName("recent_documents")
        for row in recent:
            text = f"{row.doc_date.month}月{row.doc_date.day}日 {_doc_label(row.doc_type)}（{row.file_format.upper()}）"
            action = sub.addAction(text)
            action.setToolTip(row.path)
            action.triggered.connect(lambda _c=False, rid=row.id: _open_generated(parent, desk, rid))
    return menu


def _doc_label(doc_type: str) -> str:
    if doc_type == printing.ARCHIVE_DOC_TYPE:
        return "整本卷宗"
    try:
        return catalogue.get(doc_type).label
    except KeyError:
        return doc_type.split(":")[-1]


def open_print_menu(parent: QWidget | None, desk: Desk, case_id: str, pos: QPoint | None = None) -> QAction | None:
    """Show the 打印 menu at ``pos`` (default: the mouse) and run the chosen entry."""
    menu = build_print_menu(parent, desk, case_id)
    try:
        return menu.exec(pos if pos is not None else QCursor.pos())
    finally:
        menu.deleteLater()
