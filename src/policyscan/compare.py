"""COMPARE stage: a directive (BASE) against a document that implements it (OTHER).

An implementation reorders, merges, splits and rewords its directive, so items are paired
many to many: each item with its most similar counterpart on the other side, and with any
other counterpart nearly as similar. Similarity is the cosine of the items' words weighted
by how rarely policy documents use them (the pack's ``word_frequency``), so 机制 or 服务 say
little and 机械化 or 养老 say much.

Facts are paired by what they measure, never by their numbers: a quota by the words of its
indicator (a bare 机械化率 takes the clause before it), a deadline by the sentence it dates,
a lead by the items it leads. Only facts of the same indicator are judged stricter, looser
or same. A BASE fact is "missing" only where OTHER takes up its part of BASE; BASE chapters
OTHER never takes up, and BASE items past the end of a truncated OTHER, are listed as such
in the summary rather than as a column of missing facts. Two unrelated documents get no
verdicts at all.
"""
from __future__ import annotations

import bisect
import functools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import regex

from .model import Document, Fact, Section
from .rules import RulePack
from .text import segment
from .text.normalise import shadow
from .text.numbers import amount, number_start

_HAN_WORD = regex.compile(r"^\p{Han}{2,}$")

# Verdicts by row kind; "missing" (BASE only) and "added" (OTHER only) apply to facts of every kind.
QUOTA_VERDICTS = ("same", "stricter", "looser", "different-unit")
DEADLINE_VERDICTS = ("same", "earlier", "later", "unresolved")
LEAD_VERDICTS = ("same", "different")
VERDICTS = tuple(dict.fromkeys(("matched",) + QUOTA_VERDICTS + DEADLINE_VERDICTS + LEAD_VERDICTS
                               + ("missing", "added")))
CHANGES = frozenset(VERDICTS) - {"same", "matched"}
FACT_ROW_KINDS = ("target", "quota", "deadline", "lead")


@dataclass
class ItemPair:
    """A part of BASE and a part of OTHER that implements it."""

    base: Section
    other: Section
    similarity: float

    verdict = "matched"
    kind = "item"


@dataclass
class FactPair:
    """One row of a comparison: a BASE fact, its OTHER counterpart, and what changed.
    ``base_restated`` / ``other_restated``: later places where a document repeats the same
    value (its goal restated in its tasks), judged once, here. ``base_units`` /
    ``other_units``: for a lead row, every unit of the assignment (the row's fact is its first)."""

    kind: str  # target, quota, deadline or lead
    base: Fact | None
    other: Fact | None
    verdict: str
    similarity: float | None = None
    detail: str = ""
    base_restated: list[Fact] = field(default_factory=list)
    other_restated: list[Fact] = field(default_factory=list)
    base_units: list[str] = field(default_factory=list)
    other_units: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.verdict in CHANGES


@dataclass
class Comparison:
    """BASE against one OTHER: corresponding items, fact rows, and what OTHER leaves out."""

    base: Document
    other: Document
    similarity: float = 0.0  # of the two texts as wholes, 0 (nothing shared) to 1 (same words)
    related: bool = False  # at least one item of OTHER corresponds to one of BASE
    truncated: bool = False  # OTHER's text ends in the middle of a sentence
    base_items: list[Section] = field(default_factory=list)
    other_items: list[Section] = field(default_factory=list)
    items: list[ItemPair] = field(default_factory=list)
    outline: list[ItemPair] = field(default_factory=list)  # sections above the items, paired through them
    pairs: list[FactPair] = field(default_factory=list)
    not_reached: list[Section] = field(default_factory=list)  # BASE items past a truncated OTHER's end

    @property
    def item_rows(self) -> list[ItemPair]:
        """The pairs of items and, above them, of chapters (``outline``), in BASE's order."""
        return sorted(self.items + self.outline, key=lambda p: (p.base.start, p.other.start))

    def fact_rows(self, kind: str) -> list[FactPair]:
        """The rows of one fact kind (target, quota, deadline, lead), in document order."""
        return [p for p in self.pairs if p.kind == kind]

    @property
    def base_unmatched(self) -> list[Section]:
        """BASE items OTHER does not take up (and does reach)."""
        paired = {id(p.base) for p in self.items} | {id(s) for s in self.not_reached}
        return [s for s in self.base_items if id(s) not in paired]

    @property
    def other_unmatched(self) -> list[Section]:
        """OTHER items with no counterpart in BASE."""
        paired = {id(p.other) for p in self.items}
        return [s for s in self.other_items if id(s) not in paired]

    @property
    def coverage(self) -> float:
        """Share of the BASE items OTHER reaches that have a counterpart in it."""
        reached = len(self.base_items) - len(self.not_reached)
        matched = reached - len(self.base_unmatched)
        return matched / reached if reached else 1.0

    def summary(self) -> dict[str, Any]:
        """The counts a reader wants first, and the items that have no counterpart."""
        verdicts = Counter((p.kind, p.verdict) for p in self.pairs)
        by_verdict = Counter(p.verdict for p in self.pairs if p.kind != "lead")
        reached = len(self.base_items) - len(self.not_reached)
        return {
            "base": self.base.path,
            "other": self.other.path,
            "related": self.related,
            "similarity": round(self.similarity, 3),
            "truncated": self.truncated,
            "base_items": len(self.base_items),
            "other_items": len(self.other_items),
            "items_matched": reached - len(self.base_unmatched),
            "coverage": round(self.coverage, 4),
            "carried_down": sum(p.base is not None and p.other is not None for p in self.pairs
                                if p.kind != "lead"),
            "tightened": by_verdict["stricter"] + by_verdict["earlier"],
            "loosened": by_verdict["looser"] + by_verdict["later"],
            "dropped": by_verdict["missing"],
            "added": by_verdict["added"],
            "leads_changed": verdicts[("lead", "different")] + verdicts[("lead", "missing")]
            + verdicts[("lead", "added")],
            "deadlines_moved": verdicts[("deadline", "earlier")] + verdicts[("deadline", "later")],
            "differences": sum(p.changed for p in self.pairs),
            "items_not_taken_up": [_item_record(s) for s in self.base_unmatched],
            "items_new": [_item_record(s) for s in self.other_unmatched],
            "items_not_reached": [_item_record(s) for s in self.not_reached],
        }


def _item_record(item: Section) -> dict[str, Any]:
    return {"section": item.path, "title": item.title, "start": item.start, "end": item.end}


# ---------------------------------------------------------------- words and similarity

@functools.lru_cache(maxsize=8)
def _synonym_pattern(pack: RulePack) -> tuple[regex.Pattern[str] | None, dict[str, str]]:
    canonical = {variant: canon for canon, variants in pack.tables["synonyms"].items()
                 for variant in variants or []}
    if not canonical:
        return None, {}
    alternation = "|".join(regex.escape(v) for v in sorted(canonical, key=len, reverse=True))
    return regex.compile(alternation), canonical


def canonical(pack: RulePack, text: str) -> str:
    """Text with every synonym variant replaced by its canonical form (基本医疗保险 → 基本医保)."""
    pattern, table = _synonym_pattern(pack)
    return pattern.sub(lambda m: table[m.group(0)], text) if pattern else text


def words(pack: RulePack, text: str) -> Counter[str]:
    """Content words of a text: jieba words of two or more Han characters of its normalised
    shadow (so Traditional and Simplified agree), synonyms made canonical, stopwords dropped."""
    stop = _stopwords(pack)
    text = canonical(pack, shadow(text))
    return Counter(w for w, _, _ in segment.words(pack.segmenter, text) if _HAN_WORD.match(w) and w not in stop)


@functools.lru_cache(maxsize=8)
def _stopwords(pack: RulePack) -> frozenset[str]:
    """Words that say nothing about what a task or quota is about: the pack's
    ``compare_stopwords`` and every comparator cue (不得低于, 以上: how much, not what)."""
    cues = pack.tables["cues"]
    comparators = [w for name in ("comparators_before", "comparators_adjacent", "comparators_after")
                   for ws in cues.get(name, {}).values() for w in ws]
    return frozenset(cues.get("compare_stopwords", []) + comparators)


