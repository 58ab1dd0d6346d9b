"""Write docs/img/*.png: two views, shot by the browser tests' own code path.

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

SHOTS = [("overview", None, "overview"), ("who-decides", "sundhedsplatformen", "who-decides")]


def main() -> None:
    store = load_viz_data(OxigraphStore())
    target = REPO / "docs" / "img"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, bx.browser() as b:
        for view, name, stem in SHOTS:
            path = export(store, view, name, Path(tmp) / f"{stem}.html")
            page, watch = bx.watched_page(b, width=1400, height=850)
            bx.open_view(page, path.as_uri())
            page.wait_for_timeout(1500)
            page.screenshot(path=str(target / f"view-{stem}.png"))
            assert not watch.console_errors and not watch.blocked
            page.close()
            print(f"wrote docs/img/view-{stem}.png")


if __name__ == "__main__":
    main()
