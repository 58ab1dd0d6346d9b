"""W3C ORG organisation charts: the Berlin organigrams (real), quirks, and bad input."""

from __future__ import annotations

import pytest

from graph.queries.describe import describe
from ontology import vocab as v
from ontology.terms import ORG, Literal
from tests.loaders.helpers import EXTERNAL, assert_refused, count_type, index, loaded

BERLIN = EXTERNAL / "berlin-organigram"
PREFIX = "https://berlin.github.io/lod-organigram/"


@pytest.fixture(scope="module", params=["SenFin.ttl", "SenWGP.ttl"])
def chart(request):
    store, summary = loaded(BERLIN / request.param)
    return request.param, store, summary


# SOURCES.md: organisation subjects, org:Post, persons (vcard:Individual).
EXPECTED = {"SenFin.ttl": (71, 67, 63), "SenWGP.ttl": (31, 34, 31)}


def test_counts_match_sources(chart):
    name, store, _ = chart
    idx = index(store)
    orgs = [e for e in idx.entities() if idx.type_name(e) in ("organisation", "unit")]
    posts = count_type(store, v.ENTITY_CLASSES["post"])
    people = count_type(store, v.ENTITY_CLASSES["person"])
    assert (len(orgs), posts, people) == EXPECTED[name]
    roots = [o for o in orgs if idx.type_name(o) == "organisation"]
    assert len(roots) == 1  # the Senate department; everything else is a unit under it
    # every unit reaches the root through org:subOrganizationOf
    for unit in orgs:
        seen, current = set(), unit
        while current not in roots and current not in seen:
            seen.add(current)
            (current,) = idx.out(current, v.PART_OF_ORG)
        assert current in roots


def test_xsd_date_quirk_is_a_warning(chart):
    name, store, summary = chart
    (quirk,) = [w for w in summary.warnings if w.rule == "rdf-datatype-quirk"]
    assert quirk.severity == "warning" and quirk.line == 11
    assert "<xsd:date>" in quirk.message
    docs = list(store.triples(None, v.ISSUED, None))
    assert len(docs) == 1 and docs[0][2].datatype.endswith("#date")


def test_german_labels_keep_their_language(chart):
    name, store, summary = chart
    idx = index(store)
    assert not any(w.rule == "org-language" for w in summary.warnings)
    root = next(e for e in idx.entities() if idx.type_name(e) == "organisation")
    assert idx.label(root).startswith("Senatsverwaltung für")
    assert set(idx.labels(root)) == {"de"}  # German stays German, never relabelled English
    docs = [d for d in idx.of_type(v.SOURCE_DOCUMENT)]
    assert [idx.node(d).first(v.DOC_LANGUAGE) for d in docs] == ["de"]
    assert idx.citations_for(root)  # cited by the chart


def test_posts_people_memberships():
    store, _ = loaded(BERLIN / "SenWGP.ttl")
    idx = index(store)
    post = PREFIX + "position-3c148c1cde"
    unit = PREFIX + "organisation-0ffd6a6afc"
    assert idx.out(post, ORG + "postIn") == [unit]
    assert idx.label(post) == "Referatsleitung, Z D - Infrastruktur"
    (holder,) = idx.out(post, ORG + "heldBy")
    assert v.ENTITY_CLASSES["person"] in idx.node(holder).types
    members = {idx.node(m).first(v.MEMBER) for m in idx.into(unit, v.ORGANIZATION_P)}
    assert holder in members
    assert Literal("Z D - Infrastruktur", lang="de") in idx.node(unit).literals[v.PREF_LABEL]
    # contact data is not copied
    assert not list(store.triples(None, "http://www.w3.org/2006/vcard/ns#tel", None))
    shown = describe(store, "Z D - Infrastruktur")
    assert shown["type"] == "unit"


def test_syntax_error_is_located(cli, tmp_path):
    bad = tmp_path / "chart.ttl"
    bad.write_text(
        "@prefix org: <http://www.w3.org/ns/org#> .\n<http://x/a> a org:Organization ;\n  org:",
        encoding="utf-8",
    )
    assert_refused(cli, [str(bad)], "syntax error", "chart.ttl:3")


def test_format_option_forces_the_org_reader(cli):
    result = cli("load", "--format", "org", str(BERLIN / "SenWGP.ttl"))
    assert result.exit_code == 0, result.stderr
    assert "<xsd:date>" in result.stderr  # the quirk is reported, not fatal