@functools.lru_cache(maxsize=8)
def _rarity(pack: RulePack) -> tuple[dict[str, float], float]:
    """Weight of a word by how few policy documents use it (inverse document frequency of
    the pack's ``word_frequency``), and the weight of a word the table does not list."""
    table = pack.tables.get("word_frequency") or {}
    n = int(table.get("documents") or 0)
    df = table.get("df") or {}
    weights = {w: math.log((n + 1) / (int(c) + 1)) + 1.0 for w, c in df.items()}
    return weights, math.log((n + 1) / 2) + 1.0


def weight(pack: RulePack, word: str) -> float:
    """How much a shared word says that two texts are about the same thing."""
    weights, rare = _rarity(pack)
    return weights.get(word, rare)


Vector = tuple[dict[str, float], float]  # weighted words and their norm


def weighted(pack: RulePack, bag: Counter[str], local: dict[str, float] | None = None) -> Vector:
    """A bag of words as ``similarity`` weighs it: each word by its rarity and by a sublinear
    count (1 + log count), so a word repeated fourteen times does not outweigh the rest.
    ``local``: rarity among the parts being paired (``local_rarity``); then a word every item
    of both documents uses (the pair's own topic, 农机) no longer tells their items apart,
    and background rarity only tempers it (square root)."""
    vector = {}
    for word, count in bag.items():
        rarity = weight(pack, word) if local is None else local.get(word, 1.0) * math.sqrt(weight(pack, word))
        vector[word] = (1.0 + math.log(count)) * rarity
    return vector, math.sqrt(sum(v * v for v in vector.values()))


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two weighted bags (0 to 1)."""
    (u, u_norm), (v, v_norm) = (a, b) if len(a[0]) <= len(b[0]) else (b, a)
    dot = sum(x * v[w] for w, x in u.items() if w in v)
    return min(1.0, dot / (u_norm * v_norm)) if dot and u_norm and v_norm else 0.0


def similarity(pack: RulePack, a: Counter[str], b: Counter[str], local: dict[str, float] | None = None) -> float:
    """Cosine of the two bags of words, weighted as ``weighted`` says."""
    return cosine(weighted(pack, a, local), weighted(pack, b, local))


def local_rarity(bags: list[Counter[str]]) -> dict[str, float]:
    """Inverse document frequency of each word among ``bags`` (the items of both documents)."""
    df = Counter(w for bag in bags for w in bag)
    return {w: math.log((1 + len(bags)) / (1 + n)) + 1.0 for w, n in df.items()}


def _greedy_one_to_one(scores: Iterable[tuple[float, float, int, int]]) -> dict[int, tuple[int, float]]:
    """Pairs (i, j), best rank first, each side used once; ``scores`` are (rank, similarity, i, j)."""
    paired: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for _, sim, i, j in sorted(scores, key=lambda t: (-t[0], t[2], t[3])):
        if i not in paired and j not in used:
            paired[i] = (j, sim)
            used.add(j)
    return paired


# ---------------------------------------------------------------- items

def comparable_items(pack: RulePack, doc: Document) -> list[Section]:
    """The parts of a document compared: its task items (leaf sections at any heading level,
    一、/(一)/1./第X条…) outside web-page chrome, and the lead-in of a section with items below
    it where that says something of its own (第六条's measure before its 申报条件 and
    申报材料); or, in a text without headings, its paragraphs (¶1, ¶2 …)."""
    min_chars = int(pack.tables["cues"].get("paragraph_item_min_chars", 30))
    items = [s for s in doc.items() if not doc.in_chrome(s.start, s.start + 1)]
    if items:
        return sorted(items + _lead_ins(doc, min_chars), key=lambda s: s.start)
    paragraphs: list[Section] = []
    offset = 0
    for line in doc.text.splitlines(keepends=True):
        body = line.strip()
        if len(body) >= min_chars and not doc.in_chrome(offset, offset + len(line)):
            start = offset + line.index(body[0])
            title = regex.split(r"[。；;！!？?]", body, maxsplit=1)[0][:40]
            paragraphs.append(Section(path=f"¶{len(paragraphs) + 1}", marker="", title=title, start=start,
                                      end=start + len(body), depth=1, text_start=start))
        offset += len(line)
    return paragraphs


def _lead_ins(doc: Document, min_chars: int) -> list[Section]:
    """Sections' own text before their first sub-section, as items, where it holds at least
    ``min_chars`` Han characters, heading included (more than a heading says)."""
    found = []
    for section in doc.all_sections():
        if not section.children or doc.in_chrome(section.start, section.start + 1):
            continue
        own = doc.shadow[section.text_start:section.children[0].start]  # 第六条's title is its first sentence
        if len(regex.findall(r"\p{Han}", own)) >= min_chars:
            found.append(Section(path=section.path, marker=section.marker, title=section.title,
                                 start=section.start, end=section.children[0].start, depth=section.depth,
                                 text_start=section.text_start))
    return found


def _item_bag(pack: RulePack, doc: Document, item: Section) -> Counter[str]:
    return words(pack, doc.shadow[item.start:item.end])


def _title_bag(pack: RulePack, doc: Document, item: Section) -> Counter[str]:
    """The item's heading with the headings above it: 保障措施/(一)加强组织领导."""
    titles = [s.title for s in doc.holders(item.start)] or [item.title]
    return words(pack, " ".join(titles))


def align_items(pack: RulePack, base: Document, other: Document,
                b_items: list[Section], o_items: list[Section]) -> list[ItemPair]:
    """Every pair of items that correspond. OTHER implements BASE, so each OTHER item takes
    the BASE item most like it, and, where that one is clearly alike, any other nearly as
    like it (one OTHER item may merge several BASE items; a weak best match merges nothing);
    a BASE item also takes its own best counterparts when they are clearly alike (a BASE item
    split over several OTHER items), but not a weak best match (a directive's chapter an
    implementation leaves out still has some nearest item), nor an OTHER item far closer to
    another BASE item (a deleted item's neighbour)."""
    cues = pack.tables["cues"]
    title_weight = float(cues.get("item_title_weight", 0.3))
    threshold = float(cues.get("item_match_threshold", 0.2))
    near = float(cues.get("item_near_best", 0.8))
    strong = float(cues.get("item_split_threshold", 0.25))
    split_share = float(cues.get("item_split_share", 0.5))
    b_bodies = [_item_bag(pack, base, s) for s in b_items]
    o_bodies = [_item_bag(pack, other, s) for s in o_items]
    b_titles = [_title_bag(pack, base, s) for s in b_items]
    o_titles = [_title_bag(pack, other, s) for s in o_items]
    body_rarity, title_rarity = local_rarity(b_bodies + o_bodies), local_rarity(b_titles + o_titles)
    b_body, o_body, b_title, o_title = ([weighted(pack, bag, rarity) for bag in bags] for bags, rarity in (
        (b_bodies, body_rarity), (o_bodies, body_rarity), (b_titles, title_rarity), (o_titles, title_rarity)))
    score = {(i, j): (1 - title_weight) * cosine(b_body[i], o_body[j]) + title_weight * cosine(b_title[i], o_title[j])
             for i, j in _candidate_pairs(b_body, o_body)}
    best_b, best_o = [0.0] * len(b_items), [0.0] * len(o_items)
    for (i, j), s in score.items():
        best_b[i], best_o[j] = max(best_b[i], s), max(best_o[j], s)
    return [ItemPair(b_items[i], o_items[j], round(s, 3)) for (i, j), s in score.items()
            if s >= threshold and ((s >= near * best_o[j] and (s == best_o[j] or best_o[j] >= strong))
                                   or (s >= strong and s >= near * best_b[i] and s >= split_share * best_o[j]))]


# Item pairing scores every item of BASE against every item of OTHER: up to this many pairs
# (500 items a side; our largest pair has 180 × 178) it does so. Past it, the cost would grow
# with the square of the documents' length, and an item is scored only against the items
# that share one of its CANDIDATE_WORDS weightiest words, a word no more than
# CANDIDATE_POSTINGS items of the other side use (a word that common tells nothing apart).
ALL_ITEM_PAIRS = 250_000
CANDIDATE_WORDS = 8
CANDIDATE_POSTINGS = 64


