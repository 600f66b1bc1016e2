"""The workspace over HTTP, in process (Starlette's TestClient): every page and form, CSRF and
ownership refusals, bad uploads that store nothing, FR/EN per user."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient

from web_support import PASSWORD, csrf, login, make_app, upload

DEMO = Path(__file__).resolve().parents[1] / "src" / "raccord" / "demo"
SAM = DEMO / "session-en-sam.vtt"
MARC = DEMO / "seance-fr-marc.vtt"


@pytest.fixture
def app(tmp_path, monkeypatch):
    return make_app(tmp_path, monkeypatch)


def _client(app) -> TestClient:
    return TestClient(app)


def _with_session(app, who: str = "dr-martin", patient: str = "Marc", path: Path = MARC):
    client = _client(app)
    token = login(client, who)
    client.post("/patients", data={"csrf": token, "pseudonym": patient, "attachment": "avoidant"})
    answer = upload(client, token, patient, path.name, path.read_bytes(), date="2026-11-20")
    assert answer.status_code == 200 and answer.url.path == f"/patients/{patient}/sessions/1"
    assert "Séance 1 enregistrée" in answer.text  # the message after the upload
    return client, token


def test_a_page_without_login_leads_to_the_login_form(app):
    client = _client(app)
    for path in ("/patients", "/checker", "/patients/Marc", "/patients/Marc/sessions/1"):
        answer = client.get(path)
        assert answer.url.path == "/login"
        assert "Mot de passe" in answer.text


def test_a_wrong_password_is_refused_and_logins_are_rate_limited(app):
    client = _client(app)
    token = csrf(client.get("/login").text)
    for _ in range(5):
        answer = client.post(
            "/login", data={"csrf": token, "username": "dr-martin", "password": "guess"}
        )
        assert answer.status_code == 401
        assert "non reconnu" in answer.text
    answer = client.post(
        "/login", data={"csrf": token, "username": "dr-martin", "password": PASSWORD}
    )
    assert answer.status_code == 429
    assert "Trop de tentatives" in answer.text


def test_guessed_roles_are_confirmed_before_anything_is_stored(app):
    client = _client(app)
    token = login(client, "dr-martin")
    client.post("/patients", data={"csrf": token, "pseudonym": "Sam"})
    asked = client.post(
        "/patients/Sam/upload", data={"csrf": token}, files={"file": (SAM.name, SAM.read_bytes())}
    )
    assert asked.status_code == 200 and 'id="confirm-form"' in asked.text
    assert "Dr. Patel" in asked.text and "Sam" in asked.text
    assert "Aucune séance" in client.get("/patients/Sam").text  # nothing stored yet
    held = re.search(r'name="token" value="([^"]+)"', asked.text).group(1)
    # another therapist cannot use the pending upload
    intruder = _client(app)
    other = login(intruder, "dr-roux")
    intruder.post("/patients", data={"csrf": other, "pseudonym": "Sam"})
    stolen = intruder.post(
        "/patients/Sam/upload/confirm", data={"csrf": other, "token": held, "therapist": "Sam"}
    )
    assert stolen.status_code == 410 and "Aucune séance" in intruder.get("/patients/Sam").text
    done = client.post(
        "/patients/Sam/upload/confirm",
        data={"csrf": token, "token": held, "therapist": "Dr. Patel"},
    )
    assert done.url.path == "/patients/Sam/sessions/1"
    assert 'class="turn therapist' in done.text and ">Dr. Patel</div>" in done.text
    again = client.post(
        "/patients/Sam/upload/confirm",
        data={"csrf": token, "token": held, "therapist": "Dr. Patel"},
    )
    assert again.status_code == 410  # taken once
    assert client.get("/patients/Sam/sessions/2").status_code == 404


def test_the_session_cookie_is_signed_and_cannot_be_forged(app):
    client = _client(app)
    client.cookies.set("raccord_session", "eyJ1c2VyIjogImRyLW1hcnRpbiJ9.forged.sig")
    assert client.get("/patients").url.path == "/login"


def test_a_therapist_uploads_a_teams_export_and_reads_the_session(app):
    client, _token = _with_session(app)
    page = client.get("/patients/Marc/sessions/1")
    assert page.status_code == 200
    assert 'id="timeline"' in page.text and "Plotly.newPlot" in page.text
    assert 'class="tag withdrawal"' in page.text or 'class="tag confrontation"' in page.text
    assert "Épisode 1" in page.text
    assert "Pistes de réparation" in page.text
    # the patient's own words are in the transcript, next to their markers
    assert "Ouais. Bof. Sinon, vous avez vu le match de l'OM dimanche" in page.text.replace(
        "&#39;", "'"
    )
    patients = client.get("/patients")
    assert "Marc" in patients.text and "2026-11-20" in patients.text
    patient = client.get("/patients/Marc")
    assert patient.status_code == 200 and 'id="trend"' in patient.text
    assert "Séance 1" in patient.text


def test_the_therapist_records_a_reaction_at_a_moment_and_sees_it_on_the_timeline(app):
    client, token = _with_session(app)
    answer = client.post(
        "/patients/Marc/sessions/1/journal",
        data={
            "csrf": token,
            "turn": "29",
            "feeling": "irritated",
            "intensity": "6",
            "comment": "agacé par le changement de sujet",
        },
    )
    assert answer.status_code == 200
    assert "Tour 29 : agacé·e (6/10) — agacé par le changement de sujet" in answer.text.replace(
        "\xa0", " "
    )
    assert "votre note" in answer.text  # the note's trace on the timeline


def test_the_therapist_completes_the_formulation_of_an_episode_in_their_own_words(app):
    from sqlalchemy import text

    client, token = _with_session(app)
    page = client.get("/patients/Marc/sessions/1").text
    assert 'id="formulation-1"' in page and "Compléter la formulation avec vos mots" in page
    words = {
        "episode": "0",
        "patient_part": "Marc se retire quand je propose un exercice à faire chez lui.",
        "my_part": "J'ai insisté au lieu de demander ce que l'exercice lui faisait.",
        "cycle": "Plus j'insiste, plus il se tait ; plus il se tait, plus j'explique.",
        "need": "Garder la main sur le rythme du travail.",
        "next_time": "",
    }
    saved = client.post("/patients/Marc/sessions/1/formulation", data={"csrf": token, **words})
    assert saved.url.path == "/patients/Marc/sessions/1"
    shown = _plain(saved.text)
    assert "Votre formulation de l'épisode 1 est enregistrée." in shown
    assert "Votre formulation" in shown and "Ma part :" in shown
    assert "Plus j'insiste, plus il se tait" in shown
    assert "Ce que j'essaierai la prochaine fois :</i>" not in shown  # left empty
    # in the session report's details, in the therapist's words
    report = _plain(client.get("/patients/Marc/sessions/1/report.md?names=keep").text)
    assert "**Votre formulation**" in report
    assert "- *Le besoin :* Garder la main sur le rythme du travail." in report
    # saving again replaces it; the text is kept encrypted in the records
    client.post(
        "/patients/Marc/sessions/1/formulation",
        data={"csrf": token, "episode": "0", "need": "Être reconnu dans son rythme."},
    )
    page = client.get("/patients/Marc/sessions/1").text
    assert "Être reconnu dans son rythme." in page and "Garder la main" not in page
    with app.state.engine.connect() as db:
        stored = db.execute(text("select fields_enc from formulations")).all()
    assert len(stored) == 1 and b"rythme" not in bytes(stored[0][0])
    # an episode the session does not have is a 404 and stores nothing
    missing = client.post(
        "/patients/Marc/sessions/1/formulation",
        data={"csrf": token, "episode": "99", "need": "Rien"},
    )
    assert missing.status_code == 404


def test_a_check_in_is_stored_and_a_bad_score_is_refused(app):
    client, token = _with_session(app)
    bad = client.post(
        "/patients/Marc/sessions/1/checkin", data={"csrf": token, "relationship": "12"}
    )
    assert bad.status_code == 400
    assert "un nombre entier de 0 à 10" in bad.text
    good = client.post(
        "/patients/Marc/sessions/1/checkin",
        data={
            "csrf": token,
            "relationship": "7",
            "goals": "5",
            "approach": "6",
            "overall": "6",
            "tension": "yes",
            "tension_resolved": "no",
        },
    )
    assert good.status_code == 200 and good.url.path == "/patients/Marc"
    assert "7 · 5 · 6 · 6" in good.text


def test_the_checker_page_names_each_rule_and_proposes_a_rewrite(app):
    client = _client(app)
    token = login(client, "dr-martin")
    answer = client.post(
        "/checker",
        data={"csrf": token, "draft": "Vous êtes toujours sur la défensive.", "approach": "direct"},
    )
    assert answer.status_code == 200
    assert 'class="rule missed"' in answer.text
    assert 'id="rewrite"' in answer.text


def test_the_interface_language_is_chosen_per_user(app):
    client = _client(app)
    token = login(client, "dr-martin")
    assert (
        "Patients" in client.get("/patients").text
        and "Ajouter un patient" in client.get("/patients").text
    )
    answer = client.post("/language", data={"csrf": token, "language": "en", "next": "/checker"})
    assert answer.url.path == "/checker"
    assert "Type a draft repair statement" in answer.text
    other = _client(app)
    login(other, "dr-roux")
    assert "Ajouter un patient" in other.get("/patients").text  # the other user keeps French


def test_every_form_refuses_a_missing_or_wrong_csrf_token_and_stores_nothing(app):
    client, _token = _with_session(app)
    posts = {
        "/patients": {"pseudonym": "Intrus"},
        "/patients/Marc/upload": {},
        "/patients/Marc/upload/confirm": {"token": "x"},
        "/patients/Marc/sessions/1/journal": {"turn": "3", "feeling": "bored"},
        "/patients/Marc/sessions/1/checkin": {"relationship": "3"},
        "/patients/Marc/sessions/1/formulation": {"episode": "0", "need": "Intrusion"},
        "/patients/Marc/shares": {"supervisor": "superviseure", "session": "1"},
        "/patients/Marc/shares/1/delete": {},
        "/checker": {"draft": "Vous êtes toujours en retard."},
        "/language": {"language": "en"},
        "/logout": {},
    }
    for path, data in posts.items():
        for sent in ({}, {"csrf": "not-the-token"}):
            answer = client.post(path, data={**data, **sent})
            assert answer.status_code == 403, path
            assert "rechargez la page" in answer.text
    assert "Intrus" not in client.get("/patients").text
    session = client.get("/patients/Marc/sessions/1").text
    assert "Tour 3 :" not in session.replace("\xa0", " ")
    assert "Aucun check-in" in client.get("/patients/Marc").text
    assert "Partagé avec personne." in client.get("/patients/Marc").text
    assert "Intrusion" not in session
    assert "Ajouter un patient" in client.get("/patients").text  # still French, still logged in


def test_another_therapist_gets_404_on_every_route_taking_an_id(app):
    _with_session(app, "dr-martin", "Marc")
    intruder = _client(app)
    token = login(intruder, "dr-roux")
    gets = [
        "/patients/Marc",
        "/patients/Marc/upload",
        "/patients/Marc/sessions/1",
        "/patients/Marc/sessions/1/checkin",
        "/patients/Marc/sessions/1/report.md",
        "/patients/Marc/sessions/1/report.html",
        "/patients/Marc/sessions/1/report.pdf",
        "/patients/Marc/supervision.md",
    ]
    for path in gets:
        answer = intruder.get(path)
        assert answer.status_code == 404, path
        assert "Introuvable" in answer.text
        assert not _shows_marcs_session(answer.text), path
    posts = {
        "/patients/Marc/upload": None,
        "/patients/Marc/upload/confirm": {"token": "x", "therapist": "Marc"},
        "/patients/Marc/sessions/1/journal": {"turn": "2", "feeling": "bored"},
        "/patients/Marc/sessions/1/checkin": {"relationship": "2"},
        "/patients/Marc/sessions/1/formulation": {"episode": "0", "need": "Intrusion"},
        "/patients/Marc/shares": {"supervisor": "dr-roux", "session": ""},
        "/patients/Marc/shares/1/delete": {},
    }
    for path, data in posts.items():
        if data is None:
            answer = intruder.post(
                path, data={"csrf": token}, files={"file": (SAM.name, SAM.read_bytes())}
            )
        else:
            answer = intruder.post(path, data={"csrf": token, **data})
        assert answer.status_code == 404, path
    assert "Marc" not in intruder.get("/patients").text
    # every route of the application that takes an id was walked above
    walked = {
        p.replace("Marc", "{patient}").replace("sessions/1", "sessions/{number:int}")
        for p in [*gets, *posts]
    }
    walked = {p.replace("shares/1", "shares/{share:int}") for p in walked}
    walked = {p.replace(".md", ".{fmt}") for p in walked}
    with_ids = {r.path for r in app.routes if "{patient}" in getattr(r, "path", "")}
    assert with_ids <= walked, with_ids - walked
    owner = _client(app)
    login(owner, "dr-martin")
    assert "Aucun check-in" in owner.get("/patients/Marc").text
    assert owner.get("/patients/Marc/sessions/2").status_code == 404
    from sqlalchemy import select

    from raccord.store.schema import AuditEntry

    with app.state.engine.connect() as db:
        actions = [row[0] for row in db.execute(select(AuditEntry.action))]
    assert {"web.login", "patient.add", "session.add", "session.read", "patient.read"} <= set(
        actions
    )


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "photo.png"),
        ("vide.vtt", b"", "vide.vtt"),
        (
            "notes.txt",
            "Bonjour à tous, ceci n'est pas une transcription.".encode("utf-16"),
            "notes.txt",
        ),
        (
            "seance.vtt",
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\xff\xfe\xfa garbage \x00\x01\n",
            "seance.vtt",
        ),
    ],
)
def test_a_bad_upload_gets_a_clear_message_and_stores_nothing(app, name, content, says):
    client = _client(app)
    token = login(client, "dr-martin")
    client.post("/patients", data={"csrf": token, "pseudonym": "Léa"})
    answer = client.post(
        "/patients/Léa/upload", data={"csrf": token}, files={"file": (name, content)}
    )
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and says in answer.text
    assert "Aucune séance" in client.get("/patients/Léa").text


def test_an_upload_over_the_size_limit_is_refused_before_reading_it(app):
    from raccord.web.app import MAX_UPLOAD

    client = _client(app)
    token = login(client, "dr-martin")
    client.post("/patients", data={"csrf": token, "pseudonym": "Léa"})
    answer = client.post(
        "/patients/Léa/upload",
        data={"csrf": token},
        files={"file": ("gros.vtt", b"WEBVTT\n\n" + b"a" * MAX_UPLOAD)},
    )
    assert answer.status_code == 413
    assert "gros.vtt" in answer.text and "au plus 20 Mo" in answer.text
    assert "Aucune séance" in client.get("/patients/Léa").text
    # far larger (its Content-Length says so): refused before the body is even parsed
    huge = client.post(
        "/patients/Léa/upload",
        data={"csrf": token},
        files={"file": ("enorme.vtt", b"WEBVTT\n\n" + b"a" * (MAX_UPLOAD + 2 * 1024 * 1024))},
    )
    assert huge.status_code == 413 and "rien n'a été enregistré" in huge.text.replace("&#39;", "'")
    assert "Aucune séance" in client.get("/patients/Léa").text


def test_an_upload_without_a_file_asks_for_one(app):
    client = _client(app)
    token = login(client, "dr-martin")
    client.post("/patients", data={"csrf": token, "pseudonym": "Léa"})
    answer = client.post("/patients/Léa/upload", data={"csrf": token})
    assert answer.status_code == 400 and "Choisissez un fichier" in answer.text


def test_the_same_file_uploaded_twice_is_stored_once(app):
    client, token = _with_session(app)
    again = client.post(
        "/patients/Marc/upload",
        data={"csrf": token},
        files={"file": (MARC.name, MARC.read_bytes())},
    )
    assert again.status_code == 409
    assert "déjà enregistré (séance 1)" in again.text
    assert client.get("/patients/Marc/sessions/2").status_code == 404


def test_reports_download_pseudonymised_in_the_users_language(app):
    client, _token = _with_session(app, patient="Sam", path=SAM)
    md = client.get("/patients/Sam/sessions/1/report.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert "## Moments clés" in md.text
    assert not re.search(r"\bSam\b", md.text) and "Patel" not in md.text
    html = client.get("/patients/Sam/sessions/1/report.html")
    assert "<script>" in html.text and "Plotly.newPlot" in html.text
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed: the PDF is not tested here")
    pdf = client.get("/patients/Sam/sessions/1/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_supervision_report_of_a_patient_downloads(app):
    client, _token = _with_session(app)
    md = client.get("/patients/Marc/supervision.md")
    assert md.status_code == 200
    assert md.text.startswith("# Rapport pour la supervision")
    assert "## Questions à apporter en supervision" in md.text
    assert "Marc" not in md.text


# every route a therapist uses, as the supervisor walks it (ids of dr-martin's patient Marc)
THERAPIST_GETS = (
    "/patients",
    "/checker",
    "/patients/Marc",
    "/patients/Marc/upload",
    "/patients/Marc/supervision.md",
    "/patients/Marc/sessions/1",
    "/patients/Marc/sessions/2",
    "/patients/Marc/sessions/1/checkin",
    "/patients/Marc/sessions/1/report.md",
    "/patients/Marc/sessions/1/report.pdf",
)
THERAPIST_POSTS = {
    "/patients": {"pseudonym": "Intrus"},
    "/checker": {"draft": "Vous êtes toujours en retard."},
    "/patients/Marc/upload": {},
    "/patients/Marc/upload/confirm": {"token": "x", "therapist": "Marc"},
    "/patients/Marc/sessions/1/journal": {"turn": "2", "feeling": "bored"},
    "/patients/Marc/sessions/1/checkin": {"relationship": "2"},
    "/patients/Marc/sessions/1/formulation": {"episode": "0", "need": "Intrusion"},
    "/patients/Marc/shares": {"supervisor": "superviseure", "session": ""},
    "/patients/Marc/shares/1/delete": {},
}


def _plain(html: str) -> str:
    """The page's text with entities decoded and French typography's non-breaking spaces (and
    typographic apostrophes) read as plain ones."""
    return unescape(html).replace("\xa0", " ").replace("\u202f", " ").replace("\u2019", "'")


def _shows_marcs_session(html: str) -> bool:
    """Whether a page shows anything of Marc's session (« l'OM », « Séance 1 »), read without
    its attribute values: a random CSRF token may hold the letters « OM »."""
    text = re.sub(r'value="[^"]*"', "", html)
    return bool(re.search(r"\bOM\b", text)) or "Séance 1" in text


def _walk_as_supervisor(client, token, shared: dict[str, int]) -> None:
    """Every route of the application as the supervisor: what is shared (``shared``: path ->
    expected status) answers, everything else is a 404 that shows nothing of Marc's session."""
    for path in THERAPIST_GETS:
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert not _shows_marcs_session(answer.text), path
    for path, data in THERAPIST_POSTS.items():
        answer = client.post(path, data={"csrf": token, **data})
        assert answer.status_code == 404, path
    for path in (
        "/shared/1/sessions/1",
        "/shared/1/sessions/2",
        "/shared/1/sessions/1/report.md",
        "/shared/2/sessions/1",
        "/shared/1/sessions/1/report.exe",
    ):
        answer = client.get(path)
        assert answer.status_code == shared.get(path, 404), path
        if answer.status_code == 404:
            assert not _shows_marcs_session(answer.text) and "Introuvable" in answer.text, path


