"""Exceptions of index/: one small class per failure mode.

``StoreError`` covers the clause store, ``SearchIndexError`` the derived search indexes. Messages are
one line and say what to do where there is something to do.
"""

from __future__ import annotations


class StoreError(Exception):
    """Any failure of the clause store."""


class UnknownDocument(StoreError, KeyError):
    def __init__(self, doc_id: str) -> None:
        super().__init__(doc_id)
        self.doc_id = doc_id

    def __str__(self) -> str:
        return f"unknown document: {self.doc_id!r}"


class StoreVersionMismatch(StoreError):
    """The store file was written by another schema version of policykb."""


class SearchIndexError(Exception):
    """Any failure of the derived search indexes (rebuildable from the store)."""


class IndexMissing(SearchIndexError):
    pass


class IndexCorrupt(SearchIndexError):
    pass


class IndexStale(SearchIndexError):
    pass


class ModelMismatch(SearchIndexError):
    pass


class EmbedderUnavailable(SearchIndexError):
    """An embedding backend's optional dependency is not installed."""
