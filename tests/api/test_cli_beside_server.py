"""The CLI beside a running server: reads answer from the server's newest checkpoint, writes are
told to go through the API, and a write through the API is visible to the CLI right after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.api.test_crash import TOKEN, _free_port, _start
from tests.support import DATA, REPO


def _cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GOVGRAPH_STORE_PATH": str(tmp / "store"),
        "GOVGRAPH_DATA_DIR": str(DATA),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _unpaged(answer: dict[str, object]) -> dict[str, object]:
    """An answer without its ``page`` (the API pages lists; the CLI prints them whole)."""
    return {k: v for k, v in answer.items() if k != "page"}


def test_reads_answer_and_writes_are_redirected_while_a_server_holds_the_store(
    tmp_path: Path,
) -> None:
    port = _free_port()
    child = _start(tmp_path, port, data_dir=DATA)
    try:
        base = f"http://127.0.0.1:{port}"
        show = _cli(tmp_path, "show", "ds", "--json")
        assert show.returncode == 0, show.stderr
        assert json.loads(show.stdout) == httpx.get(base + "/entities/ds").json()
        decides = _cli(tmp_path, "who-decides", "sundhedsplatformen", "--json")
        assert decides.returncode == 0, decides.stderr
        answer = httpx.get(base + "/who-decides", params={"subject": "sundhedsplatformen"})
        assert _unpaged(json.loads(decides.stdout)) == _unpaged(answer.json())
        assert answer.json()["deciders"]
        impact = _cli(tmp_path, "impact", "nsp", "--upstream", "--json")
        assert impact.returncode == 0, impact.stderr
        answer = httpx.get(base + "/impact", params={"node": "nsp", "direction": "upstream"})
        assert _unpaged(json.loads(impact.stdout)) == _unpaged(answer.json())
        assert answer.json()["impacted"]

        missing = _cli(tmp_path, "show", "beside-server-body", "--json")
        assert missing.returncode != 0
        batch = "entities:\n  - id: beside-server-body\n    type: body\n    label: {en: Beside}\n"
        response = httpx.post(
            base + "/batches",
            params={"graph": "beside", "reason": "CLI beside server test"},
            content=batch,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        )
        assert response.status_code == 201, response.text
        shown = _cli(tmp_path, "show", "beside-server-body", "--json")
        assert shown.returncode == 0, shown.stderr
        assert "Beside" in shown.stdout

        (tmp_path / "more.yaml").write_text(batch.replace("beside-server", "cli"), "utf-8")
        load = _cli(tmp_path, "load", str(tmp_path / "more.yaml"))
        assert load.returncode == 69
        assert "Authorization: Bearer" in load.stdout + load.stderr
    finally:
        child.kill()
        child.wait()
