"""``check``: governance consistency findings over the whole graph.

Each finding is ``{kind, severity, subjects, message}``; severity is ``error`` (the data
contradicts itself or its sources), ``warning`` (a governance problem worth a look) or ``info``
(a gap in what the sources state).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.coverage import assess
from graph.queries.scopes import (
    action_closure,
    as_of_day,
    containing_scopes,
    effective_actions,
    mandate_status,
    outside_restriction,
)
from graph.queries.who_decides import REPORTS_TO
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import Period, first_day, last_day
from ontology.terms import concept_slug, local_id

SEVERITIES = ("error", "warning", "info")
# Two holders granted one of these over the same scope at the same time compete; two advisers
# or implementers do not (their overlap is reported as info).
EXCLUSIVE_ACTIONS = frozenset(
    {"decide", "approve", "prioritise", "set_direction", "allocate_resources"}
)
DECIDABLE_CLASSES = (
    v.ENTITY_CLASSES["system"],
    v.ENTITY_CLASSES["domain"],
    v.ENTITY_CLASSES["project"],
)
BODY_CLASSES = (v.ENTITY_CLASSES["body"], v.ENTITY_CLASSES["collaboration"])
REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def _finding(
    index: GovIndex, kind: str, severity: str, subjects: list[str], message: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "severity": severity,
        "subjects": [{"id": local_id(s), "label": index.label(s)} for s in subjects],
        "message": message,
    }


def _no_decider(index: GovIndex, day: date | None) -> list[dict[str, Any]]:
    closure = action_closure(index)
    found = []
    for cls in DECIDABLE_CLASSES:
        for subject in index.of_type(cls):
            if not index.valid_at(subject, day):
                continue
            any_mandate = assess(index, subject, actions=None, day=day, closure=closure)
            name = f"{index.label(subject)} ({index.type_name(subject)})"
            if not any_mandate.covering:
                found.append(
                    _finding(
                        index,
                        "no_decider",
                        "warning",
                        [subject],
                        f"No mandate covers {name}: nobody is stated to decide, steer or "
                        "follow up on it.",
                    )
                )
                continue
            holders = sorted(
                {
                    index.label(index.node(m).first(v.HOLDER) or m)
                    for _, m, _ in any_mandate.covering
                }
            )
            deciding = [
                m
                for _, m, _ in any_mandate.covering
                if "decide" in effective_actions(index, m, closure)
            ]
            if not deciding:
                found.append(
                    _finding(
                        index,
                        "no_decision_mandate",
                        "info",
                        [subject],
                        f"No mandate to decide covers {name}; mandates with other actions are "
                        f"held by {', '.join(holders)}.",
                    )
                )
    return found


def _overlaps(a: Period, b: Period) -> bool:
    if a.start and b.end and first_day(a.start) > last_day(b.end):
        return False
    return not (b.start and a.end and first_day(b.start) > last_day(a.end))


def _covers(index: GovIndex, mandate: str, inner: str) -> str | None:
    """The scope of ``mandate`` that contains ``inner``, unless an exclusion or a restriction
    leaves ``inner`` out."""
    around = containing_scopes(index, inner)
    scope = next((s for s in index.out(mandate, v.SCOPE) if s in around), None)
    if scope is None or any(e in around for e in index.out(mandate, v.EXCLUDES)):
        return None
    return None if outside_restriction(index, mandate, inner) else scope


def _shared_matters(index: GovIndex, a: str, b: str) -> list[tuple[str, str, str]]:
    """``(matter, scope of a, scope of b)`` both mandates cover, the same or nested."""
    found = []
    for inner in sorted({*index.out(a, v.SCOPE), *index.out(b, v.SCOPE)}):
        outer_a, outer_b = _covers(index, a, inner), _covers(index, b, inner)
        if outer_a and outer_b:
            found.append((inner, outer_a, outer_b))
    return found


def _holder_name(index: GovIndex, mandate: str, holder: str | None, status: str) -> str:
    shown = "" if status == "in_force" else f", {status}"
    return f"{index.label(holder or mandate)} ({local_id(mandate)}{shown})"


def _overlapping_mandates(index: GovIndex, day: date | None) -> list[dict[str, Any]]:
    """Two holders with a shared action over one matter, through the same or nested scopes.

    A warning when both mandates are in force and the action is exclusive (decide, prioritise
    ...); info when one is only recommended or planned, or the shared action is not exclusive.
    """
    closure = action_closure(index)
    mandates = [
        m
        for m in index.of_type(v.MANDATE)
        if index.valid_at(m, day) and mandate_status(index, m) != "ended"
    ]
    found = []
    for a, b in combinations(mandates, 2):
        holder_a, holder_b = index.node(a).first(v.HOLDER), index.node(b).first(v.HOLDER)
        if holder_a == holder_b:
            continue
        # A mandate delegated by the other holder refines it; it does not compete with it.
        if holder_a in index.out(b, v.GRANTED_BY) or holder_b in index.out(a, v.GRANTED_BY):
            continue
        actions = effective_actions(index, a, closure) & effective_actions(index, b, closure)
        if not actions or not _overlaps(index.period(a), index.period(b)):
            continue
        shared = _shared_matters(index, a, b)
        if not shared:
            continue
        competing = actions & EXCLUSIVE_ACTIONS
        statuses = {m: mandate_status(index, m) for m in (a, b)}
        in_force = all(status == "in_force" for status in statuses.values())
        matters = []
        for inner, outer_a, outer_b in shared:
            nested = [index.label(o) for o in (outer_a, outer_b) if o != inner]
            matters.append(
                index.label(inner) + (f" (within {', '.join(nested)})" if nested else "")
            )

        found.append(
            _finding(
                index,
                "overlapping_mandates",
                "warning" if competing and in_force else "info",
                [a, b, *(h for h in (holder_a, holder_b) if h)],
                f"{_holder_name(index, a, holder_a, statuses[a])} and "
                f"{_holder_name(index, b, holder_b, statuses[b])} both hold "
                f"{', '.join(sorted(competing or actions))} over {'; '.join(matters)} at the "
                "same time, and neither mandate excludes the other"
                + ("." if in_force else "; one of them is not in force."),
            )
        )
    return found


def _reporting_cycles(index: GovIndex, day: date | None) -> list[dict[str, Any]]:
    import networkx as nx

    graph = nx.DiGraph()
    for body in index.nodes:
        if index.valid_at(body, day):
            for target in index.out(body, REPORTS_TO):
                if index.valid_at(target, day):
                    graph.add_edge(body, target)
    found = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle))
        cycle = cycle[start:] + cycle[:start]
        names = " -> ".join(index.label(b) for b in [*cycle, cycle[0]])
        found.append(
            _finding(
                index,
                "reporting_cycle",
                "error",
                cycle,
                f"Reporting cycle: {names}; escalation along reports-to never reaches the top.",
            )
        )
    return sorted(found, key=lambda f: [s["id"] for s in f["subjects"]])


def _holder_not_existing(index: GovIndex, day: date | None) -> list[dict[str, Any]]:
    found = []
    for mandate in index.of_type(v.MANDATE):
        holder = index.node(mandate).first(v.HOLDER)
        start = index.period(mandate).start
        if holder is None or start is None or not index.valid_at(mandate, day):
            continue
        if not index.period(holder).contains(first_day(start)):
            span = index.period(holder)
            found.append(
                _finding(
                    index,
                    "holder_not_existing",
                    "error",
                    [mandate, holder],
                    f"Mandate {local_id(mandate)} starts {start}, but its holder "
                    f"{index.label(holder)} exists only {span.start or '…'} – {span.end or '…'}.",
                )
            )
    return found


def _bodies_without_members(index: GovIndex, day: date | None) -> list[dict[str, Any]]:
    found = []
    for body in sorted({b for cls in BODY_CLASSES for b in index.of_type(cls)}):
        if not index.valid_at(body, day):
            continue
        members = [m for m in index.into(body, v.ORGANIZATION_P) if index.valid_at(m, day)]
        posts = index.into(body, v.RELATION_KEYS["post_in"])
        if not members and not posts:
            found.append(
                _finding(
                    index,
                    "body_without_members",
                    "info",
                    [body],
                    f"{index.label(body)} has no members or posts in the graph"
                    + (f" on {day}" if day else "")
                    + ".",
                )
            )
    return found


def _retired_dependencies(index: GovIndex, day: date | None) -> list[dict[str, Any]]:
    found = []
    for dep in index.of_type(v.DEPENDENCY):
        node = index.node(dep)
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if dependent is None or prerequisite is None or not index.valid_at(dep, day):
            continue
        status = index.node(prerequisite).first(v.STATUS)
        if status is None or concept_slug(status) != "retired":
            continue
        criticality = concept_slug(node.first(v.CRITICALITY) or "low")
        found.append(
            _finding(
                index,
                "dependency_on_retired",
                "error" if criticality == "critical" else "warning",
                [dependent, prerequisite, dep],
                f"{index.label(dependent)} depends on {index.label(prerequisite)}, which is "
                f"retired ({local_id(dep)}, {criticality}).",
            )
        )
    return found


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _unfound_quotes(index: GovIndex, documents_dir: Path) -> list[dict[str, Any]]:
    texts: dict[str, str | None] = {}
    found = []
    for about, citations in sorted(index.citations.items()):
        for cite in citations:
            if cite.document not in texts:
                path = index.node(cite.document).first(v.DOC_PATH)
                file = documents_dir / path if path else None
                texts[cite.document] = (
                    _fold(file.read_text(encoding="utf-8")) if file and file.is_file() else None
                )
                if path and texts[cite.document] is None:
                    found.append(
                        _finding(
                            index,
                            "document_missing",
                            "warning",
                            [cite.document],
                            f"Document {local_id(cite.document)} names {path}, which is not in "
                            f"{documents_dir}; its quotes cannot be checked.",
                        )
                    )
            text = texts[cite.document]
            if text is not None and _fold(cite.quote) not in text:
                found.append(
                    _finding(
                        index,
                        "quote_not_found",
                        "error",
                        [about, cite.document],
                        f"The quote {cite.quote!r} cited for {local_id(about)} is not in "
                        f"{local_id(cite.document)} ({index.node(cite.document).first(v.DOC_PATH)}).",
                    )
                )
    return found


def check(
    store: GraphStore, *, as_of: date | str | None = None, documents_dir: Path | None = None
) -> dict[str, Any]:
    """Governance consistency findings, most severe first.

    Parameters
    ----------
    store : GraphStore
    as_of : date or str, optional
        Check the world as it was that day; ``None`` checks every fact regardless of validity.
    documents_dir : Path, optional
        Directory the documents' ``gg:path`` is relative to (default: the bundled ``data/``).

    Returns
    -------
    dict
        ``{"as_of", "findings": [{kind, severity, subjects: [{id, label}], message}]}``. Kinds:
        ``no_decider`` (warning), ``no_decision_mandate`` (info), ``overlapping_mandates``
        (warning for competing actions, else info), ``reporting_cycle`` (error),
        ``holder_not_existing`` (error), ``body_without_members`` (info),
        ``dependency_on_retired`` (warning; error when critical), ``quote_not_found`` (error),
        ``document_missing`` (warning).

    Raises
    ------
    InvalidArgument
        Malformed ``as_of``.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> [(f["kind"], f["subjects"][0]["id"]) for f in check(sample_store())["findings"]]
    [('body_without_members', 'ds'), ('body_without_members', 'koncerndirektionen')]
    """
    index = index_of(store)
    day = as_of_day(as_of)
    findings = [
        *_reporting_cycles(index, day),
        *_holder_not_existing(index, day),
        *_overlapping_mandates(index, day),
        *_retired_dependencies(index, day),
        *_no_decider(index, day),
        *_bodies_without_members(index, day),
        *_unfound_quotes(index, documents_dir or REPO_DATA),
    ]
    findings.sort(key=lambda f: SEVERITIES.index(f["severity"]))
    return {"as_of": day.isoformat() if day else None, "findings": findings}
