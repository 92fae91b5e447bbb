"""Legacy Word (.doc), WPS (.wps) and RTF: converted to DOCX by headless LibreOffice, then read as DOCX.

The conversion runs in a fresh temporary folder with its own LibreOffice profile (so parallel or
earlier LibreOffice instances never block it), is bounded by ``Limits.convert_timeout_seconds``
(the whole process group is killed past it) and leaves nothing behind. Without LibreOffice the
error says what to install.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import INSTALL_LIBREOFFICE, ConversionFailed, ConverterMissing, IngestError
from ingest.model import RawDocument
from ingest.read_options import DEFAULT_READ_OPTIONS, ReadOptions
from ingest.readers import docx

# Where LibreOffice lives when it is not on PATH (Debian, the upstream .deb and tarball layouts).
SOFFICE_NAMES = ("soffice", "libreoffice")
SOFFICE_PATHS = ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
# The file name LibreOffice is given: its type detection reads the content, the suffix is a hint.
SUFFIXES = {"doc": ".doc", "wps": ".doc", "rtf": ".rtf"}
LABELS = {"doc": "Word 97-2003 (.doc)", "wps": "WPS (.wps)", "rtf": "RTF"}
REASON_CHARS = 200  # of LibreOffice's own message, kept in ours


def read(
    data: bytes, source: str, options: ReadOptions = DEFAULT_READ_OPTIONS, *, kind: str = "doc"
) -> RawDocument:
    """Read a file of ``kind`` (doc, wps or rtf, as ``ingest.readers.sniff`` found it)."""
    converted = to_docx(data, source, kind, options.limits.convert_timeout_seconds)
    try:
        raw = docx.read(converted, source)
    except IngestError as err:
        raise ConversionFailed(
            source, f"LibreOffice's DOCX of the {LABELS[kind]} file: {err.reason}"
        ) from None
    return dataclasses.replace(raw, format=kind)


def find_soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in SOFFICE_PATHS if os.access(path, os.X_OK)), None)


def to_docx(data: bytes, source: str, kind: str, timeout: float) -> bytes:
    """The DOCX LibreOffice makes of ``data`` (a file of ``kind``: doc, wps or rtf)."""
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissing(source, f"a {LABELS[kind]} document: {INSTALL_LIBREOFFICE}")
    with tempfile.TemporaryDirectory(prefix="policykb-convert-") as folder:
        work = Path(folder)
        document = work / f"document{SUFFIXES[kind]}"
        document.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(document),
        ]
        reason = _run(command, work, source, timeout)
        produced = work / "out" / "document.docx"
        if not produced.is_file():
            detail = f" ({reason[:REASON_CHARS]})" if reason else ""
            raise ConversionFailed(source, f"LibreOffice could not convert the {LABELS[kind]} file{detail}")
        return produced.read_bytes()


def _run(command: list[str], work: Path, source: str, timeout: float) -> str:
    """Run LibreOffice in its own process group; kill the group past ``timeout``. Its error line."""
    env = {**os.environ, "HOME": str(work)}  # LibreOffice also writes under HOME
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as err:
        raise ConversionFailed(source, f"LibreOffice could not be started ({err.strerror or err})") from None
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionFailed(
            source, f"LibreOffice did not finish converting within {timeout:g} s"
        ) from None
    return _reason(stderr.decode("utf-8", "replace"))


def _reason(stderr: str) -> str:
    """The line of LibreOffice's stderr that says what went wrong (it also warns about Java, fonts …)."""
    lines = [" ".join(line.split()) for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines or [""])[-1]
