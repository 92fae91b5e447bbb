"""The evidence test: IDF-weighted word coverage and the sentences a clause is judged on."""

from __future__ import annotations

import pytest

from app.relevance import clause_sentences, keyword_coverage, okapi_idf_lookup


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
