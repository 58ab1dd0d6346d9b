"""Dependencies of the routes, as ``Annotated`` aliases (STYLE rule 6).

The app keeps its settings, store, token table, writer and SPARQL runner on ``app.state``
(see :func:`api.app.create_app`); routes receive them through these aliases. The dependencies
are ``async def``: they only read ``app.state`` (and check a token), so they run on the event
loop instead of costing each request a hop through the threadpool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import Principal, TokenTable
from api.http_errors import NotAcceptable
from api.settings import Settings
from api.sparql import SparqlEndpoint
from api.writes import Writer
from graph.store import GraphStore
from ontology.errors import StoreUnavailable

_bearer = HTTPBearer(auto_error=False, description="a token from GOVGRAPH_TOKENS")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def _writer(request: Request) -> Writer:
    writer: Writer = request.app.state.writer
    return writer


async def _sparql(request: Request) -> SparqlEndpoint:
    runner: SparqlEndpoint | None = request.app.state.sparql
    if runner is None:
        store: GraphStore = request.app.state.store
        raise StoreUnavailable(
            store.description, "SPARQL is answered by the embedded store only; use Cypher here"
        )
    return runner


def _token_table(request: Request) -> TokenTable:
    tokens: TokenTable = request.app.state.tokens
    return tokens


def client_of(request: Request) -> str:
    """Who is asking, for per-client limits: the peer address (no proxy headers trusted, but
    for the one a reader process adds when it passes a request to the writer's own socket)."""
    if request.app.state.trust_client_header:
        passed = request.headers.get("x-govgraph-client")
        if passed:
            return passed
    return request.client.host if request.client else "unknown"


async def _reader(request: Request, credentials: Credentials) -> Principal | None:
    settings: Settings = request.app.state.settings
    token = credentials.credentials if credentials else None
    if settings.read_access == "open" and not token:
        return None
    return _token_table(request).authenticate(token, needed="reader", client=client_of(request))


async def _editor(request: Request, credentials: Credentials) -> Principal:
    return _token_table(request).authenticate(
        credentials.credentials if credentials else None,
        needed="editor",
        client=client_of(request),
    )


async def _admin(request: Request, credentials: Credentials) -> Principal:
    return _token_table(request).authenticate(
        credentials.credentials if credentials else None,
        needed="admin",
        client=client_of(request),
    )


def _open_read(request: Request) -> None:
    """An open read's :func:`_reader` value (``None``), known without checking a token;
    :class:`api.read_route.Decline` when there is a token or reads need one."""
    from api.read_route import Decline

    settings: Settings = request.app.state.settings
    if settings.read_access != "open" or "authorization" in request.headers:
        raise Decline
    return None


def _open_sparql(request: Request) -> SparqlEndpoint:
    runner: SparqlEndpoint | None = request.app.state.sparql
    if runner is None:
        from api.read_route import Decline

        raise Decline  # FastAPI's way raises the error of :func:`_sparql`
    return runner


#: the dependencies :class:`api.read_route.ReadRoute` may give a read without FastAPI's
#: solver, each with the value it has for such a request (or ``Decline``)
PLAIN: dict[Callable[..., Any], Callable[[Request], Any]] = {
    _settings: lambda request: request.app.state.settings,
    _store: lambda request: request.app.state.store,
    _reader: _open_read,
    _sparql: _open_sparql,
}

SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[GraphStore, Depends(_store)]
WriterDep = Annotated[Writer, Depends(_writer)]
SparqlDep = Annotated[SparqlEndpoint, Depends(_sparql)]
Reader = Annotated[Principal | None, Depends(_reader)]
Editor = Annotated[Principal, Depends(_editor)]
Admin = Annotated[Principal, Depends(_admin)]

#: media types of entity and export representations, and the format names they map to
RDF_MEDIA = {
    "application/json": "json",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
}


def accepted(request: Request) -> list[str]:
    """The media types of the ``Accept`` header, most preferred first (``*/*`` when absent)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("accept", "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if fields[0] and quality > 0:
            ranked.append((-quality, position, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)] or ["*/*"]


def negotiate(request: Request, offered: dict[str, str], default: str) -> str:
    """The offered media type the ``Accept`` header prefers (``default`` for ``*/*`` or none)."""
    header = request.headers.get("accept", "")
    if not header.strip():
        return default
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        quality = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            match = (
                default
                if prefix == "*" or default.startswith(prefix)
                else next((m for m in offered if m.startswith(prefix + "/")), None)
            )
        else:
            match = media if media in offered else None
        if match:
            choices.append((-quality, position, match))
    if not choices:
        raise NotAcceptable(list(offered))
    return sorted(choices)[0][2]
