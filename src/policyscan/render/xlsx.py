"""Excel workbooks (``--format xlsx``) for extract, compare and check: one sheet per kind of
row, each with a bold frozen header, an autofilter and columns wide enough for Chinese text.

Every sheet comes from the same records the other formats print (``Fact.to_record``,
``comparison_rows``, the review records); only the cell types are Excel's own: numbers as
numbers, ISO dates as dates, lists joined with 、, None as an empty cell.

Memory: extract may be given thousands of documents, so the workbook is written in
openpyxl's write-only mode, each sheet streaming to its own temporary file. Column widths
and the frozen header must be written before a sheet's first row, so each sheet holds back
its first ``SAMPLE_ROWS`` rows, sizes its columns from them (and decides which columns wrap),
then streams the rest; the autofilter, written after the rows, covers them all.

Safety: document text is untrusted. Every string is written as a string cell (never a
formula or an error value, whatever it starts with), and one that starts like a formula
(= + - @, tab, CR, or a full-width ＝＋－＠: see ``safe.formula_like``) also gets Excel's quotePrefix style, so that editing the cell in Excel
keeps it text. Neither changes the value a program reads back. Characters XML cannot hold (C0 controls) become
U+FFFD, one for one, so a fact's text keeps the length its start/end offsets give.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from policyscan.check import Review
from policyscan.compare import Comparison
from policyscan.model import FACT_KINDS, OPENPYXL_MISSING, Document, Fact, PolicyscanError
from policyscan.text.numbers import amount

from .common import csv_cell, describe
from .comparison import COLUMNS, KIND_ORDER, KIND_TITLES, SUMMARY_ROWS, VERDICT_COLOURS, comparison_rows
from .facts import BASE_COLUMNS, DOCUMENT_COLUMNS, KIND_FIELDS
from .labels import Labels
from .review import SEVERITY_COLOURS, finding_record, item_record, finding_message, status_text
from .safe import formula_like

try:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
except ImportError as exc:  # openpyxl is the optional "xlsx" extra
    raise PolicyscanError(OPENPYXL_MISSING) from exc

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SAMPLE_ROWS = 200  # rows per sheet that column widths are measured on
MAX_WIDTH = 60  # widest column, in Latin characters; wider text wraps
_MAX_CELL = 32767  # characters Excel holds in one cell
_INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})

_FACT_COLUMNS = tuple(c for c in BASE_COLUMNS if c != "kind")  # the sheet is the kind
KIND_SHEETS: Mapping[str, str] = {"quota": "Quotas", "deadline": "Deadlines", "unit": "Responsible units",
                                  "target": "Targets"}
_SUMMARY_COLUMNS = ("base", "other", "related", "similarity", "truncated", *(key for _, key in SUMMARY_ROWS),
                    "base_items", "items_matched", "coverage", "differences")

# Header message id of a record key, where it is not the key itself.
_HEADERS: Mapping[str, str] = {
    "unit": "unit of measure", "lead": "lead units", "responsible": "responsible units",
    "items": "task items",
    **{key: label for label, key in SUMMARY_ROWS},
    "base_items": "BASE task items", "items_matched": "task items matched",
}
_DATES = frozenset({"issued", "date", "begin", "deadline"})  # keys whose values are ISO dates
_NUMBER_FORMATS: Mapping[str, str] = {"coverage": "0%"}
# Keys whose values are message ids themselves (a verdict, a role), shown translated.
_TRANSLATED = frozenset({"verdict", "severity", "role", "relation", "cmp", "deadline_source"})

# Rich colour names (the tables' verdict and severity colours) → light fills that keep text legible.
_LIGHT = {"green": "C6EFCE", "cyan": "CCECF0", "red": "FFC7CE", "yellow": "FFEB9C", "blue": "DDEBF7"}
_FILLS: Mapping[str, Mapping[str, PatternFill]] = {
    "verdict": {v: PatternFill("solid", fgColor=_LIGHT[c]) for v, c in VERDICT_COLOURS.items()},
    "severity": {s: PatternFill("solid", fgColor=_LIGHT[colour]) for s, colour in SEVERITY_COLOURS.items()},
}
_BOLD = Font(bold=True)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)

_Columns = Sequence[tuple[str, str]]  # (record key, header message id)
_Row = list[tuple[str, Any, Any]]  # (key, value as stored, value as recorded: what fills go by)


def _columns(keys: Iterable[str]) -> list[tuple[str, str]]:
    """Record keys with their header ids."""
    return [(key, _HEADERS.get(key, key)) for key in keys]


def sheet_title(name: str) -> str:
    """A valid Excel sheet name: at most 31 characters, none of []:*?/\\, no edge apostrophe."""
    return name.translate(_INVALID_TITLE)[:31].strip("'") or "_"


def display_width(value: Any) -> int:
    """Columns a value takes on screen: East Asian wide and fullwidth characters count 2."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
               for line in text.split("\n"))


