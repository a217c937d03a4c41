"""The report's Thickness study section: the report design's positive thickness swept (the negative following its
N/P ratio) at a slow and a fast duty, with energy (nameplate and delivered), power, cycle life, cost per kWh
(nameplate and delivered) and the cell LCOS side by side, four native charts and the LCOS optimum of each duty.

Values are the report context's ``thickness`` (:func:`xlcell.studies.thickness_study` under the scenario
:class:`xlcell.studies.ThicknessStudy`), evaluated by the report scenario; this module only lays them out.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference

from xlcell.params import spec_by_key, to_display
from xlcell.studies import ThicknessResult
from xlcell.units import with_unit

from . import style

#: columns that do not depend on the duty: (key of ThicknessResult)
COMMON = ("pos_thickness_um", "neg_thickness_um", "energy_Wh", "specific_energy_Wh_kg", "max_power_W",
          "cell_cost_usd_per_kWh")
#: columns repeated for each duty
PER_DUTY = ("usable_fraction_duty", "usable_energy_Wh", "cycle_life", "cell_cost_usd_per_kWh_usable",
            "lcos_cell_usd_per_kWh", "feasible")
TOP = 12  #: header row of the table
CHART_COL = 22  #: V, right of the table


def duty_name(c_rate: float) -> str:
    """A duty's C-rate as engineers write it: 1/3 -> 'C/3', 2 -> '2C', 0.5 -> 'C/2'.

    Parameters
    ----------
    c_rate : float
        C-rate (1/h).
    """
    c = float(c_rate)
    if c < 1 and abs(1 / c - round(1 / c)) < 1e-9:
        return f"C/{round(1 / c)}"
    return f"{c:g}C"


def _header(spec: Any, suffix: str = "") -> str:
    return with_unit(f"{spec.label}{suffix}", spec.unit)


def thickness_section(wb: Workbook, ctx: Any) -> None:
    """Add the "Thickness study" sheet for the report design ``ctx`` (a :class:`workbooks.report.ReportContext`)."""
    res: ThicknessResult | None = ctx.thickness
    ws = wb.create_sheet("Thickness study")
    if res is None:
        style.title(ws, "Thickness study", "Not evaluated for this report.")
        return
    shown = to_display(res)
    specs = spec_by_key(ThicknessResult)
    names = [duty_name(c) for c in np.asarray(shown["duty_c_rate"]).reshape(-1)]
    D, K = len(names), np.asarray(res.thickness_m).size
    style.title(ws, "Thickness study: energy, power, life, cost per kWh and LCOS against the positive thickness",
                f"The report design with its positive coating swept (the negative follows N/P), at the duties "
                f"{' and '.join(names)} (full depth, 365 cycles a year, end of life at 80 %); the design runs at the "
                "duty's C-rate. Delivered energy = capacity × usable fraction × DoD × voltage under load at the duty.")

    # the LCOS optimum of each duty
    style.header_row(ws, 4, 1, ["Duty", "Lowest cell LCOS ($/kWh)", "At positive thickness (µm)", "Interior optimum"])
    for i, name in enumerate(names):
        r = 5 + i
        ws.cell(row=r, column=1, value=name)
        style.style_result(ws.cell(row=r, column=2, value=float(np.asarray(shown["lcos_min_usd_per_kWh"])[i])), "$/kWh")
        style.style_result(ws.cell(row=r, column=3, value=float(np.asarray(shown["lcos_min_pos_thickness_um"])[i])), "µm")
        style.style_result(ws.cell(row=r, column=4, value=bool(np.asarray(shown["lcos_interior_optimum"])[i])), "bool")
    ws.cell(row=6 + D, column=1, value="Interior optimum: the lowest LCOS lies inside the sweep, not at its thinnest or "
            "thickest end. The cycle life is the registry's lifetime model at each duty.").font = style.DERIVED_FONT

    # the table: common columns, then one block per duty
    labels = [_header(specs[k]) for k in COMMON]
    for name in names:
        labels += [_header(specs[k], f", {name}") for k in PER_DUTY]
    style.header_row(ws, TOP, 1, labels)
    for i in range(K):
        r = TOP + 1 + i
        for j, k in enumerate(COMMON):
            style.style_result(ws.cell(row=r, column=1 + j, value=float(np.asarray(shown[k])[i])), specs[k].unit)
        for d in range(D):
            for j, k in enumerate(PER_DUTY):
                v = np.asarray(shown[k])[d, i]
                cell = ws.cell(row=r, column=1 + len(COMMON) + d * len(PER_DUTY) + j,
                               value=bool(v) if specs[k].unit == "bool" else (float(v) if np.isfinite(v) else None))
                style.style_result(cell, specs[k].unit)
    last = TOP + K

    def col(key: str, d: int | None = None) -> int:
        return 1 + (COMMON.index(key) if d is None else len(COMMON) + d * len(PER_DUTY) + PER_DUTY.index(key))

    def ys(c: int) -> Reference:
        return Reference(ws, min_col=c, min_row=TOP + 1, max_row=last)

    xs = Reference(ws, min_col=1, min_row=TOP + 1, max_row=last)
    x_title = "Positive coating thickness (µm)"
    charts = [
        ("Energy per cycle: nameplate and delivered", "Wh",
         [(ys(col("energy_Wh")), "nameplate")] + [(ys(col("usable_energy_Wh", d)), f"delivered, {names[d]}")
                                                  for d in range(D)], False),
        ("Maximum power", "W", [(ys(col("max_power_W")), "maximum power")], False),
        ("Cycle life at each duty", "equivalent full cycles", [(ys(col("cycle_life", d)), names[d]) for d in range(D)],
         False),
        ("Cell cost per kWh: nameplate and delivered", "$/kWh (log)",
         [(ys(col("cell_cost_usd_per_kWh")), "nameplate")]
         + [(ys(col("cell_cost_usd_per_kWh_usable", d)), f"delivered, {names[d]}") for d in range(D)], True),
        ("Cell LCOS at each duty", "$/kWh delivered (log)",
         [(ys(col("lcos_cell_usd_per_kWh", d)), names[d]) for d in range(D)], True),
    ]
    for n, (title, y_title, series, log_y) in enumerate(charts):
        chart = style.scatter_chart(title, x_title, y_title, [(y, xs, label) for y, label in series], lines=True,
                                    log_y=log_y, height=7.5, width=15, x_format="0")
        chart.y_axis.number_format = "General"
        chart.y_axis.numFmt.sourceLinked = False
        ws.add_chart(chart, f"{style.col_letter(CHART_COL + 10 * (n % 2))}{4 + 16 * (n // 2)}")
    ws.freeze_panes = f"B{TOP + 1}"
    style.widths(ws, {"A": 22, **{style.col_letter(j): 18 for j in range(2, len(labels) + 1)}})


__all__ = ["thickness_section", "duty_name", "COMMON", "PER_DUTY", "TOP"]
