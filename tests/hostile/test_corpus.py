"""Every hostile file of the corpus is refused, located, with the store unchanged (or loads)."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import triples_of
from tests.hostile.corpus import CASES, Case

TIME_LIMIT = 120  # seconds: a hang (a device read forever) fails the case instead of the run


@pytest.fixture
def deadline() -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError("the load did not finish: it hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TIME_LIMIT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(
    case: Case,
    tmp_path: Path,
    store_dir: Path,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    deadline: None,
) -> None:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    inputs = tmp_path / "input"
    inputs.mkdir()
    args = case.build(inputs)
    before = triples_of(store_dir)
    result = cli("load", *args)
    after = triples_of(store_dir)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if case.rule is None:
        assert result.exit_code == 0, result.stderr
        assert after - before and before - after <= {t for t in before if "meta" in t[0]}
        if case.warning:
            assert case.warning in result.stderr, result.stderr
        return
    assert result.exit_code == 65, (result.exit_code, result.stderr[:2000])
    assert f"(rule: {case.rule})" in result.stderr, result.stderr[:2000]
    for fragment in case.fragments:
        assert fragment in result.stderr, result.stderr[:2000]
    assert "nothing was written" in result.stderr
    assert after == before


def test_windows_1252_letters_are_read_right(tmp_path: Path, cli: Callable[..., Any]) -> None:
    from tests.hostile.corpus import cp1252_csv

    args = cp1252_csv(tmp_path)
    assert cli("load", *args).exit_code == 0
    shown = cli("show", "sys-koege", "--json").json()
    assert "Køge – ældre system" in str(shown)


def test_a_file_changed_before_the_write_is_refused(tmp_path: Path) -> None:
    """Read once, then checked unchanged just before the store is written."""
    from graph.oxigraph_store import OxigraphStore
    from loaders import load_paths
    from ontology.errors import ValidationFailed
    from tests.support import FIXTURES

    path = tmp_path / "sample.yaml"
    text = (FIXTURES / "sample" / "sample.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    store = OxigraphStore()

    def writer_appends(step: str, done: int, total: int) -> None:
        if step.startswith("validating"):
            with path.open("a", encoding="utf-8") as handle:
                handle.write("# still being written\n")

    with pytest.raises(ValidationFailed) as caught:
        load_paths(store, [path], progress=writer_appends)
    assert [v.rule for v in caught.value.violations] == ["file-changed"]
    assert caught.value.violations[0].file == str(path)
    assert store.count() == 0
    load_paths(store, [path])  # complete now: it loads
    assert store.count() > 0


def test_a_pipe_inside_a_directory_is_skipped(tmp_path: Path, deadline: None) -> None:
    import os

    from loaders.files import expand_paths
    from tests.support import FIXTURES

    (tmp_path / "sample.yaml").write_bytes((FIXTURES / "sample" / "sample.yaml").read_bytes())
    os.mkfifo(tmp_path / "pipe.yaml")
    assert [p.name for p in expand_paths([tmp_path])] == ["sample.yaml"]


def test_limits_are_settable(tmp_path: Path) -> None:
    from graph.oxigraph_store import OxigraphStore
    from loaders import load_paths
    from loaders.limits import Limits
    from ontology.errors import ValidationFailed
    from tests.support import FIXTURES

    sample = FIXTURES / "sample" / "sample.yaml"
    with pytest.raises(ValidationFailed) as caught:
        load_paths(OxigraphStore(), [sample], limits=Limits(max_file_bytes=100))
    assert caught.value.violations[0].rule == "max-file-bytes"
    with pytest.raises(ValidationFailed) as caught:
        load_paths(OxigraphStore(), [sample], limits=Limits(max_literal=20))
    assert {v.rule for v in caught.value.violations} == {"max-literal"}
    assert all(v.line for v in caught.value.violations)
