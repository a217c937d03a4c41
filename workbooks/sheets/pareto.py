"""The Pareto sheet: the optimisation problem as inputs, and the blocks the ribbon macros fill.

Inputs (yellow, each block a named range the macros read):

* ``tbl_pareto_settings`` — (key, value): method, n_points, seed, n_starts, chosen, extra_outputs;
* ``tbl_pareto_variables`` — table key | lower | upper: design keys of the Design sheet with bounds;
* ``tbl_pareto_objectives`` — table key | sense: model outputs to minimise or maximise (the first two are
  charted; the first is the single-objective target);
* ``tbl_pareto_constraints`` — table key | lower | upper: bounds on model outputs.

Results (green, written by the macros in one block each, never by formulas): ``tbl_pareto_status``,
``tbl_pareto_optimum`` (the single-objective optimum), ``tbl_pareto_chosen`` (the chosen front point)
and ``tbl_pareto_front`` (the front table: point, the objectives, chosen flag, variables, other outputs). A
native scatter chart plots the first two objective columns of the front, with the chosen point highlighted.
The base design is the Design sheet's (``tbl_design``).
"""
from __future__ import annotations

from openpyxl.chart import Reference, ScatterChart
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.marker import Marker
from openpyxl.worksheet.datavalidation import DataValidation

from xlcell.registry import key_unit, limits, output_spec, variable
from xlcell.units import unit_mark, with_unit

from .. import style

TITLE = "Pareto"

SETTINGS = "tbl_pareto_settings"
VARIABLES = "tbl_pareto_variables"
OBJECTIVES = "tbl_pareto_objectives"
CONSTRAINTS = "tbl_pareto_constraints"
STATUS = "tbl_pareto_status"
OPTIMUM = "tbl_pareto_optimum"
CHOSEN = "tbl_pareto_chosen"
FRONT = "tbl_pareto_front"

MAX_VARIABLES = 8
MAX_OBJECTIVES = 4
MAX_CONSTRAINTS = 8
MAX_POINTS = 60
FRONT_COLS = 32
OPTIMUM_ROWS = 24
CHOSEN_ROWS = 30

#: (label, key, default, allowed) of the settings block
SETTING_ROWS = [
    ("Method", "method", "epsilon", "epsilon (finds non-convex fronts) or weighted"),
    ("Number of points", "n_points", 11, f"a whole number 2 .. {MAX_POINTS}"),
    ("Random seed", "seed", 0, "a whole number; same seed, same front"),
    ("Starts per anchor", "n_starts", 4, "seeded local solves (Latin hypercube), 1 .. 20"),
    ("Chosen design", "chosen", "knee", "knee, or a point number of the front table"),
    ("Extra outputs", "extra_outputs", "specific_energy_Wh_kg, cell_cost_usd, lcos_cell_usd_per_kWh, capacity_Ah, energy_Wh, "
     "max_power_W",
     "more outputs to tabulate, comma separated"),
]

#: the default problem: (key, lower, upper), (key, sense), (key, lower, upper). Cost per kWh against specific power:
#: within the diffusion limit, cost per kWh and specific energy both improve with thickness and lower porosity (no
#: trade-off, a one-point front), while power falls: the trade-off is cost against power. The constraints are the
#: diffusion limit and the registry's design limits (calendering: fracture and percolation ratios <= 1, issue 17
#: item 4), shown as rows so that they can be seen and relaxed; the optimiser imposes those limits even without a row.
DEFAULT_VARIABLES = [("pos_thickness_um", 40.0, 250.0), ("pos_porosity", 0.18, 0.45)]
DEFAULT_OBJECTIVES = [("cell_cost_usd_per_kWh", "min"), ("specific_power_W_kg", "max")]
DEFAULT_CONSTRAINTS = [("diffusion_limit", None, 1.0)] + [(key, None, upper) for key, upper, _ in limits()]

SETTINGS_ROW = 4
VARIABLES_ROW = SETTINGS_ROW + len(SETTING_ROWS) + 2
OBJECTIVES_ROW = VARIABLES_ROW + MAX_VARIABLES + 2
CONSTRAINTS_ROW = OBJECTIVES_ROW + MAX_OBJECTIVES + 2
RESULT_COL = 8  # H
OPTIMUM_ROW = SETTINGS_ROW + 3  # header row of the optimum block (column H)
CHOSEN_ROW = OPTIMUM_ROW + OPTIMUM_ROWS + 2  # header row of the chosen block
FRONT_ROW = max(CONSTRAINTS_ROW + MAX_CONSTRAINTS, CHOSEN_ROW + CHOSEN_ROWS) + 3  # below every input and result block


