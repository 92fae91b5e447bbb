"""The small deterministic embedder for tests whose subject is not the embedding model.

Bag of characters hashed into 32 dimensions: instant, the same on every machine, and texts that
share words get similar vectors, so keyword+semantic search still ranks sensibly. Its model id is
its own, so an index built with it is "from another model" to the real searcher.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class CharEmbedder:
    """Deterministic bag-of-characters vectors: similar texts get similar vectors, instantly."""

    dim = 32

    def __init__(self, model_id: str = "hash-chars@test") -> None:
        self.model_id = model_id
        self.passages_embedded = 0

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, int(hashlib.md5(ch.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._vectors(texts)
