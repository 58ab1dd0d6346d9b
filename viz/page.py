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

from jinja2 import pass_context

from viz.i18n import translate
from viz.sources import quote_anchor
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


@lru_cache(maxsize=4)
def environment(lang: str | None = None) -> Environment:
    """Templates speaking ``lang`` (gettext from ``viz.i18n``; English when ``None``)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from viz import words
    from viz.i18n import translations

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    ui_lang = lang or "en"
    env.globals.update(
        ui_lang=ui_lang,
        type_word=lambda kind: words.type_word(kind, ui_lang),
        action_word=lambda action: words.action_word(action, ui_lang),
        actions_phrase=lambda actions: words.actions_phrase(actions, ui_lang),
        relation_word=lambda rel: words.relation_word(rel, ui_lang),
        criticality_word=lambda level: words.criticality_word(level, ui_lang),
        role_word=lambda role: words.role_word(role, ui_lang),
        join_words=lambda items: words.join(items, ui_lang),
        role_heading=lambda role: words.role_heading(role, ui_lang),
        status_word=lambda status: words.status_word(status, ui_lang),
        inform_reasons=lambda body: words.inform_reasons(body, ui_lang),
        nearest_reason=lambda body, subject="": words.nearest_reason(body, ui_lang, subject),
        quote_anchor=quote_anchor,
    )
    env.filters.update(
        groupby_role=words.group_by_role,
        role_word=lambda role: words.role_word(str(role), ui_lang),
        node_label=_node_label,
    )
    return env


@pass_context
def _node_label(context: Any, item: Any) -> str:
    """An answer's item (``{id, label}`` or a bare id) by its label, never its id."""
    if isinstance(item, dict):
        return str(item.get("label") or item.get("id"))
    labels = context.get("node_labels") or {}
    return str(labels.get(str(item), str(item)))


def script_json(value: Any) -> str:
    """JSON safe to place inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped.

    >>> script_json({"label": "</script><img src=x>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(
    net: Network,
    *,
    links: dict[str, str] | None = None,
    ui_lang: str | None = None,
    sources: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What the page's script needs: nodes, edges, options, legend, filter values, words in
    ``ui_lang`` and the cited documents (title, publisher, date, link)."""
    meta = dict(net.gg)
    lang = ui_lang
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
    legend += encodings(net)
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
        "sources": _cited(net, sources or {}),
    }


def encodings(net: Network) -> list[dict[str, Any]]:
    """Legend entries for every encoding besides type that the picture uses: its root,
    distance shading, criticality, bodies to inform, exclusions, escalation, dependencies."""
    from viz.style import (
        CRITICALITY_COLOUR,
        EXCLUDED_COLOUR,
        INFORM_COLOUR,
        ROLE_COLOUR,
        ROOT_COLOUR,
        distance_shade,
    )

    nodes, edges = net.nodes, net.edges
    found: list[dict[str, Any]] = []

    def add(key: str, colour: str, shape: str) -> None:
        found.append({"type": key, "key": key, "colour": colour, "shape": shape})

    if any(n.get("gg_root") for n in nodes):
        add("root", ROOT_COLOUR, "box")
    if any(n.get("gg_distance") for n in nodes):
        add("distance_key", distance_shade(1, 3) + "," + distance_shade(3, 3), "ramp")
    levels = {n.get("gg_criticality") for n in nodes} | {e.get("gg_criticality") for e in edges}
    for level in ("critical", "high", "medium", "low"):
        if level in levels:
            found.append(
                {
                    "type": "criticality",
                    "key": level,
                    "colour": CRITICALITY_COLOUR[level],
                    "shape": "line",
                }
            )
    if any(e.get("gg_relation") == "depends_on" for e in edges):
        add("depends_key", "#8a8a8a", "line")
    roles = {n.get("gg_role") for n in nodes}
    for role, colour in ROLE_COLOUR.items():
        if role in roles:
            found.append({"type": "role", "key": role, "colour": colour, "shape": "ring"})
    # the org chart's lines: containment solid, reporting dashed
    drawn = {(e.get("gg_relation"), bool(e.get("dashes"))) for e in edges}
    for relation in ("part_of", "reports_to"):
        for dashed in (False, True):
            if net.gg.get("view") == "org-chart" and (relation, dashed) in drawn:
                found.append(
                    {
                        "type": "relation",
                        "key": relation,
                        "colour": "#8a8a8a",
                        "shape": "dashed" if dashed else "line",
                    }
                )
    if any(n.get("gg_inform") for n in nodes):
        add("inform_key", INFORM_COLOUR, "dashed")
    if any(n.get("gg_excluded") for n in nodes):
        add("excluded_key", EXCLUDED_COLOUR, "dashed")
    if any(n.get("gg_escalation") for n in nodes):
        add("escalation_key", "#8a8a8a", "dashed")
    return found


