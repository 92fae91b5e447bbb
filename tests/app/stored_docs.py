"""Stand-ins for ``index.store.StoredDocument``: what ``Scopes.of`` reads (an id and title metadata)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Meta:
    title: str
    issuer: str


@dataclass(frozen=True)
class Doc:
    doc_id: str
    meta: Meta
