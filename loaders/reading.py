"""Reading input files safely: once, bounded, regular files only, checked unchanged.

Every loader reads its files through :func:`read_bytes` / :func:`read_text`. Within one
:func:`reading` session a file is read from disk once (format detection and the parser see the
same bytes); devices, pipes and directories are refused without reading (a symlink to
``/dev/zero`` would never end); the size limit is enforced while reading; a file that changes
while it is read is refused, and :func:`check_unchanged` refuses a load whose files changed
between reading and writing. Text that is not UTF-8 is decoded with the encoding
``charset-normalizer`` detects, named in a warning.

Graph names are stable: ``file:`` and the file's path relative to the data root
(:func:`graph_name`), so re-loading a file from another checkout or directory replaces it.
"""

from __future__ import annotations

import contextvars
import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from loaders.limits import current as limits
from ontology.errors import ValidationFailed, Violation

#: files or directories whose presence marks a data root (the top of a checkout)
ROOT_MARKERS = (".govgraph-root", ".git")

_NORDIC = "æøåÆØÅ"
Fingerprint = tuple[int, int, int, int]  # device, inode, size, mtime (ns)


@dataclass
class Session:
    """What one file load has read: bytes and fingerprint per file, and warnings."""

    files: dict[str, tuple[bytes, Fingerprint, str]] = field(default_factory=dict)
    warnings: list[Violation] = field(default_factory=list)

    def inputs(self) -> list[tuple[str, str, Fingerprint]]:
        """``(path, source, fingerprint)`` of every file read."""
        return [(path, source, fp) for path, (_, fp, source) in self.files.items()]


_SESSION: contextvars.ContextVar[Session | None] = contextvars.ContextVar("session", default=None)
_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("root", default=None)


@contextmanager
def reading() -> Iterator[Session]:
    """A session in which each file is read once (nested sessions share the outer one)."""
    outer = _SESSION.get()
    if outer is not None:
        yield outer
        return
    session = Session()
    token = _SESSION.set(session)
    try:
        yield session
    finally:
        _SESSION.reset(token)


@contextmanager
def data_root(root: Path | None) -> Iterator[None]:
    """Name graphs relative to ``root`` for the duration of a ``with`` (``None``: detect)."""
    token = _ROOT.set(root.resolve() if root is not None else None)
    try:
        yield
    finally:
        _ROOT.reset(token)


def find_root(path: Path) -> Path | None:
    """The nearest directory above ``path`` holding a root marker (``.git``, ``.govgraph-root``)."""
    for parent in path.parents:
        if any((parent / marker).exists() for marker in ROOT_MARKERS):
            return parent
    return None


def graph_name(path: Path) -> str:
    """The named graph a file loads into: ``file:`` and its path relative to the data root.

    The data root is the one given by the caller (:func:`data_root`), else the nearest
    enclosing checkout (a directory with ``.git`` or ``.govgraph-root``); a file outside any
    is named by its directory and file name. Loading ``data/x.yaml`` from any checkout, by any
    path, therefore replaces the same graph.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, data_root(Path(tmp)):
    ...     graph_name(Path(tmp) / "region" / "a.yaml")
    'file:region/a.yaml'
    """
    absolute = Path(os.path.abspath(path))
    root = _ROOT.get()
    if root is None or not absolute.is_relative_to(root):
        root = find_root(absolute)
    if root is not None and absolute.is_relative_to(root):
        return "file:" + absolute.relative_to(root).as_posix()
    return "file:" + "/".join(absolute.parts[-2:])


def _refuse(rule: str, message: str, source: str, line: int | None = None) -> ValidationFailed:
    return ValidationFailed([Violation(rule, message, file=source, line=line)])


