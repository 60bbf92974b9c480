"""Shared fixtures: a fresh temporary database per test, offscreen Qt, a pinned 'today'."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

# Qt must never try to open a real screen in tests (and must not need one).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")

TODAY = date(2026, 11, 27)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "调解工作台.sqlite"


@pytest.fixture
def desk(db_path: Path):
    """A fresh database for one unit with two villages, groups and staff; today pinned."""
    from mediation_desk.services import organisation
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    d = Desk(open_store(db_path), actor="测试员", today_override=TODAY)
    organisation.init_unit(d, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    township = organisation.list_areas(d, "township")[0]
    for name in ("东山村", "西河村"):
        village = organisation.add_area(d, name, "village", township.id)
        organisation.add_area(d, "一组", "group", village.id)
    organisation.add_staff(d, "李明", ["mediator"], post="调解员", phone="13812345678")
    organisation.add_staff(d, "王芳", ["recorder", "mediator"], post="记录员")
    organisation.add_staff(d, "赵建国", ["leader"], post="镇党委副书记", phone="13900001111")
    yield d
    d.close()


@pytest.fixture
def demo_desk(tmp_path: Path):
    """A small demo database (seeded, same generator as the demo and the benchmarks)."""
    from mediation_desk.services import demo
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    d = Desk(open_store(tmp_path / "demo.sqlite"), actor="测试员", today_override=TODAY)
    demo.generate(d, cases=300, seed=7, today=TODAY)
    yield d
    d.close()
