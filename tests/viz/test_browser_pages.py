"""Every page as its readers see it, in headless Chromium: in da, nb and en, at a desktop and a
phone size; no console error, no request leaving 127.0.0.1, axe-core finding no serious or
critical violation, the picture at least 90% of a phone's width with the panel under it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.viz import browser as bx

pytestmark = pytest.mark.skipif(bx.skip_reason() is not None, reason=str(bx.skip_reason()))

VIEW_PAGES = [
    "/views/who-decides?subject=sp",
    "/views/impact?node=epj-syd",
    "/views/entity/ds",
    "/views/overview",
    "/views/neighbourhood/ds?hops=2",
    "/views/chains",
]
TEXT_PAGES = [
    "/",
    "/views",
    "/documents/doc-rh-ds",
    "/documents/doc-hso-teknologi",
    "/browse",
    "/browse/search?q=styre",
    "/browse/mandates",
]
QUESTION_PAGES = [
    "/views/check",
    "/views/diff?from=2019&to=2024",
    "/views/slip?node=epj-syd&days=30",
]
PHONE = (390, 844)
DESKTOP = (1440, 900)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with bx.browser() as b:
        yield b


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core (from the ``axe-playwright-python`` package) run on the page: serious and
    critical violations only."""
    page.evaluate(bx.axe_source() + "\n;0")
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def open_page(b: Any, url: str, lang: str, size: tuple[int, int]) -> tuple[Any, bx.Watch]:
    page, watch = bx.watched_page(b, width=size[0], height=size[1], locale=lang)
    page.goto(url)
    if page.locator("#network").count():  # a picture: wait until it is drawn
        page.wait_for_function("() => window.network && window.network.body", timeout=20000)
    page.wait_for_timeout(300)
    return page, watch


@pytest.mark.parametrize("lang", ["da", "nb", "en"])
@pytest.mark.parametrize("path", VIEW_PAGES + TEXT_PAGES + QUESTION_PAGES)
def test_page_in_each_language_at_desktop_size(
    chromium: Any, app_url: str, tmp_path: Path, path: str, lang: str
) -> None:
    page, watch = open_page(chromium, app_url + path, lang, DESKTOP)
    try:
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.locator("#gg-stamp").count() == 1
        violations = axe_violations(page)
        assert violations == [], violations
        assert watch.console_errors == [] and watch.blocked == [] and watch.dialogs == []
    finally:
        page.close()


@pytest.mark.parametrize("path", VIEW_PAGES)
def test_phone_layout(chromium: Any, app_url: str, tmp_path: Path, path: str) -> None:
    page, watch = open_page(chromium, app_url + path, "da", PHONE)
    try:
        graph = page.eval_on_selector("#network", "e => e.getBoundingClientRect().toJSON()")
        side = page.eval_on_selector("#gg-side", "e => e.getBoundingClientRect().toJSON()")
        assert graph["width"] >= 0.9 * PHONE[0], graph
        assert graph["height"] >= 300
        assert side["top"] >= graph["bottom"] - 1, (graph, side)  # the panel under the picture
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        # the navigation stays on one line (it scrolls sideways instead of wrapping)
        nav = page.eval_on_selector(
            "#gg-header nav:not(.gg-langs)", "e => e.getBoundingClientRect().toJSON()"
        )
        link = page.eval_on_selector(
            "#gg-header nav:not(.gg-langs) a", "e => e.getBoundingClientRect().toJSON()"
        )
        assert nav["height"] < 2 * link["height"], (nav, link)
        violations = axe_violations(page)
        assert violations == [], violations
        page.screenshot(path=str(tmp_path / "phone.png"))
        assert watch.console_errors == [] and watch.blocked == []
    finally:
        page.close()


