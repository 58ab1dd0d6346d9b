"""``show``: everything the graph knows about one entity, with citations."""

from __future__ import annotations

from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.events import event_record, events_about
from graph.queries.scopes import mandate_status
from graph.resolve import name_index, resolve_match
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import RDF_TYPE, Literal, compact, concept_slug, local_id

# Plumbing that is shown in its own fields, not as properties or relations.
_INTERNAL = {RDF_TYPE, v.TEMPORAL, v.MEMBER_DURING, v.CITE_ABOUT}
# Shown in the answer's own ``editorial`` field.
_EDITORIAL = (v.EDITORIAL, v.EDITORIAL_KEY, v.EDITORIAL_ALT_LABEL)


def _value(index: GovIndex, term: Any) -> Any:
    if isinstance(term, Literal):
        return {"value": term.value, "lang": term.lang} if term.lang else term.value
    if index.is_entity(term):
        return index.ref(term)
    return concept_slug(term) if "/concept/" in term else local_id(term)


def describe(store: GraphStore, name: str, *, lang: str | None = None) -> dict[str, Any]:
    """Describe one entity: labels, properties, relations both ways, members and citations.

    Parameters
    ----------
    store : GraphStore
    name : str
        Id, IRI, label or alias in any language (case- and accent-insensitive).
    lang : str, optional
        Preferred label language (da, nb, en).

    Returns
    -------
    dict
        ``{id, iri, label, type, labels, alt_labels, valid, properties, relations, members,
        mandates, events, editorial, citations}``; each relation has ``predicate``,
        ``direction``, ``target`` and ``citations``; each citation ``document``, ``title`` and
        ``quote``. ``events`` are the decisions and changes that name the entity (oldest
        first, as ``graph.queries.events`` shows them); ``editorial`` is ``{notes,
        alt_labels}``: what the editor added without a quote.

    Raises
    ------
    NotFound, AmbiguousName

    Examples
    --------
    >>> from tests.support import sample_store
    >>> describe(sample_store(), "DS")["relations"][0]["target"]["id"]
    'koncerndirektionen'
    """
    index = index_of(store)
    named = resolve_match(index, name)
    iri = named.iri
    node = index.node(iri)
    properties: dict[str, list[Any]] = {}
    for pred, values in sorted(node.literals.items()):
        if pred in (v.PREF_LABEL, v.ALT_LABEL, *_EDITORIAL):
            continue
        properties[compact(pred)] = [_value(index, x) for x in values]
    relations = []
    for pred, targets in sorted(node.links.items()):
        if pred in _INTERNAL:
            continue
        for target in targets:
            if not index.is_entity(target):
                properties.setdefault(compact(pred), []).append(_value(index, target))
                continue
            relations.append(
                {
                    "predicate": compact(pred),
                    "direction": "out",
                    "target": index.ref(target, lang),
                    "citations": index.citation_dicts(iri, pred, target),
                }
            )
    for pred, source in sorted(index.incoming.get(iri, [])):
        if pred in _INTERNAL or pred in (v.ORGANIZATION_P,) or not index.is_entity(source):
            continue
        relations.append(
            {
                "predicate": compact(pred),
                "direction": "in",
                "target": index.ref(source, lang),
                "citations": index.citation_dicts(source, pred, iri),
            }
        )
    members = []
    for membership in index.into(iri, v.ORGANIZATION_P):
        m = index.node(membership)
        member = m.first(v.MEMBER)
        titles = {lit.lang or "": lit.value for lit in m.literals.get(v.MEMBER_TITLE, [])}
        members.append(
            {
                "membership": local_id(membership),
                "member": index.ref(member, lang) if member else None,
                "role": concept_slug(m.first(v.ROLE) or "member"),
                "title": titles.get(lang or "") or next(iter(titles.values()), None),
                "represents": [index.ref(r, lang) for r in index.out(membership, v.REPRESENTS)],
                "valid": index.period(membership).as_dict(),
                "citations": index.citation_dicts(membership),
            }
        )
    mandates = [
        {
            "id": local_id(m),
            "actions": [concept_slug(a) for a in index.out(m, v.ACTION)],
            "scope": [index.ref(s, lang) for s in index.out(m, v.SCOPE)],
            "excludes": [index.ref(s, lang) for s in index.out(m, v.EXCLUDES)],
            "status": mandate_status(index, m),
        }
        for m in sorted(index.into(iri, v.HOLDER))
    ]
    editorial = {
        "notes": [lit.value for lit in node.literals.get(v.EDITORIAL, [])],
        "alt_labels": [lit.value for lit in node.literals.get(v.EDITORIAL_ALT_LABEL, [])],
    }
    return {
        "id": local_id(iri),
        "iri": iri,
        "label": index.label(iri, lang),
        "type": index.type_name(iri),
        "labels": {k: val for k, val in index.labels(iri).items() if k},
        "alt_labels": index.alt_labels(iri),
        "valid": index.period(iri).as_dict(),
        "properties": properties,
        "relations": relations,
        "members": members,
        "mandates": mandates,
        "events": [event_record(index, e, lang) for e in events_about(index, iri)],
        "editorial": editorial,
        "citations": index.citation_dicts(iri),
        "also": named.also,
    }


def search(
    store: GraphStore, text: str, *, limit: int = 20, lang: str | None = None
) -> list[dict[str, Any]]:
    """Entities whose id, label or alias contains ``text``, best first.

    >>> from tests.support import sample_store
    >>> [hit["id"] for hit in search(sample_store(), "styre")]  # the body, then its source page
    ['ds', 'doc-sample']
    """
    index = index_of(store)
    names = name_index(index)
    hits = names.search(text, limit)
    return [{**names.candidate(h, lang), "alt_labels": index.alt_labels(h)} for h in hits]


def list_entities(
    store: GraphStore,
    *,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
    lang: str | None = None,
) -> dict[str, Any]:
    """A page of entities ordered by label, optionally only those of one type.

    Returns
    -------
    dict
        ``{total, offset, limit, entities: [{id, label, type, alt_labels}]}``.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> page = list_entities(sample_store(), kind="body")
    >>> page["total"], [e["id"] for e in page["entities"]]
    (2, ['ds', 'koncerndirektionen'])
    """
    index = index_of(store)
    # the type first: a lookup kept per node, cheaper than the entity test it narrows
    found = [
        i
        for i in index.nodes
        if (kind is None or index.type_name(i) == kind) and index.is_entity(i)
    ]
    found.sort(key=lambda i: (index.label(i, lang).casefold(), i))
    page = found[offset : offset + limit]
    return {
        "total": len(found),
        "offset": offset,
        "limit": limit,
        "entities": [{**index.ref(i, lang), "alt_labels": index.alt_labels(i)} for i in page],
    }
