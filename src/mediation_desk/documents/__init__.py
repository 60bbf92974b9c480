"""Document engine: one document model rendered to PDF (reportlab) and DOCX (python-docx).

Usage::

    from mediation_desk.documents import Document, Paragraph, render
    render(Document("人民调解协议书", [Paragraph("……")]), "协议书.pdf")
"""

from __future__ import annotations

import os
from pathlib import Path

from .model import (  # noqa: F401  (public API)
    BLANK_DATE,
    FONT_SIZES,
    LEDGER_SIGNATURE_LINE,
    BlankLines,
    Block,
    Cell,
    Column,
    Document,
    Field,
    FieldGrid,
    Group,
    Heading,
    Image,
    NumberedParagraphs,
    PageBreak,
    PageSetup,
    Paragraph,
    PdfPages,
    Run,
    SignatureBlock,
    Spacer,
    Table,
    checkboxes,
    cn_number,
    copies_line,
    date_cn,
    fill_blank,
    numbering,
    pt,
    text_of,
)


class RenderError(ValueError):
    pass


def render(doc: Document, path: str | os.PathLike) -> None:
    """Render to ``.pdf`` or ``.docx`` according to the file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        from .pdf import render_pdf

        render_pdf(doc, path)
    elif suffix == ".docx":
        from .docx import render_docx

        render_docx(doc, path)
    else:
        raise RenderError(f"不支持的输出格式“{suffix or '（无扩展名）'}”：请保存为 .pdf 或 .docx 文件。")
