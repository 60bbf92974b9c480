"""First start: the wizard sets up the unit, villages with groups and staff; or opens the demo."""

from __future__ import annotations

from argparse import Namespace
from datetime import date

from PySide6.QtWidgets import QDialog

from mediation_desk.services import desktop, organisation
from mediation_desk.ui.first_run import FirstRunDialog


def _fill(dialog: FirstRunDialog) -> None:
    dialog.setup_button.click()
    dialog.name_edit.setText("东山村人民调解委员会")
    dialog.short_edit.setText("东")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("village_committee"))
    dialog.township_edit.setText("青石镇")
    dialog.next_button.click()
    dialog.villages_edit.setPlainText("东山村：一组、二组、三组\n西河村\n")
    dialog.next_button.click()
    dialog.set_staff(0, "李明", "mediator", "调委会主任", "13812345678")
    dialog.set_staff(1, "王芳", "recorder", "", "")


def test_wizard_collects_and_creates_the_unit(qtbot, db_path):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog)
    assert dialog.example_label.text() == "案件编号将是：（2026）东调字第001号"
    dialog.next_button.click()  # 完成
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.choice == "setup"
    data = dialog.data
    assert data.villages == [("东山村", ["一组", "二组", "三组"]), ("西河村", [])]
    fresh = desktop.open_desk(db_path, "测试员")
    try:
        desktop.apply_first_run(fresh, data)
        unit = organisation.get_unit(fresh)
        assert (unit.name, unit.short_name, unit.unit_type) == ("东山村人民调解委员会", "东", "village_committee")
        assert sorted(a.name for a in organisation.villages(fresh)) == ["东山村", "西河村"]
        assert len(organisation.list_areas(fresh, "group")) == 3
        staff = {s.name: s for s in organisation.list_staff(fresh)}
        assert staff["李明"].roles == ["mediator"] and staff["李明"].phone == "13812345678"
        assert staff["王芳"].roles == ["recorder"]
    finally:
        fresh.close()


def test_wizard_refuses_missing_name_and_bad_phone(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.setup_button.click()
    dialog.next_button.click()
    assert dialog.message.text() == "请填写单位名称。" and dialog.pages.currentIndex() == 1
    _fill(dialog)
    dialog.set_staff(2, "赵刚", "mediator", "", "12345")
    dialog.next_button.click()
    assert "电话号码不正确" in dialog.message.text() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.villages_edit.setPlainText("东山村\n东山村")
    assert "写了两次" in dialog.validate_page(2)


def test_demo_choice(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.demo_button.click()
    assert dialog.choice == "demo" and dialog.result() == QDialog.DialogCode.Accepted


def test_first_start_without_database_runs_the_wizard_then_opens_the_window(qtbot, tmp_path, monkeypatch):
    from mediation_desk.ui import main as ui_main

    path = tmp_path / "新数据" / "调解工作台.sqlite"

    def fake_exec(self):
        _fill(self)
        self.next_button.click()
        return self.result()

    monkeypatch.setattr(FirstRunDialog, "exec", fake_exec)
    args = Namespace(db=path, portable=False, demo=False, self_test=False, actor="测试员", today=date(2026, 11, 27))
    controller = ui_main.Controller(ui_main.create_application(), args)
    try:
        assert controller.start()
        window = controller.window
        qtbot.addWidget(window)
        assert window.isVisible() and "东山村人民调解委员会" in window.windowTitle()
        assert path.exists()
    finally:
        if controller.window is not None:
            controller.window.close()
        controller.shutdown()
    # the backup on exit was made beside the data file
    assert list((path.parent / "backups").glob("调解工作台备份-*.sqlite"))


def test_cancelled_wizard_creates_nothing(qtbot, tmp_path, monkeypatch):
    from mediation_desk.ui import main as ui_main

    path = tmp_path / "调解工作台.sqlite"
    monkeypatch.setattr(FirstRunDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    args = Namespace(db=path, portable=False, demo=False, self_test=False, actor=None)
    controller = ui_main.Controller(ui_main.create_application(), args)
    assert not controller.start()
    assert not path.exists()


def test_unopenable_file_offers_choices(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from mediation_desk.ui import main as ui_main

    path = tmp_path / "坏文件.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    shown = []

    def fake_exec(self):
        shown.append((self.windowTitle(), self.text(), [b.text() for b in self.buttons()]))
        quit_button = next(b for b in self.buttons() if b.text() == "退出")
        quit_button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    args = Namespace(db=path, portable=False, demo=False, self_test=False, actor=None)
    controller = ui_main.Controller(ui_main.create_application(), args)
    assert not controller.start() and controller.exit_code == 1
    title, text, buttons = shown[0]
    assert title == "无法打开数据文件" and "数据文件" in text
    assert {"选择其他数据文件…", "从备份恢复…", "退出"} <= set(buttons)
