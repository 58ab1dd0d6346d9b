"""Whole pages: ask a query, draw its answer, say it in words. Used by the app and the CLI.

Each function takes the store and a question's arguments and returns one HTML page. ``served``
adds what only works inside the app: the question form, its autocomplete, links between pages
and to the sources, and assets fetched from the app; an exported page (``served=False``) is a
single file that works offline. ``ui_lang`` is the language of the page's words (default:
``lang``, else English); ``lang`` is the language of the graph's labels (``None``: each label
in its original language). ``here`` (the page's own URL) adds a language switch.
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
from viz.context import (
    ASSETS,
    ENTITY_BASE,
    NAV,
    SOURCE_BASE,
    SUGGEST,
    VIEWS_PREFIX,
    Context,
    ask_served,
    error_message,
    question_form,
)
from viz.context import page_context as _context
from viz.i18n import N_, translate
from viz.page import render

__all__ = [
    "ASSETS",
    "ENTITY_BASE",
    "NAV",
    "SOURCE_BASE",
    "SUGGEST",
    "VIEWS_PREFIX",
    "Context",
    "error_message",
]


def index_page(store: GraphStore | None = None, *, ui_lang: str | None = None) -> str:
    """The list of views and question pages."""
    links = [
        (f"{VIEWS_PREFIX}/overview", N_("Overview of the whole graph")),
        (
            f"{VIEWS_PREFIX}/who-decides?subject=sundhedsplatformen",
            N_("Who decides about Sundhedsplatformen?"),
        ),
        (
            f"{VIEWS_PREFIX}/impact?node=sundhedsplatformen",
            N_("What is hit if Sundhedsplatformen slips?"),
        ),
        (f"{VIEWS_PREFIX}/chains", N_("Critical chains")),
        (f"{VIEWS_PREFIX}/slip?node=epj-syd&days=30", N_("What if EPJ SYD is 30 days late?")),
        (f"{VIEWS_PREFIX}/diff?from=2019&to=2024", N_("What changed between 2019 and 2024?")),
        (f"{VIEWS_PREFIX}/check", N_("Gaps and overlaps")),
        (f"{VIEWS_PREFIX}/org-chart", N_("Org chart")),
        (f"{ENTITY_BASE}ds", N_("Fact sheet: Digital Styregruppe")),
        (
            f"{VIEWS_PREFIX}/neighbourhood/ds?hops=2",
            N_("Neighbourhood of Digital Styregruppe, two steps"),
        ),
    ]
    from viz.browse import text_page

    lang = ui_lang or "en"
    return text_page(
        "index.html",
        ui_lang=lang,
        title=translate(lang, "Views"),
        links=links,
        here=None,
        index=index_of(store) if store is not None else None,
    )


def overview_page(
    store: GraphStore,
    *,
    lang: str | None = None,
    documents: bool = False,
    as_of: date | None = None,
    fold_above: int | None = views.DEFAULT_FOLD_ABOVE,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
) -> str:
    ctx = _context(served, ui_lang, lang, here)
    index = index_of(store)
    net = views.overview(index, lang=lang, documents=documents, as_of=as_of, fold_above=fold_above)
    title = translate(ctx.ui_lang, "Overview of the whole graph")
    return render(net, title=title, **ctx.render_args(index))


def neighbourhood_page(
    store: GraphStore,
    name: str,
    *,
    hops: int = 1,
    relation_types: list[str] | None = None,
    lang: str | None = None,
    fold_above: int | None = views.DEFAULT_FOLD_ABOVE,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
) -> str:
    ctx = _context(served, ui_lang, lang, here)
    index = index_of(store)
    root = resolve(index, name)
    net = views.neighbourhood(
        index, root, hops=hops, relation_types=relation_types, lang=lang, fold_above=fold_above
    )
    title = translate(ctx.ui_lang, "Neighbourhood of %(name)s") % {"name": index.label(root, lang)}
    return render(net, title=title, **ctx.render_args(index))


def entity_page(
    store: GraphStore,
    name: str,
    *,
    lang: str | None = None,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
) -> str:
    """The fact sheet in words (relations, dependencies, members, mandates, sources) beside
    the entity's neighbourhood."""
    from graph.queries.describe import describe

    ctx = _context(served, ui_lang, lang, here)
    index = index_of(store)
    answer = describe(store, name, lang=lang)
    answer["facts"] = entity_facts(index, answer, lang=lang)
    for member in answer.get("members", []):
        member["title"] = member_title(index, member, lang or ctx.ui_lang) or member.get("title")
    net = views.neighbourhood(index, answer["iri"], hops=1, lang=lang)
    net.gg["view"] = "entity"
    return render(
        net,
        title=answer["label"],
        answer=answer,
        answer_template="answer_entity.html",
        **ctx.render_args(index),
    )


def member_title(index: GovIndex, member: dict[str, Any], lang: str) -> str | None:
    """A member's title in ``lang``, else in a Nordic language the source gives, else English
    (titles are labels the sources give; none is made up)."""
    node = index.node(DATA + str(member.get("membership", "")))
    titles = {lit.lang or "": lit.value for lit in node.literals.get(v.MEMBER_TITLE, [])}
    for code in (lang, "da", "nb", "", "en"):
        if titles.get(code):
            return titles[code]
    return None


