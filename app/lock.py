"""One job at a time writes a workbook: an exclusive lock file next to the book.

A ribbon job or ``xlcell run`` that writes a book (Pareto front, optimisation, sheet rebuild) holds
:func:`book_lock` from before it reads the book until after it has saved it, so a second job on the same book
reads the first one's result instead of overwriting it (a lost update). The second job waits a few seconds
(:data:`DEFAULT_WAIT_S`, or ``XLCELL_LOCK_WAIT_S``, or ``xlcell run --wait``), then is refused with one sentence
that names the holder.

The lock is the file ``~$<book name>.xlcell-lock`` in the book's folder (the book's real path: a symbolic link
shares its target's lock). It is created atomically (``O_CREAT | O_EXCL``: of two jobs exactly one creates it) and
holds the holder's pid, host, start time and command as JSON. The ``~$`` prefix is the one Excel gives its own
owner file (``~$book.xlsx``): OneDrive and SharePoint do not sync such files, common ignore lists (.gitignore,
backup tools) skip them, and a user who sees one next to an open workbook knows what it is.

A lock whose holder crashed is *stale* and is taken over: its pid is not alive on this host, or it is older than
:data:`STALE_AFTER_S` (the only test for a holder on another host, e.g. on a shared folder, and the guard against a
pid reused after a crash). Taking over renames the stale file to a private name first, so of two jobs taking over
at once only one wins. The lock is removed in ``finally``, also when the job fails, and only if it is still ours.

Why not the ``filelock`` package: its ``FileLock`` is an OS lock (``fcntl``/``msvcrt``), which cannot tell a
waiting user who holds the book and is unreliable on network shares; its ``SoftFileLock`` is this same
``O_EXCL`` file but records no holder and never detects a stale lock (a crashed job would block the book until
someone deletes the file by hand).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from xlcell.errors import BookError, BookLockedError
from xlcell.units import from_display

LOCK_PREFIX = "~$"
LOCK_SUFFIX = ".xlcell-lock"
#: how long a job waits for another job's lock on the same book before it is refused (seconds)
DEFAULT_WAIT_S = 5.0
#: the environment variable that overrides :data:`DEFAULT_WAIT_S` (the ribbon reads it too)
WAIT_ENV = "XLCELL_LOCK_WAIT_S"
#: a lock older than this is stale whoever holds it: far longer than any xlcell job (the largest front, 200 points
#: with 20 starts each, takes minutes)
STALE_AFTER_S = float(from_display(4.0, "h"))
#: a lock file that is still empty or unreadable after this long was left by a job that crashed while creating it
UNREADABLE_STALE_S = 10.0
_POLL_S = 0.1


def lock_path(book: str | Path) -> Path:
    """The lock file of ``book``: ``~$<name>.xlcell-lock`` beside the book's real path."""
    real = Path(os.path.realpath(book))
    return real.with_name(f"{LOCK_PREFIX}{real.name}{LOCK_SUFFIX}")


def wait_seconds(value: float | None = None) -> float:
    """``value`` if given, else ``XLCELL_LOCK_WAIT_S`` if set to a number, else :data:`DEFAULT_WAIT_S`."""
    if value is not None:
        return max(0.0, float(value))
    try:
        return max(0.0, float(os.environ[WAIT_ENV]))
    except (KeyError, ValueError):
        return DEFAULT_WAIT_S


