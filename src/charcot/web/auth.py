"""Who may do what: accounts, sessions, CSRF tokens, login throttling, the Host allow-list.

Two ways to run:

* **Local mode** (loopback bind, no accounts, no token): one person on this machine. Every request
  acts as the built-in ``local`` user. Browsers are still held to the same-origin rules below, so a web
  page elsewhere cannot drive the app (CSRF) and a rebound DNS name cannot read it (Host allow-list).
* **Accounts** (``charcot users add`` at least once, or a ``--token``): every request needs a signed-in
  session (cookie) or ``Authorization: Bearer <token>`` for scripts. Passwords are argon2id hashes;
  the cookie carries a random session id whose SHA-256 alone is stored, with an expiry. A later single
  sign-on provider would create the same session rows for a user found by ``external_subject``.

CSRF: every state-changing browser request carries a token derived (HMAC) from its session cookie,
and a cross-origin ``Origin`` or ``Sec-Fetch-Site: cross-site`` is refused outright.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

COOKIE = "charcot_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
OPEN_PATHS = ("/login", "/healthz", "/static/", "/favicon.ico")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIN_PUBLIC_TOKEN = 24
SESSION_HOURS = 8
# several servers on one database (store.ServerInstance): each renews its lease this often, and one not heard from for
# the expiry is taken for stopped (at least two beats, so one missed beat never is)
HEARTBEAT_SECONDS = 10.0
HEARTBEAT_EXPIRY_SECONDS = 60.0

# Roles, in the words a clinic uses, and what each may do.
ROLES = {
    "clinician": "Clinician",
    "genetic_counsellor": "Genetic counsellor",
    "laboratory_scientist": "Laboratory scientist",
    "reviewer": "Reviewer",
    "admin": "Administrator",
}
_CAN: dict[str, frozenset[str]] = {
    "upload": frozenset({"clinician", "genetic_counsellor", "laboratory_scientist", "admin"}),
    "comment": frozenset(ROLES),
    "submit": frozenset({"clinician", "genetic_counsellor", "laboratory_scientist", "admin"}),
    "sign": frozenset({"reviewer", "laboratory_scientist", "admin"}),
    "amend": frozenset({"clinician", "genetic_counsellor", "laboratory_scientist", "reviewer", "admin"}),
    "visits": frozenset({"clinician", "genetic_counsellor", "admin"}),
    "delete": frozenset({"admin"}),
    "audit": frozenset({"admin", "reviewer"}),
    # re-run stored cases with the knowledge in force (nothing in a case changes until a person accepts)
    "reanalyse": frozenset({"clinician", "genetic_counsellor", "laboratory_scientist", "admin"}),
    # accept a re-analysis as the next report version, or dismiss it
    "accept-reanalysis": frozenset({"clinician", "genetic_counsellor", "laboratory_scientist", "reviewer", "admin"}),
}


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    display_name: str
    via: str  # "local", "session", "token"

    def can(self, action: str) -> bool:
        return self.role in _CAN.get(action, frozenset())


LOCAL_USER = Principal("local", "admin", "local user", "local")
TOKEN_USER = Principal("api-token", "admin", "API token", "token")


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return str(PasswordHasher().hash(password))


def verify_password(stored: str | None, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    if not stored:
        return False
    try:
        return bool(PasswordHasher().verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: list[str] = []


def burn_verify_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown user name takes as long as a wrong password."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_hex(8)))
    verify_password(_DUMMY_HASH[0], password)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def token_ok(expected: str | None, authorization: str | None) -> bool:
    if not expected or not authorization or not authorization.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(authorization[7:].strip().encode(), expected.encode())


def server_secret(data_dir: Path) -> bytes:
    """A random key kept in the data directory (0600): CSRF tokens are HMACs under it."""
    path = Path(data_dir) / "secret.key"
    if not path.exists():
        import os

        # written whole under another name, then linked into place: two servers starting at once on one data folder
        # both keep the first key (the second start failed, FileExistsError, or read the key before it was written)
        tmp = path.with_name(f".secret.key.{os.getpid()}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_bytes()


def csrf_token(secret: bytes, cookie: str) -> str:
    return hmac.new(secret, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, cookie: str | None, supplied: str | None) -> bool:
    if not cookie or not supplied:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie).encode(), supplied.encode())


def host_allowed(host_header: str | None, allowed: tuple[str, ...]) -> bool:
    """``Host`` must name this server (loopback names, or what ``--allowed-host`` lists): a rebound DNS
    name (attacker.example -> 127.0.0.1) is refused, so a foreign page cannot read the app."""
    if not host_header:
        return False
    name = urlsplit(f"//{host_header}").hostname or ""
    return name.lower() in allowed


def origin_ok(origin: str | None, host_header: str | None, fetch_site: str | None, referer: str | None = None) -> bool:
    """A state-changing request from a browser must come from this app's own pages: its ``Origin`` or, when a
    browser sends none, its ``Referer`` names this server (a request with neither is a script, not a page)."""
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    if origin is None:
        origin = referer
        if origin is None:
            return True
    if origin == "null" or not host_header:
        return False
    return (urlsplit(origin).netloc or "").lower() == host_header.lower()


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this server to return to after signing in (``/cases/...``), else None: never
    another site (``//evil.example``, ``/\\evil.example``, ``https://...``), never the sign-in or sign-out itself."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > 2000:
        return None
    if any(c in target for c in "\r\n\t\\") or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return None
    return target


def sign_in_url(back: str | None) -> str:
    """The sign-in page, leading back to ``back`` (a ``local_path``) once signed in; to the case list without one."""
    return "/login" + (f"?next={quote(back, safe='')}" if back else "")


def needs_token(host: str) -> bool:
    """Binding anywhere but loopback exposes patient data to the network: require authentication."""
    return host not in LOOPBACK


class LoginThrottle:
    """Refuse further attempts after repeated failures, per user name and per client address, with a
    lock-out that doubles each time (argon2's own cost also slows guessing to a few per second)."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0, lockout_s: float = 60.0,
                 max_keys: int = 10_000) -> None:
        self.max_failures, self.window_s, self.lockout_s, self.max_keys = max_failures, window_s, lockout_s, max_keys
        self._failures: dict[str, list[float]] = {}
        self._locked: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> float:
        now = time.monotonic()
        with self._lock:
            waits = [until - now for k in keys if (entry := self._locked.get(k)) and (until := entry[0]) > now]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, []) if now - t < self.window_s] + [now]
                self._failures[key] = recent
                if len(recent) >= self.max_failures:
                    strikes = self._locked.get(key, (0.0, 0))[1] + 1
                    self._locked[key] = (now + self.lockout_s * 2 ** (strikes - 1), strikes)
                    self._failures[key] = []
            if len(self._failures) > self.max_keys:  # forget names and addresses with no recent failure
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] < self.window_s}

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
