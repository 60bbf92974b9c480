"""services.attachments: files copied into the data folder by SHA-256, deduplicated, audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from mediation_desk.datadir import attachments_dir
from mediation_desk.services import attachments, cases
from mediation_desk.services.context import ServiceError
from mediation_desk.services.parties import FieldError
from mediation_desk.store.models import AuditEntry


@pytest.fixture
def case(desk):
    return cases.register_case(desk, "dispute", {"title": "张三与李四宅基地纠纷"})


def test_add_copies_by_hash_and_dedups(desk, db_path, case, tmp_path):
    source = tmp_path / "现场照片.JPG"
    source.write_bytes(b"\xff\xd8 photo bytes")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    att = attachments.add_attachment(desk, case.id, source, kind="evidence", note="围墙现场")
    assert (att.filename, att.sha256, att.size, att.kind, att.note) == ("现场照片.JPG", sha, 14, "evidence", "围墙现场")
    assert att.mime == "image/jpeg"
    stored = attachments.attachment_path(desk, att)
    assert stored == attachments_dir(db_path) / sha[:2] / f"{sha}.jpg"
    assert stored.read_bytes() == source.read_bytes()
    source.unlink()  # the original may go away: the copy stays
    assert stored.exists()
    # the same content again: same row for the same case, one stored file for another case
    copy = tmp_path / "照片副本.jpg"
    copy.write_bytes(b"\xff\xd8 photo bytes")
    assert attachments.add_attachment(desk, case.id, copy).id == att.id
    other = cases.register_case(desk, "dispute", {"title": "另一件"})
    att2 = attachments.add_attachment(desk, other.id, copy)
    assert att2.id != att.id and attachments.attachment_path(desk, att2) == stored
    assert len(list(stored.parent.iterdir())) == 1
    assert [a.id for a in cases.case_detail(desk, case.id).attachments] == [att.id]
    with desk.read() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity == "attachment")).all()
    assert {r.entity_id for r in rows} == {att.id, att2.id}


def test_void_keeps_row_and_file_with_reason(desk, case, tmp_path):
    source = tmp_path / "协议.pdf"
    source.write_bytes(b"%PDF-1.4 test")
    att = attachments.add_attachment(desk, case.id, source, kind="other")
    with pytest.raises(FieldError):
        attachments.void_attachment(desk, att.id, " ")
    voided = attachments.void_attachment(desk, att.id, "传错了文件")
    assert voided.voided
    assert attachments.attachment_path(desk, voided).exists()
    assert attachments.list_attachments(desk, case.id) == []
    assert [a.id for a in attachments.list_attachments(desk, case.id, include_voided=True)] == [att.id]
    with desk.read() as session:
        row = session.exec(select(AuditEntry).where(AuditEntry.entity == "attachment",
                                                    AuditEntry.action == "void")).one()
    assert row.after["void_reason"] == "传错了文件"
    with pytest.raises(ServiceError):
        attachments.void_attachment(desk, att.id, "再次")
    # voided, it can be attached again as a new row
    again = attachments.add_attachment(desk, case.id, source)
    assert again.id != att.id


def test_refusals(desk, case, tmp_path):
    with pytest.raises(FieldError):
        attachments.add_attachment(desk, case.id, tmp_path / "不存在.pdf")
    with pytest.raises(FieldError):
        attachments.add_attachment(desk, case.id, tmp_path)  # a folder
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    with pytest.raises(FieldError):
        attachments.add_attachment(desk, case.id, source, kind="bogus")
    with pytest.raises(ServiceError):
        attachments.add_attachment(desk, "0" * 32, source)
    cases.void_case(desk, case.id, "重复登记")
    with pytest.raises(ServiceError):
        attachments.add_attachment(desk, case.id, source)


def test_odd_suffixes_are_not_used_in_the_stored_name(desk, case, tmp_path):
    source = tmp_path / "扫描件.p df"
    source.write_bytes(b"x")
    att = attachments.add_attachment(desk, case.id, source)
    assert attachments.attachment_path(desk, att).name == att.sha256
