"""台账与报表 (ledgers) area of the window: the rolling ledger page."""

from .page import LedgerPage  # noqa: F401
