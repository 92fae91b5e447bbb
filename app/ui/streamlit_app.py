"""Entry script: ``streamlit run app/ui/streamlit_app.py`` (``policykb serve`` runs exactly this).

Only page registration lives here; each page is a file under ``views/`` so that a page is one
screen of layout code and ``AppTest.switch_page`` can open it. (Not ``pages/``: Streamlit treats a
folder of that name as its legacy page list, and a link straight to /matrix would then bypass
this script: no wide layout, English page names.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts only this folder on sys.path; the repository root makes `app` importable
# without an editable install (a fresh clone, a CI run before `pip install -e`).
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

st.set_page_config(page_title="政策文件知识库", page_icon="📑", layout="wide")
# Office staff use the app, they do not develop it: no Deploy button, no developer menu.
st.set_option("client.toolbarMode", "viewer")

from app.ui.common import login_or_stop  # noqa: E402  (after the sys.path fix above)

login_or_stop()  # with $POLICYKB_USERS, nothing but the login form until someone signs in

PAGES = [
    st.Page("views/ask.py", title="问答", icon=":material/question_answer:", default=True),
    st.Page("views/department.py", title="部门", icon=":material/apartment:", url_path="department"),
    st.Page("views/matrix.py", title="责任矩阵", icon=":material/grid_on:", url_path="matrix"),
    st.Page("views/targets.py", title="目标", icon=":material/flag:", url_path="targets"),
    st.Page("views/library.py", title="文件库", icon=":material/folder_open:", url_path="library"),
]

st.navigation(PAGES).run()
