"""Bearer tokens with roles: reader < editor < admin.

Tokens come from settings (``GOVGRAPH_TOKENS`` / ``GOVGRAPH_TOKENS_FILE``); there is no default
token, so a fresh install accepts no writes. Only SHA-256 digests of the tokens are kept in
memory after start-up, and every lookup compares against all of them with
:func:`hmac.compare_digest`, so timing does not reveal which token, or how much of one, matched.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from api.http_errors import NotAuthenticated, NotPermitted
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


class TokenTable:
    """The configured tokens, as digests."""

    def __init__(self, tokens: list[ApiToken]) -> None:
        self._entries = [(_digest(t.token.get_secret_value()), t.name, t.role) for t in tokens]

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, secret: str) -> Principal | None:
        offered = _digest(secret)
        found: Principal | None = None
        for digest, name, role in self._entries:  # no early exit: constant in the match
            if hmac.compare_digest(digest, offered):
                found = Principal(name, role)
        return found

    def authenticate(self, credentials: str | None, *, needed: str) -> Principal:
        """The caller behind ``credentials`` (the bearer token), if its role suffices."""
        if not credentials:
            raise NotAuthenticated(
                f"this needs a bearer token with the {needed} role: "
                "send `Authorization: Bearer <token>`"
            )
        principal = self.lookup(credentials)
        if principal is None:
            raise NotAuthenticated("the bearer token is not valid")
        return principal.require(needed)
