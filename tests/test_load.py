"""Tests for the LOAD stage: decoding guesses, input errors, path expansion."""
from __future__ import annotations

import codecs
import io
import os
import random
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from policyscan.pipeline import analyse_text
from policyscan.load import decode_bytes, expand_paths, iter_documents, read_document
from policyscan.model import Document, InputError

SIMPLIFIED = "确保低收入群体年人均纯收入不低于8700元。"
TRADITIONAL = "大蘿卜5000畝、辣椒500畝。"


def write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def read_error(path: str) -> str:
    with pytest.raises(InputError) as caught:
        read_document(path)
    return str(caught.value)


def test_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.txt", SIMPLIFIED.encode("utf-8"))
    doc = read_document(path)
    assert (doc.path, doc.text, doc.encoding) == (path, SIMPLIFIED, "utf-8")


def test_utf8_bom_is_stripped_so_offsets_start_at_first_char(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.txt", codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == SIMPLIFIED
    assert doc.text[0] == "确"
    assert doc.text.index("8700") == SIMPLIFIED.index("8700")
    assert doc.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(tmp_path: Path, bom: bytes, codec: str) -> None:
    # UTF-16 is full of NUL bytes: it must not be mistaken for a binary file.
    path = write(tmp_path / "doc.txt", bom + (SIMPLIFIED + "\r\n").encode(codec))
    doc = read_document(path)
    assert doc.text == SIMPLIFIED + "\n"
    assert doc.encoding == codec


def test_gbk_simplified(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.txt", SIMPLIFIED.encode("gbk"))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (SIMPLIFIED, "gb18030")


def test_gbk_that_big5_also_decodes_is_read_as_gbk() -> None:
    text = "国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见"
    data = text.encode("gbk")
    assert data.decode("big5") != text  # both codecs accept these bytes
    assert decode_bytes(data, "x") == (text, "gb18030", ())


def test_big5_traditional_decodes_exactly(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.txt", TRADITIONAL.encode("big5"))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (TRADITIONAL, "big5")


def test_big5_that_gb18030_reads_as_ideographs_is_read_as_big5() -> None:
    # GB18030 turns these bytes into three valid but obscure ideographs (瓣叭皘), so
    # counting CJK-block characters alone cannot tell the decodings apart.
    text = "國務院"
    data = text.encode("big5")
    misread = data.decode("gb18030")
    assert all(0x4E00 <= ord(char) <= 0x9FFF for char in misread)
    assert decode_bytes(data, "x") == (text, "big5", ())


def test_cp950_extension_characters() -> None:
    text = "科學園區裏的碁盤式道路"  # 裏 and 碁 exist only in Microsoft's Big5 (cp950)
    assert decode_bytes(text.encode("cp950"), "x") == (text, "cp950", ())


def test_crlf_and_lone_cr_read_as_line_breaks(tmp_path: Path) -> None:
    """As Python's text mode reads them, so offsets agree with open(path).read()."""
    text = "一、总体要求\r\n（一）指导思想\r\n\r\n二、主要目标\r旧式换行\n"
    path = write(tmp_path / "doc.txt", text.encode("gbk"))
    assert read_document(path).text == "一、总体要求\n（一）指导思想\n\n二、主要目标\n旧式换行\n"
    assert [s.path for s in analyse_text(read_document(path).text).all_sections()] == ["一", "一/(一)", "二"]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n\x00\x01\x02\x03 binary stream",
        bytes(range(1, 32)) * 20 + "正文".encode(),  # no NUL, mostly controls
    ],
)
def test_binary_file_rejected_with_its_name(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "scan.txt", data)
    assert read_error(path) == f"{path}: binary file, not text"


@pytest.mark.parametrize("data", [b"", b" \r\n\t", "\u3000\r\n".encode("utf-8"), codecs.BOM_UTF8])
def test_empty_file_rejected(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "empty.txt", data)
    assert read_error(path) == f"{path}: empty file"


def test_missing_path_rejected(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.txt")
    assert read_error(path) == f"{path}: no such file or directory"


def test_directory_given_to_read_document_rejected(tmp_path: Path) -> None:
    assert read_error(str(tmp_path)) == f"{tmp_path}: is a directory, not a file"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.txt", SIMPLIFIED.encode("utf-8"))
    os.chmod(path, 0)
    try:
        assert read_error(path) == f"{path}: permission denied"
    finally:
        os.chmod(path, 0o644)


def test_undecodable_rejected() -> None:
    rng = random.Random(0)
    data = bytes(rng.randrange(1, 256) for _ in range(400))  # no NULs, no encoding
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "noise.txt")
    assert str(caught.value) == "noise.txt: cannot decode as UTF-8, GB18030 or Big5"


def test_expand_paths_recursive_sorted_supported_only(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    for name in ["b.txt", "a.txt", "notes.md", "a-b.txt", "a/z.txt", "a/deep/x.TXT", "a/y.html", "c.pdf",
                 "d.docx", "e.png"]:
        write(root / name, b"x")
    (root / "nothing").mkdir()
    write(root / "only_md" / "readme.md", b"x")
    single = write(tmp_path / "single.md", b"x")
    missing = str(tmp_path / "missing.txt")

    result = expand_paths([single, str(root), "-", missing])

    expected_in_root = ["a/deep/x.TXT", "a/y.html", "a/z.txt", "a-b.txt", "a.txt", "b.txt", "c.pdf", "d.docx"]
    assert result == [single, *(os.path.join(root, name) for name in expected_in_root), "-", missing]


def test_expand_paths_glob_narrows_a_folder(tmp_path: Path) -> None:
    for name in ["a.txt", "b.pdf", "sub/c.pdf", "sub/d.html"]:
        write(tmp_path / name, b"x")
    assert expand_paths([str(tmp_path)], glob="*.pdf") == [str(tmp_path / "b.pdf"), str(tmp_path / "sub" / "c.pdf")]


def test_expand_paths_folder_without_supported_files_yields_nothing(tmp_path: Path) -> None:
    write(tmp_path / "notes.md", b"x")
    assert expand_paths([str(tmp_path)]) == []


def test_iter_documents_mixes_documents_and_errors_in_order(tmp_path: Path) -> None:
    good = write(tmp_path / "1_good.txt", SIMPLIFIED.encode("utf-8"))
    folder = tmp_path / "batch"
    in_folder_good = write(folder / "a.txt", TRADITIONAL.encode("big5"))
    in_folder_empty = write(folder / "b.txt", b"")
    missing = str(tmp_path / "missing.txt")
    binary = write(tmp_path / "2_binary.txt", b"\x00\x01\x02")

    results = list(iter_documents([good, missing, str(folder), binary]))

    assert [type(r) for r in results] == [Document, InputError, Document, InputError, InputError]
    assert [r.path for r in results if isinstance(r, Document)] == [good, in_folder_good]
    errors = [str(r) for r in results if isinstance(r, InputError)]
    assert errors == [
        f"{missing}: no such file or directory",
        f"{in_folder_empty}: empty file",
        f"{binary}: binary file, not text",
    ]


def test_stdin_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(SIMPLIFIED.encode("gbk"))))
    [doc] = list(iter_documents(["-"]))
    assert isinstance(doc, Document)
    assert (doc.path, doc.text, doc.encoding) == ("-", SIMPLIFIED, "gb18030")


def test_stdin_dash_error_names_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(b"")))
    assert read_error("-") == "-: empty file"
