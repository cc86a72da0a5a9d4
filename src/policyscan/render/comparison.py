"""Comparisons for people (rich tables, Markdown) or programs (JSON, JSONL, CSV).

Programs get every row: one per pair of corresponding items and one per fact row, each
with both sides' section path, quoted text, offsets and normalised value, the verdict and
the similarity (README, "compare JSON"). People get, by default, one screen per OTHER
document: the summary, the changes that need a decision, and what was dropped or added
listed compactly by section; ``everything`` shows every row side by side, one column per
OTHER document, so several district plans can be read against one directive.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from policyscan.compare import FACT_ROW_KINDS, Comparison, FactPair, ItemPair
from policyscan.model import Fact, Section

from .common import describe, table_console, write_csv, write_json, write_jsonl
from .labels import ENGLISH, Labels
from .safe import printable

COMPARE_FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "markdown", "xlsx", "html")
KIND_ORDER = FACT_ROW_KINDS
KIND_TITLES = {"item": "Task items", "target": "Targets", "quota": "Quotas",
               "deadline": "Deadlines", "lead": "Lead units (per task item)"}
COLUMNS = ("base", "other", "kind", "verdict", "similarity", "detail",
           "base_section", "base_text", "base_value", "base_start", "base_end",
           "other_section", "other_text", "other_value", "other_start", "other_end")
# Verdicts that ask a reader to decide something, besides dropped (missing) and added facts.
DECISIONS = ("stricter", "looser", "different-unit", "earlier", "later", "unresolved", "different")

Pair = FactPair | ItemPair


def render_comparisons(comparisons: list[Comparison], fmt: str, out: TextIO | BinaryIO,
                       console_width: int | None = None, everything: bool = False,
                       labels: Labels = ENGLISH) -> None:
    """Write comparisons (BASE against each OTHER) in ``fmt`` (one of COMPARE_FORMATS); ``out``
    is a binary stream for "xlsx", a text stream otherwise. ``everything`` turns the table
    and Markdown views from one screen per OTHER into every row; the other formats always
    hold every row. ``labels`` translates what people read."""
    if fmt == "table":
        console = table_console(out, console_width)
        if comparisons:
            console.print(Group(*(_full_tables(comparisons, labels) if everything
                                  else [_screen(c, labels) for c in comparisons])))
    elif fmt == "markdown":
        out.write(printable(_markdown(comparisons, everything, labels)))
    elif fmt == "xlsx":
        from .xlsx import write_comparisons_xlsx
        write_comparisons_xlsx(comparisons, out, labels)
    elif fmt == "html":
        from .report import write_comparisons_html
        write_comparisons_html(comparisons, out, labels)
    elif fmt == "json":
        write_json(({"summary": c.summary(), "rows": list(comparison_rows(c))} for c in comparisons), out)
    elif fmt == "jsonl":
        write_jsonl(_records(comparisons), out)
    elif fmt == "csv":
        write_csv((r for c in comparisons for r in comparison_rows(c)), out, COLUMNS)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(COMPARE_FORMATS)}")


# ---------------------------------------------------------------- records

def _fact_side(prefix: str, fact: Fact | None, labels: Labels) -> dict[str, Any]:
    if fact is None:
        return {f"{prefix}_{k}": None for k in ("section", "text", "value", "start", "end")}
    return {f"{prefix}_section": fact.section, f"{prefix}_text": fact.text,
            f"{prefix}_value": describe(fact, labels), f"{prefix}_start": fact.start, f"{prefix}_end": fact.end}


def _item_side(prefix: str, item: Section) -> dict[str, Any]:
    """An item spans its whole text; a section with items below it spans its own text, up to
    its first sub-section (its heading and any lead-in), so it stands for itself alone."""
    end = item.children[0].start if item.children else item.end
    return {f"{prefix}_section": item.path, f"{prefix}_text": item.title, f"{prefix}_value": None,
            f"{prefix}_start": item.start, f"{prefix}_end": end}


def rows_of(c: Comparison, kind: str) -> list[Pair]:
    """The pairs of one row kind (item, target, quota, deadline, lead), in document order."""
    return list(c.item_rows) if kind == "item" else list(c.fact_rows(kind))


def comparison_rows(c: Comparison, labels: Labels = ENGLISH) -> Iterator[dict[str, Any]]:
    """One record per pair of corresponding items, then one per fact row (targets, quotas,
    deadlines, leads): the COLUMNS, and (JSON only) ``base_restated`` / ``other_restated``
    (where a document repeats the value) and ``base_units`` / ``other_units`` (a lead row's
    units); ``labels`` only words the normalised values."""
    head = {"base": c.base.path, "other": c.other.path}
    for item in c.item_rows:
        yield {**head, "kind": "item", "verdict": item.verdict, "similarity": item.similarity, "detail": "",
               **_item_side("base", item.base), **_item_side("other", item.other),
               "base_restated": [], "other_restated": [], "base_units": [], "other_units": []}
    for kind in KIND_ORDER:
        for pair in c.fact_rows(kind):
            yield {**head, "kind": kind, "verdict": pair.verdict, "similarity": pair.similarity,
                   "detail": pair.detail, **_fact_side("base", pair.base, labels),
                   **_fact_side("other", pair.other, labels),
                   **{f"{side}_restated": [{"section": f.section, "text": f.text, "start": f.start, "end": f.end}
                                           for f in getattr(pair, f"{side}_restated")] for side in ("base", "other")},
                   "base_units": pair.base_units, "other_units": pair.other_units}


def _records(comparisons: list[Comparison]) -> Iterator[dict[str, Any]]:
    """JSONL: a summary line per comparison, then its rows."""
    for c in comparisons:
        yield {"kind": "summary", **c.summary()}
        yield from comparison_rows(c)


# ---------------------------------------------------------------- one screen per OTHER

def _fact_words(fact: Fact) -> str:
    """A fact as a reader recognises it in a list: its text, led by its indicator when the
    text does not name it (灌排机械动力 达到1.3亿千瓦)."""
    text = " ".join(fact.text.split())
    indicator = fact.fields.get("indicator") if fact.kind == "quota" else fact.fields.get("name")
    if indicator and indicator not in text:
        return f"{indicator} {text}"
    return text


def _side_words(pair: FactPair, side: str) -> str:
    """What one side of a row says: for a lead every unit of the assignment, else its fact."""
    return "、".join(getattr(pair, f"{side}_units")) or _fact_words(getattr(pair, side))


def _side_line(pair: FactPair, side: str, labels: Labels) -> str:
    fact = getattr(pair, side)
    return "—" if fact is None else f"[{fact.section or labels('(preamble)')}] {_side_words(pair, side)}"


def _grouped(pairs: list[FactPair], side: str, labels: Labels) -> list[Text]:
    """Dropped or added facts, one paragraph per kind, each section named once:
    "quota: 一/(二) a · b · 三/(二) c"."""
    lines = []
    for kind in KIND_ORDER:
        chosen = [p for p in pairs if p.kind == kind]
        if not chosen:
            continue
        if kind == "lead":
            lines.append(_leads_by_units(chosen, side, labels))
            continue
        facts: list[Fact] = [getattr(p, side) for p in chosen]  # a dropped fact's BASE, an added one's OTHER
        line = Text(f"  {labels(kind)}:", style="dim")
        section = None
        for n, fact in enumerate(facts):
            line.append(" · " if n else " ")
            if fact.section != section:
                section = fact.section
                line.append(printable(f"{section or labels('(preamble)')} "), style="bold")
            line.append(printable(_fact_words(fact)))
        lines.append(line)
    return lines


def _leads_by_units(pairs: list[FactPair], side: str, labels: Labels) -> Text:
    """Dropped or added assignments, each list of units named once with the sections it is
    assigned in: "lead: 农业农村部 三/(七) · 三/(八) · 四/(九)"."""
    sections: dict[str, list[str]] = {}
    for pair in pairs:
        fact: Fact = getattr(pair, side)
        sections.setdefault(_side_words(pair, side), []).append(fact.section or labels("(preamble)"))
    line = Text(f"  {labels('lead')}:", style="dim")
    for n, (units, where) in enumerate(sections.items()):
        line.append("; " if n else " ")
        line.append(printable(f"{units} "), style="bold")
        line.append(printable(" · ".join(dict.fromkeys(where))))
    return line


def _items_line(title: str, items: list[dict[str, Any]], style: str) -> Text:
    line = Text(f"{title} ({len(items)}): ", style=style)
    line.append(printable(" · ".join(f"{i['section']} {_clipped(i['title'], 12)}" for i in items)))
    return line


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counts_line(s: dict[str, Any], labels: Labels) -> Text:
    parts = [(labels("similarity"), f"{s['similarity']:.2f}"), (labels("items taken up"), f"{s['items_matched']}/{s['base_items'] - len(s['items_not_reached'])}"
              f" ({s['coverage']:.0%})")]
    parts += [(labels(label), str(s[key])) for label, key in SUMMARY_ROWS]
    line = Text()
    for n, (label, value) in enumerate(parts):
        line.append(("" if n == 0 else " · ") + f"{label} ")
        line.append(value, style="bold")
    return line


def _screen(c: Comparison, labels: Labels) -> Group:
    """BASE against one OTHER on one screen: summary, decisions, then dropped and added."""
    s = c.summary()
    parts: list[Any] = [Text.assemble((f"{labels('BASE')} ", "bold"), printable(c.base.path, one_line=True)),
                        Text.assemble((f"{labels('OTHER')} ", "bold"), printable(c.other.path, one_line=True))]
    if not c.related:
        parts.append(Text(labels("No item of OTHER corresponds to BASE (similarity {similarity}): the documents "
                                 "look unrelated, so nothing is judged.", similarity=f"{s['similarity']:.2f}"),
                          style="yellow"))
        return Group(*parts, Text())
    parts.append(_counts_line(s, labels))
    if c.truncated:
        parts.append(Text(labels("OTHER ends mid-sentence (truncated): BASE items past its end are "
                                 "not reached, not dropped."), style="yellow"))
    decisions = [p for p in c.pairs if p.verdict in DECISIONS]
    if decisions:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False,
                      title=Text(f"{labels('Needs a decision')} ({len(decisions)})", style="bold cyan"),
                      title_justify="left")
        for header in ("kind", "verdict", "BASE", "OTHER"):
            table.add_column(labels(header), overflow="fold", ratio=1 if header in ("BASE", "OTHER") else None)
        for p in decisions:
            verdict = Text(labels(p.verdict), style=VERDICT_COLOURS.get(p.verdict, ""))
            if p.detail and p.kind != "lead":  # a lead's sides list its units
                verdict.append("\n" + printable(p.detail), style="dim")
            table.add_row(labels(p.kind), verdict, *(Text(printable(_side_line(p, side, labels)))
                                                     for side in ("base", "other")))
        parts.append(table)
    for title, verdict, side, style in (("Dropped: in BASE, not in OTHER", "missing", "base", "red"),
                                        ("Added: in OTHER, not in BASE", "added", "other", "blue")):
        rows = [p for p in c.pairs if p.verdict == verdict]
        if rows:
            kinds = Counter(p.kind for p in rows)
            counts = ", ".join(f"{kinds[k]} {labels(k)}" for k in KIND_ORDER if kinds[k])
            parts.append(Text(f"{labels(title)} ({counts})", style=f"bold {style}"))
            parts += _grouped(rows, side, labels)
    for title, key, style in (("BASE items not taken up", "items_not_taken_up", "red"),
                              ("BASE items not reached", "items_not_reached", "yellow"),
                              ("OTHER items with no counterpart", "items_new", "blue")):
        if s[key]:
            parts.append(_items_line(labels(title), s[key], f"bold {style}"))
    return Group(*parts, Text())


# ---------------------------------------------------------------- every row, side by side

def side_by_side(comparisons: list[Comparison], kind: str) -> list[tuple[Any, list[list[Pair]]]]:
    """Rows of one kind keyed by the BASE side (a Section for items, a Fact otherwise), with
    one cell per OTHER document holding its pairs (an item may have several counterparts);
    what an OTHER adds gets rows of its own."""
    order: list[Any] = []
    cells: dict[int, list[list[Pair]]] = {}
    added: list[tuple[Any, list[list[Pair]]]] = []
    for n, c in enumerate(comparisons):
        for pair in rows_of(c, kind):
            if pair.base is None:
                row: list[list[Pair]] = [[] for _ in comparisons]
                row[n].append(pair)
                added.append((None, row))
                continue
            if id(pair.base) not in cells:
                order.append(pair.base)
                cells[id(pair.base)] = [[] for _ in comparisons]
            cells[id(pair.base)][n].append(pair)
    return [(base, cells[id(base)]) for base in order] + added


def _cell(side: Section | Fact | None, labels: Labels = ENGLISH) -> str:
    if side is None:
        return "—"
    if isinstance(side, Section):
        return f"{side.path} {side.title}"
    value = describe(side, labels)
    return f"[{side.section or '-'}] {side.text}" + (f" ⟨{value}⟩" if value else "")


def _verdict_parts(pair: Pair, labels: Labels) -> tuple[str, str]:
    """A pair's verdict line as the verdict word (the part coloured) and what follows it."""
    shown = pair.verdict.upper() if labels.language == "en" else labels(pair.verdict)
    sim = f" {pair.similarity:.2f}" if pair.similarity is not None else ""
    detail = getattr(pair, "detail", "")
    return shown, sim + (f" ({detail})" if detail else "")


