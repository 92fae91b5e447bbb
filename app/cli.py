"""``policykb``: thin command-line wrappers over app.services.

Exit codes: 0 success, 1 a failure the user can act on (a bad file in the batch, a missing index,
an unanswerable question), 2 bad usage (argparse). Failures print one line on stderr, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from index.errors import SearchIndexError, StoreError
from ingest.errors import IngestError
from ingest.read_options import DEFAULT_OCR_MODE, DEFAULT_OCR_SETTINGS, OCR_MODES

from .answer import Answer, printed, target_json
from .evaluate import EvalFileError, evaluate, failures, load_questions, load_seed, seed_path_for
from .query import QuestionError
from .services import (
    MAX_UPLOAD_BYTES,
    IngestOutcome,
    KnowledgeBase,
    ServiceError,
    embedder_for,
    read_options_for,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = ROOT / "corpus"
STREAMLIT_SCRIPT = Path(__file__).resolve().parent / "ui" / "streamlit_app.py"
DEFAULT_PORT = 8501
DEFAULT_TOP_K = 5
# Errors that mean "the user must do something", shown as one line instead of a traceback.
USER_ERRORS = (ServiceError, QuestionError, IngestError, SearchIndexError, StoreError, EvalFileError, OSError)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except USER_ERRORS as exc:
        say(f"policykb: error: {exc}", err)
        return 1
    except KeyboardInterrupt:
        say("policykb: interrupted", err)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policykb",
        description="Chinese policy documents: clauses, departments, targets, citable answers.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("ingest", help="parse, store and index files or folders")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _ocr_option(p)
    _index_option(p)
    _embedding_options(p)
    p.set_defaults(run=cmd_ingest)

    p = commands.add_parser("clauses", help="parse one file without storing and list its clauses")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    _ocr_option(p)
    p.set_defaults(run=cmd_clauses)

    p = commands.add_parser("ask", help="answer a question in Chinese")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.add_argument("--top-k", type=_positive_int, default=DEFAULT_TOP_K)
    p.add_argument("--doc", default=None, help="only this document id")
    _index_option(p)
    p.set_defaults(run=cmd_ask)

    p = commands.add_parser("eval", help="top-1, recall@5 and answer-exact on a question file")
    p.add_argument("questions", type=Path)
    p.add_argument("--seed", type=Path, default=None, help="seed_clauses.json (default: beside QUESTIONS)")
    _index_option(p)
    p.set_defaults(run=cmd_eval)

    p = commands.add_parser("bench", help="search speed and memory on large synthetic stores")
    p.add_argument("--sizes", type=_positive_int, nargs="+", default=None, help="clause counts")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--no-rank-bm25", action="store_true", help="skip the rank-bm25 comparison")
    p.set_defaults(run=cmd_bench)

    p = commands.add_parser("serve", help="build the index if needed and start the web app")
    _index_option(p)
    p.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    p.add_argument("--port", type=_positive_int, default=DEFAULT_PORT)
    _embedding_options(p)
    p.set_defaults(run=cmd_serve)
    return parser


def _ocr_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ocr",
        choices=OCR_MODES,
        default=DEFAULT_OCR_MODE,
        help="read PDF pages by OCR: auto (pages without a text layer, the default), always, never",
    )


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="DIR",
        help="index directory (default: $POLICYKB_INDEX or ~/.local/share/policykb)",
    )


def _embedding_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=("e5-small", "sentence-transformers"),
        default=None,
        help="embedding backend (default: the one the index was built with, else e5-small)",
    )
    parser.add_argument("--model", default=None, help="sentence-transformers model name or local path")


def _open_for_writing(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base, indexed with --backend/--model when given, else as it was built."""
    backend = args.backend or ("sentence-transformers" if args.model else None)
    factory = embedder_for(backend, args.model) if backend else None
    return KnowledgeBase.open(args.index, embedder_factory=factory)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


