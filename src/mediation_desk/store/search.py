"""Case search index: any-length Chinese substrings, pinyin initials, ID and phone fragments.

Why not FTS5 out of the box
---------------------------
Most names are two characters and villages three; SQLite's `trigram` tokenizer cannot answer 1- or
2-character queries, and `unicode61` turns a whole run of Chinese into one token. So text is cut
into tokens here, in Python, and FTS5 only stores and intersects them.

Tokenization (one function for documents and queries, so they always agree)
--------------------------------------------------------------------------
Text is NFKC-normalized (full-width digits and letters become ASCII, compatibility ideographs
unified ones), lower-cased, dashes between digits dropped (138-1234-5678), then split into runs:

* **Han runs** (any non-ASCII letter or number, private-use characters included, so 𠮷 and other
  rare name characters are kept): at *every* position a token of the next 2 characters
  ("老张三" → "老张 张三 三"); the last character of a run is a 1-character token.
* **Digit runs** (ID numbers, phones, case numbers; the X ending an ID number belongs to the run):
  at every position the next 4 characters ("13812" → "1381 3812 812 12 2").
* **ASCII words**: one token per word.

Because every position of a run starts a token, a query run of length L matches as a substring:

* L < n (one Chinese character, 1–3 digits): prefix query ``"张"*`` — a document token starts
  with it exactly where the substring starts; `prefix='1'` makes one character a single lookup;
* L = n: one exact token ``"张三"`` — selective, and the common case (2-character names);
* L > n: a phrase of the overlapping n-grams ``"张三 三丰"``, i.e. consecutive positions.

Grams never cross a run, so a phrase never matches across two fields. Plain one-character tokens
(the first idea) also work, but then "张三" is a phrase of two very common tokens and a 4-digit
phone fragment a phrase of four tokens found in every document; with n-grams the common queries
are one short doclist.

Query words separated by spaces are ANDed, and so are ASCII words (pinyin) inside a word
("张zs"). Chinese and digit runs typed together form one phrase ("调字第001", "（2026）青调字第3号":
only brackets may sit between them): inner runs are whole runs with their tails, only the last
is a prefix, so "调字第001" does not also find every case with "001" in a phone number. User text
never reaches FTS5 syntax: parts are rebuilt from letter/digit/Han tokens and quoted.

The FTS5 `ascii` tokenizer is used on purpose: it splits only at ASCII punctuation and spaces and
keeps every non-ASCII character inside the token, so the result does not depend on the Unicode
tables of whichever SQLite the machine has (the Windows build of Python ships its own).

Pinyin goes to the `names` column as whole tokens per person, village and organisation: initials
("zs"), full pinyin ("zhangsan") and syllables, with surname readings (单雄信 → sxx /
shanxiongxin, 尉迟恭 → ycg) from our own table (pypinyin has no surname mode) and the everyday
reading kept as an alternative (dxx) for users who do not know it. Query words of letters are
prefix queries (``"zs"*``) and match pinyin and ASCII words of the text alike.

Tables and order
----------------
``case_search(case_id UNINDEXED, body, names)`` is the FTS5 table. Its rowid is the key of
``case_search_key(k INTEGER PRIMARY KEY, case_id TEXT UNIQUE)``, and that key is
``(received_on day << 20) + n`` (n counts up within a day): FTS rowid order *is* "most recently
received first", so `search_case_ids` lets FTS5 walk its doclists backwards and stop at `limit` —
a one-character query costs no more than a name. Reindexing a case whose date changed moves it.
The key table also makes updates cheap (delete by rowid rather than scanning an unindexed column)
and maps matches back to case ids with small rows. Parties have ``party_search`` /
``party_search_key`` (keys just count up).

`search_sql(query, conn)` gives a WHERE fragment for the case list (other filters, any ORDER BY,
LIMIT/OFFSET). Which SQL is fast depends on how many cases match, which SQLite cannot estimate for
a virtual table, so with `conn` the fragment is chosen after counting up to BROAD_MATCHES matches
(see there).

Keeping it current
------------------
The index is derived data: `reindex_cases(conn)` rebuilds it from the tables at any time (after an
import or a restore; 100,000 demo cases take ~31 s of CPU, see benchmarks/bench_search.py; check
with `index_is_complete`). Services call
`reindex_cases(conn, [case_id])` (~1 ms) in the transaction that changes a case, its parties or
its links, `reindex_party_cases` after editing a person and `reindex_area_cases` after renaming an
area. Voided cases stay in the index; filtering them is the caller's job. All functions run in
the caller's transaction and accept a SQLAlchemy Connection, a Session or a sqlite3 connection.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import sqlite3
import unicodedata
from datetime import date
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .errors import StoreError

log = logging.getLogger(__name__)

__all__ = [
    "SearchUnavailableError", "sqlite_info", "create_index", "case_document", "reindex_cases",
    "remove_cases", "search_case_ids", "search_sql", "search_parties", "reindex_parties",
    "remove_parties", "reindex_party_cases", "reindex_area_cases", "name_initials", "name_pinyin",
    "match_expression", "index_is_complete", "count_matches", "looks_like_place", "BROAD_MATCHES",
]

HAN_GRAM = 2
DIGIT_GRAM = 4
MAX_QUERY_PARTS = 32
MAX_QUERY_CHARS = 200  # a pasted paragraph is searched by its beginning
_CHUNK = 500  # ids per IN (...) list: well under the 999-variable limit of old SQLite builds
_FTS_OPTIONS = "tokenize='ascii', prefix='1'"
_STOP_LEVELS = frozenset({"township", "county"})  # area names above the village are not indexed


class SearchUnavailableError(StoreError):
    kind = "search_unavailable"


# --------------------------------------------------------------------------- environment


def sqlite_info() -> dict[str, Any]:
    """Facts about the SQLite library this Python uses (the About box and the log show them)."""
    info: dict[str, Any] = {"sqlite_version": sqlite3.sqlite_version, "fts5": False, "error": ""}
    try:
        conn = sqlite3.connect(":memory:")
        try:
            info["sqlite_version"] = conn.execute("SELECT sqlite_version()").fetchone()[0]
            conn.execute("CREATE VIRTUAL TABLE temp.probe USING fts5(a, tokenize='ascii', prefix='1')")
            conn.execute("INSERT INTO temp.probe(a) VALUES ('张三 三')")
            info["fts5"] = conn.execute(
                "SELECT count(*) FROM temp.probe WHERE probe MATCH '\"张\"*'").fetchone()[0] == 1
        finally:
            conn.close()
    except sqlite3.Error as error:
        info["error"] = str(error)
    return info


def _unavailable(detail: str) -> SearchUnavailableError:
    return SearchUnavailableError(
        f"本机的 SQLite 组件（版本 {sqlite3.sqlite_version}）不支持全文检索（FTS5），无法建立案件搜索索引。"
        "请安装完整版的调解工作台，或联系技术支持。",
        detail=detail,
    )


# --------------------------------------------------------------------------- connections


class _Db:
    """The few calls we need, over a SQLAlchemy Connection/Session or a plain sqlite3 connection."""

    def __init__(self, conn: Any) -> None:
        if isinstance(conn, Session):
            conn = conn.connection()
        self.sa: Connection | None = None if isinstance(conn, sqlite3.Connection) else conn
        self.raw: sqlite3.Connection | None = conn if isinstance(conn, sqlite3.Connection) else None

    @property
    def is_sqlite(self) -> bool:
        return self.sa is None or self.sa.dialect.name == "sqlite"

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        if self.sa is not None:
            if not params:
                return self.sa.exec_driver_sql(sql)
            return self.sa.exec_driver_sql(sql, tuple(params) if isinstance(params, list) else params)
        return self.raw.execute(sql, params)  # type: ignore[union-attr]

    def executemany(self, sql: str, rows: list) -> None:
        if not rows:
            return
        if self.sa is not None:
            self.sa.exec_driver_sql(sql, rows)
        else:
            self.raw.executemany(sql, rows)  # type: ignore[union-attr]

    def rows(self, sql: str, params: Sequence[Any] | dict = ()) -> list:
        return list(self.execute(sql, params).fetchall())


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


# --------------------------------------------------------------------------- tokens

_RUN_RE = re.compile(
    r"(?P<d>[0-9]+(?:x(?![a-z0-9]))?)"  # digits; the X of an ID number stays with them
    r"|(?P<a>[a-z]+)"
    r"|(?P<h>(?:[^\W\d_a-z]|[\ue000-\uf8ff\U000f0000-\U0010fffd])+)"  # Han & other scripts, PUA
)
_STRIP_IN_NUMBERS = re.compile(r"[\s\-‐‑–—－()（）.·]+")


_DASH_IN_NUMBER = re.compile(r"(?<=[0-9])[-‐‑–—](?=[0-9])")  # 138-1234-5678 → 13812345678
_BRACKETS = frozenset("()[]（）［］【】〔〕")  # may sit between the runs of one case number in a query


@functools.lru_cache(maxsize=1)
def _needs_nfkc() -> Any:
    """`search` for a character whose NFKC form matters to tokens (full-width digits and letters,
    compatibility ideographs, circled numbers, combining marks, anything outside the BMP).

    Chinese text is almost never NFKC-normalized because of its full-width punctuation (，：（）),
    and normalizing every document was a quarter of the time of a full rebuild; punctuation is a
    separator either way, so it only needs NFKC when one of these characters is present. Built on
    first use (10–80 ms)."""
    points = []
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if unicodedata.combining(ch):
            points.append(cp)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and any(c.isalnum() or c == "-" for c in folded):
            points.append(cp)
    spans: list[list[int]] = []
    for cp in points:
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)
    return re.compile(f"[{body}\U00010000-\U0010ffff]").search


def _normalize(text: str) -> str:
    if _needs_nfkc()(text):
        text = unicodedata.normalize("NFKC", text)
    return _DASH_IN_NUMBER.sub("", text.lower())


def _doc_tokens(text: str | None) -> list[str]:
    """Index tokens of a text (see the module docstring); the hot loop of a full rebuild."""
    if not text:
        return []
    out: list[str] = []
    extend, append, add = out.extend, out.append, str.__add__
    for digits, word, han in _RUN_RE.findall(_normalize(text)):
        if han:
            if len(han) > 1:
                extend(map(add, han, han[1:]))  # HAN_GRAM == 2
            append(han[-1])
        elif word:
            append(word)
        else:
            extend([digits[i:i + DIGIT_GRAM] for i in range(len(digits))])
    return out


def _number_text(value: str | None) -> str:
    """ID numbers and phones without the separators people type (138-1234-5678)."""
    return _STRIP_IN_NUMBERS.sub("", value) if value else ""


def _run_tokens(kind: str, run: str) -> tuple[list[str], bool]:
    """Query tokens for one run found anywhere inside a document run: (tokens, is_prefix)."""
    n = HAN_GRAM if kind == "h" else DIGIT_GRAM
    if len(run) < n:
        return [run], True
    return [run[i:i + n] for i in range(len(run) - n + 1)], False


def _chain_part(chain: list[tuple[str, str]]) -> str:
    """One FTS5 phrase for runs typed next to each other ("调字第001", "（2026）青调字第003号").

    Every run but the first starts a document run, every run but the last ends one, so the
    inner runs are whole runs (all their tokens, tails included) and only the last one can be
    a prefix."""
    if len(chain) == 1:
        tokens, prefix = _run_tokens(*chain[0])
    else:
        tokens = []
        for kind, run in chain[:-1]:
            n = HAN_GRAM if kind == "h" else DIGIT_GRAM
            tokens += [run[i:i + n] for i in range(len(run))]
        last, prefix = _run_tokens(*chain[-1])
        tokens += last
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def _query_parts(query: str) -> list[str]:
    """FTS5 phrases, to be ANDed: one per space-separated word, per ASCII word (pinyin) and per
    group of Chinese/digit runs typed next to each other (only brackets may stand between)."""
    parts: list[str] = []

    def add(part: str) -> None:
        if part not in parts and len(parts) < MAX_QUERY_PARTS:
            parts.append(part)

    for word in _normalize((query or "")[:MAX_QUERY_CHARS]).split():
        chain: list[tuple[str, str]] = []
        chain_end = 0
        for match in _RUN_RE.finditer(word):
            kind, run = match.lastgroup or "h", match.group()
            if kind == "a":
                if chain:
                    add(_chain_part(chain))
                    chain = []
                add(f'"{run}"*')
                continue
            if chain and not set(word[chain_end:match.start()]) <= _BRACKETS:
                add(_chain_part(chain))
                chain = []
            chain.append((kind, run))
            chain_end = match.end()
        if chain:
            add(_chain_part(chain))
    return parts


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH string for a user query; None when nothing searchable is left.

    Only quoted tokens of letters/digits/non-ASCII characters are emitted, so no user input can
    form FTS5 syntax.
    """
    parts = _query_parts(query)
    return " AND ".join(parts) if parts else None