def _cell_value(key: str, value: Any, labels: Labels) -> Any:
    """What Excel stores for a record value: numbers and dates as such, everything else text."""
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, list):
        return "、".join(map(str, value))
    if not isinstance(value, str):
        return csv_cell(value)
    if key in _DATES:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return labels(value) if key in _TRANSLATED else value


class _Sheet:
    """One write-only worksheet fed with records; see the module docstring for the layout."""

    def __init__(self, ws: WriteOnlyWorksheet, cols: _Columns, labels: Labels) -> None:
        self._ws = ws
        self._keys = [key for key, _ in cols]
        self._header = [labels(header) for _, header in cols]
        self._labels = labels
        self._held: list[_Row] | None = []  # rows held back until the columns are sized
        self._wrap: list[bool] = []
        self._rows = 0

    def append(self, record: Mapping[str, Any]) -> None:
        row = [(key, _cell_value(key, record.get(key), self._labels), record.get(key)) for key in self._keys]
        self._rows += 1
        if self._held is None:
            self._write(row)
            return
        self._held.append(row)
        if len(self._held) >= SAMPLE_ROWS:
            self._start()

    def finish(self) -> None:
        """Write what is held back and filter the whole data range."""
        if self._held is not None:
            self._start()
        self._ws.auto_filter.ref = f"A1:{get_column_letter(len(self._keys))}{self._rows + 1}"

    def _start(self) -> None:
        """Size the columns on the held rows, then write the header and those rows."""
        held, self._held = self._held or [], None
        for i, header in enumerate(self._header, 1):
            natural = max([display_width(header)] + [display_width(row[i - 1][1]) for row in held
                                                     if row[i - 1][1] not in (None, "")]) + 2
            self._ws.column_dimensions[get_column_letter(i)].width = min(natural, MAX_WIDTH)
            self._wrap.append(natural > MAX_WIDTH)
        self._ws.freeze_panes = "A2"
        header = [self._text(h) for h in self._header]
        for cell in header:
            cell.font = _BOLD
        self._ws.append(header)
        for row in held:
            self._write(row)

    def _write(self, row: _Row) -> None:
        cells: list[WriteOnlyCell | None] = []
        for (key, value, raw), wrap in zip(row, self._wrap):
            if value is None or value == "":
                cells.append(None)
                continue
            cell = self._text(value) if isinstance(value, str) else WriteOnlyCell(self._ws, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif key in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[key]
            if key in _FILLS and raw in _FILLS[key]:
                cell.fill = _FILLS[key][raw]
            cell.alignment = _WRAP if wrap else _TOP
            cells.append(cell)
        self._ws.append(cells)

    def _text(self, text: str) -> WriteOnlyCell:
        """A string cell that is never a formula (see the module docstring)."""
        cell = WriteOnlyCell(self._ws, ILLEGAL_CHARACTERS_RE.sub("\ufffd", text[:_MAX_CELL]))
        cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error: make them text again
        if formula_like(text):
            cell.quotePrefix = True
        return cell


class _Book:
    """A write-only workbook whose sheets are all finished before it is saved."""

    def __init__(self, labels: Labels) -> None:
        self._book = Workbook(write_only=True)
        self._sheets: list[_Sheet] = []
        self.labels = labels

    def sheet(self, title: str, cols: _Columns) -> _Sheet:
        """A new sheet; ``title`` is a message id."""
        sheet = _Sheet(self._book.create_sheet(sheet_title(self.labels(title))), cols, self.labels)
        self._sheets.append(sheet)
        return sheet

    def save(self, out: BinaryIO) -> None:
        for sheet in self._sheets:
            sheet.finish()
        self._book.save(out)


def write_facts_xlsx(docs: Iterable[Document], out: BinaryIO, kinds: Collection[str] | None,
                     labels: Labels) -> None:
    """A documents sheet (metadata and fact counts), then one sheet per requested fact kind."""
    chosen = [kind for kind in FACT_KINDS if kinds is None or kind in kinds]
    book = _Book(labels)
    documents = book.sheet("Documents", _columns(("doc", *DOCUMENT_COLUMNS, "format", "notices"))
                           + [(kind, kind) for kind in chosen])
    sheets = {kind: book.sheet(KIND_SHEETS[kind], _columns((*_FACT_COLUMNS, *KIND_FIELDS[kind], "what")))
              for kind in chosen}
    for doc in docs:
        facts = doc.facts_of_kinds(chosen)
        counts = Counter(f.kind for f in facts)
        documents.append({**doc.meta.to_record(doc.path), "notices": "\n".join(doc.notices), "format": doc.format, **{k: counts[k] for k in chosen}})
        for fact in facts:
            sheets[fact.kind].append(_fact_record(doc, fact, labels))
    book.save(out)


def _fact_record(doc: Document, fact: Fact, labels: Labels) -> dict[str, Any]:
    """The fact's record, a target's quota worded as in the table, and the "what" column."""
    record = fact.to_record(doc.path)
    if isinstance(record.get("quota"), dict):
        record["quota"] = amount(record["quota"])
    return {**record, "what": describe(fact, labels)}


def write_comparisons_xlsx(comparisons: list[Comparison], out: BinaryIO, labels: Labels) -> None:
    """A summary sheet (one row per OTHER document), then one sheet per kind of row."""
    book = _Book(labels)
    summary = book.sheet("Summary", _columns(_SUMMARY_COLUMNS))
    row_columns = _columns(c for c in COLUMNS if c != "kind")
    sheets = {kind: book.sheet(KIND_TITLES[kind], row_columns) for kind in ("item", *KIND_ORDER)}
    for c in comparisons:
        summary.append(c.summary())
        for row in comparison_rows(c, labels):
            sheets[row["kind"]].append(row)
    book.save(out)


def write_reviews_xlsx(reviews: Iterable[Review], out: BinaryIO, labels: Labels) -> None:
    """Documents (counts), task items and findings, each on its own sheet."""
    book = _Book(labels)
    documents = book.sheet("Documents", _columns(("doc", "year", "items", "errors", "warnings")))
    items = book.sheet("Task items", _columns(("doc", "section", "item", "lead", "responsible", "deadline",
                                              "deadline_source", "status")))
    findings = book.sheet("Findings", _columns(("doc", "section", "severity", "check", "message", "text",
                                               "context", "start", "end")))
    for review in reviews:
        documents.append({"doc": review.doc.path, "year": review.doc.year, "items": len(review.items),
                          "errors": review.errors, "warnings": review.warnings})
        for status in review.items:
            items.append({**item_record(review, status), "status": status_text(status, labels)})
        for finding in review.findings:
            findings.append({**finding_record(review, finding), "message": finding_message(finding, labels)})
    book.save(out)
