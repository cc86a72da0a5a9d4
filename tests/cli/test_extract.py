"""The ``policyscan`` command: formats, filters, errors and exit codes, and a gold-score guard."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyscan.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SAMPLE = SAMPLES / "001_98f145120425fdfb.txt"
GOLD = REPO.parent / "shared" / "gold"
SCORE = GOLD / "score.py"
RECORD_KEYS = {"doc", "kind", "text", "start", "end", "section", "rule"}

runner = CliRunner()


def invoke(*args: str, stdin: str | bytes | None = None):  # noqa: ANN202 - typer's Result
    return runner.invoke(app, list(args), input=stdin, env={"COLUMNS": "200"})


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


def test_help() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "extract" in result.stdout
    assert "rules" in result.stdout
    sub = invoke("extract", "--help")
    assert sub.exit_code == 0
    for option in ("--format", "--kind", "--rules", "--disable"):
        assert option in sub.stdout


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "extract" in result.output
    assert result.exit_code in (0, 2)


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


def test_output_suffix_that_names_no_format_of_the_command_is_a_usage_error(tmp_path: Path) -> None:
    for name, command in (("facts.xls", "extract"), ("facts.md", "extract"), ("facts", "check")):
        target = tmp_path / name
        result = invoke(command, str(SAMPLE), "-o", str(target))
        assert result.exit_code == 2, name
        assert "--output: cannot tell a format this command writes from" in result.stderr
        assert not target.exists()


def test_check_rejects_a_bad_reference_date_before_writing_anything() -> None:
    result = invoke("check", str(SAMPLE), "--format", "html", "--reference-date", "2025-13-01")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_help_imports_nothing_heavy() -> None:
    """`policyscan --help` must stay instant: the CLI module and its help text load neither the
    pipeline, jieba, nor rich's markdown renderer (help is plain click formatting)."""
    import subprocess
    import sys

    probe = ("import sys\nfrom policyscan.cli import app\n"
             "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = {'jieba', 'policyscan.pipeline', 'policyscan.compare', 'rich.markdown', 'yaml'}\n"
             "print(sorted(heavy & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_jobs_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    """Worker processes change nothing but speed: same facts, same order, same errors."""
    corpus = Path(__file__).resolve().parent / "corpus"
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

    command = [sys.executable, "-c", "from policyscan.cli import app; app()", "extract", str(SAMPLES), "-f", "jsonl"]
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
    run = subprocess.Popen([sys.executable, "-c", "from policyscan.cli import app; app()", "extract", *files, "-",
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

    corpus = Path(__file__).resolve().parent / "corpus"
    run = subprocess.Popen([sys.executable, "-c", "from policyscan.cli import app; app()", "extract",
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
