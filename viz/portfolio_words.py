"""The words of the portfolio views that stand for a value of the data (a RAG colour, a
status, a milestone"s state, a trend, a gap) or a page title: their English message for the
gettext catalogs (``viz/locale``), so the portfolio pages speak da, nb and en like the others.

Fixed sentences are written in the templates as ``_("...")``; this table is only for words
chosen by a value, which ``pybabel extract`` could not see otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from viz.i18n import N_, translate

WORDS: dict[str, str] = {
    "Portfolio board": N_("Portfolio board"),
    "Timeline": N_("Timeline"),
    "Indicators": N_("Indicators"),
    "red": N_("red"),
    "amber": N_("amber"),
    "green": N_("green"),
    "grey": N_("grey"),
    "planned": N_("planned"),
    "active": N_("active"),
    "paused": N_("paused"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "retired": N_("retired"),
    "unknown": N_("unknown"),
    "achieved": N_("achieved"),
    "overdue": N_("overdue"),
    "late": N_("late"),
    "on_track": N_("on track"),
    "undated": N_("undated"),
    "improving": N_("improving"),
    "worsening": N_("worsening"),
    "unchanged": N_("unchanged"),
    "no observed value is recorded": N_("no observed value is recorded"),
    "no unit is recorded": N_("no unit is recorded"),
    "no direction is recorded": N_("no direction is recorded"),
    "no target is recorded": N_("no target is recorded"),
    "no owner is recorded": N_("no owner is recorded"),
    "what it measures is not recorded": N_("what it measures is not recorded"),
}


def gettext(lang: str | None) -> Callable[[str], str]:
    """A ``w`` for ``lang``: the word of a data value (or a title) in the page language.

    >>> w = gettext("da")
    >>> w("Timeline"), w("on_track"), w("no such words")
    ('Tidslinje', 'efter plan', 'no such words')
    """

    def word(key: str) -> str:
        return translate(lang, WORDS.get(key, key))

    return word
