"""What real Excel needs of every workbook we write: names it will not confuse, charts that pair the right numbers.

Each check is a helper that takes a workbook path, so a new workbook is covered by adding it to :func:`books`:

* :func:`name_problems` — no defined name (or Excel table) is spelled like one of our functions, case-insensitively
  (Excel and LibreOffice bind ``=XLCELL_BOM(...)`` to a name ``xlcell_bom`` and show ``#VALUE!``), looks like a
  cell reference (``AB12``, ``R1C1``), or is not a valid Excel name.
* :func:`chart_series` / :func:`series_problems` — every chart series, read from the saved file's
  ``xl/charts/chart*.xml``: x and y (category and value) cover the same number of cells on the same rows, and a
  series title taken from a cell is the text header directly above the data.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from udfs import udf_functions
from app.book import FileBook
from app.macros import run_file
from app.report import write_report
from workbooks.sheets import pareto as pareto_sheet

pytestmark = pytest.mark.slow  # builds, traces and reopens whole workbooks

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

#: A1-style (column letters then a row number) and R1C1-style (R, C, R2, C3, RC, R1C1) references
_A1 = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1 = re.compile(r"[Rr][0-9]*([Cc][0-9]*)?|[Cc][0-9]*")
#: what Excel accepts as a name: a letter, underscore or backslash, then letters, digits, underscores, dots
_VALID = re.compile(r"[A-Za-z_\\][A-Za-z0-9_.\\]{0,254}")


# ------------------------------------------------------------------------------ the workbooks we write
def _traced_copy(template: Path, path: Path) -> Path:
    """A copy of ``template`` whose Pareto front has been traced (5 points, 2 starts: quick), as the ribbon does."""
    shutil.copy(template, path)
    fb = FileBook(path, quiet=True)
    rows = fb.read(pareto_sheet.SETTINGS)
    rows[2][1], rows[4][1] = 5, 2  # n_points, n_starts (row 0 is the section heading)
    fb.write(pareto_sheet.SETTINGS, rows)
    fb.save()
    run_file("pareto", path, quiet=True)
    return path


@pytest.fixture(scope="module")
def books(fresh_template, tmp_path_factory) -> dict[str, Path]:
    """Every kind of workbook xlcell writes, by name (the design report holds the cost and calendering sections)."""
    out = tmp_path_factory.mktemp("books")
    traced = _traced_copy(fresh_template, out / "traced.xlsx")
    report = write_report(out / "report.xlsx")
    assert {"Cost", "Calendering", "Lifetime", "LCOS"} <= set(load_workbook(report, read_only=True).sheetnames)
    return {
        "template": fresh_template,
        "design report": report,
        "traced template": traced,
        "optimisation report": Path(run_file("report", traced, out / "optimisation.xlsx", quiet=True)),
    }


BOOKS = ["template", "design report", "traced template", "optimisation report"]


# ------------------------------------------------------------------------------ names
def looks_like_a_reference(name: str) -> bool:
    """True for ``AB12``, ``xfd1048576``, ``R``, ``C3``, ``R1C1``: names Excel reads as a cell reference."""
    return bool(_A1.fullmatch(name) or _R1C1.fullmatch(name))


def workbook_names(path: Path) -> list[str]:
    """The workbook's defined names (workbook- and sheet-level) and its Excel tables' names."""
    wb = load_workbook(path)
    names = list(wb.defined_names)
    for ws in wb.worksheets:
        names += list(ws.defined_names) + list(ws.tables)
    return names


def name_problems(path: Path, functions: list[str] | None = None) -> list[str]:
    """Every name of the workbook at ``path`` that Excel would misread, with the reason (empty: all good)."""
    functions = functions if functions is not None else list(udf_functions())
    taken = {f.lower() for f in functions}
    problems, seen = [], set()
    for nm in workbook_names(path):
        if nm.lower() in taken:
            problems.append(f"{nm}: spelled like the function {nm.upper()}")
        if looks_like_a_reference(nm):
            problems.append(f"{nm}: looks like a cell reference")
        if not _VALID.fullmatch(nm):
            problems.append(f"{nm}: not a valid Excel name")
        if nm.lower() in seen:
            problems.append(f"{nm}: defined twice (Excel names ignore case)")
        seen.add(nm.lower())
    return problems


def test_the_name_checks_catch_what_excel_misreads(tmp_path):
    assert looks_like_a_reference("AB12") and looks_like_a_reference("r1c1") and looks_like_a_reference("C")
    assert not looks_like_a_reference("c2c_cells") and not looks_like_a_reference("tbl_design")
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    for nm in ("xlcell_bom", "AB12", "tbl_bom", "TBL_BOM"):
        wb.defined_names[nm] = DefinedName(nm, attr_text="'Sheet'!$A$1")
    wb.save(tmp_path / "bad.xlsx")
    problems = name_problems(tmp_path / "bad.xlsx")
    assert [p.split(":")[0] for p in problems] == ["xlcell_bom", "AB12", "TBL_BOM"]


@pytest.mark.parametrize("book", BOOKS)
def test_no_name_is_spelled_like_a_function_or_a_reference(books, book):
    assert name_problems(books[book]) == []


def test_template_blocks_follow_the_tbl_scheme(fresh_template):
    # a block is tbl_<what>; no name starts with xlcell_, so none can be taken for an XLCELL_* function
    names = workbook_names(fresh_template)
    assert {"tbl_design", "tbl_materials", "tbl_factory", "tbl_bom", "tbl_steps", "tbl_cell_lcos", "tbl_mc_risk",
            "tbl_calendering_materials", pareto_sheet.FRONT} <= set(names)
    assert [nm for nm in names if nm.lower().startswith("xlcell_")] == []
    assert all(f.startswith("XLCELL_") for f in udf_functions())


# ------------------------------------------------------------------------------ charts
@dataclass(frozen=True)
class Ref:
    """A rectangular cell range of a chart formula such as ``'Digital thread'!$K$5:$K$25``."""

    sheet: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @classmethod
    def parse(cls, formula: str) -> "Ref":
        sheet, rng = formula.rsplit("!", 1)
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        return cls(sheet, *range_boundaries(rng.replace("$", "")))

    @property
    def cells(self) -> int:
        return (self.max_col - self.min_col + 1) * (self.max_row - self.min_row + 1)

    @property
    def is_column(self) -> bool:
        return self.min_col == self.max_col

    @property
    def is_row(self) -> bool:
        return self.min_row == self.max_row

    def coordinates(self) -> list[tuple[int, int]]:
        """(row, column) of every cell, row by row."""
        return [(r, c) for r in range(self.min_row, self.max_row + 1) for c in range(self.min_col, self.max_col + 1)]


@dataclass(frozen=True)
class ChartSeries:
    """One ``c:ser`` of a saved chart: its chart's part and title, and the formulas of its name, x and y."""

    part: str
    chart_title: str
    name_ref: str | None  #: c:tx/c:strRef/c:f (a title taken from a cell)
    name_text: str | None  #: c:tx/c:v (a literal title)
    x: str | None  #: c:xVal or c:cat
    y: str | None  #: c:yVal or c:val


