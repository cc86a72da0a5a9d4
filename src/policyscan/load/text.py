"""Plain text: bytes decoded to the text every offset points into.

Government sites serve UTF-8, GBK/GB18030 and Big5 (often without saying which), so
decoding is guessed from the bytes. The decoded text is what an editor shows and what
Python's text mode reads -- BOM removed, CRLF and lone CR read as one line break (for every
format: ``read_document`` applies ``unify_newlines``) -- because every later offset points
into it, and a user checks offsets against it.

Scraped files are often damaged: a character cut in two, a stray byte. A file whose bytes
mostly decode is read with the bad bytes replaced by U+FFFD and a notice saying where; only
bytes that are mostly not text are rejected.
"""
from __future__ import annotations

import codecs
import unicodedata
from functools import cache
from typing import NamedTuple

from charset_normalizer import from_bytes

from ..model import InputError

_SNIFF_SIZE = 8192  # how much of the start (bytes, then characters) is checked for binary content
_MAX_CONTROL_SHARE = 0.05  # above this share of control characters a file is binary
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# GB18030 and Big5 accept many of the same byte strings, so results are scored;
# cp950 is Microsoft's Big5 with extra characters (e.g. 碁, 銹, €) that plain Big5 lacks.
# On a tied score the earlier one wins: mainland documents are the common case.
_CHINESE_LEGACY = ("gb18030", "big5", "cp950")

# Punctuation used in Chinese text: CJK symbols (、。〔〕《》), full-width forms (，：（）),
# general punctuation (“”—…).
_COMMON_PUNCT = ((0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2010, 0x2027))
# What a wrong legacy decoding typically produces: private use, compatibility
# ideographs, rare CJK extensions, and the kana, Greek and Cyrillic that GB18030
# makes of Big5 bytes.
_UNLIKELY = (
    (0xE000, 0xF8FF),
    (0xF900, 0xFAFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x10FFFF),
    (0x3040, 0x30FF),
    (0x0370, 0x04FF),
)
# The frequent-character blocks of both legacy standards: GB2312 level 1 (3,755
# simplified characters) and Big5's frequent block (5,401 traditional characters).
_FREQUENT_BLOCKS = (("gb2312", 0xB0A1, 0xD7F9), ("big5", 0xA440, 0xC67E))


_MIN_CHINESE_SCORE = 0.4  # real documents score above 0.8 (tests/corpus); garbage below 0
# A damaged text file is read with replacement when at most this share of its characters
# (or this many, in a short file) are bad; more than that and it is not text in that encoding.
_MAX_BAD_SHARE = 0.01
_MAX_BAD_ANYWAY = 3
_LINES_NAMED = 10  # a notice names the first lines with bad bytes, not hundreds
# UTF-16 without a BOM: the ASCII characters (digits, newlines) put a NUL in every other byte.
_MIN_UTF16_NULS = 0.01  # share of the code units in the sample
_MIN_USUAL_SHARE = 0.95  # of ASCII text, Chinese characters and punctuation, in a text read as UTF-16


class Decoded(NamedTuple):
    """What a reader makes of a file's bytes: the text, the encoding it was decoded from
    ("" when the format has none), and what a reader of the results should know about how."""

    text: str
    encoding: str
    notices: tuple[str, ...] = ()


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


@cache
def _is_frequent_hanzi(char: str) -> bool:
    """Judged by the character alone, whichever codec produced it, so scores compare fairly.

    Block membership is not enough: GB bytes read as Big5 (and the reverse) mostly land
    on valid CJK ideographs -- just obscure ones.
    """
    for encoding, low, high in _FREQUENT_BLOCKS:
        try:
            encoded = char.encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2 and low <= int.from_bytes(encoded, "big") <= high:
            return True
    return False


def _chinese_score(text: str) -> float:
    """How plausible ``text`` is as Chinese: share of frequent characters minus unlikely ones."""
    frequent = unlikely = non_ascii = 0
    for char in text:
        code = ord(char)
        if code < 0x80:
            continue
        non_ascii += 1
        if _is_frequent_hanzi(char) or _in_ranges(code, _COMMON_PUNCT):
            frequent += 1
        elif _in_ranges(code, _UNLIKELY):
            unlikely += 1
    return (frequent - unlikely) / max(non_ascii, 1)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _bom_encoding(data: bytes) -> tuple[str, str] | None:
    """A BOM is the only reliable encoding label a .txt file carries, so it is trusted first:
    (the codec to decode the bytes after it with, the encoding name to report)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, "utf-8-sig" if encoding == "utf-8" else encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM (Windows tools do): its ASCII characters (digits, line
    breaks) leave NULs in every other byte, and read in the right byte order the start is
    text (in the wrong one, or for binary data, it is not)."""
    sample = data[:_SNIFF_SIZE - _SNIFF_SIZE % 2]
    if len(data) % 2 or sample.count(0) < _MIN_UTF16_NULS * len(sample) / 2:
        return None
    return next((codec for codec in ("utf-16-le", "utf-16-be")
                 if _is_plain_text(sample.decode(codec, "replace"))), None)


