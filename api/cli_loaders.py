"""CLI command: export (the load formats are registered in ``loaders.files``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli import JsonOpt, LangOpt, _lang, _store, app, close_stores
from api.cli_errors import report
from ontology.errors import GovGraphError, InvalidArgument

FORMAT_HELP = (
    "ttl, jsonld, nt, graphml, csv (nodes.csv + edges.csv; needs --output DIR), cypher, "
    "mandates-csv, mandates-xlsx."
)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "ttl",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (a directory for csv); default stdout."
        ),
    ] = None,
    with_ontology: Annotated[
        bool, typer.Option("--with-ontology", help="Include the ontology and concept schemes.")
    ] = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export the stored graph: RDF, GraphML, CSV, Cypher, or the mandate matrix."""
    from graph.export import export_files

    language = _lang(lang)

    def action() -> dict[str, Any]:
        files = export_files(_store(), fmt, with_ontology=with_ontology, lang=language)
        binary = fmt == "mandates-xlsx"
        if output is None:
            if len(files) > 1 or (binary and sys.stdout.isatty()):
                raise InvalidArgument(
                    "--output", f"{fmt} writes {', '.join(files)}: give --output (a directory)"
                )
            data = next(iter(files.values()))
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return {"format": fmt, "bytes": len(data), "files": []}
        written = []
        if len(files) > 1 or output.is_dir():
            output.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (output / name).write_bytes(data)
                written.append(str(output / name))
        else:
            output.write_bytes(next(iter(files.values())))
            written.append(str(output))
        return {"format": fmt, "bytes": sum(map(len, files.values())), "files": written}

    try:
        result = action()
    except GovGraphError as error:
        raise typer.Exit(report(error, as_json=as_json)) from None
    except OSError as error:
        raise typer.Exit(
            report(InvalidArgument("--output", f"cannot write: {error}"), as_json=as_json)
        ) from None
    finally:
        close_stores()
    if as_json and result["files"]:
        print(json.dumps(result))
    elif result["files"]:
        print(
            f"wrote {result['bytes']} bytes of {fmt} to {', '.join(result['files'])}",
            file=sys.stderr,
        )
