"""Limits on what one load may read (docs/authoring.md, "Limits").

Every limit is settable (``GOVGRAPH_MAX_*``, see :class:`api.settings.Settings`); a file over a
limit is refused with a located violation naming the limit and how to raise it, never read
unbounded. The limits in force are a context variable, set for one load by
:func:`loaders.load_paths` (``limits=``) or :func:`use_limits`.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one load may read.

    Attributes
    ----------
    max_file_bytes : int
        Bytes in one input file (``GOVGRAPH_MAX_FILE_BYTES``).
    max_unpacked_bytes : int
        Bytes a packed file (.xlsx) may unpack to (``GOVGRAPH_MAX_UNPACKED_BYTES``).
    max_depth : int
        Nesting of brackets, braces and parentheses in YAML, JSON-LD and Turtle
        (``GOVGRAPH_MAX_DEPTH``).
    max_literal : int
        Characters in one literal value (``GOVGRAPH_MAX_LITERAL``).
    max_rows : int
        Rows in one CSV file or one sheet of a workbook (``GOVGRAPH_MAX_ROWS``).
    max_cell : int
        Characters in one CSV or spreadsheet cell (``GOVGRAPH_MAX_CELL``; Excel's own limit).
    """

    max_file_bytes: int = 256 * 1024 * 1024
    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_depth: int = 100
    max_literal: int = 100_000
    max_rows: int = 200_000
    max_cell: int = 32_767


_CURRENT: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("limits", default=None)
_DEFAULT = Limits()


def current() -> Limits:
    """The limits in force."""
    return _CURRENT.get() or _DEFAULT


@contextmanager
def use_limits(limits: Limits | None) -> Iterator[Limits]:
    """Apply ``limits`` (``None``: keep the current ones) for the duration of a ``with``."""
    token = _CURRENT.set(limits or current())
    try:
        yield current()
    finally:
        _CURRENT.reset(token)


# Quoted strings and IRIs are skipped: brackets inside them are not nesting.
_NESTING = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|<[^<>"\s]*>|#[^\n]*|[\[\]{}()]'
)


def nesting_too_deep(text: str, limit: int) -> int | None:
    """The 1-based line where nesting first exceeds ``limit``, else ``None``.

    Parsers recurse: a file nested 10,000 deep overflows their stack (Python's, or the native
    one of the RDF parser, which no ``except`` can catch). This scan does not recurse.

    >>> nesting_too_deep("a: [[1], {b: 2}]", 2), nesting_too_deep("a: [[[1]]]", 2)
    (None, 1)
    """
    if sum(text.count(c) for c in "[{(") <= limit:
        return None
    depth = 0
    for match in _NESTING.finditer(text):
        token = match.group()
        if token in "[{(":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]})":
            depth = max(depth - 1, 0)
    return None


def long_line(text: str, limit: int) -> int | None:
    """The 1-based number of the first line longer than ``limit`` characters, else ``None``.

    >>> long_line("ab\\nabcdef\\n", 4)
    2
    """
    start, number = 0, 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > limit:
            return number
        start, number = end + 1, number + 1
    return None
