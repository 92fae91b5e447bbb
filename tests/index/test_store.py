from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from index_helpers import CZT, FGW, GXT, make_clauses, make_document

from index.errors import StoreError, StoreVersionMismatch, UnknownDocument
from index.store import ClauseStore


@pytest.fixture
def store(tmp_path: Path) -> ClauseStore:
    with ClauseStore(tmp_path / "store.sqlite") as s:
        yield s


def test_clauses_round_trip_exactly(store: ClauseStore) -> None:
    doc = make_document()
    assert store.put_document(doc) == "added"
    stored = store.clauses("plan")
    assert [s.clause for s in stored] == list(doc.clauses)
    assert {s.doc_title for s in stored} == {doc.meta.title}
    assert {s.doc_number for s in stored} == {"鲁政发〔2023〕16号"}
    assert [s.clause_id for s in stored] == [1, 2, 3, 4]


def test_document_round_trips_meta_and_clean_text(store: ClauseStore) -> None:
    doc = make_document()
    store.put_document(doc)
    stored = store.get_document("plan")
    assert (stored.meta, stored.clean) == (doc.meta, doc.clean)
    assert (stored.clause_count, stored.attribution_count) == (4, 3)
    listed = store.documents()
    assert [(d.doc_id, d.clean, d.content_hash) for d in listed] == [("plan", None, doc.content_hash)]


def test_put_is_idempotent_by_content_hash(store: ClauseStore) -> None:
    store.put_document(make_document())
    revision = store.revision()
    assert store.put_document(make_document()) == "unchanged"
    assert store.revision() == revision
    assert [s.clause_id for s in store.clauses()] == [1, 2, 3, 4]


def test_changed_document_replaces_its_clauses(store: ClauseStore) -> None:
    store.put_document(make_document())
    store.put_document(make_document("other"))
    revision = store.revision()
    fewer = make_clauses()[:2]
    assert store.put_document(make_document(clauses=fewer, version="v2")) == "replaced"
    assert store.revision() > revision
    assert [s.clause for s in store.clauses("plan")] == list(fewer)
    # ids are never reused, so a stale search index cannot point at the wrong clause
    assert [s.clause_id for s in store.clauses("plan")] == [9, 10]
    assert len(store.clauses("other")) == 4


def test_remove_document_cascades(store: ClauseStore) -> None:
    store.put_document(make_document())
    store.remove_document("plan")
    assert store.documents() == []
    assert store.department_names() == {}
    assert store.targets() == []
    with pytest.raises(UnknownDocument, match="unknown document: 'plan'"):
        store.remove_document("plan")


@pytest.mark.parametrize("call", ["get_document", "clauses", "targets"])
def test_unknown_document_is_a_store_error(store: ClauseStore, call: str) -> None:
    with pytest.raises(StoreError, match="'nope'"):
        getattr(store, call)("nope")


def test_clauses_by_id_keeps_given_order_and_skips_missing(store: ClauseStore) -> None:
    store.put_document(make_document())
    assert [s.clause_id for s in store.clauses_by_id([3, 99, 1, 2])] == [3, 1, 2]


def test_department_clauses_by_canonical_and_role(store: ClauseStore) -> None:
    store.put_document(make_document())
    lead = store.department_clauses({"省发展改革委"}, {"lead"})
    assert [s.clause.index for s in lead] == [1]
    assert lead[0].clause.departments("lead") == (FGW, GXT)
    czt = store.department_clauses(["省财政厅"], ["lead", "cooperate"])
    assert [s.clause.index for s in czt] == [1, 2]
    assert store.department_clauses(["省财政厅"], ["responsible"]) == []
    with pytest.raises(StoreError, match="unknown roles"):
        store.department_clauses(["省财政厅"], ["boss"])


def test_department_names_map_canonical_to_printed(store: ClauseStore) -> None:
    store.put_document(make_document())
    assert store.department_names() == {
        "省发展改革委": {"省发改委"},
        "省工业和信息化厅": {"省工业和信息化厅"},
        "省财政厅": {"省财政厅"},
    }
    assert CZT.canonical in store.department_names()


def test_targets(store: ClauseStore) -> None:
    doc = make_document()
    store.put_document(doc)
    [row] = store.targets()
    expected = (4, "plan", "一、（三）", doc.clauses[3].targets[0])
    assert (row.clause_id, row.doc_id, row.clause_path, row.target) == expected


