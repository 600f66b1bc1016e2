"""Helpers for the workspace tests: a fresh app on an SQLite file, accounts, logging in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "a long passphrase for tests"


def make_app(
    tmp_path: Path, monkeypatch: Any, users: tuple[str, ...] = ("dr-martin", "dr-roux")
) -> Any:
    from raccord.store import db
    from raccord.web import accounts
    from raccord.web.app import create_app

    home = tmp_path / "home"
    monkeypatch.setenv("RACCORD_HOME", str(home))
    monkeypatch.delenv("RACCORD_KEY", raising=False)
    monkeypatch.delenv("RACCORD_DATABASE_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    engine = db.engine(url)
    for name in users:
        accounts.add(engine, name, PASSWORD, language="fr")
    return create_app(url, home_dir=home, mode="fast")


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def login(client: Any, name: str, password: str = PASSWORD, lands: str = "/patients") -> str:
    """Log in; return the session's CSRF token (``lands``: the page a login leads to)."""
    page = client.get("/login")
    answer = client.post(
        "/login", data={"csrf": csrf(page.text), "username": name, "password": password}
    )
    assert answer.status_code == 200 and answer.url.path == lands, answer.text[:500]
    return csrf(answer.text)


CHECKED = re.compile(r'name="therapist" value="([^"]+)"[^>]*checked')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def upload(
    client: Any,
    token: str,
    patient: str,
    name: str,
    content: bytes,
    therapist: str | None = None,
    **data: str,
) -> Any:
    """Upload a file; when the roles were guessed, confirm the therapist (``therapist``, else the
    speaker raccord proposed) as a therapist would on the confirmation page."""
    answer = client.post(
        f"/patients/{patient}/upload", data={"csrf": token, **data}, files={"file": (name, content)}
    )
    if 'id="confirm-form"' not in answer.text:
        return answer
    chosen = therapist or CHECKED.search(answer.text).group(1)  # type: ignore[union-attr]
    held = TOKEN.search(answer.text).group(1)  # type: ignore[union-attr]
    return client.post(
        f"/patients/{patient}/upload/confirm",
        data={"csrf": token, "token": held, "therapist": chosen},
    )