# --------------------------------------------------------------------------- pinyin

# Compound surnames whose reading differs from the everyday readings of their characters.
_COMPOUND_SURNAMES: dict[str, str] = {
    "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "澹台": "tan tai", "乐正": "yue zheng",
    "令狐": "ling hu", "夹谷": "jia gu", "宰父": "zai fu", "亓官": "qi guan", "单于": "chan yu",
    "召南": "shao nan",
}
# Single surnames read differently from pypinyin's default (or whose default is uncertain).
_SURNAMES: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "召": "shao", "任": "ren", "华": "hua",
    "种": "chong", "翟": "zhai", "秘": "bi", "那": "na", "宁": "ning", "柏": "bai", "薄": "bo",
    "繁": "po", "员": "yun", "句": "gou", "郇": "xun", "黑": "he", "藏": "zang", "隗": "wei",
    "冼": "xian", "尉": "wei", "沈": "shen", "祭": "zhai", "卜": "bu", "折": "she", "阚": "kan",
    "能": "nai", "朝": "chao", "炅": "gui", "奇": "ji", "叶": "ye", "车": "che", "贾": "jia",
    "蔚": "yu", "宓": "mi", "洗": "xian", "莘": "shen", "都": "du", "适": "kuo", "角": "jue",
    "褚": "chu", "臧": "zang", "殷": "yin", "长": "chang", "尹": "yin", "石": "shi", "费": "fei",
    "重": "chong", "万": "wan", "夏": "xia", "和": "he", "盛": "sheng", "厍": "she", "眭": "sui",
    "訾": "zi", "逄": "pang", "佴": "nai", "粘": "nian", "亓": "qi", "蕃": "pi", "啜": "chuai",
    "晟": "sheng", "乜": "nie", "鲜": "xian", "颉": "xie",
}
# Characters pypinyin does not know but that occur in names.
_EXTRA_READINGS: dict[str, str] = {"𠮷": "ji", "䶮": "yan", "𬌗": "he", "𫖯": "fu"}
# "单家村", "曾家湾": a surname before 家/庄… in a place name keeps its surname reading.
_PLACE_AFTER_SURNAME = set("家庄湾屯营寨店集楼岗坡沟洼圩堡岭桥埠塘坪")
_ASCII_WORD = re.compile(r"[a-z]+")
_WORD_OR_CHAR = re.compile(r"[A-Za-z]+|.", re.S)


