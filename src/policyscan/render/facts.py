"""Extracted facts for people (a rich table) or for programs (JSON, JSONL, CSV).

Machine formats all come from ``Fact.to_record`` so they never disagree with each other;
the table adds one normalised "what" string per fact so a reader can check a fact at a glance.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from policyscan.model import FACT_KINDS, Document, Fact

from .common import describe, write_csv, write_json, write_jsonl

FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv")

_BASE_COLUMNS: tuple[str, ...] = ("doc", "kind", "section", "start", "end", "text", "rule")
# Union of the kind-specific fields, in a fixed order so CSV columns are stable across runs.
_FIELD_COLUMNS: tuple[str, ...] = (
    "value", "low", "high", "unit", "cmp", "indicator",  # quota
    "relation", "date", "begin",  # deadline
    "name", "role",  # unit
    "deadline", "quota",  # target
)

def render_facts(
    docs: Iterable[Document],
    fmt: str,
    out: TextIO,
    kinds: Collection[str] | None = None,
    console_width: int | None = None,
) -> None:
    """Write the facts of ``docs`` to ``out`` in format ``fmt`` (one of FORMATS).

    ``docs`` is consumed lazily and each document is written as soon as it arrives, so a
    batch of thousands of documents never has to sit in memory, in any format.

    ``kinds`` restricts output to those fact kinds; ``console_width`` only affects "table"
    and exists so tests (and pipes) get a deterministic layout.
    """
    if fmt == "table":
        _write_table(docs, out, kinds, console_width)
        return
    records = _records(docs, kinds)
    if fmt == "jsonl":
        write_jsonl(records, out)
    elif fmt == "json":
        write_json(records, out)
    elif fmt == "csv":
        write_csv(records, out, _BASE_COLUMNS + _FIELD_COLUMNS)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _selected(doc: Document, kinds: Collection[str] | None) -> list[Fact]:
    """The facts of ``doc`` the user asked for, in their (start-sorted) order."""
    return [f for f in doc.facts if kinds is None or f.kind in kinds]


def _records(docs: Iterable[Document], kinds: Collection[str] | None) -> Iterator[dict[str, Any]]:
    """Records in document order, then fact order: the one source for every machine format."""
    for doc in docs:
        for fact in _selected(doc, kinds):
            yield fact.to_record(doc.path)


def _heading(doc: Document, facts: list[Fact]) -> Text:
    """Path, year and per-kind counts: enough to tell documents apart when scrolling."""
    counts = Counter(f.kind for f in facts)
    known = {kind: i for i, kind in enumerate(FACT_KINDS)}
    order = sorted(counts, key=lambda kind: (known.get(kind, len(known)), kind))
    summary = ", ".join(f"{kind} {counts[kind]}" for kind in order) or "no facts"
    heading = Text(doc.path, style="bold")
    heading.append(f"  ({doc.year if doc.year is not None else 'year unknown'})  {summary}")
    return heading


def _section_table(section: str, title: str, facts: list[Fact]) -> Table:
    """One table per section; every column folds so CJK text wraps instead of being cut off."""
    table = Table(
        title=Text(f"{section or '(preamble)'} {title}".rstrip(), style="bold cyan"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for header in ("kind", "fact text", "what", "offsets"):
        table.add_column(header, overflow="fold")
    for fact in facts:
        # Text objects, not str: source text may contain "[...]", which rich would read as markup.
        cells = (fact.kind, fact.text, describe(fact), f"{fact.start}-{fact.end}")
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _write_table(
    docs: Iterable[Document], out: TextIO, kinds: Collection[str] | None, console_width: int | None
) -> None:
    """Human view; colour only when ``out`` is a terminal (rich decides, we never force it)."""
    console = Console(file=out, width=console_width, highlight=False, emoji=False)
    for doc in docs:
        facts = _selected(doc, kinds)
        console.print(_heading(doc, facts))
        by_section: dict[str, list[Fact]] = {}
        for fact in facts:
            by_section.setdefault(fact.section, []).append(fact)
        titles = {s.path: s.title for s in doc.all_sections()}
        for section, section_facts in by_section.items():
            console.print(_section_table(section, titles.get(section, ""), section_facts))
        console.print()
