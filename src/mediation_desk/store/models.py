"""SQLModel tables for the whole domain.

Every row has a UUID primary key (32 hex characters) so that records made on different laptops
can be merged later. Human numbers (case numbers, archive numbers, contract numbers) are separate
columns allocated from `NumberSequence` and never reused.

Dates with legal meaning are `date`; moments are timezone-aware `datetime` in UTC.
Vocabulary values are stored as stable codes (see resources/vocabularies.json).
Lists that belong to one row and are never queried on their own (methods, risk points, minors'
ages) are JSON text columns.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _json_list() -> Column:
    return Column(JSON, nullable=False, default=list)


def _json_dict() -> Column:
    return Column(JSON, nullable=False, default=dict)


class Stamped(SQLModel):
    """Columns every editable record carries."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# --------------------------------------------------------------------------- organisation


class Unit(Stamped, table=True):
    """The organisation keeping this database (a committee or a township office)."""

    __tablename__ = "unit"

    name: str
    short_name: str = ""  # used in numbers: （2026）{short}调字第001号
    unit_type: str = "village_committee"  # vocab unit_type
    area_id: Optional[str] = Field(default=None, foreign_key="area.id")
    address: str = ""
    phone: str = ""
    head_name: str = ""  # 主要负责人
    is_current: bool = True


class Area(Stamped, table=True):
    """Administrative area tree: county → township → village → group / grid."""

    __tablename__ = "area"
    __table_args__ = (Index("ix_area_parent", "parent_id"),)

    parent_id: Optional[str] = Field(default=None, foreign_key="area.id")
    level: str  # vocab area_level
    name: str
    code: str = ""  # statistical division code where known
    initials: str = ""  # pinyin initials for search
    sort: int = 0
    active: bool = True


class Staff(Stamped, table=True):
    """Mediators, recorders, leaders, grid workers and unit heads."""

    __tablename__ = "staff"

    unit_id: Optional[str] = Field(default=None, foreign_key="unit.id")
    area_id: Optional[str] = Field(default=None, foreign_key="area.id")
    name: str
    roles: list = Field(default_factory=list, sa_column=_json_list())  # vocab staff_role codes
    post: str = ""  # 职务, e.g. 镇党委副书记
    phone: str = ""
    active: bool = True


# --------------------------------------------------------------------------- parties


class Party(Stamped, table=True):
    """A person or organisation, reused across cases; persons deduplicated by ID number."""

    __tablename__ = "party"
    __table_args__ = (
        Index("ix_party_id_number", "id_number", unique=True),
        Index("ix_party_name", "name"),
    )

    kind: str = "person"  # person | organisation
    name: str
    id_number: Optional[str] = None  # 身份证号 (18 or legacy 15) or 统一社会信用代码; unique
    id_legacy: bool = False
    sex: str = ""  # male | female | ""
    birth_date: Optional[date] = None
    ethnicity: str = ""
    phone: str = ""
    address: str = ""
    area_id: Optional[str] = Field(default=None, foreign_key="area.id")
    occupation: str = ""
    legal_representative: str = ""  # organisations
    note: str = ""


# --------------------------------------------------------------------------- cases


