"""The SPARQL worker pool on its own: crashes, checkpoints renewed after writes, the guard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.http_errors import LimitExceeded
from api.sparql_guard import QueryLimits, check, measure
from api.sparql_pool import Job, SparqlPool
from graph import checkpoint
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology.errors import InvalidArgument, StoreUnavailable
from tests.support import FIXTURES

ASK = Job("ASK {}", ["*/*"], union=True, default=None, named=None, base="urn:x:")


def _job(query: str) -> Job:
    return Job(query, ["*/*"], union=True, default=None, named=None, base="urn:x:")


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path / "store")
    load_paths(store, [FIXTURES / "sample" / "sample.yaml"])
    yield store
    store.close()


def test_a_crashing_worker_is_replaced(disk_store: OxigraphStore) -> None:
    pool = SparqlPool(
        disk_store, workers=1, timeout=10, max_bytes=10**6, memory_mb=512, per_client=1
    )
    try:
        crash = "ASK { FILTER(" + "(" * 6000 + "1" + ")" * 6000 + ") }"  # past the guard
        with pytest.raises(StoreUnavailable, match="ended its worker"):
            pool.run(_job(crash), "c")
        body, media = pool.run(ASK, "c")
        assert b'"boolean":true' in body and media == "application/sparql-results+json"
    finally:
        pool.close()


def test_memory_limit_ends_the_query_not_the_server(disk_store: OxigraphStore) -> None:
    pool = SparqlPool(
        disk_store, workers=1, timeout=20, max_bytes=10**12, memory_mb=400, per_client=1
    )
    try:
        runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
        with pytest.raises(LimitExceeded) as raised:
            pool.run(_job(runaway), "c")
        assert raised.value.limit in ("sparql_memory", "sparql_timeout")
        assert b"true" in pool.run(ASK, "c")[0]
    finally:
        pool.close()


def test_checkpoints_follow_writes_and_are_removed(disk_store: OxigraphStore) -> None:
    pool = SparqlPool(
        disk_store, workers=1, timeout=10, max_bytes=10**6, memory_mb=1024, per_client=1
    )
    count = _job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    try:
        before = pool.run(count, "c")[0]
        disk_store.replace({"urn:govgraph:graph:extra": [("urn:x:a", "urn:x:p", "urn:x:b")]})
        after = pool.run(count, "c")[0]
        assert before != after  # the worker reads a fresh checkpoint after the write
        newest = checkpoint.latest(disk_store.path)
        assert newest is not None and checkpoint.generation_of(newest) == disk_store.generation
        kept = [p for p in pool.checkpoints.root.iterdir() if p.is_dir()]
        assert newest in kept and len(kept) <= checkpoint.KEEP
    finally:
        pool.close()
    # one checkpoint mechanism: the pool reads graph.checkpoint's, which outlive it (the CLI
    # beside a server reads them too); no second set of SPARQL checkpoints
    assert pool.checkpoints.root == checkpoint.checkpoints_dir(disk_store.path)
    assert checkpoint.latest(disk_store.path) is not None
    assert not disk_store.path.with_name(disk_store.path.name + ".sparql-checkpoints").exists()


def test_a_checkpoint_a_query_reads_is_not_pruned(disk_store: OxigraphStore) -> None:
    first = checkpoint.write(disk_store)
    checkpoint.hold(first)
    for number in range(checkpoint.KEEP + 1):
        disk_store.replace(
            {"urn:govgraph:graph:extra": [("urn:x:a", "urn:x:p", f"urn:x:{number}")]}
        )
        checkpoint.write(disk_store)
    assert first.is_dir()  # held: older than the KEEP newest, yet kept
    checkpoint.release(first)
    assert not first.exists()
    kept = [p for p in checkpoint.checkpoints_dir(disk_store.path).iterdir() if p.is_dir()]
    assert len(kept) == checkpoint.KEEP


def test_guard_measures_without_parsing() -> None:
    text = 'SELECT * WHERE { ?s <urn:p> "a ( { . ; " . ?s ?q ?o } # ((((( SERVICE <x>'
    shape = measure(text)
    assert (shape.depth, shape.patterns, shape.services) == (1, 2, [])
    with pytest.raises(InvalidArgument, match="triple patterns"):
        check(text, QueryLimits(max_patterns=1))
    with pytest.raises(InvalidArgument, match="SERVICE"):
        check("ASK { SERVICE <http://a/> { } }", QueryLimits())
    assert check(
        "ASK { SERVICE <http://a/> { } }", QueryLimits(service_allow=frozenset({"http://a/"}))
    )
