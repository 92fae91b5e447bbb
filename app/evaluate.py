"""Retrieval and answer quality on a question file (the format of ../shared/eval/dev_questions.jsonl).

Each line: ``{"id", "q", "type": "lead"|"cooperate", "clause": KEY}`` where KEY names an entry of
seed_clauses.json; the gold clause is identified by that entry's heading and the gold answer is its
``lead`` or ``cooperate`` list (departments as printed).

top-1: the first hit is the gold clause. recall@5: the gold clause is among the first five hits.
answer-exact: ``answer.lead`` (``answer.cooperate`` for type cooperate) equals the gold list as a set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ingest.text import fold
from ingest.units import normalise

from .answer import Answer, AnswerHit
from .evaluate_extract import GoldAttribution, GoldDocument, path_key

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


T = TypeVar("T")


class EvalFileError(ValueError):
    """A question or seed file that cannot be read; ``str`` names the file and line."""


def _question_rows(path: Path, make: Callable[[dict], T]) -> Iterator[tuple[int, T]]:
    """(line number, ``make(row)``) for each non-empty JSON line; a bad line is one EvalFileError."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, make(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{number}: not a question line ({exc})") from exc


def _dev_question(row: dict) -> EvalQuestion:
    return EvalQuestion(str(row["id"]), row["q"], row["type"], row["clause"])


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for number, question in _question_rows(path, _dev_question):
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


# ---- questions over the gold (tests/questions/README.md) ---------------------------------------

KINDS = ("lead", "cooperate", "responsible", "dept", "target", "search", "refuse")


@dataclass(frozen=True)
class GoldQuestion:
    """One line of a tests/questions file; expectations come from the gold attributions."""

    id: str
    q: str
    kind: str
    split: str
    words: str = ""
    doc: str | None = None
    clause: str | None = None
    units: tuple[tuple[str, ...], ...] = ()
    roles: tuple[str, ...] = ()
    combine: str = "and"
    clauses: tuple[tuple[str, str], ...] = ()
    near_miss: bool = False


@dataclass(frozen=True)
class GoldResult:
    question: GoldQuestion
    top1: bool | None  # None where the kind has no single clause
    exact: bool
    precision: float | None = None  # list questions
    recall: float | None = None
    got: str = ""  # what the answer said, for the failure list


def _gold_question(row: dict) -> GoldQuestion:
    return GoldQuestion(
        id=str(row["id"]), q=row["q"], kind=row["kind"], split=row["split"],
        words=row.get("words", ""), doc=row.get("doc"), clause=row.get("clause"),
        units=tuple(tuple(u) for u in row.get("units", ())), roles=tuple(row.get("roles", ())),
        combine=row.get("combine", "and"), clauses=tuple(tuple(c) for c in row.get("clauses", ())),
        near_miss=bool(row.get("near_miss", False)),
    )  # fmt: skip


def load_gold_questions(path: Path) -> list[GoldQuestion]:
    out = []
    for number, question in _question_rows(path, _gold_question):
        if question.kind not in KINDS:
            raise EvalFileError(f"{path}:{number}: kind must be one of {KINDS}, got {question.kind!r}")
        out.append(question)
    return out


