"""The command line: the same services as the window, headless.

`build_parser()` builds the argument parser (the GUI start-up uses it too); `run(args)` runs a
subcommand and returns the process exit code:

- 0 done; 1 `check` found problems; 2 a refused request or an environmental problem (bad
  input, missing file, locked or read-only database …), explained in Chinese on stderr;
  3 an internal error (a bug): a short Chinese message and the path of the log file with the
  traceback. A traceback is never printed for a user's mistake.

Subcommands live in a registry (`register_command(name, configure, handler)`), so other areas
(printing, archive, ledgers, contracts, risk, petitions) add theirs from their own modules: a
module `mediation_desk/cli_<area>.py` (found and imported by `build_parser`; others can be listed
in `EXTENSION_MODULES`) calls `register_command` at import time. Handlers get the parsed arguments and use the helpers here:
`open_desk(args)`, `progress_reporter()`, `print_table()`, `write_json()`, `find_case()` and
`CliError` for refusals.

Global options (`--db`, `--portable`, `--demo`, `--self-test`, `--actor`) are accepted before
or after the subcommand: every subparser gets them from a parent parser whose defaults are
SUPPRESS, so a value given after the subcommand overrides the one before it and an absent one
leaves the main parser's value alone.

No Qt here (a test enforces it).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import re
import sqlite3
import sys
import traceback
import unicodedata
from contextlib import contextmanager, closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TextIO

from . import __version__, datadir

log = logging.getLogger(__name__)

PROG = "mediation-desk"
DESCRIPTION = (
    "调解工作台：村（社区）、乡镇人民调解委员会和综治、信访工作的离线工作台。\n"
    "不带命令时打开窗口；带命令时在命令行中完成对应的工作。"
)
EPILOG = (
    "示例：\n"
    "  mediation-desk init --unit 青石镇人民调解委员会 --short 青 --township 青石镇 --village 东山村 西河村\n"
    "  mediation-desk cases --search 张三 --status mediating\n"
    "  mediation-desk cases --overdue --json > 超期案件.json\n"
    "  mediation-desk backup --to E:\\备份\n"
    "全局选项（--db、--portable、--demo、--actor）写在命令之前或之后都可以。"
)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_REFUSED = 2
EXIT_INTERNAL = 3

#: Modules that add subcommands by calling `register_command` when imported. Modules of this
#: package named `cli_*.py` are found on their own; list others here. (A frozen build must bundle
#: them: build.spec collects every submodule of `mediation_desk`.)
EXTENSION_MODULES: list[str] = []


class CliError(Exception):
    """A refused command; the message is Chinese and shown on stderr (exit code 2 by default)."""

    def __init__(self, message: str, code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --------------------------------------------------------------------------- registry


Configure = Callable[[argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace], int | None]


@dataclass
class Command:
    name: str
    configure: Configure | None
    handler: Handler
    help: str
    description: str = ""


COMMANDS: dict[str, Command] = {}


def register_command(name: str, configure: Configure | None, handler: Handler, *, help: str,
                     description: str = "", replace: bool = False) -> Command:
    """Add a subcommand: `configure(parser)` adds its options, `handler(args)` runs it and returns
    the exit code (None means 0). Names are unique unless `replace` is given."""
    if name in COMMANDS and not replace:
        raise ValueError(f"subcommand {name!r} is already registered")
    command = Command(name, configure, handler, help, description or help)
    COMMANDS[name] = command
    return command


def _extension_modules() -> list[str]:
    import pkgutil

    names = list(EXTENSION_MODULES)
    package = __name__.rpartition(".")[0]
    try:
        found = sorted(info.name for info in pkgutil.iter_modules(sys.modules[package].__path__)
                       if info.name.startswith("cli_"))
    except Exception:  # an unusual importer (frozen build without pkgutil support)
        log.exception("could not list command modules")
        found = []
    names += [f"{package}.{name}" for name in found if f"{package}.{name}" not in names]
    return names


def _load_extensions() -> None:
    import importlib

    for module in _extension_modules():
        try:
            importlib.import_module(module)
        except Exception:  # a broken extension must not stop the window from opening
            log.exception("could not load command module %s", module)


# --------------------------------------------------------------------------- parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D401 - argparse API
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


_TYPE_WORDS = {"int": "整数", "float": "数字", "Path": "路径", "_positive_int": "正整数",
               "_non_negative_int": "非负整数", "_iso_date": "日期"}

_ARGPARSE_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^the following arguments are required: (.*)$"),
     lambda m: f"缺少必需的参数：{m.group(1)}"),
    (re.compile(r"^unrecognized arguments: (.*)$"),
     lambda m: f"无法识别的参数：{m.group(1)}（用 --help 查看可用的选项）"),
    (re.compile(r"^argument (.+?): invalid choice: (.*?) \(choose from (.*)\)$"),
     lambda m: f"参数 {m.group(1)} 的取值 {m.group(2)} 无效，可选：{m.group(3)}"),
    (re.compile(r"^argument (.+?): invalid (\w+) value: (.*)$"),
     lambda m: f"参数 {m.group(1)} 的取值 {m.group(3)} 无效，应为{_TYPE_WORDS.get(m.group(2), m.group(2))}"),
    (re.compile(r"^argument (.+?): expected one argument$"),
     lambda m: f"参数 {m.group(1)} 后面缺少取值"),
    (re.compile(r"^argument (.+?): expected at least one argument$"),
     lambda m: f"参数 {m.group(1)} 后面至少需要一个取值"),
    (re.compile(r"^argument (.+?): not allowed with argument (.+)$"),
     lambda m: f"参数 {m.group(1)} 不能和 {m.group(2)} 同时使用"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"),
     lambda m: f"选项 {m.group(1)} 有歧义，可能是：{m.group(2)}"),
    (re.compile(r"^argument (.+?): ignored explicit argument (.*)$"),
     lambda m: f"参数 {m.group(1)} 不需要取值（多余的 {m.group(2)}）"),
    (re.compile(r"^argument (.+?): (.*)$"),
     lambda m: f"参数 {m.group(1)}：{m.group(2)}"),
]


def _translate_argparse(message: str) -> str:
    for pattern, render in _ARGPARSE_MESSAGES:
        match = pattern.match(message)
        if match:
            return render(match)
    return message


class _Parser(argparse.ArgumentParser):
    """ArgumentParser with Chinese section titles and errors; the root one fills in `--db`."""

    def __init__(self, *args, root: bool = False, help_option: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # added below with a Chinese help text
        super().__init__(*args, **kwargs)
        self._root = root
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if help_option and not kwargs.get("parents"):
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="显示这段帮助并退出")

    def error(self, message: str):  # argparse API: prints usage and exits with 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_REFUSED, f"{self.prog}：错误：{_translate_argparse(message)}\n")

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if self._root:
            _finish_namespace(namespace)
        return namespace, extras


def _default_actor() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no user name in the environment (some services, containers)
        name = ""
    return name or "本机用户"


def _finish_namespace(args: argparse.Namespace) -> None:
    """Resolve the defaults that depend on other options (after both levels were parsed)."""
    portable = bool(getattr(args, "portable", False))
    given = getattr(args, "db", None)
    args.db_explicit = given is not None
    if given is None:
        given = datadir.demo_db_path(portable) if getattr(args, "demo", False) else datadir.default_db_path(portable)
    args.db = Path(given).expanduser()
    if not getattr(args, "actor", None):
        args.actor = _default_actor()
    if not hasattr(args, "command"):
        args.command = None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"应为正整数，不能是 {value}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"不能是负数（{value}）")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不正确，应为 2026-11-27 这样的格式") from None


def _add_global_options(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    """The options valid before or after the subcommand (SUPPRESS defaults on the subparsers)."""

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if sub else value

    group = parser.add_argument_group("全局选项")
    group.add_argument("--db", metavar="PATH", type=Path, default=default(None),
                       help="数据文件的位置（默认：用户数据文件夹中的“调解工作台.sqlite”）")
    group.add_argument("--portable", action="store_true", default=default(False),
                       help="便携模式：数据放在程序旁边的 data 文件夹（适合U盘使用）")
    group.add_argument("--demo", action="store_true", default=default(False),
                       help="使用演示数据文件（窗口模式下不存在时先生成）")
    group.add_argument("--self-test", dest="self_test", action="store_true", default=default(False),
                       help="窗口自检：打开主要界面后自动退出（用于安装后检查）")
    group.add_argument("--actor", metavar="NAME", default=default(None),
                       help="操作人姓名，记入操作记录（默认：当前系统用户名）")
    group.add_argument("--today", metavar="YYYY-MM-DD", type=_iso_date, default=default(None),
                       help=argparse.SUPPRESS)  # pin "today" (tests, reproducing a past report)


def build_parser(*, load_extensions: bool = True) -> argparse.ArgumentParser:
    """The whole command line: global options and every registered subcommand.

    `load_extensions=False` skips importing the `cli_*` modules (and the services they pull in):
    the window start-up uses it when the command line names no subcommand."""
    if load_extensions:
        _load_extensions()
    parser = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, root=True)
    _add_global_options(parser, sub=False)
    parser.add_argument("--version", action="version", version=f"调解工作台 {PROG} {__version__}",
                        help="显示版本号并退出")
    common = _Parser(help_option=False)  # parent of every subparser
    _add_global_options(common, sub=True)
    subparsers = parser.add_subparsers(dest="command", title="命令", metavar="<命令>",
                                       parser_class=_Parser)
    for command in COMMANDS.values():
        sub = subparsers.add_parser(command.name, help=command.help, description=command.description,
                                    parents=[common])
        sub.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示这段帮助并退出")
        if command.configure is not None:
            command.configure(sub)
    return parser


# --------------------------------------------------------------------------- output helpers


def _out() -> TextIO:
    return sys.stdout


def _err() -> TextIO:
    return sys.stderr


def note(message: str) -> None:
    """A line for the user on stderr (hints, warnings), never mixed into the data on stdout."""
    print(message, file=_err())


def _utf8_streams() -> None:
    """Piped output is UTF-8 (Windows would otherwise use the ANSI code page, which lacks rare
    name characters); a console keeps its own encoding."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream.isatty():
                continue
            encoding = (getattr(stream, "encoding", "") or "").lower().replace("_", "-")
            if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError):
            continue


