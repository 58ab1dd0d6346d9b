"""Building pyvis networks: one node per entity with its details and sources, typed edges.

The only module (with the views) that touches pyvis, imported lazily so that the CLI and the
API start without it. Every node and edge carries the data the page shows when it is clicked
(``gg`` fields); they are plain strings, escaped by the page, never HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.index import GovIndex
from ontology import vocab as v
from viz.fold import home_of
from viz.relations import Relation
from viz.style import CRITICALITY_COLOUR, EDGE_COLOUR, style_of, type_label

if TYPE_CHECKING:
    from pyvis.network import Network


LABEL_WIDTH = 170
"""Longest line of a node's label (px at scale 1); longer labels wrap."""


def new_network(
    view: str,
    title: str,
    *,
    lang: str | None,
    hierarchical: bool = False,
    physics: bool = True,
    direction: str = "LR",
) -> Network:
    """An empty directed network with govgraph's options and page metadata (``net.gg``).

    ``hierarchical`` lays nodes out in levels, left to right (chains, who-decides) or top down
    (``direction="UD"``: the org chart); the space between levels is set from the label width
    (a level is as wide as the widest wrapped label, plus room for an edge label);
    ``physics=False`` draws at once, which large pictures need.
    """
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    options: dict[str, Any] = {
        "interaction": {
            "hover": True,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "zoomView": True,
        },
        "edges": {
            "smooth": {"type": "dynamic"},
            "color": {"color": EDGE_COLOUR},
            "font": {"size": 12, "background": "rgba(255,255,255,0.85)", "strokeWidth": 0},
            # an edge label wraps to fit between two levels of a layered picture
            "widthConstraint": {"maximum": 120},
        },
        # long labels wrap, so that a label is never wider than its neighbours' spacing
        "nodes": {"font": {"size": 14}, "widthConstraint": {"maximum": LABEL_WIDTH}},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "stabilization": {"iterations": 300},
        },
        # the same picture every time the page opens (vis-network seeds its starting positions
        # at random otherwise, and a rare start left two labels touching after the spacing)
        "layout": {"randomSeed": 7},
    }
    if hierarchical:
        across = direction in ("LR", "RL")
        options["layout"]["hierarchical"] = {
            "enabled": True,
            "direction": direction,
            "sortMethod": "directed",
            # left to right: a level holds a wrapped label and an edge label between levels;
            # top down: a level holds up to four wrapped lines and the arrow between them
            "levelSeparation": LABEL_WIDTH + 160 if across else 150,
            "nodeSpacing": 110 if across else LABEL_WIDTH + 30,
        }
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = {
            "type": "cubicBezier",
            "forceDirection": "horizontal" if across else "vertical",
        }
    net.options = options
    net.gg = {"view": view, "title": title, "lang": lang, "folded": None, "notes": []}
    return net


def entity_node(index: GovIndex, iri: str, lang: str | None) -> dict[str, Any]:
    """The node fields of an entity: label, type, style, home organisation and its sources."""
    kind = index.type_name(iri)
    colour, shape = style_of(kind)
    label = index.label(iri, lang)
    home = home_of(index, iri)
    domains = sorted(index.out(iri, v.RELATION_KEYS["domain"]))
    return {
        "label": label,
        "shape": shape,
        "color": colour,
        "title": f"{label} ({type_label(kind, lang)})",
        "gg_type": kind,
        "gg_type_label": type_label(kind, lang),
        "gg_org": index.label(home, lang) if home else "",
        "gg_domain": index.label(domains[0], lang) if domains else "",
        "gg_citations": index.citation_dicts(iri),
        "gg_alt": index.alt_labels(iri),
    }


def add_entity(net: Network, index: GovIndex, iri: str, lang: str | None, **overrides: Any) -> str:
    """Add ``iri`` (once) as a node; ``overrides`` replace or add vis/``gg`` fields."""
    node_id = _id(iri)
    if node_id in net.node_map:
        net.node_map[node_id].update(overrides)
        return node_id
    fields = {**entity_node(index, iri, lang), **overrides}
    label = fields.pop("label")
    shape = fields.pop("shape")
    net.add_node(node_id, label=label, shape=shape, **fields)
    return node_id


def add_edge(
    net: Network,
    source: str,
    target: str,
    relation: str,
    *,
    citations: list[dict[str, str]] | None = None,
    count: int = 1,
    **style: Any,
) -> None:
    """Add one edge ``source -> target`` (node ids) labelled by ``relation``."""
    fields: dict[str, Any] = {
        "id": f"e{len(net.edges)}",
        "title": relation.replace("_", " ") + (f" (×{count})" if count > 1 else ""),
        "gg_relation": relation,
        "gg_citations": citations or [],
        "gg_count": count,
        **{k: val for k, val in style.items() if val is not None},
    }
    # pyvis's own add_edge looks each end up in a list of every node (quadratic on large
    # pictures): check the node map and append the edge as pyvis would
    for end in (source, target):
        if end not in net.node_map:
            raise ValueError(f"non existent node {end!r}")
    net.edges.append({**fields, "from": source, "to": target, "arrows": "to"})


def relation_style(rel: Relation) -> dict[str, Any]:
    """How an edge looks: dependencies by criticality, exclusions dashed."""
    if rel.relation == "depends_on":
        colour = CRITICALITY_COLOUR.get(rel.criticality or "low", EDGE_COLOUR)
        return {
            "color": colour,
            "width": 1 + _rank(rel.criticality),
            "gg_criticality": rel.criticality,
        }
    if rel.relation == "excludes":
        return {"dashes": True, "color": "#b2182b"}
    return {}


def add_relation(net: Network, index: GovIndex, rel: Relation, **style: Any) -> None:
    """Add ``rel`` as an edge with its citations."""
    add_edge(
        net,
        _id(rel.source),
        _id(rel.target),
        rel.relation,
        citations=rel.citations(index),
        **{**relation_style(rel), **style},
    )


def _rank(criticality: str | None) -> int:
    return {"critical": 3, "high": 2, "medium": 1}.get(criticality or "", 0)


def _id(iri: str) -> str:
    from ontology.terms import local_id

    return local_id(iri)


def counts(net: Network) -> tuple[int, int]:
    """``(nodes, edges)`` of a network, as the page's vis data sets will hold them."""
    return len(net.nodes), len(net.edges)
