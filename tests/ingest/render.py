"""Fixture helpers: render small government-style documents as real PDF / DOCX / HTML / TXT bytes.

The PDFs use reportlab's built-in CID font ``STSong-Light`` so no font file is downloaded. Layout
follows a printed 公文: an optional running header at the top of every page, lines of body text, and a
"— N —" page footer at the bottom. Callers pass lines exactly as they should appear on the page, so a
test controls where a sentence (or a department name) is split across a page break.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
FONT_SIZE = 14
LINE_HEIGHT = 26
MARGIN_TOP = 90
MARGIN_LEFT = 70
HEADER_Y_FROM_TOP = 50
FOOTER_Y = 40
PAGE_BREAK = "\f"  # put this in ``lines`` to force a new page

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _lines_per_page(height: float = A4[1]) -> int:
    return int((height - MARGIN_TOP - 2 * FOOTER_Y) // LINE_HEIGHT)


def paginate(lines: Sequence[str], lines_per_page: int | None = None) -> list[list[str]]:
    """Split ``lines`` into pages: at ``PAGE_BREAK`` markers, or when a page is full."""
    limit = lines_per_page or _lines_per_page()
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE_BREAK or len(pages[-1]) >= limit:
            pages.append([])
        if line != PAGE_BREAK:
            pages[-1].append(line)
    return pages


def wrap(paragraphs: Sequence[str], chars_per_line: int) -> list[str]:
    """Hard-wrap each paragraph into lines of ``chars_per_line`` characters, as a typesetter would."""
    lines: list[str] = []
    for paragraph in paragraphs:
        if paragraph == PAGE_BREAK:
            lines.append(paragraph)
            continue
        lines += [paragraph[i : i + chars_per_line] for i in range(0, max(len(paragraph), 1), chars_per_line)]
    return lines


def render_pdf(
    lines: Sequence[str],
    path: Path | None = None,
    *,
    header: str | None = None,
    footer: str = "— {n} —",
    lines_per_page: int | None = None,
    chars_per_line: int | None = None,
    encrypt: str | None = None,
    pagesize: tuple[float, float] = A4,
) -> bytes:
    """Render ``lines`` as a PDF (one text line per item) and return the bytes; also write ``path``.

    With ``chars_per_line`` the items are paragraphs, hard-wrapped to that width first.
    ``header`` is drawn at the top of every page, ``footer`` (formatted with the page number ``n``)
    at the bottom; pass ``footer=""`` for none. ``encrypt`` sets a user password; ``pagesize`` is in
    points (A5 makes a quicker scan to OCR).
    """
    if chars_per_line:
        lines = wrap(lines, chars_per_line)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=pagesize, encrypt=encrypt)
    width, height = pagesize
    for number, page_lines in enumerate(paginate(lines, lines_per_page or _lines_per_page(height)), start=1):
        pdf.setFont(FONT, FONT_SIZE)
        if header:
            pdf.drawCentredString(width / 2, height - HEADER_Y_FROM_TOP, header)
        y = height - MARGIN_TOP
        for line in page_lines:
            pdf.drawString(MARGIN_LEFT, y, line)
            y -= LINE_HEIGHT
        if footer:
            pdf.drawCentredString(width / 2, FOOTER_Y, footer.format(n=number))
        pdf.showPage()
    pdf.save()
    return _written(buffer.getvalue(), path)


def render_image_only_pdf(path: Path | None = None) -> bytes:
    """A 'scan': one page holding a drawn picture and no text at all."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(100, 400, 300, 200, fill=1)
    pdf.circle(250, 300, 50, fill=1)
    pdf.showPage()
    pdf.save()
    return _written(buffer.getvalue(), path)


def render_docx(blocks: Sequence[str | Sequence[Sequence[str]]], path: Path | None = None) -> bytes:
    """A DOCX with paragraphs (``str``) and tables (rows of cell texts) in the given order."""
    from docx import Document

    document = Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        rows = [list(row) for row in block]
        table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
        for cells, row in zip(table.rows, rows, strict=True):
            for cell, text in zip(cells.cells, row, strict=False):  # short rows leave cells empty
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return _written(buffer.getvalue(), path)


def render_zip(path: Path | None = None) -> bytes:
    """A zip archive that is not a DOCX."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    return _written(buffer.getvalue(), path)


PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)

GOV_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>国务院关于测试工作的通知_政府信息公开</title>
<script>var nav = "首页 > 政策";</script><style>.nav {color: red}</style></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/zhengce/">政策</a></div>
<nav><ul><li>国务院</li><li>总理</li></ul></nav>
<table class="bd1"><tbody>
<tr><td><b>索 引 号：</b></td><td>000014349/2023-00001</td>
<td><b>主题分类：</b></td><td>综合政务\\其他</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院</td><td><b>成文日期：</b></td><td>2023年03月05日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院关于测试工作的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国发〔2023〕7号</td><td><b>发布日期：</b></td><td>2023年03月08日</td></tr>
</tbody></table>
<div id="UCAP-CONTENT">
<p style="text-align: center;">国务院关于<br>测试工作的通知</p>
<p>国发〔2023〕7号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>一、<span>总体要求</span></p>
<p>（一）加强测试。做好测试工作。<span>（工业和信息化部牵头，财政部配合）</span></p>
<p>国务院</p><p>2023年3月5日&nbsp;&nbsp;</p>
<p>（此件公开发布）</p>
</div>
<div class="footer">扫一扫在手机打开当前页 <script>print()</script></div>
</body></html>
"""


def _written(data: bytes, path: Path | None) -> bytes:
    if path is not None:
        path.write_bytes(data)
    return data
