"""The 打印 menu and the preview dialog (QtPdf), driven offscreen: what the menu offers, the
preview of a document, masking, printing to a PDF "printer" at A4 without scaling, saving as
PDF/Word with the register, opening the folder, and the whole archive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))

from test_templates_cases import APPLICANT_ID, make_case  # noqa: E402


def _survive_pyside_6_12_refcount_bug() -> None:
    """Same guard as tests/ui/test_editor.py: PySide6 6.12.0 on CPython 3.11 drops references to
    None/True/False on void C++ calls; keep the counts away from zero for this process."""
    import ctypes

    import PySide6

    if sys.version_info >= (3, 12) or not PySide6.__version__.startswith("6.12."):
        return
    for obj, count in ((None, 4_000_000), (True, 1_000_000), (False, 1_000_000)):
        ballast = [obj] * count
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(ballast))  # never freed, on purpose


_survive_pyside_6_12_refcount_bug()

from PySide6.QtGui import QDesktopServices  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402

from mediation_desk.services import printing  # noqa: E402
from mediation_desk.ui import widgets  # noqa: E402
from mediation_desk.ui.printing import build_print_menu, print_archive, show_preview  # noqa: E402


def pdftext(path: Path) -> str:
    res = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    return "".join(res.stdout.decode("utf-8").split())


@pytest.fixture
def case_id(desk, tmp_path):
    return make_case(desk, tmp_path)


@pytest.fixture
def no_modal(monkeypatch):
    """Error boxes raise instead of blocking the test."""
    monkeypatch.setattr(widgets, "HEADLESS", True)


def test_menu_offers_the_documents_and_greys_out_what_does_not_apply(qtbot, desk, case_id):
    menu = build_print_menu(None, desk, case_id)
    actions = {a.objectName(): a for a in menu.actions() if a.objectName()}
    for name in ("application", "intake", "rights_notice", "investigation", "mediation_record", "agreement",
                 "follow_up", "jc_application", "archive_notes"):
        assert actions[f"print_{name}"].isEnabled(), name
    oral = actions["print_oral_agreement"]
    assert not oral.isEnabled() and "（不适用）" in oral.text() and "书面协议" in oral.toolTip()
    assert "print_archive" in actions and actions["print_archive_contents"].isEnabled()
    assert menu.toolTipsVisible()
    menu.deleteLater()


def test_preview_shows_the_document_and_masks_on_request(qtbot, desk, case_id, no_modal):
    dialog = show_preview(None, desk, case_id, "agreement")
    qtbot.addWidget(dialog)
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == 2 and dialog.pages_label.text() == "共 2 页"
    assert dialog.windowTitle() == "打印预览 — 人民调解协议书"
    assert APPLICANT_ID in pdftext(dialog.pdf_path)
    dialog.mask_box.setChecked(True)
    assert dialog.document.status() == QPdfDocument.Status.Ready
    masked = pdftext(dialog.pdf_path)
    assert APPLICANT_ID not in masked and f"{APPLICANT_ID[:4]}**********{APPLICANT_ID[-4:]}" in masked
    dialog.zoom_combo.setCurrentIndex(3)  # 100 %
    assert dialog.view.zoomFactor() == 1.0
    assert printing.generated_documents(desk, case_id) == []  # a preview is not registered
    tmp = dialog._tmp
    dialog.close()
    assert not tmp.exists()


def test_print_to_a_pdf_printer_keeps_a4_without_scaling(qtbot, desk, case_id, tmp_path, no_modal):
    dialog = show_preview(None, desk, case_id, "agreement")
    qtbot.addWidget(dialog)
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert printer.fullPage()
    assert dialog.print_to(printer)
    pages = PdfReader(str(out)).pages
    assert len(pages) == 2
    for page in pages:
        assert float(page.mediabox.width) == pytest.approx(595.3, abs=1.5)
        assert float(page.mediabox.height) == pytest.approx(841.9, abs=1.5)
    assert "已发送到打印机" in dialog.status.text()
    dialog.close()


def test_save_as_pdf_and_word_registers_and_opens_the_folder(qtbot, desk, case_id, tmp_path, monkeypatch, no_modal):
    dialog = show_preview(None, desk, case_id, "follow_up")
    qtbot.addWidget(dialog)
    asked = []

    def fake_save(parent, caption, default, filt):
        asked.append(default)
        name = "回访记录.pdf" if "pdf" in filt.lower() else "回访记录"  # Word: the suffix is added
        return str(tmp_path / name), filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    pdf = dialog.save_as(".pdf")
    docx = dialog.save_as(".docx")
    assert pdf == tmp_path / "回访记录.pdf" and docx == tmp_path / "回访记录.docx"
    assert pdf.is_file() and docx.is_file()
    assert asked[0].endswith("人民调解回访记录.pdf") and "（2026）青调字第001号" in asked[0]
    rows = printing.generated_documents(desk, case_id)
    assert {(r.doc_type, r.file_format) for r in rows} == {("follow_up", "pdf"), ("follow_up", "docx")}
    dialog.open_folder()
    assert opened == [str(tmp_path)]
    dialog.close()


def test_whole_archive_preview(qtbot, desk, case_id, no_modal):
    dialog = print_archive(None, desk, case_id, ask=False)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.archive is not None and dialog.archive.archive_number == "（2026）青人调字第1号"
    assert dialog.document.pageCount() == dialog.archive.pages > 10
    assert not dialog.mask_box.isVisible()
    assert dialog.archive.path == printing.suggested_path(desk, case_id, printing.ARCHIVE_DOC_TYPE, ".pdf")
    dialog.close()
    menu = build_print_menu(None, desk, case_id)
    recent = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert any("整本卷宗" in a.text() for a in recent.actions())
    menu.deleteLater()


def test_refused_document_reports_the_reason(qtbot, desk, case_id, no_modal):
    with pytest.raises(widgets.HeadlessError, match="书面协议"):
        show_preview(None, desk, case_id, "oral_agreement")


def test_printing_layers_keep_qt_and_sql_where_they_belong():
    code = ("import sys, mediation_desk.cli_print, mediation_desk.services.printing, "
            "mediation_desk.documents.catalogue; "
            "bad = [m for m in sys.modules if m.startswith('PySide6')]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    folder = Path(printing.__file__).parents[1] / "ui" / "printing"
    for path in folder.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for word in ("sqlmodel", "sqlalchemy", "session", "store.models"):
            assert word not in source, (path.name, word)
