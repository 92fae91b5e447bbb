"""Where policykb keeps its index directory when the user names none."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "policykb"


def default_index_dir(environ: dict[str, str] | None = None) -> Path:
    """``$POLICYKB_INDEX``, else ``$XDG_DATA_HOME/policykb``, else ``~/.local/share/policykb``."""
    env = os.environ if environ is None else environ
    if env.get("POLICYKB_INDEX"):
        return Path(env["POLICYKB_INDEX"]).expanduser()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / APP_DIR_NAME


def resolve_index_dir(index_dir: Path | str | None) -> Path:
    return Path(index_dir).expanduser() if index_dir else default_index_dir()
