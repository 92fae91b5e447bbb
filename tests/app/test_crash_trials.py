"""One trial of tests/crash_trials.py in ``make test``: SIGKILL during an index build (the 20-trial
run of both phases is `.venv/bin/python tests/crash_trials.py`). Its assertions hold for any moment
of the kill, so the test does not depend on timing."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crash_trials


def test_a_kill_during_the_build_loses_nothing_and_leaves_nothing() -> None:
    (trial,) = crash_trials.run(1, seed=0, phases=("build",))
    assert (trial.phase, trial.signal, trial.stored_at_kill) == ("build", "KILL", crash_trials.DOCUMENTS)
