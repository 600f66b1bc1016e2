"""The ``raccord`` command: a thin layer over the Python API.

Each command lives in its own module and is imported only when run, so ``raccord --help`` starts
fast and a heavy optional part is never loaded for a command that does not need it.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from raccord import __version__
from raccord.errors import RaccordError

# command name -> (module, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "read": ("raccord.cli.transcripts", "read"),
    "convert": ("raccord.cli.transcripts", "convert"),
    "analyze": ("raccord.cli.analysis", "analyze"),
    "batch": ("raccord.cli.analysis", "batch"),
    "demo": ("raccord.cli.analysis", "demo"),
    "check": ("raccord.cli.check", "check"),
    "patient": ("raccord.cli.records", "patient"),
    "session": ("raccord.cli.records", "session"),
    "journal": ("raccord.cli.records", "journal_group"),
    "checkin": ("raccord.cli.records", "checkin"),
    "history": ("raccord.cli.records", "history"),
    "key": ("raccord.cli.records", "key"),
    "report": ("raccord.cli.report", "report"),
    "serve": ("raccord.cli.web", "serve"),
    "user": ("raccord.cli.web", "user"),
    "demo-web": ("raccord.cli.web", "demo_web"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="raccord")
@click.option(
    "--verbose",
    is_flag=True,
    help="Error messages quote the words of the file where the fault is (off by default: they"
    " may be a patient's words, and standard error is often logged).",
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Detect, understand and repair alliance ruptures in therapy session transcripts."""
    ctx.obj = {"verbose": verbose}


def main(argv: list[str] | None = None) -> Any:
    """Entry point: every error is one ``raccord: error: …`` line and exit status 2, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    verbose = (
        "--verbose" in args[: next((i for i, a in enumerate(args) if a in COMMANDS), len(args))]
    )
    try:
        result = cli.main(args=args, prog_name="raccord", standalone_mode=False)
        if isinstance(result, int) and not isinstance(result, bool) and result:
            sys.exit(result)  # click returns an Exit's status instead of raising it
        return result
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"raccord: error: {usage_message(exc)}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except RaccordError as exc:
        click.echo(f"raccord: error: {exc.detail(verbose)}", err=True)
        sys.exit(2)
    except OSError as exc:  # a disk full or a folder removed while writing: still one line
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"raccord: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


def usage_message(exc: click.ClickException) -> str:
    """A click error on one line, with the command it concerns and where to read more."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        return f"{ctx.command_path}: {message} (see '{ctx.command_path} --help')"
    return message
