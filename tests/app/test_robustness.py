"""Issue 9: no document lost, no hang, no traceback, one consistent answer (CharEmbedder: not about e5)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_paths import SMALL_DOC
from char_embedder import CharEmbedder

from app import cli
from app.services import MAX_STEM_BYTES, REBUILDING, KnowledgeBase, ServiceError, safe_file_name
from index.build import MAX_EMBED_CHARS, build_indexes, remove_leftovers
from index.store import ClauseStore
from ingest.errors import FileTooLarge
from ingest.pipeline import parse_bytes
from ingest.read_options import ReadOptions
from ingest.text import fold

QUESTION = "智慧园区谁牵头？"
ANSWER = "牵头单位：省工业和信息化厅。"


def variant(i: int) -> str:
    """SMALL_DOC with its second clause about another topic: same shape, other content."""
    return SMALL_DOC.replace("冷链物流", f"专题{i}物流")


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.open(tmp_path / "index", embedder_factory=CharEmbedder)
    yield kb
    kb.close()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- 1. the CLI never loses a document ---------------------------------------------------------


def test_files_whose_names_give_one_id_are_all_kept(kb: KnowledgeBase, tmp_path: Path) -> None:
    files = [
        write(tmp_path / "a" / "通知.txt", variant(1)),
        write(tmp_path / "b" / "通知.txt", variant(2)),
        write(tmp_path / "Plan 2023.txt", variant(3)),
        write(tmp_path / "plan-2023.txt", variant(4)),
    ]
    outcomes = kb.ingest(files)
    assert [(o.status, o.doc_id) for o in outcomes] == [
        ("added", "通知"),
        ("added", "通知-2"),
        ("added", "plan-2023"),
        ("added", "plan-2023-2"),
    ]
    assert outcomes[1].note == "a different document is already stored as 通知; kept as 通知-2"
    assert sorted(d.doc_id for d in kb.documents()) == ["plan-2023", "plan-2023-2", "通知", "通知-2"]
    # Again: nothing changes. The same path with new content replaces only its own document.
    assert [o.status for o in kb.ingest(files)] == ["unchanged"] * 4
    write(files[1], variant(5))
    again = kb.ingest(files)
    assert [(o.status, o.doc_id) for o in again] == [
        ("unchanged", "通知"),
        ("replaced", "通知-2"),
        ("unchanged", "plan-2023"),
        ("unchanged", "plan-2023-2"),
    ]
    assert len(kb.documents()) == 4


# ---- 2. bounded work per clause and per document ------------------------------------------------


def test_a_long_clause_is_embedded_by_its_first_window(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "index", embedder_factory=CharEmbedder)
    seen: list[int] = []
    embedder = kb.embedder()
    original = embedder.embed_passages
    embedder.embed_passages = lambda texts: (seen.extend(map(len, texts)), original(texts))[1]  # type: ignore[method-assign]
    long_text = "一、重点任务\n" + "推进园区数字化改造。" * 5000 + "\n"
    assert [o.status for o in kb.ingest([write(tmp_path / "long.txt", long_text)])] == ["added"]
    assert max(seen) == MAX_EMBED_CHARS
    kb.close()


def test_a_text_over_the_character_limit_is_refused_by_name() -> None:
    limits = dataclasses.replace(ReadOptions().limits, max_text_chars=1000)
    with pytest.raises(FileTooLarge) as caught:
        text = "一、任务\n" + "推进" * 600
        parse_bytes(text.encode(), "huge.txt", ReadOptions(ocr="never", limits=limits))
    assert str(caught.value) == (
        "huge.txt: the document has more text than the limit (1,205 > 1,000 characters)"
    )


# ---- 3. parallel uploads through one KnowledgeBase ---------------------------------------------


def test_parallel_uploads_all_become_documents(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    insert_clause = ClauseStore._insert_clause

    def slow_insert(self: ClauseStore, *args: object) -> None:
        time.sleep(0.05)  # a write transaction lasts long enough that unserialised uploads overlap
        insert_clause(self, *args)

    monkeypatch.setattr(ClauseStore, "_insert_clause", slow_insert)
    errors: list[BaseException] = []
    outcomes = []

    def upload(i: int) -> None:
        try:
            outcomes.append(kb.ingest_upload(f"报告{'甲乙丙丁戊己'[i]}.txt", variant(i).encode()))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(o.status for o in outcomes) == ["added"] * 4
    stored = sorted(d.doc_id for d in kb.documents())
    assert stored == sorted(f"报告{c}" for c in "甲乙丙丁")
    assert sorted(p.stem for p in (kb.index_dir / "uploads").iterdir()) == stored
    assert kb.index_is_current()


# ---- 4. a question during an ingest: one revision, or "try again" -------------------------------


def test_a_write_while_an_answer_is_composed_does_not_change_it(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's wrong answer: the clause ids were read, then an ingest replaced the document
    (new clause ids), then the clauses were looked up: none found, 未找到, exit 0."""
    kb.ingest([write(tmp_path / "plan.txt", SMALL_DOC)])
    question = "省工业和信息化厅牵头哪些任务？"
    expected = kb.ask(question)
    assert (expected.found, expected.text) == (
        True,
        "省工业和信息化厅牵头的条款共1条（1份文件），见下列条款。",
    )
    writer = KnowledgeBase.open(kb.index_dir, embedder_factory=CharEmbedder)  # another process, say
    doc = dataclasses.replace(parse_bytes(SMALL_DOC.encode(), "plan.txt"), content_hash="new")
    matching_clause_ids = ClauseStore.matching_clause_ids

    def then_replace(self: ClauseStore, *args: object, **kwargs: object) -> object:
        ids = matching_clause_ids(self, *args, **kwargs)
        if self is not writer.store:
            writer.store.put_document(doc)  # right after the reader took the clause ids
        return ids

    monkeypatch.setattr(ClauseStore, "matching_clause_ids", then_replace)
    answer = kb.ask(question)
    assert (answer.found, answer.text, answer.hits) == (True, expected.text, expected.hits)
    monkeypatch.setattr(ClauseStore, "matching_clause_ids", matching_clause_ids)
    with pytest.raises(ServiceError) as caught:  # now the index is behind the store, and no one writes
        kb.ask(question)
    assert "changed after the index was built" in str(caught.value)
    writer.close()


