"""Open reads without FastAPI's per-request dependency solver, same answers and errors.

FastAPI resolves a route's parameters and dependencies anew for every request: for the read
routes that walk (four dependants, each parameter's annotation inspected again) costs more
CPU than computing most answers on the bundled data (docs/bench/api.md). :class:`ReadRoute`
is an ``APIRoute`` (``APIRouter(route_class=ReadRoute)``, FastAPI's documented hook) whose
handler takes a shorter way when it can be sure to reach the same result:

* at start-up it compiles the route's own parameters (the ``ModelField`` FastAPI built from
  the signature: the same validators, defaults and aliases) and its dependencies, if all of
  them are ones it knows (:data:`api.deps.PLAIN`): store, settings, an open read;
* per request it reads each parameter as FastAPI does (last value of a scalar, every value of
  a list, the default when absent), validates it with the field's own validator and calls the
  endpoint;
* anything else goes the full way, to FastAPI's own handler: a parameter that does not
  validate (so the 400 is FastAPI's), a token or ``GOVGRAPH_READ_ACCESS=token``, a
  dependency override (tests), a method other than GET.

Routing, the exception handlers (:mod:`api.http_errors`: errors raised by the endpoint reach
them as before) and the OpenAPI schema are FastAPI's, unchanged.
"""

from __future__ import annotations

import copy
import inspect
import typing
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response, params
from fastapi._compat import field_annotation_is_sequence
from fastapi.routing import APIRoute
from pydantic import AliasChoices, AliasPath, Json

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
_IMMUTABLE = (type(None), bool, int, float, str, bytes)


class _Field:
    """One query or path parameter, compiled once."""

    __slots__ = (
        "default",
        "field",
        "key",
        "loc",
        "name",
        "path",
        "required",
        "sequence",
        "shared",
        "skip",
    )

    def __init__(self, field: Any) -> None:
        info = field.field_info
        self.field = field
        self.name: str = field.name
        self.key: str = field.alias  # the query parameter's name in the URL
        self.path = isinstance(info, params.Path)
        self.loc = ("path" if self.path else "query", self.key)
        # as FastAPI decides it: every value of a list parameter, the last of any other
        self.sequence = field_annotation_is_sequence(info.annotation)
        self.required = info.is_required()
        self.default = None if self.required else field.default
        self.skip = not self.required and not info.validate_default
        self.shared = isinstance(self.default, _IMMUTABLE)  # FastAPI copies it; no need

    def read(self, request: Request, values: dict[str, Any]) -> bool:
        """Put the parameter's value in ``values`` as FastAPI would; ``False``: it is not
        valid (or missing), and FastAPI must say so."""
        if self.path:
            raw: Any = request.path_params.get(self.key)
        elif self.sequence:
            raw = request.query_params.getlist(self.key) or None
        else:
            raw = request.query_params.get(self.key)
        if raw is None:
            if self.required:
                return False
            raw = self.default if self.shared else copy.deepcopy(self.default)
            if self.skip:
                values[self.name] = raw
                return True
        value, errors = self.field.validate(raw, values, loc=self.loc)
        if errors:
            return False
        values[self.name] = value
        return True


def compile_route(
    dependant: Any, plain: Mapping[Callable[..., Any], Callable[[Request], Any]]
) -> Callable[[Request], tuple[bool, dict[str, Any]]] | None:
    """The argument reader of a route's endpoint, or ``None`` if it needs FastAPI's solver.

    ``plain`` maps each dependency a read may have to a function giving its value for a
    request, or raising :class:`Decline` (then the request goes the full way).
    """
    if (
        dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
        or dependant.websocket_param_name
        or dependant.http_connection_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
    ):
        return None
    if not inspect.iscoroutinefunction(dependant.call):
        return None
    if typing.get_type_hints(dependant.call).get("return") is not Response:
        return None  # FastAPI would encode and check a returned value
    fields = [*dependant.path_params, *dependant.query_params]
    for field in fields:
        info = field.field_info
        if not isinstance(info, params.Path | params.Query):
            return None
        if isinstance(info.validation_alias, AliasChoices | AliasPath):
            return None
        if any(type(item) is Json for item in info.metadata):
            return None
    compiled = [_Field(f) for f in fields]
    deps: list[tuple[str, Callable[[Request], Any]]] = []
    for sub in dependant.dependencies:
        provide = plain.get(sub.call)
        if provide is None or sub.name is None:
            return None
        deps.append((sub.name, provide))
    request_name = dependant.request_param_name

    def arguments(request: Request) -> tuple[bool, dict[str, Any]]:
        values: dict[str, Any] = {}
        for field in compiled:
            if not field.read(request, values):
                return False, values
        try:
            for name, provide in deps:
                values[name] = provide(request)
        except Decline:
            return False, values
        if request_name:
            values[request_name] = request
        return True, values

    return arguments


