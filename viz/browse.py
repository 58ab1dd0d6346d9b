"""Text pages for people: the landing page, browsing and searching entities.

Each function returns one HTML page in ``ui_lang`` (served by the app only: these pages link to
each other and to the views).
"""

from __future__ import annotations

from typing import Any

from graph.index import GovIndex, index_of
from graph.store import GraphStore
from ontology.terms import DATA
from viz.context import ASSETS, ENTITY_BASE, NAV, VIEWS_PREFIX, Context
from viz.i18n import translate
from viz.page import asset_url, environment
from viz.sources import documents, stamp


def text_page(
    template: str,
    *,
    ui_lang: str,
    title: str,
    here: str | None = None,
    index: GovIndex | None = None,
    **values: Any,
) -> str:
    """A page of ``template`` (extending ``base.html``) with header, navigation and stamp."""
    ctx = Context(ui_lang, True, here)
    return (
        environment(ui_lang)
        .get_template(template)
        .render(
            lang=ui_lang,
            title=title,
            nav=NAV,
            css_url=asset_url(ASSETS, "govgraph.css"),
            switch_lang=ctx.switch_lang if here else None,
            stamp=stamp(index) if index is not None else None,
            entity_base=ENTITY_BASE,
            **values,
        )
    )


def home_page(store: GraphStore, *, ui_lang: str, here: str | None = None) -> str:
    """The landing page: the main questions as forms and links, browsing, developer links."""
    index = index_of(store)
    _ = lambda text: translate(ui_lang, text)  # noqa: E731
    q = f"lang={ui_lang}"
    questions = [
        (
            f"{VIEWS_PREFIX}/who-decides?subject=sundhedsplatformen&action=decide&{q}",
            _("Who may decide about Sundhedsplatformen?"),
        ),
        (f"{VIEWS_PREFIX}/who-decides?subject=ds&{q}", _("Who decides about Digital Styregruppe?")),
        (f"{VIEWS_PREFIX}/impact?node=epj-syd&{q}", _("What is hit if EPJ SYD slips?")),
        (
            f"{VIEWS_PREFIX}/impact?node=sykehuspartner&{q}",
            _("What is hit if Sykehuspartner fails?"),
        ),
        (f"{VIEWS_PREFIX}/chains?{q}", _("Which chains of critical dependencies are longest?")),
        (f"{VIEWS_PREFIX}/slip?node=epj-syd&days=30&{q}", _("What if EPJ SYD is 30 days late?")),
        (f"{VIEWS_PREFIX}/diff?from=2019&to=2024&{q}", _("What changed between 2019 and 2024?")),
        (
            f"{VIEWS_PREFIX}/check?{q}",
            _("Where does nobody decide, and where do mandates overlap?"),
        ),
    ]
    browse = [
        (f"/browse?{q}", _("Everything, by type and organisation")),
        (f"/browse/mandates?{q}", _("The mandate matrix: who may do what about which matters")),
        (f"{VIEWS_PREFIX}/overview?{q}", _("Overview of the whole graph")),
    ]
    developer = [
        ("/docs", _("API documentation")),
        ("/redoc", "ReDoc"),
        ("/openapi.json", "OpenAPI"),
        ("/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%3Fs%20a%20%3Ft%7D%20LIMIT%205", "SPARQL"),
        ("/export", _("The whole graph as Turtle")),
        ("/check", _("Governance consistency findings (JSON)")),
        ("/who-decides?subject=sundhedsplatformen", _("Who decides?") + " (JSON)"),
        ("/impact?node=sundhedsplatformen", _("What is hit?") + " (JSON)"),
        ("/views", _("Views")),
    ]
    return text_page(
        "home.html",
        ui_lang=ui_lang,
        title="govgraph",
        here=here,
        index=index,
        questions=questions,
        browse=browse,
        developer=developer,
        question_box=_has_question_box(),
    )


def _has_question_box() -> bool:
    from viz.page import TEMPLATES

    return (TEMPLATES / "_question_box.html").exists()


def _organisation(index: GovIndex, iri: str, lang: str | None) -> str:
    from viz.fold import home_of

    home = home_of(index, iri)
    return index.label(home, lang) if home else ""


def browse_page(
    store: GraphStore,
    *,
    ui_lang: str,
    kind: str | None = None,
    organisation: str | None = None,
    lang: str | None = None,
    here: str | None = None,
) -> str:
    """Every entity by type, optionally of one type and one organisation, linked to its
    fact sheet."""
    from ontology.terms import local_id
    from viz.words import type_word

    index = index_of(store)
    rows: list[dict[str, Any]] = [
        {
            "id": local_id(iri),
            "label": index.label(iri, lang),
            "type": index.type_name(iri),
            "organisation": _organisation(index, iri, lang),
            "alt": index.alt_labels(iri),
        }
        for iri in index.entities()
        if index.type_name(iri) not in ("document", "dependency", "membership")
    ]
    types = sorted({r["type"] for r in rows}, key=lambda t: type_word(t, ui_lang))
    organisations = sorted({r["organisation"] for r in rows if r["organisation"]})
    shown = [
        r
        for r in rows
        if (not kind or r["type"] == kind)
        and (not organisation or r["organisation"] == organisation)
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(shown, key=lambda r: (r["label"].casefold(), r["id"])):
        groups.setdefault(row["type"], []).append(row)
    ordered = [(t, groups[t]) for t in types if t in groups]
    return text_page(
        "browse.html",
        ui_lang=ui_lang,
        title=translate(ui_lang, "Browse"),
        here=here,
        index=index,
        groups=ordered,
        types=types,
        organisations=organisations,
        kind=kind or "",
        organisation=organisation or "",
        total=len(shown),
        documents=sorted(documents(index).values(), key=lambda d: d["title"]),
    )


def search_page(
    store: GraphStore,
    q: str,
    *,
    ui_lang: str,
    lang: str | None = None,
    here: str | None = None,
) -> str:
    """Search results: entities whose name, alias or id matches ``q``, best first."""
    from graph.queries.describe import search

    index = index_of(store)
    hits = [
        h
        for h in (search(store, q, limit=60, lang=lang) if q.strip() else [])
        if h["type"] not in ("dependency", "membership")
    ][:50]
    for hit in hits:
        hit["organisation"] = _organisation(index, DATA + hit["id"], lang)
    return text_page(
        "search.html",
        ui_lang=ui_lang,
        title=translate(ui_lang, "Search"),
        here=here,
        index=index,
        q=q,
        hits=hits,
    )
