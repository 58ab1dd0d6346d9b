"""Readable pictures, measured in Chromium: in every view of the bundled data no two labels
overlap, no label covers another node and no edge label covers a node or a label (boxes read
from vis-network after the page's label-aware spacing, every label drawn whatever the zoom);
the overview opens folded by organisation, a click on a group opens it in place, and with
every group open still nothing overlaps; the org chart puts parents above children; a
dependency's arrow points the way the words say "depends on"; the legend keys every encoding."""

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
        + ["/views/org-chart", "/views/org-chart?root=region-hovedstaden"]
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
        names = page.evaluate("govgraph.groups().map(id => network.body.nodes[id].options.label)")
        assert names and all(not n.startswith("—") for n in names)
        assert any(n.startswith("Without an organisation (+") for n in names)
        assert any(n.startswith("Region Hovedstaden (+") for n in names)
        group = page.evaluate(
            "govgraph.groups().find(id =>"
            " network.body.nodes[id].options.label.startsWith('Region Hovedstaden'))"
        )
        bx.click_node(page, group)
        page.wait_for_timeout(300)
        assert page.evaluate(f"network.body.nodes[{group!r}]") is None  # opened in place
        assert page.evaluate("network.body.nodeIndices.length") > shown
        assert page.evaluate(OVERLAPS)["pairs"] == []
        # every group open at once, nested groups too
        page.evaluate("govgraph.openAll()")
        assert page.evaluate("govgraph.groups().length") == 0
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


# the words of a chain or a "through" line, in the order the page writes them
_ARROWS = r"""sel => [...document.querySelectorAll(sel)].map(li => {
  const text = [...li.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("");
  return text.split("\u2192").map(s => s.trim().replace(/\.$/, "")).filter(Boolean);
})"""
_EDGE = """([a, b]) => {
  const id = (label) => govgraph.nodes.get().filter(n => n.label === label).map(n => n.id);
  const from = id(a), to = id(b);
  return govgraph.edges.get().filter(e => from.includes(e.from) && to.includes(e.to)
    && e.gg_relation === "depends_on" && network.body.edges[e.id].options.arrows.to.enabled)
    .length > 0;
}"""


def _pairs(chains: list[list[str]]) -> list[tuple[str, str]]:
    return [(a, b) for chain in chains for a, b in zip(chain, chain[1:], strict=False)]


def test_dependency_arrows_point_the_way_the_words_read(chromium: Any, app_url: str) -> None:
    """ "A → B" in the words (A depends on B) is an arrow from A to B in the picture: in the
    chains, and in the "through" lines of what is hit both ways."""
    page, _ = bx.watched_page(chromium, width=1440, height=900)
    try:
        laid_out(page, app_url + "/views/chains?lang=en")
        chains = page.evaluate(_ARROWS, "#gg-answer ol > li")
        pairs = _pairs(chains)
        assert len(pairs) >= 3
        assert [p for p in pairs if not page.evaluate(_EDGE, list(p))] == []
        checked = 0
        for url in (
            "/views/impact?node=nasjonalt-maalbilde-journal&lang=en",
            "/views/impact?node=rsd-naeste-digitaliseringsstrategi&direction=upstream&lang=en",
        ):
            laid_out(page, app_url + url)
            root = page.evaluate("govgraph.nodes.get(govgraph.data.meta.root).label")
            items = page.evaluate(
                "[...document.querySelectorAll('#gg-answer .gg-impacted > li')].map(li =>"
                " [li.querySelector('strong').innerText, li.querySelector('small')])"
                ".filter(([, small]) => small).map(([name]) => name)"
            )
            through = page.evaluate(_ARROWS, "#gg-answer .gg-impacted small")
            through = [[t.removeprefix("Through ") for t in chain] for chain in through]
            assert len(items) == len(through) > 0
            # downstream: the item depends, through them, on the root; upstream the other way
            if "upstream" in url:
                pairs = _pairs([[root, *t, item] for item, t in zip(items, through, strict=True)])
            else:
                pairs = _pairs([[item, *t, root] for item, t in zip(items, through, strict=True)])
            checked += len(pairs)
            assert [p for p in pairs if not page.evaluate(_EDGE, list(p))] == [], url
        assert checked >= 2
    finally:
        page.close()


def test_org_chart_draws_parents_above_children(chromium: Any, app_url: str) -> None:
    page, watch = bx.watched_page(chromium, width=1440, height=900)
    try:
        laid_out(page, app_url + "/views/org-chart?lang=en")
        lines = page.evaluate(
            "govgraph.edges.get().map(e => [e.from, e.to, e.gg_relation,"
            " network.getPosition(e.from).y, network.getPosition(e.to).y])"
        )
        assert {r for _, _, r, _, _ in lines} == {"part_of", "reports_to"}
        # every line runs from a child up to its parent
        assert [line for line in lines if not line[3] > line[4]] == []
        assert page.evaluate(OVERLAPS)["pairs"] == []
        assert page.evaluate("network.getScale()") > 0.4  # readable at the opening zoom
        legend = page.inner_text("#gg-legend")
        assert "is part of" in legend and "reports to" in legend
        assert watch.console_errors == []
    finally:
        page.close()


def test_who_decides_draws_roles_and_the_legend_keys_every_encoding(
    chromium: Any, app_url: str
) -> None:
    page, _ = bx.watched_page(chromium, width=1440, height=900)
    try:
        laid_out(page, app_url + "/views/who-decides?subject=sundhedsplatformen&lang=en")
        roles = page.evaluate(
            "[...new Set(govgraph.nodes.get().map(n => n.gg_role).filter(Boolean))]"
        )
        assert {"decides", "advises"} <= set(roles)
        legend = page.inner_text("#gg-legend")
        for role in roles:
            assert f"Role: {role.replace('_', ' ')}" in legend
        assert "the question's subject" in legend and "excluded mandate" in legend
        # a legend swatch is drawn in the shape its nodes have: a star is not a square
        laid_out(page, app_url + "/views/overview?lang=en")
        clip = page.evaluate(
            "[...document.querySelectorAll('#gg-legend .gg-swatch.star')]"
            ".map(s => getComputedStyle(s).clipPath)"
        )
        assert clip and all(c.startswith("polygon") for c in clip)
        laid_out(page, app_url + "/views/impact?node=sundhedsplatformen&lang=en")
        legend = page.inner_text("#gg-legend")
        for key in ("the question's subject", "near (dark) to far (pale)", "Criticality:"):
            assert key in legend
    finally:
        page.close()
