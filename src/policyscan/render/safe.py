"""Untrusted text made safe for where it goes. A document's words and a file's name come from
scrapers and strangers: on a terminal they must not move the cursor, recolour, retitle or
clear the screen, nor reorder what a reader sees; in a spreadsheet they must not run as a
formula. (HTML has its own escaping in the report; JSON and JSONL keep the exact text.)

Standard library only, so the command line can use it for its messages without loading
anything heavy."""
from __future__ import annotations

import re

# Bidirectional controls (embeddings, overrides, isolates, marks): they reorder the
# characters around them on screen, so a line can read other than it is (Trojan Source).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 controls (ESC starts ANSI and OSC sequences, CR and BS overwrite), DEL, C1 controls (CSI
# and OSC have one-character forms); a line break and a tab are left where text may span lines.
_UNPRINTABLE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNPRINTABLE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` for a terminal: every control and bidi character shown as what it is (\\x1b,
    <U+202E>) instead of acting. ``one_line`` (a file name, a message) shows line breaks and
    tabs too, so a name cannot forge a line of output of its own."""
    return (_UNPRINTABLE_IN_LINE if one_line else _UNPRINTABLE_IN_LINES).sub(_visible, text)


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# injection"); Excel in East Asian locales also takes the full-width signs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (=HYPERLINK(…), +区财政局, @SUM(…))."""
    return text.startswith(FORMULA_STARTS)
