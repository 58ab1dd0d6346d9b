"""Pictures of query answers: impact, who decides, critical chains.

Each function takes the answer dict of its query (``graph.queries.impact.impact``,
``...who_decides.who_decides``, ``...chains.critical_chains``) and the index it came from, and
returns a pyvis network. Nodes named in an answer but missing from the index are still drawn
(from the answer's own label), so a picture never loses what the words say.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from graph.index import GovIndex
from ontology.terms import DATA
from viz.network import add_edge, add_entity, new_network, relation_style
from viz.relations import Relation
from viz.style import (
    CRITICALITY_COLOUR,
    EXCLUDED_COLOUR,
    INFORM_COLOUR,
    ROLE_COLOUR,
    ROOT_COLOUR,
    distance_shade,
)
from viz.views import highlight
from viz.words import actions_phrase, inform_reasons, join, relation_word

if TYPE_CHECKING:
    from pyvis.network import Network


def _ident(item: Any) -> str:
    return item["id"] if isinstance(item, dict) else str(item)


def _add(net: Network, index: GovIndex, item: Any, lang: str | None, **extra: Any) -> str:
    """Add an answer's item (``{id, label}`` or an id) as a node."""
    ident = _ident(item)
    iri = DATA + ident
    if iri in index.nodes:
        return add_entity(net, index, iri, lang, **extra)
    if ident not in net.node_map:
        label = item.get("label", ident) if isinstance(item, dict) else ident
        net.add_node(ident, label=label, title=label, gg_type="unknown", gg_citations=[], **extra)
    else:
        net.node_map[ident].update(extra)
    return ident


_ROLE_ORDER = {role: rank for rank, role in enumerate(ROLE_COLOUR)}

_GRAPHS: weakref.WeakKeyDictionary[GovIndex, Any] = weakref.WeakKeyDictionary()


def _dependency(index: GovIndex, dependent: str, prerequisite: str) -> Relation | None:
    graph = _GRAPHS.get(index)
    if graph is None:
        graph = _GRAPHS[index] = index.dependency_graph()
    data = graph.get_edge_data(DATA + dependent, DATA + prerequisite)
    if data is None:
        return None
    return Relation(
        DATA + dependent,
        DATA + prerequisite,
        "depends_on",
        fact=data["dependency"],
        criticality=data["criticality"],
    )


def _dependency_edge(net: Network, index: GovIndex, a: str, b: str, **style: Any) -> None:
    """An edge for the dependency between ``a`` and ``b`` (whichever way it runs)."""
    if any({e["from"], e["to"]} == {a, b} for e in net.edges):
        return
    for dependent, prerequisite in ((a, b), (b, a)):
        rel = _dependency(index, dependent, prerequisite)
        if rel is not None:
            add_edge(
                net,
                dependent,
                prerequisite,
                "depends_on",
                citations=rel.citations(index),
                **{**relation_style(rel), **style},
            )
            return
    add_edge(net, a, b, "depends_on", **style)


def impact_view(
    result: dict[str, Any],
    index: GovIndex,
    *,
    lang: str | None = None,
    ui_lang: str | None = None,
) -> Network:
    """The blast radius: root in red, impacted items shaded by distance and bordered by
    criticality, the explaining paths' edges drawn thick, bodies to inform in blue.

    >>> from graph.index import GovIndex
    >>> answer = {"root": {"id": "a", "label": "A"}, "direction": "downstream",
    ...           "impacted": [{"id": "b", "label": "B", "distance": 1, "path": ["a", "b"],
    ...                         "criticality": "high"}], "bodies_to_inform": []}
    >>> net = impact_view(answer, GovIndex([]))
    >>> sorted(net.get_nodes()), len(net.edges)
    (['a', 'b'], 1)
    """
    root = result["root"]
    net = new_network("impact", f"Impact: {root.get('label', root['id'])}", lang=lang)
    root_id = _add(net, index, root, lang)
    highlight(net, root_id)
    impacted = result.get("impacted", [])
    furthest = max((i.get("distance", 1) for i in impacted), default=1)
    for item in impacted:
        criticality = item.get("criticality") or "low"
        _add(
            net,
            index,
            item,
            lang,
            color={
                "background": distance_shade(item.get("distance", 1), furthest),
                "border": CRITICALITY_COLOUR.get(criticality, "#666666"),
            },
            borderWidth=2 + {"critical": 4, "high": 2}.get(criticality, 0),
            gg_distance=item.get("distance"),
            gg_criticality=criticality,
        )
    for item in impacted:
        path = [_ident(p) for p in item.get("path") or [root_id, item["id"]]]
        for a, b in zip(path, path[1:], strict=False):
            for node in (a, b):
                if node not in net.node_map:
                    _add(net, index, node, lang)
            _dependency_edge(net, index, a, b, width=4, gg_explains=True)
    for body in result.get("bodies_to_inform", []):
        body_id = _add(
            net,
            index,
            body,
            lang,
            color={"background": "#ffffff", "border": INFORM_COLOUR},
            borderWidth=4,
            gg_inform=True,
            gg_roles=body.get("roles", []),
        )
        for target in body.get("for", []) or [root_id]:
            if target not in net.node_map:
                _add(net, index, target, lang)
            why = join(inform_reasons(body, ui_lang), ui_lang) or relation_word("inform", ui_lang)
            add_edge(net, body_id, target, "inform", dashes=True, color=INFORM_COLOUR, label=why)
    net.gg["root"] = root_id
    return net


