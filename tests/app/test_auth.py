"""Issue 9.5: serve on 127.0.0.1 by default, optional login with roles, an audit log of changes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_paths import SMALL_DOC
from char_embedder import CharEmbedder
from ui_fixtures import app_opener

from app import cli
from app.auth import USERS_ENV, AuthError, authenticate, hash_password, load_users, read_audit, set_user
from app.services import KnowledgeBase


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.open(tmp_path / "index", embedder_factory=CharEmbedder)
    yield kb
    kb.close()


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    set_user(path, "zhang", "editor", "editor-secret")
    set_user(path, "li", "reader", "reader-secret")
    return path


def test_passwords_are_salted_scrypt_hashes(users_file: Path) -> None:
    assert hash_password("pw", salt=b"\1" * 16) != hash_password("pw", salt=b"\2" * 16)
    text = users_file.read_text(encoding="utf-8")
    assert "editor-secret" not in text and text.count('password = "scrypt$16384$8$1$') == 2
    assert users_file.stat().st_mode & 0o077 == 0
    users = load_users(users_file)
    assert {name: u.role for name, u in users.items()} == {"zhang": "editor", "li": "reader"}
    assert authenticate(users, "zhang", "editor-secret") == users["zhang"]
    assert authenticate(users, "zhang", "reader-secret") is None
    assert authenticate(users, "nobody", "editor-secret") is None
    assert (users["li"].may("read"), users["li"].may("upload"), users["li"].may("remove")) == (
        True,
        False,
        False,
    )
    assert (users["zhang"].may("upload"), users["zhang"].may("remove")) == (True, True)


def test_a_bad_users_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[users.wang]\nrole = "admin"\npassword = "x"\n', encoding="utf-8")
    with pytest.raises(AuthError) as caught:
        load_users(path)
    assert str(caught.value) == f"{path}: user wang: role must be one of reader, editor, got 'admin'"


def test_uploads_and_removals_are_audited(kb: KnowledgeBase) -> None:
    outcome = kb.ingest_upload("计划.txt", SMALL_DOC.encode(), user="zhang")
    kb.remove_document(outcome.doc_id, user="zhang")
    log = read_audit(kb.index_dir)
    assert [(e["user"], e["action"], e["doc_id"]) for e in log] == [
        ("zhang", "upload", "计划"),
        ("zhang", "remove", "计划"),
    ]
    assert log[0]["status"] == "added" and log[0]["source"] == "计划.txt"
    assert all(str(e["time"]).endswith("+00:00") for e in log)


def test_serve_listens_on_localhost_unless_told(
    tmp_path: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launched: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(cli.os, "execvpe", lambda _file, command, env: launched.append((command, env)))
    monkeypatch.setattr(KnowledgeBase, "ensure_built", lambda self, corpus, progress=None: [])
    index = str(tmp_path / "index")
    assert cli.main(["serve", "--index", index]) == 0
    assert cli.main(["serve", "--index", index, "--host", "0.0.0.0", "--users", str(users_file)]) == 0
    (first, first_env), (second, second_env) = launched
    assert first[first.index("--server.address") + 1] == "127.0.0.1"
    assert USERS_ENV not in first_env or first_env[USERS_ENV] == ""
    assert second[second.index("--server.address") + 1] == "0.0.0.0"
    assert second_env[USERS_ENV] == str(users_file.resolve())


def test_user_command_writes_a_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "users.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert cli.main(["user", str(path), "wang", "--role", "editor", "--password-stdin"]) == 0
    users = load_users(path)
    assert authenticate(users, "wang", "a-long-password") == users["wang"]


def test_the_app_asks_for_a_login_and_a_reader_cannot_upload(
    kb: KnowledgeBase, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.ingest_upload("计划.txt", SMALL_DOC.encode())
    monkeypatch.setenv(USERS_ENV, str(users_file))
    open_page = app_opener(kb, monkeypatch)
    at = open_page()
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.text_area and not at.chat_input  # nothing of the app before a login
    at.text_input[0].input("li")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["用户名或密码不对。"]
    at.text_input[0].input("li")
    at.text_input[1].input("reader-secret")
    at.button[0].click().run()
    at.switch_page("views/library.py").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["您的账号是只读账号：可以查看和下载，不能上传或删除文件。"]
    assert not at.get("file_uploader")
