"""Encryption at rest: every text that holds what was said is stored as a Fernet token.

Fernet (the ``cryptography`` package) is AES-128 in CBC mode with an HMAC-SHA256 tag: a token
that was altered, or read with the wrong key, is refused rather than decrypted into garbage. The
key is a file created with 0600 permissions on first use under ``RACCORD_HOME`` (``key``), or the
value of ``RACCORD_KEY``. A key file may hold several keys, one a line, the first being the one
that encrypts: this is how ``raccord key rotate`` never leaves data that no key can read.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from raccord.errors import MissingExtraError, RaccordError

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

KEY_ENV = "RACCORD_KEY"
KEY_FILE = "key"


def _fernet() -> Any:
    try:
        from cryptography.fernet import Fernet
    except ImportError as exc:  # pragma: no cover - installed with the 'store' extra
        raise MissingExtraError(
            "patient records need the 'store' extra", expected="pip install 'raccord[store]'"
        ) from exc
    return Fernet


def new_key() -> str:
    key: bytes = _fernet().generate_key()
    return key.decode("ascii")


class Cipher:
    """Encrypts with the first key, decrypts with any of them."""

    def __init__(self, keys: Sequence[str], source: str) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        self.keys = tuple(keys)
        self.source = source
        try:
            self._multi: MultiFernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError) as exc:
            raise RaccordError(
                "the encryption key is not a valid key",
                path=source,
                expected="a 44-character url-safe base64 Fernet key, one a line",
            ) from exc

    def encrypt(self, text: str | None) -> bytes | None:
        return None if text is None else self._multi.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes | None) -> str | None:
        from cryptography.fernet import InvalidToken

        if token is None:
            return None
        try:
            return self._multi.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken as exc:
            raise RaccordError(
                "stored data cannot be decrypted with this key",
                path=self.source,
                expected="the key the records were written with (see README: backup and restore)",
            ) from exc

    def rotate(self, token: bytes | None) -> bytes | None:
        """The same text encrypted again under the first key."""
        return None if token is None else self._multi.rotate(bytes(token))


def key_path(home: Path) -> Path:
    return home / KEY_FILE


def load(home: Path) -> Cipher:
    """The key from ``RACCORD_KEY``, else from ``RACCORD_HOME/key`` (created 0600 if missing)."""
    _fernet()
    env = os.environ.get(KEY_ENV)
    if env:
        return Cipher([k.strip() for k in env.split(",") if k.strip()], KEY_ENV)
    path = key_path(home)
    if not path.exists():
        write_keys(path, [new_key()], exclusive=True)
    keys = [line.strip() for line in path.read_text("ascii").splitlines() if line.strip()]
    if not keys:
        raise RaccordError("the key file is empty", path=str(path), expected="a Fernet key")
    return Cipher(keys, str(path))


def write_keys(path: Path, keys: Sequence[str], *, exclusive: bool = False) -> None:
    """Write the key file readable by its owner only, atomically (all of it or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = ("\n".join(keys) + "\n").encode("ascii")
    if exclusive:
        # Written whole under a private name, then published by a hard link, which fails if the
        # key already exists: a concurrent reader never sees a half-written (empty) key file.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # another process or thread created it first: use theirs
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
