"""Word segmentation: jieba's dictionary and algorithm, without jieba's load time or memory.

Segmenting a whole document is slow and mostly useless; callers segment one clause at a
time, only when a cheaper check could not decide, and results are cached per clause.

``import jieba`` loads its HMM tables (0.11 s) and its Tokenizer unmarshals a 500,000-entry
prefix dictionary (0.7 s, 70 MB in every worker process) before it cuts a word: more than all
the rest of a one-document run. policyscan cuts only without the HMM, which needs nothing but
the dictionary's words and frequencies. So jieba's dict.txt is turned once into a marisa trie
(1.3 MB, memory-mapped: it loads in milliseconds and worker processes share it) and an array
of log frequencies, in the cache folder. Clauses are cut by jieba's own steps for
``Tokenizer.tokenize(text, HMM=False)`` (blocks, DAG, best route), the trie giving each
position's words in one call, with a pack's words added as ``Tokenizer.add_word`` adds them.
The tokens are jieba's: tests compare them clause by clause with jieba itself.
"""
from __future__ import annotations

import array
import functools
import importlib.util
import math
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import marisa_trie

_FREQ = 200_000  # high enough that lexicon words beat jieba's own splits
# jieba's block and character classes (jieba/__init__.py: re_han_default, re_skip_default, re_eng).
_HAN_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)
_CACHE_FORMAT = 3


def jieba_dictionary() -> Path:
    """jieba's main dictionary file, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


@dataclass(frozen=True)
class Lexicon:
    """Words and their frequencies: a trie, and the log frequency of each trie key by its id."""

    trie: marisa_trie.Trie
    log_freq: array.array  # log(frequency) by key id (jieba takes the log each time; same value)
    longest: int  # characters


@dataclass(eq=False)  # hashed by identity: a cache key for _cut
class Segmenter:
    """jieba's dictionary with the pack's words added, cutting like ``cut(HMM=False)``."""

    base: Lexicon  # jieba's words (frequency > 0)
    added: Lexicon  # the pack's words: these frequencies replace jieba's
    log_total: float
    span: int  # the longest word, in characters

    def __post_init__(self) -> None:
        self.added_starts = frozenset(word[0] for word in self.added.trie.iterkeys())

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
                words.extend(_cut_block(self, block))
            else:
                for piece in _SKIP.split(block):
                    words.extend([piece] if _SKIP.match(piece) else piece)
        return words

    def cut_block(self, block: str) -> list[str]:
        """jieba's DAG and best route over one block: for each start, the words starting there;
        from the end, the split that maximises the sum of log frequencies (ties: longer word)."""
        n, span, log_total = len(block), self.span, self.log_total
        base, added, starts = self.base, self.added, self.added_starts
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for i in range(n - 1, -1, -1):
            piece = block[i:i + span]
            found = [(len(w), base.log_freq[k]) for w, k in base.trie.iter_prefixes_with_ids(piece)]
            if block[i] in starts:
                extra = {len(w): added.log_freq[k] for w, k in added.trie.iter_prefixes_with_ids(piece)}
                found = [(size, extra.pop(size, log_freq)) for size, log_freq in found] + list(extra.items())
            route[i] = max(((lf - log_total + route[i + size][0], i + size - 1) for size, lf in found),
                           default=(-log_total + route[i + 1][0], i))  # no word: the character alone, frequency 1
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


def read_dictionary(dictionary: Path) -> tuple[dict[str, int], int]:
    """The words of jieba's dict.txt with frequency > 0, and the total frequency, as jieba's
    gen_pfdict counts them: a repeated word keeps its last frequency and counts in the total
    every time."""
    freq: dict[str, int] = {}
    total = 0
    with dictionary.open(encoding="utf-8") as handle:
        for line in handle:
            word, count = line.strip().split(" ")[:2]
            freq[word] = int(count)
            total += int(count)
    return {w: f for w, f in freq.items() if f > 0}, total


def _lexicon(freq: dict[str, int]) -> Lexicon:
    import marisa_trie

    trie = marisa_trie.Trie(list(freq))
    by_id = array.array("d", bytes(8 * len(trie)))
    for word, f in freq.items():
        by_id[trie.key_id(word)] = math.log(f)
    return Lexicon(trie, by_id, max(map(len, freq), default=0))


def _load_base(dictionary: Path) -> tuple[Lexicon, int]:
    """jieba's lexicon and total from the cache folder, built there on first use; without a
    cache folder, built in memory (every process of the run builds its own)."""
    import marisa_trie

    from ..rules import cache_dir

    folder = cache_dir()
    if folder is None:
        words, total = read_dictionary(dictionary)
        return _lexicon(words), total
    stat = dictionary.stat()
    stem = folder / f"jieba-{_CACHE_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}"
    trie_file, freq_file = stem.with_suffix(".marisa"), stem.with_suffix(".freq")
    try:
        trie = marisa_trie.Trie()
        trie.mmap(str(trie_file))
        raw = freq_file.read_bytes()
        log_freq = array.array("d")
        log_freq.frombytes(raw[16:])
        if len(log_freq) == len(trie):
            return Lexicon(trie, log_freq, int.from_bytes(raw[8:16], "little")), int.from_bytes(raw[:8], "little")
    except (OSError, ValueError, RuntimeError):
        pass  # absent or damaged: rebuilt below
    words, total = read_dictionary(dictionary)
    lexicon = _lexicon(words)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        suffix = f".{os.getpid()}.{threading.get_ident()}.tmp"
        lexicon.trie.save(str(trie_file) + suffix)
        Path(str(freq_file) + suffix).write_bytes(total.to_bytes(8, "little") + lexicon.longest.to_bytes(8, "little")
                                                  + lexicon.log_freq.tobytes())
        os.replace(str(freq_file) + suffix, freq_file)  # atomic: a parallel run never reads half a file
        os.replace(str(trie_file) + suffix, trie_file)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return lexicon, total


@functools.lru_cache(maxsize=8)
def tokenizer(words: frozenset[str]) -> Segmenter:
    """The segmenter for jieba's dictionary plus ``words`` (a pack's ``segment_words``: its
    organisation names and terms); built once per word list."""
    base, total = _load_base(jieba_dictionary())
    added = dict.fromkeys(words, _FREQ)
    total += _FREQ * len(added)  # as add_word: added to the total each time, even for a known word
    pack_words = _lexicon(added)
    return Segmenter(base, pack_words, math.log(total), max(base.longest, pack_words.longest))


@functools.lru_cache(maxsize=65536)
def _cut_block(segmenter: Segmenter, block: str) -> tuple[str, ...]:
    """The words of one block of Han characters. compare segments a section and then each of
    its items (and a whole document), so the same blocks come again; each is cut once."""
    return tuple(segmenter.cut_block(block))


@functools.lru_cache(maxsize=4096)
def _cut(segmenter: Segmenter, text: str) -> tuple[tuple[str, int, int], ...]:
    return segmenter.tokenize(text)


def words(segmenter: Segmenter, text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for ``text``, offsets relative to it."""
    return _cut(segmenter, text)


def cuts_word(segmenter: Segmenter, text: str, offset: int) -> bool:
    """True when ``offset`` (relative to ``text``) falls strictly inside a word."""
    return any(start < offset < end for _, start, end in words(segmenter, text))
