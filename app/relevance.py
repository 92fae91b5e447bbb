"""Does a clause answer the question? The evidence test behind every "found" and every refusal.

A clause answers when enough of the question's informative words occur in it (IDF-weighted share of
its content tokens), or, for questions in other words than the document's, when one of its sentences
is close enough to the question in embedding space. Whole-clause similarity cannot tell: e5 scores
every clause of a plan 0.84-0.90 against any policy-sounding question; one sentence is specific
enough. The slow sentence check runs only when the words do not already match.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ingest.text import fold

from .answer import AnswerHit

# A clause answers when its words cover the question's informative words well, or when one of its
# sentences says the same in other words, or when both hold moderately. Calibrated on the tune
# question sets (tests/questions/tune.jsonl: paraphrased questions and near misses, such as a plan
# that covers 参保率 asked about 养老金上调) and the dev questions of ../shared/eval; e5 scores every
# sentence of a plan 0.84-0.90 against any policy-sounding question, near misses reach 0.92.
STRONG_KEYWORD_COVERAGE = 0.8
STRONG_SENTENCE_SIMILARITY = 0.92
MIN_KEYWORD_COVERAGE = 0.5
MIN_SENTENCE_SIMILARITY = 0.9
# A "who does X" question describes a task in its asker's words, which the clause need not share:
# the plan's paraphrased questions (../shared/eval/dev_paraphrase_questions.jsonl) cover 0.19-0.55
# of their words with sentences at 0.86-0.92, as near misses do. What sets the right clause apart
# is that the two independent rankings agree: first by its words and first by its meaning. A near
# miss's first clause shares less than this (养老金上调 asked of a 参保率 clause: 0.10). Fact
# questions (how much, which steps) keep the stricter tests: the fact itself must be in the clause.
MIN_CORROBORATED_COVERAGE = 0.15
MIN_CORROBORATED_SIMILARITY = 0.86
MIN_SENTENCE_CHARS = 4  # shorter pieces (stray numbering) say nothing
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")

Evidence = Callable[[AnswerHit], bool]


class EmbedderLike(Protocol):
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def keyword_coverage(
    query_tokens: Sequence[str],
    clause_text: str,
    idf: Callable[[str], float],
    units: Sequence[tuple[float, str, bool]] = (),
) -> float:
    """IDF-weighted share of the query's tokens that occur in the (folded) clause text.

    Common words (建设, 发展) weigh little, so a question about 月球基地建设 is not "covered" by a
    clause that merely says 建设; a question's distinctive words must be there. ``units``: the
    (weight, name as asked, named by the clause) of each department the question names; it is covered
    where the clause names it in a role, whatever it prints (人社局 asked, 市人力资源社会保障局
    printed), or prints it as asked.
    """
    tokens = list(dict.fromkeys(query_tokens))
    total = sum(idf(t) for t in tokens) + sum(weight for weight, _, _ in units)
    if total <= 0:
        return 0.0
    text = fold(clause_text).lower()
    found = sum(idf(t) for t in tokens if t in text)
    found += sum(weight for weight, written, named in units if named or written in text)
    return found / total


def okapi_idf_lookup(doc_freq: Callable[[str], int], n_docs: int) -> Callable[[str], float]:
    """IDF with unseen words weighted as rarest: a word no clause has is the strongest evidence."""
    ceiling = math.log((n_docs + 0.5) / 0.5)

    def idf(token: str) -> float:
        df = doc_freq(token)
        return max(math.log((n_docs - df + 0.5) / (df + 0.5)), 0.0) if df else ceiling

    return idf


def clause_sentences(heading: str, text: str) -> tuple[str, ...]:
    pieces = [heading, *_SENTENCE_END.split(text)]
    return tuple(dict.fromkeys(p.strip() for p in pieces if len(p.strip()) >= MIN_SENTENCE_CHARS))


@dataclass
class EvidenceModel:
    """The words and the embedding model evidence is judged with; sentence vectors are cached."""

    tokenize: Callable[[str], list[str]]
    idf: Callable[[str], float]
    embedder: EmbedderLike
    _sentences: dict[str, np.ndarray] = field(default_factory=dict)

    def for_question(
        self, text: str, corroboration: bool = False, departments: Sequence[tuple[str, str]] = ()
    ) -> Evidence:
        """The evidence test for one question; with ``corroboration`` (role questions) a clause that
        both rankings put first also answers on weaker evidence. ``departments``: (as written,
        canonical) of the units the question names; each is evidence where the clause names it, by
        whatever name (or prints it as the question writes it), and counts against it otherwise."""
        words = text
        for written, _ in departments:
            words = words.replace(written, " ")
        tokens = self.tokenize(words)
        weights = [(self.idf(written), written, canonical) for written, canonical in departments]
        query_vector: list[np.ndarray] = []  # embedded at most once, and only if needed

        def is_evidence(hit: AnswerHit) -> bool:
            units = [(weight, written, canonical in hit.units) for weight, written, canonical in weights]
            coverage = keyword_coverage(tokens, f"{hit.heading} {hit.text}", self.idf, units)
            if coverage >= STRONG_KEYWORD_COVERAGE:
                return True
            if not query_vector:
                query_vector.append(self.embedder.embed_queries([text])[0])
            similarity = self.best_sentence_similarity(hit, query_vector[0])
            if similarity >= STRONG_SENTENCE_SIMILARITY:
                return True
            if corroboration and hit.keyword_rank == 1 and hit.semantic_rank == 1:
                return coverage >= MIN_CORROBORATED_COVERAGE and similarity >= MIN_CORROBORATED_SIMILARITY
            return coverage >= MIN_KEYWORD_COVERAGE and similarity >= MIN_SENTENCE_SIMILARITY

        return is_evidence

    def best_sentence_similarity(self, hit: AnswerHit, query_vector: np.ndarray) -> float:
        key = f"{hit.heading}\n{hit.text}"
        if key not in self._sentences:
            sentences = clause_sentences(hit.heading, hit.content)
            self._sentences[key] = self.embedder.embed_passages(sentences) if sentences else np.zeros((0, 1))
        vectors = self._sentences[key]
        return float((vectors @ query_vector).max()) if len(vectors) else 0.0
