"""Load test of the HTTP API with ``wrk`` (bounded, loopback only): mixed reads, 50 connections.

A pure-Python client on the same 2 cores measures itself more than the server, so the load comes
from ``wrk`` (Debian package; ``make bench`` installs it). In one run, each served the same way
(uvicorn with uvloop, httptools, no access log, in a child process) and driven by the same
``wrk`` command:

- a bare sync FastAPI route returning a small JSON object: the framework's ceiling here;
- govgraph as ``govgraph serve`` runs it, on the bundled data: answers cached per store
  generation (``GOVGRAPH_ANSWER_CACHE_ENTRIES``), with that cache off, and with
  ``--workers 2`` (two reader processes over the newest checkpoint beside the writer);
- the same on the national graph (``govgraph generate``: 100k items, 300k dependencies, 10k
  bodies, 100k mandates), loaded into an embedded store first.

Writes ``docs/bench/api.md``; ``BENCH_API_SECONDS`` sets each run's length (default 15),
``BENCH_API_NATIONAL=0`` leaves the national graph out (a quick run).
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support import DATA, REPO

CONNECTIONS = 50
SECONDS = int(os.environ.get("BENCH_API_SECONDS", "15"))
NATIONAL = os.environ.get("BENCH_API_NATIONAL", "1") != "0"
OUT = REPO / "docs" / "bench" / "api.md"
COUNT = "SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"
BODIES = (
    "PREFIX%20gg%3A%20%3Chttps%3A%2F%2Fw3id.org%2Fgovgraph%2Fontology%23%3E%20SELECT%20%3Fs%20"
    "WHERE%20%7B%3Fs%20a%20gg%3AGoverningBody%7D%20LIMIT%2010"
)
MIX = [
    ("/entities/ds", "application/json"),
    ("/entities/sp", "text/turtle"),
    ("/entities?limit=20&type=body", "application/json"),
    ("/search?q=styre", "application/json"),
    ("/who-decides?subject=sundhedsplatformen", "application/json"),
    ("/impact?node=nsp", "application/json"),
    (f"/sparql?query={COUNT}", "*/*"),
]
#: on the national graph: a late item (few dependents), a body, a search, SPARQL with a LIMIT
NATIONAL_MIX = [
    ("/entities/sys-{late}", "application/json"),
    ("/entities/body-7", "text/turtle"),
    ("/entities?limit=20&type=body", "application/json"),
    ("/search?q=Body%204242", "application/json"),
    ("/who-decides?subject=sys-{late}", "application/json"),
    ("/impact?node=sys-{late}&limit=20", "application/json"),
    (f"/sparql?query={BODIES}", "*/*"),
]
SERVE = ["serve", "--host", "127.0.0.1", "--port", "{port}"]
BARE = (
    "import uvicorn; from fastapi import FastAPI; app = FastAPI()\n"
    "@app.get('/health')\ndef health() -> dict[str, str]:\n    return {'status': 'ok'}\n"
    "uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', loop='uvloop', "
    "http='httptools', access_log=False, limit_concurrency=200)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(
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
        command,
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
    _stop(child)
    raise RuntimeError("the server did not start")


def _stop(child: subprocess.Popen[bytes]) -> None:
    """End the server and its worker processes (its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, 9)
    child.wait()


def _lua(paths: list[tuple[str, str]], tmp: Path) -> Path:
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


def _wrk(base: str, script: Path | None, path: str = "/") -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    command += ["-s", str(script), base] if script else [base + path]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed responses:\n{text}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", text).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", text).group(1)),  # type: ignore[union-attr]
        "max": _ms(re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+\w+)", text).group(1)),  # type: ignore[union-attr]
        "load": os.getloadavg()[0],
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _run(
    command: list[str],
    tmp: Path,
    mix: list[tuple[str, str]] | None,
    env: dict[str, str] | None = None,
) -> dict[str, float]:
    """Start a server, warm it (the projection, caches) with each path once, drive it."""
    port = _free_port()
    child, base = _serve([c.replace("{port}", str(port)) for c in command], port, tmp, env or {})
    try:
        for path, accept in mix or []:
            answer = httpx.get(base + path, headers={"Accept": accept}, timeout=600)
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
        return _wrk(base, _lua(mix, tmp) if mix else None, "/health")
    finally:
        _stop(child)


