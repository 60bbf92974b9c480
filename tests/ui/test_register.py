"""案件登记簿: paging, instant search (1 character, pinyin initials), combinable filters, sorting,
overdue colouring, export to xlsx, opening a case."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor

from mediation_desk.services import organisation
from mediation_desk.ui.cases.register import SEARCH_DELAY_MS, RegisterPage
from mediation_desk.ui.cases.table_model import COL_DUE, COL_NUMBER, COL_PARTIES, COL_RECEIVED, CaseTableModel

TODAY = date(2026, 11, 27)


@pytest.fixture
def page(qtbot, filled_desk):
    widget = RegisterPage(filled_desk)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0)
    return widget


def _column(page, column):
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _type_search(page, qtbot, text):
    """Type into the search box like a user (setText: never keyClicks with Chinese) and wait for
    the debounced query."""
    with qtbot.waitSignal(page.model.reloaded, timeout=SEARCH_DELAY_MS * 8):
        page.search.setText(text)


def test_shows_all_rows_with_count(page, qtbot):
    assert page.model.rowCount() == 30
    qtbot.waitUntil(lambda: page.count_label.text() == "共 30 件")
    assert page.filter_label.text() == "当前筛选：无（显示全部案件）"
    numbers = _column(page, COL_NUMBER)
    assert all(n.startswith("（2026）青") for n in numbers)
    received = _column(page, COL_RECEIVED)
    assert received == sorted(received, reverse=True)  # newest first by default


def test_fetches_on_demand_in_pages(filled_desk, qtbot):
    model = CaseTableModel(filled_desk)
    model.PAGE_SIZE = 8
    model.reload()
    assert model.rowCount() == 8 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 16
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 30
    qtbot.waitUntil(lambda: model.total == 30)
    ids = [model.case_id(r) for r in range(30)]
    assert len(set(ids)) == 30  # pages neither overlap nor skip


def test_one_character_search_is_debounced(page, qtbot):
    page.search.setText("张")
    assert page.model.rowCount() == 30  # nothing happens before the delay
    qtbot.waitUntil(lambda: page.model.rowCount() < 30, timeout=SEARCH_DELAY_MS * 8)
    parties = _column(page, COL_PARTIES)
    assert parties and all("张" in p or "张" in t for p, t in zip(parties, _column(page, 3)))
    assert "搜索“张”" in page.filter_label.text()


def test_pinyin_initials_search(page, qtbot):
    _type_search(page, qtbot, "zs")
    parties = _column(page, COL_PARTIES)
    assert parties and all("张三" in p for p in parties)


def test_surname_reading_shan(page, qtbot):
    _type_search(page, qtbot, "sx")  # 单雄: 单 as a surname reads shàn
    assert _column(page, COL_PARTIES) and all("单雄" in p for p in _column(page, COL_PARTIES))


def test_filters_combine_and_clear(page, qtbot, filled_desk):
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("dispute"))
    disputes = page.model.rowCount()
    assert 0 < disputes < 30 and set(_column(page, 1)) == {"纠纷"}
    village = next(a for a in organisation.villages(filled_desk) if a.name == "东山村")
    page.village_combo.setCurrentIndex(page.village_combo.findData(village.id))
    both = page.model.rowCount()
    assert 0 < both < disputes and set(_column(page, 5)) == {"东山村"}
    page.overdue_check.setChecked(True)
    overdue = page.model.rowCount()
    assert 0 < overdue < both
    assert all(t.startswith("超期") for t in _column(page, COL_DUE))
    text = page.filter_label.text()
    for words in ("矛盾纠纷", "东山村", "已超期"):
        assert words in text
    assert page.clear_button.isEnabled()
    page.clear_button.click()
    assert page.model.rowCount() == 30
    assert page.filter_label.text() == "当前筛选：无（显示全部案件）"
    assert not page.overdue_check.isChecked() and page.kind_combo.currentData() is None


def test_status_risk_staff_and_date_filters(page, qtbot, filled_desk):
    page.risk_combo.setCurrentIndex(page.risk_combo.findData("high"))
    assert page.model.rowCount() and set(_column(page, 8)) == {"高"}
    page.risk_combo.setCurrentIndex(0)
    staff = organisation.list_staff(filled_desk, "mediator")[0]
    page.staff_combo.setCurrentIndex(page.staff_combo.findData(staff.id))
    assert page.model.rowCount() and set(_column(page, 10)) == {staff.name}
    page.staff_combo.setCurrentIndex(0)
    page.date_from.setDate(QDate(2026, 11, 1))
    page.date_to.setDate(QDate(2026, 11, 27))
    page.date_check.setChecked(True)
    received = _column(page, COL_RECEIVED)
    assert received and all("2026-11-01" <= d <= "2026-11-27" for d in received)
    page.status_combo.setCurrentIndex(page.status_combo.findData("__closed__"))
    assert page.model.rowCount() == 0
    qtbot.waitUntil(lambda: page.count_label.text() == "没有符合条件的案件")


def test_due_within_seven_days(page):
    page.due_soon_check.setChecked(True)
    for row in range(page.model.rowCount()):
        left = page.model.index(row, COL_DUE).data(Qt.ItemDataRole.UserRole + 3)
        assert 0 <= left <= 7


def test_sorting_by_header_changes_order(page, qtbot):
    page.table.sortByColumn(COL_NUMBER, Qt.SortOrder.AscendingOrder)
    assert page.model.sort_key == "number" and not page.model.descending
    first = _column(page, COL_NUMBER)
    page.table.sortByColumn(COL_NUMBER, Qt.SortOrder.DescendingOrder)
    second = _column(page, COL_NUMBER)
    assert first != second and sorted(first) == sorted(second)
    page.table.sortByColumn(COL_RECEIVED, Qt.SortOrder.AscendingOrder)
    received = _column(page, COL_RECEIVED)
    assert received == sorted(received)
    page.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
    assert page.model.sort_key == "due_on"


def test_overdue_days_are_red(page):
    model = page.model
    reds, others = 0, 0
    for row in range(model.rowCount()):
        index = model.index(row, COL_DUE)
        left = index.data(Qt.ItemDataRole.UserRole + 3)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if left is not None and left < 0:
            reds += 1
            assert brush is not None and brush.color() == QColor(200, 0, 0)
            assert index.data().startswith("超期")
        elif left is not None and left > 3:
            others += 1
            assert brush is None
    assert reds and others


def test_export_current_view_to_xlsx(page, qtbot, tmp_path, monkeypatch, messages):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("dispute"))
    shown = page.model.rowCount()
    assert page.export() == target
    assert messages[-1][0] == "导出完成"
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "青石镇人民调解委员会案件登记簿"
    assert "矛盾纠纷" in sheet["A2"].value and sheet["A2"].value.startswith("筛选条件：")
    assert sheet["A4"].value == f"共 {shown} 件"
    header = [c.value for c in sheet[5]]
    assert header[:4] == ["编号", "类型", "类别", "标题/事由"] and "期限" in header
    assert sheet["A5"].font.bold
    assert sheet.freeze_panes == "B6"
    assert sheet.column_dimensions["D"].width >= 30
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(rows) == shown and {r[1] for r in rows} == {"矛盾纠纷"}
    assert [r[0] for r in rows] == _column(page, COL_NUMBER)  # same order as on screen


def test_enter_and_double_click_open_the_case(page, qtbot):
    page.table.setFocus()
    page.table.selectRow(2)
    expected = page.model.case_id(2)
    with qtbot.waitSignal(page.open_case) as signal:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert signal.args == [expected]
    rect = page.table.visualRect(page.model.index(0, 3))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_case) as signal:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [page.model.case_id(0)]


def test_new_buttons_ask_for_the_kind(page, qtbot):
    with qtbot.waitSignal(page.new_case) as signal:
        page.new_petition_button.click()
    assert signal.args == ["petition"]


def test_filters_can_be_folded_away_and_it_is_remembered(page, qtbot, filled_desk):
    assert page.filters.isVisible()
    page.filters_button.setChecked(False)
    assert not page.filters.isVisible() and page.filters_button.text() == "筛选…"
    other = RegisterPage(filled_desk)
    qtbot.addWidget(other)
    other.show()
    assert not other.filters.isVisible() and not other.filters_button.isChecked()
