"""``raccord serve`` (the local web workspace) and ``raccord user add`` (its logins)."""

from __future__ import annotations

import sys

import click

from raccord.errors import RaccordError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (this computer only by default).",
)
@click.option("--port", type=int, default=8765, show_default=True)
@click.option(
    "--mode",
    type=click.Choice(["full", "fast"]),
    default="full",
    help="Analysis of uploaded sessions.",
)
@click.option("--db", "db_url", default=None, metavar="URL", help="Database URL of the records.")
def serve(host: str, port: int, mode: str, db_url: str | None) -> None:
    """Start the web workspace on http://127.0.0.1:PORT (log in with an account of `raccord user add`)."""
    try:
        import uvicorn
    except ImportError as exc:
        from raccord.errors import MissingExtraError

        raise MissingExtraError(
            "the dashboard needs the 'web' extra", expected="pip install 'raccord[web]'"
        ) from exc
    from raccord.report.wording import words
    from raccord.web.app import create_app

    if host not in LOOPBACK:
        click.echo(words("en").t("web", "host_warning", host=host), err=True)
        click.echo(words("fr").t("web", "host_warning", host=host), err=True)
    app = create_app(db_url, mode=mode)
    click.echo(f"http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@click.group()
def user() -> None:
    """Logins to the web workspace."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(["therapist", "supervisor"]), default="therapist", show_default=True
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Interface language.",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (first line)."
)
@click.option("--db", "db_url", default=None, metavar="URL", help="Database URL of the records.")
def user_add(name: str, role: str, language: str, password_stdin: bool, db_url: str | None) -> None:
    """Create the account NAME (or set a new password). The password is read from standard input
    with --password-stdin, else asked for twice without echo."""
    from raccord.store import db
    from raccord.web import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise RaccordError("empty password", expected="a password on standard input")
    account = accounts.add(db.engine(db_url), name, password, role=role, language=language)
    click.echo(f"{account.name} ({account.role}, {account.language})")


DEMO_SESSIONS = (
    ("Léa", "seance-fr-lea.txt", "anxious"),
    ("Marc", "seance-fr-marc.vtt", "avoidant"),
    ("Sam", "session-en-sam.vtt", "unknown"),
)


@click.command(name="demo-web")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--mode", type=click.Choice(["full", "fast"]), default="full")
@click.option("--no-serve", is_flag=True, help="Seed the demo records and print the login only.")
def demo_web(port: int, mode: str, no_serve: bool) -> None:
    """Seed a demo workspace (its own records under RACCORD_HOME/demo-workspace: the three demo
    patients and their sessions, a 'demo' login with a fresh password, printed) and start it."""
    import secrets
    from importlib import resources

    from raccord.config import home
    from raccord.export import to_json
    from raccord.io import load
    from raccord.pipeline import analyze
    from raccord.store import db
    from raccord.store.records import Records, file_hash, transcript_rows
    from raccord.taxonomy import AttachmentStyle
    from raccord.web import accounts

    folder = home() / "demo-workspace"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    url = f"sqlite:///{folder / 'raccord.sqlite'}"
    engine = db.engine(url)
    password = secrets.token_urlsafe(9)
    accounts.add(engine, "demo", password, language="fr")
    records = Records(url, therapist="demo", home_dir=folder, engine=engine)
    known = {p.pseudonym for p in records.patients()}
    demo = resources.files("raccord.demo")
    for name, filename, attachment in DEMO_SESSIONS:
        if name not in known:
            records.add_patient(name, attachment)
        data = demo.joinpath(filename).read_bytes()
        if records.find_by_hash(file_hash(data)) is not None:
            continue
        with resources.as_file(demo.joinpath(filename)) as path:
            transcript = load(path)[0]
        analysis = analyze(transcript, mode=mode, attachment=AttachmentStyle(attachment))
        records.add_session(
            name,
            source_name=filename,
            source_hash=file_hash(data),
            transcript=transcript_rows(transcript),
            analysis=to_json(analysis),
            language=transcript.language,
            mode=mode,
        )
    click.echo(
        f"raccord workspace (demo): http://127.0.0.1:{port}/  login: demo  password: {password}"
    )
    if no_serve:
        return
    import uvicorn

    from raccord.web.app import create_app

    uvicorn.run(
        create_app(url, home_dir=folder, mode=mode),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
