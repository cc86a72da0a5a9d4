"""What every fact interpreter needs to know about a document: spans to ignore, clause and
sentence boundaries, the section at an offset, and the rule matches that survived."""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

import regex

from ..model import Document, Fact
from ..rules import Rule, RulePack

# Rule fields that steer the engine rather than describe the fact.
CONTROL_FIELDS = ("mode", "scope", "follows_convention", "dates_goals")
_CLAUSE_BREAK = regex.compile(r"[,;。:!\n]|[ ]{2,}")
_SENTENCE_BREAK = regex.compile(r"[。!\n]|[ ]{2,}")
_CITATION = regex.compile(r"《[^《》\n]{1,80}》")
# A short quotation is one phrase: commas inside “两不愁,三保障” do not end a clause.
_QUOTATION = regex.compile(r"“[^“”\n]{1,30}”")


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
    ignored: list[tuple[int, int]] = field(default_factory=list)  # chrome, titles, citations
    facts: list[Fact] = field(default_factory=list)  # facts found so far, by earlier kinds

    @classmethod
    def build(cls, doc: Document, pack: RulePack) -> Context:
        ctx = cls(doc=doc, pack=pack)
        ctx.ignored = sorted(doc.chrome + ctx._title_spans() + ctx._citation_spans())
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
                if previous and len(previous[2]) <= 40 and not _CLAUSE_BREAK.search(previous[2]):
                    spans.append(previous[:2])
                spans.append((offset, offset + len(line)))
            if body:
                previous = (offset, offset + len(line), body)
            offset += len(line)
        return spans

    def _citation_spans(self) -> list[tuple[int, int]]:
        """《…》 titles of cited documents: their years and numbers belong to the title."""
        return [m.span() for m in _CITATION.finditer(self.doc.shadow)]

    def is_ignored(self, start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in self.ignored)

    @functools.cached_property
    def _clause_breaks(self) -> list[int]:
        quoted = [m.span() for m in _QUOTATION.finditer(self.doc.shadow)]
        return [m.start() for m in _CLAUSE_BREAK.finditer(self.doc.shadow)
                if not any(s < m.start() < e for s, e in quoted)]

    @functools.cached_property
    def _sentence_breaks(self) -> list[int]:
        return [m.start() for m in _SENTENCE_BREAK.finditer(self.doc.shadow)]

    @functools.cached_property
    def _heading_ends(self) -> list[int]:
        """Where the text after each heading marker begins: a clause starts there too."""
        return sorted(s.text_start for s in self.doc.all_sections())

    def _bounds(self, breaks: list[int], offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(breaks, offset - 1)
        start = breaks[i - 1] + 1 if i > 0 else 0
        end = breaks[i] if i < len(breaks) else len(self.doc.shadow)
        heads = [h for h in self._heading_ends if start <= h <= offset]
        if heads:
            start = max(start, heads[-1])
        return self._strip(start, end)

    def _strip(self, start: int, end: int) -> tuple[int, int]:
        text = self.doc.shadow
        while start < end and text[start] in " 、":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        return start, end

    def clause(self, offset: int) -> tuple[int, int]:
        """The clause holding ``offset``: between , ; 。 : line breaks and heading markers."""
        return self._bounds(self._clause_breaks, offset)

    def sentence(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset``: between 。 and line breaks (or lost ones)."""
        return self._bounds(self._sentence_breaks, offset)

    def clauses_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The clauses of a span, in order."""
        cuts = [b for b in self._clause_breaks if start <= b < end]
        out = []
        for a, b in zip([start - 1] + cuts, cuts + [end]):
            c_start, c_end = self._strip(a + 1, b)
            if c_end > c_start:
                out.append((c_start, c_end))
        return out

    def section_path(self, offset: int) -> str:
        section = self.doc.section_at(offset)
        return section.path if section else ""

    def fact(self, kind: str, rule: Rule, start: int, end: int, **fields: object) -> Fact:
        """A fact whose text is the original (not the shadow) at the span. A rule's constant
        ``fields`` are carried over, under the values the interpreter computed."""
        constants = {k: v for k, v in rule.fields.items() if k not in CONTROL_FIELDS}
        return Fact(kind=kind, text=self.doc.text[start:end], start=start, end=end,
                    section=self.section_path(start), rule=rule.id, fields={**constants, **fields})

    def facts_of(self, kind: str, start: int, end: int) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind and start <= f.start and f.end <= end]


def run_rules(ctx: Context, kind: str) -> list[Match]:
    """Every rule of ``kind`` over the shadow; overlaps go to the higher priority, then the
    longer match, then the earlier one, then a skip rule. Skip rules win spans but yield nothing."""
    candidates: list[Match] = []
    for rule in ctx.pack.by_kind(kind):
        for m in rule.compiled.finditer(ctx.doc.shadow):
            if m.end() > m.start() and not ctx.is_ignored(m.start(), m.end()):
                candidates.append(Match(rule, m))
    candidates.sort(key=lambda c: (-c.rule.priority, -(c.end - c.start), c.start, c.rule.action != "skip"))
    taken: list[tuple[int, int]] = []
    kept: list[Match] = []
    for c in candidates:
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        if c.rule.action == "emit":
            kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept
