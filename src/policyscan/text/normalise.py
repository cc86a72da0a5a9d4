"""NORMALISE stage: noise removed, and a shadow of the text that rules match on, one
character for one.

Rules are written once, in Simplified script with ASCII digits and punctuation. Real
documents arrive in Traditional script, with full-width digits and '?' where a scraper
lost a space. Rather than rewrite the text (and lose offsets), every character is mapped
to exactly one shadow character, so an offset in the shadow is the same offset in the
original.
"""
from __future__ import annotations

import bisect
import functools
import html
import importlib.resources
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from ..model import Document, Fact, Section
from .numbers import mark_digit_groups
from .spans import Breaks, SpanSet, offsets

if TYPE_CHECKING:
    from ..rules import RulePack

# Characters that stand for lost or decorative spacing in scraped pages.
_SPACE_LIKE = "?\u00a0\u2002\u2003\u2009\u200b\u3000\t\ufeff"
# Full-width and CJK punctuation that rules match in their ASCII form. 、 and 。 stay: they
# carry meaning (list separator, sentence end) that no ASCII character has.
_PUNCTUATION = {
    "，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": " ",
    "－": "-", "−": "-", "—": "-", "–": "-", "─": "-", "～": "~", "〜": "~",
    "﹪": "%", "％": "%", "．": ".",
}


@functools.lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, str]:
    """OpenCC's character table, kept to its one-character-to-one-character entries."""
    table: dict[int, str] = {}
    source = importlib.resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        first = simp.split(" ")[0] if simp else ""
        if len(trad) == 1 and len(first) == 1 and trad != first:
            table[ord(trad)] = first
    return table


@functools.lru_cache(maxsize=1)
def shadow_table() -> dict[int, str]:
    """The full translation table: Traditional → Simplified, full-width → ASCII, spacing → ' '."""
    table = dict(_traditional_to_simplified())
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = unicodedata.normalize("NFKC", chr(code))
    for char, ascii_form in _PUNCTUATION.items():
        table[ord(char)] = ascii_form
    for char in _SPACE_LIKE:
        table[ord(char)] = " "
    assert all(len(v) == 1 for v in table.values()), "shadow mapping must stay 1:1"
    return table


# A year written in Chinese numerals (二〇三五年, 一九九八年): digit for digit, it reads as 2035年.
_NUMERAL_YEAR = re.compile(r"(?<![〇零一二三四五六七八九十百千万])[一二][〇零一二三四五六七八九]{3}(?=年)")
_NUMERAL_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def shadow(text: str) -> str:
    """The normalised shadow of ``text``; ``len(shadow(text)) == len(text)`` always."""
    folded = text.translate(shadow_table())
    folded = _NUMERAL_YEAR.sub(lambda m: m.group().translate(_NUMERAL_DIGITS), folded)
    return mark_digit_groups(folded, text)


def simplified(text: str) -> str:
    """Simplified form of a reported value such as a unit (畝 → 亩, 萬 → 万)."""
    return text.translate(_traditional_to_simplified())


class OffsetMap:
    """For each character of a compact text, the offset it came from in the original, kept
    as runs: a kept run maps one to one, a replacement's characters all map to where the
    removed text began. A list of one int a character costs 36 bytes a character (260 MB
    for a 20 MB document); runs cost one entry per piece of noise."""

    def __init__(self) -> None:
        self._compact: list[int] = []  # where each run starts in the compact text
        self._original: list[int] = []  # where it starts in the original
        self._step: list[int] = []  # 1: kept text; 0: a replacement
        self._length = 0

    def extend(self, original_start: int, count: int, step: int) -> None:
        """Map the next ``count`` compact characters to ``original_start`` onwards (step 1) or all to it (step 0)."""
        if count > 0:
            self._compact.append(self._length)
            self._original.append(original_start)
            self._step.append(step)
            self._length += count

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self._length:
            raise IndexError(i)
        k = bisect.bisect_right(self._compact, i) - 1
        return self._original[k] + (i - self._compact[k]) * self._step[k]

    def __len__(self) -> int:
        return self._length


