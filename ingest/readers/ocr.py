"""OCR of a page image: text lines in reading order with their boxes and confidence.

The engine is rapidocr on onnxruntime with the PP-OCR Chinese detection, direction and recognition
models that ship inside the rapidocr wheel. The model files are passed by path, so rapidocr's
download code is never reached: nothing needs the network at run time.

The detector finds text segments (usually a whole printed line, sometimes a line in pieces) and the
recogniser reads them. The detector misses thin strokes: the 一 of 一、 at a line's start, a lone ）
wrapped to a line of its own. So where ink lies just beyond a line's ends, the line is read again
by the recogniser alone over the wider strip, and bands of ink no segment covers are read too.
``ingest.readers.layout`` puts the segments back into lines; the clean-up joins those into
paragraphs, as for a text PDF. Each page gets a confidence and a speck share; either can flag it.
"""

from __future__ import annotations

import io
import re
import threading
from functools import cache
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from ingest.errors import CorruptFile, OcrUnavailable
from ingest.model import Box, OcrLine, PageScan
from ingest.read_options import OcrSettings
from ingest.readers.layout import Segment, TextLine, reading_order, rows

if TYPE_CHECKING:
    from PIL.Image import Image

# A pixel darker than this (0-255, any channel) is ink.
DARK = 128
# Rows of ink this few pixel rows apart belong to one band (the parts of 二 or 三 are apart).
BAND_GAP = 3
# One page at a time: the two cores go to one OCR and memory stays flat; the Streamlit server runs
# each session in its own thread.
_LOCK = threading.Lock()


def recognise(image: Image, number: int, settings: OcrSettings, source: str) -> PageScan:
    """OCR one page image (page ``number`` of the file named ``source``)."""
    import numpy as np

    rgb = image.convert("RGB")
    pixels = np.asarray(rgb)
    engine = _engine(settings, source)
    ink = ink_mask(rgb)
    with _LOCK:
        try:
            segments = _segments(engine, pixels, ink, settings)
        except Exception as err:  # onnxruntime and OpenCV raise their own errors on odd images
            raise CorruptFile(source, f"page {number} cannot be read by OCR ({type(err).__name__})") from None
    lines = tuple(
        ocr_line(line, number, rgb.width, rgb.height, settings)
        for line in reading_order(segments, settings.indent_chars)
    )
    confidence, noise = mean_confidence(lines), speckle_share(pixels)
    return PageScan(
        number=number,
        confidence=confidence,
        # The recogniser is as sure of itself on a speckled scan, where it drops small marks such as
        # 、 and 。, as on a clean one: noise flags the page too.
        flagged=confidence < settings.confidence_floor or noise > settings.max_noise,
        lines=lines,
        image=page_jpeg(rgb, settings),
        noise=noise,
    )


def _segments(engine, pixels, ink, settings: OcrSettings) -> list[Segment]:
    """Detect and recognise; then read again what the detector missed at line edges and between lines."""
    # rapidocr keeps these switches between calls: name them every time.
    result = engine(pixels, use_det=True, use_cls=True, use_rec=True)
    quads = [] if result.boxes is None else result.boxes.tolist()
    segments = [
        _segment(text, quad, score)
        for text, quad, score in zip(result.txts or (), quads, result.scores or (), strict=True)
    ]
    segments = reread_line_edges(engine, pixels, ink, segments, settings)
    return segments + read_missed_lines(engine, pixels, ink, segments, settings)


def reread_line_edges(engine, pixels, ink, segments: list[Segment], settings: OcrSettings) -> list[Segment]:
    """``segments`` with each line's start and end read again where there is ink (``ink_mask``) just
    beyond them: the detector misses thin strokes at a line's edge (the 一 of 一、, a lone ） or ”
    wrapped to the next line), and a heading without its 一、 is no clause, an attribution without
    its ） none. At most ``settings.reread_max_lines`` re-reads a page."""
    found: list[Segment] = []
    budget = settings.reread_max_lines
    for line in rows(segments):
        first, last = line[0], line[-1]
        left = max(first.left - settings.reread_strip * first.height, 0.0)
        if budget and _ink(ink, first, left, first.left) >= settings.reread_ink:
            budget -= 1
            first = _reread(engine, pixels, first, left, first.right, settings) or first
        last = first if len(line) == 1 else last
        right = min(last.right + settings.reread_strip * last.height, float(pixels.shape[1]))
        if budget and _ink(ink, last, last.right, right) >= settings.reread_ink:
            budget -= 1
            last = _reread(engine, pixels, last, last.left, right, settings) or last
        found += [first, *line[1:-1], last] if len(line) > 1 else [last]
    return found


