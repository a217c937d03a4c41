"""The Pack sheet: the Design sheet's cell in BatPaC 5.0's pack, its cost breakdown, design to requirements and the
format and chemistry comparison.

Layout (generated from :class:`xlcell.pack.PackDesign`, :class:`xlcell.pack.PackMetrics` and
:func:`xlcell.pack.comparison_cases`):

* A:F — pack inputs (configuration, requirements, usable window, purchased items); (Key, Value) is the named range
  ``tbl_pack``.
* H:J — labels beside ``=XLCELL_PACK(...)`` spilling (item, value) rows (``tbl_pack_results``); the active design limit
  highlighted above them.
* L:N — the pack cost by line, per pack and per kWh (references into the spilled results), and a native bar chart.
* Below the inputs — **design to requirements**: one ``XLCELL_PACK_TABLE`` over a column of power requirements with
  ``solve_thickness`` = 1: the positive thickness, the active limit and the $/kWh of each.
* Below — the **format and chemistry comparison**: one row per case of :func:`xlcell.pack.comparison_cases` (every
  cell format × every positive on graphite, Si–graphite and sodium-ion on the pouch), one ``XLCELL_PACK_TABLE`` array
  formula.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.workbook import Workbook

from xlcell.pack import PackDesign, PackMetrics, comparison_cases
from xlcell.params import specs
from xlcell.units import with_unit

from .. import style
from ..xlsx import spill
from .factory import cost_args, kv_rows

TITLE = "Pack"
HEADER_ROW = 4
RESULTS_COL = 8  # H: label; I:J the spilled (item, value) rows
LINES_COL = 12  # L
#: the workbook name of the (key, value) pack inputs
PACK_NAME = "tbl_pack"
#: the workbook name of the spilled (item, value) results of XLCELL_PACK (the Dashboard and LCOS sheets read it)
RESULTS_NAME = "tbl_pack_results"
#: the pack cost lines of the breakdown chart: (label, formula over the result keys' cells); the cells' materials are
#: the pack's materials less its purchased items
LINES = [
    ("Cell materials", "pack_materials_usd-pack_purchased_items_usd"),
    ("Purchased items (modules, pack, BMS, thermal)", "pack_purchased_items_usd"),
    ("Direct labour", "pack_labor_usd"), ("Variable overhead", "pack_variable_overhead_usd"),
    ("Utilities", "pack_utilities_usd"), ("Depreciation", "pack_depreciation_usd"),
    ("Capital interest", "pack_capital_interest_usd"), ("Maintenance", "pack_maintenance_usd"),
    ("GSA", "pack_gsa_usd"), ("R&D", "pack_rnd_usd"), ("Profit", "pack_profit_usd"), ("Warranty", "pack_warranty_usd"),
]
#: power requirements of the design-to-requirements table (kW)
POWER_CASES = [300.0, 600.0, 900.0, 1200.0, 1800.0, 2400.0]
#: items of the design-to-requirements table
REQUIREMENT_ITEMS = ["pack_power_required_kW", "pos_thickness_um", "active_limit", "electrode_area_cm2",
                     "pack_cost_usd_per_kWh", "pack_cost_usd_per_kWh_usable"]
#: items of the format and chemistry comparison
COMPARISON_ITEMS = ["pack_cost_usd_per_kWh", "pack_cost_usd_per_kWh_usable", "cell_cost_usd_per_kWh",
                    "battery_system_cost_usd", "cell_energy_Wh", "cells_per_pack", "pack_energy_kWh",
                    "pack_voltage_V", "pack_power_kW", "pos_thickness_um",
                    "active_limit", "power_met"]
_COUNTS = {"packs_per_year", "module_plant_labor_h_yr", "module_plant_capex_musd", "module_plant_area_m2",
           "pack_plant_labor_h_yr", "pack_plant_capex_musd", "pack_plant_area_m2", "pack_investment_musd",
           "cells_per_pack", "modules_per_pack", "cells_in_series"}


#: number formats of the tables' columns
_FORMATS = {"pack_power_required_kW": "#,##0", "pos_thickness_um": "0.0", "electrode_area_cm2": "#,##0",
            "pack_cost_usd_per_kWh": "0.00", "pack_cost_usd_per_kWh_usable": "0.00", "cell_cost_usd_per_kWh": "0.00",
            "battery_system_cost_usd": "#,##0", "cell_energy_Wh": "0.0", "pack_voltage_V": "0.0",
            "pack_power_kW": "#,##0", "pack_energy_kWh": "0.0", "cells_per_pack": "#,##0"}


def _items(keys: list[str]) -> str:
    """The items of a table as an array constant (one row of texts)."""
    return "{" + ",".join(f'"{k}"' for k in keys) + "}"


def pack_args(ctx) -> str:
    """The ranges XLCELL_PACK takes after the design: the pack, factory, bom, steps and materials."""
    return f"{PACK_NAME},{cost_args(ctx)}"


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Pack", "The Design sheet's cell in BatPaC 5.0's EV pack (100 kWh, 300 kW, 400 cells): module, pack "
                "and battery-system cost by BatPaC's roll-up over the Factory sheet's plant; the cell is sized to the "
                "pack energy; solve_thickness = 1 designs the positive thickness to the power requirement.")
    style.legend(ws, 2, RESULTS_COL)
    first, last = style.param_rows(wb, ws, HEADER_ROW, kv_rows((PackDesign,)), names=False)
    style.name(wb, PACK_NAME, ws, f"B{first}:C{last}")

    # results: labels beside the spilled (item, value) rows
    metrics = specs(PackMetrics)
    lim_row = HEADER_ROW
    ws.cell(row=lim_row - 1, column=RESULTS_COL, value="Active design limit").font = style.SECTION_FONT
    top = HEADER_ROW + 2
    style.header_row(ws, top - 1, RESULTS_COL, ["Result (unit)", "Item", "Value"])
    row_of = {}
    for i, s in enumerate(metrics):
        r = top + i
        ws.cell(row=r, column=RESULTS_COL, value=with_unit(s.label, s.unit))
        for j in (1, 2):
            style.style_result(ws.cell(row=r, column=RESULTS_COL + j), s.unit)
        if s.key in _COUNTS:
            ws.cell(row=r, column=RESULTS_COL + 2).number_format = "#,##0"
        if s.key == "cell_share":
            ws.cell(row=r, column=RESULTS_COL + 2).number_format = "0.0%"
        row_of[s.key] = r
    val = style.col_letter(RESULTS_COL + 2)
    style.name(wb, RESULTS_NAME, ws, spill(ws, f"{style.col_letter(RESULTS_COL + 1)}{top}",
                                            f"=XLCELL_PACK({ctx.design_name},{pack_args(ctx)})", len(metrics), 2))
    lim = ws.cell(row=lim_row - 1, column=RESULTS_COL + 2, value=f"={val}{row_of['active_limit']}")
    style.style_result(lim, "text")
    lim.font = style.Font(bold=True)
    ws.conditional_formatting.add(lim.coordinate, FormulaRule(formula=[f'{lim.coordinate}="power"'],
                                                             font=style.Font(color="C00000", bold=True)))
    met = ws.cell(row=lim_row, column=RESULTS_COL + 2, value=f'=IF({val}{row_of["power_met"]},"power met","power NOT met")')
    style.style_result(met, "text")
    ws.conditional_formatting.add(met.coordinate, FormulaRule(formula=[f'{met.coordinate}="power NOT met"'],
                                                             font=style.Font(color="C00000", bold=True)))
    ctx.notes["pack_rows"] = row_of

    # the pack cost by line, per pack and per kWh
    style.header_row(ws, top - 1, LINES_COL, ["Pack cost line", "$ per pack", "$ per kWh"])
    energy = f"{val}{row_of['pack_energy_kWh']}"
    for i, (label, expr) in enumerate(LINES):
        r = top + i
        for key in sorted(row_of, key=len, reverse=True):
            expr = expr.replace(key, f"{val}{row_of[key]}")
        ws.cell(row=r, column=LINES_COL, value=label)
        style.style_result(ws.cell(row=r, column=LINES_COL + 1, value=f"={expr}"), "$")
        style.style_result(ws.cell(row=r, column=LINES_COL + 2, value=f"=({expr})/{energy}"), "$/kWh")
    tot = top + len(LINES)
    ws.cell(row=tot, column=LINES_COL, value="Pack cost").font = style.Font(bold=True)
    m0, m1 = style.col_letter(LINES_COL + 1), style.col_letter(LINES_COL + 2)
    style.style_result(ws.cell(row=tot, column=LINES_COL + 1, value=f"=SUM({m0}{top}:{m0}{tot - 1})"), "$")
    style.style_result(ws.cell(row=tot, column=LINES_COL + 2, value=f"=SUM({m1}{top}:{m1}{tot - 1})"), "$/kWh")
    ctx.notes["pack_lines"] = (top, tot)
    chart = style.bar_chart("Pack cost by line ($/kWh of pack energy)",
                            Reference(ws, min_col=LINES_COL + 2, min_row=top - 1, max_row=tot - 1),
                            Reference(ws, min_col=LINES_COL, min_row=top, max_row=tot - 1),
                            largest_on_top=True, height=9, width=16)
    ws.add_chart(chart, f"{style.col_letter(LINES_COL)}{tot + 2}")

    # design to requirements: one table over power requirements, the thickness solved
    req_top = max(last, top + len(metrics)) + 4
    ws.cell(row=req_top - 2, column=1, value="Design to requirements: the positive thickness solved for each power "
            "requirement (solve_thickness = 1), the Pack inputs otherwise; more power -> thinner coatings -> higher "
            "$/kWh. Edit the yellow requirements.").font = style.SECTION_FONT
    ws.cell(row=req_top - 1, column=1, value="pack_power_kW").font = style.Font(bold=True)
    ws.cell(row=req_top - 1, column=2, value="solve_thickness").font = style.Font(bold=True)
    for i, p in enumerate(POWER_CASES):
        style.style_input(ws.cell(row=req_top + i, column=1, value=p), "kW")
        style.style_input(ws.cell(row=req_top + i, column=2, value=1), "-")
        ws.cell(row=req_top + i, column=1).number_format = "#,##0"
        ws.cell(row=req_top + i, column=2).number_format = "0"
    cases = f"A{req_top - 1}:B{req_top + len(POWER_CASES) - 1}"
    spill(ws, f"D{req_top - 1}", f"=XLCELL_PACK_TABLE({cases},{_items(REQUIREMENT_ITEMS)},{ctx.design_name},"
                                 f"{pack_args(ctx)})", len(POWER_CASES) + 1, len(REQUIREMENT_ITEMS))
    for i in range(len(POWER_CASES) + 1):
        for j in range(len(REQUIREMENT_ITEMS)):
            style.style_result(ws.cell(row=req_top - 1 + i, column=4 + j))
            ws.cell(row=req_top - 1 + i, column=4 + j).number_format = _FORMATS.get(REQUIREMENT_ITEMS[j], "General")
    ctx.notes["pack_requirements"] = (req_top - 1, 4)

    # the format and chemistry comparison: one row per case, one array formula
    cmp_top = req_top + len(POWER_CASES) + 4
    rows = comparison_cases()  # each designed to the power (solve_thickness = 1), a can's pack counting its cells
    keys = list(rows[0])
    ws.cell(row=cmp_top - 2, column=1, value="Format and chemistry comparison at the Pack sheet's requirements (one "
            "XLCELL_PACK_TABLE): every cell format x every positive on graphite, and on the pouch Si-graphite and "
            "sodium-ion; each designed to the power (solve_thickness = 1), a can's pack counting its cells in "
            "parallel for the energy; a combination the model refuses shows \"refused:\" "
            "and the reason").font = style.SECTION_FONT
    for j, k in enumerate(keys):
        ws.cell(row=cmp_top - 1, column=1 + j, value=k).font = style.Font(bold=True)
    for i, case in enumerate(rows):
        for j, k in enumerate(keys):
            style.style_input(ws.cell(row=cmp_top + i, column=1 + j, value=case[k]), "-" if k == "solve_thickness" else "text")
            if k == "solve_thickness":
                ws.cell(row=cmp_top + i, column=1 + j).number_format = "0"
    c0 = len(keys) + 2
    cases = f"A{cmp_top - 1}:{style.col_letter(len(keys))}{cmp_top + len(rows) - 1}"
    spill(ws, f"{style.col_letter(c0)}{cmp_top - 1}",
          f"=XLCELL_PACK_TABLE({cases},{_items(COMPARISON_ITEMS)},{ctx.design_name},{pack_args(ctx)})", len(rows) + 1,
          len(COMPARISON_ITEMS))
    for i in range(len(rows) + 1):
        for j in range(len(COMPARISON_ITEMS)):
            style.style_result(ws.cell(row=cmp_top - 1 + i, column=c0 + j))
            ws.cell(row=cmp_top - 1 + i, column=c0 + j).number_format = _FORMATS.get(COMPARISON_ITEMS[j], "General")
    ctx.notes["pack_comparison"] = (cmp_top - 1, c0, len(rows))

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 40, "B": 22, "C": 14, "D": 16, "E": 16, "F": 30, "G": 16, "H": 40, "I": 28, "J": 16,
                      "K": 16, "L": 34, "M": 14, "N": 14, "O": 14})
