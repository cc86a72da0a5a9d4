"""The text floor's definitions agree with the core pack's, so patterns and breaks read a
clause the same way."""
from __future__ import annotations

from policyscan.rules import load_pack
from policyscan.text.spans import CLAUSE_END, CLAUSE_PUNCTUATION, clause_ends


def test_clause_end_is_the_core_packs_clause_end() -> None:
    assert load_pack().blocks["clause_end"] == f"[{CLAUSE_PUNCTUATION}]"
    assert CLAUSE_END.pattern.startswith(f"[{CLAUSE_PUNCTUATION}]|")


def test_a_comma_in_a_short_quotation_ends_no_clause() -> None:
    text = "坚持“两不愁,三保障”,全面推进"
    assert list(clause_ends(text)) == [text.index("”") + 1]
