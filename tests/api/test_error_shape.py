"""Every error, from any route or layer, has the one JSON shape (cf. datasette's test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

CASES: list[tuple[str, Callable[[TestClient], object], int]] = [
    ("unknown route", lambda c: c.get("/no/such/route"), 404),
    ("wrong method", lambda c: c.put("/entities"), 405),
    ("unknown entity", lambda c: c.get("/entities/no-such-entity"), 404),
    ("bad parameter", lambda c: c.get("/entities", params={"limit": "many"}), 400),
    ("missing parameter", lambda c: c.get("/search"), 400),
    ("bad date", lambda c: c.get("/check", params={"as_of": "later"}), 400),
    ("not acceptable", lambda c: c.get("/export", headers={"Accept": "image/gif"}), 406),
    ("sparql syntax", lambda c: c.get("/sparql", params={"query": "nonsense"}), 400),
    ("sparql update", lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}), 400),
    ("no token", lambda c: c.post("/entities", json={"entity": {}}), 401),
    ("wrong role", lambda c: c.get("/audit", headers=auth("reader")), 403),
    ("bad json body", lambda c: c.post("/entities", content="{", headers=auth("editor")), 400),
    ("invalid batch", lambda c: c.post("/batches", content="x: [", headers=auth("editor")), 422),
]


@pytest.mark.parametrize(("name", "send", "status"), CASES, ids=[c[0] for c in CASES])
def test_one_error_shape(
    make_client: Callable[..., TestClient],
    name: str,
    send: Callable[[TestClient], object],
    status: int,
) -> None:
    response = send(make_client())
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    assert body["status"] == status


def test_messages_match_the_cli(client: TestClient) -> None:
    from ontology.errors import NotFound

    body = client.get("/entities/no-such-entity").json()
    assert body["message"] == str(NotFound("no-such-entity"))