def _verdict_line(pair: Pair, labels: Labels) -> str:
    return "".join(_verdict_parts(pair, labels))


def _other_cell(pairs: list[Pair], labels: Labels) -> str:
    if not pairs:
        return "—"
    return "\n".join(f"{_verdict_line(p, labels)}\n{_cell(p.other, labels)}" if p.other is not None
                     else _verdict_line(p, labels) for p in pairs)


# Verdict → colour: green kept, cyan tightened, red loosened or lost, yellow changed, blue added.
VERDICT_COLOURS = {"same": "green", "matched": "green", "stricter": "cyan", "earlier": "cyan",
                   "looser": "red", "later": "red", "missing": "red", "different-unit": "yellow",
                   "different": "yellow", "unresolved": "yellow", "added": "blue"}


def _styled_cell(pairs: list[Pair], labels: Labels) -> Text:
    """``_other_cell`` with each verdict word in its verdict's colour, built pair by pair from
    the pairs (not found again in the rendered text)."""
    if not pairs:
        return Text("—")
    text = Text()
    for n, pair in enumerate(pairs):
        shown, rest = _verdict_parts(pair, labels)
        other = f"\n{_cell(pair.other, labels)}" if pair.other is not None else ""
        text.append("\n" if n else "")
        text.append(printable(shown), style=VERDICT_COLOURS.get(pair.verdict, ""))
        text.append(printable(rest + other))
    return text


