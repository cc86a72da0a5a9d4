"""What every renderer shares: record writers (JSONL, JSON, CSV), the console tables are
printed on, and the one-line description of a fact's normalised value, so fact and
comparison output never disagree."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from policyscan.model import Fact
from policyscan.text.numbers import amount

from .labels import ENGLISH, Labels
from .safe import formula_like

if TYPE_CHECKING:
    from rich.console import Console


def table_console(out: TextIO, width: int | None) -> Console:
    """A console for the human views. Colour only when ``out`` is a terminal (rich decides, we
    never force it). No markup, highlighting or emoji codes: a document's "[/y]" or ":x:" is
    text to show, never an instruction to rich (nor a MarkupError). Control characters are
    the renderers' to make visible (``safe.printable``) before rich measures the text."""
    from rich.console import Console  # not at the top: the results store uses this module without rich

    return Console(file=out, width=width, markup=False, highlight=False, emoji=False)


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> None:
    """One object per line so results can be streamed and grepped."""
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_json(records: Iterable[dict[str, Any]], out: TextIO) -> None:
    """A single array, for tools that want one JSON value, written record by record."""
    out.write("[")
    for i, record in enumerate(records):
        body = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("," if i else "") + "\n  " + body)
    out.write("\n]\n")


def write_csv(records: Iterable[dict[str, Any]], out: TextIO, columns: Sequence[str]) -> None:
    """CSV with a BOM: without it Excel decodes UTF-8 Chinese text as the local code page.

    Fields outside the fixed column set are dropped rather than shifting columns.
    """
    out.write("\ufeff")
    writer = csv.DictWriter(
        out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    # Python before 3.11.9 and 3.12.3 leaves a cell holding a bare CR (a file name can) unquoted
    # when lines end with LF, and readers take that CR for the end of the row: such a row is
    # written with every cell quoted.
    quoting = csv.DictWriter(
        out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n", quoting=csv.QUOTE_ALL
    )
    writer.writeheader()
    for record in records:
        row = {key: csv_cell(value) for key, value in record.items()}
        (quoting if any(isinstance(cell, str) and "\r" in cell for cell in row.values()) else writer).writerow(row)


# One row per fact, for tables that hold facts of every kind (the results store, Parquet): the
# JSONL keys queries filter on as typed columns (None where a kind has no such key), and the
# whole JSONL record as JSON, so no field of the contract is lost.
FACT_TABLE_TYPES: dict[str, type] = {
    "doc": str, "kind": str, "text": str, "start": int, "end": int, "section": str, "rule": str,
    "value": float, "low": float, "high": float, "unit": str, "cmp": str, "indicator": str,  # quota
    "relation": str, "date": str, "begin": str, "year": int,  # deadline (a target's deadline, too)
    "name": str, "role": str,  # unit
    "record": str,
}


def fact_table_row(record: dict[str, Any]) -> dict[str, Any]:
    """A fact's JSONL record as one row of FACT_TABLE_TYPES."""
    date = record.get("date") or record.get("deadline")
    row = {column: record.get(column) for column in FACT_TABLE_TYPES}
    for column in ("value", "low", "high"):
        row[column] = None if row[column] is None else float(row[column])
    row.update(date=date, year=int(date[:4]) if date else None, record=json.dumps(record, ensure_ascii=False))
    return row


def csv_cell(value: Any) -> Any:
    """Flatten a value into one cell: nested structures as compact JSON, None as empty, and
    text that a spreadsheet would read as a formula (=HYPERLINK(…), @SUM(…)) prefixed with
    an apostrophe so it stays text. Numbers are left alone: -5 is a number, not a formula."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def describe(fact: Fact, labels: Labels = ENGLISH) -> str:
    """The normalised meaning of a fact, shown next to its source text in the table."""
    fields = fact.fields
    if fact.kind == "quota":
        indicator = fields.get("indicator")
        return amount(fields) + (f" · {indicator}" if indicator else "")
    if fact.kind == "deadline":
        relation, date = fields.get("relation") or "", fields.get("date")
        if date is None:
            return f"{labels(relation) if relation else ''} {labels('unresolved')}".strip()
        if relation == "during":
            return f"{fields.get('begin') or '?'} … {date}"
        return f"{labels(relation) if relation else ''} {date}".strip()
    if fact.kind == "unit":
        name, role = fields.get("name") or "", fields.get("role") or ""
        # the name is shown only where it differs from the source text (市 → 市党委政府)
        return f"{labels(role) if role else ''} {name if name != fact.text else ''}".strip()
    if fact.kind == "target":
        quota, deadline = fields.get("quota"), fields.get("deadline")
        parts = [amount(quota) if quota else "", f"{labels('by')} {deadline}" if deadline else ""]
        return " · ".join(p for p in parts if p)
    return ""
