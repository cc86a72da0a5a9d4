"""Extracted facts for people (a rich table) or for programs (JSON, JSONL, CSV).

Machine formats all come from ``Fact.to_record`` so they never disagree with each other;
the table adds one normalised "what" string per fact so a reader can check a fact at a glance.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any, BinaryIO, TextIO

from rich import box
from rich.table import Table
from rich.text import Text

from policyscan.model import FACT_KINDS, Document, Fact

from .common import describe, table_console, write_csv, write_json, write_jsonl
from .labels import ENGLISH, Labels
from .safe import printable

FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "xlsx", "html")

BASE_COLUMNS: tuple[str, ...] = ("doc", "kind", "section", "start", "end", "text", "rule")
# The document's metadata, repeated on each of its rows so a CSV row stands on its own.
DOCUMENT_COLUMNS: tuple[str, ...] = ("title", "doc_number", "issuer", "issued", "year")
# The fields each kind fills, in a fixed order so columns are stable across runs: an Excel
# sheet per kind takes its own, CSV takes them all.
KIND_FIELDS: Mapping[str, tuple[str, ...]] = {
    "quota": ("value", "low", "high", "unit", "cmp", "indicator"),
    "deadline": ("relation", "date", "begin"),
    "unit": ("name", "role"),
    "target": ("deadline", "quota"),
}
FIELD_COLUMNS: tuple[str, ...] = tuple(field for fields in KIND_FIELDS.values() for field in fields)

def render_facts(
    docs: Iterable[Document],
    fmt: str,
    out: TextIO | BinaryIO,
    kinds: Collection[str] | None = None,
    console_width: int | None = None,
    labels: Labels = ENGLISH,
) -> None:
    """Write the facts of ``docs`` to ``out`` in format ``fmt`` (one of FORMATS); ``out`` is
    a binary stream for "xlsx", a text stream otherwise.

    ``docs`` is consumed lazily and each document is written as soon as it arrives, so a
    batch of thousands of documents never has to sit in memory, in any format.

    ``kinds`` restricts output to those fact kinds; ``console_width`` only affects "table"
    and exists so tests (and pipes) get a deterministic layout. ``labels`` translates what
    people read (table, xlsx, html); machine formats stay English.
    """
    if fmt == "table":
        _write_table(docs, out, kinds, console_width, labels)
    elif fmt == "xlsx":
        from .xlsx import write_facts_xlsx
        write_facts_xlsx(docs, out, kinds, labels)
    elif fmt == "html":
        from .report import write_facts_html
        write_facts_html(docs, out, kinds, labels)
    elif fmt == "jsonl":
        write_jsonl(_records(docs, kinds), out)
    elif fmt == "json":
        write_json(_document_objects(docs, kinds), out)
    elif fmt == "csv":
        write_csv(_rows(docs, kinds), out, BASE_COLUMNS + FIELD_COLUMNS + DOCUMENT_COLUMNS)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _records(docs: Iterable[Document], kinds: Collection[str] | None) -> Iterator[dict[str, Any]]:
    """JSONL: per document its ``document`` record, then its facts in order."""
    for doc in docs:
        yield from doc.to_records(kinds)


def _document_objects(docs: Iterable[Document], kinds: Collection[str] | None) -> Iterator[dict[str, Any]]:
    """JSON: one object per document, its metadata with its facts inside."""
    for doc in docs:
        yield {**doc.record(), "facts": [f.to_record(doc.path) for f in doc.facts_of_kinds(kinds)]}


def _rows(docs: Iterable[Document], kinds: Collection[str] | None) -> Iterator[dict[str, Any]]:
    """CSV: one row per fact, with its document's metadata in the last columns."""
    for doc in docs:
        meta = doc.record()
        for fact in doc.facts_of_kinds(kinds):
            yield {**{k: meta[k] for k in DOCUMENT_COLUMNS}, **fact.to_record(doc.path)}


def _heading(doc: Document, facts: list[Fact], labels: Labels) -> Text:
    """Path, year and per-kind counts, then what the document says of itself: enough to
    tell documents apart when scrolling, and to see where the year came from."""
    counts = Counter(f.kind for f in facts)
    known = {kind: i for i, kind in enumerate(FACT_KINDS)}
    order = sorted(counts, key=lambda kind: (known.get(kind, len(known)), kind))
    summary = ", ".join(f"{labels(kind)} {counts[kind]}" for kind in order) or labels("no facts")
    meta = doc.meta
    year = (labels("{year} from {source}", year=meta.year, source=meta.sources.get("year", "?"))
            if meta.year is not None else labels("year unknown"))
    heading = Text(printable(doc.path, one_line=True), style="bold")
    heading.append(f"  ({year})  {summary}")
    about = " · ".join(v for v in (meta.title, meta.doc_number, meta.issuer, meta.issued) if v)
    if about:
        heading.append("\n" + printable(about, one_line=True), style="dim")
    return heading


def _section_table(section: str, title: str, facts: list[Fact], labels: Labels) -> Table:
    """One table per section; every column folds so CJK text wraps instead of being cut off."""
    table = Table(
        title=Text(printable(f"{section or labels('(preamble)')} {title}".rstrip()), style="bold cyan"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for header in ("kind", "fact text", "what", "offsets"):
        table.add_column(labels(header), overflow="fold")
    for fact in facts:
        cells = (labels(fact.kind), fact.text, describe(fact, labels), f"{fact.start}-{fact.end}")
        table.add_row(*(Text(printable(cell)) for cell in cells))
    return table


def _write_table(
    docs: Iterable[Document], out: TextIO, kinds: Collection[str] | None, console_width: int | None,
    labels: Labels,
) -> None:
    """Human view, one table per section of each document."""
    console = table_console(out, console_width)
    for doc in docs:
        facts = doc.facts_of_kinds(kinds)
        console.print(_heading(doc, facts, labels))
        by_section: dict[str, list[Fact]] = {}
        for fact in facts:
            by_section.setdefault(fact.section, []).append(fact)
        titles = {s.path: s.title for s in doc.all_sections()}
        for section, section_facts in by_section.items():
            console.print(_section_table(section, titles.get(section, ""), section_facts, labels))
        console.print()