SUMMARY_ROWS = (("carried down", "carried_down"), ("tightened", "tightened"), ("loosened", "loosened"),
                ("dropped", "dropped"), ("added", "added"), ("leads changed", "leads_changed"),
                ("deadlines moved", "deadlines_moved"))


def coverage(s: dict[str, Any]) -> str:
    """BASE items OTHER takes up, of those it reaches: "12/15 (80%)"."""
    reached = s["base_items"] - len(s["items_not_reached"])
    return f"{s['items_matched']}/{reached} ({s['coverage']:.0%})"


def _full_tables(comparisons: list[Comparison], labels: Labels) -> list[Table]:
    summary = Table(title=Text(f"{labels('BASE')} {printable(comparisons[0].base.path, one_line=True)}", style="bold"),
                    title_justify="left",
                    box=box.SIMPLE_HEAD, pad_edge=False)
    summary.add_column(labels("summary"), no_wrap=True)
    for c in comparisons:
        summary.add_column(printable(c.other.path, one_line=True), justify="right", overflow="fold", ratio=1)
    summaries = [c.summary() for c in comparisons]
    summary.add_row(labels("similarity"), *(f"{s['similarity']:.2f}" for s in summaries))
    summary.add_row(labels("task items matched"), *(coverage(s) for s in summaries))
    for label, key in SUMMARY_ROWS:
        summary.add_row(labels(label), *(str(s[key]) for s in summaries))
    tables = [summary]
    for kind in ("item",) + KIND_ORDER:
        grid = side_by_side(comparisons, kind)
        if not grid:
            continue
        table = Table(title=Text(labels(KIND_TITLES[kind]), style="bold cyan"), title_justify="left",
                      box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False)
        table.add_column(labels("BASE"), overflow="fold", ratio=1)
        for c in comparisons:
            table.add_column(printable(c.other.path, one_line=True), overflow="fold", ratio=1)
        for base, row in grid:
            table.add_row(Text(printable(_cell(base, labels))), *(_styled_cell(p, labels) for p in row))
        tables.append(table)
    return tables


