"""The one seeded demo-data generator (demo command, tests, benchmarks).

`generate(desk, cases=2000, seed=2026)` fills the database with a township's 18 months of work:
villages and staff, parties (valid ID numbers and phones, people who come back), disputes and
petitions in every category, source and status with dates that agree with their status, the
timeline of each case, the monthly screening grid, leader contracts, risk assessments, number
sequences and the search index — as the users would have left it, not as a random table dump.

Why it does not call the per-record services: 100,000 cases must load in under two minutes. Rows
are built as plain dicts and bulk-inserted through the Core connection in ONE transaction (see
`_Inserter`); everything a service would compute (case numbers, deadlines via
`services.deadlines.current_due`, contract deadlines, risk-level suggestions, the events that
status changes, close-outs and screening re-checks leave) is computed with the same domain
functions, so the data is what the services would have produced. Instead of an audit row per
record there is one summary audit row (action "import", entity "demo").

The search index is built in the same transaction, chunk by chunk (`store.search.reindex_cases`
and `reindex_parties` with the ids just inserted) while those rows are still in SQLite's page
cache; one full rebuild at the end would read every row back through the uncommitted WAL and
takes about twice as long at 100,000 cases.

Determinism: everything comes from `random.Random(seed)` (content) and a second generator for
the row ids (UUIDv7-shaped, see `_Ids`), so the same seed and `today` on an empty database give
identical data. On a database that already holds data the unit and its villages are used, the id
stream is salted with the row counts so ids never collide, and numbers continue after the ones
already used (number_sequence ends at the highest number used per scope and year).

Texts (names, places, scenario templates per category) live in resources/demo/*.json.
"""

from __future__ import annotations

import json
import logging
import random
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import text
from sqlalchemy.sql import sqltypes

from ..domain import vocabularies as vocab
from ..domain.calendar import WorkCalendar, add_months, month_end
from ..domain.deadlines import contract_deadline, followup_due, protection_order_expiry, screening_report_due
from ..domain.idcard import credit_check_char, make_id_number
from ..domain.numbering import NumberPattern
from ..domain.risk import suggest_risk_level
from ..paths import resource
from ..store.models import (
    AuditEntry, Area, Case, CaseEvent, CaseParty, ContractProgress, LeaderContract, NumberSequence,
    Party, RiskAssessment, ScreeningEntry, ScreeningRound, Setting, Staff, Unit,
)
from . import deadlines as case_deadlines
from . import settings as settings_service
from .context import Desk

log = logging.getLogger(__name__)

__all__ = ["DemoSummary", "generate", "CHINA_HOLIDAYS"]

Progress = Callable[[str, float], None]

UTC = timezone.utc
_CHUNK = 4000  # cases per insert batch (parties, links and events of those cases go with them)

# China's public holidays and 调休 working days (State Council notices for 2025 and 2026).
CHINA_HOLIDAYS: dict[int, dict[str, list[str]]] = {
    2025: {
        "holidays": ["2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01",
                     "2025-02-02", "2025-02-03", "2025-02-04", "2025-04-04", "2025-04-05", "2025-04-06",
                     "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05", "2025-05-31",
                     "2025-06-01", "2025-06-02", "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
                     "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"],
        "workdays": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    },
    2026: {
        "holidays": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-15", "2026-02-16", "2026-02-17",
                     "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
                     "2026-04-04", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-02", "2026-05-03",
                     "2026-05-04", "2026-05-05", "2026-06-19", "2026-06-20", "2026-06-21", "2026-09-25",
                     "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                     "2026-10-05", "2026-10-06", "2026-10-07"],
        "workdays": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    },
}

# --------------------------------------------------------------------------- weights

DISPUTE_CATEGORY_WEIGHTS = {
    "marriage_family": 17, "neighbour": 16, "housing_homestead": 13, "damages": 10, "labour": 7,
    "contract": 8, "forest_land": 8, "production": 3, "land_requisition": 3, "pollution": 2,
    "consumer": 1.5, "medical": 1, "traffic": 4, "property_mgmt": 1.5, "other": 3,
    "gov_labour_capital": 0.6, "gov_mass_finance": 0.3, "gov_real_estate": 0.4,
    "gov_village_affairs": 0.8, "gov_environment": 0.5, "gov_agriculture": 0.6,
}
PETITION_CATEGORY_WEIGHTS = {
    "land_requisition": 16, "housing_homestead": 12, "labour": 12, "forest_land": 9,
    "gov_village_affairs": 10, "gov_agriculture": 7, "gov_environment": 5, "pollution": 5,
    "gov_real_estate": 3, "gov_mass_finance": 2, "gov_labour_capital": 3, "marriage_family": 4,
    "neighbour": 3, "damages": 2, "contract": 2, "medical": 1, "traffic": 1, "property_mgmt": 1,
    "consumer": 0.5, "production": 1, "other": 3,
}
SUBCATEGORY_WEIGHTS = {
    "divorce": 30, "support": 22, "inheritance": 12, "domestic_violence": 12, "betrothal_gift": 9,
    "family_other": 15, "neighbour_adjacency": 45, "neighbour_other": 55, "homestead": 55,
    "house_ownership": 15, "house_building": 30, "contract_loan": 40, "contract_sale": 20,
    "contract_lease": 15, "contract_construction": 15, "contract_other": 10, "damages_personal": 60,
    "damages_property": 40, "land_contracting": 35, "forest_rights": 20, "land_boundary": 30,
    "water_rights": 15, "requisition_compensation": 65, "demolition_resettlement": 35,
    "labour_wage_arrears": 70, "labour_other": 30,
}
DISPUTE_SOURCE_WEIGHTS = {
    "party_application": 36, "committee_initiative": 8, "screening": 13, "grid_report": 14,
    "assigned_by_superior": 6, "referral_court": 3, "referral_procuratorate": 0.6, "referral_police": 7,
    "referral_petition_office": 3, "referral_other": 2,
}
FAMILY_SOURCE_WEIGHTS = {"hotline_12338": 5, "women_home": 7, "marriage_registry": 6}
PETITION_SOURCE_WEIGHTS = {
    "party_application": 62, "assigned_by_superior": 22, "referral_petition_office": 6, "grid_report": 5,
    "screening": 3, "referral_other": 2,
}
# (highest age in days of the band or None, {status: weight}) — older cases are mostly finished.
DISPUTE_STATUS_BANDS: list[tuple[int | None, dict[str, float]]] = [
    (7, {"registered": 38, "investigating": 22, "mediating": 20, "agreed": 6, "oral_agreed": 9,
         "failed": 2, "transferred": 3}),
    (30, {"registered": 5, "investigating": 9, "mediating": 17, "agreed": 27, "oral_agreed": 16, "failed": 6,
          "transferred": 5, "following_up": 15}),
    (90, {"registered": 1, "investigating": 1.5, "mediating": 3.5, "agreed": 18, "oral_agreed": 10, "failed": 6,
          "transferred": 4, "following_up": 20, "archived": 36}),
    (None, {"registered": 0.2, "investigating": 0.3, "mediating": 1.0, "agreed": 8, "oral_agreed": 5,
            "failed": 3, "transferred": 2, "following_up": 6, "archived": 74}),
]
PETITION_STATUS_BANDS: list[tuple[int | None, dict[str, float]]] = [
    (15, {"registered": 42, "accepted": 38, "not_accepted": 5, "assigned_out": 9, "legal_channel": 4,
          "replied": 2}),
    (60, {"registered": 1.5, "accepted": 42, "not_accepted": 5, "assigned_out": 8, "legal_channel": 4,
          "replied": 26, "closed": 13.5}),
    (120, {"registered": 0.3, "accepted": 7, "not_accepted": 2, "assigned_out": 3, "legal_channel": 2,
           "replied": 14, "review_requested": 4, "reviewed": 3, "closed": 50, "archived": 14}),
    # waiting on a higher body (复查/复核 requested) is only plausible within a few months of the
    # reply: the whole chain is bounded by the 60 + 30 + 30 + 30 day rules
    (180, {"accepted": 0.5, "not_accepted": 0.7, "assigned_out": 1, "legal_channel": 1, "replied": 3,
           "review_requested": 0.3, "reviewed": 3, "rereview_requested": 2, "rereviewed": 3, "closed": 32,
           "archived": 52}),
    (None, {"accepted": 0.2, "not_accepted": 0.5, "assigned_out": 0.7, "legal_channel": 0.7, "replied": 1,
            "reviewed": 1, "rereviewed": 2, "closed": 25, "archived": 68}),
]
# Smallest age (days since received) at which a status can plausibly have been reached.
STATUS_MIN_AGE = {
    "dispute": {"registered": 0, "investigating": 1, "mediating": 2, "agreed": 2, "oral_agreed": 0, "failed": 3,
                "transferred": 2, "following_up": 12, "archived": 30},
    "petition": {"registered": 0, "accepted": 2, "not_accepted": 2, "assigned_out": 2, "legal_channel": 3,
                 "replied": 8, "review_requested": 45, "reviewed": 70, "rereview_requested": 90,
                 "rereviewed": 120, "closed": 10, "archived": 25},
}
HIGH_RISK_LEAVES = {
    "requisition_compensation", "demolition_resettlement", "forest_rights", "pollution", "labour_wage_arrears",
    "gov_mass_finance", "gov_real_estate", "gov_labour_capital", "domestic_violence", "gov_environment",
}
FAMILY_LEAVES = {"divorce", "support", "inheritance", "domestic_violence", "betrothal_gift", "family_other"}
CRIMINAL_RISK_LEAVES = {"domestic_violence", "neighbour_other", "homestead", "damages_personal", "forest_rights",
                        "land_boundary", "water_rights", "family_other"}
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "170", "173", "176", "177", "180", "181", "182", "183",
                   "185", "186", "187", "188", "189", "191", "193", "195", "198", "199")
_CREDIT_ALNUM = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CN_NUM = "零一二三四五六七八九十"
TIME_SLOTS = ("8:30—10:00", "9:00—10:30", "9:30—11:00", "10:00—11:30", "14:30—16:00", "15:00—16:30", "15:30—17:00")


# --------------------------------------------------------------------------- summary


@dataclass
class DemoSummary:
    """What `generate` wrote: rows per table, timings (seconds) and whether search was indexed."""

    seed: int
    today: date
    cases: int = 0
    disputes: int = 0
    petitions: int = 0
    areas: int = 0
    units: int = 0
    staff: int = 0
    parties: int = 0
    case_parties: int = 0
    case_events: int = 0
    screening_rounds: int = 0
    screening_entries: int = 0
    leader_contracts: int = 0
    contract_progress: int = 0
    risk_assessments: int = 0
    number_sequences: int = 0
    settings: int = 0
    audit_entries: int = 0
    search_indexed: int | None = None  # None: the search module was not available
    elapsed: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def events(self) -> int:
        return self.case_events

    @property
    def contracts(self) -> int:
        return self.leader_contracts

    def counts(self) -> dict[str, int]:
        """Rows written per table (table name → count)."""
        return {
            "area": self.areas, "unit": self.units, "staff": self.staff, "party": self.parties,
            "case": self.cases, "case_party": self.case_parties, "case_event": self.case_events,
            "screening_round": self.screening_rounds, "screening_entry": self.screening_entries,
            "leader_contract": self.leader_contracts, "contract_progress": self.contract_progress,
            "risk_assessment": self.risk_assessments, "number_sequence": self.number_sequences,
            "setting": self.settings, "audit_entry": self.audit_entries,
        }


# --------------------------------------------------------------------------- small helpers


@lru_cache(maxsize=1)
def _corpus() -> tuple[dict, dict]:
    with open(resource("demo", "names.json"), encoding="utf-8") as fh:
        names = json.load(fh)
    with open(resource("demo", "texts.json"), encoding="utf-8") as fh:
        texts = json.load(fh)
    return names, texts


