"""Score `policyscan compare` on the real pairs of tests/compare/ (and the shared pair).

    python tests/compare/score_pairs.py [--json]

Each pair folder holds BASE, OTHER and expected.yaml (../shared/gold/compare/FORMAT.md),
written before policyscan ran on the pair. dev/ is tuned on; holdout/ is only scored: this
script prints no misses (for dev, read them with score_compare.py --show).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = REPO.parent / "shared"
SCORER = SHARED / "gold/compare/score_compare.py"
POLICYSCAN = str(Path(sys.executable).with_name("policyscan"))  # the console script beside this Python


def pairs() -> list[tuple[str, str, Path, Path]]:
    """(split, name, expected file, folder of the documents) for every pair."""
    found = [("shared", "farm_mechanisation", SHARED / "gold/compare/farm_mechanisation.yaml",
              SHARED / "corpus/pairs")]
    for split in ("dev", "holdout"):
        found += [(split, d.name, d / "expected.yaml", d) for d in sorted((HERE / split).iterdir())
                  if (d / "expected.yaml").is_file()]
    return found


def score(expected: Path, docs: Path) -> dict:
    done = subprocess.run([sys.executable, str(SCORER), str(expected), str(docs), "--policyscan", POLICYSCAN,
                           "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def figures(res: dict) -> dict:
    """The three figures the issue's bar is stated in, from one score_compare result."""
    return {"recall": res["recall"], "false_difference_rate": res["false_difference_rate"] or 0.0,
            "fact_pairs_right": res["pairs"]["right"], "fact_pairs": res["pairs"]["expected"]}


def cells(figure: dict) -> str:
    """A table row's figure cells: recall | false differences | fact pairs right."""
    return f"{figure['recall']:.3f} | {figure['false_difference_rate']:.3f} | {figure['fact_pairs_right']}/{figure['fact_pairs']}"


def mean_cells(part: list[dict]) -> str:
    """The same cells for a set of pairs: recall and false differences averaged per pair, fact pairs summed."""
    return (f"{sum(f['recall'] for f in part) / len(part):.3f} | "
            f"{sum(f['false_difference_rate'] for f in part) / len(part):.3f} | "
            f"{sum(f['fact_pairs_right'] for f in part)}/{sum(f['fact_pairs'] for f in part)}")


def print_header(*first: str) -> None:
    """The header of a Markdown table of the three figures, after the given first columns."""
    print("| " + " | ".join(first) + " | recall | false differences | fact pairs right |")
    print("|" + "---|" * len(first) + "---:|---:|---:|")


def main() -> None:
    rows = [{"split": split, "pair": name, **figures(score(expected, docs))}
            for split, name, expected, docs in pairs()]
    if "--json" in sys.argv:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print_header("split", "pair")
    for r in rows:
        print(f"| {r['split']} | {r['pair']} | {cells(r)} |")
    for split in ("dev", "holdout"):
        part = [r for r in rows if r["split"] == split]
        if part:
            print(f"| {split} | mean of {len(part)} | {mean_cells(part)} |")


if __name__ == "__main__":
    main()
