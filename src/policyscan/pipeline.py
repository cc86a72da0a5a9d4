"""The pipeline as one call: load → normalise → structure → extract (→ compare or check).

This is the Python API the CLI is a thin layer over; researchers import it directly.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .extract import extract_facts
from .load import plan_inputs, read_document
from .model import FACT_KINDS, AnalysisError, Document, InputError, PolicyscanError
from .rules import Check, RulePack, load_pack
from .structure import build_sections, find_breaks, find_chrome, read_metadata
from .text.normalise import remove_noise, shadow

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
    del folded  # a copy of the whole text, not kept while the compact one is analysed (see restore)
    inner = Document(path=doc.path, text=compaction.text, encoding=doc.encoding, format=doc.format,
                     shadow=shadow(compaction.text))
    return compaction.restore(_analyse_clean(inner, pack, kinds, year, reference_date), doc)


def _analyse_clean(doc: Document, pack: RulePack, kinds: Collection[str],
                   year: int | None, reference_date: str | None) -> Document:
    """The stages after normalisation, on a text without noise (``doc.shadow`` is set)."""
    doc.chrome = find_chrome(doc, pack)
    doc.sections = build_sections(doc, pack)
    doc.breaks = find_breaks(doc, pack)
    doc.meta = read_metadata(doc, pack, year, reference_date)
    doc.facts = extract_facts(doc, pack, kinds)
    return doc


def analyse_text(text: str, name: str = "<text>", pack: RulePack | None = None,
                 kinds: Collection[str] = FACT_KINDS, year: int | None = None,
                 reference_date: str | None = None) -> Document:
    """Analyse a string (already decoded), public as ``policyscan.extract_text``. The string
    is always the text, even one that looks like a path: reading files is ``extract_paths``'s
    job, so neither guesses. ``name`` stands for the text in messages and output."""
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str (for files use extract_paths), not {type(text).__name__}")
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
_IDLE = -1  # in a worker's slot: on no file
_MAX_ATTEMPTS = 3  # a file caught in a broken pool whose worker did not die on it is analysed again, this often
_WORKER_DIED = "worker process died"


@dataclass
class _Worker:
    """What a worker process keeps: the pack, the options, and its slot in the table where
    each worker shows the file (task number) it is on."""

    pack: RulePack
    options: Options
    slots: Any  # a shared array of task numbers, one per worker
    slot: int


_worker: _Worker | None = None  # set in each worker process


def default_jobs(files: int) -> int:
    """Worker processes for a batch of ``files``: one per usable CPU beyond a handful of files."""
    if files <= HANDFUL:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _failure(path: str, exc: Exception) -> InputError:
    """What a document that could not be read or analysed comes back as: a PolicyscanError
    says what went wrong in its own words; anything else (a bug meeting text it did not
    expect) is named with the document, so one bad document never stops a batch. The
    original exception stays attached as the cause, for API users who want its traceback."""
    if isinstance(exc, InputError):
        return exc
    reason = str(exc) if isinstance(exc, PolicyscanError) else f"{path}: could not be analysed: {type(exc).__name__}: {exc}"
    error = AnalysisError(reason)
    error.__cause__ = exc
    return error


def analyse_file(path: str, pack: RulePack, options: Options = Options()) -> Document | InputError:
    """Read and analyse one file; a file that cannot be read or analysed comes back as its
    InputError (see ``_failure``) instead of raising."""
    try:
        return analyse(read_document(path), pack, options.kinds, options.year, options.reference_date)
    except Exception as exc:  # noqa: BLE001 - any failure is this document's, reported with its name
        return _failure(path, exc)


def _start_worker(pack: RulePack, options: Options, slots: Any, taken: Any) -> None:
    """A worker keeps the pack and options, and takes the next free slot to show its file in.
    Ctrl-C is the parent's to handle (it stops the batch), so the workers do not each print a
    traceback; a worker ends with its parent, however the parent ends (killed, it cannot stop
    them itself); and a worker the pool ends (SIGTERM) leaves its slot first, so that the
    slots still showing a file after a pool breaks are those of the workers that died on it."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # held back while the pool forked it (see _Workers._submit)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with taken.get_lock():
        slot = taken.value
        taken.value += 1
    _worker = _Worker(pack, options, slots, slot)
    signal.signal(signal.SIGTERM, _leave_slot)
    _end_with_parent()


