"""RENDER stage: write extracted facts for people (a rich table) or for programs (JSON, JSONL, CSV).

Machine formats all come from ``Fact.to_record`` so they never disagree with each other;
the table adds one normalised "what" string per fact so a reader can check a fact at a glance.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from policyscan.model import FACT_KINDS, Document, Fact

FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv")

_BASE_COLUMNS: tuple[str, ...] = ("doc", "kind", "section", "start", "end", "text", "rule")
# Union of the kind-specific fields, in a fixed order so CSV columns are stable across runs.
_FIELD_COLUMNS: tuple[str, ...] = (
    "value", "low", "high", "unit", "cmp", "indicator",  # quota
    "relation", "date", "begin",  # deadline
    "name", "role",  # unit
    "deadline", "quota",  # target
)

_CMP_SYMBOLS: dict[str, str] = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}


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
    writers: dict[str, Callable[[Iterator[dict[str, Any]], TextIO], None]] = {
        "json": _write_json,
        "jsonl": _write_jsonl,
        "csv": _write_csv,
    }
    if fmt not in writers:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")
    writers[fmt](_records(docs, kinds), out)


def _selected(doc: Document, kinds: Collection[str] | None) -> list[Fact]:
    """The facts of ``doc`` the user asked for, in their (start-sorted) order."""
    return [f for f in doc.facts if kinds is None or f.kind in kinds]


def _records(docs: Iterable[Document], kinds: Collection[str] | None) -> Iterator[dict[str, Any]]:
    """Records in document order, then fact order: the one source for every machine format."""
    for doc in docs:
        for fact in _selected(doc, kinds):
            yield fact.to_record(doc.path)


def _write_jsonl(records: Iterator[dict[str, Any]], out: TextIO) -> None:
    """One object per line so results can be streamed and grepped."""
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_json(records: Iterator[dict[str, Any]], out: TextIO) -> None:
    """A single array, for tools that want one JSON value, written record by record."""
    out.write("[")
    for i, record in enumerate(records):
        body = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("," if i else "") + "\n  " + body)
    out.write("\n]\n")


def _write_csv(records: Iterator[dict[str, Any]], out: TextIO) -> None:
    """CSV with a BOM: without it Excel decodes UTF-8 Chinese text as the local code page.

    Fields outside the fixed column set are dropped rather than shifting columns.
    """
    out.write("\ufeff")
    writer = csv.DictWriter(
        out, fieldnames=_BASE_COLUMNS + _FIELD_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for record in records:
        writer.writerow({key: _csv_cell(value) for key, value in record.items()})


def _csv_cell(value: Any) -> Any:
    """Flatten a value into one cell: nested structures as compact JSON, None as empty."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _num(value: Any) -> str:
    """A number without a spurious ".0"; "?" when the extractor could not fill it."""
    if value is None:
        return "?"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _amount(fields: Mapping[str, Any]) -> str:
    """Comparator, number (or low–high range) and unit, e.g. "≥ 8700 元" or "3–5 次"."""
    cmp = fields.get("cmp")
    if cmp == "range":
        parts = [f"{_num(fields.get('low'))}–{_num(fields.get('high'))}"]
    else:
        parts = [_CMP_SYMBOLS.get(cmp, cmp or ""), _num(fields.get("value"))]
    parts.append(fields.get("unit") or "")
    return " ".join(p for p in parts if p)


def _describe(fact: Fact) -> str:
    """The normalised meaning of a fact, shown next to its source text in the table."""
    fields = fact.fields
    if fact.kind == "quota":
        indicator = fields.get("indicator")
        return _amount(fields) + (f" · {indicator}" if indicator else "")
    if fact.kind == "deadline":
        relation, date = fields.get("relation") or "", fields.get("date")
        if date is None:
            return f"{relation} unresolved".strip()
        if relation == "during":
            return f"{fields.get('begin') or '?'} … {date}"
        return f"{relation} {date}".strip()
    if fact.kind == "unit":
        name = fields.get("name") or ""
        # the name is shown only where it differs from the source text (市 → 市党委政府)
        return f"{fields.get('role') or ''} {name if name != fact.text else ''}".strip()
    if fact.kind == "target":
        quota, deadline = fields.get("quota"), fields.get("deadline")
        parts = [_amount(quota) if quota else "", f"by {deadline}" if deadline else ""]
        return " · ".join(p for p in parts if p)
    return ""


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
        cells = (fact.kind, fact.text, _describe(fact), f"{fact.start}-{fact.end}")
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
