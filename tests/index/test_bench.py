from __future__ import annotations

import numpy as np
import pytest

from index.bench import BenchEmbedder, bench_documents, peak_rss_mb
from index.bench_texts import SHARED, real_texts, reserved_rows

SENTENCES = ["推动企业转型升级。", "加快５Ｇ基站建设。", "培育产业集群；", "保障粮食安全！", "完善政策体系。"]


def test_bench_documents_put_real_texts_first_then_synthetic_clauses() -> None:
    real = ["真实条款一。", "真实条款二。"]
    docs = list(bench_documents(7, real, SENTENCES))
    assert [len(d.clauses) for d in docs] == [7]
    assert [c.text for c in docs[0].clauses[:2]] == real
    synthetic = docs[0].clauses[2:]
    assert all(2 <= sum(c.text.count(s) for s in SENTENCES) <= 4 for c in synthetic)
    assert docs == list(bench_documents(7, real, SENTENCES))  # deterministic: a store is reused
    assert docs[0].clauses[0].attributions and not docs[0].clauses[1].attributions


def test_bench_vectors_are_real_for_real_texts_and_derived_for_synthetic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import index.embed

    monkeypatch.setattr(index.embed, "make_embedder", lambda *a: None)  # queries are not asked here
    real = ["推动企业转型升级。", "加快５Ｇ基站建设。", "其他真实文本"]
    vectors = np.eye(256, dtype=np.float32)[:3]  # many dims: the noise norm concentrates near NOISE
    embedder = BenchEmbedder(real, vectors, {real[0]: 0, real[1]: 1})
    got = embedder.embed_passages(["其他真实文本", "推动企业转型升级。加快５Ｇ基站建设。"])
    np.testing.assert_array_equal(got[0], vectors[2])
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, rtol=1e-5)
    assert got[1] @ vectors[0] > 0.6 and got[1] @ vectors[1] > 0.6 and abs(got[1] @ vectors[2]) < 0.2


def test_reserved_rows_are_read_from_the_shared_list() -> None:
    if not (SHARED / "datasets" / "RESERVED.md").exists():
        pytest.skip("../shared/datasets is absent")
    xlsx, sql = reserved_rows()
    assert ("ShanDong Policies Table", 5) in xlsx and ("Central Policies Table", 43) in xlsx
    assert sql == {5, 7, 9, 12, 15, 34, 37, 57}


def test_real_texts_are_distinct_and_counted() -> None:
    if not (SHARED / "datasets").is_dir():
        pytest.skip("../shared/datasets is absent")
    texts, counts = real_texts(30_000)
    assert len(texts) == len(set(texts)) == sum(counts.values()) == 30_000
    assert counts["sentences"] > 15_000 and counts["consecutive sentence pairs"] > 0


def test_peak_rss_is_megabytes() -> None:
    assert 10 < peak_rss_mb() < 100_000
