"""The HTML report (``--format html``) of extract, compare and check: one self-contained file.

A reader trusts a fact only after seeing it in its sentence, so every report shows the
document's own text with the facts highlighted in place, their normalised values on hover
(``title``, no script needed) and on click (a small detail panel). Reports are mailed,
archived and opened offline, so the file carries its own CSS and script and refers to
nothing on the network. Everything taken from a document is escaped: scraped web pages can
hold markup, and a report must never run it.
"""
from __future__ import annotations

import bisect
import html
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from policyscan.check import Finding, ItemStatus, Review
from policyscan.compare import CHANGES, Comparison, FactPair
from policyscan.model import FACT_KINDS, REPORT_GENERATOR, Document, Fact, Section

from .common import describe
from .comparison import KIND_ORDER, KIND_TITLES, SUMMARY_ROWS, VERDICT_COLOURS, coverage, rows_of
from .labels import Labels
from .review import SEVERITY_COLOURS, deadline_text, finding_message, review_heading, status_text

# The named colours of VERDICT_COLOURS and of severities, as CSS.
PALETTE = {"green": "#2f9e44", "cyan": "#0c8599", "red": "#e03131", "yellow": "#f08c00", "blue": "#1c7ed6"}
KIND_COLOURS = {"target": "#4263eb", "quota": "#d6336c", "deadline": "#7048e8", "unit": "#0ca678"}


def _esc(text: str) -> str:
    """Text or attribute value as HTML; a carriage return as a reference, since parsers turn a
    literal one into a line feed and the text must read back exactly."""
    return html.escape(text, quote=True).replace("\r", "&#13;")


# ---------------------------------------------------------------- highlighting

@dataclass(frozen=True)
class Mark:
    """A span of the text to highlight: a fact, a finding, or (empty) a place to link to."""

    start: int
    end: int
    attr: str  # the element carries data-<attr>="<ident>": "fact", "finding" or "item"
    ident: str  # unique in the page; the first piece of the span also takes it as its id
    classes: str
    title: str = ""
    partner: str | None = None  # ident of the paired fact on the other side (compare)

    def tag(self, first: bool) -> str:
        """The opening tag of one piece; only the first carries the id that links point at."""
        attrs = [("id", self.ident)] if first else []
        attrs += [("class", self.classes), (f"data-{self.attr}", self.ident), ("title", self.title)]
        if self.partner:
            attrs.append(("data-partner", self.partner))
        return "<mark" + "".join(f' {name}="{_esc(value)}"' for name, value in attrs if value) + ">"


def highlight(text: str, marks: Sequence[Mark], cuts: Iterable[int] = ()) -> list[tuple[int, str]]:
    """``text`` as HTML with every mark an element, split at ``cuts`` into (offset, html) stretches
    (check sets each task item beside its card).

    Elements must nest, but facts may cross each other and the cuts. So the text is split at
    every boundary, marks open longest first (outermost), and a mark closed early to keep the
    nesting is reopened as another piece. Every piece repeats data-<attr> and the classes, so
    the page holds exactly one distinct ident per mark, however many pieces it takes."""
    size = len(text)
    stops = {c for c in cuts if 0 < c < size}
    opening: dict[int, list[int]] = {}
    for i in sorted(range(len(marks)), key=lambda i: (marks[i].start, -marks[i].end)):
        opening.setdefault(marks[i].start, []).append(i)
    stretches: list[tuple[int, str]] = []
    parts: list[str] = []
    stack: list[int] = []  # open marks, outermost first
    started: set[int] = set()
    stretch_start = pos = 0
    for at in sorted({0, size, *stops, *opening, *(m.end for m in marks)}):
        parts.append(_esc(text[pos:at]))
        pos = at
        ending = [depth for depth, i in enumerate(stack) if marks[i].end <= at]
        keep = 0 if at in stops else (ending[0] if ending else len(stack))
        closed = stack[keep:]
        parts.append("</mark>" * len(closed))
        del stack[keep:]
        if at in stops:
            stretches.append((stretch_start, "".join(parts)))
            stretch_start, parts = at, []
        for i in opening.get(at, ()):
            if marks[i].end == at:  # empty: an anchor, or a fact of no text
                parts.append(marks[i].tag(True) + "</mark>")
        to_open = [i for i in closed + opening.get(at, []) if marks[i].end > at]
        for i in sorted(to_open, key=lambda i: (-marks[i].end, marks[i].start)):
            parts.append(marks[i].tag(i not in started))
            started.add(i)
            stack.append(i)
    stretches.append((stretch_start, "".join(parts)))
    return stretches


