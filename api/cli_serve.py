"""CLI commands: serve (registered on ``api.cli.app``)."""

from __future__ import annotations
