"""One exception tree for the whole product.

Errors carry structured fields and no transport details: the HTTP status and the CLI exit code
are chosen at exactly one place each (``api.http_errors`` and ``api.cli_errors``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One broken rule, located as precisely as the input allows.

    Attributes
    ----------
    file : str or None
        The input file, as the user named it.
    line, column : int or None
        1-based position in the file, when the parser gives one.
    record : str or None
        The record (id or path such as ``mandates[ds-decides].holder``).
    rule : str
        A short stable rule name (``reference-resolves``, ``yaml-syntax`` ...).
    message : str
        What is wrong and the fix expected.
    severity : str
        ``error`` or ``warning``; only errors stop a load.
    """

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    record: str | None = None
    severity: str = "error"

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        rec = f" {self.record}:" if self.record else ""
        return f"{where}:{rec} {self.message} (rule: {self.rule})"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


class GovGraphError(Exception):
    """Root of every error govgraph raises on purpose."""

    code = "error"

    def as_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": str(self)}


def _shown(entity: Mapping[str, Any] | str) -> str:
    """How a suggestion or candidate reads in a message: its label, type and organisation."""
    if isinstance(entity, str):
        return repr(entity)
    where = ", ".join(str(x) for x in (entity.get("type"), entity.get("organisation")) if x)
    return f"{entity.get('label')} ({where}; id {entity.get('id')})"


class NotFound(GovGraphError):
    """No entity answers to ``name``.

    ``suggestions`` are the closest names, each ``{id, label, type, organisation}`` (a bare id
    string is accepted where only an id is known).
    """

    code = "not_found"

    def __init__(self, name: str, suggestions: Sequence[Mapping[str, Any] | str] = ()) -> None:
        self.name = name
        self.suggestions = [s if isinstance(s, str) else dict(s) for s in suggestions]
        hint = (
            f"; did you mean {' or '.join(_shown(s) for s in self.suggestions)}?"
            if suggestions
            else ""
        )
        super().__init__(f"no entity named {name!r}{hint}")

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "name": self.name, "suggestions": self.suggestions}


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str
    type: str
    organisation: str | None = None


class AmbiguousName(GovGraphError):
    """``name`` matches several entities; the caller must choose one of ``candidates``."""

    code = "ambiguous_name"

    def __init__(self, name: str, candidates: Sequence[Candidate]) -> None:
        self.name = name
        self.candidates = list(candidates)
        listing = "; ".join(_shown(c.__dict__) for c in self.candidates)
        super().__init__(
            f"{name!r} is ambiguous: it matches {listing}. Use one of the ids or a longer name."
        )

    def as_dict(self) -> dict[str, object]:
        return {
            **super().as_dict(),
            "name": self.name,
            "candidates": [c.__dict__ for c in self.candidates],
        }


class ValidationFailed(GovGraphError):
    """An input batch breaks one or more rules; nothing was written."""

    code = "validation_failed"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        errors = [v for v in self.violations if v.severity == "error"]
        first = str(errors[0]) if errors else "no errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "violations": [v.as_dict() for v in self.violations]}


class InvalidArgument(GovGraphError):
    """A query argument is malformed (an unknown action, a bad date ...)."""

    code = "invalid_argument"

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "argument": self.argument}


class StoreUnavailable(GovGraphError):
    """The configured store cannot be opened or reached."""

    code = "store_unavailable"

    def __init__(self, store: str, reason: str) -> None:
        self.store = store
        self.reason = reason
        super().__init__(f"store {store} is unavailable: {reason}")


class StorageFull(StoreUnavailable):
    """The disk under the store or its audit log is full; nothing was written."""

    code = "storage_full"


class StoreCorrupt(StoreUnavailable):
    """The store's files are damaged (a failed checksum, an unreadable block)."""

    code = "store_corrupt"


class ConfigurationError(GovGraphError):
    """A setting (a ``GOVGRAPH_*`` variable, ``.env`` or a file one names) is not usable.

    ``problems`` are ``{setting, message}`` pairs, plus ``value`` where showing it is safe
    (never for tokens or passwords).
    """

    code = "configuration_error"

    def __init__(self, problems: Sequence[Mapping[str, str]]) -> None:
        self.problems = [dict(p) for p in problems]
        shown = "; ".join(
            f"{p['setting']}" + (f"={p['value']!r}" if "value" in p else "") + f": {p['message']}"
            for p in self.problems
        )
        super().__init__(f"bad configuration: {shown}")

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "problems": self.problems}


class Conflict(GovGraphError):
    """The write conflicts with what is stored (``POST`` of an id that exists)."""

    code = "conflict"

    def __init__(self, target: str, message: str) -> None:
        self.target = target
        super().__init__(message)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "target": self.target}


class PreconditionFailed(GovGraphError):
    """``If-Match`` names a version that is no longer the stored one (a lost update avoided)."""

    code = "precondition_failed"

    def __init__(self, target: str, expected: str, current: str | None) -> None:
        self.target = target
        self.expected = expected
        self.current = current
        super().__init__(
            f"{target} has changed since version {expected} was read (now {current}): "
            "read it again, re-apply the change and retry with the new ETag"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            **super().as_dict(),
            "target": self.target,
            "expected": self.expected,
            "current": self.current,
        }
