"""Attribution carriers in a clause -> ``Attribution`` values, each bound to its own sentence(s).

Carriers, in the order they are tried (a span taken by one is not read again):

* brackets, either width, and 【】: role runs （X、Y牵头，Z配合）, label runs （牵头单位：X；责任单位：Y）,
  a bare trailing list of units （信息中心、规划处、各区县）, or a sentence inside brackets (（由X负责）);
* label runs outside brackets, on a line of their own or after the sentence they close: 牵头单位：X /
  责任单位为Y / 推进试点。牵头单位：X；配合单位：Y。;
* a note after one unit of a list marks its role: 责任单位：X（牵头）、Y;
* sentences: 由X牵头，Y配合。 / X会同Y… / 请X… / X、Y要… (``prose.py``);
* the row of a task table, by its unit columns (``row_attribution``).

Roles, as a staff member reads a task table (the grammar itself is data, ``data/roles.toml``):
* 牵头 -> lead; 配合 / 参与 -> cooperate;
* 负责 / 责任单位 -> responsible when no lead is named, cooperate under a named lead;
* under "列第一位者为牵头单位" (stated once, valid for the rest of the document) the first-listed unit
  leads and the other named units cooperate;
* collective phrases (省有关部门, 各市政府 …) go to ``generic`` whatever their role.

A trailing bracket with role words whose names are not units is kept as ``Unparsed`` for review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from ingest.departments import canonical, is_known
from ingest.model import Attribution, Department, Unparsed
from ingest.numbering import match_number
from ingest.prose import Assignment, ProseReader, is_reply, opens_with_duty, reports_news
from ingest.roles import (
    ROLE_NAMES,
    has_role_word,
    keyword_runs,
    label_keyword_runs,
    labelled_runs,
    note_role,
    split_deadline_tail,
    starts_with_label,
    states_first_listed_lead,
    strip_notes,
    with_parts,
)
from ingest.tables import UNIT_COLUMNS, TableRow
from ingest.units import (
    agent_self_references,
    defined_names,
    is_generic,
    looks_like_unit,
    self_references,
    split_units,
    stands_for,
)

# An attribution is a short bracket; a longer one is an unbalanced bracket swallowing text.
MAX_ATTRIBUTION_CHARS = 400
# 【牵头单位：X】 and [牵头单位：X] are brackets too (the second in district task lists typed in Word).
_OPEN, _CLOSE = "（(【[［", "）)】]］"
_LINE = re.compile(r"[^\n]+")
# A bare list of units is an attribution only where a trailing note stands: before these or at the end.
_TRAILING = "。；;，,\n"
# A line that is only a short name before the bracket (脉脉（北京市淘天下科技有限公司）, a product and
# its maker in ds_central_088 of the tune gold) is glossed by it, not given a task; a short line that
# opens with a duty verb (完善数据目录（信息中心）) is a task.
GLOSSED_NAME_CHARS = 12
_SENTENCE_MARK = re.compile(r"[，,。；;：:、！？]")
# Where a sentence (or its part) closes before a label run on its line: 推进试点。牵头单位：X /
# 推进试点，牵头单位为X; not ；, which parts the runs of one label list.
_LABEL_RUN_AFTER = re.compile(r"[。！？，,]")
Runs = list[tuple[str, list[str]]]  # (role, unit names) in printed order


@dataclass(frozen=True)
class Tagged:
    attributions: tuple[Attribution, ...]
    unparsed: tuple[Unparsed, ...]


@dataclass(frozen=True)
class _Carrier:
    start: int  # the whole carrier (brackets included)
    end: int
    inner_start: int
    inner_end: int
    bracket: bool


def _brackets(text: str, start: int, end: int) -> list[_Carrier]:
    spans, stack = [], []
    for offset in range(start, end):
        char = text[offset]
        if char in _OPEN:
            stack.append(offset)
        elif char in _CLOSE and stack:
            opened = stack.pop()
            if offset - opened <= MAX_ATTRIBUTION_CHARS:
                spans.append(_Carrier(opened, offset + 1, opened + 1, offset, True))
    return spans


def _label_lines(text: str, start: int, end: int) -> list[_Carrier]:
    """Unbracketed lines that start with a role label ("牵头单位：X"); consecutive ones are one carrier,
    so that the responsible units of the second line know the first named a lead."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        begin = _label_start(text, line.start(), line.end())
        if begin is None:
            continue
        body = text[begin : line.end()].strip()
        begin += text[begin : line.end()].index(body)
        finish = begin + len(body)
        if spans and not text[spans[-1][1] : begin].strip():
            begin = spans.pop()[0]
        if finish - begin <= MAX_ATTRIBUTION_CHARS:
            spans.append((begin, finish))
    return [_Carrier(a, b, a, b, False) for a, b in spans]


