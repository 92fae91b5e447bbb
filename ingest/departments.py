"""Canonical department names from the alias table (``data/departments.csv``).

The table only canonicalises: recognising that a string names a unit is ``units.py``'s job, by shape.
A name the table does not know keeps canonical = printed and is reported as not known, so a reviewer
can add an alias.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.datafiles import read_lines
from ingest.units import core_name, normalise, places

# Provincial rows of the table are Shandong's; "山东省X" is read as the provincial "省X".
HOME_PROVINCE = "山东"
# "青岛市工信局" = 青岛 + the city-relative row 市工业和信息化局, for a city of the places list.
_CITY_PREFIX = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,4}?)市(?P<rest>.+)$")


@dataclass(frozen=True)
class _Table:
    canonical_of: dict[str, str]  # normalised alias (canonical included) -> canonical
    aliases: dict[str, frozenset[str]]  # canonical -> aliases (canonical included)


@lru_cache(maxsize=1)
def _table() -> _Table:
    rows = csv.DictReader(read_lines("departments.csv"))
    canonical_of: dict[str, str] = {}
    aliases: dict[str, frozenset[str]] = {}
    for row in rows:
        names = {row["canonical"], *filter(None, (row["aliases"] or "").split("|"))}
        aliases[row["canonical"]] = frozenset(names)
        for name in names:
            canonical_of.setdefault(normalise(name), row["canonical"])
    return _Table(canonical_of, aliases)


def canonical(name: str) -> str:
    """The canonical name of a department as printed; the normalised printed name when unknown.

    A bracketed note after a name gives another name of the same body (市场监管总局（标准委）,
    省发展改革委（省能源局）): the name before it is the department's.
    """
    key = normalise(name)
    core = core_name(key)
    return _lookup(key) or _lookup(core) or core


def is_known(name: str) -> bool:
    """True when the alias table knows ``name`` (directly, as 山东省X, or as a city's 市X)."""
    key = normalise(name)
    return _lookup(key) is not None or _lookup(core_name(key)) is not None


def _lookup(key: str) -> str | None:
    table = _table().canonical_of
    if key in table:
        return table[key]
    if key.startswith(HOME_PROVINCE + "省") and "省" + key[len(HOME_PROVINCE) + 1 :] in table:
        return table["省" + key[len(HOME_PROVINCE) + 1 :]]
    city = _CITY_PREFIX.match(key)
    if city and city["city"] in places() and table.get("市" + city["rest"], "").startswith("市"):
        return city["city"] + table["市" + city["rest"]]
    return None


def known_departments() -> dict[str, set[str]]:
    """Canonical name -> every alias in the table (the canonical itself included)."""
    return {name: set(aliases) for name, aliases in _table().aliases.items()}
