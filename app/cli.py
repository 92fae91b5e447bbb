"""``policykb``: thin command-line wrappers over app.services.

Exit codes: 0 success, 1 a failure the user can act on (a bad file in the batch, a missing index,
an unanswerable question), 2 bad usage (argparse). Failures print one line on stderr, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from index.embed import BACKENDS, DEFAULT_PRECISION, ONNX_BACKEND, PRECISIONS, ST_BACKEND
from index.engine import ENGINES, EngineChoice
from index.errors import SearchIndexError, StoreError
from ingest.errors import IngestError
from ingest.read_options import DEFAULT_OCR_MODE, DEFAULT_OCR_SETTINGS, OCR_MODES

from .answer import Answer, printed, target_json
from .auth import ROLES, USERS_ENV, AuthError, load_users, set_user
from .evaluate import EvalFileError, evaluate, failures, load_questions, load_seed, seed_path_for
from .query import QuestionError
from .services import (
    MAX_UPLOAD_BYTES,
    IngestOutcome,
    KnowledgeBase,
    ServiceError,
    embedder_for,
    one_line,
    read_options_for,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
GOLD_DIR = ROOT / "tests" / "gold"
STREAMLIT_SCRIPT = Path(__file__).resolve().parent / "ui" / "streamlit_app.py"
DEFAULT_PORT = 8501
DEFAULT_TOP_K = 5
# Errors that mean "the user must do something", shown as one line instead of a traceback.
USER_ERRORS = (
    ServiceError, QuestionError, IngestError, SearchIndexError, StoreError, EvalFileError, AuthError, OSError,
)  # fmt: skip
DEFAULT_HOST = "127.0.0.1"  # only this machine; --host 0.0.0.0 (with --users) for a shared deployment

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # SIGTERM (systemd stop, kill) unwinds like an exception, so a half-built index folder is removed
    # by build_indexes' clean-up instead of staying behind.
    with suppress(ValueError):  # only the main thread may set handlers (tests call main from others)
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.run(args)
    except USER_ERRORS as exc:
        say(one_line(f"policykb: error: {printable(str(exc))}"), err)
        return 1
    except KeyboardInterrupt:
        say("policykb: interrupted", err)
        return 130


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


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
    _engine_options(p)
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

    p = commands.add_parser("eval", help="top-1, answer-exact, list precision/recall on question files")
    p.add_argument("questions", type=Path, nargs="+")
    p.add_argument("--seed", type=Path, default=None, help="seed_clauses.json (default: beside QUESTIONS)")
    p.add_argument("--gold", type=Path, default=GOLD_DIR, help=f"gold for tests/questions files ({GOLD_DIR})")
    p.add_argument("--verbose", action="store_true", help="print every question that is not exact")
    _index_option(p)
    p.set_defaults(run=cmd_eval)

    p = commands.add_parser("eval-extract", help="attribution precision, recall and F1 against gold files")
    p.add_argument("gold", type=Path, metavar="GOLD_DIR")
    p.add_argument("--verbose", action="store_true", help="print every difference")
    p.add_argument("--shared", type=Path, default=SHARED, help=f"the shared material (default {SHARED})")
    p.set_defaults(run=cmd_eval_extract)

    p = commands.add_parser("gold-export", help="write the gold's documents to a folder, to ingest them")
    p.add_argument("gold", type=Path, metavar="GOLD_DIR")
    p.add_argument("out", type=Path, metavar="OUT_DIR")
    p.add_argument("--shared", type=Path, default=SHARED, help=f"the shared material (default {SHARED})")
    p.set_defaults(run=cmd_gold_export)

    p = commands.add_parser("bench", help="search speed and memory on large synthetic stores")
    p.add_argument("--sizes", type=_positive_int, nargs="+", default=None, help="clause counts")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--no-rank-bm25", action="store_true", help="skip the rank-bm25 comparison")
    p.add_argument("--ann", choices=("ivf", "hnsw"), default="ivf", help="vector index to measure")
    p.add_argument("--embedders", action="store_true", help="passages/s of each embedding backend instead")
    p.add_argument("--ingest", action="store_true", help="parse+tag and end-to-end ingest times instead")
    p.add_argument("--st-model", default=None, help="with --embedders: a local sentence-transformers model")
    p.add_argument(
        "--engine", choices=ENGINES, default="local", help="milvus: Milvus Lite measured beside local"
    )
    p.set_defaults(run=cmd_bench)

    p = commands.add_parser("serve", help="build the index if needed and start the web app")
    _index_option(p)
    p.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    p.add_argument("--port", type=_positive_int, default=DEFAULT_PORT)
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0: every interface)",
    )
    p.add_argument(
        "--users",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"users file: the app asks for a login (default ${USERS_ENV}; none: no login)",
    )
    p.add_argument("--base-path", default="", help="URL path prefix behind a reverse proxy, e.g. policykb")
    _embedding_options(p)
    _engine_options(p)
    p.set_defaults(run=cmd_serve)

    p = commands.add_parser("user", help="add a user to a users file, or change a user's password or role")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("name")
    p.add_argument("--role", choices=tuple(ROLES), default="reader")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(run=cmd_user)
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
        choices=BACKENDS,
        default=None,
        help="embedding backend (default: the one the index was built with, else onnx)",
    )
    parser.add_argument(
        "--model",
        default=None,
        help=f"onnx: {' or '.join(PRECISIONS)} (default {DEFAULT_PRECISION}); sentence-transformers: a model"
        " name or local path",
    )


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="search engine (default: the one the index was built on, else local)",
    )
    parser.add_argument(
        "--milvus-uri",
        default=None,
        metavar="URI",
        help="with --engine milvus: a Milvus Lite .db file (default DIR/milvus.db) or http://host:19530;"
        " the token comes from $POLICYKB_MILVUS_TOKEN",
    )


def _engine_choice(args: argparse.Namespace) -> EngineChoice | None:
    """--engine/--milvus-uri; a URI alone means milvus."""
    if args.milvus_uri and args.engine == "local":
        raise ServiceError("--milvus-uri goes with --engine milvus, not local")
    if args.milvus_uri or args.engine == "milvus":
        return EngineChoice("milvus", args.milvus_uri)
    return EngineChoice() if args.engine == "local" else None


def _open_for_writing(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base, indexed with --backend/--model when given, else as it was built."""
    backend = args.backend or (_backend_of_model(args.model) if args.model else None)
    factory = embedder_for(backend, args.model) if backend else None
    return KnowledgeBase.open(args.index, embedder_factory=factory, engine=_engine_choice(args))


