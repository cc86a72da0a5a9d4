"""Responsible units: organisation lists after a role word, split into one fact per name.

Rule patterns capture the list as group ``list`` (and, for 公安、市场监管等部门, the kind
every name shares as group ``ending``) and set ``role`` in ``fields``. Lists are
split on 、 , ; and, where a piece is a run of names with no separator
(区乡村振兴局发改委人社局), by jieba with the pack's organisation lexicon: a piece that holds
two or more known names is cut after every name and every organisation suffix.
"""
from __future__ import annotations

import functools

import regex

from ..model import Fact
from ..rules import RulePack
from ..text import segment
from ..text.normalise import shadow as shadow_of
from .context import Context, Match, run_rules

# How far after a list its convention may be declared (…负责。列第一位者为牵头单位，下同).
_CONVENTION_REACH = 40


def _tokens(pack: RulePack, piece: str) -> list[tuple[str, int, int]]:
    """jieba words of a piece, with protected organisation patterns kept whole."""
    protected = pack.organisations.protected
    spans = [m.span() for m in protected.finditer(piece)] if protected else []
    out: list[tuple[str, int, int]] = []
    pos = 0
    for start, end in spans + [(len(piece), len(piece))]:
        if start > pos:
            out.extend((w, pos + s, pos + e) for w, s, e in segment.words(pack.segmenter, piece[pos:start]))
        if end > start:
            out.append((piece[start:end], start, end))
        pos = end
    return out


def split_run(pack: RulePack, piece: str) -> list[tuple[int, int]]:
    """Spans of the organisation names in a piece with no separators."""
    lexicon = pack.organisations
    orgs, suffix, protected, prefixes = lexicon.names, lexicon.suffix, lexicon.protected, lexicon.prefixes
    tokens = _tokens(pack, piece)
    known = [t for t in tokens if t[0] in orgs or (protected and protected.fullmatch(t[0]))]
    if len(known) < 2:
        return [(0, len(piece))]
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for word, w_start, w_end in tokens:
        is_known = word in orgs or bool(protected and protected.fullmatch(word))
        if is_known and start is not None and piece[start:w_start] not in prefixes:
            spans.append((start, w_start))
            start = None
        if start is None:
            start = w_start
        if is_known or suffix.search(piece[start:w_end]):
            spans.append((start, w_end))
            start = None
    if start is not None:
        spans.append((start, len(piece)))
    return spans


def _is_name(pack: RulePack, name: str) -> bool:
    """A name is kept when it is known, ends like an organisation, or is a bare level word
    (县、乡负主体责任); prose caught by a loose list boundary is not."""
    lexicon = pack.organisations
    orgs, suffix, protected, prefixes = lexicon.names, lexicon.suffix, lexicon.protected, lexicon.prefixes
    cues = pack.tables["cues"]
    qualifiers = tuple(cues.get("unit_qualifiers", []))
    level = next((name[len(q):] for q in qualifiers if name.startswith(q)), name)  # 有关区 → 区
    if name.startswith(tuple(cues.get("unit_prose_openings", []))) and name not in orgs:
        return False
    return (name in orgs or level in prefixes or bool(suffix.search(name))
            or bool(protected and protected.fullmatch(name)))


def _from_first_known(pack: RulePack, piece: str) -> int:
    """Where a long piece's names begin: prose before a lost bracket ends at the first
    known organisation (…尽快覆中型安置点有关乡镇 → 有关乡镇)."""
    orgs, prefixes = pack.organisations.names, pack.organisations.prefixes
    if len(piece) <= 12:
        return 0
    first = next((start for word, start, _ in _tokens(pack, piece) if word in orgs), 0)
    if first <= 4:
        return 0  # a level prefix (区乡村振兴局) is part of the name
    level = next((p for p in prefixes if piece.endswith(p, 0, first)), "")  # …体系(省大数据局
    return first - len(level)


