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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from ingest.text import fold
from ingest.units import places

QUESTIONS_TOML = Path(__file__).parent / "data" / "questions.toml"
# A title's bracketed parts (（2023－2025年）, （试行）) are rarely repeated in a question.
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
# Issuer suffixes that staff leave out: 青岛市人民政府 is asked about as 青岛市 or 青岛.
ISSUER_TAILS = ("人民政府办公厅", "人民政府办公室", "人民政府", "政府办公厅", "政府办公室", "政府", "办公厅")
# A word shorter than this says too little to narrow a library (市, 省).
MIN_SCOPE_CHARS = 2
# A question names a document when this share of its naming phrase's character pairs (weighted by
# their rarity among titles: 意见 says little, 就业 much; pairs no title has, little) is in the
# title. Without a 中，/里， mark, the question must hold that share of a title when the shared words
# open the question (数字山东2019年…), MIN_TITLE_COVERAGE of it when they stand anywhere else.
# Documents within TITLE_MARGIN of the best match are named too (a plan and its twin).
MIN_TITLE_MATCH = 0.6
MIN_TITLE_COVERAGE = 0.75
MAX_NAMING_OFFSET = 3  # words opening a question may follow 请问 or so
MIN_TITLE_PAIRS = 3
TITLE_MARGIN = 0.9
MIN_QUOTED_TITLE_CHARS = 8  # shorter phrases (人工智能规划) are in many titles by chance


@cache
def _scope_data() -> dict[str, list[str]]:
    with QUESTIONS_TOML.open("rb") as fh:
        return tomllib.load(fh)["scope"]


def _markers() -> tuple[tuple[str, bool], ...]:
    """Marks after a naming phrase: consumed (中，) or only ending it (到2025年…), in order of trust."""
    data = _scope_data()
    return tuple((m, True) for m in data["document_markers"]) + tuple(
        (m, False) for m in data["document_ends"]
    )


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


