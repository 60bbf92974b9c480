"""`mediation-desk` with no arguments opens the GUI: the whole start-up path, then the backup on exit."""

from __future__ import annotations

import shutil
from argparse import Namespace
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mediation_desk.ui import main as ui_main
from mediation_desk.ui.main_window import MainWindow


def test_run_opens_the_main_window_and_backs_up_on_exit(filled_template, tmp_path, qapp, monkeypatch):
    db = tmp_path / "调解工作台.sqlite"
    shutil.copy(filled_template, db)
    seen = []
    timer = QTimer()

    def look_and_close():
        # runs inside the program's event loop; closing the last window ends it
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            timer.stop()
            seen.extend(windows)
            for window in windows:
                window.close()

    timer.timeout.connect(look_and_close)
    timer.start(100)
    args = Namespace(db=db, portable=False, demo=False, self_test=False, actor="测试员", today=date(2026, 11, 27))
    assert ui_main.run(args) == 0
    assert seen and "青石镇人民调解委员会" in seen[0].windowTitle()
    assert list((tmp_path / "backups").glob("调解工作台备份-*.sqlite"))  # made on exit


def _controller(db, qapp):
    args = Namespace(db=db, portable=False, demo=False, self_test=False, actor="测试员", today=date(2026, 11, 27))
    controller = ui_main.Controller(ui_main.create_application(), args)
    assert controller.start()
    return controller


def test_restore_from_backup_replaces_the_data_and_reopens(filled_template, tmp_path, qapp, monkeypatch, messages):
    from mediation_desk.services import desktop, organisation
    from mediation_desk.ui import restore_dialog

    db = tmp_path / "调解工作台.sqlite"
    shutil.copy(filled_template, db)
    controller = _controller(db, qapp)
    try:
        backup = desktop.backup_now(controller.desk)
        organisation.add_staff(controller.desk, "备份后新增", ["mediator"])
        monkeypatch.setattr(restore_dialog.RestoreDialog, "exec",
                            lambda self: (setattr(self, "chosen", backup), 1)[1])
        old_window = controller.window
        controller.restore_backup()
        assert controller.window is not old_window and controller.window.isVisible()
        names = [s.name for s in organisation.list_staff(controller.desk)]
        assert "备份后新增" not in names and "李明" in names
        assert messages[-1][0] == "恢复完成"
        assert list(tmp_path.glob("*before-restore*"))  # the data before the restore was kept
    finally:
        controller.window.close()
        controller.shutdown()


def test_open_another_data_file(filled_template, tmp_path, qapp, monkeypatch):
    first = tmp_path / "甲.sqlite"
    second = tmp_path / "乙.sqlite"
    shutil.copy(filled_template, first)
    shutil.copy(filled_template, second)
    controller = _controller(first, qapp)
    try:
        controller.open_database(str(second))
        assert controller.desk.store.path == second
        assert "乙.sqlite" in controller.window.db_label.toolTip()
    finally:
        controller.window.close()
        controller.shutdown()
