"""How each kind of thing looks, and the words a page shows, in da, nb and en."""

from __future__ import annotations

# type -> (colour, vis-network shape). Shapes that hold their label (box, ellipse, database)
# for organisations and bodies; symbols with the label below for the rest.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "organisation": ("#4e79a7", "box"),
    "unit": ("#76b7b2", "box"),
    "collaboration": ("#59a14f", "box"),
    "body": ("#f28e2b", "ellipse"),
    "person": ("#b07aa1", "dot"),
    "post": ("#d4a6c8", "dot"),
    "mandate": ("#e15759", "diamond"),
    "domain": ("#9c755f", "hexagon"),
    "system": ("#edc948", "square"),
    "portfolio": ("#bab0ac", "triangle"),
    "project": ("#ff9da7", "triangle"),
    "initiative": ("#f1ce63", "triangleDown"),
    "strategy": ("#8cd17d", "star"),
    "goal": ("#86bcb6", "star"),
    "focus_area": ("#a0cbe8", "star"),
    "topic": ("#d7b5a6", "ellipse"),
    "document": ("#79706e", "database"),
    "decision": ("#499894", "diamond"),
    "change": ("#d37295", "diamond"),
    "cluster": ("#c9c9c9", "box"),
    "indicator": ("#17becf", "dot"),
}
UNKNOWN_STYLE = ("#97c2fc", "dot")

CRITICALITY_COLOUR = {
    "critical": "#b2182b",
    "high": "#ef8a62",
    "medium": "#fddbc7",
    "low": "#d1e5f0",
}
ROOT_COLOUR = "#b2182b"
INFORM_COLOUR = "#2166ac"
EXCLUDED_COLOUR = "#888888"
EDGE_COLOUR = "#8a8a8a"


def style_of(type_name: str) -> tuple[str, str]:
    """``(colour, shape)`` for a type name (``unknown`` types get a neutral dot)."""
    return TYPE_STYLE.get(type_name, UNKNOWN_STYLE)


def distance_shade(distance: int, max_distance: int) -> str:
    """A red that fades with distance: near items dark, far items pale.

    >>> distance_shade(1, 3), distance_shade(3, 3)
    ('#d6604d', '#fbe2d8')
    """
    ramp = ["#d6604d", "#f4a582", "#f8c3ab", "#fbe2d8"]
    if max_distance <= 1:
        return ramp[0]
    step = round((distance - 1) * (len(ramp) - 1) / (max_distance - 1))
    return ramp[max(0, min(step, len(ramp) - 1))]


TYPE_NAMES: dict[str, dict[str, str]] = {
    "da": {
        "organisation": "organisation",
        "unit": "enhed",
        "collaboration": "samarbejde",
        "body": "organ",
        "person": "person",
        "post": "post",
        "mandate": "mandat",
        "domain": "domæne",
        "system": "system",
        "portfolio": "portefølje",
        "project": "projekt",
        "initiative": "initiativ",
        "strategy": "strategi",
        "goal": "mål",
        "focus_area": "fokusområde",
        "topic": "emne",
        "document": "dokument",
        "decision": "beslutning",
        "change": "ændring",
        "cluster": "sammenfoldet gruppe",
        "indicator": "indikator",
    },
    "nb": {
        "organisation": "organisasjon",
        "unit": "enhet",
        "collaboration": "samarbeid",
        "body": "organ",
        "person": "person",
        "post": "stilling",
        "mandate": "mandat",
        "domain": "domene",
        "system": "system",
        "portfolio": "portefølje",
        "project": "prosjekt",
        "initiative": "initiativ",
        "strategy": "strategi",
        "goal": "mål",
        "focus_area": "innsatsområde",
        "topic": "tema",
        "document": "dokument",
        "decision": "beslutning",
        "change": "endring",
        "cluster": "sammenfoldet gruppe",
        "indicator": "indikator",
    },
}

UI: dict[str, dict[str, str]] = {
    "en": {
        "legend": "Legend",
        "filters": "Filters",
        "types": "Types",
        "organisations": "Organisations",
        "relations": "Relations",
        "search": "Find a node",
        "details": "Details",
        "click_hint": "Click a node or an edge to see its details and sources.",
        "sources": "Sources",
        "no_sources": "No source cited.",
        "folded": "{nodes} of {total_nodes} nodes and {edges} of {total_edges} edges are folded into {clusters} groups (by organisation/domain). Every folded edge is counted on the edge that now stands for it.",
        "not_folded": "{nodes} nodes, {edges} edges.",
        "members": "Folded nodes",
        "open": "Open its page",
        "edges_folded": "edges folded into this one",
    },
    "da": {
        "legend": "Signaturforklaring",
        "filters": "Filtre",
        "types": "Typer",
        "organisations": "Organisationer",
        "relations": "Relationer",
        "search": "Find en knude",
        "details": "Detaljer",
        "click_hint": "Klik på en knude eller en kant for detaljer og kilder.",
        "sources": "Kilder",
        "no_sources": "Ingen kilde angivet.",
        "folded": "{nodes} af {total_nodes} knuder og {edges} af {total_edges} kanter er foldet sammen i {clusters} grupper (efter organisation/domæne). Hver sammenfoldet kant tælles på den kant, der nu står for den.",
        "not_folded": "{nodes} knuder, {edges} kanter.",
        "members": "Sammenfoldede knuder",
        "open": "Åbn dens side",
        "edges_folded": "kanter foldet ind i denne",
    },
    "nb": {
        "legend": "Tegnforklaring",
        "filters": "Filtre",
        "types": "Typer",
        "organisations": "Organisasjoner",
        "relations": "Relasjoner",
        "search": "Finn en node",
        "details": "Detaljer",
        "click_hint": "Klikk på en node eller en kant for detaljer og kilder.",
        "sources": "Kilder",
        "no_sources": "Ingen kilde oppgitt.",
        "folded": "{nodes} av {total_nodes} noder og {edges} av {total_edges} kanter er foldet sammen i {clusters} grupper (etter organisasjon/domene). Hver sammenfoldet kant telles på kanten som nå står for den.",
        "not_folded": "{nodes} noder, {edges} kanter.",
        "members": "Sammenfoldede noder",
        "open": "Åpne siden",
        "edges_folded": "kanter foldet inn i denne",
    },
}


def type_label(type_name: str, lang: str | None) -> str:
    """The type's name in ``lang`` (English names are the type names themselves).

    >>> type_label("body", "da"), type_label("focus_area", None)
    ('organ', 'focus area')
    """
    return TYPE_NAMES.get(lang or "en", {}).get(type_name, type_name.replace("_", " "))


def ui(lang: str | None) -> dict[str, str]:
    """The page's fixed words in ``lang`` (English when ``lang`` is unknown or ``None``)."""
    return UI.get(lang or "en", UI["en"])