def who_decides_view(
    result: dict[str, Any],
    index: GovIndex,
    *,
    lang: str | None = None,
    ui_lang: str | None = None,
) -> Network:
    """Subject -> containing scopes -> mandate -> holder -> escalation, left to right;
    excluded mandates drawn crossed out (grey, dashed, marked ✗).

    >>> from graph.index import GovIndex
    >>> answer = {"subject": {"id": "sp", "label": "SP"}, "deciders": [{"id": "ds",
    ...   "label": "DS", "mandate": {"id": "m", "actions": ["decide"], "scope": {"id": "rh"}},
    ...   "path": [{"id": "sp"}, {"id": "rh", "via": "dct:isPartOf"}], "citations": []}],
    ...   "escalation": [{"id": "kd", "label": "KD"}], "excluded": []}
    >>> net = who_decides_view(answer, GovIndex([]))
    >>> sorted(net.get_nodes()), len(net.edges)
    (['ds', 'kd', 'm', 'rh', 'sp'], 4)
    """
    subject = result["subject"]
    net = new_network(
        "who-decides",
        f"Who decides: {subject.get('label', subject['id'])}",
        lang=lang,
        hierarchical=True,
    )
    subject_id = _add(net, index, subject, lang, level=0)
    highlight(net, subject_id)
    last_holder: str | None = None
    # the deciders, then the other roles over the subject (advises, implements, follows up),
    # each role drawn together and marked by its colour
    entries = result.get("deciders", []) + result.get("other_roles", [])
    for decider in sorted(entries, key=lambda e: _ROLE_ORDER.get(e.get("role", ""), 9)):
        path = decider.get("path") or [subject]
        previous = subject_id
        for level, step in enumerate(path[1:], start=1):
            step_id = _add(net, index, step, lang, level=level)
            via = step.get("via", "within") if isinstance(step, dict) else "within"
            _once(net, previous, step_id, via, ui_lang)
            previous = step_id
        holder_id = _mandate_and_holder(net, index, decider, previous, len(path), lang, ui_lang)
        if decider in result.get("deciders", []):
            last_holder = last_holder or holder_id
    # Mandates over matters inside the subject (who-decides ``within``), drawn below it.
    for entry in sorted(
        result.get("within", []), key=lambda e: _ROLE_ORDER.get(e.get("role", ""), 9)
    ):
        steps = list(reversed(entry.get("path") or []))
        previous = subject_id
        for level, step in enumerate(steps[1:], start=1):
            step_id = _add(net, index, step, lang, level=level)
            _once(net, previous, step_id, "contains", ui_lang)
            previous = step_id
        _mandate_and_holder(net, index, entry, previous, len(steps), lang, ui_lang)
    tail: str | None = last_holder
    start = max((n.get("level", 0) for n in net.nodes), default=0)
    for step, body in enumerate(result.get("escalation", []), start=1):
        body_id = _add(net, index, body, lang, level=start + step, gg_escalation=step)
        if tail is not None:
            _once(net, tail, body_id, "escalates_to", ui_lang, dashes=[6, 4])
        tail = body_id
    for item in result.get("excluded", []):
        mandate = item.get("mandate")
        mandate_ident = mandate["id"] if isinstance(mandate, dict) else str(mandate)
        mandate_id = _add(
            net,
            index,
            {"id": mandate_ident, "label": mandate_ident},
            lang,
            level=1,
            color={"background": "#eeeeee", "border": EXCLUDED_COLOUR},
            shapeProperties={"borderDashes": [4, 4]},
            gg_excluded=True,
            gg_reason=item.get("reason", ""),
        )
        node = net.node_map[mandate_id]
        if not str(node["label"]).startswith("✗"):
            node["label"] = f"✗ {node['label']}"
        node["font"] = {"color": EXCLUDED_COLOUR}
        node["gg_citations"] = item.get("citations", []) or node.get("gg_citations", [])
        holder_id = _add(net, index, item, lang, level=2)
        add_edge(
            net,
            subject_id,
            mandate_id,
            "excluded",
            citations=item.get("citations", []),
            dashes=True,
            color=ROOT_COLOUR,
            label="✗ " + relation_word("excludes", ui_lang),
        )
        _once(
            net,
            mandate_id,
            holder_id,
            "held_by",
            ui_lang,
            dashes=True,
            color=EXCLUDED_COLOUR,
            citations=item.get("citations", []),
        )
    net.gg["root"] = subject_id
    return net


