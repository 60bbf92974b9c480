"""Controlled vocabularies (codes + Chinese labels) and the case-status workflows.

Codes are stable identifiers stored in the database; labels are Chinese text that a county may
change. The defaults ship in ``resources/vocabularies.json`` and are copied into the database by
the store; this module only reads the file and validates its shape.

Status semantics (callers must know these):

* **Dispute "resolved" (化解 / 调解成功)** = an agreement was reached: status ``agreed``,
  ``oral_agreed`` or ``following_up`` (only reachable from an agreement), or ``archived`` when the
  case's outcome is ``written_agreement`` / ``oral_agreement``. The status alone cannot tell for
  ``archived``; use :func:`is_dispute_resolved` with the outcome.
* **Closed (办结)** = the work on the matter itself is over and its deadline clock stops:
  disputes from the moment an agreement is reached or mediation failed / was transferred
  (the remaining steps, follow-up and binding the file, are after-care); petitions only at
  ``closed`` / ``archived`` (a reply can still be followed by 复查/复核).
* **Terminal** = no further transition (``archived`` for both kinds).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import DomainError

# ---------------------------------------------------------------------------------------------
# Vocabulary items
# ---------------------------------------------------------------------------------------------

#: Names of the vocabularies that must exist in every vocabulary file.
REQUIRED_VOCABULARIES: tuple[str, ...] = (
    "case_kind", "category", "source", "party_role", "dispute_status", "petition_status",
    "outcome", "risk_grade", "risk_colour", "petition_type", "petition_channel",
    "petition_decision", "event_kind", "contract_status", "satisfaction", "risk_level",
    "decision_outcome", "assessment_method", "dv_type", "referral", "unit_type", "staff_role",
    "area_level", "screening_period", "dimension", "dimension_finding",
)

_BASE_KEYS = ("code", "label", "parent", "stats_code", "sort")


@dataclass(frozen=True)
class VocabItem:
    """One entry of a vocabulary. ``extra`` holds any further keys of the JSON object."""

    vocab: str
    code: str
    label: str
    parent: str | None = None
    stats_code: str | None = None
    sort: int = 0
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON object form (as in the resource file, without ``vocab``)."""
        out: dict[str, Any] = {
            "code": self.code, "label": self.label, "parent": self.parent,
            "stats_code": self.stats_code, "sort": self.sort,
        }
        out.update(self.extra)
        return out


def parse_vocabularies(document: Mapping[str, Any], *, require_all: bool = True) -> dict[str, list[VocabItem]]:
    """Validate a vocabulary document and turn it into ``{name: [VocabItem, ...]}`` sorted by ``sort``.

    Raises :class:`DomainError` (Chinese) on any structural problem: missing vocabularies,
    duplicate codes, a parent or stats_code that points nowhere, non-integer sort, empty label.
    """
    if not isinstance(document, Mapping):
        raise DomainError("词表文件格式不正确：顶层应为对象")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DomainError("词表文件缺少有效的版本号 version")
    vocabs = document.get("vocabularies")
    if not isinstance(vocabs, Mapping):
        raise DomainError("词表文件缺少 vocabularies 对象")
    if require_all:
        missing = [name for name in REQUIRED_VOCABULARIES if name not in vocabs]
        if missing:
            raise DomainError("词表文件缺少以下词表：" + "、".join(missing))
    result: dict[str, list[VocabItem]] = {}
    for name, rows in vocabs.items():
        if not isinstance(rows, list) or not rows:
            raise DomainError(f"词表“{name}”应为非空列表")
        items: list[VocabItem] = []
        seen: set[str] = set()
        for row in rows:
            if not isinstance(row, Mapping):
                raise DomainError(f"词表“{name}”中有一项不是对象")
            code, lab = row.get("code"), row.get("label")
            if not isinstance(code, str) or not code.strip():
                raise DomainError(f"词表“{name}”中有一项缺少代码 code")
            if code in seen:
                raise DomainError(f"词表“{name}”中代码“{code}”重复")
            seen.add(code)
            if not isinstance(lab, str) or not lab.strip():
                raise DomainError(f"词表“{name}”中代码“{code}”缺少名称 label")
            sort = row.get("sort", 0)
            if not isinstance(sort, int) or isinstance(sort, bool):
                raise DomainError(f"词表“{name}”中代码“{code}”的排序号 sort 应为整数")
            parent, stats = row.get("parent"), row.get("stats_code")
            for key, value in (("parent", parent), ("stats_code", stats)):
                if value is not None and not isinstance(value, str):
                    raise DomainError(f"词表“{name}”中代码“{code}”的 {key} 应为文本或空")
            extra = {k: v for k, v in row.items() if k not in _BASE_KEYS}
            items.append(VocabItem(name, code, lab, parent, stats, sort, extra))
        for item in items:
            if item.parent is not None and item.parent not in seen:
                raise DomainError(f"词表“{name}”中代码“{item.code}”的上级“{item.parent}”不存在")
            if item.parent == item.code:
                raise DomainError(f"词表“{name}”中代码“{item.code}”不能以自己为上级")
        items.sort(key=lambda i: (i.sort, i.code))
        result[name] = items
    if "category" in result:
        _check_categories(result["category"])
    return result


