"""Read YAML keeping the line and column of every key and value.

PyYAML's ``safe_load`` forgets where things were and silently keeps the last of two equal keys;
an editor of governance data needs both to be reported where they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

Mark = tuple[int, int]  # 1-based line and column
T = TypeVar("T")


class MarkedDict(dict[str, Any]):
    """A mapping that remembers where it, each key and each value start."""

    mark: Mark = (0, 0)

    def __init__(self) -> None:
        super().__init__()
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class MarkedList(list[Any]):
    """A sequence that remembers where it and each item start."""

    mark: Mark = (0, 0)

    def __init__(self) -> None:
        super().__init__()
        self.item_marks: list[Mark] = []


class YamlProblem(Exception):
    """A syntax-level problem, located."""

    def __init__(self, rule: str, message: str, mark: Mark | None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.mark = mark


def _mark(node: Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise YamlProblem(
                "yaml-alias",
                "YAML aliases (*name) are not accepted: write the value out in full",
                (event.start_mark.line + 1, event.start_mark.column + 1),
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _Loader, node: MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.mark = _mark(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise YamlProblem("yaml-key", "a key must be a plain word", _mark(key_node))
        key = str(key)
        if key in result:
            first = result.key_marks[key]
            raise YamlProblem(
                "duplicate-key",
                f"key {key!r} appears twice in the same record (first on line {first[0]}): "
                "keep one",
                _mark(key_node),
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_marks[key] = _mark(key_node)
        result.value_marks[key] = _mark(value_node)
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> MarkedList:
    result = MarkedList()
    result.mark = _mark(node)
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.item_marks.append(_mark(child))
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """A date YAML cannot build (``2023-02-30``) stays text, for the date rule to locate."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse(text: str) -> Any:
    """Parse one YAML document into marked containers.

    Raises :class:`YamlProblem` on a syntax error, an alias or a duplicate key.

    >>> doc = parse("a: 1\\nb: [x, y]\\n")
    >>> doc.key_marks["b"], doc["b"].item_marks[1]
    ((2, 1), (2, 8))
    """
    return _located(lambda: yaml.load(text, Loader=_Loader))  # noqa: S506 - a SafeLoader


def parse_all(text: str) -> list[Any]:
    """Parse every document of a YAML stream (``---`` separated), like :func:`parse`.

    >>> [d["kind"] for d in parse_all("kind: A\\n---\\nkind: B\\n")]
    ['A', 'B']
    """
    return _located(lambda: list(yaml.load_all(text, Loader=_Loader)))  # noqa: S506


def _located(read: Callable[[], T]) -> T:
    """Run a YAML read, turning PyYAML's errors into a located :class:`YamlProblem`."""
    try:
        return read()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else None
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlProblem("yaml-syntax", f"YAML syntax error: {what}", where) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml-syntax", f"YAML error: {exc}", None) from None
