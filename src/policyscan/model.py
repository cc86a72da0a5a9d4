"""The small data model every pipeline stage shares: documents, sections, items, facts.

Offsets are always character offsets into ``Document.text`` (the decoded text as the
user would open it). ``Document.shadow`` is a normalised copy of the same length, so an
offset found by matching the shadow is an offset into the original too.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .text.spans import Breaks, SpanSet

FACT_KINDS: tuple[str, ...] = ("quota", "deadline", "unit", "target")
# The <meta name="generator"> of policyscan's HTML reports: a report written into a folder of
# inputs is recognised when that folder is read again, not analysed as a policy.
REPORT_GENERATOR = "policyscan"
# What to install for --format xlsx (said before any input is read, and by the writer itself).
OPENPYXL_MISSING = "writing Excel workbooks needs openpyxl: pip install 'policyscan[xlsx]'"


@dataclass(slots=True)
class Section:
    """A numbered heading of the document and the span it governs (heading to next sibling)."""

    path: str  # e.g. "二/(四)/1"
    marker: str  # the heading's own marker, e.g. "(四)"
    title: str  # heading text after the marker, up to the first 。 or line end
    start: int  # offset of the marker
    end: int  # offset where the section's span ends
    depth: int  # 1 for the outermost heading level
    text_start: int = 0  # where the heading's text begins, after the marker and its punctuation
    children: list[Section] = field(default_factory=list)

    @property
    def is_item(self) -> bool:
        """A task item is a numbered section with no numbered sections below it."""
        return not self.children


@dataclass(slots=True)
class Fact:
    """One extracted fact tied to its exact place in the document."""

    kind: str  # one of FACT_KINDS
    text: str  # exact source substring, Document.text[start:end]
    start: int
    end: int
    section: str  # section path, "" for text before the first heading
    rule: str  # id of the rule that produced it
    fields: dict[str, Any] = field(default_factory=dict)

    def to_record(self, doc: str) -> dict[str, Any]:
        """The JSONL record of this fact (see README, "JSONL schema")."""
        record: dict[str, Any] = {
            "doc": doc,
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "section": self.section,
            "rule": self.rule,
        }
        record.update(self.fields)
        return record


@dataclass
class Metadata:
    """What a document says about itself, and where each value was read (``sources``:
    field → option, front_matter, signature, session, title). ``year`` resolves dates
    written without a year (7月底, 今年); it is the issue year when that is known.
    ``period`` is the span of years a plan states for itself (行动计划(2025—2027年), “十四五”):
    its tasks are due by the period's end, not by the issue year."""

    title: str | None = None
    doc_number: str | None = None  # 文号, e.g. 国发〔2018〕39号
    issuer: str | None = None
    issued: str | None = None  # ISO date of issue or signature
    year: int | None = None
    period: tuple[int, int] | None = None  # first and last year of the plan's own period
    sources: dict[str, str] = field(default_factory=dict)

    def to_record(self, doc: str) -> dict[str, Any]:
        """The JSONL record of kind ``document`` that precedes a document's facts."""
        return {"doc": doc, "kind": "document", "title": self.title, "doc_number": self.doc_number,
                "issuer": self.issuer, "issued": self.issued, "year": self.year,
                "period": list(self.period) if self.period else None, "sources": dict(self.sources)}


