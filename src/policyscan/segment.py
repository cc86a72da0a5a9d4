"""jieba, loaded only when text is actually segmented, with the pack's lexicon added.

Segmenting a whole document is slow and mostly useless; callers segment one clause at a
time, only when a cheaper check could not decide, and results are cached per clause.
"""
from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

    from .rules import RulePack

_FREQ = 200_000  # high enough that lexicon words beat jieba's own splits


@functools.lru_cache(maxsize=8)
def tokenizer(pack: RulePack) -> jieba.Tokenizer:
    """A jieba tokenizer that knows the pack's organisation names, generic units and terms
    (县道, 乡道: policy words jieba's dictionary splits); built once per pack (words() asks for
    it for every clause it segments)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for word in dict.fromkeys(pack.lists["orgs"] + pack.lists["org_stems"] + pack.lists["generic_units"]
                               + pack.lists["terms"]):
        tok.add_word(word, freq=_FREQ)
    return tok


@functools.lru_cache(maxsize=4096)
def _cut(tok: jieba.Tokenizer, text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(tok.tokenize(text, HMM=False))


def words(pack: RulePack, text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for ``text``, offsets relative to it."""
    return _cut(tokenizer(pack), text)


def cuts_word(pack: RulePack, text: str, offset: int) -> bool:
    """True when ``offset`` (relative to ``text``) falls strictly inside a word."""
    return any(start < offset < end for _, start, end in words(pack, text))
