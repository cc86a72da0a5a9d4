"""Text from a document or a file name is made safe for where it goes, end to end through the
command line: rich markup and control or bidi characters in tables, Markdown and messages are
shown, never obeyed; CSV and Excel cells that would run as formulas stay text (numbers stay
numbers); the HTML report escapes everything; JSONL keeps the exact text."""
from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import invoke


# What must never reach a terminal raw: C0 controls but line feed and tab, DEL, C1 controls,
# bidi controls. Written out here, not imported, so the test does not share a bug.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# A plan whose items (so fact texts, indicators, item titles and findings) carry rich markup,
# ANSI and OSC sequences, a C1 CSI, bidi overrides and isolates, and formula-leading text.
HOSTILE_PLAN = (
    "关于推进农业机械化工作的通知\n"
    "一、重点任务\n"
    "（一）到2025年，=HYPERLINK(\"x\")[/y]农作物\x1b[31m综合机械化率达到75%以上，由[bold red]农业农村部[/bold red]负责。\n"
    "（二）到2025年底，@SUM(A1)\x1b]0;pwned\x07机耕\u202e面积\u202c不低于8700万亩，\x1b[2J由区财政局负责。\n"
    "（三）2024年6月底前完成\u2066改造\u2069任务\x9b31m，+区财政局牵头，-2+3个项目，＝1+1完成。\n"
)
# The same plan loosened, so compare has decisions (looser), drops and additions to show.
HOSTILE_OTHER = HOSTILE_PLAN.replace("75%", "70%").replace("8700万亩", "500万亩")
# Colours, reverses and carries a tag that rich, reading markup, would turn red and drop.
HOSTILE_NAME = "=HYPERLINK(1)\x1b[31m\u202e[red].txt"


@pytest.fixture
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """BASE (named hostilely) and OTHER, as relative paths, so the document column of a
    spreadsheet starts with the name itself."""
    monkeypatch.chdir(tmp_path)
    Path(HOSTILE_NAME).write_text(HOSTILE_PLAN, encoding="utf-8")
    Path("other.txt").write_text(HOSTILE_OTHER, encoding="utf-8")
    return HOSTILE_NAME, "other.txt"


def _command(name: str, base: str, other: str, *options: str) -> list[str]:
    return {"extract": ["extract", base], "check": ["check", base], "compare": ["compare", base, other]}[name] + list(options)


def _ran(result) -> None:  # noqa: ANN001 - typer's Result
    """No traceback: the run ended by its own exit code (check exits 1 for its findings)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output


# ---------------------------------------------------------------- terminal

@pytest.mark.parametrize("args", [("extract",), ("check",), ("compare",), ("compare", "--all"),
                                  ("compare", "-f", "markdown"), ("check", "-f", "markdown")],
                         ids=" ".join)
def test_tables_and_markdown_show_markup_controls_and_bidi_instead_of_obeying_them(plans, args) -> None:
    result = invoke(*_command(args[0], *plans, *args[1:]))
    _ran(result)
    out = result.stdout
    assert not UNSAFE.search(out), repr(UNSAFE.search(out).group())
    assert "\\x1b[31m" in out and "<U+202E>" in out  # the file name, at least, is on every view
    assert "[red" in out and "[/y]" in out  # markup is text (a narrow column may fold "[red]")


@pytest.mark.parametrize("args", [("extract",), ("check",), ("compare", "--all")], ids=" ".join)
def test_document_text_in_a_table_is_shown_as_written_but_visible(plans, args) -> None:
    out = re.sub(r"\s+", "", invoke(*_command(args[0], *plans, *args[1:])).stdout)  # cells fold text
    for shown in ("[/y]农作物\\x1b[31m综合机械化率", "机耕<U+202E>面积<U+202C>", "<U+2066>改造<U+2069>任务\\x9b31m",
                  "[bold red]农业农村部[/bold red]"):
        assert re.sub(r"\s+", "", shown) in out, shown


def test_markup_that_rich_cannot_parse_does_not_crash_compare(plans) -> None:
    """The issue's crash: a closing tag with no opening one ("[/y]") in a fact of a decision row."""
    result = invoke("compare", *plans)
    _ran(result)
    assert "Needs a decision" in result.stdout and "[/y]农作物" in result.stdout


def test_rules_list_shows_a_packs_markup_and_controls_as_text(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(json.dumps({"rules": [{
        "id": "user.escaped", "kind": "unit", "pattern": "(?P<list>区财政局)负责", "fields": {"role": "responsible"},
        "description": "[/y] \x1b[2J \u202e"}]}), encoding="utf-8")
    result = invoke("rules", "list", "--rules", str(pack), "--kind", "unit")
    assert result.exit_code == 0, result.output
    assert "[/y] \\x1b[2J <U+202E>" in result.stdout and not UNSAFE.search(result.stdout)


@pytest.mark.parametrize("command", ["extract", "check", "compare"])
def test_a_file_name_in_an_error_message_cannot_colour_or_forge_a_line(tmp_path: Path, command: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(HOSTILE_PLAN, encoding="utf-8")
    bad = tmp_path / "bad\x1b[2J\u202e\npolicyscan: all fine.txt"
    bad.write_bytes(b"\x00\x01\x02 binary \xff\xfe")
    args = [command, str(good), str(bad)] if command != "check" else [command, str(bad), str(good)]
    result = invoke(*args, "-f", "jsonl")
    assert result.exit_code != 0
    assert not UNSAFE.search(result.stderr), repr(result.stderr)
    lines = [line for line in result.stderr.splitlines() if "bad" in line]
    assert lines and all("bad\\x1b[2J<U+202E>\\x0apolicyscan: all fine.txt" in line for line in lines), result.stderr


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x00\x07\x08\r\x1b\x7f", "\\x00\\x07\\x08\\x0d\\x1b\\x7f"),  # C0 and DEL
    ("\x85\x9b\x9d", "\\x85\\x9b\\x9d"),  # C1: next line, CSI, OSC
    ("\u061c\u200e\u200f\u202a\u202e\u2066\u2069", "<U+061C><U+200E><U+200F><U+202A><U+202E><U+2066><U+2069>"),
    ("第一行\n\t第二行 «» 、。", "第一行\n\t第二行 «» 、。"),  # text lines, tabs and ordinary characters stay
])
def test_printable_shows_each_control_and_bidi_character_as_what_it_is(raw: str, shown: str) -> None:
    from policyscan.render.safe import printable

    assert printable(raw) == shown
    assert printable(raw, one_line=True) == shown.replace("\n", "\\x0a").replace("\t", "\\x09")


