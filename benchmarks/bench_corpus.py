#!/usr/bin/env python3
"""policyscan at corpus scale: every distinct document we have, against a naive jieba
baseline, then a perturbed corpus of 20 MB or more with ``--jobs 1`` and ``--jobs 2``.

    .venv/bin/python benchmarks/bench_corpus.py [--corpus-mb 20] [--seed 1] [--runs 3] [--skip-large] [--json]

Measured in one run, on this machine:

1. the distinct documents: every ``*.txt`` under tests/corpus/, tests/compare/, samples/
   and ../shared/corpus/, exact duplicates (same bytes) counted once;
2. a naive baseline: sentences split on 。！？ and line breaks, ``jieba.lcut`` (default
   mode, HMM on) and two regexes (a number with a unit, a year) per sentence;
3. ``analyse_text`` in this process on each distinct document once, after a warm-up on an
   unrelated text, with the per-clause segmentation cache emptied before timing, so no document
   is timed against a cache its own earlier analysis filled;
4. whole processes on a folder of the distinct documents: ``policyscan extract DIR --format
   jsonl -o /dev/null`` against the naive pipeline run as a script (its jieba load included);
5. a corpus of ``--corpus-mb`` MB (UTF-8 bytes) of perturbed copies (no two files equal, the
   clauses holding numbers different in every copy), timed with ``--jobs 1`` and ``--jobs 2``
   (or without ``--jobs`` while the CLI lacks it), with peak memory, and how many of copy 1's
   segmented clauses the clause cache still holds from copy 0;
6. cold start: one sample through ``policyscan extract`` and ``policyscan --help``.

Every figure is printed beside the target it is judged against. See benchmarks/README.md.
Not a test: the file name keeps it out of pytest's default ``test_*.py`` collection.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from bench_extract import percentile  # beside this script

REPO = Path(__file__).resolve().parents[1]
SOURCES = (REPO / "tests" / "corpus", REPO / "tests" / "compare", REPO / "samples",
           REPO.parent / "shared" / "corpus")
COLD_SAMPLE = REPO / "samples" / "001_98f145120425fdfb.txt"
MB = 1024 * 1024  # bytes; ru_maxrss (KiB) / 1024 is in the same unit

TARGETS = {
    "in_process_ratio": 5.0,      # policyscan characters/s ÷ naive characters/s, at least
    "jobs_speedup": 1.7,          # wall(--jobs 1) ÷ wall(--jobs 2), at least
    "peak_memory_mb": 150.0,      # on the large corpus, below
    "cold_document_s": 0.5,       # one document through `policyscan extract`, at most
    "help_s": 0.2,                # `policyscan --help`, at most
}

# Invented, and unlike the corpus: warms imports, the pack's compiled patterns and jieba.
_WARM_UP = ("关于做好社区图书室开放服务的通知\n"
            "一、到2031年底前，每个社区图书室每周开放不少于40小时，由区文化旅游局牵头负责。\n")

# --- the naive baseline (also run as a script by --naive-folder: the same code both ways) ---

_SENTENCE_BREAK = re.compile(r"[。！？\n]")
_NUMBER_WITH_UNIT = re.compile(
    r"[0-9]+(?:\.[0-9]+)?\s*(?:%|％|个百分点|万亿元|亿元|万元|元|万|亿|千米|公里|平方米|平方公里|"
    r"米|亩|公顷|吨|千瓦|个|家|所|户|人次|人|项|台|辆|座|条|张|次|天|小时|年)")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?=\s*年)")


def naive_scan(text: str) -> tuple[int, list[str], list[str]]:
    """What a researcher's first script does: segment every sentence, grep numbers and years."""
    import jieba

    words = 0
    numbers: list[str] = []
    years: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text):
        if not sentence.strip():
            continue
        words += len(jieba.lcut(sentence))
        numbers += _NUMBER_WITH_UNIT.findall(sentence)
        years += _YEAR.findall(sentence)
    return words, numbers, years


