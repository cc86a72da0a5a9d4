"""Rule packs: YAML files of patterns, building blocks and lexicons, compiled once.

A pack is data, not code. The built-in packs live in ``rules/`` (shipped inside the
wheel as ``policyscan/rules``); users add packs with ``--rules PATH``. Later packs
override earlier ones: a rule with an existing id replaces it, a block with an existing
name replaces it, and lists (lexicons, cue tables, chrome patterns) are extended.
See README "Rule-pack format".
"""
from __future__ import annotations

import difflib
import functools
import hashlib
import importlib.resources
import logging
import os
import pickle
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import regex

from .model import FACT_KINDS, PolicyscanError, RulePackError
from .text.segment import Segmenter, tokenizer

_T = TypeVar("_T")

RULE_KEYS = ("id", "kind", "pattern", "anchors", "fields", "engine", "action", "priority", "description",
             "examples", "counter_examples")
EXAMPLE_KEYS = ("text", "expect")
ACTIONS = ("emit", "skip")  # skip: the match only shields its span from weaker rules
# How long a user pack's rule may run over one text (a search, or finding all its matches):
# PATTERN_TIMEOUT seconds, and as many more per PATTERN_TIMEOUT_SPAN characters of the text.
# A pattern that backtracks without end (nested quantifiers) stops its document with an error
# naming the rule, instead of hanging the batch. The built-in rules' longest scan takes 0.02 s
# over a 16,000-character document and 0.13 s over 2 million characters, a seventh of the
# limit; they run without one, since the regex module's clock checks make matching 75% slower
# (the whole analysis 9% slower).
PATTERN_TIMEOUT = 1.0
PATTERN_TIMEOUT_SPAN = 1_000_000
# Keys every fact record has (Fact.to_record): a rule's constant fields may not set them.
RECORD_KEYS = ("doc", "kind", "text", "start", "end", "section", "rule")
# The fields each kind's interpreter computes (extract/*.py): a rule may not set them either.
COMPUTED_FIELDS = {"quota": ("value", "low", "high", "indicator"), "deadline": ("date", "begin"),
                   "unit": ("name",), "target": ("deadline", "quota")}
TARGET_MODES = ("list", "dated_run", "cue", "output")  # the ways a clause becomes a target (extract/targets.py)
# The fact values each kind's interpreter reads from a rule's ``fields`` (copied onto its
# facts like any other field), with the values it understands (a type: any value of it).
RULE_FIELDS: dict[str, dict[str, tuple[Any, ...] | type]] = {
    "quota": {"unit": str, "cmp": ("=", ">=", "<=", ">", "<", "~")},
    "deadline": {"relation": ("by", "from", "during", "in")},
    "unit": {"role": ("lead", "responsible")},
    "target": {},
}
# The settings a rule's ``engine`` gives its kind's interpreter (how the rule works, never a
# value of its facts), with the values each understands; a kind not named here has none.
ENGINE_SETTINGS: dict[str, dict[str, tuple[Any, ...] | type]] = {
    "deadline": {"dates_goals": bool},
    "unit": {"follows_convention": bool, "mode": ("table",)},
    "target": {"mode": TARGET_MODES, "scope": ("sentence",)},
}
# The named groups an emitting rule's pattern needs, by kind and mode: one of the sets, in
# full. A rule that matches without them yields no fact yet wins the span from other rules.
NEEDED_GROUPS: dict[tuple[str, str | None], tuple[tuple[str, ...], ...]] = {
    ("quota", None): (("num",), ("low", "high"), ("mult",)),
    ("unit", None): (("list",),),
    ("unit", "table"): (("header",),),
}
# Top-level sections of a pack and whether they hold a mapping or a list.
MAPPING_SECTIONS = ("blocks", "cues", "periods", "synonyms", "checks", "metadata", "word_frequency")
SEVERITIES = ("error", "warning", "off")
# List sections whose entries are patterns: compiled once, when the pack is loaded.
PATTERN_LISTS = ("chrome_lines", "chrome_tail", "title_lines", "org_patterns", "unit_trailers", "unit_separators",
                 "lead_markers", "lead_first_conventions", "no_goal_headings",
                 "retrospective_headings", "heading_openings", "no_goal_markers", "duty_subjects",
                 "duty_separators", "document_term_sentences", "attachment_openings", "attachment_entries",
                 "place_prefixes")
# Top-level sections of a pack that hold a list: the pattern lists and these.
LIST_SECTIONS = (*PATTERN_LISTS, "noise", "headings", "orgs", "org_stems", "org_prefixes", "generic_units", "terms")
_log = logging.getLogger(__name__)
_BLOCK_REF = regex.compile(r"(?<!\\[pPN])\{([A-Za-z_][A-Za-z0-9_]*)\}")  # not \p{Han}


