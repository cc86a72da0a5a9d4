"""Metadata: what a document says about itself — title, 文号, issuing body, issue date —
and the year that dates written without one (7月底, 今年) are resolved from.

Each value is read from the most reliable place that has it, and the place is recorded:
a user's option wins, then labelled front matter (发文字号:, 成文日期:, **发布机构**:), then the
signature block (国务院 / 2018年12月21日), then a report's session line (2021年3月5日在第十三届
全国人民代表大会第四次会议上, or the session alone, whose year follows from the term), then a
year in the title (2021年政府工作报告, 行动计划(2021-2023年)), then a heading that names the
year the document is for (三、2019年政府工作任务). A plan's own period (2025—2027年, “十四五”)
is read from its title lines, else from a statement of it in the text. The labels and
patterns are the pack's ``metadata`` table.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import regex

from ..model import Document, Metadata
from ..rules import RulePack, RulePackError
from ..text.normalise import shadow
from ..text.numbers import parse_number

_DATE = regex.compile(r"((?:19|20)\d\d)\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?"
                      r"|([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_PARENTHETICAL = regex.compile(r"\([^()]*\)")
# a year in a title: 2021年…, (2021-2023年), 数字山东2021行动方案 (not 2000万元)
_TITLE_YEAR = regex.compile(r"(?<![\d.])((?:19|20)\d\d)(?=年|\s*[-~至]|(?![万亿千百元个])\p{Han})")
_DECORATION = " *#>-|[]【】"


@functools.lru_cache(maxsize=8)
def _compiled(pack: RulePack) -> dict[str, Any]:
    """The pack's metadata table with its patterns compiled (once per pack)."""
    table = pack.tables.get("metadata", {})
    labels: dict[str, list[str]] = table.get("labels", {})
    by_label = {label: name for name, words in labels.items() for label in words}
    # a label may be spread with spaces (文　　号) and wrapped in [ ], 【】 or ** **
    alternation = "|".join("[ ]*".join(map(regex.escape, label))
                           for label in sorted(by_label, key=len, reverse=True))

    def compile_entry(pattern: str, where: str) -> regex.Pattern[str]:
        try:
            return regex.compile(pack.expand(pattern, where), regex.V1)
        except regex.error as exc:
            raise RulePackError(f"{where}: bad pattern: {exc}") from exc

    return {
        "labels": labels,
        "by_label": {label.replace(" ", ""): name for label, name in by_label.items()},
        "labelled": regex.compile(
            r"(?:^|(?<=[| ]))[ \-*\[【]*(?P<label>" + alternation + r")[ *\]】]*(?::[ ]*\|?|\|)[ *]*(?P<value>[^|\n]*)",
            regex.M) if alternation else None,
        "doc_number": compile_entry(table.get("doc_number", r"(?!)"), "metadata: doc_number"),
        "title_issuer": compile_entry(table.get("title_issuer", r"(?!)"), "metadata: title_issuer"),
        "issuer_name": compile_entry(table.get("issuer_name", r"(?!)"), "metadata: issuer_name"),
        "signature_suffixes": tuple(table.get("signature_suffixes", [])),
        "year_headings": compile_entry(table.get("year_headings", r"(?!)"), "metadata: year_headings"),
        "year_span": compile_entry("{year_span}", "blocks: year_span"),
        "period_statements": compile_entry("|".join(f"(?:{p})" for p in table.get("period_statements", []))
                                           or r"(?!)", "metadata: period_statements"),
        "sessions": [(compile_entry(s["pattern"], "metadata: sessions"), s) for s in table.get("sessions", [])],
    }


def _head(doc: Document) -> str:
    """The document before its first heading: where titles and front matter stand."""
    first = doc.sections[0].start if doc.sections else len(doc.shadow)
    return doc.shadow[:min(first, 3000)]


def _iso(m: regex.Match[str]) -> str | None:
    """The ISO form of a date written 2018年12月21日, 2018-12-21 or 二〇一八年十二月二十一日."""
    if m.group(1):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        year = int(m.group(4).translate(_YEAR_DIGITS))
        month, day = int(parse_number(m.group(5)) or 0), int(parse_number(m.group(6)) or 0)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _clean(value: str) -> str:
    return value.strip().strip(_DECORATION).strip()


