"""Default vocabularies: shape, exact codes others rely on, and the category mapping."""

from __future__ import annotations

import copy
import re

import pytest

from mediation_desk.domain import vocabularies as v
from mediation_desk.domain.errors import DomainError

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def vocabs():
    return v.load_default_vocabularies()


def test_all_required_vocabularies_present(vocabs):
    assert set(v.REQUIRED_VOCABULARIES) <= set(vocabs)


def test_every_item_is_well_formed(vocabs):
    for name, items in vocabs.items():
        codes = [i.code for i in items]
        assert len(codes) == len(set(codes)), name
        assert [i.sort for i in items] == sorted(i.sort for i in items), name
        for it in items:
            assert it.vocab == name
            assert re.fullmatch(r"[a-z0-9_]+", it.code), (name, it.code)
            assert CJK.search(it.label), (name, it.code, it.label)
            assert it.parent is None or it.parent in codes


@pytest.mark.parametrize("vocab, expected", [
    ("case_kind", ("dispute", "petition")),
    ("dispute_status", ("registered", "investigating", "mediating", "agreed", "oral_agreed", "failed",
                        "transferred", "following_up", "archived")),
    ("petition_status", ("registered", "accepted", "not_accepted", "assigned_out", "replied",
                         "review_requested", "reviewed", "rereview_requested", "rereviewed",
                         "legal_channel", "closed", "archived")),
    ("outcome", ("written_agreement", "oral_agreement", "failed", "terminated", "transferred")),
    ("party_role", ("applicant", "respondent", "third_party", "petitioner", "agent", "representative")),
    ("risk_grade", ("high", "medium", "low")),
    ("risk_colour", ("red", "orange", "yellow", "blue")),
    ("petition_type", ("suggestion", "accusation", "claim")),
    ("petition_channel", ("letter", "visit", "online", "phone")),
    ("petition_decision", ("support", "explain", "reject")),
    ("contract_status", ("in_progress", "resolved", "petitioner_withdrew", "stabilized", "ended", "legal_channel")),
    ("satisfaction", ("satisfied", "basically_satisfied", "dissatisfied", "still_claims")),
    ("decision_outcome", ("implement", "implement_adjusted", "postpone", "reject")),
    ("assessment_method", ("publicity", "questionnaire", "visits", "forum", "hearing", "poll")),
    ("referral", ("police", "court", "legal_aid", "women_rights_station", "psychological", "shelter")),
    ("unit_type", ("village_committee", "township_committee", "marriage_family_committee", "township_office")),
    ("staff_role", ("mediator", "recorder", "leader", "grid_worker", "unit_head", "reviewer")),
    ("area_level", ("county", "township", "village", "group", "grid")),
    ("screening_period", ("month", "half_month", "day")),
    ("dimension", ("legality", "reasonableness", "feasibility", "controllability", "safety")),
    ("risk_level", ("high", "medium", "low")),
])
def test_exact_codes_in_order(vocab, expected):
    assert v.codes(vocab) == expected


def test_status_tuples_match_json():
    assert v.codes("dispute_status") == v.DISPUTE_STATUSES
    assert v.codes("petition_status") == v.PETITION_STATUSES
    assert v.DisputeStatus.AGREED == "agreed" and v.PetitionStatus.REREVIEWED == "rereviewed"


def test_required_codes_present_in_open_vocabularies():
    assert {"physical", "psychological"} <= set(v.codes("dv_type"))
    assert set(v.codes("source")) >= {
        "party_application", "committee_initiative", "screening", "grid_report", "assigned_by_superior",
        "referral_court", "referral_procuratorate", "referral_police", "referral_petition_office",
        "referral_other", "hotline_12338", "women_home", "marriage_registry"}
    assert set(v.codes("event_kind")) >= {
        "register", "investigation", "mediation_session", "agreement", "follow_up", "extension", "transfer",
        "judicial_confirmation", "close", "archive", "note", "status_change", "screening_check"}


