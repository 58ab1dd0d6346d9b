"""Collector pauses off the answer path: the long-lived heap frozen once the server is warm.

CPython's cyclic collector scans every tracked object in a full (generation 2) collection. A
server's heap is mostly long-lived: the modules, the app and its routes, the projection and
its caches, built on the first requests after a write. Scanning them again and again adds tens
of milliseconds to whichever request a collection lands on (the p99 of docs/bench/api.md).
:class:`Heap` collects once and then moves everything alive into the permanent generation
(:func:`gc.freeze`): after the app starts, and once per store generation after its first
``warm_after`` computed answers (the projection and its caches are built by then). Nothing is
frozen that a collection would have freed; what a later generation replaces is released by
reference counting, or by the full collection (after :func:`gc.unfreeze`) of the next freeze.
"""

from __future__ import annotations

import gc


class Heap:
    """When to freeze the heap: at start-up, and once per store generation when warm.

    Used from the event loop only (no lock).

    >>> heap = Heap(warm_after=2)
    >>> [heap.computed(7) for _ in range(3)], heap.computed(8), heap.computed(8)
    ([False, True, False], False, True)
    >>> gc.unfreeze()
    """

    def __init__(self, *, warm_after: int = 64) -> None:
        self.warm_after = warm_after
        self._generation: int | None = None
        self._misses = 0

    def started(self) -> None:
        """The app has started: freeze the modules and the app itself."""
        freeze()

    def computed(self, generation: int | None) -> bool:
        """One more answer computed at ``generation``; whether the heap was frozen now."""
        if generation != self._generation:
            self._generation, self._misses = generation, 0
        self._misses += 1
        if self._misses != self.warm_after:
            return False
        freeze()
        return True


def freeze() -> None:
    """Collect everything (the frozen part too), then freeze what is alive."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
