"""The monthly rolling ledger (矛盾纠纷排查化解工作台账 / 滚动台账), DOMAIN.md §4.

For a month M and an area (a village, or the whole township / unit) the ledger lists every case
open at the start of M or opened in M — with this month's progress (本月工作情况) and its status
at the end of M — and the summary lines 上月结转 / 本月新增 / 本月在办 / 本月化解 / 结转下月 / 化解率 by
village and by category, plus year-to-date.

The arithmetic is :mod:`mediation_desk.domain.ledger`'s: each case becomes a
:class:`~mediation_desk.domain.ledger.LedgerItem` with ``opened_on`` = received date and
``left_on`` = close-out date (销号). A case stays in the ledger — month after month — until its
close-out is recorded with :func:`close_out`, which is refused for a case that is not closed
(办结). ``resolved`` (the strict count, 化解成功) is :func:`vocabularies.is_dispute_resolved` for
disputes and "closed" for petitions.

Which columns print, and in which order, is a unit setting (:func:`ledger_columns`); so are the
default paper size, which kinds of case the ledger covers and the names printed under the
signature line (:func:`ledger_options`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import text
from sqlmodel import select

from ..domain import vocabularies as vocab
from ..domain.calendar import month_end, month_start
from ..domain.deadlines import mediation_due
from ..domain.ledger import LedgerItem, MonthFigures, format_rate, ledger_rows, month_summary
from ..documents.templates.ledger import SUMMARY_TITLES, summary_cells
from ..domain.masking import mask_id_number, mask_phone
from ..store import audit
from ..store.models import Area, Case, Staff, Unit, VocabEntry, utcnow
from . import register as register_service
from . import screening as screening_service
from . import settings as settings_service
from .context import Desk, ServiceError
from .parties import FieldError

COLUMNS_KEY = "ledger_columns"
MAX_PARTIES = 3  # parties listed per row; more print as "等N人"
DESCRIPTION_CHARS = 40  # 基本情况/主要诉求 is cut to this length (the case file has the rest)
PROGRESS_CHARS = 24  # each work entry in 本月工作情况
PROGRESS_ENTRIES = 3  # entries shown per row: the first, a count, the latest
OPTIONS_KEY = "ledger_options"


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    title: str
    em: float = 4.0  # printed width in characters of the table font (the minimum for flexible ones)
    align: str = "center"
    group: str = ""  # upper header spanning adjacent columns of the same group (当事人)
    xlsx_width: float = 10.0  # Excel character units (a Chinese character ≈ 2)
    flex: float = 0.0  # share of the width left over (free-text columns)


_COLUMN_LIST: tuple[LedgerColumn, ...] = (
    LedgerColumn("seq", "序号", 2.0, xlsx_width=4.5),
    LedgerColumn("number", "编号", 5.6, xlsx_width=13),
    LedgerColumn("received_on", "排查/受理日期", 5.2, xlsx_width=10),
    LedgerColumn("area", "排查单位/网格", 3.6, xlsx_width=9),
    LedgerColumn("screeners", "排查人", 3.5, xlsx_width=8),
    LedgerColumn("source", "来源", 3.6, xlsx_width=8.5),
    LedgerColumn("title", "事件名称", 6.0, "left", xlsx_width=16, flex=1.2),
    LedgerColumn("category", "类别", 3.6, xlsx_width=9),
    LedgerColumn("party_names", "姓名", 3.2, group="当事人", xlsx_width=8),
    LedgerColumn("party_ids", "身份证号", 9.3, group="当事人", xlsx_width=19.5),
    LedgerColumn("party_phones", "联系电话", 5.8, group="当事人", xlsx_width=12.5),
    LedgerColumn("party_addresses", "住址", 5.0, "left", group="当事人", xlsx_width=14, flex=0.8),
    LedgerColumn("people", "涉及人数", 2.5, xlsx_width=5),
    LedgerColumn("amount", "涉及金额（元）", 4.5, "right", xlsx_width=10),
    LedgerColumn("description", "基本情况/主要诉求", 8.0, "left", xlsx_width=24, flex=2.0),
    LedgerColumn("risk", "风险等级", 3.0, xlsx_width=6),
    LedgerColumn("responsible_unit", "责任单位", 4.0, xlsx_width=9),
    LedgerColumn("mediator", "责任人/调解人", 3.0, xlsx_width=8),
    LedgerColumn("leader", "包案领导", 3.5, xlsx_width=8),
    LedgerColumn("deadline", "化解时限", 5.2, xlsx_width=10),
    LedgerColumn("measures", "化解措施", 6.0, "left", xlsx_width=18, flex=1.4),
    LedgerColumn("progress", "本月工作情况", 8.0, "left", xlsx_width=26, flex=2.2),
    LedgerColumn("status", "化解状态", 4.0, xlsx_width=10.5),
    LedgerColumn("closed_on", "办结日期", 5.2, xlsx_width=10),
    LedgerColumn("note", "备注", 4.0, "left", xlsx_width=11),
)
COLUMNS: dict[str, LedgerColumn] = {c.key: c for c in _COLUMN_LIST}
ALL_COLUMNS: tuple[str, ...] = tuple(COLUMNS)
#: The default set fits A4 landscape in 小五; choose more (and A3) in Settings.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "seq", "number", "received_on", "area", "source", "title", "category", "party_names", "description",
    "risk", "mediator", "deadline", "progress", "status", "note",
)

DEFAULT_OPTIONS: dict[str, Any] = {
    "paper": "A4",  # A4 | A3
    "kinds": ["dispute", "petition"],  # which cases the ledger covers
    "filler_unit": "",  # 填报单位; default: the unit's name
    "preparer": "",  # 制表人 (printed name; blank = sign by hand)
    "reviewer": "",  # 审核人（分管领导）
    "head": "",  # 主要负责人; default: the unit's head
}


def ledger_columns(desk: Desk) -> list[str]:
    """The unit's ledger columns in print order (the default set when never chosen)."""
    value = settings_service.get(desk, COLUMNS_KEY, None)
    if not value:
        return list(DEFAULT_COLUMNS)
    keys = [k for k in value if k in COLUMNS]
    return keys or list(DEFAULT_COLUMNS)


