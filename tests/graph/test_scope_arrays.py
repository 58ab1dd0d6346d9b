"""The array walks of who-decides say what the node-by-node reading of the index says."""

from __future__ import annotations

from collections import deque

import pytest

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.scope_arrays import AGENT_TYPES, contained, holder, scope_arrays
from graph.queries.scope_labels import label, prefetch, ref
from graph.queries.scopes import collaborations_of, mandate_status
from graph.store import GraphStore
from loaders import load_paths
from ontology import vocab as v
from tests.support import DATA


@pytest.fixture(scope="module")
def index() -> GovIndex:
    """The bundled data: organisations, bodies, collaborations, mandates of every status."""
    store: GraphStore = OxigraphStore()
    load_paths(store, [DATA])
    return index_of(store)


def reference_walk(index: GovIndex, subject: str) -> dict[str, list[tuple[str, str]]]:
    """Everything inside ``subject``, read node by node (the walk before the arrays)."""
    paths: dict[str, list[tuple[str, str]]] = {subject: []}
    queue = deque([subject])
    within = index.within_scope_predicates
    while queue:
        current = queue.popleft()
        inner = [
            (pred, source)
            for pred, source in sorted(index.incoming.get(current, []))
            if pred in within
            and index.is_entity(source)
            and (index.type_name(source) not in AGENT_TYPES or pred in v.ORG_CONTAINMENT_PREDICATES)
        ]
        inner += [(v.MEMBER, c) for c in collaborations_of(index, current)]
        for pred, source in inner:
            if source not in paths:
                paths[source] = [(pred, current), *paths[current]]
                queue.append(source)
    del paths[subject]
    return paths


def test_the_walk_down_is_the_node_by_node_walk(index: GovIndex) -> None:
    entities = sorted(index.entities())
    walks = {e: contained(index, e) for e in entities}
    assert any(len(w) > 3 for w in walks.values())  # organisations hold bodies and matters
    assert any(  # the collaborations of an organisation inside the subject come along
        any(path[0][0] == v.MEMBER for path in w.values()) for w in walks.values()
    )
    for entity in entities:
        assert list(walks[entity].items()) == list(reference_walk(index, entity).items())
    assert contained(index, "https://example.org/not-there") == {}


def test_flags_types_and_holders_are_the_index_s(index: GovIndex) -> None:
    arrays = scope_arrays(index)
    ids = index.projection.ids
    for iri in index.nodes:
        i = ids[iri]
        kind = index.type_name(iri)
        assert arrays.kinds[arrays.kind[i]] == kind
        assert bool(arrays.entity[i]) == index.is_entity(iri)
        assert bool(arrays.agent[i]) == (kind in AGENT_TYPES)
        assert bool(arrays.organisation[i]) == (kind in v.ORGANISATION_TYPES)
    mandates = index.of_type(v.MANDATE)
    assert mandates
    assert not arrays.ready("holder")  # nothing has asked for many holders yet
    first = [holder(index, m) for m in mandates]  # read from each mandate's facts
    arrays.holder, arrays.has_status  # noqa: B018 - now from the arrays
    assert (
        [holder(index, m) for m in mandates]
        == first
        == [index.first(m, v.HOLDER) for m in mandates]
    )
    statuses = [mandate_status(index, m) for m in mandates]
    assert "in_force" in statuses and len(set(statuses)) > 1
    for mandate, status in zip(mandates, statuses, strict=True):
        stated = index.first(mandate, v.MANDATE_STATUS)
        assert (status == "in_force") == (stated is None or stated.endswith("in-force"))


@pytest.mark.parametrize("lang", [None, "da", "en", "nb"])
def test_labels_read_at_once_are_the_index_s(index: GovIndex, lang: str | None) -> None:
    everything = sorted(index.nodes)
    prefetch(index, [*everything, "https://example.org/not-there"], lang)
    for iri in everything:
        assert label(index, iri, lang) == index.label(iri, lang)
        assert ref(index, iri, lang) == index.ref(iri, lang)
    assert label(index, "https://example.org/not-there", lang) == "https://example.org/not-there"
