"""Command-line subcommands of screening and the rolling ledger:

* ``mediation-desk --db F ledger --month 2026-11 [--area NAME] --out FILE.pdf|.docx|.xlsx [--mask]``
  (also ``--paper A4|A3`` and ``--sheets ledger,stats,zero``);
* ``mediation-desk --db F screening-status --month 2026-11 [--json]``.

Registered in the command registry of :mod:`mediation_desk.cli` when this module is imported
(list it in ``cli.EXTENSION_MODULES``). No Qt here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import cli

SHEET_WORDS = {"ledger": "滚动台账", "stats": "统计表", "zero": "零报告汇总表"}


def _month(text: str) -> str:
    from .services.screening import parse_month
    from .services.context import ServiceError

    try:
        year, month = parse_month(text)
    except ServiceError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return f"{year}-{month:02d}"


def _sheets(text: str) -> list[str]:
    words = {**{k: k for k in SHEET_WORDS}, **{v: k for k, v in SHEET_WORDS.items()}, "all": "all", "全部": "all"}
    out: list[str] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part not in words:
            raise argparse.ArgumentTypeError(f"未知的表“{part}”，可选：ledger（滚动台账）、stats（统计表）、zero（零报告汇总表）")
        key = words[part]
        out.extend(SHEET_WORDS if key == "all" else [key])
    return list(dict.fromkeys(out)) or list(SHEET_WORDS)


def _configure_ledger(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", required=True, type=_month, metavar="YYYY-MM", help="台账月份，例如 2026-11")
    p.add_argument("--area", metavar="NAME", help="村（社区）或镇（街道）名称；不填为本单位全部")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="输出文件：.pdf、.docx（Word）或 .xlsx（Excel），按扩展名决定格式")
    p.add_argument("--mask", action="store_true", help="隐藏当事人身份证号和联系电话的中间部分")
    p.add_argument("--paper", choices=["A4", "A3"], help="纸张（横向）；默认按设置，一般为 A4")
    p.add_argument("--sheets", type=_sheets, default=list(SHEET_WORDS), metavar="LIST",
                   help="输出哪些表，逗号分隔：ledger（滚动台账）、stats（统计表）、zero（零报告汇总表）；默认全部")


def _cmd_ledger(args: argparse.Namespace) -> int:
    from .services import ledger as ledger_service

    out = Path(args.out)
    if out.suffix.lower() not in ledger_service.EXPORT_FORMATS:
        raise cli.CliError(f"不支持的输出格式“{out.suffix or '（无扩展名）'}”：--out 应以 .pdf、.docx 或 .xlsx 结尾。")
    with cli.open_desk(args) as desk:
        ledger = ledger_service.build_ledger_for_month(desk, args.month, args.area, mask=args.mask, paper=args.paper)
        result = ledger_service.export_ledger(desk, ledger, out, args.sheets)
    t = ledger.total
    stream = cli._out()
    print(f"已生成：{result.path}", file=stream)
    pages = f"，共 {result.pages} 页" if result.pages else ""
    sheets = "、".join(SHEET_WORDS[s] for s in args.sheets)
    print(f"{ledger.title}（{sheets}{pages}，用时 {result.seconds:.1f} 秒）", file=stream)
    print(f"台账 {len(ledger.rows)} 件：上月结转 {t.carried_in}，本月新增 {t.new}，本月在办 {t.in_hand}，"
          f"本月化解 {t.resolved}，结转下月 {t.carried_out}，化解率 {_rate(t.rate)}。", file=stream)
    if ledger.missing_villages:
        cli.note(f"提示：{ledger.month_text}未报送排查情况的村（社区）：{'、'.join(ledger.missing_villages)}。")
    if not result.fits_paper:
        cli.note("提示：所选栏目较多，在这种纸张上字会挤得较小；可以用 --paper A3，或在“设置”中减少台账栏目。")
    if ledger.masked:
        cli.note("已隐藏当事人身份证号和联系电话。")
    return cli.EXIT_OK


def _rate(rate) -> str:
    from .domain.ledger import format_rate

    return format_rate(rate)


def _configure_status(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", type=_month, metavar="YYYY-MM", help="月份，例如 2026-11（默认本月）")
    p.add_argument("--json", action="store_true", help="输出 JSON（便于其他程序读取）")


def _cmd_status(args: argparse.Namespace) -> int:
    from .services import screening

    with cli.open_desk(args) as desk:
        month = args.month or f"{desk.today().year}-{desk.today().month:02d}"
        records = screening.status_records(desk, month)
        major = screening.pending_major(desk)
        today = desk.today()
    counts = {key: 0 for key in screening.STATUS_LABELS}
    for r in records:
        counts[r["status"]] += 1
    if args.json:
        cli.write_json({
            "month": month, "today": today.isoformat(),
            "counts": {k: v for k, v in counts.items() if k != "future"},
            "villages": records,
            "major_pending": [{"case_id": m.case_id, "number": m.number, "title": m.title, "village": m.area_name,
                               "reasons": m.reasons} for m in major],
        })
        return cli.EXIT_OK
    year, mon = month.split("-")
    stream = cli._out()
    print(f"{int(year)}年{int(mon)}月矛盾纠纷排查报送情况（统计日 {today.isoformat()}）", file=stream)
    rows = []
    for r in records:
        period = screening.PERIOD_LABELS.get(r["period"], r["period"])
        done = f"{r['reported_periods']}/{r['expected_periods']}" if r["expected_periods"] > 1 else ""
        rows.append([r["village"], r["township"], r["status_label"] or "未到期", done, r["due_on"],
                     r["submitted_on"] or "", r["entries"], period])
    if rows:
        cli.print_table(["村（社区）", "镇（街道）", "情况", "期数", "报送截止", "报送日期", "事项数", "周期"], rows)
    else:
        print("还没有设置村（社区）。", file=stream)
    parts = [f"{screening.STATUS_LABELS[k]} {counts[k]}" for k in ("done", "zero", "late", "missing", "pending")]
    print("合计：" + "，".join(parts) + "。", file=stream)
    if major:
        print(f"重大事项待上报 {len(major)} 件：", file=stream)
        for m in major[:20]:
            print(f"  {m.number} {m.title}（{m.area_name}，{m.reasons_text}）", file=stream)
        if len(major) > 20:
            print(f"  ……另有 {len(major) - 20} 件", file=stream)
    return cli.EXIT_OK


def register() -> None:
    """Add the subcommands (idempotent: importing the module twice does not fail)."""
    cli.register_command("ledger", _configure_ledger, _cmd_ledger, replace=True,
                         help="生成矛盾纠纷排查化解工作台账（滚动台账、统计表、零报告；PDF/Word/Excel）",
                         description="生成某月的矛盾纠纷排查化解工作台账：滚动台账（上月结转和本月新增的全部事项、"
                                     "本月工作情况、月末状态）、按村和按类别的统计表、零报告汇总表。")
    cli.register_command("screening-status", _configure_status, _cmd_status, replace=True,
                         help="查看各村（社区）某月矛盾纠纷排查报送情况（已报、零报告、逾期、未报）")


register()