def _candidate_pairs(b_vectors: list[Vector], o_vectors: list[Vector]) -> list[tuple[int, int]]:
    """The (BASE, OTHER) item pairs worth scoring, in order: all of them, unless there are
    more than ALL_ITEM_PAIRS; then those that share a weighty, rare word."""
    if len(b_vectors) * len(o_vectors) <= ALL_ITEM_PAIRS:
        return [(i, j) for i in range(len(b_vectors)) for j in range(len(o_vectors))]
    pairs: set[tuple[int, int]] = set()
    for mine, theirs, flip in ((b_vectors, o_vectors, False), (o_vectors, b_vectors, True)):
        postings: dict[str, list[int]] = {}
        for j, (vector, _) in enumerate(theirs):
            for word in vector:
                postings.setdefault(word, []).append(j)
        for i, (vector, _) in enumerate(mine):
            for word in sorted(vector, key=lambda w: (-vector[w], w))[:CANDIDATE_WORDS]:
                sharing = postings.get(word, ())
                if len(sharing) <= CANDIDATE_POSTINGS:
                    pairs.update(((j, i) if flip else (i, j)) for j in sharing)
    return sorted(pairs)


def outline_pairs(pack: RulePack, base: Document, other: Document, items: list[ItemPair]) -> list[ItemPair]:
    """Sections that hold items, paired through those items: a section's counterpart is the
    smallest section of the other document holding at least ``outline_majority`` of its
    items' counterparts (二、加快数据汇聚 ↔ （二）促进工业数据采集汇聚, 三、组织保障 ↔ 三、保障措施).
    A chapter whose items scatter has none, unless OTHER repeats its heading."""
    majority = float(pack.tables["cues"].get("outline_majority", 0.6))
    found: dict[tuple[int, int], ItemPair] = {}

    vectors: dict[tuple[int, int, int], Vector] = {}

    def vector(doc: Document, section: Section) -> Vector:
        """A section's weighted words, made once: one section may pair with several."""
        key = (id(doc), section.start, section.end)
        if key not in vectors:
            vectors[key] = weighted(pack, _item_bag(pack, doc, section))
        return vectors[key]

    def pair(b: Section, o: Section) -> None:
        if (b.start, o.start) not in found:
            found[b.start, o.start] = ItemPair(b, o, round(cosine(vector(base, b), vector(other, o)), 3))

    for doc, partner, mine, theirs in ((base, other, "base", "other"), (other, base, "other", "base")):
        # in document order, out of chrome; links found by bisection and their holders through
        # the section tree: scanning every pair and section per section is quadratic in length
        position = {id(t): k for k, t in enumerate(partner.all_sections())
                    if not partner.in_chrome(t.start, t.start + 1)}
        by_start = sorted(((getattr(p, mine).start, getattr(p, theirs)) for p in items), key=lambda e: e[0])
        starts = [start for start, _ in by_start]
        for section in doc.all_sections():
            links = [s for _, s in by_start[bisect.bisect_left(starts, section.start):
                                            bisect.bisect_left(starts, section.end)]]
            if not section.children or not links:
                continue
            held: dict[int, list[Any]] = {}
            for s in links:
                for t in partner.holders(s.start):
                    if id(t) in position:
                        held.setdefault(id(t), [t, 0])[1] += 1
            holding = sorted((t for t, count in held.values() if count >= majority * len(links)),
                             key=lambda t: position[id(t)])
            if not holding:
                continue
            counterpart = min(holding, key=lambda t: t.end - t.start)
            pair(*((section, counterpart) if mine == "base" else (counterpart, section)))
    for b, o in _same_headings(pack, base, other):
        pair(b, o)
    return sorted(found.values(), key=lambda p: (p.base.start, p.other.start))


def _same_headings(pack: RulePack, base: Document, other: Document) -> list[tuple[Section, Section]]:
    """Sections whose headings OTHER repeats word for word, whatever lies under them: 二、加大对多子女
    家庭购房支持 (a measure) ↔ 四、加大对多子女家庭购房支持 (a chapter of measures) in Changsha's and
    Liuyang's 2025 housing measures; 三、组织保障 ↔ 三、组织保障 in Shanghai's and Jiading's 2024
    sponge-city plans. Each heading pairs once, in document order; short headings (总则) say too little."""
    min_chars = int(pack.tables["cues"].get("same_heading_min_chars", 4))

    def key(section: Section) -> str:
        return regex.sub(r"[^\p{Han}\w]", "", shadow(section.title))

    waiting: dict[str, list[Section]] = {}
    for t in other.all_sections():
        if not other.in_chrome(t.start, t.start + 1) and len(heading := key(t)) >= min_chars:
            waiting.setdefault(heading, []).append(t)
    pairs = []
    for s in base.all_sections():
        if not base.in_chrome(s.start, s.start + 1) and (same := waiting.get(key(s))):
            pairs.append((s, same.pop(0)))
    return pairs


def document_similarity(pack: RulePack, base: Document, other: Document) -> float:
    """How much the two texts as wholes are about the same things (0 to 1)."""
    return similarity(pack, words(pack, base.shadow), words(pack, other.shadow))


def is_truncated(pack: RulePack, doc: Document) -> bool:
    """True when the body breaks off mid-sentence: its last paragraph of some length (a
    signature, date or page number is short; markup residue is noise) ends
    neither a sentence, nor an aside in brackets (（…负责）), nor an imprint (…印发, a date),
    in a text whose paragraphs (headings aside) otherwise do end so (a copy that lost its punctuation
    everywhere says nothing by ending without it)."""
    cues = pack.tables["cues"]
    min_chars = int(cues.get("paragraph_item_min_chars", 30)) // 2
    complete = regex.compile(cues.get("complete_paragraph_end", r"[。！？；…!?;]$"))
    headings = sorted(s.start for s in doc.all_sections())
    ends: list[bool] = []
    offset = 0
    for line in doc.text.splitlines(keepends=True):
        body = doc.shadow[offset:offset + len(line)].strip()  # markup and other noise blanked
        han, ended = len(regex.findall(r"\p{Han}", body)), bool(complete.search(body))
        at = bisect.bisect_left(headings, offset)
        # a heading line (a heading and little more, unpunctuated); 第二条 and its article is a paragraph
        heading = at < len(headings) and headings[at] < offset + len(line) and han < 2 * min_chars and not ended
        if han >= min_chars and not heading and not doc.in_chrome(offset, offset + len(line)):
            ends.append(ended)
        offset += len(line)
    share = float(cues.get("complete_paragraph_share", 0.6))
    evidence = int(cues.get("complete_paragraph_evidence", 3))  # paragraphs before the last one
    return len(ends) > evidence and not ends[-1] and sum(ends[:-1]) >= share * (len(ends) - 1)


def _reached(items: list[ItemPair], b_items: list[Section]) -> list[Section]:
    """BASE items after the last one a truncated OTHER takes up: OTHER stops before them."""
    last = max((p.base.start for p in items), default=-1)
    return [s for s in b_items if s.start > last]


# ---------------------------------------------------------------- facts

def _subject_bag(pack: RulePack, doc: Document, fact: Fact) -> Counter[str]:
    """What a quota measures: the words of its clause up to the number, after any quota before
    it (县道每年每公里1万元、乡道每年每公里5000元: the second measures 乡道). A bare indicator
    (机械化率达到60%) takes the words of the clause before it in the same sentence
    (建成5-8个林果机械化生产示范基地，机械化率达到60% measures the orchards' rate)."""
    assert doc.breaks is not None, "compare takes analysed documents"
    start, end = doc.breaks.clause(fact.start)
    start = max([start] + [f.end for f in doc.facts_in("quota", start, fact.start) if f.end <= fact.start])
    bag = words(pack, doc.shadow[start:fact.start + number_start(fact.text)])  # up to the number: 不得低于乡道每年每公里5000元
    # and what it counts, written right after it (3—5年一遇雨水排水能力, 4个新城), up to a verb,
    # a connector or the next quota
    after = min([end] + [f.start for f in doc.facts_in("quota", fact.end, end)])
    stop = _after_stop(pack).search(doc.shadow, fact.end, after)
    bag += words(pack, doc.shadow[fact.end:stop.start() if stop else after])
    if not bag and fact.fields.get("indicator"):  # 和55%: the indicator it shares with the value before
        bag = words(pack, fact.fields["indicator"])
    min_words = int(pack.tables["cues"].get("indicator_min_words", 2))
    sentence_start, _ = doc.breaks.sentence(fact.start)
    if len(bag) < min_words and start > sentence_start:
        before, _ = doc.breaks.clause(start - 1)
        bag += words(pack, doc.shadow[before:start])
    if not bag:  # a number that opens its clause (1户1人以上): the clause says what it counts
        bag = words(pack, doc.shadow[start:max(end, fact.end)])
    return bag


