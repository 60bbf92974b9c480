"""Case use cases: register, edit, link parties, timeline events, status workflow, voiding.

Case numbers and deadlines are computed here, never typed by the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, get_args

from sqlmodel import Session, select

from ..domain import vocabularies as vocab
from ..domain.calendar import parse_date
from ..domain.errors import DomainError
from ..domain.numbering import format_number
from ..store import audit, numbers, search
from ..store.models import (
    Area, Attachment, Case, CaseEvent, CaseParty, Party, Staff, VocabEntry, utcnow,
)
from ..domain.deadlines import protection_order_expiry
from . import deadlines as case_deadlines
from . import settings as settings_service
from .context import Desk, ServiceError
from .parties import FieldError, PartyInput, upsert_party

# Fields the register/editor may set directly. Numbers, deadlines, workflow dates and voiding are
# managed by the functions below.
SYSTEM_FIELDS = {
    "id", "created_at", "updated_at", "unit_id", "kind", "number", "number_year", "number_seq",
    "due_on", "status", "voided", "void_reason", "voided_at", "version", "archive_number",
    "archive_seq", "closed_out_on", "closed_out_by",
}
EDITABLE_FIELDS = set(Case.model_fields) - SYSTEM_FIELDS


def _is_date_field(annotation: Any) -> bool:
    return annotation is date or date in get_args(annotation)


DATE_FIELDS = {name for name, info in Case.model_fields.items() if _is_date_field(info.annotation)}


@dataclass
class CaseDetail:
    case: Case
    parties: list[tuple[CaseParty, Party]]
    events: list[CaseEvent]
    attachments: list[Attachment]
    area_name: str = ""
    area_path: str = ""
    mediator_name: str = ""
    recorder_name: str = ""
    unit_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def parties_in(self, *roles: str) -> list[Party]:
        return [p for link, p in self.parties if link.role in roles]


def _clean_case_fields(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(f"这些字段不能直接修改：{'、'.join(sorted(unknown))}")
    data: dict[str, Any] = {}
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if key in DATE_FIELDS and value not in (None, ""):
            try:
                value = parse_date(value, what=_label(key))
            except DomainError as error:
                raise FieldError(key, str(error)) from error
        elif key in DATE_FIELDS:
            value = None
        data[key] = value
    if "title" in data and not data["title"]:
        raise FieldError("title", "请填写事件名称（事由）。")
    if "people_involved" in data:
        try:
            data["people_involved"] = int(data["people_involved"] or 0)
        except (TypeError, ValueError) as error:
            raise FieldError("people_involved", "涉及人数应为整数。") from error
        if data["people_involved"] < 0:
            raise FieldError("people_involved", "涉及人数不能为负数。")
    for money in ("amount_involved", "agreement_amount"):
        if money in data and data[money] not in (None, ""):
            try:
                data[money] = round(float(data[money]), 2)
            except (TypeError, ValueError) as error:
                raise FieldError(money, "金额应为数字（单位：元）。") from error
            if data[money] < 0:
                raise FieldError(money, "金额不能为负数。")
        elif money in data:
            data[money] = None
    return data


_LABELS = {
    "received_on": "受理日期", "accepted_on": "受理日期", "performance_deadline": "履行期限",
    "agreement_effective_on": "协议生效日期", "title": "事件名称",
}


def _label(key: str) -> str:
    return _LABELS.get(key, key)


def _check_references(session: Session, data: dict[str, Any]) -> None:
    if data.get("area_id") and session.get(Area, data["area_id"]) is None:
        raise FieldError("area_id", "所选村（社区）不存在。")
    for key in ("mediator_id", "recorder_id"):
        if data.get(key) and session.get(Staff, data[key]) is None:
            raise FieldError(key, "所选工作人员不存在。")
    if data.get("original_case_id") and session.get(Case, data["original_case_id"]) is None:
        raise FieldError("original_case_id", "关联的原案件不存在。")


def _check_codes(kind: str, data: dict[str, Any], session: Session | None = None) -> None:
    checks = {"category": "category", "source": "source", "risk_grade": "risk_grade",
              "risk_colour": "risk_colour", "outcome": "outcome", "petition_type": "petition_type",
              "channel": "petition_channel", "decision": "petition_decision"}
    for key, vocabulary in checks.items():
        value = data.get(key)
        if value and vocab.item(vocabulary, value) is None and not (
                session is not None and session.get(VocabEntry, (vocabulary, value)) is not None):
            raise FieldError(key, f"“{value}”不是有效的{_VOCAB_WORD.get(vocabulary, vocabulary)}。")


_VOCAB_WORD = {"category": "纠纷类别", "source": "案件来源", "risk_grade": "风险等级", "risk_colour": "风险颜色",
               "outcome": "调解结果", "petition_type": "信访类型", "petition_channel": "信访渠道",
               "petition_decision": "处理意见"}


def _derive_flags(session: Session, case: Case) -> None:
    rules = settings_service.deadline_rules(session)
    if case.people_involved >= rules.group_min_people:
        case.is_group = True
    if case.risk_colour and not case.risk_grade:
        case.risk_grade = vocab.risk_colour_grade(case.risk_colour)


def _check_case_dates(session: Session, case: Case) -> None:
    """Dates that contradict each other would silently switch the deadline clock off."""
    if case.accepted_on and case.received_on and case.accepted_on < case.received_on:
        raise FieldError("accepted_on", "受理日期不能早于收到（登记）日期。")
    if case.po_expires_on:
        if not case.po_ruled_on:
            raise FieldError("po_ruled_on", "请先填写保护令的作出日期，再填写有效期。")
        if case.po_expires_on < case.po_ruled_on:
            raise FieldError("po_expires_on", "保护令有效期不能早于作出日期。")
        latest = protection_order_expiry(case.po_ruled_on, rules=settings_service.deadline_rules(session))
        if case.po_expires_on > latest:
            raise FieldError("po_expires_on", f"人身安全保护令有效期最长6个月，最晚至 {latest.isoformat()}。")


def _recompute_due(session: Session, case: Case) -> None:
    case.due_on = case_deadlines.current_due(case, settings_service.deadline_rules(session),
                                             settings_service.work_calendar(session))


def register_case(desk: Desk, kind: str, fields: dict[str, Any],
                  parties: Iterable[PartyInput] = ()) -> Case:
    """Register a dispute or petition; allocates its number and computes its deadline."""
    if kind not in vocab.CASE_KINDS:
        raise ServiceError(f"未知的案件类型：{kind}")
    data = _clean_case_fields(fields)
    if not data.get("title"):
        raise FieldError("title", "请填写事件名称（事由）。")
    received = data.get("received_on") or desk.today()
    data["received_on"] = received
    if received > desk.today():
        raise FieldError("received_on", "受理日期不能晚于今天。")
    parties = list(parties)
    with desk.tx() as session:
        _check_codes(kind, data, session)
        _check_references(session, data)
        unit = desk.current_unit(session)
        seq = numbers.allocate(session, unit.id, kind, received.year)
        pattern = settings_service.numbering_patterns(session)[kind]
        number = format_number(pattern, received.year, unit.short_name, seq)
        if kind == "dispute" and not data.get("accepted_on"):
            data["accepted_on"] = received
        case = Case(unit_id=unit.id, kind=kind, number=number, number_year=received.year,
                    number_seq=seq, status="registered", **data)
        _derive_flags(session, case)
        _check_case_dates(session, case)
        _recompute_due(session, case)
        session.add(case)
        session.flush()
        desk.audit(session, "create", case)
        for index, party_input in enumerate(parties):
            _link_party(desk, session, case, party_input, index)
        _add_event(desk, session, case, "register", received, content=f"登记{vocab.label('case_kind', kind)}：{case.title}")
        session.flush()
        search.reindex_cases(session.connection(), [case.id])
        return case


def _link_party(desk: Desk, session: Session, case: Case, party_input: PartyInput, index: int = 0) -> CaseParty:
    if vocab.item("party_role", party_input.role) is None:
        raise FieldError("role", f"未知的当事人身份：{party_input.role}")
    if party_input.party_id and not party_input.fields:
        party = session.get(Party, party_input.party_id)
        if party is None:
            raise ServiceError("所选当事人不存在。")
    else:
        party = upsert_party(desk, session, party_input.fields, party_id=party_input.party_id)
    existing = session.exec(select(CaseParty).where(
        CaseParty.case_id == case.id, CaseParty.party_id == party.id, CaseParty.role == party_input.role)).first()
    if existing is not None:
        return existing
    if party_input.is_representative:
        reps = session.exec(select(CaseParty).where(
            CaseParty.case_id == case.id, CaseParty.is_representative == True)).all()  # noqa: E712
        if len(reps) >= 5:
            raise FieldError("is_representative", "集体访推选的代表不能超过5人。")
    link = CaseParty(case_id=case.id, party_id=party.id, role=party_input.role,
                     is_representative=party_input.is_representative, sort=party_input.sort or index)
    session.add(link)
    session.flush()
    desk.audit(session, "create", link)
    return link


def add_party(desk: Desk, case_id: str, party_input: PartyInput) -> CaseParty:
    with desk.tx() as session:
        case = _get_case(session, case_id)
        link = _link_party(desk, session, case, party_input, 99)
        session.flush()
        search.reindex_cases(session.connection(), [case.id])
        return link


def remove_party(desk: Desk, case_id: str, link_id: str) -> None:
    """Unlink a party from a case (the person stays in the party register)."""
    with desk.tx() as session:
        link = session.get(CaseParty, link_id)
        if link is None or link.case_id != case_id:
            raise ServiceError("该当事人不在此案件中。")
        before = audit.snapshot(link)
        session.delete(link)
        audit.record(session, actor=desk.actor, action="delete", entity="case_party", entity_id=link_id,
                     before=before)
        session.flush()
        search.reindex_cases(session.connection(), [case_id])


def _get_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise ServiceError("案件不存在。")
    return case


def _ensure_editable(case: Case) -> None:
    if case.voided:
        raise ServiceError(f"案件 {case.number} 已作废，不能再修改。")


def update_case(desk: Desk, case_id: str, changes: dict[str, Any], expected_version: int | None = None) -> Case:
    """Edit fields of a case. With `expected_version`, refuses when someone saved in between."""
    data = _clean_case_fields(changes)
    with desk.tx() as session:
        case = _get_case(session, case_id)
        _ensure_editable(case)
        if expected_version is not None and case.version != expected_version:
            raise ServiceError("这个案件在您编辑期间已被修改并保存过。请重新打开后再改，您的草稿已保留。")
        _check_codes(case.kind, data, session)
        _check_references(session, data)
        if data.get("received_on") and data["received_on"] > desk.today():
            raise FieldError("received_on", "受理日期不能晚于今天。")
        before = audit.snapshot(case)
        for key, value in data.items():
            setattr(case, key, value)
        _derive_flags(session, case)
        _check_case_dates(session, case)
        _recompute_due(session, case)
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        session.flush()
        search.reindex_cases(session.connection(), [case.id])
        return case


EVENT_FIELDS = {"time_text", "place", "staff_ids", "participants", "person_questioned", "content", "result",
                "extension_days", "consent"}


def _add_event(desk: Desk, session: Session, case: Case, kind: str, occurred_on: date, **fields) -> CaseEvent:
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise ServiceError(f"工作记录里有无法识别的字段：{'、'.join(sorted(unknown))}")
    if vocab.item("event_kind", kind) is None:
        raise ServiceError(f"未知的工作记录类型：{kind}")
    event = CaseEvent(case_id=case.id, kind=kind, occurred_on=occurred_on, created_by=desk.actor, **fields)
    session.add(event)
    session.flush()
    desk.audit(session, "create", event)
    return event


def add_event(desk: Desk, case_id: str, kind: str, occurred_on: date | str | None = None, **fields) -> CaseEvent:
    """Add a timeline entry (investigation, mediation session, follow-up, note …)."""
    on = parse_date(occurred_on, what="日期") if occurred_on else desk.today()
    if on > desk.today():
        raise FieldError("occurred_on", "工作记录的日期不能晚于今天。")
    if kind in ("extension", "status_change", "register"):
        raise ServiceError("延期和状态变更请使用对应的操作，不能直接添加。")
    with desk.tx() as session:
        case = _get_case(session, case_id)
        _ensure_editable(case)
        if on < case.received_on:
            raise FieldError("occurred_on", "工作记录的日期不能早于受理日期。")
        event = _add_event(desk, session, case, kind, on, **fields)
        case.updated_at = utcnow()
        session.add(case)
        return event


def extend_deadline(desk: Desk, case_id: str, days: int, reason: str, *, consent: bool = False,
                    approver: str = "", on: date | None = None) -> Case:
    """Extend the mediation (both parties' consent) or petition handling (approver) deadline."""
    on = on or desk.today()
    if days <= 0:
        raise FieldError("extension_days", "延长天数应大于0。")
    if not reason.strip():
        raise FieldError("extension_reason", "请填写延期理由。")
    with desk.tx() as session:
        case = _get_case(session, case_id)
        _ensure_editable(case)
        rules = settings_service.deadline_rules(session)
        if case.kind == "dispute":
            if not consent:
                raise ServiceError("调解期限只有经双方当事人同意才能延长，请先取得并记录双方同意。")
            if case.status not in vocab.OPEN_STATUSES["dispute"] or case.status in vocab.CLOSED_STATUSES["dispute"]:
                raise ServiceError("案件已结束，不需要延长调解期限。")
        else:
            if not approver.strip():
                raise FieldError("extension_approver", "信访事项延期须经本机关负责人批准，请填写批准人。")
            if case.extension_days:
                raise ServiceError("信访事项只能延期一次。")
            if days > rules.petition_extension_max_days:
                raise FieldError("extension_days",
                                 f"信访事项延长期限不得超过{rules.petition_extension_max_days}日。")
            if case.status != "accepted":
                raise ServiceError("只有已受理、尚未答复的信访事项才能延期办理。")
        before = audit.snapshot(case)
        case.extension_days += days
        case.extension_reason = reason.strip()
        case.extension_approver = approver.strip()
        _recompute_due(session, case)
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        _add_event(desk, session, case, "extension", on, extension_days=days, consent=consent if case.kind == "dispute" else None,
                   content=reason.strip(), participants=approver.strip())
        return case


# Petition steps that carry a decision, a legal basis, a body or a statutory window: only
# services.petitions may take them (it records and checks those); change_status refuses them.
PETITION_STEPS_WITH_DATA = frozenset({
    "not_accepted", "assigned_out", "legal_channel", "replied", "review_requested", "reviewed",
    "rereview_requested", "rereviewed",
})


def change_status(desk: Desk, case_id: str, to_status: str, on: date | str | None = None, note: str = "") -> Case:
    """Move a case along its workflow; an invalid jump is refused with the reason."""
    on_date = parse_date(on, what="日期") if on else desk.today()
    with desk.tx() as session:
        case = _get_case(session, case_id)
        _ensure_editable(case)
        try:
            vocab.check_transition(case.kind, case.status, to_status)
        except DomainError as error:
            raise ServiceError(str(error)) from error
        if case.kind == "petition" and to_status in PETITION_STEPS_WITH_DATA:
            raise ServiceError(
                f"信访事项“{vocab.status_label('petition', to_status)}”这一步要填写处理意见、依据、期限等内容，"
                "请在“信访”页办理。")
        if on_date < case.received_on:
            raise FieldError("on", "日期不能早于受理日期。")
        if on_date > desk.today():
            raise FieldError("on", "日期不能晚于今天。")
        before = audit.snapshot(case)
        _apply_status_dates(case, to_status, on_date)
        case.status = to_status
        _recompute_due(session, case)
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        text = f"{vocab.status_label(case.kind, before['status'])} → {vocab.status_label(case.kind, to_status)}"
        _add_event(desk, session, case, "status_change", on_date, content=text, result=note)
        return case


def _apply_status_dates(case: Case, to_status: str, on: date) -> None:
    if case.kind == "dispute":
        if to_status in ("agreed", "oral_agreed"):
            case.resolved_on = case.resolved_on or on
            case.closed_on = case.closed_on or on
            case.outcome = case.outcome or ("written_agreement" if to_status == "agreed" else "oral_agreement")
            if to_status == "oral_agreed" and not case.agreement_effective_on:
                case.agreement_effective_on = on  # an oral agreement takes effect the day it is reached
        elif to_status in ("failed", "transferred"):
            case.closed_on = case.closed_on or on
            case.outcome = case.outcome or ("failed" if to_status == "failed" else "transferred")
        elif to_status == "archived":
            case.archived_on = on
    else:
        if to_status == "accepted":
            case.accepted_on = case.accepted_on or on
            case.notice_on = case.notice_on or on
        elif to_status in ("not_accepted", "assigned_out"):
            case.notice_on = case.notice_on or on
        elif to_status == "replied":
            case.replied_on = case.replied_on or on
            case.resolved_on = case.resolved_on or on
        elif to_status == "review_requested":
            case.review_requested_on = case.review_requested_on or on
        elif to_status == "reviewed":
            case.reviewed_on = case.reviewed_on or on
        elif to_status == "rereview_requested":
            case.rereview_requested_on = case.rereview_requested_on or on
        elif to_status == "rereviewed":
            case.rereviewed_on = case.rereviewed_on or on
        elif to_status == "closed":
            case.closed_on = case.closed_on or on
        elif to_status == "archived":
            case.archived_on = on


def record_agreement(desk: Desk, case_id: str, *, oral: bool = False, terms: str, facts: str = "",
                     performance_manner: str = "", performance_place: str = "",
                     performance_deadline: date | str | None = None, effective_on: date | str | None = None,
                     copies: int | None = None, amount: float | None = None) -> Case:
    """Record a written (协议书) or oral (口头协议) agreement and move the case to that status."""
    if not terms.strip():
        raise FieldError("agreement_terms", "请填写协议内容。")
    with desk.read() as session:
        case = _get_case(session, case_id)
        party_count = len(session.exec(select(CaseParty).where(
            CaseParty.case_id == case_id, CaseParty.role.in_(["applicant", "respondent", "third_party"]))).all())
    effective = parse_date(effective_on, what="生效日期") if effective_on else desk.today()
    changes: dict[str, Any] = {
        "agreement_terms": terms, "agreement_facts": facts, "performance_manner": performance_manner,
        "performance_place": performance_place, "performance_deadline": performance_deadline,
        "agreement_effective_on": effective, "outcome": "oral_agreement" if oral else "written_agreement",
        "agreement_copies": copies if copies is not None else (0 if oral else party_count + 1),
        "agreement_amount": amount,
    }
    update_case(desk, case_id, changes)
    if case.status in ("registered", "investigating"):
        change_status(desk, case_id, "mediating", effective)
    return change_status(desk, case_id, "oral_agreed" if oral else "agreed", effective,
                         note="口头协议" if oral else "书面调解协议")


def void_case(desk: Desk, case_id: str, reason: str) -> Case:
    """Void a case: it stays in the database with the reason; its number is never reused."""
    if not (reason or "").strip():
        raise FieldError("void_reason", "作废必须填写理由。")
    with desk.tx() as session:
        case = _get_case(session, case_id)
        if case.voided:
            raise ServiceError("案件已经作废。")
        before = audit.snapshot(case)
        case.voided = True
        case.void_reason = reason.strip()
        case.voided_at = utcnow()
        case.version += 1
        session.add(case)
        audit.record(session, actor=desk.actor, action="void", entity="case", entity_id=case.id,
                     before=before, after=audit.snapshot(case))
        return case


def get_case(desk: Desk, case_id: str) -> Case | None:
    with desk.read() as session:
        return session.get(Case, case_id)


def find_by_number(desk: Desk, number: str) -> Case | None:
    number = (number or "").strip()
    with desk.read() as session:
        case = session.exec(select(Case).where(Case.number == number)).first()
        if case is None:
            # tolerate half-width brackets typed on a command line
            alt = number.replace("(", "（").replace(")", "）")
            case = session.exec(select(Case).where(Case.number == alt)).first()
        if case is None:
            case = session.exec(select(Case).where(Case.archive_number == number)).first()
        return case


def case_detail(desk: Desk, case_id: str) -> CaseDetail:
    with desk.read() as session:
        case = _get_case(session, case_id)
        links = session.exec(
            select(CaseParty, Party).join(Party, Party.id == CaseParty.party_id)
            .where(CaseParty.case_id == case_id).order_by(CaseParty.sort)).all()
        events = list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.voided == False)  # noqa: E712
                                   .order_by(CaseEvent.occurred_on, CaseEvent.created_at)))
        attachments = list(session.exec(select(Attachment).where(Attachment.case_id == case_id, Attachment.voided == False)  # noqa: E712
                                        .order_by(Attachment.created_at)))
        area = session.get(Area, case.area_id) if case.area_id else None
        path: list[str] = []
        node = area
        while node is not None:
            path.insert(0, node.name)
            node = session.get(Area, node.parent_id) if node.parent_id else None
        mediator = session.get(Staff, case.mediator_id) if case.mediator_id else None
        recorder = session.get(Staff, case.recorder_id) if case.recorder_id else None
        from ..store.models import Unit
        unit = session.get(Unit, case.unit_id)
        return CaseDetail(case=case, parties=[(link, party) for link, party in links], events=events,
                          attachments=attachments, area_name=area.name if area else "",
                          area_path="".join(path), mediator_name=mediator.name if mediator else "",
                          recorder_name=recorder.name if recorder else "", unit_name=unit.name if unit else "")
