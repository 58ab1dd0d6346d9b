"""The store's share of a projection build: the build's own queries answered (serialised as
TSV, as the build reads them) on the build's worker threads, nothing parsed or kept. What a
build costs beyond this is govgraph's; this part only a faster store could cut.

Run in a fresh process by :mod:`tests.bench.bench_queries` (``python -m tests.bench.store_floor
PATH``): prints ``FLOOR wall cpu rows``.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def floor(path: str) -> tuple[float, float, int]:
    """Wall and CPU seconds of the build's queries on ``path``'s store, and the rows answered."""
    import pyoxigraph as ox

    from graph.projection_build import _read_predicate
    from graph.projection_plan import known_objects, known_predicates

    raw = ox.Store(path)
    named = known_objects()
    workers = max(1, min(4, os.cpu_count() or 1))  # as the build
    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(workers) as pool:
        answers = list(
            pool.map(lambda p: _read_predicate(raw, p, named.get(p)), known_predicates())
        )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = sum(text.count("\n") - 1 for _, found in answers for _, text in found)
    return wall, cpu, rows


if __name__ == "__main__":
    wall, cpu, rows = floor(sys.argv[1])
    print("FLOOR", wall, cpu, rows)
