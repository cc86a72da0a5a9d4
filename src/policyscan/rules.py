"""Rule packs: YAML files of patterns, building blocks and lexicons, compiled once.

A pack is data, not code. The built-in packs live in ``rules/`` (shipped inside the
wheel as ``policyscan/rules``); users add packs with ``--rules PATH``. Later packs
override earlier ones: a rule with an existing id replaces it, a block with an existing
name replaces it, and lists (lexicons, cue tables, chrome patterns) are extended.
See README "Rule-pack format".
"""
from __future__ import annotations

import functools
import hashlib
import importlib.resources
import logging
import os
import pickle
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from .model import FACT_KINDS, RulePackError

RULE_KEYS = {"id", "kind", "pattern", "anchors", "fields", "action", "priority", "description",
             "examples", "counter_examples"}
ACTIONS = ("emit", "skip")  # skip: the match only shields its span from weaker rules
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
    fields: dict[str, Any] = field(default_factory=dict)
    action: str = "emit"
    priority: int = 0
    description: str = ""
    examples: list[dict[str, Any]] = field(default_factory=list)
    counter_examples: list[str] = field(default_factory=list)
    anchors: regex.Pattern[str] | None = None  # words one of which every match has near it (see README)


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
    def heading_styles(self) -> list[tuple[str, regex.Pattern[str], str]]:
        """(style, compiled pattern with a ``marker`` group, label template) per heading style."""
        styles = []
        for entry in self.lists["headings"]:
            where = f"headings: style {entry.get('style')}" if isinstance(entry, dict) else "headings"
            if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
                raise RulePackError(f"{where}: each heading style needs a style and a pattern")
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
        for entry in self.lists["noise"]:
            where = f"noise: {entry.get('name')}" if isinstance(entry, dict) else "noise"
            if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str) \
                    or not isinstance(entry.get("replace", ""), str):
                raise RulePackError(f"{where}: each noise entry needs a pattern and a string replace")
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
    libyaml when PyYAML was built with it (seven times faster than its pure-Python parser)."""
    import yaml

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RulePackError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise RulePackError(f"{path}: a rule pack must be a mapping at the top level")
    unknown = set(data) - {"pack", "description", "rules", *MAPPING_SECTIONS, *LIST_SECTIONS}
    if unknown:
        raise RulePackError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    return data


def _raw_rules(path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    raw = data.get("rules") or []
    if not isinstance(raw, list):
        raise RulePackError(f"{path}: 'rules' must be a list")
    for i, entry in enumerate(raw):
        where = f"{path}: rule #{i + 1}"
        if not isinstance(entry, dict):
            raise RulePackError(f"{where}: must be a mapping")
        rid = entry.get("id")
        if not isinstance(rid, str) or not rid:
            raise RulePackError(f"{where}: missing 'id'")
        where = f"{path}: rule {rid}"
        unknown = set(entry) - RULE_KEYS
        if unknown:
            raise RulePackError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
        if entry.get("kind") not in FACT_KINDS:
            raise RulePackError(f"{where}: 'kind' must be one of {', '.join(FACT_KINDS)}")
        if not isinstance(entry.get("pattern"), str) or not entry["pattern"]:
            raise RulePackError(f"{where}: missing 'pattern'")
        if entry.get("action", "emit") not in ACTIONS:
            raise RulePackError(f"{where}: 'action' must be one of {', '.join(ACTIONS)}")
        if not isinstance(entry.get("fields", {}), dict):
            raise RulePackError(f"{where}: 'fields' must be a mapping")
        for ex in entry.get("examples") or []:
            if not (isinstance(ex, dict) and isinstance(ex.get("text"), str)
                    and isinstance(ex.get("expect", {}), dict)):
                raise RulePackError(f"{where}: each example needs 'text' and an 'expect' mapping")
        if not all(isinstance(t, str) for t in entry.get("counter_examples") or []):
            raise RulePackError(f"{where}: counter_examples must be a list of texts")
        anchors = entry.get("anchors")
        if anchors is not None and not (isinstance(anchors, list) and anchors
                                        and all(isinstance(a, str) and a for a in anchors)):
            raise RulePackError(f"{where}: anchors must be a list of words")
    return raw


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
    for path, raw in zip(files, contents):
        data = _read_yaml(path, raw)
        for name in MAPPING_SECTIONS:
            section = data.get(name) or {}
            if not isinstance(section, dict):
                raise RulePackError(f"{path}: '{name}' must be a mapping")
            if name == "blocks":
                blocks.update(section)
            elif name == "checks":
                _merge_checks(tables[name], section)
            else:
                _merge(tables[name], section)
        for name in LIST_SECTIONS:
            section = data.get(name) or []
            if not isinstance(section, list):
                raise RulePackError(f"{path}: '{name}' must be a list")
            lists[name].extend(section)
        for entry in _raw_rules(path, data):
            raw_rules.pop(entry["id"], None)  # an override takes the overriding pack's place
            raw_rules[entry["id"]] = (path, entry)
    unknown = set(disable) - set(raw_rules)
    if unknown:
        raise RulePackError(f"--disable: no rule with id {', '.join(sorted(unknown))}")
    for name, value in blocks.items():
        if not isinstance(value, str):
            raise RulePackError(f"block {name}: must be a regular-expression string")
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
        rules.append(Rule(
            id=rid, kind=entry["kind"], pattern=entry["pattern"], compiled=compiled,
            source=str(path), fields=dict(entry.get("fields") or {}),
            action=entry.get("action", "emit"), priority=int(entry.get("priority", 0)),
            description=entry.get("description", ""),
            examples=list(entry.get("examples") or []),
            counter_examples=list(entry.get("counter_examples") or []),
            anchors=_anchor_pattern(entry.get("anchors")),
        ))
    pack = RulePack(rules=rules, checks=_compile_checks(tables.pop("checks"), blocks),
                    blocks=blocks, lists=lists, tables=tables, sources=[str(f) for f in files])
    for name in PATTERN_LISTS:  # a bad pattern is a configuration error now, not mid-run
        pack.compile_list(name)
    _ = pack.heading_styles, pack.heading_pattern, pack.noise_patterns
    return pack


def _anchor_pattern(anchors: list[str] | None) -> regex.Pattern[str] | None:
    """One pattern finding any of a rule's anchor words (longest first)."""
    if not anchors:
        return None
    return regex.compile("|".join(regex.escape(a) for a in sorted(set(anchors), key=len, reverse=True)))


