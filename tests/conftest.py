"""Fixtures shared across test modules."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from sample_docs import NAMES

from policyscan.load import read_document
from policyscan.model import Document
from policyscan.pipeline import analyse
from policyscan.rules import RulePack, load_pack


def pytest_configure(config: pytest.Config) -> None:
    """Compiled packs go to a cache of the test run's own (subprocesses inherit it), never the user's."""
    config.policyscan_cache = tempfile.mkdtemp(prefix="policyscan-cache-")  # type: ignore[attr-defined]
    os.environ["POLICYSCAN_CACHE_DIR"] = config.policyscan_cache  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(getattr(config, "policyscan_cache", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def pack() -> RulePack:
    """The built-in packs, loaded once."""
    return load_pack()


@pytest.fixture(scope="session")
def docs() -> dict[str, Document]:
    """Every sample analysed once with the built-in packs, by its three-digit key."""
    pack = load_pack()
    return {key: analyse(read_document(str(path)), pack) for key, path in NAMES.items()}
