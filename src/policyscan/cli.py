"""The ``policyscan`` command: a thin layer over the Python API.

Exit codes (distinct, so a script can tell them apart):

- 0: every input processed, nothing to report;
- 1: findings: ``check`` found an error-level defect, ``compare --fail-on`` matched, or a
  rule example failed (``rules test``);
- 2: a usage or configuration error (bad option, malformed rule pack, unusable store);
- 3: some inputs could not be processed (unreadable, undecodable, a worker process that
  died, a failure while analysing one document): each is reported on standard error with
  its name and the reason, and every other input is still processed and written. For
  ``check`` (and ``compare --fail-on``) 3 wins over 1 when both apply: the findings are
  incomplete.

What a reader should know about how a document was read (bytes replaced while decoding) is
printed on standard error as ``policyscan: PATH: notice`` and kept in the document's record.
Heavy imports (jieba, the pipeline) happen inside the commands so ``--help`` is instant.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Annotated, TypeVar

import typer

from .model import FACT_KINDS, OPENPYXL_MISSING, Document, InputError, PolicyscanError

if TYPE_CHECKING:
    from .check import Review
    from .render.labels import Labels
    from .rules import RulePack
    from .pipeline import Options
    from .store import ResultsStore

app = typer.Typer(
    name="policyscan",
    help="Extract quotas, deadlines, responsible units and targets from Chinese policy documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help renderer imports markdown-it, a third of a second
)
rules_app = typer.Typer(help="List and test the rule packs.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[list[str] | None, typer.Option(
    "--rules", metavar="PACK", help="A user rule pack (YAML file or folder); repeatable. Rules with an existing id replace it.")]
DisableOption = Annotated[list[str] | None, typer.Option(
    "--disable", metavar="RULE_ID", help="Turn off the rule with this id; repeatable.")]
YearOption = Annotated[int | None, typer.Option(
    "--year", metavar="YEAR", help="The documents' own year, for dates written without one (7月底, 今年); wins over the text.",
    min=1900, max=2100)]
ReferenceDateOption = Annotated[str | None, typer.Option(
    "--reference-date", metavar="YYYY-MM-DD", help="The documents' own date YYYY-MM-DD (issue date): sets the year and "
                             "dates counted from issue (印发之日起30日内).")]
GlobOption = Annotated[str | None, typer.Option(
    "--glob", metavar="PATTERN", help="In folders, only files whose name matches this pattern, e.g. '*.pdf' or '*方案*'.")]
OutputOption = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="FILE", help="Write to this file instead of standard output; its suffix (.xlsx, .html, "
                           ".csv, .json, .jsonl, .md) sets the format when --format is not given.")]
LangOption = Annotated[str | None, typer.Option(
    "--lang", metavar="zh|en", help="Language of headings, columns, verdicts and messages: zh or en (default: zh when "
                   "the locale, LC_ALL/LC_MESSAGES/LANG, starts with zh). JSON, JSONL and CSV keep English keys.")]

# Output file suffix → format, when --format is not given.
_SUFFIX_FORMATS = {".xlsx": "xlsx", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json",
                   ".jsonl": "jsonl", ".md": "markdown", ".txt": "table"}


# Exit codes (see the module docstring).
EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUTS = 1, 2, 3


def _version(show: bool) -> None:
    """--version: the installed distribution's version, without importing the pipeline."""
    if show:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"policyscan {version('policyscan')}")
        except PackageNotFoundError:
            typer.echo("policyscan (version unknown: not installed as a distribution)")
        raise typer.Exit()


