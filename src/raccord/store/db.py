"""Opening the database: an SQLite file under ``RACCORD_HOME`` by default, PostgreSQL by URL.

The URL comes from ``--db``, else ``RACCORD_DATABASE_URL``, else
``sqlite:///RACCORD_HOME/raccord.sqlite``. The schema is brought to the latest Alembic revision
on every open, so a new version of raccord upgrades the records in place (one transaction).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from raccord.config import home
from raccord.errors import MissingExtraError, RaccordError

URL_ENV = "RACCORD_DATABASE_URL"
SQLITE_NAME = "raccord.sqlite"


def default_url() -> str:
    return f"sqlite:///{home() / SQLITE_NAME}"


def resolve_url(url: str | None) -> str:
    chosen = url or os.environ.get(URL_ENV) or default_url()
    if chosen.startswith("postgresql://"):
        chosen = "postgresql+psycopg://" + chosen.removeprefix("postgresql://")
    return chosen


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return str(make_url(url).render_as_string(hide_password=True))


def engine(url: str | None = None) -> Any:
    """A SQLAlchemy engine on the records, migrated to the latest schema."""
    try:
        from sqlalchemy import create_engine, event
    except ImportError as exc:  # pragma: no cover - installed with the 'store' extra
        raise MissingExtraError(
            "patient records need the 'store' extra", expected="pip install 'raccord[store]'"
        ) from exc
    resolved = resolve_url(url)
    if resolved.startswith("sqlite:///"):
        Path(resolved.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        eng = create_engine(resolved)
    except ImportError as exc:
        raise MissingExtraError(
            f"no database driver for {display_url(resolved)}",
            expected="pip install 'raccord[store]' (psycopg for PostgreSQL)",
        ) from exc
    if eng.dialect.name == "sqlite":

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

    _migrate(eng, resolved)
    if resolved.startswith("sqlite:///"):
        os.chmod(resolved.removeprefix("sqlite:///"), 0o600)
    return eng


def _migrate(eng: Any, url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.exc import OperationalError

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("raccord.store").joinpath("migrations"))
    )
    try:
        with eng.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise RaccordError(
            f"cannot open the records database: {str(exc.orig).strip().splitlines()[0]}",
            path=display_url(url),
            expected="a reachable database (RACCORD_DATABASE_URL or --db)",
        ) from exc
