from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import vectors
from index.vectors import FLAT, HNSW, IVF, VectorIndex


def _unit(rows: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_kind_follows_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 100)
    assert VectorIndex.create(16, 100).kind == FLAT
    for ann, kind in (("ivf", IVF), ("hnsw", HNSW)):
        monkeypatch.setattr(vectors, "ANN_KIND", ann)
        assert VectorIndex.create(16, 101).kind == kind


@pytest.mark.parametrize("size", [50, 500])
def test_search_returns_clause_ids_by_cosine(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 100)
    data, ids = _unit(size), np.arange(size, dtype=np.int64) * 10 + 7
    index = VectorIndex.create(16, size)
    index.add(ids, data)
    found, scores = index.search(data[3], 5)
    expected = np.argsort(-(data @ data[3]))[:5]
    assert found.tolist() == (ids[expected]).tolist()
    np.testing.assert_allclose(scores, (data @ data[3])[expected], atol=2e-3)  # fp16 storage in the ANN index


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


def test_ivf_trains_on_held_vectors_and_records_its_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 100)
    monkeypatch.setattr(vectors, "ANN_KIND", "ivf")
    data, ids = _unit(2000), np.arange(2000, dtype=np.int64) + 1
    index = VectorIndex.create(16, 2000)
    assert index.kind == IVF
    for start in range(0, 2000, 300):  # chunks, as the build adds them
        index.add(ids[start : start + 300], data[start : start + 300])
    index.finish()
    assert len(index) == 2000 and index.params() == {
        "nlist": 128,
        "nprobe": vectors.IVF_NPROBE,
        "storage": "fp16",
    }
    index.set_search_effort(128)  # every cell: exact up to fp16 rounding
    found, _ = index.search(data[11], 5)
    assert found.tolist() == (ids[np.argsort(-(data @ data[11]))[:5]]).tolist()
    only = np.array([5, 900, 1700])
    assert sorted(index.search(data[0], 10, only_ids=only)[0].tolist()) == [5, 900, 1700]
    index.save(tmp_path / "v.faiss")
    assert VectorIndex.load(tmp_path / "v.faiss", IVF).params()["nprobe"] == vectors.IVF_NPROBE
