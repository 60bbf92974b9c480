"""The main window: navigation on the left, one page at a time on the right, menus a Windows user
expects, a status bar with the open data file and the last backup time."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import uuid

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter,
    QStackedWidget, QWidget,
)

from .. import __version__ as APP_VERSION  # noqa: N812
from ..services import desktop, organisation
from ..services.context import Desk
from . import appearance, widgets
from .case_window import CaseWindow, editor_class
from .cases.register import RegisterPage
from .today import TodayPage

log = logging.getLogger(__name__)

FUTURE_TIP = "将在后续版本提供"

#: (key, label, page class as "module:Class" relative to this package, or None for built-in pages).
#: An area whose page module is not there yet is shown disabled with FUTURE_TIP (nothing fake).
NAVIGATION: tuple[tuple[str, str, str | None], ...] = (
    ("today", "今日", None),
    ("register", "案件登记簿", None),
    ("screening", "矛盾排查", "screening:ScreeningPage"),
    ("contracts", "领导包案", "contracts:ContractsPage"),
    ("risk", "风险评估", "risk:RiskPage"),
    ("petitions", "信访", "petitions:PetitionsPage"),
    ("ledgers", "台账与报表", "ledgers:LedgerPage"),
    ("settings", "设置", "settings.page:SettingsPage"),
)


def area_available(spec: str | None) -> bool:
    """True when the page module of an area exists (checked without importing it)."""
    if spec is None:
        return True
    module = spec.split(":")[0]
    try:
        return importlib.util.find_spec(f"{__package__}.{module}") is not None
    except (ImportError, ValueError):
        return False


def load_page_class(spec: str):
    module_name, _sep, class_name = spec.partition(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    return getattr(module, class_name)


class MainWindow(QMainWindow):
    #: the user chose another data file (path) — handled by the application controller
    open_database_requested = Signal(str)
    #: the user asked to restore from a backup — handled by the application controller
    restore_requested = Signal()

    def __init__(self, desk: Desk, *, persist_geometry: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.desk = desk
        self._persist = persist_geometry
        self._case_windows: dict[str, CaseWindow] = {}
        self._settings_page = None
        self._today_loaded = False

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setSpacing(2)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.today_page = TodayPage(desk)
        self.register_page = RegisterPage(desk)
        self._pages: dict[str, QWidget] = {"today": self.today_page, "register": self.register_page}
        self.stack.addWidget(self.today_page)
        self.stack.addWidget(self.register_page)
        for key, label, spec in NAVIGATION:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, self.fontMetrics().height() * 2))
            if not area_available(spec):
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip(FUTURE_TIP)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._size_nav()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self._size_nav()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setCentralWidget(central)

        self.today_page.open_case.connect(self.open_case)
        self.today_page.show_in_register.connect(self._show_in_register)
        self.today_page.open_draft.connect(lambda key, kind: self.new_case(kind, draft_key=key))
        self.register_page.open_case.connect(self.open_case)
        self.register_page.new_case.connect(self.new_case)

        self._build_menus()
        self._build_status_bar()
        self._update_title()
        self._restore_geometry()
        self.setMinimumSize(640, 420)
        self.nav.setCurrentRow(0)
        for warning in desktop.store_warnings(desk):
            self.statusBar().showMessage(warning, 15000)

    # ------------------------------------------------------------------ building

    def _size_nav(self) -> None:
        metrics = self.nav.fontMetrics()
        width = max(metrics.horizontalAdvance(label) for _k, label, _b in NAVIGATION) + metrics.horizontalAdvance("中") * 3
        self.nav.setMinimumWidth(width)
        self.nav.setMaximumWidth(int(width * 1.6))
        if hasattr(self, "splitter"):
            self.splitter.setSizes([width, max(self.width() - width, width * 4)])
        for row in range(self.nav.count()):
            self.nav.item(row).setSizeHint(QSize(0, int(metrics.height() * 2.2)))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self.new_dispute_action = QAction("新建纠纷案件", self)
        self.new_dispute_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_dispute_action.triggered.connect(lambda: self.new_case("dispute"))
        self.new_petition_action = QAction("新建信访事项", self)
        self.new_petition_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_petition_action.triggered.connect(lambda: self.new_case("petition"))
        self.backup_action = QAction("立即备份", self)
        self.backup_action.triggered.connect(self.backup_now)
        self.restore_action = QAction("从备份恢复…", self)
        self.restore_action.triggered.connect(self.restore_requested)
        self.open_action = QAction("打开数据文件…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        self.export_action = QAction("导出当前列表到Excel…", self)
        self.export_action.triggered.connect(self._export)
        self.print_action = QAction("打印所选案件的文书…", self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_selected)
        self.print_action.setVisible(area_available("printing:open_print_menu"))
        self.quit_action = QAction("退出", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        for action in (self.new_dispute_action, self.new_petition_action, None, self.print_action,
                       self.export_action, None, self.backup_action, self.restore_action, self.open_action, None,
                       self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)

        edit_menu = bar.addMenu("编辑(&E)")
        self.find_action = QAction("查找案件", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.find)
        edit_menu.addAction(self.find_action)

        view_menu = bar.addMenu("查看(&V)")
        self.refresh_action = QAction("刷新", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        for index, (key, label, spec) in enumerate(NAVIGATION):
            if not area_available(spec):
                continue
            action = QAction(label, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            view_menu.addAction(action)
        view_menu.addSeparator()
        size_menu = view_menu.addMenu("字号")
        self.size_group = QActionGroup(self)
        current = appearance.text_size_key()
        for key, label, _points in appearance.TEXT_SIZES:
            action = QAction(label, self, checkable=True)
            action.setChecked(key == current)
            action.setData(key)
            action.triggered.connect(lambda _checked=False, k=key: self.set_text_size(k))
            self.size_group.addAction(action)
            size_menu.addAction(action)

        help_menu = bar.addMenu("帮助(&H)")
        about = QAction("关于调解工作台", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel()
        self.db_label.setObjectName("databaseLabel")
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backupLabel")
        self.statusBar().addPermanentWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        self.update_status()

    def update_status(self) -> None:
        path = desktop.data_file(self.desk)
        text = str(path) if path else self.desk.store.url
        metrics = self.db_label.fontMetrics()
        self.db_label.setText("数据文件：" + metrics.elidedText(text, Qt.TextElideMode.ElideMiddle,
                                                              metrics.horizontalAdvance("中") * 30))
        self.db_label.setToolTip(text)
        try:
            last = desktop.last_backup_time(self.desk)
        except Exception:  # noqa: BLE001 — a status line must never break the window
            log.exception("last backup time")
            last = None
        self.backup_label.setText(f"上次备份：{last:%Y-%m-%d %H:%M}" if last else "上次备份：尚未备份")

    def _update_title(self) -> None:
        try:
            unit = organisation.get_unit(self.desk).name
        except ValueError:
            unit = "未设置单位"
        self.setWindowTitle(f"调解工作台 — {unit}")

    def _restore_geometry(self) -> None:
        prefs = appearance.settings()
        geometry = prefs.value("main/geometry") if self._persist else None
        if geometry is not None and self.restoreGeometry(geometry):
            state = prefs.value("main/state")
            if state is not None:
                self.restoreState(state)
            splitter = prefs.value("main/splitter")
            if splitter is not None:
                self.splitter.restoreState(splitter)
            return
        screen = self.screen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(1280, int(area.width() * 0.95)), min(860, int(area.height() * 0.92)))

    def save_geometry(self) -> None:
        if not self._persist:
            return
        prefs = appearance.settings()
        prefs.setValue("main/geometry", self.saveGeometry())
        prefs.setValue("main/state", self.saveState())
        prefs.setValue("main/splitter", self.splitter.saveState())

    # ------------------------------------------------------------------ navigation

    def _nav_changed(self, row: int) -> None:
        item = self.nav.item(row)
        if item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        page = self._page(key)
        if page is not None:
            self.stack.setCurrentWidget(page)
            if key == "today" and not self._today_loaded:
                self._today_loaded = True
                QTimer.singleShot(0, self.today_page.refresh)  # paint the window first

    def _page(self, key: str) -> QWidget | None:
        """The page of an area, built the first time it is shown."""
        if key in self._pages:
            return self._pages[key]
        spec = dict((k, sp) for k, _label, sp in NAVIGATION).get(key)
        if spec is None or not area_available(spec):
            return None
        try:
            with widgets.busy():
                page = load_page_class(spec)(self.desk)
        except Exception as error:  # noqa: BLE001 — a broken area must not take the window down
            log.exception("cannot open page %s", key)
            widgets.error(self, f"无法打开这一页：{getattr(error, 'message', None) or error}", "出错了")
            return None
        if hasattr(page, "open_case"):
            page.open_case.connect(self.open_case)
        if hasattr(page, "changed"):
            page.changed.connect(self._page_changed if key != "settings" else self._settings_changed)
        if key == "settings":
            self._settings_page = page
        self._pages[key] = page
        self.stack.addWidget(page)
        return page

    def _page_changed(self) -> None:
        if self._today_loaded:
            self.today_page.refresh()
        self.update_status()

    def show_page(self, key: str) -> QWidget | None:
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                if not item.flags() & Qt.ItemFlag.ItemIsEnabled:
                    return None
                self.nav.setCurrentRow(row)
                return self._page(key)
        return None

    def current_page_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def _show_in_register(self, which: str) -> None:
        self.show_page("register")
        self.register_page.set_quick_filter(overdue=which == "overdue", due_soon=which == "due_soon")

    def _settings_changed(self) -> None:
        self._update_title()
        self.update_status()
        self.register_page.refresh()
        if self._today_loaded:
            self.today_page.refresh()

    # ------------------------------------------------------------------ actions

    def find(self) -> None:
        self.show_page("register")
        self.register_page.focus_search()

    def refresh(self) -> None:
        key = self.current_page_key()
        if key == "register":
            self.register_page.refresh()
        elif key == "today":
            self._today_loaded = True
            self.today_page.refresh()
        else:
            page = self._pages.get(key)
            for method in ("reload", "refresh"):
                if page is not None and hasattr(page, method):
                    getattr(page, method)()
                    break
        self.update_status()

    def selected_case_id(self) -> str | None:
        """The case selected on the current page (register row or 今日 line)."""
        key = self.current_page_key()
        if key == "register":
            return self.register_page.selected_case_id()
        if key == "today":
            return self.today_page.selected_case_id()
        return None

    def print_selected(self) -> None:
        case_id = self.selected_case_id()
        if not case_id:
            widgets.info(self, "请先在案件登记簿（或“今日”）中选中一个案件，再打印它的文书。", "打印")
            return
        from .printing import open_print_menu

        open_print_menu(self, self.desk, case_id)

    def _export(self) -> None:
        self.show_page("register")
        self.register_page.export()

    def set_text_size(self, key: str) -> None:
        appearance.set_text_size(key)
        for action in self.size_group.actions():
            action.setChecked(action.data() == key)
        self._size_nav()

    def open_case(self, case_id: str) -> CaseWindow | None:
        window = self._case_windows.get(case_id)
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()
            return window
        return self._open_editor(case_id, None)

    def new_case(self, kind: str = "dispute", draft_key: str | None = None) -> CaseWindow | None:
        if draft_key and draft_key in self._case_windows:
            return self.open_case(draft_key)
        return self._open_editor(None, kind, draft_key)

    def _open_editor(self, case_id: str | None, kind: str | None, draft_key: str | None = None) -> CaseWindow | None:
        cls = editor_class()
        if cls is None:
            widgets.info(self, "案件编辑窗口尚未安装，暂时只能在登记簿中查看案件。", "暂不能编辑")
            return None
        try:
            with widgets.busy():
                extra = {"draft_key": draft_key} if draft_key else {}
                editor = cls(self.desk, case_id=case_id, kind=kind or "dispute", **extra)
        except ValueError as error:
            widgets.error(self, str(error), "无法打开案件")
            return None
        key = case_id or draft_key or f"new-{uuid.uuid4().hex}"
        window = CaseWindow(editor, key, self)
        window.saved.connect(self._case_saved)
        window.window_closed.connect(self._case_window_closed)
        self._case_windows[key] = window
        window.show()
        return window

    def _case_saved(self, case_id: str) -> None:
        for key, window in list(self._case_windows.items()):
            if window is self.sender() and key != case_id:
                del self._case_windows[key]
                self._case_windows[case_id] = window
        self.register_page.refresh()
        if self._today_loaded:
            self.today_page.refresh()
        self.update_status()

    def _case_window_closed(self, window: CaseWindow) -> None:
        for key, open_window in list(self._case_windows.items()):
            if open_window is window:
                del self._case_windows[key]

    def case_windows(self) -> list[CaseWindow]:
        return list(self._case_windows.values())

    def close_case_windows(self) -> bool:
        """Ask every open editor to close (each asks about unsaved changes); False if one refuses."""
        for window in list(self._case_windows.values()):
            if not window.close():
                return False
        return True

    def backup_now(self) -> None:
        try:
            with widgets.busy():
                path = desktop.backup_now(self.desk)
        except (ValueError, desktop.StoreError) as error:
            widgets.error(self, str(error), "备份失败")
            return
        self.update_status()
        widgets.info(self, f"已备份到：\n{path}", "备份完成")

    def choose_database(self) -> None:
        current = desktop.data_file(self.desk)
        start = str(current.parent) if current else ""
        path, _selected = QFileDialog.getOpenFileName(
            self, "打开数据文件", start, "调解工作台数据文件 (*.sqlite *.db);;所有文件 (*)")
        if path:
            self.open_database_requested.emit(path)

    def about(self) -> None:
        path = desktop.data_file(self.desk)
        widgets.info(self, f"调解工作台 {APP_VERSION}\n\n人民调解、矛盾纠纷排查、领导包案、风险评估与信访事项的离线工作台。\n\n"
                           f"数据文件：{path or self.desk.store.url}", "关于调解工作台")

    # ------------------------------------------------------------------ closing

    def stop_background(self) -> None:
        """Let background work (the 今日 computation) finish before the data file is closed."""
        self.today_page.wait()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.close_case_windows():
            event.ignore()
            return
        self.save_geometry()
        self.stop_background()
        event.accept()