def test_danish_details_panel_and_copy_button(chromium: Any, app_url: str) -> None:
    page, watch = open_page(chromium, app_url + "/views/who-decides?subject=sp", "da", DESKTOP)
    try:
        text = bx.click_node(page, "dso-saetter-retning")
        assert "Kilder" in text and "Type" in text
        assert "Kan: sætte retningen" in text  # the mandate's actions in words
        assert page.is_visible("button.gg-copy")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.click("button.gg-copy")
        page.wait_for_function(
            "() => document.querySelector('button.gg-copy').textContent === 'Kopieret'"
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "Digital Sundhed Øst" in copied and "/documents/" in copied
        legend = page.inner_text("#gg-legend")
        assert "organ" in legend and "mandat" in legend
        assert watch.console_errors == []
    finally:
        page.close()


def test_form_error_is_an_alert(chromium: Any, app_url: str) -> None:
    page, _ = open_page(
        chromium, app_url + "/views/impact?node=no-such-thing&lang=nb", "nb", DESKTOP
    )
    try:
        alert = page.get_by_role("alert")
        assert "Ingenting heter “no-such-thing”." in alert.inner_text()
        assert page.get_attribute("#gg-q-node", "aria-invalid") == "true"
    finally:
        page.close()


def test_axe_finds_a_serious_violation_when_there_is_one(chromium: Any) -> None:
    page, _ = bx.watched_page(chromium)
    try:
        page.set_content(
            '<html lang="en"><body><main><input type="text"><img src="data:,">'
            '<a href="#"></a></main></body></html>'
        )
        ids = {v["id"] for v in axe_violations(page)}
        assert {"image-alt", "label"} <= ids
    finally:
        page.close()


def test_a_citation_opens_its_highlighted_source(chromium: Any, app_url: str) -> None:
    """Click a node, follow its citation's link: the source page opens on the quote's highlight,
    which links to the facts it supports."""
    page, watch = open_page(chromium, app_url + "/views/entity/ds?lang=da", "da", DESKTOP)
    try:
        bx.click_node(page, "ds")
        link = page.locator("#gg-details-body .gg-cite-title a").first
        href = link.get_attribute("href")
        assert href and href.startswith("/documents/doc-rh-ds#q-")
        link.click()
        page.wait_for_load_state()
        anchor = href.split("#", 1)[1]
        # the quote's own highlight, or the one it shares with an overlapping quote
        mark = page.locator(f"mark#{anchor}, mark:has(#{anchor})")
        assert mark.count() == 1 and mark.is_visible()
        assert page.evaluate("document.querySelector(':target').id") == anchor
        colour = mark.evaluate("m => getComputedStyle(m).backgroundColor")
        assert colour == "rgb(255, 207, 64)"  # the :target highlight
        assert "blev dannet i december 2019" in mark.inner_text()
        first = mark.evaluate("m => m.id")
        page.click(f"a[href='#fact-{first}']")
        facts = page.inner_text(f"#fact-{first}")
        assert "Digital Styregruppe" in facts
        assert axe_violations(page) == []
        assert watch.console_errors == [] and watch.blocked == []
    finally:
        page.close()


def test_mandate_edges_show_the_mandates_quotes(chromium: Any, app_url: str) -> None:
    page, _ = open_page(chromium, app_url + "/views/who-decides?subject=sp", "en", DESKTOP)
    try:
        data = page.evaluate("JSON.parse(document.getElementById('gg-data').textContent)")
        held = [e for e in data["edges"] if e["gg_relation"] in ("held_by", "covered_by")]
        assert held and all(e["gg_citations"] for e in held)
        edge = held[0]
        page.evaluate("id => govgraph.showEdge(id)", edge["id"])
        text = page.inner_text("#gg-details-body")
        assert "No source cited." not in text
        assert edge["gg_citations"][0]["quote"][:30] in text
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["da", "nb", "en"])
@pytest.mark.parametrize("path", QUESTION_PAGES)
def test_question_page_on_a_phone(
    chromium: Any, app_url: str, tmp_path: Path, path: str, lang: str
) -> None:
    """The check, diff and slip pages at 390x844: nothing wider than the screen, the answer
    with its copy button, axe clean, nothing fetched from elsewhere."""
    page, watch = open_page(chromium, app_url + path, lang, PHONE)
    try:
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        answer = page.eval_on_selector("#gg-answer", "e => e.getBoundingClientRect().toJSON()")
        assert answer["width"] >= 0.85 * PHONE[0], answer
        assert page.is_visible("#gg-answer button.gg-copy")
        assert page.locator("#gg-stamp").count() == 1
        violations = axe_violations(page)
        assert violations == [], violations
        assert watch.console_errors == [] and watch.blocked == []
    finally:
        page.close()


def test_question_pages_cite_their_highlighted_sources(chromium: Any, app_url: str) -> None:
    """A citation on the check page opens the document on the quote's highlight; the copy
    button copies the answer in words with the sources' addresses."""
    page, watch = open_page(chromium, app_url + "/views/check?lang=da", "da", DESKTOP)
    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.click("#gg-answer button.gg-copy")
        page.wait_for_function(
            "() => document.querySelector('button.gg-copy').textContent === 'Kopieret'"
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "Overlap" in copied and "/documents/" in copied
        link = page.locator("#gg-overlaps .gg-cite-title a").first
        href = link.get_attribute("href")
        assert href and href.startswith("/documents/") and "#q-" in href
        link.click()
        page.wait_for_load_state()
        anchor = href.split("#", 1)[1]
        assert page.locator(f"mark#{anchor}, mark:has(#{anchor})").count() == 1
        assert watch.console_errors == [] and watch.blocked == []
    finally:
        page.close()
