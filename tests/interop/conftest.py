"""A database with rows in every table, including awkward values (rare characters, nulls,
microseconds, nested JSON, self-references), for the exchange-format tests."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest


@pytest.fixture
def rich_desk(desk):
    """The shared `desk` fixture plus at least one row in every table of ALL_TABLES."""
    fill_every_table(desk)
    return desk


def fill_every_table(desk) -> dict[str, str]:
    from mediation_desk.domain.idcard import make_id_number
    from mediation_desk.services import cases, organisation, settings
    from mediation_desk.services.parties import PartyInput
    from mediation_desk.store.models import (
        Attachment, ContractProgress, GeneratedDocument, LeaderContract, RiskAssessment,
        ScreeningEntry, ScreeningRound, Setting, VocabEntry,
    )

    village = organisation.villages(desk)[0]
    staff = organisation.list_staff(desk)
    first = cases.register_case(desk, "dispute", {
        "title": "宅基地边界纠纷", "category": "homestead", "received_on": date(2026, 11, 2),
        "area_id": village.id, "mediator_id": staff[0].id, "people_involved": 6,
        "amount_involved": 1234.56, "description": "两户因院墙𠮷位置争执",
        "minors_ages": [3, 7], "referrals": ["legal_aid"],
    }, [
        PartyInput("applicant", fields={"name": "单雄信", "id_number": make_id_number("330102", date(1970, 5, 1), 17),
                                         "phone": "13812345670", "address": "东山村3号"}),
        PartyInput("respondent", fields={"name": "曾𠮷", "id_number": make_id_number("330102", date(1982, 2, 28), 24)}),
    ])
    petition = cases.register_case(desk, "petition", {
        "title": "反映征地补偿问题", "category": "land_requisition", "received_on": date(2026, 10, 20),
        "petition_type": "claim", "channel": "visit", "original_case_id": first.id,
    }, [PartyInput("petitioner", fields={"name": "王五", "kind": "person"})])
    cases.add_event(desk, first.id, "investigation", date(2026, 11, 5), place="村委会",
                    content="问：院墙何时建的？\n答：1998年。", staff_ids=[staff[0].id])
    cases.change_status(desk, petition.id, "accepted", date(2026, 10, 25))
    settings.put(desk, "text_size", {"scale": 1.25, "names": ["大", "中"]})
    with desk.tx() as session:
        moment = datetime(2026, 11, 20, 1, 2, 3, 456789, tzinfo=timezone.utc)
        rnd = ScreeningRound(area_id=village.id, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
                             screened_on=date(2026, 11, 18), screeners=[staff[0].id, staff[1].id],
                             findings="发现1起", signed_by="李明", submitted_on=None)
        session.add(rnd)
        session.flush()
        session.add(ScreeningEntry(round_id=rnd.id, case_id=first.id, is_new=True, progress="调查中",
                                   risk_grade="medium", major_reported_at=moment))
        contract = LeaderContract(case_id=petition.id, number="（2026）青包字第1号", leader_id=staff[2].id,
                                  leader_name="赵建国", leader_post="镇党委副书记", assigned_on=date(2026, 10, 26),
                                  deadline_on=date(2027, 1, 26), checklist={"facts": True, "proper": False,
                                                                            "notes": {"a": [1, 2.5, None]}})
        session.add(contract)
        session.flush()
        session.add(ContractProgress(contract_id=contract.id, month="2026-11", entry_on=date(2026, 11, 15),
                                     work_done="走访两次", signed=True))
        session.add(RiskAssessment(case_id=first.id, title="宅基地纠纷稳评", methods=["visits", "forum"],
                                   surveyed=30, in_favour=20, against=4, neutral=6,
                                   dimensions={"legality": {"finding": "pass", "note": "合法"}},
                                   party_views=[{"party": "村民", "view": "同意", "adopted": True}],
                                   risk_points=["边界不清"], level="medium", assessed_on=date(2026, 11, 19),
                                   follow_up=[]))
        session.add(Attachment(case_id=first.id, filename="现场照片𠮷.jpg", sha256="ab" * 32, size=2048,
                               mime="image/jpeg", note="院墙"))
        session.add(GeneratedDocument(case_id=first.id, doc_type="agreement", number="（2026）青调协字第1号",
                                      doc_date=date(2026, 11, 21), path="文书/协议书.pdf", sha256="cd" * 32,
                                      masked=True))
        session.add(Setting(key="empty_value", value=None, updated_at=moment))
        session.add(VocabEntry(vocab="category", code="u_orchard", label="果园承包", parent="contract",
                               sort=999, builtin=False))
    return {"dispute": first.id, "petition": petition.id}
