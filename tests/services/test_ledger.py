"""The rolling ledger (滚动台账) built from real cases in a real database, close-out (销号), columns,
masking — including property tests over random case histories."""

from __future__ import annotations

import functools
import shutil
import sqlite3
import tempfile
from contextlib import closing
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from mediation_desk.domain.calendar import month_end, month_start
from mediation_desk.domain.ledger import LedgerItem, month_summary
from mediation_desk.services import cases, ledger, organisation
from mediation_desk.services.context import Desk, ServiceError
from mediation_desk.services.parties import FieldError, PartyInput
from mediation_desk.store.engine import open_store
from mediation_desk.store.models import AuditEntry, Case, GeneratedDocument

TODAY = date(2026, 11, 27)
FIRST_DAY = date(2025, 10, 1)
MONTHS = [(2025, m) for m in (10, 11, 12)] + [(2026, m) for m in range(1, 12)]
CATEGORIES = ["homestead", "neighbour", "divorce", "contract_loan", "land_contracting"]


def _village(desk, name="东山村"):
    return next(v for v in organisation.villages(desk) if v.name == name)


def _dispute(desk, area, received, title="纠纷", category="neighbour", **extra):
    fields = {"title": title, "category": category, "area_id": area.id, "received_on": received}
    fields.update(extra)
    return cases.register_case(desk, "dispute", fields, extra.pop("parties", ()))


def _close(desk, case, on, outcome="agreed"):
    cases.change_status(desk, case.id, "mediating", case.received_on)
    cases.change_status(desk, case.id, outcome, on)


# --------------------------------------------------------------------------- property tests


history = st.lists(
    st.tuples(
        st.integers(0, 1),  # village
        st.integers(0, (TODAY - FIRST_DAY).days),  # received
        st.sampled_from(["open", "agreed", "failed", "oral_agreed"]),
        st.integers(0, 120),  # days to closing
        st.one_of(st.none(), st.integers(0, 90)),  # days from closing to close-out (None: not yet)
        st.sampled_from(CATEGORIES),
    ),
    min_size=0, max_size=10,
)


@functools.lru_cache(maxsize=1)
def _template_db() -> Path:
    """A set-up database (unit, township, two villages), made once and copied for each example."""
    folder = Path(tempfile.mkdtemp(prefix="ledger-template-"))
    d = Desk(open_store(folder / "t.sqlite"), actor="测试员", today_override=TODAY)
    organisation.init_unit(d, "青石镇人民调解委员会", "青", "township_committee", township="青石镇")
    township = organisation.list_areas(d, "township")[0]
    for name in ("东山村", "西河村"):
        organisation.add_area(d, name, "village", township.id)
    d.close()
    with closing(sqlite3.connect(folder / "t.sqlite")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    return folder / "t.sqlite"


def _fresh_desk(folder: Path) -> Desk:
    shutil.copyfile(_template_db(), folder / "p.sqlite")
    return Desk(open_store(folder / "p.sqlite"), actor="测试员", today_override=TODAY)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history)
