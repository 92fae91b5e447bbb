"""Unit names by shape: is this a unit, a collective phrase, and where does a list of units end?

An open vocabulary: a unit is recognised by its ending (部, 局, 海关, 专班, 中心 …) and by what may
precede it, as described in ``data/unit_shapes.toml`` and ``data/generic_units.txt``, never by
membership of the alias table (``departments.py`` only canonicalises). Callers decide *where* a
unit may stand (a list inside an attribution carrier, the subject of a sentence); this module only
judges names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.datafiles import read_lines, read_toml
from ingest.roles import grammar
from ingest.text import fold

# Separators of a name list: 、, commas, semicolons, and the slash of lists typed into table cells
# (市发展改革委/市财政局). 和/及/与 are handled apart because they also occur inside names.
LIST_SEPARATORS = "、，,；;/／"
_CONJUNCTIONS = "和及与"
# "X、Y等有关部门": 等 closes the named list; what follows it (有关部门, 相关单位 …) is generic.
_ETC = "等"
# The shortest name that can stand on its own after 和/及 ("和单位" in 有关部门和单位 is not a name).
MIN_NAME_CHARS = 3
# The longest unit name considered when reading a list (国家金融监督管理总局山东监管局 is 15).
MAX_NAME_CHARS = 32
# An inner office a self-reference looks through (国家粮食局 + 办公室) has a name of this many characters
# at least: 国务院办 + 公厅 is no bureau and its office.
MIN_INNER_OFFICE_CHARS = 3
# Lists of government levels that read as one collective name: 各区、市政府, 有关县（市、区）政府.
_LEVEL = r"[省市县区镇乡](?:[（(][^）)]*[）)])?"
_LEVEL_LIST = re.compile(rf"(?:各|有关|相关)?(?:{_LEVEL}、)+{_LEVEL}(?:人民)?政府")
_WHITESPACE = re.compile(r"\s+")
# A note in brackets after a name: 省发展改革委（省能源局）, 市政府（管委会）.
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Shapes:
    strong: tuple[str, ...]  # longest first
    weak: tuple[str, ...]  # the area endings among them
    areas: tuple[str, ...]
    category: tuple[str, ...]
    prefixes: tuple[str, ...]
    not_units: frozenset[str]
    despite_not_units: tuple[str, ...]  # 安全部: ends like 全部, names a unit
    not_name_starts: tuple[str, ...]
    name_starts_despite: tuple[str, ...]  # 经开区: opens with 经 and is a name
    not_in_names: tuple[str, ...]
    collective_starts: tuple[str, ...]
    level_enumeration: re.Pattern[str]
    min_specific: int
    generic_contains: tuple[str, ...]
    generic_exact: frozenset[str]
    defined_name: re.Pattern[str]
    places: tuple[str, ...]
    specific_prefixes: tuple[str, ...]
    specific_endings: tuple[str, ...]
    self_references: frozenset[str]
    agent_self_references: tuple[str, ...]
    counted: re.Pattern[str]
    ministry_endings: tuple[str, ...]
    ministry_max_chars: int
    back_references: tuple[str, ...]
    office_after_unit: int
    whole_names: frozenset[str]


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def shapes() -> Shapes:
    data = read_toml("unit_shapes.toml")
    contains, exact = [], set()
    for line in read_lines("generic_units.txt"):
        kind, _, phrase = line.partition(" ")
        (contains.append if kind == "contains" else exact.add)(normalise(phrase))
    return Shapes(
        strong=_longest_first(data["strong_endings"]),
        weak=_longest_first(data["weak_endings"] + data["area_endings"]),
        areas=tuple(data["area_endings"]),
        category=_longest_first(data["category_endings"]),
        prefixes=_longest_first(data["prefixes"]),
        not_units=frozenset(data["not_units"]),
        despite_not_units=tuple(data["units_despite_not_units"]),
        not_name_starts=_longest_first(data["not_name_starts"]),
        name_starts_despite=tuple(data["name_starts_despite"]),
        not_in_names=tuple(data["not_in_names"]),
        collective_starts=_longest_first(data["collective_starts"]),
        level_enumeration=re.compile(data["level_enumeration"]),
        min_specific=int(data["min_specific_chars"]),
        generic_contains=tuple(contains),
        generic_exact=frozenset(exact),
        defined_name=re.compile(data["defined_name"]),
        places=_longest_first(data["places"]),
        specific_prefixes=_longest_first(data["specific_category_prefixes"]),
        specific_endings=_longest_first(data["specific_category_endings"]),
        self_references=frozenset(data["self_references"]),
        agent_self_references=tuple(data["agent_self_references"]),
        counted=re.compile(data["counted"]),
        ministry_endings=_longest_first(data["ministry_endings"]),
        ministry_max_chars=int(data["ministry_max_chars"]),
        back_references=_longest_first(data["back_reference_endings"]),
        office_after_unit=int(data["office_after_unit_max_chars"]),
        whole_names=frozenset(data["whole_names"]),
    )


def normalise(name: str) -> str:
    """The form names are compared in: folded (full-width to half-width), no white space."""
    return _WHITESPACE.sub("", fold(name))


def core_name(name: str) -> str:
    """The name without white space and without a trailing bracketed note."""
    key = normalise(name)
    while _TRAILING_NOTE.search(key):
        key = _TRAILING_NOTE.sub("", key)
    return key


# Unit recognition runs on every candidate substring of every sentence; names repeat, so answers are kept.
NAME_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=NAME_CACHE_SIZE)
def is_generic(name: str) -> bool:
    """A collective phrase (省有关部门, 各市政府, 相关部门及各地区, 行业主管部门) that names no one unit."""
    key, s = core_name(name), shapes()
    if not key or key in s.collective_starts:  # a bare 各 / 相关 names nothing
        return False
    if key in s.generic_exact or any(marker in key for marker in s.generic_contains):
        return True
    if key.startswith(s.collective_starts) or s.level_enumeration.match(key):
        return True
    return key.endswith(s.category) and key not in s.not_units and not _specific(key)


def _specific(key: str) -> bool:
    """国务院教育行政部门: a government class ending after a prefix that makes it one body."""
    s = shapes()
    prefix = next((p for p in s.specific_prefixes if key.startswith(p)), None)
    ending = next((e for e in s.specific_endings if key.endswith(e)), None)
    # 国务院部门 alone is the class of all its departments: a field must stand between the two.
    return prefix is not None and ending is not None and len(key) > len(prefix) + len(ending)


def specific_prefix(name: str) -> str:
    """国务院 of 国务院教育行政部门 (a prefix that makes a class ending one body), else ""."""
    key = core_name(name)
    if not _specific(key):
        return ""
    return next(p for p in shapes().specific_prefixes if key.startswith(p))


def _ending(key: str) -> tuple[str, bool] | None:
    """The longest unit ending of ``key`` (实验室 before 室) and whether it is strong, or None.

    A collective ending counts as strong after a specific prefix (国务院法制机构, 国务院教育行政部门).
    """
    s = shapes()
    found = [(e, True) for e in s.strong if key.endswith(e)] + [(e, False) for e in s.weak if key.endswith(e)]
    if _specific(key):
        found += [(e, True) for e in s.specific_endings if key.endswith(e)]
    return max(found, key=lambda f: len(f[0])) if found else None


@lru_cache(maxsize=NAME_CACHE_SIZE)
def looks_like_unit(name: str) -> bool:
    """True when ``name`` has the shape of one unit's name (省大数据局, 济南海关, 青岛海洋科技中心).

    Collective phrases are not units (see ``is_generic``); a bracketed note after the name is ignored.
    """
    key, s = core_name(name), shapes()
    if key in s.whole_names:
        return True
    if not key or not _CJK.search(key) or key in s.not_units or is_generic(key):
        return False
    if len(key) > MAX_NAME_CHARS or s.counted.search(key) or any(w in key for w in s.not_in_names):
        return False
    if key.startswith(s.not_name_starts) and not key.startswith(s.name_starts_despite):
        return False
    found = _ending(key)
    if found is None:
        return False
    ending, strong = found
    if not key.endswith(s.despite_not_units) and any(
        len(word) > len(ending) and key.endswith(word) for word in s.not_units
    ):
        return False
    return len(key) - len(ending) >= (1 if strong else s.min_specific)


def level_enumeration_end(text: str, pos: int) -> int:
    """The end of 省、自治区、直辖市 at ``pos`` (the levels a class of bodies is named by), or ``pos``."""
    found = shapes().level_enumeration.match(text, pos)
    return found.end() if found else pos


def places() -> frozenset[str]:
    """Place names that open unit names (provinces, cities, districts), from ``data/unit_shapes.toml``."""
    return frozenset(shapes().places)


def unit_ending(name: str) -> str:
    """The unit ending of ``name`` (委员会 in 省发展和改革委员会), or "" when it has none."""
    found = _ending(core_name(name))
    return found[0] if found else ""


def has_strong_ending(name: str) -> bool:
    """The name ends like a government or Party body (部, 局, 委员会 …), not like 中心 or 实验室."""
    found = _ending(core_name(name))
    return bool(found and found[1])


def is_area(name: str) -> bool:
    """立山经济开发区, 某街道: a unit named by its area, which no sentence gives a task to."""
    return unit_ending(name) in shapes().areas


def is_clearly_named(name: str) -> bool:
    """A unit whose name opens with its level or place (国家…, 省…, 济南…): safe as a sentence's subject."""
    key, s = core_name(name), shapes()
    return looks_like_unit(key) and key.startswith(s.prefixes + s.places)


