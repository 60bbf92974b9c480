"""The print preview: a document (or the whole archive) shown with QtPdf, printed on a chosen
printer at A4 without scaling, saved as PDF or Word, its folder opened.

The PDF comes from ``services.printing`` (no SQL here). Printing renders each PDF page to an
image at the printer's resolution (at most 300 dpi) and paints it over the full A4 sheet, so a
page prints at its real size: the GB/T 9704 margins stay where they are.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from ...documents import catalogue
from ...services import printing
from ...services.context import Desk, ServiceError
from ..widgets import busy, error, info

MAX_PRINT_DPI = 300
ZOOMS = (("适合宽度", None), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("125%", 1.25), ("150%", 1.5))


class PrintPreviewDialog(QDialog):
    """Preview of one document of a case (``name``) or of a built archive PDF (``archive``)."""

    def __init__(self, desk: Desk, case_id: str, name: str | None = None, parent: QWidget | None = None, *,
                 mask: bool = False, archive: printing.ArchiveResult | None = None) -> None:
        super().__init__(parent)
        if (name is None) == (archive is None):
            raise ValueError("give either a document name or an archive")
        self.desk, self.case_id, self.name, self.archive = desk, case_id, name, archive
        self.saved_path: Path | None = archive.path if archive else None
        self._tmp = Path(tempfile.mkdtemp(prefix="mediation-desk-preview-"))
        self.pdf_path: Path | None = None
        self.setObjectName("print_preview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        title = "卷宗" if archive else catalogue.get(name).title  # type: ignore[arg-type]
        self.setWindowTitle(f"打印预览 — {title}")
        self.resize(900, 1000)

        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.mask_box = QCheckBox("隐藏身份证号和电话")
        self.mask_box.setObjectName("mask_box")
        self.mask_box.setToolTip("给当事人以外的人看的副本：身份证号显示为 3301**********1234，电话中间四位隐藏")
        self.mask_box.setChecked(mask)
        self.mask_box.setVisible(archive is None)
        self.mask_box.toggled.connect(lambda _on: self.reload())
        self.zoom_combo = QComboBox()
        for text, _factor in ZOOMS:
            self.zoom_combo.addItem(text)
        self.zoom_combo.currentIndexChanged.connect(self._zoom)
        self.pages_label = QLabel()
        self.pages_label.setObjectName("pages_label")
        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("print_button")
        self.print_button.clicked.connect(self.print_dialog)
        self.pdf_button = QPushButton("保存为 PDF…")
        self.pdf_button.setObjectName("save_pdf_button")
        self.pdf_button.clicked.connect(lambda: self.save_as(".pdf"))
        self.docx_button = QPushButton("保存为 Word…")
        self.docx_button.setObjectName("save_docx_button")
        self.docx_button.clicked.connect(lambda: self.save_as(".docx"))
        self.folder_button = QPushButton("打开文件夹")
        self.folder_button.setObjectName("open_folder_button")
        self.folder_button.clicked.connect(self.open_folder)
        for w in (self.mask_box, QLabel("缩放："), self.zoom_combo, self.pages_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.print_button, self.pdf_button, self.docx_button, self.folder_button):
            bar.addWidget(w)
        outer.addLayout(bar)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        outer.addWidget(self.view, 1)
        self.status = QLabel()
        self.status.setObjectName("status_label")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.status)
        self.reload()

    # -------------------------------------------------------------- content
    @property
    def masked(self) -> bool:
        return self.mask_box.isChecked()

    def reload(self) -> None:
        """(Re)build the preview PDF and show it."""
        if self.archive is not None:
            self._show(self.archive.path)
            self.status.setText(f"卷号 {self.archive.archive_number}，共 {self.archive.pages} 页。已保存：{self.archive.path}")
            return
        try:
            with busy():
                data = printing.preview_pdf(self.desk, self.case_id, self.name, mask=self.masked)  # type: ignore[arg-type]
        except ServiceError as exc:
            error(self, str(exc), "不能预览")
            return
        path = self._tmp / f"preview-{'masked' if self.masked else 'full'}.pdf"
        self.document.close()
        path.write_bytes(data)
        self._show(path)

    def _show(self, path: Path) -> None:
        self.document.close()
        self.document.load(str(path))
        self.pdf_path = path
        self.pages_label.setText(f"共 {self.document.pageCount()} 页")

    def _zoom(self, index: int) -> None:
        factor = ZOOMS[index][1]
        if factor is None:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    # -------------------------------------------------------------- printing
    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the PDF pages carry their own margins
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        printer.setDocName(self.windowTitle().replace("打印预览 — ", ""))
        return printer

    def print_dialog(self) -> bool:
        """Choose a printer and print; True when something was sent."""
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Paint every page on A4 at its real size (no fit-to-page scaling)."""
        count = self.document.pageCount()
        if count <= 0:
            return False
        printer.setFullPage(True)
        painter = QPainter()
        with busy():
            self._orient(printer, 0)
            if not painter.begin(printer):
                error(self, "无法连接打印机，请检查打印机是否已开机并联网。", "打印失败")
                return False
            try:
                for i in range(count):
                    if i:
                        self._orient(printer, i)
                        printer.newPage()
                    size = self.document.pagePointSize(i)
                    dpi = printer.resolution()
                    target = QRect(0, 0, round(size.width() / 72 * dpi), round(size.height() / 72 * dpi))
                    scale = min(1.0, MAX_PRINT_DPI / max(1, dpi))
                    image = self.document.render(i, QSize(round(target.width() * scale), round(target.height() * scale)))
                    painter.drawImage(target, image)
            finally:
                painter.end()
        self.status.setText(f"已发送到打印机：{printer.printerName() or printer.outputFileName()}（{count} 页，A4，不缩放）")
        return True

    def _orient(self, printer: QPrinter, index: int) -> None:
        size = self.document.pagePointSize(index)
        landscape = size.width() > size.height()
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)

    # -------------------------------------------------------------- saving
    def save_as(self, suffix: str) -> Path | None:
        if self.archive is not None:
            return self._save_archive(suffix)
        default = printing.suggested_path(self.desk, self.case_id, self.name, suffix, mask=self.masked)  # type: ignore[arg-type]
        default.parent.mkdir(parents=True, exist_ok=True)
        kind = "PDF 文件 (*.pdf)" if suffix == ".pdf" else "Word 文件 (*.docx)"
        chosen, _filter = QFileDialog.getSaveFileName(self, "保存文书", str(default), kind)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        try:
            with busy():
                result = printing.print_document(self.desk, self.case_id, self.name, path, mask=self.masked)  # type: ignore[arg-type]
        except ServiceError as exc:
            error(self, str(exc), "保存失败")
            return None
        self.saved_path = result.path
        self.status.setText(f"已保存：{result.path}（已记入文书登记簿）")
        return result.path

    def _save_archive(self, suffix: str) -> Path | None:
        assert self.archive is not None
        if suffix == ".pdf":
            chosen, _f = QFileDialog.getSaveFileName(self, "另存卷宗", str(self.archive.path), "PDF 文件 (*.pdf)")
            if not chosen:
                return None
            path = Path(chosen).with_suffix(".pdf")
            if path.resolve() != self.archive.path.resolve():
                shutil.copyfile(self.archive.path, path)
            self.saved_path = path
            self.status.setText(f"已保存：{path}")
            return path
        folder = QFileDialog.getExistingDirectory(self, "选择保存 Word 文件的文件夹", str(self.archive.path.parent))
        if not folder:
            return None
        try:
            with busy():
                result = printing.build_archive(self.desk, self.case_id, self.archive.path, Path(folder))
        except ServiceError as exc:
            error(self, str(exc), "保存失败")
            return None
        self.archive = result
        self._show(result.path)
        self.saved_path = Path(folder)
        self.status.setText(f"已把卷宗中的 {len(result.docx_files)} 份文书保存为 Word 文件：{folder}")
        return Path(folder)

    def open_folder(self) -> None:
        target = self.saved_path
        if target is None:
            target = printing.suggested_path(self.desk, self.case_id, self.name or printing.ARCHIVE_DOC_TYPE).parent
            if not target.exists():
                info(self, "还没有保存过这份文书。请先点“保存为 PDF…”或“保存为 Word…”。")
                return
        folder = target if target.is_dir() else target.parent
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            error(self, f"无法打开文件夹：{folder}")

    # -------------------------------------------------------------- cleanup
    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        self.document.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.document.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().closeEvent(event)
