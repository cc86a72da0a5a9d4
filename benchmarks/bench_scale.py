#!/usr/bin/env python3
"""policyscan on huge single inputs: whole-process time and peak memory, to show cost stays
linear in the size of one document, one line and one pair of compared documents.

    .venv/bin/python benchmarks/bench_scale.py [--quick] [--seed 1] [--json] [--keep DIR]

Inputs, built from real text in a temp folder (see benchmarks/README.md, "Scale"):

1. single documents of 1, 5 and 20 MB (UTF-8): perturbed copies of every distinct document
   (bench_corpus.perturb: numbers differ from copy to copy), each cut at its web-page tail,
   joined one after another;
2. lines of 25k, 50k, 100k and 200k digits, a quota sentence after each;
3. one line of 200k Chinese characters without punctuation (real text with its punctuation
   and line breaks removed), and one of 200k characters of dates and counts (到2025年新增9个…)
   without a clause break;
4. two different 1 MB documents (two concatenations with different seeds) for ``compare``.

Every run is ``policyscan extract FILE --format jsonl > file`` or ``policyscan compare A B
--format jsonl > file`` in a fresh process; wall time and peak RSS (RUSAGE_CHILDREN of a fresh
wrapper) are printed beside the bars. Not a test: the name keeps it out of pytest.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_corpus import MB, console_script, distinct_documents, perturb  # beside this script

DOCUMENT_MB = (1, 5, 20)
DIGIT_LINES = (25_000, 50_000, 100_000, 200_000)
CHINESE_LINE = 200_000
COMPARE_MB = 1
BARS = {
    "linear_slack": 1.5,        # t(20 MB) ≤ 1.5 × 20 × t(1 MB)
    "document_rss_mb": 200.0,   # the 20 MB document, below
    "compare_s": 20.0,          # compare of two 1 MB documents, below
    "compare_rss_mb": 300.0,
}


def real_texts() -> list[str]:
    """Every distinct real document we have (tests/corpus, tests/compare, samples, shared
    corpus), each cut at its web-page tail (相关阅读, 扫一扫在手机打开 …): policyscan reads all
    from a tail marker to the end as chrome, so a tail inside a concatenation would hide
    every document after it."""
    from policyscan.load import read_document
    from policyscan.text.normalise import shadow
    from policyscan.rules import load_pack

    tail = load_pack().compile_list("chrome_tail")
    texts = []
    for path in distinct_documents()["paths"]:
        lines = read_document(str(path)).text.split("\n")
        cut = next((i for i, line in enumerate(lines) if tail is not None and tail.search(shadow(line).strip())),
                   len(lines))
        texts.append("\n".join(lines[:cut]))
    return texts


def one_document(texts: list[str], target_bytes: int, seed: int) -> str:
    """Perturbed copies of the real documents, one after another, until ``target_bytes`` of UTF-8:
    one long document whose copies differ in their numbers (no clause cache carries a copy)."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        for text in texts:
            part = perturb(text, rng)
            parts.append(part)
            size += len(part.encode("utf-8")) + 2
            if size >= target_bytes:
                break
    return "\n\n".join(parts) + "\n"


def digit_line(digits: int) -> str:
    """A line of ``digits`` digits (a serial number gone wrong), then a quota that must still be read."""
    return ("关于扩大就业的通知\n附件编号" + "9" * digits + "\n"
            "二、到2026年底，新增就业不少于1200人，由市人社局负责。\n")


