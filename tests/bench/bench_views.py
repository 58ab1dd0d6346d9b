"""A 5,000-node graph in the browser: time until the overview is drawn, folded and laid out.

Generates a synthetic graph (``graph.generate``) of about 5,000 drawn entities, writes its
overview page (``viz.pages.overview_page``: every node and edge in the page, which folds them
by organisation, type and domain so that at most 50 show) and opens it in headless Chromium (the browser tests' code path), timing until the page's own
script says it is laid out (``body[data-laid-out]``); then counts what is drawn and the label
overlaps (``tests/viz/overlaps.js``). Writes ``docs/bench/views.md``. No assertion: the figures
are reported as they are.
"""

from __future__ import annotations

import platform
import tempfile
import time
from pathlib import Path

from graph.generate import generate
from graph.oxigraph_store import OxigraphStore
from tests.support import REPO
from tests.viz import browser as bx
from viz import pages

SIZES = {"nodes": 4000, "dependencies": 8000, "bodies": 600, "mandates": 400}
OVERLAPS = (REPO / "tests" / "viz" / "overlaps.js").read_text(encoding="utf-8")


def main() -> None:
    store = OxigraphStore()
    store.replace({"urn:govgraph:graph:bench-views": list(generate(**SIZES, seed=3))})
    started = time.perf_counter()
    html = pages.overview_page(store)
    render = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp, bx.browser() as b:
        path = Path(tmp) / "overview.html"
        path.write_text(html, encoding="utf-8")
        page, watch = bx.watched_page(b, width=1440, height=900)
        began = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("() => document.body.dataset.laidOut === '1'", timeout=120000)
        opened = time.perf_counter() - began
        drawn = page.evaluate("network.body.nodeIndices.length")
        total = page.evaluate(
            "JSON.parse(document.getElementById('gg-data').textContent).meta.total"
        )
        scale = page.evaluate("network.getScale()")
        overlaps = len(page.evaluate(OVERLAPS)["pairs"])
        smooth = page.evaluate("network.edgesHandler.options.smooth.enabled")
        # open the largest group in place (one level), and time it
        largest = page.evaluate(
            "govgraph.groups().map(id => [id, +network.body.nodes[id].options.label"
            ".match(/\\(\\+(\\d+)\\)$/)[1]]).sort((a, b) => b[1] - a[1])[0][0]"
        )
        began = time.perf_counter()
        page.evaluate("id => govgraph.open(id)", largest)
        opened_group = time.perf_counter() - began
        after_open = page.evaluate("network.body.nodeIndices.length")
        overlaps_open = len(page.evaluate(OVERLAPS)["pairs"])
        keyboard = page.evaluate("network.interactionHandler.options.keyboard.enabled")
        errors = list(watch.console_errors)
        page.close()
    size = len(html.encode())
    lines = [
        "## Views: a 5,000-node overview in the browser",
        "",
        f"Written by `tests/bench/bench_views.py` on {platform.node() or 'this machine'} "
        f"({platform.python_version()}); synthetic graph {SIZES}, headless Chromium 1440x900.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| entities in the graph (drawn as nodes unfolded) | {total['nodes']:,} |",
        f"| edges | {total['edges']:,} |",
        f"| page written by the server (`overview_page`) | {render:.2f} s |",
        f"| page size (every node and edge, vis-network inlined) | {size / 1e6:.1f} MB |",
        f"| page opened, folded and laid out in Chromium (target ≤ 5 s) | {opened:.2f} s |",
        f"| nodes drawn after folding (at most 50) | {drawn} |",
        f"| zoom at opening (1 = full size) | {scale:.2f} |",
        f"| edges drawn straight (no `smooth: dynamic`) | {'yes' if not smooth else 'no'} |",
        f"| keyboard navigation on | {'yes' if keyboard else 'no'} |",
        f"| overlapping label boxes | {overlaps} |",
        f"| a group opened in place and laid out | {opened_group:.2f} s |",
        f"| nodes drawn with that group open | {after_open} |",
        f"| overlapping label boxes with that group open | {overlaps_open} |",
        f"| console errors | {len(errors)} |",
        "",
    ]
    target = REPO / "docs" / "bench" / "views.md"
    target.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
