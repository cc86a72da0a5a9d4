"""Tests for the RENDER stage: every format carries the same facts, and the table fits 80 columns."""
from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from rich.cells import cell_len

from policyscan.model import Document, Fact, Metadata
from policyscan.render import FORMATS, render_facts

PATH = "samples/低收入农户帮扶方案.txt"

CSV_HEADER = [
    "doc", "kind", "section", "start", "end", "text", "rule",
    "value", "low", "high", "unit", "cmp", "indicator",
    "relation", "date", "begin", "name", "role", "deadline", "quota",
    "title", "doc_number", "issuer", "issued", "year",
]


def _fact(text: str, source: str, kind: str, section: str, rule: str, **fields: object) -> Fact:
    """A fact whose offsets really point at ``text`` inside ``source``."""
    start = source.index(text)
    return Fact(kind=kind, text=text, start=start, end=start + len(text), section=section,
                rule=rule, fields=dict(fields))


@pytest.fixture
def doc() -> Document:
    """One document with one fact of each kind (two quotas: a bound and a range)."""
    source = (
        "关于促进低收入农户持续增收的实施方案\n"
        "一、工作目标\n"
        "到2025年底，低收入群体年人均纯收入达到8700元以上。\n"
        "二、主要任务\n"
        "（一）加强技能培训。每户每年开展技能培训3至5次，"
        "2025年12月31日前完成，区农业农村委牵头，低收入群体年人均纯收入不低于8700元。\n"
    )
    facts = [
        _fact("到2025年底，低收入群体年人均纯收入达到8700元以上", source, "target", "一",
              "target.year_end_quota", deadline="2025-12-31",
              quota={"value": 8700, "unit": "元", "cmp": ">="}),
        _fact("每年开展技能培训3至5次", source, "quota", "二/(一)", "quota.range",
              value=None, low=3, high=5, unit="次", cmp="range", indicator=None),
        _fact("2025年12月31日前", source, "deadline", "二/(一)", "deadline.by_date",
              relation="by", date="2025-12-31", begin=None),
        _fact("区农业农村委牵头", source, "unit", "二/(一)", "unit.lead",
              name="区农业农村委", role="lead"),
        _fact("低收入群体年人均纯收入不低于8700元", source, "quota", "二/(一)", "quota.not_below",
              value=8700, low=None, high=None, unit="元", cmp=">=", indicator="低收入群体年人均纯收入"),
    ]
    facts.sort(key=lambda f: f.start)
    return Document(path=PATH, text=source, meta=Metadata(year=2023, sources={"year": "option"}), facts=facts)


def _render(docs: list[Document], fmt: str, **kwargs: object) -> str:
    out = io.StringIO()
    render_facts(docs, fmt, out, **kwargs)
    return out.getvalue()


def _expected_records(doc: Document) -> list[dict[str, object]]:
    return [fact.to_record(doc.path) for fact in doc.facts]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_offered_writes_the_facts(doc: Document, fmt: str) -> None:
    """Each name in FORMATS (what --format offers) is one render_facts writes, with every fact in it."""
    if fmt == "xlsx":
        binary = io.BytesIO()
        render_facts([doc], fmt, binary)
        sheets = openpyxl.load_workbook(io.BytesIO(binary.getvalue())).worksheets
        written = "\n".join(str(cell) for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row)
    else:
        written = _render([doc], fmt, console_width=400)
    for fact in doc.facts:
        assert fact.text in written, (fmt, fact.text)


def test_a_format_not_offered_is_refused(doc: Document) -> None:
    with pytest.raises(ValueError, match="unknown output format 'yaml'"):
        _render([doc], "yaml")


def test_jsonl_one_record_per_fact_in_order(doc: Document) -> None:
    text = _render([doc], "jsonl")
    assert "低收入群体" in text  # ensure_ascii=False keeps Chinese readable
    lines = text.splitlines()
    assert len(lines) == len(doc.facts) + 1
    assert json.loads(lines[0]) == {"doc": PATH, "kind": "document", "title": None, "doc_number": None,
                                    "issuer": None, "issued": None, "year": 2023, "period": None,
                                    "sources": {"year": "option"}, "notices": []}
    records = [json.loads(line) for line in lines[1:]]
    assert records == _expected_records(doc)
    quota = next(r for r in records if r["kind"] == "quota" and r["cmp"] == ">=")
    quota_text = "低收入群体年人均纯收入不低于8700元"
    assert quota == {
        "doc": PATH, "kind": "quota", "text": quota_text,
        "start": doc.text.index(quota_text),
        "end": doc.text.index(quota_text) + len(quota_text),
        "section": "二/(一)", "rule": "quota.not_below",
        "value": 8700, "low": None, "high": None, "unit": "元", "cmp": ">=",
        "indicator": "低收入群体年人均纯收入",
    }
    for record in records:
        assert doc.text[record["start"]:record["end"]] == record["text"]


