"""What every fact interpreter needs to know about a document: spans to ignore, clause and
sentence boundaries, the section at an offset, and the rule matches that survived."""
from __future__ import annotations

import bisect
import functools
import sys
from dataclasses import dataclass, field

import regex

from ..model import Document, Fact
from ..rules import Rule, RulePack
from ..text.spans import Breaks, SpanSet

_CITATION = regex.compile(r"《[^《》]{1,100}》")  # a title may wrap over lines
_LOOSE_HEADING_MAX = 30  # characters: longer unpunctuated lines are run-on text, not headings



def _shared(value: object) -> object:
    """A short text value (a unit, a date, a comparator, an indicator) as one shared string:
    the same few values come back on thousands of facts (75,000 in a 20 MB document)."""
    return sys.intern(value) if type(value) is str and len(value) <= 32 else value

@dataclass
class Match:
    """A rule match on the shadow text that an interpreter turns into a fact."""

    rule: Rule
    m: regex.Match[str]

    @property
    def start(self) -> int:
        return self.m.start()

    @property
    def end(self) -> int:
        return self.m.end()

    def group(self, name: str) -> str | None:
        """A named group's text, or None when the pattern has no such group or it did not take part."""
        try:
            return self.m.group(name)
        except (IndexError, regex.error):
            return None

    def span(self, name: str) -> tuple[int, int] | None:
        try:
            start, end = self.m.span(name)
        except (IndexError, regex.error):
            return None
        return None if start < 0 else (start, end)


