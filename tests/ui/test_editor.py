"""The case editor driven through its real widgets (pytest-qt, offscreen).

Chinese text is put in with setText (qtbot.keyClicks with Chinese aborts the process); ASCII
(ID numbers, phones, dates, pinyin initials) is typed with keyClicks so the inline checks run as
they do for a user. Dialogs are answered by the `dialogs` fixture.
"""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from mediation_desk.domain.idcard import make_id_number
from mediation_desk.services import attachments, cases, drafts, organisation, parties
from mediation_desk.services.parties import PartyInput
from mediation_desk.services.context import ServiceError
from mediation_desk.services.register import CaseFilter, query_cases
from mediation_desk.ui.cases.editor import CaseEditor

TODAY = date(2026, 11, 27)
ZHANG_ID = make_id_number("330102", date(1980, 5, 1), 123)  # male
SB = QMessageBox.StandardButton


class Dialogs:
    """Records every dialog and answers it: queued answers first, then the box's default."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answers: list[SB] = []
        self.texts: list[tuple[str, bool]] = []
        self.files: list[str] = []
        self.opened: list[str] = []

    def message_exec(self, box: QMessageBox) -> int:
        self.shown.append((box.windowTitle(), box.text()))
        if self.answers:
            return int(self.answers.pop(0).value)
        default = box.defaultButton()
        if default is not None:
            return int(box.standardButton(default).value)
        return int(SB.Ok.value)

    def text_input(self, *args, **kwargs):
        return self.texts.pop(0) if self.texts else ("", False)

    def open_files(self, *args, **kwargs):
        return list(self.files), ""

    def open_url(self, url) -> bool:
        self.opened.append(url.toLocalFile())
        return True

    def texts_shown(self) -> str:
        return "\n".join(f"{t}: {x}" for t, x in self.shown)


@pytest.fixture
def dialogs(monkeypatch):
    rec = Dialogs()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: rec.message_exec(box))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", rec.text_input)
    monkeypatch.setattr(QInputDialog, "getText", rec.text_input)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", rec.open_files)
    monkeypatch.setattr(QDesktopServices, "openUrl", rec.open_url)
    return rec


@pytest.fixture
def editors(qtbot, desk, dialogs, monkeypatch):
    """Make editors; they are closed (without questions) before the database closes."""
    monkeypatch.setattr(CaseEditor, "AUTOSAVE_MS", 100)
    made: list[CaseEditor] = []

    def make(case_id: str | None = None, kind: str = "dispute", **kwargs) -> CaseEditor:
        editor = CaseEditor(desk, case_id=case_id, kind=kind, **kwargs)
        # not qtbot.addWidget: some tests destroy editors on purpose (a simulated crash)
        editor.resize(1100, 760)
        editor.show()
        made.append(editor)
        return editor

    yield make
    for editor in made:
        if shiboken6.isValid(editor):  # some were destroyed by the test
            editor._autosave_timer.stop()
            editor._closing = True
            editor.close()
            editor.deleteLater()
    qtbot.wait(1)


def field(editor: CaseEditor, name: str) -> QWidget:
    return editor._bindings[name].widget


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_date(qtbot, date_field, text: str) -> None:
    date_field.edit.clear()
    qtbot.keyClicks(date_field.edit, text)


def status_button(editor: CaseEditor, status: str):
    return editor.findChild(type(editor.save_button), f"status_{status}")


def fill_basics(qtbot, editor: CaseEditor, title: str = "张三与李四宅基地纠纷", category: str = "housing_homestead") -> None:
    field(editor, "title").setText(title)
    field(editor, "category").set_code(category)
    type_date(qtbot, field(editor, "received_on"), "2026-11-20")


def add_party_by_typing(qtbot, editor: CaseEditor, name: str, id_number: str = "", phone: str = "",
                        role: str = "applicant") -> None:
    panel = editor.parties
    panel.name_edit.setText(name)
    if id_number:
        qtbot.keyClicks(panel.id_edit, id_number)
    if phone:
        qtbot.keyClicks(panel.phone_edit, phone)
    panel.role_combo.set_code(role)
    click(qtbot, panel.add_button)


# ------------------------------------------------------------------------------------------------


def test_dispute_from_registration_to_archive(qtbot, desk, editors, dialogs):
    # 李四 is already in the party register (from an earlier case)
    earlier = cases.register_case(desk, "dispute", {"title": "李四与王五借款纠纷", "category": "contract"},
                                  [PartyInput("applicant", fields={"name": "李四", "phone": "13900002222"})])
    li = cases.case_detail(desk, earlier.id).parties[0][1]
    village = next(a for a in organisation.villages(desk) if a.name == "东山村")

    editor = editors()
    assert editor.number_label.text() == "编号：保存后自动生成"
    fill_basics(qtbot, editor)
    field(editor, "area_id").set_code(village.id)
    field(editor, "description").setPlainText("两家因围墙越界起争执。")
    field(editor, "people_involved").setValue(2)
    qtbot.keyClicks(field(editor, "amount_involved"), "5000")
    assert "2026-12-21" in editor.due_label.text()  # computed while typing, before saving
    assert editor.has_unsaved_changes() and editor.windowTitle().startswith("*")

    # a new person: the valid ID number fills sex and birth date as it is typed
    editor.tabs.setCurrentWidget(editor.parties_page)
    panel = editor.parties
    panel.name_edit.setText("张三")
    qtbot.keyClicks(panel.id_edit, ZHANG_ID)
    assert panel.sex_combo.code() == "male"
    assert panel.birth_edit.text() == "1980-05-01"
    assert "有效" in panel.id_hint.text()
    qtbot.keyClicks(panel.phone_edit, "13812345678")
    assert panel.form.error_text("phone") == ""
    panel.role_combo.set_code("applicant")
    click(qtbot, panel.add_button)
    assert panel.table.rowCount() == 1 and panel.name_edit.text() == ""

    # an existing person found by pinyin initials
    qtbot.keyClicks(panel.search_edit, "ls")
    qtbot.waitUntil(lambda: panel.results.count() > 0, timeout=3000)
    assert "李四" in panel.results.item(0).text()
    click(qtbot, panel.pick_button)
    assert panel.name_edit.text() == "李四" and panel.phone_edit.text() == "13900002222"
    panel.role_combo.set_code("respondent")
    click(qtbot, panel.add_button)
    assert panel.table.rowCount() == 2

    click(qtbot, editor.save_button)
    assert editor.case_id is not None, editor.banner_text()
    assert "（2026）青调字第002号" in editor.number_label.text()
    assert not editor.has_unsaved_changes()
    detail = cases.case_detail(desk, editor.case_id)
    case = detail.case
    assert (case.title, case.category, case.area_id, case.people_involved, case.amount_involved) == (
        "张三与李四宅基地纠纷", "housing_homestead", village.id, 2, 5000.0)
    assert case.received_on == date(2026, 11, 20) and case.due_on == date(2026, 12, 21)
    linked = {(link.role, party.name) for link, party in detail.parties}
    assert linked == {("applicant", "张三"), ("respondent", "李四")}
    zhang = next(p for _l, p in detail.parties if p.name == "张三")
    assert (zhang.sex, zhang.birth_date, zhang.phone) == ("male", date(1980, 5, 1), "13812345678")
    assert next(p for _l, p in detail.parties if p.name == "李四").id == li.id  # picked, not duplicated

    # found by 1-character, 2-character and pinyin-initial search
    for text in ("张", "张三", "zs", "宅基"):
        assert editor.case_id in [row.id for row in query_cases(desk, CaseFilter(text=text))], text

    # a mediation session on the timeline
    editor.tabs.setCurrentWidget(editor.events_page)
    events = editor.events
    events.kind_combo.set_code("mediation_session")
    type_date(qtbot, events.date_edit, "2026-11-25")
    events.place_edit.setText("东山村村委会调解室")
    events.participants_edit.setText("张三、李四")
    events.staff_list.item(0).setCheckState(Qt.CheckState.Checked)
    events.content_edit.setPlainText("第一次调解，双方同意各退一步。")
    click(qtbot, events.add_button)
    kinds = [e.kind for e in cases.case_detail(desk, editor.case_id).events]
    assert kinds == ["register", "mediation_session"]
    assert events.count() == 2 and events.content_edit.toPlainText() == ""
    assert "东山村村委会调解室" in events.timeline.toPlainText()

    # workflow: mediating → written agreement → follow-up → archived
    click(qtbot, status_button(editor, "mediating"))
    assert cases.get_case(desk, editor.case_id).status == "mediating"
    editor.tabs.setCurrentWidget(editor.outcome_page)
    field(editor, "agreement_facts").setPlainText("李四所建围墙越界0.5米。")
    field(editor, "agreement_terms").setPlainText("李四于2026年12月10日前自行拆除越界部分围墙。")
    field(editor, "performance_manner").setText("自行拆除")
    type_date(qtbot, field(editor, "performance_deadline"), "2026-12-10")
    type_date(qtbot, field(editor, "agreement_effective_on"), "2026-11-26")
    click(qtbot, status_button(editor, "agreed"))
    case = cases.get_case(desk, editor.case_id)
    assert (case.status, case.outcome, case.agreement_copies) == ("agreed", "written_agreement", 3)
    assert case.agreement_effective_on == date(2026, 11, 26) and case.performance_deadline == date(2026, 12, 10)
    assert "达成书面协议" in editor.status_label.text()
    assert "申请司法确认期限：2026-12-28" in editor.deadlines_label.text()
    click(qtbot, status_button(editor, "following_up"))
    click(qtbot, status_button(editor, "archived"))
    case = cases.get_case(desk, editor.case_id)
    assert case.status == "archived" and case.archived_on == TODAY
    assert "已归档" in editor.status_label.text()
    assert editor._status_buttons == [] and "流程结束" in editor.next_label.text()
    assert [t for t, _x in dialogs.shown] == []  # no error dialog on the way


def test_invalid_jump_is_refused_with_the_reason(qtbot, desk, editors, dialogs):
    case = cases.register_case(desk, "dispute", {"title": "邻里排水纠纷", "category": "neighbour"})
    editor = editors(case.id)
    assert {b.objectName() for b in editor._status_buttons} == {
        "status_investigating", "status_mediating", "status_failed", "status_transferred"}
    archived = next(a for a in editor.other_status_menu.actions() if a.data() == "archived")
    archived.trigger()
    assert cases.get_case(desk, case.id).status == "registered"
    assert dialogs.shown and "不能从“已登记”直接变为“已归档”" in dialogs.shown[-1][1]
    assert "当前只能变为" in editor.banner_text()
    # an agreement cannot be recorded before mediating either, and needs its terms
    agreed = next(a for a in editor.other_status_menu.actions() if a.data() == "agreed")
    agreed.trigger()
    assert cases.get_case(desk, case.id).status == "registered"
    click(qtbot, status_button(editor, "mediating"))
    click(qtbot, status_button(editor, "agreed"))
    assert editor.tabs.currentWidget() is editor.outcome_page
    assert "请先在这里填写协议内容" in editor.field_error("agreement_terms")
    assert cases.get_case(desk, case.id).status == "mediating"


def test_petition_shows_its_statutory_due_date(qtbot, desk, editors):
    editor = editors(kind="petition")
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(editor.petition_page))
    assert not editor.tabs.isTabVisible(editor.tabs.indexOf(editor.outcome_page))
    field(editor, "title").setText("反映征地补偿款未发放")
    field(editor, "category").set_code("land_requisition")
    field(editor, "petition_type").set_code("claim")
    field(editor, "channel").set_code("visit")
    type_date(qtbot, field(editor, "received_on"), "2026-11-02")
    editor.parties.name_edit.setText("王五")
    click(qtbot, editor.save_button)
    case = cases.get_case(desk, editor.case_id)
    assert case.number == "（2026）青信字第001号" and case.due_on == date(2026, 11, 17)
    assert "2026-11-17" in editor.due_label.text() and "已超期 10 天" in editor.due_label.text()
    assert "告知/转送期限：2026-11-17" in editor.petition_clock_label.text()
    assert [(l.role, p.name) for l, p in cases.case_detail(desk, case.id).parties] == [("petitioner", "王五")]
    click(qtbot, status_button(editor, "accepted"))
    case = cases.get_case(desk, editor.case_id)
    assert case.due_on == date(2027, 1, 26)  # accepted today + 60 days
    assert "办理期限：2027-01-26（<span" in editor.petition_clock_label.text()
    assert "2027-01-26" in editor.due_label.text() and "还剩 60 天" in editor.due_label.text()


def test_bad_input_is_refused_at_the_field_and_nothing_else_is_lost(qtbot, desk, editors, dialogs):
    editor = editors()
    fill_basics(qtbot, editor)
    field(editor, "claims").setPlainText("要求拆除围墙")
    panel = editor.parties
    panel.name_edit.setText("张三")
    bad_id = ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    qtbot.keyClicks(panel.id_edit, bad_id)
    assert "校验位不正确" in panel.form.error_text("id_number")  # said while typing
    click(qtbot, panel.add_button)
    assert panel.table.rowCount() == 0
    assert "校验位不正确" in panel.form.error_text("id_number")
    assert panel.name_edit.text() == "张三" and panel.id_edit.text() == bad_id
    # saving is refused too, everything stays as typed
    click(qtbot, editor.save_button)
    assert editor.case_id is None
    assert editor.tabs.currentWidget() is editor.parties_page
    assert field(editor, "title").text() == "张三与李四宅基地纠纷"
    assert field(editor, "claims").toPlainText() == "要求拆除围墙"
    assert panel.name_edit.text() == "张三"
    assert query_cases(desk) == []
    # a bad phone number
    panel.id_edit.clear()
    qtbot.keyClicks(panel.phone_edit, "1381234567")
    panel.phone_edit.editingFinished.emit()
    assert "11位" in panel.form.error_text("phone")
    panel.phone_edit.clear()
    qtbot.keyClicks(panel.phone_edit, "13812345678")
    click(qtbot, panel.add_button)
    assert panel.table.rowCount() == 1
    # a date in the future, an empty title
    type_date(qtbot, field(editor, "received_on"), "2026-12-01")
    click(qtbot, editor.save_button)
    assert editor.case_id is None
    assert "不能晚于今天" in editor.field_error("received_on")
    assert editor.tabs.currentWidget() is editor.basics_page
    type_date(qtbot, field(editor, "received_on"), "2026-11-20")
    field(editor, "title").setText("")
    click(qtbot, editor.save_button)
    assert "请填写事件名称" in editor.field_error("title")
    assert field(editor, "claims").toPlainText() == "要求拆除围墙" and panel.table.rowCount() == 1
    field(editor, "title").setText("张三与李四宅基地纠纷")
    assert editor.save()
    assert [p.name for _l, p in cases.case_detail(desk, editor.case_id).parties] == ["张三"]


def test_a_draft_survives_a_crash(qtbot, desk, editors, dialogs):
    editor = editors()
    fill_basics(qtbot, editor, title="王五与赵六土地承包纠纷", category="forest_land")
    field(editor, "description").setPlainText("承包地边界不清。")
    editor.parties.name_edit.setText("王五")  # typed into the party form, not yet added
    key = editor.draft_key()
    qtbot.waitUntil(lambda: drafts.load_draft(desk, key) is not None, timeout=3000)
    # the program dies: no close, no questions, nothing saved
    editor.deleteLater()
    qtbot.wait(10)
    assert query_cases(desk) == []

    dialogs.answers = [SB.Yes]
    reopened = editors()
    assert "发现未保存的草稿（保存于" in dialogs.shown[-1][1] and "是否恢复" in dialogs.shown[-1][1]
    assert field(reopened, "title").text() == "王五与赵六土地承包纠纷"
    assert field(reopened, "category").code() == "forest_land"
    assert field(reopened, "received_on").text() == "2026-11-20"
    assert field(reopened, "description").toPlainText() == "承包地边界不清。"
    assert reopened.parties.name_edit.text() == "王五"
    assert reopened.has_unsaved_changes() and reopened.draft_key() == key
    assert reopened.save()
    assert drafts.list_drafts(desk) == []  # a successful save discards the draft
    assert [p.name for _l, p in cases.case_detail(desk, reopened.case_id).parties] == ["王五"]

    # the same for an existing case
    case_id = reopened.case_id
    field(reopened, "claims").setPlainText("要求重新丈量")
    qtbot.waitUntil(lambda: drafts.load_draft(desk, case_id) is not None, timeout=3000)
    reopened.deleteLater()
    qtbot.wait(10)
    dialogs.answers = [SB.Yes]
    third = editors(case_id)
    assert field(third, "claims").toPlainText() == "要求重新丈量"
    assert third.has_unsaved_changes()
    # …and a draft can be thrown away
    third.deleteLater()
    qtbot.wait(10)
    dialogs.answers = [SB.Discard]
    fourth = editors(case_id)
    assert field(fourth, "claims").toPlainText() == ""
    assert drafts.load_draft(desk, case_id) is None


def test_closing_with_unsaved_changes_asks(qtbot, desk, editors, dialogs):
    case = cases.register_case(desk, "dispute", {"title": "邻里纠纷", "category": "neighbour"})
    editor = editors(case.id)
    closed = []
    editor.closed.connect(lambda: closed.append(True))
    assert editor.maybe_close() and dialogs.shown == []  # nothing changed: no question
    field(editor, "location").setText("西河村")
    dialogs.answers = [SB.Cancel]
    assert not editor.close_editor() and closed == []
    assert "要保存吗" in dialogs.shown[-1][1]
    dialogs.answers = [SB.Discard]
    assert editor.maybe_close()
    assert drafts.load_draft(desk, case.id)["data"]["fields"]["location"] == "西河村"  # kept as a draft
    dialogs.answers = [SB.Save]
    assert editor.close_editor() and closed == [True]
    assert cases.get_case(desk, case.id).location == "西河村"
    assert drafts.load_draft(desk, case.id) is None


def test_ctrl_s_saves(qtbot, desk, editors):
    case = cases.register_case(desk, "dispute", {"title": "邻里纠纷", "category": "neighbour"})
    editor = editors(case.id)
    saved = []
    editor.saved.connect(saved.append)
    field(editor, "location").setText("东山村")
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=2000)
    field(editor, "location").setFocus()
    qtbot.keyClick(field(editor, "location"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: saved == [case.id], timeout=2000)
    assert cases.get_case(desk, case.id).location == "东山村"


def test_someone_else_saved_first(qtbot, desk, editors, dialogs):
    case = cases.register_case(desk, "dispute", {"title": "邻里纠纷", "category": "neighbour"})
    editor = editors(case.id)
    cases.update_case(desk, case.id, {"description": "另一台电脑上改的"})
    field(editor, "claims").setPlainText("我这里改的")
    assert not editor.save()
    assert "已被修改" in editor.banner_text() and "已被修改" in dialogs.shown[-1][1]
    assert field(editor, "claims").toPlainText() == "我这里改的"
    assert drafts.load_draft(desk, case.id)["data"]["fields"]["claims"] == "我这里改的"
    assert cases.get_case(desk, case.id).claims == ""


def test_void_asks_for_a_reason_and_keeps_the_case(qtbot, desk, editors, dialogs):
    case = cases.register_case(desk, "dispute", {"title": "重复登记的纠纷", "category": "neighbour"})
    editor = editors(case.id)
    dialogs.texts = [("   ", True)]
    click(qtbot, editor.void_button)
    assert not cases.get_case(desk, case.id).voided
    assert "必须填写理由" in dialogs.shown[-1][1]
    dialogs.texts = [("与第001号重复登记", True)]
    click(qtbot, editor.void_button)
    voided = cases.get_case(desk, case.id)
    assert voided.voided and voided.void_reason == "与第001号重复登记"
    assert "已作废" in editor.status_label.text() and "与第001号重复登记" in editor.banner_text()
    assert not editor.save_button.isEnabled() and not field(editor, "title").isEnabled()
    assert editor._status_buttons == [] and not editor.has_unsaved_changes()
    assert cases.register_case(desk, "dispute", {"title": "下一件", "category": "neighbour"}).number.endswith("第002号")


def test_marriage_family_section(qtbot, desk, editors, dialogs):
    editor = editors()
    family_index = editor.tabs.indexOf(editor.family_page)
    assert not editor.tabs.isTabVisible(family_index)
    fill_basics(qtbot, editor, title="李某家庭纠纷", category="marriage_family")
    assert editor.tabs.isTabVisible(family_index)
    assert field(editor, "not_public").isChecked()  # marriage/family cases default to not public
    # sub-categories follow the category
    assert set(field(editor, "subcategory").codes()) >= {"", "divorce", "support", "domestic_violence"}
    assert "neighbour_other" not in field(editor, "subcategory").codes()
    field(editor, "subcategory").set_code("divorce")
    assert not field(editor, "jc_applied_on").isEnabled()
    assert "婚姻、收养、身份关系的协议内容不能申请司法确认" in editor.jc_reason_label.text()
    assert not editor.jc_reason_label.isHidden()
    field(editor, "subcategory").set_code("support")
    assert field(editor, "jc_applied_on").isEnabled() and editor.jc_reason_label.isHidden()
    field(editor, "subcategory").set_code("domestic_violence")
    # DV, protection order (≤ 6 months, computed limit shown), minors, divorce cooling-off
    editor.flag_boxes["dv_flag"].setChecked(True)
    type_date(qtbot, field(editor, "po_applied_on"), "2026-11-01")
    field(editor, "po_urgent").setChecked(True)
    assert "24小时" in editor.po_ruling_label.text()
    type_date(qtbot, field(editor, "po_ruled_on"), "2026-11-02")
    assert "最晚至 2027-05-02" in editor.po_expiry_hint.text()
    type_date(qtbot, field(editor, "po_expires_on"), "2027-06-01")
    editor.flag_boxes["minors_flag"].setChecked(True)
    assert field(editor, "minors_count").value() == 1
    field(editor, "minors_count").setValue(2)
    qtbot.keyClicks(field(editor, "minors_ages"), "3,7")
    type_date(qtbot, field(editor, "divorce_registered_on"), "2026-11-02")
    assert "2026-12-02" in editor.divorce_hint.text() and "2027-01-01" in editor.divorce_hint.text()
    field(editor, "referrals").set_codes(["police", "legal_aid"])
    assert not editor.save()
    assert "请选择家暴类型" in editor.field_error("dv_type")
    assert editor.tabs.currentWidget() is editor.family_page
    field(editor, "dv_type").set_code("physical")
    assert not editor.save()
    assert "最长6个月" in editor.field_error("po_expires_on")
    type_date(qtbot, field(editor, "po_expires_on"), "2027-05-02")
    assert editor.save(), editor.banner_text()
    case = cases.get_case(desk, editor.case_id)
    assert (case.dv_type, case.po_urgent, case.po_expires_on, case.minors_count, case.minors_ages) == (
        "physical", True, date(2027, 5, 2), 2, [3, 7])
    assert case.referrals == ["police", "legal_aid"] and case.not_public
    assert "保护令有效期至：2027-05-02" in editor.deadlines_label.text()


def test_extension_needs_the_parties_consent(qtbot, desk, editors):
    case = cases.register_case(desk, "dispute", {"title": "合同纠纷", "category": "contract",
                                                 "received_on": "2026-11-02"})
    editor = editors(case.id)
    events = editor.events
    events.kind_combo.set_code("extension")
    assert not events.form.rows["consent"].isHidden() or events.consent_check.isVisibleTo(editor)
    events.days_spin.setValue(15)
    events.content_edit.setPlainText("需要进一步核实账目，双方同意延长。")
    click(qtbot, events.add_button)
    assert "同意" in events.form.error_text("consent")
    assert cases.get_case(desk, case.id).extension_days == 0
    events.consent_check.setChecked(True)
    click(qtbot, events.add_button)
    assert cases.get_case(desk, case.id).due_on == date(2026, 12, 17)
    assert "2026-12-17" in editor.due_label.text()
    assert "已经双方同意延长 15 天" in editor.deadlines_label.text()


def test_attachments_are_copied_opened_and_voided(qtbot, desk, editors, dialogs, tmp_path):
    editor = editors()
    fill_basics(qtbot, editor)
    scan = tmp_path / "借条扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    dialogs.files = [str(scan)]
    panel = editor.attachments
    panel.note_edit.setText("借条")
    click(qtbot, panel.add_button)  # saves the new case first
    assert editor.case_id is not None
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "借条扫描件.pdf"
    att = attachments.list_attachments(desk, editor.case_id)[0]
    assert att.note == "借条"
    panel.table.selectRow(0)
    assert panel.open_selected()
    assert dialogs.opened == [str(attachments.attachment_path(desk, att))]
    dialogs.texts = [("传错了", True)]
    click(qtbot, panel.void_button)
    assert panel.table.rowCount() == 0 and attachments.list_attachments(desk, editor.case_id) == []


def test_fits_a_small_screen(qtbot, desk, editors):
    """1366×768 at 150 % leaves about 910×512 logical pixels for the whole window."""
    editor = editors()
    hint = editor.minimumSizeHint()
    assert hint.width() <= 880 and hint.height() <= 440, hint
    editor.resize(880, 440)
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        qtbot.wait(1)
    labels = [label for form in (editor.basics_form, editor.outcome_form, editor.family_form, editor.petition_form)
              for label in form.labels.values() if label.isVisibleTo(form)]
    for label in labels:
        assert label.width() >= label.sizeHint().width(), label.text()


# ------------------------------------------------------------------------------------------------
# parties corrected and removed, organisations, kind switch, repeat link, status saves first

ID_A = make_id_number("330102", date(1975, 3, 9), 211)


def _case_with_two_parties(desk):
    return cases.register_case(desk, "dispute", {"title": "张三与李四借款纠纷", "category": "contract"}, [
        PartyInput("applicant", fields={"name": "张三", "id_number": ID_A, "phone": "13812345678"}),
        PartyInput("respondent", fields={"name": "李四"}),
    ])


def test_correct_and_remove_parties_of_a_saved_case(qtbot, desk, editors):
    case = _case_with_two_parties(desk)
    editor = editors(case.id)
    panel = editor.parties
    assert panel.table.rowCount() == 2 and not editor.has_unsaved_changes()
    # correct 李四's phone and make him a third party instead of respondent
    panel.table.selectRow(1)
    click(qtbot, panel.edit_button)
    assert panel.name_edit.text() == "李四" and panel.add_button.text() == "更新"
    qtbot.keyClicks(panel.phone_edit, "13900001111")
    panel.role_combo.set_code("third_party")
    click(qtbot, panel.add_button)
    assert "待保存" in panel.table.item(1, 5).text()
    # remove 张三 (he stays in the party register)
    panel.table.selectRow(0)
    click(qtbot, panel.remove_button)
    assert panel.table.item(0, 5).text() == "保存后移出"
    assert editor.has_unsaved_changes()
    assert editor.save(), editor.banner_text()
    detail = cases.case_detail(desk, case.id)
    assert [(link.role, p.name, p.phone) for link, p in detail.parties] == [("third_party", "李四", "13900001111")]
    assert parties.find_parties(desk, ID_A)[0].name == "张三"
    assert not editor.has_unsaved_changes()


def test_an_organisation_as_respondent(qtbot, desk, editors):
    editor = editors()
    field(editor, "title").setText("村民与某建材公司买卖合同纠纷")
    field(editor, "category").set_code("contract")
    panel = editor.parties
    panel.kind_combo.set_code("organisation")
    assert panel.form.labels["id_number"].text() == "信用代码："
    assert not panel.form.rows["sex"].isVisibleTo(panel)
    panel.name_edit.setText("临川县某建材有限公司")
    qtbot.keyClicks(panel.id_edit, "91330102MA2AAAAA1X")
    assert "统一社会信用代码" in panel.form.error_text("id_number")
    panel.id_edit.clear()
    panel.legal_rep_edit.setText("赵某")
    panel.role_combo.set_code("respondent")
    click(qtbot, panel.add_button)
    assert editor.save(), editor.banner_text()
    (link, org), = cases.case_detail(desk, editor.case_id).parties
    assert (link.role, org.kind, org.legal_representative, org.sex) == ("respondent", "organisation", "赵某", "")


def test_a_valid_id_of_a_registered_person_offers_to_pick_them(qtbot, desk, editors):
    _case_with_two_parties(desk)
    editor = editors()
    panel = editor.parties
    panel.name_edit.setText("张叁")  # a typo in the name
    qtbot.keyClicks(panel.id_edit, ID_A)
    assert "已登记为“张三”" in panel.id_hint.text()
    assert panel.use_owner_button.isVisibleTo(panel)
    click(qtbot, panel.use_owner_button)
    assert panel.name_edit.text() == "张三" and panel.phone_edit.text() == "13812345678"


def test_kind_of_a_new_case_can_be_switched(qtbot, desk, editors):
    editor = editors()
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(editor.outcome_page))
    editor.kind_combo.set_code("petition")
    assert editor.kind == "petition"
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(editor.petition_page))
    assert not editor.tabs.isTabVisible(editor.tabs.indexOf(editor.outcome_page))
    assert editor.basics_form.labels["received_on"].text() == "收到日期："
    assert editor.parties.role_combo.code() == "petitioner"
    field(editor, "title").setText("反映村道损坏")
    field(editor, "category").set_code("gov_village_affairs")
    assert editor.save()
    assert cases.get_case(desk, editor.case_id).number == "（2026）青信字第001号"
    assert not editor.kind_combo.isVisibleTo(editor)  # fixed once saved


def test_repeat_petition_links_the_original(qtbot, desk, editors):
    original = cases.register_case(desk, "petition", {"title": "反映征地补偿", "category": "land_requisition"})
    editor = editors(kind="petition")
    field(editor, "title").setText("再次反映征地补偿")
    field(editor, "category").set_code("land_requisition")
    assert not editor.basics_form.rows["original_case_number"].isVisibleTo(editor)
    editor.flag_boxes["is_repeat"].setChecked(True)
    assert editor.basics_form.rows["original_case_number"].isVisibleTo(editor)
    field(editor, "original_case_number").setText("（2026）青信字第099号")
    assert not editor.save()
    assert "找不到编号" in editor.field_error("original_case_number")
    field(editor, "original_case_number").setText(original.number)
    assert editor.save()
    case = cases.get_case(desk, editor.case_id)
    assert case.is_repeat and case.original_case_id == original.id
    assert field(editor, "original_case_number").text() == original.number


def test_a_status_change_saves_typed_edits_first(qtbot, desk, editors):
    case = cases.register_case(desk, "dispute", {"title": "邻里纠纷", "category": "neighbour"})
    editor = editors(case.id)
    field(editor, "description").setPlainText("两家因排水沟起争执。")
    click(qtbot, status_button(editor, "investigating"))
    saved = cases.get_case(desk, case.id)
    assert saved.status == "investigating" and saved.description == "两家因排水沟起争执。"
    assert not editor.has_unsaved_changes()
    assert "调查中" in editor.status_label.text()
    assert [b.objectName() for b in editor._status_buttons] == [
        "status_mediating", "status_failed", "status_transferred"]


def test_people_involved_sets_the_group_flag_and_risk_colour_is_kept(qtbot, desk, editors):
    editor = editors()
    field(editor, "title").setText("多户村民与养殖场环境污染纠纷")
    field(editor, "category").set_code("pollution")
    field(editor, "people_involved").setValue(12)
    assert editor.flag_boxes["is_group"].isChecked()
    field(editor, "risk_colour").set_code("orange")
    assert editor.save()
    case = cases.get_case(desk, editor.case_id)
    assert case.is_group and case.risk_colour == "orange" and case.risk_grade == "medium"
    assert field(editor, "risk_grade").code() == "medium"


def test_timeline_form_keeps_typing_when_the_case_reloads(qtbot, desk, editors):
    case = cases.register_case(desk, "dispute", {"title": "邻里纠纷", "category": "neighbour"})
    editor = editors(case.id)
    editor.events.content_edit.setPlainText("上午走访了双方。")
    editor.events.kind_combo.set_code("investigation")
    editor.events.place_edit.setText("东山村")
    assert editor.has_unsaved_changes()
    # Save adds the filled-in work record too
    click(qtbot, editor.save_button)
    events = cases.case_detail(desk, case.id).events
    assert [(e.kind, e.place, e.content) for e in events][-1] == ("investigation", "东山村", "上午走访了双方。")
    assert editor.events.content_edit.toPlainText() == "" and not editor.has_unsaved_changes()
    assert editor.events.date_edit.text() == "2026-11-27"


def test_petition_steps_needing_a_decision_are_left_to_the_petitions_page(qtbot, desk):
    """Replying needs a decision and a legal basis: the editor offers no button for it and the
    service refuses it, pointing at the 信访 page; acceptance stays available."""
    petition = cases.register_case(desk, "petition", {"title": "要求解决土地补偿", "petition_type": "claim",
                                                      "channel": "visit", "received_on": "2026-11-02"})
    cases.change_status(desk, petition.id, "accepted", "2026-11-05")
    editor = CaseEditor(desk, case_id=petition.id, kind="petition")
    qtbot.addWidget(editor)
    names = {b.objectName() for b in editor._status_buttons}
    assert "status_replied" not in names
    assert "信访" in editor.next_label.text()
    assert editor.print_button.isEnabled() and editor.contract_button.isEnabled()
    with pytest.raises(ServiceError, match="信访"):
        cases.change_status(desk, petition.id, "replied", "2026-11-20")
