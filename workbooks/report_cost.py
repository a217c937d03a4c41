"""The cost section of a report: cost summary, cost lines chart, bill of materials, plant steps, tornado.

Values are the report context's ``cost`` (:func:`xlcell.cost.cost_details`) and ``sensitivity``
(:func:`xlcell.cost.cost_sensitivity`), evaluated by the report scenario (:mod:`app.report`) for the report's
design in the default (BatPaC 5.0) factory or the optimisation workbook's; this module lays them out.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference

from xlcell import units
from xlcell.units import unit_mark, with_unit
from xlcell.bom import BOM_ITEMS, BOM_UNITS
from xlcell.cost import CostMetrics
from xlcell.params import specs, to_display

from . import style

TORNADO_ROWS = 15
#: cost lines of the breakdown chart (CostMetrics keys)
LINES = ["materials_usd", "labor_usd", "variable_overhead_usd", "utilities_usd", "depreciation_usd",
         "capital_interest_usd", "maintenance_usd", "gsa_usd", "rnd_usd", "profit_usd", "warranty_usd"]


def _f(x: Any) -> Any:
    v = np.asarray(x).reshape(-1)[0]
    v = v.item() if isinstance(v, np.generic) else v
    return None if isinstance(v, float) and v != v else v


def cost_section(wb: Workbook, ctx: Any) -> None:
    det = ctx.cost
    m = det.metrics.as_display()
    ws = wb.create_sheet("Cost")
    style.title(ws, "Manufacturing cost", "BatPaC 5.0 roll-up (50 GWh/yr plant by default) of this design, "
                "per accepted cell; xlcell.cost.evaluate_cost")
    spec = {s.key: s for s in specs(CostMetrics)}

    style.header_row(ws, 4, 1, ["Result", "Item", "Value", "Unit"])
    r = 4
    for s in specs(CostMetrics):
        r += 1
        ws.cell(row=r, column=1, value=s.label)
        ws.cell(row=r, column=2, value=s.key)
        style.style_result(ws.cell(row=r, column=3, value=_f(m[s.key])), s.unit)
        ws.cell(row=r, column=4, value=unit_mark(s.unit))

    # cost lines per kWh with a native bar chart
    energy_kwh = float(units.to_display(_f(det.metrics.cell_energy_J), "kWh"))
    style.header_row(ws, 4, 6, ["Cost line", "$ per cell", "$ per kWh"])
    for i, key in enumerate(LINES, start=5):
        ws.cell(row=i, column=6, value=spec[key].label)
        style.style_result(ws.cell(row=i, column=7, value=_f(m[key])), "$")
        style.style_result(ws.cell(row=i, column=8, value=_f(m[key]) / energy_kwh), "$")
    last = 4 + len(LINES)
    ws.add_chart(style.bar_chart("Cell cost by line ($/kWh)", Reference(ws, min_col=8, min_row=4, max_row=last),
                                 Reference(ws, min_col=6, min_row=5, max_row=last)), "J4")

    # bill of materials
    top = max(r, last) + 3
    ws.cell(row=top - 1, column=1, value="Bill of materials per accepted cell").font = style.SECTION_FONT
    style.header_row(ws, top, 1, ["Item", "Unit", "Design quantity", "Material yield", "Per accepted cell", "Cost ($)"])
    b = to_display(det.bom)
    rr = top
    for key, label, _ in BOM_ITEMS:
        rr += 1
        ws.cell(row=rr, column=1, value=label)
        ws.cell(row=rr, column=2, value=BOM_UNITS[key])
        for j, v in enumerate([_f(b["design_qty"][key]), _f(b["material_yield"][key]), _f(b["per_accepted_cell"][key]),
                               _f(b["cost_usd"][key])], start=3):
            style.style_result(ws.cell(row=rr, column=j, value=float(v)), "$" if j == 6 else "-")

    # plant steps
    top = rr + 3
    ws.cell(row=top - 1, column=1, value="Plant, step by step (per year)").font = style.SECTION_FONT
    style.header_row(ws, top, 1, ["Step", with_unit("Machines", "-"), "Utilisation (%)", "Labour (h)", "Capital (M$)", "Floor area (m²)",
                                  "Energy (MWh)", "WIP (cells)"])
    st = to_display(det.steps)
    rr = top
    for j, name in enumerate(det.steps.names):
        rr += 1
        ws.cell(row=rr, column=1, value=name)
        vals = [st[k][..., j] for k in ("machines", "utilisation", "labor_h", "capex_musd", "area_m2", "energy_MWh",
                                        "wip_cells")]
        for k, (v, u) in enumerate(zip(vals, ["count", "%", "h", "M$", "m²", "MWh", "count"]), start=2):
            style.style_result(ws.cell(row=rr, column=k, value=_f(v)), u)
    ws.cell(row=rr + 1, column=1, value=f"Bottleneck: {_f(m['bottleneck_step'])} at "
            f"{_f(m['bottleneck_utilisation']):.1%} utilisation").font = style.DERIVED_FONT

    # tornado
    t = ctx.sensitivity
    top = rr + 4
    step = f"{float(to_display(t)['fraction_pct']):g} %"  # the relative change the tornado was run with
    ws.cell(row=top - 1, column=1, value=f"Sensitivity of {t.unit} to ±{step} of each input (largest swings)").font = style.SECTION_FONT
    style.header_row(ws, top, 1, ["Input (unit of its base)", "Base", f"-{step}: {t.unit}", f"+{step}: {t.unit}",
                                  f"change at -{step} ({t.unit})", f"change at +{step} ({t.unit})"])
    n = min(TORNADO_ROWS, len(t.keys))
    for i in range(n):
        row = top + 1 + i
        unit = t.input_units[i]  # the base values differ in unit from row to row: each row names its own
        ws.cell(row=row, column=1, value=with_unit(t.labels[i], unit))
        for k, v in enumerate([t.base_input[i], t.low[i], t.high[i], t.low[i] - t.base, t.high[i] - t.base], start=2):
            style.style_result(ws.cell(row=row, column=k, value=float(v)))
    tor = style.bar_chart("Tornado: change of $/kWh", Reference(ws, min_col=5, max_col=6, min_row=top, max_row=top + n),
                          Reference(ws, min_col=1, min_row=top + 1, max_row=top + n), legend=True, overlap=100,
                          largest_on_top=True, height=10, width=18)
    ws.add_chart(tor, f"J{top}")
    ws.freeze_panes = "A5"
    style.widths(ws, {"A": 44, "B": 30, "C": 16, "D": 14, "E": 16, "F": 40, "G": 14, "H": 14})
