"""Which documents a question points to: by a place or issuer word (青岛 -> the Qingdao plans, 国务院
-> what the State Council issued) or by part of a title (数字山东2019行动方案中…, 山东工业大数据方案里…).

The words come from the store itself (each document's issuer and title, and the place names of
``ingest/data/unit_shapes.toml`` they contain), so a new library brings its own. Pure.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.text import fold
from ingest.units import places

QUESTIONS_TOML = Path(__file__).parent / "data" / "questions.toml"
# Issuer suffixes that staff leave out: 青岛市人民政府 is asked about as 青岛市 or 青岛.
ISSUER_TAILS = ("人民政府办公厅", "人民政府办公室", "人民政府", "政府办公厅", "政府办公室", "政府", "办公厅")
# A word shorter than this says too little to narrow a library (市, 省).
MIN_SCOPE_CHARS = 2
# A question names a document when it holds this share of the title's (rarity-weighted) character
# pairs; documents within TITLE_MARGIN of the best match are named too (a plan and its twin).
MIN_TITLE_MATCH = 0.5
TITLE_MARGIN = 0.9
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


@cache
def _boilerplate() -> tuple[str, ...]:
    with QUESTIONS_TOML.open("rb") as fh:
        words = tomllib.load(fh)["scope"]["title_boilerplate"]
    return tuple(sorted(words, key=len, reverse=True))


def document_words(title: str, issuer: str) -> set[str]:
    """The place and issuer words of one document."""
    words: set[str] = set()
    for name in filter(None, (fold(part) for part in issuer.replace("，", "、").split("、"))):
        words.add(name)
        tail = next((t for t in ISSUER_TAILS if name.endswith(t)), "")  # the longest: listed first
        if tail and len(name) - len(tail) >= MIN_SCOPE_CHARS:
            words.add(name[: -len(tail)])
    text = fold(f"{title} {issuer}")
    words |= {place for place in places() if place in text}
    return {w for w in words if len(w) >= MIN_SCOPE_CHARS}


def title_core(title: str) -> str:
    """The title's distinctive words: without its year range, 关于…的通知 and the document type."""
    text = _BRACKETED.sub("", fold(title))
    for word in _boilerplate():
        text = text.replace(word, " ")
    return "".join(text.split())


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class Scopes:
    words: Mapping[str, frozenset[str]]  # place or issuer word -> documents
    titles: Mapping[str, frozenset[str]]  # document -> the character pairs of its title core
    weights: Mapping[str, float]  # character pair -> rarity among titles (IDF)

    @classmethod
    def of(cls, documents: Iterable[object]) -> Scopes:
        """The scopes of ``index.store.StoredDocument``-like values (``doc_id``, ``meta``)."""
        words: dict[str, set[str]] = {}
        titles: dict[str, frozenset[str]] = {}
        for doc in documents:
            meta, doc_id = doc.meta, doc.doc_id  # type: ignore[attr-defined]
            for word in document_words(meta.title, meta.issuer):
                words.setdefault(word, set()).add(doc_id)
            titles[doc_id] = frozenset(_pairs(title_core(meta.title)))
        counts = Counter(pair for pairs in titles.values() for pair in pairs)
        weights = {pair: math.log(1 + len(titles) / n) for pair, n in counts.items()}
        return cls({w: frozenset(ids) for w, ids in words.items()}, titles, weights)

    def documents_for(self, text: str) -> frozenset[str] | None:
        """The documents ``text`` (a question without its department names) names, or None."""
        by_title = self._by_title(text)
        if by_title:
            return by_title
        found: set[str] = set()
        for word in sorted(self.words, key=len, reverse=True):
            if word in text:
                found |= self.words[word]
                text = text.replace(word, " ")
        return frozenset(found) if found else None

    def _by_title(self, text: str) -> frozenset[str]:
        asked = _pairs("".join(fold(text).split()))
        scores = {}
        for doc_id, pairs in self.titles.items():
            total = sum(self.weights[p] for p in pairs)
            if total:
                scores[doc_id] = sum(self.weights[p] for p in pairs & asked) / total
        best = max(scores.values(), default=0.0)
        if best < MIN_TITLE_MATCH:
            return frozenset()
        return frozenset(d for d, score in scores.items() if score >= best * TITLE_MARGIN)
