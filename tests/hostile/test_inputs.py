"""Hostile input: whatever the files, names, folders, pipes and signals, no traceback, nothing
lost in silence, every other document still written, and an exit code that says what happened
(0 ok, 1 findings, 2 usage, 3 some inputs could not be processed).

Where signals, pipes and closed descriptors matter the command runs in a subprocess, as a
user runs it."""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers import POLICYSCAN
from typer.testing import CliRunner

from policyscan.cli import app
from policyscan.load import decode_bytes, expand_paths
from policyscan.model import InputError

SENTENCE = "到2025年，建成不少于50个示范村。\n"
PLAN = "一、总体要求\n（一）到2025年，建成不少于50个示范村。\n（二）到2026年，新增就业岗位3000个。\n"
REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    """The command in a subprocess, its output as text."""
    return subprocess.run([*POLICYSCAN, *args], capture_output=True, text=True, **{"timeout": 300, **options})  # type: ignore[call-overload]


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def documents(stdout: str) -> list[str]:
    return [r["doc"] for r in records(stdout) if r["kind"] == "document"]


def quiet(stderr: str) -> bool:
    """No traceback reached the user."""
    return "Traceback" not in stderr and "Error:" not in stderr.replace("InputError", "")


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- bytes that are not (quite) text

@pytest.mark.parametrize(("data", "problem"), [
    (b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 64, "binary file, not text"),
    (b"", "empty file"),
    (b" \r\n\t", "empty file"),
    (bytes(range(128, 256)) * 8, "cannot decode as UTF-8, GB18030 or Big5"),
])
def test_a_file_that_is_not_text_is_named_and_the_rest_written(tmp_path: Path, data: bytes, problem: str) -> None:
    bad = write(tmp_path / "a.txt", data)
    good = write(tmp_path / "b.txt", SENTENCE.encode())
    result = run("extract", str(tmp_path), "-f", "json")
    assert result.returncode == 3
    assert f"policyscan: {bad}: {problem}" in result.stderr and quiet(result.stderr)
    written = json.loads(result.stdout)  # a closed array
    assert [r["doc"] for r in written if r["kind"] == "document"] == [str(good)]


def test_a_truncated_character_is_replaced_and_its_line_named(tmp_path: Path) -> None:
    """A character cut in two used to reject the whole file; now only it is lost, and the user
    is told where (stderr and the document record)."""
    path = write(tmp_path / "cut.txt", ("第一行\n" + SENTENCE).encode() + "村".encode()[:2])
    result = run("extract", str(path), "-f", "jsonl")
    assert result.returncode == 0, result.stderr
    [doc, *facts] = records(result.stdout)
    notice = "1 byte sequence not valid utf-8 replaced by U+FFFD (line 3)"
    assert doc["notices"] == [notice]
    assert result.stderr == f"policyscan: {path}: {notice}\n"
    assert {"quota", "deadline"} <= {f["kind"] for f in facts}


def test_bad_bytes_in_gb18030_are_counted_and_their_lines_named() -> None:
    text = "".join(f"第{n}条 到2025年，建成不少于50个示范村。\n" for n in range(1, 13))
    data = bytearray(text.encode("gb18030"))
    lines = data.split(b"\n")
    for n in (1, 11, 12):
        lines[n - 1] += b"\x81"  # a lead byte with no trail byte: invalid in every candidate
    decoded = decode_bytes(b"\n".join(lines), "x.txt")
    assert decoded.encoding == "gb18030"
    assert decoded.notices == ("3 byte sequences not valid gb18030 replaced by U+FFFD (lines 1, 11, 12)",)
    assert decoded.text.count("\ufffd") == 3


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path / "wide.txt", PLAN.encode(codec))
    result = run("extract", str(path), "-f", "jsonl")
    assert result.returncode == 0, result.stderr
    assert [f["section"] for f in records(result.stdout) if f["kind"] == "quota"] == ["一/(一)", "一/(二)"]


