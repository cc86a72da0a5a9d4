"""``--format html``: one self-contained report for extract, compare and check.

The acceptance criteria of the HTML report issue, encoded:

* every fact is highlighted in the document's own text, as one distinct ``data-fact`` id however
  many pieces crossing spans split it into, and the text reads back exactly as the document;
* nothing from a document runs: markup in the text, a path or a title stays text;
* the file refers to nothing on the network;
* compare links each fact to its partner, check shows the findings beside their items;
* in a real browser (headless Chromium) the page paints its highlights and the script keeps
  the facts intact.
"""
from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from sample_docs import NAMES, SAMPLES

from policyscan.check import Review, effective_checks, review
from policyscan.compare import Comparison, compare
from policyscan.model import Document, Fact
from policyscan.pipeline import analyse_text
from policyscan.render import render_comparisons, render_facts, render_reviews
from policyscan.render.labels import Labels
from policyscan.render.report import KIND_COLOURS, PALETTE, Mark, highlight

EN, ZH = Labels("en"), Labels("zh")
PAIRS = sorted((SAMPLES / "pairs").glob("*.txt"))
PAYLOADS = '<script>alert(1)</script> "><img src=x onerror=alert(1)> \'><svg onload=alert(1)> & &amp; </textarea>'


@pytest.fixture(scope="module")
def comparison(pack) -> Comparison:
    """The bundled directive (BASE) against the plan implementing it (OTHER)."""
    base, other = (analyse_text(p.read_text(encoding="utf-8"), str(p), pack) for p in PAIRS)
    return compare(pack, base, other)


def extract_html(docs: list[Document], labels: Labels = EN) -> str:
    out = io.StringIO()
    render_facts(iter(docs), "html", out, labels=labels)
    return out.getvalue()


def compare_html(comparisons: list[Comparison], labels: Labels = EN) -> str:
    out = io.StringIO()
    render_comparisons(comparisons, "html", out, labels=labels)
    return out.getvalue()


def check_html(reviews: list[Review], labels: Labels = EN) -> str:
    out = io.StringIO()
    render_reviews(iter(reviews), "html", out, labels=labels)
    return out.getvalue()


def fact_ids(page: str) -> set[str]:
    return set(re.findall(r'data-fact="([^"]*)"', page))


def texts(page: str) -> list[str]:
    """The document text blocks, tags stripped and references resolved, in page order (a text
    block holds only marks, never a div)."""
    return [html.unescape(re.sub(r"<[^>]*>", "", block))
            for block in re.findall(r'<div class="text[^"]*">(.*?)</div>', page, re.S)]


