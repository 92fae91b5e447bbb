from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from index_helpers import HashEmbedder, make_clauses, make_document

from index import build
from index.build import build_indexes, passage_text
from index.errors import IndexCorrupt, IndexMissing, IndexStale, ModelMismatch
from index.keyword import BM25Index
from index.search import Searcher, SearchRequest
from index.store import ClauseStore
from index.tokenize import tokenizer_fingerprint


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    with ClauseStore(tmp_path / "store.sqlite") as store:
        store.put_document(make_document("plan"))
        store.put_document(make_document("other", title="另一个方案"))
    return tmp_path


def test_build_writes_params_and_swaps_in(index_dir: Path, embedder: HashEmbedder) -> None:
    seen: list[tuple[str, int, int]] = []
    calls: list[tuple[int, str]] = []

    def progress(*args) -> None:
        seen.append(args)
        calls.append((threading.get_ident(), args[0]))

    report = build_indexes(index_dir, embedder, progress)
    assert (report.clauses, report.documents, report.embedded, report.reused) == (8, 2, 4, 4)
    params = json.loads((index_dir / "search" / "params.json").read_text(encoding="utf-8"))
    assert params["clauses"] == 8 and params["store_revision"] == 2
    assert params["embedding"] == {
        "backend": "hash-chars@test",
        "model": None,
        "model_id": "hash-chars@test",
        "dim": 32,
        "passage": "heading+text, first 512 characters embedded",
    }
    assert params["vectors"] == "flat-ip" and params["user_words"] == 6
    assert params["tokenizer"] == tokenizer_fingerprint()
    assert params["fusion"] == {"method": "rrf", "k": 10, "weights": [1.5, 1.0], "depth": 50}
    assert seen[-2:] == [("embed", 8, 8), ("tokenize", 8, 8)]  # both on the caller's thread
    assert {threading.get_ident()} == {ident for ident, *_ in calls}
    assert (index_dir / "search").is_symlink()


def test_rebuild_reuses_cached_vectors_and_drops_old_folder(index_dir: Path, embedder: HashEmbedder) -> None:
    first = build_indexes(index_dir, embedder)
    with ClauseStore(index_dir / "store.sqlite") as store:
        store.put_document(make_document("other", clauses=make_clauses()[:3], version="v2"))
    second = build_indexes(index_dir, embedder)
    assert (second.clauses, second.embedded, second.reused) == (7, 0, 7)
    assert not first.path.exists() and second.path.exists()
    assert sorted(p.name for p in index_dir.glob("search*")) == ["search", second.path.name]


def test_keyword_semantic_hybrid(index_dir: Path, embedder: HashEmbedder) -> None:
    build_indexes(index_dir, embedder)
    searcher = Searcher.open(index_dir, embedder)
    with ClauseStore(index_dir / "store.sqlite") as store:
        ids = {(s.doc_id, s.clause.index): s.clause_id for s in store.clauses()}
    keyword = searcher.keyword("“雁阵形”产业集群由谁牵头", k=3)
    assert [h.clause_id for h in keyword[:2]] == sorted([ids["plan", 1], ids["other", 1]])
    assert keyword[0].keyword_rank == 1 and keyword[0].semantic_rank is None
    only = searcher.keyword("５Ｇ基站", k=3, doc_id="other")
    assert [h.clause_id for h in only] == [ids["other", 3]]
    semantic = searcher.semantic("加快５Ｇ和千兆光网建设", k=2, doc_id="plan")
    assert semantic[0].clause_id == ids["plan", 3] and semantic[0].score > 0.7
    hybrid = searcher.hybrid("千兆光网", k=2, doc_id="plan")
    assert hybrid[0].clause_id == ids["plan", 3]
    assert (hybrid[0].keyword_rank, hybrid[0].semantic_rank) == (1, 1)
    assert hybrid[0].score == pytest.approx((1.5 + 1.0) / (10 + 1))  # the index's recorded fusion
    assert searcher.keyword("无关的词语", k=3, doc_id="nope") == []


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="run `policykb ingest`"):
        Searcher.open(tmp_path)


def test_corrupt_index(index_dir: Path, embedder: HashEmbedder) -> None:
    report = build_indexes(index_dir, embedder)
    (report.path / "bm25" / "data.npy").unlink()
    with pytest.raises(IndexCorrupt, match="unreadable BM25 index"):
        Searcher.open(index_dir, embedder)
    (report.path / "params.json").write_text("{", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match=r"params\.json"):
        Searcher.open(index_dir, embedder)


def test_model_mismatch_names_both_models(index_dir: Path, embedder: HashEmbedder) -> None:
    build_indexes(index_dir, embedder)
    with pytest.raises(ModelMismatch, match="built with hash-chars@test, searching with other-model"):
        Searcher.open(index_dir, HashEmbedder("other-model"))