#: East-Asian "ambiguous" characters (… “ ” ·) take two columns in Chinese Windows consoles and
#: one in most other terminals.
AMBIGUOUS_WIDE = os.name == "nt"


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: wide (CJK) characters count two."""
    wide = ("W", "F", "A") if AMBIGUOUS_WIDE else ("W", "F")
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in wide else 1
    return width


def truncate(text: str, width: int) -> str:
    """Cut `text` to at most `width` columns, ending with … when cut."""
    text = " ".join((text or "").split())
    if display_width(text) <= width:
        return text
    result, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        result += ch
        used += w
    return result + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], stream: TextIO | None = None,
                *, gap: str = "  ") -> None:
    """An aligned table for a terminal (CJK characters counted as two columns)."""
    stream = stream or _out()
    body = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    lines = [gap.join(_pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append(gap.join("-" * w for w in widths))
    for row in body:
        lines.append(gap.join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
    stream.write("\n".join(lines) + "\n")


def json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(value: Any, stream: TextIO | None = None) -> None:
    """Pretty UTF-8 JSON (Chinese kept as characters)."""
    stream = stream or _out()
    json.dump(value, stream, ensure_ascii=False, indent=2, default=json_default)
    stream.write("\n")


def write_json_array(items: Iterable[Any], stream: TextIO | None = None) -> int:
    """Stream a JSON array item by item (large registers need not fit in memory); returns count."""
    stream = stream or _out()
    count = 0
    stream.write("[")
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=json_default)
        stream.write(("\n  " if count == 0 else ",\n  ") + text.replace("\n", "\n  "))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


class ProgressBar:
    """A one-line progress bar on stderr, only when stderr is a terminal (silent when piped).

    The line is rewritten in place (a new phase replaces the old one's text).

    Call it as `progress(phase, fraction)`; `progress.fraction_only(phase)` adapts it to APIs that
    report just a fraction (backups). `close()` ends the line.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 30, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            try:
                enabled = bool(self.stream.isatty())
            except (AttributeError, ValueError):
                enabled = False
        self.enabled = enabled
        self.width = width
        self._last: tuple[str, int] | None = None
        self._shown = 0

    def __call__(self, phase: str, fraction: float) -> None:
        if not self.enabled:
            return
        fraction = 0.0 if fraction is None else max(0.0, min(1.0, float(fraction)))
        percent = int(fraction * 100)
        if self._last == (phase, percent):
            return
        filled = int(self.width * fraction)
        line = f"\r{phase} [{'#' * filled}{'-' * (self.width - filled)}] {percent:3d}%"
        width = display_width(line)
        self.stream.write(line + " " * max(0, self._shown - width))
        self.stream.flush()
        self._shown = width
        self._last = (phase, percent)

    def fraction_only(self, phase: str) -> Callable[[float], None]:
        return lambda fraction: self(phase, fraction)

    def close(self) -> None:
        if self.enabled and self._last is not None:
            self.stream.write("\n")
            self.stream.flush()
        self._last = None


@contextmanager
def progress_reporter() -> Iterator[ProgressBar]:
    bar = ProgressBar()
    try:
        yield bar
    finally:
        bar.close()


# --------------------------------------------------------------------------- opening the data


def _open_store(path: Path, *, create: bool):
    from .store.engine import open_store

    if not create and not path.exists():
        raise CliError(f"找不到数据文件：{path}\n请先运行“{PROG} init --unit 单位名称”创建数据文件，"
                       "或用 --db 指定已有的数据文件。")
    store = open_store(path, create=create)
    for warning in store.warnings:
        note(f"提示：{warning}")
    if store.migrated_from:
        copy = f"（升级前的副本：{store.pre_migration_copy}）" if store.pre_migration_copy else ""
        note(f"提示：数据文件已从数据版本 {store.migrated_from} 升级{copy}。")
    return store


@contextmanager
def open_desk(args: argparse.Namespace, *, create: bool = False) -> Iterator[Any]:
    """The `Desk` for the command: the database from --db (created when `create`), the actor
    from --actor. With --demo and no --db, the demo database is generated first if missing."""
    from .services.context import Desk

    path = Path(args.db)
    if getattr(args, "demo", False) and not getattr(args, "db_explicit", True) and not path.exists():
        with progress_reporter() as bar:
            ensure_demo_db(path, progress=bar)
    store = _open_store(path, create=create)
    desk = Desk(store, actor=getattr(args, "actor", None) or _default_actor(),
                today_override=getattr(args, "today", None))
    try:
        yield desk
    finally:
        desk.close()


def ensure_demo_db(path: Path | str, cases: int = 3000, seed: int = 2026,
                   progress: Callable[[str, float], None] | None = None) -> Path:
    """The demo database at `path`, generated first when it does not exist.

    It is generated under a temporary name and renamed when complete, so an interrupted run never
    leaves a half-filled demo file behind. The GUI calls this for `--demo`.
    """
    from .services import demo
    from .services.context import Desk
    from .store.engine import open_store

    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.stem}.part{path.suffix}")
    _remove_database_files(temp)
    desk = Desk(open_store(temp), actor="演示数据")
    try:
        demo.generate(desk, cases=cases, seed=seed, progress=progress)
    except BaseException:
        desk.close()
        _remove_database_files(temp)
        raise
    desk.close()
    with closing(sqlite3.connect(str(temp))) as conn:  # fold the WAL into the file before renaming
        conn.execute("PRAGMA journal_mode=DELETE")
    os.replace(temp, path)
    return path