def check_columns(keys: Sequence[str]) -> list[str]:
    keys = [str(k) for k in keys]
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ServiceError(f"台账中没有这些栏目：{'、'.join(unknown)}")
    if len(set(keys)) != len(keys):
        raise ServiceError("台账栏目不能重复。")
    if "title" not in keys and "number" not in keys:
        raise ServiceError("台账至少要有“编号”或“事件名称”一栏，否则无法对应到案件。")
    return keys


def set_ledger_columns(desk: Desk, keys: Sequence[str]) -> list[str]:
    keys = check_columns(keys)
    settings_service.put(desk, COLUMNS_KEY, keys)
    return keys


def columns_fit(keys: Sequence[str], paper: str) -> bool:
    """Whether these columns print on ``paper`` (landscape) without squeezing the text."""
    from ..documents.templates.ledger import fits

    return fits([COLUMNS[k] for k in keys if k in COLUMNS], paper)


def ledger_options(desk: Desk) -> dict[str, Any]:
    value = settings_service.get(desk, OPTIONS_KEY, {}) or {}
    out = dict(DEFAULT_OPTIONS)
    out.update({k: v for k, v in value.items() if k in DEFAULT_OPTIONS})
    if out["paper"] not in ("A4", "A3"):
        out["paper"] = "A4"
    kinds = [k for k in out.get("kinds") or [] if k in vocab.CASE_KINDS]
    out["kinds"] = kinds or list(DEFAULT_OPTIONS["kinds"])
    return out


def set_ledger_options(desk: Desk, **changes: Any) -> dict[str, Any]:
    unknown = set(changes) - set(DEFAULT_OPTIONS)
    if unknown:
        raise ServiceError(f"台账设置中没有这些项目：{'、'.join(sorted(unknown))}")
    if "paper" in changes and changes["paper"] not in ("A4", "A3"):
        raise ServiceError("台账纸张只能是 A4 或 A3。")
    if "kinds" in changes:
        kinds = list(changes["kinds"] or [])
        if not kinds or any(k not in vocab.CASE_KINDS for k in kinds):
            raise ServiceError("台账包括的事项类型应为矛盾纠纷和/或信访事项。")
    current = ledger_options(desk)
    current.update({k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()})
    settings_service.put(desk, OPTIONS_KEY, current)
    return current


