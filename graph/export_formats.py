"""Exports beyond RDF: GraphML, CSV nodes and edges, a Cypher script, the mandate matrix.

Each works on the projection (:class:`graph.index.GovIndex`): entities are nodes, relations
between entities and ``gg:Dependency`` records are edges. The CSV pair loads back through the
CSV loader (``docs/formats.md``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from graph.index import GovIndex
from ontology import vocab as v
from ontology.terms import compact, concept_slug, local_id

NODE_COLUMNS = ["id", "label", "type", "description", "status", *v.DATE_KEYS, *v.RELATION_KEYS]
EDGE_COLUMNS = ["id", "dependent", "prerequisite", "dependency_type", "criticality", "lag_days"]
_RELATION_KEY = {pred: key for key, pred in v.RELATION_KEYS.items()} | {v.PART_OF_ORG: "part_of"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str  # a compact predicate, or ``gg:Dependency``
    attrs: tuple[tuple[str, str], ...] = ()


def entity_nodes(index: GovIndex) -> list[str]:
    """The entities, in a stable order (no dependencies, memberships, documents, citations)."""
    skip = set(v.FACT_TYPES)
    return sorted(i for i in index.entities() if not index.node(i).types & skip)


def edges(index: GovIndex, nodes: set[str]) -> Iterator[Edge]:
    """Relations between entities, then one edge per dependency (dependent -> prerequisite)."""
    for s in sorted(nodes):
        for p, targets in sorted(index.node(s).links.items()):
            for o in targets:
                if o in nodes:
                    yield Edge(s, o, compact(p))
    for dep in index.of_type(v.DEPENDENCY):
        node = index.node(dep)
        a, b = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if a and b:
            attrs = {
                "id": local_id(dep),
                "dependency_type": concept_slug(node.first(v.DEPENDENCY_TYPE) or ""),
                "criticality": concept_slug(node.first(v.CRITICALITY) or ""),
                "lag_days": node.first(v.LAG_DAYS) or "",
            }
            yield Edge(a, b, "gg:Dependency", tuple(sorted(attrs.items())))


def node_attrs(index: GovIndex, iri: str) -> dict[str, str]:
    """Label, type and every literal property (compact predicate, ``@lang`` when tagged)."""
    node = index.node(iri)
    out = {"id": local_id(iri), "label": index.label(iri), "type": index.type_name(iri)}
    for p, values in sorted(node.literals.items()):
        for lit in values:
            key = compact(p) + (f"@{lit.lang}" if lit.lang else "")
            out.setdefault(key, lit.value)
    return out


def to_graphml(index: GovIndex) -> bytes:
    """GraphML for Gephi, Cytoscape or yEd, node and edge attributes kept."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    nodes = set(entity_nodes(index))
    for iri in sorted(nodes):
        graph.add_node(iri, **node_attrs(index, iri))
    for edge in edges(index, nodes):
        graph.add_edge(edge.source, edge.target, relation=edge.relation, **dict(edge.attrs))
    return "\n".join(nx.generate_graphml(graph)).encode()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")