def _backend_of_model(model: str) -> str:
    """--model without --backend: a precision names the onnx backend, anything else a model."""
    return ONNX_BACKEND if model in PRECISIONS else ST_BACKEND


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
    rows = [clause_json(c, doc.clean.text) for c in doc.clauses]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print_clauses(doc.meta.title or doc.doc_id, rows)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    question = utf8_argument(args.question, "question")
    kb = KnowledgeBase.open(args.index, create=False)
    answer = kb.ask(question, top_k=args.top_k, doc_id=args.doc)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print_answer(answer)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(args.index, create=False)
    gold_files = [p for p in args.questions if is_gold_question_file(p)]
    for path in (p for p in args.questions if p not in gold_files):
        eval_seed_questions(kb, path, args.seed)
    if gold_files:
        eval_gold_questions(kb, gold_files, args.gold, args.verbose)
    return 0


def eval_seed_questions(kb: KnowledgeBase, path: Path, seed_file: Path | None) -> None:
    """A question file in the format of ../shared/eval (answers in seed_clauses.json)."""
    report = evaluate(load_questions(path), kb.ask, load_seed(seed_file or seed_path_for(path)))
    for r in failures(report):
        first = r.headings[0] if r.headings else "—"
        say(
            f"[{r.question.id}] {r.question.q}  gold: {r.gold_heading} {list(r.gold_answer)}"
            f"  got: {first} {list(r.answer)}"
        )
    say(f"{path.name}: questions {len(report.results)}")
    say(f"top-1: {report.top1:.3f}")
    say(f"recall@5: {report.recall_at_5:.3f}")
    say(f"answer-exact: {report.answer_exact:.3f}")


