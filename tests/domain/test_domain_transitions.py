"""Status workflows: every listed step allowed, every other pair refused in Chinese."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain import vocabularies as v
from mediation_desk.domain.errors import DomainError

CJK = re.compile(r"[\u4e00-\u9fff]")

# The workflow as written in the brief, kept separately so a change in the module is caught.
EXPECTED = {
    "dispute": {
        ("registered", "investigating"), ("registered", "mediating"), ("registered", "failed"),
        ("registered", "transferred"), ("investigating", "mediating"), ("investigating", "failed"),
        ("investigating", "transferred"), ("mediating", "agreed"), ("mediating", "oral_agreed"),
        ("mediating", "failed"), ("mediating", "transferred"), ("agreed", "following_up"),
        ("agreed", "archived"), ("oral_agreed", "following_up"), ("oral_agreed", "archived"),
        ("failed", "archived"), ("transferred", "archived"), ("following_up", "archived"),
    },
    "petition": {
        ("registered", "accepted"), ("registered", "not_accepted"), ("registered", "assigned_out"),
        ("registered", "legal_channel"), ("accepted", "replied"), ("accepted", "legal_channel"),
        ("accepted", "assigned_out"), ("replied", "review_requested"), ("replied", "closed"),
        ("review_requested", "reviewed"), ("reviewed", "rereview_requested"), ("reviewed", "closed"),
        ("rereview_requested", "rereviewed"), ("rereviewed", "closed"), ("not_accepted", "closed"),
        ("assigned_out", "closed"), ("legal_channel", "closed"), ("closed", "archived"),
    },
}
STATUSES = {"dispute": v.DISPUTE_STATUSES, "petition": v.PETITION_STATUSES}


def test_tables_equal_the_specification():
    for kind, table in v.TRANSITIONS.items():
        assert set(table) == set(STATUSES[kind])
        assert {(a, b) for a, nxt in table.items() for b in nxt} == EXPECTED[kind]


@pytest.mark.parametrize("kind, pair", [(k, p) for k in EXPECTED for p in sorted(EXPECTED[k])])
def test_listed_transitions_allowed(kind, pair):
    v.check_transition(kind, *pair)  # no exception


@pytest.mark.parametrize("kind, pair", [
    (k, p) for k in EXPECTED for p in itertools.product(STATUSES[k], repeat=2) if p not in EXPECTED[k]])
def test_other_pairs_refused_with_chinese_reason(kind, pair):
    with pytest.raises(DomainError) as exc:
        v.check_transition(kind, *pair)
    msg = str(exc.value)
    assert CJK.search(msg)
    assert f"“{v.status_label(kind, pair[0])}”" in msg
    assert isinstance(exc.value, ValueError)


def test_message_explains_the_missing_step():
    with pytest.raises(DomainError) as exc:
        v.check_transition("dispute", "registered", "archived")
    assert str(exc.value).startswith("案件状态不能从“已登记”直接变为“已归档”：须先")
    with pytest.raises(DomainError) as exc:
        v.check_transition("dispute", "registered", "agreed")
    assert "“调解中”" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        v.check_transition("petition", "closed", "accepted")
    assert "不能倒退" in str(exc.value) and str(exc.value).startswith("信访事项")
    with pytest.raises(DomainError) as exc:
        v.check_transition("dispute", "archived", "registered")
    assert "最终状态" in str(exc.value)


@pytest.mark.parametrize("args", [("case", "registered", "mediating"), ("dispute", "bogus", "mediating"),
                                  ("dispute", "registered", "bogus"), ("petition", "mediating", "closed")])
def test_unknown_kind_or_status(args):
    with pytest.raises(DomainError):
        v.check_transition(*args)


def test_enum_members_are_accepted():
    v.check_transition(v.CaseKind.DISPUTE, v.DisputeStatus.REGISTERED, v.DisputeStatus.MEDIATING)
    assert v.allowed_next("dispute", "registered") == ("investigating", "mediating", "failed", "transferred")


@pytest.mark.parametrize("kind", ["dispute", "petition"])
def test_workflow_has_no_dead_ends(kind):
    """Everything is reachable from 'registered' and can reach 'archived'."""
    table = v.TRANSITIONS[kind]
    for s in table:
        assert v._shortest_path(table, "registered", s) is not None
        assert v._shortest_path(table, s, "archived") is not None
    assert v.TERMINAL_STATUSES[kind] == {"archived"}


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["dispute", "petition"]), data=st.data())
def test_random_walks_follow_the_table(kind, data):
    status = "registered"
    steps = 0
    while v.allowed_next(kind, status):
        nxt = data.draw(st.sampled_from(v.allowed_next(kind, status)))
        v.check_transition(kind, status, nxt)
        status = nxt
        steps += 1
        assert steps < 20
    assert status == "archived"


def test_resolved_and_closed_sets():
    assert v.RESOLVED_DISPUTE_STATUSES == {"agreed", "oral_agreed", "following_up"}
    assert v.is_dispute_resolved("archived", "written_agreement")
    assert v.is_dispute_resolved("archived", "oral_agreement")
    assert not v.is_dispute_resolved("archived", "failed")
    assert not v.is_dispute_resolved("archived")
    assert not v.is_dispute_resolved("mediating")
    assert v.is_dispute_resolved("following_up")
    # resolved statuses are closed; open + closed partition the statuses
    assert v.RESOLVED_DISPUTE_STATUSES <= v.CLOSED_STATUSES["dispute"]
    for kind in ("dispute", "petition"):
        assert v.OPEN_STATUSES[kind] | v.CLOSED_STATUSES[kind] == set(STATUSES[kind])
        assert not v.OPEN_STATUSES[kind] & v.CLOSED_STATUSES[kind]
        assert "registered" in v.OPEN_STATUSES[kind] and "archived" in v.CLOSED_STATUSES[kind]
    assert v.CLOSED_STATUSES["petition"] == {"closed", "archived"}
    assert v.is_closed("dispute", "failed") and not v.is_closed("petition", "replied")
    # closed-ness is monotone: no step from a closed status back to an open one
    for kind, table in v.TRANSITIONS.items():
        for a, nxt in table.items():
            if a in v.CLOSED_STATUSES[kind]:
                assert nxt <= v.CLOSED_STATUSES[kind]


def test_json_flags_agree_with_python_sets():
    for it in v.items("dispute_status"):
        assert it.extra["closed"] == (it.code in v.CLOSED_STATUSES["dispute"])
        if it.extra["resolved"] is not None:
            assert it.extra["resolved"] == (it.code in v.RESOLVED_DISPUTE_STATUSES)
    for it in v.items("petition_status"):
        assert it.extra["closed"] == (it.code in v.CLOSED_STATUSES["petition"])
    assert {i.code for i in v.items("outcome") if i.extra["resolved"]} == v.RESOLVED_OUTCOMES
