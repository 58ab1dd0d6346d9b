"""The who-decides, check and diff commands: text, --json shapes, errors and exit codes."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def as_dict(result: CliResult) -> dict[str, Any]:
    data = result.json()
    assert isinstance(data, dict)
    return data


def test_who_decides(cli: Cli) -> None:
    result = cli("who-decides", "sp-fokusomraader", "--action", "decide", "--json")
    assert result.exit_code == 0, result.stderr
    data = as_dict(result)
    assert set(data) >= {"subject", "action", "as_of", "deciders", "escalation", "excluded", "gap"}
    assert data["subject"]["id"] == "sp-fokusomraader"
    assert data["action"] == "decide"
    decider = data["deciders"][0]
    assert decider["id"] == "dso"
    assert {"id", "actions", "scope"} <= set(decider["mandate"])
    assert decider["path"][0] == {"id": "sp-fokusomraader", "label": decider["path"][0]["label"]}
    assert {"document", "quote"} <= set(decider["citations"][0])
    assert data["excluded"][0]["id"] == "domaenestyregrupperne"

    text = cli("who-decides", "sp-fokusomraader", "--action", "decide")
    assert text.exit_code == 0
    assert "Digital Sundhed Øst" in text.stdout
    assert "DSØ Beslutter og prioriterer" in text.stdout
    assert "Domænestyregrupperne" in text.stdout and "excludes" in text.stdout

    escalation = cli("who-decides", "rh-nye-digitale-tiltag", "--lang", "en")
    assert "Escalation" in escalation.stdout and "Executive Board" in escalation.stdout

    before = as_dict(cli("who-decides", "rh-nye-digitale-tiltag", "--as-of", "2019-11", "--json"))
    assert before["as_of"] == "2019-11-01" and before["gap"] is True

    # Seeds 000/002 give DSØ the decision over SP (this used to be reported as a gap).
    sp = cli("who-decides", "SP", "--action", "decide")
    assert sp.exit_code == 0
    assert "Governance gap" not in sp.stdout and "Digital Sundhed Øst" in sp.stdout

    gap = cli("who-decides", "rh-projektportefolje", "--action", "prioritise")
    assert gap.exit_code == 0
    assert "Governance gap" in gap.stdout and "Domænestyregrupperne" in gap.stdout


def test_who_decides_errors(cli: Cli) -> None:
    unknown = cli("who-decides", "sundhedsplatfrom", "--json")
    assert unknown.exit_code == 3
    assert as_dict(unknown)["suggestions"]
    assert "did you mean" in unknown.stderr

    bad_date = cli("who-decides", "sp", "--as-of", "2020-13-01")
    assert bad_date.exit_code == 64
    assert "as_of" in bad_date.stderr

    bad_action = cli("who-decides", "sp", "--action", "rule", "--json")
    assert bad_action.exit_code == 64
    assert as_dict(bad_action)["error"] == "invalid_argument"


def test_who_decides_ambiguous(cli: Cli, tmp_path: Any) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "entities:\n"
        "  - id: sp-twin\n"
        "    type: topic\n"
        "    label: {da: Tvilling}\n"
        "    alt_labels: [SP]\n"
        "    sources:\n"
        '      - {doc: doc-rh-ds, quote: "og som ikke vedrører Sundhedsplatformen"}\n',
        encoding="utf-8",
    )
    assert cli("load", str(extra)).exit_code == 0
    result = cli("who-decides", "SP", "--json")
    assert result.exit_code == 4
    assert {c["id"] for c in as_dict(result)["candidates"]} == {"sp", "sp-twin"}


def test_check(cli: Cli) -> None:
    result = cli("check", "--json")
    assert result.exit_code == 0
    data = as_dict(result)
    assert data["findings"]
    assert all(set(f) == {"kind", "severity", "subjects", "message"} for f in data["findings"])
    text = cli("check")
    assert text.exit_code == 0 and "finding(s)" in text.stdout
    assert cli("check", "--as-of", "someday").exit_code == 64
    has_errors = any(f["severity"] == "error" for f in data["findings"])
    assert cli("check", "--strict").exit_code == (1 if has_errors else 0)


def test_check_strict_fails_on_errors(cli: Cli, tmp_path: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entities:\n"
        "  - id: loop-a\n"
        "    type: body\n"
        "    label: {en: Loop A}\n"
        "    reports_to: loop-b\n"
        "    sources:\n"
        '      - {doc: doc-rh-ds, quote: "DS refererer til Koncerndirektionen"}\n'
        "  - id: loop-b\n"
        "    type: body\n"
        "    label: {en: Loop B}\n"
        "    reports_to: loop-a\n"
        "    sources:\n"
        '      - {doc: doc-rh-ds, quote: "DS refererer til Koncerndirektionen"}\n',
        encoding="utf-8",
    )
    assert cli("load", str(bad)).exit_code == 0
    assert cli("check").exit_code == 0
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert "reporting_cycle" in strict.stdout


def test_diff(cli: Cli) -> None:
    result = cli("diff", "--from", "2019-11-30", "--to", "2019-12-01", "--json")
    assert result.exit_code == 0
    data = as_dict(result)
    assert set(data) == {"from", "to", "added", "removed", "events"}
    assert ("body", "ds") in {(i["kind"], i["id"]) for i in data["added"]}
    text = cli("diff", "--from", "2019-11-30", "--to", "2019-12-01")
    assert "+ body ds: Digital Styregruppe" in text.stdout
    assert cli("diff", "--from", "2019", "--to", "never").exit_code == 64
    assert cli("diff", "--from", "2019").exit_code != 0  # --to is required


DOC = Path(__file__).resolve().parents[2] / "docs" / "queries.md"
DOC_COMMANDS = ("who-decides", "check", "diff", "events", "impact")


def _doc_examples() -> list[tuple[list[str], list[list[str]]]]:
    """``$ govgraph ...`` lines of docs/queries.md with the output segments shown after them."""
    examples: list[tuple[list[str], list[list[str]]]] = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        lines = block.splitlines()
        args = shlex.split(lines[0].removeprefix("$ govgraph "))
        if not lines[0].startswith("$ govgraph ") or args[0] not in DOC_COMMANDS:
            continue
        segments: list[list[str]] = [[]]
        for line in lines[1:]:
            if line.strip() == "...":
                segments.append([])
            else:
                segments[-1].append(line)
        examples.append((args, [s for s in segments if s]))
    return examples


def _words(text: str) -> str:
    return " ".join(text.split())


def test_doc_examples_run(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    examples = _doc_examples()
    assert {args[0] for args, _ in examples} == set(DOC_COMMANDS)
    for args, segments in examples:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        output, position = _words(result.stdout), 0
        for segment in segments:
            shown = _words("\n".join(segment))
            found = output.find(shown, position)
            assert found >= 0, f"govgraph {' '.join(args)}: not in output: {shown!r}"
            position = found + len(shown)


def test_who_decides_words_never_number_an_adviser(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    text = cli("who-decides", "SP").stdout
    deciding, _, rest = text.partition("Other mandates over it (these bodies do not decide)")
    numbered = [line for line in deciding.splitlines() if re.match(r"\d+\. ", line)]
    assert numbered and all("Digital Sundhed Øst" in line for line in numbered)
    assert "Ekspertrådet (ekspertraadet) advises (does not decide)" in rest
    assert "[recommended, addressed to Hospitalerne]" in rest