def _leave_slot(signum: int, _frame: object) -> None:
    """Ended from outside (the pool ending its workers, or the parent gone): not this file's fault."""
    if _worker is not None:
        _worker.slots[_worker.slot] = _IDLE
    os._exit(128 + signum)


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


def _analyse_in_worker(task: int, path: str) -> Document | InputError:
    assert _worker is not None, "worker started without its pack"
    _worker.slots[_worker.slot] = task
    try:
        return analyse_file(path, _worker.pack, _worker.options)
    finally:
        _worker.slots[_worker.slot] = _IDLE


@dataclass
class _Task:
    """A file handed to the pool: its task number (unique in the batch) and which attempt this is."""

    path: str
    number: int
    attempt: int
    future: Future[Document | InputError]


class _Workers:
    """Worker processes analysing files a few ahead of the one being yielded, results kept in
    input order. A worker that dies (killed, out of memory, a crash in a C library) breaks a
    ProcessPoolExecutor and fails every file in it at once; here the file it was on is reported
    failed, a new pool is started, and the other files go to it."""

    def __init__(self, jobs: int, pack: RulePack, options: Options) -> None:
        self.jobs, self.pack, self.options = jobs, pack, options
        self.pending: deque[_Task | Document | InputError] = deque()
        self._numbers = itertools.count()
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context()
        self._slots = context.Array("q", [_IDLE] * self.jobs, lock=False)
        self._pool = ProcessPoolExecutor(self.jobs, context, initializer=_start_worker,
                                         initargs=(self.pack, self.options, self._slots, context.Value("i", 0)))

    def add(self, item: str | InputError) -> None:
        """Queue a planned input; standard input ('-') is read here, where it is."""
        if isinstance(item, InputError):
            self.pending.append(item)
        elif item == "-":
            self.pending.append(analyse_file(item, self.pack, self.options))
        else:
            self.pending.append(self._submit(item, 1))

    def _submit(self, path: str, attempt: int) -> _Task:
        """Hand ``path`` to the pool. Ctrl-C is held back meanwhile: the pool forks its workers
        here, and a worker interrupted before it could ignore Ctrl-C printed a traceback and
        died; the parent gets the interrupt as soon as the pool has its workers."""
        number = next(self._numbers)
        held = hasattr(signal, "pthread_sigmask")
        if held:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            future = self._pool.submit(_analyse_in_worker, number, path)
        except BrokenProcessPool as exc:  # broke before taking this file: recovered when its result is wanted
            future = Future()
            future.set_exception(exc)
        finally:
            if held:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return _Task(path, number, attempt, future)

    def ready(self) -> bool:
        """True when the oldest result should be taken now: the window is full, or it needs no waiting."""
        return bool(self.pending) and (len(self.pending) > self.jobs * _WINDOW_PER_JOB
                                       or not isinstance(self.pending[0], _Task))

    def take(self) -> Document | InputError:
        """The oldest result, waiting for it if need be."""
        while isinstance(head := self.pending[0], _Task):
            try:
                result = head.future.result()
            except BrokenProcessPool:
                self._recover()
                continue
            self.pending.popleft()
            return result
        return self.pending.popleft()

    def _recover(self) -> None:
        """After a worker died: once the broken pool has ended its other workers (which leave
        their slots), a file still in a slot is one a worker died on; it is reported failed.
        The other files the pool held are submitted to a new pool (each a few times at most,
        in case a worker dies without leaving a trace)."""
        self._pool.shutdown(wait=True)
        died_on = set(self._slots) - {_IDLE}
        self._start()
        self.pending = deque(self._again(entry, died_on) for entry in self.pending)

    def _again(self, entry: _Task | Document | InputError, died_on: set[int]) -> _Task | Document | InputError:
        """An entry of a broken pool: its result if it had one, else failed or submitted again."""
        if not (isinstance(entry, _Task) and isinstance(entry.future.exception(), BrokenProcessPool)):
            return entry
        if entry.number in died_on or entry.attempt >= _MAX_ATTEMPTS:
            return AnalysisError(f"{entry.path}: could not be analysed: {_WORKER_DIED}")
        return self._submit(entry.path, entry.attempt + 1)

    def close(self) -> None:
        """Files not started are not analysed (stopped early: Ctrl-C, the consumer gone)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def analyse_inputs(inputs: Iterable[str | InputError], pack: RulePack, options: Options = Options(),
                   jobs: int = 1) -> Iterator[Document | InputError]:
    """Analyse planned inputs (paths, or the InputError standing for one) in their order; a
    file that cannot be read or analysed comes back as its InputError. With ``jobs`` > 1 the
    files are analysed by that many worker processes, a few files ahead of the one being
    yielded, so results stream out in input order and memory does not grow with the corpus;
    a worker that dies fails only the file it was on. Standard input ('-') is always read
    here, where it is."""
    if jobs <= 1:
        for item in inputs:
            yield item if isinstance(item, InputError) else analyse_file(item, pack, options)
        return
    pack.segmenter  # built (or loaded) once here: forked workers inherit it instead of each building it
    workers = _Workers(jobs, pack, options)
    try:
        for item in inputs:
            workers.add(item)
            while workers.ready():
                yield workers.take()
        while workers.pending:
            yield workers.take()
    finally:
        workers.close()


PathArgument = str | os.PathLike[str]


def path_list(paths: PathArgument | Iterable[PathArgument], argument: str = "paths") -> list[str]:
    """One path (str or Path) or an iterable of them, as a list of str. A str is one path,
    never a sequence of one-letter paths ("x/" would read x and every file under /); bytes,
    None and anything else raise a TypeError naming the ``argument``."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    elif isinstance(paths, (bytes, bytearray)) or not isinstance(paths, Iterable):
        raise TypeError(f"{argument}: expected a path (str or pathlib.Path) or an iterable of paths, "
                        f"not {type(paths).__name__}")
    out = []
    for path in paths:
        name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
        if not isinstance(name, str):
            raise TypeError(f"{argument}: every path must be a str or pathlib.Path, not {type(path).__name__}")
        out.append(name)
    return out


