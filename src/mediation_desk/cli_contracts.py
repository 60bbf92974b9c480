"""Command-line subcommands of leader contracts (领导包案):

* ``mediation-desk --db F contracts [--leader NAME] [--overdue] [--json]`` — the contracts in
  progress (``--all``: closed ones too), overdue and due-soon first, with each one's 本月工作情况
  reported or not; a line per leader's load at the end (not with ``--json``);
* ``mediation-desk --db F contracts-ledger --month 2026-11 --out FILE.pdf|.docx|.xlsx`` — the
  monthly 包案台账 (A4 landscape; ``--leader NAME`` for one leader's contracts; ``--mask`` hides the
  parties' names as 张*三 for a copy that leaves the office);
* ``mediation-desk --db F contract-letter CASE_NUMBER --out FILE.pdf|.docx`` — the 包案责任书 of
  a case's contract.

Registered in the command registry of :mod:`mediation_desk.cli` when this module is imported
(``cli_*.py`` modules are found on their own). No Qt here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def _month(text: str) -> str:
    from .services.context import ServiceError
    from .services.contracts import parse_month

    try:
        year, month = parse_month(text)
    except ServiceError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return f"{year}-{month:02d}"


# --------------------------------------------------------------------------- contracts


def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--leader", metavar="NAME", help="只看这位包案领导的包案（姓名）")
    p.add_argument("--overdue", action="store_true", help="只看已超过化解时限的包案")
    p.add_argument("--all", dest="all", action="store_true", help="包括已销号的包案（默认只列化解中的）")
    p.add_argument("--json", action="store_true", help="输出 JSON 数组（UTF-8），便于其他程序读取")


def _cmd_list(args: argparse.Namespace) -> int:
    from .services import contracts

    status = None if args.all else "open"
    with cli.open_desk(args) as desk:
        filt = contracts.ContractFilter(leader=args.leader, status=status, overdue=args.overdue)
        rows = contracts.list_contracts(desk, filt)
        loads = contracts.leader_loads(desk, include_idle=False) if not args.json else []
        known = {load.name for load in contracts.leader_loads(desk)}
        today = desk.today()
    if args.leader and args.leader.strip() not in known:
        hint = "、".join(sorted(known)[:20])
        raise cli.CliError(f"没有名为“{args.leader}”的包案领导。" + (f"现有：{hint}" if hint else ""))
    if args.json:
        cli.write_json([r.to_json() for r in rows])
        return cli.EXIT_OK
    stream = cli._out()
    what = "已超期的" if args.overdue else ("全部" if args.all else "化解中的")
    who = f"{args.leader.strip()}的" if args.leader else ""
    print(f"{who}{what}领导包案（统计日 {today.isoformat()}）：共 {len(rows)} 件", file=stream)
    if rows:
        cli.print_table(
            ["包案编号", "案件", "包案领导", "责任单位", "交办日期", "化解时限", "期限", "状态", "本月工作情况", "预警"],
            [[r.number, cli.truncate(r.case_title, 28), r.leader_text, cli.truncate(r.responsible_unit, 14),
              r.assigned_on.isoformat(), r.deadline_on.isoformat() + ("*" if r.extension_count else ""),
              r.when_text(), r.status_label, ("已报" if r.progress_this_month else "未报") if r.is_open else "",
              r.flags_text] for r in rows], stream)
        if any(r.extension_count for r in rows):
            print("（化解时限后的 * 表示已延期）", file=stream)
    if loads and not args.leader:
        print("", file=stream)
        cli.print_table(["包案领导", "在办", "超期", "临期", "本月未报", "已销号"],
                        [[load.name + (f"（{load.post}）" if load.post else ""), load.open, load.overdue,
                          load.due_soon, load.missing_progress, load.closed] for load in loads], stream)
    return cli.EXIT_OK


# --------------------------------------------------------------------------- ledger


def _configure_ledger(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", required=True, type=_month, metavar="YYYY-MM", help="台账月份，例如 2026-11")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="输出文件：.pdf、.docx（Word）或 .xlsx（Excel），按扩展名决定格式")
    p.add_argument("--leader", metavar="NAME", help="只列这位包案领导的包案；不填为本单位全部")
    p.add_argument("--mask", action="store_true", help="隐藏信访人、当事人姓名（如“张*三”），用于送出本单位的台账")


def _cmd_ledger(args: argparse.Namespace) -> int:
    from .services import contracts

    out = Path(args.out)
    if out.suffix.lower() not in contracts.LEDGER_FORMATS:
        raise cli.CliError(f"不支持的输出格式“{out.suffix or '（无扩展名）'}”：--out 应以 .pdf、.docx 或 .xlsx 结尾。")
    with cli.open_desk(args) as desk:
        book = contracts.build_ledger(desk, args.month, leader=args.leader, mask=args.mask)
        result = contracts.export_ledger(desk, book, out)
    stream = cli._out()
    print(f"已生成：{result.path}", file=stream)
    pages = f"，共 {result.pages} 页" if result.pages else ""
    print(f"{book.title}（{len(book.lines)} 件{pages}，用时 {result.seconds:.1f} 秒）", file=stream)
    print(book.total_line, file=stream)
    if book.masked:
        print("信访人、当事人姓名已作隐藏处理。", file=stream)
    return cli.EXIT_OK


# --------------------------------------------------------------------------- letter


def _configure_letter(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", metavar="CASE", help="案件编号，例如 （2026）青调字第018号（半角括号也可以）")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件：.pdf 或 .docx")


def _cmd_letter(args: argparse.Namespace) -> int:
    from .services import contracts

    out = Path(args.out)
    if out.suffix.lower() not in contracts.LETTER_FORMATS:
        raise cli.CliError(f"不支持的输出格式“{out.suffix or '（无扩展名）'}”：--out 应以 .pdf 或 .docx 结尾。")
    with cli.open_desk(args) as desk:
        case = cli.find_case(desk, args.case)
        contract = contracts.contract_for_case(desk, case.id)
        if contract is None:
            raise cli.CliError(f"案件 {case.number} 还没有交办领导包案。")
        result = contracts.print_letter(desk, contract.id, out)
    stream = cli._out()
    print(f"已生成：{result.path}", file=stream)
    print(f"领导包案责任书 {contract.number}（包案领导：{contract.leader_name}）", file=stream)
    return cli.EXIT_OK


cli.register_command(
    "contracts", _configure_list, _cmd_list, help="列出领导包案（超期、本月工作情况、各领导包案数）",
    description="列出化解中的领导包案：化解时限、剩余天数、本月工作情况是否已报、预警标记，以及各领导的包案数。",
)
cli.register_command(
    "contracts-ledger", _configure_ledger, _cmd_ledger, help="生成月度领导包案工作台账（PDF/Word/Excel）",
    description="生成某月的领导包案工作台账（A4 横向）：PDF、Word 或 Excel，按 --out 的扩展名决定。",
)
cli.register_command(
    "contract-letter", _configure_letter, _cmd_letter, help="打印案件的领导包案责任书（PDF/Word）",
)
