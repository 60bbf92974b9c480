"""设置: unit, villages and groups, staff (phone validated), vocabularies, deadline rules and
holidays, numbering, backup, text size — all saved through the services."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from mediation_desk.services import organisation, settings
from mediation_desk.services import vocab as vocab_service
from mediation_desk.ui import appearance
from mediation_desk.ui.settings.page import SettingsPage
from mediation_desk.ui.settings.sections import ID_ROLE


@pytest.fixture
def page(qtbot, desk):
    widget = SettingsPage(desk)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


def _audit_count(desk, entity):
    from sqlmodel import select

    from mediation_desk.store.models import AuditEntry

    with desk.read() as session:
        return len(list(session.exec(select(AuditEntry).where(AuditEntry.entity == entity))))


def test_unit_details_saved(page, desk):
    section = page.show_section("unit")
    assert section.name_edit.text() == "青石镇人民调解委员会"
    section.head_edit.setText("王德明")
    section.phone_edit.setText("0571-8765432")
    assert section.save()
    unit = organisation.get_unit(desk)
    assert unit.head_name == "王德明" and unit.phone.startswith("0571")
    section.short_edit.setText("青1")
    assert not section.save() and "数字" in section.message.text()


def test_add_village_and_group(page, desk):
    section = page.show_section("areas")
    before = _audit_count(desk, "area")
    township = section.tree.topLevelItem(0).child(0)
    assert township.text(0) == "青石镇"
    section.tree.setCurrentItem(township)
    section.name_edit.setText("南湾村")
    section.level_combo.setCurrentIndex(section.level_combo.findData("village"))
    assert section.add()
    assert "南湾村" in [a.name for a in organisation.villages(desk)]
    assert _audit_count(desk, "area") == before + 1
    # a group needs a village selected
    section.tree.clearSelection()
    section.tree.setCurrentItem(None)
    section.name_edit.setText("二组")
    section.level_combo.setCurrentIndex(section.level_combo.findData("group"))
    assert not section.add() and "选中" in section.message.text()
    village_item = section.tree.findItems("南湾村", Qt.MatchFlag.MatchRecursive)[0]
    village_id = village_item.data(0, ID_ROLE)
    section.tree.setCurrentItem(village_item)
    section.name_edit.setText("二组")
    assert section.add()
    groups = [a for a in organisation.list_areas(desk, "group") if a.name == "二组"]
    assert groups and groups[0].parent_id == village_id
    assert section.tree.currentItem().data(0, ID_ROLE) == village_id  # selection kept for the next one


def test_rename_village(page, desk, monkeypatch):
    section = page.show_section("areas")
    item = section.tree.findItems("东山村", Qt.MatchFlag.MatchRecursive)[0]
    section.tree.setCurrentItem(item)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("东山社区", True)))
    assert section.rename()
    assert "东山社区" in [a.name for a in organisation.villages(desk)]


def test_add_staff_and_refuse_bad_phone(page, desk):
    section = page.show_section("staff")
    before = len(organisation.list_staff(desk))
    section.clear_form()
    section.name_edit.setText("陈红")
    section.role_checks["mediator"].setChecked(True)
    section.post_edit.setText("调解员")
    section.phone_edit.setText("1381234")
    assert not section.add()
    assert "电话号码不正确" in section.message.text() and "11位" in section.message.text()
    assert len(organisation.list_staff(desk)) == before
    section.phone_edit.setText("139 0000 2222")
    assert section.add()
    added = [s for s in organisation.list_staff(desk) if s.name == "陈红"]
    assert added and added[0].phone == "13900002222" and added[0].roles == ["mediator"]
    assert "已添加" in section.message.text()


def test_edit_and_deactivate_staff(page, desk):
    section = page.show_section("staff")
    row = next(r for r, s in enumerate(section._staff) if s.name == "王芳")
    section.table.selectRow(row)
    assert section.name_edit.text() == "王芳"
    section.phone_edit.setText("13700001234")
    assert section.save()
    wang = next(s for s in organisation.list_staff(desk) if s.name == "王芳")
    assert wang.phone == "13700001234"
    row = next(r for r, s in enumerate(section._staff) if s.name == "王芳")
    section.table.selectRow(row)
    assert section.toggle_active()
    assert "王芳" not in [s.name for s in organisation.list_staff(desk)]


def test_add_category_to_vocabulary(page, desk):
    section = page.show_section("vocab")
    section.vocab_combo.setCurrentIndex(section.vocab_combo.findData("category"))
    section.label_edit.setText("土地流转")
    section.parent_combo.setCurrentIndex(section.parent_combo.findData("forest_land"))
    assert section.add()
    added = [e for e in vocab_service.entries(desk, "category") if e.label == "土地流转"]
    assert added and added[0].parent == "forest_land" and added[0].stats_code == "forest_land"
    assert not added[0].builtin
    section.label_edit.setText("土地流转")
    section.parent_combo.setCurrentIndex(section.parent_combo.findData("forest_land"))
    assert not section.add() and "已经" in section.message.text()
    section.vocab_combo.setCurrentIndex(section.vocab_combo.findData("dispute_status"))
    assert not section.add_button.isEnabled()  # statuses are fixed by the workflow


def test_deadline_rules_and_holidays(page, desk):
    section = page.show_section("deadlines")
    section.editors["screening_report_day"].setValue(25)
    assert section.save_rules()
    assert settings.get(desk, settings.DEADLINES_KEY)["screening_report_day"] == 25
    section.holidays_edit.setPlainText("2026-10-01\n2026/10/02\n")
    section.workdays_edit.setPlainText("2026-10-10")
    assert section.save_holidays()
    assert settings.get(desk, settings.HOLIDAYS_KEY) == {"holidays": ["2026-10-01", "2026-10-02"],
                                                         "workdays": ["2026-10-10"]}
    section.holidays_edit.setPlainText("十月一日")
    assert not section.save_holidays() and "十月一日" in section.message.text()


def test_numbering_pattern_validated(page, desk):
    section = page.show_section("numbering")
    assert section.examples["dispute"].text() == "示例：（2026）青调字第001号" or "示例" in section.examples["dispute"].text()
    section.edits["dispute"].setText("（{year}）{short}调字第号")
    assert "{seq}" in section.examples["dispute"].text()
    assert not section.save() and "{seq}" in section.message.text()
    section.edits["dispute"].setText("{short}调〔{year}〕{seq:04d}号")
    assert section.save()
    assert settings.get(desk, settings.NUMBERING_KEY)["dispute"] == "{short}调〔{year}〕{seq:04d}号"


def test_backup_settings_and_backup_now(page, desk, tmp_path):
    section = page.show_section("backup")
    folder = tmp_path / "备份盘"
    section.folder_edit.setText(str(folder))
    section.daily.setValue(3)
    assert section.save()
    assert settings.get(desk, settings.BACKUP_KEY)["keep_daily"] == 3
    assert section.backup_now()
    assert list(folder.glob("调解工作台备份-*.sqlite"))
    assert section.list.topLevelItemCount() == 1


def test_text_size_applies_app_wide(page, qapp):
    section = page.show_section("text_size")
    section.buttons["large"].setChecked(True)
    assert appearance.text_size_key() == "large"
    assert qapp.font().pointSizeF() == 12.0
    section.buttons["normal"].setChecked(True)
    assert qapp.font().pointSizeF() == 10.5