@dataclass
class Document:
    """A decoded document and everything the pipeline learns about it."""

    path: str  # the path as the user gave it ("-" for stdin)
    text: str  # the plain text of the file: decoded text, or what a web page, Word file or PDF reads as
    encoding: str = "utf-8"  # of the bytes the text was decoded from ("" when the format has none)
    format: str = "text"  # text, html, docx, pdf, doc, wps, ofd …
    shadow: str = ""  # normalised text, same length as ``text``
    chrome: SpanSet = field(default_factory=SpanSet)  # web-page chrome spans
    sections: list[Section] = field(default_factory=list)  # top-level sections (a tree)
    breaks: Breaks | None = None  # clause and sentence boundaries, from the structure stage
    meta: Metadata = field(default_factory=Metadata)
    facts: list[Fact] = field(default_factory=list)
    # What a reader of the results should know about how this document was read (bytes that
    # could not be decoded, a number too large to be an amount): nothing is dropped silently.
    notices: list[str] = field(default_factory=list)
    _fact_index: dict[str, tuple[list[int], list[Fact]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _fact_index_key: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.path = printable_name(self.path)

    @property
    def issued(self) -> str | None:
        """The document's own date (ISO), when it gives one."""
        return self.meta.issued

    @property
    def year(self) -> int | None:
        """The year that dates written without one are resolved from."""
        return self.meta.year

    def facts_of_kinds(self, kinds: Collection[str] | None) -> list[Fact]:
        """The facts of ``kinds`` (all when None), in their (start-sorted) order."""
        return [f for f in self.facts if kinds is None or f.kind in kinds]

    def to_records(self, kinds: Collection[str] | None = None) -> list[dict[str, Any]]:
        """The JSONL records of this document: its ``document`` record, then its facts (of
        ``kinds``, or all) in order. What ``extract --format jsonl`` writes for it."""
        return [self.record(), *(f.to_record(self.path) for f in self.facts_of_kinds(kinds))]

    def record(self) -> dict[str, Any]:
        """The record of kind ``document``: what the document says of itself, and its notices."""
        return {**self.meta.to_record(self.path), "notices": list(self.notices)}

    def all_sections(self) -> list[Section]:
        """Every section of the tree in document order."""
        out: list[Section] = []
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            out.append(section)
            stack.extend(reversed(section.children))
        return out

    def items(self) -> list[Section]:
        """The task items: leaf sections in document order."""
        return [s for s in self.all_sections() if s.is_item]

    def holders(self, offset: int) -> list[Section]:
        """The sections whose spans hold ``offset``, outermost first."""
        chain: list[Section] = []
        level = self.sections
        while level:  # siblings are in order and disjoint: bisect, not scan (asked once per fact)
            i = bisect.bisect_right(level, offset, key=_start) - 1
            if i < 0 or offset >= level[i].end:
                break
            chain.append(level[i])
            level = level[i].children
        return chain

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds ``offset``."""
        chain = self.holders(offset)
        return chain[-1] if chain else None

    def facts_in(self, kind: str, start: int, end: int) -> list[Fact]:
        """Facts of ``kind`` that start within [start, end): what a task item or goal states."""
        starts, facts = self._facts_by_start(kind)
        return facts[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]

    def _facts_by_start(self, kind: str) -> tuple[list[int], list[Fact]]:
        """The facts of ``kind`` sorted by start, indexed once per list of facts: compare and
        check ask for the facts of every item and fact, which a scan of all facts each time
        would make quadratic in the length of a document."""
        key = (id(self.facts), len(self.facts))
        if self._fact_index_key != key:
            self._fact_index, self._fact_index_key = {}, key
        if kind not in self._fact_index:
            facts = sorted((f for f in self.facts if f.kind == kind), key=_start)
            self._fact_index[kind] = ([f.start for f in facts], facts)
        return self._fact_index[kind]

    def in_chrome(self, start: int, end: int) -> bool:
        """True when the span overlaps web-page chrome."""
        return self.chrome.overlaps(start, end)


# Lone surrogates: how Python holds the bytes of a file name that are not UTF-8 (os.fsdecode).
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable_name(name: str) -> str:
    """``name`` as valid text: a file name's bytes that are not UTF-8 (held as surrogates
    U+DC80..U+DCFF) shown as \\xff escapes, any other lone surrogate as \\udxxx. Every
    document path and every message goes through it, so no output format or terminal is
    handed text it cannot encode."""
    def escape(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
    return _SURROGATE.sub(escape, name)


def _start(item: Section | Fact) -> int:
    return item.start


class PolicyscanError(Exception):
    """An error the user can act on; the message names the file and the problem."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(printable_name(a) if isinstance(a, str) else a for a in args))


class InputError(PolicyscanError):
    """A document could not be read or decoded."""


class AnalysisError(InputError):
    """A document was read but could not be analysed (a worker process died, or a bug met
    text it did not expect): that document is reported and skipped, the batch goes on."""


class RulePackError(PolicyscanError):
    """A rule pack is malformed: the message names the file, the rule id and the problem."""
