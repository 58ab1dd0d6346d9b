"""The one place where errors become CLI messages and exit codes."""

from __future__ import annotations

import json
import sys

from ontology.errors import (
    AmbiguousName,
    ConfigurationError,
    Conflict,
    GovGraphError,
    InvalidArgument,
    NotFound,
    PreconditionFailed,
    StorageFull,
    StoreUnavailable,
    ValidationFailed,
)

EXIT_CODES: dict[type[GovGraphError], int] = {
    NotFound: 3,
    AmbiguousName: 4,
    InvalidArgument: 64,  # EX_USAGE
    ValidationFailed: 65,  # EX_DATAERR
    StoreUnavailable: 69,  # EX_UNAVAILABLE (also a corrupt store)
    StorageFull: 73,  # EX_CANTCREAT: the disk is full
    Conflict: 65,
    PreconditionFailed: 65,
    ConfigurationError: 78,  # EX_CONFIG: a GOVGRAPH_* setting is wrong
}


def exit_code(error: GovGraphError) -> int:
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def report(error: GovGraphError, *, as_json: bool) -> int:
    """Print ``error`` for a person (stderr) and, with ``--json``, for a script (stdout)."""
    if as_json:
        print(json.dumps(error.as_dict(), ensure_ascii=False, indent=2))
    if isinstance(error, ValidationFailed):
        errors = [v for v in error.violations if v.severity == "error"]
        for violation in errors:
            print(f"error: {violation}", file=sys.stderr)
        for violation in error.violations:
            if violation.severity != "error":
                print(f"warning: {violation}", file=sys.stderr)
        print(
            f"{len(errors)} error(s); nothing was written to the store.",
            file=sys.stderr,
        )
    else:
        print(f"error: {error}", file=sys.stderr)
    return exit_code(error)
