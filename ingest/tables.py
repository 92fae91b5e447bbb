"""Task tables (任务分工表) in clean text -> rows with their task, units and deadline cells.

Readers give a table either as one line per row, cells separated by a tab (DOCX, HTML, PDF tables
found by pdfplumber), flattened, one cell per line (text extracted from a PDF or a web page
without its table structure), or one line per row with cells apart by spaces (a PDF's text laid out
in columns, a table typed into a text file). Columns are recognised from the header row by
``data/tables.toml`` and the role labels of ``data/roles.toml``; a table is a task table when a
column names units.
Pure: text in, ``TaskTable`` values (with offsets into the text) out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.datafiles import read_toml
from ingest.numbering import fold_width
from ingest.roles import ROLE_NAMES, grammar, label_role
from ingest.units import is_generic, looks_like_unit, normalise, split_units

CELL_SEPARATOR = "\t"
UNIT_COLUMNS = ROLE_NAMES
# The widest flattened table read (a header of more cells is not a header of single-cell lines).
MAX_FLAT_COLUMNS = 10
# A header cell is a short label (主要内容, 完成时限), never a sentence.
MAX_HEADER_CHARS = 10
_ROW_NUMBER = re.compile(r"^\s*(?P<num>[0-9]{1,3})[.、]?\s*$")
_DEADLINE_SHAPE = re.compile(r"[0-9]{4}年|年底|月底|季度|长期|持续|常态化|前$|年内")
_LINE = re.compile(r"[^\n]*\n?")
_PIECE = re.compile(r"[^ \t\u3000]+")  # a cell of a row laid out with spaces
# A flattened table ends where the next appendix (or the 版记) begins.
_TABLE_ENDS = ("附件", "抄送")


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TableRow:
    number: str  # the 序号 as printed, "" without a number column
    start: int  # the row's span in the text
    end: int
    cells: dict[str, Cell]  # column kind -> cell (number, task, content, lead, …)


@dataclass(frozen=True)
class TaskTable:
    start: int  # header row start
    end: int  # end of the last row
    columns: tuple[str, ...]  # kind of each column, "other" when unknown
    rows: tuple[TableRow, ...]


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, str], int]:
    data = read_toml("tables.toml")
    kinds = ("number", "task", "content", "deadline", *UNIT_COLUMNS)
    return {normalise(word): kind for kind in kinds for word in data[kind]}, int(data["min_known_cells"])


def column_kind(header: str) -> str:
    """number / task / content / deadline / lead / cooperate / responsible, or other."""
    key = normalise(header)
    known = _vocabulary()[0].get(key)
    if known:
        return known
    label = grammar().label.fullmatch(fold_width(key) + ":")
    return label_role(label) if label else "other"


def _is_header(kinds: list[str]) -> bool:
    known = [k for k in kinds if k != "other"]
    return (
        len(known) >= _vocabulary()[1]
        and any(k in UNIT_COLUMNS for k in known)
        and any(k in ("number", "task", "content") for k in known)
    )


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of every line in ``text[start:end]``, line breaks excluded."""
    spans = []
    for match in _LINE.finditer(text, start, end):
        if match.start() == match.end():
            break
        spans.append((match.start(), match.start() + len(match.group().rstrip("\n"))))
    return spans


def find_tables(text: str, start: int, end: int) -> list[TaskTable]:
    """The task tables of ``text[start:end]``, in order."""
    lines = _lines(text, start, end)
    tables: list[TaskTable] = []
    i = 0
    while i < len(lines):
        table = _tab_table(text, lines, i) or _spaced_table(text, lines, i) or _flat_table(text, lines, i)
        if table is None:
            i += 1
            continue
        tables.append(table)
        i = next((k for k, (a, _) in enumerate(lines) if a >= table.end), len(lines))
    return tables


def _cells(text: str, span: tuple[int, int]) -> list[Cell]:
    cells, at = [], span[0]
    for piece in text[span[0] : span[1]].split(CELL_SEPARATOR):
        cells.append(Cell(piece.strip(), at, at + len(piece)))
        at += len(piece) + 1
    return cells


def _tab_table(text: str, lines: list[tuple[int, int]], i: int) -> TaskTable | None:
    header = _cells(text, lines[i])
    kinds = [column_kind(c.text) for c in header]
    if len(header) < 2 or not _is_header(kinds):
        return None
    rows: list[TableRow] = []
    for span in lines[i + 1 :]:
        line = text[span[0] : span[1]]
        if CELL_SEPARATOR not in line:
            if rows and len(line.strip()) > 0 and not _is_group_label(line):
                break
            continue
        cells = _cells(text, span)
        row = _row(kinds[-len(cells) :] if len(cells) < len(kinds) else kinds, cells, span)
        if row is not None:
            rows.append(row)
    if not rows:
        return None
    return TaskTable(lines[i][0], rows[-1].end, tuple(kinds), tuple(rows))


def _is_group_label(line: str) -> bool:
    """A row that only names a group of tasks (一、知识产权保护方面（共5项）), inside a table."""
    return CELL_SEPARATOR not in line and len(line.strip()) <= 40 and not line.strip().endswith("。")


def _row(kinds: list[str], cells: list[Cell], span: tuple[int, int]) -> TableRow | None:
    by_kind = {kind: cell for kind, cell in zip(kinds, cells, strict=False) if kind != "other" and cell.text}
    if not any(kind in by_kind for kind in ("task", "content")):
        return None
    number = by_kind["number"].text if "number" in by_kind else ""
    return TableRow(number, span[0], span[1], by_kind)


