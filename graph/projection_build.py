"""Build a :class:`graph.projection.Projection` from a pyoxigraph store fast.

Iterating a store's quads from Python decodes four terms per quad under the GIL (11.5 s for 2.5M
quads on disk). Here the store answers SPARQL queries serialised as TSV instead: pyoxigraph
releases the GIL while it evaluates and serialises, so several queries run at once on worker
threads while the main thread parses the finished ones almost entirely in C (one ``split``,
column slices, ``dict`` interning, ``np.fromiter``).

The queries (all over the union of the default and named graphs, like ``quads_for_pattern``):

1. per predicate govgraph knows (:func:`graph.projection_plan.known_predicates`, read at once,
   the largest first), its first ``_FEW + 1`` distinct objects: a predicate with few objects,
   all IRIs (``rdf:type``, a kind, a criticality), is then read one object at a time, so the
   store decodes only the subjects; any other predicate is read as ``(subject, object)`` pairs.
   A predicate whose objects govgraph names (``rdf:type``: the classes; a kind, a criticality,
   an action: its concepts, :func:`graph.projection_plan.known_objects`) is read one named
   object at a time at once, without that probe (a scan of all its rows);
2. beside them, the number of quads (``len``, nothing decoded); only when the rows read fall
   short of it, the predicates with their triple counts (a scan of every quad, 0.7 s of CPU at
   2.5M): the predicates not yet read are read as in 1, and of those whose objects were named,
   the rows with other objects.

Terms are interned as TSV writes them (``<iri>``, ``_:label``): brackets are stripped once per
distinct term. Literals come back in N-Triples syntax; the common forms are decoded here, any
other one (escapes, unusual numbers) by pyoxigraph's own TSV parser, so the values, language tags
and datatypes are exactly those :func:`graph.oxigraph_store.from_ox` gives. A triple held in
several graphs counts once (de-duplicated only when the store has more than one graph).

What it costs: decoding a term on disk is a RocksDB lookup (1.2-3 µs; slower in a store not
compacted since a bulk load), and every row decodes its subject, so reading stays near 1.5-3 µs of
CPU per triple however the queries are cut (a star join of several predicates per subject seeks
once per row and costs more; ``GROUP BY`` with ``GROUP_CONCAT`` too; a ``FILTER`` decodes).
Parsing costs the main thread 0.7-0.9 µs per triple, mostly the ``dict`` lookup of each term:
the hash of each new string (80 ns) and the probe, 120 ns for terms met in the order they were
interned, 300 ns in another (the subjects of an answer of pairs come ordered by object). At 2.5M
triples that is about 9.5 s of CPU (store 6-6.5, parse 1.7-2.2; then on the main thread alone
the literals 0.1, the string order 0.2, with the CSR indexes beside them, 0.08 with
:func:`graph.arrays.stable_order`), so some 5 s on two idle cores; counting the predicates before
reading them (0.7 s of CPU, now only for a store holding predicates govgraph does not know),
scanning every answer five times for a triple term or a stray tab (0.45 s of the parse; a triple
term is now found in the sorted terms) and the kernel's huge-page compaction on first touches of
numpy's arrays (0.3-2 s of system time; :func:`graph.arrays.small_pages`) are gone. Measured
and not taken: the whole store as one ``?s ?p ?o`` answer (10 s of store CPU), ``Store.dump``
(12 s), ``quads_for_pattern`` (11.5 s), a two-predicate star join (4.3x the two reads), IRIs
shortened by a common prefix before interning, interning by ``itemgetter``, an answer of pairs
cut by ``split()`` when it holds no space (no copy with the tabs made newlines: the parse took
1.63 s either way), interning each answer's distinct objects first (95 against 51 ms for 300,000
pairs) or the first of each run of equal objects only (61 ms), the store's ``len`` (it holds the
interpreter lock 0.3 s, before any read starts) on the main thread once the first reads run
(0.35 s of CPU and 130 MB of peak RSS more), numpy's ``argsort`` of the terms as bytes for the
string order (0.29 against 0.22 s). (The CSR sorts run on a thread beside the literals and the
string sort: numpy sorts without the interpreter lock, :mod:`graph.projection_csr`.)
A store fresh from ``bulk_load`` and not yet compacted (``Store.optimize``) is compacted
in the background by the first process that opens it, 4 s of CPU more during this build.
The queries are separate snapshots: a write committed during a build may show in some predicates
only (:func:`graph.index.index_of` keys a build to the generation read before it, and the
persisted copy is dropped when the store's stamp moved meanwhile).
"""