@contextmanager
def book_lock(book: str | Path, what: str = "xlcell job", wait_s: float | None = None,
              required: bool = True) -> Iterator[Path | None]:
    """Hold the exclusive lock of ``book`` for the ``with`` block; yields the lock file.

    Parameters
    ----------
    book : str or Path
        The workbook the job writes.
    what : str
        The job, as the lock records it and a refused job reads it (e.g. ``"xlcell run pareto"``).
    wait_s : float, optional
        How long to wait for another holder, s (default :func:`wait_seconds`).
    required : bool
        If False, a lock file that cannot be created (no such folder, a read-only folder, a book that is a URL)
        yields None and the job runs unlocked: a ribbon job writes into Excel's copy of the book, not the file.

    Raises
    ------
    BookLockedError
        Another live job holds the lock after ``wait_s`` seconds.
    BookError
        The lock file cannot be created (and ``required``).
    """
    lock = lock_path(book)
    deadline = time.monotonic() + wait_seconds(wait_s)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(), "what": what,
          "token": uuid.uuid4().hex}
    held = True
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = read_holder(lock)
            if is_stale(holder, lock):
                _take_over(lock, holder)
                continue
            if time.monotonic() >= deadline:
                raise BookLockedError(f"workbook in use by another xlcell job ({describe(holder)})", str(book),
                                      f"wait until it finishes and run again; if no such job runs, delete {lock.name}")
            time.sleep(_POLL_S)
            continue
        except OSError as exc:
            if not required:
                held = False
                break
            raise BookError(f"cannot create the lock file {lock.name} ({exc.strerror or exc})", str(lock.parent),
                            "the workbook's folder must be writable: work on a copy in a folder of yours") from exc
        try:
            os.write(fd, json.dumps(me).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        break
    if not held:
        yield None
        return
    try:
        yield lock
    finally:
        _release(lock, me["token"])


def read_holder(lock: Path) -> dict[str, Any] | None:
    """The holder recorded in ``lock`` (None if the file is gone, empty, being written or not ours)."""
    try:
        data = json.loads(lock.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def is_stale(holder: dict[str, Any] | None, lock: Path) -> bool:
    """Whether the lock's holder is gone: dead pid on this host, or older than :data:`STALE_AFTER_S`; a lock file
    with no readable holder is stale once it is :data:`UNREADABLE_STALE_S` old."""
    now = time.time()
    if holder is None:
        try:
            return now - lock.stat().st_mtime > UNREADABLE_STALE_S
        except OSError:  # gone meanwhile: try to create it again
            return False
    started = holder.get("started")
    if isinstance(started, (int, float)) and now - started > STALE_AFTER_S:
        return True
    return holder.get("host") == socket.gethostname() and not pid_alive(holder["pid"])


def describe(holder: dict[str, Any] | None) -> str:
    """``xlcell run pareto, pid 123 on host, started 2026-01-01 12:00:00 UTC`` (what a refused job is told)."""
    if holder is None:
        return "holder not recorded yet"
    started = holder.get("started")
    when = (_dt.datetime.fromtimestamp(started, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            if isinstance(started, (int, float)) else "at an unknown time")
    return f"{holder.get('what', 'a job')}, pid {holder['pid']} on {holder.get('host', '?')}, started {when}"


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (True when unsure)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows: os.kill(pid, 0) would terminate the process
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _take_over(lock: Path, holder: dict[str, Any] | None) -> None:
    """Remove the stale ``lock``: rename it to a private name (one job wins), check it is the stale one, delete it."""
    private = lock.with_name(f"{lock.name}.stale-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(lock, private)
    except FileNotFoundError:  # another job took it over first
        return
    except OSError:  # pragma: no cover - e.g. a file system that refuses; wait as for a live holder
        time.sleep(_POLL_S)
        return
    moved = read_holder(private)
    if holder is not None and (moved or {}).get("token") != holder.get("token"):
        # between our read and our rename another job took the stale lock over and made its own: put it back
        try:
            os.link(private, lock)
        except OSError:
            pass
    private.unlink(missing_ok=True)


def _release(lock: Path, token: str) -> None:
    """Delete ``lock`` if it still holds our ``token`` (a job that outlived :data:`STALE_AFTER_S` leaves the new
    holder's lock alone)."""
    holder = read_holder(lock)
    if holder is not None and holder.get("token") == token:
        lock.unlink(missing_ok=True)


__all__ = ["book_lock", "lock_path", "read_holder", "is_stale", "describe", "pid_alive", "wait_seconds",
           "DEFAULT_WAIT_S", "STALE_AFTER_S", "WAIT_ENV"]
