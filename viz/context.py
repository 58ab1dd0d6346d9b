"""What every page shares: where the app serves things, the navigation, the request's
languages and URL (:class:`Context`), and how a question's error becomes a sentence on its form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from graph.index import GovIndex
from viz.i18n import N_, translate
from viz.sources import documents, stamp

VIEWS_PREFIX = "/views"
ENTITY_BASE = f"{VIEWS_PREFIX}/entity/"
SOURCE_BASE = "/documents/"
SUGGEST = f"{VIEWS_PREFIX}/suggest"
ASSETS = "/static/viz"
"""Where the app serves ``viz/static`` (see ``api.assets``)."""

NAV = [
    ("/", N_("Start")),
    ("/browse", N_("Browse")),
    (f"{VIEWS_PREFIX}/who-decides", N_("Who decides?")),
    (f"{VIEWS_PREFIX}/impact", N_("What is hit?")),
    (f"{VIEWS_PREFIX}/overview", N_("Overview")),
    (f"{VIEWS_PREFIX}/chains", N_("Critical chains")),
    (f"{VIEWS_PREFIX}/slip", N_("If it is late")),
    (f"{VIEWS_PREFIX}/diff", N_("What changed?")),
    (f"{VIEWS_PREFIX}/check", N_("Gaps and overlaps")),
]


DATE_ARGUMENTS = ("as_of", "from_date", "to_date", "from", "to")


@dataclass(frozen=True)
class Context:
    """What every page of one request shares: languages, whether served, its own URL."""

    ui_lang: str
    served: bool
    here: str | None = None

    def switch_lang(self, code: str) -> str:
        """This page's URL in another page language (the ``lang`` parameter replaced)."""
        parts = urlsplit(self.here or "")
        query = [(k, val) for k, val in parse_qsl(parts.query) if k != "lang"] + [("lang", code)]
        return f"{parts.path}?{urlencode(query)}"

    def render_args(self, index: GovIndex) -> dict[str, Any]:
        args: dict[str, Any] = {
            "ui_lang": self.ui_lang,
            "stamp": stamp(index),
            "sources": documents(index),
        }
        if self.served:
            args.update(
                links={"entity": ENTITY_BASE, "source": SOURCE_BASE},
                nav=NAV,
                assets=ASSETS,
                extra={"switch_lang": self.switch_lang if self.here else None},
            )
        return args


def page_context(served: bool, ui_lang: str | None, lang: str | None, here: str | None) -> Context:
    return Context(ui_lang or lang or "en", served, here)


def question_form(template: str, served: bool, **values: Any) -> dict[str, Any]:
    return {"template": template, "suggest": SUGGEST, "error": None, **values} if served else {}


def ask_served(
    served: bool, name: str | None, question: Any, ui_lang: str = "en"
) -> tuple[dict[str, Any] | None, str | None]:
    """Ask; on a served page an unanswerable question becomes a message on the form.

    Exported pages (``served=False``) raise, so the CLI reports the error and its exit code.
    """
    from ontology.errors import GovGraphError

    if not served:
        return question(), None
    if not name:
        return None, None
    try:
        return question(), None
    except GovGraphError as error:
        return None, error_message(error, ui_lang)


def _name_of(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("label") or item.get("id"))
    return str(getattr(item, "label", None) or item)


def error_message(error: Exception, ui_lang: str) -> str:
    """A question's error as a sentence in ``ui_lang``, naming suggestions by their labels."""
    from viz.words import join

    name = getattr(error, "name", "")
    if getattr(error, "code", "") == "not_found":
        text = translate(ui_lang, "Nothing is called “%(name)s”.") % {"name": name}
        suggestions = [_name_of(s) for s in getattr(error, "suggestions", [])]
        if suggestions:
            text += " " + translate(ui_lang, "Did you mean %(names)s?") % {
                "names": join(suggestions, ui_lang)
            }
        return text
    if getattr(error, "code", "") == "ambiguous_name":
        names = [_name_of(c) for c in getattr(error, "candidates", [])]
        return translate(ui_lang, "“%(name)s” could mean %(names)s: choose one.") % {
            "name": name,
            "names": join(names, ui_lang),
        }
    if getattr(error, "code", "") == "invalid_argument":
        argument = str(getattr(error, "argument", ""))
        if argument in DATE_ARGUMENTS:
            return translate(
                ui_lang,
                "Write a day as a year, a year and month, or a date: 2024, 2024-06 or 2024-06-01.",
            )
        return translate(ui_lang, "This question cannot be answered with these values.")
    return str(error)
