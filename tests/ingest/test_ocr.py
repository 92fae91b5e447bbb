"""Scanned PDFs: pages rendered with a CJK font, scanned clean and degraded, read back by OCR.

OCR costs seconds a page, so the scans here are few and small: one three-page plan (page 1 clean,
page 2 askew and noisy, page 3 blurred and saved as a poor JPEG) read once for all its tests, and
one-line pages for the error paths. OCR cannot see character widths (２ and 2, （ and ( look
alike), so texts are compared after NFKC folding; department names and clause paths exactly.
Accuracy and speed figures come from tests/ingest/ocr_bench.py, not from here.
"""

from __future__ import annotations

import dataclasses
import io
import os
import random
import socket
import sys

import pytest
from render import render_pdf
from reportlab.pdfgen import canvas
from scan import CLEAN, Degradation, cjk_font_installed, image_pdf, raster, scan
from test_pdf_render import HEADER, LINES

from ingest.errors import IngestError, OcrUnavailable, TooManyPages
from ingest.model import Page
from ingest.pipeline import parse_bytes
from ingest.read_options import DEFAULT_LIMITS, DEFAULT_OCR_SETTINGS, ReadOptions
from ingest.readers import ocr
from ingest.readers.layout import INDENT, Segment, reading_order
from ingest.readers.pdf_ocr import pages_to_ocr, render_page
from ingest.text import fold

needs_cjk_font = pytest.mark.skipif(
    not cjk_font_installed(),
    reason="no CJK font for PDFium to draw the test pages (fonts-wqy-microhei; tests/system_setup.py)",
)
PAGE_DEGRADATIONS = (CLEAN, Degradation(rotate=1.5, noise=0.02, seed=7), Degradation(blur=1.0, jpeg=30))

# ---- reading order and page choice: pure, no OCR ------------------------------------------------


def test_pieces_come_back_as_lines_in_reading_order():
    h = 30.0
    segments = [
        Segment("（省发展改革委牵头）", 520, 100, 800, 100 + h),  # line 2's right half, listed first
        Segment("（一）实施百县图强计划。", 100, 102, 500, 102 + h),
        Segment("一、重点任务", 100, 50, 280, 50 + h),
        Segment("各市要建立工作机制，协调解决遇到的困难问题。", 160, 150, 800, 150 + h),  # indented 2 chars
        Segment("统筹推进县域经济高质量发展，形成一批强县。", 100, 175, 790, 175 + h),
        Segment("PDF", 100, 200, 150, 200 + h),
        Segment("OFD", 170, 200, 220, 200 + h),
        Segment("一、重点任务", 100.1, 50, 280, 50 + h),  # drawn twice (fake bold)
    ]
    assert [line.text for line in reading_order(segments, indent_chars=1.5)] == [
        "一、重点任务",
        "（一）实施百县图强计划。（省发展改革委牵头）",
        f"{INDENT}各市要建立工作机制，协调解决遇到的困难问题。",
        "统筹推进县域经济高质量发展，形成一批强县。",
        "PDF OFD",
    ]


def test_which_pages_are_ocred_in_each_mode():
    pages = [Page(1, "一、总体要求" * 5), Page(2, ""), Page(3, "— 3 —"), Page(4, "扫描全能王 创建")]
    assert pages_to_ocr(pages, "auto", min_text_chars=10) == [2, 3, 4]
    assert pages_to_ocr(pages, "always", min_text_chars=10) == [1, 2, 3, 4]
    assert pages_to_ocr(pages, "never", min_text_chars=10) == []


def test_a_range_dash_read_as_yi_is_corrected():
    fixes = DEFAULT_OCR_SETTINGS.fixes
    assert ocr.corrected("2023一2025年，一是加强统筹，1一2个", fixes) == "2023-2025年，一是加强统筹，1-2个"


def test_an_absurd_page_size_is_rendered_within_the_pixel_limit():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(14400, 14400))  # 200 x 200 inches, PDF's largest page
    pdf.showPage()
    pdf.save()
    image = render_page(buffer.getvalue(), "huge.pdf", 1, DEFAULT_OCR_SETTINGS, DEFAULT_LIMITS)
    assert image.width * image.height <= DEFAULT_LIMITS.max_page_pixels
    assert image.width > 2000  # scaled down, not to nothing


