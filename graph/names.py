"""Names as people write them: folding case, accents and punctuation, and Nordic inflection.

Two keys are derived from a name. :func:`normalise` folds case, accents and punctuation
("Helse Sør-Øst" -> "helse sor ost"). :func:`stem_key` also reduces each word to its stem with
the Danish and then the Norwegian Snowball stemmer, after an English plural or possessive is
taken off, so that "porteføljestyregruppe", "Porteføljestyregruppen" and
"porteføljestyregruppens" share one key. Stemming runs after case folding and before æ/ø/å are
folded, because the stemmers expect those letters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_TRANSLIT = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*")
_POSSESSIVE = re.compile(r"(\w)['’]s?\b")
_WORD = re.compile(r"[^\W_]+")

_DANISH = snowballstemmer.stemmer("danish")
_NORWEGIAN = snowballstemmer.stemmer("norwegian")


def fold(text: str) -> str:
    """Fold accents and the Nordic letters of already case-folded ``text``.

    >>> fold("sør-øst æble")
    'sor-ost aeble'
    """
    if text.isascii():
        return text
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Fold case, accents and punctuation so that names match the way people type them.

    >>> normalise("Digital Sundhed, Øst")
    'digital sundhed ost'
    >>> normalise("DSØ") == normalise("dso")
    True
    """
    return " ".join(_WORD.findall(fold(text.casefold())))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one case-folded word, accents still in (folded afterwards by the caller).

    >>> stem("porteføljestyregruppen") == stem("porteføljestyregruppe")
    True
    >>> stem("helseforetakene") == stem("helseforetak")
    True
    >>> stem("bodies") == stem("body"), stem("systems") == stem("system")
    (True, True)
    """
    if len(word) < 3 or word.isdigit():
        return word
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    return _NORWEGIAN.stemWord(_DANISH.stemWord(word))


def stem_key(text: str) -> str:
    """Case-folded, stemmed, then accent-folded words of ``text`` (possessives dropped).

    >>> stem_key("Porteføljestyregruppen") == stem_key("porteføljestyregruppe")
    True
    >>> stem_key("regionsrådet") == stem_key("Regionsråd")
    True
    >>> stem_key("EPJ SYD's vendor") == stem_key("EPJ SYD vendors")
    True
    """
    words = _WORD.findall(_POSSESSIVE.sub(r"\1", text.casefold()))
    return " ".join(folded_stem(w) for w in words)


@lru_cache(maxsize=1 << 18)
def folded_stem(word: str) -> str:
    """:func:`stem`, then accents folded (cached: names repeat their words)."""
    return fold(stem(word))


def words(text: str) -> list[str]:
    """The case-folded words of ``text``, accents kept (what the stemmers expect).

    >>> words("Regionsrådet (Syd)")
    ['regionsrådet', 'syd']
    """
    return _WORD.findall(text.casefold())


def without_qualifier(text: str) -> str:
    """``text`` without parenthetical qualifiers: "Regionsrådet (Region Syddanmark)" -> "Regionsrådet".

    >>> without_qualifier("Regionsrådet (Region Syddanmark)")
    'Regionsrådet'
    """
    return _QUALIFIER.sub(" ", text).strip()


def name_keys(text: str) -> set[str]:
    """Every inflection-insensitive key under which a name is indexed.

    Both the stemmed form of the name as written and that of its accent-free spelling, so that a
    user who types without æ/ø/å finds it too.
    """
    lowered = text.casefold()
    keys = {stem_key(text)}
    folded = fold(lowered)
    if folded != lowered:
        keys.add(stem_key(folded))
    return {k for k in keys if k}


def wordset(text: str) -> frozenset[str]:
    """The space-separated words of ``text`` as a set (for word lists written as prose).

    >>> sorted(wordset("hvem  hva"))
    ['hva', 'hvem']
    """
    return frozenset(text.split())
