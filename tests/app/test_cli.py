"""The policykb command line: exit codes, one-line errors, output shapes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from app_paths import ROOT, SMALL_DOC

from app import cli
from app.services import KnowledgeBase
from ingest.errors import EmptyFile


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("policykb: error: ")
    return lines[0]


# ---- ingest and clauses ------------------------------------------------------------------------


def test_ingest_a_folder_with_bad_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "plan.txt").write_text(SMALL_DOC, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"\x00\x01\x02\x03" * 64)
    (folder / "prose.htm").write_text("<html><body><p>没有编号的文字。</p></body></html>", encoding="utf-8")
    (folder / "notes.xlsx").write_bytes(b"PK\x03\x04")  # not an ingestible extension: skipped in folders
    code, out, err = run(capsys, "ingest", str(folder), "--index", str(tmp_path / "idx"))
    assert code == 1
    assert err.strip().splitlines() == [
        f"empty.txt: {EmptyFile.reason}",
        "scan.pdf: binary content, not a PDF, OFD, Word (DOCX, DOC), WPS, RTF, HTML or text file",
    ]
    # a text without numbers is one clause, not a failure
    assert "plan.txt" in out and "prose.htm" in out and out.count("added") == 2 and out.count("failed") == 2
    stored = sorted(d.source for d in KnowledgeBase.open(tmp_path / "idx").documents())
    assert stored == ["plan.txt", "prose.htm"]


def test_an_explicit_file_of_another_type_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    code, _, err = run(capsys, "ingest", str(sheet), "--index", str(tmp_path / "idx"))
    assert code == 1
    assert err.strip() == "table.xlsx: a zip archive but not a DOCX or OFD document"


def test_clauses_json(capsys: pytest.CaptureFixture[str], small_doc: Path) -> None:
    code, out, _ = run(capsys, "clauses", str(small_doc), "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["path"] for r in rows] == ["一、", "一、（一）", "一、（二）", "一、（三）"]
    park = rows[1]
    assert (park["heading"], park["page"]) == ("建设智慧园区", None)
    assert (park["lead"], park["cooperate"], park["responsible"]) == (
        ["省工业和信息化厅"],
        ["省科技厅", "省商务厅"],
        [],
    )
    assert [t["display"] for t in park["targets"]] == ["到2025年 智慧园区 １０个以上"]
    assert (rows[2]["lead"], rows[2]["responsible"]) == ([], ["省商务厅"])


def test_clauses_table(capsys: pytest.CaptureFixture[str], small_doc: Path) -> None:
    code, out, _ = run(capsys, "clauses", str(small_doc))
    assert code == 0 and "建设智慧园区" in out and "省工业和信息化厅" in out


def test_clauses_of_a_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "clauses", str(empty))
    assert code == 1
    assert one_line_error(err) == f"policykb: error: empty.txt: {EmptyFile.reason}"


# ---- ask -----------------------------------------------------------------------------------------


def test_ask_json(capsys: pytest.CaptureFixture[str], plan_kb: KnowledgeBase) -> None:
    code, out, _ = run(capsys, "ask", "雁阵形产业集群培育谁牵头？", "--json", "--top-k", "2",
                       "--index", str(plan_kb.index_dir))  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert (result["intent"], result["answer"]["found"]) == ("lead", True)
    assert result["answer"]["lead"] == ["省发展改革委", "省工业和信息化厅"]
    assert len(result["hits"]) == 2
    assert result["hits"][0]["citation"].endswith("三、（一）１．培育优势产业集群")


def test_ask_readable(capsys: pytest.CaptureFixture[str], plan_kb: KnowledgeBase) -> None:
    code, out, _ = run(capsys, "ask", "月球基地建设由哪个部门牵头？", "--index", str(plan_kb.index_dir))
    assert code == 0
    assert out.startswith("（未找到）未找到与“月球基地建设”相关的条款。")
    assert "可能相关的条款：" in out


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "the question is empty"),
        ("   ", "the question is empty"),
        ("县" * 10_000, "the limit is 500"),
        ("Who leads the 5G rollout?", "no Chinese text"),
        ("'; DROP TABLE clauses; --", "no Chinese text"),
        (".*[(", "no Chinese text"),
    ],
)
def test_ask_refuses_unaskable_questions(
    capsys: pytest.CaptureFixture[str], plan_kb: KnowledgeBase, question: str, message: str
) -> None:
    code, _, err = run(capsys, "ask", question, "--index", str(plan_kb.index_dir))
    assert code == 1
    assert message in one_line_error(err)


@pytest.mark.parametrize("question", ["园区'; DROP TABLE clauses; --", "园区[(*+?", "园区%' OR 1=1"])
def test_ask_odd_text_answers_without_crashing(
    capsys: pytest.CaptureFixture[str], plan_kb: KnowledgeBase, question: str
) -> None:
    code, out, err = run(capsys, "ask", question, "--json", "--index", str(plan_kb.index_dir))
    assert (code, err) == (0, "")
    assert json.loads(out)["question"] == question


def test_ask_without_an_index(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "ask", "园区谁牵头", "--index", str(tmp_path / "none"))
    assert code == 1
    assert "no policykb index in" in one_line_error(err)
    assert not (tmp_path / "none").exists()


@pytest.fixture
def foreign_index(hash_kb: KnowledgeBase, small_doc: Path) -> Path:
    """An index built with another embedding model (the tests' HashEmbedder)."""
    hash_kb.ingest([small_doc])
    return hash_kb.index_dir


def test_ask_an_index_from_another_model(capsys: pytest.CaptureFixture[str], foreign_index: Path) -> None:
    code, _, err = run(capsys, "ask", "智慧园区谁牵头", "--index", str(foreign_index))
    assert code == 1
    assert "was built with hash-test" in one_line_error(err)


def test_ask_a_half_built_index(capsys: pytest.CaptureFixture[str], foreign_index: Path) -> None:
    (foreign_index / "search" / "params.json").unlink()
    code, _, err = run(capsys, "ask", "智慧园区谁牵头", "--index", str(foreign_index))
    assert code == 1
    assert "params.json" in one_line_error(err)


def test_ask_an_index_without_search_files(capsys: pytest.CaptureFixture[str], foreign_index: Path) -> None:
    shutil.rmtree((foreign_index / "search").resolve())
    (foreign_index / "search").unlink()
    code, _, err = run(capsys, "ask", "智慧园区谁牵头", "--index", str(foreign_index))
    assert code == 1
    assert "no search index in" in one_line_error(err)


def test_errors_are_one_line_in_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "ask", "园区谁牵头", "--index", str(tmp_path / "none")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("policykb: error: no policykb index in") and done.stderr.count("\n") == 1


# ---- eval, bench, serve --------------------------------------------------------------------------


def test_eval_prints_the_three_figures(
    capsys: pytest.CaptureFixture[str], plan_kb: KnowledgeBase, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "q": "５G和千兆光网建设由哪些部门牵头？", "type": "lead", "clause": "A6"},
        {"id": "b", "q": "薄弱县对口帮扶小组哪些部门配合？", "type": "cooperate", "clause": "E4"},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    code, out, _ = run(capsys, "eval", str(questions), "--index", str(plan_kb.index_dir))
    assert code == 0
    assert out.splitlines() == [
        "q.jsonl: questions 2",
        "top-1: 1.000",
        "recall@5: 1.000",
        "answer-exact: 1.000",
    ]


def test_bench_wraps_run_benchmark(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.bench

    calls = []
    monkeypatch.setattr(index.bench, "run_benchmark", lambda **kwargs: calls.append(kwargs))
    assert run(capsys, "bench", "--sizes", "1000", "--no-rank-bm25")[0] == 0
    assert calls == [
        {
            "sizes": [1000],
            "out": print,
            "workdir": None,
            "rank_bm25": False,
            "ann": "ivf",
            "engines": ("local",),
        }
    ]
    assert run(capsys, "bench", "--sizes", "1000", "--engine", "milvus")[0] == 0
    assert calls[1]["engines"] == ("local", "milvus")


def test_bench_embedders_and_ingest_run_their_own_benchmarks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.bench_embed

    calls = []
    monkeypatch.setattr(index.bench_embed, "run_embedders", lambda out, model: calls.append(("e", model)))
    monkeypatch.setattr(index.bench_embed, "run_ingest", lambda out: calls.append(("i", None)))
    assert run(capsys, "bench", "--embedders", "--st-model", "/m/e5")[0] == 0
    assert run(capsys, "bench", "--ingest")[0] == 0
    assert calls == [("e", "/m/e5"), ("i", None)]


def test_serve_builds_then_execs_streamlit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, small_doc: Path, tmp_path: Path
) -> None:
    execs = []
    monkeypatch.setattr(cli.os, "execvpe", lambda file, args, env: execs.append((args, env)))
    index_dir = tmp_path / "served"
    code, _, _ = run(
        capsys, "serve", "--index", str(index_dir), "--corpus", str(small_doc.parent), "--port", "8600"
    )
    assert code == 0
    [(args, env)] = execs
    assert args[1:] == ["-m", "streamlit", "run", str(cli.STREAMLIT_SCRIPT), "--server.port", "8600",
                        "--server.address", "127.0.0.1", "--server.headless", "true",
                        "--server.maxUploadSize", "50",
                        "--client.toolbarMode", "viewer", "--browser.gatherUsageStats", "false"]  # fmt: skip
    assert env["POLICYKB_INDEX"] == str(index_dir)
    assert [d.source for d in KnowledgeBase.open(index_dir).documents()] == ["small_plan.txt"]


def test_ask_a_store_that_is_not_sqlite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "idx").mkdir()
    (tmp_path / "idx" / "store.sqlite").write_bytes(b"this is not a database" * 100)
    code, _, err = run(capsys, "ask", "园区谁牵头", "--index", str(tmp_path / "idx"))
    assert code == 1
    assert "cannot open the clause store in" in one_line_error(err)


# ---- embedding backends ------------------------------------------------------------------------


def test_an_index_built_with_sentence_transformers_answers_with_it(
    capsys: pytest.CaptureFixture[str], small_doc: Path, tmp_path: Path, tiny_bert: Path
) -> None:
    index = str(tmp_path / "st-index")
    backend = ("--backend", "sentence-transformers", "--model", str(tiny_bert))
    assert run(capsys, "ingest", str(small_doc), "--index", index, *backend)[0] == 0
    code, out, _ = run(capsys, "ask", "智慧园区建设由哪个部门牵头？", "--json", "--index", index)
    assert code == 0
    assert json.loads(out)["answer"]["lead"] == ["省工业和信息化厅"]  # asked with the index's model


def test_an_unloadable_model_is_one_line(
    capsys: pytest.CaptureFixture[str], small_doc: Path, tmp_path: Path, tiny_bert: Path
) -> None:
    missing = str(tmp_path / "no-such-model")
    code, _, err = run(capsys, "ingest", str(small_doc), "--index", str(tmp_path / "i"), "--model", missing)
    assert code == 1
    assert "cannot load the embedding model sentence-transformers" in one_line_error(err)
