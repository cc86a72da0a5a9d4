"""Older office formats (.doc, .wps, .rtf, .odt): converted to .docx by LibreOffice; OFD named.

LibreOffice reads the binary Word and WPS formats that no Python library reads well; when
``soffice`` (or ``libreoffice``) is on PATH the file is converted in a temporary folder and
read as a .docx. Without it, or when LibreOffice cannot open the file, the error says how to
convert the file by hand. OFD (the Chinese fixed-layout format of e-government archives) has
no LibreOffice filter and no maintained Python reader: its error says to export it to PDF.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile

from ..model import InputError
from .docx import docx_to_text
from .text import Decoded, looks_like_garbage

_TIMEOUT = 120  # seconds LibreOffice may take for one file


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def ofd_unsupported(data: bytes, name: str) -> Decoded:
    """OFD files are reported, not skipped: a folder of them should not look empty."""
    raise InputError(f"{name}: OFD files cannot be read; export it to PDF in an OFD reader (数科OFD阅读器, "
                     f"福昕OFD版式办公套件: 另存为/导出 PDF) and run policyscan on the PDF")


def _convert(soffice: str, source: str, folder: str) -> None:
    """Run LibreOffice in its own process group: soffice forks soffice.bin, which a timeout
    must take down too, or it outlives the temporary profile it runs in."""
    process = subprocess.Popen([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                                "--convert-to", "docx", "--outdir", folder, source],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def office_to_text(data: bytes, name: str) -> Decoded:
    """The plain text of a .doc/.wps/.rtf/.odt file, through LibreOffice."""
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
            _convert(soffice, source, folder)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(f"{name}: LibreOffice could not convert the file ({exc}); {how}") from exc
        converted = os.path.join(folder, "input.docx")
        if not os.path.exists(converted):
            raise InputError(f"{name}: LibreOffice could not open this {suffix} file; {how}")
        with open(converted, "rb") as handle:
            decoded = docx_to_text(handle.read(), name)
    if looks_like_garbage(decoded.text):  # LibreOffice imports a file it cannot identify as plain text
        raise InputError(f"{name}: not a readable {suffix} file (LibreOffice read it as garbage); {how}")
    return decoded