def _pinyin_errors(chunk: str) -> list[str]:
    out = []
    for piece in _WORD_OR_CHAR.findall(chunk):
        if piece[0].isascii():
            if piece.isalpha():
                out.append(piece.lower())
        elif piece in _EXTRA_READINGS:
            out.append(_EXTRA_READINGS[piece])
    return out


@functools.lru_cache(maxsize=4096)
def _toneless(reading: str) -> str:
    """"lǜ" → "lv", "zhāng" → "zhang" (pypinyin's NORMAL style), "" for anything else."""
    plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(ch for ch in plain if "a" <= ch <= "z")


class _Dicts:
    """pypinyin's character and phrase dictionaries, loaded on first use."""

    chars: dict[int, str] | None = None
    phrases: dict[str, list[list[str]]] | None = None

    @classmethod
    def load(cls) -> None:
        if cls.chars is None:
            from pypinyin.phrases_dict import phrases_dict
            from pypinyin.pinyin_dict import pinyin_dict

            cls.chars, cls.phrases = pinyin_dict, phrases_dict


@functools.lru_cache(maxsize=50_000)
def _char_syllable(ch: str) -> str:
    """The usual reading of one character, '' when unknown (what lazy_pinyin gives alone)."""
    _Dicts.load()
    readings = _Dicts.chars.get(ord(ch)) if len(ch) == 1 else None  # type: ignore[union-attr]
    if readings:
        return _toneless(readings.split(",", 1)[0])
    if ch in _EXTRA_READINGS:
        return _EXTRA_READINGS[ch]
    return ch.lower() if ch.isascii() and ch.isalpha() else ""


