"""The bundled sample documents, shared by the tests that check extraction on real text."""
from __future__ import annotations

import functools
from pathlib import Path

from policyscan.load import read_document

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NAMES = {p.name[:3]: p for p in sorted(SAMPLES.glob("*.txt"))}  # "000" → samples/000_….txt


@functools.cache
def sample_text(key: str) -> str:
    return read_document(str(NAMES[key])).text
