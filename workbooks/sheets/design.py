"""The Design sheet: the design vector as labelled inputs, and the cell metrics computed by the UDFs.

Layout (generated from :func:`xlcell.design.design_keys` and :class:`xlcell.cell.CellMetrics`):

* A:F — Parameter | Key | Value | Unit | Library / derived | Allowed. The (Key, Value) columns are the
  named range ``tbl_design`` that every UDF call takes; each value cell is also named by its key.
* H:J — the results: labels, then ``=XLCELL_CELL(tbl_design, tbl_materials)`` spilling
  (metric, value) rows.
* L:N — rate capability: C-rates (inputs) and ``XLCELL_RATE_CAPABILITY`` spilling below them,
  with a native scatter chart.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.cell import CellMetrics
from xlcell.design import design_keys
from xlcell.params import specs
from xlcell.units import with_unit

from .. import style
from ..xlsx import spill
from . import materials

TITLE = "Design"
HEADER_ROW = 4
RESULTS_COL = 8  # H
RATE_COL = 12  # L
#: the workbook name of the spilled (metric, value) results of XLCELL_CELL (the Dashboard looks values up in it)
RESULTS_NAME = "tbl_cell_results"
C_RATES = [0.1, 0.2, 0.33, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0]

_SECTIONS = {"pos": "Positive electrode", "neg": "Negative electrode", "sep": "Separator"}


def material_names_ref() -> str:
    """The name column of the Materials sheet's table (library rows and the rows for user materials)."""
    first = materials.HEADER_ROW + 1
    last = materials.HEADER_ROW + materials.table_rows() - 1
    return f"'{materials.TITLE}'!$A${first}:$A${last}"


def _rows(ctx) -> list[style.ParamRow]:
    keys = design_keys()
    rows: list[style.ParamRow] = [style.ParamRow("Active materials")]
    for k in keys[:2]:
        role = "positive" if k.part == "pos" else "negative"
        rows.append(style.ParamRow(k.label, k.key, k.default, "text",
                                   note=f"a {role} material of the Materials sheet (library or added there)",
                                   choices_ref=material_names_ref()))  # OOXML formulas carry no "="
    current = None
    for k in keys[2:]:
        section = _SECTIONS.get(k.part) or k.spec.group
        if k.spec.advanced:
            section += " (advanced)"
        if section != current:
            rows.append(style.ParamRow(section))
            current = section
        side = None
        note = ""
        if k.spec.from_material:
            side = f'=XLCELL_MATERIAL({k.part}_material,"{k.spec.key}",{ctx.materials_name})'
            note = "blank = library value (column E); " + k.spec.allowed()
        elif k.key == "neg_thickness_um":
            side = f'=XLCELL_CELL_VALUE({ctx.design_name},"neg_thickness_um",{ctx.materials_name})'
            note = "blank = from np_ratio (column E); give np_ratio or this, not both"
        elif k.key == "avg_voltage_V":
            side = f'=XLCELL_CELL_VALUE({ctx.design_name},"avg_voltage_V",{ctx.materials_name})'
            note = "blank = positive minus negative mean potential (column E)"
        label = k.label if k.part == "cell" or k.spec.group == "Separator" else k.spec.label
        rows.append(style.ParamRow(label, k.key, k.default, k.spec.unit, k.spec, note, side_formula=side))
    return rows


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Cell design", "Inputs in yellow (blank = default shown in column E or the library value); "
                "results in green are computed by the xlcell add-in functions.")
    style.legend(ws, 2, RESULTS_COL)
    rows = _rows(ctx)
    first, last = style.param_rows(wb, ws, HEADER_ROW, rows)
    style.name(wb, ctx.design_name, ws, f"B{first}:C{last}")

    # results: static labels beside the spilled (metric, value) table
    metrics = specs(CellMetrics)
    style.header_row(ws, HEADER_ROW, RESULTS_COL, ["Result (unit)", "Metric", "Value"])
    for i, s in enumerate(metrics):
        ws.cell(row=HEADER_ROW + 1 + i, column=RESULTS_COL, value=with_unit(s.label, s.unit))
        for j in (1, 2):
            style.style_result(ws.cell(row=HEADER_ROW + 1 + i, column=RESULTS_COL + j), s.unit)
    anchor = f"{style.col_letter(RESULTS_COL + 1)}{HEADER_ROW + 1}"
    # the BOM sheet's cell-format rows: the cell's energy, mass and volume are the Cost sheet's (one chain, issue 17)
    style.name(wb, RESULTS_NAME, ws, spill(ws, anchor, f"=XLCELL_CELL({ctx.design_name},{ctx.materials_name},{ctx.bom_name})",
                                           len(metrics), 2))
    ctx.notes["results_anchor"] = anchor

    # rate capability: C-rates in, spilled table out, native chart
    rc = style.col_letter(RATE_COL)
    style.header_row(ws, HEADER_ROW, RATE_COL, ["C-rate (1/h)"])
    for i, c in enumerate(C_RATES):
        style.style_input(ws.cell(row=HEADER_ROW + 1 + i, column=RATE_COL, value=c), "-")
    top = HEADER_ROW + len(C_RATES) + 3
    ws.cell(row=top - 1, column=RATE_COL, value="Rate capability (usable capacity vs C-rate)").font = style.SECTION_FONT
    crange = f"{rc}{HEADER_ROW + 1}:{rc}{HEADER_ROW + len(C_RATES)}"
    spill(ws, f"{rc}{top}", f"=XLCELL_RATE_CAPABILITY({ctx.design_name},{crange},{ctx.materials_name})",
          len(C_RATES) + 1, 3)
    for i in range(len(C_RATES) + 1):
        for j in range(3):
            style.style_result(ws.cell(row=top + i, column=RATE_COL + j))

    # straight segments between the computed points (as the report's curve): a smoothed line bumps between them
    xs = Reference(ws, min_col=RATE_COL, min_row=top + 1, max_row=top + len(C_RATES))
    ys = Reference(ws, min_col=RATE_COL + 1, min_row=top, max_row=top + len(C_RATES))
    chart = style.scatter_chart("Rate capability", "C-rate (1/h)", "Usable capacity fraction (-)", [(ys, xs, None)],
                                y_min=0, y_max=1.05, height=7.5, width=13, lines=True)
    chart.legend = None
    ws.add_chart(chart, f"{rc}{top + len(C_RATES) + 3}")

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 38, "B": 30, "C": 12, "D": 9, "E": 14, "F": 44, "G": 2, "H": 44, "I": 30, "J": 14,
                      "K": 2, "L": 13, "M": 16, "N": 19})