class Case(Stamped, table=True):
    """One register for both kinds: disputes (矛盾纠纷) and petitions (信访事项)."""

    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("unit_id", "number", name="uq_case_unit_number"),
        Index("ix_case_kind_status", "kind", "status"),
        Index("ix_case_received", "received_on"),
        Index("ix_case_due", "due_on"),
        Index("ix_case_area", "area_id"),
        Index("ix_case_category", "category"),
        Index("ix_case_updated", "updated_at"),
    )

    unit_id: str = Field(foreign_key="unit.id")
    kind: str  # dispute | petition
    number: str  # （2026）X调字第001号
    number_year: int
    number_seq: int
    title: str  # 事件名称 / 事由
    category: str = "other"
    subcategory: str = ""
    source: str = ""
    status: str = "registered"
    area_id: Optional[str] = Field(default=None, foreign_key="area.id")
    location: str = ""  # 地点 in free text
    received_on: date  # 受理/排查日期 (petitions: 收到日期)
    accepted_on: Optional[date] = None  # 受理日期 (petitions: 受理; disputes: 同 received unless later)
    due_on: Optional[date] = None  # computed: mediation or petition handling deadline
    extension_days: int = 0  # consented extension (disputes) / approved extension (petitions)
    extension_reason: str = ""
    extension_approver: str = ""
    resolved_on: Optional[date] = None  # 化解/办结 date
    closed_on: Optional[date] = None  # 结案
    closed_out_on: Optional[date] = None  # 销号 in the rolling ledger
    closed_out_by: str = ""
    archived_on: Optional[date] = None
    description: str = ""  # 基本情况
    claims: str = ""  # 主要诉求
    people_involved: int = 0
    amount_involved: Optional[float] = None  # 元
    risk_grade: str = ""  # high | medium | low
    risk_colour: str = ""  # red | orange | yellow | blue | ""
    is_group: bool = False  # 群体性 (people_involved >= 5)
    is_repeat: bool = False  # 重复信访
    is_level_skipping: bool = False  # 越级访
    may_turn_criminal: bool = False  # 民转刑 risk
    is_backlog: bool = False  # 积案
    is_major: bool = False  # reported immediately
    major_reported_at: Optional[datetime] = None
    not_public: bool = False
    original_case_id: Optional[str] = Field(default=None, foreign_key="case.id")  # repeat link
    mediator_id: Optional[str] = Field(default=None, foreign_key="staff.id")  # 调解员/承办人
    recorder_id: Optional[str] = Field(default=None, foreign_key="staff.id")
    responsible_unit: str = ""  # 责任单位
    # outcome and agreement (disputes)
    outcome: str = ""  # vocab outcome
    outcome_note: str = ""  # e.g. other routes told to the parties when failed
    agreement_facts: str = ""  # 主要事实、争议事项、各方责任
    agreement_terms: str = ""  # 协议内容
    performance_manner: str = ""
    performance_place: str = ""
    performance_deadline: Optional[date] = None
    agreement_effective_on: Optional[date] = None
    agreement_copies: int = 0
    agreement_amount: Optional[float] = None  # 协议金额 元
    performed: Optional[bool] = None
    # judicial confirmation
    jc_applied_on: Optional[date] = None
    jc_court: str = ""
    jc_decided_on: Optional[date] = None
    jc_result: str = ""  # confirmed | rejected | ""
    # marriage / family
    dv_type: str = ""  # physical | psychological | both
    dv_warning_letter_on: Optional[date] = None
    dv_warning_station: str = ""
    po_applied_on: Optional[date] = None  # 人身安全保护令
    po_applicant: str = ""
    po_urgent: bool = False
    po_ruled_on: Optional[date] = None
    po_expires_on: Optional[date] = None
    mandatory_report_on: Optional[date] = None
    minors_count: int = 0
    minors_ages: list = Field(default_factory=list, sa_column=_json_list())
    minors_arrangements: str = ""  # custody / visits / support terms
    divorce_registered_on: Optional[date] = None
    referrals: list = Field(default_factory=list, sa_column=_json_list())  # vocab referral
    # petitions
    petition_type: str = ""  # suggestion | accusation | claim
    channel: str = ""  # letter | visit | online | phone
    received_from: str = ""  # transferred/assigned from
    representatives_count: int = 0
    notice_on: Optional[date] = None  # 受理/不予受理/转送 notice given
    assigned_to: str = ""  # body it was transferred/assigned to
    replied_on: Optional[date] = None
    decision: str = ""  # support | explain | reject
    legal_basis: str = ""
    reply_text: str = ""
    review_requested_on: Optional[date] = None
    review_body: str = ""
    reviewed_on: Optional[date] = None
    review_result: str = ""
    rereview_requested_on: Optional[date] = None
    rereview_body: str = ""
    rereviewed_on: Optional[date] = None
    rereview_result: str = ""
    rereview_hearing_days: int = 0  # hearing time, not counted in the re-review answer period
    legal_channel: str = ""  # court | arbitration | admin_review when routed
    # archive
    archive_number: str = ""
    archive_seq: Optional[int] = None
    archive_keeper: str = ""  # 立卷人
    retention: str = ""  # 保管期限
    # voiding (never hard-deleted)
    voided: bool = False
    void_reason: str = ""
    voided_at: Optional[datetime] = None
    version: int = 1  # bumped on each update (optimistic check in editors)


