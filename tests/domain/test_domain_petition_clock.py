"""The petition clock (《信访工作条例》2022, DOMAIN.md §6), stage by stage: table-driven cases for
month ends, leap years, the extension cap, working days across a holiday list and the roll-over
of a last day that falls on a day off; hypothesis properties for each rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mediation_desk.domain.calendar import WorkCalendar
from mediation_desk.domain.deadlines import DEFAULT_RULES, DeadlineRules, petition_deadlines
from mediation_desk.domain.errors import DomainError

#: A holiday list as a unit would enter it: National Day 2026 with its two 调休 weekend days, and
#: the Spring Festival of 2024 (10–17 February; 4 and 18 February worked).
HOLIDAYS = WorkCalendar(
    holidays=[date(2026, 10, d) for d in range(1, 8)] + [date(2024, 2, d) for d in range(10, 18)],
    extra_workdays=[date(2026, 9, 20), date(2026, 10, 10), date(2024, 2, 4), date(2024, 2, 18)],
)
WEEKENDS = WorkCalendar()
D = date

# ------------------------------------------------------------------ 告知/转送: 15 days

NOTICE_CASES = [
    # received,        calendar, expected, why
    (D(2026, 11, 2), None, D(2026, 11, 17), "plain: the day received is not counted"),
    (D(2026, 1, 31), None, D(2026, 2, 15), "across a month end"),
    (D(2026, 1, 31), WEEKENDS, D(2026, 2, 16), "last day a Sunday → Monday"),
    (D(2024, 2, 14), None, D(2024, 2, 29), "leap year: 29 February exists"),
    (D(2023, 2, 14), None, D(2023, 3, 1), "common year: no 29 February"),
    (D(2026, 12, 20), None, D(2027, 1, 4), "across a year end"),
    (D(2026, 9, 20), HOLIDAYS, D(2026, 10, 8), "last day in the National Day holiday → the first working day"),
    (D(2026, 9, 20), None, D(2026, 10, 5), "no calendar: no roll-over"),
    (D(2024, 1, 31), HOLIDAYS, D(2024, 2, 18), "15 Feb is a holiday; 18 Feb (Sunday) is a 调休 working day"),
]


@pytest.mark.parametrize("received, calendar, expected, why", NOTICE_CASES, ids=[c[3] for c in NOTICE_CASES])
def test_notice_due_table(received, calendar, expected, why):
    assert petition_deadlines(received, calendar=calendar).notice_due == expected, why


# ------------------------------------------------------------------ 转送异议: 5 working days

MISROUTE_CASES = [
    (D(2026, 11, 23), WEEKENDS, D(2026, 11, 30), "Monday → next Monday"),
    (D(2026, 11, 27), WEEKENDS, D(2026, 12, 4), "a Friday: the weekend does not count"),
    (D(2026, 11, 28), WEEKENDS, D(2026, 12, 4), "received on a Saturday"),
    (D(2026, 9, 29), None, D(2026, 10, 6), "no holiday list: weekends only"),
    (D(2026, 9, 29), HOLIDAYS, D(2026, 10, 12), "across National Day (10 Oct, a Saturday, is worked)"),
    (D(2026, 9, 18), HOLIDAYS, D(2026, 9, 24), "a 调休 Sunday (20 Sep) counts as a working day"),
    (D(2024, 2, 8), HOLIDAYS, D(2024, 2, 21), "across the Spring Festival with its 调休 Sunday"),
    (D(2024, 2, 28), WEEKENDS, D(2024, 3, 6), "across 29 February of a leap year"),
    (D(2023, 2, 28), WEEKENDS, D(2023, 3, 7), "common year"),
]


@pytest.mark.parametrize("received, calendar, expected, why", MISROUTE_CASES, ids=[c[3] for c in MISROUTE_CASES])
def test_misroute_objection_table(received, calendar, expected, why):
    assert petition_deadlines(received, calendar=calendar).misroute_objection_due == expected, why


# ------------------------------------------------------------------ 办理: 60 days (+ one extension ≤ 30)

HANDLING_CASES = [
    # accepted, extension, calendar, expected, why
    (D(2026, 1, 5), 0, None, D(2026, 3, 6), "60 days"),
    (D(2024, 1, 1), 0, None, D(2024, 3, 1), "leap year February has 29 days"),
    (D(2023, 1, 1), 0, None, D(2023, 3, 2), "common year"),
    (D(2026, 12, 31), 0, None, D(2027, 3, 1), "from a year end"),
    (D(2026, 1, 5), 30, None, D(2026, 4, 5), "the full extension: 90 days"),
    (D(2026, 1, 5), 30, WEEKENDS, D(2026, 4, 6), "90th day a Sunday → Monday"),
    (D(2026, 1, 5), 15, None, D(2026, 3, 21), "a shorter extension"),
    (D(2026, 8, 3), 0, HOLIDAYS, D(2026, 10, 8), "60th day (2 Oct) in the holiday → 8 Oct"),
    (D(2023, 12, 18), 0, HOLIDAYS, D(2024, 2, 18), "60th day (16 Feb) in the Spring Festival → the 调休 Sunday"),
]


@pytest.mark.parametrize("accepted, ext, calendar, expected, why", HANDLING_CASES, ids=[c[4] for c in HANDLING_CASES])
def test_handling_due_table(accepted, ext, calendar, expected, why):
    c = petition_deadlines(accepted - timedelta(days=2), accepted, ext, calendar=calendar)
    assert c.handling_due == expected, why


@pytest.mark.parametrize("ext", [31, 45, 90])
def test_extension_over_the_cap_is_refused(ext):
    with pytest.raises(DomainError) as info:
        petition_deadlines(D(2026, 1, 1), D(2026, 1, 2), ext)
    assert "30" in str(info.value)


def test_extension_cap_follows_the_settings():
    rules = DeadlineRules.from_settings({"petition_extension_max_days": 45, "petition_handling_days": 90})
    assert petition_deadlines(D(2026, 1, 1), D(2026, 1, 1), 45, rules=rules).handling_due == D(2026, 5, 16)
    with pytest.raises(DomainError):
        petition_deadlines(D(2026, 1, 1), D(2026, 1, 1), 46, rules=rules)
    with pytest.raises(DomainError):
        petition_deadlines(D(2026, 1, 1), D(2026, 1, 1), 31)  # the default cap stays 30


@pytest.mark.parametrize("ptype, runs", [("claim", True), (None, True), ("suggestion", False), ("accusation", False)])
def test_only_claims_run_the_handling_clock(ptype, runs):
    c = petition_deadlines(D(2026, 1, 1), D(2026, 1, 2), petition_type=ptype)
    assert (c.handling_due is not None) is runs


# ------------------------------------------------------------------ 复查 / 复核: 30 + 30, 30 + 30

REVIEW_CASES = [
    # field, kwargs, expected, why
    ("review_request_due", {"replied_on": D(2026, 1, 31)}, D(2026, 3, 2), "30 days from the reply over February"),
    ("review_request_due", {"replied_on": D(2024, 1, 31)}, D(2024, 3, 1), "leap year"),
    ("review_answer_due", {"replied_on": D(2026, 3, 1), "review_requested_on": D(2026, 3, 10)}, D(2026, 4, 9),
     "30 days to answer the review"),
    ("rereview_request_due", {"replied_on": D(2026, 3, 1), "review_requested_on": D(2026, 3, 10),
                              "reviewed_on": D(2026, 11, 30)}, D(2026, 12, 30), "30 days from the review opinion"),
    ("rereview_answer_due", {"replied_on": D(2026, 3, 1), "review_requested_on": D(2026, 3, 10),
                             "reviewed_on": D(2026, 4, 1), "rereview_requested_on": D(2026, 12, 15)},
     D(2027, 1, 14), "30 days to answer the re-review, across a year end"),
]


@pytest.mark.parametrize("field, kwargs, expected, why", REVIEW_CASES, ids=[c[3] for c in REVIEW_CASES])
def test_review_stages_table(field, kwargs, expected, why):
    c = petition_deadlines(D(2024, 1, 1), **kwargs)
    assert getattr(c, field) == expected, why


def test_review_deadlines_roll_over_days_off():
    # reply on 1 Sep: 30th day = 1 Oct (holiday) → 8 Oct
    c = petition_deadlines(D(2026, 8, 1), replied_on=D(2026, 9, 1), calendar=HOLIDAYS)
    assert c.review_request_due == D(2026, 10, 8)


def test_hearing_time_is_not_counted_in_the_rereview_answer():
    base = dict(replied_on=D(2026, 2, 1), review_requested_on=D(2026, 2, 10), reviewed_on=D(2026, 3, 1),
                rereview_requested_on=D(2026, 3, 10))
    assert petition_deadlines(D(2026, 1, 1), **base).rereview_answer_due == D(2026, 4, 9)
    assert petition_deadlines(D(2026, 1, 1), **base, hearing_days=10).rereview_answer_due == D(2026, 4, 19)


def test_stages_not_reached_have_no_date():
    c = petition_deadlines(D(2026, 1, 1))
    assert (c.handling_due, c.review_request_due, c.review_answer_due, c.rereview_request_due,
            c.rereview_answer_due) == (None,) * 5


def test_dates_out_of_order_are_refused():
    with pytest.raises(DomainError):
        petition_deadlines(D(2026, 1, 10), replied_on=D(2026, 3, 1), review_requested_on=D(2026, 3, 5),
                           reviewed_on=D(2026, 3, 4))


# ------------------------------------------------------------------ properties

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
holiday_lists = st.lists(st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(dates)
def test_notice_is_fifteen_calendar_days(received):
    assert petition_deadlines(received).notice_due - received == timedelta(days=15)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 11, 30)), holiday_lists)
def test_notice_rolls_to_the_first_working_day(received, holidays):
    cal = WorkCalendar(holidays=holidays)
    due = petition_deadlines(received, calendar=cal).notice_due
    last = received + timedelta(days=15)
    assert due >= last and cal.is_workday(due)
    assert all(not cal.is_workday(last + timedelta(days=i)) for i in range((due - last).days))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 11, 30)), holiday_lists)
def test_misroute_is_five_working_days(received, holidays):
    cal = WorkCalendar(holidays=holidays)
    due = petition_deadlines(received, calendar=cal).misroute_objection_due
    assert cal.is_workday(due)
    assert cal.workdays_between(received, due) == 5
    assert cal.workdays_between(received, due - timedelta(days=1)) == 4


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(0, 20), st.integers(0, 30))
def test_handling_is_sixty_days_plus_the_extension(received, gap, ext):
    accepted = received + timedelta(days=gap)
    c = petition_deadlines(received, accepted, ext)
    assert c.handling_due - accepted == timedelta(days=60 + ext)
    assert c.handling_due - accepted <= timedelta(days=90)


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(31, 400))
def test_any_extension_beyond_thirty_days_is_refused(received, ext):
    with pytest.raises(DomainError):
        petition_deadlines(received, received, ext)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 120), st.integers(0, 120))
def test_extension_cap_from_settings(cap, ext):
    rules = DEFAULT_RULES.with_overrides(petition_extension_max_days=min(cap, 3650))
    if ext <= cap:
        assert petition_deadlines(date(2026, 1, 1), date(2026, 1, 1), ext, rules=rules).handling_due == \
            date(2026, 1, 1) + timedelta(days=60 + ext)
    else:
        with pytest.raises(DomainError):
            petition_deadlines(date(2026, 1, 1), date(2026, 1, 1), ext, rules=rules)


@settings(max_examples=200, deadline=None)
@given(dates, st.lists(st.integers(0, 40), min_size=5, max_size=5), st.integers(0, 20))
def test_each_stage_is_thirty_days_after_its_start(received, gaps, hearing):
    accepted = received + timedelta(days=gaps[0])
    replied = accepted + timedelta(days=gaps[1])
    requested = replied + timedelta(days=gaps[2])
    reviewed = requested + timedelta(days=gaps[3])
    rerequested = reviewed + timedelta(days=gaps[4])
    assume(rerequested < date(2070, 1, 1))
    c = petition_deadlines(received, accepted, 0, replied, requested, reviewed, rerequested, hearing_days=hearing)
    assert c.review_request_due - replied == timedelta(days=30)
    assert c.review_answer_due - requested == timedelta(days=30)
    assert c.rereview_request_due - reviewed == timedelta(days=30)
    assert c.rereview_answer_due - rerequested == timedelta(days=30 + hearing)


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 10, 31)), st.integers(0, 30), holiday_lists)
def test_with_a_calendar_every_calendar_day_deadline_ends_on_a_working_day(received, ext, holidays):
    cal = WorkCalendar(holidays=holidays)
    c = petition_deadlines(received, received, ext, received + timedelta(days=10), calendar=cal)
    for due, plain in ((c.notice_due, received + timedelta(days=15)),
                       (c.handling_due, received + timedelta(days=60 + ext)),
                       (c.review_request_due, received + timedelta(days=40))):
        assert cal.is_workday(due) and due >= plain
        assert (due - plain).days <= 40  # never further than the days off in a row