def _fingerprint(st: os.stat_result) -> Fingerprint:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_once(path: Path, source: str) -> tuple[bytes, Fingerprint]:
    limit = limits().max_file_bytes
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _refuse("file-exists", "no such file or directory", source) from None
    except OSError as exc:
        raise _refuse("file-read", f"cannot open the file: {exc.strerror}", source) from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise _refuse(
                "not-a-file",
                f"this is {_kind(before.st_mode)} (via a symlink or not), not a regular file: "
                "only files are loaded",
                source,
            )
        if before.st_size > limit:
            raise _refuse(
                "max-file-bytes",
                f"the file has {before.st_size:,} bytes; the limit is {limit:,} "
                "(raise it with GOVGRAPH_MAX_FILE_BYTES)",
                source,
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _refuse(
                    "max-file-bytes",
                    f"the file grew past the limit of {limit:,} bytes while it was read",
                    source,
                )
        after = os.fstat(fd)
    except OSError as exc:
        raise _refuse("file-read", f"cannot read the file: {exc.strerror}", source) from None
    finally:
        os.close(fd)
    if _fingerprint(before) != _fingerprint(after) or total != after.st_size:
        raise _refuse(
            "file-changed",
            "the file changed while it was read: load it again once it is completely written",
            source,
        )
    return b"".join(chunks), _fingerprint(after)


def read_bytes(path: Path, source: str) -> bytes:
    """The bytes of a regular file, read once per session, or a located refusal."""
    session = _SESSION.get()
    key = os.path.abspath(path)
    if session is not None and key in session.files:
        return session.files[key][0]
    data, fingerprint = _read_once(path, source)
    if session is not None:
        session.files[key] = (data, fingerprint, source)
    return data


def decode(data: bytes, source: str, *, detect: bool = False) -> tuple[str, str | None]:
    """Text and, when it is not UTF-8, the encoding detected (``charset-normalizer``).

    Only sheets (``detect=True``) are decoded from another encoding: YAML, JSON-LD and Turtle
    are UTF-8 by their specifications, so anything else there is refused.
    """
    if b"\x00" in data[:8192]:
        raise _refuse(
            "binary-file", "this is a binary file, not text: load a YAML or RDF file", source
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        position = exc.start
    if not detect:
        line = data.count(b"\n", 0, position) + 1
        raise _refuse(
            "encoding",
            f"the file is not UTF-8 text (byte {position}): save it as UTF-8",
            source,
            line,
        )
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is not None:
        # Equally plausible single-byte encodings differ in the letters that matter here:
        # among them, the one that reads the most Danish/Norwegian letters wins (Excel in
        # Denmark and Norway writes Windows-1252).
        tied = [m for m in results if m.chaos <= best.chaos and m.coherence >= best.coherence]
        best = max(tied or [best], key=lambda m: sum(str(m).count(c) for c in _NORDIC))
    if best is None or best.encoding in ("utf_8", "utf_8_sig", "ascii"):
        line = data.count(b"\n", 0, position) + 1
        raise _refuse(
            "encoding",
            f"the file is not UTF-8 text (byte {position}) and its encoding cannot be told: "
            "save it as UTF-8",
            source,
            line,
        )
    return data.decode(best.encoding), best.encoding


def read_text(path: Path, source: str, *, detect: bool = False) -> str:
    """Read a text file or raise a located :class:`ValidationFailed` (see :func:`decode`)."""
    text, encoding = decode(read_bytes(path, source), source, detect=detect)
    if not text.strip():
        raise _refuse("empty-file", "the file is empty", source)
    session = _SESSION.get()
    if encoding is not None and session is not None:
        note = Violation(
            "encoding",
            f"the file is not UTF-8; it was read as {encoding} (detected): check the letters "
            "æ, ø, å in the result, or save it as UTF-8",
            file=source,
            severity="warning",
        )
        if note not in session.warnings:
            session.warnings.append(note)
    return text


def check_unchanged(inputs: Sequence[tuple[str, str, Fingerprint]]) -> None:
    """Refuse the load if a file changed (or went) since it was read."""
    problems = []
    for path, source, fingerprint in inputs:
        try:
            now = _fingerprint(os.stat(path))
        except OSError:
            now = None
        if now != fingerprint:
            problems.append(
                Violation(
                    "file-changed",
                    "the file changed after it was read and before the store was written: "
                    "load it again once it is completely written",
                    file=source,
                )
            )
    if problems:
        raise ValidationFailed(problems)
