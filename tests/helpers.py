"""Helpers shared by test modules: import them (``from helpers import invoke``), as with sample_docs.

tests/ is on sys.path for every test module (pytest puts a conftest's folder there), so this
works from tests/cli/ and tests/hostile/ too.
"""
from __future__ import annotations

import functools
import io
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sample_docs import SAMPLES, sample_text
from typer.testing import CliRunner

from policyscan.check import Finding, Review, review
from policyscan.cli import app
from policyscan.examples import run_examples
from policyscan.model import Document
from policyscan.pipeline import analyse_text
from policyscan.render import xlsx
from policyscan.rules import load_pack

# ---------------------------------------------------------------- paths

REPO = SAMPLES.parent
SAMPLE = SAMPLES / "001_98f145120425fdfb.txt"
PAIRS = SAMPLES / "pairs"
NATIONAL = PAIRS / "national_farm_mechanisation_guofa2018_42.txt"
SHANGHAI = PAIRS / "shanghai_farm_mechanisation_2022.txt"
FORMATS = REPO / "tests" / "formats"
DEV = REPO / "tests" / "corpus" / "dev" / "docs"

# ---------------------------------------------------------------- the command line

runner = CliRunner()

# A wide console, so rich never folds a table cell or a rule id, and English whatever the
# developer's locale (tests/cli/test_lang.py passes its own env to test the locale).
ENV = {"COLUMNS": "300", "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


# The command in a subprocess, where signals, pipes, exit status or a fresh interpreter matter.
POLICYSCAN = [sys.executable, "-c", "from policyscan.cli import app; app()"]


def invoke(*args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None):  # noqa: ANN201 - typer's Result
    """``policyscan ARGS`` in-process through typer's CliRunner (stdout and stderr kept apart)."""
    return runner.invoke(app, list(args), input=stdin, env=ENV if env is None else env)


def json_lines(stdout: str) -> list[dict]:
    """Every record of JSON Lines output."""
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def write(path: Path, text: str) -> Path:
    """A text file (a user rule pack, a document) written as UTF-8."""
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- xlsx: reading a workbook back

KIND_SHEETS = ["Task items", "Targets", "Quotas", "Deadlines", "Lead units (per task item)"]


def load(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def header(ws: Worksheet) -> list[object]:
    return [c.value for c in ws[1]]


def records(ws: Worksheet) -> list[dict[str, object]]:
    """The data rows keyed by their header."""
    keys = header(ws)
    return [dict(zip(keys, row)) for row in ws.iter_rows(min_row=2, values_only=True)]


def assert_layout(book: Workbook) -> None:
    """Every sheet: bold header frozen above a filter over all its rows, no cell a formula."""
    for ws in book:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", ws.title
        assert all(c.font.b for c in ws[1]), ws.title
        assert all(ws.column_dimensions[get_column_letter(i)].width <= xlsx.MAX_WIDTH
                   for i in range(1, ws.max_column + 1)), ws.title
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row), ws.title


# ---------------------------------------------------------------- check: real sentences of the samples, reviewed

def run(text: str, pack_paths: tuple[str, ...] = ()) -> Review:
    pack = load_pack(pack_paths)
    return review(pack, analyse_text(text, pack=pack))


def of(result: Review, check: str) -> list[Finding]:
    return [f for f in result.findings if f.check == check]


def real(key: str, sentence: str) -> str:
    """A sentence that really occurs in sample ``key`` (guards the tests against drift)."""
    assert sentence in sample_text(key), f"not in sample {key}: {sentence}"
    return sentence


def reviewed(docs: dict[str, Document], key: str) -> Review:
    return review(load_pack(), docs[key])


def dev(stem: str, sentence: str | None = None) -> str:
    """A dev-corpus document's text, or a sentence that occurs in it word for word."""
    text = (DEV / f"{stem}.txt").read_text(encoding="utf-8")
    assert sentence is None or sentence in text, f"not in {stem}: {sentence}"
    return text if sentence is None else sentence


def found(data: dict, check: str) -> list[dict]:
    return [f for f in data["findings"] if f["check"] == check]


S001_HEAD = real("001", "一、健全常态化防止返贫致贫监测帮扶机制")


S001_ITEM1 = real("001", "(一)用好“渝悦·防贫”应用。完善“农户、工作、区域”三张画像,健全部门数据共享、农户一键申报等机制,"
                  "突出风险预警、工作预警,强化政策落实、责任落实、工作落实,健全覆盖全体农户的防止返贫致贫常态化监测帮扶机制,"
                  "逐步为“三农”工作奠定数据基座。(牵头单位:区农业农村委;责任单位:区巩固拓展脱贫攻坚成果专班成员单位、各镇街)")


S001_ITEM14 = real("001", "(十四)深化消费帮扶。分解2025年消费帮扶指导性计划到各单位,组织各镇街、各部门通过定点采购、预算单位预留份额、"
                   "组织动员社会力量等方式,以帮助销售为主、直接采购为辅,以市场主导为主、政府推动为辅,调动社会力量参与消费帮扶,"
                   "确保消费帮扶不滑坡、农副产品不滞销、脱贫群众不返贫,全面完成今年我区消费帮扶各项计划。"
                   "(牵头单位:区商务委;责任单位:各消费帮扶责任单位)")


S001_LEADS_B = real("001", "(牵头单位:区商务委;责任单位:各消费帮扶责任单位)")


S002_HEAD = real("002", "二、实施举措")


S002_SECTION = real("002", "(一)持续抓好防贫监测帮扶")


S002_ITEM_BODY = real("002", "1.坚持定期动态监测,健全管理台账。严格落实定期监测机制,重点监测安置点搬迁群众就业、收入和社区融入情况,"
                      "同时加强对地质灾害、消防安全等风险隐患和疫情等重大突发公共事件的定期监测,完善安置点突发性事件应急处置机制,"
                      "分类健全监测工作台账。")


S002_BALANCED = real("002", "〔有关乡镇,区乡村振兴局发改委人社局农业农村局民政局自然资源局应急管理局卫健委消防救援支队等部门按职责分工负责〕")


S004_PAST = real("004", "1、加强扶贫村组织建设。2017年年底前,完成贫困村软弱涣散支部整顿工作。")


FIXES_001 = [("确保消费帮扶不滑坡", "确保消费帮扶金额不低于5000万元、消费帮扶不滑坡"),
             ("确保驻村帮扶工作压茬交接", "确保驻村帮扶工作100%压茬交接")]


def fixed_001() -> str:
    text = sample_text("001")
    for old, new in FIXES_001:
        assert text.count(old) == 1
        text = text.replace(old, new)
    return text


# ---------------------------------------------------------------- compare: real texts with known edits

@dataclass(frozen=True)
class Edit:
    """Replace the first occurrence of ``old`` (which must occur in the real text) by ``new``;
    ``compare`` should report a pair of ``kind`` with ``verdict`` touching the edited span."""

    old: str
    new: str
    kind: str  # quota, deadline, lead, target
    verdict: str


@dataclass
class Applied:
    """An edit and the span it changed in BASE and in OTHER (common prefix and suffix of
    old and new trimmed, so a span holds only what really changed; it may be empty)."""

    edit: Edit
    base_span: tuple[int, int]
    other_span: tuple[int, int]


def _trim(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of old and new."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def mutate(text: str, edits: list[Edit]) -> tuple[str, list[Applied]]:
    """Apply edits to the real text (each at the first occurrence of its ``old``, which must
    exist; edits may not overlap) and return the new text with every edit's spans."""
    located = []
    for edit in edits:
        at = text.find(edit.old)
        assert at >= 0, f"edit text not in the sample (tests must stay on real text): {edit.old!r}"
        located.append((at, edit))
    located.sort(key=lambda t: t[0])
    for (a_at, a), (b_at, _) in itertools.pairwise(located):
        assert a_at + len(a.old) <= b_at, f"edits overlap: {a.old!r}"
    parts, applied, cursor, shift = [], [], 0, 0
    for at, edit in located:
        parts += [text[cursor:at], edit.new]
        cursor = at + len(edit.old)
        prefix, suffix = _trim(edit.old, edit.new)
        base_span = (at + prefix, at + len(edit.old) - suffix)
        o_at = at + shift
        applied.append(Applied(edit, base_span, (o_at + prefix, o_at + len(edit.new) - suffix)))
        shift += len(edit.new) - len(edit.old)
    parts.append(text[cursor:])
    return "".join(parts), applied


EDITS_001 = [
    Edit("不低于8700元", "不低于9000元", "quota", "stricter"),
    Edit("达99%以上", "达95%以上", "quota", "looser"),
    Edit("2.4万人以上", "2.4万户以上", "quota", "different-unit"),
    # (十二): the 牵头单位 label removed, only 责任单位 remains
    Edit("分级分类,实施差异化、精细化管理。(牵头单位:区农业农村委;责任单位:",
         "分级分类,实施差异化、精细化管理。(责任单位:", "lead", "missing"),
    # (十四): another lead unit
    Edit("(牵头单位:区商务委;", "(牵头单位:区财政局;", "lead", "different"),
    # (十五): a real sentence of another sample (003, 三/(二)/1) added to the item
    Edit("(十五)持续做好驻村帮扶。", "(十五)持续做好驻村帮扶。动态培养储备优秀后备力量不少于2人。",
         "quota", "added"),
    # (二十二): the whole item, marker to the end of its unit list
    Edit("(二十二)强化宣传引导。深化总结和展示有效衔接工作成效、典型经验做法。加大正面宣传力度,"
         "加强涉贫涉乡村振兴领域舆情监测和应对处置引导,营造巩固拓展脱贫攻坚成果、全面推进乡村振兴的良好氛围。"
         "(牵头单位:区农业农村委;责任单位:各镇街)", "", "lead", "missing"),
]


# ---------------------------------------------------------------- rule packs

GOOD_RULE = """\
  - id: {rid}
    kind: quota
    pattern: '(?P<qty>(?P<num>\\d+)(?P<unit>眼))'
"""


BAD_PACKS = {
    "invalid_yaml": ("rules:\n  - id: x.bad\n    kind: [quota\n", None, "not valid YAML"),
    "unknown_kind": ("rules:\n  - id: user.kind\n    kind: amount\n    pattern: 'x'\n",
                     "user.kind", "'kind' must be one of"),
    "bad_regex": ("rules:\n  - id: user.regex\n    kind: quota\n    pattern: '(?P<num>\\d+'\n",
                  "user.regex", "bad pattern"),
    "unknown_block": ("rules:\n  - id: user.block\n    kind: quota\n    pattern: '{nosuch}\\d+'\n",
                      "user.block", "unknown block {nosuch}"),
    "missing_id": ("rules:\n  - kind: quota\n    pattern: '\\d+眼'\n", "rule #1", "missing 'id'"),
    "unknown_key": ("rules:\n  - id: user.key\n    kind: quota\n    pattern: '\\d+眼'\n    colour: red\n",
                    "user.key", "unknown key(s): colour"),
}


@functools.cache
def rule_examples() -> list:
    """Every example of the built-in packs, run once (a second or so: only the rule tests ask)."""
    return run_examples(load_pack())


# A saved web page in GBK with a site's furniture around the article (readers and `text -`).
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
