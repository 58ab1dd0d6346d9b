"""Every write of the API: serialised, validated, audited first, committed atomically.

* ``create`` (``POST /entities``) makes a new entity; an id that exists is a :class:`Conflict`.
* ``replace`` (``PUT``) replaces the entity's own statements; ``patch`` (``PATCH``) changes only
  the fields given; ``retire`` (``DELETE``) ends its validity. Each honours ``If-Match``: a
  version tag (:func:`graph.entity_state.entity_etag`) other than the stored one is a
  :class:`PreconditionFailed` (412), so no update is lost between a read and a write.
* ``upload`` loads a YAML or RDF document into one graph.

The check of existence or version and the write happen under one lock, so of ten concurrent
creates of one id exactly one succeeds. The audit entry is durable before the commit
(:mod:`api.audit`). Entities written through the API live in their own named graph
``urn:govgraph:graph:api/<id>``, so each write is one atomic replace.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any

from api.audit import AuditLog, now
from api.auth import Principal
from graph.batch import GRAPH_PREFIX, Batch
from graph.entity_state import entity_etag, owned
from graph.load import SYSTEM_GRAPHS, apply_batches, stored_generation
from graph.oxigraph_store import to_ox
from graph.store import GraphStore
from loaders.limits import Limits
from ontology import vocab as v
from ontology.dates import date_literal
from ontology.errors import Conflict, InvalidArgument, NotFound, PreconditionFailed
from ontology.terms import DATA, RDF_TYPE, Literal, Triple, iri

API_GRAPHS = "api/"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}\Z")
_SHOWN = 500  # triples listed per entry; the counts are always complete


def _nt(triple: Triple) -> str:
    s, p, o = triple
    return f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ."


def _read_text(
    text: str, fmt: str, *, name: str, source: str, limits: Limits | None = None
) -> Batch:
    """Parse request text with the file loaders (within ``limits``) into a batch for ``name``."""
    from loaders.files import read_file
    from loaders.limits import use_limits

    suffix = {"yaml": ".yaml", "json": ".yaml"}.get(fmt, "." + fmt)
    with tempfile.TemporaryDirectory(prefix="govgraph-upload-") as tmp:
        path = Path(tmp) / ("upload" + suffix)
        try:
            path.write_text(text, encoding="utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidArgument(
                "body", f"the text holds a lone surrogate (position {exc.start}): send valid UTF-8"
            ) from None
        with use_limits(limits):
            batch = read_file(path, "yaml" if fmt == "json" else fmt, source=source)
    batch.name = name
    batch.inputs = []
    return batch


class Writer:
    """The one write path of the server (one per store; the embedded store has one writer)."""

    def __init__(self, store: GraphStore, log: AuditLog, *, limits: Limits | None = None) -> None:
        self.store = store
        self.log = log
        self.limits = limits
        self._lock = threading.Lock()
        self.reconciled = log.reconcile(stored_generation(store))

    # -- versions --------------------------------------------------------------------------
    def etag(self, entity_id: str) -> str | None:
        """The version tag of an entity, ``None`` if there is no such entity."""
        return entity_etag(self.store, iri(entity_id))

    def _check(self, entity_id: str, if_match: str | None) -> None:
        if not _SLUG.match(entity_id):
            raise NotFound(entity_id)
        current = self.etag(entity_id)
        if current is None:
            raise NotFound(entity_id)
        if if_match is not None and if_match.strip() != "*":
            wanted = [t.strip().removeprefix("W/") for t in if_match.split(",")]
            if current not in wanted:
                raise PreconditionFailed(entity_id, if_match.strip(), current)

    # -- entities --------------------------------------------------------------------------
    def _entity_change(self, entity_id: str, new_own: list[Triple] | None) -> list[Batch]:
        """Batches that move the entity's statements into its API graph (``None``: keep them)."""
        subject = iri(entity_id)
        api_name = API_GRAPHS + entity_id
        batches: list[Batch] = []
        current: list[Triple] = []
        for graph in self._owning_graphs(subject):
            if graph in SYSTEM_GRAPHS:
                continue
            triples = list(self.store.graph_triples(graph))
            mine = owned(subject, triples)
            if not mine:
                continue
            current += mine
            if graph != GRAPH_PREFIX + api_name:
                gone = set(mine)
                rest = [t for t in triples if t not in gone]
                name = graph.removeprefix(GRAPH_PREFIX)
                batches.append(Batch(name=name, source=graph, triples=rest))
        if not current:
            raise NotFound(entity_id)
        triples = current if new_own is None else new_own
        batches.append(Batch(name=api_name, source=f"api:{entity_id}", triples=triples))
        return batches

    def _owning_graphs(self, subject: str) -> list[str]:
        """The graphs holding the entity's own statements, found by pattern lookups (the
        entity, its validity period, the citations about it), not by reading every graph.

        A store without graph-aware lookups (``graphs_with_subjects``) is scanned instead.
        """
        finder = getattr(self.store, "graphs_with_subjects", None)
        if finder is None:
            return self.store.graph_names()
        own = {subject, subject + "#validity"}
        own |= {s for s, _, _ in self.store.triples(None, v.CITE_ABOUT, subject)}
        return sorted(finder(own))

    def create_entity(self, who: Principal, record: dict[str, Any], **why: Any) -> dict[str, Any]:
        entity_id = str(record.get("id", ""))
        if not _SLUG.match(entity_id):
            raise InvalidArgument("id", "give the new entity an `id` such as `my-board`")
        batch = self._entity_batch(entity_id, record)
        with self._lock:
            if self.etag(entity_id) is not None or any(self.store.triples(iri(entity_id))):
                raise Conflict(
                    entity_id,
                    f"an entity with id {entity_id!r} exists: PUT or PATCH "
                    f"/entities/{entity_id} to change it, or choose another id",
                )
            return self._apply_locked("create", entity_id, who, [batch], why)

    def update_entity(
        self,
        who: Principal,
        entity_id: str,
        record: dict[str, Any],
        *,
        if_match: str | None = None,
        **why: Any,
    ) -> dict[str, Any]:
        """Replace the entity's own statements with those of ``record``."""
        if record.setdefault("id", entity_id) != entity_id:
            raise InvalidArgument("id", f"the body's id {record['id']!r} differs from the URL's")
        new = self._entity_batch(entity_id, record).triples
        with self._lock:
            self._check(entity_id, if_match)
            batches = self._entity_change(entity_id, new)
            return self._apply_locked("replace", entity_id, who, batches, why)

    def patch_entity(
        self,
        who: Principal,
        entity_id: str,
        fields: dict[str, Any],
        *,
        if_match: str | None = None,
        **why: Any,
    ) -> dict[str, Any]:
        """Change only the fields given; every other statement of the entity stays."""
        if fields.get("id", entity_id) != entity_id or "type" in fields:
            raise InvalidArgument("body", "a PATCH cannot change `id` or `type`: create anew")
        subject = iri(entity_id)
        with self._lock:
            self._check(entity_id, if_match)
            batches = self._entity_change(entity_id, None)
            current = batches[-1].triples
            kinds = [
                v.CLASS_TYPES[str(o)]
                for s, p, o in current
                if s == subject and p == RDF_TYPE and str(o) in v.CLASS_TYPES
            ]
            if not kinds:
                raise InvalidArgument("name", f"{entity_id!r} is not an entity that can be patched")
            placeholder = "\u2063patch"
            record = {"label": {"en": placeholder}, **fields, "id": entity_id, "type": kinds[0]}
            new = [
                t
                for t in self._entity_batch(entity_id, record).triples
                if not (isinstance(t[2], Literal) and t[2].value == placeholder)
            ]

            def key(t: Triple) -> tuple[str, str | None]:
                return (t[1], t[2].lang if isinstance(t[2], Literal) else None)

            period = subject + "#validity"
            changed = {key(t) for t in new if t[0] == subject and t[1] != RDF_TYPE}
            if "valid" in fields:
                changed.add((v.TEMPORAL, None))
            kept = [
                t
                for t in current
                if not (t[0] == subject and key(t) in changed)
                and not (t[0] == period and "valid" in fields)
            ]
            batches[-1].triples = sorted(set(kept) | set(new), key=repr)
            return self._apply_locked("patch", entity_id, who, batches, why)

    def retire_entity(
        self,
        who: Principal,
        entity_id: str,
        *,
        on: str | None = None,
        if_match: str | None = None,
        **why: Any,
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
            self._check(entity_id, if_match)
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
        return _read_text(
            text,
            "json",
            name=API_GRAPHS + entity_id,
            source=f"entity {entity_id}",
            limits=self.limits,
        )

    # -- batches ---------------------------------------------------------------------------
    def upload(
        self, who: Principal, text: str, fmt: str, *, graph: str | None = None, **why: Any
    ) -> dict[str, Any]:
        """Load a YAML or RDF document into ``graph`` (replacing it), or a new API graph."""
        if fmt not in ("yaml", "ttl", "nt", "jsonld", "trig"):
            raise InvalidArgument("format", "use yaml, ttl, nt, jsonld or trig")
        if not text.strip():
            raise InvalidArgument("body", "the body is empty: send a YAML or Turtle document")
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        name = self._target(graph) if graph else API_GRAPHS + "batch/" + digest
        batch = _read_text(
            text, fmt, name=name, source=f"upload {graph or digest}", limits=self.limits
        )
        with self._lock:
            return self._apply_locked("upload", name, who, [batch], why)

    def _target(self, graph: str) -> str:
        short = graph.removeprefix(GRAPH_PREFIX)
        if GRAPH_PREFIX + short in SYSTEM_GRAPHS:
            raise InvalidArgument("graph", "the ontology graph cannot be replaced through the API")
        if GRAPH_PREFIX + short in self.store.graph_names():
            return short
        if not _SLUG.match(short):
            raise InvalidArgument("graph", "name an existing graph (GET /graphs) or a new slug")
        return API_GRAPHS + "batch/" + short

    # -- the one write path ----------------------------------------------------------------
    def _apply_locked(
        self, action: str, target: str, who: Principal, batches: list[Batch], why: dict[str, Any]
    ) -> dict[str, Any]:
        from loaders import tag_quotes

        tag_quotes(self.store, batches)
        generation = stored_generation(self.store) + 1
        entry: dict[str, Any] = {}
        written: list[int] = []

        def audit_first() -> None:
            """After validation, before the commit: the entry, durable (api.audit)."""
            before = {t for b in batches for t in self.store.graph_triples(b.graph)}
            after = {t for b in batches for t in b.triples}
            added = sorted(map(_nt, after - before))
            removed = sorted(map(_nt, before - after))
            entry.update(
                {
                    "at": now(),
                    "generation": generation,
                    "who": who.name,
                    "role": who.role,
                    "client": why.get("client"),
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
            )
            written.append(self.log.append(entry))

        try:
            summary = apply_batches(self.store, batches, precommit=audit_first)
        except BaseException:
            if written:
                self.log.rollback(written[0])  # logged but not committed: cut it back
            raise
        answer: dict[str, Any] = {
            "action": action,
            "target": entry["target"],
            "graphs": entry["graphs"],
            "added": entry["added_count"],
            "removed": entry["removed_count"],
            "generation": summary.generation,
            "warnings": [w.as_dict() for w in summary.warnings],
            "audited_at": entry["at"],
        }
        if action != "upload":
            answer["etag"] = self.etag(target)
        return answer
