"""Huge input costs linear time: the caps and indices that make it so hold, and give the
results a scan of everything would. Nothing here is timed (benchmarks/bench_scale.py times it)."""
from __future__ import annotations

import random

import pytest
import regex
from sample_docs import NAMES

from policyscan import compare as compare_module
from policyscan.compare import compare
from policyscan.load import read_document
from policyscan.model import Document, Fact
from policyscan.pipeline import analyse, analyse_text
from policyscan.rules import RulePack
from policyscan.text.normalise import remove_noise, shadow
from policyscan.text.spans import CLAUSE_REACH, SENTENCE_REACH


def test_a_number_never_starts_inside_a_run_of_digits(pack: RulePack) -> None:
    """Every rule built on {number} tries a long digit run once, from its first digit, not
    once per digit (the square of the run's length)."""
    number = regex.compile(pack.expand("{number}", "test"))
    assert number.match("12345", 0).group() == "12345"
    assert number.match("12345", 1) is None
    assert number.search("编号12345").group() == "12345"
    chrome = pack.compile_list("chrome_lines")
    assert chrome is not None and chrome.match("12345位访客", 1) is None
    assert chrome.search("12345位访客") is not None


def test_a_line_of_200k_digits_yields_only_the_facts_around_it(pack: RulePack) -> None:
    digits = "9" * 200_000
    text = f"关于扩大就业的通知\n附件编号{digits}\n二、到2026年底，新增就业不少于1200人，由市人社局负责。\n"
    doc = analyse_text(text, name="digits.txt", pack=pack)
    run_start = text.index(digits)
    assert not any(run_start < f.start < run_start + len(digits) for f in doc.facts)
    quota = [f for f in doc.facts if f.kind == "quota" and f.start > run_start]
    assert [(f.fields["value"], f.fields["unit"], f.fields["cmp"]) for f in quota] == [(1200, "人", ">=")]


def test_clauses_and_sentences_are_read_within_their_reach(pack: RulePack) -> None:
    """A line without punctuation is not one clause of its whole length for every fact in it."""
    line = "到2025年新增9个" * 20_000
    doc = analyse_text("关于扩大就业的通知\n" + line + "\n", name="line.txt", pack=pack)
    assert doc.breaks is not None
    middle = len(doc.shadow) // 2
    start, end = doc.breaks.clause(middle)
    assert start >= middle - CLAUSE_REACH and end <= middle + CLAUSE_REACH
    start, end = doc.breaks.sentence(middle)
    assert start >= middle - SENTENCE_REACH and end <= middle + SENTENCE_REACH
    quotas = [f for f in doc.facts if f.kind == "quota"]
    assert len(quotas) == 20_000  # one a repeat, none lost


def test_a_real_clause_is_never_cut(docs: dict[str, Document]) -> None:
    """The reach is past the longest clause and sentence of real documents."""
    for doc in docs.values():
        assert doc.breaks is not None
        ends = [-1, *doc.breaks.clause_ends, len(doc.shadow)]
        assert max(b - a for a, b in zip(ends, ends[1:])) < CLAUSE_REACH
        ends = [-1, *doc.breaks.sentence_ends, len(doc.shadow)]
        assert max(b - a for a, b in zip(ends, ends[1:])) < SENTENCE_REACH


def test_indices_answer_as_a_scan_would(docs: dict[str, Document]) -> None:
    """facts_in and holders bisect; they find what scanning every fact and section finds."""
    rng = random.Random(3)
    for doc in docs.values():
        sections = doc.all_sections()
        for _ in range(200):
            start = rng.randrange(len(doc.text))
            end = start + rng.randrange(2000)
            for kind in ("quota", "deadline", "unit", "target"):
                assert doc.facts_in(kind, start, end) == [
                    f for f in doc.facts if f.kind == kind and start <= f.start < end]
            chain = doc.holders(start)
            assert chain == [s for s in sections if s.start <= start < s.end]


