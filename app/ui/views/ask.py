"""问答: one question box; the answer card cites the clause; the question lives in the URL (?q=)."""

from __future__ import annotations

import streamlit as st

from app.answer import AnswerHit
from app.services import ServiceError
from app.ui import format as fmt
from app.ui import scans as scan_view
from app.ui.common import documents_or_stop, knowledge_base

EXAMPLE = "５G和千兆光网建设由哪些部门牵头？"
ALL = "全部"

kb = knowledge_base()
documents = documents_or_stop(kb)
titles = {d.doc_id: d.title or d.doc_id for d in documents}

st.title("问答")
st.caption(f"用一句话提问，例如“{EXAMPLE}”答案引用原文条款，可一键复制到文稿。")

with st.sidebar:
    st.subheader("筛选")
    doc_id = st.selectbox("文件", [ALL, *titles], format_func=lambda d: titles.get(d, d), key="ask_doc")
    department = st.text_input("部门", key="ask_dept", placeholder="如 省发展改革委")
    role = st.selectbox(
        "角色", [ALL, *fmt.ROLE_LABELS], format_func=lambda r: fmt.ROLE_LABELS.get(r, r), key="ask_role"
    )
    years = sorted({d.date[:4] for d in documents if d.date}, reverse=True)
    year = st.selectbox("发文年份", [ALL, *years], key="ask_year")
    st.caption("部门、角色、年份筛选候选条款；“文件”限定检索范围。")

with st.form("ask_form", border=False):
    question = st.text_input(
        "问题",
        value=st.query_params.get("q", ""),
        placeholder=EXAMPLE,
        label_visibility="collapsed",
        key="ask_question",
    )
    st.form_submit_button("提问", type="primary", icon=":material/search:")

question = question.strip()
if not question:
    st.stop()
st.query_params["q"] = question  # the answer can be shared as a link and opens answered

try:
    answer = kb.ask(question, top_k=8, doc_id=None if doc_id == ALL else doc_id)
except ServiceError as exc:  # an empty or overlong question, an index that cannot be read
    st.error(f"无法回答：{exc}")
    st.stop()
cited = answer.hits[0] if answer.found and answer.hits else None
doc_years = {d.doc_id: d.date[:4] for d in documents}
department = department.strip()
others = fmt.filter_hits(
    [h for h in answer.hits if h is not cited],
    departments=kb.printed_names(department) if department else None,
    role=None if role == ALL else role,
    year=None if year == ALL else year,
    doc_years=doc_years,
)
terms = kb.query_terms(question)
clauses = {s.clause_id: s.clause for s in kb.store.clauses_by_id(h.clause_id for h in answer.hits)}


def clause_html(hit: AnswerHit) -> str:
    clause = clauses.get(hit.clause_id)
    spans = fmt.attribution_spans(clause) if clause is not None else []
    return fmt.highlight_html(hit.text, spans, fmt.token_spans(hit.text, terms))


def show_citation(hit: AnswerHit) -> None:
    # st.code has a copy button in its corner: one click puts the citation on the clipboard.
    st.code(
        fmt.citation(hit.doc_title, hit.doc_number, hit.path, hit.heading, hit.text),
        language=None,
        wrap_lines=True,
    )


def show_scan(hit: AnswerHit, *, folded: bool) -> None:
    """Where a clause read by OCR is printed on the scan, so the reader can check the text against it."""
    clause = clauses.get(hit.clause_id)
    if clause is None or not clause.boxes:
        return
    scans = {s.number: s for s in kb.store.scanned_pages(hit.doc_id)}
    label = "本条款来自扫描件（OCR识别）：查看原件位置"
    with st.expander(label, icon=":material/document_scanner:") if folded else st.container():
        for page, boxes in scan_view.boxes_by_page(clause.boxes).items():
            image = kb.store.page_image(hit.doc_id, page)
            scan = scans.get(page)
            if scan is not None and scan.flagged:
                st.warning(
                    f"第{page}页的OCR结果可能有误（识别置信度{scan.confidence:.2f}，"
                    f"扫描件噪点占比{scan.noise:.2%}）：请对照原件核对本条款。"
                )
            if image is not None:
                st.image(scan_view.mark_boxes(image, boxes), caption=f"扫描件第{page}页，红框为本条款")


def answer_card(hit: AnswerHit) -> None:
    with st.container(border=True):
        st.markdown(f"#### {fmt.headline(answer)}")
        if answer.intent == "dept" and answer.departments:
            st.page_link(
                "views/department.py",
                label="在“部门”页按文件查看全部条款",
                icon=":material/apartment:",
                query_params={"dept": answer.departments[0]},
            )
        for column, role_name in zip(st.columns(3), fmt.ROLE_LABELS, strict=True):
            column.markdown(f"**{fmt.ROLE_SYMBOLS[role_name]} {fmt.ROLE_LABELS[role_name]}单位**")
            column.markdown("  \n".join(getattr(answer, role_name) or getattr(hit, role_name)) or "—")
        page = f"　第{hit.page}页" if hit.page else ""
        st.markdown(
            f"**{fmt.clause_label(hit.path, hit.heading)}**　"
            f"{fmt.source_label(hit.doc_title, hit.doc_number)}{page}"
        )
        st.markdown(clause_html(hit), unsafe_allow_html=True)
        show_scan(hit, folded=True)
        st.caption("引用（点右上角按钮复制）")
        show_citation(hit)


st.markdown(fmt.CLAUSE_CSS, unsafe_allow_html=True)
if cited is not None:
    answer_card(cited)
    heading = "涉及的条款" if answer.intent == "dept" else "其他候选条款"
else:
    st.warning("现有文件没有涉及这个问题。" + ("以下条款可能相关，仅供参考，不是答案。" if others else ""))
    heading = "可能相关的条款"

if others:
    st.subheader(heading)
for hit in others:
    with st.expander(f"{fmt.clause_label(hit.path, hit.heading)}　《{hit.doc_title}》"):
        st.markdown(fmt.roles_markdown(hit))
        st.markdown(clause_html(hit), unsafe_allow_html=True)
        show_scan(hit, folded=False)  # already inside an expander, which Streamlit cannot nest
        show_citation(hit)
