"""``policyscan text``: the plain text every offset indexes, from a file or standard input."""
from __future__ import annotations

from pathlib import Path

from helpers import FORMATS, GBK_PAGE, invoke
from typer.testing import CliRunner

from policyscan import extract_paths
from policyscan.cli import app
from policyscan.load import text_of


def test_text_command_prints_what_offsets_index() -> None:
    path = FORMATS / "001.docx"
    result = CliRunner().invoke(app, ["text", str(path)])
    assert result.exit_code == 0
    assert result.stdout == text_of(str(path))
    doc = next(extract_paths(path))
    fact = doc.facts[0]
    assert result.stdout[fact.start:fact.end] == fact.text


def test_text_command_reports_an_unreadable_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["text", str(tmp_path / "missing.pdf")])
    assert result.exit_code == 3
    assert "missing.pdf: no such file or directory" in result.stderr


def test_page_read_from_stdin_is_recognised_by_its_content() -> None:
    result = CliRunner().invoke(app, ["text", "-"], input=GBK_PAGE.encode("gb18030"))
    assert result.exit_code == 0
    assert "<p" not in result.stdout and "全区城镇新增就业不少于1.2万人" in result.stdout


def test_pdf_from_stdin_is_recognised_by_its_bytes() -> None:
    data = (FORMATS / "001.pdf").read_bytes()
    result = CliRunner().invoke(app, ["text", "-"], input=data)
    assert result.exit_code == 0
    assert result.stdout == text_of(str(FORMATS / "001.pdf"))

