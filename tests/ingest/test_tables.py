"""Task tables (任务分工表) in DOCX, in ruled PDF tables, in HTML, flattened a cell a line and laid out
with spaces: every row a clause of its appendix with its lead, cooperating units and deadline."""

from __future__ import annotations

import pytest
from task_tables import (
    APPENDIX_LABEL,
    APPENDIX_TITLE,
    ROWS,
    docx_bytes,
    flattened_text,
    pdf_bytes,
    spaced_text,
)

from ingest.pipeline import parse_bytes
from ingest.tables import column_kind

EXPECTED_ROWS = [
    (f"{APPENDIX_LABEL} 第{number}项", task, lead.split("、"), cooperate.split("、"), deadline)
    for number, task, _, lead, cooperate, deadline in ROWS
]
GENERIC = {"各区县政府"}


def _rows(data: bytes, name: str) -> list[tuple[str, str, list[str], list[str], str]]:
    doc = parse_bytes(data, name)
    out = []
    for clause in doc.clauses:
        if not clause.cells:
            continue
        (attribution,) = clause.attributions
        assert attribution.carrier == "table"
        lead = [d.printed for d in attribution.lead]
        cooperate = [d.printed for d in attribution.cooperate] + list(attribution.generic)
        out.append((clause.path, clause.heading, lead, cooperate, attribution.deadline))
    return out


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (docx_bytes, "plan.docx"),
        (pdf_bytes, "plan.pdf"),
        (lambda: flattened_text().encode(), "plan.txt"),
        (lambda: spaced_text().encode(), "plan.txt"),
    ],
)
def test_every_row_is_a_clause_with_its_units_and_deadline(make, name: str) -> None:
    assert _rows(make(), name) == EXPECTED_ROWS


@pytest.mark.parametrize(("make", "name"), [(docx_bytes, "plan.docx"), (pdf_bytes, "plan.pdf")])
def test_the_appendix_is_a_clause_and_the_body_keeps_its_attributions(make, name: str) -> None:
    doc = parse_bytes(make(), name)
    by_path = {c.path: c for c in doc.clauses}
    assert by_path[APPENDIX_LABEL].heading == APPENDIX_TITLE
    assert by_path[f"{APPENDIX_LABEL} 第3项"].cell("content") == ROWS[2][2]
    (bracket,) = by_path["二、（一）"].attributions
    assert ([d.printed for d in bracket.lead], [d.printed for d in bracket.cooperate]) == (
        ["市工业和信息化局"],
        ["市通信发展办"],
    )
    (sentence,) = by_path["三、"].attributions
    assert (sentence.carrier, [d.printed for d in sentence.lead]) == ("sentence", ["市发展改革委"])
    customs = by_path[f"{APPENDIX_LABEL} 第5项"].attributions[0].lead[0]
    assert (customs.printed, customs.canonical, customs.known) == ("济南海关", "济南海关", False)


def test_html_table_rows_stay_rows() -> None:
    html = (
        "<html><body><p>一、任务</p><p>附件</p><p>推广清单</p><table>"
        "<tr><td>序号</td><td>改革举措</td><td><p>主 要</p><p>内 容</p></td>"
        "<td>指导部门</td><td>推广范围</td></tr>"
        "<tr><td>1</td><td>专利保险机制</td><td><p>开发保险产品。</p><p>降低损失。</p></td>"
        "<td>国家知识产权局、中国银保监会</td><td>全国</td></tr></table></body></html>"
    )
    row = next(c for c in parse_bytes(html.encode(), "list.html").clauses if c.cells)
    assert (row.path, row.heading, row.cell("content")) == (
        "附件 第1项",
        "专利保险机制",
        "开发保险产品。降低损失。",
    )
    assert [d.printed for d in row.attributions[0].responsible] == ["国家知识产权局", "中国银保监会"]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("序号", "number"),
        ("重点任务", "task"),
        ("主 要 内 容", "content"),
        ("牵头单位", "lead"),
        ("牵头考核单位", "lead"),  # a role label of the grammar, not listed as a header
        ("责任处室", "responsible"),
        ("配合单位", "cooperate"),
        ("完成时限", "deadline"),
        ("推广范围", "other"),
    ],
)
def test_columns_from_the_header(header: str, kind: str) -> None:
    assert column_kind(header) == kind


def test_a_table_without_unit_columns_is_no_task_table() -> None:
    text = "一、指标\n附件\n指标表\n序号\t指标名称\t指标值\n1\t覆盖率\t95%\n"
    assert not any(c.cells for c in parse_bytes(text.encode(), "plain.txt").clauses)