def _given_syllables(text: str) -> tuple[str, ...]:
    """Readings for the given name: a dictionary phrase if it is one (李长江 cháng), else per
    character. Much faster than lazy_pinyin's segmentation, which names do not need."""
    _Dicts.load()
    phrase = _Dicts.phrases.get(text) if len(text) > 1 else None  # type: ignore[union-attr]
    if phrase and len(phrase) == len(text):
        return tuple(_toneless(r[0]) for r in phrase)
    out = []
    for word in _WORD_OR_CHAR.findall(text):
        if word[0].isascii():
            if word.isalpha():
                out.append(word.lower())
        else:
            syllable = _char_syllable(word)
            if syllable:
                out.append(syllable)
    return tuple(out)


@functools.lru_cache(maxsize=20_000)
def _syllables(text: str) -> tuple[str, ...]:
    """Tone-less pinyin syllables of a place or organisation name (phrase-aware segmentation)."""
    if not text:
        return ()
    from pypinyin import lazy_pinyin

    try:
        items = lazy_pinyin(text, errors=_pinyin_errors)
    except Exception:  # pragma: no cover - pypinyin must never break saving a case
        log.exception("pinyin failed for %r", text)
        return ()
    return tuple(s for item in items for s in _ASCII_WORD.findall(item.lower()))


@functools.lru_cache(maxsize=20_000)
def _char_readings(ch: str) -> tuple[str, ...]:
    """All readings of one character, usual one first."""
    _Dicts.load()
    readings = _Dicts.chars.get(ord(ch)) if len(ch) == 1 else None  # type: ignore[union-attr]
    out: list[str] = []
    for reading in (readings or "").split(","):
        plain = _toneless(reading)
        if plain and plain not in out:
            out.append(plain)
    return tuple(out)


def _clean_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


@functools.lru_cache(maxsize=100_000)
def _person_variants(name: str) -> tuple[tuple[str, ...], ...]:
    """Syllable lists for a person's name: surname reading first, everyday reading after."""
    name = _clean_name(name)
    if not name:
        return ()
    readings: list[tuple[str, ...]] = []
    surname = ""
    if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES:
        surname = name[:2]
        readings.append(tuple(_COMPOUND_SURNAMES[surname].split()))
    elif name[0] in _SURNAMES:
        surname = name[0]
        readings.append((_SURNAMES[surname],))
    if not surname:
        if name[0].isascii():
            return (_given_syllables(name),) if _given_syllables(name) else ()
        surname = name[0]
    everyday = _given_syllables(surname) if len(surname) > 1 else (
        (_char_syllable(surname),) if _char_syllable(surname) else ())
    if everyday not in readings:
        readings.append(everyday)
    given = _given_syllables(name[len(surname):])
    out = []
    for reading in readings:
        syllables = reading + given
        if syllables and syllables not in out:
            out.append(syllables)
    return tuple(out)


@functools.lru_cache(maxsize=50_000)
def _place_variants(name: str) -> tuple[tuple[str, ...], ...]:
    """Syllable lists for a place or organisation name: usual reading first, then alternatives
    for a first character with several readings (长岭村 zhang/chang, 单家村 shan/dan)."""
    name = _clean_name(name)
    if not name:
        return ()
    usual = _syllables(name)
    variants = [usual]
    first = name[0]
    if first in _SURNAMES and name[1:2] and name[1] in _PLACE_AFTER_SURNAME:
        variants.insert(0, (_SURNAMES[first],) + _syllables(name[1:]))
    if usual:
        head = _syllables(first)
        if len(head) == 1:
            for alt in _char_readings(first)[:3]:
                variants.append((alt,) + usual[1:])
    out: list[tuple[str, ...]] = []
    for v in variants:
        if v and v not in out:
            out.append(v)
    return tuple(out)


# Endings that make a name a place or an organisation rather than a person.
_PLACE_SUFFIXES = (
    "省", "市", "县", "区", "镇", "乡", "街道", "村", "社区", "居委会", "村委会", "组", "网格", "屯", "庄",
    "寨", "湾", "场", "公司", "厂", "店", "社", "合作社", "委员会", "中心", "所", "站", "局", "院", "校",
    "学", "办", "部", "队", "会", "馆", "园", "处", "行", "协会", "集团",
)


def looks_like_place(name: str) -> bool:
    """True for 东山村, 青石镇, 某某合作社 …: names read with place/organisation rules."""
    name = _clean_name(name)
    return len(name) > 1 and name.endswith(_PLACE_SUFFIXES)


def _variants(name: str, person: bool | None) -> tuple[tuple[str, ...], ...]:
    if person is None:
        person = not looks_like_place(name)
    return _person_variants(name) if person else _place_variants(name)


def name_pinyin(name: str, *, person: bool | None = None, sep: str = "") -> str:
    """Full tone-less pinyin: 单雄信 → "shanxiongxin" (surname reading), 解放村 → "jiefangcun".

    `person`: True reads the first character(s) as a surname, False as a place or organisation;
    None (default) decides by the ending (村, 镇, 组, 公司, 合作社 … mean a place/organisation)."""
    variants = _variants(name, person)
    return sep.join(variants[0]) if variants else ""