def is_inner_office(word: str) -> bool:
    """组织部 after 市委, 督查室 after 市政府: a short office name that may follow a unit's name."""
    return (
        len(core_name(word)) <= shapes().office_after_unit
        and has_strong_ending(word)
        and looks_like_unit(word)
    )


def is_ministry_shaped(name: str) -> bool:
    """国土资源部, 信息产业部: a short name ending like a ministry or commission (callers exclude verbs)."""
    key, s = core_name(name), shapes()
    if not looks_like_unit(key) or len(key) > s.ministry_max_chars or not key.endswith(s.ministry_endings):
        return False
    ending = max((e for e in s.ministry_endings if key.endswith(e)), key=len)
    # 行业标准和部: a list ending in a bare 部; the ending alone (总局) is no ministry's name either
    return len(key) > len(ending) and key[-len(ending) - 1] not in _CONJUNCTIONS


def self_references() -> frozenset[str]:
    """我部, 我委 …: a document's names for its own issuer."""
    return shapes().self_references


def agent_self_references() -> tuple[str, ...]:
    """部, 委 …: what a document calls its issuer right after 由 (由部另行制定)."""
    return shapes().agent_self_references


def stands_for(writer: str, short: str) -> str:
    """The unit a self-reference (我局, 本部; 部 after 由) names in a text ``writer`` wrote: the organ
    whose name ends in its last character (国家地震局 for 我局), or holds it right before an inner
    office (国家粮食局办公室 writes for 国家粮食局, 教育部办公厅 for 教育部); "" when none does."""
    char = short[-1:]
    for organ in (o.strip() for o in writer.split("、")):
        if char and organ.endswith(char):
            return organ
        for i in range(1, len(organ) - MIN_INNER_OFFICE_CHARS):
            if organ[i] == char and is_inner_office(organ[i + 1 :]):
                return organ[: i + 1]
    return ""