def _label_start(text: str, start: int, end: int) -> int | None:
    """Where a label run opens in the line ``text[start:end]``: at its start, or after a sentence
    that ends before it (推进重点项目。牵头单位：X；配合单位：Y。)."""
    for begin in (start, *(m.end() for m in _LABEL_RUN_AFTER.finditer(text, start, end))):
        if starts_with_label(text[begin:end]):
            return begin
    return None


def _is_trailing(text: str, carrier: _Carrier, end: int) -> bool:
    """The bracket closes its sentence (or follows one): where attribution notes stand."""
    after = text[carrier.end : end].lstrip(" \t")
    before = text[: carrier.start].rstrip(" \t")[-1:]
    return not after or after[0] in _TRAILING or before in "。；;"


def _assign(named: Runs, first_listed_leads: bool) -> dict[str, list[str]]:
    """Final roles of the names (see the module docstring for the rules)."""
    by_role: dict[str, list[str]] = {"lead": [], "cooperate": [], "responsible": [], "generic": []}
    for role, names in named:
        for name in names:
            bucket = by_role["generic" if is_generic(name) else role]
            if name not in bucket:
                bucket.append(name)
    first = next((n for _, names in named for n in names if not is_generic(n)), None)
    if not by_role["lead"] and first_listed_leads and first in by_role["responsible"]:
        by_role["lead"] = [first]
        by_role["responsible"].remove(first)
    if by_role["lead"]:
        by_role["cooperate"] = by_role["responsible"] + by_role["cooperate"]
        by_role["responsible"] = []
    return by_role


def _marked(names: str) -> list[tuple[str, str | None]]:
    """Each unit of a list with the role its note marks (省发展改革委（牵头）), or None."""
    return [note_role(name) for name in split_units(names)]


def _scope_start(text: str, after: int, end: int) -> int:
    """The first character of the sentence run that follows an attribution."""
    while after < end and (text[after].isspace() or text[after] in "。．.，,；;"):
        after += 1
    return after