def _compile_checks(entries: dict[str, Any], blocks: dict[str, str]) -> dict[str, Check]:
    """Checks with their severity checked and their patterns compiled once."""
    checks = {}
    for cid, entry in entries.items():
        where = f"check {cid}"
        if not isinstance(entry, dict):
            raise RulePackError(f"{where}: must be a mapping with severity and message")
        params = dict(entry)
        severity = params.pop("severity", "warning")
        if severity not in SEVERITIES:
            raise RulePackError(f"{where}: severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        pattern = params.pop("pattern", None)
        compiled = None
        if pattern is not None:
            try:
                compiled = regex.compile(_expand(str(pattern), blocks, where), regex.V1)
            except regex.error as exc:
                raise RulePackError(f"{where}: bad pattern: {exc}") from exc
        variants = params.pop("variants", None) or {}
        if not isinstance(variants, dict) or not all(isinstance(v, dict) and "en" in v for v in variants.values()):
            raise RulePackError(f"{where}: variants must map a name to {{en: ..., zh: ...}}")
        checks[cid] = Check(cid, severity, str(params.pop("message", cid)), compiled, params,
                            str(params.pop("message_zh", "")),
                            {name: (str(v["en"]), str(v.get("zh", ""))) for name, v in variants.items()})
    return checks
