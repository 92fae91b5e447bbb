"""Kill an ingest at random moments and check that nothing is lost, half-written or left behind.

    .venv/bin/python tests/crash_trials.py [--trials 20] [--seed S]     # issue 9: 20 of each phase

Each trial starts an ingest of a batch of small documents in a child process (the services with the
deterministic CharEmbedder, so a trial takes seconds, not the e5 model's minutes), and kills it with
SIGKILL (every other trial SIGTERM) either at a random moment of the whole ingest ("ingest") or at a
random moment after its index build started ("build": the build's ``search.<token>`` folder exists).
Then, whatever the moment:

- ``PRAGMA integrity_check`` is ok, no clause without its document, and every stored document is
  complete (its clause and attribution counts are those of the file parsed again);
- ``ask`` answers from one revision or fails with one clear line (index missing, stale, rebuilt);
- re-running the ingest completes the batch and ``ask`` answers right;
- no ``search.*`` folder but the live index and no ``.part`` file is left.

The moments are random, the assertions hold for every moment: nothing here waits on a timeout to
decide a result. ``tests/app/test_crash_trials.py`` runs one trial of each phase in ``make test``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for path in (str(ROOT), str(TESTS), str(TESTS / "app")):
    if path not in sys.path:
        sys.path.insert(0, path)

from app_paths import SMALL_DOC  # noqa: E402  (tests/app/app_paths.py: the small plan)
from char_embedder import CharEmbedder  # noqa: E402

from app.services import SLEEP_HOOK_ENV, STORE_FILE, KnowledgeBase, ServiceError  # noqa: E402
from index.store import ClauseStore  # noqa: E402
from ingest.pipeline import parse_file  # noqa: E402

QUESTION = "智慧园区谁牵头？"
ANSWER = "牵头单位：省工业和信息化厅。"
DOCUMENTS = 8
POLL_SECONDS = 0.01
# The child: the services' ingest of a folder, SIGTERM unwinding as in `policykb` (app.cli._terminate).
CHILD = """
import signal, sys
from pathlib import Path
sys.path[:0] = [{root!r}, {tests!r}]
from char_embedder import CharEmbedder
from app import cli
from app.services import KnowledgeBase
signal.signal(signal.SIGTERM, cli._terminate)
print("ready", flush=True)
KnowledgeBase.open(Path({index!r}), embedder_factory=CharEmbedder).ingest([Path({folder!r})])
"""


@dataclass(frozen=True)
class Trial:
    phase: str  # ingest | build
    signal: str  # KILL | TERM
    killed_after: float  # seconds after the child said ready; reported, never asserted
    returncode: int  # -9 killed, 143 SIGTERM unwound, 0 finished before the signal
    stored_at_kill: int  # documents in the store right after the kill
    ask_after_kill: str  # the answer's first line, or the one-line error


def write_batch(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(DOCUMENTS):
        path = folder / f"doc{i:02d}.txt"
        path.write_text(SMALL_DOC.replace("冷链物流", f"第{i}类物流"), encoding="utf-8")
        paths.append(path)
    return paths


def building(index_dir: Path) -> bool:
    """A build's work folder exists (any search.* that is not the live index)."""
    link = index_dir / "search"
    live = link.resolve() if link.is_symlink() else None
    return any(p.is_dir() and p.resolve() != live for p in index_dir.glob("search.*"))


