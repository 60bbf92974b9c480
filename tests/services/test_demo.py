"""services.demo: the seeded demo-data generator (demo command, tests, benchmarks).

One 2000-case database is generated once for the module and inspected by most tests; the
determinism and existing-unit tests make their own small databases.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel, select

from mediation_desk.domain import vocabularies as vocab
from mediation_desk.domain.calendar import add_months
from mediation_desk.domain.deadlines import contract_deadline, screening_report_due
from mediation_desk.domain.idcard import check_id_number, check_unified_credit_code
from mediation_desk.domain.numbering import format_number, parse_number
from mediation_desk.domain.phone import check_phone
from mediation_desk.domain.risk import suggest_risk_level
from mediation_desk.services import demo, register, settings
from mediation_desk.services import deadlines as case_deadlines
from mediation_desk.services.context import Desk
from mediation_desk.store.engine import integrity_check, open_store
from mediation_desk.store.models import (
    Area, AuditEntry, Case, CaseEvent, CaseParty, ContractProgress, LeaderContract, NumberSequence, Party,
    RiskAssessment, ScreeningEntry, ScreeningRound, Staff, Unit,
)

TODAY = date(2026, 11, 27)  # as pinned in tests/conftest.py
N_CASES = 2000


def _desk(path) -> Desk:
    return Desk(open_store(path), actor="测试员", today_override=TODAY)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """(desk, summary, progress calls) of one 2000-case demo database."""
    desk = _desk(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    calls: list[tuple[str, float]] = []
    summary = demo.generate(desk, cases=N_CASES, seed=2026, today=TODAY, progress=lambda p, f: calls.append((p, f)))
    yield desk, summary, calls
    desk.close()


@pytest.fixture(scope="module")
def data(big):
    """All generated rows as model objects, loaded once."""
    desk = big[0]
    with desk.read() as s:
        out = {
            "cases": list(s.exec(select(Case))),
            "parties": {p.id: p for p in s.exec(select(Party))},
            "links": list(s.exec(select(CaseParty))),
            "events": list(s.exec(select(CaseEvent))),
            "rounds": list(s.exec(select(ScreeningRound))),
            "entries": list(s.exec(select(ScreeningEntry))),
            "contracts": list(s.exec(select(LeaderContract))),
            "progress": list(s.exec(select(ContractProgress))),
            "risks": list(s.exec(select(RiskAssessment))),
            "areas": {a.id: a for a in s.exec(select(Area))},
            "staff": list(s.exec(select(Staff))),
            "unit": s.exec(select(Unit)).one(),
            "sequences": list(s.exec(select(NumberSequence))),
            "rules": settings.deadline_rules(s),
            "calendar": settings.work_calendar(s),
            "patterns": settings.numbering_patterns(s),
        }
    out["case_by_id"] = {c.id: c for c in out["cases"]}
    return out


def _count(desk, table: str) -> int:
    with desk.read() as s:
        return s.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()


# --------------------------------------------------------------------------- the summary


def test_summary_counts_match_the_tables(big):
    desk, summary, calls = big
    assert summary.cases == N_CASES == _count(desk, "case")
    assert summary.disputes + summary.petitions == N_CASES
    assert 0.65 < summary.disputes / N_CASES < 0.85
    for table, count in summary.counts().items():
        if table == "setting":
            continue
        assert _count(desk, table) == count, table
    assert summary.search_indexed == N_CASES
    assert summary.elapsed > 0 and summary.phase_seconds
    # progress: named phases, fractions only go up, ending at 1.0
    fractions = [f for _p, f in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {p for p, _f in calls} >= {"生成案件并建立搜索索引", "排查台账", "完成"}


def test_one_summary_audit_row(big):
    desk = big[0]
    with desk.read() as s:
        rows = list(s.exec(select(AuditEntry)))
    demo_rows = [r for r in rows if r.entity == "demo"]
    assert len(demo_rows) == 1
    assert demo_rows[0].action == "import" and demo_rows[0].after["case"] == N_CASES
    assert len(rows) == 1  # no per-record audit rows


def test_database_is_sound(big):
    desk = big[0]
    assert integrity_check(desk.store.engine) == []
    with desk.read() as s:
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []


def test_inserter_stores_exactly_what_core_stores(data):
    """The bulk path must leave the same text in the file as conn.execute(table.insert())."""
    samples = {
        Case: [c for c in data["cases"] if c.major_reported_at is not None][:1] + data["cases"][:3],
        CaseEvent: [e for e in data["events"] if e.staff_ids][:3] + [e for e in data["events"] if e.consent][:1],
        Party: list(data["parties"].values())[:3],
        LeaderContract: data["contracts"][:2], ContractProgress: data["progress"][:2],
        RiskAssessment: data["risks"][:2], ScreeningRound: data["rounds"][:2], ScreeningEntry: data["entries"][:2],
        Staff: data["staff"][:2], Area: list(data["areas"].values())[:2],
    }
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for model, objects in samples.items():
            assert objects, model
            objects = list({o.id: o for o in objects}.values())
            table = model.__table__
            rows = [{c.name: getattr(o, c.name) for c in table.columns} for o in objects]
            conn.execute(table.insert(), rows)
            core = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY rowid').all()
            conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
            demo._Inserter(conn, table)(rows)
            fast = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY rowid').all()
            conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
            assert fast == core, table.name


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_data(tmp_path):
    def snapshot(seed: int, name: str):
        desk = _desk(tmp_path / name)
        try:
            demo.generate(desk, cases=300, seed=seed)
            with desk.read() as s:
                cases = s.execute(text('SELECT id, number, title, status, received_on, due_on FROM "case" '
                                       'ORDER BY number')).all()
                parties = s.execute(text("SELECT id, name, id_number, phone FROM party ORDER BY id")).all()
                events = s.execute(text("SELECT id, case_id, kind, occurred_on, content FROM case_event "
                                        "ORDER BY id")).all()
                rounds = s.execute(text("SELECT id, area_id, screened_on, is_zero_report FROM screening_round "
                                        "ORDER BY id")).all()
            return cases, parties, events, rounds
        finally:
            desk.close()

    first = snapshot(11, "a.sqlite")
    assert snapshot(11, "b.sqlite") == first
    other = snapshot(12, "c.sqlite")
    assert other[0] != first[0] and other[1] != first[1]


def test_ids_are_32_hex_and_time_ordered(data):
    ids = [c.id for c in sorted(data["cases"], key=lambda c: (c.received_on, c.number_seq))]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) and i[12] == "7" and i[16] in "89ab" for i in ids)
    assert len(set(ids)) == len(ids)


# --------------------------------------------------------------------------- organisation and people


def test_unit_villages_groups_and_staff(data):
    unit, areas = data["unit"], data["areas"]
    assert unit.name == "青石镇人民调解委员会" and unit.short_name == "青"
    villages = [a for a in areas.values() if a.level == "village"]
    assert 8 <= len(villages) <= 12
    assert "东山村" in {v.name for v in villages}
    for v in villages:
        groups = [a for a in areas.values() if a.parent_id == v.id and a.level == "group"]
        assert 2 <= len(groups) <= 5
        assert v.initials and v.code.startswith("361002")
    roles = Counter(r for s in data["staff"] for r in s.roles)
    assert roles["grid_worker"] == len(villages)
    assert 3 <= roles["leader"] <= 5 and roles["unit_head"] == 1 and roles["mediator"] >= 3
    posts = {s.post for s in data["staff"] if "leader" in s.roles}
    assert {"镇党委书记", "镇长"} <= posts
    for s in data["staff"]:
        assert check_phone(s.phone).kind == "mobile", s


def test_every_party_id_number_is_valid(data):
    persons = [p for p in data["parties"].values() if p.kind == "person"]
    orgs = [p for p in data["parties"].values() if p.kind == "organisation"]
    assert len(persons) > 1000 and len(orgs) >= 10
    legacy = 0
    for p in persons:
        check = check_id_number(p.id_number, TODAY)
        assert check.valid, (p.name, p.id_number, check.error)
        assert check.legacy15 == p.id_legacy
        legacy += p.id_legacy
        assert check.sex == p.sex and check.birth_date == p.birth_date
        assert 1936 <= p.birth_date.year <= 2006
        assert p.id_number[:2] in ("36", "35") or p.id_number[:6] in ("360124",)
    assert 0 < legacy < len(persons) * 0.05
    assert sum(p.id_number[:6] in ("361002", "362502") for p in persons) > 0.85 * len(persons)
    for o in orgs:
        assert check_unified_credit_code(o.id_number).valid, (o.name, o.id_number)
        assert o.legal_representative
    names = [o.name for o in orgs]
    assert any(n.endswith("村民委员会") for n in names) and any("建筑" in n for n in names)
    assert len({p.id_number for p in data["parties"].values()}) == len(data["parties"])


def test_every_phone_is_valid(data):
    kinds = Counter()
    for p in data["parties"].values():
        if not p.phone:
            continue
        check = check_phone(p.phone)
        assert check.valid and check.normalized == p.phone, p.phone
        kinds[check.kind] += 1
    assert kinds["mobile"] > 10 * kinds["landline"] > 0
    assert any(p.phone.startswith("0794-") for p in data["parties"].values())


def test_names_with_rare_characters_and_special_surnames(data):
    names = {p.name for p in data["parties"].values()}
    joined = "".join(names)
    for ch in ("𠮷", "喆", "堃", "昇", "镕"):
        assert ch in joined, ch
    assert {"张𠮷", "李喆", "王堃", "陈昇", "刘镕"} <= names
    for surname in ("单", "曾", "解", "仇", "朴", "区", "查", "欧阳", "司马"):
        assert any(n.startswith(surname) for n in names), surname
    # the featured people are parties of cases, not just rows in the party table
    linked = {data["parties"][link.party_id].name for link in data["links"]}
    assert {"张𠮷", "李喆"} <= linked


def test_people_come_back_in_several_cases(data):
    per_party = Counter(link.party_id for link in data["links"] if link.role != "agent")
    assert max(per_party.values()) >= 3
    assert sum(1 for n in per_party.values() if n > 1) > 20


# --------------------------------------------------------------------------- cases


def test_every_status_category_and_source_present(data):
    cases = data["cases"]
    for kind, statuses in (("dispute", vocab.DISPUTE_STATUSES), ("petition", vocab.PETITION_STATUSES)):
        present = {c.status for c in cases if c.kind == kind}
        assert present == set(statuses), (kind, set(statuses) - present)
    cats = {c.category for c in cases} | {c.subcategory for c in cases}
    assert {i.code for i in vocab.items("category")} <= cats
    for c in cases:
        item = vocab.item("category", c.subcategory or c.category)
        assert (item.parent or item.code) == c.category
    assert {c.source for c in cases} == set(vocab.codes("source"))
    counts = Counter(c.category for c in cases if c.kind == "dispute")
    common = [code for code, _n in counts.most_common(6)]
    assert {"marriage_family", "neighbour", "housing_homestead"} <= set(common)


def test_old_cases_are_mostly_closed_and_recent_ones_open(data):
    old = [c for c in data["cases"] if (TODAY - c.received_on).days > 180]
    recent = [c for c in data["cases"] if (TODAY - c.received_on).days <= 7]
    assert sum(vocab.is_closed(c.kind, c.status) for c in old) > 0.9 * len(old)
    assert sum(not vocab.is_closed(c.kind, c.status) for c in recent) > 0.6 * len(recent)
    assert min(c.received_on for c in data["cases"]) >= add_months(TODAY, -18)
    assert max(c.received_on for c in data["cases"]) <= TODAY
    overdue = [c for c in data["cases"] if c.due_on is not None and c.due_on < TODAY]
    assert overdue and len(overdue) < 0.1 * len(data["cases"])


def test_dates_agree_with_each_other_and_with_the_status(data):
    for c in data["cases"]:
        chain = [c.received_on, c.accepted_on, c.resolved_on, c.closed_on, c.closed_out_on, c.archived_on, TODAY]
        known = [d for d in chain if d is not None]
        assert known == sorted(known), (c.number, c.status, chain)
        closed = vocab.is_closed(c.kind, c.status)
        assert (c.closed_on is not None) == closed, (c.number, c.status)
        assert c.closed_out_on is None or closed
        assert (c.archived_on is not None) == (c.status == "archived")
        if c.kind == "dispute":
            assert c.accepted_on is not None
            if c.status in ("agreed", "oral_agreed", "following_up") or c.outcome in vocab.RESOLVED_OUTCOMES:
                assert c.resolved_on == c.closed_on == c.agreement_effective_on
                assert c.outcome in vocab.RESOLVED_OUTCOMES and c.agreement_terms
                written = c.outcome == "written_agreement"
                assert (c.agreement_copies >= 3) == written
            if c.status in ("failed", "transferred"):
                assert c.outcome in ("failed", "terminated", "transferred") and c.outcome_note
            if c.status == "archived":
                assert c.outcome and c.closed_out_on is not None
                parsed = parse_number(data["patterns"]["archive"], c.archive_number)
                assert parsed == (c.archived_on.year, "青", c.archive_seq)
            if c.extension_days:
                assert c.extension_days in (15, 30) and c.extension_reason
            assert not c.petition_type and not c.channel
            if c.jc_decided_on:
                assert c.agreement_effective_on <= c.jc_applied_on <= c.jc_decided_on
        else:
            stages = [c.received_on, c.notice_on, c.replied_on, c.review_requested_on, c.reviewed_on,
                      c.rereview_requested_on, c.rereviewed_on, c.closed_on, c.archived_on]
            known = [d for d in stages if d is not None]
            assert known == sorted(known), (c.number, c.status, stages)
            assert c.petition_type and c.channel
            if c.accepted_on:
                assert c.notice_on == c.accepted_on
            if c.status in ("replied", "review_requested", "reviewed", "rereview_requested", "rereviewed"):
                assert c.replied_on and c.decision and c.reply_text and c.legal_basis
            if c.status in ("review_requested", "reviewed", "rereview_requested", "rereviewed"):
                assert c.petition_type == "claim" and c.review_requested_on
            if c.status in ("rereviewed",):
                assert c.rereviewed_on and c.rereview_result
            if c.extension_days:
                assert 0 < c.extension_days <= 30 and c.extension_approver and c.extension_reason
            if c.status == "assigned_out":
                assert c.assigned_to
            if c.status == "legal_channel":
                assert c.legal_channel in ("court", "arbitration", "admin_review")


def test_numbers_unique_consecutive_and_sequences_continue(big, data):
    desk = big[0]
    patterns, unit = data["patterns"], data["unit"]
    numbers = [c.number for c in data["cases"]]
    assert len(set(numbers)) == len(numbers)
    by_scope = defaultdict(list)
    for c in data["cases"]:
        assert c.number == format_number(patterns[c.kind], c.number_year, "青", c.number_seq)
        assert c.number_year == c.received_on.year
        by_scope[(c.kind, c.number_year)].append(c)
    for (kind, year), group in by_scope.items():
        seqs = sorted(c.number_seq for c in group)
        assert seqs == list(range(1, len(seqs) + 1)), (kind, year)
        ordered = sorted(group, key=lambda c: c.number_seq)
        assert [c.received_on for c in ordered] == sorted(c.received_on for c in ordered)
    seq = {(s.scope, s.year): s.last_value for s in data["sequences"]}
    for (kind, year), group in by_scope.items():
        assert seq[(kind, year)] == len(group)
    archives = [c.archive_seq for c in data["cases"] if c.archive_number]
    assert len(set(archives)) <= len(archives)
    for year in {c.archived_on.year for c in data["cases"] if c.archive_number}:
        used = sorted(c.archive_seq for c in data["cases"] if c.archive_number and c.archived_on.year == year)
        assert used == list(range(1, len(used) + 1)) and seq[("archive", year)] == len(used)
    for scope in ("contract", "risk"):
        assert any(s == scope for s, _y in seq)
    # the next registration continues after the demo's numbers
    from mediation_desk.services import cases as case_service

    before = seq[("dispute", TODAY.year)]
    new = case_service.register_case(desk, "dispute", {"title": "演示后登记的新纠纷", "received_on": TODAY})
    assert new.number_seq == before + 1
    assert new.number == format_number(patterns["dispute"], TODAY.year, unit.short_name, before + 1)
    case_service.void_case(desk, new.id, "测试用，作废")


def test_due_on_is_what_the_services_compute(data):
    rules, calendar = data["rules"], data["calendar"]
    assert calendar.holidays, "a holiday list for the years covered"
    for c in data["cases"]:
        assert c.due_on == case_deadlines.current_due(c, rules, calendar), (c.number, c.status)
    assert any(c.due_on is not None for c in data["cases"])


def test_case_contents_read_like_ledger_entries(data):
    for c in data["cases"]:
        assert c.title and "{" not in c.title and "}" not in c.title, c.title
        assert len(c.description) > 20 and "{" not in c.description and "}" not in c.description
        assert c.claims and c.risk_grade in ("high", "medium", "low")
        if c.risk_colour:
            assert vocab.risk_colour_grade(c.risk_colour) == c.risk_grade
        assert c.is_group == (c.people_involved >= 5)
        assert c.mediator_id and c.recorder_id and c.area_id
        if c.is_major:
            assert c.major_reported_at is not None and c.risk_grade == "high"
        for field_ in (c.agreement_terms, c.agreement_facts, c.reply_text, c.outcome_note):
            assert "{" not in field_ and "}" not in field_
    people = [c.people_involved for c in data["cases"]]
    assert sum(p >= 5 for p in people) > 20 and any(p >= 50 for p in people)
    assert any(c.may_turn_criminal for c in data["cases"]) and any(c.is_backlog for c in data["cases"])
    assert any(c.amount_involved and c.amount_involved >= 10000 for c in data["cases"])


def test_marriage_and_family_particulars(data):
    family = [c for c in data["cases"] if c.category == "marriage_family"]
    dv = [c for c in family if c.dv_type]
    assert dv and all(c.dv_type in vocab.codes("dv_type") for c in dv)
    assert any(c.dv_warning_letter_on for c in dv) and any(c.minors_count for c in family)
    orders = [c for c in family if c.po_ruled_on]
    assert orders
    for c in orders:
        assert c.po_applied_on <= c.po_ruled_on < c.po_expires_on <= add_months(c.po_ruled_on, 6)
    for c in family:
        assert c.minors_count == len(c.minors_ages)
        assert set(c.referrals) <= set(vocab.codes("referral"))
        if c.subcategory in ("divorce", "domestic_violence"):
            assert c.not_public
    assert any(c.divorce_registered_on for c in family)
    assert any(c.referrals for c in family)
    assert {c.source for c in data["cases"] if c.source in ("hotline_12338", "women_home", "marriage_registry")} \
        <= {c.source for c in family}


def test_parties_of_each_kind_of_case(data):
    by_case = defaultdict(list)
    for link in data["links"]:
        by_case[link.case_id].append(link)
    for c in data["cases"]:
        links = by_case[c.id]
        roles = Counter(link.role for link in links)
        if c.kind == "dispute":
            assert roles["applicant"] >= 1 and roles["respondent"] == 1 and roles["petitioner"] == 0
        else:
            assert roles["petitioner"] >= 1 and roles["applicant"] == 0
            reps = [link for link in links if link.is_representative]
            assert len(reps) <= 5 and c.representatives_count == len(reps)
        for link in links:
            if link.role == "agent":
                assert link.agent_for_id in {x.party_id for x in links}
    assert any(len(by_case[c.id]) >= 4 for c in data["cases"])
    assert any(link.role == "third_party" for link in data["links"])
    assert any(link.is_representative for link in data["links"])


def test_repeat_and_level_skipping_petitions(data):
    cases = data["case_by_id"]
    petitioners = defaultdict(set)
    for link in data["links"]:
        if link.role == "petitioner":
            petitioners[link.case_id].add(link.party_id)
    repeats = [c for c in data["cases"] if c.is_repeat]
    assert repeats
    for c in repeats:
        original = cases[c.original_case_id]
        assert original.kind == "petition" and not original.is_repeat
        assert original.received_on < c.received_on
        assert petitioners[c.id] & petitioners[original.id]
        assert original.category == c.category
    assert all(c.original_case_id is None for c in data["cases"] if not c.is_repeat)
    assert any(c.is_level_skipping and c.received_from for c in data["cases"])


def test_events_follow_the_status(data):
    events = defaultdict(list)
    for e in data["events"]:
        events[e.case_id].append(e)
    kinds = Counter(e.kind for e in data["events"])
    for kind in ("register", "investigation", "mediation_session", "agreement", "follow_up", "extension",
                 "transfer", "status_change", "archive", "judicial_confirmation", "screening_check", "note"):
        assert kinds[kind], kind
    for c in data["cases"]:
        evs = sorted(events[c.id], key=lambda e: (e.occurred_on, e.created_at))
        assert evs[0].kind == "register" and evs[0].occurred_on == c.received_on
        assert all(c.received_on <= e.occurred_on <= TODAY for e in evs)
        changes = [e for e in evs if e.kind == "status_change"]
        if c.status != "registered":
            assert changes and changes[-1].content.endswith(vocab.status_label(c.kind, c.status)), c.number
        else:
            assert not changes
        if c.outcome in ("written_agreement", "oral_agreement"):
            assert any(e.kind == "agreement" and e.occurred_on == c.resolved_on for e in evs)
        if c.extension_days and c.kind == "dispute":
            ext = [e for e in evs if e.kind == "extension"]
            assert ext and ext[0].consent is True and ext[0].extension_days == c.extension_days
        if c.closed_out_on:
            assert any(e.kind == "note" and e.content == "台账销号" for e in evs)
    questioned = [e for e in data["events"] if e.kind == "investigation"]
    assert all(e.person_questioned and e.content.startswith("问：") for e in questioned)
    sessions = [e for e in data["events"] if e.kind == "mediation_session"]
    assert all(e.place and e.participants for e in sessions)


# --------------------------------------------------------------------------- screening


def test_screening_grid_has_every_kind_of_cell(data):
    rules, areas = data["rules"], data["areas"]
    villages = [a for a in areas.values() if a.level == "village"]
    by_cell = {(r.area_id, r.period_start.year, r.period_start.month): r for r in data["rounds"]}
    assert len(by_cell) == len(data["rounds"])
    months = sorted({(r.period_start.year, r.period_start.month) for r in data["rounds"]})
    assert len(months) == 18
    due_months = [m for m in months if screening_report_due(m[0], m[1], rules) < TODAY]
    states = Counter()
    for v in villages:
        for y, m in due_months:
            r = by_cell.get((v.id, y, m))
            if r is None:
                states["missing"] += 1
            elif r.is_zero_report:
                states["zero"] += 1
            elif r.submitted_on > screening_report_due(y, m, rules):
                states["late"] += 1
            else:
                states["done"] += 1
    assert states["done"] > 0.75 * sum(states.values())
    assert states["zero"] and states["late"] and states["missing"], states
    # the most recent due month is missing for one or two villages
    last = due_months[-1]
    missing_last = [v for v in villages if (v.id, *last) not in by_cell]
    assert 1 <= len(missing_last) <= 3
    entries = defaultdict(list)
    for e in data["entries"]:
        entries[e.round_id].append(e)
    for r in data["rounds"]:
        assert r.period_start <= r.screened_on <= r.period_end and r.screened_on <= r.submitted_on <= TODAY
        assert r.screeners and r.signed_by and r.scope and r.method
        if r.is_zero_report:
            assert not entries[r.id] and "未发现矛盾纠纷" in r.findings
        for e in entries[r.id]:
            case = data["case_by_id"][e.case_id]
            village = case.area_id if areas[case.area_id].level == "village" else areas[case.area_id].parent_id
            assert village == r.area_id
            assert case.received_on <= r.screened_on
            if e.is_new:
                assert case.source in ("screening", "grid_report")
            else:
                assert case.closed_out_on is None or case.closed_out_on > r.screened_on
    screened_cases = {e.case_id for e in data["entries"] if e.is_new}
    for c in data["cases"]:
        if c.source == "screening":
            assert c.id in screened_cases
    assert any(not e.is_new for e in data["entries"])


# --------------------------------------------------------------------------- contracts and risk


def test_leader_contracts(data):
    rules, calendar, cases = data["rules"], data["calendar"], data["case_by_id"]
    contracts = data["contracts"]
    hard = [c for c in data["cases"] if c.risk_grade == "high" or c.is_backlog or c.is_repeat]
    assert 0.25 * len(hard) < len(contracts) < 0.55 * len(hard)
    leaders = {s.id: s for s in data["staff"] if "leader" in s.roles}
    statuses = Counter(c.status for c in contracts)
    assert statuses["in_progress"] and len(statuses) >= 4
    numbers = [c.number for c in contracts]
    assert len(set(numbers)) == len(numbers) and all("包字第" in n for n in numbers)
    progress = defaultdict(list)
    for p in data["progress"]:
        progress[p.contract_id].append(p)
    for lc in contracts:
        case = cases[lc.case_id]
        assert lc.leader_id in leaders and lc.leader_name == leaders[lc.leader_id].name and lc.leader_post
        assert check_phone(lc.leader_phone).valid
        assert case.received_on <= lc.assigned_on <= TODAY
        assert lc.deadline_on == contract_deadline(lc.assigned_on, lc.extension_months, rules, calendar)
        assert lc.extension_months in (0, 1) and lc.extension_count == (1 if lc.extension_months else 0)
        if lc.extension_months:
            assert lc.extension_reason and lc.extension_approver
        assert lc.plan and lc.task_team and lc.responsible_unit
        if lc.status == "in_progress":
            assert lc.closed_on is None
        else:
            assert lc.assigned_on <= lc.closed_on <= TODAY
            assert lc.close_approver and lc.satisfaction and len(lc.checklist) == 5
        months = [p.month for p in progress[lc.id]]
        assert months and months == sorted(months) and len(set(months)) == len(months)
        assert all(lc.assigned_on <= p.entry_on <= (lc.closed_on or TODAY) for p in progress[lc.id])
    assert any(lc.extension_months for lc in contracts)


def test_risk_assessments(data):
    risks = data["risks"]
    assert len(risks) == max(3, N_CASES // 200)
    assert any(r.case_id for r in risks) and any(r.case_id is None for r in risks)
    assert {r.level for r in risks} >= {"low", "medium"}
    for r in risks:
        assert r.in_favour + r.against + r.neutral == r.surveyed
        suggestion = suggest_risk_level(r.in_favour, r.against, r.neutral, r.dimensions)
        assert r.suggested_level == suggestion.level
        assert (r.level != r.suggested_level) == bool(r.override_reason)
        assert r.decision_outcome in vocab.codes("decision_outcome")
        assert set(r.methods) <= set(vocab.codes("assessment_method")) and r.risk_points
        assert "稳评字第" in r.number and r.assessed_on <= TODAY
        if r.filed_on:
            assert r.assessed_on <= r.filed_on <= TODAY


# --------------------------------------------------------------------------- services on the demo data


def test_register_queries_work_on_the_demo(big, data):
    desk = big[0]
    total = register.count_cases(desk)
    assert total == N_CASES  # the one case registered by another test is voided
    page = register.query_cases(desk, register.CaseFilter(kind="petition"), sort="due_on", limit=50)
    assert page and all(r.kind == "petition" for r in page)
    assert register.count_cases(desk, register.CaseFilter(category="marriage_family")) == sum(
        1 for c in data["cases"] if c.category == "marriage_family")
    assert register.count_cases(desk, register.CaseFilter(overdue=True)) == sum(
        1 for c in data["cases"] if c.due_on is not None and c.due_on < TODAY)
    month = f"{TODAY.year}-{TODAY.month:02d}"
    assert register.count_cases(desk, register.CaseFilter(month=month)) == sum(
        1 for c in data["cases"] if (c.received_on.year, c.received_on.month) == (TODAY.year, TODAY.month))
    village = next(a for a in data["areas"].values() if a.level == "village" and a.name == "东山村")
    rows = register.query_cases(desk, register.CaseFilter(area_id=village.id), limit=None)
    assert rows and all(r.area_name for r in rows)
    found = register.query_cases(desk, register.CaseFilter(text="𠮷"), limit=None)
    assert found and all("𠮷" in r.party_names for r in found)
    by_name = register.query_cases(desk, register.CaseFilter(text="东山村"), limit=None)
    assert len(by_name) >= len([c for c in data["cases"] if c.area_id == village.id])


def test_generate_into_an_existing_unit_uses_its_areas(desk):
    """The conftest `desk` has a unit, two villages with one group each and three staff."""
    with desk.read() as s:
        before_areas = {a.id for a in s.exec(select(Area))}
        villages = {a.id for a in s.exec(select(Area).where(Area.level == "village"))}
        unit = s.exec(select(Unit)).one()
    first = demo.generate(desk, cases=300, seed=5)
    assert first.units == 0 and first.areas == 0
    with desk.read() as s:
        assert {a.id for a in s.exec(select(Area))} == before_areas
        cases = list(s.exec(select(Case)))
        areas = {a.id: a for a in s.exec(select(Area))}
        assert all(c.unit_id == unit.id for c in cases)
        for c in cases:
            village = c.area_id if areas[c.area_id].level == "village" else areas[c.area_id].parent_id
            assert village in villages
        staff = list(s.exec(select(Staff)))
        assert "李明" in {x.name for x in staff}
        assert sum("grid_worker" in x.roles for x in staff) == 2
    # a second run continues the numbers and never collides with the first
    second = demo.generate(desk, cases=200, seed=5)
    assert second.cases == 200
    with desk.read() as s:
        numbers = [r[0] for r in s.execute(text('SELECT number FROM "case"'))]
        assert len(numbers) == len(set(numbers)) == 500
        seqs = s.execute(text("SELECT kind, number_year, max(number_seq), count(*) FROM \"case\" "
                              "GROUP BY kind, number_year")).all()
        last = {(r[0], r[1]): r[2] for r in s.execute(text("SELECT scope, year, last_value FROM number_sequence"))}
        for kind, year, top, count in seqs:
            assert top == count and last[(kind, year)] == top
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []


def test_demo_desk_fixture(demo_desk):
    assert register.count_cases(demo_desk) == 300
    with demo_desk.read() as s:
        assert s.execute(text("SELECT count(*) FROM screening_round")).scalar() > 100
        assert s.execute(text("SELECT count(*) FROM leader_contract")).scalar() > 0
