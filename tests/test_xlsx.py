"""``--format xlsx``: one workbook per command, sheets that hold exactly the rows the JSONL
output holds, Excel's own cell types, a usable layout (frozen bold header, filter, widths fit
for Chinese), and document text that can never become a formula."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter

import pytest
from helpers import KIND_SHEETS, assert_layout, header, load, records
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from policyscan.check import review
from policyscan.compare import compare
from policyscan.model import FACT_KINDS, Document, Fact, Metadata
from policyscan.render import render_comparisons, render_facts, render_reviews, xlsx
from policyscan.render.comparison import comparison_rows
from policyscan.render.labels import Labels
from policyscan.rules import load_pack

EN, ZH = Labels("en"), Labels("zh")


# ---------------------------------------------------------------- helpers


def column(ws: Worksheet, name: str) -> list[object]:
    return [r[name] for r in records(ws)]


def facts_workbook(docs: list[Document], labels: Labels = EN, **kwargs: object) -> Workbook:
    out = io.BytesIO()
    render_facts(docs, "xlsx", out, labels=labels, **kwargs)
    return load(out.getvalue())


# ---------------------------------------------------------------- extract

def test_facts_one_sheet_per_kind_with_every_fact(docs: dict[str, Document]) -> None:
    doc = docs["001"]
    book = facts_workbook([doc])
    assert book.sheetnames == ["Documents", "Quotas", "Deadlines", "Responsible units", "Targets"]
    assert_layout(book)
    counts = Counter(f.kind for f in doc.facts)
    for kind in counts:
        assert book[xlsx.KIND_SHEETS[kind]].max_row - 1 == counts[kind], kind
    assert header(book["Quotas"]) == ["doc", "section", "start", "end", "text", "rule", "value", "low", "high",
                                     "unit of measure", "cmp", "indicator", "what"]
    assert header(book["Deadlines"])[-4:] == ["relation", "date", "begin", "what"]
    assert header(book["Responsible units"])[-3:] == ["name", "role", "what"]
    assert header(book["Targets"])[-3:] == ["deadline", "quota", "what"]
    quotas = records(book["Quotas"])
    expected = [f for f in doc.facts if f.kind == "quota"]
    assert [q["text"] for q in quotas] == [f.text for f in expected]
    assert [q["start"] for q in quotas] == [f.start for f in expected]
    assert all(isinstance(q["start"], int) and isinstance(q["end"], int) for q in quotas)
    assert any(q["value"] == 8700 and q["cmp"] == ">=" and q["unit of measure"] == "元" for q in quotas)
    assert all(q["value"] is None or isinstance(q["value"], (int, float)) for q in quotas)
    dates = [d for d in column(book["Deadlines"], "date") if d is not None]
    assert dates and all(isinstance(d, dt.datetime) for d in dates)
    assert all(c.number_format == "yyyy-mm-dd" for c in book["Deadlines"]["H"][1:] if c.value is not None)


def test_documents_sheet_has_metadata_and_counts(docs: dict[str, Document]) -> None:
    book = facts_workbook([docs["000"], docs["001"]])
    rows = records(book["Documents"])
    assert [r["doc"] for r in rows] == [docs["000"].path, docs["001"].path]
    assert header(book["Documents"]) == ["doc", "title", "doc_number", "issuer", "issued", "year", "format", "notices",
                                         "quota", "deadline", "unit", "target"]
    first = rows[1]
    assert first["doc_number"] == "潼巩固专办发〔2025〕1号"
    assert first["issued"] == dt.datetime(2025, 4, 27) and first["year"] == 2025 and first["format"] == "text"
    for row, doc in zip(rows, (docs["000"], docs["001"])):
        counts = Counter(f.kind for f in doc.facts)
        assert {k: row[k] for k in FACT_KINDS} == {k: counts[k] for k in FACT_KINDS}


def test_facts_in_chinese_and_only_the_kinds_asked_for(docs: dict[str, Document]) -> None:
    book = facts_workbook([docs["001"]], ZH, kinds=("quota", "unit"))
    assert book.sheetnames == ["文件列表", "数量指标", "责任单位"]
    assert header(book["数量指标"])[:6] == ["文件", "章节", "起", "止", "原文", "规则"]
    assert "计量单位" in header(book["数量指标"]) and header(book["文件列表"])[-2:] == ["数量指标", "责任单位"]
    roles = set(column(book["责任单位"], "角色"))
    assert roles <= {"牵头", "责任"} and roles


def test_facts_beyond_the_sampled_rows_are_all_written(docs: dict[str, Document],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Widths come from the first rows; the rows after them stream and are not lost."""
    monkeypatch.setattr(xlsx, "SAMPLE_ROWS", 3)
    doc = docs["001"]
    book = facts_workbook([doc, doc])
    units = [f.text for f in doc.facts if f.kind == "unit"]
    assert column(book["Responsible units"], "text") == units * 2
    assert_layout(book)