@app.callback()
def _main(show_version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", is_eager=True, callback=_version)] = False) -> None:
    """Extract quotas, deadlines, responsible units and targets from Chinese policy documents."""
    keep_large_buffers_apart()


# glibc's mallopt parameter; 1 MiB: a buffer that large is a whole text, a shadow or a file's bytes.
_M_MMAP_THRESHOLD, _LARGE_BUFFER = -3, 1 << 20


def keep_large_buffers_apart() -> bool:
    """Have glibc give every buffer of 1 MiB or more its own mapping, returned to the system
    when freed. By default glibc raises that threshold to the largest buffer freed so far (up
    to 32 MiB), so after the first copy of a large text is freed the next copies go on the heap,
    whose freed holes stay in the process: a 20 MB document peaked 30 MB higher. True when set
    (glibc); elsewhere nothing changes."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:  # the process's own symbols, the C library's among them
        return bool(ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, _LARGE_BUFFER))
    except (OSError, AttributeError):  # a C library without mallopt (musl)
        return False


def _say(message: str) -> None:
    """A message on standard error (now: above the progress bar, if one is drawn), one line:
    a file name in it cannot colour, retitle or clear the terminal, nor forge a line."""
    from .render.safe import printable

    print(f"policyscan: {printable(message, one_line=True)}", file=sys.stderr)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    _say(message)
    return typer.Exit(code)


_T = TypeVar("_T")


class _Inputs:
    """The one place a command reports on its inputs as it goes (extract, compare, check and
    text): an input that could not be processed is printed on standard error and counted (exit
    3), a document's notices are printed as ``policyscan: PATH: notice``."""

    def __init__(self) -> None:
        self.failures = 0
        self._noticed: set[str] = set()  # paths whose notices were printed (compare's BASE comes with every pair)

    def results(self, items: Iterable[_T | InputError],
                documents: Callable[[_T], Iterable[Document]] = lambda doc: [doc]) -> Iterator[_T]:
        """``items`` without the InputErrors, which are reported; the notices of ``documents(item)``
        are printed before the item is passed on."""
        for item in items:
            if isinstance(item, InputError):
                self.failures += 1
                _say(str(item))
                continue
            for doc in documents(item):
                self.notify(doc)
            yield item

    def notify(self, doc: Document) -> None:
        """Print what the reader of ``doc``'s results should know about how it was read, once."""
        if doc.notices and doc.path not in self._noticed:
            self._noticed.add(doc.path)
            for notice in doc.notices:
                _say(f"{doc.path}: {notice}")

    def exit(self, findings: bool = False) -> None:
        """End the command with the exit code its inputs and findings call for."""
        if self.failures:
            raise typer.Exit(EXIT_INPUTS)
        if findings:
            raise typer.Exit(EXIT_FINDINGS)


def _parse_kinds(kind: str | None) -> tuple[str, ...]:
    if not kind:
        return FACT_KINDS
    kinds = tuple(k.strip() for k in kind.split(",") if k.strip())
    unknown = [k for k in kinds if k not in FACT_KINDS]
    if unknown:
        raise _fail(f"--kind: unknown kind {', '.join(unknown)} (choose from {', '.join(FACT_KINDS)})")
    return kinds


def _reference_date(value: str | None) -> str | None:
    """An ISO date, or a usage error (exit 2)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise _fail(f"--reference-date: {value!r} is not a date of the form YYYY-MM-DD") from exc


def _labels(lang: str | None) -> Labels:
    from .render.labels import LANGUAGES, Labels, default_language

    if lang is not None and lang not in LANGUAGES:
        raise _fail(f"--lang: unknown language {lang!r} (choose from {', '.join(LANGUAGES)})")
    return Labels(lang or default_language())


def _format(fmt: str | None, output: str | None, formats: tuple[str, ...]) -> str:
    """--format, else the one the output file's suffix names, else table."""
    if output is not None and os.path.isdir(output):
        raise _fail(f"--output: {output} is a directory, not a file")
    if fmt is None and output is not None:
        suffix = os.path.splitext(output)[1].lower()
        if _SUFFIX_FORMATS.get(suffix) not in formats:
            raise _fail(f"--output: cannot tell a format this command writes from {suffix or 'a file name without a suffix'!r}"
                        f"; give --format ({', '.join(formats)})")
        fmt = _SUFFIX_FORMATS[suffix]
    fmt = fmt or "table"
    if fmt not in formats:
        raise _fail(f"--format: unknown format {fmt!r} (choose from {', '.join(formats)})")
    if fmt == "xlsx" and importlib.util.find_spec("openpyxl") is None:  # fail before reading any input
        raise _fail(f"--format xlsx: {OPENPYXL_MISSING}")
    return fmt


@contextlib.contextmanager
def _output(output: str | None, fmt: str) -> Iterator[IO]:
    """Where the report goes: the --output file, or standard output (binary for xlsx, which a
    terminal cannot show). A file is written whole or not at all: to a temporary name first.
    A device or a pipe (/dev/null, a FIFO) is written directly: it cannot be replaced."""
    binary = fmt == "xlsx"
    if output is None:
        if binary and sys.stdout.isatty():
            raise _fail("--format xlsx writes a binary workbook: give --output FILE.xlsx or redirect stdout")
        yield sys.stdout.buffer if binary else sys.stdout
        return
    if os.path.exists(output) and not os.path.isfile(output):
        try:
            with open(output, "wb") if binary else open(output, "w", encoding="utf-8", newline="") as handle:
                yield handle
        except OSError as exc:
            raise _fail(f"--output: cannot write {output}: {exc.strerror or exc}") from exc
        return
    partial = output + ".part"
    try:
        handle = open(partial, "wb") if binary else open(partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise _fail(f"--output: cannot write {output}: {exc.strerror or exc}") from exc
    try:
        with handle:
            yield handle
        os.replace(partial, output)
    except OSError as exc:
        raise _fail(f"--output: cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _pack(rules: list[str] | None, disable: list[str] | None) -> RulePack:
    """The merged rule packs; a malformed pack is a configuration error (exit 2)."""
    from .rules import load_pack

    try:
        return load_pack(tuple(rules or ()), tuple(disable or ()))
    except PolicyscanError as exc:
        raise _fail(str(exc)) from exc


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(metavar="PATH",
        help="Files (.txt, .html, .docx, .pdf; .doc and .wps through LibreOffice), folders (recursive) or - for stdin.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", metavar="FORMAT", help="table, json, jsonl, csv, xlsx or html (a report with every fact highlighted).")] = None,
    output: OutputOption = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", metavar="KINDS", help="Only these kinds, e.g. quota,deadline.")] = None,
    glob: GlobOption = None,
    rules: RulesOption = None,
    disable: DisableOption = None,
    year: YearOption = None,
    reference_date: ReferenceDateOption = None,
    lang: LangOption = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", metavar="N", min=1,
        help="Worker processes (default: one per CPU for more than 8 files, else 1). Results, and "
             "their order, are the same with any number.")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="FILE.sqlite",
        help="Store documents and facts in this SQLite results store. A re-run skips files stored with "
             "the same content and settings, so an interrupted run resumes; a file with the content of "
             "another is stored as its duplicate. Every kind is stored; facts go to standard output only "
             "with --format or --output, and only those of the files analysed in this run.")] = None,
) -> None:
    """Extract facts from policy documents.

    A batch shows a progress bar on standard error when it is a terminal."""
    from .load import plan_inputs
    from .pipeline import Options, analyse_inputs, default_jobs
    from .render.facts import FORMATS, render_facts
    from .render.progress import with_progress

    shown = db is None or fmt is not None or output is not None
    fmt = _format(fmt, output, FORMATS)
    labels = _labels(lang)
    kinds = _parse_kinds(kind)
    # A store keeps every kind (--kind narrows what is printed), so another --kind never
    # replaces the stored facts of the kinds it leaves out.
    options = Options(FACT_KINDS if db else kinds, year, _reference_date(reference_date))
    pack = _pack(rules, disable)
    if db and output and os.path.realpath(db) == os.path.realpath(output):
        raise _fail(f"--output: {output} is the results store given to --db; write the facts elsewhere")
    inputs = plan_inputs(paths, glob)
    run = _Inputs()
    with _store(db, pack, options) if db else contextlib.nullcontext() as store:
        todo = store.triage(inputs) if store else inputs
        analysed = analyse_inputs(todo, pack, options, jobs or default_jobs(len(todo)))

        def stored(items: Iterable[Document | InputError]) -> Iterator[Document | InputError]:
            for path, item in zip(todo, items):
                store.record(path, item)
                yield item

        on_terminal = shown and output is None and sys.stdout.isatty()
        progressed = with_progress(analysed, len(todo), results_on_terminal=on_terminal)
        documents = run.results(stored(progressed) if store else progressed)
        if shown:
            with _output(output, fmt) as out:
                render_facts(documents, fmt, out, kinds, labels=labels)
        else:
            for _ in documents:
                pass
        if store:
            _say(f"{db}: {store.tally.summary()}")
    run.exit()


