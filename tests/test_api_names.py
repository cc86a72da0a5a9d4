"""The public names of ``policyscan``: the README's Python API section names every one and
nothing else at the top level, its examples (real output) still hold, the package docstring
example passes, and each name does what it is for on a small input."""
from __future__ import annotations

import doctest
import importlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sample_docs import NAMES, SAMPLES

import policyscan

ROOT = Path(__file__).resolve().parents[1]
PAIRS = SAMPLES / "pairs"
BASE, OTHER = PAIRS / "national_farm_mechanisation_guofa2018_42.txt", PAIRS / "shanghai_farm_mechanisation_2022.txt"
PLAN = "一、重点任务\n（一）建设不少于50个示范村。到2025年完成。\n"


def api_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Python API\n")
    return readme[start:readme.index("\n## ", start + 1)]


def referenced() -> set[str]:
    """Every dotted ``policyscan.…`` name the section mentions (a trailing call or attribute of
    a value, ``doc.record()``, is not one: those are not prefixed with the package)."""
    return set(re.findall(r"\bpolicyscan(?:\.\w+)+", api_section()))


def resolve(dotted: str) -> object:
    """The object a dotted name stands for, importing submodules on the way as Python would."""
    parts = dotted.split(".")
    value: object = importlib.import_module(parts[0])
    for depth, part in enumerate(parts[1:], start=2):
        if not hasattr(value, part):
            importlib.import_module(".".join(parts[:depth]))
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("dotted", sorted(referenced()))
def test_every_name_the_readme_gives_is_public_and_importable(dotted: str) -> None:
    top = dotted.split(".")[1]
    if dotted.count(".") == 1:
        assert top in policyscan.__all__, f"README names {dotted}, not in policyscan.__all__"
        exec(f"from policyscan import {top}", {})  # noqa: S102 - the import a reader would write
    else:  # below the package: a submodule's name, not a public top-level one
        assert top not in policyscan.__all__
        resolve(dotted)


def test_every_public_name_is_in_the_readme() -> None:
    named = {dotted.split(".")[1] for dotted in referenced() if dotted.count(".") == 1}
    assert sorted(set(policyscan.__all__) - named) == []


def run_examples(text: str, name: str) -> doctest.TestResults:
    test = doctest.DocTestParser().get_doctest(text, {}, name, name, 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    return runner.summarize(verbose=False)


def test_the_readme_examples_give_the_output_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples read samples/ as a user in the repository would
    examples = "\n".join(re.findall(r"```python\n(.*?)```", api_section(), re.S))
    results = run_examples(examples, "README.md")
    assert results.attempted > 20 and results.failed == 0


def test_the_package_docstring_example_passes() -> None:
    results = doctest.testmod(policyscan)
    assert results.attempted >= 3 and results.failed == 0


def test_extract_paths() -> None:
    [doc] = policyscan.extract_paths([NAMES["001"]])
    assert isinstance(doc, policyscan.Document) and doc.path == str(NAMES["001"])
    with pytest.raises(policyscan.InputError, match="^no/such.txt: no such file or directory$"):
        policyscan.extract_paths([NAMES["001"], "no/such.txt"])
    [doc, missing] = policyscan.extract_paths([NAMES["001"], "no/such.txt"], missing="report")
    assert isinstance(missing, policyscan.InputError) and str(missing).startswith("no/such.txt: ")


def test_extract_text() -> None:
    doc = policyscan.extract_text("到2025年,建成16座桥。", name="bridges", kinds=("quota",))
    assert doc.path == "bridges" and [f.text for f in doc.facts] == ["16座"]


def test_compare_paths() -> None:
    [comparison] = policyscan.compare_paths(BASE, OTHER)
    assert isinstance(comparison, policyscan.Comparison)
    assert (comparison.base.path, comparison.other.path) == (str(BASE), str(OTHER))
    with pytest.raises(policyscan.InputError, match="^no/such.txt: "):
        policyscan.compare_paths("no/such.txt", OTHER)


def test_compare_texts() -> None:
    comparison = policyscan.compare_texts("一、目标\n到2025年完成。", "一、目标\n到2024年完成。", other_name="local")
    assert comparison.other.path == "local"
    assert [p.verdict for p in comparison.pairs if p.kind == "deadline"] == ["earlier"]


def test_check_paths() -> None:
    [review] = policyscan.check_paths(NAMES["001"])
    assert isinstance(review, policyscan.Review) and review.doc.path == str(NAMES["001"]) and review.items


def test_check_text() -> None:
    review = policyscan.check_text(PLAN, reference_date="2026-01-01")
    assert "deadline.past" in {f.check for f in review.findings}
    assert "deadline.past" not in {f.check for f in policyscan.check_text(PLAN, reference_date="2025-01-01").findings}


def test_load_pack() -> None:
    assert policyscan.load_pack() is policyscan.load_pack()  # compiled once
    assert "quota.range" not in {r.id for r in policyscan.load_pack(disable=("quota.range",)).rules}


def _types() -> dict[str, Callable[[], object]]:
    """A value of each public type, made the way a user meets it."""
    doc = policyscan.extract_text(PLAN)
    comparison = policyscan.compare_texts(PLAN, PLAN.replace("50", "60"))
    return {"Document": lambda: doc, "Fact": lambda: doc.facts[0], "Section": lambda: doc.sections[0],
            "Comparison": lambda: comparison, "ItemPair": lambda: comparison.items[0],
            "FactPair": lambda: comparison.pairs[0], "Review": lambda: policyscan.check_text(PLAN)}


@pytest.mark.parametrize("name", ["Document", "Fact", "Section", "Comparison", "ItemPair", "FactPair", "Review"])
def test_public_types_are_what_the_functions_return(name: str) -> None:
    assert isinstance(_types()[name](), getattr(policyscan, name))


def test_public_errors_are_raised_as_documented(tmp_path: Path) -> None:
    with pytest.raises(policyscan.RulePackError, match="no such rule pack"):
        policyscan.load_pack((str(tmp_path / "none.yaml"),))
    with pytest.raises(policyscan.InputError, match="BASE must be one document"):
        policyscan.compare_paths(SAMPLES, OTHER)
    assert issubclass(policyscan.AnalysisError, policyscan.InputError)
    assert all(issubclass(error, policyscan.PolicyscanError)
               for error in (policyscan.InputError, policyscan.AnalysisError, policyscan.RulePackError))
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    [error] = policyscan.check_paths(tmp_path / "bad.txt")
    assert isinstance(error, policyscan.InputError) and "bad.txt" in str(error)
