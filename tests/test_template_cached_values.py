"""The template opens with numbers: every formula cell carries its cached result, computed by the formula engine
with our UDFs bound, so a spreadsheet program without Python (LibreOffice, Excel without the add-in, a previewer)
shows BatPaC's default cell instead of blanks or #NAME?."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile

import pytest
from batpac_mode import default_cost
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from workbooks.sheets import dashboard
from xlcell.cost import evaluate_cost
from xlcell.design import design_from_mapping

pytestmark = pytest.mark.slow  # computes the template with the formula engine; opens it in LibreOffice

# an Excel error value, or the text our UDFs return for a bad input (#XLCELL! pos_porosity = 1.2: ...)
ERROR = re.compile(r"^(#NULL!|#DIV/0!|#VALUE!|#REF!|#NAME\?|#NUM!|#N/A|#SPILL!|#CALC!|#XLCELL!|Err:\d+)")


@pytest.fixture(scope="module")
def books(fresh_template):
    return load_workbook(fresh_template), load_workbook(fresh_template, data_only=True)


def _formula_cells(wb):
    """``(sheet title, coordinate, in a spilled array)`` of every formula cell and every cell of a spill range."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, ArrayFormula):
                    c0, r0, c1, r1 = range_boundaries(v.ref)
                    for r in range(r0, r1 + 1):
                        for cc in range(c0, c1 + 1):
                            yield ws.title, ws.cell(r, cc).coordinate, True
                elif isinstance(v, str) and v.startswith("="):
                    yield ws.title, c.coordinate, False


def test_every_formula_cell_has_a_cached_value(books, template_values):
    formulas, cached = books
    cells = list(_formula_cells(formulas))
    assert len(cells) > 26_000  # the Monte Carlo samples alone spill 2001 rows x (9 + 4) columns
    # an empty text inside a spilled table is left a blank cell
    missing = [(t, a) for t, a, spilled in cells if cached[t][a].value is None
               and not (spilled and template_values[f"{t.upper()}!{a}"] == "")]
    assert not missing, missing[:10]


def test_cached_values_are_the_engines_results(books, template_values):
    _, cached = books
    for title, addr, _ in _formula_cells(books[0]):
        got, want = cached[title][addr].value, template_values[f"{title.upper()}!{addr}"]
        if want == "" and got is None:
            continue
        if isinstance(want, float) and not isinstance(want, bool):
            assert got == pytest.approx(want, rel=1e-14, abs=1e-300), (title, addr)  # 15 significant digits
        else:
            assert got == want, (title, addr)


def test_dashboard_caches_the_batpac_default_cell(books):
    _, cached = books
    rows = dashboard.headline_rows()
    ws = cached[dashboard.TITLE]
    c = evaluate_cost(design_from_mapping({})).as_display()
    # BatPaC 5.0 default cell, shared/reference/batpac5.md §6.3: $19.754802 per cell, $79.0192/kWh
    # (plus the electricity xlcell charges by default)
    cell, per_kwh = default_cost()
    assert ws[f"B{rows['cell_cost_usd']}"].value == pytest.approx(cell, abs=1e-6)
    assert ws[f"B{rows['cell_cost_usd_per_kWh']}"].value == pytest.approx(per_kwh, rel=1e-7)
    assert ws[f"B{rows['cell_cost_usd_per_kWh']}"].value == pytest.approx(float(c["cell_cost_usd_per_kWh"]), rel=1e-12)
    assert ws[f"B{rows['feasible']}"].value == "yes"
    assert ws[f"B{rows['bottleneck_step']}"].value == str(c["bottleneck_step"])


def test_no_cached_result_is_an_error(books):
    # the default inputs are all valid: no cell of the template should open with an error
    formulas, cached = books
    errors = [(t, a, cached[t][a].value) for t, a, _ in _formula_cells(formulas)
              if isinstance(cached[t][a].value, str) and ERROR.match(cached[t][a].value)]
    assert not errors, errors[:10]


