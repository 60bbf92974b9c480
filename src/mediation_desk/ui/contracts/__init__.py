"""领导包案 (leader contracts): the page, its dialogs, and `assign_for_case` for the case window."""

from __future__ import annotations

from .dialogs import (
    AssignDialog, CasePickerDialog, CloseDialog, ExtendDialog, ProgressDialog, ReopenDialog, VoidDialog,
)
from .page import ContractsPage


def assign_for_case(desk, case_id: str, parent=None):
    """交办包案 from a case (e.g. a "领导包案…" button of the case window): opens the assign dialog,
    or says who already holds the case. Returns the new LeaderContract, or None."""
    from PySide6.QtWidgets import QDialog

    from ...services import contracts
    from .. import widgets

    existing = contracts.contract_for_case(desk, case_id)
    if existing is not None:
        state = "化解中" if existing.status == contracts.OPEN_STATUS else "已销号，问题反弹的请在“领导包案”页重新启动"
        widgets.info(parent, f"这件案件已由{existing.leader_name}包案（{existing.number}，{state}）。", "已有包案")
        return None
    dialog = AssignDialog(desk, case_id, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.saved


__all__ = ["AssignDialog", "CasePickerDialog", "CloseDialog", "ContractsPage", "ExtendDialog", "ProgressDialog",
           "ReopenDialog", "VoidDialog", "assign_for_case"]
