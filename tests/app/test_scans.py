"""Scanned documents through the services, the CLI and the UI: OCR progress, summaries, page images."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from app_paths import SMALL_DOC
from PIL import Image
from render import render_pdf
from reportlab.lib.pagesizes import A5
from scan import cjk_font_installed, scan
from ui_fixtures import app_opener

from app.cli import main, ocr_summary
from app.services import IngestOutcome, KnowledgeBase
from app.ui import scans as scan_view
from ingest.model import Box, OcrLine, Page, PageScan, RawDocument
from ingest.pipeline import parse_raw
from ingest.read_options import DEFAULT_OCR_SETTINGS

FLOOR = DEFAULT_OCR_SETTINGS.confidence_floor
needs_cjk_font = pytest.mark.skipif(
    not cjk_font_installed(),
    reason="no CJK font for PDFium to draw the test pages (fonts-wqy-microhei; tests/system_setup.py)",
)


@pytest.fixture(scope="module")
def scanned_plan() -> bytes:
    """SMALL_DOC typeset on one A5 page and scanned: an image-only PDF."""
    if not cjk_font_installed():
        pytest.skip("no CJK font for PDFium to draw the test pages (fonts-wqy-microhei)")
    paragraphs = [line for line in SMALL_DOC.splitlines() if line.strip()]
    return scan(render_pdf(paragraphs, chars_per_line=22, footer="", pagesize=A5))  # A5: half the OCR


# ---- pure helpers ---------------------------------------------------------------------------------


def test_ocr_summaries_name_the_pages_to_check() -> None:
    scans = (
        PageScan(1, 0.99, False),
        PageScan(2, 0.98, False),
        PageScan(3, 0.61, True),
        PageScan(5, 0.97, False),
    )
    outcome = IngestOutcome("scan.pdf", "added", "scan", 4, 2, None, scans=scans)
    assert ocr_summary(outcome) == (
        "scan.pdf: OCR read page(s) 1, 2, 3, 5, mean confidence 0.89;"
        f" CHECK page(s) 3 against the scan (confidence under {FLOOR:.2f} or a noisy scan)"
    )
    assert scan_view.ocr_note(scans, FLOOR) == (
        f"第1–3、5页为扫描件，经OCR识别，平均置信度0.89；第3页识别置信度低于{FLOOR:.2f}或扫描件噪点多，"
        "请对照原件核对。"
    )
    assert scan_view.ocr_note((), FLOOR) == ""


def _page_jpeg(width: int = 600, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_clause_is_outlined_on_its_page_and_cropped_to_it() -> None:
    boxes = [Box(1, 0.1, 0.50, 0.9, 0.55), Box(1, 0.1, 0.56, 0.5, 0.60)]
    marked = Image.open(io.BytesIO(scan_view.mark_boxes(_page_jpeg(), boxes)))
    assert marked.size == (600, int(0.64 * 800) - int(0.46 * 800))  # the boxes plus their context
    red = scan_view.MARK_COLOUR
    assert marked.getpixel((60, int(0.04 * 800))) == red  # the top-left corner of the first box
    assert marked.getpixel((300, 5)) == (255, 255, 255)


# ---- services and CLI: a real scan ----------------------------------------------------------------


@needs_cjk_font
def test_ingest_ocrs_the_scan_reports_pages_and_skips_it_when_unchanged(
    hash_kb: KnowledgeBase, scanned_plan: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_plan)
    stages: list[tuple[str, int, int]] = []
    [outcome] = hash_kb.ingest([path], lambda stage, done, total: stages.append((stage, done, total)))
    assert (outcome.status, outcome.clauses, outcome.attributions) == ("added", 4, 2)
    assert ("scan.pdf OCR", 0, 1) in stages and ("scan.pdf OCR", 1, 1) in stages
    assert outcome.ocr_pages == (1,) and outcome.review_pages == ()
    assert outcome.ocr_confidence >= FLOOR
    park = hash_kb.store.clauses(outcome.doc_id)[1].clause
    assert park.heading == "建设智慧园区" and [d.printed for d in park.departments("lead")] == [
        "省工业和信息化厅"
    ]
    assert {box.page for box in park.boxes} == {1}
    assert hash_kb.store.page_image(outcome.doc_id, 1).startswith(b"\xff\xd8")
    stages.clear()
    [again] = hash_kb.ingest([path], lambda stage, done, total: stages.append((stage, done, total)))
    assert again.status == "unchanged" and again.ocr_pages == (1,)
    assert not [s for s in stages if s[0].endswith("OCR")]  # not OCR'd a second time


def test_cli_ingest_with_ocr_off_says_how_to_read_a_scan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from render import render_image_only_pdf

    path = tmp_path / "scan.pdf"
    render_image_only_pdf(path)
    code = main(["ingest", str(path), "--ocr", "never", "--index", str(tmp_path / "idx")])
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "scan.pdf: the PDF has no text layer (a scan?); ingest it with --ocr auto to read it by OCR"
    )


# ---- UI --------------------------------------------------------------------------------------------


def _synthetic_scan() -> RawDocument:
    """SMALL_DOC as if OCR had read it from page 1 (boxes one line each), with low confidence."""
    lines = [line for line in SMALL_DOC.splitlines() if line.strip()]
    ocr_lines = tuple(
        OcrLine(text, Box(1, 0.1, 0.1 + 0.05 * i, 0.9, 0.14 + 0.05 * i), 0.6) for i, text in enumerate(lines)
    )
    scanned = PageScan(1, 0.6, True, ocr_lines, _page_jpeg())
    return RawDocument("scan.pdf", "pdf", (Page(1, "\n".join(lines), scanned),))


def test_the_answer_shows_where_a_scanned_clause_is_and_warns_of_low_confidence(
    hash_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    hash_kb.store.put_document(parse_raw(_synthetic_scan(), "synthetic"))
    hash_kb.build()
    at = app_opener(hash_kb, monkeypatch)(q="智慧园区建设由哪个部门牵头？")
    assert not at.exception, [e.value for e in at.exception]
    [expander] = [e for e in at.expander if e.label.startswith("本条款来自扫描件")]
    assert [type(c).__name__ for c in expander.children.values()] == ["Warning", "Image"]  # page, outlined
    assert any("第1页的OCR结果可能有误（识别置信度0.60，扫描件噪点占比0.00%）" in w.value for w in at.warning)
    library = app_opener(hash_kb, monkeypatch)()
    library.switch_page("views/library.py").run()
    assert library.dataframe[0].value.iloc[0]["扫描件"] == scan_view.ocr_note([PageScan(1, 0.6, True)], FLOOR)


@needs_cjk_font
def test_uploading_a_scan_reports_its_ocr_pages(
    hash_kb: KnowledgeBase, scanned_plan: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_opener(hash_kb, monkeypatch)("library")
    at.file_uploader[0].set_value([("扫描件.pdf", scanned_plan, "application/pdf")])
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    [message] = [m.value for m in at.success]
    assert message.startswith("扫描件.pdf：已导入，4 个条款，2 处分工。第1页为扫描件，经OCR识别，平均置信度")
