"""The OpenAPI schema tells the truth: statuses, the one error schema, security, models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Make = Callable[..., TestClient]


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_error_uses_the_one_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(schema)
    for path, method, operation in _operations(schema):
        errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
        assert {"400", "413", "503"} <= set(errors), (method, path)
        for response in errors.values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorBody"


def test_statuses_follow_roles_and_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"401", "403", "422", "429"} <= set(paths["/entities"]["post"]["responses"])
    assert "403" not in paths["/entities"]["get"]["responses"]  # every role may read
    assert {"404", "409", "406"} <= set(paths["/entities/{name}"]["get"]["responses"])
    assert {"406", "422", "429"} <= set(paths["/sparql"]["get"]["responses"])
    assert "Retry-After" in paths["/sparql"]["get"]["responses"]["429"]["headers"]
    assert "401" not in paths["/health"]["get"]["responses"]


def test_reads_need_no_token_when_open(make_client: Make) -> None:
    open_paths = make_client().get("/openapi.json").json()["paths"]
    assert open_paths["/who-decides"]["get"]["security"] == [{}, {"HTTPBearer": []}]
    assert open_paths["/entities"]["post"]["security"] == [{"HTTPBearer": []}]
    closed = make_client(read_access="token")
    closed_paths = closed.get("/openapi.json", headers={}).json()["paths"]
    assert closed_paths["/who-decides"]["get"]["security"] == [{"HTTPBearer": []}]


def test_main_answers_have_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path, model in (
        ("/who-decides", "WhoDecides"),
        ("/impact", "Impact"),
        ("/entities/{name}", "Entity"),
        ("/search", "SearchAnswer"),
        ("/entities", "EntityList"),
    ):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["schema"]["$ref"].endswith("/" + model), path
    decider = schema["components"]["schemas"]["Decider"]
    assert decider.get("additionalProperties", True) is not False  # new keys pass through