Missing = Literal["raise", "report"]


def _named(paths: PathArgument | Iterable[PathArgument], missing: Missing, argument: str = "paths") -> list[str]:
    """``paths`` as a list (see path_list). With ``missing="raise"`` (the API's default) a
    named path that does not exist is a mistake of the caller, raised at the call; with
    ``"report"`` (the commands) it comes back in its place as an InputError, the others go on."""
    names = path_list(paths, argument)
    absent = [name for name in names if name != "-" and not os.path.lexists(name)] if missing == "raise" else []
    if absent:
        more = f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""
        raise InputError(f"{absent[0]}: no such file or directory{more}")
    return names


def analyse_paths(paths: PathArgument | Iterable[PathArgument], pack: RulePack | None = None,
                  kinds: Collection[str] = FACT_KINDS, year: int | None = None,
                  reference_date: str | None = None, glob: str | None = None,
                  jobs: int = 1, missing: Missing = "raise") -> Iterator[Document | InputError]:
    """Analyse files and folders (one path, or an iterable of them; every supported file below
    a folder, or those whose name matches ``glob``), public as ``policyscan.extract_paths``. A
    str is always a path, never text (that is ``extract_text``). A path that does not exist
    raises InputError at the call (``missing="report"``: it comes back in its place); a file
    that cannot be read or analysed comes back as its InputError naming it, so a batch goes
    on. ``jobs``: worker processes (see analyse_inputs); results are the same with any
    number. A TypeError for ``paths`` that are not paths is raised here, at the call too."""
    planned = plan_inputs(_named(paths, missing), glob)
    return analyse_inputs(planned, pack or load_pack(), Options(tuple(kinds), year, reference_date), jobs)


