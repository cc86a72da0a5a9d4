"""Saved web pages: the main text of a government page, one paragraph per line.

Parsed with lxml (the HTML parser of libxml2, tolerant of the broken markup government CMSs
write). Page furniture goes first — scripts, forms, navigation, breadcrumbs, share bars,
footers and related-link lists (by tag, and by the words their id/class use) — then the block
holding most of the page's running text is taken as the body: a known CMS container when
there is one (UCAP-CONTENT, zoom, TRS_Editor …), else the densest block. Block elements
(p, div, h1–h6, li, centered paragraphs) become lines; a table row becomes one line with its
cells separated by " | ". A metadata table (发文字号, 成文日期 …) outside the body is kept at
the top, so the document's own date and number can be read from it.

Main-content extractors such as trafilatura flatten the layout tables these sites are built
from into one paragraph, which loses the line starts headings are found at; hence this
narrower reader.
"""
from __future__ import annotations

import re

from ..model import REPORT_GENERATOR, InputError
from .text import Decoded, decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
# Labels of the metadata tables of government portals.
_FRONT_MATTER = ("索引号", "索 引 号", "发文机关", "发文字号", "成文日期", "发布日期", "标题", "标　　题", "文号",
                 "发布机构", "主题分类")
_DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "select", "option", "button", "input",
              "textarea", "nav", "header", "footer", "aside", "svg", "object", "embed", "img", "map", "link",
              "meta", "head")
# Words ids and classes of page furniture are made of (split on -, _ and spaces), and the
# prefixes of run-together ones (bdsharebuttonbox, qrcodeBox).
_CHROME_WORDS = frozenset("""nav navbar menu breadcrumb crumb crumbs location position dqwz curpos footer foot
bottom share bdshare jiathis related relevant xgwz xglj xgxx toolbar print qrcode qr ewm erweima copyright
banner sidebar side search login top header tool tools pages-date fenxiang pagination page-nav close""".split())
_CHROME_PREFIXES = ("bdshare", "share", "qrcode", "erweima", "breadcrumb", "fenxiang", "jiathis")
_CHROME_MAX_TEXT = 300  # characters: furniture is short; a block that long is content whatever it is called
_CELL_MAX_TEXT = 600  # characters: a longer cell is a page section laid out in a table, not a datum
# Containers government CMSs put the body in, most specific first: an id names one element,
# a class token (whole, not a part of bt-article-y) may name a wrapper.
_BODY_IDS = ("UCAP-CONTENT", "zoom", "Zoom", "fontzoom", "ArticleContent", "mainText", "article", "content",
             "Content", "text")
_BODY_CLASSES = ("pages_content", "TRS_Editor", "trs_editor_view", "Custom_UnionStyle", "zoom", "article-content",
                 "xl_content", "conTxt", "article", "content", "detail", "main-content", "txt", "zw")
