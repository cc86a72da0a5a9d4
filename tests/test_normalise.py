"""NORMALISE: the same-length shadow (full-width and traditional forms, noise), simplified units,
and lines broken inside a sentence joined."""
from __future__ import annotations

import pytest
from sample_docs import NAMES, sample_text

from policyscan.load import read_document
from policyscan.pipeline import analyse_text
from policyscan.text.normalise import broken_line_breaks, shadow, simplified


@pytest.mark.parametrize(("original", "expected"), [
    ("畝", "亩"),
    ("萬", "万"),
    ("５０００", "5000"),
    ("９０％", "90%"),
    ("，", ","),
    ("；", ";"),
    ("：", ":"),
    ("（一）", "(一)"),
    ("?", " "),
    ("？", " "),
    ("\u3000", " "),
    ("\u00a0", " "),
])
def test_shadow_maps(original: str, expected: str) -> None:
    assert shadow(original) == expected



def test_shadow_keeps_meaningful_cjk_punctuation() -> None:
    assert shadow("一、二。") == "一、二。"



def test_shadow_keeps_length_on_real_documents() -> None:
    for path in NAMES.values():
        text = read_document(str(path)).text
        out = shadow(text)
        assert len(out) == len(text), path.name
        # line breaks stay where they are, so line-based offsets agree too
        assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]



def test_shadow_of_a_mixed_sentence() -> None:
    text = "大蘿卜５０００畝，投入?1700?萬元，占比９０％？"
    out = shadow(text)
    assert len(out) == len(text)
    assert out == "大萝卜5000亩,投入 1700 万元,占比90% "



def test_simplified_unit() -> None:
    assert simplified("畝") == "亩"
    assert simplified("萬元") == "万元"



def test_traditional_sentence_from_sample_000_yields_quota() -> None:
    sentence = "沿線崇恩、小卷洞、盤石、東升、大石板?5?個村發展大蘿卜?5000畝、辣椒?500畝;"
    assert sentence in sample_text("000")
    doc = analyse_text(sentence)
    quotas = [f for f in doc.facts if f.kind == "quota"]
    by_value = {f.fields["value"]: f for f in quotas}
    assert 5000 in by_value
    fact = by_value[5000]
    assert fact.fields["unit"] == "亩"
    assert fact.fields["cmp"] == "="
    assert fact.text == "5000畝" == doc.text[fact.start:fact.end]
    assert by_value[500].fields["unit"] == "亩"



def test_a_year_in_chinese_numerals_reads_as_digits_in_the_shadow() -> None:
    """二〇三五年 → 2035年, one character for one; 三千五百年 is no year."""
    from policyscan.text.normalise import shadow

    text = "到二〇三五年，一九九八年，三千五百年"
    assert shadow(text) == "到2035年,1998年,三千五百年"
    assert len(shadow(text)) == len(text)



PUNCTUATED = "一、稳定市场预期。\n" + "加强住房政策宣传解读，及时回应社会关切，稳定市场预期。\n" * 4



@pytest.mark.parametrize(("text", "joined"), [
    # Susong housing measures 2022: a page break inside a sentence, blank lines and all
    (PUNCTUATED + "鼓励金融机构简化审批材料,优化审批流程,在资料齐全的情况\n\n\n\n下力争2个工作日内完成审批,备案后当天放款。\n",
     ["情况下力争"]),
    # Baoding work report 2026: a line that ends with a comma continues, whatever the rest
    ("依托深圳园、中关村创新中心，与雄安共建科技成果转化平台，发布创新成果清单、转化项目清单，\n构建“雄安研发、保定转化”协同创新模式。\n", ["清单，构建"]),
])
def test_a_sentence_broken_over_lines_is_joined(pack, text: str, joined: list[str]) -> None:
    spans = broken_line_breaks(text, pack)
    kept = "".join(text[a:b] for a, b in zip([0] + [e for _, e in spans], [s for s, _ in spans] + [len(text)]))
    assert all(j in kept for j in joined), kept



@pytest.mark.parametrize("text", [
    # a title line (no clause mark) before the text
    PUNCTUATED + "安徽省人民政府办公厅关于印发支持工业互联网发展若干政策的通知\n各市人民政府，省政府各部门要认真贯彻执行。\n",
    # a table: the next line is a cell, not the sentence's rest
    PUNCTUATED + "完善辖区内防汛应急处置联动机制，确保信息及时传送和联动处置\n2026年12月\n",
    # a heading follows
    PUNCTUATED + "加强住房政策宣传解读，及时回应社会关切\n二、优化审批流程\n",
    # a text that lost its punctuation: a line without a closing mark says nothing
    "加强住房政策宣传解读，及时回应社会关切\n" * 5,
])
def test_lines_that_end_their_own_text_stay(pack, text: str) -> None:
    assert broken_line_breaks(text, pack) == []