# ---- the scanned plan, OCR'd once -----------------------------------------------------------------


def folded_clauses(document) -> list[tuple]:
    return [
        (
            fold(c.path),
            fold(c.heading),
            fold(c.text),
            tuple(d.printed for d in c.departments("lead")),
            tuple(d.printed for d in c.departments("cooperate")),
            c.generic,
            tuple(fold(a.raw) for a in c.attributions),
            tuple((fold(t.metric), fold(t.value), t.unit, t.year) for t in c.targets),
            (c.page_start, c.page_end),
        )
        for c in document.clauses
    ]


@pytest.fixture(scope="module")
def typeset() -> bytes:
    return render_pdf(LINES, header=HEADER)


@pytest.fixture(scope="module")
def scanned(typeset):
    if not cjk_font_installed():
        pytest.skip("no CJK font for PDFium to draw the test pages (fonts-wqy-microhei)")
    calls: list[tuple[int, int]] = []
    data = scan(typeset, PAGE_DEGRADATIONS)
    options = ReadOptions(progress=lambda done, total: calls.append((done, total)))
    document = parse_bytes(data, "scan.pdf", options)
    return data, document, calls


@needs_cjk_font
def test_a_scanned_plan_gives_the_clauses_and_attributions_of_its_text(typeset, scanned):
    _, from_scan, _ = scanned
    from_text = parse_bytes(typeset, "plan.pdf")
    assert folded_clauses(from_scan) == folded_clauses(from_text)
    first = from_scan.clauses[2]  # （一）, split over pages 1 and 2, as is its attribution
    assert (first.path, first.page_start, first.page_end) == ("二、（一）", 1, 2)
    assert [d.printed for d in first.departments("lead")] == ["省工业和信息化厅", "省农业农村厅"]
    assert first.generic == ("省有关部门",)


@needs_cjk_font
def test_every_clause_keeps_the_boxes_it_was_read_from(scanned):
    _, document, _ = scanned
    for clause in document.clauses:
        assert clause.boxes, clause.path
        assert {box.page for box in clause.boxes} == set(range(clause.page_start, clause.page_end + 1))
        for box in clause.boxes:
            assert 0 <= box.left < box.right <= 1 and 0 <= box.top < box.bottom <= 1
    first = document.clauses[2]  # its four lines: three at the foot of page 1, one at the top of page 2
    assert [box.page for box in first.boxes] == [1, 1, 1, 2]
    assert all(a.top < b.top for a, b in zip(first.boxes, first.boxes[1:3], strict=False))


@needs_cjk_font
def test_ocr_pages_progress_and_confidence(scanned):
    _, document, calls = scanned
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert [s.number for s in document.scans] == [1, 2, 3]
    settings = DEFAULT_OCR_SETTINGS
    assert all(s.confidence >= settings.confidence_floor for s in document.scans)  # sure of itself …
    # … but page 2 is speckled (2% salt and pepper), where small marks get lost: it is flagged.
    assert [s.noise > settings.max_noise for s in document.scans] == [False, True, False]
    assert [s.flagged for s in document.scans] == [False, True, False]
    assert all(s.image.startswith(b"\xff\xd8") for s in document.scans)  # a JPEG of each page


@needs_cjk_font
def test_too_many_pages_to_ocr_fail_before_any_ocr(scanned):
    data, _, _ = scanned
    options = ReadOptions(limits=dataclasses.replace(DEFAULT_LIMITS, max_ocr_pages=2))
    with pytest.raises(TooManyPages) as err:
        parse_bytes(data, "scan.pdf", options)
    assert str(err.value) == "scan.pdf: 3 pages of the PDF need OCR, more than the limit of 2; split the file"


# ---- one-line scans: no network, low confidence, no engine, damaged files --------------------------