def load_jieba() -> None:
    """Load jieba's dictionary now, so the first sentence does not pay for it."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def naive_folder(folder: Path) -> int:
    """The baseline as a whole process: every *.txt below ``folder``, one JSON line each, to /dev/null."""
    load_jieba()
    with open(os.devnull, "w", encoding="utf-8") as out:
        for path in sorted(folder.rglob("*.txt")):
            words, numbers, years = naive_scan(path.read_text(encoding="utf-8-sig"))
            out.write(json.dumps({"file": str(path), "words": words, "numbers": numbers, "years": years},
                                 ensure_ascii=False) + "\n")
    return 0


# --- helpers ---


def shown(path: Path) -> str:
    """A path as the README writes it: relative to the repository, ../shared for the shared corpus."""
    return os.path.relpath(path, REPO)


def console_script() -> str:
    """The ``policyscan`` console script beside this Python (else the one on PATH)."""
    beside = Path(sys.executable).with_name("policyscan")
    if beside.exists():
        return str(beside)
    found = shutil.which("policyscan")
    if not found:
        sys.exit("bench_corpus: no policyscan console script beside this Python or on PATH")
    return found


def wall_time(command: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds from start to exit of a subprocess; a failure stops the benchmark with its stderr."""
    t0 = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"bench_corpus: {' '.join(command)} exited {done.returncode}:\n"
                 f"{done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def repeated(command: list[str], runs: int) -> dict:
    """First and median wall time of ``runs`` fresh processes."""
    times = [wall_time(command) for _ in range(runs)]
    return {"runs": runs, "first_s": times[0], "median_s": statistics.median(times), "all_s": times}


def empty_cache_run(command: list[str]) -> float:
    """One run with POLICYSCAN_CACHE_DIR at a new, empty folder: what the very first run on a
    machine pays (compiled packs and the segmenter's dictionary are built there on first use)."""
    with tempfile.TemporaryDirectory(prefix="bench_corpus_cache_") as folder:
        return wall_time(command, dict(os.environ, POLICYSCAN_CACHE_DIR=folder))


