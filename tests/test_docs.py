"""Everything a user can call is documented (STYLE rule 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _docs() -> str:
    parts = [(REPO / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md"))]
    return "\n".join(parts)


def _commands() -> list[str]:
    import typer.main

    from api.cli import app

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"govgraph {command}" in _docs(), f"`govgraph {command}` is not in README.md or docs/"


def test_every_command_has_help(cli) -> None:  # type: ignore[no-untyped-def]
    for command in _commands():
        result = cli(command, "--help")
        assert result.exit_code == 0
        assert "--json" in result.stdout or command in {"serve", "viz", "generate"}, command


def test_readme_shows_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme


def test_routes_are_documented() -> None:
    try:
        from api.app import create_app
    except ImportError:
        pytest.fail("api.app.create_app is missing")
    from api.settings import Settings

    app = create_app(Settings())
    docs = _docs()
    missing = [
        route.path  # type: ignore[attr-defined]
        for route in app.routes
        if getattr(route, "include_in_schema", False) and route.path not in docs  # type: ignore[attr-defined]
    ]
    assert not missing, f"routes not in docs/: {missing}"