def _is_plain_text(text: str) -> bool:
    """Text as policy documents are written: almost only ASCII text, Chinese characters and
    Chinese punctuation, and plausible as Chinese (binary data read as UTF-16 is neither)."""
    usual = sum(c.isprintable() or c in _TEXT_CONTROLS if c.isascii()
                else c.isprintable() and unicodedata.category(c) != "Co" and (
                    "\u4e00" <= c <= "\u9fff" or _in_ranges(ord(c), _COMMON_PUNCT))
                for c in text)
    return usual >= _MIN_USUAL_SHARE * len(text) and not looks_like_garbage(text)


def _decode_without_bom(data: bytes) -> tuple[str, str] | None:
    """Strict decodings first; charset_normalizer only when none of them fits."""
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates: list[tuple[str, str]] = []
    for encoding in _CHINESE_LEGACY:
        text = _strict(data, encoding)
        if text is not None:
            candidates.append((text, encoding))
    if candidates:
        return max(candidates, key=lambda candidate: _chinese_score(candidate[0]))
    return None


def _with_replacement(data: bytes, encodings: tuple[str, ...]) -> Decoded | None:
    """The bytes decoded in the encoding that leaves the fewest bad bytes (replaced by
    U+FFFD), when they are few enough for a damaged text file; with a notice saying where."""
    def bad(text: str) -> int:
        return text.count("\ufffd")

    text, encoding = min(((data.decode(e, "replace"), e) for e in encodings), key=lambda c: bad(c[0]))
    count = bad(text)
    if count > max(_MAX_BAD_ANYWAY, _MAX_BAD_SHARE * len(text)):
        return None
    if count == 0:
        return Decoded(text, encoding)
    lines = [str(n) for n, line in enumerate(unify_newlines(text).split("\n"), 1) if "\ufffd" in line]
    where = ", ".join(lines[:_LINES_NAMED]) + (f" and {len(lines) - _LINES_NAMED} more" if len(lines) > _LINES_NAMED else "")
    noun = "sequence" if count == 1 else "sequences"
    return Decoded(text, encoding, (f"{count} byte {noun} not valid {encoding} replaced by U+FFFD "
                                    f"(line{'s' if len(lines) > 1 else ''} {where})",))


def _guessed(data: bytes) -> Decoded | None:
    """The last resort for bytes no Chinese encoding fits: charset_normalizer's guess."""
    guess = from_bytes(data).best()
    if guess is None:
        return None
    return Decoded(str(guess), codecs.lookup(guess.encoding).name)


def _has_binary_content(text: str) -> bool:
    """NULs or many control characters mean the bytes were never meant as text."""
    sample = text[:_SNIFF_SIZE]
    if "\x00" in sample:
        return True
    controls = sum(
        1
        for char in sample
        if char not in _TEXT_CONTROLS and unicodedata.category(char) == "Cc"
    )
    return controls > _MAX_CONTROL_SHARE * len(sample)


def looks_like_garbage(text: str) -> bool:
    """Text a converter made of bytes it could not read: replacement characters, controls,
    or non-ASCII characters that are mostly not the ones Chinese documents use."""
    non_ascii = sum(ord(c) >= 0x80 for c in text[:_SNIFF_SIZE])
    return _has_binary_content(text) or (non_ascii > 50 and _chinese_score(text[:_SNIFF_SIZE]) < _MIN_CHINESE_SCORE)


def unify_newlines(text: str) -> str:
    """CRLF and lone CR as one line break, as Python's text mode reads them (universal newlines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, name: str) -> Decoded:
    """The text of a plain-text file; InputError naming ``name`` and the problem when its
    bytes are not text (binary, empty, or not decodable even with a few replacements)."""
    bom = _bom_encoding(data)
    utf16 = None if bom else _utf16_without_bom(data)
    if bom or utf16:
        codec, encoding = bom or (utf16, utf16)
        body = data[len(codecs.BOM_UTF8 if codec == "utf-8" else codecs.BOM_UTF16_LE):] if bom else data
        decoded = _with_replacement(body, (codec,))
        decoded = decoded and decoded._replace(encoding=encoding)
    elif b"\x00" in data[:_SNIFF_SIZE]:  # checked on the raw bytes: binary data often decodes "successfully"
        raise InputError(f"{name}: binary file, not text")
    else:
        strict = _decode_without_bom(data)
        decoded = Decoded(*strict) if strict else _with_replacement(data, ("utf-8", *_CHINESE_LEGACY)) or _guessed(data)
    if decoded is None:
        raise InputError(f"{name}: cannot decode as UTF-8, GB18030 or Big5")
    if not decoded.text.strip():
        raise InputError(f"{name}: empty file")
    if _has_binary_content(decoded.text):
        raise InputError(f"{name}: binary file, not text")
    return decoded