@dataclass
class Rule:
    """One compiled rule of a pack."""

    id: str
    kind: str
    pattern: str  # as written, with {block} references
    compiled: regex.Pattern[str]
    source: str  # the file the rule came from
    fields: dict[str, Any] = field(default_factory=dict)  # values copied onto the rule's facts
    engine: dict[str, Any] = field(default_factory=dict)  # settings of the kind's interpreter (ENGINE_SETTINGS)
    action: str = "emit"
    priority: int = 0
    description: str = ""
    examples: list[dict[str, Any]] = field(default_factory=list)
    counter_examples: list[str] = field(default_factory=list)
    anchors: regex.Pattern[str] | None = None  # words one of which every match has near it (see README)
    time_limited: bool = True  # a user pack's rule runs under the pattern time limit

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        """The pattern's matches in text[pos:endpos], under the time limit (matching time, all
        matches together: the time the caller spends between them does not count)."""
        end = len(text) if endpos is None else endpos
        limit = self._limit(pos, end)
        try:
            yield from self.compiled.finditer(text, pos, end, timeout=limit)
        except TimeoutError as exc:
            raise PatternTimeout(self, limit) from exc

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self._timed(self.compiled.search, text, pos, len(text) if endpos is None else endpos)

    def match(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        return self._timed(self.compiled.match, text, pos, len(text))

    def _timed(self, method: Callable[..., _T], text: str, pos: int, endpos: int) -> _T:
        limit = self._limit(pos, endpos)
        try:
            return method(text, pos, endpos, timeout=limit)
        except TimeoutError as exc:
            raise PatternTimeout(self, limit) from exc

    def _limit(self, pos: int, endpos: int) -> float | None:
        """Seconds a scan of text[pos:endpos] may take (more for a longer text), None for no limit."""
        if not self.time_limited:
            return None
        return PATTERN_TIMEOUT * (1 + max(endpos - pos, 0) / PATTERN_TIMEOUT_SPAN)


class PatternTimeout(PolicyscanError):
    """A rule's pattern ran past its time limit; the extract stage adds the document's name."""

    def __init__(self, rule: Rule, limit: float | None) -> None:  # None never times out
        super().__init__(f"rule {rule.id} ({rule.source}) ran longer than {limit:.3g} s on one search: "
                         "its pattern backtracks too much (nested quantifiers such as (a+)+ or (a|a)+?)")
        self.rule = rule


@dataclass
class Check:
    """One review check of ``policyscan check``: severity and message (English, and Chinese
    for ``--lang zh``) from the pack; a text check also has a compiled pattern. ``variants``
    are worded messages for particular findings ({name} placeholders filled in by the check).
    Other keys of its entry are its parameters."""

    id: str
    severity: str
    message: str
    pattern: regex.Pattern[str] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    message_zh: str = ""
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (English, Chinese) templates


@dataclass(frozen=True, eq=False)
class Organisations:
    """The organisation lexicon a pack implies, derived once for every stage that asks
    (segmentation, unit extraction, compare, the unknown-name check) so they agree."""

    names: frozenset[str]  # orgs, org_stems, generic_units: a word that names an organisation
    complete: frozenset[str]  # orgs, generic_units, org_prefixes: names that need nothing more
    stems: frozenset[str]  # org_stems: short forms that stand for a longer name
    prefixes: tuple[str, ...]  # org_prefixes (levels: 省, 市, 区 …), longest first
    suffix: regex.Pattern[str]  # how a name ends ({org_suffix} at the end)
    protected: regex.Pattern[str] | None  # org_patterns: names segmentation keeps whole


@dataclass(eq=False)  # hashed by identity: compiled once, then used as a cache key
class RulePack:
    """All packs merged: rules by kind, expanded blocks, and the lexicons stages need."""

    rules: list[Rule]
    checks: dict[str, Check]
    blocks: dict[str, str]
    lists: dict[str, list[Any]]
    tables: dict[str, dict[str, Any]]
    sources: list[str]
    fingerprint: str = ""  # the packs' identity: their paths and contents, what is disabled, the compiling code
    _compiled_lists: dict[str, regex.Pattern[str] | None] = field(default_factory=dict, repr=False)

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def without(self, rule_ids: Collection[str]) -> RulePack:
        """A copy of the pack without the named rules (the loaded pack is shared and cached, so
        it is never changed): ``check --disable`` of a rule, and a skip rule's examples, which
        compare the pack with and without it. Derived data is derived again for the copy."""
        return replace(self, rules=[r for r in self.rules if r.id not in rule_ids],
                       fingerprint=f"{self.fingerprint} without {' '.join(sorted(rule_ids))}")

    @functools.cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (facts name the rule that produced them)."""
        return self._by_id[rule_id]

    def compile_list(self, name: str) -> regex.Pattern[str] | None:
        """One alternation of a list of patterns (chrome lines, title lines), or None if
        empty; compiled on first use and kept (load_pack compiles every pattern list)."""
        if name not in self._compiled_lists:
            items = self.lists.get(name) or []
            try:
                self._compiled_lists[name] = regex.compile(
                    "|".join(f"(?:{self.expand(p, name)})" for p in items), regex.V1) if items else None
            except regex.error as exc:
                raise RulePackError(f"{name}: bad pattern: {exc}") from exc
        return self._compiled_lists[name]

    @functools.cached_property
    def clause_end(self) -> regex.Pattern[str]:
        """Where a clause ends: the pack's clause_end or a lost line break (lost_break). The
        one definition structure breaks the text by and extract reads clauses with."""
        return regex.compile(self.expand("{clause_end}|{lost_break}", "blocks: clause_end"))

    @functools.cached_property
    def sentence_end(self) -> regex.Pattern[str]:
        """Where a sentence ends: the pack's sentence_end or a lost line break (lost_break)."""
        return regex.compile(self.expand("{sentence_end}|{lost_break}", "blocks: sentence_end"))

    @functools.cached_property
    def organisations(self) -> Organisations:
        """The pack's organisation lexicon, built on first use (see Organisations)."""
        lists = self.lists
        return Organisations(
            names=frozenset(lists["orgs"] + lists["org_stems"] + lists["generic_units"]),
            complete=frozenset(lists["orgs"] + lists["generic_units"] + lists["org_prefixes"]),
            stems=frozenset(lists["org_stems"]),
            prefixes=tuple(sorted(lists["org_prefixes"], key=len, reverse=True)),
            suffix=regex.compile(self.expand("{org_suffix}$", "blocks: org_suffix")),
            protected=self.compile_list("org_patterns"),
        )

    @functools.cached_property
    def segment_words(self) -> frozenset[str]:
        """Words segmentation adds to jieba's dictionary: the organisation names and the pack's
        terms (县道, 乡道: policy words jieba's dictionary splits). A frozenset keeps its hash,
        so finding the segmenter by it costs nothing per clause."""
        return self.organisations.names | frozenset(self.lists["terms"])

    @property
    def segmenter(self) -> Segmenter:
        """jieba's segmentation with the pack's words (built once per word list, kept by
        text.segment rather than on the pack, so a pickled pack stays small)."""
        return tokenizer(self.segment_words)

    @functools.cached_property
    def heading_styles(self) -> list[tuple[str, regex.Pattern[str], str]]:
        """(style, compiled pattern with a ``marker`` group, label template) per heading style."""
        styles = []
        for entry in self.lists["headings"]:  # each a mapping with a style and a pattern (_check_entries)
            where = f"headings: style {entry['style']}"
            try:
                pattern = regex.compile(self.expand(entry["pattern"], where))
            except regex.error as exc:
                raise RulePackError(f"{where}: bad pattern: {exc}") from exc
            if "marker" not in pattern.groupindex:
                raise RulePackError(f"{where}: the pattern needs a (?P<marker>…) group")
            styles.append((entry["style"], pattern, entry.get("label", "{marker}")))
        return styles

    @functools.cached_property
    def heading_pattern(self) -> regex.Pattern[str] | None:
        """Every heading style as one pattern, tried in the styles' order (group ``style<i>``
        tells which matched): one match per place where a heading could start, instead of
        one per style. None when the styles cannot be joined: a style with unnamed groups may
        refer to them by number (\\1), which joining would renumber; they are tried one by one."""
        styles = self.heading_styles
        if not styles or any(pattern.groups != len(pattern.groupindex) for _, pattern, _ in styles):
            return None
        try:
            return regex.compile("|".join(f"(?P<style{i}>{pattern.pattern})" for i, (_, pattern, _) in enumerate(styles)))
        except regex.error:
            return None

    @functools.cached_property
    def noise_patterns(self) -> list[tuple[regex.Pattern[str], str]]:
        """(compiled pattern, replacement) per ``noise`` entry: spans removed before analysis."""
        out = []
        for entry in self.lists["noise"]:  # each a mapping with a pattern (_check_entries)
            where = f"noise: {entry.get('name')}"
            try:
                out.append((regex.compile(self.expand(entry["pattern"], where), regex.V1),
                            entry.get("replace", "")))
            except regex.error as exc:
                raise RulePackError(f"{where}: bad pattern: {exc}") from exc
        return out

    def expand(self, pattern: str, where: str) -> str:
        """Replace {block} references; the error names where the bad reference is."""
        return _expand(pattern, self.blocks, where)


def builtin_rules_dir() -> Path:
    """The packs shipped with the package (wheel), or the repository's rules/ (editable)."""
    packaged = importlib.resources.files("policyscan") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def pack_files(path: Path) -> list[Path]:
    """A pack path is a YAML file or a folder of them (sorted by name)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    if path.is_file():
        return [path]
    raise RulePackError(f"{path}: no such rule pack (file or folder)")


def _expand(pattern: str, blocks: dict[str, str], where: str, seen: tuple[str, ...] = ()) -> str:
    def substitute(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in blocks:
            raise RulePackError(f"{where}: unknown block {{{name}}}")
        if name in seen:
            raise RulePackError(f"{where}: block {{{name}}} refers to itself")
        return "(?:" + _expand(blocks[name], blocks, where, seen + (name,)) + ")"

    return _BLOCK_REF.sub(substitute, pattern)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    """A later pack's table merges into an earlier one: mappings key by key, lists are
    extended (a user pack adds cue words without repeating the built-in ones), other
    values replaced."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + [v for v in value if v not in base[key]]
        else:
            base[key] = value


# A check's wording: a pack that sets one of these replaces all of them, so a user's own
# message is not hidden behind the built-in translation of the message it replaced.
_CHECK_WORDING = ("message", "message_zh", "variants")


def _merge_checks(base: dict[str, Any], extra: dict[str, Any]) -> None:
    """Checks merge like tables, except that their wording is replaced as a whole."""
    for cid, entry in extra.items():
        if isinstance(entry, dict) and isinstance(base.get(cid), dict) and any(k in entry for k in _CHECK_WORDING):
            base[cid] = {k: v for k, v in base[cid].items() if k not in _CHECK_WORDING}
    _merge(base, extra)


def _read_yaml(path: Path, raw: bytes) -> dict[str, Any]:
    """A pack file's mapping, from its bytes. PyYAML is imported only here, on a cache miss, and parses with
    libyaml when PyYAML was built with it (seven times faster than its pure-Python parser).
    Aliases (*name) are refused: nine nested aliases of nine make a billion strings."""
    import yaml

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_no_alias_loader()) or {}
    except _AliasFound as exc:
        raise RulePackError(f"{path}: line {exc.line}: the value anchored here (&name) is repeated by an alias "
                            "(*name): YAML aliases are not allowed in a rule pack (aliases of aliases grow without "
                            "bound); write the value out") from exc
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RulePackError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise RulePackError(f"{path}: a rule pack must be a mapping at the top level")
    _check_keys(str(path), data, ("pack", "description", "rules", *MAPPING_SECTIONS, *LIST_SECTIONS), "top-level key")
    for name in ("pack", "description"):
        if not isinstance(data.get(name, ""), str):
            raise RulePackError(f"{path}: '{name}' must be a text, not {_kind_of(data[name])}")
    return data


