"""A progress bar for batches, on standard error when it is a terminal (nothing on a pipe or
in a log): files done of the total, facts found, files that failed, and the rate."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

from policyscan.model import Document, InputError

T = TypeVar("T", Document, InputError)


def with_progress(items: Iterable[T], total: int, stream: IO[str] | None = None,
                  results_on_terminal: bool = False) -> Iterator[T]:
    """``items`` unchanged, counted on a bar drawn on ``stream`` (standard error) if it is a
    terminal; otherwise nothing is drawn at all. Nor is it when the results themselves go to
    the terminal (``results_on_terminal``): they show the progress, and a bar would cut into
    them. Messages written to standard error while the bar is drawn appear above it."""
    stream = stream if stream is not None else sys.stderr
    if results_on_terminal or not stream.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    facts = failed = done = 0
    started = time.monotonic()
    with Progress(BarColumn(), MofNCompleteColumn(), TextColumn("files · {task.fields[status]} · ETA", markup=False),
                  TimeRemainingColumn(), console=Console(file=stream)) as bar:
        task = bar.add_task("analysing", total=total, status="")
        for item in items:
            done += 1
            if isinstance(item, InputError):
                failed += 1
            else:
                facts += len(item.facts)
            rate = done / max(time.monotonic() - started, 1e-9)
            bar.update(task, advance=1, status=f"{facts:,} facts · {failed} failed · {rate:.1f} files/s")
            yield item
