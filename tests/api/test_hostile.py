"""Hostile clients against a live ``govgraph serve`` (loopback, random port, own temporary store).

The server must refuse absurd queries before they reach a worker, kill runaway ones and stay
responsive, send no request anywhere for ``SERVICE``, keep its memory bounded, keep secrets out
of its log, slow down token guessing, and stop promptly on SIGTERM while busy. The tests share
one server and run in file order; the last one stops it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.live import LiveServer

CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_ORDER = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
GIB = 1024**3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("hostile"),
        sparql_timeout=2,
        sparql_workers=5,
        sparql_per_client=8,
        sparql_worker_memory_mb=512,
        auth_failures_per_minute=5,
    ).start()
    yield live
    live.close()


def _sparql(server: LiveServer, query: str, timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{server.base}/sparql", data={"query": query}, timeout=timeout)


def _still_answers(server: LiveServer) -> None:
    assert httpx.get(f"{server.base}/health", timeout=5).status_code == 200
    ask = _sparql(server, "ASK {}")
    assert ask.status_code == 200 and ask.json()["boolean"] is True


@pytest.mark.parametrize(
    "query",
    [
        "ASK { FILTER(" + "(" * 6000 + "1" + ")" * 6000 + ") }",
        "SELECT * WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(3000)) + " }",
        "ASK { FILTER(" + " + ".join(["1"] * 10_000) + " > 0) }",
    ],
    ids=["nested-parentheses", "3000-patterns", "10000-terms"],
)
def test_absurd_queries_are_refused_before_any_worker(server: LiveServer, query: str) -> None:
    response = _sparql(server, query)
    assert response.status_code == 400, response.text[:300]
    assert response.json()["argument"] == "query"
    _still_answers(server)


def test_runaway_queries_are_killed_and_the_server_answers_at_once(server: LiveServer) -> None:
    answers: list[httpx.Response] = []
    peak = [0]
    done = threading.Event()

    def watch_memory() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], server.rss_bytes())
            time.sleep(0.05)

    def send(query: str) -> None:
        answers.append(_sparql(server, query))

    watcher = threading.Thread(target=watch_memory)
    watcher.start()
    senders = [threading.Thread(target=send, args=(CARTESIAN_COUNT,)) for _ in range(4)]
    senders.append(threading.Thread(target=send, args=(RUNAWAY_ORDER,)))
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=60)
    began = time.monotonic()
    ask = _sparql(server, "ASK {}")
    answered_in = time.monotonic() - began
    done.set()
    watcher.join()

    print(f"ASK after the kills: {answered_in:.3f} s; peak RSS {peak[0] / 2**20:.0f} MB")
    limits = sorted(r.json().get("limit", "") for r in answers)
    assert [r.status_code for r in answers] == [422] * 5, [r.text for r in answers]
    assert set(limits) <= {"sparql_timeout", "sparql_memory"}, limits  # killed on either
    assert ask.status_code == 200 and ask.json()["boolean"] is True
    assert answered_in < 1.0, answered_in
    assert 0 < peak[0] < GIB, peak[0]
    assert server.rss_bytes() < GIB


def test_service_reaches_nothing(server: LiveServer) -> None:
    connections: list[object] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
            f"PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:q {{ ?s ?p ?o }} }}",
        ):
            response = _sparql(server, query)
            assert response.status_code == 400, response.text
            assert response.json()["argument"] == "SERVICE"
            assert str(port) not in response.json()["message"].split("SERVICE", 1)[0]
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                connections.append(listener.accept())
            except TimeoutError:
                continue
    assert connections == []


def test_oversized_bodies_are_refused_unread(server: LiveServer) -> None:
    changes = '{"changes": [' + ",".join(['{"remove": "ds"}'] * 300_000) + "]}"
    response = httpx.post(
        f"{server.base}/what-if",
        content=changes,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    big_query = "ASK {} #" + "x" * 2_000_000
    assert _sparql(server, big_query).status_code == 413
    _still_answers(server)


def test_secrets_in_query_strings_never_reach_the_log(server: LiveServer) -> None:
    secret = "s3cr3t-token-value-that-must-not-be-logged"
    httpx.get(f"{server.base}/health", params={"access_token": secret}, timeout=5)
    httpx.get(f"{server.base}/entities", params={"token": secret, "limit": 1}, timeout=5)
    time.sleep(0.3)
    log = server.log.read_text(errors="replace")
    assert "access_token=[redacted]" in log
    assert secret not in log


def test_token_guessing_is_rate_limited(server: LiveServer) -> None:
    statuses = []
    for attempt in range(8):
        response = httpx.post(
            f"{server.base}/entities",
            json={"entity": {"id": "x", "type": "body"}},
            headers={"Authorization": f"Bearer wrong-token-{attempt:04d}-0123456789"},
            timeout=5,
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
    assert int(response.headers["Retry-After"]) >= 1
    # reads without a token are not affected
    assert httpx.get(f"{server.base}/stats", timeout=5).status_code == 200


def test_sigterm_ends_a_busy_server_within_10_s(server: LiveServer, tmp_path: Path) -> None:
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            try:
                _sparql(server, CARTESIAN_COUNT, timeout=15)
                httpx.get(f"{server.base}/check", timeout=15)
            except httpx.HTTPError:
                return

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # queries are running in every worker
    took = server.stop()
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    assert server.process is not None and server.process.returncode is not None
    print(f"SIGTERM under load: ended in {took:.2f} s")
    assert took < 10, took