class _W:
    """Weighted choice by bisecting a cumulative table (much cheaper than random.choices per call)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs) -> None:
        pairs = [(k, float(w)) for k, w in (pairs.items() if isinstance(pairs, dict) else pairs) if w > 0]
        self.items = [k for k, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        i = bisect_right(self.cum, rng.random() * self.total)
        return self.items[i if i < len(self.items) else -1]


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return "某"


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _cn_month(d: date) -> str:
    return f"{d.year}年{d.month}月"


def _money(amount: float | None) -> str:
    if amount is None:
        return "若干"
    if amount >= 10000:
        return f"{amount / 10000:.2f}".rstrip("0").rstrip(".") + "万元"
    return f"{int(round(amount))}元"


def _round_money(x: float) -> float:
    if x < 1000:
        step = 50
    elif x < 10000:
        step = 100
    elif x < 100000:
        step = 500
    else:
        step = 1000
    return float(max(step, round(x / step) * step))


def _stamp(d: date, minute: int) -> datetime:
    """A moment on local (China, UTC+8) day `d` at `minute` after midnight, as aware UTC."""
    return datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=minute - 480)


def _mask(name: str, surname_len: int) -> str:
    """Ledger style: 张某 (one-character given name) / 张某某 / 欧阳某某; organisations unchanged."""
    return name[:surname_len] + ("某" if len(name) - surname_len <= 1 else "某某")


def _petition_title(dispute_title: str) -> str:
    """The petition-register form of a dispute title template: "{A}与{B}X纠纷" → "{A}反映与{B}X纠纷问题"."""
    core = dispute_title.replace("{vg}", "").replace("{v}", "").replace("{g}", "")
    if core.startswith("{A}与{B}"):
        return "{A}反映与{B}" + core[len("{A}与{B}"):] + "问题"
    if core.startswith("{A}"):
        return "{A}反映" + core[len("{A}"):] + "问题"
    return "{A}反映" + core + "问题"


def _month_list(today: date, count: int) -> list[tuple[int, int]]:
    months = []
    y, m = today.year, today.month
    for _ in range(count):
        months.append((y, m))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return months[::-1]


class _Ids:
    """Row ids shaped like UUIDv7 (RFC 9562): a 48-bit millisecond stamp, the version and
    variant bits, and 74 random bits — all from the seed, so a re-generation is identical.

    The stamp is a synthetic clock that advances one millisecond per id from `base_ms`, so ids
    increase in insertion order: every primary-key and foreign-key index then grows at its end
    instead of at random places, which makes the bulk load (and the search index build) about a
    quarter faster than with random (UUIDv4-like) ids. They are still 32 hex characters, unique,
    and mergeable with the uuid4 ids the services make.
    """

    __slots__ = ("bits", "ms")

    def __init__(self, salt: str, base_ms: int) -> None:
        self.bits = random.Random(salt).getrandbits
        self.ms = base_ms

    def __call__(self) -> str:
        self.ms += 1
        r = self.bits(74)
        return "%012x7%03x%x%015x" % (self.ms, r >> 62, 8 | ((r >> 60) & 3), r & 0xFFFFFFFFFFFFFFF)


class _CaseView:
    """Attribute access over a case row dict (for services.deadlines without building a model)."""

    __slots__ = ("_row",)

    def __init__(self, row: dict) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return self._row[name]


# --------------------------------------------------------------------------- people


class _Person:
    __slots__ = ("id", "name", "surname_len", "sex", "birth", "vidx", "phone", "id_number", "kind", "masked")

    def __init__(self, pid, name, surname_len, sex, birth, vidx, phone, id_number, kind="person"):
        self.id, self.name, self.surname_len, self.sex, self.birth = pid, name, surname_len, sex, birth
        self.vidx, self.phone, self.id_number, self.kind = vidx, phone, id_number, kind
        self.masked = _mask(name, surname_len) if kind == "person" else name

    @property
    def surname(self) -> str:
        return self.name[:self.surname_len]


class _CaseInfo:
    """What the later phases (screening, contracts, risk) need to know about a generated case."""

    __slots__ = ("id", "kind", "vidx", "received", "status", "closed_on", "closed_out_on", "risk", "leaf",
                 "title", "backlog", "repeat", "skipping", "resolved", "decision", "outcome", "people",
                 "applicant", "mediator", "description", "major_at", "source", "number", "matter", "root")


# --------------------------------------------------------------------------- the generator


class _Generator:
    def __init__(self, desk: Desk, n_cases: int, seed: int, today: date, progress: Progress | None) -> None:
        self.desk = desk
        self.n_cases = max(0, int(n_cases))
        self.seed = seed
        self.today = today
        self.progress = progress
        self.rng = random.Random(seed)
        self._rand = self.rng.random
        self.names, self.texts = _corpus()
        self.leaves: dict[str, dict] = dict(self.texts["leaves"])  # a county may add categories
        self.g: dict = self.texts["generic"]
        self.summary = DemoSummary(seed=seed, today=today)
        self.phase_started = time.perf_counter()

    # ------------------------------------------------------------------ cheap random helpers
    # (random.randint/choice cost ~1 µs each through randrange; these are several times cheaper
    # and called millions of times at 100,000 cases)

    def _ri(self, a: int, b: int) -> int:
        return a + int(self._rand() * (b - a + 1))

    def _ch(self, seq):
        return seq[int(self._rand() * len(seq))]

    def _rr(self, n: int) -> int:
        return int(self._rand() * n)

    # ------------------------------------------------------------------ progress and timing

    def _report(self, phase: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(phase, max(0.0, min(1.0, fraction)))

    def _phase_done(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.phase_seconds[name] = round(now - self.phase_started, 3)
        self.phase_started = now

    # ------------------------------------------------------------------ reading what exists

    def read_existing(self) -> None:
        desk = self.desk
        with desk.read() as session:
            conn = session.connection()
            self.rules = settings_service.deadline_rules(session)
            # compiled once (formatting is then the same as domain.numbering.format_number)
            self.patterns = {k: NumberPattern(v) for k, v in settings_service.numbering_patterns(session).items()}
            self.has_holidays = settings_service.get_value(session, settings_service.HOLIDAYS_KEY) is not None
            unit = conn.execute(text("SELECT id, name, short_name, area_id FROM unit WHERE is_current = 1 "
                                     "ORDER BY created_at LIMIT 1")).first()
            self.unit = None if unit is None else {"id": unit[0], "name": unit[1], "short": unit[2] or unit[1][:1],
                                                    "area_id": unit[3]}
            self.areas = [dict(zip(("id", "parent_id", "level", "name", "sort", "active"), r)) for r in conn.execute(
                text("SELECT id, parent_id, level, name, sort, active FROM area ORDER BY sort, name, id"))]
            self.staff_rows = [dict(zip(("id", "name", "roles", "post", "phone", "area_id"), r)) for r in conn.execute(
                text("SELECT id, name, roles, post, phone, area_id FROM staff WHERE active = 1 ORDER BY name, id"))]
            for s in self.staff_rows:
                if isinstance(s["roles"], str):
                    s["roles"] = json.loads(s["roles"] or "[]")
            self.sequences = {(r[0], r[1], r[2]): r[3] for r in conn.execute(
                text("SELECT unit_id, scope, year, last_value FROM number_sequence"))}
            self.case_floor = {(r[0], r[1], r[2]): r[3] or 0 for r in conn.execute(text(
                'SELECT unit_id, kind, number_year, max(number_seq) FROM "case" GROUP BY unit_id, kind, number_year'))}
            self.used_id_numbers = {r[0] for r in conn.execute(
                text("SELECT id_number FROM party WHERE id_number IS NOT NULL"))}
            self.existing_cases = conn.execute(text('SELECT count(*) FROM "case"')).scalar() or 0
            self.existing_parties = conn.execute(text("SELECT count(*) FROM party")).scalar() or 0
            holidays_value = settings_service.get_value(session, settings_service.HOLIDAYS_KEY) or {}
        self.holidays_value = None
        if not self.has_holidays:
            years = range(add_months(self.today, -19).year, self.today.year + 2)
            hol = [d for y in years for d in CHINA_HOLIDAYS.get(y, {}).get("holidays", [])]
            work = [d for y in years for d in CHINA_HOLIDAYS.get(y, {}).get("workdays", [])]
            if hol:
                # Both spellings of the 调休 key: services.settings reads "workdays",
                # WorkCalendar.to_settings writes "extra_workdays".
                self.holidays_value = {"holidays": hol, "workdays": work, "extra_workdays": work}
                holidays_value = self.holidays_value
        self.calendar = WorkCalendar(
            [date.fromisoformat(d) for d in holidays_value.get("holidays", [])],
            [date.fromisoformat(d) for d in holidays_value.get("workdays", holidays_value.get("extra_workdays", []))])
        base = datetime(self.today.year, self.today.month, self.today.day, tzinfo=UTC) - timedelta(days=600)
        self.ids = _Ids(f"mediation-desk-demo:{self.seed}:{self.existing_cases}:{self.existing_parties}",
                        int(base.timestamp() * 1000))

    # ------------------------------------------------------------------ organisation: unit, areas, staff

    def build_world(self) -> None:
        rng, names = self.rng, self.names
        spec = names["unit"]
        self.new_areas: list[dict] = []
        self.new_units: list[dict] = []
        self.new_staff: list[dict] = []
        created = _stamp(add_months(self.today, -19), 9 * 60)
        self.created0 = created
        try:
            from ..store.search import name_initials
        except ImportError:  # pragma: no cover - the search module ships with the store
            def name_initials(name: str, **_: Any) -> str:
                return ""
        self._initials = name_initials

        def add_area(name: str, level: str, parent_id: str | None, code: str = "", sort: int = 0) -> dict:
            row = {"id": self.ids(), "created_at": created, "updated_at": created, "parent_id": parent_id,
                   "level": level, "name": name, "code": code, "initials": name_initials(name, person=False),
                   "sort": sort, "active": True}
            self.new_areas.append(row)
            self.areas.append({k: row[k] for k in ("id", "parent_id", "level", "name", "sort", "active")})
            return row

        township_id = None
        if self.unit is None:
            county = add_area(spec["county"], "county", None, spec["county_code"])
            township = add_area(spec["township"], "township", county["id"], spec["township_code"])
            township_id = township["id"]
            unit_row = {
                "id": self.ids(), "created_at": created, "updated_at": created, "name": spec["name"],
                "short_name": spec["short"], "unit_type": spec["type"], "area_id": township_id,
                "address": spec["address"], "phone": spec["phone"], "head_name": names["staff"][0]["name"],
                "is_current": True,
            }
            self.new_units.append(unit_row)
            self.unit = {"id": unit_row["id"], "name": unit_row["name"], "short": unit_row["short_name"],
                         "area_id": township_id}
        else:
            by_id = {a["id"]: a for a in self.areas}
            ua = by_id.get(self.unit["area_id"])
            if ua is not None and ua["level"] == "township":
                township_id = ua["id"]
            else:
                towns = [a for a in self.areas if a["level"] == "township"]
                township_id = towns[0]["id"] if towns else (ua["id"] if ua else None)
        self.unit_name = self.unit["name"]
        self.short = self.unit["short"]
        township_name = next((a["name"] for a in self.areas if a["id"] == township_id), spec["township"])
        county_name = spec["county"]
        if township_id:
            parent = next((a for a in self.areas if a["id"] == township_id), None)
            if parent and parent["parent_id"]:
                county_name = next((a["name"] for a in self.areas if a["id"] == parent["parent_id"]), county_name)
        self.township_name, self.county_name = township_name, county_name

        villages = [a for a in self.areas if a["level"] == "village" and a["active"]]
        if not villages:
            pool = list(names["villages"])
            count = self._ri(8, 12)
            chosen = [pool[0]] + rng.sample(pool[1:], count - 1)
            chosen.sort(key=pool.index)
            for i, vname in enumerate(chosen):
                code = spec["township_code"][:9] + f"{201 + i:03d}"
                add_area(vname, "village", township_id, code, sort=i + 1)
            villages = [a for a in self.areas if a["level"] == "village"]
            create_children = True
        else:
            create_children = False
        children: dict[str, list[dict]] = {}
        for a in self.areas:
            children.setdefault(a["parent_id"], []).append(a)
        self.villages: list[dict] = []
        for vi, v in enumerate(villages):
            groups = [a for a in children.get(v["id"], []) if a["level"] == "group" and a["active"]]
            grids = [a for a in children.get(v["id"], []) if a["level"] == "grid" and a["active"]]
            if create_children:
                for gi in range(self._ri(2, 5)):
                    groups.append(add_area(names["group_names"][gi], "group", v["id"], sort=gi + 1))
                for gi in range(self._ri(1, 2)):
                    grids.append(add_area(f"第{_CN_NUM[gi + 1]}网格", "grid", v["id"], sort=gi + 1))
            self.villages.append({
                "id": v["id"], "name": v["name"], "groups": groups, "grids": grids,
                "weight": (1.3 if v["name"].endswith("社区") else rng.uniform(0.6, 1.5)),
                "cadre": None, "group_leaders": [],
            })
        self.village_pick = _W([(i, v["weight"]) for i, v in enumerate(self.villages)])
        self.summary.areas = len(self.new_areas)
        self.summary.units = len(self.new_units)

        # staff: the demo team (skipping names already present) and one grid worker per village
        existing = {s["name"] for s in self.staff_rows}
        for s in names["staff"]:
            if s["name"] in existing:
                continue
            self._add_staff(s["name"], s["roles"], s["post"], None)
        for v in self.villages:
            has_grid = any("grid_worker" in (s["roles"] or []) and s["area_id"] == v["id"] for s in self.staff_rows)
            if not has_grid:
                name = self._person_name(self._ch(("male", "female")), self._ri(1975, 1995))[0]
                self._add_staff(name, ["grid_worker"], f"{v['name']}专职网格员", v["id"])
        # village cadres (names only: they appear in records, they are not users of the desk)
        for v in self.villages:
            v["cadre"] = self._person_name("male" if rng.random() < 0.8 else "female", self._ri(1962, 1985))[0]
            v["group_leaders"] = [self._person_name("male", self._ri(1955, 1980))[0] for _ in v["groups"] or [0]]
        self.summary.staff = len(self.new_staff)

        def with_role(role: str) -> list[dict]:
            return [s for s in self.staff_rows if role in (s["roles"] or [])]

        self.leaders = with_role("leader") or self.staff_rows[:1]
        mediators = [s for s in with_role("mediator") if "leader" not in s["roles"]] or self.staff_rows[:1]
        self.mediators = mediators
        self.recorders = with_role("recorder") or mediators
        heads = with_role("unit_head")
        self.head = heads[0] if heads else (self.leaders[0] if self.leaders else self.staff_rows[0])
        self.reviewers = with_role("reviewer") or [self.head]
        self.family_mediator = next((s for s in mediators if "妇联" in (s["post"] or "")), None)
        self.petition_clerk = next((s for s in mediators if "信访" in (s["post"] or "")), None)
        self.grid_workers = {v["id"]: [s for s in self.staff_rows if "grid_worker" in (s["roles"] or [])
                                       and s["area_id"] == v["id"]] for v in self.villages}

    def _add_staff(self, name: str, roles: list[str], post: str, area_id: str | None) -> None:
        row = {"id": self.ids(), "created_at": self.created0, "updated_at": self.created0,
               "unit_id": self.unit["id"], "area_id": area_id, "name": name, "roles": list(roles), "post": post,
               "phone": self._mobile(), "active": True}
        self.new_staff.append(row)
        self.staff_rows.append({k: row[k] for k in ("id", "name", "roles", "post", "phone", "area_id")})

    # ------------------------------------------------------------------ people

    def _mobile(self) -> str:
        rng = self.rng
        return self._ch(MOBILE_PREFIXES) + f"{self._rr(100_000_000):08d}"

    def _landline(self) -> str:
        return f"0794-8{self._rr(1_000_000):06d}"

    def _person_name(self, sex: str, year: int, surname: str | None = None) -> tuple[str, int]:
        rng = self.rng
        if surname is None:
            surname = self.surname_pick.pick(rng)
        era = "old" if year < 1965 else ("mid" if year < 1990 else "young")
        if rng.random() < 0.004:
            given = self._ch(self.names["rare_given"][sex])
            if rng.random() < 0.5:
                given = self._ch(("晓", "文", "思", "志", "雨", "子")) + given
        else:
            given = self._ch(self.given[f"{sex}_{era}"])
        return surname + given, len(surname)

    def prepare_names(self) -> None:
        names = self.names
        self.surname_pick = _W(names["surnames"])
        self.given = {f"{sex}_{era}": names["given"][f"{sex}_{era}"]
                      for sex in ("male", "female") for era in ("old", "mid", "young")}

    def prepare_people(self) -> None:
        names = self.names
        self.ethnicity_pick = _W(names["ethnicities"])
        self.occupation_pick = {era: _W(pairs) for era, pairs in names["occupations"].items()}
        # birth years: few before 1945 or after 2003, most between 1955 and 1990
        self.year_pick = _W([(y, 0.4 if y < 1945 else 1.0 if y < 1955 else 2.2 if y < 1990 else
                              1.2 if y < 2000 else 0.5) for y in range(1940, 2007)])
        region = names["region"]
        self.region = region
        self.nearby_pick = _W([(code, 1) for code, _ in region["nearby"]])
        self.persons: list[_Person] = []
        self._group_hint: tuple[int, str] = (-1, "")
        self.village_people: list[list[_Person]] = [[] for _ in self.villages]
        self.village_population = [int(2400 * v["weight"]) for v in self.villages]
        self.pending_parties: list[dict] = []
        self.featured: list[_Person] = []
        for spec in names["featured"]:
            lo, hi = spec["born"]
            vidx = self.village_pick.pick(self.rng)
            name = spec["name"]
            surname_len = 2 if name[:2] in ("欧阳", "司马", "上官") else 1
            self.featured.append(self.new_person(vidx, sex=spec["sex"], born=(lo, hi), name=(name, surname_len),
                                                 legacy=False))
        self.featured.reverse()  # popped from the end: used in the order listed
        # organisations: the village committees and the businesses of the township
        self.orgs: dict[str, list[_Person]] = {}
        for org in names["organisations"]:
            self.orgs.setdefault(org["pool"], []).append(self._new_org(org["name"], org["prefix"], None))
        self.village_committees = [self._new_org(f"{v['name']}村民委员会" if not v["name"].endswith("社区")
                                                 else f"{v['name']}居民委员会", "54", vi)
                                   for vi, v in enumerate(self.villages)]
        self.orgs["village"] = self.village_committees
        # lawyers and legal-aid staff who act as agents
        self.lawyers = [self.new_person(self.village_pick.pick(self.rng), born=(1970, 1992), agent_firm=firm)
                        for firm in names["lawyers"]["firms"] for _ in range(2)]

    def _new_org(self, name: str, prefix: str, vidx: int | None) -> _Person:
        rng = self.rng
        while True:
            body = prefix + self.region["county"] + "".join(self._ch(_CREDIT_ALNUM) for _ in range(9))
            code = body + credit_check_char(body)
            if code not in self.used_id_numbers:
                break
        self.used_id_numbers.add(code)
        pid = self.ids()
        v = self.villages[vidx] if vidx is not None else None
        address = (f"{self.county_name}{self.township_name}{v['name']}" if v else
                   f"{self.county_name}{self.township_name}{self._ch(('工业园区', '青石街', '新街', '集镇'))}{self._ri(1, 200)}号")
        rep = self._person_name("male" if rng.random() < 0.8 else "female", self._ri(1960, 1990))[0]
        if v is not None:
            rep = v["cadre"] or rep
        self.pending_parties.append({
            "id": pid, "created_at": self.created0, "updated_at": self.created0, "kind": "organisation",
            "name": name, "id_number": code, "id_legacy": False, "sex": "", "birth_date": None, "ethnicity": "",
            "phone": self._landline(), "address": address, "area_id": v["id"] if v else None, "occupation": "",
            "legal_representative": rep, "note": "",
        })
        return _Person(pid, name, 0, "", None, vidx, "", code, kind="organisation")

    def new_person(self, vidx: int, sex: str | None = None, born: tuple[int, int] | None = None,
                   surname: str | None = None, name: tuple[str, int] | None = None, legacy: bool | None = None,
                   agent_firm: str | None = None) -> _Person:
        rng = self.rng
        if sex is None:
            sex = "male" if rng.random() < 0.52 else "female"
        if born is not None:
            year = self._ri(born[0], born[1])
        else:
            year = self.year_pick.pick(rng)
        year = min(max(year, 1940), 2006)
        birth = date(year, 1, 1) + timedelta(days=self._rr(365))
        if name is None:
            name = self._person_name(sex, year, surname)
        full, surname_len = name
        region = self.region
        if rng.random() < region["nearby_share"]:
            code = self.nearby_pick.pick(rng)
        elif year <= 1983 and rng.random() < 0.8:
            code = region["county_legacy"]
        else:
            code = region["county"]
        if legacy is None:
            legacy = year < 1980 and rng.random() < region["legacy15_share"] * 2.5
        while True:
            seq = self._rr(500) * 2 + (1 if sex == "male" else 0)
            if legacy:
                id_number = f"{code}{birth:%y%m%d}{seq:03d}"
            else:
                id_number = make_id_number(code, birth, seq)
            if id_number not in self.used_id_numbers:
                break
        self.used_id_numbers.add(id_number)
        roll = rng.random()
        if roll < 0.03 and year < 1960:
            phone = ""
        elif roll < 0.09:
            phone = self._landline()
        else:
            phone = self._mobile()
        v = self.villages[vidx]
        era = "old" if year < 1965 else ("mid" if year < 1992 else "young")
        if agent_firm:
            occupation = "律师" if "律师事务所" in agent_firm else "法律援助律师"
            address = f"{self.county_name}{agent_firm}"
        else:
            occupation = self.occupation_pick[era].pick(rng)
            if v["name"].endswith("社区"):
                streets = self.names["streets"].get(v["name"]) or ["青石街"]
                address = f"{self.county_name}{self.township_name}{self._ch(streets)}{self._ri(1, 160)}号"
            else:
                hint = self._group_hint
                if hint[0] == vidx and hint[1] and rng.random() < 0.85:
                    group = hint[1]  # neighbours in a dispute mostly live in the same group
                else:
                    group = self._ch(v["groups"])["name"] if v["groups"] else ""
                address = f"{self.county_name}{self.township_name}{v['name']}{group}{self._ri(1, 80)}号"
        pid = self.ids()
        self.pending_parties.append({
            "id": pid, "created_at": self.created0, "updated_at": self.created0, "kind": "person", "name": full,
            "id_number": id_number, "id_legacy": bool(legacy), "sex": sex, "birth_date": birth,
            "ethnicity": self.ethnicity_pick.pick(rng), "phone": phone, "address": address,
            "area_id": v["id"], "occupation": occupation, "legal_representative": "",
            "note": "持旧版15位身份证" if legacy else "",
        })
        person = _Person(pid, full, surname_len, sex, birth, vidx, phone, id_number)
        self.persons.append(person)
        if not agent_firm:
            self.village_people[vidx].append(person)
        return person

    def _any_person(self, vidx: int, exclude: set[str], reuse: float = 0.12, **kw) -> _Person:
        pool = self.village_people[vidx]
        # a village has a few thousand adults: the more of them already on file, the more likely
        # the next party is one of them (at 100,000 cases most parties are old acquaintances)
        fill = len(pool) / self.village_population[vidx]
        if pool and self._rand() < reuse + 0.85 * min(1.0, fill) ** 2:
            p = pool[self._rr(len(pool))]
            if p.id not in exclude and (p.birth is None or p.birth.year <= 2004):
                return p
        return self.new_person(vidx, **kw)

    # ------------------------------------------------------------------ screening plan

    def plan_screening(self) -> None:
        rng, today, rules = self.rng, self.today, self.rules
        months = _month_list(today, 18)
        self.months = months
        due_months = [ym for ym in months if screening_report_due(ym[0], ym[1], rules) < today]
        weak = set(rng.sample(range(len(self.villages)), min(len(self.villages), self._ri(1, 2))))
        missing_recent = set(due_months[-self._ri(1, 2):]) if due_months else set()
        # plan[vidx][(y, m)] = dict(screened_on, submitted_on, zero, late) or None (missing)
        self.rounds: list[dict[tuple[int, int], dict | None]] = []
        for vi, _v in enumerate(self.villages):
            plan: dict[tuple[int, int], dict | None] = {}
            for (y, m) in months:
                due = screening_report_due(y, m, rules)
                last = month_end(y, m)
                if (y, m) == (today.year, today.month) and today <= due:
                    # this month's report is not due yet: some villages have already filed
                    if vi in weak or today.day <= 5 or rng.random() > 0.75 * today.day / due.day:
                        plan[(y, m)] = None
                        continue
                    screened = date(y, m, self._ri(3, today.day - 1))
                    submitted = min(today, screened + timedelta(days=self._ri(0, 2)))
                    plan[(y, m)] = {"screened_on": screened, "submitted_on": submitted, "zero": rng.random() < 0.07,
                                    "late": False}
                    continue
                if (vi in weak and (y, m) in missing_recent) or rng.random() < 0.025:
                    plan[(y, m)] = None
                    continue
                if rng.random() < 0.08:
                    screened = date(y, m, min(last.day, self._ri(max(1, due.day - 3), due.day + 7)))
                    submitted = max(screened, due + timedelta(days=self._ri(1, 9)))
                    late = True
                else:
                    first = max(1, min(6, due.day - 1))
                    screened = date(y, m, self._ri(first, max(first, due.day - 1)))
                    submitted = screened + timedelta(days=self._ri(0, max(0, min(3, (due - screened).days))))
                    late = False
                if submitted > today or screened > today:
                    plan[(y, m)] = None
                    continue
                plan[(y, m)] = {"screened_on": screened, "submitted_on": submitted, "zero": rng.random() < 0.07,
                                "late": late}
            self.rounds.append(plan)
        # every kind of grid cell exists somewhere (on time, zero report, late, missing)
        past = [(vi, ym) for vi in range(len(self.villages)) for ym in due_months]
        if past:
            cells = [self.rounds[vi][ym] for vi, ym in past]
            if not any(c and c["zero"] for c in cells):
                vi, ym = self._ch([p for p in past if self.rounds[p[0]][p[1]]])
                self.rounds[vi][ym]["zero"] = True
            if not any(c and c["late"] for c in cells):
                vi, ym = self._ch([p for p in past if self.rounds[p[0]][p[1]]])
                y, m = ym
                due = screening_report_due(y, m, rules)
                cell = self.rounds[vi][ym]
                late_day = min(today, due + timedelta(days=3))
                if late_day > due:
                    cell["submitted_on"], cell["late"] = late_day, True
        # the screened days per village, for linking the cases found by screening
        self.round_dates: list[list[tuple[date, tuple[int, int]]]] = [
            sorted((c["screened_on"], ym) for ym, c in plan.items() if c) for plan in self.rounds]

    # ------------------------------------------------------------------ case skeletons

    def plan_cases(self) -> None:
        rng, today, n = self.rng, self.today, self.n_cases
        start = add_months(today, -18)
        self.window_start = start
        days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
        month_factor = {1: 1.3, 2: 1.15, 12: 1.2, 7: 0.9, 8: 0.9}
        weights = [month_factor.get(d.month, 1.0) * (0.35 if d.weekday() >= 5 else 1.0) * (
            0.3 if d in self.calendar.holidays else 1.0) for d in days]
        picked = rng.choices(days, weights=weights, k=n)
        leaf_of: dict[str, tuple[str, str]] = {}
        by_parent: dict[str, list[str]] = {}
        for it in vocab.items("category"):
            if it.parent:
                by_parent.setdefault(it.parent, []).append(it.code)
        for it in vocab.items("category"):
            if it.parent is None:
                subs = by_parent.get(it.code)
                if subs:
                    for s in subs:
                        leaf_of[s] = (it.code, s)
                else:
                    leaf_of[it.code] = (it.code, "")
        self.leaf_of = leaf_of
        missing = [leaf for leaf in leaf_of if leaf not in self.leaves]
        if missing:  # a county added categories: they fall back to the generic texts of "other"
            for leaf in missing:
                self.leaves[leaf] = self.leaves["other"]
        self.category_children = by_parent
        sub_pick = {parent: _W([(s, SUBCATEGORY_WEIGHTS.get(s, 20)) for s in subs])
                    for parent, subs in by_parent.items()}
        all_top = [it.code for it in vocab.items("category") if it.parent is None]
        d_cat = _W([(c, DISPUTE_CATEGORY_WEIGHTS.get(c, 0.5)) for c in all_top])
        p_cat = _W([(c, PETITION_CATEGORY_WEIGHTS.get(c, 0.5)) for c in all_top])
        d_src = _W(DISPUTE_SOURCE_WEIGHTS)
        f_src = _W({**DISPUTE_SOURCE_WEIGHTS, **FAMILY_SOURCE_WEIGHTS})
        p_src = _W(PETITION_SOURCE_WEIGHTS)
        plans = []
        for d in picked:
            kind = "petition" if rng.random() < 0.25 else "dispute"
            cat = (p_cat if kind == "petition" else d_cat).pick(rng)
            leaf = sub_pick[cat].pick(rng) if cat in sub_pick else cat
            if kind == "petition":
                source = p_src.pick(rng)
            else:
                source = (f_src if cat == "marriage_family" else d_src).pick(rng)
                if source == "marriage_registry" and leaf not in ("divorce", "domestic_violence", "family_other"):
                    source = "women_home"
            plans.append([d, kind, leaf, source, self.village_pick.pick(rng)])
        # every category, sub-category and source appears at least once
        locked: set[int] = set()
        if n >= len(leaf_of):
            present = {p[2] for p in plans}
            for leaf in leaf_of:
                if leaf not in present:
                    i = self._free_index(plans, locked, lambda p: True)
                    if i is not None:
                        plans[i][2] = leaf
                        locked.add(i)
        for source in (it.code for it in vocab.items("source")):
            if n < 40 or any(p[3] == source for p in plans):
                continue
            if source in FAMILY_SOURCE_WEIGHTS:
                i = self._free_index(plans, locked, lambda p: p[1] == "dispute")
                if i is not None:
                    plans[i][2] = "divorce" if source == "marriage_registry" else "domestic_violence"
            else:
                i = self._free_index(plans, locked, lambda p: p[1] == "dispute" and p[2] not in FAMILY_LEAVES)
            if i is not None:
                plans[i][3] = source
                locked.add(i)
        # cases found by screening are dated on the day the village screened
        for p in plans:
            if p[3] != "screening":
                continue
            d, vidx = p[0], p[4]
            cell = self.rounds[vidx].get((d.year, d.month))
            if cell is None or cell["zero"] or cell["screened_on"] > today:
                p[3] = "grid_report"
            else:
                p[0] = cell["screened_on"]
        if n >= 40 and not any(p[3] == "screening" for p in plans):
            cells = [(vi, c) for vi, plan in enumerate(self.rounds) for c in plan.values() if c and not c["zero"]]
            i = self._free_index(plans, locked, lambda p: p[1] == "dispute" and p[2] not in FAMILY_LEAVES)
            if cells and i is not None:
                vi, c = cells[self._rr(len(cells))]
                plans[i][0], plans[i][3], plans[i][4] = c["screened_on"], "screening", vi
        plans.sort(key=lambda p: p[0])
        # statuses by age, then every status of each workflow at least once
        bands = {"dispute": [(hi, _W(w)) for hi, w in DISPUTE_STATUS_BANDS],
                 "petition": [(hi, _W(w)) for hi, w in PETITION_STATUS_BANDS]}
        for p in plans:
            age = (today - p[0]).days
            for hi, table in bands[p[1]]:
                if hi is None or age <= hi:
                    p.append(table.pick(rng))
                    break
        if n >= 200:
            locked = set()
            for kind, statuses in (("dispute", vocab.DISPUTE_STATUSES), ("petition", vocab.PETITION_STATUSES)):
                present = {p[5] for p in plans if p[1] == kind}
                for status in statuses:
                    if status in present:
                        continue
                    need = STATUS_MIN_AGE[kind][status]
                    i = self._free_index(plans, locked, lambda p: p[1] == kind
                                         and (today - p[0]).days >= max(need * 2, 5)
                                         and (status != "registered" or (today - p[0]).days < 40))
                    if i is None:
                        i = self._free_index(plans, locked, lambda p: p[1] == kind and (today - p[0]).days >= need)
                    if i is not None:
                        plans[i][5] = status
                        locked.add(i)
        # never a status the case could not have reached yet
        for p in plans:
            age = (today - p[0]).days
            if age < STATUS_MIN_AGE[p[1]][p[5]]:
                if p[1] == "petition":
                    p[5] = "accepted" if age >= 2 else "registered"
                else:
                    p[5] = "investigating" if age >= 1 else "registered"
        self.plans = plans

    def _free_index(self, plans: list, locked: set[int], cond) -> int | None:
        candidates = [i for i, p in enumerate(plans) if i not in locked and cond(p)]
        if not candidates:
            return None
        return candidates[self._rr(len(candidates))]

    # ------------------------------------------------------------------ per-case generation

    def prepare_cases(self) -> None:
        g = self.g
        self.staff_names = {s["id"]: s["name"] for s in self.staff_rows}
        self.seq: dict[tuple[str, int], int] = {}
        self.used_seq: dict[tuple[str, int], int] = {}
        self.status_labels = {kind: {s: vocab.status_label(kind, s) for s in (
            vocab.DISPUTE_STATUSES if kind == "dispute" else vocab.PETITION_STATUSES)} for kind in vocab.CASE_KINDS}
        self.kind_labels = {k: vocab.label("case_kind", k) for k in vocab.CASE_KINDS}
        self.decision_labels = {it.code: it.label for it in vocab.items("petition_decision")}
        self.court = self.names["court"]
        self.police = self.names["police_station"]
        self.hospitals = self.names["hospital"]
        self.retention_pick = _W(g["retention"])
        self.risk_pick = {"high": _W({"low": 45, "medium": 38, "high": 17}),
                          "normal": _W({"low": 72, "medium": 23, "high": 5})}
        self.dv_pick = _W({"physical": 55, "psychological": 35, "economic": 7, "sexual": 3})
        self.ptype_pick = _W({"claim": 70, "suggestion": 12, "accusation": 18})
        self.channel_pick = _W({"visit": 40, "letter": 15, "online": 30, "phone": 15})
        self.decision_pick = _W({"support": 35, "explain": 45, "reject": 20})
        self.info: list[_CaseInfo] = []
        self.petition_history: list[tuple[date, _CaseInfo, list[_Person], str, int]] = []
        self.person_petitions: dict[str, list[tuple[_CaseInfo, str, int]]] = {}
        n_pet = sum(1 for p in self.plans if p[1] == "petition")
        self.frequent: list[_Person] = [
            self.new_person(self.village_pick.pick(self.rng), born=(1948, 1968))
            for _ in range(max(1, n_pet // 150))]
        self.pending_cases: list[dict] = []
        self.pending_links: list[dict] = []
        self.pending_events: list[dict] = []
        self.archived: list[tuple[date, int, str]] = []
        base_case = {c.name: None for c in Case.__table__.columns}
        base_case.update({
            "unit_id": self.unit["id"], "category": "other", "subcategory": "", "source": "", "location": "",
            "extension_days": 0, "extension_reason": "", "extension_approver": "", "closed_out_by": "",
            "description": "", "claims": "", "people_involved": 0, "risk_grade": "", "risk_colour": "",
            "is_group": False, "is_repeat": False, "is_level_skipping": False, "may_turn_criminal": False,
            "is_backlog": False, "is_major": False, "not_public": False, "responsible_unit": "", "outcome": "",
            "outcome_note": "", "agreement_facts": "", "agreement_terms": "", "performance_manner": "",
            "performance_place": "", "agreement_copies": 0, "jc_court": "", "jc_result": "", "dv_type": "",
            "dv_warning_station": "", "po_applicant": "", "po_urgent": False, "minors_count": 0, "minors_ages": [],
            "minors_arrangements": "", "referrals": [], "petition_type": "", "channel": "", "received_from": "",
            "representatives_count": 0, "assigned_to": "", "decision": "", "legal_basis": "", "reply_text": "",
            "review_body": "", "review_result": "", "rereview_body": "", "rereview_result": "", "rereview_hearing_days": 0,
            "legal_channel": "", "archive_number": "", "archive_keeper": "", "retention": "", "voided": False,
            "void_reason": "", "version": 1,
        })
        self.base_case = base_case
        self.base_event = {
            "time_text": "", "place": "", "staff_ids": [], "participants": "", "person_questioned": "",
            "content": "", "result": "", "extension_days": 0, "consent": None, "created_by": "", "voided": False,
            "void_reason": "",
        }

    def _next_number(self, kind: str, year: int) -> tuple[str, int]:
        key = (kind, year)
        if key not in self.seq:
            unit_id = self.unit["id"]
            self.seq[key] = max(self.sequences.get((unit_id, kind, year), 0),
                                self.case_floor.get((unit_id, kind, year), 0))
        self.seq[key] += 1
        value = self.seq[key]
        self.used_seq[key] = value
        return self.patterns[kind].format(year, self.short, value), value

    def _event(self, case_id: str, kind: str, on: date, minute: int, *, time_text: str = "", place: str = "",
               staff_ids: list | None = None, participants: str = "", person_questioned: str = "",
               content: str = "", result: str = "", extension_days: int = 0, consent: bool | None = None,
               created_by: str = "") -> None:
        stamp = _stamp(on, minute)
        self.pending_events.append({
            "id": self.ids(), "created_at": stamp, "updated_at": stamp, "case_id": case_id, "kind": kind,
            "occurred_on": on, "time_text": time_text, "place": place, "staff_ids": staff_ids or [],
            "participants": participants, "person_questioned": person_questioned, "content": content,
            "result": result, "extension_days": extension_days, "consent": consent, "created_by": created_by,
            "voided": False, "void_reason": "",
        })

    def generate_case(self, index: int, plan: list) -> None:
        rng, today, g = self.rng, self.today, self.g
        received, kind, leaf, source, vidx, status = plan
        cat, sub = self.leaf_of[leaf]
        L = self.leaves[leaf]
        v = self.villages[vidx]
        case_id = self.ids()
        number, seq = self._next_number(kind, received.year)
        age = (today - received).days
        row = dict(self.base_case)
        row.update(id=case_id, kind=kind, number=number, number_year=received.year, number_seq=seq,
                   category=cat, subcategory=sub, source=source, status=status, received_on=received)
        info = _CaseInfo()
        info.id, info.kind, info.vidx, info.received = case_id, kind, vidx, received
        info.status, info.leaf = status, leaf
        info.source, info.number = source, number
        info.repeat = info.skipping = False
        info.root = case_id
        info.decision = info.outcome = ""
        info.major_at = None
        group = v["groups"][self._rr(len(v["groups"]))] if v["groups"] else None
        area_id = group["id"] if group is not None and rng.random() < 0.75 else v["id"]
        gname = group["name"] if group is not None else ""
        row["area_id"] = area_id
        self._group_hint = (vidx, gname)

        # ---- variant, people and parties
        original: _CaseInfo | None = None
        variant_index = -1
        petitioners: list[_Person] = []
        if kind == "petition":
            repeat_of = None
            if self.petition_history and rng.random() < 0.08:
                hist = [h for h in self.petition_history[-300:] if (received - h[0]).days >= 20]
                if hist:
                    repeat_of = hist[self._rr(len(hist))]
            elif rng.random() < 0.06:
                person = self.frequent[self._rr(len(self.frequent))]
                prior = [h for h in self.person_petitions.get(person.id, []) if (received - h[0].received).days >= 20]
                if prior:
                    first = prior[0]
                    repeat_of = (first[0].received, first[0], [person], first[1], first[2])
                else:
                    petitioners = [person]
                    vidx = person.vidx
                    v = self.villages[vidx]
                    row["area_id"] = area_id = v["id"]
                    gname = ""
            if repeat_of is not None:
                _, original, petitioners, leaf, variant_index = repeat_of
                petitioners = list(petitioners)
                cat, sub = self.leaf_of[leaf]
                L = self.leaves[leaf]
                row.update(category=cat, subcategory=sub)
                info.leaf = leaf
                vidx = original.vidx
                v = self.villages[vidx]
                row["area_id"] = area_id = v["id"]
                gname = ""
        if vidx != info.vidx:
            # a repeat petition comes from the original petitioner's village; it was not found by
            # that village's screening round
            info.vidx = vidx
            if source in ("screening", "grid_report"):
                source = info.source = row["source"] = "party_application"
        pvariants = L.get("p") or []
        if kind == "petition" and variant_index < 0:
            if pvariants and rng.random() < 0.8:
                variant_index = 100 + self._rr(len(pvariants))
            else:
                variant_index = self._rr(len(L["v"]))
        elif kind == "dispute":
            variant_index = self._rr(len(L["v"]))
        if variant_index >= 100:
            variant = pvariants[variant_index - 100]
        else:
            variant = L["v"][variant_index]
        texts_all = variant["t"] + variant["d"] + variant["c"] + variant.get("a", "")
        is_group = "{people}" in texts_all
        people = 0
        if is_group:
            band = rng.random()
            people = (self._ri(5, 49) if band < 0.8 else self._ri(50, 99) if band < 0.92 else
                      self._ri(100, 499) if band < 0.99 else self._ri(500, 800))
        # parties
        links: list[tuple[str, _Person, bool, str | None]] = []  # (role, person, is_rep, agent_for)
        used: set[str] = set()
        A = B = C = None
        b_text = None
        if kind == "dispute":
            A, B, extra = self._dispute_parties(leaf, variant_index, variant, vidx, used, is_group, people)
            links.append(("applicant", A, False, None))
            for p in extra.get("applicants", []):
                links.append(("applicant", p, False, None))
            links.append(("respondent", B, False, None))
            for p in extra.get("third", []):
                links.append(("third_party", p, False, None))
                C = C or p
            if rng.random() < 0.07 and A.kind == "person":
                agent = self.lawyers[self._rr(len(self.lawyers))] if rng.random() < 0.5 else \
                    self.new_person(vidx, born=(1965, 1995), surname=A.surname if A.surname_len == 1 else None)
                if agent.id not in used:
                    links.append(("agent", agent, False, A.id))
                    used.add(agent.id)
        else:
            if not petitioners:
                if self.featured and rng.random() < 0.3 and not is_group:
                    petitioners = [self.featured.pop()]
                else:
                    petitioners = [self._any_person(vidx, used, reuse=0.05, born=(1945, 1990))]
                if is_group:
                    reps = self._ri(1, 5)
                    while len(petitioners) < reps:
                        p = self._any_person(vidx, {q.id for q in petitioners}, reuse=0.05, born=(1950, 1992))
                        if p.id not in {q.id for q in petitioners}:
                            petitioners.append(p)
                elif rng.random() < 0.08:
                    first = petitioners[0]
                    spouse = self.new_person(vidx, sex="female" if first.sex == "male" else "male",
                                             born=(max(1940, first.birth.year - 5), min(2000, first.birth.year + 5)))
                    petitioners.append(spouse)
            A = petitioners[0]
            for p in petitioners:
                used.add(p.id)
                links.append(("petitioner", p, is_group, None))
            if is_group:
                row["representatives_count"] = len(petitioners)
            if rng.random() < 0.04:
                agent = self.lawyers[self._rr(len(self.lawyers))]
                if agent.id not in used:
                    links.append(("agent", agent, False, A.id))
            b_text = _mask(*self._person_name("male" if rng.random() < 0.7 else "female", self._ri(1950, 1990)))
        if not is_group:
            people = sum(1 for role, p, _, _ in links if role != "agent" and p.kind == "person") or 1
            if kind == "dispute" and rng.random() < 0.15:
                people += self._ri(1, 3)  # family members involved beside the named parties
        row["people_involved"] = people
        row["is_group"] = people >= self.rules.group_min_people
        info.people = people
        info.applicant = A

        # ---- amounts and text slots
        amount = None
        amount_range = variant.get("amount", L.get("amount"))
        if "{months}" in texts_all:
            months = self._ri(2, 8)
            amount = _round_money(max(people, 1) * months * rng.uniform(3500, 6000))
        else:
            months = self._ri(2, 8)
            if amount_range:
                lo, hi = amount_range
                if lo <= 0:
                    amount = None if rng.random() < 0.35 else _round_money(1000 * (hi / 1000) ** rng.random())
                else:
                    amount = _round_money(lo * (hi / lo) ** rng.random())
                if is_group and amount is not None and leaf in ("requisition_compensation", "pollution"):
                    amount = _round_money(amount * max(1.0, people / 8))
        mon_amt = self._ch((300, 400, 500, 600, 800, 1000))
        if leaf == "support":
            amount = float(mon_amt * 12)
        agreement_amount = None
        if "{amt2}" in variant.get("a", ""):
            base = amount if amount else _round_money(rng.uniform(500, 5000))
            agreement_amount = _round_money(base * rng.uniform(0.45, 1.0)) if amount else base
        row["amount_involved"] = amount
        slots = _Slots(
            v=v["name"], g=gname, vg=v["name"] + gname, org=self.unit_name, A=A.masked,
            B=(B.masked if B is not None else b_text), C=(C.masked if C is not None else ""),
            a=A.name, b=(B.name if B is not None else b_text), amt=_money(amount), amt2=_money(agreement_amount),
            mon_amt=str(mon_amt), n=str(self._ri(2, 8)), n2=str(self._ri(10, 40)),
            mu=f"{self._ch((0.5, 0.8, 1.2, 1.5, 2, 2.6, 3, 4.5, 6, 12))}",
            m=f"{self._ch((0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.2))}米",
            sqm=str(self._ri(12, 90)), ym=_cn_month(received - timedelta(days=self._ri(3, 90))),
            pst=self.police, goods=self._ch(g["goods"]), crop=self._ch(g["crops"]), biz=self._ch(g["biz"]),
            season=self._ch(g["seasons"]), project=self._ch(g["projects"]), people=str(people),
            hosp=self._ch(self.hospitals), veh=self._ch(g["vehicles"]), months=str(months),
            court=self.court, dept=L.get("dept", g["petition_default"]["dept"]),
            matter=L["matter"],
        )
        slots["co"] = (B.name if B is not None and B.kind == "organisation" else
                       self._ch(self.orgs.get("finance" if leaf == "gov_mass_finance" else "realestate",
                                                self.orgs["construction"])).name)
        if A.birth:
            slots["age_a"] = str(received.year - A.birth.year)
        # marriage / family particulars
        kids: list[int] = []
        if leaf in ("divorce", "domestic_violence") or (leaf == "family_other" and rng.random() < 0.3):
            if rng.random() < 0.8:
                kids = sorted((self._ri(1, 17) for _ in range(self._ch((1, 1, 1, 2, 2, 3)))), reverse=True)
        if kids:
            sons = [rng.random() < 0.52 for _ in kids]
            slots["kids"] = "、".join(("一子" if son else "一女") + f"（{k}岁）" for son, k in zip(sons, kids))
            custodian, payer = (A.masked, slots["B"]) if rng.random() < 0.6 else (slots["B"], A.masked)
            support_amt = self._ch((800, 1000, 1200, 1500, 2000))
            kid = f"婚生{'子' if sons[0] else '女'}（{kids[0]}岁）" if len(kids) == 1 else "婚生子女"
            slots["kid_terms"] = g["minors_terms"].format(kid=kid, custodian=custodian, payer=payer,
                                                          support=support_amt, visits=self._ch((2, 4)))
            slots["kid_claim"] = f"子女由{custodian}抚养，{payer}每月支付抚养费{support_amt}元"
        else:
            slots["kids"] = "一女（已成年）" if rng.random() < 0.5 else "一子（已成年）"
            slots["kid_terms"] = "双方子女均已成年，不涉及抚养问题"
            slots["kid_claim"] = "子女均已成年"
        if A.birth and B is not None and B.kind == "person" and B.birth:
            slots["wed"] = str(min(received.year - 1, max(A.birth.year, B.birth.year) + self._ri(21, 27)))
        slots["sibs"] = self._ch(("二子一女", "三个儿子", "一子二女", "两个儿子", "二子二女"))

        title = variant["t"].format_map(slots)
        description = variant["d"].format_map(slots)
        claims = variant["c"].format_map(slots)
        if kind == "petition" and variant_index < 100:
            # a dispute scenario brought as a petition: "张某反映与李某宅基地使用权纠纷问题"
            pd = g["petition_default"]
            title = (variant.get("pt") or _petition_title(variant["t"])).format_map(slots)
            description = description + self._ch(pd["d_suffix"]).format_map(slots)
        if original is not None:
            description = f"{A.masked}曾于{_cn_date(original.received)}就同一事项反映（{original.number}），" \
                          f"对处理结果不满意，再次{'到镇信访办来访' if rng.random() < 0.6 else '来信'}反映。" + description
        row.update(title=title, description=description, claims=claims)
        info.title, info.description, info.matter = title, description, L["matter"]

        # ---- risk, flags, staff
        risk = self.risk_pick["high" if leaf in HIGH_RISK_LEAVES else "normal"].pick(rng)
        if people >= 50:
            risk = "high"
        elif people >= 5 and risk == "low":
            risk = "medium"
        criminal = kind == "dispute" and leaf in CRIMINAL_RISK_LEAVES and rng.random() < 0.035
        if criminal:
            risk = "high"
        if original is not None and risk == "low":
            risk = "medium"
        colour = ""
        if rng.random() < 0.45:
            colour = {"high": "red", "medium": "orange"}.get(risk) or ("yellow" if rng.random() < 0.7 else "blue")
        row.update(risk_grade=risk, risk_colour=colour, may_turn_criminal=criminal)
        info.risk = risk
        if risk == "high" and (people >= 50 or criminal or leaf == "gov_mass_finance"):
            row["is_major"] = True
            row["major_reported_at"] = _stamp(received, self._ri(10 * 60, 17 * 60))
            info.major_at = row["major_reported_at"]
        if kind == "dispute":
            if leaf in FAMILY_LEAVES and self.family_mediator is not None and rng.random() < 0.6:
                mediator = self.family_mediator
            else:
                mediator = self.mediators[self._rr(len(self.mediators))]
            row["responsible_unit"] = self.unit_name if rng.random() < 0.7 else f"{v['name']}人民调解委员会"
        else:
            mediator = self.petition_clerk if self.petition_clerk is not None and rng.random() < 0.6 else \
                self.mediators[self._rr(len(self.mediators))]
            row["responsible_unit"] = L.get("dept", g["petition_default"]["dept"])
        recorder = self.recorders[self._rr(len(self.recorders))]
        if recorder["id"] == mediator["id"] and len(self.recorders) > 1:
            recorder = next(r for r in self.recorders if r["id"] != mediator["id"])
        row["mediator_id"], row["recorder_id"] = mediator["id"], recorder["id"]
        info.mediator = mediator
        row["location"] = self._location(cat, v["name"] + gname, A)
        staff_ids = [mediator["id"], recorder["id"]]

        # ---- marriage / family fields
        if cat == "marriage_family":
            self._family_fields(row, leaf, received, kids, slots, v, variant_index)

        # ---- timeline
        first_event = len(self.pending_events)
        reg_minute = self._ri(8 * 60 + 30, 9 * 60 + 30)
        self._event(case_id, "register", received, reg_minute,
                    content=f"登记{self.kind_labels[kind]}：{title}", created_by=recorder["name"])
        if kind == "dispute":
            self._dispute_timeline(row, info, status, received, age, slots, variant, agreement_amount,
                                          staff_ids, mediator, recorder, links, leaf, risk, v)
        else:
            row["petition_type"] = self.ptype_pick.pick(rng)
            if status in ("review_requested", "reviewed", "rereview_requested", "rereviewed"):
                row["petition_type"] = "claim"
            channel = self.channel_pick.pick(rng)
            if is_group:
                channel = "visit"
            row["channel"] = channel
            skipping = rng.random() < 0.04
            if skipping:
                row["is_level_skipping"] = True
                row["received_from"] = self._ch(g["received_from"]["level_skipping"])
                row["source"] = source = "assigned_by_superior"
            elif source == "assigned_by_superior":
                row["received_from"] = self._ch(g["received_from"]["assigned_by_superior"])
            elif channel == "online":
                row["received_from"] = self._ch(g["received_from"]["online"])
            elif channel == "phone":
                row["received_from"] = g["received_from"]["phone"][0]
            info.skipping = skipping
            info.source = source
            if original is not None:
                row["is_repeat"] = True
                row["original_case_id"] = original.root  # a repeat links to the first petition of the matter
                info.repeat = True
                info.root = original.root
            self._petition_timeline(row, info, status, received, age, slots, L, staff_ids, mediator,
                                           recorder, A, v, variant)
        if row["is_repeat"] and rng.random() < 0.4:
            row["is_backlog"] = True
        if status in vocab.OPEN_STATUSES[kind] and age > 90 and kind == "dispute":
            row["is_backlog"] = True
        if kind == "petition" and status in ("accepted", "registered") and age > 120:
            row["is_backlog"] = True
        closed_on = row["closed_on"]
        if closed_on and (closed_on - received).days > 90:
            row["is_backlog"] = True
        info.backlog = row["is_backlog"]

        # ---- close-out (销号) and archive
        if closed_on is not None:
            since = (today - closed_on).days
            # most closed items are verified and closed out (销号) within a fortnight; a few linger,
            # so the rolling ledger shows carry-overs
            p_out = 1.0 if status == "archived" else (0.99 if since > 60 else 0.85 if since > 20 else 0.45)
            if rng.random() < p_out:
                limit = row["archived_on"] or today
                out = min(limit, closed_on + timedelta(days=self._ri(0, 15)))
                row["closed_out_on"] = max(out, closed_on)
                row["closed_out_by"] = self.reviewers[self._rr(len(self.reviewers))]["name"]
                # as services.ledger.close_out records it
                self._event(case_id, "note", row["closed_out_on"], self._ri(16 * 60 + 50, 16 * 60 + 59),
                            content="台账销号", result=f"核实人：{row['closed_out_by']}",
                            created_by=row["closed_out_by"])
        if row["archived_on"] is not None:
            row["archive_keeper"] = recorder["name"]
            row["retention"] = "永久" if (people >= 50 or row["is_major"]) else self.retention_pick.pick(rng)
            if kind == "dispute":
                self.archived.append((row["archived_on"], index, case_id))
        info.closed_on, info.closed_out_on = closed_on, row["closed_out_on"]
        info.outcome = row["outcome"]
        info.decision = row["decision"]
        info.resolved = bool(row["outcome"] in vocab.RESOLVED_OUTCOMES or row["decision"] == "support")

        # ---- deadline (exactly what the services compute) and stamps
        row["due_on"] = case_deadlines.current_due(_CaseView(row), self.rules, self.calendar)
        row["created_at"] = _stamp(received, reg_minute)
        row["updated_at"] = max(e["created_at"] for e in self.pending_events[first_event:])  # the latest record
        self.pending_cases.append(row)
        for sort, (role, person, is_rep, agent_for) in enumerate(links):
            self.pending_links.append({
                "id": self.ids(), "created_at": row["created_at"], "updated_at": row["created_at"],
                "case_id": case_id, "party_id": person.id, "role": role, "is_representative": is_rep,
                "agent_for_id": agent_for, "sort": sort,
            })
        self.info.append(info)
        if kind == "petition":
            entry = (received, info, petitioners, leaf, variant_index)
            self.petition_history.append(entry)
            for p in petitioners:
                self.person_petitions.setdefault(p.id, []).append((info, leaf, variant_index))

    def _location(self, cat: str, vg: str, A: _Person) -> str:
        rng = self.rng
        if cat in ("forest_land",):
            return vg + self._ch(("后山", "责任田", "水渠边", "山塘边"))
        if cat in ("housing_homestead", "neighbour", "marriage_family"):
            return vg + (f"{A.masked}家" if A.kind == "person" else "") + self._ch(("", "门前", "屋后"))
        if cat == "traffic":
            return vg + "村道"
        if cat in ("land_requisition", "pollution", "gov_environment"):
            return vg + self._ch(("项目工地", "征收地块", "厂区周边"))
        return vg

    def _dispute_parties(self, leaf: str, vi: int, variant: dict, vidx: int, used: set[str], is_group: bool,
                         people: int) -> tuple[_Person, _Person, dict]:
        rng = self.rng
        extra: dict[str, list[_Person]] = {}

        def take(p: _Person) -> _Person:
            used.add(p.id)
            return p

        if leaf == "divorce" or leaf == "domestic_violence":
            wife_first = leaf == "domestic_violence" or rng.random() < 0.65
            a = take(self.new_person(vidx, sex="female" if wife_first else "male", born=(1972, 1998)))
            b = take(self.new_person(vidx, sex="male" if wife_first else "female",
                                     born=(max(1940, a.birth.year - 4), min(2000, a.birth.year + 5))))
            return a, b, extra
        if leaf == "support":
            a = take(self.new_person(vidx, born=(1936, 1956)))
            child_surname = a.surname if a.sex == "male" else None
            lo, hi = a.birth.year + 21, min(1995, a.birth.year + 33)
            b = take(self.new_person(vidx, sex="male" if rng.random() < 0.7 else "female", born=(lo, hi),
                                     surname=child_surname))
            if rng.random() < 0.5:
                sibling_surname = b.surname if b.surname_len == 1 else None
                extra["third"] = [take(self.new_person(vidx, born=(lo, hi), surname=sibling_surname))
                                  for _ in range(self._ri(1, 2))]
            return a, b, extra
        if leaf == "inheritance" or (leaf == "family_other" and vi == 1):
            a = take(self.new_person(vidx, sex="male", born=(1955, 1982)))
            b = take(self.new_person(vidx, sex="male" if rng.random() < 0.7 else "female",
                                     born=(a.birth.year - 8, min(1992, a.birth.year + 8)),
                                     surname=a.surname if a.surname_len == 1 else None))
            return a, b, extra
        if leaf == "family_other":
            a = take(self.new_person(vidx, born=(1942, 1960)))
            b = take(self.new_person(vidx, sex="female", born=(1968, 1992)))
            return a, b, extra
        if leaf == "betrothal_gift":
            a = take(self.new_person(vidx, sex="male", born=(1958, 1978)))
            b = take(self.new_person(vidx if rng.random() < 0.6 else self.village_pick.pick(rng), sex="male",
                                     born=(1958, 1978)))
            return a, b, extra
        # everyone else: villagers, sometimes the same people again (the featured names first)
        if self.featured and not is_group:
            a = take(self.featured.pop())
        else:
            a = take(self._any_person(vidx, used, born=(1945, 1995)))
        if variant.get("r") == "org":
            pool = self.orgs.get(variant.get("pool", "construction")) or self.orgs["construction"]
            b = self.village_committees[vidx] if variant.get("pool") == "village" else pool[self._rr(len(pool))]
            take(b)
        else:
            b = take(self._any_person(vidx, used, born=(1945, 1995)))
            while b.id == a.id:
                b = take(self.new_person(vidx, born=(1945, 1995)))
        if is_group:
            extra["applicants"] = []
            for _ in range(min(people - 1, self._ri(2, 5))):
                p = self._any_person(vidx, used, reuse=0.1, born=(1945, 1995))
                if p.id not in used:
                    extra["applicants"].append(take(p))
        third = []
        land = ("homestead", "land_contracting", "land_boundary", "forest_rights", "water_rights")
        if leaf in land and rng.random() < 0.12:
            committee = self.village_committees[vidx]
            if committee.id not in used:
                third.append(take(committee))
        elif leaf == "traffic" and rng.random() < 0.5:
            insurer = self.orgs.get("insurance", [None])[0]
            if insurer is not None and insurer.id not in used:
                third.append(take(insurer))
        elif rng.random() < 0.05:
            third.append(take(self.new_person(vidx, born=(1950, 1995))))
        if third:
            extra["third"] = third
        return a, b, extra

    def _family_fields(self, row: dict, leaf: str, received: date, kids: list[int], slots: dict, v: dict,
                       variant_index: int) -> None:
        rng, today, g = self.rng, self.today, self.g
        row["not_public"] = leaf in ("divorce", "domestic_violence", "betrothal_gift") or rng.random() < 0.4
        row["minors_count"] = len(kids)
        row["minors_ages"] = list(kids)
        if kids and leaf == "divorce":
            row["minors_arrangements"] = slots["kid_terms"]
        dv = leaf == "domestic_violence" or (leaf == "divorce" and rng.random() < 0.25) or \
            (leaf == "family_other" and rng.random() < 0.08)
        referrals: list[str] = []
        if dv:
            row["dv_type"] = self.dv_pick.pick(rng)
            if rng.random() < 0.45:
                row["dv_warning_letter_on"] = max(add_months(received, -3), received - timedelta(days=self._ri(0, 12)))
                row["dv_warning_station"] = self.police
                referrals.append("police")
            if rng.random() < 0.28:
                applied = min(today, received + timedelta(days=self._ri(0, 7)))
                urgent = rng.random() < 0.3
                row["po_applied_on"] = applied
                row["po_applicant"] = self._ch(g["po_applicants"]).format_map(_Slots(v=v["name"]))
                row["po_urgent"] = urgent
                ruled = applied + timedelta(days=self._ri(0, 1) if urgent else self._ri(1, 3))
                if ruled <= today:
                    row["po_ruled_on"] = ruled
                    row["po_expires_on"] = protection_order_expiry(ruled, self._ch((3, 6, 6)), self.rules)
                referrals.append("court")
            if kids and rng.random() < 0.12:
                row["mandatory_report_on"] = received
                if "police" not in referrals:
                    referrals.append("police")
            for code, p in (("women_rights_station", 0.6), ("legal_aid", 0.35), ("psychological", 0.2),
                            ("shelter", 0.05)):
                if rng.random() < p:
                    referrals.append(code)
        elif leaf == "divorce" and rng.random() < 0.15:
            referrals.append("legal_aid")
        row["referrals"] = referrals
        if leaf == "divorce" and (variant_index == 2 or row["source"] == "marriage_registry"):
            row["divorce_registered_on"] = received - timedelta(days=self._ri(1, 20))

    # ------------------------------------------------------------------ dispute timeline

    def _dispute_timeline(self, row, info, status, received, age, slots, variant, agreement_amount, staff_ids,
                          mediator, recorder, links, leaf, risk, v) -> date:
        rng, today, g = self.rng, self.today, self.g
        labels = self.status_labels["dispute"]
        case_id = row["id"]
        med_name, rec_name = mediator["name"], recorder["name"]
        final = status
        if status == "archived":
            final = _W({"agreed": 40, "oral_agreed": 18, "failed": 10, "transferred": 7, "following_up": 25}).pick(rng)
        closed_kind = final if final != "following_up" else ("agreed" if rng.random() < 0.7 else "oral_agreed")
        hard = risk == "high" or info.people >= 5
        # ---- the work before closing: durations in days from receipt
        span = age if status != "archived" else max(0, age - self._ri(7, 45))
        if status == "following_up":
            span = max(0, age - self._ri(5, 25))
        if closed_kind == "oral_agreed":
            close_after = self._ch((0, 0, 1, 2, 3, 5, 8))
        elif closed_kind == "agreed":
            close_after = int(rng.triangular(2, 45 if hard else 30, 10 if not hard else 20))
        elif closed_kind == "failed":
            close_after = self._ri(8, 50 if hard else 32)
        elif closed_kind == "transferred":
            close_after = self._ri(1, 15)
        else:  # still open
            close_after = None
        if close_after is not None:
            close_after = min(close_after, span)
        accepted = received
        if row["source"].startswith("referral_") or row["source"] in ("assigned_by_superior",):
            accepted = min(today, received + timedelta(days=self._ch((0, 0, 1, 2))))
        if close_after is not None:
            accepted = min(accepted, received + timedelta(days=close_after))
        row["accepted_on"] = accepted
        horizon = received + timedelta(days=close_after) if close_after is not None else today
        path: list[tuple[str, date]] = []
        investigate = closed_kind not in ("oral_agreed",) and (status != "registered") and rng.random() < 0.75
        mediate = closed_kind in ("agreed", "oral_agreed", "failed") or status == "mediating"
        if status in ("registered",):
            investigate = mediate = False
        if status == "investigating":
            investigate, mediate = True, False
        d_inv = d_med = None
        if investigate:
            d_inv = min(horizon, accepted + timedelta(days=self._ri(0, 3)))
            # many mediators record the investigation without switching the case to 调查中 first
            if status == "investigating" or self._rand() < 0.5:
                path.append(("investigating", d_inv))
        if mediate:
            start = d_inv or accepted
            d_med = min(horizon, start + timedelta(days=self._ri(0 if closed_kind == "oral_agreed" else 1, 6)))
            path.append(("mediating", d_med))
        # extension with both parties' consent when the work runs past the 30 days
        ext = 0
        due_base = received + timedelta(days=self.rules.mediation_days)
        if close_after is not None and close_after > self.rules.mediation_days and rng.random() < 0.85:
            ext = 15 if close_after <= self.rules.mediation_days + 15 else 30
        elif close_after is None and age > 25 and rng.random() < 0.35:
            ext = self._ch((15, 30))
        if ext:
            on = min(today, due_base - timedelta(days=self._ri(0, 4)))
            if close_after is not None:
                on = min(on, horizon)
            on = max(on, accepted)
            row["extension_days"] = ext
            row["extension_reason"] = self._ch(g["extension_reasons"])
            self._event(case_id, "extension", on, self._ri(9 * 60 + 31, 9 * 60 + 34), extension_days=ext, consent=True,
                        content=row["extension_reason"], participants=f"{slots['a']}、{slots['b']}",
                        created_by=med_name, staff_ids=[mediator["id"]])
        # ---- events of the work
        participants_staff = f"{med_name}、{rec_name}"
        if d_inv is not None:
            story_first = variant["d"].format_map(_Slots(slots, A="我", a="我"))
            story_cadre = variant["d"].format_map(_Slots(slots, A=slots["a"], B=slots["b"]))
            questioned = [slots["a"], slots["b"]]
            if rng.random() < 0.25:
                questioned.append(f"{v['name']}村委会主任{v['cadre']}")
            for qi, person in enumerate(questioned[: 1 + (self._rand() < 0.4) + (len(questioned) > 2)]):
                on = min(horizon, d_inv + timedelta(days=qi * self._ri(0, 2)))
                template = g["inv_qa"][0 if qi == 0 else (1 if qi == 1 else 2)]
                content = template.format_map(_Slots(slots, story=story_first if qi == 0 else story_cadre,
                                                     claim=row["claims"].replace(slots["A"], "我"),
                                                     reply=self._ch(g["replies"]),
                                                     attitude=self._ch(g["attitudes"])))
                self._event(case_id, "investigation", on, self._ri(10 * 60, 11 * 60 + 30) + qi * 40,
                            time_text=self._ch(TIME_SLOTS[:4]),
                            place=self._ch(g["inv_places"]).format_map(slots), staff_ids=staff_ids,
                            participants=participants_staff, person_questioned=person, content=content,
                            created_by=rec_name)
        law = g["laws"].get(row["category"], g["laws"]["other"])
        sessions: list[date] = []
        if d_med is not None:
            end = horizon
            n_sessions = 1 if closed_kind == "oral_agreed" else self._ch((1, 1, 2, 2, 3))
            for si in range(n_sessions):
                if si == 0:
                    on = d_med
                else:
                    gap = max(0, (end - sessions[-1]).days)
                    on = sessions[-1] + timedelta(days=self._ri(0, gap)) if gap else sessions[-1]
                sessions.append(min(on, end))
            sessions.sort()
            if closed_kind in ("agreed", "oral_agreed", "failed") and sessions:
                sessions[-1] = end
            cadre = v["cadre"]
            leader = self._ch(v["group_leaders"]) if v["group_leaders"] else cadre
            for si, on in enumerate(sessions):
                is_last = si == len(sessions) - 1
                if is_last and closed_kind in ("agreed", "oral_agreed") and status != "mediating":
                    result = self._ch(g["session_results"]["oral" if closed_kind == "oral_agreed" else "agreed"])
                elif is_last and closed_kind == "failed":
                    result = self._ch(g["session_results"]["failed"])
                else:
                    result = self._ch(g["session_results"]["progress"]).format_map(_Slots(n=str(self._ri(3, 7))))
                content = self._ch(g["session_content"]).format_map(_Slots(slots, med=med_name, law=law))
                self._event(case_id, "mediation_session", on, self._ri(14 * 60, 15 * 60),
                            time_text=self._ch(TIME_SLOTS[4:]),
                            place=self._ch(g["session_places"]).format_map(slots), staff_ids=staff_ids,
                            participants=g["participants"].format_map(_Slots(slots, cadre=cadre, leader=leader)),
                            content=content, result=result, created_by=rec_name)
        # ---- status changes up to the current status
        prev = "registered"
        last = received
        changes = 0

        def change(to: str, on: date, note: str = "") -> None:
            nonlocal prev, last, changes
            # starting a stage is recorded before its work; reaching a result after it
            minute = self._ri(9 * 60 + 35, 9 * 60 + 55) if to in ("investigating", "mediating") else \
                self._ri(16 * 60, 17 * 60)
            self._event(case_id, "status_change", on, minute,
                        content=f"{labels[prev]} → {labels[to]}", result=note, created_by=rec_name)
            prev, last = to, max(last, on)
            changes += 1

        for to, on in path:
            change(to, on)
        if sessions:
            last = max(last, sessions[-1])
        if d_inv:
            last = max(last, d_inv)
        if close_after is not None:
            close_on = horizon
            row["closed_on"] = close_on
            parties_count = sum(1 for role, p, _, _ in links if role in ("applicant", "respondent", "third_party"))
            if closed_kind in ("agreed", "oral_agreed"):
                oral = closed_kind == "oral_agreed"
                if prev == "registered" or prev == "investigating":
                    change("mediating", close_on)
                row["resolved_on"] = close_on
                row["outcome"] = "oral_agreement" if oral else "written_agreement"
                row["agreement_effective_on"] = close_on
                row["agreement_copies"] = 0 if oral else parties_count + 1
                row["agreement_amount"] = agreement_amount
                if oral:
                    pdl = close_on
                    row["performance_deadline"] = close_on if rng.random() < 0.6 else None
                    row["performance_manner"] = "当场履行"
                else:
                    pdl = close_on + timedelta(days=self._ch((0, 7, 10, 15, 30, 30, 60, 90)))
                    row["performance_deadline"] = pdl
                    row["performance_manner"] = self._ch(g["performance_manner"])
                    row["performance_place"] = self._ch((self.unit_name + "调解室", slots["vg"], "银行转账"))
                slots["pdl"] = _cn_date(pdl)
                slots["pstart"] = _cn_date(month_end(close_on.year, close_on.month) + timedelta(days=1))
                row["agreement_terms"] = variant.get("a", "双方自愿和解，今后和睦相处。").format_map(slots)
                row["agreement_facts"] = (row["description"] + "经调查核实，双方对上述基本事实无异议。" +
                                          self._ch(("{B}对纠纷的发生负主要责任，{A}亦有一定过错。",
                                                      "双方对纠纷的发生均负有一定责任。",
                                                      "{B}对纠纷的发生负有责任。")).format_map(slots))
                self._event(case_id, "agreement", close_on, self._ri(15 * 60, 15 * 60 + 50), staff_ids=staff_ids,
                            content=("达成口头协议，已登记于口头调解协议登记表。" if oral else
                                     f"签订人民调解协议书，协议一式{row['agreement_copies']}份，当事人各执一份，调委会留存一份。"),
                            result="当场履行" if oral else "各方当事人签名（按指印），调解员签名并加盖调委会印章，协议生效。",
                            participants=f"{slots['a']}、{slots['b']}",
                            created_by=rec_name)
                change(closed_kind, close_on, "口头协议" if oral else "书面调解协议")
                # judicial confirmation of property / debt terms
                if (not oral and agreement_amount and leaf not in ("divorce", "domestic_violence", "family_other")
                        and rng.random() < 0.1):
                    applied = close_on + timedelta(days=self._ri(1, 25))
                    if applied <= today:
                        row["jc_applied_on"] = applied
                        row["jc_court"] = self.court
                        self._event(case_id, "judicial_confirmation", applied, self._ri(9 * 60, 16 * 60),
                                    content=f"双方当事人共同向{self.court}申请司法确认。", created_by=med_name,
                                    staff_ids=[mediator["id"]])
                        decided = applied + timedelta(days=self._ri(3, 15))
                        if decided <= today:
                            row["jc_decided_on"] = decided
                            row["jc_result"] = "confirmed" if rng.random() < 0.95 else "rejected"
                            self._event(case_id, "judicial_confirmation", decided, self._ri(9 * 60, 16 * 60),
                                        content=f"{self.court}作出民事裁定，" + (
                                            "确认调解协议有效。" if row["jc_result"] == "confirmed" else
                                            "驳回司法确认申请，告知当事人可另行起诉。"),
                                        created_by=med_name, staff_ids=[mediator["id"]])
                # follow-up visits
                due_follow = followup_due(close_on, row["performance_deadline"], self.rules)
                follow_on = None
                if final == "following_up":
                    start_f = close_on + timedelta(days=self._ri(3, 20))
                    start_f = min(start_f, today)
                    change("following_up", max(close_on, start_f))
                    follow_on = max(close_on, start_f)
                elif due_follow <= today and rng.random() < (
                        0.98 if status == "archived" else 0.95 if (today - due_follow).days > 20 else 0.7):
                    follow_on = min(today, due_follow - timedelta(days=self._ri(0, 10)))
                    follow_on = max(follow_on, close_on)
                if follow_on is not None and (final != "following_up" or rng.random() < 0.95):
                    performed = rng.random() < 0.92
                    row["performed"] = performed
                    tpl = self._ch(g["follow_up"] if performed else g["follow_up_unperformed"])
                    self._event(case_id, "follow_up", follow_on, self._ri(16 * 60 + 10, 16 * 60 + 50),
                                place=self._ch(("电话回访", slots["vg"], self.unit_name + "调解室")),
                                staff_ids=[mediator["id"]], content=tpl.format_map(slots),
                                result="已履行" if performed else "未按期履行，继续督促", created_by=med_name)
                    last = max(last, follow_on)
            elif closed_kind == "failed":
                if prev == "registered" and rng.random() < 0.7:
                    change("mediating", min(close_on, received + timedelta(days=self._ri(1, 5))))
                terminated = rng.random() < 0.3
                row["outcome"] = "terminated" if terminated else "failed"
                routes = g["failure_routes"].get(row["category"], g["failure_routes"]["default"])
                note = (self._ch(g["failure_notes"][1:]) if terminated else g["failure_notes"][0]) + self._ch(routes)
                row["outcome_note"] = note.format_map(slots)
                change("failed", close_on, row["outcome_note"])
            else:  # transferred
                notes = g["transfer_notes"].get(row["category"], g["transfer_notes"]["default"])
                row["outcome"] = "transferred"
                row["outcome_note"] = self._ch(notes).format_map(slots)
                self._event(case_id, "transfer", close_on, self._ri(14 * 60, 15 * 60 + 50),
                            content=row["outcome_note"], staff_ids=[mediator["id"]], created_by=med_name)
                change("transferred", close_on, row["outcome_note"])
            last = max(last, close_on)
            if status == "archived":
                arch = last + timedelta(days=self._ri(5, 40))
                arch = min(arch, today)
                row["archived_on"] = arch
                change("archived", arch)
                self._event(case_id, "archive", arch, self._ri(17 * 60 + 1, 17 * 60 + 30), staff_ids=[recorder["id"]],
                            content=f"立卷归档，保管期限：{'永久' if row['is_major'] else '长期'}。", created_by=rec_name)
        row["version"] = 1 + changes + (1 if row["extension_days"] else 0)
        info.status = status
        return last

    # ------------------------------------------------------------------ petition timeline

    def _petition_timeline(self, row, info, status, received, age, slots, L, staff_ids, mediator, recorder, A, v,
                           variant) -> date:
        rng, today, g = self.rng, self.today, self.g
        labels = self.status_labels["petition"]
        case_id = row["id"]
        med_name, rec_name = mediator["name"], recorder["name"]
        final = status
        if status == "archived":
            final = "closed"
        before_close = None
        if final == "closed":
            before_close = _W({"replied": 55, "not_accepted": 10, "assigned_out": 15, "legal_channel": 8,
                               "reviewed": 8, "rereviewed": 4}).pick(rng)
            if before_close in ("reviewed", "rereviewed"):
                row["petition_type"] = "claim"
        claim = row["petition_type"] == "claim"
        # stages in order with their gap in days from the previous stage
        chain: list[tuple[str, int]] = []
        notice_gap = self._ri(1, 12) if rng.random() < 0.95 else self._ri(16, 20)
        target = before_close or final
        if target in ("accepted", "replied", "review_requested", "reviewed", "rereview_requested", "rereviewed"):
            chain.append(("accepted", notice_gap))
        elif target in ("not_accepted", "assigned_out"):
            chain.append((target, notice_gap))
        elif target == "legal_channel":
            if rng.random() < 0.3:
                chain.append(("accepted", notice_gap))
                chain.append(("legal_channel", self._ri(5, 30)))
            else:
                chain.append(("legal_channel", notice_gap))
        ext = 0
        if target != "legal_channel" and any(s == "accepted" for s, _ in chain) and claim and rng.random() < 0.1:
            ext = self._ch((15, 20, 30))
        if target in ("replied", "review_requested", "reviewed", "rereview_requested", "rereviewed"):
            limit = self.rules.petition_handling_days + ext
            chain.append(("replied", self._ri(60, limit) if ext else int(rng.triangular(10, 58, 35))))
        if target in ("review_requested", "reviewed", "rereview_requested", "rereviewed"):
            chain.append(("review_requested", self._ri(5, 29)))
        if target in ("reviewed", "rereview_requested", "rereviewed"):
            chain.append(("reviewed", self._ri(10, 30)))
        if target in ("rereview_requested", "rereviewed"):
            chain.append(("rereview_requested", self._ri(5, 29)))
        if target == "rereviewed":
            chain.append(("rereviewed", self._ri(10, 30)))
        if final == "closed":
            if before_close in ("replied", "reviewed"):
                chain.append(("closed", self._ri(31, 45)))
            else:
                chain.append(("closed", self._ri(1, 20)))
        if status == "archived":
            chain.append(("archived", self._ri(10, 60)))
        # compress the gaps when the petition is too young for them
        total = sum(d for _, d in chain)
        if total > age and total > 0:
            factor = age / total
            chain = [(s, int(d * factor)) for s, d in chain]
        dates: dict[str, date] = {}
        cur = received
        for s, gap in chain:
            cur = cur + timedelta(days=gap)
            dates[s] = min(cur, today)
        # ---- fields
        acc = dates.get("accepted")
        if acc:
            row["accepted_on"] = acc
            row["notice_on"] = acc
        for s in ("not_accepted", "assigned_out", "legal_channel"):
            if s in dates and not row["notice_on"]:
                row["notice_on"] = dates[s]
        decision = ""
        if "replied" in dates:
            decision = self.decision_pick.pick(rng)
            row["replied_on"] = row["resolved_on"] = dates["replied"]
            row["decision"] = decision
            row["legal_basis"] = L.get("legal", g["petition_default"]["legal"])
            row["reply_text"] = (g["petition_facts"][decision] + g["petition_decisions"][decision] +
                                 g["petition_reply_tail"]).format_map(slots)
        if "review_requested" in dates:
            row["review_requested_on"] = dates["review_requested"]
            row["review_body"] = g["review_body"]
        if "reviewed" in dates:
            row["reviewed_on"] = dates["reviewed"]
            row["review_result"] = self._ch(g["review_results"])
        if "rereview_requested" in dates:
            row["rereview_requested_on"] = dates["rereview_requested"]
            row["rereview_body"] = g["rereview_body"]
        if "rereviewed" in dates:
            row["rereviewed_on"] = dates["rereviewed"]
            row["rereview_result"] = self._ch(g["rereview_results"])
        if "assigned_out" in dates:
            row["assigned_to"] = L.get("assign", g["petition_default"]["assign"])
            row["outcome_note"] = f"属{row['assigned_to']}职责范围，已转送并告知信访人。"
        if "not_accepted" in dates:
            row["outcome_note"] = self._ch(g["not_accepted_notes"])
        if "legal_channel" in dates:
            code = "arbitration" if row["category"] == "labour" else (
                "admin_review" if row["category"] in ("land_requisition",) else "court")
            row["legal_channel"] = code
            row["outcome_note"] = g["legal_channels"][code]
        if "closed" in dates:
            row["closed_on"] = dates["closed"]
        if "archived" in dates:
            row["archived_on"] = dates["archived"]
        if ext and acc:
            on = acc + timedelta(days=self._ri(40, 58))
            reply = dates.get("replied")
            on = min(on, today, reply or today)
            on = max(on, acc)
            row["extension_days"] = ext
            row["extension_reason"] = self._ch(g["petition_extension_reasons"])
            approver = self.head["name"]
            row["extension_approver"] = approver
            self._event(case_id, "extension", on, self._ri(9 * 60, 17 * 60), extension_days=ext,
                        content=row["extension_reason"], participants=approver, created_by=med_name,
                        staff_ids=[mediator["id"]])
        # ---- events
        prev = "registered"
        last = received
        changes = 0

        def change(to: str, on: date, note: str = "") -> None:
            nonlocal prev, last, changes
            self._event(case_id, "status_change", on, self._ri(16 * 60, 17 * 60),
                        content=f"{labels[prev]} → {labels[to]}", result=note, created_by=rec_name)
            prev, last = to, max(last, on)
            changes += 1

        notes = {"accepted": "出具受理告知书", "not_accepted": "出具不予受理告知书",
                 "assigned_out": f"转送{row['assigned_to']}，出具转送告知书",
                 "replied": f"出具处理意见书（{self.decision_labels.get(decision, '')}）",
                 "review_requested": f"信访人向{g['review_body']}申请复查", "reviewed": row["review_result"],
                 "rereview_requested": f"信访人向{g['rereview_body']}申请复核", "rereviewed": row["rereview_result"],
                 "legal_channel": row["outcome_note"] if "legal_channel" in dates else "",
                 "closed": "办结", "archived": "立卷归档"}
        for s, _ in chain:
            on = dates[s]
            if s == "assigned_out":
                self._event(case_id, "transfer", on, self._ri(9 * 60, 17 * 60), content=row["outcome_note"],
                            created_by=med_name, staff_ids=[mediator["id"]])
            if s == "replied" and acc:
                visit = min(on, acc + timedelta(days=self._ri(2, 15)))
                story = variant["d"].format_map(_Slots(slots, A="我", a="我"))
                content = g["inv_petition"].format_map(_Slots(
                    slots, story=story, claim=row["claims"].replace(slots["A"], "我"),
                    before=self._ch(g["petition_before"])))
                self._event(case_id, "investigation", visit, self._ri(10 * 60, 11 * 60 + 30),
                            time_text=self._ch(TIME_SLOTS), place=f"{v['name']}村委会", staff_ids=staff_ids,
                            participants=f"{med_name}、{rec_name}", person_questioned=A.name, content=content,
                            created_by=rec_name)
            change(s, on, notes.get(s, ""))
            if s == "archived":
                self._event(case_id, "archive", on, self._ri(9 * 60, 17 * 60), content="立卷归档。",
                            created_by=rec_name, staff_ids=[recorder["id"]])
        row["version"] = 1 + changes + (1 if ext else 0)
        return last

    # ------------------------------------------------------------------ screening rows

    def build_screening(self) -> tuple[list[dict], list[dict]]:
        rng, g = self.rng, self.g
        grade_labels = {it.code: it.label for it in vocab.items("risk_grade")}
        rounds_rows: list[dict] = []
        entries: list[dict] = []
        by_village: list[list[_CaseInfo]] = [[] for _ in self.villages]
        for info in self.info:
            by_village[info.vidx].append(info)
        cat_labels = {it.code: it.label for it in vocab.items("category")}
        for vi, v in enumerate(self.villages):
            plan = self.rounds[vi]
            cells = sorted(((c["screened_on"], ym, c) for ym, c in plan.items() if c), key=lambda t: t[0])
            screen_days = [c[0] for c in cells]
            round_ids = [self.ids() for _ in cells]
            new_by_round: dict[int, list[_CaseInfo]] = {}
            for info in by_village[vi]:
                if info.source == "screening":
                    k = bisect_left(screen_days, info.received)
                    if k < len(cells) and screen_days[k] == info.received:
                        new_by_round.setdefault(k, []).append(info)
                elif info.source == "grid_report" and info.kind == "dispute":
                    k = bisect_left(screen_days, info.received)
                    if k < len(cells) and not cells[k][2]["zero"] and (screen_days[k] - info.received).days <= 45:
                        new_by_round.setdefault(k, []).append(info)
            disputes = [i for i in by_village[vi] if i.kind == "dispute"]
            active: list[_CaseInfo] = []
            pos = 0
            workers = self.grid_workers.get(v["id"]) or []
            for k, (screened, (y, m), cell) in enumerate(cells):
                period_start = date(y, m, 1)
                while pos < len(disputes) and disputes[pos].received < period_start:
                    active.append(disputes[pos])
                    pos += 1
                active = [i for i in active if i.closed_out_on is None or i.closed_out_on > screened]
                screeners = [w["id"] for w in workers[:1]]
                if rng.random() < 0.3:
                    screeners.append(self.mediators[self._rr(len(self.mediators))]["id"])
                new = [] if cell["zero"] else new_by_round.get(k, [])
                new_ids = {i.id for i in new}
                rechecks = [] if cell["zero"] else [i for i in active if i.id not in new_ids]
                if cell["zero"]:
                    findings = self._ch(g["zero_findings"])
                else:
                    cats: dict[str, int] = {}
                    for i in new:
                        label = cat_labels.get(self.leaf_of[i.leaf][0], "其他")
                        cats[label] = cats.get(label, 0) + 1
                    cat_text = "、".join(f"{c}{n}件" for c, n in sorted(cats.items(), key=lambda t: -t[1])[:4]) or "无新增"
                    findings = (g["screening_findings"].format(new=len(new), cats=cat_text, old=len(rechecks)) if new
                                else g["screening_findings_none_new"].format(old=len(rechecks)))
                stamp = _stamp(cell["submitted_on"], self._ri(9 * 60, 17 * 60))
                rounds_rows.append({
                    "id": round_ids[k], "created_at": stamp, "updated_at": stamp, "area_id": v["id"],
                    "period_kind": "month", "period_start": period_start, "period_end": month_end(y, m),
                    "screened_on": screened, "screeners": screeners,
                    "scope": self._ch(g["screening_scopes"]).format_map(_Slots(v=v["name"])),
                    "method": self._ch(g["screening_methods"]), "findings": findings,
                    "is_zero_report": cell["zero"], "signed_by": v["cadre"] or self.head["name"],
                    "submitted_on": cell["submitted_on"], "voided": False,
                })
                names = "、".join(self.staff_names.get(sid, "") for sid in screeners)
                minute = self._ri(10 * 60 + 30, 11 * 60 + 30)  # after the morning's registrations
                for i in new:
                    progress = ("新发现，已登记受理，明确调解责任人。" if i.risk != "high" else
                                "新发现，已登记并报告分管领导，落实稳控措施。")
                    self._event(i.id, "screening_check", screened, minute, content=progress, result="排查发现",
                                participants=names, staff_ids=screeners, created_by=names.split("、")[0])
                    entries.append({
                        "id": self.ids(), "created_at": stamp, "updated_at": stamp, "round_id": round_ids[k],
                        "case_id": i.id, "is_new": True, "progress": progress,
                        "risk_grade": i.risk, "escalation": "raise" if i.risk == "high" and rng.random() < 0.1 else "",
                        "major_reported_at": i.major_at,
                    })
                for i in rechecks:
                    done = i.closed_on is not None and i.closed_on <= screened
                    progress = self._ch(g["screening_progress_closed" if done else "screening_progress_open"])
                    escalation = "raise" if (not done and i.risk == "high" and self._rand() < 0.03) else ""
                    self._event(i.id, "screening_check", screened, minute, content=progress,
                                result=f"风险等级：{grade_labels.get(i.risk, '未评定')}" + ("；提级" if escalation else ""),
                                participants=names, staff_ids=screeners, created_by=names.split("、")[0])
                    entries.append({
                        "id": self.ids(), "created_at": stamp, "updated_at": stamp, "round_id": round_ids[k],
                        "case_id": i.id, "is_new": False, "progress": progress, "risk_grade": i.risk,
                        "escalation": escalation, "major_reported_at": i.major_at,
                    })
        return rounds_rows, entries

    # ------------------------------------------------------------------ leader contracts

    def build_contracts(self) -> tuple[list[dict], list[dict]]:
        rng, today, g, rules = self.rng, self.today, self.g, self.rules
        candidates = [i for i in self.info if i.risk == "high" or i.backlog or i.repeat]
        chosen = [i for i in candidates if rng.random() < 0.4]
        if not chosen and candidates:
            chosen = candidates[:1]
        leader_pick = _W([(li, 3 if ("政法" in (s["post"] or "") or "副镇长" in (s["post"] or "")) else 1.5)
                          for li, s in enumerate(self.leaders)])
        contracts: list[dict] = []
        progress_rows: list[dict] = []
        for info in chosen:
            leader = self.leaders[leader_pick.pick(rng)]
            case_end = info.closed_on
            latest = min(today, case_end) if case_end else today
            assigned = min(latest, info.received + timedelta(days=self._ri(1, 20)))
            assigned = max(assigned, info.received)
            base_deadline = contract_deadline(assigned, 0, rules, self.calendar)
            closed_on = None
            if case_end is not None:
                closed_on = min(today, max(assigned, case_end + timedelta(days=self._ri(0, 10))))
                if info.kind == "dispute":
                    if info.outcome in vocab.RESOLVED_OUTCOMES:
                        status = "resolved"
                    elif info.outcome == "transferred":
                        status = "legal_channel"
                    else:
                        status = "legal_channel" if rng.random() < 0.5 else "stabilized"
                else:
                    if info.status in ("closed", "archived") and info.decision == "support":
                        status = "resolved"
                    elif info.decision == "explain":
                        status = "petitioner_withdrew" if rng.random() < 0.6 else "resolved"
                    elif info.decision == "reject":
                        status = _W({"stabilized": 40, "petitioner_withdrew": 30, "ended": 30}).pick(rng)
                    else:
                        status = "legal_channel" if rng.random() < 0.6 else "stabilized"
            elif rng.random() < 0.12 and (today - assigned).days > 60:
                status = "stabilized"
                closed_on = min(today, assigned + timedelta(days=self._ri(45, 100)))
            else:
                status = "in_progress"
            # extension (once, one month) when the work ran past the deadline
            ext = 0
            end_for_ext = closed_on or today
            if end_for_ext > base_deadline and rng.random() < 0.75:
                ext = min(1, rules.contract_extension_max_months)
            deadline = contract_deadline(assigned, ext, rules, self.calendar)
            unit_name = self._ch(g["contract_units"])
            if info.kind == "petition":
                unit_name = "青石镇信访办公室" if rng.random() < 0.7 else unit_name
            cadre = self.villages[info.vidx]["cadre"]
            mediator = info.mediator["name"]
            team = f"{leader['name']}（组长）、{mediator}、{self.villages[info.vidx]['name']}党支部书记{cadre}"
            summary = info.description if len(info.description) <= 120 else info.description[:118] + "……"
            plan = g["contract_plan"].format(summary=summary, goal=self._ch(g["contract_goals"]),
                                             deadline=_cn_date(deadline))
            cid = self.ids()
            stamp = _stamp(assigned, self._ri(9 * 60, 17 * 60))
            satisfaction = ""
            checklist: dict[str, bool] = {}
            if closed_on is not None:
                satisfaction = {
                    "resolved": _W({"satisfied": 70, "basically_satisfied": 30}),
                    "petitioner_withdrew": _W({"satisfied": 30, "basically_satisfied": 70}),
                    "stabilized": _W({"dissatisfied": 40, "still_claims": 60}),
                    "ended": _W({"still_claims": 60, "dissatisfied": 40}),
                    "legal_channel": _W({"basically_satisfied": 40, "dissatisfied": 30, "still_claims": 30}),
                }[status].pick(rng)
                solved = status in ("resolved", "petitioner_withdrew")
                checklist = {"facts_investigated": True, "handling_proper": True, "problem_solved": solved,
                             "public_satisfied": satisfaction in ("satisfied", "basically_satisfied"),
                             "approved": True}
            contracts.append({
                "id": cid, "created_at": stamp, "updated_at": stamp, "case_id": info.id, "number": "",
                "leader_id": leader["id"], "leader_name": leader["name"], "leader_post": leader["post"],
                "leader_phone": leader["phone"], "responsible_unit": unit_name,
                "responsible_persons": f"{mediator}、{cadre}", "task_team": team, "plan": plan,
                "assigned_on": assigned, "deadline_on": deadline, "extension_months": ext,
                "extension_count": 1 if ext else 0,
                "extension_reason": self._ch(g["contract_extension_reasons"]) if ext else "",
                "extension_approver": self.head["name"] if ext else "", "status": status,
                "flag_lost_contact": status == "in_progress" and rng.random() < 0.04,
                "flag_level_skipping": info.skipping or (status == "in_progress" and rng.random() < 0.04),
                "satisfaction": satisfaction, "checklist": checklist,
                "withdrawal_agreement": status == "petitioner_withdrew" and rng.random() < 0.6,
                "closed_on": closed_on, "closed_by": leader["name"] if closed_on else "",
                "close_approver": (self.reviewers[self._rr(len(self.reviewers))]["name"] if closed_on else ""),
                "reopened_count": 1 if (closed_on and rng.random() < 0.02) else 0, "voided": False,
            })
            # monthly progress (本月工作情况), one entry per month while the contract runs
            end = closed_on or today
            y, m = assigned.year, assigned.month
            while date(y, m, 1) <= end:
                entry_on = min(end, max(assigned, date(y, m, min(25, month_end(y, m).day))))
                slots = _Slots(leader=leader["name"], a=info.applicant.name, matter=info.matter,
                               dept=self.leaves[info.leaf].get("dept", "相关部门"))
                estamp = _stamp(entry_on, self._ri(9 * 60, 17 * 60))
                progress_rows.append({
                    "id": self.ids(), "created_at": estamp, "updated_at": estamp, "contract_id": cid,
                    "month": f"{y}-{m:02d}", "entry_on": entry_on,
                    "work_done": self._ch(g["contract_work"]).format_map(slots),
                    "contacts": f"{self._ch(g['contract_contacts'])}{info.applicant.name}",
                    "attitude": self._ch(g["contract_attitudes"]), "next_step": self._ch(g["contract_next"]),
                    "author": leader["name"] if rng.random() < 0.6 else mediator, "signed": rng.random() < 0.92,
                })
                m += 1
                if m == 13:
                    y, m = y + 1, 1
        # numbers in the order the contracts were assigned
        contracts.sort(key=lambda c: (c["assigned_on"], c["id"]))
        for c in contracts:
            year = c["assigned_on"].year
            c["number"], _ = self._allocate("contract", year)
        return contracts, progress_rows

    def _allocate(self, scope: str, year: int) -> tuple[str, int]:
        key = (scope, year)
        if key not in self.seq:
            self.seq[key] = self.sequences.get((self.unit["id"], scope, year), 0)
        self.seq[key] += 1
        self.used_seq[key] = self.seq[key]
        return self.patterns[scope].format(year, self.short, self.seq[key]), self.seq[key]

    # ------------------------------------------------------------------ risk assessments

    def build_risk(self) -> list[dict]:
        rng, today, g = self.rng, self.today, self.g
        count = max(3, self.n_cases // 200)
        high_cases = [i for i in self.info if i.risk == "high"]
        matters = g["risk_matters"]
        methods_all = [it.code for it in vocab.items("assessment_method")]
        dims = [it.code for it in vocab.items("dimension") if not it.extra.get("optional")]
        rows: list[dict] = []
        earliest = self.window_start + timedelta(days=20)
        span = max(1, (today - earliest).days)
        for k in range(count):
            case: _CaseInfo | None = None
            if high_cases and k % 2 == 1:
                case = high_cases[self._rr(len(high_cases))]
            v = self.villages[case.vidx if case else self.village_pick.pick(rng)]
            target = _W({"low": 50, "medium": 35, "high": 15}).pick(rng)
            if case is not None:
                assessed = min(today, case.received + timedelta(days=self._ri(3, 20)))
                title = f"关于“{case.title}”的社会稳定风险评估"
                matter_type = "case"
                description = case.description
                points = [f"{case.matter}诉求未能满足可能引发重复上访", "当事人情绪不稳定，存在过激行为风险",
                          "涉及人数较多，可能引发群体性聚集"][: self._ri(2, 3)]
            else:
                assessed = earliest + timedelta(days=self._rr(span))
                spec = matters[self._rr(len(matters))]
                slots = _Slots(v=v["name"], project=self._ch(g["projects"]),
                               mu=str(self._ch((3, 5, 8, 12, 20, 35, 60))), people=str(self._ri(20, 400)),
                               n=str(self._ri(2, 12)))
                title = spec["title"].format_map(slots)
                matter_type = spec["type"]
                description = spec["desc"].format_map(slots)
                points = list(spec["points"])
            surveyed = self._ri(40, 400)
            against_share = {"low": rng.uniform(0.02, 0.15), "medium": rng.uniform(0.22, 0.45),
                             "high": rng.uniform(0.52, 0.72)}[target]
            neutral = int(surveyed * rng.uniform(0.04, 0.15))
            against = int(surveyed * against_share)
            in_favour = max(0, surveyed - against - neutral)
            findings = {d: "pass" for d in dims}
            if target == "medium":
                for d in rng.sample(dims, self._ri(1, 2)):
                    findings[d] = "concern"
            elif target == "high":
                findings[self._ch(dims)] = "fail" if rng.random() < 0.5 else "concern"
                findings[self._ch(dims)] = "concern"
            suggestion = suggest_risk_level(in_favour, against, neutral, findings)
            level = suggestion.level
            override = ""
            if rng.random() < 0.12:
                order = ["low", "medium", "high"]
                idx = order.index(level)
                if idx < 2 and rng.random() < 0.6:
                    level, override = order[idx + 1], g["risk_override"][0]
                elif idx > 0:
                    level, override = order[idx - 1], g["risk_override"][1]
            decision = {"low": "implement", "medium": "implement_adjusted"}.get(level) or (
                "postpone" if rng.random() < 0.6 else "reject")
            filed = assessed + timedelta(days=self._ri(1, 10)) if rng.random() < 0.9 else None
            if filed is not None and filed > today:
                filed = None
            follow = []
            if decision in ("implement", "implement_adjusted") and (today - assessed).days > 30:
                d = assessed
                for _ in range(self._ri(1, 3)):
                    d = d + timedelta(days=self._ri(20, 60))
                    if d > today:
                        break
                    follow.append({"date": d.isoformat(), "note": self._ch(g["risk_followups"])})
            leader = self.leaders[self._rr(len(self.leaders))]
            stamp = _stamp(assessed, self._ri(9 * 60, 17 * 60))
            rows.append({
                "id": self.ids(), "created_at": stamp, "updated_at": stamp, "case_id": case.id if case else None,
                "number": "", "title": title, "matter_type": matter_type, "description": description,
                "responsible_unit": (self.leaves[case.leaf].get("dept", self.unit_name) if case else
                                     self._ch(("青石镇征迁办", "青石镇综治中心", "青石镇党政综合办公室", "青石镇规划建设管理所"))),
                "responsible_leader": leader["name"], "contact_phone": leader["phone"],
                "group_members": f"{leader['name']}（组长）、{self.head['name']}、{self.mediators[0]['name']}、"
                                 f"{v['name']}党支部书记{v['cadre']}",
                "methods": rng.sample(methods_all, self._ri(2, 4)), "surveyed": surveyed,
                "in_favour": in_favour, "against": against, "neutral": neutral, "dimensions": findings,
                "party_views": [{"party": p, "view": view, "adopted": rng.random() < 0.7}
                                for p, view in rng.sample(g["risk_party_views"], 3)],
                "risk_points": points, "mitigation": g["risk_mitigation"], "contingency": g["risk_contingency"],
                "suggested_level": suggestion.level, "suggested_reason": "；".join(suggestion.reasons),
                "level": level, "override_reason": override, "decision_outcome": decision,
                "assessed_on": assessed, "filed_on": filed, "follow_up": follow, "voided": False,
                "filing_number": "", "filing_office": "", "void_reason": "",
            })
        rows.sort(key=lambda r: (r["assessed_on"], r["id"]))
        for r in rows:
            r["number"], _ = self._allocate("risk", r["assessed_on"].year)
        # the stability office numbers the filings it receives in order, per year (no draw: the
        # random sequence of the rest of the demo is unchanged)
        county = self.county_name or "临川县"
        filed_seq: dict[int, int] = {}
        for r in sorted((r for r in rows if r["filed_on"]), key=lambda r: (r["filed_on"], r["number"])):
            year = r["filed_on"].year
            filed_seq[year] = filed_seq.get(year, 0) + 1
            r["filing_number"] = f"{county[0]}稳备〔{year}〕{filed_seq[year]}号"  # 临稳备〔2026〕12号
            r["filing_office"] = f"{county}委政法委（维稳办）"  # 临川县委政法委（维稳办）
        return rows


# --------------------------------------------------------------------------- entry point


def _utc_text(value: datetime | None) -> str | None:
    """sqlmodel UTCDateTime on SQLite: the UTC moment as "2026-01-31 08:00:00.000000"."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.utcoffset() is None:
            raise ValueError("Datetime values must have timezone information.")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


