"""What every page shares: the one KnowledgeBase, document pickers, table downloads."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from app.auth import USERS_ENV, User, authenticate, load_users
from app.exports import table_csv
from app.paths import default_index_dir
from app.services import DocumentSummary, KnowledgeBase, ServiceError


@st.cache_resource(show_spinner="正在加载知识库……")
def _open_knowledge_base(index_dir: str) -> KnowledgeBase:
    kb = KnowledgeBase.open(Path(index_dir))
    if kb.documents():
        # Load the embedding model and the indexes now, behind the loading spinner, so that the
        # first question is answered as fast as the others. A broken index is reported by ask().
        with contextlib.suppress(ServiceError):
            kb.retriever()
    return kb


def knowledge_base() -> KnowledgeBase:
    """The KnowledgeBase of ``$POLICYKB_INDEX`` (or the default folder), opened once per process:
    the embedding model and the indexes are loaded once and shared by every session."""
    return _open_knowledge_base(str(default_index_dir(dict(os.environ))))


def documents_or_stop(kb: KnowledgeBase) -> list[DocumentSummary]:
    """The ingested documents; an empty library ends the page with a pointer to the upload page."""
    documents = kb.documents()
    if not documents:
        st.info("知识库里还没有文件。请先到“文件库”上传政策文件。")
        st.page_link("views/library.py", label="前往文件库", icon=":material/folder_open:")
        st.stop()
    return documents


def pick_document(documents: Sequence[DocumentSummary], *, key: str, label: str = "文件") -> DocumentSummary:
    """A select box of document titles that remembers the choice in the URL (``?doc=``)."""
    ids = [d.doc_id for d in documents]
    by_id = {d.doc_id: d for d in documents}
    wanted = st.query_params.get("doc")
    index = ids.index(wanted) if wanted in ids else 0
    chosen = st.selectbox(
        label, ids, index=index, key=key, format_func=lambda doc_id: by_id[doc_id].title or doc_id
    )
    st.query_params["doc"] = chosen
    return by_id[chosen]


def csv_download(frame: pd.DataFrame, file_name: str, *, key: str) -> None:
    st.download_button(
        "下载 CSV",
        table_csv(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


@st.cache_resource
def _users(path: str, mtime: float) -> dict[str, User]:  # mtime: a changed file is read again
    return load_users(Path(path))


def login_or_stop() -> User | None:
    """With ``$POLICYKB_USERS`` set, the signed-in user (a login form until then); None without it,
    which is one person on 127.0.0.1 (``policykb serve`` warns when it is opened wider)."""
    path = os.environ.get(USERS_ENV)
    if not path:
        return None
    user = st.session_state.get("user")
    if user is not None:
        with st.sidebar:
            st.caption(f"已登录：{user.name}（{'可上传和删除' if user.may('upload') else '只读'}）")
            if st.button("退出登录", key="logout"):
                st.session_state.pop("user")
                st.rerun()
        return user
    users = _users(path, Path(path).stat().st_mtime)
    st.title("政策文件知识库")
    with st.form("login"):
        name = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录", type="primary"):
            found = authenticate(users, name, password)
            if found is None:
                st.error("用户名或密码不对。")
            else:
                st.session_state["user"] = found
                st.rerun()
    st.stop()
    return None  # not reached: st.stop() ends the script run


def may(action: str) -> bool:
    """Whether the signed-in user may ``action`` (upload, remove); everyone may without a login."""
    user = st.session_state.get("user")
    return not os.environ.get(USERS_ENV) or (user is not None and user.may(action))


def user_name() -> str | None:
    """Who is signed in, for the audit log (None: the local account is logged)."""
    user = st.session_state.get("user")
    return None if user is None else user.name
