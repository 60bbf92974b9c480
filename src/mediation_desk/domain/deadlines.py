"""Deadline rules with their numbers (defaults from DOMAIN.md, overridable in Settings).

Day counting (Civil Code arts. 201–203, used for every rule here):

* "within N days of X" — the day X itself is not counted; the period starts the next day, so the
  **last day = X + N calendar days**. The returned date is the last day on which the act is still
  on time (inclusive). Example: received 2026-03-01, 30 days → due 2026-03-31.
* "within N months of X" — the last day is the same day-of-month N months later, clamped to the
  month end (Jan 31 + 1 month = Feb 28/29).
* "within N working days" — counted on a :class:`WorkCalendar`, start day not counted.
* When a ``calendar`` is passed and ``rules.roll_over_days_off`` is true (the default), a
  calendar-day/month deadline that falls on a day off moves to the next working day
  (art. 203). With ``calendar=None`` no such shift happens.
* :func:`days_left` is ``(due - today).days``: 0 = today is the last day, negative = overdue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from .calendar import WorkCalendar, add_days, add_months, month_end
from .errors import DomainError

__all__ = [
    "DeadlineRules", "DEFAULT_RULES", "RuleField", "rule_fields", "PetitionClock",
    "mediation_due", "judicial_confirmation_window", "court_decision_due", "petition_deadlines",
    "contract_deadline", "protection_order_expiry", "protection_order_ruling_due", "divorce_windows",
    "screening_report_due", "followup_due", "days_left", "deadline_state", "DEADLINE_STATE_LABELS",
]


def _rule(default: Any, label: str, basis: str, minimum: int = 0, maximum: int = 3650) -> Any:
    return field(default=default, metadata={"label": label, "basis": basis, "min": minimum, "max": maximum})


@dataclass(frozen=True)
class DeadlineRules:
    """Every number of the domain rules. ``basis``: law / practice / ours (see DOMAIN.md)."""

    # disputes (人民调解)
    mediation_days: int = _rule(30, "调解期限（日）", "law", 1)
    judicial_confirmation_apply_days: int = _rule(30, "申请司法确认期限（日）", "law", 1)
    court_decision_days: int = _rule(15, "法院司法确认审查期限（日）", "law", 1)
    court_extension_days: int = _rule(10, "法院司法确认可延长（日）", "law")
    followup_after_days: int = _rule(15, "履行期满后回访（日）", "ours")
    # petitions (信访工作条例)
    petition_notice_days: int = _rule(15, "信访登记后告知/转送期限（日）", "law", 1)
    petition_misroute_workdays: int = _rule(5, "转送错误提出异议期限（工作日）", "law", 1)
    petition_handling_days: int = _rule(60, "信访事项办理期限（日）", "law", 1)
    petition_extension_max_days: int = _rule(30, "信访办理最多延期（日）", "law")
    petition_review_request_days: int = _rule(30, "申请复查期限（日）", "law", 1)
    petition_review_answer_days: int = _rule(30, "复查答复期限（日）", "law", 1)
    petition_rereview_request_days: int = _rule(30, "申请复核期限（日）", "law", 1)
    petition_rereview_answer_days: int = _rule(30, "复核答复期限（日）", "law", 1)
    petition_max_representatives: int = _rule(5, "集体访推选代表上限（人）", "law", 1, 100)
    # leader contracts (领导包案)
    contract_months: int = _rule(3, "包案化解期限（月）", "practice", 1, 120)
    contract_extension_max_months: int = _rule(1, "包案最多延期（月）", "practice", 0, 120)
    contract_max_extensions: int = _rule(1, "包案最多延期次数", "practice", 0, 10)
    # marriage / family
    protection_order_max_months: int = _rule(6, "人身安全保护令最长有效期（月）", "law", 1, 120)
    protection_order_ruling_hours: int = _rule(72, "保护令作出期限（小时）", "law", 1, 720)
    protection_order_urgent_hours: int = _rule(24, "紧急情况保护令作出期限（小时）", "law", 1, 720)
    divorce_cooling_off_days: int = _rule(30, "离婚冷静期（日）", "law", 1)
    divorce_collect_days: int = _rule(30, "冷静期满后领证期限（日）", "law", 1)
    # screening (排查)
    screening_report_day: int = _rule(20, "每月排查报告截止日（日）", "practice", 1, 31)
    group_min_people: int = _rule(5, "群体性纠纷起点人数（人）", "practice", 2, 1000)
    # our own
    due_soon_days: int = _rule(3, "到期提醒提前（日）", "ours", 0, 365)
    roll_over_days_off: bool = field(default=True, metadata={
        "label": "期限最后一日为节假日时顺延", "basis": "law", "min": 0, "max": 1})

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in (bool, "bool"):
                if not isinstance(value, bool):
                    raise DomainError(f"设置项“{f.metadata['label']}”应为是或否", field=f.name)
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                raise DomainError(f"设置项“{f.metadata['label']}”应为整数", field=f.name)
            lo, hi = f.metadata["min"], f.metadata["max"]
            if not lo <= value <= hi:
                raise DomainError(f"设置项“{f.metadata['label']}”应在 {lo} 到 {hi} 之间，当前为 {value}", field=f.name)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> "DeadlineRules":
        """Defaults overridden by ``settings``. Unknown keys are ignored; ``None`` values keep the
        default; integers may be given as digit strings; bad values → DomainError (Chinese)."""
        if not settings:
            return cls()
        if not isinstance(settings, Mapping):
            raise DomainError("期限设置格式不正确")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in settings or settings[f.name] is None:
                continue
            values[f.name] = _coerce(f, settings[f.name])
        return cls(**values)

    def to_settings(self) -> dict[str, Any]:
        return asdict(self)

    def with_overrides(self, **changes: Any) -> "DeadlineRules":
        return replace(self, **changes)


def _coerce(f: Any, raw: Any) -> Any:
    lab = f.metadata["label"]
    if f.type in (bool, "bool"):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0", "是", "否"):
            return raw.strip().lower() in ("true", "1", "是")
        raise DomainError(f"设置项“{lab}”应为是或否，当前为“{raw}”", field=f.name)
    if isinstance(raw, bool):
        raise DomainError(f"设置项“{lab}”应为整数，当前为“{raw}”", field=f.name)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and raw.strip().isascii():
        return int(raw.strip())
    raise DomainError(f"设置项“{lab}”应为整数，当前为“{raw}”", field=f.name)


DEFAULT_RULES = DeadlineRules()


@dataclass(frozen=True)
class RuleField:
    name: str
    label: str
    basis: str
    default: Any
    minimum: int
    maximum: int


def rule_fields() -> tuple[RuleField, ...]:
    """Description of every rule for a Settings screen (Chinese label, legal basis, range)."""
    return tuple(
        RuleField(f.name, f.metadata["label"], f.metadata["basis"], f.default, f.metadata["min"], f.metadata["max"])
        for f in fields(DeadlineRules)
    )


# ---------------------------------------------------------------------------------------------


def _final(d: date, rules: DeadlineRules, calendar: WorkCalendar | None) -> date:
    if calendar is not None and rules.roll_over_days_off:
        return calendar.next_workday_on_or_after(d)
    return d


def _non_negative(value: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DomainError(f"{what}应为不小于0的整数")


def mediation_due(received_on: date, extension_days: int = 0, rules: DeadlineRules = DEFAULT_RULES,
                  calendar: WorkCalendar | None = None) -> date:
    """Last day to conclude mediation: received + 30 days (+ agreed extension)."""
    _non_negative(extension_days, "延长调解期限的天数")
    return _final(add_days(received_on, rules.mediation_days + extension_days), rules, calendar)


def judicial_confirmation_window(effective_on: date, rules: DeadlineRules = DEFAULT_RULES,
                                 calendar: WorkCalendar | None = None) -> date:
    """Last day the parties may jointly apply for judicial confirmation: effective + 30 days."""
    return _final(add_days(effective_on, rules.judicial_confirmation_apply_days), rules, calendar)


def court_decision_due(accepted_on: date, extended: bool = False, rules: DeadlineRules = DEFAULT_RULES,
                       calendar: WorkCalendar | None = None) -> date:
    """Last day for the court to decide on judicial confirmation: accepted + 15 (+10) days."""
    days = rules.court_decision_days + (rules.court_extension_days if extended else 0)
    return _final(add_days(accepted_on, days), rules, calendar)


def followup_due(agreed_on: date, performance_due: date | None = None,
                 rules: DeadlineRules = DEFAULT_RULES) -> date:
    """When to visit ([ours] practice): 15 days after the performance deadline, or after the
    agreement when it has no performance deadline."""
    base = performance_due if performance_due is not None and performance_due > agreed_on else agreed_on
    return add_days(base, rules.followup_after_days)


# -- petitions --------------------------------------------------------------------------------

#: Petition types whose handling runs the 60 (+30) day clock.
PETITION_TYPES_WITH_CLOCK = frozenset({"claim"})

_CLOCK_LABELS = {
    "notice_due": "告知/转送期限",
    "misroute_objection_due": "转送异议期限",
    "handling_due": "办理期限",
    "review_request_due": "申请复查期限",
    "review_answer_due": "复查答复期限",
    "rereview_request_due": "申请复核期限",
    "rereview_answer_due": "复核答复期限",
}


@dataclass(frozen=True)
class PetitionClock:
    """Last days of each petition stage; ``None`` where the stage has not been reached."""

    notice_due: date
    misroute_objection_due: date
    handling_due: date | None = None
    review_request_due: date | None = None
    review_answer_due: date | None = None
    rereview_request_due: date | None = None
    rereview_answer_due: date | None = None

    LABELS = _CLOCK_LABELS

    def items(self) -> list[tuple[str, str, date]]:
        """``[(field, Chinese label, date), ...]`` for the stages that have a date."""
        return [(k, lab, getattr(self, k)) for k, lab in _CLOCK_LABELS.items() if getattr(self, k) is not None]


def petition_deadlines(received_on: date, accepted_on: date | None = None, extension_days: int = 0,
                       replied_on: date | None = None, review_requested_on: date | None = None,
                       reviewed_on: date | None = None, rereview_requested_on: date | None = None,
                       calendar: WorkCalendar | None = None, rules: DeadlineRules = DEFAULT_RULES, *,
                       petition_type: str | None = None, hearing_days: int = 0) -> PetitionClock:
    """All deadlines of one petition (信访工作条例 2022).

    * notice_due = received + 15 days; misroute_objection_due = received + 5 working days
      (on ``calendar``, or weekends-only when none is given);
    * handling_due = accepted + 60 days + extension (extension ≤ 30, else DomainError); only for
      申诉求决类 (``petition_type`` ``claim`` or ``None``), ``None`` for the other types;
    * review_request_due = replied + 30; review_answer_due = review requested + 30;
      rereview_request_due = reviewed + 30; rereview_answer_due = rereview requested + 30 +
      ``hearing_days`` (hearing time is not counted).
    Dates given out of order (e.g. accepted before received) → DomainError.
    """
    _non_negative(extension_days, "延期天数")
    _non_negative(hearing_days, "听证天数")
    if extension_days > rules.petition_extension_max_days:
        raise DomainError(f"信访事项延期办理不得超过{rules.petition_extension_max_days}日，当前为{extension_days}日",
                          field="extension_days")
    chain = [("登记日期", received_on), ("受理日期", accepted_on), ("出具处理意见日期", replied_on),
             ("申请复查日期", review_requested_on), ("复查意见日期", reviewed_on),
             ("申请复核日期", rereview_requested_on)]
    known = [(name, d) for name, d in chain if d is not None]
    for (n1, d1), (n2, d2) in zip(known, known[1:]):
        if d2 < d1:
            raise DomainError(f"{n2}（{d2.isoformat()}）不能早于{n1}（{d1.isoformat()}）")
    work = calendar if calendar is not None else WorkCalendar()

    def due(start: date | None, days: int) -> date | None:
        return None if start is None else _final(add_days(start, days), rules, calendar)

    runs_clock = petition_type is None or petition_type in PETITION_TYPES_WITH_CLOCK
    return PetitionClock(
        notice_due=_final(add_days(received_on, rules.petition_notice_days), rules, calendar),
        misroute_objection_due=work.add_workdays(received_on, rules.petition_misroute_workdays),
        handling_due=due(accepted_on, rules.petition_handling_days + extension_days) if runs_clock else None,
        review_request_due=due(replied_on, rules.petition_review_request_days),
        review_answer_due=due(review_requested_on, rules.petition_review_answer_days),
        rereview_request_due=due(reviewed_on, rules.petition_rereview_request_days),
        rereview_answer_due=due(rereview_requested_on, rules.petition_rereview_answer_days + hearing_days),
    )


# -- leader contracts ---------------------------------------------------------------------------


def contract_deadline(assigned_on: date, extension_months: int = 0, rules: DeadlineRules = DEFAULT_RULES,
                      calendar: WorkCalendar | None = None, *, extensions: int | None = None) -> date:
    """Leader-contract deadline: assigned + 3 months (+ extension ≤ 1 month, at most 1 extension).

    ``extensions`` is the number of approved extensions (defaults to 1 when ``extension_months``
    > 0); exceeding either cap → DomainError.
    """
    _non_negative(extension_months, "延期月数")
    if extension_months > rules.contract_extension_max_months:
        raise DomainError(f"包案延期不得超过{rules.contract_extension_max_months}个月，当前为{extension_months}个月",
                          field="extension_months")
    count = (1 if extension_months else 0) if extensions is None else extensions
    _non_negative(count, "延期次数")
    if count > rules.contract_max_extensions:
        raise DomainError(f"包案最多延期{rules.contract_max_extensions}次", field="extensions")
    return _final(add_months(assigned_on, rules.contract_months + extension_months), rules, calendar)


# -- marriage / family --------------------------------------------------------------------------


def protection_order_expiry(ruled_on: date, months: int | None = None,
                            rules: DeadlineRules = DEFAULT_RULES) -> date:
    """Last day of a personal-safety protection order valid ``months`` (1–6) from ``ruled_on``.
    ``None`` means the maximum. Not shifted for days off (an order's validity is not a period
    for acting)."""
    if months is None:
        months = rules.protection_order_max_months
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise DomainError("人身安全保护令有效期应至少为1个月", field="months")
    if months > rules.protection_order_max_months:
        raise DomainError(f"人身安全保护令有效期不得超过{rules.protection_order_max_months}个月，当前为{months}个月",
                          field="months")
    return add_months(ruled_on, months)


def protection_order_ruling_due(applied_at: datetime, urgent: bool = False,
                                rules: DeadlineRules = DEFAULT_RULES) -> datetime:
    """When the court must rule on a protection-order application: +72 h, or +24 h if urgent."""
    hours = rules.protection_order_urgent_hours if urgent else rules.protection_order_ruling_hours
    return applied_at + timedelta(hours=hours)


def divorce_windows(registered_on: date, rules: DeadlineRules = DEFAULT_RULES,
                    calendar: WorkCalendar | None = None) -> tuple[date, date]:
    """``(withdraw_until, collect_until)`` for a divorce registration received on ``registered_on``:
    either party may withdraw until received + 30 days; both must then apply for the certificate
    within the next 30 days (Civil Code art. 1077)."""
    withdraw_until = _final(add_days(registered_on, rules.divorce_cooling_off_days), rules, calendar)
    collect_until = _final(add_days(withdraw_until, rules.divorce_collect_days), rules, calendar)
    return withdraw_until, collect_until


# -- screening ----------------------------------------------------------------------------------


def screening_report_due(year: int, month: int, rules: DeadlineRules = DEFAULT_RULES) -> date:
    """Last day to submit the screening report **for month (year, month)**: the 20th of that same
    month (clamped to the month end when the configured day exceeds it)."""
    if not 1 <= month <= 12:
        raise DomainError(f"月份应在1到12之间，当前为{month}")
    return min(date(year, month, 1) + timedelta(days=rules.screening_report_day - 1), month_end(year, month))


# -- status of a deadline -----------------------------------------------------------------------

DEADLINE_STATE_LABELS = {"ok": "正常", "due_soon": "即将到期", "overdue": "已超期"}


def days_left(due: date, today: date) -> int:
    """Whole days from ``today`` to ``due``: 0 = due today, negative = overdue by that many days."""
    return (due - today).days


def deadline_state(due: date | None, today: date, rules: DeadlineRules = DEFAULT_RULES) -> str | None:
    """``'overdue'`` (past the last day), ``'due_soon'`` (within ``due_soon_days``, today included),
    ``'ok'``; ``None`` when there is no deadline."""
    if due is None:
        return None
    left = days_left(due, today)
    if left < 0:
        return "overdue"
    if left <= rules.due_soon_days:
        return "due_soon"
    return "ok"