def _fact_title(fact: Fact, labels: Labels) -> str:
    """What hovering a fact shows: kind and normalised value, where it is, the rule that found it."""
    value = describe(fact, labels)
    return "\n".join((
        labels(fact.kind) + (f": {value}" if value else ""),
        f"{fact.section or labels('(preamble)')} · {labels('offsets')} {fact.start}–{fact.end}",
        f"{labels('rule')} {fact.rule}",
    ))


def _fact_mark(fact: Fact, ident: str, labels: Labels) -> Mark:
    """A fact coloured by its kind."""
    return Mark(fact.start, fact.end, "fact", ident, f"f k-{fact.kind}", _fact_title(fact, labels))


# ---------------------------------------------------------------- page

_CSS_COLOURS = "\n".join(
    [f".k-{kind}{{--c:{colour};--bg:{colour}33}}" for kind, colour in KIND_COLOURS.items()]
    + [f".by-verdict .v-{verdict}{{--c:{PALETTE[name]};--bg:{PALETTE[name]}38}}"
       for verdict, name in VERDICT_COLOURS.items()]
    + [f".sev-{severity}{{--s:{PALETTE[name]}}}" for severity, name in SEVERITY_COLOURS.items()]
)

_CSS = """
:root{--ink:#1f2329;--muted:#6b7280;--line:#e3e6ea;--wash:#f4f5f7;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:var(--wash);font:15px/1.7 system-ui,-apple-system,"Segoe UI",
 "PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",
 "WenQuanYi Zen Hei","WenQuanYi Micro Hei",sans-serif}
.layout{display:grid;grid-template-columns:auto minmax(0,1fr)}
.layout>main{grid-column:2;grid-row:1}
main{padding:1.25rem 1.75rem;min-width:0}
main.reading>*{max-width:62rem;margin-left:auto;margin-right:auto}
.toc{grid-column:1;grid-row:1;position:sticky;top:0;align-self:start;width:17rem;height:100vh;
 overflow:auto;padding:1.25rem 1rem;border-right:1px solid var(--line);background:#fff;font-size:13px}
.toc ol{padding-left:1.4em;margin:0}.toc li{margin:.35em 0}.toc a{color:inherit}
.toc .note,.muted{color:var(--muted)}
h1{font-size:20px;margin:0 0 .8rem}h2{font-size:19px}h3{font-size:16px}
h2,h3{line-height:1.4;margin:.1em 0 .3em}
a{color:#1864ab}
.doc,.block{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1.1rem 1.4rem;
 margin:0 0 1.4rem}
.path{font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);word-break:break-all}
.meta{display:flex;flex-wrap:wrap;gap:.2rem 1.4rem;margin:.5rem 0;font-size:13px}
.meta dt{display:inline;color:var(--muted)}.meta dt::after{content:" "}.meta dd{display:inline;margin:0}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;list-style:none;padding:.5rem 0 0;margin:.4rem 0 .2rem;
 border-top:1px solid var(--line);font-size:13px}
.legend b{font-weight:600}
.doc>.legend{position:sticky;top:0;z-index:2;background:#fff;padding-bottom:.4rem;border-bottom:1px solid var(--line)}
.swatch{display:inline-block;width:.95em;height:.95em;margin-right:.35em;vertical-align:-.12em;
 border-radius:3px;background:var(--bg);border:2px solid var(--c)}
.swatch.sev{background:none;border:0;border-bottom:3px solid var(--s);border-radius:0}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:16px;line-height:2;margin-top:.8rem;
 font-family:"Songti SC",STSong,"Noto Serif CJK SC","Source Han Serif SC",SimSun,serif}
.text,.legend,.card{--c:#adb5bd;--bg:transparent}
mark{color:inherit;background:var(--bg);border-bottom:2px solid var(--c);border-radius:2px;cursor:pointer;
 -webkit-box-decoration-break:clone;box-decoration-break:clone}
mark mark{padding-bottom:2px}
mark.sel{outline:2px solid var(--c);outline-offset:1px}
mark.partner{outline:2px dashed var(--c);outline-offset:1px}
mark:target{outline:3px solid var(--c)}
.by-verdict mark{--c:#ced4da;--bg:transparent}
.by-verdict mark:not([class*=" v-"]){border-bottom-style:dotted}
mark.finding{--c:var(--s);background:none;border:0;text-decoration:underline wavy var(--s);
 text-decoration-skip-ink:none;text-underline-offset:5px}
mark.anchor{background:none;border:0}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--wash);font-weight:600;white-space:nowrap}
.list{max-height:45vh;overflow:auto;margin:.5rem 0 1rem;border:1px solid var(--line);border-radius:6px}
.list table{margin:0}.list thead th{position:sticky;top:0;z-index:1}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.summary{width:auto;min-width:28rem}
table.summary th{white-space:normal}
.value{color:var(--muted);font-size:12.5px}
.tag{display:inline-block;padding:0 .45em;border-radius:4px;font-size:12px;white-space:nowrap;
 color:#fff;background:var(--c,#868e96)}
.tag.sev{background:var(--s)}
.sbs{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
.side{border:1px solid var(--line);border-radius:8px;padding:.7rem .9rem;min-width:0}
.side .text{max-height:78vh;overflow:auto;position:relative;margin-top:.4rem;padding-right:.4rem}
.role{font-size:12px;font-weight:600;letter-spacing:.05em;color:var(--muted)}
.only-changes:checked~.list tr.unchanged{display:none}
.rows{margin-top:.8rem}
.row{display:grid;grid-template-columns:minmax(0,1fr) 19rem;gap:1.2rem;border-top:1px dashed var(--line)}
.row>.text{margin:0;padding:.3rem 0}
.row.item>.text{border-left:3px solid var(--state,#dee2e6);padding-left:.7rem}
.notes{padding:.5rem 0;font-size:13px}
.card{border:1px solid var(--line);border-left:4px solid var(--state);border-radius:6px;padding:.45rem .7rem;
 background:#fcfcfd}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:.1rem .6rem;margin:.3rem 0 0}
.card dt{color:var(--muted)}.card dd{margin:0}
.state-ok{--state:#2f9e44}.state-warning{--state:#f08c00}.state-error{--state:#e03131}
.flist{list-style:none;padding:0;margin:.4rem 0 0}.flist li{margin:.25rem 0}
#detail{position:fixed;right:1rem;bottom:1rem;z-index:10;width:min(25rem,calc(100vw - 2rem));max-height:55vh;
 overflow:auto;background:#fff;border:1px solid var(--line);border-radius:10px;padding:.6rem .9rem;
 box-shadow:0 10px 30px rgba(0,0,0,.18);font-size:13.5px}
#detail[hidden]{display:none}
#detail .close{float:right;border:0;background:none;font-size:18px;line-height:1;cursor:pointer;color:var(--muted)}
#detail .entry{white-space:pre-line;border-left:4px solid var(--c);padding:.1rem 0 .1rem .6rem;margin:.5rem 0}
#detail .entry a{display:block}
@media (max-width:900px){.layout{display:block}.toc{position:static;width:auto;height:auto}
 .sbs,.row{grid-template-columns:minmax(0,1fr)}}
@media print{body{background:#fff;font-size:11pt}.toc,#detail,.only-changes,.only-changes+label{display:none}
 .layout{display:block}main{padding:0}.doc,.block{border:0;padding:0}.doc+.doc,.block+.block{break-before:page}
 .side .text,.list{max-height:none;overflow:visible}.row{break-inside:avoid-page}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

# Click a highlight: list it and every highlight around it, with a link to its partner.
_JS = """
(() => {
  const panel = document.getElementById('detail'), body = panel.querySelector('.body');
  const MARK = '[data-fact],[data-finding]';
  const pieces = (attr, ident) => document.querySelectorAll(`[data-${attr}="${CSS.escape(ident)}"]`);
  const clear = () => document.querySelectorAll('.sel,.partner').forEach((e) => e.classList.remove('sel', 'partner'));
  const close = () => { panel.hidden = true; clear(); };
  function show(mark) {
    clear();
    body.textContent = '';
    for (let m = mark; m; m = m.parentElement.closest(MARK)) {
      const attr = m.dataset.fact ? 'fact' : 'finding';
      pieces(attr, m.dataset[attr]).forEach((p) => p.classList.add('sel'));
      const entry = body.appendChild(document.createElement('div'));
      entry.className = 'entry';
      entry.textContent = m.title;
      entry.style.setProperty('--c', getComputedStyle(m).getPropertyValue('--c'));
      const partner = m.dataset.partner && document.getElementById(m.dataset.partner);
      if (!partner) continue;
      pieces('fact', m.dataset.partner).forEach((p) => p.classList.add('partner'));
      const link = entry.appendChild(document.createElement('a'));
      link.href = '#' + m.dataset.partner;
      link.textContent = panel.dataset.go;
      const column = partner.closest('.text');
      if (column && column !== mark.closest('.text')) {
        column.scrollTo({top: partner.offsetTop - column.clientHeight / 3, behavior: 'auto'});
      }
    }
    panel.hidden = false;
  }
  document.addEventListener('click', (event) => {
    if (event.target.closest('#detail .close')) return close();
    const mark = event.target.closest('.text mark');
    if (mark && mark.matches(MARK)) show(mark);
  });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  const fromHash = () => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target || !target.matches(MARK)) return;
    target.scrollIntoView({block: 'center'});
    show(target);
  };
  addEventListener('hashchange', fromHash);
  addEventListener('load', fromHash);
})();
"""


def _page_start(out: TextIO, title: str, labels: Labels) -> None:
    """Everything up to <body>: the language for CJK line breaking and fonts, the inline style."""
    out.write(
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if labels.language == "zh" else "en"}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{REPORT_GENERATOR}">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS_COLOURS}\n{_CSS}</style>\n</head>\n<body>\n"
    )


def _page_end(out: TextIO, labels: Labels) -> None:
    """The detail panel and its script: last, so the script finds the whole page."""
    out.write(
        f'<aside id="detail" hidden data-go="{_esc(labels("Go to counterpart"))}">'
        f'<button class="close" type="button" title="{_esc(labels("close"))}">×</button>'
        f'<b>{_esc(labels("Details"))}</b><div class="body"></div></aside>\n'
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _toc(entries: list[tuple[str, str, str]], labels: Labels) -> str:
    """The document list, written last (documents stream) and set beside them by the grid."""
    rows = "".join(f'<li><a href="#{anchor}">{_esc(name)}</a><div class="note">{_esc(note)}</div></li>'
                   for anchor, name, note in entries)
    return f'<nav class="toc"><h3>{_esc(labels("Documents"))}</h3><ol>{rows}</ol></nav>'


def _write_documents(out: TextIO, title: str, parts: Iterable[tuple[str, str, str, str]], labels: Labels,
                     layout: str = "") -> None:
    """A page of documents (extract, check): each (anchor, name, note, html) is written as it
    arrives; a table of contents follows when there are several. ``layout`` classes the main
    column ("reading" keeps lines short)."""
    _page_start(out, title, labels)
    out.write(f'<div class="layout"><main class="{layout}">\n<h1>{_esc(title)}</h1>\n')
    entries = []
    for anchor, name, note, body in parts:
        out.write(body + "\n")
        entries.append((anchor, name, note))
    if not entries:
        out.write(f'<p class="muted">{_esc(labels("no documents"))}</p>')
    out.write("</main>" + (_toc(entries, labels) if len(entries) > 1 else "") + "</div>\n")
    _page_end(out, labels)


def _doc_header(doc: Document, labels: Labels, level: str = "h2", role: str = "") -> str:
    """Title (or path), path, and what the document says of itself, with the year's source."""
    meta = doc.meta
    year = (labels("{year} from {source}", year=meta.year, source=meta.sources.get("year", "?"))
            if meta.year is not None else labels("year unknown"))
    fields = [(key, value) for key, value in (("doc_number", meta.doc_number), ("issuer", meta.issuer),
                                              ("issued", meta.issued)) if value] + [("year", year)]
    about = "".join(f"<div><dt>{_esc(labels(key))}</dt><dd>{_esc(value)}</dd></div>" for key, value in fields)
    return (f'<header>{f"<div class=role>{_esc(role)}</div>" if role else ""}'
            f"<{level}>{_esc(meta.title or doc.path)}</{level}>"
            f'<div class="path">{_esc(doc.path)}</div><dl class="meta">{about}</dl></header>')


