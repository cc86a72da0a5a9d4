"""The Python API checks its arguments: a str given to a *_paths function is one path (not a
sequence of one-letter paths, never text), bytes, None and numbers are TypeErrors naming the
argument, a mistyped path is an InputError naming it, and a *_text function reads its string
as text even when it looks like a path. Also --version, which must stay cheap."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sample_docs import NAMES
from typer.testing import CliRunner

import policyscan
from policyscan.cli import app

SENTENCE = "到2025年，建成不少于50个示范村。\n"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SENTENCE, encoding="utf-8")
    return tmp_path


def paths_of(results: object) -> list[str]:
    return [doc.path for doc in results]  # type: ignore[attr-defined]


def test_a_str_or_a_path_is_one_path(folder: Path) -> None:
    """extract_paths("x/") read x, then "/" (every file on the system)."""
    expected = [str(folder / "a.txt"), str(folder / "b.txt")]
    assert paths_of(policyscan.extract_paths(str(folder))) == expected
    assert paths_of(policyscan.extract_paths(folder)) == expected
    assert paths_of(policyscan.extract_paths([folder / "a.txt", str(folder / "b.txt")])) == expected
    assert paths_of(policyscan.extract_paths(p for p in [str(folder / "b.txt")])) == expected[1:]


@pytest.mark.parametrize(("paths", "problem"), [
    (None, "not NoneType"), (b"a.txt", "not bytes"), (123, "not int"), ([b"a.txt"], "not bytes"), ([None], "not NoneType"),
])
def test_paths_that_are_not_paths_are_a_type_error_at_the_call(paths: object, problem: str) -> None:
    with pytest.raises(TypeError, match=f"^paths: .*{problem}"):
        policyscan.extract_paths(paths)  # type: ignore[arg-type]  # raised here, not at the first result
    with pytest.raises(TypeError, match=f"^paths: .*{problem}"):
        policyscan.check_paths(paths)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [None, 123, b"a.txt", ["a.txt"], Path("a.txt")])
def test_a_text_that_is_not_a_str_is_a_type_error(text: object) -> None:
    with pytest.raises(TypeError, match="^text: expected a str"):
        policyscan.extract_text(text)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["typo.txt", "reports/plan.docx", "data/plans", "x/"])
def test_a_mistyped_path_is_an_input_error_naming_it(source: str) -> None:
    """Raised at the call (the caller's mistake); the commands report it in its place instead."""
    with pytest.raises(policyscan.InputError, match=f"^{re.escape(source)}: no such file or directory$"):
        policyscan.extract_paths(source)
    for function in (policyscan.check_paths, lambda p: policyscan.compare_paths(NAMES["001"], p)):
        with pytest.raises(policyscan.InputError, match=f"^{re.escape(source)}: "):
            function(source)
    [error] = policyscan.extract_paths(source, missing="report")
    assert isinstance(error, policyscan.InputError) and str(error).startswith(f"{source}: ")


@pytest.mark.parametrize("text", ["确保低收入群体年人均纯收入不低于8700元。", "完成率达到1/3以上", "政策/2024年度",
                                  "typo.txt", "reports/plan.docx"])
def test_a_text_is_the_text_even_when_it_looks_like_a_path(text: str) -> None:
    doc = policyscan.extract_text(text)
    assert doc.path == "<text>" and doc.text == text


def test_a_path_that_names_a_file_reads_it(folder: Path) -> None:
    assert paths_of(policyscan.extract_paths(str(folder / "a.txt"))) == [str(folder / "a.txt")]
    assert paths_of(policyscan.extract_paths(folder)) == [str(folder / "a.txt"), str(folder / "b.txt")]


def test_compare_with_an_empty_folder_or_a_folder_of_many_as_base(tmp_path: Path, folder: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(policyscan.InputError, match="empty: no files of a supported kind"):
        policyscan.compare_paths(str(empty), [str(folder / "a.txt")])
    with pytest.raises(policyscan.InputError, match="BASE must be one document; this folder holds 2 files"):
        policyscan.compare_paths(str(folder), [str(folder / "a.txt")])
    with pytest.raises(TypeError, match="^base: "):
        policyscan.compare_paths(None, [str(folder / "a.txt")])  # type: ignore[arg-type]
    [comparison] = policyscan.compare_paths(folder / "a.txt", folder / "b.txt")
    assert comparison.other.path == str(folder / "b.txt")
    result = CliRunner().invoke(app, ["compare", str(empty), str(folder / "a.txt")])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.stderr.startswith(f"policyscan: {empty}: no files of a supported kind")


def test_a_failure_while_analysing_comes_back_as_an_analysis_error(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """For the API too: one document's failure is an InputError (AnalysisError) in its place,
    with the original exception as its cause."""
    import policyscan.pipeline as pipeline

    def broken(doc, pack, kinds):  # noqa: ANN001, ANN202
        raise ValueError("a bug")

    monkeypatch.setattr(pipeline, "extract_facts", broken)
    [a, b] = policyscan.extract_paths(folder)
    assert isinstance(a, policyscan.AnalysisError) and isinstance(a, policyscan.InputError)
    assert str(a) == f"{folder / 'a.txt'}: could not be analysed: ValueError: a bug"
    assert isinstance(a.__cause__, ValueError)
    with pytest.raises(ValueError, match="a bug"):  # one text, no batch to go on with: raised as is
        policyscan.extract_text(SENTENCE)


def test_version_prints_the_installed_version_without_loading_the_pipeline() -> None:
    from importlib.metadata import version

    probe = ("import sys\nfrom policyscan.cli import app\ntry:\n    app(['--version'])\nexcept SystemExit as e:\n"
             "    print(e.code, 'policyscan.pipeline' in sys.modules, 'jieba' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.stdout == f"policyscan {version('policyscan')}\n0 False False\n"


def test_check_loads_the_pack_once_and_splits_disable_between_rules_and_checks(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--disable names checks and extraction rules alike; both come out of one loaded pack."""
    import policyscan.check as check_module
    import policyscan.rules as rules_module

    loads: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    packs: list[object] = []
    real_load, real_review = rules_module.load_pack, check_module.review

    def counted(extra: tuple[str, ...] = (), disable: tuple[str, ...] = ()):  # noqa: ANN202
        loads.append((extra, disable))
        return real_load(extra, disable)

    def seen(pack, doc, checks=None):  # noqa: ANN001, ANN202
        packs.append(pack)
        return real_review(pack, doc, checks)

    monkeypatch.setattr(rules_module, "load_pack", counted)
    monkeypatch.setattr(check_module, "review", seen)
    result = CliRunner().invoke(app, ["check", str(folder / "a.txt"), "-f", "jsonl",
                                      "--disable", "quota.amount", "--disable", "doc.no_units"])
    assert result.exit_code in (0, 1), result.output
    assert len(loads) == 1
    [pack] = packs
    assert "quota.amount" not in {r.id for r in pack.rules}  # type: ignore[attr-defined]
    assert "doc.no_units" not in result.stdout and "quota.amount" not in result.stdout
    unknown = CliRunner().invoke(app, ["check", str(folder / "a.txt"), "--disable", "nosuch"])
    assert unknown.exit_code == 2 and "--disable: no check or rule with id nosuch" in unknown.stderr


def test_verdict_colours_come_from_the_pairs() -> None:
    """The compare table colours each verdict word by its pair's verdict, even when a cell's
    text holds words that look like verdicts."""
    from policyscan.render.comparison import VERDICT_COLOURS, _other_cell, _styled_cell
    from policyscan.render.labels import Labels

    comparison = policyscan.compare_texts("一、目标\n建成不少于50个示范村。到2025年完成。",
                                          "一、目标\n建成不少于60个示范村 SAME。到2026年完成。")
    pairs = [p for p in comparison.pairs if p.kind in ("quota", "deadline")]
    for labels in (Labels("en"), Labels("zh")):
        cell = _styled_cell(pairs, labels)
        assert cell.plain == _other_cell(pairs, labels)
        coloured = [(cell.plain[s.start:s.end], s.style) for s in cell.spans]
        assert coloured == [(labels(p.verdict) if labels.language == "zh" else p.verdict.upper(), VERDICT_COLOURS[p.verdict])
                            for p in pairs]
