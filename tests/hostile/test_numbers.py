"""Hostile and unusual numbers: past any real amount, thousands separators, signs, long
Chinese numerals. Each is read through the public API (analyse_text) or the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyscan.cli import app
from policyscan.model import Document, Fact
from policyscan.text.numbers import parse_chinese
from policyscan.pipeline import analyse_text

NINES = "9" * 400


def quotas(doc: Document) -> list[Fact]:
    return [f for f in doc.facts if f.kind == "quota"]


def only_quota(text: str, **options: str) -> Fact:
    found = quotas(analyse_text(text, **options))
    assert len(found) == 1, [f.text for f in found]
    return found[0]


# ---------------------------------------------------------------- past any real amount

@pytest.mark.parametrize("text, quota_text, notice", [
    (f"投资不低于{NINES}元。", f"不低于{NINES}元", "999…999 (400 digits)"),
    ("投资不低于100000000000000000元。", "不低于100000000000000000元", "100…000 (18 digits)"),
    ("投资不低于0.12345678901234567元。", "不低于0.12345678901234567元", "0.1…567 (18 digits)"),
    ("投资达到20000万亿元。", "达到20000万亿元", "20000 is"),  # 2 × 10¹⁶ with its magnitude
])
def test_a_number_past_any_amount_is_kept_as_text_with_a_notice(text: str, quota_text: str, notice: str) -> None:
    doc = analyse_text(text)
    fact = only_quota(text)
    assert fact.text == quota_text
    assert (fact.fields["value"], fact.fields["low"], fact.fields["high"]) == (None, None, None)
    assert fact.fields["unit"] == "元" and fact.fields["cmp"] == ">="
    assert len(doc.notices) == 1 and notice in doc.notices[0] and "too large" in doc.notices[0]


def test_a_range_past_any_amount_has_no_bounds() -> None:
    doc = analyse_text(f"补助1-{NINES}元。")
    fact = only_quota(f"补助1-{NINES}元。")
    assert fact.fields["cmp"] == "range" and fact.fields["low"] is None and fact.fields["high"] is None
    assert doc.notices


def test_the_largest_real_amounts_still_read() -> None:
    assert only_quota("赤字规模4.06万亿元。").fields["value"] == 4_060_000_000_000
    assert only_quota("投资999999999999999元。").fields["value"] == 999_999_999_999_999


def test_an_exponent_is_never_infinite() -> None:
    doc = analyse_text("投资不低于1e400元。")
    assert all(f.fields.get("value") in (None, 400) for f in doc.facts)


def test_the_notice_survives_noise_removal() -> None:
    """Text with markup is analysed compacted, then mapped back: its notices come along."""
    text = f"一、总则\n<p>投资不低于{NINES}元。</p>\n"
    doc = analyse_text(text)
    fact = only_quota(text)
    assert text[fact.start:fact.end] == fact.text == f"不低于{NINES}元"
    assert len(doc.notices) == 1 and "400 digits" in doc.notices[0]


@pytest.mark.parametrize("count", [NINES, "99999999999", "3000000"])
def test_a_relative_deadline_past_the_calendar_has_no_date(count: str) -> None:
    doc = analyse_text(f"一、总则\n自印发之日起{count}日内执行。", reference_date="2024-01-01")
    deadlines = [f for f in doc.facts if f.kind == "deadline"]
    assert len(deadlines) == 1 and deadlines[0].fields["date"] is None


def test_a_relative_deadline_still_counts() -> None:
    doc = analyse_text("一、总则\n自印发之日起三十日内执行。", reference_date="2024-01-01")
    assert [f.fields["date"] for f in doc.facts if f.kind == "deadline"] == ["2024-01-31"]


@pytest.mark.parametrize("jobs", ["1", "2"])  # in this process, and in workers whose documents come back
def test_a_batch_with_a_huge_number_writes_every_document(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "a_huge.txt").write_text(f"一、目标\n投资不低于{NINES}元。\n", encoding="utf-8")
    (tmp_path / "b_normal.txt").write_text("一、目标\n新增就业12,000人。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "jsonl", "--jobs", jobs])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    documents = {Path(r["doc"]).name: r for r in records if r["kind"] == "document"}
    assert set(documents) == {"a_huge.txt", "b_normal.txt"}
    assert "400 digits" in documents["a_huge.txt"]["notices"][0]
    assert documents["b_normal.txt"]["notices"] == []
    values = {Path(r["doc"]).name: r["value"] for r in records if r["kind"] == "quota"}
    assert values == {"a_huge.txt": None, "b_normal.txt": 12000}


# ---------------------------------------------------------------- thousands separators

@pytest.mark.parametrize("text, quota_text, value", [
    ("到2025年，建成不少于1,234,567元投资。", "不少于1,234,567元", 1234567),
    ("新增就业12,000人。", "12,000人", 12000),
    ("安排资金1,234.5万元。", "1,234.5万元", 12345000),
])
def test_thousands_separators_read_whole(text: str, quota_text: str, value: int) -> None:
    fact = only_quota(text)
    assert (fact.text, fact.fields["value"]) == (quota_text, value)


def test_a_thousands_separator_is_no_clause_break() -> None:
    doc = analyse_text("到2025年，建成不少于1,234,567元投资。")
    targets = [f.text for f in doc.facts if f.kind == "target"]
    assert targets == ["到2025年，建成不少于1,234,567元投资"]


@pytest.mark.parametrize("text, value", [
    ("分别为100，200个。", 200),  # a full-width comma separates items
    ("补助1,2345元。", 2345),  # not groups of three: no thousands separator
    ("补助1,234,56元。", 56),
])
def test_other_commas_between_digits_stay_commas(text: str, value: int) -> None:
    assert [f.fields["value"] for f in quotas(analyse_text(text))] == [value]


# ---------------------------------------------------------------- signs

@pytest.mark.parametrize("text, quota_text", [
    ("营业收入增长-5%。", "-5%"),
    ("营业收入增长－5%。", "－5%"),
    ("营业收入增长−5%。", "−5%"),
    ("营业收入增长负5%。", "负5%"),
])
def test_a_minus_sign_before_digits_is_negative(text: str, quota_text: str) -> None:
    fact = only_quota(text)
    assert (fact.text, fact.fields["value"], fact.fields["unit"]) == (quota_text, -5, "%")


def test_a_dash_between_numbers_stays_a_range() -> None:
    fact = only_quota("乡镇组织大型活动一年3-5次。")
    assert (fact.fields["low"], fact.fields["high"], fact.fields["cmp"]) == (3, 5, "range")


@pytest.mark.parametrize("text", ["实施方案(2021-2025年)", "2020年-2023年完成改造", "电话0432-68866988"])
def test_years_and_numbers_joined_by_a_dash_are_not_negative(text: str) -> None:
    assert all((f.fields.get("value") or 0) >= 0 for f in quotas(analyse_text(text)))


def test_plus_or_minus_is_no_negative() -> None:
    assert only_quota("误差控制在正负5%以内。").fields["value"] == 5


# ---------------------------------------------------------------- long Chinese numerals

@pytest.mark.parametrize("text, quota_text, value", [
    ("服务一千二百三十四万五千六百七十八人次。", "一千二百三十四万五千六百七十八人次", 12345678),
    ("投资三亿零五万元。", "三亿零五万元", 300050000),
    ("新增十万人。", "十万人", 100000),
    ("建成两千零二十五个。", "两千零二十五个", 2025),
    ("补贴一万五元。", "一万五元", 15000),  # spoken shorthand for 一万五千
    ("补贴一万零五元。", "一万零五元", 10005),
    ("增长零点五个百分点。", "零点五个百分点", 0.5),
    ("参保率达到百分之九十以上。", "达到百分之九十以上", 90),
    ("参保率达到百分之九十九点五。", "达到百分之九十九点五", 99.5),
])
def test_long_chinese_numerals_read_whole(text: str, quota_text: str, value: float) -> None:
    fact = only_quota(text)
    assert (fact.text, fact.fields["value"]) == (quota_text, value)


@pytest.mark.parametrize("numeral, value", [
    ("一千零一万零一", 10010001), ("一千亿零一", 100000000001), ("一亿五", 150000000),
    ("两千六", 2600), ("一百二", 120), ("十三万五", 135000), ("负十一", -11), ("零", 0),
    ("一二三", None), ("五零", None), ("三点", None),
])
def test_parse_chinese(numeral: str, value: int | None) -> None:
    assert parse_chinese(numeral) == value
