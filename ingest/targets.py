"""Quantitative targets: "到２０２５年，省级现代服务业集聚区达１２０家" -> metric, value, unit, time.

A target is a number with a unit from ``data/targets.toml``; a number without a unit (item numbers,
"5G", "3A") or followed by 年/月/日 (dates) is not one. Matching runs on the width-folded text, so
full-width digits parse while ``value`` keeps the printed characters.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.model import Target
from ingest.numbering import fold_width

# Where a metric phrase starts: the previous clause-level punctuation (folded).
_PHRASE_BREAKS = "，,。.；;：:、！!？?\n"
# Where the time frame of a target may be found: its own sentence.
_SENTENCE_BREAKS = "。；;\n"
# A metric phrase longer than this is a whole sentence, not a metric; keep its tail.
MAX_METRIC_CHARS = 40
_NUMBER = r"(?<![0-9.])(?P<value>[0-9]+(?:\.[0-9]+)?(?:\s*[-—~～至到]\s*[0-9]+(?:\.[0-9]+)?)?)"


@dataclass(frozen=True)
class _Vocabulary:
    target: re.Pattern[str]
    timeframes: tuple[re.Pattern[str], ...]
    periods: dict[str, int]
    unit_word_clashes: frozenset[str]


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = tomllib.loads(resources.files("ingest.data").joinpath("targets.toml").read_text("utf-8"))
    target = re.compile(
        f"(?<!{_alternation(data['not_quantity_before'])})"
        f"(?P<prefix>{_alternation(data['prefix_qualifiers'])})?"
        f"{_NUMBER}\\s*(?P<unit>{_alternation(data['units'])})"
        f"(?P<suffix>{_alternation(data['suffix_qualifiers'])})?"
    )
    timeframes = tuple(re.compile(item["pattern"]) for item in data["timeframe"])
    return _Vocabulary(target, timeframes, dict(data["periods"]), frozenset(data["unit_word_clashes"]))


def _after_last(folded: str, breaks: str, floor: int, position: int) -> int:
    """The offset after the last of ``breaks`` in ``folded[floor:position]`` (``floor`` if none)."""
    return max(max(folded.rfind(char, floor, position) for char in breaks) + 1, floor)


def _timeframe(folded: str, sentence_start: int, position: int) -> tuple[str, int | None, int, int]:
    """The time frame closest before ``position`` in its sentence: (text, year, start, end).

    Closest means latest end; of two ending together the longer wins (到2025年 over 2025年).
    """
    vocabulary = _vocabulary()
    candidates = [m for p in vocabulary.timeframes for m in p.finditer(folded, sentence_start, position)]
    if not candidates:
        return "", None, position, position
    best = max(candidates, key=lambda m: (m.end(), m.end() - m.start()))
    groups = best.groupdict()
    year = int(groups["year"]) if groups.get("year") else vocabulary.periods.get(groups.get("period") or "")
    return best.group().strip(), year, best.start(), best.end()


def _metric(text: str, start: int, end: int, timeframe_span: tuple[int, int]) -> str:
    """The phrase naming what is counted, without the time-frame words inside it (年均, 每年)."""
    tf_start, tf_end = timeframe_span
    phrase = text[start:end]
    if start <= tf_start and tf_end <= end:
        phrase = text[start:tf_start] + text[tf_end:end]
    return phrase.strip(" \t，,：:。")[-MAX_METRIC_CHARS:]


def _counted_after(text: str, folded: str, position: int, limit: int) -> str:
    """The noun phrase a number modifies when it comes first ("打造200家左右链主企业")."""
    end = position
    while end < limit and folded[end] not in _PHRASE_BREAKS and not folded[end].isdigit():
        end += 1
    after = text[position:end].strip(" \t和及与")
    return "" if after.startswith("的") else after[:MAX_METRIC_CHARS]


def _target(text: str, folded: str, match: re.Match[str], floor: int, limit: int) -> Target:
    sentence_start = _after_last(folded, _SENTENCE_BREAKS, floor, match.start())
    timeframe, year, tf_start, tf_end = _timeframe(folded, sentence_start, match.start())
    phrase_start = _after_last(folded, _PHRASE_BREAKS, sentence_start, match.start())
    if not folded[phrase_start : match.start()].strip() and phrase_start > sentence_start:
        # "给予奖补，最高3000万元": the metric is the phrase before the comma
        phrase_start = _after_last(folded, _PHRASE_BREAKS, sentence_start, phrase_start - 1)
    first = re.match(r"[0-9]+(?:\.[0-9]+)?", match["value"])
    metric = _counted_after(text, folded, match.end(), limit) or _metric(
        text, phrase_start, match.start(), (tf_start, tf_end)
    )
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


def _is_quantity(folded: str, match: re.Match[str]) -> bool:
    """False when the "unit" is the first character of another word (附件1所列)."""
    unit_start = match.start("unit")
    return folded[unit_start : unit_start + 2] not in _vocabulary().unit_word_clashes


def find_targets(text: str, start: int, end: int) -> tuple[Target, ...]:
    """Every quantitative target in ``text[start:end]``, in order."""
    folded = fold_width(text)
    matches = _vocabulary().target.finditer(folded, start, end)
    return tuple(_target(text, folded, m, start, end) for m in matches if _is_quantity(folded, m))
