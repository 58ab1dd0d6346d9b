"""A corpus of hostile and malformed input files, generated at test time (nothing large is
committed). Each case writes its files under a directory and says how it must be answered:
refused with exit 65, a rule and a located message, or loaded (with an optional warning).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HEADER = """documents:
  - id: doc-h
    title: "Hostile"
    path: seeds/000_81b08898486851c0.txt
    language: da
"""
QUOTE = "Digital Styregruppe (DS) blev dannet i december 2019"


def entity(eid: str, extra: str = "") -> str:
    return (
        f"  - id: {eid}\n    type: body\n    label: {{da: Bestyrelse {eid}}}\n{extra}"
        f'    sources:\n      - {{doc: doc-h, quote: "{QUOTE}"}}\n'
    )


@dataclass
class Case:
    """One hostile input: ``build(dir) -> (args, env)``; the answer expected."""

    name: str
    build: Callable[[Path], list[str]]
    rule: str | None  # the rule a refusal names; None: the file loads
    fragments: tuple[str, ...] = ()  # further text the message must hold (file, row ...)
    env: dict[str, str] = field(default_factory=dict)
    warning: str | None = None  # for loads: text a warning must hold
    needs: Callable[[], bool] = lambda: True


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def bad_date(d: Path) -> list[str]:
    text = HEADER + "entities:\n" + entity("x-board", "    valid: {from: 2023-02-30}\n")
    return [str(_write(d / "bad-date.yaml", text))]


def id_newline(d: Path) -> list[str]:
    text = HEADER + "entities:\n" + entity('"x-board\\n"')
    return [str(_write(d / "id-newline.yaml", text))]


def deep_yaml(d: Path) -> list[str]:
    text = HEADER + "entities: " + "[" * 10_000 + "]" * 10_000 + "\n"
    return [str(_write(d / "deep.yaml", text))]


def deep_jsonld(d: Path) -> list[str]:
    body = '{"@id": "https://example.org/a", "https://example.org/p": ' * 10_000
    text = body + '"x"' + "}" * 10_000
    return [str(_write(d / "deep.jsonld", text))]


def big_literal(d: Path) -> list[str]:
    text = (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/govgraph/id/ds> skos:definition "' + "a" * 20_000_000 + '" .\n'
    )
    return [str(_write(d / "big-literal.ttl", text))]


def _xlsx(path: Path, rows: int = 3) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("systems")
    sheet.append(["id", "label", "type"])
    for i in range(rows):
        sheet.append([f"sys-{i}", f"System {i}", "system"])
    book.save(path)
    return path


def truncated_xlsx(d: Path) -> list[str]:
    whole = _xlsx(d / "whole.xlsx", 200).read_bytes()
    (d / "whole.xlsx").unlink()
    return [str(_write(d / "truncated.xlsx", whole[: len(whole) * 2 // 3]))]


def bad_mapping(d: Path) -> list[str]:
    _write(d / "sheet.csv", "id,label\nsys-a,System A\n")
    _write(d / "sheet.mapping.yaml", "columns: [id, label]\n")
    return [str(d / "sheet.csv")]


def bad_mapping_items(d: Path) -> list[str]:
    _write(d / "sheet.csv", "id,label\nsys-a,System A\n")
    _write(d / "sheet.mapping.yaml", "sheets: [1, two]\n")
    return [str(d / "sheet.csv")]


def many_rows_xlsx(d: Path) -> list[str]:
    # The 1M-row case, scaled: the limit is lowered to 1,000 and the sheet has 1,500 rows.
    return [str(_xlsx(d / "many-rows.xlsx", 1_500))]


def huge_cell_xlsx(d: Path) -> list[str]:
    """A small .xlsx (a few hundred KB) whose one shared string unpacks to 300 MB."""
    small = _xlsx(d / "small.xlsx", 1)
    target = d / "huge-cell.xlsx"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename.endswith("sheet1.xml"):
                data = src.read(item).replace(b"<v>System 0</v>", b"<v>x</v>")
                head, _, tail = data.partition(b"System 0")
                with out.open(item.filename, "w", force_zip64=True) as handle:
                    handle.write(head)
                    chunk = b"A" * 1_000_000
                    for _ in range(300):
                        handle.write(chunk)
                    handle.write(tail)
            else:
                out.writestr(item, src.read(item))
    small.unlink()
    return [str(target)]


def dev_zero(d: Path) -> list[str]:
    (d / "zero.yaml").symlink_to("/dev/zero")
    return [str(d / "zero.yaml")]


def dev_urandom(d: Path) -> list[str]:
    (d / "random.ttl").symlink_to("/dev/urandom")
    return [str(d / "random.ttl")]


def named_pipe(d: Path) -> list[str]:
    os.mkfifo(d / "pipe.yaml")
    return [str(d / "pipe.yaml")]


def dangling_50k(d: Path) -> list[str]:
    lines = ["@prefix org: <http://www.w3.org/ns/org#> ."]
    lines += [
        f"<https://w3id.org/govgraph/id/ds> org:hasUnit <https://w3id.org/govgraph/id/missing-{i}> ."
        for i in range(50_000)
    ]
    return [str(_write(d / "dangling.ttl", "\n".join(lines) + "\n"))]


def billion_laughs(d: Path) -> list[str]:
    entities = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = f"&lol{i - 1};" if i > 1 else "&lol;"
        entities.append(f'<!ENTITY lol{i} "{prev * 10}">')
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  ' + "\n  ".join(entities) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n'
        '  <rdf:Description rdf:about="https://w3id.org/govgraph/id/ds">\n'
        "    <skos:definition>&lol9;</skos:definition>\n"
        "  </rdf:Description>\n</rdf:RDF>\n"
    )
    path = _write(d / "laughs.xml", text)
    return ["--format", "rdf", str(path)]


def bad_iri_jsonld(d: Path) -> list[str]:
    text = (
        '[{"@id": "not an iri", "http://www.w3.org/2004/02/skos/core#prefLabel": "x"},\n'
        ' {"@id": "https://w3id.org/govgraph/id/a b", "@type": "http://x/ y"}]\n'
    )
    return [str(_write(d / "bad-iri.jsonld", text))]


def backstage_escape(d: Path) -> list[str]:
    outside = d / "outside.yaml"
    _write(
        outside,
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: stolen}\n"
        "spec: {type: team, children: []}\n",
    )
    catalog = d / "catalog"
    catalog.mkdir()
    text = (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\n"
        "spec:\n  targets:\n    - ../outside.yaml\n"
    )
    return [str(_write(catalog / "catalog-info.yaml", text))]


def csv_unterminated(d: Path) -> list[str]:
    text = 'id,label,type\nsys-a,System A,system\nsys-b,"System B,system\nsys-c,System C,system\n'
    return [str(_write(d / "unterminated.csv", text))]


def csv_ragged(d: Path) -> list[str]:
    text = "id,label,type\nsys-a,System A,system\nsys-b,System B,system,extra,cells\n"
    return [str(_write(d / "ragged.csv", text))]


def csv_collision(d: Path) -> list[str]:
    text = "id,label,type\n日本,Japan,system\n中国,China,system\nΑθήνα,Athens,system\n"
    return [str(_write(d / "collide.csv", text))]


def cp1252_csv(d: Path) -> list[str]:
    text = "id,label,type\nsys-aeroe,Ærø sygehus,system\nsys-koege,Køge – ældre system,system\n"
    return [str(_write(d / "danish.csv", text.encode("cp1252")))]


CASES = [
    Case("unquoted-impossible-date", bad_date, "date", ("bad-date.yaml:10:19", "2023-02-30")),
    Case("id-ending-in-newline", id_newline, "id-format", ("id-newline.yaml:7:9",)),
    Case("deep-yaml", deep_yaml, "max-depth", ("deep.yaml:6",)),
    Case("deep-jsonld", deep_jsonld, "max-depth", ("deep.jsonld:1",)),
    Case("20mb-literal", big_literal, "max-literal", ("big-literal.ttl:2",)),
    Case("truncated-xlsx", truncated_xlsx, "xlsx", ("truncated.xlsx",)),
    Case("mapping-columns-list", bad_mapping, "csv-mapping", ("sheet.mapping.yaml",)),
    Case("mapping-sheets-not-records", bad_mapping_items, "csv-mapping", ("sheet.mapping.yaml",)),
    Case(
        "rows-over-limit",
        many_rows_xlsx,
        "max-rows",
        ("many-rows.xlsx", "row 1002"),
        env={"GOVGRAPH_MAX_ROWS": "1000"},
    ),
    Case("300mb-cell-in-small-xlsx", huge_cell_xlsx, "max-unpacked", ("huge-cell.xlsx",)),
    Case("symlink-dev-zero", dev_zero, "not-a-file", ("zero.yaml",)),
    Case("symlink-dev-urandom", dev_urandom, "not-a-file", ("random.ttl",)),
    Case("named-pipe", named_pipe, "not-a-file", ("pipe.yaml",)),
    Case("50k-dangling-references", dangling_50k, "reference-resolves", ("dangling.ttl",)),
    Case("billion-laughs-rdfxml", billion_laughs, "xml-entities", ("laughs.xml:2",)),
    Case("jsonld-bad-iris", bad_iri_jsonld, "rdf-term", ("bad-iri.jsonld",)),
    Case("backstage-location-escape", backstage_escape, "backstage-location", ("../outside",)),
    Case("csv-unterminated-quote", csv_unterminated, "csv-syntax", ("unterminated.csv:3",)),
    Case("csv-ragged-rows", csv_ragged, "csv-ragged", ("ragged.csv:3",)),
    Case("csv-ids-slugged-alike", csv_collision, "id-collision", ("collide.csv:3",)),
    Case("windows-1252-csv", cp1252_csv, None, warning="read as cp1252"),
]
