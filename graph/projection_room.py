"""Row columns of a persisted projection mapped with spare room after their end, so the first
write after a process opens the projection appends its rows in place, as later writes do.

A write adds rows after the last (:func:`graph.projection_rows.appended`): into spare room
after a column's end when the column has some, else by copying the column into a new buffer
with room. The columns of a projection opened from its files (:meth:`Projection.load`) are
read-only maps of exactly the file, so the first write after opening copied every row column
(some 50 MB at 2.5M triples, read from disk when its pages are not in memory: 50-400 ms).

:func:`give_room` maps each row column's file privately (copy-on-write: nothing is written
back) into a larger anonymous region, so the column is followed by zeroed spare room; the first
write writes its rows there, copying one page of the file at most. Linux only (the file is
mapped over the start of the region with ``MAP_FIXED``, through the C library); elsewhere, or
if the mapping fails, the columns stay as opened and the first write copies them as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from numpy.lib import format as npy

from graph.projection import Projection
from graph.projection_rows import spare_room, with_room

#: the columns a write appends to (one item per row or per term)
ROW_COLUMNS = ("s", "p", "o", "lit_s", "lit_p", "lit_lang", "lit_type", "is_subject")
_MAP_FIXED = 0x10  # <sys/mman.h> on Linux: place the mapping at the address given


@cache
def _libc_mmap() -> Callable[..., int | None] | None:
    """The C library's ``mmap``, or ``None`` where it is not used (not Linux, no libc)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        found = ctypes.CDLL(None, use_errno=True).mmap
    except (OSError, AttributeError):
        return None
    found.restype = ctypes.c_void_p
    found.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int64,
    ]
    return found


def map_with_room(path: Path, spare: int | None = None) -> np.ndarray | None:
    """The one-dimensional array in the ``.npy`` file at ``path``, mapped copy-on-write and
    followed by room for ``spare`` more items (default: :func:`spare_room`), registered as
    such with :func:`graph.projection_rows.with_room`; ``None`` when it cannot be mapped so.

    Readers see the file's items; writes into the array stay in this process (a page of the
    file is copied when first written), so other processes' maps of the file are unchanged.
    """
    libc_mmap = _libc_mmap()
    if libc_mmap is None:
        return None
    with path.open("rb") as source:
        try:
            version = npy.read_magic(source)
            read_header = npy.read_array_header_1_0 if version == (1, 0) else None
            if version == (2, 0):
                read_header = npy.read_array_header_2_0
            if read_header is None:
                return None
            shape, fortran, dtype = read_header(source)
        except ValueError:
            return None
        offset, size = source.tell(), os.fstat(source.fileno()).st_size
        if len(shape) != 1 or fortran or dtype.hasobject or offset % dtype.alignment:
            return None
        count = int(shape[0])
        if size < offset + count * dtype.itemsize:
            return None
        spare = spare_room(count) if spare is None else spare
        length = offset + (count + max(spare, 1)) * dtype.itemsize
        if size >= length:  # the file's map (whole pages) must end inside the region
            return None
        region = mmap.mmap(
            -1,
            length,
            flags=mmap.MAP_PRIVATE,
            prot=mmap.PROT_READ | mmap.PROT_WRITE,
        )
        anchor = ctypes.c_char.from_buffer(region)
        address = ctypes.addressof(anchor)
        del anchor  # no export left: the region can be unmapped when its last array goes
        placed = libc_mmap(
            address,
            size,
            mmap.PROT_READ | mmap.PROT_WRITE,
            mmap.MAP_PRIVATE | _MAP_FIXED,
            source.fileno(),
            0,
        )
    if placed != address:  # the region is still the anonymous map: dropped whole
        region.close()
        return None
    # The region's own unmapping (when the last array over it goes) unmaps the file's map too.
    room = np.frombuffer(region, dtype=dtype, count=count + spare, offset=offset)
    return with_room(room, count)


def give_room(projection: Projection, folder: Path) -> bool:
    """Replace the row columns of ``projection``, opened from ``folder``, by maps with spare
    room (:func:`map_with_room`); whether all were (else those that were, or none)."""
    done = True
    for name in ROW_COLUMNS:
        found = None
        with contextlib.suppress(OSError):
            found = map_with_room(folder / f"{name}.npy")
        current = getattr(projection, name)
        if found is None or found.shape != current.shape or found.dtype != current.dtype:
            done = False
            continue
        setattr(projection, name, found)
    return done


__all__ = ["ROW_COLUMNS", "give_room", "map_with_room"]