def ink_mask(image: Image):  # -> a boolean numpy array, True where ``image`` has ink
    """Where ``image`` is dark, specks (salt-and-pepper noise) removed first."""
    import numpy as np
    from PIL import ImageFilter

    return np.asarray(image.convert("L").filter(ImageFilter.MedianFilter(3))) < DARK


def speckle_share(pixels) -> float:
    """The share of the page's pixels that are specks: dark, with at most one dark neighbour (a
    stroke of text always has more)."""
    import numpy as np

    dark = pixels.min(axis=-1) < DARK
    padded = np.pad(dark, 1).astype(np.int8)
    height, width = dark.shape
    neighbours = sum(
        padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    return round(float((dark & (neighbours <= 1)).mean()), 6)


def read_missed_lines(engine, pixels, ink, segments: list[Segment], settings: OcrSettings) -> list[Segment]:
    """Lines the detector did not find at all (a lone ） or 一 wrapped to a line of its own): bands of
    ink rows that no segment covers, read by the recogniser alone; kept when it reads them."""
    if not segments:
        return []
    height = median(s.height for s in segments)
    missed = [
        (top, bottom)
        for top, bottom in _bands(ink.sum(axis=1))
        if settings.missed_min * height <= bottom - top <= settings.missed_max * height
        and max(min(bottom, s.bottom) - max(top, s.top) for s in segments) < (bottom - top) / 2
    ]
    bands = missed[: settings.missed_max_lines]
    read = (_read_band(engine, pixels, ink, top, bottom, settings) for top, bottom in bands)
    return [segment for segment in read if segment is not None]


def _bands(ink_per_row) -> list[tuple[int, int]]:
    """(top, bottom) of each run of pixel rows with ink; gaps of a few rows do not break a run."""
    bands: list[list[int]] = []
    for y in (int(y) for y in ink_per_row.nonzero()[0]):
        if bands and y - bands[-1][1] <= BAND_GAP:
            bands[-1][1] = y + 1
        else:
            bands.append([y, y + 1])
    return [(top, bottom) for top, bottom in bands]


def _read_band(engine, pixels, ink, top: int, bottom: int, settings: OcrSettings) -> Segment | None:
    columns = ink[top:bottom].any(axis=0).nonzero()[0]
    if not len(columns):
        return None
    pad = (bottom - top) // 4
    left, right = int(columns[0]), int(columns[-1]) + 1
    crop = pixels[max(top - pad, 0) : bottom + pad, max(left - pad, 0) : right + pad]
    result = engine(crop, use_det=False, use_cls=False, use_rec=True)
    text, score = (result.txts or ("",))[0].strip(), float((result.scores or (0.0,))[0])
    if not text or score < settings.min_line_confidence:
        return None
    return Segment(text, left, top, right, bottom, score)


def _ink(ink, segment: Segment, left: float, right: float) -> float:
    """The share of inked pixels in the strip ``left``-``right`` at the height of ``segment``."""
    strip = ink[int(segment.top) : int(segment.bottom), int(left) : int(right)]
    return float(strip.mean()) if strip.size else 0.0


def _reread(
    engine, pixels, segment: Segment, left: float, right: float, settings: OcrSettings
) -> Segment | None:
    """``segment`` read again by the recogniser alone from ``left`` to ``right``, when that finds the
    same text with a few more characters before or after it (else None)."""
    pad = segment.height * 0.1
    top, bottom = int(max(segment.top - pad, 0)), int(segment.bottom + pad)
    crop = pixels[top:bottom, int(max(left - pad, 0)) : int(right + pad)]
    if crop.size == 0:
        return None
    result = engine(crop, use_det=False, use_cls=False, use_rec=True)
    text, score = (result.txts or ("",))[0].strip(), float((result.scores or (0.0,))[0])
    if score < settings.reread_min_score or len(text) <= len(segment.text):
        return None
    extra = len(text) - len(segment.text)
    if extra > settings.reread_max_chars:
        return None
    advance = (segment.right - segment.left) / max(len(segment.text), 1)  # one character's width
    if text.endswith(segment.text):  # found before the line
        start = max(left, segment.left - extra * advance)
        return Segment(text, start, segment.top, segment.right, segment.bottom, min(score, segment.score))
    if text.startswith(segment.text):  # found after it
        end = min(right, segment.right + extra * advance)
        return Segment(text, segment.left, segment.top, end, segment.bottom, min(score, segment.score))
    return None


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
