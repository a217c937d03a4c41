"""Report workbooks (``xlcell report``): a snapshot of one design's inputs and results, native charts.

A report is a set of sections, each a function ``section(wb, ctx)`` in :data:`SECTIONS`; model
areas add theirs (cost, lifetime, ...). Every value comes in the :class:`ReportContext` that the report
scenario (:func:`app.report.report_context`) fills from the kernels and :mod:`xlcell.studies`; the writers
only lay them out and never call a model.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

import xlcell
from xlcell.cell import CellDesign, CellMetrics
from xlcell.cost import CostDetails, Tornado
from xlcell.design import design_keys
from xlcell.lcos import CASHFLOW_SPECS, CellLcos
from xlcell.materials import Material
from xlcell.nip import NipSimulation
from xlcell.params import specs, to_display
from xlcell.studies import (CalenderingResult, CalenderingStudy, LifetimeScenario, LifetimeStudy, ProjectLcosStudy,
                             ThicknessResult)
from xlcell.units import to_display as unit_to_display
from xlcell.units import unit_mark, with_unit

from . import style
from .report_calendering import calendering_section, simulation_section
from .report_cost import cost_section
from .report_thickness import duty_name, thickness_section
from .xlsx import text_only

#: C-rates of the rate-capability table (1/h)
RATE_GRID = [0.1, 0.2, 1 / 3, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0]
#: equivalent full cycles of the lifetime table
FADE_CYCLES = [0, 250, 500, 1000, 1500, 2000, 3000, 4000, 5000, 6000]


@dataclass
class ReportContext:
    """Everything a report section shows, computed by the report scenario (display units unless stated)."""

    values: dict[str, Any]  #: the design values the user gave (display units)
    design: CellDesign  #: the resolved design (SI)
    cell: dict[str, Any]  #: cell metrics (display units)
    materials: Mapping[str, Material] = field(default_factory=dict)
    written: str = ""
    inputs_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  #: shared between sections
    used: dict[str, Any] = field(default_factory=dict)  #: every design input as used (display units)
    rate: Any = None  #: usable capacity fraction at each C-rate of RATE_GRID
    cost: CostDetails | None = None  #: the cost roll-up (SI)
    sensitivity: Tornado | None = None  #: the tornado of $/kWh (its step: Tornado.fraction)
    lifetime: LifetimeStudy | None = None  #: at FADE_CYCLES
    lifetime_scenario: LifetimeScenario = field(default_factory=LifetimeScenario)  #: the lifetime study's scenario
    cell_lcos_scenario: LifetimeScenario = field(default_factory=LifetimeScenario)  #: the cell LCOS's scenario
    project_lcos: ProjectLcosStudy | None = None
    cell_lcos: CellLcos | None = None
    cell_lcos_as_front: bool = False  #: the cell LCOS of an optimisation's model context (as in its front table)
    thickness: ThicknessResult | None = None  #: the thickness study (slow and fast duty)
    calendering_material: str = ""
    calendering_study: CalenderingStudy | None = None
    calendering: CalenderingResult | None = None  #: None: no calendering parameters for the material (or a note)
    calendering_note: str = ""  #: why the calendering sweep is missing when the material has parameters
    calendering_refused: tuple = ()  #: per line load: why it has no rated cell ("" where it has one)
    simulation: NipSimulation | None = None  #: the nip simulation of the positive coating (FE and 1D), or None
    simulation_note: str = ""  #: why there is no nip simulation
    simulation_picture: bytes | None = None  #: its FE fields (PNG)


def _scalar(v: Any) -> Any:
    a = np.asarray(v)
    return a.item() if a.size == 1 else a.tolist()


def inputs_hash(values: Mapping[str, Any]) -> str:
    """A short, stable hash of the inputs (keys sorted, numbers as repr)."""
    blob = json.dumps({k: _scalar(v) for k, v in sorted(values.items())}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------ sections
def summary_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Summary")
    style.title(ws, "xlcell report — cell design", f"xlcell {xlcell.__version__} · written {ctx.written} · "
                f"inputs hash {ctx.inputs_hash}")
    rows = [("Capacity", "capacity_Ah", "Ah"), ("Energy", "energy_Wh", "Wh"), ("Mean voltage", "avg_voltage_V", "V"),
            ("Specific energy", "specific_energy_Wh_kg", "Wh/kg"), ("Energy density", "energy_density_Wh_L", "Wh/L"),
            ("Maximum power", "max_power_W", "W"), ("Cell resistance", "resistance_mohm", "mΩ"),
            ("Usable capacity at the C-rate", "usable_capacity_Ah", "Ah"), ("Feasible", "feasible", "bool")]
    style.header_row(ws, 4, 1, ["Headline", "Value", "Unit"])
    for i, (label, key, unit) in enumerate(rows, start=5):
        ws.cell(row=i, column=1, value=label)
        style.style_result(ws.cell(row=i, column=2, value=ctx.cell[key]), unit)
        ws.cell(row=i, column=3, value=unit_mark(unit))
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
    used = ctx.used
    r = 4
    for k in design_keys():
        r += 1
        ws.cell(row=r, column=1, value=k.label)
        ws.cell(row=r, column=2, value=k.key)
        v = ctx.values.get(k.key, ctx.values.get(k.key.lower())) if k.key.lower() in given else used.get(k.key, k.default)
        c = ws.cell(row=r, column=3, value=_scalar(v) if v is not None else None)
        (style.style_input if k.key.lower() in given else style.style_result)(c, k.unit)
        ws.cell(row=r, column=4, value=unit_mark(k.unit))
        src = "input" if k.key.lower() in given else ("library" if k.spec is not None and k.spec.from_material
                                                     else "derived" if k.default is None else "default")
        ws.cell(row=r, column=5, value=src).font = style.DERIVED_FONT
    ws.freeze_panes = "A5"
    style.widths(ws, {"A": 40, "B": 32, "C": 14, "D": 10, "E": 10})


def metrics_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Metrics")
    style.title(ws, "Cell metrics", "Computed by xlcell.cell.evaluate_cell")
    style.header_row(ws, 4, 1, ["Result", "Metric", "Value", "Unit"])
    for i, s in enumerate(specs(CellMetrics), start=5):
        ws.cell(row=i, column=1, value=s.label)
        ws.cell(row=i, column=2, value=s.key)
        style.style_result(ws.cell(row=i, column=3, value=ctx.cell[s.key]), s.unit)
        ws.cell(row=i, column=4, value=unit_mark(s.unit))
    ws.freeze_panes = "A5"
    style.widths(ws, {"A": 44, "B": 32, "C": 16, "D": 10})


def mass_section(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("Mass")
    style.title(ws, "Mass breakdown", "Per cell, from the cell format's geometry (its terminals and pouch included)")
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
    frac = np.asarray(ctx.rate).reshape(-1)
    style.header_row(ws, 4, 1, ["C-rate (1/h)", "Usable fraction (-)", "Usable capacity (Ah)"])
    for i, (c, f) in enumerate(zip(RATE_GRID, frac), start=5):
        ws.cell(row=i, column=1, value=float(c)).number_format = "0.00"
        style.style_result(ws.cell(row=i, column=2, value=float(f)))
        style.style_result(ws.cell(row=i, column=3, value=float(f) * ctx.cell["capacity_Ah"]), "Ah")
    last = 4 + len(RATE_GRID)
    # straight segments between the computed points: a smoothed line (the default without scatterStyle and smooth)
    # overshot between 0.75C and 1C, a bump the model does not have
    chart = style.scatter_chart("Usable capacity vs C-rate", "C-rate (1/h)", "Usable capacity (Ah)",
                                [(Reference(ws, min_col=3, min_row=4, max_row=last),
                                  Reference(ws, min_col=1, min_row=5, max_row=last), None)], lines=True)
    chart.legend = None
    ws.add_chart(chart, "E4")
    # the note runs past column D: below the chart (rows of 15 pt, 0.529 cm), not hidden under it
    below_chart = 4 + math.ceil(chart.height / 0.529) + 1
    ws.cell(row=max(last + 2, below_chart), column=1, value=f"Limits at the design C-rate ({unit_to_display(ctx.cell['t_discharge_s'], 'h'):.3g} h discharge): "
            f"max positive thickness {ctx.cell['max_pos_thickness_um']:.4g} µm, "
            f"max positive particle radius {ctx.cell['max_pos_particle_radius_um']:.4g} µm").font = style.DERIVED_FONT
    style.widths(ws, {"A": 14, "B": 20, "C": 22})


def lifetime_section(wb: Workbook, ctx: ReportContext) -> None:
    """The life model at the duty (sees the design) against Wang et al. 2011 (empirical), and cracking."""
    from xlcell.degradation import WANG_MAX_C_RATE

    life = ctx.lifetime
    shown = to_display(life)
    eol_shown = to_display(life.life)
    ws = wb.create_sheet("Lifetime")
    T = float(np.asarray(ctx.design.temperature_K).reshape(-1)[0])
    c = float(np.asarray(ctx.design.c_rate_per_h).reshape(-1)[0])
    scenario = ctx.lifetime_scenario
    style.title(ws, "Lifetime", f"At {unit_to_display(T, '°C'):.4g} °C and the design C-rate {c:.3g} C, full depth, "
                f"{float(scenario.cycles_per_year):g} cycles per year, default life-model parameters (O'Kane et al. 2022); "
                "the empirical model (graphite/LFP) at the same C-rate")
    wang_defined = bool(life.wang_defined)
    wang = list(life.wang_soh) if wang_defined else [None] * len(FADE_CYCLES)
    style.header_row(ws, 4, 1, ["Cycles", "SOH, life model (-)", "SOH, Wang et al. 2011 (-)"])
    for i, (n, a, b) in enumerate(zip(FADE_CYCLES, life.life_soh, wang), start=5):
        ws.cell(row=i, column=1, value=n)
        style.style_result(ws.cell(row=i, column=2, value=float(a)))
        style.style_result(ws.cell(row=i, column=3, value=None if b is None else float(b)))
    last = 4 + len(FADE_CYCLES)
    xs = Reference(ws, min_col=1, min_row=5, max_row=last)
    chart = style.scatter_chart("Capacity fade: mechanism vs empirical", "Equivalent full cycles", "State of health (-)",
                                [(Reference(ws, min_col=col, min_row=4, max_row=last), xs, None) for col in (2, 3)])
    ws.add_chart(chart, "E4")

    def v(key: str, src: Any = shown) -> Any:
        x = np.asarray(src[key]).reshape(-1)[0]
        return bool(x) if x.dtype == bool else float(x)

    eol = _percent(scenario.eol_soh)
    rows = [(f"Cycle life to {eol} SOH, life model", v("cycle_life", eol_shown), "cycles"),
            (f"Years to {eol} SOH, life model", v("years_to_eol", eol_shown), "years"),
            ("At end of life: lost to SEI on the particle surface", v("eol_loss_sei_pct", eol_shown), "%"),
            ("At end of life: lost to SEI on crack surfaces", v("eol_loss_sei_cracks_pct", eol_shown), "%"),
            ("At end of life: lost to isolated negative particles", v("eol_loss_lam_neg_pct", eol_shown), "%"),
            ("At end of life: lost to isolated positive particles", v("eol_loss_lam_pos_pct", eol_shown), "%"),
            ("Resistance, beginning of life", v("resistance_bol_mohm", eol_shown), "mΩ"),
            ("Resistance, end of life", v("resistance_eol_mohm", eol_shown), "mΩ"),
            (f"Cycle life to {eol} SOH, Wang et al. 2011",
             v("wang_cycle_life") if wang_defined else f"n/a (no published B above {WANG_MAX_C_RATE:g}C)", "cycles"),
            ("Wang et al. inside its tested C-rate/temperature range", v("wang_in_range"), "bool"),
            ("SEI surface of the negative (a·L·A)", v("sei_surface_area_m2"), "m²"),
            ("Swelling stress, negative", v("crack_stress_MPa"), "MPa"),
            ("Critical thickness for cracking, negative", v("crack_critical_thickness_um"), "µm"),
            ("Negative cracked", v("cracked"), "bool"),
            ("Resistance rise from cracking (∝ L²)", v("crack_delta_resistance_mohm"), "mΩ")]
    r = last + 3
    style.header_row(ws, r, 1, ["Result", "Value", "Unit"])
    for label, val, unit in rows:
        r += 1
        ws.cell(row=r, column=1, value=label)
        style.style_result(ws.cell(row=r, column=2, value=val), "bool" if isinstance(val, bool) else "-")
        ws.cell(row=r, column=3, value=unit_mark(unit))
    ws.cell(row=r + 2, column=1, value="The empirical fit describes the tested cell only: it cannot see the particle size, "
            "thickness or porosity of this design; the life model can. Lithium plating is not modelled.").font = style.DERIVED_FONT
    ctx.extra["cycle_life"] = rows[0][1]
    style.widths(ws, {"A": 50, "B": 22, "C": 26})


def lcos_section(wb: Workbook, ctx: ReportContext) -> None:
    """Project LCOS (Schmidt et al. 2019) with fixed and life-model degradation; components and cash flow."""
    study = ctx.project_lcos
    inp = study.inputs
    n = int(inp.lifetime_years)
    ws = wb.create_sheet("LCOS")
    style.title(ws, "Levelised cost of storage", f"Schmidt et al. (2019) discounted LCOS of the default example plant "
                f"({unit_to_display(inp.power_W, 'MW'):g} MW / {unit_to_display(inp.energy_J, 'MWh'):g} MWh, {n} years, "
                f"r = {inp.discount_rate:g}); degradation fixed or from this design's life model")
    fixed, sei = to_display(study.fixed), to_display(study.sei)
    parts = [("Capex", "capex_usd_MWh"), ("O&M", "om_usd_MWh"), ("Charging", "charging_usd_MWh"),
             ("End of life", "eol_usd_MWh"), ("LCOS", "lcos_usd_MWh")]
    style.header_row(ws, 4, 1, ["Component ($/MWh)", f"Fixed {inp.annual_degradation:.0%}/yr", "Life model"])
    for i, (label, key) in enumerate(parts, start=5):
        ws.cell(row=i, column=1, value=label).font = style.Font(bold=label == "LCOS")
        for j, res in enumerate((fixed, sei), start=2):
            style.style_result(ws.cell(row=i, column=j, value=float(np.asarray(res[key]).reshape(-1)[0])), "-")
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
    r = 11
    style.header_row(ws, r, 1, ["Cell level", "Value", "Unit"])
    for label, v, unit in _cell_lcos_rows(ctx):
        r += 1
        if v is None:  # a note under the table
            ws.cell(row=r, column=1, value=label).font = style.DERIVED_FONT
            continue
        ws.cell(row=r, column=1, value=label)
        style.style_result(ws.cell(row=r, column=2, value=v), "-")
        ws.cell(row=r, column=3, value=unit_mark(unit))
    cf = to_display(study)["cashflow"]  # columns in their display units (xlcell.lcos.CASHFLOW_SPECS)
    cols = ["year", "soh", "energy_discharged_J", "capex_usd", "fixed_om_usd", "var_om_usd", "charging_usd", "eol_usd",
            "discount_factor", "discounted_cost_usd", "discounted_energy_J"]
    top = 22
    ws.cell(row=top - 1, column=1, value="Yearly cash flow (fixed degradation)").font = style.SECTION_FONT
    style.header_row(ws, top, 1, [with_unit(CASHFLOW_SPECS[k].label, CASHFLOW_SPECS[k].unit) for k in cols])
    for i in range(np.asarray(cf["year"]).size):
        for j, key in enumerate(cols, start=1):
            cell = ws.cell(row=top + 1 + i, column=j, value=float(np.asarray(cf[key]).reshape(-1)[i]))
            style.style_result(cell, "-")
            cell.number_format = "0.000" if key in ("soh", "discount_factor") else "#,##0"
    style.widths(ws, {"A": 22, "B": 16, "C": 16, **{style.col_letter(k): 16 for k in range(4, 12)}})


def _percent(fraction: Any) -> str:
    """A state of health for a label, in percent: 0.8 -> '80 %'."""
    return f"{float(unit_to_display(fraction, '%')):g} %"


def _cell_lcos_rows(ctx: ReportContext) -> list[tuple[str, Any, str]]:
    """The cell-level LCOS rows of :attr:`ReportContext.cell_lcos` (:func:`xlcell.studies.cell_lcos`, the one route
    that ``XLCELL_CELL_LCOS`` and the optimisation's ``lcos`` provider share); an optimisation report says that its
    numbers are the front table's."""
    o = {k: float(np.asarray(v).reshape(-1)[0]) for k, v in to_display(ctx.cell_lcos).items()}
    scenario = ctx.cell_lcos_scenario
    eol = _percent(scenario.eol_soh)
    duty = (f"{duty_name(o['c_rate'])}, DoD {float(scenario.duty.dod):g}, {float(scenario.cycles_per_year):g} cycles/yr, "
            f"end of life at {eol}")
    rows = [(f"Cell LCOS at the duty ({duty})", o["lcos_usd_kWh"], "$/kWh"),
            ("C_BOM per cell (cost model)", o["c_bom_usd"], "$"),
            ("C_mfg per cell (cost model)", o["c_mfg_usd"], "$"),
            ("Energy delivered per cycle at the duty E_u (cell model)", o["energy_kWh"], "kWh"),
            ("Nameplate energy (cell model)", o["nameplate_energy_kWh"], "kWh"),
            (f"Cycle life N_cyc to {eol} (life model)", o["cycle_life"], "cycles"),
            ("Round-trip efficiency at the duty", o["round_trip_efficiency"], "-"),
            ("Cell cost per kWh delivered at the duty", o["cell_cost_usd_per_kWh_usable"], "$/kWh")]
    note = ("As in the front table: the workbook's factory, BOM and life-model parameters and its duty" if ctx.cell_lcos_as_front
            else "(C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD), every term from a model")
    return rows + [(note, None, "")]


#: report sections in sheet order; model areas append theirs
SECTIONS: list[Callable[[Workbook, ReportContext], None]] = [summary_section, inputs_section, metrics_section,
                                                               mass_section, rate_section, cost_section, lifetime_section,
                                                               lcos_section, thickness_section, calendering_section,
                                                               simulation_section]


def build_report(ctx: ReportContext, sections: list[Callable] | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for section in sections or SECTIONS:
        section(wb, ctx)
    for ws in wb.worksheets:
        style.print_setup(ws)
    return text_only(wb)  # a report has no formulas: a name or setting that starts with "=" stays text
