"""STRUCTURE: chrome, the heading tree, metadata and the document date (NORMALISE: test_normalise.py)."""
from __future__ import annotations

import pytest
from sample_docs import NAMES, SAMPLES

from policyscan.model import Document
from policyscan.pipeline import analyse_text
from policyscan.text.spans import SpanSet

# ---------------------------------------------------------------- headings

NESTED = """关于印发工作方案的通知
一、总体要求
(一)指导思想。坚持问题导向。
二、重点任务
(一)产业发展。
(二)就业帮扶。
(三)基础设施。
(四)公共服务。
1.教育保障。到2025年,义务教育巩固率达到96%以上。
(1)控辍保学。
①建立台账。
②动态清零。
(2)资助政策。
2.医疗保障。
三、组织保障
"""


def test_heading_tree_paths() -> None:
    doc = analyse_text(NESTED)
    paths = [s.path for s in doc.all_sections()]
    assert paths == [
        "一", "一/(一)",
        "二", "二/(一)", "二/(二)", "二/(三)", "二/(四)",
        "二/(四)/1", "二/(四)/1/(1)", "二/(四)/1/(1)/①", "二/(四)/1/(1)/②", "二/(四)/1/(2)",
        "二/(四)/2",
        "三",
    ]
    assert [s.path for s in doc.sections] == ["一", "二", "三"]
    depth = {s.path: s.depth for s in doc.all_sections()}
    assert depth["二/(四)/1/(1)/①"] == 5
    titles = {s.path: s.title for s in doc.all_sections()}
    assert titles["二/(四)"] == "公共服务"
    assert titles["二/(四)/1"] == "教育保障"


def test_heading_spans_and_section_at() -> None:
    doc = analyse_text(NESTED)
    sections = {s.path: s for s in doc.all_sections()}
    item = sections["二/(四)/1"]
    assert NESTED[item.start:].startswith("1.教育保障")
    assert item.end == sections["二/(四)/2"].start  # a section runs to its next sibling
    assert sections["二/(四)"].end == sections["三"].start  # the last child ends with its parent
    assert sections["三"].end == len(NESTED)
    assert doc.section_at(NESTED.index("义务教育")).path == "二/(四)/1"
    assert doc.section_at(NESTED.index("建立台账")).path == "二/(四)/1/(1)/①"
    assert doc.section_at(NESTED.index("资助政策")).path == "二/(四)/1/(2)"
    assert doc.section_at(NESTED.index("工作方案")) is None  # title block: no section
    assert [s.path for s in doc.items()] == [
        "一/(一)", "二/(一)", "二/(二)", "二/(三)", "二/(四)/1/(1)/①", "二/(四)/1/(1)/②",
        "二/(四)/1/(2)", "二/(四)/2", "三",
    ]
    facts = {f.kind: f for f in doc.facts}
    assert facts["quota"].section == "二/(四)/1"
    assert facts["deadline"].section == "二/(四)/1"


def test_skipped_level_nests_under_the_last_open_heading() -> None:
    doc = analyse_text("一、总体要求\n1.第一项。\n2.第二项。\n二、保障措施\n(一)加强领导。\n")
    assert [s.path for s in doc.all_sections()] == ["一", "一/1", "一/2", "二", "二/(一)"]


def test_numbers_in_text_are_not_headings() -> None:
    doc = analyse_text("一、目标\n全年新增就业1.5万人,建设2个基地。\n")
    assert [s.path for s in doc.all_sections()] == ["一"]


def test_decimal_outline_of_an_emergency_plan() -> None:
    """1.总则 / 1.1编制目的 / 3启用准备 / 3.2.1组织准备 (Shanghai's and Jiading's evacuation-shelter
    plans 2024/2025); an amount opening a line (1.5万亩, 30万元) stays text, and so does a box's
    entry numbered with a leading zero (01 智能车间)."""
    text = ("1.总则\n1.1编制目的\n为做好转移安置工作。\n2.组织体系\n2.1区政府\n负责本区工作。\n3启用准备\n"
            "3.2.1组织准备\n成立工作专班。\n1.5万亩农田纳入保障。\n30万元用于物资储备。\n01 智能车间\n")
    doc = analyse_text(text)
    assert [s.path for s in doc.all_sections()] == ["1", "1/1.1", "2", "2/2.1", "3", "3/3.2.1"]