def _mandate_and_holder(
    net: Network,
    index: GovIndex,
    entry: dict[str, Any],
    previous: str,
    level: int,
    lang: str | None,
    ui_lang: str | None,
) -> str:
    """Draw ``previous -> mandate -> holder`` for one who-decides entry; return the holder.
    Both edges carry the mandate's citations; the first is labelled by its actions in words."""
    mandate = entry["mandate"]
    mandate_id = _add(net, index, mandate, lang, level=level, gg_actions=mandate.get("actions", []))
    net.node_map[mandate_id]["gg_citations"] = entry.get("citations", []) or net.node_map[
        mandate_id
    ].get("gg_citations", [])
    cites = entry.get("citations", [])
    _once(
        net,
        previous,
        mandate_id,
        "covered_by",
        ui_lang,
        label=actions_phrase(mandate.get("actions", []), ui_lang)
        or relation_word("covered_by", ui_lang),
        citations=cites,
    )
    role = entry.get("role")
    holder_id = _add(net, index, entry, lang, level=level + 1)
    holder = net.node_map[holder_id]
    if role in ROLE_COLOUR:
        roles = holder.setdefault("gg_roles", [])
        if role not in roles:
            roles.append(role)
        # the node's first role (in the order decides, advises, implements, follows up) marks it
        first = min(roles, key=lambda r: _ROLE_ORDER.get(r, 9))
        colour = holder.get("color")
        background = colour.get("background") if isinstance(colour, dict) else colour
        holder.update(
            color={"background": background or "#ffffff", "border": ROLE_COLOUR[first]},
            borderWidth=4,
            gg_role=first,
        )
        net.node_map[mandate_id]["gg_role"] = role
    _once(
        net,
        mandate_id,
        holder_id,
        "held_by",
        ui_lang,
        citations=cites,
        color=ROLE_COLOUR.get(role or ""),
        gg_role=role,
    )
    return holder_id


def _once(
    net: Network,
    a: str,
    b: str,
    relation: str,
    ui_lang: str | None,
    *,
    label: str | None = None,
    citations: list[dict[str, str]] | None = None,
    **style: Any,
) -> None:
    """One edge ``a -> b`` labelled in words (``relation`` is a relation key or CURIE)."""
    if not any(e["from"] == a and e["to"] == b for e in net.edges):
        words = label or relation_word(relation, ui_lang)
        add_edge(net, a, b, relation, citations=citations, label=words, title=words, **style)


def chain_view(result: dict[str, Any], index: GovIndex, *, lang: str | None = None) -> Network:
    """Critical chains left to right; a node shared by several chains is drawn once.

    >>> from graph.index import GovIndex
    >>> answer = {"chains": [{"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
    ...                       "length": 2, "weight": 5}]}
    >>> net = chain_view(answer, GovIndex([]))
    >>> len(net.nodes), len(net.edges)
    (3, 2)
    """
    net = new_network("chains", "Critical chains", lang=lang, hierarchical=True)
    for rank, chain in enumerate(result.get("chains", []), start=1):
        ids = []
        for level, item in enumerate(chain.get("nodes", [])):
            node_id = _add(net, index, item, lang)
            node = net.node_map[node_id]
            node["level"] = max(node.get("level", 0), level)
            node.setdefault("gg_chains", []).append(rank)
            ids.append(node_id)
        for a, b in zip(ids, ids[1:], strict=False):
            _dependency_edge(net, index, a, b, width=3, gg_chain=rank)
    net.gg["chains"] = len(result.get("chains", []))
    return net
