"""Font discovery, registration and per-character fallback for printed documents.

Five *roles* are used by the layouts (GB/T 9704 and the county templates):

    fangsong      仿宋   body text
    song          宋体   page numbers, some form text
    hei           黑体   first-level headings, table headers
    kai           楷体   second-level headings
    xiaobiaosong  小标宋 titles

Each role resolves, once per process, to the first usable file in this order:

1. the *official* faces when the machine has them (Windows: simfang.ttf, simsun.ttc, simhei.ttf,
   simkai.ttf, 方正小标宋 FZXBSJW.TTF …; also the per-user font folder, where 方正 fonts often land);
2. free TrueType CJK faces found on the system (AR PL UMing/UKai, LXGW WenKai, WenQuanYi …);
3. the font bundled in ``resources/fonts`` (LXGW WenKai, SIL OFL 1.1), which always exists.

reportlab can embed TrueType (``glyf``) outlines only, so CFF-flavoured OpenType files
(Noto CJK, Source Han, ``OTTO`` files) are skipped.

When the face of a role lacks a character (rare name characters such as 𠮷 U+20BB7, CJK Ext-B
in general), the text is cut into runs and that run is set in the first face of the fallback
chain that has the glyph: the other role faces, then extra faces that are only loaded when
needed (SimSun-ExtB, MingLiU-ExtB, HanaMin, symbol fonts), then the bundled font.

No Qt here: the registry is plain Python + reportlab and is shared by the PDF and DOCX renderers.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

ROLES: tuple[str, ...] = ("fangsong", "song", "hei", "kai", "xiaobiaosong")

ROLE_LABELS = {
    "fangsong": "仿宋",
    "song": "宋体",
    "hei": "黑体",
    "kai": "楷体",
    "xiaobiaosong": "小标宋",
}

#: Names written into DOCX files for each role (what Word on a Chinese Windows knows).
OFFICIAL_DOCX_NAMES = {
    "fangsong": "仿宋",
    "song": "宋体",
    "hei": "黑体",
    "kai": "楷体",
    "xiaobiaosong": "方正小标宋简体",
}

BUNDLED_FONT_FILE = "LXGWWenKai-Regular.ttf"
BUNDLED_FONT_FAMILY = "LXGW WenKai"

#: Printed replacements for symbols that no available face has (checked box etc.).
SYMBOL_SUBSTITUTES = {
    "☑": "■",
    "☒": "■",
    "✔": "√",
    "✓": "√",
    "✗": "×",
    "✘": "×",
    "\u00a0": " ",
}


@dataclass(frozen=True)
class FontCandidate:
    """One font file that may serve a role (matched by base file name, case-insensitive)."""

    files: tuple[str, ...]
    family: str
    source: str  # "official" | "system" | "bundled"
    subfont: int = 0
    synthetic_bold: bool = False  # print it heavier (used when a Song face stands in for 小标宋)


def _c(files: str, family: str, source: str, subfont: int = 0, bold: bool = False) -> FontCandidate:
    return FontCandidate(tuple(files.split("|")), family, source, subfont, bold)


# Ordered candidates per role. Official first, then free system faces. The bundled font is
# appended at resolution time.
ROLE_CANDIDATES: dict[str, tuple[FontCandidate, ...]] = {
    "fangsong": (
        _c("simfang.ttf", "仿宋", "official"),
        _c("仿宋_GB2312.ttf|FS_GB2312.ttf|fsgb2312.ttf|仿宋_GB2312.TTF", "仿宋_GB2312", "official"),
        _c("STFANGSO.TTF", "华文仿宋", "official"),
        _c("uming.ttc", "AR PL UMing CN", "system"),
        _c("LXGWWenKai-Regular.ttf", "LXGW WenKai", "system"),
        _c("ukai.ttc", "AR PL UKai CN", "system"),
    ),
    "song": (
        _c("simsun.ttc", "宋体", "official"),
        _c("STSONG.TTF", "华文宋体", "official"),
        _c("uming.ttc", "AR PL UMing CN", "system"),
        _c("LXGWWenKai-Regular.ttf", "LXGW WenKai", "system"),
    ),
    "hei": (
        _c("simhei.ttf", "黑体", "official"),
        _c("STHEITI.TTF", "华文黑体", "official"),
        _c("wqy-zenhei.ttc", "WenQuanYi Zen Hei", "system"),
        _c("wqy-microhei.ttc", "WenQuanYi Micro Hei", "system"),
        _c("DroidSansFallbackFull.ttf", "Droid Sans Fallback", "system"),
        _c("LXGWWenKai-Bold.ttf", "LXGW WenKai", "system"),
    ),
    "kai": (
        _c("simkai.ttf", "楷体", "official"),
        _c("楷体_GB2312.ttf|KT_GB2312.ttf|ktgb2312.ttf", "楷体_GB2312", "official"),
        _c("STKAITI.TTF", "华文楷体", "official"),
        _c("ukai.ttc", "AR PL UKai CN", "system"),
        _c("LXGWWenKai-Regular.ttf", "LXGW WenKai", "system"),
    ),
    "xiaobiaosong": (
        _c("FZXBSJW.TTF|方正小标宋简体.ttf|方正小标宋简体.TTF|FZXBSK.TTF", "方正小标宋简体", "official"),
        _c("FZXBSJW--GB1-0.ttf|FZXiaoBiaoSong-B05S.ttf", "方正小标宋简体", "official"),
        _c("simsun.ttc", "宋体", "official", bold=True),
        _c("LXGWWenKai-Bold.ttf", "LXGW WenKai", "system"),
        _c("uming.ttc", "AR PL UMing CN", "system", bold=True),
    ),
}

# Faces only loaded when no role face has a character (Ext-B names, symbols).
EXTRA_FALLBACKS: tuple[FontCandidate, ...] = (
    _c("simsunb.ttf", "SimSun-ExtB", "official"),
    _c("SimsunExtG.ttf", "SimSun-ExtG", "official"),
    _c("mingliub.ttc", "MingLiU-ExtB", "official"),
    _c("LXGWWenKai-Regular.ttf", "LXGW WenKai", "system"),
    _c("uming.ttc", "AR PL UMing CN", "system"),
    _c("HanaMinA.ttf", "HanaMinA", "system"),
    _c("HanaMinB.ttf", "HanaMinB", "system"),
    _c("BabelStoneHan.ttf", "BabelStone Han", "system"),
    _c("seguisym.ttf", "Segoe UI Symbol", "official"),
    _c("DejaVuSans.ttf", "DejaVu Sans", "system"),
)


@dataclass
class ResolvedFont:
    """A registered face: which file a role (or fallback) actually uses."""

    path: Path
    subfont: int
    family: str
    source: str
    rl_name: str  # name registered with reportlab
    synthetic_bold: bool = False
    ps_name: str = ""
    cmap: dict = field(default_factory=dict, repr=False, compare=False)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    @property
    def docx_name(self) -> str:
        return self.family

    def describe(self) -> str:
        kind = {"official": "系统正式字体", "system": "系统免费字体", "bundled": "程序自带字体"}.get(
            self.source, self.source
        )
        sub = f"#{self.subfont}" if self.path.suffix.lower() == ".ttc" else ""
        return f"{self.family}（{kind}）：{self.path}{sub}"


class FontError(RuntimeError):
    pass


def default_font_dirs() -> list[Path]:
    """Folders searched for system fonts on Windows, macOS and Linux."""
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"),
            Path.home() / "Library" / "Fonts",
        ]
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        dirs += [
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            Path(xdg) / "fonts" if xdg else Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
        ]
    return [d for d in dirs if d.is_dir()]


def bundled_font_dir() -> Path:
    from mediation_desk.paths import resource

    return resource("fonts")


def is_truetype_outline_file(path: Path, subfont: int = 0) -> bool:
    """True for TrueType-outline fonts (reportlab can embed them); False for CFF/OTTO files."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12 + 4 * 64)
            tag = head[:4]
            if tag == b"ttcf":
                import struct

                (num,) = struct.unpack(">I", head[8:12])
                if subfont >= num:
                    return False
                (off,) = struct.unpack(">I", head[12 + 4 * subfont : 16 + 4 * subfont])
                fh.seek(off)
                tag = fh.read(4)
            return tag in (b"\x00\x01\x00\x00", b"true")
    except OSError:
        return False


