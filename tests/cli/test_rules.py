"""``--rules`` / ``--disable`` on the command line, and ``policyscan rules list`` / ``rules test``.

Loading packs and the rule examples themselves are tested in tests/test_rules.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import BAD_PACKS, GOOD_RULE, SAMPLE, invoke, rule_examples, write

from policyscan.model import RulePackError
from policyscan.pipeline import analyse_text
from policyscan.rules import load_pack

_RESULTS = rule_examples()


@pytest.mark.parametrize("case", sorted(BAD_PACKS))
def test_malformed_pack_cli_exits_2(case: str, tmp_path: Path) -> None:
    text, rule, problem = BAD_PACKS[case]
    path = write(tmp_path / f"{case}.yaml", text)
    result = invoke("extract", "--rules", str(path), str(SAMPLE))
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    assert problem in result.stderr
    if rule is not None:
        assert rule in result.stderr
    assert result.stdout == ""


def test_missing_pack_path(tmp_path: Path) -> None:
    result = invoke("extract", "--rules", str(tmp_path / "nope.yaml"), str(SAMPLE))
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr


def test_disable_on_the_command_line(tmp_path: Path) -> None:
    doc = write(tmp_path / "doc.txt", "乡镇组织大型活动一年3-5次。\n")
    on = invoke("extract", "--format", "jsonl", "--kind", "quota", str(doc))
    assert on.exit_code == 0, on.output
    assert '"cmp": "range"' in on.stdout
    off = invoke("extract", "--format", "jsonl", "--kind", "quota", "--disable", "quota.range", str(doc))
    assert off.exit_code == 0, off.output
    assert '"cmp": "range"' not in off.stdout
    assert "quota.range" not in off.stdout


def test_disable_unknown_rule(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="nosuch"):
        load_pack(disable=("nosuch",))
    result = invoke("extract", "--disable", "nosuch", str(SAMPLE))
    assert result.exit_code == 2
    assert "nosuch" in result.stderr
    assert result.stdout == ""


def test_user_pack_on_the_command_line(tmp_path: Path) -> None:
    pack = write(tmp_path / "wells.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells"))
    doc = write(tmp_path / "doc.txt", "新打机井12眼。\n")
    result = invoke("extract", "--format", "jsonl", "--rules", str(pack), str(doc))
    assert result.exit_code == 0, result.output
    assert '"rule": "user.wells"' in result.stdout


def test_rules_list_shows_ids() -> None:
    result = invoke("rules", "list")
    assert result.exit_code == 0, result.output
    for rule in load_pack().rules:
        assert rule.id in result.stdout


def test_rules_list_includes_user_rule_and_kind_filter(tmp_path: Path) -> None:
    path = write(tmp_path / "wells.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells"))
    result = invoke("rules", "list", "--rules", str(path), "--kind", "quota")
    assert result.exit_code == 0, result.output
    assert "user.wells" in result.stdout
    assert "quota.range" in result.stdout
    assert "deadline.by_year" not in result.stdout


def test_rules_test_passes() -> None:
    result = invoke("rules", "test")
    assert result.exit_code == 0, result.output
    assert f"{len(_RESULTS)} passed, 0 failed" in result.stdout


def test_rules_test_fails_on_a_wrong_example(tmp_path: Path) -> None:
    path = write(tmp_path / "wrong.yaml", """\
rules:
  - id: user.wrong
    kind: quota
    pattern: '(?P<qty>(?P<num>\\d+)(?P<unit>眼))'
    examples:
      - {text: '新打机井12眼', expect: {value: 13, unit: 眼}}
""")
    result = invoke("rules", "test", "--rules", str(path))
    assert result.exit_code == 1, result.output
    assert "FAIL user.wrong: 新打机井12眼" in result.stdout
    assert "expected {'value': 13" in result.stdout
    assert re.search(r"\d+ passed, [1-9]\d* failed", result.stdout)
    only = invoke("rules", "test", "--rules", str(path), "--id", "user.wrong")
    assert only.exit_code == 1, only.output
    assert "0 passed, 1 failed" in only.stdout


def test_rules_test_counter_example_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "wrong.yaml", """\
rules:
  - id: user.greedy
    kind: quota
    pattern: '(?P<qty>(?P<num>\\d+)(?P<unit>眼))'
    counter_examples: ['新打机井12眼']