def test_rolling_ledger_identities_over_random_case_histories(spec):
    with tempfile.TemporaryDirectory() as tmp:
        desk = _fresh_desk(Path(tmp))
        try:
            villages = organisation.villages(desk)
            truth: dict[str, tuple[date, date | None]] = {}
            for vi, offset, outcome, to_close, to_out, category in spec:
                received = FIRST_DAY + timedelta(days=offset)
                case = _dispute(desk, villages[vi], received, title=f"纠纷{len(truth)}", category=category)
                out = None
                if outcome != "open":
                    closed = min(TODAY, received + timedelta(days=to_close))
                    _close(desk, case, closed, outcome)
                    if to_out is not None:
                        out = min(TODAY, closed + timedelta(days=to_out))
                        ledger.close_out(desk, case.id, out, "核实人")
                truth[case.id] = (received, out)
            previous = None
            for year, month in MONTHS:
                start, end = month_start(year, month), month_end(year, month)
                book = ledger.build_ledger(desk, year, month)
                t = book.total
                assert t.carried_in + t.new == t.in_hand == t.resolved + t.carried_out
                if previous is not None:
                    assert previous.carried_out == t.carried_in
                previous = t
                # the figures, counted independently from what was recorded
                assert t.carried_in == sum(r < start and (o is None or o >= start) for r, o in truth.values())
                assert t.new == sum(start <= r <= end for r, _o in truth.values())
                assert t.resolved == sum(o is not None and start <= o <= end for _r, o in truth.values())
                # every case open at the month end is in the ledger, and nothing that left before it
                listed = {row.case_id for row in book.rows}
                open_at_end = {cid for cid, (r, o) in truth.items() if r <= end and (o is None or o > end)}
                assert open_at_end <= listed
                expected = {cid for cid, (r, o) in truth.items() if r <= end and (o is None or o >= start)}
                assert listed == expected
                # rows closed out in the month say so; the rest roll over
                for row in book.rows:
                    _r, o = truth[row.case_id]
                    assert (row.status_key == "closed_out") == (o is not None and o <= end)
                # groups add up to the total
                for lines in (book.by_area, book.by_category):
                    for attr in ("carried_in", "new", "in_hand", "resolved", "carried_out", "ytd_new", "ytd_resolved"):
                        assert sum(getattr(x.figures, attr) for x in lines) == getattr(t, attr)
        finally:
            desk.close()


# --------------------------------------------------------------------------- close-out


def test_close_out_is_refused_for_open_cases_and_audited(desk):
    east = _village(desk)
    case = _dispute(desk, east, "2026-09-01")
    with pytest.raises(ServiceError, match="尚未办结"):
        ledger.close_out(desk, case.id, date(2026, 10, 1), "王芳")
    _close(desk, case, date(2026, 9, 20))
    with pytest.raises(FieldError, match="不能早于办结日期"):
        ledger.close_out(desk, case.id, date(2026, 9, 19), "王芳")
    with pytest.raises(FieldError, match="不能晚于今天"):
        ledger.close_out(desk, case.id, date(2026, 12, 1), "王芳")
    done = ledger.close_out(desk, case.id, date(2026, 10, 8), "王芳")
    assert done.closed_out_on == date(2026, 10, 8) and done.closed_out_by == "王芳"
    with pytest.raises(ServiceError, match="已于2026-10-08销号"):
        ledger.close_out(desk, case.id, date(2026, 10, 9), "王芳")
    with desk.read() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity == "case", AuditEntry.entity_id == case.id)).all()
        assert any((a.after or {}).get("closed_out_on") == "2026-10-08" for a in rows)
    ledger.cancel_close_out(desk, case.id, "核实时发现协议未履行")
    assert cases.get_case(desk, case.id).closed_out_on is None
    with pytest.raises(FieldError):
        ledger.cancel_close_out(desk, case.id, "")


def test_closed_items_roll_over_until_closed_out(desk):
    east = _village(desk)
    case = _dispute(desk, east, "2026-08-10", title="已调解未销号")
    _close(desk, case, date(2026, 8, 25))
    for month in (9, 10, 11):
        book = ledger.build_ledger(desk, 2026, month)
        row = next(r for r in book.rows if r.case_id == case.id)
        assert row.status_key == "closed" and row.cell("status") == "已化解（待销号）"
        assert book.total.carried_in == 1 and book.total.carried_out == 1
    assert [c.id for c in ledger.close_out_candidates(desk)] == [case.id]
    ledger.close_out(desk, case.id, date(2026, 11, 3), "王芳")
    nov = ledger.build_ledger(desk, 2026, 11)
    row = nov.rows[0]
    assert row.status_key == "closed_out" and "11月3日销号" in row.cell("note") and row.cell("status") == "已化解销号"
    assert nov.total.resolved == 1 and nov.total.resolved_strict == 1 and nov.total.carried_out == 0
    assert ledger.build_ledger(desk, 2026, 12).rows == []
    assert ledger.close_out_candidates(desk) == []


