"""Which search engine an index is built on: a light module, so the CLI and services can name the
choice without importing pymilvus (or numpy)."""

from __future__ import annotations

from dataclasses import dataclass

ENGINES = ("local", "milvus")
DEFAULT_ENGINE = "local"  # today's faiss + BM25 in the search/ folder


@dataclass(frozen=True)
class EngineChoice:
    """Which search engine an index is built on; ``uri`` only for milvus (None: ``DIR/milvus.db``)."""

    name: str = DEFAULT_ENGINE
    uri: str | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"unknown search engine {self.name!r}: choose {' or '.join(ENGINES)}")
