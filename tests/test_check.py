"""``policyscan check``: the review a plan needs before it is filed — acceptance criteria.

Every check is exercised on real sentences taken from the bundled samples and the dev
corpus (each test asserts its sentence occurs in its document), both failing and passing;
the whole samples are reviewed for the defects a reader finds in them; each item is judged
against its document's own convention (one document-level finding where the document never
does what the check asks); severities come from the pack and the command line; every output
format and exit code of the command is checked in tests/cli/test_check.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import (
    FIXES_001, NATIONAL, REPO, S001_HEAD, S001_ITEM1, S001_ITEM14, S001_LEADS_B, S002_BALANCED,
    S002_HEAD, S002_ITEM_BODY, S002_SECTION, S004_PAST, dev, fixed_001, found, of, real, reviewed, run,
)
from sample_docs import sample_text

from policyscan.check import DEADLINE_SOURCES, Finding, effective_checks, review
from policyscan.load import read_document
from policyscan.model import Document, RulePackError
from policyscan.pipeline import analyse, analyse_text
from policyscan.rules import load_pack

BEIDOU = REPO.parent / "shared" / "corpus" / "dev2" / "shanghai_beidou_three_year_2021_2023.txt"
LOST = ("text.lost_percent", "text.lost_number")


# ---------------------------------------------------------------- helpers


def overlaps(f: Finding, start: int, end: int) -> bool:
    return f.start < end and start < f.end


def span_of(text: str, before: str, target: str, after: str) -> tuple[int, int]:
    """The span of ``target`` in ``text``, located by its unique context before/after."""
    context = before + target + after
    assert text.count(context) == 1, f"context not unique in text: {context}"
    start = text.index(context) + len(before)
    return start, start + len(target)


# ---------------------------------------------------------------- real sentences

# 001 (一): lead and responsible units in a (牵头单位:…;责任单位:…) list.
# 001 (十四): an unquantified target (确保…不滑坡…) and its own unit list.
S001_HEAD6 = real("001", "六、凝聚各方帮扶力量")
S001_UNQUANTIFIED = "确保消费帮扶不滑坡、农副产品不滞销、脱贫群众不返贫"
S001_QUANTIFIED = real("001", "对低收入群体,精准落实产业就业帮扶等针对性措施,提升低收入家庭收入来源稳定性、持续性,有效促进年人均纯收入增长,"
                       "确保低收入群体年人均纯收入不低于8700元")
S001_LEADS_A = real("001", "(牵头单位:区农业农村委;责任单位:各镇街)")

# 002: an item without a year, its unit list in 〔…〕 (balanced), and lists missing their 〔.
S002_UNBALANCED_1 = real("002", "有关乡镇委组织部、民政乡村振兴局等部门按职责分工负责〕")
S002_UNBALANCED_2 = real("002", "有关乡镇民政改委体局区卫健委文广新旅局乡村振兴局、住建局等部门按职责分工负责〕")
S002_ITEM_WORDS = real("002", "2.完善提升社区服务功能。持续加强安置社区服务体系建设,优化服务机制,引导商业服务布局")

# 004: placeholder years, lost numbers and a deadline of the plan's own past.
S004_NET = real("004", "加快农村数字化管理系统建设,对贫困村、贫困户实行精细化、信息化动态管理。到XX年末,所有村通宽带。")
S004_PERCENT = real("004", "全市农村建档立卡贫困村346个,占全市行政村总数的%;贫困村连片、脱贫任务繁重的乡镇33个,占全市乡镇总数的33%。")
S004_WATER = real("004", "二是实现农村安全饮水工程,解决至少万农村居民饮水安全,农村自来水普及率达到90%,实现农村安全饮水工程完工,"
                  "资金到位,覆盖人数,水质达标“四个100%”;三是搞好场镇污水治理,新建场镇污水处理站及配套排污干管建设;"
                  "四是实施好小务水工程建设,整治维修病险库7座、山坪塘109口蓄水66万立方米,解决缺水村旱山村缺水问题,"
                  "建微水池350口蓄水万立方米,建提灌站21个,新建及维修渠道公里,建成冬屯水田2000亩,新增灌面9120亩。")
S004_INFRA = real("004", "4、强力推进以“四网”体系为重点的基础设施建设。")


def national_item18() -> str:
    line = next(x for x in NATIONAL.read_text(encoding="utf-8").splitlines() if x.startswith("（十八）"))
    assert line.count("农业农村部、工业和信息化部牵头") == 2  # the same leads, named twice
    return line


# ---------------------------------------------------------------- 1. sample 001

def test_001_every_item_has_a_lead_and_the_plan_deadline(docs: dict[str, Document]) -> None:
    doc = docs["001"]
    result = reviewed(docs, "001")
    assert doc.year == 2025
    assert len(result.items) == 22  # (一) … (二十二)
    bad = [(f.section, f.check) for f in result.findings if f.check in ("item.no_lead", "item.no_unit")]
    assert bad == []
    plan_items = 0
    for status in result.items:
        assert status.leads, status.item.path
        assert not any(f.check in ("item.no_lead", "item.no_unit") for f in status.findings)
        assert status.deadline_source in DEADLINE_SOURCES
        own = [f for f in doc.facts if f.kind == "deadline" and status.item.start <= f.start < status.item.end]
        if not own:
            plan_items += 1
            assert (status.deadline, status.deadline_source) == ("2025-12-31", "plan"), status.item.path
    assert plan_items >= 20


# ---------------------------------------------------------------- 2. sample 004

# Every quantity of 004 whose number was lost, as (before, lost, after) in the real text.
LOST_004 = [
    ("27万人,贫困发生率", "%", ",其中南河"),          # 贫困发生率%
    ("总数的%,贫困发生率", "%", ";全市农村"),         # 贫困发生率%
    ("占全市扶贫人口总数的", "%", ",贫困发生率"),      # 总数的%
    ("占全市行政村总数的", "%", ";贫困村"),            # 总数的%
    ("谷城三县贫困人口", "万", "人,占全市"),           # 贫困人口万人
    ("一户一法办法,实现", "万", "名贫困人口"),         # 万名…
    ("丧失劳动能力的", "万", "户万名"),                # 万户…
    ("丧失劳动能力的万户", "万", "名贫困人口"),        # 万名…
    ("因大病致贫、", "万", "名因长期慢性病"),          # 万名…
    ("因长期慢性病致贫和", "万", "名因残疾"),          # 万名…
    ("切实解决", "万", "名在校贫困生"),                # 万名…
    ("优质粮油生产基地", "万", "亩"),                  # 基地万亩
    ("解决至少", "万", "农村居民"),                    # 至少万农村居民
    ("350口蓄水", "万", "立方米"),                     # 蓄水万立方米
    ("新建及维修渠道", "公里", ",建成"),               # 渠道公里
    ("开展职业技能培训", "人次", ",确保"),             # 培训人次
    # 加宽28条公里: the length was lost too (cf. 村道延伸联网17条30公里 right after it)
    ("窄路面加宽28条", "公里", ",村道延伸"),
]
# Intact quantities that must not be flagged: every occurrence of each.
INTACT_004 = ["27万人", "27万贫困人口", "100%", "15%以上", "25%以上", "33%", "50%", "1万亩", "66万立方米",
              "11万人", "10万人", "10万元", "50万元", "30万头", "2456万元", "20公里", "30公里", "90%", "98%"]


def test_004_every_placeholder_year_is_flagged(docs: dict[str, Document]) -> None:
    text = docs["004"].text
    result = reviewed(docs, "004")
    placeholders = [m.span() for m in re.finditer("XX", text)]
    assert len(placeholders) == 8
    found = of(result, "text.placeholder_year")
    for start, end in placeholders:
        assert any(overlaps(f, start, end) for f in found), text[start - 10:end + 5]
    for f in found:  # and nothing else
        assert any(overlaps(f, s, e) for s, e in placeholders), f
        assert f.severity == "error"


def test_004_every_lost_number_is_flagged_and_nothing_else(docs: dict[str, Document]) -> None:
    text = docs["004"].text
    result = reviewed(docs, "004")
    expected = [(span_of(text, b, t, a), t) for b, t, a in LOST_004]
    lost = [f for f in result.findings if f.check in LOST]
    for (start, end), target in expected:
        want = "text.lost_percent" if target == "%" else "text.lost_number"
        assert any(f.check == want and overlaps(f, start, end) for f in lost), \
            f"{want} missing for {text[start - 10:end + 5]!r}"
    for f in lost:
        assert any(overlaps(f, s, e) for (s, e), _ in expected), \
            f"false alarm {f.check} at {text[f.start - 10:f.end + 5]!r}"
    defects = [f for f in result.findings if f.check.startswith("text.")]  # item findings quote headings
    for number in INTACT_004:
        for m in re.finditer(re.escape(number), text):
            hits = [f for f in defects if overlaps(f, *m.span())]
            assert hits == [], f"{number} at {m.start()} flagged: {hits}"


# ---------------------------------------------------------------- 3. the document's own convention

# 000 (Fuhuan): only 二/(三) names units, in a sentence (由各業務科室牽頭,鄉村振興辦負責…); no
# other of its 24 task items does. That is the document's convention, not 23 defects.
def test_000_assigns_no_units_so_one_document_finding(docs: dict[str, Document]) -> None:
    assert "由各業務科室牽頭,鄉村振興辦負責" in docs["000"].text
    result = reviewed(docs, "000")
    assert of(result, "item.no_unit") == [] and of(result, "item.no_lead") == []
    [f] = of(result, "doc.no_units")
    assert f.severity == "warning" and f.section == ""
    assert "only 1 of 24 task items" in f.message and "不足一半" in f.message_zh
    third = next(s for s in result.items if s.item.path == "二/(三)")
    assert third.leads and third.responsible and third.findings == []


# ---------------------------------------------------------------- 4. each check, on real sentences

def test_item_no_lead() -> None:
    passing = run(f"{S001_HEAD}\n{S001_ITEM1}\n")
    assert of(passing, "item.no_lead") == [] and passing.items[0].leads == ["区农业农村委"]
    # where another task names a lead, a task without one is an error
    failing = run(f"{S001_HEAD}\n{S001_ITEM1.replace('牵头单位:', '')}\n{S001_HEAD6}\n{S001_ITEM14}\n")
    [f] = of(failing, "item.no_lead")
    assert f.severity == "error" and f.section == "一/(一)" and f.text.startswith("(一)用好")
    assert "though 1 of the 2 task items with units" in f.message
    assert failing.items[0].leads == [] and failing.items[0].responsible


def test_no_lead_anywhere_is_one_document_warning() -> None:
    """A responsible list without a lead, in a document that names no lead anywhere."""
    result = run(f"{S001_HEAD}\n{S001_ITEM1.replace('牵头单位:', '')}\n")
    assert of(result, "item.no_lead") == []
    [f] = of(result, "doc.no_leads")
    assert f.severity == "warning" and "none names a lead" in f.message
    assert result.errors == 0


def test_item_no_responsible() -> None:
    passing = run(f"{S001_HEAD6}\n{S001_ITEM14}\n")
    assert of(passing, "item.no_responsible") == []
    # where the other task lists responsible units beside its lead, one without is a warning
    failing = run(f"{S001_HEAD}\n{S001_ITEM1}\n{S001_HEAD6}\n"
                  f"{S001_ITEM14.replace(';责任单位:各消费帮扶责任单位', '')}\n")
    [f] = of(failing, "item.no_responsible")
    assert f.severity == "warning" and f.section == "六/(十四)"
    assert failing.items[1].leads == ["区商务委"] and failing.items[1].responsible == []
    # a document that names only leads follows its own convention
    alone = run(f"{S001_HEAD6}\n{S001_ITEM14.replace(';责任单位:各消费帮扶责任单位', '')}\n")
    assert of(alone, "item.no_responsible") == []


def test_no_deadline_on_sample_002_is_one_document_finding(docs: dict[str, Document]) -> None:
    assert docs["002"].year is None
    result = reviewed(docs, "002")
    assert len(result.items) == 22
    assert all(s.deadline is None and s.deadline_source is None for s in result.items)
    assert of(result, "item.no_deadline") == []
    [f] = of(result, "doc.no_deadline")
    assert f.severity == "warning" and "22 of the 22 task items" in f.message and "--year" in f.message


@pytest.mark.parametrize(("text", "deadline", "source"), [
    (f"成文日期:2021-09-30\n{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_BODY}{S002_BALANCED}\n", "2021-12-31", "plan"),
    (f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_BODY.replace('分类健全', '到2025年,分类健全')}{S002_BALANCED}\n",
     "2025-12-31", "own"),
    (f"{S002_HEAD}\n{S002_SECTION}。到2025年,搬迁群众全部稳定脱贫。\n{S002_ITEM_BODY}{S002_BALANCED}\n",
     "2025-12-31", "section"),
], ids=["成文日期-plan", "到2025年-own", "到2025年-section"])
def test_item_no_deadline(text: str, deadline: str, source: str) -> None:
    failing = run(f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_BODY}{S002_BALANCED}\n")
    [f] = of(failing, "doc.no_deadline")
    assert f.severity == "warning" and of(failing, "item.no_deadline") == []
    passing = run(text)
    assert of(passing, "item.no_deadline") == [] and of(passing, "doc.no_deadline") == []
    [status] = passing.items
    assert (status.deadline, status.deadline_source) == (deadline, source)


def test_item_no_deadline_where_most_tasks_are_dated() -> None:
    dated = S002_ITEM_BODY.replace("分类健全", "到2025年,分类健全")
    result = run(f"{S002_HEAD}\n{S002_SECTION}\n{dated}{S002_BALANCED}\n"
                 f"{S002_ITEM_WORDS}。{S002_BALANCED}\n")
    [f] = of(result, "item.no_deadline")
    assert f.section == "二/(一)/2" and "though 1 of the 2 task items do" in f.message
    assert of(result, "doc.no_deadline") == []


@pytest.mark.parametrize(("title", "period", "deadline"), [
    ("关于印发《某区数字经济三年行动方案(2025—2027年)》的通知", (2025, 2027), "2027-12-31"),
    ("某区数字经济发展行动计划(2023-2025年)", (2023, 2025), "2025-12-31"),
    ("某区“十四五”数字经济发展规划", (2021, 2025), "2025-12-31"),
    ("某区2025年数字经济工作要点", None, "2025-12-31"),
], ids=["2025—2027年", "2023-2025年", "十四五", "2025年"])
def test_plan_period_sets_the_default_deadline(title: str, period: tuple[int, int] | None, deadline: str) -> None:
    result = run(f"{title}\n成文日期:2025-03-01\n{S001_HEAD}\n{S001_ITEM1}\n")
    assert (result.doc.year, result.doc.meta.period) == (2025, period)
    [status] = result.items
    assert (status.deadline, status.deadline_source) == (deadline, "plan")


def test_item_unquantified_target() -> None:
    failing = run(f"{S001_HEAD6}\n{S001_ITEM14}\n")
    [f] = of(failing, "item.unquantified_target")
    assert f.text == S001_UNQUANTIFIED and f.severity == "warning"
    passing = run(f"{S001_HEAD}\n(二)提高精准帮扶质效。{S001_QUANTIFIED}。{S001_LEADS_A}\n")
    assert of(passing, "item.unquantified_target") == []


def test_item_unquantified_target_on_sample_001(docs: dict[str, Document]) -> None:
    found = of(reviewed(docs, "001"), "item.unquantified_target")
    assert {f.section for f in found} == {"六/(十四)", "六/(十五)"}  # not (二): 不低于8700元
    assert S001_UNQUANTIFIED in {f.text for f in found}


def test_item_conflicting_leads() -> None:
    body = real("001", "(一)用好“渝悦·防贫”应用。完善“农户、工作、区域”三张画像,")
    failing = run(f"{S001_HEAD}\n{body.rstrip(',')}。{S001_LEADS_A}健全部门数据共享、农户一键申报等机制。{S001_LEADS_B}\n")
    [f] = of(failing, "item.conflicting_leads")
    assert f.severity == "error" and f.text == "区商务委"
    assert "区农业农村委" in f.message and "区商务委" in f.message
    passing = run(f"{S001_HEAD}\n{body.rstrip(',')}。{S001_LEADS_A}健全部门数据共享。{S001_LEADS_A}\n")
    assert of(passing, "item.conflicting_leads") == []


def test_item_conflicting_leads_not_for_a_later_subset() -> None:
    """Regression: a later sentence naming part of the first sentence's leads used to crash
    the review (StopIteration in a generator). Shandong 2019, item 3."""
    item = dev("provincial_shandong_digital_shandong_2019",
               "3.推动协同办公数字化转型。加强电子公文、视频会议、即时通讯和信息公开系统等通用业务系统建设，"
               "实现协调联动，提升运转效率。推动部门主要业务系统与统一业务协同平台的对接，"
               "实现跨部门、跨层级、跨地域的综合应用，提升业务协同水平（省政府办公厅、省大数据局牵头，各有关部门分工负责）。")
    later = dev("provincial_shandong_digital_shandong_2019", "（省大数据局牵头，各有关部门、各市政府配合）。")
    result = run(f"一、打造协同高效的数字政府\n{item}加强政府网站集约化建设{later}\n")
    assert result.items[0].leads == ["省政府办公厅", "省大数据局"]
    assert of(result, "item.conflicting_leads") == []


def test_item_conflicting_leads_not_for_the_same_leads_named_twice() -> None:
    short = run(f"六、保障措施\n{national_item18()}\n")
    assert of(short, "item.conflicting_leads") == []
    assert set(short.items[0].leads) == {"农业农村部", "工业和信息化部"}
    pack = load_pack()
    doc = analyse(read_document(str(NATIONAL)), pack)
    result = review(pack, doc)
    [item18] = [s for s in result.items if s.item.title.startswith("健全组织实施机制")]
    assert set(item18.leads) == {"农业农村部", "工业和信息化部"}
    assert not any(f.check == "item.conflicting_leads" for f in item18.findings)
    assert of(result, "item.conflicting_leads") == []


def test_text_placeholder_year() -> None:
    [f] = of(run(S004_NET), "text.placeholder_year")
    assert f.text.startswith("XX") and f.severity == "error"
    assert of(run(S004_NET.replace("XX年", "2017年")), "text.placeholder_year") == []


def test_text_lost_percent() -> None:
    [f] = of(run(S004_PERCENT), "text.lost_percent")
    assert f.text == "%" and S004_PERCENT[f.start - 3:f.start] == "总数的"
    assert f.start == S004_PERCENT.index("%")  # not 33%
    assert of(run(S004_PERCENT.replace("总数的%", "总数的12.5%")), "text.lost_percent") == []


def test_text_lost_number() -> None:
    found = of(run(S004_WATER), "text.lost_number")
    spans = {(f.start, f.end) for f in found}
    assert spans == {span_of(S004_WATER, "解决至少", "万", "农村居民"),
                     span_of(S004_WATER, "350口蓄水", "万", "立方米"),
                     span_of(S004_WATER, "新建及维修渠道", "公里", ",建成")}
    fixed = S004_WATER.replace("至少万", "至少1.2万").replace("蓄水万", "蓄水3万").replace("渠道公里", "渠道15公里")
    assert of(run(fixed), "text.lost_number") == []


def test_unit_unknown_name() -> None:
    flagged = run(f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_WORDS}。{S002_UNBALANCED_2}\n"
                  f"3.加强社区组织体系建设。{S002_UNBALANCED_1}\n")
    names = {f.text for f in of(flagged, "unit.unknown_name")}
    assert {"改委", "体局", "委组织部", "民政"} <= names
    assert all(f.severity == "warning" for f in of(flagged, "unit.unknown_name"))
    passing = run(f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_BODY}{S002_BALANCED}\n")
    units = {f.text for f in passing.doc.facts if f.kind == "unit"}
    assert {"发改委", "区乡村振兴局"} <= units
    assert of(passing, "unit.unknown_name") == []


def test_unit_unknown_name_on_sample_002(docs: dict[str, Document]) -> None:
    found = of(reviewed(docs, "002"), "unit.unknown_name")
    assert {"改委", "体局", "委组织部", "民政"} <= {f.text for f in found}
    assert not {"发改委", "区乡村振兴局"} & {f.text for f in found}


def test_unit_unbalanced_bracket() -> None:
    failing = run(f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_WORDS}。{S002_UNBALANCED_2}\n")
    [f] = of(failing, "unit.unbalanced_bracket")
    assert f.text.endswith("负责〕") and "〔" in f.message and f.severity == "warning"
    passing = run(f"{S002_HEAD}\n{S002_SECTION}\n{S002_ITEM_BODY}{S002_BALANCED}\n")
    assert of(passing, "unit.unbalanced_bracket") == []


def test_unit_unbalanced_bracket_on_sample_002(docs: dict[str, Document]) -> None:
    found = of(reviewed(docs, "002"), "unit.unbalanced_bracket")
    text = docs["002"].text
    closing = [f for f in found if f.text.endswith("负责〕")]
    assert len(closing) >= 15
    assert all("〔" not in f.text for f in closing)
    assert not any(overlaps(f, text.index(S002_BALANCED), text.index(S002_BALANCED) + len(S002_BALANCED))
                   for f in found)


@pytest.mark.parametrize(("deadline", "past"), [
    ("2017年年底前", True), ("2017年底前", True), ("2019年底前", False), ("2019年年底前", False)])
def test_deadline_past(deadline: str, past: bool) -> None:
    text = f"成文日期:2018-03-01\n(二)加快脱贫致富内源能力建设\n{S004_PAST.replace('2017年年底前', deadline)}\n"
    found = of(run(text), "deadline.past")
    if past:
        [f] = found
        assert f.text == deadline and f.severity == "warning" and "2018-03-01" in f.message
    else:
        assert found == []


def test_text_lost_number_not_for_numbers_in_words_or_quoted_names() -> None:
    sentences = [
        dev("national_quanguo_government_work_report_2019", "新建改建高速公路6000多公里、农村公路30多万公里"),
        dev("national_quanguo_government_work_report_2019", "市场活力和社会创造力源于亿万人民积极性的发挥"),
        dev("city_baoding_government_work_report_2026", "居民人均可支配收入五年增长近万元"),
        dev("provincial_shandong_manufacturing_innovation_three_year_2023", "实施“万名数字专员进企业”行动"),
    ]
    for sentence in sentences:
        assert of(run(sentence), "text.lost_number") == [], sentence
    assert len(of(run(S004_WATER), "text.lost_number")) == 3  # the real losses still are


def test_lead_label_wrapped_over_lines() -> None:
    """Shanghai's Beidou plan as published breaks a label over a blank line: （牵头部⏎⏎门：…）."""
    item = ("8.开展云端一体的智能交通应用。细化北斗在大交通中的应用，助力打造数字交通。（牵头部\n\n"
            "门：市交通委、市水务局、市经济信息化委）")
    if BEIDOU.exists():
        assert "助力打造数字交通。（牵头部\n\n门：市交通委、市水务局、市经济信息化委）" in BEIDOU.read_text(encoding="utf-8")
    result = run(f"三、主要任务\n(三)深化行业应用\n{item}\n")
    assert result.items[0].leads == ["市交通委", "市水务局", "市经济信息化委"]
    assert {f.check for f in result.findings} == {"doc.no_deadline"}  # no unit finding: it has its leads
    for label in ("牵头单\n位", "责任单\n位", "配合单\n位"):
        wrapped = run(f"{S001_HEAD}\n(一)用好“渝悦·防贫”应用。({label}:区农业农村委)\n")
        assert [f.fields["name"] for f in wrapped.doc.facts if f.kind == "unit"] == ["区农业农村委"], label


