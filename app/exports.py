"""Downloads as an office would print them: the 任务分工表 as XLSX and DOCX, any table as CSV.

Every function is pure: rows in, file bytes out. The UI and the CLI decide where the bytes go.
Fonts follow the usual layout of government documents (黑体 headings, 仿宋 body); a machine
without them substitutes its own CJK font, the layout stays.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENTATION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell, _Row
from docx.text.run import Run
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

TASK_COLUMNS = ("序号", "重点任务", "主要内容", "牵头单位", "配合单位", "目标/时限")
# Column widths in Excel character units (one CJK character is two units).
XLSX_WIDTHS = (6, 18, 60, 22, 22, 26)
DOCX_WIDTHS_CM = (1.3, 3.8, 11.0, 3.6, 3.6, 2.8)  # 26.1 cm: A4 landscape less 1.8 cm margins

TITLE_FONT = "黑体"
HEADER_FONT = "黑体"
BODY_FONT = "仿宋"
LIST_SEPARATOR = "、"

TaskRowLike = Mapping[str, Any] | Sequence[Any] | Any


def task_cells(row: TaskRowLike) -> tuple[str, ...]:
    """The six printed cells of one 任务分工表 row.

    Accepts a mapping keyed by the Chinese column names, a sequence in column order, or a dataclass
    whose first six fields are in column order (``services.TaskRow``). Department lists are joined
    with 、 as an office writes them.
    """
    if isinstance(row, Mapping):
        values = [row.get(name, "") for name in TASK_COLUMNS]
    elif dataclasses.is_dataclass(row) and not isinstance(row, type):
        values = [getattr(row, f.name) for f in dataclasses.fields(row)][: len(TASK_COLUMNS)]
    elif isinstance(row, Sequence) and not isinstance(row, str):
        values = list(row)[: len(TASK_COLUMNS)]
    else:
        raise TypeError(f"cannot read a task row from {type(row).__name__}")
    if len(values) < len(TASK_COLUMNS):
        raise ValueError(f"a task row needs {len(TASK_COLUMNS)} cells, got {len(values)}")
    return tuple(_cell_text(v) for v in values)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(_cell_text(v) for v in value if v not in (None, ""))
    return str(value)


def display_width(text: str) -> int:
    """Width in Excel character units: wide (CJK, full-width) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` units wide (explicit breaks kept)."""
    usable = max(width - 1, 1)  # Excel keeps about one unit of padding
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


# ---------------------------------------------------------------------------------------------- XLSX

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LINE_HEIGHT_PT = 15.0  # one line of 11 pt 仿宋 with leading
_CENTRED_COLUMNS = {0}  # 序号


def task_table_xlsx(rows: Iterable[TaskRowLike], title: str) -> bytes:
    """The 任务分工表 as an XLSX workbook: merged title, bold bordered header frozen and repeated on
    every printed page, wrapped cells with heights that fit, A4 landscape one page wide."""
    cells = [task_cells(row) for row in rows]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分工表"
    _xlsx_title(sheet, title)
    _xlsx_header(sheet)
    for offset, row in enumerate(cells):
        _xlsx_row(sheet, 3 + offset, row)
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    _xlsx_print_setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_title(sheet: Worksheet, title: str) -> None:
    last = get_column_letter(len(TASK_COLUMNS))
    sheet.merge_cells(f"A1:{last}1")
    cell = sheet["A1"]
    cell.value = title
    cell.font = Font(name=TITLE_FONT, size=16, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36


def _xlsx_header(sheet: Worksheet) -> None:
    fill = PatternFill("solid", fgColor="D9D9D9")
    for index, name in enumerate(TASK_COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index, value=name)
        cell.font = Font(name=HEADER_FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        cell.fill = fill
    sheet.row_dimensions[2].height = 24


def _xlsx_row(sheet: Worksheet, row_number: int, row: tuple[str, ...]) -> None:
    for index, value in enumerate(row):
        # A numeric 序号 stays a number so Excel neither flags it nor sorts it as text.
        stored: str | int = int(value) if index == 0 and value.isdigit() else value
        cell = sheet.cell(row=row_number, column=index + 1, value=stored)
        cell.font = Font(name=BODY_FONT, size=11)
        horizontal = "center" if index in _CENTRED_COLUMNS else "left"
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        cell.border = _BORDER
    # Excel does not grow wrapped rows on open, so give each row the height its longest cell needs.
    lines = max(wrapped_lines(value, width) for value, width in zip(row, XLSX_WIDTHS, strict=True))
    sheet.row_dimensions[row_number].height = lines * _LINE_HEIGHT_PT + 4


def _xlsx_print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


# ---------------------------------------------------------------------------------------------- DOCX


def task_table_docx(rows: Iterable[TaskRowLike], title: str) -> bytes:
    """The 任务分工表 as a Word document: A4 landscape, 黑体 title, a bordered table whose header row
    repeats on every page and whose rows do not split across pages."""
    cells = [task_cells(row) for row in rows]
    document = Document()
    _docx_landscape_a4(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(12)
    _set_font(heading.add_run(title), TITLE_FONT, 18, bold=True)
    table = document.add_table(rows=1, cols=len(TASK_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the widths from the cells, LibreOffice from the table grid: set both.
    for column, width in zip(table.columns, DOCX_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, name, width in zip(header.cells, TASK_COLUMNS, DOCX_WIDTHS_CM, strict=True):
        _docx_cell(cell, name, width, HEADER_FONT, bold=True, centred=True)
    for row in cells:
        added = table.add_row()
        _keep_row_on_one_page(added)
        for index, (cell, value) in enumerate(zip(added.cells, row, strict=True)):
            _docx_cell(cell, value, DOCX_WIDTHS_CM[index], BODY_FONT, centred=index in _CENTRED_COLUMNS)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_landscape_a4(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENTATION.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(2.0)


def _docx_cell(
    cell: _Cell, text: str, width_cm: float, font: str, *, bold: bool = False, centred: bool = False
) -> None:
    cell.width = Cm(width_cm)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run(text), font, 11, bold=bold)


def _set_font(run: Run, name: str, size_pt: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    # Word picks the font of CJK characters from w:eastAsia, which font.name does not set.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _repeat_as_header(row: _Row) -> None:
    _row_flag(row, "w:tblHeader")


def _keep_row_on_one_page(row: _Row) -> None:
    _row_flag(row, "w:cantSplit")


def _row_flag(row: _Row, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    properties.append(flag)


# ----------------------------------------------------------------------------------------------- CSV


def table_csv(table: Any) -> bytes:
    """Any shown table as CSV, UTF-8 with a BOM so that Excel opens the Chinese correctly.

    ``table`` is a pandas DataFrame or a sequence of mappings (the first row's keys are the header).
    """
    if hasattr(table, "to_csv"):
        return table.to_csv(index=False).encode("utf-8-sig")
    rows = [dict(row) for row in table]
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: _cell_text(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
