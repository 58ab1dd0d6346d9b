"""CLI commands: impact, chains, slip, whatif, generate (registered on ``api.cli.app``)."""

from __future__ import annotations