@dataclass
class Context:
    """A document being extracted, with the spans and boundaries interpreters share."""

    doc: Document
    pack: RulePack
    ignored: SpanSet = field(default_factory=SpanSet)  # chrome, titles, citations
    facts: list[Fact] = field(default_factory=list)  # facts found so far, by earlier kinds
    _windows: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)  # by anchor pattern
    _fact_index: dict[str, tuple[int, list[int], list[Fact]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, doc: Document, pack: RulePack) -> Context:
        ctx = cls(doc=doc, pack=pack)
        ctx.ignored = SpanSet([*doc.chrome, *ctx._title_spans(), *ctx._citation_spans()])
        return ctx

    def _title_spans(self) -> list[tuple[int, int]]:
        """Title-block lines before the first heading (names of the document itself); a
        title broken over two lines takes the short unpunctuated line before it too."""
        pattern = self.pack.compile_list("title_lines")
        if pattern is None:
            return []
        first = self.doc.sections[0].start if self.doc.sections else len(self.doc.shadow)
        spans: list[tuple[int, int]] = []
        offset, previous = 0, None
        for line in self.doc.shadow[:first].splitlines(keepends=True):
            body = line.strip()
            if body and pattern.search(body):
                if previous and len(previous[2]) <= 40 and not self.pack.clause_end.search(previous[2]):
                    spans.append(previous[:2])
                spans.append((offset, offset + len(line)))
            if body:
                previous = (offset, offset + len(line), body)
            offset += len(line)
        return spans

    def _citation_spans(self) -> list[tuple[int, int]]:
        """《…》 titles of cited documents: their years and numbers belong to the title."""
        return [m.span() for m in _CITATION.finditer(self.doc.shadow)]

    def sections_headed(self, list_name: str) -> SpanSet:
        """Spans of the parts whose heading matches the pack's pattern list ``list_name``
        (retrospective_headings: 工作回顾, 现状与形势 …): numbered sections, and the text
        under an unnumbered heading line (a reprint's “十四五”时期经济社会发展回顾) up to the
        next such line."""
        pattern = self.pack.compile_list(list_name)
        if pattern is None:
            return SpanSet()
        shadow = self.doc.shadow
        spans = SpanSet((s.start, s.end) for s in self.doc.all_sections()
                        if pattern.search(shadow[s.text_start:s.text_start + len(s.title)]))
        loose = self._loose_headings
        for (start, end), following in zip(loose, loose[1:] + [(len(shadow), 0)]):
            if pattern.search(shadow[start:end]):
                spans.add(start, following[0])
        return spans

    @functools.cached_property
    def _loose_headings(self) -> list[tuple[int, int]]:
        """Lines that stand as headings without a number: short, no clause punctuation, not
        in the title block or chrome, with text after them."""
        out, offset = [], 0
        for line in self.doc.shadow.splitlines(keepends=True):
            body = line.strip()
            start = offset + line.index(body) if body else offset
            if (4 <= len(body) <= _LOOSE_HEADING_MAX and not self.pack.clause_end.search(body)
                    and not self.is_ignored(start, start + len(body)) and not body[0].isdigit()):
                out.append((start, start + len(body)))
            offset += len(line)
        return out

    def windows(self, anchors: regex.Pattern[str] | None) -> list[tuple[int, int]]:
        """Where a rule with these anchors is run: around each anchor word, from the start of
        the non-blank line before its own to the end of the non-blank line after, merged. A
        literal scan finds the anchors far faster than a rule's pattern can fail at every
        position, and most of a document is far from any anchor (a text whose line breaks
        were lost is one line: it is scanned whole). Without anchors: the whole text."""
        shadow = self.doc.shadow
        if anchors is None:
            return [(0, len(shadow))]
        cached = self._windows.get(anchors.pattern)
        if cached is None:
            spans: list[tuple[int, int]] = []
            for m in anchors.finditer(shadow):
                start, end = _line_before(shadow, m.start()), _line_after(shadow, m.end())
                if spans and start <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
                else:
                    spans.append((start, end))
            cached = self._windows[anchors.pattern] = spans
        return cached

    def is_ignored(self, start: int, end: int) -> bool:
        return self.ignored.overlaps(start, end)

    @property
    def breaks(self) -> Breaks:
        assert self.doc.breaks is not None, "the structure stage runs before extract"
        return self.doc.breaks

    def clause(self, offset: int) -> tuple[int, int]:
        """The clause holding ``offset``: between , ; 。 : line breaks and heading markers."""
        return self.breaks.clause(offset)

    def sentence(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset``: between 。 and line breaks (or lost ones)."""
        return self.breaks.sentence(offset)

    def clauses_in(self, start: int, end: int) -> list[tuple[int, int]]:
        return self.breaks.clauses_in(start, end)

    def section_path(self, offset: int) -> str:
        section = self.doc.section_at(offset)
        return section.path if section else ""

    def fact(self, kind: str, rule: Rule, start: int, end: int, **fields: object) -> Fact:
        """A fact whose text is the original (not the shadow) at the span. A rule's constant
        ``fields`` are carried over, under the values the interpreter computed."""
        values = {k: _shared(v) for k, v in fields.items()}
        return Fact(kind=kind, text=self.doc.text[start:end], start=start, end=end,
                    section=self.section_path(start), rule=rule.id, fields={**rule.fields, **values})

    def facts_of(self, kind: str, start: int, end: int) -> list[Fact]:
        """Facts of ``kind`` found so far that lie within [start, end), in order."""
        starts, facts = self._by_kind(kind, len(self.facts))
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        return [f for f in facts[lo:hi] if f.end <= end]

    def _by_kind(self, kind: str, known: int) -> tuple[list[int], list[Fact]]:
        """The facts of ``kind`` sorted by start, kept until ``known`` (the count of facts)
        changes: each kind's facts are added at once, so the index is built once per kind."""
        cached = self._fact_index.get(kind)
        if cached is None or cached[0] != known:
            facts = sorted((f for f in self.facts if f.kind == kind), key=lambda f: f.start)
            cached = self._fact_index[kind] = (known, [f.start for f in facts], facts)
        return cached[1], cached[2]


def _line_before(text: str, offset: int) -> int:
    """The start of the non-blank line before the line holding ``offset`` (0 if none)."""
    start = text.rfind("\n", 0, offset)
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return text.rfind("\n", 0, start) + 1 if start > 0 else 0


def _line_after(text: str, offset: int) -> int:
    """The end (past its line break) of the non-blank line after the line holding ``offset``."""
    end = text.find("\n", offset)
    while 0 <= end < len(text) - 1 and text[end + 1].isspace():
        end += 1
    end = text.find("\n", end + 1) if end >= 0 else -1
    return end + 1 if end >= 0 else len(text)


def run_rules(ctx: Context, kind: str) -> list[Match]:
    """Every rule of ``kind`` over the shadow (a rule with anchors only where they occur);
    overlaps go to the higher priority, then the longer match, then the earlier one, then a
    skip rule. Skip rules win spans but yield nothing."""
    candidates: list[Match] = []
    for rule in ctx.pack.by_kind(kind):
        for start, end in ctx.windows(rule.anchors):
            for m in rule.finditer(ctx.doc.shadow, start, end):
                if m.end() > m.start() and not ctx.is_ignored(m.start(), m.end()):
                    candidates.append(Match(rule, m))
    candidates.sort(key=lambda c: (-c.rule.priority, -(c.end - c.start), c.start, c.rule.action != "skip"))
    taken = SpanSet()
    kept: list[Match] = []
    for c in candidates:
        if taken.overlaps(c.start, c.end):
            continue
        taken.add(c.start, c.end)
        if c.rule.action == "emit":
            kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept
