"""Petitions through the services: registration (group visits, representatives), the clock on
the stored petition, the workflow with its refusals, repeat detection (table-driven and
hypothesis), statistics and the 今日 list. A fresh temporary database per test (``desk``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain.idcard import make_id_number
from mediation_desk.services import cases, organisation, petitions
from mediation_desk.services import settings as settings_service
from mediation_desk.services.context import ServiceError
from mediation_desk.services.parties import FieldError, PartyInput

TODAY = date(2026, 11, 27)
NAMES = ["张三丰", "李四", "王五", "赵六", "孙七", "周八", "吴九"]


def pid(seq: int, year: int = 1970) -> str:
    return make_id_number("330102", date(year, 3, 5), seq)


def person(name: str, seq: int | None = None, rep: bool = False, **extra) -> PartyInput:
    fields = {"name": name, **extra}
    if seq is not None:
        fields["id_number"] = pid(seq)
    return PartyInput(role="petitioner", fields=fields, is_representative=rep)


def village(desk, name="东山村"):
    return next(v for v in organisation.villages(desk) if v.name == name)


def register(desk, title="反映征地补偿款未足额发放问题", people=None, received="2026-11-02", **fields):
    data = {"title": title, "petition_type": "claim", "channel": "letter", "received_on": received,
            "claims": "要求足额发放征地补偿款"}
    data.update(fields)
    return petitions.register_petition(desk, data, people or [person("钱多多", 9)])


def stage(desk, case_id, key):
    return petitions.petition_clock(desk, case_id).stage(key)


# ------------------------------------------------------------------ registration


def test_group_visit_with_representatives(desk):
    people = [person(n, i + 1, rep=i < 2) for i, n in enumerate(NAMES)]
    case = register(desk, people=people, channel="visit", area_id=village(desk).id)
    assert case.number == "（2026）青信字第001号"
    assert (case.people_involved, case.representatives_count, case.is_group) == (7, 2, True)
    detail = cases.case_detail(desk, case.id)
    reps = sorted(p.name for link, p in detail.parties if link.is_representative)
    assert reps == ["张三丰", "李四"]
    row = petitions.list_petitions(desk)[0]
    assert row.representatives == "张三丰、李四" and row.petitioners.startswith("张三丰、李四、")
    assert row.flags == "集体访"


def test_group_visit_needs_one_to_five_representatives(desk):
    people = [person(n, i + 1) for i, n in enumerate(NAMES)]
    with pytest.raises(FieldError) as info:
        register(desk, people=people, channel="visit")
    assert "推选代表" in str(info.value)
    six = [person(f"代表{i}", 20 + i, rep=True) for i in range(6)]
    with pytest.raises(FieldError) as info:
        register(desk, people=six, channel="visit")
    assert "不得超过5人" in str(info.value)
    # a group letter needs no representatives
    assert register(desk, people=people, channel="letter").people_involved == 7


@pytest.mark.parametrize("missing, word", [("petition_type", "信访类型"), ("channel", "信访形式")])
def test_type_and_channel_are_required(desk, missing, word):
    with pytest.raises(FieldError) as info:
        register(desk, **{missing: ""})
    assert word in str(info.value)


def test_at_least_one_petitioner(desk):
    with pytest.raises(FieldError):
        petitions.register_petition(desk, {"title": "无人", "petition_type": "claim", "channel": "letter"}, [])


def test_a_fresh_petition_runs_the_notice_clock(desk):
    case = register(desk, received="2026-11-02")
    clock = petitions.petition_clock(desk, case.id)
    notice = clock.stage("notice_due")
    assert (notice.due_on, notice.state, notice.days_left) == (date(2026, 11, 17), "running", -10)
    assert notice.overdue and clock.overdue
    assert clock.stage("misroute_objection_due").state == "n/a"  # not transferred to us
    assert clock.stage("handling_due").state == "pending"
    assert case.due_on == date(2026, 11, 17)


def test_transferred_petition_has_the_misroute_window(desk):
    case = register(desk, received="2026-11-23", received_from="临川县信访局")
    s = stage(desk, case.id, "misroute_objection_due")
    assert (s.due_on, s.state, s.owner) == (date(2026, 11, 30), "running", "option")
    assert petitions.petition_clock(desk, case.id).next.key == "misroute_objection_due"


# ------------------------------------------------------------------ the workflow


def test_accept_starts_the_sixty_days(desk):
    case = register(desk, received="2026-11-02")
    case = petitions.accept(desk, case.id, "2026-11-10")
    assert (case.status, case.accepted_on, case.notice_on) == ("accepted", date(2026, 11, 10), date(2026, 11, 10))
    assert case.due_on == date(2027, 1, 11)  # 9 Jan is a Saturday → Monday
    clock = petitions.petition_clock(desk, case.id)
    assert clock.stage("notice_due").state == "done"
    assert clock.stage("notice_due").done_on == date(2026, 11, 10)
    h = clock.stage("handling_due")
    assert (h.due_on, h.state, h.days_left) == (date(2027, 1, 11), "running", 45)
    assert clock.can_extend


def test_invalid_jumps_are_refused_with_the_reason(desk):
    case = register(desk)
    with pytest.raises(ServiceError) as info:
        petitions.reply(desk, case.id, "support", "《信访工作条例》", "已核实", "2026-11-20")
    assert "不能从“已登记”直接变为“已出具处理意见”" in str(info.value)
    with pytest.raises(ServiceError):
        petitions.request_review(desk, case.id, "2026-11-20")
    with pytest.raises(ServiceError):
        petitions.record_rereview(desk, case.id, "维持", "2026-11-20")
    petitions.accept(desk, case.id, "2026-11-05")
    with pytest.raises(ServiceError) as info:
        petitions.accept(desk, case.id, "2026-11-06")
    assert "已是“已受理”" in str(info.value)
    with pytest.raises(ServiceError):
        petitions.refuse(desk, case.id, "不属于本机关职责", "2026-11-06")


def test_dates_are_checked(desk):
    case = register(desk, received="2026-11-02")
    with pytest.raises(FieldError):
        petitions.accept(desk, case.id, "2026-11-01")  # before it was received
    with pytest.raises(FieldError):
        petitions.accept(desk, case.id, "2026-11-28")  # after today
    petitions.accept(desk, case.id, "2026-11-05")
    with pytest.raises(FieldError):
        petitions.reply(desk, case.id, "support", "依据", "事实", "2026-11-04")  # before acceptance


def test_extension_once_at_most_thirty_days_with_an_approver(desk):
    case = register(desk, received="2026-10-01")
    petitions.accept(desk, case.id, "2026-10-08")
    with pytest.raises(FieldError):
        petitions.extend(desk, case.id, 31, "情况复杂", "赵建国", "2026-11-20")
    with pytest.raises(FieldError):
        petitions.extend(desk, case.id, 30, "情况复杂", "", "2026-11-20")
    with pytest.raises(FieldError):
        petitions.extend(desk, case.id, 30, "", "赵建国", "2026-11-20")
    case = petitions.extend(desk, case.id, 30, "需核查征收档案", "赵建国", "2026-11-20")
    assert (case.extension_days, case.extension_approver, case.extension_reason) == (30, "赵建国", "需核查征收档案")
    assert case.due_on == date(2027, 1, 6)  # 8 Oct + 90
    with pytest.raises(ServiceError) as info:
        petitions.extend(desk, case.id, 5, "再延", "赵建国", "2026-11-25")
    assert "只能延期一次" in str(info.value)
    events = [e for e in cases.case_detail(desk, case.id).events if e.kind == "extension"]
    assert len(events) == 1 and events[0].extension_days == 30


def test_extension_must_come_before_the_sixty_days_end(desk):
    case = register(desk, received="2026-08-01")
    petitions.accept(desk, case.id, "2026-08-03")  # due 2 Oct (holiday-free calendar: Friday)
    with pytest.raises(ServiceError) as info:
        petitions.extend(desk, case.id, 10, "情况复杂", "赵建国", "2026-11-20")
    assert "已于 2026-10-02 届满" in str(info.value)


def test_suggestions_have_no_handling_clock_and_no_extension(desk):
    case = register(desk, petition_type="suggestion")
    petitions.accept(desk, case.id, "2026-11-05")
    clock = petitions.petition_clock(desk, case.id)
    assert clock.stage("handling_due").state == "n/a" and clock.next is None
    assert not clock.runs_handling_clock
    assert clock.stage("review_request_due").state == "n/a"  # no 处理意见书, no 复查
    with pytest.raises(ServiceError):
        petitions.extend(desk, case.id, 10, "情况复杂", "赵建国", "2026-11-20")


def test_reply_and_the_review_window(desk):
    case = register(desk, received="2026-09-01")
    petitions.accept(desk, case.id, "2026-09-02")
    with pytest.raises(FieldError):
        petitions.reply(desk, case.id, "", "依据", "事实", "2026-10-20")
    with pytest.raises(FieldError):
        petitions.reply(desk, case.id, "support", "", "事实", "2026-10-20")
    with pytest.raises(FieldError):
        petitions.reply(desk, case.id, "support", "依据", "", "2026-10-20")
    case = petitions.reply(desk, case.id, "reject", "《土地管理法》第四十八条", "经核实已足额发放", "2026-10-20",
                           review_body="临川县人民政府")
    assert (case.status, case.decision, case.review_body) == ("replied", "reject", "临川县人民政府")
    clock = petitions.petition_clock(desk, case.id)
    assert clock.stage("handling_due").state == "done"
    w = clock.stage("review_request_due")
    assert (w.due_on, w.owner, w.state) == (date(2026, 11, 19), "petitioner", "passed")  # the window went by
    assert not clock.overdue  # the petitioner's window never makes the unit overdue
    with pytest.raises(ServiceError) as info:
        petitions.request_review(desk, case.id, "2026-11-25")
    assert "已超过申请复查的期限" in str(info.value)
    case = petitions.request_review(desk, case.id, "2026-11-19")
    assert case.status == "review_requested" and case.due_on == date(2026, 12, 21)  # 19 Dec is a Saturday


def test_full_chain_to_the_end_of_the_procedure(desk):
    case = register(desk, received="2026-03-02")
    petitions.accept(desk, case.id, "2026-03-03")
    petitions.reply(desk, case.id, "explain", "依据", "事实", "2026-04-20")
    petitions.request_review(desk, case.id, "2026-05-10", body="临川县人民政府")
    petitions.record_review(desk, case.id, "维持原处理意见。", "2026-06-01")
    with pytest.raises(ServiceError):
        petitions.request_rereview(desk, case.id, "2026-07-20")  # 30 days from 1 June: 1 July
    petitions.request_rereview(desk, case.id, "2026-06-20", body="抚州市人民政府")
    case = petitions.record_rereview(desk, case.id, "维持复查意见。", "2026-07-15")
    clock = petitions.petition_clock(desk, case.id)
    assert case.status == "rereviewed" and case.due_on is None
    assert "不再受理" in clock.end_state and clock.next is None
    assert [s.state for s in clock.stages if s.key != "misroute_objection_due"] == ["done"] * 6
    case = petitions.close(desk, case.id, "2026-07-20")
    assert case.status == "closed" and case.closed_on == date(2026, 7, 20)


def test_legal_channel_leaves_the_clock(desk):
    case = register(desk, title="反映邻居借款不还问题", received="2026-11-02")
    case = petitions.route_to_legal_channel(desk, case.id, "court", "2026-11-05", body="临川县人民法院")
    assert (case.status, case.legal_channel, case.assigned_to, case.due_on) == (
        "legal_channel", "court", "临川县人民法院", None)
    clock = petitions.petition_clock(desk, case.id)
    assert clock.next is None and not clock.overdue
    assert clock.end_state.startswith("已导入法定途径（诉讼）")
    with pytest.raises(FieldError):
        petitions.route_to_legal_channel(desk, register(desk).id, "mediation", "2026-11-05")


def test_assign_out_and_refuse(desk):
    a = petitions.assign_out(desk, register(desk).id, "临川县交通运输局", "2026-11-05", word="交办")
    assert (a.status, a.assigned_to, a.notice_on) == ("assigned_out", "临川县交通运输局", date(2026, 11, 5))
    assert petitions.notice_view(desk, a.id).assign_word == "交办"
    r = petitions.refuse(desk, register(desk).id, "不属于本机关职权范围", "2026-11-06", refer_to="临川县人社局")
    assert (r.status, r.outcome_note, r.assigned_to) == ("not_accepted", "不属于本机关职权范围", "临川县人社局")
    with pytest.raises(FieldError):
        petitions.refuse(desk, register(desk).id, " ", "2026-11-06")


def test_misroute_objection_within_five_working_days_of_the_holiday_list(desk):
    settings_service.put(desk, settings_service.HOLIDAYS_KEY,
                         {"holidays": [f"2026-10-0{d}" for d in range(1, 8)], "workdays": ["2026-10-10"]})
    # received 29 Sep: 30 Sep, 8, 9, 10 (worked Saturday), 12 Oct
    case = register(desk, received="2026-09-29", received_from="临川县信访局")
    assert stage(desk, case.id, "misroute_objection_due").due_on == date(2026, 10, 12)
    with pytest.raises(ServiceError) as info:
        petitions.object_misroute(desk, case.id, "不属于本镇职权范围", "2026-10-13")
    assert "2026-10-12" in str(info.value)
    case = petitions.object_misroute(desk, case.id, "属于县住建局职权范围", "2026-10-12")
    assert (case.status, case.assigned_to) == ("assigned_out", "临川县信访局")
    assert stage(desk, case.id, "misroute_objection_due").state == "done"
    with pytest.raises(ServiceError):
        petitions.object_misroute(desk, register(desk).id, "理由", "2026-11-05")  # not transferred to us


# ------------------------------------------------------------------ repeat petitions

SIMILARITY_CASES = [
    ("许某反映与王某果园受损纠纷问题", "许某反映与朱某果园受损纠纷问题", True, "the other party changed"),
    ("要求赔偿果树损失2800元", "要求赔偿果树损失3.7万元", True, "amounts change between visits"),
    ("反映征地补偿款未足额发放问题", "再次反映征地补偿款未足额发放", True, "再次 and word order"),
    ("反映宅基地界址纠纷问题", "反映果园受损纠纷问题", False, "different matters"),
    ("反映县道养护问题", "反映村集体土地流转收益分配问题", False, "nothing in common but filler"),
    ("", "反映征地补偿问题", False, "empty text"),
]


@pytest.mark.parametrize("a, b, similar, why", SIMILARITY_CASES, ids=[c[3] for c in SIMILARITY_CASES])
def test_matter_similarity_table(a, b, similar, why):
    assert (petitions.matter_similarity(a, b) >= petitions.SIMILARITY_THRESHOLD) is similar, why


texts = st.text(alphabet="征地补偿款宅基地果园受损纠纷问题反映要求赔偿道路修建村民0123456789", max_size=30)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_similarity_is_symmetric_and_bounded(a, b):
    s = petitions.matter_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx(petitions.matter_similarity(b, a))


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 99999), st.integers(0, 99999))
def test_similarity_ignores_amounts_and_names(text, x, y):
    if len(petitions._bigrams(text)) == 0:
        return
    assert petitions.matter_similarity(text, text) == 1.0
    assert petitions.matter_similarity(f"{text}{x}元", f"{text}{y}元") == 1.0
    assert petitions.matter_similarity(f"张三{text}", f"李四{text}", drop=["张三", "李四"]) == 1.0


@pytest.fixture
def history(desk):
    """Earlier petitions: 钱多多 (with ID) about land compensation, 王小二 of 东山村 (no ID) about
    an orchard, 王小二 of 西河村 about the same kind of matter, a voided one."""
    east, west = village(desk, "东山村"), village(desk, "西河村")
    land = register(desk, title="钱某反映征地补偿款未足额发放问题", people=[person("钱多多", 9)], received="2026-03-02")
    orchard = register(desk, title="王某反映与李某果园受损纠纷问题", claims="要求李某赔偿果树损失2800元",
                       people=[person("王小二", address="东山村一组")], area_id=east.id, received="2026-04-02")
    other = register(desk, title="王某反映与赵某果园受损纠纷问题", people=[person("王小二", address="西河村")],
                     area_id=west.id, received="2026-05-02")
    void = register(desk, title="孙某反映低保问题", people=[person("孙小美", 33)], received="2026-05-03")
    cases.void_case(desk, void.id, "重复录入")
    return {"land": land, "orchard": orchard, "other": other, "void": void, "east": east, "west": west}


REPEAT_CASES = [
    # who, matter, expected key (None: no candidate), matched_by
    ({"name": "钱多多", "id_number": pid(9)}, "再次反映征地补偿款未足额发放", "land", "身份证号相同"),
    ({"name": "钱大大", "id_number": pid(9)}, "征地补偿款没有发足", "land", "身份证号相同"),
    ({"name": "钱多多", "id_number": pid(9)}, "反映邻居噪音扰民问题", None, ""),
    ({"name": "钱多多"}, "再次反映征地补偿款未足额发放", None, ""),  # no ID, no village: not enough
    ({"name": "王小二", "village": "东山村"}, "反映与李某果园受损问题，要求赔偿", "orchard", "姓名和村相同"),
    ({"name": "王小二", "address": "临川县青石镇东山村一组"}, "果园受损纠纷", "orchard", "姓名和村相同"),
    ({"name": "王小二", "area_id": "west"}, "王某反映果园受损纠纷", "other", "姓名和村相同"),
    ({"name": "王小三", "village": "东山村"}, "果园受损纠纷", None, ""),
    ({"name": "孙小美", "id_number": pid(33)}, "孙某反映低保问题", None, ""),  # the earlier one was voided
]


@pytest.mark.parametrize("who, matter, expected, matched_by", REPEAT_CASES,
                         ids=[f"{c[0].get('name')}-{c[2]}" for c in REPEAT_CASES])
def test_find_possible_repeats_table(desk, history, who, matter, expected, matched_by):
    who = dict(who)
    if who.get("area_id") == "west":
        who["area_id"] = history["west"].id
    found = petitions.find_possible_repeats(desk, who, matter)
    if expected is None:
        assert found == []
    else:
        assert [c.original_id for c in found] == [history[expected].id]
        assert found[0].matched_by == matched_by and found[0].similarity >= petitions.SIMILARITY_THRESHOLD


def test_a_group_matches_when_any_person_does(desk, history):
    found = petitions.find_possible_repeats(
        desk, [{"name": "路人甲"}, {"name": "钱多多", "id_number": pid(9)}], "征地补偿款未足额发放")
    assert [c.number for c in found] == [history["land"].number]


def test_a_repeat_links_to_the_original_and_is_no_new_petition(desk, history):
    land = history["land"]
    first = register(desk, title="钱某再次反映征地补偿款问题", people=[person("钱多多", 9)], received="2026-06-01")
    second = petitions.register_petition(
        desk, {"title": "钱某又反映征地补偿款问题", "petition_type": "claim", "channel": "visit",
               "received_on": "2026-07-01"}, [person("钱多多", 9)], repeat_of=land.id)
    third = petitions.register_petition(
        desk, {"title": "钱某第三次反映征地补偿款", "petition_type": "claim", "channel": "visit",
               "received_on": "2026-07-05"}, [person("钱多多", 9)], repeat_of=second.id)
    assert second.is_repeat and second.original_case_id == land.id
    assert third.original_case_id == land.id  # the chain's original
    assert third.status == "registered"  # the matter is still open: handle it
    found = petitions.find_possible_repeats(desk, {"name": "钱多多", "id_number": pid(9)}, "征地补偿款问题",
                                            exclude_case_id=third.id)
    assert {c.original_id for c in found} == {land.id, first.id}
    skip = petitions.register_petition(
        desk, {"title": "赵某越级反映低保问题", "petition_type": "claim", "channel": "visit",
               "received_on": "2026-07-06"}, [person("赵越", 40)], level_skipping=True)
    assert skip.is_level_skipping
    stats = petitions.petition_statistics(desk, "2026-07")
    assert (stats.total, stats.new, stats.repeat, stats.level_skipping) == (3, 0, 2, 1)


def test_after_re_review_a_repeat_is_not_accepted_again(desk):
    original = register(desk, title="钱某反映宅基地确权问题", people=[person("钱多多", 9)], received="2026-03-02")
    petitions.accept(desk, original.id, "2026-03-03")
    petitions.reply(desk, original.id, "reject", "《土地管理法》第六十二条", "不符合条件", "2026-04-20")
    petitions.request_review(desk, original.id, "2026-05-10")
    petitions.record_review(desk, original.id, "维持", "2026-06-01")
    petitions.request_rereview(desk, original.id, "2026-06-20", body="抚州市人民政府")
    petitions.record_rereview(desk, original.id, "维持复查意见", "2026-07-15")
    found = petitions.find_possible_repeats(desk, {"name": "钱多多", "id_number": pid(9)}, "钱某再次反映宅基地确权问题")
    assert found and found[0].no_longer_accepted and "不再受理" in found[0].reason
    repeat = petitions.register_petition(
        desk, {"title": "钱某再次反映宅基地确权问题", "petition_type": "claim", "channel": "visit",
               "received_on": "2026-11-20"}, [person("钱多多", 9)], repeat_of=original.id)
    assert (repeat.status, repeat.is_repeat, repeat.notice_on) == ("not_accepted", True, date(2026, 11, 20))
    clock = petitions.petition_clock(desk, repeat.id)
    assert clock.end_state.startswith("不再受理") and clock.next is None
    view = petitions.notice_view(desk, repeat.id)
    assert view.no_longer_accepted and view.original_number == original.number
    assert view.original_rereviewed_on == date(2026, 7, 15) and view.original_rereview_body == "抚州市人民政府"
    names = {c.name for c in petitions.notice_choices(desk, repeat.id) if c.ok}
    assert names == {"petition_no_longer"}


def test_accepting_a_repeat_of_a_closed_matter_is_refused(desk):
    original = register(desk, people=[person("钱多多", 9)], received="2026-03-02")
    petitions.accept(desk, original.id, "2026-03-03")
    petitions.reply(desk, original.id, "reject", "依据", "事实", "2026-04-20")
    petitions.request_review(desk, original.id, "2026-05-10")
    petitions.record_review(desk, original.id, "维持", "2026-06-01")
    repeat = petitions.register_petition(
        desk, {"title": "再次反映", "petition_type": "claim", "channel": "visit", "received_on": "2026-06-05"},
        [person("钱多多", 9)], repeat_of=original.id)
    assert repeat.status == "registered"  # not re-reviewed yet: handled normally
    petitions.request_rereview(desk, original.id, "2026-06-20")
    petitions.record_rereview(desk, original.id, "维持", "2026-07-15")
    with pytest.raises(ServiceError) as info:
        petitions.accept(desk, repeat.id, "2026-07-20")
    assert "不再受理" in str(info.value)


# ------------------------------------------------------------------ lists, 今日, statistics


def test_lists_sorted_by_the_next_deadline(desk):
    a = register(desk, title="甲", received="2026-11-20")  # notice due 5 Dec (Sat) → 7 Dec
    b = register(desk, title="乙", received="2026-11-01")  # notice due 16 Nov: overdue
    c = register(desk, title="丙", received="2026-11-25")
    petitions.accept(desk, c.id, "2026-11-26")  # handling due 25 Jan
    d = register(desk, title="丁", received="2026-11-10")
    petitions.route_to_legal_channel(desk, d.id, "arbitration", "2026-11-11")
    rows = petitions.list_petitions(desk)
    assert [r.title for r in rows] == ["乙", "甲", "丙", "丁"]
    assert rows[0].overdue and rows[0].next.days_left == -11
    assert [r.title for r in petitions.list_petitions(desk, due_within=10)] == ["乙", "甲"]
    assert [r.title for r in petitions.petitions_by_next_deadline(desk)] == ["乙", "甲", "丙"]
    assert [r.title for r in petitions.petitions_by_next_deadline(desk, within_days=0)] == ["乙"]
    js = rows[1].as_json()
    assert js["next_deadline"]["due_on"] == date(2026, 12, 7)
    assert set(js["stages"]) == set(petitions.STAGE_KEYS)
    assert js["stages"]["notice_due"]["due_on"] == date(2026, 12, 7)
    closed = petitions.close(desk, d.id, "2026-11-20")
    assert closed.id not in {r.case_id for r in petitions.list_petitions(desk)}
    assert closed.id in {r.case_id for r in petitions.list_petitions(desk, include_closed=True)}
    assert [r.title for r in petitions.list_petitions(desk, text="丙")] == ["丙"]


def test_the_stored_due_date_matches_the_unit_stage_of_the_clock(desk):
    """The register and 今日 use case.due_on; the petitions page uses the clock: they agree."""
    case = register(desk, received="2026-10-01")
    for step in (lambda: petitions.accept(desk, case.id, "2026-10-08"),
                 lambda: petitions.extend(desk, case.id, 20, "复杂", "赵建国", "2026-11-01"),
                 lambda: petitions.reply(desk, case.id, "support", "依据", "事实", "2026-11-10"),
                 lambda: petitions.request_review(desk, case.id, "2026-11-20")):
        stored = step().due_on
        clock = petitions.petition_clock(desk, case.id)
        owed = [s for s in clock.running if s.owner == "unit"]
        assert stored == (owed[0].due_on if owed else None)


def test_month_statistics(desk):
    people = [person(n, i + 1, rep=i < 2) for i, n in enumerate(NAMES)]
    g = register(desk, people=people, channel="visit", received="2026-11-02")
    petitions.accept(desk, g.id, "2026-11-10")
    r = register(desk, received="2026-11-03", people=[person("甲", 50)])
    petitions.refuse(desk, r.id, "不属于本机关职权范围", "2026-11-25")  # notice late (due 18 Nov)
    t = register(desk, received="2026-11-04", people=[person("乙", 51)])
    petitions.assign_out(desk, t.id, "县住建局", "2026-11-05")
    register(desk, received="2026-10-30", people=[person("丙", 52)])  # another month
    s = petitions.petition_statistics(desk, "2026-11")
    assert (s.total, s.new, s.people, s.group_batches, s.group_people) == (3, 3, 9, 1, 7)
    assert (s.accepted, s.not_accepted, s.assigned_out, s.legal_channel) == (1, 1, 1, 0)
    assert (s.noticed, s.noticed_on_time) == (3, 2)
    assert "新信访事项3件" in s.line()


def test_ledger_rows_and_masking(desk):
    people = [person(n, i + 1, rep=i < 2) for i, n in enumerate(NAMES)]
    g = register(desk, people=people, channel="visit", received="2026-11-02", received_from="临川县信访局")
    petitions.accept(desk, g.id, "2026-11-10")
    ledger = petitions.petition_ledger(desk, "2026-11")
    assert ledger.title == "2026年11月信访事项登记台账" and len(ledger.rows) == 1
    row = ledger.rows[0]
    assert row.petitioners.endswith("（代表：张三丰、李四）") and row.people == 7
    assert row.handling == "受理 2026.11.10" and row.due.startswith("办理 2027.1.11")
    assert "集体访" in row.remarks and row.received_from == "临川县信访局"
    masked = petitions.petition_ledger(desk, "2026-11", mask=True)
    assert "张三丰" not in masked.rows[0].petitioners and "张*丰" in masked.rows[0].petitioners
    with pytest.raises(ServiceError):
        petitions.petition_ledger(desk, "2026-13")


def test_notice_choices_follow_the_procedure(desk):
    case = register(desk, received="2026-09-01")

    def ok():
        return {c.name for c in petitions.notice_choices(desk, case.id) if c.ok}

    assert ok() == set()
    petitions.accept(desk, case.id, "2026-09-02")
    assert ok() == {"petition_accept"}
    petitions.extend(desk, case.id, 10, "复杂", "赵建国", "2026-10-01")
    assert ok() == {"petition_accept", "petition_extension"}
    petitions.reply(desk, case.id, "support", "依据", "事实", "2026-10-20")
    petitions.request_review(desk, case.id, "2026-11-01")
    petitions.record_review(desk, case.id, "维持", "2026-11-20")
    assert ok() == {"petition_accept", "petition_extension", "petition_opinion", "petition_review"}
    refusal = next(c for c in petitions.notice_choices(desk, case.id) if c.name == "petition_rereview")
    assert "尚未作出复核意见" in refusal.reason


def test_voided_petitions_cannot_move(desk):
    case = register(desk)
    cases.void_case(desk, case.id, "录错")
    with pytest.raises(ServiceError) as info:
        petitions.accept(desk, case.id, "2026-11-05")
    assert "作废" in str(info.value)
    assert petitions.list_petitions(desk, include_closed=True) == []


def test_disputes_are_not_petitions(desk):
    dispute = cases.register_case(desk, "dispute", {"title": "邻里纠纷"})
    with pytest.raises(ServiceError):
        petitions.accept(desk, dispute.id)
    with pytest.raises(ServiceError):
        petitions.notice_view(desk, dispute.id)


def test_deadlines_move_with_the_settings(desk):
    settings_service.put(desk, settings_service.DEADLINES_KEY, {"petition_handling_days": 45})
    case = register(desk, received="2026-11-02")
    petitions.accept(desk, case.id, "2026-11-02")
    assert stage(desk, case.id, "handling_due").due_on == date(2026, 12, 17)
    assert date(2026, 11, 2) + timedelta(days=45) == date(2026, 12, 17)


# ------------------------------------------------------------------ re-review hearing (听证)


def rereview_requested(desk, on="2026-11-04"):
    case = register(desk, received="2026-08-03")
    petitions.accept(desk, case.id, "2026-08-04")
    petitions.reply(desk, case.id, "explain", "依据", "事实", "2026-09-01")
    petitions.request_review(desk, case.id, "2026-09-10")
    petitions.record_review(desk, case.id, "维持原处理意见。", "2026-10-20")
    return petitions.request_rereview(desk, case.id, on, body="抚州市人民政府")


def test_hearing_days_move_the_rereview_answer_due_date(desk):
    from sqlmodel import select

    from mediation_desk.services import deadlines as deadline_service
    from mediation_desk.store.models import AuditEntry, CaseEvent

    case = rereview_requested(desk)  # 4 Nov (Wed): answer due 4 Dec (Fri)
    assert case.due_on == date(2026, 12, 4) == stage(desk, case.id, "rereview_answer_due").due_on
    case = petitions.record_hearing(desk, case.id, 10, "2026-11-20", note="11月16日至25日举行听证")
    assert case.rereview_hearing_days == 10
    due = date(2026, 12, 14)  # 4 Nov + 30 + 10 days (14 Dec, a Monday)
    clock = petitions.petition_clock(desk, case.id)
    assert clock.hearing_days == 10 and clock.stage("rereview_answer_due").due_on == due
    assert cases.get_case(desk, case.id).due_on == due  # the register and 今日 read case.due_on
    assert deadline_service.case_clock(desk, cases.get_case(desk, case.id))["rereview_answer_due"] == due
    row = next(r for r in petitions.list_petitions(desk) if r.case_id == case.id)
    js = row.as_json()
    assert js["rereview_hearing_days"] == 10 and js["stages"]["rereview_answer_due"]["due_on"] == due
    assert [r.case_id for r in petitions.petitions_by_next_deadline(desk)] == [case.id]
    with desk.read() as session:
        audits = session.exec(select(AuditEntry).where(AuditEntry.entity_id == case.id)).all()
        notes = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "note")).all()
    assert any(a.action == "update" and (a.before or {}).get("rereview_hearing_days") == 0
               and (a.after or {}).get("rereview_hearing_days") == 10 for a in audits)
    assert [n.content for n in notes] == ["复核听证：10日（不计入复核答复期限）"]
    # full-width digits are fine; 0 clears it; the same value again is refused
    assert petitions.record_hearing(desk, case.id, "１２", "2026-11-21").due_on == date(2026, 12, 16)
    assert petitions.record_hearing(desk, case.id, "0", "2026-11-22").due_on == date(2026, 12, 4)
    with pytest.raises(ServiceError, match="没有变化"):
        petitions.record_hearing(desk, case.id, 0)
    # after the re-review opinion the days recorded still show on the finished stage
    petitions.record_hearing(desk, case.id, 10, "2026-11-23")
    petitions.record_rereview(desk, case.id, "维持复查意见。", "2026-11-26")
    assert stage(desk, case.id, "rereview_answer_due").due_on == due


@pytest.mark.parametrize("bad, word", [(-1, "不能为负数"), ("-3", "不能为负数"), ("十天", "应为整数"), ("1.5", "应为整数"),
                                       (1.5, "应为整数"), (True, "应为整数"), ("", "请填写听证天数"), (None, "应为整数"),
                                       (10000, "不能超过365日")])
def test_bad_hearing_days_are_refused_in_chinese(desk, bad, word):
    case = rereview_requested(desk)
    with pytest.raises(FieldError) as info:
        petitions.record_hearing(desk, case.id, bad)
    assert word in str(info.value)
    assert cases.get_case(desk, case.id).rereview_hearing_days == 0


def test_hearing_days_only_once_a_rereview_is_requested(desk):
    case = register(desk, received="2026-11-02")
    petitions.accept(desk, case.id, "2026-11-03")
    with pytest.raises(ServiceError, match="已申请复核"):
        petitions.record_hearing(desk, case.id, 10)
    case = rereview_requested(desk)
    with pytest.raises(FieldError, match="不能早于申请复核日期"):
        petitions.record_hearing(desk, case.id, 10, "2026-11-03")


# ------------------------------------------------------------------ the list a page at a time


def _old_order(rows):
    return sorted(rows, key=petitions._sort_key)


@pytest.mark.parametrize("kwargs", [{}, {"include_closed": True}, {"due_within": 7}, {"include_closed": True, "text": "征地"},
                                    {"include_closed": True, "text": "(2026)"}])
def test_listing_is_the_same_list_as_sorting_every_row(demo_desk, kwargs):
    listing = petitions.petition_listing(demo_desk, **kwargs)
    rows = listing.fetch(0, None)
    assert len(rows) == listing.total and listing.total > 0
    assert [r.case_id for r in rows] == [r.case_id for r in _old_order(rows)]
    assert listing.overdue == sum(r.overdue for r in rows)
    paged = []
    for start in range(0, listing.total, 37):
        paged += listing.fetch(start, 37)
    assert [r.case_id for r in paged] == listing.ids
    if kwargs.get("text"):
        text = kwargs["text"].replace("(", "（").replace(")", "）")
        for r in rows[:50]:
            case = cases.get_case(demo_desk, r.case_id)
            assert any(text in f for f in (case.number, case.title, case.claims, case.description, r.petitioners))
    overdue = petitions.petition_listing(demo_desk, overdue_only=True, **{k: v for k, v in kwargs.items()
                                                                          if k != "due_within"})
    assert overdue.ids == [r.case_id for r in rows if r.overdue] or kwargs.get("due_within")


def test_listing_text_search_finds_what_the_old_filter_found(demo_desk):
    everything = petitions.petition_listing(demo_desk, include_closed=True).fetch(0, None)
    for text in ("征地", "李", "第00", "补偿款"):
        expected = set()
        for r in everything:
            c = cases.get_case(demo_desk, r.case_id)
            hay = " ".join([c.number, c.title, c.claims or "", c.description or "", r.petitioners])
            if text in hay:
                expected.add(r.case_id)
        assert set(petitions.petition_listing(demo_desk, include_closed=True, text=text).ids) == expected, text
