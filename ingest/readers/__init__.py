"""Readers: bytes in, ``RawDocument`` out. The format is sniffed from the content, not the name.

Each format module exposes ``read(data: bytes, source: str) -> RawDocument`` (the PDF, OFD and
legacy Word readers also take the ``ReadOptions``: OCR mode, progress, limits) and raises only
``ingest.errors`` exceptions.
"""

from __future__ import annotations

import io
import zipfile
from functools import partial
from pathlib import Path

from ingest.errors import CorruptFile, EmptyFile, FileTooLarge, UnsupportedFormat
from ingest.model import RawDocument
from ingest.read_options import DEFAULT_READ_OPTIONS, ReadOptions
from ingest.readers import docx, html, legacy, ofd, pdf, txt

# PDF readers accept the header anywhere in the first kilobyte (PDF 32000-1, annex H.3).
PDF_MAGIC = b"%PDF-"
PDF_HEADER_WINDOW = 1024
ZIP_MAGIC = b"PK\x03\x04"
DOCX_PART = "word/document.xml"
OFD_PART = "ofd.xml"  # GB/T 33190: the package's entry point, at the root (matched without case)
# OLE2 compound files (.doc, .wps, .xls, .ppt, .msg) are told apart by the names of their streams,
# which the directory stores in UTF-16LE: WPS Office writes a Word stream plus its own.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_KINDS = (("WpsCustomData", "wps"), ("WordDocument", "doc"))
OLE_OTHERS = (("Workbook", "an Excel workbook (.xls)"), ("PowerPoint Document", "a PowerPoint file (.ppt)"))
RTF_MAGIC = b"{\\rtf"
HTML_SNIFF_BYTES = 2048
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<p ", b"<table")
# Magic numbers of common binary formats that are never policy text.
BINARY_MAGICS = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"OggS",
    b"ID3",
    b"\x00\x00\x00",
)

_READERS = {"docx": docx.read, "html": html.read, "txt": txt.read}
_READERS_WITH_OPTIONS = {
    "pdf": pdf.read,
    "ofd": ofd.read,
    **{kind: partial(legacy.read, kind=kind) for kind in legacy.SUFFIXES},
}


def read_file(path: str | Path, options: ReadOptions = DEFAULT_READ_OPTIONS) -> RawDocument:
    """Read the file at ``path`` (any supported format) into a ``RawDocument``."""
    return read_bytes(load_bytes(path, options.limits.max_bytes), Path(path).name, options)


def load_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of the file at ``path``; one that cannot be opened, or is larger than ``max_bytes``,
    is an error naming it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:  # refused before it is read into memory
            raise FileTooLarge(path.name, _too_large(size, max_bytes))
        return path.read_bytes()
    except OSError as err:
        raise CorruptFile(path.name, f"cannot be read ({err.strerror or err})") from None


def read_bytes(data: bytes, source: str, options: ReadOptions = DEFAULT_READ_OPTIONS) -> RawDocument:
    """Read ``data`` (the content of a file named ``source``) into a ``RawDocument``."""
    if len(data) > options.limits.max_bytes:
        raise FileTooLarge(source, _too_large(len(data), options.limits.max_bytes))
    if not data.strip():
        raise EmptyFile(source)
    kind = sniff(data, source)
    if kind in _READERS_WITH_OPTIONS:
        raw = _READERS_WITH_OPTIONS[kind](data, source, options)
    else:
        raw = _READERS[kind](data, source)
    return _within_text_limit(raw, options.limits.max_text_chars)


def _within_text_limit(raw: RawDocument, max_chars: int) -> RawDocument:
    """``raw``, unless its text is longer than every later stage is bounded for (see readers.toml)."""
    chars = sum(len(page.text) for page in raw.pages)
    if chars > max_chars:
        raise FileTooLarge(
            raw.source, f"the document has more text than the limit ({chars:,} > {max_chars:,} characters)"
        )
    return raw


def sniff(data: bytes, source: str = "<bytes>") -> str:
    """The format of ``data``: "pdf", "docx", "ofd", "doc", "wps", "rtf", "html" or "txt";
    ``UnsupportedFormat`` otherwise."""
    if PDF_MAGIC in data[:PDF_HEADER_WINDOW]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data, source)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data, source)
    if data.startswith(RTF_MAGIC):
        return "rtf"
    if data.startswith(BINARY_MAGICS):
        raise UnsupportedFormat(source)
    head = data[:HTML_SNIFF_BYTES].lower()
    if any(marker in head for marker in HTML_MARKERS):
        return "html"
    if txt.looks_like_text(data):
        return "txt"
    raise UnsupportedFormat(source, "binary content, " + UnsupportedFormat.reason)


def _sniff_zip(data: bytes, source: str) -> str:
    names = _zip_names(data)
    if DOCX_PART in names:
        return "docx"
    if OFD_PART in {name.lstrip("/").casefold() for name in names}:
        return "ofd"
    raise UnsupportedFormat(source, "a zip archive but not a DOCX or OFD document")


def _sniff_ole(data: bytes, source: str) -> str:
    for stream, kind in OLE_KINDS:
        if stream.encode("utf-16-le") in data:
            return kind
    for stream, what in OLE_OTHERS:
        if stream.encode("utf-16-le") in data:
            raise UnsupportedFormat(source, f"{what}, not a document: save the text as DOCX or PDF")
    raise UnsupportedFormat(source, "an OLE2 compound file but not a Word or WPS document")


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):  # ValueError/EOFError: damaged directories
        return []


def _too_large(size: int, limit: int) -> str:
    return f"the file is larger than the limit ({_size(size)} > {_size(limit)})"


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count:,} bytes"
