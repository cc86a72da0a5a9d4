"""``policyscan extract`` on the command line: formats (xlsx included), filters, folders and
readers, errors and exit codes, --jobs, and a gold-score guard."""
from __future__ import annotations

import copy
import csv
import html
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from helpers import (
    FORMATS, KIND_SHEETS, POLICYSCAN, REPO, SAMPLE, assert_layout, invoke, json_lines, load, records,
    runner,
)
from sample_docs import NAMES, SAMPLES
from typer.testing import CliRunner

from policyscan.cli import app
from policyscan.load import read_document
from policyscan.model import InputError
from policyscan.render import xlsx

GOLD = REPO.parent / "shared" / "gold"
SCORE = GOLD / "score.py"
RECORD_KEYS = {"doc", "kind", "text", "start", "end", "section", "rule"}


def jsonl(stdout: str) -> list[dict]:
    """The fact records of JSONL output (each document's ``document`` record left out)."""
    records = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return [r for r in records if r["kind"] != "document"]


# ---------------------------------------------------------------- formats

def test_jsonl() -> None:
    result = invoke("extract", str(SAMPLE), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = jsonl(result.stdout)
    assert len(records) > 20
    text = SAMPLE.read_text(encoding="utf-8")
    for r in records:
        assert RECORD_KEYS <= set(r), r
        assert r["doc"] == str(SAMPLE)
        assert text[r["start"]:r["end"]] == r["text"]
        assert isinstance(r["section"], str)
    assert {r["kind"] for r in records} == {"quota", "deadline", "unit", "target"}
    assert any(r["kind"] == "quota" and r["value"] == 8700 and r["cmp"] == ">=" for r in records)
    assert result.stderr == ""


def test_jsonl_opens_each_document_with_its_metadata() -> None:
    result = invoke("extract", str(SAMPLE), "--format", "jsonl")
    first = json.loads(result.stdout.splitlines()[0])
    assert first == {"doc": str(SAMPLE), "kind": "document",
                     "title": "关于印发《重庆市潼南区2025年巩固拓展脱贫攻坚成果工作要点》的通知",
                     "doc_number": "潼巩固专办发〔2025〕1号",
                     "issuer": "中共重庆市潼南区委农村工作暨实施乡村振兴战略领导小组巩固拓展脱贫攻坚成果工作专班办公室",
                     "issued": "2025-04-27", "year": 2025, "period": None,
                     "sources": {"title": "title", "doc_number": "title_block", "issuer": "signature",
                                 "issued": "signature", "year": "signature"},
                     "notices": []}


def test_json_matches_jsonl() -> None:
    result = invoke("extract", str(SAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    documents = json.loads(result.stdout)
    assert isinstance(documents, list) and len(documents) == 1
    assert documents[0]["kind"] == "document" and documents[0]["year"] == 2025
    assert documents[0]["facts"] == jsonl(invoke("extract", str(SAMPLE), "-f", "jsonl").stdout)


def test_csv_has_bom_and_header() -> None:
    result = invoke("extract", str(SAMPLE), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout[1:])))
    assert rows
    assert RECORD_KEYS <= set(rows[0])
    assert len(rows) == len(jsonl(invoke("extract", str(SAMPLE), "-f", "jsonl").stdout))


def test_table_mentions_the_file() -> None:
    result = invoke("extract", str(SAMPLE))  # table is the default
    assert result.exit_code == 0, result.output
    assert SAMPLE.name in result.stdout
    assert "2025" in result.stdout
    assert "8700" in result.stdout
    explicit = invoke("extract", str(SAMPLE), "--format", "table")
    assert explicit.stdout == result.stdout


@pytest.mark.parametrize("kinds", ["quota", "deadline,unit"])
def test_kind_filter(kinds: str) -> None:
    result = invoke("extract", str(SAMPLE), "--format", "jsonl", "--kind", kinds)
    assert result.exit_code == 0, result.output
    records = jsonl(result.stdout)
    assert records
    assert {r["kind"] for r in records} == set(kinds.split(","))


def test_kind_target_alone() -> None:
    result = invoke("extract", str(SAMPLE), "-f", "jsonl", "-k", "target")
    assert result.exit_code == 0, result.output
    assert {r["kind"] for r in jsonl(result.stdout)} == {"target"}


# ---------------------------------------------------------------- inputs and errors

def test_folder_with_a_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a_good.txt").write_text("一、目标\n确保低收入群体年人均纯收入不低于8700元。\n", encoding="utf-8")
    (folder / "b_binary.txt").write_bytes(bytes(range(256)) * 8)
    result = invoke("extract", str(folder), "--format", "jsonl")
    assert result.exit_code == 3
    records = jsonl(result.stdout)
    assert records
    assert {Path(r["doc"]).name for r in records} == {"a_good.txt"}
    assert any(r["kind"] == "quota" and r["value"] == 8700 for r in records)
    assert "b_binary.txt" in result.stderr
    assert "a_good.txt" not in result.stderr


def test_bad_file_listed_first_does_not_stop_the_rest(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00" * 100)
    result = invoke("extract", str(bad), str(SAMPLE), "--format", "json")
    assert result.exit_code == 3
    assert {d["doc"] for d in json.loads(result.stdout)} == {str(SAMPLE)}
    assert "bad.txt" in result.stderr


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.txt"
    result = invoke("extract", str(missing), "--format", "jsonl")
    assert result.exit_code == 3
    assert str(missing) in result.stderr
    assert "no such file" in result.stderr
    assert result.stdout == ""


def test_unknown_format() -> None:
    result = invoke("extract", str(SAMPLE), "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.stderr
    assert result.stdout == ""


def test_unknown_kind() -> None:
    result = invoke("extract", str(SAMPLE), "--kind", "quota,money")
    assert result.exit_code == 2
    assert "money" in result.stderr
    assert result.stdout == ""


def test_stdin() -> None:
    text = "一、目标\n到2025年,确保低收入群体年人均纯收入不低于8700元。\n"
    result = invoke("extract", "-", "--format", "jsonl", stdin=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    records = jsonl(result.stdout)
    assert {r["doc"] for r in records} == {"-"}
    assert {r["kind"] for r in records} == {"quota", "deadline", "target"}
    for r in records:
        assert text[r["start"]:r["end"]] == r["text"]
        assert r["section"] == "一"


def test_stdin_gb18030() -> None:
    text = "确保低收入群体年人均纯收入不低于8700元。"
    result = invoke("extract", "-", "-f", "jsonl", "-k", "quota", stdin=text.encode("gb18030"))
    assert result.exit_code == 0, result.output
    assert [r["value"] for r in jsonl(result.stdout)] == [8700]


# ---------------------------------------------------------------- regression guard on the gold seeds

def _load_score():  # noqa: ANN202 - a module
    if not SCORE.is_file():
        pytest.skip(f"{SCORE} not found")
    spec = importlib.util.spec_from_file_location("gold_score", SCORE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gold_seed_score() -> None:
    score = _load_score()
    seeds = GOLD / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} not found")
    result = invoke("extract", str(SAMPLES), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    preds = jsonl(result.stdout)
    gold = score.load_gold(str(seeds))
    assert gold, "no gold files"
    scored_docs = {Path(r["doc"]).name for r in preds} & set(gold)
    assert scored_docs == set(gold), "every gold document must be among the samples"
    out = score.score(preds, gold, str(SAMPLES), 5)
    summary = {k: out[k]["f1"] for k in ("quota", "deadline", "unit", "target", "micro")}
    assert out["micro"]["f1"] >= 0.90, (summary, out.get("examples"))


# ---------------------------------------------------------------- --output

@pytest.mark.parametrize(("name", "first_bytes"), [
    ("facts.csv", "\ufeffdoc,"), ("facts.jsonl", '{"doc"'), ("facts.json", "["), ("facts.html", "<!DOCTYPE html>")])
def test_output_file_format_follows_its_suffix(tmp_path: Path, name: str, first_bytes: str) -> None:
    target = tmp_path / name
    result = invoke("extract", str(SAMPLE), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith(first_bytes)
    assert list(tmp_path.iterdir()) == [target]  # no .part file left behind


def test_explicit_format_wins_over_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "facts.txt"
    invoke("extract", str(SAMPLE), "-o", str(target), "--format", "jsonl")
    assert json.loads(target.read_text(encoding="utf-8").splitlines()[0])["kind"] == "document"


def test_output_to_a_directory_or_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("extract", str(SAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert f"--output: {tmp_path} is a directory, not a file" in result.stderr
    missing = tmp_path / "no" / "such" / "facts.csv"
    result = invoke("extract", str(SAMPLE), "-o", str(missing))
    assert result.exit_code == 2
    assert f"--output: cannot write {missing}: No such file or directory" in result.stderr


def test_jobs_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    """Worker processes change nothing but speed: same facts, same order, same errors."""
    corpus = REPO / "tests" / "corpus"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    args = ["extract", str(corpus), str(bad), str(SAMPLES), "--format", "jsonl"]
    one, two = runner.invoke(app, [*args, "--jobs", "1"]), runner.invoke(app, [*args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 3
    assert one.stdout == two.stdout and one.stderr == two.stderr and "bad.pdf" in two.stderr
    assert one.stdout.count('"kind": "document"') > 60


def test_default_jobs_use_every_cpu_only_beyond_a_handful_of_files() -> None:
    from policyscan.pipeline import HANDFUL, default_jobs

    assert default_jobs(1) == default_jobs(HANDFUL) == 1
    assert default_jobs(HANDFUL + 1) == len(os.sched_getaffinity(0))


def test_output_to_a_device_or_pipe_writes_through_it(tmp_path: Path) -> None:
    """-o /dev/null or a FIFO is written directly: replacing it with a temporary file would
    turn the device into a plain file (it once did, for /dev/null)."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = runner.invoke(app, ["extract", str(SAMPLES / "001_98f145120425fdfb.txt"), "-f", "jsonl", "-o", str(fifo)])
    reader.join(10)
    assert done.exit_code == 0, done.output
    assert fifo.is_fifo() and received and received[0].count(b"\n") > 10
    assert not (tmp_path / "pipe.part").exists()


def test_results_are_the_same_without_the_compiled_caches() -> None:
    """The compiled-pack and dictionary caches change only speed: a run without a cache
    folder prints what a run with one prints."""
    import subprocess
    import sys

    command = [*POLICYSCAN, "extract", str(SAMPLES), "-f", "jsonl"]
    cached = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    uncached = subprocess.run(command, capture_output=True, text=True, check=True,
                              env={**os.environ, "POLICYSCAN_CACHE_DIR": ""}).stdout
    assert cached == uncached and cached.count("\n") > 500


def test_ctrl_c_stops_a_parallel_batch_quietly(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops the batch at
    once: no traceback from each worker, no report left half-written. The batch is held on
    standard input (read by the parent) so that the workers sit idle, where an interrupt made
    each of them print a traceback."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "facts.jsonl"
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    run = subprocess.Popen([*POLICYSCAN, "extract", *files, "-",
                            "-f", "jsonl", "-o", str(out), "--jobs", "2"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3)  # the workers have finished the files and wait for more; the parent waits for stdin
    assert run.poll() is None
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode != 0
    assert "Traceback" not in stderr
    assert not out.exists() and not (tmp_path / "facts.jsonl.part").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_workers_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    """A killed parent cannot stop its workers; they must not run on (and hold the caller's
    pipes open) without it."""
    import signal
    import subprocess
    import time

    corpus = REPO / "tests" / "corpus"
    run = subprocess.Popen([*POLICYSCAN, "extract",
                            *[str(corpus)] * 20, "-f", "jsonl", "-o", str(tmp_path / "f.jsonl"), "--jobs", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = Path(f"/proc/{run.pid}/task/{run.pid}/children")
    deadline = time.monotonic() + 60
    workers: list[str] = []
    while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
        workers = children.read_text().split() if children.exists() else []
        time.sleep(0.05)
    assert len(workers) == 2, "the workers did not start"
    run.send_signal(signal.SIGKILL)
    run.wait()
    time.sleep(1.5)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and Path(f"/proc/{w}/stat").read_text().split()[2] != "Z"]
    assert alive == []


def _image_only_pdf(path: Path) -> Path:
    """A PDF of a page image and no text layer, as a scanner makes."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(page).rectangle((50, 50, 550, 120), fill="black")
    page.save(path, "PDF")
    return path


def test_scanned_pdf_is_a_named_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    scan = _image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputError, match="scan.pdf: the PDF has no text layer; scanned?"):
        read_document(str(scan))
    shutil.copy(NAMES["001"], tmp_path / "plan.txt")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 3
    assert "no text layer; scanned?" in result.stderr
    assert '"kind": "quota"' in result.stdout  # plan.txt was still processed


def test_folder_takes_every_supported_format_and_glob_narrows(tmp_path: Path) -> None:
    for name in ("001.docx", "001.pdf", "001.html"):
        shutil.copy(FORMATS / name, tmp_path / name)
    (tmp_path / "notes.md").write_text("# not a policy", encoding="utf-8")
    runner = CliRunner()
    every = runner.invoke(app, ["extract", str(tmp_path), "--format", "jsonl", "--kind", "unit"])
    assert every.exit_code == 0, every.stderr
    documents = [line for line in every.stdout.splitlines() if '"kind": "document"' in line]
    assert len(documents) == 3
    only_pdf = runner.invoke(app, ["extract", str(tmp_path), "--glob", "*.pdf", "--format", "jsonl"])
    assert [line for line in only_pdf.stdout.splitlines() if '"kind": "document"' in line][0].count("001.pdf") == 1
    assert "001.docx" not in only_pdf.stdout


def test_a_reader_crash_is_a_named_error_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    import policyscan.load.pdf as pdf_reader

    def broken(data: bytes, name: str) -> tuple[str, str]:
        raise IndexError("list index out of range")

    monkeypatch.setattr(pdf_reader, "pdf_to_text", broken)
    shutil.copy(FORMATS / "001.pdf", tmp_path / "a.pdf")
    shutil.copy(NAMES["001"], tmp_path / "b.txt")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 3
    assert "a.pdf: cannot read this pdf file (IndexError: list index out of range)" in result.stderr
    assert "b.txt" in result.stdout


def test_a_folder_with_nothing_to_read_is_reported(tmp_path: Path) -> None:
    shutil.copy(NAMES["001"], tmp_path / "plan.txt")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--glob", "*.pdf", "--format", "jsonl"])
    assert result.exit_code == 3
    assert f"{tmp_path}: no files matching '*.pdf' in this folder" in result.stderr


def test_cli_extract_to_file_matches_jsonl(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    result = invoke("extract", str(SAMPLE), "-o", str(target), "--lang", "en")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    facts = [r for r in json_lines(invoke("extract", str(SAMPLE), "--format", "jsonl").stdout) if r["kind"] != "document"]
    counts = Counter(r["kind"] for r in facts)
    assert {kind: book[xlsx.KIND_SHEETS[kind]].max_row - 1 for kind in counts} == counts
    assert [r["text"] for r in records(book["Targets"])] == [r["text"] for r in facts if r["kind"] == "target"]
    assert_layout(book)


def test_cli_extract_xlsx_to_stdout_in_chinese() -> None:
    result = invoke("extract", str(SAMPLE), "--format", "xlsx", "--lang", "zh")
    assert result.exit_code == 0, result.output
    book = load(result.stdout_bytes)
    assert book.sheetnames == ["文件列表", "数量指标", "时间节点", "责任单位", "目标任务"]
    assert records(book["文件列表"])[0]["文件"] == str(SAMPLE)


def test_xlsx_through_a_pipe() -> None:
    """A pipe cannot seek; the workbook is still whole."""
    code = "from policyscan.cli import app; app()"
    done = subprocess.run([sys.executable, "-c", code, "extract", str(SAMPLE), "-f", "xlsx", "-k", "quota"],
                          capture_output=True, check=True, cwd=REPO)
    assert load(done.stdout).sheetnames == ["Documents", "Quotas"]


def test_cli_without_openpyxl_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openpyxl" else real(name, *a))
    result = invoke("extract", str(SAMPLE), "--format", "xlsx")
    assert result.exit_code == 2
    assert "pip install 'policyscan[xlsx]'" in result.stderr


def test_a_report_in_an_input_folder_is_not_read_as_a_policy(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policyscan.cli import app

    shutil.copy(NAMES["001"], tmp_path / "plan.txt")
    runner = CliRunner()
    assert runner.invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "report.html")]).exit_code == 0
    again = runner.invoke(app, ["extract", str(tmp_path), "--format", "jsonl"])
    assert again.exit_code == 3
    assert "report.html: a policyscan report, not a policy document" in again.stderr
    assert again.stdout.count('"kind": "document"') == 1
