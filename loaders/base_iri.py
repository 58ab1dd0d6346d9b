"""The base IRI an RDF file's relative IRIs resolve against: stable, machine-independent."""

from __future__ import annotations

from pathlib import Path

from loaders.reading import graph_name


def base_iri(path: Path) -> str:
    """The base IRI relative IRIs of an RDF file resolve against: its graph name, percent-encoded.

    Like the graph name it is ``file:`` and the path relative to the data root, never the
    absolute path, so that a file states the same triples on every machine and from any
    checkout.

    >>> import tempfile
    >>> from loaders.reading import data_root
    >>> with tempfile.TemporaryDirectory() as tmp, data_root(Path(tmp)):
    ...     base_iri(Path(tmp) / "org charts" / "a.ttl")
    'file:org%20charts/a.ttl'
    """
    from urllib.parse import quote

    return quote(graph_name(path), safe=":/")