class _AliasFound(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@functools.cache
def _no_alias_loader() -> type:
    """The safe loader (libyaml's when available) refusing aliases: a node constructed a second
    time is one an alias refers to."""
    import yaml

    class NoAliasLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node in self.constructed_objects:
                raise _AliasFound(node.start_mark.line + 1)
            return super().construct_object(node, deep)

    return NoAliasLoader


def did_you_mean(word: object, known: Any) -> str:
    """' (did you mean X?)' for the closest known name (a typo in a key, an id), or ''."""
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_keys(where: str, entry: dict[Any, Any], known: Any, what: str = "key") -> None:
    """An unknown key is an error naming it, with the nearest known key."""
    unknown = [k for k in entry if k not in known]
    if unknown:
        named = ", ".join(f"{k}{did_you_mean(k, known)}" for k in unknown)
        raise RulePackError(f"{where}: unknown {what}(s): {named}")


def _kind_of(value: object) -> str:
    """How a value reads in a message: the YAML word for its type."""
    if value is None:
        return "empty"
    if value in ("", [], {}):
        return f"an empty {'text' if value == '' else 'list' if value == [] else 'mapping'}"
    if isinstance(value, bool):
        return "true/false"
    return {str: "a text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__)


def _texts(where: str, value: object, what: str = "texts") -> None:
    """A list of non-empty texts (lexicon words, patterns, anchors)."""
    if not isinstance(value, list):
        raise RulePackError(f"{where} must be a list of {what}, not {_kind_of(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise RulePackError(f"{where} must be a list of {what}: entry #{i + 1} is {_kind_of(item)}")


def _raw_rules(path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The file's rule entries, every key checked (type, value, what the kind needs)."""
    raw = data.get("rules") or []
    if not isinstance(raw, list):
        raise RulePackError(f"{path}: 'rules' must be a list, not {_kind_of(raw)}")
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        where = f"{path}: rule #{i + 1}"
        if not isinstance(entry, dict):
            raise RulePackError(f"{where}: must be a mapping, not {_kind_of(entry)}")
        rid = entry.get("id")
        if not isinstance(rid, str) or not rid:
            raise RulePackError(f"{where}: missing 'id' (a non-empty text)" if rid is None
                                else f"{where}: 'id' must be a non-empty text, not {_kind_of(rid)}")
        if rid in seen:  # a later pack may replace a rule; one file holding it twice is a slip
            raise RulePackError(f"{where}: the id {rid} is used twice in this file")
        seen.add(rid)
        _check_rule(f"{path}: rule {rid}", entry)
    return raw


def _check_rule(where: str, entry: dict[str, Any]) -> None:
    _check_keys(where, entry, RULE_KEYS)
    kind = entry.get("kind")
    if kind not in FACT_KINDS:
        raise RulePackError(f"{where}: 'kind' must be one of {', '.join(FACT_KINDS)}, not {kind!r}"
                            + did_you_mean(kind, FACT_KINDS))
    if not isinstance(entry.get("pattern"), str) or not entry["pattern"]:
        raise RulePackError(f"{where}: missing 'pattern' (a non-empty text)" if entry.get("pattern") is None
                            else f"{where}: 'pattern' must be a non-empty text, not {_kind_of(entry['pattern'])}")
    if entry.get("action", "emit") not in ACTIONS:
        raise RulePackError(f"{where}: 'action' must be one of {', '.join(ACTIONS)}, not {entry['action']!r}")
    priority = entry.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise RulePackError(f"{where}: 'priority' must be a whole number, not {_kind_of(priority)}")
    if not isinstance(entry.get("description", ""), str):
        raise RulePackError(f"{where}: 'description' must be a text, not {_kind_of(entry['description'])}")
    fields = entry.get("fields")
    _check_fields(where, kind, {} if fields is None else fields)
    engine = entry.get("engine")
    _check_engine(where, kind, {} if engine is None else engine)
    examples = entry.get("examples") or []
    if not isinstance(examples, list):
        raise RulePackError(f"{where}: 'examples' must be a list, not {_kind_of(examples)}")
    for n, ex in enumerate(examples, 1):
        if not (isinstance(ex, dict) and isinstance(ex.get("text"), str) and isinstance(ex.get("expect", {}), dict)):
            raise RulePackError(f"{where}: example #{n}: each example needs 'text' and an 'expect' mapping")
        _check_keys(f"{where}: example #{n}", ex, EXAMPLE_KEYS)
    _texts(f"{where}: counter_examples", entry.get("counter_examples") or [])
    if "anchors" in entry:
        _texts(f"{where}: anchors", entry["anchors"], "words")
        if not entry["anchors"]:  # a rule anchored to no word would never run
            raise RulePackError(f"{where}: anchors must be a list of words, not an empty list")


def _check_fields(where: str, kind: str, fields: object) -> None:
    """A rule's constant fields: flat values, none of the record's own keys, the kind's
    computed fields or its engine settings, and the values the kind's interpreter understands
    for those it reads."""
    if not isinstance(fields, dict):
        raise RulePackError(f"{where}: 'fields' must be a mapping, not {_kind_of(fields)}")
    taken = [k for k in fields if k in RECORD_KEYS or k in COMPUTED_FIELDS[kind]]
    if taken:
        raise RulePackError(f"{where}: 'fields' may not set {', '.join(map(str, taken))}: every {kind} fact "
                            f"computes them (its record keys are {', '.join(RECORD_KEYS + COMPUTED_FIELDS[kind])})")
    settings = [k for k in fields if k in ENGINE_SETTINGS.get(kind, {})]
    if settings:  # the place these keys had before the engine section
        raise RulePackError(f"{where}: fields.{settings[0]} is an engine setting, not a fact value: "
                            "write it under 'engine'")
    for name, value in fields.items():
        if not isinstance(name, str):
            raise RulePackError(f"{where}: 'fields' keys must be texts, not {_kind_of(name)}")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise RulePackError(f"{where}: fields.{name} must be a text, number or true/false, not {_kind_of(value)}")
        _check_value(f"{where}: fields.{name}", kind, value, RULE_FIELDS[kind].get(name))


def _check_engine(where: str, kind: str, engine: object) -> None:
    """A rule's engine settings: only those its kind's interpreter reads, with values it understands."""
    if not isinstance(engine, dict):
        raise RulePackError(f"{where}: 'engine' must be a mapping, not {_kind_of(engine)}")
    known = ENGINE_SETTINGS.get(kind, {})
    if engine and not known:
        raise RulePackError(f"{where}: 'engine' has no settings for {kind} rules, only for "
                            f"{', '.join(ENGINE_SETTINGS)} rules")
    _check_keys(f"{where}: engine", engine, known, "setting")
    for name, value in engine.items():
        _check_value(f"{where}: engine.{name}", kind, value, known[name])


def _check_value(where: str, kind: str, value: object, allowed: tuple[Any, ...] | type | None) -> None:
    """A field or engine setting the interpreter reads holds a value it understands."""
    if isinstance(allowed, type) and not isinstance(value, allowed):
        raise RulePackError(f"{where} must be {_kind_of(allowed())}, not {_kind_of(value)}")
    if isinstance(allowed, tuple) and value not in allowed:
        raise RulePackError(f"{where} must be one of {', '.join(map(str, allowed))} "
                            f"for a {kind} rule, not {value!r}{did_you_mean(value, allowed)}")


def _check_groups(where: str, entry: dict[str, Any], compiled: regex.Pattern[str]) -> None:
    """An emitting rule's pattern has the named groups its kind's interpreter reads."""
    if entry.get("action", "emit") != "emit":
        return
    mode = (entry.get("engine") or {}).get("mode")
    needed = NEEDED_GROUPS.get((entry["kind"], mode), ())
    if needed and not any(all(g in compiled.groupindex for g in option) for option in needed):
        wanted = " or ".join("+".join(f"(?P<{g}>…)" for g in option) for option in needed)
        raise RulePackError(f"{where}: a {entry['kind']} rule's pattern needs the named group(s) {wanted}; "
                            "without them it yields no fact yet takes the text from other rules")
    if entry["kind"] == "target" and mode is None:
        raise RulePackError(f"{where}: an emitting target rule needs engine.mode, one of "
                            f"{', '.join(TARGET_MODES)}")


# Sections of a mapping whose keys are names the pack chooses (any name); in the others
# (cues, metadata, word_frequency) every key is one the code reads.
_OPEN_SECTIONS = ("blocks", "periods", "synonyms", "checks")
_CHECK_KEYS = ("severity", "message", "message_zh", "pattern", "variants")


def _check_sections(path: Path, data: dict[str, Any], known: dict[str, dict[str, Any]] | None) -> None:
    """Every section of a pack file other than its rules: lists of texts, heading and noise
    entries, blocks; a user pack's tables and checks must have the shape the built-in packs
    give the same key (``known``: the tables merged so far; None for a built-in pack), so a typo or a list where a
    text belongs is named here, not found mid-run."""
    for name in LIST_SECTIONS:
        section = data.get(name) or []
        if name in ("headings", "noise"):
            if not isinstance(section, list):
                raise RulePackError(f"{path}: '{name}' must be a list, not {_kind_of(section)}")
            _check_entries(path, name, section)
        else:
            _texts(f"{path}: {name}", section, "patterns" if name in PATTERN_LISTS else "texts")
    for name in MAPPING_SECTIONS:
        section = data.get(name) or {}
        if not isinstance(section, dict):
            raise RulePackError(f"{path}: '{name}' must be a mapping, not {_kind_of(section)}")
    for block, value in (data.get("blocks") or {}).items():
        if not isinstance(block, str) or not regex.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", block):
            raise RulePackError(f"{path}: blocks: {block!r} is no block name (letters, digits and _)")
        if not isinstance(value, str):
            raise RulePackError(f"{path}: block {block}: must be a regular-expression string, not {_kind_of(value)}")
    for cid, entry in (data.get("checks") or {}).items():
        _check_check(f"{path}: check {cid}", entry, None if known is None else known["checks"].get(cid) or {})
    if known is not None:
        _check_tables(path, data, known)


def _check_check(where: str, entry: object, model: dict[str, Any] | None) -> None:
    """One check's entry; a user pack's parameters (``model``: the built-in entry) keep the
    built-in names and shapes (a new check of a user pack has none)."""
    if not isinstance(entry, dict):
        raise RulePackError(f"{where}: must be a mapping with severity and message, not {_kind_of(entry)}")
    severity = entry.get("severity", "warning")
    if severity not in SEVERITIES:
        raise RulePackError(f"{where}: severity must be one of {', '.join(SEVERITIES)}, not {severity!r}"
                            + did_you_mean(severity, SEVERITIES))
    for key in ("message", "message_zh", "pattern"):
        if not isinstance(entry.get(key, ""), str):
            raise RulePackError(f"{where}: '{key}' must be a text, not {_kind_of(entry[key])}")
    variants = entry.get("variants") or {}
    if not isinstance(variants, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("en"), str) and isinstance(v.get("zh", ""), str)
            and set(v) <= {"en", "zh"} for v in variants.values()):
        raise RulePackError(f"{where}: variants must map a name to {{en: text, zh: text}}")
    if model is not None:
        _check_keys(where, entry, (*_CHECK_KEYS, *model))
        _check_like(where, {k: v for k, v in entry.items() if k not in _CHECK_KEYS}, model, closed=True)


def _check_tables(path: Path, data: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
    """A user pack's tables, against the built-in ones."""
    for name in MAPPING_SECTIONS:
        if name not in ("blocks", "checks") and known.get(name):
            _check_like(f"{path}: {name}", data.get(name) or {}, known[name], closed=name not in _OPEN_SECTIONS)


def _check_entries(path: Path, name: str, entries: list[Any]) -> None:
    """Heading styles {style, pattern, label} and noise entries {name, pattern, replace}."""
    keys = ("style", "pattern", "label") if name == "headings" else ("name", "pattern", "replace")
    for i, entry in enumerate(entries):
        where = f"{path}: {name} #{i + 1}"
        if not isinstance(entry, dict):
            raise RulePackError(f"{where}: must be a mapping of {', '.join(keys)}, not {_kind_of(entry)}")
        _check_keys(where, entry, keys)
        for key in keys:
            if key in entry and not isinstance(entry[key], str):
                raise RulePackError(f"{where}: '{key}' must be a text, not {_kind_of(entry[key])}")
        if not entry.get("pattern") or (name == "headings" and not entry.get("style")):
            raise RulePackError(f"{where}: needs {'a style and ' if name == 'headings' else ''}a pattern")


def _check_like(where: str, value: dict[str, Any], model: dict[str, Any], closed: bool) -> None:
    """``value`` has the shape of ``model``: a key the model has holds what the model's does, any
    other key what one of the model's entries does (closed: there is no other key)."""
    if closed:
        _check_keys(where, value, model)
    problem = _misfit(where, value, {_shape(model)})
    if problem:
        raise RulePackError(problem)


# The type structure of a value: ("text",), ("number",), ("true/false",), ("empty",),
# ("list", item shapes) or ("mapping", value shapes, (key, shape) pairs, required keys).
Shape = tuple[Any, ...]


def _shape(value: object, entry_of_list: bool = False) -> Shape:
    """A value's shape; a mapping that is an entry of a list is a record: its keys are required."""
    if isinstance(value, bool):
        return ("true/false",)
    if isinstance(value, (int, float)):
        return ("number",)
    if isinstance(value, list):
        return ("list", frozenset(_shape(v, entry_of_list=True) for v in value))
    if isinstance(value, dict):
        return ("mapping", frozenset(_shape(v) for v in value.values()),
                frozenset((k, _shape(v)) for k, v in value.items()), frozenset(value) if entry_of_list else frozenset())
    return ("text",) if isinstance(value, str) else ("empty",)


def _misfit(where: str, value: object, shapes: set[Shape] | frozenset[Shape]) -> str | None:
    """None when ``value`` has one of the shapes (any value, when there are none); else why not,
    said at the innermost entry that differs (a text where a list of texts belongs)."""
    if not shapes:
        return None
    reasons = []
    for shape in shapes:
        reason = _misfit_shape(where, value, shape)
        if reason is None:
            return None
        reasons.append((shape[0] == _shape(value)[0], reason))
    inner = [reason for same_kind, reason in reasons if same_kind]
    if inner:
        return inner[0]
    return f"{where} must be {' or '.join(sorted(_describe(s) for s in shapes))}, not {_kind_of(value)}"


def _misfit_shape(where: str, value: object, shape: Shape) -> str | None:
    if shape[0] == "list" and isinstance(value, list):
        return next(filter(None, (_misfit(f"{where}: entry #{i}", item, shape[1])
                                  for i, item in enumerate(value, 1))), None)
    if shape[0] == "mapping" and isinstance(value, dict):
        missing = sorted(shape[3] - set(value))
        if missing:
            return f"{where} needs {', '.join(missing)}"
        keyed = dict(shape[2])
        return next(filter(None, (_misfit(f"{where}: {key}", item, {keyed[key]} if key in keyed else shape[1])
                                  for key, item in value.items())), None)
    return None if _shape(value) == shape else f"{where} must be {_describe(shape)}, not {_kind_of(value)}"


def _describe(shape: Shape, plural: bool = False) -> str:
    if shape[0] in ("list", "mapping"):
        items = " or ".join(sorted(_describe(s, plural=True) for s in shape[1])) or "values"
        return f"{'lists' if plural else 'a list'} of {items}" if shape[0] == "list" else \
            f"{'mappings' if plural else 'a mapping'} of names to {items}"
    words = {"text": ("a text", "texts"), "number": ("a number", "numbers"),
             "true/false": ("true or false", "true/false values"), "empty": ("empty", "empty values")}
    return words[shape[0]][plural]


def load_pack(extra: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> RulePack:
    """Merge the built-in packs with user packs, compile every rule once (cached)."""
    return _load_pack(tuple(str(Path(p)) for p in extra), tuple(disable))


@functools.lru_cache(maxsize=8)
def _load_pack(extra: tuple[str, ...], disable: tuple[str, ...]) -> RulePack:
    files = pack_files(builtin_rules_dir())
    for p in extra:
        files.extend(pack_files(Path(p)))
    contents = [_read_bytes(path) for path in files]
    fingerprint = _fingerprint(files, contents, disable)
    folder = cache_dir()
    cached = folder / f"pack-{fingerprint[:32]}.pickle" if folder is not None else None
    pack = _read_cached(cached)
    if pack is None:
        pack = _compile_pack(files, contents, disable)
        pack.fingerprint = fingerprint
        _write_cached(cached, pack)
    return pack


def cache_dir() -> Path | None:
    """Where compiled packs are kept between runs: $POLICYSCAN_CACHE_DIR, else the user's cache
    folder; None when POLICYSCAN_CACHE_DIR is set empty (no cache)."""
    chosen = os.environ.get("POLICYSCAN_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA") or Path.home() / ".cache"
    return Path(base) / "policyscan"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read: {exc}") from exc


def _fingerprint(files: list[Path], contents: list[bytes], disable: tuple[str, ...]) -> str:
    """What makes a compiled pack what it is: the packs' paths and contents, the rules that are
    disabled, and the code that compiles them. It keys the cache (an edit anywhere misses) and
    tells a results store whether stored facts came from the same packs."""
    key = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for part in (regex.__version__, *(str(f.resolve()) for f in files), *contents, *disable,
                 (here / "rules.py").read_bytes(), (here / "model.py").read_bytes()):
        key.update(part.encode() if isinstance(part, str) else part)
        key.update(b"\0")
    return key.hexdigest()


def _read_cached(path: Path | None) -> RulePack | None:
    """A compiled pack from the cache, or None when absent or unreadable (then it is rebuilt)."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            pack = pickle.load(handle)
    except Exception as exc:  # noqa: BLE001 - any broken cache entry is simply rebuilt
        _log.debug("ignoring pack cache %s: %s", path, exc)
        return None
    return pack if isinstance(pack, RulePack) else None


def _write_cached(path: Path | None, pack: RulePack) -> None:
    """Keep the compiled pack for the next run; a cache that cannot be written only costs time."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)  # atomic: a parallel run never reads half a file
    except OSError as exc:
        _log.debug("cannot write pack cache %s: %s", path, exc)


def _compile_pack(files: list[Path], contents: list[bytes], disable: tuple[str, ...]) -> RulePack:
    """Parse, merge and compile the packs (``contents``: each file's bytes, read once by the
    caller): every check a bad pack fails happens here."""
    blocks: dict[str, str] = {}
    lists: dict[str, list[Any]] = {name: [] for name in LIST_SECTIONS}
    tables: dict[str, dict[str, Any]] = {name: {} for name in MAPPING_SECTIONS if name != "blocks"}
    raw_rules: dict[str, tuple[Path, dict[str, Any]]] = {}
    builtin = builtin_rules_dir().resolve()
    for path, raw in zip(files, contents):
        data = _read_yaml(path, raw)
        # the built-in packs set the shape of every table; a user pack's tables must keep it
        _check_sections(path, data, None if _is_builtin(path, builtin) else tables)
        for name in MAPPING_SECTIONS:
            section = data.get(name) or {}
            if name == "blocks":
                blocks.update(section)
            elif name == "checks":
                _merge_checks(tables[name], section)
            else:
                _merge(tables[name], section)
        for name in LIST_SECTIONS:
            lists[name].extend(data.get(name) or [])
        for entry in _raw_rules(path, data):
            raw_rules.pop(entry["id"], None)  # an override takes the overriding pack's place
            raw_rules[entry["id"]] = (path, entry)
    unknown = sorted(set(disable) - set(raw_rules))
    if unknown:
        raise RulePackError(f"--disable: no rule with id {', '.join(f'{u}{did_you_mean(u, raw_rules)}' for u in unknown)}")
    rules = []
    for rid, (path, entry) in raw_rules.items():
        if rid in disable:
            continue
        where = f"{path}: rule {rid}"
        expanded = _expand(entry["pattern"], blocks, where)
        try:
            compiled = regex.compile(expanded, regex.V1)
        except regex.error as exc:
            raise RulePackError(f"{where}: bad pattern: {exc}") from exc
        _check_groups(where, entry, compiled)
        rules.append(Rule(
            id=rid, kind=entry["kind"], pattern=entry["pattern"], compiled=compiled,
            source=str(path), fields=dict(entry.get("fields") or {}), engine=dict(entry.get("engine") or {}),
            action=entry.get("action", "emit"), priority=int(entry.get("priority", 0)),
            description=entry.get("description", ""),
            examples=list(entry.get("examples") or []),
            counter_examples=list(entry.get("counter_examples") or []),
            anchors=_anchor_pattern(entry.get("anchors")),
            time_limited=not _is_builtin(path, builtin),
        ))
    pack = RulePack(rules=rules, checks=_compile_checks(tables.pop("checks"), blocks),
                    blocks=blocks, lists=lists, tables=tables, sources=[str(f) for f in files])
    for name in PATTERN_LISTS:  # a bad pattern is a configuration error now, not mid-run
        pack.compile_list(name)
    _ = pack.heading_styles, pack.heading_pattern, pack.noise_patterns
    return pack


def _is_builtin(path: Path, builtin: Path) -> bool:
    """The pack file is one of the built-in packs (in ``builtin``, the resolved rules folder)."""
    return path.resolve().parent == builtin


def _anchor_pattern(anchors: list[str] | None) -> regex.Pattern[str] | None:
    """One pattern finding any of a rule's anchor words (longest first)."""
    if not anchors:
        return None
    return regex.compile("|".join(regex.escape(a) for a in sorted(set(anchors), key=len, reverse=True)))


def _compile_checks(entries: dict[str, Any], blocks: dict[str, str]) -> dict[str, Check]:
    """Checks (each entry checked by _check_check) with their patterns compiled once."""
    checks = {}
    for cid, entry in entries.items():
        where = f"check {cid}"
        params = dict(entry)
        severity = params.pop("severity", "warning")
        pattern = params.pop("pattern", None)
        compiled = None
        if pattern is not None:
            try:
                compiled = regex.compile(_expand(str(pattern), blocks, where), regex.V1)
            except regex.error as exc:
                raise RulePackError(f"{where}: bad pattern: {exc}") from exc
        variants = params.pop("variants", None) or {}
        checks[cid] = Check(cid, severity, str(params.pop("message", cid)), compiled, params,
                            str(params.pop("message_zh", "")),
                            {name: (str(v["en"]), str(v.get("zh", ""))) for name, v in variants.items()})
    return checks
