"""The pipeline as one call: load → normalise → structure → extract (→ compare or check).

This is the Python API the CLI is a thin layer over; researchers import it directly.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .extract import extract_facts
from .load import iter_documents
from .model import FACT_KINDS, Document, InputError
from .normalise import remove_noise, shadow
from .rules import Check, RulePack, load_pack
from .structure import build_sections, find_breaks, find_chrome, read_metadata

if TYPE_CHECKING:  # compare and check are imported when used: extraction alone starts faster
    from .check import Review
    from .compare import Comparison


def analyse(doc: Document, pack: RulePack, kinds: Collection[str] = FACT_KINDS,
            year: int | None = None, reference_date: str | None = None) -> Document:
    """Run normalise, structure and extract on a loaded document (in place; returned).
    ``year`` / ``reference_date`` (ISO) give the document's own year or date when the user
    knows it: they win over what the text says. Noise (pinyin glosses, HTML tags) is
    removed first; what is found on the compact text is mapped back to the original."""
    folded = shadow(doc.text)
    compaction = remove_noise(doc.text, pack, folded)
    if compaction is None:
        doc.shadow = folded
        return _analyse_clean(doc, pack, kinds, year, reference_date)
    inner = Document(path=doc.path, text=compaction.text, encoding=doc.encoding, format=doc.format,
                     shadow=shadow(compaction.text))
    return compaction.restore(_analyse_clean(inner, pack, kinds, year, reference_date), doc)


def _analyse_clean(doc: Document, pack: RulePack, kinds: Collection[str],
                   year: int | None, reference_date: str | None) -> Document:
    """The stages after normalisation, on a text without noise (``doc.shadow`` is set)."""
    doc.chrome = find_chrome(doc, pack)
    doc.sections = build_sections(doc, pack)
    doc.breaks = find_breaks(doc)
    doc.meta = read_metadata(doc, pack, year, reference_date)
    doc.facts = extract_facts(doc, pack, kinds)
    return doc


def analyse_text(text: str, name: str = "<text>", pack: RulePack | None = None,
                 kinds: Collection[str] = FACT_KINDS, year: int | None = None,
                 reference_date: str | None = None) -> Document:
    """Analyse a string (already decoded)."""
    return analyse(Document(path=name, text=text), pack or load_pack(), kinds, year, reference_date)


def analyse_paths(paths: list[str], pack: RulePack | None = None,
                  kinds: Collection[str] = FACT_KINDS, year: int | None = None,
                  reference_date: str | None = None, glob: str | None = None) -> Iterator[Document | InputError]:
    """Analyse files and folders (every supported file below a folder, or those whose name
    matches ``glob``); a file that cannot be read comes back as its InputError."""
    pack = pack or load_pack()
    for item in iter_documents(paths, glob):
        yield item if isinstance(item, InputError) else analyse(item, pack, kinds, year, reference_date)


def extract(source: str | Path, rules: tuple[str, ...] = (), disable: tuple[str, ...] = (),
            kinds: Collection[str] = FACT_KINDS, year: int | None = None,
            reference_date: str | None = None, glob: str | None = None) -> list[Document]:
    """Extract facts from a path (a file of any supported format, or a folder, narrowed by
    ``glob``) or, when ``source`` is not an existing path, from the string itself. Raises
    InputError for a path that cannot be read. ``year`` / ``reference_date`` (ISO): the
    documents' own year or date, when known."""
    pack = load_pack(tuple(rules), tuple(disable))
    if isinstance(source, Path) or (len(str(source)) < 4096 and "\n" not in str(source)
                                    and Path(str(source)).exists()):
        docs = []
        for item in analyse_paths([str(source)], pack, kinds, year, reference_date, glob):
            if isinstance(item, InputError):
                raise item
            docs.append(item)
        return docs
    return [analyse_text(str(source), pack=pack, kinds=kinds, year=year, reference_date=reference_date)]


def compare_paths(base: str, others: list[str], pack: RulePack | None = None, glob: str | None = None
                  ) -> Iterator[Comparison | InputError]:
    """BASE (a directive) against each OTHER (documents implementing it; ``glob`` narrows
    folders). Raises InputError when BASE cannot be read; an OTHER that cannot be read comes
    back as its InputError."""
    from .compare import compare

    pack = pack or load_pack()
    base_doc = next(analyse_paths([base], pack))
    if isinstance(base_doc, InputError):
        raise base_doc
    for item in analyse_paths(others, pack, glob=glob):
        yield item if isinstance(item, InputError) else compare(pack, base_doc, item)


def check_paths(paths: list[str], pack: RulePack | None = None,
                checks: dict[str, Check] | None = None, year: int | None = None,
                reference_date: str | None = None, glob: str | None = None) -> Iterator[Review | InputError]:
    """Review each document before filing; a file that cannot be read comes back as its
    InputError. ``checks``: the pack's checks with overrides (``check.effective_checks``);
    ``reference_date`` is the documents' own date, the one deadline.past compares with."""
    from .check import review

    pack = pack or load_pack()
    for item in analyse_paths(paths, pack, FACT_KINDS, year, reference_date, glob):
        yield item if isinstance(item, InputError) else review(pack, item, checks)