def _label(key: str) -> str:
    from xlcell.design import design_keys

    labels = {k.key: k.label for k in design_keys()}
    try:
        return labels.get(variable(key).key, variable(key).label)
    except KeyError:
        return output_spec(key).label


def _table(ws, row: int, headers: list[str], rows: list[tuple], n: int, named: int) -> tuple[int, int]:
    """Header + ``n`` input rows; the first ``named`` columns are inputs, then unit and label (static notes)."""
    style.header_row(ws, row, 1, headers + ["Unit", "Label"])
    for i in range(n):
        r = row + 1 + i
        vals = rows[i] if i < len(rows) else (None,) * named
        for j in range(named):
            style.style_input(ws.cell(row=r, column=1 + j, value=vals[j]), "-" if j else "text")
        if i < len(rows):
            ws.cell(row=r, column=named + 1, value=unit_mark(key_unit(vals[0]))).font = style.DERIVED_FONT
            ws.cell(row=r, column=named + 2, value=_label(vals[0])).font = style.DERIVED_FONT
    return row, row + n


def axis_title(key: str) -> str:
    """A chart axis title for a model output: its label and unit (``Specific power (W/kg)``)."""
    return with_unit(output_spec(key).label, key_unit(key))


def front_chart(front_y: Reference, front_x: Reference, chosen_y: Reference, chosen_x: Reference, x_title: str,
                y_title: str, width: float = 18) -> ScatterChart:
    """The front as a native scatter chart, with the chosen design as a large red diamond.

    ``front_y`` and ``front_x`` are the data rows of the front table's objective columns (no header: the series are
    titled "Front" and "Chosen design"); ``chosen_y`` and ``chosen_x`` the chosen point's two cells.
    """
    chart = style.scatter_chart("Pareto front", x_title, y_title, [(front_y, front_x, "Front"), (chosen_y, chosen_x, "Chosen design")],
                                height=10, width=width)
    for ax in (chart.x_axis, chart.y_axis):  # tick labels in General, not the cells' fixed decimals
        ax.numFmt = NumFmt(formatCode="General", sourceLinked=False)
    front, chosen = chart.series
    front.marker = Marker(symbol="circle", size=7)
    chosen.marker = Marker(symbol="diamond", size=14)
    chosen.marker.graphicalProperties.solidFill = "C00000"
    chosen.graphicalProperties.line.noFill = True
    return chart


