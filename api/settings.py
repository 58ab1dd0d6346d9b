"""Settings, validated and injected (never read at import time)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from ontology.errors import ConfigurationError

if TYPE_CHECKING:
    from loaders.limits import Limits

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def _default_store_path() -> Path:
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govgraph" / "store"


class ApiToken(BaseModel):
    """One bearer token of the HTTP API. ``token`` is a secret: masked in reprs and logs."""

    name: str = Field(min_length=1, description="who the token belongs to (in the audit log)")
    role: Literal["reader", "editor", "admin"]
    token: SecretStr

    @field_validator("token")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("a token needs at least 16 characters")
        return value


class Settings(BaseSettings):
    """Configuration from ``GOVGRAPH_*`` environment variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="GOVGRAPH_", env_file=".env", extra="ignore")

    store: Literal["oxigraph", "neo4j", "falkordb"] = Field(
        default="oxigraph", description="store backend: embedded oxigraph, neo4j or falkordb"
    )
    store_path: Path = Field(default_factory=_default_store_path, description="embedded store dir")
    data_dir: Path = Field(default=REPO_DATA, description="bundled dataset loaded on first use")
    # -- Cypher stores (``GOVGRAPH_STORE=neo4j`` or ``falkordb``; docs/deploy.md) ---------------
    neo4j_uri: str | None = Field(
        default=None, description="e.g. neo4j+s://xxxx.databases.neo4j.io"
    )
    neo4j_user: str = Field(default="neo4j", description="Neo4j user")
    neo4j_password: SecretStr = Field(default=SecretStr(""), description="Neo4j password")
    neo4j_database: str | None = Field(default=None, description="Neo4j database (server default)")
    falkordb_host: str = Field(default="localhost", description="FalkorDB host")
    falkordb_port: int = Field(default=6379, description="FalkorDB port")
    falkordb_socket: str | None = Field(default=None, description="FalkorDB unix socket path")
    falkordb_graph: str = Field(default="govgraph", description="FalkorDB graph name")
    query_timeout: float = Field(
        default=30.0, gt=0, le=600, description="Cypher query time limit, seconds"
    )
    lang: Literal["da", "nb", "en"] | None = Field(
        default=None, description="preferred label language"
    )

    # -- input limits (docs/authoring.md, "Limits"); a file over one is refused, located ---------
    max_file_bytes: int = Field(default=256 * 1024 * 1024, gt=0, description="bytes per file")
    max_unpacked_bytes: int = Field(
        default=256 * 1024 * 1024, gt=0, description="bytes an .xlsx workbook may unpack to"
    )
    max_depth: int = Field(default=100, gt=0, le=10_000, description="nesting depth in a file")
    max_literal: int = Field(default=100_000, gt=0, description="characters in one value")
    max_rows: int = Field(default=200_000, gt=0, description="rows in one CSV file or sheet")
    max_cell: int = Field(default=32_767, gt=0, description="characters in one sheet cell")
    data_root: Path | None = Field(
        default=None, description="graph names are file paths relative to this directory"
    )

    # -- HTTP API (``govgraph serve``) ---------------------------------------------------------
    tokens: list[ApiToken] = Field(
        default_factory=list,
        description='bearer tokens as JSON: [{"name": .., "role": reader|editor|admin, "token": ..}]',
    )
    tokens_file: Path | None = Field(
        default=None,
        description="a JSON file of tokens (same shape as GOVGRAPH_TOKENS), outside the repo",
    )
    read_access: Literal["open", "token"] = Field(
        default="open",
        description="open: anyone may read; token: reads need a reader token or better",
    )
    sparql_timeout: float = Field(
        default=10.0, gt=0, le=600, description="SPARQL time limit, seconds"
    )
    sparql_max_bytes: int = Field(
        default=10_000_000,
        gt=0,
        description="SPARQL result-size limit, bytes of serialised results",
    )
    answer_cache_entries: int = Field(
        default=2048,
        ge=0,
        le=1_000_000,
        description="read answers kept serialised per store generation (0: no cache)",
    )
    access_log: bool = Field(
        default=False, description="log every HTTP request (uvicorn's access log; costs ~10%)"
    )
    sparql_workers: int = Field(
        default=4, ge=1, le=64, description="SPARQL worker processes (queries run at once)"
    )
    sparql_worker_memory_mb: int = Field(
        default=1024, ge=128, description="address-space limit of each SPARQL worker, MB"
    )
    sparql_per_client: int = Field(
        default=2, ge=1, description="SPARQL queries one client may have running at once"
    )
    sparql_max_query_length: int = Field(
        default=100_000, ge=100, description="longest SPARQL query accepted, characters"
    )
    sparql_max_depth: int = Field(
        default=64, ge=4, le=500, description="deepest nesting of (), [] and {} in a query"
    )
    sparql_max_patterns: int = Field(
        default=1000, ge=10, le=2000, description="most triple patterns in a query"
    )
    sparql_max_chain: int = Field(
        default=500, ge=10, le=2000, description="longest chain of operators in an expression"
    )
    sparql_service_allow: list[str] = Field(
        default_factory=list,
        description="SERVICE endpoints a query may call (JSON list of IRIs); none by default",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="request body limit, bytes (uploads: below)"
    )
    upload_max_bytes: int = Field(
        default=5 * 1_048_576, ge=1024, description="POST /batches body limit, bytes"
    )
    whatif_max_changes: int = Field(
        default=1000, ge=1, description="most changes in one POST /what-if"
    )
    export_max_triples: int = Field(
        default=2_000_000, ge=1, description="largest store GET /export serialises, triples"
    )
    auth_failures_per_minute: int = Field(
        default=10, ge=1, description="failed authentications per client per minute before 429"
    )
    audit_log: Path | None = Field(
        default=None, description="append-only JSON-lines audit log (default: next to the store)"
    )

    @field_validator("tokens_file")
    @classmethod
    def _outside_repo(cls, value: Path | None) -> Path | None:
        if value is not None and value.resolve().is_relative_to(REPO_DATA.parent):
            raise ValueError(
                "keep the tokens file outside the repository, where it cannot be committed"
            )
        return value

    def api_tokens(self) -> list[ApiToken]:
        """The tokens from ``GOVGRAPH_TOKENS`` and ``GOVGRAPH_TOKENS_FILE`` together."""
        tokens = list(self.tokens)
        if self.tokens_file is not None:
            import json

            from pydantic import TypeAdapter

            where = {"setting": "GOVGRAPH_TOKENS_FILE", "value": str(self.tokens_file)}
            try:
                raw = json.loads(self.tokens_file.read_text(encoding="utf-8"))
                tokens += TypeAdapter(list[ApiToken]).validate_python(raw)
            except OSError as error:
                problem = {**where, "message": error.strerror or str(error)}
                raise ConfigurationError([problem]) from None
            except ValueError as error:  # not JSON, or not a list of tokens
                raise ConfigurationError(_problems(error, "GOVGRAPH_TOKENS_FILE", where)) from None
        return tokens

    def limits(self) -> Limits:
        """The input limits, for :func:`loaders.load_paths`."""
        from loaders.limits import Limits

        return Limits(
            max_file_bytes=self.max_file_bytes,
            max_unpacked_bytes=self.max_unpacked_bytes,
            max_depth=self.max_depth,
            max_literal=self.max_literal,
            max_rows=self.max_rows,
            max_cell=self.max_cell,
        )

    def audit_path(self) -> Path:
        """One log per store: ``<store dir>.audit.jsonl`` beside the store, unless set."""
        return self.audit_log or self.store_path.with_name(self.store_path.name + ".audit.jsonl")


