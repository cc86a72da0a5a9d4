"""The results store: documents and facts of a corpus in one SQLite file.

A corpus run is long; it gets interrupted, files are added, a few change. The store keeps,
per path, the content hash of the file and the settings its facts came from (rule packs,
options, policyscan version). A re-run skips every file stored with the same hash and
settings, so an interrupted run resumes where it stopped, and a file whose content another
stored file already has is recorded as that file's duplicate instead of being analysed again.
Each document is committed with its facts in one transaction: a killed run loses at most the
document it was writing, never half of one.

Facts keep every field of the JSONL contract: the common ones as columns (indexed for the
questions researchers ask: by kind, indicator, year, unit and document), and the whole JSONL
record as JSON in ``record``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import Document, InputError, PolicyscanError, printable_name
from .render.common import FACT_TABLE_TYPES, fact_table_row

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    path         TEXT PRIMARY KEY,        -- the real path (symlinks and relative parts resolved)
    sha256       TEXT NOT NULL,           -- of the file's bytes
    settings     TEXT NOT NULL,           -- packs, options and version the facts came from
    status       TEXT NOT NULL CHECK (status IN ('analysed', 'failed', 'duplicate')),
    duplicate_of TEXT,                    -- for a duplicate: the stored path with the same content
    error        TEXT,                    -- for a failure: what went wrong
    format       TEXT,
    encoding     TEXT,
    chars        INTEGER,
    facts        INTEGER,
    title        TEXT,
    doc_number   TEXT,
    issuer       TEXT,
    issued       TEXT,
    year         INTEGER,
    period_first INTEGER,
    period_last  INTEGER,
    record       TEXT,                    -- the JSONL document record, as JSON
    stored_at    TEXT NOT NULL            -- UTC, ISO 8601
);
CREATE INDEX IF NOT EXISTS documents_by_content ON documents (sha256, settings);
CREATE INDEX IF NOT EXISTS documents_by_year ON documents (year);
CREATE TABLE IF NOT EXISTS facts (
    doc        TEXT NOT NULL REFERENCES documents (path) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,          -- order within the document
    kind       TEXT NOT NULL,             -- quota, deadline, unit, target
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    section    TEXT,
    rule       TEXT,
    value      REAL,                      -- quota
    low        REAL,
    high       REAL,
    unit       TEXT,
    cmp        TEXT,
    indicator  TEXT,
    relation   TEXT,                      -- deadline
    date       TEXT,                      -- deadline date, or a target's deadline
    begin      TEXT,
    year       INTEGER,                   -- the year of date
    name       TEXT,                      -- unit
    role       TEXT,
    record     TEXT NOT NULL,             -- the whole JSONL fact record, as JSON
    PRIMARY KEY (doc, seq)
);
CREATE INDEX IF NOT EXISTS facts_by_kind ON facts (kind);
CREATE INDEX IF NOT EXISTS facts_by_indicator ON facts (indicator) WHERE indicator IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_by_year ON facts (year) WHERE year IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_by_unit ON facts (unit) WHERE unit IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_by_name ON facts (name) WHERE name IS NOT NULL;
"""
_FACT_COLUMNS = tuple(column for column in FACT_TABLE_TYPES if column != "doc")
_READ_CHUNK = 1 << 20
_BUSY_SECONDS = 60  # how long a write waits for another process holding the store


@dataclass
class Tally:
    """What a run did with its inputs."""

    analysed: int = 0
    unchanged: int = 0  # stored before with the same content and settings: skipped
    duplicates: int = 0  # same content as another stored file: recorded, not analysed
    failed: int = 0
    facts: int = 0
    not_stored: int = 0  # standard input: analysed, not stored

    def summary(self) -> str:
        text = (f"{self.analysed} analysed ({self.facts:,} facts), {self.unchanged} unchanged, "
                f"{self.duplicates} duplicate{'s' * (self.duplicates != 1)}, {self.failed} failed")
        return text + ("; standard input is not stored" if self.not_stored else "")


def settings_key(fingerprint: str, options: Iterable[Any]) -> str:
    """One key for everything besides a file's content that decides its facts: the packs'
    fingerprint, the options, and the code itself (every module of the package, so that an
    upgrade or an edit of a source checkout analyses again)."""
    key = hashlib.sha256(json.dumps([fingerprint, *options], default=str).encode())
    for module in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        key.update(module.read_bytes())
    return key.hexdigest()


def stored_path(given: str) -> str:
    """The key a file is stored under: its real path (symlinks and relative parts resolved),
    so that samples/a.txt, ./samples/a.txt and /abs/samples/a.txt are one document, whichever
    folder the run starts in. Records keep the path as given."""
    return printable_name(os.path.realpath(given))


