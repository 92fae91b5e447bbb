"""Real PDFs rendered with reportlab, read with pdfplumber and cleaned: exact text and page offsets."""

from __future__ import annotations

import pytest
from render import PAGE_BREAK, render_image_only_pdf, render_pdf

from ingest.clean import clean_document
from ingest.errors import CorruptFile, EncryptedPdf, NoTextLayer, OcrFoundNoText
from ingest.read_options import ReadOptions
from ingest.readers import read_bytes, read_file

HEADER = "测 试 省 人 民 政 府"
# Lines as printed, about 28 characters wide; the clause （一） and the department 省工业和信息化厅
# are split across the break between page 1 and page 2.
LINES = [
    "关于印发测试省县域经济发展方案的通知",
    "各市人民政府，省政府各部门：",
    "现将方案印发给你们，请结合实际认真贯彻落实。",
    "一、主要目标",
    "到２０２５年，全省县域经济总量明显提升，地区生产总值",
    "年均增长５.２%以上，县域一般公共预算收入稳步提升。",
    "二、重点任务",
    "（一）实施特色强县示范计划。２０２３－２０２４年，围绕",
    "工业、现代农业等领域，分别认定一批特色强县，实施财",
    "政激励政策。（省工业和信息化厅、省农业农村厅、省工业和信息化",
    PAGE_BREAK,
    "厅牵头，省有关部门配合）",
    "（二）实施百县图强计划。以１３６个县（市、区）为主体，",
    "省级统筹、市负主责，推动经济迈上新台阶。（省发展改革委",
    "牵头）",
    PAGE_BREAK,
    "三、组织保障",
    "各市要建立相应工作机制，协调解决县域经济发展中遇到的",
    "困难问题。",
]
EXPECTED_TEXT = "\n".join(
    [
        "关于印发测试省县域经济发展方案的通知",
        "各市人民政府，省政府各部门：",
        "现将方案印发给你们，请结合实际认真贯彻落实。",
        "一、主要目标",
        "到２０２５年，全省县域经济总量明显提升，地区生产总值年均增长５.２%以上，县域一般公共预算收入稳步提升。",
        "二、重点任务",
        "（一）实施特色强县示范计划。２０２３－２０２４年，围绕工业、现代农业等领域，分别认定一批特色强县，"
        "实施财政激励政策。（省工业和信息化厅、省农业农村厅、省工业和信息化厅牵头，省有关部门配合）",
        "（二）实施百县图强计划。以１３６个县（市、区）为主体，省级统筹、市负主责，推动经济迈上新台阶。"
        "（省发展改革委牵头）",
        "三、组织保障",
        "各市要建立相应工作机制，协调解决县域经济发展中遇到的困难问题。",
    ]
)


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    render_pdf(LINES, path, header=HEADER)
    return path


def test_pdfplumber_keeps_pages_header_and_footer(plan_pdf):
    raw = read_file(plan_pdf)
    assert raw.format == "pdf"
    assert [page.number for page in raw.pages] == [1, 2, 3]
    assert raw.pages[1].text.splitlines() == [HEADER, "厅牵头，省有关部门配合）", *LINES[12:15], "— 2 —"]


def test_clean_text_of_rendered_pdf_is_exact(plan_pdf):
    clean = clean_document(read_file(plan_pdf))
    assert clean.text == EXPECTED_TEXT


def test_page_starts_follow_the_page_break_inside_a_clause(plan_pdf):
    clean = clean_document(read_file(plan_pdf))
    page2 = EXPECTED_TEXT.index("厅牵头，省有关部门配合）")
    page3 = EXPECTED_TEXT.index("三、组织保障")
    assert clean.page_numbers == (1, 2, 3)
    assert clean.page_starts == (0, page2, page3)
    assert clean.page_at(EXPECTED_TEXT.index("（一）")) == 1
    assert clean.page_at(EXPECTED_TEXT.index("（二）")) == 2
    assert clean.page_at(len(EXPECTED_TEXT) - 1) == 3


def test_running_header_and_page_numbers_are_gone(plan_pdf):
    clean = clean_document(read_file(plan_pdf))
    assert clean.front_matter == (HEADER,)  # on page 1 the header is the letterhead
    assert HEADER not in clean.text
    assert "— 2 —" not in clean.text
    assert "省工业和信息化厅牵头" in clean.text


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "secret.pdf"
    render_pdf(LINES, path, encrypt="password")
    with pytest.raises(EncryptedPdf) as err:
        read_file(path)
    assert str(err.value) == "secret.pdf: the PDF is encrypted; save an unprotected copy and ingest that"


def test_scanned_pdf_without_text_layer_and_ocr_off(tmp_path):
    path = tmp_path / "scan.pdf"
    render_image_only_pdf(path)
    with pytest.raises(NoTextLayer) as err:
        read_file(path, ReadOptions(ocr="never"))
    assert str(err.value) == (
        "scan.pdf: the PDF has no text layer (a scan?); ingest it with --ocr auto to read it by OCR"
    )


def test_scan_of_pictures_without_text_is_one_clear_error(tmp_path):
    path = tmp_path / "scan.pdf"
    render_image_only_pdf(path)  # a rectangle and a circle: OCR runs and finds no text
    with pytest.raises(OcrFoundNoText) as err:
        read_file(path)
    assert str(err.value) == "scan.pdf: the PDF is a scan and OCR found no text in it (1 page read)"


@pytest.mark.parametrize("keep", [40, 400, 2000])
def test_truncated_pdf_is_corrupt_in_one_line(keep, caplog):
    data = render_pdf(LINES)[:keep]
    with pytest.raises(CorruptFile) as err:
        read_bytes(data, "broken.pdf")
    message = str(err.value)
    assert message.startswith("broken.pdf: the PDF is damaged and cannot be read (")
    assert "\n" not in message
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]


def test_paragraphs_wrapped_over_pages_come_back_whole():
    paragraphs = [
        "一、重点任务",
        "（一）实施产业升级优势再造工程。培育优势产业集群，推动传统产业技改升级，推进产业链融链固链，"
        "提升园区发展能级。（省发展改革委、省工业和信息化厅牵头，省有关部门配合）",
        "（二）实施科技创新能力跃升工程。促进区域协同科技创新，充分发挥企业主体作用。（省科技厅牵头）",
    ] * 6
    data = render_pdf(paragraphs, header="测 试 省 人 民 政 府", chars_per_line=28, lines_per_page=12)
    clean = clean_document(read_bytes(data, "wrapped.pdf"))
    assert clean.text == "\n".join(paragraphs)
    assert len(clean.page_numbers) > 2
