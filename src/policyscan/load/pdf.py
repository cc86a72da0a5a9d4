"""PDF files with a text layer, read with pdfplumber (on pdfminer.six).

Lines come with their positions and character widths, which is what lets page furniture go
and wrapped lines join:

- a line in the top or bottom band of the page that repeats on most pages (a running header,
  a footer) or is a bare page number is dropped;
- a line was wrapped, not ended, when the room left at its right edge is too narrow for the
  first word of the next line (one CJK character, or a run of Latin letters and digits) — the
  rule a typesetter breaks lines by — so 选育或引进2-3⏎⏎个 reads as one quantity, across a page
  break too. A next line that is indented or opens with a heading number (一、 (二) 3.) starts
  a paragraph even so; a table row (ending in "|") is never continued;
- a page with a clear vertical gutter is read column by column, left then right.

A PDF without a text layer (a scan) is an error that says so.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from typing import Any

from ..model import InputError

_PAGE_NUMBER = re.compile(r"[-—–]?\s*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?\s*[-—–]?|Page\s*\d+(?:\s*of\s*\d+)?", re.I)
# Heading numbers that open a paragraph: 一、 （二） 3. 第四条 — a line opening with one is never a continuation.
_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．](?!\d)"
                      r"|第[一二三四五六七八九十百\d]+[章节条])")
# What a line cannot start with: it stays with the character before it (kinsoku).
_NO_LINE_START = "。，、；：！？）」』】〕”’%,.;:!?)]"
_LATIN_WORD = re.compile(r"[A-Za-z0-9.%\-/]+")
_BAND = 0.08  # share of the page height at the top and the bottom where headers and footers sit
_GUTTER_CROSSING = 0.02  # at most this share of characters may cross a column gutter (a full-width title)
_GUTTER_SIDE = 0.25  # each column holds at least this share of the page's characters


def _key(text: str) -> str:
    """A running header or footer with its page number taken out, so pages compare."""
    return re.sub(r"\d+", "#", text.strip())


def _gutter(page: Any) -> float | None:
    """The x of a vertical strip in the middle of the page that (almost) no character
    crosses, with enough text on either side to be two columns; None for one column."""
    chars = [c for c in page.chars if c["text"].strip()]
    if len(chars) < 200:
        return None
    width = float(page.width)
    best: tuple[int, float] | None = None
    for step in range(0, 61):
        x = width * (0.35 + 0.005 * step)
        crossing = sum(c["x0"] < x + 2 and c["x1"] > x - 2 for c in chars)
        left = sum(c["x1"] <= x for c in chars)
        if (crossing <= _GUTTER_CROSSING * len(chars)
                and min(left, len(chars) - left) >= _GUTTER_SIDE * len(chars)
                and (best is None or crossing < best[0])):
            best = (crossing, x)
    return best[1] if best else None


def _page_lines(page: Any) -> list[dict[str, Any]]:
    """The page's text lines in reading order (column by column when it has two)."""
    x = _gutter(page)
    regions = [page] if x is None else [page.crop((0, 0, x, page.height)), page.crop((x, 0, page.width, page.height))]
    lines = []
    for column, region in enumerate(regions):
        for line in region.extract_text_lines(strip=True, return_chars=True):
            if line["text"].strip():
                line["height"], line["column"] = float(page.height), (len(regions), column)
                lines.append(line)
    return lines


def _furniture(pages: list[list[dict[str, Any]]]) -> set[tuple[int, int]]:
    """(page, line) indexes of headers, footers and page numbers."""
    def banded(line: dict[str, Any]) -> bool:
        return line["top"] < _BAND * line["height"] or line["bottom"] > (1 - _BAND) * line["height"]

    in_band: Counter[str] = Counter()
    for lines in pages:
        in_band.update({_key(line["text"]) for line in lines if banded(line)})
    repeated = {k for k, n in in_band.items() if len(pages) >= 3 and n >= 0.5 * len(pages)}
    return {(p, i) for p, lines in enumerate(pages) for i, line in enumerate(lines)
            if banded(line) and (_key(line["text"]) in repeated or _PAGE_NUMBER.fullmatch(line["text"].strip()))}


def _first_word_width(line: dict[str, Any], char_width: float) -> float:
    """Width of what a line opens with that could not have been split from it: a Latin
    word, or one character with the punctuation that may not start a line after it."""
    text = line["text"].lstrip()
    word = _LATIN_WORD.match(text)
    n = len(word.group()) if word else 1
    while n < len(text) and text[n] in _NO_LINE_START:
        n += 1
    chars = [c for c in line["chars"] if c["text"].strip()][:n]
    return sum(c["x1"] - c["x0"] for c in chars) if chars else char_width


def _continues(line: dict[str, Any], following: dict[str, Any], left: float, right: float,
               char_width: float) -> bool:
    """Was ``line`` wrapped into ``following`` (rather than ended before it)?"""
    if line["text"].rstrip().endswith("|"):
        return False
    if following["x0"] > left + 0.8 * char_width or _HEADING.match(following["text"]):
        return False
    room = right - line["x1"]
    return room < _first_word_width(following, char_width) + 0.5 * char_width


def _edges(body: list[dict[str, Any]]) -> dict[Any, tuple[float, float]]:
    """Left and right edge of each column's text block, over the whole document (margins do
    not change from page to page): the leftmost start, and the upper quartile of where the
    longer lines end — not the rightmost end, which punctuation hung into the margin pushes out."""
    edges = {}
    for column in {line["column"] for line in body}:
        lines = [line for line in body if line["column"] == column]
        left = min(line["x0"] for line in lines)
        widest = max(line["x1"] for line in lines)
        ends = sorted(line["x1"] for line in lines if line["x1"] - left > 0.5 * (widest - left))
        edges[column] = (left, ends[(3 * len(ends)) // 4])
    return edges


def pdf_to_text(data: bytes, name: str) -> tuple[str, str]:
    """The plain text of a PDF (see the module's docstring)."""
    try:
        import pdfplumber
    except ImportError as exc:
        raise InputError(f"{name}: reading PDF files needs pdfplumber: pip install 'policyscan[pdf]'") from exc
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds of errors for broken files
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(pages):
        raise InputError(f"{name}: the PDF has no text layer; scanned? (run OCR first)")
    drop = _furniture(pages)
    body = [line for p, lines in enumerate(pages) for i, line in enumerate(lines) if (p, i) not in drop]
    widths = [c["x1"] - c["x0"] for line in body for c in line["chars"] if ord(c["text"][:1] or " ") > 0x2e80]
    char_width = statistics.median(widths) if widths else 10.0
    edges = _edges(body)
    out: list[str] = []
    previous: dict[str, Any] | None = None
    for line in body:
        text = line["text"].strip()
        if previous is not None and _continues(previous, line, *edges[previous["column"]], char_width):
            glue = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and text[:1].isascii() else ""
            out[-1] += glue + text
        else:
            out.append(text)
        previous = line
    return "\n".join(out) + "\n", ""
