"""稳评 services: saving with the suggested level, confirming and overriding (refused without a
reason, both kept), validation, filing and follow-up, voiding, audit, the quarterly counts, the
leader contract a high level on a case suggests, and the demo's older JSON shapes."""

from __future__ import annotations

import sys
import types
from datetime import date, timedelta

import pytest
from sqlmodel import select

from mediation_desk.services import cases, risk
from mediation_desk.services.context import ServiceError
from mediation_desk.services.parties import FieldError
from mediation_desk.services.risk import (
    ADOPT_SUGGESTED, AssessmentInput, DimensionInput, FollowUpInput, PartyViewInput, RiskFilter, RiskPointInput)
from mediation_desk.store.models import AuditEntry, GeneratedDocument, LeaderContract, RiskAssessment

TODAY = date(2026, 11, 27)
PASS_ALL = {code: DimensionInput("pass", "经审查符合") for code in ("legality", "reasonableness", "feasibility",
                                                                 "controllability")}


def matter(**kw) -> AssessmentInput:
    """A matter that the rule grades low (90 % for, every dimension passes)."""
    base = dict(title="西河村村规民约修订", matter_type="decision", description="修订村规民约，涉及全体村民。",
                responsible_unit="西河村村民委员会", responsible_leader="赵建国", contact_phone="13900001111",
                group_members="赵建国（组长）、李明", methods=["publicity", "questionnaire"], surveyed=100,
                in_favour=90, against=5, neutral=5, dimensions=dict(PASS_ALL),
                party_views=[PartyViewInput("村民代表", "要求公开修订程序", True, "已公示")],
                risk_points=[RiskPointInput("彩礼限额条款有不同意见", "low", "medium", "逐户解释")],
                mitigation="公开征求意见；逐户解释。", contingency="成立应急小组。", assessed_on=date(2026, 11, 10))
    base.update(kw)
    return AssessmentInput(**base)


def audits(desk, entity_id: str) -> list[AuditEntry]:
    with desk.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.entity == "risk_assessment",
                                                    AuditEntry.entity_id == entity_id)))


def count(desk) -> int:
    with desk.read() as s:
        return len(list(s.exec(select(RiskAssessment.id))))


def high_case(desk, title="张三与李四宅基地纠纷", received=date(2026, 11, 2), grade="high"):
    return cases.register_case(desk, "dispute", {"title": title, "category": "neighbour", "risk_grade": grade,
                                                 "received_on": received.isoformat()})


# --------------------------------------------------------------------------- saving


def test_create_allocates_the_number_stores_the_suggestion_and_audits(desk):
    r = risk.save_assessment(desk, matter())
    a = r.assessment
    assert r.created and a.number == "（2026）青稳评字第001号"
    assert (a.suggested_level, a.level, a.override_reason) == ("low", "", "")
    assert a.suggested_reason.startswith("建议等级为“低”，依据：反对意见占5.0%")
    assert a.dimensions["legality"] == {"finding": "pass", "note": "经审查符合", "risk_points": "", "severity": ""}
    assert a.risk_points == [{"text": "彩礼限额条款有不同意见", "likelihood": "low", "impact": "medium",
                              "measure": "逐户解释"}]
    assert [e.action for e in audits(desk, a.id)] == ["create"]
    second = risk.save_assessment(desk, matter(title="第二项"))
    assert second.assessment.number == "（2026）青稳评字第002号"


def test_override_without_a_reason_is_refused_and_nothing_is_saved(desk):
    with pytest.raises(FieldError) as info:
        risk.save_assessment(desk, matter(level="high"))
    assert info.value.field == "override_reason" and "改判必须写明理由" in str(info.value)
    with pytest.raises(FieldError):
        risk.save_assessment(desk, matter(level="high", override_reason="   "))
    assert count(desk) == 0
    r = risk.save_assessment(desk, matter(level="high", override_reason="涉及全体村民，社会影响面大，上调一级。",
                                          decision_outcome="postpone"))
    a = r.assessment
    assert (a.suggested_level, a.level) == ("low", "high") and r.overridden
    assert a.override_reason == "涉及全体村民，社会影响面大，上调一级。"