def _remove_database_files(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                      path.with_name(path.name + "-journal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def find_case(desk, number_or_id: str):
    """A case by its number (half-width brackets tolerated), archive number or id; CliError if none."""
    from .services import cases as case_service

    text = (number_or_id or "").strip()
    case = case_service.find_by_number(desk, text) if text else None
    if case is None and re.fullmatch(r"[0-9a-f]{32}", text):
        case = case_service.get_case(desk, text)
    if case is None:
        raise CliError(f"找不到编号为“{number_or_id}”的案件。可以用“{PROG} cases --search 关键词”查找编号。")
    return case


# --------------------------------------------------------------------------- init


def _configure_init(p: argparse.ArgumentParser) -> None:
    from .domain import vocabularies as vocab

    p.add_argument("--unit", required=True, metavar="NAME", help="单位名称，例如“青石镇人民调解委员会”")
    p.add_argument("--short", metavar="X", default=None,
                   help="编号中的简称，例如“青”（默认：已设置的简称，或单位名称的第一个字）")
    p.add_argument("--type", dest="unit_type", choices=vocab.codes("unit_type"), default=None,
                   help="单位类型（默认：已设置的类型，新建时为 village_committee）："
                        + "，".join(f"{i.code} {i.label}" for i in vocab.items("unit_type")))
    p.add_argument("--township", metavar="NAME", default="", help="所在乡镇（街道）")
    p.add_argument("--county", metavar="NAME", default="", help="所在县（区）")
    p.add_argument("--village", metavar="NAME", action="extend", nargs="+", default=[],
                   help="村（社区），可写多个：--village 东山村 西河村")


def _has_unit(desk) -> bool:
    from sqlalchemy import text

    with desk.read() as session:
        return session.execute(text("SELECT 1 FROM unit WHERE is_current = 1")).first() is not None


def _cmd_init(args: argparse.Namespace) -> int:
    from .domain import vocabularies as vocab
    from .services import organisation
    from .store.engine import schema_version

    existed = Path(args.db).exists()
    with open_desk(args, create=True) as desk:
        current = organisation.get_unit(desk) if _has_unit(desk) else None
        short = args.short if args.short is not None else (current.short_name if current else "")
        unit_type = args.unit_type or (current.unit_type if current else "village_committee")
        unit = organisation.init_unit(desk, args.unit, short, unit_type,
                                      township=args.township, county=args.county)
        parent_id = unit.area_id
        county = organisation.add_area(desk, args.county.strip(), "county") if args.county.strip() else None
        if args.township.strip():
            parent_id = organisation.add_area(desk, args.township.strip(), "township",
                                              county.id if county else None).id
        elif county is not None and parent_id is None:
            parent_id = county.id
        if parent_id and unit.area_id != parent_id and not unit.area_id:
            unit = organisation.update_unit(desk, area_id=parent_id)
        for name in args.village:
            if name.strip():
                organisation.add_area(desk, name.strip(), "village", parent_id)
        villages = [a.name for a in organisation.villages(desk)]
        version = schema_version(desk.store.engine)
        path = desk.store.path
    out = _out()
    print(f"{'已更新' if existed else '已创建'}数据文件：{path}", file=out)
    print(f"单位：{unit.name}（简称“{unit.short_name}”，{vocab.label('unit_type', unit.unit_type)}）", file=out)
    print(f"村（社区）：{'、'.join(villages) if villages else '（尚未添加）'}", file=out)
    print(f"数据版本：{version}", file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- demo


def _configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cases", type=_positive_int, default=2000, metavar="N", help="生成多少件案件（默认 2000）")
    p.add_argument("--seed", type=int, default=2026, metavar="S", help="随机种子，相同的种子生成相同的数据（默认 2026）")
    p.add_argument("--force", action="store_true", help="数据文件里已有案件时也追加演示数据")


def _count_cases(desk) -> int:
    from sqlalchemy import text

    with desk.read() as session:
        return int(session.execute(text('SELECT count(*) FROM "case"')).scalar() or 0)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .services import demo

    with open_desk(args, create=True) as desk:
        existing = _count_cases(desk)
        if existing and not args.force:
            raise CliError(f"数据文件里已经有 {existing} 件案件，为免和真实数据混在一起，没有生成演示数据。\n"
                           f"请用 --db 指定一个新文件；确实要追加时加 --force。")
        with progress_reporter() as bar:
            summary = demo.generate(desk, cases=args.cases, seed=args.seed, today=getattr(args, "today", None),
                                    progress=bar)
        total = _count_cases(desk)
        path = desk.store.path
    print(f"已生成演示数据：{path}", file=_out())
    described = _describe_demo(summary)
    if described:
        print(described, file=_out())
    print(f"数据文件中现有案件 {total} 件。", file=_out())
    return EXIT_OK


def _describe_demo(summary: Any) -> str:
    words = {"cases": "案件", "disputes": "矛盾纠纷", "petitions": "信访事项", "parties": "当事人",
             "events": "工作记录", "screening_rounds": "排查", "contracts": "领导包案",
             "risk_assessments": "风险评估", "assessments": "风险评估"}
    parts = []
    for attr, word in words.items():
        value = getattr(summary, attr, None)
        if isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"{word} {value}")
    return "本次生成：" + "，".join(parts) if parts else ""


# --------------------------------------------------------------------------- check


def _cmd_check(args: argparse.Namespace) -> int:
    from sqlalchemy import text

    from .store import models, search
    from .store.engine import integrity_check, make_engine, schema_version, sqlite_url
    from .store.errors import translate
    from .store.migrations import SCHEMA_VERSION

    path = Path(args.db)
    if not path.exists():
        raise CliError(f"找不到数据文件：{path}")
    if path.is_dir():
        raise CliError(f"“{path}”是一个文件夹，请指定数据文件。")
    info = search.sqlite_info()
    lines = [f"数据文件：{path}", f"文件大小：{_size_text(path.stat().st_size)}",
             f"SQLite 版本：{info['sqlite_version']}（{'支持' if info['fts5'] else '不支持'}全文检索 FTS5）"]
    problems: list[str] = []
    if not info["fts5"]:
        problems.append("本机的 SQLite 不支持全文检索（FTS5），案件搜索无法使用。")
    engine = make_engine(sqlite_url(path))
    try:
        try:
            found = integrity_check(engine)
        except Exception as error:  # an unreadable file: report it, do not crash
            translated = translate(error)
            found = [translated.message if translated else f"无法读取数据文件：{error}"]
        if found:
            lines.append(f"完整性检查：发现 {len(found)} 处问题")
            lines += [f"  - {p}" for p in found[:20]]
            problems.append("数据文件完整性检查未通过，可能已损坏。")
        else:
            lines.append("完整性检查：通过（含外键检查）")
        if not found:
            version = schema_version(engine)
            if version == SCHEMA_VERSION:
                lines.append(f"数据版本：{version}（与本程序一致）")
            elif version == 0:
                lines.append("数据版本：无")
                problems.append("数据文件没有版本信息，可能不是调解工作台的数据文件。")
            elif version < SCHEMA_VERSION:
                lines.append(f"数据版本：{version}（本程序为 {SCHEMA_VERSION}，下次打开时会自动升级）")
            else:
                lines.append(f"数据版本：{version}（比本程序支持的 {SCHEMA_VERSION} 新）")
                problems.append("数据文件由更新版本的程序创建，请升级程序。")
            with engine.connect() as conn:
                tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
                missing = [m.__tablename__ for m in models.ALL_TABLES if m.__tablename__ not in tables]
                if missing:
                    lines.append(f"数据表：缺少 {'、'.join(missing)}")
                    problems.append("数据文件缺少数据表。")
                else:
                    lines.append(f"数据表：齐全（{len(models.ALL_TABLES)} 个）")
                fts = [t for t in ("case_search", "party_search") if t not in tables]
                if fts:
                    lines.append(f"搜索索引：缺少 {'、'.join(fts)}")
                    problems.append("搜索索引不存在，案件搜索无法使用。")
                elif "case" in tables:
                    total = int(conn.execute(text('SELECT count(*) FROM "case"')).scalar() or 0)
                    indexed = int(conn.execute(text("SELECT count(*) FROM case_search_key")).scalar() or 0)
                    if search.index_is_complete(conn):
                        lines.append(f"搜索索引：正常（{indexed} 件案件）")
                    else:
                        lines.append(f"搜索索引：不完整（已索引 {indexed} 件，共 {total} 件）")
                        problems.append("搜索索引不完整，部分案件可能搜不到。")
                if "case" in tables:
                    by_kind = dict(conn.execute(text('SELECT kind, count(*) FROM "case" GROUP BY kind')).all())
                    total = sum(by_kind.values())
                    lines.append(f"案件：共 {total} 件（矛盾纠纷 {by_kind.get('dispute', 0)} 件，"
                                 f"信访事项 {by_kind.get('petition', 0)} 件）")
                if "unit" in tables:
                    unit = conn.execute(text("SELECT name FROM unit WHERE is_current = 1")).first()
                    lines.append(f"本单位：{unit[0] if unit else '（尚未设置）'}")
    finally:
        engine.dispose()
    if problems:
        lines.append(f"结论：发现 {len(problems)} 个问题。")
        lines += [f"  {n}. {p}" for n, p in enumerate(problems, 1)]
        if any("损坏" in p for p in problems):
            lines.append(f"建议：不要继续写入这个文件，用“{PROG} restore 备份文件”从最近的备份恢复。")
    else:
        lines.append("结论：未发现问题。")
    print("\n".join(lines), file=_out())
    return EXIT_PROBLEMS if problems else EXIT_OK


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


# --------------------------------------------------------------------------- backup / restore


def _configure_backup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", metavar="DIR", type=Path, default=None,
                   help="备份到这个文件夹（默认：数据文件夹中的 backups）")


def _cmd_backup(args: argparse.Namespace) -> int:
    from .store import backup

    store = _open_store(Path(args.db), create=False)
    try:
        with progress_reporter() as bar:
            target = backup.backup_now(store, args.to, reason=backup.REASON_MANUAL,
                                       progress=bar.fraction_only("备份"))
    finally:
        store.close()
    print(f"已备份到：{target}", file=_out())
    print(f"文件大小：{_size_text(target.stat().st_size)}", file=_out())
    return EXIT_OK


def _configure_restore(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=Path, help="备份文件（.sqlite）")


def _cmd_restore(args: argparse.Namespace) -> int:
    from .store import backup

    source = Path(args.file)
    if not source.exists():
        raise CliError(f"找不到备份文件：{source}")
    target = Path(args.db)
    safety = backup.restore(target, source, actor=args.actor)
    print(f"已从备份恢复：{source}", file=_out())
    print(f"数据文件：{target}", file=_out())
    if safety:
        print(f"恢复前的数据已另存为：{safety}", file=_out())
    else:
        print("原来没有数据文件，不需要保留恢复前的副本。", file=_out())
    return EXIT_OK


# --------------------------------------------------------------------------- cases


def _configure_cases(p: argparse.ArgumentParser) -> None:
    from .services.register import SORT_KEYS

    p.add_argument("--search", metavar="TEXT", default="",
                   help="搜索：姓名、村名、事由、编号、身份证号或电话的任意片段，也可以是拼音首字母（如 zs）")
    p.add_argument("--kind", choices=("dispute", "petition"), default=None,
                   help="只看矛盾纠纷（dispute）或信访事项（petition）")
    p.add_argument("--status", metavar="S", action="append", default=[],
                   help="状态代码或名称，可重复，例如 --status mediating --status 已受理")
    p.add_argument("--category", metavar="C", default=None, help="类别代码或名称（含其下的小类），例如 neighbour 或 邻里")
    p.add_argument("--area", metavar="NAME", default=None, help="村（社区）名称，包括其下的组和网格")
    p.add_argument("--overdue", action="store_true", help="只看已超过期限的")
    p.add_argument("--due-within", dest="due_within", metavar="DAYS", type=_non_negative_int, default=None,
                   help="只看 DAYS 天内到期的")
    p.add_argument("--month", metavar="YYYY-MM", default=None, help="只看这个月受理的，例如 2026-11")
    p.add_argument("--include-voided", dest="include_voided", action="store_true", help="包括已作废的案件")
    p.add_argument("--limit", metavar="N", type=_positive_int, default=None, help="最多列出 N 件")
    p.add_argument("--sort", choices=sorted(SORT_KEYS), default="received_on", metavar="KEY",
                   help="排序方式（默认 received_on 受理日期）：" + "、".join(sorted(SORT_KEYS)))
    p.add_argument("--asc", action="store_true", help="从早到晚（升序）排列")
    p.add_argument("--json", action="store_true", help="输出 JSON 数组（UTF-8），便于其他程序读取")


def _vocab_lookup(labels: dict[str, dict[str, str]], vocabularies: Sequence[str], value: str) -> set[str]:
    """Codes matching `value` (a code or a label) in the given vocabularies."""
    wanted = value.strip()
    found = set()
    for name in vocabularies:
        table = labels.get(name, {})
        if wanted in table:
            found.add(wanted)
        found.update(code for code, label in table.items() if label == wanted)
    return found


def case_filter_from_args(desk, args: argparse.Namespace):
    """Build a `CaseFilter` from the `cases` options (also for extension commands that reuse them)."""
    from .services import organisation, register
    from .services import vocab as vocab_service

    labels = vocab_service.all_labels(desk)
    kind = getattr(args, "kind", None)
    statuses: list[str] = []
    status_vocabs = [f"{kind}_status"] if kind else ["dispute_status", "petition_status"]
    for value in getattr(args, "status", []) or []:
        codes = _vocab_lookup(labels, status_vocabs, value)
        if not codes:
            allowed = "、".join(f"{c}（{l}）" for v in status_vocabs for c, l in labels.get(v, {}).items())
            raise CliError(f"状态“{value}”无效。可用的状态：{allowed}")
        statuses += sorted(codes)
    category = getattr(args, "category", None)
    if category:
        codes = _vocab_lookup(labels, ["category"], category)
        if not codes:
            raise CliError(f"类别“{category}”无效。可用“代码”或名称，例如 neighbour 或 "
                           f"{labels.get('category', {}).get('neighbour', '邻里')}。")
        category = sorted(codes)[0]
    area_id = None
    area_name = getattr(args, "area", None)
    if area_name:
        areas = [a for a in organisation.list_areas(desk, active_only=False) if a.name == area_name.strip()]
        villages = [a for a in areas if a.level == "village"]
        chosen = villages or areas
        if not chosen:
            raise CliError(f"找不到名为“{area_name}”的村（社区）。")
        if len(chosen) > 1:
            raise CliError(f"有 {len(chosen)} 个地区都叫“{area_name}”，请改用村（社区）名称筛选。")
        area_id = chosen[0].id
    month = getattr(args, "month", None)
    if month:
        register.parse_month(month)  # refuses "2026-13" with a Chinese message
        if not re.fullmatch(r"\d{4}-\d{1,2}", month.strip()):
            raise CliError(f"月份“{month}”格式不正确，应为 2026-11 这样的格式。")
    return register.CaseFilter(
        text=getattr(args, "search", "") or "", kind=kind, category=category, statuses=statuses,
        area_id=area_id, overdue=bool(getattr(args, "overdue", False)),
        due_within_days=getattr(args, "due_within", None), month=month.strip() if month else None,
        include_voided=bool(getattr(args, "include_voided", False)),
    )


def _case_rows(desk, filt, args) -> Iterator[Any]:
    from .services import register

    descending = not getattr(args, "asc", False)
    if args.limit is not None:
        yield from register.query_cases(desk, filt, sort=args.sort, descending=descending, limit=args.limit)
    else:
        yield from register.iter_cases(desk, filt, sort=args.sort, descending=descending)


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10] if not isinstance(value, datetime) else value.isoformat()
    return str(value)[:10]