# ---------------------------------------------------------------- 4b. no task item recognised


MARKDOWN = [("**{}**", "bold"), ("***{}***", "bold italic"), ("*{}*", "italic"), ("_{}_", "underscore"),
            ("\\*\\*{}\\*\\*", "escaped"), ("### {}", "heading"), ("###{}", "heading without space"),
            ("- **{}**", "list")]


@pytest.mark.parametrize("wrap", [w for w, _ in MARKDOWN], ids=[name for _, name in MARKDOWN])
def test_markdown_residue_around_headings(wrap: str) -> None:
    """Sample 001 with every heading line wrapped as a markdown converter writes it: the same
    22 task items, leads and all."""
    lines = [wrap.format(line) if re.match(r"[一二三四五六七]、|\([一二三四五六七八九十]+\)", line) else line
             for line in sample_text("001").splitlines()]
    result = run("\n".join(lines))
    assert len(result.items) == 22
    assert all(s.leads for s in result.items)
    assert of(result, "doc.no_items") == []


def test_bold_headings_after_wrapped_lines() -> None:
    """A PDF-wrapped plan (lines of one width joined into sentences) whose headings a
    converter set in bold, the 。 before each heading taken out so that the line before looks
    wrapped: a bold heading opens a line, it does not continue the one before."""
    plain = dev("national_quanguo_smart_manufacturing_fyp_2021")
    heading = r"(?m)^((?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)[^\n]*)$"
    bold = re.sub(heading, r"**\1**", re.sub(r"。\n((?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）))", r"\n\1", plain))
    want = [s.item.path for s in run(plain).items]
    assert len(want) == 11
    assert [s.item.path for s in run(bold).items] == want


