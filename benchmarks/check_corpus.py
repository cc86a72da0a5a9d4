#!/usr/bin/env python3
"""How noisy ``policyscan check`` is on published documents: per document, the task items
it found and its errors and warnings, then the averages.

    .venv/bin/python benchmarks/check_corpus.py [PATH ...] [--json]

Runs ``policyscan check PATH... --format json`` once (the console script beside this
Python, else the one on PATH) over our corpus (tests/corpus/dev and holdout), samples/
and the shared corpus (../shared/corpus) unless paths are given. A document found twice
(samples/ holds copies of the shared seeds and pairs) is counted once. Only check ids and
counts are printed, never a document's text, so the held-out split can be measured too.

Not a test: the file name keeps it out of pytest's default ``test_*.py`` collection.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [REPO / "tests" / "corpus" / "dev" / "docs", REPO / "tests" / "corpus" / "holdout" / "docs",
                 REPO / "samples", REPO.parent / "shared" / "corpus"]


def policyscan() -> str:
    beside = Path(sys.executable).with_name("policyscan")
    return str(beside) if beside.exists() else shutil.which("policyscan") or "policyscan"


def reviews(paths: list[Path]) -> list[dict]:
    """The JSON review of every document, each document once (by its bytes)."""
    run = subprocess.run([policyscan(), "check", *map(str, paths), "--format", "json"],
                         capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1):
        sys.exit(f"policyscan check failed ({run.returncode}):\n{run.stderr}")
    seen: set[str] = set()
    out = []
    for review in json.loads(run.stdout):
        digest = hashlib.sha256(Path(review["doc"]).read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(review)
    return out


def shown(path: str) -> str:
    """A path as it is typed from the repository: tests/corpus/…, ../shared/corpus/…"""
    resolved = Path(path).resolve()
    if resolved.is_relative_to(REPO):
        return str(resolved.relative_to(REPO))
    return str(Path("..") / resolved.relative_to(REPO.parent)) if resolved.is_relative_to(REPO.parent) else path


def row(review: dict) -> dict:
    errors = Counter(f["check"] for f in review["findings"] if f["severity"] == "error")
    return {"doc": shown(review["doc"]), "items": len(review["items"]),
            "errors": review["errors"], "warnings": review["warnings"], "error_checks": dict(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: every corpus)")
    parser.add_argument("--json", action="store_true", help="the rows and averages as JSON")
    args = parser.parse_args()
    rows = [row(r) for r in reviews(args.paths or [p for p in DEFAULT_PATHS if p.exists()])]
    n = len(rows) or 1
    summary = {"documents": len(rows), "average_errors": sum(r["errors"] for r in rows) / n,
               "average_warnings": sum(r["warnings"] for r in rows) / n,
               "without_items": [r["doc"] for r in rows if r["items"] == 0],
               "more_than_one_error": [r["doc"] for r in rows if r["errors"] > 1]}
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False, indent=2))
        return
    width = max((len(r["doc"]) for r in rows), default=10)
    print(f"{'document':<{width}}  items  errors  warnings  error checks")
    for r in rows:
        checks = ", ".join(f"{c} {k}" for c, k in sorted(r["error_checks"].items()))
        print(f"{r['doc']:<{width}}  {r['items']:>5}  {r['errors']:>6}  {r['warnings']:>8}  {checks}")
    print(f"\n{summary['documents']} documents: {summary['average_errors']:.2f} errors and "
          f"{summary['average_warnings']:.2f} warnings per document on average")
    print(f"without task items: {', '.join(summary['without_items']) or 'none'}")
    print(f"more than one error: {', '.join(summary['more_than_one_error']) or 'none'}")


if __name__ == "__main__":
    main()
