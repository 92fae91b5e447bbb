"""Clean text -> the numbered clause tree (untagged ``Clause`` values), appendices and task tables included.

The text is split into parts: the body, then each appendix (附件1 …) after it (``_parts``). In each
part a heading is an item number at the start of a line (see ``numbering.py``); numbers inside
sentences ("形成1－2个", "2023年", a mid-line "（1）") are never headings because they do not start a
line, and a line that starts with a number only because a sentence was broken there ("（十二）项规定…")
is rejected by the numbering rules or by the sequence check. An appendix is a clause itself (path
"附件1", its title as heading) and the parent of its own tree ("附件1 一、（一）"). Each row of a task
table (``tables.py``) is a clause "第3项" of its part, citable as "附件1 第3项".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.datafiles import read_toml
from ingest.model import Clause
from ingest.numbering import ItemNumber, fold_width, match_number
from ingest.tables import TableRow, TaskTable, find_tables

# A number may skip this many values after the previous one at its level (a typo in the source,
# an item lost in extraction) and still count as the next item; bigger jumps are a broken line.
MAX_SEQUENCE_GAP = 2
# The heading is the item's words up to the first sentence end.
_HEADING_END = re.compile(r"[。．；;：:？！?!]|\.(?![0-9])")
# The signature block after the last clause: issuer line, date line ("2018年11月16日").
_DATE_LINE = re.compile(
    r"^[ \t]*[0-9]{4}[ \t]*年[ \t]*[0-9]{1,2}[ \t]*月[ \t]*[0-9]{1,2}[ \t]*日[ \t]*$", re.M
)
# An issuer line above the date is short and has no sentence punctuation.
MAX_SIGNATURE_CHARS = 30
_SENTENCE_MARKS = "。，；："
_WHITESPACE = re.compile(r"[ \t\u3000]+")
# How a table row is cited within its part: 第3项.
ROW_NUMBER = "第{}项"
# The level of the one clause of a text without numbers: above every numbered level (章 -20, 附件 -90).
UNNUMBERED_RANK = -100


@dataclass(frozen=True)
class _Rules:
    label: re.Pattern[str]
    listing_title: re.Pattern[str]
    record: re.Pattern[str]
    rank: int
    title_max_chars: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_toml("numbering.toml")["appendix"]
    return _Rules(
        re.compile(data["label"], re.M),
        re.compile(data["listing_title"]),
        re.compile(data["record"], re.M),
        int(data["rank"]),
        int(data["title_max_chars"]),
    )


@dataclass(frozen=True)
class Part:
    """The body (label "") or one appendix: its label as printed (spaces removed) and title."""

    label: str
    title: str
    start: int  # the label line, or the body's start
    content: int  # where its own numbered text may start (after the label and title lines)
    end: int


@dataclass(frozen=True)
class Segmented:
    clauses: tuple[Clause, ...]
    rows: dict[int, TableRow]  # clause index -> the table row it was made from


@dataclass(frozen=True)
class _Heading:
    number: ItemNumber
    start: int  # offset of the number in the text
    body: int  # offset of the item's words
    line_end: int


def _headings(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[_Heading]:
    """Every line of ``text[start:end]`` that starts with a plausible item number, in order."""
    found: list[_Heading] = []
    last_value: dict[int, int] = {}  # rank -> last accepted value at that rank
    fresh: set[int] = set()  # ranks whose list may restart: a higher level began since their last item
    offset = start
    for line in text[start:end].splitlines(keepends=True):
        number = match_number(line)
        inside_table = any(a <= offset < b for a, b in skip)
        if number and not inside_table and _continues_sequence(number, last_value, fresh):
            rank = number.level.rank
            last_value[rank] = number.value
            fresh.discard(rank)
            fresh.update(r for r in last_value if r > rank)
            line_end = offset + len(line.rstrip("\r\n"))
            found.append(_Heading(number, offset + number.start, offset + number.body, line_end))
        offset += len(line)
    return found


def _continues_sequence(number: ItemNumber, last_value: dict[int, int], fresh: set[int]) -> bool:
    """A heading is item 1 of a new list or comes shortly after the last item of its level.

    The last value is kept across parents because some documents number items through the whole
    document (国办发〔2020〕45号 numbers 1．-20． across seven （一）groups); under a new parent a list
    may also restart with its first items lost ((二) with no (一), an OCR slip).
    """
    previous = last_value.get(number.level.rank)
    if number.value == 1:
        return True
    restart = previous is None or number.level.rank in fresh  # a list whose first items were lost
    if restart and number.value <= 1 + MAX_SEQUENCE_GAP:
        return True
    return previous is not None and previous < number.value <= previous + MAX_SEQUENCE_GAP


def _heading_text(line: str) -> str:
    stop = _HEADING_END.search(fold_width(line))
    return (line[: stop.start()] if stop else line).strip()


def _parts(text: str, after: int) -> list[Part]:
    """The body and the appendices; label lines with a title are looked for only after ``after`` (the
    first heading), because a 印发 notice lists its 附件 before the attached plan itself."""
    rules = _rules()
    # A bare label line (附件 alone, its title on the next line) is no list of appendices: before the
    # first heading too, it opens the appendix that an unnumbered cover letter forwards.
    candidates = [(m, _is_bare(text, m)) for m in rules.label.finditer(text)]
    labels = [m for m, is_bare in candidates if m.start() >= after or is_bare]
    bare = [m for m, is_bare in candidates if is_bare]
    starts = bare or [m for m in labels if not _lists_appendices(text, m)]
    record = rules.record.search(text, after)
    body_end = min([m.start() for m in labels[:1]] + ([record.start()] if record else []) + [len(text)])
    parts = [Part("", "", 0, 0, body_end)]
    for found, following in zip(starts, [*starts[1:], None][: len(starts)], strict=True):
        if following is not None:
            stop = following.start()
        else:
            stop = record.start() if record and record.start() > found.end() else len(text)
        title, content = _title(text, found, stop)
        parts.append(Part(_WHITESPACE.sub("", found["label"]), title, found.start(), content, stop))
    return parts


def _is_bare(text: str, label: re.Match[str]) -> bool:
    """附件 / 附件： alone on its line, its title on the next: the appendix itself begins."""
    return not (label["title"] or "").strip() and not _lists_appendices(text, label)


def _lists_appendices(text: str, label: re.Match[str]) -> bool:
    """附件：1.申请书 / 附件： then 1.申请书 on the next line: the body's list of its appendices."""
    title = (label["title"] or "").strip()
    if not title:
        title = text[label.end() :].lstrip("\r\n").split("\n", 1)[0].strip()
    return bool(_rules().listing_title.match(title))