def _legend(entries: Iterable[tuple[str, str, int | None]]) -> str:
    """Colour swatches: (class, label, count or None)."""
    items = "".join(f'<li><span class="swatch {cls}"></span>{_esc(label)}'
                    + (f" <b>{count}</b>" if count is not None else "") + "</li>"
                    for cls, label, count in entries)
    return f'<ul class="legend">{items}</ul>'


def _kind_entries(facts: list[Fact], kinds: Collection[str] | None, labels: Labels) -> list[tuple[str, str, int]]:
    """A swatch per kind shown (every kind unless --kind chose some), with its number of facts."""
    counts = Counter(f.kind for f in facts)
    return [(f"k-{k}", labels(k), counts[k]) for k in FACT_KINDS if kinds is None or k in kinds]


# ---------------------------------------------------------------- extract

def write_facts_html(docs: Iterable[Document], out: TextIO, kinds: Collection[str] | None,
                     labels: Labels) -> None:
    """Every document with its facts highlighted in its text, written document by document."""
    def parts() -> Iterable[tuple[str, str, str, str]]:
        for n, doc in enumerate(docs):
            facts, anchor = doc.facts_of_kinds(kinds), f"d{n}"
            marks = [_fact_mark(f, f"{anchor}-{i}", labels) for i, f in enumerate(facts)]
            (_, text), = highlight(doc.text, marks)
            body = (f'<section class="doc" id="{anchor}">{_doc_header(doc, labels)}'
                    f'{_legend(_kind_entries(facts, kinds, labels))}<div class="text">{text}</div></section>')
            yield anchor, doc.meta.title or doc.path, f"{labels('facts')} {len(facts)}", body

    _write_documents(out, labels("Extracted facts"), parts(), labels, "reading")