def _front_matter(doc: Document, table: dict[str, Any]) -> dict[str, str]:
    """Labelled fields of the head; for a field with several labels, the earlier label in
    the pack's list wins (成文日期 before 发布日期)."""
    if table["labelled"] is None:
        return {}
    found: dict[str, tuple[int, str]] = {}
    for m in table["labelled"].finditer(_head(doc)):
        label = m.group("label").replace(" ", "")
        name = table["by_label"][label]
        value = regex.split(r"[ ]{2,}", _clean(m.group("value")))[0]
        if name == "issued":
            date = _DATE.search(value)
            value = _iso(date) if date else ""
        elif name == "doc_number":
            number = table["doc_number"].search(value)
            value = number.group(0) if number else ""
        rank = table["labels"][name].index(label) if label in table["labels"][name] else 0
        if value and (name not in found or rank < found[name][0]):
            found[name] = (rank, doc.text[m.start("value"):m.start("value") + len(value)]
                           if name in ("title", "issuer") else value)
    return {name: value for name, (_, value) in found.items()}


def front_matter_lines(shadow: str, pack: RulePack) -> list[tuple[int, int]]:
    """Lines of labelled front matter near the top (发布日期:…, [ 发文字号 ] | …): page
    furniture, whatever dates and numbers they hold."""
    labelled = _compiled(pack)["labelled"]
    if labelled is None:
        return []
    return [(start, end) for start, end in _lines(shadow[:3000]) if labelled.match(shadow, start, end)]


