"""UI test fixtures: QSettings in a temporary folder, modal dialogs recorded instead of shown,
and a small register filled through the services (independent of the demo generator)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mediation_desk.domain.idcard import make_id_number

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path, qapp):
    """QSettings (window geometry, 字号) go to a temporary folder, never the developer's profile."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    from mediation_desk.ui import appearance

    appearance.configure_settings(None)
    yield folder


@pytest.fixture
def messages(monkeypatch):
    """Every QMessageBox shown is recorded as (title, text) and answered with its default/Yes."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def fake_exec(self):
        shown.append((self.windowTitle(), self.text()))
        yes = self.button(QMessageBox.StandardButton.Yes)
        if yes is not None:
            return QMessageBox.StandardButton.Yes
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


def _party(name: str, seq: int, role: str, phone: str = ""):
    from mediation_desk.services.parties import PartyInput

    fields = {"name": name, "id_number": make_id_number("330102", date(1970 + seq % 30, 1 + seq % 12, 1 + seq % 27), seq)}
    if phone:
        fields["phone"] = phone
    return PartyInput(role=role, fields=fields)


PEOPLE = [
    ("张三", "李四"), ("王五", "赵六"), ("张伟", "刘芳"), ("陈明", "周丽"), ("单雄", "曾国"),
    ("孙强", "吴敏"), ("郑涛", "冯静"), ("张桂英", "何军"), ("朱红", "马力"), ("胡波", "郭燕"),
]


def fill_register(desk, count: int = 30) -> list[str]:
    """Register `count` cases (both kinds, several villages, statuses, overdue and due soon)."""
    from mediation_desk.services import cases, organisation

    villages = organisation.villages(desk)
    staff = organisation.list_staff(desk, "mediator")
    categories = ["housing_homestead", "neighbour", "marriage_family", "contract", "forest_land", "damages"]
    risks = ["high", "medium", "low", ""]
    ids = []
    for i in range(count):
        first, second = PEOPLE[i % len(PEOPLE)]
        kind = "petition" if i % 5 == 4 else "dispute"
        received = TODAY - timedelta(days=(i * 7) % 90)
        fields = {
            "title": f"{first}与{second}{['宅基地', '邻里', '婚姻', '借款', '山林', '赔偿'][i % 6]}纠纷{i + 1}",
            "category": categories[i % len(categories)],
            "area_id": villages[i % len(villages)].id,
            "mediator_id": staff[i % len(staff)].id,
            "received_on": received.isoformat(),
            "risk_grade": risks[i % len(risks)],
        }
        if kind == "petition":
            fields["petition_type"] = "claim"
            fields["channel"] = "visit"
        roles = ("petitioner", "petitioner") if kind == "petition" else ("applicant", "respondent")
        parties = [_party(first, 100 + 2 * i + 1, roles[0], "13800000000" if i == 0 else ""),
                   _party(second, 100 + 2 * i + 2, roles[1])]
        case = cases.register_case(desk, kind, fields, parties)
        ids.append(case.id)
    return ids


@pytest.fixture(scope="session")
def filled_template(tmp_path_factory):
    """One filled database per test session (registering cases takes a moment); each test gets
    a fresh copy of it."""
    from mediation_desk.services import organisation
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    path = tmp_path_factory.mktemp("template") / "filled.sqlite"
    d = Desk(open_store(path), actor="测试员", today_override=TODAY)
    organisation.init_unit(d, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    township = organisation.list_areas(d, "township")[0]
    for name in ("东山村", "西河村"):
        village = organisation.add_area(d, name, "village", township.id)
        organisation.add_area(d, "一组", "group", village.id)
    organisation.add_staff(d, "李明", ["mediator"], post="调解员", phone="13812345678")
    organisation.add_staff(d, "王芳", ["recorder", "mediator"], post="记录员")
    organisation.add_staff(d, "赵建国", ["leader"], post="镇党委副书记", phone="13900001111")
    fill_register(d, 30)
    d.close()
    return path


@pytest.fixture
def filled_desk(filled_template, tmp_path):
    """The `desk` fixture's unit, villages and staff plus 30 cases of both kinds (a fresh copy)."""
    import sqlite3
    from contextlib import closing

    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    path = tmp_path / "调解工作台.sqlite"
    with closing(sqlite3.connect(str(filled_template))) as source, closing(sqlite3.connect(str(path))) as target:
        source.backup(target)
    d = Desk(open_store(path), actor="测试员", today_override=TODAY)
    yield d
    d.close()


def _fake_editor_class():
    from PySide6.QtCore import Signal
    from PySide6.QtWidgets import QWidget

    class FakeEditor(QWidget):
        """Stands in for the case editor (written separately) with the agreed interface."""

        saved = Signal(str)
        closed = Signal()
        instances: list = []

        def __init__(self, desk, case_id=None, kind="dispute", parent=None, *, draft_key=None):
            super().__init__(parent)
            self.draft_key = draft_key
            self.case_id, self.kind, self.save_calls = case_id, kind, 0
            self.setWindowTitle(f"案件 {case_id or '新建'}")
            FakeEditor.instances.append(self)

        def save(self):
            self.save_calls += 1
            self.saved.emit(self.case_id or "new-id")
            return True

        def maybe_close(self):
            return True

    return FakeEditor


@pytest.fixture
def fake_editor(monkeypatch):
    """Replace the case editor by a stand-in with the same interface."""
    from mediation_desk.ui import main_window

    cls = _fake_editor_class()
    monkeypatch.setattr(main_window, "editor_class", lambda: cls)
    return cls