@contextlib.contextmanager
def _store(db: str, pack: RulePack, options: Options) -> Iterator[ResultsStore]:
    """The results store for this run's settings; one that cannot be used, at the start or
    during the run (another process holding it too long), is a usage error (exit 2)."""
    import dataclasses
    import sqlite3

    from .store import ResultsStore, settings_key

    try:
        with ResultsStore(db, settings_key(pack.fingerprint, dataclasses.astuple(options))) as store:
            yield store
    except (PolicyscanError, sqlite3.Error) as exc:
        raise _fail(f"{db}: {exc}" if isinstance(exc, sqlite3.Error) else str(exc)) from exc


@app.command("compare")
def compare_cmd(
    base: Annotated[str, typer.Argument(metavar="BASE", help="The directive: a file (or - for stdin).")],
    others: Annotated[list[str], typer.Argument(metavar="OTHER", help="Documents implementing it: files or folders.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", metavar="FORMAT", help="table, json, jsonl, csv, markdown, xlsx or html (side by side).")] = None,
    output: OutputOption = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", metavar="VERDICTS", help="Exit 1 when any pair has one of these verdicts, e.g. looser,missing.")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Table and Markdown: every row side by side, not one screen per document.")] = False,
    glob: GlobOption = None,
    rules: RulesOption = None,
    disable: DisableOption = None,
    lang: LangOption = None,
) -> None:
    """Compare a directive (BASE) with documents that implement it (OTHER).

    Items are paired many to many (an implementation merges, splits and reorders), facts by
    what they measure: quotas are judged stricter or looser only against the same indicator,
    deadlines earlier or later, leads same or different per item. The default view is one
    screen per OTHER: the summary, the changes that need a decision, and what was dropped or
    added; --all shows every row.

    Similarity (0 to 1) is the cosine of the two texts' words, each weighted by how rarely
    policy documents use it: 0 shares nothing, 1 uses the same words alike. Below 0.2 the
    documents count as unrelated and nothing is judged; an item pair needs 0.15.
    """
    from .compare import VERDICTS
    from .pipeline import compare_paths
    from .render.comparison import COMPARE_FORMATS, render_comparisons

    fmt = _format(fmt, output, COMPARE_FORMATS)
    labels = _labels(lang)
    failing = {v.strip() for v in (fail_on or "").split(",") if v.strip()}
    if failing - set(VERDICTS):
        raise _fail(f"--fail-on: unknown verdict {', '.join(sorted(failing - set(VERDICTS)))} "
                    f"(choose from {', '.join(VERDICTS)})")
    pack = _pack(rules, disable)
    run = _Inputs()
    try:
        comparisons = list(run.results(compare_paths(base, others, pack, glob, missing="report"), lambda c: [c.base, c.other]))
    except InputError as exc:
        raise _fail(str(exc), code=EXIT_INPUTS) from exc
    with _output(output, fmt) as out:
        render_comparisons(comparisons, fmt, out, everything=everything, labels=labels)
    flagged = sum(p.verdict in failing for c in comparisons for p in c.pairs)
    if failing and flagged:
        _say(labels("{count} pair(s) with verdict {verdicts}", count=flagged,
                    verdicts=", ".join(labels(v) for v in sorted(failing))))
    run.exit(findings=bool(failing and flagged))