def eval_gold_questions(kb: KnowledgeBase, paths: Sequence[Path], gold_dir: Path, verbose: bool) -> None:
    """Question files in the format of tests/questions, judged against the gold attributions."""
    from ingest.pipeline import doc_id_for

    from .evaluate import GoldIndex, GoldReport, format_gold_report, load_gold_questions, score_gold
    from .evaluate_extract import export_names, load_gold_dir

    documents = load_gold_dir(gold_dir)
    keys = {doc_id_for(name): key for key, name in export_names(documents).items()}
    gold = GoldIndex.build(documents)
    questions = [q for path in paths for q in load_gold_questions(path)]
    results = tuple(score_gold(q, kb.ask(q.q), gold, keys) for q in questions)
    if verbose:
        for r in results:
            if not r.exact:
                say(f"[{r.question.id} {r.question.kind}] {r.question.q}  → {r.got}")
    for line in format_gold_report(GoldReport(results)):
        say(line)


def is_gold_question_file(path: Path) -> bool:
    first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "{}")
    try:
        return "kind" in json.loads(first)
    except ValueError as exc:
        raise EvalFileError(f"{path}:1: not a question line ({exc})") from exc


def cmd_eval_extract(args: argparse.Namespace) -> int:
    from ingest.pipeline import parse_bytes

    from .evaluate_extract import evaluate as evaluate_extract
    from .evaluate_extract import format_report, load_gold_dir

    documents = load_gold_dir(args.gold)
    if not documents:
        raise EvalFileError(f"{args.gold}: no gold files (*.jsonl)")
    parsed = {"documents": 0, "characters": 0, "seconds": 0.0}

    def parse(gold):  # -> ParsedDocument | None; timed apart from reading the datasets
        found = load_gold_source(gold.source, args.shared, args.gold)
        if found is None:
            return None
        started = time.perf_counter()
        document = parse_bytes(*found)
        parsed["seconds"] += time.perf_counter() - started
        parsed["documents"] += 1
        parsed["characters"] += len(document.clean.text)
        return document

    report = evaluate_extract(documents, parse)
    for line in format_report(report, verbose=args.verbose):
        say(line)
    say(
        f"parse + tag: {parsed['documents']} documents, {parsed['characters']:,} characters in "
        f"{parsed['seconds']:.1f} s (reading the sources not counted)"
    )
    return 0


def cmd_gold_export(args: argparse.Namespace) -> int:
    from .evaluate_extract import export_documents, load_gold_dir

    documents = load_gold_dir(args.gold)
    written = export_documents(
        documents, lambda source: load_gold_source(source, args.shared, args.gold), args.out
    )
    say(f"{len(written)} of {len(documents)} gold documents written to {args.out}")
    return 0 if len(written) == len(documents) else 1


def load_gold_source(source: str, shared: Path, gold_dir: Path) -> tuple[bytes, str] | None:
    """The bytes and file name of a gold document, or None when its source is not here."""
    from ingest.datasets import load_document

    try:
        return load_document(source, shared, gold_dir)
    except FileNotFoundError:
        return None


def parse_gold_source(source: str, shared: Path, gold_dir: Path):  # -> ParsedDocument | None
    """The gold document parsed, or None when its source is not here (../shared absent)."""
    from ingest.pipeline import parse_bytes

    found = load_gold_source(source, shared, gold_dir)
    return None if found is None else parse_bytes(*found)


