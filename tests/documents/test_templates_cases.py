"""Sample cases for the printing tests (built through the services, like a mediator would), and
the tests of the view the templates print from.

Other test folders import :func:`make_case` from here (``sys.path`` gets this folder).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mediation_desk.domain.idcard import make_id_number

APPLICANT = "吉𠮷祥"  # 𠮷 U+20BB7 (CJK Ext-B)
RESPONDENT = "王喆"
THIRD = "李堃"
APPLICANT_ID = make_id_number("330102", date(1981, 3, 5), 123)
APPLICANT_PHONE = "13812345678"
RESPONDENT_ID = make_id_number("330102", date(1975, 10, 8), 456)
TITLE = "吉𠮷祥与王喆宅基地边界纠纷"
FACTS = "申请人吉𠮷祥与被申请人王喆系东山村一组邻居。2026年10月，被申请人在宅基地边修建围墙，占用申请人宅基地约3平方米，双方发生争执。"
TERMS = "1. 被申请人于2026年12月15日前拆除占用部分围墙；\n2. 被申请人一次性补偿申请人损失人民币3600元。"
COURT = "临川县人民法院"
PLACE = "东山村委会调解室"


def make_desk(folder: Path, today: date = date(2026, 11, 27)):
    """The same unit as the ``desk`` fixture of tests/conftest.py, in ``folder`` (for fixtures
    wider than one test)."""
    from mediation_desk.services import organisation
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    d = Desk(open_store(folder / "调解工作台.sqlite"), actor="测试员", today_override=today)
    organisation.init_unit(d, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    township = organisation.list_areas(d, "township")[0]
    for name in ("东山村", "西河村"):
        village = organisation.add_area(d, name, "village", township.id)
        organisation.add_area(d, "一组", "group", village.id)
    organisation.add_staff(d, "李明", ["mediator"], post="调解员", phone="13812345678")
    organisation.add_staff(d, "王芳", ["recorder", "mediator"], post="记录员")
    return d


def _png(path: Path, colour=(200, 40, 40), size=(800, 500)) -> Path:
    from PIL import Image as PILImage

    PILImage.new("RGB", size, colour).save(path)
    return path


def _pdf(path: Path, pages: int, label: str = "RECEIPT") -> Path:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=(595, 842))
    for i in range(pages):
        c.setFont("Helvetica", 24)
        c.drawString(100, 600, f"{label} PAGE {i + 1}")
        c.showPage()
    c.save()
    return path


def make_case(desk, tmp_path: Path, *, oral: bool = False, agreement: bool = True, terms: str = TERMS,
              category: str = "homestead", source: str = "party_application", attachments: bool = True,
              extra_evidence: int = 0, investigations: int = 1, sessions: int = 1, follow_ups: int = 1,
              jc: bool = True, long_text: int = 0) -> str:
    """A dispute with three parties (rare name characters), investigations, mediation sessions,
    a written (or oral) agreement, a follow-up, judicial confirmation and attachments of every
    kind the archive binds. Returns the case id."""
    from mediation_desk.services import attachments as att_service
    from mediation_desk.services import cases, organisation
    from mediation_desk.services.parties import PartyInput

    village = organisation.villages(desk)[0]
    staff = {s.name: s for s in organisation.list_staff(desk)}
    description = FACTS + ("双方多次协商未果，矛盾有激化趋势。" * long_text)
    case = cases.register_case(desk, "dispute", {
        "title": TITLE, "category": category, "source": source, "area_id": village.id,
        "location": "东山村一组", "received_on": "2026-11-03", "description": description,
        "claims": "请求被申请人拆除占用部分围墙并赔偿损失。", "mediator_id": staff["李明"].id,
        "recorder_id": staff["王芳"].id,
    }, [
        PartyInput(role="applicant", fields={"name": APPLICANT, "id_number": APPLICANT_ID, "phone": APPLICANT_PHONE,
                                             "ethnicity": "汉族", "address": "临川县青石镇东山村一组17号"}),
        PartyInput(role="respondent", fields={"name": RESPONDENT, "id_number": RESPONDENT_ID, "ethnicity": "畲族",
                                              "phone": "13900002222", "address": "临川县青石镇东山村一组19号"}),
        PartyInput(role="third_party", fields={"name": THIRD, "sex": "female"}),
    ])
    cid = case.id
    for i in range(investigations):
        cases.add_event(desk, cid, "investigation", date(2026, 11, 5 + i), time_text="9:30—10:30", place=PLACE,
                        staff_ids=[staff["李明"].id], person_questioned=APPLICANT, participants="东山村村委委员张三",
                        content="问：围墙是什么时候修建的？\n答：2026年10月中旬。\n问：占用了多少面积？\n答：大约3平方米。"
                        + ("\n问：还有什么要补充的吗？\n答：希望尽快解决。" * long_text))
    for i in range(sessions):
        cases.add_event(desk, cid, "mediation_session", date(2026, 11, 12 + i), time_text="14:00—16:30",
                        place=PLACE, staff_ids=[staff["李明"].id, staff["王芳"].id],
                        participants="东山村党支部书记赵大山", content="调解员向双方释明相邻关系的法律规定，双方陈述意见后同意协商。",
                        result="双方初步同意由被申请人拆除占用部分并补偿。")
    if agreement:
        cases.record_agreement(desk, cid, oral=oral, terms=terms, facts=FACTS + "被申请人应承担主要责任。",
                               performance_manner="现金当面交付", performance_place=PLACE,
                               performance_deadline="2026-12-15", effective_on="2026-11-20", amount=3600)
        for i in range(follow_ups):
            cases.add_event(desk, cid, "follow_up", date(2026, 11, 26 - i), place="申请人家中",
                            staff_ids=[staff["李明"].id], person_questioned=APPLICANT,
                            content="被申请人已拆除围墙，补偿款已付清，双方关系缓和，未发现新的风险。",
                            result="协议已履行完毕，可以结案。")
        changes = {"performed": True, "archive_keeper": "王芳", "retention": "长期"}
        if jc and not oral:
            changes.update({"jc_applied_on": "2026-11-25", "jc_court": COURT})
        cases.update_case(desk, cid, changes)
    if attachments:
        att_service.add_attachment(desk, cid, _png(tmp_path / "身份证正面.png", (30, 90, 200)), "id_proof", "申请人身份证")
        att_service.add_attachment(desk, cid, _pdf(tmp_path / "授权委托书.pdf", 1, "POWER OF ATTORNEY"), "power_of_attorney")
        att_service.add_attachment(desk, cid, _png(tmp_path / "现场照片.png", (40, 160, 60)), "evidence", "围墙现场")
        for i in range(extra_evidence):
            att_service.add_attachment(desk, cid, _png(tmp_path / f"现场照片{i + 2}.png", (10 + i * 7 % 240, 80, 120)),
                                       "evidence", f"现场照片{i + 2}")
        att_service.add_attachment(desk, cid, _pdf(tmp_path / "收款收据.pdf", 2), "receipt", "补偿款收据")
    return cid


# ------------------------------------------------------------------ tests of the view


def test_view_has_labels_ages_and_agent_names(desk, tmp_path):
    from mediation_desk.services import printing

    cid = make_case(desk, tmp_path)
    v = printing.case_view(desk, cid)
    assert v.title == TITLE and v.unit_name == "青石镇人民调解委员会"
    assert v.category_label == "宅基地" and v.source_label == "当事人申请"
    assert [p.name for p in v.principals] == [APPLICANT, RESPONDENT, THIRD]
    a = v.principals[0]
    assert a.role_label == "申请人" and a.sex == "男" and a.birth_date == date(1981, 3, 5)
    assert a.age == 45  # on the day the agreement took effect (2026-11-20)
    assert a.id_number == APPLICANT_ID and a.phone == APPLICANT_PHONE
    assert v.principals[2].sex == "女" and v.principals[2].age is None
    assert v.events_of("investigation")[0].staff_names == "李明"
    assert v.jc_deadline is not None and v.jc_deadline >= date(2026, 12, 20)
    assert {a.kind for a in v.attachments} == {"id_proof", "power_of_attorney", "evidence", "receipt"}
    assert all(a.exists for a in v.attachments)


def test_masked_view_hides_id_numbers_and_phones(desk, tmp_path):
    from mediation_desk.services import printing

    cid = make_case(desk, tmp_path)
    v = printing.case_view(desk, cid, mask=True)
    a = v.principals[0]
    assert a.id_number == APPLICANT_ID[:4] + "*" * 10 + APPLICANT_ID[-4:]
    assert a.phone == "138****5678"
    assert a.name == APPLICANT  # names are not masked in mediation documents


@pytest.mark.parametrize("terms, category, refused", [
    (TERMS, "homestead", False),
    ("1. 双方自愿离婚；\n2. 男方支付女方补偿款5万元。", "marriage_family", True),
    ("婚生子随母亲生活，男方每月支付抚养费1500元。", "marriage_family", True),
    ("男方每月支付抚养费1500元，直至孩子年满十八周岁。", "support", False),
    ("被告返还彩礼人民币3万元。", "betrothal_gift", False),
    ("双方解除收养关系。", "family_other", True),
    ("甲方分得房屋一套。", "divorce", True),
])
def test_judicial_confirmation_refused_for_status_terms(desk, tmp_path, terms, category, refused):
    from mediation_desk.documents import catalogue
    from mediation_desk.services import printing

    cid = make_case(desk, tmp_path, terms=terms, category=category, attachments=False, jc=False)
    v = printing.case_view(desk, cid)
    ok, reason = catalogue.get("jc_application").applicable(v)
    assert ok is (not refused), reason
    if refused:
        assert "不能申请司法确认" in reason and "婚姻、收养或其他身份关系" in reason


def test_judicial_confirmation_window_and_oral_agreements(desk, tmp_path):
    from dataclasses import replace

    from mediation_desk.documents import catalogue
    from mediation_desk.services import printing

    cid = make_case(desk, tmp_path, attachments=False, jc=False)
    v = printing.case_view(desk, cid)
    late = replace(v, today=date(2027, 2, 1))
    ok, reason = catalogue.get("jc_application").applicable(late)
    assert not ok and "已超过申请司法确认的期限" in reason and "2026年11月20日" in reason
    assert catalogue.get("jc_application").applicable(replace(late, jc_applied_on=date(2026, 11, 25)))[0]
    oral = replace(v, outcome="oral_agreement")
    assert "口头协议" in catalogue.get("jc_application").applicable(oral)[1]
    assert not catalogue.get("agreement").applicable(oral)[0]
    assert catalogue.get("oral_agreement").applicable(oral)[0]
    assert not catalogue.get("oral_agreement").applicable(v)[0]
    petition = replace(v, kind="petition")
    assert all(not t.applicable(petition)[0] for t in catalogue.CATALOGUE.values())
