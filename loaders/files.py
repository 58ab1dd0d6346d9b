"""Read input files of any supported format into batches.

A directory is read recursively (YAML, Turtle, JSON-LD, TriG files, in name order). Format
detection is by extension; ``fmt`` forces one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from graph.batch import Batch, Location
from ontology.errors import ValidationFailed, Violation
from ontology.terms import DATA, XSD, Literal, Term

MAX_FILE_BYTES = 50 * 1024 * 1024

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


def graph_name(path: Path) -> str:
    """The named graph a file loads into: re-loading the same file replaces it."""
    return "file:" + str(path.resolve())


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the loadable files inside directories named, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in EXTENSIONS
                    # column mappings of CSV/xlsx sheets are read with their sheet
                    and not p.name.endswith(".mapping.yaml")
                )
            )
        else:
            out.append(path)
    return out


def read_text(path: Path, source: str) -> str:
    """Read a text file or raise a located :class:`ValidationFailed`."""

    def fail(rule: str, message: str) -> ValidationFailed:
        return ValidationFailed([Violation(rule, message, file=source)])

    if not path.exists():
        raise fail("file-exists", "no such file or directory")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise fail("file-size", f"the file has {size} bytes; the limit is {MAX_FILE_BYTES}")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise fail("binary-file", "this is a binary file, not text: load a YAML or RDF file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            "encoding",
            f"the file is not UTF-8 text (byte {exc.start}): save it as UTF-8",
        ) from None
    if not text.strip():
        raise fail("empty-file", "the file is empty")
    return text


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


def read_yaml(path: Path, source: str) -> Batch:
    from loaders.yaml_format import YamlConverter
    from loaders.yaml_marks import YamlProblem, parse

    text = read_text(path, source)
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


def read_rdf(path: Path, source: str, fmt: str) -> Batch:
    import pyoxigraph as ox

    text = read_text(path, source)
    batch = Batch(name=graph_name(path), source=source)
    rdf_format = getattr(ox.RdfFormat, RDF_FORMATS[fmt])
    # Blank nodes are given stable IRIs so that every store, and every re-load, names them alike.
    salt = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]  # noqa: S324 - an id

    def term(value: object) -> Term:
        if isinstance(value, ox.NamedNode):
            return value.value
        if isinstance(value, ox.BlankNode):
            return f"{DATA}.well-known/genid/{salt}-{value.value}"
        if isinstance(value, ox.Literal):
            datatype = value.datatype.value
            plain = datatype in (
                XSD + "string",
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
            )
            return Literal(value.value, lang=value.language, datatype=None if plain else datatype)
        raise ValueError("RDF 1.2 triple terms are not supported")

    try:
        for quad in ox.parse(text.encode(), format=rdf_format, base_iri=path.resolve().as_uri()):
            s = term(quad.subject)
            o = term(quad.object)
            if not isinstance(s, str):
                raise ValueError("a literal cannot be a subject")
            batch.add(s, quad.predicate.value, o)
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
    for s, _, _ in batch.triples:
        batch.locations.setdefault(s, Location(file=source, record=s))
    return batch


def read_file(path: Path, fmt: str = "auto", *, source: str | None = None) -> Batch:
    """Read one file into a batch; raise :class:`ValidationFailed` naming the file on bad input."""
    source = source or str(path)
    kind = detect_format(path, fmt)
    if kind == "yaml" and fmt == "auto" and _is_backstage(path):
        kind = "backstage"
    if kind in ("ttl", "turtle", "jsonld", "json-ld") and fmt == "auto" and _is_foreign_org(path):
        kind = "org"
    if kind == "yaml":
        return read_yaml(path, source)
    if kind in RDF_FORMATS:
        return read_rdf(path, source, kind)
    if kind in _EXTRA_READERS:
        return _EXTRA_READERS[kind](path, source)
    raise ValidationFailed([Violation("format", f"unknown format {fmt!r}", file=source)])


def _is_backstage(path: Path) -> bool:
    """True when a YAML file is a Backstage catalog file (``apiVersion: backstage.io/...``)."""
    import re

    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return (
        re.search(r"^apiVersion:\s*['\"]?([\w.-]+\.)?backstage\.io/", head, re.MULTILINE)
        is not None
    )


def _is_foreign_org(path: Path) -> bool:
    """True for W3C ORG data not written in govgraph's terms (an organisation chart)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "http://www.w3.org/ns/org#" in text and "https://w3id.org/govgraph/" not in text


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