def case_records(desk, rows: Iterable[Any], labels: dict[str, dict[str, str]] | None = None) -> Iterator[dict]:
    """JSON-ready dicts for register rows (the `cases --json` shape), in batches of 500."""
    from sqlmodel import select

    from .services import deadlines as deadline_service
    from .services import register
    from .services import vocab as vocab_service
    from .store.models import Case

    labels = labels if labels is not None else vocab_service.all_labels(desk)
    rules, calendar = deadline_service.rules_and_calendar(desk)
    today = desk.today()
    for batch in _batched(rows, 500):
        ids = [r.id for r in batch]
        parties = register.parties_of(desk, ids)
        leaders = register.leaders_of(desk, ids)
        with desk.read() as session:
            cases = {c.id: c for c in session.exec(select(Case).where(Case.id.in_(ids)))}
        for row in batch:
            case = cases.get(row.id)
            kind_status = labels.get(f"{row.kind}_status", {})
            days_left = row.days_left(today)
            leader = leaders.get(row.id)
            clock = deadline_service.clock(case, rules, calendar) if case is not None else {}
            yield {
                "id": row.id,
                "number": row.number,
                "kind": row.kind,
                "kind_label": labels.get("case_kind", {}).get(row.kind, row.kind),
                "category": row.category,
                "category_label": labels.get("category", {}).get(row.category, row.category),
                "subcategory": row.subcategory or None,
                "subcategory_label": labels.get("category", {}).get(row.subcategory) if row.subcategory else None,
                "title": row.title,
                "status": row.status,
                "status_label": kind_status.get(row.status, row.status),
                "area": row.area_name or None,
                "source": (case.source or None) if case is not None else None,
                "received_on": _iso(row.received_on),
                "accepted_on": _iso(row.accepted_on),
                "due_on": _iso(row.due_on),
                "closed_on": _iso(row.closed_on),
                "days_left": days_left,
                "overdue": days_left is not None and days_left < 0,
                "risk_level": row.risk_grade or None,
                "risk_colour": row.risk_colour or None,
                "people_involved": case.people_involved if case is not None else None,
                "is_group": bool(case.is_group) if case is not None else False,
                "voided": row.voided,
                "mediator": row.mediator_name or None,
                "parties": [
                    {"role": p["role"], "role_label": labels.get("party_role", {}).get(p["role"], p["role"]),
                     "name": p["name"], "id_number": p["id_number"], "phone": p["phone"] or None}
                    for p in parties.get(row.id, [])
                ],
                "leader": None if leader is None else {
                    "name": leader["name"], "post": leader["post"] or None, "status": leader["status"],
                    "status_label": labels.get("contract_status", {}).get(leader["status"], leader["status"]),
                    "deadline_on": _iso(leader["deadline_on"]), "number": leader.get("number") or None,
                },
                "deadlines": {key: _iso(value) for key, value in clock.items()},
            }


