"""Spans and breaks of a shadow text: the offsets every stage shares.

Where a clause and a sentence end is the pack's to say, once (RulePack.clause_end and
.sentence_end, from the blocks clause_end, sentence_end and lost_break of rules/00-core.yaml):
structure records the ends of a document here (``Breaks``), extract and compare read them.
"""
from __future__ import annotations

import array
import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regex import Pattern

# Commas inside a short quotation (“两不愁,三保障”) end no clause. Plain re, not regex: the
# model imports this, and `policyscan --help` should not load regex.
_QUOTATION = re.compile(r"“[^“”\n]{1,30}”")


class SpanSet:
    """The union of half-open spans, asked whether a new span overlaps it. Rules, goals,
    chrome and ignored text all ask this thousands of times per document; the union is kept
    as sorted disjoint spans, so each question is a bisection instead of a scan."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for span in spans:
            self.add(*span)

    def add(self, start: int, end: int) -> None:
        """Merge [start, end) into the union (touching spans merge too)."""
        lo = bisect.bisect_left(self._ends, start)  # first span that ends at or after start
        hi = bisect.bisect_right(self._starts, end)  # spans from lo to hi touch [start, end)
        if lo < hi:
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]

    def overlaps(self, start: int, end: int) -> bool:
        """True when [start, end) shares a character with the union."""
        i = bisect.bisect_left(self._starts, end) - 1  # last span starting before end
        return i >= 0 and self._ends[i] > start

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._starts, self._ends)

    def __bool__(self) -> bool:
        return bool(self._starts)


def offsets(values: Iterable[int]) -> array.array[int]:
    """Offsets in order as an array of 8-byte ints (what Breaks holds)."""
    return array.array("q", values)


# How far a clause or a sentence is read either side of the offset asked about. Every stage
# reads a fact's clause (cues, indicator, segmentation) and compare its sentence, so a run of
# text with no punctuation (a scrape that lost it, a hostile file) would cost its length once
# per fact in it: the square of its length. The longest clause in our corpus is 806
# characters and the longest sentence 1,621; text beyond the reach is not read for the fact.
CLAUSE_REACH = 1000
SENTENCE_REACH = 2000


@dataclass
class Breaks:
    """Where the clauses and sentences of a shadow text end, so every stage agrees on what a
    clause is (extract cuts goals at clauses; compare reads a fact's sentence)."""

    # The offsets are arrays of 8-byte ints, not lists of int objects (36 bytes each): a 20 MB
    # document has about a million clause ends.
    shadow: str = field(repr=False)
    clause_ends: Sequence[int] = field(default_factory=list)  # offsets of , ; 。 : line breaks …
    sentence_ends: Sequence[int] = field(default_factory=list)  # offsets of 。 ! line breaks …
    heading_text: Sequence[int] = field(default_factory=list)  # where heading text begins (a clause starts)

    def _bounds(self, ends: Sequence[int], offset: int, reach: int) -> tuple[int, int]:
        i = bisect.bisect_right(ends, offset - 1)
        start = ends[i - 1] + 1 if i > 0 else 0
        end = ends[i] if i < len(ends) else len(self.shadow)
        j = bisect.bisect_right(self.heading_text, offset)
        if j and self.heading_text[j - 1] >= start:
            start = self.heading_text[j - 1]
        return self._strip(max(start, offset - reach), min(end, offset + reach))

    def _strip(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.shadow[start] in " 、":
            start += 1
        while end > start and self.shadow[end - 1] == " ":
            end -= 1
        return start, end

    def clause(self, offset: int) -> tuple[int, int]:
        """The clause holding ``offset``, at most CLAUSE_REACH characters either side of it."""
        return self._bounds(self.clause_ends, offset, CLAUSE_REACH)

    def sentence(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset``, at most SENTENCE_REACH characters either side of it."""
        return self._bounds(self.sentence_ends, offset, SENTENCE_REACH)

    def clauses_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The clauses of a span, in order."""
        cuts = self.clause_ends[bisect.bisect_left(self.clause_ends, start):bisect.bisect_left(self.clause_ends, end)]
        out = []
        for a, b in zip([start - 1, *cuts], [*cuts, end]):
            c_start, c_end = self._strip(a + 1, b)
            if c_end > c_start:
                out.append((c_start, c_end))
        return out


def clause_ends(shadow: str, clause_end: Pattern[str]) -> array.array[int]:
    """Offsets where the clauses of ``shadow`` end (``clause_end``: the pack's definition, see
    RulePack.clause_end), not counting commas inside a short quotation."""
    quoted = SpanSet((s + 1, e - 1) for s, e in (m.span() for m in _QUOTATION.finditer(shadow)))
    ends = (m.start() for m in clause_end.finditer(shadow))
    return offsets(e for e in ends if not quoted.overlaps(e, e + 1)) if quoted else offsets(ends)


def sentence_ends(shadow: str, sentence_end: Pattern[str]) -> array.array[int]:
    """Offsets where the sentences of ``shadow`` end (``sentence_end``: the pack's definition)."""
    return offsets(m.start() for m in sentence_end.finditer(shadow))
