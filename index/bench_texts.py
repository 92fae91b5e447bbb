"""Real texts and their real embeddings for the benchmark (``policykb bench``).

Texts come from the public datasets and corpus under ../shared (never the rows that
``datasets/RESERVED.md`` keeps for generalisation checks, nor ../shared/holdout). There are about 20k
distinct sentences there, not 100k, so the real set is built in this order until it has the size
asked for: every distinct sentence, every pair of consecutive sentences, the pieces of sentences
between '，', '；' and '：' (what a clause of a long sentence says), then every two consecutive
pieces. ``describe`` says how many of each were used.

Embedding them is slow (hours at 1M on 2 cores), so the vectors are computed once per (model, text
list) and cached outside the repository, in chunks: an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from .embed import Embedder

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATASETS = SHARED / "datasets"
RESERVED = DATASETS / "RESERVED.md"
CORPORA = (SHARED / "corpus", Path(__file__).resolve().parents[1] / "corpus")
SENTENCE_CHARS = (10, 150)
PIECE_CHARS = (8, 60)
VECTOR_CHUNK = 5_000  # texts per cached chunk file
BENCH_CACHE = Path.home() / ".cache" / "policykb" / "bench"
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_PIECE_END = re.compile(r"(?<=[，；：])")
_XLSX_RESERVED = re.compile(r"xlsx, sheet `([^`]+)`, No\. (\d+)")
_SQL_RESERVED = re.compile(r"sql, INSERT id (\d+)")
_SQL_ROW = re.compile(r"^insert into \w+ \([^)]*\) values \((\d+),", re.MULTILINE)


def reserved_rows(path: Path = RESERVED) -> tuple[set[tuple[str, int]], set[int]]:
    """(xlsx (sheet, No.) pairs, SQL ids) that RESERVED.md keeps out of development use."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    xlsx = {(sheet, int(no)) for sheet, no in _XLSX_RESERVED.findall(text)}
    return xlsx, {int(i) for i in _SQL_RESERVED.findall(text)}


def documents() -> list[str]:
    """Full texts: the xlsx and SQL datasets (reserved rows left out), then the corpus .txt files."""
    reserved_xlsx, reserved_sql = reserved_rows()
    texts = []
    for path in sorted(DATASETS.glob("*.xlsx")):
        texts += _xlsx_documents(path, reserved_xlsx)
    for path in sorted(DATASETS.glob("*.sql")):
        texts += _sql_documents(path, reserved_sql)
    for folder in CORPORA:
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    return texts


def _xlsx_documents(path: Path, reserved: set[tuple[str, int]]) -> list[str]:
    import openpyxl  # only the benchmark reads spreadsheets

    book = openpyxl.load_workbook(path, read_only=True)
    out = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [str(c) for c in next(rows, ())]
        if "No." not in header or "Policy Content" not in header:
            continue
        no, content = header.index("No."), header.index("Policy Content")
        for row in rows:
            if isinstance(row[content], str) and (sheet.title, _as_int(row[no])) not in reserved:
                out.append(row[content])
    return out


def _sql_documents(path: Path, reserved: set[int]) -> list[str]:
    """The page HTML of each INSERT row, tags dropped (the benchmark needs sentences, not layout)."""
    sql = path.read_text(encoding="utf-8", errors="replace")
    starts = list(_SQL_ROW.finditer(sql))
    out = []
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        if int(match.group(1)) in reserved:
            continue
        row = sql[match.start() : following.start() if following else len(sql)]
        out.append(re.sub(r"<[^>]+>|&nbsp;", "", row))
    return out


def _as_int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def sentences_by_document(texts: Sequence[str]) -> list[list[str]]:
    low, high = SENTENCE_CHARS
    out = []
    for text in texts:
        parts = (re.sub(r"\s+", "", part) for part in _SENTENCE_END.split(text))
        out.append([s for s in parts if low <= len(s) <= high and s[-1] in "。！？；"])
    return out


def real_texts(size: int) -> tuple[list[str], dict[str, int]]:
    """``size`` distinct real texts (fewer if the sources run out) and how many of each kind."""
    by_document = sentences_by_document(documents())
    kinds: dict[str, Iterator[str]] = {
        "sentences": (s for doc in by_document for s in doc),
        "consecutive sentence pairs": (a + b for doc in by_document for a, b in pairwise(doc)),
        "sentence pieces (split at ，；：)": (p for doc in _pieces(by_document) for p in doc),
        "consecutive piece pairs": (a + b for doc in _pieces(by_document) for a, b in pairwise(doc)),
    }
    seen: dict[str, None] = {}
    counts = dict.fromkeys(kinds, 0)
    for kind, texts in kinds.items():
        for text in texts:
            if len(seen) == size:
                return list(seen), counts
            if text not in seen:
                seen[text] = None
                counts[kind] += 1
    return list(seen), counts


def _pieces(by_document: Sequence[Sequence[str]]) -> Iterator[list[str]]:
    """Each document's sentence pieces, in order."""
    low, high = PIECE_CHARS
    for doc in by_document:
        yield [piece for sentence in doc for piece in _PIECE_END.split(sentence) if low <= len(piece) <= high]


def describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {kind}" for kind, n in counts.items() if n)


def cached_vectors(
    texts: Sequence[str],
    embedder: Embedder,
    cache_dir: Path = BENCH_CACHE,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Passage vectors of ``texts`` by ``embedder``, from the chunked cache where present."""
    key = hashlib.sha256("\n".join([embedder.model_id, *texts]).encode()).hexdigest()[:16]
    folder = cache_dir / f"vectors-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    chunks = []
    for start in range(0, len(texts), VECTOR_CHUNK):
        path = folder / f"{start:08d}.npy"
        if path.exists():
            chunks.append(np.load(path))
        else:
            chunk = _embed_sorted(embedder, texts[start : start + VECTOR_CHUNK])
            tmp = path.with_suffix(".part.npy")
            np.save(tmp, chunk)
            tmp.replace(path)
            chunks.append(chunk)
        if progress:
            progress(min(start + VECTOR_CHUNK, len(texts)), len(texts))
    return np.concatenate(chunks) if chunks else np.empty((0, embedder.dim), np.float32)


def _embed_sorted(embedder: Embedder, texts: Sequence[str], batch: int = 64) -> np.ndarray:
    """Embed in batches of similar length (little padding), rows back in the given order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for i in range(0, len(order), batch):
        rows = order[i : i + batch]
        out[rows] = embedder.embed_passages([texts[r] for r in rows])
    return out


def main() -> None:
    """``python -m index.bench_texts SIZE``: build the real-vector cache ahead of a benchmark run."""
    from .embed import make_embedder

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    texts, counts = real_texts(size)
    print(f"{len(texts):,} real texts: {describe(counts)}", flush=True)
    embedder = make_embedder("onnx", "int8")
    cached_vectors(texts, embedder, progress=lambda d, t: print(f"embedded {d:,}/{t:,}", flush=True))


if __name__ == "__main__":
    main()
