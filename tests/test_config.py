from __future__ import annotations

from pathlib import Path

import pytest

from raccord.config import home


def test_raccord_home_is_where_raccord_stores_things(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "cabinet"))
    assert home() == tmp_path / "cabinet"
    assert (tmp_path / "cabinet").is_dir()
    assert (tmp_path / "cabinet").stat().st_mode & 0o077 == 0, "health data: owner only"


def test_without_raccord_home_the_user_data_directory_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("RACCORD_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert home() == tmp_path / "xdg" / "raccord"
