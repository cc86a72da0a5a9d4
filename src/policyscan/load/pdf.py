"""PDF files with a text layer, read with pdfplumber (on pdfminer.six).

Lines come with their positions and character widths, which is what lets page furniture go
and wrapped lines join:

- a line in the top or bottom band of the page that repeats on most pages (a running header,
  a footer) or is a bare page number is dropped;
- a line was wrapped, not ended, when the room left at its right edge is too narrow for the
  first word of the next line (one CJK character, or a run of Latin letters and digits) — the
  rule a typesetter breaks lines by — so 选育或引进2-3⏎⏎个 reads as one quantity, across a page
  break too. A next line that is indented or opens with a heading number (一、 (二) 3.) starts
  a paragraph even so; a table row is never continued;
- a ruled table is one line per row, its cells joined by " | ";
- a page with a clear vertical gutter is read column by column, left then right;
- a page turned by /Rotate is read as its content is drawn.

A PDF without a text layer (a scan) is an error that says so.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from typing import Any

from ..model import InputError
from .text import Decoded

_PAGE_NUMBER = re.compile(r"[-—–]?\s*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?\s*[-—–]?|Page\s*\d+(?:\s*of\s*\d+)?", re.I)
# Heading numbers that open a paragraph: 一、 （二） 3. 第四条 — a line opening with one is never a continuation.
_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．](?!\d)"
                      r"|第[一二三四五六七八九十百\d]+[章节条])")
# What a line cannot start with: it stays with the character before it (kinsoku).
_NO_LINE_START = "。，、；：！？）」』】〕”’%,.;:!?)]"
_LATIN_WORD = re.compile(r"[A-Za-z0-9.%\-/]+")
_MIN_TEXT = 20  # characters of body text below which a PDF is a scan with stamped page numbers
_BAND = 0.08  # share of the page height at the top and the bottom where headers and footers sit
_GUTTER_CROSSING = 0.02  # at most this share of characters may cross a column gutter (a full-width title)
_GUTTER_SIDE = 0.25  # each column holds at least this share of the page's characters


def _key(text: str) -> str:
    """A running header or footer with its page number taken out, so pages compare."""
    return re.sub(r"\d+", "#", text.strip())


def _gutter(page: Any) -> float | None:
    """The x of a vertical strip in the middle of the page that (almost) no character
    crosses, with enough text on either side to be two columns; None for one column. A
    strip that a ruled line crosses is the border between two table columns (a task table:
    task | lead unit), whose rows must be read across."""
    chars = [c for c in page.chars if c["text"].strip()]
    if len(chars) < 200:
        return None
    left_edge, _, right_edge, _ = page.bbox
    width = float(right_edge - left_edge)
    rules = [(e["x0"], e["x1"]) for e in page.horizontal_edges if e["x1"] - e["x0"] > 0.1 * width]
    best: tuple[int, float] | None = None
    for step in range(0, 61):
        x = left_edge + width * (0.35 + 0.005 * step)
        if any(x0 < x < x1 for x0, x1 in rules):
            continue
        crossing = sum(c["x0"] < x + 2 and c["x1"] > x - 2 for c in chars)
        left = sum(c["x1"] <= x for c in chars)
        if (crossing <= _GUTTER_CROSSING * len(chars)
                and min(left, len(chars) - left) >= _GUTTER_SIDE * len(chars)
                and (best is None or crossing < best[0])):
            best = (crossing, x)
    return best[1] if best else None


def _unrotated(page: Any) -> Any:
    """The page as its content is drawn: /Rotate only turns the display, and reading a turned
    page line by line would run across the text (90°) or backwards (180°)."""
    if not page.rotation:
        return page
    from pdfplumber.page import Page

    page.page_obj.rotate = 0
    page.page_obj.attrs["Rotate"] = 0
    return Page(page.pdf, page.page_obj, page_number=page.page_number, initial_doctop=page.initial_doctop)


def _line(text: str, box: tuple[float, float, float, float], page: Any, column: tuple[int, int],
          chars: list[dict[str, Any]], row: bool = False) -> dict[str, Any]:
    """A text line with only what joining lines needs: its box, page height, column and its
    characters' extents; ``row`` for a table row, which is never joined to a neighbour."""
    x0, top, x1, bottom = box
    return {"text": text, "x0": x0, "x1": x1, "top": top - page.bbox[1], "bottom": bottom - page.bbox[1],
            "height": float(page.height), "column": column, "row": row,
            "chars": [{"text": c["text"], "x0": c["x0"], "x1": c["x1"]} for c in chars]}


