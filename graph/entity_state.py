"""An entity's own statements and their version tag (the HTTP ``ETag``).

An entity's own statements are those about it, about its validity period and about the
citations that cite it. Their digest changes whenever any of them changes, whichever file or
API write changed it, so a client that read version X can ask to write only if it is still X.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import RDF_TYPE, Literal, Term, Triple

_PLAIN = {"http://www.w3.org/2001/XMLSchema#string", RDF_TYPE.rsplit("#", 1)[0] + "#langString"}


def owned(subject: str, triples: Iterable[Triple]) -> list[Triple]:
    """Of ``triples``, those that are the entity's own.

    >>> owned("s", [("s", "p", "o"), ("x", "p", "o"), ("s#validity", "q", "o")])
    [('s', 'p', 'o'), ('s#validity', 'q', 'o')]
    """
    triples = list(triples)
    own = {subject, subject + "#validity"}
    citations = {s for s, p, o in triples if p == RDF_TYPE and o == v.CITATION}
    own |= {s for s, p, o in triples if p == v.CITE_ABOUT and o == subject} & citations
    return [t for t in triples if t[0] in own]


def stored_own(store: GraphStore, subject: str) -> list[Triple]:
    """The entity's own statements in the store (over all graphs), by pattern lookups."""
    out = [*store.triples(subject), *store.triples(subject + "#validity")]
    for citation, _, _ in store.triples(None, v.CITE_ABOUT, subject):
        out.extend(store.triples(citation))
    return sorted(set(out), key=repr)


def _nt(term: Term) -> str:
    if isinstance(term, Literal):
        return f"{term.value!r}@{term.lang or ''}^^{term.datatype or ''}"
    return f"<{term}>"


def version_tag(triples: Iterable[Triple]) -> str:
    """A strong ETag (quoted) of a set of statements, independent of their order.

    >>> version_tag([("a", "b", "c")]) == version_tag([("a", "b", "c"), ("a", "b", "c")])
    True
    """
    lines = sorted({" ".join(map(_nt, t)) for t in triples})
    return (
        '"'
        + hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        + '"'
    )


def entity_etag(store: GraphStore, subject: str) -> str | None:
    """The ETag of the entity ``subject`` (an IRI), ``None`` when the store has no such entity.

    On an embedded store the statements are read and written out straight from its quads
    (:func:`_raw_lines`), with the same lines and so the same tag as :func:`version_tag`.
    """
    raw = getattr(store, "raw", None)
    if raw is not None:
        lines, typed = _raw_lines(raw, subject)
        return _digest(lines) if typed else None
    triples = stored_own(store, subject)
    if not any(p == RDF_TYPE for s, p, _ in triples if s == subject):
        return None
    return version_tag(triples)


def _digest(lines: set[str]) -> str:
    text = "\n".join(sorted(lines))
    return '"' + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32] + '"'


def _raw_lines(raw: Any, subject: str) -> tuple[set[str], bool]:
    """The lines :func:`version_tag` hashes for ``subject``'s own statements, read from the
    pyoxigraph store ``raw`` (over all graphs), and whether the subject has an ``rdf:type``."""
    import pyoxigraph as ox

    def term(node: Any) -> str:
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value
            if datatype in _PLAIN:
                datatype = ""
            return f"{node.value!r}@{node.language or ''}^^{datatype}"
        if isinstance(node, ox.BlankNode):
            return f"<_:{node.value}>"
        return f"<{node.value}>"

    lines: set[str] = set()
    typed = False
    about = ox.NamedNode(subject)
    for quad in raw.quads_for_pattern(about, None, None, None):
        lines.add(f"<{subject}> <{quad.predicate.value}> {term(quad.object)}")
        typed = typed or quad.predicate.value == RDF_TYPE
    for node in (ox.NamedNode(subject + "#validity"),) + tuple(
        {q.subject for q in raw.quads_for_pattern(None, ox.NamedNode(v.CITE_ABOUT), about, None)}
    ):
        own = term(node)
        for quad in raw.quads_for_pattern(node, None, None, None):
            lines.add(f"{own} <{quad.predicate.value}> {term(quad.object)}")
    return lines, typed
