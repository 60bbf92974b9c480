"""JSON exchange format "mediation-desk-exchange/1": every table, losslessly, in one file.

The format is described for people in docs/exchange-format.md; this module is its reference
implementation. In short:

- one UTF-8 JSON object with a header (format, schema version, export time, exporting unit, row
  counts) and `tables`: for every table of `store.models.ALL_TABLES`, a list of row objects keyed
  by column name. The search index is not exported: it is derived data and rebuilt on import.
- values: text, integers, numbers and booleans as JSON; dates "YYYY-MM-DD"; moments ISO 8601
  with their UTC offset; JSON columns (lists, objects) as nested JSON; null for empty.
- import is a merge by primary key (UUIDs), all-or-nothing, validated before anything is written,
  so importing the same file twice changes nothing the second time.

Imports flow one way: this module knows the store (tables, search index, audit trail) and the
domain rules it validates with, never the services or any user interface. It takes the service
layer's `Desk` only as "an open store plus who is working".
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import and_, func, select, text, types
from sqlalchemy.engine import Connection

from .. import __version__
from ..domain import vocabularies as vocab
from ..domain.idcard import check_id_number
from ..store import audit, models, search

if TYPE_CHECKING:  # pragma: no cover
    from ..services.context import Desk

log = logging.getLogger(__name__)

FORMAT_NAME = "mediation-desk-exchange"
FORMAT_VERSION = 1
FORMAT = f"{FORMAT_NAME}/{FORMAT_VERSION}"

#: At most this many row problems are collected (the file is refused anyway).
MAX_PROBLEMS = 200
_CHUNK = 500  # ids per IN (...) list: below the 999-variable limit of old SQLite builds
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMAT_RE = re.compile(r"^mediation-desk-exchange/(\d+)$")

Progress = Callable[[str, float], None]

TABLE_LABELS: dict[str, str] = {
    "area": "地区",
    "unit": "单位",
    "staff": "工作人员",
    "party": "当事人",
    "case": "案件",
    "case_party": "案件当事人",
    "case_event": "工作记录",
    "attachment": "附件",
    "screening_round": "排查",
    "screening_entry": "排查事项",
    "leader_contract": "领导包案",
    "contract_progress": "包案进展",
    "risk_assessment": "风险评估",
    "number_sequence": "编号序列",
    "generated_document": "文书登记",
    "setting": "设置",
    "vocab_entry": "词表",
    "audit_entry": "操作记录",
}

# How rows that already exist in the target are merged (see docs/exchange-format.md).
MERGE_NEWER = "newer_wins"  # by primary key; replaced only when the file's updated_at is newer
MERGE_MAX = "max"  # number_sequence: the larger last_value wins (numbers are never reused)
MERGE_KEEP = "keep_local"  # vocab_entry: missing entries are added, existing ones kept
MERGE_APPEND = "append_only"  # audit_entry: missing entries are added, existing never changed

_KIND_WORDS = {
    "str": "文本", "int": "整数", "float": "数字", "bool": "true 或 false", "date": "日期",
    "datetime": "带时区的时间", "json": "JSON 值",
}


# --------------------------------------------------------------------------- errors and results


class ExchangeError(ValueError):
    """The file cannot be exported or imported; `str()` is a Chinese sentence for the user.

    `problems` lists the row-level problems found while validating an import (nothing was written).
    """

    def __init__(self, message: str, problems: Sequence["RowProblem"] = (), *, more: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.more = more  # problems found beyond MAX_PROBLEMS

    def __str__(self) -> str:
        return self.message

    def report(self, limit: int = 20) -> list[str]:
        """The message and up to `limit` problems as lines of Chinese text."""
        lines = [self.message]
        lines += [f"  {p}" for p in self.problems[:limit]]
        rest = len(self.problems) - limit + self.more
        if rest > 0:
            lines.append(f"  ……另有 {rest} 处问题未列出。")
        return lines


@dataclass(frozen=True)
class RowProblem:
    table: str
    index: int  # 1-based position of the row in the file's list for that table (0: whole table)
    row_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{TABLE_LABELS.get(self.table, self.table)}（{self.table}）"
        if self.index:
            where += f"第 {self.index} 条"
        if self.row_id:
            where += f"（id {self.row_id}）"
        if self.field:
            where += f" 字段 {self.field}"
        return f"{where}：{self.message}"


@dataclass
class ExportSummary:
    path: Path
    exported_at: str
    schema_version: int
    counts: dict[str, int]
    size: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class TableResult:
    inserted: int = 0  # new rows
    updated: int = 0  # existing rows replaced by a newer version from the file
    skipped: int = 0  # identical rows already present
    kept: int = 0  # rows that differ, where the local version was kept (newer or local policy)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.skipped + self.kept


@dataclass
class ImportSummary:
    path: Path
    format: str
    schema_version: int
    exported_at: str
    source_unit: dict | None
    tables: dict[str, TableResult] = field(default_factory=dict)
    dry_run: bool = False
    reindexed_cases: int = 0

    def _sum(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.tables.values())

    @property
    def inserted(self) -> int:
        return self._sum("inserted")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def skipped(self) -> int:
        return self._sum("skipped")

    @property
    def kept(self) -> int:
        return self._sum("kept")

    def counts(self) -> dict[str, dict[str, int]]:
        return {name: {"inserted": r.inserted, "updated": r.updated, "skipped": r.skipped, "kept": r.kept}
                for name, r in self.tables.items() if r.total}


# --------------------------------------------------------------------------- table descriptions


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # str | int | float | bool | date | datetime | json
    nullable: bool
    required: bool  # must be present in every row of the file
    primary_key: bool
    references: str | None  # referenced table (foreign key to its primary key)
    default: Callable[[], Any] | None  # value for a missing optional field
    json_shape: type | None = None  # list / dict for JSON columns that are never null


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type
    columns: dict[str, ColumnSpec]
    primary_key: tuple[str, ...]
    merge: str
    unique_keys: tuple[tuple[str, ...], ...]

    @property
    def table(self):
        return self.model.__table__

    @property
    def label(self) -> str:
        return TABLE_LABELS.get(self.name, self.name)

    def key_of(self, row: dict) -> tuple:
        return tuple(row.get(c) for c in self.primary_key)

    def key_text(self, row: dict) -> str:
        return "/".join(str(row.get(c, "")) for c in self.primary_key)


def _column_kind(column) -> str:
    sa_type = column.type
    if isinstance(sa_type, types.TypeDecorator):
        impl = sa_type.impl
        sa_type = impl if isinstance(impl, types.TypeEngine) else impl()
    if isinstance(sa_type, types.Boolean):
        return "bool"
    if isinstance(sa_type, types.JSON):
        return "json"
    if isinstance(sa_type, types.DateTime):
        return "datetime"
    if isinstance(sa_type, types.Date):
        return "date"
    if isinstance(sa_type, types.Integer):
        return "int"
    if isinstance(sa_type, (types.Float, types.Numeric)):
        return "float"
    if isinstance(sa_type, types.String):
        return "str"
    raise TypeError(f"exchange format has no encoding for column {column} of type {column.type!r}")


def _default_of(model, name: str) -> tuple[bool, Callable[[], Any] | None]:
    """(required, default factory) of a model field."""
    info = model.model_fields.get(name)
    if info is None:
        return True, None
    if info.is_required():
        return True, None
    if info.default_factory is not None:
        return False, info.default_factory
    value = info.default
    return False, (lambda: value)


def _merge_policy(model) -> str:
    name = model.__tablename__
    if name == "number_sequence":
        return MERGE_MAX
    if name == "audit_entry":
        return MERGE_APPEND
    if "updated_at" in model.__table__.columns:
        return MERGE_NEWER
    return MERGE_KEEP


@lru_cache(maxsize=1)
def _specs() -> tuple[TableSpec, ...]:
    specs = []
    for model in models.ALL_TABLES:
        table = model.__table__
        refs = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        pk = tuple(c.name for c in table.primary_key.columns)
        columns: dict[str, ColumnSpec] = {}
        for column in table.columns:
            kind = _column_kind(column)
            required, default = _default_of(model, column.name)
            if column.primary_key or column.name == "updated_at":
                required = True
            shape = None
            if kind == "json" and not column.nullable and default is not None:
                sample = default()
                shape = type(sample) if isinstance(sample, (list, dict)) else None
            columns[column.name] = ColumnSpec(
                name=column.name, kind=kind, nullable=bool(column.nullable) and not column.primary_key,
                required=required, primary_key=bool(column.primary_key), references=refs.get(column.name),
                default=default, json_shape=shape,
            )
        uniques: list[tuple[str, ...]] = []
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "UniqueConstraint":
                uniques.append(tuple(c.name for c in constraint.columns))
        for index in table.indexes:
            if index.unique:
                uniques.append(tuple(c.name for c in index.columns))
        specs.append(TableSpec(name=table.name, model=model, columns=columns, primary_key=pk,
                               merge=_merge_policy(model), unique_keys=tuple(uniques)))
    return tuple(specs)


def table_specs() -> tuple[TableSpec, ...]:
    """The exchanged tables in dependency order (referenced tables first)."""
    return _specs()


# --------------------------------------------------------------------------- values


def encode_value(spec: ColumnSpec, value: Any) -> Any:
    """A column value (as SQLAlchemy returns it) → its JSON form."""
    if value is None:
        return None
    if spec.kind == "datetime":
        if value.tzinfo is None:  # stored without offset: the store keeps UTC
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if spec.kind == "date":
        return value.isoformat()
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "float":
        return float(value)
    return value


class _Bad(Exception):
    """A value that does not fit its column (message in Chinese)."""


def decode_value(spec: ColumnSpec, value: Any) -> Any:
    """A JSON value from the file → the Python value to store; raises _Bad with a Chinese reason."""
    if value is None:
        if not spec.nullable:
            raise _Bad("不能为空")
        return None
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str):
            raise _Bad(f"应为文本，实际是 {_json_repr(value)}")
        if (spec.primary_key or spec.references) and not value.strip():
            raise _Bad("不能为空")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"应为整数，实际是 {_json_repr(value)}")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"应为数字，实际是 {_json_repr(value)}")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _Bad(f"应为 true 或 false，实际是 {_json_repr(value)}")
        return value
    if kind == "date":
        if not isinstance(value, str) or not _DATE_RE.match(value):
            raise _Bad(f"日期 {_json_repr(value)} 格式不正确，应为 2026-11-27 这样的格式")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Bad(f"日期 {_json_repr(value)} 不存在") from None
    if kind == "datetime":
        if not isinstance(value, str):
            raise _Bad(f"时间 {_json_repr(value)} 格式不正确，应为 2026-11-27T08:30:00+08:00 这样的格式")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _Bad(f"时间 {_json_repr(value)} 格式不正确，应为 2026-11-27T08:30:00+08:00 这样的格式") from None
        if moment.utcoffset() is None:
            raise _Bad(f"时间 {_json_repr(value)} 缺少时区（应写成 2026-11-27T08:30:00+08:00）")
        return moment.astimezone(timezone.utc)
    if kind == "json":
        if spec.json_shape is list and not isinstance(value, list):
            raise _Bad(f"应为 JSON 数组，实际是 {_json_repr(value)}")
        if spec.json_shape is dict and not isinstance(value, dict):
            raise _Bad(f"应为 JSON 对象，实际是 {_json_repr(value)}")
        return value
    raise _Bad(f"无法识别的字段类型 {kind}")  # pragma: no cover


def _json_repr(value: Any, limit: int = 40) -> str:
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        if a.tzinfo is None:
            a = a.replace(tzinfo=timezone.utc)
        if b.tzinfo is None:
            b = b.replace(tzinfo=timezone.utc)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is not None and b is not None and bool(a) == bool(b)
    return a == b


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _schema_version(conn: Connection) -> int:
    if conn.dialect.name == "sqlite":
        return int(conn.execute(text("PRAGMA user_version")).scalar() or 0)
    row = conn.execute(text("SELECT value FROM setting WHERE key='schema_version'")).first()
    try:
        return int(json.loads(row[0])) if row else 0
    except (TypeError, ValueError):
        return int(row[0]) if row else 0


# --------------------------------------------------------------------------- export


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def export_all(desk: "Desk", path: Path | str, progress: Progress | None = None) -> ExportSummary:
    """Write every row of every table to `path` (written to a temporary name, then renamed).

    Reads one consistent snapshot of the database. `progress(phase, fraction)` is called while
    rows are written. Raises ExchangeError (Chinese message) when the file cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise ExchangeError(f"“{path}”是一个文件夹，请给出要保存的文件名，例如 交换数据.json。")
    if not path.parent.exists():
        raise ExchangeError(f"文件夹“{path.parent}”不存在，无法保存导出文件。")
    specs = table_specs()
    exported_at = datetime.now().astimezone().replace(microsecond=0).isoformat()
    temp = path.with_name(f".{path.name}.part{os.getpid()}")
    counts: dict[str, int] = {}
    try:
        with desk.store.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")  # one read snapshot for the whole export (WAL)
            try:
                for spec in specs:
                    counts[spec.name] = int(conn.execute(select(func.count()).select_from(spec.table)).scalar() or 0)
                unit_row = conn.execute(
                    select(models.Unit.__table__).where(models.Unit.__table__.c.is_current == True)  # noqa: E712
                ).mappings().first()
                header = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "schema_version": _schema_version(conn),
                    "exported_at": exported_at,
                    "exported_by": desk.actor,
                    "app": f"mediation-desk {__version__}",
                    "unit": None if unit_row is None else {
                        "id": unit_row["id"], "name": unit_row["name"], "short_name": unit_row["short_name"],
                        "unit_type": unit_row["unit_type"],
                    },
                    "counts": counts,
                }
                total = max(1, sum(counts.values()))
                done = 0
                with open(temp, "w", encoding="utf-8", newline="\n") as out:
                    out.write("{\n")
                    for key, value in header.items():
                        out.write(f" {_dump(key)}: {_dump(value)},\n")
                    out.write(' "tables": {')
                    for t_index, spec in enumerate(specs):
                        out.write("," if t_index else "")
                        out.write(f"\n  {_dump(spec.name)}: [")
                        columns = list(spec.columns.values())
                        order = [spec.table.c[c] for c in spec.primary_key]
                        result = conn.execute(select(spec.table).order_by(*order))
                        first = True
                        for row in result:
                            data = row._mapping
                            record = {c.name: encode_value(c, data[c.name]) for c in columns}
                            out.write(("\n" if first else ",\n") + "   " + _dump(record))
                            first = False
                            done += 1
                            if progress is not None and done % 500 == 0:
                                progress("导出数据", done / total)
                        out.write("\n  ]" if not first else "]")
                    out.write("\n }\n}\n")
                    out.flush()
                    os.fsync(out.fileno())
            finally:
                conn.rollback()
        os.replace(temp, path)
    except OSError as error:
        _remove_quietly(temp)
        raise ExchangeError(f"无法写入导出文件“{path}”：{error.strerror or error}") from error
    except BaseException:
        _remove_quietly(temp)
        raise
    if progress is not None:
        progress("导出数据", 1.0)
    summary = ExportSummary(path=path, exported_at=exported_at, schema_version=header["schema_version"],
                            counts=counts, size=path.stat().st_size)
    log.info("exported %d rows to %s", summary.total, path)
    return summary


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# --------------------------------------------------------------------------- reading a file


