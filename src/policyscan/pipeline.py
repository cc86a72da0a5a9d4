"""The pipeline as one call: load → normalise → structure → extract (→ compare or check).

This is the Python API the CLI is a thin layer over; researchers import it directly.
"""
from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .extract import extract_facts
from .load import plan_inputs, read_document
from .model import FACT_KINDS, Document, InputError
from .normalise import remove_noise, shadow
from .rules import Check, RulePack, load_pack
from .segment import tokenizer
from .structure import build_sections, find_breaks, find_chrome, read_metadata

if TYPE_CHECKING:  # compare and check are imported when used: extraction alone starts faster
    from .check import Review
    from .compare import Comparison


def analyse(doc: Document, pack: RulePack, kinds: Collection[str] = FACT_KINDS,
            year: int | None = None, reference_date: str | None = None) -> Document:
    """Run normalise, structure and extract on a loaded document (in place; returned).
    ``year`` / ``reference_date`` (ISO) give the document's own year or date when the user
    knows it: they win over what the text says. Noise (pinyin glosses, HTML tags) is
    removed first; what is found on the compact text is mapped back to the original."""
    folded = shadow(doc.text)
    compaction = remove_noise(doc.text, pack, folded)
    if compaction is None:
        doc.shadow = folded
        return _analyse_clean(doc, pack, kinds, year, reference_date)
    inner = Document(path=doc.path, text=compaction.text, encoding=doc.encoding, format=doc.format,
                     shadow=shadow(compaction.text))
    return compaction.restore(_analyse_clean(inner, pack, kinds, year, reference_date), doc, folded)


def _analyse_clean(doc: Document, pack: RulePack, kinds: Collection[str],
                   year: int | None, reference_date: str | None) -> Document:
    """The stages after normalisation, on a text without noise (``doc.shadow`` is set)."""
    doc.chrome = find_chrome(doc, pack)
    doc.sections = build_sections(doc, pack)
    doc.breaks = find_breaks(doc)
    doc.meta = read_metadata(doc, pack, year, reference_date)
    doc.facts = extract_facts(doc, pack, kinds)
    return doc


def analyse_text(text: str, name: str = "<text>", pack: RulePack | None = None,
                 kinds: Collection[str] = FACT_KINDS, year: int | None = None,
                 reference_date: str | None = None) -> Document:
    """Analyse a string (already decoded)."""
    return analyse(Document(path=name, text=text), pack or load_pack(), kinds, year, reference_date)


@dataclass(frozen=True)
class Options:
    """What, besides the text and the packs, decides a document's facts."""

    kinds: tuple[str, ...] = FACT_KINDS
    year: int | None = None
    reference_date: str | None = None


# A handful of files is analysed in this process: starting workers would cost more than it saves.
HANDFUL = 8
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WINDOW_PER_JOB = 4  # files in flight per worker: enough to keep workers busy, few enough to keep memory flat
_worker: tuple[RulePack, Options] | None = None  # a worker process's pack and options


def default_jobs(files: int) -> int:
    """Worker processes for a batch of ``files``: one per usable CPU beyond a handful of files."""
    if files <= HANDFUL:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def analyse_file(path: str, pack: RulePack, options: Options = Options()) -> Document | InputError:
    """Read and analyse one file; a file that cannot be read comes back as its InputError."""
    try:
        doc = read_document(path)
    except InputError as error:
        return error
    return analyse(doc, pack, options.kinds, options.year, options.reference_date)


