"""The plan answered through the milvus engine (Milvus Lite): the same answers as the local engine,
through the same ask path; and its failures as one line from the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_paths import SHARED_EVAL
from test_cli import one_line_error, run

from app.services import KnowledgeBase
from index.engine import EngineChoice

QUESTIONS = (
    "雁阵形产业集群培育谁牵头？",
    "５G和千兆光网建设由哪些部门牵头？",
    "省商务厅牵头哪些任务？",
    "到2025年有哪些目标？",
    "月球基地建设由哪个部门牵头？",
)


@pytest.fixture(scope="module")
def milvus_kb(
    plan_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory, milvus_uri: str
) -> Iterator[KnowledgeBase]:
    """plan_kb's store (and embedding cache, so nothing is embedded again) indexed on milvus."""
    folder = tmp_path_factory.mktemp("plan-milvus")
    with (
        sqlite3.connect(plan_kb.index_dir / "store.sqlite") as src,
        sqlite3.connect(folder / "store.sqlite") as dst,
    ):
        src.backup(dst)
    shutil.copytree(plan_kb.index_dir / "cache", folder / "cache")
    kb = KnowledgeBase.open(folder, engine=EngineChoice("milvus", milvus_uri))
    kb.build()
    yield kb
    kb.close()


def _answer(kb: KnowledgeBase, question: str) -> tuple[object, ...]:
    a = kb.ask(question)
    first = (a.hits[0].doc_id, a.hits[0].path) if a.hits else None
    return a.found, first, a.lead, a.cooperate, a.responsible


def _questions() -> list[str]:
    path = SHARED_EVAL / "dev_questions.jsonl"
    extra = (
        [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines()]
        if path.is_file()
        else []
    )
    return [*QUESTIONS, *extra]


def test_milvus_answers_as_local(plan_kb: KnowledgeBase, milvus_kb: KnowledgeBase) -> None:
    assert milvus_kb.retriever().searcher.engine == "milvus"
    assert plan_kb.retriever().searcher.engine == "local"
    for question in _questions():
        assert _answer(milvus_kb, question) == _answer(plan_kb, question), question


def test_ask_reads_the_engine_from_the_index(
    capsys: pytest.CaptureFixture[str], milvus_kb: KnowledgeBase
) -> None:
    code, out, _ = run(
        capsys, "ask", "雁阵形产业集群培育谁牵头？", "--json", "--index", str(milvus_kb.index_dir)
    )
    assert code == 0
    assert json.loads(out)["answer"]["lead"] == ["省发展改革委", "省工业和信息化厅"]


def test_a_dropped_collection_is_one_line(
    capsys: pytest.CaptureFixture[str], milvus_kb: KnowledgeBase, tmp_path: Path, milvus_uri: str
) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(milvus_kb.index_dir, folder, symlinks=True)
    alias = json.loads((folder / "search" / "params.json").read_text(encoding="utf-8"))["engine"]["alias"]
    params = json.loads((folder / "search" / "params.json").read_text(encoding="utf-8"))
    params["engine"]["alias"] = alias + "_gone"  # an index whose collection is no longer in Milvus
    (folder / "search" / "params.json").write_text(json.dumps(params), encoding="utf-8")
    code, _, err = run(capsys, "ask", "雁阵形产业集群培育谁牵头？", "--index", str(folder))
    assert code == 1
    assert f"the Milvus collection {alias}_gone is missing at {milvus_uri}" in one_line_error(err)


def test_ingest_into_an_unreachable_milvus_is_one_line(
    capsys: pytest.CaptureFixture[str], small_doc: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "gone" / "lite.db"
    code, _, err = run(
        capsys, "ingest", str(small_doc), "--index", str(tmp_path / "kb"), "--milvus-uri", str(bad)
    )
    assert code == 1
    assert f"cannot open Milvus Lite at {bad}: folder {bad.parent} does not exist" in one_line_error(err)


def test_milvus_failing_mid_search_is_a_service_error(
    milvus_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pymilvus.exceptions import MilvusException

    from app.services import ServiceError

    def gone(*args: object, **kwargs: object) -> None:
        raise MilvusException(message="server closed the connection")

    engine = milvus_kb.retriever().searcher._parts.engine  # type: ignore[union-attr]
    monkeypatch.setattr(engine.client, "search", gone)
    with pytest.raises(ServiceError) as caught:
        milvus_kb.ask("雁阵形产业集群培育谁牵头？")
    assert str(caught.value) == (
        f"the search index in {milvus_kb.index_dir} cannot be searched: Milvus search of {engine.alias}"
        f" at {engine.uri} failed: server closed the connection"
    )
