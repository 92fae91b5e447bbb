"""Scanned PDF pages: the page limit, which pages need OCR, rendering them with pypdfium2.

``with_ocr`` is the hook the PDF reader calls on the pages pdfplumber extracted: in ``auto`` mode a
page with (almost) no text layer is rendered and read by OCR (ingest/readers/ocr.py), in ``always``
mode every page is, in ``never`` mode none is. An OCR'd page keeps its number; its text is the OCR
lines, one per line, so the clean-up treats it exactly like a text page.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import pypdfium2 as pdfium

from ingest.errors import CorruptFile, OcrFoundNoText, TooManyPages
from ingest.model import Page
from ingest.read_options import Limits, OcrSettings, ReadOptions
from ingest.readers import ocr

POINTS_PER_INCH = 72
# PDFium is not thread-safe (pypdfium2 docs); the Streamlit server ingests uploads in threads.
_PDFIUM_LOCK = threading.Lock()


def check_page_limit(data: bytes, source: str, limits: Limits) -> None:
    """Refuse a PDF with more pages than ``limits.max_pages`` before any text is extracted.

    A PDF that PDFium cannot open is left to pdfplumber, whose error names the damage."""
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return
        try:
            count = len(document)
        finally:
            document.close()
    if count > limits.max_pages:
        raise TooManyPages(source, f"the PDF has {count} pages, more than the limit of {limits.max_pages}")


def pages_to_ocr(pages: Sequence[Page], mode: str, min_text_chars: int) -> list[int]:
    """The numbers of the pages to read by OCR in ``mode`` (auto, always or never)."""
    if mode == "never":
        return []
    return [
        page.number
        for page in pages
        if page.number is not None and (mode == "always" or _visible_chars(page.text) < min_text_chars)
    ]


def with_ocr(data: bytes, source: str, pages: tuple[Page, ...], options: ReadOptions) -> tuple[Page, ...]:
    """``pages`` with the pages that need OCR replaced by their OCR'd text."""
    numbers = pages_to_ocr(pages, options.ocr, options.ocr_settings.min_text_chars)
    if not numbers:
        return pages
    limit = options.limits.max_ocr_pages
    if len(numbers) > limit:
        raise TooManyPages(
            source,
            f"{len(numbers)} pages of the PDF need OCR, more than the limit of {limit}; split the file",
        )
    read = {page.number: page for page in _ocr_pages(data, source, numbers, options)}
    if not any(page.text.strip() for page in read.values()) and not any(
        page.text.strip() for page in pages if page.number not in read
    ):
        pages_read = f"{len(numbers)} page{'s' if len(numbers) > 1 else ''} read"
        raise OcrFoundNoText(source, f"the PDF is a scan and OCR found no text in it ({pages_read})")
    return tuple(read.get(page.number, page) for page in pages)


def _ocr_pages(data: bytes, source: str, numbers: list[int], options: ReadOptions) -> list[Page]:
    progress = options.progress or (lambda done, total: None)
    pages = []
    for done, number in enumerate(numbers):
        progress(done, len(numbers))
        image = render_page(data, source, number, options.ocr_settings, options.limits)
        scan = ocr.recognise(image, number, options.ocr_settings, source)
        pages.append(Page(number=number, text="\n".join(line.text for line in scan.lines), scan=scan))
    progress(len(numbers), len(numbers))
    return pages


def render_page(data: bytes, source: str, number: int, settings: OcrSettings, limits: Limits):  # -> PIL image
    """Page ``number`` (from 1) rendered at ``settings.dpi``, scaled down to ``limits.max_page_pixels``."""
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as err:
            raise CorruptFile(source, f"the PDF is damaged and cannot be rendered for OCR ({err})") from None
        try:
            if not 1 <= number <= len(document):
                raise CorruptFile(source, f"the PDF is damaged: page {number} cannot be rendered for OCR")
            page = document[number - 1]
            width, height = page.get_size()
            if not (math.isfinite(width * height) and width > 0 and height > 0):
                raise CorruptFile(
                    source, f"the PDF is damaged: page {number} has no size ({width} x {height})"
                )
            return page.render(scale=_scale(width, height, settings.dpi, limits.max_page_pixels)).to_pil()
        except pdfium.PdfiumError as err:
            raise CorruptFile(
                source, f"the PDF is damaged: page {number} cannot be rendered ({err})"
            ) from None
        finally:
            document.close()


def _scale(width: float, height: float, dpi: int, max_pixels: int) -> float:
    """Pixels per point: ``dpi``, or less when the page would have more than ``max_pixels``."""
    # PDFium rounds each side up to whole pixels: take a pixel off each side so the cap holds.
    return min(dpi / POINTS_PER_INCH, math.sqrt(max_pixels / (width * height)) - 1 / min(width, height))


def _visible_chars(text: str) -> int:
    return sum(not ch.isspace() for ch in text)
