"""OFD (GB/T 33190, the national e-document format): one ``Page`` per page, numbered from 1.

ofdkit (Apache-2.0, no dependencies) reads the package: OFD.xml, each Document.xml, the pages and
their templates, with CTM, composite objects and DeltaX applied, giving positioned text runs. The
runs are put in reading order by ``ingest.readers.layout``, the same code that orders OCR lines, so
a line drawn as several text objects (or one object per glyph) comes back as one line and an
indented line starts a paragraph. Before ofdkit sees the zip, its parts are counted and sized
against the limits, so a zip bomb or a page of a million glyphs fails fast with one clear error.
"""

from __future__ import annotations

import io
import zipfile

import ofdkit
from ofdkit import OFDError, OFDLimitError

from ingest.errors import CorruptFile, FileTooLarge, NoTextLayer, TooManyPages
from ingest.model import Page, RawDocument
from ingest.read_options import DEFAULT_READ_OPTIONS, Limits, ReadOptions
from ingest.readers.layout import Segment, reading_order

# ofdkit places a run at its baseline; a CJK glyph's box reaches about one font size above it.
ASCENT = 1.0
# Text may stick out of the page box by this much (mm) and still be on the page (as in ofdkit).
PAGE_MARGIN_MM = 2.0
XML_SUFFIX = ".xml"


def read(data: bytes, source: str, options: ReadOptions = DEFAULT_READ_OPTIONS) -> RawDocument:
    check_package(data, source, options.limits)
    try:
        with ofdkit.open(data) as document:
            count, limit = len(document.pages), options.limits.max_pages
            if count > limit:
                raise TooManyPages(source, f"the OFD has {count} pages, more than the limit of {limit}")
            pages = tuple(
                Page(number=number, text=page_text(page, source, number, options))
                for number, page in enumerate(document.pages, start=1)
            )
    except OFDLimitError as err:
        raise CorruptFile(source, f"the OFD cannot be read safely ({err})") from None
    except OFDError as err:
        raise CorruptFile(source, f"the OFD is damaged and cannot be read ({err})") from None
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError) as err:  # zip/zlib/XML damage
        raise CorruptFile(source, f"the OFD is damaged and cannot be read ({type(err).__name__})") from None
    if not any(page.text.strip() for page in pages):
        raise NoTextLayer(source, "the OFD has no text (a scanned OFD?); export it as PDF and ingest that")
    return RawDocument(source=source, format="ofd", pages=pages)


def page_text(page: ofdkit.Page, source: str, number: int, options: ReadOptions) -> str:
    """The text of one OFD page, one printed line per line, in reading order."""
    runs = page.runs
    if len(runs) > options.limits.max_text_runs_per_page:
        raise FileTooLarge(
            source,
            f"page {number} of the OFD has {len(runs)} text pieces,"
            f" more than the limit of {options.limits.max_text_runs_per_page}",
        )
    x0, y0, width, height = page.box
    segments = [
        Segment(run.text, run.x, run.y - ASCENT * run.size, run.x + run.width, run.y)
        for run in runs
        if x0 - PAGE_MARGIN_MM <= run.x <= x0 + width + PAGE_MARGIN_MM
        and y0 - PAGE_MARGIN_MM <= run.y <= y0 + height + PAGE_MARGIN_MM
    ]
    return "\n".join(line.text for line in reading_order(segments, options.ocr_settings.indent_chars))


def check_package(data: bytes, source: str, limits: Limits) -> None:
    """Refuse a package with too many parts, too much uncompressed data or an oversized XML part,
    judged from the zip directory before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as err:
        raise CorruptFile(source, f"the OFD is damaged and cannot be read ({type(err).__name__})") from None
    if len(infos) > limits.max_zip_entries:
        raise FileTooLarge(
            source, f"the OFD has {len(infos)} parts, more than the limit of {limits.max_zip_entries}"
        )
    unpacked, limit = sum(info.file_size for info in infos), limits.max_unpacked_bytes
    if unpacked > limit:
        raise FileTooLarge(source, f"the OFD unpacks to {unpacked >> 20} MB, more than {limit >> 20} MB")
    for info in infos:
        if info.filename.lower().endswith(XML_SUFFIX) and info.file_size > limits.max_part_bytes:
            raise FileTooLarge(
                source,
                f"the OFD part {info.filename} is {info.file_size / 2**20:.0f} MB, more than the limit",
            )
