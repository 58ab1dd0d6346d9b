"""Property-based requests generated from the app's own OpenAPI schema, under every check.

About 1,300 requests (every operation, 20+ examples each, positive and negative), sent with an
admin token so the write routes are exercised too, against an app over a temporary sample store.
Every schemathesis check runs on every response: no 5xx, each status documented, each body
conforming to its documented schema (the response models and the one error shape), content
types and headers as documented, negative data rejected, positive data accepted, ...
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from api.app import create_app
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from tests.api.conftest import api_settings, auth
from tests.support import FIXTURES

EXAMPLES_PER_OPERATION = 20
SENT: list[int] = []

_store = OxigraphStore()
load_paths(_store, [FIXTURES / "sample" / "sample.yaml"])
_tmp = Path(tempfile.mkdtemp(prefix="govgraph-schemathesis-"))
app = create_app(
    api_settings(_tmp, sparql_timeout=2.0, sparql_workers=2, sparql_per_client=2), store=_store
)
# Positive (schema-valid) requests may still be refused with the one error shape: 400 for what
# JSON Schema cannot state (a date the calendar lacks, "2023-02-30"; a SPARQL query or a question
# that does not parse; a name no entity has) and 422 for a batch whose content breaks a rule.
# Every other check keeps its defaults: each status documented, each body conforming, no 5xx.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
schemathesis.serializer.alias("application/sparql-query", "text/plain")
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_check_passes(case: schemathesis.Case) -> None:
    response = case.call_and_validate(headers=auth("admin"), checks=ALL_CHECKS)
    SENT.append(response.status_code)
    if response.status_code >= 400:
        body = response.json()
        assert {"error", "message", "status"} <= set(body), body


def test_enough_requests_were_sent() -> None:
    print(f"schemathesis: {len(SENT)} requests, every check passed")
    if not SENT:  # run on its own (-k): nothing to count
        return
    assert len(SENT) >= 1000, len(SENT)
    assert all(status < 500 for status in SENT)
