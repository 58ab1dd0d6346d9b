"""A synthetic, national-scale governance graph in the govgraph ontology, for benchmarks.

Deterministic for a given seed. Items (systems and projects) sit in domains and portfolios owned
by organisations; bodies belong to organisations and report to one another (a forest); mandates
give bodies actions over domains, systems, projects, portfolios or organisations, some with an
exclusion or a validity period; dependencies form a DAG over the items: 3 % on a national
platform (the first items), the rest inside the item's cluster of 1,000 (half of those on one
of the 20 items before it, which makes deep chains). Every record cites one synthetic source
document (the generated file itself, titled as such) with the record's own text, as the file
loaders cite a CSV row, so ``govgraph load`` accepts the output (``cite=False`` leaves them out).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

from ontology import vocab as v
from ontology.terms import RDF_TYPE, XSD, Literal, Triple, concept, iri

_CRITICALITY = (("critical", 15), ("high", 30), ("medium", 35), ("low", 20))
_ACTIONS = ("decide", "decide", "prioritise", "approve", "recommend", "advise", "follow_up")
_EPOCH = date(2020, 1, 1)
# Items come in clusters (a region's or a programme's portfolio) that depend mostly on each
# other, and on a few national platforms (the first items).
_CLUSTER = 1000
_PLATFORM_SHARE = 0.03


def _label(text: str) -> Literal:
    return Literal(text, lang="en")


def _day(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD + "date")


def generate(
    *,
    nodes: int = 100_000,
    dependencies: int = 300_000,
    bodies: int = 10_000,
    mandates: int = 100_000,
    seed: int = 0,
    cite: bool = True,
) -> Iterator[Triple]:
    """Yield the triples of a synthetic graph.

    Parameters
    ----------
    nodes : int
        Items that dependencies connect: 70 % systems, 30 % projects (with planned dates).
    dependencies : int
        ``gg:Dependency`` records between items (a DAG: prerequisites come first).
    bodies : int
        Governing bodies, reporting to one another.
    mandates : int
        Mandates held by the bodies.
    seed : int
        Same seed, same graph.
    cite : bool
        Cite every record (entities, dependencies, mandates) by the synthetic document.

    Examples
    --------
    >>> triples = list(generate(nodes=50, dependencies=100, bodies=5, mandates=20, seed=1))
    >>> triples == list(generate(nodes=50, dependencies=100, bodies=5, mandates=20, seed=1))
    True
    >>> sum(1 for _, p, o in triples if p == RDF_TYPE and o == v.DEPENDENCY)
    100
    >>> sum(1 for _, p, o in triples if p == RDF_TYPE and o == v.CITATION)
    179
    """
    records = _records(nodes, dependencies, bodies, mandates, seed)
    yield from (_cited(records, seed) if cite else records)


_KIND = {**v.CLASS_TYPES, v.DEPENDENCY: "dependency", v.MANDATE: "mandate"}
_CITED = set(_KIND)


def _cited(triples: Iterator[Triple], seed: int) -> Iterator[Triple]:
    """The records, each followed by its citation of the synthetic document."""
    document = iri(f"src-generated-{seed}")
    yield document, RDF_TYPE, v.SOURCE_DOCUMENT
    yield document, v.TITLE, Literal(f"Synthetic graph written by govgraph generate (seed {seed})")
    yield document, v.DOC_LANGUAGE, Literal("en")
    # Not a seed and not an external page: the generated file itself, named as such.
    yield document, v.DOC_PATH, Literal(f"generated/seed-{seed}.nt")
    for triple in triples:
        yield triple
        s, p, o = triple
        if p == RDF_TYPE and o in _CITED:
            name = s.rsplit("/", 1)[-1]
            cite = iri(f"cite/{name}")
            yield cite, RDF_TYPE, v.CITATION
            yield cite, v.CITE_SOURCE, document
            yield (
                cite,
                v.QUOTE,
                Literal(f"{name} ({_KIND.get(str(o), 'record')})", lang="en"),
            )
            yield cite, v.CITE_ABOUT, s


def _records(
    nodes: int, dependencies: int, bodies: int, mandates: int, seed: int
) -> Iterator[Triple]:
    rng = random.Random(seed)
    organisations = [iri(f"org-{i}") for i in range(max(2, bodies // 50))]
    domains = [iri(f"domain-{i}") for i in range(max(1, nodes // 200))]
    portfolios = [iri(f"portfolio-{i}") for i in range(max(1, nodes // 1000))]
    body_ids = [iri(f"body-{i}") for i in range(bodies)]
    items = [iri(f"{'prj' if rng.random() < 0.3 else 'sys'}-{i}") for i in range(nodes)]

    for i, org in enumerate(organisations):
        yield org, RDF_TYPE, v.ENTITY_CLASSES["organisation"]
        yield org, v.PREF_LABEL, _label(f"Organisation {i}")
    for i, domain in enumerate(domains):
        yield domain, RDF_TYPE, v.ENTITY_CLASSES["domain"]
        yield domain, v.PREF_LABEL, _label(f"Domain {i}")
        yield domain, v.RELATION_KEYS["owner"], rng.choice(organisations)
    for i, body in enumerate(body_ids):
        yield body, RDF_TYPE, v.ENTITY_CLASSES["body"]
        yield body, v.PREF_LABEL, _label(f"Body {i}")
        yield body, v.PART_OF_ORG, rng.choice(organisations)
        if i and rng.random() < 0.9:
            yield body, v.RELATION_KEYS["reports_to"], body_ids[rng.randrange(i)]
    for i, portfolio in enumerate(portfolios):
        yield portfolio, RDF_TYPE, v.ENTITY_CLASSES["portfolio"]
        yield portfolio, v.PREF_LABEL, _label(f"Portfolio {i}")
        if body_ids:
            yield portfolio, v.RELATION_KEYS["governed_by"], rng.choice(body_ids)
    for i, item in enumerate(items):
        if "/prj-" in item:
            yield item, RDF_TYPE, v.ENTITY_CLASSES["project"]
            yield item, v.PREF_LABEL, _label(f"Project {i}")
            yield item, v.RELATION_KEYS["portfolio"], rng.choice(portfolios)
            start = _EPOCH + timedelta(days=rng.randrange(3000))
            end = start + timedelta(days=rng.randrange(30, 720))
            yield item, v.DATE_KEYS["planned_start"], _day(start)
            yield item, v.DATE_KEYS["planned_end"], _day(end)
            if rng.random() < 0.3:
                yield item, v.DATE_KEYS["go_live"], _day(end + timedelta(days=1))
        else:
            yield item, RDF_TYPE, v.ENTITY_CLASSES["system"]
            yield item, v.PREF_LABEL, _label(f"System {i}")
            yield item, v.RELATION_KEYS["domain"], rng.choice(domains)
            yield item, v.RELATION_KEYS["owner"], rng.choice(organisations)

    names = [name for name, _ in _CRITICALITY]
    weights = [weight for _, weight in _CRITICALITY]
    platforms = max(1, nodes // 200)
    for k in range(dependencies if nodes > 1 else 0):
        dependent = rng.randrange(1, nodes)
        cluster = dependent - dependent % _CLUSTER
        if dependent >= _CLUSTER and rng.random() < _PLATFORM_SHARE:
            prerequisite = rng.randrange(platforms)  # a national platform
        elif dependent > cluster and rng.random() < 0.5:
            prerequisite = rng.randrange(max(cluster, dependent - 20), dependent)
        elif dependent > cluster:
            prerequisite = rng.randrange(cluster, dependent)
        else:  # the first item of a cluster needs a platform (or an earlier one)
            prerequisite = rng.randrange(min(platforms, dependent))
        a, b = items[dependent], items[prerequisite]
        dep = iri(f"dep-{k}")
        planned = "/prj-" in a and "/prj-" in b
        yield dep, RDF_TYPE, v.DEPENDENCY
        yield dep, v.DEPENDENT, a
        yield dep, v.PREREQUISITE, b
        kind = "finish_to_start" if planned else rng.choice(v.DEPENDENCY_TYPES[1:])
        yield dep, v.DEPENDENCY_TYPE, concept("dependency-type", kind)
        yield dep, v.CRITICALITY, concept("criticality", rng.choices(names, weights)[0])
        if planned and rng.random() < 0.3:
            yield dep, v.LAG_DAYS, Literal(str(rng.randrange(15)), datatype=XSD + "integer")

    scopes = (domains, items, portfolios, organisations)
    for k in range(mandates if body_ids else 0):
        mandate = iri(f"mandate-{k}")
        yield mandate, RDF_TYPE, v.MANDATE
        yield mandate, v.HOLDER, rng.choice(body_ids)
        for action in sorted(set(rng.sample(_ACTIONS, rng.randint(1, 2)))):
            yield mandate, v.ACTION, concept("action", action)
        pool = rng.choices(scopes, (10, 85, 3, 2))[0]
        yield mandate, v.SCOPE, rng.choice(pool)
        if rng.random() < 0.05:
            yield mandate, v.EXCLUDES, rng.choice(items)
        if rng.random() < 0.2:
            period = mandate + "-period"
            yield mandate, v.TEMPORAL, period
            yield period, RDF_TYPE, v.PERIOD
            yield (
                period,
                v.START_DATE,
                Literal(str(2015 + rng.randrange(10)), datatype=XSD + "gYear"),
            )


def _nt(term: str | Literal) -> str:
    if isinstance(term, Literal):
        text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.lang:
            return f'"{text}"@{term.lang}'
        return f'"{text}"^^<{term.datatype}>' if term.datatype else f'"{text}"'
    return f"<{term}>"


def write_ntriples(triples: Iterable[Triple], path: Path) -> int:
    """Write ``triples`` as N-Triples; return how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for s, p, o in triples:
            out.write(f"<{s}> <{p}> {_nt(o)} .\n")
            count += 1
    return count
