"""Helpers of ``tests/bench/bench_api.py``: servers in child processes, ``wrk`` runs, the mixes.

Every server runs in its own session (``start_new_session``) and is killed with its worker
processes by :func:`stop`; each binds 127.0.0.1 on a free port.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from tests.support import DATA, REPO

CONNECTIONS = 50
SECONDS = int(os.environ.get("BENCH_API_SECONDS", "15"))
SERVE = ["serve", "--host", "127.0.0.1", "--port", "{port}"]
#: the bare route: an empty FastAPI app served as govgraph is (uvloop, httptools, no access log)
BARE_APP = (
    "from fastapi import FastAPI\napp = FastAPI()\n"
    "@app.get('/health')\ndef health() -> dict[str, str]:\n    return {'status': 'ok'}\n"
)
BARE_RUN = (
    "import sys, uvicorn; sys.path.insert(0, {folder!r}); uvicorn.run('bare_app:app', "
    "host='127.0.0.1', port={port}, log_level='warning', loop='uvloop', http='httptools', "
    "access_log=False, limit_concurrency=200, workers={workers})"
)
LANGS = ("", "da", "nb", "en")


def govgraph_command() -> list[str]:
    return [str(Path(sys.executable).parent / "govgraph"), *SERVE]


def bare_command(tmp: Path, workers: int = 1) -> list[str]:
    (tmp / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    script = BARE_RUN.replace("{folder!r}", repr(str(tmp))).replace("{workers}", str(workers))
    return [sys.executable, "-c", script]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(
    command: list[str], port: int, tmp: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    environment = {
        **os.environ,
        "GOVGRAPH_STORE_PATH": str(tmp / "store"),
        "GOVGRAPH_AUDIT_LOG": str(tmp / "audit.jsonl"),
        "GOVGRAPH_DATA_DIR": str(DATA),
        # every wrk connection comes from 127.0.0.1: one client, allowed as many SPARQL
        # queries at once as there are connections
        "GOVGRAPH_SPARQL_PER_CLIENT": str(CONNECTIONS),
        "PYTHONPATH": str(REPO),
        **env,
    }
    child = subprocess.Popen(
        [c.replace("{port}", str(port)) for c in command],
        cwd=tmp,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return child, base
        except httpx.HTTPError:
            time.sleep(0.2)
        if child.poll() is not None:
            raise RuntimeError("the server died while starting")
    stop(child)
    raise RuntimeError("the server did not start")


def stop(child: subprocess.Popen[bytes]) -> None:
    """End the server and its worker processes (its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, 9)
    child.wait()


def lua(paths: list[tuple[str, str]], tmp: Path) -> Path:
    """A wrk script cycling through ``paths`` (each with its Accept header)."""
    entries = ",\n".join(f'  {{"{p}", "{a}"}}' for p, a in paths)
    script = tmp / "mix.lua"
    script.write_text(
        f"local mix = {{\n{entries}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #mix + 1\n"
        '  return wrk.format("GET", mix[i][1], {["Accept"] = mix[i][2]})\nend\n'
        "response = function(status, headers, body)\n"
        '  if status ~= 200 then error("status " .. status) end\nend\n',
        encoding="utf-8",
    )
    return script


def wrk(base: str, script: Path | None, path: str = "/") -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    command += ["-s", str(script), base] if script else [base + path]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed responses:\n{text}")

    def found(pattern: str) -> str:
        match = re.search(pattern, text)
        if match is None:
            raise RuntimeError(f"no {pattern!r} in wrk's output:\n{text}")
        return match.group(1)

    return {
        "rps": float(found(r"Requests/sec:\s+([\d.]+)")),
        "p50": ms(found(r"50%\s+([\d.]+\w+)")),
        "p99": ms(found(r"99%\s+([\d.]+\w+)")),
        "max": ms(found(r"Latency\s+\S+\s+\S+\s+([\d.]+\w+)")),
        "load": os.getloadavg()[0],
    }


def ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run(
    command: list[str],
    tmp: Path,
    mix: list[tuple[str, str]] | None,
    env: dict[str, str] | None = None,
    *,
    load: list[tuple[str, str]] | None = None,
) -> dict[str, float]:
    """Start a server, warm it (the projection, caches) with each path of ``mix`` once, then
    drive it with ``load`` (default: ``mix``)."""
    port = free_port()
    child, base = serve(command, port, tmp, env or {})
    try:
        for path, accept in mix or []:
            answer = httpx.get(base + path, headers={"Accept": accept}, timeout=600)
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
        paths = load or mix
        return wrk(base, lua(paths, tmp) if paths else None, "/health")
    finally:
        stop(child)


def distinct_mix(count: int) -> list[tuple[str, str]]:
    """``count`` different read requests on the bundled data, interleaved by route: every
    entity in each label language, who-decides and impact per entity, year and language,
    searches for words of the labels. Each is asked once in a run of ``count`` requests."""
    from graph.oxigraph_store import OxigraphStore
    from graph.queries.describe import list_entities
    from loaders import load_paths

    store = OxigraphStore()
    load_paths(store, [DATA])
    entities = list_entities(store, limit=10**6)["entities"]
    ids = [quote(e["id"], safe="") for e in entities]
    words = sorted({w.lower() for e in entities for w in e["label"].split() if w.isalpha()})
    store.close()

    def lang(i: int) -> str:
        return f"&lang={LANGS[i % 4]}" if LANGS[i % 4] else ""

    def years(route: str, key: str) -> list[str]:
        return [
            f"/{route}?{key}={i}&as_of={year}{lang(n)}"
            for year in [f"{y}{m}" for y in range(2010, 2031) for m in ("", "-07")]
            for n, i in enumerate(ids)
        ]

    routes = [
        [f"/entities/{i}" + (f"?lang={code}" if code else "") for code in LANGS for i in ids],
        years("who-decides", "subject"),
        years("impact", "node"),
        [
            f"/search?q={quote(w)}" + (f"&lang={code}" if code else "")
            for code in LANGS
            for w in words
        ],
    ]
    mixed: list[tuple[str, str]] = []
    for step in range(max(len(r) for r in routes)):
        for route in routes:
            if step < len(route) and len(mixed) < count:
                mixed.append((route[step], "application/json"))
    return mixed
