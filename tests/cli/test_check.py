"""``policyscan check`` on the command line: the review of real plans through the command, the
--enable/--disable/--rules options, every output format and the exit codes.

The check stage itself (Python API, one check at a time) is tested in tests/test_check.py."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from helpers import (
    DEV, REPO, S001_HEAD, S001_ITEM1, S001_ITEM14, S001_LEADS_B, S002_BALANCED, S002_HEAD,
    S002_ITEM_BODY, S002_SECTION, S004_PAST, SAMPLE, assert_layout, dev, fixed_001, found, invoke,
    json_lines, load, of, records, reviewed, run,
)
from sample_docs import NAMES, sample_text

from policyscan.check import review
from policyscan.model import Document, RulePackError
from policyscan.render import xlsx
from policyscan.rules import load_pack


def review_file(path: Path, *args: str) -> tuple[int, dict]:
    """Exit code and JSON review of ``policyscan check PATH ARGS``."""
    result = invoke("check", str(path), "-f", "json", *args)
    [data] = json.loads(result.stdout)
    return result.exit_code, data


# 001 (一): lead and responsible units in a (牵头单位:…;责任单位:…) list.


# 002: an item without a year, its unit list in 〔…〕 (balanced), and lists missing their 〔.


def test_000_table_reports_the_document_finding_once() -> None:
    result = invoke("check", str(NAMES["000"]))
    assert result.exit_code == 0, result.output  # a warning only
    assert result.stdout.count("doc.no_units") == 1 and "item.no_unit" not in result.stdout


@pytest.mark.parametrize(("stem", "items"), [
    ("national_quanguo_digital_government_construction_2022", 29),  # 国务院 guidance: no units at all
    ("national_quanguo_smart_manufacturing_fyp_2021", 11),  # a 十四五 plan
])
def test_published_directive_without_units_gets_one_warning(stem: str, items: int) -> None:
    code, data = review_file(DEV / f"{stem}.txt")
    assert code == 0 and data["errors"] == 0
    assert len(data["items"]) == items
    [f] = found(data, "doc.no_units")
    assert f["severity"] == "warning" and f"none of the {items} task items" in f["message"]
    assert found(data, "item.no_unit") == []


def test_title_that_declares_a_division_of_tasks_makes_it_an_error() -> None:
    code, data = review_file(DEV / "city_wuhan_work_report_task_division_2023.txt")
    [f] = found(data, "doc.no_units")
    assert f["severity"] == "error" and "责任分解" in f["message"]
    assert code == 1


def test_item_without_units_where_the_document_assigns_them(tmp_path: Path) -> None:
    """001 names units for all 22 items: the one whose list is removed is an item error,
    and the message says which convention it was judged against."""
    text = sample_text("001")
    assert text.count(S001_LEADS_B) == 1
    doc = tmp_path / "plan.txt"
    doc.write_text(text.replace(S001_LEADS_B, ""), encoding="utf-8")
    code, data = review_file(doc)
    [f] = found(data, "item.no_unit")
    assert (f["section"], f["severity"]) == ("六/(十四)", "error") and code == 1
    assert "though 21 of the 22 task items in this document" in f["message"]
    assert found(data, "doc.no_units") == []
    code, data = review_file(doc, "--disable", "item.no_unit")
    assert code == 0 and found(data, "item.no_unit") == []


def test_part_that_assigns_no_units_is_not_flagged() -> None:
    """Shandong's 2023 plan names units for its tasks but not under 三、保障措施."""
    code, data = review_file(DEV / "provincial_shandong_manufacturing_innovation_three_year_2023.txt")
    assert dev("provincial_shandong_manufacturing_innovation_three_year_2023", "（一）完善工作机制")
    assert found(data, "item.no_unit") == [] and found(data, "doc.no_units") == []
    assert any(i["item"] == "完善工作机制" for i in data["items"])


def test_item_no_lead_on_joint_responsibility_among_leads() -> None:
    """Shandong's 2021 plan names leads (省大数据局牵头) for most tasks; (十六) lists units that
    share the work (按职责分工负责) and no lead."""
    dev("provincial_shandong_digital_shandong_2021", "（省工业和信息化厅、省通信管理局按职责分工负责）")
    code, data = review_file(DEV / "provincial_shandong_digital_shandong_2021.txt")
    flagged = {f["section"]: f for f in found(data, "item.no_lead")}
    assert "四/(十六)" in flagged and flagged["四/(十六)"]["severity"] == "error"
    assert "16 of the 21 task items with units" in flagged["四/(十六)"]["message"]
    assert found(data, "doc.no_leads") == []


