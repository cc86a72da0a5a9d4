"""``policyscan compare`` on the command line: every output format, --fail-on, unreadable files,
the bundled real pair and its expected answers.

The compare stage itself is tested in tests/test_compare.py."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from helpers import (
    EDITS_001, KIND_SHEETS, NATIONAL, PAIRS, REPO, SHANGHAI, assert_layout, invoke, json_lines, mutate,
    records, runner,
)
from sample_docs import sample_text

from policyscan.cli import app
from policyscan.compare import VERDICTS, Comparison, compare
from policyscan.load import read_document
from policyscan.render import xlsx


# Tongnan 2025 work plan (001): quotas, lead units in (牵头单位:…;责任单位:…), a whole item deleted.


def test_real_pair_default_view_fits_one_screen() -> None:
    """The bundled pair's default view fits 40 lines at 80 columns; --all keeps every row."""
    result = runner.invoke(app, ["compare", str(NATIONAL), str(SHANGHAI)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert len(result.stdout.rstrip("\n").splitlines()) <= 40, result.stdout
    assert "stricter" in result.stdout and "items taken up" in result.stdout
    everything = runner.invoke(app, ["compare", str(NATIONAL), str(SHANGHAI), "--all"], env={"COLUMNS": "80"})
    rows = json.loads(invoke("compare", str(NATIONAL), str(SHANGHAI), "-f", "json").stdout)[0]["rows"]
    for row in rows:
        if row["kind"] != "item":
            side = row["base_text"] if row["base_text"] is not None else row["other_text"]
            assert " ".join(side.split())[:6] in " ".join(everything.stdout.split()), row


def test_real_pair_cli_json() -> None:
    """The JSON contract: per pair a summary and rows with kind, verdict, offsets, texts,
    values and similarity."""
    result = invoke("compare", str(NATIONAL), str(SHANGHAI), "--format", "json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert entry["summary"]["base_items"] == 20
    assert 0 <= entry["summary"]["coverage"] <= 1
    assert all(r["verdict"] in VERDICTS for r in entry["rows"])
    assert {r["kind"] for r in entry["rows"]} >= {"item", "quota", "deadline", "lead"}
    text = {"base": read_document(str(NATIONAL)).text, "other": read_document(str(SHANGHAI)).text}
    for row in entry["rows"]:
        assert {"kind", "verdict", "similarity", "base_start", "base_end", "other_start", "other_end",
                "base_text", "other_text", "base_value", "other_value"} <= set(row)
        for side in ("base", "other"):
            if row[f"{side}_start"] is not None and row["kind"] != "item":
                assert text[side][row[f"{side}_start"]:row[f"{side}_end"]] == row[f"{side}_text"]


@pytest.fixture()
def edited_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """001 and a copy with one stricter, one looser and one different-unit edit, as short relative paths."""
    monkeypatch.chdir(tmp_path)
    text = sample_text("001")
    other, _ = mutate(text, [e for e in EDITS_001 if e.kind == "quota" and e.verdict != "added"])
    Path("base.txt").write_text(text, encoding="utf-8")
    Path("edited.txt").write_text(other, encoding="utf-8")
    return "base.txt", "edited.txt"


def test_cli_table(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, other)
    assert result.exit_code == 0, result.output
    assert base in result.stdout and other in result.stdout
    assert "stricter" in result.stdout and "looser" in result.stdout
    everything = invoke("compare", base, other, "--all")
    assert "STRICTER" in everything.stdout and "LOOSER" in everything.stdout


def test_cli_jsonl(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, other, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert records[0]["kind"] == "summary"
    assert records[0]["base"] == base and records[0]["other"] == other
    rows = records[1:]
    assert rows and all({"base", "other", "kind", "verdict"} <= set(r) for r in rows)
    assert all(r["verdict"] in VERDICTS or r["verdict"] == "matched" for r in rows)
    assert {(r["kind"], r["verdict"]) for r in rows} >= {("quota", "stricter"), ("quota", "looser"),
                                                        ("quota", "different-unit")}


def test_cli_json(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, other, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    assert set(data[0]) == {"summary", "rows"}
    assert data[0]["summary"]["other"] == other
    jsonl = invoke("compare", base, other, "--format", "jsonl").stdout.splitlines()
    assert data[0]["rows"] == [json.loads(line) for line in jsonl[1:]]


def test_cli_csv(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, other, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0][:4] == ["base", "other", "kind", "verdict"]
    assert len(rows) > 2 and all(len(r) == len(rows[0]) for r in rows)
    assert all(r[2] != "summary" for r in rows[1:])


def test_cli_markdown(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, other, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Comparison")
    assert base in result.stdout and other in result.stdout


def test_cli_fail_on(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, other, "--fail-on", "looser", "-f", "jsonl")
    assert result.exit_code == 1, result.output
    assert "looser" in result.stderr
    # a copy with a stricter edit only: nothing looser
    Path("stricter.txt").write_text(mutate(sample_text("001"), [EDITS_001[0]])[0], encoding="utf-8")
    result = invoke("compare", base, "stricter.txt", "--fail-on", "looser,missing", "-f", "jsonl")
    assert result.exit_code == 0, result.output + result.stderr
    assert invoke("compare", base, base, "--fail-on", "looser", "-f", "jsonl").exit_code == 0


def test_cli_fail_on_unknown_verdict(edited_pair: tuple[str, str]) -> None:
    result = invoke("compare", *edited_pair, "--fail-on", "nosuch")
    assert result.exit_code == 2
    assert "nosuch" in result.stderr


def test_cli_unreadable_base(edited_pair: tuple[str, str]) -> None:
    result = invoke("compare", "no-such-directive.txt", edited_pair[1], "-f", "jsonl")
    assert result.exit_code == 3
    assert "no-such-directive.txt" in result.stderr
    assert result.stdout == ""


def test_cli_one_unreadable_other(edited_pair: tuple[str, str]) -> None:
    base, other = edited_pair
    result = invoke("compare", base, "no-such-plan.txt", other, "-f", "jsonl")
    assert result.exit_code == 3
    assert "no-such-plan.txt" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["other"] for r in records if r["kind"] == "summary"] == [other]
    assert all(r["other"] == other for r in records)


SCORER = REPO.parent / "shared" / "gold" / "compare" / "score_compare.py"


@pytest.mark.skipif(not SCORER.is_file(), reason="../shared/gold/compare is not beside the clone")
def test_bundled_pair_meets_the_bar_of_the_expected_answers() -> None:
    """The shared expected answers for the bundled pair, scored by the shared scorer:
    recall ≥ 0.80, false differences ≤ 10% of the difference rows and ≥ 70% of the expected
    fact pairs with the right verdict."""
    import subprocess
    import sys

    policyscan = str(Path(sys.executable).with_name("policyscan"))
    done = subprocess.run([sys.executable, str(SCORER), str(SCORER.with_name("farm_mechanisation.yaml")),
                           str(PAIRS), "--policyscan", policyscan, "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["recall"] >= 0.80 and result["false_difference_rate"] <= 0.10, result
    assert result["pairs"]["right"] >= 0.70 * result["pairs"]["expected"], result["pairs"]


def test_cli_compare_matches_jsonl(tmp_path: Path) -> None:
    target = tmp_path / "compare.xlsx"
    result = invoke("compare", str(NATIONAL), str(SHANGHAI), "-o", str(target), "--lang", "en")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    lines = json_lines(invoke("compare", str(NATIONAL), str(SHANGHAI), "--format", "jsonl").stdout)
    counts = Counter(r["kind"] for r in lines)
    assert book["Summary"].max_row - 1 == counts["summary"] == 1
    for kind, sheet in zip(("item", "target", "quota", "deadline", "lead"), KIND_SHEETS):
        assert book[sheet].max_row - 1 == counts[kind], kind
    assert_layout(book)
