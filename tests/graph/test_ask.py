"""``ask`` reads each phrasing of the table as the expected query, subject and arguments."""

from __future__ import annotations

import pytest

from graph.ask import ask
from graph.oxigraph_store import OxigraphStore
from graph.store import GraphStore
from loaders import load_paths
from tests.graph.ask_cases import CASES, Case
from tests.support import DATA


@pytest.fixture(scope="module")
def data_store() -> GraphStore:
    store = OxigraphStore()
    load_paths(store, [DATA])
    return store


def check_reading(answer: dict[str, object], case: Case) -> None:
    """The parts of an answer that say how the question was read."""
    read = answer["interpreted_as"]
    assert isinstance(read, dict), f"{case.question!r} was not read: {answer.get('choices')}"
    assert read["query"] == case.query, case.question
    assert read["language"] == case.language, case.question
    if case.subject is None:
        assert read["subject"] is None
    else:
        assert read["subject"]["id"] in case.subject, (case.question, read["subject"])
        assert {"label", "type", "organisation"} <= set(read["subject"])
    assert read["action"] == case.action, case.question
    assert read["as_of"] == case.as_of, case.question
    if case.direction is not None:
        assert read["direction"] == case.direction, case.question
    assert read.get("delay_days") == case.delay_days, case.question
    assert isinstance(answer["sentence"], str) and answer["sentence"], case.question


def test_table_covers_every_language_and_intent() -> None:
    for language in ("da", "nb", "en"):
        mine = [c for c in CASES if c.language == language]
        assert len(mine) >= 20, language
        assert len({c.query for c in mine}) >= 7, language
    assert len({c.question for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.question for c in CASES])
def test_reads_question(data_store: GraphStore, case: Case) -> None:
    check_reading(ask(data_store, case.question), case)