def _joined(left: str, right: str) -> str:
    """Two pieces of a wrapped line as one: no space between Chinese, one between Latin words."""
    if not left:
        return right
    latin = left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    return left + (" " if latin else "") + right


def _cell_text(cell: str | None) -> str:
    """A table cell's text on one line, however it wrapped in the cell."""
    text = ""
    for part in (cell or "").split("\n"):
        text = _joined(text, part.strip())
    return text


def _page_lines(page: Any) -> list[dict[str, Any]]:
    """The page's lines in reading order: column by column when it has two, and a ruled
    table as one line per row with its cells joined by " | " (a task table's task and lead
    unit stay on one line however each cell wraps)."""
    page = _unrotated(page)
    ruled = len(page.horizontal_edges) >= 2 and len(page.vertical_edges) >= 2
    tables = page.find_tables() if ruled else []
    x = _gutter(page)
    x0, top, x1, bottom = page.bbox
    regions = [page] if x is None else [page.crop((x0, top, x, bottom)), page.crop((x, top, x1, bottom))]

    def column_of(left: float) -> tuple[int, int]:
        return (len(regions), 0 if x is None or left < x else 1)

    def in_table(line: dict[str, Any]) -> bool:
        middle = (line["top"] + line["bottom"]) / 2
        return any(t.bbox[0] <= line["x0"] and line["x1"] <= t.bbox[2] + 1 and t.bbox[1] <= middle <= t.bbox[3]
                   for t in tables)

    lines = []
    for region in regions:
        for line in region.extract_text_lines(strip=True, return_chars=True):
            if line["text"].strip() and not in_table(line):
                lines.append(_line(line["text"], (line["x0"], line["top"], line["x1"], line["bottom"]), page,
                                   column_of(line["x0"]), line["chars"]))
    for table in tables:
        for row, cells in zip(table.rows, table.extract()):
            text = " | ".join(_cell_text(cell) for cell in cells if cell is not None)
            if text.strip(" |"):
                lines.append(_line(text, row.bbox, page, column_of(row.bbox[0]), [], row=True))
    page.close()  # frees the page's layout: a long PDF is read in constant memory per page
    return sorted(lines, key=lambda line: (line["column"], line["top"]))


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
    if line["row"] or following["row"] or line["text"].rstrip().endswith("|"):
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


def pdf_to_text(data: bytes, name: str) -> Decoded:
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
    drop = _furniture(pages)
    body = [line for p, lines in enumerate(pages) for i, line in enumerate(lines) if (p, i) not in drop]
    if sum(len(line["text"].strip()) for line in body) < _MIN_TEXT:  # page numbers stamped on scans
        raise InputError(f"{name}: the PDF has no text layer; scanned? (run OCR first)")
    widths = [c["x1"] - c["x0"] for line in body for c in line["chars"] if ord(c["text"][:1] or " ") > 0x2e80]
    char_width = statistics.median(widths) if widths else 10.0
    edges = _edges(body)
    out: list[str] = []
    previous: dict[str, Any] | None = None
    for line in body:
        text = line["text"].strip()
        if previous is not None and _continues(previous, line, *edges[previous["column"]], char_width):
            out[-1] = _joined(out[-1], text)
        else:
            out.append(text)
        previous = line
    return Decoded("\n".join(out) + "\n", "")