def test_confirming_the_suggestion_needs_no_reason_and_clears_a_stale_one(desk):
    r = risk.save_assessment(desk, matter(level=ADOPT_SUGGESTED, override_reason="不需要"))
    assert (r.assessment.level, r.assessment.override_reason) == ("low", "")
    assert not r.overridden
    r2 = risk.save_assessment(desk, matter(level="low"), r.assessment.id)
    assert r2.assessment.level == "low"


def test_confirm_level_service_and_changed_inputs_need_a_new_decision(desk):
    a = risk.save_assessment(desk, matter()).assessment
    with pytest.raises(FieldError):
        risk.confirm_level(desk, a.id, "medium")
    r = risk.confirm_level(desk, a.id, "medium", "个别户诉求尚未化解", decision_outcome="implement_adjusted")
    assert (r.assessment.suggested_level, r.assessment.level, r.assessment.decision_outcome) == (
        "low", "medium", "implement_adjusted")
    # the survey changes: the suggestion becomes medium, the confirmed medium is now a plain confirmation
    data = risk.input_from_row(r.assessment)
    data.in_favour, data.against = 65, 30
    r2 = risk.save_assessment(desk, data, a.id)
    assert (r2.assessment.suggested_level, r2.assessment.level, r2.assessment.override_reason) == ("medium", "medium", "")
    # … and when it becomes high, keeping "medium" without a reason is refused
    data = risk.input_from_row(r2.assessment)
    data.in_favour, data.against = 40, 55
    with pytest.raises(FieldError):
        risk.save_assessment(desk, data, a.id)
    assert risk.get_assessment(desk, a.id).suggested_level == "medium"  # nothing half-saved
    actions = [e.action for e in audits(desk, a.id)]
    assert actions == ["create", "update", "update"]


@pytest.mark.parametrize("changes, field, words", [
    (dict(title="  "), "title", "请填写评估事项名称"),
    (dict(surveyed=50), "surveyed", "超过了调查人数"),
    (dict(against=-1), "against", "不小于0"),
    (dict(matter_type="case"), "case_id", "请选择对应的案件"),
    (dict(matter_type="war"), "matter_type", "无法识别"),
    (dict(methods=["telepathy"]), "methods", "无法识别"),
    (dict(decision_outcome="implement"), "decision_outcome", "请先确定风险等级"),
    (dict(filed_on=date(2026, 11, 12)), "filed_on", "风险等级确定后才能报备"),
    (dict(level="low", filed_on=date(2026, 11, 1)), "filed_on", "不能早于评估日期"),
    (dict(level="low", filed_on=TODAY + timedelta(days=1)), "filed_on", "不能晚于今天"),
    (dict(level="low", filing_number="临稳备〔2026〕1号"), "filed_on", "请同时填写报备日期"),
    (dict(assessed_on=TODAY + timedelta(days=1)), "assessed_on", "不能晚于今天"),
    (dict(dimensions={"legality": DimensionInput("maybe")}), "dimension:legality", "无法识别"),
    (dict(risk_points=[RiskPointInput("", measure="只写了措施")]), "risk_points", "没有写明内容"),
    (dict(risk_points=[RiskPointInput("阻工", "很高")]), "risk_points", "无法识别"),
    (dict(party_views=[PartyViewInput("村民", "")]), "party_views", "请填写“村民”的意见"),
    (dict(follow_up=[FollowUpInput(TODAY + timedelta(days=3), "回访")]), "follow_up", "不能晚于今天"),
])
def test_validation(desk, changes, field, words):
    with pytest.raises(FieldError) as info:
        risk.save_assessment(desk, matter(**changes))
    assert info.value.field == field and words in str(info.value)
    assert count(desk) == 0


