"""``govgraph serve --workers N``: readers over the newest checkpoint, writes through the writer."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.api.live import EDITOR, LiveServer

BOARD = {
    "id": "workers-board",
    "type": "body",
    "label": {"da": "Arbejderbestyrelse", "en": "Workers board"},
    "reports_to": "koncerndirektionen",
}


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = task / "children"
        if children.exists():
            found |= {int(p) for p in children.read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_readers_see_a_write_at_once_and_end_with_the_server(tmp_path: Path) -> None:
    server = LiveServer(tmp_path).start("--workers", "2")
    try:
        assert server.process is not None
        health = httpx.get(f"{server.base}/health", timeout=10).json()
        assert "newest checkpoint" in health["store"]  # a reader answered
        search = f"{server.base}/search?q=Arbejderbestyrelse"
        assert httpx.get(search, timeout=30).json()["results"] == []
        ask = {"query": "ASK { <https://w3id.org/govgraph/id/workers-board> ?p ?o }"}
        for _ in range(3):  # SPARQL is the writer's; readers keep its answers per generation
            assert httpx.get(f"{server.base}/sparql", params=ask, timeout=30).json() == {
                "head": {},
                "boolean": False,
            }
        created = httpx.post(
            f"{server.base}/entities",
            json={"entity": BOARD},
            headers={"Authorization": f"Bearer {EDITOR}"},
            timeout=60,
        )
        assert created.status_code == 201, created.text
        for _ in range(6):  # whichever reader answers has the write already
            hits = httpx.get(search, timeout=30).json()["results"]
            assert [hit["id"] for hit in hits] == ["workers-board"]
            answer = httpx.get(f"{server.base}/sparql", params=ask, timeout=30).json()
            assert answer["boolean"] is True
        refused = httpx.post(f"{server.base}/entities", json={"entity": BOARD}, timeout=30)
        assert refused.status_code == 401  # the writer checks the token it was passed
        readers = {
            pid
            for pid in _children(server.process.pid)
            if b"api.workers" in Path(f"/proc/{pid}/cmdline").read_bytes()
        }
        assert len(readers) == 2
    finally:
        server.close()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in readers)