def _formula(ser, tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        el = ser.find(C + tag)
        if el is not None:
            f = el.find(f".//{C}f")
            return f.text if f is not None else None
    return None


def chart_series(path: Path) -> list[ChartSeries]:
    """Every series of every chart in the saved workbook at ``path``, parsed from ``xl/charts/chart*.xml``."""
    out = []
    with zipfile.ZipFile(path) as z:
        parts = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart[0-9]+\.xml", n)),
                       key=lambda n: int(re.findall(r"[0-9]+", n)[-1]))
        for part in parts:
            root = ElementTree.fromstring(z.read(part))
            title_el = root.find(f"{C}chart/{C}title")
            title = "".join(t.text or "" for t in title_el.iter(A + "t")) if title_el is not None else ""
            for ser in root.iter(C + "ser"):
                tx = ser.find(C + "tx")
                name_ref = tx.find(f"{C}strRef/{C}f") if tx is not None else None
                name_v = tx.find(C + "v") if tx is not None else None
                out.append(ChartSeries(part, title, name_ref.text if name_ref is not None else None,
                                       name_v.text if name_v is not None else None,
                                       _formula(ser, ("xVal", "cat")), _formula(ser, ("yVal", "val"))))
    return out


def series_problems(path: Path, computed: Mapping[str, Any] | None = None) -> list[str]:
    """What is wrong with the charts of the workbook at ``path`` (empty: every series pairs the right cells).

    ``computed`` (``{"SHEET!A1": value}``, :func:`app.formula_engine.evaluate`) gives the value of a cell that a
    formula fills, such as a header spilled by ``=XLCELL_RATE_CAPABILITY(...)``, which the file leaves blank.
    """
    wb = load_workbook(path)
    problems = []
    for s in chart_series(path):
        where = f"{s.part} ({s.chart_title!r}, series {s.name_ref or s.name_text!r})"
        if s.y is None:
            problems.append(f"{where}: no value reference")
            continue
        y = Ref.parse(s.y)
        if not (y.is_column or y.is_row):
            problems.append(f"{where}: values {s.y} are not one row or one column")
        if s.x is not None:
            x = Ref.parse(s.x)
            if x.cells != y.cells:
                problems.append(f"{where}: x {s.x} has {x.cells} cells, y {s.y} has {y.cells}")
            elif y.cells > 1 and y.is_column and x.is_column and (x.min_row, x.max_row) != (y.min_row, y.max_row):
                problems.append(f"{where}: x {s.x} and y {s.y} are on different rows")
        if s.name_ref is not None:
            n = Ref.parse(s.name_ref)
            above = (n.min_col, n.min_row + 1) == (y.min_col, y.min_row) if y.is_column else \
                (n.min_col + 1, n.min_row) == (y.min_col, y.min_row)
            if n.cells != 1 or n.sheet != y.sheet or not above:
                problems.append(f"{where}: title {s.name_ref} is not the header cell of {s.y}")
            elif not isinstance(_value(wb, n.sheet, n.min_row, n.min_col, computed or {}), str):
                problems.append(f"{where}: title {s.name_ref} is not a text cell")
    return problems


