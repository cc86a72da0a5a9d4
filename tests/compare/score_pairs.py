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


def main() -> None:
    rows = []
    for split, name, expected, docs in pairs():
        r = score(expected, docs)
        p = r["pairs"]
        rows.append({"split": split, "pair": name, "recall": r["recall"],
                     "false_difference_rate": r["false_difference_rate"],
                     "fact_pairs_right": p["right"], "fact_pairs": p["expected"]})
    if "--json" in sys.argv:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print("| split | pair | recall | false differences | fact pairs right |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['split']} | {r['pair']} | {r['recall']:.3f} | {r['false_difference_rate']:.3f} "
              f"| {r['fact_pairs_right']}/{r['fact_pairs']} |")
    for split in ("dev", "holdout"):
        part = [r for r in rows if r["split"] == split]
        if part:
            print(f"| {split} | mean of {len(part)} | {sum(r['recall'] for r in part) / len(part):.3f} "
                  f"| {sum(r['false_difference_rate'] for r in part) / len(part):.3f} "
                  f"| {sum(r['fact_pairs_right'] for r in part)}/{sum(r['fact_pairs'] for r in part)} |")


if __name__ == "__main__":
    main()