@app.command("check")
def check_cmd(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", help="Plans to review: files, folders (recursive) or -.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", metavar="FORMAT", help="table, json, jsonl, csv, markdown, xlsx or html (findings beside their items).")] = None,
    output: OutputOption = None,
    enable: Annotated[list[str] | None, typer.Option(
        "--enable", metavar="CHECK[:SEVERITY]", help="Turn a check on, optionally with a severity: ID or ID:error (e.g. the opt-in "
                         "item.own_deadline); repeatable.")] = None,
    disable: Annotated[list[str] | None, typer.Option(
        "--disable", metavar="RULE_ID", help="Turn off a check (or an extraction rule) with this id; repeatable.")] = None,
    glob: GlobOption = None,
    rules: RulesOption = None,
    year: YearOption = None,
    reference_date: Annotated[str | None, typer.Option(
        "--reference-date", metavar="YYYY-MM-DD", help="The plans' own date YYYY-MM-DD, winning over the date they give: "
                                 "deadline.past reports deadlines before it; it also sets the year and "
                                 "dates counted from issue (印发之日起30日内).")] = None,
    lang: LangOption = None,
) -> None:
    """Review plans before filing: units, deadlines and numbers per task item, defects in the text.

    Exits 1 when a document has an error-level finding, including one in which no task item
    was recognised (doc.no_items)."""
    from .check import effective_checks
    from .pipeline import check_paths
    from .render.review import CHECK_FORMATS, render_reviews

    fmt = _format(fmt, output, CHECK_FORMATS)
    labels = _labels(lang)
    reference_date = _reference_date(reference_date)
    pack = _pack(rules, None)
    off_checks = [d for d in disable or () if d in pack.checks]
    off_rules = {r.id for r in pack.rules} & set(disable or ()) - set(off_checks)
    unknown = [d for d in disable or () if d not in off_checks and d not in off_rules]
    if unknown:
        raise _fail(f"--disable: no check or rule with id {', '.join(unknown)}")
    if off_rules:  # --disable names checks and rules alike: the rules leave the one pack loaded
        pack = pack.without(off_rules)
    try:
        checks = effective_checks(pack, enable or (), off_checks)
    except PolicyscanError as exc:
        raise _fail(str(exc)) from exc
    run = _Inputs()
    errors = 0  # error-level findings

    def reviews() -> Iterator[Review]:
        nonlocal errors
        for review in run.results(check_paths(paths, pack, checks, year, reference_date, glob, missing="report"), lambda r: [r.doc]):
            errors += review.errors
            yield review

    with _output(output, fmt) as out:
        render_reviews(reviews(), fmt, out, labels=labels)
    run.exit(findings=errors > 0)


