"""The org chart: organisations, units, collaborations and bodies by their reporting lines.

Parents are drawn above their children (a top-down layered picture). A child's line goes up to
its parent: ``org:reportsTo`` (dashed) and containment (``org:subOrganizationOf``,
``org:unitOf``, ``dct:isPartOf`` between organisations; solid). Each node's level is its
longest distance from a top of the chart, so a body that reports to a unit of a region sits
below that unit.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from graph.index import GovIndex, index_of
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import ORG
from viz.context import page_context
from viz.i18n import translate
from viz.network import add_entity, add_relation, new_network
from viz.page import render
from viz.relations import Relation, drawn_nodes
from viz.views import highlight

if TYPE_CHECKING:
    from pyvis.network import Network

ORG_TYPES = frozenset({"organisation", "unit", "collaboration", "body"})
# (predicate, relation name drawn): the child is the subject, the parent the object
LINES = (
    (v.PART_OF_ORG, "part_of"),
    (ORG + "unitOf", "part_of"),
    (v.PART_OF, "part_of"),
    (v.RELATION_KEYS["reports_to"], "reports_to"),
)


def reporting_lines(index: GovIndex, nodes: list[str]) -> list[Relation]:
    """Every line ``child -> parent`` between ``nodes`` (one per pair, containment first).

    >>> from tests.support import sample_store
    >>> rels = reporting_lines(index_of(sample_store()), [])
    >>> rels
    []
    """
    keep = set(nodes)
    seen: set[tuple[str, str]] = set()
    found: list[Relation] = []
    for child in nodes:
        for pred, name in LINES:
            for parent in sorted(index.out(child, pred)):
                if parent in keep and parent != child and (child, parent) not in seen:
                    seen.add((child, parent))
                    found.append(Relation(child, parent, name, predicate=pred))
    return found


def levels(nodes: list[str], lines: list[Relation]) -> dict[str, int]:
    """Each node's level: 0 for a top (no parent), else one more than its deepest parent.
    A cycle in the data is cut where it closes.

    >>> from viz.relations import Relation
    >>> levels(["a", "b", "c"], [Relation("b", "a", "part_of"), Relation("c", "b", "reports_to")])
    {'a': 0, 'b': 1, 'c': 2}
    """
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    for rel in lines:
        parents[rel.source].append(rel.target)
    level: dict[str, int] = {}

    def depth(node: str, path: frozenset[str]) -> int:
        if node in level:
            return level[node]
        ups = [p for p in parents.get(node, []) if p not in path]
        found = 1 + max((depth(p, path | {node}) for p in ups), default=-1)
        level[node] = found
        return found

    for node in nodes:
        depth(node, frozenset())
    return {n: level[n] for n in nodes}


SLOT = 200
"""Horizontal room of one node (a label wraps at 170 px); the page widens it where needed."""
LEVEL = 120
"""Vertical distance between a parent and its children."""


def positions(
    nodes: list[str], lines: list[Relation], level: dict[str, int], *, row_slots: int = 9
) -> dict[str, tuple[int, int]]:
    """Where each node goes: a tidy tree per top (children side by side under their parent,
    a parent centred over them), trees set out in rows of at most ``row_slots`` nodes' width
    (a wider tree gets a row of its own), biggest first.

    A node with several parents sits under the one on the level just above it (the first by
    name); its other lines are drawn all the same.

    >>> from viz.relations import Relation
    >>> lines = [Relation("b", "a", "part_of"), Relation("c", "a", "part_of")]
    >>> positions(["a", "b", "c"], lines, levels(["a", "b", "c"], lines))
    {'b': (0, 120), 'c': (200, 120), 'a': (100, 0)}
    """
    children: dict[str, list[str]] = {n: [] for n in nodes}
    placed_under: set[str] = set()
    for rel in sorted(lines, key=lambda r: (r.target, r.source)):
        child, parent = rel.source, rel.target
        if child in placed_under or level[parent] != level[child] - 1:
            continue
        children[parent].append(child)
        placed_under.add(child)
    tops = [n for n in nodes if n not in placed_under]

    def size(node: str) -> int:
        return max(1, sum(size(c) for c in children[node]))

    def depth(node: str) -> int:
        return 1 + max((depth(c) for c in children[node]), default=0)

    where: dict[str, tuple[int, int]] = {}

    def place(node: str, left: int, top: int) -> None:
        x = left
        for child in children[node]:
            place(child, x, top)
            x += size(child) * SLOT
        centre = left + (size(node) - 1) * SLOT // 2
        if children[node]:
            first, last = where[children[node][0]][0], where[children[node][-1]][0]
            centre = (first + last) // 2
        where[node] = (centre, top + (level[node] - level[tops_of[node]]) * LEVEL)

    tops_of: dict[str, str] = {}

    def mark(node: str, top: str) -> None:
        tops_of[node] = top
        for child in children[node]:
            mark(child, top)

    for top in tops:
        mark(top, top)
    trees = sorted(tops, key=lambda t: (-size(t), -depth(t), t))
    x, y, row_depth = 0, 0, 0
    for top in trees:
        if x > 0 and x + size(top) > row_slots:
            x, y, row_depth = 0, y + row_depth * LEVEL + LEVEL // 2, 0
        place(top, x * SLOT, y)
        x += size(top)
        row_depth = max(row_depth, depth(top))
    return where


def org_chart(
    index: GovIndex,
    *,
    root: str | None = None,
    lang: str | None = None,
    as_of: date | None = None,
) -> Network:
    """The org chart of every organisation, unit, collaboration and body (or of ``root`` and
    everything below it), parents above children.

    >>> from tests.support import sample_store
    >>> net = org_chart(index_of(sample_store()))
    >>> sorted((n["id"], n["level"]) for n in net.nodes)
    [('ds', 2), ('koncerndirektionen', 1), ('region-hovedstaden', 0)]
    >>> [(e["from"], e["to"], e["gg_relation"]) for e in net.edges]
    [('ds', 'koncerndirektionen', 'reports_to'), ('koncerndirektionen', 'region-hovedstaden', 'part_of')]
    """
    nodes = [
        n
        for n in drawn_nodes(index, documents=False, as_of=as_of)
        if index.type_name(n) in ORG_TYPES
    ]
    lines = reporting_lines(index, nodes)
    if root is not None:
        below = {root}
        changed = True
        while changed:
            changed = False
            for rel in lines:
                if rel.target in below and rel.source not in below:
                    below.add(rel.source)
                    changed = True
        nodes = [n for n in nodes if n in below] or [root]
        lines = [r for r in lines if r.source in below and r.target in below]
    level = levels(nodes, lines)
    where = positions(sorted(nodes, key=lambda n: index.label(n, lang)), lines, level)
    net = new_network("org-chart", "Org chart", lang=lang, physics=False)
    net.options["edges"]["smooth"] = {"type": "cubicBezier", "forceDirection": "vertical"}
    net.gg["move_axis"] = "x"  # the page makes room sideways only: levels stay rows
    net.gg["pack_components"] = True  # and sets the trees out in rows as wide as the screen
    for iri in sorted(nodes, key=lambda n: (level[n], index.label(n, lang))):
        x, y = where[iri]
        add_entity(net, index, iri, lang, level=level[iri], x=x, y=y)
    for rel in lines:
        add_relation(net, index, rel, dashes=[6, 4] if rel.relation == "reports_to" else None)
    if root is not None:
        from ontology.terms import local_id

        highlight(net, local_id(root))
        net.gg["root"] = local_id(root)
    net.gg["total"] = {"nodes": len(nodes), "edges": len(lines)}
    return net


def org_chart_page(
    store: GraphStore,
    name: str | None = None,
    *,
    lang: str | None = None,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
) -> str:
    """The org chart as a page (of ``name`` and what reports to it, or of everything)."""
    ctx = page_context(served, ui_lang, lang, here)
    index = index_of(store)
    root = resolve(index, name) if name else None
    net = org_chart(index, root=root, lang=lang)
    title = translate(ctx.ui_lang, "Org chart")
    if root is not None:
        title = translate(ctx.ui_lang, "Org chart of %(name)s") % {"name": index.label(root, lang)}
    return render(net, title=title, **ctx.render_args(index))
