"""The LCOS sheet: levelised cost of storage, project (Schmidt et al. 2019) and cell level (the seed).

Layout:

* A:F — project inputs generated from :class:`xlcell.lcos.LcosInputs` (named range
  ``tbl_lcos_params``), then the cell-level inputs (BOM, manufacturing, O&M, residual value,
  efficiency; energy from the Design sheet and cycle life from the Lifetime sheet), and below them
  ``XLCELL_CELL_LCOS``, the same LCOS with C_BOM and C_mfg from the cost model.
* H:K — ``XLCELL_LCOS`` spilled twice: with the fixed annual degradation, and with the state of
  health per year from the life model at the plant's cycles per year and the Lifetime sheet's duty (column V,
  ``XLCELL_LIFE_SOH_BY_YEAR`` over the longest allowed lifetime, :data:`xlcell.degradation.MAX_YEARS` years); a
  cost-component chart.
* Below — the yearly cash-flow table ``XLCELL_LCOS_CASHFLOW``.
"""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.workbook.workbook import Workbook

from xlcell.degradation import MAX_YEARS
from xlcell.lcos import LcosInputs
from xlcell.params import specs, to_display

from .. import style
from ..xlsx import spill

TITLE = "LCOS"
HEADER_ROW = 4
RESULTS_COL = 8  # H
SOH_COL = 22  # V, right of the cash-flow table
SOH_YEARS = MAX_YEARS  #: years of state of health computed (life model): the longest lifetime_years allowed, so any lifetime is covered
LCOS_ITEMS = 9  #: rows of XLCELL_LCOS
CASHFLOW_COLS = 13
CELL_LCOS_ITEMS = 5  #: rows of XLCELL_CELL_LCOS
#: the workbook name of the spilled (item, value) rows of XLCELL_CELL_LCOS (the Dashboard looks values up in it)
CELL_LCOS_NAME = "tbl_cell_lcos"

#: cell-level inputs: (label, key, value or formula, unit, note)
CELL_INPUTS = [
    ("Bill of materials per cell", "cell_c_bom_usd", 50.0, "$", "BOM cost of one cell"),
    ("Manufacturing cost per cell", "cell_c_mfg_usd", 20.0, "$", "conversion cost of one cell"),
    ("O&M cost over the life", "cell_c_om_usd", 0.0, "$", ""),
    ("Residual value at end of life", "cell_residual_usd", 5.0, "$", ""),
    ("Round-trip efficiency", "cell_efficiency", 0.95, "-", "0 < η <= 1"),
    ("Usable energy per cycle", "cell_energy_kWh", '=XLCELL_CELL_VALUE(tbl_design,"energy_Wh",tbl_materials)/1000', "kWh",
     "from the Design sheet"),
    ("Cycle life", "cell_cycles", "=cycle_life", "-", "from the Lifetime sheet (life model at the duty)"),
]


