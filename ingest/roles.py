"""The role grammar of ``data/roles.toml``, compiled: role words, labels, the 列第一位者 convention.

Pure functions over the text of one carrier (a bracket's inside, a label line): which runs of names
it holds and with which role. Whether the names are units is ``units.py``'s question; turning runs
into an ``Attribution`` is ``attribution.py``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.datafiles import read_toml
from ingest.numbering import fold_width

ROLE_NAMES = ("lead", "cooperate", "responsible")
# What may separate role runs or end a carrier (folded to half-width).
SEPARATORS = ",;。.、 \t\r\n:"
_RUN_PUNCTUATION = SEPARATORS + "，；、："


@dataclass(frozen=True)
class Grammar:
    verb: re.Pattern[str]  # modifiers* + role word, closing a run of names
    verb_role: dict[str, str]
    modifiers: tuple[str, ...]  # words before a role word that do not change it (按职责分工, 负责)
    label: re.Pattern[str]  # stem + qualifier + noun + colon
    label_role: dict[str, str]
    designation: re.Pattern[str]  # 为牵头单位 (a label without its colon)
    copulas: tuple[str, ...]  # 为 / 是: what a designation opens with
    label_nouns: tuple[str, ...]  # 单位, 部门 …: the nouns of a label (牵头单位)
    deadline: re.Pattern[str]
    deadline_tail: re.Pattern[str]  # ，2024年12月底前 closing a carrier's names
    line_bullets: str  # ★ ● … before a label line's label
    other_label: re.Pattern[str]
    convention: re.Pattern[str]
    same_below: re.Pattern[str]
    run_with: re.Pattern[str]  # 会同 inside a run of names: X会同Y
    prose: dict[str, list[str]]
    past: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    data = read_toml("roles.toml")
    verbs, labels, prose = data["verbs"], data["labels"], data["prose"]
    verb_role = {word: role for role in ROLE_NAMES for word in verbs[role]}
    label_role = {stem: role for role in ROLE_NAMES for stem in labels[role]}
    boundary = "(?=$|[" + re.escape(SEPARATORS) + "])"
    stems = _alternation(list(label_role))
    nouns = _alternation(labels["nouns"])
    qualifier = f"[\u4e00-\u9fff]{{0,{int(labels['qualifier_max'])}}}?"
    return Grammar(
        verb=re.compile(
            f"(?:{_alternation(verbs['modifiers'])})*(?P<verb>{_alternation(list(verb_role))}){boundary}"
        ),
        verb_role=verb_role,
        modifiers=tuple(verbs["modifiers"]),
        # 牵头单位：X, and 责任单位为X / 牵头部门是X (the label, then a copula, then the names)
        # …and 牵头：X (a stem alone, before a colon)
        label=re.compile(
            f"(?:【)?(?:(?P<stem>{stems}){qualifier}(?:{nouns})(?:[:：]|】|{_alternation(labels['copulas'])})"
            f"|(?P<alone>{_alternation(labels['alone'])})(?:[:：]|】))"
        ),
        label_role=label_role,
        # 为牵头单位 / 是…的主管单位: a label without its colon, after a copula and an optional "…的"
        designation=re.compile(
            f"(?:{_alternation(labels['copulas'])})(?:[^，,。；;]{{0,24}}?的)?{qualifier}(?P<stem>{stems}){qualifier}(?:{nouns})"
        ),
        copulas=tuple(labels["copulas"]),
        label_nouns=tuple(labels["nouns"]),
        deadline=re.compile(f"(?:{_alternation(labels['deadline'])})[:：]"),
        deadline_tail=re.compile(labels["deadline_tail"]),
        line_bullets=labels["line_bullets"],
        other_label=re.compile(f"[\u4e00-\u9fff]{{2,{int(labels['other_label_max'])}}}[:：]"),
        convention=re.compile(data["convention"]["first_listed_lead"]),
        same_below=re.compile(data["convention"]["same_below"]),
        run_with=re.compile(_alternation(data["runs"]["with"])),
        prose=prose,
        past=re.compile(f"{_alternation(prose['past_words'])}|{prose['past_pattern']}"),
    )


def first_listed_lead_at(text: str) -> int | None:
    """Offset of the first statement of the 列第一位者为牵头单位 convention in ``text``, if any."""
    found = grammar().convention.search(fold_width(text))
    return found.start() if found else None


def states_first_listed_lead(text: str) -> bool:
    return first_listed_lead_at(text) is not None


def strip_notes(inner: str) -> str:
    """A carrier's text without the convention statement and "下同" notes: only names and roles."""
    g = grammar()
    convention = g.convention.search(fold_width(inner))
    return g.same_below.sub("", inner[: convention.start()] if convention else inner)


def split_deadline_tail(body: str) -> tuple[str, str]:
    """A carrier's text without a trailing unlabelled deadline, and that deadline ("" without one)."""
    found = grammar().deadline_tail.search(fold_width(body))
    if not found:
        return body, ""
    return body[: found.start()], body[found.start("deadline") : found.end("deadline")]


