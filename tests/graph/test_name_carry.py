"""Property: the name table carried across writes resolves every name as a fresh build does.

Random writes on the bundled data (a label added, changed or taken away, an alias added, an
entity removed, a new entity with a Danish or Norwegian name, a written graph removed); after
each, every way of writing the names of the entities written, their old names, and a sample
of every other entity's names resolve (and search) through the carried table exactly as
through a table built from scratch on the same index.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import graph.index as index_module
from graph import index_carry, name_arrays, name_file, name_rows, name_table
from graph.index import GovIndex, index_of
from graph.name_rows import BuiltRows
from graph.oxigraph_store import OxigraphStore
from graph.resolve import NAME_INDEX_KEY, PURPOSES, NameIndex, _carried, name_index, resolve_match
from loaders import load_paths
from ontology import vocab as v
from ontology.errors import AmbiguousName, NotFound
from ontology.terms import DATA as IDS
from ontology.terms import RDF_TYPE, Literal, Triple
from tests.graph.test_resolve_properties import accent_free, inflections
from tests.support import DATA

NEW_NAMES = [
    ("Porteføljestyregruppen for røntgen", "da"),
    ("Helseforetakenes fellesråd", "nb"),
    ("Øresundsregionens sundhedsråd", "da"),
    ("Styringsgruppe for pasientjournal", "nb"),
    ("Regionsrådet (Region Nord)", "da"),
    ("Digital Health Board", "en"),
    ("Sør-Øst IKT-forum", "nb"),
]
LABELLED = (v.PREF_LABEL, v.ALT_LABEL)


def forms(index: GovIndex, iri: str) -> Iterator[str]:
    """Ways people write the names of ``iri`` (as in test_resolve_properties)."""
    for lang, label in index.labels(iri).items():
        yield from {label, label.lower(), accent_free(label), accent_free(label).lower()}
        if lang in ("da", "nb"):
            yield from inflections(label)
    for alias in index.alt_labels(iri):
        yield from {alias, alias.lower(), accent_free(alias)}


def answer(table: NameIndex, text: str, purpose: str) -> tuple[Any, ...]:
    try:
        found = table.match(text, purpose=purpose)
    except AmbiguousName as error:
        return ("ambiguous", [c.__dict__ for c in error.candidates])
    except NotFound as error:
        return ("not found", error.suggestions)
    return ("found", found.iri, found.tier, found.also)


def _edit(store: OxigraphStore, drop: Any, add: list[Triple] | None = None) -> None:
    """Replace each graph holding a statement ``drop`` selects by that graph without them
    (``add`` put into the first such graph)."""
    graphs: dict[str, list[Triple]] = {}
    for graph in store.graph_names():
        triples = list(store.graph_triples(graph))
        kept = [t for t in triples if not drop(t)]
        if len(kept) != len(triples):
            graphs[graph] = kept + (add or [])
            add = None
    if graphs:
        store.replace(graphs)


def write(store: OxigraphStore, rnd: random.Random, step: int) -> set[str]:
    """One random write; the entities whose names it meant to change."""
    index = index_of(store)
    entities = sorted(index.entities())
    entity = rnd.choice([e for e in entities if index.labels(e)])
    kind = rnd.choice(["label", "change", "alias", "remove", "new", "copy", "ungraph"])
    name, lang = rnd.choice(NEW_NAMES)
    graph = f"urn:govgraph:graph:api/names-{step}"
    if kind == "label":
        store.replace({graph: [(entity, v.PREF_LABEL, Literal(name, lang="en"))]})
    elif kind == "change":
        old = next(iter(index.labels(entity).items()))
        _edit(
            store,
            lambda t: t[0] == entity and t[1] == v.PREF_LABEL and t[2] == Literal(old[1], old[0]),
            [(entity, v.PREF_LABEL, Literal(name, lang=old[0] or None))],
        )
    elif kind == "alias":
        store.replace({graph: [(entity, v.ALT_LABEL, Literal(name.split()[0], lang=lang))]})
    elif kind == "remove":
        _edit(store, lambda t: t[0] == entity)
    elif kind == "copy":  # a new entity named as an old one: a tie or a rank decides
        other = rnd.choice(entities)
        entity = IDS + f"copy-{step}"
        store.replace(
            {
                graph: [
                    (entity, RDF_TYPE, rnd.choice(list(v.ENTITY_CLASSES.values()))),
                    *(
                        (entity, v.PREF_LABEL, Literal(t, lang=g or None))
                        for g, t in index.labels(other).items()
                    ),
                ]
            }
        )
    elif kind == "ungraph":
        written = [g for g in store.graph_names() if g.startswith("urn:govgraph:graph:api/")]
        if written:
            gone = rnd.choice(written)
            subjects = {t[0] for t in store.graph_triples(gone)}
            store.replace({}, [gone])
            return subjects
    else:
        entity = IDS + f"new-{step}"
        kind_iri = v.ENTITY_CLASSES[rnd.choice(["body", "system", "project", "organisation"])]
        store.replace(
            {
                graph: [
                    (entity, RDF_TYPE, kind_iri),
                    (entity, v.PREF_LABEL, Literal(name, lang=lang)),
                ]
            }
        )
    return {entity}


@pytest.mark.parametrize(("seed", "opened"), [(1, False), (2, False), (3, True), (4, True)])
def test_random_writes_carry_the_name_table_as_a_fresh_build(
    seed: int, opened: bool, tmp_path: Path
) -> None:
    rnd = random.Random(seed)
    store = OxigraphStore()
    load_paths(store, [DATA])
    before = index_of(store)
    if opened:  # the rows as a cold process opens them from the file: flat arrays
        mapped = name_arrays.frozen(BuiltRows(before, before.entities()))
        before.memo(NAME_INDEX_KEY, lambda: NameIndex(before, rows=mapped), patch=_carried)
    name_index(before)  # built once; every write below carries it
    every = sorted({(e, t) for e in before.entities() for t in forms(before, e)})
    for step in range(10):
        old = index_of(store)
        written = write(store, rnd, step)
        old_forms = {t for e in written for t in forms(old, e)}
        index = index_of(store)
        assert index is not old
        table = name_index(index)
        assert table._base is not None, "carried, not built again"
        fresh = NameIndex(index)
        name_file.save(tmp_path, table.flat_rows())  # as saved for cold processes
        saved = name_file.load(tmp_path)
        assert isinstance(saved, name_file.Layered)
        flat = NameIndex(index, rows=saved)
        texts = sorted(
            old_forms
            | {t for e in written for t in forms(index, e)}
            | {t for _, t in rnd.sample(every, 40)}
        )
        assert texts
        for text in texts:
            for purpose in PURPOSES:
                assert answer(table, text, purpose) == answer(fresh, text, purpose), (text, purpose)
            assert table.search(text) == fresh.search(text), text
            assert answer(flat, text, "any") == answer(fresh, text, "any"), text
            assert flat.search(text) == fresh.search(text), text
            assert table.fuzzy(text + "x") == fresh.fuzzy(text + "x"), text
            assert flat.fuzzy(text + "x") == fresh.fuzzy(text + "x"), text


def test_a_carry_beyond_the_limit_builds_again(monkeypatch: pytest.MonkeyPatch) -> None:
    store = OxigraphStore()
    load_paths(store, [DATA])
    first = name_index(index_of(store))
    monkeypatch.setattr(name_table, "CARRY_LIMIT", 2)
    store.replace({"urn:g:1": [(IDS + "a", v.PREF_LABEL, Literal("A"))]})
    carried = name_index(index_of(store))
    assert carried._base is first._rows
    store.replace(
        {
            "urn:g:2": [
                (IDS + "b", v.PREF_LABEL, Literal("B")),
                (IDS + "c", v.PREF_LABEL, Literal("C")),
            ]
        }
    )
    rebuilt = name_index(index_of(store))
    assert rebuilt._base is None and rebuilt is not carried


def test_a_cold_process_reads_the_name_table_saved_beside_the_projection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)  # the bundled data is small
    store = OxigraphStore(tmp_path / "store")
    load_paths(store, [DATA])
    index_of(store)
    for thread in threading.enumerate():
        if thread.name.startswith("govgraph-save"):
            thread.join()
    index_module._CACHE.pop(id(store), None)  # a process that opens the persisted projection
    opened = index_of(store)
    assert opened.folder is not None
    first = name_index(opened)
    assert (opened.folder / name_file.FILE).exists()
    index_module._CACHE.pop(id(store), None)  # the next cold process
    cold = index_of(store)
    builds: list[int] = []
    monkeypatch.setattr(name_rows.BuiltRows, "__init__", lambda *a: builds.append(1))
    loaded = name_index(cold)
    assert builds == [], "read from the file, not built"
    assert isinstance(loaded._rows, name_arrays.MappedRows)
    texts = sorted({t for e in cold.entities() for t in forms(cold, e)})
    assert len(texts) > 500
    for text in texts:
        assert answer(loaded, text, "who_decides") == answer(first, text, "who_decides"), text
    store.close()


def test_a_name_table_file_of_another_format_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore()
    body = IDS + "a"
    store.replace(
        {
            "urn:g": [
                (body, RDF_TYPE, v.ENTITY_CLASSES["body"]),
                (body, v.PREF_LABEL, Literal("Råd")),
            ]
        }
    )
    index = index_of(store)
    index.folder = tmp_path
    (tmp_path / name_file.FILE).write_bytes(b"not a name table")
    assert name_table.load_rows(tmp_path) is None
    assert resolve_match(index, "rad").iri == body
    saved = name_table.load_rows(tmp_path)  # built, and the file replaced by a readable one
    assert saved is not None and saved.keyed("exact", "rad") == {body}


def test_after_a_write_the_carried_table_is_saved_with_the_new_projection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)
    monkeypatch.setattr(index_carry, "SAVE_DELAY", 0.0)
    store = OxigraphStore(tmp_path / "store")
    load_paths(store, [DATA])
    name_index(index_of(store))
    rnd = random.Random(7)
    written = set()
    for step in range(3):
        written |= write(store, rnd, step)
    index = index_of(store)
    assert name_index(index)._base is not None
    for thread in threading.enumerate():
        if thread.name.startswith("govgraph-save"):
            thread.join()
    assert index.folder is not None
    rows = name_table.load_rows(index.folder)
    assert rows is not None, "saved beside the new projection"
    saved, fresh = NameIndex(index, rows=rows), NameIndex(index)
    texts = {t for e in written for t in forms(index, e)} | {
        t for e in sorted(index.entities())[:100] for t in forms(index, e)
    }
    for text in sorted(texts):
        assert answer(saved, text, "who_decides") == answer(fresh, text, "who_decides"), text
    store.close()
