"""Comparisons for people (rich tables, Markdown) or programs (JSON, JSONL, CSV).

Every format is built from the same rows: one per paired task item and one per fact pair,
each carrying both sides' section path, quoted text and normalised value, the verdict and
the similarity. The tables put BASE in the first column and one column per OTHER document,
so several district plans can be read against one directive side by side.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from policyscan.compare import Comparison, FactPair, ItemPair
from policyscan.model import Document, Fact, Section

from .common import describe, write_csv, write_json, write_jsonl

COMPARE_FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "markdown")
KIND_ORDER = ("target", "quota", "deadline", "unit")
KIND_TITLES = {"item": "Task items", "target": "Targets", "quota": "Quotas",
               "deadline": "Deadlines", "unit": "Lead units (per task item)"}
_COLUMNS = ("base", "other", "kind", "verdict", "similarity", "detail",
            "base_section", "base_text", "base_value", "base_start", "base_end",
            "other_section", "other_text", "other_value", "other_start", "other_end")


def render_comparisons(comparisons: list[Comparison], fmt: str, out: TextIO,
                       console_width: int | None = None, changes_only: bool = False) -> None:
    """Write comparisons (BASE against each OTHER) in ``fmt`` (one of COMPARE_FORMATS).
    ``changes_only`` leaves out rows where nothing changed (same, same-lead, matched items)."""
    if fmt == "table":
        _write_table(comparisons, out, console_width, changes_only)
    elif fmt == "markdown":
        out.write(_markdown(comparisons, changes_only))
    elif fmt == "json":
        write_json(({"summary": c.summary(), "rows": list(_rows(c, changes_only))} for c in comparisons), out)
    elif fmt == "jsonl":
        write_jsonl(_records(comparisons, changes_only), out)
    elif fmt == "csv":
        write_csv((r for r in _records(comparisons, changes_only) if r["kind"] != "summary"), out, _COLUMNS)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(COMPARE_FORMATS)}")


# ---------------------------------------------------------------- records

def _fact_side(prefix: str, fact: Fact | None, doc: Document) -> dict[str, Any]:
    if fact is None:
        return {f"{prefix}_{k}": None for k in ("section", "text", "value", "start", "end")}
    return {f"{prefix}_section": fact.section, f"{prefix}_text": fact.text,
            f"{prefix}_value": describe(fact), f"{prefix}_start": fact.start, f"{prefix}_end": fact.end}


def _item_side(prefix: str, item: Section | None) -> dict[str, Any]:
    if item is None:
        return {f"{prefix}_{k}": None for k in ("section", "text", "value", "start", "end")}
    return {f"{prefix}_section": item.path, f"{prefix}_text": item.title, f"{prefix}_value": None,
            f"{prefix}_start": item.start, f"{prefix}_end": item.end}


def _item_verdict(pair: ItemPair) -> str:
    return "matched" if pair.base and pair.other else ("missing" if pair.base else "added")


def _unchanged(pair: FactPair | ItemPair) -> bool:
    return _item_verdict(pair) == "matched" if isinstance(pair, ItemPair) else not pair.changed


def _rows(c: Comparison, changes_only: bool = False) -> Iterator[dict[str, Any]]:
    """One record per paired item, then one per fact pair (targets, quotas, deadlines, leads)."""
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
                   "detail": pair.detail, **_fact_side("base", pair.base, c.base),
                   **_fact_side("other", pair.other, c.other)}


def _records(comparisons: list[Comparison], changes_only: bool) -> Iterator[dict[str, Any]]:
    """JSONL: a summary line per comparison, then its rows."""
    for c in comparisons:
        yield {"kind": "summary", **c.summary()}
        yield from _rows(c, changes_only)


# ---------------------------------------------------------------- side-by-side grid

def _grid(comparisons: list[Comparison], kind: str, changes_only: bool) -> list[tuple[Any, list[Any]]]:
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


def _cell(side: Section | Fact | None) -> str:
    if side is None:
        return "—"
    if isinstance(side, Section):
        return f"{side.path} {side.title}"
    value = describe(side)
    return f"[{side.section or '-'}] {side.text}" + (f" ⟨{value}⟩" if value else "")


def _verdict_line(pair: FactPair | ItemPair) -> str:
    verdict = _item_verdict(pair) if isinstance(pair, ItemPair) else pair.verdict
    sim = f" {pair.similarity:.2f}" if pair.similarity is not None else ""
    detail = getattr(pair, "detail", "")
    return f"{verdict.upper()}{sim}" + (f" ({detail})" if detail else "")


def _other_cell(pair: FactPair | ItemPair | None) -> str:
    if pair is None:
        return "—"
    return f"{_verdict_line(pair)}\n{_cell(pair.other)}" if pair.other is not None else _verdict_line(pair)


_STYLES = {"SAME": "green", "MATCHED": "green", "STRICTER": "cyan", "EARLIER": "cyan",
           "LOOSER": "red", "LATER": "red", "MISSING": "red", "DIFFERENT": "yellow", "ADDED": "blue",
           "LEAD": "yellow", "UNRESOLVED": "yellow"}


def _styled(text: str) -> Text:
    first = text.split(" ", 1)[0].split("\n", 1)[0]
    style = next((s for key, s in _STYLES.items() if first.startswith(key)), "")
    out = Text(text)
    if style:
        out.stylize(style, 0, len(first))
    return out


_SUMMARY_ROWS = (("BASE targets", "base_targets"), ("carried down", "carried_down"),
                 ("tightened", "tightened"), ("loosened", "loosened"), ("dropped", "dropped"),
                 ("added", "added"))


def _coverage(s: dict[str, Any]) -> str:
    return f"{s['items_matched']}/{s['base_items']} ({s['coverage']:.0%})"


def _summary_table(comparisons: list[Comparison]) -> Table:
    """Metrics as rows, one column per OTHER document, like the tables that follow."""
    table = Table(title=Text(f"BASE {comparisons[0].base.path}", style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("summary", no_wrap=True)
    for c in comparisons:
        table.add_column(c.other.path, justify="right", overflow="fold", ratio=1)
    summaries = [c.summary() for c in comparisons]
    for label, key in _SUMMARY_ROWS:
        table.add_row(label, *(str(s[key]) for s in summaries))
    table.add_row("task items matched", *(_coverage(s) for s in summaries))
    return table


def _kind_table(comparisons: list[Comparison], kind: str, changes_only: bool) -> Table | None:
    grid = _grid(comparisons, kind, changes_only)
    if not grid:
        return None
    table = Table(title=Text(KIND_TITLES[kind], style="bold cyan"), title_justify="left",
                  box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False)
    table.add_column("BASE", overflow="fold", ratio=1)
    for c in comparisons:
        table.add_column(c.other.path, overflow="fold", ratio=1)
    for base, row in grid:
        table.add_row(Text(_cell(base)), *(_styled(_other_cell(p)) for p in row))
    return table


def _write_table(comparisons: list[Comparison], out: TextIO, width: int | None,
                 changes_only: bool) -> None:
    console = Console(file=out, width=width, highlight=False, emoji=False)
    if not comparisons:
        return
    parts: list[Any] = [_summary_table(comparisons)]
    for kind in ("item",) + KIND_ORDER:
        table = _kind_table(comparisons, kind, changes_only)
        if table is not None:
            parts.append(table)
    console.print(Group(*parts))


# ---------------------------------------------------------------- markdown

def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _markdown(comparisons: list[Comparison], changes_only: bool) -> str:
    if not comparisons:
        return ""
    summaries = [c.summary() for c in comparisons]
    lines = [f"# Comparison with {comparisons[0].base.path}", "",
             "| summary | " + " | ".join(_md(c.other.path) for c in comparisons) + " |",
             "| --- |" + " ---: |" * len(comparisons)]
    for label, key in _SUMMARY_ROWS:
        lines.append(f"| {label} | " + " | ".join(str(s[key]) for s in summaries) + " |")
    lines.append("| task items matched | " + " | ".join(_coverage(s) for s in summaries) + " |")
    for kind in ("item",) + KIND_ORDER:
        grid = _grid(comparisons, kind, changes_only)
        if not grid:
            continue
        lines += ["", f"## {KIND_TITLES[kind]}", "",
                  "| BASE | " + " | ".join(_md(c.other.path) for c in comparisons) + " |",
                  "| --- |" + " --- |" * len(comparisons)]
        for base, row in grid:
            lines.append(f"| {_md(_cell(base))} | " + " | ".join(_md(_other_cell(p)) for p in row) + " |")
    return "\n".join(lines) + "\n"
