"""The case register as a query: filters, sorting and paging over both kinds.

Built as one SQL statement so the GUI can fetch a page at a time on 100,000 cases and the CLI can
stream all of them. Search text goes through the store's search index (`search.search_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Iterator

from sqlalchemy import text

from ..domain.calendar import month_end, month_start
from ..store import search
from .context import Desk, ServiceError

RISK_ORDER = "CASE c.risk_grade WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"

PARTY_NAMES_SQL = """COALESCE((SELECT group_concat(name, '、') FROM (
           SELECT p.name AS name FROM case_party cp JOIN party p ON p.id = cp.party_id
           WHERE cp.case_id = c.id ORDER BY cp.sort)), '')"""

SORT_KEYS: dict[str, str] = {
    "number": "c.kind {d}, c.number_year {d}, c.number_seq {d}",
    "kind": "c.kind {d}, c.received_on DESC",
    "category": "c.category {d}, c.received_on DESC",
    "title": "c.title {d}",
    "parties": PARTY_NAMES_SQL + " {d}",
    "area": "a.name {d}, c.received_on DESC",
    "received_on": "c.received_on {d}, c.number_seq {d}",
    "status": "c.status {d}, c.received_on DESC",
    "risk": RISK_ORDER + " {d}, c.received_on DESC",
    "due_on": "c.due_on IS NULL, c.due_on {d}",
    "mediator": "s.name {d}, c.received_on DESC",
}


@dataclass
class CaseFilter:
    text: str = ""
    kind: str | None = None
    category: str | None = None  # matches category or sub-category
    statuses: list[str] = field(default_factory=list)
    area_id: str | None = None  # a village (its groups/grids included)
    risk_grade: str | None = None
    overdue: bool = False
    due_within_days: int | None = None
    staff_id: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    month: str | None = None  # "YYYY-MM": received in that month
    include_voided: bool = False

    def is_empty(self) -> bool:
        return self == CaseFilter()


@dataclass
class CaseRow:
    id: str
    number: str
    kind: str
    category: str
    subcategory: str
    title: str
    status: str
    risk_grade: str
    risk_colour: str
    received_on: date
    accepted_on: date | None
    due_on: date | None
    closed_on: date | None
    voided: bool
    area_name: str
    mediator_name: str
    party_names: str

    def days_left(self, today: date) -> int | None:
        return None if self.due_on is None else (self.due_on - today).days


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def parse_month(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(p) for p in month.split("-"))
        return month_start(year, mon), month_end(year, mon)
    except (ValueError, TypeError) as error:
        raise ServiceError(f"月份“{month}”格式不正确，应为 2026-11 这样的格式。") from error


def _where(filt: CaseFilter, today: date, conn=None, by_received_on: bool = False) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {"today": today.isoformat()}
    if not filt.include_voided:
        clauses.append("c.voided = 0")
    if filt.text and filt.text.strip():
        found = search.search_sql(filt.text, conn, column="c.id", by_received_on=by_received_on)
        if found is not None:
            fragment, fparams = found
            clauses.append(fragment)
            params.update(fparams)
    if filt.kind:
        clauses.append("c.kind = :kind")
        params["kind"] = filt.kind
    if filt.category:
        clauses.append("(c.category = :category OR c.subcategory = :category)")
        params["category"] = filt.category
    if filt.statuses:
        names = []
        for i, status in enumerate(filt.statuses):
            params[f"st{i}"] = status
            names.append(f":st{i}")
        clauses.append(f"c.status IN ({', '.join(names)})")
    if filt.area_id:
        clauses.append("(c.area_id = :area OR c.area_id IN (SELECT id FROM area WHERE parent_id = :area))")
        params["area"] = filt.area_id
    if filt.risk_grade:
        clauses.append("c.risk_grade = :risk")
        params["risk"] = filt.risk_grade
    if filt.overdue:
        clauses.append("c.due_on IS NOT NULL AND c.due_on < :today")
    if filt.due_within_days is not None:
        clauses.append("c.due_on IS NOT NULL AND c.due_on >= :today AND c.due_on <= :due_limit")
        params["due_limit"] = (today + timedelta(days=filt.due_within_days)).isoformat()
    if filt.staff_id:
        clauses.append("(c.mediator_id = :staff OR c.recorder_id = :staff)")
        params["staff"] = filt.staff_id
    start, end = filt.received_from, filt.received_to
    if filt.month:
        m_start, m_end = parse_month(filt.month)
        start = max(start, m_start) if start else m_start
        end = min(end, m_end) if end else m_end
    if start:
        clauses.append("c.received_on >= :rfrom")
        params["rfrom"] = start.isoformat()
    if end:
        clauses.append("c.received_on <= :rto")
        params["rto"] = end.isoformat()
    return clauses, params


_SELECT = """
SELECT c.id, c.number, c.kind, c.category, c.subcategory, c.title, c.status, c.risk_grade, c.risk_colour,
       c.received_on, c.accepted_on, c.due_on, c.closed_on, c.voided,
       COALESCE(CASE WHEN a.level IN ('group', 'grid') AND pa.name IS NOT NULL
                     THEN pa.name || '·' || a.name ELSE a.name END, '') AS area_name,
       COALESCE(s.name, '') AS mediator_name,
       """ + PARTY_NAMES_SQL + """ AS party_names
