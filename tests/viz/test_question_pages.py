"""The check, diff and slip pages: the queries' answers in words in the page language, each
fact with links to its highlighted sources, errors on the form."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.index import GovIndex
from graph.queries.check import check
from graph.store import GraphStore
from tests.api.conftest import api_settings
from viz.question_pages import change_words, finding_words


@pytest.fixture(scope="module")
def web(viz_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(api_settings(tmp_path_factory.mktemp("qp")), store=viz_store)
    with TestClient(app) as client:
        yield client


def _answer(page: str) -> str:
    found = re.search(r'<section id="gg-answer">(.*)</section>', page, re.S)
    assert found, "no answer on the page"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))))


def test_check_page_groups_findings_in_words(web: TestClient, viz_store: GraphStore) -> None:
    findings = check(viz_store)["findings"]
    overlaps = [f for f in findings if f["kind"] == "overlapping_mandates"]
    page = web.get("/views/check?lang=da").text
    text = _answer(page)
    assert f"Overlap ({len(overlaps)})" in text and f"{len(findings)} fund." in text
    assert "Intet mandat dækker Fælles Medicinkort" in text
    for finding in overlaps:  # the mandates by their labels, never their ids
        assert finding["subjects"][0]["id"] not in text
    section = page.split('id="gg-overlaps"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'href="/documents/[a-z0-9-]+#q-[0-9a-f]{10}"', section)


def test_finding_of_an_unknown_kind_keeps_its_english_message(viz_index: GovIndex) -> None:
    finding = {"kind": "new_kind", "severity": "info", "subjects": [{"id": "ds"}],
               "message": "Something new about ds."}  # fmt: skip
    shown = finding_words(viz_index, finding, "da")
    assert shown["english"] and shown["text"] == "Something new about ds."
    dangling = {**finding, "kind": "dangling_reference"}
    assert finding_words(viz_index, dangling, "da")["text"] == (
        "Digital Styregruppe henviser til noget, der ikke findes i grafen."
    )
    cycle = {**finding, "kind": "reporting_cycle", "subjects": [{"id": "ds"}, {"id": "dso"}]}
    assert finding_words(viz_index, cycle, "nb")["text"].startswith(
        "Rapporteringssirkel: Digital Styregruppe → Digital Sundhed Øst → Digital Styregruppe;"
    )


def test_diff_page_says_what_changed(web: TestClient, viz_index: GovIndex) -> None:
    text = _answer(web.get("/views/diff?from=2019&to=2024&lang=da").text)
    assert "Fra 2019-01-01 til 2024-01-01" in text
    assert "Digital Styregruppe (organ) (gælder 2019-12 – …)" in text
    assert "1 forhold ophørte med at gælde" in text
    membership = {"kind": "membership", "member": {"id": "torben-dalgaard"},
                  "body": {"id": "ds"}, "role": "member"}  # fmt: skip
    assert change_words(viz_index, membership, "en") == (
        "Torben Dalgaard in Digital Styregruppe (member)"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/views/diff?from=2019&to=never&lang=nb", "Skriv en dag som et år"),
        ("/views/check?as_of=13-13&lang=da", "Skriv en dag som et år"),
        ("/views/slip?node=no-such-thing&days=3&lang=da", "Intet hedder “no-such-thing”."),
    ],
)
def test_a_bad_question_is_an_alert_on_the_form(web: TestClient, path: str, message: str) -> None:
    page = web.get(path)
    assert page.status_code == 200
    alert = re.search(r'<p class="gg-error" id="gg-q-error" role="alert">([^<]*)</p>', page.text)
    assert alert and message in html.unescape(alert.group(1))
    assert 'id="gg-answer"' not in page.text


def test_slip_page_moves_and_hits(web: TestClient) -> None:
    text = _answer(web.get("/views/slip?node=epj-syd&days=30&lang=da").text)
    assert "Hvis EPJ SYD er 30 dage forsinket" in text
    assert "Den næste digitaliseringsstrategi (fra 2022) (strategi), 1 led væk" in text
    assert "Region Syddanmark (ejer)" in text
    assert web.get("/views/slip?node=sp&days=-1").status_code == 400


def test_a_gap_over_a_body_says_what_the_body_itself_decides(web: TestClient) -> None:
    text = _answer(web.get("/views/who-decides?subject=DS%C3%98&lang=da").text)
    assert "Digital Sundhed Øst har selv disse mandater" in text
    assert "kan beslutte og prioritere vedrørende Sundhedsplatformen" in text
    assert "dso-prioriterer-sp" not in text  # mandates in words, never by id
    norsk = _answer(web.get("/views/who-decides?subject=DS%C3%98&lang=nb").text)
    assert "har selv disse mandatene" in norsk
    decided = _answer(web.get("/views/who-decides?subject=SP&lang=da").text)
    assert "har selv disse mandater" not in decided  # only on a gap over a body
