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


def read(data: bytes, source: str, options: ReadOptions = DEFAULT_READ_OPTIONS) -> RawDocument:
    check_page_limit(data, source, options.limits)
    pages = with_ocr(data, source, _extract_pages(data, source), options)
    if not any(page.text.strip() for page in pages):
        raise NoTextLayer(source)
    return RawDocument(source=source, format="pdf", pages=pages)


def _extract_pages(data: bytes, source: str) -> tuple[Page, ...]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return tuple(
                Page(number=i, text=page.extract_text() or "") for i, page in enumerate(pdf.pages, start=1)
            )
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if isinstance(cause, _ENCRYPTION_ERRORS):
            raise EncryptedPdf(source) from None
        raise CorruptFile(source, f"the PDF is damaged and cannot be read ({_describe(cause)})") from None
    except _ENCRYPTION_ERRORS:
        raise EncryptedPdf(source) from None
    except Exception as err:  # pdfminer raises bare errors of many kinds on broken files
        raise CorruptFile(source, f"the PDF is damaged and cannot be read ({_describe(err)})") from None


def _describe(err: object) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
