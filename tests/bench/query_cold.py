"""The cold rows of :mod:`tests.bench.bench_queries`: the projection built from the on-disk store
and opened again by fresh processes (wall time, CPU, peak RSS, the build's stages), the store's
own share of that build (:mod:`tests.bench.store_floor`), and CLI answers from cold processes
(by id and by name).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.query_writes import load_avg, ms

REPO = Path(__file__).resolve().parents[2]


def cold_rows(
    path: Path, triples: int, log: Callable[[str], None]
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The rows and notes of the cold processes on the store at ``path`` (``triples`` in it)."""
    rows: list[tuple[str, str, str]] = []
    notes: list[str] = []
    # -- projection: built once from the store and persisted; then opened by cold processes --
    opener = (
        "from pathlib import Path\n"
        "from graph.oxigraph_store import OxigraphStore\n"
        "from graph.index import index_of\n"
        "from graph.queries.impact import dependency_net\n"
        f"store = OxigraphStore(Path({str(path)!r}))\n"
        "index = index_of(store)\n"
        "net = dependency_net(index)\n"
        "print('TERMS', len(index.projection.terms))\n"
        "import resource\n"
        "from graph import projection_build\n"
        "_use = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print('CPU', _use.ru_utime + _use.ru_stime)\n"
        "print('STAGES', ' '.join(f'{k.replace(\" \", \"_\")}={v:.2f}' for k, v in "
        "projection_build.last_stages.items()))\n"
    )
    build_load = load_avg()
    build_s, build_mb, build_out = child(opener)
    build_cpu, stages = _cpu_and_stages(build_out)
    log(f"projection built from the store in {build_s:.1f}s, {build_mb:.0f} MB")
    open_s, open_mb, _ = child(opener)
    log(f"persisted projection opened in {open_s:.2f}s, {open_mb:.0f} MB")
    rows += [
        (
            f"build the projection + dependency net from the store ({triples:,} triples, "
            "one pass, persisted beside it)",
            f"{ms(build_s)} (CPU {build_cpu:.1f} s, load {build_load}), peak RSS "
            f"{build_mb:,.0f} MB (fresh process)",
            "target <= 5 s and <= 1 GB; before the stable sorts were SIMD sorts of packed "
            "keys and numpy's arrays were kept off huge pages (main and this code back to back, "
            "4 runs each at load 1.7-2.1: 6.4 s, CPU 10.7 s, 470-510 MB against 5.9 s, CPU "
            "10.1 s, 470-540 MB; the net 0.24-0.33 against 0.10-0.23 s); before the known "
            "predicates were read without "
            "counting the store's first (and the CSR sorts ran beside the literals and the "
            "string sort): 5.7 s, CPU 10.0 s, 567 MB at load 1.8 (that code and this one back "
            "to back later, 3 runs each at load 1.0-1.4: 7.9 s, CPU 13.5 s, 580 MB against "
            "6.9 s, CPU 12.0 s, 458 MB); before: 8.5 s, CPU 15.4 s, 601 MB with the store's "
            "compaction after the bulk load running beside it (now part of the load); quad by "
            "quad 20.9 s, 489 MB; GovIndex 34 s, 1.7 GB; stages below",
        ),
        (
            "open the persisted projection + net (a cold process, same content)",
            f"{ms(open_s)}, peak RSS {open_mb:,.0f} MB",
            "memory-mapped arrays, keyed by the store's content stamp",
        ),
    ]

    notes.append(
        "Projection build stages (seconds, wall / process CPU over every thread; `parse cpu` is "
        "the main thread's share of `read cpu`, SPARQL answers parsed while the store answers "
        f"the next queries on worker threads): {stages}."
    )

    # the store's own share of that build: its queries answered on the build's threads, unparsed
    floor_s, floor_cpu, floor_rows = _floor(path)
    rows.append(
        (
            "the store's answers alone (the build's queries on its worker threads, serialised, "
            "nothing parsed or kept; :mod:`tests.bench.store_floor`)",
            f"{ms(floor_s)} (CPU {floor_cpu:.1f} s, {floor_rows:,} rows)",
            "what only a faster store could cut: every row decodes its subject (a RocksDB "
            "lookup, 1.1-2.4 us); the build's parse, indexes and net come on top",
        )
    )

    # -- a cold CLI answer on the national store ------------------------------------------
    env = {**os.environ, "GOVGRAPH_STORE_PATH": str(path)}
    govgraph = [sys.executable, "-c", "from api.cli import main; main()"]
    for command in (
        ["impact", "sys-0", "--limit", "50", "--json"],
        ["who-decides", "sys-0", "--json"],
    ):
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run([*govgraph, *command], env=env, cwd=REPO, capture_output=True)
            walls.append(time.perf_counter() - start)
        status = "" if done.returncode == 0 else f" (exit {done.returncode})"
        rows.append(
            (
                f"`govgraph {' '.join(command)}` on the {triples:,}-triple store, cold process",
                f"{ms(statistics.median(walls))} wall (median of 3){status}",
                "target <= 2 s; before 66-73 s",
            )
        )
    log("cold CLI timed")
    rows += cold_name_rows(path, triples)
    log("cold CLI by name timed")

    return rows, notes


