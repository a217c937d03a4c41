"""The Factory sheet: plant and economics inputs, the process-step table (an Excel table), the step results.

Layout (generated from :class:`xlcell.factory.Plant`, :class:`xlcell.cost.Economics`,
:class:`xlcell.factory.ProcessStep` and :data:`xlcell.factory.DEFAULT_STEPS`):

* A:F — plant and economics inputs; (Key, Value) is the named range ``tbl_factory``.
* H:S — ``=XLCELL_FACTORY(...)`` spilling one row per row of the step table (driver, machines, utilisation,
  capacity, labour, capital, area, energy, WIP; blank rows for the table's empty rows), so steps added in the
  empty rows appear without spilling into anything.
* U:V — ``XLCELL_BOTTLENECK`` over the whole name and capacity columns of those results (empty rows skipped).
* Below — the process-step table as an Excel table (header row of column keys, one step per row,
  BatPaC 5.0's 25 steps plus empty rows for new steps), the named range ``tbl_steps``.
"""
from __future__ import annotations

from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.workbook.workbook import Workbook

from xlcell.cost import Economics
from xlcell.factory import DEFAULT_STEPS, DRIVERS, Plant, ProcessStep, step_rows
from xlcell.params import specs
from xlcell.tables import FACTORY_HEADER
from xlcell.units import with_unit

from .. import style
from ..xlsx import spill

TITLE = "Factory"
HEADER_ROW = 4
RESULTS_COL = 8  # H
#: empty rows of the step table for new steps (the step results reserve a row for each)
EXTRA_STEP_ROWS = 5
#: the bottleneck block, one column right of the step results (H:S)
BOTTLENECK_COL = RESULTS_COL + 13  # U
#: number formats of the step-result columns
RESULT_FORMATS = {"driver_per_yr": "#,##0", "machines": "#,##0", "utilisation": "0.0%", "capacity_cells_per_h": "#,##0",
                  "labor_h_yr": "#,##0", "capex_musd": "#,##0.0", "area_m2": "#,##0", "energy_MWh_yr": "#,##0",
                  "wip_cells": "#,##0"}


def kv_rows(classes) -> list[style.ParamRow]:
    """Parameter rows of the inputs of ``classes`` (defaults shown), a section per group."""
    rows: list[style.ParamRow] = []
    current = None
    for cls in classes:
        obj = cls()
        for s in sorted(specs(cls), key=lambda s: s.advanced):  # a class's advanced inputs after the others
            section = s.group + (" (advanced)" if s.advanced else "")
            if section != current:
                rows.append(style.ParamRow(section))
                current = section
            v = float(s.from_si(getattr(obj, s.name)))
            rows.append(style.ParamRow(s.label, s.key, float(f"{v:.12g}"), s.unit, s, s.doc + ("; " if s.doc else "") + s.allowed()))
    return rows


def cost_args(ctx) -> str:
    """The optional ranges every cost UDF takes, after the design."""
    return f"{ctx.factory_name},{ctx.bom_name},{ctx.steps_name},{ctx.materials_name}"


