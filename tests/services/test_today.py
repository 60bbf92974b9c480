"""services.today: the 今日 dashboard as data (no Qt)."""

from __future__ import annotations

from datetime import date, timedelta

from mediation_desk.services import cases, organisation, settings, today
from mediation_desk.services.context import Desk

TODAY = date(2026, 11, 27)  # pinned in tests/conftest.py


def _village(desk: Desk, name: str = "东山村"):
    return next(a for a in organisation.villages(desk) if a.name == name)


def _dispute(desk: Desk, title: str, received: date, **fields):
    return cases.register_case(desk, "dispute", {"title": title, "received_on": received.isoformat(),
                                                 "area_id": _village(desk).id, **fields})


def _keys(items, case_id):
    return {i.key for i in items if i.case_id == case_id}


def test_overdue_mediation_listed_with_days(desk):
    old = _dispute(desk, "张三与李四宅基地纠纷", TODAY - timedelta(days=45))
    fresh = _dispute(desk, "王五与赵六邻里纠纷", TODAY - timedelta(days=2))
    overdue, soon = today.due_items(desk)
    item = next(i for i in overdue if i.case_id == old.id)
    assert item.key == "mediation_due" and item.label == "调解期限"
    assert item.due_on == old.due_on and item.days_left == (old.due_on - TODAY).days < 0
    assert item.when_text().startswith("超期") and item.area_name == "东山村"
    group = next(a for a in organisation.list_areas(desk, "group"))
    in_group = _dispute(desk, "组里的纠纷", TODAY - timedelta(days=40), area_id=group.id)
    overdue, _soon = today.due_items(desk)
    assert next(i for i in overdue if i.case_id == in_group.id).area_name in ("东山村", "西河村")
    assert fresh.id not in {i.case_id for i in overdue + soon}  # due in ~4 weeks


def test_due_soon_window_and_closed_cases_drop_out(desk):
    soon_case = _dispute(desk, "七天内到期", TODAY - timedelta(days=26))
    done = _dispute(desk, "已调结", TODAY - timedelta(days=40))
    cases.change_status(desk, done.id, "mediating", TODAY - timedelta(days=39))
    cases.change_status(desk, done.id, "failed", TODAY - timedelta(days=38))
    overdue, soon = today.due_items(desk, within_days=7)
    assert "mediation_due" in _keys(soon, soon_case.id)
    assert not _keys(overdue + soon, done.id)  # the clock stopped when mediation failed
    assert all(0 <= i.days_left <= 7 for i in soon)
    assert [i.due_on for i in soon] == sorted(i.due_on for i in soon)


def test_petition_stage_follow_up_and_judicial_window(desk):
    petition = cases.register_case(desk, "petition", {"title": "反映道路问题", "received_on": "2026-11-01",
                                                      "petition_type": "claim"})
    agreed = _dispute(desk, "借款纠纷已达成协议", TODAY - timedelta(days=40))
    cases.record_agreement(desk, agreed.id, terms="分三期还款", effective_on=TODAY - timedelta(days=25))
    overdue, soon = today.due_items(desk)
    # 15-day notice window from 11-01 ended on 11-16: the current stage is overdue
    assert "notice_due" in _keys(overdue, petition.id)
    # written agreement effective 25 days ago: 30-day window to apply for confirmation closes soon
    assert "judicial_confirmation_due" in _keys(soon, agreed.id)
    # agreed 25 days ago, no performance deadline → follow-up 15 days after → overdue, owed by us
    assert "follow_up_due" in _keys(overdue, agreed.id)
    cases.add_event(desk, agreed.id, "follow_up", TODAY, content="已履行第一期")
    overdue, soon = today.due_items(desk)
    assert "follow_up_due" not in _keys(overdue + soon, agreed.id)


def test_protection_order_expiry_is_listed_only_ahead(desk):
    case = _dispute(desk, "家暴求助", TODAY - timedelta(days=10), category="marriage_family")
    cases.update_case(desk, case.id, {"po_applied_on": "2026-05-29", "po_ruled_on": "2026-05-30",
                                      "po_expires_on": (TODAY + timedelta(days=3)).isoformat()})
    _overdue, soon = today.due_items(desk)
    assert "protection_order_expires" in _keys(soon, case.id)


