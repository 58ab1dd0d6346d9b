"""The YAML authoring format (``docs/authoring.md``) -> triples in the govgraph ontology.

Every problem is collected with its file, line, column and record, so an editor sees all of them
at once; nothing is returned unless the whole file is clean.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loaders.yaml_editorial import editorial, editorial_alt_labels
from loaders.yaml_marks import MarkedDict, MarkedList
from loaders.yaml_values import URL_PATTERN, YamlValues
from ontology import vocab as v
from ontology.dates import date_literal
from ontology.terms import RDF_TYPE, XSD, Literal

COMMON = {"id", "label", "alt_labels", "description", "valid", "sources", "note", "editorial"}
SECTION_KEYS: dict[str, set[str]] = {
    "documents": {
        "id", "title", "path", "url", "language", "publisher", "issued", "modified",
        "external", "note",
    },
    "entities": COMMON | {"type", "purpose", "status", "editorial_alt_labels"}
                | set(v.RELATION_KEYS) | set(v.DATE_KEYS),
    "memberships": {"id", "member", "body", "role", "title", "represents", "valid", "sources",
                    "note", "editorial"},
    "mandates": COMMON | {"holder", "granted_by", "actions", "scope", "excludes", "scope_note",
                          "status", "addressee", "restricted_to"},
    "dependencies": COMMON | {"dependent", "prerequisite", "type", "criticality", "lag_days"},
    "events": COMMON | {"kind", "date", "by", "about", "resulting", "original"},
}  # fmt: skip


class YamlConverter(YamlValues):
    """Converts the parsed content of one YAML file into a :class:`Batch`."""

    # -- document  ------------------------------------------------------------------------------
    def convert(self, content: Any) -> None:
        if content is None:
            self.error("empty-file", "the file holds no records: add e.g. `entities:`", None, None)
            return
        if not isinstance(content, MarkedDict):
            self.error(
                "top-level-mapping",
                "the file must be a mapping with sections such as `entities:` and `mandates:`",
                getattr(content, "mark", (1, 1)),
                None,
            )
            return
        handlers: dict[str, Callable[[MarkedDict, str], None]] = {
            "documents": self.document,
            "entities": self.entity,
            "memberships": self.membership,
            "mandates": self.mandate,
            "dependencies": self.dependency,
            "events": self.event,
        }
        for section, records in content.items():
            mark = content.key_marks[section]
            if section not in handlers:
                self.error(
                    "unknown-section",
                    f"unknown section {section!r}: use one of {', '.join(handlers)}",
                    mark,
                    None,
                )
                continue
            if records is None:
                continue
            if not isinstance(records, MarkedList):
                self.error("section-list", f"`{section}:` must be a list of records", mark, section)
                continue
            for index, record in enumerate(records):
                rec_mark = records.item_marks[index]
                if not isinstance(record, MarkedDict):
                    self.error(
                        "record-mapping",
                        "each record must be a mapping of keys to values",
                        rec_mark,
                        f"{section}[{index}]",
                    )
                    continue
                name = f"{section}[{record.get('id', index)}]"
                if self.check_keys(section, record, name):
                    handlers[section](record, name)

    def check_keys(self, section: str, record: MarkedDict, name: str) -> bool:
        allowed = SECTION_KEYS[section]
        ok = True
        for key in record:
            if key not in allowed:
                close = [a for a in sorted(allowed) if a[:3] == key[:3]]
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.error(
                    "unknown-key",
                    f"unknown key {key!r} in {section}{hint} (allowed: {', '.join(sorted(allowed))})",
                    record.key_marks[key],
                    name,
                )
                ok = False
        return ok

    # -- sections ------------------------------------------------------------------------------
    def document(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        self.batch.add(subject, RDF_TYPE, v.SOURCE_DOCUMENT, self.loc(record.mark, name))
        for key, pred in (("title", v.TITLE), ("path", v.DOC_PATH)):
            if key in record:
                text = self.text(record[key], record.value_marks[key], f"{name}.{key}")
                if text:
                    self.batch.add(subject, pred, Literal(text))
        if "url" in record:
            mark = record.value_marks["url"]
            url = self.text(record["url"], mark, f"{name}.url")
            if url and not URL_PATTERN.match(url):
                self.error("url", f"{url!r} is not a web address: write https://...", mark, name)
            elif url:
                self.batch.add(subject, v.DOC_URL, url, self.loc(mark, name))
        if "title" not in record:
            self.error("required", "`title` is required", record.mark, name)
        language = record.get("language")
        if language not in v.LANGUAGES:
            self.error(
                "language",
                "`language` is required: da, nb or en",
                record.value_marks.get("language", record.mark),
                name,
            )
        else:
            self.batch.add(subject, v.DOC_LANGUAGE, Literal(str(language)))
            if "title" in record and isinstance(record["title"], str):
                self.batch.add(
                    subject, v.PREF_LABEL, Literal(record["title"].strip(), lang=str(language))
                )
        self.refs(subject, record, "publisher", v.PUBLISHER, name)
        for key, pred in (("issued", v.ISSUED), ("modified", v.MODIFIED)):
            if key in record:
                day = self.date(record[key], record.value_marks[key], f"{name}.{key}")
                if day:
                    self.batch.add(subject, pred, date_literal(day))
        external = record.get("external", False)
        if not isinstance(external, bool):
            self.error(
                "boolean", "`external` must be true or false", record.value_marks["external"], name
            )
        elif external:
            self.batch.add(subject, v.EXTERNAL, Literal("true", datatype=XSD + "boolean"))
            if "url" not in record:
                self.error(
                    "external-source",
                    "an external document needs a `url` naming the public source",
                    record.mark,
                    name,
                )

    def entity(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        kind = record.get("type")
        if kind not in v.ENTITY_CLASSES:
            self.error(
                "entity-type",
                f"`type` must be one of {', '.join(v.ENTITY_CLASSES)}",
                record.value_marks.get("type", record.mark),
                name,
            )
            return
        self.batch.add(subject, RDF_TYPE, v.ENTITY_CLASSES[kind], self.loc(record.mark, name))
        self.common(subject, record, name, label_required=True)
        if "editorial_alt_labels" in record:
            editorial_alt_labels(self, subject, record, name)
        if "purpose" in record:
            self.lang_map(subject, record, "purpose", v.PURPOSE, name)
        if "status" in record:
            status = self.concept_value(
                record["status"], record.value_marks["status"], "status", f"{name}.status"
            )
            if status:
                self.batch.add(subject, v.STATUS, status)
        for key, pred in v.DATE_KEYS.items():
            if key in record:
                day = self.date(record[key], record.value_marks[key], f"{name}.{key}")
                if day:
                    self.batch.add(subject, pred, date_literal(day))
        for key, pred in v.RELATION_KEYS.items():
            if key in record:
                if key == "part_of" and kind in v.ORGANISATION_TYPES:
                    pred = v.PART_OF_ORG
                self.relation(subject, record, key, pred, name)
        self.sources(subject, record, name, required=False)

    def membership(self, record: MarkedDict, name: str) -> None:
        member = record.get("member")
        body = record.get("body")
        default = (
            f"membership-{member}-{body}"
            if isinstance(member, str) and isinstance(body, str)
            else None
        )
        subject = self.define(record, name, default=default)
        if subject is None:
            if default is None and "id" not in record:
                self.error("required", "`member` and `body` are required", record.mark, name)
            return
        self.batch.add(subject, RDF_TYPE, v.MEMBERSHIP, self.loc(record.mark, name))
        self.refs(subject, record, "member", v.MEMBER, name, required=True)
        self.refs(subject, record, "body", v.ORGANIZATION_P, name, required=True)
        self.refs(subject, record, "represents", v.REPRESENTS, name)
        role = record.get("role", "member")
        role_iri = self.concept_value(
            role, record.value_marks.get("role", record.mark), "role", f"{name}.role"
        )
        if role_iri:
            self.batch.add(subject, v.ROLE, role_iri)
        if "title" in record:
            self.lang_map(subject, record, "title", v.MEMBER_TITLE, name)
        if "note" in record:
            note = self.text(record["note"], record.value_marks["note"], f"{name}.note")
            if note:
                self.batch.add(subject, v.EDITORIAL_NOTE, Literal(note))
        if "valid" in record:
            self.validity(subject, record, name, member=True)
        if "editorial" in record:
            editorial(self, subject, record, name)
        self.sources(subject, record, name, required=False)

    def mandate(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        self.batch.add(subject, RDF_TYPE, v.MANDATE, self.loc(record.mark, name))
        self.common(subject, record, name, label_required=False)
        self.refs(subject, record, "holder", v.HOLDER, name, required=True)
        self.refs(subject, record, "granted_by", v.GRANTED_BY, name)
        self.refs(subject, record, "scope", v.SCOPE, name, required=True)
        self.refs(subject, record, "excludes", v.EXCLUDES, name)
        self.refs(subject, record, "addressee", v.ADDRESSEE, name)
        self.refs(subject, record, "restricted_to", v.RESTRICTED_TO, name)
        if "status" in record:
            status = self.concept_value(
                record["status"], record.value_marks["status"], "mandate-status", f"{name}.status"
            )
            if status:
                self.batch.add(subject, v.MANDATE_STATUS, status)
            if record["status"] == "recommended" and "addressee" not in record:
                self.error(
                    "addressee",
                    "a recommended mandate must name whom the recommendation is addressed to: "
                    "add `addressee: <id>`",
                    record.value_marks["status"],
                    name,
                )
        if "scope_note" in record:
            self.lang_map(subject, record, "scope_note", v.SCOPE_NOTE, name)
        actions = record.get("actions")
        mark = record.value_marks.get("actions", record.mark)
        if not isinstance(actions, MarkedList) or not actions:
            self.error(
                "required", "`actions` must list at least one action, e.g. [decide]", mark, name
            )
        else:
            for action, where in zip(actions, actions.item_marks, strict=True):
                value = self.concept_value(action, where, "action", f"{name}.actions")
                if value:
                    self.batch.add(subject, v.ACTION, value, self.loc(where, name))
        self.sources(subject, record, name, required=True)

    def dependency(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        self.batch.add(subject, RDF_TYPE, v.DEPENDENCY, self.loc(record.mark, name))
        self.common(subject, record, name, label_required=False)
        self.refs(subject, record, "dependent", v.DEPENDENT, name, required=True)
        self.refs(subject, record, "prerequisite", v.PREREQUISITE, name, required=True)
        if record.get("dependent") is not None and record.get("dependent") == record.get(
            "prerequisite"
        ):
            self.error(
                "self-dependency",
                "a thing cannot depend on itself: check `dependent` and `prerequisite`",
                record.value_marks["prerequisite"],
                name,
            )
        for key, scheme, pred in (
            ("type", "dependency-type", v.DEPENDENCY_TYPE),
            ("criticality", "criticality", v.CRITICALITY),
        ):
            if key not in record:
                self.error("required", f"`{key}` is required", record.mark, name)
                continue
            value = self.concept_value(
                record[key], record.value_marks[key], scheme, f"{name}.{key}"
            )
            if value:
                self.batch.add(subject, pred, value)
        if "lag_days" in record:
            lag = record["lag_days"]
            if not isinstance(lag, int) or isinstance(lag, bool) or abs(lag) > 36500:
                self.error(
                    "integer",
                    "`lag_days` must be a whole number of days",
                    record.value_marks["lag_days"],
                    name,
                )
            else:
                self.batch.add(subject, v.LAG_DAYS, Literal(str(lag), datatype=XSD + "integer"))
        self.sources(subject, record, name, required=True)

    def event(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        kind = record.get("kind")
        classes = {"decision": v.DECISION, "change": v.CHANGE_EVENT}
        if kind not in classes:
            self.error(
                "event-kind",
                "`kind` must be decision or change",
                record.value_marks.get("kind", record.mark),
                name,
            )
            return
        self.batch.add(subject, RDF_TYPE, classes[kind], self.loc(record.mark, name))
        self.common(subject, record, name, label_required=True)
        if "date" not in record:
            self.error("required", "`date` is required", record.mark, name)
        else:
            day = self.date(record["date"], record.value_marks["date"], f"{name}.date")
            if day:
                self.batch.add(subject, v.EVENT_DATE, date_literal(day))
        self.refs(subject, record, "by", v.DECIDED_BY, name)
        self.refs(subject, record, "about", v.ABOUT, name)
        self.refs(subject, record, "resulting", v.RESULTING, name)
        self.refs(subject, record, "original", v.ORIGINAL, name)
        self.sources(subject, record, name, required=True)
