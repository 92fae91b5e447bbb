"""Eval metrics on hand-made answers, and the eval gate on the development question files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_paths import SHARED_EVAL

from app.answer import Answer, AnswerHit
from app.evaluate import (
    EvalFileError,
    EvalQuestion,
    GoldIndex,
    GoldQuestion,
    evaluate,
    load_questions,
    score,
    score_gold,
    seed_path_for,
)
from app.evaluate_extract import GoldAttribution, GoldDocument
from app.services import KnowledgeBase

SEED = {
    "A1": {"heading": "培育优势产业集群", "lead": ["省发展改革委", "省工业和信息化厅"], "cooperate": []},
    "E4": {"heading": "实施薄弱县跨越计划", "lead": ["省财政厅"], "cooperate": ["省教育厅", "省国资委"]},
}


def hit(heading: str) -> AnswerHit:
    return AnswerHit(
        1, "d", "方案", "", "（一）", heading, heading, heading, (), (), (), (), (), None, "", 0.0
    )


def hit_at(doc_id: str, path: str) -> AnswerHit:
    return AnswerHit(1, doc_id, "方案", "", path, "任务", "任务", "任务", (), (), (), (), (), None, "", 0.0)


def answer(headings: list[str], lead=(), cooperate=()) -> Answer:
    hits = tuple(hit(h) for h in headings)
    return Answer("q", "lead", True, "", tuple(lead), tuple(cooperate), (), hits)


def test_score_top1_recall_and_exact_answer_as_a_set() -> None:
    q = EvalQuestion("1", "产业集群谁牵头", "lead", "A1")
    result = score(q, answer(["培育优势产业集群．"], lead=["省工业和信息化厅", "省发展改革委"]), SEED)
    assert (result.top1, result.recall, result.exact) == (True, True, True)
    result = score(q, answer(["其他", "x", "y", "z", "培育优势产业集群"], lead=["省发展改革委"]), SEED)
    assert (result.top1, result.recall, result.exact) == (False, True, False)
    result = score(q, answer(["a", "b", "c", "d", "e", "培育优势产业集群"]), SEED)
    assert (result.top1, result.recall) == (False, False)


def test_cooperate_questions_compare_the_cooperate_list() -> None:
    q = EvalQuestion("2", "帮扶小组哪些部门配合", "cooperate", "E4")
    result = score(q, answer(["实施薄弱县跨越计划"], lead=["x"], cooperate=["省国资委", "省教育厅"]), SEED)
    assert result.exact is True


def test_report_rates() -> None:
    questions = [EvalQuestion("1", "a", "lead", "A1"), EvalQuestion("2", "b", "lead", "A1")]
    replies = iter([answer(["培育优势产业集群"], lead=SEED["A1"]["lead"]), answer(["别的"])])
    report = evaluate(questions, lambda _: next(replies), SEED)
    assert (report.top1, report.recall_at_5, report.answer_exact) == (0.5, 0.5, 0.5)


def test_bad_question_files_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "1", "q": "x", "type": "lead", "clause": "A1"}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"q\.jsonl:2: not a question line"):
        load_questions(path)
    path.write_text('{"id": "1", "q": "x", "type": "target", "clause": "A1"}\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match="type must be one of"):
        load_questions(path)


def test_seed_is_found_beside_the_questions_or_bundled(tmp_path: Path) -> None:
    assert seed_path_for(tmp_path / "q.jsonl").name == "seed_clauses.json"
    assert seed_path_for(tmp_path / "q.jsonl").parent.name == "fixtures"
    (tmp_path / "seed_clauses.json").write_text(json.dumps(SEED), encoding="utf-8")
    assert seed_path_for(tmp_path / "q.jsonl") == tmp_path / "seed_clauses.json"


# ---- the gate (Done when) ------------------------------------------------------------------------

GATES = [
    ("dev_questions.jsonl", {"top1": 0.98, "answer_exact": 0.98}),
    ("dev_paraphrase_questions.jsonl", {"top1": 0.90, "answer_exact": 0.70}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "gate"), GATES)
def test_eval_gate(plan_kb: KnowledgeBase, seed: dict, name: str, gate: dict[str, float]) -> None:
    path = SHARED_EVAL / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (the development questions live in ../shared/eval)")
    report = evaluate(load_questions(path), plan_kb.ask, seed)
    for metric, minimum in gate.items():
        assert getattr(report, metric) >= minimum, (metric, [r.question.id for r in report.results])


def gold_document(key: str, split: str, *led: tuple[str, str]) -> GoldDocument:
    attributions = tuple(
        GoldAttribution(path, "", "", "prose_lead", (unit,), (), (), ()) for path, unit in led
    )
    return GoldDocument(key, f"corpus/{key}", key, "national", split, attributions)


def test_a_question_over_every_document_is_judged_on_its_own_split() -> None:
    gold = GoldIndex.build(
        [
            gold_document("t1", "tune", ("一、", "国办"), ("二、", "财政部")),
            gold_document("h1", "heldout", ("三、", "国办")),
        ]
    )
    q = GoldQuestion("t9", "国办牵头哪些工作", "dept", "tune", units=(("国办",),), roles=("lead",))
    listed = Answer("q", "dept", True, "", hits=(hit_at("t1", "一、"), hit_at("h1", "三、")), answered=2)
    result = score_gold(q, listed, gold, {})
    assert (result.exact, result.precision, result.recall) == (True, 1.0, 1.0)
    held = GoldQuestion("h9", "国办牵头哪些工作", "dept", "heldout", units=(("国办",),), roles=("lead",))
    only_tune = Answer("q", "dept", True, "", hits=(hit_at("t1", "一、"),), answered=1)
    result = score_gold(held, only_tune, gold, {})
    assert (result.exact, result.precision, result.recall) == (False, 0.0, 0.0)  # its tune hit is not judged


def test_the_same_clause_of_a_twin_document_answers_as_well() -> None:
    docx = gold_document("plan_docx", "tune", ("附件1 第1项", "市大数据局"))
    pdf = GoldDocument("plan_pdf", "generated/plan.pdf", docx.title, "municipal", "tune", docx.attributions)
    other = gold_document("other", "tune", ("附件1 第1项", "市大数据局"))
    gold = GoldIndex.build([docx, pdf, other])
    q = GoldQuestion("t1", "建设算力基础设施谁牵头", "lead", "tune", doc="plan_docx", clause="附件1 第1项")
    for key, top1 in (("plan_docx", True), ("plan_pdf", True), ("other", False)):
        answer = Answer("q", "lead", True, "", lead=("市大数据局",), hits=(hit_at(key, "附件1 第1项"),))
        assert score_gold(q, answer, gold, {}).top1 is top1, key
    assert not gold.same_clause(("plan_pdf", "附件1 第2项"), ("plan_docx", "附件1 第1项"))
