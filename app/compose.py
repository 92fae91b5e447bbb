"""Answers composed from ranked clauses (or, for department questions, the store's complete lists).

``compose_*`` are pure: candidate clauses and an evidence test in, an ``Answer`` out.
``answer_question`` picks the composer for the question's intent and does the I/O through the
retriever and the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from index.store import ClauseStore, StoredClause
from ingest.targets import states_quantity

from .answer import LIST_SEP, Answer, AnswerHit, make_hit, target_display
from .query import Query
from .relevance import Evidence
from .retrieval import Retriever, narrowed

# How many fused hits to look at: the answer clause may sit below a heading-only parent clause.
CANDIDATES = 20
# The answer for lead/cooperate comes from the first attributed clause within this many hits; deeper
# than that the clause is about something else even when it carries an attribution.
ANSWER_DEPTH = 5
# Other documents answer too when one of their clauses within this many hits passes the evidence test.
OTHER_DOCUMENTS_DEPTH = 10
ROLES = ("lead", "cooperate", "responsible")


def compose_role_answer(query: Query, hits: Sequence[AnswerHit], top_k: int, evidence: Evidence) -> Answer:
    """lead / cooperate: the top attributed clause answers if it is evidence; it is cited first.

    Only the top attributed clause is judged: a lower one that passes would answer a question about
    something else (the retriever ranked the off-topic clause higher for a reason). Other documents
    with an attributed clause that passes are listed after it, one clause each.
    """
    chosen = next((h for h in hits[:ANSWER_DEPTH] if h.attributed), None)
    if chosen is None and hits and evidence(hits[0]):  # on topic, but the text names no unit
        text = f"相关条款未写明牵头或责任单位，请核对原文：{hits[0].citation}"
        return Answer(query.question, query.intent, False, text, hits=tuple(hits[:top_k]))
    if chosen is None or not evidence(chosen):
        return not_found(query, hits, top_k)
    others = _other_documents(chosen, hits, evidence)
    ordered = (chosen, *(h for h in hits if h is not chosen))[:top_k]
    text = _role_text(query.intent, chosen) + "".join(_other_text(query.intent, h) for h in others)
    return Answer(
        question=query.question,
        intent=query.intent,
        found=True,
        text=text,
        lead=chosen.lead,
        cooperate=chosen.cooperate,
        responsible=chosen.responsible,
        hits=ordered,
        others=others,
    )


def _other_documents(
    chosen: AnswerHit, hits: Sequence[AnswerHit], evidence: Evidence
) -> tuple[AnswerHit, ...]:
    seen, out = {chosen.doc_id}, []
    for hit in hits[:OTHER_DOCUMENTS_DEPTH]:
        if hit.doc_id not in seen and hit.attributed and evidence(hit):
            seen.add(hit.doc_id)
            out.append(hit)
    return tuple(out)


def _role_text(intent: str, hit: AnswerHit) -> str:
    parts = []
    if intent == "cooperate":
        parts.append(_cooperate_sentence(hit))
    if hit.lead:
        parts.append(f"牵头单位：{LIST_SEP.join(hit.lead)}。")
    elif intent == "lead" and hit.responsible:
        parts.append("该条款未区分牵头单位，由责任单位共同负责。")
    elif intent == "lead":
        parts.append("该条款未写明牵头单位。")
    if hit.responsible:
        parts.append(f"责任单位：{LIST_SEP.join(hit.responsible)}。")
    if intent == "lead" and hit.cooperate:
        parts.append(f"配合单位：{LIST_SEP.join(hit.cooperate)}。")
    if intent == "lead" and hit.generic and not (hit.lead or hit.responsible or hit.cooperate):
        parts.append(f"条款只写明由“{LIST_SEP.join(hit.generic)}”负责，未列明具体部门。")
    parts.append(f"依据：{hit.citation}")
    return "".join(parts)


def _other_text(intent: str, hit: AnswerHit) -> str:
    units = hit.cooperate if intent == "cooperate" else (hit.lead or hit.responsible)
    role = "配合单位" if intent == "cooperate" else ("牵头单位" if hit.lead else "责任单位")
    named = f"{role}：{LIST_SEP.join(units)}" if units else "未列明具体单位"
    return f"；另见{hit.citation}，{named}。"


def _cooperate_sentence(hit: AnswerHit) -> str:
    generic = f"（另有{LIST_SEP.join(hit.generic)}）" if hit.generic and hit.cooperate else ""
    if hit.cooperate:
        return f"配合单位：{LIST_SEP.join(hit.cooperate)}{generic}。"
    if hit.generic:
        return f"该条款未列明具体配合单位，只写“{LIST_SEP.join(hit.generic)}”。"
    return "该条款未写明配合单位。"


def not_found(query: Query, hits: Sequence[AnswerHit], top_k: int) -> Answer:
    subject = query.content or query.question
    text = f"未找到与“{subject}”相关的条款。"
    if hits:
        text += "以下条款可能相关，请核对原文。"
    return Answer(query.question, query.intent, False, text, hits=tuple(hits[:top_k]))


def compose_target_answer(query: Query, hits: Sequence[AnswerHit], top_k: int, evidence: Evidence) -> Answer:
    """The targets of the clauses that pass the evidence test (of the asked year when one is named):
    the first one's, or every one's when the question asks for a list. A question with a target
    word whose answer states a quantity but no target (多少天内报送: 5个工作日内) is answered with
    the clause, as a search is."""
    chosen = []
    for hit in hits[: CANDIDATES if query.listing else ANSWER_DEPTH]:
        targets = [t for t in hit.targets if query.year is None or t.year == query.year]
        if targets and evidence(hit):
            chosen.append(hit)
            if not query.listing:
                break
    if not chosen:
        if hits and states_quantity(hits[0].text):
            return compose_search_answer(query, hits, top_k, evidence)
        return not_found(query, hits, top_k)
    return _target_answer(query, chosen, hits, top_k)


def compose_year_targets(query: Query, clauses: Sequence[StoredClause], top_k: int) -> Answer:
    """到2025年的目标有哪些: every clause with a target of the year, in document order."""
    hits = [make_hit(stored, 1.0) for stored in clauses]
    if not hits:
        return not_found(query, [], top_k)
    return _target_answer(query, hits, hits, len(hits))


def _target_answer(
    query: Query, chosen: Sequence[AnswerHit], hits: Sequence[AnswerHit], top_k: int
) -> Answer:
    lines = []
    for hit in chosen:
        targets = [t for t in hit.targets if query.year is None or t.year == query.year]
        lines.append(f"{'；'.join(target_display(t) for t in targets)}（{hit.citation}）")
    first = chosen[0]
    ordered = (*chosen, *(h for h in hits if h not in chosen))[: max(top_k, len(chosen))]
    count = f"共{len(chosen)}条：" if len(chosen) > 1 else ""
    return Answer(
        query.question,
        query.intent,
        True,
        count + "；".join(lines) + "。",
        lead=first.lead,
        cooperate=first.cooperate,
        responsible=first.responsible,
        hits=ordered,
        answered=len(chosen),
    )


def compose_search_answer(query: Query, hits: Sequence[AnswerHit], top_k: int, evidence: Evidence) -> Answer:
    if not hits or not evidence(hits[0]):
        return not_found(query, hits, top_k)
    top = hits[0]
    return Answer(
        query.question,
        query.intent,
        True,
        f"最相关的条款：{top.citation}",
        hits=tuple(hits[:top_k]),
        lead=top.lead,
        cooperate=top.cooperate,
        responsible=top.responsible,
    )


def compose_dept_answer(query: Query, clauses: Sequence[StoredClause]) -> Answer:
    """Every clause where the department(s) have the asked role, in document then clause order."""
    canonicals = tuple(dict.fromkeys(d.canonical for d in query.departments))
    printed = tuple(dict.fromkeys(d.printed for d in query.departments))
    either = query.combine == "or" and len(canonicals) > 1
    names = (LIST_SEP.join(printed[:-1]) + "或" + printed[-1]) if either else LIST_SEP.join(printed)
    joined = "共同" if len(canonicals) > 1 and not either else ""  # X、Y共同牵头 / X或Y牵头
    role_word = _role_word(query.roles)
    hits = tuple(make_hit(s, 1.0) for s in clauses)
    if not hits:
        text = f"未找到{names}{joined}{role_word}的条款。"
        return Answer(query.question, query.intent, False, text, departments=canonicals)
    docs = len({s.doc_id for s in clauses})
    text = f"{names}{joined}{role_word}的条款共{len(hits)}条（{docs}份文件），见下列条款。"
    by_role = {role: _names_in_role(clauses, set(canonicals), role) for role in ROLES}
    return Answer(
        query.question,
        query.intent,
        True,
        text,
        hits=hits,
        departments=canonicals,
        answered=len(hits),
        **{role: names for role, names in by_role.items() if role in query.roles},
    )


def _role_word(roles: Sequence[str]) -> str:
    words = {("cooperate",): "配合", ("lead",): "牵头", ("lead", "responsible"): "牵头或负责"}
    return words.get(tuple(roles), "牵头、配合或负责")


def _names_in_role(clauses: Iterable[StoredClause], canonicals: set[str], role: str) -> tuple[str, ...]:
    """The printed forms under which the departments appear in ``role``."""
    names: dict[str, None] = {}
    for stored in clauses:
        for dept in stored.clause.departments(role):
            if dept.canonical in canonicals:
                names[dept.printed] = None
    return tuple(names)


def department_clauses(
    store: ClauseStore, query: Query, doc_ids: frozenset[str] | None
) -> list[StoredClause]:
    """The clauses of a department question: for several departments, those where all of them (or,
    with 或, any of them) have one of the asked roles; within ``doc_ids`` when given."""
    canonicals = list(dict.fromkeys(d.canonical for d in query.departments))
    per_department = [
        store.matching_clause_ids(doc_ids, {canonical}, query.roles) for canonical in canonicals
    ]
    if query.combine == "or":
        ids = sorted(set().union(*per_department))
    else:
        ids = sorted(set(per_department[0]).intersection(*per_department[1:]))
    clauses = store.clauses_by_id(ids)
    return sorted(clauses, key=lambda s: (s.doc_id, s.clause.index))


def answer_question(
    query: Query, retriever: Retriever, store: ClauseStore, top_k: int, doc_ids: frozenset[str] | None = None
) -> Answer:
    scope = narrowed(doc_ids, query.scope)
    if query.intent == "dept":
        return compose_dept_answer(query, department_clauses(store, query, scope))
    if query.intent == "target" and query.year is not None and not query.topic:
        ids = store.matching_clause_ids(scope, year=query.year)
        clauses = sorted(store.clauses_by_id(ids), key=lambda s: (s.doc_id, s.clause.index))
        return compose_year_targets(query, clauses, top_k)
    hits = retriever.ranked_hits(query, max(top_k, CANDIDATES), doc_ids)
    evidence = retriever.evidence(query)
    if query.intent in ("lead", "cooperate"):
        return compose_role_answer(query, hits, top_k, evidence)
    if query.intent == "target":
        return compose_target_answer(query, hits, top_k, evidence)
    return compose_search_answer(query, hits, top_k, evidence)
