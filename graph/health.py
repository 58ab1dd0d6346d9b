"""Store health: a full scan of every index, and references nothing defines.

``govgraph check --store`` runs :func:`check_store`. Reading every triple through four access
paths (all triples, graph by graph, by predicate, by object) makes the embedded store read each
of its index files, so a damaged block is found (RocksDB verifies block checksums on read) and
reported as :class:`ontology.errors.StoreCorrupt` (exit 69), not as a crash; indexes that
disagree are reported the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.batch import GRAPH_PREFIX
from graph.load import SYSTEM_GRAPHS, stored_generation
from graph.store import GraphStore
from ontology.errors import StoreCorrupt
from ontology.terms import DATA, RDF_TYPE, Term, compact, local_id

Progress = Callable[[str, int, int], None]


def dangling_references(store: GraphStore) -> list[dict[str, Any]]:
    """Findings for references to ids no graph defines, with the graph (file) that makes them.

    >>> from tests.support import sample_store
    >>> dangling_references(sample_store())
    []
    """
    graphs = [g for g in store.graph_names() if g not in SYSTEM_GRAPHS]
    defined = {s for s, _, _ in store.triples(None, RDF_TYPE)}
    findings = []
    for graph in graphs:
        for s, p, o in store.graph_triples(graph):
            if p != RDF_TYPE and isinstance(o, str) and o.startswith(DATA) and o not in defined:
                findings.append(
                    {
                        "kind": "dangling_reference",
                        "severity": "error",
                        "subjects": [{"id": local_id(s), "label": local_id(s)}],
                        "graph": graph.removeprefix(GRAPH_PREFIX),
                        "message": f"{local_id(s)} {compact(p)} refers to {local_id(o)!r}, which "
                        f"nothing defines (in {graph.removeprefix(GRAPH_PREFIX)}): load the file "
                        "that defines it, or correct the reference",
                    }
                )
    return findings


def check_store(store: GraphStore, *, progress: Progress | None = None) -> dict[str, Any]:
    """Read the whole store through every index; raise :class:`StoreCorrupt` on damage.

    Returns the counts per graph, the store generation and the dangling references.
    """
    report = progress or (lambda step, done, total: None)
    graphs = store.graph_names()
    per_graph: dict[str, int] = {}
    for done, graph in enumerate(graphs):
        report(f"reading graph {graph.removeprefix(GRAPH_PREFIX)}", done, len(graphs) + 2)
        per_graph[graph.removeprefix(GRAPH_PREFIX)] = sum(1 for _ in store.graph_triples(graph))
    report("reading all triples", len(graphs), len(graphs) + 2)
    predicates: set[str] = set()
    objects: set[Term] = set()
    total = 0
    for _, p, o in store.triples():
        predicates.add(p)
        objects.add(o)
        total += 1
    report("reading by predicate and by object", len(graphs) + 1, len(graphs) + 2)
    by_predicate = sum(sum(1 for _ in store.triples(None, p)) for p in predicates)
    by_object = sum(sum(1 for _ in store.triples(None, None, o)) for o in objects)
    if not by_predicate == by_object == total:
        raise StoreCorrupt(
            store.description,
            f"the indexes disagree ({total}, {by_predicate} and {by_object} triples): "
            "restore a backup, or re-create the store and load the data again",
        )
    findings = dangling_references(store)
    report("checked", len(graphs) + 2, len(graphs) + 2)
    return {
        "store": store.description,
        "generation": stored_generation(store),
        "triples": total,
        "graphs": per_graph,
        "findings": findings,
    }
