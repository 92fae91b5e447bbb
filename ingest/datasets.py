"""Documents inside the public datasets of ``../shared/datasets``: spreadsheet rows and SQL dump rows.

Gold annotations and benchmarks name a document by a reference (see ``tests/gold/README.md``):
``corpus/<file>``, ``datasets/<book>.xlsx#<sheet>/No=<n>`` (the row's Policy Content cells) or
``datasets/<dump>.sql#id=<n>`` (the row's ``html`` column). ``load_document`` turns a reference into
the bytes and a file name, ready for ``ingest.pipeline.parse_bytes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ingest.errors import CorruptFile

# Spreadsheet columns: No., Release Time, Policy Source, Department, Title, then the text, which the
# dataset splits over further cells when it is long.
XLSX_NUMBER_COLUMN = 0
XLSX_TEXT_FROM_COLUMN = 5
_REF = re.compile(r"^(?P<file>[^#]+)(?:#(?P<row>.+))?$")
_XLSX_ROW = re.compile(r"^(?P<sheet>.+)/No=(?P<no>\d+)$")
_SQL_ROW = re.compile(r"^id=(?P<id>\d+)$")
_SQL_INSERT = re.compile(r"insert into \w+ \(([^)]*)\) values \(", re.IGNORECASE)
_SQL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


class UnknownReference(CorruptFile):
    reason = "the reference names no document"


def load_document(ref: str, shared: Path, local: Path | None = None) -> tuple[bytes, str]:
    """The bytes and file name of the document ``ref`` names.

    ``shared`` is the ``../shared`` folder; ``local`` the folder that ``generated/`` refs live in.
    """
    found = _REF.match(ref)
    if not found:
        raise UnknownReference(ref)
    file, row = found["file"], found["row"]
    if file.startswith("generated/"):
        path = (local or Path(".")) / file
        return path.read_bytes(), path.name
    path = shared / file
    if row is None:
        return path.read_bytes(), path.name
    if path.suffix == ".xlsx" and (cell := _XLSX_ROW.match(row)):
        text = xlsx_text(path, cell["sheet"], int(cell["no"]))
        return text.encode("utf-8"), f"{cell['sheet']}-{cell['no']}.txt"
    if path.suffix == ".sql" and (record := _SQL_ROW.match(row)):
        html = sql_rows(path).get(int(record["id"]), {}).get("html")
        if html is None:
            raise UnknownReference(ref)
        return html.encode("utf-8"), f"{path.stem}-{record['id']}.html"
    raise UnknownReference(ref)


def xlsx_text(path: Path, sheet: str, number: int) -> str:
    """The policy text of row ``No. = number`` of ``sheet``, its cells joined."""
    for no, text in xlsx_documents(path, sheet):
        if no == number:
            return text
    raise UnknownReference(f"{path.name}#{sheet}/No={number}")


def xlsx_documents(path: Path, sheet: str | None = None) -> Iterator[tuple[int, str]]:
    """(No., text) of every row of one sheet, or of every sheet."""
    import openpyxl  # only gold and benchmark tooling reads spreadsheets

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for worksheet in book.worksheets if sheet is None else [book[sheet]]:
            for row in worksheet.iter_rows(min_row=2, values_only=True):
                number = str(row[XLSX_NUMBER_COLUMN] or "").strip()
                if number.isdigit():
                    yield int(number), "".join(str(c) for c in row[XLSX_TEXT_FROM_COLUMN:] if c)
    finally:
        book.close()


@lru_cache(maxsize=4)
def sql_rows(path: Path) -> dict[int, dict[str, str | None]]:
    """Every row of a MySQL ``insert into … values (…)`` dump, by its ``id`` column."""
    text = path.read_text(encoding="utf-8")
    rows: dict[int, dict[str, str | None]] = {}
    for insert in _SQL_INSERT.finditer(text):
        columns = [c.strip() for c in insert.group(1).split(",")]
        values = _sql_values(text, insert.end())
        record = dict(zip(columns, values, strict=False))
        rows[int(record["id"] or 0)] = record
    return rows


def _sql_values(text: str, at: int) -> list[str | None]:
    """The values of one ``(…)`` tuple starting at ``at``: quoted strings (with escapes) or bare words."""
    values: list[str | None] = []
    while True:
        while text[at].isspace():
            at += 1
        if text[at] == "'":
            value, at = _sql_string(text, at + 1)
            values.append(value)
        else:
            bare = re.match(r"[^,)]*", text[at:]).group()
            values.append(None if bare.strip().lower() == "null" else bare.strip())
            at += len(bare)
        while text[at].isspace():
            at += 1
        if text[at] == ")":
            return values
        at += 1  # the comma


def _sql_string(text: str, at: int) -> tuple[str, int]:
    out: list[str] = []
    while True:
        char = text[at]
        if char == "\\":
            out.append(_SQL_ESCAPES.get(text[at + 1], text[at + 1]))
            at += 2
        elif char == "'" and text[at + 1 : at + 2] == "'":
            out.append("'")
            at += 2
        elif char == "'":
            return "".join(out), at + 1
        else:
            out.append(char)
            at += 1