def test_other_schema_version_is_refused(tmp_path: Path) -> None:
    ClauseStore(tmp_path / "s.sqlite").close()
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreVersionMismatch, match="schema version 99"):
        ClauseStore(tmp_path / "s.sqlite")


def test_failed_write_rolls_back(store: ClauseStore) -> None:
    store.put_document(make_document())
    broken = dataclasses.replace(make_clauses()[1], index=0)  # duplicate index violates UNIQUE
    with pytest.raises(sqlite3.IntegrityError):
        store.put_document(make_document(clauses=[*make_clauses(), broken], version="v2"))
    assert [s.clause for s in store.clauses("plan")] == list(make_clauses())


_SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path[:0] = [{root!r}, {tests!r}, {helpers!r}]
    from index_helpers import make_clauses, make_document
    from index.store import ClauseStore

    class SlowClauses(tuple):
        # Yields clauses slowly and says when the write is well under way, so the test can kill it.
        def __iter__(self):
            for n, clause in enumerate(tuple.__iter__(self)):
                if n == 200:
                    Path({marker!r}).touch()
                if n >= 200:
                    time.sleep(0.01)
                yield clause

    many = [c for i in range(200) for c in make_clauses()]
    many = [type(c)(**{{**c.__dict__, "index": i}}) for i, c in enumerate(many)]
    store = ClauseStore({db!r})
    store.put_document(make_document(clauses=SlowClauses(many), version="v2"))
    """
)


def test_killed_writer_leaves_old_version(tmp_path: Path) -> None:
    db, marker = tmp_path / "store.sqlite", tmp_path / "writing"
    with ClauseStore(db) as store:
        store.put_document(make_document())
        revision = store.revision()
    root = str(Path(__file__).resolve().parents[2])
    here = Path(__file__).parent  # index_helpers, and above it the shared char_embedder
    script = _SLOW_WRITER.format(
        root=root, tests=str(here), helpers=str(here.parent), marker=str(marker), db=str(db)
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), "the writer never got under way"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with ClauseStore(db) as store:
        assert [s.clause for s in store.clauses()] == list(make_clauses())
        assert store.revision() == revision
        assert store.documents()[0].clause_count == 4


def _scanned_document():
    from ingest.model import Box, PageScan

    doc = make_document()
    boxes = {0: (Box(1, 0.1, 0.2, 0.9, 0.25),), 1: (Box(1, 0.1, 0.9, 0.9, 0.95), Box(2, 0.1, 0.05, 0.6, 0.1))}
    clauses = tuple(dataclasses.replace(c, boxes=boxes.get(i, ())) for i, c in enumerate(doc.clauses))
    scans = (
        PageScan(1, 0.97, False, image=b"\xff\xd8page1"),
        PageScan(2, 0.98, True, image=b"\xff\xd8page2", noise=0.004),
    )
    return dataclasses.replace(doc, clauses=clauses, scans=scans)


def test_scanned_pages_and_clause_boxes_round_trip(store: ClauseStore) -> None:
    doc = _scanned_document()
    store.put_document(doc)
    assert [s.clause for s in store.clauses("plan")] == list(doc.clauses)
    assert [s.clause.boxes for s in store.clauses_by_id([2])] == [doc.clauses[1].boxes]
    assert [(p.number, p.confidence, p.flagged, p.noise) for p in store.scanned_pages("plan")] == [
        (1, 0.97, False, 0.0),
        (2, 0.98, True, 0.004),
    ]
    assert store.page_image("plan", 2) == b"\xff\xd8page2"
    assert store.page_image("plan", 3) is None
    store.remove_document("plan")
    assert store.scanned_pages("plan") == []
    assert store._db.execute("SELECT count(*) FROM clause_boxes").fetchone()[0] == 0


def test_a_store_made_before_scans_gains_their_tables_on_open(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with ClauseStore(path) as old:
        old.put_document(make_document())
        old._db.execute("DROP TABLE scanned_pages")
        old._db.execute("DROP TABLE clause_boxes")
    with ClauseStore(path) as reopened:
        assert [s.clause.boxes for s in reopened.clauses("plan")] == [(), (), (), ()]
        reopened.put_document(dataclasses.replace(_scanned_document(), doc_id="scan"))
        assert len(reopened.scanned_pages("scan")) == 2
