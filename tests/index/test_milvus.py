"""The milvus engine against Milvus Lite (one instance per session, see tests/conftest.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from index_helpers import HashEmbedder, make_document

from index.build import BUILD_LOCK, SEARCH_LINK, STORE_FILE, build_indexes
from index.engine import EngineChoice
from index.errors import IndexMissing, IndexStale
from index.milvus import (
    NOTHING,
    MilvusUnavailable,
    aliased_collection,
    analysed_text,
    connect,
    filter_expr,
    quote,
)
from index.search import Searcher, SearchRequest, check_index
from index.store import ClauseStore

OTHER = 'o"ther\\doc'  # a document id with a quote and a backslash: the expression must escape both


def test_filter_expressions_escape_values() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert filter_expr() is None
    assert filter_expr(doc_ids=[OTHER, "plan"]) == 'doc in ["o\\"ther\\\\doc", "plan"]'
    assert filter_expr(departments=["省财政厅"], roles=("lead",), year=2025) == (
        '(array_contains_any(lead, ["省财政厅"])) and array_contains(years, 2025)'
    )
    assert filter_expr(departments=["省财政厅"]) == (
        '(array_contains_any(lead, ["省财政厅"]) or array_contains_any(cooperate, ["省财政厅"])'
        ' or array_contains_any(responsible, ["省财政厅"]))'
    )
    assert filter_expr(doc_ids=[]) == NOTHING
    assert filter_expr(departments=["省财政厅"], roles=()) == NOTHING
    with pytest.raises(ValueError, match="unknown roles"):
        filter_expr(departments=["省财政厅"], roles=("boss",))


def test_analysed_text_is_folded_without_punctuation() -> None:
    assert analysed_text("（三）加快５Ｇ和千兆光网建设，到2025年。") == " 三 加快5g和千兆光网建设 到2025年 "


def _store(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with ClauseStore(folder / STORE_FILE) as store:
        store.put_document(make_document())
        store.put_document(make_document(OTHER, version="v2", title="另一方案"))
    return folder


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory, milvus_uri: str) -> tuple[Searcher, Searcher, str]:
    """The same store indexed by both engines (milvus: in the session's Milvus)."""
    root = tmp_path_factory.mktemp("engines")
    local_dir, milvus_dir = _store(root / "local"), _store(root / "milvus")
    build_indexes(local_dir, HashEmbedder())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKB_MILVUS_TOKEN", "s3cret-token")  # must not end up in params.json
        build_indexes(milvus_dir, HashEmbedder(), engine=EngineChoice("milvus", milvus_uri))
    return Searcher.open(local_dir, HashEmbedder()), Searcher.open(milvus_dir, HashEmbedder()), milvus_uri


def _ids(results: list) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    return [(r.stored.clause_id, r.stored.doc_id) for r in results]


def test_params_record_the_engine_not_the_token(indexes: tuple[Searcher, Searcher, str]) -> None:
    _, milvus, uri = indexes
    text = (milvus.index_dir / SEARCH_LINK / "params.json").read_text(encoding="utf-8")
    params = json.loads(text)
    assert "s3cret" not in text
    assert params["engine"]["name"] == "milvus"
    assert params["engine"]["uri"] == uri
    assert params["engine"]["collection"].startswith(params["engine"]["alias"] + "_")
    assert params["vectors"] == "milvus-hnsw"
    assert milvus.engine == "milvus"


def test_both_engines_rank_the_same(indexes: tuple[Searcher, Searcher, str]) -> None:
    local, milvus, _ = indexes
    assert milvus.n_clauses == local.n_clauses == 8
    assert milvus.doc_freq("产业") == local.doc_freq("产业") == 4
    assert milvus.tokenize("雁阵形产业集群") == local.tokenize("雁阵形产业集群")
    for query in ("雁阵形产业集群", "５G基站", "工赋山东 技改"):
        for doc in ("plan", OTHER):  # one document: no ties between the two identical texts
            # top-1 only: local BM25Okapi drops terms of non-positive IDF, Milvus lists their matches too
            assert [h.clause_id for h in milvus.keyword(query, 1, doc)] == [
                h.clause_id for h in local.keyword(query, 1, doc)
            ]
            assert [h.clause_id for h in milvus.hybrid(query, 1, doc)] == [
                h.clause_id for h in local.hybrid(query, 1, doc)
            ]
    assert [h.clause_id for h in milvus.keyword("雁阵形产业集群", 10, "plan")][:1] == [2]


def test_filters_run_inside_milvus(indexes: tuple[Searcher, Searcher, str]) -> None:
    local, milvus, _ = indexes
    only_other = SearchRequest("产业", "产业", doc_ids=frozenset({OTHER}))
    assert sorted(_ids(milvus.search(only_other))) == [(5, OTHER), (6, OTHER), (7, OTHER), (8, OTHER)]
    lead = SearchRequest("产业", "产业", departments=frozenset({"省财政厅"}), roles=("lead",))
    assert sorted(_ids(milvus.search(lead))) == sorted(_ids(local.search(lead))) == [(3, "plan"), (7, OTHER)]
    cooperating = SearchRequest("产业", "产业", departments=frozenset({"省财政厅"}), roles=("cooperate",))
    assert sorted(_ids(milvus.search(cooperating))) == [(2, "plan"), (6, OTHER)]
    year = SearchRequest("建设", "建设", year=2025, doc_ids=frozenset({"plan"}))
    assert _ids(milvus.search(year)) == _ids(local.search(year)) == [(4, "plan")]
    assert milvus.search(SearchRequest("建设", "建设", doc_ids=frozenset())) == []
    assert milvus.keyword("建设", 5, "no-such-doc") == []


class FailingEmbedder(HashEmbedder):
    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("embedding model crashed")


def _collections(uri: str, alias: str) -> tuple[list[str], str | None]:
    client = connect(uri)
    try:
        return [c for c in client.list_collections() if c.startswith(alias)], aliased_collection(
            client, alias
        )
    finally:
        client.close()


def test_rebuilds_switch_the_alias_failures_change_nothing(tmp_path: Path, milvus_uri: str) -> None:
    """One index through its life (each build costs seconds): build, rebuild, a failed build, local."""
    folder = _store(tmp_path / "kb")
    build_indexes(folder, HashEmbedder(), engine=EngineChoice("milvus", milvus_uri))
    before = json.loads((folder / SEARCH_LINK / "params.json").read_text(encoding="utf-8"))["engine"]
    reader = Searcher.open(folder, HashEmbedder())
    build_indexes(folder, HashEmbedder())  # no engine given: the one recorded
    after = json.loads((folder / SEARCH_LINK / "params.json").read_text(encoding="utf-8"))["engine"]
    alias = before["alias"]
    assert after["alias"] == alias and after["collection"] != before["collection"]
    assert _collections(milvus_uri, alias) == ([after["collection"]], after["collection"])
    # a reader opened before the rebuild searches the alias, i.e. the new collection
    assert [h.clause_id for h in reader.keyword("雁阵形产业集群", 1, "plan")] == [2]

    store_bytes = hashlib.sha256((folder / STORE_FILE).read_bytes()).hexdigest()
    live = (folder / SEARCH_LINK).resolve().name
    with pytest.raises(RuntimeError, match="embedding model crashed"):
        build_indexes(folder, FailingEmbedder(), use_cache=False)
    assert hashlib.sha256((folder / STORE_FILE).read_bytes()).hexdigest() == store_bytes
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(SEARCH_LINK)) == [SEARCH_LINK, live]
    assert _collections(milvus_uri, alias) == ([after["collection"]], after["collection"])
    assert [
        h.clause_id for h in Searcher.open(folder, HashEmbedder()).keyword("雁阵形产业集群", 1, "plan")
    ] == [2]

    build_indexes(folder, HashEmbedder(), engine=EngineChoice("local"))  # back to local: nothing left
    assert Searcher.open(folder, HashEmbedder()).engine == "local"
    assert _collections(milvus_uri, alias) == ([], None)