def test_copies_of_a_document_give_the_copies_of_its_facts(pack: RulePack) -> None:
    """A document made of three copies of one finds every fact of the one in each copy, where
    that copy lies (a copy may find more: its title lines are no longer a title block, and its
    sections nest under the copy before it)."""
    text = read_document(str(NAMES["001"])).text.rstrip("\n") + "\n"
    alone = analyse_text(text, name="one.txt", pack=pack)
    tripled = analyse_text(text * 3, name="three.txt", pack=pack)

    def key(f: Fact, shift: int) -> tuple[object, ...]:
        return f.kind, f.start - shift, f.end - shift, f.text, f.rule, repr(sorted(f.fields.items()))

    expected = [key(f, 0) for f in alone.facts]
    assert len(expected) > 50
    for copy in (1, 2):
        shift = copy * len(text)
        found = {key(f, shift) for f in tripled.facts if shift <= f.start < shift + len(text)}
        assert [k for k in expected if k not in found] == []


def test_compaction_maps_offsets_as_a_list_would(pack: RulePack) -> None:
    """The compact text's offsets into the original are kept as runs (not an int a character)."""
    text = "关于萬(wàn)元的通知\n一、<p>新增</p>就业1200人。\n二、到2026年底，完成<b>5</b>个。\n"
    compaction = remove_noise(text, pack)
    assert compaction is not None
    mapped = [compaction.origin[i] for i in range(len(compaction.text))]
    assert len(compaction.origin) == len(compaction.text) + 1
    assert compaction.origin[len(compaction.text)] == len(text)
    assert mapped == sorted(mapped)
    for i, original in enumerate(mapped):
        if not any(s <= original < e for s, e in compaction.noise):
            assert compaction.text[i] == text[original]
    with pytest.raises(IndexError):
        compaction.origin[len(compaction.text) + 1]
    doc = analyse(Document(path="noise.txt", text=text), pack)
    assert len(doc.shadow) == len(text) == len(shadow(text))


def test_restoring_releases_the_compact_copies(pack: RulePack) -> None:
    """A noisy document never holds four copies of itself: restoring empties the compact text
    and its shadow before the original's shadow is built, and that shadow blanks the noise."""
    text = "关于萬(wàn)元的通知\n一、<p>新增</p>就业1200人。\n"
    compaction = remove_noise(text, pack)
    assert compaction is not None
    inner = analyse_text(compaction.text, name="inner.txt", pack=pack)
    doc = compaction.restore(inner, Document(path="noise.txt", text=text))
    assert compaction.text == inner.text == inner.shadow == "" and inner.breaks is None
    assert doc.breaks is not None and doc.breaks.shadow is doc.shadow
    assert doc.shadow == "".join(" " if any(s <= i < e for s, e in compaction.noise) else c
                                 for i, c in enumerate(shadow(text)))


def test_large_buffers_get_their_own_mappings() -> None:
    """The CLI asks glibc to map every buffer of 1 MiB or more apart, so a freed copy of a
    large text goes back to the system (benchmarks/bench_scale.py measures the peak)."""
    import platform

    from policyscan.cli import keep_large_buffers_apart
    expected = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert keep_large_buffers_apart() is expected


def test_item_pairs_are_indexed_only_past_the_cap(pack: RulePack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below ALL_ITEM_PAIRS every pair is scored; past it, pairs that share a weighty rare
    word still are, so corresponding items of two copies of a document still pair."""
    text = read_document(str(NAMES["001"])).text
    base = analyse_text(text, name="base.txt", pack=pack)
    other = analyse_text(text, name="other.txt", pack=pack)
    full = {(p.base.start, p.other.start) for p in compare(pack, base, other).items}
    monkeypatch.setattr(compare_module, "ALL_ITEM_PAIRS", 0)
    indexed = {(p.base.start, p.other.start) for p in compare(pack, base, other).items}
    assert {(b, o) for b, o in full if b == o} <= indexed
    vectors = [({"甲": 1.0}, 1.0), ({"乙": 1.0}, 1.0)]
    assert compare_module._candidate_pairs(vectors, vectors) == [(0, 0), (1, 1)]
    monkeypatch.setattr(compare_module, "ALL_ITEM_PAIRS", 4)
    assert compare_module._candidate_pairs(vectors, vectors) == [(0, 0), (0, 1), (1, 0), (1, 1)]
