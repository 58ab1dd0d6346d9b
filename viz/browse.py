"""Text pages for people: the landing page, browsing and searching entities.

Each function returns one HTML page in ``ui_lang`` (served by the app only: these pages link to
each other and to the views).
"""

from __future__ import annotations

from typing import Any

from graph.index import GovIndex, index_of
from graph.store import GraphStore
from viz.i18n import translate
from viz.page import asset_url, environment
from viz.pages import ASSETS, ENTITY_BASE, NAV, VIEWS_PREFIX, Context
from viz.sources import stamp


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
