"""The app serves its pages like a product: its own assets, no CDN, security headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.html_security import CONTENT_SECURITY_POLICY
from graph.store import GraphStore
from tests.api.conftest import api_settings

HTML_PAGES = [
    "/",
    "/docs",
    "/redoc",
    "/views",
    "/views/overview",
    "/views/who-decides?subject=sp",
    "/views/impact?node=sp",
    "/views/entity/ds",
    "/views/chains",
]


@pytest.fixture(scope="module")
def web(viz_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(api_settings(tmp_path_factory.mktemp("web")), store=viz_store)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_carry_security_headers(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    # no inline script may run under that policy; the data block is JSON, never executed
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        assert "src=" not in attrs or not body.strip()
    assert "cdn.jsdelivr" not in response.text and "unpkg.com" not in response.text


def test_json_answers_get_nosniff_but_no_page_policy(web: TestClient) -> None:
    response = web.get("/who-decides", params={"subject": "sp"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


def test_assets_served_once_and_cached(web: TestClient) -> None:
    page = web.get("/views/overview").text
    assert "vis.Network" not in page  # vis-network is linked, not inlined
    (url,) = re.findall(r'src="(/static/viz/vis-network\.min\.js\?v=[0-9a-f]+)"', page)
    response = web.get(url)
    assert response.status_code == 200
    assert "vis-network" in response.text[:400]
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers.get("etag")
    again = web.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path", ["/static/docs/swagger-ui-bundle.js", "/static/docs/redoc.standalone.js"]
)
def test_api_docs_assets_come_from_the_app(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200 and len(response.content) > 100_000


def test_favicon(web: TestClient) -> None:
    response = web.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in response.content


def test_exported_pages_inline_everything() -> None:
    from viz.page import render
    from viz.views import new_network

    html = render(new_network("overview", "t", lang=None))
    assert "/static/" not in html and "vis.Network" in html
