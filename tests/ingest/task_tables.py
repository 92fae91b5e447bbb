"""A generated plan whose appendix is a 任务分工表, as DOCX and as a PDF with a ruled table.

The document is invented for the tests (a municipal three-year plan); its table is what a staff
member would type into Word: 序号 | 重点任务 | 主要内容 | 牵头单位 | 配合单位 | 完成时限. ``ROWS`` is the
truth the tests and the gold files (tests/gold/generated_task_table_*.jsonl) are written from.
Run ``python tests/ingest/task_tables.py tests/gold/generated`` to write the two files the gold names.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

TITLE = "某市推进数字经济高质量发展三年行动方案（2024－2026年）"
BODY = (
    "为加快数字经济发展，制定本方案。",
    "一、总体要求",
    "到2026年，全市数字经济核心产业增加值达到500亿元。",
    "二、重点任务",
    "（一）建设新型基础设施。加快5G基站建设，新建基站3000个（市工业和信息化局牵头，市通信发展办配合）。",
    "（二）培育数字产业集群。各项任务按附件1分工落实。",
    "三、保障措施",
    "由市发展改革委牵头，市财政局配合，建立全市数字经济工作推进机制。",
)
HEADER = ("序号", "重点任务", "主要内容", "牵头单位", "配合单位", "完成时限")
ROWS = (
    (
        "1",
        "建设算力基础设施",
        "建成城市算力中心一期，新增标准机架2000个。",
        "市大数据局",
        "市发展改革委、市工业和信息化局",
        "2024年底前",
    ),
    (
        "2",
        "推进工业互联网平台建设",
        "培育市级工业互联网平台20个，带动企业上平台5000家。",
        "市工业和信息化局",
        "市科技局、各区县政府",
        "2025年6月底前",
    ),
    (
        "3",
        "发展数据要素市场",
        "组建市数据交易中心，开展数据资产登记试点。",
        "市大数据局、市地方金融监管局",
        "市财政局、市市场监管局",
        "2025年底前",
    ),
    (
        "4",
        "实施中小企业数字化转型",
        "每年推动500家中小企业上云用数赋智。",
        "市工业和信息化局",
        "各区县政府",
        "持续推进",
    ),
    (
        "5",
        "建设智慧口岸",
        "推进国际贸易“单一窗口”功能拓展，压缩整体通关时间。",
        "济南海关",
        "市商务局、市口岸物流办",
        "2026年底前",
    ),
    (
        "6",
        "加强数字人才培养",
        "建设数字技能实训基地10个。",
        "市人力资源社会保障局",
        "市教育局、市数字经济发展中心",
        "2026年底前",
    ),
)
APPENDIX_LABEL = "附件1"
APPENDIX_TITLE = "重点任务分工表"


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    for line in (TITLE, *BODY, APPENDIX_LABEL, APPENDIX_TITLE):
        document.add_paragraph(line)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for cells, row in zip(table.rows, (HEADER, *ROWS), strict=True):
        for cell, text in zip(cells.cells, row, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """The same document typeset on A4 with reportlab's CID font; the table is ruled (GRID), long
    cells wrap inside their column, as in a printed 任务分工表."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=text, fontSize=10, leading=14)
    story = [Paragraph(line, text) for line in (TITLE, *BODY)]
    story += [PageBreak(), Paragraph(APPENDIX_LABEL, text), Paragraph(APPENDIX_TITLE, text)]
    table = Table(
        [[Paragraph(value, cell) for value in row] for row in (HEADER, *ROWS)],
        colWidths=[30, 80, 150, 80, 90, 60],
        repeatRows=1,
    )
    ruled = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    table.setStyle(TableStyle(ruled))
    story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def flattened_text() -> str:
    """The table as a web page or PDF extraction without table structure gives it: a cell a line."""
    lines = [TITLE, *BODY, APPENDIX_LABEL, APPENDIX_TITLE, *HEADER]
    for row in ROWS:
        lines += list(row)
    return "\n".join(lines) + "\n"


def spaced_text() -> str:
    """The table as a PDF's text laid out in columns gives it: a row a line, cells apart by runs of
    spaces (ideographic ones in the header, as a typed table has them)."""
    lines = [TITLE, *BODY, APPENDIX_LABEL, APPENDIX_TITLE, "\u3000".join(HEADER)]
    lines += ["   ".join(row) for row in ROWS]
    return "\n".join(lines) + "\n"


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "task_table.docx").write_bytes(docx_bytes())
    (out / "task_table.pdf").write_bytes(pdf_bytes())


if __name__ == "__main__":
    main(sys.argv[1])