# What sites put between a document's title and their own names: _ | or a spaced dash, or
# spaces ("某省人民政府 政策文件 关于…的意见"); never a bare dash (规划（2021-2025年）).
_TITLE_SEPARATORS = re.compile(r"\s*[_|｜]\s*|\s+[-—–]+\s+|\s+")
# Declared charsets that Chinese pages declare by mistake (a template's default): guess instead.
_WESTERN_CHARSETS = re.compile(r"(?:iso-?8859-\d+|latin-?1|windows-125\d|cp125\d|(?:us-)?ascii)$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTAINERS = frozenset(("div", "section", "article", "main", "center", "body", "form"))
_BLOCK = frozenset("""p div h1 h2 h3 h4 h5 h6 li ul ol table tbody thead tfoot tr section article center
blockquote dd dt dl pre address main body html caption""".split())
_CELL = frozenset(("td", "th"))
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")  # &nbsp; too: editors pad lines with it


def _decode(data: bytes, name: str) -> Decoded:
    """The page's declared charset when its bytes decode with it, else a guess from the bytes.
    A Western single-byte charset on a Chinese page is a template's default, not the truth:
    every byte decodes in it, so it is never trusted."""
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        charset = declared.group(1).decode("ascii").lower()
        charset = "gb18030" if charset in ("gb2312", "gbk", "x-gbk", "gb_2312-80") else charset
        if not _WESTERN_CHARSETS.match(charset):
            try:
                return Decoded(data.decode(charset), charset)
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_bytes(data, name)


def _words(element) -> set[str]:  # noqa: ANN001 - an lxml element
    attrs = " ".join(filter(None, (element.get("id"), element.get("class"))))
    return {w.lower() for w in re.split(r"[\s_]+", attrs) if w} | {
        part.lower() for w in re.split(r"\s+", attrs) for part in w.split("-") if part}


def _is_chrome(element) -> bool:  # noqa: ANN001
    return any(w in _CHROME_WORDS or w.startswith(_CHROME_PREFIXES) for w in _words(element))


def _text_len(element) -> int:  # noqa: ANN001
    return len(_HAN.findall(element.text_content()))


def _link_len(element) -> int:  # noqa: ANN001
    return sum(len(_HAN.findall(a.text_content())) for a in element.iter("a"))


def _strip_furniture(root) -> None:  # noqa: ANN001
    for element in list(root.iter()):
        if element.getparent() is None:
            continue
        if not isinstance(element.tag, str):  # comments and processing instructions
            element.drop_tree()
            continue
        tag = element.tag.lower()
        if tag in _DROP_TAGS:
            element.drop_tree()
        elif _is_chrome(element) and len(element.text_content()) < _CHROME_MAX_TEXT:
            element.drop_tree()


def _document_title(title: str) -> str:
    """The document's own title out of a page title that adds the site and column names
    ("关于…的通知_政策文件_某市人民政府", "某省人民政府 政策文件 关于…的意见"): the longest part."""
    parts = _TITLE_SEPARATORS.split(_SPACES.sub(" ", title).strip())
    return max(parts, key=lambda part: len(_HAN.findall(part)), default="")


def _within(element, container) -> bool:  # noqa: ANN001
    """Is ``element`` the container or inside it?"""
    return element is container or any(a is container for a in element.iterancestors())


def _with_heading(root, body):  # noqa: ANN001, ANN202
    """The body, widened to the wrapper it shares with the page's title heading when that
    wrapper holds little else: the title and the line under it (文号, 发布日期) belong to the
    document, though CMSs set them outside the text container."""
    heading = next((h for h in root.iter("h1", "h2") if _HAN.search(h.text_content()) and not _within(h, body)),
                   None)
    if heading is None:
        return body
    body_ancestors = set(body.iterancestors())
    shared = next((a for a in heading.iterancestors() if a in body_ancestors), None)
    if shared is None or _text_len(shared) > 1.2 * _text_len(body) + 300:
        return body
    return shared


def _metadata_tables(root) -> list:  # noqa: ANN001
    """Tables that label the document (发文字号, 成文日期 …), outermost first."""
    found = []
    for table in root.iter("table"):
        text = _SPACES.sub("", table.text_content())
        if sum(label.replace(" ", "").replace("　", "") in text for label in _FRONT_MATTER) >= 2 \
                and len(text) < 600:
            found.append(table)
    return found


def _body(root):  # noqa: ANN001, ANN202
    """The block holding the running text: a known container with text in it (ids before
    classes, each in the order of the lists), else the block with the most non-link Chinese
    text, descending while one child holds nearly all."""
    for wanted in _BODY_IDS:
        for element in root.iterfind(f".//*[@id='{wanted}']"):
            if _text_len(element) >= 100:
                return element
    by_class: dict[str, list] = {}  # class token → its elements in page order, collected in one pass
    for element in root.iter():
        if isinstance(element.tag, str):
            for token in (element.get("class") or "").split():
                by_class.setdefault(token, []).append(element)
    for wanted in _BODY_CLASSES:
        for element in by_class.get(wanted, ()):
            if _text_len(element) >= 100:
                return element
    best, best_score = root, -1
    for element in root.iter("div", "td", "article", "section", "main", "body"):
        score = _text_len(element) - 2 * _link_len(element)
        if score > best_score:
            best, best_score = element, score
    while True:  # down through wrappers, never into a paragraph an unclosed <font> swallowed the rest into
        total = _text_len(best)
        heavy = [c for c in best if isinstance(c.tag, str) and _text_len(c) >= 0.9 * total > 0]
        if len(heavy) != 1 or heavy[0].tag.lower() not in _CONTAINERS:
            return best
        best = heavy[0]


def _inline_cells(element) -> set:  # noqa: ANN001
    """Table cells whose paragraphs are one cell of a row (a data table), unlike the cells of a
    layout table that hold a page section: a row of several cells, no table inside, short."""
    return {cell for cell in element.iter("td", "th")
            if len(cell.getparent()) > 1 and next(cell.iter("table"), None) is None
            and len(cell.text_content()) <= _CELL_MAX_TEXT}


def _render(element, lines: list[str]) -> None:  # noqa: ANN001
    """Append the element's text to ``lines``: blocks start new lines, a table row is one
    line with its cells separated by " | " (paragraphs inside a data cell stay in the cell),
    and inside <pre> the text's own line breaks count (office suites save plain text as one
    <pre>). Walked without recursion (pages nest deeply)."""
    from lxml import etree

    current: list[str] = []
    preformatted = 0  # depth of open <pre> elements
    inline = _inline_cells(element)
    in_cell = 0  # depth of open data cells

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip(" ")
        if line:
            lines.append(line)
        current.clear()

    def add(text: str | None) -> None:
        if not text:
            return
        if not preformatted:
            current.append(text)
            return
        first, *rest = text.split("\n")
        current.append(first)
        for part in rest:
            flush()
            current.append(part)

    def boundary() -> None:
        """A block starts or ends: a new line, or a space inside a data cell."""
        if in_cell:
            current.append(" ")
        else:
            flush()

    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _CELL and "".join(current).strip():
                current.append(" | ")
            elif tag in _BLOCK or tag == "br":
                boundary()
            in_cell += node in inline
            preformatted += tag == "pre"
            if tag:
                add(node.text)
        else:
            in_cell -= node in inline
            if tag in _BLOCK:
                boundary()
            preformatted -= tag == "pre"
            if node is not element:
                add(node.tail)
    flush()


def html_to_text(data: bytes, name: str) -> Decoded:
    """The plain text of a saved web page (see the module's docstring)."""
    try:
        import lxml.html
        from lxml import etree
    except ImportError as exc:
        raise InputError(f"{name}: reading web pages needs lxml: pip install 'policyscan[html]'") from exc
    text, encoding, notices = _decode(data, name)
    try:  # huge_tree: unclosed tags nest every later paragraph one level deeper
        root = lxml.html.fromstring(_XML_DECLARATION.sub("", text), parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: not a readable web page ({exc})") from exc
    if any(meta.get("content") == REPORT_GENERATOR for meta in root.iterfind(".//meta[@name='generator']")):
        raise InputError(f"{name}: a policyscan report, not a policy document (write reports outside the input folder)")
    title = root.find(".//title")
    title_text = _document_title(title.text_content()) if title is not None else ""
    _strip_furniture(root)
    body = _body(root)
    lines: list[str] = []
    for table in _metadata_tables(root):
        if not _within(table, body):
            _render(table, lines)
            break
    _render(_with_heading(root, body), lines)
    if _HAN.search(title_text) and not any(title_text in _SPACES.sub("", line) for line in lines[:8]):
        lines.insert(0, title_text)  # the page title names the document when the page text does not
    if not any(_HAN.search(line) for line in lines):
        raise InputError(f"{name}: no text found in the web page")
    return Decoded("\n".join(lines) + "\n", encoding, notices)