def flat_header_width(cells: Sequence[str]) -> int:
    """How many of the first ``cells`` (lines) form the header of a flattened task table, else 0."""
    kinds: list[str] = []
    for cell in cells[:MAX_FLAT_COLUMNS]:
        cell = cell.strip()
        if (
            not _could_be_header_cell(cell)
            or _ROW_NUMBER.match(cell)
            or (kinds and column_kind(cell) == "number")
        ):
            break
        kinds.append(column_kind(cell))
    return len(kinds) if len(kinds) >= 3 and kinds[0] == "number" and _is_header(kinds) else 0


def spaced_header(line: str) -> bool:
    """Whether ``line`` is the header of a task table whose cells are apart by spaces."""
    cells = _PIECE.findall(line)
    return len(cells) >= 3 and flat_header_width(cells) == len(cells)


def flat_table_lines(lines: Sequence[str]) -> set[int]:
    """Indices of the lines of flattened or space-laid task tables: from the header to the next 附件
    line or the end.

    The clean-up keeps these as lines (a cell or a row is a line), where it would otherwise join
    short lines into paragraphs."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        if flat_header_width(lines[i : i + MAX_FLAT_COLUMNS]) or spaced_header(lines[i]):
            end = next(
                (k for k in range(i + 1, len(lines)) if lines[k].lstrip().startswith(_TABLE_ENDS)), len(lines)
            )
            found.update(range(i, end))
            i = end
        i += 1
    return found


def _flat_table(text: str, lines: list[tuple[int, int]], i: int) -> TaskTable | None:
    """A header of single-cell lines (序号 / 重点任务 / … / 牵头单位), then rows opened by their 序号."""
    width = flat_header_width([text[a:b] for a, b in lines[i : i + MAX_FLAT_COLUMNS]])
    if not width:
        return None
    kinds = [column_kind(text[slice(*span)]) for span in lines[i : i + width]]
    starts = [k for k in range(i + width, len(lines)) if _ROW_NUMBER.match(text[slice(*lines[k])])]
    rows = []
    for first, following in zip(starts, [*starts[1:], None], strict=True):
        body = [s for s in lines[first + 1 : following if following else first + width] if s[1] > s[0]]
        row = _flat_row(text, kinds, lines[first], body)
        if row is not None:
            rows.append(row)
    if not rows:
        return None
    return TaskTable(lines[i][0], rows[-1].end, tuple(kinds), tuple(rows))


def _spaced_table(text: str, lines: list[tuple[int, int]], i: int) -> TaskTable | None:
    """A header line of cells apart by spaces (序号  重点任务  牵头单位 …), then rows opened by their 序号;
    a row's cells are placed as a flattened row's lines are (units and deadline by shape, from the
    right), so a task that holds spaces itself stays one cell."""
    if not spaced_header(text[slice(*lines[i])]):
        return None
    header = _pieces(text, lines[i])
    kinds = [column_kind(text[slice(*span)]) for span in header]
    rows = []
    for span in lines[i + 1 :]:
        line = text[slice(*span)]
        if line.lstrip().startswith(_TABLE_ENDS):
            break
        pieces = _pieces(text, span)
        if len(pieces) < 2 or not _ROW_NUMBER.match(text[slice(*pieces[0])]):
            continue
        row = _flat_row(text, kinds, pieces[0], pieces[1:])
        if row is not None:
            rows.append(row)
    if not rows:
        return None
    return TaskTable(lines[i][0], rows[-1].end, tuple(kinds), tuple(rows))


def _pieces(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _PIECE.finditer(text, *span)]


def _could_be_header_cell(cell: str) -> bool:
    return 0 < len(normalise(cell)) <= MAX_HEADER_CHARS and not re.search(r"[，。；：,;:]", cell)


def _flat_row(
    text: str, kinds: list[str], number: tuple[int, int], body: list[tuple[int, int]]
) -> TableRow | None:
    """Assign a flattened row's lines to columns: unit and deadline columns from the right by shape,
    the rest (task, content) from the left, extra lines joined into the content."""
    if not body:
        return None
    right = list(kinds[1:])
    cells: dict[str, Cell] = {"number": Cell(text[number[0] : number[1]].strip(), *number)}
    remaining = list(body)
    while right and remaining and right[-1] not in ("task", "content"):
        kind, (a, b) = right.pop(), remaining[-1]
        value = text[a:b].strip()
        if _fits(kind, value):
            cells[kind] = Cell(value, a, b)
            remaining.pop()
    left = [k for k in right if k in ("task", "content")]
    for kind, span in zip(left, remaining, strict=False):
        cells[kind] = Cell(text[span[0] : span[1]].strip(), *span)
    if len(remaining) > len(left) and left:
        a, b = remaining[len(left) - 1][0], remaining[-1][1]
        cells[left[-1]] = Cell(text[a:b].strip(), a, b)
    return TableRow(cells["number"].text, number[0], body[-1][1], cells)


def _fits(kind: str, value: str) -> bool:
    if kind in UNIT_COLUMNS:
        names = split_units(value)
        return bool(names) and all(is_generic(n) or looks_like_unit(n) for n in names)
    if kind == "deadline":
        return bool(_DEADLINE_SHAPE.search(fold_width(value)))
    return True
