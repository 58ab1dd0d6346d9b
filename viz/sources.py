"""Source documents as a reader sees them: title, publisher, date, language and a link.

Also the stamp every page carries: "data as of <newest document date>, N documents".
"""

from __future__ import annotations

from typing import Any

from graph.index import GovIndex
from ontology import vocab as v
from ontology.terms import local_id


def documents(index: GovIndex, *, lang: str | None = None) -> dict[str, dict[str, Any]]:
    """Every source document by id: ``{id, title, publisher, date, language, url, path}``.

    ``publisher`` is the publisher's label (``None`` when the document names none); ``date``
    the newest of ``dct:modified`` and ``dct:issued`` (``None`` when undated); ``url`` the
    public page, when the document names one.
    """

    def memo() -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for iri in index.of_type(v.SOURCE_DOCUMENT):
            node = index.node(iri)
            publisher = node.first(v.PUBLISHER)
            dates = [node.first(v.MODIFIED), node.first(v.ISSUED)]
            found[local_id(iri)] = {
                "id": local_id(iri),
                "title": node.first(v.TITLE) or index.label(iri),
                "publisher": index.label(publisher, lang) if publisher else None,
                "date": max((d for d in dates if d), default=None),
                "language": node.first(v.DOC_LANGUAGE),
                "url": node.first(v.DOC_URL),
                "path": node.first(v.DOC_PATH),
            }
        return found

    return index.memo(f"viz.sources.documents:{lang}", memo)


def stamp(index: GovIndex) -> dict[str, Any]:
    """``{"as_of": newest document date or None, "documents": count}`` for the page stamp."""
    docs = documents(index).values()
    return {
        "as_of": max((d["date"] for d in docs if d["date"]), default=None),
        "documents": len(docs),
    }


def quote_anchor(quote: str) -> str:
    """The fragment id of a quote's highlight on its document's page.

    >>> quote_anchor("DS refererer til Koncerndirektionen")
    'q-...'
    """
    import hashlib

    return "q-" + hashlib.sha1(" ".join(quote.split()).encode("utf-8")).hexdigest()[:10]
