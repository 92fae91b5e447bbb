"""文件库: the ingested documents; upload several files at once; remove a document after confirming."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services import MAX_UPLOAD_BYTES, ServiceError
from app.ui import format as fmt
from app.ui import scans as scan_view
from app.ui.common import csv_download, knowledge_base, may, user_name
from ingest.read_options import DEFAULT_OCR_SETTINGS

STATUS_TEXT = {"added": "已导入", "replaced": "已更新", "unchanged": "内容未变，无需重复导入"}

kb = knowledge_base()
st.title("文件库")

documents = kb.documents()
if documents:
    st.caption(f"共 {len(documents)} 份文件，{sum(d.clauses for d in documents)} 个条款。")
    floor = DEFAULT_OCR_SETTINGS.confidence_floor
    notes = {d.doc_id: scan_view.ocr_note(kb.store.scanned_pages(d.doc_id), floor) for d in documents}
    frame = pd.DataFrame(fmt.document_rows(documents, notes))
    st.dataframe(frame, hide_index=True, width="stretch")
    csv_download(frame, "文件库.csv", key="library_csv")
else:
    st.info("还没有文件。请在下方上传政策文件（PDF、OFD、Word、WPS、网页或文本）。")

can_upload, can_remove = may("upload"), may("remove")
if not can_upload:
    st.info("您的账号是只读账号：可以查看和下载，不能上传或删除文件。")
    st.stop()

st.subheader("上传文件")
st.caption(
    "支持 PDF（扫描件自动OCR识别，每页约需数秒）、OFD、Word（DOCX、DOC）、WPS、RTF、"
    f"网页（HTML）和文本（TXT），每个文件不超过 {MAX_UPLOAD_BYTES // 2**20} MB，可一次选择多个。"
    "某个文件导入失败时会说明原因，其他文件和已有文件不受影响。"
)
with st.form("upload_form", clear_on_submit=True):
    uploads = st.file_uploader(
        "选择文件（可多选）",
        accept_multiple_files=True,
        type=["pdf", "ofd", "docx", "doc", "wps", "rtf", "html", "htm", "txt"],
    )
    submitted = st.form_submit_button("导入", type="primary", icon=":material/upload:")


def import_one(name: str, data: bytes, progress) -> tuple[str, str]:  # progress: services.Progress
    """(level, message) for one uploaded file; a failure never touches the other files or the library.
    The level is success, warning (OCR'd pages to check) or error."""
    try:
        outcome = kb.ingest_upload(name, data, progress, user=user_name())
    except ServiceError as exc:
        return "error", f"{name}：未导入。{exc}"
    except Exception as exc:  # never a lost upload without a word: say what happened
        return "error", f"{name}：未导入。内部错误（{type(exc).__name__}: {exc}）"
    if outcome.status == "failed":
        return "error", f"{name}：未导入。{outcome.error}"
    note = f"（{outcome.note}）" if outcome.note else ""
    scanned = scan_view.ocr_note(outcome.scans, DEFAULT_OCR_SETTINGS.confidence_floor)
    return ("warning" if outcome.review_pages else "success"), (
        f"{name}：{STATUS_TEXT.get(outcome.status, outcome.status)}，"
        f"{outcome.clauses} 个条款，{outcome.attributions} 处分工。{note}{scanned}"
    )


if submitted and uploads:
    progress = st.progress(0.0, text="正在导入……")
    results = []
    for done, upload in enumerate(uploads):
        label = f"正在导入 {upload.name}（{done + 1}/{len(uploads)}）"
        progress.progress(done / len(uploads), text=label)

        def ocr_page(_stage: str, page: int, pages: int, done: int = done, label: str = label) -> None:
            progress.progress(
                (done + page / max(pages, 1)) / len(uploads),
                text=f"{label}：扫描件OCR识别第 {min(page + 1, pages)}/{pages} 页",
            )

        results.append(import_one(upload.name, upload.getvalue(), ocr_page))
    # Rerun so the table above shows the new documents; the per-file results survive in the session.
    st.session_state["library_messages"] = results
    st.rerun()

for level, message in st.session_state.pop("library_messages", []):  # shown once, after the rerun
    getattr(st, level)(message)

if documents and can_remove:
    st.subheader("删除文件")
    titles = {d.doc_id: d.title or d.source for d in documents}
    doomed = st.selectbox(
        "要删除的文件",
        list(titles),
        format_func=titles.get,
        index=None,
        placeholder="选择文件",
        key="remove_doc",
    )
    if doomed and st.button("删除……", key="remove_ask"):
        st.session_state["confirm_remove"] = doomed
    if doomed and st.session_state.get("confirm_remove") == doomed:
        st.warning(f"确定从知识库删除《{titles[doomed]}》吗？它的条款将不再出现在问答和各页面中。")
        yes, no = st.columns([1, 6])
        if yes.button("确认删除", type="primary", key="remove_yes"):
            try:
                kb.remove_document(doomed, user=user_name())
            except ServiceError as exc:
                st.error(f"删除失败：{exc}")
            else:
                st.session_state.pop("confirm_remove")
                st.session_state["library_messages"] = [("success", f"已删除《{titles[doomed]}》。")]
                st.rerun()
        if no.button("取消", key="remove_no"):
            st.session_state.pop("confirm_remove")
            st.rerun()
