"""The bundled dataset: loads, conforms, and every fact is cited with a verbatim quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.index import GovIndex, index_of
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import DATA, compact, local_id
from tests.support import DATA as DATA_DIR

CITED_RELATIONS = {*v.RELATION_KEYS.values(), v.PART_OF_ORG}
FACT_CLASSES = {*v.ENTITY_CLASSES.values(), v.MEMBERSHIP, v.MANDATE, v.DEPENDENCY, v.DECISION,
                v.CHANGE_EVENT}  # fmt: skip


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def index(store: GraphStore) -> GovIndex:
    return index_of(store)


def _facts(index: GovIndex) -> list[str]:
    return sorted(
        iri
        for iri, node in index.nodes.items()
        if iri.startswith(DATA) and node.types & FACT_CLASSES
    )


def test_dataset_covers_every_seed(index: GovIndex) -> None:
    documents = index.of_type(v.SOURCE_DOCUMENT)
    paths = {index.node(d).first(v.DOC_PATH) for d in documents}
    seeds = {f"seeds/{p.name}" for p in (DATA_DIR / "seeds").glob("*.txt")}
    assert seeds <= paths
    cited = {c.document for cites in index.citations.values() for c in cites}
    assert set(documents) <= cited, "every source document is cited at least once"


def test_every_quote_is_verbatim_in_its_document(index: GovIndex) -> None:
    texts: dict[str, str] = {}
    missing = []
    for about, citations in index.citations.items():
        for citation in citations:
            path = index.node(citation.document).first(v.DOC_PATH)
            assert path, f"document {local_id(citation.document)} has no path"
            if path not in texts:
                texts[path] = _norm((DATA_DIR / path).read_text(encoding="utf-8"))
            if _norm(citation.quote) not in texts[path]:
                missing.append((local_id(about), citation.quote))
    assert not missing, f"quotes not found verbatim in their seed: {missing[:5]}"


def test_every_fact_is_cited(index: GovIndex) -> None:
    uncited = [local_id(f) for f in _facts(index) if not index.citations_for(f)]
    assert not uncited, f"facts without a citation: {uncited}"


def test_every_relation_is_cited(index: GovIndex) -> None:
    uncited = []
    for fact in _facts(index):
        for pred, targets in index.node(fact).links.items():
            if pred not in CITED_RELATIONS:
                continue
            for target in targets:
                if not index.citations_for(fact, pred, target):
                    uncited.append(f"{local_id(fact)} {compact(pred)} {local_id(target)}")
    assert not uncited, f"relations without their own citation: {uncited}"


def test_entities_are_labelled_in_original_language_and_english(index: GovIndex) -> None:
    problems = []
    for iri in index.nodes:
        node = index.node(iri)
        if not iri.startswith(DATA) or not node.types & set(v.ENTITY_CLASSES.values()):
            continue
        langs = set(index.labels(iri))
        if "en" not in langs or not langs & {"da", "nb"}:
            problems.append((local_id(iri), sorted(langs)))
    assert not problems


def test_seed_facts_named_in_the_issue_are_present(index: GovIndex) -> None:
    from graph.resolve import resolve

    for name in (
        "DS",
        "DSØ",
        "Koncerndirektionen",
        "CIMT",
        "SP",
        "EPJ SYD",
        "RIPA SYD",
        "Sykehuspartner HF",
        "Systematic",
        "Carestream",
        "Ekspertrådet",
        "SPIF",
    ):
        assert index.is_entity(resolve(index, name)), name
    epj = resolve(index, "EPJ SYD")
    assert local_id(index.out(epj, v.GG_VENDOR)[0]) == "systematic"
    ds = resolve(index, "DS")
    assert index.period(ds).start == "2019-12"
    decisions = [
        d for d in index.of_type(v.DECISION) if index.node(d).first(v.EVENT_DATE) == "2023-11-22"
    ]
    assert decisions, "the Helse Sør-Øst board decision of 22 November 2023"


def test_domain_groups_mandate_excludes_sp(index: GovIndex) -> None:
    from graph.resolve import resolve

    sp = resolve(index, "SP")
    excluding = [m for m in index.of_type(v.MANDATE) if sp in index.out(m, v.EXCLUDES)]
    holders = {local_id(h) for m in excluding for h in index.out(m, v.HOLDER)}
    assert "domaenestyregrupperne" in holders


def test_data_files_validate_with_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(DATA_DIR))
    assert result.exit_code == 0, result.stderr
    assert "valid" in result.stdout


def test_show_digital_styregruppe(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("show", "Digital Styregruppe", "--json")
    assert result.exit_code == 0, result.stderr
    ds = result.json()
    assert {"id", "label", "type", "labels", "properties", "relations", "citations"} <= set(ds)
    by_pred = {(r["predicate"], r["direction"]): r for r in ds["relations"]}
    reports = by_pred[("org:reportsTo", "out")]
    assert reports["target"]["id"] == "koncerndirektionen"
    assert reports["citations"][0]["quote"].startswith("DS refererer til Koncerndirektionen")
    assert by_pred[("gg:secretariat", "out")]["target"]["id"] == "cimt"
    members = {m["member"]["label"] for m in ds["members"]}
    assert "Torben Dalgaard" in members and len(members) == 5
    assert all(m["citations"] for m in ds["members"])
    assert ds["citations"] and all({"document", "quote"} <= set(c) for c in ds["citations"])


def test_seeds_are_bundled() -> None:
    assert len(list(Path(DATA_DIR / "seeds").glob("*.txt"))) == 5