_JSON_MEMO: dict[tuple, str] = {}


def _json_text(value: Any) -> str:
    """JSON text as SQLAlchemy's default serializer writes it (json.dumps); short lists of ids
    (an event's staff) repeat a lot, so they are memoised."""
    if type(value) is list and len(value) <= 3 and all(type(x) is str for x in value):
        key = tuple(value)
        text_ = _JSON_MEMO.get(key)
        if text_ is None:
            text_ = _JSON_MEMO[key] = json.dumps(value)
            if len(_JSON_MEMO) > 50_000:
                _JSON_MEMO.clear()
        return text_
    return json.dumps(value)


class _Inserter:
    """Bulk INSERT of dict rows into one table through the Core connection.

    On SQLite the rows go straight to the driver's executemany, each value converted by its
    column type's own SQLAlchemy bind processor (dates, sqlmodel's UTCDateTime, JSON) — the same
    stored text as `conn.execute(table.insert(), rows)` — without SQLAlchemy's per-row parameter
    machinery, which costs more than the insert itself at 100,000 cases. Booleans, numbers and
    text need no conversion. Other databases go through `table.insert()`.
    """

    def __init__(self, conn, table) -> None:
        self.conn, self.table = conn, table
        self.fast = conn.dialect.name == "sqlite"
        names = [c.name for c in table.columns]
        self.names = names
        self.get = itemgetter(*names)
        self.convert: list[tuple[int, Callable[[Any], Any]]] = []
        for i, column in enumerate(table.columns):
            kind = column.type
            if isinstance(kind, (sqltypes.Boolean, sqltypes.Integer, sqltypes.Float)):
                continue  # the driver stores bool/int/float as SQLAlchemy would
            impl = kind.dialect_impl(conn.dialect)
            processor = impl.bind_processor(conn.dialect)
            if processor is None:
                continue
            # the three hot types get an equivalent, cheaper converter (tests compare the stored
            # text with conn.execute(table.insert()) for every table); anything else keeps
            # SQLAlchemy's own processor
            if type(kind).__name__ == "UTCDateTime":
                processor = _utc_text
            elif type(kind) is sqltypes.Date:
                processor = _date_text
            elif type(kind) is sqltypes.JSON:
                processor = _json_text
            self.convert.append((i, processor))
        quoted = ", ".join(f'"{n}"' for n in names)
        self.sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'

    def __call__(self, rows: list[dict], size: int = 5000) -> int:
        if not rows:
            return 0
        if not self.fast:
            for start in range(0, len(rows), size):
                self.conn.execute(self.table.insert(), rows[start:start + size])
            return len(rows)
        get, convert = self.get, self.convert
        for start in range(0, len(rows), size):
            batch = []
            for row in rows[start:start + size]:
                values = list(get(row))
                for i, fn in convert:
                    values[i] = fn(values[i])
                batch.append(tuple(values))
            self.conn.exec_driver_sql(self.sql, batch)
        return len(rows)


