"""Shared fixtures: the sample documents rendered once per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from samples import form_sample, ledger_sample, letter_sample  # noqa: E402

from mediation_desk.documents.docx import render_docx  # noqa: E402
from mediation_desk.documents.pdf import render_pdf  # noqa: E402

MM = 72 / 25.4


def need_tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed (poppler-utils / LibreOffice); skipping this check")
    return exe


def pdftotext(path: Path, *args: str) -> str:
    exe = need_tool("pdftotext")
    res = subprocess.run([exe, "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    return res.stdout.decode("utf-8")


def pdf_pages_text(path: Path) -> list[str]:
    """Text of each page (pdftotext separates pages with form feeds)."""
    return pdftotext(path).split("\f")[:-1]


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="session")
def letter_doc():
    return letter_sample()


@pytest.fixture(scope="session")
def ledger_doc():
    return ledger_sample()


@pytest.fixture(scope="session")
def letter_pdf(out_dir, letter_doc) -> Path:
    p = out_dir / "letter.pdf"
    render_pdf(letter_doc, p)
    return p


@pytest.fixture(scope="session")
def ledger_pdf(out_dir, ledger_doc) -> Path:
    p = out_dir / "ledger.pdf"
    render_pdf(ledger_doc, p)
    return p


@pytest.fixture(scope="session")
def form_pdf(out_dir) -> Path:
    p = out_dir / "form.pdf"
    render_pdf(form_sample(), p)
    return p


@pytest.fixture(scope="session")
def letter_docx(out_dir, letter_doc) -> Path:
    p = out_dir / "letter.docx"
    render_docx(letter_doc, p)
    return p


@pytest.fixture(scope="session")
def ledger_docx(out_dir, ledger_doc) -> Path:
    p = out_dir / "ledger.docx"
    render_docx(ledger_doc, p)
    return p


@pytest.fixture(scope="session")
def form_docx(out_dir) -> Path:
    p = out_dir / "form.docx"
    render_docx(form_sample(), p)
    return p
