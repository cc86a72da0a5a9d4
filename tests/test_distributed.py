"""The Dask recipe gives the CLI's results: same records, same order, nothing lost."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyscan.cli import app
from policyscan.distributed import dask_bag, file_records
from policyscan.pipeline import Options

dask = pytest.importorskip("dask.bag")  # the optional extra: pip install 'policyscan[dask]'
REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


def _cli_records(*args: str) -> list[dict]:
    done = CliRunner().invoke(app, ["extract", *args, "--format", "jsonl"])
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_file_records_are_the_cli_jsonl_of_that_file() -> None:
    path = str(sorted(SAMPLES.glob("*.txt"))[1])
    assert file_records(path) == _cli_records(path)


@pytest.mark.parametrize("scheduler", ["synchronous", "processes"])
def test_a_dask_bag_over_files_gives_the_cli_records(tmp_path: Path, scheduler: str) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    empty = tmp_path / "emp:ty"
    empty.mkdir()
    records = dask_bag([str(empty), str(SAMPLES), str(bad)], files_per_partition=2).compute(scheduler=scheduler)
    assert [r["doc"] for r in records if r["kind"] == "error"] == [str(empty), str(bad)]
    assert records[0]["kind"] == "error" and records[-1]["kind"] == "error" and "bad.pdf" in records[-1]["error"]
    assert records[1:-1] == _cli_records(str(SAMPLES))


def test_the_recipe_writes_json_lines_that_read_back_as_the_cli_output(tmp_path: Path) -> None:
    bag = dask_bag([str(SAMPLES)], options=Options(kinds=("quota",)), files_per_partition=2)
    bag.map(json.dumps, ensure_ascii=False).to_textfiles(str(tmp_path / "part-*.jsonl"), name_function="{:05d}".format,
                                                         last_endline=True, scheduler="synchronous")
    written = "".join(part.read_text(encoding="utf-8") for part in sorted(tmp_path.glob("part-*.jsonl")))
    assert written.endswith("\n")
    written = [json.loads(line) for line in written.splitlines()]
    assert written == _cli_records(str(SAMPLES), "--kind", "quota")


def test_the_recipe_writes_parquet_with_the_store_columns(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    pytest.importorskip("dask.dataframe")
    import pandas

    from policyscan.distributed import write_parquet

    write_parquet(dask_bag([str(SAMPLES)], files_per_partition=2), str(tmp_path / "facts"))
    table = pandas.read_parquet(tmp_path / "facts")
    expected = [r for r in _cli_records(str(SAMPLES)) if r["kind"] != "document"]
    assert [json.loads(r) for r in table["record"]] == expected
    quotas = table[table["kind"] == "quota"]
    assert quotas["value"].dtype == "float64" and table["year"].dtype == "Int64"
    assert list(quotas["text"]) == [r["text"] for r in expected if r["kind"] == "quota"]