def child(code: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``code`` in a fresh Python: wall seconds, its peak RSS in MB, and its output."""
    script = (
        "import sys, time\n"
        "_t = time.perf_counter()\n"
        f"{code}\n"
        "print('WALL', time.perf_counter() - _t)\n"
        # VmHWM: the peak of this program alone (ru_maxrss keeps the forking parent's peak)
        "_hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('RSS', int(_hwm.split()[1]) / 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    out = dict(
        line.split(" ", 1) for line in done.stdout.splitlines() if line[:4] in ("WALL", "RSS ")
    )
    return float(out["WALL"]), float(out["RSS"]), done.stdout


def _floor(path: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of the store answering a build's queries, and the rows (a fresh
    process, the store copied first: opening it must not touch the bench's store)."""

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(path, copy)
        done = subprocess.run(
            [sys.executable, "-m", "tests.bench.store_floor", str(copy)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("FLOOR "))
    wall, cpu, count = line.split()[1:]
    return float(wall), float(cpu), int(count)


def _cpu_and_stages(out: str) -> tuple[float, str]:
    """The CPU seconds and the projection build's stages a child printed."""
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    stages = dict(part.split("=") for part in lines.get("STAGES", "").split())
    shown = ", ".join(
        f"{name} {float(stages[name]):.2f} / {float(stages.get(name + '_cpu', 'nan')):.2f}"
        for name in stages
        if not name.endswith("_cpu")
    )
    if "parse_cpu" in stages:
        shown += f", parse cpu {float(stages['parse_cpu']):.2f}"
    return float(lines.get("CPU", "nan")), shown


def cold_name_rows(path: Path, triples: int) -> list[tuple[str, str, str]]:
    """A cold CLI answer by name on the on-disk store (median of 3 fresh processes each): an
    exact label, a lower-case one, word prefixes, a misspelt name ("did you mean"). The first
    call builds the name table and saves it beside the projection (reported beside it); the
    later ones map that file (``graph.name_file``) instead of building or unpickling."""
    env = {**os.environ, "GOVGRAPH_STORE_PATH": str(path)}
    govgraph = [sys.executable, "-c", "from api.cli import main; main()"]

    def wall(command: list[str]) -> tuple[float, int]:
        start = time.perf_counter()
        done = subprocess.run([*govgraph, *command], env=env, cwd=REPO, capture_output=True)
        return time.perf_counter() - start, done.returncode

    first, _ = wall(["who-decides", "System 1", "--json"])
    rows = []
    for command in (
        ["who-decides", "System 12345", "--json"],
        ["impact", "system 4321", "--limit", "50", "--json"],
        ["search", "syst 1234"],
        ["who-decides", "Systen 12345", "--json"],
    ):
        load = load_avg()
        walls, codes = zip(*(wall(command) for _ in range(3)), strict=True)
        status = "" if codes[-1] == 0 else f" (exit {codes[-1]}: not found, with suggestions)"
        rows.append(
            (
                f"`govgraph {' '.join(command)}` on the {triples:,}-triple store, by name, "
                "cold process",
                f"{ms(statistics.median(walls))} wall (median of 3, load {load}){status}",
                f"target <= 2 s; the first call built and saved the name table: {ms(first)}; "
                "before: 4.8-10 s unpickling names.pkl",
            )
        )
    return rows