def run_trial(workdir: Path, phase: str, sig: signal.Signals, rng: random.Random) -> Trial:
    folder, index_dir = workdir / "batch", workdir / "index"
    write_batch(folder)
    code = CHILD.format(root=str(ROOT), tests=str(TESTS), index=str(index_dir), folder=str(folder))
    # In the ingest phase documents are stored 0.2 s apart, so a random moment often falls among them.
    env = {**os.environ, SLEEP_HOOK_ENV: "0.2"} if phase == "ingest" else dict(os.environ)
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert child.stdout is not None and child.stdout.readline() == b"ready\n"
    started = time.monotonic()
    if phase == "ingest":
        time.sleep(rng.uniform(0, 3.0))  # somewhere in parsing, storing or building
    else:
        while child.poll() is None and not building(index_dir):
            time.sleep(POLL_SECONDS)
        time.sleep(rng.uniform(0, 0.3))  # somewhere in the build
    child.send_signal(sig)
    child.wait()
    killed_after, returncode = time.monotonic() - started, child.returncode
    # Killed (-9), unwound by SIGTERM (143), done before the signal came (0), or SIGTERM during the
    # interpreter's exit, when Python has put the default handler back (-15): never a crash (1).
    assert returncode in (-signal.SIGKILL, 128 + signal.SIGTERM, -signal.SIGTERM, 0), returncode
    stored = check_store(index_dir, folder)
    after_kill = ask_line(index_dir)
    assert after_kill.startswith(ANSWER) or after_kill.startswith("error: "), after_kill
    # Recovery: the same ingest again completes the batch, and leaves nothing behind.
    kb = KnowledgeBase.open(index_dir, embedder_factory=CharEmbedder)
    outcomes = kb.ingest([folder])
    kb.close()
    assert {o.status for o in outcomes} <= {"added", "replaced", "unchanged"}, outcomes
    assert check_store(index_dir, folder) == DOCUMENTS
    assert ask_line(index_dir).startswith(ANSWER)
    leftovers = [
        p.name for p in index_dir.glob("search.*") if p.resolve() != (index_dir / "search").resolve()
    ]
    parts = [p.name for p in index_dir.rglob("*.part")]
    assert leftovers == [] and parts == [], (leftovers, parts)
    return Trial(
        phase, sig.name.removeprefix("SIG"), round(killed_after, 2), returncode, stored, after_kill[:60]
    )


def check_store(index_dir: Path, folder: Path) -> int:
    """Integrity, no orphans, every stored document whole. Returns the number of documents."""
    path = index_dir / STORE_FILE
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "clauses" not in tables:  # killed while the schema was being created: nothing stored
            return 0
        orphans = db.execute(
            "SELECT count(*) FROM clauses WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        )
        assert orphans.fetchone()[0] == 0
    with ClauseStore(path) as store:
        documents = store.documents()
        for doc in documents:
            parsed = parse_file(folder / doc.source)
            assert doc.clause_count == len(parsed.clauses) == len(store.clauses(doc.doc_id)), doc.doc_id
            assert doc.attribution_count == sum(len(c.attributions) for c in parsed.clauses), doc.doc_id
    return len(documents)


def ask_line(index_dir: Path) -> str:
    """The answer's text, or ``error: `` and the one-line message ask gives instead."""
    try:
        kb = KnowledgeBase.open(index_dir, create=False, embedder_factory=CharEmbedder)
    except ServiceError as exc:
        return f"error: {exc}"
    try:
        return kb.ask(QUESTION).text
    except ServiceError as exc:
        message = str(exc)
        assert "\n" not in message and message, message
        return f"error: {message}"
    finally:
        kb.close()


def run(trials: int, seed: int | None = None, phases: tuple[str, ...] = ("ingest", "build")) -> list[Trial]:
    rng = random.Random(seed)
    results = []
    for phase in phases:
        for n in range(trials):
            sig = signal.SIGKILL if n % 2 == 0 else signal.SIGTERM
            with tempfile.TemporaryDirectory(prefix="policykb-crash-") as workdir:
                results.append(run_trial(Path(workdir), phase, sig, rng))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="trials per phase (default 20)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    started = time.monotonic()
    results = run(args.trials, args.seed)
    for r in results:
        when = f"after {r.killed_after:5.2f}s rc {r.returncode:4}"
        print(f"{r.phase:6} SIG{r.signal:4} {when}  stored {r.stored_at_kill}  ask: {r.ask_after_kill}")
    survived = len(results)
    print(f"{survived} trials survived ({args.trials} per phase) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
