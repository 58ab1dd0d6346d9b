"""CLI commands: serve (registered on ``api.cli.app``)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli import app


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Reader processes over the store's newest checkpoint (1: one process does "
            "all); the serving process keeps the store and answers writes and SPARQL.",
            min=1,
            max=64,
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API, SPARQL endpoint and views (one process holds the store)."""
    from functools import partial

    import uvicorn

    from api.app import create_app
    from api.settings import get_settings

    settings = get_settings()
    settings.api_tokens()  # a bad tokens file is refused before anything starts
    typer.echo(f"govgraph: serving {settings.store_path} on http://{host}:{port}/ (docs: /docs)")
    # On SIGTERM uvicorn stops accepting, gives requests in flight 5 s, then ends; the app's
    # shutdown kills the SPARQL workers, so no query can hold the stop up (docs/deploy.md).
    # "auto" picks uvloop and httptools (dependencies) over asyncio and h11.
    run = partial(
        uvicorn.run,
        log_level="info",
        loop="auto",
        http="auto",
        access_log=settings.access_log,
        timeout_graceful_shutdown=5,
        limit_concurrency=200,
    )
    if workers > 1:
        from api.workers import serve_workers

        serve_workers(settings, host=host, port=port, workers=workers, run=run)
    else:
        run(create_app(settings), host=host, port=port, workers=1)
    # The app has shut down and closed the store. A request thread still computing a read
    # (FastAPI's thread pool is not daemonic) would hold the exit up for as long as it runs.
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
