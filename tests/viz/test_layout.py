"""Readable pictures, measured in Chromium: in every view of the bundled data no two labels
overlap, no label covers another node and no edge label covers a node or a label (boxes read
from vis-network after the page's label-aware spacing); the overview opens folded by
organisation, a click on a group opens it in place, and still nothing overlaps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.index import GovIndex
from ontology import vocab as v
from ontology.terms import local_id
from tests.viz import browser as bx

pytestmark = pytest.mark.skipif(bx.skip_reason() is not None, reason=str(bx.skip_reason()))
OVERLAPS = (Path(__file__).resolve().parent / "overlaps.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with bx.browser() as b:
        yield b


def every_view(index: GovIndex) -> list[str]:
    """A URL for every view of the bundled data: who decides about each matter a mandate
    covers, what is hit (both ways) for each end of a dependency, each body's page, the
    chains, the overview and a neighbourhood."""
    scopes = sorted({local_id(s) for m in index.of_type(v.MANDATE) for s in index.out(m, v.SCOPE)})
    ends = sorted(
        {
            local_id(x)
            for d in index.of_type(v.DEPENDENCY)
            for x in (index.node(d).first(v.DEPENDENT), index.node(d).first(v.PREREQUISITE))
            if x
        }
    )
    bodies = sorted(local_id(i) for i in index.entities() if index.type_name(i) == "body")
    return (
        [f"/views/who-decides?subject={s}" for s in scopes]
        + [f"/views/impact?node={n}" for n in ends]
        + [f"/views/impact?node={n}&direction=upstream" for n in ends]
        + [f"/views/entity/{b}" for b in bodies]
        + ["/views/chains", "/views/overview", "/views/neighbourhood/ds?hops=2"]
    )


def laid_out(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.laidOut === '1'", timeout=30000)


def test_no_label_overlaps_in_any_view(chromium: Any, app_url: str, viz_index: GovIndex) -> None:
    page, watch = bx.watched_page(chromium, width=1440, height=900)
    failures: dict[str, list[Any]] = {}
    urls = every_view(viz_index)
    assert len(urls) > 80
    try:
        for url in urls:
            laid_out(page, app_url + url)
            found = page.evaluate(OVERLAPS)
            assert found["boxes"] > 0 or "impact" in url, url
            if found["pairs"]:
                failures[url] = found["pairs"][:5]
        assert failures == {}
        assert watch.console_errors == []
    finally:
        page.close()


def test_overview_opens_folded_and_groups_open_in_place(chromium: Any, app_url: str) -> None:
    page, watch = bx.watched_page(chromium, width=1440, height=900)
    try:
        laid_out(page, app_url + "/views/overview")  # labels in their own language
        shown = page.evaluate("network.body.nodeIndices.length")
        total = page.evaluate("govgraph.nodes.length")
        assert shown < 40 < total  # folded: every label readable at the opening scale
        assert page.evaluate("network.getScale()") > 0.45
        names = page.evaluate(
            "network.body.nodeIndices.filter(id => network.isCluster(id))"
            ".map(id => network.body.nodes[id].options.label)"
        )
        assert names and all(not n.startswith("—") for n in names)
        assert any(n.startswith("Without an organisation (+") for n in names)
        assert any(n.startswith("Region Hovedstaden (+") for n in names)
        group = page.evaluate(
            "network.body.nodeIndices.find(id => network.isCluster(id) &&"
            " network.body.nodes[id].options.label.startsWith('Region Hovedstaden'))"
        )
        bx.click_node(page, group)
        page.wait_for_timeout(300)
        assert page.evaluate(f"network.body.nodes[{group!r}]") is None  # opened in place
        assert page.evaluate("network.body.nodeIndices.length") > shown
        assert page.evaluate(OVERLAPS)["pairs"] == []
        for cluster in page.evaluate(
            "network.body.nodeIndices.filter(id => network.isCluster(id))"
        ):
            page.evaluate(f"network.openCluster({cluster!r})")
        page.evaluate("govgraph.relayout()")
        # every group open: every node is back, and still nothing overlaps
        assert page.evaluate("network.body.nodeIndices.length") == total
        assert page.evaluate(OVERLAPS)["pairs"] == []
        assert watch.console_errors == []
    finally:
        page.close()


def test_keyboard_and_zoom_controls(chromium: Any, app_url: str) -> None:
    page, _ = bx.watched_page(chromium, width=1440, height=900)
    try:
        laid_out(page, app_url + "/views/who-decides?subject=sp&lang=en")
        options = page.evaluate("network.interactionHandler.options")
        assert options["keyboard"]["enabled"] is True and options["zoomView"] is True
        before = page.evaluate("network.getScale()")
        page.get_by_role("button", name="Zoom in").click()
        page.wait_for_timeout(400)
        assert page.evaluate("network.getScale()") > before
        page.get_by_role("button", name="Fit").click()
        page.wait_for_timeout(400)
        assert abs(page.evaluate("network.getScale()") - before) < 0.05
    finally:
        page.close()
