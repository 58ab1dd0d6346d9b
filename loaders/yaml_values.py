"""Values of the YAML authoring format: ids, texts, dates, concepts, validity and citations.

:class:`YamlValues` turns one value at a time into triples on a :class:`Batch`, reporting each
problem with its line, column and record; ``loaders.yaml_format`` builds records from them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any

from graph.batch import Batch, Location
from loaders.yaml_editorial import editorial
from loaders.yaml_marks import Mark, MarkedDict, MarkedList
from ontology import vocab as v
from ontology.dates import date_literal, first_day, last_day, parse_partial
from ontology.errors import Violation
from ontology.terms import DATA, RDF_TYPE, Literal, concept, iri

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*\Z")  # \Z: "$" would accept a final newline
URL_PATTERN = re.compile(r"^https?://[^\s<>\"{}|\\^`]+\Z")
MAX_TEXT = 4000  # characters in any one value; a longer one is almost always a paste error


class YamlValues:
    """Value-level conversion and error collection for one YAML file."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.errors: list[Violation] = []
        self.defined: dict[str, Mark] = {}

    # -- reporting -----------------------------------------------------------------------------
    def error(self, rule: str, message: str, mark: Mark | None, record: str | None) -> None:
        line, col = mark if mark else (None, None)
        self.errors.append(
            Violation(rule, message, self.batch.source, line, col, record, severity="error")
        )

    def warn(self, rule: str, message: str, mark: Mark | None, record: str | None) -> None:
        line, col = mark if mark else (None, None)
        self.batch.warnings.append(
            Violation(rule, message, self.batch.source, line, col, record, severity="warning")
        )

    def loc(self, mark: Mark | None, record: str) -> Location:
        line, col = mark if mark else (None, None)
        return Location(self.batch.source, line, col, record)

    # -- values --------------------------------------------------------------------------------
    def ident(
        self, record: MarkedDict, key: str, name: str, *, required: bool = True
    ) -> str | None:
        value = record.get(key)
        mark = record.value_marks.get(key, record.mark)
        if value is None:
            if required:
                self.error("required", f"`{key}` is required", record.mark, name)
            return None
        return self.id_value(value, mark, f"{name}.{key}")

    def id_value(self, value: Any, mark: Mark, name: str) -> str | None:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(
                "id-format",
                f"{value!r} is not an id: use lowercase letters, digits, '.', '_' or '-'",
                mark,
                name,
            )
            return None
        return value

    def define(self, record: MarkedDict, name: str, *, default: str | None = None) -> str | None:
        ident = self.ident(record, "id", name, required=default is None)
        ident = ident or (default if "id" not in record else None)
        if ident is None:
            return None
        mark = record.value_marks.get("id", record.mark)
        if ident in self.defined:
            first = self.defined[ident][0]
            self.error(
                "duplicate-id",
                f"id {ident!r} is already defined on line {first} of this file: ids must be unique",
                mark,
                name,
            )
            return None
        self.defined[ident] = mark
        self.batch.locations[iri(ident)] = self.loc(mark, name)
        return iri(ident)

    def text(self, value: Any, mark: Mark, name: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error("text", "expected text", mark, name)
            return None
        text = str(value).strip()
        if not text:
            self.error("text", "the text is empty", mark, name)
            return None
        if len(text) > MAX_TEXT:
            self.error(
                "too-long", f"the value has {len(text)} characters (max {MAX_TEXT})", mark, name
            )
            return None
        return text

    def lang_map(self, subject: str, record: MarkedDict, key: str, pred: str, name: str) -> int:
        value = record.get(key)
        mark = record.value_marks.get(key, record.mark)
        if not isinstance(value, MarkedDict):
            self.error(
                "language-map",
                f"`{key}` must map a language (da, nb, en) to text",
                mark,
                f"{name}.{key}",
            )
            return 0
        count = 0
        for lang, text in value.items():
            where = value.value_marks[lang]
            if lang not in v.LANGUAGES:
                self.error(
                    "language",
                    f"language {lang!r} is not one of da, nb, en (write nb for Norwegian bokmål)",
                    value.key_marks[lang],
                    f"{name}.{key}",
                )
                continue
            clean = self.text(text, where, f"{name}.{key}.{lang}")
            if clean is not None:
                self.batch.add(subject, pred, Literal(clean, lang=lang), self.loc(where, name))
                count += 1
        return count

    def date(self, value: Any, mark: Mark, name: str) -> str | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(
                "date", f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD", mark, name
            )
            return None
        try:
            parse_partial(value)
        except ValueError as exc:
            self.error("date", str(exc), mark, name)
            return None
        return value.strip()

    def ref_list(self, record: MarkedDict, key: str, name: str) -> list[tuple[str, Mark]]:
        value = record.get(key)
        mark = record.value_marks.get(key, record.mark)
        items: list[tuple[Any, Mark]]
        if isinstance(value, MarkedList):
            items = list(zip(value, value.item_marks, strict=True))
        else:
            items = [(value, mark)]
        out = []
        for item, where in items:
            ident = self.id_value(item, where, f"{name}.{key}")
            if ident is not None:
                out.append((iri(ident), where))
        return out

    def concept_value(self, value: Any, mark: Mark, scheme: str, name: str) -> str | None:
        allowed = v.CONCEPT_SCHEMES[scheme]
        if value not in allowed:
            self.error(
                "unknown-concept",
                f"{value!r} is not a known {scheme}: use one of {', '.join(allowed)}",
                mark,
                name,
            )
            return None
        return concept(scheme, str(value))

    # -- shared record parts ------------------------------------------------------------------
    def common(self, subject: str, record: MarkedDict, name: str, *, label_required: bool) -> None:
        if "label" in record:
            self.lang_map(subject, record, "label", v.PREF_LABEL, name)
        elif label_required:
            self.error(
                "required",
                "`label` is required, e.g. `label: {da: ..., en: ...}`",
                record.mark,
                name,
            )
        if "alt_labels" in record:
            self.alt_labels(subject, record, name)
        if "description" in record:
            self.lang_map(subject, record, "description", v.DESCRIPTION, name)
        if "note" in record:
            note = self.text(record["note"], record.value_marks["note"], f"{name}.note")
            if note:
                self.batch.add(subject, v.EDITORIAL_NOTE, Literal(note))
        if "valid" in record:
            self.validity(subject, record, name)
        if "editorial" in record:
            editorial(self, subject, record, name)

    def alt_labels(self, subject: str, record: MarkedDict, name: str) -> None:
        value = record["alt_labels"]
        mark = record.value_marks["alt_labels"]
        if isinstance(value, MarkedDict):
            for lang, texts in value.items():
                if lang not in v.LANGUAGES:
                    self.error(
                        "language",
                        f"language {lang!r} is not one of da, nb, en",
                        value.key_marks[lang],
                        name,
                    )
                    continue
                items = texts if isinstance(texts, MarkedList) else [texts]
                for text in items:
                    clean = self.text(text, value.value_marks[lang], f"{name}.alt_labels")
                    if clean:
                        self.batch.add(subject, v.ALT_LABEL, Literal(clean, lang=lang))
        elif isinstance(value, MarkedList):
            for text, where in zip(value, value.item_marks, strict=True):
                clean = self.text(text, where, f"{name}.alt_labels")
                if clean:
                    self.batch.add(subject, v.ALT_LABEL, Literal(clean))
        else:
            self.error("alt-labels", "`alt_labels` must be a list such as [SP, DSØ]", mark, name)

    def validity(
        self, subject: str, record: MarkedDict, name: str, *, member: bool = False
    ) -> None:
        value = record["valid"]
        mark = record.value_marks["valid"]
        if not isinstance(value, MarkedDict) or not set(value) <= {"from", "to"} or not value:
            self.error(
                "validity",
                "`valid` must be {from: DATE, to: DATE} (either may be left out)",
                mark,
                f"{name}.valid",
            )
            return
        start = (
            self.date(value["from"], value.value_marks["from"], f"{name}.valid.from")
            if "from" in value
            else None
        )
        end = (
            self.date(value["to"], value.value_marks["to"], f"{name}.valid.to")
            if "to" in value
            else None
        )
        if ("from" in value and start is None) or ("to" in value and end is None):
            return
        if start and end and last_day(end) < first_day(start):
            self.error(
                "end-before-start",
                f"the period ends ({end}) before it starts ({start}): swap or correct the dates",
                value.value_marks["to"],
                f"{name}.valid",
            )
            return
        period = subject + "#validity"
        where = self.loc(mark, name)
        self.batch.add(subject, v.TEMPORAL, period, where)
        if member:
            self.batch.add(subject, v.MEMBER_DURING, period, where)
        self.batch.add(period, RDF_TYPE, v.PERIOD, where)
        if start:
            self.batch.add(period, v.START_DATE, date_literal(start), where)
        if end:
            self.batch.add(period, v.END_DATE, date_literal(end), where)

    def sources(
        self,
        subject: str,
        record: MarkedDict,
        name: str,
        *,
        required: bool,
        predicate: str | None = None,
        obj: str | None = None,
    ) -> None:
        value = record.get("sources")
        if value is None:
            if required:
                self.error(
                    "citation-required",
                    "`sources` is required: cite the document and a "
                    'verbatim quote, e.g. `sources: [{doc: doc-id, quote: "..."}]`',
                    record.mark,
                    name,
                )
            else:
                self.warn(
                    "uncited",
                    "no `sources`: this fact cannot be traced to a document",
                    record.mark,
                    name,
                )
            return
        mark = record.value_marks["sources"]
        if not isinstance(value, MarkedList) or not value:
            self.error("sources", "`sources` must be a non-empty list of {doc, quote}", mark, name)
            return
        for item, where in zip(value, value.item_marks, strict=True):
            if not isinstance(item, MarkedDict) or set(item) != {"doc", "quote"}:
                self.error(
                    "citation",
                    'each source must be {doc: DOCUMENT-ID, quote: "..."}',
                    where,
                    f"{name}.sources",
                )
                continue
            doc = self.id_value(item["doc"], item.value_marks["doc"], f"{name}.sources.doc")
            quote = self.text(item["quote"], item.value_marks["quote"], f"{name}.sources.quote")
            if doc is None or quote is None:
                continue
            key = f"{subject}|{predicate}|{obj}|{doc}|{quote}".encode()
            cite = DATA + "cite/" + hashlib.sha1(key).hexdigest()[:16]  # noqa: S324 - an id
            loc = self.loc(where, f"{name}.sources")
            self.batch.locations[cite] = loc
            self.batch.add(cite, RDF_TYPE, v.CITATION, loc)
            self.batch.add(cite, v.CITE_SOURCE, iri(doc), loc)
            self.batch.add(cite, v.QUOTE, Literal(quote), loc)
            self.batch.add(cite, v.CITE_ABOUT, subject, loc)
            if predicate is not None and obj is not None:
                self.batch.add(cite, v.CITE_PREDICATE, predicate, loc)
                self.batch.add(cite, v.CITE_OBJECT, obj, loc)

    def relation(self, subject: str, record: MarkedDict, key: str, pred: str, name: str) -> None:
        value = record[key]
        mark = record.value_marks[key]
        items = (
            list(zip(value, value.item_marks, strict=True))
            if isinstance(value, MarkedList)
            else [(value, mark)]
        )
        for item, where in items:
            if isinstance(item, MarkedDict):
                if "to" not in item or not set(item) <= {"to", "sources"}:
                    self.error(
                        "relation",
                        f"`{key}` entries must be an id or {{to: ID, sources: [...]}}",
                        where,
                        f"{name}.{key}",
                    )
                    continue
                target = self.id_value(item["to"], item.value_marks["to"], f"{name}.{key}")
                if target is None:
                    continue
                obj = iri(target)
                self.batch.add(
                    subject, pred, obj, self.loc(item.value_marks["to"], f"{name}.{key}")
                )
                self.sources(
                    subject, item, f"{name}.{key}", required=False, predicate=pred, obj=obj
                )
            else:
                target = self.id_value(item, where, f"{name}.{key}")
                if target is not None:
                    self.batch.add(subject, pred, iri(target), self.loc(where, f"{name}.{key}"))

    def refs(
        self,
        subject: str,
        record: MarkedDict,
        key: str,
        pred: str,
        name: str,
        *,
        required: bool = False,
    ) -> int:
        if key not in record:
            if required:
                self.error("required", f"`{key}` is required", record.mark, name)
            return 0
        found = self.ref_list(record, key, name)
        for target, where in found:
            self.batch.add(subject, pred, target, self.loc(where, f"{name}.{key}"))
        return len(found)
