"""The W3C SPARQL 1.1 Protocol test manifest, run against the endpoint.

Each case of ``tests/fixtures/external/w3c-sparql-protocol/manifest.ttl`` (a copy of the W3C
suite; SOURCES.md there) is one or more HTTP requests with the expected status class, result
format and ASK answer. The ``query_*`` and ``bad_*`` cases apply as written. The ``update_*``
cases expect an update endpoint to accept the update; this endpoint is read-only by design, so
for them the test asserts the documented refusal (400, ``argument: update``) of the update and
an answer to the follow-up query.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection

from api.app import create_app
from graph.oxigraph_store import OxigraphStore
from tests.api.conftest import api_settings
from tests.support import FIXTURES

SUITE = FIXTURES / "external" / "w3c-sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDF_MEDIA = ("text/turtle", "application/rdf+xml", "application/n-triples", "text/plain")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    format: str | None
    boolean: bool | None


@dataclass
class Case:
    name: str
    graphs: dict[str, Path] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)


def _cases() -> Iterator[Case]:
    manifest = rdflib.Graph().parse(SUITE / "manifest.ttl", publicID=SUITE.as_uri() + "/")
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    for test in Collection(manifest, manifest.value(root, MF.entries)):
        case = Case(str(test).rsplit("#", 1)[-1])
        for data in manifest.objects(test, UT.graphData):
            file = Path(unquote(str(manifest.value(data, UT.graph)).removeprefix("file://")))
            case.graphs[str(manifest.value(data, RDFS.label))] = SUITE / file.name
        action = manifest.value(test, MF.action)
        for node in Collection(manifest, manifest.value(action, HT.requests)):
            headers = {}
            listed = manifest.value(node, HT.headers)
            for header in Collection(manifest, listed) if listed else []:
                name = str(manifest.value(header, HT.fieldName))
                headers[name] = str(manifest.value(header, HT.fieldValue))
            body_node = manifest.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(manifest.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(body_node, CNT.chars)).encode(encoding)
            response = manifest.value(node, HT.resp)
            boolean = manifest.value(response, MF.expectedBoolean)
            fmt = manifest.value(response, MF.expectedFormat)
            case.requests.append(
                Request(
                    method=str(manifest.value(node, HT.methodName)),
                    path=str(manifest.value(node, HT.absolutePath)).replace("/sparql/", "/sparql"),
                    headers=headers,
                    body=body,
                    statuses={
                        str(s).rsplit("StatusCode", 1)[-1]
                        for s in manifest.objects(response, MF.expectedStatus)
                    },
                    format=str(fmt) if fmt is not None else None,
                    boolean=bool(boolean.toPython()) if boolean is not None else None,
                )
            )
        yield case


CASES = list(_cases())


def _client(case: Case, tmp: Path) -> TestClient:
    store = OxigraphStore()
    for name, file in case.graphs.items():
        store.raw.load(path=str(file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    return TestClient(create_app(api_settings(tmp, sparql_workers=1), store=store))


def _boolean(response: object, media: str) -> bool:
    text = response.text  # type: ignore[attr-defined]
    if "json" in media:
        return bool(json.loads(text)["boolean"])
    found = ElementTree.fromstring(text).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None, text
    return found.text == "true"


def test_the_manifest_was_read() -> None:
    assert len(CASES) == 34
    assert sum(len(c.requests) for c in CASES) >= 34


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_protocol_case(case: Case, tmp_path: Path) -> None:
    with _client(case, tmp_path) as client:
        for request in case.requests:
            response = client.request(
                request.method, request.path, headers=request.headers, content=request.body
            )
            if case.name.startswith("update_"):  # read-only endpoint: refused as documented
                media = request.headers.get("content-type", "")
                if "sparql-update" in media or (request.body or b"").startswith(b"update="):
                    assert response.status_code == 400, response.text
                    assert response.json()["argument"] == "update"
                else:  # the follow-up ASK still answers (false: nothing was written)
                    assert response.status_code == 200, response.text
                continue
            klass = f"{response.status_code // 100}xx"
            assert klass in request.statuses, (response.status_code, response.text[:300])
            media = response.headers.get("content-type", "").split(";")[0]
            if request.format == "boolean" or request.boolean is not None:
                assert "sparql-results" in media, media
                if request.boolean is not None:
                    assert _boolean(response, media) is request.boolean
            elif request.format == "tabular":
                assert media in ("application/sparql-results+json", "text/csv"), media
            elif request.format == "RDF":
                assert media in RDF_MEDIA, media
            if klass == "2xx":
                assert response.headers.get("vary") == "Accept"
