"""A network -> one self-contained HTML page (vis-network inlined, no request leaves it).

pyvis's own template links Bootstrap from a CDN, so pages use ``viz/templates/page.html``: the
vis-network script and style bundled under ``viz/static`` are inlined, and the network's data
travels as JSON in a ``<script type="application/json">`` block that the page's script reads
and shows as text only (``textContent``), never as HTML.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from viz.style import TYPE_STYLE, style_of, type_label, ui

if TYPE_CHECKING:
    from jinja2 import Environment
    from pyvis.network import Network

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"


@lru_cache(maxsize=8)
def static(name: str) -> str:
    """The text of a bundled asset (vis-network, the page's script and style)."""
    return (STATIC / name).read_text(encoding="utf-8")


@lru_cache(maxsize=16)
def asset_url(base: str, name: str) -> str:
    """The URL of a bundled asset under ``base``, with a hash of its content (cache busting).

    >>> asset_url("/static/viz", "govgraph.js").startswith("/static/viz/govgraph.js?v=")
    True
    """
    import hashlib

    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"{base}/{name}?v={digest}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def script_json(value: Any) -> str:
    """JSON safe to place inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped.

    >>> script_json({"label": "</script><img src=x>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(net: Network, *, links: dict[str, str] | None = None) -> dict[str, Any]:
    """What the page's script needs: nodes, edges, options, legend, filter values and words."""
    meta = dict(net.gg)
    lang = meta.get("lang")
    types = sorted({n.get("gg_type", "unknown") for n in net.nodes})
    legend = [
        {
            "type": t,
            "label": type_label(t, lang),
            "colour": style_of(t)[0],
            "shape": style_of(t)[1],
        }
        for t in types
        if t in TYPE_STYLE or t == "unknown"
    ]
    orgs = sorted({n.get("gg_org") or "" for n in net.nodes})
    rels = sorted({e.get("gg_relation", "") for e in net.edges})
    options = net.options if isinstance(net.options, dict) else json.loads(net.options.to_json())
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "meta": {**meta, "legend": legend, "organisations": orgs, "relations": rels},
        "ui": ui(lang),
        "links": links or {},
    }


def summary(net: Network) -> str:
    """The sentence a page shows about its size, and what was folded (if anything)."""
    words = ui(net.gg.get("lang"))
    folded = net.gg.get("folded")
    if folded:
        return words["folded"].format(**folded)
    return words["not_folded"].format(nodes=len(net.nodes), edges=len(net.edges))


def render(
    net: Network,
    *,
    answer: dict[str, Any] | None = None,
    answer_template: str | None = None,
    form: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
    nav: list[tuple[str, str]] | None = None,
    assets: str | None = None,
) -> str:
    """The HTML page of ``net``.

    ``answer`` and ``answer_template`` (a template under ``viz/templates``) put the answer in
    words beside the picture; ``form`` shows a question form (only in the app); ``links`` maps
    ``entity`` to the URL prefix of entity pages (only in the app); ``nav`` lists header links.
    ``assets`` is the URL under which the app serves ``viz/static``: the page then links the
    scripts and styles (fetched once, cached) instead of inlining them, and carries no inline
    script, so the app's Content-Security-Policy header needs no ``'unsafe-inline'``.
    """
    lang = net.gg.get("lang")
    return (
        environment()
        .get_template("page.html")
        .render(
            title=net.gg.get("title") or net.gg.get("view"),
            view=net.gg.get("view"),
            lang=lang or "en",
            words=ui(lang),
            summary=summary(net),
            data_json=script_json(page_data(net, links=links)),
            assets={
                name: asset_url(assets, name)
                for name in ("vis-network.min.js", "vis-network.css", "govgraph.js", "govgraph.css")
            }
            if assets
            else None,
            inline=None
            if assets
            else {
                "vis_js": static("vis-network.min.js"),
                "vis_css": static("vis-network.css"),
                "page_js": static("govgraph.js"),
                "page_css": static("govgraph.css"),
            },
            answer=answer,
            answer_template=answer_template,
            form=form,
            nav=nav or [],
        )
    )


def write(net: Network, path: Path | str, **kwargs: Any) -> Path:
    """Write ``net``'s page to ``path`` (one file that works offline); return the path."""
    target = Path(path)
    target.write_text(render(net, **kwargs), encoding="utf-8")
    return target