# ---- commands ----------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    kb = _open_for_writing(args)
    with progress_bar() as progress:
        outcomes = kb.ingest(args.paths, progress, ocr=args.ocr)
    report_failures(outcomes)
    out.print(ingest_table(outcomes))
    for outcome in outcomes:
        if outcome.scans:
            say(ocr_summary(outcome))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_clauses(args: argparse.Namespace) -> int:
    from ingest.pipeline import parse_file

    with progress_bar() as progress:
        doc = parse_file(args.file, read_options_for(args.file.name, args.ocr, progress))
    rows = [clause_json(c) for c in doc.clauses]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print_clauses(doc.meta.title or doc.doc_id, rows)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(args.index, create=False)
    answer = kb.ask(args.question, top_k=args.top_k, doc_id=args.doc)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print_answer(answer)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(args.index, create=False)
    questions = load_questions(args.questions)
    seed = load_seed(args.seed or seed_path_for(args.questions))
    report = evaluate(questions, kb.ask, seed)
    for r in failures(report):
        first = r.headings[0] if r.headings else "—"
        say(
            f"[{r.question.id}] {r.question.q}  gold: {r.gold_heading} {list(r.gold_answer)}"
            f"  got: {first} {list(r.answer)}"
        )
    say(f"questions: {len(report.results)}")
    say(f"top-1: {report.top1:.3f}")
    say(f"recall@5: {report.recall_at_5:.3f}")
    say(f"answer-exact: {report.answer_exact:.3f}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from index.bench import run_benchmark

    options = {"sizes": args.sizes} if args.sizes else {}
    run_benchmark(**options, out=print, workdir=args.workdir, rank_bm25=not args.no_rank_bm25)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    kb = _open_for_writing(args)
    with progress_bar() as progress:
        report_failures(kb.ensure_built(args.corpus, progress))
    kb.close()
    env = {**os.environ, "POLICYKB_INDEX": str(kb.index_dir)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(STREAMLIT_SCRIPT),
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        # Streamlit's own upload cap is shown in the upload box; make it the one services enforce.
        "--server.maxUploadSize",
        str(MAX_UPLOAD_BYTES // 2**20),
        "--client.toolbarMode",
        "viewer",
        "--browser.gatherUsageStats",
        "false",
    ]
    sys.stdout.flush()
    os.execvpe(command[0], command, env)
    return 0  # not reached: exec replaces the process


# ---- presentation ------------------------------------------------------------------------------


def report_failures(outcomes: Sequence[IngestOutcome]) -> None:
    """One line per file that failed, naming it and the reason."""
    for outcome in outcomes:
        if outcome.status == "failed":
            say(f"{outcome.source}: {outcome.error}", err)


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar driven by services' ``progress(stage, done, total)`` callbacks."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage[:40], completed=done, total=total or None)

        yield update


def ocr_summary(outcome: IngestOutcome) -> str:
    """Which pages of a file were read by OCR, how sure the recogniser was, which to check."""
    pages = ", ".join(map(str, outcome.ocr_pages))
    line = f"{outcome.source}: OCR read page(s) {pages}, mean confidence {outcome.ocr_confidence:.2f}"
    if outcome.review_pages:
        floor = DEFAULT_OCR_SETTINGS.confidence_floor
        review = ", ".join(map(str, outcome.review_pages))
        line += f"; CHECK page(s) {review} against the scan (confidence under {floor:.2f} or a noisy scan)"
    return line


def ingest_table(outcomes: Sequence[IngestOutcome]) -> Table:
    table = Table(title="policykb ingest")
    for column in ("file", "status", "clauses", "attributions", "reason"):
        table.add_column(
            column, justify="right" if column in ("clauses", "attributions") else "left", overflow="fold"
        )
    for o in outcomes:
        reason = o.error or o.note
        table.add_row(*_cells(o.source, o.status, o.clauses, o.attributions, reason))
    return table


def clause_json(clause) -> dict[str, object]:  # ingest.model.Clause
    return {
        "path": clause.path,
        "heading": clause.heading,
        "text": clause.text,
        "page": clause.page_start,
        "lead": list(printed(clause.departments("lead"))),
        "cooperate": list(printed(clause.departments("cooperate"))),
        "responsible": list(printed(clause.departments("responsible"))),
        "generic": list(clause.generic),
        "targets": [target_json(t) for t in clause.targets],
    }


def print_clauses(title: str, rows: Sequence[dict]) -> None:
    """One block per clause: path, heading and page, then its departments and targets."""
    say(title)
    for r in rows:
        page = "" if r["page"] is None else f"  （第{r['page']}页）"
        say(f"\n{r['path']} {r['heading']}{page}")
        labels = (("牵头", "lead"), ("配合", "cooperate"), ("负责", "responsible"), ("泛指", "generic"))
        units = "；".join(f"{label}：{'、'.join(r[key])}" for label, key in labels if r[key])
        if units:
            say(f"   {units}")
        if r["targets"]:
            say("   目标：" + "；".join(t["display"] for t in r["targets"]))


def print_answer(answer: Answer) -> None:
    """The answer, then each clause as citation + departments: long citations stay whole to paste."""
    marker = "" if answer.found else "（未找到）"
    say(f"{marker}{answer.text}")
    if answer.hits:
        say("\n依据条款：" if answer.found else "\n可能相关的条款：")
    for rank, hit in enumerate(answer.hits, start=1):
        say(f"{rank}. {hit.citation}")
        roles = (("牵头", hit.lead), ("配合", hit.cooperate), ("负责", hit.responsible))
        units = "；".join(f"{label}：{'、'.join(names)}" for label, names in roles if names)
        if units:
            say(f"   {units}")


def say(text: str, console: Console = out) -> None:
    """One message, printed as is: no rich markup (user and clause text may contain [brackets]), no
    wrapping (citations are pasted)."""
    console.print(text, markup=False, soft_wrap=True, highlight=False)


def _cells(*values: object) -> list[Text]:
    """Table cells as plain text: clause text may contain [brackets] that rich would read as markup."""
    return [Text(str(v)) for v in values]


if __name__ == "__main__":
    sys.exit(main())
