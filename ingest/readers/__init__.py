"""Readers: bytes in, ``RawDocument`` out. The format is sniffed from the content, not the name.

Each format module exposes ``read(data: bytes, source: str) -> RawDocument`` and raises only
``ingest.errors`` exceptions.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ingest.errors import CorruptFile, EmptyFile, UnsupportedFormat
from ingest.model import RawDocument
from ingest.readers import docx, html, pdf, txt

# PDF readers accept the header anywhere in the first kilobyte (PDF 32000-1, annex H.3).
PDF_MAGIC = b"%PDF-"
PDF_HEADER_WINDOW = 1024
ZIP_MAGIC = b"PK\x03\x04"
DOCX_PART = "word/document.xml"
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
    b"\xd0\xcf\x11\xe0",
    b"\x7fELF",
    b"MZ",
    b"OggS",
    b"ID3",
    b"\x00\x00\x00",
)

_READERS = {"pdf": pdf.read, "docx": docx.read, "html": html.read, "txt": txt.read}


def read_file(path: str | Path) -> RawDocument:
    """Read the file at ``path`` (any supported format) into a ``RawDocument``."""
    return read_bytes(load_bytes(path), Path(path).name)


def load_bytes(path: str | Path) -> bytes:
    """The bytes of the file at ``path``; one that cannot be opened is an error naming it."""
    path = Path(path)
    try:
        return path.read_bytes()
    except OSError as err:
        raise CorruptFile(path.name, f"cannot be read ({err.strerror or err})") from None


def read_bytes(data: bytes, source: str) -> RawDocument:
    """Read ``data`` (the content of a file named ``source``) into a ``RawDocument``."""
    if not data.strip():
        raise EmptyFile(source)
    return _READERS[sniff(data, source)](data, source)


def sniff(data: bytes, source: str = "<bytes>") -> str:
    """The format of ``data``: "pdf", "docx", "html" or "txt"; ``UnsupportedFormat`` otherwise."""
    if PDF_MAGIC in data[:PDF_HEADER_WINDOW]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        if _zip_has(data, DOCX_PART):
            return "docx"
        raise UnsupportedFormat(source, "a zip archive but not a DOCX document")
    if data.startswith(BINARY_MAGICS):
        raise UnsupportedFormat(source)
    head = data[:HTML_SNIFF_BYTES].lower()
    if any(marker in head for marker in HTML_MARKERS):
        return "html"
    if txt.looks_like_text(data):
        return "txt"
    raise UnsupportedFormat(source, "binary content, not a PDF, DOCX, HTML or text file")


def _zip_has(data: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return name in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