@dataclass
class Tagger:
    """Tags the clauses of one document: its text, and the short names it defines for units."""

    text: str
    defined: Mapping[str, str] = field(default_factory=dict)
    reads_duties: bool = True  # false for a news report: its sentences assign nothing
    commitments_only: bool = False  # a reply: only what a unit will do (X将…) assigns
    own_names: Mapping[str, str] = field(default_factory=dict)  # 部 -> the issuer 交通运输部 (after 由)
    carried: frozenset[str] = frozenset()  # units the document names in its carriers (see carrier_names)

    @classmethod
    def for_document(cls, text: str, writer: str = "", *, numbered: bool = True) -> Tagger:
        """The tagger of one document; ``writer`` (its issuer, or the author of the text it forwards)
        is whom its 我部 / 我委 name; a text with no numbered clauses (``numbered`` false) that opens
        as a news report has no prose duties."""
        selves = {short: stands_for(writer, short) or writer for short in self_references()} if writer else {}
        defined = {**selves, **defined_names(text)}
        own = {short: unit for short in agent_self_references() if (unit := stands_for(writer, short))}
        reads = numbered or not reports_news(text)
        tagger = cls(text, defined, reads_duties=reads, commitments_only=is_reply(text), own_names=own)
        return replace(tagger, carried=tagger.carrier_names())

    @cached_property
    def prose(self) -> ProseReader:
        # built on first use: for_document's first tagger only reads carriers and never needs it
        return ProseReader(
            self.text, self.defined, self.reads_duties, self.commitments_only, carried=self.carried
        )

    def carrier_names(self) -> frozenset[str]:
        """The units the document names in its role carriers (（X牵头，Y配合）, 责任处室：Z): a name that
        stands there is a unit by its position, so it is one where it opens a sentence too (规划处负责…)."""
        text, names = self.text, set()
        for carrier in _brackets(text, 0, len(text)) + _label_lines(text, 0, len(text)):
            runs = self.runs(text[carrier.inner_start : carrier.inner_end])
            names.update(n for _, units in (runs[0] if runs else []) for n in units if not is_generic(n))
        return frozenset(names)

    # -- names ----------------------------------------------------------------------------------

    def is_unit_list(self, names: list[str]) -> bool:
        return bool(names) and all(n in self.defined or is_generic(n) or looks_like_unit(n) for n in names)

    def department(self, name: str) -> Department:
        full = self.defined.get(name) or self.own_names.get(name) or name
        return Department(printed=name, canonical=canonical(full), known=is_known(full))

    def _departments(self, names: list[str]) -> tuple[Department, ...]:
        return tuple(self.department(name) for name in names)

    def attribution(
        self,
        raw: str,
        span: tuple[int, int],
        scope: tuple[int, int],
        roles: dict[str, list[str]],
        carrier: str,
        deadline: str = "",
    ) -> Attribution:
        return Attribution(
            raw=raw,
            start=span[0],
            end=span[1],
            scope_start=scope[0],
            scope_end=scope[1],
            lead=self._departments(roles["lead"]),
            cooperate=self._departments(roles["cooperate"]),
            responsible=self._departments(roles["responsible"]),
            generic=tuple(roles["generic"]),
            carrier=carrier,
            deadline=deadline,
        )

    # -- carriers -------------------------------------------------------------------------------

    def runs(self, inner: str) -> tuple[Runs, str] | None:
        """The role runs of a carrier with their unit names and deadline, or None when it is none."""
        body, tail = split_deadline_tail(strip_notes(inner))
        labelled = labelled_runs(body)
        if labelled is not None:
            runs, deadline = label_keyword_runs(labelled.runs), labelled.deadline or tail
        else:
            runs, deadline = keyword_runs(body) or [], tail
        named = [item for role, names in runs for item in self._named(role, names)]
        return (named, deadline) if self.is_unit_list([n for _, names in named for n in names]) else None

    def _named(self, role: str, names: str) -> Runs:
        """Each unit of one run with its role: for X会同Y、Z lead and cooperate, else a note's
        (省发展改革委（牵头）) or the run's."""
        parts = with_parts(names)
        if parts:
            split = [(part_role, split_units(part)) for part_role, part in parts]
            if self.is_unit_list([n for _, units in split for n in units]):
                return [(part_role, [n]) for part_role, units in split for n in units]
        return [(marked or role, [name]) for name, marked in _marked(names)]

    def parse(self, inner: str, *, first_listed_leads: bool = False) -> dict[str, list[str]] | None:
        """Names by role (lead, cooperate, responsible, generic) of a carrier's inner text, or None."""
        runs = self.runs(inner)
        if runs is None:
            return None
        return _assign(runs[0], first_listed_leads or states_first_listed_lead(inner))

    def tag(self, start: int, end: int, *, first_listed_leads: bool = False) -> Tagged:
        """Attributions in ``text[start:end]`` (a clause's own text), each bound to its sentence run.

        ``first_listed_leads`` is true when the document stated the 列第一位者为牵头单位 convention
        before ``start``; a carrier that states it switches it on for itself and the ones after it.
        """
        text, found, unparsed = self.text, [], []
        scope_start, covered = start, start
        carriers = sorted(
            _brackets(text, start, end) + _label_lines(text, start, end), key=lambda c: (c.start, -c.end)
        )
        for carrier in carriers:
            if carrier.start < covered:  # inside an attribution already taken
                continue
            inner = text[carrier.inner_start : carrier.inner_end]
            first_listed_leads = first_listed_leads or states_first_listed_lead(inner)
            attribution = self._carrier(carrier, end, inner, (scope_start, carrier.end), first_listed_leads)
            if attribution is None:
                if carrier.bracket and has_role_word(inner) and _is_trailing(text, carrier, end):
                    unparsed.append(Unparsed(inner, carrier.start, carrier.end))
                continue
            found.append(attribution)
            scope_start, covered = _scope_start(text, carrier.end, end), carrier.end
        for sentence in self.prose.assignments(start, end, skip=[(a.start, a.end) for a in found]):
            found.append(self._from_assignment(sentence, "sentence", (sentence.start, sentence.end)))
        found.sort(key=lambda a: a.start)
        kept = tuple(u for u in unparsed if not any(a.start <= u.start < a.end for a in found))
        return Tagged(tuple(found), kept)

    def _carrier(
        self, carrier: _Carrier, end: int, inner: str, scope: tuple[int, int], first_listed_leads: bool
    ) -> Attribution | None:
        span = (carrier.start, carrier.end)
        runs = self.runs(inner)
        if runs is not None:
            roles = _assign(runs[0], first_listed_leads)
            return self.attribution(
                inner, span, scope, roles, "bracket" if carrier.bracket else "label", runs[1]
            )
        if not carrier.bracket:
            return None
        names = split_units(inner)
        if self._bare_list(carrier, end, names):  # a note may still mark one unit's role: X（牵头）、Y
            named = [(marked or "responsible", [name]) for name, marked in _marked(inner)]
            return self.attribution(inner, span, scope, _assign(named, False), "bracket")
        sentences = self.prose.assignments(carrier.inner_start, carrier.inner_end)
        if len(sentences) == 1:
            return self._from_assignment(sentences[0], "bracket", span)
        return None

    def _bare_list(self, carrier: _Carrier, end: int, names: list[str]) -> bool:
        """A trailing bracket of units only (（信息中心、规划处、各区县）), not a note on the name before it
        (国家发展改革委（产业发展司）)."""
        if (
            not _is_trailing(self.text, carrier, end)
            or not self.is_unit_list(names)
            or all(map(is_generic, names))
        ):
            return False
        before = re.split(
            r"[，,。；;：:、\s“”《》（）()]", self.text[max(0, carrier.start - 20) : carrier.start]
        )[-1]
        return not any(looks_like_unit(before[i:]) for i in range(len(before))) and not self._glosses(carrier)

    def _glosses(self, carrier: _Carrier) -> bool:
        line = self.text[self.text.rfind("\n", 0, carrier.start) + 1 : carrier.start].strip()
        return (
            0 < len(line) <= GLOSSED_NAME_CHARS
            and not _SENTENCE_MARK.search(line)
            and match_number(line) is None
            and not opens_with_duty(line)
        )

    def _from_assignment(self, found: Assignment, carrier: str, span: tuple[int, int]) -> Attribution:
        roles = {role: list(getattr(found, role)) for role in (*ROLE_NAMES, "generic")}
        return self.attribution(
            self.text[span[0] : span[1]].strip(), span, (found.start, found.end), roles, carrier
        )

    def row(self, row: TableRow) -> Tagged:
        """The attribution of a task-table row: its unit columns by role, its 完成时限 cell as deadline."""
        named = [(kind, split_units(row.cells[kind].text)) for kind in UNIT_COLUMNS if kind in row.cells]
        units = [name for _, names in named for name in names]
        if not units:
            return Tagged((), ())
        if not self.is_unit_list(units):
            cells = [row.cells[kind] for kind in UNIT_COLUMNS if kind in row.cells]
            return Tagged((), (Unparsed("；".join(c.text for c in cells), cells[0].start, cells[-1].end),))
        raw = " | ".join(cell.text for cell in sorted(row.cells.values(), key=lambda c: c.start))
        deadline = row.cells["deadline"].text if "deadline" in row.cells else ""
        span = (row.start, row.end)
        return Tagged((self.attribution(raw, span, span, _assign(named, False), "table", deadline),), ())


