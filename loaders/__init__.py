"""Loaders: one module per source format, each turning a file into a validated batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from graph.batch import Batch
from graph.load import LoadSummary, apply_batches
from graph.store import GraphStore
from loaders.limits import Limits
from ontology import vocab as v
from ontology.terms import Literal


def tag_quotes(store: GraphStore, batches: Sequence[Batch]) -> None:
    """Give each quote the language of its document (from the batches or the store)."""
    languages: dict[str, str] = {}
    for batch in batches:
        for s, p, o in batch.triples:
            if p == v.DOC_LANGUAGE:
                languages[s] = str(o)
    for batch in batches:
        docs = {s: str(o) for s, p, o in batch.triples if p == v.CITE_SOURCE}
        for i, (s, p, o) in enumerate(batch.triples):
            if p != v.QUOTE or not isinstance(o, Literal) or o.lang or s not in docs:
                continue
            doc = docs[s]
            if doc not in languages:
                found = [str(x) for _, _, x in store.triples(doc, v.DOC_LANGUAGE)]
                languages[doc] = found[0] if found else ""
            if languages[doc]:
                tagged = Literal(o.value, lang=languages[doc])
                batch.triples[i] = (s, p, tagged)
                if (s, p, o) in batch.locations:
                    batch.locations[(s, p, tagged)] = batch.locations.pop((s, p, o))


def load_paths(
    store: GraphStore,
    paths: Sequence[Path],
    *,
    fmt: str = "auto",
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    limits: Limits | None = None,
    root: Path | None = None,
) -> LoadSummary:
    """Read, validate and load files or directories into ``store`` as one atomic batch.

    ``limits`` bound what is read (:class:`loaders.limits.Limits`); ``root`` is the data root
    graph names are relative to (default: the enclosing checkout, see
    :func:`loaders.reading.graph_name`). A file that changed between reading and writing is
    refused. Raises :class:`ontology.errors.ValidationFailed` (nothing written) on any error.
    """
    from loaders.files import read_paths
    from loaders.limits import use_limits
    from loaders.reading import check_unchanged, data_root

    with use_limits(limits), data_root(root):
        batches = read_paths(paths, fmt, progress=progress)
    tag_quotes(store, batches)
    if progress is not None:
        triples = sum(len(b.triples) for b in batches)
        progress(f"validating {triples:,} triples", len(batches), len(batches))
    inputs = [item for b in batches for item in b.inputs]
    return apply_batches(
        store,
        batches,
        dry_run=dry_run,
        precommit=lambda: check_unchanged(inputs),
        progress=progress,
    )


def migrate_graph_names(store: GraphStore) -> dict[str, str]:
    """Rename graphs named by an absolute path (older stores) to stable names, atomically.

    Before stable names a graph was ``file:/abs/path/data/x.yaml``; it becomes
    ``file:data/x.yaml`` (:func:`loaders.reading.graph_name`), so that re-loading the file from
    anywhere replaces it. When both exist, the stable one is kept. Returns ``{old: new}``.
    """
    from graph.batch import GRAPH_PREFIX
    from loaders.reading import graph_name

    names = set(store.graph_names())
    renamed: dict[str, str] = {}
    for old in sorted(names):
        short = old.removeprefix(GRAPH_PREFIX)
        if not short.startswith("file:/"):
            continue
        new = GRAPH_PREFIX + graph_name(Path(short.removeprefix("file:")))
        if new != old:
            renamed[old] = new
    if not renamed:
        return {}
    graphs = {
        new: list(store.graph_triples(old))
        for old, new in renamed.items()
        if new not in names  # a stable graph loaded since wins over its old copy
    }
    store.replace(graphs, remove=list(renamed))
    return renamed
