"""Fixture helper: a small OFD writer (GB/T 33190) laying pages out exactly as ``render.render_pdf``.

The package is what OFD producers write: OFD.xml -> Doc_0/Document.xml (page area, a public
resource file with the font, a template page) -> one Content.xml per page with text objects in
millimetres. The running header lives on the template page, as converters put it; the "— N —" footer
is on each page. A line can be written as one text object, as several (a line broken where the
producer changed runs), or as one object per glyph, and the objects of a page can be written in
reverse order, so a test proves the reader orders text by position, not by file order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from itertools import pairwise
from unicodedata import east_asian_width
from xml.sax.saxutils import escape

from render import (
    FONT_SIZE,
    FOOTER_Y,
    HEADER_Y_FROM_TOP,
    LINE_HEIGHT,
    MARGIN_LEFT,
    MARGIN_TOP,
    paginate,
    wrap,
)

MM_PER_POINT = 25.4 / 72
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4 in mm
SIZE = FONT_SIZE * MM_PER_POINT
NS = "http://www.ofdspec.org/2016"
MODES = ("one", "split", "glyphs")
SPLIT_AT = (5, 13)  # where a "split" line is cut into separate text objects


def advance(char: str) -> float:
    """Advance width (mm) of one character: full-width CJK one em, the rest half an em."""
    return SIZE if east_asian_width(char) in ("W", "F") else SIZE / 2


def _object(object_id: int, text: str, x: float, baseline: float) -> str:
    width = sum(advance(c) for c in text)
    deltas = " ".join(f"{advance(c):.3f}" for c in text[:-1])
    delta = f' DeltaX="{deltas}"' if deltas else ""
    boundary = f"{x:.3f} {baseline - SIZE:.3f} {width:.3f} {SIZE * 1.2:.3f}"
    return (
        f'<ofd:TextObject ID="{object_id}" Boundary="{boundary}" Font="1" Size="{SIZE:.3f}">'
        f'<ofd:TextCode X="0" Y="{SIZE:.3f}"{delta}>{escape(text)}</ofd:TextCode></ofd:TextObject>'
    )


def _pieces(text: str, mode: str) -> list[tuple[int, str]]:
    """(character offset, text) of the objects one line is written as."""
    if mode == "glyphs":
        return list(enumerate(text))
    if mode == "split":
        cuts = [0, *(c for c in SPLIT_AT if c < len(text)), len(text)]
        return [(a, text[a:b]) for a, b in pairwise(cuts) if text[a:b]]
    return [(0, text)]


def _line_objects(text: str, x: float, baseline: float, mode: str, ids: list[int]) -> list[str]:
    objects = []
    for offset, piece in _pieces(text, mode):
        ids[0] += 1
        objects.append(_object(ids[0], piece, x + sum(advance(c) for c in text[:offset]), baseline))
    return objects


def _centred(text: str, baseline: float, mode: str, ids: list[int]) -> list[str]:
    width = sum(advance(c) for c in text)
    return _line_objects(text, (PAGE_WIDTH - width) / 2, baseline, mode, ids)


def _content(objects: Sequence[str], template: bool) -> str:
    reference = '<ofd:Template TemplateID="2"/>' if template else ""
    root = "Page"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:{root} xmlns:ofd="{NS}">{reference}'
        f'<ofd:Content><ofd:Layer ID="3">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:{root}>'
    )


def render_ofd(
    lines: Sequence[str],
    *,
    header: str | None = None,
    footer: str = "— {n} —",
    lines_per_page: int | None = None,
    chars_per_line: int | None = None,
    mode: str = "one",
    reverse_objects: bool = False,
) -> bytes:
    """``lines`` as an OFD laid out like ``render_pdf`` with the same arguments; ``mode`` says how a
    line is written (one object, split into objects, one object per glyph)."""
    assert mode in MODES
    if chars_per_line:
        lines = wrap(lines, chars_per_line)
    ids = [100]
    pages = []
    for number, page_lines in enumerate(paginate(lines, lines_per_page), start=1):
        objects: list[str] = []
        baseline = MARGIN_TOP * MM_PER_POINT
        for line in page_lines:
            objects += _line_objects(line, MARGIN_LEFT * MM_PER_POINT, baseline, mode, ids)
            baseline += LINE_HEIGHT * MM_PER_POINT
        if footer:
            objects += _centred(footer.format(n=number), PAGE_HEIGHT - FOOTER_Y * MM_PER_POINT, mode, ids)
        pages.append(_content(objects[::-1] if reverse_objects else objects, template=header is not None))
    template = None
    if header:
        template = _content(_centred(header, HEADER_Y_FROM_TOP * MM_PER_POINT, "one", ids), False)
    return _package(pages, template, ids[0])


def _package(pages: Sequence[str], template: str | None, max_id: int) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    template_ref = '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
    page_refs = "".join(
        f'<ofd:Page ID="{1000 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    parts = {
        "OFD.xml": f'{head}<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        "<ofd:DocID>0c2a6f7e4b1d4e0f9a8b7c6d5e4f3a2b</ofd:DocID><ofd:Creator>policykb tests</ofd:Creator>"
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'{head}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_WIDTH:g}"
        f" {PAGE_HEIGHT:g}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        f"{template_ref}</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f'{head}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
    }
    if template:
        parts["Doc_0/Tpls/Tpl_0/Content.xml"] = template
    for i, page in enumerate(pages):
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = page
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