class CaseParty(Stamped, table=True):
    __tablename__ = "case_party"
    __table_args__ = (
        UniqueConstraint("case_id", "party_id", "role", name="uq_case_party_role"),
        Index("ix_case_party_party", "party_id"),
    )

    case_id: str = Field(foreign_key="case.id", index=True)
    party_id: str = Field(foreign_key="party.id")
    role: str  # vocab party_role
    is_representative: bool = False  # group petitions: elected representative (≤5)
    agent_for_id: Optional[str] = Field(default=None, foreign_key="party.id")
    sort: int = 0


class CaseEvent(Stamped, table=True):
    """Timeline entry: investigation, mediation session, follow-up, extension, transfer …"""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case", "case_id", "occurred_on"),)

    case_id: str = Field(foreign_key="case.id")
    kind: str  # vocab event_kind
    occurred_on: date
    time_text: str = ""  # e.g. "9:30—11:00"
    place: str = ""
    staff_ids: list = Field(default_factory=list, sa_column=_json_list())
    participants: str = ""  # 参加人 / 在场人
    person_questioned: str = ""  # 被调查人 (investigation)
    content: str = ""  # Q&A, what was done
    result: str = ""
    extension_days: int = 0
    consent: Optional[bool] = None  # parties' consent for a mediation extension
    created_by: str = ""
    voided: bool = False
    void_reason: str = ""


class Attachment(Stamped, table=True):
    """A file (scan, photo, PDF) copied into the data folder, named by its SHA-256."""

    __tablename__ = "attachment"

    case_id: str = Field(foreign_key="case.id", index=True)
    event_id: Optional[str] = Field(default=None, foreign_key="case_event.id")
    kind: str = "other"  # id_proof | power_of_attorney | evidence | receipt | jc_papers | other
    filename: str  # original name shown to the user
    sha256: str = Field(max_length=64)
    size: int = 0
    mime: str = ""
    note: str = ""
    voided: bool = False


# --------------------------------------------------------------------------- screening


class ScreeningRound(Stamped, table=True):
    """One area's screening for one period; a round with no findings is a zero report."""

    __tablename__ = "screening_round"
    __table_args__ = (Index("ix_screening_area_period", "area_id", "period_start"),)

    area_id: str = Field(foreign_key="area.id")
    period_kind: str = "month"  # vocab screening_period
    period_start: date
    period_end: date
    screened_on: date
    screeners: list = Field(default_factory=list, sa_column=_json_list())  # staff ids
    scope: str = ""
    method: str = ""
    findings: str = ""
    is_zero_report: bool = False
    signed_by: str = ""
    submitted_on: Optional[date] = None
    voided: bool = False


class ScreeningEntry(Stamped, table=True):
    """A finding of a round: a new case or an open case re-checked this period."""

    __tablename__ = "screening_entry"

    round_id: str = Field(foreign_key="screening_round.id", index=True)
    case_id: str = Field(foreign_key="case.id", index=True)
    is_new: bool = False
    progress: str = ""  # 本月工作情况
    risk_grade: str = ""
    escalation: str = ""  # raise | lower | ""
    major_reported_at: Optional[datetime] = None


# --------------------------------------------------------------------------- leader contracts


class LeaderContract(Stamped, table=True):
    __tablename__ = "leader_contract"

    case_id: str = Field(foreign_key="case.id", index=True)
    number: str = ""
    leader_id: Optional[str] = Field(default=None, foreign_key="staff.id")
    leader_name: str
    leader_post: str = ""
    leader_phone: str = ""
    responsible_unit: str = ""
    responsible_persons: str = ""
    task_team: str = ""
    plan: str = ""  # 一案一策
    assigned_on: date
    deadline_on: date
    extension_months: int = 0
    extension_count: int = 0
    extension_reason: str = ""
    extension_approver: str = ""
    status: str = "in_progress"  # vocab contract_status
    flag_lost_contact: bool = False  # 失联
    flag_level_skipping: bool = False  # 越级苗头
    satisfaction: str = ""
    checklist: dict = Field(default_factory=dict, sa_column=_json_dict())  # 五不结案
    withdrawal_agreement: bool = False  # 息访协议 signed
    closed_on: Optional[date] = None
    closed_by: str = ""
    close_approver: str = ""
    reopened_count: int = 0
    voided: bool = False


