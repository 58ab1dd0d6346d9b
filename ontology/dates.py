"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) and validity periods."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ontology.terms import XSD, Literal

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial(text: str) -> tuple[date, date, str]:
    """Parse a partial date into its first day, last day and XSD datatype.

    Raises ``ValueError`` with a message fit for a user.

    >>> parse_partial("2019-12")
    (datetime.date(2019, 12, 1), datetime.date(2019, 12, 31), 'http://www.w3.org/2001/XMLSchema#gYearMonth')
    >>> parse_partial("2023-11-22")[0]
    datetime.date(2023, 11, 22)
    """
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    y = int(year)
    try:
        if day is not None:
            d = date(y, int(month), int(day))
            return d, d, XSD + "date"
        if month is not None:
            m = int(month)
            last = calendar.monthrange(y, m)[1]
            return date(y, m, 1), date(y, m, last), XSD + "gYearMonth"
        return date(y, 1, 1), date(y, 12, 31), XSD + "gYear"
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid calendar date ({exc})") from None


def date_literal(text: str) -> Literal:
    """Return the typed literal for a partial date.

    >>> date_literal("2019")
    Literal(value='2019', lang=None, datatype='http://www.w3.org/2001/XMLSchema#gYear')
    """
    _, _, datatype = parse_partial(text)
    return Literal(text.strip(), datatype=datatype)


def first_day(value: str) -> date:
    return parse_partial(value)[0]


def last_day(value: str) -> date:
    return parse_partial(value)[1]


@dataclass(frozen=True)
class Period:
    """A validity period; either end may be open.

    >>> Period("2019-12", None).contains(date(2019, 12, 1))
    True
    >>> Period("2019-12", None).contains(date(2019, 11, 30))
    False
    """

    start: str | None = None
    end: str | None = None

    def contains(self, day: date) -> bool:
        if self.start is not None and day < first_day(self.start):
            return False
        return not (self.end is not None and day > last_day(self.end))

    def as_dict(self) -> dict[str, str | None]:
        return {"from": self.start, "to": self.end}


ALWAYS = Period()


def parse_day(text: str) -> date:
    """Parse an ``--as-of`` day; a partial date means its first day.

    >>> parse_day("2020-01")
    datetime.date(2020, 1, 1)
    """
    return first_day(text)
