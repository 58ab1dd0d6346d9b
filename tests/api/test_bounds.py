"""Bounded work and the error tree: every request gets an answer in the one shape, never a 500.

Body limits (413), caps on what-if and export (422), paging with totals, the SPARQL pre-checks,
dataset parameters and formats of the SPARQL 1.1 Protocol, SERVICE refused unless allowed,
failed authentication rate-limited, lone surrogates refused (400) before the audit log.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

Make = Callable[..., TestClient]


def test_body_limit_on_every_route(make_client: Make) -> None:
    client = make_client(max_body_bytes=4096)
    big = "x" * 5000
    for method, path in (("POST", "/what-if"), ("POST", "/entities"), ("POST", "/sparql")):
        response = client.request(
            method, path, content=big, headers={**auth("editor"), "Content-Type": "text/plain"}
        )
        assert response.status_code == 413, (path, response.text)
        assert response.json()["error"] == "too_large" and response.json()["limit_bytes"] == 4096


def test_uploads_have_their_own_limit(make_client: Make) -> None:
    client = make_client(max_body_bytes=4096, upload_max_bytes=8192)
    body = "entities: []\n" + "# padding\n" * 600  # 6 KB: over the default, under uploads'
    response = client.post("/batches", content=body, headers=auth("editor"))
    assert response.status_code != 413, response.text
    too_big = client.post("/batches", content=body * 2, headers=auth("editor"))
    assert too_big.status_code == 413


def test_what_if_and_export_caps(make_client: Make) -> None:
    client = make_client(whatif_max_changes=3, export_max_triples=10)
    changes = [{"remove": "ds"}] * 4
    response = client.post("/what-if", json={"changes": changes})
    assert response.status_code == 422 and response.json()["limit"] == "whatif_max_changes"
    export = client.get("/export")
    assert export.status_code == 422 and export.json()["limit"] == "export_max_triples"


def test_lone_surrogate_is_refused_and_nothing_is_written(make_client: Make) -> None:
    client = make_client()
    before = client.get("/stats").json()["triples"]
    body = '{"entity": {"id": "surrogate-board", "type": "body", "label": {"en": "x\\ud800"}}}'
    response = client.post(
        "/entities", content=body, headers={**auth("editor"), "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "surrogate" in response.json()["message"]
    assert client.get("/stats").json()["triples"] == before
    paired = body.replace("\\ud800", "\\ud83d\\ude00")  # a proper pair is text: accepted
    ok = client.post(
        "/entities", content=paired, headers={**auth("editor"), "Content-Type": "application/json"}
    )
    assert ok.status_code == 201, ok.text


def test_deeply_nested_json_is_400(make_client: Make) -> None:
    client = make_client()
    body = '{"changes": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/what-if", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 413)
    assert response.json()["status"] == response.status_code


@pytest.mark.parametrize(
    ("path", "key"),
    [("/entities", "entities"), ("/search?q=s", "results"), ("/graphs", "graphs")],
)
def test_list_answers_page_with_totals(client: TestClient, path: str, key: str) -> None:
    sep = "&" if "?" in path else "?"
    whole = client.get(f"{path}{sep}limit=1000").json()
    total = whole["page"]["total"]
    assert total == len(whole[key]) > 2
    second = client.get(f"{path}{sep}limit=2&offset=1").json()
    assert second["page"] == {"total": total, "limit": 2, "offset": 1}
    assert second[key] == whole[key][1:3]
    assert client.get(f"{path}{sep}limit=100000").status_code == 400


def test_unknown_function_is_400(client: TestClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o FILTER(<urn:x:nope>(?o)) } LIMIT 1"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400 and "urn:x:nope" in response.json()["message"]


def test_relative_iris_resolve_against_the_data_namespace(client: TestClient) -> None:
    query = "SELECT ?label WHERE { <ds> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert rows, "the relative IRI <ds> did not resolve to the entity ds"


def test_from_and_protocol_dataset(client: TestClient) -> None:
    graphs = client.get("/graphs").json()["graphs"]
    ontology = next(g for g in graphs if g.endswith(":ontology"))
    data = [g for g in graphs if not g.endswith(":ontology")]
    bodies = "SELECT (COUNT(*) AS ?n) {0} WHERE {{ ?s a <https://w3id.org/govgraph/ontology#GoverningBody> }}"

    def count(query: str, **params: object) -> int:
        answer = client.get("/sparql", params={"query": query, **params}).json()
        return int(answer["results"]["bindings"][0]["n"]["value"])

    union = count(bodies.format(""))
    assert union > 0
    assert count(bodies.format(f"FROM <{ontology}>")) == 0  # FROM is honoured
    assert count(bodies.format(f"FROM <{ontology}>"), **{"default-graph-uri": data}) > 0
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(named, **{"named-graph-uri": [data[0], ontology]}) == 2
    assert count(named) == len(graphs)


def test_repeated_query_is_400(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert response.status_code == 400
    form = client.post(
        "/sparql",
        content="query=ASK%20%7B%7D&query=ASK%20%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/plain", "text/plain"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_graph_results_in_rdf_xml_and_n_triples(
    client: TestClient, accept: str, media: str
) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert response.headers["vary"] == "Accept"
    if media == "application/rdf+xml":
        assert "<rdf:RDF" in response.text
    else:
        assert response.text.count(" .\n") == 3


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _busy_pool_answers_429(client: TestClient) -> None:
    """Run SLOW in the background; probe with ASK until one is refused; SLOW ends killed."""
    first: list[int] = []

    def run_slow() -> None:  # retried while a probe holds the client's only slot
        for _ in range(100):
            status = client.get("/sparql", params={"query": SLOW}).status_code
            if status != 429:
                first.append(status)
                return

    thread = threading.Thread(target=run_slow)
    thread.start()
    busy = None
    for _ in range(40):
        threading.Event().wait(0.1)
        busy = client.get("/sparql", params={"query": "ASK {}"})
        if busy.status_code == 429:
            break
    assert busy is not None and busy.status_code == 429, busy.text if busy else None
    assert int(busy.headers["Retry-After"]) >= 1 and busy.json()["error"] == "rate_limited"
    assert client.get("/stats").status_code == 200  # other routes are unaffected
    thread.join(timeout=30)
    assert first == [422]


def test_saturated_pool_answers_429(make_client: Make) -> None:
    _busy_pool_answers_429(make_client(sparql_workers=1, sparql_per_client=5, sparql_timeout=3))


def test_per_client_limit_answers_429(make_client: Make) -> None:
    _busy_pool_answers_429(make_client(sparql_workers=3, sparql_per_client=1, sparql_timeout=3))


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b"{this is not json")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def garbage_endpoint() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_allowed_service_with_an_unparsable_reply_is_400(
    make_client: Make, garbage_endpoint: str
) -> None:
    client = make_client(sparql_service_allow=[garbage_endpoint])
    query = f"SELECT * WHERE {{ SERVICE <{garbage_endpoint}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400, response.text
    other = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    refused = client.get("/sparql", params={"query": other})
    assert refused.status_code == 400 and refused.json()["argument"] == "SERVICE"


def test_failed_authentication_is_rate_limited_per_client(make_client: Make) -> None:
    client = make_client(auth_failures_per_minute=3)
    wrong = {"Authorization": "Bearer not-a-valid-token-0123456789"}
    statuses = [client.get("/audit", headers=wrong).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert client.get("/audit", headers=auth("admin")).status_code == 429  # whatever it sends
    assert client.get("/entities").status_code == 200  # open reads need no token


def test_lone_surrogate_in_a_yaml_upload_is_400_and_nothing_is_written(make_client: Make) -> None:
    client = make_client()
    before = client.get("/stats").json()["triples"]
    yaml = 'entities:\n  - id: sur-board\n    type: body\n    label: {en: "x\\ud800"}\n'
    response = client.post("/batches", content=yaml, headers=auth("editor"))
    assert response.status_code == 400 and "surrogate" in response.json()["message"]
    assert client.get("/stats").json()["triples"] == before


def test_the_audit_log_takes_a_lone_surrogate(tmp_path: Path) -> None:
    from api.audit import AuditLog

    log = AuditLog(tmp_path / "audit.jsonl")
    log.append({"reason": "x\ud800"})
    assert (tmp_path / "audit.jsonl").read_bytes().decode("utf-8") == '{"reason": "x\\ud800"}\n'
    assert log.entries()["entries"] == [{"reason": "x\ud800"}]  # the line round-trips