@functools.lru_cache(maxsize=8)
def _after_stop(pack: RulePack) -> regex.Pattern[str]:
    """Where the noun a quota counts ends on its right: a verb or a connector."""
    cues = pack.tables["cues"]
    stops = cues.get("indicator_verbs", []) + cues.get("counted_noun_stops", [])
    return regex.compile("|".join(regex.escape(w) for w in sorted(stops, key=len, reverse=True)) or "$^")


def _context_bag(pack: RulePack, doc: Document, fact: Fact) -> Counter[str]:
    """What a deadline or goal is about: the sentence it stands in, or, where that says
    nothing else (a table's date cell, 2025年6月), the sentences before it in its row."""
    assert doc.breaks is not None, "compare takes analysed documents"
    start, end = doc.breaks.sentence(fact.start)
    bag = words(pack, doc.shadow[start:max(end, fact.end)])
    min_words = int(pack.tables["cues"].get("indicator_min_words", 2))
    for _sentence_before in range(2):
        if len(bag) >= min_words or start == 0:
            break
        start = doc.breaks.sentence(start - 1)[0]
        bag += words(pack, doc.shadow[start:fact.start])
    return bag


def _date_of(doc: Document, fact: Fact) -> str | None:
    """The date a fact is bound to: its own (deadline), its goal's (target, quota in a goal)."""
    if fact.kind == "deadline":
        return fact.fields.get("date")
    goal = fact if fact.kind == "target" else next(
        (f for f in doc.facts if f.kind == "target" and f.start <= fact.start and fact.end <= f.end), None)
    return goal.fields.get("deadline") if goal is not None else None


def _in_scope(pack: RulePack, c: Comparison) -> tuple[set[int], set[int]]:
    """Starts of the BASE and OTHER items whose facts are compared one by one: every OTHER
    item; BASE items not past a truncated OTHER's end, in a chapter OTHER takes up (an item
    of it has a counterpart). An OTHER that takes up only a small part of BASE's items
    implements that part (a province's investment measures against the nation's whole
    economic package): then a chapter is in scope only where OTHER takes up most of its items,
    and elsewhere only the items it takes up."""
    cues = pack.tables["cues"]
    paired = {p.base.start for p in c.items}
    per_chapter: dict[int, list[bool]] = {}
    for s in c.base_items:
        per_chapter.setdefault(_chapter(c.base, s), []).append(s.start in paired)
    partial = len(paired) < float(cues.get("partial_coverage", 0.4)) * len(c.base_items)
    share = float(cues.get("partial_chapter_share", 0.5)) if partial else 0.0
    taken_chapters = {ch for ch, flags in per_chapter.items() if any(flags) and sum(flags) >= share * len(flags)}
    unreached = {s.start for s in c.not_reached}
    base = {s.start for s in c.base_items if (s.start in paired or _chapter(c.base, s) in taken_chapters)
            and s.start not in unreached}
    return base, {s.start for s in c.other_items}


def _chapter(doc: Document, item: Section) -> int:
    """The start of the outermost section holding an item (the item itself at top level)."""
    holders = doc.holders(item.start)
    return holders[0].start if holders else item.start


def _item_of(doc: Document, items: list[Section], fact: Fact) -> Section | None:
    """The item holding a fact; for a fact in a section's lead-in, before its first
    sub-section (第五条 对…给予补助，最高500万元：（一）…), the section's first item."""
    found = next((s for s in items if s.start <= fact.start < s.end), None)
    if found is None and (holders := doc.holders(fact.start)):
        found = next((s for s in items if holders[-1].start <= s.start < holders[-1].end), None)
    return found


def _states_own_term(pack: RulePack, doc: Document, fact: Fact) -> bool:
    """A fact of the sentence that says when the document itself takes effect or lapses
    (本措施自2025年8月1日起施行，有效期一年): each document's own term, not a target."""
    pattern = pack.compile_list("document_term_sentences")
    assert doc.breaks is not None, "compare takes analysed documents"
    start, end = doc.breaks.sentence(fact.start)
    return pattern is not None and pattern.search(doc.shadow, start, max(end, fact.end)) is not None


def _counted(pack: RulePack, c: Comparison, side: str, fact: Fact, scope: set[int], context: frozenset[int]) -> bool:
    """Whether a fact takes part in the comparison: it lies in a compared item, or outside
    any item within a goal (a preamble's 到2025年…达到…, not its look back or its setting);
    not in a section that only states context, nor in a sentence that states the document's
    own term (本措施自2025年8月1日起施行); and, in BASE, it is not bound to a date that had
    passed before OTHER was issued (an expired goal is not OTHER's to carry)."""
    doc, items = (c.base, c.base_items) if side == "base" else (c.other, c.other_items)
    if any(s.start in context for s in doc.holders(fact.start)) or _states_own_term(pack, doc, fact):
        return False
    item = _item_of(doc, items, fact)
    if item is None and not any(f.kind == "target" and f.start <= fact.start < f.end for f in doc.facts):
        return False
    if side == "base" and _expired(c, fact):
        return False
    return item is None or item.start in scope


def _expired(c: Comparison, fact: Fact) -> bool:
    """A BASE fact bound to a date before OTHER's own date (its issue date, else 1 January of its year)."""
    date = _date_of(c.base, fact)
    issued = c.other.issued or (f"{c.other.year:04d}-01-01" if c.other.year else None)
    return bool(date and issued and date < issued)


def _beyond_horizon(c: Comparison, fact: Fact) -> bool:
    """A BASE fact bound to a year after every year OTHER plans for: the end of its own period
    (2022—2025年), else its latest deadline (a 2035 vision against a plan to 2025)."""
    date = _date_of(c.base, fact)
    if not date:
        return False
    if c.other.meta.period:
        horizon = c.other.meta.period[1]
    else:
        years = [int(f.fields["date"][:4]) for f in c.other.facts if f.kind == "deadline" and f.fields.get("date")]
        if not years:
            return False
        horizon = max(years)
    return int(date[:4]) > horizon


def _context_sections(pack: RulePack, doc: Document) -> frozenset[int]:
    """Starts of sections that state ideas or significance, not goals or tasks (指导思想):
    the dates they mention (“十四五”时期) are context. The heading must be that and little
    more: 准确把握指导思想、基本原则、目标任务 also sets goals; and a chapter so headed that
    holds other sections (二、总体思路 over （三）发展路径和目标) is context only in those that are."""
    heads = pack.tables["cues"].get("context_headings", [])

    def states_context(title: str) -> bool:
        title = regex.sub(r"[\p{P}\s]", "", shadow(title))
        return any(title.startswith(h) and len(title) <= len(h) + 2 for h in heads)

    def only_context(section: Section) -> bool:
        return states_context(section.title) and all(only_context(child) for child in section.children)

    return frozenset(s.start for s in doc.all_sections() if only_context(s))


