"""Keyword, semantic and hybrid search over the indexes ``build.py`` wrote.

``Searcher.open`` refuses, with a message saying what to do, an index that is missing, half-built or
corrupt, built with another embedding model than the one given, or older than the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .build import (
    INDEX_FORMAT,
    INDEX_FORMAT_VERSION,
    PASSAGE_FORMAT,
    SEARCH_LINK,
    STORE_FILE,
    Fusion,
    fusion_settings,
)
from .embed import Embedder, make_embedder
from .engine import EngineChoice
from .errors import IndexCorrupt, IndexMissing, IndexStale, ModelMismatch, SearchIndexError
from .fusion import reciprocal_rank_fusion
from .keyword import BM25Index
from .milvus import MilvusEngine, filter_expr, recorded_uri, resolve_uri
from .store import ClauseStore, StoredClause
from .tokenize import ClauseTokenizer, tokenizer_fingerprint
from .vectors import VectorIndex

_REBUILD = "rebuild it with `policykb ingest`"


@dataclass(frozen=True)
class Hit:
    clause_id: int
    score: float
    keyword_rank: int | None = None  # 1-based rank in the keyword list, None if not in it
    semantic_rank: int | None = None


@dataclass(frozen=True)
class SearchRequest:
    """One hybrid search: BM25 gets ``keyword`` (the question without its scaffolding), e5 gets
    ``semantic`` (the whole question, the form it was trained on). Filters narrow the clauses before
    ranking: documents, departments (canonical names) in some roles, a target year."""

    keyword: str
    semantic: str
    k: int = 10
    doc_ids: frozenset[str] | None = None
    departments: frozenset[str] | None = None
    roles: tuple[str, ...] = ("lead", "cooperate", "responsible")
    year: int | None = None

    @property
    def filtered(self) -> bool:
        return self.doc_ids is not None or self.departments is not None or self.year is not None


@dataclass(frozen=True)
class Result:
    """A ranked clause, as stored: nothing is fetched again downstream."""

    stored: StoredClause
    score: float
    keyword_rank: int | None
    semantic_rank: int | None


@dataclass(frozen=True)
class _Parts:
    """Everything loaded from one ``search/`` folder."""

    params: dict[str, object]
    tokenizer: ClauseTokenizer
    bm25: BM25Index
    vectors: VectorIndex
    clause_ids: np.ndarray  # BM25 row -> clause id
    doc_of: np.ndarray  # BM25 row -> document code
    doc_codes: dict[str, int]  # doc_id -> document code


@dataclass(frozen=True)
class _MilvusParts:
    """A milvus index: Milvus ranks; the folder keeps what callers weigh words with."""

    params: dict[str, object]
    tokenizer: ClauseTokenizer
    doc_freq: dict[str, int]
    engine: MilvusEngine


# Where the local engine narrows by rows (positions), the milvus engine passes a filter expression.
Scope = np.ndarray | str | None


class Searcher:
    def __init__(
        self, parts: _Parts | _MilvusParts, embedder: Embedder, stale: bool, index_dir: Path
    ) -> None:
        self._parts = parts
        self.index_dir = index_dir
        self.params = parts.params
        self.embedder = embedder
        self.stale = stale  # the store changed after the build: results may miss or name old clauses

    @classmethod
    def open(
        cls, index_dir: str | Path, embedder: Embedder | None = None, *, allow_stale: bool = False
    ) -> Searcher:
        folder, params, embedder, stale = _check(Path(index_dir), embedder, allow_stale)
        return cls(_load(folder, params, Path(index_dir)), embedder, stale, Path(index_dir))

    @property
    def engine(self) -> str:
        """The search engine the index was built on: ``local`` (BM25 + faiss) or ``milvus``."""
        return "milvus" if isinstance(self._parts, _MilvusParts) else "local"

    def close(self) -> None:
        if isinstance(self._parts, _MilvusParts):
            self._parts.engine.close()

    @property
    def n_clauses(self) -> int:
        if isinstance(self._parts, _MilvusParts):
            return int(self.params["clauses"])  # type: ignore[call-overload]
        return self._parts.bm25.n_docs

    def tokenize(self, text: str) -> list[str]:
        """The index's own tokenization (its user dictionary included), for callers that weigh words."""
        return self._parts.tokenizer.tokenize(text)

    def doc_freq(self, token: str) -> int:
        if isinstance(self._parts, _MilvusParts):
            return self._parts.doc_freq.get(token, 0)
        return self._parts.bm25.doc_freq(token)

    def keyword(self, query: str, k: int = 10, doc_id: str | None = None) -> list[Hit]:
        return self._keyword_rows(query, k, self._rows_of(doc_id))

    def semantic(self, query: str, k: int = 10, doc_id: str | None = None) -> list[Hit]:
        return self._semantic_rows(query, k, self._rows_of(doc_id))

    def _keyword_rows(self, query: str, k: int, rows: Scope) -> list[Hit]:
        p = self._parts
        if isinstance(p, _MilvusParts):
            ids = p.engine.keyword(query, k, rows)  # type: ignore[arg-type]
            # Milvus scores (negated, per segment in Lite) mean nothing here: the score is the rank's.
            return [Hit(i, 1.0 / rank, keyword_rank=rank) for rank, i in enumerate(ids, start=1)]
        found, scores = p.bm25.top(p.tokenizer.tokenize(query), k, rows)  # type: ignore[arg-type]
        ranked = enumerate(zip(p.clause_ids[found], scores, strict=True), start=1)
        return [Hit(int(i), float(s), keyword_rank=rank) for rank, (i, s) in ranked]

    def _semantic_rows(self, query: str, k: int, rows: Scope) -> list[Hit]:
        p = self._parts
        if isinstance(p, _MilvusParts):
            vector = self.embedder.embed_queries([query])[0]
            ids = p.engine.semantic(vector, k, rows)  # type: ignore[arg-type]
            return [Hit(i, 1.0 / rank, semantic_rank=rank) for rank, i in enumerate(ids, start=1)]
        only = None if rows is None else p.clause_ids[rows]
        if only is not None and only.size == 0:
            return []
        vector = self.embedder.embed_queries([query])[0]
        ids, scores = p.vectors.search(vector, k, only)
        ranked = enumerate(zip(ids, scores, strict=True), start=1)
        return [Hit(int(i), float(s), semantic_rank=rank) for rank, (i, s) in ranked]

    @property
    def fusion(self) -> Fusion:
        recorded = dict(self.params["fusion"])  # type: ignore[call-overload]
        return Fusion(**{**recorded, "weights": tuple(recorded["weights"])})

    def hybrid(self, query: str, k: int = 10, doc_id: str | None = None) -> list[Hit]:
        """Keyword and semantic search of one text, fused by the index's own fusion parameters."""
        return self._fused(query, query, k, self._rows_of(doc_id))

    def search(self, request: SearchRequest) -> list[Result]:
        """The one retrieval path of policykb (ask, the UI and the benchmark): filters, hybrid ranking,
        and the ranked clauses read from the store of the same revision as the index."""
        with ClauseStore(self.index_dir / STORE_FILE) as store, store.snapshot():
            if store.revision() != self.params["store_revision"]:
                raise IndexStale(f"the index in {self.index_dir} is being rebuilt; try again in a moment")
            rows = self._rows_for(store, request) if request.filtered else None
            hits = self._fused(request.keyword, request.semantic, request.k, rows)
            stored = {s.clause_id: s for s in store.clauses_by_id(h.clause_id for h in hits)}
        return [Result(stored[h.clause_id], h.score, h.keyword_rank, h.semantic_rank) for h in hits]

    def _rows_for(self, store: ClauseStore, request: SearchRequest) -> Scope:
        if isinstance(self._parts, _MilvusParts):  # filtered inside Milvus, not by the store
            return filter_expr(request.doc_ids, request.departments, request.roles, request.year)
        ids = np.asarray(
            store.matching_clause_ids(request.doc_ids, request.departments, request.roles, request.year),
            dtype=np.int64,
        )
        positions = np.searchsorted(self._parts.clause_ids, ids)  # clause ids are stored in order
        positions = positions[positions < len(self._parts.clause_ids)]
        return positions[self._parts.clause_ids[positions] == ids[: len(positions)]]

    def _fused(self, keyword_query: str, semantic_query: str, k: int, rows: Scope) -> list[Hit]:
        fusion = self.fusion
        depth = max(k, fusion.depth)
        keyword = self._keyword_rows(keyword_query, depth, rows)
        semantic = self._semantic_rows(semantic_query, depth, rows)
        rankings = [[h.clause_id for h in hits] for hits in (keyword, semantic)]
        fused = reciprocal_rank_fusion(rankings, fusion.weights, fusion.k)
        kw_rank = {h.clause_id: h.keyword_rank for h in keyword}
        sem_rank = {h.clause_id: h.semantic_rank for h in semantic}
        return [Hit(i, s, kw_rank.get(i), sem_rank.get(i)) for i, s in fused[:k]]

    def _rows_of(self, doc_id: str | None) -> Scope:
        if doc_id is None:
            return None
        if isinstance(self._parts, _MilvusParts):
            return filter_expr(doc_ids=[doc_id])
        code = self._parts.doc_codes.get(doc_id)
        if code is None:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(self._parts.doc_of == code)