def steps_table_ref(first_row: int) -> str:
    ncol = len(specs(ProcessStep))
    return f"A{first_row}:{style.col_letter(ncol)}{first_row + len(DEFAULT_STEPS) + EXTRA_STEP_ROWS}"


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Factory", "Plant, economics and the process steps (BatPaC 5.0's 50 GWh/yr plant by default). "
                "Edit the yellow cells; every XLCELL_COST call uses this sheet.")
    style.legend(ws, 2, RESULTS_COL)
    first, last = style.param_rows(wb, ws, HEADER_ROW, kv_rows((Plant, Economics)))
    style.name(wb, ctx.factory_name, ws, f"B{first}:C{last}")

    # step results spilled beside the inputs: one row per row of the step table (its empty rows included)
    n = len(DEFAULT_STEPS)
    n_rows = n + EXTRA_STEP_ROWS
    style.header_row(ws, HEADER_ROW, RESULTS_COL, ["Step results (per year)"])
    anchor = f"{style.col_letter(RESULTS_COL)}{HEADER_ROW + 1}"
    spill(ws, anchor, f"=XLCELL_FACTORY({ctx.design_name},{cost_args(ctx)})", n_rows + 1, len(FACTORY_HEADER))
    for i in range(n_rows + 1):
        for j, key in enumerate(FACTORY_HEADER):
            c = ws.cell(row=HEADER_ROW + 1 + i, column=RESULTS_COL + j)
            style.style_result(c)
            c.number_format = RESULT_FORMATS.get(key, "General")
    # the bottleneck beside the results, over every result row (the empty ones are skipped)
    name_col = style.col_letter(RESULTS_COL)
    cap_col = style.col_letter(RESULTS_COL + FACTORY_HEADER.index("capacity_cells_per_h"))
    r0, r1 = HEADER_ROW + 2, HEADER_ROW + 1 + n_rows
    bc = BOTTLENECK_COL
    ws.cell(row=HEADER_ROW, column=bc, value="Bottleneck: slowest step and its capacity (accepted cells/h)").font = style.SECTION_FONT
    bottleneck_cell = f"{style.col_letter(bc)}{HEADER_ROW + 1}"
    spill(ws, bottleneck_cell, f"=XLCELL_BOTTLENECK({name_col}{r0}:{name_col}{r1},{cap_col}{r0}:{cap_col}{r1})", 1, 2)
    for j in range(2):
        style.style_result(ws.cell(row=HEADER_ROW + 1, column=bc + j))
    ws.cell(row=HEADER_ROW + 1, column=bc + 1).number_format = "#,##0"
    ctx.notes["factory_results"] = (anchor, bottleneck_cell)

    # the process-step table (an Excel table)
    top = max(last, r1) + 5
    cols = specs(ProcessStep)
    ws.cell(row=top - 2, column=1, value="Process steps (an Excel table: edit values, add steps in the empty rows; "
            "blank cells of a default step take its default)").font = style.SECTION_FONT
    labels = []
    for s in cols:
        driver = {"baseline": "driver unit/yr", "machine_baseline": "machine driver unit/yr",
                  "energy_kWh_per_unit": "kWh per driver unit"}.get(s.key)  # per unit of the step's own driver
        labels.append(f"{s.label} ({driver})" if driver else with_unit(s.label, s.unit))
    style.header_row(ws, top - 1, 1, labels)
    ws.row_dimensions[top - 1].height = 60
    for j, s in enumerate(cols):
        ws.cell(row=top, column=1 + j, value=s.key)
    for i, row in enumerate(step_rows(DEFAULT_STEPS)):
        for j, s in enumerate(cols):
            v = row[s.key]
            c = ws.cell(row=top + 1 + i, column=1 + j, value=v if v != "" else None)
            style.style_input(c, s.unit if s.unit in ("text",) else "-")
            c.number_format = "#,##0" if s.key in ("baseline", "machine_baseline", "labor0_h", "area0_m2") else "General"
    for i in range(EXTRA_STEP_ROWS):
        for j in range(len(cols)):
            style.style_input(ws.cell(row=top + 1 + n + i, column=1 + j))
    ref = steps_table_ref(top)
    table = Table(displayName="tbl_steps_table", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=False)
    ws.add_table(table)
    style.name(wb, ctx.steps_name, ws, ref)
    ctx.notes["steps_top"] = top
    notes_row = top + n + EXTRA_STEP_ROWS + 2
    notes = ["Drivers (driver: meaning, unit):"] + [f"   {k}: {v[0]} ({v[1]})" for k, v in DRIVERS.items()] + [
        "Extra factors: capacity, formation_capacity, pos_solvent_per_area, neg_solvent_per_area, modules_per_pack;",
        "   exponent in extra_exp, resources in extra_on (L labour, C capital, A area).",
        "Machine data (units_per_cycle, cycle_time_s, oee, machines) give utilisation, the bottleneck and WIP;",
        "   machine_sizing = 1 (inputs above) sizes those steps by machine count instead of BatPaC's power laws."]
    for i, text in enumerate(notes):
        ws.cell(row=notes_row + i, column=1, value=text).font = style.DERIVED_FONT
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 40, "B": 28, "C": 13, "D": 15, "E": 12, "F": 40, "G": 12, "H": 30,
                      **{style.col_letter(k): 13 for k in range(RESULTS_COL + 1, len(cols) + 1)},
                      style.col_letter(BOTTLENECK_COL): 30})
