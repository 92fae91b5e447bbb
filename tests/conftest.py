"""Fixtures shared by every test package."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from index.model_cache import MODEL_CACHE_ENV

# The document generators (render.py, scan.py, ofd_writer.py) live beside the reader tests; the app
# tests make scans and OFDs with them too.
FIXTURE_MAKERS = Path(__file__).parent / "ingest"
if str(FIXTURE_MAKERS) not in sys.path:
    sys.path.insert(0, str(FIXTURE_MAKERS))

_MODEL_CACHE: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """The onnx graphs are built once per test run into a temporary folder (a few seconds), never
    into the user's data directory; set $POLICYKB_MODEL_CACHE to reuse a folder across runs."""
    global _MODEL_CACHE
    if not os.environ.get(MODEL_CACHE_ENV):
        _MODEL_CACHE = tempfile.mkdtemp(prefix="policykb-test-models-")
        os.environ[MODEL_CACHE_ENV] = _MODEL_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    if _MODEL_CACHE:
        shutil.rmtree(_MODEL_CACHE, ignore_errors=True)


def _tiny_bert(folder: Path) -> Path:
    """A randomly initialised 2-layer BERT saved as a sentence-transformers model: no download."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"产业集群培育工程耕地保护粮食安全雁阵形"]
    (folder / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    BertTokenizerFast(str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    BertModel(config).save_pretrained(folder)
    word = Transformer(str(folder))
    SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension())]).save(str(folder))
    return folder


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers is not installed (optional extra policykb[st])")
    return _tiny_bert(tmp_path_factory.mktemp("st") / "tiny-bert")


MILVUS_URI_ENV = "POLICYKB_MILVUS_URI"


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One Milvus for the whole session: the server $POLICYKB_MILVUS_URI names, else one Milvus Lite
    file (embedded, no server), so its start-up is paid once. Each index gets its own alias."""
    if importlib.util.find_spec("pymilvus") is None or importlib.util.find_spec("milvus_lite") is None:
        pytest.skip("pymilvus and milvus-lite are not installed (extra policykb[milvus])")
    return os.environ.get(MILVUS_URI_ENV) or str(tmp_path_factory.mktemp("milvus") / "lite.db")


@pytest.fixture(scope="session")
def milvus_server_uri() -> str:
    """A real Milvus server, for what Milvus Lite cannot show."""
    uri = os.environ.get(MILVUS_URI_ENV, "")
    if not uri.startswith(("http://", "https://")):
        pytest.skip(
            f"needs a Milvus server: set {MILVUS_URI_ENV}=http://host:19530 (CI runs Milvus Lite only)"
        )
    return uri
