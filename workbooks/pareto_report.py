"""The optimisation report workbook: settings, the front (table and chart), the chosen design in full.

Sheets: *Optimisation* (headline: method, points, hypervolume, knee, chosen point, xlcell version, inputs hash,
time written), *Settings* (variables with bounds, objectives, constraints, method settings, the base design's
given values), *Front* (the table and a native scatter chart with the chosen design highlighted), then every
section of :data:`workbooks.report.SECTIONS` for the chosen design (inputs, metrics, mass, rate capability and,
as the model areas register theirs, the cost breakdown). Values come from the report scenario (:mod:`app.report`);
this module lays them out and never opens the user's workbook for writing.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference

import xlcell
from xlcell.optimize import DesignProblem
from xlcell.pareto import HV_REFERENCE, ParetoFront
from xlcell.registry import key_unit
from xlcell.units import unit_mark, with_unit

from . import style
from .sheets.pareto import axis_title, front_chart
from .report import SECTIONS, build_report


def _f(v: Any) -> Any:
    a = np.asarray(v)
    return a.item() if a.size == 1 else v


def optimisation_sheet(wb: Workbook, settings: Any, problem: DesignProblem, front: ParetoFront, chosen: int,
                       written: str, digest: str) -> None:
    ws = wb.create_sheet("Optimisation")
    style.title(ws, "xlcell report — Pareto front", f"xlcell {xlcell.__version__} · written {written} · inputs hash {digest}")
    objs = ", ".join(f"{'max' if s < 0 else 'min'} {k}" for k, s in zip(front.objective_keys, front.senses))
    rows = [
        ("Objectives", objs, ""),
        ("Variables", ", ".join(front.variable_keys), ""),
        ("Constraints", "; ".join(problem.constraint_names) or "none", ""),
        ("Method", {"epsilon": "epsilon-constraint", "weighted": "weighted sum"}[front.method], ""),
        ("Points on the front", len(front), ""),
        ("Sub-problems solved", front.n_subproblems, ""),
        ("Infeasible sub-problems (dropped)", front.n_infeasible, ""),
        ("Dominated or duplicate solutions (dropped)", front.n_dominated, ""),
        ("Normalised hypervolume", front.hypervolume if len(front) >= 2 else "n/a",
         f"ideal 0, nadir 1, reference {HV_REFERENCE}" if len(front) >= 2 else "fewer than 2 points: nothing to normalise"),
        ("Knee point", front.knee + 1, "least sum of normalised objectives"),
        ("Chosen point", chosen + 1, "knee" if chosen == front.knee else "set on the Pareto sheet"),
        ("Model calls (population evaluations)", front.n_model_calls, ""),
        ("Seconds", round(front.seconds, 3), ""),
        ("Seed", settings.seed, "the same seed gives the same front"),
    ]
    for k, key in enumerate(front.objective_keys):
        rows.append((f"Ideal {key}", float(front.ideal[k]), unit_mark(front.units[key])))
        rows.append((f"Nadir {key}", float(front.nadir[k]), unit_mark(front.units[key])))
    style.header_row(ws, 4, 1, ["Item", "Value", "Note / unit"])
    for i, (a, b, c) in enumerate(rows, start=5):
        ws.cell(row=i, column=1, value=a)
        cell = ws.cell(row=i, column=2, value=b)
        style.style_result(cell, c if c in ("$/kWh", "W/kg", "Wh/kg") else "-")
        if isinstance(b, (int, str)):
            cell.number_format = "General"
        ws.cell(row=i, column=3, value=c).font = style.DERIVED_FONT
    r = 6 + len(rows)
    for k, v in (("xlcell version", xlcell.__version__), ("Written", written), ("Inputs hash", digest),
                 ("Solver", "SLSQP (scipy) on scaled variables, central-difference gradients, seeded multi-start")):
        ws.cell(row=r, column=1, value=k).font = style.DERIVED_FONT
        ws.cell(row=r, column=2, value=v)
        r += 1
    style.widths(ws, {"A": 42, "B": 40, "C": 36})


def settings_sheet(wb: Workbook, settings: Any) -> None:
    ws = wb.create_sheet("Settings")
    style.title(ws, "Optimisation settings", "As read from the Pareto and Design sheets of the workbook")
    r = 4
    blocks = [(["Variable", "Lower", "Upper", "Unit"], [(v.key, v.lower, v.upper) for v in settings.variables]),
              (["Objective", "Sense", "", "Unit"], [(o.key, o.sense, None) for o in settings.objectives]),
              (["Constraint", "Lower", "Upper", "Unit"], [(c.key, c.lower, c.upper) for c in settings.constraints])]
    for header, rows in blocks:
        style.header_row(ws, r, 1, header)
        for row in rows:
            r += 1
            for j, x in enumerate((*row, unit_mark(key_unit(row[0])))):
                ws.cell(row=r, column=1 + j, value=x)
        r += 2
    r -= 2
    r += 2
    style.header_row(ws, r, 1, ["Setting", "Value"])
    for k in ("method", "n_points", "seed", "n_starts", "chosen"):
        r += 1
        ws.cell(row=r, column=1, value=k)
        ws.cell(row=r, column=2, value=getattr(settings, k))
    r += 1
    ws.cell(row=r, column=1, value="extra_outputs")
    ws.cell(row=r, column=2, value=", ".join(settings.extra_outputs))
    r += 2
    style.header_row(ws, r, 1, ["Design input given", "Value", "", "Unit"])
    for k, v in settings.base_values.items():
        r += 1
        ws.cell(row=r, column=1, value=k)
        ws.cell(row=r, column=2, value=_f(v))
        ws.cell(row=r, column=4, value=unit_mark(_design_unit(k)))  # as the variables' unit above (a key_unit)
    style.widths(ws, {"A": 34, "B": 16, "C": 16, "D": 10})


def _design_unit(key: str) -> str:
    """The display unit of a design key (``text`` for a material name, whose key is no model output)."""
    from xlcell.errors import UnknownKeyError

    try:
        return key_unit(key)
    except UnknownKeyError:
        return "text"


def front_sheet(wb: Workbook, front: ParetoFront, chosen: int) -> None:
    ws = wb.create_sheet("Front")
    style.title(ws, "Pareto front", "Objectives first (the chart plots columns B and C), then the variables and outputs")
    table = front.table()
    objs = front.objective_keys
    rest = [k for k in table if k not in ("point", "knee", *objs)]
    header = ["point", *objs, "knee", "chosen", *rest]
    style.header_row(ws, 4, 1, header)
    for i in range(len(front)):
        row = [i + 1, *[table[k][i] for k in objs], i == front.knee, i == chosen, *[table[k][i] for k in rest]]
        for j, v in enumerate(row):
            c = ws.cell(row=5 + i, column=1 + j, value=v)
            style.style_result(c, front.units[header[j]] if header[j] not in ("point", "knee", "chosen") else "bool")
    ws.cell(row=3, column=1, value="Units: " + ", ".join(with_unit(k, front.units[k]) for k in header
                                                          if k not in ("point", "knee", "chosen"))).font = style.DERIVED_FONT
    last = 4 + len(front)
    cx = ws.cell(row=last + 2, column=1, value=f"Chosen design (point {chosen + 1}; the chart's red diamond)")
    cx.font = style.SECTION_FONT
    for r, k in ((last + 3, 0), (last + 4, 1)):
        style.style_result(ws.cell(row=r, column=2, value=float(front.F[chosen, k])), front.units[objs[k]])
        ws.cell(row=r, column=3, value=with_unit(objs[k], front.units[objs[k]])).font = style.DERIVED_FONT

    chart = front_chart(Reference(ws, min_col=3, min_row=5, max_row=last), Reference(ws, min_col=2, min_row=5, max_row=last),
                        Reference(ws, min_col=2, min_row=last + 4, max_row=last + 4),
                        Reference(ws, min_col=2, min_row=last + 3, max_row=last + 3),
                        axis_title(objs[0]), axis_title(objs[1]))
    ws.add_chart(chart, f"A{last + 7}")
    ws.freeze_panes = "B5"
    style.widths(ws, {style.col_letter(j + 1): 16 for j in range(len(header))})


def build_pareto_report(ctx: Any, settings: Any, problem: DesignProblem, front: ParetoFront, chosen: int) -> Workbook:
    """The optimisation report of ``front``: its own sheets, then every report section for the chosen design
    (``ctx``, a :class:`workbooks.report.ReportContext` evaluated by :func:`app.report.write_pareto_report` with the
    workbook's model context)."""
    ours = [lambda wb, c: optimisation_sheet(wb, settings, problem, front, chosen, ctx.written, ctx.inputs_hash),
            lambda wb, c: settings_sheet(wb, settings), lambda wb, c: front_sheet(wb, front, chosen)]
    wb = build_report(ctx, ours + list(SECTIONS))  # the chosen design's sections: inputs, metrics, cost, lifetime...
    wb["Summary"].title = "Chosen design"
    return wb


__all__ = ["build_pareto_report", "optimisation_sheet", "settings_sheet", "front_sheet"]
