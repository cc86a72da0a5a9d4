"""Layout: web-page chrome, the heading tree, and a document's clause and sentence breaks.

Headings of Chinese official documents (一、 / (一) / 1. / (1) / ①) are found at the start
of a line or after a run of spaces, because scraped pages often lose the line breaks
between a heading and the paragraph before it. Nesting follows the order in which marker
styles first appear (a style seen before closes everything opened after it), which is how
a reader follows a document that skips a level.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from ..model import Document, Section
from ..rules import RulePack
from ..text.spans import Breaks, SpanSet, clause_ends, offsets, sentence_ends
from .metadata import front_matter_lines

# Where a heading may start: line start, after a space (scraped pages turn line breaks
# into runs of spaces, or one), or after a sentence end (。 ; :) where a scraper ran the
# heading into the paragraph before it.
# Where a heading can start: after a line break, 。 ; : or a space, past any spaces. A run of
# spaces is one place (its end), matched whole so that it is found once, not once per space.
_SEGMENT_START = regex.compile(r"(?:^|(?<=[\n。;:]))[ ]*|[ ]+")


@dataclass
class _Marker:
    style: str  # the heading style's name in the pack, e.g. "cn_paren"
    label: str  # what goes into the section path, e.g. "(四)"
    start: int
    title_start: int


def find_chrome(doc: Document, pack: RulePack) -> SpanSet:
    """Spans of page furniture: whole lines that match a chrome pattern, a notice's list of
    attachments (the 附件: line and the numbered titles right after it), and everything
    from a tail marker (download notices, 'related reading') to the end."""
    lines = pack.compile_list("chrome_lines")
    tail = pack.compile_list("chrome_tail")
    opening, entry = pack.compile_list("attachment_openings"), pack.compile_list("attachment_entries")
    spans = SpanSet(front_matter_lines(doc.shadow, pack))
    offset = 0
    in_attachments = False
    for line in doc.shadow.splitlines(keepends=True):
        body = line.strip()
        if tail is not None and body and tail.search(body):
            spans.add(offset, len(doc.shadow))
            break
        if body:
            in_attachments = (opening is not None and opening.search(body) is not None) or (
                in_attachments and entry is not None and entry.search(body) is not None)
        if in_attachments or (lines is not None and body and lines.search(body)):
            spans.add(offset, offset + len(line))
        offset += len(line)
    return spans


def _markers(doc: Document, pack: RulePack) -> list[_Marker]:
    styles, joined = pack.heading_styles, pack.heading_pattern
    found: list[_Marker] = []
    for pos in sorted({seg.end() for seg in _SEGMENT_START.finditer(doc.shadow)}):
        hit = _heading_at(doc.shadow, pos, styles, joined)
        if hit is None or doc.in_chrome(pos, pos + 1):
            continue
        (style, _, label), m = hit
        found.append(_Marker(style, label.replace("{marker}", m.group("marker")), pos, m.end()))
    return found


def _heading_at(text: str, pos: int, styles: list[tuple[str, regex.Pattern[str], str]],
                joined: regex.Pattern[str] | None) -> tuple[tuple[str, regex.Pattern[str], str], regex.Match[str]] | None:
    """The first heading style that matches at ``pos``, and its match: with the styles joined
    in one pattern when the pack allows it, else style by style."""
    if joined is None:
        return next(((style, m) for style in styles if (m := style[1].match(text, pos))), None)
    m = joined.match(text, pos)
    if m is None:
        return None
    return next(styles[i] for i in range(len(styles)) if m.start(f"style{i}") >= 0), m


def _title(doc: Document, start: int, limit: int) -> str:
    """A heading's text: up to its first 。, line break or lost line break, or the next heading."""
    end = limit
    for stop in ("。", "\n", "  "):
        i = doc.shadow.find(stop, start)
        if i != -1:
            end = min(end, i)
    return doc.text[start:end].strip()


def build_sections(doc: Document, pack: RulePack) -> list[Section]:
    """The heading tree; each section spans from its marker to the next marker of the same
    or an outer level (or the document's end / the start of trailing chrome)."""
    body_end = min((s for s, e in doc.chrome if e == len(doc.text)), default=len(doc.text))
    roots: list[Section] = []
    stack: list[tuple[str, Section]] = []  # (style, section), outermost first
    markers = _markers(doc, pack)
    for mk, following in zip(markers, markers[1:] + [None]):
        if mk.start >= body_end:
            break
        styles = [style for style, _ in stack]
        if mk.style in styles:
            del stack[styles.index(mk.style):]
        depth = len(stack) + 1
        path = "/".join([s.marker for _, s in stack] + [mk.label])
        section = Section(path=path, marker=mk.label, title=_title(doc, mk.title_start, following.start if following else body_end),
                          start=mk.start, end=body_end, depth=depth, text_start=mk.title_start)
        (stack[-1][1].children if stack else roots).append(section)
        stack.append((mk.style, section))
    _close(roots, body_end)
    return roots


def _close(sections: list[Section], end: int) -> None:
    """Each section ends where its next sibling starts; the last one where its parent ends."""
    for current, following in zip(sections, sections[1:] + [None]):
        current.end = following.start if following else end
        _close(current.children, current.end)


def find_breaks(doc: Document, pack: RulePack) -> Breaks:
    """Clause and sentence ends of the shadow, as the pack defines them; heading text starts a
    clause of its own."""
    return Breaks(
        shadow=doc.shadow,
        clause_ends=clause_ends(doc.shadow, pack.clause_end),
        sentence_ends=sentence_ends(doc.shadow, pack.sentence_end),
        heading_text=offsets(sorted(s.text_start for s in doc.all_sections())),
    )
