"""The milvus half of ``build.build_indexes``: the store's clauses into a new Milvus collection.

The search folder still gets what the app weighs words with, from our own tokenizer (the user
dictionary and each token's document frequency), so the evidence test behind found / not found is
the same on both engines; Milvus does the ranking.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .cache import EmbeddingCache, embed_passages_cached
from .embed import Embedder
from .milvus import (
    HNSW,
    MIN_EF,
    EngineChoice,
    aliased_collection,
    clause_row,
    connect,
    drop_quietly,
    fill_collection,
    recorded_uri,
    resolve_uri,
    switch_alias,
)
from .store import ClauseStore
from .tokenize import ClauseTokenizer

DOC_FREQ_FILE = "doc_freq.json"
ALIAS_PREFIX = "policykb_"
Progress = Callable[[str, int, int], None]
EMBED_CHUNK = 4096


def build_milvus(
    index_dir: Path,
    store: ClauseStore,
    tokenizer: ClauseTokenizer,
    embedder: Embedder,
    cache: EmbeddingCache | None,
    engine: EngineChoice,
    work: Path,
    progress: Progress | None,
) -> tuple[list[str], int, str, dict[str, object], Callable[[bool], None]]:
    """Fill a new collection and switch the alias to it. Returns the document ids, the clauses
    embedded now, the vector index kind, the params to record and ``commit(ok)``: after the search
    folder is swapped in, ``commit(True)`` drops the old collection; on failure ``commit(False)``
    points the alias back and drops the new one."""
    from .build import MAX_EMBED_CHARS, _token_lists, passage_text  # build.py imports this lazily

    uri_recorded = recorded_uri(engine.uri, index_dir)
    uri = resolve_uri(uri_recorded, index_dir)
    alias = _alias(index_dir)
    total = store.clause_count()
    doc_ids: dict[str, None] = {}

    # Document frequencies by our tokenizer: the app's IDF (EvidenceModel), not Milvus's ranking.
    doc_freq: Counter[str] = Counter()
    texts = (passage_text(h, t) for _, _, h, t in store.iter_passages())
    for row, tokens in enumerate(_token_lists(tokenizer, texts, total), start=1):
        doc_freq.update(set(tokens))
        if progress and (row % 1000 == 0 or row == total):
            progress("tokenize", row, total)
    (work / DOC_FREQ_FILE).write_text(json.dumps(doc_freq, ensure_ascii=False), encoding="utf-8")
    (work / "userdict.txt").write_text("\n".join(tokenizer.user_words), encoding="utf-8")

    embedded = 0

    def rows() -> Iterator[dict[str, object]]:
        nonlocal embedded
        chunk: list[tuple[int, str, str]] = []
        done = 0

        def flush() -> Iterator[dict[str, object]]:
            nonlocal embedded, done
            passages = [p[:MAX_EMBED_CHARS] for _, _, p in chunk]  # BM25 gets the whole text
            report = (lambda d, of: progress("embed", d, of)) if progress else None
            vectors, misses = embed_passages_cached(embedder, passages, cache, report, done, total)
            embedded += misses
            facets = store.clause_facets([c for c, _, _ in chunk])
            for (clause_id, doc_id, passage), vector in zip(chunk, vectors, strict=True):
                yield clause_row(clause_id, doc_id, passage, np.asarray(vector), facets.get(clause_id))
            done += len(chunk)
            chunk.clear()

        for clause_id, doc_id, heading, text in store.iter_passages():
            doc_ids.setdefault(doc_id, None)
            chunk.append((clause_id, doc_id, passage_text(heading, text)))
            if len(chunk) == EMBED_CHUNK:
                yield from flush()
        if chunk:
            yield from flush()

    client = connect(uri)
    try:
        name = fill_collection(client, alias, embedder.dim, tokenizer.user_words, rows())
        previous = switch_alias(client, alias, name)
    except BaseException:
        client.close()
        raise

    def commit(ok: bool) -> None:
        try:
            if ok:
                drop_quietly(client, previous)
            else:
                if previous is not None and aliased_collection(client, alias) == name:
                    switch_alias(client, alias, previous)
                drop_quietly(client, name)
        finally:
            client.close()

    (work / "documents.json").write_text(json.dumps(list(doc_ids), ensure_ascii=False), encoding="utf-8")
    params: dict[str, object] = {
        # The token is never recorded: it comes from $POLICYKB_MILVUS_TOKEN where the index is used.
        "engine": {"name": "milvus", "uri": uri_recorded, "alias": alias, "collection": name},
        "vector_params": {"kind": "hnsw", "metric": "cosine", **HNSW, "ef_min": MIN_EF},
    }
    return list(doc_ids), embedded, "milvus-hnsw", params, commit


def _alias(index_dir: Path) -> str:
    """The alias of this knowledge base: kept across rebuilds (recorded in params.json), new and
    unique for a new index, so several knowledge bases can share one Milvus server."""
    from .build import SEARCH_LINK, read_params

    link = index_dir / SEARCH_LINK
    params = read_params(link.resolve()) if link.exists() else None
    engine = params.get("engine") if params else None
    if isinstance(engine, dict) and engine.get("alias"):
        return str(engine["alias"])
    return f"{ALIAS_PREFIX}{uuid.uuid4().hex[:12]}"
