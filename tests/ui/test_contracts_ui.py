"""The 领导包案 page (offscreen, fresh temporary database, dialogs patched; Chinese text is typed
with setText / setPlainText, never keyClicks): assigning, logging progress, extending (and the
second extension refused), closing with the checklist, reopening, flags, opening the case, prints."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from mediation_desk.services import cases, contracts, organisation
from mediation_desk.services.contracts import ContractInput
from mediation_desk.services.parties import PartyInput
from mediation_desk.ui.contracts import (
    AssignDialog, CasePickerDialog, CloseDialog, ContractsPage, ExtendDialog, ProgressDialog, ReopenDialog,
    assign_for_case,
)
from mediation_desk.ui.contracts.table_model import COLUMNS

COL = {key: i for i, (key, _title, _w) in enumerate(COLUMNS)}


def _case(desk, title="张三与李四宅基地纠纷", **extra):
    village = organisation.villages(desk)[0]
    return cases.register_case(desk, "dispute", {
        "title": title, "category": "homestead", "area_id": village.id, "received_on": "2026-08-20",
        "claims": "要求确认边界", "is_backlog": True, **extra,
    }, [PartyInput("applicant", fields={"name": "张三"}), PartyInput("respondent", fields={"name": "李四"})])


def _contract(desk, case_id, assigned="2026-09-10"):
    leader = next(s for s in organisation.list_staff(desk) if s.name == "赵建国")
    return contracts.assign_contract(desk, case_id, ContractInput(
        leader_id=leader.id, responsible_unit="青石镇司法所", responsible_persons="李明", plan="走访；协调",
        assigned_on=assigned))


def _patch(monkeypatch, cls, fill):
    """``cls.exec`` fills the dialog with ``fill(dialog)`` (which presses 保存 itself) instead of showing it."""
    seen = []

    def fake_exec(self):
        seen.append(self)
        fill(self)
        if self.result() == QDialog.DialogCode.Accepted:
            return QDialog.DialogCode.Accepted
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(cls, "exec", fake_exec)
    return seen


@pytest.fixture
def page(qtbot, desk):
    p = ContractsPage(desk)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def _text(page, row, key):
    return page.model.index(row, COL[key]).data()


def test_assign_a_case_from_the_page(page, desk, monkeypatch, messages, qtbot):
    case = _case(desk)
    assert page.model.rowCount() == 0 and "在办包案 0 件" in page.summary_label.text()

    def pick(d: CasePickerDialog):
        assert d.list.topLevelItemCount() == 1 and d.list.topLevelItem(0).text(3) == "积案"
        d.accept()

    def fill(d: AssignDialog):
        assert d.leader_combo.currentText() == "赵建国" and d.post_edit.text() == "镇党委副书记"
        assert d.phone_edit.text() == "13900001111"
        assert d.deadline_edit.date().toPython() == date(2027, 3, 1)  # today + 3 months, rolled to Monday
        d.unit_edit.setText("青石镇司法所")
        d.persons_edit.setText("李明")
        d.team_edit.setText("赵建国（组长）、李明、东山村书记王强")
        d.accept()  # no plan yet: refused, the dialog stays open with what was typed
        assert d.saved is None and messages[-1] == ("不能保存", "请填写化解方案（一案一策：化解措施、步骤和分工）。")
        d.plan_edit.setPlainText("一、化解目标：依法确权。\n二、工作措施：现场勘测，召开协调会。")
        d.accept()

    pickers = _patch(monkeypatch, CasePickerDialog, pick)
    dialogs = _patch(monkeypatch, AssignDialog, fill)
    with qtbot.waitSignal(page.changed):
        contract = page.assign()
    assert pickers and dialogs[0].case_id == case.id
    assert contract.number == "（2026）青包字第001号" and contract.task_team.startswith("赵建国（组长）")
    assert messages[-1][0] == "已保存" and "（2026）青包字第001号" in messages[-1][1]
    assert page.model.rowCount() == 1
    assert _text(page, 0, "number") == "（2026）青包字第001号" and _text(page, 0, "leader") == "赵建国"
    assert _text(page, 0, "progress") == "未报" and _text(page, 0, "when") == "还剩94天"
    assert page.loads.item(0, 0).text() == "赵建国" and page.loads.item(0, 1).text() == "1"
    assert "现场勘测" in page.plan_view.toPlainText()
    # from the case window: a case that already has a contract says who holds it
    assert assign_for_case(desk, case.id, page) is None
    assert messages[-1][0] == "已有包案" and "赵建国" in messages[-1][1]


def test_log_progress(page, desk, monkeypatch, messages):
    contract = _contract(desk, _case(desk).id)
    page.refresh()
    assert _text(page, 0, "progress") == "未报"
    # assigned in September, nothing reported since: a whole month passed without an entry
    assert page.reminder_label.isVisible()
    assert page.reminder_label.text().startswith("提醒：1 件包案已有整月未报送工作情况：赵建国（张三与李四宅基地纠纷）")

    def fill(d: ProgressDialog):
        assert d.month_combo.currentData() == "2026-11" and d.month_combo.count() == 3  # 9, 10, 11月
        d.work_edit.setPlainText("赵建国带专班现场勘测，召开协调会")
        d.contacts_edit.setText("约谈张三、李四")
        d.attitude_edit.setText("张三同意测量结果")
        d.next_edit.setText("下月签订协议")
        d.signed_check.setChecked(True)
        d.accept()

    _patch(monkeypatch, ProgressDialog, fill)
    entry = page.log_progress()
    assert entry.contract_id == contract.id and entry.month == "2026-11" and entry.signed
    assert messages[-1] == ("已保存", "已记录11月工作情况。")
    assert _text(page, 0, "progress") == "已报"
    assert not page.reminder_label.isVisible()
    assert page.progress_table.rowCount() == 1 and page.progress_table.item(0, 2).text().startswith("赵建国带专班")
    assert page.history_table.item(0, 2).text() == "记录2026年11月工作情况（测试员）"


def test_extend_once_and_a_second_extension_is_refused(page, desk, monkeypatch, messages):
    _contract(desk, _case(desk).id)
    page.refresh()
    assert _text(page, 0, "deadline") == "2026.12.10"

    def fill(d: ExtendDialog):
        assert d.months_spin.maximum() == 1
        assert d.new_label.text() == "2027年1月11日"
        d.reason_edit.setPlainText("当事人外出务工，春节返乡后再协调")
        d.approver_edit.setText("周镇长")
        d.accept()

    dialogs = _patch(monkeypatch, ExtendDialog, fill)
    saved = page.extend()
    assert saved.deadline_on == date(2027, 1, 11)
    assert _text(page, 0, "deadline") == "2027.1.11*"
    assert len(dialogs) == 1
    assert page.extend() is None and len(dialogs) == 1  # not even opened
    assert messages[-1][0] == "不能延期" and "最多延期1次" in messages[-1][1]


def test_close_needs_the_checklist_then_reopen_goes_back_to_the_same_leader(page, desk, monkeypatch, messages):
    contract = _contract(desk, _case(desk).id)
    page.refresh()

    def close(d: CloseDialog):
        assert "事实未查清的不得销号" in d.problems_label.text()
        d.accept()
        assert d.saved is None and messages[-1][0] == "不能保存" and "不符合销号条件" in messages[-1][1]
        assert not d.agreement_check.isEnabled()
        d.set_status("petitioner_withdrew")
        assert d.agreement_check.isEnabled()
        for box in (d.facts_check, d.handling_check, d.solved_check, d.agreement_check):
            box.setChecked(True)
        d.set_satisfaction("basically_satisfied")
        d.approver_edit.setText("周镇长")
        assert d.problems_label.text() == "符合销号条件。"
        d.accept()

    _patch(monkeypatch, CloseDialog, close)
    closed = page.close_out()
    assert closed.status == "petitioner_withdrew" and closed.withdrawal_agreement
    assert closed.closed_on == date(2026, 11, 27)
    assert messages[-1] == ("已保存", f"包案 {contract.number} 已销号（息诉罢访）。")
    # the page lists open contracts by default: show all to find it again
    page.set_status("")
    assert _text(page, 0, "status") == "息诉罢访" and _text(page, 0, "when") == "已销号"
    assert page.reopen_button.isEnabled() and not page.progress_button.isEnabled()

    def reopen(d: ReopenDialog):
        assert "仍由赵建国（镇党委副书记）包案" in d.header.text()
        d.reason_edit.setPlainText("李四又在边界砌墙，张三再次上访")
        d.accept()

    _patch(monkeypatch, ReopenDialog, reopen)
    again = page.reopen()
    assert again.id == contract.id and again.leader_name == "赵建国" and again.reopened_count == 1
    assert page.status_combo.currentData() == "open"
    assert _text(page, 0, "status") == "化解中（重启1次）"
    history = [page.history_table.item(i, 2).text() for i in range(page.history_table.rowCount())]
    assert history[0].startswith("问题反弹，重新启动包案（第1次）")
    assert any(h.startswith("销号：息诉罢访，满意度基本满意，已签订息访协议") for h in history)


def test_flags_filters_and_opening_the_case(page, desk, monkeypatch, messages, qtbot):
    first = _case(desk, "甲村土地纠纷")
    second = _case(desk, "乙村山林纠纷")
    other = organisation.add_staff(desk, "钱副镇长", ["leader"], post="副镇长")
    late = _contract(desk, first.id, assigned="2026-08-21")  # due 2026-11-23: overdue
    contracts.update_contract(desk, late.id, leader_id=other.id)
    _contract(desk, second.id)
    page.refresh()
    assert page.model.rowCount() == 2 and _text(page, 0, "when") == "超期4天"
    assert "已超期 1 件" in page.summary_label.text()
    page.overdue_check.setChecked(True)
    assert page.model.rowCount() == 1 and _text(page, 0, "case") == "甲村土地纠纷"
    page.overdue_check.setChecked(False)
    # choosing a leader in the loads list filters by them
    row = next(r for r in range(page.loads.rowCount()) if page.loads.item(r, 0).text() == "钱副镇长")
    page.loads.selectRow(row)
    assert page.leader_combo.currentData() == "钱副镇长" and page.model.rowCount() == 1
    page.set_leader(None)
    assert page.model.rowCount() == 2
    # flags
    page.table.selectRow(0)
    page.lost_action.trigger()
    assert _text(page, 0, "flags") == "失联" and page.lost_action.isChecked()
    # double-click (activate) opens the case
    with qtbot.waitSignal(page.open_case) as signal:
        page.table.activated.emit(page.model.index(0, 0))
    assert signal.args == [first.id]


def test_print_the_letter_and_export_the_ledger(page, desk, monkeypatch, messages, tmp_path):
    contract = _contract(desk, _case(desk).id)
    page.refresh()
    targets = iter([tmp_path / "责任书.pdf", tmp_path / "台账.xlsx", tmp_path / "台账"])
    asked = []

    def fake_save(parent, title, suggested, pattern):
        asked.append((title, suggested))
        return str(next(targets)), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert page.print_letter() == tmp_path / "责任书.pdf"
    assert (tmp_path / "责任书.pdf").stat().st_size > 1000
    assert asked[0][1].endswith(f"包案责任书-{contract.number}-赵建国.pdf")
    assert messages[-1][0] == "已生成"
    assert page.ledger_month_key() == "2026-11"
    assert page.export_ledger("xlsx") == tmp_path / "台账.xlsx"
    assert "本月在册包案1件" in messages[-1][1]
    assert page.export_ledger("docx") == tmp_path / "台账.docx"  # the suffix is added when missing
    assert (tmp_path / "台账.docx").exists()


# --------------------------------------------------------------------------- edit, void, correct, masked ledger


def test_edit_hands_the_contract_over_to_another_leader(page, desk, monkeypatch, messages):
    from sqlmodel import select

    from mediation_desk.store.models import AuditEntry

    contract = _contract(desk, _case(desk).id)
    organisation.add_staff(desk, "钱副镇长", ["leader"], post="副镇长", phone="13700001111")
    page.refresh()
    assert page.edit_button.isEnabled() and page.void_button.isEnabled()

    def fill(d: AssignDialog):
        # pre-filled with what the contract has; the number and the assignment date stay
        assert d.windowTitle() == "修改包案 / 更换包案领导"
        assert d.leader_combo.currentText() == "赵建国" and d.post_edit.text() == "镇党委副书记"
        assert d.unit_edit.text() == "青石镇司法所" and d.persons_edit.text() == "李明"
        assert d.plan_edit.toPlainText() == "走访；协调" and not d.assigned_edit.isEnabled()
        assert contract.number in d.number_label.text()
        assert d.deadline_edit.maximumDate().toPython() == date(2026, 12, 10)  # never past the term
        d.set_leader("钱副镇长")  # hand over: the new leader's post and phone come with them
        assert (d.post_edit.text(), d.phone_edit.text()) == ("副镇长", "13700001111")
        d.team_edit.setText("钱副镇长（组长）、李明")
        d.unit_edit.setText("")
        d.accept()  # refused in Chinese; the dialog stays open with what was typed
        assert d.saved is None and d.result() != QDialog.DialogCode.Accepted
        assert messages[-1] == ("不能保存", "请填写责任单位。")
        assert d.leader_combo.currentText() == "钱副镇长" and d.team_edit.text() == "钱副镇长（组长）、李明"
        d.unit_edit.setText("青石镇综治中心")
        d.deadline_edit.setDate(d.deadline_edit.date().addDays(-5))
        d.accept()

    dialogs = _patch(monkeypatch, AssignDialog, fill)
    saved = page.edit()
    assert dialogs and dialogs[0].contract_id == contract.id
    assert saved.id == contract.id and saved.number == contract.number
    assert (saved.leader_name, saved.leader_post, saved.leader_phone) == ("钱副镇长", "副镇长", "13700001111")
    assert saved.responsible_unit == "青石镇综治中心" and saved.deadline_on == date(2026, 12, 5)
    assert messages[-1] == ("已保存", f"包案 {contract.number} 已由赵建国移交给钱副镇长负责。")
    assert _text(page, 0, "leader") == "钱副镇长"
    assert page.history_table.item(0, 2).text().startswith("修改包案信息（包案领导、职务、电话、责任单位、工作专班、化解时限）"
                                                          "：包案领导由赵建国改为钱副镇长")
    assert page.history_table.item(0, 1).text() == "测试员"
    with desk.read() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity == "leader_contract",
                                                     AuditEntry.entity_id == contract.id,
                                                     AuditEntry.action == "update")).all()
    assert len(rows) == 1
    assert rows[0].before["leader_name"] == "赵建国" and rows[0].after["leader_name"] == "钱副镇长"
    assert rows[0].after["deadline_on"] == "2026-12-05" and "plan" not in rows[0].after  # only what changed


def test_void_needs_a_reason_and_the_contract_leaves_the_list(page, desk, monkeypatch, messages):
    from mediation_desk.ui.contracts import VoidDialog

    wrong_case = _case(desk, "误交办的案件")
    wrong = _contract(desk, wrong_case.id)
    _contract(desk, _case(desk, "乙村山林纠纷").id)
    page.refresh()
    assert page.model.rowCount() == 2
    page.select_contract(wrong.id)

    def fill(d: VoidDialog):
        assert wrong.number in d.header.text()
        d.accept()
        assert d.saved is None and messages[-1] == ("不能保存", "请填写作废原因。")
        d.reason_edit.setPlainText("误将他案交办，重复录入")
        d.accept()

    _patch(monkeypatch, VoidDialog, fill)
    voided = page.void()
    assert voided.voided and voided.id == wrong.id
    assert messages[-1] == ("已保存", f"包案 {wrong.number} 已作废（编号不再使用）。该案件可以重新交办包案。")
    assert page.model.rowCount() == 1 and page.model.find(wrong.id) < 0
    page.set_status("")  # not among the closed ones either
    assert page.model.rowCount() == 1
    assert "在办包案 1 件" in page.summary_label.text()
    assert contracts.contract_for_case(desk, wrong_case.id) is None
    history = [h.text for h in contracts.contract_history(desk, wrong.id)]
    assert history[-1] == "作废：误将他案交办，重复录入"


def test_correct_a_progress_entry(page, desk, monkeypatch, messages):
    contract = _contract(desk, _case(desk).id)
    entry = contracts.add_progress(desk, contract.id, contracts.ProgressInput(
        work_done="赵建国约谈张三", entry_on="2026-11-10"))
    page.refresh()
    assert page.correct_button.isEnabled()
    assert page.correct_progress() is None  # nothing chosen: says where to choose
    assert messages[-1][1] == "请先在下方“每月工作情况”中选择要修改的一条记录。"
    assert page.details.currentWidget() is page.progress_table
    page.progress_table.selectRow(0)
    assert page.current_entry_id() == entry.id

    def fill(d: ProgressDialog):
        assert d.windowTitle() == "修改工作情况记录" and d.month_combo.currentData() == "2026-11"
        assert d.work_edit.toPlainText() == "赵建国约谈张三"
        assert d.entry_edit.date().toPython() == date(2026, 11, 10)
        d.work_edit.setPlainText("赵建国约谈张三、李四，现场勘测边界")
        d.entry_edit.setDate(d.entry_edit.date().addDays(30))  # after today: refused, kept
        d.accept()
        assert d.saved is None and messages[-1] == ("不能保存", "填报日期不能晚于今天。")
        assert d.work_edit.toPlainText() == "赵建国约谈张三、李四，现场勘测边界"
        d.entry_edit.setDate(d.entry_edit.date().addDays(-28))  # 2026-11-12
        d.accept()

    _patch(monkeypatch, ProgressDialog, fill)
    saved = page.correct_progress()
    assert saved.id == entry.id and saved.entry_on == date(2026, 11, 12)
    assert messages[-1] == ("已保存", "已修改2026年11月的工作情况记录。")
    entries = contracts.progress_entries(desk, contract.id)
    assert len(entries) == 1 and entries[0].work_done == "赵建国约谈张三、李四，现场勘测边界"
    assert page.progress_table.item(0, 1).text() == "2026-11-12"
    assert page.progress_table.item(0, 2).text().startswith("赵建国约谈张三、李四")
    assert page.history_table.item(0, 2).text() == "修改2026年11月工作情况记录（填报日期、开展的工作）"


def _pdftotext(path) -> str:
    import re
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if not exe:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    res = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120)
    assert res.returncode == 0
    return re.sub(r"\s+", "", res.stdout.decode("utf-8"))


def test_the_ledger_exported_with_the_names_masked(page, desk, monkeypatch, messages, tmp_path):
    village = organisation.villages(desk)[0]
    case = cases.register_case(desk, "dispute", {
        "title": "张小三与李四宅基地纠纷", "category": "homestead", "area_id": village.id, "received_on": "2026-08-20",
        "claims": "张小三要求李四拆除围墙", "is_backlog": True,
    }, [PartyInput("applicant", fields={"name": "张小三"}), PartyInput("respondent", fields={"name": "李四"})])
    contract = _contract(desk, case.id)
    contracts.add_progress(desk, contract.id, contracts.ProgressInput(work_done="约谈张小三、李四", entry_on="2026-11-20"))
    page.refresh()
    targets = iter([tmp_path / "隐藏.pdf", tmp_path / "完整.pdf"])
    asked = []

    def fake_save(parent, title, suggested, pattern):
        asked.append(suggested)
        return str(next(targets)), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert not page.ledger_mask_check.isChecked()
    page.ledger_mask_check.setChecked(True)
    assert page.export_ledger("pdf") == tmp_path / "隐藏.pdf"
    assert asked[0].endswith("领导包案工作台账-2026-11（隐藏姓名）.pdf")
    masked = _pdftotext(tmp_path / "隐藏.pdf")
    assert "张*三与李*宅基地纠纷" in masked and "张*三、李*" in masked and "约谈张*三、李*" in masked
    assert "张小三" not in masked and "李四" not in masked
    assert "信访人、当事人姓名已作隐藏处理" in masked
    assert "赵建国" in masked and "青石镇司法所" in masked  # the leader and the unit are not masked
    page.ledger_mask_check.setChecked(False)
    page.export_ledger("pdf")
    full = _pdftotext(tmp_path / "完整.pdf")
    assert "张小三与李四宅基地纠纷" in full and "隐藏处理" not in full
