#!/usr/bin/env python3
"""How fast the readers turn Word files, web pages and PDFs into plain text, and how much
memory a long PDF takes.

    .venv/bin/python benchmarks/bench_readers.py [--repeat 3] [--pages 120] [--json]

Times ``policyscan.load.read_document`` (reading only: no analysis) on the fixtures in
tests/formats/ — the samples converted by LibreOffice — per format. Then, in a fresh
interpreter, reads one long PDF made by repeating tests/formats/004.pdf's pages up to
``--pages`` (with pypdfium2, which pdfplumber installs) and reports its time and peak RSS.

Not a test: the file name keeps it out of pytest's default ``test_*.py`` collection.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = REPO / "tests" / "formats"

_LONG_PDF = r"""
import json, resource, sys, time
from policyscan.load import read_document
t0 = time.perf_counter()
doc = read_document(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0, "chars": len(doc.text),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


def _long_pdf(pages: int, folder: str) -> Path:
    """tests/formats/004.pdf's pages repeated to ``pages`` pages."""
    import pypdfium2

    source = pypdfium2.PdfDocument(str(FORMATS / "004.pdf"))
    long = pypdfium2.PdfDocument.new()
    while len(long) < pages:
        long.import_pages(source, list(range(min(len(source), pages - len(long)))))
    path = Path(folder) / "long.pdf"
    long.save(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the fixtures (default 3)")
    parser.add_argument("--pages", type=int, default=120, help="pages of the long PDF (default 120)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from policyscan.load import read_document

    results: dict[str, dict[str, float]] = {}
    for suffix in ("docx", "html", "pdf"):
        files = sorted(FORMATS.glob(f"[0-9][0-9][0-9].{suffix}"))
        started = time.perf_counter()
        chars = 0
        for _ in range(args.repeat):
            for path in files:
                chars += len(read_document(str(path)).text)
        seconds = time.perf_counter() - started
        figures = {"files": len(files), "ms_per_file": 1000 * seconds / (len(files) * args.repeat),
                   "chars_per_s": chars / seconds}
        if suffix == "pdf":
            figures["pages_per_s"] = sum(_pages(p) for p in files) * args.repeat / seconds
        results[suffix] = figures
    with tempfile.TemporaryDirectory() as folder:
        long = _long_pdf(args.pages, folder)
        done = subprocess.run([sys.executable, "-c", _LONG_PDF, str(long)], capture_output=True, text=True,
                              check=True)
        results["long_pdf"] = {"pages": args.pages, **json.loads(done.stdout)}

    if args.json:
        print(json.dumps(results, indent=2))
        return
    for suffix in ("docx", "html", "pdf"):
        r = results[suffix]
        extra = f", {r['pages_per_s']:.1f} pages/s" if "pages_per_s" in r else ""
        print(f"{suffix:<6} {r['files']} files x {args.repeat}: {r['ms_per_file']:.0f} ms per file, "
              f"{r['chars_per_s']:,.0f} characters/s{extra}")
    r = results["long_pdf"]
    print(f"long PDF {r['pages']} pages: {r['seconds']:.1f} s ({r['pages'] / r['seconds']:.1f} pages/s), "
          f"peak RSS {r['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
