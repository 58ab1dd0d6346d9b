"""The name table's file beside the persisted projection (``names.idx``), memory-mapped.

A cold process (a CLI call) maps the file in well under a millisecond and answers from its flat
arrays (:class:`graph.name_arrays.MappedRows`): nothing is built or unpickled per name. The
file is replaced whole (a reader finds it whole or not at all); one cut short, of another
format or not ours is ignored, and the table built and saved again.

Layout: ``MAGIC``, the header's length (8 bytes, little-endian), a JSON header (the format, the
IRI prefix left out of the stored IRIs, per section its offset, dtype and length, and where the
base file lies, if any), then the sections, each aligned to 8 bytes. A table carried across
writes (:class:`Layered`) is saved as its own small layer, the entities whose base rows no
longer count (``gone``), and the base's file embedded verbatim: saving after a write copies
bytes instead of merging half a million entities' rows in Python.
"""

from __future__ import annotations

import json
import mmap
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from graph.name_arrays import MappedRows, Strings, opened, sections_of, string_section, thawed
from graph.name_rows import TABLES, BuiltRows
from ontology.terms import DATA

#: bumped whenever the sections or the way names are keyed change: older files are ignored
FORMAT = 2
FILE = "names.idx"
MAGIC = b"GOVGRAPH-NAMES\n\x00"
_ALIGN = 8

Flat = BuiltRows | MappedRows


@dataclass(frozen=True)
class Layered:
    """A carried table's rows: ``own`` (read again since the last full build) over ``base``,
    whose rows of the entities ``gone`` no longer count."""

    own: Flat
    base: Flat
    gone: frozenset[str]


def _aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def _encoded(rows: Flat | Layered, prefix: str) -> Iterator[bytes | memoryview]:
    """The bytes of the file of ``rows``, in pieces."""
    if isinstance(rows, MappedRows) and rows.file is not None:
        buffer, at, size = rows.file
        yield memoryview(buffer)[at : at + size]  # as it was read: nothing to encode
        return
    own = rows.own if isinstance(rows, Layered) else rows
    sections: dict[str, bytes | np.ndarray] = sections_of(
        thawed(own) if isinstance(own, MappedRows) else own, prefix
    )
    if isinstance(rows, Layered):
        sections["gone"], sections["gone.offsets"] = string_section(sorted(rows.gone))
    header: dict[str, Any] = {"format": FORMAT, "prefix": prefix, "sections": {}}
    at = 0
    for name, value in sections.items():
        size = len(value) if isinstance(value, bytes) else value.nbytes
        dtype = "bytes" if isinstance(value, bytes) else value.dtype.str
        header["sections"][name] = [at, dtype, size]
        at += _aligned(size)
    base = list(_encoded(rows.base, prefix)) if isinstance(rows, Layered) else []
    if base:
        header["base"] = [at, sum(len(piece) for piece in base)]
    head = json.dumps(header).encode()
    lead = MAGIC + len(head).to_bytes(8, "little") + head
    yield lead + b"\0" * (_aligned(len(lead)) - len(lead))
    for value in sections.values():
        data = value if isinstance(value, bytes) else value.tobytes()
        yield data + b"\0" * (_aligned(len(data)) - len(data))
    yield from base


def save(folder: Path, rows: Flat | Layered) -> None:
    """Write ``rows`` into the projection folder ``folder`` (atomically: a reader finds the
    file whole or not at all; one unreadable or of another format is replaced). A read-only or
    full disk is no error: the next process builds the table."""
    target = folder / FILE
    partial = folder / f".{FILE}.{os.getpid()}.{threading.get_ident()}"
    try:
        with partial.open("wb") as out:
            for piece in _encoded(rows, DATA):
                out.write(piece)
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)


def load(folder: Path) -> MappedRows | Layered | None:
    """The rows saved in ``folder``, memory-mapped; ``None`` if absent, unreadable or of
    another format."""
    try:
        with (folder / FILE).open("rb") as source:
            buffer = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
        return _mapped(buffer, 0, len(buffer))
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        return None


def _mapped(buffer: mmap.mmap, at: int, size: int, nested: bool = False) -> Any:
    """The rows of the file lying at ``at`` (``size`` bytes) in ``buffer``, or ``None``."""
    end = at + size
    if size < len(MAGIC) + 8 or buffer[at : at + len(MAGIC)] != MAGIC:
        return None
    length = int.from_bytes(buffer[at + len(MAGIC) : at + len(MAGIC) + 8], "little")
    head_end = len(MAGIC) + 8 + length
    header = json.loads(buffer[at + len(MAGIC) + 8 : at + head_end].decode())
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    start = at + _aligned(head_end)
    raw: dict[str, Any] = {}
    for name, (offset, dtype, count) in header["sections"].items():
        if start + offset + count > end:
            return None  # cut short
        if dtype == "bytes":
            raw[name] = (start + offset, count)
        else:
            kind = np.dtype(dtype)
            raw[name] = np.frombuffer(buffer, kind, count // kind.itemsize, start + offset)
    for name in (*TABLES, "spelled", "token"):
        if int(raw[f"{name}.ptr"][-1]) != len(raw[f"{name}.ids"]):
            return None
    positions = len(raw["owner"])
    if len(raw["name.id"]) != positions or len(raw["joined.offsets"]) != positions + 1:
        return None
    rows = opened(raw, str(header["prefix"]), buffer)
    rows.file = (buffer, at, size)
    if "base" not in header:
        return rows
    offset, base_size = header["base"]
    base = None if nested else _mapped(buffer, start + offset, base_size, nested=True)
    if not isinstance(base, MappedRows) or start + offset + base_size > end:
        return None
    gone = Strings(buffer, raw["gone"][0], raw["gone.offsets"])
    rows.file = None  # the layer alone is no whole file
    return Layered(rows, base, frozenset(gone.texts(range(len(gone)))))
