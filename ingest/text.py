"""Pure text helpers shared by clean-up, metadata and matching.

Two kinds of output: *display* text keeps the printed characters (full-width digits stay full-width)
and only repairs extraction damage; *folded* text (``fold``) is for matching and comparison only.
Edits that change the display text are expressed as per-character replacements so callers can map
offsets from the input to the output (see ``apply_edits``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from ingest.datafiles import read_lines

# Glyphs that PDF extraction produces in place of a printed character (display fix, 1:1).
GLYPH_FIXES = {
    "¤": "．",  # the county-economy plan's font maps the full-width full stop to the currency sign
    "﹒": "．",  # small full stop, a presentation form some exporters use for 1﹒
}

# Half-width punctuation shown full-width when it sits in Chinese text.
_WIDE_FORM = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "«": "《", "»": "》"}
_OPEN_CLOSE = {"(": "（", ")": "）"}
_DIGITS = set("0123456789０１２３４５６７８９")
_SPACES = " \u00a0\u3000"  # not \t: it separates table cells

_CHINESE_DATE = re.compile(r"([0-9０-９]{4})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日")


def fold(s: str) -> str:
    """NFKC plus the glyph fixes, traditional characters as simplified: full-width digits/letters/
    punctuation become ASCII and 商務廳 becomes 商务厅, so a question or a document printed in
    traditional characters matches a simplified one. Matching only: display text keeps what was printed.
    """
    return simplified(unicodedata.normalize("NFKC", fix_glyphs(s)))


def simplified(s: str) -> str:
    """Traditional characters as simplified, one for one (same length and offsets as ``s``)."""
    return s.translate(_traditional_table())


@cache
def _traditional_table() -> dict[int, str]:
    """data/traditional.txt (from OpenCC's TSCharacters, see its header) as a str.translate table."""
    pairs = (line.split("\t") for line in read_lines("traditional.txt"))
    return {ord(traditional): simplified for traditional, simplified in pairs}


def fix_glyphs(s: str) -> str:
    """Replace extraction glyphs with the character that was printed (same length as ``s``)."""
    return s.translate(str.maketrans(GLYPH_FIXES))


def is_wide(ch: str) -> bool:
    """A CJK ideograph, full-width form or CJK punctuation (East Asian width W or F)."""
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def is_cjk_context(ch: str) -> bool:
    """A character that makes neighbouring half-width punctuation 'Chinese': wide, or curly quotes."""
    return is_wide(ch) or ch in "“”‘’"


def squeeze(s: str) -> str:
    """``s`` without any whitespace, e.g. a letter-spaced header '山 东 省' -> '山东省'."""
    return re.sub(r"\s+", "", s)


def is_letter_spaced(s: str, min_chars: int = 3) -> bool:
    """Whether ``s`` is CJK characters separated by single spaces, as in '山 东 省 人 民 政 府'."""
    parts = s.split()
    return len(parts) >= min_chars and all(len(p) == 1 and is_wide(p) for p in parts)


def parse_chinese_date(s: str) -> str:
    """The first date written 2023年11月11日 / ２０２３年１１月１１日 in ``s`` as ISO, or ''."""
    match = _CHINESE_DATE.search(s)
    if not match:
        return ""
    year, month, day = (int(fold(g)) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def punctuation_edits(s: str) -> list[str]:
    """Per-character replacements (each '' or one character) that show punctuation full-width.

    ``''.join(punctuation_edits(s))`` is the normalised text. Half-width punctuation next to Chinese
    text becomes full-width; a '.' becomes '。' only where it ends a Chinese sentence (never inside a
    number such as 1.5); a single space next to full-width punctuation is dropped because the
    full-width glyph already carries its own spacing (PDF extraction inserts such spaces before （
    and “); a run of spaces is a column gap and stays.
    """
    edits = list(fix_glyphs(s))
    _pair_brackets(s, edits)
    for i, ch in enumerate(s):
        # neighbours as already edited, so "（街）." sees the full-width bracket
        before, after = _edit_neighbour(edits, i, -1), _edit_neighbour(edits, i, 1)
        if ch in _WIDE_FORM and _is_chinese_punct(ch, before, after):
            edits[i] = _WIDE_FORM[ch]
        elif ch == "." and _ends_chinese_sentence(before, after):
            edits[i] = "。"
    for i, ch in enumerate(s):
        if ch in _SPACES and _hugs_wide_punctuation(edits, i) and not _in_space_run(s, i):
            edits[i] = ""
    return edits


def _in_space_run(s: str, i: int) -> bool:
    """Whether the space at ``i`` is one of two or more: a gap between the columns of a row laid out
    with spaces (…2000个。   市大数据局), not the single space an extraction puts before （ or “."""
    return (i > 0 and s[i - 1] in _SPACES) or (i + 1 < len(s) and s[i + 1] in _SPACES)


def normalize_punctuation(s: str) -> str:
    """``s`` with half-width punctuation in Chinese text shown full-width (see ``punctuation_edits``)."""
    return "".join(punctuation_edits(s))


def apply_edits(edits: Sequence[str]) -> tuple[str, list[int]]:
    """Join per-character edits; also return ``offsets`` with ``offsets[i]`` = new offset of old ``i``.

    ``offsets`` has one extra entry for the end of the text, so half-open spans map directly.
    """
    offsets = [0]
    for edit in edits:
        offsets.append(offsets[-1] + len(edit))
    return "".join(edits), offsets


def _neighbour(s: str, i: int, step: int) -> str:
    """The nearest character before (step -1) or after (step 1) ``i`` that is not a space."""
    j = i + step
    while 0 <= j < len(s) and s[j] in " \u00a0":
        j += step
    return s[j] if 0 <= j < len(s) else ""


def _is_chinese_punct(ch: str, before: str, after: str) -> bool:
    if ch == "," and before in _DIGITS and after in _DIGITS:
        return False  # a thousands separator
    if ch in "«»":
        return True
    return is_cjk_context(before) or is_cjk_context(after)


def _ends_chinese_sentence(before: str, after: str) -> bool:
    """A '.' after Chinese text; one between two digits is a decimal point (1.5, ５.２)."""
    return is_cjk_context(before) and not (before in _DIGITS and after in _DIGITS)


def _pair_brackets(s: str, edits: list[str]) -> None:
    """Show a ( ) pair full-width when it touches or encloses Chinese text."""
    stack: list[int] = []
    for i, ch in enumerate(s):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            inside = s[start + 1 : i]
            outside = _neighbour(s, start, -1) + _neighbour(s, i, 1)
            if any(is_cjk_context(c) for c in inside + outside):
                edits[start], edits[i] = _OPEN_CLOSE["("], _OPEN_CLOSE[")"]
    for start in stack:  # left open, e.g. a block cut short: judge by the text it opens
        if is_cjk_context(_neighbour(s, start, 1)):
            edits[start] = _OPEN_CLOSE["("]


def _hugs_wide_punctuation(edits: list[str], i: int) -> bool:
    before, after = _edit_neighbour(edits, i, -1), _edit_neighbour(edits, i, 1)
    if _is_wide_punct(before):
        return is_cjk_context(after)
    return _is_wide_punct(after) and is_cjk_context(before)


def _edit_neighbour(edits: list[str], i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(edits) and edits[j] in ("", " ", "\u00a0"):
        j += step
    return edits[j] if 0 <= j < len(edits) else ""


def _is_wide_punct(ch: str) -> bool:
    return bool(ch) and (ch in "“”‘’" or (is_wide(ch) and unicodedata.category(ch).startswith("P")))
