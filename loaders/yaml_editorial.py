"""The editorial keys of the YAML format: facts the editor added without a quote.

``editorial: "why"`` marks a whole record, ``editorial: {key: "why"}`` the values of some of its
keys (e.g. a criticality grade); ``editorial_alt_labels: {FMK: "why"}`` adds aliases the sources
do not use. Each becomes ``gg:editorial`` (and ``gg:editorialKey`` / ``gg:editorialAltLabel``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loaders.yaml_marks import MarkedDict
from ontology import vocab as v
from ontology.terms import Literal

if TYPE_CHECKING:
    from loaders.yaml_values import YamlValues


def editorial(values: YamlValues, subject: str, record: MarkedDict, name: str) -> None:
    """``editorial: "why"`` (the whole record) or ``{key: "why"}`` (values of some keys)."""
    value = record["editorial"]
    mark = record.value_marks["editorial"]
    if isinstance(value, MarkedDict):
        for key, why in value.items():
            if key not in record or key == "editorial":
                values.error(
                    "editorial-key",
                    f"`editorial` names {key!r}, which this record does not set",
                    value.key_marks[key],
                    f"{name}.editorial",
                )
                continue
            text = values.text(why, value.value_marks[key], f"{name}.editorial.{key}")
            if text:
                values.batch.add(subject, v.EDITORIAL_KEY, Literal(str(key)))
                values.batch.add(subject, v.EDITORIAL, Literal(f"{key}: {text}"))
        return
    text = values.text(value, mark, f"{name}.editorial")
    if text:
        values.batch.add(subject, v.EDITORIAL, Literal(text))


def editorial_alt_labels(values: YamlValues, subject: str, record: MarkedDict, name: str) -> None:
    """``editorial_alt_labels: {FMK: "why"}``: aliases the sources do not use."""
    value = record["editorial_alt_labels"]
    if not isinstance(value, MarkedDict):
        values.error(
            "editorial-alt-labels",
            "`editorial_alt_labels` must map each label to why the editor added it, "
            'e.g. {FMK: "common abbreviation; not in the source"}',
            record.value_marks["editorial_alt_labels"],
            name,
        )
        return
    for label, why in value.items():
        text = values.text(why, value.value_marks[label], f"{name}.editorial_alt_labels")
        if text:
            values.batch.add(subject, v.ALT_LABEL, Literal(str(label)))
            values.batch.add(subject, v.EDITORIAL_ALT_LABEL, Literal(str(label)))
            values.batch.add(subject, v.EDITORIAL_KEY, Literal("alt_labels"))
            values.batch.add(subject, v.EDITORIAL, Literal(f"alt label {label}: {text}"))
