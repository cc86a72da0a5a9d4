"""Word segmentation: jieba's dictionary and algorithm, without jieba's load time.

Segmenting a whole document is slow and mostly useless; callers segment one clause at a
time, only when a cheaper check could not decide, and results are cached per clause.

``import jieba`` loads its HMM tables (0.11 s) and its Tokenizer unmarshals a 500,000-entry
prefix dictionary (0.7 s) before it cuts a word: more than all the rest of a one-document run.
policyscan cuts only without the HMM, which needs nothing but that dictionary. So jieba's
dict.txt is turned once into a cache file that loads in a fifth of the time (one string of
words and one array of frequencies), and clauses are cut by jieba's own steps for
``Tokenizer.tokenize(text, HMM=False)`` (blocks, DAG, best route), with the pack's lexicon
added as ``Tokenizer.add_word`` adds it. The tokens are jieba's: tests compare them clause by
clause with jieba itself.
"""
from __future__ import annotations

import array
import functools
import importlib.util
import math
import os
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rules import RulePack

_FREQ = 200_000  # high enough that lexicon words beat jieba's own splits
# jieba's block and character classes (jieba/__init__.py: re_han_default, re_skip_default, re_eng).
_HAN_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)
_CACHE_FORMAT = 1


def jieba_dictionary() -> Path:
    """jieba's main dictionary file, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


@dataclass(eq=False)  # hashed by identity: a cache key for _cut
class Segmenter:
    """jieba's prefix dictionary with the pack's words added, cutting like ``cut(HMM=False)``."""

    freq: dict[str, int]  # word → frequency; every prefix of a word is a key (0 if not a word)
    log_total: float

    def tokenize(self, text: str) -> tuple[tuple[str, int, int], ...]:
        """(word, start, end) for ``text``, as jieba's ``tokenize(text, HMM=False)`` gives them."""
        out: list[tuple[str, int, int]] = []
        pos = 0
        for word in self._cut(text):
            out.append((word, pos, pos + len(word)))
            pos += len(word)
        return tuple(out)

    def _cut(self, text: str) -> list[str]:
        words: list[str] = []
        for block in _HAN_BLOCK.split(text):
            if not block:
                continue
            if _HAN_BLOCK.match(block):
                words.extend(self._cut_block(block))
            else:
                for piece in _SKIP.split(block):
                    words.extend([piece] if _SKIP.match(piece) else piece)
        return words

    def _dag(self, block: str) -> list[list[int]]:
        """For each start, the last index of every word starting there (jieba's get_DAG)."""
        freq, n = self.freq, len(block)
        dag = []
        for k in range(n):
            ends = []
            i, fragment = k, block[k]
            while i < n and fragment in freq:
                if freq[fragment]:
                    ends.append(i)
                i += 1
                fragment = block[k:i + 1]
            dag.append(ends or [k])
        return dag

    def _cut_block(self, block: str) -> list[str]:
        dag, freq, n = self._dag(block), self.freq, len(block)
        route: dict[int, tuple[float, int]] = {n: (0, 0)}
        for i in range(n - 1, -1, -1):
            route[i] = max((math.log(freq.get(block[i:x + 1]) or 1) - self.log_total + route[x + 1][0], x)
                           for x in dag[i])
        words: list[str] = []
        buffer = ""
        i = 0
        while i < n:
            word = block[i:route[i][1] + 1]
            i += len(word)
            if len(word) == 1 and _ENG.match(word):
                buffer += word
                continue
            if buffer:
                words.append(buffer)
                buffer = ""
            words.append(word)
        if buffer:
            words.append(buffer)
        return words


def prefix_dictionary(dictionary: Path) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary and total frequency, as its gen_pfdict builds them from
    dict.txt: a repeated word keeps its last frequency and counts in the total every time, and
    every prefix of a word is a key of frequency 0 unless it is a word itself."""
    freq: dict[str, int] = {}
    total = 0
    with dictionary.open(encoding="utf-8") as handle:
        for line in handle:
            word, count = line.strip().split(" ")[:2]
            freq[word] = int(count)
            total += int(count)
    for word in list(freq):
        for k in range(1, len(word)):
            freq.setdefault(word[:k], 0)
    return freq, total


def _load_prefix_dictionary(dictionary: Path) -> tuple[dict[str, int], int]:
    """The prefix dictionary from the cache folder (built there on first use); without a cache
    folder, built from dict.txt each time."""
    from .rules import cache_dir

    folder = cache_dir()
    stat = dictionary.stat()
    path = folder / f"jieba-{_CACHE_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}.pickle" if folder else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as handle:
                total, words, counts = pickle.load(handle)
            return dict(zip(words.split("\n"), array.array("q", counts))), total
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass  # a broken cache entry is rebuilt below
    freq, total = prefix_dictionary(dictionary)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_bytes(pickle.dumps(
                (total, "\n".join(freq), array.array("q", freq.values()).tobytes()), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)  # atomic: a parallel run never reads half a file
        except OSError:
            pass  # a cache that cannot be written only costs time
    return freq, total


@functools.lru_cache(maxsize=8)
def tokenizer(pack: RulePack) -> Segmenter:
    """The segmenter for a pack: jieba's dictionary plus the pack's organisation names, generic
    units and terms (县道, 乡道: policy words jieba's dictionary splits); built once per pack."""
    freq, total = _load_prefix_dictionary(jieba_dictionary())
    for word in dict.fromkeys(pack.lists["orgs"] + pack.lists["org_stems"] + pack.lists["generic_units"]
                              + pack.lists["terms"]):
        freq[word] = _FREQ
        total += _FREQ  # as add_word: added to the total each time, even for a known word
        for k in range(1, len(word)):
            freq.setdefault(word[:k], 0)
    return Segmenter(freq, math.log(total))


@functools.lru_cache(maxsize=4096)
def _cut(segmenter: Segmenter, text: str) -> tuple[tuple[str, int, int], ...]:
    return segmenter.tokenize(text)


def words(pack: RulePack, text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for ``text``, offsets relative to it."""
    return _cut(tokenizer(pack), text)


def cuts_word(pack: RulePack, text: str, offset: int) -> bool:
    """True when ``offset`` (relative to ``text``) falls strictly inside a word."""
    return any(start < offset < end for _, start, end in words(pack, text))