def test_inline_headings_after_runs_of_spaces() -> None:
    text = ("为落实要求,制定如下细则    一、目标要求    以习近平新时代中国特色社会主义思想为指导。"
            "    二、实施举措   (一)持续抓好监测\n\n1.坚持定期监测。内容。   2.及时开展帮扶。内容。")
    doc = analyse_text(text)
    found = {s.path for s in doc.all_sections()}
    assert {"一", "二", "二/(一)", "二/(一)/1", "二/(一)/2"} <= found
    assert doc.section_at(text.index("以习近平")).path == "一"
    assert doc.section_at(text.index("及时开展")).path == "二/(一)/2"
    # a marker inside a sentence, with no break or space before it, is not a heading
    assert analyse_text("推进一、二级残疾人帮扶,落实一二三产业融合。").sections == []


def test_heading_run_into_the_sentence_before_it() -> None:
    """Sample 004 writes "…特制定如下实施方案。 一、充分认识…" and "标准 (一)指导思想": a sentence
    end or a single space before a marker is a lost line break."""
    text = "结合实际,特制定如下实施方案。 一、充分认识重要性 (一)指导思想。内容。(二)基本原则。内容。"
    doc = analyse_text(text)
    assert [s.path for s in doc.all_sections()] == ["一", "一/(一)", "一/(二)"]
    assert doc.sections[0].title == "充分认识重要性"


def test_inline_headings_in_sample_002(docs: dict[str, Document]) -> None:
    doc = docs["002"]
    text = doc.text

    def path_at(snippet: str) -> str:
        section = doc.section_at(text.index(snippet))
        return section.path if section else ""

    # the headings really are inline, after runs of en spaces (U+2002) that stand for lost breaks
    assert "制定如下实施细则\u2002\u2002\u2002\u2002一、目标要求" in text
    assert "中选择。\u2002\u2002\u2002\u20023.坚持健全督导机制" in text
    assert path_at("以习近平新时代中国特色社会主义思想为指导") == "一"
    assert path_at("1.坚持定期动态监测") == "二/(一)/1"
    assert path_at("3.大力拓展产品销售渠道") == "二/(二)/3"
    assert path_at("3.坚持健全督导机制") == "三/3"
    paths = {s.path for s in doc.all_sections()}
    assert {"一", "二", "三", "二/(一)", "二/(五)", "二/(五)/4", "三/1", "三/2", "三/3"} <= paths


def test_sections_of_sample_001(docs: dict[str, Document]) -> None:
    doc = docs["001"]
    paths = [s.path for s in doc.all_sections()]
    assert paths[:3] == ["一", "一/(一)", "一/(二)"]
    assert "七/(二十二)" in paths
    assert len([p for p in paths if "/" not in p]) == 7


# ---------------------------------------------------------------- chrome

def test_sample_000_breadcrumb_and_metadata_are_chrome(docs: dict[str, Document]) -> None:
    doc = docs["000"]
    lines = doc.text.splitlines(keepends=True)
    end_of_metadata = sum(len(line) for line in lines[:5])
    assert lines[0].startswith("您當前的位置")
    assert lines[4].startswith("[ 成文日期 ]")
    assert doc.in_chrome(0, end_of_metadata)
    for i in range(5):  # every one of the five lines is covered
        start = sum(len(line) for line in lines[:i])
        assert doc.in_chrome(start, start + 1), lines[i]
    title = doc.text.index("重慶市綦江區扶歡鎮人民政府關于印發")
    assert not doc.in_chrome(title, title + 10)
    body = doc.text.index("脫貧摘帽不是終點")
    assert not doc.in_chrome(body, body + 10)
    assert all(end <= end_of_metadata for _, end in doc.chrome)


