"""Read routes over the bundled dataset: answers, content negotiation, errors."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth


def test_landing_page_links_docs_and_views(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for href in ("/docs", "/views", "/sparql", "/who-decides"):
        assert f'href="{href}' in page.text


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    schema = client.get("/openapi.json").json()
    assert "/sparql" in schema["paths"] and "/entities/{name}" in schema["paths"]


def test_entities_are_paged_and_filtered(client: TestClient) -> None:
    first = client.get("/entities", params={"limit": 5}).json()
    second = client.get("/entities", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] > 10
    assert len(first["entities"]) == 5
    assert {e["id"] for e in first["entities"]}.isdisjoint(e["id"] for e in second["entities"])
    bodies = client.get("/entities", params={"type": "body", "limit": 1000}).json()
    assert bodies["entities"] and {e["type"] for e in bodies["entities"]} == {"body"}


def test_search_matches_the_cli_shape(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "styre"}).json()
    assert answer["query"] == "styre" and answer["results"]
    assert set(answer["results"][0]) >= {"id", "label", "type", "alt_labels"}


def test_entity_json_by_id_or_alias(client: TestClient) -> None:
    by_id = client.get("/entities/ds").json()
    assert by_id["id"] == "ds" and by_id["type"] == "body"
    assert client.get("/entities/DS").json()["id"] == "ds"
    assert (
        client.get("/entities/ds", params={"lang": "en"}).json()["label"]
        == "Digital Steering Group"
    )


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        ("text/turtle", "text/turtle", "@prefix"),
        ("application/ld+json", "application/ld+json", "@id"),
        ("application/n-triples", "application/n-triples", "<https://w3id.org/govgraph/id/ds>"),
        ("application/json", "application/json", '"iri"'),
        ("*/*", "application/json", '"iri"'),
        ("text/html;q=0.9, text/turtle", "text/turtle", "@prefix"),
    ],
)
def test_entity_content_negotiation(
    client: TestClient, accept: str, media: str, marker: str
) -> None:
    response = client.get("/entities/ds", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.text


def test_entity_in_unsupported_media_type_is_406(client: TestClient) -> None:
    response = client.get("/entities/ds", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["offered"]


def test_unknown_entity_is_404_with_suggestions(client: TestClient) -> None:
    body = client.get("/entities/digital-styrelse").json()
    assert body["status"] == 404 and body["error"] == "not_found"
    assert body["name"] == "digital-styrelse"


@pytest.mark.parametrize(
    ("accept", "check"),
    [
        ("text/turtle", lambda text: "@prefix" in text),
        ("application/ld+json", lambda text: isinstance(json.loads(text), list | dict)),
        ("application/n-triples", lambda text: text.rstrip().endswith(" .")),
    ],
)
def test_export_content_negotiation(client: TestClient, accept: str, check: object) -> None:
    response = client.get("/export", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert check(response.text)  # type: ignore[operator]


def test_who_decides(client: TestClient) -> None:
    answer = client.get("/who-decides", params={"subject": "sundhedsplatformen"}).json()
    assert answer["subject"]["id"] == "sp" and answer["deciders"]


def test_who_decides_errors(client: TestClient) -> None:
    assert client.get("/who-decides").status_code == 400  # subject missing
    assert client.get("/who-decides", params={"subject": "no-such-thing"}).status_code == 404
    bad = client.get("/who-decides", params={"subject": "sp", "as_of": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_argument"


def test_impact(client: TestClient) -> None:
    answer = client.get("/impact", params={"node": "nsp", "direction": "downstream"}).json()
    assert answer["root"]["id"] == "nsp" and answer["direction"] == "downstream"
    assert client.get("/impact", params={"node": "nsp", "direction": "sideways"}).status_code == 400
    assert client.get("/impact", params={"node": "nsp", "max_depth": 0}).status_code == 400


def test_check(client: TestClient) -> None:
    answer = client.get("/check").json()
    assert "findings" in answer


def test_optional_query_routes_when_present(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    if "/chains" in paths:
        assert client.get("/chains", params={"k": 3}).status_code == 200
    if "/diff" in paths:
        r = client.get("/diff", params={"from": "2019-01-01", "to": "2024-01-01"})
        assert r.status_code == 200
    if "/slip" in paths:
        assert client.get("/slip", params={"node": "no-such", "days": 10}).status_code == 404


def test_stats_and_graphs(client: TestClient) -> None:
    assert client.get("/stats").json()["triples"] > 1000
    assert any(
        g.endswith("region-hovedstaden.yaml") for g in client.get("/graphs").json()["graphs"]
    )


def test_closed_reads_need_a_token(make_client) -> None:  # type: ignore[no-untyped-def]
    closed = make_client(read_access="token")
    assert closed.get("/entities/ds").status_code == 401
    assert closed.get("/entities/ds", headers=auth("reader")).status_code == 200
    assert closed.get("/sparql", params={"query": "ASK {}"}).status_code == 401
    wrong = closed.get("/entities/ds", headers={"Authorization": "Bearer not-a-token-at-all"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
