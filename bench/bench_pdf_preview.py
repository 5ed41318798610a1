"""Review-screen PDF preview benchmark: median and p95 time to render one page of a document
to the JPEG the review page shows (storage/pdf_pages.py), in process.

    .venv/bin/python bench/bench_pdf_preview.py [--runs 30] [--width 1200]

Stores, in a temporary UPLOAD_ROOT, a one-page text PDF (what a typed letter is) and a
one-page PDF wrapping a 2480x3508 photo (an A4 scan at 300 dpi, what a phone scan of a KTP or
KK is), then times, each ``--runs`` times: page_count (uncached) and render_page of page 1 at
``--width``. Prints the figures and the JPEG's size; not a test.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _scan_pdf() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2480, 3508), "#f3efe6")
    draw = ImageDraw.Draw(image)
    for y in range(200, 3400, 60):
        draw.line([(200, y), (2280, y + (y % 7))], fill="#333", width=3)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=300.0)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--width", type=int, default=1200)
    args = parser.parse_args()

    from portal.storage import LocalStorage, pdf_pages
    from tests.fixtures_files import make_pdf

    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalStorage(Path(tmp))
        files = {"text": make_pdf(), "scan": _scan_pdf()}
        for name, data in files.items():
            key = storage.save(io.BytesIO(data), key_prefix="documents/").key
            counts, renders = [], []
            size = 0
            for _ in range(args.runs):
                start = time.perf_counter()
                with storage.open(key) as stream:
                    pdf = pdf_pages.pdfium.PdfDocument(stream)
                    len(pdf)
                    pdf.close()
                counts.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                body = pdf_pages.render_page(storage, key, 1, args.width)
                renders.append((time.perf_counter() - start) * 1000)
                size = len(body)
            print(
                f"{name:5} ({len(data) // 1024} KB PDF): page count median {statistics.median(counts):.1f} ms"
                f" p95 {_p95(counts):.1f} ms; render page 1 at {args.width} px median "
                f"{statistics.median(renders):.1f} ms p95 {_p95(renders):.1f} ms; JPEG {size // 1024} KB"
            )


if __name__ == "__main__":
    main()
