"""Issue 12 item 6: one job at a time writes a book (app/lock.py).

Measured on main before this item: ``xlcell run pareto BOOK`` and ``xlcell run optimize BOOK`` started together
both exited 0 and one result was lost, in 3 of 3 trials. Here the same two real processes run on one book and both
results are in it; a job that cannot wait is refused with one sentence naming the holder; a lock left by a killed
job is taken over; a failing job releases its lock.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.lock import STALE_AFTER_S, book_lock, is_stale, lock_path, read_holder
from app.macros import run_file
from test_macros import _block, _set, _small
from workbooks.sheets import pareto as sheet
from xlcell.errors import BookLockedError

ROOT = Path(__file__).resolve().parents[1]


def _xlcell(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _front_points(book):
    return [r for r in _block(book, sheet.FRONT)[1:] if r and r[0] is not None]


def _optimum(book):
    return {k: v for k, v in _block(book, sheet.OPTIMUM) if k is not None}


def test_the_lock_file_records_its_holder_and_goes_away(tmp_path):
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"")
    with book_lock(book, "xlcell test") as lock:
        assert lock == tmp_path / "~$b.xlsx.xlcell-lock"
        holder = read_holder(lock)
        assert (holder["pid"], holder["host"], holder["what"]) == (os.getpid(), socket.gethostname(), "xlcell test")
        assert abs(holder["started"] - time.time()) < 60
        t0 = time.monotonic()
        with pytest.raises(BookLockedError) as exc:  # a second job on the same book waits, then is refused
            with book_lock(tmp_path / "." / "b.xlsx", "second", wait_s=0.3):
                pass
        assert time.monotonic() - t0 >= 0.3
        text = str(exc.value)
        assert f"xlcell test, pid {os.getpid()} on {socket.gethostname()}" in text and "b.xlsx" in text
        assert lock.exists()  # the refused job leaves the holder's lock alone
    assert not lock.exists()


def test_a_symbolic_link_shares_its_targets_lock(tmp_path):
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"")
    (tmp_path / "l.xlsx").symlink_to(book)
    assert lock_path(tmp_path / "l.xlsx") == lock_path(book)


def test_stale_locks_are_taken_over(tmp_path):
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"")
    lock = lock_path(book)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # that process has exited and been reaped
    stale = [
        {"pid": dead_pid, "host": socket.gethostname(), "started": time.time(), "what": "crashed", "token": "a"},
        {"pid": os.getpid(), "host": "elsewhere", "started": time.time() - STALE_AFTER_S - 1, "what": "old", "token": "b"},
    ]
    for holder in stale:
        lock.write_text(json.dumps(holder))
        assert is_stale(read_holder(lock), lock)
        with book_lock(book, "new", wait_s=0):
            assert read_holder(lock)["what"] == "new"
        assert not lock.exists()
    live = {"pid": 1, "host": "elsewhere", "started": time.time(), "what": "live elsewhere", "token": "c"}
    lock.write_text(json.dumps(live))  # on another host, recent: we cannot see its pid, so it holds
    assert not is_stale(read_holder(lock), lock)
    with pytest.raises(BookLockedError, match="live elsewhere, pid 1 on elsewhere"):
        with book_lock(book, "new", wait_s=0):
            pass
    lock.unlink()
    lock.write_text("")  # a job died between creating the file and writing its holder
    old = time.time() - 60
    os.utime(lock, (old, old))
    with book_lock(book, "new", wait_s=0):
        assert read_holder(lock)["what"] == "new"


def test_a_failing_job_releases_its_lock(tmp_path, capsys):
    from app.cli import main

    book = _small(tmp_path / "book.xlsx")
    _set(book, sheet.SETTINGS, 2, 1, 500)  # n_points = 500: refused
    assert main(["run", "pareto", str(book), "--quiet"]) == 2
    assert "n_points = 500" in capsys.readouterr().err
    assert not lock_path(book).exists()
    with pytest.raises(ZeroDivisionError):  # also an unexpected error in the middle of the job
        with book_lock(book, "x"):
            1 / 0
    assert not lock_path(book).exists()


def test_a_job_that_cannot_wait_is_refused_naming_the_holder(tmp_path):
    book = _small(tmp_path / "book.xlsx")
    before = book.read_bytes()
    with book_lock(book, "xlcell ribbon pareto"):
        p = _xlcell("run", "pareto", str(book), "--quiet", "--wait", "0.5")
        out, err = p.communicate(timeout=300)
    assert p.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("xlcell: workbook in use by another xlcell job (xlcell ribbon pareto, "
                               f"pid {os.getpid()} on {socket.gethostname()}, started ")
    assert "~$book.xlsx.xlcell-lock" in lines[0]
    assert book.read_bytes() == before


def test_pareto_and_optimize_at_once_lose_no_result(tmp_path):
    book = _small(tmp_path / "book.xlsx")
    assert _front_points(book) == [] and _optimum(book) == {}
    jobs = [_xlcell("run", "pareto", str(book), "--quiet", "--wait", "600"),
            _xlcell("run", "optimize", str(book), "--quiet", "--wait", "600")]
    results = [j.communicate(timeout=900) for j in jobs]
    assert [j.returncode for j in jobs] == [0, 0], results
    assert len(_front_points(book)) == 5  # the Pareto job's result ...
    assert _optimum(book)["feasible"] is True  # ... and the optimisation's, in the same book
    assert not lock_path(book).exists()


def test_a_lock_left_by_a_killed_job_is_taken_over(tmp_path):
    book = _small(tmp_path / "book.xlsx")
    lock = lock_path(book)
    p = _xlcell("run", "pareto", str(book), "--quiet")
    deadline = time.monotonic() + 120
    while not lock.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock.exists(), p.communicate()
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert read_holder(lock)["pid"] == p.pid  # left behind by the dead job
    front = run_file("pareto", book, quiet=True, wait_s=0)
    assert len(_front_points(book)) == len(front) == 5 and not lock.exists()


@pytest.mark.parametrize("wait", ["-1", "nan", "inf"])
def test_a_wait_that_is_not_a_time_is_refused_before_the_book_is_touched(tmp_path, capsys, wait):
    # `run pareto --wait -1` was accepted (taken for 0) and `nan` for no wait at all
    from app.cli import main

    book = _small(tmp_path / "book.xlsx")
    before = book.read_bytes()
    assert main(["run", "pareto", str(book), "--quiet", "--wait", wait]) == 2
    assert f"wait = {wait}: must be a finite number of seconds >= 0" in capsys.readouterr().err
    assert book.read_bytes() == before and not lock_path(book).exists()
