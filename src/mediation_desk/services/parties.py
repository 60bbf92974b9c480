"""Parties (当事人): persons and organisations, validated and deduplicated by ID number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from ..domain.idcard import check_id_number
from ..domain.phone import check_phone
from ..store import audit, search
from ..store.models import CaseParty, Party, utcnow
from .context import Desk, ServiceError

PARTY_FIELDS = {
    "kind", "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "address", "area_id",
    "occupation", "legal_representative", "note",
}


class FieldError(ServiceError):
    """A refused value in one field; `field` names it so a form can point at it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class PartyInput:
    """A party to link to a case: an existing party (party_id) or new/updated person fields."""

    role: str
    party_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    is_representative: bool = False
    sort: int = 0


def clean_party_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and validate; raises FieldError with a Chinese message on bad input.

    A valid resident ID fills sex and birth date; a legacy 15-digit number is accepted and
    flagged (`id_legacy`).
    """
    unknown = set(fields) - PARTY_FIELDS
    if unknown:
        raise ServiceError(f"当事人信息里有无法识别的字段：{'、'.join(sorted(unknown))}")
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if data.get("birth_date") == "":
        data["birth_date"] = None  # an empty form field, not a date (SQLite would refuse "")
    kind = data.get("kind") or "person"
    if kind not in ("person", "organisation"):
        raise FieldError("kind", "当事人类型只能是“自然人”或“单位”。")
    data["kind"] = kind
    if not data.get("name"):
        raise FieldError("name", "请填写当事人姓名（或单位名称）。")
    id_number = data.get("id_number") or None
    if id_number and kind == "person":
        check = check_id_number(id_number)
        if not check.valid:
            raise FieldError("id_number", check.error or "身份证号不正确。")
        data["id_number"] = check.normalized
        data["id_legacy"] = check.legacy15
        data.setdefault("sex", check.sex or "")
        if not data.get("sex"):
            data["sex"] = check.sex or ""
        if not data.get("birth_date"):
            data["birth_date"] = check.birth_date
    elif id_number:
        data["id_number"] = id_number.upper()
    else:
        data["id_number"] = None
    if data.get("phone"):
        phone = check_phone(data["phone"])
        if not phone.valid:
            raise FieldError("phone", phone.error or "电话号码格式不正确。")
        data["phone"] = phone.normalized
    birth = data.get("birth_date")
    if isinstance(birth, str) and birth:
        try:
            data["birth_date"] = date.fromisoformat(birth)
        except ValueError as error:
            raise FieldError("birth_date", "出生日期格式不正确，应为 1980-05-01 这样的格式。") from error
    return data


def upsert_party(desk: Desk, session: Session, fields: dict[str, Any], party_id: str | None = None) -> Party:
    """Create a party, or update the given/known one. Persons with the same ID number are one party."""
    data = clean_party_fields(fields)
    party: Party | None = session.get(Party, party_id) if party_id else None
    if party_id and party is None:
        raise ServiceError("要修改的当事人不存在。")
    if party is None and data.get("id_number"):
        party = session.exec(select(Party).where(Party.id_number == data["id_number"])).first()
    if party is not None and data.get("id_number") and party.id_number and party.id_number != data["id_number"]:
        other = session.exec(select(Party).where(Party.id_number == data["id_number"])).first()
        if other is not None and other.id != party.id:
            raise FieldError("id_number", f"身份证号 {data['id_number']} 已登记给当事人“{other.name}”，请选择已有当事人。")
    if party is None:
        party = Party(**data)
        session.add(party)
        session.flush()
        desk.audit(session, "create", party)
        search.reindex_parties(session.connection(), [party.id])  # findable at once ("pick existing")
        return party
    before = audit.snapshot(party)
    for key, value in data.items():
        if value not in (None, "") or key in fields:
            setattr(party, key, value)
    party.updated_at = utcnow()
    session.add(party)
    session.flush()
    if audit.snapshot(party) != before:
        desk.audit(session, "update", party, before)
        case_ids = [r[0] for r in session.execute(
            select(CaseParty.case_id).where(CaseParty.party_id == party.id))]
        conn = session.connection()
        search.reindex_cases(conn, case_ids)
        search.reindex_parties(conn, [party.id])
    return party


def update_party(desk: Desk, party_id: str, fields: dict[str, Any]) -> Party:
    with desk.tx() as session:
        return upsert_party(desk, session, fields, party_id=party_id)


def get_party(desk: Desk, party_id: str) -> Party | None:
    with desk.read() as session:
        return session.get(Party, party_id)


def find_parties(desk: Desk, query: str, limit: int = 20) -> list[Party]:
    """Existing parties by name, pinyin initials, ID number or phone (for 'pick an existing person')."""
    with desk.read() as session:
        ids = search.search_parties(session.connection(), query, limit=limit)
        if not ids:
            return []
        rows = {p.id: p for p in session.exec(select(Party).where(Party.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]
