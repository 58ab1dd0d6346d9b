"""docs/fidelity.md, the sentence-by-sentence audit of the seeds, stays true to seeds and data.

The page's format is described in its own "Format" section: entries (``### NNN-KK · status``)
quoting a sentence of seed NNN verbatim, a ``- facts:`` line of ids or relations
(`` `subject` key `object` ``), ``- cause:`` and ``- was:`` lines, summary tables recomputed
here, and tables of editorial and added records. ``check`` returns every disagreement; the
``test_checker_*`` tests prove it finds an altered quote, a wrong id, a relation the data lacks,
an unlisted editorial mark and a wrong count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology import vocab as v
from ontology.terms import DATA, concept
from tests.support import DATA as DATA_DIR
from tests.support import REPO

FIDELITY = REPO / "docs" / "fidelity.md"
STATUSES = ("represented", "partial", "missing", "wrong", "duplicate")
CAUSES = ("model", "seed", "data")

# Authoring key -> predicates that carry it (part_of has two, by the kind of subject).
RECORD_KEYS: dict[str, set[str]] = {
    **{key: {pred} for key, pred in v.RELATION_KEYS.items()},
    "part_of": {v.PART_OF, v.PART_OF_ORG},
    "holder": {v.HOLDER},
    "granted_by": {v.GRANTED_BY},
    "scope": {v.SCOPE},
    "excludes": {v.EXCLUDES},
    "dependent": {v.DEPENDENT},
    "prerequisite": {v.PREREQUISITE},
    "by": {v.DECIDED_BY},
    "about": {v.ABOUT},
    "resulting": {v.RESULTING},
    "original": {v.ORIGINAL},
    "member": {v.MEMBER},
    "body": {v.ORGANIZATION_P},
    "represents": {v.REPRESENTS},
    "addressee": {v.ADDRESSEE},
    "restricted_to": {v.RESTRICTED_TO},
}
# Keys whose value is a concept slug; ``status`` is a mandate's status or an entity's.
CONCEPT_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "actions": ((v.ACTION, "action"),),
    "status": ((v.MANDATE_STATUS, "mandate-status"), (v.STATUS, "status")),
}

_SEED = re.compile(r"^## Seed (\d{3})\b")
_ENTRY = re.compile(r"^### (\d{3})-(\d+) · (\w+)\s*$")
_FACTS = re.compile(r"^- facts:\s*(.*)$")
_ID = re.compile(r"`([^`]+)`")
_TRIPLE = re.compile(r"^`([^`]+)`\s+([a-z_]+)\s+`([^`]+)`$")
_WAS = re.compile(r"^- was:\s*(\w+)\b")
_CAUSE = re.compile(r"^- cause:\s*(.*)$")
_REF = re.compile(r"\b(\d{3}-\d{2})\b")
_CAUSE_COUNT = re.compile(r"^\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*$")
_COUNT = re.compile(r"^\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*$")
_EDITORIAL_ROW = re.compile(r"^\|\s*(`[^|]+`)\s*\|")


@dataclass
class Entry:
    seed: str
    number: str
    status: str
    line: int
    quote_lines: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    was: str | None = None
    causes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.seed}-{self.number} (line {self.line})"

    @property
    def quote(self) -> str:
        return _norm(" ".join(self.quote_lines))


@dataclass
class Audit:
    entries: list[Entry] = field(default_factory=list)
    summary: dict[str, tuple[int, int]] = field(default_factory=dict)
    causes: dict[str, int] = field(default_factory=dict)
    summary_refs: set[str] = field(default_factory=set)
    editorial: list[tuple[int, str]] = field(default_factory=list)
    added: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(text.split())


def parse(text: str) -> Audit:
    """Read the entries, the summary counts and the editorial rows of docs/fidelity.md."""
    audit = Audit()
    seed: str | None = None
    section = ""
    entry: Entry | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            entry = None
            section = line[3:].strip().lower()
            match = _SEED.match(line)
            seed = match.group(1) if match else None
            continue
        match = _ENTRY.match(line)
        if match:
            if seed is None or match.group(1) != seed:
                audit.problems.append(f"line {number}: entry {line!r} outside its seed section")
            entry = Entry(match.group(1), match.group(2), match.group(3), number)
            audit.entries.append(entry)
            continue
        if entry is not None:
            if line.startswith(">"):
                entry.quote_lines.append(line[1:])
            elif fact := _FACTS.match(line):
                entry.facts += [f.strip() for f in fact.group(1).split(";") if f.strip()]
            elif was := _WAS.match(line):
                entry.was = was.group(1)
            elif cause := _CAUSE.match(line):
                entry.causes += [c.strip() for c in cause.group(1).split(",") if c.strip()]
        elif section == "summary" and (count := _COUNT.match(line)):
            audit.summary[count.group(1)] = (int(count.group(2)), int(count.group(3)))
        elif section == "summary" and (count := _CAUSE_COUNT.match(line)):
            audit.causes[count.group(1)] = int(count.group(2))
        elif section == "summary":
            audit.summary_refs.update(_REF.findall(line))
        elif section.startswith("editorial") and (row := _EDITORIAL_ROW.match(line)):
            audit.editorial.append((number, row.group(1).strip()))
        elif section.startswith("records added") and (row := _EDITORIAL_ROW.match(line)):
            audit.added.append((number, row.group(1).strip()))
    return audit


def _check_fact(fact: str, index: GovIndex, where: str) -> list[str]:
    triple = _TRIPLE.match(fact)
    if triple is None:
        ids = _ID.findall(fact)
        if len(ids) != 1 or fact != f"`{ids[0]}`":
            return [f"{where}: cannot read fact {fact!r} (`id` or `subject` key `object`)"]
        return _check_id(ids[0], index, where)
    subject, key, obj = triple.groups()
    problems = _check_id(subject, index, where)
    links = index.node(DATA + subject).links
    if key in CONCEPT_KEYS:
        if not any(concept(scheme, obj) in links.get(p, []) for p, scheme in CONCEPT_KEYS[key]):
            problems.append(f"{where}: {subject} has no {key} {obj}")
        return problems
    if key not in RECORD_KEYS:
        return [*problems, f"{where}: unknown key {key!r} in {fact!r}"]
    problems += _check_id(obj, index, where)
    if not any(DATA + obj in links.get(pred, []) for pred in RECORD_KEYS[key]):
        problems.append(f"{where}: the data has no {subject} {key} {obj}")
    return problems


def _check_id(name: str, index: GovIndex, where: str) -> list[str]:
    if not index.node(DATA + name).types:
        return [f"{where}: no record with id {name!r} in the bundled dataset"]
    return []


def _cells(rows: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """The ``;``-separated facts of table cells, each with where it was written."""
    return [
        (fact.strip(), f"table row (line {number})")
        for number, cell in rows
        for fact in cell.split(";")
        if fact.strip()
    ]


def _check_quote(entry: Entry, seeds: dict[str, str], positions: dict[str, int]) -> list[str]:
    """The quote is verbatim in its seed, after the previous entry's quote."""
    where = f"entry {entry.name}"
    seed_text = seeds.get(entry.seed)
    if seed_text is None:
        return [f"{where}: no seed {entry.seed}"]
    if not entry.quote:
        return [f"{where}: no quote"]
    found = seed_text.find(entry.quote, positions.get(entry.seed, 0))
    if found >= 0:
        positions[entry.seed] = found
        return []
    if seed_text.find(entry.quote) >= 0:
        return [f"{where}: quote out of seed order: {entry.quote[:60]!r}"]
    return [f"{where}: quote not verbatim in seed {entry.seed}: {entry.quote[:60]!r}"]