def without_definition(name: str) -> str:
    """``name`` without a trailing definition note: X（以下简称Y） -> X."""
    found = shapes().defined_name.search(name)
    return name[: found.start()] if found and name[found.end() :].strip() == "" else name


def defined_names(text: str) -> dict[str, str]:
    """Names the document defines for units, short -> full (full "" when it is not found):

    * "济南市…联席会议（以下简称联席会议）": 联席会议 -> 济南市…联席会议, and the full name itself;
    * a body named in full once (…部际联席会议, …工作领导小组) makes its ending alone (联席会议,
      领导小组) a name for it, and the ending + 办公室 one for its office.
    """
    found: dict[str, str] = {name: name for name in set_up_bodies(text)}
    for match in shapes().defined_name.finditer(text):
        full = _name_before(text, match.start()) or _defined_whole(text, match.start())
        before = text[: match.start() - len(full)] if full else ""
        # 设区的市人民政府…主管部门（以下简称市级主管部门）: the short name is a class's
        full = next((s for s in shapes().collective_starts if before.endswith(s)), "") + full
        if full or (looks_like_unit(match["short"]) and not is_area(match["short"])):
            found.setdefault(match["short"], full)
            if full:
                found.setdefault(full, full)
    for ending in shapes().back_references:
        at = text.find(ending)
        while at != -1 and not (at > 0 and _CJK.match(text[at - 1])):
            at = text.find(ending, at + 1)
        if at != -1:
            full = _name_before(text, at + len(ending))
            found.setdefault(ending, full)
            found.setdefault(ending + "办公室", full + "办公室" if full else "")
    return found