def _pairs(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _shared_run(text: str, title: str) -> tuple[int, int]:
    """(start, end) in ``text`` of its longest run of characters that ``title`` also holds."""
    found = SequenceMatcher(None, text, title, autojunk=False).find_longest_match(0, len(text), 0, len(title))
    return found.a, found.a + found.size


def _naming_phrases(phrase: str) -> list[str]:
    """The words before a mark; when they end in a part of a document (数字经济三年行动方案的重点任务
    分工表里), also the title before the last 的 that the part follows."""
    cut = phrase.rfind("的")
    if cut < MIN_SCOPE_CHARS or not phrase.endswith(tuple(_scope_data()["document_parts"])):
        return [phrase]
    return [phrase, phrase[:cut]]


@dataclass(frozen=True)
class Scopes:
    words: Mapping[str, frozenset[str]]  # place or issuer word -> documents
    titles: Mapping[str, frozenset[str]]  # document -> the character pairs of its title
    weights: Mapping[str, float]  # character pair -> rarity among titles (IDF)
    title_text: Mapping[str, str] = field(default_factory=dict)  # document -> its title, folded

    @classmethod
    def of(cls, documents: Iterable[object]) -> Scopes:
        """The scopes of ``index.store.StoredDocument``-like values (``doc_id``, ``meta``)."""
        words: dict[str, set[str]] = {}
        titles: dict[str, frozenset[str]] = {}
        texts: dict[str, str] = {}
        for doc in documents:
            meta, doc_id = doc.meta, doc.doc_id  # type: ignore[attr-defined]
            for word in document_words(meta.title, meta.issuer):
                words.setdefault(word, set()).add(doc_id)
            texts[doc_id] = "".join(_BRACKETED.sub("", fold(meta.title)).split())
            titles[doc_id] = frozenset(_pairs(texts[doc_id]))
        counts = Counter(pair for pairs in titles.values() for pair in pairs)
        weights = {pair: math.log(1 + len(titles) / n) for pair, n in counts.items()}
        return cls({w: frozenset(ids) for w, ids in words.items()}, titles, weights, texts)

    def documents_for(self, text: str) -> frozenset[str] | None:
        """The documents ``text`` (a question without its department names) names, or None."""
        by_title, _ = self._by_title(text)
        by_words = self._by_words(text)
        if by_title:
            # 济南推动智能建造…: titles alike (the national 意见 and Jinan's 实施意见); the place decides
            return (by_title & by_words) or by_title
        return by_words or None

    def _by_words(self, text: str) -> frozenset[str]:
        """The documents of every place or issuer word in ``text``, longest words first."""
        found: set[str] = set()
        for word in sorted(self.words, key=len, reverse=True):
            if word in text:
                found |= self.words[word]
                text = text.replace(word, " ")
        return frozenset(found)

    def naming_end(self, text: str) -> int:
        """Where the words naming a document by its title end in ``text`` (after 中，), or 0."""
        docs, end = self._by_title(text)
        return end if docs else 0

    def _by_title(self, text: str) -> tuple[frozenset[str], int]:
        """The documents a question names by title, and where its naming words end.

        With a mark (促进就业若干意见中，…) the words before it are the naming phrase: a title must
        hold most of it. Without one (山东省工业大数据发展实施方案到2022年…) most of a title must be in
        the question, and when those words open it, the naming words end where the longest run
        shared with the title does.
        """
        folded = "".join(fold(text).split())
        for marker, consumed in _markers():
            at = folded.find(marker, MIN_SCOPE_CHARS)
            if at == -1:
                continue
            for phrase in _naming_phrases(folded[:at]):
                docs = self._quoting(phrase) or self._best(
                    lambda pairs, phrase=phrase: self._share(_pairs(phrase), pairs), MIN_TITLE_MATCH
                )
                if docs:
                    return docs, at + (len(marker) if consumed else 0)
        asked = _pairs(folded)
        docs = self._best(lambda pairs: self._share(pairs, asked), MIN_TITLE_MATCH)
        if not docs:
            return frozenset(), 0
        named = next(iter(sorted(docs)))
        start, end = _shared_run(folded, self.title_text[named])
        opens = start <= MAX_NAMING_OFFSET
        if not opens and self._share(self.titles[named], asked) < MIN_TITLE_COVERAGE:
            return frozenset(), 0
        if not opens:
            return docs, 0
        # 数字山东2019 asked as 数字山东2019年…: the year's 年 is part of the naming words
        return docs, end + (folded[end - 1 : end + 1][-1:] == "年" and folded[end - 1].isdigit())

    def _quoting(self, phrase: str) -> frozenset[str]:
        """The documents whose title holds the whole naming phrase, word for word: a title quoted in
        full names its document, however much a title of the same series shares with it."""
        if len(phrase) < MIN_QUOTED_TITLE_CHARS:
            return frozenset()
        return frozenset(d for d, title in self.title_text.items() if phrase in title)

    def _share(self, part: frozenset[str] | set[str], whole: frozenset[str] | set[str]) -> float:
        """The rarity-weighted share of ``part``'s pairs that ``whole`` holds."""
        total = sum(self.weights.get(p, self.unseen) for p in part)
        if len(part) < MIN_TITLE_PAIRS or not total:
            return 0.0
        return sum(self.weights.get(p, self.unseen) for p in part & whole) / total

    def _best(self, score: Callable[[frozenset[str]], float], needed: float) -> frozenset[str]:
        scores = {doc_id: score(pairs) for doc_id, pairs in self.titles.items()}
        best = max(scores.values(), default=0.0)
        if best < needed:
            return frozenset()
        return frozenset(d for d, value in scores.items() if value >= best * TITLE_MARGIN)

    @property
    def unseen(self) -> float:
        """The weight of a pair of the question that no title has (岛的, 的人): glue between the
        title's words as the question paraphrases them, worth as little as the commonest pair."""
        return min(self.weights.values(), default=1.0)