_NOT_FACTS = {"dependency", "membership", "citation", "period"}


def entity_facts(
    index: GovIndex, answer: dict[str, Any], *, lang: str | None = None
) -> list[dict[str, Any]]:
    """An entity's relations as facts to write as sentences: ``{relation, other,
    subject_is_self, citations}``; dependencies (recorded as their own nodes) as "depends on"
    both ways, with the dependency's citations."""
    facts = [
        {
            "relation": r["predicate"],
            "other": r["target"],
            "subject_is_self": r["direction"] == "out",
            "citations": r.get("citations", []),
        }
        for r in answer.get("relations", [])
        if r["target"].get("type") not in _NOT_FACTS
        # a body's mandates are listed apart ("Mandates held")
        and not (r["predicate"] == "gg:holder" and r["direction"] == "in")
    ]
    iri = answer["iri"]
    for dep in index.of_type(v.DEPENDENCY):
        node = index.node(dep)
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if iri not in (dependent, prerequisite) or not dependent or not prerequisite:
            continue
        other = prerequisite if dependent == iri else dependent
        facts.append(
            {
                "relation": "depends_on",
                "other": index.ref(other, lang),
                "subject_is_self": dependent == iri,
                "citations": index.citation_dicts(dep),
            }
        )
    return facts


def who_decides_page(
    store: GraphStore,
    subject: str | None,
    *,
    action: str | None = None,
    as_of: str | None = None,
    lang: str | None = None,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
) -> str:
    """ "Who decides [subject] [action] [as of]": the deciders in words and as a picture.

    With ``served``, a form to ask again; an unknown name is shown on the form, not raised.
    """
    from graph.queries.who_decides import who_decides

    ctx = _context(served, ui_lang, lang, here)
    form = question_form(
        "form_who.html", served, subject=subject, action=action, as_of=as_of, lang=lang
    )
    form["actions"] = v.ACTIONS
    index = index_of(store)
    answer, error = ask_served(
        served,
        subject,
        lambda: who_decides(
            store, subject or "", action=action or None, as_of=as_of or None, lang=lang
        ),
        ctx.ui_lang,
    )
    title = translate(ctx.ui_lang, "Who decides?")
    if answer is None:
        net = views.new_network("who-decides", title, lang=lang)
        form["error"] = error
        return render(net, title=title, form=form if served else None, **ctx.render_args(index))
    net = answers.who_decides_view(answer, index, lang=lang, ui_lang=ctx.ui_lang)
    return render(
        net,
        title=title,
        answer=answer,
        answer_template="answer_who.html",
        form=form if served else None,
        **ctx.render_args(index),
    )


def impact_page(
    store: GraphStore,
    node: str | None,
    *,
    direction: str = "downstream",
    as_of: str | None = None,
    lang: str | None = None,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
    max_depth: int | None = None,
    min_criticality: str | None = None,
    late_days: int | None = None,
) -> str:
    """ "What is hit if [X] slips / fails": impacted items, with the dependencies' quotes;
    ``max_depth`` and ``min_criticality`` bound the search, ``late_days`` adds what moves and
    which go-lives break if X ends that many days late (``graph.queries.slip``)."""
    from graph.queries.impact import impact
    from graph.queries.slip import slip

    ctx = _context(served, ui_lang, lang, here)
    form = question_form(
        "form_impact.html",
        served,
        node=node,
        direction=direction,
        lang=lang,
        as_of=as_of,
        max_depth=max_depth,
        min_criticality=min_criticality,
        late_days=late_days,
        criticalities=v.CRITICALITIES,
    )
    index = index_of(store)

    def question() -> dict[str, Any]:
        found = impact(
            store,
            node or "",
            direction=direction,
            as_of=as_of or None,
            lang=lang,
            max_depth=max_depth,
            min_criticality=min_criticality or None,
        )
        if late_days:
            found["slip"] = slip(store, node or "", days=late_days, as_of=as_of or None, lang=lang)
        return found

    answer, error = ask_served(served, node, question, ctx.ui_lang)
    title = translate(ctx.ui_lang, "What is hit?")
    if answer is None:
        net = views.new_network("impact", title, lang=lang)
        form["error"] = error
        return render(net, title=title, form=form if served else None, **ctx.render_args(index))
    net = answers.impact_view(answer, index, lang=lang, ui_lang=ctx.ui_lang)
    answer = {**answer, "quotes": impact_quotes(answer, index)}
    return render(
        net,
        title=title,
        answer=answer,
        answer_template="answer_impact.html",
        form=form if served else None,
        **ctx.render_args(index),
    )


def chains_page(
    store: GraphStore,
    *,
    k: int = 5,
    lang: str | None = None,
    served: bool = False,
    ui_lang: str | None = None,
    here: str | None = None,
) -> str:
    from graph.queries.chains import critical_chains

    ctx = _context(served, ui_lang, lang, here)
    index = index_of(store)
    answer = critical_chains(store, k=k, lang=lang)
    net = answers.chain_view(answer, index, lang=lang)
    title = translate(ctx.ui_lang, "Critical chains")
    return render(
        net,
        title=title,
        answer=answer,
        answer_template="answer_chains.html",
        **ctx.render_args(index),
    )


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
