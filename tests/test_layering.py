"""Imports point one way: ontology <- graph <- loaders, viz <- api. Nothing imports api."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What each package may import from the project.
ALLOWED = {
    "ontology": {"ontology"},
    "graph": {"ontology", "graph"},
    "loaders": {"ontology", "graph", "loaders"},
    "viz": {"ontology", "graph", "viz"},
    "api": {"ontology", "graph", "loaders", "viz", "api"},
}
HEAVY_AT_IMPORT = {"fastapi", "pyvis", "neo4j", "rdflib", "pyshacl", "networkx", "uvicorn"}


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(top-level module, line, at module level) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.append((name.split(".")[0], node.lineno, id(node) in top_level))
    return found


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_reverse_imports(package: str) -> None:
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in _modules(package)
        for name, line, _ in _imports(path)
        if name in ALLOWED and name not in ALLOWED[package]
    ]
    assert not wrong


def test_layering_test_catches_a_reverse_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from api.cli import app\n")
    assert [n for n, _, _ in _imports(bad)] == ["api"]


def test_only_viz_imports_pyvis() -> None:
    wrong = [
        str(path.relative_to(REPO))
        for package in ALLOWED
        if package != "viz"
        for path in _modules(package)
        if any(name == "pyvis" for name, _, _ in _imports(path))
    ]
    assert not wrong


@pytest.mark.parametrize("package", ["ontology", "graph", "loaders"])
def test_heavy_libraries_are_imported_lazily(package: str) -> None:
    """A CLI query must start fast: heavy libraries only inside functions (STYLE rule 3)."""
    eager = [
        f"{path.relative_to(REPO)}:{line} {name}"
        for path in _modules(package)
        for name, line, top in _imports(path)
        if top and name in HEAVY_AT_IMPORT
    ]
    assert not eager
