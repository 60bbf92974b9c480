"""The `Desk`: one open store plus who is working. Every service function takes it first.

Each public service call runs in one transaction (`desk.tx()`) and writes its audit rows in that
same transaction, so a failure leaves nothing half-saved.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from sqlmodel import Session, select

from ..store import audit
from ..store.engine import Store, open_store
from ..store.models import Unit


class ServiceError(ValueError):
    """A refused request; the message is Chinese and meant for the user."""


@dataclass
class Desk:
    store: Store
    actor: str = "本机用户"
    today_override: date | None = None  # tests and demos pin "today"

    @classmethod
    def open(cls, path: Path | str, actor: str = "本机用户") -> "Desk":
        return cls(open_store(path), actor=actor)

    def today(self) -> date:
        return self.today_override or date.today()

    @contextmanager
    def tx(self) -> Iterator[Session]:
        with self.store.transaction() as session:
            yield session

    def read(self) -> Session:
        """A session for read-only queries (close it, or use it in a `with`)."""
        return self.store.session()

    def audit(self, session: Session, action: str, obj, before: dict | None = None) -> None:
        after = audit.snapshot(obj) if action != "delete" else None
        audit.record(session, actor=self.actor, action=action, entity=obj.__tablename__,
                     entity_id=getattr(obj, "id", ""), before=before, after=after)

    def current_unit(self, session: Session) -> Unit:
        unit = session.exec(select(Unit).where(Unit.is_current == True)).first()  # noqa: E712
        if unit is None:
            raise ServiceError("数据文件还没有设置本单位，请先运行初始化（init）或首次启动向导。")
        return unit

    def close(self) -> None:
        self.store.close()