def commit() -> str:
    """The commit measured, marked when the working tree differs from it (others edit src/ meanwhile)."""
    try:
        return subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def code_fingerprint() -> str:
    """A hash of src/ and rules/ (paths and contents): others edit them while this runs, and a
    run whose code changed under it mixes two versions."""
    digest = hashlib.sha256()
    for folder in (REPO / "src", REPO / "rules"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- 1. the distinct documents ---


def distinct_documents() -> dict:
    """Every *.txt under SOURCES, the first path of each distinct content (SHA-256 of the bytes)."""
    first: dict[str, Path] = {}
    found = 0
    for source in SOURCES:
        for path in sorted(source.rglob("*.txt")) if source.is_dir() else ():
            found += 1
            first.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return {"sources": [shown(s) for s in SOURCES if s.is_dir()],
            "missing_sources": [shown(s) for s in SOURCES if not s.is_dir()],
            "files_found": found, "paths": list(first.values())}


# --- 2 and 3. in-process throughput ---


def rates(name: str, times: list[float], chars: int) -> dict:
    total = sum(times)
    return {"name": name, "documents": len(times), "characters": chars, "total_s": total,
            "chars_per_s": chars / total, "docs_per_s": len(times) / total,
            "latency_p50_ms": percentile(times, 50) * 1000, "latency_p95_ms": percentile(times, 95) * 1000,
            "latency_max_ms": max(times) * 1000}


def policyscan_in_process(texts: list[tuple[str, str]]) -> dict:
    """analyse_text on each document once, after a warm-up; the clause cache is emptied first."""
    from policyscan.pipeline import analyse_text
    from policyscan.rules import load_pack
    from policyscan.text import segment

    pack = load_pack()
    analyse_text(_WARM_UP, name="<warm-up>", pack=pack)
    pack.segmenter  # the segmenter loaded even if the warm-up needed no segmenting
    cut = getattr(segment, "_cut", None)  # the per-clause cache (lru_cache), if it is still there
    if cut is not None and hasattr(cut, "cache_clear"):
        cut.cache_clear()
    times: list[float] = []
    facts = 0
    for name, text in texts:
        t0 = time.perf_counter()
        doc = analyse_text(text, name=name, pack=pack)
        times.append(time.perf_counter() - t0)
        facts += len(doc.facts)
    result = rates("policyscan", times, sum(len(t) for _, t in texts))
    result["facts"] = facts
    if cut is not None and hasattr(cut, "cache_info"):
        info = cut.cache_info()
        result["clause_cache"] = {"hits": info.hits, "misses": info.misses, "maxsize": info.maxsize}
    return result


def naive_in_process(texts: list[tuple[str, str]]) -> dict:
    """The baseline on the same texts, jieba's dictionary loaded before timing."""
    load_jieba()
    times: list[float] = []
    numbers = years = 0
    for _name, text in texts:
        t0 = time.perf_counter()
        _, found_numbers, found_years = naive_scan(text)
        times.append(time.perf_counter() - t0)
        numbers += len(found_numbers)
        years += len(found_years)
    result = rates("naive", times, sum(len(t) for _, t in texts))
    result.update(numbers=numbers, years=years)
    return result


# --- 4. whole processes on the distinct documents ---


def whole_process(paths: list[Path], script: str, runs: int, jobs: bool) -> dict:
    """policyscan extract (as a user runs it, and with --jobs 1 when the CLI has it: extract
    picks its own number of workers) and the naive script on one folder of the distinct
    documents, alternated."""
    with tempfile.TemporaryDirectory(prefix="bench_corpus_distinct_") as folder:
        for i, path in enumerate(paths):
            shutil.copyfile(path, Path(folder) / f"{i:03d}_{path.name}")
        ours = [script, "extract", folder, "--format", "jsonl", "-o", os.devnull]
        commands = {"policyscan": ours, "naive": [sys.executable, str(Path(__file__).resolve()),
                                                  "--naive-folder", folder]}
        if jobs:
            commands["policyscan_jobs1"] = ours + ["--jobs", "1"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(wall_time(command))
    median = {name: statistics.median(t) for name, t in times.items()}
    jobs1 = median.get("policyscan_jobs1")
    return {"runs": runs, "policyscan_s": median["policyscan"], "naive_s": median["naive"],
            "speed_ratio": median["naive"] / median["policyscan"], "policyscan_jobs1_s": jobs1,
            "speed_ratio_jobs1": None if jobs1 is None else median["naive"] / jobs1, "all_s": times}


# --- 5. the large corpus ---

_ASCII_DIGITS = re.compile(r"[0-9]+")
# Numbers written in Chinese: article and chapter numbers (第三十六条), and counts before a
# measure word (三个创新中心, 两年内, 四十八小时); not 上一年度, 统一, 进一步, 唯一.
_ARTICLE = re.compile(r"(?<=第)[一二三四五六七八九十百零]+(?=[条章节款])")
_CHINESE_COUNT = re.compile(r"(?<![上下统唯同进逐单万第])[一二三四五六七八九十两]{1,3}"
                            r"(?=[个项家所次条级名人倍批类种场期位年周天轮小百千万亿])")
_CHINESE_DIGITS = "一二三四五六七八九"
_COUNT_DIGITS = "二三四五六七八九"  # 一 is left alone: 一个, 一批 often mean "a", not a count


def _new_number(old: str, after: str, rng: random.Random) -> str:
    """A different number of the same length that still reads as what it replaces: a year
    stays a year, a month a month, a day a day, a zero-padded number zero-padded."""
    for _ in range(20):
        if len(old) == 4 and old[:2] in ("19", "20"):
            new = str(rng.randint(2000, 2035))
        elif after == "月" and len(old) <= 2 and not old.startswith("0"):
            new = str(rng.randint(1, 9) if len(old) == 1 else rng.randint(10, 12))
        elif after in ("日", "号") and len(old) <= 2 and not old.startswith("0"):
            new = str(rng.randint(1, 9) if len(old) == 1 else rng.randint(10, 28))
        elif len(old) == 1:
            new = str(rng.randint(0, 9))
        elif old.startswith("0"):
            new = "0" + "".join(rng.choice("0123456789") for _ in range(len(old) - 2)) + rng.choice("123456789")
        else:
            new = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(len(old) - 1))
        if new != old:
            return new
    return new


def _chinese_ordinal(n: int) -> str:
    """1..99 as an article number is written: 七, 十二, 二十, 三十六."""
    tens, units = divmod(n, 10)
    return (("" if tens < 2 else _CHINESE_DIGITS[tens - 1]) + ("十" if tens else "")
            + (_CHINESE_DIGITS[units - 1] if units else ""))


def _new_count(old: str, rng: random.Random) -> str:
    """The same Chinese number with other digits (三十 → 七十, 两 → 五); 一 and 十 stay."""
    new = old
    for _ in range(20):
        new = "".join(rng.choice(_COUNT_DIGITS) if c in _COUNT_DIGITS + "两" else c for c in old)
        if new != old:
            break
    return new


def perturb(text: str, rng: random.Random) -> str:
    """A copy that reads like the original but whose clauses are not the original's: every
    ASCII digit run replaced (same length), article numbers and counts written in Chinese
    replaced, and the lines after the first two (title and document number, kept where
    metadata is looked for) shuffled."""
    text = _ASCII_DIGITS.sub(lambda m: _new_number(m.group(), text[m.end():m.end() + 1], rng), text)
    text = _ARTICLE.sub(lambda m: _chinese_ordinal(rng.randint(1, 99)), text)
    text = _CHINESE_COUNT.sub(lambda m: _new_count(m.group(), rng), text)
    lines = text.split("\n")
    body = lines[2:]
    rng.shuffle(body)
    return "\n".join(lines[:2] + body)


def build_corpus(texts: list[tuple[str, str]], folder: Path, target_bytes: int, seed: int) -> dict:
    """Perturbed copies of every document, copy after copy (00_000.txt … 00_132.txt, 01_000.txt …),
    until the UTF-8 bytes reach ``target_bytes``. The clauses segmented most, and the longest,
    hold numbers (第三十六条, quotas), so perturbing the numbers keeps most clauses of a copy out of
    the clause cache; clauses without one (mostly organisation names) recur, as they do across
    real documents. clause_cache_carry_over measures what is left."""
    rng = random.Random(seed)
    seen: set[str] = set()
    written = chars = skipped = 0
    files = 0
    copy = 0
    while written < target_bytes:
        for i, (_name, text) in enumerate(texts):
            for _attempt in range(10):
                variant = perturb(text, rng)
                data = variant.encode("utf-8")
                digest = hashlib.sha256(data).hexdigest()
                if digest not in seen:
                    break
            else:  # no digits and too few lines to differ: leave this copy out
                skipped += 1
                continue
            seen.add(digest)
            (folder / f"{copy:02d}_{i:03d}.txt").write_bytes(data)
            written += len(data)
            chars += len(variant)
            files += 1
            if written >= target_bytes:
                break
        copy += 1
    return {"files": files, "bytes": written, "mb": written / MB, "characters": chars, "copies": copy,
            "seed": seed, "identical_copies_left_out": skipped}


_MEASURE = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "returncode": done.returncode,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def _parents() -> dict[int, int]:
    """pid → parent pid for every process now running."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    stat = handle.read()
                parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                pass
    return parents


def _kib(path: str, field: str) -> int:
    try:
        with open(path, encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB summed over the descendants of ``root`` (not root itself)."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    rss = pss = 0
    stack = list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        rss += _kib(f"/proc/{pid}/status", "VmRSS:")
        pss += _kib(f"/proc/{pid}/smaps_rollup", "Pss:")
        stack.extend(children.get(pid, ()))
    return rss, pss


def measured_run(command: list[str], interval: float = 0.1) -> dict:
    """Wall time and memory of one run, in a fresh wrapper process: its RUSAGE_CHILDREN max RSS
    is the largest single process of this run (workers included once reaped); sampling
    /proc every ``interval`` s adds the sum over all processes alive at once (RSS, and PSS,
    which shares forked pages fairly between the processes using them)."""
    wrapper = subprocess.Popen([sys.executable, "-c", _MEASURE, *command], stdout=subprocess.PIPE, text=True)
    peak = {"rss": 0, "pss": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(interval):
            rss, pss = _tree_memory(wrapper.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = wrapper.communicate()
    stop.set()
    sampler.join()
    result = json.loads(out)
    if result["returncode"] != 0:
        sys.exit(f"bench_corpus: {' '.join(command)} exited {result['returncode']}:\n{result['stderr']}")
    del result["stderr"]
    result.update(tree_peak_rss_mb=peak["rss"] / 1024, tree_peak_pss_mb=peak["pss"] / 1024)
    return result


def clause_cache_carry_over(folder: Path) -> dict | None:
    """Clause-cache hits copy 1 gets because copy 0 was analysed before it (as in one extract
    run over the corpus), against copy 1 from an empty cache, and the time of copy 1 both
    ways: in this process. An unperturbed copy would find every one of its segmented clauses
    cached."""
    from policyscan.load import read_document
    from policyscan.pipeline import analyse_text
    from policyscan.rules import load_pack
    from policyscan.text import segment

    cut = getattr(segment, "_cut", None)
    copy0 = [read_document(str(p)).text for p in sorted(folder.glob("00_*.txt"))]
    copy1 = [read_document(str(p)).text for p in sorted(folder.glob("01_*.txt"))]
    if not (hasattr(cut, "cache_info") and hasattr(cut, "cache_clear") and copy1):
        return None
    pack = load_pack()
    analyse_text(_WARM_UP, pack=pack)

    def analyse_all(texts: list[str]) -> float:
        t0 = time.perf_counter()
        for text in texts:
            analyse_text(text, pack=pack)
        return time.perf_counter() - t0

    cut.cache_clear()
    empty_s = analyse_all(copy1)
    empty = cut.cache_info()
    cut.cache_clear()
    analyse_all(copy0)
    before = cut.cache_info()
    after_s = analyse_all(copy1)
    after = cut.cache_info()
    hits_after = after.hits - before.hits
    return {"documents": len(copy1), "lookups": empty.hits + empty.misses,
            "distinct_clauses": empty.misses, "hits_from_empty_cache": empty.hits,
            "hits_after_copy0": hits_after, "carried_over": hits_after - empty.hits,
            "copy1_from_empty_cache_s": empty_s, "copy1_after_copy0_s": after_s}


def has_jobs(script: str) -> bool:
    """Does ``policyscan extract`` take --jobs yet? (Another change adds it.)"""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    done = subprocess.run([script, "extract", "--help"], capture_output=True, text=True, env=env)
    return "--jobs" in done.stdout


def large_corpus(texts: list[tuple[str, str]], script: str, target_mb: float, seed: int, jobs: bool) -> dict:
    """Build the perturbed corpus and time extract on it with --jobs 1 and 2 (or once without --jobs)."""
    with tempfile.TemporaryDirectory(prefix="bench_corpus_large_") as folder:
        corpus = build_corpus(texts, Path(folder), int(target_mb * MB), seed)
        base = [script, "extract", folder, "--format", "jsonl", "-o", os.devnull]
        runs: dict[str, dict | None] = {"jobs1": None, "jobs2": None, "no_jobs_option": None}
        load = {"before": os.getloadavg()}
        if jobs:
            runs["jobs1"] = measured_run(base + ["--jobs", "1"])
            load["after_jobs1"] = os.getloadavg()
            runs["jobs2"] = measured_run(base + ["--jobs", "2"])
            load["after_jobs2"] = os.getloadavg()
        else:
            runs["no_jobs_option"] = measured_run(base)
            load["after"] = os.getloadavg()
        carry = clause_cache_carry_over(Path(folder))
    for run in runs.values():
        if run is not None:
            run["chars_per_s"] = corpus["characters"] / run["wall_s"]
            run["peak_memory_mb"] = max(run["max_rss_mb"], run["tree_peak_pss_mb"])
    speedup = runs["jobs1"]["wall_s"] / runs["jobs2"]["wall_s"] if jobs else None
    return {"corpus": corpus, "jobs_available": jobs, **runs, "speedup": speedup,
            "clause_cache_carry_over": carry, "load_average": load}


# --- the report ---


def verdict(met: bool | None) -> str:
    return "not available" if met is None else ("met" if met else "NOT MET")


def judge(report: dict) -> dict:
    """Each target: the figure it is judged on and whether it is met (None: not measured)."""
    inproc, large, cold = report["in_process"], report.get("large"), report["cold_start"]
    memory_runs = ([r for r in (large["jobs1"], large["jobs2"], large["no_jobs_option"]) if r] if large else [])
    return {
        "in_process_ratio": inproc["ratio"] >= TARGETS["in_process_ratio"],
        "jobs_speedup": None if not large or large["speedup"] is None
        else large["speedup"] >= TARGETS["jobs_speedup"],
        "peak_memory_mb": None if not memory_runs
        else all(r["peak_memory_mb"] < TARGETS["peak_memory_mb"] for r in memory_runs),
        "cold_document_s": cold["document"]["median_s"] <= TARGETS["cold_document_s"],
        "help_s": cold["help"]["median_s"] <= TARGETS["help_s"],
    }


def table(report: dict) -> str:
    env, docs, inproc, whole = report["environment"], report["documents"], report["in_process"], report["whole_process"]
    large, cold, met = report.get("large"), report["cold_start"], report["targets_met"]
    p, n = inproc["policyscan"], inproc["naive"]
    rows: list[tuple[str, str, str]] = [
        ("distinct documents", f"{docs['distinct']} of {docs['files_found']} files "
                               f"({docs['files_found'] - docs['distinct']} exact duplicates dropped), "
                               f"{docs['characters']:,} chars, {docs['bytes'] / MB:.2f} MB", ""),
        ("naive, in process", f"{n['chars_per_s']:,.0f} chars/s, {n['docs_per_s']:.1f} docs/s  "
                              f"({n['total_s']:.1f} s; jieba.lcut HMM + 2 regexes per sentence)", ""),
        ("policyscan, in process", f"{p['chars_per_s']:,.0f} chars/s, {p['docs_per_s']:.1f} docs/s  "
                                   f"({p['total_s']:.1f} s, {p['facts']:,} facts; p50 / p95 / max "
                                   f"{p['latency_p50_ms']:.0f} / {p['latency_p95_ms']:.0f} / "
                                   f"{p['latency_max_ms']:.0f} ms)", ""),
        ("  policyscan / naive", f"{inproc['ratio']:.2f}x", f"target >= {TARGETS['in_process_ratio']:g}x: "
                                                           f"{verdict(met['in_process_ratio'])}"),
    ]
    if "clause_cache" in p:
        c = p["clause_cache"]
        rows.append(("  clause cache", f"{c['hits']:,} hits, {c['misses']:,} misses in the pass "
                                       f"(segment._cut, maxsize {c['maxsize']:,})", ""))
    rows += [
        ("whole process, distinct docs", f"policyscan extract{' (default jobs)' if whole['policyscan_jobs1_s'] else ''} "
                                         f"{whole['policyscan_s']:.2f} s, naive script "
                                         f"{whole['naive_s']:.2f} s (median of {whole['runs']})", ""),
        ("  policyscan / naive speed", f"{whole['speed_ratio']:.2f}x", ""),
    ]
    if whole["policyscan_jobs1_s"] is not None:
        rows.append(("  extract --jobs 1", f"{whole['policyscan_jobs1_s']:.2f} s: "
                                           f"{whole['speed_ratio_jobs1']:.2f}x the naive script's speed", ""))
    if large is None:
        rows.append(("large corpus", "skipped (--skip-large): no jobs speed-up or peak memory", ""))
    else:
        c = large["corpus"]
        rows.append(("large corpus", f"{c['mb']:.1f} MB, {c['characters']:,} chars, {c['files']:,} files "
                                     f"({c['copies']} perturbed copies, seed {c['seed']})", ""))
        memory_target = f"target < {TARGETS['peak_memory_mb']:g} MB: "

        def run_row(label: str, run: dict | None) -> tuple[str, str, str]:
            if run is None:
                return (label, "not available (extract has no --jobs yet)", "")
            ok = run["peak_memory_mb"] < TARGETS["peak_memory_mb"]
            return (label, f"{run['wall_s']:.1f} s, {run['chars_per_s']:,.0f} chars/s; max RSS "
                           f"{run['max_rss_mb']:.0f} MB (all processes at once: RSS "
                           f"{run['tree_peak_rss_mb']:.0f}, PSS {run['tree_peak_pss_mb']:.0f} MB)",
                    memory_target + verdict(ok))

        if not large["jobs_available"]:
            rows.append(run_row("  extract (no --jobs)", large["no_jobs_option"]))
        rows += [run_row("  extract --jobs 1", large["jobs1"]), run_row("  extract --jobs 2", large["jobs2"]),
                 ("  speed-up jobs 2 / jobs 1",
                  "not available" if large["speedup"] is None else f"{large['speedup']:.2f}x",
                  f"target >= {TARGETS['jobs_speedup']:g}x: {verdict(met['jobs_speedup'])}")]
        carry = large["clause_cache_carry_over"]
        if carry is not None:
            rows.append(("  clause cache, copy 1", f"{carry['carried_over']:,} of its {carry['distinct_clauses']:,} "
                                                   f"segmented clauses cached by copy 0 (unperturbed: all); "
                                                   f"analysed in {carry['copy1_after_copy0_s']:.2f} s after copy 0, "
                                                   f"{carry['copy1_from_empty_cache_s']:.2f} s from an empty cache", ""))
    d, h = cold["document"], cold["help"]
    rows += [
        ("cold: extract one document", f"{d['median_s']:.2f} s median of {d['runs']} (first {d['first_s']:.2f} s)",
         f"target <= {TARGETS['cold_document_s']:g} s: {verdict(met['cold_document_s'])}"),
        ("cold: policyscan --help", f"{h['median_s']:.2f} s median of {h['runs']} (first {h['first_s']:.2f} s)",
         f"target <= {TARGETS['help_s']:g} s: {verdict(met['help_s'])}"),
        ("  one document, empty cache", f"{cold['document_empty_cache_s']:.2f} s (first run on a machine: "
                                        f"POLICYSCAN_CACHE_DIR at a new folder)", ""),
    ]
    width = max(len(k) for k, _, _ in rows)
    value_width = min(max(len(v) for _, v, t in rows if t), 40)  # longer values push their target right
    head = (f"policyscan {env['policyscan']} | Python {env['python']} | {env['machine']} | "
            f"{env['commit']} | {env['date']} | load {env['load_average'][0]:.2f}")
    lines = [head, "-" * len(head)]
    if env.get("code_changed_during_run"):
        lines.insert(1, f"WARNING: src/ or rules/ changed during this run ({env['commit']} -> {env['commit_at_end']}, "
                        f"code {env['code_fingerprint']} -> {env['code_fingerprint_at_end']}): the figures mix versions")
    for key, value, target in rows:
        lines.append(f"{key.ljust(width)}  {value.ljust(value_width) if target else value}"
                     + (f"  [{target}]" if target else ""))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-mb", type=float, default=20,
                        help="size of the perturbed corpus in MB of UTF-8 (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the perturbation (default 1)")
    parser.add_argument("--skip-large", action="store_true", help="skip the perturbed corpus (a quick run)")
    parser.add_argument("--runs", type=int, default=3,
                        help="whole-process runs on the distinct documents (median; default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--naive-folder", type=Path, help=argparse.SUPPRESS)  # the baseline as a subprocess
    args = parser.parse_args()
    if args.naive_folder is not None:
        return naive_folder(args.naive_folder)
    if args.corpus_mb <= 0 or args.runs < 1:
        parser.error("--corpus-mb must be positive and --runs at least 1")

    script = console_script()
    load_before = os.getloadavg()
    commit_before, code_before = commit(), code_fingerprint()
    # 6 first, before this process has imported or read anything
    one_document = [script, "extract", str(COLD_SAMPLE), "--format", "jsonl", "-o", os.devnull]
    cold = {"document": repeated(one_document, 5), "help": repeated([script, "--help"], 5),
            "document_empty_cache_s": empty_cache_run(one_document)}

    jobs = has_jobs(script)
    gathered = distinct_documents()
    if not gathered["paths"]:
        parser.error("no *.txt documents under " + ", ".join(shown(s) for s in SOURCES))
    from policyscan.load import read_document

    texts = [(shown(p), read_document(str(p)).text) for p in gathered["paths"]]
    ours = policyscan_in_process(texts)  # first: nothing has been analysed in this process yet
    naive = naive_in_process(texts)
    from importlib.metadata import version

    report: dict = {
        "environment": {"policyscan": version("policyscan"), "python": platform.python_version(),
                        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "commit": commit_before,
                        "code_fingerprint": code_before, "date": date.today().isoformat(),
                        "load_average": load_before},
        "targets": TARGETS,
        "documents": {"sources": gathered["sources"], "missing_sources": gathered["missing_sources"],
                      "files_found": gathered["files_found"], "distinct": len(texts),
                      "characters": sum(len(t) for _, t in texts),
                      "bytes": sum(len(t.encode("utf-8")) for _, t in texts),
                      "paths": [name for name, _ in texts]},
        "in_process": {"policyscan": ours, "naive": naive, "ratio": ours["chars_per_s"] / naive["chars_per_s"]},
        "whole_process": whole_process(gathered["paths"], script, args.runs, jobs),
        "large": None if args.skip_large else large_corpus(texts, script, args.corpus_mb, args.seed, jobs),
        "cold_start": cold,
    }
    report["targets_met"] = judge(report)
    report["environment"].update(commit_at_end=commit(), code_fingerprint_at_end=code_fingerprint())
    report["environment"]["code_changed_during_run"] = code_before != report["environment"]["code_fingerprint_at_end"]
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