def _national(tmp: Path) -> tuple[Path, str]:
    """The national graph in an embedded store at ``tmp/national/store``; a late item's number."""
    import pyoxigraph as ox

    from graph.batch import GRAPH_PREFIX
    from graph.generate import generate, write_ntriples

    folder = tmp / "national"
    folder.mkdir()
    nt = folder / "graph.nt"
    graph = generate(nodes=100_000, dependencies=300_000, bodies=10_000, mandates=100_000, seed=7)
    write_ntriples(graph, nt)
    store = ox.Store(str(folder / "store"))
    store.bulk_load(
        path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_PREFIX + "gen")
    )
    store.flush()
    del store
    late = max(
        int(line.split("/sys-", 1)[1].split(">", 1)[0])
        for line in nt.open(encoding="utf-8")
        if line.startswith("<https://w3id.org/govgraph/id/sys-")
    )
    nt.unlink()
    return folder, str(late)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    title = "## HTTP API under load (`tests/bench/bench_api.py`)"
    if shutil.which("wrk") is None:
        message = "skipped: `wrk` is not installed (`apt-get install wrk`; `make bench` does it)"
        OUT.write_text(f"{title}\n\n{message}\n", encoding="utf-8")
        print(message)
        return
    govgraph = [str(Path(sys.executable).parent / "govgraph"), *SERVE]
    bare_command = [sys.executable, "-c", BARE]
    load_before = os.getloadavg()
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-") as name:
        tmp = Path(name)
        bare = _run(bare_command, tmp, None)
        rows.append(("bare sync FastAPI route (`/health` of an empty app)", bare))
        served = _run(govgraph, tmp, MIX)
        rows.append(("govgraph, bundled data (as `govgraph serve` runs)", served))
        rows.append(
            (
                "govgraph, bundled data, answer cache off",
                _run(govgraph, tmp, MIX, {"GOVGRAPH_ANSWER_CACHE_ENTRIES": "0"}),
            )
        )
        rows.append(
            (
                "govgraph, bundled data, `--workers 2` (readers over the newest checkpoint)",
                _run([*govgraph, "--workers", "2"], tmp, MIX),
            )
        )
        national = None
        if NATIONAL:
            folder, late = _national(tmp)
            mix = [(p.replace("{late}", late), a) for p, a in NATIONAL_MIX]
            env = {"GOVGRAPH_STORE_PATH": str(folder / "store")}
            national = _run(govgraph, tmp, mix, env)
            rows.append(("govgraph, national graph (2.5M triples)", national))
            rows.append(
                (
                    "bare sync FastAPI route, again after the national runs",
                    _run(bare_command, tmp, None),
                )
            )
    _write(title, rows, bare, served, national, load_before)


def _write(
    title: str,
    rows: list[tuple[str, dict[str, float]]],
    bare: dict[str, float],
    served: dict[str, float],
    national: dict[str, float] | None,
    load_before: tuple[float, float, float],
) -> None:
    ratio = served["rps"] / bare["rps"]
    text = "\n".join(
        [
            title,
            "",
            f"`wrk -t2 -c{CONNECTIONS} -d{SECONDS}s --latency` on loopback, each server in its own "
            "process served the same way (uvicorn, uvloop, httptools, no access log), all in one "
            "run. Mixed reads cycle through "
            + ", ".join(f"`{p.split('?')[0]}`" for p, _ in MIX)
            + " (each Accept as a client sends it); every response is checked to be 200. Each "
            "path is requested once before the run (it builds the projection and fills the "
            "answer cache, as the first user of a store generation does).",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work "
            f"(load average {load_before[0]:.1f} when the run started), Python "
            f"{platform.python_version()}.",
            "",
            "| server | requests/s | p50 ms | p99 ms | load avg |",
            "|---|---:|---:|---:|---:|",
            *(
                f"| {n} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['load']:.1f} |"
                for n, r in rows
            ),
            "",
            f"**govgraph / bare route: {ratio:.2f}x** (bundled data, same run)"
            + (
                f"; national graph: {national['rps']:,.0f} requests/s "
                f"({national['rps'] / bare['rps']:.2f}x the bare route)."
                if national
                else "."
            ),
            "",
        ]
    )
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
