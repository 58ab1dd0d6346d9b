"""Literals as SPARQL's TSV results write them (N-Triples syntax), decoded to ``(value, lang,
datatype)`` exactly as :func:`graph.oxigraph_store.from_ox` gives them: the common forms here,
any other one (escapes, numbers in unusual forms) by pyoxigraph's own TSV parser."""

from __future__ import annotations

import re
from collections.abc import Iterator

_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")


class Unsupported(ValueError):
    """A term this reader does not handle (an RDF 1.2 triple term): use the generic pass."""


def decode_literals(tokens: list[str]) -> list[tuple[str, str | None, str | None]]:
    """``(value, lang, datatype)`` of literals written in N-Triples syntax, as
    :func:`graph.oxigraph_store.from_ox` gives them (``datatype`` ``None`` for plain strings).

    >>> decode_literals(['"a"@da', '1', '"x\\\\ty"', '"2"^^<urn:t>'])
    [('a', 'da', None), ('1', None, 'http://www.w3.org/2001/XMLSchema#integer'), ('x\\ty', None, None), ('2', None, 'urn:t')]
    """
    decoded: list[tuple[str, str | None, str | None] | None] = []
    hard: list[int] = []
    for token in tokens:
        if token[0] == '"' and "\\" not in token:
            end = token.rindex('"')
            value, rest = token[1:end], token[end + 1 :]
            if not rest:
                decoded.append((value, None, None))
            elif rest[0] == "@":
                decoded.append((value, rest[1:], None))
            else:
                kind = rest[3:-1]
                decoded.append((value, None, None if kind in _PLAIN else kind))
        elif _INTEGER.fullmatch(token):
            decoded.append((token, None, _XSD + "integer"))
        elif _DECIMAL.fullmatch(token):
            decoded.append((token, None, _XSD + "decimal"))
        elif token in ("true", "false"):
            decoded.append((token, None, _XSD + "boolean"))
        else:
            hard.append(len(decoded))
            decoded.append(None)
    if hard:
        for i, literal in zip(hard, _parse_tsv_terms([tokens[i] for i in hard]), strict=True):
            decoded[i] = literal
    return decoded  # type: ignore[return-value]


def _parse_tsv_terms(tokens: list[str]) -> Iterator[tuple[str, str | None, str | None]]:
    """Literals decoded by pyoxigraph's TSV parser (escapes, numbers in other forms)."""
    import pyoxigraph as ox

    from graph.oxigraph_store import from_ox

    text = "?o\n" + "\n".join(tokens) + "\n"
    solutions = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.TSV)
    if not isinstance(solutions, ox.QuerySolutions):
        raise Unsupported(text)
    for solution in solutions:
        literal = from_ox(solution["o"])
        if isinstance(literal, str):
            raise Unsupported(literal)
        yield literal.value, literal.lang, literal.datatype


__all__ = ["Unsupported", "decode_literals"]
