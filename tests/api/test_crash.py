"""Durability: a server killed with SIGKILL mid-stream keeps every acknowledged write, whole.

A child server (uvicorn on a free loopback port, temporary store) takes batch uploads from two
client threads; each batch defines several entities. The child is killed with SIGKILL while
writes are in flight, restarted on the same store, and then every acknowledged batch must be
present in full and no batch may be partly visible.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support import FIXTURES, REPO

TOKEN = "crash-test-editor-token-0123456789"
PER_BATCH = 5
LAUNCH = (
    "import uvicorn; from api.app import create_app; from api.settings import Settings; "
    "uvicorn.run(create_app(Settings()), host='127.0.0.1', port={port}, log_level='warning')"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(tmp: Path, port: int, data_dir: Path = FIXTURES / "sample") -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GOVGRAPH_STORE_PATH": str(tmp / "store"),
        "GOVGRAPH_AUDIT_LOG": str(tmp / "audit.jsonl"),
        "GOVGRAPH_DATA_DIR": str(data_dir),
        "GOVGRAPH_TOKENS": json.dumps([{"name": "crasher", "role": "editor", "token": TOKEN}]),
        "PYTHONPATH": str(REPO),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", LAUNCH.format(port=port)],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return child
        except httpx.HTTPError:
            time.sleep(0.1)
        if child.poll() is not None:
            raise RuntimeError(child.stderr.read().decode() if child.stderr else "server died")
    child.kill()
    raise RuntimeError("the server did not start")


def _batch(name: str) -> str:
    lines = ["entities:"]
    for i in range(PER_BATCH):
        lines += [f"  - id: {name}-{i}", "    type: body", f"    label: {{en: {name} {i}}}"]
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    port = _free_port()
    child = _start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer(stream: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for k in range(10_000):
                if stop.is_set():
                    return
                name = f"crash-{stream}-{k}"
                try:
                    response = http.post(
                        "/batches",
                        params={"graph": name, "reason": "crash test"},
                        content=_batch(name),
                        headers={"Authorization": f"Bearer {TOKEN}"},
                    )
                except httpx.HTTPError:
                    return  # the server is gone: this write was never acknowledged
                if response.status_code == 201:
                    acknowledged.append(name)
                else:
                    raise AssertionError(response.text)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)  # mid-stream: writes are in flight
    child.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 20

    child = _start(tmp_path, port)
    try:
        query = (
            "SELECT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?s), "
            "'https://w3id.org/govgraph/id/crash-')) }"
        )
        rows = httpx.get(f"{base}/sparql", params={"query": query}, timeout=30).json()
        present = {b["s"]["value"].rsplit("/", 1)[-1] for b in rows["results"]["bindings"]}
        by_batch: dict[str, int] = {}
        for entity in present:
            batch, _ = entity.rsplit("-", 1)
            by_batch[batch] = by_batch.get(batch, 0) + 1
        missing = [name for name in acknowledged if by_batch.get(name) != PER_BATCH]
        assert not missing, f"acknowledged but not (wholly) present: {missing}"
        partial = {name: n for name, n in by_batch.items() if n != PER_BATCH}
        assert not partial, f"partly visible batches: {partial}"
        audited = {
            # start-up notes (not_committed, recovered) carry no target
            (json.loads(line).get("target") or "").rsplit("/", 1)[-1]
            for line in (tmp_path / "audit.jsonl").read_text().splitlines()
            if line.strip().endswith("}")
        }
        assert set(acknowledged) <= audited
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)


def _acknowledged_and_audited(tmp_path: Path, port: int) -> tuple[set[str], list[str]]:
    """Entities present (via /sparql) and the create entries of the audit log."""
    base = f"http://127.0.0.1:{port}"
    query = (
        "SELECT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?s), "
        "'https://w3id.org/govgraph/id/kill-')) }"
    )
    rows = httpx.get(f"{base}/sparql", params={"query": query}, timeout=30).json()
    present = {b["s"]["value"].rsplit("/", 1)[-1] for b in rows["results"]["bindings"]}
    creates = [
        entry["target"]
        for entry in map(json.loads, (tmp_path / "audit.jsonl").read_text().splitlines())
        if entry["action"] == "create"
    ]
    return present, creates


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_at_random_moments_under_eight_writers(tmp_path: Path) -> None:
    """Every acknowledged create is present and audited exactly once, over several kills."""
    import random

    rounds, writers = 3, 8
    port = _free_port()
    acknowledged: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    for round_ in range(rounds):
        child = _start(tmp_path, port)
        stop = threading.Event()

        def write(stream: int, round_: int = round_, stop: threading.Event = stop) -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                for k in range(10_000):
                    if stop.is_set():
                        return
                    name = f"kill-{round_}-{stream}-{k}"
                    body = {"entity": {"id": name, "type": "body", "label": {"en": name}}}
                    try:
                        response = http.post(
                            "/entities", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
                        )
                    except httpx.HTTPError:
                        return  # killed mid-request: not acknowledged
                    with lock:
                        if response.status_code == 201:
                            acknowledged.append(name)
                        else:
                            errors.append(response.text)
                            return

        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for thread in threads:
            thread.start()
        # Once this server acknowledges writes (the first pays for loading the shapes), a
        # random moment later, with writes in flight:
        settled = len(acknowledged)
        deadline = time.monotonic() + 120
        while len(acknowledged) == settled and not errors and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(random.uniform(0.1, 2.0))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors[:3]
    assert len(acknowledged) >= rounds
    child = _start(tmp_path, port)  # start-up reconciles the log with the store
    try:
        present, creates = _acknowledged_and_audited(tmp_path, port)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    missing = sorted(set(acknowledged) - present)
    assert not missing, f"acknowledged but absent: {missing}"
    assert len(creates) == len(set(creates)), "a write audited twice"
    assert set(creates) == present, "present but not audited, or audited but absent"
