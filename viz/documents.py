"""A source document's page: its text with every quoted sentence highlighted, each highlight
linked to the facts it supports (and each fact back to its highlight and its entity's page).

A citation anywhere in the app links to ``/documents/{id}#{anchor}`` (``viz.sources.
quote_anchor``), so a quote is one click from the sentence it was taken from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graph.index import Citation, GovIndex, index_of
from graph.store import GraphStore
from ontology import vocab as v
from ontology.errors import NotFound
from ontology.terms import DATA, compact, local_id
from viz.sources import documents, quote_anchor
from viz.words import relation_word, type_word


def document_citations(index: GovIndex, doc_id: str) -> list[tuple[str, Citation]]:
    """``(about, citation)`` for every citation of ``doc_id``, in a stable order."""
    found = [
        (about, c)
        for about, cites in index.citations.items()
        for c in cites
        if local_id(c.document) == doc_id
    ]
    return sorted(found, key=lambda item: (item[1].quote, item[0], item[1].predicate or ""))


def fact_sentence(index: GovIndex, about: str, cite: Citation, lang: str | None) -> dict[str, Any]:
    """What a citation supports, as ``{text, entity}``: a sentence in ``lang`` and the id of
    the entity page to open."""
    kind = index.type_name(about)
    node = index.node(about)
    if cite.predicate and cite.object:
        text = f"{index.label(about)} {relation_word(compact(cite.predicate), lang)} {index.label(cite.object)}"
        return {"text": text, "entity": local_id(about)}
    if kind == "dependency":
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if dependent and prerequisite:
            text = f"{index.label(dependent)} {relation_word('depends_on', lang)} {index.label(prerequisite)}"
            return {"text": text, "entity": local_id(dependent)}
    if kind == "membership":
        member, body = node.first(v.MEMBER), node.first(v.ORGANIZATION_P)
        if member and body:
            text = f"{index.label(member)} {relation_word('member_of', lang)} {index.label(body)}"
            return {"text": text, "entity": local_id(body)}
    return {
        "text": f"{index.label(about)} ({type_word(kind, lang)})",
        "entity": local_id(about) if index.is_entity(about) else None,
    }


def _span(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``text`` (whitespace may differ), or ``None``."""
    words = quote.split()
    if not words:
        return None
    found = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (found.start(), found.end()) if found else None


def highlighted(text: str, quotes: list[str]) -> list[dict[str, Any]]:
    """``text`` cut into segments ``{text, anchor, anchors}``: a quote's segment has its
    anchor (overlapping quotes share the first one's highlight and list every anchor).

    >>> [s.get("anchor") is not None for s in highlighted("a b. c d.", ["c d."])]
    [False, True]
    """
    spans: list[tuple[int, int, str]] = []
    for quote in dict.fromkeys(quotes):
        where = _span(text, quote)
        if where is not None:
            spans.append((*where, quote_anchor(quote)))
    spans.sort()
    merged: list[list[Any]] = []
    for start, end, anchor in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(anchor)
        else:
            merged.append([start, end, [anchor]])
    segments: list[dict[str, Any]] = []
    position = 0
    for start, end, anchors in merged:
        if start > position:
            segments.append({"text": text[position:start]})
        segments.append({"text": text[start:end], "anchor": anchors[0], "anchors": anchors})
        position = end
    if position < len(text):
        segments.append({"text": text[position:]})
    return segments


def source_text(info: dict[str, Any], data_dir: Path | None) -> str | None:
    """The document's stored text (``path`` under ``data_dir``), or ``None`` when absent."""
    if data_dir is None or not info.get("path"):
        return None
    base = data_dir.resolve()
    path = (base / str(info["path"])).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path.read_text(encoding="utf-8", errors="replace")


def document_page(
    store: GraphStore,
    doc_id: str,
    *,
    data_dir: Path | None,
    ui_lang: str,
    here: str | None = None,
) -> str:
    """The page of source document ``doc_id``; raises ``NotFound`` for an unknown id."""
    from viz.browse import text_page

    index = index_of(store)
    info = documents(index).get(doc_id)
    if info is None:
        raise NotFound(doc_id, [])
    cites = document_citations(index, doc_id)
    facts: dict[str, list[dict[str, Any]]] = {}
    for about, cite in cites:
        entry = fact_sentence(index, about, cite, ui_lang)
        if entry not in facts.setdefault(quote_anchor(cite.quote), []):
            facts[quote_anchor(cite.quote)].append(entry)
    quotes = {quote_anchor(c.quote): c.quote for _, c in cites}
    text = source_text(info, data_dir)
    segments = highlighted(text, list(quotes.values())) if text is not None else []
    found = {a for s in segments for a in s.get("anchors", [])}
    return text_page(
        "document.html",
        ui_lang=ui_lang,
        title=info["title"],
        here=here,
        index=index,
        doc=info,
        segments=segments,
        quotes=quotes,
        facts=facts,
        not_found=[a for a in quotes if a not in found] if text is not None else list(quotes),
        iri=DATA + doc_id,
    )
