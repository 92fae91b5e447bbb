from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.keyword import BM25Index, okapi_idf, top_k

# 企业 is in 5 of 6 clauses and 发展 in 4: both get a negative raw IDF and hit the epsilon floor.
CORPUS = [
    ["企业", "发展", "数字", "经济", "企业"],
    ["企业", "技改", "转型", "发展"],
    ["企业", "产业", "集群", "雁阵形", "产业"],
    ["农业", "发展", "品牌"],
    ["企业", "融资", "科技", "企业", "企业"],
    ["企业", "发展", "园区", "能级", "提升", "园区", "开发区"],
]
QUERIES = [
    ["企业"],
    ["企业", "发展"],
    ["产业", "集群"],
    ["园区", "园区", "未知"],
    ["未知"],
    ["企业", "农业", "科技"],
]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_rank_bm25_okapi(query: list[str]) -> None:
    ours = BM25Index.build(CORPUS).scores(query)
    np.testing.assert_allclose(ours, BM25Okapi(CORPUS).get_scores(query), rtol=0, atol=1e-6)


def test_negative_idf_hits_the_epsilon_floor() -> None:
    okapi = BM25Okapi(CORPUS)
    assert okapi.idf["企业"] == okapi.idf["发展"] == pytest.approx(0.25 * okapi.average_idf)
    idf = okapi_idf(np.array([5.0, 1.0]), 6, 0.25)
    assert idf[1] == pytest.approx(np.log(5.5 / 1.5))
    assert idf[0] == pytest.approx(0.25 * (np.log(1.5 / 5.5) + np.log(5.5 / 1.5)) / 2)


def test_top_is_best_first_and_skips_zero_scores() -> None:
    index = BM25Index.build(CORPUS)
    rows, scores = index.top(["园区", "农业"], 10)
    assert rows.tolist() == [5, 3]
    assert scores.tolist() == pytest.approx(BM25Okapi(CORPUS).get_scores(["园区", "农业"])[[5, 3]].tolist())
    only, _ = index.top(["企业"], 10, positions=np.array([1, 3, 4]))
    assert only.tolist() == [4, 1]


def test_save_load_round_trip(tmp_path: Path) -> None:
    index = BM25Index.build(CORPUS)
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    assert loaded.vocab == index.vocab
    assert loaded.params == index.params
    for query in QUERIES:
        np.testing.assert_array_equal(loaded.scores(query), index.scores(query))
    assert loaded.matrix.data.dtype == np.float32 and loaded.matrix.indices.dtype == np.int32


def test_empty_corpus() -> None:
    index = BM25Index.build([])
    assert index.top(["企业"], 5)[0].tolist() == []


def test_top_k_breaks_ties_by_item() -> None:
    items, scores = top_k(np.array([7, 3, 5, 1]), np.array([1.0, 2.0, 1.0, 0.5]), 3)
    assert items.tolist() == [3, 5, 7]
    assert scores.tolist() == [2.0, 1.0, 1.0]
