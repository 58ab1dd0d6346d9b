"""The name table's file (``names.idx``): flat arrays a cold process maps instead of building.

Saved and opened again it holds the same rows as the table built from the index and answers
every name as that table does; a file cut short, of another format or not ours is ignored and
built again; after a write, a process that opens the store afresh resolves the new name from
the file saved beside the new projection.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import graph.index as index_module
from graph import index_carry, name_arrays, name_file
from graph.index import GovIndex, index_of
from graph.name_rows import TABLES, BuiltRows
from graph.oxigraph_store import OxigraphStore
from graph.resolve import PURPOSES, NameIndex, name_index, resolve_match
from loaders import load_paths
from ontology import vocab as v
from ontology.terms import DATA as IDS
from ontology.terms import RDF_TYPE, Literal
from tests.graph.test_name_carry import answer, forms
from tests.support import DATA


@pytest.fixture(scope="module")
def bundled() -> GovIndex:
    store = OxigraphStore()
    load_paths(store, [DATA])
    return index_of(store)


def content(rows: BuiltRows) -> dict[str, object]:
    """Everything the rows hold, positions in order, each list of owners as a multiset."""
    return {
        "entities": rows.entities,
        **{table: getattr(rows, table) for table in TABLES},
        "positions": list(zip(rows.names, rows.owners, rows.words, strict=True)),
        "spelled": {n: sorted(o) for n, o in rows.spelled_owners.items()},
        "tokens": (rows.tokens, rows.postings),
    }


def test_every_entity_read_by_predicate_gives_the_rows_read_one_by_one(
    bundled: GovIndex,
) -> None:
    from graph.generate import generate

    small = GovIndex(generate(nodes=300, dependencies=600, bodies=40, mandates=200, seed=3))
    for index in (bundled, small):
        assert content(BuiltRows(index)) == content(BuiltRows(index, list(index.entities())))


def test_saved_and_opened_the_rows_are_those_built(bundled: GovIndex, tmp_path: Path) -> None:
    built = BuiltRows(bundled, bundled.entities())
    name_file.save(tmp_path, built)
    opened = name_file.load(tmp_path)
    assert isinstance(opened, name_arrays.MappedRows)
    assert content(name_arrays.thawed(opened)) == content(built)
    # An IRI outside the common prefix keeps its whole spelling.
    other = BuiltRows.empty()
    other.entities = {"urn:x:1", IDS + "a"}
    other.exact = {"x": {"urn:x:1"}, "a": {IDS + "a"}}
    other._index()
    assert content(name_arrays.thawed(name_arrays.frozen(other))) == content(other)


def test_the_opened_rows_answer_every_name_as_the_built_ones(
    bundled: GovIndex, tmp_path: Path
) -> None:
    built = NameIndex(bundled)
    assert isinstance(built._rows, BuiltRows)
    name_file.save(tmp_path, built._rows)
    rows = name_file.load(tmp_path)
    assert rows is not None
    opened = NameIndex(bundled, rows=rows)
    texts = sorted({t for e in bundled.entities() for t in forms(bundled, e)})
    texts += ["styre", "sundhed", "plat", "xyzzy", "the digital", "regionsraadet", "EPJ"]
    for text in texts:
        for purpose in PURPOSES:
            assert answer(opened, text, purpose) == answer(built, text, purpose), (text, purpose)
        assert opened.search(text) == built.search(text), text
        for typo in (text + "x", text[1:], text[:-1] + "q"):
            assert opened.fuzzy(typo, 8) == built.fuzzy(typo, 8), typo


def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _old_format(data: bytes) -> bytes:
    start = len(name_file.MAGIC) + 8
    length = int.from_bytes(data[len(name_file.MAGIC) : start], "little")
    header = json.loads(data[start : start + length])
    header["format"] = name_file.FORMAT - 1
    head = json.dumps(header).encode().ljust(length)
    return data[:start] + head + data[start + length :]


def _bad_counts(data: bytes) -> bytes:
    start = len(name_file.MAGIC) + 8
    length = int.from_bytes(data[len(name_file.MAGIC) : start], "little")
    header = json.loads(data[start : start + length])
    header["sections"]["exact.ids"][2] -= 4  # one entity fewer than the pointers count
    head = json.dumps(header).encode().ljust(length)
    return data[:start] + head + data[start + length :]


@pytest.mark.parametrize(
    "spoil",
    [
        _cut,
        _old_format,
        _bad_counts,
        lambda data: b"",
        lambda data: b"not a name table",
        lambda data: name_file.MAGIC + (10**9).to_bytes(8, "little") + b"{",
        lambda data: name_file.MAGIC + (3).to_bytes(8, "little") + b"[1]",
    ],
)
def test_a_spoilt_file_is_built_again_not_a_crash(tmp_path: Path, spoil: object) -> None:
    store = OxigraphStore()
    body = IDS + "a"
    store.replace(
        {
            "urn:g": [
                (body, RDF_TYPE, v.ENTITY_CLASSES["body"]),
                (body, v.PREF_LABEL, Literal("Regionsrådet", lang="da")),
            ]
        }
    )
    index = index_of(store)
    name_file.save(tmp_path, BuiltRows(index, index.entities()))
    path = tmp_path / name_file.FILE
    assert callable(spoil)
    path.write_bytes(spoil(path.read_bytes()))
    assert name_file.load(tmp_path) is None
    index.folder = tmp_path
    assert resolve_match(index, "regionsradets").iri == body
    saved = name_file.load(tmp_path)  # built, and the file replaced by a whole one
    assert saved is not None and saved.keyed("exact", "regionsradet") == {body}


def _write_and_reopen(path: Path, store: OxigraphStore, new: str, label: str) -> OxigraphStore:
    """Write a body labelled ``label``; wait for the save; open the store as a new process."""
    store.replace(
        {
            f"urn:govgraph:graph:api/{new}": [
                (IDS + new, RDF_TYPE, v.ENTITY_CLASSES["body"]),
                (IDS + new, v.PREF_LABEL, Literal(label, lang="da")),
            ]
        }
    )
    assert name_index(index_of(store))._base is not None  # carried in this process
    for thread in threading.enumerate():
        if thread.name.startswith("govgraph-save"):
            thread.join()
    store.close()
    index_module._CACHE.clear()
    return OxigraphStore(path)


def test_after_a_write_a_process_opening_the_store_resolves_the_new_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)  # the bundled data is small
    monkeypatch.setattr(index_carry, "SAVE_DELAY", 0.0)
    path = tmp_path / "store"
    store = OxigraphStore(path)
    load_paths(store, [DATA])
    name_index(index_of(store))  # built and saved beside the projection
    store = _write_and_reopen(path, store, "fresh", "Øresundsregionens sundhedsråd")
    builds: list[int] = []
    real = BuiltRows.__init__

    def counted(*args: object) -> None:
        builds.append(1)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(BuiltRows, "__init__", counted)
    index = index_of(store)
    assert index.folder is not None
    found = resolve_match(index, "oresundsregionens sundhedsrad", purpose="who_decides")
    assert found.iri == IDS + "fresh"
    assert builds == [], "read from the file saved after the write, not built"
    table = name_index(index)
    assert isinstance(table._rows, name_arrays.MappedRows) and table._base is not None

    # A second write in the process that opened the carried table: saved over the same base.
    store = _write_and_reopen(path, store, "fresher", "Helseforetakenes fellesråd")
    assert builds == [1], "only the rows of the written entities were read again"
    index = index_of(store)
    for name, new in [
        ("oresundsregionens sundhedsrad", "fresh"),
        ("helseforetak fellesrad", "fresher"),
    ]:
        assert resolve_match(index, name, purpose="who_decides").iri == IDS + new
    assert builds == [1]
    store.close()
