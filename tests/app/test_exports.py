"""The 任务分工表 downloads open in openpyxl / python-docx with exact cells, and survive LibreOffice."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENTATION
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook

from app.exports import (
    TASK_COLUMNS,
    display_width,
    table_csv,
    task_cells,
    task_table_docx,
    task_table_xlsx,
    wrapped_lines,
)

TITLE = "山东省县域经济高质量发展三年行动方案（2023－2025年）任务分工表"
ROWS = [
    (
        "1",
        "实施经济强县领跑计划",
        "发挥胶州、龙口、荣成、邹城、寿光５个“千亿”县（市）带动作用……",
        "省发展改革委",
        "省有关部门",
        "",
    ),
    (
        "2",
        "建设新型基础设施",
        "加快５G、千兆光网、数据中心等新型基础设施建设……",
        "省工业和信息化厅、省大数据局、省能源局",
        "",
        "到2025年",
    ),
]


@dataclass(frozen=True)
class _TaskRow:  # the shape of services.TaskRow: six fields in column order, lists for departments
    number: int
    task: str
    content: str
    lead: tuple[str, ...]
    cooperate: tuple[str, ...]
    deadline: str
    clause_id: int = 0


def test_task_cells_accepts_mappings_sequences_and_dataclasses() -> None:
    expected = ("3", "培育优势产业集群", "内容", "省发展改革委、省工业和信息化厅", "", "到2025年")
    as_mapping = dict(zip(TASK_COLUMNS, expected, strict=True))
    leads = ("省发展改革委", "省工业和信息化厅")
    as_dataclass = _TaskRow(3, "培育优势产业集群", "内容", leads, (), "到2025年")
    assert task_cells(as_mapping) == expected
    assert task_cells(list(expected)) == expected
    assert task_cells(as_dataclass) == expected


def test_task_cells_rejects_short_rows() -> None:
    with pytest.raises(ValueError, match="6 cells"):
        task_cells(("1", "only two"))


def test_widths_count_cjk_twice_and_lines_wrap() -> None:
    assert display_width("5G网") == 4
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("一二三四五六七八九十", 11) == 2  # 20 units in 10 usable
    assert wrapped_lines("ab\ncd", 10) == 2


def test_xlsx_cells_and_print_layout() -> None:
    sheet = load_workbook(io.BytesIO(task_table_xlsx(ROWS, TITLE))).active
    assert sheet["A1"].value == TITLE
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == list(TASK_COLUMNS)
    assert all(c.font.b for c in sheet[2])
    assert [c.value or "" for c in sheet[4]] == [2, *ROWS[1][1:]]
    assert sheet["D4"].value == "省工业和信息化厅、省大数据局、省能源局"
    assert sheet["C3"].alignment.wrap_text
    assert sheet["C3"].border.left.style == "thin"
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.column_dimensions["C"].width == 60
    assert sheet.row_dimensions[3].height >= 15


def test_docx_cells_and_page_layout() -> None:
    document = Document(io.BytesIO(task_table_docx(ROWS, TITLE)))
    assert document.paragraphs[0].text == TITLE
    section = document.sections[0]
    assert section.orientation == WD_ORIENTATION.LANDSCAPE
    assert section.page_width > section.page_height
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(TASK_COLUMNS)
    assert [c.text for c in table.rows[2].cells] == list(ROWS[1])
    assert abs(table.columns[2].width - Cm(11.0)) < Cm(0.01)  # 主要内容 gets the room
    header_properties = table.rows[0]._tr.trPr
    assert header_properties.find(qn("w:tblHeader")) is not None
    title_fonts = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "黑体"


def test_csv_has_bom_and_round_trips() -> None:
    frame = pd.DataFrame([{"部门": "省工业和信息化厅", "条款数": 12}])
    data = table_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["部门", "条款数"],
        ["省工业和信息化厅", "12"],
    ]
    from_mappings = table_csv([{"部门": "省大数据局", "角色": ("牵头", "配合")}])
    assert from_mappings.decode("utf-8-sig").splitlines() == ["部门,角色", "省大数据局,牵头、配合"]
    assert table_csv([]) == b"\xef\xbb\xbf"


# ------------------------------------------------------------------------------- LibreOffice round trip

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: run tests/system_setup.py as root"
)


def _convert(source: Path, target_format: str, out_dir: Path) -> Path:
    # A private profile keeps parallel or earlier LibreOffice instances from blocking this one.
    profile = (out_dir / "lo-profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    produced = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    if not produced.exists():
        raise AssertionError(f"LibreOffice produced no {produced.name}")
    return produced


@needs_soffice
def test_libreoffice_reads_the_xlsx(tmp_path: Path) -> None:
    source = tmp_path / "tasks.xlsx"
    source.write_bytes(task_table_xlsx(ROWS, TITLE))
    text = _convert(source, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path).read_text("utf-8")
    assert "省工业和信息化厅、省大数据局、省能源局" in text
    assert TITLE in text


@needs_soffice
def test_libreoffice_prints_the_docx(tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    source = tmp_path / "tasks.docx"
    source.write_bytes(task_table_docx(ROWS, TITLE))
    pdf = _convert(source, "pdf", tmp_path)
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        assert page.width > page.height  # landscape survived
        # Cells wrap long names over lines; compare cell by cell with the line breaks taken out.
        cells = {(c or "").replace("\n", "") for t in page.extract_tables() for row in t for c in row}
    assert "省工业和信息化厅、省大数据局、省能源局" in cells
    assert set(TASK_COLUMNS) <= cells
