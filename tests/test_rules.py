"""Rule packs: every rule's own examples, malformed packs, user packs (the command line and
``policyscan rules``: tests/cli/test_rules.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import BAD_PACKS, GOOD_RULE, rule_examples, write

import policyscan
from policyscan import rules as rules_module
from policyscan.model import RulePackError
from policyscan.pipeline import analyse_text
from policyscan.rules import RulePack, builtin_rules_dir, load_pack

_RESULTS = rule_examples()


# ---------------------------------------------------------------- (a) built-in examples


@pytest.mark.parametrize("result", _RESULTS, ids=[f"{r.rule}: {r.text}" for r in _RESULTS])
def test_rule_example(result) -> None:  # noqa: ANN001 - ExampleResult
    assert result.ok, result.problem


def test_examples_were_collected() -> None:
    """Guard against the parametrized test silently running on nothing."""
    assert len(_RESULTS) >= 30
    assert {r.rule.split(".")[0] for r in _RESULTS} == {"quota", "deadline", "unit", "target"}


def test_builtin_packs_found() -> None:
    pack = load_pack()
    assert pack.sources, "no built-in rule pack found"
    rules_dir = builtin_rules_dir()
    assert rules_dir.is_dir()
    names = [Path(s).name for s in pack.sources]
    assert names == sorted(names)
    for expected in ("00-core.yaml", "10-quota.yaml", "20-deadline.yaml", "30-unit.yaml", "40-target.yaml"):
        assert expected in names
    for source in pack.sources:
        assert Path(source).is_file()
        assert Path(source).resolve().parent == rules_dir.resolve()
    package_dir = Path(policyscan.__file__).resolve().parent
    if "site-packages" in package_dir.parts:  # installed from the wheel: packs ship inside it
        assert rules_dir.resolve().is_relative_to(package_dir)
    assert {r.kind for r in pack.rules} == {"quota", "deadline", "unit", "target"}


def test_every_emit_rule_has_an_example() -> None:
    """Every built-in emitting rule shows a fact it yields: an example, which `rules test` runs
    (a counter example alone passes for a rule that never fires)."""
    lacking = [r.id for r in load_pack().rules if r.action == "emit" and not r.examples]
    assert lacking == []


# ---------------------------------------------------------------- (b) malformed packs


@pytest.mark.parametrize("case", sorted(BAD_PACKS))
def test_malformed_pack_raises(case: str, tmp_path: Path) -> None:
    text, rule, problem = BAD_PACKS[case]
    path = write(tmp_path / f"{case}.yaml", text)
    with pytest.raises(RulePackError) as caught:
        load_pack((str(path),))
    message = str(caught.value)
    assert str(path) in message
    if rule is not None:
        assert rule in message
    assert problem in message


def test_malformed_pack_in_a_folder_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    write(folder / "a-good.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells"))
    bad = write(folder / "b-bad.yaml", BAD_PACKS["unknown_key"][0])
    with pytest.raises(RulePackError, match=re.escape(str(bad))):
        load_pack((str(folder),))


# ---------------------------------------------------------------- (c) user packs

def _facts(text: str, pack, kind: str | None = None):  # noqa: ANN001, ANN202
    return [f for f in analyse_text(text, pack=pack).facts if kind is None or f.kind == kind]


def test_user_pack_adds_a_rule(tmp_path: Path) -> None:
    text = "新打机井12眼。"
    assert not [f for f in _facts(text, load_pack(), "quota") if f.fields.get("unit") == "眼"]
    path = write(tmp_path / "wells.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells"))
    pack = load_pack((str(path),))
    assert "user.wells" in [r.id for r in pack.rules]
    assert str(path) in pack.sources
    facts = [f for f in _facts(text, pack, "quota") if f.rule == "user.wells"]
    assert len(facts) == 1
    assert (facts[0].text, facts[0].fields["value"], facts[0].fields["unit"]) == ("12眼", 12, "眼")


def test_user_pack_overrides_a_rule_by_id(tmp_path: Path) -> None:
    text = "发展大萝卜5000亩,投入1700万元。"
    before = {(f.rule, f.fields["value"]) for f in _facts(text, load_pack(), "quota")}
    assert ("quota.amount", 17000000) in before
    path = write(tmp_path / "override.yaml", """\
rules:
  - id: quota.amount
    kind: quota
    description: only areas in 亩
    pattern: '(?P<qty>(?P<num>\\d+)(?P<unit>亩))'
""")
    pack = load_pack((str(path),))
    rules = [r for r in pack.rules if r.id == "quota.amount"]
    assert len(rules) == 1
    assert rules[0].source == str(path)
    assert rules[0].description == "only areas in 亩"
    after = [(f.rule, f.fields["value"], f.fields["unit"]) for f in _facts(text, pack, "quota")]
    assert after == [("quota.amount", 5000, "亩")]


def test_disable_turns_a_rule_off() -> None:
    text = "乡镇组织大型活动一年3-5次。"
    ranges = [f for f in _facts(text, load_pack(), "quota") if f.fields.get("cmp") == "range"]
    assert [(f.rule, f.fields["low"], f.fields["high"]) for f in ranges] == [("quota.range", 3, 5)]
    pack = load_pack(disable=("quota.range",))
    assert "quota.range" not in [r.id for r in pack.rules]
    facts = _facts(text, pack, "quota")
    assert not [f for f in facts if f.fields.get("cmp") == "range" or f.rule == "quota.range"]


# ---------------------------------------------------------------- (d) policyscan rules


def test_engine_settings_are_no_fact_values() -> None:
    """A rule's engine settings steer its interpreter; only its fields reach its facts."""
    pack = load_pack()
    rule = pack.rule("target.output")
    assert rule.engine == {"mode": "output"} and "mode" not in rule.fields
    facts = analyse_text("新建847户。", pack=pack).facts
    assert [f.fields for f in facts if f.rule == "target.output"] == [
        {"deadline": None, "quota": {"value": 847, "unit": "户", "cmp": "="}}]


