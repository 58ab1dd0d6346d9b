"""POST creates, PUT replaces, PATCH changes fields; ETag and If-Match prevent lost updates."""

from __future__ import annotations

import json
import threading
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


def _audit(tmp_path: Path) -> list[dict[str, object]]:
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_concurrent_creates_of_one_id_one_wins(api: TestClient, tmp_path: Path) -> None:
    answers: list[int] = []

    def create(n: int) -> None:
        body = {"entity": {**BOARD, "label": {"en": f"board {n}"}}}
        answers.append(api.post("/entities", json=body, headers=auth("editor")).status_code)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] + [409] * 9
    creates = [e for e in _audit(tmp_path) if e["action"] == "create"]
    assert len(creates) == 1 and creates[0]["removed_count"] == 0


def test_every_entity_answer_carries_an_etag(api: TestClient) -> None:
    created = api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    tag = created.headers["ETag"]
    assert tag.startswith('"') and created.json()["etag"] == tag
    assert api.get("/entities/api-board").headers["ETag"] == tag
    turtle = api.get("/entities/api-board", headers={"Accept": "text/turtle"})
    assert turtle.headers["ETag"] == tag
    assert api.get("/entities/ds").headers["ETag"] != tag


def test_a_stale_if_match_is_refused_and_nothing_is_lost(api: TestClient) -> None:
    tag = api.post("/entities", json={"entity": BOARD}, headers=auth("editor")).headers["ETag"]
    # Two editors read version `tag`; the first writes, the second's write must not win.
    first = {"type": "body", "label": {"en": "First editor's name"}}
    second = {"type": "body", "label": {"en": "Second editor's name"}}
    ok = api.put(
        "/entities/api-board", json={"entity": first}, headers={**auth("editor"), "If-Match": tag}
    )
    assert ok.status_code == 200 and ok.headers["ETag"] != tag
    stale = api.put(
        "/entities/api-board", json={"entity": second}, headers={**auth("editor"), "If-Match": tag}
    )
    assert stale.status_code == 412, stale.text
    assert stale.json()["error"] == "precondition_failed"
    assert stale.json()["current"] == ok.headers["ETag"]
    assert api.get("/entities/api-board", params={"lang": "en"}).json()["label"] == (
        "First editor's name"
    )
    retire = api.delete(
        "/entities/api-board", params={"on": "2026"}, headers={**auth("editor"), "If-Match": tag}
    )
    assert retire.status_code == 412


def test_patch_changes_only_the_fields_given(api: TestClient) -> None:
    api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    tag = api.get("/entities/api-board").headers["ETag"]
    patched = api.patch(
        "/entities/api-board",
        json={"entity": {"label": {"en": "Renamed"}}, "reason": "typo"},
        headers={**auth("editor"), "If-Match": tag},
    )
    assert patched.status_code == 200, patched.text
    shown = api.get("/entities/api-board", params={"lang": "en"}).json()
    assert shown["label"] == "Renamed"
    assert api.get("/entities/api-board", params={"lang": "da"}).json()["label"] == (
        "API-bestyrelse"
    )
    assert shown["relations"][0]["target"]["id"] == "koncerndirektionen"
    no_type = api.patch(
        "/entities/api-board", json={"entity": {"type": "system"}}, headers=auth("editor")
    )
    assert no_type.status_code == 400
    missing = api.patch("/entities/nobody", json={"entity": {}}, headers=auth("editor"))
    assert missing.status_code == 404


def test_audit_entries_carry_generation_and_client(api: TestClient, tmp_path: Path) -> None:
    api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    api.patch(
        "/entities/api-board", json={"entity": {"label": {"en": "x"}}}, headers=auth("editor")
    )
    entries = _audit(tmp_path)
    assert [e["action"] for e in entries] == ["create", "patch"]
    first, second = (int(str(e["generation"])) for e in entries)
    assert second == first + 1
    assert all(e["client"] == "testclient" for e in entries)


def test_the_openapi_schema_lists_the_conflict_answers(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert "409" in paths["/entities"]["post"]["responses"]
    for method in ("put", "patch", "delete"):
        responses = paths["/entities/{name}"][method]["responses"]
        assert "412" in responses
        assert responses["412"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }
