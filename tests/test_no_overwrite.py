"""Issue 12 item 2: an output that is an input is refused; an existing output is replaced only atomically.

Measured on main before this item: ``xlcell run report BOOK --out BOOK`` replaced the 14-sheet workbook with the
report and exited 0. Every command and macro with an output path is tried here with that path spelled as the book,
through ``..``, through a symbolic link and through a hard link; each must exit non-zero with one line, before any
front is traced, and leave the book's bytes as they were.
"""
from __future__ import annotations

import os
import shutil

import pytest

from app.book import FileBook
from app.cli import main
from workbooks import TEMPLATE_PATH
from xlcell.errors import BookError

COMMANDS = {
    "report --from-workbook": ["report", "--from-workbook", "{book}", "--out", "{out}"],
    "report --pareto": ["report", "--pareto", "{book}", "--out", "{out}"],
    "run report": ["run", "report", "{book}", "--out", "{out}", "--quiet"],
    "run pareto": ["run", "pareto", "{book}", "--out", "{out}", "--quiet"],
    "run optimize": ["run", "optimize", "{book}", "--out", "{out}", "--quiet"],
    "run rebuild": ["run", "rebuild", "{book}", "--out", "{out}", "--quiet"],
}


def _spellings(book):
    """The book's own path, and three other paths that name the same file."""
    (book.parent / "sub").mkdir(exist_ok=True)
    link = book.parent / "link.xlsx"
    link.symlink_to(book)
    hard = book.parent / "hard.xlsx"
    os.link(book, hard)
    return {"same": book, "dotdot": book.parent / "sub" / ".." / book.name, "symlink": link, "hardlink": hard}


@pytest.fixture()
def no_front(monkeypatch):
    """Refusal comes first: tracing a front or optimising would fail the test."""
    import app.macros

    def never(*a, **k):
        raise AssertionError("work started before the output path was checked")

    monkeypatch.setattr(app.macros, "pareto_front", never)
    monkeypatch.setattr(app.macros, "minimize", never)
    monkeypatch.setattr("app.report.write_report", never)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_that_is_the_input_book_is_refused(command, tmp_path, capsys, no_front):
    book = tmp_path / "plant.xlsx"
    shutil.copy(TEMPLATE_PATH, book)
    before = book.read_bytes()
    for how, out in _spellings(book).items():
        code = main([a.format(book=book, out=out) for a in COMMANDS[command]])
        err = capsys.readouterr().err.strip()
        assert code == 2, (how, err)
        assert len(err.splitlines()) == 1 and err.startswith("xlcell: ") and "Traceback" not in err, (how, err)
        assert "--out" in err and str(out) in err, (how, err)
        assert book.read_bytes() == before, how


def test_the_ribbon_reports_refuse_the_book_itself(tmp_path, no_front):
    from app.macros import design_report_macro, report_macro, run_design_report, run_report

    book = tmp_path / "plant.xlsx"
    shutil.copy(TEMPLATE_PATH, book)
    before = book.read_bytes()
    for run in (run_report, run_design_report):
        with pytest.raises(BookError, match="the output would replace an input workbook"):
            run(FileBook(book, quiet=True), book)
    fb = FileBook(book, quiet=True)  # the ribbon: one sentence in a message box
    assert design_report_macro(fb, tmp_path / "sub" / ".." / "plant.xlsx") is None
    assert report_macro(fb, book) is None
    assert len(fb.messages) == 2 and all(m.startswith("xlcell: the output would replace an input workbook (")
                                         for m in fb.messages)
    assert book.read_bytes() == before


def test_an_existing_output_is_replaced_atomically(tmp_path, capsys):
    # An existing report is a hard link to a second name: written in place (truncate and rewrite), both names would
    # show the new bytes; replaced with os.replace (a new file moved over the name), the second name keeps the old.
    old = tmp_path / "keep.xlsx"
    old.write_bytes(b"old report")
    out = tmp_path / "report.xlsx"
    os.link(old, out)
    assert main(["report", "--out", str(out)]) == 0
    assert old.read_bytes() == b"old report" and out.read_bytes()[:2] == b"PK"
    book = tmp_path / "book.xlsx"
    shutil.copy(TEMPLATE_PATH, book)
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"old book")
    keep = tmp_path / "keep2.xlsx"
    os.link(other, keep)
    assert main(["run", "rebuild", str(book), "--out", str(other), "--quiet"]) == 0
    assert keep.read_bytes() == b"old book" and other.read_bytes()[:2] == b"PK"
    assert book.read_bytes() == TEMPLATE_PATH.read_bytes()  # the input was only read
