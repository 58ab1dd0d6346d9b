"""How parameters are written for each engine: FalkorDB's ``CYPHER`` header text, and the sizes
and escaping FalkorDB's Bolt listener needs (:mod:`graph.cypher_transports` uses them).

FalkorDB 4.16's Bolt listener (``src/bolt/bolt_api.c``, ``get_query``) does not pass a RUN
message's parameters to the engine as values: it prints them back into Cypher text, ``CYPHER
k=v ... <query>``, with ``sprintf`` into a 4,096-byte buffer on the stack, unbounded. A longer text
overwrites the stack and the server dies (FalkorDB#1702, fixed in 4.20, the release that removed
Bolt). The query text alone has no such limit (it is copied to the heap), so a message whose
parameters would not fit carries them as that same ``CYPHER`` header, written here, and no Bolt
parameters: the Cypher statement is the same parameterised ``UNWIND`` Neo4j receives.
"""

from __future__ import annotations

import json
from typing import Any

# FalkorDB 4.16's Bolt listener dies when a message's parameters, printed as Cypher text with
# the query, exceed 4,096 bytes (measured: 4,096 passes, 4,200 kills the server); a margin.
FALKOR_BOLT_MESSAGE = 3_800
# A reply message of FalkorDB's Bolt listener carries its length as 16 bits: a record above
# 64 KB is framed wrong and the driver waits for ever (measured: a 58 KB record passes, 117 KB
# hangs); a bulk reply asked as ``collect`` records aims at this many bytes a record.
FALKOR_BOLT_BUCKET = 4_096
#: rows per bulk message on Neo4j
NEO4J_BATCH = 10_000
#: rows per bulk message on FalkorDB (either transport)
FALKOR_BATCH = 20_000


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
    # a JSON map's keys are quoted, a Cypher map's are not
    return text if "\\u" not in text and '":' not in text else _slow(value)


def _header(params: dict[str, Any]) -> str:
    """``params`` as FalkorDB's ``CYPHER k=v ...`` header (the prefix of a query's text).

    >>> _header({"ns": "urn:x/", "rows": [[1, 2]], "m": {"a": "b"}})
    'CYPHER ns="urn:x/" rows=[[1,2]] m={`a`:"b"} '
    """
    return "CYPHER " + "".join(f"{k}={_cypher(v)} " for k, v in params.items())


def _slow(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_slow, value)) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        inner = ",".join(f"`{k}`:{_slow(v)}" for k, v in value.items())
        return "{" + inner + "}"
    raise TypeError(f"not a bulk parameter: {type(value).__name__}")
