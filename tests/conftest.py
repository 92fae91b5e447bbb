"""Fixtures shared by every test package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# The document generators (render.py, scan.py, ofd_writer.py) live beside the reader tests; the app
# tests make scans and OFDs with them too.
FIXTURE_MAKERS = Path(__file__).parent / "ingest"
if str(FIXTURE_MAKERS) not in sys.path:
    sys.path.insert(0, str(FIXTURE_MAKERS))


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
