"""CHECK stage: the review a plan needs before it is filed.

Per task item (a numbered leaf section that is not a statement of principles or goals):
does it name a lead unit, responsible units, a deadline (its own, its section's, or the
plan's period or year), and a number where it uses target wording? Each item is judged
against the document's own convention: a document that assigns units (or leads) to no task,
or to only a few, gets one document-level finding saying so, not one finding per item.
Over the whole text: no task item at all, placeholder years, quantities whose number was
lost, truncated unit names, unbalanced brackets around unit lists, deadlines already past on
the plan's own date, and tasks given two different lead units. Every check has an id and a
severity from the pack (error, warning, off).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TypedDict

from .model import Document, Fact, RulePackError, Section
from .rules import Check, RulePack
from .text.normalise import shadow

DEADLINE_SOURCES = ("own", "section", "plan")


@dataclass
class Finding:
    """One defect, tied to its place: the check that found it, how serious, and the text."""

    check: str
    severity: str  # error or warning
    message: str
    section: str
    text: str  # the exact source text the finding points at
    start: int
    end: int
    context: str = ""  # the clause around it, for a reader to recognise the place
    message_zh: str = ""  # the message in Chinese, for --lang zh ("" when the pack gives none)


@dataclass
class ItemStatus:
    """What a task item states: its units, its deadline and where that deadline comes from."""

    item: Section
    leads: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: str | None = None  # ISO date
    deadline_source: str | None = None  # own, section or plan (one of DEADLINE_SOURCES)
    findings: list[Finding] = field(default_factory=list)
    lead_groups: list[set[str]] = field(default_factory=list, repr=False)  # leads by the sentence naming them

    @property
    def status(self) -> str:
        return "ok" if not self.findings else ", ".join(dict.fromkeys(f.check for f in self.findings))


class Counts(TypedDict):
    """The counts a finding's message cites to say which convention it judged by."""

    items: int
    with_units: int
    with_leads: int
    with_both: int
    dated: int
    undated: int


@dataclass
class Convention:
    """How the document assigns work, counted over its own task items. A practice that at
    least ``share`` of the items follow is the document's convention: an item that departs
    from it is a finding of its own, while a practice the document does not follow at all
    (or on only a few items) is one finding for the whole document."""

    items: int = 0
    with_units: int = 0  # items that name any unit
    parts: dict[int, list[int]] = field(default_factory=dict)  # part's start → [items, items with units]
    with_leads: int = 0  # items that name a lead unit
    with_both: int = 0  # items that name a lead and responsible units too
    split_leads: int = 0  # items that name leads in more than one sentence (sub-task by sub-task)
    dated: int = 0  # items with a deadline of their own or their section's
    undated: int = 0  # items with no deadline at all (none of their own or section's, no plan year)
    share: float = 0.5

    def follows(self, count: int, total: int) -> bool:
        return total > 0 and count >= self.share * total

    def counts(self) -> Counts:
        return {"items": self.items, "with_units": self.with_units, "with_leads": self.with_leads,
                "with_both": self.with_both, "dated": self.dated, "undated": self.undated}

    @property
    def assigns_units(self) -> bool:
        return self.follows(self.with_units, self.items)

    def assigns_units_in(self, part: int) -> bool:
        """Whether the item's part assigns units too: a part that names none (三、保障措施,
        考评方式) sets out how the plan is run, not tasks to assign."""
        items, with_units = self.parts.get(part, [0, 0])
        return self.assigns_units and self.follows(with_units, items)

    @property
    def declares_leads(self) -> bool:
        return self.follows(self.with_leads, self.with_units)

    @property
    def lists_responsible(self) -> bool:
        return self.follows(self.with_both, self.with_leads)

    @property
    def leads_per_sentence(self) -> bool:
        """Leads named sentence by sentence in several items: each names a sub-task's lead."""
        return self.split_leads > 1


