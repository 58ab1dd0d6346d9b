"""Every view in real headless Chromium, from an exported file and from the running app.

Checks the node and edge counts the page's vis network holds, that clicking a node shows its
citation, that nothing is logged as an error, that no request leaves 127.0.0.1, and that an
HTML label shows as text. Screenshots go to the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.index import GovIndex
from graph.store import GraphStore
from tests.viz import browser as bx
from tests.viz.conftest import EXPORTS, XSS_LABEL
from viz import pages

pytestmark = pytest.mark.skipif(bx.skip_reason() is not None, reason=str(bx.skip_reason()))

# A node each view draws, and a quote from its citations.
CLICK = {
    "overview": ("ds", "Digital Styregruppe (DS) blev dannet"),
    "neighbourhood": ("ds", "Digital Styregruppe (DS) blev dannet"),
    "entity": ("xss-system", "DS refererer til Koncerndirektionen"),
    "impact": ("sp", ""),
    "who-decides": ("domaenestyregrupper-beslutter", "ikke vedrører Sundhedsplatformen"),
    "chains": (None, ""),
}


def export(
    store: GraphStore, view: str, name: str | None, target: Path, *, ui_lang: str | None = None
) -> Path:
    """Write a view file through the same functions ``govgraph viz`` calls."""
    if view == "overview":
        html = pages.overview_page(store, ui_lang=ui_lang)
    elif view == "neighbourhood":
        html = pages.neighbourhood_page(store, name or "", hops=2, ui_lang=ui_lang)
    elif view == "entity":
        html = pages.entity_page(store, name or "", ui_lang=ui_lang)
    elif view == "impact":
        html = pages.impact_page(store, name, ui_lang=ui_lang)
    elif view == "who-decides":
        html = pages.who_decides_page(store, name, ui_lang=ui_lang)
    else:
        html = pages.chains_page(store, k=5, ui_lang=ui_lang)
    target.write_text(html, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with bx.browser() as b:
        yield b


def check_page(b: Any, url: str, view: str, shot: Path) -> dict[str, Any]:
    page, watch = bx.watched_page(b)
    try:
        got = bx.open_view(page, url)
        data = page.evaluate("JSON.parse(document.getElementById('gg-data').textContent)")
        assert got == {"nodes": len(data["nodes"]), "edges": len(data["edges"])}
        assert got["nodes"] > 0 or view in ("chains",)
        node, quote = CLICK[view]
        if node is not None:
            text = bx.click_node(page, node)
            label = next(n["label"] for n in data["nodes"] if n["id"] == node)
            assert label in text
            if quote:
                assert quote in text
        page.screenshot(path=str(shot))
        assert watch.console_errors == []
        assert watch.blocked == [], f"requests left the machine: {watch.blocked}"
        assert watch.dialogs == []
        return {"counts": got, "page": page}
    finally:
        page.close()


@pytest.mark.parametrize(("view", "name", "options"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_exported_file(
    chromium: Any,
    viz_store: GraphStore,
    tmp_path: Path,
    view: str,
    name: str | None,
    options: list[str],
) -> None:
    path = export(viz_store, view, name, tmp_path / f"{view}.html")
    check_page(chromium, path.as_uri(), view, tmp_path / f"{view}-file.png")


APP_PAGES = [
    ("overview", "/views/overview"),
    ("neighbourhood", "/views/neighbourhood/ds?hops=2"),
    ("entity", "/views/entity/xss-system"),
    ("impact", "/views/impact?node=sundhedsplatformen"),
    ("who-decides", "/views/who-decides?subject=sundhedsplatformen&action=decide"),
    ("chains", "/views/chains"),
]


@pytest.mark.parametrize(("view", "path"), APP_PAGES, ids=[p[0] for p in APP_PAGES])
def test_app_page(chromium: Any, app_url: str, tmp_path: Path, view: str, path: str) -> None:
    check_page(chromium, app_url + path, view, tmp_path / f"{view}-app.png")


def test_overview_counts_match_the_graph(chromium: Any, app_url: str, viz_index: GovIndex) -> None:
    from viz.views import overview

    net = overview(viz_index)
    page, watch = bx.watched_page(chromium)
    got = bx.open_view(page, app_url + "/views/overview")
    assert got == {"nodes": len(net.nodes), "edges": len(net.edges)}
    folded = bx.open_view(page, app_url + "/views/overview?fold_above=40")
    assert folded["nodes"] < got["nodes"]
    assert "are folded into" in page.inner_text("#gg-summary")
    assert watch.console_errors == [] and watch.blocked == []
    page.close()


def test_xss_label_renders_as_text(chromium: Any, app_url: str, tmp_path: Path) -> None:
    page, watch = bx.watched_page(chromium)
    bx.open_view(page, app_url + "/views/entity/xss-system")
    text = bx.click_node(page, "xss-system")
    assert XSS_LABEL in text
    assert XSS_LABEL in page.inner_text("#gg-answer")
    assert page.locator("img").count() == 0
    page.fill("#gg-search", "<script>")
    page.screenshot(path=str(tmp_path / "xss.png"))
    assert watch.dialogs == [] and watch.console_errors == [] and watch.blocked == []
    page.close()


def test_question_forms_autocomplete_and_answer(chromium: Any, app_url: str) -> None:
    page, watch = bx.watched_page(chromium)
    bx.open_view(page, app_url + "/views/who-decides")
    page.fill("#gg-q-subject", "Sundhedsplat")
    page.wait_for_function(
        "() => document.querySelectorAll('#gg-q-subject-names option').length > 0", timeout=5000
    )
    assert page.eval_on_selector_all(
        "#gg-q-subject-names option", "os => os.map(o => o.value)"
    ).count("sp")
    page.fill("#gg-q-subject", "sp")
    page.select_option("#gg-q-action", "decide")
    page.click("form.gg-question button")
    page.wait_for_function("() => window.network && window.network.body")
    answer = page.inner_text("#gg-answer")
    assert "ikke vedrører Sundhedsplatformen" in answer and "Excluded" in answer
    bx.open_view(page, app_url + "/views/impact?node=no-such-thing")
    assert "no-such-thing" in page.inner_text(".gg-error")
    bx.open_view(page, app_url + "/views/impact?node=Digital%20Styregruppe&lang=en")
    assert "What is hit if" in page.inner_text("#gg-answer")
    assert watch.console_errors == [] and watch.blocked == []
    page.close()


def test_search_box_focuses_a_node(chromium: Any, app_url: str) -> None:
    page, _ = bx.watched_page(chromium)
    bx.open_view(page, app_url + "/views/overview?lang=en")
    page.fill("#gg-search", "Digital Steering Group")
    page.press("#gg-search", "Enter")
    page.wait_for_timeout(200)
    assert page.evaluate("network.getSelectedNodes()") == ["ds"]
    assert "Digital Steering Group" in page.inner_text("#gg-details-body")
    # a type filter hides that type's nodes from the network
    before = bx.counts(page)["nodes"]
    page.click("#gg-filters summary")
    page.uncheck("#gg-filter-type input[value=person]")
    assert bx.counts(page)["nodes"] < before
    page.close()


@pytest.mark.parametrize(
    ("path", "ready"), [("/docs", ".opblock"), ("/redoc", "[role=menuitem], .menu-content")]
)
def test_api_docs_render_offline(chromium: Any, app_url: str, path: str, ready: str) -> None:
    """Swagger UI and ReDoc come from the app: they render with every outside request blocked,
    and the page's Content-Security-Policy header lets them run (no violation is logged)."""
    page, watch = bx.watched_page(chromium)
    page.goto(app_url + path)
    page.wait_for_selector(ready, timeout=20000)
    assert "who-decides" in page.inner_text("body")
    assert watch.blocked == [], f"requests left the machine: {watch.blocked}"
    assert watch.console_errors == []
    page.close()