def _pair_facts(pack: RulePack, c: Comparison, kind: str, bag_of, comparable,
                b_facts: list[Fact], o_facts: list[Fact], placed: bool = False) -> list[FactPair]:
    """Pair facts of one kind one to one by the similarity of their bags; a pair must reach
    the kind's threshold on content alone, and being in corresponding items or bound to the
    same date only orders candidates that do. ``placed``: being in corresponding items is
    enough on its own (a goal year dates the whole goal paragraph, whatever its words)."""
    cues = pack.tables["cues"]
    threshold = float(cues.get(f"{kind}_match_threshold", cues.get("fact_match_threshold", 0.3)))
    item_bonus = float(cues.get("same_item_bonus", 0.15))
    date_bonus = float(cues.get("same_date_bonus", 0.1))
    unit_bonus = float(cues.get("same_unit_bonus", 0.1))
    corresponding = {(p.base.start, p.other.start) for p in c.items}
    b_bags = [bag_of(c.base, f) for f in b_facts]
    o_bags = [bag_of(c.other, f) for f in o_facts]
    b_items = [_item_of(c.base, c.base_items, f) for f in b_facts]
    o_items = [_item_of(c.other, c.other_items, f) for f in o_facts]
    b_dates = [_date_of(c.base, f) for f in b_facts]
    o_dates = [_date_of(c.other, f) for f in o_facts]
    b_vectors, o_vectors = [weighted(pack, bag) for bag in b_bags], [weighted(pack, bag) for bag in o_bags]
    candidates = _candidate_pairs(b_vectors, o_vectors)
    if placed and len(candidates) < len(b_facts) * len(o_facts):  # facts of corresponding items, too
        o_in_item: dict[int, list[int]] = {}
        for j, item in enumerate(o_items):
            if item is not None:
                o_in_item.setdefault(item.start, []).append(j)
        counterparts: dict[int, list[int]] = {}
        for b_start, o_start in corresponding:
            counterparts.setdefault(b_start, []).append(o_start)
        candidates = sorted(set(candidates).union(
            (i, j) for i, item in enumerate(b_items) if item is not None
            for o_start in counterparts.get(item.start, ()) for j in o_in_item.get(o_start, ())))
    scores = []
    for i, j in candidates:
        b, o = b_facts[i], o_facts[j]
        if not comparable(b, o):
            continue
        sim = cosine(b_vectors[i], o_vectors[j])
        together = (b_items[i] is not None and o_items[j] is not None
                    and (b_items[i].start, o_items[j].start) in corresponding)
        if sim < threshold and not (placed and together):
            continue
        rank = sim + (item_bonus if together else 0.0)
        if b.fields.get("unit") == o.fields.get("unit"):
            rank += unit_bonus
        if b_dates[i] is not None and b_dates[i] == o_dates[j]:
            rank += date_bonus
        scores.append((rank, sim, i, j))
    paired = _greedy_one_to_one(scores)
    rows = [FactPair(kind, b, o_facts[paired[i][0]], "same", round(paired[i][1], 3))
            for i, b in enumerate(b_facts) if i in paired]
    used = {j for j, _ in paired.values()}
    rows += [FactPair(kind, b, None, "missing") for i, b in enumerate(b_facts) if i not in paired]
    rows += [FactPair(kind, None, o, "added") for j, o in enumerate(o_facts) if j not in used]
    return rows


_VALUE_KEYS = ("value", "low", "high", "unit", "cmp")
# A quota is checked as a restatement of at most this many earlier quotas of the same value (the
# first ones): a real document states one value a few times, a huge one could state 1个 thousands.
RESTATEMENT_LOOKUP = 200


# ---------------------------------------------------------------- verdicts

_FLOORS = (">=", ">", "=", "~")  # a level to reach: higher is stricter


def _level(fields: dict[str, Any]) -> float | None:
    """The number a quota is judged by: its value, or a range's lower bound."""
    value = fields.get("low") if fields.get("cmp") == "range" else fields.get("value")
    return None if value is None else float(value)


def quota_verdict(base: Fact, other: Fact) -> tuple[str, str]:
    """Same, stricter, looser or different unit, judged by BASE's comparator (a floor is
    stricter when higher, a cap when lower) and keeping each side's comparator in the detail."""
    b, o = base.fields, other.fields
    detail = f"{amount(b)} → {amount(o)}"
    if (b.get("unit") or "") != (o.get("unit") or ""):
        return "different-unit", detail
    b_level, o_level = _level(b), _level(o)
    same_range = b.get("cmp") == o.get("cmp") == "range" and b.get("high") == o.get("high")
    if b_level == o_level and (b.get("cmp") != "range" or same_range):
        return "same", "" if b.get("cmp") == o.get("cmp") else detail
    if b_level is None or o_level is None:
        return "same", detail
    if b_level == o_level:  # ranges with the same floor: judge by the ceiling
        b_level, o_level = float(b.get("high") or 0), float(o.get("high") or 0)
    higher = o_level > b_level
    stricter = higher if b.get("cmp") in _FLOORS or b.get("cmp") == "range" else not higher
    return ("stricter" if stricter else "looser"), detail


def deadline_verdict(base: Fact, other: Fact) -> tuple[str, str]:
    b, o = base.fields.get("date"), other.fields.get("date")
    if b is None or o is None:
        return ("same", "") if b == o else ("unresolved", f"{b} → {o}")
    if b == o:
        return "same", ""
    return ("earlier" if o < b else "later"), f"{b} → {o}"


def body_name(pack: RulePack, name: str) -> str:
    """The name a unit is compared by across levels: a body run from above by its own name,
    whatever place and branch it is named for (人行安庆市中心支行 and 人民银行宿松支行 are
    人民银行); any other without its level, its synonyms made canonical."""
    for body, words in pack.tables["cues"].get("vertical_bodies", {}).items():
        if any(word in name for word in words):
            return body
    return canonical(pack, unit_name(pack, _without_place(pack, name)))


def _without_place(pack: RulePack, name: str) -> str:
    """A department's name without the place it is named for (四川省教育厅 → 教育厅, 上海市绿化市容局
    → 绿化市容局), where what is left starts with a word, as ``unit_name`` drops a bare level."""
    place = pack.compile_list("place_prefixes")
    m = place.match(name) if place is not None else None
    if m is None or m.end() == len(name):
        return name
    rest = name[m.end():]
    return rest if len(segment.words(pack.segmenter, shadow(rest))[0][0]) >= 2 else name


def unit_name(pack: RulePack, name: str) -> str:
    """A unit's name as compared across levels: 市农业农村委 and 区农业农村委 are counterparts.
    The longest level prefix of the pack's ``level_prefixes`` is dropped only where what is
    left starts with a word (so 乡村振兴局 and 市场监管局 keep their first character)."""
    for prefix in sorted(pack.tables["cues"].get("level_prefixes", []), key=len, reverse=True):
        rest = name[len(prefix):]
        if name.startswith(prefix) and rest:
            first = segment.words(pack.segmenter, shadow(rest))[0][0]
            if len(first) >= 2:
                return rest
    return name


# ---------------------------------------------------------------- rows by kind

def _quota_rows(pack: RulePack, c: Comparison, scope: tuple[set[int], set[int]],
                context: tuple[frozenset[int], frozenset[int]]) -> list[FactPair]:
    """Quotas of the same indicator, judged by value. Two quotas measure the same thing when
    what they measure shares enough words (two at least: 综合 and 机械化, not 机械化 alone);
    different units pair only when what they measure is closer still. Between documents of
    two levels (a city and its district), two totals (a count or an amount, not a rate) pair
    only when they agree: the city's 8000 service points and the district's 500 are the whole
    and a share, not a loosened target. A value OTHER repeats
    (its goal restated in its tasks) is judged once, with the first statement."""
    cues = pack.tables["cues"]
    b_all = [f for f in c.base.facts if f.kind == "quota" and not _tally(pack, c.base, f)
             and not _label_count(pack, f) and _counted(pack, c, "base", f, scope[0], context[0])]
    o_all = [f for f in c.other.facts if f.kind == "quota" and not _tally(pack, c.other, f)
             and not _label_count(pack, f) and _counted(pack, c, "other", f, scope[1], context[1])]
    bags = {id(f): _subject_bag(pack, c.base, f) for f in b_all}
    bags.update({id(f): _subject_bag(pack, c.other, f) for f in o_all})
    b_restates, o_restates = _restatements(pack, b_all, bags), _restatements(pack, o_all, bags)
    min_shared = int(cues.get("quota_min_shared_words", 2))
    unit_free = float(cues.get("different_unit_similarity", 0.6))
    levels = territory_level(pack, c.base), territory_level(pack, c.other)
    across_levels = None not in levels and levels[0] != levels[1]

    def comparable(b: Fact, o: Fact) -> bool:
        need = min(min_shared, len(bags[id(b)]), len(bags[id(o)]))
        if not need or len(bags[id(b)].keys() & bags[id(o)].keys()) < need:
            return False
        if (across_levels and _total(pack, c.base, b) and _total(pack, c.other, o)
                and _level(b.fields) != _level(o.fields)):
            return False  # the directive's total and the implementation's own share
        return (b.fields.get("unit") == o.fields.get("unit")
                or similarity(pack, bags[id(b)], bags[id(o)]) >= unit_free)

    rows = _pair_facts(pack, c, "quota", lambda doc, f: bags[id(f)], comparable,
                       [f for f in b_all if id(f) not in b_restates], [f for f in o_all if id(f) not in o_restates])
    paired = [r for r in rows if r.base is not None and r.other is not None]
    for row in paired:
        row.verdict, row.detail = quota_verdict(row.base, row.other)
    by_side = ({id(r.base): r for r in paired}, {id(r.other): r for r in paired})
    for side, facts, restates in (("base", b_all, b_restates), ("other", o_all, o_restates)):
        for f in (f for f in facts if id(f) in restates):
            first = by_side[side == "other"].get(id(restates[id(f)]))
            if first is not None:
                getattr(first, f"{side}_restated").append(f)
            else:
                rows.append(FactPair("quota", f if side == "base" else None, f if side == "other" else None,
                                     "missing" if side == "base" else "added"))
    return rows