def test_jsonl_keeps_document_order() -> None:
    first = Document(path="b.txt", text="甲", facts=[Fact("unit", "甲", 0, 1, "", "r", {})])
    second = Document(path="a.txt", text="乙", facts=[Fact("unit", "乙", 0, 1, "", "r", {})])
    docs = [json.loads(line)["doc"] for line in _render([first, second], "jsonl").splitlines()]
    assert docs == ["b.txt", "b.txt", "a.txt", "a.txt"]


def test_json_is_array_of_same_records(doc: Document) -> None:
    text = _render([doc], "json")
    assert "区农业农村委" in text
    (document,) = json.loads(text)
    assert document["facts"] == _expected_records(doc)
    lines = [json.loads(line) for line in _render([doc], "jsonl").splitlines()]
    assert {k: v for k, v in document.items() if k != "facts"} == lines[0]
    assert document["facts"] == lines[1:]


def test_csv_bom_header_and_round_trip(doc: Document) -> None:
    text = _render([doc], "csv")
    assert text.startswith("\ufeff")
    assert "\r" not in text
    body = text[1:]
    assert next(csv.reader(io.StringIO(body))) == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(doc.facts)
    for row, fact in zip(rows, doc.facts):
        assert row["doc"] == PATH
        assert row["kind"] == fact.kind
        assert row["text"] == fact.text
        assert (int(row["start"]), int(row["end"])) == (fact.start, fact.end)
        assert row["section"] == fact.section
        assert row["rule"] == fact.rule
    by_rule = {row["rule"]: row for row in rows}
    range_quota = by_rule["quota.range"]
    assert (range_quota["value"], range_quota["low"], range_quota["high"]) == ("", "3", "5")
    assert range_quota["indicator"] == ""  # None is an empty cell
    assert by_rule["unit.lead"]["name"] == "区农业农村委"
    assert by_rule["unit.lead"]["value"] == ""  # other kinds' columns stay empty
    target = by_rule["target.year_end_quota"]
    assert target["deadline"] == "2025-12-31"
    assert target["quota"] == '{"value":8700,"unit":"元","cmp":">="}'
    assert json.loads(target["quota"]) == {"value": 8700, "unit": "元", "cmp": ">="}


def test_csv_neutralises_formula_cells() -> None:
    """Text a spreadsheet would run (=HYPERLINK, +, -, @) stays text; numbers stay numbers."""
    source = "=HYPERLINK(\"http://x\",\"y\")\n@SUM(A1)\n-1+2\n"
    facts = [_fact("=HYPERLINK(\"http://x\",\"y\")", source, "quota", "", "r", value=-5, unit="元", cmp="="),
             _fact("@SUM(A1)", source, "unit", "", "r", name="+区财政局", role="lead"),
             _fact("-1+2", source, "quota", "", "r", value=1, unit="次", cmp="=")]
    text = _render([Document(path="=evil.txt", text=source, facts=facts)], "csv")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [row["text"] for row in rows] == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'-1+2"]
    assert rows[1]["name"] == "'+区财政局" and rows[0]["doc"] == "'=evil.txt"
    assert rows[0]["value"] == "-5"  # a number is not neutralised


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_kinds_filter_machine_formats(doc: Document, fmt: str) -> None:
    text = _render([doc], fmt, kinds={"quota", "unit"})
    if fmt == "jsonl":
        kinds = [json.loads(line)["kind"] for line in text.splitlines()][1:]  # after the document's
    elif fmt == "json":
        kinds = [record["kind"] for record in json.loads(text)[0]["facts"]]
    else:
        kinds = [row["kind"] for row in csv.DictReader(io.StringIO(text[1:]))]
    assert kinds == [f.kind for f in doc.facts if f.kind in {"quota", "unit"}]
    assert sorted(kinds) == ["quota", "quota", "unit"]


