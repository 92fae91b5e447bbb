"""PDF via pdfplumber: one ``Page`` per physical page, numbered from 1; scanned pages by OCR."""

from __future__ import annotations

import io
import logging

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from ingest.errors import CorruptFile, EncryptedPdf, NoTextLayer
from ingest.model import Page, RawDocument
from ingest.read_options import DEFAULT_READ_OPTIONS, ReadOptions
from ingest.readers.pdf_ocr import check_page_limit, with_ocr

# pdfminer logs a warning for every odd object it recovers from; those are not the user's problem.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_ENCRYPTION_ERRORS = (PDFPasswordIncorrect, PDFEncryptionError)
# As the DOCX and HTML readers: one table row is one line, its cells separated by a tab.
TABLE_CELL_SEPARATOR = "\t"


def read(data: bytes, source: str, options: ReadOptions = DEFAULT_READ_OPTIONS) -> RawDocument:
    check_page_limit(data, source, options.limits)
    pages = with_ocr(data, source, _extract_pages(data, source), options)
    if not any(page.text.strip() for page in pages):
        raise NoTextLayer(source)
    return RawDocument(source=source, format="pdf", pages=pages)


def _extract_pages(data: bytes, source: str) -> tuple[Page, ...]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return tuple(Page(number=i, text=page_text(page)) for i, page in enumerate(pdf.pages, start=1))
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if isinstance(cause, _ENCRYPTION_ERRORS):
            raise EncryptedPdf(source) from None
        raise CorruptFile(source, f"the PDF is damaged and cannot be read ({_describe(cause)})") from None
    except _ENCRYPTION_ERRORS:
        raise EncryptedPdf(source) from None
    except Exception as err:  # pdfminer raises bare errors of many kinds on broken files
        raise CorruptFile(source, f"the PDF is damaged and cannot be read ({_describe(err)})") from None


def page_text(page: pdfplumber.page.Page) -> str:
    """The page's text with each ruled table in its place as one line per row, cells separated by a
    tab (the layout the DOCX and HTML readers give a table), so task tables keep their columns."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    if not tables:
        return page.extract_text() or ""
    parts, top = [], 0.0
    for table in tables:
        _, table_top, _, bottom = table.bbox
        parts.append(_band_text(page, top, table_top))
        parts.append("\n".join(_row_line(row) for row in table.extract() if any(row)))
        top = bottom
    parts.append(_band_text(page, top, page.height))
    return "\n".join(part for part in parts if part)


def _band_text(page: pdfplumber.page.Page, top: float, bottom: float) -> str:
    if bottom - top < 1:
        return ""
    return page.crop((0, top, page.width, bottom)).extract_text() or ""


def _row_line(cells: list[str | None]) -> str:
    # A cell's lines are one wrapped paragraph: Chinese text joins without a space.
    return TABLE_CELL_SEPARATOR.join("".join((cell or "").split("\n")).strip() for cell in cells)


def _describe(err: object) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
