"""Layout clean-up: ``clean_document(raw) -> CleanDocument``.

The text goes through a fixed sequence of line-level steps, each a pure function over ``Line``
values that carry their page number, so page provenance survives every step:

1. split into lines (a page-less TXT is split into pages at its printed "— N —" footers, if any);
2. drop page-number lines and page numbers glued to a line;
3. move the 版头 (red header, document code, 文号 before the title) to front matter;
4. drop running headers;
5. move the 版记 (抄送 / …印发) to back matter;
6. join soft line breaks into paragraphs (one paragraph per output line);
7. show punctuation full-width, mapping page offsets through the edit.

The knowledge (patterns, keywords, thresholds) lives in ``data/layout_rules.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

from ingest.model import Box, CleanDocument, Page, RawDocument, Region
from ingest.numbering import match_number
from ingest.roles import has_role_word
from ingest.tables import flat_table_lines
from ingest.text import apply_edits, is_letter_spaced, normalize_punctuation, punctuation_edits, squeeze

# Readers whose text is already one paragraph per line (structure from the markup, never wrapped);
# .doc, .wps and .rtf are read as the DOCX LibreOffice converts them to.
STRUCTURED_FORMATS = ("docx", "html", "doc", "wps", "rtf")
# A page-less TXT needs at least this many increasing "— N —" footers before they are trusted as pages.
PAGE_FOOTERS_MIN = 3


@dataclass(frozen=True)
class Line:
    text: str  # as extracted, without the line break or trailing spaces
    page: int | None
    box: Box | None = None  # where an OCR'd line is printed


@dataclass(frozen=True)
class Rules:
    page_line: tuple[re.Pattern[str], ...]
    page_glued_end: re.Pattern[str]
    page_glued_start: re.Pattern[str]
    contents_title: re.Pattern[str]
    contents_entry: re.Pattern[str]
    front: tuple[re.Pattern[str], ...]
    front_max_lines: int
    front_max_chars: int
    org_suffixes: tuple[str, ...]
    back: tuple[re.Pattern[str], ...]
    back_max_lines: int
    header_max_chars: int
    header_min_repeats: int
    terminal: str
    closers: str
    line_start_forbidden: frozenset[str]
    heading_starts: tuple[re.Pattern[str], ...]
    title_endings: tuple[str, ...]
    year_range_line: re.Pattern[str]
    standalone: tuple[re.Pattern[str], ...]
    wrap_min_lines: int
    wrap_max_width: int
    wrap_percentile: float
    short_line_ratio: float
    indent_spaces: int


@cache
def rules() -> Rules:
    """The layout rules from ``data/layout_rules.toml`` (read once)."""
    data = tomllib.loads(resources.files("ingest").joinpath("data/layout_rules.toml").read_text("utf-8"))
    page, front, back, para, wrap = (data[k] for k in ("page_number", "front", "back", "paragraphs", "wrap"))
    return Rules(
        page_line=tuple(map(re.compile, page["line"])),
        page_glued_end=re.compile(page["glued_end"]),
        page_glued_start=re.compile(page["glued_start"]),
        contents_title=re.compile(data["contents"]["title"]),
        contents_entry=re.compile(data["contents"]["entry"]),
        front=tuple(map(re.compile, front["patterns"])),
        front_max_lines=front["max_lines"],
        front_max_chars=front["max_chars"],
        org_suffixes=tuple(front["org_suffixes"]),
        back=tuple(map(re.compile, back["patterns"])),
        back_max_lines=back["max_lines"],
        header_max_chars=data["headers"]["max_chars"],
        header_min_repeats=data["headers"]["min_repeats"],
        terminal=para["terminal"],
        closers=para["trailing_closers"],
        line_start_forbidden=frozenset(para["line_start_forbidden"]),
        heading_starts=tuple(map(re.compile, para["heading_starts"])),
        title_endings=tuple(para["title_endings"]),
        year_range_line=re.compile(para["year_range_line"]),
        standalone=tuple(map(re.compile, para["standalone"])),
        wrap_min_lines=wrap["min_lines"],
        wrap_max_width=wrap["max_width"],
        wrap_percentile=wrap["width_percentile"],
        short_line_ratio=wrap["short_line_ratio"],
        indent_spaces=wrap["indent_spaces"],
    )


def clean_document(raw: RawDocument) -> CleanDocument:
    """Remove layout noise from ``raw`` and return display text with page offsets."""
    lines = drop_contents(split_lines(raw))
    front, lines = split_front(lines)
    lines = drop_running_headers(lines, front)
    lines, back = split_back(lines)
    wrapped = raw.format not in STRUCTURED_FORMATS and is_wrapped(lines)
    text, page_starts, page_numbers, regions = assemble(join_paragraphs(lines, wrapped))
    return CleanDocument(
        text=text,
        page_starts=page_starts,
        page_numbers=page_numbers,
        front_matter=tuple(normalize_punctuation(_key(line.text)) for line in front),
        back_matter=tuple(_key(t) for t in assemble(join_paragraphs(back, wrapped))[0].splitlines()),
        regions=regions,
    )


# --- 1-2. lines and page numbers -------------------------------------------------------------


def split_lines(raw: RawDocument) -> list[Line]:
    """All non-blank lines with their page, page-number lines and glued page numbers removed."""
    if raw.format == "txt" and len(raw.pages) == 1:  # maybe a PDF extraction with visible footers
        return paginate_by_footers(raw.pages[0].text.splitlines())
    lines: list[Line] = []
    for page in raw.pages:
        for text, box in zip(page.text.splitlines(), _line_boxes(page), strict=False):
            body = strip_page_number(text)[0]
            if body.strip():
                lines.append(Line(body.rstrip(), page.number, box))
    return lines


def drop_contents(lines: list[Line]) -> list[Line]:
    """Without the table of contents: its 目录 line and its entries (heading, dot leaders, page)."""
    r = rules()
    return [
        line
        for line in lines
        if not (r.contents_title.match(line.text.strip()) or r.contents_entry.search(line.text))
    ]


def _line_boxes(page: Page) -> list[Box | None]:
    """The box of each line of ``page.text``: an OCR'd page's text is its OCR lines, one per line."""
    count = len(page.text.splitlines())
    if page.scan is None or len(page.scan.lines) != count:
        return [None] * count
    return [line.box for line in page.scan.lines]


def strip_page_number(text: str) -> tuple[str, int | None, str]:
    """``text`` without a page number, that number, and where it was: "line", "end", "start" or ""."""
    r = rules()
    stripped = text.strip()
    if any(p.match(stripped) for p in r.page_line):
        return "", _page_digits(stripped), "line"
    for where, pattern in (("end", r.page_glued_end), ("start", r.page_glued_start)):
        match = pattern.search(text)
        if match:
            return text[: match.start()] + text[match.end() :], _page_digits(match.group()), where
    return text, None, ""


def paginate_by_footers(texts: Sequence[str]) -> list[Line]:
    """Lines of a page-less text; pages recovered from printed footers when they count up cleanly.

    A footer closes its page: lines before "— 2 —" are page 2, lines after the last footer are on
    the next page. A footer glued to the start of a line closes the page before that line.
    """
    found = [strip_page_number(t) for t in texts]
    numbers = [n for _, n, _ in found if n is not None]
    trusted = len(numbers) >= PAGE_FOOTERS_MIN and all(a < b for a, b in pairwise(numbers))
    lines: list[Line] = []
    pending: list[str] = []
    for body, number, where in found:
        if where != "start" and body.strip():
            pending.append(body.rstrip())
        if number is not None and trusted:
            lines += [Line(t, number) for t in pending]
            pending = []
        if where == "start" and body.strip():
            pending.append(body.rstrip())
    last = numbers[-1] + 1 if trusted else None
    return lines + [Line(t, last) for t in pending]


def _page_digits(s: str) -> int:
    digits = re.findall(r"[0-9０-９]+", s)
    return int(digits[0].translate(str.maketrans("０１２３４５６７８９", "0123456789")))


# --- 3-5. front matter, running headers, back matter -----------------------------------------


def split_front(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The leading run of 版头 lines (letterhead, document code, 文号) and the rest."""
    r = rules()
    count = 0
    while count < min(len(lines), r.front_max_lines) and is_front_line(lines[count].text):
        count += 1
    return lines[:count], lines[count:]