@pytest.mark.parametrize(("yaml_text", "named"), [
    ("chrome_lines: ['(unclosed']\n", "chrome_lines: bad pattern"),
    ("headings: [{style: roman, pattern: '[IVX]+\\.'}]\n", "headings: style roman: the pattern needs"),
])
def test_bad_list_or_heading_pattern_is_reported_at_load(tmp_path: Path, yaml_text: str, named: str) -> None:
    """Pattern lists and heading styles are compiled when the pack loads, so a bad one is a
    configuration error naming the list, not a crash in the middle of a batch."""
    pack_file = tmp_path / "bad.yaml"
    pack_file.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(RulePackError, match=named):
        load_pack((str(pack_file),))


# ------------------------------------------------------------------ compiled-pack cache

def _fresh_load(extra: tuple[str, ...] = ()) -> RulePack:
    """load_pack as a new process would run it: the in-process lru_cache emptied."""
    rules_module._load_pack.cache_clear()
    return load_pack(extra)


def test_compiled_pack_is_cached_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", str(tmp_path / "cache"))
    built = _fresh_load()
    entries = list((tmp_path / "cache").glob("pack-*.pickle"))
    assert len(entries) == 1
    monkeypatch.setattr(rules_module, "_compile_pack", lambda *a: pytest.fail("the cache was not used"))
    again = _fresh_load()
    assert [(r.id, r.compiled.pattern) for r in again.rules] == [(r.id, r.compiled.pattern) for r in built.rules]
    assert _facts("确保低收入群体年人均纯收入不低于8700元。", again, "quota")[0].fields["value"] == 8700


def test_editing_a_user_pack_misses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path / "wells.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells"))
    assert "user.wells" in [r.id for r in _fresh_load((str(path),)).rules]
    write(path, "rules:\n" + GOOD_RULE.format(rid="user.bores"))
    ids = [r.id for r in _fresh_load((str(path),)).rules]
    assert "user.bores" in ids and "user.wells" not in ids
    assert len(list((tmp_path / "cache").glob("pack-*.pickle"))) == 2


def test_a_broken_cache_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", str(tmp_path / "cache"))
    _fresh_load()
    entry, = (tmp_path / "cache").glob("pack-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert len(_fresh_load().rules) > 50
    assert entry.read_bytes() != b"not a pickle"


def test_an_empty_cache_dir_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    assert rules_module.cache_dir() is None
    assert len(_fresh_load().rules) > 50
    assert not list(tmp_path.rglob("*.pickle"))


# ------------------------------------------------------------------ anchors

def _real_documents() -> list[Path]:
    here = Path(__file__).resolve().parent
    return sorted((here.parent / "samples").glob("*.txt")) + sorted((here / "corpus").rglob("*.txt")) \
        + sorted((here / "compare").rglob("*.txt"))


def test_rules_with_anchors_find_what_a_full_scan_finds_on_real_documents(pack: RulePack) -> None:
    """Anchors only speed a rule up: on every real document the windows around them hold
    every match the rule's pattern has in the whole text."""
    from policyscan.extract.context import Context
    from policyscan.pipeline import analyse_file

    anchored = [r for r in pack.rules if r.anchors is not None]
    assert len(anchored) >= 5
    documents = _real_documents()
    assert len(documents) > 100
    for path in documents:
        doc = analyse_file(str(path), pack)
        ctx = Context.build(doc, pack)
        for rule in anchored:
            full = [m.span() for m in rule.compiled.finditer(doc.shadow)]
            windowed = [m.span() for start, end in ctx.windows(rule.anchors)
                        for m in rule.compiled.finditer(doc.shadow, start, end)]
            assert windowed == full, f"{rule.id} on {path.name}"


@pytest.mark.parametrize("anchors", ["负责", "[]", "[1]", "['']"])
def test_anchors_must_be_a_list_of_words(tmp_path: Path, anchors: str) -> None:
    path = write(tmp_path / "p.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells") + f"    anchors: {anchors}\n")
    with pytest.raises(RulePackError, match="anchors must be a list of words"):
        _fresh_load((str(path),))


def test_a_rule_runs_only_near_its_anchors(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", "rules:\n" + GOOD_RULE.format(rid="user.wells") + "    anchors: ['机井']\n")
    pack = _fresh_load((str(path),))
    assert [f.text for f in _facts("新打机井12眼。\n另有说明。\n其他12眼。", pack, "quota") if f.rule == "user.wells"] == ["12眼"]


def test_a_heading_style_that_refers_to_a_group_by_number_still_works(tmp_path: Path) -> None:
    """Heading styles are joined into one pattern for speed; a style with a numbered
    back-reference (which joining would renumber) makes them be tried one by one instead."""
    path = write(tmp_path / "h.yaml", "headings:\n  - style: letters\n    pattern: '(?P<marker>([A-Z])\\2)\\. '\n")
    pack = _fresh_load((str(path),))
    assert pack.heading_pattern is None
    doc = analyse_text("AA. 总体要求\n到2025年，新建绿道不少于40公里。\nBB. 保障\n由市财政局牵头。\n", pack=pack)
    assert [(f.kind, f.section) for f in doc.facts if f.kind in ("deadline", "unit")] == [("deadline", "AA"), ("unit", "BB")]
    assert load_pack().heading_pattern is not None