""")
    result = invoke("rules", "test", "--rules", str(path), "--id", "user.greedy")
    assert result.exit_code == 1, result.output
    assert "0 passed, 1 failed" in result.stdout


# Two target rules of one mode in a user pack, each with its own gate (the built-in rule of
# that mode disabled, so the pack's rules are the only ones of it), and a text where each
# takes a clause of its own: (mode, built-in rule, gate of the first, gate of the second, text,
# the first rule's target, the second rule's target).
TWO_TARGET_RULES = {
    "output": ("output", "target.output", "(?=新建)", "(?=改造)", "新建847户。改造1278户。",
               "新建847户", "改造1278户"),
    "dated_run": ("dated_run", "target.dated_run", "(?!改造)", "(?!依托)", "到2025年,建成示范村5个,改造农房100户。",
                  "到2025年,建成示范村5个", "改造农房100户"),
}


@pytest.mark.parametrize("case", sorted(TWO_TARGET_RULES))
def test_every_target_rule_of_a_mode_fires(case: str, tmp_path: Path) -> None:
    """A target rule is a rule like any other: a second rule of a mode fires too, its facts
    carry its id, and `rules test` runs its example against it."""
    mode, builtin, gate_a, gate_b, text, first, second = TWO_TARGET_RULES[case]
    path = write(tmp_path / "targets.yaml", f"""\
rules:
  - id: user.a
    kind: target
    pattern: '{gate_a}'
    engine: {{mode: {mode}}}
    examples: [{{text: '{text}', expect: {{text: '{first}'}}}}]
  - id: user.b
    kind: target
    pattern: '{gate_b}'
    engine: {{mode: {mode}}}
    examples: [{{text: '{text}', expect: {{text: '{second}'}}}}]
""")
    pack = load_pack((str(path),), disable=(builtin,))
    targets = [(f.rule, f.text) for f in analyse_text(text, pack=pack).facts if f.kind == "target"]
    assert targets == [("user.a", first), ("user.b", second)]
    result = invoke("rules", "test", "--rules", str(path), "--disable", builtin, "--id", "user.a", "--id", "user.b")
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.stdout


SWALLOW_ALL = """\
rules:
  - id: user.swallow
    kind: target
    action: skip
    pattern: '{pattern}'
    {tests}
"""


@pytest.mark.parametrize(("pattern", "tests", "problem"), [
    (".+", "counter_examples: ['新建847户。']", "the skip rule swallows '新建847户'"),
    ("从未出现", "examples: [{text: '新建847户。'}]", "no fact this rule swallows"),
])
def test_a_skip_rule_is_tested_by_what_it_swallows(tmp_path: Path, pattern: str, tests: str, problem: str) -> None:
    """A skip rule yields no fact, so its examples are checked by what it takes away: a counter
    example it swallows fails, and so does an example it leaves alone."""
    path = write(tmp_path / "skip.yaml", SWALLOW_ALL.format(pattern=pattern, tests=tests))
    result = invoke("rules", "test", "--rules", str(path), "--id", "user.swallow")
    assert result.exit_code == 1, result.output
    assert "0 passed, 1 failed" in result.stdout
    assert problem in result.stdout


def test_a_skip_rule_example_passes_when_swallowed(tmp_path: Path) -> None:
    tests = "examples: [{text: '新建847户。', expect: {text: '新建847户'}}]\n    counter_examples: ['改造1278户。']"
    path = write(tmp_path / "skip.yaml", SWALLOW_ALL.format(pattern="新建", tests=tests))
    result = invoke("rules", "test", "--rules", str(path), "--id", "user.swallow")
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.stdout

