"""Report scenarios (``xlcell report``, the ribbon's report buttons): evaluate a design's studies, then lay them out.

This is the use case between the kernels and the writers: :func:`report_context` runs every model and study the
report shows (the cell, rate capability, the cost roll-up and its tornado, the lifetime study, the project and the
cell LCOS, the thickness study, the calendering study) with the scenarios of :mod:`xlcell.studies`, and hands the values to
:mod:`workbooks.report`, which only lays them out. The optimisation report passes the workbook's model context, so its
cell LCOS is computed with the same settings as the front table.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from udfs.cell import calendering_context
from workbooks.pareto_report import build_pareto_report
from workbooks.report import FADE_CYCLES, RATE_GRID, ReportContext, build_report, inputs_hash
from workbooks.xlsx import save
from xlcell import studies
from xlcell.calendering import CALENDERING_MATERIALS, refusal_reasons
from xlcell.cell import evaluate_cell, rate_capability, resolve
from xlcell.cost import Factory, cost_details, cost_sensitivity
from xlcell.design import design_from_mapping
from xlcell.errors import XlcellError
from xlcell.materials import Material
from xlcell.params import to_display
from xlcell.units import to_display as unit_to_display
from xlcell.wiring import lifetime_inputs

from .simulation import report_simulation


def _scalar(v: Any) -> Any:
    a = np.asarray(v)
    return a.item() if a.size == 1 else a.tolist()


def _cost_inputs(context: Mapping[str, Any]) -> dict[str, Any]:
    """A model context's ``"cost"`` entry as keyword arguments of :func:`xlcell.cost.evaluate_cost`."""
    c = context.get("cost")
    return {"factory": c} if isinstance(c, Factory) else dict(c or {})


def lifetime_scenario(context: Mapping[str, Any] | None) -> tuple[studies.LifetimeScenario, dict[str, Any]]:
    """The lifetime scenario and the life model's parameters of a model context (the registry's ``"duty"``,
    ``"lifetime"`` and ``"lcos"`` entries, read as the lifetime provider reads them:
    :func:`xlcell.wiring.lifetime_inputs`), or the defaults, so the report's cell LCOS is the front table's.

    Returns the scenario and ``{"sei": SEIParams, "mechanics": MechanicsParams, "crack": CrackParams}``."""
    duty, kw = lifetime_inputs(context or {})
    lc = dict((context or {}).get("lcos") or {})
    return (studies.LifetimeScenario(duty=duty, om_usd=lc.get("om_usd", 0.0), residual_usd=lc.get("residual_usd", 0.0)),
            {"sei": kw["sei"], "mechanics": kw["mech"], "crack": kw["crack"]})


