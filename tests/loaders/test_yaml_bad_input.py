"""Bad input never crashes and never half-loads: a located error, a non-zero exit, no change."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, triples_of

GOOD = """\
documents:
  - id: doc-test
    title: Test document
    path: seeds/000_81b08898486851c0.txt
    language: da
entities:
  - id: test-body
    type: body
    label: {da: Testgruppe, en: Test group}
    reports_to: koncerndirektionen
    sources:
      - {doc: doc-test, quote: "DS refererer til Koncerndirektionen"}
"""

# (name, file name, content, rule, expected line or None, text the message must contain)
CASES: list[tuple[str, str, str | bytes, str, int | None, str]] = [
    (
        "broken yaml",
        "x.yaml",
        "entities:\n  - id: a\n    label: {da: [unclosed\n",
        "yaml-syntax",
        None,
        "YAML syntax error",
    ),
    (
        "unknown key",
        "x.yaml",
        GOOD.replace("    label:", "    lable:"),
        "unknown-key",
        9,
        "did you mean 'label'",
    ),
    (
        "unknown section",
        "x.yaml",
        GOOD + "bodies:\n  - id: x\n",
        "unknown-section",
        13,
        "unknown section 'bodies'",
    ),
    (
        "dangling reference",
        "x.yaml",
        GOOD.replace("reports_to: koncerndirektionen", "reports_to: koncerndirektion"),
        "reference-resolves",
        10,
        "koncerndirektionen",
    ),
    (
        "duplicate id in file",
        "x.yaml",
        GOOD
        + """\
  - id: test-body
    type: body
    label: {da: Igen}
""",
        "duplicate-id",
        13,
        "already defined on line 7",
    ),
    (
        "duplicate id in store",
        "x.yaml",
        GOOD.replace("id: test-body", "id: ds"),
        "duplicate-id",
        None,
        "already defined in the store",
    ),
    (
        "impossible date",
        "x.yaml",
        GOOD.replace("    type: body\n", "    type: body\n    valid: {from: 2019-13}\n"),
        "date",
        9,
        "not a valid calendar date",
    ),
    (
        "end before start",
        "x.yaml",
        GOOD.replace("    type: body\n", "    type: body\n    valid: {from: 2020-05, to: 2019}\n"),
        "end-before-start",
        9,
        "ends (2019) before it starts (2020-05)",
    ),
    (
        "unknown concept",
        "x.yaml",
        GOOD
        + """\
mandates:
  - id: m1
    holder: test-body
    actions: [rule]
    scope: [region-hovedstaden]
    sources: [{doc: doc-test, quote: "x"}]
""",
        "unknown-concept",
        16,
        "'rule' is not a known action",
    ),
    (
        "unknown entity type",
        "x.yaml",
        GOOD.replace("type: body", "type: committee"),
        "entity-type",
        8,
        "`type` must be one of",
    ),
    (
        "bad turtle",
        "x.ttl",
        "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b \n",
        "rdf-syntax",
        4,
        "syntax error",
    ),
    (
        "bad json-ld",
        "x.jsonld",
        '{"@id": "http://a", "http://p": [1',
        "rdf-syntax",
        1,
        "syntax error",
    ),
    ("empty file", "x.yaml", "   \n", "empty-file", None, "the file is empty"),
    (
        "binary file",
        "x.yaml",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "binary-file",
        None,
        "binary file",
    ),
    (
        "not utf-8",
        "x.yaml",
        "entities:\n  - id: \xe6\xf8\n".encode("latin-1"),
        "encoding",
        None,
        "not UTF-8",
    ),
    (
        "huge value",
        "x.yaml",
        GOOD.replace("Testgruppe", "x" * 5000),
        "too-long",
        9,
        "5000 characters",
    ),
    (
        "duplicate key",
        "x.yaml",
        GOOD.replace("    type: body\n", "    type: body\n    type: unit\n"),
        "duplicate-key",
        9,
        "appears twice",
    ),
    ("yaml alias", "x.yaml", "entities:\n  - &a {id: a}\n  - *a\n", "yaml-alias", 3, "aliases"),
    (
        "mandate without sources",
        "x.yaml",
        GOOD
        + """\
mandates:
  - id: m1
    holder: test-body
    actions: [decide]
    scope: [region-hovedstaden]
""",
        "citation-required",
        14,
        "`sources` is required",
    ),
    (
        "self dependency",
        "x.yaml",
        GOOD
        + """\
dependencies:
  - id: d1
    dependent: test-body
    prerequisite: test-body
    type: resource
    criticality: high
    sources: [{doc: doc-test, quote: "x"}]
