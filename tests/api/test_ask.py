"""``ask`` through the CLI (``govgraph ask --json``) and the API (``GET /ask``), and the answer
page with its candidates as links."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.graph.ask_cases import CASES, Case
from tests.graph.test_ask import check_reading


@pytest.mark.parametrize("case", CASES, ids=[c.question for c in CASES])
def test_api_reads_question(client: TestClient, case: Case) -> None:
    response = client.get("/ask", params={"q": case.question})
    assert response.status_code == 200, response.text
    check_reading(response.json(), case)


@pytest.mark.parametrize("case", CASES, ids=[c.question for c in CASES])
def test_cli_reads_question(cli: Callable[..., Any], case: Case) -> None:
    result = cli("ask", case.question, "--json")
    assert result.exit_code == 0, result.stderr
    check_reading(result.json(), case)


def test_cli_prints_the_sentence_and_the_reading(cli: Callable[..., Any]) -> None:
    result = cli("ask", "Hvad påvirkes hvis National Serviceplatform forsinkes 3 måneder?")
    assert result.exit_code == 0, result.stderr
    assert "Hvis National Serviceplatform forsinkes 90 dage" in result.stdout
    assert "read as: impact" in result.stdout and "language=da" in result.stdout


def test_unreadable_question_offers_interpretations(client: TestClient) -> None:
    answer = client.get("/ask", params={"q": "Sundhedsplatformen, hvad så?"}).json()
    assert answer["interpreted_as"] is None
    assert {c["query"] for c in answer["choices"]} >= {"who_decides", "impact"}
    assert all(c["subject"]["id"] == "sp" for c in answer["choices"])
    page = client.get("/ask", params={"q": "Sundhedsplatformen, hvad så?"},
                      headers={"Accept": "text/html"})  # fmt: skip
    assert page.status_code == 200
    assert "/ask?q=Hvem%20beslutter%20om%20Sundhedsplatformen" in page.text


def test_ambiguous_subject_is_an_error_in_json_and_links_in_html(client: TestClient) -> None:
    question = "Hvem beslutter om sundhed?"
    response = client.get("/ask", params={"q": question})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "ambiguous_name"
    assert all({"id", "label", "type", "organisation"} <= set(c) for c in body["candidates"])
    page = client.get("/ask", params={"q": question}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    links = re.findall(r'<a href="/ask\?q=([^"]+)">([^<]+)</a> <small>([^<]+)</small>', page.text)
    assert len(links) == len(body["candidates"])
    assert ("Hvem%20beslutter%20om%20dso%3F", "Digital Sundhed Øst", "samarbejde") in links


def test_same_named_system_and_project_answer_with_also(client: TestClient) -> None:
    answer = client.get("/ask", params={"q": "What is hit if National Serviceplatform fails?"})
    read = answer.json()["interpreted_as"]
    assert read["subject"]["id"] == "nsp"
    assert [a["id"] for a in answer.json()["also"]] == ["project-nsp"]
    assert "(Also: National Service Platform (project)" in answer.json()["sentence"]
    page = client.get("/ask", params={"q": "What is hit if National Serviceplatform fails?"},
                      headers={"Accept": "text/html"})  # fmt: skip
    assert 'id="gg-ask-also"' in page.text and "project-nsp" in page.text


def test_search_and_autocomplete_use_the_resolver(client: TestClient) -> None:
    found = client.get("/search", params={"q": "porteføljestyregruppe"}).json()["results"]
    assert found[0]["id"] == "portfolio-steering-group"
    assert found[0]["organisation"] == "Den nationale bestyrelse for sundheds-it"
    # Two regions have an imaging domain since issue 10: both are suggested.
    suggested = client.get("/views/suggest", params={"q": "imaging"}).json()
    assert {s["id"] for s in suggested[:2]} == {"billeddiagnostik", "rsd-billeddiagnostik"}


def test_question_pages_resolve_like_the_cli(client: TestClient) -> None:
    page = client.get("/views/who-decides", params={"subject": "imaging capital"})
    assert page.status_code == 200
    assert 'class="gg-error"' not in page.text
    assert "Diagnostic imaging" in page.text or "Billeddiagnostik" in page.text


def test_question_box_on_landing_page_and_views(client: TestClient) -> None:
    for path in ("/", "/views", "/views/who-decides?subject=ds"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'action="/ask"' in page.text, path


@pytest.mark.parametrize(
    ("path", "params", "key", "expected"),
    [
        ("/entities/porteføljestyregruppe", {}, "id", "portfolio-steering-group"),
        ("/entities/regionsrådet", {}, "id", "regionsraadet-rsd"),
        ("/entities/Fælles Medicinkort", {}, "id", "fmk"),
        ("/entities/Regional delstrategi for teknologiområdet", {}, "id",
         "hso-teknologi-delstrategi"),
        ("/who-decides", {"subject": "drift og vedligehold"}, "subject", "rh-drift-vedligehold"),
        ("/who-decides", {"subject": "imaging capital"}, "subject", "billeddiagnostik"),
        ("/impact", {"node": "National Serviceplatform"}, "root", "nsp"),
    ],
)  # fmt: skip
def test_api_finds_names_as_written(
    client: TestClient, path: str, params: dict[str, str], key: str, expected: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    value = response.json()[key]
    assert (value["id"] if isinstance(value, dict) else value) == expected


def test_api_suggests_labels_not_ids(client: TestClient) -> None:
    response = client.get("/entities/Sundhedsplatformn")
    assert response.status_code == 404
    body = response.json()
    assert body["suggestions"][0] == {
        "id": "sp",
        "label": "Sundhedsplatformen",
        "type": "system",
        "organisation": "Digital Sundhed Øst",
    }
    assert "Sundhedsplatformen (system" in body["message"]


DOC = Path(__file__).resolve().parents[2] / "docs" / "queries.md"


def test_doc_examples_of_ask_run(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ``$ govgraph ask`` (and ``show``) block of docs/queries.md prints what it shows."""
    monkeypatch.setenv("COLUMNS", "400")
    blocks = re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    examples = [
        b.splitlines() for b in blocks if b.startswith(("$ govgraph ask", "$ govgraph show"))
    ]
    assert len(examples) >= 4
    for first, *shown in examples:
        result = cli(*shlex.split(first.removeprefix("$ govgraph ")))
        printed = " ".join((result.stdout + result.stderr).split())
        assert " ".join(" ".join(shown).split()) in printed, first
