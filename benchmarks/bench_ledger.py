"""Benchmark of the monthly rolling ledger (services/ledger.py → PDF, XLSX, DOCX).

    python benchmarks/bench_ledger.py                    # 1,000 open cases in November 2026, temp database
    python benchmarks/bench_ledger.py --open 3000
    python benchmarks/bench_ledger.py --db big.sqlite    # reuse (or create and keep) a file

Fills a database through the services (register_case with two parties, a mediation session in the
month, a quarter of them closed and some closed out), so every case is in the month's ledger, then
times:

* build   — ``build_ledger`` (queries + row texts + summary through domain.ledger);
* PDF     — the ledger document (rolling ledger only, and all three sheets) rendered by the engine;
* XLSX    — ``write_ledger_xlsx`` (all three sheets);
* DOCX    — for information;
* floors  — reportlab alone laying out the same table (the same cell texts as platypus Paragraphs
  with CJK wrapping, the same font, column widths, margins and repeated header), and openpyxl
  alone writing the same cells without styles.

Prints wall and CPU seconds (best of ``--repeat``) and the CPU ratio to the floor. Target: PDF and XLSX of a month
with 1,000 open cases under 3 s each on this machine. Never pass/fail.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from mediation_desk.services import cases, ledger, organisation
from mediation_desk.services.context import Desk
from mediation_desk.services.parties import PartyInput
from mediation_desk.store.engine import open_store

TODAY = date(2026, 11, 27)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅凤春海晓东萍玲燕飞鹏辉宇"
VILLAGES = ["东山村", "西河村", "南岭村", "北坡村", "张家村", "石桥村", "柳树村", "红星村", "青龙村", "白马村"]
TOPICS = [("宅基地", "homestead"), ("相邻通行", "neighbour_adjacency"), ("婚姻", "divorce"), ("赡养", "support"),
          ("借款", "contract_loan"), ("土地承包", "land_contracting"), ("人身损害", "damages_personal"),
          ("拖欠工资", "labour_wage_arrears"), ("征收补偿", "requisition_compensation")]
SENTENCES = ["双方系同村村民，两家房屋相邻，", "因翻建房屋占用公共通道发生争执，", "多次协商未果，",
             "争议地块面积约三十平方米，双方均无权属证明，", "对方称已部分归还借款，", "情绪较为激动，有激化苗头，",
             "村民小组长已介入，"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def fill(desk: Desk, open_cases: int, seed: int, progress=print) -> None:
    rng = random.Random(seed)
    organisation.init_unit(desk, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    township = organisation.list_areas(desk, "township")[0]
    villages = [organisation.add_area(desk, v, "village", township.id) for v in VILLAGES]
    staff = [organisation.add_staff(desk, _name(rng), ["mediator"]) for _ in range(8)]
    started = time.perf_counter()
    for i in range(open_cases):
        received = date(2026, 1, 5) + timedelta(days=rng.randrange(0, (TODAY - date(2026, 1, 5)).days - 10))
        a, b = _name(rng), _name(rng)
        topic, category = rng.choice(TOPICS)
        description = "".join(rng.sample(SENTENCES, rng.randint(2, 4))) + f"{a}要求{b}赔偿损失。"
        case = cases.register_case(desk, "dispute", {
            "title": f"{a}与{b}{topic}纠纷", "category": category, "area_id": rng.choice(villages).id,
            "received_on": received, "mediator_id": rng.choice(staff).id, "description": description,
            "claims": "要求对方停止侵害、赔偿损失。", "risk_grade": rng.choice(["high", "medium", "low", "low"]),
            "people_involved": rng.choice([2, 2, 3, 6]),
        }, [PartyInput("applicant", fields={"name": a, "phone": f"13{rng.randrange(10**9):09d}"}),
            PartyInput("respondent", fields={"name": b})])
        on = max(received, date(2026, 11, 2) + timedelta(days=rng.randrange(0, 20)))
        cases.add_event(desk, case.id, "mediation_session", on, content="组织双方调解，释法明理，双方各有让步。")
        if i % 4 == 0:  # closed this month, a few of them closed out: still in November's ledger
            cases.change_status(desk, case.id, "mediating", on)
            cases.change_status(desk, case.id, "agreed", on)
            if i % 8 == 0:
                ledger.close_out(desk, case.id, min(TODAY, on + timedelta(days=3)), "王芳")
        if progress and (i + 1) % 200 == 0:
            progress(f"  已生成 {i + 1}/{open_cases} 件（{time.perf_counter() - started:.0f} 秒）")


def best(fn, repeat: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the fastest of ``repeat`` runs. On a shared machine the CPU time
    is the steadier figure; the wall time is what the user waits."""
    runs = []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - w, time.process_time() - c))
    return min(runs)


