"""Question understanding: validate, strip scaffolding, detect the intent, find departments.

Everything here is a pure function of the question and two pieces of data: the word lists in
``app/data/questions.toml`` and a department lexicon (alias -> canonical) built from
``ingest.departments`` and the store's printed names. User text is only ever matched as literal text;
the only regexes compiled are built from the data file (with ``re.escape`` on every word).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

from ingest.model import ROLES
from ingest.text import fold
from ingest.units import has_strong_ending, looks_like_unit, places, unit_ending

from .scopes import Scopes

QUESTIONS_TOML = Path(__file__).parent / "data" / "questions.toml"
# Longer questions are refused: real questions are a sentence or two; pasting a whole document into
# the box is a mistake, and the embedding model truncates long input anyway.
MAX_QUESTION_CHARS = 500

INTENTS = ("lead", "cooperate", "dept", "target", "search")
# A unit is a document's issuer when a document type follows within this many characters.
ISSUER_TITLE_CHARS = 16
# Words that may qualify a task noun after 哪些 (哪些重点任务, 哪些方面的工作).
TASK_NOUN_GAP = 6
# A name without its 省/市 prefix is matched only from this length on (科技厅, not 科技).
MIN_SHORT_NAME_CHARS = 3
# Abbreviations of department names (省经信厅, 发改委) are this long.
MIN_ABBREVIATION_CHARS = 3
MAX_ABBREVIATION_CHARS = 8


class QuestionError(ValueError):
    """A question that cannot be asked at all (empty, too long). ``str(err)`` is one line."""


@dataclass(frozen=True)
class DeptMention:
    printed: str  # as written in the question (folded)
    canonical: str
    start: int
    end: int


@dataclass(frozen=True)
class Query:
    question: str  # as asked, trimmed
    folded: str  # NFKC-folded, for matching
    intent: str  # one of INTENTS
    content: str  # the question without scaffolding: what to retrieve
    roles: tuple[str, ...]  # the roles asked about (subset of ingest.model.ROLES)
    departments: tuple[DeptMention, ...] = ()
    year: int | None = None
    combine: str = "and"  # several departments: "and" (共同, 和, 与) or "or" (或)
    scope: frozenset[str] | None = None  # documents a place or issuer in the question points to
    listing: bool = False  # the question asks for every item (哪些, 有哪些, 清单)
    topic: str = ""  # what the question is about beyond its year: 算力中心 in 到2025年算力中心的目标


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def check_question(question: str) -> str:
    """The trimmed question, or QuestionError with a message that says what to do."""
    text = (question or "").strip()
    if not text:
        raise QuestionError("the question is empty; ask e.g. 5G和千兆光网建设由哪些部门牵头？")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS} — "
            "ask about one task at a time"
        )
    if not has_cjk(text):
        # The documents, the aliases and the question grammar are Chinese: an English or SQL-like
        # string can only ever match by accident, so say so instead of showing a random clause.
        raise QuestionError(
            "policykb answers questions in Chinese (请用中文提问); the question has no Chinese text"
        )
    return text


# ---- the data file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Grammar:
    """The compiled form of questions.toml."""

    lead_verbs: tuple[str, ...]
    cooperate_verbs: tuple[str, ...]
    cooperate_nouns: tuple[str, ...]  # 支持单位: a cooperating role named only as a unit noun
    agent: re.Pattern[str]  # "由哪些部门牵头", "谁负责", "的牵头部门是谁"
    task: re.Pattern[str]  # "哪些任务", "什么", and "牵头的工作" (a role, then what it holds)
    task_noun: re.Pattern[str]  # "哪些任务" alone: the question asks for work, whatever else it says
    own_work: re.Pattern[str]  # "的任务" right after a name, to the end: 省商务厅的任务, 省商务厅分工
    target_cues: tuple[str, ...]
    dated_cues: tuple[str, ...]  # target cues only beside a year (2024年底前完成)
    year: re.Pattern[str]
    non_topic: tuple[str, ...]
    filler: tuple[str, ...]
    trailing: str  # particles stripped from the end of what remains
    responsible_verbs: tuple[str, ...] = ()
    listing: tuple[str, ...] = ()
    joiners_or: tuple[str, ...] = ()
    issuer_of: re.Pattern[str] | None = None  # after a unit name: the title of a document it issued
    every_document: tuple[str, ...] = ()  # 这些文件: the whole library, no document in particular
    dropped_levels: tuple[str, ...] = ()  # 省, 市委 …: what staff leave off a unit's name, longest first


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so the longest wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def compile_grammar(data: Mapping) -> Grammar:
    roles, agent, task = data["roles"], data["agent"], data["task"]
    role_words = _alt([*roles["lead"], *roles["responsible"], *roles["cooperate"]])
    verbs = _alt([*roles["lead"], *roles["responsible"], *roles["cooperate"], *agent["actions"]])
    asker = f"(?:(?:{_alt(agent['wh'])})(?:{_alt(agent['nouns'])})|{_alt(agent['who'])})"
    phrase = f"(?:{_alt(agent['before'])})?{asker}(?:{_alt(agent['between'])})?(?:{verbs})*"
    # "X的牵头部门是谁" / "X的牵头部门": a question about X; "省科技厅作为牵头部门承担哪些工作" is not.
    role_noun = (
        f"(?P<role_noun>(?:{_alt(agent['role_noun_before'])})?"
        f"(?:{_alt([*agent['role_noun_stems'], *roles['cooperate_noun_stems']])})"
        f"(?:{_alt(agent['role_noun_nouns'])})"
        f"(?:(?:{_alt(agent['role_noun_tails'])})|是?(?=[?？。!！\\s]*$)))"
    )
    # 配合冷链物流建设的单位有哪些: the role verb first, the unit noun and its question word last
    role_first = (
        f"(?:{role_words})[^，,。？?]{{1,{int(agent['role_first_max_chars'])}}}?的(?:{_alt(agent['nouns'])})"
        f"(?:(?:{_alt(agent['role_noun_tails'])})|是?(?=[?？。!！\\s]*$))"
    )
    task_noun = f"(?:{_alt(task['wh'])}).{{0,{TASK_NOUN_GAP}}}?(?:{_alt(task['nouns'])})"
    return Grammar(
        lead_verbs=tuple(roles["lead"]),
        cooperate_verbs=tuple(roles["cooperate"]),
        cooperate_nouns=tuple(
            f"{stem}{noun}" for stem in roles["cooperate_noun_stems"] for noun in agent["role_noun_nouns"]
        ),
        agent=re.compile(f"{phrase}|{role_noun}|{role_first}"),
        # 哪些 asks for the unit's work when a task noun follows (a few words may qualify it: 哪些重点
        # 任务) or nothing does; 哪些方面的标准 asks about the content of a clause.
        # 作为配合单位的任务: the role may be named as a label is (a role word and a unit noun).
        task=re.compile(
            f"{task_noun}|(?:{_alt(task['wh'])})(?=[?？。!！\\s]*$)"
            f"|(?:{role_words})(?:{_alt(agent['nouns'])})?的(?:{_alt(task['nouns'])})"
        ),
        task_noun=re.compile(task_noun),
        own_work=re.compile(
            f"(?:{_alt(task['alone_before'])})?(?:{role_words})?"
            f"(?:{_alt(task['alone'])})(?:{_alt(task['alone_tails'])})?[?？。!！\\s]*$"
        ),
        target_cues=tuple(sorted(data["target"]["cues"], key=len, reverse=True)),
        dated_cues=tuple(data["target"]["dated_cues"]),
        year=re.compile(data["target"]["year_pattern"]),
        non_topic=tuple(sorted(data["target"]["non_topic"], key=len, reverse=True)),
        filler=tuple(sorted(data["filler"]["words"], key=len, reverse=True)),
        trailing="".join(data["filler"]["trailing"]),
        responsible_verbs=tuple(roles["responsible"]),
        listing=tuple(data["listing"]["words"]),
        joiners_or=tuple(data["combine"]["or"]),
        issuer_of=re.compile(
            f"(?!{_alt(data['scope']['subject_words'])})"
            f"[^，。；？！,;?!]{{0,{ISSUER_TITLE_CHARS}}}(?:{_alt(data['scope']['document_types'])})"
        ),
        every_document=tuple(sorted(data["scope"]["every_document"], key=len, reverse=True)),
        dropped_levels=tuple(sorted(data["departments"]["dropped_levels"], key=len, reverse=True)),
    )


@cache
def default_grammar() -> Grammar:
    with QUESTIONS_TOML.open("rb") as fh:
        return compile_grammar(tomllib.load(fh))


# ---- departments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    """Folded alias -> canonical department name, for longest-match lookup in questions; a name no
    alias spells is matched as an abbreviation of one (省经信厅 for 省经济和信息化厅)."""

    aliases: Mapping[str, str]
    max_len: int
    by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # first char -> aliases

    @classmethod
    def build(cls, *tables: Mapping[str, Iterable[str]], stored: Iterable[str] = ()) -> Lexicon:
        """``tables``: canonical -> names (aliases, printed forms); the canonical maps to itself.
        ``stored``: the canonicals the library holds, which decide a short name several units share
        (组织部: 市委组织部 when the library names no other; see ``_short_names``)."""
        aliases: dict[str, str] = {}
        where = places()
        for table in tables:
            for canonical, names in table.items():
                for name in (canonical, *names):
                    # a place alone (济南, printed for 济南和青岛两市要…) says where, not who, in a question
                    if name and fold(name) not in where:
                        aliases.setdefault(fold(name), canonical)
        held = set(stored)
        for bare, canonicals in _short_names(aliases, default_grammar().dropped_levels).items():
            fits = canonicals if len(canonicals) == 1 else canonicals & held
            if len(fits) == 1 and bare not in aliases:
                aliases[bare] = next(iter(fits))
        by_first: dict[str, list[str]] = {}
        for alias in aliases:
            if has_strong_ending(alias):
                by_first.setdefault(alias[0], []).append(alias)
        return cls(
            aliases, max((len(a) for a in aliases), default=0), {k: tuple(v) for k, v in by_first.items()}
        )

    def find(self, folded: str) -> tuple[DeptMention, ...]:
        """Every department named in ``folded``, leftmost-longest, non-overlapping."""
        found, i = [], 0
        while i < len(folded):
            mention = self._longest_at(folded, i)
            if mention:
                found.append(mention)
                i = mention.end
            else:
                i += 1
        return tuple(found)

    def _longest_at(self, folded: str, i: int) -> DeptMention | None:
        for length in range(min(self.max_len, len(folded) - i), 1, -1):
            name = folded[i : i + length]
            if name in self.aliases:
                return DeptMention(name, self.aliases[name], i, i + length)
        return self._abbreviation_at(folded, i)

    def _abbreviation_at(self, folded: str, i: int) -> DeptMention | None:
        """The longest unit-shaped name at ``i`` that abbreviates exactly one department."""
        for length in range(min(MAX_ABBREVIATION_CHARS, len(folded) - i), MIN_ABBREVIATION_CHARS - 1, -1):
            name = folded[i : i + length]
            if not has_strong_ending(name):
                continue
            canonicals = {self.aliases[a] for a in self.by_first.get(name[0], ()) if abbreviates(name, a)}
            if len(canonicals) == 1:
                return DeptMention(name, canonicals.pop(), i, i + length)
        return None


def _short_names(aliases: Mapping[str, str], levels: Sequence[str]) -> dict[str, set[str]]:
    """Names staff use for a unit where only one fits: without its level (商务厅 for 省商务厅, 组织部 for
    市委组织部) or without the unit an office belongs to (综合规划司 for 交通运输部综合规划司)."""
    short: dict[str, set[str]] = {}
    for alias, canonical in aliases.items():
        level = next((p for p in levels if alias.startswith(p)), "")
        for bare in (alias[len(level) :], _office_of(alias)):
            if bare != alias and len(bare) >= MIN_SHORT_NAME_CHARS:
                short.setdefault(bare, set()).add(canonical)
    return short


def _office_of(name: str) -> str:
    """交通运输部综合规划司 -> 综合规划司: the office after the unit it belongs to, when both end like
    government bodies; "" when the name is no such pair."""
    for cut in range(2, len(name) - MIN_SHORT_NAME_CHARS + 1):
        head, tail = name[:cut], name[cut:]
        if (
            has_strong_ending(head)
            and has_strong_ending(tail)
            and looks_like_unit(head)
            and looks_like_unit(tail)
        ):
            return tail
    return ""


def abbreviates(short: str, name: str) -> bool:
    """省经信厅 abbreviates 省经济和信息化厅, 省发改委 省发展和改革委员会, 发改委 发展改革委: the same
    opening (level and first character of its first word), the other characters in order, the ending
    cut to its first character."""
    ending = unit_ending(name)
    if not ending or len(short) >= len(name) or not ending.startswith(short[-1]):
        return False
    body, short_body = name[: len(name) - len(ending)], short[:-1]
    head = 2 if len(short_body) > 2 else 1
    if len(short_body) < 2 or short_body[:head] != body[:head]:
        return False
    rest = iter(body[head:])
    return all(ch in rest for ch in short_body[head:])


# ---- intent ----------------------------------------------------------------------------------


def parse_question(
    question: str,
    lexicon: Lexicon,
    grammar: Grammar | None = None,
    scopes: Scopes | None = None,
) -> Query:
    """Understand a (checked) question. Pure: the lexicon, the grammar and ``scopes`` (the documents
    a place, issuer or title names, from the store) carry all the knowledge."""
    g = grammar or default_grammar()
    text = check_question(question)
    folded = fold(text)
    depts = tuple(d for d in lexicon.find(folded) if not _issuer(folded, d, g))
    intent, roles = _intent(folded, depts, g)
    named = _without_every_document(folded, g)  # same length as folded: the mentions' offsets hold
    rest = _without_mentions(named, depts)
    # The words that name the document (促进就业若干意见中，…) say where to look, not what about;
    # a year among them (数字山东2019…) is part of a title, not a deadline.
    about = folded[_naming_end(named, scopes) :] if scopes else folded
    year_match = g.year.search(about)
    year = int(year_match.group(1)) if year_match else None
    content = strip_scaffolding(about, g) or strip_scaffolding(folded, g)
    return Query(
        question=text,
        folded=folded,
        intent=intent,
        content=content,
        roles=roles,
        departments=depts,
        year=year,
        combine=_combine(folded, depts, g),
        scope=scopes.documents_for(rest) if scopes else None,
        listing=any(word in rest for word in g.listing),
        topic=_topic(content, g),
    )


def _without_every_document(folded: str, g: Grammar) -> str:
    """The question without 这些文件 / 所有文件 (same length, so offsets hold): they name no title."""
    for words in g.every_document:
        folded = folded.replace(words, " " * len(words))
    return folded


def _topic(content: str, g: Grammar) -> str:
    text = g.year.sub(" ", content)
    for word in g.non_topic:
        text = text.replace(word, " ")
    return " ".join(text.split())


def _intent(folded: str, depts: tuple[DeptMention, ...], g: Grammar) -> tuple[str, tuple[str, ...]]:
    agent = g.agent.search(folded)
    if agent and agent.group("role_noun") and depts and g.task_noun.search(folded):
        agent = None  # 济南海关在哪些任务中是配合单位: the unit's work, by the role it has there
    if agent:  # the question asks "which unit" — lead or cooperate, whatever else it mentions
        if any(v in agent.group() for v in (*g.cooperate_verbs, *g.cooperate_nouns)):
            return "cooperate", ("cooperate",)
        return "lead", ("lead", "responsible")
    if depts and (g.task.search(folded) or g.own_work.match(folded, depts[-1].end)):
        # 省商务厅牵头哪些任务 / 省科技厅作为牵头部门承担哪些工作 / 省商务厅的任务
        # Names are cut out first: 省市场监管局 contains 管, which is not a verb there.
        return "dept", _roles_in(_without_mentions(folded, depts), g) or ROLES
    if any(cue in folded for cue in g.target_cues):
        return "target", ()
    if g.year.search(folded) and any(cue in folded for cue in g.dated_cues):
        return "target", ()
    return "search", ()


def _naming_end(folded: str, scopes: Scopes) -> int:
    """The offset in ``folded`` where a title-naming phrase ends (0 without one); the phrase is found
    in the squeezed text, so offsets are mapped back over white space."""
    end = scopes.naming_end(folded)
    if not end:
        return 0
    seen = 0
    for offset, char in enumerate(folded):
        if not char.isspace():
            seen += 1
        if seen == end:
            return offset + 1
    return len(folded)


def _issuer(folded: str, mention: DeptMention, g: Grammar) -> bool:
    """国务院促进就业的意见…: the unit names the document, it is not asked about."""
    return bool(g.issuer_of and g.issuer_of.match(folded, mention.end))


def _combine(folded: str, depts: Sequence[DeptMention], g: Grammar) -> str:
    """或 between two departments asks for either's clauses; anything else for their shared ones."""
    between = [folded[a.end : b.start] for a, b in pairwise(depts)]
    return "or" if any(word in part for part in between for word in g.joiners_or) else "and"


def _without_mentions(folded: str, mentions: Sequence[DeptMention]) -> str:
    pieces, cursor = [], 0
    for mention in mentions:
        pieces.append(folded[cursor : mention.start])
        cursor = mention.end
    return "".join([*pieces, folded[cursor:]])


def _roles_in(text: str, g: Grammar) -> tuple[str, ...]:
    # 牵头 asks who leads; 负责 who is in charge: the lead, or the responsible units where none leads.
    roles: list[str] = []
    if any(v in text for v in g.responsible_verbs):
        roles += ["lead", "responsible"]
    elif any(v in text for v in g.lead_verbs):
        roles.append("lead")
    if any(v in text for v in g.cooperate_verbs):
        roles.append("cooperate")
    return tuple(roles)


def strip_scaffolding(folded: str, grammar: Grammar | None = None) -> str:
    """The question without "which unit leads", target cues and filler: the part to retrieve."""
    g = grammar or default_grammar()
    text = g.agent.sub(" ", folded)
    for phrase in (*g.target_cues, *g.filler):
        text = text.replace(phrase, " ")
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(w for w in (word.rstrip(g.trailing) for word in text.split()) if w)