def test_failed_mediation_counts_as_closed_out_but_not_as_resolution(desk):
    east = _village(desk)
    case = _dispute(desk, east, "2026-11-02")
    _close(desk, case, date(2026, 11, 10), "failed")
    ledger.close_out(desk, case.id, date(2026, 11, 12))
    t = ledger.build_ledger(desk, 2026, 11).total
    assert (t.resolved, t.resolved_strict) == (1, 0)
    assert ledger.build_ledger(desk, 2026, 11).rows[0].cell("status") == "已办结销号"


# --------------------------------------------------------------------------- content


def test_ledger_rows_carry_the_month_progress_and_party_details(desk):
    from mediation_desk.services import screening

    east = _village(desk)
    group = organisation.add_area(desk, "一组", "group", east.id)
    mediator = organisation.list_staff(desk, "mediator")[0]
    case = cases.register_case(desk, "dispute", {
        "title": "张三与李四宅基地纠纷", "category": "homestead", "area_id": group.id, "received_on": "2026-10-05",
        "mediator_id": mediator.id, "description": "边界争议", "claims": "恢复原界址", "risk_grade": "high",
        "people_involved": 2, "amount_involved": 12000,
    }, [PartyInput("applicant", fields={"name": "张三", "id_number": "11010519491231002X", "phone": "13812345678"}),
        PartyInput("respondent", fields={"name": "李四", "phone": "0571-87654321"})])
    cases.add_event(desk, case.id, "mediation_session", "2026-11-03", content="组织双方第一次调解")
    cases.add_event(desk, case.id, "investigation", "2026-10-20", content="十月的调查，不在十一月")
    screening.record_round(desk, screening.RoundInput(area_id=east.id, screened_on=date(2026, 11, 9), rechecks=[
        screening.Recheck(case.id, "再次走访，情绪稳定")]))
    keys = list(ledger.ALL_COLUMNS)
    book = ledger.build_ledger(desk, 2026, 11, columns=keys)
    row = book.rows[0]
    assert row.cell("area") == "东山村一组" and row.village == "东山村"
    assert row.cell("party_names") == "张三\n李四"
    assert row.cell("party_ids").split("\n")[0] == "11010519491231002X"
    assert "13812345678" in row.cell("party_phones")
    assert "11月3日调解：组织双方第一次调解" in row.cell("progress")
    assert "11月9日排查复核：再次走访，情绪稳定" in row.cell("progress")
    assert "十月" not in row.cell("progress")
    assert "主要诉求：恢复原界址" in row.cell("description")
    assert row.cell("risk") == "高" and "高风险" in row.cell("note")
    assert row.cell("amount") == "12,000" and row.cell("people") == "2"
    assert row.cell("mediator") == mediator.name
    masked = ledger.build_ledger(desk, 2026, 11, columns=keys, mask=True).rows[0]
    assert masked.cell("party_ids").split("\n")[0] == "1101**********002X"
    assert masked.cell("party_phones").split("\n") == ["138****5678", "0571-****4321"]
    assert masked.cell("party_names") == "张三\n李四"
    book_oct = ledger.build_ledger(desk, 2026, 10, columns=keys)
    assert "10月20日调查" in book_oct.rows[0].cell("progress")


def test_area_filter_and_title(desk):
    east, west = _village(desk), _village(desk, "西河村")
    group = organisation.add_area(desk, "三组", "group", east.id)
    a = _dispute(desk, group, "2026-11-02", title="东山三组的纠纷")
    _dispute(desk, west, "2026-11-03", title="西河村的纠纷")
    whole = ledger.build_ledger(desk, 2026, 11)
    assert whole.title == "青石镇矛盾纠纷排查化解工作台账（2026年11月）" and len(whole.rows) == 2
    only_east = ledger.build_ledger_for_month(desk, "2026-11", "东山村")
    assert [r.case_id for r in only_east.rows] == [a.id]
    assert only_east.title == "青石镇东山村矛盾纠纷排查化解工作台账（2026年11月）"
    assert [x.label for x in whole.by_area] == ["东山村", "西河村"]
    with pytest.raises(ServiceError, match="找不到名为“北山村”"):
        ledger.build_ledger_for_month(desk, "2026-11", "北山村")