FROM "case" c
LEFT JOIN area a ON a.id = c.area_id
LEFT JOIN area pa ON pa.id = a.parent_id
LEFT JOIN staff s ON s.id = c.mediator_id
"""
_FROM = """FROM "case" c
LEFT JOIN area a ON a.id = c.area_id
LEFT JOIN staff s ON s.id = c.mediator_id
"""


def _row(r) -> CaseRow:
    return CaseRow(
        id=r[0], number=r[1], kind=r[2], category=r[3], subcategory=r[4] or "", title=r[5], status=r[6],
        risk_grade=r[7] or "", risk_colour=r[8] or "", received_on=_as_date(r[9]), accepted_on=_as_date(r[10]),
        due_on=_as_date(r[11]), closed_on=_as_date(r[12]), voided=bool(r[13]), area_name=r[14],
        mediator_name=r[15], party_names=r[16],
    )


def query_cases(desk: Desk, filt: CaseFilter | None = None, *, sort: str = "received_on", descending: bool = True,
                offset: int = 0, limit: int | None = 200) -> list[CaseRow]:
    """One page of the register. The page's ids are found first (filters, ORDER BY, LIMIT), then
    only those rows get their party names and joins, so a broad search stays fast."""
    filt = filt or CaseFilter()
    if sort not in SORT_KEYS:
        raise ServiceError(f"不能按“{sort}”排序。")
    with desk.read() as session:
        conn = session.connection()
        clauses, params = _where(filt, desk.today(), conn, by_received_on=(sort == "received_on"))
        sql = "SELECT c.id " + _FROM
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY " + SORT_KEYS[sort].format(d="DESC" if descending else "ASC") + ", c.id"
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params.update(limit=int(limit), offset=int(offset))
        ids = [r[0] for r in session.execute(text(sql), params)]
        rows: dict[str, CaseRow] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            names = ", ".join(f":i{n}" for n in range(len(chunk)))
            for r in session.execute(text(_SELECT + f" WHERE c.id IN ({names})"),
                                     {f"i{n}": v for n, v in enumerate(chunk)}):
                rows[r[0]] = _row(r)
        return [rows[i] for i in ids if i in rows]


def iter_cases(desk: Desk, filt: CaseFilter | None = None, *, sort: str = "received_on",
               descending: bool = True, batch: int = 2000) -> Iterator[CaseRow]:
    offset = 0
    while True:
        rows = query_cases(desk, filt, sort=sort, descending=descending, offset=offset, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def count_cases(desk: Desk, filt: CaseFilter | None = None, *, cap: int | None = None) -> int:
    """How many cases the filter selects; with `cap`, stop counting there (for "N+" displays)."""
    with desk.read() as session:
        clauses, params = _where(filt or CaseFilter(), desk.today(), session.connection(), by_received_on=False)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        if cap is None:
            sql = 'SELECT count(*) FROM "case" c' + where
        else:
            sql = 'SELECT count(*) FROM (SELECT 1 FROM "case" c' + where + " LIMIT :cap)"
            params["cap"] = int(cap)
        return int(session.execute(text(sql), params).scalar() or 0)


def parties_of(desk: Desk, case_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """role, name, id_number, phone of every party of the given cases (in link order)."""
    ids = list(case_ids)
    result: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    with desk.read() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            names = ", ".join(f":i{n}" for n in range(len(chunk)))
            rows = session.execute(text(
                f"SELECT cp.case_id, cp.role, p.name, p.id_number, p.phone, p.id, cp.is_representative "
                f"FROM case_party cp JOIN party p ON p.id = cp.party_id WHERE cp.case_id IN ({names}) "
                f"ORDER BY cp.case_id, cp.sort"), {f"i{n}": v for n, v in enumerate(chunk)})
            for r in rows:
                result[r[0]].append({"role": r[1], "name": r[2], "id_number": r[3], "phone": r[4],
                                     "party_id": r[5], "is_representative": bool(r[6])})
    return result


def leaders_of(desk: Desk, case_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The current (not voided, newest) leader contract of each case that has one."""
    ids = list(case_ids)
    result: dict[str, dict[str, Any]] = {}
    with desk.read() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            names = ", ".join(f":i{n}" for n in range(len(chunk)))
            rows = session.execute(text(
                f"SELECT case_id, leader_name, leader_post, status, deadline_on, number FROM leader_contract "
                f"WHERE voided = 0 AND case_id IN ({names}) ORDER BY assigned_on"),
                {f"i{n}": v for n, v in enumerate(chunk)})
            for r in rows:
                result[r[0]] = {"name": r[1], "post": r[2], "status": r[3], "deadline_on": str(r[4])[:10],
                                "number": r[5]}
    return result
