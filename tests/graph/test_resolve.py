"""Names resolve by id, label or alias, in any language, case, accent and inflection."""

from __future__ import annotations

import pytest

from graph.index import index_of
from graph.names import normalise, stem_key
from graph.resolve import name_index, resolve, resolve_match
from graph.store import GraphStore
from ontology.errors import AmbiguousName, NotFound
from ontology.terms import local_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ds", "ds"),
        ("DS", "ds"),
        ("Digital Styregruppe", "ds"),
        ("digital steering group", "ds"),
        ("dsø", "dso"),
        ("DSO", "dso"),
        ("Digital Sundhed Ost", "dso"),
        ("SP", "sp"),
        ("sundhedsplatformen", "sp"),
        ("https://w3id.org/govgraph/id/cimt", "cimt"),
        ("  Koncerndirektionen ", "koncerndirektionen"),
        # inflection: definite/indefinite, plural, genitive, English possessive
        ("porteføljestyregruppe", "portfolio-steering-group"),
        ("Porteføljestyregruppens", "portfolio-steering-group"),
        ("portefoljestyregruppe", "portfolio-steering-group"),
        ("koncerndirektion", "koncerndirektionen"),
        ("sundhedsplatform", "sp"),
        ("the Digital Steering Group's", "ds"),
        ("digitale styregrupper", "ds"),
        # a parenthetical qualifier is optional
        ("regionsrådet", "regionsraadet-rsd"),
        ("Regionsråd", "regionsraadet-rsd"),
        ("helseforetakene", "hso-helseforetakene"),
        ("helseforetak", "hso-helseforetakene"),
        # a word of the name in any language
        # Two regions have an imaging domain since issue 10 ("imaging" alone is ambiguous).
        ("imaging capital region", "billeddiagnostik"),
    ],
)
def test_resolves(store: GraphStore, name: str, expected: str) -> None:
    assert local_id(resolve(index_of(store), name)) == expected


def test_exact_beats_word_prefix_beats_substring(store: GraphStore) -> None:
    index = index_of(store)
    # "Digital Styregruppe" has the word; "Porteføljestyregruppen" only contains it.
    hits = [local_id(i) for i in name_index(index).search("styregruppe")]
    assert hits.index("ds") < hits.index("portfolio-steering-group")
    assert resolve_match(index, "porteføljestyregruppen").tier == "exact"
    assert resolve_match(index, "imaging capital").tier == "word_prefix"
    with pytest.raises(AmbiguousName) as err:
        resolve_match(index, "imaging")
    assert {c.id for c in err.value.candidates} == {"billeddiagnostik", "rsd-billeddiagnostik"}
    assert resolve_match(index, "Regionsrådet").tier == "qualifier"


@pytest.mark.parametrize(
    ("name", "purpose", "expected", "also"),
    [
        ("Fælles Medicinkort", "who_decides", "project-fmk", "fmk"),
        ("Fælles Medicinkort", "impact", "fmk", "project-fmk"),
        ("Fælles Medicinkort", "any", "fmk", "project-fmk"),
        ("National Serviceplatform", "impact", "nsp", "project-nsp"),
        ("National Serviceplatform", "who_decides", "project-nsp", "nsp"),
        ("Regional delstrategi for teknologiområdet", "any", "hso-teknologi-delstrategi",
         "doc-hso-teknologi"),
    ],
)  # fmt: skip
def test_purpose_picks_among_same_named(
    store: GraphStore, name: str, purpose: str, expected: str, also: str
) -> None:
    found = resolve_match(index_of(store), name, purpose=purpose)
    assert local_id(found.iri) == expected
    assert also in [a["id"] for a in found.also]
    assert all({"label", "type", "organisation"} <= set(a) for a in found.also)


@pytest.mark.parametrize("purpose", ["who_decides", "impact"])
def test_records_are_never_the_subject_unless_named_by_id(store: GraphStore, purpose: str) -> None:
    index = index_of(store)
    found = resolve_match(index, "Regional delstrategi for teknologiområdet", purpose=purpose)
    assert local_id(found.iri) == "hso-teknologi-delstrategi"
    assert "doc-hso-teknologi" not in [a["id"] for a in found.also]
    # "drift og vedligehold" names a topic and (in its label) a mandate: the topic is meant.
    assert local_id(resolve(index, "drift og vedligehold", purpose=purpose)) == (
        "rh-drift-vedligehold"
    )
    assert local_id(resolve(index, "doc-hso-teknologi", purpose=purpose)) == "doc-hso-teknologi"


def test_unknown_name_suggests_labels_with_type_and_organisation(store: GraphStore) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(index_of(store), "Koncerndirektøren for it")
    suggestion = caught.value.suggestions[0]
    assert set(suggestion) == {"id", "label", "type", "organisation"}
    with pytest.raises(NotFound) as misspelt:
        resolve(index_of(store), "Sundhedsplatformn")
    assert misspelt.value.suggestions[0]["id"] == "sp"
    assert "did you mean Sundhedsplatformen (system" in str(misspelt.value)


def test_misspelt_name_resolves_only_when_asked_to(store: GraphStore) -> None:
    found = resolve_match(index_of(store), "Sundhedsplatformn", fuzzy=True)
    assert (local_id(found.iri), found.tier) == ("sp", "fuzzy")


def test_ambiguous_name_lists_candidates(sample_store: GraphStore) -> None:
    from loaders import load_paths
    from tests.support import FIXTURES

    load_paths(sample_store, [FIXTURES / "sample" / "ambiguous.yaml"])
    with pytest.raises(AmbiguousName) as caught:
        resolve(index_of(sample_store), "DS")
    ids = {c.id for c in caught.value.candidates}
    assert ids == {"ds", "ds-other"}
    assert "Digital Styregruppe (body" in str(caught.value)


def test_normalise_folds_nordic_letters() -> None:
    assert normalise("Helse Sør-Øst") == "helse sor ost"
    assert normalise("Sjælland") == "sjaelland"
    assert normalise("Region Sjælland") != normalise("Region Syddanmark")
    assert stem_key("Helseforetakene") == stem_key("helseforetak")


def test_cli_reports_ambiguity_and_unknown(cli) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("show", "Koncerndirektøren for it")
    assert unknown.exit_code == 3
    assert "did you mean" in unknown.stderr and "(body" in unknown.stderr
    as_json = cli("show", "nothing-like-this", "--json")
    assert as_json.exit_code == 3
    assert as_json.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("show", "porteføljestyregruppe"), "portfolio-steering-group"),
        (("show", "regionsrådet"), "regionsraadet-rsd"),
        (("show", "Fælles Medicinkort"), "fmk"),
        (("show", "Regional delstrategi for teknologiområdet"), "hso-teknologi-delstrategi"),
    ],
)
def test_cli_show_finds_names_as_written(cli, args: tuple[str, ...], expected: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["id"] == expected


def test_cli_who_decides_and_impact_pick_by_purpose(cli) -> None:  # type: ignore[no-untyped-def]
    who = cli("who-decides", "drift og vedligehold", "--json")
    assert who.exit_code == 0, who.stderr
    assert who.json()["subject"]["id"] == "rh-drift-vedligehold"
    hit = cli("impact", "National Serviceplatform", "--json")
    assert hit.exit_code == 0, hit.stderr
    assert hit.json()["root"]["id"] == "nsp"
    assert [a["id"] for a in hit.json()["also"]] == ["project-nsp"]
    text = cli("impact", "National Serviceplatform")
    assert "also: National Serviceplatform (projekt)" in text.stdout
