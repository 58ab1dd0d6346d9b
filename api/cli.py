"""The ``govgraph`` command line: thin commands over the library.

Each command parses its arguments, calls one library function and renders the answer (text for
people, ``--json`` for scripts). Errors become messages and exit codes in ``api.cli_errors``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli_errors import report
from api.settings import get_settings
from ontology.errors import GovGraphError

app = typer.Typer(
    name="govgraph",
    help=(
        "Governance structure and dependencies of Nordic public health IT: who decides what, "
        "what depends on what, and where each fact is written down.\n\n"
        "Without configuration the embedded store in ~/.local/share/govgraph/store is used "
        "(GOVGRAPH_STORE_PATH to change it), filled with the bundled dataset on first use."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="Label language: da, nb or en.", show_default=False)
]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Input format: auto (by extension and content), yaml, ttl, jsonld, trig, nt, nq, "
        "csv, xlsx, archimate, backstage, org (W3C ORG charts). See docs/formats.md.",
    ),
]


_OPEN: list[Any] = []


def _run(as_json: bool, action: Callable[[], Any], render: Callable[[Any], None]) -> None:
    """Call the library; print its answer, or turn its error into a message and exit code."""
    try:
        result = action()
    except GovGraphError as error:
        raise typer.Exit(report(error, as_json=as_json)) from None
    finally:
        close_stores()
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        render(result)


def stream_lines(action: Callable[[], Iterator[Any]]) -> None:
    """Write each part of the library's generator as one JSON line (NDJSON) as it comes.

    An error before the first line is reported as by :func:`_run`; one after it ends the
    output with a line ``{"error": ...}`` and the error's exit code.
    """
    started = False
    try:
        for part in action():
            sys.stdout.write(json.dumps(part, ensure_ascii=False, default=str) + "\n")
            started = True
    except GovGraphError as error:
        if started:
            sys.stdout.write(json.dumps({"error": error.as_dict()}, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        raise typer.Exit(report(error, as_json=False)) from None
    except BrokenPipeError:  # the reader went away (``| head``): stop computing, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    finally:
        close_stores()
    sys.stdout.flush()


def close_stores() -> None:
    """Close every store a command opened (releasing the embedded store's lock)."""
    while _OPEN:
        _OPEN.pop().close()


def _store(*, write: bool = False) -> Any:
    """The configured store, closed by :func:`_run` when the command ends.

    A read (``write=False``) beside a running server answers from its newest checkpoint.
    """
    from api.store_access import open_store

    store = open_store(get_settings(), write=write)
    _OPEN.append(store)
    return store


def _lang(lang: str | None) -> str | None:
    from ontology.errors import InvalidArgument

    lang = lang or get_settings().lang
    if lang not in (None, "da", "nb", "en"):
        raise typer.Exit(report(InvalidArgument("--lang", "use da, nb or en"), as_json=False))
    return lang


def _load_options() -> dict[str, Any]:
    """Limits and data root of a load, from the settings."""
    settings = get_settings()
    return {"limits": settings.limits(), "root": settings.data_root}


# The portfolio commands (issue 16) register here, apart from the groups below.
from api import cli_portfolio  # noqa: E402, F401


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to check.")],
    fmt: FormatOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Check files against the ontology, the shapes and the store, without writing anything."""
    from api import render
    from loaders import load_paths

    def action() -> dict[str, Any]:
        with render.progress("Validating", quiet=as_json) as report:
            summary = load_paths(
                _store(), paths, fmt=fmt, dry_run=True, progress=report, **_load_options()
            )
        return summary.as_dict()

    _run(as_json, action, render.load_summary)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to load.")],
    fmt: FormatOpt = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Validate and load files into the store: all of them, or nothing.

    Re-loading a file replaces what it loaded before.
    """
    from api import render
    from loaders import load_paths

    def action() -> dict[str, Any]:
        with render.progress("Loading", quiet=as_json) as report:
            summary = load_paths(
                _store(write=not dry_run),
                paths,
                fmt=fmt,
                dry_run=dry_run,
                progress=report,
                **_load_options(),
            )
        return summary.as_dict()

    _run(as_json, action, render.load_summary)


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Id, label or alias (any language, any case).")],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one entity: its facts, relations, members, mandates and citations."""
    from api import render
    from graph.queries.describe import describe

    language = _lang(lang)
    _run(as_json, lambda: describe(_store(), name, lang=language), render.entity)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Part of an id, label or alias.")],
    limit: Annotated[int, typer.Option(help="At most this many results.", min=1)] = 20,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find entities by name in any language (case- and accent-insensitive)."""
    from api import render
    from graph.queries.describe import search as run_search

    language = _lang(lang)
    _run(
        as_json,
        lambda: {"query": text, "results": run_search(_store(), text, limit=limit, lang=language)},
        render.search_results,
    )


@app.command()
def info(as_json: JsonOpt = False) -> None:
    """Show which store is used and what it holds."""
    from api import render
    from graph.queries.stats import stats

    settings = get_settings()
    _run(
        as_json,
        lambda: {"store": str(settings.store_path), **stats(_store())},
        render.info,
    )


# Command groups in their own modules register on ``app`` when imported.
from api import (  # noqa: E402
    cli_ask,
    cli_dependencies,
    cli_governance,
    cli_loaders,
    cli_serve,
    cli_viz,
)

__all__ = [
    "app",
    "main",
    "cli_ask",
    "cli_dependencies",
    "cli_governance",
    "cli_loaders",
    "cli_serve",
    "cli_viz",
]


def main() -> None:
    """Entry point: a bug shows a short message, not a traceback, unless GOVGRAPH_DEBUG is set."""
    import os

    try:
        app()
    except GovGraphError as error:  # raised before a command's own handling (its settings)
        raise SystemExit(report(error, as_json="--json" in sys.argv)) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("GOVGRAPH_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in govgraph; run again with GOVGRAPH_DEBUG=1 for details.",
            file=sys.stderr,
        )
        raise SystemExit(70) from None  # EX_SOFTWARE


if __name__ == "__main__":  # ``python -m api.cli``: the commands registered on api.cli's app
    from api.cli import main as _main

    _main()
