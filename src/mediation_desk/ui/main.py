"""Start the desktop program: QApplication, Chinese font and 字号, the data file (with plain
Chinese messages when it cannot be opened), first-run wizard, main window; backup on exit.

`--self-test` opens the store and the main window offscreen, prints “自检通过” and exits 0."""

from __future__ import annotations

import getpass
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

log = logging.getLogger(__name__)


def _say(text: str, error: bool = False) -> None:
    """Print even on a console that cannot encode Chinese, or when there is no console (frozen GUI)."""
    stream = sys.stderr if error else sys.stdout
    if stream is None:
        return
    try:
        print(text, file=stream, flush=True)
    except UnicodeEncodeError:
        stream.buffer.write((text + "\n").encode("utf-8"))
        stream.flush()


def _actor(args) -> str:
    name = getattr(args, "actor", None)
    if name:
        return str(name)
    try:
        return getpass.getuser() or "本机用户"
    except Exception:  # noqa: BLE001
        return "本机用户"


def create_application(offscreen: bool = False):
    """The QApplication with name, organisation (QSettings), translations and the Chinese font."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from . import appearance

    app = QApplication.instance()
    if app is None:
        # Follow the system scaling exactly (125 %, 150 %), not rounded to whole numbers.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    app.setApplicationName(appearance.APPLICATION)
    app.setApplicationDisplayName(appearance.APPLICATION)
    app.setOrganizationName(appearance.ORGANISATION)
    appearance.install_translations(app)
    appearance.apply_font(app)
    return app


def _qt_messages_to_log():
    """Qt's own warnings go to the log file, not to the user's console; returns the previous handler."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind, _context, message) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    return qInstallMessageHandler(handler)


def run(args) -> int:
    from .. import datadir
    from . import appearance

    portable = bool(getattr(args, "portable", False))
    if datadir.is_portable(portable):
        appearance.configure_settings(datadir.data_dir(portable))
    previous = _qt_messages_to_log()
    try:
        if getattr(args, "self_test", False):
            return self_test(args)
        app = create_application()
        splash = _splash(app)
        controller = Controller(app, args, splash)
        if not controller.start():
            controller._hide_splash()
            return controller.exit_code
        code = app.exec()
        controller.shutdown()
        return code
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(previous)