# ---------------------------------------------------------------- compare

def _pair_title(fact: Fact, pair: FactPair, partner: Fact | None, labels: Labels) -> str:
    """A paired fact's hover text: its own, the verdict, and what stands on the other side."""
    verdict = f"{labels('verdict')}: {labels(pair.verdict)}"
    if pair.similarity is not None:
        verdict += f" · {labels('similarity')} {pair.similarity:.2f}"
    lines = [_fact_title(fact, labels), verdict + (f" · {pair.detail}" if pair.detail else "")]
    if partner is not None:
        value = describe(partner, labels)
        lines.append(f"↔ [{partner.section or labels('(preamble)')}] {partner.text}" + (f" ⟨{value}⟩" if value else ""))
    return "\n".join(lines)


class _Side:
    """One document of a comparison as the report shows it, and the ident of each of its facts
    and task items: b-3, o-3 (c1-b-3 when one BASE is compared with several documents)."""

    def __init__(self, doc: Document, items: list[Section], attr: str, prefix: str, role: str) -> None:
        self.doc, self.items, self.attr, self.prefix, self.role = doc, items, attr, prefix, role  # attr: base or other
        self._facts = {id(f): i for i, f in enumerate(doc.facts)}
        self._items = {id(s): i for i, s in enumerate(items)}

    def holds(self, fact: Fact) -> bool:
        return id(fact) in self._facts

    def fact_id(self, fact: Fact) -> str:
        """A fact's ident; one compare read from the text itself (a body a sentence charges
        with the work) is not among the document's facts and is named by its offset."""
        known = self._facts.get(id(fact))
        return f"{self.prefix}{known}" if known is not None else f"{self.prefix}at{fact.start}"

    def item_id(self, item: Section) -> str:
        return f"{self.prefix}i{self._items[id(item)]}"