def test_a_supervisor_sees_only_what_was_shared_read_only_and_unsharing_ends_it(app):
    from sqlalchemy import select

    from raccord.store.schema import AuditEntry, Therapist
    from raccord.web import accounts

    therapist, token = _with_session(app)
    upload(therapist, token, "Marc", SAM.name, SAM.read_bytes())  # session 2, not shared
    therapist.post(
        "/patients/Marc/sessions/1/formulation",
        data={"csrf": token, "episode": "0", "need": "Que Marc puisse dire non."},
    )
    accounts.add(app.state.engine, "superviseure", PASSWORD, role="supervisor")
    supervisor = _client(app)
    stoken = login(supervisor, "superviseure", lands="/shared")
    assert "Rien ne vous a encore été partagé." in supervisor.get("/shared").text
    _walk_as_supervisor(supervisor, stoken, {})

    # sharing needs an existing supervisor account: a therapist's name is refused, nothing stored
    refused = therapist.post(
        "/patients/Marc/shares", data={"csrf": token, "supervisor": "dr-roux", "session": "1"}
    )
    assert refused.status_code == 400 and "« dr-roux »" in _plain(refused.text)
    # the therapist shares session 1 from the session page
    page = therapist.get("/patients/Marc/sessions/1").text
    assert 'id="share-form"' in page and "Partagé avec personne." in page
    shared = therapist.post(
        "/patients/Marc/shares", data={"csrf": token, "supervisor": "superviseure", "session": "1"}
    )
    assert shared.url.path == "/patients/Marc/sessions/1"
    assert "La séance 1 est désormais partagée avec superviseure" in shared.text
    assert "superviseure voit cette séance (lecture seule)." in shared.text

    listing = supervisor.get("/shared").text
    assert "Marc" in listing and "dr-martin" in listing
    assert "/shared/1/sessions/1" in listing and "/shared/1/sessions/2" not in listing
    _walk_as_supervisor(
        supervisor, stoken, {"/shared/1/sessions/1": 200, "/shared/1/sessions/1/report.md": 200}
    )
    seen = supervisor.get("/shared/1/sessions/1")
    assert "Partagée par dr-martin" in seen.text and "lecture seule" in seen.text
    assert 'class="turn' in seen.text and "[patient]" in seen.text  # speakers pseudonymised
    assert "<form" not in seen.text.split("</header>")[1]  # read only: no form on the page
    assert "Que [patient] puisse dire non." in seen.text  # the formulation, pseudonymised
    report = supervisor.get("/shared/1/sessions/1/report.md?names=keep")
    assert report.headers["content-disposition"].endswith('"session-1.md"')
    assert "[patient]" in report.text  # the supervisor's copy stays pseudonymised

    # unsharing ends it; sharing every session of the patient from the patient's page
    gone = therapist.post("/patients/Marc/shares/1/delete", data={"csrf": token})
    assert "Partage arrêté" in _plain(gone.text) and "Partagé avec personne." in gone.text
    _walk_as_supervisor(supervisor, stoken, {})
    therapist.post(
        "/patients/Marc/shares", data={"csrf": token, "supervisor": "superviseure", "session": ""}
    )
    assert "superviseure voit toutes les séances" in therapist.get("/patients/Marc").text
    listing = supervisor.get("/shared").text
    links = re.findall(r'href="(/shared/\d+/sessions/\d+)"', listing)
    assert [link.rsplit("/", 1)[1] for link in links] == ["1", "2"]
    assert supervisor.get(links[1]).status_code == 200

    with app.state.engine.connect() as db:
        rows = db.execute(
            select(AuditEntry.action, Therapist.name).join(
                Therapist, Therapist.id == AuditEntry.therapist_id
            )
        ).all()
    assert ("share.add", "dr-martin") in rows and ("share.remove", "dr-martin") in rows
    assert ("shared.read", "superviseure") in rows
    reads = [r for r in rows if r == ("shared.read", "superviseure")]
    assert len(reads) >= 3  # the page, the report, the second sharing's session
    # the supervisor's routes are the supervisor's alone: a therapist gets 404 there
    assert therapist.get("/shared").status_code == 404
    assert therapist.get(links[0]).status_code == 404


