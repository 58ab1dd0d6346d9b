"""Row columns of a persisted projection mapped with spare room: the first write after a
writer opens the projection appends its rows in place (no column copied), answers as a fresh
build, and leaves the files as they were."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import graph.index as index_module
from graph import index_carry
from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.projection import Projection
from graph.projection_room import ROW_COLUMNS, map_with_room
from graph.projection_rows import appended
from ontology.terms import Literal
from tests.graph.test_projection_delta import assert_same

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux maps")


@linux_only
@pytest.mark.parametrize(
    ("rows", "dtype"), [(0, np.int32), (5, np.int32), (1023, np.int64), (9000, np.bool_)]
)
def test_a_mapped_column_takes_rows_after_its_end_in_place(
    tmp_path: Path, rows: int, dtype: type
) -> None:
    column: np.ndarray = (np.arange(rows) % 3).astype(dtype)
    np.save(tmp_path / "c.npy", column)
    other = np.load(tmp_path / "c.npy", mmap_mode="r")  # another reader of the file
    mapped = map_with_room(tmp_path / "c.npy")
    assert mapped is not None and mapped.dtype == column.dtype
    assert mapped.tolist() == column.tolist()
    longer = appended(mapped, np.ones(7, dtype=dtype))
    assert longer.ctypes.data == mapped.ctypes.data, "written into the room, not copied"
    assert longer.tolist() == column.tolist() + np.ones(7, dtype=dtype).tolist()
    assert len(mapped) == rows  # readers of the shorter column see what they saw
    again = appended(longer, np.zeros(5000, dtype=dtype))  # past the room: a copy
    assert not np.shares_memory(again, longer) and len(again) == rows + 5007
    assert np.load(tmp_path / "c.npy").tolist() == column.tolist()  # nothing written back
    assert np.array_equal(other, column)


@linux_only
def test_what_cannot_be_mapped_so_is_left_to_the_caller(tmp_path: Path) -> None:
    np.save(tmp_path / "table.npy", np.zeros((3, 2), dtype=np.int32))
    assert map_with_room(tmp_path / "table.npy") is None
    np.save(tmp_path / "longer.npy", np.zeros(3, dtype=np.int32))
    with (tmp_path / "longer.npy").open("ab") as out:  # more bytes than the header says
        out.write(b"\0" * 9000)
    assert map_with_room(tmp_path / "longer.npy") is None


@linux_only
def test_the_first_write_after_a_writer_opens_the_projection_copies_no_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)
    monkeypatch.setattr(index_carry, "SAVE_DELAY", 0.0)
    store = OxigraphStore(tmp_path / "store")
    store.replace(
        {
            "urn:g": [
                ("urn:a", "urn:p", "urn:b"),
                ("urn:b", "urn:p", "urn:c"),
                ("urn:a", "urn:l", Literal("x", lang="da")),
            ]
        }
    )
    index_of(store)  # built, then persisted beside the store
    for thread in threading.enumerate():
        if thread.name.startswith("govgraph-save"):
            thread.join()
    index_module._CACHE.pop(id(store))  # as a new process: opens the persisted projection
    opened = index_of(store).projection
    assert opened.s.base is not None and len(opened.s.base) > len(opened.s)
    folder = index_of(store).folder
    assert folder is not None
    saved = {name: np.load(folder / f"{name}.npy") for name in ROW_COLUMNS}
    store.replace(
        {"urn:h": [("urn:d", "urn:p", "urn:a"), ("urn:d", "urn:l", Literal("y", lang="en"))]}
    )
    updated = index_of(store).projection
    assert updated is not opened
    for name in ROW_COLUMNS:
        assert np.shares_memory(getattr(updated, name), getattr(opened, name)), name
        assert np.array_equal(getattr(opened, name), saved[name])  # the old snapshot kept
        assert np.array_equal(np.load(folder / f"{name}.npy"), saved[name])
    assert_same(updated, Projection.build_oxigraph(store.raw))
    assert index_of(store).out("urn:d", "urn:p") == ["urn:a"]
    store.close()