# ---------------------------------------------------------------- markdown

def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _markdown(comparisons: list[Comparison], everything: bool, labels: Labels) -> str:
    """The summary table, then the rows that need a decision (``everything``: every row)."""
    if not comparisons:
        return ""
    summaries = [c.summary() for c in comparisons]
    lines = [f"# {labels('Comparison with {path}', path=comparisons[0].base.path)}", "",
             f"| {labels('summary')} | " + " | ".join(_md(c.other.path) for c in comparisons) + " |",
             "| --- |" + " ---: |" * len(comparisons),
             f"| {labels('similarity')} | " + " | ".join(f"{s['similarity']:.2f}" for s in summaries) + " |",
             f"| {labels('task items matched')} | " + " | ".join(coverage(s) for s in summaries) + " |"]
    for label, key in SUMMARY_ROWS:
        lines.append(f"| {labels(label)} | " + " | ".join(str(s[key]) for s in summaries) + " |")
    for kind in ("item",) + KIND_ORDER:
        grid = [(base, row) for base, row in side_by_side(comparisons, kind)
                if everything or any(p.verdict != "same" and p.verdict != "matched" for cell in row for p in cell)]
        if not grid or (kind == "item" and not everything):
            continue
        lines += ["", f"## {labels(KIND_TITLES[kind])}", "",
                  f"| {labels('BASE')} | " + " | ".join(_md(c.other.path) for c in comparisons) + " |",
                  "| --- |" + " --- |" * len(comparisons)]
        for base, row in grid:
            lines.append(f"| {_md(_cell(base, labels))} | "
                         + " | ".join(_md(_other_cell(p, labels)) for p in row) + " |")
    return "\n".join(lines) + "\n"
