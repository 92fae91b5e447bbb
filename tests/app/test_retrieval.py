"""What retrieval does to fused hits before they are judged: twins share ranks, quoted headings lead."""

from __future__ import annotations

from dataclasses import replace

from app.answer import AnswerHit
from app.retrieval import promote_quoted_headings, shared_ranks

HIT = AnswerHit(
    clause_id=1, doc_id="docx", doc_title="", doc_number="", path="附件1 第6项", heading="加强数字人才培养",
    text="建设数字技能实训基地10个。", content="建设数字技能实训基地10个。",
    lead=("市人力资源社会保障局",), cooperate=(), responsible=(), generic=(), targets=(), page=None,
    citation="", score=1.0, keyword_rank=1, semantic_rank=2,
)  # fmt: skip


def test_a_clause_printed_in_two_documents_takes_the_best_rank_of_each_side() -> None:
    pdf = replace(HIT, clause_id=2, doc_id="pdf", keyword_rank=2, semantic_rank=1)
    other = replace(HIT, clause_id=3, doc_id="x", text="别的内容。", keyword_rank=3, semantic_rank=None)
    ranked = shared_ranks([HIT, pdf, other])
    assert [(h.clause_id, h.keyword_rank, h.semantic_rank) for h in ranked] == [
        (1, 1, 1),
        (2, 1, 1),
        (3, 3, None),
    ]


def test_a_quoted_heading_goes_first() -> None:
    other = replace(HIT, clause_id=3, heading="推进园区建设")
    ranked = promote_quoted_headings([other, HIT], "加强数字人才培养由谁牵头")
    assert [h.clause_id for h in ranked] == [1, 3]
