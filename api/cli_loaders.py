"""CLI commands: export (and load formats beyond YAML/RDF), registered on ``api.cli.app``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli import JsonOpt, _store, app, close_stores
from api.cli_errors import report
from ontology.errors import GovGraphError


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl or jsonld.")] = "ttl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default stdout).")
    ] = None,
    with_ontology: Annotated[
        bool, typer.Option("--with-ontology", help="Include the ontology and concept schemes.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export the stored graph as Turtle or JSON-LD."""
    from graph.export import export_graph

    def action() -> dict[str, Any]:
        data = export_graph(_store(), fmt, with_ontology=with_ontology)
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
        return {"format": fmt, "bytes": len(data), "output": str(output) if output else None}

    try:
        result = action()
    except GovGraphError as error:
        raise typer.Exit(report(error, as_json=as_json)) from None
    finally:
        close_stores()
    if as_json and output is not None:
        print(json.dumps(result))
    elif output is not None:
        print(f"wrote {result['bytes']} bytes of {fmt} to {output}", file=sys.stderr)
