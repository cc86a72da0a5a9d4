"""Word files (.docx): paragraphs and tables in document order, read with python-docx.

A paragraph is a line; a table row is a line with its cells separated by " | ". Word keeps
automatic numbering (一、 / （一） / 1.) outside the paragraph's text, in the numbering part;
it is rendered back in front of the paragraph, because headings are found by their numbers.
Footnotes, headers and footers are not part of the body and are not read.
"""
from __future__ import annotations

import io
import re
from typing import Any

from ..model import InputError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (numbering rarely goes higher)."""
    if n < 10:
        return _CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        return _chinese(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "bullet":
        return ""
    return str(n)


class _Numbering:
    """Word's list numbering: the text a numbered paragraph shows before its own."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → (lvlText, numFmt, start)
        self.counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in numbering.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                text = lvl.find(f"{_W}lvlText")
                fmt = lvl.find(f"{_W}numFmt")
                start = lvl.find(f"{_W}start")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    text.get(f"{_W}val", "") if text is not None else "",
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1)
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, level in abstract.get(ref.get(f"{_W}val", ""), {}).items():
                self.levels[(num.get(f"{_W}numId", ""), ilvl)] = level

    @staticmethod
    def _numbering_of(paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) of a paragraph: its own, or its style's (a heading style linked to a
        list numbers every heading without a numPr of the paragraph's own)."""
        num_id: str | None = None
        ilvl: int | None = None
        props = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            props.append(style.element.pPr)
            style = style.base_style
        for prop in props:
            num_pr = prop.numPr if prop is not None else None
            if num_pr is None:
                continue
            if num_id is None and num_pr.numId is not None:
                num_id = str(num_pr.numId.val)
            if ilvl is None and num_pr.ilvl is not None:
                ilvl = int(num_pr.ilvl.val)
        return None if num_id in (None, "0") else (num_id, ilvl or 0)

    def label(self, paragraph: Any) -> str:
        """The rendered number of a numbered paragraph ("一、", "（二）"), or ""."""
        numbering = self._numbering_of(paragraph)
        if numbering is None:
            return ""
        num_id, ilvl = numbering
        level = self.levels.get((num_id, ilvl))
        if level is None:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        text, fmt, start = level

        def number(m: re.Match[str]) -> str:
            at = int(m.group(1)) - 1
            lvl = self.levels.get((num_id, at))
            return _format(counters[at] + (lvl[2] if lvl else start) - 1, lvl[1] if lvl else fmt)

        return re.sub(r"%(\d)", number, text)


def docx_to_text(data: bytes, name: str) -> tuple[str, str]:
    """The plain text of a .docx file (see the module's docstring)."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:
        raise InputError(f"{name}: reading Word files needs python-docx: pip install 'policyscan[docx]'") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile, KeyError and XML errors for broken files
        raise InputError(f"{name}: not a readable Word file ({type(exc).__name__}: {exc})") from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == f"{_W}p":
            paragraph = Paragraph(block, document)
            lines.append(numbering.label(paragraph) + paragraph.text)
        elif block.tag == f"{_W}tbl":
            for row in Table(block, document).rows:
                cells = [cell.text.replace("\n", " ").strip() for cell in row.cells]
                # a merged cell is reported once per grid column it spans
                cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
                lines.append(" | ".join(cells))
    text = "\n".join(lines).strip("\n") + "\n"
    if not text.strip():
        raise InputError(f"{name}: the Word file holds no text")
    return text, ""
