"""The LCOS sheet: levelised cost of storage, project (Schmidt et al. 2019) and cell level.

Layout:

* A:F — project inputs generated from :class:`xlcell.lcos.LcosInputs` (named range
  ``tbl_lcos_params``); then the **cell LCOS at the duty**, every term from the models: the duty is the
  Lifetime sheet's (``tbl_duty``: blank C-rate and temperature are the Design sheet's) with its life-model
  parameters (``tbl_life_params``), then O&M and residual value per cell, and ``XLCELL_CELL_LCOS`` spilled below them
  (``tbl_cell_lcos``, the one cell LCOS the Dashboard shows); then a **what-if** of the seed's
  formula with typed terms (``XLCELL_LCOS_SIMPLE``), each term pre-filled with the model's so that it
  equals the model until a term is overwritten.
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
from xlcell.tables import CELL_LCOS_ROWS

from .. import style
from ..xlsx import spill

TITLE = "LCOS"
HEADER_ROW = 4
RESULTS_COL = 8  # H
SOH_COL = 22  # V, right of the cash-flow table
SOH_YEARS = MAX_YEARS  #: years of state of health computed (life model): the longest lifetime_years allowed, so any lifetime is covered
LCOS_ITEMS = 9  #: rows of XLCELL_LCOS
CASHFLOW_COLS = 13
CELL_LCOS_ITEMS = len(CELL_LCOS_ROWS)  #: rows of XLCELL_CELL_LCOS
#: the workbook name of the spilled (item, value) rows of XLCELL_CELL_LCOS (the Dashboard looks values up in it)
CELL_LCOS_NAME = "tbl_cell_lcos"
#: per-cell cost inputs of the cell LCOS: (label, key, value, unit, note)
CELL_INPUTS = [
    ("O&M cost over the life", "cell_c_om_usd", 0.0, "$", "per cell"),
    ("Residual value at end of life", "cell_residual_usd", 0.0, "$", "per cell"),
]


#: the project input whose value is the Pack sheet's battery-system cost per kWh
CAPEX_KEY = "capex_energy_usd_kWh"
CAPEX_FORMULA = '=VLOOKUP("battery_system_cost_usd_per_kWh",tbl_pack_results,2,FALSE)'
CAPEX_NOTE = ("the Pack sheet's battery system per kWh (xlcell.lcos.lcos_inputs_from_pack): the Design sheet's cell "
              "-> pack $/kWh -> LCOS; type a number to override")


def _model(key: str) -> str:
    return f'VLOOKUP("{key}",{CELL_LCOS_NAME},2,FALSE)'


#: the what-if's typed terms, pre-filled with the model's: (label, key, formula, unit, note)
WHATIF_INPUTS = [
    ("Bill of materials per cell C_BOM", "whatif_c_bom_usd", f"={_model('c_bom_usd')}", "$", "the cost model's; overwrite"),
    ("Manufacturing cost per cell C_mfg", "whatif_c_mfg_usd", f"={_model('c_mfg_usd')}", "$", "the cost model's; overwrite"),
    ("O&M cost over the life C_O&M", "whatif_c_om_usd", "=cell_c_om_usd", "$", "overwrite"),
    ("Residual value at end of life RV", "whatif_residual_usd", "=cell_residual_usd", "$", "overwrite"),
    ("Efficiency η applied to E_u", "whatif_efficiency", 1.0, "-",
     "1: E_u is delivered already (the loss on discharge is in it)"),
    ("Energy delivered per equivalent full cycle E_u", "whatif_energy_kWh",
     f"={_model('lifetime_energy_kWh')}/{_model('cycle_life')}", "kWh", "the models' at the duty; overwrite"),
    ("Cycle life N_cyc", "whatif_cycles", f"={_model('cycle_life')}", "-", "the lifetime model's; overwrite"),
]


def _rows() -> list[style.ParamRow]:
    shown = to_display(LcosInputs())
    rows = [style.ParamRow("Project (Schmidt et al. 2019)")]
    for s in specs(LcosInputs):
        v = float(f"{float(shown[s.key]):.12g}")
        if s.key == CAPEX_KEY:  # the energy capex is the pack model's (one chain: cell design -> pack $/kWh -> LCOS)
            rows.append(style.ParamRow(s.label, s.key, CAPEX_FORMULA, s.unit, s, CAPEX_NOTE))
            continue
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

    # the cell LCOS at the duty: every term from the models
    cell_first = last + 2
    _, cl = style.param_rows(wb, ws, cell_first, [style.ParamRow(
        "Cell LCOS at the duty: every term from the models (cost; cell at the duty's C-rate; life model at the Lifetime sheet's duty, tbl_duty, and parameters, tbl_life_params). Per cell:")] + [
        style.ParamRow(lbl, key, v, unit, note=note) for lbl, key, v, unit, note in CELL_INPUTS])
    r = cl + 2
    ws.cell(row=r, column=1, value="Cell LCOS = (C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD), "
            "E_u = Q f(C) DoD (V - IR) delivered at the duty").font = style.SECTION_FONT
    cell_lcos_ref = spill(ws, f"A{r + 1}", f"=XLCELL_CELL_LCOS({ctx.design_name},{ctx.duty_name},cell_c_om_usd,cell_residual_usd,"
                                          f"{ctx.life_params_name},{ctx.materials_name})", CELL_LCOS_ITEMS, 2)
    for i in range(CELL_LCOS_ITEMS):
        for j in range(2):
            style.style_result(ws.cell(row=r + 1 + i, column=1 + j))
    style.name(wb, CELL_LCOS_NAME, ws, cell_lcos_ref)
    ctx.notes["cell_lcos_row"] = r + 1

    # what-if: the seed's formula with typed terms (pre-filled with the models' terms)
    w_first = r + CELL_LCOS_ITEMS + 2
    whatif = [style.ParamRow("What-if (not the models): the seed's formula with typed terms, pre-filled with the "
                             "models' terms above; overwrite one to see its effect")] + [
        style.ParamRow(lbl, key, v, unit, note=note) for lbl, key, v, unit, note in WHATIF_INPUTS]
    _, wl = style.param_rows(wb, ws, w_first, whatif)
    r = wl + 1
    ws.cell(row=r, column=1, value="What-if cell LCOS = (C_BOM + C_mfg + C_O&M - RV) / (η E_u N_cyc)").font = style.SECTION_FONT
    c = ws.cell(row=r, column=3, value="=XLCELL_LCOS_SIMPLE(whatif_c_bom_usd,whatif_c_mfg_usd,whatif_c_om_usd,"
                                       "whatif_residual_usd,whatif_efficiency,whatif_energy_kWh,whatif_cycles)")
    style.style_result(c, "-")
    ws.cell(row=r, column=4, value="$/kWh")
    style.name(wb, "whatif_cell_lcos_usd_kWh", ws, f"C{r}")
    ctx.notes["whatif_row"] = r

    # results: fixed degradation, SEI degradation
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