def test_blank_rows_are_dropped_and_texts_trimmed(desk):
    a = risk.save_assessment(desk, matter(
        title="  修订村规民约 ", party_views=[PartyViewInput("", ""), PartyViewInput("", "同意")],
        risk_points=[RiskPointInput("  "), RiskPointInput(" 阻工 ", "high", "high")],
        follow_up=[FollowUpInput(TODAY, "  ")], methods=["forum", "forum", ""])).assessment
    assert a.title == "修订村规民约" and a.methods == ["forum"] and a.follow_up == []
    assert a.party_views == [{"party": "其他群众", "view": "同意", "adopted": False, "note": ""}]
    assert a.risk_points[0]["text"] == "阻工" and a.suggested_level == "high"


def test_warnings_for_odd_but_allowed_decisions(desk):
    r = risk.save_assessment(desk, matter(in_favour=20, against=70, neutral=10, level="high",
                                          decision_outcome="implement", mitigation="", contingency=""))
    text = "\n".join(r.warnings)
    assert "一般应不实施或暂缓实施" in text and "尚未填写防范化解措施" in text and "尚未填写应急处置预案" in text


def test_stale_edit_is_refused(desk):
    a = risk.save_assessment(desk, matter()).assessment
    loaded_at = a.updated_at
    risk.save_assessment(desk, matter(title="别人改过"), a.id)
    with pytest.raises(ServiceError) as info:
        risk.save_assessment(desk, matter(title="我的修改"), a.id, expected_updated_at=loaded_at)
    assert "已被修改" in str(info.value)


def test_round_trip_through_the_editor_input(desk):
    data = matter(level="medium", override_reason="上调", decision_outcome="implement_adjusted",
                  filed_on=date(2026, 11, 20), filing_number="临稳备〔2026〕35号", filing_office="县维稳办",
                  follow_up=[FollowUpInput(date(2026, 11, 25), "群众情绪平稳"), FollowUpInput(date(2026, 11, 22), "召开会议")],
                  dimensions={**PASS_ALL, "safety": DimensionInput("concern", "施工安全", "临水作业", "medium")})
    a = risk.save_assessment(desk, data).assessment
    back = risk.input_from_row(risk.get_assessment(desk, a.id))
    assert back.filing_number == "临稳备〔2026〕35号" and back.filing_office == "县维稳办"
    assert [f.on for f in back.follow_up] == [date(2026, 11, 22), date(2026, 11, 25)]
    assert back.dimensions["safety"] == DimensionInput("concern", "施工安全", "临水作业", "medium")
    assert back.party_views == data.party_views and back.risk_points == data.risk_points
    again = risk.save_assessment(desk, back, a.id).assessment
    assert again.follow_up == a.follow_up and again.dimensions == a.dimensions
    # the filing is in its own columns; follow_up holds the follow-up notes only
    assert (a.filed_on, a.filing_number, a.filing_office) == (date(2026, 11, 20), "临稳备〔2026〕35号", "县维稳办")
    assert a.follow_up == [{"date": "2026-11-22", "note": "召开会议"}, {"date": "2026-11-25", "note": "群众情绪平稳"}]
    assert (again.filing_number, again.filing_office) == (a.filing_number, a.filing_office)


def test_withdrawing_the_filing_clears_its_columns(desk):
    a = risk.save_assessment(desk, matter(level="low", filed_on=date(2026, 11, 20), filing_number="临稳备〔2026〕7号",
                                          filing_office="县维稳办")).assessment
    assert (a.filing_number, a.filing_office) == ("临稳备〔2026〕7号", "县维稳办")
    data = risk.input_from_row(a)
    data.filed_on, data.filing_number = None, ""
    b = risk.save_assessment(desk, data, a.id).assessment
    assert (b.filed_on, b.filing_number, b.filing_office, b.follow_up) == (None, "", "", [])