@pytest.mark.parametrize(("path", "period", "source"), [
    (DEV / "provincial_anhui_industrial_internet_2021.txt", [2021, 2023], "title"),  # …行动计划(2021—2023年)
    (DEV / "national_quanguo_smart_manufacturing_fyp_2021.txt", [2021, 2025], "title"),  # “十四五”智能制造发展规划
    (NAMES["003"], [2023, 2025], "text"),  # 从2023年到2025年,利用三年时间
    (DEV / "provincial_shandong_digital_shandong_2019.txt", None, None),  # cites 《…规划(2018-2022年)》 only
])
def test_plan_period_read_from_real_documents(path: Path, period: list[int] | None, source: str | None) -> None:
    result = invoke("extract", str(path), "-f", "jsonl")
    document = json.loads(result.stdout.splitlines()[0])
    assert (document["period"], document["sources"].get("period")) == (period, source)
    code, data = review_file(path)
    assert data["period"] == period
    plan = {i["deadline"] for i in data["items"] if i["deadline_source"] == "plan"}
    assert plan == {f"{period[1] if period else document['year']}-12-31"}


def test_item_own_deadline_is_opt_in(docs: dict[str, Document]) -> None:
    assert load_pack().checks["item.own_deadline"].severity == "off"
    assert of(reviewed(docs, "001"), "item.own_deadline") == []
    code, data = review_file(NAMES["001"], "--enable", "item.own_deadline")
    flagged = found(data, "item.own_deadline")
    inheriting = [i for i in data["items"] if i["deadline_source"] != "own"]
    assert len(flagged) == len(inheriting) >= 20
    assert {f["severity"] for f in flagged} == {"warning"}
    assert all("2025-12-31" in f["message"] for f in flagged)
    code, data = review_file(NAMES["001"], "--enable", "item.own_deadline:error")
    assert code == 1 and {f["severity"] for f in found(data, "item.own_deadline")} == {"error"}


def test_leads_named_sentence_by_sentence_are_sub_tasks() -> None:
    """Shandong's plans name a lead after each sentence of an item: (省政府办公厅牵头) …
    (省大数据局牵头). Each names a sub-task's lead, not a conflict."""
    for stem in ("provincial_shandong_digital_shandong_2019", "provincial_shandong_digital_shandong_2021"):
        code, data = review_file(DEV / f"{stem}.txt")
        assert found(data, "item.conflicting_leads") == [], stem