def _check_categories(items: list[VocabItem]) -> None:
    national = {i.code for i in items if i.parent is None and i.stats_code == i.code}
    for item in items:
        if item.stats_code is None:
            raise DomainError(f"纠纷类别“{item.label}”缺少统计口径 stats_code")
        if item.stats_code not in national:
            raise DomainError(f"纠纷类别“{item.label}”的统计口径“{item.stats_code}”不是统计报表中的一级类别")


def _default_path() -> Path:
    from mediation_desk.paths import resource

    return resource("vocabularies.json")


@lru_cache(maxsize=1)
def _load_default_cached() -> dict[str, tuple[VocabItem, ...]]:
    with open(_default_path(), encoding="utf-8") as fh:
        document = json.load(fh)
    return {name: tuple(items) for name, items in parse_vocabularies(document).items()}


def load_default_vocabularies() -> dict[str, list[VocabItem]]:
    """The shipped defaults from ``resources/vocabularies.json`` (a fresh dict of fresh lists)."""
    return {name: list(items) for name, items in _load_default_cached().items()}


def default_document() -> dict[str, Any]:
    """The shipped defaults as a JSON-ready document (``{"version": .., "vocabularies": ..}``)."""
    with open(_default_path(), encoding="utf-8") as fh:
        return json.load(fh)


def items(vocab: str) -> tuple[VocabItem, ...]:
    """Default items of one vocabulary, in display order. Unknown name → DomainError."""
    try:
        return _load_default_cached()[vocab]
    except KeyError:
        raise DomainError(f"未知的词表“{vocab}”") from None


def codes(vocab: str) -> tuple[str, ...]:
    return tuple(i.code for i in items(vocab))


def item(vocab: str, code: str) -> VocabItem | None:
    for it in items(vocab):
        if it.code == code:
            return it
    return None


def label(vocab: str, code: str | None) -> str:
    """Chinese label of ``code`` in the default vocabulary ``vocab``.

    An unknown code (or unknown vocabulary) returns the code itself; ``None`` returns ``""``.
    """
    if code is None:
        return ""
    table = _load_default_cached().get(vocab)
    if table:
        for it in table:
            if it.code == code:
                return it.label
    return code


def children(vocab: str, parent: str | None) -> tuple[VocabItem, ...]:
    """Items whose parent is ``parent`` (``None`` → top level)."""
    return tuple(i for i in items(vocab) if i.parent == parent)


def category_stats_code(code: str) -> str | None:
    """The national statistics-list category a (sub/governance) category is counted under."""
    it = item("category", code)
    return it.stats_code if it else None


def risk_colour_grade(colour: str) -> str:
    """Grade (high/medium/low) of a four-colour code: red→high, orange→medium, yellow/blue→low."""
    it = item("risk_colour", colour)
    if it is None:
        raise DomainError(f"未知的风险颜色“{colour}”")
    return str(it.extra["grade"])


# ---------------------------------------------------------------------------------------------
# Statuses and workflows
# ---------------------------------------------------------------------------------------------


class CaseKind(StrEnum):
    DISPUTE = "dispute"
    PETITION = "petition"


class DisputeStatus(StrEnum):
    REGISTERED = "registered"
    INVESTIGATING = "investigating"
    MEDIATING = "mediating"
    AGREED = "agreed"
    ORAL_AGREED = "oral_agreed"
    FAILED = "failed"
    TRANSFERRED = "transferred"
    FOLLOWING_UP = "following_up"
    ARCHIVED = "archived"