def test_asks_during_ingests_get_the_answer_or_try_again(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.ingest([write(tmp_path / "plan.txt", SMALL_DOC)])
    results: list[str] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                results.append(kb.ask(QUESTION).text)
            except ServiceError as exc:
                results.append(str(exc))
            except Exception as exc:  # anything else is a defect: make it part of the result
                results.append(f"unexpected {exc!r}")

    reader = threading.Thread(target=ask)
    reader.start()
    try:
        kb.ingest_upload("other.txt", variant(1).encode())  # stores, then rebuilds while asks run
    finally:
        stop.set()
        reader.join()
    assert results
    rebuilding = REBUILDING.format(dir=kb.index_dir)
    wrong = [r for r in results if not (r.startswith(ANSWER) or r == rebuilding)]  # e.g. 未找到…
    assert wrong == []
    assert kb.ask(QUESTION).text.startswith(ANSWER)


# ---- 6. leftovers of killed builds --------------------------------------------------------------


def test_leftovers_are_removed_but_never_a_live_builds_folder(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.ingest([write(tmp_path / "plan.txt", SMALL_DOC)])
    dead = kb.index_dir / "search.deadbeef0000"  # what a kill -9 during a build leaves
    dead.mkdir()
    (dead / "bm25").mkdir()
    staged = kb.index_dir / ".search.search.deadbeef0000"
    staged.symlink_to(dead.name)
    live = kb.index_dir / "search"
    started, release = threading.Event(), threading.Event()

    class SlowEmbedder(CharEmbedder):
        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            started.set()
            release.wait()
            return super().embed_passages(texts)

    kb.store.put_document(dataclasses.replace(parse_bytes(SMALL_DOC.encode(), "plan.txt"), content_hash="x"))
    builder = threading.Thread(target=build_indexes, args=(kb.index_dir, SlowEmbedder("other@test")))
    builder.start()
    started.wait()
    building = [p for p in kb.index_dir.glob("search.*") if p != dead and p != live.resolve()]
    try:
        assert len(building) == 1
        assert remove_leftovers(kb.index_dir) == []  # a build is live: nothing is touched
        assert building[0].is_dir()
    finally:
        release.set()
        builder.join()
    assert not dead.exists() and not staged.is_symlink()  # the live build removed them first
    assert sorted(p.name for p in kb.index_dir.glob("search*")) == ["search", building[0].name]
    assert remove_leftovers(kb.index_dir) == []


# ---- 7. file names cut by bytes ----------------------------------------------------------------


def test_file_names_are_cut_by_utf8_bytes(kb: KnowledgeBase) -> None:
    name = safe_file_name("𠀀" * 70 + ".txt")
    assert name == "𠀀" * (MAX_STEM_BYTES // 4) + ".txt"
    outcome = kb.ingest_upload("𠀀" * 70 + ".txt", SMALL_DOC.encode())
    assert (outcome.status, outcome.error) == ("added", None)
    assert (kb.index_dir / "uploads" / name).is_file()


# ---- 8. invalid UTF-8 in a question ------------------------------------------------------------


def test_a_question_that_is_not_utf8_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    question = "牵头\udcff部门"  # how Python hands over the byte 0xff of `policykb ask $'牵头\xff部门'`
    assert cli.main(["ask", question, "--index", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err == (
        "policykb: error: the question “牵头\\xff部门” is not valid UTF-8 (byte 0xff at character 3);"
        " type it again or set a UTF-8 locale\n"
    )


# ---- 9. traditional characters -----------------------------------------------------------------


def test_fold_maps_traditional_to_simplified() -> None:
    assert fold("省商務廳牽頭哪些任務？") == "省商务厅牵头哪些任务?"
    assert fold("乾坤 显著") == "乾坤 显著"  # characters that are also simplified stay


def test_traditional_questions_and_documents_match(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.ingest([write(tmp_path / "plan.txt", SMALL_DOC)])
    simplified = kb.ask("省工业和信息化厅牵头哪些任务？")
    traditional = kb.ask("省工業和信息化廳牽頭哪些任務？")
    assert simplified.found and traditional.found
    assert [h.clause_id for h in traditional.hits] == [h.clause_id for h in simplified.hits]
    assert kb.query_terms("冷鏈物流") == kb.query_terms("冷链物流")


# ---- 10. twins and names with line breaks ------------------------------------------------------


def test_the_same_content_under_another_name_is_noted(kb: KnowledgeBase, tmp_path: Path) -> None:
    first, second = kb.ingest([write(tmp_path / "a.txt", SMALL_DOC), write(tmp_path / "b.txt", SMALL_DOC)])
    assert (first.status, first.note) == ("added", "")
    twin = "the same content is already stored as a; now stored twice"
    assert (second.status, second.note) == ("added", twin)


def test_a_failing_file_with_a_newline_in_its_name_is_one_line(
    kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "坏\n文件.txt", "")
    cli.report_failures(kb.ingest([bad]))
    assert capsys.readouterr().err == "坏\\n文件.txt: the file is empty\n"
