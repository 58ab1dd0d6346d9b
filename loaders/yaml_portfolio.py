"""The portfolio sections of the YAML format: ``statuses``, ``milestones``, ``indicators`` and
``observations`` (``docs/authoring.md``, "Portfolio, milestones and indicators").

A mixin of :class:`loaders.yaml_format.YamlConverter`: each method turns one record into
triples in the portfolio terms (``ontology.portfolio_terms``), reporting problems with their
line, column and record like every other section.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from loaders.yaml_marks import MarkedDict
from loaders.yaml_values import ID_PATTERN, YamlValues
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.dates import date_literal
from ontology.terms import RDF_TYPE, XSD, Literal, concept

if TYPE_CHECKING:
    from collections.abc import Callable

_COMMON = {"id", "label", "alt_labels", "description", "note", "sources"}
PORTFOLIO_SECTION_KEYS: dict[str, set[str]] = {
    "statuses": {"id", "of", "status", "date", "progress", "phase", "note", "sources"},
    "milestones": _COMMON | {"of", "planned", "forecast", "actual", "after"},
    "indicators": _COMMON | {
        "unit", "direction", "measures", "owner", "part_of", "target", "target_date",
        "baseline", "count",
    },
    "observations": {"id", "indicator", "period", "value", "area", "note", "sources"},
}  # fmt: skip


class PortfolioSections(YamlValues):
    """Record handlers for the portfolio sections."""

    def portfolio_handlers(self) -> dict[str, Callable[[MarkedDict, str], None]]:
        return {
            "statuses": self.status_report,
            "milestones": self.milestone,
            "indicators": self.indicator,
            "observations": self.observation,
        }

    # -- values --------------------------------------------------------------------------------
    def number(self, record: MarkedDict, key: str, name: str) -> Literal | None:
        value = record[key]
        mark = record.value_marks[key]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error("number", f"`{key}` must be a number, e.g. 42 or 97.5", mark, name)
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.error("number", f"`{key}` must be a number, e.g. 42 or 97.5", mark, name)
            return None
        if not number.is_finite():
            self.error("number", f"`{key}` must be a finite number", mark, name)
            return None
        return Literal(format(number.normalize(), "f"), datatype=XSD + "decimal")

    def dated(self, subject: str, record: MarkedDict, key: str, pred: str, name: str) -> str | None:
        if key not in record:
            return None
        day = self.date(record[key], record.value_marks[key], f"{name}.{key}")
        if day:
            self.batch.add(subject, pred, date_literal(day))
        return day

    def slug(self, record: MarkedDict, key: str, name: str) -> str | None:
        value = record[key]
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(
                "id-format",
                f"`{key}` must be a short name such as percent, count or days",
                record.value_marks[key],
                name,
            )
            return None
        return value

    def choice(
        self, record: MarkedDict, key: str, allowed: tuple[str, ...], scheme: str, name: str
    ) -> str | None:
        value = record.get(key)
        if value not in allowed:
            self.error(
                "unknown-concept",
                f"{value!r} is not a known {key}: use one of {', '.join(allowed)}",
                record.value_marks.get(key, record.mark),
                f"{name}.{key}",
            )
            return None
        return concept(scheme, str(value))

    # -- sections ------------------------------------------------------------------------------
    def status_report(self, record: MarkedDict, name: str) -> None:
        default = None
        if isinstance(record.get("of"), str) and record.get("date") is not None:
            default = f"status-{record['of']}-{record['date']}"
        subject = self.define(record, name, default=default)
        if subject is None:
            if default is None and "id" not in record:
                self.error("required", "`of` and `date` are required", record.mark, name)
            return
        self.batch.add(subject, RDF_TYPE, p.STATUS_REPORT, self.loc(record.mark, name))
        self.refs(subject, record, "of", p.STATUS_OF, name, required=True)
        status = self.choice(record, "status", p.REPORT_STATUSES, "status", name)
        if status:
            self.batch.add(subject, p.STATUS, status)
        if "date" not in record:
            self.error(
                "required", "`date` is required: the day the status was stated", record.mark, name
            )
        self.dated(subject, record, "date", p.REPORT_DATE, name)
        if "progress" in record:
            progress = self.number(record, "progress", name)
            if progress is not None and not 0 <= Decimal(progress.value) <= 100:
                self.error(
                    "progress",
                    "`progress` is a percentage from 0 to 100",
                    record.value_marks["progress"],
                    name,
                )
            elif progress is not None:
                self.batch.add(subject, p.PROGRESS, progress)
        if "phase" in record:
            phase = self.text(record["phase"], record.value_marks["phase"], f"{name}.phase")
            if phase:
                self.batch.add(subject, p.PHASE, Literal(phase))
        self.note(subject, record, name)
        self.sources(subject, record, name, required=True)

    def milestone(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        self.batch.add(subject, RDF_TYPE, p.MILESTONE, self.loc(record.mark, name))
        self.common(subject, record, name, label_required=True)
        self.refs(subject, record, "of", p.MILESTONE_OF, name, required=True)
        planned = self.dated(subject, record, "planned", p.PLANNED_DATE, name)
        forecast = self.dated(subject, record, "forecast", p.FORECAST_DATE, name)
        actual = self.dated(subject, record, "actual", p.ACTUAL_DATE, name)
        if not (planned or forecast or actual) and not self.errors_for(name):
            self.warn(
                "undated-milestone",
                "the milestone has no `planned`, `forecast` or `actual` date",
                record.mark,
                name,
            )
        self.refs(subject, record, "after", p.AFTER, name)
        self.sources(subject, record, name, required=True)

    def indicator(self, record: MarkedDict, name: str) -> None:
        subject = self.define(record, name)
        if subject is None:
            return
        self.batch.add(subject, RDF_TYPE, p.INDICATOR, self.loc(record.mark, name))
        self.common(subject, record, name, label_required=True)
        if "unit" in record:
            unit = self.slug(record, "unit", name)
            if unit:
                self.batch.add(subject, p.UNIT_MEASURE, concept("unit", unit))
        if "direction" in record:
            direction = self.choice(record, "direction", p.DIRECTIONS, "direction", name)
            if direction:
                self.batch.add(subject, p.DIRECTION, direction)
        self.refs(subject, record, "measures", p.MEASURES, name)
        self.refs(subject, record, "owner", v.RELATION_KEYS["owner"], name)
        self.refs(subject, record, "part_of", v.PART_OF, name)
        for key, pred in (("target", p.TARGET_VALUE), ("baseline", p.BASELINE_VALUE)):
            if key in record:
                value = self.number(record, key, name)
                if value is not None:
                    self.batch.add(subject, pred, value)
        self.dated(subject, record, "target_date", p.TARGET_DATE, name)
        if "count" in record:
            count = record["count"]
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                self.error(
                    "integer",
                    "`count` is the whole number of indicators the source states (>= 1)",
                    record.value_marks["count"],
                    name,
                )
            else:
                self.batch.add(
                    subject, p.INDICATOR_COUNT, Literal(str(count), datatype=XSD + "integer")
                )
        self.sources(subject, record, name, required=True)

    def observation(self, record: MarkedDict, name: str) -> None:
        default = None
        if isinstance(record.get("indicator"), str) and record.get("period") is not None:
            area = f"-{record['area']}" if isinstance(record.get("area"), str) else ""
            default = f"obs-{record['indicator']}-{record['period']}{area}"
        subject = self.define(record, name, default=default)
        if subject is None:
            if default is None and "id" not in record:
                self.error("required", "`indicator` and `period` are required", record.mark, name)
            return
        self.batch.add(subject, RDF_TYPE, p.OBSERVATION, self.loc(record.mark, name))
        self.refs(subject, record, "indicator", p.IN_DATA_SET, name, required=True)
        self.refs(subject, record, "area", p.REF_AREA, name)
        self.dated(subject, record, "period", p.REF_PERIOD, name)
        if "value" not in record:
            self.error("required", "`value` is required (a number)", record.mark, name)
        else:
            value = self.number(record, "value", name)
            if value is not None:
                self.batch.add(subject, p.OBS_VALUE, value)
        self.note(subject, record, name)
        self.sources(subject, record, name, required=True)

    # -- helpers -------------------------------------------------------------------------------
    def note(self, subject: str, record: MarkedDict, name: str) -> None:
        if "note" in record:
            note = self.text(record["note"], record.value_marks["note"], f"{name}.note")
            if note:
                self.batch.add(subject, v.EDITORIAL_NOTE, Literal(note))

    def errors_for(self, name: str) -> bool:
        return any(e.record and e.record.startswith(name) for e in self.errors)