@dataclass
class Review:
    """One document's review."""

    doc: Document
    items: list[ItemStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding, items' included
    convention: Convention = field(default_factory=Convention)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def effective_checks(pack: RulePack, enable: Iterable[str] = (), disable: Iterable[str] = ()
                     ) -> dict[str, Check]:
    """The pack's checks with --enable ID[:SEVERITY] and --disable ID applied, as linters do.
    An unknown id or severity is a configuration error."""
    checks = dict(pack.checks)
    unknown = [cid for cid in checks if cid not in _BUILT_IN and checks[cid].pattern is None]
    if unknown:
        raise RulePackError(f"check {unknown[0]}: has no pattern and is not a built-in check")
    for spec in enable:
        cid, _, severity = spec.partition(":")
        if cid not in checks:
            raise RulePackError(f"--enable: no check with id {cid}")
        if severity and severity not in ("error", "warning"):
            raise RulePackError(f"--enable {spec}: severity must be error or warning")
        current = checks[cid].severity
        checks[cid] = replace(checks[cid], severity=severity or (current if current != "off" else "warning"))
    for cid in disable:
        if cid not in checks:
            raise RulePackError(f"--disable: no check with id {cid}")
        checks[cid] = replace(checks[cid], severity="off")
    return checks


# ---------------------------------------------------------------- items

def task_items(pack: RulePack, doc: Document) -> list[Section]:
    """Leaf sections that assign work: statements of principles or goals and looks back
    (by their heading or a heading above them: 基本原则 → 1、政府主导…; 发展基础) are left out."""
    skip = pack.tables["cues"].get("non_task_headings", [])
    tasks = pack.tables["cues"].get("task_heading_words", [])
    looking_back = pack.compile_list("retrospective_headings")

    def assigns_nothing(section: Section) -> bool:
        title = shadow(section.title)
        if looking_back is not None and looking_back.search(title):
            return True
        return any(word in title for word in skip) and not any(word in title for word in tasks)

    return [s for s in doc.items() if not doc.in_chrome(s.start, s.start + 1)
            and not any(assigns_nothing(h) for h in [s, *_ancestors(doc, s)])]


def _own_text_end(section: Section) -> int:
    """A section's own text ends where its first subsection begins."""
    return section.children[0].start if section.children else section.end


def _ancestors(doc: Document, item: Section) -> list[Section]:
    """The sections that hold ``item``, innermost first."""
    return [s for s in reversed(doc.holders(item.start)) if s is not item]


def _deadline(doc: Document, item: Section) -> tuple[str | None, str | None]:
    """The item's deadline and where it comes from: its own text, a section above it, or
    the plan itself (the end of the period it states, 2025—2027年 → 2027, else its year)."""
    own = doc.facts_in("deadline", item.start, item.end)
    if own:
        return own[0].fields.get("date"), "own"
    for holder in _ancestors(doc, item):
        inherited = doc.facts_in("deadline", holder.start, _own_text_end(holder))
        if inherited:
            return inherited[0].fields.get("date"), "section"
    year = doc.meta.period[1] if doc.meta.period else doc.year
    if year:
        return f"{year:04d}-12-31", "plan"
    return None, None


def _part(doc: Document, item: Section) -> int:
    """Where the top-level section an item belongs to starts (-1 for items that are top-level
    themselves; two parts may share a path, 三 of the text and 三 of an attached list)."""
    holders = _ancestors(doc, item)
    return holders[-1].start if holders else -1


def _lead_groups(doc: Document, leads: list[Fact]) -> list[set[str]]:
    """The lead units an item names, grouped by the sentence that names them."""
    by_sentence: dict[int, set[str]] = {}
    for lead in leads:
        at = doc.breaks.sentence(lead.start)[0] if doc.breaks else 0
        by_sentence.setdefault(at, set()).add(lead.fields["name"])
    return list(by_sentence.values())


class _Reporter:
    """Makes findings for the checks that are on, and drops those that are off."""

    def __init__(self, doc: Document, checks: dict[str, Check]) -> None:
        self.doc, self.checks = doc, checks
        self.findings: list[Finding] = []

    def on(self, cid: str) -> bool:
        return self.checks[cid].severity != "off"

    def report(self, cid: str, start: int, end: int, variant: str | None = None,
               severity: str | None = None, **values: str | int) -> Finding | None:
        """A finding of check ``cid``, worded by the check's message or by one of its
        ``variants`` (templates in the pack, filled with ``values``); ``severity`` raises a
        check that is on to error where the document itself declares what it lacks."""
        check = self.checks[cid]
        if check.severity == "off":
            return None
        english, chinese = check.variants.get(variant or "", (check.message, check.message_zh))
        section = self.doc.section_at(start)
        c_start, c_end = self.doc.breaks.clause(start) if self.doc.breaks else (start, end)
        english, chinese = (english.format(**values), chinese.format(**values)) if values else (english, chinese)
        finding = Finding(cid, severity or check.severity, english,
                          section.path if section else "", self.doc.text[start:end], start, end,
                          self.doc.text[min(c_start, start):max(c_end, end)], chinese)
        self.findings.append(finding)
        return finding


def _status(doc: Document, item: Section) -> ItemStatus:
    """What a task item states, before it is judged."""
    units = doc.facts_in("unit", item.start, item.end)
    leads = [u for u in units if u.fields.get("role") == "lead"]
    status = ItemStatus(item, leads=list(dict.fromkeys(u.fields["name"] for u in leads)),
                        responsible=[u.fields["name"] for u in units if u.fields.get("role") != "lead"],
                        lead_groups=_lead_groups(doc, leads))
    status.deadline, status.deadline_source = _deadline(doc, item)
    return status


def _convention(pack: RulePack, doc: Document, statuses: list[ItemStatus]) -> Convention:
    """Count how the document's task items assign units, leads and deadlines."""
    convention = Convention(items=len(statuses), share=float(pack.tables["cues"].get("convention_share", 0.5)))
    for status in statuses:
        named = bool(status.leads or status.responsible)
        convention.with_units += named
        part = convention.parts.setdefault(_part(doc, status.item), [0, 0])
        part[0] += 1
        part[1] += named
        convention.with_leads += bool(status.leads)
        convention.with_both += bool(status.leads and status.responsible)
        convention.split_leads += len(status.lead_groups) > 1
        convention.dated += status.deadline_source in ("own", "section")
        convention.undated += status.deadline_source is None
    return convention


def _review_item(doc: Document, status: ItemStatus, rep: _Reporter, convention: Convention) -> None:
    """The item's findings, each judged against the document's convention."""
    item, counts = status.item, convention.counts()
    heading = (item.start, item.text_start + len(item.title))
    found: list[Finding | None] = []
    if not (status.leads or status.responsible) and convention.assigns_units_in(_part(doc, item)):
        found.append(rep.report("item.no_unit", *heading, "convention", **counts))
    elif status.responsible and not status.leads and convention.declares_leads:
        found.append(rep.report("item.no_lead", *heading, "convention", **counts))
    elif status.leads and not status.responsible and convention.lists_responsible:
        found.append(rep.report("item.no_responsible", *heading, "convention", **counts))
    if status.deadline_source is None and convention.follows(convention.dated, convention.items):
        found.append(rep.report("item.no_deadline", *heading, "convention", **counts))
    if status.deadline_source != "own":
        found.append(rep.report("item.own_deadline", *heading, status.deadline_source,
                                deadline=status.deadline or ""))
    if rep.on("item.unquantified_target") and not doc.facts_in("quota", item.start, item.end):
        cues = rep.checks["item.unquantified_target"].params.get("cues", [])
        hit = min(((doc.shadow.find(c, item.text_start, item.end), c) for c in cues
                   if doc.shadow.find(c, item.text_start, item.end) != -1), default=None)
        if hit is not None and doc.breaks is not None:
            _, clause_end = doc.breaks.clause(hit[0])
            found.append(rep.report("item.unquantified_target", hit[0], clause_end))
    groups = status.lead_groups
    # a later sentence whose leads share none with the first's: a later group that repeats,
    # narrows or widens the first keeps its lead
    other = next((g for g in groups[1:] if not g & groups[0]), None) if groups else None
    if other is not None and not convention.leads_per_sentence:
        later = next(u for u in doc.facts_in("unit", item.start, item.end)
                     if u.fields.get("role") == "lead" and u.fields["name"] in other)
        found.append(rep.report("item.conflicting_leads", later.start, later.end, "named",
                                first="、".join(sorted(groups[0])), second="、".join(sorted(other))))
    status.findings = [f for f in found if f is not None]


# ---------------------------------------------------------------- document-wide checks

def _document_span(doc: Document) -> tuple[int, int]:
    """Where a finding about the whole document points: its title, else its first line."""
    title = doc.meta.title
    at = doc.text.find(title) if title else -1
    if title and at >= 0:
        return at, at + len(title)
    offset = 0
    for line in doc.text.splitlines(keepends=True):
        body = line.strip()
        if body and not doc.in_chrome(offset, offset + len(line)):
            start = offset + line.index(body)
            return start, start + len(body)
        offset += len(line)
    return 0, 0


def _no_items(doc: Document, rep: _Reporter) -> None:
    """A document in which no task item was recognised: say why, so it is not taken as clean."""
    sections = [s for s in doc.all_sections() if not doc.in_chrome(s.start, s.start + 1)]
    if not sections:
        rep.report("doc.no_items", *_document_span(doc), "no_headings")
    else:
        titles = "、".join(dict.fromkeys(shadow(s.title)[:12] for s in sections if s.depth == 1))
        rep.report("doc.no_items", *_document_span(doc), "only_principles",
                   sections=len(sections), titles=titles)


def _conventions(doc: Document, rep: _Reporter, convention: Convention) -> None:
    """One finding for a document that does not assign units (or leads) task by task, and
    one for a document that dates too few of its tasks to fall back on no plan year."""
    span, counts = _document_span(doc), convention.counts()
    if convention.undated and not convention.follows(convention.dated, convention.items):
        rep.report("doc.no_deadline", *span, **counts)
    if not convention.assigns_units:
        declared = rep.checks["doc.no_units"].params.get("declared_by", [])
        word = next((w for w in declared if w in shadow(doc.meta.title or "")), None)
        if word is not None:
            rep.report("doc.no_units", *span, "declared", severity="error", word=word, **counts)
        else:
            rep.report("doc.no_units", *span, "few" if convention.with_units else "none", **counts)
    elif not convention.declares_leads:
        rep.report("doc.no_leads", *span, "few" if convention.with_leads else "none", **counts)


# ---------------------------------------------------------------- text-wide checks

def _text_patterns(doc: Document, rep: _Reporter) -> None:
    """Every check with a pattern, over the text outside web-page chrome."""
    for cid, check in rep.checks.items():
        if check.pattern is None or check.severity == "off":
            continue
        for m in check.pattern.finditer(doc.shadow):
            if not doc.in_chrome(m.start(), m.end()):
                rep.report(cid, m.start(), m.end())


def _unknown_units(pack: RulePack, doc: Document, rep: _Reporter) -> None:
    known, stems = pack.organisations.complete, pack.organisations.stems
    for unit in (f for f in doc.facts if f.kind == "unit"):
        name = unit.fields.get("name", "")
        if name in known:
            continue
        whole = next((k for k in sorted(known) if len(k) > len(name) and k.endswith(name)), None)
        if name in stems:
            rep.report("unit.unknown_name", unit.start, unit.end, "short_form", name=name)
        elif whole is not None:
            rep.report("unit.unknown_name", unit.start, unit.end, "truncated", name=name, whole=whole)


def _brackets(doc: Document, rep: _Reporter) -> None:
    """Unit lists in 〔…〕 whose opening or closing bracket is missing, paragraph by paragraph."""
    pairs = rep.checks["unit.unbalanced_bracket"].params.get("brackets", [])
    offset = 0
    for line in doc.shadow.splitlines(keepends=True):
        for pair in pairs:
            opener, closer = pair[0], pair[1]
            open_at: list[int] = []
            for i, char in enumerate(line):
                if char == opener:
                    open_at.append(offset + i)
                elif char == closer and open_at:
                    open_at.pop()
                elif char == closer and doc.breaks is not None:
                    start, _ = doc.breaks.sentence(offset + i)
                    rep.report("unit.unbalanced_bracket", start, offset + i + 1, "unopened",
                               opener=opener, closer=closer)
            for at in open_at:
                rep.report("unit.unbalanced_bracket", at, min(at + 30, offset + len(line.rstrip())), "unclosed",
                           opener=opener, closer=closer)
        offset += len(line)


def _past_deadlines(doc: Document, rep: _Reporter) -> None:
    """Deadlines before the plan's own date: the --reference-date when given (it wins over
    the text), else the issue or signature date the document states."""
    if not doc.issued:
        return
    for d in (f for f in doc.facts if f.kind == "deadline"):
        date, relation = d.fields.get("date"), d.fields.get("relation")
        if date and relation in ("by", "in", "during") and date < doc.issued:
            rep.report("deadline.past", d.start, d.end, "dated", date=date, issued=doc.issued)


# Checks implemented here: the whole-document ones with their runner; the per-item ones
# (None) run inside _review_item, the document's convention ones in review itself.
_BUILT_IN: dict[str, Callable[[RulePack, Document, _Reporter], None] | None] = {
    "item.no_unit": None, "item.no_lead": None, "item.no_responsible": None,
    "item.no_deadline": None, "item.own_deadline": None, "item.unquantified_target": None,
    "item.conflicting_leads": None, "doc.no_items": None, "doc.no_units": None, "doc.no_leads": None,
    "doc.no_deadline": None,
    "unit.unknown_name": _unknown_units,
    "unit.unbalanced_bracket": lambda pack, doc, rep: _brackets(doc, rep),
    "deadline.past": lambda pack, doc, rep: _past_deadlines(doc, rep),
}


def review(pack: RulePack, doc: Document, checks: dict[str, Check] | None = None) -> Review:
    """Run every check that is on over an analysed document."""
    checks = checks if checks is not None else effective_checks(pack)
    rep = _Reporter(doc, checks)
    result = Review(doc)
    result.items = [_status(doc, item) for item in task_items(pack, doc)]
    result.convention = _convention(pack, doc, result.items)
    for status in result.items:
        _review_item(doc, status, rep, result.convention)
    if not result.items:
        _no_items(doc, rep)
    else:
        _conventions(doc, rep, result.convention)
    _text_patterns(doc, rep)
    for cid, run in _BUILT_IN.items():
        if run is not None and cid in checks and rep.on(cid):
            run(pack, doc, rep)
    result.findings = sorted(rep.findings, key=lambda f: (f.start, f.check))
    return result
