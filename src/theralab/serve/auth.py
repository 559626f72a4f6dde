"""API keys (stored as SHA-256 only) and the web UI's login.

An API key is `tl_` + 43 random URL-safe characters (256 bits): too long to guess, so one
unsalted SHA-256 is enough to make a leaked database useless for calling the API.

The web UI has no password: `theralab serve` prints a login link with a random token (like
Jupyter). Opening it sets an HttpOnly, SameSite=Strict session cookie; pages embed a CSRF token
that every state-changing API call from the UI must send back in `X-CSRF-Token`. UI session
cookies are signed with a secret derived from the server's state key, so every worker accepts
them and they survive a restart (for a day).

Each UI sign-in session is its own identity: its own key row (kind `ui-session`, derived from
the cookie's random part), so its conversations, its memory namespace (a pseudonym typed in
one session never reaches another session's history) and its rate-limit bucket are its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass, field

from theralab.serve.models import ApiKey
from theralab.serve.store import Store

KEY_PREFIX = "tl_"
UI_COOKIE = "theralab_ui"
UI_SESSION_KIND = "ui-session"  # the key row of one UI sign-in session
CSRF_HEADER = "x-csrf-token"
KEY_CACHE_SECONDS = 10.0  # a revoked key stops working within this time


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key, or the web UI acting for the operator."""

    key_id: str
    name: str
    kind: str  # api | ui
    rate_per_minute: int | None = None


def create_key(store: Store, name: str, rate_per_minute: int | None = None) -> tuple[ApiKey, str]:
    """A new API key; the plain key is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValueError("a key needs a name of 1–80 characters")
    if rate_per_minute is not None and rate_per_minute < 1:
        raise ValueError("the rate must be at least 1 request a minute")
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id=uuid.uuid4().hex,
        name=name,
        kind="api",
        prefix=plain[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(plain),
        rate_per_minute=rate_per_minute,
    )
    return store.add_key(key), plain


def ensure_ui_key(store: Store) -> ApiKey:
    """The key row the web UI's conversations belong to (its hash matches no real key)."""
    existing = store.ui_key()
    if existing is not None:
        return existing
    key = ApiKey(
        id=uuid.uuid4().hex,
        name="web-ui",
        kind="ui",
        prefix="ui",
        key_hash=hash_key("ui-only:" + secrets.token_hex(32)),
    )
    return store.add_key(key)


@dataclass
class KeyCache:
    """Key lookups by hash, cached briefly so the database is not hit on every request."""

    store: Store
    ttl: float = KEY_CACHE_SECONDS
    _cache: dict[str, tuple[float, Principal | None]] = field(default_factory=dict)

    def cached(self, key: str) -> tuple[bool, Principal | None]:
        """(True, principal) when the answer is known without the database."""
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return True, None
        hit = self._cache.get(hash_key(key))
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return True, hit[1]
        return False, None

    def lookup(self, key: str) -> Principal | None:
        """The principal for a presented key, or None (unknown or revoked)."""
        known, principal = self.cached(key)
        if known:
            return principal
        digest = hash_key(key)
        now = time.monotonic()
        row = self.store.key_by_hash(digest)
        principal = None
        if row is not None and row.revoked_at is None and row.kind == "api":
            principal = Principal(row.id, row.name, "api", row.rate_per_minute)
            self.store.touch_key(row.id)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (now, principal)
        return principal


@dataclass
class UISession:
    id: str
    csrf: str
    created: float

    @property
    def nonce(self) -> str:
        """The cookie's random part: what makes this session its own identity."""
        return self.id.partition(".")[0]


UI_SESSION_SECONDS = 24 * 3600.0


def _mac(secret: bytes, text: str) -> str:
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


@dataclass
class UIAuth:
    """The login token printed at start and the cookie sessions it opens.

    A session cookie is signed (`id.issued.mac`) with `secret`, which the server derives from
    its state key: every worker accepts it, and it outlives a restart, for `max_age` seconds.
    Nothing is kept per session; logging out revokes the cookie in this process and deletes
    it from the browser."""

    token: str
    principal: Principal
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    max_age: float = UI_SESSION_SECONDS
    revoked: set[str] = field(default_factory=set)

    def check_token(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.token.encode())

    def _csrf(self, cookie: str) -> str:
        return _mac(self.secret, "csrf:" + cookie)

    def open_session(self) -> UISession:
        issued = int(time.time())
        body = f"{secrets.token_urlsafe(24)}.{issued}"
        cookie = f"{body}.{_mac(self.secret, body)}"
        return UISession(cookie, self._csrf(cookie), float(issued))

    def session(self, cookie: str | None) -> UISession | None:
        if not cookie or len(cookie) > 200 or cookie in self.revoked:
            return None
        body, _, mac = cookie.rpartition(".")
        _, _, issued = body.partition(".")
        if not hmac.compare_digest(mac.encode(), _mac(self.secret, body).encode()):
            return None
        try:
            when = float(int(issued))
        except ValueError:
            return None
        if not 0 <= time.time() - when <= self.max_age:
            return None
        return UISession(cookie, self._csrf(cookie), when)

    def close(self, session: UISession) -> None:
        if len(self.revoked) > 10_000:
            self.revoked.clear()
        self.revoked.add(session.id)

    def key_id(self, session: UISession) -> str:
        """The id of this session's own key row (the same in every worker and after a
        restart, like the cookie; unguessable without the server's secret)."""
        digest = hmac.new(self.secret, ("ui-key:" + session.nonce).encode(), hashlib.sha256)
        return "uis" + digest.hexdigest()[:29]

    def principal_for(self, session: UISession) -> Principal:
        """Who a UI session is: its own identity, with the server's default rate."""
        return Principal(self.key_id(session), self.principal.name, "ui")


def ui_session_key(key_id: str) -> ApiKey:
    """The key row a UI session's conversations and memory belong to (no bearer key
    matches its hash)."""
    return ApiKey(
        id=key_id,
        name="web-ui session",
        kind=UI_SESSION_KIND,
        prefix="ui-session",
        key_hash=hash_key("ui-session:" + key_id + secrets.token_hex(16)),
    )


@dataclass
class UISessionKeys:
    """Makes sure a UI session's key row exists (created on first use, in whichever worker
    sees the session first) and has not been signed out; cached briefly like API keys, so
    a sign-out in one worker reaches the others within `ttl` seconds."""

    store: Store
    ttl: float = KEY_CACHE_SECONDS
    _cache: dict[str, tuple[float, bool]] = field(default_factory=dict)

    def cached(self, key_id: str) -> bool | None:
        hit = self._cache.get(key_id)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        return None

    def usable(self, key_id: str) -> bool:
        """True when the session's key row exists (now) and is not revoked."""
        known = self.cached(key_id)
        if known is not None:
            return known
        ok = self.store.ensure_ui_session_key(ui_session_key(key_id))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key_id] = (time.monotonic(), ok)
        return ok

    def forget(self, key_id: str) -> None:
        self._cache.pop(key_id, None)
