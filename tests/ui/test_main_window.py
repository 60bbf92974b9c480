"""The main window: navigation, disabled future areas, menus and shortcuts, status bar, geometry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from mediation_desk.ui import case_window, main_window
from mediation_desk.ui.main_window import FUTURE_TIP, MainWindow


@pytest.fixture
def window(qtbot, filled_desk):
    win = MainWindow(filled_desk)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _nav(win):
    return {win.nav.item(i).text(): win.nav.item(i) for i in range(win.nav.count())}


def test_navigation_with_future_areas_disabled(window, monkeypatch):
    items = _nav(window)
    assert list(items) == ["今日", "案件登记簿", "矛盾排查", "领导包案", "风险评估", "信访", "台账与报表", "设置"]
    for key, label, spec in main_window.NAVIGATION:
        enabled = bool(items[label].flags() & Qt.ItemFlag.ItemIsEnabled)
        assert enabled == main_window.area_available(spec), label
        if not enabled:
            assert items[label].toolTip() == FUTURE_TIP
            assert window.show_page(key) is None  # disabled areas cannot be opened
    for label in ("今日", "案件登记簿", "设置"):
        assert items[label].flags() & Qt.ItemFlag.ItemIsEnabled
    assert window.current_page_key() == "today"


def test_areas_without_their_page_module_are_disabled(qtbot, filled_desk, monkeypatch):
    monkeypatch.setattr(main_window, "NAVIGATION", main_window.NAVIGATION[:2] + (
        ("screening", "矛盾排查", "no_such_area:Page"), ("contracts", "领导包案", "no_such_area_either:Page"))
        + main_window.NAVIGATION[-1:])
    win = MainWindow(filled_desk)
    qtbot.addWidget(win)
    items = _nav(win)
    for label in ("矛盾排查", "领导包案"):
        assert not items[label].flags() & Qt.ItemFlag.ItemIsEnabled
        assert items[label].toolTip() == "将在后续版本提供"
    assert win.show_page("screening") is None
    assert win.show_page("settings") is not None


def test_pages_switch_and_title_shows_unit(window, qtbot):
    assert "青石镇人民调解委员会" in window.windowTitle()
    assert window.show_page("register") is window.register_page
    assert window.stack.currentWidget() is window.register_page
    qtbot.waitUntil(lambda: window.register_page.model.rowCount() == 30)
    settings_page = window.show_page("settings")
    assert settings_page is not None and window.stack.currentWidget() is settings_page


def test_menus_and_shortcuts(window):
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "查看(&V)", "帮助(&H)"]
    file_actions = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    for text in ("新建纠纷案件", "新建信访事项", "立即备份", "从备份恢复…", "打开数据文件…", "退出"):
        assert text in file_actions
    assert window.new_dispute_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")
    assert window.refresh_action.shortcut() == QKeySequence("F5")


def test_ctrl_f_goes_to_the_register_search(window, qtbot):
    window.find_action.trigger()
    assert window.current_page_key() == "register"
    qtbot.waitUntil(lambda: window.register_page.search.hasFocus() or not window.isActiveWindow())


def test_status_bar_shows_file_and_backup(window, messages):
    assert "数据文件：" in window.db_label.text()
    assert str(window.desk.store.path) == window.db_label.toolTip()
    assert window.backup_label.text() == "上次备份：尚未备份"
    window.backup_now()
    assert messages and messages[-1][0] == "备份完成"
    assert window.backup_label.text().startswith("上次备份：20")


def test_geometry_is_remembered(qtbot, filled_desk):
    first = MainWindow(filled_desk)
    qtbot.addWidget(first)
    first.resize(700, 450)
    first.show()
    first.close()
    second = MainWindow(filled_desk)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 450)


def test_opening_and_creating_cases_uses_the_editor(window, qtbot, fake_editor):
    opened = window.open_case("abc")
    assert opened is not None and opened.editor.case_id == "abc"
    assert window.open_case("abc") is opened  # the same case is not opened twice
    new = window.new_case("petition")
    assert new.editor.kind == "petition" and new.editor.case_id is None
    # Ctrl+S in the case window saves through the editor
    assert new.save_action.shortcut() == QKeySequence.StandardKey.Save or not new.save_action.shortcut().isEmpty()
    new.save_action.trigger()
    assert new.editor.save_calls == 1
    assert "new-id" in {w.key for w in window.case_windows()}
    opened.close()
    assert opened not in window.case_windows()


def test_without_editor_a_message_is_shown(window, monkeypatch, messages):
    monkeypatch.setattr(main_window, "editor_class", lambda: None)
    assert window.open_case("abc") is None
    assert messages[-1][0] == "暂不能编辑"


def test_editor_class_import_is_guarded():
    cls = case_window.editor_class()
    assert cls is None or hasattr(cls, "maybe_close")


def test_ctrl_p_prints_the_selected_case(window, qtbot, monkeypatch, messages):
    if not main_window.area_available("printing:open_print_menu"):
        pytest.skip("printing is not installed")
    from mediation_desk.ui import printing

    called = []
    monkeypatch.setattr(printing, "open_print_menu", lambda parent, desk, case_id, pos=None: called.append(case_id))
    assert window.print_action.shortcut() == QKeySequence("Ctrl+P")
    window.show_page("register")
    qtbot.waitUntil(lambda: window.register_page.model.rowCount() > 0)
    window.register_page.table.clearSelection()
    window.register_page.table.setCurrentIndex(window.register_page.model.index(-1, -1))
    window.print_action.trigger()
    assert messages and messages[-1][0] == "打印" and not called
    window.register_page.table.selectRow(1)
    window.print_action.trigger()
    assert called == [window.register_page.model.case_id(1)]
