"""--lang zh|en: what people read is in their language; what programs read is not.

The default comes from the locale (LC_ALL, LC_MESSAGES, LANG): zh when it starts with zh.
"""
from __future__ import annotations

import html
from pathlib import Path

import pytest
from helpers import ENV, REPO, invoke
from sample_docs import NAMES, SAMPLES
from typer.testing import CliRunner

from policyscan.cli import app
from policyscan.compare import compare
from policyscan.render.labels import ZH, Labels, default_language

SAMPLE = str(REPO / "samples" / "001_98f145120425fdfb.txt")
PLAN = str(REPO / "samples" / "004_2815eee02937bf53.txt")
NATIONAL = str(REPO / "samples" / "pairs" / "national_farm_mechanisation_guofa2018_42.txt")
CITY = str(REPO / "samples" / "pairs" / "shanghai_farm_mechanisation_2022.txt")


def test_extract_table_in_chinese() -> None:
    result = invoke("extract", SAMPLE, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    for label in ("类别", "原文", "规范化结果", "位置", "数量指标", "时间节点", "责任单位", "目标任务"):
        assert label in result.stdout, label
    assert "牵头" in result.stdout and "2025年(依据:" in result.stdout
    assert "fact text" not in result.stdout


def test_compare_table_and_markdown_in_chinese() -> None:
    table = invoke("compare", NATIONAL, CITY, "--lang", "zh")
    assert table.exit_code == 0, table.stderr
    for label in ("上级文件", "下级文件", "相似度", "已承接", "需要研判", "未承接", "新增", "上级未承接事项"):
        assert label in table.stdout, label
    assert "carried down" not in table.stdout and "Needs a decision" not in table.stdout
    markdown = invoke("compare", NATIONAL, CITY, "--lang", "zh", "--format", "markdown")
    assert markdown.stdout.startswith(f"# 与 {NATIONAL} 对照")
    assert any(verdict in markdown.stdout for verdict in ("一致", "更严", "更宽", "未承接", "新增"))


def test_check_table_and_markdown_in_chinese() -> None:
    table = invoke("check", PLAN, "--lang", "zh")
    assert table.exit_code == 1  # the plan has error-level findings
    for label in ("任务事项", "牵头单位", "状态", "项任务", "个错误", "问题", "文中留有占位年份"):
        assert label in table.stdout, label
    assert "placeholder year" not in table.stdout
    markdown = invoke("check", PLAN, "--lang", "zh", "--format", "markdown")
    assert "| 级别 | 检查项 | 章节 | 原文 | 说明 |" in markdown.stdout
    assert "| 错误 |" in markdown.stdout


def test_english_is_the_default_outside_a_chinese_locale() -> None:
    result = invoke("check", PLAN)
    assert "task items" in result.stdout and "placeholder year left in the text" in result.stdout


def test_chinese_locale_makes_chinese_the_default() -> None:
    result = invoke("extract", SAMPLE, env={**ENV, "LANG": "zh_CN.UTF-8"})
    assert "规范化结果" in result.stdout
    assert invoke("extract", SAMPLE, "--lang", "en", env={**ENV, "LANG": "zh_CN.UTF-8"}).stdout.count("what")


@pytest.mark.parametrize("command", [("extract", SAMPLE), ("check", PLAN), ("compare", NATIONAL, CITY)])
def test_machine_formats_do_not_change_with_the_language(command: tuple[str, ...]) -> None:
    for fmt in ("jsonl", "csv"):
        english = invoke(*command, "--format", fmt, "--lang", "en").stdout
        chinese = invoke(*command, "--format", fmt, "--lang", "zh").stdout
        assert english == chinese


def test_unknown_language_is_a_usage_error() -> None:
    result = invoke("extract", SAMPLE, "--lang", "fr")
    assert result.exit_code == 2
    assert "--lang: unknown language 'fr' (choose from zh, en)" in result.stderr


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "zh_TW.Big5"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"), ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ({}, "en")])
def test_default_language_follows_posix_precedence(environ: dict[str, str], expected: str) -> None:
    assert default_language(environ) == expected


def test_labels_fall_back_to_english_and_fill_placeholders() -> None:
    zh = Labels("zh")
    assert zh("Targets") == "目标任务"
    assert zh("a message nobody translated") == "a message nobody translated"
    assert zh("{items} task items, {errors} errors, {warnings} warnings", items=3, errors=1, warnings=0) \
        == "3 项任务,1 个错误,0 个警告"
    assert zh.message("english", "") == "english" and zh.message("english", "中文") == "中文"


def test_every_check_in_the_bundled_pack_has_a_chinese_message() -> None:
    from policyscan.rules import load_pack

    pack = load_pack()
    assert all(check.message_zh for check in pack.checks.values())
    assert all(chinese for check in pack.checks.values() for _, chinese in check.variants.values())


def test_catalogue_placeholders_match() -> None:
    """A translation keeps every {placeholder} of its English id, or formatting would fail."""
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert all(fields(english) == fields(chinese) for english, chinese in ZH.items())


def test_fail_on_message_in_chinese() -> None:
    result = invoke("compare", NATIONAL, CITY, "--fail-on", "missing", "--lang", "zh")
    assert result.exit_code == 1
    assert "处对照结论为 未承接" in result.stderr


PAIRS = sorted((SAMPLES / "pairs").glob("*.txt"))


def test_lang_zh_gives_chinese_headings(tmp_path: Path) -> None:
    runner = CliRunner()
    sample = str(NAMES["001"])
    expect = {("extract", sample): ["要素提取结果", "数量指标", "发文字号"],
              ("compare", *map(str, PAIRS)): ["上级文件", "下级文件", "差异", "任务事项对应"],
              ("check", sample): ["方案审查", "问题", "牵头单位"]}
    for args, words in expect.items():
        out = tmp_path / f"{args[0]}.html"
        runner.invoke(app, [*args, "--lang", "zh", "-o", str(out)])
        page = out.read_text(encoding="utf-8")
        assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
        assert all(word in page for word in words), args[0]
    english = tmp_path / "en.html"
    assert runner.invoke(app, ["extract", sample, "--lang", "en", "-o", str(english)]).exit_code == 0
    assert "Extracted facts" in english.read_text(encoding="utf-8")