def report_context(values: Mapping[str, Any] | None = None, materials: Mapping[str, Material] | None = None,
                   when: _dt.datetime | None = None, *, model_context: Mapping[str, Any] | None = None) -> ReportContext:
    """Evaluate one design (display-unit ``values``; missing keys take defaults) and every study its report shows.

    ``model_context`` (an optimisation's registry context) sets the cost inputs and the lifetime scenario of the cell
    LCOS, so an optimisation report shows the front table's numbers.
    """
    vals = dict(values or {})
    design = design_from_mapping(vals, materials)
    cost_kw = _cost_inputs(model_context or {})
    # one chain (issue 17): the cell section and the cost section read one format and one calendering context
    cal_ctx = dict((model_context or {}).get("calendering") or calendering_context(vals))
    cell = {k: _scalar(v) for k, v in evaluate_cell(design, cost_kw.get("fmt"), calendering=cal_ctx).as_display().items()}
    when = when or _dt.datetime.now(_dt.timezone.utc)
    r = resolve(design)
    used: dict[str, Any] = {}
    for prefix, obj in (("pos_", r.pos), ("neg_", r.neg), ("sep_", r.sep), ("", r)):
        used.update({k: _scalar(v) for k, v in to_display(obj, prefix).items()})
    cost_kw = _cost_inputs(model_context or {})
    scenario, life_kw = lifetime_scenario(model_context)
    life_scenario = studies.LifetimeScenario()  # the Lifetime sheet runs at the default scenario (as before)
    material = str(vals.get("pos_material", "NMC811"))
    cal_material = CALENDERING_MATERIALS.get(material.upper())
    cal_study = studies.CalenderingStudy()
    calendered, cal_note = None, ""
    if cal_material is not None:
        try:
            calendered = studies.calendering_study(design, cal_material, cal_study)
        except XlcellError as exc:  # a refusal of the whole sweep: the report says so instead of failing (a line
            # load without a rated cell, e.g. LFP below percolation at 0 N/mm, is not one: the model flags its row)
            q = np.asarray(unit_to_display(cal_study.line_loads_N_m, "N/mm"), dtype=float)
            cal_note = f"The line-load sweep ({q[0]:g} to {q[-1]:g} N/mm) of {material} could not be evaluated: {exc}"
    sim, sim_note, sim_picture = report_simulation(design, cal_material, float(cal_study.solids_fraction))
    return ReportContext(
        values=vals, design=design, cell=cell, materials=dict(materials or {}),
        written=when.strftime("%Y-%m-%d %H:%M:%S UTC"), inputs_hash=inputs_hash(vals), used=used,
        rate=np.asarray(rate_capability(design, RATE_GRID)).reshape(-1),
        cost=cost_details(design, **cost_kw, calendering=cal_ctx),
        sensitivity=cost_sensitivity(design, 0.1, **cost_kw, calendering=cal_ctx),
        lifetime=studies.lifetime_study(design, FADE_CYCLES, life_scenario), lifetime_scenario=life_scenario,
        project_lcos=studies.project_lcos_study(design),
        cell_lcos=studies.cell_lcos(design, scenario, life_kw["sei"], cost_kw, life_kw["mechanics"], life_kw["crack"]), cell_lcos_scenario=scenario,
        cell_lcos_as_front=model_context is not None,
        thickness=studies.thickness_study(design, studies.ThicknessStudy(), life_kw["sei"], cost_kw, life_kw["mechanics"],
                                          life_kw["crack"]),
        calendering_material=material, calendering_study=cal_study,
        calendering=calendered, calendering_note=cal_note,
        calendering_refused=() if calendered is None else tuple(refusal_reasons(calendered.micro)),
        simulation=sim, simulation_note=sim_note, simulation_picture=sim_picture)


def write_report(path: str | Path, values: Mapping[str, Any] | None = None,
                 materials: Mapping[str, Material] | None = None, when: _dt.datetime | None = None) -> Path:
    """Write a report of one design (display-unit ``values``; missing keys take defaults)."""
    return save(build_report(report_context(values, materials, when)), path)


def write_pareto_report(path: str | Path, settings: Any, problem: Any, front: Any, chosen: int,
                        when: _dt.datetime | None = None) -> Path:
    """Write the optimisation report of ``front`` (from the settings ``settings``) to ``path``: the optimisation
    sheets, then every report section for the chosen design with the workbook's model context."""
    when = when or _dt.datetime.now(_dt.timezone.utc)
    digest = settings.inputs_hash() if hasattr(settings, "inputs_hash") else inputs_hash(settings.as_dict())
    values = dict(settings.base_values)
    values.update(front.design(chosen))
    if "np_ratio" in values and "neg_thickness_um" in values:  # the optimiser varied one of them: the other follows
        values.pop("neg_thickness_um" if "np_ratio" in front.variable_keys else "np_ratio")
    context = dict(getattr(settings, "context", {}))  # the workbook's factory, BOM, SEI and LCOS settings
    ctx = report_context(values, settings.materials, when, model_context=context)
    ctx.inputs_hash = digest  # one hash throughout: the chosen design's sheet shows the optimisation's inputs hash
    ctx.extra["pareto_front"] = front
    return save(build_pareto_report(ctx, settings, problem, front, chosen), path)


__all__ = ["lifetime_scenario", "report_context", "write_pareto_report", "write_report"]
