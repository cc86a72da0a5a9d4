"""The text floor's definitions agree with the core pack's, so patterns and breaks read a
clause the same way."""
from __future__ import annotations

from pathlib import Path

from policyscan.pipeline import analyse_text
from policyscan.rules import load_pack
from policyscan.text.spans import clause_ends, sentence_ends


def test_a_comma_in_a_short_quotation_ends_no_clause() -> None:
    text = "坚持“两不愁,三保障”,全面推进"
    assert list(clause_ends(text, load_pack().clause_end)) == [text.index("”") + 1]


def test_breaks_are_where_the_pack_says(tmp_path: Path) -> None:
    """One definition, from the pack: a user pack that ends clauses at 、 too moves the breaks
    structure records and the clauses extract reads; a lost line break ends both."""
    text = "一、目标\n建设道路、桥梁,完成投资。再建  学校。\n"
    pack = load_pack()
    assert list(sentence_ends(text, pack.sentence_end)) == [4, 17, 20, 24, 25]
    user = tmp_path / "breaks.yaml"
    user.write_text("blocks:\n  clause_end: '[,;。:!\\n、]'\n", encoding="utf-8")
    wider = load_pack((str(user),))
    assert text.index("、", 5) in clause_ends(text, wider.clause_end)
    assert text.index("、", 5) not in clause_ends(text, pack.clause_end)
    doc = analyse_text(text, pack=wider)
    assert doc.breaks is not None and doc.breaks.clause(text.index("桥")) == (text.index("桥"), text.index(","))
