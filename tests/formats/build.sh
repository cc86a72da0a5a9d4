#!/usr/bin/env bash
# Rebuild the format fixtures from the bundled samples with LibreOffice, as a user's office
# suite would: each samples/NNN_*.txt → NNN.docx (Word), NNN.pdf (printed from the .docx)
# and NNN.html (the .docx saved as a web page); 001 also as a Word 97 .doc and as a PDF set
# in two columns. tests/test_formats.py checks that each gives the same facts as its .txt.
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
echo "001: .doc and two-column .pdf"