from __future__ import annotations

import bisect
import itertools
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

import numpy as np

from graph.arrays import small_pages
from graph.projection import Projection, _Builder, unique_rows
from graph.projection_csr import indexes_beside
from graph.projection_literals import Unsupported, decode_literals
from graph.projection_plan import known_objects, known_predicates

#: a predicate with at most this many distinct objects (all IRIs) is read one object at a time
_FEW = 1000

Stages = dict[str, float]
#: the stages of the newest build in this process, in seconds (a benchmark reports them)
last_stages: Stages = {}


def build_oxigraph(
    raw: Any, *, workers: int | None = None, stages: Stages | None = None
) -> Projection:
    """The projection of the pyoxigraph store ``raw``.

    ``workers`` threads run the queries (default: the CPU count, at most 4); ``stages``, if
    given, receives the seconds each stage took (``"plan"``, ``"read"``, ``"parse"``, ...).

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x", language="da")))
    >>> projection = build_oxigraph(store)
    >>> sorted(projection.terms), projection.literal(0)
    (['urn:a', 'urn:p'], Literal(value='x', lang='da', datatype=None))
    """
    timings: Stages = {} if stages is None else stages
    with small_pages(), _stage(timings, "total"):
        try:
            projection = _build(raw, workers, timings)
        except Unsupported:
            projection = build_from_quads(raw)
    last_stages.clear()
    last_stages.update(timings)
    return projection


def _build(raw: Any, workers: int | None, timings: Stages) -> Projection:
    count = workers or max(1, min(4, os.cpu_count() or 1))
    reader = _Reader()
    known, named = known_predicates(), known_objects()
    with ThreadPoolExecutor(count, thread_name_prefix="govgraph-projection") as pool:
        quads = pool.submit(len, raw)  # beside the reads: what govgraph does not know is read next
        with _stage(timings, "read"):
            parse = _parse(
                reader, [pool.submit(_read_predicate, raw, p, named.get(p)) for p in known]
            )
            if sum(reader.read.values()) != quads.result():
                with _stage(timings, "plan"):
                    short = [
                        p
                        for p, n in _predicates(raw)
                        if p not in known or (p in named and reader.read[p] < n)
                    ]
                # the rest of a predicate whose objects govgraph names: the objects it does not
                reads = [
                    pool.submit(_read_predicate, raw, p, None, named.get(p, ())) for p in short
                ]
                parse += _parse(reader, reads)
        timings["parse cpu"] = parse  # the main thread's share of "read cpu"
    return reader.finish(_one_graph(raw), timings)


def _parse(reader: _Reader, reads: list[Future[Any]]) -> float:
    """Parses the answers of ``reads`` here as they come; the CPU seconds of this thread."""
    pending = set(reads)
    parse = 0.0
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                started = time.thread_time()
                reader.add(*future.result())
                parse += time.thread_time() - started
    except BaseException:
        for future in pending:  # a failure: the queries not started are not run
            future.cancel()
        raise
    return parse


