"""Read input files of any supported format into batches.

A directory is read recursively (YAML, Turtle, JSON-LD, TriG files, in name order). Format
detection is by extension; ``fmt`` forces one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from graph.batch import Batch, Location
from loaders.base_iri import base_iri
from loaders.limits import current as limits
from loaders.limits import long_line, nesting_too_deep
from loaders.reading import graph_name, read_bytes, read_text, reading
from ontology.errors import ValidationFailed, Violation
from ontology.terms import DATA, XSD, Literal, Term

__all__ = ["graph_name", "read_bytes", "read_text", "read_file", "read_paths", "register_reader"]

RDF_FORMATS = {
    "ttl": "TURTLE",
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "jsonld": "JSON_LD",
    "json-ld": "JSON_LD",
    "trig": "TRIG",
    "nq": "N_QUADS",
    "rdf": "RDF_XML",
    "xml": "RDF_XML",
}
EXTENSIONS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".ttl": "ttl",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".trig": "trig",
    ".nq": "nq",
}

Reader = Callable[[Path, str], Batch]
Progress = Callable[[str, int, int], None]  # (step, done, total)
_EXTRA_READERS: dict[str, Reader] = {}


def register_reader(fmt: str, reader: Reader, *extensions: str) -> None:
    """Register a reader for another format (the CSV, ArchiMate, Backstage ... loaders)."""
    _EXTRA_READERS[fmt] = reader
    for ext in extensions:
        EXTENSIONS[ext] = fmt


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the loadable files inside directories named, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in EXTENSIONS
                    # column mappings of CSV/xlsx sheets are read with their sheet
                    and not p.name.endswith(".mapping.yaml")
                    # devices and pipes are refused when named, skipped inside a directory
                    and (p.is_symlink() or p.is_file())
                )
            )
        else:
            out.append(path)
    return out


def detect_format(path: Path, fmt: str = "auto") -> str:
    if fmt != "auto":
        return fmt
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ValidationFailed(
            [
                Violation(
                    "format",
                    f"cannot tell the format of {path.suffix or 'a file without extension'!r}: "
                    f"use --format (one of {', '.join(sorted(set(EXTENSIONS.values())))})",
                    file=str(path),
                )
            ]
        )
    return found


def _too_deep(text: str, source: str) -> None:
    limit = limits().max_depth
    line = nesting_too_deep(text, limit)
    if line is not None:
        raise ValidationFailed(
            [
                Violation(
                    "max-depth",
                    f"nesting deeper than {limit} levels: flatten the structure "
                    "(raise the limit with GOVGRAPH_MAX_DEPTH)",
                    file=source,
                    line=line,
                )
            ]
        )


def read_yaml(path: Path, source: str) -> Batch:
    from loaders.yaml_format import YamlConverter
    from loaders.yaml_marks import YamlProblem, parse

    text = read_text(path, source)
    _too_deep(text, source)
    batch = Batch(name=graph_name(path), source=source)
    try:
        content = parse(text)
    except YamlProblem as problem:
        line, col = problem.mark if problem.mark else (None, None)
        raise ValidationFailed(
            [Violation(problem.rule, problem.message, file=source, line=line, column=col)]
        ) from None
    converter = YamlConverter(batch)
    converter.convert(content)
    if converter.errors:
        raise ValidationFailed(converter.errors + batch.warnings)
    return batch


def _xml_entities(text: str, source: str) -> None:
    """Refuse DTDs in RDF/XML: the RDF parser would expand entities (billion laughs)."""
    import re

    match = re.search(r"<!(DOCTYPE|ENTITY)", text)
    if match:
        raise ValidationFailed(
            [
                Violation(
                    "xml-entities",
                    "the file declares a DTD or entities, which are not expanded: write the "
                    "IRIs and values out in full",
                    file=source,
                    line=text.count("\n", 0, match.start()) + 1,
                )
            ]
        )


def _jsonld_iris(text: str, source: str) -> None:
    """Refuse ``@id``/``@type`` values that are not IRIs (JSON-LD drops them silently)."""
    import re

    for match in re.finditer(r'"@(?:id|type)"\s*:\s*"((?:[^"\\]|\\.)*)"', text):
        value = match.group(1)
        if not value.startswith("_:") and re.search(r'[\x00-\x20<>"{}|^`\\]', value):
            raise ValidationFailed(
                [
                    Violation(
                        "rdf-term",
                        f"{value!r} is not an IRI (it holds a space or a character IRIs "
                        "cannot hold): JSON-LD would drop the statement silently",
                        file=source,
                        line=text.count("\n", 0, match.start()) + 1,
                    )
                ]
            )


def read_rdf(path: Path, source: str, fmt: str) -> Batch:
    import pyoxigraph as ox

    text = read_text(path, source)
    if fmt in ("ttl", "turtle", "trig", "jsonld", "json-ld"):
        _too_deep(text, source)
    if fmt in ("rdf", "xml"):
        _xml_entities(text, source)
    if fmt in ("jsonld", "json-ld"):
        _jsonld_iris(text, source)
    batch = Batch(name=graph_name(path), source=source)
    rdf_format = getattr(ox.RdfFormat, RDF_FORMATS[fmt])
    # Blank nodes are given stable IRIs so that every store, and every re-load, names them alike.
    salt = hashlib.sha1(batch.name.encode()).hexdigest()[:8]  # noqa: S324 - an id

    # One string per IRI, however often it occurs: a 1M-triple file names ~200k nodes.
    seen: dict[str, str] = {}

    def term(value: object) -> Term:
        if isinstance(value, ox.NamedNode):
            name = value.value
            return seen.setdefault(name, name)
        if isinstance(value, ox.BlankNode):
            name = f"{DATA}.well-known/genid/{salt}-{value.value}"
            return seen.setdefault(name, name)
        if isinstance(value, ox.Literal):
            datatype = value.datatype.value
            plain = datatype in (
                XSD + "string",
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
            )
            return Literal(value.value, lang=value.language, datatype=None if plain else datatype)
        raise ValueError("RDF 1.2 triple terms are not supported")

    try:
        # The bytes as read (UTF-8, checked by read_text), not a second encoded copy.
        data = read_bytes(path, source).removeprefix(b"\xef\xbb\xbf")
        for quad in ox.parse(data, format=rdf_format, base_iri=base_iri(path)):
            s = term(quad.subject)
            o = term(quad.object)
            if not isinstance(s, str):
                raise ValueError("a literal cannot be a subject")
            batch.add(s, term(quad.predicate), o)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise ValidationFailed(
            [
                Violation(
                    "rdf-syntax",
                    f"{fmt} syntax error: {exc.msg}",
                    file=source,
                    line=exc.lineno,
                    column=exc.offset,
                )
            ]
        ) from None
    except ValueError as exc:
        raise ValidationFailed([Violation("rdf-term", str(exc), file=source)]) from None
    except MemoryError:
        # The parser's buffer limit (16 MB): a literal or line far over any sensible size.
        limit = limits().max_literal
        raise ValidationFailed(
            [
                Violation(
                    "max-literal",
                    f"a value is longer than the parser accepts (limit {limit:,} characters)",
                    file=source,
                    line=long_line(text, limit),
                )
            ]
        ) from None
    if not batch.triples and fmt in ("jsonld", "json-ld"):
        raise ValidationFailed(
            [Violation("empty-graph", "the JSON-LD document states no triples", file=source)]
        )
    for s, _, _ in batch.triples:
        batch.locations.setdefault(s, Location(file=source, record=s))
    return batch


_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _check_terms(batch: Batch) -> None:
    """Every literal within the length limit and every IRI well formed, located."""
    limit = limits().max_literal
    seen: set[str] = set()
    problems: list[Violation] = []
    for s, p, o in batch.triples:
        for value in (s, p, o):
            if isinstance(value, Literal):
                if len(value.value) > limit:
                    problems.append(
                        batch.violation(
                            "max-literal",
                            f"a value of {len(value.value):,} characters; the limit is {limit:,} "
                            "(raise it with GOVGRAPH_MAX_LITERAL)",
                            s,
                            p,
                            o,
                        )
                    )
            elif value not in seen:
                seen.add(value)
                if _IRI_BAD.search(value) or not _IRI_SCHEME.match(value):
                    problems.append(
                        batch.violation(
                            "iri", f"{value!r} is not a valid IRI (id): fix the id", s, p, o
                        )
                    )
        if len(problems) >= 100:
            break
    if problems:
        raise ValidationFailed(problems + batch.warnings)


def read_file(path: Path, fmt: str = "auto", *, source: str | None = None) -> Batch:
    """Read one file into a batch; raise :class:`ValidationFailed` naming the file on bad input.

    The file is read once (devices and pipes refused, size bounded); the batch records what
    was read, so that a load can refuse files that changed before it wrote them
    (:func:`loaders.reading.check_unchanged`).
    """
    source = source or str(path)
    with reading() as session:
        kind = detect_format(path, fmt)
        read_bytes(path, source)  # refuses devices, pipes and oversize files before sniffing
        if kind == "yaml" and fmt == "auto" and _is_backstage(path, source):
            kind = "backstage"
        if kind in ("csv", "xlsx") and fmt == "auto":
            from loaders.portfolio_detect import sheet_kind

            kind = sheet_kind(path, source, kind)  # a portfolio sheet, by mapping or headers
        if (
            kind in ("ttl", "turtle", "jsonld", "json-ld")
            and fmt == "auto"
            and _is_foreign_org(path, source)
        ):
            kind = "org"
        try:
            if kind == "yaml":
                batch = read_yaml(path, source)
            elif kind in RDF_FORMATS:
                batch = read_rdf(path, source, kind)
            elif kind in _EXTRA_READERS:
                batch = _EXTRA_READERS[kind](path, source)
            else:
                raise ValidationFailed(
                    [Violation("format", f"unknown format {fmt!r}", file=source)]
                )
        except RecursionError:
            raise ValidationFailed(
                [
                    Violation(
                        "max-depth",
                        "the file is nested too deeply to read: flatten the structure",
                        file=source,
                    )
                ]
            ) from None
        batch.inputs = session.inputs()
        batch.warnings[:0] = [w for w in session.warnings if w not in batch.warnings]
    _check_terms(batch)
    return batch


def _is_backstage(path: Path, source: str) -> bool:
    """True when a YAML file is a Backstage catalog file (``apiVersion: backstage.io/...``)."""
    import re

    head = read_bytes(path, source)[:4096].decode("utf-8", errors="replace")
    return (
        re.search(r"^apiVersion:\s*['\"]?([\w.-]+\.)?backstage\.io/", head, re.MULTILINE)
        is not None
    )


def _is_foreign_org(path: Path, source: str) -> bool:
    """True for W3C ORG data not written in govgraph's terms (an organisation chart)."""
    data = read_bytes(path, source)
    return b"http://www.w3.org/ns/org#" in data and b"https://w3id.org/govgraph/" not in data


