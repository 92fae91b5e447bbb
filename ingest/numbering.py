"""Numbering levels of the clause tree (一、 / （一） / 1． / （1） / ① / 第X条 …), read from data.

The patterns live in ``data/numbering.toml``; this module compiles them and answers one question:
does this line start with an item number, and which one?
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Full-width ASCII (U+FF01..U+FF5E) maps one-to-one onto ASCII, so folding keeps every offset valid.
_FULLWIDTH_OFFSET = 0xFEE0
# Look-alikes that some exports print instead of '.', '(' or ')'; the cleaner normalises them for
# display, but matching must also work on text it has not seen (tests, other readers).
_LOOKALIKES = {"﹒": ".", "¤": ".", "\u3000": " ", "﹙": "(", "﹚": ")"}
_WIDTH_TABLE = {code: chr(code - _FULLWIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)} | {
    ord(k): v for k, v in _LOOKALIKES.items()
}

_CHINESE_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CHINESE_UNITS = {"十": 10, "百": 100}
_CIRCLED_ONE = 0x2460  # ①


def fold_width(text: str) -> str:
    """Full-width ASCII and look-alike punctuation to ASCII, one character for one (offsets hold)."""
    return text.translate(_WIDTH_TABLE)


@dataclass(frozen=True)
class Level:
    name: str
    rank: int
    numeral: str  # chinese | arabic | circled
    pattern: re.Pattern[str]
    nested: bool = False  # a list that sits right below the heading before it, whatever its rank


@dataclass(frozen=True)
class Numbering:
    levels: tuple[Level, ...]
    invisible: re.Pattern[str]
    reference_after: str
    reference_continues: str


@dataclass(frozen=True)
class ItemNumber:
    """An item number found at the start of a line; offsets are relative to the line."""

    level: Level
    value: int
    start: int  # where the number starts
    end: int  # where the number ends (invisible characters and spaces after it excluded)
    body: int  # where the item's own words start


@lru_cache(maxsize=1)
def load_numbering() -> Numbering:
    data = tomllib.loads(resources.files("ingest.data").joinpath("numbering.toml").read_text("utf-8"))
    levels = tuple(
        Level(
            item["name"],
            int(item["rank"]),
            item["numeral"],
            re.compile(item["pattern"]),
            item.get("nested", False),
        )
        for item in data["level"]
    )
    invisible = re.compile(data["invisible"] + "*")
    return Numbering(levels, invisible, data["reference_after"], data["reference_continues"])


def chinese_numeral(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 一百零五 -> 105; None when ``text`` is not a numeral."""
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char in _CHINESE_UNITS:
            total += (1 if digit is None else digit) * _CHINESE_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0) if text else None


def numeral_value(token: str, numeral: str) -> int | None:
    if numeral == "decimal":  # 2.1.3: the item's own number is the last part
        last = fold_width(token).rsplit(".", 1)[-1]
        return int(last) if last.isdigit() else None
    if numeral == "arabic":
        return int(fold_width(token)) if fold_width(token).isdigit() else None
    if numeral == "circled":
        return ord(token) - _CIRCLED_ONE + 1 if len(token) == 1 else None
    return chinese_numeral(token)


def match_number(line: str) -> ItemNumber | None:
    """The item number that starts ``line`` (leading white space allowed), if any.

    Rejects a number with no words after it, one followed by a cross-reference word (项/条/款 …) and
    a run of numbers such as "一、二、三产业", which is an enumeration inside a sentence.
    """
    numbering = load_numbering()
    folded = fold_width(line)
    start = len(folded) - len(folded.lstrip())
    for level in numbering.levels:
        found = level.pattern.match(folded, start)
        if not found:
            continue
        value = numeral_value(found.group("num"), level.numeral)
        body = numbering.invisible.match(folded, found.end()).end()
        body += len(folded[body:]) - len(folded[body:].lstrip())
        rest = folded[body:]
        if value is None or not rest.strip() or _cross_reference(rest, numbering):
            return None
        if level.pattern.match(rest):
            return None
        return ItemNumber(level, value, start, found.end(), body)
    return None


def _cross_reference(rest: str, numbering: Numbering) -> bool:
    """项规定 / 款 after a number: a reference to another item, not an item's own words."""
    if rest[0] not in numbering.reference_after:
        return False
    following = rest[1:2]
    return not following.strip() or following in numbering.reference_continues
