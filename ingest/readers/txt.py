"""Plain text: UTF-8 or GB18030 (detected), BOM and CRLF handled; never fails on the encoding."""

from __future__ import annotations

import codecs

import charset_normalizer

from ingest.errors import EmptyFile
from ingest.model import Page, RawDocument

# Tried in order; GB18030 is a superset of GBK/GB2312, the other encoding of Chinese official text.
ENCODINGS = ("utf-8", "gb18030")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Text files hold almost no control characters other than line breaks and tabs.
MAX_CONTROL_SHARE = 0.02
SNIFF_BYTES = 4096


def read(data: bytes, source: str) -> RawDocument:
    text = normalize_newlines(decode(data))
    if not text.strip():
        raise EmptyFile(source)
    return RawDocument(source=source, format="txt", pages=(Page(number=None, text=text),))


def decode(data: bytes) -> str:
    """``data`` as text: by BOM, else strict UTF-8, else GB18030, else the detector's best guess."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_text(data: bytes) -> bool:
    """Whether ``data`` decodes to text with hardly any control characters (not a binary file)."""
    sample = data[:SNIFF_BYTES]
    if any(sample.startswith(bom) for bom, _ in BOMS):
        return True
    text = decode(sample)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    replaced = text.count("\ufffd")
    return (controls + replaced) <= MAX_CONTROL_SHARE * max(len(text), 1)