def _splash(app):
    """A plain “正在启动” window shown at once, while the data layer loads and the file opens
    (a frozen program on an old laptop can take a few seconds to start)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
    from PySide6.QtWidgets import QSplashScreen

    ratio = app.devicePixelRatio()
    pixmap = QPixmap(int(420 * ratio), int(160 * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor(246, 248, 250))
    painter = QPainter(pixmap)
    font = QFont(app.font())
    font.setPointSizeF(font.pointSizeF() * 1.8)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(40, 60, 90))
    painter.drawText(0, 0, 420, 110, Qt.AlignmentFlag.AlignCenter, "调解工作台")
    painter.setFont(app.font())
    painter.drawText(0, 100, 420, 40, Qt.AlignmentFlag.AlignCenter, "正在打开数据文件，请稍候……")
    painter.end()
    splash = QSplashScreen(pixmap)
    splash.show()
    app.processEvents()
    return splash


# ------------------------------------------------------------------------------------ self-test


def self_test(args) -> int:
    """Open the store and the main window offscreen, visit each page, exit 0 ("自检通过")."""
    started = time.perf_counter()
    temp_dir: str | None = None
    desk = None
    try:
        app = create_application(offscreen=True)
        from ..services import desktop, organisation
        from . import widgets

        widgets.HEADLESS = True
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        unexpected: list[str] = []

        def close_modal() -> None:
            # A modal dialog from some page would wait forever for a click nobody makes.
            modal = QApplication.activeModalWidget()
            if modal is not None:
                text = getattr(modal, "text", lambda: "")() if hasattr(modal, "text") else ""
                unexpected.append(f"{modal.windowTitle()} {text}".strip())
                modal.close()

        watchdog = QTimer()
        watchdog.timeout.connect(close_modal)
        watchdog.start(100)
        from .main_window import NAVIGATION, MainWindow, area_available, load_page_class

        db = getattr(args, "db", None)
        if db:
            path = Path(db)
            fresh = not path.exists()
        else:
            temp_dir = tempfile.mkdtemp(prefix="调解工作台自检-")
            path = Path(temp_dir) / "自检.sqlite"
            fresh = True
        desk = desktop.open_desk(path, _actor(args))
        if getattr(args, "today", None):
            desk.today_override = args.today
        if fresh and not desktop.has_unit(desk):
            organisation.init_unit(desk, "自检单位", "检")
        window = MainWindow(desk, persist_geometry=False)
        window.show()
        app.processEvents()
        # What a user sees at start: 今日 and the register's first page. The other areas are
        # imported (a frozen build missing a module fails here); MEDIATION_DESK_SELF_TEST=all
        # builds every page too.
        full = os.environ.get("MEDIATION_DESK_SELF_TEST") == "all"
        for key, _label, spec in NAVIGATION:
            if not area_available(spec):
                continue
            if full or key in ("today", "register", "settings"):
                if window.show_page(key) is None:
                    raise RuntimeError(f"页面“{key}”无法打开")
                app.processEvents()
            elif spec is not None:
                load_page_class(spec)
        window.show_page("today")
        app.processEvents()
        window.today_page.refresh(wait=True)
        app.processEvents()
        if window.today_page.summary is None:
            raise RuntimeError("今日事项没有计算出来：" + window.today_page.summary_label.text())
        if not window.isVisible():
            raise RuntimeError("主窗口没有显示出来")
        if unexpected:
            raise RuntimeError("出现了意外的对话框：" + "；".join(unexpected))
        window.close()
        app.processEvents()
        desk.close()
        desk = None
        _say(f"自检通过（{time.perf_counter() - started:.2f} 秒）")
        return 0
    except BaseException as error:  # noqa: BLE001 — any failure is reported and exits non-zero
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        _say(f"自检失败：{message}", error=True)
        log.error("self-test failed:\n%s", traceback.format_exc())
        if not isinstance(error, Exception):
            raise
        return 1
    finally:
        if desk is not None:
            desk.close()
        if temp_dir:
            import shutil

            shutil.rmtree(temp_dir, ignore_errors=True)


# ------------------------------------------------------------------------------------ controller


class Controller:
    """Owns the open data file (Desk) and the main window; switches files and restores backups."""

    def __init__(self, app, args, splash=None) -> None:
        self.app = app
        self.args = args
        self.splash = splash
        self.desk = None
        self.window = None
        self.exit_code = 0
        self.portable = bool(getattr(args, "portable", False))

    # -------------------------------------------------------------- start

    def _hide_splash(self, window=None) -> None:
        if self.splash is not None:
            if window is not None:
                self.splash.finish(window)
            else:
                self.splash.close()
            self.splash = None

    def start(self) -> bool:
        from .. import datadir

        if getattr(self.args, "demo", False):
            path = self._demo_path()
            if path is None:
                return False
        elif getattr(self.args, "db", None):
            path = Path(self.args.db)
        else:
            path = datadir.default_db_path(self.portable)
        if not path.exists():
            self._hide_splash()
            answer = self._first_run(path)
            if answer is None:
                return False
            path = answer
        desk = self._open(path)
        if desk is None:
            return False
        if not self._ensure_unit(desk):
            desk.close()
            return False
        self._show_window(desk)
        return True

    def _demo_path(self) -> Path | None:
        from .. import datadir
        from . import widgets

        path = datadir.demo_db_path(self.portable)
        if path.exists():
            return path
        try:
            from ..cli import ensure_demo_db
        except ImportError:
            widgets.error(None, "这个版本没有附带演示数据生成功能。")
            return None
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QProgressDialog

        self._hide_splash()
        dialog = QProgressDialog("正在生成演示数据（约3000件案件），请稍候……", "", 0, 100)
        dialog.setWindowTitle("调解工作台")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        self.app.processEvents()

        def progress(stage: str, fraction: float) -> None:
            dialog.setLabelText(f"正在生成演示数据：{stage}")
            dialog.setValue(int(fraction * 100))
            self.app.processEvents()

        try:
            return ensure_demo_db(path, progress=progress)
        except Exception as error:  # noqa: BLE001
            log.exception("demo generation failed")
            widgets.error(None, f"生成演示数据失败：{getattr(error, 'message', None) or error}")
            return None
        finally:
            dialog.close()

    def _first_run(self, path: Path) -> Path | None:
        """No data file yet: the wizard. Returns the path to open (new file or demo) or None."""
        from ..services import desktop
        from . import widgets
        from .first_run import FirstRunDialog

        dialog = FirstRunDialog()
        if dialog.exec() != FirstRunDialog.DialogCode.Accepted:
            return None
        if dialog.choice == "demo":
            return self._demo_path()
        desk = self._open(path)
        if desk is None:
            return None
        try:
            desktop.apply_first_run(desk, dialog.data)
        except ValueError as error:
            widgets.error(None, str(error), "设置本单位失败")
        finally:
            desk.close()
        return path

    def _ensure_unit(self, desk) -> bool:
        """A data file without a unit (e.g. created by `--db` on a new path): ask for it."""
        from ..services import desktop
        from . import widgets
        from .first_run import FirstRunDialog

        if desktop.has_unit(desk):
            return True
        self._hide_splash()
        dialog = FirstRunDialog(allow_demo=False)
        if dialog.exec() != FirstRunDialog.DialogCode.Accepted or dialog.data is None:
            return False
        try:
            desktop.apply_first_run(desk, dialog.data)
        except ValueError as error:
            widgets.error(None, str(error), "设置本单位失败")
            return False
        return True

    def _open(self, path: Path):
        """Open `path`; on a store error offer: another file / restore from backup / quit."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from ..services import desktop
        from . import widgets
        from .restore_dialog import ask_backup_for_file

        while True:
            try:
                desk = desktop.open_desk(path, _actor(self.args))
                if getattr(self.args, "today", None):
                    desk.today_override = self.args.today
                return desk
            except desktop.StoreError as error:
                log.warning("cannot open %s: %s (%s)", path, error, getattr(error, "detail", ""))
                self._hide_splash()
                box = QMessageBox(QMessageBox.Icon.Warning, "无法打开数据文件",
                                  f"{error}\n\n数据文件：{path}")
                if getattr(error, "detail", ""):
                    box.setDetailedText(error.detail)
                other = box.addButton("选择其他数据文件…", QMessageBox.ButtonRole.ActionRole)
                restore = box.addButton("从备份恢复…", QMessageBox.ButtonRole.ActionRole)
                quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
                box.setDefaultButton(restore)
                box.exec()
                clicked = box.clickedButton()
                if clicked is other:
                    chosen, _f = QFileDialog.getOpenFileName(None, "打开数据文件", str(path.parent),
                                                             "调解工作台数据文件 (*.sqlite *.db);;所有文件 (*)")
                    if chosen:
                        path = Path(chosen)
                    continue
                if clicked is restore:
                    backup = ask_backup_for_file(path)
                    if backup is not None:
                        try:
                            desktop.restore(path, backup, actor=_actor(self.args))
                        except (desktop.StoreError, OSError, ValueError) as restore_error:
                            widgets.error(None, str(restore_error), "恢复失败")
                    continue
                if clicked is quit_button or clicked is None:
                    self.exit_code = 1
                    return None

    def _show_window(self, desk) -> None:
        from ..services import desktop
        from . import widgets
        from .main_window import MainWindow

        old = self.window
        self.desk = desk
        window = MainWindow(desk)
        window.open_database_requested.connect(self.open_database)
        window.restore_requested.connect(self.restore_backup)
        self.window = window
        window.show()
        self._hide_splash(window)
        if old is not None:
            old.deleteLater()
        warnings = desktop.store_warnings(desk)
        if warnings:
            widgets.info(window, "\n\n".join(warnings), "请注意")
        if desk.store.check_deferred:
            self._start_deferred_check(desk, window)

    def _start_deferred_check(self, desk, window) -> None:
        """A large file was opened without waiting for its integrity check: run it in a worker
        thread and warn if it fails (the user can keep reading meanwhile)."""
        from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

        from ..services import desktop
        from . import widgets

        class Emitter(QObject):
            finished = Signal(object)

        class Job(QRunnable):
            def run(self) -> None:
                try:
                    emitter.finished.emit(desktop.deferred_check(desk))
                except Exception as error:  # noqa: BLE001 — the check itself failing is a warning too
                    log.exception("deferred integrity check failed")
                    emitter.finished.emit(f"数据文件完整性检查无法完成：{error}")

        emitter = Emitter(window)
        emitter.finished.connect(lambda message: message and widgets.error(window, message, "数据文件可能已损坏"))
        self._check_emitter = emitter
        QThreadPool.globalInstance().start(Job())

    # -------------------------------------------------------------- switching files

    def _close_current(self) -> bool:
        """Close editors (asking about unsaved changes) and the data file; False if the user refused."""
        if self.window is not None:
            if not self.window.close_case_windows():
                return False
            self.window.save_geometry()
            self.window.stop_background()
        self._backup_on_exit()
        if self.desk is not None:
            self.desk.close()
        return True

    def open_database(self, path_text: str) -> None:
        from PySide6.QtWidgets import QApplication

        path = Path(path_text)
        if self.desk is not None and self.desk.store.path is not None and path.resolve() == self.desk.store.path.resolve():
            return
        old_path = self.desk.store.path if self.desk is not None else None
        if not self._close_current():
            return
        QApplication.setQuitOnLastWindowClosed(False)
        try:
            desk = self._open(path)
            if desk is None or not self._ensure_unit(desk):
                if desk is not None:
                    desk.close()
                desk = self._open(old_path) if old_path is not None else None
            if desk is None:
                self.app.quit()
                return
            old_window = self.window
            self._show_window(desk)
            if old_window is not None:
                old_window.hide()
        finally:
            QApplication.setQuitOnLastWindowClosed(True)

    def restore_backup(self) -> None:
        from PySide6.QtWidgets import QApplication

        from ..services import desktop
        from . import widgets
        from .restore_dialog import ask_backup

        if self.desk is None or self.desk.store.path is None:
            return
        backup = ask_backup(self.desk, self.window)
        if backup is None:
            return
        if not widgets.confirm(self.window, f"用这个备份替换现在的数据吗？\n\n{backup.name}\n\n"
                                            "现在的数据会先另存一份（文件名含“before-restore”）。",
                               "从备份恢复", yes="恢复", no="取消"):
            return
        path = self.desk.store.path
        if self.window is not None and not self.window.close_case_windows():
            return
        if self.window is not None:
            self.window.save_geometry()
            self.window.stop_background()
        self.desk.close()
        QApplication.setQuitOnLastWindowClosed(False)
        try:
            try:
                with widgets.busy():
                    safety = desktop.restore(path, backup, actor=_actor(self.args))
                message = "已从备份恢复。" + (f"\n原来的数据另存为：{safety.name}" if safety else "")
                failed = False
            except (desktop.StoreError, OSError, ValueError) as error:
                message = str(error)
                failed = True
            desk = self._open(path)
            if desk is None:
                self.app.quit()
                return
            old_window = self.window
            self._show_window(desk)
            if old_window is not None:
                old_window.hide()
            (widgets.error if failed else widgets.info)(self.window, message, "恢复失败" if failed else "恢复完成")
        finally:
            QApplication.setQuitOnLastWindowClosed(True)

    # -------------------------------------------------------------- exit

    def _backup_on_exit(self) -> None:
        if self.desk is None:
            return
        from ..services import desktop

        try:
            made = desktop.auto_backup_on_exit(self.desk)
            if made is not None:
                log.info("backup on exit: %s", made)
        except Exception:  # noqa: BLE001 — never block quitting; the next start backs up again
            log.exception("backup on exit failed")

    def shutdown(self) -> None:
        self._backup_on_exit()
        if self.desk is not None:
            self.desk.close()
            self.desk = None