@dataclass
class Compaction:
    """A text with its noise removed (pinyin glosses, HTML tags, markdown markers), and for
    each character of the compact text the offset it came from in the original.

    The shadow keeps offsets by mapping one character to one; noise cannot be mapped that
    way (萬(wàn)元 must read 万元), so the pipeline runs on the compact text and every offset
    it finds is mapped back through ``origin``."""

    text: str
    origin: OffsetMap  # origin[i]: offset in the original of compact character i; one more at the end
    noise: list[tuple[int, int]]  # the removed spans of the original

    def restore(self, inner: Document, doc: Document) -> Document:
        """``doc`` (the original) given everything found on ``inner`` (its compact text), with
        every offset mapped back; a fact's text is the original, noise and all. Consumes this
        compaction and ``inner``: their texts are released before the original's shadow is
        built, so a large document never holds four copies of itself at once."""
        doc.chrome = SpanSet(self.span(s, e) for s, e in inner.chrome)
        doc.sections = [self._section(s) for s in inner.sections]
        ends = None
        if inner.breaks is not None:
            ends = (offsets(self.origin[i] for i in inner.breaks.clause_ends),
                    offsets(self.origin[i] for i in inner.breaks.sentence_ends),
                    offsets(sorted(s.text_start for s in doc.all_sections())))
        doc.meta = inner.meta
        doc.facts = [self._fact(f, doc.text) for f in inner.facts]
        doc.notices.extend(inner.notices)
        self.text = inner.text = inner.shadow = ""
        inner.breaks = None
        doc.shadow = self._blanked(shadow(doc.text))
        if ends is not None:
            doc.breaks = Breaks(doc.shadow, *ends)
        return doc

    def _blanked(self, folded: str) -> str:
        """The original's shadow with its noise blanked, so later readers (compare, check) do
        not see noise as words."""
        pieces, pos = [], 0
        for start, end in self.noise:  # in order, not overlapping
            pieces += [folded[pos:start], " " * (end - start)]
            pos = end
        pieces.append(folded[pos:])
        return "".join(pieces)

    # The inner document is dropped once restored: its sections and facts are moved to the
    # original's offsets in place, not copied (a 20 MB document has tens of thousands of each).
    def _section(self, section: Section) -> Section:
        """Move the section to the original; a heading with no text of its own (一、 then noise)
        has its text begin where its span ends, not past the noise."""
        section.start, section.end = self.span(section.start, section.end)
        section.text_start = min(self.origin[section.text_start], section.end)
        for child in section.children:
            self._section(child)
        return section

    def _fact(self, fact: Fact, text: str) -> Fact:
        fact.start, fact.end = self.span(fact.start, fact.end)
        fact.text = text[fact.start:fact.end]
        return fact

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of compact [start, end): from its first character to its last."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


_LINE_END_MARKS = "。！？；：!?;:”」』）)"
_PAGE_NUMBER = re.compile(r"[-—–]?\s*\d{1,3}\s*[-—–]?")
_MIN_WRAPPED_LINES = 20  # lines of the common width: fewer is no evidence of a wrap
_MIN_WRAP_WIDTH = 40  # display columns (20 Chinese characters): pages wrap wider than titles
_WRAP_SLACK = 6  # columns a wrapped line may fall short of the page width (a word that did not fit)


_WIDE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _display_width(line: str) -> int:
    """Columns the line takes on a page: Chinese characters and full-width forms take two."""
    return len(line) + len(_WIDE.findall(line))


def wrapped_line_breaks(text: str, pack: RulePack) -> list[tuple[int, int]]:
    """Line breaks a PDF or a fixed-width page put inside sentences (…建成 120 个以⏎5⏎上具有…).

    A text whose lines mostly share one display width was wrapped at that width: a line of
    (nearly) that width that ends without closing punctuation continues on the next line,
    across blank lines and page numbers, unless the next line opens a heading. Returns the
    spans to remove (from the line's end to the next line's text)."""
    lines = _lines(text)
    widths = [_display_width(line) for _, line in lines]
    long_widths = [w for w in widths if w >= 20]
    if len(long_widths) < _MIN_WRAPPED_LINES:
        return []
    common = Counter(long_widths).most_common(1)[0][0]
    near = sum(common - _WRAP_SLACK <= w <= common + 16 for w in long_widths)
    if common < _MIN_WRAP_WIDTH or near < max(_MIN_WRAPPED_LINES, 0.5 * len(long_widths)):
        return []
    heading = pack.compile_list("heading_openings")
    spans = []
    for i, (start, line) in enumerate(lines):
        if widths[i] < common - _WRAP_SLACK or not line or line[-1] in _LINE_END_MARKS:
            continue
        j = _next_text_line(lines, i)
        if j == len(lines):
            continue
        follow_start, follow = lines[j]
        body = follow.lstrip()
        if heading is not None and heading.match(shadow(body)):
            continue
        spans.append((start + len(line), follow_start + len(follow) - len(body)))
    return spans


