"""Whole-graph pictures: the overview and the neighbourhood of one entity.

Each view is a function from the index (and a query's answer) to a pyvis network; the page
(``viz.page``) turns a network into HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from graph.index import GovIndex
from ontology.terms import local_id
from viz.fold import fold
from viz.i18n import translate
from viz.network import add_edge, add_entity, add_relation, new_network
from viz.relations import Relation, drawn_nodes, relations
from viz.style import ROOT_COLOUR, style_of

if TYPE_CHECKING:
    from pyvis.network import Network

DEFAULT_FOLD_ABOVE = 10000
"""Pictures with more nodes than this are folded by organisation/domain on the server (the page
would receive too much); below it the page folds them itself (``CLIENT_FOLD_ABOVE``)."""
CLIENT_FOLD_ABOVE = 50
"""An overview with more nodes than this opens folded in the page (by organisation, a group of
more than this inside by type, then by domain), which opens a group in place when clicked."""


def overview(
    index: GovIndex,
    *,
    lang: str | None = None,
    documents: bool = False,
    as_of: date | None = None,
    fold_above: int | None = DEFAULT_FOLD_ABOVE,
) -> Network:
    """The whole graph, coloured and shaped by type, grouped by organisation.

    Parameters
    ----------
    index : GovIndex
    lang : str, optional
        Label language (da, nb, en).
    documents : bool
        Also draw source documents (linked to their publisher).
    as_of : date, optional
        Only what is valid that day.
    fold_above : int or None
        Fold by organisation/domain when there are more nodes than this; ``None`` never folds.

    Returns
    -------
    pyvis.network.Network
        ``net.gg["folded"]`` holds the folded counts when folding happened.

    >>> from tests.support import sample_store
    >>> from graph.index import index_of
    >>> net = overview(index_of(sample_store()))
    >>> sorted(net.get_nodes())
    ['ds', 'ds-decides', 'koncerndirektionen', 'region-hovedstaden']
    """
    nodes = drawn_nodes(index, documents=documents, as_of=as_of)
    net = _picture(
        index,
        nodes,
        relations(index, nodes, as_of=as_of),
        view="overview",
        title="Overview",
        lang=lang,
        fold_above=fold_above,
    )
    if not net.gg.get("folded"):
        # the page opens folded by organisation; a click on a group opens it in place
        net.gg["fold_client"] = CLIENT_FOLD_ABOVE
    return net


def neighbourhood(
    index: GovIndex,
    iri: str,
    *,
    hops: int = 1,
    relation_types: Iterable[str] | None = None,
    lang: str | None = None,
    as_of: date | None = None,
    fold_above: int | None = DEFAULT_FOLD_ABOVE,
) -> Network:
    """``iri`` and everything within ``hops`` edges of it (either direction).

    ``relation_types`` limits the edges walked and drawn (names such as ``reports_to``,
    ``member_of``, ``depends_on``); the centre is drawn larger.

    >>> from tests.support import sample_store
    >>> from graph.index import index_of
    >>> from ontology.terms import iri
    >>> net = neighbourhood(index_of(sample_store()), iri("ds"), hops=1)
    >>> sorted(net.get_nodes())
    ['ds', 'ds-decides', 'koncerndirektionen']
    """
    wanted = set(relation_types) if relation_types else None
    everything = drawn_nodes(index, documents=True, as_of=as_of)
    if iri not in everything:
        everything.append(iri)
    rels = [
        r for r in relations(index, everything, as_of=as_of) if not wanted or r.relation in wanted
    ]
    adjacent: dict[str, set[str]] = {}
    for rel in rels:
        adjacent.setdefault(rel.source, set()).add(rel.target)
        adjacent.setdefault(rel.target, set()).add(rel.source)
    reached, frontier = {iri}, {iri}
    for _ in range(max(hops, 0)):
        frontier = {n for f in frontier for n in adjacent.get(f, ())} - reached
        reached |= frontier
    kept = [r for r in rels if r.source in reached and r.target in reached]
    net = _picture(
        index,
        sorted(reached),
        kept,
        view="neighbourhood",
        title=index.label(iri, lang),
        lang=lang,
        fold_above=fold_above,
    )
    centre = local_id(iri)
    if centre in net.node_map:
        net.node_map[centre].update({"size": 35, "borderWidth": 4, "gg_root": True})
        net.node_map[centre]["font"] = {"size": 20, "bold": True}
    net.gg["root"] = centre
    return net


def _picture(
    index: GovIndex,
    nodes: list[str],
    rels: list[Relation],
    *,
    view: str,
    title: str,
    lang: str | None,
    fold_above: int | None,
) -> Network:
    folding = fold(index, nodes, rels, fold_above=fold_above)
    net = new_network(view, title, lang=lang, physics=len(folding.nodes) <= CLIENT_FOLD_ABOVE * 20)
    for iri in folding.nodes:
        add_entity(net, index, iri, lang)
    colour, _shape = style_of("cluster")
    for key, members in folding.groups.items():
        home = key.split(":", 1)[1]
        if home == "other":
            name = translate(lang or "en", "Without an organisation")
        elif home == "more":
            name = translate(lang or "en", "More groups")
        else:
            name = index.label(home, lang)
        inner = folding.inner.get(key, [])
        net.add_node(
            key,
            label=f"{name} (+{len(members)})",
            shape="box",
            color=colour,
            title=f"{name}: {len(members)} nodes, {len(inner)} edges inside",
            gg_type="cluster",
            gg_type_label="cluster",
            gg_org=name,
            gg_citations=[],
            gg_members=sorted(index.label(m, lang) for m in members),
            gg_inner_edges=len(inner),
            gg_home=home if home not in ("other", "more") else "",
            font={"size": 16 + min(len(members), 40) // 4},
        )
    for source, target, rels_here in folding.edges:
        if (
            len(rels_here) == 1
            and not source.startswith("group:")
            and not target.startswith("group:")
        ):
            add_relation(net, index, rels_here[0])
            continue
        names = sorted({r.relation for r in rels_here})
        add_edge(
            net,
            local_id(source) if not source.startswith("group:") else source,
            local_id(target) if not target.startswith("group:") else target,
            names[0] if len(names) == 1 else "several",
            citations=[c for r in rels_here for c in r.citations(index)][:20],
            count=len(rels_here),
            label=str(len(rels_here)) if len(rels_here) > 1 else None,
            width=min(1 + len(rels_here), 8),
            gg_relations=names,
        )
    if folding.groups:
        net.gg["folded"] = folding.counts()
    net.gg["total"] = {"nodes": folding.total_nodes, "edges": folding.total_edges}
    return net


def highlight(net: Network, node_id: str) -> None:
    """Mark ``node_id`` as the picture's root (red, large)."""
    if node_id in net.node_map:
        net.node_map[node_id].update(
            {"color": ROOT_COLOUR, "size": 35, "borderWidth": 4, "gg_root": True}
        )
