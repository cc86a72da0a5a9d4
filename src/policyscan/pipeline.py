"""The pipeline as one call: load → normalise → structure → extract (→ compare or check).

This is the Python API the CLI is a thin layer over; researchers import it directly.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from .check import Review, review
from .compare import Comparison, compare
from .extract import extract_facts
from .load import iter_documents
from .model import FACT_KINDS, Document, InputError
from .normalise import shadow
from .rules import Check, RulePack, load_pack
from .structure import build_sections, document_date, find_breaks, find_chrome


def analyse(doc: Document, pack: RulePack, kinds: Collection[str] = FACT_KINDS) -> Document:
    """Run normalise, structure and extract on a loaded document (in place; returned)."""
    doc.shadow = shadow(doc.text)
    doc.chrome = find_chrome(doc, pack)
    doc.sections = build_sections(doc, pack)
    doc.breaks = find_breaks(doc)
    doc.issued = document_date(doc, pack)
    doc.year = int(doc.issued[:4]) if doc.issued else None
    doc.facts = extract_facts(doc, pack, kinds)
    return doc


def analyse_text(text: str, name: str = "<text>", pack: RulePack | None = None,
                 kinds: Collection[str] = FACT_KINDS) -> Document:
    """Analyse a string (already decoded)."""
    return analyse(Document(path=name, text=text), pack or load_pack(), kinds)


def analyse_paths(paths: list[str], pack: RulePack | None = None,
                  kinds: Collection[str] = FACT_KINDS) -> Iterator[Document | InputError]:
    """Analyse files and folders; a file that cannot be read comes back as its InputError."""
    pack = pack or load_pack()
    for item in iter_documents(paths):
        yield item if isinstance(item, InputError) else analyse(item, pack, kinds)


def extract(source: str | Path, rules: tuple[str, ...] = (), disable: tuple[str, ...] = (),
            kinds: Collection[str] = FACT_KINDS) -> list[Document]:
    """Extract facts from a path (file or folder) or, when ``source`` is not an existing
    path, from the string itself. Raises InputError for a path that cannot be read."""
    pack = load_pack(tuple(rules), tuple(disable))
    if isinstance(source, Path) or (len(str(source)) < 4096 and "\n" not in str(source)
                                    and Path(str(source)).exists()):
        docs = []
        for item in analyse_paths([str(source)], pack, kinds):
            if isinstance(item, InputError):
                raise item
            docs.append(item)
        return docs
    return [analyse_text(str(source), pack=pack, kinds=kinds)]


def compare_paths(base: str, others: list[str], pack: RulePack | None = None
                  ) -> Iterator[Comparison | InputError]:
    """BASE (a directive) against each OTHER (documents implementing it). Raises InputError
    when BASE cannot be read; an OTHER that cannot be read comes back as its InputError."""
    pack = pack or load_pack()
    base_doc = next(analyse_paths([base], pack))
    if isinstance(base_doc, InputError):
        raise base_doc
    for item in analyse_paths(others, pack):
        yield item if isinstance(item, InputError) else compare(pack, base_doc, item)


def check_paths(paths: list[str], pack: RulePack | None = None,
                checks: dict[str, Check] | None = None) -> Iterator[Review | InputError]:
    """Review each document before filing; a file that cannot be read comes back as its
    InputError. ``checks``: the pack's checks with overrides (``check.effective_checks``)."""
    pack = pack or load_pack()
    for item in analyse_paths(paths, pack):
        yield item if isinstance(item, InputError) else review(pack, item, checks)
