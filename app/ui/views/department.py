"""部门: every clause where one department leads, cooperates or is responsible, grouped by document."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui import format as fmt
from app.ui.common import csv_download, documents_or_stop, knowledge_base

kb = knowledge_base()
documents_or_stop(kb)

st.title("部门")
st.caption("选择或输入部门名称，简称也可以（如“省发改委”）。列出该部门在各文件中牵头、配合或负责的全部条款。")

known = sorted(kb.store.department_names())
wanted = st.query_params.get("dept", "")
options = known if wanted in known or not wanted else [wanted, *known]
name = st.selectbox(
    "部门",
    options,
    index=options.index(wanted) if wanted else None,
    key="dept_name",
    placeholder="选择或输入部门名称",
    accept_new_options=True,
)
if not name:
    st.stop()
st.query_params["dept"] = name

view = kb.department_view(name)
if view.canonical is None:
    st.warning(f"文件中没有找到“{name}”。请从列表中选择，或换一种写法。")
    st.stop()

st.subheader(view.canonical)
other_names = [n for n in view.names if n != view.canonical]
if other_names:
    st.caption("文件中的写法：" + fmt.names(other_names))
metrics = st.columns(4)
for column, role in zip(metrics[:3], fmt.ROLE_LABELS, strict=True):
    column.metric(f"{fmt.ROLE_SYMBOLS[role]} {fmt.ROLE_LABELS[role]}", f"{view.counts.get(role, 0)} 条")
metrics[3].metric("涉及文件", f"{len(view.groups)} 份")

if not view.groups:
    st.info(f"{view.canonical}在已入库的文件中没有牵头、配合或负责的条款。")
all_rows = []
for group in view.groups:
    rows = fmt.department_rows(group.clauses)
    all_rows += [{"文件": group.doc_title, **row} for row in rows]
    st.markdown(f"#### 《{group.doc_title}》　{len(rows)} 条")
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        height=fmt.table_height(len(rows)),
        column_config={"条款原文": st.column_config.TextColumn(width="large")},
    )
if all_rows:
    csv_download(pd.DataFrame(all_rows), f"{view.canonical}-条款.csv", key="dept_csv")