def _value(wb, sheet: str, row: int, col: int, computed: Mapping[str, Any]) -> Any:
    """The cell's value in the file, or the value its formula computes (a blank spilled cell, a formula)."""
    v = wb[sheet].cell(row, col).value
    if v is None or isinstance(v, ArrayFormula) or (isinstance(v, str) and v.startswith("=")):
        return computed.get(f"{sheet.upper()}!{get_column_letter(col)}{row}")
    return v


def test_the_chart_checks_catch_a_header_in_the_values(tmp_path):
    # the Pareto chart's old fault: y starts at the header, so each cost is drawn with the previous point's power
    from openpyxl import Workbook
    from openpyxl.chart import Reference, ScatterChart, Series

    wb = Workbook()
    ws = wb.active
    for row in (["x", "y"], [1, 10], [2, 20]):
        ws.append(row)
    chart = ScatterChart()
    ys, xs = Reference(ws, min_col=2, min_row=1, max_row=3), Reference(ws, min_col=1, min_row=2, max_row=3)
    chart.series.append(Series(ys, xs, title="Front"))
    ws.add_chart(chart, "D1")
    wb.save(tmp_path / "bad.xlsx")
    (s,) = chart_series(tmp_path / "bad.xlsx")
    assert (s.x, s.y, s.name_text) == ("'Sheet'!$A$2:$A$3", "'Sheet'!$B$1:$B$3", "Front")
    assert series_problems(tmp_path / "bad.xlsx") == [
        "xl/charts/chart1.xml ('', series 'Front'): x 'Sheet'!$A$2:$A$3 has 2 cells, y 'Sheet'!$B$1:$B$3 has 3"]


def test_scatter_chart_refuses_x_and_y_of_different_lengths():
    from openpyxl import Workbook
    from openpyxl.chart import Reference

    from workbooks import style

    ws = Workbook().active
    xs = Reference(ws, min_col=1, min_row=2, max_row=3)
    with pytest.raises(ValueError, match="lengths differ"):  # a header in y with a text title
        style.scatter_chart("t", "x", "y", [(Reference(ws, min_col=2, min_row=1, max_row=3), xs, "Front")])
    chart = style.scatter_chart("t", "x", "y", [(Reference(ws, min_col=2, min_row=1, max_row=3), xs, None)])
    (s,) = chart.series  # a None title: the header is the series name by reference, the values start below it
    assert (s.tx.strRef.f, s.yVal.numRef.f, s.xVal.numRef.f) == ("'Sheet'!B1", "'Sheet'!$B$2:$B$3", "'Sheet'!$A$2:$A$3")


@pytest.mark.parametrize("book", BOOKS)
def test_every_chart_pairs_x_and_y_cell_for_cell(books, template_values, book):
    # the traced template's formulas are the template's (only the Pareto sheet's values change), so its spilled
    # headers are the template's computed ones; the reports hold values only
    assert chart_series(books[book])  # every workbook we write has charts
    assert series_problems(books[book], template_values if "template" in book else None) == []


def test_the_template_has_every_chart_checked(fresh_template):
    titles = {s.chart_title for s in chart_series(fresh_template)}
    assert {"Pareto front", "Cell cost by line ($/kWh)", "Rate capability"} <= titles
    assert len({s.part for s in chart_series(fresh_template)}) >= 17  # every sheet's charts, the Dashboard's too


def _values(wb, ref: Ref) -> list:
    return [wb[ref.sheet].cell(r, c).value for r, c in ref.coordinates()]


@pytest.mark.parametrize("book", ["traced template", "optimisation report"])
def test_the_chosen_design_marker_sits_on_the_front(books, book):
    # the red diamond's x and y cells hold the cost and power of one row of the front table: the row flagged chosen
    wb = load_workbook(books[book])
    front, marker = [s for s in chart_series(books[book]) if s.chart_title == "Pareto front"]
    assert (front.name_text, marker.name_text) == ("Front", "Chosen design")
    fx, fy, mx, my = (Ref.parse(f) for f in (front.x, front.y, marker.x, marker.y))
    assert mx.cells == my.cells == 1
    (x0,), (y0,) = _values(wb, mx), _values(wb, my)
    rows = [(r, x, y) for (r, _), x, y in zip(fx.coordinates(), _values(wb, fx), _values(wb, fy)) if x is not None]
    assert len(rows) >= 2 and all(y is not None for _, _, y in rows)
    hits = [r for r, x, y in rows if x == pytest.approx(x0, rel=1e-12) and y == pytest.approx(y0, rel=1e-12)]
    assert len(hits) == 1, (x0, y0, rows)
    header = {wb[fx.sheet].cell(fx.min_row - 1, c).value: c for c in range(1, wb[fx.sheet].max_column + 1)}
    assert wb[fx.sheet].cell(hits[0], header["chosen"]).value is True
    assert wb[fx.sheet].cell(fx.min_row - 1, fx.min_col).value == "cell_cost_usd_per_kWh"
    assert wb[fy.sheet].cell(fy.min_row - 1, fy.min_col).value == "specific_power_W_kg"
