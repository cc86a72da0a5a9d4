"""The results store: resumable, duplicates stored once, facts as the JSONL contract has them."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from helpers import POLICYSCAN, runner

from policyscan.cli import app

HERE = Path(__file__).resolve().parent


def _corpus(tmp_path: Path, count: int) -> Path:
    """``count`` distinct real documents of the own corpus, copied into one folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    seen: set[bytes] = set()
    for path in sorted((HERE / "corpus").rglob("*.txt")):
        data = path.read_bytes()
        if data not in seen and len(seen) < count:
            seen.add(data)
            shutil.copy(path, folder / f"{len(seen):03d}_{path.name}")
    assert len(seen) == count
    return folder


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def _stored_facts(db: Path) -> list[tuple]:
    return _rows(db, "SELECT doc, seq, record FROM facts ORDER BY doc, seq")


def test_store_holds_every_fact_of_the_jsonl_contract(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 4)
    db = tmp_path / "r.sqlite"
    stored = runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    assert stored.exit_code == 0, stored.output
    assert "4 analysed" in stored.stderr and stored.stdout == ""  # facts go only to the store
    jsonl = runner.invoke(app, ["extract", str(folder), "--format", "jsonl"]).stdout
    records = [json.loads(line) for line in jsonl.splitlines()]
    facts = [r for r in records if r["kind"] != "document"]
    assert [json.loads(r) for _, _, r in _stored_facts(db)] == sorted(facts, key=lambda r: r["doc"])
    quota = next(r for r in facts if r["kind"] == "quota" and r.get("value") is not None)
    assert (quota["value"], quota["unit"]) in _rows(db, f"SELECT value, unit FROM facts WHERE doc = '{quota['doc']}' "
                                                         f"AND start = {quota['start']}")
    documents = [r for r in records if r["kind"] == "document"]
    assert [json.loads(r) for (r,) in _rows(db, "SELECT record FROM documents ORDER BY path")] == \
        sorted(documents, key=lambda r: r["doc"])


def test_rerun_skips_unchanged_and_redoes_changed_files(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 3)
    db = tmp_path / "r.sqlite"
    runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    changed = sorted(folder.iterdir())[0]
    changed.write_text("到2025年，全区新建绿道不少于40公里。", encoding="utf-8")
    again = runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    assert "1 analysed (3 facts), 2 unchanged, 0 duplicates, 0 failed" in again.stderr
    assert _rows(db, f"SELECT kind, text, year FROM facts WHERE doc = '{os.path.realpath(changed)}' ORDER BY seq") == [
        ("deadline", "到2025年", 2025), ("target", "到2025年，全区新建绿道不少于40公里", 2025), ("quota", "不少于40公里", None)]
    only_quotas = runner.invoke(app, ["extract", str(folder), "--db", str(db), "--kind", "quota"])
    assert "0 analysed (0 facts), 3 unchanged" in only_quotas.stderr  # the store keeps every kind
    other_year = runner.invoke(app, ["extract", str(folder), "--db", str(db), "--year", "2030"])
    assert "3 analysed" in other_year.stderr  # other settings: the stored facts do not answer them


def test_identical_files_are_stored_once_as_duplicates(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 2)
    first = sorted(folder.iterdir())[0]
    shutil.copy(first, folder / "zz_copy.txt")
    db = tmp_path / "r.sqlite"
    done = runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    assert "2 analysed" in done.stderr and "1 duplicate," in done.stderr
    assert _rows(db, "SELECT status, duplicate_of FROM documents WHERE path LIKE '%zz_copy.txt'") == [
        ("duplicate", os.path.realpath(first))]
    assert _rows(db, "SELECT count(*) FROM facts WHERE doc LIKE '%zz_copy.txt'") == [(0,)]


def test_a_file_that_fails_is_stored_as_failed_and_retried(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 1)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    db = tmp_path / "r.sqlite"
    done = runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    assert done.exit_code == 3 and "broken.pdf" in done.stderr
    assert _rows(db, "SELECT status FROM documents WHERE path LIKE '%broken.pdf'") == [("failed",)]
    again = runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    assert "0 analysed (0 facts), 1 unchanged, 0 duplicates, 1 failed" in again.stderr


