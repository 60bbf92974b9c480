"""`python -m mediation_desk --self-test` opens the store and the main window offscreen and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must go offscreen by itself
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "mediation_desk", "--self-test", *args], capture_output=True,
                          env=env, timeout=120, encoding="utf-8")


def test_self_test_with_a_new_database(tmp_path):
    db = tmp_path / "自检.sqlite"
    result = _run("--db", str(db), env_extra={"MEDIATION_DESK_DATA": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert "自检通过" in result.stdout
    assert db.exists()


def test_self_test_on_a_filled_database(filled_template, tmp_path):
    result = _run("--db", str(filled_template), env_extra={"MEDIATION_DESK_DATA": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert "自检通过" in result.stdout


def test_self_test_fails_with_a_message(tmp_path):
    bad = tmp_path / "坏文件.sqlite"
    bad.write_bytes(b"not a database" * 200)
    result = _run("--db", str(bad), env_extra={"MEDIATION_DESK_DATA": str(tmp_path / "data")})
    assert result.returncode != 0
    assert "自检失败" in result.stderr
