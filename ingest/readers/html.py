"""HTML (gov.cn-style pages): the policy body as text lines, the metadata table as ``fields``.

Navigation, scripts and other page furniture are dropped; the body is taken from the site's content
container when one is known (see ``data/meta_rules.toml``), else from ``<body>``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.errors import EmptyFile
from ingest.model import Page, RawDocument
from ingest.readers import txt
from ingest.text import squeeze

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
CHARSET_SNIFF_BYTES = 4096
# Cells of one table row stay on one line, separated like this.
CELL_SEPARATOR = "\t"


@dataclass(frozen=True)
class HtmlRules:
    labels: frozenset[str]
    body_selectors: tuple[str, ...]
    drop_tags: tuple[str, ...]
    block_tags: tuple[str, ...]


@cache
def html_rules() -> HtmlRules:
    data = tomllib.loads(resources.files("ingest").joinpath("data/meta_rules.toml").read_text("utf-8"))
    html = data["html"]
    return HtmlRules(
        labels=frozenset(html["labels"]),
        body_selectors=tuple(html["body_selectors"]),
        drop_tags=tuple(html["drop_tags"]),
        block_tags=tuple(html["block_tags"]),
    )


def read(data: bytes, source: str) -> RawDocument:
    tree = LexborHTMLParser(decode(data))
    fields = metadata_fields(tree)
    tree.strip_tags(list(html_rules().drop_tags))
    container = body_container(tree)
    text = "\n".join(body_lines(container, exclude=metadata_tables(container))) if container else ""
    if not text.strip():
        raise EmptyFile(source, "the page has no text")
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        fields.setdefault("页面标题", title.text(strip=True))
    return RawDocument(source=source, format="html", pages=(Page(number=None, text=text),), fields=fields)


def decode(data: bytes) -> str:
    """The page as text: the declared charset when it decodes cleanly, else text detection."""
    match = _META_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return txt.decode(data)


def metadata_fields(tree: LexborHTMLParser) -> dict[str, str]:
    """The gov.cn metadata table: each known label cell (索 引 号：) and the cell after it."""
    fields: dict[str, str] = {}
    for cell in tree.css("td, th"):
        label = _label(cell)
        if label in html_rules().labels and label not in fields:
            value = _next_element(cell)
            if value is not None:
                fields[label] = _one_line(value.text(deep=True))
    return {label: value for label, value in fields.items() if value}


def metadata_tables(container: LexborNode) -> list[LexborNode]:
    """Tables inside the body container that are the metadata table, not document content."""
    return [
        table
        for table in container.css("table")
        if sum(_label(cell) in html_rules().labels for cell in table.css("td, th")) >= 2
    ]


def body_container(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in html_rules().body_selectors:
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            return node
    return tree.body


def body_lines(container: LexborNode, exclude: list[LexborNode]) -> list[str]:
    """The text of ``container``, one line per block element, table cells separated by tabs."""
    for node in exclude:
        node.decompose()
    for row in container.css("tr"):
        # One table row, one line: paragraphs and line breaks inside a cell would split the row.
        cells = [" ".join(cell.text(deep=True, separator=" ").split()) for cell in row.css("td, th")]
        row.replace_with(CELL_SEPARATOR.join(cells) + "\n" if any(cells) else "\n")
    for br in container.css("br"):
        br.replace_with("\n")
    for block in container.css(", ".join(html_rules().block_tags)):
        block.insert_after("\n")
    lines = (_one_line(line) for line in container.text(deep=True).split("\n"))
    return [line for line in lines if line]


def _label(cell: LexborNode) -> str:
    return squeeze(cell.text(deep=True)).rstrip(":：")


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and not sibling.is_element_node:
        sibling = sibling.next
    return sibling


def _one_line(text: str) -> str:
    """Whitespace (including &nbsp;) collapsed to single spaces; tabs between cells kept."""
    cells = (" ".join(cell.replace("\u00a0", " ").split()) for cell in text.split(CELL_SEPARATOR))
    return CELL_SEPARATOR.join(cell for cell in cells if cell)
