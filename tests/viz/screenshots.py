"""Write docs/img/*.png: views shot by the browser tests' own code path (exported files opened
in headless Chromium, laid out by the page's own script).

.venv/bin/python -m tests.viz.screenshots
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from graph.oxigraph_store import OxigraphStore
from tests.support import REPO
from tests.viz import browser as bx
from tests.viz.conftest import load_viz_data
from tests.viz.test_browser import export

# (view, subject, file stem, page language, viewport)
SHOTS = [
    ("overview", None, "overview", None, (1400, 850)),
    ("who-decides", "sundhedsplatformen", "who-decides", None, (1400, 850)),
    ("who-decides", "sundhedsplatformen", "who-decides-da", "da", (1400, 850)),
    ("who-decides", "sundhedsplatformen", "phone-da", "da", (390, 844)),
]


def main() -> None:
    store = load_viz_data(OxigraphStore())
    target = REPO / "docs" / "img"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, bx.browser() as b:
        for view, name, stem, ui_lang, (width, height) in SHOTS:
            path = export(store, view, name, Path(tmp) / f"{stem}.html", ui_lang=ui_lang)
            page, watch = bx.watched_page(b, width=width, height=height)
            page.goto(path.as_uri())
            page.wait_for_function("() => document.body.dataset.laidOut === '1'", timeout=30000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(target / f"view-{stem}.png"))
            assert not watch.console_errors and not watch.blocked
            page.close()
            print(f"wrote docs/img/view-{stem}.png")


if __name__ == "__main__":
    main()