def _side_marks(side: _Side, partner: _Side, pairs: list[FactPair], labels: Labels) -> list[Mark]:
    """Every fact of one side, coloured by the verdict of its pair and linked to its partner;
    facts no pair holds (responsible units) stay neutral. Task items get empty anchors."""
    paired: dict[int, FactPair] = {}
    for pair in pairs:
        fact = getattr(pair, side.attr)
        if fact is not None:
            paired.setdefault(id(fact), pair)
    marks = []
    read_by_compare = [f for f in (getattr(p, side.attr) for p in pairs) if f is not None and not side.holds(f)]
    for fact in side.doc.facts + read_by_compare:
        pair = paired.get(id(fact))
        if pair is None:
            marks.append(_fact_mark(fact, side.fact_id(fact), labels))
            continue
        other = getattr(pair, partner.attr)
        marks.append(Mark(fact.start, fact.end, "fact", side.fact_id(fact), f"f k-{fact.kind} v-{pair.verdict}",
                          _pair_title(fact, pair, other, labels),
                          partner.fact_id(other) if other is not None else None))
    marks += [Mark(s.start, s.start, "item", side.item_id(s), "anchor") for s in side.items]
    return marks


def _side_cell(side: _Side, target: Fact | Section | None, labels: Labels) -> str:
    """One side of a changes row: its text linked to its place, its normalised value below."""
    if target is None:
        return "—"
    if isinstance(target, Section):
        return f'<a href="#{side.item_id(target)}">{_esc(target.path)} {_esc(target.title)}</a>'
    value = describe(target, labels)
    return (f'<a href="#{side.fact_id(target)}">[{_esc(target.section or labels("(preamble)"))}] '
            f'{_esc(target.text)}</a>' + (f'<div class="value">{_esc(value)}</div>' if value else ""))


