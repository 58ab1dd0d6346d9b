"""ArchiMate exchange files: Archisurance (real), 2.1 names, and hostile or broken XML."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.queries.impact import impact
from loaders.archimate import canonical
from ontology import vocab as v
from ontology.terms import ORG, iri
from tests.loaders.helpers import EXTERNAL, assert_refused, count_type, index, loaded

ARCHI = EXTERNAL / "archimate"
MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m1">
  <name xml:lang="en">Test</name>
  <elements>
    <element identifier="a" xsi:type="ApplicationComponent"><name xml:lang="en">EPR</name></element>
    <element identifier="b" xsi:type="ApplicationComponent"><name xml:lang="en">Hub</name></element>
  </elements>
  <relationships>
{relationships}
  </relationships>
</model>
"""


def node(identifier: str) -> str:
    return iri(f"archimate-id-11f5304f-{identifier}")


@pytest.fixture(scope="module")
def archisurance():
    return loaded(ARCHI / "archisurance.xml")


def test_archisurance_counts_match_sources(archisurance):
    store, summary = archisurance
    idx = index(store)
    entities = [e for e in idx.entities() if idx.type_name(e) not in v.FACT_TYPES.values()]
    assert len(entities) == 120  # SOURCES.md: 120 elements
    assert Counter(idx.type_name(e) for e in entities) == {
        "topic": 60,
        "system": 26,
        "organisation": 17,  # BusinessActor 17
        "strategy": 9,  # Principle 9
        "post": 5,  # BusinessRole 5
        "collaboration": 3,
    }
    relations = Counter(
        str(o).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        for _, _, o in store.triples(None, v.CITE_PREDICATE, None)
    )
    dependencies = count_type(store, v.DEPENDENCY)  # Serving, Flow, Triggering, Access, Realization
    mandates = count_type(store, v.MANDATE)  # Assignment of an actor or role to behaviour
    skipped = sum(1 for w in summary.warnings if w.rule == "archimate-unmapped")  # Specialization
    assert (dependencies, mandates, skipped) == (32 + 33 + 13 + 14 + 31, 4, 5)
    assert relations == {"concerns": 28, "isPartOf": 15, "postIn": 2, "subOrganizationOf": 1}
    # SOURCES.md: 178 relationships, every one accounted for.
    assert dependencies + mandates + skipped + sum(relations.values()) == 178


def test_archisurance_spot_checks(archisurance):
    store, _ = archisurance
    idx = index(store)
    assert idx.label(node("id-528")) == "Customer's Bank"
    assert idx.type_name(node("id-528")) == "post"
    cites = idx.citations_for(node("id-528"))
    assert cites[0].quote == "id-528 (BusinessRole): Customer's Bank"
    doc = idx.node(cites[0].document)
    assert doc.first(v.TITLE) == "archisurance.xml"
    assert "OpenGroupXMLExchange" in (doc.first(v.DOC_URL) or "")


def test_archisurance_answers_impact(archisurance):
    store, _ = archisurance
    idx = index(store)
    graph = idx.dependency_graph()
    hub = max(graph.nodes, key=graph.in_degree)
    result = impact(store, hub, deciders=False)
    assert len(result["impacted"]) >= graph.in_degree(hub) > 0


def test_sample1_assignment_is_a_responsibility():
    store, _ = loaded(ARCHI / "sample1.xml")
    idx = index(store)
    (mandate,) = idx.of_type(v.MANDATE)
    assert idx.out(mandate, v.HOLDER) == [node("id-37d5bc4b")]
    assert idx.out(mandate, v.SCOPE) == [node("id-89c22226")]


def test_archimate_21_names(tmp_path):
    path = tmp_path / "old.xml"
    rels = '<relationship identifier="r1" source="b" target="a" xsi:type="UsedByRelationship"/>'
    path.write_text(MODEL.replace("{relationships}", rels), encoding="utf-8")
    store, _ = loaded(path)
    dep = index(store).node(iri("archimate-m1-r1"))
    assert dep.first(v.DEPENDENT) == iri("archimate-m1-a")  # EPR is served by, so needs, Hub
    assert dep.first(v.PREREQUISITE) == iri("archimate-m1-b")
    assert canonical("Realisation") == "Realization"


def test_composition_between_actors_is_sub_organisation(tmp_path):
    path = tmp_path / "orgs.xml"
    text = MODEL.replace('"ApplicationComponent"', '"BusinessActor"').replace(
        "{relationships}",
        '<relationship identifier="r1" source="a" target="b" xsi:type="Composition"/>',
    )
    path.write_text(text, encoding="utf-8")
    store, _ = loaded(path)
    assert index(store).out(iri("archimate-m1-b"), ORG + "subOrganizationOf") == [
        iri("archimate-m1-a")
    ]


# -- bad input ------------------------------------------------------------------------------


def test_truncated_xml(cli, tmp_path):
    text = (ARCHI / "sample1.xml").read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert_refused(cli, [str(path)], "XML syntax error", "xml-syntax", "cut.xml:")


def test_xxe_is_refused(cli, tmp_path):
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE model [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&xxe;</name></model>\n',
        encoding="utf-8",
    )
    assert_refused(
        cli, [str(path)], "external entity 'xxe'", "file:///etc/passwd", "XXE", "xxe.xml:3:3"
    )


def test_billion_laughs_is_refused(cli, tmp_path):
    lol = "\n".join(
        f'  <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    path = tmp_path / "lol.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE model [\n  <!ENTITY lol0 "lol">\n{lol}\n]>\n'
        "<model>&lol9;</model>\n",
        encoding="utf-8",
    )
    assert_refused(cli, [str(path)], "entity declaration 'lol0' refused", "lol.xml:3:3")


def test_unknown_relation_kind(cli, tmp_path):
    path = tmp_path / "kind.xml"
    rels = '<relationship identifier="r1" source="a" target="b" xsi:type="Teleportation"/>'
    path.write_text(MODEL.replace("{relationships}", rels), encoding="utf-8")
    assert_refused(
        cli, [str(path)], "unknown relationship type 'Teleportation'", "relationship r1", line=10
    )


def test_dangling_reference(cli, tmp_path):
    path = tmp_path / "dangling.xml"
    rels = '<relationship identifier="r1" source="a" target="zz" xsi:type="Serving"/>'
    path.write_text(MODEL.replace("{relationships}", rels), encoding="utf-8")
    assert_refused(cli, [str(path)], "target 'zz' is not the identifier of an element", line=10)


def test_not_an_archimate_model(cli, tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<catalog><book/></catalog>", encoding="utf-8")
    assert_refused(cli, [str(path)], "not an ArchiMate exchange <model>")