def test_stale_index(index_dir: Path, embedder: HashEmbedder) -> None:
    build_indexes(index_dir, embedder)
    with ClauseStore(index_dir / "store.sqlite") as store:
        store.remove_document("other")
    with pytest.raises(IndexStale, match="changed after the index was built"):
        Searcher.open(index_dir, embedder)
    assert Searcher.open(index_dir, embedder, allow_stale=True).stale


def test_failed_build_keeps_previous_index(index_dir: Path, embedder: HashEmbedder) -> None:
    first = build_indexes(index_dir, embedder)

    class Broken(HashEmbedder):
        def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
            raise RuntimeError("embedding backend died")

    with ClauseStore(index_dir / "store.sqlite") as store:
        store.put_document(make_document("third"))
    with pytest.raises(RuntimeError, match="died"):
        build_indexes(index_dir, Broken(), use_cache=False)
    assert (index_dir / "search").resolve() == first.path.resolve()
    assert sorted(p.name for p in index_dir.glob("search*")) == ["search", first.path.name]


def test_passage_text_does_not_repeat_heading() -> None:
    assert passage_text("培育集群", "（一）培育集群。实施…") == "（一）培育集群。实施…"
    assert passage_text("培育集群", "实施雁阵形工程") == "培育集群：实施雁阵形工程"
    assert passage_text("", "正文") == "正文"


def test_parallel_tokenization_gives_the_same_index(
    index_dir: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = build_indexes(index_dir, embedder)
    query = ["产业", "集群", "5g"]
    serial_scores = BM25Index.load(serial.path / "bm25").scores(query)
    monkeypatch.setattr(build, "PARALLEL_MIN_CLAUSES", 0)
    monkeypatch.setattr(build, "TOKENIZE_BATCH", 3)
    parallel = build_indexes(index_dir, embedder)
    np.testing.assert_array_equal(
        BM25Index.load(parallel.path / "bm25").scores(["产业", "集群", "5g"]), serial_scores
    )


def test_empty_store_builds_and_finds_nothing(tmp_path: Path, embedder: HashEmbedder) -> None:
    report = build_indexes(tmp_path, embedder)
    assert (report.clauses, report.documents) == (0, 0)
    searcher = Searcher.open(tmp_path, embedder)
    assert searcher.keyword("产业", 5) == searcher.semantic("产业", 5) == searcher.hybrid("产业", 5) == []


def test_search_filters_before_ranking_and_returns_stored_clauses(
    index_dir: Path, embedder: HashEmbedder
) -> None:
    build_indexes(index_dir, embedder)
    searcher = Searcher.open(index_dir, embedder)
    everything = searcher.search(SearchRequest("产业集群", "产业集群由谁牵头", k=10))
    assert {r.stored.doc_id for r in everything} == {"plan", "other"}
    in_plan = searcher.search(
        SearchRequest("产业集群", "产业集群由谁牵头", k=10, doc_ids=frozenset({"plan"}))
    )
    assert in_plan and {r.stored.doc_id for r in in_plan} == {"plan"}
    assert all(r.stored.clause.text for r in in_plan)  # the clause itself travels with the hit
    led = searcher.search(
        SearchRequest("产业集群", "产业集群", k=10, departments=frozenset({"省发展改革委"}), roles=("lead",))
    )
    assert led and all(
        any(d.canonical == "省发展改革委" for d in r.stored.clause.departments("lead")) for r in led
    )
    assert searcher.search(SearchRequest("产业集群", "产业集群", k=10, doc_ids=frozenset())) == []


def test_search_during_a_rebuild_says_so(index_dir: Path, embedder: HashEmbedder) -> None:
    build_indexes(index_dir, embedder)
    searcher = Searcher.open(index_dir, embedder)
    with ClauseStore(index_dir / "store.sqlite") as store:
        store.put_document(make_document("late", clauses=make_clauses()[:2], version="v3"))
    with pytest.raises(IndexStale, match="being rebuilt; try again"):
        searcher.search(SearchRequest("产业集群", "产业集群"))


def test_index_built_with_other_settings_is_stale(index_dir: Path, embedder: HashEmbedder) -> None:
    build_indexes(index_dir, embedder)
    params_path = index_dir / "search" / "params.json"
    params = json.loads(params_path.read_text(encoding="utf-8"))
    params["tokenizer"]["stopwords"] = "0000"
    params_path.write_text(json.dumps(params), encoding="utf-8")
    with pytest.raises(IndexStale, match="other tokenizer settings"):
        Searcher.open(index_dir, embedder)