def _cited(net: Network, sources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The documents that the network's nodes and edges cite."""
    cited = {
        c.get("document")
        for item in [*net.nodes, *net.edges]
        for c in item.get("gg_citations") or []
    }
    for item in [*net.nodes, *net.edges]:
        for c in item.get("gg_citations") or []:
            c.setdefault("anchor", quote_anchor(str(c.get("quote", ""))))
    return {doc: sources[doc] for doc in sorted(d for d in cited if d) if doc in sources}


def summary(net: Network, lang: str | None = None) -> str:
    """The sentence a page shows about its size, and what was folded (if anything).

    >>> from viz.network import new_network
    >>> net = new_network("overview", "", lang=None)
    >>> net.add_node("a", label="A")
    >>> summary(net, "da"), summary(net, "en")
    ('1 knude og 0 kanter.', '1 node and 0 edges.')
    """
    from viz.i18n import plural

    folded = net.gg.get("folded")
    if folded:
        groups = plural(lang, "%(n)d group", "%(n)d groups", folded["clusters"]) % {
            "n": folded["clusters"]
        }
        text = plural(
            lang,
            "%(nodes)d of %(total)d nodes are folded into %(groups)s (by organisation or domain).",
            "%(nodes)d of %(total)d nodes are folded into %(groups)s (by organisation or domain).",
            folded["total_nodes"],
        ) % {"nodes": folded["nodes"], "total": folded["total_nodes"], "groups": groups}
        edges = plural(
            lang,
            "No edge is dropped: %(n)d edge is counted on the group or edge that stands for it.",
            "No edge is dropped: %(n)d edges are counted on the groups and edges that stand for them.",
            folded["edges"],
        ) % {"n": folded["edges"]}
        return f"{text} {edges}"
    nodes = plural(lang, "%(n)d node", "%(n)d nodes", len(net.nodes)) % {"n": len(net.nodes)}
    edges = plural(lang, "%(n)d edge", "%(n)d edges", len(net.edges)) % {"n": len(net.edges)}
    return translate(lang, "%(nodes)s and %(edges)s.") % {"nodes": nodes, "edges": edges}


def render(
    net: Network,
    *,
    answer: dict[str, Any] | None = None,
    answer_template: str | None = None,
    form: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
    nav: list[tuple[str, str]] | None = None,
    assets: str | None = None,
    ui_lang: str | None = None,
    title: str | None = None,
    stamp: dict[str, Any] | None = None,
    sources: dict[str, dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """The HTML page of ``net``.

    ``answer`` and ``answer_template`` (a template under ``viz/templates``) put the answer in
    words beside the picture; ``form`` shows a question form (only in the app); ``links`` maps
    ``entity`` to the URL prefix of entity pages (only in the app); ``nav`` lists header links.
    ``assets`` is the URL under which the app serves ``viz/static``: the page then links the
    scripts and styles (fetched once, cached) instead of inlining them, and carries no inline
    script, so the app's Content-Security-Policy header needs no ``'unsafe-inline'``.
    ``ui_lang`` is the language of the page's words (labels follow ``net``'s own ``lang``);
    ``stamp`` is ``viz.sources.stamp`` ("data as of ..., N documents") and ``sources`` the
    documents by id (``viz.sources.documents``), shown with every citation.
    """
    lang = ui_lang or net.gg.get("lang") or "en"
    return (
        environment(lang)
        .get_template("page.html")
        .render(
            title=title or net.gg.get("title") or net.gg.get("view"),
            view=net.gg.get("view"),
            lang=lang,
            words=ui(lang),
            summary=summary(net, lang),
            stamp=stamp,
            sources=sources or {},
            data_json=script_json(page_data(net, links=links, ui_lang=lang, sources=sources)),
            assets={
                name: asset_url(assets, name)
                for name in (
                    "vis-network.min.js",
                    "vis-network.css",
                    "govgraph.js",
                    "copy.js",
                    "govgraph.css",
                )
            }
            if assets
            else None,
            inline=None
            if assets
            else {
                "vis_js": static("vis-network.min.js"),
                "vis_css": static("vis-network.css"),
                "page_js": static("govgraph.js"),
                "copy_js": static("copy.js"),
                "page_css": static("govgraph.css"),
            },
            answer=answer,
            answer_template=answer_template,
            form=form,
            nav=nav or [],
            node_labels={n["id"]: n["label"] for n in net.nodes},
            entity_base=(links or {}).get("entity", ""),
            source_base=(links or {}).get("source", ""),
            **(extra or {}),
        )
    )


def write(net: Network, path: Path | str, **kwargs: Any) -> Path:
    """Write ``net``'s page to ``path`` (one file that works offline); return the path."""
    target = Path(path)
    target.write_text(render(net, **kwargs), encoding="utf-8")
    return target