@app.command("text")
def text_cmd(
    path: Annotated[str, typer.Argument(metavar="PATH", help="A file (.txt, .html, .docx, .pdf …) or - for stdin.")],
) -> None:
    """Print the plain text a file is read as: the text every fact's start/end offsets index."""
    from .load import read_document

    try:
        doc = read_document(path)
    except InputError as exc:
        raise _fail(str(exc), code=EXIT_INPUTS) from exc
    _Inputs().notify(doc)
    sys.stdout.write(doc.text)


@rules_app.command("list")
def rules_list(rules: RulesOption = None, disable: DisableOption = None,
               kind: Annotated[str | None, typer.Option("--kind", "-k")] = None) -> None:
    """List every rule: id, kind, action, examples, and the pack it comes from."""
    from pathlib import Path

    from rich.table import Table

    from .render.common import table_console
    from .render.safe import printable

    kinds = _parse_kinds(kind)
    pack = _pack(rules, disable)
    table = Table("id", "kind", "action", "examples", "pack", "description")
    for rule in pack.rules:
        if rule.kind in kinds:
            table.add_row(*(printable(cell) for cell in (
                rule.id, rule.kind, rule.action, f"{len(rule.examples)}+{len(rule.counter_examples)}",
                Path(rule.source).name, rule.description)))
    table_console(sys.stdout, None).print(table)


@rules_app.command("test")
def rules_test(rules: RulesOption = None, disable: DisableOption = None,
               rule_id: Annotated[list[str] | None, typer.Option("--id", metavar="RULE_ID", help="Only this rule; repeatable.")] = None,
               verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show passing examples too.")] = False,
               ) -> None:
    """Run every rule's examples and counter examples; exit 1 if any fails."""
    from .examples import run_examples
    from .render.safe import printable
    from .rules import did_you_mean

    pack = _pack(rules, disable)
    known = [r.id for r in pack.rules]
    for rid in rule_id or ():
        if rid not in known:  # testing nothing would pass: a typo must not look like success
            raise _fail(f"--id: no rule with id {rid}{did_you_mean(rid, known)}")
    results = run_examples(pack, set(rule_id or ()))
    failed = [r for r in results if not r.ok]
    for r in results:
        if not r.ok or verbose:
            mark = "ok  " if r.ok else "FAIL"
            typer.echo(f"{mark} {printable(r.rule)}: {printable(r.text, one_line=True)}"
                       + (f"\n     {printable(r.problem, one_line=True)}" if r.problem else ""))
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(EXIT_FINDINGS)


def main() -> None:  # pragma: no cover - console entry point
    app()
