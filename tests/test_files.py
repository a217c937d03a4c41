"""A file a user owns is never half-written (issue 12, item 1): a writer killed at any moment of a save leaves the
old bytes or the complete new file. Each case runs a real save of a workbook in a child process, blocks it at one
point of the write (monkeypatching the file system call it reaches), sends SIGKILL, and reads what is on disk."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from workbooks import TEMPLATE_PATH
from workbooks.files import write_atomic

pytestmark = pytest.mark.slow  # saves whole workbooks, and kills writers mid-save in subprocesses

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import workbooks.files as files
    from workbooks import roundtrip

    stage, book, flag = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    def block(*args, **kwargs):
        flag.write_text("blocked")
        time.sleep(600)

    if stage == "write":  # half the bytes in the temporary file, then stop
        real_fdopen = os.fdopen
        def fdopen(fd, mode="r", *a, **k):
            f = real_fdopen(fd, mode, *a, **k)
            real_write = f.write
            def write(data):
                real_write(data[: len(data) // 2])
                f.flush()
                block()
            f.write = write
            return f
        files.os.fdopen = fdopen
    elif stage == "fsync":  # everything written, not yet synced
        files.os.fsync = block
    elif stage == "replace":  # synced, not yet moved into place
        files.os.replace = block
    wb = roundtrip.load(book)
    wb["Design"]["A1"] = "changed by the child"
    roundtrip.save(wb, book)
    flag.write_text("done")
""")


def _run(stage: str, book: Path, tmp_path: Path) -> str:
    flag = tmp_path / f"{stage}.flag"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, stage, str(book), str(flag)], env=env, cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline and not (flag.exists() and flag.read_text() in ("blocked", "done")):
        if child.poll() is not None:
            break
        time.sleep(0.05)
    state = flag.read_text() if flag.exists() else "never reached"
    child.send_signal(signal.SIGKILL) if child.poll() is None else None
    child.wait(timeout=30)
    return state


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("stage", ["write", "fsync", "replace"])
def test_a_writer_killed_mid_save_leaves_the_old_workbook(stage, tmp_path):
    book = tmp_path / "book.xlsx"
    shutil.copy(TEMPLATE_PATH, book)
    before = book.read_bytes()
    assert _run(stage, book, tmp_path) == "blocked"
    assert book.read_bytes() == before  # the user's file untouched
    assert zipfile.ZipFile(book).testzip() is None


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_save_that_finishes_leaves_the_complete_new_workbook(tmp_path):
    from openpyxl import load_workbook

    book = tmp_path / "book.xlsx"
    shutil.copy(TEMPLATE_PATH, book)
    assert _run("none", book, tmp_path) == "done"
    assert load_workbook(book)["Design"]["A1"].value == "changed by the child"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_write_atomic_leaves_no_temporary_file_on_failure_and_sets_the_mode(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    import workbooks.files as files

    def fail(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]
    monkeypatch.undo()
    write_atomic(target, b"new", mode=0o640)
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o640


def test_a_folder_that_cannot_take_the_file_names_the_file_asked_for(tmp_path, monkeypatch, capsys):
    # `xlcell report --out /proc/r.xlsx` said "file or folder not found (/proc/.r.xlsx.4iqw9m7h.tmp)": the hidden
    # temporary file, not the path the user gave
    import workbooks.files as files
    from app.cli import main

    def refuse(*a, dir=None, **k):
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".r.xlsx.abcd1234.tmp"))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    target = tmp_path / "r.xlsx"
    assert main(["report", "--out", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"xlcell: permission denied ({target}): ") and ".tmp" not in err, err
