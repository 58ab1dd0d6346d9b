"""Unit tests on the networks each view builds: nodes, edges, colours, folded counts."""

from __future__ import annotations

import re
from collections import Counter

from graph.index import GovIndex
from graph.queries.who_decides import who_decides
from ontology.terms import iri
from tests.viz.conftest import XSS_LABEL
from viz import answers, views
from viz.page import render
from viz.relations import drawn_nodes, relations
from viz.style import CRITICALITY_COLOUR, INFORM_COLOUR, ROOT_COLOUR, TYPE_STYLE


def test_overview_draws_every_entity_and_relation(viz_index: GovIndex) -> None:
    net = views.overview(viz_index, fold_above=None)
    nodes = drawn_nodes(viz_index)
    assert len(net.nodes) == len(nodes)
    assert len(net.edges) == len(relations(viz_index, nodes))
    assert net.gg["folded"] is None
    kinds = Counter(n["gg_type"] for n in net.nodes)
    assert {"body", "person", "mandate", "system", "organisation"} <= set(kinds)
    assert "membership" not in kinds and "dependency" not in kinds
    for node in net.nodes:
        assert (node["color"], node["shape"]) == TYPE_STYLE[node["gg_type"]]
    rels = Counter(e["gg_relation"] for e in net.edges)
    assert rels["member_of"] > 0 and rels["depends_on"] > 0 and rels["reports_to"] > 0


def test_overview_labels_in_each_language(viz_index: GovIndex) -> None:
    labels = {
        lang: next(
            n["label"] for n in views.overview(viz_index, lang=lang).nodes if n["id"] == "ds"
        )
        for lang in ("da", "en")
    }
    assert labels == {"da": "Digital Styregruppe", "en": "Digital Steering Group"}


def test_dependency_edges_coloured_by_criticality(viz_index: GovIndex) -> None:
    net = views.overview(viz_index, fold_above=None)
    edge = next(e for e in net.edges if e["from"] == "xss-system" and e["to"] == "sp")
    assert edge["color"] == CRITICALITY_COLOUR["critical"]
    assert edge["gg_citations"][0]["quote"] == "DS refererer til Koncerndirektionen"


def test_folding_counts_every_node_and_edge(viz_index: GovIndex) -> None:
    net = views.overview(viz_index, fold_above=50)
    folded = net.gg["folded"]
    total = net.gg["total"]
    assert folded["clusters"] == sum(1 for n in net.nodes if n["gg_type"] == "cluster")
    assert len(net.nodes) < 50
    members = sum(len(n.get("gg_members", [])) for n in net.nodes)
    singles = sum(1 for n in net.nodes if n["gg_type"] != "cluster")
    assert members == folded["nodes"] and members + singles == total["nodes"]
    # never drop an edge silently: drawn edges' counts plus edges inside groups = all edges
    inner = sum(n.get("gg_inner_edges", 0) for n in net.nodes)
    assert sum(e["gg_count"] for e in net.edges) + inner == total["edges"]
    merged = sum(e["gg_count"] for e in net.edges if e["gg_count"] > 1)
    assert folded["edges"] == merged + inner
    assert "are folded into" in render(net)


def test_no_folding_below_the_limit(viz_index: GovIndex) -> None:
    net = views.overview(viz_index, fold_above=10_000)
    assert net.gg["folded"] is None and not any(n["gg_type"] == "cluster" for n in net.nodes)


def test_neighbourhood_hops_and_relation_filter(viz_index: GovIndex) -> None:
    one = views.neighbourhood(viz_index, iri("ds"), hops=1)
    two = views.neighbourhood(viz_index, iri("ds"), hops=2)
    assert {"ds", "koncerndirektionen", "region-hovedstaden"} <= set(one.get_nodes())
    assert set(one.get_nodes()) < set(two.get_nodes())
    assert one.node_map["ds"]["gg_root"] is True
    only = views.neighbourhood(viz_index, iri("ds"), hops=3, relation_types=["reports_to"])
    assert {e["gg_relation"] for e in only.edges} == {"reports_to"}
    assert set(only.get_nodes()) == {"ds", "koncerndirektionen"}


IMPACT = {
    "root": {"id": "sp", "label": "SP", "type": "system"},
    "direction": "downstream",
    "impacted": [
        {"id": "xss-system", "label": XSS_LABEL, "distance": 1, "path": ["sp", "xss-system"],
         "criticality": "critical", "type": "system"},
        {"id": "far", "label": "Far", "distance": 2, "path": ["sp", "xss-system", "far"],
         "criticality": "low", "type": "project"},
    ],
    "bodies_to_inform": [
        {"id": "ds", "label": "DS", "type": "body", "roles": ["owner"], "for": ["far"]}
    ],
}  # fmt: skip