_LISTED = regex.compile(r"(?:\p{Han}{1,6}(?:\(\p{Han}{1,4}\))?、)+\p{Han}{1,6}(?:\(\p{Han}{1,4}\))?等?$")
_WORDED_COUNT = regex.compile(r"[一二两三四五六七八九十]{1,2}\p{Han}?$")


def _label_count(pack: RulePack, fact: Fact) -> bool:
    """A small count of things written in words with no comparator (两个维护, 三条控制线, 五个新城):
    the name of a set, not a target to reach. Durations and frequencies (五年, 一次) stay."""
    cues = pack.tables["cues"]
    value = fact.fields.get("value")
    return (fact.fields.get("cmp") == "=" and fact.fields.get("unit") in cues.get("label_count_units", [])
            and value is not None and value <= float(cues.get("label_count_max", 10))
            and _WORDED_COUNT.match(fact.text) is not None)


def _tally(pack: RulePack, doc: Document, fact: Fact) -> bool:
    """A number of levels or kinds that counts the list written right before it (区、镇两级财政,
    研发、生产、运维、管理、外部等五类数据域): it names what was listed and sets no target.
    (松江、青浦、嘉定、奉贤等4个新城 counts places, and stays.)"""
    assert doc.breaks is not None, "compare takes analysed documents"
    if fact.fields.get("unit") not in pack.tables["cues"].get("tally_units", []):
        return False
    start, _ = doc.breaks.clause(fact.start)
    listed = _LISTED.search(doc.shadow[start:fact.start])
    return bool(listed) and fact.fields.get("value") == listed.group(0).count("、") + 1


def territory_level(pack: RulePack, doc: Document) -> str | None:
    """The level of the territory a document speaks for: its issuer's (上海市静安区人民政府办公室:
    a district), else the one whose words (全国; 全省, 本省; 全市, 本市; 全区, 本区, 全县…) it uses
    most, the lower on a tie; None where it says neither."""
    cues = pack.tables["cues"]
    issuer = " ".join(filter(None, (doc.meta.issuer, doc.meta.title)))
    for level, pattern in _issuer_levels(pack):
        if issuer and pattern.search(issuer):
            return level
    counts = [(level, sum(doc.shadow.count(w) for w in words))
              for level, words in cues.get("territory_words", {}).items()]  # highest level first
    best = max(counts, key=lambda lc: (lc[1], counts.index(lc)), default=None)
    return best[0] if best is not None and best[1] else None


@functools.lru_cache(maxsize=8)
def _issuer_levels(pack: RulePack) -> list[tuple[str, regex.Pattern[str]]]:
    """(level, one pattern of its issuers' names), lowest level first, compiled once per pack."""
    return [(level, regex.compile("|".join(f"(?:{p})" for p in patterns)))
            for level, patterns in pack.tables["cues"].get("issuer_levels", {}).items() if patterns]


def _total(pack: RulePack, doc: Document, fact: Fact) -> bool:
    """A count or an amount for a whole territory (建成500个, 2.1万吨), not a rate (%, 倍, per
    unit: 每公里5000元, 人均, 元/平方米) nor a duration (五年)."""
    cues = pack.tables["cues"]
    unit = str(fact.fields.get("unit") or "")
    if "/" in unit or unit in cues.get("rate_units", []):
        return False
    assert doc.breaks is not None, "compare takes analysed documents"
    start, _ = doc.breaks.clause(fact.start)
    before = doc.shadow[start:fact.start + number_start(fact.text)]
    return not any(w in before for w in cues.get("per_unit_words", []))


def _restatements(pack: RulePack, facts: list[Fact], bags: dict[int, Counter[str]]) -> dict[int, Fact]:
    """Quotas that repeat an earlier one's value about the same indicator → that earlier one."""
    threshold = float(pack.tables["cues"].get("restatement_similarity", 0.6))
    found: dict[int, Fact] = {}
    vectors = {id(f): weighted(pack, bags[id(f)]) for f in facts}
    earlier: dict[tuple[Any, ...], list[Fact]] = {}  # facts so far by value: only those can be restated
    for fact in facts:
        same_value = earlier.setdefault(tuple(fact.fields.get(k) for k in _VALUE_KEYS), [])
        first = next((e for e in same_value[:RESTATEMENT_LOOKUP] if id(e) not in found
                      and cosine(vectors[id(e)], vectors[id(fact)]) >= threshold), None)
        if first is not None:
            found[id(fact)] = first
        same_value.append(fact)
    return found


def _deadline_rows(pack: RulePack, c: Comparison, scope: tuple[set[int], set[int]],
                   context: tuple[frozenset[int], frozenset[int]]) -> list[FactPair]:
    b_facts = [f for f in c.base.facts if f.kind == "deadline" and _counted(pack, c, "base", f, scope[0], context[0])]
    o_facts = [f for f in c.other.facts if f.kind == "deadline" and _counted(pack, c, "other", f, scope[1], context[1])]
    rows = _pair_facts(pack, c, "deadline", functools.partial(_context_bag, pack),
                       lambda b, o: b.fields.get("relation") == o.fields.get("relation"), b_facts, o_facts,
                       placed=True)
    for row in rows:
        if row.base is not None and row.other is not None:
            row.verdict, row.detail = deadline_verdict(row.base, row.other)
    framed = [_periods(c.base), _periods(c.other)]
    return [r for r in rows if not (r.base is None and _period(r.other) in framed[0]
                                    or r.other is None and _period(r.base) in framed[1])]


def _period(fact: Fact | None) -> tuple[str, str] | None:
    """The span a deadline names as a period (“十五五”时期, 2026年至2030年), or None for a date."""
    if fact is None or fact.fields.get("relation") != "during" or not fact.fields.get("begin"):
        return None
    return fact.fields["begin"], fact.fields.get("date") or ""


def _periods(doc: Document) -> set[tuple[str, str] | None]:
    """The periods a document names anywhere, its context included: a period both documents
    name (“十五五”时期 in a city's plan and its district's) is their shared frame, neither added
    nor dropped where one of them says it more often."""
    return {_period(f) for f in doc.facts if f.kind == "deadline"} - {None}


def _target_rows(pack: RulePack, c: Comparison, scope: tuple[set[int], set[int]],
                 context: tuple[frozenset[int], frozenset[int]]) -> list[FactPair]:
    """Goals without a number (不发生规模性返贫) carried down, each row ``same``: a goal's date
    is judged once, in its deadline's row, and goals with numbers by their quotas; a goal
    with no counterpart shows through its quotas and deadlines."""
    def qualitative(doc: Document, side: str, f: Fact, sc: set[int], ctx: frozenset[int]) -> bool:
        return (f.kind == "target" and not doc.facts_in("quota", f.start, f.end)
                and _counted(pack, c, side, f, sc, ctx))

    b_facts = [f for f in c.base.facts if qualitative(c.base, "base", f, scope[0], context[0])]
    o_facts = [f for f in c.other.facts if qualitative(c.other, "other", f, scope[1], context[1])]
    rows = _pair_facts(pack, c, "target", functools.partial(_context_bag, pack), lambda b, o: True,
                       b_facts, o_facts)
    paired = [r for r in rows if r.base is not None and r.other is not None]
    for row in paired:
        row.verdict = "same"
    return paired


