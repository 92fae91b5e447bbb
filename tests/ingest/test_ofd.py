"""OFD files written by tests/ingest/ofd_writer.py read back exactly as the same pages typeset as PDF."""

from __future__ import annotations

import dataclasses
import io
import random
import zipfile

import pytest
from ofd_writer import MODES, render_ofd
from render import PAGE_BREAK, render_docx, render_pdf, render_zip
from test_pdf_equivalence import PLAN, clause_view, typeset_plan
from test_pdf_render import EXPECTED_TEXT, HEADER, LINES

from ingest.clean import clean_document
from ingest.errors import CorruptFile, FileTooLarge, IngestError, NoTextLayer, TooManyPages, UnsupportedFormat
from ingest.pipeline import parse_bytes
from ingest.read_options import DEFAULT_LIMITS, ReadOptions
from ingest.readers import read_bytes, sniff


def limited(**limits: int) -> ReadOptions:
    return ReadOptions(limits=dataclasses.replace(DEFAULT_LIMITS, **limits))


def test_sniffer_tells_ofd_from_docx_and_other_zips():
    assert sniff(render_ofd(["一、总体要求"])) == "ofd"
    assert sniff(render_docx(["一、总体要求"])) == "docx"
    with pytest.raises(UnsupportedFormat) as err:
        sniff(render_zip(), "archive.zip")
    assert str(err.value) == "archive.zip: a zip archive but not a DOCX or OFD document"


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "objects-reversed"])
@pytest.mark.parametrize("mode", MODES)
def test_text_lines_pages_and_header_as_from_the_pdf(mode, reverse):
    """One object per line, several per line, one per glyph; objects in file order or reversed."""
    raw = read_bytes(render_ofd(LINES, header=HEADER, mode=mode, reverse_objects=reverse), "plan.ofd")
    pdf = clean_document(read_bytes(render_pdf(LINES, header=HEADER), "plan.pdf"))
    clean = clean_document(raw)
    assert raw.format == "ofd"
    assert [page.number for page in raw.pages] == [1, 2, 3]
    assert clean.text == EXPECTED_TEXT
    assert (clean.page_starts, clean.page_numbers) == (pdf.page_starts, pdf.page_numbers)
    assert clean.front_matter == (HEADER,)  # the template page's header, on page 1 the letterhead


def test_the_plan_as_ofd_gives_the_clauses_of_its_text():
    from_text = parse_bytes(PLAN.read_bytes(), PLAN.name)
    data = typeset_plan(render_ofd, from_text, mode="glyphs")
    from_ofd = parse_bytes(data, "plan.ofd")
    assert clause_view(from_ofd) == clause_view(from_text)
    assert len({c.page_start for c in from_ofd.clauses}) > 5
    assert (from_ofd.clauses[0].path, from_ofd.clauses[0].page_start) == ("一、", 1)


APPENDIX_LINES = [
    "关于印发测试方案的通知",
    "各市人民政府，省政府各部门：",
    "现将《测试方案》印发给你们，请认真贯彻执行。",
    "附件：测试方案重点任务分工",
    "测试省人民政府",
    "2024年3月1日",
    PAGE_BREAK,
    "一、重点任务",
    "（一）建设数字基础设施。加快５G基站建设。（省通信管理局、省",
    "工业和信息化厅牵头，省有关部门配合）",
    "（二）推动产业升级。（省发展改革委牵头，省财政厅配合）",
    PAGE_BREAK,
    "附件",
    "测试方案重点任务分工",
    "1．建设数字基础设施。（省大数据局牵头）",
    "2．推动产业升级。（省工业和信息化厅负责）",
]


