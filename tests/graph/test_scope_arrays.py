"""The array walks of who-decides say what the node-by-node reading of the index says."""

from __future__ import annotations

from collections import deque

import pytest

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.scope_arrays import AGENT_TYPES, holder, scope_arrays
from graph.queries.scope_contained import contained
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


def _by_iri(index: GovIndex) -> dict[str, tuple[object, ...]]:
    """Every term's flags, holder and type name, keyed by IRI (term ids differ per build)."""
    arrays, terms = scope_arrays(index), index.projection.terms
    columns = zip(
        arrays.holder.tolist(),
        arrays.may_rule_out.tolist(),
        arrays.has_status.tolist(),
        arrays.has_editorial.tolist(),
        arrays.entity.tolist(),
        arrays.agent.tolist(),
        arrays.organisation.tolist(),
        arrays.kind.tolist(),
        strict=True,
    )
    return {
        terms[i]: (terms[h] if h >= 0 else None, *flags, arrays.kinds[k])
        for i, (h, *flags, k) in enumerate(columns)
    }


def test_after_writes_the_patched_arrays_equal_fresh_ones() -> None:
    """A write patches the arrays (touched subjects read again) to what a fresh build gives:
    a new mandate with a status and an exclusion, a body made an organisation too, a
    new holder, and the writes taken back. (A second holder of an old mandate is left out: which
    of two values is "first" follows the stream order, which a build and a patch may differ in.)"""
    import graph.index as index_module
    from ontology.terms import DATA as IDS
    from ontology.terms import RDF_TYPE, Literal

    store = OxigraphStore()
    load_paths(store, [DATA])
    index = index_of(store)
    mandate = index.of_type(v.MANDATE)[0]
    body = next(b for b in index.of_type(v.ENTITY_CLASSES["body"]) if b != mandate)
    _by_iri(index)  # every group read, so every group is patched
    written = [(IDS + "m-written", p, o) for _, p, o in store.triples(mandate)]
    written += [
        (IDS + "m-written", v.MANDATE_STATUS, Literal("udkast", lang="da")),
        (IDS + "m-written", v.EXCLUDES, body),
        (body, RDF_TYPE, v.ENTITY_CLASSES["organisation"]),
        (IDS + "m2-written", RDF_TYPE, v.MANDATE),
        (IDS + "m2-written", v.HOLDER, IDS + "holder-written"),
        (IDS + "holder-written", RDF_TYPE, v.ENTITY_CLASSES["person"]),
    ]
    only_new = [  # new terms only: the arrays grow past their end, nothing copied
        (IDS + "m3-written", RDF_TYPE, v.MANDATE),
        (IDS + "m3-written", v.HOLDER, IDS + "holder3-written"),
        (IDS + "holder3-written", RDF_TYPE, v.ENTITY_CLASSES["person"]),
    ]
    steps: list[tuple[dict, list[str]]] = [
        ({"urn:govgraph:graph:api/scope-new": only_new}, []),
        ({"urn:govgraph:graph:api/scope-written": written}, []),
        ({"urn:govgraph:graph:api/scope-written": written[-4:]}, []),
        ({}, ["urn:govgraph:graph:api/scope-written"]),
    ]
    for graphs, remove in steps:
        store.replace(graphs, remove)
        patched = index_of(store)
        assert "scope-arrays" in patched._memo, "the arrays are patched, not dropped"
        mine = _by_iri(patched)
        index_module._CACHE.pop(id(store), None)
        fresh = _by_iri(index_of(store))
        empty = (None, False, False, False, False, False, False, "unknown")
        gone = {iri: row for iri, row in mine.items() if iri not in fresh}  # kept terms, no facts
        assert gone == dict.fromkeys(gone, empty)
        assert {iri: row for iri, row in mine.items() if iri in fresh} == fresh
        index_module._CACHE[id(store)] = (store, store.generation, patched, True)


def test_the_first_write_of_new_terms_appends_to_the_built_arrays_in_place() -> None:
    """Built with spare room, the arrays are grown by the first write that adds only new
    terms as by later ones: written after their end, not copied (readers of the old index see
    their own length, unchanged)."""
    from ontology.terms import DATA as IDS
    from ontology.terms import RDF_TYPE

    store = OxigraphStore()
    load_paths(store, [DATA])
    index = index_of(store)
    _by_iri(index)
    old = scope_arrays(index)
    before = {name: getattr(old, name).copy() for name in ("holder", "has_status", "entity")}
    store.replace(
        {
            "urn:govgraph:graph:api/scope-room": [
                (IDS + "m-room", RDF_TYPE, v.MANDATE),
                (IDS + "m-room", v.HOLDER, IDS + "holder-room"),
            ]
        }
    )
    new = scope_arrays(index_of(store))
    for name, kept in before.items():
        grown = getattr(new, name)
        assert grown.base is getattr(old, name).base, name
        assert len(grown) > len(kept) and (grown[: len(kept)] == kept).all()
        assert (getattr(old, name) == kept).all()
