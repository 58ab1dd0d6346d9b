"""Load test of the HTTP API (bounded, loopback only): mixed reads, 50 clients, 30 s.

Starts ``uvicorn`` in a child process over a temporary store holding the bundled dataset, runs
50 concurrent HTTP clients for 30 seconds against it, and writes throughput and p50/p99
latencies to ``docs/bench/api.md``. Run by ``make bench``; ``BENCH_API_SECONDS`` shortens it.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.api.test_crash import _free_port, _start
from tests.support import DATA, REPO

CLIENTS = 50
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "30"))
MIX = [
    ("entity", "/entities/ds"),
    ("entity (Turtle)", "/entities/sp"),
    ("list", "/entities?limit=20&type=body"),
    ("search", "/search?q=styre"),
    ("who-decides", "/who-decides?subject=sundhedsplatformen"),
    ("impact", "/impact?node=nsp"),
    ("sparql", "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"),
]


async def _client(
    http: httpx.AsyncClient, offset: int, stop: float, out: dict[str, list[float]]
) -> None:
    i = offset
    while time.monotonic() < stop:
        name, url = MIX[i % len(MIX)]
        headers = {"Accept": "text/turtle"} if "Turtle" in name else {}
        start = time.perf_counter()
        response = await http.get(url, headers=headers)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
        out.setdefault(name, []).append(elapsed)
        i += 1


async def _run(base: str) -> tuple[dict[str, list[float]], float]:
    out: dict[str, list[float]] = {}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        for _, url in MIX:  # warm the caches
            await http.get(url)
        began = time.monotonic()
        stop = began + SECONDS
        await asyncio.gather(*(_client(http, n, stop, out) for n in range(CLIENTS)))
        return out, time.monotonic() - began


def _ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f}"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-") as tmp:
        port = _free_port()
        child = _start(Path(tmp), port, data_dir=DATA)
        try:
            out, wall = asyncio.run(_run(f"http://127.0.0.1:{port}"))
        finally:
            child.kill()
            child.wait()
    everything = [x for values in out.values() for x in values]
    rows = [f"| {name} | {len(v)} | {_ms(v, 0.5)} | {_ms(v, 0.99)} |" for name, v in out.items()]
    text = "\n".join(
        [
            "## HTTP API under load (`tests/bench/bench_api.py`)",
            "",
            f"{CLIENTS} concurrent clients on loopback, {wall:.0f} s of mixed reads over the "
            "bundled dataset; one uvicorn worker (the embedded store admits one process).",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}.",
            "",
            f"**Throughput: {len(everything) / wall:.0f} requests/s**; latency p50 "
            f"{_ms(everything, 0.5)} ms, p99 {_ms(everything, 0.99)} ms "
            f"({len(everything)} requests, no errors).",
            "",
            "| request | count | p50 ms | p99 ms |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            f"Mean latency {statistics.mean(everything) * 1000:.1f} ms. Latency includes queueing: "
            "with 50 clients and one worker process, requests wait for the worker's thread pool.",
            "",
        ]
    )
    target = REPO / "docs" / "bench" / "api.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(text)
    print(json.dumps({"throughput": len(everything) / wall}), file=sys.stderr)


if __name__ == "__main__":
    main()
