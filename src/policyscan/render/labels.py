"""The words people read, in English or Chinese (``--lang en|zh``).

Only output meant for people is translated — table headings and columns, verdicts, kind and
role names, summaries, the Excel and HTML reports. Machine formats (JSON, JSONL, CSV) keep
their English keys, columns and values whatever the language, so scripts stay stable.

As in gettext, the English text is the message id: ``labels("Targets")`` is "Targets" in
English and "目标" in Chinese, and a message without a Chinese entry falls back to English
rather than failing. Messages with ``{placeholders}`` are formatted after translation.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

LANGUAGES: tuple[str, ...] = ("zh", "en")

# English message id → Chinese. Grouped by what they name; keep ids exactly as rendered in English.
ZH: Mapping[str, str] = {
    # fact kinds and task items
    "quota": "数量指标", "deadline": "时间节点", "unit": "责任单位", "target": "目标任务", "item": "任务事项",
    "Quotas": "数量指标", "Deadlines": "时间节点", "Responsible units": "责任单位", "Targets": "目标任务",
    "Task items": "任务事项", "Lead units (per task item)": "牵头单位(按任务事项)",
    # fact fields
    "value": "数值", "low": "下限", "high": "上限", "cmp": "比较", "indicator": "指标", "relation": "时间关系",
    "date": "日期", "begin": "起始日期", "name": "名称", "role": "角色",
    # unit roles, deadline relations, comparators
    "lead": "牵头", "responsible": "责任", "by": "截至", "from": "自", "during": "期间", "in": "于",
    "unresolved": "未确定", "range": "区间",
    # document metadata
    "document": "文件", "documents": "文件", "title": "标题", "doc_number": "发文字号", "issuer": "发文机关",
    "issued": "成文日期", "year": "年份", "format": "格式", "encoding": "编码", "facts": "要素数",
    "year unknown": "年份未知", "{year} from {source}": "{year}年(依据:{source})", "no facts": "未发现要素",
    "(preamble)": "(前言)",
    # columns
    "doc": "文件", "kind": "类别", "section": "章节", "start": "起", "end": "止", "text": "原文", "rule": "规则",
    "fact text": "原文", "what": "规范化结果", "offsets": "位置",
    # comparison
    "BASE": "上级文件", "base": "上级文件", "other": "下级文件", "verdict": "结论", "similarity": "相似度",
    "detail": "说明", "summary": "概况", "Comparison with {path}": "与 {path} 对照",
    "BASE targets": "上级目标数", "carried down": "已承接", "tightened": "已加严", "loosened": "已放宽",
    "dropped": "未承接", "added": "新增", "task items matched": "任务事项对应",
    "same": "一致", "stricter": "更严", "looser": "更宽", "different-unit": "单位不同", "earlier": "提前",
    "later": "推迟",
    "missing": "未承接", "matched": "已对应", "different": "不同", "related": "是否相关", "truncated": "文本不完整",
    "items taken up": "承接事项", "leads changed": "牵头单位变化", "deadlines moved": "时限变化",
    "Needs a decision": "需要研判", "Dropped: in BASE, not in OTHER": "未承接:上级有、下级无",
    "Added: in OTHER, not in BASE": "新增:下级有、上级无", "BASE items not taken up": "上级未承接事项",
    "BASE items not reached": "下级文本未涉及的上级事项", "OTHER items with no counterpart": "下级新增事项",
    "No item of OTHER corresponds to BASE (similarity {similarity}): the documents look unrelated, so nothing is "
    "judged.": "下级文件没有任何事项与上级文件对应(相似度 {similarity}):两份文件看来无关,不作比对结论。",
    "OTHER ends mid-sentence (truncated): BASE items past its end are not reached, not dropped.":
    "下级文件在句中截断(文本不完整):其后的上级事项记为未涉及,而非未承接。",
    "base_section": "上级章节", "base_text": "上级原文", "base_value": "上级规范化结果", "base_start": "上级起",
    "base_end": "上级止", "other_section": "下级章节", "other_text": "下级原文", "other_value": "下级规范化结果",
    "other_start": "下级起", "other_end": "下级止",
    # check
    "Findings": "问题", "finding": "问题说明", "lead units": "牵头单位", "responsible units": "责任单位", "deadline_source": "时限来源",
    "status": "状态", "check": "检查项", "severity": "级别", "message": "说明", "context": "上下文",
    "error": "错误", "warning": "警告", "ok": "通过", "own": "本条", "plan": "全文年份",
    "{items} task items, {errors} errors, {warnings} warnings": "{items} 项任务,{errors} 个错误,{warnings} 个警告",
    "{count} pair(s) with verdict {verdicts}": "{count} 处对照结论为 {verdicts}",
    # xlsx
    "unit of measure": "计量单位", "task items": "任务事项数", "errors": "错误数", "warnings": "警告数",
    "BASE task items": "上级任务事项数", "coverage": "覆盖率", "differences": "差异数", "Summary": "概况",
    # html report
    "Extracted facts": "要素提取结果", "Comparison": "对照", "Plan review": "方案审查", "Documents": "文件列表",
    "no documents": "没有文件", "no findings": "未发现问题", "Details": "详情", "close": "关闭",
    "Go to counterpart": "转到对应要素", "OTHER": "下级文件", "Changes": "差异", "changes only": "只看差异",
}


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """zh when the locale says Chinese (LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders
    them), else en."""
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class Labels:
    """Translate message ids into one language: ``labels("Targets")``, ``labels("{n} x", n=3)``."""

    def __init__(self, language: str = "en") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
        self.language = language
        self._catalogue: Mapping[str, str] = ZH if language == "zh" else {}

    def __call__(self, message: str, **values: Any) -> str:
        text = self._catalogue.get(message, message)
        return text.format(**values) if values else text

    def message(self, english: str, chinese: str | None) -> str:
        """A message that carries its own translation (a check's message from the rule pack)."""
        return chinese if self.language == "zh" and chinese else english


ENGLISH = Labels("en")
