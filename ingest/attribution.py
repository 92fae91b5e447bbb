"""Attribution brackets -> lead / cooperating / responsible departments of a clause.

An attribution is a bracket (or a line starting with a label such as 牵头单位：) whose words are only
unit names and role words, in one of two shapes:

* keyword runs: （X、Y牵头，Z配合）, （X、Y分工负责）, （X牵头，相关部门及各地区按职责分工负责）;
* labelled runs: （牵头单位：X；责任单位：Y）, （责任单位：X，Y，各区、市政府）.

Anything else in brackets ((２０２３－２０２５年), （市、区）, （试行）, an explanatory phrase) is not one:
every name must look like a unit or a generic phrase, and nothing but punctuation may follow the
last role word. Role words and labels live in ``data/roles.toml``.

Roles, as a staff member reads a task table:
* 牵头 / 牵头单位 -> lead; 配合 / 参与 / 配合单位 -> cooperate;
* 负责 / 分工负责 / 责任单位 -> responsible when no lead is named (the units share the task) but
  cooperate when the same bracket names a lead (（牵头单位：X，责任单位：Y）: Y work under X);
* under "列第一位者为牵头单位" (stated once, valid for the rest of the document) the first-listed unit
  leads and the other named units cooperate;
* generic phrases (省有关部门, 各市政府 …) go to ``generic`` whatever their role.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.departments import canonical, is_generic, looks_like_unit, split_units
from ingest.model import Attribution, Department
from ingest.numbering import fold_width

# An attribution is a short bracket; a longer one is an unbalanced bracket swallowing text.
MAX_ATTRIBUTION_CHARS = 400
_OPEN, _CLOSE = "（(", "）)"
# What may separate role runs or end the bracket (folded to half-width).
_SEPARATORS = ",;。.、 \t\r\n"
_LINE = re.compile(r"[^\n]+")
# "（X牵头，Y配合，下同）": a note that the roles repeat for later items; not a name.
_SAME_BELOW = re.compile(r"[,，;；。\s]*以?下同[。.]?\s*$")


@dataclass(frozen=True)
class _Roles:
    keywords: re.Pattern[str]  # a role word closing a run of names
    labels: re.Pattern[str]  # a label opening a run of names
    role_of: dict[str, str]  # keyword or label -> lead | cooperate | responsible
    convention: re.Pattern[str]


@lru_cache(maxsize=1)
def _roles() -> _Roles:
    data = tomllib.loads(resources.files("ingest.data").joinpath("roles.toml").read_text("utf-8"))
    role_of = {
        word: role for kind in ("keywords", "labels") for role, words in data[kind].items() for word in words
    }

    def alternation(kind: str) -> str:
        words = sorted((w for ws in data[kind].values() for w in ws), key=len, reverse=True)
        return "|".join(map(re.escape, words))

    boundary = "(?=$|[" + re.escape(_SEPARATORS) + "])"
    return _Roles(
        keywords=re.compile(f"({alternation('keywords')}){boundary}"),
        labels=re.compile(f"({alternation('labels')})[:：]"),
        role_of=role_of,
        convention=re.compile(data["convention"]["first_listed_lead"]),
    )


def states_first_listed_lead(text: str) -> bool:
    """True when ``text`` states that the first-listed unit leads (列第一位者为牵头单位)."""
    return first_listed_lead_at(text) is not None


def first_listed_lead_at(text: str) -> int | None:
    """Offset of the first statement of the first-listed-leads convention in ``text``, if any."""
    found = _roles().convention.search(fold_width(text))
    return found.start() if found else None


def _brackets(text: str, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Matched brackets in ``text[start:end]`` as (start, end, inner start, inner end)."""
    spans, stack = [], []
    for offset in range(start, end):
        char = text[offset]
        if char in _OPEN:
            stack.append(offset)
        elif char in _CLOSE and stack:
            opened = stack.pop()
            if offset - opened <= MAX_ATTRIBUTION_CHARS:
                spans.append((opened, offset + 1, opened + 1, offset))
    return spans


