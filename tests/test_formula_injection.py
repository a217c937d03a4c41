"""Text stays text (issue 12, item 3): a name or setting typed by a user is written as a string, never as a formula.

openpyxl stores any text that starts with ``=`` as a formula, and Excel reads a text assigned through xlwings
(``Range.Value``) as typed input, where ``=``, ``+``, ``-`` and ``@`` start a formula. The payloads are the usual
spreadsheet-injection probes (OWASP, "CSV injection"). Every check reads the saved file's XML: no ``<f>`` element
holds a payload, and the payload is a cell's string value (shared or inline) exactly as typed.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from xml.etree import ElementTree as ET

import pytest

from app.book import FileBook, XlwingsBook, excel_text
from app.macros import pareto_macro, run_file
from udfs.cell import materials_from_range
from workbooks import TEMPLATE_PATH
from app.report import write_report
from workbooks.sheets import pareto as sheet
from workbooks.xlsx import put_text

pytestmark = pytest.mark.slow  # runs ribbon jobs and reports on workbook copies

PAYLOADS = ['=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1)"]
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sheet_cells(path) -> tuple[list[str], list[str]]:
    """The ``<f>`` texts and the string values (shared strings and inline strings) of every worksheet of ``path``."""
    formulas: list[str] = []
    texts: list[str] = []
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(_NS + "t")) for si in root.iter(_NS + "si")]
        for part in z.namelist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", part):
                continue
            for c in ET.fromstring(z.read(part)).iter(_NS + "c"):
                f = c.find(_NS + "f")
                if f is not None:
                    formulas.append(f.text or "")
                elif c.get("t") == "s":
                    texts.append(shared[int(c.find(_NS + "v").text)])
                elif c.get("t") == "inlineStr":
                    texts.append("".join(t.text or "" for t in c.iter(_NS + "t")))
    return formulas, texts


def _assert_text_not_formula(path, payloads=PAYLOADS, exact=True):
    formulas, texts = _sheet_cells(path)
    for p in payloads:
        body = p[1:] if p.startswith("=") else p  # openpyxl writes a formula without its "="
        assert not [f for f in formulas if body in f], f"{p!r} became a formula in {path.name}"
        p = p.replace("\r", "\n")  # XML reads a raw CR in text as LF (end-of-line handling), Excel too
        if exact:
            assert p in texts, f"{p!r} is not a string cell of {path.name}"
        else:  # echoed in a message
            assert any(p in t for t in texts), f"{p!r} not shown in {path.name}"


def _formula_count(path) -> int:
    return len(_sheet_cells(path)[0])


def _template_copy(path, n_points=5, n_starts=2):
    """The template with a short front (as in test_macros) to keep the suite fast."""
    shutil.copy(TEMPLATE_PATH, path)
    fb = FileBook(path, quiet=True)
    rows = fb.read(sheet.SETTINGS)
    rows[2][1], rows[4][1] = n_points, n_starts  # n_points, n_starts (row 1 of the block is the section heading)
    fb.write(sheet.SETTINGS, rows)
    fb.save()
    return path


def _inject(path, material: str):
    """As a user would: one user-defined material per payload (a copy of NMC811) with ``material`` on the Design
    sheet, and the payloads as the names of the first process steps of the Factory sheet's table."""
    fb = FileBook(path, quiet=True)
    mats = fb.read("tbl_materials")
    nmc = next(r for r in mats if r[0] == "NMC811")
    free = [i for i, r in enumerate(mats) if r[0] is None]
    for i, p in zip(free, PAYLOADS):
        mats[i] = [p, *nmc[1:]]
    fb.write("tbl_materials", mats)
    design = fb.read("tbl_design")
    next(r for r in design if r[0] == "pos_material")[1] = material
    fb.write("tbl_design", design)
    steps = fb.read("tbl_steps")
    for i, p in enumerate(PAYLOADS, start=1):
        steps[i][0] = p
    fb.write("tbl_steps", steps)
    fb.save()
    return path


