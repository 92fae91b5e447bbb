"""Legacy Word (.doc), WPS and RTF through headless LibreOffice; the failure paths with a stand-in."""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
from pathlib import Path

import pytest
from render import render_docx

from ingest.errors import ConversionFailed, ConverterMissing, IngestError, UnsupportedFormat
from ingest.pipeline import parse_bytes
from ingest.read_options import DEFAULT_LIMITS, ReadOptions
from ingest.readers import OLE_MAGIC, legacy, sniff

SOFFICE = legacy.find_soffice()
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: run tests/system_setup.py as root"
)
BLOCKS = [
    "关于印发测试省数字经济发展方案的通知",
    "各市人民政府，省政府各部门：",
    "一、重点任务",
    "（一）建设数字基础设施。到２０２５年，建成５G基站１５万个。（省通信管理局、省工业和信息化厅牵头，"
    "省有关部门配合）",
    "（二）发展冷链物流。培育冷链物流骨干企业。（责任单位：省商务厅、省交通运输厅）",
    [["序号", "任务", "牵头单位"], ["1", "建设数字基础设施", "省通信管理局"]],
    "二、保障措施",
    "各市要建立工作机制。（省发展改革委牵头）",
]


def ole(*streams: str) -> bytes:
    """Bytes that sniff as an OLE2 compound file holding streams of these names (UTF-16 names)."""
    return OLE_MAGIC + b"\x00" * 504 + b"".join(s.encode("utf-16-le") for s in streams) + b"\x00" * 512


def clause_view(document) -> list[tuple]:
    return [
        (
            c.path,
            c.heading,
            c.text,
            tuple(d.printed for d in c.departments("lead")),
            tuple(d.printed for d in c.departments("cooperate")),
            tuple(d.printed for d in c.departments("responsible")),
            c.generic,
            tuple((t.metric, t.value, t.unit) for t in c.targets),
        )
        for c in document.clauses
    ]


def test_ole_files_are_told_apart_by_their_streams():
    assert sniff(ole("Root Entry", "WordDocument", "1Table")) == "doc"
    assert sniff(ole("Root Entry", "WordDocument", "WpsCustomData")) == "wps"
    assert sniff(b"{\\rtf1\\ansi hello}") == "rtf"
    with pytest.raises(UnsupportedFormat) as err:
        sniff(ole("Root Entry", "Workbook"), "sheet.xls")
    assert (
        str(err.value) == "sheet.xls: an Excel workbook (.xls), not a document: save the text as DOCX or PDF"
    )
    with pytest.raises(UnsupportedFormat) as err:
        sniff(ole("Root Entry"), "mail.msg")
    assert str(err.value) == "mail.msg: an OLE2 compound file but not a Word or WPS document"


def test_without_libreoffice_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    with pytest.raises(ConverterMissing) as err:
        parse_bytes(ole("WordDocument", "WpsCustomData"), "通知.wps")
    assert str(err.value) == (
        "通知.wps: a WPS (.wps) document: install LibreOffice (Debian: apt-get install"
        " libreoffice-writer-nogui) to read it, or save it as DOCX"
    )


def _stand_in(tmp_path: Path, monkeypatch, script: str) -> None:
    """Replace LibreOffice by a shell script."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(legacy, "find_soffice", lambda: str(fake))


def test_a_conversion_that_hangs_is_killed_at_the_timeout(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    _stand_in(tmp_path, monkeypatch, f"echo $$ > {pid_file}\nexec sleep 600\n")
    options = ReadOptions(limits=dataclasses.replace(DEFAULT_LIMITS, convert_timeout_seconds=0.5))
    with pytest.raises(ConversionFailed) as err:
        parse_bytes(ole("WordDocument"), "old.doc", options)
    assert str(err.value) == "old.doc: LibreOffice did not finish converting within 0.5 s"
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left sleeping
        os.kill(int(pid_file.read_text()), 0)


def test_a_conversion_that_writes_nothing_is_one_clear_error(tmp_path, monkeypatch):
    _stand_in(tmp_path, monkeypatch, "echo 'Error: source file could not be loaded' >&2\nexit 0\n")
    with pytest.raises(ConversionFailed) as err:
        parse_bytes(ole("WordDocument"), "old.doc")
    assert str(err.value) == (
        "old.doc: LibreOffice could not convert the Word 97-2003 (.doc) file"
        " (Error: source file could not be loaded)"
    )


@pytest.fixture(scope="module")
def docx_and_doc(tmp_path_factory) -> tuple[bytes, bytes]:
    """The plan as DOCX, and the .doc LibreOffice saves of it (Word 97-2003)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: run tests/system_setup.py as root")
    folder = tmp_path_factory.mktemp("doc")
    docx = render_docx(BLOCKS, folder / "plan.docx")
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(folder),
            str(folder / "plan.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return docx, (folder / "plan.doc").read_bytes()


@needs_soffice
def test_a_doc_made_from_a_docx_gives_its_clauses_and_departments(docx_and_doc):
    docx, doc = docx_and_doc
    assert sniff(doc) == "doc"
    from_doc = parse_bytes(doc, "plan.doc")
    from_docx = parse_bytes(docx, "plan.docx")
    assert from_doc.format == "doc"
    assert clause_view(from_doc) == clause_view(from_docx)
    assert [d.printed for d in from_doc.clauses[1].departments("lead")] == [
        "省通信管理局",
        "省工业和信息化厅",
    ]
    assert from_doc.meta.title == from_docx.meta.title == "关于印发测试省数字经济发展方案的通知"


RTF_PLAN = "\n".join(b for b in BLOCKS if isinstance(b, str))


def rtf(text: str) -> bytes:
    """A minimal RTF document: one paragraph per line, every non-ASCII character as \\uN."""
    body = "\\par\n".join(
        "".join(c if ord(c) < 128 else f"\\u{ord(c) - 65536 if ord(c) > 32767 else ord(c)}?" for c in line)
        for line in text.splitlines()
    )
    return ("{\\rtf1\\ansi\\uc1\n" + body + "\\par\n}").encode("ascii")


@needs_soffice
def test_rtf_gives_the_clauses_of_its_text():
    from_rtf = parse_bytes(rtf(RTF_PLAN), "plan.rtf")
    from_txt = parse_bytes(RTF_PLAN.encode("utf-8"), "plan.txt")
    assert from_rtf.format == "rtf"
    assert clause_view(from_rtf) == clause_view(from_txt)


@needs_soffice
def test_a_damaged_doc_is_one_line_error():
    with pytest.raises(IngestError) as err:
        parse_bytes(ole("Root Entry", "WordDocument") + bytes(range(256)) * 8, "broken.doc")
    assert str(err.value).startswith("broken.doc: ") and "\n" not in str(err.value)