def test_cached_values_are_typed_as_excel_writes_them(fresh_template):
    with zipfile.ZipFile(fresh_template) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()  # the Dashboard
        wbxml = z.read("xl/workbook.xml").decode()
    # text results t="str", numbers plain; the spilled anchor keeps its formula and the top-left value
    assert re.search(r'<c r="B11"[^>]* t="str"><f>[^<]+</f><v>yes</v></c>', xml)
    cell = f"{default_cost()[0]:.12f}"[:-1].replace(".", "\\.")  # BatPaC's 19.754801500570 + the electricity
    assert re.search(r'<c r="B13" s="\d+"><f>[^<]+</f><v>' + cell + r'\d*</v></c>', xml)
    with zipfile.ZipFile(fresh_template) as z:
        design = z.read("xl/worksheets/sheet3.xml").decode()
    assert re.search(r'<c r="I5" cm="1" s="\d+" t="str"><f t="array" ref="I5:J\d+">XLCELL_CELL\([^<]+</f>'
                     r'<v>pos_areal_capacity_mAh_cm2</v></c><c r="J5" s="\d+"><v>8\.069\d+</v></c>', design)
    # Excel shows the cached values on open: a current calculation engine id and no forced full recalculation
    (calc,) = re.findall(r"<calcPr\b[^>]*/>", wbxml)
    assert 'calcId="191029"' in calc and "fullCalcOnLoad" not in calc


# --------------------------------------------------------------------------------------------- LibreOffice
_SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def libreoffice_csv(fresh_template, tmp_path_factory):
    """Every sheet of the template as LibreOffice shows it with no Python at all: ``{title: rows of text}``.

    A fresh user profile, so LibreOffice's defaults apply (for Excel 2007+ files: never recalculate on load)."""
    if not _SOFFICE:
        pytest.skip("LibreOffice (soffice) not installed: bash scripts/install_libreoffice.sh")
    tmp = tmp_path_factory.mktemp("lo")
    book = tmp / "xlcell_template.xlsx"
    shutil.copyfile(fresh_template, book)
    # CSV filter options: comma, double quote, UTF-8, ..., last token -1 = one file per sheet (<name>-<sheet>.csv)
    subprocess.run([_SOFFICE, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(tmp / "out"), str(book)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    out = {}
    for f in (tmp / "out").glob("xlcell_template-*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            out[f.stem.split("-", 1)[1]] = list(csv.reader(fh))
    return out


def _shown(sheets, title, addr):
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    col, row = coordinate_from_string(addr)
    rows = sheets[title]
    line = rows[row - 1] if row <= len(rows) else []
    c = column_index_from_string(col)
    return line[c - 1] if c <= len(line) else ""


def test_libreoffice_shows_the_dashboard_numbers_without_python(libreoffice_csv):
    rows = dashboard.headline_rows()
    shown = {key: _shown(libreoffice_csv, dashboard.TITLE, f"B{r}") for key, r in rows.items()}
    assert not [v for v in shown.values() if ERROR.match(v) or not v], shown
    cell, per_kwh = default_cost()
    assert float(shown["cell_cost_usd"]) == pytest.approx(cell, abs=1e-6)
    assert float(shown["cell_cost_usd_per_kWh"]) == pytest.approx(per_kwh, rel=1e-7)
    assert shown["feasible"] == "yes"


def test_libreoffice_shows_every_plain_formula_cell_without_python(libreoffice_csv, books):
    # LibreOffice 25.2 keeps the cached result of every ordinary formula cell. It does recompute array
    # (spilled) formulas on load whatever their cached values, so without Python the spilled XLCELL_* tables
    # show #NAME? there (see docs/excel.md, "Using xlcell in Excel"); the cells that look results up in them do not.
    # It also applies only number and text results: a boolean result (t="b", Lifetime's XLCELL_WANG_IN_RANGE)
    # is recomputed too.
    formulas, cached = books
    checked = 0
    for title, addr, spilled in _formula_cells(formulas):
        if spilled or isinstance(cached[title][addr].value, bool):
            continue
        text = _shown(libreoffice_csv, title, addr)
        assert not ERROR.match(text) and text != "", (title, addr, text, cached[title][addr].value)
        checked += 1
    assert checked > 150


