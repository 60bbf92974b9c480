"""Command-line subcommands for the mediation documents and the archive file (卷宗):

* ``mediation-desk --db F print DOC CASE_NUMBER --out FILE.pdf|.docx [--mask]`` — one document;
* ``mediation-desk print --list [CASE_NUMBER]`` — the document names with their Chinese titles
  (with a case number: whether each can be printed for it, and why not);
* ``mediation-desk --db F archive CASE_NUMBER --out FILE.pdf [--docx-dir DIR] [--mask]`` — the
  whole bound file, allocating the 卷号 the first time.

Registered in the command registry of :mod:`mediation_desk.cli` when this module is imported
(list it in ``cli.EXTENSION_MODULES``). No Qt here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def _catalogue():
    from .documents import catalogue
    from .services import petitions  # noqa: F401  (registers the petition notices)

    return catalogue.all_documents()


def _configure_print(p: argparse.ArgumentParser) -> None:
    names = "、".join(_catalogue())
    p.add_argument("doc", nargs="?", metavar="DOC", help=f"文书名称：{names}（用 --list 查看中文名称）")
    p.add_argument("case", nargs="?", metavar="CASE_NUMBER", help="案件编号，例如 （2026）青调字第018号（半角括号也可以）")
    p.add_argument("--out", type=Path, metavar="FILE", help="输出文件：.pdf 或 .docx（Word），按扩展名决定格式")
    p.add_argument("--mask", action="store_true", help="隐藏当事人身份证号和联系电话的中间部分（给当事人以外的人看的副本）")
    p.add_argument("--list", action="store_true", help="列出可以打印的文书；带案件编号时说明哪些文书可用于该案件")


def _cmd_print(args: argparse.Namespace) -> int:
    catalogue = _catalogue()
    if args.list:
        case_number = args.case or (args.doc if args.doc and args.doc not in catalogue else None)
        if case_number:
            return _list_for_case(args, case_number)
        cli.print_table(["名称", "文书", "标题"], [[t.name, t.label, t.title] for t in catalogue.values()])
        return cli.EXIT_OK
    if not args.doc:
        raise cli.CliError("请指定要打印的文书名称，例如：print agreement （2026）青调字第018号 --out 协议书.pdf；"
                           "用 print --list 查看全部文书。")
    if args.doc not in catalogue:
        raise cli.CliError(f"没有名为“{args.doc}”的文书。可选：{'、'.join(catalogue)}（用 print --list 查看中文名称）。")
    if not args.case:
        raise cli.CliError("请指定案件编号，例如：print agreement （2026）青调字第018号 --out 协议书.pdf")
    if args.out is None:
        raise cli.CliError("请用 --out 指定输出文件（.pdf 或 .docx）。")
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        raise cli.CliError(f"不支持的输出格式“{args.out.suffix or '（无扩展名）'}”：--out 应以 .pdf 或 .docx 结尾。")
    from .services import printing

    with cli.open_desk(args) as desk:
        case = cli.find_case(desk, args.case)
        result = printing.print_document(desk, case.id, args.doc, args.out, mask=args.mask)
    stream = cli._out()
    print(f"已生成：{result.path}", file=stream)
    pages = f"，共 {result.pages} 页" if result.pages else ""
    print(f"{result.title}（{case.number}{pages}，用时 {result.seconds:.1f} 秒）", file=stream)
    if result.masked:
        cli.note("已隐藏当事人身份证号和联系电话。")
    return cli.EXIT_OK


def _list_for_case(args: argparse.Namespace, case_number: str) -> int:
    from .services import printing

    with cli.open_desk(args) as desk:
        case = cli.find_case(desk, case_number)
        if case.kind == "petition":
            from .services import petitions

            choices = petitions.notice_choices(desk, case.id)
        else:
            choices = printing.document_choices(desk, case.id)
    print(f"{case.number} {case.title}", file=cli._out())
    cli.print_table(["名称", "文书", "可否打印"], [[c.name, c.label, "可以" if c.ok else f"不可：{c.reason}"] for c in choices])
    return cli.EXIT_OK


def _configure_archive(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", metavar="CASE_NUMBER", help="案件编号（或已分配的卷号）")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="卷宗 PDF 文件")
    p.add_argument("--docx-dir", dest="docx_dir", type=Path, metavar="DIR",
                   help="同时把卷宗中的每份文书另存为 Word 文件，放在这个文件夹中")
    p.add_argument("--mask", action="store_true", help="隐藏当事人身份证号和联系电话的中间部分")


def _cmd_archive(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".pdf":
        raise cli.CliError(f"卷宗只能保存为 PDF：--out 应以 .pdf 结尾（现在是“{args.out.suffix or '无扩展名'}”）。"
                           "Word 文件请用 --docx-dir 指定文件夹。")
    from .services import printing

    with cli.open_desk(args) as desk:
        case = cli.find_case(desk, args.case)
        with cli.progress_reporter() as bar:
            result = printing.build_archive(desk, case.id, args.out, args.docx_dir, mask=args.mask, progress=bar)
    stream = cli._out()
    print(f"已生成：{result.path}", file=stream)
    new = "（本次分配）" if result.allocated else ""
    print(f"卷号：{result.archive_number}{new}；共 {result.pages} 页（卷内文书 {result.numbered_pages} 页，"
          f"{len(result.entries)} 件；用时 {result.seconds:.1f} 秒）", file=stream)
    cli.print_table(["序号", "文书名称", "页号", "备注"],
                    [[i, e.title, e.first_page if e.last_page == e.first_page else f"{e.first_page}-{e.last_page}", e.note]
                     for i, e in enumerate(result.entries, start=1)])
    if result.docx_files:
        print(f"Word 文件 {len(result.docx_files)} 个：{result.docx_files[0].parent}", file=stream)
    for n in result.notes:
        cli.note(f"提示：{n}")
    return cli.EXIT_OK


def register() -> None:
    """Add the subcommands (idempotent: importing the module twice does not fail)."""
    cli.register_command("print", _configure_print, _cmd_print, replace=True,
                         help="打印某个案件的文书（调解文书、信访告知书和意见书……；PDF/Word）",
                         description="打印某个案件的人民调解文书，保存为 PDF 或 Word 文件，并记入文书登记簿。\n"
                                     "示例：print agreement （2026）青调字第018号 --out 协议书.pdf\n"
                                     "      print --list               （全部文书）\n"
                                     "      print --list （2026）青调字第018号 （该案可以打印哪些文书）")
    cli.register_command("archive", _configure_archive, _cmd_archive, replace=True,
                         help="生成案件的整本卷宗（封面、卷内目录、文书、附件、备考表；PDF，可另存 Word）",
                         description="按立卷顺序把结案案件的全部文书和附件装订成一个 PDF 卷宗：卷宗封面、卷内目录（实际页码）、"
                                     "申请书或受理登记表、权利义务告知书、身份证明、授权委托书、调查记录、证据、调解记录、"
                                     "调解协议书或口头协议登记表、履行凭证、回访记录、司法确认材料、卷宗情况说明、备考表。"
                                     "第一次生成时分配卷号，以后不变。")


register()