def _lead_rows(pack: RulePack, c: Comparison, scope: tuple[set[int], set[int]]) -> list[FactPair]:
    """Per assignment of a BASE item (the units one sentence puts in charge: its leads, or,
    where it names no lead, every unit it names): the OTHER assignment most like it among
    the items that implement it. Same when both name the same departments (compared without
    their 市/区 level; 各区政府, 各街镇 and other area-wide units left aside where departments
    are named, and compared by what they are where nothing else is: 各省级人民政府 ≠
    各区农业农村部门), different otherwise; missing when those items assign nothing. A BASE
    lead is matched by OTHER's leads where those items name any, else by an assignment that
    keeps its body in charge (市住房城乡建设管理委牵头负责 ↔ 区建设管理委负责); a list of
    责任单位 without it has lost the lead. Where BASE puts areas in charge (各省级人民政府负责) and
    OTHER's items assign no unit at all, the bodies OTHER's sentences charge with the work
    (各区农业农村部门和市属企业要…) are its counterpart: the level below carries it out. Bodies a
    BASE sentence charges one by one are paired body by body; bodies a BASE item charges
    without a role word (市住房城乡建设管理委要…) are a lead only where OTHER keeps them in
    charge. An assignment of an OTHER item that implements nothing of BASE, or whose BASE
    items assign nothing, is added."""
    units_of: dict[int, dict[int, list[Fact]]] = {}  # per document: item start → its units, lead-ins included
    for doc, items in ((c.base, c.base_items), (c.other, c.other_items)):
        units_of[id(doc)] = {}
        for fact in (f for f in doc.facts if f.kind == "unit"):
            if (item := _item_of(doc, items, fact)) is not None:
                units_of[id(doc)].setdefault(item.start, []).append(fact)

    def in_charge(doc: Document, item: Section, leads_only: bool = False, whole: bool = False) -> list[list[Fact]]:
        """Per sentence that assigns units: its leads, or, where it names none (or ``whole``),
        all its units."""
        groups = []
        for units in _by_sentence(doc, units_of[id(doc)].get(item.start, [])):
            leads = [f for f in units if f.fields.get("role") == "lead"]
            if leads or not leads_only:
                groups.append(units if whole else leads or units)
        return groups

    def names(facts: list[Fact]) -> frozenset[str]:
        departments = frozenset(body_name(pack, f.fields["name"]) for f in facts
                                if not _area_wide(pack, f.fields["name"]))
        return departments or frozenset(body_name(pack, _unqualified(pack, f.fields["name"])) for f in facts)

    def listed(facts: list[Fact]) -> list[str]:
        return list(dict.fromkeys(f.fields["name"] for f in facts))

    def kept_subjects(item: Section, pairs: list[ItemPair]) -> list[FactPair]:
        """The bodies a BASE item charges with its work without a role word (市住房城乡建设管理委要…),
        where OTHER keeps the same bodies in charge of the items implementing it, by a role word or
        as the subject of its sentences. A subject is weaker evidence than a role word: where OTHER
        names other bodies, or none, nothing is reported."""
        closest_first = sorted(pairs, key=lambda p: -p.similarity)
        o_groups = [g for p in closest_first for g in in_charge(c.other, p.other, whole=True)
                    + duty_holders(pack, c.other, p.other)]
        sim = max((p.similarity for p in pairs), default=None)
        found = []
        for b_group in duty_holders(pack, c.base, item):
            o_group = next((g for g in o_groups if _shared_bodies(pack, names(b_group), names(g)) == 1), None)
            if o_group is not None:
                found.append(FactPair("lead", b_group[0], o_group[0], "same", sim,
                                      base_units=listed(b_group), other_units=listed(o_group)))
        return found

    def carried_one_by_one(b_group: list[Fact], candidates: list[list[Fact]]) -> list[tuple[Fact, Fact]]:
        """Where a BASE sentence charges its bodies clause by clause (教育部门负责…；退役军人事务部门
        负责…；人力资源社会保障部门、农业农村部门分别负责…), each unit with its counterpart among
        the units OTHER charges, if every one has one: each body keeps its part, however OTHER
        groups them (one sentence charging 教育厅, 退役军人厅, 人力资源社会保障厅, 农业农村部门
        and three more; or 市住房城乡建设行政管理部门…；区建设行政管理部门负责… answered article
        line by article line). A list no role word interrupts (责任单位：市交通委、市财政局，相关区政府)
        is one joint assignment, compared whole."""
        charging = pack.tables["cues"].get("role_words", [])
        ordered = sorted(b_group, key=lambda f: f.start)
        if not any(w in c.base.shadow[a.end:b.start] for a, b in zip(ordered, ordered[1:]) for w in charging):
            return []
        o_units = [o for g in candidates for o in g]
        kept = []
        for b in b_group:
            b_name = names([b])
            o = next((o for o in o_units if _shared_bodies(pack, b_name, names([o])) == 1), None)
            if o is None:
                return []
            kept.append((b, o))
        return kept

    def divided(b_group: list[Fact], candidates: list[list[Fact]]) -> list[tuple[Fact, list[Fact]]]:
        """Where OTHER divides a BASE list among sentences that each charge bodies of that list
        (责任单位：市规划资源局、市农业农村委… answered by 区规划资源局负责牵头… and 区农业农村委
        牵头…, Shanghai's farmland plan 2021 and Chongming's rules 2025), each such sentence with
        the BASE unit it keeps in charge. Two or more of the list's bodies must be so divided,
        and by sentences, not by lists like BASE's: a 责任单位 list of some of the bodies is a
        changed list (责任单位：区建设管理委 against seven city bodies, Jiading 2024)."""
        found = []
        for g in (g for g in candidates if g[0].rule != b_group[0].rule):
            b = next((b for b in b_group if _covered(pack, names([b]), names(g))), None)
            if b is not None and _covered(pack, names(g), names(b_group)) == len(names(g)):
                found.append((b, g))
        return found if len({id(b) for b, _ in found}) >= 2 else []

    rows: list[FactPair] = []
    carried_singly: list[tuple[Fact, Fact]] = []
    counterparts: dict[int, list[ItemPair]] = {}
    for p in c.items:
        counterparts.setdefault(p.base.start, []).append(p)
    base_scope, _ = scope
    assigned_in_base: set[int] = set()
    for item in c.base_items:
        pairs = counterparts.get(item.start, [])
        groups = in_charge(c.base, item)
        if groups:
            assigned_in_base.update(p.other.start for p in pairs)
        elif item.start in base_scope:
            rows.extend(kept_subjects(item, pairs))
        if not groups or item.start not in base_scope:
            continue
        closest_first = sorted(pairs, key=lambda p: -p.similarity)
        o_groups = [g for p in closest_first for g in in_charge(c.other, p.other)]
        o_lists = [g for p in closest_first for g in in_charge(c.other, p.other, whole=True)]
        o_leads = [g for p in closest_first for g in in_charge(c.other, p.other, leads_only=True)]
        duties = [] if o_groups else [g for p in closest_first for g in duty_holders(pack, c.other, p.other)]
        sim = max((p.similarity for p in pairs), default=None)
        for b_group in groups:
            if any(f.fields.get("role") == "lead" for f in b_group):
                candidates = o_leads or [g for g in o_groups if _shared_bodies(pack, names(b_group), names(g))]
            else:  # a list that names no lead answers OTHER's whole list, its leads included
                candidates = o_lists
            if not candidates and all(_area_wide(pack, f.fields["name"]) for f in b_group):
                candidates = duties
            if not candidates:
                rows.append(FactPair("lead", b_group[0], None, "missing", sim, base_units=listed(b_group)))
                continue
            if kept := carried_one_by_one(b_group, candidates):
                carried_singly.extend(kept)
                rows.extend(FactPair("lead", b, o, "same", sim, base_units=listed([b]), other_units=listed([o]))
                            for b, o in kept)
                continue
            # the same bodies; among equals, an assignment written the same way (a 责任单位 list),
            # then the one in the closest counterpart (max keeps the first of equals). Where
            # several counterparts each keep the same bodies in charge (one measure split over
            # three articles, each ending 责任单位：崂山区政府), each is a row of its own.
            ranks = [(_shared_bodies(pack, names(b_group), names(g)), g[0].rule == b_group[0].rule)
                     for g in candidates]
            best = max(ranks)
            same = best[0] == 1
            if not same and (shared_out := divided(b_group, candidates)):
                rows.extend(FactPair("lead", b, g[0], "same", sim, base_units=listed([b]), other_units=listed(g))
                            for b, g in shared_out)
                continue
            chosen = [g for g, r in zip(candidates, ranks) if r == best] if same else [candidates[ranks.index(best)]]
            for o_group in chosen:
                b_units, o_units = listed(b_group), listed(o_group)
                rows.append(FactPair("lead", b_group[0], o_group[0], "same" if same else "different", sim,
                                     "" if b_units == o_units else f"{'、'.join(b_units)} → {'、'.join(o_units)}",
                                     base_units=b_units, other_units=o_units))
    # an assignment OTHER adds: in an item that implements nothing of BASE, or whose BASE items
    # assign nothing; or, beside its counterparts' assignments, to bodies none of those names
    # (省卫生健康委负责… beside the nation's 教育部门负责…；退役军人事务部门负责…)
    named_in_base: dict[int, set[str]] = {}
    for p in c.items:
        named_in_base.setdefault(p.other.start, set()).update(
            n for g in in_charge(c.base, p.base) for n in names(g))
    answered = {id(r.other) for r in rows if r.other is not None}
    singly = {id(o) for _, o in carried_singly}
    for item in c.other_items:
        named = named_in_base.get(item.start, ())
        for o_group in in_charge(c.other, item):
            if item.start in assigned_in_base:
                if any(id(f) in singly for f in o_group):  # the bodies beside those carried one by one, each
                    rows.extend(FactPair("lead", None, f, "added", detail=f.fields["name"], other_units=listed([f]))
                                for f in o_group if id(f) not in singly and not _covered(pack, names([f]), named))
                    continue
                if id(o_group[0]) in answered or _covered(pack, names(o_group), named):
                    continue
            rows.append(FactPair("lead", None, o_group[0], "added", detail="、".join(listed(o_group)),
                                 other_units=listed(o_group)))
    return rows


