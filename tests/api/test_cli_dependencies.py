"""The impact, chains, slip, whatif and generate commands: --json shapes, text, exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CliResult
from tests.graph.dependency_fixtures import FIXTURES

Cli = Callable[..., CliResult]


def as_dict(result: CliResult) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert isinstance(data, dict)
    return data


def test_impact(cli: Cli) -> None:
    data = as_dict(cli("impact", "financing-model", "--json"))
    assert set(data) >= {"root", "direction", "impacted", "bodies_to_inform"}
    assert data["root"]["id"] == "financing-model" and data["direction"] == "downstream"
    item = data["impacted"][0]
    # plus "editorial" when the editor graded the dependency without a quote (issue 10)
    assert set(item) - {"editorial"} == {"id", "label", "type", "distance", "path", "criticality"}
    assert item["editorial"] == ["criticality: grade set by the editor; the source states no grade"]
    assert item["path"][0] == "financing-model" and item["distance"] == len(item["path"]) - 1
    assert all({"id", "label"} <= set(b) for b in data["bodies_to_inform"])

    up = as_dict(cli("impact", "nsp", "--upstream", "--max-depth", "1", "--json"))
    assert up["direction"] == "upstream"
    assert "financing-model" in [i["id"] for i in up["impacted"]]
    filtered = as_dict(
        cli(
            "impact",
            "financing-model",
            "--type",
            "project",
            "--min-criticality",
            "critical",
            "--as-of",
            "2024-01-01",
            "--json",
        )
    )
    assert all(i["type"] == "project" for i in filtered["impacted"])
    assert filtered["as_of"] == "2024-01-01"

    text = cli("impact", "financing-model")
    assert text.exit_code == 0 and "depend on" in text.stdout


def test_chains(cli: Cli) -> None:
    data = as_dict(cli("chains", "--top", "3", "--min-criticality", "high", "--json"))
    assert set(data) >= {"chains", "cycles"}
    assert 1 <= len(data["chains"]) <= 3
    chain = data["chains"][0]
    assert {"nodes", "length", "weight"} <= set(chain)
    assert set(chain["nodes"][0]) == {"id", "label"}
    assert cli("chains").exit_code == 0


def test_slip(cli: Cli) -> None:
    data = as_dict(cli("slip", "nsp", "--days", "10", "--json"))
    assert set(data) >= {"root", "days", "moved", "absorbed", "go_lives_broken"}
    assert data["moved"][0]["id"] == "nsp" and data["days"] == 10
    assert "ends 10 day(s) late" in cli("slip", "nsp", "--days", "10").stdout


def test_whatif(cli: Cli) -> None:
    data = as_dict(cli("whatif", str(FIXTURES / "scenario-bundled.yaml"), "--json"))
    assert set(data) >= {"changes", "impact", "who_decides", "check", "slips"}
    assert data["impact"][0]["node"] == "financing-model"
    text = cli("whatif", str(FIXTURES / "scenario-bundled.yaml"))
    assert text.exit_code == 0 and "impact of financing-model" in text.stdout


def test_generate(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "g.nt"
    data = as_dict(
        cli(
            "generate",
            "--nodes",
            "100",
            "--dependencies",
            "300",
            "--bodies",
            "10",
            "--mandates",
            "100",
            "-o",
            str(out),
            "--json",
        )
    )
    assert data["triples"] == len(out.read_text().splitlines()) > 0
    assert cli("generate", "--nodes", "10", "-o", str(tmp_path / "h.nt")).exit_code == 0


def test_errors_and_exit_codes(cli: Cli, tmp_path: Path) -> None:
    missing = cli("impact", "no-such-thing", "--json")
    assert missing.exit_code == 3 and missing.json()["error"] == "not_found"
    bad = cli("impact", "nsp", "--min-criticality", "urgent", "--json")
    assert bad.exit_code == 64 and bad.json()["argument"] == "min_criticality"
    assert cli("slip", "nsp", "--days", "-2").exit_code == 64
    assert cli("chains", "--as-of", "someday").exit_code == 64
    assert cli("slip", "no-such-thing", "--days", "2").exit_code == 3
    scenario = tmp_path / "s.yaml"
    scenario.write_text("changes:\n  - remove: no-such-thing\n")
    assert cli("whatif", str(scenario)).exit_code == 3
    scenario.write_text("changes: [")
    assert cli("whatif", str(scenario)).exit_code == 65


def test_ambiguous_name_exit_code(cli: Cli, tmp_path: Path) -> None:
    # Two systems of one name: the same rank for impact, so neither wins.
    extra = tmp_path / "twin.yaml"
    extra.write_text(
        "entities:\n"
        "  - id: epj-syd-twin\n"
        "    type: system\n"
        "    label: {da: EPJ SYD}\n"
        "    sources:\n"
        '      - {doc: doc-rh-ds, quote: "og som ikke vedrører Sundhedsplatformen"}\n',
        encoding="utf-8",
    )
    assert cli("load", str(extra)).exit_code == 0
    result = cli("impact", "EPJ SYD", "--json")
    assert result.exit_code == 4 and result.json()["error"] == "ambiguous_name"
    assert {c["id"] for c in result.json()["candidates"]} == {"epj-syd", "epj-syd-twin"}