def test_categories_are_summed_under_the_statistics_list(desk):
    east = _village(desk)
    for category in ("divorce", "support", "marriage_family", "contract_loan"):
        _dispute(desk, east, "2026-11-02", category=category)
    book = ledger.build_ledger(desk, 2026, 11)
    assert {x.label: x.figures.new for x in book.by_category} == {"婚姻家庭": 3, "合同": 1}
    # the same as the domain computation over the items
    direct = month_summary(book.items, 2026, 11, group_by="category")
    assert {k: v.new for k, v in direct.items()} == {"婚姻家庭": 3, "合同": 1}


def test_petitions_are_in_the_ledger_by_default_and_can_be_left_out(desk):
    east = _village(desk)
    _dispute(desk, east, "2026-11-02")
    cases.register_case(desk, "petition", {"title": "反映征地补偿", "area_id": east.id, "received_on": "2026-11-04",
                                           "petition_type": "claim", "channel": "visit"})
    assert len(ledger.build_ledger(desk, 2026, 11).rows) == 2
    ledger.set_ledger_options(desk, kinds=["dispute"])
    assert len(ledger.build_ledger(desk, 2026, 11).rows) == 1
    with pytest.raises(ServiceError):
        ledger.set_ledger_options(desk, kinds=[])
    with pytest.raises(ServiceError):
        ledger.set_ledger_options(desk, paper="A5")


def test_voided_cases_are_not_in_the_ledger(desk):
    east = _village(desk)
    case = _dispute(desk, east, "2026-11-02")
    cases.void_case(desk, case.id, "重复登记")
    assert ledger.build_ledger(desk, 2026, 11).rows == []


def test_columns_are_a_setting(desk):
    assert ledger.ledger_columns(desk) == list(ledger.DEFAULT_COLUMNS)
    chosen = ["seq", "title", "party_names", "party_phones", "progress"]
    ledger.set_ledger_columns(desk, chosen)
    assert ledger.ledger_columns(desk) == chosen
    _dispute(desk, _village(desk), "2026-11-02")
    assert [c.key for c in ledger.build_ledger(desk, 2026, 11).columns] == chosen
    for bad, match in ((["seq", "nope"], "没有这些栏目"), (["title", "title"], "不能重复"), (["seq"], "编号")):
        with pytest.raises(ServiceError, match=match):
            ledger.set_ledger_columns(desk, bad)


def test_export_records_the_generated_document(desk, tmp_path):
    _dispute(desk, _village(desk), "2026-11-02")
    book = ledger.build_ledger(desk, 2026, 11)
    for suffix in (".pdf", ".docx", ".xlsx"):
        result = ledger.export_ledger(desk, book, tmp_path / f"台账{suffix}")
        assert result.path.exists() and result.path.stat().st_size > 1000
    with pytest.raises(ServiceError, match="不支持"):
        ledger.export_ledger(desk, book, tmp_path / "台账.txt")
    with desk.read() as session:
        docs = session.exec(select(GeneratedDocument)).all()
    assert Counter(d.file_format for d in docs) == {"pdf": 1, "docx": 1, "xlsx": 1}
    assert all(d.doc_type == "rolling_ledger" and d.number == "2026-11" and len(d.sha256) == 64 for d in docs)
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_ledger_on_the_demo_database(demo_desk):
    """The seeded demo (with closed-out and rolling items) obeys the identities month after month."""
    previous = None
    for month in range(1, 12):
        book = ledger.build_ledger(demo_desk, 2026, month)
        t = book.total
        assert t.carried_in + t.new == t.resolved + t.carried_out
        if previous is not None:
            assert previous.carried_out == t.carried_in
        previous = t
        assert len(book.rows) == t.in_hand
    items = [LedgerItem(i.case_id, i.opened_on, i.left_on, i.area, i.category, i.resolved) for i in book.items]
    assert month_summary(items, 2026, 11)[None] == book.total
    with demo_desk.read() as session:
        open_now = session.exec(select(Case).where(Case.voided == False, Case.closed_out_on == None,  # noqa: E711,E712
                                                   Case.received_on <= date(2026, 11, 30))).all()
    listed = {r.case_id for r in book.rows}
    assert {c.id for c in open_now} <= listed
