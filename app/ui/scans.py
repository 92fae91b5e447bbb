"""Pure presentation helpers for scanned documents: what OCR read, and where a clause is on the scan.

Nothing here touches Streamlit or the store: page images (JPEG bytes) and boxes in, text or PNG
bytes out, so it is tested directly.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from itertools import groupby

from PIL import Image, ImageDraw

from ingest.model import Box, PageScan

MARK_COLOUR = (214, 39, 40)  # the red of a reviewer's pen
MARK_WIDTH = 3
# The crop around a clause keeps this share of the page height above and below its boxes, so the
# reader sees the clause in its context (the heading above, the next item below).
CONTEXT = 0.04


def page_list(numbers: Iterable[int]) -> str:
    """Page numbers as a reader writes them: 1–3、5."""
    runs = []
    ordered = sorted(set(numbers))
    for _, run in groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        pages = [number for _, number in run]
        runs.append(f"{pages[0]}–{pages[-1]}" if len(pages) > 1 else str(pages[0]))
    return "、".join(runs)


def ocr_note(scans: Sequence[PageScan], floor: float) -> str:
    """One sentence on a document's OCR'd pages, naming the pages a person must check."""
    if not scans:
        return ""
    mean = sum(s.confidence for s in scans) / len(scans)
    note = f"第{page_list(s.number for s in scans)}页为扫描件，经OCR识别，平均置信度{mean:.2f}"
    flagged = [s.number for s in scans if s.flagged]
    if flagged:
        note += f"；第{page_list(flagged)}页识别置信度低于{floor:.2f}或扫描件噪点多，请对照原件核对"
    return note + "。"


def boxes_by_page(boxes: Iterable[Box]) -> dict[int, list[Box]]:
    pages: dict[int, list[Box]] = {}
    for box in boxes:
        pages.setdefault(box.page, []).append(box)
    return pages


def mark_boxes(jpeg: bytes, boxes: Sequence[Box], context: float = CONTEXT) -> bytes:
    """A PNG of the page in ``jpeg`` cropped to ``boxes`` (plus ``context``), each box outlined."""
    page = Image.open(io.BytesIO(jpeg)).convert("RGB")
    width, height = page.size
    draw = ImageDraw.Draw(page)
    for box in boxes:
        draw.rectangle(
            (box.left * width, box.top * height, box.right * width, box.bottom * height),
            outline=MARK_COLOUR,
            width=MARK_WIDTH,
        )
    top = max(min(b.top for b in boxes) - context, 0.0) * height
    bottom = min(max(b.bottom for b in boxes) + context, 1.0) * height
    buffer = io.BytesIO()
    page.crop((0, int(top), width, int(bottom))).save(buffer, format="PNG")
    return buffer.getvalue()