def find_attributions(text: str, start: int, end: int, *, first_listed_leads: bool = False) -> Tagged:
    """The attributions of ``text[start:end]``, for a text with no document-defined names."""
    return Tagger(text).tag(start, end, first_listed_leads=first_listed_leads)


def parse_attribution(inner: str, *, first_listed_leads: bool = False) -> dict[str, list[str]] | None:
    """Names by role of one carrier's inner text, or None when it is no attribution."""
    return Tagger(inner).parse(inner, first_listed_leads=first_listed_leads)


def as_printed(found: Attribution, printed: str, read: str) -> Attribution:
    """An attribution tagged on ``read`` (the text with traditional characters simplified, one for
    one) with its carrier and names as ``printed``; canonical names stay those of the simplified."""
    low, high = min(found.start, found.scope_start), max(found.end, found.scope_end)

    def back(name: str) -> str:
        at = read.find(name, low, high)
        return printed[at : at + len(name)] if at >= 0 else name

    def departments(units: tuple[Department, ...]) -> tuple[Department, ...]:
        return tuple(replace(d, printed=back(d.printed)) for d in units)

    return replace(
        found,
        raw=back(found.raw),
        lead=departments(found.lead),
        cooperate=departments(found.cooperate),
        responsible=departments(found.responsible),
        generic=tuple(back(g) for g in found.generic),
    )
