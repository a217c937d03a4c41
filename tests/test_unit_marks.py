"""A dimensionless quantity shows one mark, "-", wherever a workbook shows its unit (xlcell.units.unit_mark).

The template and the reports showed a porosity, a fraction or the N/P ratio with "-" in one Unit column, a blank one
in another (the report's Metrics and Cost sheets) and no mark at all in a "label (unit)" header (the Design sheet's
results, the thickness and cash-flow tables). Every Unit column and every header built from a quantity's label now
carries the mark from one function.
"""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest
from openpyxl import load_workbook

import xlcell
from workbooks import style
from xlcell.params import specs
from xlcell.units import UNITS, unit_mark, with_unit


def test_unit_mark_and_with_unit():
    assert unit_mark("-") == "-"
    assert unit_mark("%") == "%"  # a share shown in percent keeps its unit
    assert unit_mark("bool") == "TRUE/FALSE"  # what Excel shows for a flag
    assert unit_mark("µm") == "µm" and unit_mark("cycles") == "cycles"  # a sheet's own count unit shows as it is
    assert with_unit("N/P ratio", "-") == "N/P ratio (-)"
    assert with_unit("Coating thickness", "µm") == "Coating thickness (µm)"
    assert with_unit("Feasible", "bool") == "Feasible (TRUE/FALSE)"
    assert with_unit("Bottleneck step", "text") == "Bottleneck step"  # a name is no quantity
    assert all(unit_mark(u) for u in UNITS)


def _dimensionless_labels() -> set[str]:
    """Labels of every dimensionless or flag quantity of the package's parameter and result dataclasses."""
    out = set()
    for mod in pkgutil.iter_modules(xlcell.__path__):
        m = importlib.import_module(f"xlcell.{mod.name}")
        for obj in vars(m).values():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == m.__name__:
                out |= {s.label for s in specs(obj) if s.unit in ("-", "bool")}
    return out


def unmarked(path) -> list[str]:
    """Where a workbook shows a quantity without its unit mark: a blank cell in a Unit column beside a labelled value,
    or a header (or a row of a "Result (unit)" column) that is the bare label of a dimensionless quantity."""
    bare = _dimensionless_labels()
    wb = load_workbook(path)
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for h in row:
                if h.value == "Unit" and h.fill.fgColor.rgb.endswith(style.NAVY):
                    first = h.column  # the table's label column: the start of its header block
                    while first > 1 and ws.cell(h.row, first - 1).fill.fgColor.rgb.endswith(style.NAVY):
                        first -= 1
                    r = h.row + 1
                    while ws.cell(r, first).value not in (None, ""):
                        label, unit = ws.cell(r, first), ws.cell(r, h.column)
                        section = label.fill.fgColor.rgb.endswith(style.SECTION_FILL.fgColor.rgb[-6:])
                        note = bool(label.font.i)  # a note written under the table's rows
                        values = [ws.cell(r, k).value for k in range(first + 1, h.column)]
                        if not section and not note and unit.value in (None, "") and any(
                                v not in (None, "") for v in values):
                            bad.append(f"{ws.title}!{unit.coordinate} (unit of {label.value!r}) is blank")
                        r += 1
                results = isinstance(h.value, str) and h.value == "Result (unit)"
                if results:
                    r = h.row + 1
                    while ws.cell(r, h.column).value not in (None, ""):
                        if ws.cell(r, h.column).value in bare:
                            bad.append(f"{ws.title}!{ws.cell(r, h.column).coordinate} {ws.cell(r, h.column).value!r}")
                        r += 1
                if h.fill.fgColor.rgb.endswith(style.NAVY) and h.value in bare:
                    bad.append(f"{ws.title}!{h.coordinate} header {h.value!r} has no unit mark")
    return bad


@pytest.mark.slow
def test_every_unit_of_the_template_is_marked(fresh_template):
    assert unmarked(fresh_template) == []


@pytest.mark.slow
def test_every_unit_of_the_reports_is_marked(tmp_path):
    from app.macros import run_file
    from app.report import write_report
    from workbooks import TEMPLATE_PATH

    bad = unmarked(write_report(tmp_path / "report.xlsx"))
    bad += unmarked(run_file("report", TEMPLATE_PATH, tmp_path / "pareto_report.xlsx", quiet=True))
    assert bad == []