def _deadline_text(row, today: date) -> str:
    if row.due_on is None:
        return ""
    days = (row.due_on - today).days
    if days < 0:
        return f"{row.due_on.isoformat()} 超期{-days}天"
    if days == 0:
        return f"{row.due_on.isoformat()} 今天到期"
    return f"{row.due_on.isoformat()} 剩{days}天"


def _cmd_cases(args: argparse.Namespace) -> int:
    from .services import register
    from .services import vocab as vocab_service

    with open_desk(args) as desk:
        filt = case_filter_from_args(desk, args)
        rows = _case_rows(desk, filt, args)
        if args.json:
            write_json_array(case_records(desk, rows))
            return EXIT_OK
        labels = vocab_service.all_labels(desk)
        total = register.count_cases(desk, filt)
        today = desk.today()
        table = []
        for row in rows:
            status = labels.get(f"{row.kind}_status", {}).get(row.status, row.status)
            if row.voided:
                status += "（已作废）"
            table.append([
                row.number,
                "纠纷" if row.kind == "dispute" else "信访",
                truncate(labels.get("category", {}).get(row.category, row.category), 10),
                truncate(row.title, 24),
                truncate(row.party_names, 16),
                truncate(row.area_name, 10),
                _iso(row.received_on) or "",
                status,
                _deadline_text(row, today),
            ])
    if not table:
        print("没有符合条件的案件。", file=_out())
        return EXIT_OK
    print_table(["编号", "类型", "类别", "事由", "当事人", "村", "受理日期", "状态", "期限"], table)
    shown = f"，列出 {len(table)} 件" if len(table) < total else ""
    print(f"共 {total} 件{shown}。", file=_out())
    return EXIT_OK


