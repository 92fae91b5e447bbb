from __future__ import annotations

from pathlib import Path

import numpy as np
from index_helpers import HashEmbedder

from index.cache import EmbeddingCache, embed_passages_cached

TEXTS = ["培育优势产业集群", "推动传统产业技改升级", "培育优势产业集群", "建设新型基础设施"]


def test_second_pass_embeds_nothing(tmp_path: Path) -> None:
    embedder, cache = HashEmbedder(), EmbeddingCache(tmp_path / "e.sqlite")
    first, misses = embed_passages_cached(embedder, TEXTS, cache)
    assert misses == 3  # the duplicate text is embedded once
    assert embedder.passages_embedded == 3
    again, misses = embed_passages_cached(embedder, [*TEXTS, "新的条款"], cache)
    assert misses == 1 and embedder.passages_embedded == 4
    np.testing.assert_array_equal(again[:4], first)
    np.testing.assert_array_equal(first, embedder.embed_queries(TEXTS))


def test_cache_is_keyed_by_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    embed_passages_cached(HashEmbedder("model-a"), TEXTS, cache)
    other = HashEmbedder("model-b")
    embed_passages_cached(other, TEXTS, cache)
    assert other.passages_embedded == 3


def test_progress_counts_cached_and_new(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    embed_passages_cached(HashEmbedder(), TEXTS[:2], cache)
    seen: list[tuple[int, int]] = []
    embed_passages_cached(HashEmbedder(), TEXTS, cache, lambda done, total: seen.append((done, total)))
    assert seen == [(4, 4)]  # 3 cached rows counted up front, the one new text in one batch