def _check_entry(entry: Entry, index: GovIndex) -> list[str]:
    """Status, was, causes and facts of one entry."""
    where = f"entry {entry.name}"
    problems = [
        f"{where}: status {status!r} is not one of {STATUSES}"
        for status in {entry.status, entry.was or entry.status}
        if status not in STATUSES
    ]
    if entry.was == entry.status:
        problems.append(f"{where}: `was` repeats the current status")
    if (entry.status == "represented") != (not entry.causes):
        problems.append(f"{where}: a cause is given exactly when the status is not represented")
    problems += [
        f"{where}: cause {cause!r} is not one of {CAUSES}"
        for cause in entry.causes
        if cause not in CAUSES
    ]
    if entry.status != "missing" and not entry.facts:
        problems.append(f"{where}: status {entry.status} but no facts line")
    for fact in entry.facts:
        problems += _check_fact(fact, index, where)
    return problems


def _check_summary(audit: Audit) -> list[str]:
    """The summary's counts and its list of ``data`` entries agree with the entries."""
    expected = {
        status: (
            sum(e.status == status for e in audit.entries),
            sum((e.was or e.status) == status for e in audit.entries),
        )
        for status in STATUSES
    }
    causes = {cause: sum(cause in e.causes for e in audit.entries) for cause in CAUSES}
    data_entries = {f"{e.seed}-{e.number}" for e in audit.entries if "data" in e.causes}
    problems = []
    if audit.summary != expected:
        problems.append(f"summary table {audit.summary} does not match the entries {expected}")
    if audit.causes != causes:
        problems.append(f"causes table {audit.causes} does not match the entries {causes}")
    if audit.summary_refs != data_entries:
        problems.append(
            f"the summary lists {sorted(audit.summary_refs)} as fixable in the data, "
            f"the entries say {sorted(data_entries)}"
        )
    return problems


def _check_tables(audit: Audit, index: GovIndex) -> list[str]:
    """The added and editorial records exist; every editorial mark in the data is listed."""
    problems = []
    if not audit.editorial:
        problems.append("no editorial-facts table")
    if not audit.added:
        problems.append("no table of the records added by this audit")
    for fact, where in _cells(audit.added) + _cells(audit.editorial):
        problems += _check_fact(fact, index, where)
    named = {_ID.findall(fact)[0] for fact, _ in _cells(audit.editorial) if _ID.findall(fact)}
    marked = {
        iri.removeprefix(DATA)
        for iri, node in index.nodes.items()
        if iri.startswith(DATA) and v.EDITORIAL in node.literals
    }
    problems += [
        f"{name} is marked editorial in the data but not listed" for name in sorted(marked - named)
    ]
    return problems