def _title(text: str, label: re.Match[str], stop: int) -> tuple[str, int]:
    """The appendix title (on the label line, or the short line after a bare label) and where the
    appendix's own text begins."""
    if label["title"]:
        return label["title"].strip(), label.end()
    line_end = text.find("\n", label.end() + 1, stop)
    line = text[label.end() : line_end if line_end != -1 else stop].strip()
    if line and len(line) <= _rules().title_max_chars and not match_number(line) and "\t" not in line:
        return line, label.end() + (len(text[label.end() :]) - len(text[label.end() :].lstrip())) + len(line)
    return "", label.end()


def _signature_start(text: str, last_heading: int, end: int) -> int:
    """Where the signature block (issuer line, date line) after the last heading begins, else ``end``."""
    dates = [m for m in _DATE_LINE.finditer(fold_width(text), last_heading, end)]
    if not dates:
        return end
    cut = dates[-1].start()
    previous = text[:cut].rstrip().rsplit("\n", 1)
    issuer = previous[-1].strip()
    if len(previous) == 2 and len(issuer) <= MAX_SIGNATURE_CHARS and not set(issuer) & set(_SENTENCE_MARKS):
        cut = len(previous[0]) + 1
    return cut


def _trimmed_end(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


@dataclass(frozen=True)
class _Item:
    """A clause to be: a numbered heading or a table row, with where it starts and its parts."""

    start: int
    line_end: int
    rank: int
    number: str
    heading: str
    row: TableRow | None = None
    decimal: bool = False  # 2.1.3: the number names its ancestors itself


def _items(text: str, part: Part, tables: list[TaskTable]) -> list[_Item]:
    skip = [(t.start, t.end) for t in tables]
    items = [
        _Item(
            h.start,
            h.line_end,
            rank,
            text[h.start : h.number.end - h.number.start + h.start],
            _heading_text(text[h.body : h.line_end]),
            decimal=h.number.level.numeral == "decimal",
        )
        for h, rank in _ranked(_headings(text, part.content, part.end, skip))
    ]
    row_rank = max([i.rank for i in items], default=0) + 1
    for table in tables:
        for position, row in enumerate(table.rows, start=1):
            task = row.cells.get("task") or row.cells.get("content")
            heading = _heading_text(task.text) if task else ""
            items.append(
                _Item(row.start, row.end, row_rank, ROW_NUMBER.format(row.number or position), heading, row)
            )
    return sorted(items, key=lambda i: i.start)


def _ranked(headings: list[_Heading]) -> list[tuple[_Heading, int]]:
    """Each heading with its rank in the tree: its level's, or for a nested list (第一项) one below the
    last heading of another level before it."""
    out: list[tuple[_Heading, int]] = []
    above: int | None = None
    for heading in headings:
        level = heading.number.level
        if level.nested and above is not None:
            out.append((heading, above + 1))
        else:
            out.append((heading, level.rank))
            above = level.rank if not level.nested else above
    return out


def segment_document(text: str) -> Segmented:
    """The clause tree of ``text`` in document order; the text before the first number is no clause.

    A text with no number at all (a reply letter, a short notice) is one clause with an empty path:
    its duties are still the document's, and it is cited by its title alone.
    """
    first = _headings(text, 0, len(text), [])
    tables = find_tables(text, 0, len(text))
    if not first and not tables:
        return Segmented(_unnumbered(text), {})
    after = first[0].line_end if first else min(t.start for t in tables)
    clauses: list[Clause] = []
    rows: dict[int, TableRow] = {}
    for part in _parts(text, after):
        part_tables = [t for t in tables if part.content <= t.start < part.end]
        items = _items(text, part, part_tables)
        if not part.label:
            items = [i for i in items if i.start >= first[0].start] if first else items
        _add_part(text, part, items, clauses, rows)
    return Segmented(tuple(clauses), rows)


def _unnumbered(text: str) -> tuple[Clause, ...]:
    """The body of a text without numbers: from its first sentence (after the title, the document
    number and the addressee, none of which ends with 。) to its signature."""
    body = re.search(r"^[^\n]*。", text, re.M)
    start = body.start() if body else len(text) - len(text.lstrip())
    end = _signature_start(text, start, len(text))
    if not text[start:end].strip():
        return ()
    return (_clause(text, 0, "", "", UNNUMBERED_RANK, "", start, end, None),)


def _add_part(
    text: str, part: Part, items: list[_Item], clauses: list[Clause], rows: dict[int, TableRow]
) -> None:
    root: Clause | None = None
    if part.label:
        stop = items[0].start if items else part.end
        root = _clause(
            text,
            len(clauses),
            part.label,
            part.label,
            _rules().rank,
            part.title,
            part.start,
            max(stop, part.content),
            None,
        )
        clauses.append(root)
    if not items:
        return
    last_stop = _signature_start(text, items[-1].start, part.end) if not part.label else part.end
    stops = [i.start for i in items[1:]] + [last_stop]
    stack: list[Clause] = [root] if root else []
    for item, stop in zip(items, stops, strict=True):
        while stack and stack[-1].level >= item.rank and stack[-1] is not root:
            stack.pop()
        parent = stack[-1] if stack else None
        path = _decimal_path(stack, item.number) if item.decimal else _child_path(parent, item.number)
        end = item.row.end if item.row else max(stop, item.line_end)
        clause = _clause(
            text,
            len(clauses),
            path,
            item.number,
            item.rank,
            item.heading,
            item.start,
            end,
            parent.index if parent else None,
        )
        if item.row:
            rows[clause.index] = item.row
        clauses.append(clause)
        stack.append(clause)


def _decimal_path(ancestors: list[Clause], number: str) -> str:
    """2.1.3 under 2.1 under 2.: the number already names them, so the path is the nearest other
    ancestor's (a chapter, an appendix) and the number: 第二章2.1.3, not 第二章2.2.12.1.3."""
    own = fold_width(number).strip()
    base = next(
        (
            a
            for a in reversed(ancestors)
            if not own.startswith(fold_width(a.number).strip().rstrip(".、") + ".")
        ),
        None,
    )
    return _child_path(base, number)


def _child_path(parent: Clause | None, number: str) -> str:
    if parent is None:
        return number
    if parent.level == _rules().rank:  # an appendix: "附件1 一、"
        return f"{parent.path} {number}"
    return parent.path + number


def _clause(
    text: str,
    index: int,
    path: str,
    number: str,
    rank: int,
    heading: str,
    start: int,
    end: int,
    parent: int | None,
) -> Clause:
    end = _trimmed_end(text, start, end)
    return Clause(
        index=index,
        path=path,
        number=number,
        level=rank,
        heading=heading,
        text=text[start:end],
        start=start,
        end=end,
        parent=parent,
    )


def segment(text: str) -> tuple[Clause, ...]:
    """The clauses of ``text`` (see ``segment_document``)."""
    return segment_document(text).clauses