def _strip_tail(pack: RulePack, text: str, start: int, end: int) -> tuple[int, int]:
    """Drop trailing 等 / 等有关部门, leading connectives and prose up to a preposition from a
    name's span."""
    trail = pack.compile_list("unit_trailers")
    while end > start:
        m = trail.search(text, start, end) if trail else None
        if not m or m.end() != end:
            break
        end = m.start()
    leading = tuple(pack.tables["cues"].get("unit_leading_words", []))
    while start < end and (text[start] == " " or text.startswith(leading, start)):
        start += next((len(w) for w in leading if text.startswith(w, start)), 1)
    # prose up to a preposition before the name: 原则按照市水务局 → 市水务局
    for word in pack.tables["cues"].get("unit_leading_prepositions", []):
        at = text.find(word, start, min(end, start + 8))
        if at != -1 and end - (at + len(word)) >= 3:
            start = at + len(word)
    return start, end


def _share_ending(names: list[tuple[int, int]], text: str, prefixes: tuple[str, ...],
                  qualifiers: tuple[str, ...]) -> list[str]:
    """市、区县党委政府 → 市党委政府, 区县党委政府: bare level words right before a name take
    its ending; 各区、市政府 → 各区政府, 各市政府: a qualifier (各, 有关) on the first of them
    is shared too."""
    written = [text[s:e] for s, e in names]
    if len(written) < 2:
        return written
    last = written[-1]
    level = next((p for p in prefixes if last.startswith(p) and len(last) > len(p)), None)
    if level is None:
        return written

    def split(name: str) -> tuple[str, str | None]:
        """(qualifier, level word) of a name that is nothing but those, else (…, None)."""
        qualifier = next((q for q in qualifiers if name.startswith(q)), "")
        core = name[len(qualifier):]
        return qualifier, core if core in prefixes else None

    first = len(written) - 1
    while first > 0 and split(written[first - 1])[1]:
        first -= 1
    if first == len(written) - 1:
        return written
    qualifier = split(written[first])[0]
    ending = last[len(level):]
    shared = [qualifier + str(split(w)[1]) + ending for w in written[first:-1]]
    return written[:first] + shared + [last if last.startswith(qualifier) else qualifier + last]


def interpret(ctx: Context, match: Match, convention_from: int | None = None) -> list[Fact]:
    """One fact per name in the match's list. ``convention_from``: where the document
    declares that the first unit of each list leads (列第一位者为牵头单位, 排在第一位的为牵头
    单位); it covers the list it is written in and every list after it. A name marked
    市发展改革委(牵头) leads."""
    role = match.rule.fields.get("role", "responsible")
    lead_first = (bool(match.rule.engine.get("follows_convention")) and convention_from is not None
                  and match.end + _CONVENTION_REACH >= convention_from)
    list_span = match.span("list")
    if list_span is None:
        return []
    prefixes = ctx.pack.organisations.prefixes
    marker = ctx.pack.compile_list("lead_markers")
    shadow = ctx.doc.shadow
    names: list[tuple[int, int]] = []
    marked: set[int] = set()  # indexes of names that carried a lead marker
    pos = list_span[0]
    # 公安、市场监管、城管执法等部门: the kind named after 等 is every name's ending
    kind_ending = match.group("ending")
    separators = ctx.pack.compile_list("unit_separators")
    found = list(separators.finditer(shadow, list_span[0], list_span[1])) if separators else []
    for sep in found + [None]:
        piece_end = sep.start() if sep else list_span[1]
        piece_start, piece_end = _strip_tail(ctx.pack, shadow, pos, piece_end)
        lead_mark = marker.search(shadow, piece_start, piece_end) if marker else None
        if lead_mark:
            piece_end = lead_mark.start()
        if piece_end > piece_start:
            piece_start += _from_first_known(ctx.pack, shadow[piece_start:piece_end])
            for s, e in split_run(ctx.pack, shadow[piece_start:piece_end]):
                s, e = _strip_tail(ctx.pack, shadow, piece_start + s, piece_start + e)
                if e > s and (_is_name(ctx.pack, shadow[s:e]) or kind_ending):
                    names.append((s, e))
            if lead_mark and names:
                marked.add(len(names) - 1)
        pos = sep.end() if sep else list_span[1]
    written = _share_ending(names, ctx.doc.text, prefixes,
                            tuple(ctx.pack.tables["cues"].get("unit_qualifiers", [])))
    if kind_ending:
        suffix = ctx.pack.organisations.suffix
        written = [w if suffix.search(shadow_of(w)) else w + kind_ending for w in written]
    facts = []
    for i, ((start, end), name) in enumerate(zip(names, written)):
        if i in marked or (lead_first and i == 0):
            this_role = "lead"
        else:
            this_role = "responsible" if (lead_first or marked) else role
        facts.append(ctx.fact("unit", match.rule, start, end, name=name, role=this_role))
    return facts