def _start_worker(pack: RulePack, options: Options) -> None:
    """A worker keeps the pack and options. Ctrl-C is the parent's to handle (it stops the
    batch), so the workers do not each print a traceback; and a worker ends with its parent,
    however the parent ends (killed, it cannot stop them itself)."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent()
    _worker = (pack, options)


def _end_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG);
    elsewhere a killed parent's workers finish their file and find the pool gone."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _analyse_in_worker(path: str) -> Document | InputError:
    assert _worker is not None, "worker started without its pack"
    return analyse_file(path, *_worker)


def analyse_inputs(inputs: Iterable[str | InputError], pack: RulePack, options: Options = Options(),
                   jobs: int = 1) -> Iterator[Document | InputError]:
    """Analyse planned inputs (paths, or the InputError standing for one) in their order.
    With ``jobs`` > 1 the files are analysed by that many worker processes, a few files ahead
    of the one being yielded, so results stream out in input order and memory does not grow
    with the corpus. Standard input ('-') is always read here, where it is."""
    if jobs <= 1:
        for item in inputs:
            yield item if isinstance(item, InputError) else analyse_file(item, pack, options)
        return
    tokenizer(pack)  # built (or loaded) once here: forked workers inherit it instead of each building it
    pending: deque[Future[Document | InputError] | Document | InputError] = deque()
    pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(pack, options))
    try:
        for item in inputs:
            if isinstance(item, InputError):
                pending.append(item)
            elif item == "-":
                pending.append(analyse_file(item, pack, options))
            else:
                pending.append(pool.submit(_analyse_in_worker, item))
            while len(pending) > jobs * _WINDOW_PER_JOB or (pending and not isinstance(pending[0], Future)):
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:  # stopped early (Ctrl-C, the consumer gone): files not started are not analysed
        pool.shutdown(wait=True, cancel_futures=True)


def _result(entry: Future[Document | InputError] | Document | InputError) -> Document | InputError:
    return entry.result() if isinstance(entry, Future) else entry


def analyse_paths(paths: list[str], pack: RulePack | None = None,
                  kinds: Collection[str] = FACT_KINDS, year: int | None = None,
                  reference_date: str | None = None, glob: str | None = None,
                  jobs: int = 1) -> Iterator[Document | InputError]:
    """Analyse files and folders (every supported file below a folder, or those whose name
    matches ``glob``); a file that cannot be read comes back as its InputError. ``jobs``:
    worker processes (see analyse_inputs); results are the same with any number."""
    yield from analyse_inputs(plan_inputs(paths, glob), pack or load_pack(),
                              Options(tuple(kinds), year, reference_date), jobs)


def extract(source: str | Path, rules: tuple[str, ...] = (), disable: tuple[str, ...] = (),
            kinds: Collection[str] = FACT_KINDS, year: int | None = None,
            reference_date: str | None = None, glob: str | None = None) -> list[Document]:
    """Extract facts from a path (a file of any supported format, or a folder, narrowed by
    ``glob``) or, when ``source`` is not an existing path, from the string itself. Raises
    InputError for a path that cannot be read. ``year`` / ``reference_date`` (ISO): the
    documents' own year or date, when known."""
    pack = load_pack(tuple(rules), tuple(disable))
    if isinstance(source, Path) or (len(str(source)) < 4096 and "\n" not in str(source)
                                    and Path(str(source)).exists()):
        docs = []
        for item in analyse_paths([str(source)], pack, kinds, year, reference_date, glob):
            if isinstance(item, InputError):
                raise item
            docs.append(item)
        return docs
    return [analyse_text(str(source), pack=pack, kinds=kinds, year=year, reference_date=reference_date)]


def compare_paths(base: str, others: list[str], pack: RulePack | None = None, glob: str | None = None
                  ) -> Iterator[Comparison | InputError]:
    """BASE (a directive) against each OTHER (documents implementing it; ``glob`` narrows
    folders). Raises InputError when BASE cannot be read; an OTHER that cannot be read comes
    back as its InputError."""
    from .compare import compare

    pack = pack or load_pack()
    base_doc = next(analyse_paths([base], pack))
    if isinstance(base_doc, InputError):
        raise base_doc
    for item in analyse_paths(others, pack, glob=glob):
        yield item if isinstance(item, InputError) else compare(pack, base_doc, item)


def check_paths(paths: list[str], pack: RulePack | None = None,
                checks: dict[str, Check] | None = None, year: int | None = None,
                reference_date: str | None = None, glob: str | None = None) -> Iterator[Review | InputError]:
    """Review each document before filing; a file that cannot be read comes back as its
    InputError. ``checks``: the pack's checks with overrides (``check.effective_checks``);
    ``reference_date`` is the documents' own date, the one deadline.past compares with."""
    from .check import review

    pack = pack or load_pack()
    for item in analyse_paths(paths, pack, FACT_KINDS, year, reference_date, glob):
        yield item if isinstance(item, InputError) else review(pack, item, checks)