def test_sample_004_download_notice_tail_is_chrome(docs: dict[str, Document]) -> None:
    doc = docs["004"]
    tail = doc.text.index("当前文档最多预览五页")
    assert (tail, len(doc.text)) in [(s, e) for s, e in doc.chrome]
    notice = doc.text.index("温馨提示")
    assert doc.in_chrome(notice, notice + 4)
    assert doc.in_chrome(len(doc.text) - 2, len(doc.text))
    body = doc.text.index("书写决战贫困的光辉篇章")
    assert not doc.in_chrome(body, body + 5)
    # the numbered notice lines ("1. 部分包含…") do not become sections
    assert all(s.end <= tail for s in doc.all_sections())
    # header furniture of the download page
    for marker in ("ID:8029073", "大小:48.75 KB", "上传者:U-5649", "脱贫攻坚规划方案_第1页"):
        i = doc.text.index(marker)
        assert doc.in_chrome(i, i + len(marker)), marker


@pytest.mark.parametrize("key", sorted(NAMES))
def test_no_fact_comes_from_chrome(docs: dict[str, Document], key: str) -> None:
    doc = docs[key]
    inside = [(f.kind, f.text) for f in doc.facts if doc.in_chrome(f.start, f.end)]
    assert inside == []


def test_facts_written_in_chrome_are_dropped() -> None:
    text = ("您当前的位置: 首页 > 政策文件 > 到2025年确保收入不低于8700元\n"
            "来源:市乡村振兴局 发布时间:2023-02-08 11:07 阅读: 打印\n"
            "确保低收入群体年人均纯收入不低于5000元。\n"
            "相关阅读\n"
            "到2025年,建成16座桥。\n")
    doc = analyse_text(text)
    # the two chrome lines (one span: they touch), not the body line, then the tail to the end
    assert list(doc.chrome) == [(0, text.index("确保低收入")), (text.index("相关阅读"), len(text))]
    quotas = [f.fields["value"] for f in doc.facts if f.kind == "quota"]
    assert quotas == [5000]
    assert not [f for f in doc.facts if f.kind == "deadline"]
    assert not [f for f in doc.facts if doc.in_chrome(f.start, f.end)]


def test_a_notices_list_of_attachments_is_no_task_item() -> None:
    """附件：1.… ⏎ 2.… lists titles (MOE internship notice 2021, Yangpu drainage plan 2025);
    an attachment's own text after it (附件1 and its table) is read as usual."""
    text = ("一、强化监管\n各地要加强监管，做好实习管理工作。\n二、加强保障\n各地要落实经费。\n\n"
            "附件：1.《职业学校学生实习管理规定》\n2.《职业学校学生岗位实习三方协议（示范文本）》\n\n"
            "附件1\n职业学校学生实习管理规定\n实习时间一般不超过6个月。\n")
    doc = analyse_text(text)
    assert [s.path for s in doc.all_sections()] == ["一", "二"]
    assert doc.in_chrome(text.index("2.《"), text.index("2.《") + 1)
    assert [f.fields["value"] for f in doc.facts if f.kind == "quota"] == [6]


def test_an_alias_gloss_is_read_through() -> None:
    """四川省教育厅（以下简称“教育厅”）负责… (Sichuan thesis spot-check rules 2023): the gloss is
    noise, the department is charged, and the fact keeps its text."""
    doc = analyse_text("第二条 四川省教育厅（以下简称“教育厅”）负责全省本科毕业论文抽检实施工作。\n")
    assert [(f.fields["name"], f.text) for f in doc.facts if f.kind == "unit"] == [("四川省教育厅", "四川省教育厅")]


# ---------------------------------------------------------------- document date