# A table cell saved as a paragraph: lines with no blank line between them.
_CELL = regex.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_ROW_NUMBER = regex.compile(r"\d{1,3}")
_CELL_SEPARATORS = regex.compile(r"[、,，;；\n]")
_ALIAS = regex.compile(r"\(\p{Han}{2,20}\)")  # 区建设管理委(区水务局): one office, two names
_ANNEX = regex.compile(r"附(?:件|表)[ ]*\d{0,2}[ ]*[:：]?")  # 附件2 opens another part


def _cell_names(ctx: Context, start: int, end: int) -> list[tuple[int, int]] | None:
    """Spans of the organisation names in a table cell that holds nothing else, else None."""
    shadow = ctx.doc.shadow
    names: list[tuple[int, int]] = []
    pos = start
    for sep in list(_CELL_SEPARATORS.finditer(shadow, start, end)) + [None]:
        piece_end = sep.start() if sep else end
        s, e = _strip_tail(ctx.pack, shadow, pos, piece_end)
        while e > s and shadow[e - 1] == " ":
            e -= 1
        if e > s and not (_ALIAS.fullmatch(shadow, s, e) and names):
            if not _is_name(ctx.pack, shadow[s:e]):
                return None
            names.append((s, e))
        pos = sep.end() if sep else end
    return names or None


@functools.lru_cache(maxsize=8)
def _role_label(pack: RulePack) -> regex.Pattern[str]:
    """A cell that names a column of units: 责任单位, 牵头部门, 配合单位 (the pack's role_label)."""
    return regex.compile(pack.expand("{role_label}", "unit table header"))


def table_column(ctx: Context, match: Match) -> list[Fact]:
    """Units of a task table saved one cell per paragraph (rule ``mode: table``): the header's
    unit columns in order; in each row (opened by its number) the k-th cell of nothing but
    names holds the k-th unit column's units. The table ends at the next section, at an
    annex (附件2), or where the row numbers start again."""
    header = match.span("header")
    if header is None:
        return []
    label = _role_label(ctx.pack)
    cells = [c.strip() for c in ctx.doc.shadow[header[0]:header[1]].split("\n") if c.strip()]
    roles = ["lead" if "牵头" in c else match.rule.fields.get("role", "responsible")
             for c in cells if label.fullmatch(c)]
    end = min((s.start for s in ctx.doc.all_sections() if s.start >= header[1]), default=len(ctx.doc.shadow))
    facts: list[Fact] = []
    column, row = 0, None
    for cell in _CELL.finditer(ctx.doc.shadow, header[1], end):
        if _ANNEX.fullmatch(cell.group().strip()):
            break
        if _ROW_NUMBER.fullmatch(cell.group().strip()):
            number = int(cell.group())
            if row is not None and number != row + 1:
                break  # numbering starts again: another table
            column, row = 0, number
            continue
        names = _cell_names(ctx, cell.start(), cell.end())
        if names is None:
            continue
        if column < len(roles):
            facts += [ctx.fact("unit", match.rule, s, e, name=ctx.doc.text[s:e], role=roles[column])
                      for s, e in names]
        column += 1
    return facts


def extract(ctx: Context) -> list[Fact]:
    convention = ctx.pack.compile_list("lead_first_conventions")
    declared = convention.search(ctx.doc.shadow) if convention else None
    return [f for m in run_rules(ctx, "unit")
            for f in (table_column(ctx, m) if m.rule.engine.get("mode") == "table"
                      else interpret(ctx, m, declared.start() if declared else None))]