def test_utf16_garbage_with_nuls_everywhere_stays_binary() -> None:
    with pytest.raises(InputError, match="binary file, not text"):
        decode_bytes(bytes(range(256)) * 16, "x.txt")


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_cr_line_endings_give_sections_from_a_file_and_from_stdin(tmp_path: Path, newline: str) -> None:
    """Lone CR (old Mac editors) and CRLF are line breaks for every input: without that a
    plan has no sections and `check` passes it."""
    data = PLAN.replace("\n", newline).encode()
    path = write(tmp_path / "mac.txt", data)
    for args, stdin in ((["extract", str(path)], None), (["extract", "-"], data.decode())):
        result = run(*args, "-f", "jsonl", input=stdin)
        assert result.returncode == 0, result.stderr
        assert {f["section"] for f in records(result.stdout) if f["kind"] == "quota"} == {"一/(一)", "一/(二)"}
    shown = run("text", str(path))
    assert shown.stdout == PLAN


# ---------------------------------------------------------------- file names and folders

def test_a_file_name_that_is_not_utf8_is_written_as_escapes_in_every_format(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(os.fsencode(str(folder)) + b"/bad\xff.txt")
    Path(name).write_bytes(SENTENCE.encode())
    shown = str(folder / "bad\\xff.txt")
    for fmt in ("jsonl", "json", "csv", "table", "html", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        result = run("extract", str(folder), "-f", fmt, "-o", str(out))
        assert result.returncode == 0 and quiet(result.stderr), (fmt, result.stderr)
        if fmt != "xlsx":
            assert shown in out.read_text(encoding="utf-8").replace("\\\\", "\\"), fmt
    streamed = run("extract", str(folder), "-f", "jsonl")
    assert documents(streamed.stdout) == [shown]
    stored = run("extract", str(folder), "--db", str(tmp_path / "facts.sqlite"))
    assert stored.returncode == 0 and quiet(stored.stderr), stored.stderr
    Path(name).write_bytes(b"\x00binary")
    failed = run("extract", str(folder), "-f", "jsonl")
    assert failed.returncode == 3 and f"policyscan: {shown}: binary file, not text" in failed.stderr


def test_a_folder_1100_deep_is_walked() -> None:
    """os.walk recursed once per level (RecursionError near 1,000); the walk keeps its own stack.
    The tree is made outside pytest's temporary folders and taken down level by level here:
    pytest removes those with shutil.rmtree, which recurses and would fail on it."""
    tmp_path = Path(tempfile.mkdtemp(prefix="policyscan-deep-"))
    levels = [str(tmp_path)]
    for _ in range(1100):  # one level at a time: os.makedirs and Path.mkdir recurse too
        levels.append(os.path.join(levels[-1], "d"))
        os.mkdir(levels[-1])
    deep = Path(levels[-1])
    try:
        write(deep / "plan.txt", SENTENCE.encode())
        write(tmp_path / "top.txt", SENTENCE.encode())
        assert expand_paths([str(tmp_path)]) == [str(deep / "plan.txt"), str(tmp_path / "top.txt")]
        result = run("extract", str(tmp_path), "-f", "jsonl")
        assert result.returncode == 0 and quiet(result.stderr), result.stderr[-500:]
        assert documents(result.stdout) == [str(deep / "plan.txt"), str(tmp_path / "top.txt")]
    finally:  # bottom up: pytest removes old temporary folders with shutil.rmtree, which recurses
        (deep / "plan.txt").unlink(missing_ok=True)
        (tmp_path / "top.txt").unlink(missing_ok=True)
        for level in reversed(levels):
            os.rmdir(level)


def test_link_loops_do_not_hang_and_a_link_to_nowhere_is_named(tmp_path: Path) -> None:
    write(tmp_path / "a" / "plan.txt", SENTENCE.encode())
    (tmp_path / "a" / "up").symlink_to("..")  # a folder loop: a/up/a/up/…
    (tmp_path / "self.txt").symlink_to("self.txt")  # a link to itself
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")  # a named pipe in a folder is not a document (reading it would wait for ever)
    result = run("extract", str(tmp_path), "-f", "jsonl", timeout=60)
    assert result.returncode == 3 and quiet(result.stderr), result.stderr
    assert documents(result.stdout) == [str(tmp_path / "a" / "plan.txt")]
    assert f"{tmp_path / 'gone.txt'}: no such file or directory" in result.stderr
    assert f"{tmp_path / 'self.txt'}: too many levels of symbolic links" in result.stderr
    assert "pipe.txt" not in result.stderr


def test_a_folder_that_cannot_be_listed_is_an_error_in_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipped in silence by os.walk before. Permission bits cannot stop root, so the listing
    is refused here the way the system refuses it (the real thing: the next test)."""
    for name in ("a", "b", "c"):
        write(tmp_path / name / "plan.txt", SENTENCE.encode())
    scandir = os.scandir

    def refusing(path: str) -> object:
        if Path(path) == tmp_path / "b":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    planned = expand_paths([str(tmp_path)])
    assert planned[0] == str(tmp_path / "a" / "plan.txt") and planned[2] == str(tmp_path / "c" / "plan.txt")
    assert isinstance(planned[1], InputError)
    assert str(planned[1]) == f"{tmp_path / 'b'}: cannot read this folder: permission denied"
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "-f", "jsonl"])
    assert result.exit_code == 3
    assert f"{tmp_path / 'b'}: cannot read this folder: permission denied" in result.stderr
    assert documents(result.stdout) == [str(tmp_path / "a" / "plan.txt"), str(tmp_path / "c" / "plan.txt")]


@pytest.mark.skipif(IS_ROOT, reason="root reads any file and folder whatever its permission bits")
def test_unreadable_files_and_folders_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "locked" / "plan.txt", SENTENCE.encode())
    locked_file = write(tmp_path / "secret.txt", SENTENCE.encode())
    write(tmp_path / "z.txt", SENTENCE.encode())
    os.chmod(tmp_path / "locked", 0)
    os.chmod(locked_file, 0)
    try:
        result = run("extract", str(tmp_path), "-f", "jsonl")
    finally:
        os.chmod(tmp_path / "locked", 0o755)
        os.chmod(locked_file, 0o644)
    assert result.returncode == 3 and quiet(result.stderr)
    assert f"{tmp_path / 'locked'}: cannot read this folder: permission denied" in result.stderr
    assert f"{locked_file}: permission denied" in result.stderr
    assert documents(result.stdout) == [str(tmp_path / "z.txt")]


# ---------------------------------------------------------------- standard streams and signals

def test_standard_input_closed_or_empty() -> None:
    closed = run("extract", "-", pass_fds=(), preexec_fn=lambda: os.close(0))
    assert closed.returncode == 3 and closed.stderr == "policyscan: -: standard input is closed\n"
    empty = run("extract", "-", stdin=subprocess.DEVNULL)
    assert empty.returncode == 3 and empty.stderr == "policyscan: -: empty file\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_stops_early_ends_the_run_quietly(jobs: str) -> None:
    """`policyscan extract folder | head -1`: the pipe closes under the writer."""
    shell = f"{' '.join(map(repr, POLICYSCAN))} extract {CORPUS} -f jsonl --jobs {jobs} | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=300)
    assert len(result.stdout.splitlines()) == 1 and json.loads(result.stdout)["kind"] == "document"
    assert result.stderr == ""


@pytest.mark.parametrize(("fmt", "to_file"), [("jsonl", False), ("csv", False), ("jsonl", True), ("csv", True)])
def test_ctrl_c_mid_run_leaves_only_complete_lines(tmp_path: Path, fmt: str, to_file: bool) -> None:
    """Interrupted while writing: what standard output received is whole lines (a line-based
    reader can use it); an --output file is written whole or not at all."""
    out = tmp_path / f"facts.{fmt}"
    with open(tmp_path / "stdout", "w") as stdout:
        args = [*POLICYSCAN, "extract", *[str(CORPUS)] * 5, "-f", fmt] + (["-o", str(out)] if to_file else [])
        process = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and (
                to_file and not (tmp_path / f"facts.{fmt}.part").exists()
                or not to_file and (tmp_path / "stdout").stat().st_size < 20_000):
            time.sleep(0.02)
        assert process.poll() is None, "the run ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0 and "Traceback" not in stderr
    written = (tmp_path / "stdout").read_text(encoding="utf-8")
    if to_file:
        assert not out.exists() and not (tmp_path / f"facts.{fmt}.part").exists() and written == ""
        return
    assert written.endswith("\n") and len(written) >= 20_000
    if fmt == "jsonl":
        assert all(json.loads(line) for line in written.splitlines())
    else:
        rows = list(csv.reader(io.StringIO(written.lstrip("\ufeff"))))
        assert len({len(row) for row in rows}) == 1  # every row has every column: none was cut


# ---------------------------------------------------------------- failures while analysing

def test_a_failure_while_analysing_one_document_is_that_documents_error(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exception inside the pipeline (an OverflowError on a 400-digit number, a bug) fails
    one document, named, with the reason; the others are written; exit 3."""
    import policyscan.pipeline as pipeline

    extract_facts = pipeline.extract_facts

    def fragile(doc, pack, kinds):  # noqa: ANN001, ANN202
        if "9" * 40 in doc.text:
            raise OverflowError("cannot convert float infinity to integer")
        return extract_facts(doc, pack, kinds)

    monkeypatch.setattr(pipeline, "extract_facts", fragile)
    write(tmp_path / "a.txt", SENTENCE.encode())
    write(tmp_path / "b.txt", f"不低于{'9' * 400}元。".encode())
    write(tmp_path / "c.txt", SENTENCE.encode())
    for command in (["extract", str(tmp_path), "-f", "json"], ["check", str(tmp_path), "-f", "json"],
                    ["compare", str(tmp_path / "a.txt"), str(tmp_path), "-f", "json"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 3, (command, result.output)
        assert (f"policyscan: {tmp_path / 'b.txt'}: could not be analysed: OverflowError: cannot convert float "
                "infinity to integer\n") in result.stderr
        assert "b.txt" not in result.stdout and "c.txt" in result.stdout
        json.loads(result.stdout)  # a closed array


def test_a_failure_while_reviewing_or_comparing_one_document_is_that_documents_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import policyscan.check
    import policyscan.compare

    def broken(pack, doc, *rest):  # noqa: ANN001, ANN202
        raise KeyError("missing")

    write(tmp_path / "a.txt", PLAN.encode())
    monkeypatch.setattr(policyscan.check, "review", broken)
    checked = CliRunner().invoke(app, ["check", str(tmp_path / "a.txt"), "-f", "jsonl"])
    assert checked.exit_code == 3 and "a.txt: could not be analysed: KeyError: 'missing'" in checked.stderr
    monkeypatch.setattr(policyscan.compare, "compare", lambda pack, base, other: broken(pack, other))
    compared = CliRunner().invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"), "-f", "json"])
    assert compared.exit_code == 3 and json.loads(compared.stdout) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the worker holding the pipe through /proc")
def test_a_worker_that_dies_fails_only_its_file(tmp_path: Path) -> None:
    """A worker killed while reading (here: a named pipe it waits on; in life the OOM killer or
    a crash in a C library) broke the whole pool with a BrokenProcessPool traceback. Now its
    file is reported, a new pool takes the other files, and they come out in order."""
    files = [write(tmp_path / f"{n}.txt", SENTENCE.encode()) for n in ("a", "c", "d", "e")]
    pipe = tmp_path / "b.txt"
    os.mkfifo(pipe)
    process = subprocess.Popen([*POLICYSCAN, "extract", str(files[0]), str(pipe), *map(str, files[1:]),
                                "-f", "jsonl", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = os.open(pipe, os.O_WRONLY)  # returns once a worker has opened the pipe: it now waits to read
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        readers = [pid for pid in children
                   if any(os.path.realpath(fd) == str(pipe) for fd in Path(f"/proc/{pid}/fd").iterdir())]
        assert len(readers) == 1
        os.kill(int(readers[0]), signal.SIGKILL)
    finally:
        os.close(writer)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3
    assert stderr == f"policyscan: {pipe}: could not be analysed: worker process died\n"
    assert documents(stdout) == [str(f) for f in files]


def test_more_bytes_are_bad_than_a_damaged_file_has_so_it_is_rejected() -> None:
    text = "到2025年，建成不少于50个示范村。" * 10
    damaged = text.encode("utf-8")[:-1] * 1  # one cut character: read
    assert decode_bytes(damaged, "x").notices
    noisy = b"".join(text.encode("utf-8")[i:i + 7] + b"\xff" for i in range(0, 600, 7))  # one bad byte in 8
    with pytest.raises(InputError, match="cannot decode"):
        decode_bytes(noisy, "x.txt")
    assert decode_bytes(codecs.BOM_UTF8 + damaged, "x").encoding == "utf-8-sig"
