"""The govgraph vocabulary: namespaces, RDF terms, dates, errors and the ontology files.

This package is the bottom layer: it imports nothing from ``graph``, ``loaders``, ``viz`` or
``api``.
"""

from __future__ import annotations

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILES = ("govgraph.ttl", "concepts.ttl", "portfolio.ttl")
SHAPES_FILE = "shapes.ttl"
MORE_SHAPES_FILES = ("portfolio-shapes.ttl",)  # parts of the shapes kept in their own files