# --------------------------------------------------------------------------- the ledger


@dataclass
class LedgerRow:
    case_id: str
    seq: int
    number: str
    kind: str
    village: str
    category: str  # statistics category label
    status_key: str  # open | closed | closed_out (at the end of the month)
    is_new: bool  # opened in the month
    values: dict[str, str]  # printed text per column key (masked when asked)

    def cell(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class SummaryLine:
    label: str
    figures: MonthFigures

    def cells(self) -> list[str]:
        return summary_cells(self.label, self.figures)


@dataclass
class ZeroReportLine:
    village: str
    period: str
    screened_on: date
    screeners: str
    findings: str
    signed_by: str
    submitted_on: date | None
    late: bool


@dataclass
class Ledger:
    year: int
    month: int
    area_id: str | None
    area_label: str  # "青石镇" or "青石镇东山村"
    unit_name: str
    filler_unit: str
    filled_on: date
    columns: list[LedgerColumn]
    rows: list[LedgerRow]
    total: MonthFigures
    by_area: list[SummaryLine]
    by_category: list[SummaryLine]
    items: list[LedgerItem]
    masked: bool = False
    paper: str = "A4"
    signatures: dict[str, str] = field(default_factory=dict)  # preparer / reviewer / head
    zero_reports: list[ZeroReportLine] = field(default_factory=list)
    missing_villages: list[str] = field(default_factory=list)
    late_villages: list[str] = field(default_factory=list)

    @property
    def month_text(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def month_key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def title(self) -> str:
        return f"{self.area_label}矛盾纠纷排查化解工作台账（{self.month_text}）"

    @property
    def stats_title(self) -> str:
        return f"{self.area_label}矛盾纠纷排查化解情况统计表（{self.month_text}）"

    @property
    def zero_title(self) -> str:
        return f"{self.area_label}矛盾纠纷排查零报告汇总表（{self.month_text}）"

    def total_line(self) -> str:
        f = self.total
        return (f"本月合计：上月结转{f.carried_in}件，本月新增{f.new}件，本月在办{f.in_hand}件，"
                f"本月化解{f.resolved}件（其中调解成功/办结{f.resolved_strict}件），结转下月{f.carried_out}件，"
                f"化解率{format_rate(f.rate)}；年度累计新增{f.ytd_new}件，累计化解{f.ytd_resolved}件，"
                f"年度化解率{format_rate(f.ytd_rate)}。")

    def open_case_ids(self) -> list[str]:
        return [r.case_id for r in self.rows if r.status_key != "closed_out"]


def _labels(desk: Desk) -> dict[str, dict[str, str]]:
    from .vocab import all_labels

    return all_labels(desk)


def _category_stats(session, codes: Iterable[str]) -> dict[str, str]:
    """category code → statistics-list code (defaults, then the unit's own entries)."""
    out = {}
    for code in set(codes):
        stats = vocab.category_stats_code(code) if code else None
        if stats is None and code:
            row = session.get(VocabEntry, ("category", code))
            stats = (row.stats_code or None) if row is not None else None
        out[code] = stats or "other"
    return out


def _is_resolved(kind: str, status: str, outcome: str) -> bool:
    if kind == "dispute":
        return vocab.is_dispute_resolved(status, outcome)
    return status in ("closed", "archived")


def resolve_area(desk: Desk, name: str | None) -> Area | None:
    """An area by name (village, township or grid) for ``--area``; None for no name."""
    name = (name or "").strip()
    if not name:
        return None
    with desk.read() as session:
        found = [a for a in session.exec(select(Area).where(Area.name == name, Area.active == True))  # noqa: E712
                 if a.level != "county"]
        if not found:
            names = [a.name for a in session.exec(select(Area).where(Area.level.in_(["township", "village"])))]
            hint = "、".join(sorted(names)[:20])
            raise ServiceError(f"找不到名为“{name}”的村（社区）或镇（街道）。" + (f"可选：{hint}" if hint else ""))
        if len(found) > 1:
            areas = {a.id: a for a in session.exec(select(Area))}
            paths = [screening_service.area_path_names(areas, a.id)[2] for a in found]
            raise ServiceError(f"有多个名为“{name}”的地区：{'、'.join(paths)}。请在界面中选择。")
        return found[0]


def build_ledger(desk: Desk, year: int, month: int, area_id: str | None = None, *, mask: bool = False,
                 columns: Sequence[str] | None = None, paper: str | None = None) -> Ledger:
    """The rolling ledger of ``year``-``month`` for ``area_id`` (None: everything of the unit)."""
    if not 1 <= month <= 12:
        raise ServiceError(f"月份应在1到12之间，当前为{month}。")
    start, end = month_start(year, month), month_end(year, month)
    year_start = date(year, 1, 1)
    options = ledger_options(desk)
    keys = check_columns(columns) if columns is not None else ledger_columns(desk)
    paper = paper or options["paper"]
    if paper not in ("A4", "A3"):
        raise ServiceError("台账纸张只能是 A4 或 A3。")
    labels = _labels(desk)

    def cat_label(code: str) -> str:
        return labels.get("category", {}).get(code) or vocab.label("category", code)

    with desk.read() as session:
        unit = session.exec(select(Unit).where(Unit.is_current == True)).first()  # noqa: E712
        if unit is None:
            raise ServiceError("数据文件还没有设置本单位，请先运行初始化（init）或首次启动向导。")
        areas = {a.id: a for a in session.exec(select(Area))}
        keep = screening_service._area_filter(areas, area_id)
        if area_id and area_id not in areas:
            raise ServiceError("所选地区不存在。")
        kinds = options["kinds"]
        params: dict[str, Any] = {"end": end.isoformat(), "ys": year_start.isoformat()}
        kind_sql = ", ".join(f":k{i}" for i in range(len(kinds)))
        params.update({f"k{i}": k for i, k in enumerate(kinds)})
        rows = session.execute(text(
            f'SELECT id, received_on, closed_out_on, area_id, category, kind, status, outcome '
            f'FROM "case" WHERE voided = 0 AND kind IN ({kind_sql}) AND received_on <= :end '
            f'AND (closed_out_on IS NULL OR closed_out_on >= :ys)'), params).all()
        stats_of = _category_stats(session, [r[4] or "" for r in rows])
        village_order = {a.name: (a.sort, a.name) for a in areas.values() if a.level == "village"}
        items: list[LedgerItem] = []
        groups: dict[str | None, str] = {}
        for r in rows:
            if keep is not None and r[3] not in keep:
                continue
            opened = _d(r[1])
            left = _d(r[2])
            if left is not None and left < opened:
                left = opened  # imported data with a close-out before receipt: treat as same day
            group = groups.get(r[3])
            if group is None:
                village, township, _path = screening_service.area_path_names(areas, r[3])
                group = groups[r[3]] = village or ("镇本级" if township else "未指定村（社区）")
            items.append(LedgerItem(case_id=r[0], opened_on=opened, left_on=left, area=group,
                                    category=cat_label(stats_of[r[4] or ""]),
                                    resolved=_is_resolved(r[5], r[6], r[7] or "")))
        rules = settings_service.deadline_rules(session)
        area = areas.get(area_id) if area_id else None
        township_area = areas.get(unit.area_id) if unit.area_id else None
        if area is not None:
            village, township, path = screening_service.area_path_names(areas, area.id)
            area_label = path or area.name
        else:
            area_label = township_area.name if township_area is not None and township_area.level != "county" else unit.name
    in_ledger = ledger_rows(items, year, month)
    total = month_summary(items, year, month)[None]
    by_area_raw = month_summary(items, year, month, group_by="area")
    by_cat_raw = month_summary(items, year, month, group_by="category")
    by_area = [SummaryLine(str(k), v) for k, v in sorted(
        by_area_raw.items(), key=lambda kv: (kv[0] not in village_order, village_order.get(kv[0], (0, kv[0]))))]
    cat_order = {cat_label(i.code): i.sort for i in vocab.items("category") if i.parent is None}
    by_category = [SummaryLine(str(k), v) for k, v in sorted(
        by_cat_raw.items(), key=lambda kv: (cat_order.get(kv[0], 10_000), str(kv[0])))]
    ledger_rows_out = _rows(desk, in_ledger, keys, labels, start, end, mask, rules)
    zero, missing, late = _screening_facts(desk, year, month, area_id)
    signatures = {"preparer": options["preparer"], "reviewer": options["reviewer"],
                  "head": options["head"] or (unit.head_name or "")}
    return Ledger(year=year, month=month, area_id=area_id, area_label=area_label, unit_name=unit.name,
                  filler_unit=options["filler_unit"] or unit.name, filled_on=desk.today(),
                  columns=[COLUMNS[k] for k in keys], rows=ledger_rows_out, total=total, by_area=by_area,
                  by_category=by_category, items=items, masked=mask, paper=paper, signatures=signatures,
                  zero_reports=zero, missing_villages=missing, late_villages=late)


def build_ledger_for_month(desk: Desk, month: str, area_name: str | None = None, **kw) -> Ledger:
    """``build_ledger`` from the CLI's ``--month 2026-11 --area 东山村``."""
    year, mon = screening_service.parse_month(month)
    area = resolve_area(desk, area_name)
    return build_ledger(desk, year, mon, area.id if area else None, **kw)


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _short(text_: str, limit: int) -> str:
    text_ = " ".join((text_ or "").split())
    return text_ if len(text_) <= limit else text_[: limit - 1] + "…"


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _date_text(d: date | None) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def status_at(case_kind: str, closed_on: date | None, closed_out_on: date | None, resolved: bool,
              outcome_label: str, end: date) -> tuple[str, str]:
    """(status key, printed status) of a case at the end of day ``end``."""
    if closed_out_on is not None and closed_out_on <= end:
        return "closed_out", "已化解销号" if resolved else "已办结销号"
    if closed_on is not None and closed_on <= end:
        if resolved:
            return "closed", "已化解（待销号）"
        return "closed", f"{outcome_label or '已办结'}（待销号）"
    return "open", "化解中" if case_kind == "dispute" else "办理中"


def _rows(desk: Desk, items: list[LedgerItem], keys: Sequence[str], labels: dict, start: date, end: date,
          mask: bool, rules) -> list[LedgerRow]:
    if not items:
        return []
    ids = [i.case_id for i in items]
    wanted = set(keys)
    parties = register_service.parties_of(desk, ids) if wanted & {"party_names", "party_ids", "party_phones",
                                                                  "party_addresses"} else {}
    leaders = register_service.leaders_of(desk, ids) if wanted & {"leader", "deadline", "measures"} else {}
    plans: dict[str, str] = {}
    events: dict[str, list[tuple]] = defaultdict(list)
    screeners: dict[str, str] = {}
    addresses: dict[tuple[str, str], str] = {}
    with desk.read() as session:
        areas = {a.id: a for a in session.exec(select(Area))}
        staff = {s.id: s.name for s in session.exec(select(Staff))}
        cases: dict[str, Case] = {}
        for chunk in _chunks(ids, 500):
            for case in session.exec(select(Case).where(Case.id.in_(chunk))):
                cases[case.id] = case
            names = ", ".join(f":i{n}" for n in range(len(chunk)))
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            if "progress" in wanted:
                params.update(s=start.isoformat(), e=end.isoformat())
                for r in session.execute(text(
                        f"SELECT case_id, occurred_on, kind, content, result FROM case_event "
                        f"WHERE voided = 0 AND case_id IN ({names}) AND occurred_on >= :s AND occurred_on <= :e "
                        f"ORDER BY occurred_on, created_at"), params):
                    events[r[0]].append((_d(r[1]), r[2], r[3] or "", r[4] or ""))
            if "measures" in wanted:
                for r in session.execute(text(
                        f"SELECT case_id, plan FROM leader_contract WHERE voided = 0 AND case_id IN ({names}) "
                        f"ORDER BY assigned_on"), {f"i{n}": v for n, v in enumerate(chunk)}):
                    plans[r[0]] = r[1] or ""
            if "screeners" in wanted:
                for r in session.execute(text(
                        f"SELECT e.case_id, r.screeners FROM screening_entry e JOIN screening_round r "
                        f"ON r.id = e.round_id WHERE e.is_new = 1 AND r.voided = 0 AND e.case_id IN ({names})"),
                        {f"i{n}": v for n, v in enumerate(chunk)}):
                    value = r[1]
                    if isinstance(value, str):
                        import json

                        value = json.loads(value or "[]")
                    screeners[r[0]] = "、".join(staff.get(s, s) for s in value or [])
            if "party_addresses" in wanted:
                for r in session.execute(text(
                        f"SELECT cp.case_id, p.id, p.address FROM case_party cp JOIN party p ON p.id = cp.party_id "
                        f"WHERE cp.case_id IN ({names})"), {f"i{n}": v for n, v in enumerate(chunk)}):
                    addresses[(r[0], r[1])] = r[2] or ""
    out: list[LedgerRow] = []

    def lab(v: str, code: str | None) -> str:
        return labels.get(v, {}).get(code, code or "") if code else ""

    for seq, item in enumerate(items, start=1):
        c = cases[item.case_id]
        village, township, path = screening_service.area_path_names(areas, c.area_id)
        outcome_label = lab("outcome", c.outcome) if c.outcome else ""
        if c.kind == "petition" and not outcome_label:
            outcome_label = "已办结"
        status_key, status_text = status_at(c.kind, c.closed_on, item.left_on, item.resolved, outcome_label, end)
        ps = [p for p in parties.get(c.id, []) if p["role"] != "agent"]
        more = len(ps) - MAX_PARTIES if len(ps) > MAX_PARTIES + 1 else 0
        if more:
            ps = ps[:MAX_PARTIES]
        leader = leaders.get(c.id)
        v: dict[str, str] = {}
        v["seq"] = str(seq)
        v["number"] = c.number
        v["received_on"] = _date_text(c.received_on)
        v["area"] = path.replace(township, "", 1) if township and path.startswith(township) and path != township else path
        v["screeners"] = screeners.get(c.id, "")
        v["source"] = lab("source", c.source)
        v["title"] = c.title
        v["category"] = lab("category", c.subcategory or c.category)
        v["party_names"] = "\n".join(p["name"] for p in ps) + (f"\n等{len(ps) + more}人" if more else "")
        v["party_ids"] = "\n".join((mask_id_number(p["id_number"]) if mask else (p["id_number"] or ""))
                                   for p in ps)
        v["party_phones"] = "\n".join((mask_phone(p["phone"]) if mask and p["phone"] else (p["phone"] or ""))
                                      for p in ps)
        v["party_addresses"] = "\n".join(addresses.get((c.id, p["party_id"]), "") for p in ps) if addresses else ""
        v["people"] = str(c.people_involved) if c.people_involved else ""
        v["amount"] = _money(c.amount_involved)
        desc = (c.description or "").strip()
        if c.claims:
            desc = (desc + "\n" if desc else "") + "主要诉求：" + c.claims.strip()
        v["description"] = _short(desc, DESCRIPTION_CHARS) if desc else ""
        risk = lab("risk_grade", c.risk_grade)
        if c.risk_colour:
            colour = lab("risk_colour", c.risk_colour)
            risk = f"{risk}（{colour}）" if risk else colour
        v["risk"] = risk
        v["responsible_unit"] = c.responsible_unit
        v["mediator"] = staff.get(c.mediator_id, "") if c.mediator_id else ""
        v["leader"] = (leader["name"] + (f"\n{leader['post']}" if leader.get("post") else "")) if leader else ""
        deadline = None
        if leader and leader.get("deadline_on"):
            deadline = _d(leader["deadline_on"])
        elif c.due_on:
            deadline = c.due_on
        elif c.kind == "dispute":
            try:
                deadline = mediation_due(c.received_on, c.extension_days, rules)
            except Exception:  # noqa: BLE001 — inconsistent stored numbers: print no deadline
                deadline = None
        v["deadline"] = _date_text(deadline)
        measures = plans.get(c.id, "")
        if not measures and c.agreement_terms and status_key != "open":
            measures = "协议：" + c.agreement_terms
        v["measures"] = _short(measures, 120)
        v["progress"] = _progress(events.get(c.id, []), labels)
        v["status"] = status_text
        closed = c.closed_on if c.closed_on and c.closed_on <= end else None
        v["closed_on"] = _date_text(closed)
        notes = []
        if start <= c.received_on <= end:
            notes.append("本月新增")
        if item.left_on is not None and start <= item.left_on <= end:
            notes.append(f"{_md(item.left_on)}销号")
        reasons = screening_service.major_reasons(c)
        if c.major_reported_at is not None:
            local = c.major_reported_at
            if local.tzinfo is not None:
                local = local.astimezone()
            notes.append(f"重大事项{local.month}月{local.day}日{local:%H:%M}已上报")
        elif reasons:
            notes.append("、".join(reasons))
        if c.is_backlog:
            notes.append("积案")
        v["note"] = "；".join(notes)
        out.append(LedgerRow(case_id=c.id, seq=seq, number=c.number, kind=c.kind, village=village,
                             category=item.category, status_key=status_key, is_new=start <= c.received_on <= end,
                             values=v))
    return out


def _progress(evts: list[tuple], labels: dict) -> str:
    if not evts:
        return "本月未记录工作情况"
    parts = []
    for on, kind, content, result in evts:
        word = labels.get("event_kind", {}).get(kind, kind)
        if kind == "register":
            parts.append(f"{_md(on)}{word}")
            continue
        text_ = content or result
        if kind == "note":
            parts.append(f"{_md(on)}{_short(text_, PROGRESS_CHARS)}")
        else:
            parts.append(f"{_md(on)}{word}：{_short(text_, PROGRESS_CHARS)}" if text_ else f"{_md(on)}{word}")
    if len(parts) > PROGRESS_ENTRIES:
        parts = parts[:1] + [f"……（本月共{len(parts)}项工作）"] + parts[-1:]
    return "\n".join(parts)


def _money(value: float | None) -> str:
    if value is None:
        return ""
    s = f"{value:,.2f}".rstrip("0").rstrip(".")
    return s


def _chunks(seq: list[str], size: int):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _screening_facts(desk: Desk, year: int, month: int, area_id: str | None
                     ) -> tuple[list[ZeroReportLine], list[str], list[str]]:
    key = f"{year}-{month:02d}"
    views = screening_service.rounds_in_month(desk, key, area_id)
    zero = [ZeroReportLine(v.area_name, v.period_text, v.round.screened_on, "、".join(v.screener_names),
                           v.round.findings, v.round.signed_by, v.round.submitted_on, v.late)
            for v in views if v.round.is_zero_report]
    with desk.read() as session:
        areas = {a.id: a for a in session.exec(select(Area))}
    keep = screening_service._area_filter(areas, area_id)
    missing, late = [], []
    for row, cell in screening_service.month_status(desk, key):
        if keep is not None and row.area_id not in keep:
            continue
        if cell.status == "missing":
            missing.append(row.village)
        elif cell.status == "late":
            late.append(row.village)
    return zero, missing, late


# --------------------------------------------------------------------------- close-out (销号)


def close_out(desk: Desk, case_id: str, on: date | None = None, by: str = "") -> Case:
    """Record the close-out (销号) of a closed case: it leaves the rolling ledger after this
    month. Refused for a case that is not closed (办结), voided or already closed out."""
    on = on or desk.today()
    by = (by or "").strip() or desk.actor
    if on > desk.today():
        raise FieldError("closed_out_on", "销号日期不能晚于今天。")
    with desk.tx() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        if case.voided:
            raise ServiceError(f"案件 {case.number} 已作废，不在台账中。")
        if case.closed_out_on is not None:
            raise ServiceError(f"案件 {case.number} 已于{case.closed_out_on.isoformat()}销号。")
        if not vocab.is_closed(case.kind, case.status):
            word = "矛盾纠纷" if case.kind == "dispute" else "信访事项"
            raise ServiceError(f"{word} {case.number} 尚未办结（当前状态：{vocab.status_label(case.kind, case.status)}），"
                               "不能销号。请先办结（达成协议、调解终结或办结）后再销号。")
        floor = case.closed_on or case.received_on
        if on < floor:
            raise FieldError("closed_out_on", f"销号日期不能早于办结日期（{floor.isoformat()}）。")
        before = audit.snapshot(case)
        case.closed_out_on = on
        case.closed_out_by = by
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        from .cases import _add_event

        _add_event(desk, session, case, "note", on, content="台账销号", result=f"核实人：{by}")
        return case


def cancel_close_out(desk: Desk, case_id: str, reason: str) -> Case:
    """Undo a close-out recorded by mistake (the case returns to the rolling ledger)."""
    if not (reason or "").strip():
        raise FieldError("reason", "撤销销号必须填写理由。")
    with desk.tx() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        if case.closed_out_on is None:
            raise ServiceError(f"案件 {case.number} 没有销号，无需撤销。")
        before = audit.snapshot(case)
        case.closed_out_on = None
        case.closed_out_by = ""
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        from .cases import _add_event

        _add_event(desk, session, case, "note", max(desk.today(), case.received_on), content="撤销台账销号",
                   result=reason.strip())
        return case


def close_out_candidates(desk: Desk, area_id: str | None = None) -> list[Case]:
    """Closed (办结) cases whose close-out is not recorded yet — they still roll over."""
    with desk.read() as session:
        areas = {a.id: a for a in session.exec(select(Area))}
        keep = screening_service._area_filter(areas, area_id)
        rows = session.exec(select(Case).where(Case.voided == False, Case.closed_out_on == None)  # noqa: E711,E712
                            .order_by(Case.closed_on, Case.number)).all()
    return [c for c in rows if vocab.is_closed(c.kind, c.status) and (keep is None or c.area_id in keep)]


__all__ = [
    "ALL_COLUMNS", "COLUMNS", "DEFAULT_COLUMNS", "DEFAULT_OPTIONS", "Ledger", "LedgerColumn", "LedgerRow",
    "EXPORT_FORMATS", "ExportResult", "SUMMARY_TITLES", "SummaryLine", "export_ledger", "ZeroReportLine", "build_ledger", "build_ledger_for_month",
    "cancel_close_out", "check_columns", "columns_fit", "close_out", "close_out_candidates", "ledger_columns", "ledger_options",
    "resolve_area", "set_ledger_columns", "set_ledger_options", "status_at",
]


# --------------------------------------------------------------------------- export (print / save)

EXPORT_FORMATS = (".pdf", ".docx", ".xlsx")


@dataclass
class ExportResult:
    path: Path
    ledger: Ledger
    pages: int | None = None  # PDF only
    seconds: float = 0.0
    fits_paper: bool = True  # False: the columns are squeezed; A3 or fewer columns advised


def export_ledger(desk: Desk, ledger: Ledger, path: str | Path, sheets: Sequence[str] = ("ledger", "stats", "zero"),
                  ) -> ExportResult:
    """Write a built ledger as PDF, DOCX or XLSX (by the file suffix) and record the file in the
    register of generated documents (audited)."""
    import hashlib
    import time

    from ..documents import render
    from ..documents.templates.ledger import fits, ledger_document
    from ..interop.xlsx_ledger import write_ledger_xlsx
    from ..store.models import GeneratedDocument

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise ServiceError(f"不支持的台账格式“{suffix or '（无扩展名）'}”：请保存为 .pdf、.docx 或 .xlsx 文件。")
    started = time.perf_counter()
    pages = None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix == ".xlsx":
            write_ledger_xlsx(ledger, path, sheets)
        else:
            doc = ledger_document(ledger, sheets)
            tmp = path.with_name(f".{path.stem}.part{suffix}")
            try:
                if suffix == ".pdf":
                    from ..documents.pdf import render_pdf

                    pages = render_pdf(doc, tmp)
                else:
                    render(doc, tmp)
                os.replace(tmp, path)
            finally:
                if tmp.exists():
                    tmp.unlink()
    except PermissionError as error:
        raise ServiceError(f"无法写入“{path.name}”：文件可能正在其他程序中打开，或文件夹没有写入权限。"
                           "请关闭该文件或换一个位置后再试。") from error
    seconds = time.perf_counter() - started
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with desk.tx() as session:
        row = GeneratedDocument(doc_type="rolling_ledger", number=ledger.month_key, doc_date=ledger.filled_on,
                                path=str(path), file_format=suffix.lstrip("."), sha256=digest, masked=ledger.masked)
        session.add(row)
        session.flush()
        desk.audit(session, "create", row)
    return ExportResult(path=path, ledger=ledger, pages=pages, seconds=seconds,
                        fits_paper=fits(ledger.columns, ledger.paper))
