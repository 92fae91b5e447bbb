"""责任矩阵: for one document, departments × clauses (● 牵头 ○ 配合 ◐ 负责), and the 任务分工表."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.exports import table_csv, task_table_docx, task_table_xlsx
from app.ui import charts
from app.ui import format as fmt
from app.ui.common import csv_download, documents_or_stop, knowledge_base, pick_document

kb = knowledge_base()
documents = documents_or_stop(kb)
st.title("责任矩阵")
document = pick_document(documents, key="matrix_doc")
title = document.title or document.doc_id
st.caption(f"{fmt.role_legend()}　点列名排序；“合计”为各部门涉及的条款数；鼠标停在条款列名上可看标题。")

matrix = kb.matrix(document.doc_id)
rows = fmt.matrix_rows(matrix)
if rows:
    st.markdown(f"**任务最多的部门：** {fmt.busiest(rows)}")
    headings = {c.path: c.heading for c in matrix.clauses}
    frame = pd.DataFrame(rows)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=fmt.table_height(len(rows)),
        column_config={
            path: st.column_config.TextColumn(path, help=heading, width="small")
            for path, heading in headings.items()
        },
    )
    csv_download(frame, f"{title}-责任矩阵.csv", key="matrix_csv")
else:
    st.info("这份文件没有写明牵头或配合单位的条款。")

unattributed = [s.clause for s in kb.store.clauses(document.doc_id) if not s.clause.attributions]
with st.expander(f"未写明责任单位的条款（{len(unattributed)} 条）"):
    st.dataframe(
        pd.DataFrame([{"条款": c.path, "标题": c.heading, "原文": c.text} for c in unattributed]),
        hide_index=True,
        width="stretch",
    )

if rows:
    st.subheader("热力图")
    chart = charts.heatmap(
        fmt.heatmap_cells(matrix), matrix.departments, [c.path for c in matrix.clauses], f"{title} 责任矩阵"
    )
    st.altair_chart(chart, width="content")

    suffix, mime = charts.picture_format()
    # Deferred: the picture is rendered only when someone clicks, not on every rerun of the page.
    st.download_button(
        f"下载热力图（{suffix.upper()}）",
        lambda: charts.picture(chart),
        file_name=f"{title}-责任矩阵.{suffix}",
        mime=mime,
        on_click="ignore",
        key="matrix_png",
        icon=":material/image:",
    )

st.subheader("任务分工表")
tasks = kb.task_table(document.doc_id)
table_title = f"{title}重点任务分工表"
st.caption(f"共 {len(tasks)} 项。导出的表格按公文习惯排版：A4 横向，表头每页重复。")
columns = st.columns(3)
columns[0].download_button(
    "下载 Excel（XLSX）",
    task_table_xlsx(tasks, table_title),
    key="tasks_xlsx",
    file_name=f"{table_title}.xlsx",
    on_click="ignore",
    icon=":material/table:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
columns[1].download_button(
    "下载 Word（DOCX）",
    task_table_docx(tasks, table_title),
    key="tasks_docx",
    file_name=f"{table_title}.docx",
    on_click="ignore",
    icon=":material/description:",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
task_frame = pd.DataFrame(fmt.task_table_rows(tasks))
columns[2].download_button(
    "下载 CSV",
    table_csv(task_frame),
    file_name=f"{table_title}.csv",
    mime="text/csv",
    on_click="ignore",
    key="tasks_csv",
    icon=":material/download:",
)
st.dataframe(task_frame, hide_index=True, width="stretch")