def test_filing_follow_up_and_void(desk):
    a = risk.save_assessment(desk, matter()).assessment
    with pytest.raises(FieldError):
        risk.record_filing(desk, a.id, "2026-11-20", "临稳备〔2026〕9号")  # level not confirmed yet
    risk.confirm_level(desk, a.id)
    r = risk.record_filing(desk, a.id, "2026-11-20", "临稳备〔2026〕9号", "县委政法委")
    assert r.assessment.filed_on == date(2026, 11, 20)
    assert (r.assessment.filing_number, r.assessment.filing_office) == ("临稳备〔2026〕9号", "县委政法委")
    assert r.assessment.follow_up == []  # the filing is not a follow-up note
    r = risk.record_filing(desk, a.id, "2026-11-21", "临稳备〔2026〕10号")  # corrected: the office is kept
    assert (r.assessment.filed_on, r.assessment.filing_number, r.assessment.filing_office) == (
        date(2026, 11, 21), "临稳备〔2026〕10号", "县委政法委")
    listed = risk.list_assessments(desk)[0]
    assert (listed.filing_number, listed.filing_office) == ("临稳备〔2026〕10号", "县委政法委")
    r = risk.add_follow_up(desk, a.id, "2026-11-26", "实施平稳")
    assert [(f.on, f.note) for f in risk.input_from_row(r.assessment).follow_up] == [(date(2026, 11, 26), "实施平稳")]
    assert r.assessment.follow_up == [{"date": "2026-11-26", "note": "实施平稳"}]
    assert r.assessment.filing_number == "临稳备〔2026〕10号"
    with pytest.raises(FieldError):
        risk.add_follow_up(desk, a.id, TODAY, " ")
    with pytest.raises(FieldError):
        risk.void_assessment(desk, a.id, "  ")
    v = risk.void_assessment(desk, a.id, "  重复登记 ")
    assert v.voided and v.void_reason == "重复登记"
    stored = risk.get_assessment(desk, a.id)
    assert stored.void_reason == "重复登记" and stored.follow_up == [{"date": "2026-11-26", "note": "实施平稳"}]
    assert (stored.filing_number, stored.filing_office) == ("临稳备〔2026〕10号", "县委政法委")
    d = risk.assessment_dict(desk, a.id)
    assert (d["void_reason"], d["status"], d["filing_number"], d["filing_office"]) == (
        "重复登记", "voided", "临稳备〔2026〕10号", "县委政法委")
    assert d["follow_up"] == [{"date": date(2026, 11, 26), "note": "实施平稳"}]
    with pytest.raises(ServiceError):
        risk.save_assessment(desk, matter(), a.id)
    with pytest.raises(ServiceError):
        risk.void_assessment(desk, a.id, "再次")
    assert risk.list_assessments(desk) == []
    assert [r.status for r in risk.list_assessments(desk, RiskFilter(include_voided=True))] == ["voided"]
    # every call wrote exactly one audit row in its own transaction
    assert [e.action for e in audits(desk, a.id)] == ["create"] + ["update"] * 5  # confirm, 2 filings, follow-up, void


def test_find_by_number_or_id(desk):
    a = risk.save_assessment(desk, matter()).assessment
    assert risk.find_assessment(desk, a.id).id == a.id
    assert risk.find_assessment(desk, "(2026)青稳评字第001号").id == a.id
    assert risk.find_assessment(desk, " （2026）青稳评字第001号 ").id == a.id
    assert risk.find_assessment(desk, "（2026）青稳评字第009号") is None and risk.find_assessment(desk, "") is None


def test_parse_quarter_error_is_chinese(desk):
    with pytest.raises(FieldError) as info:
        risk.list_assessments(desk, RiskFilter(quarter="2026Q9"))
    assert "2026Q4" in str(info.value)


# --------------------------------------------------------------------------- cases and contracts


def test_assessment_for_a_case(desk):
    case = high_case(desk)
    assert [c.id for c in risk.unassessed_high_cases(desk)] == [case.id]
    data = risk.input_for_case(desk, case.id)
    assert data.matter_type == "case" and data.case_id == case.id and "张三与李四宅基地纠纷" in data.title
    data.surveyed, data.in_favour, data.against = 30, 10, 20
    data.dimensions = dict(PASS_ALL)
    r = risk.save_assessment(desk, data)
    assert r.assessment.suggested_level == "high" and r.assessment.matter_type == "case"
    assert risk.unassessed_high_cases(desk) == []
    # the matter type follows the case link
    r2 = risk.save_assessment(desk, matter(case_id=case.id, matter_type="project"))
    assert r2.assessment.matter_type == "case"
    closed = high_case(desk, "早已办结的纠纷", date(2026, 3, 2))
    cases.change_status(desk, closed.id, "mediating", "2026-03-03")
    cases.change_status(desk, closed.id, "agreed", "2026-03-10")
    assert [c.id for c in risk.unassessed_high_cases(desk)] == [closed.id]
    assert risk.unassessed_high_cases(desk, open_only=True) == []
    cases.void_case(desk, case.id, "重复登记")
    with pytest.raises(FieldError):
        risk.save_assessment(desk, matter(case_id=case.id))