class PetitionStatus(StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    ASSIGNED_OUT = "assigned_out"
    REPLIED = "replied"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"
    REREVIEW_REQUESTED = "rereview_requested"
    REREVIEWED = "rereviewed"
    LEGAL_CHANNEL = "legal_channel"
    CLOSED = "closed"
    ARCHIVED = "archived"


#: Dispute status codes in workflow order (plain ``str``).
DISPUTE_STATUSES: tuple[str, ...] = tuple(s.value for s in DisputeStatus)
#: Petition status codes in workflow order (plain ``str``).
PETITION_STATUSES: tuple[str, ...] = tuple(s.value for s in PetitionStatus)
CASE_KINDS: tuple[str, ...] = tuple(k.value for k in CaseKind)

DISPUTE_TRANSITIONS: dict[str, set[str]] = {
    "registered": {"investigating", "mediating", "failed", "transferred"},
    "investigating": {"mediating", "failed", "transferred"},
    "mediating": {"agreed", "oral_agreed", "failed", "transferred"},
    "agreed": {"following_up", "archived"},
    "oral_agreed": {"following_up", "archived"},
    "failed": {"archived"},
    "transferred": {"archived"},
    "following_up": {"archived"},
    "archived": set(),
}

PETITION_TRANSITIONS: dict[str, set[str]] = {
    "registered": {"accepted", "not_accepted", "assigned_out", "legal_channel"},
    "accepted": {"replied", "legal_channel", "assigned_out"},
    "not_accepted": {"closed"},
    "assigned_out": {"closed"},
    "replied": {"review_requested", "closed"},
    "review_requested": {"reviewed"},
    "reviewed": {"rereview_requested", "closed"},
    "rereview_requested": {"rereviewed"},
    "rereviewed": {"closed"},
    "legal_channel": {"closed"},
    "closed": {"archived"},
    "archived": set(),
}

TRANSITIONS: dict[str, dict[str, set[str]]] = {"dispute": DISPUTE_TRANSITIONS, "petition": PETITION_TRANSITIONS}

#: Dispute statuses that by themselves mean "resolved" (an agreement was reached).
#: ``archived`` is resolved only when the outcome is an agreement — see :func:`is_dispute_resolved`.
RESOLVED_DISPUTE_STATUSES: frozenset[str] = frozenset({"agreed", "oral_agreed", "following_up"})
#: Outcomes (vocabulary ``outcome``) that count as resolved.
RESOLVED_OUTCOMES: frozenset[str] = frozenset({"written_agreement", "oral_agreement"})

#: Per kind: statuses where the matter itself needs no more work (办结); the deadline clock stops.
CLOSED_STATUSES: dict[str, frozenset[str]] = {
    "dispute": frozenset({"agreed", "oral_agreed", "failed", "transferred", "following_up", "archived"}),
    "petition": frozenset({"closed", "archived"}),
}
#: Per kind: statuses still in hand (在办) — the complement of CLOSED_STATUSES.
OPEN_STATUSES: dict[str, frozenset[str]] = {
    "dispute": frozenset(DISPUTE_STATUSES) - CLOSED_STATUSES["dispute"],
    "petition": frozenset(PETITION_STATUSES) - CLOSED_STATUSES["petition"],
}
#: Per kind: statuses with no outgoing transition.
TERMINAL_STATUSES: dict[str, frozenset[str]] = {
    kind: frozenset(s for s, nxt in table.items() if not nxt) for kind, table in TRANSITIONS.items()
}

_KIND_WORD = {"dispute": "案件", "petition": "信访事项"}


def is_dispute_resolved(status: str, outcome: str | None = None) -> bool:
    """True when a dispute counts as 化解 (agreement reached), see the module docstring."""
    if status in RESOLVED_DISPUTE_STATUSES:
        return True
    return status == "archived" and outcome in RESOLVED_OUTCOMES


def is_closed(kind: str, status: str) -> bool:
    return status in _table(kind) and status in CLOSED_STATUSES[kind]


def status_label(kind: str, status: str) -> str:
    return label(f"{kind}_status", status)


def _table(kind: str) -> dict[str, set[str]]:
    try:
        return TRANSITIONS[str(kind)]
    except KeyError:
        raise DomainError(f"未知的事项类型“{kind}”，应为矛盾纠纷或信访事项") from None


def allowed_next(kind: str, from_status: str) -> tuple[str, ...]:
    """Statuses reachable in one step, in workflow order."""
    table = _table(kind)
    if from_status not in table:
        raise DomainError(f"未知的{_KIND_WORD[kind]}状态“{from_status}”")
    order = DISPUTE_STATUSES if kind == "dispute" else PETITION_STATUSES
    return tuple(s for s in order if s in table[from_status])


def _shortest_path(table: Mapping[str, Iterable[str]], start: str, goal: str) -> list[str] | None:
    prev: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while prev[path[-1]] is not None:
                path.append(prev[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in sorted(table[node]):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


def check_transition(kind: str, from_status: str, to_status: str) -> None:
    """Raise :class:`DomainError` with a Chinese reason unless ``from_status → to_status`` is allowed.

    Staying in the same status is not a transition and is refused too.
    """
    table = _table(kind)
    word = _KIND_WORD[str(kind)]
    for s in (from_status, to_status):
        if s not in table:
            raise DomainError(f"未知的{word}状态“{s}”")
    if to_status in table[from_status]:
        return
    lab = lambda s: status_label(str(kind), s)  # noqa: E731
    if from_status == to_status:
        raise DomainError(f"{word}已是“{lab(from_status)}”状态，无需变更")
    nxt = allowed_next(kind, from_status)
    if not nxt:
        raise DomainError(f"{word}已是“{lab(from_status)}”状态（最终状态），不能再变为“{lab(to_status)}”")
    options = "当前只能变为：" + "、".join(f"“{lab(s)}”" for s in nxt) + "。"
    path = _shortest_path(table, from_status, to_status)
    if path is None:
        reason = "流程不能倒退或跳到其他分支"
    else:
        middle = "”→“".join(lab(s) for s in path[1:-1])
        reason = f"须先经过“{middle}”等环节"
    raise DomainError(f"{word}状态不能从“{lab(from_status)}”直接变为“{lab(to_status)}”：{reason}。{options}")
