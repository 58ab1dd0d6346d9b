"""Domain words in a page's language: types, actions, relations, criticality, roles.

Every word here is an English message of the gettext catalogs (``viz.i18n``); nothing shown to
a reader is an id, a CURIE or a slug with underscores.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from viz.i18n import N_, translate

TYPES: dict[str, str] = {
    "organisation": N_("organisation"),
    "unit": N_("unit"),
    "collaboration": N_("collaboration"),
    "body": N_("body"),
    "person": N_("person"),
    "post": N_("post"),
    "mandate": N_("mandate"),
    "domain": N_("domain"),
    "system": N_("system"),
    "portfolio": N_("portfolio"),
    "project": N_("project"),
    "initiative": N_("initiative"),
    "strategy": N_("strategy"),
    "goal": N_("goal"),
    "focus_area": N_("focus area"),
    "topic": N_("topic"),
    "document": N_("document"),
    "decision": N_("decision"),
    "change": N_("change"),
    "cluster": N_("folded group"),
    "unknown": N_("other"),
    "dependency": N_("dependency"),
    "membership": N_("membership"),
    "indicator": N_("indicator"),
    "status_report": N_("status report"),
    "milestone": N_("milestone"),
}

# Infinitives, so that "may {actions}" / "kan {actions}" reads as a sentence.
ACTIONS: dict[str, str] = {
    "decide": N_("decide"),
    "prioritise": N_("prioritise"),
    "approve": N_("approve"),
    "recommend": N_("recommend"),
    "advise": N_("advise"),
    "follow_up": N_("follow up"),
    "set_direction": N_("set the direction"),
    "allocate_resources": N_("allocate resources"),
    "implement": N_("implement"),
    "coordinate": N_("coordinate"),
    "deliver": N_("deliver"),
}

# A verb phrase per relation: "{source} {phrase} {target}". Keys are the pictures' relation
# names (viz.relations) and the CURIEs that answers name (describe, who-decides paths).
RELATIONS: dict[str, str] = {
    "part_of": N_("is part of"),
    "dct:isPartOf": N_("is part of"),
    "org:subOrganizationOf": N_("is part of"),
    "org:unitOf": N_("is part of"),
    "reports_to": N_("reports to"),
    "org:reportsTo": N_("reports to"),
    "secretariat": N_("has its secretariat in"),
    "gg:secretariat": N_("has its secretariat in"),
    "established_by": N_("was set up by"),
    "gg:establishedBy": N_("was set up by"),
    "owner": N_("is owned by"),
    "gg:owner": N_("is owned by"),
    "operator": N_("is operated by"),
    "gg:operator": N_("is operated by"),
    "vendor": N_("is supplied by"),
    "gg:vendor": N_("is supplied by"),
    "domain": N_("belongs to the domain"),
    "gg:inDomain": N_("belongs to the domain"),
    "portfolio": N_("is in the portfolio"),
    "gg:inPortfolio": N_("is in the portfolio"),
    "governed_by": N_("is governed by"),
    "gg:governedBy": N_("is governed by"),
    "delivers": N_("delivers"),
    "gg:delivers": N_("delivers"),
    "concerns": N_("concerns"),
    "gg:concerns": N_("concerns"),
    "supports": N_("supports"),
    "gg:supports": N_("supports"),
    "uses": N_("uses"),
    "gg:uses": N_("uses"),
    "post_in": N_("is a post in"),
    "org:postIn": N_("is a post in"),
    "held_by": N_("is held by"),
    "org:heldBy": N_("is held by"),
    "gg:holder": N_("is held by"),
    "scope": N_("covers"),
    "gg:scope": N_("covers"),
    "excludes": N_("does not cover"),
    "gg:excludes": N_("does not cover"),
    "granted_by": N_("was granted by"),
    "gg:grantedBy": N_("was granted by"),
    "decided_by": N_("was decided by"),
    "gg:decidedBy": N_("was decided by"),
    "about": N_("is about"),
    "gg:about": N_("is about"),
    "resulting": N_("resulted in"),
    "org:resultingOrganization": N_("resulted in"),
    "original": N_("changed"),
    "org:originalOrganization": N_("changed"),
    "publisher": N_("is published by"),
    "dct:publisher": N_("is published by"),
    "represents": N_("represents"),
    "gg:represents": N_("represents"),
    "member_of": N_("is a member of"),
    "depends_on": N_("depends on"),
    "within": N_("lies within"),
    "contains": N_("contains"),
    "covered_by": N_("is covered by the mandate"),
    "escalates_to": N_("escalates to"),
    "excluded": N_("is excluded from"),
    "inform": N_("should be told about"),
}

CRITICALITY: dict[str, str] = {
    "critical": N_("critical"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}

ROLES: dict[str, str] = {
    "decides": N_("decides"),
    "advises": N_("advises"),
    "implements": N_("implements"),
    "follows_up": N_("follows up"),
    "owner": N_("owner"),
    "operator": N_("operator"),
    "supplier": N_("supplier"),
    "vendor": N_("supplier"),
    "governing_body": N_("governing body"),
    "decider": N_("decides"),
    "secretariat": N_("secretariat"),
}


STATUS: dict[str, str] = {
    "in_force": N_("in force"),
    "recommended": N_("recommended"),
    "planned": N_("planned"),
    "ended": N_("ended"),
}

ROLE_HEADINGS: dict[str, str] = {
    "decides": N_("Decides"),
    "advises": N_("Advises"),
    "implements": N_("Implements"),
    "follows_up": N_("Follows up"),
    "": N_("Holds a mandate"),
}
ROLE_ORDER = ("decides", "advises", "implements", "follows_up", "")


def _word(table: dict[str, str], key: str, lang: str | None) -> str:
    message = table.get(key)
    return translate(lang, message) if message else key.split(":")[-1].replace("_", " ")


def type_word(kind: str, lang: str | None) -> str:
    """A type's name: ``type_word("body", "da") == "organ"``."""
    return _word(TYPES, kind, lang)


