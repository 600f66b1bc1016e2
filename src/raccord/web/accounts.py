"""Logins to the workspace: one account per therapist of the records, password hashed with argon2.

Accounts live in the records' database (table ``accounts``); a therapist's patients stay scoped by
``store.records.Records`` exactly as on the command line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from raccord.errors import MissingExtraError, RaccordError

ROLES = ("therapist", "supervisor")
LANGUAGES = ("fr", "en")
MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    role: str
    language: str


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError as exc:  # pragma: no cover - installed with the 'web' extra
        raise MissingExtraError(
            "accounts need the 'web' extra", expected="pip install 'raccord[web]'"
        ) from exc
    return PasswordHasher()


def add(
    engine: Any, name: str, password: str, *, role: str = "therapist", language: str = "fr"
) -> Account:
    """Create (or reset the password of) the account of therapist ``name``."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from raccord.store.schema import Account as Row
    from raccord.store.schema import Therapist

    name = name.strip()
    if not name:
        raise RaccordError("empty user name", expected="a name such as 'dr-martin'")
    if role not in ROLES:
        raise RaccordError(f"unknown role {role!r}", expected=", ".join(ROLES))
    if language not in LANGUAGES:
        raise RaccordError(f"unknown language {language!r}", expected=", ".join(LANGUAGES))
    if len(password) < MIN_PASSWORD:
        raise RaccordError("password too short", expected=f"at least {MIN_PASSWORD} characters")
    digest = _hasher().hash(password)
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as s, s.begin():
        therapist = s.scalar(select(Therapist).where(Therapist.name == name))
        if therapist is None:
            therapist = Therapist(name=name, created_at=now)
            s.add(therapist)
            s.flush()
        row = s.scalar(select(Row).where(Row.therapist_id == therapist.id))
        if row is None:
            s.add(
                Row(
                    therapist_id=therapist.id,
                    password_hash=digest,
                    role=role,
                    language=language,
                    created_at=now,
                )
            )
        else:
            row.password_hash, row.role, row.language = digest, role, language
    return Account(name, role, language)


def verify(engine: Any, name: str, password: str) -> Account | None:
    """The account when the password matches; ``None`` otherwise (same work either way)."""
    from argon2.exceptions import VerificationError, VerifyMismatchError
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from raccord.store.schema import Account as Row
    from raccord.store.schema import Therapist

    hasher = _hasher()
    with Session(engine) as s:
        found = s.execute(
            select(Row, Therapist.name)
            .join(Therapist, Therapist.id == Row.therapist_id)
            .where(Therapist.name == name.strip())
        ).first()
    if found is None:
        # spend the same time as a real check, so a name cannot be probed by timing
        with contextlib.suppress(VerifyMismatchError, VerificationError):
            hasher.verify(_dummy_hash(), password)
        return None
    row, real_name = found
    try:
        hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError):
        return None
    return Account(str(real_name), row.role, row.language)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(_hasher().hash("not a password of anyone"))
    return _DUMMY[0]


def get(engine: Any, name: str) -> Account | None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from raccord.store.schema import Account as Row
    from raccord.store.schema import Therapist

    with Session(engine) as s:
        found = s.execute(
            select(Row.role, Row.language)
            .join(Therapist, Therapist.id == Row.therapist_id)
            .where(Therapist.name == name)
        ).first()
    return None if found is None else Account(name, str(found[0]), str(found[1]))


def set_language(engine: Any, name: str, language: str) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from raccord.store.schema import Account as Row
    from raccord.store.schema import Therapist

    if language not in LANGUAGES:
        raise RaccordError(f"unknown language {language!r}", expected=", ".join(LANGUAGES))
    with Session(engine) as s, s.begin():
        row = s.scalar(
            select(Row)
            .join(Therapist, Therapist.id == Row.therapist_id)
            .where(Therapist.name == name)
        )
        if row is not None:
            row.language = language
