"""services.cases: register, numbering, deadlines, parties, workflow, agreement, extension,
voiding and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from mediation_desk.domain.idcard import make_id_number
from mediation_desk.services import cases, organisation, parties, settings
from mediation_desk.services import deadlines as case_deadlines
from mediation_desk.services.context import ServiceError
from mediation_desk.services.parties import FieldError, PartyInput
from mediation_desk.store.models import AuditEntry, Case, CaseEvent, CaseParty, Party

TODAY = date(2026, 11, 27)  # as pinned in tests/conftest.py

ID_ZHANG = make_id_number("330102", date(1980, 5, 1), 123)  # odd sequence → male
ID_WANG = make_id_number("330102", date(1992, 2, 29), 124)  # even → female


def _village(desk, name="东山村"):
    return next(a for a in organisation.villages(desk) if a.name == name)


def _register(desk, title="张三与李四宅基地纠纷", kind="dispute", parties_=(), **fields):
    data = {"title": title, **fields}
    return cases.register_case(desk, kind, data, parties_)


def _audit(desk, entity=None, entity_id=None, action=None):
    with desk.read() as session:
        query = select(AuditEntry)
        if entity:
            query = query.where(AuditEntry.entity == entity)
        if entity_id:
            query = query.where(AuditEntry.entity_id == entity_id)
        if action:
            query = query.where(AuditEntry.action == action)
        return list(session.exec(query))


# --------------------------------------------------------------------------- register, numbers


def test_register_dispute_numbers_deadline_and_defaults(desk):
    case = _register(desk, category="housing_homestead", area_id=_village(desk).id, received_on="2026-11-20")
    assert case.number == "（2026）青调字第001号"
    assert case.status == "registered"
    assert case.received_on == date(2026, 11, 20)
    assert case.accepted_on == date(2026, 11, 20)  # disputes: accepted when received
    assert case.due_on == date(2026, 12, 21)  # +30 = Sun 12-20 → next working day
    assert case.version == 1
    detail = cases.case_detail(desk, case.id)
    assert detail.area_path.endswith("东山村")
    assert [e.kind for e in detail.events] == ["register"]


def test_numbers_run_per_kind_and_year(desk):
    first = _register(desk)
    second = _register(desk, title="第二件")
    petition = _register(desk, title="反映征地补偿", kind="petition")
    last_year = _register(desk, title="补登去年的", received_on="2025-12-30")
    assert first.number.endswith("第001号") and second.number.endswith("第002号")
    assert petition.number == "（2026）青信字第001号"
    assert last_year.number == "（2025）青调字第001号"


def test_register_refuses_bad_input_with_the_field(desk):
    with pytest.raises(FieldError) as error:
        _register(desk, title="  ")
    assert error.value.field == "title"
    with pytest.raises(FieldError) as error:
        _register(desk, received_on="2026-11-28")
    assert error.value.field == "received_on" and "晚于今天" in str(error.value)
    with pytest.raises(FieldError) as error:
        _register(desk, received_on="2026/11/01")
    assert error.value.field == "received_on"
    with pytest.raises(FieldError) as error:
        _register(desk, category="no_such")
    assert error.value.field == "category"
    with pytest.raises(FieldError) as error:
        _register(desk, amount_involved="一万")
    assert error.value.field == "amount_involved"
    with pytest.raises(FieldError) as error:
        _register(desk, received_on="2026-11-20", accepted_on="2026-11-19")
    assert error.value.field == "accepted_on"
    with pytest.raises(ServiceError):
        cases.register_case(desk, "lawsuit", {"title": "x"})
    # a refused registration uses no number
    assert _register(desk).number.endswith("第001号")


def test_unit_added_category_is_accepted(desk):
    from mediation_desk.services import vocab as vocab_service

    entry = vocab_service.add_entry(desk, "category", "土地流转", parent="forest_land")
    case = _register(desk, category="forest_land", subcategory=entry.code)
    assert case.subcategory == entry.code
    case = cases.update_case(desk, case.id, {"category": entry.code})
    assert case.category == entry.code


def test_group_flag_from_people_involved(desk):
    assert _register(desk, people_involved=5).is_group
    assert not _register(desk, people_involved=4).is_group
    settings.put(desk, settings.DEADLINES_KEY, {"group_min_people": 10})
    assert not _register(desk, people_involved=5).is_group


def test_petition_clock(desk):
    petition = _register(desk, "反映征地补偿", kind="petition", petition_type="claim", channel="visit",
                         received_on="2026-11-02")
    assert petition.accepted_on is None
    assert petition.due_on == date(2026, 11, 17)  # notice within 15 days
    accepted = cases.change_status(desk, petition.id, "accepted", on="2026-11-10")
    assert accepted.accepted_on == date(2026, 11, 10)
    assert accepted.due_on == date(2027, 1, 11)  # 60 days: Sat 01-09 → Mon 01-11
    clock = case_deadlines.case_clock(desk, accepted)
    assert clock["handling_due"] == date(2027, 1, 11)
    assert clock["notice_due"] == date(2026, 11, 17)


# --------------------------------------------------------------------------- parties


def test_parties_linked_validated_and_deduplicated_by_id(desk):
    case = _register(desk, parties_=[
        PartyInput("applicant", fields={"name": "张三", "id_number": ID_ZHANG.lower(), "phone": "138 1234 5678"}),
        PartyInput("respondent", fields={"name": "李四"}),
    ])
    detail = cases.case_detail(desk, case.id)
    (link_a, zhang), (link_b, li) = detail.parties
    assert (link_a.role, link_b.role) == ("applicant", "respondent")
    assert zhang.id_number == ID_ZHANG and zhang.sex == "male" and zhang.birth_date == date(1980, 5, 1)
    assert zhang.phone == "13812345678"
    # the same ID number in another case is the same person, updated not duplicated
    other = _register(desk, "另一件", parties_=[
        PartyInput("respondent", fields={"name": "张三", "id_number": ID_ZHANG, "address": "东山村3号"})])
    with desk.read() as session:
        assert len(session.exec(select(Party).where(Party.id_number == ID_ZHANG)).all()) == 1
    assert parties.get_party(desk, zhang.id).address == "东山村3号"
    assert cases.case_detail(desk, other.id).parties[0][1].id == zhang.id
    # found by name, pinyin initials, ID number and phone right after it was created
    assert [p.name for p in parties.find_parties(desk, "ls")] == ["李四"]
    assert [p.id for p in parties.find_parties(desk, ID_ZHANG)] == [zhang.id]
    assert [p.id for p in parties.find_parties(desk, "13812345678")] == [zhang.id]
    assert zhang.id in [p.id for p in parties.find_parties(desk, "张")]
    # linking an existing party by id only
    link = cases.add_party(desk, other.id, PartyInput("third_party", party_id=li.id))
    assert link.party_id == li.id
    again = cases.add_party(desk, other.id, PartyInput("third_party", party_id=li.id))
    assert again.id == link.id  # same person, same role: one link
    cases.remove_party(desk, other.id, link.id)
    assert [p.name for _l, p in cases.case_detail(desk, other.id).parties] == ["张三"]
    assert parties.get_party(desk, li.id) is not None  # the person stays


@pytest.mark.parametrize("fields, field, words", [
    ({"name": "张三", "id_number": ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1")}, "id_number", "校验位"),
    ({"name": "张三", "id_number": "33010219800501"}, "id_number", "18位"),
    ({"name": "张三", "phone": "1381234567"}, "phone", "11位"),
    ({"name": " "}, "name", "姓名"),
])
def test_bad_party_input_names_the_field(desk, fields, field, words):
    with pytest.raises(FieldError) as error:
        _register(desk, parties_=[PartyInput("applicant", fields=fields)])
    assert error.value.field == field and words in str(error.value)
    with desk.read() as session:
        assert session.exec(select(Case)).first() is None  # nothing half-saved


def test_id_number_owned_by_someone_else_is_refused(desk):
    _register(desk, parties_=[PartyInput("applicant", fields={"name": "张三", "id_number": ID_ZHANG}),
                              PartyInput("respondent", fields={"name": "王五", "id_number": ID_WANG})])
    wang = parties.find_parties(desk, ID_WANG)[0]
    assert wang.sex == "female" and wang.birth_date == date(1992, 2, 29)
    with pytest.raises(FieldError) as error:
        parties.update_party(desk, wang.id, {"name": "王五", "id_number": ID_ZHANG})
    assert error.value.field == "id_number" and "张三" in str(error.value)


def test_petition_representatives_at_most_five(desk):
    petition = _register(desk, "集体访", kind="petition", people_involved=40)
    for i in range(5):
        cases.add_party(desk, petition.id, PartyInput("representative", fields={"name": f"代表{i}"},
                                                      is_representative=True))
    with pytest.raises(FieldError) as error:
        cases.add_party(desk, petition.id, PartyInput("representative", fields={"name": "代表6"},
                                                      is_representative=True))
    assert "5" in str(error.value)


# --------------------------------------------------------------------------- updates


def test_update_with_expected_version_detects_conflicts(desk):
    case = _register(desk)
    updated = cases.update_case(desk, case.id, {"description": "两家因围墙起争执"}, expected_version=1)
    assert updated.version == 2
    with pytest.raises(ServiceError) as error:
        cases.update_case(desk, case.id, {"description": "我的旧版本"}, expected_version=1)
    assert "已被修改" in str(error.value)
    assert cases.get_case(desk, case.id).description == "两家因围墙起争执"
    with pytest.raises(ServiceError):
        cases.update_case(desk, case.id, {"number": "（2026）青调字第999号"})
    with pytest.raises(ServiceError):
        cases.update_case(desk, case.id, {"due_on": "2027-01-01"})


def test_protection_order_expiry_at_most_six_months(desk):
    case = _register(desk, category="marriage_family", subcategory="domestic_violence")
    ok = cases.update_case(desk, case.id, {"po_applied_on": "2026-10-01", "po_ruled_on": "2026-10-02",
                                           "po_expires_on": "2027-04-02"})
    assert ok.po_expires_on == date(2027, 4, 2)
    assert case_deadlines.case_clock(desk, ok)["protection_order_expires"] == date(2027, 4, 2)
    with pytest.raises(FieldError) as error:
        cases.update_case(desk, case.id, {"po_expires_on": "2027-04-03"})
    assert error.value.field == "po_expires_on" and "2027-04-02" in str(error.value)
    assert cases.get_case(desk, case.id).po_expires_on == date(2027, 4, 2)


def test_divorce_windows_in_clock(desk):
    case = _register(desk, category="marriage_family", subcategory="divorce", divorce_registered_on="2026-11-02")
    clock = case_deadlines.case_clock(desk, case)
    assert clock["divorce_withdraw_until"] == date(2026, 12, 2)
    assert clock["divorce_collect_until"] == date(2027, 1, 1)  # no holiday list: Fri 01-01 is a workday


# --------------------------------------------------------------------------- workflow


def test_status_workflow_and_refusals(desk):
    case = _register(desk, received_on="2026-11-02")
    with pytest.raises(ServiceError) as error:
        cases.change_status(desk, case.id, "archived")
    assert "不能从“已登记”直接变为“已归档”" in str(error.value)
    with pytest.raises(ServiceError) as error:
        cases.change_status(desk, case.id, "registered")
    assert "无需变更" in str(error.value)
    with pytest.raises(FieldError):
        cases.change_status(desk, case.id, "investigating", on="2026-11-28")  # future
    with pytest.raises(FieldError):
        cases.change_status(desk, case.id, "investigating", on="2026-11-01")  # before received
    for status in ("investigating", "mediating"):
        case = cases.change_status(desk, case.id, status, on="2026-11-10")
    assert case.status == "mediating" and case.due_on == date(2026, 12, 2)
    case = cases.change_status(desk, case.id, "failed", on="2026-11-20", note="告知可向法院起诉")
    assert case.closed_on == date(2026, 11, 20) and case.outcome == "failed" and case.due_on is None
    with pytest.raises(ServiceError) as error:
        cases.change_status(desk, case.id, "agreed")
    assert "流程不能倒退" in str(error.value)
    case = cases.change_status(desk, case.id, "archived")
    assert case.archived_on == TODAY
    with pytest.raises(ServiceError) as error:
        cases.change_status(desk, case.id, "following_up")
    assert "最终状态" in str(error.value)
    kinds = [e.kind for e in cases.case_detail(desk, case.id).events]
    assert kinds == ["register"] + ["status_change"] * 4


def test_events_added_and_checked(desk):
    case = _register(desk, received_on="2026-11-10")
    staff = organisation.list_staff(desk, "mediator")
    event = cases.add_event(desk, case.id, "mediation_session", "2026-11-12", place="村委会调解室",
                            staff_ids=[s.id for s in staff], participants="张三、李四", content="第一次调解，未达成一致")
    assert event.staff_ids == [s.id for s in staff]
    with pytest.raises(FieldError):
        cases.add_event(desk, case.id, "note", "2026-11-09")  # before received
    with pytest.raises(FieldError):
        cases.add_event(desk, case.id, "note", "2026-11-28")  # future
    with pytest.raises(ServiceError):
        cases.add_event(desk, case.id, "extension")
    with pytest.raises(ServiceError):
        cases.add_event(desk, case.id, "no_such_kind")
    with pytest.raises(ServiceError):
        cases.add_event(desk, case.id, "note", colour="red")
    assert [e.kind for e in cases.case_detail(desk, case.id).events] == ["register", "mediation_session"]


def test_written_agreement_then_follow_up_and_archive(desk):
    case = _register(desk, received_on="2026-11-02", parties_=[
        PartyInput("applicant", fields={"name": "张三"}), PartyInput("respondent", fields={"name": "李四"})])
    cases.change_status(desk, case.id, "investigating", on="2026-11-03")
    agreed = cases.record_agreement(desk, case.id, terms="李四于12月10日前拆除越界围墙。", facts="围墙越界0.5米",
                                    performance_manner="自行拆除", performance_place="东山村",
                                    performance_deadline="2026-12-10", effective_on="2026-11-20", amount=2000)
    assert agreed.status == "agreed" and agreed.outcome == "written_agreement"
    assert agreed.agreement_copies == 3  # one per party plus the committee
    assert agreed.resolved_on == agreed.closed_on == date(2026, 11, 20)
    assert agreed.agreement_amount == 2000.0
    assert agreed.due_on is None  # the mediation clock stopped
    clock = case_deadlines.case_clock(desk, agreed)
    assert clock["judicial_confirmation_due"] == date(2026, 12, 21)
    assert clock["follow_up_due"] == date(2026, 12, 25)
    assert cases.change_status(desk, case.id, "following_up").status == "following_up"
    cases.add_event(desk, case.id, "follow_up", content="已履行")
    assert cases.change_status(desk, case.id, "archived").status == "archived"
    with pytest.raises(FieldError):
        cases.record_agreement(desk, case.id, terms="  ")


def test_oral_agreement(desk):
    case = _register(desk, received_on="2026-11-02")
    oral = cases.record_agreement(desk, case.id, oral=True, terms="当场赔礼道歉", effective_on="2026-11-05")
    assert oral.status == "oral_agreed" and oral.outcome == "oral_agreement"
    assert oral.agreement_effective_on == date(2026, 11, 5) and oral.agreement_copies == 0


# --------------------------------------------------------------------------- extensions


def test_dispute_extension_needs_consent(desk):
    case = _register(desk, received_on="2026-11-02")
    with pytest.raises(ServiceError) as error:
        cases.extend_deadline(desk, case.id, 15, "双方同意延长")
    assert "同意" in str(error.value)
    with pytest.raises(FieldError):
        cases.extend_deadline(desk, case.id, 15, "  ", consent=True)
    with pytest.raises(FieldError):
        cases.extend_deadline(desk, case.id, 0, "x", consent=True)
    extended = cases.extend_deadline(desk, case.id, 15, "双方同意延长", consent=True)
    assert extended.extension_days == 15 and extended.due_on == date(2026, 12, 17)
    event = cases.case_detail(desk, case.id).events[-1]
    assert (event.kind, event.extension_days, event.consent) == ("extension", 15, True)
    cases.change_status(desk, case.id, "failed")
    with pytest.raises(ServiceError):
        cases.extend_deadline(desk, case.id, 5, "再延长", consent=True)


def test_petition_extension_rules(desk):
    petition = _register(desk, "反映补偿", kind="petition", petition_type="claim", received_on="2026-10-01")
    with pytest.raises(ServiceError):
        cases.extend_deadline(desk, petition.id, 30, "情况复杂", approver="赵建国")  # not accepted yet
    cases.change_status(desk, petition.id, "accepted", on="2026-10-02")
    with pytest.raises(FieldError) as error:
        cases.extend_deadline(desk, petition.id, 30, "情况复杂")
    assert error.value.field == "extension_approver"
    with pytest.raises(FieldError) as error:
        cases.extend_deadline(desk, petition.id, 31, "情况复杂", approver="赵建国")
    assert "30" in str(error.value)
    extended = cases.extend_deadline(desk, petition.id, 30, "情况复杂", approver="赵建国")
    assert extended.due_on == date(2026, 12, 31)  # accepted 10-02 + 60 + 30
    with pytest.raises(ServiceError) as error:
        cases.extend_deadline(desk, petition.id, 5, "再延", approver="赵建国")
    assert "一次" in str(error.value)


# --------------------------------------------------------------------------- voiding and audit


def test_voiding_keeps_the_row_and_never_reuses_the_number(desk):
    first = _register(desk)
    second = _register(desk, title="第二件")
    with pytest.raises(FieldError):
        cases.void_case(desk, second.id, "  ")
    voided = cases.void_case(desk, second.id, "重复登记")
    assert voided.voided and voided.void_reason == "重复登记" and voided.voided_at is not None
    with pytest.raises(ServiceError):
        cases.void_case(desk, second.id, "again")
    with pytest.raises(ServiceError) as error:
        cases.update_case(desk, second.id, {"title": "改"})
    assert "作废" in str(error.value)
    with pytest.raises(ServiceError):
        cases.change_status(desk, second.id, "investigating")
    with pytest.raises(ServiceError):
        cases.add_event(desk, second.id, "note")
    third = _register(desk, title="第三件")
    assert third.number.endswith("第003号")
    assert cases.find_by_number(desk, second.number).id == second.id  # still there
    assert cases.get_case(desk, first.id).number.endswith("第001号")
    void_rows = _audit(desk, "case", second.id, "void")
    assert len(void_rows) == 1 and void_rows[0].after["void_reason"] == "重复登记"


def test_every_write_leaves_an_audit_row(desk):
    desk.actor = "李明"
    case = _register(desk, parties_=[PartyInput("applicant", fields={"name": "张三"})])
    created = {(a.entity, a.action) for a in _audit(desk)}
    assert {("case", "create"), ("party", "create"), ("case_party", "create"), ("case_event", "create")} <= created
    cases.update_case(desk, case.id, {"description": "新情况", "risk_grade": "high"})
    update = _audit(desk, "case", case.id, "update")[-1]
    assert update.actor == "李明"
    assert update.before == {"description": "", "risk_grade": "", "version": 1}
    assert update.after == {"description": "新情况", "risk_grade": "high", "version": 2}
    cases.change_status(desk, case.id, "investigating")
    statuses = [a.after.get("status") for a in _audit(desk, "case", case.id, "update") if a.after]
    assert "investigating" in statuses
    with desk.read() as session:
        link = session.exec(select(CaseParty).where(CaseParty.case_id == case.id)).one()
    cases.remove_party(desk, case.id, link.id)
    assert _audit(desk, "case_party", link.id, "delete")
    with desk.read() as session:
        assert len(session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()) == 2


def test_empty_birth_date_from_a_form_is_no_date(desk):
    case = _register(desk, parties_=[PartyInput("applicant", fields={"name": "张三", "birth_date": ""})])
    (_link, zhang), = cases.case_detail(desk, case.id).parties
    assert zhang.birth_date is None


def test_changing_the_deadline_rules_moves_open_cases_due_dates_at_once(desk):
    """The 今日 page and the 已超期 filter read the stored due date: a settings change must
    update it for every open case, not only when the case is next saved."""
    from mediation_desk.services import settings as settings_service

    open_case = cases.register_case(desk, "dispute", {"title": "邻里排水纠纷", "received_on": "2026-11-02"})
    closed = cases.register_case(desk, "dispute", {"title": "已调结的纠纷", "received_on": "2026-11-02"})
    cases.change_status(desk, closed.id, "failed", "2026-11-05")
    assert cases.get_case(desk, open_case.id).due_on == date(2026, 12, 2)
    settings_service.put(desk, settings_service.DEADLINES_KEY, {"mediation_days": 20})
    assert cases.get_case(desk, open_case.id).due_on == date(2026, 11, 23)  # 22nd is a Sunday: next workday
    assert cases.get_case(desk, closed.id).due_on is None


def test_register_shows_the_village_of_a_case_recorded_at_group_level(desk):
    from mediation_desk.services import organisation
    from mediation_desk.services.register import query_cases

    village = next(a for a in organisation.villages(desk) if a.name == "东山村")
    group = next(a for a in organisation.list_areas(desk, "group") if a.parent_id == village.id)
    cases.register_case(desk, "dispute", {"title": "组里的宅基地纠纷", "area_id": group.id})
    assert query_cases(desk)[0].area_name == "东山村·一组"
