"""The org chart of the bundled data: reporting lines from the ontology's relations, parents
above children, no two nodes in one place, a subtree by its root."""

from __future__ import annotations

from graph.index import GovIndex
from ontology import vocab as v
from ontology.terms import ORG, iri, local_id
from viz.orgchart import ORG_TYPES, org_chart


def test_every_reporting_line_is_drawn_child_to_parent(viz_index: GovIndex) -> None:
    net = org_chart(viz_index)
    drawn = {n["id"] for n in net.nodes}
    assert drawn == {
        local_id(e) for e in viz_index.entities() if viz_index.type_name(e) in ORG_TYPES
    }
    expected = {
        (local_id(child), local_id(parent))
        for pred in (v.PART_OF_ORG, ORG + "unitOf", v.PART_OF, v.RELATION_KEYS["reports_to"])
        for child in viz_index.entities()
        if viz_index.type_name(child) in ORG_TYPES
        for parent in viz_index.out(child, pred)
        if local_id(parent) in drawn and parent != child
    }
    lines = {(e["from"], e["to"]) for e in net.edges}
    assert lines == expected and len(lines) >= 10
    where = {n["id"]: (n["x"], n["y"]) for n in net.nodes}
    level = {n["id"]: n["level"] for n in net.nodes}
    for child, parent in lines:
        assert level[child] > level[parent]
        assert where[child][1] > where[parent][1], (child, parent)  # drawn below its parent
    assert len(set(where.values())) == len(where)  # no two nodes in one place
    kinds = {e["gg_relation"] for e in net.edges}
    assert kinds == {"part_of", "reports_to"}
    assert all(e.get("dashes") for e in net.edges if e["gg_relation"] == "reports_to")


def test_a_root_draws_its_subtree(viz_index: GovIndex) -> None:
    net = org_chart(viz_index, root=iri("region-hovedstaden"))
    ids = {n["id"] for n in net.nodes}
    assert "region-hovedstaden" in ids and "koncerndirektionen" in ids and "ds" in ids
    assert "helse-sor-ost" not in ids
    assert net.gg["root"] == "region-hovedstaden"
    top = min(net.nodes, key=lambda n: n["y"])
    assert top["id"] == "region-hovedstaden"