def compare_texts(base_text: str, other_text: str, pack: RulePack | None = None,
                  base_name: str = "<base>", other_name: str = "<other>") -> Comparison:
    """``compare_paths`` for two strings: BASE's text against OTHER's (``*_name`` stand for them)."""
    from .compare import compare

    pack = pack or load_pack()
    return compare(pack, analyse_text(base_text, base_name, pack), analyse_text(other_text, other_name, pack))


def compare_paths(base: PathArgument, others: PathArgument | Iterable[PathArgument], pack: RulePack | None = None,
                  glob: str | None = None, missing: Missing = "raise") -> Iterator[Comparison | InputError]:
    """BASE (a directive: one file) against each OTHER (documents implementing it; ``glob``
    narrows folders). Raises InputError when BASE cannot be read or is not one document, and
    when an OTHER does not exist (``missing``: see analyse_paths); an OTHER that cannot be
    read or compared comes back as its InputError."""
    if not isinstance(base, (str, os.PathLike)):
        raise TypeError(f"base: expected one path (str or pathlib.Path), not {type(base).__name__}")
    [base] = path_list(base, "base")
    planned = plan_inputs([base])
    if len(planned) != 1:
        raise InputError(f"{base}: BASE must be one document; this folder holds {len(planned)} files")
    pack = pack or load_pack()
    base_doc = next(analyse_inputs(planned, pack))
    if isinstance(base_doc, InputError):
        raise base_doc
    from .compare import compare

    return _each(analyse_paths(others, pack, glob=glob, missing=missing), lambda other: compare(pack, base_doc, other))


_Result = TypeVar("_Result")


def _each(analysed: Iterator[Document | InputError], step: Callable[[Document], _Result]
          ) -> Iterator[_Result | InputError]:
    """``step`` (compare, review) on each analysed document; a document it fails on comes
    back as its InputError (see ``_failure``), and the others go on."""
    for item in analysed:
        if isinstance(item, InputError):
            yield item
            continue
        try:
            result = step(item)
        except Exception as exc:  # noqa: BLE001 - this document's failure, reported with its name
            yield _failure(item.path, exc)
            continue
        yield result


def check_paths(paths: PathArgument | Iterable[PathArgument], pack: RulePack | None = None,
                checks: dict[str, Check] | None = None, year: int | None = None,
                reference_date: str | None = None, glob: str | None = None,
                missing: Missing = "raise") -> Iterator[Review | InputError]:
    """Review each document before filing; a path that does not exist raises InputError
    (``missing``: see analyse_paths), a file that cannot be read or reviewed comes back as its
    InputError. ``checks``: the pack's checks with overrides (``check.effective_checks``);
    ``reference_date`` is the documents' own date, the one deadline.past compares with."""
    from .check import review

    pack = pack or load_pack()
    return _each(analyse_paths(paths, pack, FACT_KINDS, year, reference_date, glob, missing=missing),
                 lambda doc: review(pack, doc, checks))


def check_text(text: str, pack: RulePack | None = None, checks: dict[str, Check] | None = None,
               year: int | None = None, reference_date: str | None = None, name: str = "<text>") -> Review:
    """``check_paths`` for one string: the review of ``text`` (``name`` stands for it)."""
    from .check import review

    pack = pack or load_pack()
    return review(pack, analyse_text(text, name, pack, FACT_KINDS, year, reference_date), checks)
