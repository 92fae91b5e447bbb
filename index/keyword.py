"""BM25 over pre-tokenized clauses, scoring exactly like rank-bm25's ``BM25Okapi``.

Why not bm25s directly: none of bm25s's (0.3) variants reproduces BM25Okapi. Its "atire" term
weight ``tf·(k1+1)/(tf + k1·(1-b+b·dl/avgdl))`` is BM25Okapi's, but its IDFs are ``log(N/df)``
(atire), ``log(1+(N-df+.5)/(df+.5))`` (lucene) or Robertson's ``log((N-df+.5)/(df+.5))`` clamped at
0, while BM25Okapi replaces a negative IDF (a word in more than half the clauses, e.g. 企业) by
``epsilon · mean(idf)``. So we do what bm25s does internally, with the Okapi IDF: precompute every
(term, clause) weight once into a term-major sparse matrix (float32 data, int32 clause positions);
a query is then the sum of its terms' columns. Saved as a folder with ``params.json``, like bm25s.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .errors import IndexCorrupt

FORMAT = "policykb-bm25"
FORMAT_VERSION = 1
# Weights are computed per chunk of nonzeros so a 1M-clause build never holds float64 copies of all.
_WEIGHT_CHUNK = 4_000_000
_ARRAYS = ("data", "indices", "indptr")  # csc_matrix constructor order


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25  # BM25Okapi's floor for negative IDF, as a fraction of the mean IDF


class BM25Index:
    """Term-major BM25 weights: column ``t`` lists (clause position, weight) for term ``t``."""

    def __init__(self, vocab: dict[str, int], matrix: sp.csc_matrix, params: BM25Params) -> None:
        self.vocab = vocab
        self.matrix = matrix  # shape (n_clauses, n_terms)
        self.params = params

    @property
    def n_docs(self) -> int:
        return int(self.matrix.shape[0])

    def doc_freq(self, token: str) -> int:
        """How many clauses contain ``token`` (0 for a word the index has never seen)."""
        term = self.vocab.get(token)
        return 0 if term is None else int(self.matrix.indptr[term + 1] - self.matrix.indptr[term])

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], params: BM25Params | None = None) -> BM25Index:
        params = params or BM25Params()
        vocab: dict[str, int] = {}
        indptr, terms, counts = array("q", [0]), array("i"), array("f")
        for tokens in token_lists:
            for token, count in Counter(tokens).items():
                terms.append(vocab.setdefault(token, len(vocab)))
                counts.append(count)
            indptr.append(len(terms))
        n_docs = len(indptr) - 1
        data, rows = np.frombuffer(counts, np.float32), np.frombuffer(terms, np.int32)
        arrays = (data, rows, np.frombuffer(indptr, np.int64).astype(_index_dtype(len(terms))))
        tf = sp.csr_matrix(arrays, shape=(n_docs, len(vocab)))
        del terms, counts, indptr
        matrix = tf.tocsc()
        del tf
        _weigh_in_place(matrix, params)
        return cls(vocab, matrix, params)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25Okapi.get_scores: one float64 score per clause position (0 where no term matches)."""
        out = np.zeros(self.n_docs, dtype=np.float64)
        m = self.matrix
        for token, count in Counter(query_tokens).items():
            term = self.vocab.get(token)
            if term is None:
                continue
            start, end = m.indptr[term], m.indptr[term + 1]
            # Row indices are unique within a column, so fancy-index += is safe (no np.add.at needed).
            out[m.indices[start:end]] += count * m.data[start:end].astype(np.float64)
        return out

    def top(
        self, query_tokens: Sequence[str], k: int, positions: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` clause positions with a positive score, optionally only among ``positions``."""
        scores = self.scores(query_tokens)
        candidates = np.flatnonzero(scores > 0) if positions is None else positions[scores[positions] > 0]
        return top_k(candidates, scores[candidates], k)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        m = self.matrix
        np.save(folder / "indptr.npy", m.indptr.astype(_index_dtype(m.nnz), copy=False))
        np.save(folder / "indices.npy", m.indices.astype(np.int32, copy=False))
        np.save(folder / "data.npy", m.data.astype(np.float32, copy=False))
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        params = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            **asdict(self.params),
            "n_docs": self.n_docs,
            "n_terms": len(vocab),
            "weights": "okapi-epsilon-floor",
        }
        (folder / "params.json").write_text(json.dumps(params, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        try:
            params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
            if params.get("format") != FORMAT or params.get("version") != FORMAT_VERSION:
                raise IndexCorrupt(f"{folder}: not a {FORMAT} v{FORMAT_VERSION} index")
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            # mmap: the OS pages the weights in on demand and shares them between processes.
            arrays = [np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS]
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"{folder}: unreadable BM25 index ({exc})") from exc
        matrix = sp.csc_matrix(tuple(arrays), shape=(params["n_docs"], params["n_terms"]), copy=False)
        bm25 = BM25Params(params["k1"], params["b"], params["epsilon"])
        return cls({t: i for i, t in enumerate(vocab)}, matrix, bm25)


def _index_dtype(nnz: int) -> type[np.integer]:
    """int32 offsets while they fit: scipy casts indices and indptr to one dtype, and int32 indices
    are what keeps the matrix lean (and lets a loaded matrix share the mmapped file, not copy it)."""
    return np.int32 if nnz < np.iinfo(np.int32).max else np.int64


def okapi_idf(df: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """rank-bm25 BM25Okapi IDF: log((N-n+.5)/(n+.5)), negatives floored at epsilon·mean(idf)."""
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    if idf.size:
        idf[idf < 0] = epsilon * idf.mean()
    return idf


def _weigh_in_place(matrix: sp.csc_matrix, params: BM25Params) -> None:
    """Turn term counts into BM25Okapi weights idf(t)·tf·(k1+1)/(tf + k1·(1-b+b·dl/avgdl))."""
    n_docs, _ = matrix.shape
    if matrix.nnz == 0:
        return
    df = np.diff(matrix.indptr)
    idf = okapi_idf(df.astype(np.float64), n_docs, params.epsilon)
    doc_len = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    avgdl = doc_len.sum() / n_docs
    norm = params.k1 * (1 - params.b + params.b * doc_len / avgdl)
    term_of = np.repeat(np.arange(len(df), dtype=np.int32), df)
    for start in range(0, matrix.nnz, _WEIGHT_CHUNK):
        chunk = slice(start, start + _WEIGHT_CHUNK)
        tf = matrix.data[chunk].astype(np.float64)
        weight = idf[term_of[chunk]] * tf * (params.k1 + 1) / (tf + norm[matrix.indices[chunk]])
        matrix.data[chunk] = weight.astype(np.float32)


def top_k(items: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best (item, score) pairs, best first; ties broken by item for reproducibility."""
    if k <= 0 or items.size == 0:
        return items[:0], scores[:0]
    if items.size > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        items, scores = items[keep], scores[keep]
    order = np.lexsort((items, -scores))
    return items[order], scores[order]
