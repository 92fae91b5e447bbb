"""File -> ParsedDocument: read, clean, metadata, clause tree, attributions, targets, pages.

Everything after the read is pure: ``parse_raw`` maps a ``RawDocument`` to a ``ParsedDocument``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from ingest.attribution import Tagger, as_printed
from ingest.clean import clean_document
from ingest.errors import NoClauses
from ingest.metadata import extract_meta, self_writer
from ingest.model import Clause, CleanDocument, ParsedDocument, RawDocument
from ingest.read_options import DEFAULT_READ_OPTIONS, ReadOptions
from ingest.readers import load_bytes, read_bytes
from ingest.roles import first_listed_lead_at
from ingest.segment import segment_document
from ingest.tables import TableRow
from ingest.targets import find_targets
from ingest.text import simplified

_ASCII_RUNS = re.compile(r"[^A-Za-z0-9]+")
_CJK_RUNS = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")
# Mixed-script names lose their CJK part in the ASCII slug; a short hash of the stem keeps them apart.
SLUG_HASH_CHARS = 8


def doc_id_for(source: str) -> str:
    """A stable, path- and space-free id from a file name: ASCII when the name has ASCII, else CJK."""
    stem = Path(source.replace("\\", "/")).stem or source
    ascii_slug = _ASCII_RUNS.sub("-", stem).strip("-").lower()
    if not ascii_slug:
        return (
            _CJK_RUNS.sub("-", stem).strip("-") or hashlib.sha256(stem.encode()).hexdigest()[:SLUG_HASH_CHARS]
        )
    if stem.isascii():
        return ascii_slug
    return f"{ascii_slug}-{hashlib.sha256(stem.encode()).hexdigest()[:SLUG_HASH_CHARS]}"


def _tag(
    clause: Clause, clean: CleanDocument, tagger: Tagger, convention_at: int | None, row: TableRow | None
) -> Clause:
    text = clean.text
    first_listed_leads = convention_at is not None and convention_at <= clause.start
    if row is not None:
        tagged = tagger.row(row)
    else:
        tagged = tagger.tag(clause.start, clause.end, first_listed_leads=first_listed_leads)
    attributions = tagged.attributions
    if tagger.text is not text:  # read with traditional characters simplified: names back as printed
        attributions = tuple(as_printed(a, text, tagger.text) for a in attributions)
    return dataclasses.replace(
        clause,
        attributions=attributions,
        unparsed=tagged.unparsed,
        cells=tuple((kind, cell.text) for kind, cell in row.cells.items()) if row else (),
        targets=find_targets(text, clause.start, clause.end),
        page_start=clean.page_at(clause.start),
        page_end=clean.page_at(max(clause.start, clause.end - 1)),
        boxes=clean.boxes_in(clause.start, clause.end),
    )


def parse_raw(raw: RawDocument, content_hash: str) -> ParsedDocument:
    """Clean, read the metadata, segment and tag one document read from a file."""
    clean = clean_document(raw)
    tree = segment_document(clean.text)
    if not tree.clauses:
        raise NoClauses(raw.source)
    # The role grammar and unit shapes are simplified Chinese: a text printed in traditional
    # characters is tagged in simplified form (one for one, so offsets hold) and its names mapped back.
    read = simplified(clean.text)
    read = clean.text if read == clean.text else read  # the same object when nothing was traditional
    convention_at = first_listed_lead_at(read)
    meta = extract_meta(raw, clean)
    numbered = any(c.path for c in tree.clauses)
    tagger = Tagger.for_document(read, self_writer(meta), numbered=numbered)
    return ParsedDocument(
        doc_id=doc_id_for(raw.source),
        source=raw.source,
        format=raw.format,
        content_hash=content_hash,
        meta=meta,
        clean=clean,
        clauses=tuple(_tag(c, clean, tagger, convention_at, tree.rows.get(c.index)) for c in tree.clauses),
        scans=tuple(page.scan for page in raw.pages if page.scan is not None),
    )


def parse_bytes(data: bytes, source: str, options: ReadOptions = DEFAULT_READ_OPTIONS) -> ParsedDocument:
    """Parse the bytes of a file named ``source`` (a name, not a path, for messages and the id);
    ``options`` say whether scanned pages are OCR'd, report OCR progress and set the limits."""
    return parse_raw(read_bytes(data, source, options), hashlib.sha256(data).hexdigest())


def parse_file(path: str | Path, options: ReadOptions = DEFAULT_READ_OPTIONS) -> ParsedDocument:
    """Read and parse one file. Raises ``IngestError`` subclasses only."""
    return parse_bytes(load_bytes(path, options.limits.max_bytes), Path(path).name, options)
