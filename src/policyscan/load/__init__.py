"""LOAD stage: input paths → ``Document`` objects holding the plain text every offset points into.

Plain text is decoded from its bytes (``text.py``). Saved web pages, Word files and PDFs are
turned into plain text by a reader per format (``html.py``, ``docx.py``, ``pdf.py``); older
office formats are converted through LibreOffice first (``office.py``). ``policyscan text FILE``
prints exactly this text, so any fact's offsets can be checked against it.
"""
from __future__ import annotations

import fnmatch
import importlib
import os
import sys
from collections.abc import Callable, Iterator

from ..model import Document, InputError
from .text import Decoded, decode_bytes, unify_newlines

__all__ = ["READERS", "Decoded", "decode_bytes", "expand_paths", "iter_documents", "plan_inputs",
           "read_document", "text_of"]

# What a reader gets (the file's bytes and its name for messages) and gives: the text, its
# encoding and any notices about how it was read.
Reader = Callable[[bytes, str], Decoded]


def _lazy(module: str, function: str) -> Reader:
    """A reader whose module (and library: lxml, python-docx, pdfplumber) is imported on first
    use, so reading .txt files never pays for them."""
    def read(data: bytes, name: str) -> Decoded:
        reader: Reader = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return reader(data, name)
    return read


# Suffix → (format name, reader). A folder is walked for every suffix listed here.
READERS: dict[str, tuple[str, Reader]] = {
    ".txt": ("text", decode_bytes),
    ".html": ("html", _lazy("html", "html_to_text")),
    ".htm": ("html", _lazy("html", "html_to_text")),
    ".shtml": ("html", _lazy("html", "html_to_text")),
    ".docx": ("docx", _lazy("docx", "docx_to_text")),
    ".pdf": ("pdf", _lazy("pdf", "pdf_to_text")),
    ".doc": ("doc", _lazy("office", "office_to_text")),
    ".wps": ("wps", _lazy("office", "office_to_text")),
    ".rtf": ("rtf", _lazy("office", "office_to_text")),
    ".odt": ("odt", _lazy("office", "office_to_text")),
    ".ofd": ("ofd", _lazy("office", "ofd_unsupported")),
}
# Office lock files (~$报告.docx) sit beside open documents and are not documents.
_LOCK_FILE_PREFIX = "~$"

_OS_PROBLEMS: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "no such file or directory"),
    (PermissionError, "permission denied"),
    (IsADirectoryError, "is a directory, not a file"),
)


def _problem(exc: OSError) -> str:
    """What an OSError says, in the words of the other messages."""
    return next((text for kind, text in _OS_PROBLEMS if isinstance(exc, kind)), (exc.strerror or str(exc)).lower())


def _read_bytes(path: str) -> bytes:
    """The file's bytes ('-': standard input's, which may have been closed by the caller)."""
    if path == "-" and sys.stdin is None:
        raise InputError("-: standard input is closed")
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"{path}: {_problem(exc)}") from exc


def _sniffed(data: bytes) -> str | None:
    """The suffix the bytes plainly are, whatever the file is called: sites serve web pages
    and PDFs as "download Word" links named .doc."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]:
        return ".docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Word 97 and WPS files
        return ".doc"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<!--")) and b"<html" in data[:4096].lower():
        return ".html"
    return None


def _reader_for(path: str, data: bytes) -> tuple[str, Reader]:
    """The reader the bytes call for when they plainly are another format than the suffix
    says (plain text excepted: a .txt is read as text); else the reader of the suffix; stdin
    and unknown suffixes are text unless the bytes say otherwise."""
    suffix = os.path.splitext(path)[1].lower()
    sniffed = _sniffed(data)
    if suffix == ".txt" or (suffix in READERS and sniffed in (None, suffix)):
        return READERS[suffix]
    return READERS[sniffed or ".txt"]


def read_document(path: str) -> Document:
    """Read one file (or '-' for stdin) into a Document whose text is the plain text of the
    file; InputError names the file and the problem, whatever went wrong inside a reader."""
    data = _read_bytes(path)
    fmt, reader = _reader_for(path, data)
    try:
        decoded = reader(data, path)
    except InputError:
        raise
    except Exception as exc:  # a reader library's own error on a malformed file: name the file
        raise InputError(f"{path}: cannot read this {fmt} file ({type(exc).__name__}: {exc})") from exc
    return Document(path=path, text=unify_newlines(decoded.text), encoding=decoded.encoding, format=fmt,
                    notices=list(decoded.notices))


def text_of(path: str) -> str:
    """The plain text of a file, as the pipeline sees it (``policyscan text``)."""
    return read_document(path).text


def _is_supported(name: str, glob: str | None) -> bool:
    # Scraped files from Windows machines are often named *.TXT: suffixes and --glob ignore case.
    return (os.path.splitext(name)[1].lower() in READERS and not name.startswith(_LOCK_FILE_PREFIX)
            and (glob is None or fnmatch.fnmatchcase(name.lower(), glob.lower())))


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A file to read: a regular file, or a link that leads nowhere (reading it says why). A
    named pipe or a device in a folder is not a document, and reading it could wait forever."""
    try:
        return entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path))
    except OSError:  # a link that leads round in a loop
        return True


def _files_under(folder: str, glob: str | None) -> list[str | InputError]:
    """Supported files below a folder (and matching ``glob``), sorted by path components so
    a folder's files stay together ("a/b" before "a-c"); a subfolder that cannot be read is
    an InputError in its place, not skipped in silence. The walk keeps its own stack (a tree
    1,000 deep cannot exhaust Python's) and does not follow links to folders (a link loop
    cannot make it go round for ever)."""
    found: list[tuple[tuple[str, ...], str | InputError]] = []
    stack: list[tuple[str, ...]] = [()]
    while stack:
        parts = stack.pop()
        here = os.path.join(folder, *parts)
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((*parts, entry.name))
                    elif _is_supported(entry.name, glob) and _is_file(entry):
                        found.append(((*parts, entry.name), entry.path))
        except OSError as exc:
            found.append((parts, InputError(f"{here}: cannot read this folder: {_problem(exc)}")))
    found.sort(key=lambda place: place[0])
    return [item for _, item in found]


def expand_paths(paths: list[str], glob: str | None = None) -> list[str | InputError]:
    """Files as given; folders recursively → their supported files (sorted), narrowed by
    ``glob`` (a file-name pattern such as ``*.pdf``), and an InputError for each subfolder
    that cannot be read; '-' kept as is. A path that does not exist is kept too
    (read_document reports it)."""
    expanded: list[str | InputError] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            expanded.extend(_files_under(path, glob))
        else:
            expanded.append(path)
    return expanded


def plan_inputs(paths: list[str], glob: str | None = None) -> list[str | InputError]:
    """Every file the inputs stand for, in order, before any is read: files as given, folders
    expanded; a folder with no file to read is an InputError in its place, so that a mistyped
    --glob does not look like an empty result. Knowing them all first gives a batch its total."""
    planned: list[str | InputError] = []
    for given in paths:
        expanded = expand_paths([given], glob)
        if not expanded:
            wanted = f"matching {glob!r}" if glob else f"of a supported kind ({', '.join(READERS)})"
            planned.append(InputError(f"{given}: no files {wanted} in this folder"))
        planned.extend(expanded)
    return planned


def iter_documents(paths: list[str], glob: str | None = None) -> Iterator[Document | InputError]:
    """For each planned input, the Document or the InputError for it — one bad file never
    stops the rest."""
    for item in plan_inputs(paths, glob):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield read_document(item)
        except InputError as error:
            yield error
