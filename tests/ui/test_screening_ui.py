"""The 矛盾排查 page and the 台账与报表 page (offscreen, fresh temporary database, dialogs patched;
Chinese text is typed with setText, never keyClicks)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog

from mediation_desk.services import cases, ledger, organisation, screening
from mediation_desk.store.models import Case
from mediation_desk.ui.ledgers import LedgerPage
from mediation_desk.ui.screening import ScreeningPage
from mediation_desk.ui.screening.round_dialog import RoundDialog


def _village(desk, name="东山村"):
    return next(v for v in organisation.villages(desk) if v.name == name)


def _grid_text(page, area_id, month):
    return page.grid_model.status_text(area_id, month)


def _patch_dialog(monkeypatch, fill):
    """RoundDialog.exec fills the dialog with ``fill(dialog)`` and presses 保存."""
    seen = []

    def fake_exec(self):
        seen.append(self)
        fill(self)
        self.accept()
        return QDialog.DialogCode.Accepted if self.saved is not None else QDialog.DialogCode.Rejected

    monkeypatch.setattr(RoundDialog, "exec", fake_exec)
    return seen


@pytest.fixture
def page(qtbot, desk):
    p = ScreeningPage(desk)
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_record_a_zero_report_and_the_grid_changes_from_missing(page, desk, monkeypatch, messages, tmp_path):
    east = _village(desk)
    page.month_combo.setCurrentIndex(9)  # October
    assert _grid_text(page, east.id, "2026-10") == "未报"
    assert "未报 2 个" in page.summary_label.text()

    def fill(d: RoundDialog):
        assert d.zero_check.isChecked() and not d.tabs.isEnabled()
        d.screened_edit.setDate(QDate(2026, 10, 12))
        d.submitted_edit.setDate(QDate(2026, 10, 16))
        d.check_screener("李明")
        d.scope_edit.setText("全村各村民小组")
        d.signed_edit.setText("王村长")

    dialogs = _patch_dialog(monkeypatch, fill)
    result = page.record_round(zero=True, area_id=east.id)
    assert result is not None and result.round.is_zero_report
    assert dialogs[0].area_id() == east.id
    assert _grid_text(page, east.id, "2026-10") == "零报告"
    assert "零报告 1 个" in page.summary_label.text()
    assert messages[-1][0] == "已保存"
    assert page.rounds_list.topLevelItemCount() == 1
    top = page.rounds_list.topLevelItem(0)
    assert top.text(0) == "东山村" and top.text(4) == "零报告" and top.text(6) == "王村长"
    # print it for signature
    target = tmp_path / "零报告.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.rounds_list.setCurrentItem(top)
    assert page.print_round() == target and target.stat().st_size > 1000


def test_record_a_round_with_a_new_dispute_and_a_recheck(page, desk, monkeypatch, messages):
    east = _village(desk)
    old = cases.register_case(desk, "dispute", {"title": "张三与李四宅基地纠纷", "category": "homestead",
                                                "area_id": east.id, "received_on": "2026-09-05", "risk_grade": "medium"})
    page.month_combo.setCurrentIndex(9)
    assert _grid_text(page, east.id, "2026-10") == "未报"

    def fill(d: RoundDialog):
        d.screened_edit.setDate(QDate(2026, 10, 12))  # reloads the open cases of the village on that day
        d.submitted_edit.setDate(QDate(2026, 10, 15))
        d.check_screener("李明")
        d.signed_edit.setText("王村长")
        row = d.add_finding_row()
        w = d.finding_widgets(row)
        w["title"].setText("赵六与钱七相邻通行纠纷")
        w["category"].setCurrentIndex(w["category"].findData("neighbour_adjacency"))
        w["people"].setValue(2)
        w["parties"].setText("赵六、钱七")
        w["progress"].setText("已组织双方现场查看")
        r = d.recheck_widgets(d.recheck_row_of(old.id))
        r["progress"].setText("再次走访，双方同意再调解")
        assert r["check"].isChecked()  # typing the progress ticks the line
        r["grade"].setCurrentIndex(r["grade"].findData("high"))
        r["escalation"].setCurrentIndex(r["escalation"].findData("raise"))

    _patch_dialog(monkeypatch, fill)
    result = page.record_round(area_id=east.id)
    assert result is not None and len(result.entries) == 2 and not result.round.is_zero_report
    assert _grid_text(page, east.id, "2026-10") == "已报"
    # the raised grade makes it a major item; the prompt was answered "已上报"
    assert any(title == "重大事项须立即上报" for title, _text in messages)
    assert page.major_list.topLevelItemCount() == 0
    with desk.read() as session:
        new = session.get(Case, result.new_case_ids[0])
        assert new.source == "screening" and new.title == "赵六与钱七相邻通行纠纷" and new.people_involved == 2
        refreshed = session.get(Case, old.id)
        assert refreshed.risk_grade == "high" and refreshed.major_reported_at is not None
    top = page.rounds_list.topLevelItem(0)
    assert top.childCount() == 2
    texts = {top.child(i).text(1): top.child(i).text(4) for i in range(2)}
    assert texts == {"新发现": "已组织双方现场查看", "复核": "再次走访，双方同意再调解"}
    # activating a finding opens its case
    opened = []
    page.open_case.connect(opened.append)
    page._round_activated(top.child(0), 0)
    assert opened and opened[0] in (old.id, new.id)


def test_a_refused_round_keeps_the_dialog_open_with_the_reason(page, desk, monkeypatch, messages):
    east = _village(desk)
    screening.record_round(desk, screening.RoundInput(area_id=east.id, screened_on=date(2026, 11, 3)))
    page.refresh()

    def fill(d: RoundDialog):
        d.screened_edit.setDate(QDate(2026, 11, 20))

    _patch_dialog(monkeypatch, fill)
    assert page.record_round(zero=True, area_id=east.id) is None
    assert messages[-1][0] == "不能保存" and "已经登记过" in messages[-1][1]


def test_void_and_major_report_from_the_page(page, desk, monkeypatch, messages):
    east = _village(desk)
    result = screening.record_round(desk, screening.RoundInput(
        area_id=east.id, screened_on=date(2026, 11, 3),
        new_findings=[screening.NewFinding({"title": "十二户村民反映征地补偿", "category": "land_requisition",
                                            "people_involved": 12})]))
    page.refresh()
    assert page.major_list.topLevelItemCount() == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("县综治中心", True))
    page.major_list.setCurrentItem(page.major_list.topLevelItem(0))
    assert page.report_major()
    assert page.major_list.topLevelItemCount() == 0
    assert screening.pending_major(desk) == []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("录错了村", True))
    page.select_round(result.round.id)
    assert page.void_round()
    assert _grid_text(page, east.id, "2026-11") == "未报"


def test_double_click_on_a_missing_cell_opens_the_dialog_for_that_village(page, desk, monkeypatch, messages):
    west = _village(desk, "西河村")
    seen = _patch_dialog(monkeypatch, lambda d: d.signed_edit.setText("刘村长"))
    row = [r.area_id for r in page.grid_model.grid.rows].index(west.id)
    index = page.grid_model.index(row, 10)  # November
    page._cell_double_clicked(index)
    assert seen and seen[0].area_id() == west.id
    assert _grid_text(page, west.id, "2026-11") == "逾期补报"  # handed in on the 27th, due the 20th


def test_screening_page_screenshot(page, desk, tmp_path):
    east = _village(desk)
    screening.record_round(desk, screening.RoundInput(area_id=east.id, screened_on=date(2026, 10, 8),
                                                      submitted_on=date(2026, 10, 9)))
    page.refresh()
    image = page.grab()
    assert not image.isNull() and image.width() > 600
    image.save(str(tmp_path / "screening.png"))


# --------------------------------------------------------------------------- ledger page


@pytest.fixture
def ledger_page(qtbot, desk):
    east = _village(desk)
    a = cases.register_case(desk, "dispute", {"title": "甲乙宅基地纠纷", "category": "homestead", "area_id": east.id,
                                              "received_on": "2026-10-05"})
    b = cases.register_case(desk, "dispute", {"title": "丙丁借款纠纷", "category": "contract_loan", "area_id": east.id,
                                              "received_on": "2026-11-02"})
    cases.change_status(desk, b.id, "mediating", "2026-11-03")
    cases.change_status(desk, b.id, "agreed", "2026-11-10")
    p = LedgerPage(desk)
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    qtbot.waitExposed(p)
    p.case_ids = (a.id, b.id)
    return p


def test_ledger_page_shows_the_month_and_drills_down(ledger_page):
    page = ledger_page
    assert page.title_label.text() == "青石镇矛盾纠纷排查化解工作台账（2026年11月）"
    assert page.model.rowCount() == 2
    assert "上月结转 1 件，本月新增 1 件，本月在办 2 件" in page.total_label.text()
    assert "已办结、尚未销号" in page.notice_label.text()
    assert page.by_area.item(page.by_area.rowCount() - 1, 0).text() == "合计"
    opened = []
    page.open_case.connect(opened.append)
    page._activated(page.model.index(0, 1))
    assert opened == [page.case_ids[0]]


def test_close_out_from_the_ledger_page(ledger_page, desk, monkeypatch, messages):
    page = ledger_page
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("王芳", True))
    assert page.select_case(page.case_ids[0])
    assert not page.close_out()  # still open: refused with the reason
    assert messages[-1][0] == "不能销号" and "尚未办结" in messages[-1][1]
    assert page.select_case(page.case_ids[1])
    assert page.close_out()
    row = next(r for r in page.ledger.rows if r.case_id == page.case_ids[1])
    assert row.status_key == "closed_out"
    assert cases.get_case(desk, page.case_ids[1]).closed_out_by == "王芳"
    page.set_month(2026, 12)
    assert [r.case_id for r in page.ledger.rows] == [page.case_ids[0]]


def test_export_from_the_ledger_page_with_masking(ledger_page, monkeypatch, messages, tmp_path):
    page = ledger_page
    page.mask_check.setChecked(True)
    assert page.ledger.masked
    for kind in ("pdf", "docx", "xlsx"):
        target = tmp_path / f"台账.{kind}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        assert page.export(kind) == target and target.exists()
    assert messages[-1][0] == "导出完成"


def test_ledger_settings_dialog_changes_the_columns(ledger_page, desk, monkeypatch):
    from mediation_desk.ui.ledgers.settings_dialog import LedgerSettingsDialog

    def fake_exec(self):
        self.set_checked("party_phones", True)
        self.set_checked("source", False)
        self.preparer.setText("王芳")
        self.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LedgerSettingsDialog, "exec", fake_exec)
    assert ledger_page.edit_settings()
    keys = ledger.ledger_columns(desk)
    assert "party_phones" in keys and "source" not in keys
    assert [c.key for c in ledger_page.ledger.columns] == keys
    assert ledger.ledger_options(desk)["preparer"] == "王芳"
    headers = [ledger_page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(ledger_page.model.columnCount())]
    assert "当事人联系电话" in headers