def file_hash(path: str) -> str | None:
    """sha256 of a file's bytes; None when it cannot be read (the reader then reports why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class ResultsStore:
    """An SQLite results store opened for one run with one set of settings."""

    def __init__(self, path: str, settings: str) -> None:
        self.path, self.settings = path, settings
        self.tally = Tally()
        self._hashes: dict[str, str] = {}  # path → content hash, for the inputs of this run
        try:
            self._db = sqlite3.connect(path, timeout=_BUSY_SECONDS)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and (version != SCHEMA_VERSION or not {"documents", "facts"} <= tables):
                raise PolicyscanError(f"{path}: not a policyscan results store (schema {version}, "
                                      f"tables {', '.join(sorted(tables))}); choose another file")
            self._db.execute("PRAGMA journal_mode = WAL")  # readers (queries, a progress poll) never block the run
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise PolicyscanError(f"{path}: cannot use as a results store: {exc}") from exc

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._db.close()

    def triage(self, inputs: list[str | InputError]) -> list[str | InputError]:
        """The inputs that need analysing. A file given twice is analysed once. A file stored
        with the same content and settings is skipped, and so is its recorded duplicate while
        the file it repeats still has that content; a file with the content of another (stored,
        or earlier in this run) is recorded as its duplicate. Standard input and errors of
        planning always pass through."""
        files = [item for item in inputs if isinstance(item, str) and item != "-"]
        for item in files:
            digest = file_hash(item)
            if digest is not None:
                self._hashes.setdefault(stored_path(item), digest)
        todo: list[str | InputError] = []
        given: set[str] = set()
        first_with: dict[str, str] = {}  # content hash → first path of this run that has it
        for item in inputs:
            key = stored_path(item) if isinstance(item, str) and item != "-" else None
            digest = self._hashes.get(key) if key else None
            if key in given:
                continue
            if key is None or digest is None:
                todo.append(item)
                continue
            given.add(key)
            if self._unchanged(key, digest):
                self.tally.unchanged += 1
                continue
            original = first_with.get(digest) or self._stored_with(digest, key)
            if original is not None:
                self._record_duplicate(key, digest, original)
                continue
            first_with[digest] = key
            todo.append(item)
        return todo

    def _unchanged(self, key: str, digest: str) -> bool:
        """Stored with this content and these settings: analysed, or the duplicate of a file
        that still has this content."""
        row = self._db.execute("SELECT sha256, settings, status, duplicate_of FROM documents WHERE path = ?",
                               (key,)).fetchone()
        if row is None or row[:2] != (digest, self.settings) or row[2] == "failed":
            return False
        return row[2] == "analysed" or self._analysed_as(row[3], digest)

    def _analysed_as(self, key: str, digest: str) -> bool:
        """``key`` is stored as analysed with this content and still has it."""
        current = self._hashes.get(key) or file_hash(key)
        row = self._db.execute("SELECT 1 FROM documents WHERE path = ? AND sha256 = ? AND settings = ? AND status = "
                               "'analysed'", (key, digest, self.settings)).fetchone()
        return current == digest and row is not None

    def _stored_with(self, digest: str, key: str) -> str | None:
        rows = self._db.execute("SELECT path FROM documents WHERE sha256 = ? AND settings = ? AND status = "
                                "'analysed' AND path != ? ORDER BY path", (digest, self.settings, key)).fetchall()
        return next((path for (path,) in rows if self._analysed_as(path, digest)), None)

    def _record_duplicate(self, key: str, digest: str, original: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM documents WHERE path = ?", (key,))
            self._db.execute("INSERT INTO documents (path, sha256, settings, status, duplicate_of, stored_at) "
                             "VALUES (?, ?, ?, 'duplicate', ?, ?)", (key, digest, self.settings, original, _now()))
        self.tally.duplicates += 1

    def record(self, given: str | InputError, result: Document | InputError) -> None:
        """Store one input's result (its document and facts, or its failure) in one transaction."""
        if isinstance(given, InputError):
            return  # a planning error (an empty folder) names no file to store
        if given == "-":
            self.tally.not_stored += 1  # standard input has no path to resume by
            return
        path = stored_path(given)
        digest = self._hashes.get(path) or file_hash(given) or ""
        with self._db:
            self._db.execute("DELETE FROM documents WHERE path = ?", (path,))  # its facts go with it
            if isinstance(result, InputError):
                self.tally.failed += 1
                self._db.execute("INSERT INTO documents (path, sha256, settings, status, error, stored_at) "
                                 "VALUES (?, ?, ?, 'failed', ?, ?)", (path, digest, self.settings, str(result), _now()))
                return
            self.tally.analysed += 1
            self.tally.facts += len(result.facts)
            meta = result.record()
            period = result.meta.period or (None, None)
            self._db.execute(
                "INSERT INTO documents (path, sha256, settings, status, format, encoding, chars, facts, title, "
                "doc_number, issuer, issued, year, period_first, period_last, record, stored_at) "
                "VALUES (?, ?, ?, 'analysed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (path, digest, self.settings, result.format, result.encoding, len(result.text), len(result.facts),
                 meta["title"], meta["doc_number"], meta["issuer"], meta["issued"], meta["year"], *period,
                 json.dumps(meta, ensure_ascii=False), _now()))
            self._db.executemany(
                f"INSERT INTO facts (doc, seq, {', '.join(_FACT_COLUMNS)}) "
                f"VALUES (?, ?, {', '.join('?' * len(_FACT_COLUMNS))})",
                ((path, seq, *(fact_table_row(fact.to_record(result.path))[c] for c in _FACT_COLUMNS))
                 for seq, fact in enumerate(result.facts)))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
