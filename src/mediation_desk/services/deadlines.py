"""Deadlines of a case, applied from the domain rules to the dates recorded on it."""

from __future__ import annotations

from datetime import date

from ..domain import deadlines as rules_mod
from ..domain.calendar import WorkCalendar
from ..domain.deadlines import DeadlineRules
from ..domain.errors import DomainError
from ..store.models import Case

# Statuses in which the case's main clock (mediation or petition stage) still runs.
CLOCK_STATUSES = {
    "dispute": {"registered", "investigating", "mediating"},
    "petition": {"registered", "accepted", "review_requested", "rereview_requested"},
}
# (After a reply the 30-day windows belong to the petitioner, so they are listed in `clock` but
# never make the case overdue.)


def petition_clock(case: Case, rules: DeadlineRules, calendar: WorkCalendar) -> rules_mod.PetitionClock:
    return rules_mod.petition_deadlines(
        case.received_on, case.accepted_on, case.extension_days, case.replied_on, case.review_requested_on,
        case.reviewed_on, case.rereview_requested_on, calendar=calendar, rules=rules,
        petition_type=case.petition_type or None, hearing_days=case.rereview_hearing_days,
    )


def clock(case: Case, rules: DeadlineRules, calendar: WorkCalendar) -> dict[str, date]:
    """Every stage deadline that applies to the case now, by stable key (used in JSON and the UI)."""
    result: dict[str, date] = {}
    try:
        if case.kind == "dispute":
            result["mediation_due"] = rules_mod.mediation_due(case.received_on, case.extension_days, rules, calendar)
            if case.agreement_effective_on and case.outcome == "written_agreement":
                result["judicial_confirmation_due"] = rules_mod.judicial_confirmation_window(
                    case.agreement_effective_on, rules, calendar)
            if case.status in ("agreed", "oral_agreed", "following_up") and case.resolved_on:
                result["follow_up_due"] = rules_mod.followup_due(case.resolved_on, case.performance_deadline, rules)
            if case.po_ruled_on and case.po_expires_on:
                result["protection_order_expires"] = case.po_expires_on
            if case.divorce_registered_on:
                withdraw, collect = rules_mod.divorce_windows(case.divorce_registered_on, rules)
                result["divorce_withdraw_until"] = withdraw
                result["divorce_collect_until"] = collect
        else:
            pc = petition_clock(case, rules, calendar)
            for key, _label, value in pc.items():
                result[key] = value
    except DomainError:
        pass  # inconsistent dates recorded: the editor shows the problem; lists show no deadline
    return result


def current_due(case: Case, rules: DeadlineRules, calendar: WorkCalendar) -> date | None:
    """The one deadline shown in the register's 期限 column (None when no clock runs)."""
    if case.status not in CLOCK_STATUSES[case.kind]:
        return None
    stages = clock(case, rules, calendar)
    if case.kind == "dispute":
        return stages.get("mediation_due")
    order = {
        "registered": "notice_due",
        "accepted": "handling_due",
        "review_requested": "review_answer_due",
        "rereview_requested": "rereview_answer_due",
    }
    return stages.get(order[case.status])


# -- for editors and lists (read-only; no session needed by the caller) --------------------------

CLOCK_LABELS: dict[str, str] = {
    "mediation_due": "调解期限",
    "judicial_confirmation_due": "申请司法确认期限",
    "follow_up_due": "回访期限",
    "protection_order_expires": "保护令有效期至",
    "divorce_withdraw_until": "离婚冷静期（可撤回）至",
    "divorce_collect_until": "申请发证期限",
    **rules_mod.PetitionClock.LABELS,
}


def rules_and_calendar(desk) -> tuple[DeadlineRules, WorkCalendar]:
    """The unit's deadline rules and working-day calendar (from Settings)."""
    from . import settings as settings_service

    with desk.read() as session:
        return settings_service.deadline_rules(session), settings_service.work_calendar(session)


def case_clock(desk, case: Case) -> dict[str, date]:
    """`clock` of a case with the unit's rules (works for a case not yet saved, too)."""
    rules, calendar = rules_and_calendar(desk)
    return clock(case, rules, calendar)
