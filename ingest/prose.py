"""Assignments written as sentences: 由X牵头，Y配合。 / X会同Y… / 请X… / X、Y要… / X负责….

A sentence is an assignment only when its subject (or the agent after 由, the addressee after 请) is
a list of named units followed by a role word, a modal or a duty verb of ``data/roles.toml``; past
reports (…以来, …了) are not. A subject must be clearly a name: known to the alias table, defined by
the document (以下简称…), or opening with its level or place (see ``units.is_clearly_named``), so that
"推动工业大数据中心建设" is read as a verb and its object. Each assignment binds to its own sentence.
Pure: text in, ``Assignment`` values out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.departments import is_known
from ingest.numbering import fold_width, match_number
from ingest.roles import ROLE_NAMES, designation_role, grammar, has_role_word
from ingest.units import (
    MAX_NAME_CHARS,
    agent_self_references,
    has_strong_ending,
    is_area,
    is_body,
    is_class_noun,
    is_clearly_named,
    is_generic,
    is_inner_office,
    is_ministry_shaped,
    level_enumeration_end,
    looks_like_unit,
    normalise,
    places,
    specific_prefix,
    split_units,
    without_definition,
)

# A sentence ends at these (folded); a sub-clause, where a new subject may start, after these.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_START = "，,：:"
# Characters a unit name never contains: punctuation that ends a name in running text.
_NOT_IN_NAME = set("，,。；;：:！？!?“”‘’《》「」\"'、 \t\n的")
_LIST_JOINERS = "、和及与同"  # 同 as in X同Y签订合同: two parties to one act
_INNER_JOINERS = "、,，"  # between an inner lead and its cooperating units: 由X牵头、Y参加的
_ROLE_ONLY_TAIL = " \t\r\n。.；;，,"
# An adverbial between a subject and its lead word (依照职业标准, 在数据治理方面) is short; a longer
# stretch is a sentence of its own whose 牵头 belongs to someone else.
MAX_ADVERBIAL_CHARS = 12
# An opening adverbial (根据标准制修订情况和管理需要) before a subject, when no comma ends it.
MAX_OPENING_ADVERBIAL_CHARS = 30
# Where a reply says it is one: its title, document number, addressee and first sentence.
REPLY_OPENING_CHARS = 200
_ETC = "等"
_EACH = "各"  # 各省、自治区、直辖市…: "each" before a list of levels
_NOTE_OPEN, _NOTE_CLOSE = "(（", ")）"


@dataclass(frozen=True)
class Assignment:
    """The names of one sentence by role; ``generic`` keeps collective phrases apart."""

    start: int  # the sentence's span in the text
    end: int
    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Lexicon:
    follower: re.Pattern[str]  # what may follow a subject: modal, duty verb, role word, 会同, 为
    strong_follower: re.Pattern[str]  # a modal or role word: enough even after a weak name (…中心要)
    step: re.Pattern[str]  # 收到申请后，…: a step the subject takes before the duty after the comma
    not_modal: re.Pattern[str]
    report: re.Pattern[str]  # 印发《: a publication reported
    modals: re.Pattern[str]  # modal words and times between a subject and its verb (要, 每年, 于2025年底前)
    with_word: re.Pattern[str]
    lead_word: re.Pattern[str]
    cooperate_word: re.Pattern[str]
    agent: re.Pattern[str]  # 由 (after an optional adverb)
    request: re.Pattern[str]
    lead_gather: re.Pattern[str]  # 牵头组织Y: Y cooperates
    lead_words: tuple[str, ...]  # the lead verbs alone (牵头, 负总责 …)
    lead_gathers: tuple[str, ...]
    under_lead: tuple[re.Pattern[str], ...]  # 在X的牵头下 / 以X为主: X leads
    opener: re.Pattern[str]
    time_opener: re.Pattern[str]
    frame_opener: re.Pattern[str]
    frame_closer: re.Pattern[str]
    introducer: re.Pattern[str]  # ends where a name may start inside a sub-clause
    establisher: re.Pattern[str]  # 成立 (a body set up by the document)
    host: re.Pattern[str]  # 办公室设在 (the unit that hosts it)
    place: re.Pattern[str]  # 北京 / 北京市: one place, standing for its government
    places: re.Pattern[str]  # 济南和青岛两市: places counted as governments
    duty: re.Pattern[str]  # modals and a body's duty (负责, 统筹): a task with no subject of its own
    duty_verb: re.Pattern[str]
    part: re.Pattern[str]  # 按职责做好相关工作: a share in the sentence's task, no task of its own
    connective: re.Pattern[str]  # 依照, 对, 在 …: opens an adverbial between a subject and its verb
    adverbial_opener: re.Pattern[str]  # 根据, 按照 …: a sentence opening with the grounds of a task
    reply: re.Pattern[str]  # 建议的答复, 提案的复函, 办理情况: the document answers a proposal
    role_noun: re.Pattern[str]  # 单位, 部门, 的 …: after a role word they make it part of a noun (牵头单位)
    news_opening: re.Pattern[str]


def _alternation(words: Sequence[str]) -> str:
    return "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    g = grammar()
    p = g.prose
    verbs = {role: [w for w, r in g.verb_role.items() if r == role] for role in ROLE_NAMES}
    roles = [*p["with"], *(w for ws in verbs.values() for w in ws)]
    followers = [*p["modals"], *p["duty_verbs"], *p["connectives"], *roles, *g.copulas]
    return _Lexicon(
        follower=re.compile(_alternation(followers)),
        strong_follower=re.compile(_alternation([*p["modals"], *roles])),
        step=re.compile(f"(?:{_alternation([*p['step_verbs'], *followers])}){p['step_end']}"),
        not_modal=re.compile(_alternation(p["not_modals"])),
        report=re.compile(f"(?:{_alternation(p['report_verbs'])})了?《"),
        modals=re.compile(f"(?:{_alternation(p['modals'])}|{p['time_adverbial']})*"),
        with_word=re.compile(f"(?:{_alternation(p['with_openers'])})?(?:{_alternation(p['with'])})"),
        lead_gather=re.compile(_alternation(p["lead_gathers"])),
        lead_words=tuple(verbs["lead"]),
        lead_gathers=tuple(p["lead_gathers"]),
        # 负责牵头 / 按职责分工牵头: a role word's modifiers do not change it
        lead_word=re.compile(f"(?:{_alternation(g.modifiers)})*(?:{_alternation(verbs['lead'])})"),
        cooperate_word=re.compile(_alternation(verbs["cooperate"])),
        agent=re.compile(f"(?:{_alternation(p['agent_adverbs'])})?(?:{_alternation(p['agent'])})"),
        request=re.compile(_alternation(p["request"])),
        under_lead=tuple(map(re.compile, p["under_lead"])),
        opener=re.compile(f"(?:{_alternation(p['openers'])})[，,]|{p['enumeration_opener']}"),
        time_opener=re.compile(p["time_opener"]),
        frame_opener=re.compile(_alternation(p["with_frames"])),
        frame_closer=re.compile(_alternation(p["frame_closers"])),
        introducer=re.compile(f"(?:{_alternation(p['introducers'])})$"),
        establisher=re.compile(_alternation(p["establishers"])),
        host=re.compile(_alternation(p["hosts"])),
        place=re.compile(f"(?:{_alternation(places())})[省市区县]?"),
        places=re.compile(
            f"(?P<names>(?:{_alternation(places())})(?:[、和及与](?:{_alternation(places())}))+){p['place_group']}"
        ),
        duty=re.compile(f"(?:{_alternation(p['modals'])})*(?:{_alternation(p['body_duties'])})"),
        duty_verb=re.compile(_alternation(p["duty_verbs"])),
        part=re.compile(f"(?:{_alternation(g.modifiers)})*(?:{p['part_phrase']})"),
        connective=re.compile(_alternation(p["connectives"])),
        adverbial_opener=re.compile(_alternation(p["adverbial_openers"])),
        reply=re.compile(p["reply_pattern"]),
        role_noun=re.compile(f"的|{_alternation(g.label_nouns)}"),
        news_opening=re.compile(p["news_opening"]),
    )


def is_reply(text: str) -> bool:
    """The document answers a deputy's 建议 or 提案 (…的答复, …的复函), judged by its opening."""
    return _lexicon().reply.search(fold_width(text[:REPLY_OPENING_CHARS])) is not None