def numbers_line(chars: int) -> str:
    """One line of ``chars`` characters without a clause break, a date and a count every nine
    characters: every fact in it has the whole line as its clause."""
    return "关于扩大就业的通知\n" + ("到2025年新增9个" * (chars // 9 + 1))[:chars] + "\n"


def chinese_line(texts: list[str], chars: int) -> str:
    """Real Chinese with every character that is not a CJK ideograph removed, cut to ``chars``."""
    joined = "".join(ch for text in texts for ch in text if "\u4e00" <= ch <= "\u9fff")
    while len(joined) < chars:
        joined += joined
    return "关于长文本的通知\n" + joined[:chars] + "\n"


def two_documents(texts: list[str], target_bytes: int) -> tuple[str, str]:
    """Two different concatenations for compare: the documents in order and in reverse,
    perturbed with different seeds."""
    return one_document(texts, target_bytes, seed=11), one_document(texts[::-1], target_bytes, seed=12)


def build_inputs(folder: Path, quick: bool, seed: int) -> dict[str, Path]:
    """Write every input into ``folder``; name → path."""
    texts = real_texts()
    inputs: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        inputs[name] = folder / f"{name}.txt"
        inputs[name].write_text(text, encoding="utf-8")

    for mb in DOCUMENT_MB if not quick else DOCUMENT_MB[:-1]:
        write(f"document {mb} MB", one_document(texts, mb * MB, seed))
    for digits in DIGIT_LINES:
        write(f"{digits // 1000}k digits", digit_line(digits))
    write(f"{CHINESE_LINE // 1000}k Han, no punctuation", chinese_line(texts, CHINESE_LINE))
    write(f"{CHINESE_LINE // 1000}k of dates, no break", numbers_line(CHINESE_LINE))
    base, other = two_documents(texts, COMPARE_MB * MB)
    write("compare base", base)
    write("compare other", other)
    return inputs


_MEASURE = r"""
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    t0 = time.perf_counter()
    done = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "returncode": done.returncode,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def measured(command: list[str], output: Path) -> dict:
    """Wall time and peak RSS of one run in a fresh wrapper process (RUSAGE_CHILDREN: only this
    run), its standard output redirected to ``output``; the facts written are counted."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(output), *command],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["returncode"] not in (0, 1, 3):  # 1: compare findings; 3: some input not processed
        sys.exit(f"bench_scale: {' '.join(command)} exited {result['returncode']}:\n{result['stderr']}")
    result["lines"] = sum(1 for _ in output.open(encoding="utf-8"))
    return result


def run(quick: bool, seed: int, folder: Path) -> dict:
    script = console_script()
    inputs = build_inputs(folder, quick, seed)
    out = folder / "out.jsonl"
    runs: dict[str, dict] = {}
    for name, path in inputs.items():
        if not name.startswith("compare"):
            runs[name] = measured([script, "extract", str(path), "--format", "jsonl"], out)
            runs[name].update(bytes=path.stat().st_size, characters=len(path.read_text(encoding="utf-8")))
    runs["compare 1 MB x 2"] = measured(
        [script, "compare", str(inputs["compare base"]), str(inputs["compare other"]), "--format", "jsonl"], out)
    return {"runs": runs, "judged": judge(runs)}


def judge(runs: dict[str, dict]) -> dict[str, dict]:
    """Each bar: what it asks, the figure measured, met or not."""
    judged: dict[str, dict] = {}
    one = runs["document 1 MB"]["wall_s"]
    if "document 20 MB" in runs:
        big = runs["document 20 MB"]
        limit = BARS["linear_slack"] * 20 * one
        judged["20 MB time"] = {"bar": f"<= 1.5 x 20 x t(1 MB) = {limit:.1f} s", "value": f"{big['wall_s']:.1f} s",
                                "met": big["wall_s"] <= limit}
        judged["20 MB memory"] = {"bar": f"< {BARS['document_rss_mb']:.0f} MB", "value": f"{big['max_rss_mb']:.0f} MB",
                                  "met": big["max_rss_mb"] < BARS["document_rss_mb"]}
    digits = [runs[f"{d // 1000}k digits"]["wall_s"] for d in DIGIT_LINES]
    ratio = digits[-1] / digits[0]  # 8 times the digits
    judged["digit lines"] = {"bar": "t(200k) / t(25k) <= 1.5 x 8 (with start-up, below 8 is linear)",
                             "value": f"{ratio:.1f}x", "met": ratio <= BARS["linear_slack"] * 8}
    cmp = runs["compare 1 MB x 2"]
    judged["compare time"] = {"bar": f"< {BARS['compare_s']:.0f} s", "value": f"{cmp['wall_s']:.1f} s",
                              "met": cmp["wall_s"] < BARS["compare_s"]}
    judged["compare memory"] = {"bar": f"< {BARS['compare_rss_mb']:.0f} MB", "value": f"{cmp['max_rss_mb']:.0f} MB",
                                "met": cmp["max_rss_mb"] < BARS["compare_rss_mb"]}
    return judged


def table(report: dict) -> str:
    lines = [f"{'input':32s} {'size':>12s} {'wall':>8s} {'peak RSS':>9s} {'lines out':>10s}"]
    for name, r in report["runs"].items():
        size = f"{r['bytes'] / MB:.2f} MB" if "bytes" in r else "2 x 1 MB"
        lines.append(f"{name:32s} {size:>12s} {r['wall_s']:7.2f}s {r['max_rss_mb']:6.0f} MB {r['lines']:>10,}")
    lines.append("")
    for name, j in report["judged"].items():
        lines.append(f"{name:16s} {j['value']:>10s}   [{j['bar']}: {'met' if j['met'] else 'NOT MET'}]")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 20 MB document")
    parser.add_argument("--seed", type=int, default=1, help="seed of the perturbation (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--keep", type=Path, help="build the inputs in this folder and keep them")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = run(args.quick, args.seed, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_scale_") as folder:
            report = run(args.quick, args.seed, Path(folder))
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
