"""The pages speak da, nb and en: complete catalogs, no English in a da/nb page's chrome,
the language chosen by ``lang`` or ``Accept-Language``, answers as sentences."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.index import GovIndex
from graph.store import GraphStore
from tests.api.conftest import api_settings
from viz.i18n import LOCALE, catalog_path

REPO = Path(__file__).resolve().parents[2]
PAGES = [
    "/",
    "/views",
    "/views/overview",
    "/views/overview?fold_above=40",
    "/views/who-decides",
    "/views/who-decides?subject=sp",
    "/views/who-decides?subject=sp&action=decide",
    "/views/who-decides?subject=no-such-thing",
    "/views/impact?node=epj-syd",
    "/views/impact?node=epj-syd&direction=upstream",
    "/views/impact?node=project-epj-syd&late_days=90&max_depth=3&min_criticality=low",
    "/views/entity/ds",
    "/views/neighbourhood/ds?hops=2",
    "/views/chains",
    "/views/org-chart",
    "/documents/doc-rh-ds",
    "/browse",
    "/browse?type=body&organisation=Region+Hovedstaden",
    "/browse/search?q=styre",
    "/browse/search?q=zzzz",
    "/browse/mandates",
    "/views/check",
    "/views/check?as_of=2024-06-01",
    "/views/check?as_of=not-a-day",
    "/views/diff",
    "/views/diff?from=2019&to=2024",
    "/views/slip",
    "/views/slip?node=epj-syd&days=30",
    "/views/slip?node=project-epj-syd&days=90&as_of=2024",
    "/views/slip?node=no-such-thing&days=3",
    "/views/portfolio?body=portfolio-steering-group",
    "/views/timeline?body=portfolio-steering-group",
    "/views/indicators",
    "/ask?q=Hvem+beslutter+om+Sundhedsplatformen%3F",
    "/ask?q=Hvem+beslutter+om+sundhed%3F",
    "/ask?q=Hvad+rammes+hvis+EPJ+SYD+bliver+forsinket%3F",
]
# Pages whose language follows ``lang`` (or the question's own language), not Accept-Language.
LANG_PARAM = ("/views/portfolio", "/views/timeline", "/views/indicators", "/ask")


def extracted() -> set[str | tuple[str, ...]]:
    """Every message the code and templates use, as ``pybabel extract`` finds them."""
    from babel.messages.extract import extract_from_dir

    method_map = [("viz/**.py", "python"), ("viz/templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "N_": None,
        "translate": (2,),
        "plural": (2, 3),
    }
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map=method_map, keywords=keywords
    ):
        found.add(message)
    return found


def read(lang: str) -> object:
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["da", "nb"])
def test_catalog_translates_every_message(lang: str) -> None:
    catalog = read(lang)
    messages = {m.id: m for m in catalog if m.id}  # type: ignore[attr-defined]
    missing = [m for m in extracted() if m not in messages]
    assert not missing, f"not in {lang} catalog (run pybabel update, see viz/i18n.py): {missing}"
    empty = [
        m.id
        for m in messages.values()
        if (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    assert not empty and not [m.id for m in messages.values() if m.fuzzy]


def _english_only_words() -> set[str]:
    """Words of the English messages that no da or nb translation uses."""
    from babel.messages.pofile import read_po

    def words(text: str) -> set[str]:
        text = re.sub(r"%\(\w+\)[sd]", " ", text)
        return {w.lower() for w in re.findall(r"[A-Za-zÆØÅæøå]{3,}", text)}

    english: set[str] = set()
    native: set[str] = set()
    for lang in ("da", "nb"):
        with catalog_path(lang).open("rb") as handle:
            for m in read_po(handle, locale=lang):
                if not m.id:
                    continue
                ids = m.id if isinstance(m.id, tuple) else (m.id,)
                strings = m.string if isinstance(m.string, tuple) else (m.string,)
                for text in ids:
                    english |= words(text)
                for text in strings:
                    native |= words(text)
    return english - native


@pytest.fixture(scope="module")
def web(viz_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(api_settings(tmp_path_factory.mktemp("i18n")), store=viz_store)
    with TestClient(app) as client:
        yield client


def _data_strings(index: GovIndex) -> list[str]:
    """Everything on a page that is data, not chrome: labels in every language, quotes, titles."""
    found: set[str] = set()
    for iri in index.entities():
        found.update(index.labels(iri).values())
        found.update(index.alt_labels(iri))
    for cites in index.citations.values():
        found.update(c.quote for c in cites)
    return sorted(found, key=len, reverse=True)


def _chrome(page: str, data: list[str]) -> str:
    """A page's visible text with its data (names, quotes, the JSON data block) taken out."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    page = re.sub(r"<(blockquote|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(
        r'<(?!html)(\w+)[^>]*\blang="(?!da|nb)[^"]*"[^>]*>.*?</\1>', " ", page, flags=re.S
    )
    attrs = " ".join(re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', page))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page)) + " " + html.unescape(attrs)
    for value in data:
        text = text.replace(value, " ")
    return text


@pytest.mark.parametrize("lang", ["da", "nb"])
@pytest.mark.parametrize("path", PAGES)
def test_no_english_word_in_the_chrome(
    web: TestClient, viz_index: GovIndex, lang: str, path: str
) -> None:
    english = _english_only_words()
    assert {"who", "decides", "depends", "the"} <= english  # the check has teeth
    if path.startswith(LANG_PARAM):
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    headers = {"Accept-Language": f"{lang},en;q=0.5", "Accept": "text/html"}
    response = web.get(path, headers=headers)
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    words = set(re.findall(r"[A-Za-zÆØÅæøå]{3,}", _chrome(response.text, _data_strings(viz_index))))
    leaked = sorted(w for w in words if w.lower() in english)
    assert not leaked, f"English words on the {lang} page {path}: {leaked}"


def test_page_words_for_the_script_are_translated(web: TestClient) -> None:
    from viz.style import ui

    da, en = ui("da"), ui("en")
    same = [k for k, value in da.items() if isinstance(value, str) and value == en[k]]
    assert set(same) <= {"type", "relation", "criticality", "details", "organisation"}, same
    assert da["type_names"]["body"] == "organ" and ui("nb")["relation_names"]["owner"] == "eies av"


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("lang=nb", "da", "nb"),
        ("", "nb-NO,nb;q=0.9", "nb"),
        ("", "no", "nb"),
        ("", "da-DK", "da"),
        ("", "fr", "en"),
        ("lang=en", "da", "en"),
    ],
)
def test_language_from_lang_or_accept_language(
    web: TestClient, query: str, header: str, expected: str
) -> None:
    page = web.get(f"/views/who-decides?subject=sp&{query}", headers={"Accept-Language": header})
    assert f'<html lang="{expected}"' in page.text


