"""Comparisons for people (rich tables, Markdown) or programs (JSON, JSONL, CSV).

Every format is built from the same rows: one per paired task item and one per fact pair,
each carrying both sides' section path, quoted text and normalised value, the verdict and
the similarity. The tables put BASE in the first column and one column per OTHER document,
so several district plans can be read against one directive side by side.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from policyscan.compare import Comparison, FactPair, ItemPair
from policyscan.model import Fact, Section

from .common import describe, write_csv, write_json, write_jsonl
from .labels import ENGLISH, Labels

COMPARE_FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "markdown", "xlsx", "html")
KIND_ORDER = ("target", "quota", "deadline", "unit")
KIND_TITLES = {"item": "Task items", "target": "Targets", "quota": "Quotas",
               "deadline": "Deadlines", "unit": "Lead units (per task item)"}
COLUMNS = ("base", "other", "kind", "verdict", "similarity", "detail",
            "base_section", "base_text", "base_value", "base_start", "base_end",
            "other_section", "other_text", "other_value", "other_start", "other_end")


def render_comparisons(comparisons: list[Comparison], fmt: str, out: TextIO | BinaryIO,
                       console_width: int | None = None, changes_only: bool = False,
                       labels: Labels = ENGLISH) -> None:
    """Write comparisons (BASE against each OTHER) in ``fmt`` (one of COMPARE_FORMATS); ``out``
    is a binary stream for "xlsx", a text stream otherwise. ``changes_only`` leaves out rows
    where nothing changed (same, same-lead, matched items); ``labels`` translates what people
    read (table, markdown, xlsx, html)."""
    if fmt == "table":
        _write_table(comparisons, out, console_width, changes_only, labels)
    elif fmt == "markdown":
        out.write(_markdown(comparisons, changes_only, labels))
    elif fmt == "xlsx":
        from .xlsx import write_comparisons_xlsx
        write_comparisons_xlsx(comparisons, out, changes_only, labels)
    elif fmt == "html":
        from .report import write_comparisons_html
        write_comparisons_html(comparisons, out, changes_only, labels)
    elif fmt == "json":
        write_json(({"summary": c.summary(), "rows": list(comparison_rows(c, changes_only))} for c in comparisons), out)
    elif fmt == "jsonl":
        write_jsonl(_records(comparisons, changes_only), out)
    elif fmt == "csv":
        write_csv((r for r in _records(comparisons, changes_only) if r["kind"] != "summary"), out, COLUMNS)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(COMPARE_FORMATS)}")


# ---------------------------------------------------------------- records

def _fact_side(prefix: str, fact: Fact | None, labels: Labels) -> dict[str, Any]:
    if fact is None:
        return {f"{prefix}_{k}": None for k in ("section", "text", "value", "start", "end")}
    return {f"{prefix}_section": fact.section, f"{prefix}_text": fact.text,
            f"{prefix}_value": describe(fact, labels), f"{prefix}_start": fact.start, f"{prefix}_end": fact.end}


def _item_side(prefix: str, item: Section | None) -> dict[str, Any]:
    if item is None:
        return {f"{prefix}_{k}": None for k in ("section", "text", "value", "start", "end")}
    return {f"{prefix}_section": item.path, f"{prefix}_text": item.title, f"{prefix}_value": None,
            f"{prefix}_start": item.start, f"{prefix}_end": item.end}


def _item_verdict(pair: ItemPair) -> str:
    return "matched" if pair.base and pair.other else ("missing" if pair.base else "added")


def _unchanged(pair: FactPair | ItemPair) -> bool:
    return _item_verdict(pair) == "matched" if isinstance(pair, ItemPair) else not pair.changed


def comparison_rows(c: Comparison, changes_only: bool = False, labels: Labels = ENGLISH
                    ) -> Iterator[dict[str, Any]]:
    """One record per paired item, then one per fact pair (targets, quotas, deadlines, leads);
    ``labels`` only words the normalised values (``describe``)."""
    head = {"base": c.base.path, "other": c.other.path}
    for item in c.items:
        if changes_only and _unchanged(item):
            continue
        yield {**head, "kind": "item", "verdict": _item_verdict(item), "similarity": item.similarity,
               "detail": "", **_item_side("base", item.base), **_item_side("other", item.other)}
    for kind in KIND_ORDER:
        for pair in (p for p in c.pairs if p.kind == kind):
            if changes_only and _unchanged(pair):
                continue
            yield {**head, "kind": kind, "verdict": pair.verdict, "similarity": pair.similarity,
                   "detail": pair.detail, **_fact_side("base", pair.base, labels),
                   **_fact_side("other", pair.other, labels)}


def _records(comparisons: list[Comparison], changes_only: bool) -> Iterator[dict[str, Any]]:
    """JSONL: a summary line per comparison, then its rows."""
    for c in comparisons:
        yield {"kind": "summary", **c.summary()}
        yield from comparison_rows(c, changes_only)


# ---------------------------------------------------------------- side-by-side grid

def side_by_side(comparisons: list[Comparison], kind: str, changes_only: bool) -> list[tuple[Any, list[Any]]]:
    """Rows of one kind keyed by the BASE side, with one cell per OTHER document; what an
    OTHER adds gets rows of its own. Items are keyed by Section, facts by Fact. With
    ``changes_only``, a row where no OTHER changed anything is left out."""
    order: list[Any] = []
    cells: dict[int, list[Any]] = {}
    added: list[tuple[Any, list[Any]]] = []
    for n, c in enumerate(comparisons):
        pairs: list[Any] = c.items if kind == "item" else [p for p in c.pairs if p.kind == kind]
        for pair in pairs:
            if pair.base is None:
                row: list[Any] = [None] * len(comparisons)
                row[n] = pair
                added.append((None, row))
                continue
            if id(pair.base) not in cells:
                order.append(pair.base)
                cells[id(pair.base)] = [None] * len(comparisons)
            cells[id(pair.base)][n] = pair
    rows = [(base, cells[id(base)]) for base in order] + added
    if changes_only:
        rows = [(base, row) for base, row in rows if not all(p is None or _unchanged(p) for p in row)]
    return rows


def _cell(side: Section | Fact | None, labels: Labels = ENGLISH) -> str:
    if side is None:
        return "—"
    if isinstance(side, Section):
        return f"{side.path} {side.title}"
    value = describe(side, labels)
    return f"[{side.section or '-'}] {side.text}" + (f" ⟨{value}⟩" if value else "")


def pair_verdict(pair: FactPair | ItemPair) -> str:
    """The verdict of a fact pair, or matched / missing / added for a task-item pair."""
    return _item_verdict(pair) if isinstance(pair, ItemPair) else pair.verdict


def _verdict_line(pair: FactPair | ItemPair, labels: Labels) -> str:
    verdict = pair_verdict(pair)
    shown = verdict.upper() if labels.language == "en" else labels(verdict)
    sim = f" {pair.similarity:.2f}" if pair.similarity is not None else ""
    detail = getattr(pair, "detail", "")
    return f"{shown}{sim}" + (f" ({detail})" if detail else "")


def _other_cell(pair: FactPair | ItemPair | None, labels: Labels) -> str:
    if pair is None:
        return "—"
    line = _verdict_line(pair, labels)
    return f"{line}\n{_cell(pair.other, labels)}" if pair.other is not None else line


# Verdict → colour: green kept, cyan tightened, red loosened or lost, yellow changed, blue added.
VERDICT_COLOURS = {"same": "green", "same-lead": "green", "matched": "green", "stricter": "cyan",
                   "earlier": "cyan", "looser": "red", "later": "red", "missing": "red",
                   "lead-missing": "red", "different-unit": "yellow", "different-lead": "yellow",
                   "unresolved": "yellow", "added": "blue", "lead-added": "blue"}


def _styled_cell(pair: FactPair | ItemPair | None, labels: Labels) -> Text:
    """The OTHER cell with its verdict (the first word of the cell) in the verdict's colour."""
    text = Text(_other_cell(pair, labels))
    if pair is not None:
        verdict_end = len(_verdict_line(pair, labels).split(" ", 1)[0])
        text.stylize(VERDICT_COLOURS.get(pair_verdict(pair), ""), 0, verdict_end)
    return text


