"""Settings, validated and injected (never read at import time)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def _default_store_path() -> Path:
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govgraph" / "store"


class Settings(BaseSettings):
    """Configuration from ``GOVGRAPH_*`` environment variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="GOVGRAPH_", env_file=".env", extra="ignore")

    store: Literal["oxigraph"] = Field("oxigraph", description="store backend")
    store_path: Path = Field(default_factory=_default_store_path, description="embedded store dir")
    data_dir: Path = Field(REPO_DATA, description="bundled dataset loaded on first use")
    lang: Literal["da", "nb", "en"] | None = Field(None, description="preferred label language")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