def test_impact_view(viz_index: GovIndex) -> None:
    net = answers.impact_view(IMPACT, viz_index)
    nodes = net.node_map
    assert set(nodes) == {"sp", "xss-system", "far", "ds"}
    assert nodes["sp"]["color"] == ROOT_COLOUR
    assert nodes["xss-system"]["color"]["border"] == CRITICALITY_COLOUR["critical"]
    assert nodes["xss-system"]["color"]["background"] != nodes["far"]["color"]["background"]
    assert nodes["ds"]["gg_inform"] and nodes["ds"]["color"]["border"] == INFORM_COLOUR
    explaining = [e for e in net.edges if e.get("gg_explains")]
    assert {(e["from"], e["to"]) for e in explaining} == {
        ("xss-system", "sp"),
        ("xss-system", "far"),
    }
    assert explaining[0]["width"] == 4 and explaining[0]["gg_citations"]
    inform = [e for e in net.edges if e["gg_relation"] == "inform"]
    assert [(e["from"], e["to"]) for e in inform] == [("ds", "far")]


def test_who_decides_view_from_the_real_query(viz_store, viz_index: GovIndex) -> None:  # type: ignore[no-untyped-def]
    answer = who_decides(viz_store, "sundhedsplatformen", action="decide")
    net = answers.who_decides_view(answer, viz_index)
    excluded = [n for n in net.nodes if n.get("gg_excluded")]
    assert excluded and all(n["label"].startswith("✗") for n in excluded)
    assert all(n["shapeProperties"]["borderDashes"] for n in excluded)
    assert net.options["layout"]["hierarchical"]["direction"] == "LR"
    assert any(e["gg_relation"] == "excluded" and e["dashes"] for e in net.edges)


def test_who_decides_view_chain_order() -> None:
    answer = {
        "subject": {"id": "sp", "label": "SP"},
        "deciders": [{"id": "ds", "label": "DS", "citations": [{"document": "d", "title": "D", "quote": "q"}],
                      "mandate": {"id": "m", "actions": ["decide"], "scope": {"id": "rh"}},
                      "path": [{"id": "sp"}, {"id": "rh", "label": "RH", "via": "dct:isPartOf"}]}],
        "escalation": [{"id": "kd", "label": "KD"}, {"id": "top", "label": "Top"}],
        "excluded": [{"id": "x", "label": "X", "mandate": "mx", "reason": "excluded", "citations": []}],
    }  # fmt: skip
    net = answers.who_decides_view(answer, GovIndex([]))
    levels = {n["id"]: n["level"] for n in net.nodes}
    assert levels["sp"] < levels["rh"] < levels["m"] < levels["ds"] < levels["kd"] < levels["top"]
    assert net.node_map["m"]["gg_citations"][0]["quote"] == "q"
    assert net.node_map["mx"]["label"] == "✗ mx"


def test_chain_view_shares_nodes_between_chains() -> None:
    answer = {"chains": [
        {"nodes": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}], "length": 2, "weight": 3},
        {"nodes": [{"id": "d", "label": "D"}, {"id": "b", "label": "B"}], "length": 1, "weight": 1},
    ]}  # fmt: skip
    net = answers.chain_view(answer, GovIndex([]))
    assert sorted(net.get_nodes()) == ["a", "b", "c", "d"]
    assert len(net.edges) == 3
    assert net.node_map["b"]["gg_chains"] == [1, 2]
    assert net.options["layout"]["hierarchical"]["enabled"]


def test_page_is_self_contained_and_escapes_labels(viz_index: GovIndex) -> None:
    html = render(views.overview(viz_index))
    assert XSS_LABEL not in html and "<script>alert" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    # no resource is fetched from anywhere: no src/href to another host, no CDN
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_cli_writes_an_offline_file(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ds.html"
    result = cli("viz", "neighbourhood", "ds", "--hops", "2", "-o", str(out), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    html = out.read_text()
    assert "Digital Steering Group" in html and "vis.Network" in html
    missing = cli("viz", "entity", "no-such-entity", "-o", str(tmp_path / "x.html"))
    assert missing.exit_code != 0 and not (tmp_path / "x.html").exists()
