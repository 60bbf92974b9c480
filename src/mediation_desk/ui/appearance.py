"""Application-wide look: a Simplified-Chinese UI font, the 字号 (text size) preference, QSettings.

Why set the font: without an explicit family Qt picks a CJK fallback by its own order and may
use a Japanese face, which draws common characters (直, 骨, 没 …) in Japanese forms.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

ORGANISATION = "MediationDesk"
APPLICATION = "调解工作台"

#: Preferred UI faces, best first. Windows names first; then common Linux Simplified-Chinese faces.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "DengXian", "等线",
    "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "文泉驿微米黑", "WenQuanYi Zen Hei", "文泉驿正黑",
    "LXGW WenKai", "霞鹜文楷", "AR PL UMing CN", "AR PL UKai CN", "SimSun", "宋体",
)

#: 字号 choices: (key, label, point size). The Chinese names of the sizes help older users.
TEXT_SIZES: tuple[tuple[str, str, float], ...] = (
    ("small", "较小（小五号）", 9.0),
    ("normal", "标准（五号）", 10.5),
    ("large", "大（小四号）", 12.0),
    ("xlarge", "特大（四号）", 14.0),
)
DEFAULT_TEXT_SIZE = "normal"
TEXT_SIZE_KEY = "appearance/text_size"

_portable_ini: Path | None = None


def configure_settings(portable_dir: Path | None = None) -> None:
    """Use an INI file: beside the data in portable mode (USB), else the user's settings folder."""
    global _portable_ini
    _portable_ini = (portable_dir / "调解工作台设置.ini") if portable_dir else None


def settings() -> QSettings:
    if _portable_ini is not None:
        return QSettings(str(_portable_ini), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def bundled_font() -> Path | None:
    try:
        from ..paths import resource

        path = resource("fonts", "LXGWWenKai-Regular.ttf")
        return path if path.exists() else None
    except FileNotFoundError:
        return None


def choose_family() -> str:
    """The first preferred Simplified-Chinese family installed; else the bundled font."""
    installed = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in installed:
            return family
    for family in sorted(installed):  # any face that declares Simplified Chinese support
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            if not any(tag in family for tag in ("JP", "Japan", "KR", "Korea", "TC", "HK", "TW")):
                return family
    path = bundled_font()
    if path is not None:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families = QFontDatabase.applicationFontFamilies(font_id)
            if families:
                return families[0]
    return QFont().family()


def text_size_key() -> str:
    value = str(settings().value(TEXT_SIZE_KEY, DEFAULT_TEXT_SIZE))
    return value if value in {k for k, _l, _p in TEXT_SIZES} else DEFAULT_TEXT_SIZE


def point_size(key: str | None = None) -> float:
    key = key or text_size_key()
    for k, _label, size in TEXT_SIZES:
        if k == key:
            return size
    return 10.5


def ui_font(key: str | None = None) -> QFont:
    font = QFont(choose_family())
    font.setPointSizeF(point_size(key))
    # Fallbacks for rare name characters (𠮷 …) stay Chinese.
    font.setFamilies([font.family(), *[f for f in PREFERRED_FAMILIES if f != font.family()]])
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


def apply_font(app: QApplication, key: str | None = None) -> QFont:
    font = ui_font(key)
    app.setFont(font)
    return font


def set_text_size(key: str) -> None:
    """Save and apply a 字号 at once (all open windows follow)."""
    settings().setValue(TEXT_SIZE_KEY, key)
    app = QApplication.instance()
    if app is not None:
        apply_font(app, key)  # type: ignore[arg-type]


def install_translations(app: QApplication) -> QTranslator | None:
    """Qt's own dialogs and buttons (确定/取消, 文件对话框) in Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    candidates = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    try:
        from ..paths import resource

        candidates.append(str(resource("translations")))
    except FileNotFoundError:
        pass
    for folder in candidates:
        if folder and os.path.isdir(folder) and translator.load("qtbase_zh_CN", folder):
            app.installTranslator(translator)
            return translator
    return None