def _insert(conn, table, rows: list[dict]) -> int:
    return _Inserter(conn, table)(rows)


def generate(desk: Desk, cases: int = 2000, seed: int = 2026, today: date | None = None,
             progress: Callable[[str, float], None] | None = None) -> DemoSummary:
    """Fill the database with a realistic, seeded demo (see the module docstring).

    `progress(phase, fraction)` is called as the work advances (fraction of the whole, 0–1).
    Everything is written in one transaction: on any error nothing is left behind.
    """
    started = time.perf_counter()
    today = today or desk.today()
    gen = _Generator(desk, cases, seed, today, progress)
    gen._report("准备基础数据", 0.0)
    gen.read_existing()
    gen.prepare_names()
    gen.build_world()
    gen.prepare_people()
    gen.plan_screening()
    gen.plan_cases()
    gen.prepare_cases()
    gen._phase_done("prepare")
    summary = gen.summary
    total = len(gen.plans)
    with desk.store.engine.begin() as conn:
        cache_size = None
        if conn.dialect.name == "sqlite":
            # a large page cache for this one transaction: the random-UUID indexes otherwise spill
            # dirty pages to the WAL over and over; restored before the connection goes back
            cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql("PRAGMA cache_size = -262144")
        summary.areas = _insert(conn, Area.__table__, gen.new_areas)
        summary.units = _insert(conn, Unit.__table__, gen.new_units)
        summary.staff = _insert(conn, Staff.__table__, gen.new_staff)
        gen._report("生成案件并建立搜索索引", 0.03)
        put_party, put_case = _Inserter(conn, Party.__table__), _Inserter(conn, Case.__table__)
        put_link, put_event = _Inserter(conn, CaseParty.__table__), _Inserter(conn, CaseEvent.__table__)
        writing = indexing = 0.0
        try:
            from ..store import search
        except ImportError:  # pragma: no cover - the search module ships with the store
            search = None
            log.warning("store.search is not available: the demo data is not indexed for search")
        for start in range(0, total, _CHUNK):
            for index in range(start, min(total, start + _CHUNK)):
                gen.generate_case(index, gen.plans[index])
            t0 = time.perf_counter()
            summary.parties += put_party(gen.pending_parties)
            summary.cases += put_case(gen.pending_cases)
            summary.case_parties += put_link(gen.pending_links)
            summary.case_events += put_event(gen.pending_events)
            t1 = time.perf_counter()
            writing += t1 - t0
            if search is not None:
                # index the chunk while its rows are still in the page cache: rebuilding the whole
                # index at the end would read everything back through the uncommitted WAL, which
                # costs about twice as long at 100,000 cases
                chunk_ids = [row["id"] for row in gen.pending_cases]
                summary.search_indexed = (summary.search_indexed or 0) + search.reindex_cases(conn, chunk_ids)
                search.reindex_parties(conn, [p["id"] for p in gen.pending_parties])
            indexing += time.perf_counter() - t1
            gen.pending_parties, gen.pending_cases, gen.pending_links, gen.pending_events = [], [], [], []
            gen._report("生成案件并建立搜索索引", 0.03 + 0.85 * min(total, start + _CHUNK) / max(1, total))
        if gen.pending_parties:  # nobody new after the last chunk today, but keep the books straight
            summary.parties += put_party(gen.pending_parties)
            if search is not None:
                search.reindex_parties(conn, [p["id"] for p in gen.pending_parties])
            gen.pending_parties = []
        summary.phase_seconds["cases_insert"] = round(writing, 3)
        summary.phase_seconds["search_index"] = round(indexing, 3)
        summary.disputes = sum(1 for i in gen.info if i.kind == "dispute")
        summary.petitions = summary.cases - summary.disputes
        # archive numbers in the order the files were bound
        gen.archived.sort()
        updates = []
        for archived_on, _index, case_id in gen.archived:
            number, seq = gen._allocate("archive", archived_on.year)
            updates.append({"n": number, "s": seq, "i": case_id})
        if updates:
            conn.execute(text('UPDATE "case" SET archive_number = :n, archive_seq = :s WHERE id = :i'), updates)
        gen._phase_done("cases")
        gen._report("排查台账", 0.9)
        rounds, entries = gen.build_screening()
        summary.screening_rounds = _insert(conn, ScreeningRound.__table__, rounds)
        summary.screening_entries = _insert(conn, ScreeningEntry.__table__, entries)
        summary.case_events += put_event(gen.pending_events)
        gen.pending_events = []
        gen._phase_done("screening")
        gen._report("领导包案", 0.93)
        contracts, progress_rows = gen.build_contracts()
        summary.leader_contracts = _insert(conn, LeaderContract.__table__, contracts)
        summary.contract_progress = _insert(conn, ContractProgress.__table__, progress_rows)
        gen._report("风险评估", 0.95)
        summary.risk_assessments = _insert(conn, RiskAssessment.__table__, gen.build_risk())
        gen._phase_done("contracts_risk")
        # number sequences: the highest number used, so later registrations continue after it
        unit_id = gen.unit["id"]
        for (scope, year), value in sorted(gen.used_seq.items()):
            key = (unit_id, scope, year)
            if key in gen.sequences:
                conn.execute(text("UPDATE number_sequence SET last_value = max(last_value, :v) "
                                  "WHERE unit_id = :u AND scope = :s AND year = :y"),
                             {"v": value, "u": unit_id, "s": scope, "y": year})
            else:
                conn.execute(NumberSequence.__table__.insert(),
                             [{"unit_id": unit_id, "scope": scope, "year": year, "last_value": value}])
            summary.number_sequences += 1
        if gen.holidays_value is not None:
            conn.execute(Setting.__table__.insert(), [{"key": settings_service.HOLIDAYS_KEY,
                                                       "value": gen.holidays_value,
                                                       "updated_at": datetime.now(UTC)}])
            summary.settings = 1
        gen._phase_done("numbers_settings")
        summary.elapsed = round(time.perf_counter() - started, 3)
        conn.execute(AuditEntry.__table__.insert(), [{
            "id": gen.ids(), "at": datetime.now(UTC), "actor": desk.actor, "action": "import", "entity": "demo",
            "entity_id": "", "before": None,
            "after": {"seed": seed, "today": today.isoformat(), "cases_requested": cases, **summary.counts(),
                      "elapsed_seconds": summary.elapsed},
        }])
        summary.audit_entries = 1
        if cache_size is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
    summary.phase_seconds["commit"] = round(time.perf_counter() - gen.phase_started, 3)
    summary.elapsed = round(time.perf_counter() - started, 3)
    gen._report("完成", 1.0)
    return summary
