"""The mandate matrix as a table: bodies x matters x actions, each cell linked to its quote."""

from __future__ import annotations

from typing import Any

from graph.index import GovIndex, index_of
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import concept_slug, local_id
from viz.sources import quote_anchor


def mandate_matrix(index: GovIndex, *, lang: str | None = None) -> dict[str, Any]:
    """``{actions, rows}``: one row per (holder, matter); each row's ``cells`` map an action
    to ``{granted, mandate, citation}`` (``granted`` False where the mandate excludes the
    matter). Only actions that some mandate grants are columns, in the action scheme's order.
    """
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    used: set[str] = set()
    for mandate in index.of_type(v.MANDATE):
        node = index.node(mandate)
        actions = {concept_slug(a) for a in node.links.get(v.ACTION, [])}
        cites = index.citation_dicts(mandate)
        cite = cites[0] if cites else None
        if cite is not None:
            cite = {**cite, "anchor": quote_anchor(cite["quote"])}
        for holder in node.links.get(v.HOLDER, []):
            for key, granted in ((v.SCOPE, True), (v.EXCLUDES, False)):
                for matter in node.links.get(key, []):
                    row = rows.setdefault(
                        (holder, matter),
                        {
                            "holder": index.ref(holder, lang),
                            "matter": index.ref(matter, lang),
                            "cells": {},
                        },
                    )
                    for action in actions:
                        used.add(action)
                        cell = row["cells"].get(action)
                        if cell is None or (granted and not cell["granted"]):
                            row["cells"][action] = {
                                "granted": granted,
                                "mandate": {
                                    "id": local_id(mandate),
                                    "label": index.label(mandate, lang),
                                },
                                "citation": cite,
                            }
    ordered = sorted(
        rows.values(),
        key=lambda r: (r["holder"]["label"].casefold(), r["matter"]["label"].casefold()),
    )
    return {"actions": [a for a in v.ACTIONS if a in used], "rows": ordered}


def matrix_page(
    store: GraphStore, *, ui_lang: str, lang: str | None = None, here: str | None = None
) -> str:
    """The mandate matrix page; each mark links to the quote that grants (or excludes) it."""
    from viz.browse import text_page
    from viz.i18n import translate

    index = index_of(store)
    return text_page(
        "matrix.html",
        ui_lang=ui_lang,
        title=translate(ui_lang, "Mandate matrix"),
        here=here,
        index=index,
        matrix=mandate_matrix(index, lang=lang),
    )
