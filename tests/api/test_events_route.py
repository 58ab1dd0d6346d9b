"""GET /events: the timeline over HTTP (the CLI's --json shape)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_events(client: TestClient) -> None:
    answer = client.get("/events", params={"subject": "epj-syd", "from": "2018"}).json()
    assert [e["id"] for e in answer["events"]] == ["ev-rsd-epj-syd-leverandoer-2018"]
    assert answer["events"][0]["citations"][0]["quote"].startswith("I 2018 har regionsrådet")
    bad = client.get("/events", params={"from": "someday"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_argument"
    assert client.get("/events", params={"subject": "no-such-thing"}).status_code == 404
