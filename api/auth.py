"""Bearer tokens with roles: reader < editor < admin.

Tokens come from settings (``GOVGRAPH_TOKENS`` / ``GOVGRAPH_TOKENS_FILE``); there is no default
token, so a fresh install accepts no writes. Only SHA-256 digests of the tokens are kept in
memory after start-up, and every lookup compares against all of them with
:func:`hmac.compare_digest`, so timing does not reveal which token, or how much of one, matched.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass

from api.http_errors import NotAuthenticated, NotPermitted, RateLimited
from api.settings import ApiToken

RANK = {"reader": 1, "editor": 2, "admin": 3}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (for the audit log) and its role."""

    name: str
    role: str

    def require(self, role: str) -> Principal:
        if RANK[self.role] < RANK[role]:
            raise NotPermitted(self.role, role)
        return self


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


class FailureLimiter:
    """Failed authentications per client in the last minute; past ``per_minute``: 429.

    Bounded memory: at most ``max_clients`` clients are tracked (the stalest are dropped).
    """

    WINDOW = 60.0

    def __init__(self, per_minute: int, *, max_clients: int = 10_000) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Raise RateLimited while ``client`` has used up its failures."""
        now = time.monotonic()
        with self._lock:
            recent = self._failures.get(client)
            while recent and now - recent[0] > self.WINDOW:
                recent.popleft()
            if recent is not None and len(recent) >= self.per_minute:
                wait = max(1, int(self.WINDOW - (now - recent[0])) + 1)
                raise RateLimited(
                    f"too many failed authentications from your address: retry in {wait} s",
                    retry_after=wait,
                )

    def fail(self, client: str) -> None:
        with self._lock:
            if client not in self._failures and len(self._failures) >= self.max_clients:
                del self._failures[next(iter(self._failures))]
            self._failures.setdefault(client, deque()).append(time.monotonic())


class TokenTable:
    """The configured tokens, as digests, and the failed attempts per client."""

    def __init__(self, tokens: list[ApiToken], *, failures_per_minute: int = 10) -> None:
        self._entries = [(_digest(t.token.get_secret_value()), t.name, t.role) for t in tokens]
        self.failures = FailureLimiter(failures_per_minute)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, secret: str) -> Principal | None:
        offered = _digest(secret)
        found: Principal | None = None
        for digest, name, role in self._entries:  # no early exit: constant in the match
            if hmac.compare_digest(digest, offered):
                found = Principal(name, role)
        return found

    def authenticate(
        self, credentials: str | None, *, needed: str, client: str = "unknown"
    ) -> Principal:
        """The caller behind ``credentials`` (the bearer token), if its role suffices.

        A client whose tokens failed ``failures_per_minute`` times in the last minute gets
        RateLimited (429) until the minute has passed, whatever it sends.
        """
        if not credentials:
            raise NotAuthenticated(
                f"this needs a bearer token with the {needed} role: "
                "send `Authorization: Bearer <token>`"
            )
        self.failures.check(client)
        principal = self.lookup(credentials)
        if principal is None:
            self.failures.fail(client)
            raise NotAuthenticated("the bearer token is not valid")
        return principal.require(needed)
