"""Older office formats (.doc, .wps, .rtf, .odt, .ofd): converted to .docx by LibreOffice.

LibreOffice reads the binary Word and WPS formats that no Python library reads well; when
``soffice`` (or ``libreoffice``) is on PATH the file is converted in a temporary folder and
read as a .docx. Without it, or when LibreOffice cannot open the file (it has no OFD filter on
most systems), the error says how to convert the file by hand.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..model import InputError
from .docx import docx_to_text

_TIMEOUT = 120  # seconds LibreOffice may take for one file


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_to_text(data: bytes, name: str) -> tuple[str, str]:
    """The plain text of a .doc/.wps/.rtf/.odt/.ofd file, through LibreOffice."""
    suffix = os.path.splitext(name)[1].lower() or ".doc"
    how = (f"convert it to .docx or .pdf (LibreOffice: soffice --headless --convert-to docx '{name}'; "
           f"WPS or Word: Save As .docx) and run policyscan on that file")
    soffice = _soffice()
    if soffice is None:
        raise InputError(f"{name}: reading {suffix} files needs LibreOffice (soffice) on PATH; or {how}")
    with tempfile.TemporaryDirectory(prefix="policyscan-") as folder:
        source = os.path.join(folder, "input" + suffix)
        with open(source, "wb") as handle:
            handle.write(data)
        try:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                            "--convert-to", "docx", "--outdir", folder, source],
                           check=False, capture_output=True, timeout=_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(f"{name}: LibreOffice could not convert the file ({exc}); {how}") from exc
        converted = os.path.join(folder, "input.docx")
        if not os.path.exists(converted):
            raise InputError(f"{name}: LibreOffice could not open this {suffix} file; {how}")
        with open(converted, "rb") as handle:
            return docx_to_text(handle.read(), name)
