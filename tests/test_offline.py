"""The analysis opens no network connection: health data never leaves the machine.

A fresh interpreter installs an audit hook that fails on any socket connection, name lookup or
bind, then imports raccord and runs the whole pipeline in both modes on a demo session. Any
attempt, by raccord or by a library it loads, aborts the child with a non-zero status. Where the
``nlp`` extra is installed (always in CI), both spaCy models are loaded and run in that child too.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

from conftest import DEMO

GUARD = textwrap.dedent(
    """
    import sys

    FORBIDDEN = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                 "socket.bind", "socket.sendto", "urllib.Request", "http.client.connect"}

    # urllib3 (imported by spaCy's command-line module, which `import spacy` loads) probes for
    # IPv6 at import by binding a socket to the loopback address on port 0, with no listen,
    # connection or packet: allowed, and only that (any other bind is still refused)
    PROBES = {("::1", 0), ("127.0.0.1", 0)}

    def hook(event, args):
        if event == "socket.bind" and tuple(args[1])[:2] in PROBES:
            return
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
    # the language models (the nlp extra), where installed: loaded and run under the guard too
    from raccord import nlp
    from raccord.report import names
    from raccord.understand.text import noun_phrases
    loaded = []
    for code in ("fr", "en"):
        if nlp.available(code):
            names.person_names(["Mon ami Paul est venu.", "My friend Paul came."], code)
            noun_phrases(code, "le travail, the office")
            loaded.append(code)
    print("ok", *loaded)
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
    assert done.stdout.strip().split()[0] == "ok"
    if os.environ.get("CI") or importlib.util.find_spec("spacy") is not None:
        # CI installs the nlp extra: both spaCy models must have run without the network
        assert done.stdout.split()[1:] == ["fr", "en"], done.stdout


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


def test_the_guard_lets_only_the_loopback_probe_bind() -> None:
    """The one bind allowed (loopback, port 0: urllib3's IPv6 probe) is not a server: a bind
    to any port or any other address is still caught."""
    attempt = textwrap.dedent(
        """
        import socket
        probe = socket.socket(socket.AF_INET)
        probe.bind(("127.0.0.1", 0))
        probe.close()
        s = socket.socket(socket.AF_INET)
        s.bind(("127.0.0.1", 8765))
        print("not caught")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", GUARD + attempt], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 99
    assert "NETWORK ATTEMPT: socket.bind" in done.stderr and "8765" in done.stderr


def test_spacy_is_not_loaded_until_a_text_is_parsed() -> None:
    """Importing raccord, its web app, reports and history, and reading a session, never import
    spaCy: its start-up (seconds) is paid only by a stage that reads a turn with it."""
    code = textwrap.dedent(
        """
        import sys
        import raccord.cli, raccord.pipeline, raccord.nlp, raccord.report.view
        import raccord.history.topics, raccord.understand.text
        from raccord.io import load
        load(sys.argv[1])
        print("spacy" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(DEMO / "session-en-sam.vtt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
