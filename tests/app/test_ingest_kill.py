"""An ingest killed with SIGKILL leaves a consistent store, and a rerun completes the batch."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from app_paths import ROOT, SMALL_DOC

from app.services import SLEEP_HOOK_ENV, STORE_FILE
from index.store import ClauseStore
from ingest.pipeline import parse_file

pytestmark = pytest.mark.slow
WAIT_SECONDS = 180
POLL_SECONDS = 0.05
TOPICS = ("冷链物流", "航空物流", "数字物流", "港口物流", "铁路物流", "城乡物流", "快递物流", "应急物流")


def write_batch(folder: Path, count: int) -> list[Path]:
    """``count`` small documents that differ in content (so none is "unchanged" by accident)."""
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"doc{i:02d}.txt"
        path.write_text(SMALL_DOC.replace("冷链物流", TOPICS[i % len(TOPICS)] + str(i)), encoding="utf-8")
        paths.append(path)
    return paths


def start_ingest(folder: Path, index_dir: Path, **env: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "app.cli", "ingest", str(folder), "--index", str(index_dir)]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> bool:
    """SIGKILL ``process`` as soon as ``ready()``; False if it finished first."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(POLL_SECONDS)
    process.wait(timeout=WAIT_SECONDS)
    return False


def stored_documents(index_dir: Path) -> int:
    path = index_dir / STORE_FILE
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is being created
        return 0


def assert_store_consistent(index_dir: Path, folder: Path) -> int:
    """SQLite intact, no orphans, and every stored document complete. Returns the document count."""
    with sqlite3.connect(index_dir / STORE_FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = db.execute(
            "SELECT count(*) FROM clauses WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        )
        assert orphans.fetchone()[0] == 0
    with ClauseStore(index_dir / STORE_FILE) as store:
        documents = store.documents()
        for doc in documents:
            parsed = parse_file(folder / doc.source)
            assert doc.clause_count == len(parsed.clauses)
            assert doc.attribution_count == sum(len(c.attributions) for c in parsed.clauses)
            assert len(store.clauses(doc.doc_id)) == len(parsed.clauses)
    return len(documents)


def rerun_completes(folder: Path, index_dir: Path, expected: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", str(folder), "--index", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=WAIT_SECONDS,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert assert_store_consistent(index_dir, folder) == expected
    asked = subprocess.run(
        [sys.executable, "-m", "app.cli", "ask", "智慧园区谁牵头？", "--index", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=WAIT_SECONDS,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith("牵头单位：省工业和信息化厅。")


def test_killed_between_documents(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "batch", tmp_path / "index"
    write_batch(folder, 6)
    process = start_ingest(folder, index_dir, **{SLEEP_HOOK_ENV: "1.5"})
    assert kill_when(process, lambda: stored_documents(index_dir) >= 2), "ingest finished before the kill"
    stored = assert_store_consistent(index_dir, folder)
    assert 2 <= stored < 6
    rerun_completes(folder, index_dir, 6)


def test_killed_while_building_the_index(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "batch", tmp_path / "index"
    write_batch(folder, 12)
    process = start_ingest(folder, index_dir)
    if not kill_when(process, lambda: any(index_dir.glob("search.*"))):  # build_indexes' work folder
        pytest.skip("the build finished before the test could kill it")
    assert assert_store_consistent(index_dir, folder) == 12
    rerun_completes(folder, index_dir, 12)
