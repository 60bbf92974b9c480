"""Command-line subcommands of petitions (信访事项):

* ``mediation-desk --db F petitions [--due-within DAYS] [--json] [--all]`` — the petitions in hand
  by their next statutory deadline; ``--json`` gives every stage's last day
  (``stages.<stage>.due_on``) and the next deadline of each;
* ``mediation-desk --db F petition-ledger --month YYYY-MM --out FILE.pdf|.docx [--mask]`` — the
  monthly petition ledger (A4 landscape).

The notices print through the shared ``print`` command (``print petition_opinion （2026）青信字第001号
--out 处理意见书.pdf``; ``print --list`` names them all). Registered in the command registry of
:mod:`mediation_desk.cli` when this module is imported. No Qt here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def _configure_petitions(p: argparse.ArgumentParser) -> None:
    p.add_argument("--due-within", dest="due_within", type=cli._non_negative_int, metavar="DAYS",
                   help="只列出下一个法定期限在今后 DAYS 天内（含已超期）的信访事项")
    p.add_argument("--json", action="store_true", help="输出 JSON（含每个环节的期限，便于其他程序读取）")
    p.add_argument("--all", action="store_true", help="包括已办结、已归档的信访事项")


def _cmd_petitions(args: argparse.Namespace) -> int:
    from .services import petitions

    with cli.open_desk(args) as desk:
        rows = petitions.list_petitions(desk, due_within=args.due_within, include_closed=args.all)
        today = desk.today()
    if args.json:
        cli.write_json({
            "today": today.isoformat(), "due_within": args.due_within, "count": len(rows),
            "stage_labels": petitions.STAGE_LABELS,
            "petitions": [r.as_json() for r in rows],
        })
        return cli.EXIT_OK
    stream = cli._out()
    what = f"下一个期限在 {args.due_within} 天内（含已超期）的" if args.due_within is not None else ""
    print(f"{what}信访事项 {len(rows)} 件（统计日 {today.isoformat()}，按下一个法定期限排列）", file=stream)
    if not rows:
        return cli.EXIT_OK
    table = []
    for r in rows:
        n = r.next
        table.append([
            r.number, cli.truncate(r.petitioners, 14), cli.truncate(r.title, 24), r.status_label,
            n.short_label if n else "—", n.due_on.isoformat() if n else "", n.when_text() if n else r.clock.end_state,
            r.flags,
        ])
    cli.print_table(["编号", "信访人", "事由", "状态", "下一环节", "期限", "情况", "标记"], table)
    overdue = sum(1 for r in rows if r.overdue)
    if overdue:
        cli.note(f"其中已超期 {overdue} 件，请尽快办理。")
    return cli.EXIT_OK


def _month(text: str) -> str:
    from .services.context import ServiceError
    from .services.petitions import _month_range

    try:
        start, _end = _month_range(text)
    except ServiceError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return f"{start.year}-{start.month:02d}"


def _configure_ledger(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", required=True, type=_month, metavar="YYYY-MM", help="台账月份，例如 2026-11")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件：.pdf 或 .docx（Word）")
    p.add_argument("--mask", action="store_true", help="隐藏信访人姓名（给本单位以外的人看的副本）")


def _cmd_ledger(args: argparse.Namespace) -> int:
    from .services import petitions

    with cli.open_desk(args) as desk:
        result = petitions.export_petition_ledger(desk, args.month, args.out, mask=args.mask)
        stats = petitions.petition_statistics(desk, args.month)
    stream = cli._out()
    print(f"已生成：{result.path}", file=stream)
    pages = f"，共 {result.pages} 页" if result.pages else ""
    print(f"信访事项登记台账（{args.month}，{result.rows} 件{pages}，用时 {result.seconds:.1f} 秒）", file=stream)
    print(stats.line(), file=stream)
    return cli.EXIT_OK


def register() -> None:
    """Add the subcommands (idempotent: importing the module twice does not fail)."""
    cli.register_command("petitions", _configure_petitions, _cmd_petitions, replace=True,
                         help="查看在办信访事项及其法定期限（告知、办理、复查、复核），按下一个期限排列",
                         description="列出在办的信访事项，按下一个法定期限排列：登记后15日内告知/转送、转送异议5个工作日、"
                                     "受理后60日内办结（可延期一次，不超过30日）、答复后30日内可申请复查、复查30日、"
                                     "申请复核30日、复核30日。\n"
                                     "示例：petitions --due-within 7\n"
                                     "      petitions --json > 信访期限.json\n"
                                     "打印告知书：print petition_accept （2026）青信字第001号 --out 受理告知书.pdf"
                                     "（print --list 查看全部信访文书）")
    cli.register_command("petition-ledger", _configure_ledger, _cmd_ledger, replace=True,
                         help="生成某月信访事项登记台账（A4横向；PDF/Word）",
                         description="生成某月登记的信访事项台账：每件的登记、受理/转送、期限、答复、复查复核和状态，"
                                     "以及本月统计（重复信访、越级访单列，不计入新信访事项）。")


register()
