"""Word files (.docx): paragraphs and tables in document order, read with python-docx.

A paragraph is a line; a table row is a line with its cells separated by " | ". Word keeps
automatic numbering (一、 / （一） / 1.) outside the paragraph's text, in the numbering part;
it is rendered back in front of the paragraph, because headings are found by their numbers.
Footnotes, headers and footers are not part of the body and are not read.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from ..model import InputError
from .text import Decoded

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHINESE_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _chinese(n: int, digits: str = _CHINESE_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 105 → 一百零五, 120 → 一百二十; beyond 999 Arabic digits."""
    if n <= 0 or n > 999:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = digits[hundreds] + hundred if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + ten
    elif hundreds and ones:
        out += digits[0]
    return out + (digits[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    """A list counter as Word shows it in the numbering format ``fmt``."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _LEGAL_DIGITS, "拾", "佰")
    if fmt == "ideographTraditional":
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Word's list numbering: the text a numbered paragraph shows before its own."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → (lvlText, numFmt, start)
        # Which counter a list instance advances: lists of one abstract definition continue
        # one another, as in Word, unless an instance restarts (startOverride) and counts alone.
        self.counter_of: dict[str, str] = {}
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
            num_id, abstract_id = num.get(f"{_W}numId", ""), ref.get(f"{_W}val", "")
            starts = {int(o.get(f"{_W}ilvl", "0")): int(s.get(f"{_W}val", "1"))
                      for o in num.iter(f"{_W}lvlOverride") for s in o.iter(f"{_W}startOverride")}
            self.counter_of[num_id] = f"num {num_id}" if starts else f"abstract {abstract_id}"
            for ilvl, (text, fmt, start) in abstract.get(abstract_id, {}).items():
                self.levels[(num_id, ilvl)] = (text, fmt, starts.get(ilvl, start))

    @staticmethod
    def _numbering_of(paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) of a paragraph: its own, or its style's (a heading style linked to a
        list numbers every heading without a numPr of the paragraph's own)."""
        num_id: str | None = None
        ilvl: int | None = None
        props = [paragraph._p.pPr]
        style, seen = paragraph.style, set()
        while style is not None and style.style_id not in seen:  # a style may name itself as its base
            seen.add(style.style_id)
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
        counters = self.counters.setdefault(self.counter_of[num_id], [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        text, fmt, start = level

        def number(m: re.Match[str]) -> str:
            at = int(m.group(1)) - 1
            lvl = self.levels.get((num_id, at))
            return _format(counters[at] + (lvl[2] if lvl else start) - 1, lvl[1] if lvl else fmt)

        return re.sub(r"%(\d)", number, text)


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in order, including those inside content controls
    (w:sdt: forms and templates put whole sections in them)."""
    for child in parent.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def docx_to_text(data: bytes, name: str) -> Decoded:
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
    for block in _blocks(document.element.body):
        if block.tag == f"{_W}p":
            paragraph = Paragraph(block, document)
            lines.append(numbering.label(paragraph) + paragraph.text)
        else:
            for row in Table(block, document).rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell is reported once per grid column it spans
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text.replace("\n", " ").strip())
                lines.append(" | ".join(cells))
    text = "\n".join(lines).strip("\n") + "\n"
    if not text.strip():
        raise InputError(f"{name}: the Word file holds no text")
    return Decoded(text, "")