def _answer_text(page: str) -> str:
    found = re.search(r'<section id="gg-answer">(.*?)</section>', page, re.S)
    assert found
    text = re.sub(r"<blockquote.*?</blockquote>", "", found.group(1), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\s+", " ", text)


def test_who_decides_answer_reads_as_sentences(web: TestClient) -> None:
    text = _answer_text(web.get("/views/who-decides?subject=sp&lang=da").text)
    assert re.search(r"Digital Sundhed Øst kan [a-zæøå ,]+ vedrørende Sundhedsplatformen\.", text)
    assert "set_direction" not in text and "gg:" not in text and "dct:" not in text
    assert " ." not in text and " ," not in text
    assert not re.search(r"\bdoc-[a-z-]+", text), "a document id in prose"
    assert "Digital Styregruppe (DS), Region Hovedstaden" in text  # the source: title, publisher


def test_impact_answer_counts_in_words(web: TestClient) -> None:
    one = _answer_text(web.get("/views/impact?node=epj-syd&lang=en").text)
    assert "1 item depends on it:" in one and "1 step away" in one
    assert "criticality: high" in one
    nb = _answer_text(web.get("/views/impact?node=epj-syd&lang=nb").text)
    assert "1 ting avhenger av det:" in nb and "Region Syddanmark (eier)" in nb


def test_entity_fact_sheet_in_words(web: TestClient) -> None:
    text = _answer_text(web.get("/views/entity/ds?lang=da").text)
    assert "Digital Styregruppe refererer til Koncerndirektionen." in text
    assert "Digital Styregruppe afhænger af Domænestyregrupperne." in text
    assert "org:" not in text and "gg:" not in text and "←" not in text


def test_quotes_carry_their_own_language(web: TestClient) -> None:
    page = web.get("/views/who-decides?subject=sp&lang=en").text
    assert '<html lang="en"' in page
    assert re.search(r'<blockquote class="gg-quote" lang="da">', page)


def test_stamp_on_every_page(web: TestClient) -> None:
    for path in ("/", "/views/overview", "/views/who-decides?subject=sp"):
        page = web.get(path, headers={"Accept-Language": "da"}).text
        assert re.search(r"Data pr\. \d{4}-\d{2}-\d{2}, 5 dokumenter\.", page), path


def test_catalogs_ship_as_po_only() -> None:
    """The catalogs are read from .po files at run time: no compile step, nothing stale."""
    assert sorted(p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/govgraph.po")) == [
        "da",
        "nb",
    ]
    assert not list(LOCALE.glob("*/LC_MESSAGES/*.mo"))


def test_the_chrome_check_finds_english_on_an_english_page(
    web: TestClient, viz_index: GovIndex
) -> None:
    page = web.get("/views/who-decides?subject=sp&lang=en").text
    words = set(re.findall(r"[A-Za-z]{3,}", _chrome(page, _data_strings(viz_index))))
    assert {"Who", "decides", "Legend"} <= words
    assert len([w for w in words if w.lower() in _english_only_words()]) > 20


def test_browse_search_and_matrix(web: TestClient) -> None:
    bodies = web.get("/browse?type=body", headers={"Accept-Language": "en"}).text
    assert '<html lang="en"' in bodies
    assert "Digital Steering Group" not in bodies  # labels in their own language without lang
    assert ">Digital Styregruppe</a>" in bodies
    assert "Digital Steering Group" in web.get("/browse?type=body&lang=en").text
    assert "/views/entity/sp?" not in bodies  # only bodies
    found = web.get("/browse/search?q=styre&lang=da").text
    assert "/views/entity/ds?" in found and "dep-" not in found
    matrix = web.get("/browse/mandates?lang=en").text
    assert re.search(
        r'<a href="/documents/doc-rh-ds\?lang=en#q-[0-9a-f]{10}" title="[^"]+"', matrix
    )
    assert "✗" in matrix and "✓" in matrix


def test_impact_page_options(web: TestClient) -> None:
    page = web.get(
        "/views/impact?node=project-epj-syd&late_days=90&max_depth=2&min_criticality=high&lang=en"
    ).text
    assert "If Ibrugtagning af EPJ SYD is 90 days late" in page or "is 90 days late" in page
    assert 'name="late_days" type="number" min="0" max="3650" value="90"' in page
    assert '<option value="high" selected>' in page
    assert (
        web.get("/views/impact?node=sp&late_days=-1").status_code == 400
    )  # the API's bad-argument shape


def test_nearest_bodies_say_why_in_words(web: TestClient) -> None:
    """A subject nobody decides: the nearest bodies with their reason in the page's language,
    no ids or CURIEs (the JSON keeps its English ``reason``)."""
    da = _answer_text(web.get("/views/who-decides?subject=project-epj-syd&lang=da").text)
    assert "Ibrugtagning af EPJ SYD ejes af Region Syddanmark." in da
    nb = _answer_text(web.get("/views/who-decides?subject=project-epj-syd&lang=nb").text)
    assert "eies av Region Syddanmark." in nb
    for text in (da, nb):
        assert "gg:" not in text and "contains the subject" not in text
    asked = web.get("/ask", params={"q": "Hvem beslutter om Ibrugtagning af EPJ SYD?"},
                    headers={"Accept": "text/html"}).text  # fmt: skip
    assert "ejes af Region Syddanmark" in asked and "gg:owner" not in asked
    reason = web.get("/who-decides", params={"subject": "project-epj-syd"}).json()
    assert reason["nearest_bodies"][0]["why"] == {"kind": "contains", "relation": "gg:owner"}
