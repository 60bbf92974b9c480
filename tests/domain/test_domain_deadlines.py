"""Deadline rules: the numbers from DOMAIN.md, day counting, caps, overrides."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain import deadlines as dl
from mediation_desk.domain.calendar import WorkCalendar
from mediation_desk.domain.deadlines import DEFAULT_RULES, DeadlineRules
from mediation_desk.domain.errors import DomainError

NATIONAL_DAY = WorkCalendar(
    holidays=[date(2026, 10, d) for d in range(1, 8)],
    extra_workdays=[date(2026, 9, 20), date(2026, 10, 10)],
)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31))


def test_defaults_are_the_domain_numbers():
    r = DEFAULT_RULES
    assert (r.mediation_days, r.judicial_confirmation_apply_days, r.court_decision_days, r.court_extension_days) == (
        30, 30, 15, 10)
    assert (r.petition_notice_days, r.petition_misroute_workdays, r.petition_handling_days,
            r.petition_extension_max_days) == (15, 5, 60, 30)
    assert (r.petition_review_request_days, r.petition_review_answer_days, r.petition_rereview_request_days,
            r.petition_rereview_answer_days) == (30, 30, 30, 30)
    assert (r.contract_months, r.contract_extension_max_months, r.contract_max_extensions) == (3, 1, 1)
    assert (r.protection_order_max_months, r.protection_order_ruling_hours, r.protection_order_urgent_hours) == (
        6, 72, 24)
    assert (r.divorce_cooling_off_days, r.divorce_collect_days, r.screening_report_day) == (30, 30, 20)
    assert (r.followup_after_days, r.group_min_people, r.petition_max_representatives) == (15, 5, 5)
    assert r.roll_over_days_off is True


def test_rule_fields_describe_every_rule_in_chinese():
    fields = dl.rule_fields()
    assert [f.name for f in fields] == list(DEFAULT_RULES.to_settings())
    for f in fields:
        assert any("\u4e00" <= c <= "\u9fff" for c in f.label)
        assert f.basis in ("law", "practice", "ours")
        assert f.minimum <= int(f.default) <= f.maximum


def test_settings_round_trip_and_overrides():
    assert DeadlineRules.from_settings(DEFAULT_RULES.to_settings()) == DEFAULT_RULES
    assert DeadlineRules.from_settings(None) == DEFAULT_RULES
    r = DeadlineRules.from_settings({"mediation_days": "45", "screening_report_day": 25, "unknown_key": "x",
                                     "roll_over_days_off": "否", "petition_notice_days": None})
    assert (r.mediation_days, r.screening_report_day, r.roll_over_days_off, r.petition_notice_days) == (
        45, 25, False, 15)
    assert DEFAULT_RULES.with_overrides(mediation_days=60).mediation_days == 60


@pytest.mark.parametrize("settings_, fragment", [
    ({"mediation_days": "abc"}, "调解期限"),
    ({"mediation_days": 0}, "之间"),
    ({"mediation_days": True}, "整数"),
    ({"mediation_days": 2.5}, "整数"),
    ({"screening_report_day": 32}, "1 到 31"),
    ({"roll_over_days_off": "maybe"}, "是或否"),
    ({"contract_months": -1}, "之间"),
])
def test_bad_settings_raise_chinese_errors(settings_, fragment):
    with pytest.raises(DomainError) as exc:
        DeadlineRules.from_settings(settings_)
    assert fragment in str(exc.value)
    assert exc.value.field == next(iter(settings_))


# -- disputes -----------------------------------------------------------------------------------

def test_mediation_due_counts_from_the_next_day():
    assert dl.mediation_due(date(2026, 3, 1)) == date(2026, 3, 31)
    assert dl.mediation_due(date(2026, 2, 1)) == date(2026, 3, 3)
    assert dl.mediation_due(date(2024, 2, 1)) == date(2024, 3, 2)
    assert dl.mediation_due(date(2026, 3, 1), 15) == date(2026, 4, 15)
    assert dl.mediation_due(date(2026, 3, 1), rules=DEFAULT_RULES.with_overrides(mediation_days=45)) == date(
        2026, 4, 15)
    with pytest.raises(DomainError):
        dl.mediation_due(date(2026, 3, 1), -1)


def test_last_day_on_a_holiday_rolls_over_only_with_a_calendar():
    # 1 Sep + 30 = 1 Oct, National Day → first working day after the holiday
    assert dl.mediation_due(date(2026, 9, 1)) == date(2026, 10, 1)
    assert dl.mediation_due(date(2026, 9, 1), calendar=NATIONAL_DAY) == date(2026, 10, 8)
    no_roll = DEFAULT_RULES.with_overrides(roll_over_days_off=False)
    assert dl.mediation_due(date(2026, 9, 1), rules=no_roll, calendar=NATIONAL_DAY) == date(2026, 10, 1)
    # 10 Sep + 30 = 10 Oct, a Saturday worked as 调休 → stays
    assert dl.mediation_due(date(2026, 9, 10), calendar=NATIONAL_DAY) == date(2026, 10, 10)


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), ext=st.integers(0, 60))
def test_roll_over_property(d, ext):
    plain = dl.mediation_due(d, ext)
    assert plain == d + timedelta(days=30 + ext)
    rolled = dl.mediation_due(d, ext, DEFAULT_RULES, NATIONAL_DAY)
    assert rolled >= plain and NATIONAL_DAY.is_workday(rolled)
    day = plain
    while day < rolled:
        assert not NATIONAL_DAY.is_workday(day)
        day += timedelta(days=1)


def test_judicial_confirmation_and_court():
    assert dl.judicial_confirmation_window(date(2026, 1, 31)) == date(2026, 3, 2)
    assert dl.court_decision_due(date(2026, 3, 2)) == date(2026, 3, 17)
    assert dl.court_decision_due(date(2026, 3, 2), extended=True) == date(2026, 3, 27)


def test_followup_due():
    assert dl.followup_due(date(2026, 3, 1)) == date(2026, 3, 16)
    assert dl.followup_due(date(2026, 3, 1), date(2026, 5, 31)) == date(2026, 6, 15)
    assert dl.followup_due(date(2026, 3, 10), date(2026, 3, 1)) == date(2026, 3, 25)


# -- petitions ----------------------------------------------------------------------------------

def test_petition_clock_table():
    c = dl.petition_deadlines(date(2026, 1, 5))
    assert (c.notice_due, c.misroute_objection_due) == (date(2026, 1, 20), date(2026, 1, 12))
    assert c.handling_due is None and c.review_request_due is None and c.rereview_answer_due is None
    c = dl.petition_deadlines(date(2026, 1, 5), date(2026, 1, 10), 0, date(2026, 3, 1), date(2026, 3, 20),
                              date(2026, 4, 15), date(2026, 5, 1))
    assert c.handling_due == date(2026, 3, 11)
    assert c.review_request_due == date(2026, 3, 31)
    assert c.review_answer_due == date(2026, 4, 19)
    assert c.rereview_request_due == date(2026, 5, 15)
    assert c.rereview_answer_due == date(2026, 5, 31)
    assert [k for k, _label, _d in c.items()] == list(dl.PetitionClock.LABELS)
    assert dl.petition_deadlines(date(2026, 1, 5), date(2026, 1, 10), 30).handling_due == date(2026, 4, 10)
    assert dl.petition_deadlines(date(2026, 1, 5), rereview_requested_on=date(2026, 5, 1),
                                 hearing_days=10).rereview_answer_due == date(2026, 6, 10)


def test_petition_misroute_uses_working_days():
    c = dl.petition_deadlines(date(2026, 9, 29), calendar=NATIONAL_DAY)
    assert c.misroute_objection_due == date(2026, 10, 12)
    assert c.notice_due == date(2026, 10, 14)
    assert dl.petition_deadlines(date(2026, 9, 29)).misroute_objection_due == date(2026, 10, 6)


def test_petition_extension_cap_and_types():
    with pytest.raises(DomainError) as exc:
        dl.petition_deadlines(date(2026, 1, 5), date(2026, 1, 10), 31)
    assert "30日" in str(exc.value)
    with pytest.raises(DomainError):
        dl.petition_deadlines(date(2026, 1, 5), date(2026, 1, 10), -1)
    for t in ("suggestion", "accusation"):
        assert dl.petition_deadlines(date(2026, 1, 5), date(2026, 1, 10), petition_type=t).handling_due is None
    assert dl.petition_deadlines(date(2026, 1, 5), date(2026, 1, 10), petition_type="claim").handling_due


def test_petition_dates_out_of_order():
    with pytest.raises(DomainError) as exc:
        dl.petition_deadlines(date(2026, 1, 5), accepted_on=date(2026, 1, 4))
    assert "受理日期" in str(exc.value) and "不能早于" in str(exc.value)
    with pytest.raises(DomainError):
        dl.petition_deadlines(date(2026, 1, 5), replied_on=date(2026, 3, 1), review_requested_on=date(2026, 2, 1))


@settings(max_examples=200, deadline=None)
@given(received=dates, gap=st.integers(0, 30), ext=st.integers(0, 60))
def test_petition_handling_property(received, gap, ext):
    accepted = received + timedelta(days=gap)
    if ext > 30:
        with pytest.raises(DomainError):
            dl.petition_deadlines(received, accepted, ext)
        return
    c = dl.petition_deadlines(received, accepted, ext)
    assert (c.handling_due - accepted).days == 60 + ext
    assert (c.notice_due - received).days == 15
    assert c.misroute_objection_due.weekday() < 5
    assert 5 <= (c.misroute_objection_due - received).days <= 9


# -- leader contracts ---------------------------------------------------------------------------

@pytest.mark.parametrize("assigned, ext, expected", [
    (date(2026, 1, 15), 0, date(2026, 4, 15)),
    (date(2025, 11, 30), 0, date(2026, 2, 28)),
    (date(2023, 11, 30), 0, date(2024, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 5, 31)),
    (date(2026, 10, 31), 1, date(2027, 2, 28)),
])
def test_contract_deadline(assigned, ext, expected):
    assert dl.contract_deadline(assigned, ext) == expected


def test_contract_caps():
    with pytest.raises(DomainError) as exc:
        dl.contract_deadline(date(2026, 1, 15), 2)
    assert "1个月" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        dl.contract_deadline(date(2026, 1, 15), 1, extensions=2)
    assert "1次" in str(exc.value)
    two = DEFAULT_RULES.with_overrides(contract_extension_max_months=2)
    assert dl.contract_deadline(date(2026, 1, 15), 2, two) == date(2026, 6, 15)


# -- marriage / family --------------------------------------------------------------------------

@pytest.mark.parametrize("ruled, months, expected", [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 1, 15), None, date(2026, 7, 15)),
])
def test_protection_order_expiry(ruled, months, expected):
    assert dl.protection_order_expiry(ruled, months) == expected


@pytest.mark.parametrize("months", [0, 7, -1])
def test_protection_order_bad_months(months):
    with pytest.raises(DomainError) as exc:
        dl.protection_order_expiry(date(2026, 1, 15), months)
    assert "保护令" in str(exc.value)


def test_protection_order_ruling_hours():
    t = datetime(2026, 3, 1, 9, 30)
    assert dl.protection_order_ruling_due(t) == datetime(2026, 3, 4, 9, 30)
    assert dl.protection_order_ruling_due(t, urgent=True) == datetime(2026, 3, 2, 9, 30)


def test_divorce_windows():
    assert dl.divorce_windows(date(2026, 1, 1)) == (date(2026, 1, 31), date(2026, 3, 2))
    assert dl.divorce_windows(date(2024, 1, 1)) == (date(2024, 1, 31), date(2024, 3, 1))
    # withdrawal window ends on National Day → moves to 8 Oct; collection counts from there
    assert dl.divorce_windows(date(2026, 9, 1), calendar=NATIONAL_DAY) == (date(2026, 10, 8), date(2026, 11, 9))


# -- screening and status -----------------------------------------------------------------------

def test_screening_report_due():
    assert dl.screening_report_due(2026, 2) == date(2026, 2, 20)
    late = DEFAULT_RULES.with_overrides(screening_report_day=31)
    assert dl.screening_report_due(2026, 2, late) == date(2026, 2, 28)
    assert dl.screening_report_due(2024, 2, late) == date(2024, 2, 29)
    assert dl.screening_report_due(2026, 4, late) == date(2026, 4, 30)
    with pytest.raises(DomainError):
        dl.screening_report_due(2026, 13)


def test_days_left_and_state():
    due = date(2026, 3, 31)
    assert dl.days_left(due, date(2026, 3, 31)) == 0
    assert dl.days_left(due, date(2026, 4, 2)) == -2
    assert dl.days_left(due, date(2026, 3, 1)) == 30
    assert dl.deadline_state(due, date(2026, 4, 1)) == "overdue"
    assert dl.deadline_state(due, date(2026, 3, 31)) == "due_soon"
    assert dl.deadline_state(due, date(2026, 3, 28)) == "due_soon"
    assert dl.deadline_state(due, date(2026, 3, 27)) == "ok"
    assert dl.deadline_state(None, date(2026, 3, 27)) is None
    assert dl.DEADLINE_STATE_LABELS["overdue"] == "已超期"
