"""The index after a write, updated from the store's change log, answers as a fresh one.

Who-decides and impact on the bundled data after writes (a mandate, its citation, a
dependency; in two graphs; removed again), the dependency net patched as a fresh build makes
it, memo values kept or patched, the fallbacks to a rebuild, and the updated projection
persisted for cold processes and readers.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

import graph.index as index_module
import graph.queries.impact as impact_module
from graph import checkpoint, depgraph, index_carry, oxigraph_store, stamp
from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.projection import Projection
from graph.queries.depnet import DependencyNet
from graph.queries.impact import dependency_net, impact, traverse
from graph.queries.impact_parts import _first_object, _type_codes
from graph.queries.portfolio import portfolio
from graph.queries.who_decides import who_decides
from graph.resolve import name_index
from graph.store import GraphStore, changes_since
from loaders import load_paths
from ontology import vocab as v
from ontology.terms import DATA as IDS
from ontology.terms import RDF_TYPE, Literal, Triple
from tests.graph.test_projection_delta import assert_same
from tests.support import DATA


@pytest.fixture
def bundled_copy() -> OxigraphStore:
    """A writable in-memory store of the bundled data (the change log is the embedded
    store's; a store without one rebuilds, tested below)."""
    store = OxigraphStore()
    load_paths(store, [DATA])
    return store


def _copied(store: GraphStore, subject: str, new: str, swap: dict[str, str]) -> list[Triple]:
    """The statements of ``subject`` made about ``new``, objects renamed by ``swap``."""
    return [
        (new, p, swap.get(o, o) if isinstance(o, str) else o) for _, p, o in store.triples(subject)
    ]


def _fresh(store: GraphStore) -> GovIndex:
    index_module._CACHE.pop(id(store), None)
    return index_of(store)


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    calls: list[int] = []
    wrapped = getattr(owner, name)

    def counted(*args: object) -> object:
        calls.append(1)
        return wrapped(*args)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return _counting(monkeypatch, index_module, "_open_or_build")


def _net_edges(
    net: DependencyNet,
) -> dict[str, tuple[list[tuple[str, int]], list[tuple[str, int]]]]:
    """Per node with edges: its prerequisites and its dependents, in order, with ranks (read
    node by node, and from the whole arrays: both must agree)."""
    found = {}
    (up_ptr, up_to, up_rank), (down_ptr, down_to, down_rank) = net.arrays(False), net.arrays(True)
    for i, iri in enumerate(net.ids):
        up = slice(int(up_ptr[i]), int(up_ptr[i + 1]))
        down = slice(int(down_ptr[i]), int(down_ptr[i + 1]))
        ups = [(net.ids[t], int(r)) for t, r in zip(up_to[up], up_rank[up], strict=True)]
        downs = [(net.ids[t], int(r)) for t, r in zip(down_to[down], down_rank[down], strict=True)]
        for downstream, edges in ((False, ups), (True, downs)):
            to, ranks = net.edges_of(i, downstream)
            assert [(net.ids[t], r) for t, r in zip(to, ranks, strict=True)] == edges
        if ups or downs:
            found[iri] = (ups, downs)
    return found


def _answers(store: GraphStore, subject: str, prerequisite: str) -> list[object]:
    """Who-decides, impact, names and the portfolio board, as a reader sees them."""
    names = name_index(index_of(store))
    return [
        who_decides(store, subject, action="decide"),
        who_decides(store, subject),
        impact(store, prerequisite),
        impact(store, prerequisite, direction="upstream", deciders=False),
        [names.search(text) for text in ("Skrivende råd", "Skrevet", "sundhedsdatastyrelsen")],
        portfolio(store, lang="en"),
        portfolio(store, "national-board-health-it", lang="en"),
    ]


def test_after_writes_the_updated_index_answers_as_a_fresh_one(
    bundled_copy: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = bundled_copy
    index = index_of(store)
    builds = _counting_builds(monkeypatch)
    mandate = next(m for m in index.of_type(v.MANDATE) if index.citations_for(m))
    scope = index.first(mandate, v.SCOPE)
    assert scope is not None
    cite = index.into(mandate, v.CITE_ABOUT)[0]
    dep = index.of_type(v.DEPENDENCY)[0]
    prerequisite = index.first(dep, v.PREREQUISITE)
    assert prerequisite is not None
    new_mandate, new_dep = IDS + "mandate-written", IDS + "dep-written"
    body, system = IDS + "body-written", IDS + "sys-written"
    written = (
        _copied(store, mandate, new_mandate, {index.first(mandate, v.HOLDER) or "": body})
        + _copied(store, cite, IDS + "cite-written", {mandate: new_mandate})
        + _copied(store, dep, new_dep, {index.first(dep, v.DEPENDENT) or "": system})
        + [
            (body, RDF_TYPE, v.ENTITY_CLASSES["body"]),
            (body, v.PREF_LABEL, Literal("Skrivende råd", lang="da")),
            (system, RDF_TYPE, v.ENTITY_CLASSES["system"]),
            (system, v.PREF_LABEL, Literal("Skrevet", lang="da")),
        ]
    )
    before = _answers(store, scope, prerequisite)
    nets = _counting(monkeypatch, impact_module, "dependency_edges")
    steps: list[tuple[dict[str, list[Triple]], list[str]]] = [
        ({"urn:govgraph:graph:api/written": written}, []),
        ({"urn:govgraph:graph:api/written": written[: len(written) // 2]}, []),
        ({"urn:govgraph:graph:api/again": written}, []),  # the same triples in two graphs
        ({}, ["urn:govgraph:graph:api/written"]),
        ({}, ["urn:govgraph:graph:api/again"]),
    ]
    for graphs, remove in steps:
        store.replace(graphs, remove)
        carried = index_of(store)._memo
        assert f"impact:types:{id(dependency_net(index_of(store)))}" in carried
        assert any(k.startswith("impact:first:") for k in carried)
        updated = _answers(store, scope, prerequisite)
        assert not builds, "the index is updated from the change log, not rebuilt"
        assert not nets, "the dependency net is patched, not rebuilt"
        mine = index_of(store)
        fresh = _fresh(store)
        assert _net_edges(dependency_net(mine)) == _net_edges(dependency_net(fresh))
        builds.clear()
        nets.clear()
        assert updated == _answers(store, scope, prerequisite)
        if graphs == steps[0][0]:
            assert "body-written" in repr(updated[1]) and "sys-written" in repr(updated[2])
            assert "body-written" in repr(updated[4]) and "sys-written" in repr(updated[4])
        for iri in (new_mandate, new_dep, mandate, scope, prerequisite, IDS + "cite-written"):
            assert mine.citations_for(iri) == fresh.citations_for(iri)
            assert mine.labels(iri) == fresh.labels(iri)
            assert mine.types_of(iri) == fresh.types_of(iri)
            assert {p: set(o) for p, o in mine.relations(iri).items()} == {
                p: set(o) for p, o in fresh.relations(iri).items()
            }
        assert mine.citations == fresh.citations
        net = dependency_net(mine)
        names, codes = _type_codes(mine, net)
        again, again_codes = _type_codes(fresh, dependency_net(fresh))
        fresh_net = dependency_net(fresh)
        assert {
            i: names[c]
            for i, c in zip(net.ids, codes.tolist(), strict=True)
            if i in fresh_net.position
        } == {i: again[c] for i, c in zip(fresh_net.ids, again_codes.tolist(), strict=True)}
        patched = [k for k in mine._memo if k.startswith("impact:first:")]
        for key in patched:
            predicate = key.removeprefix("impact:first:")
            first = [mine.projection.terms[o] if o >= 0 else None for o in mine._memo[key]]
            again = _first_object(fresh, predicate)
            by_iri = {fresh.projection.terms[i]: o for i, o in enumerate(again.tolist())}
            for i, term in enumerate(mine.projection.terms):
                o = by_iri.get(term, -1)
                assert first[i] == (fresh.projection.terms[o] if o >= 0 else None), (key, term)
        index_module._CACHE[id(store)] = (store, store.generation, mine, True)
    assert _answers(store, scope, prerequisite) == before


def test_the_updated_index_shows_the_write(bundled_copy: OxigraphStore) -> None:
    store = bundled_copy
    index = index_of(store)
    dep = index.of_type(v.DEPENDENCY)[0]
    prerequisite = index.first(dep, v.PREREQUISITE)
    assert prerequisite is not None
    newcomer = IDS + "sys-written"
    store.replace(
        {
            "urn:govgraph:graph:api/sys-written": [
                (newcomer, RDF_TYPE, v.ENTITY_CLASSES["system"]),
                (newcomer, v.PREF_LABEL, Literal("Nyt system", lang="da")),
                (IDS + "dep-written", RDF_TYPE, v.DEPENDENCY),
                (IDS + "dep-written", v.DEPENDENT, newcomer),
                (IDS + "dep-written", v.PREREQUISITE, prerequisite),
            ]
        }
    )
    hit = [item["id"] for item in impact(store, prerequisite, deciders=False)["impacted"]]
    assert "sys-written" in hit
    assert index_of(store).label(newcomer) == "Nyt system"


def test_a_relabelled_item_shows_its_new_label_in_impact(bundled_copy: OxigraphStore) -> None:
    """The net's refs are shared with the net patched from it: a node the write touched is
    shown afresh, the others from the shared refs."""
    store = bundled_copy
    index = index_of(store)
    prerequisite = index.first(index.of_type(v.DEPENDENCY)[0], v.PREREQUISITE)
    assert prerequisite is not None
    system, dep = IDS + "sys-relabelled", IDS + "dep-relabelled"

    def written(label: str) -> dict[str, list[Triple]]:
        return {
            "urn:govgraph:graph:api/relabelled": [
                (system, RDF_TYPE, v.ENTITY_CLASSES["system"]),
                (system, v.PREF_LABEL, Literal(label, lang="da")),
                (dep, RDF_TYPE, v.DEPENDENCY),
                (dep, v.DEPENDENT, system),
                (dep, v.PREREQUISITE, prerequisite),
            ]
        }

    def labels() -> dict[str, str]:
        answer = impact(store, prerequisite, deciders=False)
        return {item["id"]: item["label"] for item in answer["impacted"]}

    store.replace(written("Før"))
    _fresh(store)  # the new system in the net's refs lists, not past their end
    before = labels()
    assert before["sys-relabelled"] == "Før"
    store.replace(written("Efter"))
    after = labels()
    assert after == {**before, "sys-relabelled": "Efter"}
    assert dependency_net(index_of(store)).stale  # shown afresh, not from the shared lists


def test_memo_values_declared_over_unchanged_predicates_are_kept() -> None:
    store = OxigraphStore()
    store.replace({"urn:g": [("urn:a", "urn:p", "urn:b"), ("urn:a", "urn:q", Literal("x"))]})
    index = index_of(store)
    kept = index.memo("test:kept", lambda: ["p"], reads=["urn:p"])
    dropped = index.memo("test:dropped", lambda: ["q"], reads=["urn:q"])
    undeclared = index.memo("test:undeclared", lambda: ["any"])
    store.replace({"urn:h": [("urn:c", "urn:q", Literal("y"))]})
    after = index_of(store)
    assert after is not index
    assert after.memo("test:kept", lambda: ["again"]) is kept
    assert after.memo("test:dropped", lambda: ["again"]) is not dropped
    assert after.memo("test:undeclared", lambda: ["again"]) is not undeclared


def test_a_write_the_log_cannot_describe_rebuilds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = OxigraphStore()
    store.replace({"urn:g": [("urn:a", "urn:p", "urn:b")]})
    first = index_of(store)
    builds = _counting_builds(monkeypatch)
    monkeypatch.setattr(oxigraph_store, "DIFF_LIMIT", 1)  # this write is too large to diff
    store.replace({"urn:g": [("urn:a", "urn:p", "urn:c"), ("urn:a", "urn:p", "urn:d")]})
    assert changes_since(store, 1) is None
    after = index_of(store)
    assert builds == [1] and after is not first
    assert sorted(after.out("urn:a", "urn:p")) == ["urn:c", "urn:d"]


def test_a_store_without_a_change_log_rebuilds(monkeypatch: pytest.MonkeyPatch) -> None:
    class PassThrough:
        """A store wrapper passing attributes through (as a checkpoint follower does)."""

        def __init__(self, inner: OxigraphStore) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

    inner = OxigraphStore()
    inner.replace({"urn:g": [("urn:a", "urn:p", "urn:b")]})
    wrapped = PassThrough(inner)
    index_of(wrapped)  # type: ignore[arg-type]
    builds = _counting_builds(monkeypatch)
    inner.replace({"urn:g": [("urn:a", "urn:p", "urn:c")]})
    assert changes_since(wrapped, 1) is None
    assert index_of(wrapped).out("urn:a", "urn:p") == ["urn:c"]  # type: ignore[arg-type]
    assert builds == [1]


def _walks(net: DependencyNet) -> dict[tuple[str, bool, int], object]:
    """Every node's walks both ways, in Python and in numpy, as IRIs (empty walks left out:
    a patched net keeps nodes that lost their edges)."""
    found: dict[tuple[str, bool, int], object] = {}
    for start in range(len(net.ids)):
        for downstream in (True, False):
            for array_from in (0, 1_000):
                walk = traverse(net, start, downstream=downstream, array_from=array_from)
                if len(walk):
                    found[net.ids[start], downstream, array_from] = [
                        (net.ids[n], int(d), int(w), [net.ids[c] for c in walk.chain(n)])
                        for n, d, w in zip(walk.order, walk.distance, walk.weakest, strict=True)
                    ]
    return found


@pytest.mark.parametrize(("seed", "patched_nodes"), [(s, 4096) for s in range(6)] + [(6, 1)])
def test_random_dependency_writes_patch_the_net_as_a_fresh_build(
    seed: int, patched_nodes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also with the changed nodes' edges merged into the arrays at every write."""
    monkeypatch.setattr(depgraph, "PATCHED_NODES", patched_nodes)
    rng = random.Random(seed)
    store = OxigraphStore()
    nodes = [f"{IDS}n{i}" for i in range(8)]
    grades = [f"https://w3id.org/govgraph/concept/criticality/{g}" for g in ("low", "high")]

    def record(name: str) -> list[Triple]:
        triples: list[Triple] = [
            (name, RDF_TYPE, v.DEPENDENCY),
            (name, v.DEPENDENT, rng.choice(nodes)),
            (name, v.PREREQUISITE, rng.choice(nodes + [f"{IDS}new{rng.randrange(9)}"])),
        ]
        if rng.random() < 0.6:
            triples.append((name, v.CRITICALITY, rng.choice(grades)))
        elif rng.random() < 0.5:
            triples.append((name, v.CRITICALITY, Literal("critical")))
        return triples

    graphs = {
        f"urn:g{k}": [t for d in range(3) for t in record(f"{IDS}dep-{k}-{d}")] for k in range(3)
    }
    store.replace(graphs)
    dependency_net(index_of(store))
    nets = _counting(monkeypatch, impact_module, "dependency_edges")
    held = dict(graphs)
    for step in range(12):
        # Records are single-valued (validation sees to it): one graph names each, or a
        # second graph holds the very same statements.
        g = f"urn:g{rng.randrange(4)}"
        if rng.random() < 0.2:
            held.pop(g, None)
            store.replace({}, remove=[g])
        elif rng.random() < 0.2 and held:
            source = held[rng.choice(sorted(held))]
            held[g] = list(source)
            store.replace({g: held[g]})
        else:
            names = [f"{IDS}dep-{g[-1]}-{rng.randrange(6)}" for _ in range(rng.randrange(1, 4))]
            held[g] = [t for name in dict.fromkeys(names) for t in record(name)]
            store.replace({g: held[g]})
            for other in [o for o in held if o != g and set(held[o]) & set(held[g])]:
                held.pop(other)
                store.replace({}, remove=[other])
        updated = index_of(store)
        mine = dependency_net(updated)
        assert not nets, step
        fresh = dependency_net(_fresh(store))
        assert _net_edges(mine) == _net_edges(fresh), step
        assert _walks(mine) == _walks(fresh), step
        nets.clear()
        index_module._CACHE[id(store)] = (store, store.generation, updated, True)


def test_the_updated_projection_is_persisted_for_cold_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)
    monkeypatch.setattr(index_carry, "SAVE_DELAY", 0.0)
    path = tmp_path / "store"
    store = OxigraphStore(path)
    store.replace({"urn:g": [("urn:a", "urn:p", "urn:b"), ("urn:a", "urn:l", Literal("x"))]})
    index_of(store)
    builds = _counting_builds(monkeypatch)
    store.replace(
        {"urn:h": [("urn:c", "urn:p", "urn:a"), ("urn:c", "urn:l", Literal("y", lang="da"))]}
    )
    updated = index_of(store)
    assert not builds
    for thread in threading.enumerate():
        if thread.name.startswith("govgraph-save"):
            thread.join()
    token = stamp.read(path)
    assert token is not None and updated.folder == checkpoint.projection_root(path) / token
    cold, folder = checkpoint.load_projection(store)  # what a cold process or a reader opens
    assert cold is not None and folder == updated.folder
    assert_same(cold, Projection.build_oxigraph(store.raw))
    store.close()


def test_a_reader_waits_for_the_writer_to_persist_the_new_projection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)
    monkeypatch.setattr(index_carry, "SAVE_DELAY", 0.2)
    path = tmp_path / "store"
    writer = OxigraphStore(path)
    writer.replace({"urn:g": [("urn:a", "urn:p", "urn:b")]})
    index_of(writer)
    for thread in threading.enumerate():
        if thread.name.startswith("govgraph-save"):
            thread.join()
    writer.replace({"urn:h": [("urn:c", "urn:p", "urn:a")]})
    reader = OxigraphStore(checkpoint.write(writer), read_only=True)  # the new content
    index_of(writer)  # updated from the change log; persisted a moment later
    builds = _counting(monkeypatch, GovIndex, "from_store")
    opened = index_of(reader)
    assert builds == [], "the reader opened the writer's projection instead of building"
    assert opened.out("urn:c", "urn:p") == ["urn:a"]
    reader.close()
    writer.close()
