"""Vocabularies as the unit has them: the shipped defaults copied into the database plus the
entries the unit added in Settings (categories, sources, referrals …). Codes are stable; an added
entry gets a new code that is never reused, and every change is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import select

from ..domain import vocabularies as domain_vocab
from ..store import audit
from ..store.models import VocabEntry
from .context import Desk, ServiceError

#: Vocabularies a unit may extend in Settings, with the word shown to the user.
EXTENDABLE: dict[str, str] = {
    "category": "纠纷类别",
    "source": "案件来源",
    "referral": "转介去向",
    "assessment_method": "稳评调查方式",
}

#: Every vocabulary shown (read-only unless extendable) in Settings, with its Chinese name.
VOCAB_NAMES: dict[str, str] = {
    "case_kind": "案件类型", "category": "纠纷类别", "source": "案件来源", "party_role": "当事人身份",
    "dispute_status": "纠纷案件状态", "petition_status": "信访事项状态", "outcome": "调解结果",
    "risk_grade": "风险等级", "risk_colour": "风险颜色（四色）", "petition_type": "信访类型",
    "petition_channel": "信访渠道", "petition_decision": "处理意见", "event_kind": "工作记录类型",
    "contract_status": "包案状态", "satisfaction": "满意度", "risk_level": "稳评风险等级",
    "decision_outcome": "稳评结果运用", "assessment_method": "稳评调查方式", "dv_type": "家暴类型",
    "referral": "转介去向", "unit_type": "单位类型", "staff_role": "工作人员角色", "area_level": "地区级别",
    "screening_period": "排查周期", "dimension": "稳评维度", "dimension_finding": "维度结论",
}


@dataclass
class Entry:
    vocab: str
    code: str
    label: str
    parent: str = ""
    stats_code: str = ""
    sort: int = 0
    active: bool = True
    builtin: bool = True


def _entry(row: VocabEntry) -> Entry:
    return Entry(row.vocab, row.code, row.label, row.parent or "", row.stats_code or "", row.sort,
                 bool(row.active), bool(row.builtin))


def entries(desk: Desk, vocab: str, active_only: bool = True) -> list[Entry]:
    """Entries of one vocabulary in display order (defaults first, then the unit's own)."""
    with desk.read() as session:
        query = select(VocabEntry).where(VocabEntry.vocab == vocab)
        if active_only:
            query = query.where(VocabEntry.active == True)  # noqa: E712
        rows = [_entry(r) for r in session.exec(query.order_by(VocabEntry.sort, VocabEntry.code))]
    if not rows:  # a database from before the vocabulary was seeded: fall back to the defaults
        try:
            rows = [Entry(vocab, i.code, i.label, i.parent or "", i.stats_code or "", i.sort)
                    for i in domain_vocab.items(vocab)]
        except domain_vocab.DomainError:
            rows = []
    return rows


def all_labels(desk: Desk) -> dict[str, dict[str, str]]:
    """``{vocab: {code: label}}`` for every vocabulary in the database (defaults included)."""
    result: dict[str, dict[str, str]] = {}
    for name, items in domain_vocab.load_default_vocabularies().items():
        result[name] = {i.code: i.label for i in items}
    with desk.read() as session:
        for row in session.exec(select(VocabEntry)):
            result.setdefault(row.vocab, {})[row.code] = row.label
    return result


def add_entry(desk: Desk, vocab: str, label: str, parent: str = "", stats_code: str = "") -> Entry:
    """Add an entry to an extendable vocabulary; refuses duplicates and unknown parents.

    A category needs its national statistics category (`stats_code`): a sub-category inherits its
    parent's, a new top-level category defaults to 其他 (``other``)."""
    if vocab not in EXTENDABLE:
        raise ServiceError(f"“{VOCAB_NAMES.get(vocab, vocab)}”是固定词表，不能添加。")
    label = (label or "").strip()
    if not label:
        raise ServiceError(f"请填写{EXTENDABLE[vocab]}的名称。")
    if len(label) > 30:
        raise ServiceError("名称太长，请不要超过30个字。")
    with desk.tx() as session:
        rows = list(session.exec(select(VocabEntry).where(VocabEntry.vocab == vocab)))
        by_code = {r.code: r for r in rows}
        parent = (parent or "").strip()
        if parent and parent not in by_code:
            raise ServiceError("所选的上级类别不存在。")
        siblings = [r for r in rows if (r.parent or "") == parent]
        if any(r.label == label for r in siblings):
            raise ServiceError(f"“{label}”已经在{EXTENDABLE[vocab]}里了。")
        if vocab == "category":
            if parent:
                stats_code = by_code[parent].stats_code or parent
            else:
                stats_code = stats_code or "other"
                national = {r.code for r in rows if not r.parent and r.stats_code == r.code}
                if stats_code not in national:
                    raise ServiceError("请选择这个类别在统计报表中归入的一级类别。")
        code = f"u{uuid.uuid4().hex[:10]}"
        sort = max((r.sort for r in rows), default=0) + 1
        row = VocabEntry(vocab=vocab, code=code, label=label, parent=parent, stats_code=stats_code or "",
                         sort=sort, active=True, builtin=False)
        session.add(row)
        audit.record(session, actor=desk.actor, action="create", entity="vocab_entry",
                     entity_id=f"{vocab}:{code}", after=audit.snapshot(row))
        return _entry(row)


def rename_entry(desk: Desk, vocab: str, code: str, label: str) -> Entry:
    """Change the label of an entry (its code stays, so existing cases keep their value)."""
    label = (label or "").strip()
    if not label:
        raise ServiceError("名称不能为空。")
    with desk.tx() as session:
        row = session.get(VocabEntry, (vocab, code))
        if row is None:
            raise ServiceError("词条不存在。")
        before = audit.snapshot(row)
        row.label = label
        session.add(row)
        audit.record(session, actor=desk.actor, action="update", entity="vocab_entry",
                     entity_id=f"{vocab}:{code}", before=before, after=audit.snapshot(row))
        return _entry(row)