def is_front_line(text: str) -> bool:
    r = rules()
    stripped = text.strip()
    if any(p.search(stripped) for p in r.front):
        return True
    name = squeeze(stripped)
    return len(name) <= r.front_max_chars and not _has_sentence_punct(name) and name.endswith(r.org_suffixes)


def drop_running_headers(lines: list[Line], front: Sequence[Line]) -> list[Line]:
    """``lines`` without running headers: short lines recurring at page edges (or, without pages,
    anywhere), and later copies of a letter-spaced 版头 line such as '山 东 省 人 民 政 府'."""
    headers = {_key(line.text) for line in front if is_letter_spaced(line.text)}
    # The first page's copy counts as a recurrence even when it went to the front matter: OCR loses
    # the letter-spacing that marks it, and a header is on every page, the first one too.
    headers |= _recurring_headers([*front, *lines])
    return [line for line in lines if _key(line.text) not in headers]


def _recurring_headers(lines: list[Line]) -> set[str]:
    r = rules()
    pages = {line.page for line in lines if line.page is not None}
    if len(pages) == 1:
        return set()  # one page has no *running* header
    if pages:
        candidates = _page_edges(lines)
        needed = min(r.header_min_repeats, len(pages))
    else:
        candidates = [_key(line.text) for line in lines]
        needed = r.header_min_repeats
    counts = Counter(candidates)
    return {key for key, n in counts.items() if n >= needed and _could_be_header(key)}


