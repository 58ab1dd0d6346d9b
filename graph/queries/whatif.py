"""``whatif``: apply a scenario to an in-memory copy and diff impact, who-decides and check.

A scenario is a YAML file (``docs/dependencies.md``)::

    description: SP is retired and DS merges into the executive board
    as_of: 2024-06-01          # optional: the day the queries answer for
    changes:
      - retire: {node: sp, date: 2025-01-01}
      - remove: old-system
      - add_dependency: {dependent: a, prerequisite: b, type: technical, criticality: high}
      - remove_dependency: {dependent: a, prerequisite: c}     # or {id: dep-a-c}
      - delay: {project: p, days: 30}
      - move_mandate: {mandate: ds-decides, to: koncerndirektionen}
      - merge: {from: ds, into: koncerndirektionen}
    queries:                   # optional: what to compare (defaults from the changes)
      impact: [sp]
      who_decides: [epj]
      check: true
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import as_of_day
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import date_literal, first_day, last_day
from ontology.errors import InvalidArgument, ValidationFailed, Violation
from ontology.terms import RDF_TYPE, XSD, Literal, Triple, concept, iri, local_id

CHANGE_KINDS = (
    "remove",
    "retire",
    "add_dependency",
    "remove_dependency",
    "delay",
    "move_mandate",
    "merge",
)
SCENARIO_KEYS = {"description", "as_of", "changes", "queries"}
QUERY_KEYS = {"impact", "who_decides", "check"}
WHATIF_GRAPH = "urn:govgraph:graph:whatif"
# Facts that make no sense once the thing they point at is gone.
_HANGING = (v.DEPENDENT, v.PREREQUISITE, v.MEMBER, v.ORGANIZATION_P, v.HOLDER, v.CITE_ABOUT)


def load_scenario(path: Path) -> dict[str, Any]:
    """Read a scenario file.

    Raises
    ------
    ValidationFailed
        The file is not YAML or not a scenario (unknown keys, no ``changes`` list).
    """
    import yaml

    def fail(message: str, line: int | None = None, record: str | None = None) -> None:
        rule = "scenario-format"
        raise ValidationFailed([Violation(rule, message, str(path), line, None, record)])

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidArgument("scenario", f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        fail(f"not valid YAML: {exc}", mark.line + 1 if mark else None)
    if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
        fail("a scenario is a mapping with a `changes` list")
    unknown = set(data) - SCENARIO_KEYS
    if unknown:
        fail(f"unknown key(s) {sorted(unknown)}; use {sorted(SCENARIO_KEYS)}")
    queries = data.get("queries") or {}
    if not isinstance(queries, dict) or set(queries) - QUERY_KEYS:
        fail(f"`queries` takes {sorted(QUERY_KEYS)}", record="queries")
    return dict(data)


class _Scenario:
    """The triples of the copy, changed one change at a time."""

    def __init__(self, store: GraphStore, index: GovIndex) -> None:
        self.store = store
        self.index = index
        self.triples: set[Triple] = set(store.triples())
        self.impact: list[str] = []
        self.who_decides: list[str] = []
        self.slips: list[dict[str, Any]] = []
        self.added = 0

    def name(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise InvalidArgument(where, "expected the id or name of an entity")
        return resolve(self.index, value)

    def field(self, spec: Any, key: str, where: str) -> Any:
        if not isinstance(spec, Mapping) or key not in spec:
            raise InvalidArgument(where, f"`{key}` is required")
        return spec[key]

    def scopes_of_mandates(self, *holders: str) -> None:
        for holder in holders:
            for mandate in self.index.into(holder, v.HOLDER):
                self.who_decides.extend(self.index.out(mandate, v.SCOPE))

    def store_copy(self) -> OxigraphStore:
        copy = OxigraphStore()
        copy.replace({WHATIF_GRAPH: sorted(self.triples, key=repr)})
        return copy

    def apply(self, kind: str, spec: Any, where: str) -> str:
        if kind == "remove":
            node = self.name(spec, where)
            facts = {s for s, p, o in self.triples if o == node and p in _HANGING}
            drop = {node} | facts
            self.triples = {t for t in self.triples if t[0] not in drop and t[2] not in drop}
            self.impact.append(node)
            self.scopes_of_mandates(node)
            return f"removed {local_id(node)} and {len(facts)} fact(s) that named it"
        if kind == "retire":
            node = self.name(spec["node"] if isinstance(spec, Mapping) else spec, where)
            self.triples = {t for t in self.triples if not (t[0] == node and t[1] == v.STATUS)}
            self.triples.add((node, v.STATUS, concept("status", "retired")))
            end = spec.get("date") if isinstance(spec, Mapping) else None
            if end is not None:
                self._set_end(node, str(end), where)
            self.impact.append(node)
            return f"retired {local_id(node)}" + (f" from {end}" if end else "")
        if kind == "add_dependency":
            return self._add_dependency(spec, where)
        if kind == "remove_dependency":
            deps = self._dependencies(spec, where)
            self.triples = {t for t in self.triples if t[0] not in deps}
            for dep in deps:
                self.impact.extend(self.index.out(dep, v.PREREQUISITE))
            return f"removed {', '.join(sorted(local_id(d) for d in deps))}"
        if kind == "delay":
            return self._delay(spec, where)
        if kind == "move_mandate":
            mandate = self.name(self.field(spec, "mandate", where), where + ".mandate")
            if v.MANDATE not in self.index.node(mandate).types:
                raise InvalidArgument(where + ".mandate", f"{local_id(mandate)} is not a mandate")
            body = self.name(self.field(spec, "to", where), where + ".to")
            self.triples = {t for t in self.triples if not (t[0] == mandate and t[1] == v.HOLDER)}
            self.triples.add((mandate, v.HOLDER, body))
            self.who_decides.extend(self.index.out(mandate, v.SCOPE))
            return f"moved {local_id(mandate)} to {local_id(body)}"
        if kind == "merge":
            old = self.name(self.field(spec, "from", where), where + ".from")
            new = self.name(self.field(spec, "into", where), where + ".into")
            if old == new:
                raise InvalidArgument(where, "cannot merge a body into itself")
            self._merge(old, new)
            self.scopes_of_mandates(old, new)
            self.impact.append(new)
            return f"merged {local_id(old)} into {local_id(new)}"
        raise InvalidArgument(
            where, f"unknown change {kind!r}; use one of {', '.join(CHANGE_KINDS)}"
        )

    def _set_end(self, node: str, end: str, where: str) -> None:
        try:
            literal = date_literal(end)
        except ValueError as exc:
            raise InvalidArgument(where + ".date", str(exc)) from None
        period = next((o for s, p, o in self.triples if s == node and p == v.TEMPORAL), None)
        if not isinstance(period, str):
            period = node + "-whatif-period"
            self.triples |= {(node, v.TEMPORAL, period), (period, RDF_TYPE, v.PERIOD)}
        self.triples = {t for t in self.triples if not (t[0] == period and t[1] == v.END_DATE)}
        self.triples.add((period, v.END_DATE, literal))

    def _add_dependency(self, spec: Any, where: str) -> str:
        dependent = self.name(self.field(spec, "dependent", where), where + ".dependent")
        prerequisite = self.name(self.field(spec, "prerequisite", where), where + ".prerequisite")
        kind = spec.get("type", "technical")
        criticality = spec.get("criticality", "high")
        if kind not in v.DEPENDENCY_TYPES:
            raise InvalidArgument(where + ".type", f"use one of {', '.join(v.DEPENDENCY_TYPES)}")
        if criticality not in v.CRITICALITIES:
            raise InvalidArgument(
                where + ".criticality", f"use one of {', '.join(v.CRITICALITIES)}"
            )
        self.added += 1
        dep = iri(str(spec.get("id") or f"whatif-dependency-{self.added}"))
        self.triples |= {
            (dep, RDF_TYPE, v.DEPENDENCY),
            (dep, v.DEPENDENT, dependent),
            (dep, v.PREREQUISITE, prerequisite),
            (dep, v.DEPENDENCY_TYPE, concept("dependency-type", kind)),
            (dep, v.CRITICALITY, concept("criticality", criticality)),
        }
        if spec.get("lag_days") is not None:
            lag = Literal(str(int(spec["lag_days"])), datatype=XSD + "integer")
            self.triples.add((dep, v.LAG_DAYS, lag))
        self.impact.append(prerequisite)
        return f"added {local_id(dep)}: {local_id(dependent)} needs {local_id(prerequisite)}"

    def _dependencies(self, spec: Any, where: str) -> set[str]:
        if isinstance(spec, Mapping) and "id" in spec:
            dep = iri(str(spec["id"]))
            if (dep, RDF_TYPE, v.DEPENDENCY) not in self.triples:
                raise InvalidArgument(where + ".id", f"no dependency {spec['id']!r}")
            return {dep}
        dependent = self.name(self.field(spec, "dependent", where), where + ".dependent")
        prerequisite = self.name(self.field(spec, "prerequisite", where), where + ".prerequisite")
        deps = {s for s, p, o in self.triples if p == v.DEPENDENT and o == dependent} & {
            s for s, p, o in self.triples if p == v.PREREQUISITE and o == prerequisite
        }
        if not deps:
            raise InvalidArgument(
                where, f"{local_id(dependent)} has no dependency on {local_id(prerequisite)}"
            )
        return deps

    def _delay(self, spec: Any, where: str) -> str:
        from graph.queries.slip import slip

        project = self.name(self.field(spec, "project", where), where + ".project")
        days = self.field(spec, "days", where)
        if not isinstance(days, int) or days < 0:
            raise InvalidArgument(where + ".days", "a whole number of days >= 0")
        answer = slip(self.store_copy(), project, days=days)
        self.slips.append(answer)
        for moved in answer["moved"]:
            node = moved["id"] if "://" in moved["id"] else iri(moved["id"])
            keys = ["planned_end", "go_live"] if node == project else list(v.DATE_KEYS)
            for key in keys:
                self._shift(node, v.DATE_KEYS[key], moved["days"], last=key == "planned_end")
        self.impact.append(project)
        return f"delayed {local_id(project)} by {days} day(s): {len(answer['moved'])} item(s) move"

    def _shift(self, node: str, predicate: str, days: int, *, last: bool) -> None:
        for s, p, o in [t for t in self.triples if t[0] == node and t[1] == predicate]:
            day = (last_day if last else first_day)(str(o)) + timedelta(days=days)
            self.triples.discard((s, p, o))
            self.triples.add((s, p, Literal(day.isoformat(), datatype=XSD + "date")))

    def _merge(self, old: str, new: str) -> None:
        merged: set[Triple] = set()
        for s, p, o in self.triples:
            if s == old:
                if p == v.PREF_LABEL:
                    merged.add((new, v.ALT_LABEL, o))
                    continue
                if p in (RDF_TYPE, v.TEMPORAL, v.ALT_LABEL):
                    if p == v.ALT_LABEL:
                        merged.add((new, p, o))
                    continue
                s = new
            if o == old:
                o = new
            if s != o:
                merged.add((s, p, o))
        self.triples = merged


def _impact_diff(before: GraphStore, after: GraphStore, node: str, day: date | None) -> dict:
    from graph.queries.impact import impact

    def hits(store: GraphStore) -> dict[str, dict[str, Any]] | None:
        if node not in index_of(store).nodes or not index_of(store).node(node).types:
            return None
        answer = impact(store, node, as_of=day, deciders=False)
        return {i["id"]: i for i in answer["impacted"]}

    old, new = hits(before), hits(after)
    old_hits, new_hits = old or {}, new or {}
    short = ("id", "label", "distance", "criticality")
    return {
        "node": local_id(node),
        "before": None if old is None else len(old_hits),
        "after": None if new is None else len(new_hits),
        "added": [
            {k: new_hits[i][k] for k in short} for i in sorted(set(new_hits) - set(old_hits))
        ],
        "removed": [
            {k: old_hits[i][k] for k in short} for i in sorted(set(old_hits) - set(new_hits))
        ],
        "changed": [
            {"id": i, **{f"{k}_before": old_hits[i][k] for k in short[2:]}}
            | {f"{k}_after": new_hits[i][k] for k in short[2:]}
            for i in sorted(set(old_hits) & set(new_hits))
            if any(old_hits[i][k] != new_hits[i][k] for k in short[2:])
        ],
    }


def _deciders_diff(before: GraphStore, after: GraphStore, node: str, day: date | None) -> dict:
    from graph.queries.who_decides import who_decides

    def deciders(store: GraphStore) -> list[str] | None:
        if node not in index_of(store).nodes or not index_of(store).node(node).types:
            return None
        answer = who_decides(store, node, as_of=day)
        return [f"{d['id']} ({d['mandate']['id']})" for d in answer["deciders"]]

    old, new = deciders(before), deciders(after)
    return {"subject": local_id(node), "before": old, "after": new, "changed": old != new}


def _check_diff(before: GraphStore, after: GraphStore, day: date | None) -> dict:
    from graph.queries.check import check

    def findings(store: GraphStore) -> dict[tuple[Any, ...], dict[str, Any]]:
        found = check(store, as_of=day)["findings"]
        return {(f["kind"], *sorted(s["id"] for s in f["subjects"])): f for f in found}

    old, new = findings(before), findings(after)
    return {
        "added": [new[k] for k in new if k not in old],
        "removed": [old[k] for k in old if k not in new],
    }


def whatif(
    store: GraphStore,
    changes: Sequence[Mapping[str, Any]],
    *,
    impact: Sequence[str] | None = None,
    who_decides: Sequence[str] | None = None,
    check: bool = True,
    as_of: date | str | None = None,
) -> dict[str, Any]:
    """Apply ``changes`` to a copy of ``store`` and compare the answers before and after.

    Parameters
    ----------
    store : GraphStore
        Left untouched: the changes go to an in-memory copy.
    changes : sequence of mappings
        Each ``{kind: spec}`` with kind one of ``remove``, ``retire``, ``add_dependency``,
        ``remove_dependency``, ``delay``, ``move_mandate``, ``merge`` (see the module docstring).
    impact, who_decides : sequence of str, optional
        Nodes whose downstream impact / subjects whose deciders to compare. By default the
        nodes the changes touch (and the scopes of the mandates they move).
    check : bool
        Also compare the consistency findings of ``check``.
    as_of : date or str, optional
        Answer as of that day.

    Returns
    -------
    dict
        ``{changes: [str], impact: [{node, before, after, added, removed, changed}],
        who_decides: [{subject, before, after, changed}], check: {added, removed} or None,
        slips: [slip answers of the delays]}``. ``before``/``after`` is ``None`` where the node
        does not exist on that side.

    Raises
    ------
    NotFound, AmbiguousName
        A change names an unknown entity.
    InvalidArgument
        A malformed change.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> result = whatif(deps_store(), [{"remove_dependency": {"dependent": "fmk",
    ...                                  "prerequisite": "nsp"}}], check=False)
    >>> [(d["node"], d["before"], d["after"]) for d in result["impact"]]
    [('nsp', 4, 0)]
    """
    day = as_of_day(as_of)
    index = index_of(store)
    scenario = _Scenario(store, index)
    applied = []
    for position, change in enumerate(changes):
        where = f"changes[{position}]"
        if not isinstance(change, Mapping) or len(change) != 1:
            raise InvalidArgument(where, "each change is a mapping with exactly one kind")
        ((kind, spec),) = change.items()
        applied.append(scenario.apply(str(kind), spec, where))
    after = scenario.store_copy()
    impact_nodes = [resolve(index, n) for n in impact] if impact is not None else scenario.impact
    decide_nodes = (
        [resolve(index, n) for n in who_decides]
        if who_decides is not None
        else scenario.who_decides
    )
    return {
        "as_of": day.isoformat() if day else None,
        "changes": applied,
        "impact": [_impact_diff(store, after, n, day) for n in dict.fromkeys(impact_nodes)],
        "who_decides": [_deciders_diff(store, after, n, day) for n in dict.fromkeys(decide_nodes)],
        "check": _check_diff(store, after, day) if check else None,
        "slips": scenario.slips,
    }
