"""How far two analysts agree on the same pair: the ceiling any tool can reach on compare.

    python tests/compare/agreement.py [--json]

tests/compare/agreement/NAME.yaml is a second expected-answer file for a pair that already has
one (dev/NAME/expected.yaml, or the shared farm_mechanisation.yaml), written by another analyst
from the same texts, FORMAT.md and GUIDE.md, without seeing the first. Each file is turned into
the rows `policyscan compare --format json` would print (items matched, facts with their verdict,
added, missing; optional entries left out, as the scorer leaves them out) and scored by
../shared/gold/compare/score_compare.py against the other file, in both directions: the figures
a perfect imitation of one analyst would get when judged by the other. The third direction,
policyscan judged by the second analyst, shows the tool against answers it was never tuned on.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from score_pairs import SCORER, SHARED, cells, figures, mean_cells, print_header, score  # noqa: E402 - beside this script

_spec = importlib.util.spec_from_file_location("score_compare", SCORER)
scorer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scorer)

DIRECTIONS = ("second judged by first", "first judged by second", "policyscan judged by second")
VERDICT_OF_SECTION = {"items": "matched", "added": "added", "missing": "missing"}


def first_annotation(name: str) -> tuple[Path, Path]:
    """(expected file, documents folder) of the pair's first annotation."""
    if name == "farm_mechanisation":
        return SHARED / "gold/compare/farm_mechanisation.yaml", SHARED / "corpus/pairs"
    return HERE / "dev" / name / "expected.yaml", HERE / "dev" / name


def as_rows(gold: dict, texts: dict[str, str]) -> list[dict]:
    """The compare rows that say exactly what an expected-answer file says."""
    rows = []
    for section in ("items", "facts", "added", "missing"):
        for entry in gold[section]:
            if entry.get("optional"):
                continue
            row = {"kind": "item" if section == "items" else entry["kind"],
                   "verdict": entry.get("verdict", VERDICT_OF_SECTION.get(section))}
            for side in ("base", "other"):
                if side in entry:
                    start = texts[side].find(entry[side])
                    if start < 0:
                        raise scorer.Malformed(f"{side} quote not in the document: {entry[side]!r}")
                    row.update({f"{side}_start": start, f"{side}_end": start + len(entry[side]),
                                f"{side}_text": entry[side]})
            rows.append(row)
    return rows


def judge(tool_file: Path, judge_file: Path, docs: Path) -> dict:
    """Score the answers of tool_file as if a tool had printed them, against judge_file."""
    tool, truth = scorer.load_expected(str(tool_file)), scorer.load_expected(str(judge_file))
    texts = {side: scorer.read_doc(scorer.doc_path(str(docs), truth[side]))[0] for side in ("base", "other")}
    return figures(scorer.score(truth, texts, as_rows(tool, texts))[0])


def main() -> None:
    results = []
    for second in sorted((HERE / "agreement").glob("*.yaml")):
        first, docs = first_annotation(second.stem)
        results.append({"pair": second.stem, "second judged by first": judge(second, first, docs),
                        "first judged by second": judge(first, second, docs),
                        "policyscan judged by second": figures(score(second, docs))})
    if "--json" in sys.argv:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print_header("pair", "direction")
    for direction in DIRECTIONS:
        for r in results:
            print(f"| {r['pair']} | {direction} | {cells(r[direction])} |")
        if results:
            print(f"| mean of {len(results)} | {direction} | {mean_cells([r[direction] for r in results])} |")


if __name__ == "__main__":
    main()
