"""Serialise the stored graph: RDF (Turtle, JSON-LD, N-Triples) and, through
:mod:`graph.export_formats`, GraphML, CSV, Cypher and the mandate matrix."""

from __future__ import annotations

from graph.load import META_GRAPH, ONTOLOGY_GRAPH
from graph.store import GraphStore
from ontology.errors import InvalidArgument
from ontology.terms import PREFIXES, Literal, Term, Triple

FORMATS = {"ttl": "TURTLE", "turtle": "TURTLE", "jsonld": "JSON_LD", "nt": "N_TRIPLES"}


def data_triples(store: GraphStore, *, with_ontology: bool = False) -> list[Triple]:
    """All triples except (by default) those of the ontology graph, in a stable order."""
    seen: set[Triple] = set()
    for graph in store.graph_names():
        if (graph == ONTOLOGY_GRAPH and not with_ontology) or graph == META_GRAPH:
            continue
        seen.update(store.graph_triples(graph))
    return sorted(seen, key=repr)


def serialise(triples: list[Triple], fmt: str) -> bytes:
    """Serialise triples with pyoxigraph.

    >>> serialise([("http://a", "http://b", Literal("x", lang="da"))], "nt")
    b'<http://a> <http://b> "x"@da .\\n'
    """
    import pyoxigraph as ox

    if fmt not in FORMATS:
        raise InvalidArgument("--format", f"{fmt!r} is not one of {', '.join(FORMATS)}")

    def term(value: Term) -> object:
        if isinstance(value, Literal):
            if value.lang:
                return ox.Literal(value.value, language=value.lang)
            if value.datatype:
                return ox.Literal(value.value, datatype=ox.NamedNode(value.datatype))
            return ox.Literal(value.value)
        return ox.NamedNode(value)

    rdf_format = getattr(ox.RdfFormat, FORMATS[fmt])
    prefixes = PREFIXES if fmt in ("ttl", "turtle") else None
    out = ox.serialize(
        (ox.Triple(term(s), term(p), term(o)) for s, p, o in triples),  # type: ignore[arg-type]
        format=rdf_format,
        prefixes=prefixes,
    )
    return bytes(out or b"")


def export_graph(store: GraphStore, fmt: str = "ttl", *, with_ontology: bool = False) -> bytes:
    """The stored data as ``fmt`` bytes."""
    return serialise(data_triples(store, with_ontology=with_ontology), fmt)


# Format -> (description, file name when written to a directory).
EXPORT_FORMATS: dict[str, str] = {
    "ttl": "Turtle",
    "jsonld": "JSON-LD",
    "nt": "N-Triples",
    "graphml": "GraphML (Gephi, Cytoscape, yEd)",
    "csv": "nodes.csv + edges.csv (loads back with the CSV loader)",
    "cypher": "Cypher script for Neo4j 5 and FalkorDB, MERGE statements (idempotent) + schema",
    "mandates-csv": "mandate matrix: holders x scopes x actions, CSV",
    "mandates-xlsx": "mandate matrix: holders x scopes x actions, .xlsx",
}


def export_files(
    store: GraphStore, fmt: str = "ttl", *, with_ontology: bool = False, lang: str | None = None
) -> dict[str, bytes]:
    """The export as ``{file name: bytes}``; one file for every format but ``csv``.

    Raises :class:`InvalidArgument` for an unknown format.
    """
    if fmt in FORMATS:
        ext = "ttl" if fmt == "turtle" else fmt
        return {f"govgraph.{ext}": export_graph(store, fmt, with_ontology=with_ontology)}
    if fmt not in EXPORT_FORMATS:
        raise InvalidArgument("--format", f"{fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    from graph import export_formats as ef
    from graph.index import index_of

    index = index_of(store)
    if fmt == "graphml":
        return {"govgraph.graphml": ef.to_graphml(index)}
    if fmt == "csv":
        return ef.to_csv(index)
    if fmt == "cypher":
        return ef.to_cypher(index)
    if fmt == "mandates-csv":
        return {"mandates.csv": ef.mandate_matrix_csv(index, lang)}
    return {"mandates.xlsx": ef.mandate_matrix_xlsx(index, lang)}