def check(text: str, index: GovIndex, seeds: dict[str, str]) -> list[str]:
    """Return every way ``text`` (docs/fidelity.md) disagrees with the seeds or the data."""
    audit = parse(text)
    problems = list(audit.problems)
    positions: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for entry in audit.entries:
        if (entry.seed, entry.number) in seen:
            problems.append(f"entry {entry.name}: number used twice")
        seen.add((entry.seed, entry.number))
        problems += _check_quote(entry, seeds, positions)
        problems += _check_entry(entry, index)
    names = {f"{e.seed}-{e.number}" for e in audit.entries}
    problems += [
        f"reference to {ref}, which is no entry" for ref in set(_REF.findall(text)) - names
    ]
    return problems + _check_summary(audit) + _check_tables(audit, index)


@pytest.fixture(scope="module")
def index() -> GovIndex:
    store = OxigraphStore()
    load_paths(store, [DATA_DIR])
    return index_of(store)


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {
        path.name[:3]: _norm(path.read_text(encoding="utf-8"))
        for path in sorted((DATA_DIR / "seeds").glob("*.txt"))
    }


@pytest.fixture(scope="module")
def text() -> str:
    return Path(FIDELITY).read_text(encoding="utf-8")


def test_fidelity_names_real_ids_and_verbatim_quotes(
    text: str, index: GovIndex, seeds: dict[str, str]
) -> None:
    problems = check(text, index, seeds)
    assert not problems, "\n".join(problems)


def test_fidelity_covers_every_seed(text: str, seeds: dict[str, str]) -> None:
    audit = parse(text)
    assert {e.seed for e in audit.entries} == set(seeds)
    assert len(audit.entries) >= 100


def test_every_sentence_the_data_cites_is_audited(
    text: str, index: GovIndex, seeds: dict[str, str]
) -> None:
    """A quote in the data that overlaps no audited sentence means a sentence is missing here."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for entry in parse(text).entries:
        start = seeds[entry.seed].find(entry.quote)
        spans.setdefault(entry.seed, []).append((start, start + len(entry.quote)))
    unaudited = set()
    for citations in index.citations.values():
        for citation in citations:
            path = index.node(citation.document).first(v.DOC_PATH) or ""
            seed = Path(path).name[:3]
            if seed not in seeds:
                continue
            quote = _norm(citation.quote)
            start = seeds[seed].find(quote)
            end = start + len(quote)
            if not any(a < end and start < b for a, b in spans.get(seed, [])):
                unaudited.add(f"{seed}: {quote}")
    assert not unaudited, "quoted in the data but not audited:\n" + "\n".join(sorted(unaudited))


def _first_entry_with(audit: Audit, predicate: str) -> Entry:
    return next(e for e in audit.entries if any(predicate in f for f in e.facts))


def test_checker_finds_an_altered_quote(text: str, index: GovIndex, seeds: dict[str, str]) -> None:
    entry = parse(text).entries[0]
    line = text.splitlines()[entry.line]  # the quote follows the heading
    assert line.startswith(">")
    altered = text.replace(line, line.replace("2019", "2018", 1), 1)
    assert altered != text
    problems = check(altered, index, seeds)
    assert any("not verbatim" in p and entry.name in p for p in problems), problems


def test_checker_finds_a_wrong_id(text: str, index: GovIndex, seeds: dict[str, str]) -> None:
    entry = _first_entry_with(parse(text), "`ds`")
    lines = text.splitlines()
    facts = next(i for i in range(entry.line, len(lines)) if lines[i].startswith("- facts:"))
    lines[facts] = lines[facts].replace("`ds`", "`ds-typo`", 1)
    problems = check("\n".join(lines), index, seeds)
    assert any("'ds-typo'" in p and entry.name in p for p in problems), problems


def test_checker_finds_a_relation_the_data_lacks(
    text: str, index: GovIndex, seeds: dict[str, str]
) -> None:
    source = "`ds` reports_to `koncerndirektionen`"
    assert source in text
    problems = check(text.replace(source, "`ds` secretariat `koncerndirektionen`", 1), index, seeds)
    assert any("no ds secretariat koncerndirektionen" in p for p in problems), problems


def test_checker_finds_an_unlisted_editorial_mark(
    text: str, index: GovIndex, seeds: dict[str, str]
) -> None:
    row = next(line for line in text.splitlines() if line.startswith("| `fmk`; "))
    problems = check(text.replace(row, row.replace("`fmk`; ", "", 1)), index, seeds)
    assert "fmk is marked editorial in the data but not listed" in problems, problems


def test_checker_finds_a_wrong_summary(text: str, index: GovIndex, seeds: dict[str, str]) -> None:
    now, before = parse(text).summary["represented"]
    row = f"| represented | {now} | {before} |"
    assert row in text
    altered = text.replace(row, f"| represented | {now + 1} | {before} |", 1)
    assert any("summary table" in p for p in check(altered, index, seeds))
