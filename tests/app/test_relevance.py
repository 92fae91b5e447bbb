"""The evidence test: IDF-weighted word coverage and the sentences a clause is judged on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from app.answer import AnswerHit
from app.relevance import (
    MIN_CORROBORATED_SIMILARITY,
    EvidenceModel,
    clause_sentences,
    keyword_coverage,
    okapi_idf_lookup,
)


def test_keyword_coverage_weighs_rare_words() -> None:
    idf = okapi_idf_lookup({"建设": 40, "基地": 2}.get, n_docs=50)
    assert keyword_coverage(["月球", "基地", "建设"], "农业基地建设", idf) == pytest.approx(
        idf("基地") / (idf("月球") + idf("基地") + idf("建设"))
    )
    assert idf("建设") == 0.0  # in most clauses: no evidence either way
    assert keyword_coverage([], "任何文字", idf) == 0.0


def test_clause_sentences() -> None:
    assert clause_sentences("建设园区", "１．建设园区。推进改造；到2025年建成10个。好") == (
        "建设园区", "１．建设园区", "推进改造", "到2025年建成10个",
    )  # fmt: skip


class FixedSimilarity:
    """Every sentence at cosine ``similarity`` to every question (unit vectors in two dimensions)."""

    def __init__(self, similarity: float) -> None:
        self.passage = np.array([similarity, np.sqrt(1 - similarity**2)], dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.tile(np.array([1.0, 0.0], dtype=np.float32), (len(texts), 1))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.tile(self.passage, (len(texts), 1))


HIT = AnswerHit(
    clause_id=1, doc_id="d", doc_title="", doc_number="", path="三、（四）2．",
    heading="培强新型农业经营主体",
    text="发展农业社会化服务组织，开展托管服务。", content="发展农业社会化服务组织，开展托管服务。",
    lead=("省农业农村厅",), cooperate=(), responsible=(), generic=(), targets=(), page=None,
    citation="", score=1.0, keyword_rank=1, semantic_rank=1,
)  # fmt: skip


def evidence_model(similarity: float) -> EvidenceModel:
    idf = okapi_idf_lookup({"农业": 5, "服务": 8, "社会化": 2}.get, n_docs=50)
    return EvidenceModel(str.split, idf, FixedSimilarity(similarity))


@pytest.mark.parametrize(
    ("question", "hit", "corroboration", "answers"),
    [
        ("种地 社会化 服务 农户", HIT, True, True),  # first in both rankings, a third of the words
        ("种地 社会化 服务 农户", HIT, False, False),  # a fact question needs the stricter tests
        ("种地 社会化 服务 农户", replace(HIT, semantic_rank=2), True, False),  # the rankings disagree
        ("养老金 上调 每月 服务", HIT, True, False),  # agreed, but hardly a word in common
    ],
)
def test_agreeing_rankings_corroborate_a_role_question(
    question: str, hit: AnswerHit, corroboration: bool, answers: bool
) -> None:
    is_evidence = evidence_model(MIN_CORROBORATED_SIMILARITY + 0.01).for_question(question, corroboration)
    assert is_evidence(hit) is answers


def test_corroboration_still_needs_a_close_sentence() -> None:
    weak = evidence_model(MIN_CORROBORATED_SIMILARITY - 0.02)
    is_evidence = weak.for_question("种地 社会化 服务 农户", corroboration=True)
    assert is_evidence(HIT) is False


def test_a_named_department_is_evidence_where_the_clause_names_it_by_any_name() -> None:
    hit = replace(HIT, units=frozenset({"省农业农村厅"}))
    model = evidence_model(0.5)  # no sentence is close: only the words decide
    asked = [("农业厅", "省农业农村厅")]  # as the question writes it, and its canonical name
    assert model.for_question("农业厅 社会化 服务", departments=asked)(hit) is True
    assert (
        model.for_question("农业厅 社会化 服务", departments=asked)(replace(hit, units=frozenset())) is False
    )
    idf = okapi_idf_lookup({"社会化": 2}.get, n_docs=50)
    unnamed = [(idf("农业厅"), "农业厅", False)]
    assert keyword_coverage(["社会化"], "社会化服务", idf, unnamed) == pytest.approx(
        idf("社会化") / (idf("社会化") + idf("农业厅"))
    )