def test_put_text_writes_a_string_cell_whatever_it_starts_with(tmp_path):
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    ws = wb.active
    for i, p in enumerate(PAYLOADS + ["\t=1+1", "\r=1+1", "'quoted"], start=1):
        put_text(ws.cell(row=i, column=1), p)
    ws["B1"] = "=SUM(1,2)"  # a formula written on purpose stays one
    put_text(ws["B2"], 3.5)  # numbers and blanks pass through
    put_text(ws["B3"], None)
    wb.save(tmp_path / "t.xlsx")
    _assert_text_not_formula(tmp_path / "t.xlsx", PAYLOADS + ["\t=1+1", "\r=1+1", "'quoted"])
    assert _sheet_cells(tmp_path / "t.xlsx")[0] == ["SUM(1,2)"]
    back = load_workbook(tmp_path / "t.xlsx")
    assert [back.active.cell(row=i, column=1).value for i in range(1, 6)] == PAYLOADS
    assert (back.active["B2"].value, back.active["B3"].value) == (3.5, None)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_design_report_shows_a_user_material_name_as_text(tmp_path, payload):
    fb = FileBook(TEMPLATE_PATH, quiet=True)
    mats = fb.read("tbl_materials")
    nmc = next(r for r in mats if r[0] == "NMC811")
    materials = materials_from_range([mats[0], [payload, *nmc[1:]]])
    out = write_report(tmp_path / "r.xlsx", {"pos_material": payload}, materials)
    _assert_text_not_formula(out, [payload])
    assert _formula_count(out) == 0  # a report shows values only


def test_macros_on_a_template_copy_keep_names_as_text(tmp_path):
    book = _inject(_template_copy(tmp_path / "book.xlsx"), PAYLOADS[0])
    template_formulas = _formula_count(TEMPLATE_PATH)
    _assert_text_not_formula(book)  # the user's input itself, as the adapter writes it

    # the optimisation report: the chosen design's material (Settings, Inputs) and the steps (Cost)
    report = run_file("report", book, tmp_path / "pareto_report.xlsx", quiet=True)
    _assert_text_not_formula(report)
    assert _formula_count(report) == 0

    # the macros that write into the book: the names stay text, the template's formulas stay formulas
    run_file("optimize", book, quiet=True)
    run_file("pareto", book, quiet=True)
    _assert_text_not_formula(book)
    assert _formula_count(book) == template_formulas


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_failure_message_that_echoes_input_is_written_as_text(tmp_path, payload):
    # an objective key is free text; the macro's "Failed: ..." status and message repeat it
    book = _template_copy(tmp_path / "book.xlsx")
    fb = FileBook(book, quiet=True)
    rows = fb.read(sheet.OBJECTIVES)
    rows[1][0] = payload
    fb.write(sheet.OBJECTIVES, rows)
    fb.save()
    fb = FileBook(book, quiet=True)
    assert pareto_macro(fb) is None
    assert payload in fb.messages[0]
    fb.save()
    _assert_text_not_formula(book, [payload], exact=False)
    assert _formula_count(book) == _formula_count(TEMPLATE_PATH)


def test_the_status_block_keeps_a_payload_exactly_as_typed(tmp_path):
    # the adapter's own write: a result or message that *is* a payload (no "Failed:" prefix in front of it)
    book = shutil.copy(TEMPLATE_PATH, tmp_path / "book.xlsx")
    fb = FileBook(book, quiet=True)
    fb.write(sheet.CHOSEN, [[p, i] for i, p in enumerate(PAYLOADS)])
    fb.write(sheet.STATUS, [[PAYLOADS[1]]])
    fb.save()
    _assert_text_not_formula(tmp_path / "book.xlsx")
    assert FileBook(book, quiet=True).read(sheet.STATUS) == [[PAYLOADS[1]]]


class _Range:
    def __init__(self):
        self.value = None

    def __getitem__(self, _):
        return self


class _Name:
    def __init__(self):
        self.refers_to_range = _Range()


class _XwBook:
    fullname = ""

    def __init__(self):
        self.names = {sheet.STATUS: _Name()}


def test_excel_gets_an_apostrophe_before_text_it_would_read_as_a_formula():
    # xlwings hands a str to Excel's Range.Value unchanged and Excel parses it as typed: "=..." (and "+", "-", "@")
    # would start a formula. The apostrophe is Excel's text prefix: the cell holds the text without it.
    xb = _XwBook()
    XlwingsBook(xb).write(sheet.STATUS, [[p, 1.0, None, "NMC811", "'quoted"] for p in PAYLOADS + ["\t=1", "\r=1"]])
    got = xb.names[sheet.STATUS].refers_to_range.value
    assert [r[0] for r in got] == ["'" + p for p in PAYLOADS + ["\t=1", "\r=1"]]
    assert all(r[1:] == [1.0, None, "NMC811", "''quoted"] for r in got)
    assert excel_text(-1.0) == -1.0 and excel_text(True) is True
