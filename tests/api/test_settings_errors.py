"""A bad setting is a configuration error: the variable, the value, the rule, exit code 78.

Not "internal error ... a bug in govgraph": a user who typed ``GOVGRAPH_STORE=/srv/store``
(meaning ``GOVGRAPH_STORE_PATH``) is told which variable is wrong and what it allows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO

SECRET = "this-token-must-never-be-printed"


def _govgraph(*args: str, tmp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVGRAPH_")}
    clean.update(GOVGRAPH_STORE_PATH=str(tmp / "store"), PYTHONPATH=str(REPO), **env)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=tmp,  # no .env of the repo's
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_path_given_as_the_backend_names_the_variable_and_the_one_meant(tmp_path: Path) -> None:
    done = _govgraph("show", "ds", tmp=tmp_path, GOVGRAPH_STORE="/srv/govgraph")
    assert done.returncode == 78, done.stderr
    assert "internal error" not in done.stderr and "bug" not in done.stderr
    assert "GOVGRAPH_STORE='/srv/govgraph'" in done.stderr
    assert "'oxigraph', 'neo4j' or 'falkordb'" in done.stderr
    assert "set GOVGRAPH_STORE_PATH" in done.stderr
    assert not (tmp_path / "store").exists()  # nothing was opened or created


def test_json_lists_each_problem_for_scripts(tmp_path: Path) -> None:
    done = _govgraph(
        "info", "--json", tmp=tmp_path, GOVGRAPH_FALKORDB_PORT="abc", GOVGRAPH_SPARQL_WORKERS="0"
    )
    assert done.returncode == 78
    body = json.loads(done.stdout)
    assert body["error"] == "configuration_error"
    by_setting = {p["setting"]: p for p in body["problems"]}
    assert by_setting["GOVGRAPH_FALKORDB_PORT"]["value"] == "abc"
    assert "integer" in by_setting["GOVGRAPH_FALKORDB_PORT"]["message"]
    assert by_setting["GOVGRAPH_SPARQL_WORKERS"]["value"] == "0"
    assert "greater than or equal to 1" in by_setting["GOVGRAPH_SPARQL_WORKERS"]["message"]


def test_a_bad_token_is_located_and_never_shown(tmp_path: Path) -> None:
    tokens = json.dumps([{"name": "a", "role": "writer", "token": SECRET}, {"name": "b"}])
    done = _govgraph("show", "ds", tmp=tmp_path, GOVGRAPH_TOKENS=tokens)
    assert done.returncode == 78
    assert "GOVGRAPH_TOKENS: [0].role: Input should be 'reader', 'editor' or 'admin'" in (
        done.stderr
    )
    assert "[1].token: Field required" in done.stderr
    assert SECRET not in done.stderr + done.stdout
    unparsed = _govgraph("show", "ds", tmp=tmp_path, GOVGRAPH_TOKENS="[{name: a}]")
    assert unparsed.returncode == 78 and "GOVGRAPH_TOKENS: not valid JSON" in unparsed.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "No such file or directory"), ("{", "Expecting property name")],
)
def test_serve_refuses_a_bad_tokens_file_before_starting(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "tokens.json"
    if content is not None:
        path.write_text(content)
    done = _govgraph("serve", "--port", "18999", tmp=tmp_path, GOVGRAPH_TOKENS_FILE=str(path))
    assert done.returncode == 78
    assert f"GOVGRAPH_TOKENS_FILE='{path}': {expected}" in done.stderr
    assert "serving" not in done.stdout


def test_the_error_maps_to_one_status_and_one_exit_code() -> None:
    from api.cli_errors import exit_code
    from api.http_errors import status_of
    from ontology.errors import ConfigurationError

    error = ConfigurationError([{"setting": "GOVGRAPH_STORE", "message": "m", "value": "v"}])
    assert (exit_code(error), status_of(error)) == (78, 500)
    assert error.as_dict()["problems"] == [
        {"setting": "GOVGRAPH_STORE", "message": "m", "value": "v"}
    ]