class Decline(Exception):
    """A plain dependency cannot give its value without FastAPI (a token to check)."""


class ReadRoute(APIRoute):
    """An ``APIRoute`` whose GET requests skip FastAPI's solver when it can (module docs)."""

    def get_route_handler(self) -> Handler:
        full = super().get_route_handler()
        from api.deps import PLAIN

        dependant = _effective_dependant(self)
        arguments = compile_route(dependant, PLAIN) if "GET" in (self.methods or ()) else None
        if arguments is None:
            return full
        endpoint = dependant.call

        async def short(request: Request) -> Response | None:
            """The answer the short way, or ``None``: FastAPI's way must give it."""
            if request.scope["method"] != "GET" or request.app.dependency_overrides:
                return None
            ok, values = arguments(request)
            if not ok:
                return None
            response: Response = await endpoint(**values)
            return response

        async def handler(request: Request) -> Response:
            response = await short(request)
            if response is None:
                return await full(request)
            known: KnownReads | None = getattr(request.app.state, "known_reads", None)
            if known is not None:
                known.learn(request.scope, self, short)
            return response

        return handler


class KnownReads:
    """ASGI middleware: a GET of a path a :class:`ReadRoute` answered before goes to it at once.

    Routing depends on the method and the path alone, and the routes do not change once the
    app runs, so the route FastAPI's router chose for a path (and its path parameters) is
    kept, for at most ``paths`` paths; the next GET of that path skips the router (a tenth of
    the CPU of a computed answer on the bundled data). What the short way declines goes the
    whole way; an error raised by the endpoint goes to the app's own exception handler for it
    (:mod:`api.http_errors`), as the router's exception middleware would send it, and anything
    without one up to the server-error handler, as before.
    """

    def __init__(self, app: Any, owner: Any, paths: int = 4096) -> None:
        self.app = app
        self.owner = owner  # the FastAPI app: its routers, state and exception handlers
        self.paths = paths
        self._known: dict[tuple[str, str], tuple[APIRoute, dict[str, Any], Any]] = {}
        owner.state.known_reads = self

    def learn(self, scope: Any, route: APIRoute, short: Any) -> None:
        key = (scope.get("root_path", ""), scope["path"])
        if key not in self._known:
            if len(self._known) >= self.paths:
                self._known.clear()
            self._known[key] = (route, dict(scope.get("path_params", {})), short)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            found = self._known.get((scope.get("root_path", ""), scope["path"]))
            if found is not None:
                route, path_params, short = found
                child = {
                    **scope,
                    "route": route,
                    "endpoint": route.endpoint,
                    "path_params": path_params,
                    "router": self.owner.router,
                }
                request = Request(child, receive, send)
                try:
                    response = await short(request)
                except Exception as exc:
                    handler = _handler_of(self.owner.exception_handlers, exc)
                    if handler is None:
                        raise
                    response = await handler(request, exc)
                if response is not None:
                    await response(child, receive, send)
                    return
        await self.app(scope, receive, send)


def _handler_of(handlers: Mapping[Any, Any], exc: Exception) -> Any:
    """The handler Starlette's exception middleware would pick for ``exc`` (by class, nearest
    first; ``Exception`` is the server-error middleware's, not its)."""
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None


def _effective_dependant(route: APIRoute) -> Any:
    """The dependant FastAPI's own handler is built for (an included router's, with its
    prefix and dependencies, while FastAPI builds that inclusion's handler)."""
    import fastapi.routing

    context_var = getattr(fastapi.routing, "_effective_route_context_var", None)
    context = context_var.get() if context_var is not None else None
    if context is not None and getattr(context, "original_route", None) is route:
        return context.dependant
    return route.dependant
