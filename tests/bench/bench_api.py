"""Load test of the HTTP API with ``wrk`` (bounded, loopback only): mixed reads, 50 connections.

A pure-Python client on the same 2 cores measures itself more than the server, so the load comes
from ``wrk`` (Debian package; ``make bench`` installs it). In one run, each served the same way
(uvicorn with uvloop, httptools, no access log, in a child process; helpers in
``tests/bench/api_load.py``) and driven by the same ``wrk`` command:

- a bare sync FastAPI route returning a small JSON object: the framework's ceiling here, in one
  process and in two (``--workers 2`` against uvicorn's own two workers);
- govgraph as ``govgraph serve`` runs it, on the bundled data: answers cached per store
  generation (``GOVGRAPH_ANSWER_CACHE_ENTRIES``), with that cache off (every answer computed),
  with distinct queries (every entity, language and date once: nothing repeats), and with
  ``--workers 2`` (two reader processes over the newest checkpoint beside the writer);
- the same on the national graph (``govgraph generate``: 100k items, 300k dependencies, 10k
  bodies, 100k mandates), loaded into an embedded store first; then the whole impact answer of
  a national platform: computed at once (in a child process: seconds and bytes) and streamed
  (``Accept: application/x-ndjson``, by ``curl``: first byte, total, the server's peak memory).

Writes ``docs/bench/api.md``; ``BENCH_API_SECONDS`` sets each run's length (default 15),
``BENCH_API_NATIONAL=0`` leaves the national graph out (a quick run).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.bench import api_load as load
from tests.support import REPO

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
PLATFORM = "sys-0"  # the first item: a national platform (~94k items depend on it)
#: the whole impact answer in one piece, in a child process over the national store
FULL = """
import json, sys, time
from pathlib import Path
from api.answers import dumps
from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import impact
from graph.queries.impact_stream import impact_stream
store = OxigraphStore(Path(sys.argv[1]))
index_of(store)
impact(store, sys.argv[2], limit=20)  # warm: the traversal's net, labels
began = time.perf_counter()
body = dumps(impact(store, sys.argv[2]))
full = time.perf_counter() - began
began = time.perf_counter()
parts = impact_stream(store, sys.argv[2])
next(parts)
first = time.perf_counter() - began
size = sum(len(dumps(part)) + 1 for part in parts)
print(json.dumps({"full_s": full, "full_bytes": len(body), "first_ms": first * 1000,
                  "stream_s": time.perf_counter() - began, "stream_bytes": size}))