def pieces_text(tree, fact_id: str) -> str:
    """The text of every piece of one fact, joined: pieces of one fact never nest in each other."""
    return "".join(p.text_content() for p in tree.xpath(f'//mark[@data-fact="{fact_id}"]'))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the content of each script and style element."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in][-1] += data

    def named(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def crossing_doc() -> Document:
    """Spans that cross (a-b, b-c), nest (d in a), share a start, coincide, and one that is empty."""
    text = "<甲>乙丙丁戊己庚辛壬癸\n子丑寅卯\r\n辰巳"
    spans = [(0, 6), (3, 9), (7, 14), (1, 2), (0, 3), (3, 9), (12, 12), (10, len(text))]
    facts = [Fact("quota" if i % 2 else "target", text[a:b], a, b, "", f"test.{i}", {"value": i})
             for i, (a, b) in enumerate(spans)]
    return Document(path="crossing.txt", text=text, facts=facts)


# ---------------------------------------------------------------- highlighting

@pytest.mark.parametrize("key", sorted(NAMES))
def test_every_fact_is_one_id_and_the_text_reads_back(docs: dict[str, Document], key: str) -> None:
    doc = docs[key]
    page = extract_html([doc])
    assert len(fact_ids(page)) == len(doc.facts) > 0
    assert texts(page) == [doc.text]


def test_crossing_spans_keep_one_id_per_fact() -> None:
    doc = crossing_doc()
    page = extract_html([doc])
    assert len(fact_ids(page)) == len(doc.facts)
    assert texts(page) == [doc.text]
    tree = lxml.html.document_fromstring(page)
    for n, fact in enumerate(doc.facts):
        assert pieces_text(tree, f"d0-{n}") == fact.text
        assert len(tree.xpath(f'//*[@id="d0-{n}"]')) == 1  # links point at the first piece only
    assert len(tree.xpath('//mark[@data-fact="d0-1"]')) > 1  # crossing spans are split


def test_highlight_cuts_into_stretches_that_each_nest() -> None:
    text = "0123456789abcdef"
    marks = [Mark(2, 12, "fact", "a", "f"), Mark(5, 8, "fact", "b", "f"), Mark(7, 15, "fact", "c", "f")]
    stretches = highlight(text, marks, [6, 10, 10, 0, 99])
    assert [start for start, _ in stretches] == [0, 6, 10]
    assert "".join(html.unescape(re.sub(r"<[^>]*>", "", s)) for _, s in stretches) == text
    for _, stretch in stretches:
        assert stretch.count("<mark") == stretch.count("</mark>")
    joined = "".join(s for _, s in stretches)
    assert [joined.count(f'id="{m}"') for m in "abc"] == [1, 1, 1]


def test_documents_are_written_one_by_one(docs: dict[str, Document]) -> None:
    """The report starts before the second document exists, and lists both in its contents."""
    out = io.StringIO()

    def documents() -> Iterator[Document]:
        yield docs["000"]
        assert 'id="d0"' in out.getvalue()
        yield docs["001"]

    render_facts(documents(), "html", out, labels=EN)
    page = out.getvalue()
    toc = lxml.html.document_fromstring(page).xpath('//nav[@class="toc"]//a/@href')
    assert toc == ["#d0", "#d1"]
    assert len(fact_ids(page)) == len(docs["000"].facts) + len(docs["001"].facts)


def test_kind_option_limits_highlights(docs: dict[str, Document]) -> None:
    out = io.StringIO()
    render_facts(iter([docs["001"]]), "html", out, kinds=("quota",), labels=EN)
    quotas = [f for f in docs["001"].facts if f.kind == "quota"]
    assert len(fact_ids(out.getvalue())) == len(quotas)
    assert texts(out.getvalue()) == [docs["001"].text]


# ---------------------------------------------------------------- safety and self-containment

def hostile(pack, path: str = 'evil"><img src=x onerror=alert(1)>.txt') -> Document:
    text = (f"关于{PAYLOADS}的通知\n一、工作目标\n到2025年底,{PAYLOADS}低收入群体年人均纯收入达到8700元以上。\n"
            f"二、主要任务\n(一)加强技能培训{PAYLOADS}。区农业农村委牵头,各镇街负责。\n")
    return analyse_text(text, path, pack)


def all_reports(pack) -> dict[str, str]:
    doc = hostile(pack)
    return {"extract": extract_html([doc]), "compare": compare_html([compare(pack, doc, hostile(pack, "<b>o</b>"))]),
            "check": check_html([review(pack, doc, effective_checks(pack))])}


@pytest.mark.parametrize("report", ["extract", "compare", "check"])
def test_markup_in_a_document_stays_text(pack, report: str) -> None:
    doc = hostile(pack)
    assert doc.facts, "the hostile document should still yield facts"
    page = all_reports(pack)[report]
    assert "<script>alert" not in page and "<img" not in page and "<svg" not in page
    tags = Tags(page)
    assert not tags.named("img") and not tags.named("svg") and not tags.named("textarea")
    assert len(tags.raw["script"]) == 1 and "alert" not in tags.raw["script"][0]
    assert not any(name.startswith("on") for _, attrs in tags.tags for name in attrs)
    assert all(text == doc.text for text in (texts(page) if report != "check" else ["".join(texts(page))]))


@pytest.mark.parametrize("report", ["extract", "compare", "check"])
def test_no_network_references(pack, docs: dict[str, Document], comparison: Comparison, report: str) -> None:
    page = {"extract": lambda: extract_html(list(docs.values())), "compare": lambda: compare_html([comparison]),
            "check": lambda: check_html([review(pack, docs["002"], effective_checks(pack))])}[report]()
    tags = Tags(page)
    assert not tags.named("link") and not tags.named("img") and not tags.named("iframe")
    assert not any("src" in attrs for _, attrs in tags.tags)
    assert all((a.get("href") or "#").startswith("#") for a in tags.named("a"))
    for code in tags.raw["style"] + tags.raw["script"]:
        assert "url(" not in code and "@import" not in code and "http" not in code
    assert tags.named("meta")[0] == {"charset": "utf-8"}
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')


# ---------------------------------------------------------------- compare and check

def marked_facts(c: Comparison) -> int:
    """Facts a comparison's report marks: both documents' own, and those compare read from
    the text itself (bodies a sentence charges with the work)."""
    read = {id(p.other) for p in c.pairs if p.other is not None} - {id(f) for f in c.other.facts}
    return len(c.base.facts) + len(c.other.facts) + len(read)


def test_compare_links_both_texts(comparison: Comparison) -> None:
    page = compare_html([comparison])
    tree = lxml.html.document_fromstring(page)
    ids = set(tree.xpath("//@id"))
    hrefs = [h[1:] for h in tree.xpath("//a/@href")]
    assert hrefs and set(hrefs) <= ids
    assert any(h.startswith("b-") for h in hrefs) and any(h.startswith("o-") for h in hrefs)
    partners = {m.get("data-fact"): m.get("data-partner") for m in tree.xpath("//mark[@data-partner]")}
    paired = [p for p in comparison.pairs if p.base is not None and p.other is not None]
    assert len(partners) == 2 * len(paired) > 0
    assert all(partners[partner] == fact for fact, partner in partners.items())  # links go both ways
    assert len(fact_ids(page)) == marked_facts(comparison)
    assert texts(page) == [comparison.base.text, comparison.other.text]
    for pair in comparison.pairs:  # each fact's pieces carry its verdict; unpaired sides too
        fact = pair.base or pair.other
        side = "b" if pair.base is not None else "o"
        index = (comparison.base if side == "b" else comparison.other).facts.index(fact)
        assert f"v-{pair.verdict}" in tree.xpath(f'//mark[@id="{side}-{index}"]/@class')[0]


def test_compare_several_others_keep_ids_apart(comparison: Comparison) -> None:
    page = compare_html([comparison, comparison])
    tree = lxml.html.document_fromstring(page)
    assert len(fact_ids(page)) == 2 * marked_facts(comparison)
    assert len(tree.xpath("//@id")) == len(set(tree.xpath("//@id")))
    assert {h[1:] for h in tree.xpath("//a/@href")} <= set(tree.xpath("//@id"))


def test_check_shows_findings_beside_items(pack, docs: dict[str, Document]) -> None:
    result = review(pack, docs["002"], effective_checks(pack))
    assert result.findings and result.items
    page = check_html([result])
    tree = lxml.html.document_fromstring(page)
    assert "".join(texts(page)) == docs["002"].text
    assert len(fact_ids(page)) == len(docs["002"].facts)
    assert len(set(tree.xpath("//mark/@data-finding"))) == len(result.findings)
    assert len(tree.xpath('//ul[@class="flist"]/li')) == len(result.findings)  # beside the text
    assert len(tree.xpath('//div[@class="list"]//tbody/tr')) == len(result.findings)  # and in the table
    assert len(tree.xpath('//div[starts-with(@class, "row item")]')) == len(result.items)
    assert {h[1:] for h in tree.xpath("//a/@href")} <= set(tree.xpath("//@id"))
    assert result.findings[0].message in page


def test_check_without_findings_says_so(pack) -> None:
    doc = analyse_text("(一)加强培训。2025年底前完成,区农业农村委牵头,各镇街负责。\n", "ok.txt", pack)
    page = check_html([review(pack, doc, effective_checks(pack))])
    assert "no findings" in page


# ---------------------------------------------------------------- in a browser

CHROMIUM = shutil.which("chromium")


def chromium(tmp_path: Path, *args: str) -> str:
    """Run headless Chromium on one page; the budget lets the page load and its script run."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", *args],
        capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def near(colour: tuple[int, int, int], hex_colour: str, tolerance: int = 24) -> bool:
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH (apt-get install chromium)")
@pytest.mark.parametrize("report", ["extract", "compare", "check"])
def test_report_in_chromium(tmp_path: Path, pack, docs: dict[str, Document], comparison: Comparison,
                            report: str) -> None:
    from PIL import Image

    if report == "extract":
        page, facts, colours = extract_html([docs["001"]]), len(docs["001"].facts), KIND_COLOURS.values()
    elif report == "compare":
        page = compare_html([comparison])
        facts, colours = marked_facts(comparison), PALETTE.values()
    else:
        page, facts, colours = check_html([review(pack, docs["001"], effective_checks(pack))]), \
            len(docs["001"].facts), KIND_COLOURS.values()
    path = tmp_path / f"{report}.html"
    path.write_text(page, encoding="utf-8")
    png = tmp_path / f"{report}.png"
    chromium(tmp_path, "--window-size=1280,1600", f"--screenshot={png}", path.as_uri())
    image = Image.open(png).convert("RGB")
    counts = image.getcolors(image.width * image.height)
    background = max(counts)[0]
    assert len(counts) > 200, "the page looks blank"
    assert 1 - background / (image.width * image.height) > 0.05, "the page looks blank"
    shown = [c for c in colours if sum(n for n, rgb in counts if near(rgb, c)) > 50]
    assert len(shown) >= 2, f"highlight colours missing from the screenshot: {shown}"

    dom = chromium(tmp_path, "--dump-dom", path.as_uri())
    assert len(fact_ids(dom)) == facts
    first = sorted(fact_ids(page))[0]
    clicked = chromium(tmp_path, "--dump-dom", f"{path.as_uri()}#{first}")  # a link to a fact opens it
    assert re.search(r'<aside id="detail" data-go="[^"]*">', clicked), "the detail panel did not open"
    assert re.search(rf'id="{first}" class="[^"]* sel"', clicked)
    assert len(fact_ids(clicked)) == facts


