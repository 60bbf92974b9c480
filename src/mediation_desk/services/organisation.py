"""The unit, its areas (county → township → village → group/grid) and its staff."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..domain.phone import check_phone
from ..store import audit
from ..store.models import Area, Staff, Unit, utcnow
from ..store import search
from ..store.search import name_initials
from .context import Desk, ServiceError

AREA_LEVELS = ("county", "township", "village", "group", "grid")


def init_unit(desk: Desk, name: str, short_name: str = "", unit_type: str = "village_committee",
              township: str = "", county: str = "") -> Unit:
    """Create the unit of this database, or rename it if it exists (idempotent)."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写单位名称，例如“青石镇人民调解委员会”。")
    short_name = (short_name or "").strip() or name[:1]
    with desk.tx() as session:
        unit = session.exec(select(Unit).where(Unit.is_current == True)).first()  # noqa: E712
        if unit is not None:
            before = audit.snapshot(unit)
            unit.name, unit.short_name, unit.unit_type = name, short_name, unit_type
            unit.updated_at = utcnow()
            session.add(unit)
            desk.audit(session, "update", unit, before)
            return unit
        parent_id = None
        if county:
            parent_id = _add_area(desk, session, county, "county", None).id
        if township:
            parent_id = _add_area(desk, session, township, "township", parent_id).id
        unit = Unit(name=name, short_name=short_name, unit_type=unit_type, area_id=parent_id)
        session.add(unit)
        desk.audit(session, "create", unit)
        return unit


def update_unit(desk: Desk, **changes) -> Unit:
    allowed = {"name", "short_name", "unit_type", "address", "phone", "head_name", "area_id"}
    bad = set(changes) - allowed
    if bad:
        raise ServiceError(f"不能修改单位的这些字段：{'、'.join(sorted(bad))}")
    with desk.tx() as session:
        unit = desk.current_unit(session)
        before = audit.snapshot(unit)
        for key, value in changes.items():
            setattr(unit, key, value)
        if not unit.name.strip():
            raise ServiceError("单位名称不能为空。")
        unit.updated_at = utcnow()
        session.add(unit)
        desk.audit(session, "update", unit, before)
        return unit


def _add_area(desk: Desk, session: Session, name: str, level: str, parent_id: str | None, sort: int = 0) -> Area:
    name = (name or "").strip()
    if not name:
        raise ServiceError("地区名称不能为空。")
    if level not in AREA_LEVELS:
        raise ServiceError(f"未知的地区级别：{level}")
    existing = session.exec(select(Area).where(Area.name == name, Area.parent_id == parent_id)).first()
    if existing is not None:
        return existing
    area = Area(name=name, level=level, parent_id=parent_id, initials=name_initials(name), sort=sort)
    session.add(area)
    desk.audit(session, "create", area)
    return area


def add_area(desk: Desk, name: str, level: str, parent_id: str | None = None) -> Area:
    with desk.tx() as session:
        if parent_id is not None and session.get(Area, parent_id) is None:
            raise ServiceError("上级地区不存在。")
        return _add_area(desk, session, name, level, parent_id)


def rename_area(desk: Desk, area_id: str, name: str) -> Area:
    with desk.tx() as session:
        area = session.get(Area, area_id)
        if area is None:
            raise ServiceError("地区不存在。")
        before = audit.snapshot(area)
        area.name = name.strip()
        if not area.name:
            raise ServiceError("地区名称不能为空。")
        area.initials = name_initials(area.name)
        area.updated_at = utcnow()
        session.add(area)
        desk.audit(session, "update", area, before)
        session.flush()
        search.reindex_area_cases(session.connection(), [area.id])
        return area


def list_areas(desk: Desk, level: str | None = None, active_only: bool = True) -> list[Area]:
    with desk.read() as session:
        query = select(Area)
        if level:
            query = query.where(Area.level == level)
        if active_only:
            query = query.where(Area.active == True)  # noqa: E712
        return list(session.exec(query.order_by(Area.level, Area.sort, Area.name)))


def villages(desk: Desk) -> list[Area]:
    return list_areas(desk, "village")


@dataclass
class AreaNode:
    area: Area
    children: list["AreaNode"]


def area_tree(desk: Desk) -> list[AreaNode]:
    areas = list_areas(desk)
    nodes = {a.id: AreaNode(a, []) for a in areas}
    roots: list[AreaNode] = []
    for area in areas:
        parent = nodes.get(area.parent_id) if area.parent_id else None
        (parent.children if parent else roots).append(nodes[area.id])
    return roots


def add_staff(desk: Desk, name: str, roles: list[str], post: str = "", phone: str = "",
              area_id: str | None = None) -> Staff:
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写工作人员姓名。")
    if phone:
        check = check_phone(phone)
        if not check.valid:
            raise ServiceError(check.error or "电话号码格式不正确。")
        phone = check.normalized
    with desk.tx() as session:
        unit = desk.current_unit(session)
        staff = Staff(unit_id=unit.id, name=name, roles=list(roles), post=post, phone=phone, area_id=area_id)
        session.add(staff)
        desk.audit(session, "create", staff)
        return staff


def update_staff(desk: Desk, staff_id: str, **changes) -> Staff:
    allowed = {"name", "roles", "post", "phone", "area_id", "active"}
    bad = set(changes) - allowed
    if bad:
        raise ServiceError(f"不能修改工作人员的这些字段：{'、'.join(sorted(bad))}")
    if changes.get("phone"):
        check = check_phone(changes["phone"])
        if not check.valid:
            raise ServiceError(check.error or "电话号码格式不正确。")
        changes["phone"] = check.normalized
    with desk.tx() as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise ServiceError("工作人员不存在。")
        before = audit.snapshot(staff)
        for key, value in changes.items():
            setattr(staff, key, value)
        staff.updated_at = utcnow()
        session.add(staff)
        desk.audit(session, "update", staff, before)
        return staff


def list_staff(desk: Desk, role: str | None = None, active_only: bool = True) -> list[Staff]:
    with desk.read() as session:
        query = select(Staff)
        if active_only:
            query = query.where(Staff.active == True)  # noqa: E712
        rows = list(session.exec(query.order_by(Staff.name)))
    return [s for s in rows if role is None or role in (s.roles or [])]


def get_unit(desk: Desk) -> Unit:
    with desk.read() as session:
        return desk.current_unit(session)
