"""The workspace's routes: login, patients, a patient, upload, the session, journal, check-in,
checker and reports. Server-rendered Jinja2 pages; the only script is Plotly's, served from the
installed package.

Security: passwords checked with argon2 (``accounts``); the session is a cookie signed with a
secret kept under ``RACCORD_HOME`` (Starlette's ``SessionMiddleware``, itsdangerous); every POST
carries the session's CSRF token or is refused (403); failed logins are limited per name and per
client address; every route taking a patient or a session reads it through ``Records`` scoped to
the logged-in therapist, so another therapist's id is a 404, never data. Records write the audit
log (reads and changes). Nothing here logs what a patient said.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from raccord.errors import MissingExtraError, NotFoundError, RaccordError
from raccord.history.data import FORMULATION_FIELDS
from raccord.report.wording import Words, words

MAX_UPLOAD = 20 * 1024 * 1024
LOGIN_WINDOW = 60.0
LOGIN_FAILURES = 5
SECRET_FILE = "web-secret"
CHECKIN_FIELDS = ("relationship", "goals", "approach", "overall")
FORMULATION_MAX = 4000  # characters kept per field of the therapist's own formulation
BOTH = ("therapist", "supervisor")
SUPERVISOR = ("supervisor",)


def _secret(home: Path) -> str:
    path = home / SECRET_FILE
    if path.exists():
        return path.read_text("utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value)
    return value


class LoginLimiter:
    """At most ``LOGIN_FAILURES`` failed logins per name and per address in ``LOGIN_WINDOW`` s."""

    def __init__(self, failures: int = LOGIN_FAILURES, window: float = LOGIN_WINDOW) -> None:
        self.failures, self.window = failures, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                q = self._seen[key]
                while q and now - q[0] > self.window:
                    q.popleft()
                if len(q) >= self.failures:
                    return True
        return False

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._seen[key].append(time.monotonic())


class PendingUploads:
    """Uploads waiting for the therapist to confirm who the therapist is (roles were guessed):
    kept in this process's memory only (never on disk, never in the records), for one user and
    one patient, for ``PENDING_TTL`` seconds, taken once."""

    def __init__(self, ttl: float = 1800.0) -> None:
        self.ttl = ttl
        self._held: dict[str, tuple[str, str, str, bytes, dt.date | None, float]] = {}
        self._lock = threading.Lock()

    def put(self, user: str, patient: str, filename: str, data: bytes, when: dt.date | None) -> str:
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            for key in [k for k, v in self._held.items() if v[5] < now]:
                del self._held[key]
            self._held[token] = (user, patient, filename, data, when, now + self.ttl)
        return token

    def take(self, token: str, user: str, patient: str) -> tuple[str, bytes, dt.date | None] | None:
        with self._lock:
            held = self._held.get(token)
            if held is None or held[0] != user or held[1] != patient or held[5] < time.monotonic():
                return None
            del self._held[token]
        return held[2], held[3], held[4]


def lang_methods(w: Words) -> dict[str, str]:
    """How each speaker's role was decided, in the user's language (the pack's ``role_method``)."""
    return w.choices("web", "role_methods")


def create_app(
    db_url: str | None = None,
    *,
    home_dir: Path | None = None,
    mode: str = "full",
    limiter: LoginLimiter | None = None,
) -> Any:
    """The Starlette application over the records at ``db_url`` (as ``--db``)."""
    try:
        from starlette.applications import Starlette
        from starlette.concurrency import run_in_threadpool
        from starlette.middleware import Middleware
        from starlette.middleware.sessions import SessionMiddleware
        from starlette.requests import Request
        from starlette.responses import RedirectResponse, Response
        from starlette.routing import Route
        from starlette.templating import Jinja2Templates
    except ImportError as exc:  # pragma: no cover - installed with the 'web' extra
        raise MissingExtraError(
            "the dashboard needs the 'web' extra", expected="pip install 'raccord[web]'"
        ) from exc

    from raccord.config import home
    from raccord.report import document, plot
    from raccord.report import view as session_view
    from raccord.store import db
    from raccord.store.records import Records
    from raccord.web import accounts

    base = home_dir or home()
    engine = db.engine(db_url)
    url = db.resolve_url(db_url)
    limits = limiter or LoginLimiter()
    pending = PendingUploads()
    templates = Jinja2Templates(directory=str(resources.files("raccord.web").joinpath("templates")))
    static = resources.files("raccord.web").joinpath("static")

    def records(request: Request) -> Records:
        return Records(url, therapist=request.state.user.name, home_dir=base, engine=engine)

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = secrets.token_urlsafe(32)
            request.session["csrf"] = token
        return str(token)

    def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        user = getattr(request.state, "user", None)
        code = user.language if user else request.session.get("lang", "fr")
        w = words(code)
        context.setdefault("flash", request.session.pop("flash", None))
        return templates.TemplateResponse(
            request,
            template,
            {
                "w": w,
                "user": user,
                "csrf": csrf_token(request),
                "t": lambda key, **v: w.t("web", key, **v),
                **context,
            },
            status_code=status,
        )

    def form_checked(request: Request) -> Any:
        form = request.state.form
        sent = str(form.get("csrf", ""))
        expected = str(request.session.get("csrf", ""))
        if not expected or not hmac.compare_digest(sent, expected):
            raise PermissionError
        return form

    def route(
        handler: Callable[..., Any], *, login: bool = True, roles: tuple[str, ...] = ("therapist",)
    ) -> Callable[..., Any]:
        """The handler behind the login check and the error pages. The body (form, upload) is
        read here; the handler itself (database, analysis, templates) runs in a worker thread so
        one long upload never holds the other users' pages. A logged-in account whose role is
        not in ``roles`` gets 404 (a supervisor reaches only what was shared with them)."""

        async def wrapped(request: Request) -> Response:
            request.state.form = {}
            if request.method == "POST":
                length = int(request.headers.get("content-length") or 0)
                if length > MAX_UPLOAD + 1024 * 1024:
                    request.state.too_large = length
                else:
                    request.state.form = await request.form(max_part_size=MAX_UPLOAD + 1024)
            try:
                result: Response = await run_in_threadpool(checked, request)
                return result
            finally:
                close = getattr(request.state.form, "close", None)
                if close is not None:
                    await close()

        def checked(request: Request) -> Response:
            request.state.user = None
            name = request.session.get("user")
            if name:
                request.state.user = accounts.get(engine, str(name))
            if login and request.state.user is None:
                return RedirectResponse("/login", status_code=303)
            try:
                user = request.state.user
                if user is not None and login and user.role not in roles:
                    raise NotFoundError("no such page")
                result: Response = handler(request)
                return result
            except PermissionError:
                return page(
                    request,
                    "message.html",
                    403,
                    message=words(request.state.user.language if request.state.user else "fr").t(
                        "web", "csrf"
                    ),
                )
            except NotFoundError:
                return page(request, "message.html", 404, message=_w(request).t("web", "not_found"))

        return wrapped

    def _w(request: Request) -> Words:
        user = getattr(request.state, "user", None)
        return words(user.language if user else request.session.get("lang", "fr"))

    # ------------------------------------------------------------------ login

    def landing(account: Any) -> str:
        return "/shared" if account.role == "supervisor" else "/patients"

    def login_page(request: Request) -> Response:
        if request.method == "GET":
            return page(request, "login.html")
        form = form_checked(request)
        name = str(form.get("username", "")).strip()
        keys = (f"name:{name}", f"addr:{request.client.host if request.client else '-'}")
        if limits.blocked(*keys):
            return page(request, "login.html", 429, error=_w(request).t("web", "too_many"))
        account = accounts.verify(engine, name, str(form.get("password", "")))
        if account is None:
            limits.failed(*keys)
            if accounts.get(engine, name) is not None:
                Records(url, therapist=name, home_dir=base, engine=engine).log("web.login_failed")
            return page(request, "login.html", 401, error=_w(request).t("web", "bad_login"))
        Records(url, therapist=account.name, home_dir=base, engine=engine).log("web.login")
        request.session.clear()
        request.session["user"] = account.name
        request.session["csrf"] = secrets.token_urlsafe(32)
        return RedirectResponse(landing(account), status_code=303)

    def logout(request: Request) -> Response:
        form_checked(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    def language(request: Request) -> Response:
        form = form_checked(request)
        accounts.set_language(engine, request.state.user.name, str(form.get("language", "fr")))
        back = str(form.get("next", ""))
        return RedirectResponse(
            back
            if back.startswith("/") and not back.startswith("//")
            else landing(request.state.user),
            status_code=303,
        )

    # ------------------------------------------------------------------ patients

    def patients(request: Request) -> Response:
        from raccord.history import build
        from raccord.history.render import to_json

        r = records(request)
        message = None
        if request.method == "POST":
            form = form_checked(request)
            r.add_patient(str(form.get("pseudonym", "")), str(form.get("attachment", "unknown")))
            return RedirectResponse("/patients", status_code=303)
        rows = []
        for p in r.patients():
            alerts: list[str] = []
            if p.sessions:
                alerts = [
                    a["reason"]
                    for a in to_json(build(r.record(p.pseudonym), mode="fast"))["alerts"]
                ]
            rows.append({"p": p, "alerts": alerts})
        return page(
            request,
            "patients.html",
            rows=rows,
            message=message,
            attachments=_w(request).choices("web", "attachments"),
        )

    def patient(request: Request) -> Response:
        from raccord.history import build
        from raccord.history.render import open_item_line, to_json

        name = request.path_params["patient"]
        r = records(request)
        record = r.record(name)
        history = build(record, mode="fast")
        data = to_json(history)
        w = _w(request)
        code = record.language
        trend = None
        if history.trends:
            trend = plot.trend(
                [t.session for t in history.trends],
                {
                    w.label("headings", "patient_score").rstrip(" :\xa0\u202f"): [
                        t.patient_rupture for t in history.trends
                    ],
                    w.label("headings", "therapist_score").rstrip(" :\xa0\u202f"): [
                        t.therapist_contribution for t in history.trends
                    ],
                    "check-in": [
                        None if t.checkin is None else t.checkin / 10 for t in history.trends
                    ],
                },
            )
        return page(
            request,
            "patient.html",
            name=name,
            record=record,
            history=data,
            trend=trend,
            items=[open_item_line(code, i) for i in history.open_items],
            attachment=w.choices("web", "attachments").get(record.attachment, record.attachment),
            shares=r.shares(name),
        )

    def upload(request: Request) -> Response:
        from raccord.store.records import file_hash

        name = request.path_params["patient"]
        r = records(request)
        r.attachment(name)  # the patient is this therapist's, or 404
        w = _w(request)
        if request.method == "GET":
            return page(request, "upload.html", name=name)
        too_large = getattr(request.state, "too_large", None)
        if too_large is not None:
            return page(
                request,
                "upload.html",
                413,
                name=name,
                error=w.t(
                    "web",
                    "too_large",
                    size=too_large // (1024 * 1024),
                    limit=MAX_UPLOAD // (1024 * 1024),
                ),
            )
        form = form_checked(request)
        upload_file = form.get("file")
        if upload_file is None or not getattr(upload_file, "filename", ""):
            return page(request, "upload.html", 400, name=name, error=w.t("web", "no_file"))
        data = upload_file.file.read(MAX_UPLOAD + 1)
        filename = Path(str(upload_file.filename)).name
        if len(data) > MAX_UPLOAD:
            return page(
                request,
                "upload.html",
                413,
                name=name,
                error=f"{filename}: "
                + w.t(
                    "web",
                    "too_large",
                    size=len(data) // (1024 * 1024),
                    limit=MAX_UPLOAD // (1024 * 1024),
                ),
            )
        when = None
        if form.get("date"):
            try:
                when = dt.date.fromisoformat(str(form.get("date")))
            except ValueError:
                return page(
                    request, "upload.html", 400, name=name, error=f"{form.get('date')}: YYYY-MM-DD"
                )
        digest = file_hash(data)
        known = r.find_by_hash(digest)
        if known is not None:
            return page(
                request, "upload.html", 409, name=name, error=w.t("web", "already", number=known[1])
            )
        therapist = str(form.get("therapist", "")).strip() or None
        try:
            transcript = read_upload(data, filename, therapist)
        except RaccordError as exc:
            return page(request, "upload.html", 400, name=name, error=str(exc))
        guessed = [ra for ra in transcript.roles if ra.method in ("heuristic", "default")]
        if guessed and therapist is None:
            token = pending.put(request.state.user.name, name, filename, data, when)
            return page(
                request,
                "confirm.html",
                name=name,
                token=token,
                filename=filename,
                roles=transcript.roles,
                methods=lang_methods(w),
            )
        return store_upload(request, r, name, filename, data, when, transcript)

    def upload_confirm(request: Request) -> Response:
        name = request.path_params["patient"]
        r = records(request)
        r.attachment(name)  # the patient is this therapist's, or 404
        form = form_checked(request)
        held = pending.take(str(form.get("token", "")), request.state.user.name, name)
        if held is None:
            return page(
                request, "upload.html", 410, name=name, error=_w(request).t("web", "expired")
            )
        filename, data, when = held
        try:
            transcript = read_upload(data, filename, str(form.get("therapist", "")) or None)
        except RaccordError as exc:
            return page(request, "upload.html", 400, name=name, error=str(exc))
        return store_upload(request, r, name, filename, data, when, transcript)

    def read_upload(data: bytes, filename: str, therapist: str | None) -> Any:
        from raccord.io import load

        with tempfile.TemporaryDirectory(prefix="raccord-upload-") as folder:
            os.chmod(folder, 0o700)
            path = Path(folder) / filename
            path.write_bytes(data)
            transcripts = load(path, therapist=therapist)
        if len(transcripts) != 1:
            raise RaccordError(
                f"{len(transcripts)} sessions in one file",
                path=filename,
                expected="one session per file",
            )
        return transcripts[0]

    def store_upload(
        request: Request,
        r: Records,
        name: str,
        filename: str,
        data: bytes,
        when: dt.date | None,
        transcript: Any,
    ) -> Response:
        from raccord.export import to_json
        from raccord.pipeline import analyze
        from raccord.store.records import file_hash, transcript_rows
        from raccord.taxonomy import AttachmentStyle

        w = _w(request)
        analysis = to_json(
            analyze(transcript, mode=mode, attachment=AttachmentStyle(r.attachment(name)))
        )
        try:
            stored = r.add_session(
                name,
                source_name=filename,
                source_hash=file_hash(data),
                transcript=transcript_rows(transcript),
                analysis=analysis,
                language=transcript.language,
                mode=mode,
                date=when,
            )
        except NotFoundError:
            raise
        except RaccordError as exc:
            return page(request, "upload.html", 400, name=name, error=str(exc))
        if not stored.new:
            return page(
                request,
                "upload.html",
                409,
                name=name,
                error=w.t("web", "already", number=stored.number),
            )
        request.session["flash"] = w.t(
            "web",
            "uploaded",
            number=stored.number,
            markers=len(analysis["markers"]),
            episodes=len(analysis["episodes"]),
        )
        return RedirectResponse(f"/patients/{name}/sessions/{stored.number}", status_code=303)

    def _session(request: Request) -> tuple[Records, str, int, Any]:
        name = request.path_params["patient"]
        number = int(request.path_params["number"])
        r = records(request)
        return r, name, number, r.session(name, number)

    def _view(stored: Any, number: int, *, keep_names: bool, **who: Any) -> Any:
        """The session page's view of a stored session (the owner's, or a shared one)."""
        return session_view.build(
            stored.analysis,
            stored.transcript,
            number=number,
            date=stored.date,
            journal=stored.journal,
            formulations=stored.formulations,
            keep_names=keep_names,
            **who,
        )

    def session(request: Request) -> Response:
        r, name, number, stored = _session(request)
        v = _view(stored, number, patient=name, keep_names=True)
        return page(
            request,
            "session.html",
            name=name,
            number=number,
            v=v,
            rw=v.words,
            figure=plot.timeline(v),
            feelings=_w(request).choices("web", "feelings"),
            base=f"/patients/{quote(name, safe='')}/sessions/{number}",
            shares=[x for x in r.shares(name) if x.session in (None, number)],
            own={f.episode: f for f in stored.formulations},
            fields=FORMULATION_FIELDS,
        )

    def formulation(request: Request) -> Response:
        from raccord.history.data import FormulationRecord

        name = request.path_params["patient"]
        number = int(request.path_params["number"])
        r = records(request)
        form = form_checked(request)
        episode = _int(form.get("episode"), 0, 10_000)
        if episode is None:
            raise NotFoundError("no such episode")
        texts = {
            k: str(form.get(k, "")).strip()[:FORMULATION_MAX] or None for k in FORMULATION_FIELDS
        }
        r.save_formulation(name, number, FormulationRecord(episode=episode, **texts))
        request.session["flash"] = _w(request).t("web", "formulation_saved", n=episode + 1)
        return RedirectResponse(
            f"/patients/{quote(name, safe='')}/sessions/{number}#episode-{episode + 1}",
            status_code=303,
        )

    def journal(request: Request) -> Response:
        from raccord.history.data import JournalRecord

        r, name, number, stored = _session(request)
        form = form_checked(request)
        turn = stored.position(_int(form.get("turn"), 0, 10_000_000))
        intensity = _int(form.get("intensity"), 0, 10)
        comment = str(form.get("comment", "")).strip() or None
        r.add_journal(
            name,
            number,
            [
                JournalRecord(
                    feeling=str(form.get("feeling", "other")),
                    turn=turn,
                    intensity=intensity,
                    comment=comment,
                )
            ],
        )
        request.session["flash"] = _w(request).t("web", "saved")
        return RedirectResponse(f"/patients/{name}/sessions/{number}#notes", status_code=303)

    def checkin(request: Request) -> Response:
        from raccord.history.data import CheckInRecord

        r, name, number, stored = _session(request)
        w = _w(request)
        if request.method == "GET":
            return page(request, "checkin.html", name=name, number=number, checkins=stored.checkins)
        form = form_checked(request)
        values: dict[str, int | None] = {}
        for field in CHECKIN_FIELDS:
            raw = str(form.get(field, "")).strip()
            if not raw:
                values[field] = None
                continue
            value = _int(raw, 0, 10)
            if value is None:
                label = w.t("web", "approach_q" if field == "approach" else field)
                return page(
                    request,
                    "checkin.html",
                    400,
                    name=name,
                    number=number,
                    checkins=stored.checkins,
                    error=w.t("web", "bad_number", field=label),
                )
            values[field] = value
        r.add_checkin(
            name,
            number,
            CheckInRecord(
                relationship=values["relationship"],
                goals=values["goals"],
                approach=values["approach"],
                overall=values["overall"],
                tension=_yes_no(form.get("tension")),
                tension_resolved=_yes_no(form.get("tension_resolved")),
                comment=str(form.get("comment", "")).strip() or None,
            ),
        )
        request.session["flash"] = w.t("web", "saved")
        return RedirectResponse(f"/patients/{name}", status_code=303)

    def report(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in document.FORMATS:
            raise NotFoundError("no such page")
        _r, name, number, stored = _session(request)
        keep = request.query_params.get("names") == "keep"
        v = session_view.build(
            stored.analysis,
            stored.transcript,
            patient=name if keep else None,
            number=number,
            date=stored.date,
            journal=stored.journal,
            formulations=stored.formulations,
            keep_names=keep,
            language=_w(request).code,
        )
        return download(document.write(v, fmt), fmt, f"session-{number}")

    def supervision(request: Request) -> Response:
        from raccord.history import build
        from raccord.report import supervision as supervising

        fmt = request.path_params["fmt"]
        if fmt not in document.FORMATS:
            raise NotFoundError("no such page")
        name = request.path_params["patient"]
        r = records(request)
        record = r.record(name)
        analyses = {s.number: r.session(name, s.number).analysis for s in record.sessions}
        keep = request.query_params.get("names") == "keep"
        body = supervising.write(
            supervising.build(build(record, mode="fast"), analyses, keep_names=keep), fmt
        )
        media = {
            "html": "text/html; charset=utf-8",
            "pdf": "application/pdf",
            "md": "text/markdown; charset=utf-8",
        }[fmt]
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="supervision.{fmt}"'},
        )

    def checker(request: Request) -> Response:
        from raccord.repair import check
        from raccord.taxonomy import RepairApproach

        result = None
        draft = ""
        approach = "direct"
        if request.method == "POST":
            form = form_checked(request)
            draft = str(form.get("draft", "")).strip()
            approach = str(form.get("approach", "direct"))
            if draft:
                result = check(
                    draft,
                    approach=RepairApproach(approach)
                    if approach in ("direct", "indirect")
                    else RepairApproach.DIRECT,
                )
        return page(request, "checker.html", result=result, draft=draft, approach=approach)

    # ------------------------------------------------------------------ sharing with a supervisor

    def share(request: Request) -> Response:
        name = request.path_params["patient"]
        r = records(request)
        r.attachment(name)  # the patient is this therapist's, or 404
        form = form_checked(request)
        w = _w(request)
        raw = str(form.get("session", "")).strip()
        number = int(raw) if raw.isdigit() else None
        supervisor = str(form.get("supervisor", "")).strip()
        back = f"/patients/{quote(name, safe='')}" + (f"/sessions/{number}" if number else "")
        try:
            r.share(name, supervisor, number)
        except NotFoundError:
            raise
        except RaccordError:
            return page(
                request,
                "message.html",
                400,
                message=w.t("web", "share_unknown", name=supervisor),
                back=back,
            )
        request.session["flash"] = w.t(
            "web",
            "shared_session" if number else "shared_all",
            name=supervisor,
            number=number or 0,
        )
        return RedirectResponse(back + "#sharing", status_code=303)

    def unshare(request: Request) -> Response:
        name = request.path_params["patient"]
        r = records(request)
        form = form_checked(request)
        r.unshare(name, int(request.path_params["share"]))
        request.session["flash"] = _w(request).t("web", "unshared")
        back = str(form.get("next", ""))
        if not back.startswith(f"/patients/{quote(name, safe='')}"):
            back = f"/patients/{quote(name, safe='')}"
        return RedirectResponse(back + "#sharing", status_code=303)

    def shared(request: Request) -> Response:
        return page(request, "shared.html", shares=records(request).shared_with_me())

    def _shared_session(request: Request) -> tuple[int, int, Any, Any]:
        share_id = int(request.path_params["share"])
        number = int(request.path_params["number"])
        r = records(request)
        stored = r.shared_session(share_id, number)
        found = next(x for x in r.shared_with_me() if x.id == share_id)
        return share_id, number, stored, found

    def shared_session(request: Request) -> Response:
        share_id, number, stored, found = _shared_session(request)
        v = _view(stored, number, keep_names=False)
        return page(
            request,
            "session.html",
            name=found.patient,
            owner=found.therapist,
            number=number,
            v=v,
            rw=v.words,
            figure=plot.timeline(v),
            readonly=True,
            base=f"/shared/{share_id}/sessions/{number}",
        )

    def shared_report(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in document.FORMATS:
            raise NotFoundError("no such page")
        _share_id, number, stored, _found = _shared_session(request)
        v = session_view.build(
            stored.analysis,
            stored.transcript,
            number=number,
            date=stored.date,
            journal=stored.journal,
            formulations=stored.formulations,
            keep_names=False,
            language=_w(request).code,
        )
        return download(document.write(v, fmt), fmt, f"session-{number}")

    def download(body: bytes | str, fmt: str, stem: str) -> Response:
        media = {
            "html": "text/html; charset=utf-8",
            "pdf": "application/pdf",
            "md": "text/markdown; charset=utf-8",
        }[fmt]
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
        )

    def home_page(request: Request) -> Response:
        return RedirectResponse(landing(request.state.user), status_code=303)

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name == "plotly.js":
            return Response(
                plot.plotly_js(),
                media_type="text/javascript",
                headers={"Cache-Control": "max-age=86400"},
            )
        entry = static.joinpath(name)
        if name not in ("app.css",) or not entry.is_file():
            raise NotFoundError("no such page")
        return Response(entry.read_text("utf-8"), media_type="text/css")

    routes = [
        Route("/", route(home_page, roles=BOTH)),
        Route("/login", route(login_page, login=False), methods=["GET", "POST"]),
        Route("/logout", route(logout, roles=BOTH), methods=["POST"]),
        Route("/language", route(language, roles=BOTH), methods=["POST"]),
        Route("/static/{name}", route(asset, login=False)),
        Route("/patients", route(patients), methods=["GET", "POST"]),
        Route("/checker", route(checker), methods=["GET", "POST"]),
        Route("/patients/{patient}", route(patient)),
        Route("/patients/{patient}/upload", route(upload), methods=["GET", "POST"]),
        Route("/patients/{patient}/upload/confirm", route(upload_confirm), methods=["POST"]),
        Route("/patients/{patient}/supervision.{fmt}", route(supervision)),
        Route("/patients/{patient}/sessions/{number:int}", route(session)),
        Route(
            "/patients/{patient}/sessions/{number:int}/journal", route(journal), methods=["POST"]
        ),
        Route(
            "/patients/{patient}/sessions/{number:int}/formulation",
            route(formulation),
            methods=["POST"],
        ),
        Route(
            "/patients/{patient}/sessions/{number:int}/checkin",
            route(checkin),
            methods=["GET", "POST"],
        ),
        Route("/patients/{patient}/sessions/{number:int}/report.{fmt}", route(report)),
        Route("/patients/{patient}/shares", route(share), methods=["POST"]),
        Route("/patients/{patient}/shares/{share:int}/delete", route(unshare), methods=["POST"]),
        Route("/shared", route(shared, roles=SUPERVISOR)),
        Route("/shared/{share:int}/sessions/{number:int}", route(shared_session, roles=SUPERVISOR)),
        Route(
            "/shared/{share:int}/sessions/{number:int}/report.{fmt}",
            route(shared_report, roles=SUPERVISOR),
        ),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=_secret(base),
            session_cookie="raccord_session",
            same_site="strict",
            https_only=False,
            max_age=8 * 3600,
        )
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.engine = engine
    return app


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _yes_no(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(str(value or ""))