def opens_with_duty(text: str) -> bool:
    """The text starts with a duty verb (完善…, 推进…): a task, not a name."""
    return _lexicon().duty_verb.match(text) is not None


def reports_news(text: str) -> bool:
    """The text opens as a news report does (a dateline, then the event), see ``news_opening``."""
    return _lexicon().news_opening.match(text) is not None


@dataclass
class ProseReader:
    """Reads the assignments of one document's text; ``defined`` are the short names it defines;
    a news report (``reads_duties`` false) assigns nothing; a reply (``commitments_only``) only by a
    subject's modal or role word."""

    text: str
    defined: Mapping[str, str] = field(default_factory=dict)
    reads_duties: bool = True
    commitments_only: bool = False  # a reply: only X将… / X拟… (a modal or role word) assigns
    carried: frozenset[str] = frozenset()  # units the document names in its carriers: clear subjects

    def __post_init__(self) -> None:
        self.folded = fold_width(self.text)
        # Short names the document defines for one body (省人民政府大数据工作主管部门（以下简称省级主管
        # 部门）): units however collective they sound; a short name for a class (设区的市人民政府…主管
        # 部门（以下简称市级主管部门）) stays collective.
        self.single_bodies = frozenset(k for k, full in self.defined.items() if not is_generic(full or k))

    def assignments(self, start: int, end: int, skip: Sequence[tuple[int, int]] = ()) -> list[Assignment]:
        """The assignments of ``text[start:end]``: one per task, that is per sentence, or per part of a
        sentence that gives another subject another task (X负责A，Y负责B). ``skip`` spans (carriers
        already read as brackets or labels) are not read again; where there are any, the bodies the
        text sets up (成立X，负责…) are the carriers' concern, not assignments of their own."""
        out: list[Assignment] = []
        if not self.reads_duties:
            return out
        for sentence_start, sentence_end in self._sentences(start, end):
            out += self._sentence(sentence_start, sentence_end, skip, bodies=not skip)
        return out

    # -- sentences ------------------------------------------------------------------------------

    def _sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        spans, begin = [], start
        for match in _SENTENCE_END.finditer(self.folded, start, end):
            spans.append((begin, match.end()))
            begin = match.end()
        if begin < end:
            spans.append((begin, end))
        return [(a, b) for a, b in spans if self.text[a:b].strip()]

    def _sub_clauses(self, start: int, end: int, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """(start, stop) of the parts of a sentence a subject may open: after ，/： and after a carrier,
        each stopping before the next one or before a carrier."""

        def inside(i: int) -> bool:
            return any(a <= i < b for a, b in skip)

        starts = [start] + [
            i + 1 for i in range(start, end) if self.text[i] in _CLAUSE_START and not inside(i)
        ]
        starts = sorted(
            {*starts, *(b for _, b in skip if start < b < end)} - {i for i in range(start, end) if inside(i)}
        )
        out: list[tuple[int, int]] = []
        for pos, following in zip(starts, [*starts[1:], end + 1][: len(starts)], strict=True):
            stop = min([following - 1, end, *(a for a, _ in skip if pos <= a < end)])
            if stop > pos:
                out.append((pos, stop))
        return out

    def _sentence(
        self, start: int, end: int, skip: Sequence[tuple[int, int]], bodies: bool = True
    ) -> list[Assignment]:
        if grammar().past.search(self.folded, start, end):
            return []
        groups: list[tuple[int, dict[str, list[str]]]] = [(start, _empty_roles())]
        last: list[str] = []  # the sentence's latest subject, for a later "，会同Y…" without one
        established: list[str] = []  # 成立X，…: the body set up, for the duties that follow
        for pos, stop in self._sub_clauses(start, end, skip):
            at = self._skip_number(pos, stop)
            if established and self._is_duty(at, stop):
                _add(groups[-1][1], "responsible", established, self.single_bodies)
                continue
            if bodies and not established and not last:  # 教育部…，成立X，…: the subject sets X up
                established = self._established(at, stop)
            if established:
                established = [*established, *self._host(at, stop)]
            reading = self._read(at, stop, last)
            roles = groups[-1][1]
            if (
                reading.role in ("lead", "responsible")
                and (roles["lead"] or roles["responsible"])
                and not reading.role_only
            ):
                groups.append((pos, _empty_roles()))  # another subject, another task
                roles = groups[-1][1]
            if reading.role:
                _add(roles, reading.role, reading.names, self.single_bodies)
                last = reading.names
            if reading.promote:
                _promote(roles, last, self.single_bodies)
            _add(roles, "cooperate", reading.partners, self.single_bodies)
            _add(roles, "lead", reading.inside_lead, self.single_bodies)
            _add(roles, "cooperate", reading.inside_cooperate, self.single_bodies)
        ends = [g[0] for g in groups[1:]] + [end]
        return [
            _assignment(group_start, stop, roles)
            for (group_start, roles), stop in zip(groups, ends, strict=True)
            if any(roles[r] for r in ROLE_NAMES)
        ]

    def _established(self, pos: int, stop: int) -> list[str]:
        """成立数字政府建设工作领导小组: the body a sub-clause sets up (the whole rest is its name)."""
        found = _lexicon().establisher.match(self.folded, pos, stop)
        return self._body(found.end(), stop) if found else []

    def _host(self, pos: int, stop: int) -> list[str]:
        """办公室设在国务院办公厅: the unit that hosts the body set up (the whole rest is its name)."""
        found = _lexicon().host.match(self.folded, pos, stop)
        if not found:
            return []
        name = self.text[found.end() : stop].strip()
        return [name] if self._is_unit(name) and not is_generic(name) and self._all_clear([name]) else []

    def _body(self, pos: int, stop: int) -> list[str]:
        name = self.text[pos:stop].strip()
        return [name] if is_body(name) else []

    def _is_duty(self, pos: int, stop: int) -> bool:
        """A sub-clause that opens with a duty (统筹…, 具体负责…) and names no subject of its own."""
        return bool(_lexicon().duty.match(self.folded, pos, stop)) and self._subject(pos, stop) is None

    def _past_modals(self, pos: int, stop: int) -> int:
        """Where the verb starts after the modals and times that follow a subject (要, 每年, 于2025年底前)."""
        return _lexicon().modals.match(self.folded, pos, stop).end()

    def _cooperate_word(self, pos: int, stop: int) -> re.Match[str] | None:
        """A cooperate word after the subject's modals (要积极配合), or one that opens with a modal of its
        own (予以支持, which the modals would split)."""
        cooperate = _lexicon().cooperate_word
        return cooperate.match(self.folded, pos, stop) or cooperate.match(
            self.folded, self._past_modals(pos, stop), stop
        )

    def _skip_number(self, pos: int, end: int) -> int:
        """Past white space and an item number (3．, （二）) that opens the sub-clause."""
        while pos < end and self.text[pos].isspace():
            pos += 1
        number = match_number(self.text[pos:end])
        return pos + number.body if number else pos

    def _read(self, pos: int, stop: int, last: list[str]) -> _Reading:
        """What one sub-clause says: its subject and role, the partners it names, whether it makes the
        sentence's previous subject the lead (…，会同有关部门…), units that lead inside it."""
        lex = _lexicon()
        request = lex.request.match(self.folded, pos, stop)
        if request:
            found = self._subject(request.end(), stop, agent=True)  # 请X…: X is addressed, an actor
            return _Reading("responsible", found[0]) if found else _Reading()
        under, after = self._under_lead(pos, stop)
        if under:
            return _Reading("lead", under, self._cooperating_after(after, stop))
        opening = self._subject(pos, stop)
        found = opening or self._agent(pos, stop) or self._subject_after_adverbial(pos, stop)
        if found:
            names, after = found
            role = self._role_after(after, stop)
            if not role:
                return _Reading()
            led = self._cooperated_with(after, stop) if role == "cooperate" else []
            # the subject opens the sub-clause (X… / 由X…): no task of its own stands before it
            only = bool(opening or lex.agent.match(self.folded, pos, stop)) and self._role_only(after, stop)
            partners = self._partners(after, stop)
            if role == "lead":  # 由X牵头、Y参加的…
                partners += self._cooperating_after_lead(after, stop)
            return _Reading(role, names, partners, inside_lead=led, role_only=only)
        if last and (gathered := self._gathered_next(pos, stop)):  # 由X牵头，组织Y、Z…: they cooperate
            return _Reading(partners=gathered)
        if last and self._continues_as_lead(pos, stop):  # 省大数据局要…，会同有关部门…: it leads
            return _Reading(partners=self._partners(pos, stop), promote=True)
        if last and (collective := self._collective_part(pos, stop)):  # 由X牵头，有关部门配合
            return _Reading(partners=[collective])
        lead, cooperate = self._lead_inside(pos, stop)  # 建立由X牵头、Y参加的…机制
        return _Reading(inside_lead=lead, inside_cooperate=cooperate)

    def _under_lead(self, pos: int, stop: int) -> tuple[list[str], int]:
        """在X的牵头下 / 以X为主 in the sub-clause: the units X, when they are all clearly named, and
        the offset after the frame (where 、Y参与 may follow); ([], pos) without one."""
        for pattern in _lexicon().under_lead:
            for frame in pattern.finditer(self.folded, pos, stop):
                names = split_units(self.text[frame.start("names") : frame.end("names")])
                if names and self._all_clear(names):
                    return names, frame.end()
        return [], pos

    def _collective_part(self, pos: int, stop: int) -> str | None:
        """有关部门配合 / 各市政府按职责分工负责 after a named subject in the sentence: a collective phrase
        with a role word alone, kept apart (never a department) in the sentence's assignment."""
        found = self._generic_tail(pos, stop)
        return found[0] if found and self._role_only(found[1], stop) else None

    def _agent(self, pos: int, stop: int) -> tuple[list[str], int] | None:
        """由X… anywhere in the sub-clause (本办法由X负责解释, 评价机构由X负责遴选)."""
        agent = _lexicon().agent
        for match in agent.finditer(self.folded, pos, stop):
            found = self._subject(match.end(), stop, agent=True) or self._own_name(match.end(), stop)
            if found:
                return found
        return None

    def _own_name(self, pos: int, stop: int) -> tuple[list[str], int] | None:
        """由部另行制定: the issuer by its last character, when a verb follows it (由部分…: no)."""
        for short in agent_self_references():
            if self.folded.startswith(short, pos) and self._follows(pos + len(short), stop):
                return [short], pos + len(short)
        return None

    def _gathered_next(self, pos: int, stop: int) -> list[str]:
        """由X牵头，组织Y…: the units a sub-clause gathers right after a sub-clause that ends in a lead
        word."""
        if not self.folded[:pos].rstrip(" ，,").endswith(_lexicon().lead_words):
            return []
        return self._gathered(self._past_modals(pos, stop), stop)

    def _continues_as_lead(self, pos: int, stop: int) -> bool:
        """…，会同有关部门… / …，牵头…: the sentence's subject leads; …，协调研究解决… (no partner) not."""
        lex = _lexicon()
        head = self._past_modals(pos, stop)
        with_word = lex.with_word.match(self.folded, head, stop)
        if with_word:
            return self._names_partner(with_word.end(), stop)
        return bool(lex.lead_word.match(self.folded, head, stop))

    def _subject_after_adverbial(self, pos: int, stop: int) -> tuple[list[str], int] | None:
        """根据…需要工业和信息化部、市场监管总局将适时调整…: a subject after an opening adverbial that
        no comma closes; only a modal or role word after it makes it one (根据X要求 is a source)."""
        lex = _lexicon()
        opening = lex.adverbial_opener.match(self.folded, pos, stop)
        if not opening:
            return None
        for begin in range(opening.end() + 1, min(stop, opening.end() + MAX_OPENING_ADVERBIAL_CHARS)):
            if self.text[begin - 1] in _LIST_JOINERS:
                continue  # 按照党中央、国务院统一部署: a name inside the adverbial's own list
            found = self._subject(begin, stop)
            if found and self._name_goes_on_before(begin, found[1], stop):
                continue  # 按照科技部等六部门…: 技部 is the end of a name, not a name
            if found and lex.strong_follower.match(self.folded, found[1], stop):
                return found
        return None

    def _name_goes_on_before(self, begin: int, end: int, stop: int) -> bool:
        """A subject read from one character earlier ends where the one at ``begin`` does."""
        earlier = self._subject(begin - 1, stop)
        return bool(earlier) and earlier[1] == end

    def _cooperated_with(self, pos: int, stop: int) -> list[str]:
        """X配合Y推进…: the units (or the place, as its government) Y that X cooperates with lead."""
        lex = _lexicon()
        word = self._cooperate_word(pos, stop)
        if not word:
            return []
        found = self.read_units(word.end(), stop)
        if found and self._all_clear(found[0]):
            return [n for n in found[0] if not is_generic(n)]
        place = lex.place.match(self.folded, word.end(), stop)
        if place and lex.duty_verb.match(self.folded, place.end(), stop):
            return [self.text[place.start() : place.end()]]
        return []

    def _lead_inside(self, pos: int, stop: int) -> tuple[list[str], list[str]]:
        """Units right before a lead word inside the sub-clause, the earliest clear reading, and the
        units that cooperate with them in the same phrase (由X牵头、Y参加的联席会议)."""
        lex = _lexicon()
        for match in lex.lead_word.finditer(self.folded, pos + 1, stop):
            for begin in range(max(pos, match.start() - 4 * MAX_NAME_CHARS), match.start()):
                if begin > pos and not lex.introducer.search(self.folded, pos, begin):
                    continue  # a name starts the sub-clause or follows 建立/成立…, never mid-list
                found = self.read_units(begin, stop)
                if found and found[1] == match.start() and self._all_clear(found[0]):
                    return found[0], self._cooperating_after(match.end(), stop)
        return [], []

    def _cooperating_after(self, pos: int, stop: int) -> list[str]:
        """、Y参加 right after an inner lead: the units Y, named as a carrier's list is (by position)."""
        if pos >= stop or self.text[pos] not in _INNER_JOINERS:
            return []
        found = self.read_units(pos + 1, stop)
        if not found:
            return []
        return found[0] if self._cooperate_word(found[1], stop) else []

    def _cooperating_after_lead(self, pos: int, stop: int) -> list[str]:
        """由X牵头、Y参加的… / X牵头组织Y…: the units Y after the subject's lead word at ``pos``."""
        head = self._past_modals(pos, stop)
        lead = _lexicon().lead_word.match(self.folded, head, stop)
        if not lead:
            return []
        # 牵头组织 is one lead word: the units it gathers follow it at once
        gathered = lead.group().endswith(_lexicon().lead_gathers)
        return self._cooperating_after(lead.end(), stop) or self._gathered(lead.end(), stop, gathered)

    def _gathered(self, pos: int, stop: int, gathered: bool = False) -> list[str]:
        """组织Y、Z等部门… at ``pos`` (after a lead word): the named units Y, Z, which cooperate."""
        gather = _lexicon().lead_gather.match(self.folded, pos, stop)
        start = gather.end() if gather else pos if gathered else None
        found = self.read_units(start, stop) if start is not None else None
        if not found:
            return []
        named = [n for n in found[0] if not is_generic(n)]
        return named if named and self._all_clear(named) else []

    def _role_only(self, pos: int, stop: int) -> bool:
        """Nothing but a role word (with its modifiers) or a share of the task (按职责做好相关工作)
        follows the subject to the sub-clause's end (…，Y按照职责分工抓好落实): a part in the
        sentence's task, not a task of its own."""
        head = self._past_modals(pos, stop)
        verb = grammar().verb.match(self.folded, head, stop) or _lexicon().part.match(self.folded, head, stop)
        return bool(verb) and not self.folded[verb.end() : stop].strip(_ROLE_ONLY_TAIL)

    # -- subjects -------------------------------------------------------------------------------

    def _subject(self, pos: int, end: int, agent: bool = False) -> tuple[list[str], int] | None:
        """A subject at ``pos`` (after an opener such as 同时，) that clearly names a unit; after 由
        (``agent``) a name of a weak ending acts too (由中国信息通信研究院提供)."""
        lex = _lexicon()
        for skip in (lex.opener, lex.time_opener):
            opener = skip.match(self.folded, pos, end)
            pos = opener.end() if opener else pos
        found = self.read_units(pos, end)
        if found is None:
            return self._places(pos, end)
        if not self._all_clear(found[0]):
            return None
        names, after = found
        if self.commitments_only and not lex.strong_follower.match(self.folded, after, end):
            return None  # a reply's 民政部在全国范围部署开展…: what was done, not a task
        weak = [n for n in names if not is_generic(n) and not self._listed(n) and not has_strong_ending(n)]
        if weak and not agent and not self._strongly_followed(after, end):
            return None  # "省重点实验室建设布局更加合理": a facility, not an actor
        return [without_definition(n) for n in names], after

    def _strongly_followed(self, pos: int, end: int) -> bool:
        """A modal, a role word (按职责分工负责 too), a share of the task (按职责做好相关工作) or a
        designation (为牵头单位) follows: an actor, even of a weak name."""
        head = self._past_modals(pos, end)  # 每年会同…: past a time too
        return (
            bool(_lexicon().strong_follower.match(self.folded, pos, end))
            or bool(_lexicon().strong_follower.match(self.folded, head, end))
            or bool(grammar().verb.match(self.folded, pos, end))
            or bool(_lexicon().part.match(self.folded, head, end))
            or designation_role(self.folded[pos:end]) is not None
        )

    def _places(self, pos: int, end: int) -> tuple[list[str], int] | None:
        """济南和青岛两市要…: the places, when a modal or role word follows the count."""
        lex = _lexicon()
        found = lex.places.match(self.text, pos, end)
        if not found or not lex.strong_follower.match(self.folded, found.end(), end):
            return None
        return re.split("[、和及与]", found["names"]), found.end()

    def _all_clear(self, names: list[str]) -> bool:
        named = [n for n in names if not is_generic(n) or normalise(n) in self.single_bodies]
        return bool(named) and all((self._clear(n) or self._inside(n)) and not is_area(n) for n in named)

    def _clear(self, name: str) -> bool:
        return self._listed(name) or is_clearly_named(name) or self._ministry(name)

    def _inside(self, name: str) -> bool:
        """教育部办公厅, 交通运输部综合规划司: a unit inside one the alias table or the document knows, or
        that opens with its level or place (a ministry's shape alone is too weak to split a name on)."""
        key = normalise(without_definition(name))
        return any(
            has_strong_ending(key[:cut])
            and (self._listed(key[:cut]) or is_clearly_named(key[:cut]))
            and looks_like_unit(key[cut:])
            for cut in range(2, len(key) - 1)
        )

    def _ministry(self, name: str) -> bool:
        """国土资源部: a ministry the alias table lacks, unless the "name" is a verb and its object
        (推动…部, 集聚文化和旅游部: words before a ministry the table knows)."""
        if not is_ministry_shaped(name) or _lexicon().follower.match(fold_width(name)):
            return False
        key = normalise(name)
        return not any(is_known(key[i:]) for i in range(1, len(key) - 1))

    def _listed(self, name: str) -> bool:
        """Known to the alias table, defined by the document (联席会议, 联席会议办公室) or named in one of
        its carriers (规划处 of 责任处室：规划处)."""
        core = normalise(without_definition(name))
        return (
            core in self.defined
            or name in self.carried
            or is_known(core)
            or any(core.startswith(d) for d in self.defined if d)
        )

    def _is_unit(self, name: str) -> bool:
        return name in self.defined or is_generic(name) or looks_like_unit(name)

    def read_units(self, pos: int, limit: int) -> tuple[list[str], int] | None:
        """The unit list that starts exactly at ``pos`` and the offset after it, or None.

        The list is 省大数据局、省发展改革委 / 工业和信息化部和财政部 / X、Y等有关部门 / X及各地区; among
        the readings, the one with the shortest names that is followed by a subject's verb wins, so
        "国家发展改革委会同" reads 国家发展改革委 + 会同, not 国家发展改革委会 + 同, unless a few more
        characters name an office inside the unit (市委组织部牵头: 市委组织部, not 市委 + 组织).
        """
        step = None  # no verb follows, but a first step does (…收到申请后): the longest such name
        ends = self._name_ends(pos, limit)
        for i, end in enumerate(ends):
            rest = self._after_name(end, limit)
            if rest is not None:
                end, rest = self._inner_office(end, ends[i + 1 :], limit) or (end, rest)
                return [self.text[pos:end], *rest[0]], rest[1]
            if _lexicon().step.fullmatch(self.folded, end, limit):
                step = end
        return ([self.text[pos:step]], step) if step else None

    def _inner_office(
        self, end: int, longer: Sequence[int], limit: int
    ) -> tuple[int, tuple[list[str], int]] | None:
        """市委组织部牵头: the longer reading when its extra characters name an office (组织部), not the
        verb 组织 and its object; a role word (会同省教育厅) is never part of a name."""
        for longer_end in longer:
            word = self.text[end:longer_end]
            if is_inner_office(word) and not has_role_word(word):
                rest = self._after_name(longer_end, limit)
                if rest is not None:
                    return longer_end, rest
        return None

    def _name_ends(self, pos: int, limit: int) -> list[int]:
        """Ends ``e`` (shortest first) such that ``text[pos:e]`` is a unit's name, notes included."""
        ends, depth, length = [], 0, 0
        levels = level_enumeration_end(self.text, pos + self.text.startswith(_EACH, pos))
        for offset in range(levels if levels > pos + 1 else pos, limit):
            char = self.text[offset]
            length += not depth and char not in _NOTE_OPEN  # a note (（中央电化教育馆）) adds no length
            if length > MAX_NAME_CHARS:
                break
            if char in _NOTE_OPEN:
                depth += 1
            elif char in _NOTE_CLOSE:
                if not depth:
                    break
                depth -= 1
            elif not depth and (
                char in _NOT_IN_NAME or (char == "由" and self.text[offset - 1 : offset] != "自")
            ):
                break  # 本办法由X负责: 由 opens the agent (only 自由贸易试验区 has it inside a name)
            if not depth and self._is_unit(self.text[pos : offset + 1]):
                ends.append(offset + 1)
        return ends

    def _after_name(self, end: int, limit: int) -> tuple[list[str], int] | None:
        """After one name: more names (、 和 及 与), a collective tail (等有关部门), or the verb."""
        text = self.text
        if end < limit and text[end] in _LIST_JOINERS:
            more = self.read_units(end + 1, limit)
            if more is not None:
                return more
            generic = self._generic_tail(end + 1, limit)
            if generic:
                return [generic[0]], generic[1]
            # not a list after all: 及 may open the verb (市场监管总局及时开展…)
        if end < limit and text[end] == _ETC:
            generic = self._generic_tail(end + 1, limit)
            if generic:  # 等有关部门 names a class of its own; 等部门 sums up the list
                return ([] if is_class_noun(generic[0]) else [generic[0]]), generic[1]
            return ([], end + 1) if self._follows(end + 1, limit) else None
        return ([], end) if self._follows(end, limit) else None

    def _generic_tail(self, pos: int, limit: int) -> tuple[str, int] | None:
        """The shortest collective phrase at ``pos`` (有关部门, 相关部门及各地区, 各省、自治区、直辖市人民
        政府: a level list's 、 is inside the phrase) that a verb follows."""
        opening = pos + self.text.startswith(_EACH, pos)
        levels = level_enumeration_end(self.text, opening)
        first = levels + 1 if levels > opening else pos + 1
        depth = 0  # 各县（市、区）人民政府: a note's 、 is inside the phrase too
        for end in range(first, min(limit, pos + MAX_NAME_CHARS) + 1):
            char = self.text[end - 1]
            depth += (char in _NOTE_OPEN) - (char in _NOTE_CLOSE and depth > 0)
            if char in _NOT_IN_NAME and not depth:
                break
            if not depth and is_generic(self.text[pos:end]) and self._follows(end, limit):
                return self.text[pos:end], end
        return None

    def _follows(self, pos: int, limit: int) -> bool:
        lex = _lexicon()
        return bool(lex.follower.match(self.folded, pos, limit)) and not lex.not_modal.match(
            self.folded, pos, limit
        )

    # -- roles ----------------------------------------------------------------------------------

    def _role_after(self, pos: int, limit: int) -> str | None:
        """The role a subject takes from the words after it: 牵头 / 会同 lead, 配合 cooperates, 为牵头单位
        designates, another duty verb answers for the task; 为 / 是 + anything else is no assignment."""
        lex = _lexicon()
        if self.folded.startswith(grammar().copulas, pos):
            return designation_role(self.folded[pos:limit])
        verb = lex.follower.match(self.folded, pos, limit)
        if verb and self.folded.startswith("的", verb.end()):
            return None  # 由联席会议授权的第三方机构: the unit qualifies a noun, it does not act
        if verb and self.folded.startswith((":", "："), verb.end()):
            return None  # 发展改革委提出：…: a report of what the unit said
        if lex.report.match(self.folded, pos, limit):
            return None  # X、Y联合印发《…》: a document published, not a task given
        head = self._past_modals(pos, limit)
        with_word = lex.with_word.match(self.folded, head, limit)
        if with_word and not self._names_partner(with_word.end(), limit):
            return "responsible"  # X、Y联合组织…: jointly, no partner named, so no lead distinguished
        if lex.lead_word.match(self.folded, head, limit) or with_word:
            return "lead"
        if self._leads_after_adverbial(head, limit):
            return "lead"
        if self._framed_partners(head, limit):
            return "lead"
        if self._cooperate_word(pos, limit):
            return "cooperate"
        return "responsible"

    def _leads_after_adverbial(self, pos: int, limit: int) -> bool:
        """X依照职业标准牵头组织…: a lead word after a short adverbial (a connective and its object)."""
        lex = _lexicon()
        connective = lex.connective.match(self.folded, pos, limit)
        if not connective:
            return False
        stop = min(limit, connective.end() + MAX_ADVERBIAL_CHARS)
        lead = lex.lead_word.search(self.folded, connective.end(), stop)
        if not lead or lex.role_noun.match(self.folded, lead.end(), limit):
            return False  # 对牵头单位的工作进行考核: 牵头 in a noun is no verb
        return not lex.duty_verb.search(self.folded, connective.end(), lead.start())

    def _partners(self, pos: int, limit: int) -> list[str]:
        """会同Y / 联合Y right after the subject (modals between allowed): Y cooperates."""
        lex = _lexicon()
        head = self._past_modals(pos, limit)
        found = lex.with_word.match(self.folded, head, limit)
        if not found:
            return self._framed_partners(head, limit)
        partners = self._list_to_end(found.end(), limit) or self.read_units(found.end(), limit)
        if partners:
            return partners[0]
        generic = self._generic_tail(found.end(), limit)
        return [generic[0]] if generic else []

    def _list_to_end(self, pos: int, limit: int) -> tuple[list[str], int] | None:
        """会同Y、Z等部门，…: a list of units that runs to the sub-clause's end, with no verb after it."""
        names = split_units(self.text[pos:limit].rstrip())
        named = [n for n in names if not is_generic(n)]
        if named and all(self._is_unit(n) for n in names) and self._all_clear(named):
            return names, limit
        return None

    def _names_partner(self, pos: int, limit: int) -> bool:
        """A unit's name or a collective phrase (有关部门) starts at ``pos``, not a verb (联合组织,
        协调研究解决相关问题: a duty verb opens no name, even where 相关 follows it)."""
        if self._generic_tail(pos, limit):
            return True
        ends = self._name_ends(pos, limit)
        if any(self._is_unit(self.text[pos:e]) and not is_generic(self.text[pos:e]) for e in ends):
            return True  # 会同建设部: a unit's shape, even where its name opens like a verb
        return bool(ends) and not _lexicon().duty_verb.match(self.folded, pos, limit)

    def _framed_partners(self, pos: int, limit: int) -> list[str]:
        """与Y一起 / 与Y共同 at ``pos``: the units Y, when they are a list of units."""
        lex = _lexicon()
        opener = lex.frame_opener.match(self.folded, pos, limit)
        closer = lex.frame_closer.search(self.folded, opener.end(), limit) if opener else None
        if not opener or not closer:
            return []
        names = split_units(self.text[opener.end() : closer.start()])
        names = [n.removesuffix("等单位").removesuffix("等部门") or n for n in names]
        return names if names and all(self._is_unit(n) for n in names) else []


@dataclass(frozen=True)
class _Reading:
    role: str | None = None
    names: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    promote: bool = False
    inside_lead: list[str] = field(default_factory=list)
    inside_cooperate: list[str] = field(default_factory=list)
    role_only: bool = False  # the subject's words are a role word alone (Y配合, Y按职责分工负责)


def _empty_roles() -> dict[str, list[str]]:
    return {"lead": [], "cooperate": [], "responsible": [], "generic": []}


def _add(
    roles: dict[str, list[str]], role: str, names: list[str], single_bodies: Collection[str] = ()
) -> None:
    """``names`` into ``role``, collective phrases apart, except the document's names for one body."""
    collective = _collective(names) - {n for n in names if normalise(n) in single_bodies}
    for name in names:
        bucket = roles["generic" if name in collective else role]
        if all(normalise(name) != normalise(n) for n in bucket):
            bucket.append(name)


def _collective(names: list[str]) -> set[str]:
    """The collective phrases of one list. A list that opens with 国务院X部门 shares its prefix with the
    items after it (国务院教育行政部门、人力资源社会保障行政部门): those are single bodies too."""
    prefix = specific_prefix(names[0]) if names else ""
    shared = {n for n in names if prefix and specific_prefix(prefix + n) and not is_generic(prefix + n)}
    return {n for n in names if is_generic(n) and n not in shared}


def _promote(roles: dict[str, list[str]], names: list[str], single_bodies: Collection[str] = ()) -> None:
    """The named ``names`` lead after all (a later 会同 / 牵头 in the sentence says so)."""
    for name in names:
        if name in roles["responsible"]:
            roles["responsible"].remove(name)
    _add(roles, "lead", names, single_bodies)


def _assignment(start: int, end: int, roles: dict[str, list[str]]) -> Assignment:
    """One unit, one role: a unit that leads somewhere in the sentence is not also listed as another."""
    lead = roles["lead"]
    cooperate = [n for n in roles["cooperate"] if n not in lead]
    responsible = [n for n in roles["responsible"] if n not in lead and n not in cooperate]
    if lead and responsible:  # 由X牵头，Y负责…: under a named lead the others cooperate
        cooperate, responsible = cooperate + responsible, []
    return Assignment(start, end, tuple(lead), tuple(cooperate), tuple(responsible), tuple(roles["generic"]))


def find_assignments(
    text: str, start: int, end: int, skip: Sequence[tuple[int, int]] = ()
) -> list[Assignment]:
    """The assignments of ``text[start:end]`` without document-defined names (see ``ProseReader``)."""
    return ProseReader(text).assignments(start, end, skip)