def _high_on_case(desk):
    case = high_case(desk)
    data = risk.input_for_case(desk, case.id)
    data.surveyed, data.in_favour, data.against, data.dimensions = 30, 10, 20, dict(PASS_ALL)
    data.responsible_leader, data.contact_phone = "赵建国", "13900001111"
    data.mitigation = "一案一策，逐户化解"
    data.level = ADOPT_SUGGESTED
    return case, risk.save_assessment(desk, data)


def test_high_level_on_a_case_suggests_a_leader_contract(desk, monkeypatch):
    monkeypatch.setattr(risk, "contracts_module", lambda: None)
    case, r = _high_on_case(desk)
    assert any("领导包案" in w for w in r.warnings)
    s = risk.contract_suggestion(desk, r.assessment.id)
    assert s is not None and s.case_id == case.id and s.leader_name == "赵建国" and s.leader_post == "镇党委副书记"
    assert not s.available and "建议由赵建国" in s.message
    with pytest.raises(ServiceError) as info:
        risk.create_contract(desk, r.assessment.id)
    assert "尚未安装" in str(info.value)
    assert risk.list_assessments(desk)[0].needs_contract
    low = risk.save_assessment(desk, matter(level="low")).assessment
    assert risk.contract_suggestion(desk, low.id) is None


def test_one_click_contract_calls_the_contracts_service(desk, monkeypatch):
    calls = []

    def assign_contract(desk_, case_id, *, leader_name, leader_id=None, plan="", assigned_on=None):
        calls.append((case_id, leader_name, leader_id, plan, assigned_on))
        with desk_.tx() as s:
            row = LeaderContract(case_id=case_id, number="（2026）青包字第001号", leader_name=leader_name,
                                 assigned_on=assigned_on, deadline_on=assigned_on + timedelta(days=90))
            s.add(row)
        return row

    fake = types.ModuleType("mediation_desk.services.contracts")
    fake.assign_contract = assign_contract
    import mediation_desk.services as services_pkg

    monkeypatch.setitem(sys.modules, "mediation_desk.services.contracts", fake)
    monkeypatch.setattr(services_pkg, "contracts", fake, raising=False)
    case, r = _high_on_case(desk)
    assert risk.contract_suggestion(desk, r.assessment.id).available
    contract = risk.create_contract(desk, r.assessment.id)
    assert contract.number == "（2026）青包字第001号"
    (case_id, leader, leader_id, plan, on), = calls
    assert (case_id, leader, plan, on) == (case.id, "赵建国", "一案一策，逐户化解", TODAY) and leader_id
    s = risk.contract_suggestion(desk, r.assessment.id)
    assert s.existing == "（2026）青包字第001号" and "已有领导包案" in s.message
    with pytest.raises(ServiceError):
        risk.create_contract(desk, r.assessment.id)
    assert not risk.list_assessments(desk)[0].needs_contract


# --------------------------------------------------------------------------- quarterly statistics


