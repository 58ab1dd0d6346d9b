"""How each kind of thing looks, and the words a page shows, in da, nb and en."""

from __future__ import annotations

from typing import Any

from viz.i18n import N_, translate
from viz.words import ACTIONS, CRITICALITY, RELATIONS, ROLES, TYPES, type_word

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
    "indicator": ("#17becf", "dot"),  # issue 16: gg:Indicator
}
UNKNOWN_STYLE = ("#97c2fc", "dot")

CRITICALITY_COLOUR = {
    "critical": "#b2182b",
    "high": "#ef8a62",
    "medium": "#fddbc7",
    "low": "#d1e5f0",
}
# A who-decides entry's role (the action's place in the action scheme), in this order: the
# border of the body that holds the mandate and its "held by" line.
ROLE_COLOUR = {
    "decides": "#1b7837",
    "advises": "#762a83",
    "implements": "#b35806",
    "follows_up": "#4d4d4d",
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


# The words the pages' script shows, as catalog messages (translated by ``ui``).
UI_MESSAGES: dict[str, str] = {
    "legend": N_("Legend"),
    "filters": N_("Filters"),
    "types": N_("Types"),
    "organisations": N_("Organisations"),
    "relations": N_("Relations"),
    "search": N_("Find a node"),
    "details": N_("Details"),
    "click_hint": N_("Click a node or an edge to see its details and sources."),
    "sources": N_("Sources"),
    "no_sources": N_("No source cited."),
    "members": N_("Folded nodes"),
    "open": N_("Open its page"),
    "edges_folded": N_("edges folded into this one"),
    "type": N_("Type"),
    "organisation": N_("Organisation"),
    "also": N_("Also called"),
    "actions": N_("May"),
    "distance": N_("Steps away"),
    "criticality": N_("Criticality"),
    "roles": N_("Roles"),
    "role": N_("Role"),
    "reason": N_("Why"),
    "relation": N_("Relation"),
    "none": N_("(none)"),
    "open_source": N_("Open the source"),
    "expand": N_("Click the group again to open it in place."),
    "no_org": N_("Without an organisation"),
    "no_domain": N_("Without a domain"),
    "more_groups": N_("More groups"),
    "members_count": N_("nodes; click to open the group"),
    "open_group": N_("Open the group"),
    "root": N_("the question's subject"),
    "distance_key": N_("near (dark) to far (pale)"),
    "inform_key": N_("body to inform"),
    "excluded_key": N_("excluded mandate"),
    "escalation_key": N_("escalation"),
    "depends_key": N_("depends on (arrow towards what is needed)"),
}


def type_label(type_name: str, lang: str | None) -> str:
    """The type's name in ``lang`` (from the catalogs).

    >>> type_label("body", "da"), type_label("focus_area", None)
    ('organ', 'focus area')
    """
    return type_word(type_name, lang)


def ui(lang: str | None) -> dict[str, Any]:
    """The script's words in ``lang`` (English when ``lang`` is unknown or ``None``): fixed
    words, and the names of types, relations, actions and criticality levels."""
    words: dict[str, Any] = {key: translate(lang, msg) for key, msg in UI_MESSAGES.items()}
    words["type_names"] = {key: translate(lang, msg) for key, msg in TYPES.items()}
    words["relation_names"] = {key: translate(lang, msg) for key, msg in RELATIONS.items()}
    words["action_names"] = {key: translate(lang, msg) for key, msg in ACTIONS.items()}
    words["criticality_names"] = {key: translate(lang, msg) for key, msg in CRITICALITY.items()}
    words["role_names"] = {key: translate(lang, msg) for key, msg in ROLES.items()}
    words["and"] = translate(lang, "and")
    return words
