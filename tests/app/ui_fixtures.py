"""Fixtures for the UI tests: the Streamlit app driven by AppTest against a real KnowledgeBase.

``tests/app/conftest.py`` (shared with the services tests) builds the plan's store and index once per
session as ``plan_kb``; these fixtures point the app at it instead of ``$POLICYKB_INDEX``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.services import KnowledgeBase
from app.ui import common

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "ui" / "streamlit_app.py"
# The first run loads the embedding model and jieba; later runs take well under a second. Generous:
# AppTest fails a run that exceeds it, and a machine busy with other work can be ten times slower.
RUN_TIMEOUT = 900

OpenPage = Callable[..., AppTest]


def app_opener(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> OpenPage:
    monkeypatch.setattr(common, "knowledge_base", lambda: kb)

    def open_page(page: str | None = None, **query: str) -> AppTest:
        """Run the app with ``query`` in the URL, then switch to ``views/{page}.py`` if given."""
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        at.query_params.update(query)
        at.run()
        if page is not None:
            at.switch_page(f"views/{page}.py").run()
        return at

    return open_page


@pytest.fixture
def open_page(plan_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> OpenPage:
    """The app over the plan's knowledge base (read-only use: the store is shared by the session)."""
    return app_opener(plan_kb, monkeypatch)


@pytest.fixture
def scratch_kb(small_doc: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """A knowledge base of one small document that a test may change (upload, remove)."""
    kb = KnowledgeBase.open(tmp_path / "scratch-index")
    kb.ingest([small_doc])
    yield kb
    kb.close()