def test_a_document_with_an_appendix():
    """A 印发 notice, the plan, and its 附件 on a page of its own: the appendix's items are clauses
    under 附件 on their page, as for a PDF."""
    from_pdf = parse_bytes(render_pdf(APPENDIX_LINES, header=HEADER), "notice.pdf")
    from_ofd = parse_bytes(render_ofd(APPENDIX_LINES, header=HEADER, mode="split"), "notice.ofd")
    assert clause_view(from_ofd) == clause_view(from_pdf)
    assert from_ofd.clean.text == from_pdf.clean.text
    units = {c.path: (c.page_start, [d.canonical for d in c.departments("lead")]) for c in from_ofd.clauses}
    assert units == {
        "一、": (2, []),
        "一、（一）": (2, ["省通信管理局", "省工业和信息化厅"]),
        "一、（二）": (2, ["省发展改革委"]),
        "附件": (3, []),
        "附件 1．": (3, ["省大数据局"]),
        "附件 2．": (3, []),
    }
    second = next(c for c in from_ofd.clauses if c.path == "附件 2．")
    assert [d.canonical for d in second.departments("responsible")] == ["省工业和信息化厅"]
    appendix = from_ofd.clean.text.index("附件\n测试方案重点任务分工")
    assert from_ofd.clean.page_at(appendix) == 3
    assert from_ofd.clean.text.endswith("2．推动产业升级。（省工业和信息化厅负责）")


def test_ofd_without_text_is_one_clear_error():
    data = render_ofd([""], footer="")
    with pytest.raises(NoTextLayer) as err:
        read_bytes(data, "scan.ofd")
    assert str(err.value) == (
        "scan.ofd: the OFD has no text (a scanned OFD?); export it as PDF and ingest that"
    )


def test_limits_fail_fast_with_one_line_each():
    data = render_ofd(LINES, header=HEADER, mode="glyphs")
    with pytest.raises(TooManyPages) as err:
        read_bytes(data, "a.ofd", limited(max_pages=2))
    assert str(err.value) == "a.ofd: the OFD has 3 pages, more than the limit of 2"
    with pytest.raises(FileTooLarge) as err:
        read_bytes(data, "a.ofd", limited(max_text_runs_per_page=100))
    assert str(err.value).startswith("a.ofd: page 1 of the OFD has ")
    assert str(err.value).endswith(" text pieces, more than the limit of 100")
    with pytest.raises(FileTooLarge) as err:
        read_bytes(data, "a.ofd", limited(max_unpacked_bytes=1000))
    assert str(err.value).startswith("a.ofd: the OFD unpacks to ")
    with pytest.raises(FileTooLarge) as err:
        read_bytes(data, "a.ofd", limited(max_zip_entries=3))
    assert str(err.value) == "a.ofd: the OFD has 7 parts, more than the limit of 3"


def _replace_part(data: bytes, name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, text if info.filename == name else source.read(info))
    return buffer.getvalue()


def test_entity_declarations_and_broken_xml_are_refused():
    data = render_ofd(LINES)
    bomb = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">]><ofd:Page>&a;</ofd:Page>'
    page = "Doc_0/Pages/Page_0/Content.xml"
    with pytest.raises(CorruptFile) as err:
        read_bytes(_replace_part(data, page, bomb), "bomb.ofd")
    assert str(err.value) == (
        f"bomb.ofd: the OFD cannot be read safely ({page}: DTDs and entity declarations are not allowed)"
    )
    with pytest.raises(CorruptFile) as err:
        read_bytes(_replace_part(data, page, "<ofd:Page><ofd:Content>"), "cut.ofd")
    assert str(err.value).startswith(f"cut.ofd: the OFD is damaged and cannot be read ({page}: invalid XML")


def test_truncated_and_bit_flipped_ofds_fail_only_with_ingest_errors():
    data = render_ofd(LINES, header=HEADER, mode="split")
    rng = random.Random(11)
    variants = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 25))]
    for _ in range(40):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        variants.append(bytes(flipped))
    failures = 0
    for variant in variants:
        try:
            parse_bytes(variant, "fuzz.ofd")
        except IngestError as err:
            failures += 1
            assert str(err).startswith("fuzz.ofd: ") and "\n" not in str(err)
    assert failures >= 25  # most truncations break the zip: the loop did exercise the error paths
