"""Backstage catalog YAML: the example catalog (real), Location following, references, errors."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.queries.impact import impact
from loaders.backstage import parse_ref
from ontology import vocab as v
from ontology.terms import GG, iri
from tests.loaders.helpers import EXTERNAL, assert_refused, count_type, index, loaded

CATALOG = EXTERNAL / "backstage-catalog"
# Everything that loads together: the root Location, the organisation, the domains (commented
# out in all.yaml), and the entities no Location names (two APIs, a resource, a template).
ROOTS = [
    CATALOG / "all.yaml",
    CATALOG / "acme-corp.yaml",
    CATALOG / "all-domains.yaml",
    CATALOG / "apis" / "petstore-api.yaml",
    CATALOG / "apis" / "petstore-webhook-api.yaml",
    CATALOG / "components" / "openshift-cluster.yaml",
    CATALOG / "templates" / "create-record-template.yaml",
]


@pytest.fixture(scope="module")
def catalog():
    return loaded(*ROOTS)


def kinds(store) -> Counter[str]:
    idx = index(store)
    prefixes = ("group", "user", "domain", "system", "component", "resource", "api")
    return Counter(
        local.split("-", 1)[0]
        for local in (e.removeprefix(iri("")) for e in idx.entities())
        if local.split("-", 1)[0] in prefixes
    )


def test_counts_match_sources(catalog):
    store, summary = catalog
    # SOURCES.md counts every file: API 9, Component 15, Domain 2, Group 13, Resource 2,
    # System 3, Template 2, User 20. Not here: catalog-writer/ (5 Groups, 2 Users) redefines
    # group `backstage` and user `AndrienkoAleksandr` of acme/ (see test_conflicting_trees), and
    # components/sonarqube.yaml is owned by the undefined group `CNCF` (test_dangling_owner).
    assert kinds(store) == {
        "api": 9,
        "component": 15 - 1,
        "domain": 2,
        "group": 13 - 5,
        "resource": 2,
        "system": 3,
        "user": 20 - 2,
    }
    skipped = [w.message for w in summary.warnings if w.rule == "backstage-skipped"]
    assert sum(int(m.split()[0]) for m in skipped) == 2  # the two Templates


def test_mapped_relations(catalog):
    store, _ = catalog
    idx = index(store)
    # Group parent/children -> sub-organisation; type organization -> organisation.
    assert idx.type_name(iri("group-acme-corp")) == "organisation"
    assert idx.type_name(iri("group-team-a")) == "unit"
    assert idx.out(iri("group-team-a"), v.PART_OF_ORG) == [iri("group-backstage")]
    # User memberOf -> org:Membership.
    members = {
        idx.node(m).first(v.MEMBER)
        for m in idx.into(iri("group-team-a"), v.ORGANIZATION_P)
        if v.MEMBERSHIP in idx.node(m).types
    }
    assert iri("user-guest") in members
    # short (`team-a`) and fully qualified (`group:default/team-a`) owners both resolve.
    assert idx.out(iri("system-podcast"), GG + "owner") == [iri("group-team-b")]
    assert idx.out(iri("resource-openshift-bot"), GG + "owner") == [iri("group-team-a")]
    assert idx.out(iri("component-artist-lookup"), v.PART_OF) == [
        iri("system-artist-engagement-portal")
    ]
    # dependsOn / providesApis -> dependencies.
    dep = idx.node(iri("dep-component-artist-lookup-resource-artists-db"))
    assert dep.first(v.DEPENDENT) == iri("component-artist-lookup")
    assert count_type(store, v.DEPENDENCY) >= 8


def test_provenance_names_the_defining_file(catalog):
    store, _ = catalog
    idx = index(store)
    (cite,) = idx.citations_for(iri("system-podcast"))
    assert cite.quote == "System system:default/podcast: podcast"
    assert idx.node(cite.document).first(v.TITLE) == "podcast-system.yaml"
    assert "backstage" in (idx.node(cite.document).first(v.DOC_URL) or "")


def test_impact_of_a_resource(catalog):
    store, _ = catalog
    hit = {i["id"] for i in impact(store, "resource-artists-db", deciders=False)["impacted"]}
    assert "component-artist-lookup" in hit


def test_refs():
    assert parse_ref("team-a", "group") == ("group", "default", "team-a")
    assert parse_ref("user:default/guest", "group") == ("user", "default", "guest")
    assert parse_ref("component:ops/x", "api") == ("component", "ops", "x")


# -- bad input ------------------------------------------------------------------------------


def test_dangling_owner(cli):
    assert_refused(
        cli,
        [str(CATALOG / "components" / "sonarqube.yaml"), str(CATALOG / "acme-corp.yaml")],
        "unknown id 'group-cncf'",
        "sonarqube.yaml:11:10",
    )


def test_conflicting_trees(cli):
    assert_refused(
        cli,
        [str(CATALOG / "acme-corp.yaml"), str(CATALOG / "catalog-writer" / "org.yaml")],
        "id 'group-backstage' is already defined in",
        "duplicate-id",
    )


def test_missing_location_target(cli, tmp_path):
    root = tmp_path / "catalog.yaml"
    root.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\n"
        "spec:\n  targets:\n    - ./nowhere.yaml\n",
        encoding="utf-8",
    )
    assert_refused(cli, [str(root)], "Location target './nowhere.yaml' does not exist", line=6)


def test_unknown_kind_and_relation(cli, tmp_path):
    root = tmp_path / "catalog.yaml"
    root.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Spaceship\nmetadata: {name: x}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: y}\n"
        "spec:\n  dependsOn: ['planet:mars']\n",
        encoding="utf-8",
    )
    assert_refused(
        cli,
        [str(root)],
        "unknown entity kind 'Spaceship'",
        "catalog.yaml:2:7",
        "unknown entity kind 'planet' in reference 'planet:mars'",
        "catalog.yaml:9:15",
    )


def test_yaml_syntax_error(cli, tmp_path):
    root = tmp_path / "broken.yaml"
    root.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: [x\n", encoding="utf-8"
    )
    assert_refused(cli, [str(root)], "YAML syntax error", "broken.yaml:4")
