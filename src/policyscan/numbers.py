"""Numbers as Chinese policy texts write them: 8700, 2.4, 三, 二十一, 一百二十, 五千, with 万/亿."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import regex

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000}
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100, "十": 10}
# A character that writes a number: an Arabic digit, or a Chinese numeral or magnitude.
DIGIT = regex.compile(r"\d")
NUMBER_CHAR = regex.compile(r"[\d零〇一二两三四五六七八九十百千万亿]")


def number_start(text: str) -> int:
    """Where the number in a quota's text begins, past a cue and any words after it
    (不得低于乡道每年每公里5000元): its first digit, else its first Chinese numeral (0 if none)."""
    found = DIGIT.search(text) or NUMBER_CHAR.search(text)
    return found.start() if found else 0


def parse_chinese(text: str) -> int | None:
    """三 → 3, 十四 → 14, 二十一 → 21, 一百二十 → 120; None when it is not a numeral."""
    if not text:
        return None
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            if digit is not None:  # two digits in a row (一二三) read as a list, not a number
                return None
            digit = _DIGITS[char]
        elif char in _POWERS:
            total += (1 if digit is None else digit) * _POWERS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numeral → number; None when ``text`` is neither."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        value = parse_chinese(text)
        return None if value is None else float(value)


def scale(value: float, factor: int) -> int | float:
    """value × factor without binary rounding (4.06 × 10¹² is 4060000000000, not …999.9995)."""
    return tidy(float(Decimal(repr(value)) * factor))


def tidy(value: float) -> int | float:
    """8700.0 → 8700 so JSON shows whole numbers as integers; 1.3 stays 1.3."""
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


def multiplier(text: str | None) -> int:
    """万 → 10⁴, 亿 → 10⁸, and compounds as the product of their characters: 万亿 → 10¹²,
    千亿 → 10¹¹, 百万 → 10⁶. An empty or unknown multiplier is 1."""
    factor = 1
    for char in text or "":
        factor *= MULTIPLIERS.get(char, 1)
    return factor


CMP_SYMBOLS: dict[str, str] = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "", "~": "≈"}


def amount(fields: Mapping[str, Any]) -> str:
    """A quota's comparator, number (or low–high range) and unit, e.g. "≥ 8700 元" or "3–5 次";
    "?" where the extractor could not fill a number."""
    def num(value: Any) -> str:
        return "?" if value is None else str(tidy(float(value)))

    cmp = fields.get("cmp")
    if cmp == "range":
        parts = [f"{num(fields.get('low'))}–{num(fields.get('high'))}"]
    else:
        parts = [CMP_SYMBOLS.get(cmp, cmp or ""), num(fields.get("value"))]
    parts.append(fields.get("unit") or "")
    return " ".join(p for p in parts if p)

