"""Text pages for the questions without a picture: consistency findings (``check``), what
changed between two days (``diff``) and what moves if something is late (``slip``, the
what-if of a delay).

The answers come from ``graph.queries``; here they are only put in words in the page language
(``ui_lang``), with each fact's sources linked to their highlight on ``/documents/{id}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.index import GovIndex, index_of
from graph.store import GraphStore
from ontology.terms import DATA
from viz.context import SOURCE_BASE, SUGGEST, ask_served
from viz.i18n import N_, translate
from viz.sources import documents

GAPS = ("no_decider", "no_decision_mandate", "body_without_members")
OVERLAPS = ("overlapping_mandates",)
FINDING_GROUPS = (
    ("gaps", N_("Gaps"), GAPS),
    ("overlaps", N_("Overlaps"), OVERLAPS),
    ("errors", N_("Contradictions and missing sources"), None),
)
SEVERITY = {"error": N_("error"), "warning": N_("warning"), "info": N_("note")}
FINDINGS: dict[str, str] = {
    "no_decider": N_(
        "No mandate covers %(s0)s: nobody is stated to decide, steer or follow up on it."
    ),
    "no_decision_mandate": N_(
        "No mandate to decide covers %(s0)s; only mandates with other actions do."
    ),
    "body_without_members": N_("%(s0)s has no members or posts in the graph."),
    "overlapping_mandates": N_(
        "%(s2)s and %(s3)s hold mandates over the same matters at the same time "
        "(%(s0)s; %(s1)s), and neither excludes the other."
    ),
    "reporting_cycle": N_("Reporting cycle: %(all)s; escalation never reaches the top."),
    "holder_not_existing": N_("%(s0)s starts at a time when its holder %(s1)s does not exist."),
    "dependency_on_retired": N_("%(s0)s depends on %(s1)s, which is retired."),
    "document_missing": N_("The text of %(s0)s is missing; its quotes cannot be checked."),
    "quote_not_found": N_("A quote cited for %(s0)s is not found in %(s1)s."),
    "dangling_reference": N_("%(s0)s refers to something that is not in the graph."),
}
DIFF_KINDS = {
    "membership": N_("%(member)s in %(body)s (%(role)s)"),
    "mandate": N_("%(holder)s may %(actions)s regarding %(scope)s"),
    "dependency": N_("%(dependent)s depends on %(prerequisite)s"),
}


def _label(index: GovIndex, ref: dict[str, Any] | None, lang: str | None) -> str:
    if not ref:
        return "—"
    iri = DATA + str(ref["id"])
    return index.label(iri, lang) if iri in index.nodes else str(ref.get("label") or ref["id"])


def finding_words(
    index: GovIndex, finding: dict[str, Any], ui_lang: str, lang: str | None = None
) -> dict[str, Any]:
    """A ``check`` finding as the page shows it: ``{kind, severity, text, english, subjects,
    citations}``; ``text`` names the subjects by their labels in ``lang``, never by ids
    (``english`` is True when the kind has no words in the catalogs yet: the query's message).
    """
    subjects = [
        {"id": s["id"], "label": _label(index, s, lang), "type": index.type_name(DATA + s["id"])}
        for s in finding.get("subjects", [])
    ]
    labels = {f"s{n}": s["label"] for n, s in enumerate(subjects)}
    names = [s["label"] for s in subjects]
    labels["all"] = " → ".join(names + names[:1])
    message = FINDINGS.get(finding["kind"])
    try:
        text = translate(ui_lang, message) % labels if message else finding["message"]
    except KeyError:
        text, message = finding["message"], None
    citations = [
        c
        for s in subjects
        if s["type"] in ("mandate", "dependency")
        for c in index.citation_dicts(DATA + s["id"])
    ]
    return {
        "kind": finding["kind"],
        "severity": finding["severity"],
        "text": text,
        "english": message is None,
        "subjects": [s for s in subjects if s["type"] not in ("mandate", "dependency")],
        "citations": citations[:6],
    }


def check_page(
    store: GraphStore,
    *,
    ui_lang: str,
    as_of: str | None = None,
    lang: str | None = None,
    documents_dir: Path | None = None,
    here: str | None = None,
) -> str:
    """Governance findings grouped as gaps, overlaps and contradictions, most severe first;
    a bad ``as_of`` is shown on the form."""
    from graph.health import dangling_references
    from graph.queries.check import check

    index = index_of(store)
    form = {"as_of": as_of, "lang": lang, "error": None}

    def question() -> dict[str, Any]:
        found = check(store, as_of=as_of or None, documents_dir=documents_dir)
        # as `govgraph check` does: references to nothing come first
        return {**found, "findings": dangling_references(store) + found["findings"]}

    answer, form["error"] = ask_served(True, "check", question, ui_lang)
    groups = []
    if answer is not None:
        findings = [finding_words(index, f, ui_lang, lang) for f in answer["findings"]]
        placed: set[int] = set()
        for key, heading, kinds in FINDING_GROUPS:
            members = [
                (n, f)
                for n, f in enumerate(findings)
                if n not in placed and (kinds is None or f["kind"] in kinds)
            ]
            placed.update(n for n, _ in members)
            groups.append((key, heading, [f for _, f in members]))
    return _text_page(
        "check.html",
        index,
        ui_lang,
        title=translate(ui_lang, "Gaps and overlaps"),
        here=here,
        form=form,
        groups=groups,
        total=sum(len(found) for _, _, found in groups),
        answered=answer is not None,
        severity=lambda s: translate(ui_lang, SEVERITY.get(s) or str(s)),
    )


def change_words(
    index: GovIndex, item: dict[str, Any], ui_lang: str, lang: str | None = None
) -> str:
    """One added or removed fact of ``diff`` as words: who, what, with whom."""
    from viz.words import actions_phrase, join, role_word, type_word

    kind = item.get("kind", "")
    message = DIFF_KINDS.get(kind)
    if message is None:
        return f"{_label(index, item, lang)} ({type_word(kind, ui_lang)})"
    values = {
        "member": _label(index, item.get("member"), lang),
        "body": _label(index, item.get("body"), lang),
        "role": role_word(str(item.get("role") or "member"), ui_lang),
        "holder": _label(index, item.get("holder"), lang),
        "actions": actions_phrase(item.get("actions") or [], ui_lang),
        "scope": join([_label(index, s, lang) for s in item.get("scope") or []], ui_lang),
        "dependent": _label(index, item.get("dependent"), lang),
        "prerequisite": _label(index, item.get("prerequisite"), lang),
    }
    return translate(ui_lang, message) % values


def diff_page(
    store: GraphStore,
    *,
    ui_lang: str,
    from_date: str | None = None,
    to_date: str | None = None,
    lang: str | None = None,
    here: str | None = None,
) -> str:
    """What changed between two days: facts added and removed, and the decisions and changes
    dated between them, each with its sources."""
    from graph.queries.diff import diff

    index = index_of(store)
    form = {"from": from_date, "to": to_date, "lang": lang, "error": None}
    asked = from_date and to_date
    answer, form["error"] = ask_served(
        True,
        "diff" if asked else None,
        lambda: diff(store, from_date=from_date or "", to_date=to_date or "", lang=lang),
        ui_lang,
    )
    if answer is not None:
        for key in ("added", "removed"):
            for item in answer[key]:
                item["text"] = change_words(index, item, ui_lang, lang)
    return _text_page(
        "diff.html",
        index,
        ui_lang,
        title=translate(ui_lang, "What changed?"),
        here=here,
        form=form,
        answer=answer,
    )


def slip_page(
    store: GraphStore,
    *,
    ui_lang: str,
    node: str | None = None,
    days: int | None = None,
    as_of: str | None = None,
    lang: str | None = None,
    here: str | None = None,
) -> str:
    """What if [node] is [days] days late: what moves, what absorbs it, which go-lives break,
    each moved item with the sources of the dependency that moves it."""
    from graph.queries.impact import impact
    from graph.queries.slip import slip
    from viz.pages import impact_quotes

    index = index_of(store)
    form = {"node": node, "days": days, "as_of": as_of, "lang": lang, "error": None}
    form["suggest"] = SUGGEST

    def question() -> dict[str, Any]:
        found = slip(store, node or "", days=days or 0, as_of=as_of or None, lang=lang)
        hit = impact(store, node or "", as_of=as_of or None, lang=lang)
        found["impact"] = {**hit, "quotes": impact_quotes(hit, index)}
        return found

    answer, form["error"] = ask_served(True, node if days is not None else None, question, ui_lang)
    if answer is not None:
        for item in answer["moved"]:
            item["citations"] = _link_citations(index, item.get("via"), item["id"])
    return _text_page(
        "slip.html",
        index,
        ui_lang,
        title=translate(ui_lang, "What if it is late?"),
        here=here,
        form=form,
        answer=answer,
    )


def _link_citations(index: GovIndex, prerequisite: str | None, dependent: str) -> list[Any]:
    """The sources of the dependency of ``dependent`` on ``prerequisite`` (ids)."""
    if not prerequisite:
        return []
    data = index.dependency_graph().get_edge_data(DATA + dependent, DATA + prerequisite)
    if data is None:
        data = index.dependency_graph().get_edge_data(DATA + prerequisite, DATA + dependent)
    return index.citation_dicts(data["dependency"]) if data else []


def _text_page(template: str, index: GovIndex, ui_lang: str, **values: Any) -> str:
    from viz.browse import text_page
    from viz.page import asset_url

    return text_page(
        template,
        ui_lang=ui_lang,
        index=index,
        sources=documents(index),
        source_base=SOURCE_BASE,
        js_url=asset_url("/static/viz", "copy.js"),
        **values,
    )