def _label_lines(text: str, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Unbracketed lines that start with a label ("牵头单位：X"), same shape as brackets.

    Consecutive label lines ("牵头单位：X" then "配合单位：Y") are one attribution, so that the
    responsible units of the second line know the first named a lead.
    """
    labels, spans = _roles().labels, []
    for line in _LINE.finditer(text, start, end):
        body = line.group().strip()
        if not body or not labels.match(fold_width(body)):
            continue
        begin = line.start() + line.group().index(body)
        finish = begin + len(body)
        if spans and not text[spans[-1][1] : begin].strip():
            begin = spans.pop()[0]
        if finish - begin <= MAX_ATTRIBUTION_CHARS:
            spans.append((begin, finish))
    return [(a, b, a, b) for a, b in spans]


def _candidates(text: str, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Brackets and label lines in document order, outermost first where they nest."""
    spans = _brackets(text, start, end) + _label_lines(text, start, end)
    return sorted(spans, key=lambda span: (span[0], -span[1]))


def _keyword_runs(body: str) -> list[tuple[str, str]] | None:
    """（X、Y牵头，Z配合） -> [(lead, "X、Y"), (cooperate, "Z")]; None when other words remain."""
    roles, runs, position = _roles(), [], 0
    for found in roles.keywords.finditer(fold_width(body)):
        names = body[position : found.start()].strip(_SEPARATORS + "，；、")
        if not names:
            return None
        runs.append((roles.role_of[found.group(1)], names))
        position = found.end()
    leftover = fold_width(body[position:]).strip(_SEPARATORS)
    return runs if runs and not leftover else None


def _labelled_runs(body: str) -> list[tuple[str, str]] | None:
    """（牵头单位：X；责任单位：Y） -> [(lead, "X"), (responsible, "Y")]; None when unlabelled."""
    roles = _roles()
    labels = list(roles.labels.finditer(fold_width(body)))
    if not labels or fold_width(body[: labels[0].start()]).strip(_SEPARATORS):
        return None
    ends = [label.start() for label in labels[1:]] + [len(body)]
    return [
        (roles.role_of[label.group(1)], body[label.end() : stop].strip(_SEPARATORS + "，；、"))
        for label, stop in zip(labels, ends, strict=True)
    ]


def _named_runs(inner: str) -> list[tuple[str, list[str]]] | None:
    """The role runs of a bracket with their unit names, or None when it is not an attribution."""
    convention = _roles().convention.search(fold_width(inner))
    body = _SAME_BELOW.sub("", inner[: convention.start()] if convention else inner)
    runs = _labelled_runs(body) or _keyword_runs(body)
    if not runs:
        return None
    named = [(role, split_units(names)) for role, names in runs]
    units = [name for _, names in named for name in names]
    if not units or not all(is_generic(n) or looks_like_unit(n) for n in units):
        return None
    return named


def _assign(named: list[tuple[str, list[str]]], first_listed_leads: bool) -> dict[str, list[str]]:
    """Final roles of the names (see the module docstring for the rules)."""
    by_role: dict[str, list[str]] = {"lead": [], "cooperate": [], "responsible": [], "generic": []}
    for role, names in named:
        for name in names:
            bucket = by_role["generic" if is_generic(name) else role]
            if name not in bucket:
                bucket.append(name)
    first = named[0][1][0]
    if not by_role["lead"] and first_listed_leads and first in by_role["responsible"]:
        by_role["lead"] = [first]
        by_role["responsible"].remove(first)
    if by_role["lead"]:
        by_role["cooperate"] = by_role["responsible"] + by_role["cooperate"]
        by_role["responsible"] = []
    return by_role


def _departments(names: list[str]) -> tuple[Department, ...]:
    return tuple(Department(printed=name, canonical=canonical(name)) for name in names)


def parse_attribution(inner: str, *, first_listed_leads: bool = False) -> dict[str, list[str]] | None:
    """Names by role (lead, cooperate, responsible, generic) of a bracket's inner text, or None."""
    named = _named_runs(inner)
    if named is None:
        return None
    return _assign(named, first_listed_leads or states_first_listed_lead(inner))


def _scope_start(text: str, after: int, end: int) -> int:
    """The first character of the sentence run that follows an attribution."""
    while after < end and (text[after].isspace() or text[after] in "。．.，,；;"):
        after += 1
    return after


def find_attributions(
    text: str, start: int, end: int, *, first_listed_leads: bool = False
) -> tuple[Attribution, ...]:
    """Attributions in ``text[start:end]`` (a clause's own text), each bound to its sentence run.

    ``first_listed_leads`` is true when the document stated the 列第一位者为牵头单位 convention
    before ``start``; a bracket that states it switches it on for itself and the ones after it.
    """
    found: list[Attribution] = []
    scope_start, covered = start, start
    for opened, closed, inner_start, inner_end in _candidates(text, start, end):
        if opened < covered:  # inside an attribution already taken
            continue
        inner = text[inner_start:inner_end]
        first_listed_leads = first_listed_leads or states_first_listed_lead(inner)
        roles = parse_attribution(inner, first_listed_leads=first_listed_leads)
        if roles is None:
            continue
        found.append(
            Attribution(
                raw=inner,
                start=opened,
                end=closed,
                scope_start=scope_start,
                scope_end=closed,
                lead=_departments(roles["lead"]),
                cooperate=_departments(roles["cooperate"]),
                responsible=_departments(roles["responsible"]),
                generic=tuple(roles["generic"]),
            )
        )
        scope_start, covered = _scope_start(text, closed, end), closed
    return tuple(found)
