"""Read answers cached per store generation: ETag / If-None-Match -> 304, fresh after a write."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.pace import Pace
from tests.api.conftest import auth

Make = Callable[..., TestClient]
BOARD = {
    "id": "answers-board",
    "type": "body",
    "label": {"da": "Svar-bestyrelse", "en": "Answers board"},
    "reports_to": "koncerndirektionen",
}
READS = [
    "/entities?type=body&limit=5",
    "/search?q=styre",
    "/who-decides?subject=ds",
    "/impact?node=ds",
    "/entities/ds",
]


@pytest.mark.parametrize("path", READS)
def test_a_repeated_read_is_answered_304_when_the_client_holds_it(
    make_client: Make, path: str
) -> None:
    api = make_client()
    first = api.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = api.get(path)
    assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
    held = api.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert held.status_code == 304 and held.content == b""
    assert held.headers["ETag"] == first.headers["ETag"]
    other = api.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.content == first.content


def test_a_write_moves_every_cached_answer_on(make_client: Make) -> None:
    api = make_client()
    before = api.get("/search?q=Svar-bestyrelse")
    assert before.json()["results"] == []
    listed = api.get("/entities?type=body&limit=1000").json()
    created = api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    assert created.status_code == 201, created.text
    after = api.get("/search?q=Svar-bestyrelse")
    assert [hit["id"] for hit in after.json()["results"]] == ["answers-board"]
    assert after.headers["ETag"] != before.headers["ETag"]
    stale = api.get("/search?q=Svar-bestyrelse", headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200
    grown = api.get("/entities?type=body&limit=1000").json()
    assert grown["total"] == listed["total"] + 1


def test_answers_are_the_same_with_the_cache_off(make_client: Make) -> None:
    cached, uncached = make_client(), make_client(answer_cache_entries=0)
    for path in READS:
        for _ in range(2):  # the second read of the cached app is served from memory
            assert cached.get(path).json() == uncached.get(path).json(), path


def test_the_entity_etag_stays_the_version_writes_name(make_client: Make) -> None:
    api = make_client()
    created = api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    tag = created.headers["ETag"]
    for media in ("application/json", "text/turtle"):
        read = api.get("/entities/answers-board", headers={"Accept": media})
        assert read.headers["ETag"] == tag and read.headers["Vary"] == "Accept"
        assert read.headers["content-type"].startswith(media)
    assert api.get("/entities/answers-board?lang=en").json()["label"] == "Answers board"
    changed = api.patch(
        "/entities/answers-board",
        json={"entity": {"label": {"en": "Answers board, renamed"}}},
        headers={**auth("editor"), "If-Match": tag},
    )
    assert changed.status_code == 200, changed.text
    read = api.get("/entities/answers-board?lang=en", headers={"If-None-Match": tag})
    assert read.status_code == 200 and read.json()["label"] == "Answers board, renamed"


def test_a_token_bearing_read_is_checked_not_served_from_memory(make_client: Make) -> None:
    api = make_client(read_access="token")
    assert api.get("/search?q=styre", headers=auth("reader")).status_code == 200
    assert api.get("/search?q=styre").status_code == 401
    bad = {"Authorization": "Bearer wrong-token-0123456789"}
    assert api.get("/search?q=styre", headers=bad).status_code == 401


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per answer computed through the threadpool (not on the event loop)."""
    import api.answers

    found: list[str] = []
    hop = api.answers.run_in_threadpool

    async def counting(func: Callable[..., object], *args: object) -> object:
        found.append("hop")
        return await hop(func, *args)

    monkeypatch.setattr(api.answers, "run_in_threadpool", counting)
    return found


def test_quick_answers_leave_the_threadpool_until_a_write(
    make_client: Make, hops: list[str]
) -> None:
    """A route whose answers have been quick computes on the event loop; the first answers
    after a write (a new projection) hop through the threadpool again (api/pace.py)."""
    api = make_client(answer_cache_entries=0)
    # every answer counts as quick here, whatever this machine's speed
    api.app.state.pace = Pace(streak=3, quick_ms=1e6, stall_ms=1e6)  # type: ignore[attr-defined]
    for day in range(1, 10):
        assert api.get(f"/who-decides?subject=ds&as_of=2020-01-{day:02d}").status_code == 200
    assert len(hops) == 3
    assert api.get("/sparql?query=ASK%20%7B%7D").status_code == 200  # waits: always a hop
    assert len(hops) == 4
    created = api.post("/entities", json={"entity": BOARD}, headers=auth("editor"))
    assert created.status_code == 201, created.text
    assert api.get("/who-decides?subject=ds&as_of=2020-02-01").status_code == 200
    assert len(hops) == 5


def test_a_slow_answer_on_the_loop_sends_every_route_to_the_threadpool_for_a_while(
    make_client: Make, hops: list[str]
) -> None:
    """A client alternating quick and slow requests holds the event loop at most once per
    ``calm_s`` (api/pace.py)."""
    api = make_client(answer_cache_entries=0)
    now = [0.0]
    pace = Pace(streak=2, quick_ms=1e6, stall_ms=1e6, calm_s=10.0, clock=lambda: now[0])
    api.app.state.pace = pace  # type: ignore[attr-defined]
    for day in (1, 2):  # two quick answers of each route in the threadpool
        assert api.get(f"/who-decides?subject=ds&as_of=2020-01-{day:02d}").status_code == 200
        assert api.get(f"/impact?node=ds&as_of=2020-01-{day:02d}").status_code == 200
    assert len(hops) == 4
    pace.quick_ms = -1.0  # the next answer counts as slow: computed on the loop, it held it
    assert api.get("/who-decides?subject=ds&as_of=2020-01-03").status_code == 200
    assert len(hops) == 4
    pace.quick_ms = 1e6
    assert api.get("/impact?node=ds&as_of=2020-01-03").status_code == 200
    assert len(hops) == 5  # another route, quick so far, hops while the loop is calmed
    now[0] = 10.0
    assert api.get("/impact?node=ds&as_of=2020-01-04").status_code == 200
    assert len(hops) == 5  # calm again: its quick answers are computed on the loop
