"""The SQLite clause store: the source of truth every search index is derived from.

One write = one transaction, so a process killed mid-write leaves either the old or the new version
of a document, never a mix (SQLite's journal guarantees it; WAL keeps readers unblocked).
Clause ids come from AUTOINCREMENT so an id is never reused after a document is replaced: a stale
search index can then only point at a missing clause, never at a different one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeVar

from ingest.model import (
    ROLES,
    Attribution,
    Box,
    Clause,
    CleanDocument,
    Department,
    DocumentMeta,
    PageScan,
    ParsedDocument,
    Target,
    Unparsed,
)

from .errors import StoreError, StoreVersionMismatch, UnknownDocument

R = TypeVar("R")  # a value made from one row of a per-clause table

# 2: attributions carry their carrier and deadline, departments whether the alias table knows them,
# clauses the carriers that could not be read.
SCHEMA_VERSION = 2
# SQLite's default limit on host parameters is 999 on old builds; stay below it.
_IN_CHUNK = 900
PutStatus = Literal["added", "replaced", "unchanged"]

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, format TEXT NOT NULL, content_hash TEXT NOT NULL,
    title TEXT, issuer TEXT, doc_number TEXT, date TEXT, recipients TEXT, public_status TEXT,
    index_number TEXT, extra TEXT, clean_text TEXT, page_starts TEXT, page_numbers TEXT,
    front_matter TEXT, back_matter TEXT, ingested_at TEXT NOT NULL);
CREATE TABLE clauses (
    clause_id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, path TEXT, number TEXT, level INTEGER, heading TEXT, text TEXT,
    start INTEGER, "end" INTEGER, parent INTEGER, page_start INTEGER, page_end INTEGER, unparsed TEXT,
    cells TEXT, UNIQUE (doc_id, idx));
CREATE TABLE attributions (
    clause_id INTEGER NOT NULL REFERENCES clauses(clause_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, raw TEXT, start INTEGER, "end" INTEGER, scope_start INTEGER,
    scope_end INTEGER, generic TEXT, carrier TEXT NOT NULL, deadline TEXT NOT NULL,
    PRIMARY KEY (clause_id, seq));
CREATE TABLE attribution_departments (
    clause_id INTEGER NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, pos INTEGER NOT NULL,
    printed TEXT NOT NULL, canonical TEXT NOT NULL, known INTEGER NOT NULL,
    FOREIGN KEY (clause_id, seq) REFERENCES attributions(clause_id, seq) ON DELETE CASCADE);
CREATE TABLE targets (
    clause_id INTEGER NOT NULL REFERENCES clauses(clause_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, metric TEXT, value TEXT, number REAL, unit TEXT, qualifier TEXT,
    timeframe TEXT, year INTEGER, start INTEGER, "end" INTEGER, PRIMARY KEY (clause_id, seq));
CREATE TABLE store_info (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO store_info VALUES ('revision', 0);
CREATE INDEX clauses_doc ON clauses(doc_id, idx);
CREATE INDEX departments_canonical ON attribution_departments(canonical, role);
CREATE INDEX departments_role ON attribution_departments(role);
CREATE INDEX departments_clause ON attribution_departments(clause_id, seq);
CREATE INDEX targets_year ON targets(year);
"""

# Pages read by OCR (with the page image) and where each OCR'd clause is printed. Added on open to
# stores made before scans were kept, empty for documents without scanned pages: no re-ingest needed.
_SCAN_TABLES = {
    "scanned_pages": """CREATE TABLE scanned_pages (
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE, page INTEGER NOT NULL,
        confidence REAL NOT NULL, flagged INTEGER NOT NULL, noise REAL NOT NULL, image BLOB,
        PRIMARY KEY (doc_id, page))""",
    "clause_boxes": """CREATE TABLE clause_boxes (
        clause_id INTEGER NOT NULL REFERENCES clauses(clause_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, page INTEGER NOT NULL, x0 REAL, y0 REAL, x1 REAL, y1 REAL,
        PRIMARY KEY (clause_id, seq))""",
    # Where a document came from (the file's absolute path, or uploads/NAME): the CLI replaces a
    # document only when the same path comes back with new content, never another file whose name
    # happens to give the same id. Documents stored before this table have no row.
    "document_origins": """CREATE TABLE document_origins (
        doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE, origin TEXT NOT NULL)""",
}

