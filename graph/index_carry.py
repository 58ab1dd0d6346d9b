"""The index after a write, made from the index before it and the write's changes.

:func:`graph.index.index_of` calls :func:`updated` when the store's generation moved: the
store's change log (:func:`graph.store.changes_since`) gives the triples added and removed,
:func:`graph.projection_delta.apply_changes` makes the new projection, and :func:`carry_over`
the new :class:`GovIndex`, keeping what the write cannot have changed:

- per-node caches (facts, nodes, labels, type names) of every subject the write did not touch
  (handed over: the old index starts new ones);
- the members of each class whose ``rdf:type`` statements it did not touch;
- citations, patched for the citation records it touched;
- :meth:`GovIndex.memo` values declared (``reads=``) over predicates it did not change, and
  patched ones (``patch=``: impact's first objects, the resolver's name table).

The new projection is persisted beside the store under the stamp that write left, in the
background and only the newest (a burst of writes saves once), with the dependency net and
the name table this process has, so a cold process or a ``serve --workers`` reader opens them
instead of reading the store.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from graph import index as index_module
from graph.arrays import to_oldest_generation
from graph.index import GovIndex
from graph.nodes import Citation, first_of, read_facts
from graph.projection import Projection
from graph.projection_delta import Touched, apply_changes
from graph.store import changes_since
from ontology import vocab as v
from ontology.terms import RDF_TYPE

#: seconds without a write before the newest projection is persisted (a save holds the
#: interpreter lock for a while: not between the writes of a burst and the answers to them)
SAVE_DELAY = 2.0
#: the longest a projection waits to be persisted while writes keep coming
SAVE_WITHIN = 20.0


def updated(store: Any, old: GovIndex, since: int, generation: int) -> GovIndex | None:
    """The index of ``store`` at ``generation`` from ``old`` (of generation ``since``), or
    ``None`` when the change log cannot say what changed (then the caller rebuilds)."""
    # What readers made since the last write (the dependency net read from its files: lists
    # of 100,000 items) may still be young: the write's own allocations would start a young
    # collection visiting every item (18 ms at 2.5M triples, in the first write after opening).
    to_oldest_generation()
    changes = changes_since(store, since, generation)
    if changes is None:
        return None
    applied = apply_changes(old.projection, *changes)
    if applied is None:
        return None
    index = carry_over(old, *applied)
    _carry_net(old, index, applied[1])
    _persist_later(store, index, generation)
    # The new term and value tuples (a million items on a national graph) are young objects:
    # the next young collection would visit every item (tens of ms, in whichever request
    # comes next).
    to_oldest_generation()
    return index


def _carry_net(old: GovIndex, index: GovIndex, touched: Touched) -> None:
    """Today's dependency net of ``old``, patched for ``index`` (the other days' are built
    again when asked for)."""
    from graph.depgraph import patched_net
    from graph.queries import impact
    from graph.queries.impact_parts import carry_type_codes

    net = impact._NETS.get(old, {}).get(None)
    if net is not None:
        patched = patched_net(net, old, index, touched)
        if patched is not None:
            impact._NETS[index] = {None: patched}
            carry_type_codes(old, net, index, patched, touched.iris(index.projection))


def carry_over(old: GovIndex, projection: Projection, touched: Touched) -> GovIndex:
    """A :class:`GovIndex` on ``projection`` keeping ``old``'s derived data that ``touched``
    cannot affect."""
    old_subjects = {
        old.projection.terms[i] for i in touched.subjects if i < len(old.projection.terms)
    }
    subjects = {projection.terms[i] for i in touched.subjects}
    index = GovIndex(projection, citations=_citations(old, projection, touched, subjects))
    for name in ("_facts", "_made", "_labels", "_type_names"):
        # Handed over, not copied (a national graph's caches hold some 100,000 entries each):
        # the old index's readers fill a new cache from now on, so the entries of the
        # touched subjects, dropped after the swap, cannot come back stale from them.
        kept = getattr(old, name)
        setattr(old, name, {})
        for iri in subjects | old_subjects:
            kept.pop(iri, None)
        setattr(index, name, kept)
    if RDF_TYPE in touched.predicates:
        classes = {projection.terms[i] for i in touched.objects}
        index._of_type = {c: found for c, found in old._of_type.items() if c not in classes}
    else:
        index._of_type = dict(old._of_type)
    if v.SUBPROPERTY_OF not in touched.predicates:
        index._within = old._within
    changed = touched.predicates
    with old.lock:
        declared = [(k, r) for k, r in old._memo_reads.items() if r is not None and k in old._memo]
    for key, reads in declared:
        if isinstance(reads, frozenset):
            if not reads & changed:
                index._memo[key] = old._memo[key]
                index._memo_reads[key] = reads
            continue
        value = reads(old._memo[key], index, touched)  # a patch
        if value is not None:
            index._memo[key] = value
            index._memo_reads[key] = reads
    return index


def _citations(
    old: GovIndex, projection: Projection, touched: Touched, subjects: set[str]
) -> dict[str, list[Citation]]:
    """``old``'s citations with those about anything a touched citation record was or is
    about read again (the dictionary shared when no citation record was touched)."""
    cite_class = projection.ids.get(v.CITATION)
    about: set[str] = set()
    for i in touched.subjects:
        for p in (old.projection, projection):
            if i < len(p.terms) and p.is_subject[i] and v.CITATION in read_facts(p, i)[0]:
                target = first_of(read_facts(p, i), v.CITE_ABOUT)
                if target is not None:
                    about.add(target)
    if not about:
        return old.citations
    citations = dict(old.citations)
    about_id = projection.ids.get(v.CITE_ABOUT)
    for iri in about:
        node = projection.ids.get(iri)
        found: list[Citation] = []
        if node is not None and about_id is not None and cite_class is not None:
            for cite_id in projection.subjects_of(about_id, node).tolist():
                cite = read_facts(projection, cite_id)
                if v.CITATION not in cite[0]:
                    continue
                doc, quote = first_of(cite, v.CITE_SOURCE), first_of(cite, v.QUOTE)
                if first_of(cite, v.CITE_ABOUT) == iri and doc and quote is not None:
                    found.append(
                        Citation(
                            doc,
                            quote,
                            first_of(cite, v.CITE_PREDICATE),
                            first_of(cite, v.CITE_OBJECT),
                        )
                    )
        found.sort(key=lambda c: (c.document, c.predicate or "", c.object or "", c.quote))
        if found:
            citations[iri] = found
        else:
            citations.pop(iri, None)
    return citations


# -- persisting in the background -------------------------------------------------------------------
_PENDING: dict[int, tuple[Any, GovIndex, str, float]] = {}
_SAVING: set[int] = set()
_SAVE_LOCK = threading.Lock()


def _persist_later(store: Any, index: GovIndex, generation: int) -> None:
    """Persist ``index``'s projection under the stamp the write of ``generation`` left,
    unless a newer one is saved first (one saver thread per store, after a quiet moment)."""
    method = getattr(type(store), "content_token", None)
    token = None if method is None else method(store, generation)
    projection = index.projection
    if token is None or len(projection.s) + len(projection.values) < index_module.PERSIST_FROM:
        return
    key = id(store)
    with _SAVE_LOCK:
        _PENDING[key] = (store, index, token, time.monotonic())
        if key in _SAVING:
            return
        _SAVING.add(key)
    # Not a daemon: a process that ends waits for the files (as a first build does).
    threading.Thread(target=_saver, args=(key,), name="govgraph-save-update").start()


def _saver(key: int) -> None:
    from graph import checkpoint

    started = time.monotonic()
    while True:
        time.sleep(SAVE_DELAY)
        with _SAVE_LOCK:
            job = _PENDING.get(key)
            if job is None:
                _SAVING.discard(key)
                return
            now = time.monotonic()
            if now - job[3] < SAVE_DELAY and now - started < SAVE_WITHIN:
                continue  # written again meanwhile: wait for a quiet moment
            del _PENDING[key]
        store, index, token, _ = job
        started = time.monotonic()
        with contextlib.suppress(OSError):  # a read-only or full disk: the next process builds
            folder = checkpoint.save_projection(store, index.projection, token)
            if folder is not None:
                index.folder = folder
                _save_net(index)
                _save_names(index)


def _save_net(index: GovIndex) -> None:
    """Persist today's dependency net beside the projection, if this process has it."""
    from graph.queries.depnet import save_net
    from graph.queries.impact import _NETS

    net = _NETS.get(index, {}).get(None)
    if net is not None:
        save_net(index, net)


def _save_names(index: GovIndex) -> None:
    """Persist the resolver's name table (carried across the writes, merged into one) beside
    the projection, if this process has it: a cold process reads it instead of building."""
    from graph.name_table import save_rows
    from graph.resolve import NAME_INDEX_KEY

    table = index._memo.get(NAME_INDEX_KEY)
    if table is not None and index.folder is not None:
        save_rows(index.folder, table.flat_rows())
