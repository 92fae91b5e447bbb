"""The pipeline from bytes to a tagged ParsedDocument, and its errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingest.errors import IngestError, NoClauses
from ingest.model import Page, RawDocument
from ingest.pipeline import doc_id_for, parse_bytes, parse_file, parse_raw

DOC = """某某三年行动方案
为推动发展，制定本方案。
一、主要目标
到2025年，省级平台达到120家以上。
二、重点任务
（一）实施领跑计划。发挥带动作用。（省发展改革委牵头，省有关部门配合）
（二）实施示范计划。认定一批特色强县。（省工信厅、省财政厅负责）
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("shandong_2023_county_economy_plan_PDFTEXT.txt", "shandong-2023-county-economy-plan-pdftext"),
        ("dir/sub/My Plan v2.docx", "my-plan-v2"),
        ("山东省行动方案.pdf", "山东省行动方案"),
        ("（通知）关于印发 方案.txt", "通知-关于印发-方案"),
    ],
)
def test_doc_id(source: str, expected: str) -> None:
    assert doc_id_for(source) == expected


def test_doc_id_mixed_script_is_stable_and_distinct() -> None:
    first, second = doc_id_for("2023年方案.txt"), doc_id_for("2023年计划.txt")
    assert first == doc_id_for("2023年方案.txt")
    assert first != second and first.startswith("2023-")
    assert "/" not in first and " " not in first


def test_parse_bytes_tags_clauses() -> None:
    data = DOC.encode("utf-8")
    doc = parse_bytes(data, "plan.txt")
    assert doc.doc_id == "plan"
    assert doc.content_hash == hashlib.sha256(data).hexdigest()
    assert [c.path for c in doc.clauses] == ["一、", "二、", "二、（一）", "二、（二）"]
    lead = doc.clauses[2].departments("lead")
    assert [(d.printed, d.canonical) for d in lead] == [("省发展改革委", "省发展改革委")]
    assert doc.clauses[2].generic == ("省有关部门",)
    responsible = doc.clauses[3].departments("responsible")
    assert [d.canonical for d in responsible] == ["省工业和信息化厅", "省财政厅"]
    (target,) = doc.clauses[0].targets
    assert (target.number, target.unit, target.year) == (120.0, "家", 2025)


def test_offsets_point_into_clean_text() -> None:
    doc = parse_bytes(DOC.encode("utf-8"), "plan.txt")
    for clause in doc.clauses:
        assert doc.clean.text[clause.start : clause.end] == clause.text
        for attribution in clause.attributions:
            assert clause.start <= attribution.scope_start < attribution.scope_end <= clause.end
            assert doc.clean.text[attribution.start + 1 : attribution.end - 1] == attribution.raw


def test_pages_of_clauses() -> None:
    raw = RawDocument(
        source="paged.pdf",
        format="pdf",
        pages=(Page(1, "一、总体要求\n加强领导。\n"), Page(2, "二、重点任务\n推进工作。（省财政厅牵头）\n")),
    )
    doc = parse_raw(raw, "0" * 64)
    first, second = doc.clauses
    assert first.page_start == 1
    assert second.page_start == 2 and second.page_end == 2


def test_a_text_without_numbers_is_one_clause_from_its_first_sentence() -> None:
    body = "您的提案收悉。国务院办公厅将不断改进有关工作。"
    text = f"关于热线电话提案的答复\n国办函〔2006〕82号\n王委员：\n{body}\n"
    (clause,) = parse_bytes(text.encode(), "reply.txt").clauses
    assert (clause.path, clause.heading, clause.text) == ("", "", body)
    assert [[d.printed for d in a.responsible] for a in clause.attributions] == [["国务院办公厅"]]


def test_no_clauses() -> None:
    with pytest.raises(NoClauses) as err:
        parse_bytes(b"\f\n- 1 -\n", "note.txt")  # nothing but a page number
    assert str(err.value).startswith("note.txt: ")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        parse_file(tmp_path / "missing.txt")
    assert str(err.value).startswith("missing.txt: ")


def test_parse_file(tmp_path: Path) -> None:
    path = tmp_path / "计划.txt"
    path.write_text(DOC, encoding="utf-8")
    doc = parse_file(path)
    assert doc.source == "计划.txt" and doc.doc_id == "计划"
    assert len(doc.clauses) == 4


def test_a_news_report_without_numbers_has_no_attributions_and_a_notice_keeps_them() -> None:
    news = "2017年6月6日，联盟筹备会在北京召开。\n工业和信息化部装备工业司要做好联盟筹备工作。\n"
    notice = "关于做好联盟筹备工作的通知\n工业和信息化部装备工业司要做好联盟筹备工作。\n"
    assert [c.attributions for c in parse_bytes(news.encode(), "news.txt").clauses] == [()]
    (clause,) = parse_bytes(notice.encode(), "notice.txt").clauses
    assert [d.printed for d in clause.departments("responsible")] == ["工业和信息化部装备工业司"]


def test_a_document_printed_in_traditional_characters_keeps_its_names_as_printed() -> None:
    text = (
        "一、重點任務\n（一）建設智慧園區。推進園區數字化改造。（省工業和信息化廳牽頭，省商務廳配合）\n"
        "第一條 本辦法由省科技廳負責解釋。\n"
    )
    first, article = parse_bytes(text.encode(), "trad.txt").clauses[1:]
    (attribution,) = first.attributions
    assert attribution.raw == "省工業和信息化廳牽頭，省商務廳配合"
    assert [(d.printed, d.canonical, d.known) for d in first.departments("lead")] == [
        ("省工業和信息化廳", "省工业和信息化厅", True)
    ]
    assert [d.canonical for d in first.departments("cooperate")] == ["省商务厅"]
    assert article.path == "第一條"
    assert [d.printed for d in article.departments("responsible")] == ["省科技廳"]


def test_a_self_reference_names_the_unit_that_wrote_the_text() -> None:
    """我局 in a text an office signs (under a seal note) is its bureau; in a forwarded report, the
    report's author, not the organ that forwards it."""
    signed_lines = ["关于加快粮库建设的通知", "一、加强调度。", "我局将建立通报制度。"]
    signed = "\n".join([*signed_lines, "（国家粮食局办公室代章）", "2018年5月4日"])
    forwarded_title = "国务院办公厅转发国家地震局关于加强防震减灾工作意见的通知"
    forwarded = "\n".join([forwarded_title, "一、加强宣传。", "我局将提供大纲。"])
    for text, unit in ((signed, "国家粮食局"), (forwarded, "国家地震局")):
        (clause,) = [c for c in parse_bytes(text.encode(), "t.txt").clauses if c.attributions]
        (department,) = clause.attributions[0].responsible
        assert (department.printed, department.canonical, department.known) == ("我局", unit, True)
