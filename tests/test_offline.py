"""The analysis opens no network connection: health data never leaves the machine.

A fresh interpreter installs an audit hook that fails on any socket connection, name lookup or
bind, then imports raccord and runs the whole pipeline in both modes on a demo session. Any
attempt, by raccord or by a library it loads, aborts the child with a non-zero status.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import DEMO

GUARD = textwrap.dedent(
    """
    import sys

    FORBIDDEN = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                 "socket.bind", "socket.sendto", "urllib.Request", "http.client.connect"}

    def hook(event, args):
        if event in FORBIDDEN:
            sys.stderr.write(f"NETWORK ATTEMPT: {event} {args!r}\\n")
            sys.stderr.flush()
            import os
            os._exit(99)

    sys.addaudithook(hook)
    """
)

RUN = textwrap.dedent(
    """
    import json
    from raccord.io import load
    from raccord.pipeline import analyze
    from raccord import export
    for path in sys.argv[1:]:
        for transcript in load(path):
            for mode in ("fast", "full"):
                analysis = analyze(transcript, mode=mode)
                json.dumps(export.to_json(analysis))
    print("ok")
    """
)


def test_analysis_opens_no_network_connection() -> None:
    sessions = sorted(str(p) for p in DEMO.iterdir() if p.suffix in {".txt", ".vtt"})
    assert sessions, "the demo sessions are the input of this test"
    done = subprocess.run(
        [sys.executable, "-c", GUARD + RUN, *sessions],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "NETWORK ATTEMPT" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_guard_itself_catches_a_connection() -> None:
    """Without this, a broken guard would make the test above pass vacuously."""
    attempt = textwrap.dedent(
        """
        import socket
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", 9))
        except OSError:
            pass
        print("not caught")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", GUARD + attempt], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 99
    assert "NETWORK ATTEMPT: socket.connect" in done.stderr