def keyword_runs(body: str) -> list[tuple[str, str]] | None:
    """（X、Y牵头，Z配合） -> [(lead, "X、Y"), (cooperate, "Z")]; None when other words remain. The
    agent word that may open the carrier (（由X牵头，Z配合）) is no name."""
    g, runs = grammar(), []
    folded = fold_width(body)
    opening = folded.lstrip()
    agent = next((a for a in g.prose["agent"] if opening.startswith(a)), "")
    if opening.startswith(tuple(g.prose["not_agents"])):
        agent = ""
    position = len(folded) - len(opening) + len(agent)
    for found in g.verb.finditer(folded, position):
        names = body[position : found.start()].strip(_RUN_PUNCTUATION)
        if not names:
            return None
        runs.append((g.verb_role[found.group("verb")], names))
        position = found.end()
    leftover = fold_width(body[position:]).strip(SEPARATORS)
    return runs if runs and not leftover else None


@dataclass(frozen=True)
class Labelled:
    runs: list[tuple[str, str]]  # (role, names) in printed order
    deadline: str  # the text after a deadline label, "" without one


def label_role(label: re.Match[str]) -> str:
    """The role of a match of ``grammar().label``: its stem's (牵头单位：, 牵头：)."""
    return grammar().label_role[label.group("stem") or label.group("alone")]


def labelled_runs(body: str) -> Labelled | None:
    """（牵头单位：X；责任单位：Y；完成时限：2024年） -> runs and deadline; None without a role label.

    Words before the first role label and runs opened by other labels (适用范围：…) are not names.
    """
    g, folded = grammar(), fold_width(body)
    # A role or deadline label also matches as "other": at the same place, the more specific wins.
    marks = sorted(
        [(m.start(), 0, m.end(), label_role(m)) for m in g.label.finditer(folded)]
        + [(m.start(), 1, m.end(), "deadline") for m in g.deadline.finditer(folded)]
        + [(m.start(), 2, m.end(), "other") for m in g.other_label.finditer(folded)],
    )
    kept: list[tuple[int, int, str]] = []
    for start, _, end, kind in marks:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, kind))
    if not any(kind in ROLE_NAMES for _, _, kind in kept):
        return None
    runs, deadline = [], ""
    for (_, end, kind), following in zip(kept, [*(k[0] for k in kept[1:]), len(body)], strict=True):
        text = body[end:following].strip(_RUN_PUNCTUATION + g.line_bullets)
        if kind in ROLE_NAMES:
            runs.append((kind, text))
        elif kind == "deadline":
            deadline = text
    return Labelled(runs, deadline)


def with_parts(names: str) -> list[tuple[str, str]]:
    """X会同Y (a run of names in a carrier) -> [(lead, X), (cooperate, Y)]; [] without 会同 or with
    nothing on one side."""
    parts = grammar().run_with.split(names, maxsplit=1)
    if len(parts) < 2 or not all(p.strip() for p in parts):
        return []
    return [("lead", parts[0].strip()), ("cooperate", parts[1].strip())]


def label_keyword_runs(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A responsible label whose names carry their own role words (责任单位：X牵头，Y配合) takes those
    roles; every other run stays as labelled."""
    out: list[tuple[str, str]] = []
    for role, names in runs:
        inner = keyword_runs(names) if role == "responsible" else None
        out += inner or [(role, names)]
    return out


# A role word in a note after one name of a list marks that unit's role: 省发展改革委（牵头）、省财政厅.
_ROLE_NOTE = re.compile(r"[(（〔［\[【]\s*(?P<word>[\u4e00-\u9fff]{2,4})\s*[)）〕］\]】]$")


def note_role(name: str) -> tuple[str, str | None]:
    """``name`` without a trailing role note and the note's role: 省发展改革委（牵头） -> (省发展改革委,
    lead); a name with no such note -> (name, None)."""
    found = _ROLE_NOTE.search(name)
    role = grammar().verb_role.get(fold_width(found.group("word"))) if found else None
    return (name[: found.start()].rstrip(), role) if found and role else (name, None)


def designation_role(text: str) -> str | None:
    """ "为牵头单位" / "是…的主管单位" at the start of ``text`` -> its role (教育部为牵头单位); else None."""
    found = grammar().designation.match(fold_width(text))
    return grammar().label_role[found.group("stem")] if found else None


def has_role_word(text: str) -> bool:
    """Whether ``text`` holds a role word or label at all (a carrier worth reporting if unparsed)."""
    folded = fold_width(text)
    return bool(grammar().verb.search(folded) or grammar().label.search(folded))


def starts_with_label(text: str) -> bool:
    """Whether ``text`` opens with a role label (牵头单位：, 责任处室：, 【牵头单位】), after a bullet."""
    return bool(grammar().label.match(fold_width(text.lstrip().lstrip(grammar().line_bullets).lstrip())))
