"""Word, PDF and web-page inputs give the same facts as the plain text they were made from.

The fixtures in tests/formats/ were made from the bundled samples by LibreOffice
(tests/formats/build.sh): a Word file per sample, a PDF printed from it, the Word file saved
as a web page, a Word 97 .doc and a two-column PDF. Facts are compared by what they mean —
kind, value, unit, comparator, date, relation, name, role — not by offset, since each
format's plain text differs in line breaks.
"""
from __future__ import annotations

import copy
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import FORMATS, GBK_PAGE, REPO

from policyscan import extract_paths
from policyscan.load import read_document, text_of
from policyscan.model import Fact, InputError

SAMPLES = sorted((REPO / "samples").glob("[0-9][0-9][0-9]_*.txt"))
MIN_F1 = 0.98


def _meaning(fact: Fact) -> tuple[object, ...]:
    """What a fact says, whatever the offsets."""
    f = fact.fields
    if fact.kind == "quota":
        return ("quota", f.get("value"), f.get("low"), f.get("high"), f.get("unit"), f.get("cmp"))
    if fact.kind == "deadline":
        return ("deadline", f.get("relation"), f.get("date"), f.get("begin"))
    if fact.kind == "unit":
        return ("unit", f.get("name"), f.get("role"))
    quota = f.get("quota") or {}
    return ("target", f.get("deadline"), quota.get("value"), quota.get("unit"), quota.get("cmp"))


def _agreement(expected: Path, got: Path) -> float:
    """F1 between the facts of two files, as multisets of meanings."""
    gold = Counter(_meaning(f) for f in next(extract_paths(expected)).facts)
    found = Counter(_meaning(f) for f in next(extract_paths(got)).facts)
    both = sum((gold & found).values())
    if not gold and not found:
        return 1.0
    return 2 * both / (sum(gold.values()) + sum(found.values()))