def _page_edges(lines: list[Line]) -> list[str]:
    """The first and last line of every page (as keys), once per page."""
    edges: list[str] = []
    for i, line in enumerate(lines):
        first = i == 0 or lines[i - 1].page != line.page
        last = i == len(lines) - 1 or lines[i + 1].page != line.page
        if first or last:
            edges.append(_key(line.text))
    return edges


def _could_be_header(key: str) -> bool:
    r = rules()
    name = squeeze(key)
    return 0 < len(name) <= r.header_max_chars and not _has_sentence_punct(name) and not starts_heading(name)


def split_back(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The body and the 版记 (抄送 / 印发 lines) that ends the document."""
    r = rules()
    window = range(max(0, len(lines) - r.back_max_lines), len(lines))
    starts = [i for i in window if any(p.search(lines[i].text.strip()) for p in r.back)]
    cut = starts[0] if starts else len(lines)
    return lines[:cut], lines[cut:]


def _key(text: str) -> str:
    return " ".join(text.split())


def _has_sentence_punct(s: str) -> bool:
    return any(ch in "，。；：！？,;:!?" for ch in s)


# --- 6. paragraphs ---------------------------------------------------------------------------


def is_wrapped(lines: Sequence[Line]) -> bool:
    """Whether the text is hard-wrapped at a page width (PDF extraction) rather than one paragraph
    per line (DOCX, HTML, most published TXT)."""
    return len(lines) >= rules().wrap_min_lines and 0 < wrap_width(lines) <= rules().wrap_max_width


def wrap_width(lines: Sequence[Line]) -> int:
    """The typical width of a full line: a high percentile of the line lengths."""
    lengths = sorted(len(squeeze(line.text)) for line in lines)
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * rules().wrap_percentile))]


def join_paragraphs(lines: Sequence[Line], wrapped: bool) -> list[list[Line]]:
    """Group lines into paragraphs: a soft line break continues the paragraph."""
    width = wrap_width(lines) if wrapped else 0
    cells = flat_table_lines([line.text for line in lines])  # a flattened table: a cell a line
    paragraphs: list[list[Line]] = []
    for i, line in enumerate(lines):
        following = lines[i + 1].text if i + 1 < len(lines) else ""
        if (
            paragraphs
            and i not in cells
            and not breaks_before(lines[i - 1].text, line.text, following, width)
        ):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def breaks_before(previous: str, line: str, following: str, width: int) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous`` (``following`` is the line after).

    ``width`` is the wrap width of hard-wrapped text, or 0 when every line is its own paragraph;
    titles split over two lines are joined in both cases.
    """
    before, current = previous.strip(), line.strip()
    if continues_title(before, current):
        return False
    if current[:1] in rules().line_start_forbidden:
        return False  # a line cannot begin with closing punctuation: the break is an artefact
    if width and closes_open_bracket(before, current):
        return False  # （模板参考附件 / 2），…: the number closes the bracket, it opens no item
    if not width or stands_alone(before) or starts_paragraph(line):
        return True
    if ends_title(before) and len(squeeze(before)) < width:
        return True  # a full line ending 计划 or 方案 is a sentence wrapped there, not a title
    if opens_attribution(current + following.strip()):
        return False  # an attribution bracket belongs to the sentence before it
    if stands_alone(current) or ends_paragraph(before):
        return True
    return len(squeeze(before)) < width * rules().short_line_ratio


def closes_open_bracket(previous: str, line: str) -> bool:
    """``previous`` leaves a bracket open and ``line`` closes it before opening another."""
    if previous.count("（") + previous.count("(") <= previous.count("）") + previous.count(")"):
        return False
    closing = min((i for i in (line.find("）"), line.find(")")) if i >= 0), default=-1)
    opening = min((i for i in (line.find("（"), line.find("(")) if i >= 0), default=len(line))
    return 0 <= closing < opening


def stands_alone(text: str) -> bool:
    """A date line, a 文号 line or a bracketed note: a paragraph on its own."""
    return any(p.match(text) for p in rules().standalone)


def ends_paragraph(text: str) -> bool:
    """A line ending with sentence-final punctuation, an attribution bracket, or a bracket-only line."""
    r = rules()
    body = text.strip().rstrip(r.closers)
    if not body:
        return True
    if body[-1] in "）)":
        opening = max(body.rfind("（"), body.rfind("("))
        return opening <= 0 or has_role_word(body[opening:])
    return body[-1] in r.terminal


def starts_paragraph(text: str) -> bool:
    """An indented line or a line that opens with a numbered heading."""
    indent = len(text) - len(text.lstrip())
    return indent >= rules().indent_spaces or text.startswith("\u3000") or starts_heading(text.strip())


def opens_attribution(text: str) -> bool:
    """``text`` starts with a bracket group naming who leads or cooperates, e.g. （省财政厅牵头）."""
    if not text.startswith(("（", "(")):
        return False
    closing = min((i for i in (text.find("）"), text.find(")")) if i > 0), default=len(text))
    return has_role_word(text[:closing])


def ends_title(text: str) -> bool:
    """A title line: it ends like a title and is no sentence (no commas, no open 《)."""
    r = rules()
    return (
        text.endswith(r.title_endings)
        and not _has_sentence_punct(text)
        and text.count("《") <= text.count("》")
    )


def starts_heading(text: str) -> bool:
    """An item number (the numbering of ``numbering.py``) or another paragraph opener (附件, ——)."""
    return match_number(text) is not None or any(p.match(text) for p in rules().heading_starts)


def continues_title(previous: str, line: str) -> bool:
    """``line`` completes a title begun on ``previous``: it ends like a title (…的通知, （试行）) or is
    only the year range (２０２３－２０２５年)."""
    r = rules()
    if not previous or ends_paragraph(previous) or starts_heading(previous) or starts_heading(line):
        return False
    if r.year_range_line.match(line):
        return True
    return line.endswith(r.title_endings) and not previous.endswith(r.title_endings)


# --- 7. assembling the text with page offsets ------------------------------------------------


def assemble(
    paragraphs: Sequence[Sequence[Line]],
) -> tuple[str, tuple[int, ...], tuple[int, ...], tuple[Region, ...]]:
    """The display text (one paragraph per line), where each page starts in it, and the span of
    every line that has a box."""
    parts: list[str] = []
    page_marks: list[tuple[int, int]] = []  # (offset before punctuation edits, page number)
    boxed: list[tuple[int, int, Box]] = []  # (start, end) before punctuation edits, box
    offset = 0
    for paragraph in paragraphs:
        if parts:
            parts.append("\n")
            offset += 1
        for piece in paragraph:
            text = _joiner(parts[-1] if parts else "", piece.text.strip())
            if piece.page is not None and (not page_marks or page_marks[-1][1] != piece.page):
                page_marks.append((offset + len(text) - len(piece.text.strip()), piece.page))
            if piece.box is not None:
                boxed.append((offset + len(text) - len(piece.text.strip()), offset + len(text), piece.box))
            parts.append(text)
            offset += len(text)
    text, offsets = apply_edits(punctuation_edits("".join(parts)))
    return (
        text,
        tuple(offsets[start] for start, _ in page_marks),
        tuple(number for _, number in page_marks),
        tuple(Region(offsets[start], offsets[end], box) for start, end, box in boxed),
    )


def _joiner(before: str, piece: str) -> str:
    """``piece`` as appended to ``before``: a space only between two Latin words split by a wrap."""
    if before[-1:].isascii() and before[-1:].isalpha() and piece[:1].isascii() and piece[:1].isalpha():
        return " " + piece
    return piece