""",
        "self-dependency",
        16,
        "cannot depend on itself",
    ),
    (
        "bad language",
        "x.yaml",
        GOOD.replace("{da: Testgruppe, en: Test group}", "{no: Testgruppe}"),
        "language",
        9,
        "write nb for Norwegian",
    ),
    ("top-level list", "x.yaml", "- id: a\n- id: b\n", "top-level-mapping", 1, "must be a mapping"),
    (
        "bad id",
        "x.yaml",
        GOOD.replace("id: test-body", "id: Test Body"),
        "id-format",
        7,
        "is not an id",
    ),
    (
        "missing label",
        "x.yaml",
        GOOD.replace("    label: {da: Testgruppe, en: Test group}\n", ""),
        "required",
        7,
        "`label` is required",
    ),
    ("unknown extension", "x.txt", "hello", "format", None, "cannot tell the format"),
    (
        "holder of the wrong kind",
        "x.yaml",
        GOOD
        + """\
mandates:
  - id: m1
    holder: sp
    actions: [decide]
    scope: [region-hovedstaden]
    sources: [{doc: doc-test, quote: "x"}]
""",
        "shape:",
        None,
        "",
    ),
]


@pytest.mark.parametrize(
    ("filename", "content", "rule", "line", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_located_and_changes_nothing(
    cli: Callable[..., CliResult],
    store_dir: Path,
    tmp_path: Path,
    filename: str,
    content: str | bytes,
    rule: str,
    line: int | None,
    text: str,
) -> None:
    path = tmp_path / filename
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = triples_of(store_dir)

    result = cli("load", str(path))

    assert result.exit_code == 65, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {path}"), first
    if line is not None:
        assert re.match(rf"error: {re.escape(str(path))}:{line}[:\s]", first), first
    assert f"(rule: {rule}" in first, first
    assert text in first, first
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert triples_of(store_dir) == before


def test_json_error_lists_every_violation(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    bad = GOOD.replace("reports_to: koncerndirektionen", "reports_to: nobody").replace(
        "type: body", "type: body\n    valid: {from: 2020, to: 2019}"
    )
    path = tmp_path / "two.yaml"
    path.write_text(bad, encoding="utf-8")

    result = cli("load", str(path), "--json")

    assert result.exit_code == 65
    payload = result.json()
    assert isinstance(payload, dict)
    assert payload["error"] == "validation_failed"
    rules = {v["rule"] for v in payload["violations"]}
    assert "end-before-start" in rules
    assert all(v["file"] == str(path) for v in payload["violations"])


def test_batch_of_several_files_is_all_or_nothing(
    cli: Callable[..., CliResult], store_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "a-good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-bad.yaml").write_text(
        "entities:\n  - id: other\n    type: body\n    label: {da: X}\n    part_of: nowhere\n",
        encoding="utf-8",
    )
    before = triples_of(store_dir)

    result = cli("load", str(tmp_path))

    assert result.exit_code == 65
    assert "b-bad.yaml:5" in result.stderr
    assert triples_of(store_dir) == before
    assert cli("show", "test-body").exit_code == 3


def test_good_file_loads_and_reload_replaces(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert cli("load", str(path)).exit_code == 0
    assert cli("show", "Testgruppe", "--json").json()["id"] == "test-body"  # type: ignore[index]

    path.write_text(GOOD.replace("Testgruppe", "Prøvegruppe"), encoding="utf-8")
    assert cli("load", str(path)).exit_code == 0
    assert cli("show", "Testgruppe").exit_code == 3
    assert cli("show", "prøvegruppe", "--json").json()["id"] == "test-body"  # type: ignore[index]


def test_external_document_with_url_loads(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(
        GOOD.replace(
            "    language: da\n",
            "    language: da\n    external: true\n    url: https://www.regionh.dk/ds\n",
        ),
        encoding="utf-8",
    )
    result = cli("load", str(path))
    assert result.exit_code == 0, result.stderr
    shown = cli("show", "doc-test", "--json").json()
    assert shown["properties"]["foaf:page"] == ["https://www.regionh.dk/ds"]  # type: ignore[index]
    assert shown["properties"]["gg:external"] == ["true"]  # type: ignore[index]


def test_document_url_must_be_a_web_address(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(
        GOOD.replace("    language: da\n", "    language: da\n    url: regionh dot dk\n"),
        encoding="utf-8",
    )
    result = cli("load", str(path))
    assert result.exit_code == 65
    assert "ext.yaml:6:10" in result.stderr, result.stderr
    assert "is not a web address: write https://... (rule: url)" in result.stderr