_CONTINUING_MARKS = ",，、"  # a line that ends so has not ended its sentence
_PROSE_LINE = 20  # characters: a line this long is a paragraph (or a piece of one), not a title
_CONTINUATION_MIN = 8  # characters: a shorter next line is a table cell or a label, not a sentence's rest
_SENTENCE_LINE_SHARE = 0.7  # share of paragraph lines ending a sentence: punctuation not lost
_WORD_END = regex.compile(r"[\p{Han}\d%]")  # a line cut mid-clause ends on a character or a number
_CLAUSE_MARK = regex.compile(r"[,，;；]")
_REST_OPENING = regex.compile(r"[\p{Han}(（]")  # the rest of a sentence opens with a word or a bracket


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without trailing spaces) for every line of a text."""
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append((offset, raw.rstrip()))
        offset += len(raw) + 1
    return lines


def _next_text_line(lines: list[tuple[int, str]], i: int) -> int:
    """Index of the first line after ``i`` with text that is not a page number (len(lines) if none)."""
    j = i + 1
    while j < len(lines) and (not lines[j][1].strip() or _PAGE_NUMBER.fullmatch(lines[j][1].strip())):
        j += 1
    return j


def broken_line_breaks(text: str, pack: RulePack, folded: str | None = None) -> list[tuple[int, int]]:
    """Line breaks a copy put inside a sentence of a text written one paragraph a line (a
    page break of the source: …在资料齐全的情况⏎⏎⏎下力争2个工作日内完成审批 in Susong's 2022
    housing measures; …转化项目清单，⏎构建“雄安研发、保定转化” in Baoding's 2026 work report).

    A paragraph line that ends with a comma continues on the next line; so does a line of
    clauses that ends without closing punctuation where the text's other paragraph lines
    end theirs (the text has not lost its punctuation). The next line must read as the
    sentence's rest: long enough, opening with a word or a bracket, not a heading. Returns
    the spans to remove. ``folded``: the text's shadow, where it is at hand."""
    lines = _lines(text)
    heading = pack.compile_list("heading_openings")
    folded_lines = _lines(folded if folded is not None else shadow(text))
    headed = [heading is not None and bool(heading.match(line.lstrip())) for _, line in folded_lines]
    prose = [line.strip() for (_, line), h in zip(lines, headed) if len(line.strip()) >= _PROSE_LINE and not h]
    punctuated = bool(prose) and sum(p[-1] in _LINE_END_MARKS for p in prose) >= _SENTENCE_LINE_SHARE * len(prose)
    spans = []
    for i, (start, line) in enumerate(lines):
        body = line.strip()
        if len(body) < _PROSE_LINE or body[-1] in _LINE_END_MARKS or headed[i]:
            continue
        if body[-1] not in _CONTINUING_MARKS and not (punctuated and _WORD_END.match(body[-1])
                                                      and _CLAUSE_MARK.search(body)):
            continue  # a line with no clause mark is a title, a label or chrome
        j = _next_text_line(lines, i)
        if j == len(lines):
            continue
        follow_start, follow = lines[j]
        rest = follow.lstrip()
        if len(rest) < _CONTINUATION_MIN or not _REST_OPENING.match(rest) or headed[j]:
            continue
        spans.append((start + len(line), follow_start + len(follow) - len(rest)))
    return spans


def remove_noise(text: str, pack: RulePack, folded: str | None = None) -> Compaction | None:
    """The compact text without the pack's ``noise`` patterns (matched on the shadow) and
    without line breaks inside a sentence (a wrap, a page break), or None when the text has
    neither. A pattern's ``replace`` stands in for what it removes (a line break for a
    closing </p>); ``replace: unescape`` decodes an HTML entity."""
    patterns = pack.noise_patterns
    if not patterns:
        return None
    folded = folded if folded is not None else shadow(text)
    found: list[tuple[int, int, int, str]] = []  # start, pattern order, end, replacement
    for order, (pattern, replacement) in enumerate(patterns):
        for m in pattern.finditer(folded):
            if m.end() > m.start():
                found.append((m.start(), order, m.end(),
                              html.unescape(text[m.start():m.end()]) if replacement == "unescape" else replacement))
    found.extend((start, len(patterns), end, "") for start, end in wrapped_line_breaks(text, pack))
    found.extend((start, len(patterns), end, "") for start, end in broken_line_breaks(text, pack, folded))
    if not found:
        return None
    found.sort()  # where two patterns match at one place, the earlier in the pack wins
    pieces: list[str] = []
    origin = OffsetMap()
    noise: list[tuple[int, int]] = []
    pos = 0
    for start, _, end, replacement in found:
        if start < pos:
            continue  # overlapped by an earlier match
        pieces.append(text[pos:start])
        origin.extend(pos, start - pos, 1)
        pieces.append(replacement)
        origin.extend(start, len(replacement), 0)
        noise.append((start, end))
        pos = end
    pieces.append(text[pos:])
    origin.extend(pos, len(text) - pos + 1, 1)  # and one more: the end
    return Compaction("".join(pieces), origin, noise)
