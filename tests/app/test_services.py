"""KnowledgeBase: views over the real plan (shared, read-only) and writes on small scratch stores."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from app_paths import PLAN, SMALL_DOC

from app import services
from app.services import KnowledgeBase, ServiceError, safe_file_name
from ingest.errors import EmptyFile, FileTooLarge, UnsupportedFormat
from ingest.pipeline import doc_id_for

PLAN_ID = doc_id_for(PLAN.name)
FGW = "省发展改革委"


# ---- views over the plan -----------------------------------------------------------------------


def test_documents_summarise_the_plan(plan_kb: KnowledgeBase) -> None:
    [doc] = plan_kb.documents()
    assert (doc.doc_id, doc.source, doc.format) == (PLAN_ID, PLAN.name, "txt")
    assert (doc.clauses, doc.attributions) == (49, 35)
    assert doc.issuer == "山东省人民政府"


@pytest.mark.parametrize("name", ["省发改委", "省发展改革委", "山东省发展和改革委员会"])
def test_department_view_is_alias_aware(plan_kb: KnowledgeBase, name: str) -> None:
    view = plan_kb.department_view(name)
    assert view.canonical == FGW
    assert view.counts == {"lead": 21, "cooperate": 0, "responsible": 0}
    [group] = view.groups
    assert group.doc_id == PLAN_ID
    assert len(group.clauses) == 21
    assert [c.heading for c in group.clauses[:3]] == [
        "实施经济强县领跑计划",
        "实施百县图强计划",
        "实施薄弱县跨越计划",
    ]
    assert all(c.roles == ("lead",) and c.printed == (FGW,) for c in group.clauses)


def test_department_view_counts_cooperation(plan_kb: KnowledgeBase) -> None:
    view = plan_kb.department_view("省教育厅")
    assert view.counts == {"lead": 3, "cooperate": 1, "responsible": 0}
    cooperating = [c.heading for g in view.groups for c in g.clauses if c.roles == ("cooperate",)]
    assert cooperating == ["实施薄弱县跨越计划"]


def test_department_view_of_an_unknown_name_is_empty(plan_kb: KnowledgeBase) -> None:
    view = plan_kb.department_view("月球开发署")
    assert (view.canonical, view.groups, view.counts["lead"]) == (None, (), 0)


def test_matrix_has_every_attributed_clause(plan_kb: KnowledgeBase) -> None:
    matrix = plan_kb.matrix(PLAN_ID)
    assert len(matrix.clauses) == 35
    assert matrix.departments[0] == FGW  # leads the most clauses
    first = matrix.clauses[0]
    assert first.heading == "实施经济强县领跑计划"
    assert matrix.cells[(FGW, first.clause_id)] == "lead"
    e4 = next(c for c in matrix.clauses if c.heading == "实施薄弱县跨越计划")
    assert matrix.cells[("省教育厅", e4.clause_id)] == "cooperate"


def test_targets_filter_by_year(plan_kb: KnowledgeBase) -> None:
    rows = plan_kb.targets(PLAN_ID, year=2025)
    assert rows and {r.year for r in rows} == {2025}
    assert rows[0].display == "到2025年 地区生产总值１０００亿元以上的县（市、区） 达到３０个"
    assert rows[0].citation.endswith("一、主要目标")
    assert len(plan_kb.targets(year=2025)) == len(rows)  # one document


def test_task_table_rows(plan_kb: KnowledgeBase) -> None:
    rows = plan_kb.task_table(PLAN_ID)
    assert len(rows) == 35
    row = rows[3]
    assert (row.number, row.task) == (4, "实施薄弱县跨越计划")
    assert row.lead == ("省政府办公厅", FGW, "省财政厅")
    assert row.cooperate[:2] == ("省教育厅", "省国资委")
    assert row.content.startswith("实施薄弱县跨越计划。确定２０个左右薄弱县")
    assert "牵头" not in row.content and "配合）" not in row.content


def test_unknown_document_is_a_service_error(plan_kb: KnowledgeBase) -> None:
    with pytest.raises(ServiceError, match="unknown document: 'nope'"):
        plan_kb.task_table("nope")
    with pytest.raises(ServiceError, match="unknown document: 'nope'"):
        plan_kb.ask("园区谁牵头", doc_id="nope")


def test_heavy_resources_load_once(plan_kb: KnowledgeBase) -> None:
    plan_kb.ask("碳金融发展三年行动由谁负责？")
    retriever = plan_kb.retriever()
    plan_kb.ask("数字农业突破行动谁牵头？")
    assert plan_kb.retriever() is retriever


@pytest.mark.parametrize(("question", "message"), [("  ", "empty"), ("县" * 501, "limit is 500")])
def test_unaskable_questions_are_service_errors(plan_kb: KnowledgeBase, question: str, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        plan_kb.ask(question)


def test_open_without_create_refuses_a_missing_index(tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="no policykb index in"):
        KnowledgeBase.open(tmp_path / "missing", create=False)
    assert not (tmp_path / "missing").exists()


# ---- writes on scratch stores ------------------------------------------------------------------


def test_ingest_reports_each_file_and_continues(
    hash_kb: KnowledgeBase, small_doc: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    prose = tmp_path / "prose.txt"
    prose.write_text("这是一段没有编号的文字。", encoding="utf-8")
    outcomes = hash_kb.ingest([empty, small_doc, prose])
    assert [(o.source, o.status, o.error) for o in outcomes] == [
        ("empty.txt", "failed", EmptyFile.reason),
        ("small_plan.txt", "added", None),
        ("prose.txt", "added", None),  # a text without numbers is one clause
    ]
    assert (outcomes[1].clauses, outcomes[1].attributions) == (4, 2)
    assert [o.status for o in hash_kb.ingest([small_doc])] == ["unchanged"]


def test_upload_is_sniffed_saved_and_never_overwrites(hash_kb: KnowledgeBase) -> None:
    first = hash_kb.ingest_upload("../../通知.pdf", SMALL_DOC.encode())
    assert (first.status, first.source) == ("added", "通知.txt")  # the bytes are text, whatever the name
    assert (hash_kb.index_dir / "uploads" / "通知.txt").read_bytes() == SMALL_DOC.encode()
    again = hash_kb.ingest_upload("通知.pdf", SMALL_DOC.encode())
    assert (again.status, again.doc_id) == ("unchanged", first.doc_id)
    other = SMALL_DOC.replace("冷链物流", "航空物流")
    second = hash_kb.ingest_upload("通知.txt", other.encode())
    assert (second.status, second.source, second.doc_id) == ("added", "通知-2.txt", doc_id_for("通知-2.txt"))
    assert "kept as" in second.note
    assert {d.doc_id for d in hash_kb.documents()} == {first.doc_id, second.doc_id}


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", EmptyFile.reason), (b"\x00\x01\x02\x03" * 64, UnsupportedFormat.reason)],
)
def test_bad_uploads_fail_with_a_reason(hash_kb: KnowledgeBase, data: bytes, reason: str) -> None:
    outcome = hash_kb.ingest_upload("文件.pdf", data)
    assert (outcome.status, outcome.doc_id) == ("failed", None)
    assert reason.split(",")[0].split(";")[0] in outcome.error
    assert hash_kb.documents() == []


def test_upload_size_limit(hash_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 1024)
    outcome = hash_kb.ingest_upload("big.txt", b"x" * 1025)
    assert outcome.status == "failed"
    assert outcome.error.startswith(FileTooLarge.reason)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\方案 (终稿).docx", "方案_(终稿).docx"),
        (".hidden.txt", "hidden.txt"),
        ("a;rm -rf *.txt", "a_rm_-rf_.txt"),
        ("", "upload"),
    ],
)
def test_safe_file_name(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_remove_document(hash_kb: KnowledgeBase, small_doc: Path) -> None:
    [outcome] = hash_kb.ingest([small_doc])
    hash_kb.remove_document(outcome.doc_id)
    assert hash_kb.documents() == []
    with pytest.raises(ServiceError, match="unknown document"):
        hash_kb.remove_document(outcome.doc_id)


def test_default_index_dir() -> None:
    from app.paths import default_index_dir

    assert default_index_dir({"POLICYKB_INDEX": "/x/idx", "XDG_DATA_HOME": "/d"}) == Path("/x/idx")
    assert default_index_dir({"XDG_DATA_HOME": "/d"}) == Path("/d/policykb")
    assert default_index_dir({}) == Path.home() / ".local" / "share" / "policykb"


def test_printed_names_resolve_aliases(plan_kb: KnowledgeBase) -> None:
    assert plan_kb.printed_names("省发改委") == {"省发改委", "省发展改革委"}
    assert plan_kb.printed_names("不存在的单位") == {"不存在的单位"}


def test_query_terms_are_the_searched_words(plan_kb: KnowledgeBase) -> None:
    assert plan_kb.query_terms("５G和千兆光网建设由哪些部门牵头？") == ["5g", "千兆", "光网", "建设"]


def test_task_table_of_a_document_reproduces_its_own_table(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    import sys

    from openpyxl import load_workbook

    from app.exports import task_table_xlsx

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
    from task_tables import ROWS, docx_bytes

    path = tmp_path / "task_plan.docx"
    path.write_bytes(docx_bytes())
    [outcome] = hash_kb.ingest([path])
    rows = [r for r in hash_kb.task_table(outcome.doc_id) if r.task in {row[1] for row in ROWS}]
    assert [(r.task, r.content, "、".join(r.lead), "、".join(r.cooperate), r.deadline) for r in rows] == [
        (task, content, lead, cooperate, deadline) for _, task, content, lead, cooperate, deadline in ROWS
    ]
    sheet = load_workbook(io.BytesIO(task_table_xlsx(rows, "任务分工表"))).active
    printed = [tuple(cell.value or "" for cell in row[1:]) for row in sheet.iter_rows(min_row=3)]
    assert printed == [row[1:] for row in ROWS]


TWO_DEPARTMENTS = """关于推进商贸流通的实施方案
一、重点任务
（一）建设商贸物流枢纽。完善枢纽功能。（省商务厅、省财政厅牵头，省交通运输厅配合）
（二）发展冷链物流。培育冷链企业。（省商务厅牵头）
（三）设立流通发展资金。加大资金支持。（省财政厅牵头）
"""


def test_department_questions_intersect_or_join_departments(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "trade.txt"
    path.write_text(TWO_DEPARTMENTS, encoding="utf-8")
    hash_kb.ingest([path])
    both = hash_kb.ask("省商务厅和省财政厅共同牵头的任务有哪些？")
    assert (both.intent, [h.heading for h in both.hits]) == ("dept", ["建设商贸物流枢纽"])
    assert both.text.startswith("省商务厅、省财政厅共同牵头的条款共1条（1份文件）")
    either = hash_kb.ask("省商务厅或省财政厅牵头的工作")
    assert [h.heading for h in either.hits] == ["建设商贸物流枢纽", "发展冷链物流", "设立流通发展资金"]
    assert either.text.startswith("省商务厅或省财政厅牵头的条款共3条（1份文件）")
    cooperating = hash_kb.ask("交通运输厅配合哪些任务？")  # without its 省 prefix
    assert (cooperating.departments, len(cooperating.hits)) == (("省交通运输厅",), 1)
