"""The SPARQL 1.1 Protocol endpoint: GET and POST, result formats, read-only, limits."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
BODIES = (
    "PREFIX gg: <https://w3id.org/govgraph/ontology#> "
    "SELECT ?s WHERE { ?s a gg:GoverningBody } ORDER BY ?s LIMIT 3"
)
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_get_returns_sparql_json_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_default_graph_is_the_union_of_the_loaded_files(client: TestClient) -> None:
    rows = client.get("/sparql", params={"query": BODIES}).json()["results"]["bindings"]
    assert len(rows) == 3
    graph = "urn:govgraph:graph:ontology"
    only = client.get("/sparql", params={"query": BODIES, "default-graph-uri": graph}).json()
    assert only["results"]["bindings"] == []


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        (
            "application/sparql-results+xml",
            lambda t: len(ElementTree.fromstring(t).iter().__next__()),
        ),
        ("text/csv", lambda t: len(list(csv.reader(io.StringIO(t)))) - 1),
        ("text/tab-separated-values", lambda t: len(t.strip().splitlines()) - 1),
    ],
)
def test_result_formats_by_accept(
    client: TestClient, accept: str, parse: Callable[[str], int]
) -> None:
    response = client.get("/sparql", params={"query": BODIES}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert parse(response.text) >= 1


def test_construct_gives_turtle(client: TestClient) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
    response = client.get("/sparql", params={"query": query})
    assert response.headers["content-type"].startswith("text/turtle")
    ld = client.get("/sparql", params={"query": query}, headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json")


def test_ask(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_post_form_and_direct_body(client: TestClient) -> None:
    form = client.post("/sparql", data={"query": COUNT})
    assert form.status_code == 200 and form.json()["head"]["vars"] == ["n"]
    direct = client.post(
        "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}
    )
    assert direct.status_code == 200 and direct.json()["head"]["vars"] == ["n"]
    other = client.post("/sparql", content=COUNT, headers={"Content-Type": "text/plain"})
    assert other.status_code == 400


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get(
            "/sparql", params={"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}
        ),
        lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}),
        lambda c: c.post(
            "/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}
        ),
        lambda c: c.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}),
    ],
)
def test_updates_are_refused(client: TestClient, send: Callable[[TestClient], object]) -> None:
    before = client.get("/stats").json()["triples"]
    response = send(client)
    assert response.status_code == 400  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["argument"] == "update" and "read-only" in body["message"]
    assert client.get("/stats").json()["triples"] == before


def test_syntax_errors_and_missing_query(client: TestClient) -> None:
    bad = client.get("/sparql", params={"query": "SELEKT ?s"})
    assert bad.status_code == 400 and "syntax" in bad.json()["message"]
    assert client.get("/sparql").status_code == 400
    assert client.get("/sparql", params={"query": "  "}).status_code == 400


def test_unacceptable_media_type(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_result_size_limit(make_client: Callable[..., TestClient]) -> None:
    small = make_client(sparql_max_bytes=2000)
    response = small.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert response.json()["limit"] == "sparql_max_bytes"


def test_time_limit(make_client: Callable[..., TestClient]) -> None:
    quick = make_client(sparql_timeout=0.5, sparql_max_bytes=10**12)
    response = quick.get("/sparql", params={"query": HUGE})
    assert response.status_code == 422
    assert response.json()["limit"] == "sparql_timeout"
    assert quick.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # still serving
