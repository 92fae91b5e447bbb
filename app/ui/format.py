"""Pure presentation helpers for the UI: highlighted clause HTML, role symbols, citations.

Nothing here touches Streamlit, the store or the search; everything is text in, text out, so it
is tested directly. All HTML built here escapes document text first: clause text comes from
uploaded files and must never become markup.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from app.exports import TASK_COLUMNS, task_cells
from ingest.model import Clause, Department
from ingest.text import fold

if TYPE_CHECKING:  # the helpers only read attributes; tests pass small stand-ins of these types
    from app.answer import Answer, AnswerHit
    from app.services import DepartmentClause, DocumentSummary, Matrix, TargetRow, TaskRow

ROLE_LABELS = {"lead": "牵头", "cooperate": "配合", "responsible": "负责"}
ROLE_SYMBOLS = {"lead": "●", "cooperate": "○", "responsible": "◐"}
LIST_SEPARATOR = "、"
# One-character tokens (的, 由, 和 …) would light up half the clause; only longer words are marked.
MIN_TOKEN_CHARS = 2
MISSING = "—"  # shown where a document does not state a value (many PDFs' text lacks the 文号)

Span = tuple[int, int]

CLAUSE_CSS = """
<style>
.pk-clause { line-height: 1.9; font-size: 1.02rem; white-space: pre-wrap; }
.pk-clause mark { padding: 0 .1em; border-radius: .2em; }
.pk-clause mark.pk-attr { background: #fde68a; font-weight: 600; }
.pk-clause mark.pk-hit { background: #bfdbfe; }
.pk-clause mark.pk-attr.pk-hit { background: #fcd34d; }
</style>
"""


ROW_PX = 35  # st.dataframe's row height; its header row is as tall


def table_height(rows: int, max_rows: int = 20) -> int:
    """Pixels for st.dataframe to show ``rows`` rows without scrolling, up to ``max_rows``."""
    return ROW_PX * (min(rows, max_rows) + 1) + 3


def role_legend() -> str:
    return "　".join(f"{ROLE_SYMBOLS[r]} {ROLE_LABELS[r]}" for r in ROLE_SYMBOLS)


def names(departments: Iterable[Department | str]) -> str:
    """Departments as an office lists them: 省工业和信息化厅、省大数据局; the printed form is kept."""
    return LIST_SEPARATOR.join(d if isinstance(d, str) else d.printed for d in departments)


def attribution_spans(clause: Clause) -> list[Span]:
    """The clause's attribution brackets as offsets into ``clause.text`` (stored spans are document
    offsets), clipped to the clause so a bad span can never index outside the text."""
    spans = []
    for attribution in clause.attributions:
        start = max(attribution.start - clause.start, 0)
        end = min(attribution.end - clause.start, len(clause.text))
        if start < end:
            spans.append((start, end))
    return spans


def token_spans(text: str, tokens: Iterable[str]) -> list[Span]:
    """Where the query tokens occur in ``text``, matched after folding (so 5G finds ５G) and mapped
    back to offsets of the displayed text."""
    folded, origin = _fold_with_origin(text)
    spans: list[Span] = []
    for token in {fold(t).lower() for t in tokens if len(t.strip()) >= MIN_TOKEN_CHARS}:
        at = folded.find(token)
        while at >= 0:
            spans.append((origin[at], origin[at + len(token) - 1] + 1))
            at = folded.find(token, at + len(token))
    return sorted(spans)


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """``fold(text).lower()`` char by char, with the index in ``text`` each folded char came from
    (NFKC can turn one character into several, so offsets do not carry over one to one)."""
    parts: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = fold(ch).lower()
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def highlight_html(text: str, attributions: Sequence[Span] = (), hits: Sequence[Span] = ()) -> str:
    """``text`` as escaped HTML with attribution brackets and query words wrapped in ``<mark>``.

    Overlapping spans are fine: each character gets the classes of every span over it, and runs of
    characters with the same classes become one element.
    """
    classes: list[tuple[str, ...]] = [()] * len(text)
    for kind, spans in (("pk-attr", attributions), ("pk-hit", hits)):
        for start, end in spans:
            for index in range(max(start, 0), min(end, len(text))):
                classes[index] = (*classes[index], kind)
    out: list[str] = []
    run_start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or classes[index] != classes[run_start]:
            out.append(_marked(text[run_start:index], classes[run_start]))
            run_start = index
    return f'<div class="pk-clause">{"".join(out)}</div>'


def _marked(chunk: str, kinds: tuple[str, ...]) -> str:
    escaped = html.escape(chunk)
    if not kinds:
        return escaped
    return f'<mark class="{" ".join(dict.fromkeys(kinds))}">{escaped}</mark>'


CITATION_MARK = "依据："


def headline(answer: Answer) -> str:
    """The answer card's title: the answer sentence without its trailing 依据：citation, which the
    card shows in full below; for a department question, the count of its clauses."""
    if answer.intent == "dept":
        return f"{names(answer.departments)}相关条款共 {len(answer.hits)} 条"
    return answer.text.split(CITATION_MARK, 1)[0].strip() or answer.text


def clause_label(path: str, heading: str) -> str:
    """二、（六） 建设新型基础设施: the clause as people refer to it."""
    return f"{path} {heading}".strip()


def source_label(title: str, doc_number: str) -> str:
    """《title》（文号）, the number left out when the document has none."""
    number = f"（{doc_number}）" if doc_number else ""
    return f"《{title}》{number}"


def citation(title: str, doc_number: str, path: str, heading: str, text: str) -> str:
    """The text an officer pastes into a draft: source and clause on one line, the clause below."""
    return f"{source_label(title, doc_number)}{clause_label(path, heading)}\n{text.strip()}"


def roles_markdown(hit: AnswerHit) -> str:
    """**牵头** 省发展改革委　**配合** 省有关部门 for a hit with lead/cooperate/responsible lists."""
    parts = [f"**{ROLE_LABELS[r]}** {names(getattr(hit, r))}" for r in ROLE_LABELS if getattr(hit, r)]
    generic = getattr(hit, "generic", ())
    if generic:
        parts.append(f"**泛指** {names(generic)}")
    return "　".join(parts) or "未写明牵头或配合单位"


def filter_hits(
    hits: Iterable[AnswerHit],
    *,
    departments: Collection[str] | None = None,
    role: str | None = None,
    year: str | None = None,
    doc_years: Mapping[str, str] | None = None,
) -> list[AnswerHit]:
    """Hits that name one of ``departments`` (printed forms; a part of a name also matches) in any
    role, or in ``role``, and whose document is from ``year``. Empty criteria keep everything."""
    roles = [role] if role else list(ROLE_LABELS)
    kept = []
    for hit in hits:
        listed = [name for r in roles for name in getattr(hit, r)]
        if role and not listed:
            continue
        if departments and not any(d in name for d in departments for name in listed):
            continue
        if year and (doc_years or {}).get(hit.doc_id) != year:
            continue
        kept.append(hit)
    return kept


# ---- tables: service values -> rows with Chinese column names ---------------------------------


def role_names(roles: Iterable[str]) -> str:
    """● 牵头、○ 配合: roles with their matrix symbols, in the fixed order lead, cooperate, responsible."""
    wanted = set(roles)
    return LIST_SEPARATOR.join(f"{ROLE_SYMBOLS[r]} {ROLE_LABELS[r]}" for r in ROLE_LABELS if r in wanted)


def department_rows(clauses: Iterable[DepartmentClause]) -> list[dict[str, str]]:
    """One row per ``services.DepartmentClause``: where the department appears and in which role."""
    return [
        {
            "条款": c.path,
            "标题": c.heading,
            "角色": role_names(c.roles),
            "文中写法": names(c.printed),
            "条款原文": c.text,
        }
        for c in clauses
    ]


def matrix_rows(matrix: Matrix) -> list[dict[str, object]]:
    """``services.Matrix`` as rows: one per department with its load, then one column per clause
    (labelled by its path) holding ● / ○ / ◐."""
    rows = []
    for department in matrix.departments:
        roles = [matrix.cells.get((department, c.clause_id), "") for c in matrix.clauses]
        row: dict[str, object] = {"部门": department}
        for role in ROLE_LABELS:
            row[ROLE_LABELS[role]] = roles.count(role)
        row["合计"] = sum(1 for r in roles if r)
        row.update({c.path: ROLE_SYMBOLS.get(r, "") for c, r in zip(matrix.clauses, roles, strict=True)})
        rows.append(row)
    return rows


def heatmap_cells(matrix: Matrix) -> list[dict[str, str]]:
    """The filled matrix cells in long form, for a chart: department, clause, role label."""
    order = {c.clause_id: i for i, c in enumerate(matrix.clauses)}
    by_id = {c.clause_id: c for c in matrix.clauses}
    cells = sorted(matrix.cells.items(), key=lambda item: order.get(item[0][1], len(order)))
    return [
        {
            "部门": department,
            "条款": by_id[clause_id].path,
            "标题": by_id[clause_id].heading,
            "角色": ROLE_LABELS[role],
        }
        for (department, clause_id), role in cells
        if clause_id in by_id
    ]


def busiest(rows: Sequence[Mapping[str, object]], top: int = 3) -> str:
    """省发展改革委（牵头12项）、…: the departments with the most clauses, from ``matrix_rows``."""
    ranked = sorted(rows, key=lambda r: (-int(r["合计"]), -int(r["牵头"]), str(r["部门"])))[:top]
    return LIST_SEPARATOR.join(f"{r['部门']}（{r['合计']}项，牵头{r['牵头']}项）" for r in ranked)


def target_rows(targets: Iterable[TargetRow], leads: Mapping[int, str]) -> list[dict[str, object]]:
    """``services.TargetRow`` values as the 目标 table; ``leads`` maps clause_id -> lead names."""
    return [
        {
            "指标": t.metric,
            "目标": t.quantity,
            "目标值": t.value,
            "单位": t.unit,
            "限定": t.qualifier,
            "时限": t.timeframe,
            "年份": str(t.year) if t.year else "",
            "条款": clause_label(t.path, t.heading),
            "牵头单位": leads.get(t.clause_id, ""),
            "文件": t.doc_title,
        }
        for t in targets
    ]


def document_rows(
    documents: Iterable[DocumentSummary], scan_notes: Mapping[str, str] | None = None
) -> list[dict[str, object]]:
    """``services.DocumentSummary`` values as the 文件库 table; ``scan_notes`` (doc_id -> what OCR
    read, see ``app.ui.scans.ocr_note``) adds a column when any document was scanned."""
    notes = scan_notes or {}
    documents = list(documents)
    rows = [
        {
            "标题": d.title or d.source,
            "发文机关": d.issuer,
            "文号": d.doc_number or MISSING,
            "成文日期": d.date or MISSING,
            "条款数": d.clauses,
            "分工条目数": d.attributions,
            "格式": d.format.upper(),
            "文件名": d.source,
        }
        for d in documents
    ]
    if any(notes.values()):
        for row, d in zip(rows, documents, strict=True):
            row["扫描件"] = notes.get(d.doc_id) or MISSING
    return rows


def task_table_rows(tasks: Iterable[TaskRow]) -> list[dict[str, str]]:
    """``services.TaskRow`` values keyed by the printed 任务分工表 columns, as the exports write them."""
    return [dict(zip(TASK_COLUMNS, task_cells(task), strict=True)) for task in tasks]
