"""Issue 9: whatever the bytes, ``parse_bytes`` returns a document or raises an IngestError subclass.

Seeds of every format (txt, html, docx, pdf, ofd, doc) are truncated, bit-flipped, spliced with
random bytes, or replaced by random bytes. OCR is off (``ocr="never"``) and LibreOffice is replaced
by a stand-in that returns a damaged DOCX, so each case costs milliseconds; work is bounded by the
input size (seeds are a few KB), never by a wall-clock deadline. The default run is a fixed
(derandomised) sample of 120 cases; ``POLICYKB_FUZZ_CASES=3000 pytest tests/ingest/test_fuzz_readers.py``
runs a random sample of that many more (slow-marked, skipped otherwise: ``make test`` runs slow tests).
"""

from __future__ import annotations

import functools
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofd_writer import render_ofd
from render import render_docx, render_pdf

from ingest.errors import IngestError
from ingest.pipeline import parse_bytes
from ingest.read_options import ReadOptions
from ingest.readers import OLE_MAGIC, legacy

LINES = [
    "关于推进测试园区建设的实施方案",
    "一、重点任务",
    "（一）建设智慧园区。到2025年，建成智慧园区１０个以上。（省工业和信息化厅牵头，省商务厅配合）",
    "（二）发展冷链物流。培育冷链物流骨干企业。（省商务厅负责）",
]
HTML = (
    "<html><head><meta charset='utf-8'><title>方案</title></head><body><table><tr><td>发文机关：</td>"
    "<td>山东省人民政府</td></tr></table><div class='content'>"
    + "".join(f"<p>{line}</p>" for line in LINES)
    + "</div></body></html>"
)
OPTIONS = ReadOptions(ocr="never")
CASES: Counter[str] = Counter()  # cases run per format, printed by the slow run


@functools.cache
def seeds() -> dict[str, bytes]:
    ole = OLE_MAGIC + b"\x00" * 504 + "Root Entry WordDocument 1Table".encode("utf-16-le") + b"\x00" * 512
    return {
        "txt": "\n".join(LINES).encode("utf-8"),
        "html": HTML.encode("utf-8"),
        "docx": render_docx(LINES),
        "pdf": render_pdf(LINES),
        "ofd": render_ofd(LINES),
        "doc": ole,
    }


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[kind])
    how = draw(st.sampled_from(("truncate", "flip", "splice", "random")))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 16))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
    elif how == "splice":
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 512)))
        data[start:end] = draw(st.binary(max_size=512))
    else:
        prefix = bytes(data[: draw(st.integers(0, 8))])  # keep a magic number sometimes: reach the reader
        data = bytearray(prefix + draw(st.binary(max_size=2048)))
    return kind, bytes(data)


def _damaged_docx(data: bytes, source: str, kind: str, timeout: float) -> bytes:
    """The stand-in for LibreOffice: a DOCX damaged as much as the input was (deterministic)."""
    docx = seeds()["docx"]
    return docx[: len(data) * 7 % (len(docx) + 1)]


def check(kind: str, data: bytes) -> None:
    CASES[kind] += 1
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(legacy, "to_docx", _damaged_docx)
        try:
            doc = parse_bytes(data, f"fuzz.{kind}", OPTIONS)
        except IngestError as exc:
            assert str(exc).startswith(f"fuzz.{kind}: ") and "\n" not in str(exc)
            return
    assert doc.clauses  # a document that parses has clauses (NoClauses otherwise)


COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


@settings(max_examples=120, derandomize=True, database=None, **COMMON)
@given(damaged())
def test_damaged_inputs_raise_only_ingest_errors(case: tuple[str, bytes]) -> None:
    check(*case)


MANY = int(os.environ.get("POLICYKB_FUZZ_CASES", "0"))


@pytest.mark.slow
@pytest.mark.skipif(not MANY, reason="set POLICYKB_FUZZ_CASES=N to run N more random cases")
@settings(max_examples=max(MANY, 1), derandomize=False, database=None, **COMMON)
@given(damaged())
def test_many_damaged_inputs_raise_only_ingest_errors(case: tuple[str, bytes]) -> None:
    check(*case)


def teardown_module() -> None:
    print(f"\nfuzz cases run per format: {dict(sorted(CASES.items()))}, total {sum(CASES.values())}")


def test_the_seeds_parse() -> None:
    """The fuzz starts from valid documents of each format (else it would only test the refusal)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(legacy, "to_docx", lambda data, source, kind, timeout: seeds()["docx"])
        counts = {
            kind: len(parse_bytes(data, f"seed.{kind}", OPTIONS).clauses) for kind, data in seeds().items()
        }
    assert counts == {kind: 3 for kind in seeds()}