def test_leader_contract_deadline(desk):
    from mediation_desk.store.models import LeaderContract

    case = _dispute(desk, "积案", TODAY - timedelta(days=5))
    with desk.tx() as session:
        session.add(LeaderContract(case_id=case.id, leader_name="赵建国", leader_post="镇党委副书记",
                                   assigned_on=TODAY - timedelta(days=100), deadline_on=TODAY - timedelta(days=8)))
    overdue, _soon = today.due_items(desk)
    item = next(i for i in overdue if i.key == "contract_deadline")
    assert item.case_id == case.id and item.days_left == -8 and "赵建国" in item.detail


def test_missing_screening_villages(desk):
    from mediation_desk.store.models import ScreeningRound

    missing = today.missing_screening(desk)
    assert {m.village for m in missing} == {"东山村", "西河村"}
    assert all(m.month == "2026-11" and m.due_on == date(2026, 11, 20) and m.overdue for m in missing)
    with desk.tx() as session:
        session.add(ScreeningRound(area_id=_village(desk).id, period_start=date(2026, 11, 1),
                                   period_end=date(2026, 11, 30), screened_on=date(2026, 11, 15),
                                   is_zero_report=True))
    assert [m.village for m in today.missing_screening(desk)] == ["西河村"]


def test_screening_due_day_follows_settings(desk):
    settings.put(desk, settings.DEADLINES_KEY, {"screening_report_day": 28})
    assert not any(m.overdue for m in today.missing_screening(desk))


def test_recent_cases_newest_first(desk):
    first = _dispute(desk, "第一件", TODAY - timedelta(days=3))
    second = _dispute(desk, "第二件", TODAY - timedelta(days=2))
    cases.update_case(desk, first.id, {"description": "补充情况"})
    recent = today.recent_cases(desk, limit=5)
    assert [r.case_id for r in recent[:2]] == [first.id, second.id]
    assert recent[0].status_label == "已登记"


def test_summary_cuts_lists_but_keeps_totals(desk):
    for n in range(5):
        _dispute(desk, f"超期{n}", TODAY - timedelta(days=40 + n))
    summary = today.summary(desk, limit=3)
    assert summary.overdue_total == 5 and len(summary.overdue) == 3
    assert summary.today == TODAY and summary.within_days == 7
    assert summary.overdue[0].due_on >= summary.overdue[-1].due_on  # most recently overdue first


def test_voided_cases_are_left_out(desk):
    case = _dispute(desk, "登记错了", TODAY - timedelta(days=50))
    cases.void_case(desk, case.id, "重复登记")
    overdue, soon = today.due_items(desk)
    assert case.id not in {i.case_id for i in overdue + soon}
    assert case.id not in {r.case_id for r in today.recent_cases(desk)}


def test_sql_dates_agree_with_the_domain_rules(desk):
    """The dashboard's SQL shortcuts give the same dates as services.deadlines.clock."""
    from mediation_desk.services import deadlines as case_deadlines

    open_case = _dispute(desk, "调解中", TODAY - timedelta(days=33))
    agreed = _dispute(desk, "有履行期限的协议", TODAY - timedelta(days=60))
    cases.record_agreement(desk, agreed.id, terms="一次付清", effective_on=TODAY - timedelta(days=50),
                           performance_deadline=TODAY - timedelta(days=20))
    overdue, soon = today.due_items(desk, within_days=30)
    by_key = {(i.case_id, i.key): i.due_on for i in overdue + soon}
    with desk.read() as session:
        rules = settings.deadline_rules(session)
        calendar = settings.work_calendar(session)
    for case_id, key in ((open_case.id, "mediation_due"), (agreed.id, "follow_up_due")):
        case = cases.get_case(desk, case_id)
        assert by_key[(case_id, key)] == case_deadlines.clock(case, rules, calendar)[key]
