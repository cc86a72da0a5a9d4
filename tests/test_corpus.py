"""tests/corpus: the collected documents are well-formed and the extractor holds its scores.

The thresholds are floors a change must not break, measured with ../shared/gold/score.py;
the held-out split is only scored here, never inspected.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
GENRES = {"national-opinion", "provincial-plan", "city-plan", "district-plan", "action-plan", "fyp-chapters",
          "articles-rules", "work-report", "work-points", "no1-document", "markup-residue", "traditional-mirror"}
FLOORS = {"dev": 0.92, "holdout": 0.87}


def _score_corpus():  # noqa: ANN202 - a module
    spec = importlib.util.spec_from_file_location("score_corpus", CORPUS / "score_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.SCORER.is_file():
        pytest.skip(f"{module.SCORER} not found")
    return module


def gold_files() -> list[Path]:
    return sorted(CORPUS.glob("*/gold/*.yaml"))


def test_corpus_size_and_genres() -> None:
    genres = {yaml.safe_load(p.read_text(encoding="utf-8"))["source"]["genre"] for p in gold_files()}
    assert len(gold_files()) >= 25
    assert len(genres) >= 8 and genres <= GENRES


@pytest.mark.parametrize("path", gold_files(), ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_gold_file_is_well_formed(path: Path) -> None:
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc = path.parents[1] / "docs" / gold["doc"]
    assert doc.is_file() and doc.stem == path.stem
    source = gold["source"]
    assert source["genre"] in GENRES and source["origin"] and source["level"]
    text = doc.read_text(encoding="utf-8")
    for field in ("quotas", "deadlines", "units", "targets"):
        for entry in gold.get(field) or []:
            assert entry["text"] in text, (field, entry["text"])


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_scores_hold(split: str) -> None:
    module = _score_corpus()
    result = module.score_split(module.load_scorer(), split)
    assert result["all"]["micro"]["f1"] >= FLOORS[split], {k: result["all"][k] for k in ("micro", "quota", "target")}
