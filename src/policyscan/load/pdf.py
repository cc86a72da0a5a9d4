"""PDF files with a text layer, read with pdfplumber (on pdfminer.six).

Lines come with their positions, which is what lets the page furniture go and wrapped lines
join: a line in the top or bottom band of the page that repeats on most pages (a running
header, a footer) or is a bare page number is dropped; a line that reaches the right edge of
the text block without closing punctuation continues on the next line, across a page break
(选育或引进2-3⏎⏎个 reads as 选育或引进2-3个). Lines are read top to bottom as pdfplumber orders
them, so two-column pages come out line by line across both columns. A PDF without a text
layer (a scan) is an error that says so.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

from ..model import InputError

_PAGE_NUMBER = re.compile(r"[-—–]?\s*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?\s*[-—–]?|Page\s*\d+(?:\s*of\s*\d+)?", re.I)
_CLOSING = "。！？；：!?;:”」』）)"
_BAND = 0.08  # share of the page height at the top and the bottom where headers and footers sit
_REACH = 0.93  # a line reaching this share of the text block's right edge is wrapped, not ended


def _key(text: str) -> str:
    """A running header or footer with its page number taken out, so pages compare."""
    return re.sub(r"\d+", "#", text.strip())


def _lines(pdf: Any) -> list[list[dict[str, Any]]]:
    pages = []
    for page in pdf.pages:
        lines = [line for line in page.extract_text_lines(strip=True, return_chars=False) if line["text"].strip()]
        for line in lines:
            line["height"] = float(page.height)
        pages.append(lines)
    return pages


def _furniture(pages: list[list[dict[str, Any]]]) -> set[tuple[int, int]]:
    """(page, line) indexes of headers, footers and page numbers."""
    in_band: Counter[str] = Counter()
    for lines in pages:
        in_band.update({_key(line["text"]) for line in lines
                        if line["top"] < _BAND * line["height"] or line["bottom"] > (1 - _BAND) * line["height"]})
    repeated = {k for k, n in in_band.items() if len(pages) >= 3 and n >= 0.5 * len(pages)}
    drop = set()
    for p, lines in enumerate(pages):
        for i, line in enumerate(lines):
            banded = line["top"] < _BAND * line["height"] or line["bottom"] > (1 - _BAND) * line["height"]
            if banded and (_key(line["text"]) in repeated or _PAGE_NUMBER.fullmatch(line["text"].strip())):
                drop.add((p, i))
    return drop


def pdf_to_text(data: bytes, name: str) -> tuple[str, str]:
    """The plain text of a PDF (see the module's docstring)."""
    try:
        import pdfplumber
    except ImportError as exc:
        raise InputError(f"{name}: reading PDF files needs pdfplumber: pip install 'policyscan[pdf]'") from exc
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = _lines(pdf)
    except Exception as exc:  # pdfminer raises many kinds of errors for broken files
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(pages):
        raise InputError(f"{name}: the PDF has no text layer; scanned? (run OCR first)")
    drop = _furniture(pages)
    out: list[str] = []
    joining = False  # the last line reached the right edge: the next one continues it
    for p, lines in enumerate(pages):
        body = [line for i, line in enumerate(lines) if (p, i) not in drop]
        right = max((line["x1"] for line in body), default=0.0)
        left = min((line["x0"] for line in body), default=0.0)
        for line in body:
            text = line["text"].strip()
            if joining and out:
                glue = " " if out[-1][-1:].isascii() and out[-1][-1:].isalpha() and text[:1].isascii() else ""
                out[-1] += glue + text
            else:
                out.append(text)
            joining = (line["x1"] >= left + _REACH * (right - left) and text[-1] not in _CLOSING)
    return "\n".join(out) + "\n", ""
