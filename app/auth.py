"""Optional login for a shared deployment, and the audit log of who changed the library when.

Users and roles live in a TOML file (``policykb serve --users FILE``, or ``$POLICYKB_USERS``)::

    [users.zhang]
    role = "editor"                      # reader: ask and browse; editor: also upload and remove
    password = "scrypt$16384$8$1$<salt hex>$<hash hex>"   # from `policykb user FILE zhang`

Passwords are stored only as salted scrypt hashes (stdlib ``hashlib.scrypt``) and compared in
constant time. Without a users file the app has no login: that is for one person on 127.0.0.1.
The audit log is ``DIR/audit.log``, one JSON object a line (time in UTC, user, action, document),
appended with O_APPEND so that lines written by several threads or processes never interleave.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

USERS_ENV = "POLICYKB_USERS"
AUDIT_FILE = "audit.log"
# What each role may do; every role may read (ask, browse, export).
ROLES: dict[str, frozenset[str]] = {
    "reader": frozenset({"read"}),
    "editor": frozenset({"read", "upload", "remove"}),
}
# scrypt cost: n=2**14, r=8 uses 16 MiB and ~50 ms a check, OWASP's minimum for scrypt.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u3400-\u9fff]{1,64}$")


class AuthError(Exception):
    """A users file that cannot be used: one line naming the file and the reason."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str

    def may(self, action: str) -> bool:
        return action in ROLES[self.role]


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex), the form the users file holds."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 2**20
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (a hash_password string); a malformed hash never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            maxmem=64 * 2**20,
        )  # fmt: skip
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, bytes.fromhex(digest))


def load_users(path: Path) -> dict[str, User]:
    """The users of a users file; a missing file, a bad role or a missing hash is an AuthError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AuthError(f"{path}: cannot read the users file ({exc})") from exc
    users = {}
    for name, entry in data.get("users", {}).items():
        role, password = entry.get("role"), entry.get("password")
        if role not in ROLES:
            raise AuthError(f"{path}: user {name}: role must be one of {', '.join(ROLES)}, got {role!r}")
        if not isinstance(password, str) or not password.startswith("scrypt$"):
            raise AuthError(f"{path}: user {name}: password must be a hash from `policykb user`")
        users[name] = User(name, role, password)
    if not users:
        raise AuthError(f"{path}: no [users.NAME] entries")
    return users


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    user = users.get(name.strip())
    if user is None:
        verify_password(password, hash_password("", salt=b"\0" * 16))  # same time for unknown names
        return None
    return user if verify_password(password, user.password_hash) else None


def set_user(path: Path, name: str, role: str, password: str) -> None:
    """Add or update one user in the users file (written whole, atomically, readable by its owner only)."""
    if not _NAME.match(name):
        raise AuthError(f"{name!r}: a user name is 1-64 letters, digits, Chinese characters, _ . -")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    users = load_users(path) if path.exists() else {}
    users[name] = User(name, role, hash_password(password))
    lines = ["# policykb users: role reader (ask, browse) or editor (also upload, remove)", ""]
    for user in users.values():
        lines += [f'[users."{user.name}"]', f'role = "{user.role}"', f'password = "{user.password_hash}"', ""]
    tmp = path.with_name(f".{path.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    tmp.replace(path)


def audit(index_dir: Path, user: str, action: str, **details: object) -> None:
    """Append one line to DIR/audit.log: when (UTC), who, what."""
    entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "user": user, "action": action}
    line = json.dumps(entry | details, ensure_ascii=False) + "\n"
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / AUDIT_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))  # one write of one line: O_APPEND keeps lines whole
    finally:
        os.close(fd)


def read_audit(index_dir: Path) -> list[dict[str, object]]:
    path = index_dir / AUDIT_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
