"""Shared fixtures: the real plan ingested and indexed once per session, small generated documents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from app_paths import PLAN, SEED, SMALL_DOC

from app.services import KnowledgeBase


@pytest.fixture(scope="session")
def plan_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The plan in corpus/, stored and indexed with the real embedding model (shared: ~20 s)."""
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("plan-index"))
    outcomes = kb.ingest([PLAN])
    assert [o.status for o in outcomes] == ["added"]
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def seed() -> dict[str, dict]:
    return json.loads(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def small_doc(tmp_path: Path) -> Path:
    path = tmp_path / "small_plan.txt"
    path.write_text(SMALL_DOC, encoding="utf-8")
    return path


class HashEmbedder:
    """A stand-in embedding model for tests that never search: deterministic, instant, and with its
    own model id, so an index built with it is "from another model" for the real searcher."""

    model_id = "hash-test"
    dim = 16

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[: self.dim], np.uint8) for t in texts]
        matrix = np.asarray(rows, dtype=np.float32).reshape(-1, self.dim) + 1
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@pytest.fixture
def hash_kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    """An empty knowledge base whose index is built with HashEmbedder (fast; not for questions)."""
    kb = KnowledgeBase.open(tmp_path / "hash-index", embedder_factory=HashEmbedder)
    yield kb
    kb.close()