def _rows() -> list[style.ParamRow]:
    shown = to_display(LcosInputs())
    rows = [style.ParamRow("Project (Schmidt et al. 2019)")]
    for s in specs(LcosInputs):
        v = float(f"{float(shown[s.key]):.12g}")
        rows.append(style.ParamRow(s.label, s.key, int(v) if s.key == "lifetime_years" else v, s.unit, s, s.doc or ""))
    return rows


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Levelised cost of storage",
                "LCOS = [CAPEX + Σ (O&M + charging)/(1+r)^n + EoL/(1+r)^(N+1)] / Σ E_out/(1+r)^n  (Schmidt et al. 2019, Joule 3, 81)")
    style.legend(ws, 2, RESULTS_COL)
    rows = _rows()
    first, last = style.param_rows(wb, ws, HEADER_ROW, rows, names=False)
    style.name(wb, ctx.lcos_params_name, ws, f"B{first + 1}:C{last}")
    addr = {pr.key: f"$C${first + i}" for i, pr in enumerate(rows) if pr.key}

    cell_first = last + 2
    cell_rows = [style.ParamRow("Cell level (the seed's LCOS)")] + [
        style.ParamRow(lbl, key, v, unit, note=note) for lbl, key, v, unit, note in CELL_INPUTS]
    _, cl = style.param_rows(wb, ws, cell_first, cell_rows)
    r = cl + 1
    ws.cell(row=r, column=1, value="Cell LCOS = (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc)").font = style.SECTION_FONT
    c = ws.cell(row=r, column=3, value="=XLCELL_LCOS_SIMPLE(cell_c_bom_usd,cell_c_mfg_usd,cell_c_om_usd,cell_residual_usd,"
                                       "cell_efficiency,cell_energy_kWh,cell_cycles)")
    style.style_result(c, "-")
    ws.cell(row=r, column=4, value="$/kWh")
    style.name(wb, "cell_lcos_usd_kWh", ws, f"C{r}")
    r += 2
    ws.cell(row=r, column=1, value="Cell LCOS with every term from a model (cost: C_BOM, C_mfg; cell: E_u; life model: N_cyc)"
            ).font = style.SECTION_FONT
    cell_lcos_ref = spill(ws, f"A{r + 1}", f"=XLCELL_CELL_LCOS({ctx.design_name},life_cycles_per_year,life_eol_soh,cell_efficiency,"
          f"cell_c_om_usd,cell_residual_usd,{ctx.sei_params_name},{ctx.materials_name})", CELL_LCOS_ITEMS, 2)
    for i in range(CELL_LCOS_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=r + 1 + i, column=1 + j))
    style.name(wb, CELL_LCOS_NAME, ws, cell_lcos_ref)
    ctx.notes["cell_lcos_row"] = r + 1

    # results: fixed degradation, the life model's degradation
    p = ctx.lcos_params_name
    style.header_row(ws, HEADER_ROW, RESULTS_COL, ["Item (fixed degradation)", "Value", "Item (life model SOH)", "Value"])
    top = HEADER_ROW + 1
    soh_top = top
    soh_ref = f"{style.col_letter(SOH_COL)}{soh_top}:{style.col_letter(SOH_COL)}{soh_top + SOH_YEARS - 1}"
    spill(ws, f"{style.col_letter(RESULTS_COL)}{top}", f"=XLCELL_LCOS({p})", LCOS_ITEMS, 2)
    spill(ws, f"{style.col_letter(RESULTS_COL + 2)}{top}", f"=XLCELL_LCOS({p},{soh_ref})", LCOS_ITEMS, 2)
    for i in range(LCOS_ITEMS):
        for j in range(4):
            style.style_result(ws.cell(row=top + i, column=RESULTS_COL + j))
    style.header_row(ws, HEADER_ROW, SOH_COL, ["SOH by year (life model)"])
    spill(ws, f"{style.col_letter(SOH_COL)}{soh_top}",
          f"=XLCELL_LIFE_SOH_BY_YEAR({ctx.design_name},{SOH_YEARS},{addr['cycles_per_year']},{ctx.duty_name},"
          f"{ctx.life_params_name},{ctx.materials_name})",
          SOH_YEARS, 1)
    for i in range(SOH_YEARS):
        style.style_result(ws.cell(row=soh_top + i, column=SOH_COL))

    chart = BarChart()
    chart.type = "col"
    chart.title = "LCOS by cost component ($/MWh)"
    chart.y_axis.title = "$/MWh discharged"
    for col, label in ((RESULTS_COL + 1, "Fixed degradation"), (RESULTS_COL + 3, "Life model")):
        chart.series.append(Series(Reference(ws, min_col=col, min_row=top + 1, max_row=top + 4), title=label))
    chart.set_categories(Reference(ws, min_col=RESULTS_COL, min_row=top + 1, max_row=top + 4))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, 15
    ws.add_chart(chart, f"{style.col_letter(RESULTS_COL)}{top + LCOS_ITEMS + 2}")

    # yearly cash flow
    cf_top = top + LCOS_ITEMS + 19
    ws.cell(row=cf_top - 1, column=RESULTS_COL, value="Yearly cash flow (fixed degradation)").font = style.SECTION_FONT
    n_rows = int(LcosInputs().lifetime_years) + 3
    spill(ws, f"{style.col_letter(RESULTS_COL)}{cf_top}", f"=XLCELL_LCOS_CASHFLOW({p})", n_rows, CASHFLOW_COLS)
    for i in range(n_rows):
        for j in range(CASHFLOW_COLS):
            style.style_result(ws.cell(row=cf_top + i, column=RESULTS_COL + j))
            ws.cell(row=cf_top + i, column=RESULTS_COL + j).number_format = "#,##0.000" if j in (1, 10) else "#,##0"

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 40, "B": 26, "C": 14, "D": 9, "E": 14, "F": 44, "G": 2, "H": 22, "I": 14, "J": 22, "K": 14,
                      "L": 14, "M": 16, "N": 14, "O": 14, "P": 14, "Q": 14, "R": 14, "S": 14, "T": 14, "U": 2, "V": 16})