def test_widths_count_chinese_characters_twice_and_long_text_wraps(docs: dict[str, Document]) -> None:
    assert xlsx.display_width("区农业农村委") == 12 and xlsx.display_width("ab，c") == 5
    assert xlsx.display_width("短\n长一些的行") == 10
    book = facts_workbook([docs["001"]])
    ws = book["Documents"]
    widths = {h: ws.column_dimensions[get_column_letter(i)].width for i, h in enumerate(header(ws), 1)}
    assert widths["doc_number"] == xlsx.display_width("潼巩固专办发〔2025〕1号") + 2
    assert widths["issuer"] == xlsx.MAX_WIDTH  # the issuer's name is longer than any column
    assert ws["D2"].alignment.wrap_text and not ws["C2"].alignment.wrap_text


def test_sheet_titles_are_valid_excel_names() -> None:
    assert xlsx.sheet_title("a[b]:c*d?e/f\\g") == "a_b__c_d_e_f_g"
    assert len(xlsx.sheet_title("x" * 40)) == 31
    assert xlsx.sheet_title("'quoted'") == "quoted"


def test_document_text_never_becomes_a_formula() -> None:
    """Text starting like a formula is stored as that exact text, marked quotePrefix."""
    text = '=HYPERLINK("http://x","y") 由@SUM(A1)牵头，+1，-2，#N/A'
    facts = [Fact("quota", '=HYPERLINK("http://x","y")', 0, 26, "", "q", {"value": 1, "indicator": "=1+1"}),
             Fact("unit", "@SUM(A1)", 28, 36, "", "u", {"name": "@SUM(A1)", "role": "lead"}),
             Fact("unit", "#N/A", text.index("#"), len(text), "", "u", {"name": "#N/A", "role": "lead"})]
    doc = Document(path="-2+3.txt", text=text, meta=Metadata(title="=cmd|' /C calc'!A0"), facts=facts)
    out = io.BytesIO()
    render_facts([doc], "xlsx", out, labels=EN)
    book = load(out.getvalue())
    quota = book["Quotas"]
    cell = quota.cell(2, header(quota).index("text") + 1)
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s" and cell.quotePrefix
    assert quota.cell(2, header(quota).index("indicator") + 1).value == "=1+1"
    unit = book["Responsible units"]
    cells = [unit.cell(r, header(unit).index("text") + 1) for r in (2, 3)]
    assert [c.value for c in cells] == ["@SUM(A1)", "#N/A"]
    assert cells[0].quotePrefix and not cells[1].quotePrefix and all(c.data_type == "s" for c in cells)
    documents = records(book["Documents"])[0]
    assert documents["doc"] == "-2+3.txt" and documents["title"] == "=cmd|' /C calc'!A0"
    assert_layout(book)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)


# ---------------------------------------------------------------- compare

@pytest.fixture(scope="module")
def comparisons(docs: dict[str, Document]) -> list:
    pack = load_pack()
    return [compare(pack, docs["001"], docs["001"]), compare(pack, docs["001"], docs["002"])]


def comparisons_workbook(comparisons: list, labels: Labels = EN) -> Workbook:
    out = io.BytesIO()
    render_comparisons(comparisons, "xlsx", out, labels=labels)
    return load(out.getvalue())


def test_comparison_summary_and_a_sheet_per_kind(comparisons: list) -> None:
    book = comparisons_workbook(comparisons)
    assert book.sheetnames == ["Summary", *KIND_SHEETS]
    assert_layout(book)
    summary = records(book["Summary"])
    assert [r["other"] for r in summary] == [c.other.path for c in comparisons]
    for row, c in zip(summary, comparisons):
        s = c.summary()
        assert (row["similarity"], row["dropped"], row["BASE task items"], row["task items matched"],
                row["coverage"], row["differences"]) == (s["similarity"], s["dropped"], s["base_items"],
                                                          s["items_matched"], s["coverage"], s["differences"])
    coverage_at = header(book["Summary"]).index("coverage") + 1
    assert book["Summary"].cell(2, coverage_at).number_format == "0%"
    rows = [r for c in comparisons for r in comparison_rows(c)]
    for kind, sheet in zip(("item", "target", "quota", "deadline", "lead"), KIND_SHEETS):
        expected = [r for r in rows if r["kind"] == kind]
        got = records(book[sheet])
        assert len(got) == len(expected), kind
        assert [g["verdict"] for g in got] == [e["verdict"] for e in expected], kind
        assert all(g["similarity"] is None or isinstance(g["similarity"], (int, float)) for g in got)


