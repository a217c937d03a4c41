"""The Thickness study sheet: the Design sheet's cell with its positive coating swept (the negative following N/P)
at a slow and a fast duty: energy (nameplate and delivered), power, cycle life, cost per kWh (nameplate and
delivered) and the cell LCOS, side by side with native charts (issue 17).

Layout:

* A:F — the two duties as (key, value) rows (``tbl_duty_slow``, ``tbl_duty_fast``; keys of
  :class:`xlcell.duty.Duty`, defaults :data:`xlcell.duty.SLOW` and :data:`xlcell.duty.FAST`), then the column of
  positive thicknesses (``tbl_thicknesses``). O&M and residual value per cell are the LCOS sheet's.
* H:S — ``XLCELL_THICKNESS_STUDY`` spilled for the slow duty, and below it for the fast duty, each under a row of
  labels with units.
* U onwards — five charts against the thickness: energy, power, cycle life, cost per kWh, cell LCOS.
"""
from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.workbook.workbook import Workbook

from xlcell.duty import FAST, SLOW, Duty
from xlcell.params import spec_by_key, specs, to_display
from xlcell.studies import ThicknessResult, ThicknessStudy
from xlcell.tables import THICKNESS_HEADER as THICKNESS_COLUMNS
from xlcell.units import with_unit

from .. import style
from ..xlsx import spill

TITLE = "Thickness study"
HEADER_ROW = 4
RESULTS_COL = 8  # H
CHART_COL = 21  # U
THICKNESSES_UM = [float(f"{x:.10g}") for x in to_display(ThicknessStudy())["pos_thickness_um"]]
ROWS = len(THICKNESSES_UM)
#: the duties: (title, workbook name of its (key, value) rows, default duty)
DUTIES = [("Slow duty", "tbl_duty_slow", SLOW), ("Fast duty", "tbl_duty_fast", FAST)]
THICKNESS_NAME = "tbl_thicknesses"


def _duty_rows(title: str, duty: Duty) -> list[style.ParamRow]:
    shown = to_display(duty)
    rows = [style.ParamRow(title)]
    for s in specs(Duty):
        v = float(shown[s.key])
        value = None if v != v else "=1/3" if abs(v - 1 / 3) < 1e-12 else float(f"{v:.12g}")  # C/3 exactly
        rows.append(style.ParamRow(s.label, s.key, value, s.unit, s, s.doc or ""))
    return rows


def table_top(d: int) -> int:
    """The row of the key header that ``XLCELL_THICKNESS_STUDY`` spills for duty ``d`` (0: slow, 1: fast)."""
    return HEADER_ROW + 1 + d * (ROWS + 4)


def build(wb: Workbook, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Thickness study: energy, power, life, cost per kWh and LCOS against the positive thickness",
                "The Design sheet's cell with its positive coating swept (the negative follows N/P), at each duty's C-rate. "
                "Delivered energy = capacity × usable fraction × DoD × voltage under load at the duty.")
    style.legend(ws, 2, RESULTS_COL)

    # inputs: the two duties, then the thicknesses
    rows = []
    for title, _, duty in DUTIES:
        rows += _duty_rows(title, duty)
    first, last = style.param_rows(wb, ws, HEADER_ROW, rows, names=False)
    n = len(specs(Duty))
    for i, (_, name, _) in enumerate(DUTIES):
        top = first + i * (n + 1) + 1
        style.name(wb, name, ws, f"B{top}:C{top + n - 1}")
    t0 = last + 2
    style.header_row(ws, t0, 1, ["Positive coating thickness (µm)"])
    for i, x in enumerate(THICKNESSES_UM):
        style.style_input(ws.cell(row=t0 + 1 + i, column=1, value=x), "µm")
    style.name(wb, THICKNESS_NAME, ws, f"A{t0 + 1}:A{t0 + ROWS}")
    ws.cell(row=t0 + ROWS + 1, column=1, value="O&M and residual value per cell: the LCOS sheet's").font = style.DERIVED_FONT

    # results: one spilled table per duty, under a row of labels with units
    specs_by_key = spec_by_key(ThicknessResult)
    labels = [with_unit(specs_by_key[k].label, specs_by_key[k].unit) for k in THICKNESS_COLUMNS]
    for d, (title, name, _) in enumerate(DUTIES):
        top = table_top(d)
        ws.cell(row=top - 2, column=RESULTS_COL, value=f"{title} ({name})").font = style.SECTION_FONT
        style.header_row(ws, top - 1, RESULTS_COL, labels)
        spill(ws, f"{style.col_letter(RESULTS_COL)}{top}",
              f"=XLCELL_THICKNESS_STUDY({ctx.design_name},{THICKNESS_NAME},{name},cell_c_om_usd,cell_residual_usd,"
              f"{ctx.life_params_name},{ctx.materials_name})", ROWS + 1, len(THICKNESS_COLUMNS))
        for i in range(ROWS + 1):
            for j in range(len(THICKNESS_COLUMNS)):
                style.style_result(ws.cell(row=top + i, column=RESULTS_COL + j))

    def ys(key: str, d: int) -> Reference:
        c = RESULTS_COL + THICKNESS_COLUMNS.index(key)
        return Reference(ws, min_col=c, min_row=table_top(d) + 1, max_row=table_top(d) + ROWS)

    xs = [ys("pos_thickness_um", d) for d in range(len(DUTIES))]
    names = [title.split()[0].lower() for title, _, _ in DUTIES]
    x_title = "Positive coating thickness (µm)"
    charts = [
        ("Energy per cycle: nameplate and delivered", "Wh",
         [(ys("energy_Wh", 0), xs[0], "nameplate")] + [(ys("usable_energy_Wh", d), xs[d], f"delivered, {names[d]}")
                                                       for d in range(len(DUTIES))], False),
        ("Maximum power", "W", [(ys("max_power_W", 0), xs[0], "maximum power")], False),
        ("Cycle life at each duty", "equivalent full cycles",
         [(ys("cycle_life", d), xs[d], names[d]) for d in range(len(DUTIES))], False),
        ("Cell cost per kWh: nameplate and delivered", "$/kWh (log)",
         [(ys("cell_cost_usd_per_kWh", 0), xs[0], "nameplate")]
         + [(ys("cell_cost_usd_per_kWh_usable", d), xs[d], f"delivered, {names[d]}") for d in range(len(DUTIES))], True),
        ("Cell LCOS at each duty", "$/kWh delivered (log)",
         [(ys("lcos_cell_usd_per_kWh", d), xs[d], names[d]) for d in range(len(DUTIES))], True),
    ]
    for k, (title, y_title, series, log_y) in enumerate(charts):
        chart = style.scatter_chart(title, x_title, y_title, series, lines=True, log_y=log_y, height=7.5, width=15,
                                    x_format="0")
        chart.y_axis.number_format = "General"
        chart.y_axis.numFmt.sourceLinked = False
        ws.add_chart(chart, f"{style.col_letter(CHART_COL + 10 * (k % 2))}{HEADER_ROW + 16 * (k // 2)}")

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    style.widths(ws, {"A": 40, "B": 18, "C": 12, "D": 9, "E": 10, "F": 40, "G": 2,
                      **{style.col_letter(RESULTS_COL + j): 16 for j in range(len(THICKNESS_COLUMNS))}})
