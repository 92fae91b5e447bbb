"""OCR of a page image: text lines in reading order with their boxes and confidence.

The engine is rapidocr on onnxruntime with the PP-OCR Chinese detection, direction and recognition
models that ship inside the rapidocr wheel. The model files are passed by path, so rapidocr's
download code is never reached: nothing needs the network at run time.

The recogniser returns text segments (usually a whole printed line, sometimes a line in pieces);
``ingest.readers.layout`` puts them back into lines, and the clean-up joins those into paragraphs.
"""

from __future__ import annotations

import io
import re
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import OcrUnavailable
from ingest.model import Box, OcrLine, PageScan
from ingest.read_options import OcrSettings
from ingest.readers.layout import Segment, TextLine, reading_order, rows

if TYPE_CHECKING:
    from PIL.Image import Image

# A pixel darker than this (0-255, any channel) is ink.
DARK = 128
# One page at a time: the two cores go to one OCR and memory stays flat; the Streamlit server runs
# each session in its own thread.
_LOCK = threading.Lock()


def recognise(image: Image, number: int, settings: OcrSettings, source: str) -> PageScan:
    """OCR one page image (page ``number`` of the file named ``source``)."""
    import numpy as np

    rgb = image.convert("RGB")
    pixels = np.asarray(rgb)
    engine = _engine(settings, source)
    with _LOCK:
        # rapidocr keeps these switches between calls: name them every time.
        result = engine(pixels, use_det=True, use_cls=True, use_rec=True)
        quads = [] if result.boxes is None else result.boxes.tolist()
        segments = [
            _segment(text, quad, score)
            for text, quad, score in zip(result.txts or (), quads, result.scores or (), strict=True)
        ]
        segments = reread_line_starts(engine, pixels, segments, settings)
    lines = tuple(
        ocr_line(line, number, rgb.width, rgb.height, settings)
        for line in reading_order(segments, settings.indent_chars)
    )
    confidence = mean_confidence(lines)
    return PageScan(
        number=number,
        confidence=confidence,
        flagged=confidence < settings.confidence_floor,
        lines=lines,
        image=page_jpeg(rgb, settings),
    )


def reread_line_starts(engine, pixels, segments: list[Segment], settings: OcrSettings) -> list[Segment]:
    """``segments`` with the start of each line read again where there is ink just left of it: the
    detector misses thin strokes such as 一 and 、, and a heading without its 一、 is no clause."""
    found = []
    for line in rows(segments):
        first = line[0]
        left = max(first.left - settings.reread_strip * first.height, 0.0)
        if _ink(pixels, first, left) >= settings.reread_ink:
            first = _reread(engine, pixels, first, left, settings) or first
        found += [first, *line[1:]]
    return found


def _ink(pixels, segment: Segment, left: float) -> float:
    """The share of dark pixels in the strip from ``left`` to the start of ``segment``."""
    strip = pixels[int(segment.top) : int(segment.bottom), int(left) : int(segment.left)]
    return float((strip.min(axis=-1) < DARK).mean()) if strip.size else 0.0


def _reread(engine, pixels, segment: Segment, left: float, settings: OcrSettings) -> Segment | None:
    pad = segment.height * 0.1
    top, bottom = int(max(segment.top - pad, 0)), int(segment.bottom + pad)
    crop = pixels[top:bottom, int(left) : int(segment.right + pad)]
    if crop.size == 0:
        return None
    result = engine(crop, use_det=False, use_cls=False, use_rec=True)
    text, score = (result.txts or ("",))[0].strip(), float((result.scores or (0.0,))[0])
    prefix = text[: len(text) - len(segment.text)]
    if not text.endswith(segment.text) or not 0 < len(prefix.strip()) <= settings.reread_max_chars:
        return None
    if score < settings.min_line_confidence or not any(ch.isalnum() for ch in prefix):
        return None
    start = max(left, segment.left - len(prefix) * segment.height)
    return Segment(text, start, segment.top, segment.right, segment.bottom, min(score, segment.score))


def ocr_line(line: TextLine, page: int, width: int, height: int, settings: OcrSettings) -> OcrLine:
    """A line of the page image, corrected, its box as fractions of the ``width`` x ``height`` image."""
    left, top, right, bottom = line.bounds()
    box = Box(
        page,
        _fraction(left, width),
        _fraction(top, height),
        _fraction(right, width),
        _fraction(bottom, height),
    )
    return OcrLine(corrected(line.text, settings.fixes), box, round(line.score, 4))


def mean_confidence(lines: tuple[OcrLine, ...]) -> float:
    """Mean line confidence weighted by characters (0 for a page where nothing was read)."""
    chars = sum(len(line.text.strip()) for line in lines)
    if not chars:
        return 0.0
    return round(sum(line.confidence * len(line.text.strip()) for line in lines) / chars, 4)


def page_jpeg(image: Image, settings: OcrSettings) -> bytes:
    """The page as a grey JPEG no larger than ``settings.image_max_side``, for display only."""
    grey = image.convert("L")
    grey.thumbnail((settings.image_max_side, settings.image_max_side))
    buffer = io.BytesIO()
    grey.save(buffer, format="JPEG", quality=settings.image_quality, optimize=True)
    return buffer.getvalue()


def _fraction(value: float, size: int) -> float:
    return round(min(max(value / max(size, 1), 0.0), 1.0), 4)


def corrected(text: str, fixes: tuple[tuple[str, str], ...]) -> str:
    """``text`` with the systematic OCR confusions of ``fixes`` (data/readers.toml) corrected."""
    for pattern, replacement in fixes:
        text = _compiled(pattern).sub(replacement, text)
    return text


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _segment(text: str, quad: list[list[float]], score: float) -> Segment:
    xs = [point[0] for point in quad]
    ys = [point[1] for point in quad]
    return Segment(text.strip(), min(xs), min(ys), max(xs), max(ys), float(score))


class _Unavailable(Exception):
    """The engine cannot be loaded; the message says why (``OcrUnavailable`` adds the file name)."""


def _engine(settings: OcrSettings, source: str):  # -> rapidocr.RapidOCR
    models = (settings.det_model, settings.rec_model, settings.cls_model)
    try:
        return _load_engine(models, settings.min_line_confidence)
    except _Unavailable as err:
        raise OcrUnavailable(source, str(err) or None) from None


@cache
def _load_engine(models: tuple[str, str, str], min_line_confidence: float):  # -> rapidocr.RapidOCR
    """The engine, loaded once per model set (about a second and 100 MB)."""
    try:
        import rapidocr
    except ImportError:
        raise _Unavailable() from None
    folder = Path(rapidocr.__file__).parent / "models"
    paths = dict(zip(("det", "rec", "cls"), (folder / name for name in models), strict=True))
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise _Unavailable(f"OCR is not available: model files missing from the rapidocr wheel ({missing})")
    return rapidocr.RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.text_score": min_line_confidence,
            "Det.model_path": str(paths["det"]),
            "Rec.model_path": str(paths["rec"]),
            "Cls.model_path": str(paths["cls"]),
        }
    )