#: settings whose values are never shown in a message (secrets)
_HIDDEN = {"tokens", "neo4j_password"}


def _problems(
    error: ValueError, setting: str | None = None, where: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """What ``error`` (pydantic's, or a JSON one) says is wrong, one entry per setting.

    ``setting`` names the source when the error is about a file's content (its records are
    then located below it); otherwise each error's first location is the field.
    """
    if not isinstance(error, ValidationError):
        if isinstance(error, SettingsError):  # a complex value (JSON) that does not parse
            found = re.search(r'field "(\w+)"', str(error))
            field = found.group(1) if found else "?"
            return [{"setting": _variable(field), "message": "not valid JSON"}]
        return [{**(where or {}), "setting": setting or "?", "message": str(error)}]
    problems = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        if setting is None:
            field, rest = (loc[0] if loc else "?"), loc[1:]
            problem = {"setting": _variable(field), "message": item["msg"]}
            if field not in _HIDDEN and isinstance(item.get("input"), str | int | float):
                problem["value"] = str(item["input"])
        else:
            rest, problem = loc, {**(where or {}), "setting": setting, "message": item["msg"]}
        if rest:  # where in a list of records: ``[0].role``
            place = "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in rest)
            problem["message"] = f"{place.lstrip('.')}: {problem['message']}"
        problems.append(problem)
    return problems


def _variable(field: str) -> str:
    return "GOVGRAPH_" + field.upper()


def _hint(problem: dict[str, str]) -> dict[str, str]:
    """A path given as the backend: GOVGRAPH_STORE_PATH was meant."""
    value = problem.get("value", "")
    if problem["setting"] == "GOVGRAPH_STORE" and ("/" in value or "\\" in value):
        problem["message"] += "; to choose the store's directory set GOVGRAPH_STORE_PATH"
    return problem


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once per process.

    Raises
    ------
    ConfigurationError
        A ``GOVGRAPH_*`` variable (or ``.env`` entry) has a value the setting does not allow;
        the error names each variable, the value (not for secrets) and the rule.
    """
    try:
        return Settings()
    except (ValidationError, SettingsError) as error:
        raise ConfigurationError([_hint(p) for p in _problems(error)]) from None
