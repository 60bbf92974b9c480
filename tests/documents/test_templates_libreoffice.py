"""Every mediation document's Word file (and the DOCX set of an archive) opens in another word
processor: LibreOffice converts each to PDF without error, A4, with its title and the rare name
characters. Skipped with a message when LibreOffice is not installed (.ci/run installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from test_templates_cases import APPLICANT, make_case, make_desk

from mediation_desk.documents import catalogue

pytestmark = pytest.mark.slow


def pdftotext(path: Path) -> str:
    exe = shutil.which("pdftotext")
    if not exe:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    res = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    return res.stdout.decode("utf-8")


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) is not installed; skipping the DOCX → PDF conversion check")
    return exe


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """(docx, pdf, title) for every template of a full case, the oral register and an archive's
    DOCX set — converted by ONE soffice run with its own profile."""
    exe = _soffice()
    from mediation_desk.services import printing

    folder = tmp_path_factory.mktemp("lo")
    desk = make_desk(folder)
    full = make_case(desk, folder)
    oral = make_case(desk, folder, oral=True, attachments=False)
    docx_dir = folder / "docx"
    docx_dir.mkdir()
    items = []
    for name, t in catalogue.CATALOGUE.items():
        cid = oral if name == "oral_agreement" else full
        path = docx_dir / f"{name}.docx"
        printing.print_document(desk, cid, name, path)
        items.append((path, "人民调解卷宗" if name == "archive_cover" else t.title))
    result = printing.build_archive(desk, full, folder / "卷宗.pdf", docx_dir / "archive")
    for path, entry in zip(result.docx_files[2:-1], result.entries):
        items.append((path, entry.title))
    desk.close()
    out = folder / "pdf"
    out.mkdir()
    profile = folder / "lo-profile"
    files = [str(p) for p, _t in items]
    res = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(out), *files],
        capture_output=True, text=True, timeout=900,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return [(p, out / (p.stem + ".pdf"), title) for p, title in items], res


def test_every_docx_converts_to_a4_pdf(converted):
    items, res = converted
    assert "Error" not in res.stderr, res.stderr
    for docx, pdf, title in items:
        assert pdf.is_file(), (docx.name, res.stdout, res.stderr)
        pages = PdfReader(str(pdf)).pages
        assert pages, docx.name
        for page in pages:
            assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)
            assert float(page.mediabox.height) == pytest.approx(841.9, abs=1)
        text = "".join(pdftotext(pdf).split())
        with pdfplumber.open(pdf) as doc:  # drawing order keeps a spaced-out heading together
            stream = "".join("".join(c["text"] for c in page.chars) for page in doc.pages)
        stream = "".join(stream.split())
        assert title in text or title in stream, (docx.name, title)
        assert "None" not in text


def test_libreoffice_keeps_rare_characters_and_page_numbers(converted):
    items, _res = converted
    pdf = next(p for d, p, _t in items if d.name == "agreement.docx")
    text = pdftotext(pdf)
    assert APPLICANT in "".join(text.split()) and "喆" in text and "堃" in text
    assert re.search(r"—\s*1\s*—", text)
    # a file of the archive set numbers its pages from where it sits in the bound PDF
    later = [p for d, p, _t in items if d.parent.name == "archive" and d.name.startswith("12_")]
    assert later and re.search(r"—\s*1[0-9]\s*—", pdftotext(later[0]))