def small_scan(*lines: str) -> bytes:
    """``lines`` on a small page, scanned (no side under 736 px, so OCR does not upscale it)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(400, 360))
    pdf.setFont("STSong-Light", 14)
    for i, line in enumerate(lines):
        pdf.drawString(20, 300 - 26 * i, line)
    pdf.showPage()
    pdf.save()
    return image_pdf(raster(buffer.getvalue()))


@pytest.fixture(scope="module")
def one_line() -> bytes:
    if not cjk_font_installed():
        pytest.skip("no CJK font for PDFium to draw the test pages (fonts-wqy-microhei)")
    return small_scan("一、总体要求（省科技厅牵头）")


@needs_cjk_font
def test_a_line_of_one_bracket_is_joined_to_its_attribution():
    document = parse_bytes(small_scan("一、总体要求。加强统筹。（省科技厅牵头", "）"), "wrapped.pdf")
    [clause] = document.clauses
    assert fold(clause.text) == fold("一、总体要求。加强统筹。（省科技厅牵头）")
    assert [d.printed for d in clause.departments("lead")] == ["省科技厅"]


@needs_cjk_font
def test_ink_that_no_detected_line_covers_is_read_by_the_recogniser():
    import numpy as np

    settings = DEFAULT_OCR_SETTINGS
    image = render_page(small_scan("（省科技厅牵头", "）"), "s.pdf", 1, settings, DEFAULT_LIMITS).convert(
        "RGB"
    )
    pixels = np.asarray(image)
    engine = ocr._engine(settings, "s.pdf")
    found = engine(pixels, use_det=True, use_cls=True, use_rec=True)
    detected = [
        ocr._segment(t, q, p) for t, q, p in zip(found.txts, found.boxes.tolist(), found.scores, strict=True)
    ]
    first_line = [s for s in detected if "省科技厅" in s.text]  # as if the detector had missed the ）
    missed = ocr.read_missed_lines(engine, pixels, ocr.ink_mask(image), first_line, settings)
    assert [fold(s.text) for s in missed] == [")"]
    assert missed[0].top > first_line[0].bottom - 5  # below the first line, where the ） is printed


def test_ocr_loads_and_reads_without_the_network(one_line, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("OCR tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ocr._load_engine.cache_clear()  # load the models now, with the network refused
    floor = dataclasses.replace(DEFAULT_OCR_SETTINGS, confidence_floor=1.01)  # nothing can pass it
    document = parse_bytes(one_line, "line.pdf", ReadOptions(ocr_settings=floor))
    assert [fold(c.text) for c in document.clauses] == [fold("一、总体要求（省科技厅牵头）")]
    assert [(s.number, s.flagged) for s in document.scans] == [(1, True)]  # flagged for review


def test_ocr_without_its_engine_is_one_clear_error(one_line, monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if rapidocr were not installed
    ocr._load_engine.cache_clear()
    try:
        with pytest.raises(OcrUnavailable) as err:
            parse_bytes(one_line, "line.pdf")
    finally:
        ocr._load_engine.cache_clear()
    assert str(err.value) == (
        "line.pdf: the PDF is a scan and OCR is not available (install rapidocr and onnxruntime)"
    )


def test_damaged_scans_fail_only_with_ingest_errors(one_line):
    rng = random.Random(5)
    variants = [one_line[:cut] for cut in (64, len(one_line) // 3, len(one_line) - 40)]
    for _ in range(3):
        flipped = bytearray(one_line)
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        variants.append(bytes(flipped))
    for variant in variants:
        try:
            parse_bytes(variant, "fuzz.pdf")
        except IngestError as err:
            assert str(err).startswith("fuzz.pdf: ") and "\n" not in str(err)


# ---- the whole plan: minutes of OCR, run on request ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("POLICYKB_OCR_FULL"),
    reason="OCRs the whole plan (12 pages, ~1 min): set POLICYKB_OCR_FULL=1 to run it",
)
@needs_cjk_font
def test_the_whole_plan_scanned_gives_the_clauses_of_its_text():
    from test_pdf_equivalence import PLAN, typeset_plan

    pdf = typeset_plan(render_pdf, parse_bytes(PLAN.read_bytes(), PLAN.name))
    typeset = parse_bytes(pdf, "plan.pdf")
    from_scan = parse_bytes(scan(pdf), "scan.pdf")
    assert folded_clauses(from_scan) == folded_clauses(typeset)