store.close()
"""


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


def _streamed(tmp: Path, store: Path) -> dict[str, float]:
    """The platform's whole impact answer streamed by a served govgraph, read by ``curl``."""
    port = load.free_port()
    child, base = load.serve(
        load.govgraph_command(), port, tmp, {"GOVGRAPH_STORE_PATH": str(store)}
    )
    try:
        warm = subprocess.run(
            ["curl", "-sf", "-o", "/dev/null", f"{base}/impact?node={PLATFORM}&limit=20"],
            check=False,
        )
        if warm.returncode:
            raise RuntimeError("the paged impact answer failed")
        before = _peak_rss(child.pid)
        out = subprocess.run(
            [
                "curl", "-sfN", "-o", str(tmp / "stream.ndjson"), "-H",
                "Accept: application/x-ndjson", "-w", "%{time_starttransfer} %{time_total}",
                f"{base}/impact?node={PLATFORM}",
            ],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        lines = (tmp / "stream.ndjson").read_bytes().splitlines()
        if '"end"' not in lines[-1].decode():
            raise RuntimeError(f"the stream was cut: {lines[-1][:300]!r}")
        return {
            "first_ms": float(out[0]) * 1000,
            "total_s": float(out[1]),
            "bytes": (tmp / "stream.ndjson").stat().st_size,
            "items": json.loads(lines[-1])["end"]["items"],
            "rss_before_mb": before,
            "rss_after_mb": _peak_rss(child.pid),
            "load": os.getloadavg()[0],
        }
    finally:
        load.stop(child)


def _peak_rss(pid: int) -> float:
    """The peak resident memory (MB) of process ``pid`` so far (``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _full(store: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", FULL, str(store), PLATFORM],
        capture_output=True, text=True, check=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout  # fmt: skip
    return {**json.loads(out.splitlines()[-1]), "load": os.getloadavg()[0]}


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    title = "## HTTP API under load (`tests/bench/bench_api.py`)"
    if shutil.which("wrk") is None:
        message = "skipped: `wrk` is not installed (`apt-get install wrk`; `make bench` does it)"
        OUT.write_text(f"{title}\n\n{message}\n", encoding="utf-8")
        print(message)
        return
    govgraph = load.govgraph_command()
    load_before = os.getloadavg()
    rows: dict[str, dict[str, float]] = {}
    stream: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-") as name:
        tmp = Path(name)
        distinct = load.distinct_mix(20_000)
        rows["bare"] = load.run(load.bare_command(tmp), tmp, None)
        rows["cached"] = load.run(govgraph, tmp, MIX)
        rows["off"] = load.run(govgraph, tmp, MIX, {"GOVGRAPH_ANSWER_CACHE_ENTRIES": "0"})
        rows["distinct"] = load.run(govgraph, tmp, MIX, load=distinct)
        rows["bare2"] = load.run(load.bare_command(tmp, workers=2), tmp, None)
        rows["workers2"] = load.run([*govgraph, "--workers", "2"], tmp, MIX)
        if NATIONAL:
            folder, late = _national(tmp)
            mix = [(p.replace("{late}", late), a) for p, a in NATIONAL_MIX]
            env = {"GOVGRAPH_STORE_PATH": str(folder / "store")}
            stream["full"] = _full(folder / "store")  # also persists the projection
            rows["national"] = load.run(govgraph, tmp, mix, env)
            stream["streamed"] = _streamed(tmp, folder / "store")
            rows["bare_again"] = load.run(load.bare_command(tmp), tmp, None)
    _write(title, rows, stream, load_before, len(distinct))


NAMES = {
    "bare": "bare sync FastAPI route (`/health` of an empty app)",
    "cached": "govgraph, bundled data (as `govgraph serve` runs)",
    "off": "govgraph, bundled data, answer cache off (every answer computed)",
    "distinct": "govgraph, bundled data, distinct queries (entity x language x date: none repeats)",
    "bare2": "bare sync FastAPI route, 2 uvicorn workers",
    "workers2": "govgraph, bundled data, `--workers 2` (readers over the newest checkpoint)",
    "national": "govgraph, national graph (2.5M triples)",
    "bare_again": "bare sync FastAPI route, again after the national runs",
}


def _write(
    title: str,
    rows: dict[str, dict[str, float]],
    stream: dict[str, Any],
    load_before: tuple[float, float, float],
    distinct: int,
) -> None:
    bare, bare2 = rows["bare"]["rps"], rows["bare2"]["rps"]

    def ratio(key: str, against: float) -> str:
        return f"{rows[key]['rps'] / against:.2f}x"

    lines = [
        title,
        "",
        f"`wrk -t2 -c{load.CONNECTIONS} -d{load.SECONDS}s --latency` on loopback, each server in "
        "its own process served the same way (uvicorn, uvloop, httptools, no access log), all in "
        "one run. Mixed reads cycle through "
        + ", ".join(f"`{p.split('?')[0]}`" for p, _ in MIX)
        + " (each Accept as a client sends it); every response is checked to be 200. Each "
        "path is requested once before the run (it builds the projection and fills the "
        f"answer cache, as the first user of a store generation does). Distinct queries: {distinct:,} "
        "different requests (every entity in each label language; who-decides and impact per "
        "entity, date and language; searches for the labels' words), interleaved by route, "
        "with the answer cache on.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work "
        f"(load average {load_before[0]:.1f} when the run started), Python "
        f"{platform.python_version()}.",
        "",
        "| server | requests/s | p50 ms | p99 ms | max ms | load avg |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {NAMES[k]} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['max']:.0f} "
            f"| {r['load']:.1f} |"
            for k, r in rows.items()
        ),
        "",
        f"**govgraph / bare route** (same run): cached {ratio('cached', bare)}, answer cache off "
        f"{ratio('off', bare)}, distinct queries {ratio('distinct', bare)}; `--workers 2` / bare "
        f"route in 2 workers {ratio('workers2', bare2)}"
        + (f"; national graph {ratio('national', bare)}." if "national" in rows else "."),
        "",
    ]
    if stream:
        full, streamed = stream["full"], stream["streamed"]
        lines += [
            f"**The whole impact answer of a national platform** (`{PLATFORM}`, "
            f"{streamed['items']:,} items, deciders included):",
            "",
            "| answer | first byte | total | bytes | load avg |",
            "|---|---:|---:|---:|---:|",
            f"| in one piece (library `impact` + orjson, in process) | after {full['full_s']:.1f} s "
            f"| {full['full_s']:.1f} s | {full['full_bytes'] / 1e6:.1f} MB | {full['load']:.1f} |",
            f"| streamed (library `impact_stream`, in process) | {full['first_ms']:.0f} ms "
            f"| {full['stream_s']:.1f} s | {full['stream_bytes'] / 1e6:.1f} MB | {full['load']:.1f} |",
            f"| streamed over HTTP (`Accept: application/x-ndjson`, curl) "
            f"| {streamed['first_ms']:.0f} ms | {streamed['total_s']:.1f} s "
            f"| {streamed['bytes'] / 1e6:.1f} MB | {streamed['load']:.1f} |",
            "",
            f"The server's peak resident memory: {streamed['rss_before_mb']:,.0f} MB before the "
            f"streamed answer, {streamed['rss_after_mb']:,.0f} MB after it.",
            "",
        ]
    text = "\n".join(lines)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
