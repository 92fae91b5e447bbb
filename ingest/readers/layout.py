"""Reading order for positioned text: OCR segments of a page image, text runs of an OFD page.

Pieces are grouped into lines (top to bottom, each left to right). A line that starts well right of
the page's left margin is indented: its text starts with a full-width indent, so the clean-up
(ingest/clean.py) starts a paragraph there, as GB/T 9704 prints a paragraph (首行缩进二字). Joining
lines into paragraphs is left to that clean-up, which treats them exactly like text PDF lines.

Work is O(n log n) in the number of pieces, so a page with very many pieces cannot stall a reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from statistics import median

# What an indented line starts with in the page text: the 公文 first-line indent of two characters.
INDENT = "\u3000\u3000"
# A piece joins a line when it overlaps the line's first piece vertically by this share of the
# smaller height (baselines of one printed line agree; those of the next line are a line apart).
SAME_LINE_OVERLAP = 0.5
# Full lines (at least this share of the widest line) say where the left margin is.
FULL_LINE_SHARE = 0.8
# Two Latin pieces of a line further apart than this share of the line height are two words (glyphs
# placed one by one touch, or nearly).
WORD_GAP = 0.2
# Pieces drawn twice at the same spot (a way to fake bold) are one piece: positions rounded to this.
DUPLICATE_GRID = 0.25


@dataclass(frozen=True)
class Segment:
    """A piece of text with its bounding box (any unit, y growing downwards) and a score (0-1)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float = 1.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1e-6)


@dataclass(frozen=True)
class TextLine:
    text: str  # the pieces joined; starts with ``INDENT`` when the line is indented
    segments: tuple[Segment, ...]  # left to right

    @property
    def score(self) -> float:
        """The pieces' scores weighted by their characters."""
        chars = sum(len(s.text) for s in self.segments) or 1
        return sum(s.score * len(s.text) for s in self.segments) / chars

    def bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the whole line."""
        s = self.segments
        return (
            min(x.left for x in s),
            min(x.top for x in s),
            max(x.right for x in s),
            max(x.bottom for x in s),
        )


def reading_order(segments: list[Segment], indent_chars: float) -> list[TextLine]:
    """``segments`` as lines in reading order; a line indented by at least ``indent_chars`` times
    its character height from the left margin starts with ``INDENT``."""
    grouped = rows([s for s in _dedupe(segments) if s.text.strip()])
    margin = left_margin(grouped)
    lines = []
    for row in grouped:
        text = _join(row)
        indent = min(s.left for s in row) - margin if margin is not None else 0.0
        if indent >= indent_chars * median(s.height for s in row):
            text = INDENT + text
        lines.append(TextLine(text, tuple(row)))
    return lines


def _dedupe(segments: list[Segment]) -> list[Segment]:
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for s in segments:
        key = (s.text, round(s.left / DUPLICATE_GRID), round(s.bottom / DUPLICATE_GRID))
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def rows(segments: list[Segment]) -> list[list[Segment]]:
    """``segments`` grouped into lines, top to bottom, each sorted left to right."""
    rows: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: ((s.top + s.bottom) / 2, s.left)):
        anchor = rows[-1][0] if rows else None
        if anchor is not None and _overlap(anchor, segment) >= SAME_LINE_OVERLAP * min(
            segment.height, anchor.height
        ):
            rows[-1].append(segment)
        else:
            rows.append([segment])
    for row in rows:
        row.sort(key=lambda s: s.left)
    return rows


def _overlap(a: Segment, b: Segment) -> float:
    return min(a.bottom, b.bottom) - max(a.top, b.top)


def left_margin(rows: list[list[Segment]]) -> float | None:
    """Where full lines start: the median left edge of the lines nearly as wide as the widest."""
    if not rows:
        return None
    spans = [(min(s.left for s in row), max(s.right for s in row)) for row in rows]
    widest = max(right - left for left, right in spans)
    return median(left for left, right in spans if right - left >= FULL_LINE_SHARE * widest)


def _join(row: list[Segment]) -> str:
    """The texts of one line: a space only between two Latin words, as in a text PDF line."""
    text = row[0].text.strip()
    for before, segment in pairwise(row):
        piece = segment.text.strip()
        latin = text[-1:].isascii() and text[-1:].isalnum() and piece[:1].isascii() and piece[:1].isalnum()
        if latin and segment.left - before.right > WORD_GAP * min(before.height, segment.height):
            text += " "
        text += piece
    # str.splitlines also breaks at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029: the line stays one line.
    return " ".join(text.splitlines())
