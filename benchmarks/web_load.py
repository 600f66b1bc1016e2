"""Load check of the web workspace on loopback: N concurrent clients log in, each uploads one
session (a distinct file) and then views pages, for a bounded time and a bounded number of
requests; writes benchmarks/web_load.json (latency percentiles per kind of request, errors, and
whether every acknowledged upload is in the records).

    .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 60] [--max-requests 200]

The server is uvicorn in this process, on 127.0.0.1 with a free port, over a throwaway SQLite
file and RACCORD_HOME in a temporary folder; uploads are analysed in fast mode. Traffic goes to
127.0.0.1 only, and everything stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "raccord" / "demo"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "load check passphrase"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(values),
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": round(1000 * ordered[-1], 1),
        "mean_ms": round(1000 * statistics.fmean(values), 1),
    }


async def _client(
    k: int, base: str, deadline: float, max_requests: int, sample: bytes, out: dict[str, Any]
) -> None:
    import httpx

    timings = out["timings"]
    async with httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=True) as c:
        count = 0

        async def call(kind: str, method: str, url: str, **kw: Any) -> httpx.Response:
            nonlocal count
            count += 1
            start = time.perf_counter()
            answer = await c.request(method, url, **kw)
            timings.setdefault(kind, []).append(time.perf_counter() - start)
            if answer.status_code >= 400:
                out["errors"].append(f"{kind} {url} {answer.status_code}")
            return answer

        page = await call("login_page", "GET", "/login")
        found = CSRF.search(page.text)
        if found is None:
            out["errors"].append(
                f"login_page without a form ({page.status_code}): {page.text[-300:]!r}"
            )
            return
        token = found.group(1)
        page = await call(
            "login",
            "POST",
            "/login",
            data={"csrf": token, "username": f"user{k}", "password": PASSWORD},
        )
        found = CSRF.search(page.text)
        if found is None or page.url.path != "/patients":
            out["errors"].append(f"login failed ({page.status_code}): {page.text[-300:]!r}")
            return
        token = found.group(1)
        await call("add_patient", "POST", "/patients", data={"csrf": token, "pseudonym": f"P{k}"})
        body = sample.replace(b"WEBVTT\n", f"WEBVTT\n\nNOTE load client {k}\n".encode(), 1)
        answer = await call(
            "upload",
            "POST",
            f"/patients/P{k}/upload",
            data={"csrf": token},
            files={"file": (f"s{k}.vtt", body)},
        )
        held = re.search(r'name="token" value="([^"]+)"', answer.text)
        if held is not None:  # roles were guessed: confirm the proposed therapist
            answer = await call(
                "confirm_and_store",
                "POST",
                f"/patients/P{k}/upload/confirm",
                data={"csrf": token, "token": held.group(1), "therapist": "Dr. Patel"},
            )
        if answer.status_code == 200 and answer.url.path.endswith("/sessions/1"):
            out["uploaded"].append(k)
        pages = [f"/patients/P{k}/sessions/1", f"/patients/P{k}", "/patients", "/checker"]
        i = 0
        while time.monotonic() < deadline and count < max_requests:
            await call("view", "GET", pages[i % len(pages)])
            i += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200, help="per client")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "web_load.json"))
    args = parser.parse_args()

    import uvicorn

    from raccord.store import db
    from raccord.store.records import Records
    from raccord.web import accounts
    from raccord.web.app import LoginLimiter, create_app

    with tempfile.TemporaryDirectory(prefix="raccord-load-") as folder:
        home = Path(folder) / "home"
        os.environ["RACCORD_HOME"] = str(home)
        os.environ.pop("RACCORD_KEY", None)
        url = f"sqlite:///{Path(folder) / 'records.sqlite'}"
        engine = db.engine(url)
        for k in range(args.clients):
            accounts.add(engine, f"user{k}", PASSWORD)
        app = create_app(url, home_dir=home, mode="fast", limiter=LoginLimiter())
        port = _port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        sample = (DEMO / "session-en-sam.vtt").read_bytes()
        out: dict[str, Any] = {"timings": {}, "errors": [], "uploaded": []}
        started = time.monotonic()
        deadline = started + args.seconds

        async def run_all() -> None:
            await asyncio.gather(
                *(
                    _client(k, f"http://127.0.0.1:{port}", deadline, args.max_requests, sample, out)
                    for k in range(args.clients)
                )
            )

        asyncio.run(run_all())
        elapsed = time.monotonic() - started
        server.should_exit = True
        thread.join(timeout=30)
        stored = sum(
            len(
                Records(url, therapist=f"user{k}", home_dir=home, engine=engine)
                .record(f"P{k}")
                .sessions
            )
            for k in out["uploaded"]
        )
    result = {
        "clients": args.clients,
        "seconds_budget": args.seconds,
        "seconds_elapsed": round(elapsed, 1),
        "max_requests_per_client": args.max_requests,
        "cores": os.cpu_count(),
        "requests": sum(len(v) for v in out["timings"].values()),
        "errors": len(out["errors"]),
        "error_examples": out["errors"][:5],
        "uploads_acknowledged": len(out["uploaded"]),
        "uploads_stored": stored,
        "latency": {kind: _percentiles(values) for kind, values in out["timings"].items()},
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
