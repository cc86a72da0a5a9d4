"""Numbers as Chinese policy texts write them: 8700, 1,234,567, -5, 2.4, 三, 二十一, 一百二十,
一千二百三十四万五千六百七十八, 三亿零五万, 零点五, with 万/亿.

A number is read exactly (Decimal, not binary floating point) and only while it can be a real
amount: more than ``MAX_SIGNIFICANT_DIGITS`` significant digits, or a value of
``MAX_AMOUNT`` or more, is no figure any policy states (a national budget is about 10¹⁴ 元)
but a scraper's accident or a hostile input; it raises ``NumberTooLarge`` and the caller keeps
the text without a value. Nothing is ever converted to infinity.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import regex

MAX_SIGNIFICANT_DIGITS = 15  # what a float holds exactly: more is precision no document has
MAX_AMOUNT = Decimal(10) ** 16  # above any amount in 元 a government could state
# The shadow's mark for a thousands separator (1,234,567 → 1_234_567): an ASCII comma between
# groups of three digits, so rules read the number whole and no clause breaks inside it.
# Full-width ， stays a clause comma: Chinese documents separate items with it, and none of
# the sources studied groups digits with it.
GROUP_MARK = "_"
_DIGIT_GROUPS = regex.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?!\d|,\d)")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000}
_MAGNITUDES = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100, "十": 10}
# A character that writes a number: an Arabic digit, or a Chinese numeral or magnitude.
DIGIT = regex.compile(r"\d")
NUMBER_CHAR = regex.compile(r"[\d零〇一二两三四五六七八九十百千万亿]")


class NumberTooLarge(ValueError):
    """A number beyond any real amount (see the module's docstring); ``text`` is what was written."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def describe(self) -> str:
        """The number shortened for a notice: 999…999 (400 digits)."""
        digits = sum(c.isdigit() for c in self.text)
        shown = self.text if len(self.text) <= 12 else f"{self.text[:3]}…{self.text[-3:]}"
        return f"{shown} ({digits} digits)" if digits > MAX_SIGNIFICANT_DIGITS else shown


def number_start(text: str) -> int:
    """Where the number in a quota's text begins, past a cue and any words after it
    (不得低于乡道每年每公里5000元): its first digit, else its first Chinese numeral (0 if none)."""
    found = DIGIT.search(text) or NUMBER_CHAR.search(text)
    return found.start() if found else 0


def mark_digit_groups(folded: str, original: str) -> str:
    """``folded`` (a shadow of ``original``, one character for one) with GROUP_MARK for each
    thousands separator: the commas of 1,234,567 where the original writes ASCII commas."""
    def mark(m: regex.Match[str]) -> str:
        commas = [i for i in range(m.start(), m.end()) if folded[i] == ","]
        if any(original[i] != "," for i in commas):
            return m.group()
        return m.group().replace(",", GROUP_MARK)
    return _DIGIT_GROUPS.sub(mark, folded)


def parse_chinese(text: str) -> int | float | None:
    """三 → 3, 二十一 → 21, 两千零二十五 → 2025, 一千二百三十四万五千六百七十八 → 12345678,
    三亿零五万 → 300050000, 零点五 → 0.5, 负五 → -5. A digit right after a power is the next
    lower place, as people say it and cn2an reads it: 一万五 → 15000, 两千六 → 2600, 一百二 → 120
    (一万零五 is 10005). None when it is not a numeral (一二三 is a list, not 123)."""
    value = _chinese(text)
    return None if value is None else _plain(value)


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numeral → number; None when ``text`` is neither or past any amount
    (a count of days or a session number read with it must never be infinite)."""
    try:
        value = _decimal(text.strip())
    except NumberTooLarge:
        return None
    return None if value is None else float(value)


def quantity(number: str, magnitude: str | None = None) -> int | float | None:
    """``number`` × ``magnitude`` (万, 亿, 千万 …), exactly: 1.3 万 → 13000. A Chinese numeral
    with magnitudes of its own takes the last one into it: 三亿零五 万 is 3亿 + 5万, not
    三亿零五 × 万. None when ``number`` is no numeral; NumberTooLarge past a real amount."""
    value = _decimal(number)
    if value is None:
        return None
    if magnitude and any(char in _MAGNITUDES for char in number):
        value = _chinese(number + magnitude)
        if value is None:
            return None
    else:
        value *= multiplier(magnitude)
    return _bounded(value, number)


def scale(value: float, factor: int) -> int | float:
    """value × factor without binary rounding (4.06 × 10¹² is 4060000000000, not …999.9995)."""
    return _bounded(Decimal(repr(value)) * factor, repr(value))


def tidy(value: float) -> int | float:
    """8700.0 → 8700 so JSON shows whole numbers as integers; 1.3 stays 1.3."""
    if not math.isfinite(value):
        raise NumberTooLarge(repr(value))
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


def multiplier(text: str | None) -> int:
    """万 → 10⁴, 亿 → 10⁸, and compounds as the product of their characters: 万亿 → 10¹²,
    千亿 → 10¹¹, 百万 → 10⁶. An empty or unknown multiplier is 1."""
    factor = 1
    for char in text or "":
        factor *= MULTIPLIERS.get(char, 1)
    return factor


_ARABIC = regex.compile(r"-?\d+(?:\.\d+)?")


def _decimal(text: str) -> Decimal | None:
    """An Arabic numeral (thousands marked with GROUP_MARK, a minus sign or 负 before it) or a
    Chinese one, exactly; None when ``text`` is neither. Too many significant digits raise
    NumberTooLarge before any arithmetic is done with them."""
    arabic = text.replace(GROUP_MARK, "")
    if arabic.startswith("负"):
        arabic = "-" + arabic[1:]
    if _ARABIC.fullmatch(arabic):
        significant = arabic.lstrip("-").replace(".", "").strip("0")
        if len(significant) > MAX_SIGNIFICANT_DIGITS:
            raise NumberTooLarge(text)
        return Decimal(arabic)
    return _chinese(text)


def _chinese(text: str) -> Decimal | None:
    """A Chinese numeral with its sign and decimal places (see parse_chinese)."""
    negative = text.startswith("负")
    whole, point, fraction = text.removeprefix("负").partition("点")
    if point and (not fraction or any(char not in _DIGITS for char in fraction)):
        return None
    integer = _chinese_integer(whole)
    if integer is None:
        return None
    value = Decimal(integer)
    if point:
        value += Decimal("0." + "".join(str(_DIGITS[char]) for char in fraction))
    return -value if negative else value


def _chinese_integer(text: str) -> int | None:
    """The whole part of a Chinese numeral: sections of 千百十 grouped by 万 and 亿."""
    if not text:
        return None
    total = pending = section = 0  # above 亿 done; 万 groups since; the current section
    digit: int | None = None
    place = 0  # the power or magnitude right before ``digit`` (0 after a 零 or at the start)
    previous = ""
    for char in text:
        if char in _DIGITS:
            if digit is not None:
                return None  # two digits in a row (一二三, 五零) read as a list, not a number
            place = _POWERS.get(previous) or _MAGNITUDES.get(previous) or 0
            digit = _DIGITS[char] or None  # 零 only keeps places apart: 一百零五
        elif char in _POWERS:
            section += (1 if digit is None else digit) * _POWERS[char]
            digit = None
        elif char in _MAGNITUDES:
            if char == "亿":
                total, pending = ((total + pending + section + (digit or 0)) or 1) * _MAGNITUDES[char], 0
            else:
                pending += ((section + (digit or 0)) or 1) * _MAGNITUDES[char]
            section, digit = 0, None
        else:
            return None
        previous = char
    if digit is not None and place >= 100:
        digit *= place // 10  # 一万五: the spoken shorthand for 一万五千
    return total + pending + section + (digit or 0)


def _bounded(value: Decimal, text: str) -> int | float:
    """``value`` as JSON shows it, or NumberTooLarge when it is past any real amount."""
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise NumberTooLarge(text)
    return _plain(value)


def _plain(value: Decimal) -> int | float:
    """8700 stays an int, 0.5 a float: whole numbers show as integers in JSON."""
    return int(value) if value == value.to_integral_value() else float(value)


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
