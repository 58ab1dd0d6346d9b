"""Real SPARQL clients against a live server, each in its default formats.

SPARQLWrapper asks CONSTRUCT/DESCRIBE for RDF/XML by default; rdflib's ``SPARQLStore`` asks
for RDF/XML or N-Triples (``text/plain``) and parses what it gets back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import SPARQLWrapper

from tests.api.live import LiveServer

DS = "https://w3id.org/govgraph/id/ds"
CONSTRUCT = f"CONSTRUCT {{ <{DS}> ?p ?o }} WHERE {{ <{DS}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{DS}>"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    live = LiveServer(tmp_path_factory.mktemp("clients"), sparql_workers=2).start()
    yield f"{live.base}/sparql"
    live.close()


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_default_format(endpoint: str, query: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    graph = client.queryAndConvert()  # RDF/XML by default, parsed into an rdflib Graph
    assert isinstance(graph, rdflib.Graph)
    assert (rdflib.URIRef(DS), None, None) in graph
    assert len(graph) >= 3


def test_sparqlwrapper_select_and_ask(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setReturnFormat("json")
    client.setQuery(f"SELECT ?p WHERE {{ <{DS}> ?p ?o }} LIMIT 3")
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert len(rows) == 3
    client.setQuery(f"ASK {{ <{DS}> ?p ?o }}")
    assert client.queryAndConvert()["boolean"] is True  # type: ignore[index]


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_rdflib_sparqlstore(endpoint: str, query: str) -> None:
    graph = rdflib.Graph(SPARQLStore(endpoint, returnFormat="xml"))
    answer = graph.query(query)
    assert answer.graph is not None and (rdflib.URIRef(DS), None, None) in answer.graph
    triples = rdflib.Graph(SPARQLStore(endpoint)).query(query)
    assert triples.graph is not None and len(triples.graph) >= 3
