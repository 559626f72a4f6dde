"""The server's state keys: conversation state is encrypted with them before it is stored.

Keys come from `THERALAB_STATE_KEYS` (comma-separated Fernet keys, newest first) or, when that
is unset, from a key file created at first start with mode 0600 (one key a line, newest first).
The first key encrypts; every key decrypts, so rotating is: put a new key first, restart, and
drop the old key once no conversation needs it (after the retention time). Several machines
serving one database must share the keys (set the environment variable on each).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from theralab.errors import TheraLabError

KEYS_ENV = "THERALAB_STATE_KEYS"


class StateKeyError(TheraLabError):
    """The state keys cannot be read, or a key in them is not a Fernet key."""


class StateUnreadable(Exception):
    """Stored state no key decrypts (the keys changed without keeping the old one)."""


@dataclass(frozen=True)
class StateKeys:
    """Encrypts and decrypts conversation state; `source` says where the keys came from."""

    keys: tuple[bytes, ...]
    source: str

    def __post_init__(self) -> None:
        if not self.keys:
            raise StateKeyError(f"{self.source}: no state key")

    @cached_property
    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in self.keys])

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise StateUnreadable("no state key decrypts this conversation's state") from None

    def derive(self, purpose: str) -> bytes:
        """A secret for `purpose` (e.g. signing UI cookies), derived from the newest key."""
        return hmac.new(self.keys[0], purpose.encode(), hashlib.sha256).digest()

    @property
    def fingerprint(self) -> str:
        """A short, non-secret name of the newest key (for `--check` and the logs)."""
        return hashlib.sha256(b"fingerprint:" + self.keys[0]).hexdigest()[:12]


def _parse(lines: list[str], source: str) -> tuple[bytes, ...]:
    keys: list[bytes] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            Fernet(line.encode())
        except ValueError:
            raise StateKeyError(
                f"{source}, line {number}: not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from None
        keys.append(line.encode())
    return tuple(keys)


def create_key_file(path: Path) -> bool:
    """Create `path` with one new key and mode 0600 unless it exists; True when created.
    Safe when several workers start at once: exactly one creates it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("# TheraLab state keys, newest first (see docs/serve.md, key rotation)\n")
        out.write(Fernet.generate_key().decode() + "\n")
    return True


def load_keys(key_file: Path, environ: dict[str, str] | None = None) -> StateKeys:
    """The keys from the environment, else from `key_file` (created when missing)."""
    env = os.environ if environ is None else environ
    value = env.get(KEYS_ENV, "").strip()
    if value:
        return StateKeys(_parse(value.split(","), KEYS_ENV), KEYS_ENV)
    create_key_file(key_file)
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        raise StateKeyError(
            f"{key_file}: the state key file is readable by others (mode {mode:o}); "
            f"run chmod 600 {key_file}"
        )
    try:
        lines = key_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise StateKeyError(f"{key_file}: cannot read the state key file: {exc}") from None
    return StateKeys(_parse(lines, str(key_file)), str(key_file))
