"""Quantitative targets: "到２０２５年，省级现代服务业集聚区达１２０家" -> metric, value, unit, time.

A quantity is a number with a unit from ``data/targets.toml``; a number without a unit (item numbers,
"5G", "3A") or followed by 年/月/日 (dates) is not one. A quantity is a *target* only when it states
a goal (a time frame, a qualifier, a goal or support word) and does not merely describe a noun
("１０００亿元以上的县" is part of the metric "…的县（市、区）"). Matching runs on the width-folded
text, so full-width digits parse while ``value`` and ``metric`` keep the printed characters.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.model import Target
from ingest.numbering import fold_width
from ingest.roles import has_role_word

# Where a metric phrase starts or ends: clause-level punctuation (folded), 、 included (lists).
_PHRASE_BREAKS = "，,。.；;：:、！!？?\n"
# Where a goal cue is looked for: the comma clause, so a 、 list shares its verb ("培育A５０个、B２００个").
_CLAUSE_BREAKS = "，,。；;：:！!？?\n"
# Where the time frame of a target may be found: its own sentence.
_SENTENCE_BREAKS = "。；;\n"
# Bracketed groups are skipped when looking for breaks: "县（市、区）" is one noun (folded forms).
_OPENERS = "([{【〔《“"
# An opening round bracket and what follows it up to its close (or the end of the phrase).
_BRACKET = re.compile(r"[(（][^)）]*[)）]?")
_CLOSERS = ")]}】〕》”"
# Conjunctions between two counted nouns ("１０个A和１０家以上B"): the first number is no modifier.
_CONJUNCTIONS = "和及与或"
# Punctuation around a metric; —— is the bullet of goal lines ("——创新能力。打造…").
_METRIC_EDGES = " \t，,：:。、—"
# A dated goal needs a few words (到2025年，基本建成); a long one is cut, its citation leads to the
# whole sentence.
MIN_GOAL_CHARS = 4
MAX_GOAL_CHARS = 80
# A metric phrase longer than this is a whole sentence, not a metric; keep its tail.
MAX_METRIC_CHARS = 40
_NUMBER = r"(?<![0-9.])(?P<value>[0-9]+(?:\.[0-9]+)?(?:\s*[-—~～至到]\s*[0-9]+(?:\.[0-9]+)?)?)"


@dataclass(frozen=True)
class _Vocabulary:
    target: re.Pattern[str]
    timeframes: tuple[tuple[re.Pattern[str], bool], ...]  # (pattern, scoped to its comma clause)
    carried: tuple[re.Pattern[str], ...]  # deadlines that reach the rest of the clause's text
    goals: tuple[re.Pattern[str], ...]  # deadlines that date a goal sentence with no number
    periods: dict[str, int]
    unit_word_clashes: frozenset[str]
    time_limits: re.Pattern[str]  # 5个工作日内: a time allowed, not a target
    prefix_qualifiers: frozenset[str]
    suffix_qualifiers: tuple[str, ...]
    counting_units: frozenset[str]
    magnitudes: str
    goal_cues: tuple[str, ...]
    support_cues: tuple[str, ...]
    lead_verbs: tuple[str, ...]  # longest first, so 滚动实施 goes before 实施
    tail_links: tuple[str, ...]
    base_year: re.Pattern[str]  # 比2020年: the base of a comparison
    chinese_year: re.Pattern[str]  # 二〇二五 before 年


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, _longest_first(words)))


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = tomllib.loads(resources.files("ingest.data").joinpath("targets.toml").read_text("utf-8"))
    magnitudes = _alternation(data["magnitudes"])
    target = re.compile(
        f"(?<!{_alternation(data['not_quantity_before'])})"
        f"(?P<prefix>{_alternation(data['prefix_qualifiers'])})?"
        f"{_NUMBER}\\s*(?P<unit>(?:{magnitudes})?(?:{_alternation(data['units'])})|{magnitudes})"
        f"(?P<suffix>{_alternation(data['suffix_qualifiers'])})?"
    )
    return _Vocabulary(
        target=target,
        timeframes=tuple(
            (re.compile(item["pattern"]), item.get("scope") == "clause") for item in data["timeframe"]
        ),
        carried=tuple(re.compile(item["pattern"]) for item in data["timeframe"] if item.get("carries")),
        goals=tuple(re.compile(item["pattern"]) for item in data["timeframe"] if item.get("dates_goal")),
        periods=dict(data["periods"]),
        unit_word_clashes=frozenset(data["unit_word_clashes"]),
        time_limits=re.compile(
            f"(?:{_alternation(data['time_limit']['units'])})\\s*(?:{_alternation(data['time_limit']['after'])})"
        ),
        prefix_qualifiers=frozenset(data["prefix_qualifiers"]),
        suffix_qualifiers=_longest_first(data["suffix_qualifiers"]),
        counting_units=frozenset(data["counting_units"]),
        magnitudes="".join(data["magnitudes"]),
        goal_cues=tuple(data["goal_cues"]),
        support_cues=tuple(data["support_cues"]),
        lead_verbs=_longest_first(data["metric_lead_verbs"]),
        tail_links=_longest_first(data["metric_tail_links"]),
        base_year=re.compile(data["base_year"]),
        chinese_year=re.compile(data["chinese_year"]),
    )


def quantity_text(t: Target) -> str:
    """达１２０家 / ５０个左右 / 超过７０％: value, unit and qualifier in the order they are read."""
    if t.qualifier in _vocabulary().prefix_qualifiers:
        return f"{t.qualifier}{t.value}{t.unit}"
    return f"{t.value}{t.unit}{t.qualifier}"


# --- boundaries -------------------------------------------------------------------------------


def _start_of(folded: str, breaks: str, floor: int, position: int) -> int:
    """Offset after the last of ``breaks`` outside brackets in ``folded[floor:position]``, or floor."""
    depth = 0
    for i in range(position - 1, floor - 1, -1):
        char = folded[i]
        if char in _CLOSERS:
            depth += 1
        elif char in _OPENERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and char in breaks:
            return i + 1
    return floor


def _end_of(folded: str, breaks: str, position: int, limit: int) -> int:
    """Offset of the first of ``breaks`` outside brackets in ``folded[position:limit]``, or limit.

    A closing bracket that was not opened in the range ends it too: the number sits inside it.
    """
    depth = 0
    for i in range(position, limit):
        char = folded[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and char in breaks:
            return i
    return limit


def _last_top_level(text: str, char: str) -> int:
    """Index of the last ``char`` outside brackets in ``text``, or -1."""
    start = _start_of(fold_width(text), char, 0, len(text))
    return start - 1


# --- metrics ----------------------------------------------------------------------------------


def _trim_metric(phrase: str) -> str:
    """The counted noun of ``phrase``: without introducing verbs before it or links after it."""
    vocabulary = _vocabulary()
    phrase = phrase.strip(_METRIC_EDGES)
    while verb := next((v for v in vocabulary.lead_verbs if phrase.startswith(v) and phrase != v), ""):
        phrase = phrase[len(verb) :]
    while link := next((w for w in vocabulary.tail_links if phrase.endswith(w) and phrase != w), ""):
        phrase = phrase[: -len(link)]
    return phrase.strip(_METRIC_EDGES)


def _counted_after(text: str, folded: str, position: int, limit: int) -> str:
    """The noun phrase a number counts when it comes first ("打造200家左右链主企业").

    The phrase runs to the next break or number; a 、 ending an unfinished modifier ("产值百亿元
    以上、具有较强竞争优势的产业集群") does not end it.
    """
    end = position
    while True:
        end = _end_of(folded, _PHRASE_BREAKS + "0123456789", end, limit)
        modifier = fold_width(text[position:end]).endswith(("的", *_vocabulary().suffix_qualifiers))
        if not (end < limit and folded[end] == "、" and modifier):
            break
        end += 1
    after = _before_attribution(text[position:end]).strip(" \t和及与").removeprefix("的")
    return _trim_metric(after)[:MAX_METRIC_CHARS]


def _before_attribution(phrase: str) -> str:
    """``phrase`` up to a bracket that attributes the task (（省政府办公厅牵头…）): no part of a noun."""
    for found in _BRACKET.finditer(phrase):
        if has_role_word(found.group().strip("()（）")):
            return phrase[: found.start()]
    return phrase


def _metric_before(text: str, start: int, end: int, timeframe_span: tuple[int, int]) -> str:
    """The phrase naming what is counted, without the time-frame words inside it (年均, 每年)."""
    tf_start, tf_end = timeframe_span
    phrase = text[start:end]
    if start <= tf_start and tf_end <= end:
        phrase = text[start:tf_start] + text[tf_end:end]
    phrase = _vocabulary().base_year.sub("", phrase)
    return _trim_metric(phrase)[-MAX_METRIC_CHARS:]


def _fill_elided_head(fragment: str, previous: str) -> str:
    """A metric whose head noun is left out, completed from the parallel metric before it.

    "７００亿元以上的" after "地区生产总值１０００亿元以上的县（市、区）" reads "地区生产总值７００亿元
    以上的县（市、区）": the head noun after the last 的 is shared, and so are the words before a
    parallel quantity when the fragment starts with its own quantity.
    """
    head_at = _last_top_level(previous, "的") + 1
    if head_at == 0:
        return fragment
    modifier, head = previous[:head_at], previous[head_at:]
    own = _vocabulary().target.match(fold_width(fragment))
    quantities = _vocabulary().target.finditer(fold_width(modifier))
    parallel = [m for m in quantities if own and m["unit"] == own["unit"]]
    if own and parallel and modifier[parallel[-1].end() :] == fragment[own.end() :]:
        return modifier[: parallel[-1].start()] + fragment + head
    return fragment + head


# --- which quantities are targets -------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """Where a quantity sits: the scanned range, its sentence's start, its comma clause."""

    floor: int
    sentence_start: int
    clause_start: int
    clause_end: int
    limit: int


def _place(folded: str, match: re.Match[str], floor: int, limit: int) -> _Place:
    return _Place(
        floor=floor,
        sentence_start=_start_of(folded, _SENTENCE_BREAKS, floor, match.start()),
        clause_start=_start_of(folded, _CLAUSE_BREAKS, floor, match.start()),
        clause_end=_end_of(folded, _CLAUSE_BREAKS, match.end(), limit),
        limit=limit,
    )


def _has_cue(folded: str, start: int, end: int, cues: tuple[str, ...]) -> bool:
    return any(cue in folded[start:end] for cue in cues)


def _is_attributive(
    folded: str, match: re.Match[str], following: re.Match[str] | None, place: _Place
) -> bool:
    """True when the quantity describes the noun after it instead of counting or promising it.

    "１０００亿元以上的县" and "投资５００万元以上技改项目１万个" describe; "３个以上的县" and
    "６０％的县域" count (counting units); "给予1000万元的奖励" promises (support cue before it).
    """
    vocabulary = _vocabulary()
    if match["unit"].lstrip(vocabulary.magnitudes) in vocabulary.counting_units:
        return False
    if folded.startswith("的", match.end()):
        return not _has_cue(folded, place.clause_start, match.start(), vocabulary.support_cues)
    if following is None or following.start() >= place.clause_end:
        return False
    between = folded[match.end() : following.start()]
    return bool(between) and not any(c in _PHRASE_BREAKS + _CONJUNCTIONS for c in between)


def _timeframes(folded: str, place: _Place, position: int) -> list[re.Match[str]]:
    """The time frames before ``position`` that reach it: in its sentence, or clause for rates."""
    found: list[re.Match[str]] = []
    for pattern, clause_scoped in _vocabulary().timeframes:
        floor = place.clause_start if clause_scoped else place.sentence_start
        found.extend(pattern.finditer(folded, floor, position))
    return found


def _states_goal(folded: str, match: re.Match[str], place: _Place) -> bool:
    """A qualifier on it, a time frame before it, or a goal or support word in its comma clause."""
    vocabulary = _vocabulary()
    if match["prefix"] or match["suffix"] or _timeframes(folded, place, match.start()):
        return True
    cues = vocabulary.goal_cues + vocabulary.support_cues
    return _has_cue(folded, place.clause_start, place.clause_end, cues)


def _is_time_limit(folded: str, match: re.Match[str]) -> bool:
    """认定后5个工作日内报送 / 到期3个月前提出: the time a step is allowed, not something to reach."""
    return bool(_vocabulary().time_limits.match(folded, match.start("unit")))


def _is_quantity(folded: str, match: re.Match[str]) -> bool:
    """False when the "unit" is the first character of another word (附件1所列)."""
    unit_start = match.start("unit")
    return folded[unit_start : unit_start + 2] not in _vocabulary().unit_word_clashes


# --- targets ----------------------------------------------------------------------------------


def _timeframe(folded: str, place: _Place, position: int) -> tuple[str, int | None, int, int]:
    """The time frame closest before ``position``: (text, year, start, end).

    Closest means latest end; of two ending together the longer wins (到2025年 over 2025年). A rate
    (年均) names no year: the year is then the closest one before it (“十四五”期间…年均增长10%: 2025).
    """
    candidates = _timeframes(folded, place, position) or _carried(folded, place)
    if not candidates:
        return "", None, position, position
    ranked = sorted(candidates, key=lambda m: (m.end(), m.end() - m.start()), reverse=True)
    best = ranked[0]
    year = next((y for m in ranked if (y := _year_of(m)) is not None), None)
    return best.group().strip(), year, best.start(), best.end()


def _carried(folded: str, place: _Place) -> list[re.Match[str]]:
    """The last deadline stated earlier in the clause's text, for a sentence that names none.

    "到2026年，我市人工智能产业总体水平处于全国前列……\n——创新能力。打造2—3个……平台": the goal lines
    after a deadline sentence are goals of that year.
    """
    found = [m for p in _vocabulary().carried for m in p.finditer(folded, place.floor, place.sentence_start)]
    if not found:
        return []
    return [max(found, key=lambda m: (m.end(), m.end() - m.start()))]


def _metric(text: str, folded: str, match: re.Match[str], place: _Place, tf_span: tuple[int, int]) -> str:
    """The counted noun after the number if there is one, else the phrase before it."""
    after = _counted_after(text, folded, match.end(), place.limit)
    if after:
        return after
    floor = place.sentence_start
    phrase_start = _start_of(folded, _PHRASE_BREAKS, floor, match.start())
    if not folded[phrase_start : match.start()].strip() and phrase_start > floor:
        # "给予奖补，最高3000万元": the metric is the phrase before the comma
        phrase_start = _start_of(folded, _PHRASE_BREAKS, floor, phrase_start - 1)
    return _metric_before(text, phrase_start, match.start(), tf_span)


def _target(text: str, folded: str, match: re.Match[str], place: _Place, previous: Target | None) -> Target:
    timeframe, year, tf_start, tf_end = _timeframe(folded, place, match.start())
    metric = _metric(text, folded, match, place, (tf_start, tf_end))
    if metric.endswith("的") and previous and previous.end > place.sentence_start:
        metric = _fill_elided_head(metric, previous.metric)
    first = re.match(r"[0-9]+(?:\.[0-9]+)?", match["value"])
    return Target(
        metric=metric,
        value=text[match.start("value") : match.end("value")],
        number=float(first.group()) if first else None,
        unit=text[match.start("unit") : match.end("unit")],
        qualifier=match["suffix"] or match["prefix"] or "",
        timeframe=timeframe,
        year=year,
        start=match.start(),
        end=match.end(),
    )


def states_quantity(text: str) -> bool:
    """Whether ``text`` states any quantity (5个工作日, 30%), a goal or not: what 多少 asks for."""
    folded = fold_width(text)
    return any(_is_quantity(folded, m) for m in _vocabulary().target.finditer(folded))


def find_targets(text: str, start: int, end: int) -> tuple[Target, ...]:
    """Every target in ``text[start:end]``, in order: the quantitative ones, and the dated goals of
    sentences that state no number."""
    folded = _digit_years(fold_width(text))
    quantities = [m for m in _vocabulary().target.finditer(folded, start, end) if _is_quantity(folded, m)]
    found: list[Target] = []
    for i, match in enumerate(quantities):
        following = quantities[i + 1] if i + 1 < len(quantities) else None
        place = _place(folded, match, start, end)
        if _is_attributive(folded, match, following, place) or not _states_goal(folded, match, place):
            continue
        if _is_time_limit(folded, match):
            continue
        found.append(_target(text, folded, match, place, found[-1] if found else None))
    goals = _dated_goals(text, folded, start, end, found)
    return tuple(sorted((*found, *goals), key=lambda t: t.start))


def _dated_goals(text: str, folded: str, start: int, end: int, found: list[Target]) -> list[Target]:
    """到2022年，全省高质量工业数据集实现泽（Z）级突破: a goal with a deadline and no number.

    Staff asking what is due by a year need these as much as the counted ones. The goal is the rest
    of the sentence after its first deadline, without a trailing attribution; a sentence with a
    quantitative target has its goals already.
    """
    deadlines = sorted(
        (m for pattern in _vocabulary().goals for m in pattern.finditer(folded, start, end)),
        key=lambda m: m.start(),
    )
    goals: list[Target] = []
    dated: set[int] = set()  # sentences already given their goal
    for match in deadlines:
        sentence_start = _start_of(folded, _SENTENCE_BREAKS, start, match.start())
        sentence_end = _end_of(folded, _SENTENCE_BREAKS, match.end(), end)
        if sentence_start in dated or any(sentence_start <= t.start < sentence_end for t in found):
            continue
        rest = _before_attribution(text[match.end() : sentence_end])
        goal = rest.strip(_METRIC_EDGES)
        goal_start = match.end() + len(rest) - len(rest.lstrip(_METRIC_EDGES))
        if len(goal) < MIN_GOAL_CHARS:  # …配套电网建设，2024年底前完成: the goal precedes its deadline
            before = text[sentence_start : match.start()]
            goal = before.strip(_METRIC_EDGES)
            goal_start = sentence_start + len(before) - len(before.lstrip(_METRIC_EDGES))
        if len(goal) < MIN_GOAL_CHARS:
            continue
        dated.add(sentence_start)
        goal = goal[:MAX_GOAL_CHARS]
        timeframe, year = match.group().strip(), _year_of(match)
        goals.append(Target(goal, "", None, "", "", timeframe, year, goal_start, goal_start + len(goal)))
    return goals


_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


def _digit_years(folded: str) -> str:
    """二〇二五年 -> 2025年, one character for one, so offsets into the text stay valid."""
    return _vocabulary().chinese_year.sub(lambda m: m.group().translate(_CHINESE_DIGITS), folded)


def _year_of(timeframe: re.Match[str]) -> int | None:
    """The deadline year a time frame names: its year, or the last year of its plan period."""
    groups = timeframe.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    return _vocabulary().periods.get(groups.get("period") or "")