# --------------------------------------------------------------------------- export / import


_TABLE_WORDS_SHOWN = ("case", "party", "case_event", "leader_contract", "risk_assessment", "audit_entry")


def _configure_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE.json", type=Path, help="导出到这个文件（已存在时覆盖）")


def _cmd_export(args: argparse.Namespace) -> int:
    from .interop import exchange

    with open_desk(args) as desk:
        with progress_reporter() as bar:
            summary = exchange.export_all(desk, args.file, progress=bar)
    parts = [f"{exchange.TABLE_LABELS[t]} {summary.counts.get(t, 0)}" for t in _TABLE_WORDS_SHOWN]
    print(f"已导出到：{summary.path}", file=_out())
    print(f"共 {summary.total} 条记录（{'，'.join(parts)} …），{_size_text(summary.size)}。", file=_out())
    print(f"格式：{exchange.FORMAT}，数据版本 {summary.schema_version}。", file=_out())
    return EXIT_OK


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE.json", type=Path, help="要导入的交换文件（由 export 导出）")
    p.add_argument("--dry-run", dest="dry_run", action="store_true", help="只检查文件并统计，不写入任何数据")


def _cmd_import(args: argparse.Namespace) -> int:
    from .interop import exchange

    source = Path(args.file)
    if not source.exists():
        raise CliError(f"找不到要导入的文件：{source}")
    with open_desk(args, create=True) as desk:
        with progress_reporter() as bar:
            summary = exchange.import_file(desk, source, progress=bar, dry_run=args.dry_run)
    out = _out()
    unit = (summary.source_unit or {}).get("name") or "（未记载）"
    head = "检查完毕（未写入任何数据）" if summary.dry_run else "导入完成"
    print(f"{head}：{source}", file=out)
    print(f"来源单位：{unit}；导出时间：{summary.exported_at or '（未记载）'}", file=out)
    rows = [[f"{exchange.TABLE_LABELS.get(name, name)}（{name}）", r.inserted, r.updated, r.skipped, r.kept]
            for name, r in summary.tables.items() if r.total]
    if rows:
        print_table(["数据表", "新增", "更新", "相同跳过", "保留本地"], rows)
    verb = "将" if summary.dry_run else "已"
    print(f"合计：{verb}新增 {summary.inserted} 条，{verb}更新 {summary.updated} 条，"
          f"相同跳过 {summary.skipped} 条，本地较新保留 {summary.kept} 条。", file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- running


register_command("init", _configure_init, _cmd_init, help="创建或升级数据文件，设置本单位（可重复运行）")
register_command("demo", _configure_demo, _cmd_demo, help="生成演示数据（案件、当事人、排查、包案等）")
register_command("check", None, _cmd_check, help="检查数据文件：完整性、数据版本、搜索索引")
register_command("backup", _configure_backup, _cmd_backup, help="立即备份数据文件")
register_command("restore", _configure_restore, _cmd_restore,
                 help="从备份恢复（当前数据先另存一份）",
                 description="从备份恢复：先检查备份文件，再把当前数据另存为副本，然后恢复。不会询问确认。")
register_command("cases", _configure_cases, _cmd_cases, help="列出、筛选、搜索案件（可输出 JSON）")
register_command("export", _configure_export, _cmd_export, help="把全部数据导出为 JSON 交换文件")
register_command("import", _configure_import, _cmd_import,
                 help="导入 JSON 交换文件（全部成功或全部不导入，重复导入不会产生重复数据）")


def _log_internal_error(args: argparse.Namespace, command: str, text: str) -> Path | None:
    """Write the traceback to the log file the app configured (else to the data folder's log,
    never to the console); returns the file's path, None when nothing could be written."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) != Path(os.devnull):
            log.error("internal error in %s\n%s", command, text)
            return Path(handler.baseFilename)
    try:
        folder = datadir.data_dir(bool(getattr(args, "portable", False)))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "mediation-desk.log"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now().isoformat(timespec='seconds')} ERROR {PROG}\n{text}\n")
        return path
    except OSError:
        return None


def _silence_stdout() -> None:
    """After a closed pipe (`… | head`): send the rest of the output nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def run(args: argparse.Namespace) -> int:
    """Run the subcommand named by `args.command`; returns the exit code (never raises for a
    user's mistake or an environmental problem)."""
    from .domain.errors import DomainError
    from .interop.exchange import ExchangeError
    from .services.context import ServiceError
    from .store.errors import StoreError, translate

    _utf8_streams()
    if getattr(args, "db", None) is None or not hasattr(args, "db_explicit"):
        _finish_namespace(args)
    command = COMMANDS.get(getattr(args, "command", None) or "")
    if command is None:
        note(f"错误：未知的命令“{getattr(args, 'command', '')}”。用 {PROG} --help 查看可用的命令。")
        return EXIT_REFUSED
    try:
        code = command.handler(args)
        _out().flush()
        return EXIT_OK if code is None else int(code)
    except CliError as error:
        note(f"错误：{error.message}")
        return error.code
    except ExchangeError as error:
        lines = error.report()
        note(f"错误：{lines[0]}")
        for line in lines[1:]:
            note(line)
        return EXIT_REFUSED
    except StoreError as error:
        log.info("%s refused: %s (%s)", command.name, error.message, error.detail)
        note(f"错误：{error.message}")
        return EXIT_REFUSED
    except (ServiceError, DomainError) as error:
        note(f"错误：{error}")
        return EXIT_REFUSED
    except KeyboardInterrupt:
        note("已取消。")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as error:
        translated = translate(error)
        if translated is not None:
            note(f"错误：{translated.message}")
        else:
            where = f"“{error.filename}”" if error.filename else ""
            note(f"错误：文件操作失败{where}：{error.strerror or error}")
        log.info("%s failed: %s", command.name, error)
        return EXIT_REFUSED
    except Exception as error:  # a bug: log the traceback, tell the user where it is
        text = traceback.format_exc()
        path = _log_internal_error(args, command.name, text)
        where = f"详细信息已写入日志文件：{path}" if path else "日志文件无法写入"
        note(f"程序内部错误（{type(error).__name__}），操作没有完成。这不是您的操作问题，请把日志文件发给技术支持。{where}")
        return EXIT_INTERNAL


__all__ = [
    "COMMANDS", "CliError", "Command", "EXTENSION_MODULES", "ProgressBar", "build_parser",
    "case_filter_from_args", "case_records", "display_width", "ensure_demo_db", "find_case", "note",
    "open_desk", "print_table", "progress_reporter", "register_command", "run", "truncate", "write_json",
    "write_json_array",
]
