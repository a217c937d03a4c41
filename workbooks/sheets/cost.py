"""The Cost sheet: the cost summary of the Design sheet's cell, a cost-breakdown chart and a tornado.

* A:C — labels beside ``=XLCELL_COST(...)`` spilling (item, value) rows.
* E:G — the cost lines per cell and per kWh (references into the spilled summary) and a native
  bar chart; the capital recovery factor of the Factory sheet's cost of capital (``XLCELL_CRF``).
* E:M (below) — ``=XLCELL_COST_SENSITIVITY(...)`` for ±x % of every input (top 15) and a native
  tornado chart (bars of the change in $/kWh at -x % and +x %).
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.cost import CostMetrics
from xlcell.params import specs
from xlcell.tables import SENSITIVITY_HEADER
from xlcell.units import with_unit

from .. import style
from ..xlsx import spill
from .factory import cost_args

TITLE = "Cost"
HEADER_ROW = 4
LINES_COL = 5  # E
TORNADO_TOP = 15
#: the workbook name of the spilled (item, value) summary of XLCELL_COST (the Dashboard looks values up in it)
RESULTS_NAME = "tbl_cost_results"
_COUNTS = {"cells_per_year", "cells_built_per_year", "line_capacity_cells_yr", "wip_cells", "cell_plant_labor_h_yr",
           "cell_plant_capex_musd", "cell_plant_area_m2", "investment_musd"}

#: the cost lines of the breakdown chart (keys of CostMetrics' display)
LINES = ["materials_usd", "labor_usd", "variable_overhead_usd", "utilities_usd", "depreciation_usd",
         "capital_interest_usd", "maintenance_usd", "gsa_usd", "rnd_usd", "profit_usd", "warranty_usd"]


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Cell cost", "BatPaC 5.0 roll-up of the Design sheet's cell in the Factory sheet's plant, with "
                "the line bottleneck, cost of capital (CRF), utilities and sensitivities.")
    style.legend(ws, 2, LINES_COL)
    metrics = specs(CostMetrics)
    style.header_row(ws, HEADER_ROW, 1, ["Result (unit)", "Item", "Value"])
    row_of = {}
    for i, s in enumerate(metrics):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=1, value=with_unit(s.label, s.unit))
        for j in (2, 3):
            style.style_result(ws.cell(row=r, column=j), s.unit)
        if s.key in _COUNTS:
            ws.cell(row=r, column=3).number_format = "#,##0"
        row_of[s.key] = r
    style.name(wb, RESULTS_NAME, ws, spill(ws, f"B{HEADER_ROW + 1}", f"=XLCELL_COST({ctx.design_name},{cost_args(ctx)})",
                                            len(metrics), 2))
    ctx.notes["cost_rows"] = row_of

    # cost lines per cell and per kWh (plain references into the spilled summary)
    label = {s.key: s.label for s in metrics}
    style.header_row(ws, HEADER_ROW, LINES_COL, ["Cost line", "$ per cell", "$ per kWh"])
    energy = f"C{row_of['cell_energy_Wh']}"
    for i, key in enumerate(LINES):
        r = HEADER_ROW + 1 + i
        ws.cell(row=r, column=LINES_COL, value=label[key])
        style.style_result(ws.cell(row=r, column=LINES_COL + 1, value=f"=C{row_of[key]}"), "$")
        style.style_result(ws.cell(row=r, column=LINES_COL + 2, value=f"=C{row_of[key]}/({energy}/1000)"), "$")
    tot = HEADER_ROW + 1 + len(LINES)
    ws.cell(row=tot, column=LINES_COL, value="Total cell cost").font = style.Font(bold=True)
    style.style_result(ws.cell(row=tot, column=LINES_COL + 1, value=f"=SUM(F{HEADER_ROW + 1}:F{tot - 1})"), "$")
    style.style_result(ws.cell(row=tot, column=LINES_COL + 2, value=f"=SUM(G{HEADER_ROW + 1}:G{tot - 1})"), "$")
    crf_row = tot + 2
    ws.cell(row=crf_row, column=LINES_COL, value="Capital recovery factor (cost_of_capital, equipment_life_yr)")
    style.style_result(ws.cell(row=crf_row, column=LINES_COL + 2, value="=XLCELL_CRF(cost_of_capital,equipment_life_yr)"))
    ctx.notes["cost_lines"] = (HEADER_ROW + 1, tot, crf_row)

    chart = style.bar_chart("Cell cost by line ($/kWh)",
                            Reference(ws, min_col=LINES_COL + 2, min_row=HEADER_ROW, max_row=tot - 1),
                            Reference(ws, min_col=LINES_COL, min_row=HEADER_ROW + 1, max_row=tot - 1))
    ws.add_chart(chart, f"I{HEADER_ROW}")

    # tornado
    top = crf_row + 18
    ws.cell(row=top - 2, column=LINES_COL, value="Sensitivity of $/kWh: each input at -x % and +x % "
            "(yields: ±x % of their loss; potentials: ±50 mV), largest swings first").font = style.SECTION_FONT
    ws.cell(row=top - 1, column=LINES_COL, value="x (fraction)")
    fc = ws.cell(row=top - 1, column=LINES_COL + 1, value=0.1)
    style.style_input(fc, "-")
    style.name(wb, "cost_sensitivity_fraction", ws, fc.coordinate)
    n = TORNADO_TOP + 1
    anchor = f"{style.col_letter(LINES_COL)}{top}"
    spill(ws, anchor, f'=XLCELL_COST_SENSITIVITY({ctx.design_name},cost_sensitivity_fraction,{TORNADO_TOP},'
          f'"cell_cost_usd_per_kWh",{cost_args(ctx)})', n, len(SENSITIVITY_HEADER))
    for i in range(n):
        for j in range(len(SENSITIVITY_HEADER)):
            style.style_result(ws.cell(row=top + i, column=LINES_COL + j))
    ctx.notes["tornado_anchor"] = (top, LINES_COL)
    lo = LINES_COL + SENSITIVITY_HEADER.index("low_change")
    tor = style.bar_chart("Tornado: change of $/kWh at -x % and +x %",
                          Reference(ws, min_col=lo, max_col=lo + 1, min_row=top, max_row=top + TORNADO_TOP),
                          Reference(ws, min_col=LINES_COL + 1, min_row=top + 1, max_row=top + TORNADO_TOP),
                          legend=True, overlap=100, largest_on_top=True, height=11, width=20)
    ws.add_chart(tor, f"{style.col_letter(LINES_COL)}{top + n + 2}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 46, "B": 30, "C": 16, "D": 2, "E": 40, "F": 40, "G": 14, "H": 12, "I": 12, "J": 12,
                      "K": 12, "L": 12, "M": 12})
