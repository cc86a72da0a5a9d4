"""NORMALISE stage: a shadow of the text that rules match on, one character for one.

Rules are written once, in Simplified script with ASCII digits and punctuation. Real
documents arrive in Traditional script, with full-width digits and '?' where a scraper
lost a space. Rather than rewrite the text (and lose offsets), every character is mapped
to exactly one shadow character, so an offset in the shadow is the same offset in the
original.
"""
from __future__ import annotations

import functools
import importlib.resources
import unicodedata

# Characters that stand for lost or decorative spacing in scraped pages.
_SPACE_LIKE = "?\u00a0\u2002\u2003\u2009\u200b\u3000\t\ufeff"
# Full-width and CJK punctuation that rules match in their ASCII form. 、 and 。 stay: they
# carry meaning (list separator, sentence end) that no ASCII character has.
_PUNCTUATION = {
    "，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": " ",
    "－": "-", "—": "-", "–": "-", "─": "-", "～": "~", "〜": "~",
    "﹪": "%", "％": "%", "．": ".",
}


@functools.lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, str]:
    """OpenCC's character table, kept to its one-character-to-one-character entries."""
    table: dict[int, str] = {}
    source = importlib.resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        first = simp.split(" ")[0] if simp else ""
        if len(trad) == 1 and len(first) == 1 and trad != first:
            table[ord(trad)] = first
    return table


@functools.lru_cache(maxsize=1)
def shadow_table() -> dict[int, str]:
    """The full translation table: Traditional → Simplified, full-width → ASCII, spacing → ' '."""
    table = dict(_traditional_to_simplified())
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = unicodedata.normalize("NFKC", chr(code))
    for char, ascii_form in _PUNCTUATION.items():
        table[ord(char)] = ascii_form
    for char in _SPACE_LIKE:
        table[ord(char)] = " "
    assert all(len(v) == 1 for v in table.values()), "shadow mapping must stay 1:1"
    return table


def shadow(text: str) -> str:
    """The normalised shadow of ``text``; ``len(shadow(text)) == len(text)`` always."""
    return text.translate(shadow_table())


def simplified(text: str) -> str:
    """Simplified form of a reported value such as a unit (畝 → 亩, 萬 → 万)."""
    return text.translate(_traditional_to_simplified())
