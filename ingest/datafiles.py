"""Reading the knowledge files under ``ingest/data/`` (TOML, or one entry per line with # comments)."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def read_toml(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("ingest.data").joinpath(name).read_text("utf-8"))


def read_lines(name: str) -> list[str]:
    """The non-blank lines of a list file, without comment lines."""
    text = resources.files("ingest.data").joinpath(name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