def test_reference_date_is_what_deadline_past_compares_with(tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text(f"(二)加快脱贫致富内源能力建设\n{S004_PAST}\n", encoding="utf-8")  # the plan gives no date
    code, data = review_file(doc)
    assert found(data, "deadline.past") == []
    code, data = review_file(doc, "--reference-date", "2018-03-01")
    [f] = found(data, "deadline.past")
    assert f["text"] == "2017年年底前" and "2018-03-01" in f["message"]
    code, data = review_file(doc, "--reference-date", "2017-06-30")
    assert found(data, "deadline.past") == []
    assert "deadline.past" in invoke("check", "--help").stdout


def test_no_items_in_a_text_without_headings(tmp_path: Path) -> None:
    doc = tmp_path / "notice.txt"
    doc.write_text("关于做好消费帮扶工作的通知\n" + S001_ITEM14.split("。", 1)[1] + "\n", encoding="utf-8")
    code, data = review_file(doc)
    assert code == 1 and data["items"] == []
    [f] = found(data, "doc.no_items")
    assert f["severity"] == "error" and "no numbered headings" in f["message"]
    assert f["text"] == "关于做好消费帮扶工作的通知"


def test_no_items_when_every_section_states_goals() -> None:
    """Chengdu's page holds only the plan's 一、主要目标 (the rest of the text is missing)."""
    path = DEV / "city_chengdu_community_embedded_services_2024.txt"
    result = invoke("check", str(path))
    assert result.exit_code == 1 and "doc.no_items" in result.stdout and "0 task items" in result.stdout
    code, data = review_file(path)
    [f] = found(data, "doc.no_items")
    assert "主要目标" in f["message"] and "incomplete" in f["message"]


def test_every_real_plan_has_task_items() -> None:
    """Every document of the samples and the corpus is reviewed (none crashes the review) and
    has its task items found, except the two dev pages that hold only the beginning of a plan
    (goals, a look back)."""
    truncated = {"city_chengdu_community_embedded_services_2024.txt", "district_chongming_fyp_outline_2021.txt"}
    result = invoke("check", str(REPO / "samples"), str(DEV), str(REPO / "tests" / "corpus" / "holdout" / "docs"),
                    "-f", "json")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    data = json.loads(result.stdout)
    assert len(data) == 66
    empty = {Path(d["doc"]).name for d in data if not d["items"]}
    assert empty == truncated
    assert all(found(d, "doc.no_items") for d in data if not d["items"])


# 001's two unquantified targets, each given a number by a minimal edit.


def test_user_pack_changes_severity(tmp_path: Path) -> None:
    pack_file = tmp_path / "strict.yaml"
    pack_file.write_text("checks:\n  doc.no_deadline:\n    severity: error\n", encoding="utf-8")
    text = f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_BODY}{S002_BALANCED}\n"
    assert [f.severity for f in of(run(text), "doc.no_deadline")] == ["warning"]
    strict = of(run(text, (str(pack_file),)), "doc.no_deadline")
    assert [f.severity for f in strict] == ["error"]
    assert strict[0].message == of(run(text), "doc.no_deadline")[0].message  # message kept
    # on the command line: a document whose only finding is no_deadline exits 0, then 1
    doc = tmp_path / "plan.txt"
    doc.write_text(f"{S001_HEAD}\n{S001_ITEM1}\n", encoding="utf-8")
    assert invoke("check", str(doc)).exit_code == 0
    result = invoke("check", str(doc), "--rules", str(pack_file), "-f", "jsonl")
    assert result.exit_code == 1, result.output
    assert [(r["check"], r["severity"]) for r in json_lines(result.stdout) if r["kind"] == "finding"] == \
        [("doc.no_deadline", "error")]


def test_enable_no_units_as_error_on_000() -> None:
    """A filing office that requires units per task makes the document finding an error."""
    before = invoke("check", str(NAMES["000"]), "-f", "jsonl")
    assert before.exit_code == 0
    after = invoke("check", str(NAMES["000"]), "-f", "jsonl", "--enable", "doc.no_units:error")
    findings = [r for r in json_lines(after.stdout) if r["kind"] == "finding" and r["severity"] == "error"]
    assert [r["check"] for r in findings] == ["doc.no_units"] and after.exit_code == 1
    quiet = invoke("check", str(NAMES["000"]), "-f", "jsonl", "--disable", "doc.no_units")
    assert not any(r["kind"] == "finding" and r["check"] == "doc.no_units" for r in json_lines(quiet.stdout))


def test_enable_placeholder_year_as_warning() -> None:
    result = invoke("check", str(NAMES["004"]), "-f", "jsonl", "--enable", "text.placeholder_year:warning")
    placeholders = [r for r in json_lines(result.stdout)
                    if r["kind"] == "finding" and r["check"] == "text.placeholder_year"]
    assert len(placeholders) == 8
    assert {r["severity"] for r in placeholders} == {"warning"}
    assert result.exit_code == 1  # 004 still has other errors (lost numbers)


@pytest.mark.parametrize("option", ["--enable", "--disable"])
def test_unknown_check_id_is_a_usage_error(option: str) -> None:
    result = invoke("check", str(NAMES["001"]), option, "nosuch")
    assert result.exit_code == 2
    assert "nosuch" in result.stderr


@pytest.mark.parametrize(("entry", "words"), [
    ("item.no_unit:\n    severity: fatal\n", ["item.no_unit", "fatal"]),
    ("text.bad:\n    severity: error\n    pattern: '待定('\n", ["text.bad", "pattern"]),
], ids=["severity-fatal", "bad-regex"])
def test_bad_check_in_pack_is_a_config_error(tmp_path: Path, entry: str, words: list[str]) -> None:
    pack_file = tmp_path / "bad.yaml"
    pack_file.write_text(f"checks:\n  {entry}", encoding="utf-8")
    result = invoke("check", str(NAMES["001"]), "--rules", str(pack_file))
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr
    with pytest.raises(RulePackError, match=re.escape(words[0])):
        load_pack((str(pack_file),))


