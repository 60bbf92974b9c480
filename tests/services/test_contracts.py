"""Leader contracts (领导包案): assignment and its number and deadline, monthly progress and the
reminder, extension limits, the closure checklist (五不结案), reopening to the same leader, the
lists of the page (by leader, overdue, due soon, loads) and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from mediation_desk.services import cases, contracts, organisation, settings
from mediation_desk.services.context import ServiceError
from mediation_desk.services.contracts import CloseInput, ContractFilter, ContractInput, ProgressInput
from mediation_desk.services.parties import FieldError, PartyInput
from mediation_desk.services.register import leaders_of
from mediation_desk.store import numbers
from mediation_desk.store.models import AuditEntry, LeaderContract

PLAN = "一、基本情况：两家宅基地边界争议。\n二、化解目标：依法确权。\n三、工作措施：1．现场勘测；2．召开协调会。\n四、时限要求：按期化解。"


def _case(desk, title="张三与李四宅基地纠纷", received="2026-08-20", **extra):
    village = organisation.villages(desk)[0]
    fields = {"title": title, "category": "homestead", "area_id": village.id, "received_on": received,
              "claims": "要求确认宅基地边界", "is_backlog": True, **extra}
    return cases.register_case(desk, "dispute", fields, [
        PartyInput("applicant", fields={"name": "张三"}), PartyInput("respondent", fields={"name": "李四"})])


def _leader(desk, name="赵建国"):
    return next(s for s in organisation.list_staff(desk) if s.name == name)


def _assign(desk, case_id, assigned="2026-09-10", **kw):
    data = dict(leader_id=_leader(desk).id, responsible_unit="青石镇司法所", responsible_persons="李明",
                task_team="赵建国（组长）、李明、东山村书记王强", plan=PLAN, assigned_on=assigned)
    data.update(kw)
    return contracts.assign_contract(desk, case_id, ContractInput(**data))


def _close_input(**kw):
    data = dict(status="resolved", satisfaction="satisfied", approver="周镇长", facts_investigated=True,
                handling_proper=True, problem_solved=True, closed_on="2026-11-20")
    data.update(kw)
    return CloseInput(**data)


def _audit(desk, entity_id, action=None):
    with desk.read() as session:
        query = select(AuditEntry).where(AuditEntry.entity_id == entity_id)
        if action:
            query = query.where(AuditEntry.action == action)
        return list(session.exec(query))


# --------------------------------------------------------------------------- assignment


def test_assign_allocates_the_number_once_and_the_default_deadline(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    assert contract.number == "（2026）青包字第001号"
    assert contract.deadline_on == date(2026, 12, 10)  # assigned 2026-09-10 + 3 months
    assert contract.status == "in_progress"
    # leader from the staff list: post and phone come with them
    assert (contract.leader_name, contract.leader_post, contract.leader_phone) == ("赵建国", "镇党委副书记", "13900001111")
    assert leaders_of(desk, [case.id])[case.id]["name"] == "赵建国"
    created = _audit(desk, contract.id, "create")
    assert len(created) == 1 and created[0].after["number"] == contract.number
    assert created[0].actor == "测试员"
    # the default honours the unit's setting and rolls past a weekend: 2026-11-27 + 3 months = Sat 2027-02-27
    assert contracts.default_deadline(desk, "2026-11-27") == date(2027, 3, 1)
    settings.put(desk, settings.DEADLINES_KEY, {"contract_months": 2})
    assert contracts.default_deadline(desk, date(2026, 9, 10)) == date(2026, 11, 10)


def test_a_case_takes_one_contract_and_a_voided_one_keeps_its_number(desk):
    case = _case(desk)
    first = _assign(desk, case.id)
    with pytest.raises(ServiceError, match="已由赵建国包案"):
        _assign(desk, case.id)
    contracts.void_contract(desk, first.id, "交办错了案件")
    second = _assign(desk, case.id, leader_id=None, leader_name="县信访局刘局长", leader_post="局长")
    assert second.number == "（2026）青包字第002号"  # never reused
    assert second.leader_id is None and second.leader_name == "县信访局刘局长"
    assert [r.id for r in contracts.list_contracts(desk)] == [second.id]
    assert len(contracts.list_contracts(desk, ContractFilter(include_voided=True))) == 2


def test_assignment_refusals_are_chinese_and_consume_no_number(desk):
    case = _case(desk)
    with desk.read() as session:
        unit = desk.current_unit(session)
        before = numbers.peek(session, unit.id, "contract", 2026)
    bad = [
        (dict(deadline_on="2026-12-11"), "deadline_on", "不能超过交办之日起3个月"),
        (dict(assigned_on="2026-08-01"), "assigned_on", "不能早于案件受理日期"),
        (dict(assigned_on="2026-11-28"), "assigned_on", "不能晚于今天"),
        (dict(plan="  "), "plan", "一案一策"),
        (dict(responsible_unit=""), "responsible_unit", "责任单位"),
        (dict(leader_id=None, leader_name=""), "leader_name", "包案领导"),
        (dict(leader_phone="123"), "leader_phone", "电话"),
    ]
    for changes, field_name, words in bad:
        with pytest.raises(FieldError, match=words) as info:
            _assign(desk, case.id, **changes)
        assert info.value.field == field_name
    with desk.read() as session:
        assert numbers.peek(session, unit.id, "contract", 2026) == before
        assert session.exec(select(LeaderContract)).all() == []
    # an earlier deadline than the default is allowed
    assert _assign(desk, case.id, deadline_on="2026-11-30").deadline_on == date(2026, 11, 30)
    voided = _case(desk, "作废的案件")
    cases.void_case(desk, voided.id, "重复登记")
    with pytest.raises(ServiceError, match="已作废"):
        _assign(desk, voided.id)


def test_edit_hands_over_to_another_leader_with_their_post(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    other = organisation.add_staff(desk, "钱副镇长", ["leader"], post="副镇长", phone="13700001111")
    edited = contracts.update_contract(desk, contract.id, leader_id=other.id, plan=PLAN + "\n五、分工：略")
    assert (edited.leader_name, edited.leader_post, edited.leader_phone) == ("钱副镇长", "副镇长", "13700001111")
    with pytest.raises(ServiceError, match="不能直接修改"):
        contracts.update_contract(desk, contract.id, number="X", status="resolved")
    # the deadline may be brought forward, never past the term's default (that is an extension)
    assert contracts.max_deadline(desk, contract.id) == contract.deadline_on
    with pytest.raises(FieldError, match="化解时限不能晚于2026年12月10日") as refused:
        contracts.update_contract(desk, contract.id, deadline_on=date(2027, 5, 1))
    assert refused.value.field == "deadline_on"
    with pytest.raises(FieldError, match="化解时限应晚于交办日期"):
        contracts.update_contract(desk, contract.id, deadline_on=contract.assigned_on)
    earlier = contracts.update_contract(desk, contract.id, deadline_on=date(2026, 12, 1))
    assert earlier.deadline_on == date(2026, 12, 1)
    before = len(contracts.contract_history(desk, contract.id))
    contracts.update_contract(desk, contract.id, plan=earlier.plan)  # nothing changed: no audit row
    history = [h.text for h in contracts.contract_history(desk, contract.id)]
    assert len(history) == before
    assert any("包案领导由赵建国改为钱副镇长" in h for h in history)
    assert any("化解时限由2026年12月10日改为2026年12月1日" in h for h in history)


# --------------------------------------------------------------------------- progress and the reminder


def test_progress_entries_and_the_monthly_reminder(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    gaps = contracts.missing_progress(desk)
    assert [g.row.id for g in gaps] == [contract.id]
    assert gaps[0].missing_months == ["2026-09", "2026-10", "2026-11"] and gaps[0].overdue
    entry = contracts.add_progress(desk, contract.id, ProgressInput(
        work_done="赵建国带专班现场勘测", contacts="走访张三、李四", attitude="张三态度缓和", next_step="召开协调会",
        entry_on="2026-10-25", signed=True))
    assert (entry.month, entry.author, entry.signed) == ("2026-10", "测试员", True)
    gap = contracts.missing_progress(desk)[0]
    assert gap.missing_months == ["2026-11"] and not gap.overdue  # only the month still running
    assert gap.text() == "11月未报送包案工作情况"
    row = contracts.get_row(desk, contract.id)
    assert not row.progress_this_month and row.last_progress_on == date(2026, 10, 25)
    # a late entry for the previous month, written this month
    late = contracts.add_progress(desk, contract.id, ProgressInput(work_done="补记：九月走访", month="2026-09",
                                                                     author="李明"))
    assert (late.month, late.entry_on, late.author) == ("2026-09", date(2026, 11, 27), "李明")
    contracts.add_progress(desk, contract.id, ProgressInput(work_done="召开协调会，双方初步同意测量结果"))
    assert contracts.missing_progress(desk) == []
    assert contracts.get_row(desk, contract.id).progress_this_month
    assert contracts.missing_progress(desk, "2026-10") == []
    for bad, words in ((ProgressInput(work_done=""), "本月开展的工作"),
                       (ProgressInput(work_done="x", month="2026-12"), "以后月份"),
                       (ProgressInput(work_done="x", month="2026-08"), "更早月份"),
                       (ProgressInput(work_done="x", entry_on="2026-12-01"), "不能晚于今天"),
                       (ProgressInput(work_done="x", month="2026/11"), "格式不正确")):
        with pytest.raises(ServiceError, match=words):
            contracts.add_progress(desk, contract.id, bad)
    assert len(contracts.progress_entries(desk, contract.id)) == 3
    updated = contracts.update_progress(desk, entry.id, ProgressInput(work_done="现场勘测并绘图", entry_on="2026-10-25"))
    assert updated.work_done == "现场勘测并绘图"
    assert _audit(desk, entry.id, "update")[0].before == {"work_done": "赵建国带专班现场勘测", "contacts": "走访张三、李四",
                                                          "attitude": "张三态度缓和", "next_step": "召开协调会",
                                                          "signed": True}


# --------------------------------------------------------------------------- extension


def test_extension_at_most_one_month_with_approver_and_reason_and_only_once(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    with pytest.raises(ServiceError, match="每次延期不得超过1个月"):
        contracts.extend_contract(desk, contract.id, 2, "协调未果", "周镇长")
    with pytest.raises(FieldError, match="延期理由"):
        contracts.extend_contract(desk, contract.id, 1, " ", "周镇长")
    with pytest.raises(FieldError, match="批准延期"):
        contracts.extend_contract(desk, contract.id, 1, "协调未果", "")
    check = contracts.extension_check(desk, contract.id, 1)
    assert check.allowed and check.new_deadline == date(2027, 1, 11)  # Sun 2027-01-10 rolls to Monday
    extended = contracts.extend_contract(desk, contract.id, 1, "当事人外出务工，需待春节返乡后协调", "周镇长",
                                         on="2026-11-26")
    assert extended.deadline_on == date(2027, 1, 11)
    assert (extended.extension_months, extended.extension_count, extended.extension_approver) == (1, 1, "周镇长")
    assert "当事人外出务工" in extended.extension_reason
    audit_row = _audit(desk, contract.id, "extend")[0]
    assert audit_row.before["deadline_on"] == "2026-12-10" and audit_row.after["deadline_on"] == "2027-01-11"
    assert audit_row.after["approver"] == "周镇长"
    # a second extension is refused …
    with pytest.raises(ServiceError, match="已延期1次.*最多延期1次"):
        contracts.extend_contract(desk, contract.id, 1, "仍未化解", "周镇长")
    assert not contracts.extension_check(desk, contract.id).allowed
    # … unless the unit's settings allow two; each is still ≤ 1 month
    settings.put(desk, settings.DEADLINES_KEY, {"contract_max_extensions": 2})
    twice = contracts.extend_contract(desk, contract.id, 1, "仍需协调", "周镇长")
    assert twice.deadline_on == date(2027, 2, 10) and twice.extension_count == 2 and twice.extension_months == 2
    assert contracts.get_row(desk, contract.id).extension_count == 2


def test_extension_switched_off_by_settings(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    settings.put(desk, settings.DEADLINES_KEY, {"contract_extension_max_months": 0})
    with pytest.raises(ServiceError, match="不允许延期"):
        contracts.extend_contract(desk, contract.id, 1, "协调未果", "周镇长")


# --------------------------------------------------------------------------- closure


def test_closure_checklist_is_required(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    refused = [
        (dict(facts_investigated=False), "事实未查清"),
        (dict(handling_proper=False), "处理不得当"),
        (dict(problem_solved=False), "问题未解决的不能以“已化解”销号"),
        (dict(satisfaction=""), "满意度"),
        (dict(approver=" "), "审批"),
        (dict(satisfaction="still_claims"), "仍有诉求的，不能以“已化解”销号"),
        (dict(status="in_progress"), "化解结果"),
        (dict(withdrawal_agreement=True), "只有“息诉罢访”才签订息访协议"),
        (dict(closed_on="2026-09-01"), "不能早于交办日期"),
        (dict(closed_on="2026-11-28"), "不能晚于今天"),
    ]
    for changes, words in refused:
        with pytest.raises(ServiceError, match=words):
            contracts.close_contract(desk, contract.id, _close_input(**changes))
    assert contracts.get_contract(desk, contract.id).status == "in_progress"
    assert contracts.closure_problems(_close_input()) == []
    closed = contracts.close_contract(desk, contract.id, _close_input())
    assert (closed.status, closed.closed_on, closed.closed_by, closed.close_approver) == (
        "resolved", date(2026, 11, 20), "测试员", "周镇长")
    assert closed.checklist == {"facts_investigated": True, "handling_proper": True, "problem_solved": True,
                                "public_satisfied": True, "approved": True}
    assert _audit(desk, contract.id, "close")[0].after["status"] == "resolved"
    with pytest.raises(ServiceError, match="已于2026年11月20日销号"):
        contracts.add_progress(desk, contract.id, ProgressInput(work_done="回访"))
    with pytest.raises(ServiceError, match="已销号"):
        contracts.extend_contract(desk, contract.id, 1, "x", "y")
    with pytest.raises(ServiceError, match="重新启动包案"):
        _assign(desk, case.id)


def test_stabilised_and_withdrawn_closures(desk):
    a = _assign(desk, _case(desk, "甲案").id)
    b = _assign(desk, _case(desk, "乙案").id)
    # 稳控: not solved and still claiming, yet stable — may close, recorded as such
    stable = contracts.close_contract(desk, a.id, _close_input(status="stabilized", problem_solved=False,
                                                                 satisfaction="still_claims", closed_by="王芳"))
    assert stable.checklist["problem_solved"] is False and stable.checklist["public_satisfied"] is False
    assert stable.closed_by == "王芳"
    withdrew = contracts.close_contract(desk, b.id, _close_input(status="petitioner_withdrew",
                                                                   satisfaction="basically_satisfied",
                                                                   withdrawal_agreement=True))
    assert withdrew.withdrawal_agreement and withdrew.status == "petitioner_withdrew"


# --------------------------------------------------------------------------- reopening


def test_a_closed_contract_that_flares_up_goes_back_to_the_same_leader(desk):
    case = _case(desk)
    contract = _assign(desk, case.id)
    contracts.extend_contract(desk, contract.id, 1, "协调未果", "周镇长", on="2026-11-01")
    contracts.add_progress(desk, contract.id, ProgressInput(work_done="协调会", entry_on="2026-11-05"))
    contracts.close_contract(desk, contract.id, _close_input(closed_on="2026-11-10"))
    with pytest.raises(FieldError, match="重新启动的原因"):
        contracts.reopen_contract(desk, contract.id, "")
    with pytest.raises(FieldError, match="不能早于销号日期"):
        contracts.reopen_contract(desk, contract.id, "李四又在边界砌墙", on="2026-11-09")
    again = contracts.reopen_contract(desk, contract.id, "李四又在边界砌墙，张三到县里上访", on="2026-11-25")
    assert again.id == contract.id and again.number == contract.number
    assert (again.leader_name, again.leader_id) == ("赵建国", _leader(desk).id)
    assert (again.status, again.reopened_count) == ("in_progress", 1)
    assert again.closed_on is None and again.close_approver == "" and again.checklist == {}
    assert again.deadline_on == date(2027, 2, 25)  # a new term: 3 months from the reopening
    assert again.extension_count == 0  # extensions are counted afresh for the new term …
    extended = contracts.extend_contract(desk, again.id, 1, "待开春复测", "周镇长")
    assert extended.deadline_on == date(2027, 3, 25)  # … from the reopening, not the first assignment
    reopen_row = _audit(desk, contract.id, "reopen")[0]
    assert reopen_row.before["status"] == "resolved" and reopen_row.before["closed_on"] == "2026-11-10"
    assert reopen_row.after["reason"].startswith("李四又在边界砌墙")
    # the history keeps everything: assignment, extension, progress, close-out, reopening
    history = [h.text for h in contracts.contract_history(desk, contract.id)]
    assert history[0].startswith("交办包案 （2026）青包字第001号：包案领导赵建国")
    assert any(h.startswith("延期1个月，化解时限由2026年12月10日延至2027年1月11日") for h in history)
    assert any(h.startswith("记录2026年11月工作情况") for h in history)
    assert any(h.startswith("销号：已化解，满意度满意") for h in history)
    assert any("重新启动包案（第1次）" in h and "原于2026年11月10日以“已化解”销号" in h for h in history)
    assert len(contracts.progress_entries(desk, contract.id)) == 1  # entries are kept
    with pytest.raises(ServiceError, match="仍在化解中"):
        contracts.reopen_contract(desk, contract.id, "x")


# --------------------------------------------------------------------------- lists


def test_lists_by_leader_overdue_due_soon_and_loads(desk):
    other = organisation.add_staff(desk, "钱副镇长", ["leader"], post="副镇长")
    idle = organisation.add_staff(desk, "孙委员", ["leader"], post="党委委员")
    late = _assign(desk, _case(desk, "超期案", received="2026-05-01").id, assigned="2026-05-10")  # due 2026-08-10
    soon = _assign(desk, _case(desk, "临期案", received="2026-08-20").id, assigned="2026-09-08")  # due 2026-12-08
    fine = _assign(desk, _case(desk, "正常案").id, assigned="2026-11-02", leader_id=other.id)
    done = _assign(desk, _case(desk, "已结案").id, leader_id=other.id)
    contracts.close_contract(desk, done.id, _close_input())
    contracts.set_flags(desk, fine.id, lost_contact=True)

    rows = contracts.list_contracts(desk)
    assert [r.id for r in rows] == [late.id, soon.id, fine.id, done.id]
    assert [r.state for r in rows] == ["overdue", "due_soon", "ok", "closed"]
    assert rows[0].when_text() == "超期109天" and rows[1].when_text() == "还剩11天"
    assert rows[3].when_text() == "已销号" and rows[2].flags_text == "失联"
    assert [r.id for r in contracts.list_contracts(desk, ContractFilter(overdue=True))] == [late.id]
    assert [r.id for r in contracts.list_contracts(desk, ContractFilter(due_soon=True))] == [soon.id]
    assert [r.id for r in contracts.list_contracts(desk, ContractFilter(leader="钱副镇长"))] == [fine.id, done.id]
    assert [r.id for r in contracts.list_contracts(desk, ContractFilter(leader="钱副镇长", status="open"))] == [fine.id]
    assert [r.id for r in contracts.list_contracts(desk, ContractFilter(status="resolved"))] == [done.id]
    assert [r.id for r in contracts.list_contracts(desk, ContractFilter(text="临期"))] == [soon.id]
    assert rows[0].to_json()["state_label"] == "已超期"

    loads = {load.name: load for load in contracts.leader_loads(desk)}
    assert (loads["赵建国"].open, loads["赵建国"].overdue, loads["赵建国"].due_soon, loads["赵建国"].closed) == (2, 1, 1, 0)
    assert (loads["钱副镇长"].open, loads["钱副镇长"].closed, loads["钱副镇长"].flagged) == (1, 1, 1)
    assert loads["赵建国"].missing_progress == 2
    assert loads[idle.name].total == 0  # a leader with room for the next case
    assert list(loads)[0] == "赵建国"  # busiest first
    with pytest.raises(ServiceError, match="已于"):
        contracts.set_flags(desk, done.id, level_skipping=True)
    history = [h.text for h in contracts.contract_history(desk, fine.id)]
    assert history[-1] == "预警：标记“失联”"


def test_candidates_are_flagged_open_cases_without_a_contract(desk):
    flagged = _case(desk, "积案一件")
    plain = _case(desk, "普通纠纷", is_backlog=False)
    found = contracts.candidate_cases(desk)
    assert [c.id for c in found] == [flagged.id] and found[0].reasons == ["积案"]
    assert plain.id in [c.id for c in contracts.candidate_cases(desk, "普通纠纷")]
    _assign(desk, flagged.id)
    assert contracts.candidate_cases(desk) == []


def test_measures_are_taken_from_the_plan():
    assert contracts.measures_of(PLAN) == "1．现场勘测；2．召开协调会。"
    assert contracts.measures_of("走访双方，做好疏导") == "走访双方，做好疏导"
