"""Retrieval and answer quality on a question file (the format of ../shared/eval/dev_questions.jsonl).

Each line: ``{"id", "q", "type": "lead"|"cooperate", "clause": KEY}`` where KEY names an entry of
seed_clauses.json; the gold clause is identified by that entry's heading and the gold answer is its
``lead`` or ``cooperate`` list (departments as printed).

top-1: the first hit is the gold clause. recall@5: the gold clause is among the first five hits.
answer-exact: ``answer.lead`` (``answer.cooperate`` for type cooperate) equals the gold list as a set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.text import fold

from .answer import Answer

RECALL_AT = 5
SEED_FILE = "seed_clauses.json"
# The copy that ships with the tests, used when the question file's folder has none.
BUNDLED_SEED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / SEED_FILE
QUESTION_TYPES = ("lead", "cooperate")
_HEADING_END = "．.。;；:： "


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    q: str
    type: str
    clause: str


@dataclass(frozen=True)
class EvalResult:
    question: EvalQuestion
    gold_heading: str
    gold_answer: tuple[str, ...]
    headings: tuple[str, ...]  # headings of the hits, best first
    answer: tuple[str, ...]  # answer.lead or answer.cooperate
    top1: bool
    recall: bool
    exact: bool


@dataclass(frozen=True)
class EvalReport:
    results: tuple[EvalResult, ...]

    def _share(self, flag: Callable[[EvalResult], bool]) -> float:
        return sum(map(flag, self.results)) / len(self.results) if self.results else 0.0

    @property
    def top1(self) -> float:
        return self._share(lambda r: r.top1)

    @property
    def recall_at_5(self) -> float:
        return self._share(lambda r: r.recall)

    @property
    def answer_exact(self) -> float:
        return self._share(lambda r: r.exact)


class EvalFileError(ValueError):
    """A question or seed file that cannot be read; ``str`` names the file and line."""


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = EvalQuestion(str(row["id"]), row["q"], row["type"], row["clause"])
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{number}: not a question line ({exc})") from exc
        if question.type not in QUESTION_TYPES:
            raise EvalFileError(
                f"{path}:{number}: type must be one of {QUESTION_TYPES}, got {question.type!r}"
            )
        questions.append(question)
    return questions


def seed_path_for(questions_path: Path) -> Path:
    beside = questions_path.parent / SEED_FILE
    return beside if beside.is_file() else BUNDLED_SEED


def load_seed(path: Path) -> dict[str, dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalFileError(f"{path}: cannot read the seed clauses ({exc})") from exc


def same_heading(a: str, b: str) -> bool:
    return fold(a).strip(_HEADING_END) == fold(b).strip(_HEADING_END)


def score(question: EvalQuestion, answer: Answer, seed: Mapping[str, Mapping]) -> EvalResult:
    if question.clause not in seed:
        raise EvalFileError(f"question {question.id}: clause {question.clause!r} is not in the seed file")
    gold = seed[question.clause]
    headings = tuple(h.heading for h in answer.hits)
    gold_answer = tuple(gold[question.type])
    got = answer.cooperate if question.type == "cooperate" else answer.lead
    return EvalResult(
        question=question,
        gold_heading=gold["heading"],
        gold_answer=gold_answer,
        headings=headings,
        answer=tuple(got),
        top1=bool(headings) and same_heading(headings[0], gold["heading"]),
        recall=any(same_heading(h, gold["heading"]) for h in headings[:RECALL_AT]),
        exact=set(got) == set(gold_answer),
    )


def evaluate(
    questions: Iterable[EvalQuestion], ask: Callable[[str], Answer], seed: Mapping[str, Mapping]
) -> EvalReport:
    return EvalReport(tuple(score(q, ask(q.q), seed) for q in questions))


def failures(report: EvalReport) -> Sequence[EvalResult]:
    return [r for r in report.results if not (r.top1 and r.recall and r.exact)]
