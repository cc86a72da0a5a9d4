"""The segmenter cuts exactly as jieba does, from a dictionary cache that loads fast."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from policyscan.text import segment
from policyscan.rules import RulePack

HERE = Path(__file__).resolve().parent
# Real documents of several genres and sources: the samples and the own corpus.
DOCUMENTS = sorted((HERE.parent / "samples").glob("*.txt")) + sorted((HERE / "corpus").rglob("*.txt"))


def _clauses() -> list[str]:
    clauses: dict[str, None] = {}
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8", errors="replace")
        clauses.update(dict.fromkeys(c for c in re.split("[。；\n]", text) if c.strip()))
    return list(clauses)


def _jieba_with(pack: RulePack):  # noqa: ANN202 - a jieba.Tokenizer
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for word in dict.fromkeys(pack.lists["orgs"] + pack.lists["org_stems"] + pack.lists["generic_units"]
                              + pack.lists["terms"]):
        tok.add_word(word, freq=200_000)
    return tok


def test_tokens_are_jiebas_on_every_clause_of_real_documents(pack: RulePack) -> None:
    clauses = _clauses()
    assert len(clauses) > 5000
    reference = _jieba_with(pack)
    ours = pack.segmenter
    differing = [c for c in clauses if ours.tokenize(c) != tuple(reference.tokenize(c, HMM=False))]
    assert differing == []


@pytest.mark.parametrize("text", ["县道、乡道和村道", "2025年GDP增长5.5%左右", "a b\r\nc\t中文 English 123", ""])
def test_mixed_scripts_spaces_and_empty_text(pack: RulePack, text: str) -> None:
    assert pack.segmenter.tokenize(text) == tuple(_jieba_with(pack).tokenize(text, HMM=False))


def test_dictionary_cache_is_built_once_and_survives_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", str(tmp_path))
    dictionary = segment.jieba_dictionary()
    built, total = segment._load_base(dictionary)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".freq", ".marisa"]
    monkeypatch.setattr(segment, "read_dictionary", lambda _: pytest.fail("dict.txt read again"))
    again, again_total = segment._load_base(dictionary)
    assert (list(again.trie.iterkeys()), again.log_freq, again_total) == (list(built.trie.iterkeys()), built.log_freq, total)
    monkeypatch.undo()
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", str(tmp_path))
    next(tmp_path.glob("*.freq")).write_bytes(b"damaged")
    repaired, repaired_total = segment._load_base(dictionary)
    assert (repaired.log_freq, repaired_total) == (built.log_freq, total)


def test_without_a_cache_folder_the_dictionary_is_read_from_jieba(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYSCAN_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    lexicon, total = segment._load_base(segment.jieba_dictionary())
    assert "中华人民共和国" in lexicon.trie and "中华人民共" not in lexicon.trie and total > 10_000_000
    assert not list(tmp_path.iterdir())
