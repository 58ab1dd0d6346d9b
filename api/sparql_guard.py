"""Cheap checks that refuse absurd SPARQL queries before any worker process sees them.

Oxigraph's parser and evaluator recurse, so a query that nests parentheses thousands deep, a
basic graph pattern of thousands of triple patterns or ``1 + 1 + ...`` with thousands of terms
overflows the stack of whatever process runs it (docs/api.md). Such a query ends only its worker
(:mod:`api.sparql_pool`), but these checks turn it into a 400 at once, naming the limit. One
lexical pass over the text (strings, IRIs and comments skipped) measures

* the length, in characters;
* the nesting depth of ``(``, ``[`` and ``{``;
* the number of triple patterns (subjects, objects after ``;`` and ``,``);
* the longest chain of operators at one nesting level (``1 + 1 + ...``, ``a || b || ...``).

The same pass finds the dataset clauses (``FROM``, ``FROM NAMED``) and every ``SERVICE``
endpoint: a query may call out only to an endpoint named in ``GOVGRAPH_SPARQL_SERVICE_ALLOW``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ontology.errors import InvalidArgument

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
    | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
    | (?P<word>[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\-.\u00b7\u00c0-\uffff]*(?::[^\s(){}\[\],;]*)?
              |:[^\s(){}\[\],;]*)
    | (?P<operator>\|\||&&|!=|<=|>=|\^\^|[-+*/=<>!|^])
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<separator>[.;,])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryLimits:
    """The thresholds (settings ``GOVGRAPH_SPARQL_MAX_*``; docs/api.md)."""

    max_length: int = 100_000
    max_depth: int = 64
    max_patterns: int = 1_000
    max_chain: int = 500
    service_allow: frozenset[str] = frozenset()


@dataclass
class QueryShape:
    """What the lexical pass found."""

    length: int = 0
    depth: int = 0
    patterns: int = 0
    chain: int = 0
    has_dataset: bool = False
    services: list[str] = field(default_factory=list)


def measure(query: str) -> QueryShape:
    """Measure ``query`` in one lexical pass (no parsing).

    >>> shape = measure("SELECT * FROM <urn:g> WHERE { ?s ?p ?o ; ?q ?r . FILTER(1 + 2 + 3 > 0) }")
    >>> (shape.depth, shape.patterns, shape.chain, shape.has_dataset)
    (2, 2, 3, True)
    """
    shape = QueryShape(length=len(query))
    depth = 0
    chains = [0]
    previous = ""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind in ("space", "comment"):
            continue
        upper = text.upper()
        if kind == "open":
            depth += 1
            shape.depth = max(shape.depth, depth)
            chains.append(0)
        elif kind == "close":
            depth = max(0, depth - 1)
            if len(chains) > 1:
                chains.pop()
        elif kind == "operator":
            chains[-1] += 1
            shape.chain = max(shape.chain, chains[-1])
        elif kind == "separator":
            chains[-1] = 0
            if text in ";,":
                shape.patterns += 1
        elif kind == "word" and upper == "FROM":
            shape.has_dataset = True
        elif previous == "SERVICE" and kind == "word" and upper == "SILENT":
            continue  # the endpoint follows
        if previous == "SERVICE":
            shape.services.append(text)
        # a triple pattern starts at a term right after `{` or `.` (its subject)
        if (
            previous in ("{", ".")
            and kind in ("iri", "var", "word", "string", "number")
            and upper not in _KEYWORDS_AFTER_BRACE
        ):
            shape.patterns += 1
        previous = upper if kind == "word" else text
    return shape


_KEYWORDS_AFTER_BRACE = {
    "FILTER",
    "OPTIONAL",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "BIND",
    "VALUES",
    "SELECT",
    "UNION",
    "NOT",
    "EXISTS",
}


def check(query: str, limits: QueryLimits) -> QueryShape:
    """Measure ``query`` and refuse it when it passes a limit or calls an unlisted endpoint.

    Raises
    ------
    InvalidArgument
        ``argument`` is ``query`` (a size limit; the message names it) or ``SERVICE``.

    >>> check("ASK {}", QueryLimits()).depth
    1
    >>> check("ASK { " + "(" * 100 + "1" + ")" * 100 + " }", QueryLimits())
    Traceback (most recent call last):
    ...
    ontology.errors.InvalidArgument: query: the query nests 101 levels deep; the limit is 64
    """
    if not query.strip():
        raise InvalidArgument("query", "give a SPARQL query in `query`")
    if len(query) > limits.max_length:
        raise InvalidArgument(
            "query", f"the query has {len(query)} characters; the limit is {limits.max_length}"
        )
    shape = measure(query)
    for value, limit, what in (
        (shape.depth, limits.max_depth, "the query nests {} levels deep"),
        (shape.patterns, limits.max_patterns, "the query has {} triple patterns"),
        (shape.chain, limits.max_chain, "the query chains {} operators in one expression"),
    ):
        if value > limit:
            raise InvalidArgument("query", f"{what.format(value)}; the limit is {limit}")
    for endpoint in shape.services:
        iri = endpoint[1:-1] if endpoint.startswith("<") and endpoint.endswith(">") else None
        if iri is None or iri not in limits.service_allow:
            raise InvalidArgument(
                "SERVICE",
                f"this endpoint sends no requests elsewhere: SERVICE {endpoint} is refused "
                "(an operator may allow named endpoints with GOVGRAPH_SPARQL_SERVICE_ALLOW)",
            )
    return shape
