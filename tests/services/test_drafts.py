"""services.drafts: atomic JSON drafts beside the database, per database, newest first."""

from __future__ import annotations

import json
import os

import pytest

from mediation_desk.services import drafts
from mediation_desk.services.context import Desk, ServiceError
from mediation_desk.store.engine import open_store


def test_save_load_discard_roundtrip(desk, db_path):
    key = drafts.new_key()
    assert key.startswith("new-")
    assert drafts.load_draft(desk, key) is None
    path = drafts.save_draft(desk, key, {"fields": {"title": "张三与李四宅基地纠纷", "received_on": "2026-11-20"}},
                             kind="dispute", title="张三与李四宅基地纠纷")
    assert path.parent == db_path.parent / "drafts"
    assert path.name == f"{key}.json"
    envelope = drafts.load_draft(desk, key)
    assert envelope["data"]["fields"]["title"] == "张三与李四宅基地纠纷"
    assert envelope["base_version"] is None and envelope["kind"] == "dispute"
    assert envelope["saved_at"][:4].isdigit()
    # the file is readable UTF-8 JSON (a person can rescue it by hand)
    assert "张三" in path.read_text(encoding="utf-8")
    drafts.save_draft(desk, key, {"fields": {"title": "改过"}}, base_version=3)
    envelope = drafts.load_draft(desk, key)
    assert envelope["data"] == {"fields": {"title": "改过"}} and envelope["base_version"] == 3
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left
    drafts.discard_draft(desk, key)
    drafts.discard_draft(desk, key)  # twice is fine
    assert drafts.load_draft(desk, key) is None


def test_write_is_atomic(desk, monkeypatch):
    key = "0123abcd"
    drafts.save_draft(desk, key, {"v": 1})

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        drafts.save_draft(desk, key, {"v": 2})
    monkeypatch.undo()
    assert drafts.load_draft(desk, key)["data"] == {"v": 1}
    assert sorted(p.name for p in drafts.drafts_dir(desk).iterdir()) == [f"{key}.json"]


def test_keys_cannot_escape_the_folder(desk):
    for bad in ("../x", "a/b", "", "..", "x.json\\..\\y"):
        with pytest.raises(ServiceError):
            drafts.save_draft(desk, bad, {})


def test_list_drafts_newest_first_and_per_database(desk, tmp_path):
    drafts.save_draft(desk, "new-a", {"x": 1}, kind="dispute", title="甲")
    drafts.save_draft(desk, "caseid1", {"x": 2}, base_version=2, kind="petition", title="乙")
    path = drafts.drafts_dir(desk) / "new-a.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["saved_at"] = "2000-01-01T00:00:00"
    path.write_text(json.dumps(data), encoding="utf-8")
    listed = drafts.list_drafts(desk)
    assert [d["key"] for d in listed] == ["caseid1", "new-a"]
    assert "data" not in listed[0] and listed[0]["title"] == "乙"
    assert [d["key"] for d in drafts.list_drafts(desk, new_only=True)] == ["new-a"]
    assert [d["key"] for d in drafts.list_drafts(desk, kind="petition")] == ["caseid1"]
    # another database in the same folder (the demo) does not see these drafts
    other = Desk(open_store(tmp_path / "演示数据.sqlite"))
    try:
        assert drafts.list_drafts(other) == []
        assert drafts.load_draft(other, "new-a") is None
    finally:
        other.close()


def test_a_broken_draft_is_set_aside(desk):
    folder = drafts.drafts_dir(desk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "new-broken.json").write_text("{\"data\": {", encoding="utf-8")
    assert drafts.load_draft(desk, "new-broken") is None
    assert (folder / "new-broken.corrupt").exists()
    assert drafts.list_drafts(desk) == []