def test_a_file_that_is_not_a_store_is_a_usage_error(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 1)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE people (name TEXT)")
    done = runner.invoke(app, ["extract", str(folder), "--db", str(other)])
    assert done.exit_code == 2 and "not a policyscan results store" in done.stderr
    text = tmp_path / "notes.sqlite"
    text.write_text("plain text, not SQLite", encoding="utf-8")
    done = runner.invoke(app, ["extract", str(folder), "--db", str(text)])
    assert done.exit_code == 2 and "cannot use as a results store" in done.stderr


def test_a_run_killed_half_way_resumes_without_redoing_or_losing_a_document(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 40)
    db = tmp_path / "r.sqlite"
    run = subprocess.Popen([*POLICYSCAN, "extract", str(folder), "--db", str(db), "--jobs", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline:
        if db.exists():
            try:
                stored = _rows(db, "SELECT count(*) FROM documents")[0][0]
            except sqlite3.OperationalError:  # the schema is still being written
                stored = 0
            if stored >= 5:
                break
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    run.wait()
    before = dict(_rows(db, "SELECT path, stored_at FROM documents"))
    assert 5 <= len(before) < 40, "the run was not stopped half-way"
    resumed = subprocess.run([*POLICYSCAN, "extract", str(folder), "--db", str(db)], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{40 - len(before)} analysed" in resumed.stderr and f"{len(before)} unchanged" in resumed.stderr
    after = dict(_rows(db, "SELECT path, stored_at FROM documents"))
    assert len(after) == 40 and all(after[path] == stamp for path, stamp in before.items())
    clean = tmp_path / "clean.sqlite"
    subprocess.run([*POLICYSCAN, "extract", str(folder), "--db", str(clean)], capture_output=True, check=True)
    assert _stored_facts(db) == _stored_facts(clean)


def test_a_duplicate_is_analysed_once_the_file_it_repeats_changes(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 1)
    original = next(folder.iterdir())
    copy = folder / "zz_copy.txt"
    shutil.copy(original, copy)
    db = tmp_path / "r.sqlite"
    runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    original.write_text("到2025年，全区新建绿道不少于40公里。", encoding="utf-8")
    again = runner.invoke(app, ["extract", str(folder), "--db", str(db)])
    assert "2 analysed" in again.stderr and "0 duplicates" in again.stderr
    assert _rows(db, "SELECT count(*) FROM facts WHERE doc LIKE '%zz_copy.txt'")[0][0] > 10


def test_the_same_file_by_two_spellings_or_twice_is_one_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _corpus(tmp_path, 2)
    one = sorted(folder.iterdir())[0]
    db = tmp_path / "r.sqlite"
    done = runner.invoke(app, ["extract", str(folder), str(one), "--db", str(db)])
    assert "2 analysed" in done.stderr and "0 duplicates" in done.stderr
    monkeypatch.chdir(tmp_path)
    again = runner.invoke(app, ["extract", "corpus", f"./corpus/{one.name}", "--db", str(db)])
    assert "0 analysed (0 facts), 2 unchanged, 0 duplicates" in again.stderr
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]


def test_standard_input_is_analysed_but_not_stored(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    done = runner.invoke(app, ["extract", "-", "--db", str(db)], input="到2025年，全区新建绿道不少于40公里。")
    assert done.exit_code == 0 and "standard input is not stored" in done.stderr
    assert _rows(db, "SELECT count(*) FROM documents") == [(0,)]


def test_kind_narrows_the_output_not_the_store(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 2)
    db = tmp_path / "r.sqlite"
    done = runner.invoke(app, ["extract", str(folder), "--db", str(db), "--kind", "quota", "-f", "jsonl"])
    assert {json.loads(line)["kind"] for line in done.stdout.splitlines()} == {"document", "quota"}
    assert {kind for (kind,) in _rows(db, "SELECT DISTINCT kind FROM facts")} >= {"quota", "unit", "deadline"}


def test_the_store_cannot_be_the_output_file(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 1)
    db = tmp_path / "r.sqlite"
    done = runner.invoke(app, ["extract", str(folder), "--db", str(db), "-f", "jsonl", "-o", str(db)])
    assert done.exit_code == 2 and "is the results store" in done.stderr
