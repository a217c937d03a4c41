"""Report workbooks (``xlcell report``): a snapshot of one design's inputs and results, native charts.

A report is a set of sections, each a function ``section(wb, ctx)`` in :data:`SECTIONS`; model
areas add theirs (cost, lifetime, ...). Values come from :mod:`xlcell` through
:func:`report_context`; the writers only lay them out.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series

import xlcell
from xlcell.cell import CellDesign, CellMetrics, evaluate_cell, rate_capability
from xlcell.design import design_from_mapping, design_keys
from xlcell.materials import Material
from xlcell.params import specs

from . import style
from .report_calendering import calendering_section
from .report_cost import cost_section
from .xlsx import save, text_only

RATE_GRID = [0.1, 0.2, 1 / 3, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0]


@dataclass
class ReportContext:
    """Everything a report section may show (display units unless stated)."""

    values: dict[str, Any]  #: the design values the user gave (display units)
    design: CellDesign  #: the resolved design (SI)
    cell: dict[str, Any]  #: cell metrics (display units)
    materials: Mapping[str, Material] = field(default_factory=dict)
    written: str = ""
    inputs_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  #: shared between sections


def _scalar(v: Any) -> Any:
    a = np.asarray(v)
    return a.item() if a.size == 1 else a.tolist()


def inputs_hash(values: Mapping[str, Any]) -> str:
    """A short, stable hash of the inputs (keys sorted, numbers as repr)."""
    blob = json.dumps({k: _scalar(v) for k, v in sorted(values.items())}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def report_context(values: Mapping[str, Any] | None = None, materials: Mapping[str, Material] | None = None,
                   when: _dt.datetime | None = None) -> ReportContext:
    """Evaluate one design (display-unit ``values``; missing keys take defaults) for a report."""
    vals = dict(values or {})
    design = design_from_mapping(vals, materials)
    cell = {k: _scalar(v) for k, v in evaluate_cell(design).as_display().items()}
    when = when or _dt.datetime.now(_dt.timezone.utc)
    return ReportContext(values=vals, design=design, cell=cell, materials=dict(materials or {}),
                         written=when.strftime("%Y-%m-%d %H:%M:%S UTC"), inputs_hash=inputs_hash(vals))


# ------------------------------------------------------------------------------ sections
def summary_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Summary")
    style.title(ws, "xlcell report — cell design", f"xlcell {xlcell.__version__} · written {ctx.written} · "
                f"inputs hash {ctx.inputs_hash}")
    rows = [("Capacity", "capacity_Ah", "Ah"), ("Energy", "energy_Wh", "Wh"), ("Mean voltage", "avg_voltage_V", "V"),
            ("Specific energy", "specific_energy_Wh_kg", "Wh/kg"), ("Energy density", "energy_density_Wh_L", "Wh/L"),
            ("Maximum power", "max_power_W", "W"), ("Cell resistance", "resistance_mohm", "mΩ"),
            ("Usable capacity at the C-rate", "usable_capacity_Ah", "Ah"), ("Feasible", "feasible", "")]
    style.header_row(ws, 4, 1, ["Headline", "Value", "Unit"])
    for i, (label, key, unit) in enumerate(rows, start=5):
        ws.cell(row=i, column=1, value=label)
        style.style_result(ws.cell(row=i, column=2, value=ctx.cell[key]), unit or "bool")
        ws.cell(row=i, column=3, value=unit)
    r = 5 + len(rows) + 1
    for k, v in (("xlcell version", xlcell.__version__), ("Written", ctx.written), ("Inputs hash", ctx.inputs_hash),
                 ("Model", "xlcell.cell.evaluate_cell (SI inside; engineering units shown)")):
        ws.cell(row=r, column=1, value=k).font = style.DERIVED_FONT
        ws.cell(row=r, column=2, value=v)
        r += 1
    style.widths(ws, {"A": 34, "B": 22, "C": 10})


def inputs_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Inputs")
    style.title(ws, "Design inputs", "Every key of the design with the value used; source says where it came from.")
    style.header_row(ws, 4, 1, ["Parameter", "Key", "Value", "Unit", "Source"])
    given = {k.lower() for k in ctx.values}
    used = _used_inputs(ctx.design)
    r = 4
    for k in design_keys():
        r += 1
        ws.cell(row=r, column=1, value=k.label)
        ws.cell(row=r, column=2, value=k.key)
        v = ctx.values.get(k.key, ctx.values.get(k.key.lower())) if k.key.lower() in given else used.get(k.key, k.default)
        c = ws.cell(row=r, column=3, value=_scalar(v) if v is not None else None)
        (style.style_input if k.key.lower() in given else style.style_result)(c, k.unit)
        ws.cell(row=r, column=4, value=k.unit)
        src = "input" if k.key.lower() in given else ("library" if k.spec is not None and k.spec.from_material
                                                     else "derived" if k.default is None else "default")
        ws.cell(row=r, column=5, value=src).font = style.DERIVED_FONT
    ws.freeze_panes = "A5"
    style.widths(ws, {"A": 40, "B": 32, "C": 14, "D": 10, "E": 10})


def _used_inputs(d: CellDesign) -> dict[str, Any]:
    from xlcell.cell import resolve
    from xlcell.params import to_display

    r = resolve(d)
    out: dict[str, Any] = {}
    for prefix, obj in (("pos_", r.pos), ("neg_", r.neg), ("sep_", r.sep), ("", r)):
        out.update({k: _scalar(v) for k, v in to_display(obj, prefix).items()})
    return out


def metrics_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Metrics")
    style.title(ws, "Cell metrics", "Computed by xlcell.cell.evaluate_cell")
    style.header_row(ws, 4, 1, ["Result", "Metric", "Value", "Unit"])
    for i, s in enumerate(specs(CellMetrics), start=5):
        ws.cell(row=i, column=1, value=s.label)
        ws.cell(row=i, column=2, value=s.key)
        style.style_result(ws.cell(row=i, column=3, value=ctx.cell[s.key]), s.unit)
        ws.cell(row=i, column=4, value="" if s.unit in ("-", "bool") else s.unit)
    ws.freeze_panes = "A5"
    style.widths(ws, {"A": 44, "B": 32, "C": 16, "D": 10})


def mass_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Mass")
    style.title(ws, "Mass breakdown", "Per cell, from the stack geometry and the packaging input")
    parts = [(s.label.replace("Mass: ", ""), s.key) for s in specs(CellMetrics) if s.key.startswith("mass_") and s.key != "mass_g"]
    style.header_row(ws, 4, 1, ["Component", "Mass (g)", "Share (%)"])
    total = ctx.cell["mass_g"]
    for i, (label, key) in enumerate(parts, start=5):
        ws.cell(row=i, column=1, value=label)
        style.style_result(ws.cell(row=i, column=2, value=ctx.cell[key]), "g")
        style.style_result(ws.cell(row=i, column=3, value=ctx.cell[key] / total), "%")
    last = 4 + len(parts)
    ws.cell(row=last + 1, column=1, value="Total").font = style.Font(bold=True)
    style.style_result(ws.cell(row=last + 1, column=2, value=total), "g")
    chart = style.bar_chart("Cell mass by component", Reference(ws, min_col=2, min_row=4, max_row=last),
                            Reference(ws, min_col=1, min_row=5, max_row=last), y_title="Mass (g)")
    ws.add_chart(chart, "E4")
    style.widths(ws, {"A": 24, "B": 12, "C": 12})


def rate_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Rate capability")
    style.title(ws, "Rate capability", "Usable capacity versus C-rate from the diffusion limits (electrolyte depletion, "
                "solid diffusion)")
    frac = np.asarray(rate_capability(ctx.design, RATE_GRID)).reshape(-1)
    style.header_row(ws, 4, 1, ["C-rate (1/h)", "Usable fraction (-)", "Usable capacity (Ah)"])
    for i, (c, f) in enumerate(zip(RATE_GRID, frac), start=5):
        ws.cell(row=i, column=1, value=float(c)).number_format = "0.00"
        style.style_result(ws.cell(row=i, column=2, value=float(f)))
        style.style_result(ws.cell(row=i, column=3, value=float(f) * ctx.cell["capacity_Ah"]), "Ah")
    last = 4 + len(RATE_GRID)
    chart = ScatterChart()
    chart.title = "Usable capacity vs C-rate"
    chart.style = 13
    chart.x_axis.title = "C-rate (1/h)"
    chart.y_axis.title = "Usable capacity (Ah)"
    s = Series(Reference(ws, min_col=3, min_row=4, max_row=last), Reference(ws, min_col=1, min_row=5, max_row=last),
               title_from_data=True)
    s.marker.symbol = "circle"
    chart.series.append(s)
    chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, "E4")
    ws.cell(row=last + 2, column=1, value=f"Limits at the design C-rate ({ctx.cell['t_discharge_s'] / 3600:.3g} h discharge): "
            f"max positive thickness {ctx.cell['max_pos_thickness_um']:.4g} µm, "
            f"max positive particle radius {ctx.cell['max_pos_particle_radius_um']:.4g} µm").font = style.DERIVED_FONT
    style.widths(ws, {"A": 14, "B": 20, "C": 22})


FADE_CYCLES = [0, 250, 500, 1000, 1500, 2000, 3000, 4000, 5000, 6000]


def lifetime_section(wb: Workbook, ctx: ReportContext) -> None:
    """SEI fade (mechanism, sees the design) against Wang et al. 2011 (empirical), and cracking."""
    from xlcell.degradation import (WANG_MAX_C_RATE, cracking, sei_cycle_life, sei_fade_vs_cycles, wang_cycle_life,
                                    wang_fade_vs_cycles, wang_in_range)

    ws = wb.create_sheet("Lifetime")
    T = float(np.asarray(ctx.design.temperature_K).reshape(-1)[0])
    c = float(np.asarray(ctx.design.c_rate_per_h).reshape(-1)[0])
    style.title(ws, "Lifetime", f"At {T - 273.15:.4g} °C, 365 full cycles per year, default SEI and cracking parameters; "
                f"the empirical model (graphite/LFP) at the design C-rate {c:.3g} C")
    sei = sei_fade_vs_cycles(ctx.design, np.array(FADE_CYCLES, dtype=float), 365.0)
    wang_defined = c <= WANG_MAX_C_RATE  # the published B table stops at 10C: no empirical curve above it
    wang = (wang_fade_vs_cycles(c, T, np.array(FADE_CYCLES, dtype=float)).soh
            if wang_defined else [None] * len(FADE_CYCLES))
    style.header_row(ws, 4, 1, ["Cycles", "SOH, SEI model (-)", "SOH, Wang et al. 2011 (-)"])
    for i, (n, a, b) in enumerate(zip(FADE_CYCLES, np.asarray(sei.soh).reshape(-1), wang), start=5):
        ws.cell(row=i, column=1, value=n)
        style.style_result(ws.cell(row=i, column=2, value=float(a)))
        style.style_result(ws.cell(row=i, column=3, value=None if b is None else float(b)))
    last = 4 + len(FADE_CYCLES)
    xs = Reference(ws, min_col=1, min_row=5, max_row=last)
    chart = style.scatter_chart("Capacity fade: mechanism vs empirical", "Equivalent full cycles", "State of health (-)",
                                [(Reference(ws, min_col=col, min_row=4, max_row=last), xs, None) for col in (2, 3)])
    ws.add_chart(chart, "E4")
    crack = cracking(ctx.design)
    rows = [("Cycle life to 80 % SOH, SEI model", float(np.asarray(sei_cycle_life(ctx.design, 365.0)).reshape(-1)[0]), "cycles"),
            ("Cycle life to 80 % SOH, Wang et al. 2011",
             float(wang_cycle_life(c, T)) if wang_defined else f"n/a (no published B above {WANG_MAX_C_RATE:g}C)",
             "cycles"),
            ("Wang et al. inside its tested C-rate/temperature range", bool(wang_in_range(c, T)), ""),
            ("SEI surface of the negative (a·L·A)", float(np.asarray(sei.surface_area_m2).reshape(-1)[0]), "m²"),
            ("Swelling stress, negative", float(np.asarray(crack.stress_Pa).reshape(-1)[0]) / 1e6, "MPa"),
            ("Critical thickness for cracking, negative", float(np.asarray(crack.critical_thickness_m).reshape(-1)[0]) * 1e6, "µm"),
            ("Negative cracked", bool(np.asarray(crack.cracked).reshape(-1)[0]), ""),
            ("Resistance rise from cracking (∝ L²)", float(np.asarray(crack.delta_resistance_ohm).reshape(-1)[0]) * 1e3, "mΩ")]
    r = last + 3
    style.header_row(ws, r, 1, ["Result", "Value", "Unit"])
    for label, v, unit in rows:
        r += 1
        ws.cell(row=r, column=1, value=label)
        style.style_result(ws.cell(row=r, column=2, value=v), "bool" if isinstance(v, bool) else "-")
        ws.cell(row=r, column=3, value=unit)
    ws.cell(row=r + 2, column=1, value="The empirical fit describes the tested cell only: it cannot see the particle size, "
            "thickness or porosity of this design; the SEI model can.").font = style.DERIVED_FONT
    ctx.extra["sei_cycle_life"] = rows[0][1]
    style.widths(ws, {"A": 50, "B": 22, "C": 26})


def lcos_section(wb: Workbook, ctx: ReportContext) -> None:
    """Project LCOS (Schmidt et al. 2019) with fixed and SEI-model degradation; components and cash flow."""
    from xlcell.degradation import sei_soh_by_year
    from xlcell.lcos import LcosInputs, cashflow, cell_lcos, lcos

    ws = wb.create_sheet("LCOS")
    inp = LcosInputs()
    n = int(inp.lifetime_years)
    style.title(ws, "Levelised cost of storage", f"Schmidt et al. (2019) discounted LCOS of the default example plant "
                f"({inp.power_W / 1e6:g} MW / {inp.energy_J / 3.6e9:g} MWh, {n} years, r = {inp.discount_rate:g}); "
                "degradation fixed or from this design's SEI growth")
    fixed = lcos(inp)
    sei = lcos(inp, soh=sei_soh_by_year(ctx.design, n, float(inp.cycles_per_year)))
    parts = [("Capex", "capex_usd_J"), ("O&M", "om_usd_J"), ("Charging", "charging_usd_J"), ("End of life", "eol_usd_J"),
             ("LCOS", "lcos_usd_J")]
    style.header_row(ws, 4, 1, ["Component ($/MWh)", f"Fixed {inp.annual_degradation:.0%}/yr", "SEI model"])
    for i, (label, attr) in enumerate(parts, start=5):
        ws.cell(row=i, column=1, value=label).font = style.Font(bold=label == "LCOS")
        for j, res in enumerate((fixed, sei), start=2):
            style.style_result(ws.cell(row=i, column=j, value=float(np.asarray(getattr(res, attr)).reshape(-1)[0]) * 3.6e9), "-")
    chart = BarChart()
    chart.type = "col"
    chart.title = "LCOS by cost component"
    chart.y_axis.title = "$/MWh discharged"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=4, max_row=8), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=8))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, 14
    ws.add_chart(chart, "E4")
    if "model_context" in ctx.extra:  # an optimisation report: the same model settings as its front table
        rows = _cell_lcos_rows(ctx.design, ctx.extra["model_context"])
    else:
        cell = cell_lcos(ctx.design, float(inp.cycles_per_year))
        rows = [("Cell LCOS (seed's form, η = 0.95)", float(np.asarray(cell.lcos_usd_J).reshape(-1)[0]) * 3.6e6, "$/kWh"),
                ("C_BOM per cell (cost model)", float(np.asarray(cell.c_bom_usd).reshape(-1)[0]), "$"),
                ("C_mfg per cell (cost model)", float(np.asarray(cell.c_mfg_usd).reshape(-1)[0]), "$"),
                ("Energy per cycle E_u (cell model)", float(np.asarray(cell.energy_J).reshape(-1)[0]) / 3.6e6, "kWh"),
                ("Cycle life N_cyc to 80 % (SEI model)", float(np.asarray(cell.cycles).reshape(-1)[0]), "cycles")]
    r = 11
    style.header_row(ws, r, 1, ["Cell level", "Value", "Unit"])
    for label, v, unit in rows:
        r += 1
        if v is None:  # a note under the table
            ws.cell(row=r, column=1, value=label).font = style.DERIVED_FONT
            continue
        ws.cell(row=r, column=1, value=label)
        style.style_result(ws.cell(row=r, column=2, value=v), "-")
        ws.cell(row=r, column=3, value=unit)
    cf = cashflow(inp)
    cols = [("Year", "year", 1.0), ("SOH", "soh", 1.0), ("Discharged (MWh)", "energy_discharged_J", 1 / 3.6e9),
            ("Capex ($)", "capex_usd", 1.0), ("Fixed O&M ($)", "fixed_om_usd", 1.0), ("Variable O&M ($)", "var_om_usd", 1.0),
            ("Charging ($)", "charging_usd", 1.0), ("End of life ($)", "eol_usd", 1.0), ("Discount factor", "discount_factor", 1.0),
            ("Discounted cost ($)", "discounted_cost_usd", 1.0), ("Discounted energy (MWh)", "discounted_energy_J", 1 / 3.6e9)]
    top = 22
    ws.cell(row=top - 1, column=1, value="Yearly cash flow (fixed degradation)").font = style.SECTION_FONT
    style.header_row(ws, top, 1, [c[0] for c in cols])
    for i in range(np.asarray(cf["year"]).size):
        for j, (_, key, scale) in enumerate(cols, start=1):
            cell = ws.cell(row=top + 1 + i, column=j, value=float(np.asarray(cf[key]).reshape(-1)[i]) * scale)
            style.style_result(cell, "-")
            cell.number_format = "0.000" if key in ("soh", "discount_factor") else "#,##0"
    style.widths(ws, {"A": 22, "B": 16, "C": 16, **{style.col_letter(k): 16 for k in range(4, 12)}})


def _cell_lcos_rows(design: CellDesign, model_context: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The cell-level LCOS rows as the optimisation computes them (:mod:`xlcell.registry`'s ``lcos`` provider with
    the workbook's factory, BOM, SEI parameters and efficiency setting), so the report shows one number."""
    from xlcell.registry import evaluate_outputs

    keys = ["lcos_cell_usd_per_kWh", "round_trip_efficiency", "materials_usd", "cell_cost_usd", "energy_Wh", "cycle_life"]
    o = {k: float(np.asarray(v).reshape(-1)[0]) for k, v in evaluate_outputs(design, {}, keys, model_context).items()}
    fixed = "efficiency" in dict(model_context.get("lcos") or {})
    eta = f"η = {o['round_trip_efficiency']:.4g}" + (" (set)" if fixed else " from the cell's resistance at the C-rate")
    return [("Cell LCOS", o["lcos_cell_usd_per_kWh"], "$/kWh"),
            ("Round-trip efficiency η", o["round_trip_efficiency"], "-"),
            ("C_BOM per cell", o["materials_usd"], "$"),
            ("C_mfg per cell", o["cell_cost_usd"] - o["materials_usd"], "$"),
            ("Energy per cycle E_u", o["energy_Wh"] / 1e3, "kWh"),
            ("Cycle life N_cyc to 80 %", o["cycle_life"], "cycles"),
            (f"As in the front table: seed's form, {eta}; the workbook's factory, BOM and SEI parameters", None, "")]


#: report sections in sheet order; model areas append theirs
SECTIONS: list[Callable[[Workbook, ReportContext], None]] = [summary_section, inputs_section, metrics_section,
                                                               mass_section, rate_section, cost_section, lifetime_section,
                                                               lcos_section, calendering_section]


def build_report(ctx: ReportContext, sections: list[Callable] | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for section in sections or SECTIONS:
        section(wb, ctx)
    for ws in wb.worksheets:
        style.print_setup(ws)
    return text_only(wb)  # a report has no formulas: a name or setting that starts with "=" stays text


def write_report(path: str | Path, values: Mapping[str, Any] | None = None,
                 materials: Mapping[str, Material] | None = None, when: _dt.datetime | None = None) -> Path:
    """Write a report of one design (display-unit ``values``; missing keys take defaults)."""
    return save(build_report(report_context(values, materials, when)), path)