class FontRegistry:
    """Resolves roles to font files, registers them with reportlab once, and picks per-character
    fallback faces. One instance per process is enough: use :func:`get_registry`."""

    def __init__(
        self,
        font_dirs: list[Path] | None = None,
        bundled_dir: Path | None = None,
        use_fc_list: bool = True,
    ) -> None:
        self._font_dirs = default_font_dirs() if font_dirs is None else [Path(d) for d in font_dirs]
        self._bundled_dir = Path(bundled_dir) if bundled_dir is not None else bundled_font_dir()
        self._use_fc_list = use_fc_list and font_dirs is None
        self._lock = threading.RLock()
        self._index: dict[str, Path] | None = None
        self._loaded: dict[tuple[str, int], ResolvedFont | None] = {}
        self._roles: dict[str, ResolvedFont] = {}
        self._extras: list[ResolvedFont] | None = None
        self._extra_queue: list[FontCandidate] = []
        self._char_cache: dict[tuple[str, str], ResolvedFont | None] = {}
        self.missing_chars: set[str] = set()

    # ---------------------------------------------------------------- discovery
    def _file_index(self) -> dict[str, Path]:
        if self._index is None:
            index: dict[str, Path] = {}
            for d in self._font_dirs:
                for root, _dirs, files in os.walk(d):
                    for name in files:
                        low = name.lower()
                        if low.endswith((".ttf", ".ttc", ".otf")):
                            index.setdefault(low, Path(root) / name)
            if self._use_fc_list:
                for low, path in _fc_list_files().items():
                    index.setdefault(low, path)
            self._index = index
        return self._index

    def _bundled(self, bold: bool = False) -> FontCandidate:
        return FontCandidate((BUNDLED_FONT_FILE,), BUNDLED_FONT_FAMILY, "bundled", synthetic_bold=bold)

    def _locate(self, cand: FontCandidate) -> Path | None:
        if cand.source == "bundled":
            p = self._bundled_dir / cand.files[0]
            return p if p.is_file() else None
        index = self._file_index()
        for name in cand.files:
            p = index.get(name.lower())
            if p is not None:
                return p
        return None

    def _load(self, cand: FontCandidate) -> ResolvedFont | None:
        path = self._locate(cand)
        if path is None:
            return None
        key = (str(path), cand.subfont)
        if key in self._loaded:
            base = self._loaded[key]
        else:
            base = None
            if is_truetype_outline_file(path, cand.subfont):
                rl_name = _rl_name(path, cand.subfont)
                try:
                    try:
                        font = pdfmetrics.getFont(rl_name)
                    except KeyError:
                        font = TTFont(rl_name, str(path), subfontIndex=cand.subfont)
                        pdfmetrics.registerFont(font)
                    face = font.face
                    base = ResolvedFont(
                        path=path,
                        subfont=cand.subfont,
                        family=cand.family,
                        source=cand.source,
                        rl_name=rl_name,
                        ps_name=_s(face.name),
                        cmap=face.charToGlyph,
                    )
                except Exception as exc:  # unreadable, restricted or unsupported font
                    log.warning("字体无法使用，已跳过：%s（%s）", path, exc)
                    base = None
            else:
                log.info("skipping non-TrueType-outline font %s", path)
            self._loaded[key] = base
        if base is None:
            return None
        if base.synthetic_bold == cand.synthetic_bold and base.family == cand.family:
            return base
        return ResolvedFont(
            path=base.path,
            subfont=base.subfont,
            family=cand.family,
            source=cand.source,
            rl_name=base.rl_name,
            synthetic_bold=cand.synthetic_bold,
            ps_name=base.ps_name,
            cmap=base.cmap,
        )

    # ---------------------------------------------------------------- roles
    def resolve(self, role: str) -> ResolvedFont:
        """The face a role uses on this machine (registered with reportlab on first use)."""
        if role not in ROLE_CANDIDATES:
            raise KeyError(f"未知的字体角色：{role}")
        with self._lock:
            hit = self._roles.get(role)
            if hit is not None:
                return hit
            # the bundled face is a regular weight: print it heavier where a bold face is meant
            bundled = self._bundled(bold=role in ("hei", "xiaobiaosong"))
            for cand in (*ROLE_CANDIDATES[role], bundled):
                rf = self._load(cand)
                if rf is not None:
                    self._roles[role] = rf
                    return rf
            raise FontError(
                f"找不到可用的中文字体（{ROLE_LABELS[role]}），程序自带字体也缺失："
                f"{self._bundled_dir / BUNDLED_FONT_FILE}。请重新安装本程序。"
            )

    def report(self) -> dict[str, ResolvedFont]:
        """Which file each role resolved to (for tests and the “about fonts” screen)."""
        return {role: self.resolve(role) for role in ROLES}

    def describe(self) -> list[str]:
        lines = [f"{ROLE_LABELS[r]}：{rf.describe()}" for r, rf in self.report().items()]
        bundled = self._load(self._bundled())
        if bundled is not None:
            lines.append(f"备用（生僻字）：{bundled.describe()}")
        return lines

    def bundled(self) -> ResolvedFont:
        rf = self._load(self._bundled())
        if rf is None:
            raise FontError(f"程序自带字体缺失：{self._bundled_dir / BUNDLED_FONT_FILE}")
        return rf

    def docx_name(self, role: str) -> str:
        """The font name written into DOCX runs of this role (Word's Chinese names)."""
        if role == "xiaobiaosong":
            rf = self.resolve(role)
            if rf.source == "official" and not rf.synthetic_bold:
                return OFFICIAL_DOCX_NAMES[role]
            return OFFICIAL_DOCX_NAMES["song"]
        return OFFICIAL_DOCX_NAMES[role]

    def docx_bold(self, role: str) -> bool:
        """Whether DOCX runs of this role should be bold to imitate the missing official face."""
        return role == "xiaobiaosong" and self.docx_name(role) != OFFICIAL_DOCX_NAMES[role]

    # ---------------------------------------------------------------- fallback
    def _extra_face_for(self, ch: str) -> ResolvedFont | None:
        """The first extra fallback face that has ``ch``; faces are loaded one at a time, only
        as far down the list as needed."""
        if self._extras is None:
            self._extras = []
            self._extra_queue = [*EXTRA_FALLBACKS, self._bundled()]
        for rf in self._extras:
            if rf.has(ch):
                return rf
        while self._extra_queue:
            cand = self._extra_queue.pop(0)
            rf = self._load(cand)
            if rf is None or any((x.path, x.subfont) == (rf.path, rf.subfont) for x in self._extras):
                continue
            self._extras.append(rf)
            if rf.has(ch):
                return rf
        return None

    def font_for_char(self, role: str, ch: str) -> ResolvedFont | None:
        """First face of the fallback chain of ``role`` that has ``ch`` (None: no face has it)."""
        key = (role, ch)
        try:
            return self._char_cache[key]
        except KeyError:
            pass
        with self._lock:
            primary = self.resolve(role)
            found: ResolvedFont | None = None
            if primary.has(ch):
                found = primary
            else:
                for other in ROLES:
                    rf = self.resolve(other)
                    if rf.has(ch) and not rf.synthetic_bold:
                        found = rf
                        break
                else:
                    found = self._extra_face_for(ch)
            self._char_cache[key] = found
            return found

    def runs(self, text: str, role: str) -> list[tuple[ResolvedFont, str, bool]]:
        """Split ``text`` into (face, text, is_fallback) runs for one role.

        Characters no face has are replaced by :data:`SYMBOL_SUBSTITUTES` where possible, else
        kept in the role face (they will print as the font's missing-glyph box) and recorded in
        :attr:`missing_chars`.
        """
        primary = self.resolve(role)
        out: list[tuple[ResolvedFont, str, bool]] = []
        cur_face: ResolvedFont | None = None
        buf: list[str] = []
        for ch in text:
            if ch in "\n\t ":
                face = cur_face or primary
            else:
                face = self.font_for_char(role, ch)
                if face is None:
                    sub = SYMBOL_SUBSTITUTES.get(ch)
                    if sub is not None and (f2 := self.font_for_char(role, sub)) is not None:
                        ch, face = sub, f2
                    else:
                        self.missing_chars.add(ch)
                        face = primary
            if face is not cur_face and buf:
                out.append((cur_face, "".join(buf), cur_face is not primary))  # type: ignore[arg-type]
                buf = []
            cur_face = face
            buf.append(ch)
        if buf:
            out.append((cur_face, "".join(buf), cur_face is not primary))  # type: ignore[arg-type]
        return out

    def text_width(self, text: str, role: str, size: float) -> float:
        """Advance width in points of ``text`` set in ``role`` (with per-character fallback)."""
        total = 0.0
        for face, chunk, _fb in self.runs(text, role):
            face_obj = pdfmetrics.getFont(face.rl_name).face
            total += sum(face_obj.getCharWidth(ord(c)) for c in chunk if c != "\n")
        return total * size / 1000.0

    def preload(self) -> None:
        """Resolve and register every role (done lazily otherwise)."""
        self.report()


def _s(v: bytes | str) -> str:
    return v.decode("latin-1") if isinstance(v, bytes) else str(v)


def _rl_name(path: Path, subfont: int) -> str:
    import hashlib

    digest = hashlib.sha1(f"{path}#{subfont}".encode()).hexdigest()[:8]
    return f"MD-{path.stem}-{subfont}-{digest}"


def _fc_list_files() -> dict[str, Path]:
    """Chinese font files known to fontconfig (only where fc-list exists; never required)."""
    exe = shutil.which("fc-list")
    if not exe:
        return {}
    try:
        res = subprocess.run(
            [exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    out: dict[str, Path] = {}
    for line in res.stdout.splitlines():
        f = line.strip().rstrip(":").strip()
        if f:
            p = Path(f)
            out.setdefault(p.name.lower(), p)
    return out


_registry: FontRegistry | None = None
_registry_lock = threading.Lock()


def get_registry() -> FontRegistry:
    """The process-wide font registry (fonts are found and registered once)."""
    global _registry
    with _registry_lock:
        if _registry is None:
            _registry = FontRegistry()
        return _registry