def name_initials(name: str, *, person: bool | None = None) -> str:
    """Pinyin initials: 曾国藩 → "zgf", 单家村 → "sjc", 解放村 → "jfc" (see `name_pinyin`).
    Suitable for Area.initials."""
    variants = _variants(name, person)
    return "".join(s[0] for s in variants[0]) if variants else ""


@functools.lru_cache(maxsize=100_000)
def _name_token_set(name: str, person: bool) -> frozenset[str]:
    tokens: set[str] = set()
    for syllables in _variants(name, person):
        if not syllables:
            continue
        full = "".join(syllables)
        tokens.add("".join(s[0] for s in syllables))
        tokens.add(full)
        tokens.update(syllables)
        if "v" in full:  # 吕 lv: also accept lu
            tokens.add(full.replace("v", "u"))
            tokens.update(s.replace("v", "u") for s in syllables)
    return frozenset(tokens)


def _name_tokens(name: str, person: bool, into: set[str]) -> None:
    into.update(_name_token_set(name, person))


# --------------------------------------------------------------------------- documents


def case_document(case: dict, parties: list[dict], area_name: str) -> tuple[str, str]:
    """(body, names) index text of a case. Pure.

    `case` needs number, title, description, claims (location is used when present); each party
    name, kind, id_number, phone; `area_name` is the case's area, optionally with the village
    above a group, separated by spaces ("张家村 三组").
    """
    pieces = [case.get("number"), case.get("title"), case.get("location"), case.get("description"),
              case.get("claims"), area_name]
    names: set[str] = set()
    for place in (area_name or "").split():
        _name_tokens(place, False, names)
    for party in parties:
        name = party.get("name") or ""
        pieces += [name, _number_text(party.get("id_number")), _number_text(party.get("phone"))]
        _name_tokens(name, party.get("kind", "person") != "organisation", names)
    # one pass over all fields; the line breaks keep runs (and so grams) inside their field
    body = _doc_tokens("\n".join(p for p in pieces if p))
    return " ".join(body), " ".join(sorted(names))


def _party_document(party: dict) -> tuple[str, str]:
    name = party.get("name") or ""
    body = _doc_tokens("\n".join([name, _number_text(party.get("id_number")),
                                   _number_text(party.get("phone"))]))
    names: set[str] = set()
    _name_tokens(name, party.get("kind", "person") != "organisation", names)
    return " ".join(body), " ".join(sorted(names))


# --------------------------------------------------------------------------- schema


def _create_tables(db: _Db, table: str, id_column: str) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {table}_key "
               f"(k INTEGER PRIMARY KEY, {id_column} TEXT NOT NULL UNIQUE)")
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} "
               f"USING fts5({id_column} UNINDEXED, body, names, {_FTS_OPTIONS})")


def _is_no_fts(error: BaseException) -> bool:
    text = str(getattr(error, "orig", None) or error).lower()
    return "no such module" in text and "fts5" in text


def create_index(conn: Connection | Session | sqlite3.Connection) -> None:
    """Create the search tables if missing (idempotent); runs in the caller's transaction.

    Raises SearchUnavailableError (Chinese message) when this SQLite has no FTS5. Does nothing
    on non-SQLite databases.
    """
    db = _Db(conn)
    if not db.is_sqlite:
        log.warning("search index skipped: not an SQLite database")
        return
    try:
        _create_tables(db, "case_search", "case_id")
        _create_tables(db, "party_search", "party_id")
    except Exception as error:
        if _is_no_fts(error):
            raise _unavailable(str(error)) from error
        raise


def _keys_for(db: _Db, table: str, id_column: str, ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(ids):
        for k, ident in db.rows(f"SELECT k, {id_column} FROM {table}_key "
                                f"WHERE {id_column} IN ({_marks(len(chunk))})", list(chunk)):
            found[ident] = k
    return found


def _remove(db: _Db, table: str, id_column: str, ids: Sequence[str]) -> int:
    keys = _keys_for(db, table, id_column, ids)
    if keys:
        db.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(k,) for k in keys.values()])
        db.executemany(f"DELETE FROM {table}_key WHERE k = ?", [(k,) for k in keys.values()])
    return len(keys)


_DAY_BITS = 20  # case keys are (received_on day << 20) + n: FTS rowid order = date order


def _day(value: Any) -> int:
    """received_on (date or ISO text) → proleptic ordinal; 0 when missing or unreadable."""
    if value is None:
        return 0
    if isinstance(value, date):
        return value.toordinal()
    try:
        return date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return 0


