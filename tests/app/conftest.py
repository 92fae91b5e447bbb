"""Shared fixtures: the real plan ingested and indexed once per session, small generated documents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from app.services import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
SEED = ROOT / "tests" / "fixtures" / "seed_clauses.json"
SHARED_EVAL = ROOT.parent / "shared" / "eval"

# A small document in the plan's style: two attributed clauses, one responsible-only, one target.
SMALL_DOC = """关于推进测试园区建设的实施方案

一、重点任务

（一）建设智慧园区。推进园区数字化改造，到2025年，建成智慧园区１０个以上。（省工业和信息化厅牵头，省科技厅、省商务厅配合）

（二）发展冷链物流。培育冷链物流骨干企业，完善冷链物流网络。（省商务厅负责）

（三）加强组织保障。建立工作推进机制。
"""


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
