"""The 信访 page (pytest-qt, offscreen, a fresh temporary database per test): register a group
petition, accept it, extend it once (a second extension is refused), reply, record a review
request; the repeat-petition question; the clock on screen; the main window's 信访 entry.

Dialogs are patched: their ``exec`` fills the fields with ``setText``/``set_value`` (Chinese is
never typed with keyClicks) and presses OK; message boxes are recorded by ``messages``."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from mediation_desk.domain.idcard import make_id_number
from mediation_desk.services import cases, petitions
from mediation_desk.ui.petitions import PetitionsPage
from mediation_desk.ui.petitions.dialogs import ActionDialog, RegisterPetitionDialog

NAMES = ["张三丰", "李四", "王五", "赵六", "孙七", "周八", "吴九"]
TITLE = "东山村村民反映征地补偿款未足额发放问题"


def pid(seq: int) -> str:
    return make_id_number("330102", date(1970, 3, 5), seq)


@pytest.fixture
def page(qtbot, desk, messages):
    p = PetitionsPage(desk)
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    qtbot.waitExposed(p)
    return p


class Script:
    """What the patched dialogs enter, one entry per dialog opened (in order)."""

    def __init__(self, monkeypatch) -> None:
        self.register: list[dict] = []
        self.actions: list[dict] = []
        self.seen_errors: list[str] = []
        script = self

        def register_exec(dialog: RegisterPetitionDialog) -> int:
            values = script.register.pop(0)
            dialog.channel_combo.set_code(values["channel"])
            dialog.type_combo.set_code(values["type"])
            dialog.received_field.setText(values["received"])
            dialog.title_edit.setText(values["title"])
            dialog.claims_edit.setText(values.get("claims", ""))
            if values.get("level_skipping"):
                dialog.level_skipping_box.setChecked(True)
            dialog.people.setRowCount(0)
            for name, seq, rep in values["people"]:
                dialog.add_person(name, pid(seq) if seq else "", "", "临川县青石镇东山村一组", rep)
            dialog.accept()
            if dialog.result() != QDialog.DialogCode.Accepted:
                script.seen_errors.append(dialog.error_label.text())
            return dialog.result()

        def action_exec(dialog: ActionDialog) -> int:
            values = script.actions.pop(0)
            for name, value in values.items():
                dialog.set_value(name, value)
            dialog.accept()
            if dialog.result() != QDialog.DialogCode.Accepted:
                script.seen_errors.append(dialog.error_label.text())
            return dialog.result()

        monkeypatch.setattr(RegisterPetitionDialog, "exec", register_exec)
        monkeypatch.setattr(ActionDialog, "exec", action_exec)


@pytest.fixture
def script(monkeypatch):
    return Script(monkeypatch)


def group_visit(received="2026-09-01"):
    return {"channel": "visit", "type": "claim", "received": received, "title": TITLE,
            "claims": "要求足额发放征地补偿款", "people": [(n, i + 1, i < 2) for i, n in enumerate(NAMES)]}


def case_of(desk, case_id):
    return cases.get_case(desk, case_id)


def test_register_accept_extend_reply_and_request_a_review(page, script, desk, messages, qtbot):
    # register a group visit: seven people, two elected representatives
    script.register.append(group_visit())
    case_id = page.new_petition()
    assert case_id and script.seen_errors == []
    case = case_of(desk, case_id)
    assert (case.people_involved, case.representatives_count, case.is_group, case.status) == (7, 2, True, "registered")
    assert page.model.rowCount() == 1 and page.current_row().case_id == case_id
    assert "推选代表：张三丰、李四" in page.info_label.text()
    assert page.action_buttons["accept"].isVisibleTo(page) and not page.action_buttons["reply"].isVisibleTo(page)
    assert page.clock_texts()["notice_due"] == ("2026-09-16", "超期72天")

    # accept it
    script.actions.append({"on": "2026-09-05", "notice_on": "2026-09-05"})
    assert page.run_action("accept")
    assert case_of(desk, case_id).status == "accepted"
    assert page.clock_texts()["handling_due"] == ("2026-11-04", "超期23天")
    assert page.action_buttons["extend"].isVisibleTo(page)

    # the 60 days are over: the extension is refused with the reason, the dialog stays open
    script.actions.append({"on": "2026-11-20", "days": 30, "reason": "需要核查征收档案", "approver": "赵建国"})
    assert not page.run_action("extend")
    assert "届满" in script.seen_errors[-1]

    # extend in time (decided on 1 Nov), then a second extension is refused
    script.actions.append({"on": "2026-11-01", "days": 30, "reason": "需要核查征收档案", "approver": "赵建国"})
    assert page.run_action("extend")
    case = case_of(desk, case_id)
    assert (case.extension_days, case.extension_approver) == (30, "赵建国")
    assert page.clock_texts()["handling_due"] == ("2026-12-04", "还剩7天")
    assert "已延期 30 日" in page.end_label.text()
    assert not page.run_action("extend")
    assert messages[-1][0] == "不能再延期" and "只能延期一次" in messages[-1][1]
    assert case_of(desk, case_id).extension_days == 30

    # reply: the required fields are checked first, then the opinion is recorded
    script.actions.append({"on": "2026-11-20", "decision": "explain", "text": "", "legal_basis": ""})
    assert not page.run_action("reply")
    assert "请填写事实和理由" in script.seen_errors[-1]
    script.actions.append({"on": "2026-11-20", "decision": "explain", "text": "经调查核实，补偿款已全额拨付至村集体账户。",
                           "legal_basis": "《中华人民共和国土地管理法》第四十八条", "review_body": "临川县人民政府"})
    assert page.run_action("reply")
    case = case_of(desk, case_id)
    assert (case.status, case.decision, case.replied_on) == ("replied", "explain", date(2026, 11, 20))
    texts = page.clock_texts()
    assert texts["handling_due"][1] == "已完成（2026-11-20）"
    assert texts["review_request_due"] == ("2026-12-21", "还剩24天")  # 20 Dec is a Sunday
    assert page.action_buttons["request_review"].isVisibleTo(page)

    # record the petitioner's request for a review
    script.actions.append({"on": "2026-11-26", "body": "临川县人民政府"})
    assert page.run_action("request_review")
    case = case_of(desk, case_id)
    assert (case.status, case.review_requested_on, case.review_body) == (
        "review_requested", date(2026, 11, 26), "临川县人民政府")
    assert page.clock_texts()["review_answer_due"] == ("2026-12-28", "还剩31天")  # 26 Dec is a Saturday
    assert page.action_buttons["record_review"].isVisibleTo(page)
    assert not page.action_buttons["request_review"].isVisibleTo(page)

    # the print menu offers what applies now
    enabled = {a.data() for a in page.print_menu.actions() if a.isEnabled()}
    assert enabled == {"petition_accept", "petition_extension", "petition_opinion"}

    # the case editor's petition tab shows the same clock and the extension
    from mediation_desk.ui.cases.editor import CaseEditor

    editor = CaseEditor(desk, case_id, "petition", offer_draft=False)
    qtbot.addWidget(editor)
    text = editor.petition_clock_label.text()
    assert "已延期办理 30 日" in text and "赵建国" in text and "2026-12-28" in text


def test_a_group_visit_without_representatives_is_refused_in_the_dialog(page, script, desk):
    visit = group_visit()
    visit["people"] = [(n, i + 1, False) for i, n in enumerate(NAMES)]
    script.register.append(visit)
    assert page.new_petition() is None
    assert "推选代表" in script.seen_errors[-1]
    visit = group_visit()
    visit["people"] = [(n, i + 1, True) for i, n in enumerate(NAMES)]
    script.register.append(visit)
    assert page.new_petition() is None
    assert "不能超过5人" in script.seen_errors[-1]
    assert petitions.list_petitions(desk, include_closed=True) == []


def test_a_repeat_petition_is_offered_to_link_to_the_original(page, script, desk, messages):
    first = {"channel": "letter", "type": "claim", "received": "2026-10-08", "title": "钱某反映征地补偿款未足额发放问题",
             "people": [("钱多多", 9, False)]}
    script.register.append(first)
    original = page.new_petition()
    again = dict(first, received="2026-11-20", title="钱某再次反映征地补偿款未足额发放问题")
    script.register.append(again)
    repeat = page.new_petition()  # the question is answered "关联原信访事项" by the messages fixture
    assert messages and messages[-1][0] == "可能是重复信访"
    assert original in messages[-1][1] or "（2026）青信字第001号" in messages[-1][1]
    case = case_of(desk, repeat)
    assert case.is_repeat and case.original_case_id == original
    assert "重复信访" in page.info_label.text() and "（2026）青信字第001号" in page.info_label.text()


def test_a_repeat_after_re_review_is_registered_as_not_accepted_again(page, script, desk, messages, monkeypatch):
    first = {"channel": "visit", "type": "claim", "received": "2026-03-02", "title": "钱某反映宅基地确权问题",
             "people": [("钱多多", 9, False)]}
    script.register.append(first)
    original = page.new_petition()
    petitions.accept(desk, original, "2026-03-03")
    petitions.reply(desk, original, "reject", "依据", "事实", "2026-04-20")
    petitions.request_review(desk, original, "2026-05-10")
    petitions.record_review(desk, original, "维持", "2026-06-01")
    petitions.request_rereview(desk, original, "2026-06-20")
    petitions.record_rereview(desk, original, "维持", "2026-07-15")
    script.register.append(dict(first, received="2026-11-20", title="钱某再次反映宅基地确权问题"))
    repeat = page.new_petition()
    assert case_of(desk, repeat).status == "not_accepted"
    assert messages[-1][0] == "不再受理"
    assert "不再受理" in page.end_label.text()
    enabled = {a.data() for a in page.print_menu.actions() if a.isEnabled()}
    assert enabled == {"petition_no_longer"}


def test_answering_new_keeps_it_a_new_petition_and_cancel_goes_back(page, script, desk, monkeypatch):
    first = {"channel": "letter", "type": "claim", "received": "2026-10-08", "title": "钱某反映征地补偿款未足额发放问题",
             "people": [("钱多多", 9, False)]}
    script.register.append(first)
    page.new_petition()
    answers = iter(["new", None])
    monkeypatch.setattr("mediation_desk.ui.petitions.page.choose_repeat", lambda parent, cands: next(answers))
    script.register.append(dict(first, received="2026-11-20"))
    new_id = page.new_petition()
    assert new_id and not case_of(desk, new_id).is_repeat
    script.register.append(dict(first, received="2026-11-21"))
    assert page.new_petition() is None  # 返回修改: nothing registered
    assert len(petitions.list_petitions(desk, include_closed=True)) == 2


def test_filters_search_and_open_case(page, script, desk, qtbot):
    script.register.append({"channel": "letter", "type": "claim", "received": "2026-11-01", "title": "甲事项",
                            "people": [("甲", 1, False)]})
    script.register.append({"channel": "letter", "type": "claim", "received": "2026-11-25", "title": "乙事项",
                            "people": [("乙", 2, False)]})
    page.new_petition()
    page.new_petition()
    assert page.model.rowCount() == 2
    assert page.model.row_at(0).title == "甲事项"  # overdue first
    page.set_filter("overdue")
    assert page.model.rowCount() == 1
    page.set_filter("open")
    page.search_edit.setText("乙事项")
    page.refresh()
    assert page.model.rowCount() == 1 and page.current_row().title == "乙事项"
    with qtbot.waitSignal(page.open_case) as blocker:
        page.open_button.click()
    assert blocker.args == [page.current_row().case_id]


def test_main_window_has_the_petitions_page(qtbot, desk, messages):
    from mediation_desk.ui.main_window import MainWindow

    win = MainWindow(desk, persist_geometry=False)
    qtbot.addWidget(win)
    item = next(win.nav.item(i) for i in range(win.nav.count()) if win.nav.item(i).text() == "信访")
    assert item.flags() & Qt.ItemFlag.ItemIsEnabled
    page = win.show_page("petitions")
    assert isinstance(page, PetitionsPage) and win.stack.currentWidget() is page


def test_record_hearing_days_on_a_rereview(page, script, desk):
    """听证 time is not counted in the re-review answer period: recorded on the page, the due date
    moves and the stage says so; bad input is refused in the dialog with the reason."""
    script.register.append({"channel": "letter", "type": "claim", "received": "2026-08-03", "title": "钱某反映宅基地确权问题",
                            "people": [("钱多多", 9, False)]})
    case_id = page.new_petition()
    petitions.accept(desk, case_id, "2026-08-04")
    petitions.reply(desk, case_id, "explain", "依据", "事实", "2026-09-01")
    petitions.request_review(desk, case_id, "2026-09-10")
    petitions.record_review(desk, case_id, "维持原处理意见。", "2026-10-20")
    petitions.request_rereview(desk, case_id, "2026-11-04")
    page.refresh()
    assert page.select_case(case_id)
    assert page.action_buttons["record_hearing"].isVisibleTo(page)
    assert page.clock_texts()["rereview_answer_due"] == ("2026-12-04", "还剩7天")

    script.actions.append({"days": "十天", "on": "2026-11-26"})
    assert not page.run_action("record_hearing")
    assert "听证天数应为整数" in script.seen_errors[-1]
    script.actions.append({"days": "-2", "on": "2026-11-26"})
    assert not page.run_action("record_hearing")
    assert "不能为负数" in script.seen_errors[-1]
    assert case_of(desk, case_id).rereview_hearing_days == 0

    script.actions.append({"days": "10", "on": "2026-11-26", "note": "11月16日至25日举行听证"})
    assert page.run_action("record_hearing")
    case = case_of(desk, case_id)
    assert (case.rereview_hearing_days, case.due_on) == (10, date(2026, 12, 14))
    assert page.clock_texts()["rereview_answer_due"] == ("2026-12-14", "还剩17天")
    row = next(i for i in range(page.clock_table.rowCount())
               if page.clock_table.item(i, 0).data(Qt.ItemDataRole.UserRole) == "rereview_answer_due")
    assert page.clock_table.item(row, 0).text() == "复核答复期限（不含听证10日）"


def test_the_list_is_read_a_page_at_a_time(qtbot, demo_desk, messages):
    page = PetitionsPage(demo_desk)
    qtbot.addWidget(page)
    page.model.page_size = 20
    page.set_filter("all")
    total = petitions.petition_listing(demo_desk, include_closed=True).total
    assert total > 40 and page.model.total() == total and f"共 {total} 件" in page.count_label.text()
    assert page.model.rowCount() == 20 and page.model.canFetchMore()
    page.model.fetchMore()
    assert page.model.rowCount() == 40
    last = petitions.petition_listing(demo_desk, include_closed=True).ids[-1]
    assert page.select_case(last) and page.current_row().case_id == last
    assert page.model.rowCount() == total and not page.model.canFetchMore()
    page.refresh()  # the selection is kept
    assert page.current_row().case_id == last
