"""The sentences ``graph.ask`` answers with, in Danish, Norwegian and English."""

from __future__ import annotations

from typing import Any

ACTION_WORDS: dict[str, dict[str | None, str]] = {
    "da": {
        None: "har mandat over",
        "decide": "kan beslutte om",
        "prioritise": "kan prioritere",
        "approve": "kan godkende",
        "advise": "rådgiver om",
        "recommend": "kan anbefale om",
        "follow_up": "følger op på",
    },
    "nb": {
        None: "har mandat over",
        "decide": "kan beslutte om",
        "prioritise": "kan prioritere",
        "approve": "kan godkjenne",
        "advise": "gir råd om",
        "recommend": "kan anbefale om",
        "follow_up": "følger opp",
    },
    "en": {
        None: "holds a mandate over",
        "decide": "may decide on",
        "prioritise": "may prioritise",
        "approve": "may approve",
        "advise": "advises on",
        "recommend": "may recommend on",
        "follow_up": "follows up on",
    },
}

# Sentence templates: {x} subject, {y} the answer's names, {n} a count, {d} a date or delay.
T: dict[str, dict[str, str]] = {
    "da": {
        "gap": "Intet registreret mandat dækker {x}{when}. Nærmeste organer: {y}.",
        "impact": "Hvis {x} {slip}, rammes {n}: {y}.",
        "impact_none": "Hvis {x} {slip}, rammes intet registreret.",
        "upstream": "{x} afhænger af {n}: {y}.",
        "upstream_none": "Der er ikke registreret noget, {x} afhænger af.",
        "members": "{x} har {n} medlem(mer){when}: {y}.",
        "members_none": "Der er ikke registreret medlemmer af {x}{when}.",
        "chair": "{x} ledes af {y}.",
        "chair_none": "Der er ikke registreret en formand for {x}.",
        "reports_to": "{x} refererer til {y}.",
        "reports_to_none": "Det er ikke registreret, hvem {x} refererer til.",
        "secretariat": "{x} sekretariatsbetjenes af {y}.",
        "secretariat_none": "Der er ikke registreret et sekretariat for {x}.",
        "formed": "{x} blev etableret {d}{y}.",
        "formed_none": "Det er ikke registreret, hvornår {x} blev etableret{y}.",
        "diff": "Fra {a} til {b}: {n} tilføjet, {m} fjernet.",
        "slip": "forsinkes",
        "slip_by": "forsinkes {d} dage",
        "when": " pr. {d}",
        "also": " (Også: {y}.)",
        "more": "og {n} flere",
        "by": ", besluttet af {y}",
        "unparsed": "Jeg kunne ikke læse spørgsmålet. Mente du et af disse?",
        "ask_who_decides": "Hvem beslutter om {x}?",
        "ask_impact": "Hvad påvirkes hvis {x} forsinkes?",
        "ask_upstream": "Hvad afhænger {x} af?",
        "ask_members": "Hvem sidder i {x}?",
    },
    "nb": {
        "gap": "Ingen registrert mandat dekker {x}{when}. Nærmeste organer: {y}.",
        "impact": "Hvis {x} {slip}, rammes {n}: {y}.",
        "impact_none": "Hvis {x} {slip}, rammes ingenting som er registrert.",
        "upstream": "{x} avhenger av {n}: {y}.",
        "upstream_none": "Det er ikke registrert noe {x} avhenger av.",
        "members": "{x} har {n} medlem(mer){when}: {y}.",
        "members_none": "Det er ikke registrert medlemmer i {x}{when}.",
        "chair": "{x} ledes av {y}.",
        "chair_none": "Det er ikke registrert noen leder for {x}.",
        "reports_to": "{x} rapporterer til {y}.",
        "reports_to_none": "Det er ikke registrert hvem {x} rapporterer til.",
        "secretariat": "{x} har {y} som sekretariat.",
        "secretariat_none": "Det er ikke registrert noe sekretariat for {x}.",
        "formed": "{x} ble etablert {d}{y}.",
        "formed_none": "Det er ikke registrert når {x} ble etablert{y}.",
        "diff": "Fra {a} til {b}: {n} lagt til, {m} fjernet.",
        "slip": "blir forsinket",
        "slip_by": "blir forsinket {d} dager",
        "when": " per {d}",
        "also": " (Også: {y}.)",
        "more": "og {n} til",
        "by": ", besluttet av {y}",
        "unparsed": "Jeg klarte ikke å lese spørsmålet. Mente du et av disse?",
        "ask_who_decides": "Hvem bestemmer over {x}?",
        "ask_impact": "Hva rammes hvis {x} blir forsinket?",
        "ask_upstream": "Hva avhenger {x} av?",
        "ask_members": "Hvem sitter i {x}?",
    },
    "en": {
        "gap": "No recorded mandate covers {x}{when}. Nearest bodies: {y}.",
        "impact": "If {x} {slip}, {n} item(s) are hit: {y}.",
        "impact_none": "If {x} {slip}, nothing recorded is hit.",
        "upstream": "{x} depends on {n} item(s): {y}.",
        "upstream_none": "Nothing is recorded that {x} depends on.",
        "members": "{x} has {n} member(s){when}: {y}.",
        "members_none": "No members of {x} are recorded{when}.",
        "chair": "{x} is chaired by {y}.",
        "chair_none": "No chair of {x} is recorded.",
        "reports_to": "{x} reports to {y}.",
        "reports_to_none": "Whom {x} reports to is not recorded.",
        "secretariat": "{x}'s secretariat is {y}.",
        "secretariat_none": "No secretariat of {x} is recorded.",
        "formed": "{x} was established {d}{y}.",
        "formed_none": "When {x} was established is not recorded{y}.",
        "diff": "From {a} to {b}: {n} added, {m} removed.",
        "slip": "slips",
        "slip_by": "slips by {d} days",
        "when": " as of {d}",
        "also": " (Also: {y}.)",
        "more": "and {n} more",
        "by": ", decided by {y}",
        "unparsed": "I could not read the question. Did you mean one of these?",
        "ask_who_decides": "Who decides about {x}?",
        "ask_impact": "What is hit if {x} slips?",
        "ask_upstream": "What does {x} depend on?",
        "ask_members": "Who sits in {x}?",
    },
}


def names(items: list[dict[str, Any]], language: str, shown: int = 6) -> str:
    """ "A, B, C and 3 more" from refs with a ``label``."""
    labels = list(dict.fromkeys(str(i.get("label") or i.get("id")) for i in items))
    head = ", ".join(labels[:shown])
    if len(labels) > shown:
        head += " " + T[language]["more"].format(n=len(labels) - shown)
    return head


def who_decides_sentence(answer: dict[str, Any], action: str | None, language: str) -> str:
    x = answer["subject"]["label"]
    when = T[language]["when"].format(d=answer["as_of"]) if answer.get("as_of") else ""
    if answer.get("gap") or not answer.get("deciders"):
        near = names(answer.get("nearest_bodies") or [], language) or "–"
        return T[language]["gap"].format(x=x, when=when, y=near)
    verb = ACTION_WORDS[language].get(action, ACTION_WORDS[language][None])
    holders = names(answer["deciders"], language)
    return f"{holders} {verb} {x}{when}."


def also_sentence(also: list[dict[str, Any]], language: str) -> str:
    if not also:
        return ""
    shown = "; ".join(
        a["label"] if a["type"] in a["label"].lower() else f"{a['label']} ({a['type']})"
        for a in also[:3]
    )
    return T[language]["also"].format(y=shown)
