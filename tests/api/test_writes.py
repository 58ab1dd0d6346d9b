"""Writes: create, update, retire, upload; validation, atomicity, audit and auth."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

Make = Callable[..., TestClient]
BOARD = {
    "id": "api-board",
    "type": "body",
    "label": {"da": "API-bestyrelse", "en": "API board"},
    "reports_to": "koncerndirektionen",
}


@pytest.fixture
def api(make_client: Make) -> TestClient:
    return make_client()


def test_create_then_read_back(api: TestClient) -> None:
    created = api.post(
        "/entities",
        json={"entity": BOARD, "reason": "set up", "source": "minutes"},
        headers=auth("editor"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["graphs"] == ["urn:govgraph:graph:api/api-board"]
    shown = api.get("/entities/api-board").json()
    assert shown["label"] == "API-bestyrelse"
    assert shown["relations"][0]["target"]["id"] == "koncerndirektionen"


def test_create_an_existing_id_is_refused(api: TestClient) -> None:
    body = {"entity": {**BOARD, "id": "ds"}}
    refused = api.post("/entities", json=body, headers=auth("editor"))
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict" and refused.json()["target"] == "ds"


def test_invalid_entity_is_refused_with_located_violations(api: TestClient) -> None:
    body = {"entity": {**BOARD, "reports_to": "no-such-body"}}
    refused = api.post("/entities", json=body, headers=auth("editor"))
    assert refused.status_code == 422
    violation = refused.json()["violations"][0]
    assert violation["rule"] == "reference-resolves" and "no-such-body" in violation["message"]
    assert api.get("/entities/api-board").status_code == 404  # nothing written


def test_update_replaces_the_entity_statements(api: TestClient) -> None:
    api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    record = {"type": "body", "label": {"en": "Renamed board"}}
    updated = api.put("/entities/api-board", json={"entity": record}, headers=auth("editor"))
    assert updated.status_code == 200, updated.text
    shown = api.get("/entities/api-board").json()
    assert shown["label"] == "Renamed board" and shown["relations"] == []


def test_update_of_a_file_loaded_entity_moves_it_to_its_api_graph(api: TestClient) -> None:
    record = {"type": "body", "label": {"da": "Digital Styregruppe", "en": "DS (corrected)"}}
    updated = api.put("/entities/ds", json={"entity": record}, headers=auth("editor"))
    assert updated.status_code == 200, updated.text
    assert "urn:govgraph:graph:api/ds" in updated.json()["graphs"]
    assert api.get("/entities/ds", params={"lang": "en"}).json()["label"] == "DS (corrected)"


def test_update_with_a_different_id_or_missing_entity(api: TestClient) -> None:
    mismatched = api.put("/entities/ds", json={"entity": {**BOARD}}, headers=auth("editor"))
    assert mismatched.status_code == 400 and mismatched.json()["argument"] == "id"
    missing = api.put(
        "/entities/nothing-here",
        json={"entity": {"type": "body", "label": {"en": "x"}}},
        headers=auth("editor"),
    )
    assert missing.status_code == 404


def test_retire_ends_validity(api: TestClient) -> None:
    retired = api.delete(
        "/entities/ds", params={"on": "2025-06", "reason": "merged"}, headers=auth("editor")
    )
    assert retired.status_code == 200, retired.text
    assert api.get("/entities/ds").json()["valid"]["to"] == "2025-06"
    assert (
        api.delete("/entities/ds", params={"on": "soon"}, headers=auth("editor")).status_code == 400
    )
    assert api.delete("/entities/nothing-here", headers=auth("editor")).status_code == 404


def test_upload_yaml_and_turtle(api: TestClient) -> None:
    yaml_text = "entities:\n  - id: up-board\n    type: body\n    label: {en: Uploaded board}\n"
    up = api.post(
        "/batches",
        content=yaml_text,
        headers={**auth("editor"), "Content-Type": "application/yaml"},
    )
    assert up.status_code == 201, up.text
    assert api.get("/entities/up-board").status_code == 200
    again = api.post("/batches", content=yaml_text, headers=auth("editor"))
    assert again.json()["added"] == 0  # the same document replaces its own graph
    turtle = (
        "@prefix gg: <https://w3id.org/govgraph/ontology#> . "
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . "
        '<https://w3id.org/govgraph/id/ttl-board> a gg:GoverningBody ; skos:prefLabel "TTL board"@en .'
    )
    ttl = api.post(
        "/batches",
        params={"graph": "my-batch"},
        content=turtle,
        headers={**auth("editor"), "Content-Type": "text/turtle"},
    )
    assert ttl.status_code == 201, ttl.text
    assert ttl.json()["graphs"] == ["urn:govgraph:graph:api/batch/my-batch"]


def test_bad_uploads_are_located_and_write_nothing(api: TestClient) -> None:
    before = api.get("/stats").json()["triples"]
    bad_yaml = "entities:\n  - id: ok-board\n    type: body\n    label: {en: ok}\n  - id: Bad Id\n"
    refused = api.post("/batches", content=bad_yaml, headers=auth("editor"))
    assert refused.status_code == 422
    assert any(v["line"] for v in refused.json()["violations"])
    bad_ttl = api.post(
        "/batches", params={"format": "ttl"}, content="<a> <b> .", headers=auth("editor")
    )
    assert bad_ttl.status_code == 422 and bad_ttl.json()["violations"][0]["rule"] == "rdf-syntax"
    assert api.post("/batches", content="   ", headers=auth("editor")).status_code == 400
    ontology = api.post(
        "/batches", params={"graph": "ontology"}, content="x: 1", headers=auth("editor")
    )
    assert ontology.status_code == 400
    assert api.get("/stats").json()["triples"] == before


def test_writes_need_an_editor_token(api: TestClient) -> None:
    body = {"entity": BOARD}
    assert api.post("/entities", json=body).status_code == 401
    assert api.post("/entities", json=body, headers=auth("reader")).status_code == 403
    assert (
        api.put("/entities/ds", json=body, headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    assert api.delete("/entities/ds").status_code == 401
    assert api.post("/batches", content="entities: []").status_code == 401
    assert api.post("/entities", json=body, headers=auth("admin")).status_code == 201


def test_no_token_configured_means_no_writes(make_client: Make) -> None:
    bare = make_client(tokens=[])
    assert bare.post("/entities", json={"entity": BOARD}, headers=auth("admin")).status_code == 401


def test_audit_log_records_who_what_and_why(api: TestClient, tmp_path: Path) -> None:
    api.post(
        "/entities",
        json={"entity": BOARD, "reason": "set up", "source": "minutes 2025-03-01"},
        headers=auth("editor"),
    )
    api.delete("/entities/api-board", params={"on": "2026"}, headers=auth("editor"))
    assert api.get("/audit", headers=auth("editor")).status_code == 403
    assert api.get("/audit").status_code == 401
    log = api.get("/audit", headers=auth("admin")).json()
    assert log["total"] == 2
    newest, oldest = log["entries"]
    assert newest["action"] == "retire" and oldest["action"] == "create"
    assert oldest["who"] == "editor-user" and oldest["reason"] == "set up"
    assert (
        oldest["source"] == "minutes 2025-03-01"
        and oldest["added_count"] == len(oldest["added"]) > 0
    )
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["target"] == "api-board"
    assert "test-editor-token" not in (tmp_path / "audit.jsonl").read_text()


def test_tokens_file_outside_the_repo(tmp_path: Path, make_client: Make) -> None:
    from api.settings import Settings
    from tests.support import REPO

    path = tmp_path / "tokens.json"
    path.write_text(json.dumps([{"name": "filed", "role": "editor", "token": "f" * 24}]))
    api = make_client(tokens=[], tokens_file=path)
    created = api.post(
        "/entities", json={"entity": BOARD}, headers={"Authorization": "Bearer " + "f" * 24}
    )
    assert created.status_code == 201
    with pytest.raises(ValueError, match="outside the repository"):
        Settings(tokens_file=REPO / "tokens.json")
    with pytest.raises(ValueError, match="16 characters"):
        Settings(tokens=[{"name": "x", "role": "admin", "token": "short"}])
    assert "f" * 24 not in repr(Settings(tokens_file=path).api_tokens())