def test_user_check_with_only_a_pattern(tmp_path: Path) -> None:
    pack_file = tmp_path / "todo.yaml"
    pack_file.write_text("checks:\n  text.todo:\n    pattern: '待定'\n", encoding="utf-8")
    text = f"{S001_HEAD}\n{S001_ITEM1.replace('逐步为', '时间待定,逐步为')}\n"
    assert of(run(text), "text.todo") == []
    [f] = of(run(text, (str(pack_file),)), "text.todo")
    assert f.text == "待定" and f.severity in ("error", "warning") and f.section == "一/(一)"
    doc = tmp_path / "plan.txt"
    doc.write_text("成文日期:2025-04-27\n" + text, encoding="utf-8")
    result = invoke("check", str(doc), "--rules", str(pack_file), "-f", "jsonl")
    assert [r["check"] for r in json_lines(result.stdout) if r["kind"] == "finding"] == ["text.todo"]
    result = invoke("check", str(doc), "--rules", str(pack_file), "--enable", "text.todo:error")
    assert result.exit_code == 1


def test_format_table() -> None:
    result = invoke("check", str(NAMES["004"]))
    assert result.exit_code == 1  # error findings
    assert str(NAMES["004"]) in result.stdout
    assert "Findings" in result.stdout
    assert "text.placeholder_year" in result.stdout


def test_format_jsonl() -> None:
    result = invoke("check", str(NAMES["004"]), "-f", "jsonl")
    assert result.exit_code == 1
    records = json_lines(result.stdout)
    assert {r["kind"] for r in records} == {"item", "finding"}
    text = sample_text("004")
    for r in records:
        assert r["doc"] == str(NAMES["004"])
        if r["kind"] == "finding":
            assert text[r["start"]:r["end"]] == r["text"]
            assert r["severity"] in ("error", "warning")


def test_format_json() -> None:
    result = invoke("check", str(NAMES["001"]), str(NAMES["004"]), "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2
    for entry in data:
        assert {"doc", "items", "findings"} <= set(entry)
    assert [d["doc"] for d in data] == [str(NAMES["001"]), str(NAMES["004"])]
    assert len(data[0]["items"]) == 22


def test_format_csv() -> None:
    result = invoke("check", str(NAMES["001"]), "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeffdoc,kind,section,")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert {r["kind"] for r in rows} == {"item", "finding"}
    assert sum(r["kind"] == "item" for r in rows) == 22


def test_format_markdown() -> None:
    result = invoke("check", str(NAMES["001"]), "-f", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("## ")
    assert str(NAMES["001"]) in result.stdout.splitlines()[0]


def test_clean_document_exits_0(tmp_path: Path) -> None:
    doc = tmp_path / "clean.txt"
    doc.write_text(fixed_001(), encoding="utf-8")
    result = invoke("check", str(doc), "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert [r for r in json_lines(result.stdout) if r["kind"] == "finding"] == []


def test_unreadable_file_among_two(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = invoke("check", str(missing), str(NAMES["001"]), "-f", "jsonl")
    assert result.exit_code == 3
    assert "missing.txt" in result.stderr
    records = json_lines(result.stdout)
    assert records and {r["doc"] for r in records} == {str(NAMES["001"])}


SAMPLES = REPO / "samples"


def test_check_rejects_a_bad_reference_date_before_writing_anything() -> None:
    result = invoke("check", str(SAMPLE), "--format", "html", "--reference-date", "2025-13-01")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_cli_check_matches_jsonl(tmp_path: Path) -> None:
    paths = [str(NAMES[key]) for key in ("004", "001")]
    target = tmp_path / "check.xlsx"
    result = invoke("check", *paths, "-o", str(target), "--lang", "en")
    assert result.exit_code == 1, result.output  # 004 has error-level findings
    book = openpyxl.load_workbook(target)
    counts = Counter(r["kind"] for r in json_lines(invoke("check", *paths, "--format", "jsonl").stdout))
    assert book["Documents"].max_row - 1 == 2
    assert book["Task items"].max_row - 1 == counts["item"]
    assert book["Findings"].max_row - 1 == counts["finding"]
    assert_layout(book)


def test_cli_check_xlsx_to_stdout() -> None:
    result = invoke("check", str(SAMPLE), "--format", "xlsx", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert load(result.stdout_bytes).sheetnames == ["Documents", "Task items", "Findings"]
