"""The workspace in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser). A therapist logs in, uploads a Zoom export, sees the markers on the timeline, opens an
episode, completes its formulation, records a reaction, runs the checker, switches language and downloads the report.
Screenshots go to a temporary folder, or to ``RACCORD_SCREENSHOTS`` when set: ``make screenshots``
refreshes docs/screenshots/ (linked from the README) without a test run dirtying the checkout."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("playwright")
pytest.importorskip("uvicorn")

from web_support import PASSWORD, make_app

CHROMIUM = os.environ.get("RACCORD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[1]
SAM = REPO / "src" / "raccord" / "demo" / "session-en-sam.vtt"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path, monkeypatch):
    import uvicorn

    from raccord.store import db
    from raccord.web import accounts

    app = make_app(tmp_path, monkeypatch, users=())
    accounts.add(app.state.engine, "dr-patel", PASSWORD, language="en")
    _ = db
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
            ],
        )
        context = browser.new_context(
            viewport={"width": 1200, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.base = server  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


def test_a_therapist_works_through_a_session_in_the_browser(page, tmp_path):
    base = page.base
    shots = Path(os.environ.get("RACCORD_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)

    # log in
    page.goto(f"{base}/patients")
    page.fill("#username", "dr-patel")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/patients")
    assert page.locator("h1").inner_text() == "Patients"

    # a patient, then the Zoom export of the session
    page.fill("#pseudonym", "Sam")
    page.click("form[action='/patients'] button[type=submit]")
    page.click("text=Sam")
    page.click("text=Upload a session")
    page.set_input_files("#file", str(SAM))
    page.fill("#date", "2026-11-27")
    page.click("form button[type=submit]")
    # Sam's role was guessed: confirm who the therapist is before anything is stored
    page.wait_for_selector("#confirm-form")
    assert page.locator("#confirm-form input[value='Dr. Patel']").is_checked()
    page.screenshot(path=str(shots / "confirm.png"))
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url(f"{base}/patients/Sam/sessions/1")
    assert "Session 1 stored" in page.locator(".flash").first.inner_text()

    # the markers are drawn on the timeline, coloured by family
    page.wait_for_selector("#timeline .scatterlayer .trace")
    drawn = page.locator("#timeline .scatterlayer .trace .points path").count()
    expected = int(page.locator("#timeline").get_attribute("data-markers") or 0)
    assert expected > 0 and drawn >= expected
    legend = page.locator("#timeline .legendtext").all_text_contents()
    assert "withdrawal" in legend and "confrontation" in legend
    page.locator("#timeline").screenshot(path=str(shots / "timeline.png"))
    page.screenshot(path=str(shots / "session.png"))

    # open the last episode (the macro-rupture; the demo's count of episodes follows the
    # shipped weights): its formulation and repair options
    n = page.locator("details[id^='episode-']").count()
    assert n >= 1
    page.click(f"#episode-{n} summary")
    episode = page.locator(f"#episode-{n}")
    assert episode.locator("text=Repair options").is_visible()
    assert "A run of closed questions" in episode.inner_text()
    episode.screenshot(path=str(shots / "episode.png"))

    # complete the formulation of that episode in one's own words: shown under the episode
    page.fill(f"#f{n - 1}-my_part", "I asked closed questions when she slowed down.")
    page.fill(f"#f{n - 1}-next_time", "Say what I notice and ask how my questions land.")
    page.click(f"#formulation-{n} button[type=submit]")
    page.wait_for_selector(f"text=Your formulation of episode {n} is saved.")
    page.click(f"#episode-{n} summary")
    assert (
        "I asked closed questions when she slowed down." in page.locator(f"#own-{n}").inner_text()
    )

    # record one's own reaction at a moment: it appears in the list and on the timeline
    page.fill("#turn", "21")
    page.select_option("#feeling", "irritated")
    page.fill("#intensity", "6")
    page.fill("#comment", "pushed harder when she went quiet")
    page.click("#journal-form button[type=submit]")
    page.wait_for_selector("text=Turn 21: irritated (6/10) — pushed harder when she went quiet")
    assert "your note" in page.locator("#timeline .legendtext").all_text_contents()

    # download the one-page report
    with page.expect_download() as download:
        page.click("#report-pdf")
    saved = tmp_path / "session-1.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # the checker
    page.click("header >> text=Checker")
    page.fill("#draft", "You always change the subject when I bring up your mother.")
    page.click("form[action='/checker'] button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.locator(".rule.missed").count() > 0
    assert page.locator("#rewrite").inner_text().strip()
    page.screenshot(path=str(shots / "checker.png"))

    # switch to French: the same page, in French, and it stays so
    page.select_option("select[name=language]", "fr")
    page.wait_for_selector("text=Vérificateur")
    assert page.locator("h1").inner_text() == "Vérificateur"
    page.goto(f"{base}/patients/Sam")
    assert "Évolution d'une séance à l'autre" in page.content().replace("&#39;", "'")
    page.screenshot(path=str(shots / "patient-fr.png"), full_page=True)
