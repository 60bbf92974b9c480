"""Benchmark of the mediation documents (services/printing, documents/templates).

    python benchmarks/bench_documents.py
    python benchmarks/bench_documents.py --evidence 24 --repeat 5

Builds a temporary database with one closed dispute (three parties with rare name characters,
investigations, mediation sessions, a written agreement, follow-up, judicial confirmation and
attachments — the same sample case the tests use, tests/documents/test_templates_cases.py),
loads the fonts once, then prints:

* the time to render the 2-page 调解协议书 to PDF (document model → PDF; target < 0.3 s once the
  fonts are loaded), and the same including reading the case from the database, and as DOCX;
* the time to bind a ~40-page archive file (卷宗: cover, contents with real page numbers,
  documents, evidence pictures and PDF attachments, back cover) as one PDF, and with its DOCX set.

Figures only, never pass/fail.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "documents"))

from test_templates_cases import make_case, make_desk  # noqa: E402

from mediation_desk.documents.docx import render_docx  # noqa: E402
from mediation_desk.documents.fonts import get_registry  # noqa: E402
from mediation_desk.documents.pdf import page_count, render_pdf  # noqa: E402
from mediation_desk.services import printing  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(best, median) seconds of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--evidence", type=int, default=30, help="evidence photos in the archive case (≈ pages)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        reg = get_registry()
        reg.preload()
        fonts_s = time.perf_counter() - t
        desk = make_desk(folder)
        small = make_case(desk, folder, attachments=False)
        big = make_case(desk, folder, extra_evidence=args.evidence, investigations=3, sessions=3, long_text=4)

        # warm-up: fonts, caches, the first layout
        t = time.perf_counter()
        render_pdf(printing.render_document(desk, small, "agreement"), io.BytesIO())
        first_s = time.perf_counter() - t

        doc = printing.render_document(desk, small, "agreement")

        def agreement_pdf():
            buf = io.BytesIO()
            render_pdf(doc, buf)
            return buf

        best, median, buf = timed(agreement_pdf, args.repeat)
        pages = page_count(buf)
        full_best, full_median, _ = timed(lambda: printing.preview_pdf(desk, small, "agreement"), args.repeat)

        def agreement_docx():
            out = io.BytesIO()
            render_docx(doc, out)
            return out

        docx_best, docx_median, _ = timed(agreement_docx, args.repeat)

        print("调解协议书 (agreement)")
        print(f"  fonts loaded in                          {fonts_s * 1000:7.0f} ms")
        print(f"  first render (fonts, caches)             {first_s * 1000:7.0f} ms")
        print(f"  PDF, {pages} pages, model → PDF            best {best * 1000:6.0f} ms   median {median * 1000:6.0f} ms"
              f"   (target < 300 ms)")
        print(f"  PDF incl. reading the case from the DB   best {full_best * 1000:6.0f} ms   median {full_median * 1000:6.0f} ms")
        print(f"  DOCX                                     best {docx_best * 1000:6.0f} ms   median {docx_median * 1000:6.0f} ms")

        runs = max(1, min(3, args.repeat))
        pdf_best, pdf_median, result = timed(lambda: printing.build_archive(desk, big, folder / "卷宗.pdf"), runs)
        both_best, both_median, result2 = timed(
            lambda: printing.build_archive(desk, big, folder / "卷宗2.pdf", folder / "word"), runs)
        size = (folder / "卷宗.pdf").stat().st_size
        print(f"卷宗 (archive {result.archive_number})")
        print(f"  {result.pages} pages ({result.numbered_pages} numbered, {len(result.entries)} documents), "
              f"{size / 1024 / 1024:.1f} MB")
        print(f"  PDF                                      best {pdf_best:6.2f} s    median {pdf_median:6.2f} s")
        print(f"  PDF + {len(result2.docx_files)} DOCX files                    best {both_best:6.2f} s    median {both_median:6.2f} s")
        desk.close()


if __name__ == "__main__":
    main()
