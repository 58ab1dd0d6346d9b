"""Audited, crash-safe writes: request -> batch -> validate and apply atomically -> audit -> ack.

One :class:`Writer` per server serialises every write (the embedded store has one writer).
A write is acknowledged only after

1. :func:`graph.load.apply_batches` validated it and ``store.replace`` returned (one Oxigraph
   transaction, in RocksDB's write-ahead log, so it survives ``kill -9`` of the server), and
2. its audit entry was appended to the JSON-lines log and ``fsync``-ed.

A crash between 1 and 2 leaves a change in the store that was never acknowledged and has no
audit entry; a crash before 1 leaves nothing. Entities written through the API live in their own
named graph ``urn:govgraph:graph:api/<id>``, so each update or retirement is one atomic replace.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from api.auth import Principal
from graph.batch import GRAPH_PREFIX, Batch
from graph.load import ONTOLOGY_GRAPH, apply_batches
from graph.oxigraph_store import to_ox
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import date_literal
from ontology.errors import InvalidArgument, NotFound, StoreUnavailable
from ontology.terms import DATA, RDF_TYPE, Triple, iri

API_GRAPHS = "api/"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_SHOWN = 500  # triples listed per entry; the counts are always complete


class AuditLog:
    """An append-only JSON-lines file; each entry is on disk (fsync) before ``append`` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def append(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    # a lone surrogate must not stop the log: written as \ud800, still valid JSON
                    os.write(fd, line.encode("utf-8", "backslashreplace"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise StoreUnavailable(f"audit log {self.path}", str(exc)) from None

    def entries(self, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        """Newest first; a torn last line (a crash mid-append) is skipped."""
        rows: list[dict[str, Any]] = []
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        rows.reverse()
        return {"total": len(rows), "entries": rows[offset : offset + limit]}


def _nt(triple: Triple) -> str:
    s, p, o = triple
    return f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ."


def _read_text(text: str, fmt: str, *, name: str, source: str) -> Batch:
    """Parse request text with the file loaders into a batch for graph ``name``."""
    from loaders.files import read_file

    suffix = {"yaml": ".yaml", "json": ".yaml"}.get(fmt, "." + fmt)
    with tempfile.TemporaryDirectory(prefix="govgraph-upload-") as tmp:
        path = Path(tmp) / ("upload" + suffix)
        path.write_text(text, encoding="utf-8")
        batch = read_file(path, "yaml" if fmt == "json" else fmt, source=source)
    batch.name = name
    return batch


class Writer:
    """Every write of the API, serialised, validated, applied atomically and audited."""

    def __init__(self, store: GraphStore, log: AuditLog) -> None:
        self.store = store
        self.log = log
        self._lock = threading.Lock()

    # -- entities --------------------------------------------------------------------------
    def _owned(self, subject: str, triples: Iterable[Triple]) -> list[Triple]:
        """The entity's own statements: about it, its validity period and its citations."""
        triples = list(triples)
        own = {subject, subject + "#validity"}
        citations = {s for s, p, o in triples if p == RDF_TYPE and o == v.CITATION}
        own |= {s for s, p, o in triples if p == v.CITE_ABOUT and o == subject} & citations
        return [t for t in triples if t[0] in own]

    def _entity_change(self, entity_id: str, new_own: list[Triple] | None) -> list[Batch]:
        """Batches that move the entity's statements into its API graph (``None``: keep them)."""
        subject = iri(entity_id)
        api_name = API_GRAPHS + entity_id
        batches: list[Batch] = []
        current: list[Triple] = []
        for graph in self.store.graph_names():
            if graph == ONTOLOGY_GRAPH:
                continue
            triples = list(self.store.graph_triples(graph))
            owned = self._owned(subject, triples)
            if not owned:
                continue
            current += owned
            if graph != GRAPH_PREFIX + api_name:
                rest = [t for t in triples if t not in set(owned)]
                name = graph.removeprefix(GRAPH_PREFIX)
                batches.append(Batch(name=name, source=graph, triples=rest))
        if not current:
            raise NotFound(entity_id)
        triples = current if new_own is None else new_own
        batches.append(Batch(name=api_name, source=f"api:{entity_id}", triples=triples))
        return batches

    def create_entity(
        self, who: Principal, record: dict[str, Any], **why: str | None
    ) -> dict[str, Any]:
        entity_id = str(record.get("id", ""))
        if not _SLUG.match(entity_id):
            raise InvalidArgument("id", "give the new entity an `id` such as `my-board`")
        batch = self._entity_batch(entity_id, record)
        return self._apply("create", entity_id, who, [batch], why)

    def update_entity(
        self, who: Principal, entity_id: str, record: dict[str, Any], **why: str | None
    ) -> dict[str, Any]:
        if record.setdefault("id", entity_id) != entity_id:
            raise InvalidArgument("id", f"the body's id {record['id']!r} differs from the URL's")
        with self._lock:
            batches = self._entity_change(entity_id, self._entity_batch(entity_id, record).triples)
            return self._apply_locked("update", entity_id, who, batches, why)

    def retire_entity(
        self, who: Principal, entity_id: str, *, on: str | None = None, **why: str | None
    ) -> dict[str, Any]:
        """End the entity's validity ``on`` (default today); its history stays in the graph."""
        day = on or date.today().isoformat()
        try:
            end = date_literal(day)
        except ValueError as exc:
            raise InvalidArgument("on", str(exc)) from None
        subject = iri(entity_id)
        period = subject + "#validity"
        with self._lock:
            batches = self._entity_change(entity_id, None)
            own = batches[-1]
            own.triples = [t for t in own.triples if not (t[0] == period and t[1] == v.END_DATE)]
            for triple in ((subject, v.TEMPORAL, period), (period, RDF_TYPE, v.PERIOD)):
                if triple not in own.triples:
                    own.triples.append(triple)
            own.triples.append((period, v.END_DATE, end))
            return self._apply_locked("retire", entity_id, who, batches, why)

    def _entity_batch(self, entity_id: str, record: dict[str, Any]) -> Batch:
        text = json.dumps({"entities": [record]}, ensure_ascii=False, indent=1)
        return _read_text(text, "json", name=API_GRAPHS + entity_id, source=f"entity {entity_id}")

    # -- batches ---------------------------------------------------------------------------
    def upload(
        self, who: Principal, text: str, fmt: str, *, graph: str | None = None, **why: str | None
    ) -> dict[str, Any]:
        """Load a YAML or RDF document into ``graph`` (replacing it), or a new API graph."""
        if fmt not in ("yaml", "ttl", "nt", "jsonld", "trig"):
            raise InvalidArgument("format", "use yaml, ttl, nt, jsonld or trig")
        if not text.strip():
            raise InvalidArgument("body", "the body is empty: send a YAML or Turtle document")
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        name = self._target(graph) if graph else API_GRAPHS + "batch/" + digest
        batch = _read_text(text, fmt, name=name, source=f"upload {graph or digest}")
        return self._apply("upload", name, who, [batch], why)

    def _target(self, graph: str) -> str:
        short = graph.removeprefix(GRAPH_PREFIX)
        if GRAPH_PREFIX + short == ONTOLOGY_GRAPH:
            raise InvalidArgument("graph", "the ontology graph cannot be replaced through the API")
        if GRAPH_PREFIX + short in self.store.graph_names():
            return short
        if not _SLUG.match(short):
            raise InvalidArgument("graph", "name an existing graph (GET /graphs) or a new slug")
        return API_GRAPHS + "batch/" + short

    # -- the one write path ----------------------------------------------------------------
    def _apply(
        self, action: str, target: str, who: Principal, batches: list[Batch], why: dict[str, Any]
    ) -> dict[str, Any]:
        with self._lock:
            return self._apply_locked(action, target, who, batches, why)

    def _apply_locked(
        self, action: str, target: str, who: Principal, batches: list[Batch], why: dict[str, Any]
    ) -> dict[str, Any]:
        from loaders import tag_quotes

        tag_quotes(self.store, batches)
        before = {t for b in batches for t in self.store.graph_triples(b.graph)}
        summary = apply_batches(self.store, batches)  # validates; all or nothing
        after = {t for b in batches for t in b.triples}
        added = sorted(map(_nt, after - before))
        removed = sorted(map(_nt, before - after))
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "who": who.name,
            "role": who.role,
            "action": action,
            "target": target.removeprefix(DATA),
            "graphs": [b.graph for b in batches],
            "reason": why.get("reason"),
            "source": why.get("source"),
            "added_count": len(added),
            "removed_count": len(removed),
            "added": added[:_SHOWN],
            "removed": removed[:_SHOWN],
        }
        self.log.append(entry)
        return {
            "action": action,
            "target": entry["target"],
            "graphs": entry["graphs"],
            "added": len(added),
            "removed": len(removed),
            "warnings": [w.as_dict() for w in summary.warnings],
            "audited_at": entry["at"],
        }
