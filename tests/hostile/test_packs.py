"""Hostile rule packs: every malformed shape is a pack error naming the file, the rule or key
and the problem (exit 2, no traceback); aliases cannot blow up memory; a rule cannot
overwrite a record's keys or lack the groups its kind reads; a pattern that backtracks
without end is stopped by the time limit and named."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import runner

from policyscan.cli import app
from policyscan.model import AnalysisError, Document, RulePackError
from policyscan.pipeline import analyse_paths
from policyscan.rules import COMPUTED_FIELDS, ENGINE_SETTINGS, RULE_FIELDS, load_pack

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "001_98f145120425fdfb.txt"


def _rule(extra: str = "", kind: str = "quota", pattern: str = r"'(?P<num>\d+)(?P<unit>眼)'") -> str:
    """A user pack of one rule, ``extra`` (YAML lines) added to it."""
    return f"rules:\n  - id: user.r\n    kind: {kind}\n    pattern: {pattern}\n" + "".join(
        f"    {line}\n" for line in extra.splitlines())


# case → (pack text, the rule or key the message names, the problem it states)
MALFORMED = {
    "id_is_a_list": ("rules:\n  - id: [a, b]\n    kind: quota\n    pattern: '\\d+'\n",
                     "rule #1", "'id' must be a non-empty text, not a list"),
    "id_used_twice": (_rule() + "  - id: user.r\n    kind: quota\n    pattern: '(?P<num>\\d+)口'\n",
                      "rule #2", "the id user.r is used twice in this file"),
    "pattern_is_a_list": ("rules:\n  - id: user.r\n    kind: quota\n    pattern: ['\\d+']\n",
                          "user.r", "'pattern' must be a non-empty text, not a list"),
    "kind_is_a_list": (_rule().replace("kind: quota", "kind: [quota]"), "user.r", "'kind' must be one of quota, deadline, unit, target, not ['quota']"),
    "kind_typo": (_rule().replace("kind: quota", "kind: quotas"), "user.r", "did you mean quota?"),
    "rule_key_typo": (_rule("patterns: x"), "user.r", "unknown key(s): patterns (did you mean pattern?)"),
    "action_is_a_list": (_rule("action: [skip]"), "user.r", "'action' must be one of emit, skip, not ['skip']"),
    "priority_is_text": (_rule("priority: high"), "user.r", "'priority' must be a whole number, not a text"),
    "priority_is_boolean": (_rule("priority: true"), "user.r", "'priority' must be a whole number, not true/false"),
    "description_is_a_list": (_rule("description: [a]"), "user.r", "'description' must be a text, not a list"),
    "fields_is_a_list": (_rule("fields: [unit]"), "user.r", "'fields' must be a mapping, not a list"),
    "field_is_a_list": (_rule("fields: {topic: [a, b]}"), "user.r",
                        "fields.topic must be a text, number or true/false, not a list"),
    "fields_set_record_keys": (_rule("fields: {doc: x, kind: y, text: z, start: 1}"), "user.r",
                               "'fields' may not set doc, kind, text, start"),
    "fields_set_computed_quota_value": (_rule("fields: {value: 5}"), "user.r", "'fields' may not set value"),
    "fields_set_computed_unit_name": (_rule("fields: {name: 区财政局}", kind="unit",
                                            pattern=r"'(?P<list>\p{Han}+局)负责'"), "user.r", "'fields' may not set name"),
    "relation_unknown": (_rule("fields: {relation: befor}", kind="deadline", pattern=r"'(?P<year>20\d\d)年前'"),
                         "user.r", "fields.relation must be one of by, from, during, in"),
    "role_unknown": (_rule("fields: {role: leader}", kind="unit", pattern=r"'(?P<list>\p{Han}+局)负责'"),
                     "user.r", "fields.role must be one of lead, responsible for a unit rule, not 'leader' (did you mean lead?)"),
    "engine_for_a_kind_without_settings": (_rule("engine: {mode: table}"), "user.r",
                                           "'engine' has no settings for quota rules, only for deadline, unit, target rules"),
    "engine_setting_of_another_kind": (_rule("engine: {scope: sentence}", kind="unit", pattern=r"'(?P<list>\p{Han}+局)负责'"),
                                       "user.r", "engine: unknown setting(s): scope"),
    "engine_setting_typo": (_rule("engine: {mdoe: cue}", kind="target", pattern="'确保'"), "user.r",
                            "engine: unknown setting(s): mdoe (did you mean mode?)"),
    "engine_is_a_list": (_rule("engine: [cue]", kind="target", pattern="'确保'"), "user.r", "'engine' must be a mapping, not a list"),
    "target_mode_unknown": (_rule("engine: {mode: outputs}", kind="target", pattern="'确保'"), "user.r",
                            "engine.mode must be one of list, dated_run, cue, output for a target rule, not 'outputs' (did you mean output?)"),
    "engine_setting_in_fields": (_rule("fields: {mode: cue}", kind="target", pattern="'确保'"), "user.r",
                                 "fields.mode is an engine setting, not a fact value: write it under 'engine'"),
    "dates_goals_is_text": (_rule("engine: {dates_goals: 'no'}", kind="deadline", pattern=r"'(?P<year>20\d\d)年前'"),
                            "user.r", "engine.dates_goals must be true/false, not a text"),
    "examples_is_a_mapping": (_rule("examples: {text: a}"), "user.r", "'examples' must be a list, not a mapping"),
    "example_key_typo": (_rule("examples: [{text: 打井3眼, expected: {value: 3}}]"), "user.r",
                         "example #1: unknown key(s): expected (did you mean expect?)"),
    "example_text_is_a_list": (_rule("examples: [{text: [a]}]"), "user.r", "example #1: each example needs 'text'"),
    "counter_example_is_a_list": (_rule("counter_examples: [[a]]"), "user.r", "counter_examples must be a list of texts: entry #1 is a list"),
    "anchors_is_text": (_rule("anchors: 眼"), "user.r", "anchors must be a list of words, not a text"),
    "unit_rule_without_list_group": (_rule(kind="unit", pattern=r"'\p{Han}+局负责'"), "user.r",
                                     "needs the named group(s) (?P<list>…)"),
    "quota_rule_without_number_group": (_rule(pattern=r"'\d+眼'"), "user.r",
                                        "(?P<num>…) or (?P<low>…)+(?P<high>…) or (?P<mult>…)"),
    "unit_table_rule_without_header": (_rule("engine: {mode: table}", kind="unit", pattern=r"'(?P<list>\p{Han}+局)负责'"),
                                       "user.r", "(?P<header>…)"),
    "target_rule_without_mode": (_rule(kind="target", pattern="'确保'"), "user.r", "needs engine.mode"),
    "top_level_typo": ("rule: []\n", "top-level key", "unknown top-level key(s): rule (did you mean rules?)"),
    "rules_is_a_mapping": ("rules: {id: a}\n", "'rules'", "must be a list, not a mapping"),
    "pack_description_is_a_list": ("description: [a, b]\n", "'description'", "must be a text, not a list"),
    "block_is_a_list": ("blocks: {wells: ['\\d+']}\n", "block wells", "must be a regular-expression string, not a list"),
    "block_name_unusable": ("blocks: {'my-block': '\\d+'}\n", "'my-block'", "is no block name"),
    "lexicon_entry_is_a_list": ("orgs: [[区财政局]]\n", "orgs", "must be a list of texts: entry #1 is a list"),
    "pattern_list_is_a_mapping": ("chrome_lines: {a: b}\n", "chrome_lines", "must be a list of patterns, not a mapping"),
    "heading_without_pattern": ("headings: [{style: roman}]\n", "headings #1", "needs a style and a pattern"),
    "heading_key_typo": ("headings: [{style: roman, patern: 'x'}]\n", "headings #1",
                         "unknown key(s): patern (did you mean pattern?)"),
    "noise_replace_is_a_list": ("noise: [{name: n, pattern: x, replace: [a]}]\n", "noise #1",
                                "'replace' must be a text, not a list"),
    "section_is_a_list": ("cues: [a]\n", "'cues'", "must be a mapping, not a list"),
    "cue_key_typo": ("cues: {indicator_verb: [建设]}\n", "cues", "unknown key(s): indicator_verb (did you mean indicator_verbs?)"),
    "cue_number_is_a_list": ("cues: {comparator_window: [1]}\n", "cues", "comparator_window must be a number, not a list"),
    "cue_table_holds_text": ("cues: {comparators_before: {'>=': 至少}}\n", "cues",
                             "comparators_before: >= must be a list of texts, not a text"),
    "period_is_a_number": ("periods: {十六五: 2031}\n", "periods", "十六五 must be a list of numbers or a list of texts, not a number"),
    "period_mixes_years_and_days": ("periods: {十六五: [2026, '12-31']}\n", "periods: 十六五: entry #", "must be a"),
    "metadata_key_typo": ("metadata: {lables: {}}\n", "metadata", "unknown key(s): lables (did you mean labels?)"),
    "word_frequency_holds_text": ("word_frequency: {df: {规划: many}}\n", "word_frequency",
                                  "df: 规划 must be a number, not a text"),
    "synonym_is_text": ("synonyms: {发改委: 发展改革委}\n", "synonyms", "发改委 must be a list of texts, not a text"),
    "check_key_typo": ("checks: {doc.no_units: {severty: error}}\n", "check doc.no_units",
                       "unknown key(s): severty (did you mean severity?)"),
    "check_message_is_a_list": ("checks: {doc.no_units: {message: [a]}}\n", "check doc.no_units",
                                "'message' must be a text, not a list"),
    "check_severity_typo": ("checks: {doc.no_units: {severity: eror}}\n", "check doc.no_units",
                            "severity must be one of error, warning, off, not 'eror' (did you mean error?)"),
    "check_variant_is_a_list": ("checks: {doc.no_units: {variants: {none: {en: [a]}}}}\n", "check doc.no_units",
                                "variants must map a name to {en: text, zh: text}"),
    "session_without_pattern": ("metadata: {sessions: [{term: 13}]}\n", "metadata: sessions: entry #1",
                                "needs first_year, pattern, term_years"),
    "check_parameter_is_text": ("checks: {doc.no_units: {declared_by: 任务分工}}\n", "check doc.no_units",
                                "declared_by must be a list of texts, not a text"),
    "alias_in_fields": ("rules:\n  - id: user.r\n    kind: quota\n    pattern: '(?P<num>\\d+)眼'\n"
                        "    fields: {note: &a 井}\n  - id: user.s\n    kind: quota\n    pattern: '(?P<num>\\d+)口'\n"
                        "    fields: {note: *a}\n", "line 5", "YAML aliases are not allowed in a rule pack"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_pack_names_file_key_and_problem(case: str, tmp_path: Path) -> None:
    text, named, problem = MALFORMED[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        load_pack((str(path),))
    message = str(caught.value)
    assert str(path) in message and named in message and problem in message, message


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_pack_exits_2_without_traceback(case: str, tmp_path: Path) -> None:
    text, named, problem = MALFORMED[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["extract", "--rules", str(path), str(SAMPLE)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(path) in result.stderr and named in result.stderr and problem in result.stderr


def test_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    """Nine levels of nine aliases would be 387 million strings in one fact's fields."""
    levels = ["    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text(_rule("fields:\n" + "\n".join(levels)), encoding="utf-8")
    with pytest.raises(RulePackError, match="YAML aliases are not allowed") as caught:
        load_pack((str(path),))
    assert str(path) in str(caught.value)


def test_declared_fields_are_what_the_extractors_write(docs: dict[str, Document]) -> None:
    """COMPUTED_FIELDS and RULE_FIELDS (what pack validation protects and checks) name every
    field a fact of the samples carries, and every computed field occurs."""
    seen: dict[str, set[str]] = {kind: set() for kind in COMPUTED_FIELDS}
    for doc in docs.values():
        for fact in doc.facts:
            seen[fact.kind] |= set(fact.fields)
    for kind, fields in seen.items():
        declared = set(COMPUTED_FIELDS[kind]) | set(RULE_FIELDS[kind])
        assert fields - declared == set(), kind
        assert set(COMPUTED_FIELDS[kind]) <= fields, kind
        assert not fields & set(ENGINE_SETTINGS.get(kind, {})), kind


def test_only_user_rules_are_time_limited(tmp_path: Path) -> None:
    """The built-in rules run without the limit (its clock checks cost 9%); a user rule, even
    one replacing a built-in rule, runs under it."""
    path = tmp_path / "override.yaml"
    path.write_text(_rule().replace("user.r", "quota.amount"), encoding="utf-8")
    pack = load_pack((str(path),))
    limited = {rule.id for rule in pack.rules if rule.time_limited}
    assert limited == {"quota.amount"}


# Nested quantifiers over Chinese characters: without a time limit this runs for minutes on one line.
CATASTROPHIC = r"rules:\n  - id: user.slow\n    kind: deadline\n    pattern: '(?:\p{Han}|[\u4e00-\u9fff])+[a-z]'\n"


def test_catastrophic_user_pattern_is_stopped_and_named(tmp_path: Path) -> None:
    pack_file = tmp_path / "slow.yaml"
    pack_file.write_text(CATASTROPHIC.replace(r"\n", "\n"), encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("一、总体要求\n各地区各部门要认真贯彻落实党中央国务院决策部署切实做好相关工作\n", encoding="utf-8")
    [failure] = analyse_paths([str(doc)], load_pack((str(pack_file),)))
    assert isinstance(failure, AnalysisError)  # that document's error: a batch goes on
    assert str(failure).startswith(f"{doc}: rule user.slow ({pack_file}) ran longer than")
    result = runner.invoke(app, ["extract", str(doc), "--rules", str(pack_file), "--format", "jsonl"])
    assert result.exit_code == 3 and "rule user.slow" in result.stderr, result.output


def test_rules_test_reports_a_timed_out_example_as_failing(tmp_path: Path) -> None:
    pack_file = tmp_path / "slow.yaml"
    pack_file.write_text(CATASTROPHIC.replace(r"\n", "\n") + "    examples: [{text: 各地区各部门要认真贯彻落实党中央国务院决策部署切实做好相关工作}]\n",
                         encoding="utf-8")
    result = runner.invoke(app, ["rules", "test", "--rules", str(pack_file), "--id", "user.slow"])
    assert result.exit_code == 1, result.output
    assert "ran longer than" in result.stdout and "0 passed, 1 failed" in result.stdout


def test_rules_test_unknown_id_is_a_usage_error() -> None:
    result = runner.invoke(app, ["rules", "test", "--id", "quota.amout"])
    assert result.exit_code == 2, result.output
    assert "no rule with id quota.amout (did you mean quota.amount?)" in result.stderr
    assert "passed" not in result.stdout


def test_disable_unknown_id_suggests_the_nearest() -> None:
    with pytest.raises(RulePackError, match=r"quota\.amout \(did you mean quota\.amount\?\)"):
        load_pack((), ("quota.amout",))
