"""Optional token authentication.

Off by default (the server binds 127.0.0.1). With a token, every request must carry it as
``Authorization: Bearer <token>`` or the ``charcot_token`` cookie that ``/login`` sets.
"""

from __future__ import annotations

import hmac

COOKIE = "charcot_token"
OPEN_PATHS = ("/login", "/healthz")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def token_ok(expected: str | None, authorization: str | None, cookie: str | None) -> bool:
    if not expected:
        return True
    supplied = None
    if authorization and authorization.lower().startswith("bearer "):
        supplied = authorization[7:].strip()
    elif cookie:
        supplied = cookie
    return supplied is not None and hmac.compare_digest(supplied.encode(), expected.encode())


def needs_token(host: str) -> bool:
    """Binding anywhere but loopback exposes patient data to the network: require a token."""
    return host not in LOOPBACK