@pytest.fixture
def quarter_desk(desk):
    """Q4 2026: 3 assessed (high overridden from medium and filed, medium filed, low), 1 pending, 1
    voided; Q3: 1 assessed; high cases: one received in Q4 without assessment (due), one in Q3
    (not this quarter), one in Q4 with an assessment (counted through it)."""
    save = risk.save_assessment
    save(desk, matter(title="集市搬迁", matter_type="decision", in_favour=60, against=30, neutral=10, level="high",
                      override_reason="涉及摊贩多，上调", decision_outcome="postpone", assessed_on=date(2026, 10, 8),
                      filed_on=date(2026, 10, 9), filing_number="临稳备〔2026〕30号"))
    save(desk, matter(title="河道治理工程", matter_type="project", in_favour=60, against=30, neutral=10,
                      level=ADOPT_SUGGESTED, decision_outcome="implement_adjusted", assessed_on=date(2026, 11, 3),
                      filed_on=date(2026, 11, 5)))
    save(desk, matter(title="股权量化改革", matter_type="reform", level=ADOPT_SUGGESTED, decision_outcome="implement",
                      assessed_on=date(2026, 11, 20)))
    save(desk, matter(title="元旦文艺汇演", matter_type="event", assessed_on=date(2026, 11, 25)))  # pending
    voided = save(desk, matter(title="作废的评估", assessed_on=date(2026, 11, 1))).assessment
    risk.void_assessment(desk, voided.id, "重复")
    save(desk, matter(title="三季度事项", level=ADOPT_SUGGESTED, assessed_on=date(2026, 8, 1)))
    uncovered = high_case(desk, "王五聚集上访", date(2026, 10, 20))
    high_case(desk, "赵六信访", date(2026, 9, 20))
    covered = high_case(desk, "孙七宅基地纠纷", date(2026, 11, 5))
    data = risk.input_for_case(desk, covered.id)
    data.surveyed, data.in_favour, data.against, data.dimensions = 10, 2, 8, dict(PASS_ALL)
    data.assessed_on, data.level = date(2026, 11, 10), ADOPT_SUGGESTED
    save(desk, data)
    high_case(desk, "普通纠纷", date(2026, 11, 6), grade="medium")
    return desk, uncovered


def test_quarterly_counts(quarter_desk):
    desk, uncovered = quarter_desk
    s = risk.quarter_stats(desk, "2026Q4")
    assert (s.due, s.assessed, s.pending, s.uncovered, s.filed, s.overridden) == (6, 4, 1, 1, 2, 1)
    assert (s.rate_text, s.filed_rate_text) == ("66.7%", "50.0%")
    by_type = {line.code: (line.due, line.assessed, line.rate_text) for line in s.by_type}
    assert by_type == {"decision": (1, 1, "100.0%"), "project": (1, 1, "100.0%"), "reform": (1, 1, "100.0%"),
                       "event": (1, 0, "0.0%"), "case": (2, 1, "50.0%")}
    assert s.by_level == [("high", "高", 2, 1), ("medium", "中", 1, 0), ("low", "低", 1, 0)]
    assert {c: n for c, _l, n in s.by_outcome} == {"implement": 1, "implement_adjusted": 1, "postpone": 1,
                                                    "reject": 0, "": 1}
    assert sum(n for _c, _l, n in s.by_outcome) == s.assessed
    titles = [it.title for it in s.items]
    assert "作废的评估" not in " ".join(titles) and "三季度事项" not in titles and "赵六信访" not in titles
    assert titles[-1] == "王五聚集上访" and s.items[-1].status_label == "未评估" and s.items[-1].matter_label == "矛盾纠纷（信访）案件"
    assert s.items[-1].number == uncovered.number
    assert any(it.title.startswith("集市搬迁") and it.overridden and it.level_label == "高" for it in s.items)
    assert "应评事项6件，已评4件，评估率66.7%" in s.summary_line
    assert s.title == "2026年第四季度社会稳定风险评估工作统计表"
    q3 = risk.quarter_stats(desk, "2026Q3")
    assert (q3.due, q3.assessed, q3.uncovered) == (2, 1, 1)
    empty = risk.quarter_stats(desk, "2025Q1")
    assert (empty.due, empty.assessed, empty.rate_text, empty.filed_rate_text) == (0, 0, "—", "—")


