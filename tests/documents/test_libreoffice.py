"""The DOCX files open in another word processor: LibreOffice converts them to PDF."""

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from conftest import pdftotext

pytestmark = pytest.mark.slow


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) is not installed; skipping the DOCX conversion check")
    return exe


def _convert(docx_path, tmp_path):
    exe = _soffice()
    out = tmp_path / "lo-out"
    out.mkdir()
    profile = tmp_path / "lo-profile"  # own profile: no lock clashes with other soffice runs
    res = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
        capture_output=True, text=True, timeout=300,
    )
    pdf = out / (docx_path.stem + ".pdf")
    assert res.returncode == 0 and pdf.is_file(), res.stdout + res.stderr
    return pdf


def test_letter_docx_converts(letter_docx, tmp_path):
    pdf = _convert(letter_docx, tmp_path)
    pages = PdfReader(str(pdf)).pages
    assert len(pages) >= 3
    w, h = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert w == pytest.approx(595.3, abs=1) and h == pytest.approx(841.9, abs=1)
    text = pdftotext(pdf)
    assert "人民调解协议书" in text and "吉𠮷祥" in text
    assert re.search(r"—\s*2\s*—", text)  # the PAGE field in the footer


def test_ledger_docx_converts_landscape(ledger_docx, tmp_path):
    pdf = _convert(ledger_docx, tmp_path)
    pages = PdfReader(str(pdf)).pages
    w, h = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert w == pytest.approx(841.9, abs=1) and h == pytest.approx(595.3, abs=1)
    texts = pdftotext(pdf).split("\f")[:-1]
    assert len(texts) >= 2
    for t in texts:  # the header row repeats on every page in Word/LibreOffice too
        assert "身份证号" in t and "事件名称" in t
