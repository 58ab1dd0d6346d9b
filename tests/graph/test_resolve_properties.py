"""Property: every entity's names, as people write them, resolve to it (or to a documented tie).

For each label (da, nb, en) and alias of every entity of the bundled dataset: as written,
lower-case, accent-free, and for Danish and Norwegian labels the definite and indefinite form
of the last word of names up to four words long. A *tie* is a name two entities share (a system and its project, a strategy
and its document): the one the purpose ranks first wins and the other is listed in ``also``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.resolve import resolve_match
from loaders import load_paths
from ontology.errors import AmbiguousName, NotFound
from ontology.terms import local_id
from tests.support import DATA

# Names shared by two entities, each pair documented in docs/queries.md ("Names"): the first
# id wins for `show`; who-decides and impact choose by purpose and list the other as `also`.
TIES = {
    frozenset({"fmk", "project-fmk"}),
    frozenset({"nsp", "project-nsp"}),
    frozenset({"hso-teknologi-delstrategi", "doc-hso-teknologi"}),
    frozenset({"rsd-digitaliseringsstrategi-2019-2021", "doc-rsd-strategi"}),
    frozenset({"fokusomraade-5", "doc-sds-fokus5"}),
}


def _index() -> GovIndex:
    store = OxigraphStore()
    load_paths(store, [DATA])
    return index_of(store)


INDEX = _index()


def accent_free(text: str) -> str:
    text = text.translate(str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE"}))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def inflections(text: str) -> list[str]:
    """The definite and indefinite form of the last word (Danish/Norwegian) of a name of up to
    four words (longer labels are sentences, whose last word is seldom a noun)."""
    if len(text.split()) > 4:
        return []
    head, _, last = text.rpartition(" ")
    if not re.fullmatch(r"[^\W\d_]{4,}", last) or last.endswith("es"):
        return []  # not a word, or a passive verb ("dannes")
    for suffix in ("erne", "ene", "en", "et"):
        if last.lower().endswith(suffix) and len(last) - len(suffix) >= 4:
            return [f"{head} {last[: -len(suffix)]}".strip()]
    return [f"{head} {last}{'en' if not last.endswith('e') else 'n'}".strip()]


def forms() -> Iterator[tuple[str, str]]:
    """``(entity id, a way to write one of its names)``."""
    for iri in INDEX.entities():
        labels = INDEX.labels(iri)
        for lang, label in labels.items():
            written = {label, label.lower(), accent_free(label), accent_free(label).lower()}
            if lang in ("da", "nb"):
                written.update(inflections(label))
            for text in written:
                yield local_id(iri), text
        for alias in INDEX.alt_labels(iri):
            for text in {alias, alias.lower(), accent_free(alias)}:
                yield local_id(iri), text


FORMS = sorted(set(forms()))


def outcome(entity: str, text: str) -> str | None:
    """``None`` when ``text`` resolves to ``entity`` or to a documented tie; else the problem."""
    try:
        found = resolve_match(INDEX, text)
    except AmbiguousName as error:
        ids = frozenset(c.id for c in error.candidates)
        if entity in ids and all(frozenset({entity, other}) in TIES for other in ids - {entity}):
            return None
        return f"ambiguous: {sorted(ids)}"
    except NotFound:
        return "not found"
    winner = local_id(found.iri)
    if winner == entity or frozenset({entity, winner}) in TIES:
        return None
    return f"resolved to {winner} ({found.tier})"


def test_there_are_many_forms() -> None:
    assert len(FORMS) > 500


def test_every_name_form_resolves_to_its_entity() -> None:
    problems = [(e, t, p) for e, t in FORMS if (p := outcome(e, t)) is not None]
    assert problems == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FORMS), st.randoms(use_true_random=False))
def test_any_casing_and_spacing_resolves(form: tuple[str, str], rnd: object) -> None:
    entity, text = form
    import random

    assert isinstance(rnd, random.Random)
    mixed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in text)
    spaced = "  " + re.sub(" ", "  ", mixed) + " "
    assert outcome(entity, spaced) is None


@pytest.mark.parametrize("pair", sorted(TIES, key=sorted))
def test_each_documented_tie_is_a_shared_name(pair: frozenset[str]) -> None:
    a, b = sorted(pair)
    found = resolve_match(INDEX, INDEX.label(INDEX.node("https://w3id.org/govgraph/id/" + a).iri))
    assert {local_id(found.iri), *(x["id"] for x in found.also)} >= {a, b}