def test_list_filters(quarter_desk):
    desk, _ = quarter_desk

    def titles(**kw):
        return sorted(r.title for r in risk.list_assessments(desk, RiskFilter(**kw)))

    assert len(titles()) == 6 and len(titles(quarter="2026Q4")) == 5 and titles(quarter="2026Q3") == ["三季度事项"]
    assert titles(level="high") == sorted(["关于“孙七宅基地纠纷”的社会稳定风险评估", "集市搬迁"])
    assert titles(level="pending") == ["元旦文艺汇演"]
    assert titles(outcome="postpone") == ["集市搬迁"] and titles(outcome="none", quarter="2026Q4") == sorted([
        "关于“孙七宅基地纠纷”的社会稳定风险评估", "元旦文艺汇演"])
    assert titles(text="河道") == ["河道治理工程"] and titles(matter_type="reform") == ["股权量化改革"]
    rows = risk.list_assessments(desk, RiskFilter(quarter="2026Q4"))
    assert [r.assessed_on for r in rows] == sorted((r.assessed_on for r in rows), reverse=True)
    market = next(r for r in rows if r.title == "集市搬迁")
    assert market.overridden and market.status == "filed" and market.filing_number == "临稳备〔2026〕30号"
    assert [q.key for q in risk.quarters_with_data(desk)] == ["2026Q4", "2026Q3"]


def test_exports_are_registered(quarter_desk, tmp_path):
    desk, _ = quarter_desk
    a = risk.list_assessments(desk, RiskFilter(text="集市"))[0]
    with pytest.raises(ServiceError):
        risk.export_report(desk, a.id, tmp_path / "x.txt")
    with pytest.raises(ServiceError):
        risk.export_stats(desk, "2026Q4", tmp_path / "x.doc")
    with pytest.raises(FieldError):
        risk.export_stats(desk, "2026 4", tmp_path / "x.pdf")
    r = risk.export_report(desk, a.id, tmp_path / "报告.docx")
    f = risk.export_report(desk, a.id, tmp_path / "报备表.docx", form="filing")
    s = risk.export_stats(desk, "2026Q4", tmp_path / "统计.xlsx")
    assert r.path.exists() and f.path.exists() and s.path.exists()
    with desk.read() as session:
        docs = {d.doc_type: d for d in session.exec(select(GeneratedDocument))}
    assert set(docs) == {"risk_report", "risk_filing", "risk_stats"}
    assert docs["risk_report"].number == a.number and docs["risk_stats"].number == "2026Q4"
    assert len(docs["risk_report"].sha256) == 64


# --------------------------------------------------------------------------- the demo's rows


def test_demo_assessments_read_and_print(demo_desk, tmp_path):
    rows = risk.list_assessments(demo_desk)
    assert rows
    for row in rows:
        view = risk.report_view(demo_desk, row.id)
        assert view.number == row.number and len(view.dimensions) >= 4
        d = risk.assessment_dict(demo_desk, row.id)
        assert d["suggested_level"] in ("high", "medium", "low") and d["status"] in ("pending", "assessed", "filed")
    one = rows[0]
    data = risk.input_from_row(risk.get_assessment(demo_desk, one.id))
    assert data.dimensions and all(isinstance(v, DimensionInput) for v in data.dimensions.values())
    result = risk.export_report(demo_desk, one.id, tmp_path / "demo.docx")
    assert result.path.stat().st_size > 5000
    stats = risk.quarter_stats(demo_desk, "2026Q4")
    assert stats.due >= stats.assessed


def test_one_click_contract_with_the_real_contracts_service(desk):
    contracts = pytest.importorskip("mediation_desk.services.contracts")
    if not hasattr(contracts, "ContractInput"):
        pytest.skip("the contracts service has another API")
    case, r = _high_on_case(desk)
    s = risk.contract_suggestion(desk, r.assessment.id)
    assert s.available and not s.existing
    contract = risk.create_contract(desk, r.assessment.id)
    assert contract.case_id == case.id and contract.leader_name == "赵建国"
    assert contract.leader_post == "镇党委副书记" and contract.plan == "一案一策，逐户化解"
    assert contract.assigned_on == TODAY and "包字第" in contract.number
    assert risk.contract_suggestion(desk, r.assessment.id).existing == contract.number
    assert not risk.list_assessments(desk)[0].needs_contract
    with pytest.raises(ServiceError):
        risk.create_contract(desk, r.assessment.id)
