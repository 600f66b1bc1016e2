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
def cli() -> None:
    """Detect, understand and repair alliance ruptures in therapy session transcripts."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point: a ``RaccordError`` becomes a one-line message and exit status 2, never a traceback."""
    try:
        return cli.main(args=argv, prog_name="raccord", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except RaccordError as exc:
        click.echo(f"raccord: error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
