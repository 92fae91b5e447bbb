"""Fixture helpers: 'scans' of rendered pages, clean or degraded, wrapped in image-only PDFs.

A page is typeset by ``render.render_pdf`` (reportlab, CID font STSong-Light), rasterised by PDFium
with the CJK font the system substitutes for it (fonts-wqy-microhei, which tests/system_setup.py
installs), optionally degraded as a scanner or a fax would (rotation, blur, noise, JPEG), and the
pictures are wrapped in a PDF without any text layer, as a scanner writes it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter

SCAN_DPI = 200  # an office scanner's default
CJK_FONT_DIRS = (Path("/usr/share/fonts/truetype/wqy"), Path("/usr/share/fonts/opentype/noto"))


def cjk_font_installed() -> bool:
    """Whether PDFium can draw the CJK text of the rendered PDFs (else the scans would be blank)."""
    return any(folder.is_dir() and any(folder.iterdir()) for folder in CJK_FONT_DIRS)


@dataclass(frozen=True)
class Degradation:
    rotate: float = 0.0  # degrees, counter-clockwise, as a sheet fed askew
    blur: float = 0.0  # Gaussian radius in pixels
    noise: float = 0.0  # share of pixels flipped to black or white (salt and pepper)
    jpeg: int | None = None  # JPEG quality the scan was saved with
    seed: int = 0

    def apply(self, image: Image.Image) -> Image.Image:
        page = image.convert("L")
        if self.rotate:
            page = page.rotate(self.rotate, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        if self.blur:
            page = page.filter(ImageFilter.GaussianBlur(self.blur))
        if self.noise:
            page = _salt_and_pepper(page, self.noise, self.seed)
        if self.jpeg is not None:
            buffer = io.BytesIO()
            page.save(buffer, format="JPEG", quality=self.jpeg)
            page = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
        return page


CLEAN = Degradation()
# Each alone, and all together: what the OCR tests and the benchmark (tests/ingest/ocr_bench.py) use.
DEGRADATIONS = {
    "rotated 1.5°": Degradation(rotate=1.5),
    "blurred": Degradation(blur=1.2),
    "noisy": Degradation(noise=0.02, seed=7),
    "JPEG q=25": Degradation(jpeg=25),
    "all four": Degradation(rotate=1.0, blur=0.8, noise=0.01, jpeg=40, seed=3),
}


def raster(pdf: bytes, dpi: int = SCAN_DPI) -> list[Image.Image]:
    """Every page of ``pdf`` as a grey picture at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


def image_pdf(pages: Sequence[Image.Image], path: Path | None = None, dpi: int = SCAN_DPI) -> bytes:
    """A PDF of one picture per page and no text layer at all."""
    buffer = io.BytesIO()
    first, *rest = [page.convert("L") for page in pages]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def scan(pdf: bytes, degradations: Sequence[Degradation] | Degradation = CLEAN) -> bytes:
    """An image-only PDF of ``pdf``'s pages, page i degraded by ``degradations[i]`` (or all alike)."""
    pages = raster(pdf)
    if isinstance(degradations, Degradation):
        degradations = [degradations] * len(pages)
    return image_pdf([d.apply(page) for d, page in zip(degradations, pages, strict=True)])


def _salt_and_pepper(page: Image.Image, share: float, seed: int) -> Image.Image:
    rng = random.Random(seed)
    pixels = page.load()
    width, height = page.size
    for _ in range(int(width * height * share)):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 255))
    return page