# ---------------------------------------------------------------- 5. every defect fixed → none

# 001's two unquantified targets, each given a number by a minimal edit.


def test_001_with_every_defect_fixed_reports_none(docs: dict[str, Document]) -> None:
    before = reviewed(docs, "001")
    assert {f.check for f in before.findings} == {"item.unquantified_target"}  # what FIXES_001 fixes
    after = run(fixed_001())
    assert after.findings == [], [(f.check, f.section, f.text) for f in after.findings]
    assert all(s.status == "ok" for s in after.items)


def test_004_excerpt_with_every_defect_fixed_reports_none() -> None:
    lists = "(牵头单位:县水利局;责任单位:县交通运输局、各乡镇)"
    excerpt = f"(三)推进基础设施建设\n{S004_INFRA}{S004_WATER}{S004_NET}\n"
    broken = run(excerpt)
    assert {f.check for f in broken.findings} >= {"text.placeholder_year", "text.lost_number", "doc.no_units"}
    fixed = (excerpt.replace("至少万", "至少1.2万").replace("蓄水万", "蓄水3万")
             .replace("渠道公里", "渠道15公里").replace("XX年", "2017年")
             .replace("所有村通宽带。", f"所有村通宽带。{lists}"))
    after = run(f"成文日期:2017-08-01\n{fixed}")
    assert after.findings == [], [(f.check, f.section, f.text) for f in after.findings]
    [status] = after.items
    assert status.leads == ["县水利局"] and status.deadline_source == "own"