def action_word(action: str, lang: str | None) -> str:
    return _word(ACTIONS, action, lang)


def relation_word(relation: str, lang: str | None) -> str:
    """A relation as a verb phrase.

    >>> relation_word("org:reportsTo", "da"), relation_word("held_by", "en")
    ('refererer til', 'is held by')
    """
    return _word(RELATIONS, relation, lang)


def criticality_word(level: str | None, lang: str | None) -> str:
    return _word(CRITICALITY, level or "low", lang)


def role_word(role: str, lang: str | None) -> str:
    return _word(ROLES, role, lang)


def join(items: Iterable[str], lang: str | None) -> str:
    """``a, b and c`` in ``lang`` (no serial comma in da and nb).

    >>> join(["beslutte", "prioritere"], "da"), join(["a", "b", "c"], "en")
    ('beslutte og prioritere', 'a, b and c')
    """
    words = [w for w in items if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {translate(lang, 'and')} {words[-1]}"


def actions_phrase(actions: Iterable[str], lang: str | None) -> str:
    """The actions as infinitives joined in words: ``beslutte og prioritere``."""
    return join([action_word(a, lang) for a in actions], lang)


def status_word(status: str, lang: str | None) -> str:
    return _word(STATUS, status, lang)


def role_heading(role: str | None, lang: str | None) -> str:
    return _word(ROLE_HEADINGS, role or "", lang)


def group_by_role(entries: Iterable[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Who-decides entries grouped by ``role`` (deciders first, advisers apart); entries
    without a role form one group ``""``.

    >>> group_by_role([{"role": "advises"}, {"role": "decides"}, {}])
    [('decides', [{'role': 'decides'}]), ('advises', [{'role': 'advises'}]), ('', [{}])]
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(str(entry.get("role") or ""), []).append(entry)
    order = {role: n for n, role in enumerate(ROLE_ORDER)}
    return sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))


def inform_reasons(body: dict[str, Any], lang: str | None) -> list[str]:
    """Why a body is to be informed, in words (from ``reasons`` or, before them, ``roles``)."""
    found: list[str] = []
    for reason in body.get("reasons") or body.get("roles") or []:
        key = reason.get("reason") or reason.get("role") if isinstance(reason, dict) else reason
        word = role_word(str(key), lang) if key else ""
        if word and word not in found:
            found.append(word)
    return found


NEAREST: dict[str, str] = {
    "holds": N_("may %(actions)s regarding %(scope)s"),
    "below": N_("below the subject, may %(actions)s regarding %(scope)s"),
}


def nearest_reason(body: dict[str, Any], lang: str | None, subject: str = "") -> str:
    """Why a body is among the nearest to ``subject`` (a label) that nobody decides, in words,
    without ids.

    >>> nearest_reason({"why": {"kind": "holds", "actions": ["advise"], "status": "planned",
    ...     "scope": {"id": "sp", "label": "Sundhedsplatformen"}}}, "da")
    'kan rådgive vedrørende Sundhedsplatformen (planlagt, ikke i kraft)'
    >>> nearest_reason({"label": "Region Syddanmark", "why": {"kind": "contains",
    ...     "relation": "gg:owner"}}, "da", "EPJ SYD")
    'EPJ SYD ejes af Region Syddanmark'
    """
    why = body.get("why") or {}
    kind = str(why.get("kind"))
    if kind in ("contains", "inside"):
        ends = (
            (subject, body.get("label", "")) if kind == "contains" else (body.get("label"), subject)
        )
        return translate(lang, "%(a)s %(relation)s %(b)s") % {
            "a": ends[0],
            "relation": relation_word(str(why.get("relation") or "part_of"), lang),
            "b": ends[1],
        }
    message = NEAREST.get(kind)
    if message is None:
        return ""
    scope = (why.get("scope") or {}).get("label", "")
    text = translate(lang, message) % {
        "actions": actions_phrase(why.get("actions") or [], lang),
        "scope": scope,
    }
    status = why.get("status")
    if status and status != "in_force":
        text += " " + translate(lang, "(%(status)s, not in force)") % {
            "status": status_word(status, lang)
        }
    return text
