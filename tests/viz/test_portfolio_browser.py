"""The portfolio views in real headless Chromium: board, timeline, indicator charts (issue 16).

Exported pages (``served=False``) over the portfolio fixture, and the board served by the app
over the bundled data. Nothing may be logged as an error, no request may leave 127.0.0.1, and a
label carrying HTML shows as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.store import GraphStore
from loaders import load_paths
from tests.graph.dependency_fixtures import deps_store
from tests.viz import browser as bx
from tests.viz.conftest import XSS_LABEL
from viz.portfolio_pages import board_page, indicators_page, timeline_page

pytestmark = pytest.mark.skipif(bx.skip_reason() is not None, reason=str(bx.skip_reason()))
DAY = "2024-05-01"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    store = deps_store("portfolio")
    extra = tmp_path_factory.mktemp("xss") / "xss.yaml"
    extra.write_text(
        "entities:\n"
        f"  - {{id: p-xss, type: project, label: {{en: '{XSS_LABEL}'}}, portfolio: pf,\n"
        '     sources: [{doc: doc-plan, quote: "An XSS label."}]}\n',
        encoding="utf-8",
    )
    load_paths(store, [extra])
    return store


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with bx.browser() as b:
        yield b


def _open(chromium: Any, html: str, tmp_path: Path, name: str) -> tuple[Any, bx.Watch]:
    target = tmp_path / name
    target.write_text(html, encoding="utf-8")
    page, watch = bx.watched_page(chromium)
    page.goto(target.as_uri())
    return page, watch


def _clean(watch: bx.Watch) -> None:
    assert watch.console_errors == [] and watch.blocked == [] and watch.dialogs == []


def test_board_columns_cards_and_links(chromium: Any, plan: GraphStore, tmp_path: Path) -> None:
    page, watch = _open(chromium, board_page(plan, "psg", as_of=DAY, lang="da"), tmp_path, "b.html")
    marks = page.eval_on_selector_all(".card", "cs => cs.map(c => [c.id, c.dataset.rag])")
    assert dict(marks) == {
        "card-p-alpha": "red", "card-p-eps": "red", "card-p-beta": "amber", "card-p-delta": "green",
        "card-p-gamma": "green", "card-init-x": "grey", "card-p-xss": "grey",
    }  # fmt: skip
    columns = page.eval_on_selector_all(
        ".column", "cs => cs.map(c => [c.dataset.status, c.querySelectorAll('.card').length])"
    )
    assert dict(columns) == {"planned": 1, "active": 1, "completed": 1, "unknown": 4}
    assert page.inner_text("h1") == "Porteføljetavle"
    # A card's critical prerequisite links to that prerequisite's card.
    page.click("#card-p-beta a.dep")
    assert page.evaluate("location.hash") == "#card-p-alpha"
    assert page.evaluate("document.querySelector(':target').id") == "card-p-alpha"
    assert XSS_LABEL in page.inner_text("#card-p-xss h3")
    page.screenshot(path=str(tmp_path / "board.png"))
    _clean(watch)


def test_timeline_draws_milestones_arrows_and_the_critical_chain(
    chromium: Any, plan: GraphStore, tmp_path: Path
) -> None:
    page, watch = _open(chromium, timeline_page(plan, "psg", as_of=DAY), tmp_path, "t.html")
    assert page.locator("path.milestone").count() == 6
    critical = page.eval_on_selector_all(
        "path.milestone.critical", "ms => ms.map(m => m.dataset.id)"
    )
    assert critical == ["m-a1", "m-a2", "m-b1", "m-g1"]
    assert page.locator("path.arrow.critical").count() == 2  # m-a2 -> m-b1 -> m-g1 (after)
    box = page.locator("svg.timeline").bounding_box()
    assert box is not None and box["width"] > 600
    _clean(watch)


def test_indicator_page_draws_a_chart_per_series(
    chromium: Any, plan: GraphStore, tmp_path: Path
) -> None:
    page, watch = _open(chromium, indicators_page(plan, lang="en"), tmp_path, "i.html")
    assert page.locator("section.indicator").count() == 3
    assert page.locator("#ind-ind-uptake svg.chart circle").count() == 3
    assert page.locator("#ind-ind-downtime svg.chart line.target").count() == 1
    assert page.locator("#ind-ind-family svg.chart").count() == 0  # no values: no chart
    assert "improving" in page.inner_text("#ind-ind-uptake")
    assert "worsening" in page.inner_text("#ind-ind-downtime")
    _clean(watch)


def test_served_board_over_the_bundled_data(chromium: Any, app_url: str) -> None:
    page, watch = bx.watched_page(chromium)
    page.goto(f"{app_url}/views/portfolio?body=portfolio-steering-group&lang=en")
    assert page.locator(".card").count() == 5
    assert page.locator(".card.grey").count() == 5  # the seeds give no milestone dates
    page.click("#card-project-fmk a.deciders")
    page.wait_for_load_state()
    assert "/views/who-decides" in page.url and "project-fmk" in page.url
    page.goto(f"{app_url}/views/indicators?lang=da")
    assert "5 indikatorer i denne familie" in page.inner_text("body")
    _clean(watch)
