from pathlib import Path

import pytest

from mediation_desk.documents import fonts
from mediation_desk.documents.fonts import (
    BUNDLED_FONT_FILE,
    ROLES,
    FontRegistry,
    get_registry,
    is_truetype_outline_file,
)
from mediation_desk.paths import resource

RARE_NAME_CHARS = "𠮷堃喆昇镕"


def _gb2312_hanzi() -> list[str]:
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def test_bundled_font_is_there_with_licence_and_readme():
    d = resource("fonts")
    font = d / BUNDLED_FONT_FILE
    assert font.is_file()
    assert font.stat().st_size < 25 * 1024 * 1024
    assert is_truetype_outline_file(font)  # reportlab can only embed glyf outlines
    assert "SIL OPEN FONT LICENSE" in (d / "OFL.txt").read_text(encoding="utf-8").upper()
    readme = (d / "README.md").read_text(encoding="utf-8")
    assert BUNDLED_FONT_FILE in readme and "OFL" in readme


def test_bundled_font_covers_gb2312_and_rare_name_characters():
    bundled = get_registry().bundled()
    for ch in RARE_NAME_CHARS:
        assert bundled.has(ch), ch
    missing = [c for c in _gb2312_hanzi() if not bundled.has(c)]
    assert missing == []


def test_every_role_resolves_to_a_truetype_file():
    reg = get_registry()
    report = reg.report()
    assert set(report) == set(ROLES)
    for role, rf in report.items():
        assert rf.path.is_file(), role
        assert is_truetype_outline_file(rf.path, rf.subfont), role
        assert rf.source in ("official", "system", "bundled")
        assert rf.has("调") and rf.has("解"), role
    lines = reg.describe()
    assert any(line.startswith("仿宋：") for line in lines)
    assert any("程序自带字体" in line for line in lines)


def test_registry_is_cached_per_process():
    assert get_registry() is get_registry()
    reg = get_registry()
    assert reg.resolve("fangsong") is reg.resolve("fangsong")


def test_without_system_fonts_everything_uses_the_bundled_font(tmp_path):
    reg = FontRegistry(font_dirs=[tmp_path])
    for role in ROLES:
        rf = reg.resolve(role)
        assert rf.source == "bundled"
        assert rf.path.name == BUNDLED_FONT_FILE
        assert rf.synthetic_bold == (role in ("hei", "xiaobiaosong"))  # headings/titles stay heavy
    # rare characters are then set in the same face, no fallback needed
    assert all(not fb for _f, _t, fb in reg.runs("吉𠮷祥", "fangsong"))


def test_fallback_chain_reaches_a_face_with_rare_characters():
    reg = get_registry()
    for role in ROLES:
        for ch in RARE_NAME_CHARS:
            face = reg.font_for_char(role, ch)
            assert face is not None and face.has(ch), (role, ch)
    runs = reg.runs("吉𠮷祥", "fangsong")
    assert "".join(t for _f, t, _fb in runs) == "吉𠮷祥"
    for face, text, fallback in runs:
        assert all(face.has(c) for c in text)
        assert fallback == (face is not reg.resolve("fangsong"))


def test_symbol_without_any_glyph_is_substituted(tmp_path, monkeypatch):
    reg = FontRegistry(font_dirs=[tmp_path])  # bundled only: it has no ☑
    if reg.bundled().has("☑"):
        pytest.skip("bundled font has ☑")
    text = "".join(t for _f, t, _fb in reg.runs("☑是", "fangsong"))
    assert text == "■是"


def test_cff_fonts_are_rejected(tmp_path):
    otf = tmp_path / "NotoSansCJK-Regular.otf"
    otf.write_bytes(b"OTTO" + b"\0" * 64)
    assert not is_truetype_outline_file(otf)
    ttc = tmp_path / "x.ttc"
    ttc.write_bytes(b"ttcf" + b"\0\1\0\0" + (1).to_bytes(4, "big") + (16).to_bytes(4, "big") + b"OTTO")
    assert not is_truetype_outline_file(ttc)


def test_official_faces_are_preferred(tmp_path, monkeypatch):
    """A folder that looks like C:\\Windows\\Fonts: simfang.ttf wins for 仿宋."""
    src = resource("fonts", BUNDLED_FONT_FILE)
    fake = tmp_path / "Fonts"
    fake.mkdir()
    (fake / "simfang.ttf").symlink_to(src)
    reg = FontRegistry(font_dirs=[fake])
    rf = reg.resolve("fangsong")
    assert rf.source == "official" and rf.family == "仿宋"
    assert reg.docx_name("fangsong") == "仿宋"
    # no 方正小标宋 and no 宋体 here: titles fall back and DOCX asks Word for bold 宋体
    assert reg.resolve("xiaobiaosong").source == "bundled"
    assert reg.docx_name("xiaobiaosong") == "宋体" and reg.docx_bold("xiaobiaosong")


def test_text_width_uses_font_metrics():
    reg = get_registry()
    assert reg.text_width("调解", "fangsong", 16) == pytest.approx(32, abs=0.5)
    assert reg.text_width("", "fangsong", 16) == 0


def test_roles_on_this_machine_are_reported(capsys):
    """Not an assertion about which faces exist: prints what each role resolved to."""
    for line in get_registry().describe():
        print(line)
    assert Path(fonts.__file__).name == "fonts.py"