def test_verdict_cells_are_coloured(comparisons: list) -> None:
    book = comparisons_workbook(comparisons)
    ws = book["Quotas"]
    at = header(ws).index("verdict") + 1
    fills = {ws.cell(r, at).value: ws.cell(r, at).fill.fgColor.rgb[-6:] for r in range(2, ws.max_row + 1)}
    assert fills["same"] == "C6EFCE"
    assert {v for v in fills if v in ("missing", "looser")} and all(
        fills[v] == "FFC7CE" for v in fills if v in ("missing", "looser"))


def test_comparison_in_chinese(comparisons: list) -> None:
    book = comparisons_workbook(comparisons, ZH)
    assert book.sheetnames == ["概况", "任务事项", "目标任务", "数量指标", "时间节点", "牵头单位(按任务事项)"]
    assert header(book["概况"])[:4] == ["上级文件", "下级文件", "是否相关", "相似度"]
    verdicts = set(column(book["数量指标"], "结论"))
    assert verdicts and verdicts <= {ZH(v) for v in ("same", "stricter", "looser", "different-unit",
                                                     "missing", "added")}


def test_no_comparisons_still_makes_a_workbook() -> None:
    book = comparisons_workbook([])
    assert book.sheetnames == ["Summary", *KIND_SHEETS]
    assert all(ws.max_row == 1 for ws in book)
    assert_layout(book)


# ---------------------------------------------------------------- check

def reviews_workbook(reviews: list, labels: Labels = EN) -> Workbook:
    out = io.BytesIO()
    render_reviews(reviews, "xlsx", out, labels=labels)
    return load(out.getvalue())


def test_review_documents_items_and_findings(docs: dict[str, Document]) -> None:
    reviews = [review(load_pack(), docs[key]) for key in ("004", "001")]
    book = reviews_workbook(reviews)
    assert book.sheetnames == ["Documents", "Task items", "Findings"]
    assert_layout(book)
    assert records(book["Documents"]) == [
        {"doc": r.doc.path, "year": r.doc.year, "task items": len(r.items), "errors": r.errors,
         "warnings": r.warnings} for r in reviews]
    items = records(book["Task items"])
    assert header(book["Task items"]) == ["doc", "section", "item", "lead units", "responsible units", "deadline",
                                          "deadline_source", "status"]
    statuses = [s for r in reviews for s in r.items]
    assert len(items) == len(statuses)
    for row, s in zip(items, statuses):
        assert row["lead units"] == ("、".join(s.leads) or None)
        assert row["deadline"] == (dt.datetime.fromisoformat(s.deadline) if s.deadline else None)
        assert row["status"] == s.status
    findings = book["Findings"]
    all_findings = [f for r in reviews for f in r.findings]
    assert [r["check"] for r in records(findings)] == [f.check for f in all_findings]
    at = header(findings).index("severity") + 1
    colours = {findings.cell(r, at).value: findings.cell(r, at).fill.fgColor.rgb[-6:]
               for r in range(2, findings.max_row + 1)}
    assert colours == {"error": "FFC7CE", "warning": "FFEB9C"}


def test_review_in_chinese_uses_the_packs_chinese_messages(docs: dict[str, Document]) -> None:
    result = review(load_pack(), docs["000"])
    book = reviews_workbook([result], ZH)
    assert book.sheetnames == ["文件列表", "任务事项", "问题"]
    assert header(book["文件列表"]) == ["文件", "年份", "任务事项数", "错误数", "警告数"]
    rows = records(book["问题"])
    assert [r["说明"] for r in rows] == [f.message_zh or f.message for f in result.findings]
    assert {r["级别"] for r in rows} <= {"错误", "警告"}
    assert set(column(book["任务事项"], "时限来源")) <= {"本条", "章节", "全文年份", None}