def recorded_embedding(index_dir: str | Path) -> tuple[str, str | None] | None:
    """(backend, model) an existing index was built with, or None when there is no readable index."""
    link = Path(index_dir) / SEARCH_LINK
    if not link.exists():
        return None
    try:
        embedding = _embedding(_read_params(link.resolve()))
    except IndexCorrupt:
        return None
    return str(embedding["backend"]), embedding.get("model")  # type: ignore[return-value]


def check_index(index_dir: str | Path, embedder: Embedder, engine: EngineChoice | None = None) -> None:
    """Raise what ``Searcher.open`` would, without loading anything heavy (params and store; for a
    milvus index, that its collection is there). ``engine``: the index must be built on it too."""
    index_dir = Path(index_dir)
    _, params, _, _ = _check(index_dir, embedder, allow_stale=False)
    recorded = params.get("engine")
    recorded = recorded if isinstance(recorded, dict) else {"name": "local"}
    if engine is not None:
        wanted = {"name": engine.name}
        built = {"name": recorded.get("name")}
        if engine.name == "milvus":
            wanted["uri"] = recorded_uri(engine.uri, index_dir)
            built["uri"] = recorded.get("uri")
        if wanted != built:
            raise IndexStale(f"the index in {index_dir} is built on {built}, not {wanted}: {_REBUILD}")
    if recorded.get("name") == "milvus":
        MilvusEngine.open(resolve_uri(str(recorded["uri"]), index_dir), str(recorded["alias"])).close()