class _Writer:
    """Writes (id, body, names, day) documents, replacing earlier rows of the same ids.

    With `by_day` the key of a row is (day << 20) + n, n counting up within the day, so that
    `ORDER BY rowid DESC` on the FTS table is "most recently received first, then most recently
    added"; a row whose day changed gets a new key. Otherwise keys just count up."""

    def __init__(self, db: _Db, table: str, id_column: str, *, by_day: bool, fresh: bool) -> None:
        self.db, self.table, self.id_column = db, table, id_column
        self.by_day, self.fresh = by_day, fresh
        self.last: dict[int, int] = {}  # day (0 when not by_day) → last key handed out

    def _bounds(self, day: int) -> tuple[int, int]:
        if not self.by_day:
            return 0, 1 << 62
        return day << _DAY_BITS, (day + 1) << _DAY_BITS

    def _allocate(self, day: int) -> int:
        day = day if self.by_day else 0
        low, high = self._bounds(day)
        last = self.last.get(day)
        if last is None and not self.fresh:
            last = self.db.rows(f"SELECT max(k) FROM {self.table}_key WHERE k >= ? AND k < ?",
                                [low, high])[0][0]
        key = low if last is None else last + 1
        if key >= high:  # more than a million rows on one day: cannot happen in practice
            raise StoreError("搜索索引编号已用完，请重建搜索索引。")
        self.last[day] = key
        return key

    def write(self, docs: list[tuple[str, str, str, int]]) -> None:
        if not docs:
            return
        table, column = self.table, self.id_column
        existing = {} if self.fresh else _keys_for(self.db, table, column, [d[0] for d in docs])
        stale: list[tuple[int]] = []
        dropped: list[tuple[int]] = []
        new_keys: list[tuple[int, str]] = []
        rows: list[tuple[int, str, str, str]] = []
        for ident, body, names, day in docs:
            key = existing.get(ident)
            if key is not None:
                stale.append((key,))
                if self.by_day and key >> _DAY_BITS != day:
                    dropped.append((key,))
                    key = None
            if key is None:
                key = self._allocate(day)
                new_keys.append((key, ident))
            rows.append((key, ident, body, names))
        self.db.executemany(f"DELETE FROM {table} WHERE rowid = ?", stale)
        self.db.executemany(f"DELETE FROM {table}_key WHERE k = ?", dropped)
        self.db.executemany(f"INSERT INTO {table}_key (k, {column}) VALUES (?, ?)", new_keys)
        self.db.executemany(f"INSERT INTO {table} (rowid, {column}, body, names) VALUES (?, ?, ?, ?)", rows)


@contextlib.contextmanager
def _full_rebuild(db: _Db, table: str, id_column: str) -> Iterator[None]:
    """Drop and recreate `table`, and make the bulk insert that follows fast.

    * a 64 MiB page cache for this connection (the default 2 MiB thrashes on the key index and
      the FTS segments of a 100,000-case rebuild);
    * `secure_delete=FAST` while dropping the old index: the pages it frees are taken again at
      once by the new index (which holds the same data), so zeroing them first is wasted I/O;
    * no incremental merging and a 16 MiB in-memory buffer (3x faster inserts), then one
      'optimize' into a single segment and back to the FTS5 defaults.
    """
    cache_size = int(db.rows("PRAGMA cache_size")[0][0])
    secure_delete = {0: "0", 1: "1"}.get(int(db.rows("PRAGMA secure_delete")[0][0]), "FAST")
    try:
        db.execute("PRAGMA cache_size = -65536")
        db.execute("PRAGMA secure_delete = FAST")
        db.execute(f"DROP TABLE IF EXISTS {table}")  # DELETE would re-tokenize every row
        db.execute(f"DROP TABLE IF EXISTS {table}_key")
        db.execute(f"PRAGMA secure_delete = {secure_delete}")
        _create_tables(db, table, id_column)
        for name, value in (("automerge", 0), ("hashsize", 16 * 1024 * 1024)):
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", [name, value])
        yield
        db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        for name, value in (("automerge", 4), ("hashsize", 1024 * 1024)):
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", [name, value])
    finally:
        db.execute(f"PRAGMA secure_delete = {secure_delete}")
        db.execute(f"PRAGMA cache_size = {cache_size}")


def _ids_argument(ids: Iterable[str] | str | None) -> list[str] | None:
    if ids is None:
        return None
    if isinstance(ids, str):
        return [ids]
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------- cases


class _Areas:
    """Area names for case documents: the case's area plus the areas above it up to the village."""

    def __init__(self, db: _Db) -> None:
        self.rows = {r[0]: (r[1], r[2] or "", r[3] or "")
                     for r in db.rows("SELECT id, parent_id, name, level FROM area")}
        self.cache: dict[str | None, str] = {}

    def text(self, area_id: str | None) -> str:
        if area_id in self.cache:
            return self.cache[area_id]
        names: list[str] = []
        current, seen = area_id, set()
        while current and current in self.rows and current not in seen:
            seen.add(current)
            parent, name, level = self.rows[current]
            if names and level in _STOP_LEVELS:
                break
            names.append(name)
            current = parent
        value = " ".join(reversed(names))
        self.cache[area_id] = value
        return value


_CASE_COLUMNS = 'id, number, title, location, description, claims, area_id, received_on'


def _case_docs(db: _Db, areas: _Areas, ids: Sequence[str]) -> list[tuple[str, str, str, int]]:
    marks = _marks(len(ids))
    cases = db.rows(f'SELECT {_CASE_COLUMNS} FROM "case" WHERE id IN ({marks})', list(ids))
    parties: dict[str, list[dict]] = {}
    seen: set[tuple[str, str]] = set()
    for case_id, party_id, kind, name, id_number, phone in db.rows(
        "SELECT cp.case_id, p.id, p.kind, p.name, p.id_number, p.phone FROM case_party cp "
        f"JOIN party p ON p.id = cp.party_id WHERE cp.case_id IN ({marks}) "
        "ORDER BY cp.case_id, cp.sort, cp.rowid",
        list(ids),
    ):
        if (case_id, party_id) in seen:
            continue
        seen.add((case_id, party_id))
        parties.setdefault(case_id, []).append(
            {"kind": kind, "name": name, "id_number": id_number, "phone": phone})
    docs = []
    for case_id, number, title, location, description, claims, area_id, received_on in cases:
        body, names = case_document(
            {"number": number, "title": title, "location": location,
             "description": description, "claims": claims},
            parties.get(case_id, []), areas.text(area_id))
        docs.append((case_id, body, names, _day(received_on)))
    return docs