class _Reader:
    """Interns the terms of each answer as it arrives and keeps its rows as arrays."""

    def __init__(self) -> None:
        # term as TSV writes it -> id, a new term getting the next id (all in C: map + getitem)
        self.index: dict[str, int] = defaultdict(itertools.count().__next__)
        self.links: list[tuple[np.ndarray, int, np.ndarray]] = []  # (subjects, predicate, objects)
        self.literal_tokens: dict[str, int] = defaultdict(itertools.count().__next__)
        self.literals: list[tuple[np.ndarray, int, np.ndarray]] = []  # (subjects, p, tokens)
        # rows read per predicate, relations and literals (a quad of every graph it is in)
        self.read: Counter[str] = Counter()

    def intern(self, column: list[str], index: dict[str, int] | None = None) -> np.ndarray:
        found = (self.index if index is None else index).__getitem__
        return np.fromiter(map(found, column), dtype=np.int32, count=len(column))

    def add(self, predicate: str, answers: list[tuple[str | None, str]]) -> None:
        """Rows of ``predicate``: ``(object, subjects TSV)`` or ``(None, pairs TSV)`` answers."""
        # A term holding a raw tab or newline (only a leniently loaded IRI can) would shift
        # the cells: every row has exactly one tab per column gap. (A triple term, written
        # "<<( ... )>>", is found once the terms are sorted: :meth:`finish`.)
        for obj, text in answers:
            if obj is not None:
                if "\t" in text:
                    raise Unsupported("a tab in an IRI")
                subjects = text.split("\n")[1:-1]
                self.read[predicate] += len(subjects)
                if subjects:
                    p, o = self.index[predicate], self.index[obj]
                    self.links.append(
                        (self.intern(subjects), p, np.full(len(subjects), o, np.int32))
                    )
                continue
            cells = text.replace("\t", "\n").split("\n")
            if len(cells) != 2 * text.count("\n") + 1:  # as many tabs as newlines, or not
                raise Unsupported("a tab or newline in an IRI")
            subjects, objects = cells[2:-1:2], cells[3:-1:2]
            self.read[predicate] += len(subjects)
            if not subjects:
                continue
            p = self.index[predicate]
            resources = text.count("\t<")
            if resources != len(objects):
                resources += text.count("\t_:")
            if resources == 0:  # literals only (a label, a date): no row to sort out
                tokens = self.intern(objects, self.literal_tokens)
                self.literals.append((self.intern(subjects), p, tokens))
                continue
            if resources != len(objects):  # literals among them
                resource = [o[0] in "<_" for o in objects]
                self._add_literals(subjects, p, objects, resource)
                subjects = [s for s, keep in zip(subjects, resource, strict=True) if keep]
                objects = [o for o, keep in zip(objects, resource, strict=True) if keep]
            if subjects:
                self.links.append((self.intern(subjects), p, self.intern(objects)))

    def _add_literals(
        self, subjects: list[str], p: int, objects: list[str], resource: list[bool]
    ) -> None:
        rows = [(s, o) for s, o, keep in zip(subjects, objects, resource, strict=True) if not keep]
        tokens = self.intern([o for _, o in rows], self.literal_tokens)
        self.literals.append((self.intern([s for s, _ in rows]), p, tokens))

    def finish(self, one_graph: bool, timings: Stages) -> Projection:
        with _stage(timings, "rows"):
            s, p, o = _concatenate(self.links)
            ls, lp, lt = _concatenate(self.literals)
            if not one_graph:  # the same triple in two graphs counts once
                s, p, o = unique_rows(s, p, o)
                ls, lp, lt = unique_rows(ls, lp, lt)
        # sorted on a thread while this one decodes the literals and sorts the terms
        indexes = indexes_beside(s, o, ls, len(self.index))
        with _stage(timings, "literals"):
            decoded = decode_literals(list(self.literal_tokens))
            tags: dict[str | None, int] = {}
            lang_of = [tags.setdefault(lang, len(tags)) if lang else -1 for _, lang, _ in decoded]
            type_of = [tags.setdefault(kind, len(tags)) if kind else -1 for _, _, kind in decoded]
            rows = lt.tolist()
            values = [decoded[t][0] for t in rows]
            lang: np.ndarray = np.asarray(lang_of, dtype=np.int32)[lt] if len(lt) else lt
            kind: np.ndarray = np.asarray(type_of, dtype=np.int32)[lt] if len(lt) else lt
        with _stage(timings, "terms"):
            terms = [t[1:-1] if t[0] == "<" else t for t in self.index]
        literals = (ls, lp, values, lang, kind, list(tags))
        # IRIs found by a search of the string order, as in every process that opens the
        # projection's files after this one (no dictionary of every term to build)
        projection = Projection.from_rows(terms, None, (s, p, o), literals, timings, indexes)
        # An IRI never starts with "<": a term that does, brackets stripped, was a cell
        # starting "<<", an RDF 1.2 triple term (the first such term in string order)
        order, strings = projection.order, projection.terms
        first = bisect.bisect_left(order, "<", key=strings.__getitem__)
        if first < len(order) and strings[order[first]].startswith("<"):
            raise Unsupported("an RDF 1.2 triple term")
        return projection