def read_paths(
    paths: Sequence[Path], fmt: str = "auto", *, progress: Progress | None = None
) -> list[Batch]:
    """Read every file; collect the violations of all of them before failing.

    ``progress(step, done, total)`` is called before each file and once at the end.
    """
    files = expand_paths(paths)
    if not files:
        raise ValidationFailed(
            [Violation("no-input", "no loadable files found", file=", ".join(map(str, paths)))]
        )
    batches: list[Batch] = []
    problems: list[Violation] = []
    for done, path in enumerate(files):
        if progress is not None:
            progress(f"reading {path.name}", done, len(files))
        try:
            batches.append(read_file(path, fmt))
        except ValidationFailed as failed:
            problems.extend(failed.violations)
    if progress is not None:
        progress("read", len(files), len(files))
    if any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    return batches


def _lazy(module: str, function: str) -> Reader:
    """A reader that imports its module on first use, so the CLI starts fast."""

    def read(path: Path, source: str) -> Batch:
        import importlib

        reader: Reader = getattr(importlib.import_module(module), function)
        return reader(path, source)

    return read


register_reader("csv", _lazy("loaders.csv_loader", "read_csv"), ".csv", ".tsv")
register_reader("xlsx", _lazy("loaders.csv_loader", "read_xlsx"), ".xlsx")
register_reader("archimate", _lazy("loaders.archimate", "read_archimate"), ".xml")
register_reader("backstage", _lazy("loaders.backstage", "read_backstage"))
register_reader("org", _lazy("loaders.org_rdf", "read_org"))
register_reader("portfolio", _lazy("loaders.portfolio_sheet", "read_portfolio_sheet"))