def reindex_cases(conn: Connection | Session | sqlite3.Connection,
                  case_ids: Iterable[str] | None = None) -> int:
    """(Re)build the index rows of `case_ids` (None: rebuild the whole index); returns how many
    cases were indexed. Ids of cases that no longer exist are removed from the index. Runs in the
    caller's transaction."""
    db = _Db(conn)
    ids = _ids_argument(case_ids)
    if ids is None:
        with _full_rebuild(db, "case_search", "case_id"):
            ids = [r[0] for r in db.rows('SELECT id FROM "case" ORDER BY received_on, rowid')]
            return _index_cases(db, ids, fresh=True)
    return _index_cases(db, ids, fresh=False) if ids else 0


def _index_cases(db: _Db, ids: list[str], fresh: bool) -> int:
    areas = _Areas(db)
    writer = _Writer(db, "case_search", "case_id", by_day=True, fresh=fresh)
    count = 0
    for chunk in _chunks(ids):
        docs = _case_docs(db, areas, chunk)
        if not fresh and len(docs) < len(chunk):
            present = {d[0] for d in docs}
            _remove(db, "case_search", "case_id", [i for i in chunk if i not in present])
        if fresh:  # keep the date order of the ids (IN (...) returns rows in any order)
            order = {ident: n for n, ident in enumerate(chunk)}
            docs.sort(key=lambda d: order[d[0]])
        writer.write(docs)
        count += len(docs)
    return count


def remove_cases(conn: Connection | Session | sqlite3.Connection, case_ids: Iterable[str]) -> int:
    """Drop the index rows of these cases; returns how many were there."""
    ids = _ids_argument(case_ids) or []
    return _remove(_Db(conn), "case_search", "case_id", ids) if ids else 0


def reindex_party_cases(conn: Connection | Session | sqlite3.Connection,
                        party_ids: Iterable[str]) -> int:
    """After editing people: reindex them and every case they are linked to."""
    db = _Db(conn)
    ids = _ids_argument(party_ids) or []
    reindex_parties(conn, ids)
    case_ids: list[str] = []
    for chunk in _chunks(ids):
        case_ids += [r[0] for r in db.rows(
            f"SELECT DISTINCT case_id FROM case_party WHERE party_id IN ({_marks(len(chunk))})",
            list(chunk))]
    return reindex_cases(conn, case_ids) if case_ids else 0


def reindex_area_cases(conn: Connection | Session | sqlite3.Connection,
                       area_ids: Iterable[str]) -> int:
    """After renaming areas: reindex the cases in them and in the areas below them."""
    db = _Db(conn)
    wanted = set(_ids_argument(area_ids) or [])
    children: dict[str, list[str]] = {}
    for area_id, parent_id in db.rows("SELECT id, parent_id FROM area"):
        children.setdefault(parent_id, []).append(area_id)
    stack = list(wanted)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    case_ids: list[str] = []
    ordered = sorted(wanted)
    for chunk in _chunks(ordered):
        case_ids += [r[0] for r in db.rows(
            f'SELECT id FROM "case" WHERE area_id IN ({_marks(len(chunk))})', list(chunk))]
    return reindex_cases(conn, case_ids) if case_ids else 0


def index_is_complete(conn: Connection | Session | sqlite3.Connection) -> bool:
    """Cheap check (e.g. after a restore or import): does every case have an index row?"""
    db = _Db(conn)
    try:
        indexed = db.rows("SELECT count(*) FROM case_search_key")[0][0]
    except Exception:
        return False
    return indexed == db.rows('SELECT count(*) FROM "case"')[0][0]


# --------------------------------------------------------------------------- querying


BROAD_MATCHES = 3000  # above this many matches search_sql(conn=…) switches to the "scan" form
BROAD_PARTIES = 500  # above this many matches search_parties stops ranking


def _count_upto(db: _Db, expression: str, cap: int) -> int:
    return db.rows("SELECT count(*) FROM (SELECT rowid FROM case_search WHERE case_search MATCH ? LIMIT ?)",
                   [expression, int(cap)])[0][0]


def count_matches(conn: Connection | Session | sqlite3.Connection, query: str,
                  cap: int | None = None) -> int:
    """How many cases match `query` (voided ones included), counting at most `cap`. Cheap (FTS
    only): a quick "about N cases" without running the full filtered count."""
    expression = match_expression(query) if query and query.strip() else None
    if expression is None:
        return 0
    return _count_upto(_Db(conn), expression, cap if cap is not None else -1)


