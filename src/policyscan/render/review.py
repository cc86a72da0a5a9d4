"""Reviews (``policyscan check``) for people (rich tables, Markdown) or programs (JSON,
JSONL, CSV): per document, one row per task item (lead, responsible units, deadline and
where it comes from, status) and the list of findings with section path and quoted text."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from policyscan.check import Finding, ItemStatus, Review

from .common import table_console, write_csv, write_json, write_jsonl
from .labels import ENGLISH, Labels
from .safe import printable

CHECK_FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "markdown", "xlsx", "html")
_COLUMNS = ("doc", "kind", "section", "item", "lead", "responsible", "deadline", "deadline_source",
            "status", "check", "severity", "message", "text", "context", "start", "end")
# Severity → colour name (every format: table, Excel fill, HTML); errors are bold in the table.
SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}
SEVERITY_STYLE = {severity: ("bold " if severity == "error" else "") + colour
                  for severity, colour in SEVERITY_COLOURS.items()}


def render_reviews(reviews: Iterable[Review], fmt: str, out: TextIO | BinaryIO,
                   console_width: int | None = None, labels: Labels = ENGLISH) -> None:
    """Write reviews in ``fmt`` (one of CHECK_FORMATS), document by document; ``out`` is a
    binary stream for "xlsx", a text stream otherwise. ``labels`` translates what people read
    (table, markdown, xlsx, html)."""
    if fmt == "table":
        console = table_console(out, console_width)
        for review in reviews:
            _print_table(console, review, labels)
    elif fmt == "markdown":
        for review in reviews:
            out.write(printable(_markdown(review, labels)))
    elif fmt == "xlsx":
        from .xlsx import write_reviews_xlsx
        write_reviews_xlsx(reviews, out, labels)
    elif fmt == "html":
        from .report import write_reviews_html
        write_reviews_html(reviews, out, labels)
    elif fmt == "json":
        write_json(({"doc": r.doc.path, "errors": r.errors, "warnings": r.warnings,
                     "period": list(r.doc.meta.period) if r.doc.meta.period else None,
                     "items": [item_record(r, i) for i in r.items],
                     "findings": [finding_record(r, f) for f in r.findings]} for r in reviews), out)
    elif fmt == "jsonl":
        write_jsonl(_records(reviews), out)
    elif fmt == "csv":
        write_csv(_records(reviews), out, _COLUMNS)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(CHECK_FORMATS)}")


def item_record(review: Review, status: ItemStatus) -> dict[str, Any]:
    return {"doc": review.doc.path, "kind": "item", "section": status.item.path,
            "item": status.item.title, "lead": status.leads, "responsible": status.responsible,
            "deadline": status.deadline, "deadline_source": status.deadline_source,
            "status": status.status, "start": status.item.start, "end": status.item.end}


def finding_record(review: Review, finding: Finding) -> dict[str, Any]:
    return {"doc": review.doc.path, "kind": "finding", "section": finding.section,
            "check": finding.check, "severity": finding.severity, "message": finding.message,
            "text": finding.text, "context": finding.context, "start": finding.start, "end": finding.end}


def _records(reviews: Iterable[Review]) -> Iterator[dict[str, Any]]:
    """JSONL and CSV: the items of each document, then its findings."""
    for review in reviews:
        yield from (item_record(review, i) for i in review.items)
        yield from (finding_record(review, f) for f in review.findings)


def deadline_text(status: ItemStatus, labels: Labels) -> str:
    return f"{status.deadline} ({labels(status.deadline_source or '')})" if status.deadline else "—"


def status_text(status: ItemStatus, labels: Labels) -> str:
    """ok, or the ids of the checks the item failed."""
    return labels("ok") if status.status == "ok" else status.status


def finding_message(finding: Finding, labels: Labels) -> str:
    return labels.message(finding.message, finding.message_zh)


def document_dates(review: Review, labels: Labels) -> str:
    """"2021, 2021–2023": the year dates resolve from, and the plan's own period (what a
    task without a deadline of its own defaults to the end of)."""
    year = str(review.doc.year or labels("year unknown"))
    period = review.doc.meta.period
    return f"{year}, {period[0]}–{period[1]}" if period else year


def review_heading(review: Review, labels: Labels) -> str:
    """"12 task items, 3 errors, 1 warnings" (or its Chinese)."""
    return labels("{items} task items, {errors} errors, {warnings} warnings",
                  items=len(review.items), errors=review.errors, warnings=review.warnings)


_ITEM_COLUMNS = (("item", 3), ("lead units", 2), ("responsible units", 2), ("deadline", 2), ("status", 2))


def _print_table(console: Console, review: Review, labels: Labels) -> None:
    heading = Text(printable(review.doc.path, one_line=True), style="bold")
    heading.append(f"  ({document_dates(review, labels)})  {review_heading(review, labels)}")
    console.print(heading)
    if review.items:
        items = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
        for header, ratio in _ITEM_COLUMNS:
            items.add_column(labels(header), overflow="fold", ratio=ratio)
        for status in review.items:
            state = Text(status_text(status, labels), style="green" if status.status == "ok" else
                         SEVERITY_STYLE[max((f.severity for f in status.findings), key=("warning", "error").index)])
            cells = (f"{status.item.path} {status.item.title}", "、".join(status.leads) or "—",
                     "、".join(status.responsible) or "—", deadline_text(status, labels))
            items.add_row(*(Text(printable(cell)) for cell in cells), state)
        console.print(items)
    if review.findings:
        findings = Table(title=Text(labels("Findings"), style="bold"), title_justify="left",
                         box=box.SIMPLE_HEAD, pad_edge=False, expand=True, show_lines=True)
        findings.add_column(labels("check"), no_wrap=True)
        findings.add_column(labels("section"), overflow="fold", min_width=7, ratio=1)
        findings.add_column(labels("finding"), overflow="fold", ratio=4)
        for f in review.findings:
            check = Text(labels(f.severity), style=SEVERITY_STYLE[f.severity])
            check.append("\n" + printable(f.check))
            findings.add_row(check, Text(printable(f.section or "—")),
                             Text(printable(f"{finding_message(f, labels)}\n")).append(_quoted(f)))
        console.print(findings)
    console.print()


def _quoted(finding: Finding) -> Text:
    """The clause around a finding, with the text it points at underlined: “贫困发生率%”."""
    context, text = printable(finding.context or finding.text), printable(finding.text)
    at = context.find(text)
    quoted = Text(f"“{context}”")
    if at >= 0 and text != context:
        quoted.stylize("bold underline", at + 1, at + 1 + len(text))
    return quoted


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(review: Review, labels: Labels) -> str:
    lines = [f"## {_md(review.doc.path)}", "", review_heading(review, labels) + ".", ""]
    if review.items:
        lines += ["| " + " | ".join(labels(h) for h, _ in _ITEM_COLUMNS) + " |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {_md(s.item.path + ' ' + s.item.title)} | {_md('、'.join(s.leads) or '—')} | "
                  f"{_md('、'.join(s.responsible) or '—')} | {deadline_text(s, labels)} | {status_text(s, labels)} |"
                  for s in review.items]
        lines.append("")
    if review.findings:
        lines += ["| " + " | ".join(labels(h) for h in ("severity", "check", "section", "text", "message")) + " |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {labels(f.severity)} | {f.check} | {f.section or '—'} | {_md(_quoted(f).plain)} | "
                  f"{_md(finding_message(f, labels))} |" for f in review.findings]
        lines.append("")
    return "\n".join(lines) + "\n"