SUMMARY_ROWS = (("BASE targets", "base_targets"), ("carried down", "carried_down"),
                ("tightened", "tightened"), ("loosened", "loosened"), ("dropped", "dropped"),
                ("added", "added"))


def coverage(s: dict[str, Any]) -> str:
    """Task items of BASE that OTHER matched: "12/15 (80%)"."""
    return f"{s['items_matched']}/{s['base_items']} ({s['coverage']:.0%})"


def _summary_table(comparisons: list[Comparison], labels: Labels) -> Table:
    """Metrics as rows, one column per OTHER document, like the tables that follow."""
    table = Table(title=Text(f"{labels('BASE')} {comparisons[0].base.path}", style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(labels("summary"), no_wrap=True)
    for c in comparisons:
        table.add_column(c.other.path, justify="right", overflow="fold", ratio=1)
    summaries = [c.summary() for c in comparisons]
    for label, key in SUMMARY_ROWS:
        table.add_row(labels(label), *(str(s[key]) for s in summaries))
    table.add_row(labels("task items matched"), *(coverage(s) for s in summaries))
    return table


def _kind_table(comparisons: list[Comparison], kind: str, changes_only: bool, labels: Labels) -> Table | None:
    grid = side_by_side(comparisons, kind, changes_only)
    if not grid:
        return None
    table = Table(title=Text(labels(KIND_TITLES[kind]), style="bold cyan"), title_justify="left",
                  box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False)
    table.add_column(labels("BASE"), overflow="fold", ratio=1)
    for c in comparisons:
        table.add_column(c.other.path, overflow="fold", ratio=1)
    for base, row in grid:
        table.add_row(Text(_cell(base, labels)), *(_styled_cell(p, labels) for p in row))
    return table


def _write_table(comparisons: list[Comparison], out: TextIO, width: int | None,
                 changes_only: bool, labels: Labels) -> None:
    console = Console(file=out, width=width, highlight=False, emoji=False)
    if not comparisons:
        return
    parts: list[Any] = [_summary_table(comparisons, labels)]
    for kind in ("item",) + KIND_ORDER:
        table = _kind_table(comparisons, kind, changes_only, labels)
        if table is not None:
            parts.append(table)
    console.print(Group(*parts))


# ---------------------------------------------------------------- markdown

def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _markdown(comparisons: list[Comparison], changes_only: bool, labels: Labels) -> str:
    if not comparisons:
        return ""
    summaries = [c.summary() for c in comparisons]
    lines = [f"# {labels('Comparison with {path}', path=comparisons[0].base.path)}", "",
             f"| {labels('summary')} | " + " | ".join(_md(c.other.path) for c in comparisons) + " |",
             "| --- |" + " ---: |" * len(comparisons)]
    for label, key in SUMMARY_ROWS:
        lines.append(f"| {labels(label)} | " + " | ".join(str(s[key]) for s in summaries) + " |")
    lines.append(f"| {labels('task items matched')} | " + " | ".join(coverage(s) for s in summaries) + " |")
    for kind in ("item",) + KIND_ORDER:
        grid = side_by_side(comparisons, kind, changes_only)
        if not grid:
            continue
        lines += ["", f"## {labels(KIND_TITLES[kind])}", "",
                  f"| {labels('BASE')} | " + " | ".join(_md(c.other.path) for c in comparisons) + " |",
                  "| --- |" + " --- |" * len(comparisons)]
        for base, row in grid:
            lines.append(f"| {_md(_cell(base, labels))} | "
                         + " | ".join(_md(_other_cell(p, labels)) for p in row) + " |")
    return "\n".join(lines) + "\n"
