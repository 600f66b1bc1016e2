"""The README is the user's manual: every command and every option it offers is there."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from raccord.cli import COMMANDS, cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
MANUAL = README[README.index("## Command line") :]


def _options(command: click.Command) -> list[str]:
    return [
        name
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for name in param.opts
        if name.startswith("--") and name != "--help"
    ]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_its_options_are_in_the_readme(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert re.search(rf"raccord {name}\b", MANUAL), f"`raccord {name}` has no example"
    row = next((line for line in MANUAL.splitlines() if line.startswith(f"| `{name}` |")), "")
    missing = [o for o in _options(command) if o not in row]
    assert not missing, f"{name}: options missing from the README table: {missing}"


def test_the_global_options_are_in_the_readme() -> None:
    row = next(line for line in MANUAL.splitlines() if line.startswith("| `raccord` |"))
    assert all(o in row for o in _options(cli))


def test_the_readme_names_no_command_that_does_not_exist() -> None:
    named = set(re.findall(r"^raccord (?:--\w+ )?([a-z]+)\b", MANUAL, flags=re.MULTILINE))
    assert named <= set(COMMANDS), named - set(COMMANDS)