def _same_body(pack: RulePack, a: str, b: str) -> bool:
    """Two level-free names of one body: equal; one ends with the other where the shorter
    says more than its kind (住房城乡建设管理委 / 建设管理委, 住房保障房屋管理局 / 房屋管理局;
    not 管理局 alone); the shorter is the longer's short name (住建局 / 住房和城乡建设局); or,
    their kinds aside, one names the function the other begins with (教育部门 / 教育厅,
    退役军人事务部门 / 退役军人厅)."""
    short, long = sorted((a, b), key=len)
    if short == long:
        return True
    if len(short) >= int(pack.tables["cues"].get("body_suffix_min_chars", 4)) and long.endswith(short):
        return True
    if len(short) >= 3 and short[0] == long[0] and _subsequence(short, long):
        return True
    short_stem, long_stem = sorted((_body_stem(pack, a), _body_stem(pack, b)), key=len)
    return len(short_stem) >= 2 and long_stem.startswith(short_stem)


def _body_stem(pack: RulePack, name: str) -> str:
    """A body's name without its kind, which differs by level for one function: 教育部 / 教育厅 /
    教育局, and 教育部门 where a directive speaks of such bodies everywhere (退役军人事务部门 /
    退役军人厅 in the MOE 2019 and Sichuan 2020 vocational-enrolment plans)."""
    kind = next((k for k in _body_kinds(pack) if name.endswith(k) and len(name) > len(k)), "")
    return name[:len(name) - len(kind)]


@functools.lru_cache(maxsize=8)
def _body_kinds(pack: RulePack) -> tuple[str, ...]:
    """The pack's body kinds, longest first (行政部门 before 部门 before 部)."""
    return tuple(sorted(pack.tables["cues"].get("body_kinds", []), key=len, reverse=True))


def _subsequence(short: str, long: str) -> bool:
    """Every character of ``short`` in ``long``, in order: the way a body's short name is made
    (住建局 from 住房和城乡建设局, 人社局 from 人力资源和社会保障局, 市场监管局 from 市场监督管理局)."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def _covered(pack: RulePack, a: Iterable[str], b: Iterable[str]) -> int:
    """How many names of ``a`` name a body that ``b`` names too."""
    others = list(b)
    return sum(any(_same_body(pack, x, y) for y in others) for x in a)


def _shared_bodies(pack: RulePack, a: frozenset[str], b: frozenset[str]) -> float:
    """Share (0-1) of the names of two assignments that have a counterpart on the other side."""
    return (_covered(pack, a, b) + _covered(pack, b, a)) / ((len(a) + len(b)) or 1)


def _area_wide(pack: RulePack, name: str) -> bool:
    """各区政府, 相关区政府, 有关部门, 乡镇政府, 高新区管委会: units that stand for every area
    or office, or for an area's (or a development zone's) own government, not a department."""
    cues = pack.tables["cues"]
    level_free = unit_name(pack, name)
    return (name.startswith(tuple(cues.get("unit_qualifiers", []))) or name in pack.lists["generic_units"]
            or level_free in cues.get("territorial_bodies", [])
            or name.endswith(tuple(cues.get("territorial_suffixes", [])))
            or level_free.startswith(tuple(cues.get("territorial_prefixes", []))))


def _unqualified(pack: RulePack, name: str) -> str:
    """An area-wide unit without its 各/有关: 各省级人民政府 → 省级人民政府."""
    qualifier = next((q for q in pack.tables["cues"].get("unit_qualifiers", []) if name.startswith(q)), "")
    return name[len(qualifier):] or name


def duty_holders(pack: RulePack, doc: Document, item: Section) -> list[list[Fact]]:
    """The bodies an item's sentences open by charging with the work (各区农业农村部门和市属企业要…,
    各地区、各部门要…), one group per sentence. Extraction does not report them as units (no
    role word assigns them); compare reads them where an item assigns no unit otherwise."""
    opening, separator = pack.compile_list("duty_subjects"), pack.compile_list("duty_separators")
    assert doc.breaks is not None, "compare takes analysed documents"
    if opening is None:
        return []
    groups: list[list[Fact]] = []
    for start, end in doc.breaks.clauses_in(item.text_start or item.start, item.end):
        m = opening.match(doc.shadow, start, end) if doc.breaks.sentence(start)[0] == start else None
        if m is None:
            continue
        list_start, list_end = m.span("list")
        cuts = [s.span() for s in separator.finditer(doc.shadow, list_start, list_end)] if separator else []
        spans = zip([list_start] + [e for _, e in cuts], [s for s, _ in cuts] + [list_end])
        groups.append([Fact("unit", doc.text[s:e], s, e, item.path, "compare:duty",
                            {"name": doc.text[s:e], "role": "duty"}) for s, e in spans if e > s])
    return groups


def _by_sentence(doc: Document, facts: list[Fact]) -> list[list[Fact]]:
    """Facts grouped by the sentence they stand in, in order."""
    assert doc.breaks is not None, "compare takes analysed documents"
    groups: dict[int, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(doc.breaks.sentence(fact.start)[0], []).append(fact)
    return list(groups.values())


def compare(pack: RulePack, base: Document, other: Document) -> Comparison:
    """Pair BASE's items and facts with OTHER's and judge every pair."""
    c = Comparison(base=base, other=other)
    c.base_items, c.other_items = comparable_items(pack, base), comparable_items(pack, other)
    c.similarity = document_similarity(pack, base, other)
    c.truncated = is_truncated(pack, other)
    related_at = float(pack.tables["cues"].get("related_similarity", 0.2))
    if c.similarity >= related_at:
        c.items = align_items(pack, base, other, c.base_items, c.other_items)
    c.related = bool(c.items)
    if not c.related:
        return c
    c.outline = outline_pairs(pack, base, other, c.items)
    if c.truncated:
        c.not_reached = _reached(c.items, c.base_items)
    scope = _in_scope(pack, c)
    context = (_context_sections(pack, base), _context_sections(pack, other))
    rows = (_target_rows(pack, c, scope, context) + _quota_rows(pack, c, scope, context)
            + _deadline_rows(pack, c, scope, context) + _lead_rows(pack, c, scope))
    # a BASE goal OTHER has no counterpart for is not dropped when it lies beyond OTHER's horizon
    rows = [r for r in rows if not (r.other is None and r.base is not None and _beyond_horizon(c, r.base))]
    c.pairs = sorted(rows, key=lambda p: (FACT_ROW_KINDS.index(p.kind), p.base is None,
                                          (p.base or p.other).start))
    return c
