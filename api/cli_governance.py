"""CLI commands: who-decides, check, diff (registered on ``api.cli.app``)."""

from __future__ import annotations
