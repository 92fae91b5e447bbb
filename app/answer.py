"""The answer to one question: which clause, which departments, how to cite it.

Two layers. ``compose_*`` are pure: ranked candidate clauses and an evidence test in, an ``Answer``
out. ``answer_question`` does the I/O: hybrid retrieval through the Searcher, the
relevance evidence, and the store for department questions (answered completely, not top-k).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

import numpy as np

from index.fusion import reciprocal_rank_fusion
from index.store import ClauseStore, StoredClause
from ingest.model import Clause, Department, Target
from ingest.targets import quantity_text
from ingest.text import fold

from .query import Query

# How many fused hits to look at: the answer clause may sit below a heading-only parent clause.
CANDIDATES = 20
# The answer for lead/cooperate comes from the first attributed clause within this many hits; deeper
# than that the clause is about something else even when it carries an attribution.
ANSWER_DEPTH = 5
# Relevance test: a clause answers the question when enough of the question's informative words occur
# in it (IDF-weighted share of its content tokens), or, for questions in other words than the
# document's, when one of its sentences is close enough to the question in embedding space. Whole-clause
# similarity cannot tell: e5 scores every clause of a plan 0.84-0.90 against any policy-sounding
# question; one sentence is specific enough. Calibrated on the dev and paraphrase questions (gold
# sentence 0.865-0.95) against clearly off-topic questions (月球/火星/世界杯/熊猫…: mostly 0.84-0.86),
# see tests/app/test_answer.py. The slow sentence check runs only when the words do not already match.
MIN_KEYWORD_COVERAGE = 0.5
MIN_SENTENCE_SIMILARITY = 0.87
MIN_SENTENCE_CHARS = 4  # shorter pieces (stray numbering) say nothing
# A heading this short (加强领导) is too common to identify a clause when a question quotes it.
MIN_QUOTED_HEADING_CHARS = 5
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
LIST_SEP = "、"

Evidence = Callable[["AnswerHit"], bool]  # does this clause answer the question?


# ---- the answer shape ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerHit:
    clause_id: int
    doc_id: str
    doc_title: str
    doc_number: str
    path: str
    heading: str
    text: str
    content: str  # the text without its bracketed attributions
    lead: tuple[str, ...]
    cooperate: tuple[str, ...]
    responsible: tuple[str, ...]
    generic: tuple[str, ...]
    targets: tuple[Target, ...]
    page: int | None
    citation: str
    score: float
    keyword_rank: int | None = None
    semantic_rank: int | None = None

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["targets"] = [target_json(t) for t in self.targets]
        for key in ("lead", "cooperate", "responsible", "generic"):
            out[key] = list(out[key])
        return out


@dataclass(frozen=True)
class Answer:
    question: str
    intent: str
    found: bool
    text: str
    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    hits: tuple[AnswerHit, ...] = ()
    departments: tuple[str, ...] = field(default=())  # canonical names the question resolved to

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "intent": self.intent,
            "answer": {
                "found": self.found,
                "text": self.text,
                "lead": list(self.lead),
                "cooperate": list(self.cooperate),
                "responsible": list(self.responsible),
            },
            "departments": list(self.departments),
            "hits": [hit.to_json() for hit in self.hits],
        }


def target_json(target: Target) -> dict[str, object]:
    out = asdict(target)
    out["display"] = target_display(target)
    return out


def target_display(t: Target) -> str:
    """到2025年 省级现代服务业集聚区 达120家: the target as one readable line."""
    return " ".join(part for part in (t.timeframe, t.metric, quantity_text(t)) if part)


def printed(departments: Iterable[Department]) -> tuple[str, ...]:
    return tuple(d.printed for d in departments)


def citation(stored: StoredClause) -> str:
    """《title》（文号）path heading — ready to paste into a document."""
    c = stored.clause
    title = f"《{stored.doc_title or stored.doc_id}》"
    number = f"（{stored.doc_number}）" if stored.doc_number else ""
    heading = c.heading if c.heading and not c.path.endswith(c.heading) else ""
    return f"{title}{number}{c.path}{heading}"


def make_hit(
    stored: StoredClause,
    score: float,
    keyword_rank: int | None = None,
    semantic_rank: int | None = None,
) -> AnswerHit:
    c = stored.clause
    return AnswerHit(
        clause_id=stored.clause_id,
        doc_id=stored.doc_id,
        doc_title=stored.doc_title,
        doc_number=stored.doc_number,
        path=c.path,
        heading=c.heading,
        text=c.text,
        content=clause_text_without_attribution(c),
        lead=printed(c.departments("lead")),
        cooperate=printed(c.departments("cooperate")),
        responsible=printed(c.departments("responsible")),
        generic=c.generic,
        targets=c.targets,
        page=c.page_start,
        citation=citation(stored),
        score=float(score),
        keyword_rank=keyword_rank,
        semantic_rank=semantic_rank,
    )


# ---- relevance -------------------------------------------------------------------------------


def keyword_coverage(query_tokens: Sequence[str], clause_text: str, idf: Callable[[str], float]) -> float:
    """IDF-weighted share of the query's tokens that occur in the (folded) clause text.

    Common words (建设, 发展) weigh little, so a question about 月球基地建设 is not "covered" by a
    clause that merely says 建设; a question's distinctive words must be there.
    """
    tokens = list(dict.fromkeys(query_tokens))
    total = sum(idf(t) for t in tokens)
    if total <= 0:
        return 0.0
    text = fold(clause_text).lower()
    return sum(idf(t) for t in tokens if t in text) / total


def okapi_idf_lookup(doc_freq: Callable[[str], int], n_docs: int) -> Callable[[str], float]:
    """IDF with unseen words weighted as rarest: a word no clause has is the strongest evidence."""
    ceiling = math.log((n_docs + 0.5) / 0.5)

    def idf(token: str) -> float:
        df = doc_freq(token)
        return max(math.log((n_docs - df + 0.5) / (df + 0.5)), 0.0) if df else ceiling

    return idf


# ---- composing answers (pure) ----------------------------------------------------------------


def compose_role_answer(query: Query, hits: Sequence[AnswerHit], top_k: int, evidence: Evidence) -> Answer:
    """lead / cooperate: the top attributed clause answers if it is evidence; it is cited first.

    Only the top attributed clause is judged: a lower one that passes would answer a question about
    something else (the retriever ranked the off-topic clause higher for a reason).
    """
    chosen = next((h for h in hits[:ANSWER_DEPTH] if _attributed(h)), None)
    if chosen is None and hits and evidence(hits[0]):  # on topic, but the text names no unit
        text = f"相关条款未写明牵头或责任单位，请核对原文：{hits[0].citation}"
        return Answer(query.question, query.intent, False, text, hits=tuple(hits[:top_k]))
    if chosen is None or not evidence(chosen):
        return _not_found(query, hits, top_k)
    ordered = (chosen, *(h for h in hits if h is not chosen))[:top_k]
    return Answer(
        question=query.question,
        intent=query.intent,
        found=True,
        text=_role_text(query.intent, chosen),
        lead=chosen.lead,
        cooperate=chosen.cooperate,
        responsible=chosen.responsible,
        hits=ordered,
    )


def _attributed(hit: AnswerHit) -> bool:
    """The clause says who does it: named units, or only a generic phrase such as 各市政府负责."""
    return bool(hit.lead or hit.cooperate or hit.responsible or hit.generic)


def _role_text(intent: str, hit: AnswerHit) -> str:
    parts = []
    if intent == "cooperate":
        parts.append(_cooperate_sentence(hit))
    if hit.lead:
        parts.append(f"牵头单位：{LIST_SEP.join(hit.lead)}。")
    elif intent == "lead":
        parts.append("该条款未写明牵头单位。")
    if hit.responsible:
        parts.append(f"责任单位：{LIST_SEP.join(hit.responsible)}。")
    if intent == "lead" and hit.cooperate:
        parts.append(f"配合单位：{LIST_SEP.join(hit.cooperate)}。")
    if intent == "lead" and hit.generic and not (hit.lead or hit.responsible or hit.cooperate):
        parts.append(f"条款只写明由“{LIST_SEP.join(hit.generic)}”负责，未列明具体部门。")
    parts.append(f"依据：{hit.citation}")
    return "".join(parts)


def _cooperate_sentence(hit: AnswerHit) -> str:
    generic = f"（另有{LIST_SEP.join(hit.generic)}）" if hit.generic and hit.cooperate else ""
    if hit.cooperate:
        return f"配合单位：{LIST_SEP.join(hit.cooperate)}{generic}。"
    if hit.generic:
        return f"该条款未列明具体配合单位，只写“{LIST_SEP.join(hit.generic)}”。"
    return "该条款未写明配合单位。"


def _not_found(query: Query, hits: Sequence[AnswerHit], top_k: int) -> Answer:
    subject = query.content or query.question
    text = f"未找到与“{subject}”相关的条款。"
    if hits:
        text += "以下条款可能相关，请核对原文。"
    return Answer(query.question, query.intent, False, text, hits=tuple(hits[:top_k]))


def compose_target_answer(query: Query, hits: Sequence[AnswerHit], top_k: int, evidence: Evidence) -> Answer:
    """The targets of the first clause that has any (of the asked year when one is named), if evidence."""
    for hit in hits[:ANSWER_DEPTH]:
        targets = [t for t in hit.targets if query.year is None or t.year == query.year]
        if targets and evidence(hit):
            lines = "；".join(target_display(t) for t in targets)
            ordered = (hit, *(h for h in hits if h is not hit))[:top_k]
            text = f"{lines}。依据：{hit.citation}"
            return Answer(
                query.question,
                query.intent,
                True,
                text,
                hits=ordered,
                lead=hit.lead,
                cooperate=hit.cooperate,
                responsible=hit.responsible,
            )
    return _not_found(query, hits, top_k)


def compose_search_answer(query: Query, hits: Sequence[AnswerHit], top_k: int, evidence: Evidence) -> Answer:
    if not hits or not evidence(hits[0]):
        return _not_found(query, hits, top_k)
    top = hits[0]
    return Answer(
        query.question,
        query.intent,
        True,
        f"最相关的条款：{top.citation}",
        hits=tuple(hits[:top_k]),
        lead=top.lead,
        cooperate=top.cooperate,
        responsible=top.responsible,
    )


def compose_dept_answer(query: Query, clauses: Sequence[StoredClause]) -> Answer:
    """Every clause where the department has the asked role, in document then clause order."""
    canonicals = {d.canonical for d in query.departments[:1]}
    name = query.departments[0].printed if query.departments else ""
    hits = tuple(make_hit(s, 1.0) for s in clauses)
    role_word = _role_word(query.roles)
    if not hits:
        text = f"未找到{name}{role_word}的条款。"
        return Answer(query.question, query.intent, False, text, departments=tuple(canonicals))
    by_role = {
        role: _names_in_role(clauses, canonicals, role) for role in ("lead", "cooperate", "responsible")
    }
    docs = len({s.doc_id for s in clauses})
    text = f"{name}{role_word}的条款共{len(hits)}条（{docs}份文件），见下列条款。"
    return Answer(
        query.question,
        query.intent,
        True,
        text,
        hits=hits,
        departments=tuple(canonicals),
        **{role: names for role, names in by_role.items() if role in query.roles},
    )


def _role_word(roles: Sequence[str]) -> str:
    if tuple(roles) == ("cooperate",):
        return "配合"
    if "cooperate" not in roles:
        return "牵头或负责"
    return "牵头、配合或负责"


def _names_in_role(clauses: Iterable[StoredClause], canonicals: set[str], role: str) -> tuple[str, ...]:
    """The printed forms under which the department appears in ``role``."""
    names: dict[str, None] = {}
    for stored in clauses:
        for dept in stored.clause.departments(role):
            if dept.canonical in canonicals:
                names[dept.printed] = None
    return tuple(names)


# ---- retrieval (I/O) -------------------------------------------------------------------------


class SearchHit(Protocol):
    clause_id: int
    score: float


class SearcherLike(Protocol):
    def keyword(self, query: str, k: int, doc_id: str | None = None) -> Sequence[SearchHit]: ...
    def semantic(self, query: str, k: int, doc_id: str | None = None) -> Sequence[SearchHit]: ...


class EmbedderLike(Protocol):
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class FusionParams:
    """Reciprocal-rank fusion of the keyword and semantic lists.

    Tuned on ../shared/eval/dev_questions.jsonl and dev_paraphrase_questions.jsonl only: top-1 is flat
    (15/15, 9/10) for keyword weights 1.2-2.0 and k 1-60 with the semantic list queried with the whole
    question; 1.5 and 10 sit inside that plateau. Equal weights lose a paraphrase (8/10).
    """

    keyword_weight: float = 1.5
    semantic_weight: float = 1.0
    k: int = 10
    depth: int = 50  # each list's length: a clause 40th in one list and 1st in the other still surfaces


@dataclass
class Retriever:
    """What answering needs: the Searcher, the store, and the evidence model (tokenizer, IDF, embedder)."""

    searcher: SearcherLike
    store: ClauseStore
    tokenize: Callable[[str], list[str]]
    idf: Callable[[str], float]
    embedder: EmbedderLike
    fusion: FusionParams = field(default_factory=FusionParams)
    _sentences: dict[str, tuple[tuple[str, ...], np.ndarray]] = field(default_factory=dict)

    def ranked_hits(self, query: Query, k: int, doc_id: str | None = None) -> list[AnswerHit]:
        """Fused hits, best first. Keyword search gets the question without scaffolding (its words are
        noise to BM25); semantic search gets the whole question, the form e5 was trained on."""
        depth = max(k, self.fusion.depth)
        keyword = self.searcher.keyword(query.content or query.folded, depth, doc_id=doc_id)
        semantic = self.searcher.semantic(query.folded, depth, doc_id=doc_id)
        fused = fuse(keyword, semantic, self.fusion)
        stored = {s.clause_id: s for s in self.store.clauses_by_id(i for i, _ in fused)}
        kw_rank = {h.clause_id: r for r, h in enumerate(keyword, start=1)}
        sem_rank = {h.clause_id: r for r, h in enumerate(semantic, start=1)}
        hits = [
            make_hit(stored[i], score, kw_rank.get(i), sem_rank.get(i))
            for i, score in fused
            if i in stored  # a clause removed after the index was built
        ]
        return promote_quoted_headings(hits, query.folded)[:k]

    def evidence(self, query: Query) -> Evidence:
        """The relevance test for ``query`` (see MIN_KEYWORD_COVERAGE, MIN_SENTENCE_SIMILARITY)."""
        text = query.content or query.folded
        tokens = self.tokenize(text)
        query_vector: list[np.ndarray] = []  # embedded at most once, and only if needed

        def is_evidence(hit: AnswerHit) -> bool:
            if keyword_coverage(tokens, f"{hit.heading} {hit.text}", self.idf) >= MIN_KEYWORD_COVERAGE:
                return True
            if not query_vector:
                query_vector.append(self.embedder.embed_queries([text])[0])
            return self.best_sentence_similarity(hit, query_vector[0]) >= MIN_SENTENCE_SIMILARITY

        return is_evidence

    def best_sentence_similarity(self, hit: AnswerHit, query_vector: np.ndarray) -> float:
        key = f"{hit.heading}\n{hit.text}"
        if key not in self._sentences:
            sentences = clause_sentences(hit.heading, hit.content)
            vectors = self.embedder.embed_passages(sentences) if sentences else np.zeros((0, 1))
            self._sentences[key] = (sentences, vectors)
        _, vectors = self._sentences[key]
        return float((vectors @ query_vector).max()) if len(vectors) else 0.0


def clause_sentences(heading: str, text: str) -> tuple[str, ...]:
    pieces = [heading, *_SENTENCE_END.split(text)]
    return tuple(dict.fromkeys(p.strip() for p in pieces if len(p.strip()) >= MIN_SENTENCE_CHARS))


def promote_quoted_headings(hits: Sequence[AnswerHit], folded_question: str) -> list[AnswerHit]:
    """Clauses whose heading the question quotes word for word first, otherwise in fused order.

    Staff often ask with a task's printed title (实施百县图强计划由谁牵头); such a title is a more
    precise signal than any ranking, which can prefer a longer clause that merely repeats its words.
    """
    quoted = [
        h for h in hits if len(h.heading) >= MIN_QUOTED_HEADING_CHARS and fold(h.heading) in folded_question
    ]
    return [*quoted, *(h for h in hits if h not in quoted)]


def fuse(
    keyword: Sequence[SearchHit], semantic: Sequence[SearchHit], params: FusionParams
) -> list[tuple[int, float]]:
    rankings = [[h.clause_id for h in keyword], [h.clause_id for h in semantic]]
    weights = [params.keyword_weight, params.semantic_weight]
    return reciprocal_rank_fusion(rankings, weights, params.k)


def answer_question(query: Query, retriever: Retriever, top_k: int, doc_id: str | None = None) -> Answer:
    if query.intent == "dept":
        clauses = retriever.store.department_clauses(
            {d.canonical for d in query.departments[:1]}, query.roles
        )
        if doc_id is not None:
            clauses = [c for c in clauses if c.doc_id == doc_id]
        return compose_dept_answer(query, clauses)
    hits = retriever.ranked_hits(query, max(top_k, CANDIDATES), doc_id)
    evidence = retriever.evidence(query)
    if query.intent in ("lead", "cooperate"):
        answer = compose_role_answer(query, hits, top_k, evidence)
    elif query.intent == "target":
        answer = compose_target_answer(query, hits, top_k, evidence)
    else:
        answer = compose_search_answer(query, hits, top_k, evidence)
    return answer


def clause_text_without_attribution(clause: Clause) -> str:
    """The clause text with its bracketed attributions cut out (for the 任务分工表)."""
    pieces, cursor = [], clause.start
    for a in sorted(clause.attributions, key=lambda a: a.start):
        pieces.append(clause.text[cursor - clause.start : a.start - clause.start])
        cursor = a.end
    pieces.append(clause.text[cursor - clause.start :])
    return "".join(pieces).strip()
