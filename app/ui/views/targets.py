"""目标: every quantitative target (metric, value, unit, time frame, clause, lead units), by year."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui import charts
from app.ui import format as fmt
from app.ui.common import csv_download, documents_or_stop, knowledge_base

ALL = "全部"

kb = knowledge_base()
documents = documents_or_stop(kb)
titles = {d.doc_id: d.title or d.doc_id for d in documents}

st.title("目标")
st.caption("文件中写明数值的目标任务。可按文件和截止年份筛选；下方时间轴按截止年份排列。")

left, right = st.columns([3, 1])
doc_id = left.selectbox("文件", [ALL, *titles], format_func=lambda d: titles.get(d, d), key="targets_doc")
all_targets = kb.targets(None if doc_id == ALL else doc_id)
years = sorted({t.year for t in all_targets if t.year})  # ints: the service filters by int
year = right.selectbox("截止年份", [ALL, *years], key="targets_year")
targets = [t for t in all_targets if year == ALL or t.year == year]

lead_of = {
    s.clause_id: fmt.names(s.clause.departments("lead") or s.clause.departments("responsible"))
    for s in kb.store.clauses_by_id({t.clause_id for t in targets})
}
rows = fmt.target_rows(targets, lead_of)
st.markdown(f"**共 {len(rows)} 项目标**")
if not rows:
    st.info("没有符合条件的量化目标。")
    st.stop()
frame = pd.DataFrame(rows)
st.dataframe(frame, hide_index=True, width="stretch", height=fmt.table_height(len(rows)))
csv_download(frame, "量化目标.csv", key="targets_csv")

st.subheader("时间轴")
st.altair_chart(charts.timeline(rows), width="stretch")
