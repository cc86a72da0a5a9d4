"""LOAD stage: input paths → ``Document`` objects holding the plain text every offset points into.

Plain text is decoded from its bytes (``text.py``). Saved web pages, Word files and PDFs are
turned into plain text by a reader per format (``html.py``, ``docx.py``, ``pdf.py``); older
office formats are converted through LibreOffice first (``office.py``). ``policyscan text FILE``
prints exactly this text, so any fact's offsets can be checked against it.
"""
from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Callable, Iterator

from ..model import Document, InputError
from .text import decode_bytes

__all__ = ["SUPPORTED_SUFFIXES", "decode_bytes", "expand_paths", "iter_documents", "read_document",
           "text_of"]

# What a reader gets (the file's bytes and its name for messages) and gives: (text, encoding).
Reader = Callable[[bytes, str], tuple[str, str]]


def _read_text(data: bytes, name: str) -> tuple[str, str]:
    return decode_bytes(data, name)


def _read_html(data: bytes, name: str) -> tuple[str, str]:
    from .html import html_to_text
    return html_to_text(data, name)


def _read_docx(data: bytes, name: str) -> tuple[str, str]:
    from .docx import docx_to_text
    return docx_to_text(data, name)


def _read_pdf(data: bytes, name: str) -> tuple[str, str]:
    from .pdf import pdf_to_text
    return pdf_to_text(data, name)


def _read_office(data: bytes, name: str) -> tuple[str, str]:
    from .office import office_to_text
    return office_to_text(data, name)


# Suffix → (format name, reader). A folder is walked for every suffix listed here.
READERS: dict[str, tuple[str, Reader]] = {
    ".txt": ("text", _read_text),
    ".html": ("html", _read_html),
    ".htm": ("html", _read_html),
    ".shtml": ("html", _read_html),
    ".docx": ("docx", _read_docx),
    ".pdf": ("pdf", _read_pdf),
    ".doc": ("doc", _read_office),
    ".wps": ("wps", _read_office),
    ".ofd": ("ofd", _read_office),
    ".rtf": ("rtf", _read_office),
    ".odt": ("odt", _read_office),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(READERS)

_OS_PROBLEMS: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "no such file or directory"),
    (PermissionError, "permission denied"),
    (IsADirectoryError, "is a directory, not a file"),
)


def _read_bytes(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        problem = next((text for kind, text in _OS_PROBLEMS if isinstance(exc, kind)),
                       (exc.strerror or str(exc)).lower())
        raise InputError(f"{path}: {problem}") from exc


def _reader_for(path: str, data: bytes) -> tuple[str, Reader]:
    """The reader by suffix; stdin and unknown suffixes are read as text, unless the bytes
    are plainly an HTML page, a PDF or a Word file."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in READERS:
        return READERS[suffix]
    head = data[:2048].lstrip().lower()
    if data.startswith(b"%PDF"):
        return READERS[".pdf"]
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]:
        return READERS[".docx"]
    if head.startswith((b"<!doctype html", b"<html")):
        return READERS[".html"]
    return READERS[".txt"]


def read_document(path: str) -> Document:
    """Read one file (or '-' for stdin) into a Document whose text is the plain text of the
    file; InputError names the file and the problem."""
    data = _read_bytes(path)
    fmt, reader = _reader_for(path, data)
    text, encoding = reader(data, path)
    return Document(path=path, text=text, encoding=encoding, format=fmt)


def text_of(path: str) -> str:
    """The plain text of a file, as the pipeline sees it (``policyscan text``)."""
    return read_document(path).text


def _files_under(folder: str, glob: str | None) -> list[str]:
    """Supported files below a folder (and matching ``glob``), sorted by path components so
    a folder's files stay together ("a/b" before "a-c"). Walking is iterative: a deeply
    nested tree cannot exhaust the stack."""
    found: list[tuple[str, ...]] = []
    for root, _dirs, files in os.walk(folder):
        relative = os.path.relpath(root, folder)
        prefix = () if relative == os.curdir else tuple(relative.split(os.sep))
        for name in files:
            # Scraped files from Windows machines are often named *.TXT.
            if os.path.splitext(name)[1].lower() in READERS and (glob is None or fnmatch.fnmatch(name, glob)):
                found.append(prefix + (name,))
    return [os.path.join(folder, *parts) for parts in sorted(found)]


def expand_paths(paths: list[str], glob: str | None = None) -> list[str]:
    """Files as given; folders recursively → their supported files (sorted), narrowed by
    ``glob`` (a file-name pattern such as ``*.pdf``); '-' kept as is. A path that does not
    exist is kept too (read_document reports it)."""
    expanded: list[str] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            expanded.extend(_files_under(path, glob))
        else:
            expanded.append(path)
    return expanded


def iter_documents(paths: list[str], glob: str | None = None) -> Iterator[Document | InputError]:
    """For each expanded input, the Document or the InputError for it — one bad file never
    stops the rest."""
    for path in expand_paths(paths, glob):
        try:
            yield read_document(path)
        except InputError as error:
            yield error
