"""Reads of :class:`graph.index.GovIndex` over a whole predicate or class (a column of the
projection) rather than one node's facts: who points at a thing, every pair of a predicate,
everything of a class. Mixed into ``GovIndex``, which holds the ``projection`` they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from graph.arrays import distinct, first_met

if TYPE_CHECKING:
    from graph.projection import Projection


class PredicateColumns:
    """``GovIndex``'s reads by predicate and by class (mixed in; reads ``projection``)."""

    projection: Projection
    _of_type: dict[str, list[str]]  # everything of a class, sorted, per class asked for

    def into(self, iri: str, predicate: str) -> list[str]:
        """Subjects with ``predicate`` pointing at ``iri`` (the object index of the projection)."""
        projection = self.projection
        i, p = projection.ids.get(iri), projection.ids.get(predicate)
        if i is None or p is None or p == projection.type_id:
            return []
        subjects = projection.subjects_of(p, i).tolist()
        projection.ids_known(subjects)  # asked about next
        return projection.iris(subjects)

    def into_predicate(self, predicate: str) -> list[str]:
        """Subjects that have ``predicate`` at all, sorted."""
        p = self.projection.ids.get(predicate)
        if p is None or p == self.projection.type_id:
            return []
        subjects, _ = self.projection.pairs(p)
        return sorted(self.projection.iris(distinct(subjects).tolist()))

    def pairs(self, predicate: str, of_type: str | None = None) -> tuple[list[str], list[str]]:
        """``(subjects, objects)`` of every statement with ``predicate``, without making nodes.

        Relations first (the object's IRI), then literals (the value), each in stream order,
        so a subject's first object is what :meth:`Node.first` gives. With ``of_type``, only
        subjects of that class.

        >>> from ontology.terms import Literal
        >>> from graph.index import GovIndex
        >>> index = GovIndex([("urn:a", "urn:p", "urn:b"), ("urn:c", "urn:p", Literal("x"))])
        >>> index.pairs("urn:p")
        (['urn:a', 'urn:c'], ['urn:b', 'x'])
        """
        projection = self.projection
        p = projection.ids.get(predicate)
        if p is None or p == projection.type_id:
            return [], []
        cls = None if of_type is None else projection.ids.get(of_type, -1)
        if projection.type_id < 0 and cls is not None:
            cls = -1
        subjects, objects, literal_subjects, rows = projection.by_predicate(p, cls)
        terms, values = projection.terms, projection.values
        return (
            [terms[i] for i in subjects.tolist()] + [terms[i] for i in literal_subjects.tolist()],
            [terms[i] for i in objects.tolist()] + [values[r] for r in rows.tolist()],
        )

    def subjects_with(self, predicate: str) -> list[str]:
        """Subjects with ``predicate`` at all (a relation or a literal), in first-seen order."""
        projection = self.projection
        p = projection.ids.get(predicate)
        if p is None:
            return []
        subjects, _ = projection.pairs(p)
        both = np.concatenate([subjects, projection.lit_s[projection.lit_p == p]])
        return projection.iris(first_met(both)[0].tolist())

    def of_type(self, cls: str) -> list[str]:
        """Everything of class ``cls``, sorted (computed once per class)."""
        found: list[str] | None = self._of_type.get(cls)
        if found is None:
            projection = self.projection
            c = projection.ids.get(cls)
            if c is None or projection.type_id < 0:
                found = []
            else:
                found = sorted(projection.iris(projection.subjects_of(projection.type_id, c)))
            self._of_type[cls] = found
        return list(found)


__all__ = ["PredicateColumns"]
