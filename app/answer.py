"""What an answer looks like: the cited clauses (``AnswerHit``), the ``Answer`` and its JSON shape,
and how a clause is cited. Pure presentation of stored clauses; no retrieval, no judgement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from index.store import StoredClause
from ingest.model import Clause, Department, Target
from ingest.roles import ROLE_NAMES
from ingest.targets import quantity_text

LIST_SEP = "、"


@dataclass(frozen=True)
class AnswerHit:
    clause_id: int
    doc_id: str
    doc_title: str
    doc_number: str
    path: str
    heading: str
    text: str
    content: str  # the text without its bracketed attributions
    lead: tuple[str, ...]
    cooperate: tuple[str, ...]
    responsible: tuple[str, ...]
    generic: tuple[str, ...]
    targets: tuple[Target, ...]
    page: int | None
    citation: str
    score: float
    keyword_rank: int | None = None
    semantic_rank: int | None = None
    units: frozenset[str] = frozenset()  # canonical names of every unit the clause names, any role

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["targets"] = [target_json(t) for t in self.targets]
        out["units"] = sorted(self.units)
        for key in ("lead", "cooperate", "responsible", "generic"):
            out[key] = list(out[key])
        return out

    @property
    def attributed(self) -> bool:
        """The clause says who does it: named units, or only a generic phrase such as 各市政府负责."""
        return bool(self.lead or self.cooperate or self.responsible or self.generic)


@dataclass(frozen=True)
class Answer:
    question: str
    intent: str
    found: bool
    text: str
    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    hits: tuple[AnswerHit, ...] = ()
    departments: tuple[str, ...] = field(default=())  # canonical names the question resolved to
    # Other documents that answer the question too, best first: their clause and its departments.
    others: tuple[AnswerHit, ...] = ()
    answered: int = 1  # when found, the first ``answered`` hits are the answer; the rest are context

    @property
    def answer_hits(self) -> tuple[AnswerHit, ...]:
        return self.hits[: self.answered] if self.found else ()

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "intent": self.intent,
            "answer": {
                "found": self.found,
                "text": self.text,
                "lead": list(self.lead),
                "cooperate": list(self.cooperate),
                "responsible": list(self.responsible),
            },
            "departments": list(self.departments),
            "hits": [hit.to_json() for hit in self.hits],
            "answered": len(self.answer_hits),
            "other_documents": [hit.to_json() for hit in self.others],
        }


def target_json(target: Target) -> dict[str, object]:
    out = asdict(target)
    out["display"] = target_display(target)
    return out


def target_display(t: Target) -> str:
    """到2025年 省级现代服务业集聚区 达120家: the target as one readable line."""
    return " ".join(part for part in (t.timeframe, t.metric, quantity_text(t)) if part)


def printed(departments: Iterable[Department]) -> tuple[str, ...]:
    return tuple(d.printed for d in departments)


def citation(stored: StoredClause) -> str:
    """《title》（文号）path heading — ready to paste into a document."""
    c = stored.clause
    title = f"《{stored.doc_title or stored.doc_id}》"
    number = f"（{stored.doc_number}）" if stored.doc_number else ""
    heading = c.heading if c.heading and not c.path.endswith(c.heading) else ""
    return f"{title}{number}{c.path}{heading}"


def make_hit(
    stored: StoredClause,
    score: float,
    keyword_rank: int | None = None,
    semantic_rank: int | None = None,
) -> AnswerHit:
    c = stored.clause
    return AnswerHit(
        clause_id=stored.clause_id,
        doc_id=stored.doc_id,
        doc_title=stored.doc_title,
        doc_number=stored.doc_number,
        path=c.path,
        heading=c.heading,
        text=c.text,
        content=clause_text_without_attribution(c),
        lead=printed(c.departments("lead")),
        cooperate=printed(c.departments("cooperate")),
        responsible=printed(c.departments("responsible")),
        generic=c.generic,
        targets=c.targets,
        page=c.page_start,
        citation=citation(stored),
        score=float(score),
        keyword_rank=keyword_rank,
        semantic_rank=semantic_rank,
        units=frozenset(d.canonical for role in ROLE_NAMES for d in c.departments(role)),
    )


def clause_text_without_attribution(clause: Clause) -> str:
    """The clause text with its bracketed attributions cut out (for the 任务分工表)."""
    pieces, cursor = [], clause.start
    for a in sorted(clause.attributions, key=lambda a: a.start):
        pieces.append(clause.text[cursor - clause.start : a.start - clause.start])
        cursor = a.end
    pieces.append(clause.text[cursor - clause.start :])
    return "".join(pieces).strip()
