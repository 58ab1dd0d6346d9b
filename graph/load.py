"""Apply validated batches to a store, atomically."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from graph.batch import GRAPH_PREFIX, Batch
from graph.store import GraphStore
from graph.validate import check_batches
from ontology.errors import ValidationFailed, Violation
from ontology.terms import GG, RDF_TYPE, XSD, Literal, Triple

ONTOLOGY_GRAPH = GRAPH_PREFIX + "ontology"
#: the store's own facts: its generation, bumped in the same transaction as every write
META_GRAPH = GRAPH_PREFIX + "meta"
STORE_NODE = "urn:govgraph:store"
GENERATION = GG + "generation"
SYSTEM_GRAPHS = (ONTOLOGY_GRAPH, META_GRAPH)
_HASH = GG + "contentHash"


def stored_generation(store: GraphStore) -> int:
    """The number of writes the store has committed (0 for a store older than the counter).

    It is written in the same atomic replace as the data, so it tells, after a crash, whether a
    write was committed (the audit log compares it with its entries).
    """
    values = [o for _, _, o in store.triples(STORE_NODE, GENERATION)]
    return max((int(str(v)) for v in values if str(v).isdigit()), default=0)


def _generation_graph(generation: int) -> list[Triple]:
    return [(STORE_NODE, GENERATION, Literal(str(generation), datatype=XSD + "integer"))]


@dataclass
class LoadSummary:
    files: list[str] = field(default_factory=list)
    triples: int = 0
    entities: int = 0
    relations: int = 0
    warnings: list[Violation] = field(default_factory=list)
    dry_run: bool = False
    generation: int | None = None  # the store generation the write produced

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "triples": self.triples,
            "entities": self.entities,
            "relations": self.relations,
            "warnings": [w.as_dict() for w in self.warnings],
            "dry_run": self.dry_run,
            "generation": self.generation,
        }


def _ontology_update(store: GraphStore) -> dict[str, list[Triple]]:
    """The ontology graph, when the store lacks it or holds an older version."""
    from ontology.shacl import ontology_triples

    triples = sorted(ontology_triples(), key=repr)
    digest = hashlib.sha256(repr(triples).encode()).hexdigest()
    stored = [o for _, _, o in store.triples(ONTOLOGY_GRAPH, _HASH)]
    if stored and str(stored[0]) == digest:
        return {}
    return {ONTOLOGY_GRAPH: [*triples, (ONTOLOGY_GRAPH, _HASH, Literal(digest))]}


def validate_batches(store: GraphStore, batches: Sequence[Batch]) -> list[Violation]:
    """Every violation (errors and warnings) the batches would raise against ``store``."""
    return check_batches(store, batches)


def apply_batches(
    store: GraphStore,
    batches: Sequence[Batch],
    *,
    dry_run: bool = False,
    precommit: Callable[[], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> LoadSummary:
    """Validate ``batches`` against ``store`` and write them, each into its own named graph.

    All or nothing: on any error, :class:`ValidationFailed` is raised and the store is left
    exactly as it was. ``precommit`` runs after validation, right before the write, and may
    refuse it by raising (the loader checks there that no input file changed). ``progress`` is
    told each validation stage (each shape, too) and the write.
    """
    problems = check_batches(store, batches, progress=progress)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [w for b in batches for w in b.warnings] + [
        p for p in problems if p.severity != "error"
    ]
    if errors:
        raise ValidationFailed(errors + warnings)
    summary = LoadSummary(files=[b.source for b in batches], warnings=warnings, dry_run=dry_run)
    for batch in batches:
        summary.triples += len(batch.triples)
        summary.entities += sum(1 for _, p, _ in batch.triples if p == RDF_TYPE)
        summary.relations += sum(
            1 for _, p, o in batch.triples if p != RDF_TYPE and isinstance(o, str)
        )
    if precommit is not None:
        precommit()
    if not dry_run:
        if progress is not None:
            progress(f"writing {summary.triples:,} triples", 3, 3)
        graphs: dict[str, list[Triple]] = {b.graph: b.triples for b in batches}
        graphs.update(_ontology_update(store))
        summary.generation = stored_generation(store) + 1
        graphs[META_GRAPH] = _generation_graph(summary.generation)
        store.replace(graphs)
    return summary


def remove_sources(store: GraphStore, graphs: Sequence[str]) -> int:
    """Drop the named graphs of earlier loads, atomically; return the new store generation."""
    generation = stored_generation(store) + 1
    store.replace({META_GRAPH: _generation_graph(generation)}, remove=list(graphs))
    return generation
