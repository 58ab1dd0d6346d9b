"""``GET /impact`` streamed as NDJSON (``Accept: application/x-ndjson``) and ``impact --stream``:
the same items as the JSON answer, errors as ordinary responses before the first byte, and a
client that goes away leaves the server serving."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from graph.generate import generate, write_ntriples
from graph.queries.impact import impact
from graph.queries.impact_stream import collect
from graph.store import GraphStore
from ontology.terms import local_id
from tests.api.live import LiveServer
from tests.api.test_impact_stream import _roots

NDJSON = {"Accept": "application/x-ndjson"}


def _lines(body: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in body.splitlines()]


def _root(store: GraphStore) -> str:
    """The id of a bundled item with many items impacted and bodies to inform."""
    answers = {r: impact(store, r) for r in _roots(store, 12)}
    best = max(
        answers, key=lambda r: (bool(answers[r]["bodies_to_inform"]), len(answers[r]["impacted"]))
    )
    return local_id(best)


def test_the_stream_holds_the_json_answer(client: TestClient, data_store: GraphStore) -> None:
    root = _root(data_store)
    params: dict[str, Any] = {"node": root, "limit": 1000}
    whole = client.get("/impact", params=params).json()
    assert len(whole["impacted"]) >= 2 and whole["bodies_to_inform"]
    streamed = client.get("/impact", params=params, headers=NDJSON)
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("application/x-ndjson")
    lines = _lines(streamed.text)
    assert [p["item"] for p in lines if "item" in p] == whole["impacted"]
    assert collect(lines) == whole
    unlimited = _lines(client.get("/impact", params={"node": root}, headers=NDJSON).text)
    assert unlimited[-1] == {"end": {"items": len(whole["impacted"])}}
    assert "page" not in unlimited[0]["head"]


def test_json_stays_the_default(client: TestClient) -> None:
    for accept in (None, "*/*", "application/json", "application/json, application/x-ndjson"):
        headers = {"Accept": accept} if accept else {}
        answer = client.get("/impact", params={"node": "nsp"}, headers=headers)
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["page"]["limit"] == 100
    too_many = client.get("/impact", params={"node": "nsp", "limit": 1001})
    assert too_many.status_code == 400 and too_many.json()["argument"] == "query.limit"


def test_errors_before_the_first_byte_are_error_responses(client: TestClient) -> None:
    missing = client.get("/impact", params={"node": "no-such-node"}, headers=NDJSON)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    bad = client.get("/impact", params={"node": "nsp", "min_criticality": "x"}, headers=NDJSON)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_argument"


def test_the_schema_documents_the_stream(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/impact"]["get"]
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/x-ndjson"}
    line = content["application/x-ndjson"]["schema"]
    assert {"head", "item", "bodies_to_inform", "end", "error"} == set(line["properties"])


def test_the_cli_streams_ndjson(cli: Callable[..., Any], data_store: GraphStore) -> None:
    root = _root(data_store)
    whole = json.loads(cli("impact", root, "--json").stdout)
    streamed = cli("impact", root, "--stream")
    assert streamed.exit_code == 0, streamed.stderr
    lines = _lines(streamed.stdout)
    assert len(whole["impacted"]) >= 2 and whole["bodies_to_inform"]
    assert [p["item"] for p in lines if "item" in p] == whole["impacted"]
    assert collect(lines) == whole
    missing = cli("impact", "no-such-node", "--stream")
    assert missing.exit_code == 3 and not missing.stdout.strip()


def _hub(path: Path) -> str:
    """A generated graph in ``path``; the id of the item the most others depend on."""
    write_ntriples(generate(nodes=3000, dependencies=9000, bodies=40, mandates=300, seed=5), path)
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "/ontology#prerequisite>" in line:
            target = line.split("> <", 2)[2].rstrip(" .>")
            counts[target] = counts.get(target, 0) + 1
    return max(counts, key=lambda t: counts[t]).rsplit("/", 1)[1]


def test_a_client_that_goes_away_leaves_the_server_serving(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    hub = _hub(data / "generated.nt")
    server = LiveServer(tmp_path, data_dir=data).start()
    try:
        target = f"/impact?node={hub}"
        for _ in range(3):  # read the head, then hang up mid-answer
            with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
                request = (
                    f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/x-ndjson\r\n\r\n"
                )
                sock.sendall(request.encode())
                assert b" 200 " in sock.recv(4096)
        time.sleep(0.5)
        assert httpx.get(server.base + "/health", timeout=30).status_code == 200
        full = httpx.get(server.base + target, headers=NDJSON, timeout=300)
        lines = _lines(full.text)
        assert lines[-1]["end"]["items"] == lines[0]["head"]["items"] > 2000  # several pages
        assert "Traceback" not in server.log.read_text(errors="replace")
    finally:
        server.close()