def neutralise(cell: object) -> object:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection).

    A text starting with ``= + - @``, a tab or a carriage return is prefixed with ``'``;
    plain numbers (``-5``) and a lone ``-`` (the matrix's "not granted") are left as they are.

    >>> print(neutralise('=HYPERLINK("http://x","y")'), neutralise("-5"), neutralise("DS"))
    '=HYPERLINK("http://x","y") -5 DS
    """
    if (
        isinstance(cell, str)
        and cell.startswith(_FORMULA_START)
        and cell not in ("-", "+")
        and not _NUMBER.match(cell)
    ):
        return "'" + cell
    return cell


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [[neutralise(c) for c in row] for row in rows]
    )
    return buffer.getvalue().encode()


def to_csv(index: GovIndex) -> dict[str, bytes]:
    """``nodes.csv`` (entities with their relations, ``;``-separated) and ``edges.csv``."""
    nodes = entity_nodes(index)
    node_set = set(nodes)
    rows = [NODE_COLUMNS]
    for iri in nodes:
        node = index.node(iri)
        cells: dict[str, str] = {
            "id": local_id(iri),
            "label": index.label(iri),
            "type": index.type_name(iri),
            "description": str(next(iter(node.literals.get(v.DESCRIPTION, [])), "")),
            "status": concept_slug(node.first(v.STATUS) or ""),
        }
        for key, pred in v.DATE_KEYS.items():
            cells[key] = node.first(pred) or ""
        for pred, targets in node.links.items():
            relation_key = _RELATION_KEY.get(pred)
            if relation_key:
                key = relation_key
                found = [local_id(t) for t in targets if t in node_set]
                cells[key] = ";".join(
                    sorted({*filter(None, cells.get(key, "").split(";")), *found})
                )
        rows.append([str(cells.get(c, "")) for c in NODE_COLUMNS])
    edge_rows = [EDGE_COLUMNS]
    for edge in edges(index, node_set):
        if edge.relation == "gg:Dependency":
            attrs = dict(edge.attrs)
            edge_rows.append(
                [attrs["id"], local_id(edge.source), local_id(edge.target)]
                + [attrs[c] for c in EDGE_COLUMNS[3:]]
            )
    return {"nodes.csv": _csv(rows), "edges.csv": _csv(edge_rows)}


def _cypher(value: object) -> str:
    """A Cypher literal: maps with backquoted keys, JSON-escaped strings."""
    if isinstance(value, dict):
        inner = ", ".join(f"`{k.replace('`', '``')}`: {_cypher(x)}" for k, x in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_cypher(x) for x in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _label(text: str) -> str:
    return "".join(part.title() for part in text.replace(":", "_").split("_"))


#: a statement of the Cypher export stays under this many bytes (FalkorDB's Bolt listener
#: takes at most 4 KB a request), so every statement runs through every client
CYPHER_STATEMENT_BYTES = 3_500
CYPHER_SCHEMA = {
    "neo4j": "CREATE CONSTRAINT govgraph_entity_iri IF NOT EXISTS "
    "FOR (n:Entity) REQUIRE n.iri IS UNIQUE;",
    # FalkorDB: an index in Cypher (a uniqueness constraint is the server command
    # GRAPH.CONSTRAINT CREATE <graph> UNIQUE NODE Entity PROPERTIES 1 iri, which needs it)
    "falkordb": "CREATE INDEX FOR (n:Entity) ON (n.iri);",
}


def _unwind(rows: list[dict[str, object]], body: str) -> Iterator[str]:
    """``UNWIND [rows] AS row <body>;`` statements, as many rows each as fit the size bound."""
    batch: list[str] = []
    used = len(body) + 32
    for row in rows:
        text = _cypher(row)
        if batch and used + len(text.encode()) + 2 > CYPHER_STATEMENT_BYTES:
            yield f"UNWIND [{', '.join(batch)}] AS row {body};"
            batch, used = [], len(body) + 32
        batch.append(text)
        used += len(text.encode()) + 2
    if batch:
        yield f"UNWIND [{', '.join(batch)}] AS row {body};"


def to_cypher(index: GovIndex) -> dict[str, bytes]:
    """The graph as Cypher that runs unchanged on Neo4j 5 and on FalkorDB; twice is a no-op.

    ``govgraph.cypher`` holds one ``UNWIND [...] AS row MERGE ...;`` statement a line (rows
    written as literals, so no client-side ``:param`` is needed, each under 3.5 KB); the schema,
    whose syntax differs per engine, is in ``schema-neo4j.cypher`` and ``schema-falkordb.cypher``
    (run it first, once).
    """
    nodes = entity_nodes(index)
    node_set = set(nodes)
    out = ["// govgraph export: run schema-<engine>.cypher first; MERGE makes this idempotent."]
    by_type: dict[str, list[dict[str, object]]] = {}
    for iri in nodes:
        props = {
            k.replace(":", "_").replace("@", "_"): x for k, x in node_attrs(index, iri).items()
        }
        by_type.setdefault(index.type_name(iri), []).append({"iri": iri, "props": props})
    for kind, rows in sorted(by_type.items()):
        body = f"MERGE (n:Entity:{_label(kind)} {{iri: row.iri}}) SET n += row.props"
        out.extend(_unwind(rows, body))
    by_relation: dict[str, list[dict[str, object]]] = {}
    for edge in edges(index, node_set):
        by_relation.setdefault(edge.relation, []).append(
            {"s": edge.source, "o": edge.target, **dict(edge.attrs)}
        )
    for relation, edge_rows in sorted(by_relation.items()):
        rel = "DEPENDS_ON" if relation == "gg:Dependency" else relation.split(":")[-1].upper()
        merge_key = " {id: row.id}" if relation == "gg:Dependency" else ""
        setter = (
            " SET r.type = row.dependency_type, r.criticality = row.criticality"
            if merge_key
            else ""
        )
        body = (
            "MATCH (a:Entity {iri: row.s}) MATCH (b:Entity {iri: row.o}) "
            f"MERGE (a)-[r:{rel}{merge_key}]->(b){setter}"
        )
        out.extend(_unwind(edge_rows, body))
    files = {"govgraph.cypher": ("\n".join(out) + "\n").encode()}
    for engine, schema in CYPHER_SCHEMA.items():
        files[f"schema-{engine}.cypher"] = (schema + "\n").encode()
    return files


def mandate_rows(index: GovIndex, lang: str | None = None) -> list[list[str]]:
    """Header, then one row per (holder, scope): ``x`` under each action granted, ``-`` excluded."""
    header = ["holder", "holder_id", "scope", "scope_id", *v.ACTIONS, "mandate"]
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for mandate in index.of_type(v.MANDATE):
        node = index.node(mandate)
        actions = {concept_slug(a) for a in node.links.get(v.ACTION, [])}
        for holder in node.links.get(v.HOLDER, []):
            for key, mark in ((v.SCOPE, "x"), (v.EXCLUDES, "-")):
                for scope in node.links.get(key, []):
                    row = cells.setdefault((holder, scope), {"mandate": ""})
                    for action in actions:
                        row[action] = mark if row.get(action) != "x" else "x"
                    ids = filter(None, [row["mandate"], local_id(mandate)])
                    row["mandate"] = ";".join(sorted(set(ids)))
    rows = [header]
    for (holder, scope), row in sorted(
        cells.items(), key=lambda kv: (index.label(kv[0][0], lang), index.label(kv[0][1], lang))
    ):
        rows.append(
            [index.label(holder, lang), local_id(holder), index.label(scope, lang), local_id(scope)]
            + [row.get(a, "") for a in v.ACTIONS]
            + [row["mandate"]]
        )
    return rows


def mandate_matrix_csv(index: GovIndex, lang: str | None = None) -> bytes:
    return _csv(mandate_rows(index, lang))


def mandate_matrix_xlsx(index: GovIndex, lang: str | None = None) -> bytes:
    """The mandate matrix as a workbook for board packs (bold header, frozen, filterable)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = mandate_rows(index, lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Mandates"
    for row in rows:
        sheet.append([neutralise(c) for c in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(text_rotation=90 if cell.column > 4 else 0)
    sheet.freeze_panes = "E2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in (("A", 40), ("B", 20), ("C", 40), ("D", 20)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
