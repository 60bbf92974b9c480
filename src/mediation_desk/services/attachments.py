"""Attachments of a case (scans, photos, PDFs): copied into the data folder, named by SHA-256.

Files live in ``datadir.attachments_dir(db_path)/<sha[:2]>/<sha256><suffix>``. The same content
is stored once (deduplicated by hash) however often it is attached; attaching the same file to
the same case twice returns the existing attachment. The copy is written to a temporary file in
the target folder and renamed into place, so a crash never leaves a half file under a good name.
Attachments are never deleted from the UI: voiding keeps the row and the file, with the reason
in the audit trail.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path

from sqlmodel import select

from ..datadir import attachments_dir
from ..store import audit
from ..store.models import Attachment, Case, CaseEvent, utcnow
from .context import Desk, ServiceError
from .parties import FieldError

KINDS: dict[str, str] = {
    "id_proof": "身份证明",
    "power_of_attorney": "授权委托书",
    "evidence": "证据材料",
    "receipt": "收据/凭证",
    "jc_papers": "司法确认材料",
    "other": "其他",
}
MAX_BYTES = 512 * 1024 * 1024  # a scan or a phone video; larger files belong elsewhere


def storage_root(desk: Desk) -> Path:
    if desk.store.path is not None:
        return attachments_dir(desk.store.path)
    from ..datadir import data_dir

    return data_dir() / "附件"


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    # keep only sane suffixes: ".pdf", ".jpg"; anything odd is stored without one
    if 1 < len(suffix) <= 10 and suffix[1:].isalnum() and suffix.isascii():
        return suffix
    return ""


def _stored_path(root: Path, sha256: str, filename: str) -> Path:
    return root / sha256[:2] / f"{sha256}{_suffix(filename)}"


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _copy_into_store(source: Path, target: Path, sha256: str) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        copied, _ = _hash_file(Path(tmp_name))
        if copied != sha256:
            raise ServiceError("复制附件时文件发生了变化，请关闭正在编辑该文件的程序后重试。")
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise


def add_attachment(desk: Desk, case_id: str, source_path: str | Path, kind: str = "other", note: str = "",
                   event_id: str | None = None) -> Attachment:
    """Copy ``source_path`` into the data folder and attach it to the case (audited)."""
    source = Path(source_path)
    if kind not in KINDS:
        raise FieldError("kind", f"未知的附件类型：{kind}")
    if not source.is_file():
        raise FieldError("source_path", f"找不到文件：{source}")
    try:
        sha256, size = _hash_file(source)
    except OSError as error:
        raise ServiceError(f"无法读取文件“{source.name}”：{error.strerror or error}") from error
    if size > MAX_BYTES:
        raise FieldError("source_path", f"文件“{source.name}”太大（超过 {MAX_BYTES // 1024 // 1024} MB），不能作为附件。")
    with desk.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        if case.voided:
            raise ServiceError(f"案件 {case.number} 已作废，不能再添加附件。")
    target = _stored_path(storage_root(desk), sha256, source.name)
    try:
        _copy_into_store(source, target, sha256)
    except OSError as error:
        raise ServiceError(f"无法把文件复制到数据文件夹：{error.strerror or error}") from error
    with desk.tx() as session:
        if event_id and session.get(CaseEvent, event_id) is None:
            raise ServiceError("所选工作记录不存在。")
        existing = session.exec(select(Attachment).where(
            Attachment.case_id == case_id, Attachment.sha256 == sha256,
            Attachment.voided == False)).first()  # noqa: E712
        if existing is not None:
            return existing
        attachment = Attachment(
            case_id=case_id, event_id=event_id, kind=kind, filename=source.name, sha256=sha256, size=size,
            mime=mimetypes.guess_type(source.name)[0] or "", note=(note or "").strip())
        session.add(attachment)
        session.flush()
        desk.audit(session, "create", attachment)
        case = session.get(Case, case_id)
        case.updated_at = utcnow()
        session.add(case)
        return attachment


def attachment_path(desk: Desk, att: Attachment) -> Path:
    """Where the file of ``att`` is stored (it may be missing if someone deleted it by hand)."""
    return _stored_path(storage_root(desk), att.sha256, att.filename)


def list_attachments(desk: Desk, case_id: str, include_voided: bool = False) -> list[Attachment]:
    with desk.read() as session:
        query = select(Attachment).where(Attachment.case_id == case_id)
        if not include_voided:
            query = query.where(Attachment.voided == False)  # noqa: E712
        return list(session.exec(query.order_by(Attachment.created_at)))


def get_attachment(desk: Desk, att_id: str) -> Attachment | None:
    with desk.read() as session:
        return session.get(Attachment, att_id)


def update_note(desk: Desk, att_id: str, note: str = "", kind: str | None = None) -> Attachment:
    if kind is not None and kind not in KINDS:
        raise FieldError("kind", f"未知的附件类型：{kind}")
    with desk.tx() as session:
        attachment = session.get(Attachment, att_id)
        if attachment is None:
            raise ServiceError("附件不存在。")
        before = audit.snapshot(attachment)
        attachment.note = (note or "").strip()
        if kind is not None:
            attachment.kind = kind
        attachment.updated_at = utcnow()
        session.add(attachment)
        desk.audit(session, "update", attachment, before)
        return attachment


def void_attachment(desk: Desk, att_id: str, reason: str) -> Attachment:
    """Void an attachment: the row and the file stay, the reason goes into the audit trail."""
    if not (reason or "").strip():
        raise FieldError("void_reason", "作废附件必须填写理由。")
    with desk.tx() as session:
        attachment = session.get(Attachment, att_id)
        if attachment is None:
            raise ServiceError("附件不存在。")
        if attachment.voided:
            raise ServiceError("附件已经作废。")
        before = audit.snapshot(attachment)
        attachment.voided = True
        attachment.updated_at = utcnow()
        session.add(attachment)
        after = audit.snapshot(attachment)
        after["void_reason"] = reason.strip()
        audit.record(session, actor=desk.actor, action="void", entity="attachment", entity_id=attachment.id,
                     before=before, after=after)
        return attachment
