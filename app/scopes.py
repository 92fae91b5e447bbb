"""Which documents a question's place or issuer words point to: 青岛 -> the Qingdao plans, 国务院 ->
what the State Council issued, 交通运输部 -> the ministry's documents.

The words come from the store itself (each document's issuer and title, and the place names of
``ingest/data/unit_shapes.toml`` they contain), so a new library brings its own. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable

from ingest.text import fold
from ingest.units import places

# Issuer suffixes that staff leave out: 青岛市人民政府 is asked about as 青岛市 or 青岛.
ISSUER_TAILS = ("人民政府办公厅", "人民政府办公室", "人民政府", "政府办公厅", "政府办公室", "政府", "办公厅")
# A word shorter than this says too little to narrow a library (市, 省).
MIN_SCOPE_CHARS = 2


def document_words(title: str, issuer: str) -> set[str]:
    """The place and issuer words of one document."""
    words: set[str] = set()
    for name in filter(None, (fold(part) for part in issuer.replace("，", "、").split("、"))):
        words.add(name)
        for tail in ISSUER_TAILS:
            if name.endswith(tail) and len(name) - len(tail) >= MIN_SCOPE_CHARS:
                words.add(name[: -len(tail)])
    text = fold(f"{title} {issuer}")
    words |= {place for place in places() if place in text}
    return {w for w in words if len(w) >= MIN_SCOPE_CHARS}


def document_scopes(documents: Iterable[object]) -> dict[str, frozenset[str]]:
    """Word -> ids of the documents it names, over ``index.store.StoredDocument`` values."""
    scopes: dict[str, set[str]] = {}
    for doc in documents:
        meta = doc.meta  # type: ignore[attr-defined]
        for word in document_words(meta.title, meta.issuer):
            scopes.setdefault(word, set()).add(doc.doc_id)  # type: ignore[attr-defined]
    return {word: frozenset(ids) for word, ids in scopes.items()}
