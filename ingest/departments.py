"""Department names: canonical forms from the alias table, generic phrases, splitting name lists.

Knowledge lives in ``data/departments.csv`` (aliases), ``data/generic_units.txt`` (collective phrases
such as 省有关部门) and ``data/unit_suffixes.txt`` (what a unit name ends with).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Provincial rows of the table are Shandong's; "山东省X" is read as the provincial "省X".
HOME_PROVINCE = "山东"
# "青岛市工信局" = 青岛 + the city-relative row 市工业和信息化局; a city name is 2-4 characters.
_CITY_PREFIX = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,4}?)市(?P<rest>.+)$")
# Separators of a name list. 和/及/等 are handled apart because they also occur inside names.
_LIST_SEPARATORS = "、，,；;"
# Lists of government levels that read as one collective name: 各区、市政府, 有关县（市、区）政府.
_LEVEL = r"[省市县区镇乡](?:[（(][^）)]*[）)])?"
_LEVEL_LIST = re.compile(rf"(?:各|有关|相关)?(?:{_LEVEL}、)+{_LEVEL}(?:人民)?政府")
_CONJUNCTIONS = "和及"
# "X、Y等有关部门": 等 closes the named list; what follows it (有关部门, 相关单位 …) is generic.
_ETC = "等"
# The shortest name that can stand on its own after 和/及 ("和单位" in 有关部门和单位 is not a name).
MIN_NAME_CHARS = 3
_WHITESPACE = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def _data_lines(name: str) -> list[str]:
    text = resources.files("ingest.data").joinpath(name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def normalise(name: str) -> str:
    """NFKC (full-width to half-width) and no white space: the form names are compared in."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", name))


@dataclass(frozen=True)
class _Table:
    canonical_of: dict[str, str]  # normalised alias (canonical included) -> canonical
    aliases: dict[str, frozenset[str]]  # canonical -> aliases (canonical included)


@lru_cache(maxsize=1)
def _table() -> _Table:
    rows = csv.DictReader(_data_lines("departments.csv"))
    canonical_of: dict[str, str] = {}
    aliases: dict[str, frozenset[str]] = {}
    for row in rows:
        names = {row["canonical"], *filter(None, (row["aliases"] or "").split("|"))}
        aliases[row["canonical"]] = frozenset(names)
        for name in names:
            canonical_of.setdefault(normalise(name), row["canonical"])
    return _Table(canonical_of, aliases)


def canonical(name: str) -> str:
    """The canonical name of a department as printed; the normalised printed name when unknown."""
    key = normalise(name)
    table = _table().canonical_of
    if key in table:
        return table[key]
    if key.startswith(HOME_PROVINCE + "省") and "省" + key[len(HOME_PROVINCE) + 1 :] in table:
        return table["省" + key[len(HOME_PROVINCE) + 1 :]]
    city = _CITY_PREFIX.match(key)
    if city and table.get("市" + city["rest"], "").startswith("市"):
        return city["city"] + table["市" + city["rest"]]
    return key


def known_departments() -> dict[str, set[str]]:
    """Canonical name -> every alias in the table (the canonical itself included)."""
    return {name: set(aliases) for name, aliases in _table().aliases.items()}


@lru_cache(maxsize=1)
def _generic_rules() -> tuple[tuple[str, ...], frozenset[str]]:
    contains, exact = [], set()
    for line in _data_lines("generic_units.txt"):
        kind, _, phrase = line.partition(" ")
        (contains.append if kind == "contains" else exact.add)(phrase.strip())
    return tuple(contains), frozenset(exact)


@lru_cache(maxsize=1)
def _unit_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_data_lines("unit_suffixes.txt"), key=len, reverse=True))


def is_generic(name: str) -> bool:
    """True for collective phrases (省有关部门, 各市政府, 相关部门及各地区) that name no department."""
    key = normalise(name)
    contains, exact = _generic_rules()
    return key in exact or any(marker in key for marker in contains)


def looks_like_unit(name: str) -> bool:
    """True when ``name`` could be a government unit (ends like one, or is a known alias).

    A trailing note in brackets is ignored: 省发展改革委（省能源局）.
    """
    key = _TRAILING_NOTE.sub("", normalise(name))
    return bool(key) and (key in _table().canonical_of or key.endswith(_unit_suffixes()))


def _split_top_level(text: str) -> list[str]:
    """Split on list separators outside brackets and outside 各区、市政府-style level lists."""
    protected = {m.start() + i for m in _LEVEL_LIST.finditer(text) for i in range(len(m.group()))}
    parts, depth, current = [], 0, []
    for offset, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)" and depth:
            depth -= 1
        if char in _LIST_SEPARATORS and depth == 0 and offset not in protected:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in (_WHITESPACE.sub("", part) for part in parts) if p]


def _split_etc(name: str) -> list[str]:
    """省教育厅等有关部门 -> 省教育厅, 有关部门; a trailing 等 is dropped."""
    head, sep, tail = name.partition(_ETC)
    if not sep or not looks_like_unit(head):
        return [name]
    return [head, tail] if tail else [head]


def _split_conjunction(name: str) -> list[str]:
    """Split on 和/及 only between two whole names: 工业和信息化厅 and 有关部门和单位 stay whole."""
    for offset, char in enumerate(name):
        if char not in _CONJUNCTIONS or offset == 0:
            continue
        left, right = name[:offset], name[offset + 1 :]
        if is_generic(left) or not looks_like_unit(left):
            continue
        if is_generic(right) or (len(right) >= MIN_NAME_CHARS and looks_like_unit(right)):
            return [left, *_split_conjunction(right)]
    return [name]


def split_units(text: str) -> list[str]:
    """The unit names of a list as printed (white space from line breaks removed), in order."""
    names: list[str] = []
    for part in _split_top_level(text):
        for piece in _split_etc(part):
            names.extend(_split_conjunction(piece))
    return [n for n in names if n]