# ---------------------------------------------------------------- spreadsheets

def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("command", ["extract", "check", "compare"])
def test_csv_cells_that_would_run_as_formulas_are_prefixed_with_an_apostrophe(plans, command: str) -> None:
    result = invoke(*_command(command, *plans, "-f", "csv"))
    _ran(result)
    cells = [cell for row in _csv(result.stdout) for cell in row.values() if cell]
    assert not [c for c in cells if c.startswith(FORMULA)]
    prefixed = {c for c in cells if c.startswith("'")}
    assert "'" + HOSTILE_NAME in prefixed  # the document column
    if command != "check":  # its cells of document text are whole items and clauses, none formula-like
        assert {"'+区财政局牵头", "'＝1+1完成"} <= prefixed, prefixed  # fact texts


def test_csv_numbers_stay_numbers_and_jsonl_keeps_the_raw_text(plans) -> None:
    rows = _csv(invoke("extract", plans[0], "-f", "csv").stdout)
    assert {"87000000", "75"} <= {row["value"] for row in rows}
    assert "'=HYPERLINK(\"x\")[/y]农作物\x1b[31m综合机械化率" in {row["indicator"] for row in rows}
    assert {row["start"] for row in rows} <= {str(n) for n in range(1000)}
    records = [json.loads(line) for line in invoke("extract", plans[0], "-f", "jsonl").stdout.splitlines()]
    assert {r["doc"] for r in records} == {HOSTILE_NAME}
    assert {"+区财政局牵头", "＝1+1完成"} <= {r.get("text") for r in records}  # exactly as written
    assert "=HYPERLINK(\"x\")[/y]农作物\x1b[31m综合机械化率" in {r.get("indicator") for r in records}


@pytest.mark.parametrize("command", ["extract", "check", "compare"])
def test_xlsx_cells_that_would_run_as_formulas_stay_text(plans, command: str, tmp_path: Path) -> None:
    """No cell is a formula; a string cell that starts like one is marked quotePrefix (what
    Excel stores for a typed leading apostrophe), its value the exact text; numbers are numbers."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out.xlsx"
    _ran(invoke(*_command(command, *plans, "-o", str(out))))
    cells = [cell for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA)]
    assert HOSTILE_NAME.replace("\x1b", "\ufffd") in {c.value for c in formula_like}  # XML holds no ESC
    assert all(c.quotePrefix and c.data_type == "s" for c in formula_like), [c.value for c in formula_like]
    if command == "extract":
        assert 87000000 in {c.value for c in cells if isinstance(c.value, (int, float))}


# ---------------------------------------------------------------- HTML

HTML_PLAN = (
    "关于推进<script>alert(1)</script>农业工作的通知\n"
    "一、主要目标\n"
    "（一）到2025年，<script>alert(1)</script>\" onerror=\"x综合机械化率达到75%以上。\n"
    "（二）到2025年底，</script><img src=x onerror=alert(1)>javascript:alert(1)机耕面积不低于8700万亩，由区财政局负责。\n"
)
HTML_NAME = "\"><img src=x onerror=alert(1)> <script>alert(1) javascript:x.txt"


class _Page(HTMLParser):
    """The elements of a page, their attributes, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]
        if tag == "script":
            self.scripts.append("")

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and self.scripts and not self.scripts[-1]:
            self.scripts[-1] = data
        self.text.append(data)


@pytest.mark.parametrize("command", ["extract", "check", "compare"])
def test_html_report_escapes_document_text_and_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          command: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path(HTML_NAME).write_text(HTML_PLAN, encoding="utf-8")
    Path("other.txt").write_text(HTML_PLAN.replace("75%", "70%"), encoding="utf-8")
    result = invoke(*_command(command, HTML_NAME, "other.txt", "-f", "html"))
    _ran(result)
    page = _Page()
    page.feed(result.stdout)
    assert "img" not in page.tags and page.tags.count("script") == 1
    assert "alert" not in page.scripts[0]  # the report's own script, nothing from the document
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    assert not [value for name, value in page.attrs if name in ("href", "src") and "javascript:" in value]
    text = "".join(page.text)
    assert HTML_NAME in text and "</script><img src=x onerror=alert(1)>javascript:alert(1)机耕面积" in text
    titles = [value for name, value in page.attrs if name == "title"]
    assert any('alert(1)" onerror="x综合机械化率' in value for value in titles), titles  # an attribute, whole
