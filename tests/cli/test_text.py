"""``policyscan text``: the plain text every offset indexes, from a file or standard input."""
from __future__ import annotations

from pathlib import Path

from helpers import FORMATS, invoke
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


GBK_PAGE = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于印发工作要点的通知_某某区人民政府</title></head><body>
<div class="header"><div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; 政策文件</div>
<div class="article">
<h1>某某区2024年就业工作要点</h1>
<div id="zoom">
<p style="text-align:center"><strong>一、工作目标</strong></p>
<p>到2024年底，全区城镇新增就业不少于1.2万人。</p>
<table><tr><td>任务</td><td>牵头单位</td></tr><tr><td>技能培训</td><td>区人力社保局</td></tr></table>
<pre>二、保障措施
（一）加强组织领导。</pre>
</div></div>
<div class="share">分享到：微信 微博</div>
<div class="footer">主办单位：某某区人民政府办公室 版权所有 网站标识码1234</div>
</body></html>"""


def test_page_read_from_stdin_is_recognised_by_its_content() -> None:
    result = CliRunner().invoke(app, ["text", "-"], input=GBK_PAGE.encode("gb18030"))
    assert result.exit_code == 0
    assert "<p" not in result.stdout and "全区城镇新增就业不少于1.2万人" in result.stdout


def test_pdf_from_stdin_is_recognised_by_its_bytes() -> None:
    data = (FORMATS / "001.pdf").read_bytes()
    result = CliRunner().invoke(app, ["text", "-"], input=data)
    assert result.exit_code == 0
    assert result.stdout == text_of(str(FORMATS / "001.pdf"))

