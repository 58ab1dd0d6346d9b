"""Validate batches against each other and the store before anything is written."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from graph.batch import GRAPH_PREFIX, Batch
from graph.store import GraphStore
from ontology.errors import Violation
from ontology.terms import DATA, RDF_TYPE, SKOS, Term, Triple, compact, local_id

if TYPE_CHECKING:
    from ontology.shacl import ShapeResult


def _typed_subjects(triples: Sequence[Triple]) -> set[str]:
    return {s for s, p, _ in triples if p == RDF_TYPE}


class _Definitions:
    """The subjects defined outside the replaced graphs, and (looked up lazily) where.

    The subjects come from one index lookup (``rdf:type`` over all graphs) and a scan of the
    replaced graphs only, so a batch is checked without reading the whole store; the graph a
    subject lives in is looked up only for a message.
    """

    def __init__(self, store: GraphStore, subjects: set[str], replaced: set[str]) -> None:
        self.store, self.subjects, self.replaced = store, subjects, replaced
        self._graphs: dict[str, str] = {}

    def __contains__(self, subject: object) -> bool:
        return subject in self.subjects

    def __iter__(self) -> Iterator[str]:
        return iter(self.subjects)

    def get(self, subject: str) -> str | None:
        """The graph defining ``subject``, ``None`` if none (outside the replaced graphs)."""
        if subject not in self.subjects:
            return None
        if subject not in self._graphs:
            for graph in self.store.graph_names():
                if graph not in self.replaced and any(
                    s == subject and p == RDF_TYPE for s, p, _ in self.store.graph_triples(graph)
                ):
                    self._graphs[subject] = graph
                    break
        return self._graphs.get(subject)


def _defined_outside(store: GraphStore, replaced: set[str]) -> _Definitions:
    typed = {s for s, _, _ in store.triples(None, RDF_TYPE)}
    stored = set(store.graph_names())
    in_replaced = {
        s for graph in replaced & stored for s, p, _ in store.graph_triples(graph) if p == RDF_TYPE
    }
    elsewhere = typed - in_replaced
    shared = typed & in_replaced
    # Typed in a replaced graph: defined elsewhere only if another graph types it too. A store
    # that can say which graphs type a subject answers by index lookups; others are scanned.
    lookup = getattr(store, "typed_outside", None)
    if shared and lookup is not None:
        elsewhere |= lookup(shared, replaced)
    elif shared:
        for graph in stored - replaced:
            for s, p, _ in store.graph_triples(graph):
                if p == RDF_TYPE and s in shared:
                    elsewhere.add(s)
    return _Definitions(store, elsewhere, replaced)


def check_batches(
    store: GraphStore,
    batches: Sequence[Batch],
    *,
    progress: Callable[[str, int, int], None] | None = None,
    engine: str | None = None,
) -> list[Violation]:
    """Every rule that spans files or needs the store: duplicate ids, references, shapes.

    The graphs the batches replace are treated as gone, so re-loading a corrected file works.
    ``progress(step, done, total)`` is told each stage (ids, references, shapes, each shape).
    ``engine`` chooses the shape checker (:func:`shape_results`).
    """
    report = progress or (lambda step, done, total: None)
    replaced = {b.graph for b in batches}
    problems: list[Violation] = []
    report("validating: ids", 0, 3)

    # Which graph defines each subject outside the replaced graphs.
    defined_in_store = _defined_outside(store, replaced)

    defined_in_batch: dict[str, Batch] = {}
    for batch in batches:
        for s in sorted(_typed_subjects(batch.triples)):
            if not s.startswith(DATA):
                continue
            other = defined_in_batch.get(s)
            if other is not None and other is not batch:
                first = other.locate(s)
                problems.append(
                    batch.violation(
                        "duplicate-id",
                        f"id {local_id(s)!r} is already defined in {first.file}"
                        f"{':' + str(first.line) if first.line else ''}: ids must be unique",
                        s,
                    )
                )
            elif s in defined_in_store and not s.endswith("#validity") and "/cite/" not in s:
                problems.append(
                    batch.violation(
                        "duplicate-id",
                        f"id {local_id(s)!r} is already defined in the store "
                        f"({(defined_in_store.get(s) or '?').removeprefix(GRAPH_PREFIX)}): "
                        "choose another id or re-load that file instead",
                        s,
                    )
                )
            defined_in_batch.setdefault(s, batch)

    known = set(defined_in_store) | set(defined_in_batch)
    report("validating: references across the store", 1, 3)
    problems += _dangling(batches, known)
    problems += _removed_but_referenced(store, batches, replaced, known)
    problems += _foreign_labels(batches, defined_in_store, defined_in_batch)
    if problems:
        return problems
    triples = sum(len(b.triples) for b in batches)
    label = f"validating: shapes of {triples:,} triples"
    report(label, 2, 3)

    def shapes_done(done: int, total: int) -> None:
        report(f"{label} ({done}/{total} shapes)", 2, 3)

    return problems + _shape_violations(store, batches, known, engine=engine, progress=shapes_done)


def shape_results(
    triples: list[Triple],
    *,
    focus: Callable[[Term], bool] | None = None,
    engine: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ShapeResult]:
    """The shapes' results over ``triples``: natively, or with pyshacl (the reference).

    ``engine`` is ``"native"`` (the default; ``GOVGRAPH_SHAPES=pyshacl`` switches) or
    ``"pyshacl"``. Shapes the native checker does not cover (none today; see
    ``ontology.shape_model``) go to pyshacl over the same triples.
    """
    from ontology import shacl, shape_check
    from ontology.shape_model import shape_set

    engine = engine or os.environ.get("GOVGRAPH_SHAPES", "native")
    if engine == "pyshacl" or shape_set().uncovered:
        results = shacl.validate(triples)
        return [r for r in results if focus is None or focus(r.focus)]
    return shape_check.validate(triples, focus=focus, progress=progress)


def _shape_violations(
    store: GraphStore,
    batches: Sequence[Batch],
    known: set[str],
    *,
    engine: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Violation]:
    data: list[Triple] = [t for b in batches for t in b.triples]
    # Context from the store: the types of everything the batches point at, so that class
    # constraints on references can be checked without validating the whole store.
    referenced = {o for b in batches for _, _, o in b.triples if isinstance(o, str)}
    in_batch = {s for b in batches for s in _typed_subjects(b.triples)}
    for target in referenced - in_batch:
        data.extend(store.triples(target, RDF_TYPE))
    owner: dict[str, Batch] = {}
    for batch in batches:
        for s, _, _ in batch.triples:
            owner.setdefault(s, batch)
    out = []
    # Only the batches' own subjects are checked: the rest is context (not this load's fault).
    results = shape_results(
        data, focus=lambda node: node in owner, engine=engine, progress=progress
    )
    for result in results:
        batch = owner[result.focus]
        message = result.message
        if result.value is not None and str(result.value) not in message:
            message += f" (value: {local_id(str(result.value))})"
        out.append(
            batch.violation(
                f"shape:{result.shape.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}",
                message,
                result.focus,
                result.path,
                result.value,
                severity="error" if result.severity == "error" else "warning",
            )
        )
    return out


def _dangling(batches: Sequence[Batch], known: set[str]) -> list[Violation]:
    """References to ids nothing defines; suggestions from an index, never a scan per miss."""
    by_prefix: dict[str, list[str]] = {}
    for k in sorted(known):
        if k.startswith(DATA):
            by_prefix.setdefault(local_id(k)[:4], []).append(local_id(k))
    problems = []
    for batch in batches:
        for s, p, o in batch.triples:
            if p == RDF_TYPE or not isinstance(o, str) or not o.startswith(DATA) or o in known:
                continue
            target = local_id(o)
            close = by_prefix.get(target[:4], [])[:3]
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            problems.append(
                batch.violation(
                    "reference-resolves",
                    f"{compact(p)} refers to unknown id {target!r}: define it in this batch or "
                    f"load the file that defines it first{hint}",
                    s,
                    p,
                    o,
                )
            )
    return problems


def _removed_but_referenced(
    store: GraphStore, batches: Sequence[Batch], replaced: set[str], known: set[str]
) -> list[Violation]:
    """Ids a re-load stops defining while other stored files still refer to them."""
    stored = set(store.graph_names())
    gone: dict[str, Batch] = {}
    for batch in batches:
        if batch.graph in stored:
            for s, p, _ in store.graph_triples(batch.graph):
                if p == RDF_TYPE and s.startswith(DATA) and s not in known:
                    gone.setdefault(s, batch)
    # Only when something still points at a gone id are the other graphs read (for the message).
    if not any(True for o in gone for _ in store.triples(None, None, o)):
        return []
    problems = []
    for graph in sorted(stored - replaced):
        for s, p, o in store.graph_triples(graph):
            if isinstance(o, str) and o in gone:
                batch = gone[o]
                problems.append(
                    batch.violation(
                        "reference-removed",
                        f"id {local_id(o)!r} is no longer defined here, but "
                        f"{graph.removeprefix(GRAPH_PREFIX)} still refers to it "
                        f"({local_id(s)} {compact(p)}): keep it, or change that file first",
                        o,
                    )
                )
    return problems


_LABELS = (SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel")


def _foreign_labels(
    batches: Sequence[Batch], in_store: _Definitions, in_batch: dict[str, Batch]
) -> list[Violation]:
    """Labels and aliases a file adds to an entity another file defines (the shapes cannot
    see them: each file's statements are checked with its own entities)."""
    problems = []
    for batch in batches:
        for s, p, o in batch.triples:
            if p not in _LABELS or not s.startswith(DATA):
                continue
            owner_batch = in_batch.get(s)
            if owner_batch is batch:
                continue
            owner = (
                owner_batch.source
                if owner_batch is not None
                else (in_store.get(s) or "").removeprefix(GRAPH_PREFIX)
            )
            if not owner:
                continue
            problems.append(
                batch.violation(
                    "label-owner",
                    f"adds the {compact(p)} {str(o)!r} to {local_id(s)!r}, which {owner} "
                    "defines: labels and aliases belong in the file that defines the entity",
                    s,
                    p,
                    o,
                )
            )
    return problems