def test_a_missing_collection_is_one_clear_error(tmp_path: Path, milvus_uri: str) -> None:
    folder = _store(tmp_path / "kb")
    build_indexes(folder, HashEmbedder(), engine=EngineChoice("milvus", milvus_uri))
    engine = json.loads((folder / SEARCH_LINK / "params.json").read_text(encoding="utf-8"))["engine"]
    client = connect(milvus_uri)
    client.drop_alias(engine["alias"])
    client.drop_collection(engine["collection"])
    client.close()
    message = f"the Milvus collection {engine['alias']} is missing at {milvus_uri}: rebuild it with"
    with pytest.raises(IndexMissing, match=message):
        Searcher.open(folder, HashEmbedder())
    with pytest.raises(IndexMissing, match=message):
        check_index(folder, HashEmbedder())


def test_an_unreachable_milvus_is_one_clear_error(tmp_path: Path) -> None:
    folder = _store(tmp_path / "kb")
    bad = str(tmp_path / "no-such-folder" / "lite.db")
    with pytest.raises(MilvusUnavailable) as caught:
        build_indexes(folder, HashEmbedder(), engine=EngineChoice("milvus", bad))
    missing = tmp_path / "no-such-folder"
    assert str(caught.value) == f"cannot open Milvus Lite at {bad}: folder {missing} does not exist"
    assert not (folder / SEARCH_LINK).exists()
    assert sorted(p.name for p in folder.iterdir()) == [BUILD_LOCK, "cache", STORE_FILE]  # no search.*


def test_check_index_wants_the_engine_asked_for(indexes: tuple[Searcher, Searcher, str]) -> None:
    local, milvus, uri = indexes
    check_index(milvus.index_dir, HashEmbedder(), EngineChoice("milvus", uri))
    with pytest.raises(IndexStale, match="is built on"):
        check_index(local.index_dir, HashEmbedder(), EngineChoice("milvus", uri))
    with pytest.raises(IndexStale, match="is built on"):
        check_index(milvus.index_dir, HashEmbedder(), EngineChoice("local"))


def test_a_real_server_round_trip(tmp_path: Path, milvus_server_uri: str) -> None:
    folder = _store(tmp_path / "kb")
    build_indexes(folder, HashEmbedder(), engine=EngineChoice("milvus", milvus_server_uri))
    searcher = Searcher.open(folder, HashEmbedder())
    assert [h.clause_id for h in searcher.keyword("雁阵形产业集群", 1, "plan")] == [2]
    assert np.isfinite([h.score for h in searcher.hybrid("雁阵形产业集群", 3)]).all()