@pytest.mark.parametrize("suffix", ["docx", "pdf", "html"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
def test_each_format_gives_the_facts_of_the_text(sample: Path, suffix: str) -> None:
    converted = FORMATS / f"{sample.name[:3]}.{suffix}"
    assert _agreement(sample, converted) >= MIN_F1


def test_two_column_pdf_is_read_column_by_column() -> None:
    two_columns = FORMATS / "001-two-columns.pdf"
    assert _agreement(SAMPLES[1], two_columns) >= MIN_F1
    text = text_of(str(two_columns))
    assert "确保低收入群体年人均纯收入不低于8700元" in text


def test_turned_pdf_pages_are_read_as_drawn() -> None:
    assert _agreement(SAMPLES[1], FORMATS / "001-rotated.pdf") >= MIN_F1
    assert text_of(str(FORMATS / "001-rotated.pdf")) == text_of(str(FORMATS / "001.pdf"))


def test_a_ruled_task_table_in_a_pdf_is_read_row_by_row() -> None:
    """Task | units: each row one line, however its cells wrap; never split as two text columns."""
    path = FORMATS / "001-task-table.pdf"
    lines = text_of(str(path)).splitlines()
    assert lines[1] == "重点任务 | 牵头单位及责任单位"
    assert "(二)提高精准帮扶质效。 | 牵头单位:区农业农村委;责任单位:区巩固拓展脱贫攻坚成果专班成员单位、" \
           "派出驻乡驻村干部和结对帮扶干部单位、各镇街" in lines
    doc = next(extract_paths(path))
    leads = [f.fields["name"] for f in doc.facts if f.kind == "unit" and f.fields.get("role") == "lead"]
    assert leads.count("区农业农村委") >= 10 and "区人力社保局" in leads


@pytest.mark.parametrize("suffix", ["docx", "pdf", "html"])
def test_offsets_index_the_plain_text_of_the_file(suffix: str) -> None:
    path = FORMATS / f"001.{suffix}"
    doc = next(extract_paths(path))
    text = text_of(str(path))
    assert doc.text == text and doc.format == suffix
    assert doc.facts and all(text[f.start:f.end] == f.text for f in doc.facts)


def test_pdf_lines_broken_inside_a_sentence_are_joined() -> None:
    text = text_of(str(FORMATS / "001.pdf"))
    assert "全区脱贫群众就业总体规模稳定在2.4万人以上。(牵头单位:区人力社保局" in text
    assert "重庆市潼南区2025年巩固拓展脱贫攻坚成果工作要点》,现印发给你们" in text


def test_the_same_metadata_from_every_format() -> None:
    expected = next(extract_paths(SAMPLES[1])).meta
    for suffix in ("docx", "pdf", "html"):
        meta = next(extract_paths(FORMATS / f"001.{suffix}")).meta
        assert (meta.doc_number, meta.issued, meta.year) == (expected.doc_number, expected.issued, expected.year)


# ---------------------------------------------------------------- errors that name the problem


def test_broken_word_file_is_a_named_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="broken.docx: not a readable Word file"):
        read_document(str(broken))


@pytest.mark.parametrize(("module", "suffix", "extra"), [
    ("pdfplumber", "pdf", "pdf"), ("docx", "docx", "docx"), ("lxml", "html", "html")])
def test_missing_optional_library_names_the_extra(monkeypatch: pytest.MonkeyPatch, module: str, suffix: str,
                                                  extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    for name in [m for m in sys.modules if m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(InputError, match=rf"pip install 'policyscan\[{extra}\]'"):
        read_document(str(FORMATS / f"001.{suffix}"))


def test_doc_without_libreoffice_says_how_to_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match=r"001.doc: reading .doc files needs LibreOffice .* convert it to .docx"):
        read_document(str(FORMATS / "001.doc"))


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed")
def test_doc_is_read_through_libreoffice() -> None:
    assert _agreement(SAMPLES[1], FORMATS / "001.doc") >= MIN_F1


# ---------------------------------------------------------------- web pages


def test_web_page_charset_chrome_and_layout(tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    page.write_bytes(GBK_PAGE.encode("gb18030"))
    doc = read_document(str(page))
    lines = doc.text.splitlines()
    assert doc.encoding == "gb18030"
    assert "到2024年底，全区城镇新增就业不少于1.2万人。" in lines
    assert "一、工作目标" in lines and "二、保障措施" in lines and "（一）加强组织领导。" in lines
    assert "技能培训 | 区人力社保局" in lines  # a table row is one line
    for chrome in ("首页", "当前位置", "分享到", "主办单位", "网站标识码"):
        assert chrome not in doc.text


# ---------------------------------------------------------------- Word numbering

def _numbered_word_file(path: Path) -> Path:
    """A Word file whose headings are numbered by Word (一、 and （一）), not typed: the list
    of the "List Number" style switched to Chinese counting, one heading numbered through its
    style and one through its own numbering properties at the second level."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    style_num = document.styles["List Number"].element.pPr.numPr
    num_id = style_num.numId.val
    numbering = document.part.numbering_part.element
    abstract_id = next(n for n in numbering.iter(qn("w:num")) if n.get(qn("w:numId")) == str(num_id)) \
        .find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    if len(abstract.findall(qn("w:lvl"))) == 1:  # the template's list has one level: add a second
        second = copy.deepcopy(abstract.find(qn("w:lvl")))
        second.set(qn("w:ilvl"), "1")
        abstract.find(qn("w:lvl")).addnext(second)
    for level in abstract.iter(qn("w:lvl")):
        depth = int(level.get(qn("w:ilvl")))
        level.find(qn("w:numFmt")).set(qn("w:val"), "chineseCounting")
        level.find(qn("w:lvlText")).set(qn("w:val"), "%1、" if depth == 0 else f"（%{depth + 1}）")
    document.add_paragraph("工作目标", style="List Number")
    document.add_paragraph("到2025年底，技能培训不少于500人次。")
    document.add_paragraph("主要任务", style="List Number")
    task = document.add_paragraph("加强技能培训。（牵头单位：区人力社保局）")
    num_pr = task._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = num_id
    num_pr.get_or_add_ilvl().val = 1
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("任务", "责任单位", "技能培训", "区人力社保局")):
        cell.text = text
    document.save(path)
    return path


def test_word_numbering_is_rendered_back(tmp_path: Path) -> None:
    doc = next(extract_paths(_numbered_word_file(tmp_path / "numbered.docx")))
    assert doc.text.splitlines() == ["一、工作目标", "到2025年底，技能培训不少于500人次。", "二、主要任务",
                                     "（一）加强技能培训。（牵头单位：区人力社保局）", "任务 | 责任单位",
                                     "技能培训 | 区人力社保局"]
    assert [s.path for s in doc.all_sections()] == ["一", "二", "二/(一)"]
    lead = next(f for f in doc.facts if f.kind == "unit")
    assert (lead.fields["name"], lead.fields["role"], lead.section) == ("区人力社保局", "lead", "二/(一)")


# ---------------------------------------------------------------- real saved government pages

GOV = FORMATS / "gov"
JIANGXI = GOV / "jiangxi_putonggaozhong_yurenfangshi_gaige_shishiyijian.html"
LISHUI = GOV / "lishui_tuiyishibing_anzhi_renwu_tongzhi.html"
# What page furniture reads like on these sites (tests/formats/gov/SOURCES.md).
CHROME = ("扫一扫", "关闭窗口", "打印本页", "当前位置", "上一篇", "下一篇", "主办单位", "网站标识码", "ICP备",
          "浏览次数", "分享到", "字号", "政策文件 江西省人民政府")


@pytest.mark.parametrize("page", [JIANGXI, LISHUI], ids=["jiangxi", "lishui"])
def test_saved_government_page_reads_as_its_article(page: Path) -> None:
    text = text_of(str(page))
    assert not [chrome for chrome in CHROME if chrome in text]
    assert "<" not in text and "&nbsp;" not in text


def test_saved_government_page_gives_its_facts_and_metadata() -> None:
    doc = next(extract_paths(JIANGXI))
    meta = doc.meta
    assert (meta.title, meta.doc_number, meta.issued, meta.year) == (
        "江西省人民政府办公厅关于新时代推进普通高中育人方式改革的实施意见", "赣府厅发〔2020〕4号", "2020-02-05", 2020)
    found = {(f.kind, f.text, f.section) for f in doc.facts}
    assert {("deadline", "到2022年", "一/(三)"), ("quota", "30所左右", "四/(十三)"), ("deadline", "2020年底前", "六/(十八)"),
            ("quota", "66人以上", "六/(十九)"), ("quota", "控制在5%以内", "六/(十九)"),
            ("quota", "不低于1000元", "六/(二十)"), ("quota", "100个", "二/(四)")} <= found
    quota = next(f for f in doc.facts if f.text == "控制在5%以内")
    assert (quota.fields["value"], quota.fields["unit"], quota.fields["cmp"]) == (5, "%", "<=")
    # 25 numbered paragraphs; every measure after the general requirements (一) names its
    # responsible units: （责任单位：…）
    paragraphs = [s for s in doc.all_sections() if s.path.count("/") == 1]
    assert len(paragraphs) == 25
    assert all(doc.facts_in("unit", s.start, s.end) for s in paragraphs if not s.path.startswith("一/"))


def test_paragraphs_inside_a_table_cell_stay_in_their_row() -> None:
    lines = text_of(str(LISHUI)).splitlines()
    assert "1 | 丽水国家粮食储备库 | 1 | 事业" in lines
    assert "序号 | 安置单位名称 | 安置 任务 | 岗位 类别" in lines


def _page(body: str, head: str = '<meta charset="utf-8">', before: str = "") -> bytes:
    return f"{before}<html><head>{head}<title>关于加强农田建设的通知 - 某市人民政府</title></head><body>{body}</body></html>" \
        .encode("utf-8")


PARAGRAPH = "到2025年，全市新建高标准农田{n}万亩以上，由市农业农村局牵头负责，各区县人民政府配合落实。"


def test_unclosed_inline_tags_lose_no_paragraph(tmp_path: Path) -> None:
    """CMS editors leave <font> and <span> open: every later paragraph nests one level deeper."""
    for tag in ("font size=3", "span"):
        body = "".join(f"<p><{tag}>（{n}）" + PARAGRAPH.format(n=n) for n in range(1, 301))
        page = tmp_path / "page.html"
        page.write_bytes(_page(body))
        lines = text_of(str(page)).splitlines()
        assert [line for line in lines if line.startswith("（")] == [
            f"（{n}）" + PARAGRAPH.format(n=n) for n in range(1, 301)]


def test_title_and_info_line_outside_the_text_container_are_kept(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_page(
        '<div class="nav">首页 政务公开</div><div class="detail"><h1>某市关于印发《高标准农田建设规划（2021-2025年）》的通知</h1>'
        '<div class="info">某政办发〔2021〕12号　发布日期：2021-05-06</div><div class="TRS_Editor">'
        + "".join(f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(1, 6)) + "</div></div>")
        .replace("<title>关于加强农田建设的通知".encode(), "<title>某市关于印发《高标准农田建设规划（2021-2025年）》的通知".encode()))
    doc = next(extract_paths(page))
    assert doc.text.splitlines()[:2] == ["某市关于印发《高标准农田建设规划（2021-2025年）》的通知",
                                         "某政办发〔2021〕12号\u3000发布日期：2021-05-06"]
    assert (doc.meta.doc_number, doc.meta.issued) == ("某政办发〔2021〕12号", "2021-05-06")


def test_a_layout_table_cell_keeps_its_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_page("<table><tr><td><b>关于加强农田建设的通知</b><br>各区县人民政府：<br>"
                           + "".join(f"<p>{'一二三'[n - 1]}、{PARAGRAPH.format(n=n)}</p>" for n in (1, 2, 3))
                           + "</td></tr></table>"))
    lines = text_of(str(page)).splitlines()
    assert lines[:3] == ["关于加强农田建设的通知", "各区县人民政府：", "一、" + PARAGRAPH.format(n=1)]


def test_xhtml_and_a_wrongly_declared_western_charset(tmp_path: Path) -> None:
    xhtml = tmp_path / "x.html"
    xhtml.write_bytes(_page(f"<p>{PARAGRAPH.format(n=1)}</p>", before='<?xml version="1.0" encoding="utf-8"?>'))
    assert PARAGRAPH.format(n=1) in text_of(str(xhtml))
    latin = tmp_path / "latin.html"
    latin.write_bytes(_page(f"<p>{PARAGRAPH.format(n=1)}</p>", head='<meta charset="iso-8859-1">')
                      .decode("utf-8").encode("gb18030"))
    assert PARAGRAPH.format(n=1) in text_of(str(latin))


def test_page_title_loses_the_site_name_but_not_a_dash_inside_it(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_page(f"<div><p>{PARAGRAPH.format(n=1)}</p></div>")
                     .replace("关于加强农田建设的通知 - 某市人民政府".encode(),
                              "关于印发《农田建设规划（2021-2025年）》的通知_政策文件_某市人民政府".encode()))
    assert text_of(str(page)).splitlines()[0] == "关于印发《农田建设规划（2021-2025年）》的通知"


@pytest.mark.parametrize(("n", "fmt", "shown"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"),
    (20, "chineseCounting", "二十"), (100, "chineseCounting", "一百"), (105, "chineseCounting", "一百零五"),
    (120, "chineseCounting", "一百二十"), (3, "chineseLegalSimplified", "叁"), (3, "ideographTraditional", "丙"),
    (11, "ideographTraditional", "甲"), (2, "decimalEnclosedCircle", "②"), (7, "decimal", "7"), (1, "bullet", "")])
def test_word_number_formats(n: int, fmt: str, shown: str) -> None:
    from policyscan.load.docx import _format

    assert _format(n, fmt) == shown


def test_word_tables_merged_cells_once_equal_neighbours_kept_and_content_controls_read(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ("序号", "任务", "牵头单位", "配合单位")):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("1", "完成改造", "市住建局", "市住建局")):
        cell.text = text  # two cells that say the same: both are columns
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合计"
    merged.cell(0, 2).text = "29"
    control = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    control.append(content)
    content.append(document.add_paragraph("到2025年，全市新建高标准农田10万亩以上。")._p)  # moved into the control
    document.element.body.insert(0, control)
    path = tmp_path / "tables.docx"
    document.save(path)
    lines = text_of(str(path)).splitlines()
    assert lines == ["到2025年，全市新建高标准农田10万亩以上。", "序号 | 任务 | 牵头单位 | 配合单位",
                     "1 | 完成改造 | 市住建局 | 市住建局", "合计 | 29"]


# ---------------------------------------------------------------- what a file is, whatever it is called

@pytest.mark.parametrize("real", ["001.html", "001.pdf", "001.docx"])
def test_a_download_named_doc_is_read_as_what_it_is(tmp_path: Path, real: str) -> None:
    """Sites serve web pages and PDFs as "download Word" links named .doc."""
    named_doc = tmp_path / "下载.doc"
    shutil.copy(FORMATS / real, named_doc)
    doc = read_document(str(named_doc))
    assert doc.format == real.split(".")[1]
    assert doc.text == text_of(str(FORMATS / real))


def test_ofd_is_reported_with_what_to_do(tmp_path: Path) -> None:
    ofd = tmp_path / "通知.ofd"
    ofd.write_bytes(b"PK\x03\x04 OFD.xml")
    with pytest.raises(InputError, match="OFD files cannot be read; export it to PDF"):
        read_document(str(ofd))


def test_folders_skip_office_lock_files_and_glob_ignores_case(tmp_path: Path) -> None:
    shutil.copy(FORMATS / "001.pdf", tmp_path / "A.PDF")
    (tmp_path / "~$报告.docx").write_bytes(b"\x00" * 162)  # Word's lock file beside an open document
    from policyscan.load import expand_paths

    assert expand_paths([str(tmp_path)]) == [str(tmp_path / "A.PDF")]
    assert expand_paths([str(tmp_path)], glob="*.pdf") == [str(tmp_path / "A.PDF")]