def _check(
    index_dir: Path, embedder: Embedder | None, allow_stale: bool
) -> tuple[Path, dict[str, object], Embedder, bool]:
    link = index_dir / SEARCH_LINK
    if not link.exists():
        raise IndexMissing(f"no search index in {index_dir}: run `policykb ingest` first")
    folder = link.resolve()  # resolve once: a concurrent rebuild may swap the link
    params = _read_params(folder)
    embedder = embedder or _default_embedder(params)
    built_with = _embedding(params)["model_id"]
    if embedder.model_id != built_with:
        raise ModelMismatch(
            f"index in {index_dir} was built with {built_with}, searching with {embedder.model_id}:"
            f" {_REBUILD} using the same model, or search with {built_with}"
        )
    _check_settings(index_dir, params)
    stale = _store_revision(index_dir) != params["store_revision"]
    if stale and not allow_stale:
        raise IndexStale(f"the clause store in {index_dir} changed after the index was built: {_REBUILD}")
    return folder, params, embedder, stale


def _check_settings(index_dir: Path, params: dict[str, object]) -> None:
    """The index must have been built the way this policykb builds: same tokenizer, stop words,
    passage format and fusion settings, else its rankings mean something else."""
    built = {
        "tokenizer": params.get("tokenizer"),
        "passage": _embedding(params).get("passage"),
        "fusion": params.get("fusion"),
    }
    now = {"tokenizer": tokenizer_fingerprint(), "passage": PASSAGE_FORMAT, "fusion": fusion_settings()}
    changed = [name for name in now if built[name] != now[name]]
    if changed:
        raise IndexStale(
            f"the index in {index_dir} was built with other {' and '.join(changed)} settings than this"
            f" policykb uses: {_REBUILD}"
        )