def build(wb, ctx) -> None:
    ws = wb.create_sheet(TITLE)
    style.title(ws, "Pareto front and optimisation",
                "Set the variables with bounds, the objectives and the constraints (yellow), then click Pareto front or "
                "Optimise on the xlcell ribbon, or run `xlcell run pareto this.xlsx`. The base design is the Design sheet's.")
    style.legend(ws, 2, RESULT_COL + 3)

    # settings (key, value): the macros read columns B:C
    rows = [style.ParamRow("Method settings")] + [style.ParamRow(label, key, default, "-", note=allowed)
                                                   for label, key, default, allowed in SETTING_ROWS]
    first, last = style.param_rows(wb, ws, SETTINGS_ROW, rows, names=False)
    style.name(wb, SETTINGS, ws, f"B{first}:C{last}")
    for i, (_, key, default, _) in enumerate(SETTING_ROWS):
        if isinstance(default, int):  # whole numbers shown as such
            ws.cell(row=first + 1 + i, column=3).number_format = "0"
    method_row = first + 1
    dv = DataValidation(type="list", formula1='"epsilon,weighted"', allow_blank=True, showErrorMessage=True,
                        errorTitle="method", error="method: epsilon or weighted")
    ws.add_data_validation(dv)
    dv.add(f"C{method_row}")

    top, bottom = _table(ws, VARIABLES_ROW, ["Variable (design key)", "Lower", "Upper"], DEFAULT_VARIABLES, MAX_VARIABLES, 3)
    style.name(wb, VARIABLES, ws, f"A{top}:C{bottom}")
    top, bottom = _table(ws, OBJECTIVES_ROW, ["Objective (model output)", "Sense"], DEFAULT_OBJECTIVES, MAX_OBJECTIVES, 2)
    style.name(wb, OBJECTIVES, ws, f"A{top}:B{bottom}")
    dv = DataValidation(type="list", formula1='"min,max"', allow_blank=True, showErrorMessage=True,
                        errorTitle="sense", error="sense: min or max")
    ws.add_data_validation(dv)
    dv.add(f"B{top + 1}:B{bottom}")
    top, bottom = _table(ws, CONSTRAINTS_ROW, ["Constraint (model output)", "Lower", "Upper"], DEFAULT_CONSTRAINTS,
                         MAX_CONSTRAINTS, 3)
    style.name(wb, CONSTRAINTS, ws, f"A{top}:C{bottom}")
    ws.cell(row=bottom + 1, column=1, value="Keys: the Design sheet's keys (variables) and the XLCELL_CELL metrics, "
            "diffusion_limit (<= 1 within the diffusion limits) and the other models' outputs (objectives, constraints)."
            ).font = style.DERIVED_FONT
    ws.cell(row=bottom + 2, column=1, value="The fracture and percolation ratios (<= 1: particles do not crack, the carbon "
            "network conducts) apply even without a row; a row with another bound replaces one.").font = style.DERIVED_FONT

    # results: status, single-objective optimum, chosen design (macros write these)
    H = style.col_letter(RESULT_COL)
    I = style.col_letter(RESULT_COL + 1)
    r0 = SETTINGS_ROW
    style.header_row(ws, r0, RESULT_COL, ["Status", ""])
    c = ws.cell(row=r0 + 1, column=RESULT_COL, value="Not run yet.")
    c.font = style.SUBTITLE_FONT
    style.name(wb, STATUS, ws, f"{H}{r0 + 1}")
    for top, n, title, nm in ((OPTIMUM_ROW, OPTIMUM_ROWS, "Optimum (first objective)", OPTIMUM),
                              (CHOSEN_ROW, CHOSEN_ROWS, "Chosen front point", CHOSEN)):
        style.header_row(ws, top, RESULT_COL, [title, "Value"])
        for i in range(n):
            for j in (0, 1):
                c = ws.cell(row=top + 1 + i, column=RESULT_COL + j)
                style.style_result(c)
                c.number_format = "General"  # counts, flags and values of any size
        style.name(wb, nm, ws, f"{H}{top + 1}:{I}{top + n}")
    r2 = CHOSEN_ROW

    # the front table (header + MAX_POINTS rows); columns B and C hold the first two objectives
    ws.cell(row=FRONT_ROW - 1, column=1, value="Pareto front (written by the macro; objectives first, then the "
            "chosen flag, the variables and the other outputs)").font = style.SECTION_FONT
    style.header_row(ws, FRONT_ROW, 1, ["point", "objective 1", "objective 2"] + [""] * (FRONT_COLS - 3))
    for i in range(MAX_POINTS):
        for j in range(FRONT_COLS):
            style.style_result(ws.cell(row=FRONT_ROW + 1 + i, column=1 + j))
        ws.cell(row=FRONT_ROW + 1 + i, column=1).number_format = "0"  # the point number
    last_col = style.col_letter(FRONT_COLS)
    style.name(wb, FRONT, ws, f"A{FRONT_ROW}:{last_col}{FRONT_ROW + MAX_POINTS}")

    # the chosen point: rows 2 and 3 of the chosen block hold objective 1 and objective 2
    chart = front_chart(
        Reference(ws, min_col=3, min_row=FRONT_ROW + 1, max_row=FRONT_ROW + MAX_POINTS),
        Reference(ws, min_col=2, min_row=FRONT_ROW + 1, max_row=FRONT_ROW + MAX_POINTS),
        Reference(ws, min_col=RESULT_COL + 1, min_row=r2 + 3, max_row=r2 + 3),
        Reference(ws, min_col=RESULT_COL + 1, min_row=r2 + 2, max_row=r2 + 2),
        axis_title(DEFAULT_OBJECTIVES[0][0]), axis_title(DEFAULT_OBJECTIVES[1][0]), width=17)  # the macro rewrites them
    ws.add_chart(chart, f"{style.col_letter(RESULT_COL + 3)}{SETTINGS_ROW + 2}")

    ws.freeze_panes = "A4"
    style.widths(ws, {"A": 30, "B": 22, "C": 16, "D": 10, "E": 34, "F": 40, "G": 12, "H": 34, "I": 18,
                      **{style.col_letter(j): 14 for j in range(RESULT_COL + 2, FRONT_COLS + 1)}})  # the front's columns
