#!/usr/bin/env python3
"""Score policyscan on tests/corpus, per split and per genre, with ../shared/gold/score.py.

    python tests/corpus/score_corpus.py              # markdown tables for the README
    python tests/corpus/score_corpus.py --json       # the numbers, for tests and scripts

The held-out split is only ever scored: its misses are not printed, and nothing here
offers to show them.
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

import policyscan

CORPUS = Path(__file__).resolve().parent
SCORER = CORPUS.parents[2] / "shared" / "gold" / "score.py"
SPLITS = ("dev", "holdout")
KINDS = ("quota", "deadline", "unit", "target")


def load_scorer(path: Path = SCORER) -> ModuleType:
    """The shared scorer as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("gold_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def records(split: str) -> list[dict[str, Any]]:
    """What ``policyscan extract DIR --format jsonl`` writes for a split, via the API."""
    out = []
    for doc in policyscan.extract_paths(CORPUS / split / "docs"):
        out.extend(fact.to_record(doc.path) for fact in doc.facts)
    return out


def genres(split: str) -> dict[str, str]:
    """Document file name → genre, from each gold file's source block."""
    found = {}
    for path in sorted((CORPUS / split / "gold").glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[gold["doc"]] = gold["source"]["genre"]
    return found


def score_split(scorer: ModuleType, split: str) -> dict[str, Any]:
    """Micro-F1 and per-kind F1 for the whole split and for each genre in it."""
    docs, gold_dir = CORPUS / split / "docs", CORPUS / split / "gold"
    preds = records(split)
    gold = scorer.load_gold(str(gold_dir))
    by_genre: dict[str, list[str]] = collections.defaultdict(list)
    for doc, genre in genres(split).items():
        by_genre[genre].append(doc)
    result = {"all": scorer.score(preds, gold, str(docs), 0), "documents": len(gold), "genres": {}}
    for genre, names in sorted(by_genre.items()):
        subset = {name: gold[name] for name in names}
        result["genres"][genre] = {"documents": len(names), **scorer.score(preds, subset, str(docs), 0)}
    return result


def markdown(scores: dict[str, dict[str, Any]]) -> str:
    """One table per split: a row per genre and one for the whole split."""
    lines = []
    for split, result in scores.items():
        lines += [f"**{split}** ({result['documents']} documents)", "",
                  "| genre | docs | micro-F1 | quota | deadline | unit | target |",
                  "|---|---|---|---|---|---|---|"]
        rows = [*result["genres"].items(), ("**all**", {"documents": result["documents"], **result["all"]})]
        for genre, s in rows:
            cells = [f"{s['micro']['f1']:.3f}"] + [f"{s[k]['f1']:.3f}" if s[k]["gold"] or s[k]["pred"] else "–"
                                                     for k in KINDS]
            lines.append(f"| {genre} | {s['documents']} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--split", choices=SPLITS, action="append", help="only this split (repeatable)")
    args = parser.parse_args()
    if not SCORER.is_file():
        print(f"score_corpus: {SCORER} not found (../shared beside the checkout)", file=sys.stderr)
        return 2
    scorer = load_scorer()
    scores = {split: score_split(scorer, split) for split in args.split or SPLITS}
    print(json.dumps(scores, ensure_ascii=False, indent=1) if args.json else markdown(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