# ---------------------------------------------------------------- 6. severity configuration


def test_user_message_replaces_the_built_in_wording(tmp_path: Path) -> None:
    """A pack that rewords a check replaces its translation and worded variants too, so the
    user's message shows in every language and for every finding of the check."""
    pack_file = tmp_path / "wording.yaml"
    pack_file.write_text("checks:\n  deadline.past:\n    message: 时限已过，请核实\n"
                         "  item.no_lead:\n    severity: warning\n", encoding="utf-8")
    pack = load_pack((str(pack_file),))
    past = pack.checks["deadline.past"]
    assert (past.message, past.message_zh, past.variants) == ("时限已过，请核实", "", {})
    kept = pack.checks["item.no_lead"]  # a severity change keeps the wording
    assert kept.message_zh == load_pack().checks["item.no_lead"].message_zh != ""


def test_disable_api() -> None:
    checks = effective_checks(load_pack(), disable=["doc.no_units"])
    assert checks["doc.no_units"].severity == "off"
    result = review(load_pack(), analyse_text(f"(二)加快脱贫致富内源能力建设\n{S004_PAST}\n"), checks)
    assert of(result, "doc.no_units") == [] and of(result, "item.no_unit") == []
    with pytest.raises(RulePackError, match="nosuch"):
        effective_checks(load_pack(), disable=["nosuch"])
    with pytest.raises(RulePackError, match="fatal"):
        effective_checks(load_pack(), enable=["item.no_unit:fatal"])
