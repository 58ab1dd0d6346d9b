"""A live ``govgraph serve`` on a free loopback port, over its own temporary store."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support import FIXTURES, REPO

EDITOR = "live-test-editor-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "govgraph"
    if script.exists():
        return [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]


class LiveServer:
    """Start with :meth:`start`; ``base`` is its URL, ``log`` its stdout and stderr."""

    def __init__(self, tmp: Path, **settings: Any) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "server.log"
        self.env = {
            **os.environ,
            "GOVGRAPH_STORE_PATH": str(tmp / "store"),
            "GOVGRAPH_AUDIT_LOG": str(tmp / "audit.jsonl"),
            "GOVGRAPH_DATA_DIR": str(FIXTURES / "sample"),
            "GOVGRAPH_TOKENS": json.dumps([{"name": "ed", "role": "editor", "token": EDITOR}]),
            "PYTHONPATH": str(REPO),
            **{f"GOVGRAPH_{k.upper()}": str(v) for k, v in settings.items()},
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *args: str) -> LiveServer:
        """Start ``govgraph serve`` with ``args`` added (``--workers 2``)."""
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*_command(self.port), *args], cwd=self.tmp, env=self.env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace"))
        self.process.kill()
        raise RuntimeError("the server did not start")

    def rss_bytes(self) -> int:
        """Resident memory of the server and its SPARQL workers together."""
        assert self.process is not None
        total = 0
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def stop(self) -> float:
        """SIGTERM; seconds until the process ended (SIGKILL after 30 s)."""
        assert self.process is not None
        began = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return time.monotonic() - began

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp / "store", ignore_errors=True)
