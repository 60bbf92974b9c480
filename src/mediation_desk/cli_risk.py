"""Command-line subcommands of the social-stability risk assessments (社会稳定风险评估, 稳评):

* ``mediation-desk --db F risk [--quarter 2026Q4] [--json]`` — the assessments (of a quarter),
  with the quarter's figures;
* ``mediation-desk --db F risk-report ID --out FILE.pdf|.docx [--filing]`` — the assessment
  report (or, with ``--filing``, the filing form 报备表) of the assessment with this id or number;
* ``mediation-desk --db F risk-stats --quarter 2026Q4 --out FILE.pdf|.docx|.xlsx`` — the quarterly
  statistics table.

Registered in the command registry of :mod:`mediation_desk.cli` when this module is imported
(modules named ``cli_*.py`` are found on their own). No Qt here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def _quarter(text: str) -> str:
    from .domain.errors import DomainError
    from .domain.risk import parse_quarter

    try:
        return parse_quarter(text).key
    except DomainError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quarter", type=_quarter, metavar="YYYYQn", help="季度，例如 2026Q4（不填为全部评估）")
    p.add_argument("--json", action="store_true", help="输出 JSON（便于其他程序读取）")


def _cmd_list(args: argparse.Namespace) -> int:
    from .services import risk

    with cli.open_desk(args) as desk:
        rows = risk.list_assessments(desk, risk.RiskFilter(quarter=args.quarter))
        stats = risk.quarter_stats(desk, args.quarter) if args.quarter else None
        if args.json:
            items = []
            for r in rows:
                row = risk.get_assessment(desk, r.id)
                items.append(risk.assessment_dict(desk, row))
    if args.json:
        out: dict = {"quarter": args.quarter, "count": len(rows), "assessments": items}
        if stats is not None:
            out["stats"] = _stats_json(stats)
        cli.write_json(out)
        return cli.EXIT_OK
    stream = cli._out()
    if rows:
        cli.print_table(
            ["编号", "事项名称", "类型", "评估日期", "建议", "确定", "结果运用", "报备日期", "状态"],
            [[r.number, cli.truncate(r.title, 36), r.matter_label, r.assessed_on or "", r.suggested_label,
              r.level_label + ("（改判）" if r.overridden else ""), r.decision_label, r.filed_on or "",
              r.status_label] for r in rows])
    else:
        print("没有风险评估记录。" if not args.quarter else f"{args.quarter} 没有风险评估记录。", file=stream)
    if stats is not None:
        print(stats.summary_line, file=stream)
    else:
        print(f"共 {len(rows)} 件。", file=stream)
    pending = [r for r in rows if r.needs_contract]
    if pending:
        cli.note(f"提示：{len(pending)} 件针对案件的评估确定为高风险，尚未落实领导包案："
                 + "、".join(r.case_number or r.number for r in pending[:10]) + ("……" if len(pending) > 10 else ""))
    return cli.EXIT_OK


def _stats_json(s) -> dict:
    return {
        "quarter": s.quarter.key, "label": s.quarter.label, "due": s.due, "assessed": s.assessed,
        "rate": s.rate_text, "pending": s.pending, "uncovered_high_cases": s.uncovered, "filed": s.filed,
        "filed_rate": s.filed_rate_text, "overridden": s.overridden,
        "by_type": [{"type": line.code, "label": line.label, "due": line.due, "assessed": line.assessed,
                     "rate": line.rate_text} for line in s.by_type],
        "by_level": [{"level": c, "label": lab, "count": n, "overridden": o} for c, lab, n, o in s.by_level],
        "by_outcome": [{"outcome": c, "label": lab, "count": n} for c, lab, n in s.by_outcome],
    }


def _configure_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID", help="评估编号（例如 （2026）青稳评字第001号，半角括号也可以）或评估 id")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件：.pdf 或 .docx（Word），按扩展名决定格式")
    p.add_argument("--filing", action="store_true", help="打印报备表（社会稳定风险评估报备表），而不是评估报告")


def _cmd_report(args: argparse.Namespace) -> int:
    from .services import risk

    suffix = args.out.suffix.lower()
    if suffix not in risk.REPORT_FORMATS:
        raise cli.CliError(f"不支持的输出格式“{args.out.suffix or '（无扩展名）'}”：--out 应以 .pdf 或 .docx 结尾。")
    with cli.open_desk(args) as desk:
        row = risk.find_assessment(desk, args.id)
        if row is None:
            raise cli.CliError(f"找不到编号为“{args.id}”的风险评估。可以用“{cli.PROG} risk”查看评估编号。")
        result = risk.export_report(desk, row.id, args.out, form="filing" if args.filing else "report")
    stream = cli._out()
    pages = f"，共 {result.pages} 页" if result.pages else ""
    print(f"已生成：{result.path}", file=stream)
    print(f"{result.title.replace(chr(10), '')}（{row.number}{pages}）", file=stream)
    if row.voided:
        cli.note("注意：这份评估已作废。")
    elif not row.level:
        cli.note("提示：这份评估的风险等级尚未确定，报告中“风险等级”一节留空待填。")
    return cli.EXIT_OK


def _configure_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quarter", required=True, type=_quarter, metavar="YYYYQn", help="季度，例如 2026Q4")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="输出文件：.pdf、.docx（Word）或 .xlsx（Excel），按扩展名决定格式")


def _cmd_stats(args: argparse.Namespace) -> int:
    from .services import risk

    suffix = args.out.suffix.lower()
    if suffix not in risk.STATS_FORMATS:
        raise cli.CliError(f"不支持的输出格式“{args.out.suffix or '（无扩展名）'}”：--out 应以 .pdf、.docx 或 .xlsx 结尾。")
    with cli.open_desk(args) as desk:
        result = risk.export_stats(desk, args.quarter, args.out)
        stats = risk.quarter_stats(desk, args.quarter)
    stream = cli._out()
    pages = f"，共 {result.pages} 页" if result.pages else ""
    print(f"已生成：{result.path}", file=stream)
    print(f"{stats.title}（{len(stats.items)} 个事项{pages}）", file=stream)
    print(stats.summary_line, file=stream)
    return cli.EXIT_OK


def register() -> None:
    """Add the subcommands (idempotent: importing the module twice does not fail)."""
    cli.register_command("risk", _configure_list, _cmd_list, replace=True,
                         help="查看社会稳定风险评估（稳评）：编号、事项、建议和确定等级、结果运用、报备",
                         description="列出社会稳定风险评估（可按季度），并给出该季度的应评、已评、评估率和报备情况。")
    cli.register_command("risk-report", _configure_report, _cmd_report, replace=True,
                         help="打印社会稳定风险评估报告（或 --filing 报备表），PDF 或 Word")
    cli.register_command("risk-stats", _configure_stats, _cmd_stats, replace=True,
                         help="生成社会稳定风险评估季度统计表（PDF、Word 或 Excel）",
                         description="生成某季度的社会稳定风险评估工作统计表：应评和已评事项及评估率，按事项类型、"
                                     "风险等级、结果运用统计，报备数，以及事项清单。")


register()
