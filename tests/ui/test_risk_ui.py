"""The 风险评估 page and the assessment dialog (offscreen, fresh temporary database, dialogs patched;
Chinese text is typed with setText, never keyClicks)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog

from mediation_desk.services import cases, risk
from mediation_desk.ui.risk import AssessmentDialog, RiskPage
from mediation_desk.ui.risk import page as page_module

TODAY = date(2026, 11, 27)


def _patch_dialog(monkeypatch, *fills):
    """AssessmentDialog.exec runs each ``fill(dialog)`` in turn and presses 保存 after each, like a
    user who corrects what was refused; stops at the first save that succeeds."""
    seen = []

    def fake_exec(self):
        seen.append(self)
        for fill in fills:
            fill(self)
            if self.save():
                return QDialog.DialogCode.Accepted
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(AssessmentDialog, "exec", fake_exec)
    return seen


def _set_combo(combo, code):
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def fill_matter(d: AssessmentDialog) -> None:
    d.title_edit.setText("东山村垃圾中转站建设")
    _set_combo(d.type_combo, "project")
    d.description_edit.setPlainText("拟在东山村建设垃圾中转站一座，周边有农户86户。")
    d.unit_edit.setText("青石镇规划建设管理所")
    d.leader_combo.setCurrentText("赵建国")
    d.group_edit.setText("赵建国（组长）、李明、王芳")
    d.assessed_edit.setDate(QDate(2026, 11, 20))
    d.method_checks["questionnaire"].setChecked(True)
    d.method_checks["visits"].setChecked(True)
    d.surveyed_spin.setValue(120)
    d.favour_spin.setValue(90)
    d.against_spin.setValue(20)
    d.neutral_spin.setValue(10)
    for code in ("legality", "reasonableness", "feasibility"):
        d.dimension_boxes[code].set_finding("pass")
    d.dimension_boxes["controllability"].set_finding("concern", "medium")
    d.dimension_boxes["controllability"].note.setPlainText("个别农户存在阻工可能。")
    row = d.add_view("周边农户", "担心臭气影响生活", True, "已纳入除臭设备")
    assert row == 0
    d.add_point("施工期间可能出现阻工", "medium", "medium", "逐户走访")
    d.mitigation_edit.setPlainText("逐户上门做好解释工作。")
    d.contingency_edit.setPlainText("成立应急处置领导小组。")


@pytest.fixture
def page(qtbot, desk):
    p = RiskPage(desk)
    qtbot.addWidget(p)
    p.resize(1176, 708)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_create_an_assessment(page, desk, monkeypatch, messages):
    def check_suggestion(d: AssessmentDialog):
        fill_matter(d)
        # the rule's suggestion is live and says what raised it
        assert "建议等级：中" in d.suggested_label.text()
        assert "可控性评估存在风险" in d.explanation_label.text()
        assert "由此决定：可控性评估存在风险" in d.suggestion_strip.text()
        assert "支持90人，占75.0%" in d.shares_label.text()
        _set_combo(d.level_combo, risk.ADOPT_SUGGESTED)
        assert "一致" in d.level_note.text() and not d.reason_edit.isEnabled()
        _set_combo(d.outcome_combo, "implement_adjusted")

    dialogs = _patch_dialog(monkeypatch, check_suggestion)
    result = page.new_assessment()
    assert result is not None and result.created
    a = result.assessment
    assert a.number == "（2026）青稳评字第001号" and (a.suggested_level, a.level) == ("medium", "medium")
    assert a.party_views == [{"party": "周边农户", "view": "担心臭气影响生活", "adopted": True, "note": "已纳入除臭设备"}]
    assert a.risk_points[0]["likelihood"] == "medium" and a.methods == ["questionnaire", "visits"]
    assert dialogs[0].windowTitle() == "新建社会稳定风险评估"
    assert messages[-1][0] == "已保存" and "建议等级“中”，确定等级“中”" in messages[-1][1]
    assert page.model.rowCount() == 1 and page.selected_id() == a.id
    assert page.model.text(page.model.row_at(0), 5) == "中"
    html = page.detail.toPlainText()
    assert "东山村垃圾中转站建设" in html and "可控性评估存在风险" in html and "与建议等级一致" in html
    assert "全部季度：列表中 1 件" in page.summary_label.text()  # the database was empty when the page opened
    _set_combo(page.quarter_combo, "2026Q4")
    assert "应评事项1件，已评1件，评估率100.0%" in page.summary_label.text() and page.selected_id() == a.id


def test_override_the_level_needs_a_reason_and_keeps_both(page, desk, monkeypatch, messages):
    created = risk.save_assessment(desk, risk.AssessmentInput(
        title="西河村村规民约修订", surveyed=100, in_favour=90, against=5, neutral=5, assessed_on=date(2026, 11, 12),
        dimensions={c: risk.DimensionInput("pass") for c in ("legality", "reasonableness", "feasibility",
                                                               "controllability")})).assessment
    page.reload()
    assert page.select(created.id)

    def override_without_reason(d: AssessmentDialog):
        assert d.tabs.currentIndex() == 5  # opened on 等级与结论
        assert "建议等级：低" in d.suggested_label.text()
        _set_combo(d.level_combo, "high")
        assert "属于改判，必须写明理由" in d.level_note.text() and d.reason_edit.isEnabled()
        d.tabs.setCurrentIndex(0)

    def give_reason(d: AssessmentDialog):
        # the refusal was shown and the dialog went back to the level tab
        assert messages[-1][0] == "不能保存" and "改判必须写明理由" in messages[-1][1]
        assert d.tabs.currentIndex() == 5
        d.reason_edit.setPlainText("涉及全体村民，社会影响面大，上调一级。")
        _set_combo(d.outcome_combo, "postpone")

    dialogs = _patch_dialog(monkeypatch, override_without_reason, give_reason)
    page.level_button.click()
    assert len(dialogs) == 1 and dialogs[0].saved is not None
    stored = risk.get_assessment(desk, created.id)
    assert (stored.suggested_level, stored.level) == ("low", "high")
    assert stored.override_reason == "涉及全体村民，社会影响面大，上调一级。" and stored.decision_outcome == "postpone"
    assert messages[-1][0] == "已保存" and "（改判）" in messages[-1][1]
    row = page.model.row_at(page.model.find(created.id))
    assert page.model.text(row, 5) == "高（改判）" and page.model.text(row, 4) == "低"
    assert "改判理由：涉及全体村民" in page.detail.toPlainText()


def test_cancel_keeps_nothing(page, desk, monkeypatch):
    def fill_and_cancel(self):
        fill_matter(self)
        self.reject()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(AssessmentDialog, "exec", fill_and_cancel)
    assert page.new_assessment() is None
    assert risk.list_assessments(desk) == []


def test_survey_numbers_over_the_total_are_refused(page, desk, monkeypatch, messages):
    def too_many(d: AssessmentDialog):
        fill_matter(d)
        d.surveyed_spin.setValue(50)
        assert "超过了调查人数" in d.suggestion_strip.text()
        d.tabs.setCurrentIndex(4)

    def fix(d: AssessmentDialog):
        assert d.tabs.currentIndex() == 1 and "超过了调查人数" in messages[-1][1]
        d.surveyed_spin.setValue(130)

    _patch_dialog(monkeypatch, too_many, fix)
    result = page.new_assessment()
    assert result is not None and result.assessment.surveyed == 130 and result.assessment.level == ""


def test_edit_round_trip_loses_nothing(page, desk, monkeypatch, messages):
    _patch_dialog(monkeypatch, fill_matter)
    first = page.new_assessment().assessment
    _patch_dialog(monkeypatch, lambda d: None)  # open and save unchanged
    again = page.edit_assessment(first.id).assessment
    for name in ("title", "methods", "surveyed", "in_favour", "against", "neutral", "dimensions", "party_views",
                 "risk_points", "mitigation", "contingency", "assessed_on", "suggested_level", "level"):
        assert getattr(again, name) == getattr(first, name), name


def test_filters_by_level_outcome_and_quarter(page, desk):
    base = dict(surveyed=10, in_favour=9, against=1, neutral=0,
                dimensions={c: risk.DimensionInput("pass") for c in ("legality", "reasonableness", "feasibility",
                                                                       "controllability")})
    risk.save_assessment(desk, risk.AssessmentInput(title="甲事项", level="low", decision_outcome="implement",
                                                    assessed_on=date(2026, 11, 2), **base))
    risk.save_assessment(desk, risk.AssessmentInput(title="乙事项", level="high", override_reason="上调",
                                                    decision_outcome="reject", assessed_on=date(2026, 10, 2), **base))
    risk.save_assessment(desk, risk.AssessmentInput(title="丙事项", assessed_on=date(2026, 8, 2), **base))
    page.reload()
    assert page.quarter_combo.currentData() == "" and page.model.rowCount() == 3
    _set_combo(page.quarter_combo, "2026Q4")
    assert page.model.rowCount() == 2
    _set_combo(page.level_combo, "high")
    assert [page.model.row_at(i).title for i in range(page.model.rowCount())] == ["乙事项"]
    _set_combo(page.level_combo, "")
    _set_combo(page.outcome_combo, "implement")
    assert [page.model.row_at(i).title for i in range(page.model.rowCount())] == ["甲事项"]
    _set_combo(page.outcome_combo, "")
    _set_combo(page.quarter_combo, "2026Q3")
    assert [page.model.row_at(i).title for i in range(page.model.rowCount())] == ["丙事项"]
    assert page.model.text(page.model.row_at(0), 5) == "未确定"
    _set_combo(page.quarter_combo, "")
    page.search_edit.setText("乙")
    assert page.model.rowCount() == 1 and "全部季度" in page.summary_label.text()


def test_print_report_filing_and_quarter_stats(page, desk, monkeypatch, messages, tmp_path):
    _patch_dialog(monkeypatch, fill_matter)
    a = page.new_assessment().assessment
    targets = iter([tmp_path / "报告.pdf", tmp_path / "报备表.docx", tmp_path / "统计.xlsx"])
    asked = []

    def fake_save(parent, title, default, filters):
        asked.append((title, default))
        return str(next(targets)), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert page.print_document("report") == tmp_path / "报告.pdf"
    page.filing_print_button.click()
    assert page.export_stats() == tmp_path / "统计.xlsx"
    for name in ("报告.pdf", "报备表.docx", "统计.xlsx"):
        assert (tmp_path / name).stat().st_size > 1000
    assert "社会稳定风险评估报告（2026）青稳评字第001号.pdf" in asked[0][1]
    assert asked[2][1].endswith("社会稳定风险评估季度统计表2026Q4.pdf")
    assert messages[-1][0] == "已保存" and a.number


def test_high_risk_case_assessment_and_contract(page, desk, monkeypatch, messages):
    case = cases.register_case(desk, "dispute", {"title": "张三与李四宅基地纠纷", "category": "neighbour",
                                                 "risk_grade": "high", "received_on": "2026-11-02"})
    page.reload()
    assert page.case_button.isEnabled() and "1 件风险等级为高、尚未办结的案件还没有开展稳评" in page.alert_label.text()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))

    def fill(d: AssessmentDialog):
        assert d.case_edit.text() == case.number and d.type_combo.currentData() == "case"
        assert "张三与李四宅基地纠纷" in d.title_edit.text()
        d.surveyed_spin.setValue(30)
        d.favour_spin.setValue(10)
        d.against_spin.setValue(20)
        _set_combo(d.level_combo, risk.ADOPT_SUGGESTED)
        d.leader_combo.setCurrentText("赵建国")

    _patch_dialog(monkeypatch, fill)
    monkeypatch.setattr(risk, "contracts_module", lambda: None)
    result = page.new_for_high_case()
    assert result.assessment.case_id == case.id and result.assessment.level == "high"
    assert "建议落实领导包案" in messages[-1][1]
    assert not page.case_button.isEnabled()
    # the one-click contract: suggested, disabled while the contracts service is not installed
    assert page.contract_button.isVisibleTo(page) and not page.contract_button.isEnabled()
    assert "建议由赵建国" in page.detail.toPlainText()
    assert page.model.text(page.model.row_at(0), 7).endswith("待包案")
    created = []
    monkeypatch.setattr(risk, "contracts_module", lambda: object())
    monkeypatch.setattr(page_module.risk, "create_contract",
                        lambda desk_, aid: created.append(aid) or type("C", (), {"number": "（2026）青包字第001号"})())
    page._show_selected()
    assert page.contract_button.isEnabled()
    page.contract_button.click()
    assert created == [result.assessment.id] and "已建立领导包案（2026）青包字第001号" in messages[-1][1]
    # open the case from the page
    with_signal = []
    page.open_case.connect(with_signal.append)
    page.case_open_button.click()
    assert with_signal == [case.id]


def test_filing_through_the_dialog_goes_to_the_columns(page, desk, monkeypatch, messages):
    def fill(d: AssessmentDialog):
        fill_matter(d)
        _set_combo(d.level_combo, risk.ADOPT_SUGGESTED)
        d.filed_check.setChecked(True)
        d.filed_edit.setDate(QDate(2026, 11, 24))
        d.filing_number_edit.setText("临稳备〔2026〕35号")
        d.office_edit.setText("临川县委政法委（维稳办）")
        d.add_follow_up(date(2026, 11, 26), "群众情绪平稳")

    _patch_dialog(monkeypatch, fill)
    a = page.new_assessment().assessment
    stored = risk.get_assessment(desk, a.id)
    assert (stored.filed_on, stored.filing_number, stored.filing_office) == (
        date(2026, 11, 24), "临稳备〔2026〕35号", "临川县委政法委（维稳办）")
    assert stored.follow_up == [{"date": "2026-11-26", "note": "群众情绪平稳"}]
    assert "2026-11-24 临川县委政法委（维稳办） 临稳备〔2026〕35号" in page.detail.toPlainText()
    assert "1条" in page.detail.toPlainText()
    tip = page.model.data(page.model.index(0, 7), Qt.ItemDataRole.ToolTipRole)
    assert "报临川县委政法委（维稳办）备案" in tip and "临稳备〔2026〕35号" in tip

    # the dialog shows the stored filing again; unticking 已报备 clears it
    def check_and_untick(d: AssessmentDialog):
        assert d.filed_check.isChecked() and d.filing_number_edit.text() == "临稳备〔2026〕35号"
        assert d.office_edit.text() == "临川县委政法委（维稳办）" and d.follow_table.rowCount() == 1
        d.filed_check.setChecked(False)

    _patch_dialog(monkeypatch, check_and_untick)
    again = page.edit_assessment(a.id).assessment
    assert (again.filed_on, again.filing_number, again.filing_office) == (None, "", "")
    assert again.follow_up == [{"date": "2026-11-26", "note": "群众情绪平稳"}]


def test_void(page, desk, monkeypatch, messages):
    _patch_dialog(monkeypatch, fill_matter)
    a = page.new_assessment().assessment
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    assert not page.void_assessment()
    assert "作废须写明理由" in messages[-1][1]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("重复登记", True))
    changed = []
    page.changed.connect(lambda: changed.append(1))
    assert page.void_assessment() and changed
    assert page.model.rowCount() == 0 and risk.get_assessment(desk, a.id).voided
    stored = risk.get_assessment(desk, a.id)
    assert stored.void_reason == "重复登记" and stored.follow_up == []
    text = page._detail_html(risk.assessment_dict(desk, a.id), None)
    assert "作废理由" in text and "重复登记" in text


def test_first_load_shows_all_quarters_when_this_one_is_empty(qtbot, desk):
    risk.save_assessment(desk, risk.AssessmentInput(title="三季度事项", assessed_on=date(2026, 8, 2)))
    p = RiskPage(desk)
    qtbot.addWidget(p)
    assert p.quarter_combo.currentData() == "" and p.model.rowCount() == 1
    assert [p.quarter_combo.itemData(i) for i in range(p.quarter_combo.count())] == ["", "2026Q4", "2026Q3"]


def test_page_in_the_main_window_navigation():
    from mediation_desk.ui import main_window

    spec = dict((k, s) for k, _label, s in main_window.NAVIGATION)["risk"]
    assert main_window.area_available(spec) and main_window.load_page_class(spec) is RiskPage
    assert hasattr(RiskPage, "open_case") and hasattr(RiskPage, "changed")
    assert Qt  # imported for the flags used by the dialogs
