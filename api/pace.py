"""Which answers are computed on the event loop and which in the threadpool.

A hop through the threadpool costs about as much CPU as a whole quick answer on the bundled
data (waking a worker thread, handing the GIL over and back: 0.05-0.1 ms), so an answer known
to be quick is computed on the event loop instead. What is not known to be quick keeps its hop,
so that a long computation (a projection built after a write, the impact of a national
platform) never stops the loop from answering everyone else:

* a route's answers are computed on the loop only after ``streak`` answers in a row, at the
  same store generation, each took under ``quick_ms`` of CPU (the first answers after a write
  build the projection and its caches: they always hop);
* one answer that took longer sends the route back to the threadpool for the next ``streak``.

So a slow answer after a run of quick ones can hold the loop once, for its own duration; then
the route hops again, and no route's answers are computed on the loop for ``calm_s`` seconds
(a client alternating quick and slow requests holds the loop at most once in that time). Used
from the event loop only (no lock).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class Pace:
    """Per route: how many answers in a row were quick at the current store generation.

    An answer is quick when it took under ``quick_ms`` of CPU and under ``stall_ms`` in all (a
    computation that waits, on a disk say, holds the loop without using the CPU).

    >>> pace = Pace(streak=2, quick_ms=1.0)
    >>> pace.inline("r", 7)
    False
    >>> pace.took("r", 7, 0.2, 0.3); pace.took("r", 7, 0.3, 5.0); pace.inline("r", 7)
    True
    >>> pace.took("r", 7, 40.0, 41.0); pace.inline("r", 7)
    False
    >>> pace.took("r", 7, 0.2, 0.2); pace.took("r", 7, 0.2, 0.2); pace.inline("r", 8)
    False

    A slow answer computed on the loop stops every route's inline answers for ``calm_s``:

    >>> now = [0.0]
    >>> pace = Pace(streak=1, quick_ms=1.0, calm_s=5.0, clock=lambda: now[0])
    >>> pace.took("r", 7, 0.2, 0.2); pace.took("q", 7, 0.2, 0.2)
    >>> pace.took("r", 7, 40.0, 41.0, inline=True); pace.took("r", 7, 0.2, 0.2)
    >>> pace.inline("r", 7), pace.inline("q", 7)
    (False, False)
    >>> now[0] = 5.0; pace.inline("r", 7), pace.inline("q", 7)
    (True, True)
    """

    def __init__(
        self,
        *,
        streak: int = 8,
        quick_ms: float = 2.0,
        stall_ms: float = 20.0,
        routes: int = 256,
        calm_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.streak = streak
        self.quick_ms = quick_ms
        self.stall_ms = stall_ms
        self.routes = routes  # at most this many routes tracked (a bound, not a tuning knob)
        self._quick: dict[Hashable, tuple[int | None, int]] = {}
        self.calm_s = calm_s
        self._clock = clock
        self._calm_until = float("-inf")  # no answer on the loop before then

    def inline(self, route: Hashable, generation: int | None) -> bool:
        """Whether the next answer of ``route`` at ``generation`` is computed on the loop."""
        if self.streak <= 0 or self._clock() < self._calm_until:
            return False
        seen = self._quick.get(route)
        return seen is not None and seen[0] == generation and seen[1] >= self.streak

    def took(
        self,
        route: Hashable,
        generation: int | None,
        cpu_ms: float,
        ms: float,
        *,
        inline: bool = False,
    ) -> None:
        """An answer of ``route`` at ``generation`` took ``cpu_ms`` of CPU, ``ms`` in all
        (``inline``: computed on the loop)."""
        seen = self._quick.get(route)
        count = seen[1] if seen is not None and seen[0] == generation else 0
        if seen is None and len(self._quick) >= self.routes:
            self._quick.clear()
        quick = cpu_ms < self.quick_ms and ms < self.stall_ms
        if inline and not quick:
            self._calm_until = self._clock() + self.calm_s
        self._quick[route] = (generation, count + 1 if quick else 0)