_META_FIELDS = ("title", "issuer", "doc_number", "date", "recipients", "public_status", "index_number")
_CLAUSE_COLUMNS = (
    "c.clause_id, c.doc_id, d.title, d.doc_number, c.idx, c.path, c.number, c.level, c.heading, c.text,"
    ' c.start, c."end", c.parent, c.page_start, c.page_end, c.unparsed, c.cells'
)


@dataclass(frozen=True)
class StoredClause:
    clause_id: int
    doc_id: str
    doc_title: str
    doc_number: str
    clause: Clause


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    source: str
    format: str
    content_hash: str
    meta: DocumentMeta
    ingested_at: str
    clause_count: int
    attribution_count: int
    clean: CleanDocument | None = None  # filled by ``get_document`` only: it can be large


@dataclass(frozen=True)
class StoredTarget:
    clause_id: int
    doc_id: str
    clause_path: str
    target: Target


class ClauseStore:
    """Clauses, attributions and targets of parsed documents in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so a write is exactly one transaction.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode cannot corrupt the file; a power cut may lose only the last commit.
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._ensure_schema()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ClauseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_schema(self) -> None:
        version = self._user_version()
        if version == 0:
            with self._transaction():
                # Re-read under the write lock: another process may have created the schema meanwhile.
                version = self._user_version()
                if version == 0:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    version = SCHEMA_VERSION
        if version != SCHEMA_VERSION:
            raise StoreVersionMismatch(
                f"{self.path}: store schema version {version}, this policykb reads {SCHEMA_VERSION};"
                " re-ingest into a new index directory"
            )
        self._ensure_scan_tables()

    def _ensure_scan_tables(self) -> None:
        if self._missing_scan_tables():
            with self._transaction():
                for name in self._missing_scan_tables():  # again under the write lock
                    self._db.execute(_SCAN_TABLES[name])

    def _missing_scan_tables(self) -> list[str]:
        present = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return [name for name in _SCAN_TABLES if name not in present]

    def _user_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- writes ---------------------------------------------------------------------------------

    def put_document(self, doc: ParsedDocument, origin: str | None = None) -> PutStatus:
        """Add or replace ``doc``; unchanged (same id and content hash) writes nothing. ``origin``
        (where the file came from) is recorded in the same transaction."""
        with self._transaction():
            row = self._db.execute(
                "SELECT content_hash FROM documents WHERE doc_id = ?", (doc.doc_id,)
            ).fetchone()
            if row is not None and row[0] == doc.content_hash:
                return "unchanged"
            if row is not None:
                self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
            self._insert_document(doc)
            for clause in doc.clauses:
                self._insert_clause(doc.doc_id, clause)
            self._db.executemany(
                "INSERT INTO scanned_pages VALUES (?,?,?,?,?,?)",
                [
                    (doc.doc_id, p.number, p.confidence, int(p.flagged), p.noise, p.image or None)
                    for p in doc.scans
                ],
            )
            if origin is not None:
                self._db.execute("INSERT INTO document_origins VALUES (?, ?)", (doc.doc_id, origin))
            self._bump_revision()
        return "added" if row is None else "replaced"

    def put_document_origin(self, doc_id: str, origin: str) -> None:
        """Record where a stored document came from, when it is not recorded yet (no new revision:
        nothing a search sees changes)."""
        with self._transaction():
            self._db.execute("INSERT OR IGNORE INTO document_origins VALUES (?, ?)", (doc_id, origin))

    def remove_document(self, doc_id: str) -> None:
        with self._transaction():
            deleted = self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount
            if not deleted:
                raise UnknownDocument(doc_id)
            self._bump_revision()

    def _bump_revision(self) -> None:
        self._db.execute("UPDATE store_info SET value = value + 1 WHERE key = 'revision'")

    def _insert_document(self, doc: ParsedDocument) -> None:
        meta, clean = doc.meta, doc.clean
        self._db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id,
                doc.source,
                doc.format,
                doc.content_hash,
                *(getattr(meta, name) for name in _META_FIELDS),
                _dumps(meta.extra),
                clean.text,
                _dumps(clean.page_starts),
                _dumps(clean.page_numbers),
                _dumps(clean.front_matter),
                _dumps(clean.back_matter),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )

    def _insert_clause(self, doc_id: str, c: Clause) -> None:
        cursor = self._db.execute(
            'INSERT INTO clauses (doc_id, idx, path, number, level, heading, text, start, "end", parent,'
            " page_start, page_end, unparsed, cells) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc_id,
                c.index,
                c.path,
                c.number,
                c.level,
                c.heading,
                c.text,
                c.start,
                c.end,
                c.parent,
                c.page_start,
                c.page_end,
                _dumps([(u.raw, u.start, u.end) for u in c.unparsed]),
                _dumps(c.cells),
            ),
        )
        clause_id = cursor.lastrowid
        for seq, a in enumerate(c.attributions):
            self._db.execute(
                "INSERT INTO attributions VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    clause_id,
                    seq,
                    a.raw,
                    a.start,
                    a.end,
                    a.scope_start,
                    a.scope_end,
                    _dumps(a.generic),
                    a.carrier,
                    a.deadline,
                ),
            )
            self._db.executemany(
                "INSERT INTO attribution_departments VALUES (?,?,?,?,?,?,?)",
                [
                    (clause_id, seq, role, pos, d.printed, d.canonical, int(d.known))
                    for role in ROLES
                    for pos, d in enumerate(getattr(a, role))
                ],
            )
        self._db.executemany(
            "INSERT INTO clause_boxes VALUES (?,?,?,?,?,?,?)",
            [(clause_id, seq, b.page, b.left, b.top, b.right, b.bottom) for seq, b in enumerate(c.boxes)],
        )
        self._db.executemany(
            "INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    clause_id,
                    seq,
                    t.metric,
                    t.value,
                    t.number,
                    t.unit,
                    t.qualifier,
                    t.timeframe,
                    t.year,
                    t.start,
                    t.end,
                )
                for seq, t in enumerate(c.targets)
            ],
        )

    # -- reads ----------------------------------------------------------------------------------

    def revision(self) -> int:
        """A counter bumped by every write, so derived indexes can tell they are stale."""
        return int(self._db.execute("SELECT value FROM store_info WHERE key = 'revision'").fetchone()[0])

    def origins(self) -> dict[str, str]:
        """doc_id -> where it came from, for the documents whose origin was recorded."""
        return dict(self._db.execute("SELECT doc_id, origin FROM document_origins").fetchall())

    def documents(self) -> list[StoredDocument]:
        return [self._document(row) for row in self._document_rows("", ())]

    def get_document(self, doc_id: str) -> StoredDocument:
        rows = self._document_rows("WHERE d.doc_id = ?", (doc_id,))
        if not rows:
            raise UnknownDocument(doc_id)
        text, starts, numbers, front, back = self._db.execute(
            "SELECT clean_text, page_starts, page_numbers, front_matter, back_matter FROM documents"
            " WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        clean = CleanDocument(
            text=text,
            page_starts=tuple(json.loads(starts)),
            page_numbers=tuple(json.loads(numbers)),
            front_matter=tuple(json.loads(front)),
            back_matter=tuple(json.loads(back)),
        )
        return self._document(rows[0], clean)

    def _document_rows(self, where: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
        return self._db.execute(
            "SELECT d.doc_id, d.source, d.format, d.content_hash, d.title, d.issuer, d.doc_number, d.date,"
            " d.recipients, d.public_status, d.index_number, d.extra, d.ingested_at,"
            " (SELECT count(*) FROM clauses c WHERE c.doc_id = d.doc_id),"
            " (SELECT count(*) FROM attributions a JOIN clauses c USING (clause_id)"
            "  WHERE c.doc_id = d.doc_id)"
            f" FROM documents d {where} ORDER BY d.doc_id",
            params,
        ).fetchall()

    @staticmethod
    def _document(row: Sequence[object], clean: CleanDocument | None = None) -> StoredDocument:
        doc_id, source, fmt, content_hash, *meta_values, extra, ingested_at, n_clauses, n_attr = row
        meta = DocumentMeta(**dict(zip(_META_FIELDS, meta_values, strict=True)), extra=json.loads(extra))
        return StoredDocument(
            str(doc_id),
            str(source),
            str(fmt),
            str(content_hash),
            meta,
            str(ingested_at),
            int(n_clauses),
            int(n_attr),
            clean,
        )

    def clauses(self, doc_id: str | None = None) -> list[StoredClause]:
        """All clauses (of one document, or of all), in document order."""
        if doc_id is not None and not self._has_document(doc_id):
            raise UnknownDocument(doc_id)
        where, params = ("WHERE c.doc_id = ?", (doc_id,)) if doc_id is not None else ("", ())
        rows = self._db.execute(
            f"SELECT {_CLAUSE_COLUMNS} FROM clauses c JOIN documents d USING (doc_id) {where}"
            " ORDER BY c.doc_id, c.idx",
            params,
        ).fetchall()
        return self._build_clauses(rows)

    def clauses_by_id(self, ids: Iterable[int]) -> list[StoredClause]:
        """The clauses with these ids, in the order given; ids not in the store are skipped."""
        wanted = list(ids)
        rows: list[tuple[object, ...]] = []
        for chunk in _chunks(sorted(set(wanted))):
            rows += self._db.execute(
                f"SELECT {_CLAUSE_COLUMNS} FROM clauses c JOIN documents d USING (doc_id)"
                f" WHERE c.clause_id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
        by_id = {stored.clause_id: stored for stored in self._build_clauses(rows)}
        return [by_id[i] for i in wanted if i in by_id]

    def department_clauses(self, canonicals: Collection[str], roles: Collection[str]) -> list[StoredClause]:
        """Clauses naming any of ``canonicals`` in any of ``roles``, in document order."""
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise StoreError(f"unknown roles {sorted(unknown)}; expected some of {ROLES}")
        if not canonicals or not roles:
            return []
        names, wanted_roles = list(canonicals), list(roles)
        ids = [
            row[0]
            for row in self._db.execute(
                "SELECT DISTINCT c.clause_id FROM attribution_departments ad JOIN clauses c USING"
                f" (clause_id) WHERE ad.canonical IN ({_marks(names)}) AND ad.role IN"
                f" ({_marks(wanted_roles)}) ORDER BY c.doc_id, c.idx",
                (*names, *wanted_roles),
            )
        ]
        return self.clauses_by_id(ids)

    def matching_clause_ids(
        self,
        doc_ids: Collection[str] | None = None,
        canonicals: Collection[str] | None = None,
        roles: Collection[str] = ROLES,
        year: int | None = None,
    ) -> list[int]:
        """Ids of the clauses passing every filter given: in these documents, naming one of these
        departments in one of these roles, holding a target of this year. Sorted."""
        if (doc_ids is not None and not doc_ids) or (canonicals is not None and not (canonicals and roles)):
            return []
        where, params = [], []
        if doc_ids is not None:
            names = list(doc_ids)
            where.append(f"c.doc_id IN ({_marks(names)})")
            params += names
        if canonicals is not None:
            names, wanted = list(canonicals), list(roles)
            where.append(
                "c.clause_id IN (SELECT clause_id FROM attribution_departments"
                f" WHERE canonical IN ({_marks(names)}) AND role IN ({_marks(wanted)}))"
            )
            params += names + wanted
        if year is not None:
            where.append("c.clause_id IN (SELECT clause_id FROM targets WHERE year = ?)")
            params.append(year)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(f"SELECT c.clause_id FROM clauses c {clause} ORDER BY c.clause_id", params)
        return [int(r[0]) for r in rows]

    def clause_facets(self, clause_ids: Collection[int]) -> dict[int, tuple[dict[str, list[str]], list[int]]]:
        """Per clause, what ``matching_clause_ids`` filters on: canonical departments by role and
        target years (only clauses that have any). For engines that filter inside their own index."""
        ids = list(clause_ids)
        facets: dict[int, tuple[dict[str, list[str]], list[int]]] = {}
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            part = ids[start : start + 900]
            for clause_id, role, canonical in self._db.execute(
                "SELECT DISTINCT clause_id, role, canonical FROM attribution_departments"
                f" WHERE clause_id IN ({_marks(part)}) ORDER BY clause_id, role, canonical",
                part,
            ):
                facets.setdefault(clause_id, ({}, []))[0].setdefault(role, []).append(canonical)
            for clause_id, year in self._db.execute(
                f"SELECT DISTINCT clause_id, year FROM targets WHERE clause_id IN ({_marks(part)})"
                " AND year IS NOT NULL ORDER BY clause_id, year",
                part,
            ):
                facets.setdefault(clause_id, ({}, []))[1].append(int(year))
        return facets

    def department_names(self) -> dict[str, set[str]]:
        """Canonical department name -> every printed form seen in the store."""
        names: dict[str, set[str]] = {}
        for canonical, printed in self._db.execute(
            "SELECT DISTINCT canonical, printed FROM attribution_departments"
        ):
            names.setdefault(canonical, set()).add(printed)
        return names

    def targets(self, doc_id: str | None = None) -> list[StoredTarget]:
        if doc_id is not None and not self._has_document(doc_id):
            raise UnknownDocument(doc_id)
        where, params = ("WHERE c.doc_id = ?", (doc_id,)) if doc_id is not None else ("", ())
        rows = self._db.execute(
            "SELECT t.clause_id, c.doc_id, c.path, t.metric, t.value, t.number, t.unit, t.qualifier,"
            ' t.timeframe, t.year, t.start, t."end" FROM targets t JOIN clauses c USING (clause_id)'
            f" {where} ORDER BY c.doc_id, c.idx, t.seq",
            params,
        ).fetchall()
        return [StoredTarget(r[0], r[1], r[2], Target(*r[3:])) for r in rows]

    def scanned_pages(self, doc_id: str) -> list[PageScan]:
        """The pages of ``doc_id`` read by OCR, in page order (without their images)."""
        return [
            PageScan(page, confidence, bool(flagged), noise=noise)
            for page, confidence, flagged, noise in self._db.execute(
                "SELECT page, confidence, flagged, noise FROM scanned_pages WHERE doc_id = ? ORDER BY page",
                (doc_id,),
            )
        ]

    def page_image(self, doc_id: str, page: int) -> bytes | None:
        """The JPEG of an OCR'd page, or None when the page was not scanned."""
        row = self._db.execute(
            "SELECT image FROM scanned_pages WHERE doc_id = ? AND page = ?", (doc_id, page)
        ).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def clause_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM clauses").fetchone()[0])

    def iter_passages(self, batch: int = 10_000) -> Iterator[tuple[int, str, str, str]]:
        """(clause_id, doc_id, heading, text) of every clause by id, streamed: a 1M-clause build stays lean.

        Call inside ``snapshot()`` when the result must be consistent with other reads.
        """
        last = -1
        while True:
            rows = self._db.execute(
                "SELECT clause_id, doc_id, heading, text FROM clauses WHERE clause_id > ?"
                " ORDER BY clause_id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside sees the same state, whatever other writers do."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _has_document(self, doc_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    # -- rebuilding dataclasses -----------------------------------------------------------------

    def _build_clauses(self, rows: list[tuple[object, ...]]) -> list[StoredClause]:
        ids = [int(r[0]) for r in rows]  # type: ignore[call-overload]
        attributions = self._attributions(ids)
        targets = self._targets(ids)
        boxes = self._boxes(ids)
        out = []
        for clause_id, doc_id, title, doc_number, *fields, unparsed, cells in rows:
            clause = Clause(
                *fields,
                attributions=attributions.get(clause_id, ()),  # type: ignore[arg-type]
                targets=targets.get(clause_id, ()),  # type: ignore[arg-type]
                unparsed=tuple(Unparsed(*u) for u in json.loads(unparsed or "[]")),  # type: ignore[arg-type]
                cells=tuple(tuple(cell) for cell in json.loads(cells or "[]")),  # type: ignore[arg-type]
                boxes=boxes.get(clause_id, ()),  # type: ignore[arg-type]
            )
            out.append(StoredClause(clause_id, doc_id, title or "", doc_number or "", clause))  # type: ignore[arg-type]
        return out

    def _attributions(self, ids: list[int]) -> dict[int, tuple[Attribution, ...]]:
        departments: dict[tuple[int, int], dict[str, list[Department]]] = {}
        for chunk in _chunks(ids):
            for clause_id, seq, role, printed, canonical, known in self._db.execute(
                "SELECT clause_id, seq, role, printed, canonical, known FROM attribution_departments"
                f" WHERE clause_id IN ({_marks(chunk)}) ORDER BY clause_id, seq, role, pos",
                chunk,
            ):
                roles = departments.setdefault((clause_id, seq), {})
                roles.setdefault(role, []).append(Department(printed, canonical, bool(known)))
        out: dict[int, list[Attribution]] = {}
        for chunk in _chunks(ids):
            rows = self._db.execute(
                'SELECT clause_id, seq, raw, start, "end", scope_start, scope_end, generic, carrier, deadline'
                f" FROM attributions WHERE clause_id IN ({_marks(chunk)}) ORDER BY clause_id, seq",
                chunk,
            )
            for clause_id, seq, raw, start, end, s_start, s_end, generic, carrier, deadline in rows:
                roles = departments.get((clause_id, seq), {})
                out.setdefault(clause_id, []).append(
                    Attribution(
                        raw,
                        start,
                        end,
                        s_start,
                        s_end,
                        **{role: tuple(roles.get(role, ())) for role in ROLES},
                        generic=tuple(json.loads(generic)),
                        carrier=carrier,
                        deadline=deadline,
                    )
                )
        return {k: tuple(v) for k, v in out.items()}

    def _targets(self, ids: list[int]) -> dict[int, tuple[Target, ...]]:
        columns = 'metric, value, number, unit, qualifier, timeframe, year, start, "end"'
        return self._by_clause(ids, columns, "targets", Target)

    def _boxes(self, ids: list[int]) -> dict[int, tuple[Box, ...]]:
        return self._by_clause(ids, "page, x0, y0, x1, y1", "clause_boxes", Box)

    def _by_clause(
        self, ids: list[int], columns: str, table: str, make: Callable[..., R]
    ) -> dict[int, tuple[R, ...]]:
        """Rows of ``table`` for the clauses ``ids``, made into values and grouped by clause, in order."""
        out: dict[int, list[R]] = {}
        for chunk in _chunks(ids):
            for clause_id, *fields in self._db.execute(
                f"SELECT clause_id, {columns} FROM {table}"
                f" WHERE clause_id IN ({_marks(chunk)}) ORDER BY clause_id, seq",
                chunk,
            ):
                out.setdefault(clause_id, []).append(make(*fields))
        return {k: tuple(v) for k, v in out.items()}


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (including KeyboardInterrupt)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        # IMMEDIATE takes the write lock up front, so two writers fail fast instead of deadlocking.
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(values), _IN_CHUNK):
        yield list(values[i : i + _IN_CHUNK])