@pytest.mark.parametrize(("key", "issued", "year"), [
    ("000", "2022-02-03", 2022),  # [ 成文日期 ] | 2022-02-03, not the later 發布日期
    ("001", "2025-04-27", 2025),  # the signature line under the notice
    ("003", "2023-02-08", 2023),  # 来源:… 发布时间:2023-02-08 11:07
    ("002", None, None),  # no date of its own
])
def test_document_date(docs: dict[str, Document], key: str, issued: str | None, year: int | None) -> None:
    assert (docs[key].issued, docs[key].year) == (issued, year)


def test_labelled_date_wins_over_signature() -> None:
    doc = analyse_text("关于印发方案的通知\n2021年3月1日\n成文日期:2020年5月6日\n正文。\n")
    assert doc.issued == "2020-05-06"
    assert doc.year == 2020


def test_date_inside_prose_is_not_the_document_date() -> None:
    doc = analyse_text("一、要求\n2017年6月30日前完成清理工作。\n")
    assert doc.issued is None
    assert doc.year is None


def test_heading_after_a_run_of_spaces_is_one_section() -> None:
    """A lost line break (three spaces) or an indented heading gives one section, not two."""
    for text in ("内容。   二、任务", "  一、目标\n内容。"):
        doc = analyse_text(text)
        paths = [s.path for s in doc.all_sections()]
        assert len(paths) == len(set(paths)) == 1, (text, paths)


def test_sample_002_section_paths_are_distinct() -> None:
    doc = analyse_text((SAMPLES / "002_b38de4307d4dedc3.txt").read_text(encoding="utf-8"))
    paths = [s.path for s in doc.all_sections()]
    assert len(paths) == len(set(paths))


def test_span_set_answers_overlap_of_the_union() -> None:
    spans = SpanSet([(10, 20), (30, 40), (18, 25)])
    assert list(spans) == [(10, 25), (30, 40)]
    assert spans.overlaps(24, 26) and spans.overlaps(0, 11) and spans.overlaps(35, 36)
    assert not spans.overlaps(25, 30) and not spans.overlaps(0, 10) and not spans.overlaps(40, 99)
    spans.add(0, 100)
    assert list(spans) == [(0, 100)]


# ---------------------------------------------------------------- metadata

@pytest.mark.parametrize(("text", "expected"), [
    # a gov.cn portal's metadata table (Traditional mirror): labels in brackets, | between cells
    ("[ 發文字號 ] | 扶歡府發〔2021〕22號 |\n[ 發布機構 ] | 綦江區扶歡鎮 | [ 有效性 ] | 有效 |\n"
     "[ 成文日期 ] | 2022-02-03 | [ 發布日期 ] | 2022-02-14 |\n",
     {"doc_number": "扶欢府发〔2021〕22号", "issuer": "綦江區扶歡鎮", "issued": "2022-02-03", "year": 2022}),
    # Guangzhou's policy library: spaced labels with full-width colons
    ("文　　号： 花科工信规字〔2025〕1号\n实施日期： 2025年05月15日\n发布机关： 广州市花都区科技工业和信息化局\n",
     {"doc_number": "花科工信规字〔2025〕1号", "issuer": "广州市花都区科技工业和信息化局",
      "issued": "2025-05-15", "year": 2025}),
    # a markdown knowledge base's front matter
    ("# 上海关于贯彻落实“十四五”全国农业机械化发展规划的实施意见\n\n**发布日期**: 2022年5月26日\n**发布机构**: 上海市\n",
     {"title": "上海关于贯彻落实“十四五”全国农业机械化发展规划的实施意见", "issuer": "上海市",
      "issued": "2022-05-26", "year": 2022}),
])
def test_front_matter(text: str, expected: dict[str, object]) -> None:
    meta = analyse_text(text + "一、总体要求\n内容。\n").meta
    assert {k: getattr(meta, k) for k in expected} == expected
    assert {meta.sources[k] for k in expected if k != "title"} == {"front_matter"}


