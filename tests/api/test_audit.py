"""The audit log under faults: short writes, a full disk, torn tails, crashes between steps."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.audit import AuditLog
from api.auth import Principal
from api.writes import Writer
from graph.load import stored_generation
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology.errors import StorageFull
from tests.support import FIXTURES

WHO = Principal("tester", "editor")
BOARD = {"type": "body", "label": {"en": "Board"}, "reports_to": "koncerndirektionen"}


def _store() -> OxigraphStore:
    store = OxigraphStore()
    load_paths(store, [FIXTURES / "sample" / "sample.yaml"])
    return store


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _triples(store: OxigraphStore) -> set[tuple[object, ...]]:
    return {(g, *t) for g in store.graph_names() for t in store.graph_triples(g)}


def test_short_writes_are_completed(tmp_path: Path) -> None:
    def one_byte(fd: int, data: bytes) -> int:
        return os.write(fd, data[:1])

    log = AuditLog(tmp_path / "audit.jsonl", write=one_byte)
    writer = Writer(_store(), log)
    writer.create_entity(WHO, {"id": "b1", **BOARD})
    writer.create_entity(WHO, {"id": "b2", **BOARD})
    assert [e["target"] for e in _lines(log.path)] == ["b1", "b2"]


def test_a_full_disk_refuses_the_write_and_leaves_no_fragment(tmp_path: Path) -> None:
    full = {"on": False}

    def disk(fd: int, data: bytes) -> int:
        if full["on"]:
            os.write(fd, data[: len(data) // 2])  # half lands, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.write(fd, data)

    store = _store()
    log = AuditLog(tmp_path / "audit.jsonl", write=disk)
    writer = Writer(store, log)
    writer.create_entity(WHO, {"id": "b1", **BOARD})
    before, size = _triples(store), log.path.stat().st_size
    full["on"] = True
    with pytest.raises(StorageFull):
        writer.create_entity(WHO, {"id": "b2", **BOARD})
    assert _triples(store) == before  # not committed: nothing acknowledged, nothing changed
    assert log.path.stat().st_size == size  # the fragment was cut back
    full["on"] = False
    writer.create_entity(WHO, {"id": "b3", **BOARD})
    assert [e["target"] for e in _lines(log.path)] == ["b1", "b3"]
    assert [e["generation"] for e in _lines(log.path)] == [
        stored_generation(store) - 1,
        stored_generation(store),
    ]


def test_a_failed_commit_cuts_its_entry_back(tmp_path: Path) -> None:
    store = _store()
    log = AuditLog(tmp_path / "audit.jsonl")
    writer = Writer(store, log)
    real = store.replace

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "I/O error")

    store.replace = broken  # type: ignore[method-assign]
    with pytest.raises(OSError):
        writer.create_entity(WHO, {"id": "b1", **BOARD})
    store.replace = real  # type: ignore[method-assign]
    assert not log.path.exists() or log.path.read_text() == ""


def test_start_up_reconciles_store_and_log(tmp_path: Path) -> None:
    store = _store()
    path = tmp_path / "audit.jsonl"
    writer = Writer(store, AuditLog(path))
    writer.create_entity(WHO, {"id": "b1", **BOARD})
    committed = stored_generation(store)
    # A crash after the entry was logged but before the commit, then a torn append:
    ghost = {"action": "create", "target": "ghost", "generation": committed + 1}
    with path.open("a") as handle:
        handle.write(json.dumps(ghost) + "\n" + '{"action": "create", "tar')
    notes = Writer(store, AuditLog(path)).reconciled
    assert [n["action"] for n in notes] == ["repair", "not_committed"]
    assert notes[1]["targets"] == ["ghost"]
    entries = _lines(path)
    assert [e["target"] for e in entries if e["action"] == "create"] == ["b1"]
    # A write committed without the server (govgraph load) is recorded as recovered, once.
    load_paths(store, [FIXTURES / "sample" / "ambiguous.yaml"])
    notes = Writer(store, AuditLog(path)).reconciled
    assert [(n["action"], n["generations"]) for n in notes] == [
        ("recovered", [stored_generation(store)])
    ]
    assert Writer(store, AuditLog(path)).reconciled == []


def test_each_store_has_its_own_log(tmp_path: Path) -> None:
    from api.settings import Settings

    one = Settings(store_path=tmp_path / "a" / "store", audit_log=None)
    two = Settings(store_path=tmp_path / "a" / "other", audit_log=None)
    assert one.audit_path() != two.audit_path()
    assert one.audit_path().parent == two.audit_path().parent


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB tmpfs (needs root); the test above covers the same path by injection."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs needs root; the injected ENOSPC test covers this path")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_the_audit_log_on_a_real_full_file_system(tiny_disk: Path) -> None:
    store = _store()
    log = AuditLog(tiny_disk / "audit.jsonl")
    writer = Writer(store, log)
    acknowledged: list[str] = []
    refused = 0
    big: Callable[[int], str] = lambda n: "x" * 1500 + str(n)  # noqa: E731
    for n in range(200):
        try:
            writer.create_entity(WHO, {"id": f"b{n}", **BOARD, "description": {"en": big(n)}})
            acknowledged.append(f"b{n}")
        except StorageFull:
            refused += 1
    assert refused > 0 and acknowledged
    entries = _lines(log.path)  # every line whole: no torn fragment
    assert [e["target"] for e in entries] == acknowledged
    present = {s.rsplit("/", 1)[-1] for s, _, _ in store.triples() if "/id/b" in s}
    assert set(acknowledged) <= present
    assert not {f"b{n}" for n in range(200)} - set(acknowledged) & present