@dataclass(frozen=True)
class GoldIndex:
    """The gold attributions by (document key, folded path): the truth answers are judged against."""

    by_clause: Mapping[tuple[str, str], Sequence[GoldAttribution]]
    splits: Mapping[str, str] = field(default_factory=dict)  # document key -> tune / heldout
    titles: Mapping[str, str] = field(default_factory=dict)  # document key -> title

    @classmethod
    def build(cls, documents: Sequence[GoldDocument]) -> GoldIndex:
        by_clause: dict[tuple[str, str], list[GoldAttribution]] = {}
        for doc in documents:
            for a in doc.attributions:
                by_clause.setdefault((doc.key, path_key(a.path)), []).append(a)
        return cls(by_clause, {d.key: d.split for d in documents}, {d.key: d.title for d in documents})

    def same_clause(self, got: tuple[str, str], wanted: tuple[str, str]) -> bool:
        """The clause asked about, or the same clause of a twin: a document of the same title (the
        generated plan as DOCX and as PDF), where either answers the question alike."""
        if got == wanted:
            return True
        title = self.titles.get(got[0])
        return got[1] == wanted[1] and title is not None and title == self.titles.get(wanted[0])

    def judged(self, q: GoldQuestion, clauses: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """The clauses a question over every document is judged on: those of its split's documents,
        so a tuned question never measures (or exposes) the held-back gold, and the reverse."""
        if q.doc is not None:
            return clauses
        return {(doc, path) for doc, path in clauses if self.splits.get(doc) == q.split}

    def names(self, doc: str, path: str, role: str) -> set[str]:
        return {normalise(n) for a in self.by_clause.get((doc, path_key(path)), ()) for n in getattr(a, role)}

    def department_clauses(self, q: GoldQuestion) -> set[tuple[str, str]]:
        roles = q.roles or ("lead", "cooperate", "responsible")
        per_unit = []
        for names in q.units:
            wanted = {normalise(n) for n in names}
            per_unit.append(
                {
                    (doc, path)
                    for (doc, path), attributions in self.by_clause.items()
                    if (q.doc is None or doc == q.doc)
                    and any(
                        normalise(n) in wanted for a in attributions for r in roles for n in getattr(a, r)
                    )
                }
            )
        if not per_unit:
            return set()
        return set.union(*per_unit) if q.combine == "or" else set.intersection(*per_unit)


def _hit_key(hit: AnswerHit, keys: Mapping[str, str]) -> tuple[str, str]:
    return keys.get(hit.doc_id, hit.doc_id), path_key(hit.path)


def score_gold(q: GoldQuestion, answer: Answer, gold: GoldIndex, keys: Mapping[str, str]) -> GoldResult:
    """``keys``: document id -> gold key."""
    if q.kind == "refuse":
        return GoldResult(q, None, not answer.found, got=answer.text[:60])
    answered = [_hit_key(h, keys) for h in answer.answer_hits]
    if q.kind in ("dept", "target"):
        expected = (
            gold.department_clauses(q) if q.kind == "dept" else {(d, path_key(p)) for d, p in q.clauses}
        )
        expected, got = gold.judged(q, expected), gold.judged(q, set(answered))
        precision = len(got & expected) / len(got) if got else float(not expected)
        recall = len(got & expected) / len(expected) if expected else 1.0
        return GoldResult(
            q,
            None,
            got == expected,
            precision,
            recall,
            f"{len(got)} clauses, {len(expected)} expected; missing {sorted(expected - got)[:3]},"
            f" extra {sorted(got - expected)[:3]}",
        )
    target = (q.doc or "", path_key(q.clause or ""))
    top1 = bool(answer.hits) and gold.same_clause(_hit_key(answer.hits[0], keys), target)
    if q.kind == "search":
        return GoldResult(q, top1, answer.found and top1, got=answer.hits[0].citation if answer.hits else "")
    return GoldResult(q, top1, answer.found and top1 and _role_exact(q, answer, gold), got=answer.text[:80])


def _role_exact(q: GoldQuestion, answer: Answer, gold: GoldIndex) -> bool:
    """The departments as printed: a lead (or responsible) question about a clause that names only the
    other is answered with those (the answer says no lead is distinguished)."""
    doc, path = q.doc or "", q.clause or ""
    names = {role: gold.names(doc, path, role) for role in ("lead", "cooperate", "responsible")}
    said = {role: {normalise(n) for n in getattr(answer, role)} for role in names}
    if q.kind == "cooperate":
        return said["cooperate"] == names["cooperate"]
    first, second = ("lead", "responsible") if q.kind == "lead" else ("responsible", "lead")
    role = first if names[first] else second
    return said[role] == names[role]


@dataclass(frozen=True)
class GoldReport:
    results: tuple[GoldResult, ...]

    def select(self, split: str | None = None, kind: str | None = None, words: str | None = None
               ) -> list[GoldResult]:  # fmt: skip
        return [
            r for r in self.results
            if (split is None or r.question.split == split)
            and (kind is None or r.question.kind == kind)
            and (words is None or r.question.words == words)
        ]  # fmt: skip


def format_gold_report(report: GoldReport) -> list[str]:
    lines = []
    for split in ("tune", "heldout", None):
        rows = report.select(split)
        if not rows:
            continue
        lines.append(f"== {split or 'all'}: {len(rows)} questions")
        for kind in KINDS:
            part = report.select(split, kind)
            if part:
                lines.append(f"   {kind:12} {_figures(part)}")
        for words in ("document", "paraphrase"):
            part = report.select(split, words=words)
            if part:
                lines.append(f"   words={words:10} {_figures(part)}")
    return lines


def _figures(rows: Sequence[GoldResult]) -> str:
    def share(values: list[bool]) -> str:
        return f"{sum(values) / len(values):.3f}" if values else "  -  "

    def mean(values: list[float]) -> str:
        return f"{sum(values) / len(values):.3f}" if values else "  -  "

    top1 = [r.top1 for r in rows if r.top1 is not None]
    p = [r.precision for r in rows if r.precision is not None]
    r_ = [r.recall for r in rows if r.recall is not None]
    return (
        f"n={len(rows):3d} top-1 {share(top1)}  exact {share([r.exact for r in rows])}"
        f"  list P {mean(p)} R {mean(r_)}"
    )
