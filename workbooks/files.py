"""Files written whole or not at all: the one way xlcell writes a file a user may own.

A workbook saved in place, a report, the template, the add-in: each is written to a temporary file in the same
folder, flushed and synced to disk, then moved over the target with ``os.replace`` (atomic on one file system),
and the folder entry synced. A crash or a kill at any moment leaves either the old file or the complete new one,
never a truncated file (``tests/test_files.py`` kills a writer mid-save to check it).

An output that is also an input is refused before anything is computed (:func:`refuse_overwrite`): a report never
replaces the workbook it reports on.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from xlcell.errors import BookError, InputError


def write_atomic(path: str | Path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring); returns ``path``.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created if needed. An existing file is replaced only once the new bytes are on
        disk.
    data : bytes
        The whole content.
    mode : int
        Permission bits of the new file (``mkstemp`` would leave it private to the writer).
    """
    with replacing(path, mode) as tmp:
        with os.fdopen(os.open(tmp, os.O_WRONLY | getattr(os, "O_BINARY", 0)), "wb") as f:
            f.write(data)
    return Path(path)


@contextmanager
def replacing(path: str | Path, mode: int = 0o644) -> Iterator[Path]:
    """A temporary path beside ``path`` for a writer that wants a file name (pandas, pyarrow); on leaving the block
    the file is synced and moved over ``path``, on an error it is deleted and ``path`` stays as it was.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created if needed.
    mode : int
        Permission bits of the new file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # a folder that cannot take the file: name the file asked for, not the hidden temporary
        exc.filename = str(path)
        raise
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether paths ``a`` and ``b`` name the same file: through symbolic links, ``..``, hard links and, on a file
    system that ignores case, a different case (``os.path.samefile`` compares device and inode). A path that does
    not exist yet is the same as another only if both resolve to one path."""
    a, b = Path(a), Path(b)
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def refuse_overwrite(out: str | Path, *inputs: str | Path | None, option: str = "--out") -> None:
    """Raise :class:`~xlcell.errors.BookError` if the output ``out`` is one of the ``inputs`` (None entries skipped).

    Examples
    --------
    >>> refuse_overwrite("report.xlsx", "book.xlsx")
    >>> refuse_overwrite("./book.xlsx", "book.xlsx")
    Traceback (most recent call last):
    ...
    xlcell.errors.BookError: the output would replace an input workbook (./book.xlsx): give another output path \
with --out; the workbook you read is never written by this command
    """
    for src in inputs:
        if src is not None and same_file(out, src):
            raise BookError("the output would replace an input workbook", str(out),
                            f"give another output path with {option}; the workbook you read is never written by "
                            "this command")


def refuse_non_xlsx(out: str | Path | None, option: str = "--out") -> None:
    """Raise :class:`~xlcell.errors.InputError` naming ``option`` unless the workbook output ``out`` ends in ``.xlsx``
    (any case; None: no output given, nothing to check).

    A template or report written as ``.csv`` failed deep in the writer, and one written as ``.txt`` was an ``.xlsx``
    that no program opens by its name: both are refused before anything is computed.

    Examples
    --------
    >>> refuse_non_xlsx("report.XLSX")
    >>> refuse_non_xlsx("report.csv")
    Traceback (most recent call last):
    ...
    xlcell.errors.InputError: --out = 'report.csv': must be a workbook path ending in .xlsx
    """
    if out is not None and Path(out).suffix.lower() != ".xlsx":
        raise InputError(option, str(out), "a workbook path ending in .xlsx")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":  # pragma: no cover - Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
