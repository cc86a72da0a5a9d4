#!/usr/bin/env python3
"""Throughput, latency, cold start and memory of policyscan's Python API.

    .venv/bin/python benchmarks/bench_extract.py [--repeat 20] [--samples DIR] [--json]

Runs ``policyscan.pipeline.analyse_text`` with ``policyscan.rules.load_pack()`` over
every ``*.txt`` file of the samples folder, ``--repeat`` times, and times each document.
Cold start and ``policyscan --help`` are measured in fresh subprocesses so this process's
imports do not hide them. See benchmarks/README.md for what each number means.

Not a test: the file name keeps it out of pytest's default ``test_*.py`` collection.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: time from before ``import policyscan`` to the first result.
_COLD_START = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import policyscan
from policyscan.load import read_document
from policyscan.pipeline import analyse_text
from policyscan.rules import load_pack
t_import = time.perf_counter()
pack = load_pack()
t_pack = time.perf_counter()
doc = read_document(sys.argv[1])
result = analyse_text(doc.text, doc.path, pack)
t_first = time.perf_counter()
print(json.dumps({
    "import_s": t_import - t0,
    "load_pack_s": t_pack - t_import,
    "first_document_s": t_first - t_pack,
    "total_s": t_first - t0,
    "segmenter_loaded": __import__("policyscan.text.segment").text.segment.tokenizer.cache_info().currsize > 0,
    "facts": len(result.facts),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

# Does importing the CLI pull in the pipeline? (It should not: --help must stay instant.)
_CLI_IMPORTS_PIPELINE = "import sys, policyscan.cli; print('policyscan.pipeline' in sys.modules or 'jieba' in sys.modules)"


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def cold_start(first_sample: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _COLD_START, str(first_sample)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def help_command() -> list[str]:
    """The ``policyscan`` console script of the running environment."""
    beside = Path(sys.executable).with_name("policyscan")
    if beside.exists():
        return [str(beside), "--help"]
    found = shutil.which("policyscan")
    if found:
        return [found, "--help"]
    return [sys.executable, "-c", "from policyscan.cli import app; app()", "--help"]


def time_help(runs: int = 5) -> dict:
    command = help_command()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    imports_pipeline = subprocess.run([sys.executable, "-c", _CLI_IMPORTS_PIPELINE],
                                   capture_output=True, text=True, check=True).stdout.strip()
    return {"command": " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)),
            "runs": runs, "first_s": times[0], "median_s": statistics.median(times),
            "cli_import_loads_pipeline": imports_pipeline == "True"}


def throughput(files: list[Path], repeat: int) -> dict:
    from policyscan.load import read_document
    from policyscan.pipeline import analyse_text
    from policyscan.rules import load_pack
    from policyscan.text import segment

    pack = load_pack()
    docs = [read_document(str(p)) for p in files]
    pack.segmenter  # load the segmenter now: cold start is measured separately

    latencies: list[float] = []
    pass_times: list[float] = []
    chars_per_pass = sum(len(d.text) for d in docs)
    facts_per_pass = 0
    for i in range(repeat):
        t_pass = time.perf_counter()
        for d in docs:
            t0 = time.perf_counter()
            result = analyse_text(d.text, d.path, pack)
            latencies.append(time.perf_counter() - t0)
            if i == 0:
                facts_per_pass += len(result.facts)
        pass_times.append(time.perf_counter() - t_pass)
    total = sum(pass_times)
    n_docs = len(docs) * repeat
    return {
        "documents": len(docs),
        "repeat": repeat,
        "characters_per_pass": chars_per_pass,
        "facts_per_pass": facts_per_pass,
        "total_s": total,
        "docs_per_s": n_docs / total,
        "chars_per_s": chars_per_pass * repeat / total,
        "first_pass_docs_per_s": len(docs) / pass_times[0],
        "first_pass_chars_per_s": chars_per_pass / pass_times[0],
        "latency_p50_ms": percentile(latencies, 50) * 1000,
        "latency_p95_ms": percentile(latencies, 95) * 1000,
        "latency_max_ms": max(latencies) * 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def table(report: dict) -> str:
    t, c, h = report["throughput"], report["cold_start"], report["help"]
    rows = [
        ("documents x repeat", f"{t['documents']} x {t['repeat']} "
                               f"({t['characters_per_pass']:,} chars, {t['facts_per_pass']} facts per pass)"),
        ("documents/s", f"{t['docs_per_s']:.1f}  (first pass {t['first_pass_docs_per_s']:.1f})"),
        ("characters/s", f"{t['chars_per_s']:,.0f}  (first pass {t['first_pass_chars_per_s']:,.0f})"),
        ("latency p50 / p95 / max", f"{t['latency_p50_ms']:.1f} / {t['latency_p95_ms']:.1f} / "
                                    f"{t['latency_max_ms']:.1f} ms per document"),
        ("peak RSS (benchmark process)", f"{t['peak_rss_mb']:.0f} MB"),
        ("cold start to first result", f"{c['total_s']:.2f} s  (import {c['import_s']:.2f}, load_pack "
                                       f"{c['load_pack_s']:.2f}, first document {c['first_document_s']:.2f}; "
                                       f"segmenter loaded: {'yes' if c['segmenter_loaded'] else 'no'})"),
        ("peak RSS (cold-start process)", f"{c['peak_rss_mb']:.0f} MB"),
        (f"{h['command']} wall time", f"{h['median_s']:.2f} s median of {h['runs']}  (first {h['first_s']:.2f} s; "
                                      f"CLI import loads the pipeline: {'yes' if h['cli_import_loads_pipeline'] else 'no'})"),
    ]
    width = max(len(k) for k, _ in rows)
    env = report["environment"]
    head = f"policyscan {env['policyscan']} | Python {env['python']} | {env['machine']}"
    return "\n".join([head, "-" * len(head)] + [f"{k.ljust(width)}  {v}" for k, v in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the samples (default 20)")
    parser.add_argument("--samples", type=Path, default=REPO / "samples",
                        help="folder whose *.txt files are the documents (default: the repo's samples/)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    files = sorted(args.samples.glob("*.txt"))
    if not files:
        parser.error(f"no *.txt files in {args.samples}")

    cold = cold_start(files[0])  # before anything is imported here
    help_ = time_help()
    from importlib.metadata import version

    import policyscan  # noqa: F401 - after the subprocess measurements

    report = {
        "environment": {"policyscan": version("policyscan"), "python": platform.python_version(),
                        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs"},
        "samples": [str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p) for p in files],
        "throughput": throughput(files, args.repeat),
        "cold_start": cold,
        "help": help_,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