def read_document(path: Path | str) -> dict:
    """Load and check the envelope of an exchange file; raises ExchangeError in Chinese."""
    path = Path(path)
    if not path.exists():
        raise ExchangeError(f"找不到要导入的文件：{path}")
    if path.is_dir():
        raise ExchangeError(f"“{path}”是一个文件夹，请选择导出的 .json 文件。")
    try:
        with open(path, "r", encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except UnicodeDecodeError:
        raise ExchangeError(f"文件“{path.name}”不是 UTF-8 编码的文本，不是调解工作台的交换文件。") from None
    except json.JSONDecodeError as error:
        raise ExchangeError(
            f"文件“{path.name}”不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列附近），"
            "可能不完整或已损坏。") from None
    except OSError as error:
        raise ExchangeError(f"无法读取文件“{path}”：{error.strerror or error}") from error
    check_envelope(document, path.name)
    return document


def check_envelope(document: Any, name: str = "") -> None:
    from ..store.migrations import SCHEMA_VERSION

    what = f"文件“{name}”" if name else "文件"
    if not isinstance(document, dict) or "format" not in document:
        raise ExchangeError(f"{what}不是调解工作台的交换文件（缺少 format 字段）。")
    fmt = document.get("format")
    match = _FORMAT_RE.match(fmt) if isinstance(fmt, str) else None
    if match is None:
        raise ExchangeError(f"{what}的格式“{fmt}”无法识别，不是调解工作台的交换文件。")
    version = int(match.group(1))
    if version > FORMAT_VERSION:
        raise ExchangeError(
            f"{what}使用更新的交换格式（版本 {version}，本程序支持到 {FORMAT_VERSION}），"
            "请先升级调解工作台再导入。没有导入任何数据。")
    schema = document.get("schema_version")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise ExchangeError(f"{what}缺少有效的数据版本（schema_version）。")
    if schema > SCHEMA_VERSION:
        raise ExchangeError(
            f"{what}由更新版本的调解工作台导出（数据版本 {schema}，本程序支持到 {SCHEMA_VERSION}），"
            "请先升级程序再导入。没有导入任何数据。")
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ExchangeError(f"{what}缺少 tables 部分，或格式不正确。")


# --------------------------------------------------------------------------- import


@dataclass
class _Incoming:
    index: int  # 1-based position in the file
    values: dict[str, Any]
    action: str = ""  # insert | update | skip | keep


class _Planner:
    """Validates a document against the target database and decides what happens to each row."""

    def __init__(self, conn: Connection, document: dict, progress: Progress | None) -> None:
        self.conn = conn
        self.document = document
        self.progress = progress
        self.specs = table_specs()
        self.by_name = {s.name: s for s in self.specs}
        self.problems: list[RowProblem] = []
        self.more = 0
        self.rows: dict[str, list[_Incoming]] = {}
        # Primary keys of rows refused while decoding: other rows may refer to them without a
        # second, misleading "unknown reference" problem.
        self.refused_keys: dict[str, set] = {}
        self.results: dict[str, TableResult] = {s.name: TableResult() for s in self.specs}

    # ----------------------------------------------------------- problems

    def problem(self, table: str, index: int, row_id: str, field_name: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(table, index, row_id, field_name, message))
        else:
            self.more += 1

    # ----------------------------------------------------------- steps

    def run(self) -> None:
        tables = self.document["tables"]
        for name in tables:
            if name not in self.by_name:
                self.problem(name, 0, "", "", "不是调解工作台的数据表，无法导入（文件可能来自其他程序）")
        counts = self.document.get("counts")
        total = 0
        for spec in self.specs:
            raw = tables.get(spec.name, [])
            if not isinstance(raw, list):
                self.problem(spec.name, 0, "", "", "应为记录的列表")
                raw = []
            if isinstance(counts, dict) and spec.name in counts and counts[spec.name] != len(raw):
                self.problem(spec.name, 0, "", "",
                             f"文件头记载有 {counts[spec.name]} 条记录，实际只有 {len(raw)} 条，文件可能不完整")
            total += len(raw)
        done = 0
        for spec in self.specs:
            raw = tables.get(spec.name, [])
            if not isinstance(raw, list):
                continue
            self.rows[spec.name] = self._decode_table(spec, raw)
            done += len(raw)
            self._tick("检查数据", done / max(1, total) * 0.6)
        self._check_domain()
        self._tick("检查数据", 0.7)
        self._check_references()
        self._tick("检查数据", 0.8)
        self._classify()
        self._tick("检查数据", 0.9)
        self._check_unique_keys()
        self._tick("检查数据", 1.0)

    def _tick(self, phase: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(phase, min(1.0, fraction))

    def _decode_table(self, spec: TableSpec, raw: list) -> list[_Incoming]:
        decoded: list[_Incoming] = []
        seen: dict[tuple, int] = {}
        for index, row in enumerate(raw, start=1):
            if not isinstance(row, dict):
                self.problem(spec.name, index, "", "", f"应为一个 JSON 对象，实际是 {_json_repr(row)}")
                continue
            row_id = str(row.get("id", "")) if "id" in spec.columns else spec.key_text(row)
            values: dict[str, Any] = {}
            ok = True
            for key in row:
                if key not in spec.columns:
                    self.problem(spec.name, index, row_id, str(key), "不是这个数据表的字段（文件可能来自更新的版本）")
                    ok = False
            for column in spec.columns.values():
                if column.name not in row:
                    if column.required:
                        self.problem(spec.name, index, row_id, column.name, "缺少必填字段")
                        ok = False
                    else:
                        values[column.name] = column.default() if column.default else None
                    continue
                try:
                    values[column.name] = decode_value(column, row[column.name])
                except _Bad as bad:
                    self.problem(spec.name, index, row_id, column.name, str(bad))
                    ok = False
            if not ok:
                if len(spec.primary_key) == 1 and isinstance(row.get(spec.primary_key[0]), str):
                    self.refused_keys.setdefault(spec.name, set()).add(row[spec.primary_key[0]])
                continue
            key = spec.key_of(values)
            if key in seen:
                self.problem(spec.name, index, row_id, "/".join(spec.primary_key),
                             f"与本文件中第 {seen[key]} 条的主键重复")
                continue
            seen[key] = index
            decoded.append(_Incoming(index, values))
        return decoded

    def _vocab_codes(self, vocabulary: str) -> set[str]:
        codes = {r[0] for r in self.conn.execute(
            text("SELECT code FROM vocab_entry WHERE vocab = :v"), {"v": vocabulary})}
        codes.update(vocab.codes(vocabulary))
        codes.update(r.values["code"] for r in self.rows.get("vocab_entry", []) if r.values["vocab"] == vocabulary)
        return codes

    def _check_domain(self) -> None:
        for item in self.rows.get("party", []):
            v = item.values
            if v["kind"] not in ("person", "organisation"):
                self.problem("party", item.index, v["id"], "kind", f"当事人类型“{v['kind']}”无效，应为 person 或 organisation")
            if v.get("id_number") and v["kind"] == "person":
                check = check_id_number(v["id_number"])
                if not check.valid:
                    self.problem("party", item.index, v["id"], "id_number",
                                 f"身份证号“{v['id_number']}”无效：{check.error}")
                else:
                    v["id_number"] = check.normalized
        categories = self._vocab_codes("category")
        statuses = {"dispute": set(vocab.DISPUTE_STATUSES), "petition": set(vocab.PETITION_STATUSES)}
        for item in self.rows.get("case", []):
            v = item.values
            if v["kind"] not in statuses:
                self.problem("case", item.index, v["id"], "kind", f"案件类型“{v['kind']}”无效，应为 dispute 或 petition")
                continue
            if v["status"] not in statuses[v["kind"]]:
                self.problem("case", item.index, v["id"], "status",
                             f"状态“{v['status']}”不是{vocab.label('case_kind', v['kind'])}的有效状态")
            if v["category"] and v["category"] not in categories:
                self.problem("case", item.index, v["id"], "category", f"纠纷类别“{v['category']}”不在词表中")

    def _existing_keys(self, table: str, column: str, values: Iterable[Any]) -> set:
        wanted = sorted({v for v in values if v is not None})
        found: set = set()
        spec = self.by_name[table]
        col = spec.table.c[column]
        for chunk in _chunks(wanted):
            found.update(r[0] for r in self.conn.execute(select(col).where(col.in_(list(chunk)))))
        return found

    def _check_references(self) -> None:
        # referenced table → ids present in the file
        in_file: dict[str, set] = {}
        for spec in self.specs:
            if len(spec.primary_key) == 1:
                pk = spec.primary_key[0]
                in_file[spec.name] = {r.values[pk] for r in self.rows.get(spec.name, [])}
                in_file[spec.name] |= self.refused_keys.get(spec.name, set())
        missing_refs: dict[str, set] = {}
        for spec in self.specs:
            for column in spec.columns.values():
                if not column.references:
                    continue
                known = in_file.get(column.references, set())
                for item in self.rows.get(spec.name, []):
                    value = item.values.get(column.name)
                    if value is not None and value not in known:
                        missing_refs.setdefault(column.references, set()).add(value)
        present: dict[str, set] = {}
        for table, values in missing_refs.items():
            target = self.by_name[table]
            present[table] = self._existing_keys(table, target.primary_key[0], values)
        for spec in self.specs:
            for column in spec.columns.values():
                if not column.references:
                    continue
                known = in_file.get(column.references, set())
                there = present.get(column.references, set())
                for item in self.rows.get(spec.name, []):
                    value = item.values.get(column.name)
                    if value is not None and value not in known and value not in there:
                        ref_label = TABLE_LABELS.get(column.references, column.references)
                        self.problem(spec.name, item.index, self._row_id(spec, item), column.name,
                                     f"引用的{ref_label}（{column.references}）“{value}”在文件和当前数据中都不存在")

    @staticmethod
    def _row_id(spec: TableSpec, item: _Incoming) -> str:
        return str(item.values["id"]) if "id" in spec.columns else spec.key_text(item.values)

    def _load_existing(self, spec: TableSpec, items: list[_Incoming]) -> dict[tuple, dict]:
        table = spec.table
        existing: dict[tuple, dict] = {}
        if not items:
            return existing
        if len(spec.primary_key) == 1:
            col = table.c[spec.primary_key[0]]
            keys = [i.values[spec.primary_key[0]] for i in items]
            for chunk in _chunks(keys):
                for row in self.conn.execute(select(table).where(col.in_(list(chunk)))).mappings():
                    existing[(row[col.name],)] = dict(row)
        else:
            for row in self.conn.execute(select(table)).mappings():
                existing[tuple(row[c] for c in spec.primary_key)] = dict(row)
        return existing

    def _classify(self) -> None:
        current_units = {r[0] for r in self.conn.execute(
            text("SELECT id FROM unit WHERE is_current = 1"))}
        for spec in self.specs:
            items = self.rows.get(spec.name, [])
            existing = self._load_existing(spec, items)
            result = self.results[spec.name]
            for item in items:
                values = item.values
                if spec.name == "setting" and values["key"] == "schema_version":
                    item.action = "skip"  # belongs to the target database, never imported
                    result.skipped += 1
                    continue
                old = existing.get(spec.key_of(values))
                if spec.name == "unit":
                    if old is not None:
                        values["is_current"] = bool(old["is_current"])  # a local property
                    elif values["is_current"] and current_units:
                        values["is_current"] = False
                    elif values["is_current"]:
                        current_units.add(values["id"])
                if old is None:
                    item.action = "insert"
                    result.inserted += 1
                elif all(_same(values[c], old.get(c)) for c in spec.columns):
                    item.action = "skip"
                    result.skipped += 1
                elif spec.merge == MERGE_NEWER:
                    newer = _as_utc(values["updated_at"]) > _as_utc(old["updated_at"])
                    item.action = "update" if newer else "keep"
                    if newer:
                        result.updated += 1
                    else:
                        result.kept += 1
                elif spec.merge == MERGE_MAX:
                    if values["last_value"] > old["last_value"]:
                        item.action = "update"
                        result.updated += 1
                    else:
                        item.action = "keep"
                        result.kept += 1
                else:  # keep_local, append_only
                    item.action = "keep"
                    result.kept += 1

    def _check_unique_keys(self) -> None:
        for spec in self.specs:
            if not spec.unique_keys:
                continue
            written = [i for i in self.rows.get(spec.name, []) if i.action in ("insert", "update")]
            if not written:
                continue
            written_pks = {spec.key_of(i.values) for i in written}
            for key_columns in spec.unique_keys:
                owners: dict[tuple, list[tuple[str, Any]]] = {}
                cols = [spec.table.c[c] for c in spec.primary_key + key_columns]
                # Only rows sharing a key value with a written row can clash.
                first = key_columns[0]
                wanted = sorted({i.values[first] for i in written if i.values[first] is not None})
                for chunk in _chunks(wanted):
                    query = select(*cols).where(spec.table.c[first].in_(list(chunk)))
                    for row in self.conn.execute(query):
                        pk = tuple(row[:len(spec.primary_key)])
                        if pk in written_pks:
                            continue  # replaced by the file's version
                        key = tuple(row[len(spec.primary_key):])
                        owners.setdefault(key, []).append(("db", pk))
                for item in written:
                    key = tuple(item.values[c] for c in key_columns)
                    if any(v is None for v in key):
                        continue  # SQL unique keys allow repeated NULLs
                    owners.setdefault(key, []).append(("file", item))
                for key, holders in owners.items():
                    if len(holders) < 2:
                        continue
                    for origin, holder in holders:
                        if origin != "file":
                            continue
                        others = []
                        for other_origin, other in holders:
                            if other is holder:
                                continue
                            if other_origin == "db":
                                others.append(f"当前数据中的 id {'/'.join(map(str, other))}")
                            else:
                                others.append(f"本文件第 {other.index} 条")
                        shown = "、".join(f"{c}={key[n]}" for n, c in enumerate(key_columns))
                        self.problem(spec.name, holder.index, self._row_id(spec, holder), "、".join(key_columns),
                                     f"{shown} 与{'、'.join(others)}重复（不同的记录不能使用相同的值）")


def import_file(desk: "Desk", path: Path | str, progress: Progress | None = None, *,
                dry_run: bool = False) -> ImportSummary:
    """Merge an exchange file into the desk's database, all or nothing.

    The whole file is validated against the database first; any problem raises ExchangeError
    listing the rows (in Chinese) and nothing is written. Rows are matched by primary key:
    identical rows are skipped, different ones replaced only when the file's `updated_at` is newer
    (see docs/exchange-format.md for every table's rule). Afterwards the search index is updated
    for the affected cases and parties and one audit row (action "import") is written, all in the
    same transaction. With `dry_run` the file is checked and counted, and nothing is written.
    """
    path = Path(path)
    document = read_document(path)
    if progress is not None:
        progress("检查数据", 0.0)
    summary = ImportSummary(
        path=path, format=str(document["format"]), schema_version=int(document["schema_version"]),
        exported_at=str(document.get("exported_at") or ""),
        source_unit=document.get("unit") if isinstance(document.get("unit"), dict) else None,
        dry_run=dry_run,
    )
    with desk.tx() as session:
        conn = session.connection()
        if conn.dialect.name == "sqlite" and not dry_run:
            # Take the write lock now so nobody writes between validation and writing (the
            # driver opens the transaction on the first data-changing statement, even one that
            # changes no row), and check foreign keys at commit so self-references (areas under
            # areas, repeat petitions) may come in any order.
            conn.exec_driver_sql("UPDATE setting SET key = key WHERE 0")
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        planner = _Planner(conn, document, progress)
        planner.run()
        summary.tables = planner.results
        if planner.problems:
            count = len(planner.problems) + planner.more
            raise ExchangeError(f"导入文件“{path.name}”中有 {count} 处问题，没有导入任何数据：",
                                planner.problems, more=planner.more)
        if dry_run:
            return summary
        _write(conn, planner, progress)
        summary.reindexed_cases = _reindex(conn, planner)
        if progress is not None:
            progress("更新搜索索引", 1.0)
        audit.record(session, actor=desk.actor, action="import", entity="database", entity_id="",
                     after={
                         "file": path.name, "format": summary.format, "schema_version": summary.schema_version,
                         "exported_at": summary.exported_at,
                         "source_unit": (summary.source_unit or {}).get("name", ""),
                         "counts": summary.counts(),
                     })
        session.flush()
    log.info("imported %s: %d new, %d updated, %d identical, %d kept",
             path, summary.inserted, summary.updated, summary.skipped, summary.kept)
    return summary


def _write(conn: Connection, planner: _Planner, progress: Progress | None) -> None:
    total = max(1, sum(1 for rows in planner.rows.values() for r in rows if r.action in ("insert", "update")))
    done = 0
    for spec in planner.specs:
        items = planner.rows.get(spec.name, [])
        inserts = [i.values for i in items if i.action == "insert"]
        for chunk in _chunks(inserts):
            conn.execute(spec.table.insert(), list(chunk))
            done += len(chunk)
            if progress is not None:
                progress("写入数据", done / total)
        for item in items:
            if item.action != "update":
                continue
            where = and_(*[spec.table.c[c] == item.values[c] for c in spec.primary_key])
            changes = {k: v for k, v in item.values.items() if k not in spec.primary_key}
            conn.execute(spec.table.update().where(where).values(**changes))
            done += 1
            if progress is not None and done % 200 == 0:
                progress("写入数据", done / total)


def _reindex(conn: Connection, planner: _Planner) -> int:
    """Bring the search index up to date for what the import changed; returns cases reindexed."""
    if conn.dialect.name != "sqlite":
        return 0

    def changed(table: str) -> list[dict]:
        return [i.values for i in planner.rows.get(table, []) if i.action in ("insert", "update")]

    case_ids = {v["id"] for v in changed("case")} | {v["case_id"] for v in changed("case_party")}
    new_parties = [i.values["id"] for i in planner.rows.get("party", []) if i.action == "insert"]
    updated_parties = [i.values["id"] for i in planner.rows.get("party", []) if i.action == "update"]
    updated_areas = [i.values["id"] for i in planner.rows.get("area", []) if i.action == "update"]
    if not (case_ids or new_parties or updated_parties or updated_areas):
        return 0
    all_cases = int(conn.execute(text('SELECT count(*) FROM "case"')).scalar() or 0)
    if len(case_ids) * 2 >= all_cases or len(new_parties) + len(updated_parties) > 5000:
        count = search.reindex_cases(conn)  # most of the data is new: rebuild from scratch
        search.reindex_parties(conn)
        return count
    count = 0
    if new_parties:
        search.reindex_parties(conn, new_parties)
    if updated_parties:
        count += search.reindex_party_cases(conn, updated_parties)
    if updated_areas:
        count += search.reindex_area_cases(conn, updated_areas)
    if case_ids:
        count += search.reindex_cases(conn, sorted(case_ids))
    return count


def columns_markdown() -> str:
    """Section 5 of docs/exchange-format.md: every table's columns (kept in sync by a test)."""
    lines: list[str] = []
    for spec in table_specs():
        lines.append(f"### {spec.name} — {spec.label}")
        lines.append("")
        extra = f"; unique: {'; '.join('(' + ', '.join(u) + ')' for u in spec.unique_keys)}" if spec.unique_keys else ""
        lines.append(f"Primary key: {', '.join(spec.primary_key)}; merge: `{spec.merge}`{extra}.")
        lines.append("")
        lines.append("| column | type | null | required | references |")
        lines.append("|---|---|---|---|---|")
        for c in spec.columns.values():
            kind = f"{c.kind}[{c.json_shape.__name__}]" if c.json_shape else c.kind
            lines.append(f"| {c.name} | {kind} | {'yes' if c.nullable else 'no'} | {'yes' if c.required else ''} "
                         f"| {c.references or ''} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - documentation helper
    print(columns_markdown())


__all__ = [
    "FORMAT", "FORMAT_NAME", "FORMAT_VERSION", "ExchangeError", "ExportSummary", "ImportSummary",
    "RowProblem", "TableResult", "TableSpec", "ColumnSpec", "check_envelope", "decode_value",
    "encode_value", "export_all", "import_file", "read_document", "table_specs", "TABLE_LABELS",
    "columns_markdown",
]
