"""Load test of the HTTP API with ``wrk`` (bounded, loopback only): mixed reads, 50 connections.

A pure-Python client on the same 2 cores measures itself more than the server, so the load comes
from ``wrk`` (Debian package; ``make bench`` installs it). In one run, each served the same way
by uvicorn in a child process and driven by the same ``wrk`` command:

- a bare sync FastAPI route returning a small JSON object: the framework's ceiling here;
- govgraph as ``govgraph serve`` runs it (uvloop, httptools, no access log);
- govgraph with uvicorn's pure-Python defaults (asyncio loop, h11 parser, access log on).

Writes ``docs/bench/api.md``; ``BENCH_API_SECONDS`` sets each run's length (default 15).
"""

from __future__ import annotations

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
OUT = REPO / "docs" / "bench" / "api.md"
MIX = [
    ("/entities/ds", "application/json"),
    ("/entities/sp", "text/turtle"),
    ("/entities?limit=20&type=body", "application/json"),
    ("/search?q=styre", "application/json"),
    ("/who-decides?subject=sundhedsplatformen", "application/json"),
    ("/impact?node=nsp", "application/json"),
    ("/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D", "*/*"),
]
GOVGRAPH = (
    "import uvicorn; from api.app import create_app; from api.settings import Settings; "
    "uvicorn.run(create_app(Settings()), host='127.0.0.1', port={port}, log_level='warning', "
    "loop='{loop}', http='{http}', access_log={access_log})"
)
BARE = (
    "import uvicorn; from fastapi import FastAPI; app = FastAPI()\n"
    "@app.get('/health')\ndef health() -> dict[str, str]:\n    return {{'status': 'ok'}}\n"
    "uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', loop='{loop}', "
    "http='{http}', access_log={access_log})"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(code: str, port: int, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "GOVGRAPH_STORE_PATH": str(tmp / "store"),
        "GOVGRAPH_AUDIT_LOG": str(tmp / "audit.jsonl"),
        "GOVGRAPH_DATA_DIR": str(DATA),
        "PYTHONPATH": str(REPO),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return child, base
        except httpx.HTTPError:
            time.sleep(0.1)
        if child.poll() is not None:
            raise RuntimeError("the server died while starting")
    child.kill()
    raise RuntimeError("the server did not start")


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
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _run(code: str, settings: dict[str, str], tmp: Path, script: Path | None) -> dict[str, float]:
    port = _free_port()
    child, base = _serve(code.format(port=port, **settings), port, tmp)
    try:
        for path, accept in MIX:  # warm the projection and caches
            httpx.get(base + path, headers={"Accept": accept}, timeout=60)
        return _wrk(base, script, "/health")
    finally:
        child.kill()
        child.wait()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    title = "## HTTP API under load (`tests/bench/bench_api.py`)"
    if shutil.which("wrk") is None:
        message = "skipped: `wrk` is not installed (`apt-get install wrk`; `make bench` does it)"
        OUT.write_text(f"{title}\n\n{message}\n", encoding="utf-8")
        print(message)
        return
    fast = {"loop": "uvloop", "http": "httptools", "access_log": "False"}
    slow = {"loop": "asyncio", "http": "h11", "access_log": "True"}
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-") as name:
        tmp = Path(name)
        script = _lua(MIX, tmp)
        bare = _run(BARE, fast, tmp, None)
        served = _run(GOVGRAPH, fast, tmp, script)
        plain = _run(GOVGRAPH, slow, tmp, script)
    rows = [
        ("bare sync FastAPI route (`/health` of an empty app)", bare),
        (
            "govgraph mixed reads, as `govgraph serve` runs (uvloop, httptools, no access log)",
            served,
        ),
        ("govgraph mixed reads, uvicorn defaults (asyncio, h11, access log)", plain),
    ]
    text = "\n".join(
        [
            title,
            "",
            f"`wrk -t2 -c{CONNECTIONS} -d{SECONDS}s` on loopback against one uvicorn process, all "
            "in one run; mixed reads over the bundled dataset cycle through: "
            + ", ".join(f"`{p.split('?')[0]}`" for p, _ in MIX)
            + ". Every response is checked to be 200.",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), Python "
            f"{platform.python_version()}.",
            "",
            "| server | requests/s | p50 ms | p99 ms |",
            "|---|---:|---:|---:|",
            *(f"| {n} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} |" for n, r in rows),
            "",
            f"**govgraph / bare route: {served['rps'] / bare['rps']:.2f}x**; uvloop + httptools "
            f"+ no access log over uvicorn's defaults: {served['rps'] / plain['rps']:.2f}x.",
            "",
        ]
    )
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
