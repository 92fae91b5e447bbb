"""From an understood question to ranked clauses, through the one hybrid search of ``index.search``.

The keyword side gets the question without its scaffolding (its words are noise to BM25), the
semantic side the whole question. Filters (documents, a place or issuer the question names) are
arguments of the search, applied before ranking. A clause whose printed title the question quotes
goes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.search import Result, Searcher, SearchRequest
from ingest.text import fold

from .answer import AnswerHit, make_hit
from .query import Query
from .relevance import Evidence, EvidenceModel

# A heading this short (加强领导) is too common to identify a clause when a question quotes it.
MIN_QUOTED_HEADING_CHARS = 5
# Questions answered by a clause's attribution ("who leads X"), not by a fact in its text.
ROLE_INTENTS = frozenset({"lead", "cooperate"})


@dataclass
class Retriever:
    searcher: Searcher
    evidence_model: EvidenceModel

    def ranked_hits(self, query: Query, k: int, doc_ids: frozenset[str] | None = None) -> list[AnswerHit]:
        """Fused hits, best first, among ``doc_ids`` (and the documents the question's place or
        issuer names, when any of them is among those)."""
        scope = narrowed(doc_ids, query.scope)
        request = SearchRequest(query.content or query.folded, query.folded, k, doc_ids=scope)
        results = self.searcher.search(request)
        if not results and scope is not doc_ids:  # the place named no matching clause: search all
            results = self.searcher.search(
                SearchRequest(request.keyword, request.semantic, k, doc_ids=doc_ids)
            )
        return promote_quoted_headings(shared_ranks([_hit(r) for r in results]), query.folded)

    def evidence(self, query: Query) -> Evidence:
        role_question = query.intent in ROLE_INTENTS
        # in a role question a department is the attribution asked about (哪些单位协助人社局); in a
        # fact question it is part of the fact (报联席会议), which the text itself must hold
        departments = [(d.printed, d.canonical) for d in query.departments] if role_question else []
        return self.evidence_model.for_question(
            query.content or query.folded, corroboration=role_question, departments=departments
        )


def narrowed(doc_ids: frozenset[str] | None, scope: frozenset[str] | None) -> frozenset[str] | None:
    """The documents to search: those asked for, narrowed to the question's place or issuer when that
    leaves any."""
    if scope is None:
        return doc_ids
    return scope if doc_ids is None else (doc_ids & scope) or doc_ids


def _hit(result: Result) -> AnswerHit:
    return make_hit(result.stored, result.score, result.keyword_rank, result.semantic_rank)


def shared_ranks(hits: Sequence[AnswerHit]) -> list[AnswerHit]:
    """Hits whose clause is printed word for word in several documents (a plan's PDF and its DOCX,
    a notice and the document it forwards) take the best rank of the group on each side: the
    rankings agree on the text, and splitting the first places between twins is no disagreement."""
    best: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for h in hits:
        keyword, semantic = best.get((h.heading, h.text), (None, None))
        best[(h.heading, h.text)] = (_better(keyword, h.keyword_rank), _better(semantic, h.semantic_rank))
    ranked = []
    for h in hits:
        keyword, semantic = best[(h.heading, h.text)]
        ranked.append(replace(h, keyword_rank=keyword, semantic_rank=semantic))
    return ranked


def _better(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def promote_quoted_headings(hits: Sequence[AnswerHit], folded_question: str) -> list[AnswerHit]:
    """Clauses whose heading the question quotes word for word first, otherwise in fused order.

    Staff often ask with a task's printed title (实施百县图强计划由谁牵头); such a title is a more
    precise signal than any ranking, which can prefer a longer clause that merely repeats its words.
    """
    quoted = [
        h for h in hits if len(h.heading) >= MIN_QUOTED_HEADING_CHARS and fold(h.heading) in folded_question
    ]
    return [*quoted, *(h for h in hits if h not in quoted)]
