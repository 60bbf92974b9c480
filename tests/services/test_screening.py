"""Screening rounds (排查): zero reports, findings, re-checks, the month × village grid, major items."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from mediation_desk.services import cases, organisation, screening
from mediation_desk.services.context import ServiceError
from mediation_desk.services.parties import FieldError, PartyInput
from mediation_desk.services.screening import NewFinding, Recheck, RoundInput
from mediation_desk.store.models import AuditEntry, Case, CaseEvent, ScreeningEntry, ScreeningRound


def _village(desk, name="东山村"):
    return next(v for v in organisation.villages(desk) if v.name == name)


def _case(desk, village, received="2026-09-10", **extra):
    fields = {"title": extra.pop("title", "张三与李四宅基地纠纷"), "category": "homestead", "area_id": village.id,
              "received_on": received}
    fields.update(extra)
    return cases.register_case(desk, "dispute", fields)


def test_zero_report_is_recorded_and_shows_in_the_grid(desk):
    east = _village(desk)
    grid = screening.status_grid(desk, 2026, [10, 11, 12])
    assert grid.cell(east.id, "2026-10").status == "missing"
    staff = organisation.list_staff(desk)[0]
    result = screening.record_round(desk, RoundInput(
        area_id=east.id, screened_on=date(2026, 10, 12), submitted_on=date(2026, 10, 15), screeners=[staff.id],
        scope="全村6个村民小组", method="入户走访", signed_by="王村长", zero_report=True))
    rnd = result.round
    assert rnd.is_zero_report and result.entries == [] and result.new_case_ids == []
    assert rnd.period_start == date(2026, 10, 1) and rnd.period_end == date(2026, 10, 31)
    assert "未发现" in rnd.findings
    cell = screening.status_grid(desk, 2026, [10]).cell(east.id, "2026-10")
    assert cell.status == "zero" and cell.label == "零报告" and cell.zero
    view = screening.round_view(desk, rnd.id)
    assert view.screener_names == [staff.name] and view.area_name == "东山村" and not view.late
    with desk.read() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.entity == "screening_round",
                                                     AuditEntry.entity_id == rnd.id)).first() is not None


def test_zero_report_with_findings_is_refused(desk):
    east = _village(desk)
    with pytest.raises(ServiceError, match="零报告"):
        screening.record_round(desk, RoundInput(
            area_id=east.id, screened_on=date(2026, 11, 5), zero_report=True,
            new_findings=[NewFinding({"title": "某纠纷"})]))


def test_round_registers_a_new_case_and_rechecks_an_open_one(desk):
    east = _village(desk)
    group = organisation.add_area(desk, "二组", "group", east.id)
    old = _case(desk, east, risk_grade="medium")
    result = screening.record_round(desk, RoundInput(
        area_id=east.id, screened_on=date(2026, 11, 6), submitted_on=date(2026, 11, 8), signed_by="王村长",
        new_findings=[NewFinding({"title": "赵六与钱七相邻通行纠纷", "category": "neighbour_adjacency",
                                  "area_id": group.id, "description": "因修路占用通道发生争执"},
                                 parties=[PartyInput("applicant", fields={"name": "赵六"})],
                                 progress="已组织双方现场查看")],
        rechecks=[Recheck(old.id, "走访双方，双方同意再次调解", risk_grade="high", escalation="raise")]))
    assert not result.round.is_zero_report
    assert len(result.entries) == 2 and len(result.new_case_ids) == 1
    with desk.read() as session:
        new = session.get(Case, result.new_case_ids[0])
        assert new.source == "screening" and new.area_id == group.id and new.received_on == date(2026, 11, 6)
        refreshed = session.get(Case, old.id)
        assert refreshed.risk_grade == "high" and refreshed.version == old.version + 1
        entries = session.exec(select(ScreeningEntry).where(ScreeningEntry.round_id == result.round.id)).all()
        by_case = {e.case_id: e for e in entries}
        assert by_case[new.id].is_new and by_case[new.id].progress
        recheck = by_case[old.id]
        assert not recheck.is_new and recheck.escalation == "raise" and recheck.risk_grade == "high"
        assert recheck.progress == "走访双方，双方同意再次调解"
        events = session.exec(select(CaseEvent).where(CaseEvent.case_id == old.id,
                                                      CaseEvent.kind == "screening_check")).all()
        assert len(events) == 1 and "提级" in events[0].result
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "case", AuditEntry.entity_id == old.id,
                                                      AuditEntry.action == "update")).all()
        assert any((a.after or {}).get("risk_grade") == "high" and (a.before or {}).get("risk_grade") == "medium"
                   for a in audit)
    cell = screening.status_grid(desk, 2026, [11]).cell(east.id, "2026-11")
    assert cell.status == "done" and cell.entries == 2
    # the high grade makes the re-checked case a major item to report at once
    assert [m.case_id for m in result.major] == [old.id]


def test_lowering_the_grade_clears_a_contradicting_colour(desk):
    east = _village(desk)
    old = _case(desk, east, risk_colour="red")
    assert old.risk_grade == "high"
    screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 6),
                                            rechecks=[Recheck(old.id, "已稳控", risk_grade="low", escalation="lower")]))
    case = cases.get_case(desk, old.id)
    assert case.risk_grade == "low" and case.risk_colour == ""


def test_a_second_round_for_the_same_period_is_refused_until_voided(desk):
    east = _village(desk)
    first = screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 3)))
    with pytest.raises(ServiceError, match="已经登记过"):
        screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 20)))
    with pytest.raises(FieldError):
        screening.void_round(desk, first.round.id, " ")
    screening.void_round(desk, first.round.id, "录错了村")
    again = screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 20)))
    assert again.round.id != first.round.id
    assert [v.round.id for v in screening.rounds_in_month(desk, "2026-11")] == [again.round.id]


@pytest.mark.parametrize("bad, match", [
    (dict(screened_on=date(2026, 12, 1)), "不能晚于今天"),
    (dict(screened_on=date(2026, 11, 5), submitted_on=date(2026, 11, 1)), "报送日期不能早于"),
    (dict(screened_on=date(2026, 11, 5), period_kind="week"), "排查周期"),
    (dict(screened_on=date(2026, 11, 5), rechecks=[Recheck("nope", "x")]), "不存在"),
    (dict(screened_on=date(2026, 11, 5), new_findings=[NewFinding({"title": " "})]), "事件名称"),
    (dict(screened_on=date(2026, 11, 5), new_findings=[NewFinding({"title": "x"}, escalation="up")]), "提级"),
])
def test_bad_rounds_are_refused_in_chinese(desk, bad, match):
    east = _village(desk)
    with pytest.raises(ServiceError, match=match):
        screening.record_round(desk, RoundInput(area_id=east.id, **bad))
    with desk.read() as session:
        assert session.exec(select(ScreeningRound)).all() == []


def test_recheck_needs_progress_and_an_open_case(desk):
    from mediation_desk.services import ledger

    east = _village(desk)
    case = _case(desk, east)
    with pytest.raises(FieldError, match="本月工作情况"):
        screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 5),
                                                rechecks=[Recheck(case.id, "  ")]))
    cases.change_status(desk, case.id, "mediating", "2026-10-01")
    cases.change_status(desk, case.id, "failed", "2026-10-02")
    ledger.close_out(desk, case.id, date(2026, 10, 5), "王芳")
    with pytest.raises(ServiceError, match="销号"):
        screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 5),
                                                rechecks=[Recheck(case.id, "回访")]))


def test_cases_registered_for_a_failed_round_are_voided(desk, monkeypatch):
    east = _village(desk)

    def boom(*_a, **_k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(screening, "_write_round", boom)
    with pytest.raises(RuntimeError):
        screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 5),
                                                new_findings=[NewFinding({"title": "新纠纷"})]))
    with desk.read() as session:
        registered = session.exec(select(Case)).all()
        assert len(registered) == 1 and registered[0].voided and "排查" in registered[0].void_reason
        assert session.exec(select(ScreeningRound)).all() == []


def test_grid_statuses_missing_late_pending_future(desk):
    east, west = _village(desk), _village(desk, "西河村")
    screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 9, 10),
                                            submitted_on=date(2026, 9, 25)))
    screening.record_round(desk, RoundInput(area_id=west.id, screened_on=date(2026, 9, 18),
                                            submitted_on=date(2026, 9, 20)))
    grid = screening.status_grid(desk, 2026)
    assert grid.cell(east.id, "2026-09").status == "late"
    assert grid.cell(east.id, "2026-09").alert
    assert grid.cell(west.id, "2026-09").status == "zero"  # on time, nothing found
    assert grid.cell(west.id, "2026-11").status == "missing"  # today is the 27th, due the 20th
    assert grid.cell(west.id, "2026-12").status == "future"
    assert grid.counts("2026-09")["late"] == 1 and grid.counts("2026-11")["missing"] == 2
    desk.today_override = date(2026, 11, 10)
    assert screening.status_grid(desk, 2026, [11]).cell(west.id, "2026-11").status == "pending"


def test_report_due_day_is_a_setting(desk):
    from mediation_desk.services import settings

    east = _village(desk)
    screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 10, 20),
                                            submitted_on=date(2026, 10, 25)))
    assert screening.status_grid(desk, 2026, [10]).cell(east.id, "2026-10").status == "late"
    settings.put(desk, settings.DEADLINES_KEY, {"screening_report_day": 25})
    assert screening.status_grid(desk, 2026, [10]).cell(east.id, "2026-10").status == "zero"


def test_half_month_schedule_counts_both_halves(desk):
    east = _village(desk)
    screening.set_period_kind(desk, "half_month", east.id)
    screening.record_round(desk, RoundInput(area_id=east.id, period_kind="half_month", screened_on=date(2026, 10, 14)))
    cell = screening.status_grid(desk, 2026, [10]).cell(east.id, "2026-10")
    assert cell.status == "missing" and (cell.reported, cell.expected) == (1, 2) and cell.label == "未报 1/2"
    screening.record_round(desk, RoundInput(area_id=east.id, period_kind="half_month", screened_on=date(2026, 11, 14),
                                            submitted_on=date(2026, 11, 15)))
    cell = screening.status_grid(desk, 2026, [11]).cell(east.id, "2026-11")
    assert cell.status == "zero" and cell.label == "零报告 1/2"  # second half due on the 30th
    # a monthly round satisfies the half-month schedule of its month
    screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 9, 10)))
    assert screening.status_grid(desk, 2026, [9]).cell(east.id, "2026-09").reported == 2


def test_major_items_are_flagged_and_their_report_time_recorded(desk):
    east = _village(desk)
    result = screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 6), new_findings=[
        NewFinding({"title": "某企业拖欠12名农民工工资", "category": "labour_wage_arrears", "people_involved": 12}),
        NewFinding({"title": "邻里口角", "category": "neighbour", "risk_grade": "low"}),
        NewFinding({"title": "兄弟争产扬言报复", "category": "inheritance", "may_turn_criminal": True},
                   reported_at=datetime(2026, 11, 6, 9, 30, tzinfo=timezone.utc)),
    ]))
    flagged = {m.title: m for m in result.major}
    assert set(flagged) == {"某企业拖欠12名农民工工资"}
    assert flagged["某企业拖欠12名农民工工资"].reasons == ["群体性"]
    pending = screening.pending_major(desk)
    assert [m.title for m in pending] == ["某企业拖欠12名农民工工资"]
    case_id = pending[0].case_id
    at = datetime(2026, 11, 6, 10, 5, tzinfo=timezone.utc)
    screening.report_major(desk, case_id, at, to="镇综治中心")
    assert screening.pending_major(desk) == []
    with desk.read() as session:
        case = session.get(Case, case_id)
        assert case.is_major and case.major_reported_at.replace(tzinfo=timezone.utc) == at
        entry = session.exec(select(ScreeningEntry).where(ScreeningEntry.case_id == case_id)).one()
        assert entry.major_reported_at is not None
        criminal = session.exec(select(Case).where(Case.title == "兄弟争产扬言报复")).one()
        assert criminal.is_major and criminal.major_reported_at is not None
    alerts = screening.dashboard_alerts(desk)
    assert not any(a.kind == "major" for a in alerts)


def test_dashboard_alerts_and_status_records(desk):
    east = _village(desk)
    screening.record_round(desk, RoundInput(area_id=east.id, screened_on=date(2026, 11, 2),
                                            submitted_on=date(2026, 11, 3)))
    alerts = screening.dashboard_alerts(desk)
    kinds = {(a.kind, a.month, a.area_id) for a in alerts}
    west = _village(desk, "西河村")
    assert ("missing", "2026-11", west.id) in kinds
    assert ("missing", "2026-10", east.id) in kinds
    assert not any(a.area_id == east.id and a.month == "2026-11" for a in alerts)
    records = {r["village"]: r for r in screening.status_records(desk, "2026-11")}
    assert records["东山村"]["status"] == "zero" and records["东山村"]["submitted_on"] == "2026-11-03"
    assert records["西河村"]["status"] == "missing" and records["西河村"]["due_on"] == "2026-11-20"


def test_open_cases_for_recheck_are_the_ledger_items_of_the_village(desk):
    from mediation_desk.services import ledger

    east, west = _village(desk), _village(desk, "西河村")
    a = _case(desk, east, title="甲")
    b = _case(desk, west, title="乙")
    c = _case(desk, east, title="丙")
    cases.change_status(desk, c.id, "failed", "2026-10-01")
    ledger.close_out(desk, c.id, date(2026, 10, 2))
    assert [x.id for x in screening.open_cases_for_recheck(desk, east.id)] == [a.id]
    assert {x.id for x in screening.open_cases_for_recheck(desk, None)} == {a.id, b.id}


def test_month_text_parsing():
    assert screening.parse_month("2026-11") == (2026, 11)
    for bad in ("2026-13", "2026/11", "", "十一月"):
        with pytest.raises(ServiceError, match="格式不正确"):
            screening.parse_month(bad)
    assert screening.period_bounds("half_month", date(2026, 2, 20)) == (date(2026, 2, 16), date(2026, 2, 28))
    assert screening.period_text("half_month", date(2026, 2, 16), date(2026, 2, 28)) == "2026年2月下半月"