def _lines(shadow: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line."""
    out, offset = [], 0
    for line in shadow.splitlines(keepends=True):
        if line.strip():
            out.append((offset, offset + len(line.rstrip("\r\n"))))
        offset += len(line)
    return out


def _signature(doc: Document, table: dict[str, Any]) -> tuple[str, str | None] | None:
    """The first signature date (a line holding only a date, or a date then 印发) and the
    issuing body written just before it (on its line or the line above)."""
    lines = _lines(doc.shadow)
    for i, (start, end) in enumerate(lines):
        line = doc.shadow[start:end]
        for m in _DATE.finditer(line):
            rest = _PARENTHETICAL.sub("", line[m.end():]).strip()
            if rest and not rest.startswith(table["signature_suffixes"]):
                continue
            iso = _iso(m)
            if iso is None:
                continue
            # what stands before it since the last sentence end (a scraper may have run
            # the signature into the last paragraph)
            before = regex.split(r"[。;!]|[ ]{2,}", line[:m.start()])[-1].strip()
            if before and not table["issuer_name"].fullmatch(before):
                continue  # 时间:2018-03-04, 截至2020年6月30日: a date inside other text
            if before:
                offset = start + line.rindex(before, 0, m.start())
                return iso, doc.text[offset:offset + len(before)]
            return iso, _name_above(doc, lines[:i], table)
    return None


def _name_above(doc: Document, lines: list[tuple[int, int]], table: dict[str, Any]) -> str | None:
    """The issuing body over a signature date: the line above, or the two above when the
    name was broken; a seal note in brackets ((…代章), (此件公开发布)) is passed over."""
    spans = [(s, e) for s, e in lines[-3:] if _PARENTHETICAL.sub("", doc.shadow[s:e]).strip()][-2:]
    for chosen in (spans, spans[-1:]):
        candidate = "".join(doc.shadow[s:e].strip() for s, e in chosen)
        if candidate and table["issuer_name"].fullmatch(candidate):
            return "".join(doc.text[s:e].strip() for s, e in chosen)
    return None


def _title_block_number(doc: Document, table: dict[str, Any]) -> str | None:
    """A 文号 standing on a line of its own in the head, or at the start of the title line
    (a number cited inside the preamble, 根据…(国发〔2018〕39号), is not the document's)."""
    head = _head(doc)
    for start, end in _lines(head):
        m = table["doc_number"].search(head, start, end)
        if m and (m.start() - start <= 2 or end - start <= 40):
            return doc.text[m.start():m.end()]
    return None


def _session(doc: Document, table: dict[str, Any]) -> tuple[str, str | None] | None:
    """A report's session line: (its date or the session's year, as ISO or YYYY)."""
    head = _head(doc) or doc.shadow[:3000]
    for pattern, entry in table["sessions"]:
        m = pattern.search(head)
        if not m:
            continue
        line_start = head.rfind("\n", 0, m.start()) + 1
        date = _DATE.search(head, line_start, m.start())
        if date and _iso(date):
            return "date", _iso(date)
        term, session = parse_number(m.group("term")), parse_number(m.group("session"))
        if term and session:
            year = int(entry["first_year"] + (term - entry["term"]) * entry["term_years"] + session - 1)
            return "year", str(year)
    return None


def _title(doc: Document, pack: RulePack) -> str | None:
    """The first title-like line of the head (…的通知, …实施方案, 政府工作报告), joined with
    the short unpunctuated line before it when a title was broken over two lines."""
    pattern = pack.compile_list("title_lines")
    if pattern is None:
        return None
    head = _head(doc)
    table = _compiled(pack)
    previous: tuple[int, int] | None = None
    for start, end in _lines(head):
        number = table["doc_number"].match(head, start, end)
        if number:  # 潼巩固专办发〔2025〕1号-关于印发…: the title follows the number
            start = number.end()
        body = _clean(head[start:end])
        labelled = table["labelled"] and table["labelled"].match(head, start, end)
        if body and not labelled and pattern.search(body):
            if previous and not regex.search(r"[,;。:!]", head[previous[0]:previous[1]]):
                joined = _clean(doc.text[previous[0]:previous[1]]) + _clean(doc.text[start:end])
                if len(joined) <= 80 and not pattern.search(_clean(head[previous[0]:previous[1]])):
                    return joined
            return _clean(doc.text[start:end])
        previous = (start, end) if len(body) <= 40 and not _DATE.search(body) else None
    return None


def _heading_year(doc: Document, table: dict[str, Any]) -> int | None:
    """The year a section heading names as the document's own (三、2019年政府工作任务)."""
    for section in doc.all_sections():
        m = table["year_headings"].search(doc.shadow, section.text_start, section.text_start + len(section.title))
        if m:
            return int(m.group("year"))
    return None


def _years(m: regex.Match[str] | None) -> tuple[int, int] | None:
    """The first and last year of a year span, when they make a plan period."""
    if m is None:
        return None
    first, last = int(m.group("first")), int(m.group("last"))
    return (first, last) if first <= last <= first + 15 else None


def _period(doc: Document, pack: RulePack, title: str | None) -> tuple[tuple[int, int] | None, str]:
    """The plan's own period: a year span or a named period (十四五) in its title or the
    title-like lines of its head (a period line under the title), else a statement of it in
    the text (规划期为2021—2025年; 从2023年到2025年,利用三年时间), with where it was read
    (title or text). A span cited in the preamble (为贯彻落实《…规划(2018-2022年)》) is another
    document's, not this one's."""
    table = _compiled(pack)
    pattern = pack.compile_list("title_lines")
    head = _head(doc)
    lines = [shadow(title)] if title else []
    lines += [head[s:e] for s, e in _lines(head) if pattern is not None and pattern.search(_clean(head[s:e]))]
    named = {name: years for name, years in pack.tables.get("periods", {}).items() if isinstance(years[0], int)}
    for line in lines:
        line = regex.sub(r"\s", "", line)
        span = _years(table["year_span"].search(line))
        if span:
            return span, "title"
        name = next((name for name in named if name in line), None)
        if name:
            return (named[name][0], named[name][1]), "title"
    stated = next((m for m in table["period_statements"].finditer(doc.shadow)
                   if not doc.in_chrome(m.start(), m.end())), None)
    return _years(stated), "text"


def read_metadata(doc: Document, pack: RulePack, year: int | None = None,
                  reference_date: str | None = None) -> Metadata:
    """The document's metadata; ``year`` / ``reference_date`` (the user's) win over the text."""
    table = _compiled(pack)
    meta = Metadata()
    sources: dict[str, str] = {}

    def put(name: str, value: Any, source: str) -> None:
        if value and getattr(meta, name) is None:
            setattr(meta, name, value)
            sources[name] = source

    if reference_date:
        put("issued", reference_date, "option")
    for name, value in _front_matter(doc, table).items():
        put(name, value, "front_matter")
    signature = _signature(doc, table)
    if signature:
        put("issued", signature[0], "signature")
        put("issuer", signature[1], "signature")
    put("title", _title(doc, pack), "title")
    issuer = table["title_issuer"].match(meta.title or "")
    if issuer:
        put("issuer", _clean(issuer.group("issuer")), "title")
    put("doc_number", _title_block_number(doc, table), "title_block")
    session = _session(doc, table)
    if session and session[0] == "date":
        put("issued", session[1], "session")
    if year:
        put("year", year, "option")
    if meta.issued:
        put("year", int(meta.issued[:4]), sources["issued"])
    if session and session[0] == "year":
        put("year", int(session[1]), "session")
    title_year = _TITLE_YEAR.search(regex.sub(r"\s", "", meta.title or ""))
    if title_year:
        put("year", int(title_year.group(1)), "title")
    put("year", _heading_year(doc, table), "heading")
    put("period", *_period(doc, pack, meta.title))
    meta.sources = sources
    return meta
