"""How bulk parameters are written for each engine: FalkorDB's ``CYPHER`` header text, and the
size and escaping FalkorDB's Bolt listener needs (:mod:`graph.cypher_transports` uses them)."""

from __future__ import annotations

import json
from typing import Any

# FalkorDB 4.16's Bolt listener crashes on a request above 4,096 bytes of Cypher text, its
# parameters rendered as literals (measured: a 4,050-byte string passes, 4,100 kills the
# server); keep a margin.
FALKOR_BOLT_MESSAGE = 3_800
#: rows per bulk message on Neo4j
NEO4J_BATCH = 10_000


def _escape(value: Any) -> Any:
    """``value`` with every string escaped for FalkorDB's Bolt parameter handling."""
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(type(v) is int for v in value):  # bulk rows of node ids: nothing to escape
            return value
        return [_escape(v) for v in value]
    return value


def _packed_size(value: Any) -> int:
    """An upper bound of ``value``'s size as FalkorDB's Bolt listener renders it, in bytes.

    The listener turns the parameters back into Cypher text (``CYPHER rows=[[12, 345], ...]``)
    and its 4 KB limit applies to that text: an integer counts its digits, not its 1-9 bytes of
    PackStream (measured: 560 six-digit integers, 2.8 KB packed, 4.5 KB as text, kill it).
    """
    if isinstance(value, str):
        return (len(value) if value.isascii() else len(value.encode())) + 4
    if isinstance(value, bool) or value is None:
        return 7
    if isinstance(value, int | float):
        return len(str(value)) + 2
    if isinstance(value, dict):
        return 4 + sum(len(str(k)) + 2 + _packed_size(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        if all(type(v) is int for v in value):  # bulk rows of node ids
            return 4 + sum(len(str(v)) + 2 for v in value)
        return 4 + sum(_packed_size(v) for v in value)
    return 32


def _cypher(value: Any) -> str:
    r"""``value`` (strings, integers, lists of them) as a literal of FalkorDB's ``CYPHER`` header.

    JSON is that literal, except that the header knows no ``\uXXXX`` escape (JSON's form of the
    control characters other than ``\n``, ``\t``, ``\r``, ``\b``, ``\f``): such a value is
    written by the slower encoder below, which leaves them raw.

    >>> _cypher([['a"b', 1], []])
    '[["a\\"b",1],[]]'
    >>> _cypher(["\x01"]) == '["\x01"]'
    True
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if "\\u" not in text else _slow(value)


def _slow(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_slow, value)) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"not a bulk parameter: {type(value).__name__}")