def _concatenate(parts: list[tuple[np.ndarray, int, np.ndarray]]) -> tuple[np.ndarray, ...]:
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32)
    s = np.concatenate([x for x, _, _ in parts])
    p = np.concatenate([np.full(len(x), q, np.int32) for x, q, _ in parts])
    o = np.concatenate([y for _, _, y in parts])
    return s, p, o


def build_from_quads(raw: Any) -> Projection:
    """The projection read quad by quad from Python (slower; handles any term)."""
    import pyoxigraph as ox

    from graph.oxigraph_store import from_ox

    builder = _Builder()
    ids, terms = builder.ids, builder.terms
    named, ox_literal = ox.NamedNode, ox.Literal

    def intern(term: Any) -> int:
        key = term.value if type(term) is named else "_:" + term.value
        found = ids.get(key)
        if found is None:
            found = ids[key] = len(terms)
            terms.append(key)
        return found

    for quad in raw.quads_for_pattern(None, None, None, None):
        si, pi, obj = intern(quad.subject), intern(quad.predicate), quad.object
        if type(obj) is ox_literal:
            builder.add_literal(si, pi, from_ox(obj))  # type: ignore[arg-type]
        else:
            builder.add_link(si, pi, intern(obj))
    return builder.finish()


# -- queries (run on worker threads) -------------------------------------------------------------
def _tsv(raw: Any, query: str) -> str:
    import pyoxigraph as ox

    try:
        answer = raw.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:  # an IRI a lenient load let in that SPARQL cannot write
        raise Unsupported(str(exc)) from None
    return bytes(answer.serialize(format=ox.QueryResultsFormat.TSV)).decode()


def _predicates(raw: Any) -> list[tuple[str, int]]:
    text = _tsv(raw, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    rows = [line.split("\t") for line in text.split("\n")[1:-1]]
    return [(p, int(n)) for p, n in rows]


def _read_predicate(
    raw: Any, predicate: str, objects: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()
) -> tuple[str, list[tuple[str | None, str]]]:
    """The answers for ``predicate``: ``objects`` one at a time if given, else its objects but
    ``exclude``, one at a time when they are few IRIs, else as pairs."""
    if predicate[0] != "<":
        raise Unsupported(predicate)
    if objects is None:
        where = f"?s {predicate} ?o" + (
            f" FILTER(?o NOT IN ({', '.join(exclude)}))" if exclude else ""
        )
        text = _tsv(raw, f"SELECT DISTINCT ?o WHERE {{ {where} }} LIMIT {_FEW + 1}")
        found = text.split("\n")[1:-1]
        if len(found) > _FEW or not all(o[0] == "<" and o[1] != "<" for o in found):
            return predicate, [(None, _tsv(raw, f"SELECT ?s ?o WHERE {{ {where} }}"))]
        objects = tuple(found)
    return predicate, [(o, _tsv(raw, f"SELECT ?s WHERE {{ ?s {predicate} {o} }}")) for o in objects]


def _one_graph(raw: Any) -> bool:
    """Whether the store holds at most one graph (so no triple can be held twice)."""
    import pyoxigraph as ox

    graphs = sum(1 for _ in raw.named_graphs())
    if next(iter(raw.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs += 1
    return graphs <= 1


@contextmanager
def _stage(timings: Stages, name: str) -> Iterator[None]:
    """Adds the wall seconds of the block to ``timings[name]``, the process CPU seconds (every
    thread) to ``timings[name + " cpu"]``."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
        timings[name + " cpu"] = timings.get(name + " cpu", 0.0) + time.process_time() - cpu


__all__ = ["Unsupported", "build_from_quads", "build_oxigraph", "decode_literals"]
