"""The UI: pure presentation helpers, then every page through Streamlit's AppTest on the real plan."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
import ui_fixtures
from openpyxl import load_workbook
from ui_fixtures import OpenPage, app_opener

from app.exports import task_table_xlsx
from app.ui import charts
from app.ui import format as fmt
from ingest.model import Attribution, Clause, Department
from ingest.text import fold

# pytest finds fixtures by name in the test module: the UI's live in ui_fixtures.py, because
# conftest.py belongs to the services tests.
open_page = ui_fixtures.open_page
scratch_kb = ui_fixtures.scratch_kb

QUESTION = "５G和千兆光网建设由哪些部门牵头？"
A6_LEADS = ("省工业和信息化厅", "省大数据局", "省能源局")

# ---- pure helpers -------------------------------------------------------------------------------


def _clause(text: str, start: int, attribution: tuple[int, int]) -> Clause:
    a = Attribution(
        raw="",
        start=attribution[0],
        end=attribution[1],
        scope_start=start,
        scope_end=start + len(text),
        lead=(Department("省发改委", "省发展改革委"),),
    )
    return Clause(
        index=0,
        path="二、（一）",
        number="（一）",
        level=2,
        heading="实施经济强县领跑计划",
        text=text,
        start=start,
        end=start + len(text),
        parent=None,
        attributions=(a,),
    )


def test_attribution_spans_are_clause_relative_and_clipped() -> None:
    text = "（一）领跑计划。（省发改委牵头）"
    clause = _clause(text, 100, (108, 116))
    assert [text[s:e] for s, e in fmt.attribution_spans(clause)] == ["（省发改委牵头）"]
    assert fmt.attribution_spans(_clause(text, 100, (110, 999))) == [(10, len(text))]
    assert fmt.attribution_spans(_clause(text, 100, (10, 20))) == []


def test_token_spans_fold_width_and_case_and_skip_single_characters() -> None:
    text = "加快５G、千兆光网建设"
    spans = fmt.token_spans(text, ["5g", "千兆光网", "的"])
    assert [text[s:e] for s, e in spans] == ["５G", "千兆光网"]


def test_highlight_escapes_text_and_nests_overlaps() -> None:
    text = "<b>省厅</b>牵头"
    html = fmt.highlight_html(text, attributions=[(0, 11)], hits=[(9, 11)])
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<mark class="pk-attr">&lt;b&gt;省厅&lt;/b&gt;</mark>' in html
    assert '<mark class="pk-attr pk-hit">牵头</mark>' in html


def test_citation_and_labels() -> None:
    cited = fmt.citation("行动方案", "鲁政发〔2023〕16号", "二、（一）", "领跑计划", " 正文 ")
    assert cited == "《行动方案》（鲁政发〔2023〕16号）二、（一） 领跑计划\n正文"
    assert fmt.source_label("方案", "") == "《方案》"
    assert fmt.role_names(["responsible", "lead"]) == "● 牵头、◐ 负责"


@dataclass(frozen=True)
class _Hit:
    doc_id: str
    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Answer:
    intent: str
    text: str
    departments: tuple[str, ...] = ()
    hits: tuple[object, ...] = ()


def test_headline_drops_the_citation_shown_below() -> None:
    role = _Answer("lead", "牵头单位：省大数据局。依据：《方案》三、（一）６．建设新型基础设施")
    assert fmt.headline(role) == "牵头单位：省大数据局。"
    assert fmt.headline(_Answer("search", "最相关的条款：《方案》一、")) == "最相关的条款：《方案》一、"
    dept = _Answer("dept", "省发展改革委牵头的条款共2条：……", ("省发展改革委",), (1, 2))
    assert fmt.headline(dept) == "省发展改革委相关条款共 2 条"


def test_filter_hits_by_department_role_and_year() -> None:
    hits = [_Hit("a", lead=("省商务厅",)), _Hit("b", cooperate=("省商务厅", "省科技厅")), _Hit("a")]
    years = {"a": "2023", "b": "2021"}
    assert fmt.filter_hits(hits) == hits
    assert fmt.filter_hits(hits, departments={"商务"}, role="cooperate") == [hits[1]]
    assert fmt.filter_hits(hits, year="2023", doc_years=years) == [hits[0], hits[2]]


@dataclass(frozen=True)
class _MatrixClause:
    clause_id: int
    path: str
    heading: str


@dataclass(frozen=True)
class _Matrix:
    departments: tuple[str, ...]
    clauses: tuple[_MatrixClause, ...]
    cells: dict[tuple[str, int], str]


MATRIX = _Matrix(
    ("省发展改革委", "省财政厅"),
    (_MatrixClause(1, "二、（一）", "领跑"), _MatrixClause(2, "二、（二）", "示范")),
    {("省发展改革委", 1): "lead", ("省发展改革委", 2): "cooperate", ("省财政厅", 2): "lead"},
)


def test_matrix_rows_count_load_and_place_symbols() -> None:
    rows = fmt.matrix_rows(MATRIX)
    assert rows[0] == {
        "部门": "省发展改革委",
        "牵头": 1,
        "配合": 1,
        "负责": 0,
        "合计": 2,
        "二、（一）": "●",
        "二、（二）": "○",
    }
    assert rows[1]["二、（一）"] == "" and rows[1]["二、（二）"] == "●"
    assert fmt.busiest(rows, top=1) == "省发展改革委（2项，牵头1项）"


def test_heatmap_renders_a_picture() -> None:
    paths = [c.path for c in MATRIX.clauses]
    chart = charts.heatmap(fmt.heatmap_cells(MATRIX), MATRIX.departments, paths, "矩阵")
    suffix, _ = charts.picture_format()
    data = charts.picture(chart)
    assert data.startswith(b"\x89PNG") if suffix == "png" else b"<html" in data[:200].lower()


# ---- pages (AppTest, real services on the plan) --------------------------------------------------


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _no_exceptions(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.slow
def test_ask_page_answers_from_the_url(open_page: OpenPage) -> None:
    at = open_page(q=QUESTION)
    _no_exceptions(at)
    text = _markdown(at)
    for name in A6_LEADS:
        assert name in text
    assert '<mark class="pk-attr' in text and "pk-hit" in text  # attribution and matched words marked
    citation = at.code[0].value
    assert citation.startswith("《山东省县域经济高质量发展三年行动方案")
    assert "省工业和信息化厅、省大数据局、省能源局牵头" in citation
    assert at.query_params["q"] == QUESTION


@pytest.mark.slow
def test_ask_page_says_when_documents_do_not_cover_the_question(open_page: OpenPage) -> None:
    at = open_page(q="月球基地的建设由哪个部门牵头？")
    _no_exceptions(at)
    assert "现有文件没有涉及这个问题" in at.warning[0].value
    assert not at.code or "可能相关的条款" in [s.value for s in at.subheader]


@pytest.mark.slow
def test_ask_page_lists_a_departments_clauses_and_links_to_its_page(open_page: OpenPage) -> None:
    at = open_page(q="省发改委牵头哪些工作？")
    _no_exceptions(at)
    assert any(m.value.startswith("#### 省发展改革委相关条款共") for m in at.markdown)
    assert "实施经济强县领跑计划" in _markdown(at)  # the first clause, in the card
    assert "涉及的条款" in [s.value for s in at.subheader]
    assert any("实施百县图强计划" in e.label for e in at.expander)


@pytest.mark.slow
def test_department_page_resolves_aliases(open_page: OpenPage) -> None:
    at = open_page("department", dept="省发改委")
    _no_exceptions(at)
    assert at.subheader[0].value == "省发展改革委"
    frames = [df.value for df in at.dataframe]
    headings = set().union(*(set(f["标题"]) for f in frames))
    assert "实施经济强县领跑计划" in headings
    lead_rows = [r for f in frames for _, r in f.iterrows() if "牵头" in r["角色"]]
    assert any(r["标题"] == "实施经济强县领跑计划" for r in lead_rows)


@pytest.mark.slow
def test_matrix_page_marks_leads_and_exports_the_task_table(open_page: OpenPage) -> None:
    at = open_page("matrix")
    _no_exceptions(at)
    matrix = at.dataframe[0].value
    row = matrix[matrix["部门"] == "省发展改革委"].iloc[0]
    first = next(c for c in matrix.columns if c.startswith("二、（一）"))
    assert row[first] == "●"
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("XLSX" in label for label in labels) and any("DOCX" in label for label in labels)


@pytest.mark.slow
def test_the_plans_task_table_exports_with_its_departments(plan_kb) -> None:
    doc_id = plan_kb.documents()[0].doc_id
    sheet = load_workbook(io.BytesIO(task_table_xlsx(plan_kb.task_table(doc_id), "任务分工表"))).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["实施经济强县领跑计划"][3] == "省发展改革委"
    assert any(row[3] == "省工业和信息化厅、省大数据局、省能源局" for row in rows.values())


@pytest.mark.slow
def test_targets_page_lists_the_service_cluster_target(open_page: OpenPage) -> None:
    at = open_page("targets")
    _no_exceptions(at)
    frame = at.dataframe[0].value
    hit = frame[frame["指标"].str.contains("省级现代服务业集聚区")]
    assert not hit.empty
    assert fold(str(hit.iloc[0]["目标值"])) == "120"
    assert hit.iloc[0]["单位"] == "家" and hit.iloc[0]["年份"] == "2025"


@pytest.mark.slow
def test_library_lists_the_plan_with_its_number_and_date(open_page: OpenPage, plan_kb) -> None:
    at = open_page("library")
    _no_exceptions(at)
    plan = at.dataframe[0].value.iloc[0]
    assert plan["标题"].startswith("山东省县域经济高质量发展三年行动方案")
    assert plan["发文机关"] == "山东省人民政府"
    assert plan["成文日期"] == "2023-11-11"
    # The PDF's text layer carries no 文号; the column shows the stored one, or a dash.
    assert plan["文号"] == (plan_kb.documents()[0].doc_number or fmt.MISSING)


@pytest.mark.slow
def test_a_failed_upload_shows_its_reason_and_changes_nothing(scratch_kb, monkeypatch) -> None:
    open_page = app_opener(scratch_kb, monkeypatch)
    at = open_page("library")
    before = [d.doc_id for d in scratch_kb.documents()]
    at.file_uploader[0].set_value([("broken.pdf", b"%PDF-1.4 not really a pdf", "application/pdf")])
    at.button[0].click().run()
    _no_exceptions(at)
    assert any("broken.pdf：未导入" in e.value for e in at.error)
    assert [d.doc_id for d in scratch_kb.documents()] == before


@pytest.mark.slow
def test_library_removes_a_document_only_after_confirmation(scratch_kb, monkeypatch) -> None:
    open_page = app_opener(scratch_kb, monkeypatch)
    at = open_page("library")
    doc_id = scratch_kb.documents()[0].doc_id
    at.selectbox(key="remove_doc").set_value(doc_id).run()
    at.button(key="remove_ask").click().run()
    assert "确定从知识库删除" in at.warning[0].value
    assert scratch_kb.documents()
    at.button(key="remove_yes").click().run()
    _no_exceptions(at)
    assert scratch_kb.documents() == []
