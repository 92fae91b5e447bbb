from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import vectors
from index.vectors import FLAT, HNSW, VectorIndex


def _unit(rows: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_kind_follows_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 100)
    assert VectorIndex.create(16, 100).kind == FLAT
    assert VectorIndex.create(16, 101).kind == HNSW


@pytest.mark.parametrize("size", [50, 500])
def test_search_returns_clause_ids_by_cosine(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 100)
    data, ids = _unit(size), np.arange(size, dtype=np.int64) * 10 + 7
    index = VectorIndex.create(16, size)
    index.add(ids, data)
    found, scores = index.search(data[3], 5)
    expected = np.argsort(-(data @ data[3]))[:5]
    assert found.tolist() == (ids[expected]).tolist()
    np.testing.assert_allclose(scores, (data @ data[3])[expected], atol=2e-3)  # fp16 storage in HNSW


def test_filter_and_save_load(tmp_path: Path) -> None:
    data, ids = _unit(40), np.arange(40, dtype=np.int64) + 100
    index = VectorIndex.create(16, 40)
    index.add(ids, data)
    only = np.array([105, 110, 120])
    found, _ = index.search(data[0], 10, only_ids=only)
    assert sorted(found.tolist()) == [105, 110, 120]
    index.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss", FLAT)
    assert loaded.search(data[7], 1)[0].tolist() == [107]
