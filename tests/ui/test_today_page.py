"""今日 page: overdue and due-soon lists, missing screening reports, recent edits; lines open cases."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mediation_desk.ui.main_window import MainWindow
from mediation_desk.ui.today import CASE_ID_ROLE, TodayPage


@pytest.fixture
def page(qtbot, filled_desk):
    widget = TodayPage(filled_desk)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.summary is not None)  # computed in a worker thread
    return widget


def test_lists_overdue_due_soon_screening_and_recent(page):
    summary = page.summary
    assert summary is not None and summary.overdue_total > 0
    assert page.overdue_list.topLevelItemCount() == len(summary.overdue)
    first = page.overdue_list.topLevelItem(0)
    assert first.text(1) in ("调解期限", "信访告知/转送期限") and first.text(0).startswith("超期")
    assert first.foreground(0).color().red() == 200
    assert page.tabs.tabText(0) == f"已超期（{summary.overdue_total}）"
    assert page.date_label.text() == "今天是 2026年11月27日 星期五"
    villages = {page.screening_list.topLevelItem(i).text(0) for i in range(page.screening_list.topLevelItemCount())}
    assert villages == {"东山村", "西河村"}
    assert page.tabs.tabText(2) == "本月排查未报（2）"
    assert page.recent_list.topLevelItemCount() == 20


def test_activating_an_overdue_line_opens_its_case(page, qtbot):
    lst = page.overdue_list
    item = lst.topLevelItem(1)
    lst.setFocus()
    lst.setCurrentItem(item)
    with qtbot.waitSignal(page.open_case) as signal:
        qtbot.keyClick(lst, Qt.Key.Key_Return)
    assert signal.args == [item.data(0, CASE_ID_ROLE)]
    with qtbot.waitSignal(page.open_case) as signal:
        lst.itemActivated.emit(lst.topLevelItem(0), 0)  # what a double-click does
    assert signal.args == [lst.topLevelItem(0).data(0, CASE_ID_ROLE)]


def test_main_window_opens_the_editor_from_today(qtbot, filled_desk, fake_editor):
    win = MainWindow(filled_desk)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.today_page.summary is not None)
    item = win.today_page.overdue_list.topLevelItem(0)
    win.today_page.overdue_list.itemActivated.emit(item, 0)
    windows = win.case_windows()
    assert len(windows) == 1 and windows[0].editor.case_id == item.data(0, CASE_ID_ROLE)
    windows[0].close()


def test_show_all_in_register(qtbot, filled_desk):
    win = MainWindow(filled_desk)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.today_page.summary is not None)
    win.today_page.show_in_register.emit("overdue")
    assert win.current_page_key() == "register"
    page = win.register_page
    assert page.overdue_check.isChecked() and "已超期" in page.filter_label.text()
    assert page.model.rowCount() == win.today_page.summary.overdue_total - sum(
        1 for i in win.today_page.summary.overdue if i.key not in ("mediation_due", "notice_due", "handling_due",
                                                                    "review_answer_due", "rereview_answer_due"))


def test_refresh_runs_in_the_background_and_keeps_the_last_result(qtbot, filled_desk):
    widget = TodayPage(filled_desk)
    qtbot.addWidget(widget)
    widget.refresh(wait=True)
    first = widget.summary
    assert first is not None and widget.refresh_button.isEnabled()
    widget.refresh()
    widget.refresh()  # a second click: only the newest result is shown
    qtbot.waitUntil(lambda: widget.summary is not first and not widget.is_busy())
    assert widget.summary.overdue_total == first.overdue_total


def test_unsaved_drafts_are_listed_and_reopened(qtbot, filled_desk, fake_editor):
    from mediation_desk.services import drafts

    win = MainWindow(filled_desk)
    qtbot.addWidget(win)
    page = win.today_page
    page.refresh(wait=True)
    assert not page.tabs.isTabVisible(4)  # no drafts, no tab
    key = drafts.new_key()
    drafts.save_draft(filled_desk, key, {"title": "停电前没保存的纠纷"}, kind="dispute", title="停电前没保存的纠纷")
    page.refresh(wait=True)
    assert page.tabs.isTabVisible(4) and page.tabs.tabText(4) == "未保存的草稿（1）"
    item = page.drafts_list.topLevelItem(0)
    assert item.text(2) == "停电前没保存的纠纷" and item.text(3) == "新建未保存"
    page.drafts_list.itemActivated.emit(item, 0)
    windows = win.case_windows()
    assert len(windows) == 1 and windows[0].key == key and windows[0].editor.kind == "dispute"