def search_sql(query: str, conn: Connection | Session | sqlite3.Connection | None = None, *,
               column: str = '"case".id', param: str = "search_q",
               by_received_on: bool = True) -> tuple[str, dict[str, str]] | None:
    """A WHERE fragment selecting the cases that match `query`, and its bound parameters.

    Use it in a `sqlalchemy.text()` query on the case table together with other filters,
    ORDER BY and LIMIT/OFFSET. `column` is the case id column as the outer query spells it: pass
    ``column="c.id"`` when the case table is aliased ``c``. None for an empty query (no filter);
    a query with nothing searchable in it (only punctuation) gives a fragment matching nothing.
    Both forms below return exactly the same rows.

    Pass `conn` so that the fragment fits the query. SQLite cannot estimate how many rows an FTS
    query matches, and the fast plan differs by two orders of magnitude (100,000 cases):

    * few matches (≤ BROAD_MATCHES, a name, a phone) or `by_received_on=False`:
      ``id IN (matching ids)`` — the matches are looked up by id and sorted (≈0.1 ms for a name,
      but ~0.5–1 s when every case matches);
    * many matches and the outer query is ``ORDER BY received_on … LIMIT n`` (the register's
      default): each case is tested against the set of matching FTS rowids while SQLite walks
      `ix_case_received`, stopping after n hits (~20 ms for "村", which matches every case). Do
      not use this form under another ORDER BY or for a full count(*): it then tests every case
      (~0.5 s) — pass ``by_received_on=False`` there.

    A total count over a broad query visits every matching case whatever the form; count with a
    cap (``SELECT count(*) FROM (SELECT 1 FROM "case" c WHERE … LIMIT 1001)``) or use
    `count_matches` for an "about N" figure.
    """
    if not query or not query.strip():
        return None
    expression = match_expression(query)
    if expression is None:
        return "0 = 1", {}
    matches = f"SELECT rowid FROM case_search WHERE case_search MATCH :{param}"
    if (by_received_on and conn is not None
            and _count_upto(_Db(conn), expression, BROAD_MATCHES + 1) > BROAD_MATCHES):
        fragment = f"(SELECT k FROM case_search_key WHERE case_id = {column}) IN ({matches})"
    else:
        fragment = f"{column} IN (SELECT case_id FROM case_search_key WHERE k IN ({matches}))"
    return fragment, {param: expression}


def search_case_ids(conn: Connection | Session | sqlite3.Connection, query: str,
                    limit: int | None = None) -> list[str]:
    """Ids of the cases matching `query`, most recently received first. Empty query → []."""
    expression = match_expression(query) if query and query.strip() else None
    if expression is None:
        return []
    # FTS rowids are in received_on order, so FTS5 walks its doclists backwards and stops at
    # `limit`: broad one-character queries cost no more than narrow ones.
    sql = ("SELECT key.case_id FROM case_search JOIN case_search_key key ON key.k = case_search.rowid "
           "WHERE case_search MATCH ? ORDER BY case_search.rowid DESC")
    values: list[Any] = [expression]
    if limit is not None:
        sql += " LIMIT ?"
        values.append(int(limit))
    return [r[0] for r in _Db(conn).rows(sql, values)]


# --------------------------------------------------------------------------- parties


def reindex_parties(conn: Connection | Session | sqlite3.Connection,
                    party_ids: Iterable[str] | None = None) -> int:
    """(Re)build the party index rows (None: all parties); returns how many were indexed."""
    db = _Db(conn)
    ids = _ids_argument(party_ids)
    if ids is None:
        with _full_rebuild(db, "party_search", "party_id"):
            ids = [r[0] for r in db.rows("SELECT id FROM party ORDER BY rowid")]
            return _index_parties(db, ids, fresh=True)
    return _index_parties(db, ids, fresh=False) if ids else 0


def _index_parties(db: _Db, ids: list[str], fresh: bool) -> int:
    writer = _Writer(db, "party_search", "party_id", by_day=False, fresh=fresh)
    count = 0
    for chunk in _chunks(ids):
        rows = db.rows(f"SELECT id, kind, name, id_number, phone FROM party "
                       f"WHERE id IN ({_marks(len(chunk))})", list(chunk))
        docs = []
        for party_id, kind, name, id_number, phone in rows:
            body, names = _party_document(
                {"kind": kind, "name": name, "id_number": id_number, "phone": phone})
            docs.append((party_id, body, names, 0))
        if not fresh and len(docs) < len(chunk):
            present = {d[0] for d in docs}
            _remove(db, "party_search", "party_id", [i for i in chunk if i not in present])
        writer.write(docs)
        count += len(docs)
    return count


def remove_parties(conn: Connection | Session | sqlite3.Connection, party_ids: Iterable[str]) -> int:
    ids = _ids_argument(party_ids) or []
    return _remove(_Db(conn), "party_search", "party_id", ids) if ids else 0


def search_parties(conn: Connection | Session | sqlite3.Connection, query: str,
                   limit: int = 20) -> list[str]:
    """Party ids matching name, pinyin initials/full pinyin, ID number or phone; best first:
    the exact name, then names starting with the query, then FTS5 rank, then by name. When the
    query matches very many people (one character, two digits) the exact name comes first and
    the rest are the most recently added, so a broad query costs no more than a narrow one."""
    expression = match_expression(query) if query and query.strip() else None
    if expression is None:
        return []
    db = _Db(conn)
    typed = "".join(unicodedata.normalize("NFKC", query).split())
    limit = int(limit)
    broad = db.rows("SELECT count(*) FROM (SELECT rowid FROM party_search WHERE party_search MATCH ? LIMIT ?)",
                    [expression, BROAD_PARTIES + 1])[0][0] > BROAD_PARTIES
    if not broad:
        rows = db.rows(
            "SELECT key.party_id FROM party_search "
            "JOIN party_search_key key ON key.k = party_search.rowid "
            "JOIN party p ON p.id = key.party_id WHERE party_search MATCH ? "
            "ORDER BY p.name = ? DESC, substr(p.name, 1, length(?)) = ? DESC, party_search.rank, p.name, p.id "
            "LIMIT ?",
            [expression, typed, typed, typed, limit],
        )
        return [r[0] for r in rows]
    exact = [r[0] for r in db.rows("SELECT id FROM party WHERE name = ? ORDER BY rowid DESC LIMIT ?",
                                   [typed, limit])]
    recent = [r[0] for r in db.rows(
        "SELECT key.party_id FROM party_search JOIN party_search_key key ON key.k = party_search.rowid "
        "WHERE party_search MATCH ? ORDER BY party_search.rowid DESC LIMIT ?", [expression, limit])]
    return list(dict.fromkeys(exact + recent))[:limit]
