"""The pages' language: gettext catalogs for da and nb (English is the catalogs' source).

The catalogs are ``viz/locale/{da,nb}/LC_MESSAGES/govgraph.po``, read with Babel when first
needed and compiled in memory, so a clean clone needs no build step and no ``.mo`` file.
Templates use Jinja2's i18n extension (``{{ _("...") }}``, ``{% trans %}``, ``ngettext``); the
pages' script gets its words from the same catalogs (``viz.style.ui``).

Update the catalogs after changing a message::

    pybabel extract -F viz/locale/babel.cfg -k N_ -k translate:2 -k plural:2,3 -o viz/locale/govgraph.pot .
    pybabel update -i viz/locale/govgraph.pot -d viz/locale -D govgraph
"""

from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("da", "nb", "en")
"""Languages the pages speak; the first match of ``lang`` or ``Accept-Language`` wins."""
DEFAULT = "en"
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "govgraph"
_ALIASES = {"no": "nb", "nn": "nb", "nb": "nb", "da": "da", "en": "en"}


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it (translated where shown)."""
    return message


def catalog_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str | None) -> _gettext.NullTranslations:
    """The translations of ``lang`` (``NullTranslations`` for English and unknown codes)."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = catalog_path(lang or "")
    if lang not in LANGUAGES or lang == DEFAULT or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translate(lang: str | None, message: str) -> str:
    """``message`` in ``lang``.

    >>> translate("da", "Legend"), translate("en", "Legend")
    ('Signaturforklaring', 'Legend')
    """
    return translations(lang).gettext(message)


def plural(lang: str | None, singular: str, plural_: str, n: int) -> str:
    """The form of ``singular``/``plural`` that ``n`` takes in ``lang``."""
    return translations(lang).ngettext(singular, plural_, n)


def negotiate(lang: str | None, accept_language: str | None = None) -> str:
    """The page language: ``lang`` if it is one of :data:`LANGUAGES`, else the first of
    ``Accept-Language`` (by weight) that is, else English. Norwegian ``no``/``nn`` read as nb.

    >>> negotiate("da"), negotiate(None, "nb-NO,nb;q=0.9,en;q=0.8"), negotiate("xx", "de, no;q=0.5")
    ('da', 'nb', 'nb')
    >>> negotiate(None, "fr-FR, de;q=0.9"), negotiate(None, None)
    ('en', 'en')
    """
    if lang in LANGUAGES:
        return str(lang)
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        code, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        base = _ALIASES.get(code.strip().lower().split("-")[0])
        if base and weight > 0:
            choices.append((-weight, position, base))
    return sorted(choices)[0][2] if choices else DEFAULT
