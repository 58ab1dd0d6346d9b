"""Whole pages: ask a query, draw its answer, say it in words. Used by the app and the CLI.

Each function takes the store and a question's arguments and returns one HTML page. ``served``
adds what only works inside the app: the question form, its autocomplete and links between
pages; an exported page (``served=False``) is a single file that works offline.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import DATA
from viz import answers, views
from viz.page import environment, render

VIEWS_PREFIX = "/views"
ENTITY_BASE = f"{VIEWS_PREFIX}/entity/"
SUGGEST = f"{VIEWS_PREFIX}/suggest"

NAV = [
    (VIEWS_PREFIX, "Views"),
    (f"{VIEWS_PREFIX}/overview", "Overview"),
    (f"{VIEWS_PREFIX}/who-decides", "Who decides?"),
    (f"{VIEWS_PREFIX}/impact", "What is hit?"),
    (f"{VIEWS_PREFIX}/chains", "Critical chains"),
]


def _served(served: bool) -> dict[str, Any]:
    return {"links": {"entity": ENTITY_BASE}, "nav": NAV} if served else {}


def index_page() -> str:
    """The list of views and question pages."""
    links = [
        (f"{VIEWS_PREFIX}/overview", "Overview of the whole graph"),
        (f"{VIEWS_PREFIX}/overview?lang=en", "Overview, English labels"),
        (
            f"{VIEWS_PREFIX}/who-decides?subject=sundhedsplatformen",
            "Who decides about Sundhedsplatformen?",
        ),
        (
            f"{VIEWS_PREFIX}/impact?node=sundhedsplatformen",
            "What is hit if Sundhedsplatformen slips?",
        ),
        (f"{VIEWS_PREFIX}/chains", "Critical chains"),
        (f"{ENTITY_BASE}ds", "Entity page: Digital Styregruppe"),
        (f"{VIEWS_PREFIX}/neighbourhood/ds?hops=2", "Neighbourhood of Digital Styregruppe, 2 hops"),
        (f"{VIEWS_PREFIX}/portfolio", "Portfolio boards of the steering bodies"),
        (f"{VIEWS_PREFIX}/timeline", "Portfolio timeline"),
        (f"{VIEWS_PREFIX}/indicators", "Indicators"),
    ]
    return environment().get_template("index.html").render(links=links)


def overview_page(
    store: GraphStore,
    *,
    lang: str | None = None,
    documents: bool = False,
    as_of: date | None = None,
    fold_above: int | None = views.DEFAULT_FOLD_ABOVE,
    served: bool = False,
) -> str:
    net = views.overview(
        index_of(store), lang=lang, documents=documents, as_of=as_of, fold_above=fold_above
    )
    return render(net, **_served(served))


def neighbourhood_page(
    store: GraphStore,
    name: str,
    *,
    hops: int = 1,
    relation_types: list[str] | None = None,
    lang: str | None = None,
    fold_above: int | None = views.DEFAULT_FOLD_ABOVE,
    served: bool = False,
) -> str:
    index = index_of(store)
    net = views.neighbourhood(
        index,
        resolve(index, name),
        hops=hops,
        relation_types=relation_types,
        lang=lang,
        fold_above=fold_above,
    )
    return render(net, **_served(served))


def entity_page(
    store: GraphStore, name: str, *, lang: str | None = None, served: bool = False
) -> str:
    """Facts, relations and citations in words, beside the entity's neighbourhood."""
    from graph.queries.describe import describe

    index = index_of(store)
    answer = describe(store, name, lang=lang)
    net = views.neighbourhood(index, answer["iri"], hops=1, lang=lang)
    net.gg["view"] = "entity"
    return render(
        net,
        answer={**answer, "entity_base": ENTITY_BASE if served else ""},
        answer_template="answer_entity.html",
        **_served(served),
    )


def who_decides_page(
    store: GraphStore,
    subject: str | None,
    *,
    action: str | None = None,
    as_of: str | None = None,
    lang: str | None = None,
    served: bool = False,
) -> str:
    """ "Who decides [subject] [action] [as of]": the deciders in words and as a picture.

    With ``served``, a form to ask again; an unknown name is shown on the form, not raised.
    """
    from graph.queries.who_decides import who_decides

    form = _form("form_who.html", served, subject=subject, action=action, as_of=as_of, lang=lang)
    form["actions"] = v.ACTIONS
    index = index_of(store)
    answer, error = _ask(
        served,
        subject,
        lambda: who_decides(
            store, subject or "", action=action or None, as_of=as_of or None, lang=lang
        ),
    )
    if answer is None:
        net = views.new_network("who-decides", "Who decides?", lang=lang)
        form["error"] = error
        return render(net, form=form if served else None, **_served(served))
    net = answers.who_decides_view(answer, index, lang=lang)
    return render(
        net,
        answer=answer,
        answer_template="answer_who.html",
        form=form if served else None,
        **_served(served),
    )


def impact_page(
    store: GraphStore,
    node: str | None,
    *,
    direction: str = "downstream",
    as_of: str | None = None,
    lang: str | None = None,
    served: bool = False,
) -> str:
    """ "What is hit if [X] slips / fails": impacted items, with the dependencies' quotes."""
    from graph.queries.impact import impact

    form = _form("form_impact.html", served, node=node, direction=direction, lang=lang)
    index = index_of(store)
    answer, error = _ask(
        served,
        node,
        lambda: impact(store, node or "", direction=direction, as_of=as_of or None, lang=lang),
    )
    if answer is None:
        net = views.new_network("impact", "What is hit?", lang=lang)
        form["error"] = error
        return render(net, form=form if served else None, **_served(served))
    net = answers.impact_view(answer, index, lang=lang)
    answer = {**answer, "quotes": impact_quotes(answer, index)}
    return render(
        net,
        answer=answer,
        answer_template="answer_impact.html",
        form=form if served else None,
        **_served(served),
    )


def chains_page(
    store: GraphStore, *, k: int = 5, lang: str | None = None, served: bool = False
) -> str:
    from graph.queries.chains import critical_chains

    answer = critical_chains(store, k=k, lang=lang)
    net = answers.chain_view(answer, index_of(store), lang=lang)
    return render(net, answer=answer, answer_template="answer_chains.html", **_served(served))


def impact_quotes(answer: dict[str, Any], index: GovIndex) -> dict[str, list[dict[str, str]]]:
    """For each impacted item, the sources of the dependency on its explaining path's last step."""
    graph = index.dependency_graph()
    quotes: dict[str, list[dict[str, str]]] = {}
    for item in answer.get("impacted", []):
        path = [p["id"] if isinstance(p, dict) else str(p) for p in item.get("path") or []]
        if len(path) < 2:
            continue
        a, b = DATA + path[-2], DATA + path[-1]
        data = graph.get_edge_data(a, b) or graph.get_edge_data(b, a)
        if data is not None:
            quotes[item["id"]] = index.citation_dicts(data["dependency"])
    return quotes


def _form(template: str, served: bool, **values: Any) -> dict[str, Any]:
    return {"template": template, "suggest": SUGGEST, "error": None, **values} if served else {}


def _ask(served: bool, name: str | None, question: Any) -> tuple[dict[str, Any] | None, str | None]:
    """Ask; on a served page an unanswerable question becomes a message on the form.

    Exported pages (``served=False``) raise, so the CLI reports the error and its exit code.
    """
    from ontology.errors import GovGraphError

    if not served:
        return question(), None
    if not name:
        return None, None
    try:
        return question(), None
    except GovGraphError as error:
        return None, str(error)
