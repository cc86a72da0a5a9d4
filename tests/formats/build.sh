#!/usr/bin/env bash
# Rebuild the format fixtures from the bundled samples with LibreOffice, as a user's office
# suite would: each samples/NNN_*.txt → NNN.docx (Word), NNN.pdf (printed from the .docx)
# and NNN.html (the .docx saved as a web page); 001 also as a Word 97 .doc, as a PDF set in
# two columns, as a PDF with turned pages and as a task table printed to PDF. tests/test_formats.py checks that each gives the same facts as its .txt.
# Needs soffice, a CJK font (Debian: libreoffice-writer fonts-wqy-zenhei) and python-docx.
# Usage: bash tests/formats/build.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
samples=../../samples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
office() { soffice --headless "-env:UserInstallation=file://$work/profile" "$@" >/dev/null 2>&1; }
for txt in "$samples"/[0-9][0-9][0-9]_*.txt; do
    n=$(basename "$txt" | cut -c1-3)
    cp "$txt" "$work/$n.txt"
    office --infilter='Text (encoded):UTF8,LF,,,' --convert-to 'docx:MS Word 2007 XML' --outdir "$work" "$work/$n.txt"
    office --convert-to pdf --outdir "$work" "$work/$n.docx"
    office --convert-to 'html:HTML (StarWriter)' --outdir "$work" "$work/$n.docx"
    cp "$work/$n.docx" "$work/$n.pdf" "$work/$n.html" .
    echo "$n: $(wc -c < "$n.docx") bytes docx, $(wc -c < "$n.pdf") bytes pdf, $(wc -c < "$n.html") bytes html"
done
office --convert-to 'doc:MS Word 97' --outdir "$work" "$work/001.docx"
cp "$work/001.doc" .
# Two columns: the same Word file with its section set in two columns, printed to PDF.
"${PYTHON:-../../.venv/bin/python}" - "$work/001.docx" "$work/001-two-columns.docx" <<'PY'
import sys
import docx
from docx.oxml.ns import qn
from docx.oxml import OxmlElement
document = docx.Document(sys.argv[1])
columns = OxmlElement("w:cols")
columns.set(qn("w:num"), "2")
columns.set(qn("w:space"), "425")
document.sections[0]._sectPr.append(columns)
document.save(sys.argv[2])
PY
office --convert-to pdf --outdir "$work" "$work/001-two-columns.docx"
cp "$work/001-two-columns.pdf" .
# The same PDF with every page turned a quarter (/Rotate 90), as scanning software saves it.
"${PYTHON:-../../.venv/bin/python}" - 001.pdf 001-rotated.pdf <<'PY'
import sys
import pypdfium2
document = pypdfium2.PdfDocument(sys.argv[1])
for page in document:
    page.set_rotation(90)
document.save(sys.argv[2])
PY
# A task-division table (重点任务 | 牵头单位), the annex check and compare read lead units from:
# 001's task items, each with its units, as a two-column ruled Word table printed to PDF.
"${PYTHON:-../../.venv/bin/python}" - "$samples"/001_*.txt "$work/001-task-table.docx" <<'PY'
import re, sys
import docx
text = open(sys.argv[1], encoding="utf-8").read()
document = docx.Document()
document.add_paragraph("附件：重点任务分工表")
table = document.add_table(rows=1, cols=2)
table.style = "Table Grid"
table.rows[0].cells[0].text, table.rows[0].cells[1].text = "重点任务", "牵头单位及责任单位"
for task, units in re.findall(r"^(\([一二三四五六七八九十]+\)[^。\n]*。)[^\n]*\(([^()\n]*牵头单位[^()\n]*)\)$", text, re.M):
    row = table.add_row().cells
    row[0].text, row[1].text = task, units
document.save(sys.argv[2])
PY
office --convert-to pdf --outdir "$work" "$work/001-task-table.docx"
cp "$work/001-task-table.pdf" .
echo "001: .doc, two-column, rotated and task-table .pdf"