def _load(folder: Path, params: dict[str, object], index_dir: Path) -> _Parts | _MilvusParts:
    engine = params.get("engine")
    if isinstance(engine, dict) and engine.get("name") == "milvus":
        return _load_milvus(folder, params, index_dir, engine)
    try:
        clause_ids = np.load(folder / "clause_ids.npy")
        doc_of = np.load(folder / "doc_of.npy")
        doc_ids = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        user_words = (folder / "userdict.txt").read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{folder}: incomplete index ({exc}); {_REBUILD}") from exc
    bm25 = BM25Index.load(folder / "bm25")
    vectors = VectorIndex.load(folder / "vectors.faiss", str(params.get("vectors")))
    sizes = {len(clause_ids), len(doc_of), bm25.n_docs, len(vectors)}
    if sizes != {params["clauses"]}:
        raise IndexCorrupt(f"{folder}: parts disagree on the clause count ({sorted(sizes)}); {_REBUILD}")
    tokenizer = ClauseTokenizer(user_words)
    doc_codes = {doc_id: code for code, doc_id in enumerate(doc_ids)}
    return _Parts(params, tokenizer, bm25, vectors, clause_ids, doc_of, doc_codes)


def _load_milvus(
    folder: Path, params: dict[str, object], index_dir: Path, engine: dict[str, object]
) -> _MilvusParts:
    try:
        doc_freq = json.loads((folder / "doc_freq.json").read_text(encoding="utf-8"))
        user_words = (folder / "userdict.txt").read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{folder}: incomplete index ({exc}); {_REBUILD}") from exc
    uri = resolve_uri(str(engine["uri"]), index_dir)
    milvus = MilvusEngine.open(uri, str(engine["alias"]))
    tokenizer = ClauseTokenizer(user_words)
    return _MilvusParts(params, tokenizer, doc_freq, milvus)


def _read_params(folder: Path) -> dict[str, object]:
    try:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{folder}: missing or unreadable params.json ({exc}); {_REBUILD}") from exc
    if params.get("format") != INDEX_FORMAT or params.get("version") != INDEX_FORMAT_VERSION:
        raise IndexCorrupt(
            f"{folder}: index format {params.get('format')} v{params.get('version')}, expected"
            f" {INDEX_FORMAT} v{INDEX_FORMAT_VERSION}; {_REBUILD}"
        )
    return params


def _embedding(params: dict[str, object]) -> dict[str, object]:
    embedding = params.get("embedding")
    if not isinstance(embedding, dict) or "model_id" not in embedding:
        raise IndexCorrupt(f"params.json has no embedding settings; {_REBUILD}")
    return embedding


def _default_embedder(params: dict[str, object]) -> Embedder:
    embedding = _embedding(params)
    try:
        return make_embedder(str(embedding["backend"]), embedding.get("model"))  # type: ignore[arg-type]
    except ValueError as exc:
        raise SearchIndexError(
            f"cannot recreate the embedder {embedding['model_id']} the index was built with: pass it"
            " to Searcher.open"
        ) from exc


def _store_revision(index_dir: Path) -> int:
    store_path = index_dir / STORE_FILE
    if not store_path.exists():
        raise IndexCorrupt(f"{index_dir}: search index without its clause store {STORE_FILE}")
    with ClauseStore(store_path) as store:
        return store.revision()