def reportlab_floor(book, font_name: str) -> None:
    """reportlab alone: the same table, cells as Paragraphs (CJK wrap), same widths and margins."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle
    from xml.sax.saxutils import escape

    from mediation_desk.documents.templates.ledger import LEDGER_MARGINS_MM, fit_columns, page_setup

    size_name, widths = fit_columns(book.columns, book.paper)
    size = 9.0 if size_name == "小五" else 10.5
    style = ParagraphStyle("c", fontName=font_name, fontSize=size, leading=size * 1.35, wordWrap="CJK")
    data = [[Paragraph(escape(c.title), style) for c in book.columns]]
    for row in book.rows:
        data.append([Paragraph(escape(row.cell(c.key)).replace("\n", "<br/>"), style) for c in book.columns])
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    ps = page_setup(book.paper)
    top, bottom, left, right = LEDGER_MARGINS_MM
    doc = SimpleDocTemplate(io.BytesIO(), pagesize=(ps.width_mm * mm, ps.height_mm * mm), leftMargin=left * mm,
                            rightMargin=right * mm, topMargin=top * mm, bottomMargin=bottom * mm)
    doc.build([table])


def openpyxl_floor(book, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append([c.title for c in book.columns])
    for row in book.rows:
        ws.append([row.cell(c.key) for c in book.columns])
    wb.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="滚动台账生成速度（PDF / Excel / Word）")
    parser.add_argument("--open", type=int, default=1000, help="本月台账中的事项数（默认 1000）")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, help="数据文件（不存在时生成并保留）")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    db = args.db or folder / "bench.sqlite"
    fresh = not db.exists()
    desk = Desk(open_store(db), actor="基准测试", today_override=TODAY)
    if fresh:
        print(f"生成 {args.open} 件在办事项（通过服务层登记）…", flush=True)
        t = time.perf_counter()
        fill(desk, args.open, args.seed)
        print(f"  用时 {time.perf_counter() - t:.1f} 秒", flush=True)

    from mediation_desk.documents.fonts import get_registry
    from mediation_desk.documents.pdf import render_pdf
    from mediation_desk.documents.docx import render_docx
    from mediation_desk.documents.templates.ledger import ledger_document
    from mediation_desk.interop.xlsx_ledger import write_ledger_xlsx

    holder = {}
    t_build = best(lambda: holder.__setitem__("book", ledger.build_ledger(desk, 2026, 11)), args.repeat)
    book = holder["book"]
    t_doc = best(lambda: holder.__setitem__("doc", ledger_document(book, ["ledger"])), args.repeat)
    pages = {}
    t_pdf = best(lambda: pages.__setitem__("n", render_pdf(ledger_document(book, ["ledger"]), folder / "l.pdf")),
                 args.repeat)
    t_pdf_all = best(lambda: pages.__setitem__("all", render_pdf(ledger_document(book), folder / "all.pdf")),
                     args.repeat)
    t_xlsx = best(lambda: write_ledger_xlsx(book, folder / "l.xlsx"), args.repeat)
    t_docx = best(lambda: render_docx(ledger_document(book), folder / "l.docx"), 1)
    font = get_registry().resolve("fangsong").rl_name
    t_floor_pdf = best(lambda: reportlab_floor(book, font), args.repeat)
    t_floor_xlsx = best(lambda: openpyxl_floor(book, folder / "floor.xlsx"), args.repeat)
    desk.close()

    rows = len(book.rows)
    print()
    print(f"滚动台账 2026年11月：{rows} 行（本月在办 {book.total.in_hand}），{len(book.columns)} 栏，"
          f"{book.paper} 横向，{pages['n']} 页（三表合计 {pages['all']} 页）")
    print(f"{'步骤':<26}{'用时':>8}{'CPU':>8}{'下限CPU':>9}{'倍数':>7}")

    def line(label, t, floor=None):
        wall, cpu = t
        extra = f"{floor[1]:>9.2f}{cpu / floor[1]:>7.2f}" if floor else ""
        print(f"{label:<26}{wall:>8.2f}{cpu:>8.2f}{extra}")

    def plus(a, b):
        return (a[0] + b[0], a[1] + b[1])

    line("查询并组装台账 build_ledger", t_build)
    line("文书模型 ledger_document", t_doc)
    line("PDF（滚动台账）", t_pdf, t_floor_pdf)
    line("PDF 全部（含统计表、零报告）", t_pdf_all)
    line("PDF 合计（含 build）", plus(t_build, t_pdf_all))
    line("XLSX（三个工作表）", t_xlsx, t_floor_xlsx)
    line("XLSX 合计（含 build）", plus(t_build, t_xlsx))
    line("DOCX（三表，参考）", t_docx)
    print()
    print("下限：PDF = reportlab 单独排同一张表（Paragraph + CJK 换行、同字体同列宽、表头重复）；"
          "XLSX = openpyxl 只写同样的单元格（无样式）。目标：PDF、XLSX 各 < 3 秒。")
    print(f"文件在：{folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