@pytest.mark.parametrize("vocab, code, text", [
    ("dispute_status", "registered", "已登记"),
    ("dispute_status", "oral_agreed", "达成口头协议"),
    ("petition_status", "rereviewed", "已复核（终结）"),
    ("petition_status", "legal_channel", "已导入法定途径"),
    ("category", "marriage_family", "婚姻家庭"),
    ("category", "labour_wage_arrears", "拖欠农民工工资"),
    ("category", "traffic", "道路交通事故"),
    ("source", "hotline_12338", "12338妇女维权热线"),
    ("source", "committee_initiative", "调委会主动调解"),
    ("risk_colour", "orange", "橙"),
    ("petition_type", "claim", "申诉求决类"),
    ("area_level", "township", "镇（街道）"),
    ("contract_status", "petitioner_withdrew", "息诉罢访"),
])
def test_labels(vocab, code, text):
    assert v.label(vocab, code) == text


def test_label_fallbacks():
    assert v.label("category", "no_such_code") == "no_such_code"
    assert v.label("no_such_vocab", "x") == "x"
    assert v.label("category", None) == ""


NATIONAL = ["marriage_family", "neighbour", "housing_homestead", "contract", "production", "damages",
            "forest_land", "land_requisition", "pollution", "labour", "consumer", "medical", "traffic",
            "property_mgmt", "other"]


def test_category_national_list_and_mapping():
    cats = {i.code: i for i in v.items("category")}
    national = [i.code for i in v.items("category") if i.extra.get("national")]
    assert national == NATIONAL
    for code in NATIONAL:
        assert cats[code].stats_code == code and cats[code].parent is None
    governance = {i.label: i for i in cats.values() if i.extra.get("governance")}
    assert set(governance) == {"劳资", "涉众金融", "房地产", "村务", "涉环保", "涉农"}
    for it in governance.values():
        assert it.stats_code in NATIONAL and it.stats_code != it.code
    for it in cats.values():
        if it.parent is not None:
            assert it.stats_code == cats[it.parent].stats_code
    assert {i.code for i in v.children("category", "labour")} == {"labour_wage_arrears", "labour_other"}
    assert {"divorce", "support", "inheritance", "domestic_violence"} <= {
        i.code for i in v.children("category", "marriage_family")}
    assert v.category_stats_code("gov_environment") == "pollution"
    assert v.category_stats_code("divorce") == "marriage_family"
    assert v.category_stats_code("nope") is None


def test_risk_colour_grades():
    assert [v.risk_colour_grade(c) for c in ("red", "orange", "yellow", "blue")] == ["high", "medium", "low", "low"]
    with pytest.raises(DomainError):
        v.risk_colour_grade("purple")


def test_load_returns_fresh_lists():
    a = v.load_default_vocabularies()
    a["category"].clear()
    assert v.load_default_vocabularies()["category"]
    assert hash(v.items("case_kind")[0]) == hash(v.items("case_kind")[0])


def test_round_trip_through_parse():
    doc = v.default_document()
    parsed = v.parse_vocabularies(doc)
    assert {k: [i.to_json() for i in items] for k, items in parsed.items()} == {
        k: sorted(rows, key=lambda r: (r["sort"], r["code"])) for k, rows in doc["vocabularies"].items()}


def _broken(mutate):
    doc = copy.deepcopy(v.default_document())
    mutate(doc["vocabularies"])
    return doc


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.pop("category"), "缺少以下词表"),
    (lambda d: d["outcome"].append(dict(d["outcome"][0])), "重复"),
    (lambda d: d["category"][1].update(parent="nowhere"), "上级"),
    (lambda d: d["category"].append({"code": "x1", "label": "某类", "parent": None, "stats_code": "divorce",
                                     "sort": 1}), "统计口径"),
    (lambda d: d["outcome"][0].update(sort="1"), "整数"),
    (lambda d: d["outcome"][0].update(label=" "), "名称"),
])
def test_parse_rejects_broken_documents(mutate, fragment):
    with pytest.raises(DomainError) as exc:
        v.parse_vocabularies(_broken(mutate))
    assert fragment in str(exc.value)


def test_parse_rejects_bad_top_level():
    with pytest.raises(DomainError):
        v.parse_vocabularies({"vocabularies": {}})
    with pytest.raises(DomainError):
        v.parse_vocabularies([])  # type: ignore[arg-type]