def test_kinds_filter_table(doc: Document) -> None:
    text = _render([doc], "table", kinds=["deadline"], console_width=200)
    assert "2025年12月31日前" in text
    assert "区农业农村委牵头" not in text
    assert "每年开展技能培训3至5次" not in text
    assert "deadline 1" in text
    assert "quota 2" not in text


def test_table_what_column(doc: Document) -> None:
    """At a generous width nothing wraps, so every normalised value appears verbatim."""
    text = _render([doc], "table", console_width=200)
    assert "≥ 8700 元 · 低收入群体年人均纯收入" in text
    assert "3–5 次" in text
    assert "by 2025-12-31" in text
    assert "lead 区农业农村委" in text
    assert "≥ 8700 元 · by 2025-12-31" in text
    assert "(2023 from option)" in text
    assert "quota 2, deadline 1, unit 1, target 1" in text
    # one table per section, titled by section path, in document order
    titles = [line.strip() for line in text.splitlines() if line.strip() in ("一", "二/(一)")]
    assert titles == ["一", "二/(一)"]
    fact = doc.facts[0]
    assert f"{fact.start}-{fact.end}" in text


def test_table_deadline_variants() -> None:
    source = "2021年至2025年期间适时"
    facts = [
        Fact("deadline", "2021年至2025年", 0, 11, "", "deadline.during",
             {"relation": "during", "date": "2025-12-31", "begin": "2021-01-01"}),
        Fact("deadline", "适时", 13, 15, "", "deadline.vague",
             {"relation": "by", "date": None, "begin": None}),
    ]
    text = _render([Document(path="x.txt", text=source, facts=facts)], "table", console_width=200)
    assert "2021-01-01 … 2025-12-31" in text
    assert "by unresolved" in text
    assert "(preamble)" in text
    assert "year unknown" in text


def _is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(ch in chars for ch in needle)


@pytest.mark.parametrize("width", [80, 60])
def test_table_fits_narrow_console_without_truncation(doc: Document, width: int) -> None:
    text = _render([doc], "table", console_width=width)
    lines = text.splitlines()
    assert lines, "table output is empty"
    assert max(cell_len(line) for line in lines) <= width
    assert PATH in text
    assert "8700" in text
    assert "\x1b[" not in text  # no colour codes when out is not a terminal
    for fact in doc.facts:
        # Wrapped cells interleave with neighbouring columns, but no character may be lost.
        assert _is_subsequence(fact.text, text), fact.text
    # the short ones fit on a single line at 80 columns and must appear verbatim
    if width == 80:
        assert "2025年12月31日前" in text
        assert "区农业农村委牵头" in text


def test_table_does_not_interpret_markup() -> None:
    fact = Fact("unit", "[bold]市财政局[/bold]负责", 0, 20, "", "unit.resp",
                {"name": "[bold]市财政局[/bold]", "role": "responsible"})
    text = _render([Document(path="[red]a.txt", text=fact.text, facts=[fact])], "table",
                   console_width=200)
    assert "[bold]市财政局[/bold]负责" in text
    assert "responsible [bold]市财政局[/bold]" in text
    assert "[red]a.txt" in text


def test_unknown_format_rejected(doc: Document) -> None:
    with pytest.raises(ValueError, match="xml"):
        _render([doc], "xml")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only(docs) -> None:  # noqa: ANN001 - the docs fixture
    from policyscan.model import InputError
    from policyscan.render.progress import with_progress

    items = [docs["000"], InputError("x.pdf: not a PDF"), docs["001"]]
    terminal, pipe, shared = _Terminal(), io.StringIO(), _Terminal()
    assert list(with_progress(items, 3, terminal)) == items
    assert list(with_progress(items, 3, pipe)) == items
    assert list(with_progress(items, 3, shared, results_on_terminal=True)) == items
    assert shared.getvalue() == ""  # the results on the terminal are the progress
    drawn = terminal.getvalue()
    facts = len(docs["000"].facts) + len(docs["001"].facts)
    assert "3/3" in drawn and f"{facts:,} facts · 1 failed" in drawn
    assert pipe.getvalue() == ""