def test_signature_block_gives_issuer_date_and_number() -> None:
    text = ("国务院关于加快推进农业机械化和\n\n农机装备产业转型升级的指导意见\n\n国发〔2018〕42号\n\n"
            "各省、自治区、直辖市人民政府：\n\n一、总体要求\n内容。\n\n国务院\n\n2018年12月21日\n\n（此件公开发布）\n")
    meta = analyse_text(text).meta
    assert (meta.title, meta.doc_number, meta.issuer, meta.issued, meta.year) == (
        "国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见", "国发〔2018〕42号", "国务院",
        "2018-12-21", 2018)
    assert meta.sources == {"title": "title", "doc_number": "title_block", "issuer": "signature",
                            "issued": "signature", "year": "signature"}


def test_signature_name_broken_over_lines_under_a_seal_note(docs: dict[str, Document]) -> None:
    meta = docs["001"].meta
    assert meta.issuer == "中共重庆市潼南区委农村工作暨实施乡村振兴战略领导小组巩固拓展脱贫攻坚成果工作专班办公室"
    assert meta.issued == "2025-04-27"


@pytest.mark.parametrize(("line", "issued", "year", "source"), [
    ("——2021年3月5日在第十三届全国人民代表大会第四次会议上", "2021-03-05", 2021, "session"),
    ("——2019年3月5日在第十三届全国人民代表大会第二次会议上", "2019-03-05", 2019, "session"),
    ("在第十三届全国人民代表大会第四次会议上", None, 2021, "session"),  # the date was not copied
    ("在第十四届全国人民代表大会第二次会议上", None, 2024, "session"),
])
def test_report_year_from_its_session_line(line: str, issued: str | None, year: int, source: str) -> None:
    meta = analyse_text(f"政府工作报告\n{line}\n国务院总理\n各位代表：\n现在，我代表国务院，向大会报告政府工作。\n").meta
    assert (meta.issued, meta.year, meta.sources["year"]) == (issued, year, source)


@pytest.mark.parametrize(("title", "year"), [
    ("上海市北斗产业高质量发展三年行动计划（2021-2023年）", 2021),
    ("重庆市潼南区2025年巩固拓展脱贫攻坚成果工作要点", 2025),
    ("数字山东2021行动方案", 2021),  # tests/corpus/dev: provincial_shandong_digital_shandong_2021
])
def test_year_from_the_title_when_nothing_else_dates_the_document(title: str, year: int) -> None:
    meta = analyse_text(f"{title}\n\n一、总体要求\n到2025年，建成10个基地。\n").meta
    assert (meta.year, meta.sources["year"], meta.issued) == (year, "title", None)


def test_year_option_wins_and_says_so() -> None:
    doc = analyse_text("成文日期:2020年5月6日\n一、任务\n今年完成改造100户。\n", year=2021)
    assert (doc.year, doc.meta.sources["year"], doc.issued) == (2021, "option", "2020-05-06")
    deadline = next(f for f in doc.facts if f.kind == "deadline")
    assert deadline.fields["date"] == "2021-12-31"
    doc = analyse_text("一、任务\n自本通知印发之日起30日内报送。\n", reference_date="2024-03-15")
    assert (doc.issued, doc.year, doc.meta.sources["issued"]) == ("2024-03-15", 2024, "option")
    assert next(f for f in doc.facts if f.kind == "deadline").fields["date"] == "2024-04-14"


def test_year_from_a_heading_that_names_the_year_of_the_work() -> None:
    """A report copied without its session line still says which year its tasks are for."""
    text = "政府工作报告\n各位代表：\n一、2018年工作回顾\n过去一年，经济运行保持在合理区间。\n" \
           "二、2019年经济社会发展总体要求和政策取向\n今年发展主要预期目标是：国内生产总值增长6%-6.5%。\n"
    meta = analyse_text(text).meta
    assert (meta.year, meta.sources["year"]) == (2019, "heading")