class ContractProgress(Stamped, table=True):
    __tablename__ = "contract_progress"

    contract_id: str = Field(foreign_key="leader_contract.id", index=True)
    month: str  # YYYY-MM
    entry_on: date
    work_done: str = ""
    contacts: str = ""
    attitude: str = ""
    next_step: str = ""
    author: str = ""
    signed: bool = False


# --------------------------------------------------------------------------- risk assessments


class RiskAssessment(Stamped, table=True):
    __tablename__ = "risk_assessment"

    case_id: Optional[str] = Field(default=None, foreign_key="case.id", index=True)
    number: str = ""
    title: str
    matter_type: str = ""  # decision | project | reform | event | case
    description: str = ""
    responsible_unit: str = ""
    responsible_leader: str = ""
    contact_phone: str = ""
    group_members: str = ""
    methods: list = Field(default_factory=list, sa_column=_json_list())
    surveyed: int = 0
    in_favour: int = 0
    against: int = 0
    neutral: int = 0
    dimensions: dict = Field(default_factory=dict, sa_column=_json_dict())
    party_views: list = Field(default_factory=list, sa_column=_json_list())
    risk_points: list = Field(default_factory=list, sa_column=_json_list())
    mitigation: str = ""
    contingency: str = ""
    suggested_level: str = ""
    suggested_reason: str = ""
    level: str = ""
    override_reason: str = ""
    decision_outcome: str = ""
    assessed_on: Optional[date] = None
    filed_on: Optional[date] = None
    filing_number: str = ""  # number given by the stability office when filed (报备)
    filing_office: str = ""  # where it was filed
    follow_up: list = Field(default_factory=list, sa_column=_json_list())
    voided: bool = False
    void_reason: str = ""


# --------------------------------------------------------------------------- registries


class NumberSequence(SQLModel, table=True):
    """Last number handed out per unit, scope and year. Only ever increases."""

    __tablename__ = "number_sequence"

    unit_id: str = Field(foreign_key="unit.id", primary_key=True)
    scope: str = Field(primary_key=True)  # dispute | petition | archive | contract | risk | doc:*
    year: int = Field(primary_key=True)
    last_value: int = 0


class GeneratedDocument(Stamped, table=True):
    """Registry of every printed/saved document."""

    __tablename__ = "generated_document"

    case_id: Optional[str] = Field(default=None, foreign_key="case.id", index=True)
    doc_type: str
    number: str = ""
    doc_date: date
    path: str = ""
    file_format: str = "pdf"
    sha256: str = ""
    masked: bool = False


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: dict | list | str | int | float | bool | None = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow)


class VocabEntry(SQLModel, table=True):
    """Vocabularies copied from resources/ so a unit can extend them; codes are stable."""

    __tablename__ = "vocab_entry"

    vocab: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    label: str
    parent: str = ""
    stats_code: str = ""
    sort: int = 0
    active: bool = True
    builtin: bool = True


class AuditEntry(SQLModel, table=True):
    """Append-only audit trail: who, when, what, before → after."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = ""
    action: str  # create | update | void | status | allocate | import | restore …
    entity: str  # table name
    entity_id: str = ""
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    after: Optional[dict] = Field(default=None, sa_column=Column(JSON))


ALL_TABLES = [
    Area, Unit, Staff, Party, Case, CaseParty, CaseEvent, Attachment,
    ScreeningRound, ScreeningEntry, LeaderContract, ContractProgress, RiskAssessment,
    NumberSequence, GeneratedDocument, Setting, VocabEntry, AuditEntry,
]
