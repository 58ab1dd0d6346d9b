"""The short way of :class:`api.read_route.ReadRoute` answers exactly as FastAPI's own does.

Every request below is sent twice to one app over the bundled data (answer cache off, so each
answer is computed): once as served, once with a dependency override set (which sends every
request FastAPI's way); status, body and the headers a client reads must be the same, whether
the path is new (FastAPI's router picks the route) or known (:class:`api.read_route.KnownReads`
skips the router). The short way must also really be taken for valid open reads, and never
for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastapi.routing
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.store import GraphStore
from tests.api.conftest import api_settings, auth

#: (path, headers): valid reads of every route the short way serves, then everything that
#: must be left to FastAPI (bad values, missing parameters, tokens) and errors from queries
VALID = [
    "/entities",
    "/entities?type=body&limit=5&offset=2&lang=en",
    "/entities?limit=3&limit=7",  # a repeated scalar: the last one counts
    "/entities?unknown=1&limit=2",
    "/search?q=styre",
    "/search?q=regionsr%C3%A5d&lang=da&limit=3",
    "/entities/ds",
    "/entities/ds?lang=nb",
    "/entities/sundhedsplatformen",
    "/who-decides?subject=sundhedsplatformen",
    "/who-decides?subject=sundhedsplatformen&as_of=2015-07&lang=en&action=decide",
    "/impact?node=nsp",
    "/impact?node=nsp&direction=upstream&max_depth=2&types=system&types=body&limit=5",
    "/impact?node=nsp&min_criticality=high&offset=1&as_of=2020",
    "/check?limit=3",
    "/chains?k=2",
    "/slip?node=nsp&days=30",
    "/diff?from=2015&to=2024-01-01",
    "/events?subject=sundhedsplatformen&from=2018",
    "/sparql?query=ASK%20%7B%3Fs%20%3Fp%20%3Fo%7D",
]
LEFT_TO_FASTAPI = [
    "/entities?limit=0",
    "/entities?limit=abc",
    "/entities?lang=xx",
    "/entities?limit=5000",
    "/search",
    "/search?q=",
    "/who-decides",
    "/who-decides?subject=sundhedsplatformen&as_of=2015-13-45x",
    "/impact?node=nsp&direction=sideways",
    "/impact?node=nsp&max_depth=0",
    "/chains?k=1000",
    "/slip?node=nsp",
    "/diff?from=2015",
    "/sparql",
]
QUERY_ERRORS = [
    "/entities/no-such-entity",
    "/who-decides?subject=no-such-entity",
    "/impact?node=nsp&limit=5000",
    "/impact?node=nsp&types=platform",
    "/who-decides?subject=sundhedsplatformen&as_of=2024-02-30",
    "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B",
    "/sparql?query=ASK%20%7B%7D&update=x",
]
HEADERS: list[dict[str, str]] = [
    {},
    {"Accept": "text/turtle"},
    {"Accept": "application/ld+json;q=0.5, application/json;q=0.9"},
    {"Accept": "image/png"},
    {"Accept": "application/x-ndjson"},
]
READ = ["etag", "content-type", "vary", "cache-control", "allow", "www-authenticate"]


@pytest.fixture(scope="module")
def client(data_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp: Path = tmp_path_factory.mktemp("read-route")
    app = create_app(api_settings(tmp, answer_cache_entries=0), store=data_store)
    with TestClient(app) as test_client:
        yield test_client


def _both(client: TestClient, path: str, headers: dict[str, str]) -> tuple[Any, Any]:
    short = client.get(path, headers=headers)
    app = client.app
    app.dependency_overrides[_never] = _never  # type: ignore[attr-defined]
    try:
        full = client.get(path, headers=headers)
    finally:
        app.dependency_overrides.clear()  # type: ignore[attr-defined]
    return short, full


def _never() -> None:
    """A dependency no route has: overriding it sends every request FastAPI's way."""


def _same(short: Any, full: Any) -> None:
    assert short.status_code == full.status_code, (short.text[:300], full.text[:300])
    assert short.content == full.content
    for name in READ:
        assert short.headers.get(name) == full.headers.get(name), name


@pytest.mark.parametrize("headers", HEADERS, ids=["none", "turtle", "q", "png", "ndjson"])
@pytest.mark.parametrize("path", VALID + LEFT_TO_FASTAPI + QUERY_ERRORS)
def test_short_way_answers_as_fastapi_does(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    _same(*_both(client, path, headers))


@pytest.mark.parametrize("path", ["/entities/ds", "/who-decides?subject=sundhedsplatformen"])
def test_tokens_answer_as_fastapi_does(client: TestClient, path: str) -> None:
    for headers in (auth("reader"), {"Authorization": "Bearer wrong-token-0123456789"}):
        _same(*_both(client, path, headers))


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests FastAPI's dependency solver ran for."""
    seen: list[str] = []
    solve = fastapi.routing.solve_dependencies

    async def counting(*, request: Any, **kwargs: Any) -> Any:
        seen.append(str(request.url.path))
        return await solve(request=request, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    return seen


def test_valid_open_reads_skip_the_solver(client: TestClient, solved: list[str]) -> None:
    for path in VALID:
        assert client.get(path).status_code == 200, path
    assert solved == []


def test_everything_else_goes_fastapis_way(client: TestClient, solved: list[str]) -> None:
    for path in LEFT_TO_FASTAPI:
        assert client.get(path).status_code in (400, 404, 405), path
    assert client.get("/entities/ds", headers=auth("reader")).status_code == 200
    assert client.get("/health").status_code == 200  # not a read route: FastAPI's as before
    assert len(solved) == len(LEFT_TO_FASTAPI) + 2


def test_token_reads_go_fastapis_way(
    data_store: GraphStore, tmp_path: Path, solved: list[str]
) -> None:
    app = create_app(api_settings(tmp_path, read_access="token"), store=data_store)
    with TestClient(app) as client:
        assert client.get("/entities/ds").status_code == 401
        assert client.get("/entities/ds", headers=auth("reader")).status_code == 200
    assert solved == ["/entities/ds", "/entities/ds"]


def test_known_paths_skip_the_router_and_answer_the_same(
    client: TestClient, solved: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.read_route import ReadRoute

    for path in VALID:  # the router picks the route once per path
        assert client.get(path).status_code == 200, path
    routed: list[str] = []
    handle = ReadRoute.handle

    async def counting(self: ReadRoute, scope: Any, receive: Any, send: Any) -> None:
        routed.append(scope["path"])
        await handle(self, scope, receive, send)

    monkeypatch.setattr(ReadRoute, "handle", counting)
    for path in VALID:
        _same(*_both(client, path, {}))
    assert len(routed) == len(VALID)  # only the requests sent FastAPI's way on purpose
    # errors of known paths: the app's own handlers, the one error shape
    for path in [p for p in QUERY_ERRORS + LEFT_TO_FASTAPI if "?" in p]:
        _same(*_both(client, path, {}))
