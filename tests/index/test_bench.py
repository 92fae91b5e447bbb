from __future__ import annotations

import numpy as np

from index.bench import SyntheticEmbedder, peak_rss_mb, synthetic_documents

SENTENCES = ["推动企业转型升级。", "加快５Ｇ基站建设。", "培育产业集群；", "保障粮食安全！", "完善政策体系。"]


def test_synthetic_documents_are_clause_sized_and_deterministic() -> None:
    docs = list(synthetic_documents(7, SENTENCES, base_count=2))
    assert [len(d.clauses) for d in docs] == [7]
    again = list(synthetic_documents(7, SENTENCES, base_count=2))
    assert docs == again
    assert all(c.text.startswith(tuple(SENTENCES[:2])) for c in docs[0].clauses)
    assert docs[0].clauses[0].attributions and not docs[0].clauses[1].attributions


def test_synthetic_vectors_derive_from_base_sentences() -> None:
    base = np.eye(256, dtype=np.float32)[:2]  # many dims: the noise norm concentrates near NOISE
    embedder = SyntheticEmbedder(SENTENCES, base)
    vectors = embedder.embed_passages(["推动企业转型升级。保障粮食安全！", "加快５Ｇ基站建设。"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ base[0] > 0.8 and vectors[1] @ base[1] > 0.8
    np.testing.assert_array_equal(
        vectors, embedder.embed_passages(["推动企业转型升级。保障粮食安全！", "加快５Ｇ基站建设。"])
    )


def test_peak_rss_is_megabytes() -> None:
    assert 10 < peak_rss_mb() < 100_000
