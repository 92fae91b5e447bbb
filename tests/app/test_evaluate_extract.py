"""policykb eval-extract: the scoring, and the extractor against the hand-made gold of tests/gold."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from app.cli import SHARED, parse_gold_source
from app.evaluate_extract import GoldAttribution, GoldDocument, evaluate, format_report, load_gold_dir
from ingest.pipeline import parse_bytes

GOLD = Path(__file__).resolve().parents[1] / "gold"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from task_tables import docx_bytes  # noqa: E402 (the generator lives beside the ingest tests)

# Thresholds of the issue for the documents rules were written from (the held-back third is reported
# by the command, not asserted: it is the measure of generalisation, not a target to tune to).
MIN_TUNED_F1 = 0.97


def _gold(*attributions: GoldAttribution) -> GoldDocument:
    return GoldDocument("doc", "generated/task_table.docx", "", "municipal", "tune", attributions)


def _row(path: str, task: str, lead: tuple[str, ...], cooperate: tuple[str, ...]) -> GoldAttribution:
    return GoldAttribution(path, task, task, "table", lead, cooperate, (), ())


def test_scores_count_clause_role_department_triples() -> None:
    parsed = parse_bytes(docx_bytes(), "plan.docx")
    gold = _gold(
        _row(
            "附件1 第1项", "建设算力基础设施", ("市大数据局",), ("市发展改革委", "市工业和信息化局")
        ),  # 3 TP
        _row("附件1 第4项", "实施中小企业数字化转型", ("市财政局",), ()),  # wrong lead: 1 FN, 1 FP
        _row("附件1 第9项", "不存在的任务", ("市商务局",), ()),  # no such row: 1 FN
    )
    score = evaluate([gold], lambda _: parsed).documents[0]
    # every other attributed clause of the document is a false positive: 2 (body) + 4 rows x units
    others = sum(
        len(a.lead) + len(a.cooperate) + len(a.responsible)
        for c in parsed.clauses
        for a in c.attributions
        if c.path not in ("附件1 第1项", "附件1 第4项")
    )
    assert (score.clause.tp, score.clause.fn) == (3, 2)
    assert score.clause.fp == 1 + others
    assert (score.by_style["table"].tp, score.by_style["table"].fn) == (3, 2)


def test_missing_sources_are_skipped_and_said(tmp_path: Path) -> None:
    gold = dataclasses.replace(_gold(), source="corpus/not-here.txt")
    report = evaluate([gold], lambda g: parse_gold_source(g.source, tmp_path, GOLD))
    assert report.documents == [] and report.skipped == ["doc"]
    assert format_report(report)[-1] == "skipped (source not found): doc"


def test_generated_task_tables_are_exact() -> None:
    documents = [d for d in load_gold_dir(GOLD) if d.source.startswith("generated/")]
    report = evaluate(documents, lambda g: parse_gold_source(g.source, SHARED, GOLD))
    assert len(report.documents) == 2
    for doc in report.documents:
        assert (doc.clause.fp, doc.clause.fn) == (0, 0), doc.differences


def test_tuned_gold_meets_the_bar() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"the shared documents are not here: {SHARED}")
    documents = [d for d in load_gold_dir(GOLD) if d.split == "tune"]
    report = evaluate(documents, lambda g: parse_gold_source(g.source, SHARED, GOLD))
    assert report.skipped == []
    total = report.total("clause", "tune")
    assert total.f1 >= MIN_TUNED_F1, format_report(report)
    corpus = [d for d in report.documents if d.gold.source.startswith("corpus/")]
    assert len(corpus) == 9 and all(d.clause.f1 == 1.0 for d in corpus), [d.gold.key for d in corpus]
    silent = [d for d in report.documents if not d.gold.attributions]
    assert [d.gold.key for d in silent if d.clause.fp] == []  # no attribution invented where there is none
