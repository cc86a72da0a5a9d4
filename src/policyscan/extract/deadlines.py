"""Deadlines: a relation (by / from / during / in) and ISO dates, with missing years taken
from context and placeholder years (XX年) left unresolved.

Rule patterns name the parts of a date: ``year``, ``month``, ``day``, ``part`` (底, 末,
上半年, 秋学期 …) and, for spans, ``year2``, ``month2``, ``part2``; ``period`` for named plan
periods (十四五); ``this_year`` / ``next_year`` for 今年 / 明年; ``days`` / ``months`` for bounds counted from the
document's own date. The relation comes from the rule's ``fields``.
"""
from __future__ import annotations

import calendar
import datetime as dt

import regex

from ..model import Fact
from ..text.numbers import parse_number
from .context import Context, Match, run_rules

_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = parse_number(text) if text[:1].isdigit() else None
    return int(value) if value else None


def _month(text: str | None) -> int | None:
    value = parse_number(text) if text else None
    return int(value) if value and 1 <= value <= 12 else None


def _context_year(ctx: Context, offset: int) -> int | None:
    """A year for a date that gives none: the sentence's own years, else the document's
    year, else the nearest year written before it."""
    s_start, s_end = ctx.sentence(offset)
    years = [int(y) for y in _YEAR.findall(ctx.doc.shadow[s_start:s_end])]
    if years:
        return years[0]
    if ctx.doc.year:
        return ctx.doc.year
    earlier = [m for m in _YEAR.finditer(ctx.doc.shadow, 0, offset)
               if not ctx.is_ignored(m.start(), m.end())]
    return int(earlier[-1].group(1)) if earlier else None


def _own_year(ctx: Context, match: Match) -> int | None:
    """今年 is the document's year, 明年 / 次年 the one after."""
    if ctx.doc.year is None:
        return None
    return ctx.doc.year + (1 if match.group("next_year") else 0)


def _bounds(ctx: Context, year: int | None, month: int | None, part: str | None,
            day: int | None = None) -> tuple[str, str] | None:
    """First and last day of the named period, or None when the year is unknown."""
    if year is None:
        return None
    if month and day and day <= calendar.monthrange(year, month)[1]:
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        return iso, iso
    periods = ctx.pack.tables["periods"]
    if part and part in periods and isinstance(periods[part][0], str):
        first, last = periods[part]
        end_year = year + 1 if last < first else year  # a period running into the next year
        return f"{year:04d}-{first}", f"{end_year:04d}-{last}"
    if month:
        last_day = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last_day:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _resolve(ctx: Context, match: Match, suffix: str = "") -> tuple[str, str] | None:
    """Bounds of the date named by the groups ending in ``suffix`` ("" or "2")."""
    year_text = match.group("year" + suffix)
    month = _month(match.group("month" + suffix))
    part = match.group("part" + suffix)
    day_text = match.group("day" + suffix)
    day = int(day_text) if day_text and day_text.isdigit() else None
    if year_text is not None:
        year = _year(year_text)  # None for a placeholder such as XX
    elif match.group("this_year") or match.group("next_year"):
        year = _own_year(ctx, match)
    else:
        year = _context_year(ctx, match.start)
    return _bounds(ctx, year, month, part, day)


def _relative(ctx: Context, match: Match) -> str | None:
    """A bound counted from the document's own date (印发之日起30日内); None when the count
    cannot be read or the date would fall past the calendar (year 9999)."""
    if not ctx.doc.issued:
        return None
    issued = dt.date.fromisoformat(ctx.doc.issued)
    days, months = match.group("days"), match.group("months")
    count = parse_number(days or months or "")
    if count is None:
        return None
    try:
        if days:
            return (issued + dt.timedelta(days=int(count))).isoformat()
        month_index = issued.month - 1 + int(count)
        year, month = issued.year + month_index // 12, month_index % 12 + 1
        day = min(issued.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day).isoformat()
    except (OverflowError, ValueError):  # past dt.date.max (or calendar's range)
        return None


def interpret(ctx: Context, match: Match) -> Fact | None:
    relation = match.rule.fields.get("relation", "by")
    begin: str | None = None
    if match.group("period"):
        years = ctx.pack.tables["periods"].get(match.group("period"))
        if not years:
            return None
        begin, date = f"{years[0]}-01-01", f"{years[1]}-12-31"
        if relation == "from":
            date = begin
    elif (match.group("this_year") or match.group("next_year")) and not match.group("part") \
            and not match.group("month"):
        bounds = _bounds(ctx, _own_year(ctx, match), None, None)
        if bounds is None:
            return None  # 今年 in a document that never says its year dates nothing one can know
        date = bounds[0] if relation == "from" else bounds[1]
    elif match.group("days") or match.group("months"):
        date = _relative(ctx, match)
    else:
        first = _resolve(ctx, match)
        if relation == "during":
            last = _resolve(ctx, match, "2")
            begin = first[0] if first else None
            date = last[1] if last else None
        elif relation == "from":
            date = first[0] if first else None
        else:
            date = first[1] if first else None
    if date and ctx.doc.year and int(date[:4]) < ctx.doc.year and relation in ("in", "during"):
        return None  # 2023年,全市… or “十三五”时期 in a 2025 document narrates the past; it bounds
        # nothing (a past 'by' stays: in a plan under review it is a stale bound, which check reports)
    return ctx.fact("deadline", match.rule, match.start, match.end,
                    relation=relation, date=date, begin=begin if relation == "during" else None)


def extract(ctx: Context) -> list[Fact]:
    """Deadlines in document order; a section that looks back (2023年工作回顾, “十三五”时期
    工作回顾) dates nothing to come: its years and periods are narration."""
    looking_back = ctx.sections_headed("retrospective_headings")
    facts = (interpret(ctx, m) for m in run_rules(ctx, "deadline"))
    return [f for f in facts if f is not None and not looking_back.overlaps(f.start, f.end)]