def cmd_bench(args: argparse.Namespace) -> int:
    from index.bench import run_benchmark
    from index.bench_embed import run_embedders, run_ingest

    if args.embedders or args.ingest:
        if args.embedders:
            run_embedders(print, args.st_model)
        if args.ingest:
            run_ingest(print)
        return 0
    options = {"sizes": args.sizes} if args.sizes else {}
    run_benchmark(
        **options,
        out=print,
        workdir=args.workdir,
        rank_bm25=not args.no_rank_bm25,
        ann=args.ann,
        engines=("local", "milvus") if args.engine == "milvus" else ("local",),
    )
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    import getpass

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise AuthError("the two passwords differ")
    if len(password) < 8:
        raise AuthError("a password has at least 8 characters")
    set_user(args.file, args.name, args.role, password)
    say(f"{args.file}: {args.name} ({args.role}) saved")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    users = args.users or (Path(os.environ[USERS_ENV]) if os.environ.get(USERS_ENV) else None)
    if users is not None:
        load_users(users)  # a broken users file is one line now, not an app that lets nobody in
    kb = _open_for_writing(args)
    with progress_bar() as progress:
        report_failures(kb.ensure_built(args.corpus, progress))
    kb.close()
    env = {**os.environ, "POLICYKB_INDEX": str(kb.index_dir)}
    if users is not None:
        env[USERS_ENV] = str(users.resolve())
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(STREAMLIT_SCRIPT),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
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
    if args.base_path:  # behind a reverse proxy that serves the app under /PATH/
        command += ["--server.baseUrlPath", args.base_path.strip("/")]
    if users is None and args.host not in (DEFAULT_HOST, "localhost", "::1"):
        say(f"policykb: warning: serving on {args.host} without --users: anyone who can reach it may upload"
            " and remove documents", err)  # fmt: skip
    sys.stdout.flush()
    os.execvpe(command[0], command, env)
    return 0  # not reached: exec replaces the process


# ---- presentation ------------------------------------------------------------------------------


def utf8_argument(text: str, what: str) -> str:
    """``text`` from the command line; bytes that are not UTF-8 (Python keeps them as surrogate
    escapes) are a user error naming the first one, not a traceback further down."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        byte = ord(text[exc.start]) - 0xDC00
        raise ServiceError(
            f"the {what} “{printable(text)}” is not valid UTF-8 (byte 0x{byte:02x} at character"
            f" {exc.start + 1}); type it again or set a UTF-8 locale"
        ) from None
    return text


def printable(text: str) -> str:
    """``text`` with undecodable command-line bytes (surrogate escapes) shown as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def report_failures(outcomes: Sequence[IngestOutcome]) -> None:
    """One line per file that failed, naming it and the reason (line breaks in a name escaped)."""
    for outcome in outcomes:
        if outcome.status == "failed":
            say(one_line(f"{outcome.source}: {outcome.error}"), err)


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
        reason = o.error or "；".join(filter(None, (o.note, unparsed_note(o.unparsed))))
        table.add_row(*_cells(one_line(o.source), o.status, o.clauses, o.attributions, one_line(reason)))
    return table


def unparsed_note(count: int) -> str:
    return f"{count} attribution{'s' if count != 1 else ''} not understood" if count else ""


def clause_json(clause, text: str) -> dict[str, object]:  # ingest.model.Clause, the document's clean text
    return {
        "path": clause.path,
        "heading": clause.heading,
        "text": clause.text,
        "page": clause.page_start,
        "lead": list(printed(clause.departments("lead"))),
        "cooperate": list(printed(clause.departments("cooperate"))),
        "responsible": list(printed(clause.departments("responsible"))),
        "generic": list(clause.generic),
        "deadline": clause.deadline,
        "attributions": [attribution_json(a, text) for a in clause.attributions],
        "unparsed": [{"raw": u.raw, "start": u.start, "end": u.end} for u in clause.unparsed],
        "targets": [target_json(t) for t in clause.targets],
    }


def attribution_json(attribution, text: str) -> dict[str, object]:  # ingest.model.Attribution
    """One attribution: its departments by role (printed, canonical, known), the bound sentence or table
    row with its offsets, and the carrier as printed."""

    def units(role: str) -> list[dict[str, object]]:
        return [
            {"printed": d.printed, "canonical": d.canonical, "known": d.known}
            for d in getattr(attribution, role)
        ]

    return {
        "lead": units("lead"),
        "cooperate": units("cooperate"),
        "responsible": units("responsible"),
        "generic": list(attribution.generic),
        "text": text[attribution.scope_start : attribution.scope_end],
        "start": attribution.scope_start,
        "end": attribution.scope_end,
        "carrier": attribution.carrier,
        "raw": attribution.raw,
        "deadline": attribution.deadline,
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