def test_the_plotly_script_is_served_from_the_package(app):
    client = _client(app)
    answer = client.get("/static/plotly.js")
    assert answer.status_code == 200 and "plotly" in answer.text[:2000].lower()
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_the_demo_workspace_seeds_three_patients_and_prints_a_working_login(
    tmp_path, monkeypatch, capsys
):
    import re as regex

    from raccord.cli import main
    from raccord.web.app import create_app

    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RACCORD_KEY", raising=False)
    for _ in range(2):  # a second run adds nothing and gives a new password
        main(["demo-web", "--no-serve", "--mode", "fast"])
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    password = regex.search(r"password: (\S+)", printed).group(1)
    folder = tmp_path / "home" / "demo-workspace"
    app = create_app(f"sqlite:///{folder / 'raccord.sqlite'}", home_dir=folder, mode="fast")
    client = TestClient(app)
    login(client, "demo", password)
    page = client.get("/patients").text
    for name in ("Léa", "Marc", "Sam"):
        assert f">{name}</a>" in page
        assert client.get(f"/patients/{name}/sessions/1").status_code == 200
        assert client.get(f"/patients/{name}/sessions/2").status_code == 404


def test_user_add_reads_the_password_from_stdin_and_it_logs_in(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from raccord.cli import cli
    from raccord.web.app import create_app

    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RACCORD_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    runner = CliRunner()
    done = runner.invoke(
        cli,
        [
            "user",
            "add",
            "dr-blanc",
            "--role",
            "therapist",
            "--lang",
            "en",
            "--password-stdin",
            "--db",
            url,
        ],
        input="une phrase assez longue\n",
    )
    assert done.exit_code == 0, done.output
    assert "dr-blanc (therapist, en)" in done.output
    short = runner.invoke(
        cli, ["user", "add", "dr-noir", "--password-stdin", "--db", url], input="court\n"
    )
    assert short.exit_code != 0 and "password too short" in str(short.exception)
    client = TestClient(create_app(url, home_dir=tmp_path / "home", mode="fast"))
    token = login(client, "dr-blanc", "une phrase assez longue")
    assert token and "Add a patient" in client.get("/patients").text


def test_serve_listens_on_loopback_and_warns_when_opened_wider(tmp_path, monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from raccord.cli import cli

    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RACCORD_KEY", raising=False)
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))  # do not block the test
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    quiet = CliRunner().invoke(cli, ["serve", "--db", url])
    assert quiet.exit_code == 0 and "Warning" not in quiet.output
    assert calls[-1]["host"] == "127.0.0.1"
    wide = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", url])
    assert wide.exit_code == 0
    assert "Warning: listening on 0.0.0.0" in wide.output
    assert calls[-1]["host"] == "0.0.0.0"


def test_concurrent_first_requests_all_read_the_same_complete_key(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from raccord.store import crypto

    monkeypatch.delenv("RACCORD_KEY", raising=False)
    home = tmp_path / "fresh-home"
    with ThreadPoolExecutor(max_workers=16) as pool:
        ciphers = list(pool.map(lambda _: crypto.load(home), range(64)))
    assert len({tuple(c.keys) for c in ciphers}) == 1
    assert [p.name for p in home.iterdir()] == ["key"]
