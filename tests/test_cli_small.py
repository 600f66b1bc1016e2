"""The small things a new user trips on: empty or foreign drafts, corpus ids, size limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from raccord.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
    except SystemExit as stop:
        code = int(stop.code or 0)
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("draft", ["", "   \n"])
def test_an_empty_draft_is_a_usage_error_not_an_invented_rewrite(
    draft: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["check", draft], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("raccord: error: the statement to check is empty")


@pytest.mark.parametrize(
    "draft",
    [
        "Ich habe bemerkt, dass Sie still wurden, als ich die Arbeit angesprochen habe. Wie haben"
        " Sie das erlebt?",
        "He notado que se quedó callado cuando hablé del trabajo. ¿Cómo lo vivió usted?",
    ],
)
def test_a_draft_in_another_language_is_refused_like_a_session(
    draft: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["check", draft], capsys)
    assert (code, out) == (2, "")
    assert "this statement seems to be in another language" in err


def test_a_short_french_draft_is_still_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["check", "Tu es distant."], capsys)
    assert code == 1 and err == ""


def test_one_session_of_a_corpus_is_analysed_even_if_another_is_unreadable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["analyze", str(FIXTURES / "soutien_corpus_en.csv"), "--mode", "fast"]
    code, out, _ = _run([*args, "--id", "103"], capsys)
    assert code == 0
    # the title may wrap on a narrow console when the checkout's path is long
    assert " ".join(out.split()).startswith(
        f"Session — {FIXTURES / 'soutien_corpus_en.csv'}, session 103"
    )
    code, _, err = _run([*args, "--id", "102"], capsys)
    assert code == 2 and "session 102: this transcript seems to be in another language" in err


def test_the_size_limit_names_an_option_that_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "long.txt"
    big.write_text("T: Bonjour.\nP: Bonjour.\n" * 60_000, encoding="utf-8")
    code, _, err = _run(["analyze", str(big), "--max-size", "1"], capsys)
    assert code == 2 and "raise the limit with --max-size MB" in err and "max_bytes" not in err
    code, _, err = _run(
        ["batch", str(big), "--out", str(tmp_path / "o"), "--max-size", "1"], capsys
    )
    assert code == 2 and "above the 1 MB limit" in err
