"""Helpers for the browser tests and ``tests/viz/screenshots.py``: Debian's Chromium driven by
Playwright (no browser download), with every request that would leave 127.0.0.1 aborted and
recorded, and console errors collected.

``GOVGRAPH_SKIP_BROWSER=1`` skips the browser tests (for developers without Chromium); without
it a missing Chromium is a failure, not a skip (``make test`` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

CHROMIUM = os.environ.get("GOVGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}


def skip_reason() -> str | None:
    """Why the browser tests must not run here, or ``None``."""
    if os.environ.get("GOVGRAPH_SKIP_BROWSER") == "1":
        return "GOVGRAPH_SKIP_BROWSER=1"
    return None


def chromium_path() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        raise RuntimeError(
            "Chromium not found: run `make browser` (apt-get install chromium chromium-driver) "
            "or set GOVGRAPH_SKIP_BROWSER=1"
        )
    return path


@dataclass
class Watch:
    """What a page did that a test checks: console errors, page errors, blocked requests."""

    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def axe_source() -> str:
    """axe-core's ``axe.min.js`` as shipped by the ``axe-playwright-python`` package (PyPI; a
    dev dependency), so the accessibility tests need no npm."""
    import axe_playwright_python

    path = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def watched_page(
    b: Any, *, width: int = 1400, height: int = 900, locale: str | None = None
) -> tuple[Any, Watch]:
    """A new page whose non-local requests are aborted and recorded; ``locale`` sets the
    browser's language (its ``Accept-Language``)."""
    if locale:
        context = b.new_context(viewport={"width": width, "height": height}, locale=locale)
        page = context.new_page()
        page.on("close", lambda _: context.close())
    else:
        page = b.new_page(viewport={"width": width, "height": height})
    watch = Watch()

    def route(r: Any) -> None:
        url = r.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("file", "data", "about", "blob") or (
            parsed.scheme in ("http", "https") and (parsed.hostname or "") in LOCAL_HOSTS
        ):
            r.continue_()
        else:
            watch.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))

    def dialog(d: Any) -> None:
        watch.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    return page, watch


def open_view(page: Any, url: str) -> dict[str, int]:
    """Open a view page and wait until its network is drawn; return the node and edge counts
    the page holds."""
    page.goto(url)
    page.wait_for_function("() => window.network && window.network.body", timeout=20000)
    page.wait_for_timeout(300)
    return totals(page)


def totals(page: Any) -> dict[str, int]:
    """Every node and edge the page holds (a folded picture shows fewer: its groups)."""
    return page.evaluate("({nodes: govgraph.nodes.length, edges: govgraph.edges.length})")


def counts(page: Any) -> dict[str, int]:
    """The nodes and edges the network shows now (folded groups, filters)."""
    return page.evaluate(
        "({nodes: network.body.data.nodes.length, edges: network.body.data.edges.length})"
    )


def click_node(page: Any, node_id: str) -> str:
    """Click ``node_id`` where the network draws it; return the details panel's text."""
    # a node folded into a group is shown by opening its group in place first
    page.evaluate("id => { govgraph.reveal(id); network.fit({animation: false}); }", node_id)
    page.wait_for_timeout(100)
    pos = page.evaluate(
        """id => { const p = network.getPosition(id); const c = network.canvasToDOM(p);
                 const r = document.getElementById('network').getBoundingClientRect();
                 return {x: c.x + r.left, y: c.y + r.top}; }""",
        node_id,
    )
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_timeout(150)
    return str(page.inner_text("#gg-details-body"))
