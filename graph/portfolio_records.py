"""The records of a portfolio (milestones, status reports, observations, dependencies,
follow-up mandates) and the mappings that make them from the lookups' arrays when asked for.

The records are named tuples (made several times faster than frozen dataclasses); the
mappings (:class:`Records`, :class:`ByIri`) make an item's records on first access, so the
first answer after a write makes only the records it shows, not all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, NamedTuple, TypeVar, overload

import numpy as np

from ontology.dates import last_day

R = TypeVar("R")


def day_of(value: str | None) -> date | None:
    """The last day a partial date covers (a milestone due ``2025-06`` is on time all June).

    >>> day_of("2025-06")
    datetime.date(2025, 6, 30)
    >>> day_of(None) is None
    True
    """
    if value is None:
        return None
    try:
        return last_day(value)
    except ValueError:
        return None


class Milestone(NamedTuple):
    """One ``gg:Milestone`` (a tuple, as every record here: tens of thousands are made at once,
    and a tuple is made several times faster than a frozen dataclass)."""

    iri: str
    item: str
    planned: date | None
    forecast: date | None
    actual: date | None
    after: tuple[str, ...]

    def achieved(self, day: date) -> bool:
        return self.actual is not None and self.actual <= day

    def expected(self, day: date) -> date | None:
        """When it is (or was) reached: actual, else forecast, else planned; never before
        ``day`` while still open (a date that passed without an actual date is overdue)."""
        if self.achieved(day):
            return self.actual
        best = self.actual or self.forecast or self.planned
        return None if best is None else max(best, day) if self.overdue(day) else best

    def overdue(self, day: date) -> bool:
        """Open, and its forecast (or planned) date has passed."""
        if self.achieved(day):
            return False
        best = self.forecast or self.planned
        return best is not None and best < day

    def slip(self, day: date) -> int | None:
        """Days the expected date lies after the planned one (``None`` without a plan)."""
        expected = self.expected(day)
        if self.planned is None or expected is None:
            return None
        return (expected - self.planned).days

    def state(self, day: date) -> str:
        if self.achieved(day):
            return "achieved"
        if self.overdue(day):
            return "overdue"
        slip = self.slip(day)
        if slip is None:
            return "undated" if self.expected(day) is None else "on_track"
        return "late" if slip > 0 else "on_track"


class StatusReport(NamedTuple):
    iri: str
    item: str
    day: date
    status: str
    progress: float | None
    phase: str | None


class Observation(NamedTuple):
    iri: str
    period: str
    day: date
    value: float
    area: str | None


class Dependency(NamedTuple):
    """One ``gg:Dependency``: ``dependent`` needs ``prerequisite``."""

    iri: str
    dependent: str
    prerequisite: str
    criticality: str
    rank: int
    type: str
    lag: int


@dataclass(frozen=True)
class FollowUp:
    """A ``follow_up`` mandate in force: its holder and its scopes."""

    iri: str
    holder: str
    scopes: tuple[str, ...]


class Records(Mapping[str, list[R]], Generic[R]):
    """``item -> its records``, over runs of arrays sorted by unit: the records of unit ``u``
    are ``make(k)`` for ``k`` in ``[bounds[u], bounds[u + 1])``, made on first access."""

    def __init__(
        self, units: dict[str, int], names: list[str], bounds: np.ndarray, make: Callable[[int], R]
    ) -> None:
        self._units, self._names, self._make = units, names, make
        self._bounds = bounds.tolist()
        self._made: dict[str, list[R]] = {}

    def __getitem__(self, item: str) -> list[R]:
        found = self._made.get(item)
        if found is None:
            u = self._units.get(item)
            if u is None or self._bounds[u] == self._bounds[u + 1]:
                raise KeyError(item)
            make = self._make
            found = self._made[item] = [
                make(k) for k in range(self._bounds[u], self._bounds[u + 1])
            ]
        return found

    def __contains__(self, item: object) -> bool:
        u = self._units.get(item) if isinstance(item, str) else None
        return u is not None and self._bounds[u] < self._bounds[u + 1]

    def __iter__(self) -> Iterator[str]:
        bounds, names = self._bounds, self._names
        return (names[u] for u in range(len(names)) if bounds[u] < bounds[u + 1])

    def __len__(self) -> int:
        bounds = self._bounds
        return sum(1 for u in range(len(self._names)) if bounds[u] < bounds[u + 1])


class ByIri(Mapping[str, R], Generic[R]):
    """``iri -> record``: ``make(k)`` for the place ``k`` of ``iri`` in ``iris`` (the places
    found on first use)."""

    def __init__(self, iris: Sequence[str], make: Callable[[int], R]) -> None:
        self._iris, self._make = iris, make
        self._places: dict[str, int] | None = None

    def _place(self, iri: object) -> int:
        if self._places is None:
            self._places = dict(zip(self._iris, range(len(self._iris)), strict=True))
        found = self._places.get(iri) if isinstance(iri, str) else None
        return -1 if found is None else found

    def __getitem__(self, iri: str) -> R:
        k = self._place(iri)
        if k < 0:
            raise KeyError(iri)
        return self._make(k)

    def __contains__(self, iri: object) -> bool:
        return self._place(iri) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._iris)

    def __len__(self) -> int:
        return len(self._iris)


class TermList(Sequence[str]):
    """The IRIs of an array of term ids, each read when asked for: a board shows a few of
    30,000 milestones, so their IRIs are not all made on the first answer.

    Holds the terms of the projection the ids come from (a tuple of strings, never the index
    or its arrays), so it names the same IRIs after that projection is replaced by a write.
    """

    def __init__(self, terms: Sequence[str], ids: np.ndarray) -> None:
        self._terms, self._ids = terms, ids
        self._listed: list[str] | None = None

    def _list(self) -> list[str]:
        if self._listed is None:
            self._listed = list(map(self._terms.__getitem__, self._ids.tolist()))
        return self._listed

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> list[str]: ...
    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice) or self._listed is not None:
            return self._list()[k]
        return self._terms[int(self._ids[k])]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._list())

    def __contains__(self, iri: object) -> bool:
        return iri in self._list()

    def places(self, ids: Sequence[int], terms: Sequence[str]) -> dict[str, int] | None:
        """``{iri: place}`` of the terms ``ids`` of ``terms`` this list holds, found by id
        without making every IRI; ``None`` (search by IRI) unless ``terms`` numbers each of
        them as this list's terms do (a write's projection keeps the ids it had)."""
        mine = self._terms
        if any(i >= len(terms) or (i < len(mine) and terms[i] != mine[i]) for i in ids):
            return None
        at = np.flatnonzero(np.isin(self._ids, np.asarray(ids, dtype=np.int64)))
        return {mine[int(self._ids[k])]: int(k) for k in at.tolist()}

    def index(self, iri: Any, start: int = 0, stop: int | None = None) -> int:
        return self._list().index(iri, start, len(self) if stop is None else stop)
