"""The FastAPI application: ``create_app(settings)`` wires state, errors and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import http_errors, limits, openapi
from api.answers import AnswerCache, CachedAnswers
from api.audit import AuditLog
from api.auth import TokenTable
from api.heap import Heap
from api.pace import Pace
from api.read_route import KnownReads
from api.settings import Settings
from api.sparql import SparqlEndpoint
from api.writes import Writer
from graph.store import GraphStore


def create_app(
    settings: Settings, *, store: GraphStore | None = None, reader: bool = False
) -> FastAPI:
    """The app over the configured store (held open read-write for the app's lifetime).

    ``store`` overrides the configured one (tests, worker processes); the app then does not
    close it. A ``reader`` (:mod:`api.workers`) has no writer and no SPARQL pool: it passes
    writes, SPARQL and the audit log to the process holding the store.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from api.store_access import open_store

        opened = None if store is not None else open_store(settings)
        if opened is not None:
            _hold(app, opened, settings)
        if app.state.sparql is not None:
            app.state.sparql.start()
        app.state.heap.started()
        try:
            yield
        finally:
            if app.state.sparql is not None:
                app.state.sparql.close()  # kills the SPARQL workers: a stop never waits on them
            if opened is not None:
                opened.close()

    app = FastAPI(
        title="govgraph",
        version="0.1.0",
        summary="Governance structure and dependencies of Nordic public health IT",
        description="Reads are open unless GOVGRAPH_READ_ACCESS=token; writes need an editor "
        "bearer token, the audit log an admin token. See docs/api.md.",
        lifespan=lifespan,
        docs_url=None,  # served by api.assets from the app's own copy (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sparql = None
    app.state.trust_client_header = False
    app.state.answers = AnswerCache(entries=settings.answer_cache_entries)
    app.state.pace = Pace()
    app.state.heap = Heap()
    app.state.tokens = TokenTable(
        settings.api_tokens(), failures_per_minute=settings.auth_failures_per_minute
    )
    http_errors.install(app)
    if reader:  # innermost: what a reader passes on is answered from its cache when it can be
        from api.workers import ToWriter, writer_socket

        app.add_middleware(ToWriter, socket_path=writer_socket(settings.store_path), owner=app)
    app.add_middleware(KnownReads, owner=app)  # innermost: computed reads, without the router
    app.add_middleware(CachedAnswers, owner=app)  # answers kept in memory, before computing
    limits.install(app, settings)
    if store is not None and reader:
        app.state.store, app.state.writer = store, None
    elif store is not None:
        _hold(app, store, settings)

    from api.routes import admin, ask, browse, entities, home, queries, sparql, views, writes

    for module in (home, entities, queries, ask, sparql, writes, admin, views, browse):
        app.include_router(module.router)
    from api.routes import portfolio  # issue 16: its JSON routes and views

    app.include_router(portfolio.router)
    _install_web(app)
    openapi.install(app, settings)
    return app


def app_from_settings() -> FastAPI:
    """The app over the settings of the environment (uvicorn's ``factory`` for its workers)."""
    from api.settings import get_settings

    return create_app(get_settings())


def _install_web(app: FastAPI) -> None:
    """Static files, API docs and favicon served by the app; security headers on every page."""
    from api.assets import install_assets
    from api.html_security import install_html_security

    install_assets(app)
    install_html_security(app)


def _hold(app: FastAPI, store: GraphStore, settings: Settings) -> None:
    """Put the store, its writer and the SPARQL runner on ``app.state`` for the routes.

    SPARQL needs the embedded store's engine; on a Cypher store ``/sparql`` answers 503 while
    every other route works.
    """
    app.state.store = store
    app.state.writer = Writer(store, AuditLog(settings.audit_path()), limits=settings.limits())
    has_engine = getattr(store, "raw", None) is not None
    app.state.sparql = SparqlEndpoint(store, settings) if has_engine else None