def _changes_table(c: Comparison, key: str, base: _Side, other: _Side, labels: Labels) -> str:
    """Rows by kind, each side linked to its place in the text. What changed is what a reader
    looks for, so unchanged rows (and kinds with nothing else) hide until the box is unticked."""
    rows = []
    for kind in ("item",) + KIND_ORDER:
        pairs = rows_of(c, kind)
        if pairs:
            changed = any(pair.verdict in CHANGES for pair in pairs)
            rows.append(f'<tr class="{"changed" if changed else "unchanged"}">'
                        f'<th colspan="4">{_esc(labels(KIND_TITLES[kind]))}</th></tr>')
        for pair in pairs:
            note = f"{pair.similarity:.2f}" if pair.similarity is not None else ""
            if isinstance(pair, FactPair) and pair.detail:
                note = f"{note} · {pair.detail}" if note else pair.detail
            rows.append(
                f'<tr class="{"changed" if pair.verdict in CHANGES else "unchanged"}">'
                f'<td><span class="tag v-{pair.verdict}">{_esc(labels(pair.verdict))}</span></td>'
                f"<td>{_side_cell(base, pair.base, labels)}</td><td>{_side_cell(other, pair.other, labels)}</td>"
                f'<td class="value">{_esc(note)}</td></tr>')
    head = "".join(f"<th>{_esc(labels(h))}</th>" for h in ("verdict", "BASE", "OTHER", "detail"))
    return (f'<h3>{_esc(labels("Changes"))}</h3><input type="checkbox" class="only-changes" id="{key}-only" '
            f'checked><label for="{key}-only"> {_esc(labels("changes only"))}</label>'
            f'<div class="list"><table class="by-verdict"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _comparison_block(c: Comparison, n: int, prefix: str, labels: Labels) -> str:
    """BASE and one OTHER: the changes, then both texts side by side, each scrolling on its own."""
    def anchored(items: list[Section], side: str) -> list[Section]:
        """The items, and the sections above them that an outline row links to."""
        return list({id(s): s for s in items + [getattr(p, side) for p in c.outline]}.values())

    base = _Side(c.base, anchored(c.base_items, "base"), "base", f"{prefix}b-", labels("BASE"))
    other = _Side(c.other, anchored(c.other_items, "other"), "other", f"{prefix}o-", labels("OTHER"))
    present = Counter(p.verdict for p in c.pairs)
    verdicts = {v: present[v] for v in VERDICT_COLOURS if v in present}
    columns = ""
    for side, partner in ((base, other), (other, base)):
        (_, text), = highlight(side.doc.text, _side_marks(side, partner, c.pairs, labels))
        columns += (f'<div class="side">{_doc_header(side.doc, labels, "h3", side.role)}'
                    f'<div class="text by-verdict">{text}</div></div>')
    return (f'<section class="block" id="cmp-{n}"><h2>{_esc(labels("Comparison with {path}", path=c.other.path))}</h2>'
            f"{_changes_table(c, f'cmp-{n}', base, other, labels)}"
            f'<div class="by-verdict">{_legend((f"v-{v}", labels(v), count) for v, count in verdicts.items())}</div>'
            f'<div class="sbs">{columns}</div></section>')


def _summary(comparisons: list[Comparison], labels: Labels) -> str:
    """What happened to BASE's targets, one column per OTHER, as in the table format."""
    summaries = [c.summary() for c in comparisons]
    head = "".join(f'<th><a href="#cmp-{n}">{_esc(c.other.meta.title or c.other.path)}</a>'
                   f'<div class="path">{_esc(c.other.path)}</div></th>' for n, c in enumerate(comparisons))
    rows = [(labels("similarity"), [f"{s['similarity']:.2f}" for s in summaries]),
            (labels("task items matched"), [coverage(s) for s in summaries])]
    rows += [(labels(label), [str(s[key]) for s in summaries]) for label, key in SUMMARY_ROWS]
    body = "".join(f"<tr><td>{_esc(label)}</td>" + "".join(f'<td class="num">{_esc(v)}</td>' for v in values)
                   + "</tr>" for label, values in rows)
    return (f'<section class="block"><h2>{_esc(labels("summary"))}</h2>'
            f'{_doc_header(comparisons[0].base, labels, "h3", labels("BASE"))}'
            f'<table class="summary"><thead><tr><th>{_esc(labels("summary"))}</th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></section>")


def write_comparisons_html(comparisons: list[Comparison], out: TextIO, labels: Labels) -> None:
    """The summary, then per OTHER its changes and both texts side by side, pairs linked."""
    title = labels("Comparison with {path}", path=comparisons[0].base.path) if comparisons else labels("Comparison")
    _page_start(out, title, labels)
    out.write(f"<main>\n<h1>{_esc(title)}</h1>\n")
    if comparisons:
        out.write(_summary(comparisons, labels) + "\n")
    else:
        out.write(f'<p class="muted">{_esc(labels("no documents"))}</p>')
    for n, c in enumerate(comparisons):
        prefix = f"c{n}-" if len(comparisons) > 1 else ""
        out.write(_comparison_block(c, n, prefix, labels) + "\n")
    out.write("</main>\n")
    _page_end(out, labels)


# ---------------------------------------------------------------- check

def _worst(findings: list[Finding]) -> str:
    """error, warning or ok: the colour of an item's card."""
    return "error" if any(f.severity == "error" for f in findings) else "warning" if findings else "ok"


def _finding_link(finding: Finding, ident: str, labels: Labels) -> str:
    """Severity and check id, linked to the finding's place in the text."""
    return (f'<a href="#{ident}"><span class="tag sev sev-{finding.severity}">{_esc(labels(finding.severity))}</span> '
            f"{_esc(finding.check)}</a>")


def _quote(finding: Finding) -> str:
    """The clause around a finding with the text it points at in bold: “贫困发生率<b>%</b>”."""
    context = finding.context or finding.text
    at = context.find(finding.text) if finding.text else -1
    if at < 0 or finding.text == context:
        return f"“{_esc(context)}”"
    return (f"“{_esc(context[:at])}<b>{_esc(finding.text)}</b>"
            f"{_esc(context[at + len(finding.text):])}”")


def _item_card(status: ItemStatus, labels: Labels) -> str:
    """What a task item states, as the table format's row: units, deadline and its source, status."""
    fields = (("lead units", "、".join(status.leads) or "—"),
              ("responsible units", "、".join(status.responsible) or "—"),
              ("deadline", deadline_text(status, labels)), ("status", status_text(status, labels)))
    rows = "".join(f"<dt>{_esc(labels(key))}</dt><dd>{_esc(value)}</dd>" for key, value in fields)
    return (f'<div class="card state-{_worst(status.findings)}"><b>{_esc(status.item.path)}</b> '
            f"{_esc(status.item.title)}<dl>{rows}</dl></div>")


def _review_document(review: Review, anchor: str, labels: Labels) -> str:
    """Header and findings table, then the text cut at task items, each with its card beside it
    and the findings that fall in it."""
    doc = review.doc
    ids = {id(f): f"{anchor}-x{i}" for i, f in enumerate(review.findings)}
    marks = [_fact_mark(f, f"{anchor}-{i}", labels) for i, f in enumerate(doc.facts)]
    marks += [Mark(f.start, f.end, "finding", ids[id(f)], f"finding sev-{f.severity}",
                   f"{labels(f.severity)} · {f.check}\n{finding_message(f, labels)}") for f in review.findings]
    items = {s.item.start: s for s in review.items}
    stretches = highlight(doc.text, marks, (b for s in review.items for b in (s.item.start, s.item.end)))
    starts = [start for start, _ in stretches]
    notes: list[list[str]] = [[] for _ in stretches]
    for f in review.findings:
        notes[max(bisect.bisect_right(starts, f.start) - 1, 0)].append(
            f"<li>{_finding_link(f, ids[id(f)], labels)} {_esc(finding_message(f, labels))}</li>")
    rows = []
    for (start, text), found in zip(stretches, notes, strict=True):
        status = items.get(start)
        card = _item_card(status, labels) if status else ""
        listed = f'<ul class="flist">{"".join(found)}</ul>' if found else ""
        row_class = f"row item state-{_worst(status.findings)}" if status else "row"
        rows.append(f'<div class="{row_class}"><div class="text">{text}</div>'
                    f'<aside class="notes">{card}{listed}</aside></div>')
    table = "".join(
        f"<tr><td>{_finding_link(f, ids[id(f)], labels)}</td><td>{_esc(f.section or labels('(preamble)'))}</td>"
        f"<td>{_quote(f)}</td><td>{_esc(finding_message(f, labels))}</td></tr>" for f in review.findings)
    head = "".join(f"<th>{_esc(labels(h))}</th>" for h in ("check", "section", "context", "message"))
    findings = (f'<div class="list"><table><thead><tr>{head}</tr></thead><tbody>{table}</tbody></table></div>' if table
                else f'<p class="muted">{_esc(labels("no findings"))}</p>')
    legend = _legend(_kind_entries(doc.facts, None, labels) + [
        ("sev sev-error", labels("error"), review.errors), ("sev sev-warning", labels("warning"), review.warnings)])
    return (f'<section class="doc" id="{anchor}">{_doc_header(doc, labels)}'
            f'<p><b>{_esc(review_heading(review, labels))}</b></p><h3>{_esc(labels("Findings"))}</h3>'
            f'{findings}{legend}<div class="rows">{"".join(rows)}</div></section>')


def write_reviews_html(reviews: Iterable[Review], out: TextIO, labels: Labels) -> None:
    """Each plan's text with its task items' cards and findings beside them, written review by review."""
    def parts() -> Iterable[tuple[str, str, str, str]]:
        for n, review in enumerate(reviews):
            yield (f"d{n}", review.doc.meta.title or review.doc.path, review_heading(review, labels),
                   _review_document(review, f"d{n}", labels))

    _write_documents(out, labels("Plan review"), parts(), labels)