def set_up_bodies(text: str) -> list[str]:
    """The working bodies the document sets up (成立智慧林业建设领导小组，…): names of its own."""
    opener = "|".join(map(re.escape, grammar().prose["establishers"]))
    stops = "，,。；;：:（(\n"
    found = re.finditer(f"(?:{opener})([^{stops}]{{2,{MAX_NAME_CHARS}}})(?=[{stops}])", text)
    return [m.group(1).strip() for m in found if is_body(m.group(1).strip())]


def is_body(name: str) -> bool:
    """A working body's name (领导小组, 专家评审组, 咨询委员会), not a facility (名人墙、肖像馆, 实验室)."""
    if "、" in name or is_generic(name) or not looks_like_unit(name):
        return False
    return has_strong_ending(name) or name.endswith(tuple(grammar().prose["body_endings"]))


def _defined_whole(text: str, end: int) -> str:
    """The name a definition note follows, without a level word (专业技术人才…指导协调小组（以下简称…）):
    the phrase before the note, after the verb that sets the body up (成立, 建立)."""
    phrase = _phrase_before(text, end)
    for word in sorted(grammar().prose["introducers"], key=len, reverse=True):
        phrase = phrase.removeprefix(word)
    return phrase if looks_like_unit(phrase) else ""


def _phrase_before(text: str, end: int) -> str:
    return re.split(r"[，,。；;：:、\s“”《》()（）]", text[max(0, end - MAX_NAME_CHARS) : end])[-1]


def _name_before(text: str, end: int) -> str:
    """The unit name that ends at ``end``, opening with a level or place word; "" when there is none."""
    phrase = _phrase_before(text, end)
    s = shapes()
    starts = [i for i in range(len(phrase)) if phrase[i:].startswith(s.prefixes + s.places)]
    return next((phrase[i:] for i in starts if looks_like_unit(phrase[i:])), "")


def _split_top_level(text: str) -> list[str]:
    """Split on list separators outside brackets and outside level lists (各区、市政府, 各省、自治区、
    直辖市人民政府): one collective name each."""
    levels = [*_LEVEL_LIST.finditer(text), *shapes().level_enumeration.finditer(text)]
    protected = {m.start() + i for m in levels for i in range(len(m.group()))}
    parts, depth, current = [], 0, []
    for offset, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)" and depth:
            depth -= 1
        if char in LIST_SEPARATORS and depth == 0 and offset not in protected:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in (_WHITESPACE.sub("", part) for part in parts) if p]


def _split_etc(name: str) -> list[str]:
    """省教育厅等有关部门 -> 省教育厅, 有关部门; a trailing 等 is dropped, and so is the bare class noun
    that sums up the names before it (区财政局等部门 -> 区财政局; 等单位和各街道 -> 各街道)."""
    head, sep, tail = name.partition(_ETC)
    if not sep or not looks_like_unit(head):
        return [name]
    summary = next((c for c in shapes().category if tail.startswith(c)), "")
    if summary:
        tail = tail[len(summary) :].lstrip(_CONJUNCTIONS)
    return [head, tail] if tail else [head]


def is_class_noun(word: str) -> bool:
    """部门, 单位, 机构: after 等 the word sums up the names before it and names nothing more."""
    return normalise(word) in shapes().category


def _split_conjunction(name: str) -> list[str]:
    """Split on 和/及/与 only between two whole names: 工业和信息化厅 and 有关部门和单位 stay whole."""
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


def is_unit_list(names: list[str]) -> bool:
    """Every name is a unit or a collective phrase, and there is at least one."""
    return bool(names) and all(is_generic(n) or looks_like_unit(n) for n in names)


def names_a_unit(names: list[str]) -> bool:
    """At least one of ``names`` is a unit rather than a collective phrase."""
    return any(not is_generic(n) for n in names)
