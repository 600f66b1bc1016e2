"""Where raccord keeps what it stores: ``RACCORD_HOME``, else the user's data directory.

Analysis itself stores nothing; this is the one place later parts (patient records, caches) ask
for a folder, so a clinician can move everything raccord keeps by setting one variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """The folder raccord may write to (created on first use, readable by its owner only)."""
    configured = os.environ.get("RACCORD_HOME")
    path = (
        Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir("raccord"))
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
