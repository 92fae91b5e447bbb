"""DOCX via python-docx: paragraphs and table text in document order, one paragraph per line."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import CorruptFile, EmptyFile
from ingest.model import Page, RawDocument

# Table cells of one row are kept on one line, separated like this, so a row stays one record.
CELL_SEPARATOR = "\t"


def read(data: bytes, source: str) -> RawDocument:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # zipfile, lxml and python-docx each raise their own errors on damage
        raise CorruptFile(source, f"the DOCX is damaged and cannot be read ({type(err).__name__})") from None
    text = "\n".join(block_lines(document))
    if not text.strip():
        raise EmptyFile(source, "the document has no text")
    return RawDocument(source=source, format="docx", pages=(Page(number=None, text=text),))


def block_lines(document: Document) -> Iterator[str]:
    """Lines of the body in document order: each paragraph, and each table row as one line."""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from table_lines(block)


def table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        if any(cells):
            yield CELL_SEPARATOR.join(cells)
