"""Every page works on documents uploaded through the library, in every format and style of
../shared/corpus (HTML, PDF-extracted text with 版头/版记, 北大法宝 exports, 第X条 办法 …)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from char_embedder import CharEmbedder
from streamlit.testing.v1 import AppTest
from ui_fixtures import app_opener

from app.services import KnowledgeBase

SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, AppTest]]:
    files = sorted(p for p in SHARED_CORPUS.glob("*") if p.suffix in (".txt", ".html"))
    if not files:
        pytest.skip(f"{SHARED_CORPUS} is absent: uploads of the development documents not checked")
    # The subject is the UI, not the embedding model: the deterministic embedder keeps the nine uploads
    # (~400 clauses) from embedding for minutes on a busy machine.
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("upload-index"), embedder_factory=CharEmbedder)
    with pytest.MonkeyPatch.context() as monkeypatch:
        at = app_opener(kb, monkeypatch)("library")
        at.file_uploader[0].set_value([(p.name, p.read_bytes(), "text/plain") for p in files])
        at.button[0].click().run()
        yield kb, at
    kb.close()


def test_each_upload_reports_its_clauses(uploaded: tuple[KnowledgeBase, AppTest]) -> None:
    kb, at = uploaded
    assert not at.exception and not at.error
    messages = [s.value for s in at.success]
    assert len(messages) == len(kb.documents()) == len(list(SHARED_CORPUS.glob("*.txt"))) + 1
    assert any(
        m.startswith("shandong_2019_shuzi_shandong_2019_xingdong_fangan.txt：") and "68 处分工" in m
        for m in messages
    )


def test_every_page_shows_every_uploaded_document(
    uploaded: tuple[KnowledgeBase, AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb, _ = uploaded
    open_page = app_opener(kb, monkeypatch)
    for document in kb.documents():
        matrix = kb.matrix(document.doc_id)
        page = open_page("matrix", doc=document.doc_id)
        assert not page.exception, document.doc_id
        if matrix.departments:
            assert list(page.dataframe[0].value["部门"]) == list(matrix.departments)
        assert not open_page("targets").exception
        task = next((t for t in kb.task_table(document.doc_id) if t.lead), None)
        if task is not None:
            ask = open_page(q=f"{task.task}由哪个部门牵头？")
            assert not ask.exception
            assert task.lead[0] in "\n".join(m.value for m in ask.markdown), document.doc_id
