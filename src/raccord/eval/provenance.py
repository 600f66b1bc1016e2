"""Where a figure comes from: the git state of the checkout a benchmark or a fit ran in."""

from __future__ import annotations

import subprocess
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[3]


def git(*args: str) -> str | None:
    """The output of ``git <args>`` in the checkout, or ``None`` outside one (an installed
    package, no git)."""
    try:
        out = subprocess.run(
            ["git", *args], cwd=_REPO_ROOT, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()
