"""How the readers read: the OCR mode, a page progress callback, the OCR settings and the limits.

The settings and limits are data (``ingest/data/readers.toml``); ``ReadOptions`` carries them to the
readers as an argument so a caller (a test, the fuzzer) can tighten any of them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

OCR_MODES = ("auto", "always", "never")
DEFAULT_OCR_MODE = "auto"
# (pages OCR'd so far, pages to OCR in this file): called before each page and once at the end.
PageProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pages: int
    max_ocr_pages: int
    max_page_pixels: int
    max_zip_entries: int
    max_unpacked_bytes: int
    max_part_bytes: int
    max_text_runs_per_page: int
    convert_timeout_seconds: float
    max_text_chars: int


@dataclass(frozen=True)
class OcrSettings:
    dpi: int
    min_text_chars: int
    confidence_floor: float
    max_noise: float
    min_line_confidence: float
    indent_chars: float
    reread_strip: float
    reread_ink: float
    reread_max_chars: int
    reread_min_score: float
    reread_max_lines: int
    missed_min: float
    missed_max: float
    missed_max_lines: int
    image_max_side: int
    image_quality: int
    det_model: str
    rec_model: str
    cls_model: str
    fixes: tuple[tuple[str, str], ...] = ()  # (regex, replacement) applied to every OCR'd line


_DATA = tomllib.loads(resources.files("ingest").joinpath("data/readers.toml").read_text("utf-8"))
DEFAULT_LIMITS = Limits(**_DATA["limits"])
DEFAULT_OCR_SETTINGS = OcrSettings(
    **_DATA["ocr"],
    fixes=tuple((fix["pattern"], fix["replace"]) for fix in _DATA.get("ocr_fix", ())),
)


@dataclass(frozen=True)
class ReadOptions:
    ocr: str = DEFAULT_OCR_MODE  # one of OCR_MODES
    progress: PageProgress | None = None
    limits: Limits = DEFAULT_LIMITS
    ocr_settings: OcrSettings = DEFAULT_OCR_SETTINGS

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, got {self.ocr!r}")


DEFAULT_READ_OPTIONS = ReadOptions()
