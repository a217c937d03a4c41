"""Every model wired into :mod:`xlcell.registry`, in one place and in dependency order (issue 11).

The models know nothing of the registry: each exposes its functions and its output metadata
(:func:`xlcell.params.param` fields or :class:`~xlcell.params.ParamSpec` tuples), and this module adapts them to
:class:`~xlcell.registry.Evaluation` (a population of designs plus a context per provider) and registers them. The
registry calls :func:`wire` once, the first time it is queried; nothing registers itself at import, so the kernels'
import graph stays acyclic (``tests/test_kernel_imports.py``). A new model is one more line in :func:`wire`, after
the providers it reads.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from . import calendering, cost, degradation, lcos, uncertainty, units
from .cell import CellDesign, CellMetrics, resolve
from .params import ParamSpec, specs
from .registry import (DesignVariable, Evaluation, cell_outputs, cell_variables, register_limit, register_max_of,
                       register_metrics, register_variable)

# The adapters call the models through their modules (``degradation.sei_cycle_life``), looked up at each call as the
# registry's lazy imports did, so a test that counts a model's calls with monkeypatch still sees them.


# --------------------------------------------------------------------------------------------------
# Calendering: the line load as a design variable
# --------------------------------------------------------------------------------------------------
def _calendering_material(part: str, ctx: Mapping[str, Any]):
    cal = dict(ctx.get("calendering") or {})
    return calendering.get_calendering_material(cal.get(f"{part}_material", "NMC811" if part == "pos" else "Graphite"))


def _line_load_setter(part: str) -> Callable[..., CellDesign]:
    """Calender the electrode at the line load: porosity and thickness follow, the mass loading is held
    (:func:`xlcell.calendering.calender`; context ``"calendering"``: ``pos_material``/``neg_material`` names,
    ``solids_fraction``)."""
    def apply(d: CellDesign, v: np.ndarray, ctx: Mapping[str, Any]) -> CellDesign:
        cal = dict(ctx.get("calendering") or {})
        return calendering.calender(d, v, which=part, material=_calendering_material(part, ctx),
                        solids_fraction=cal.get("solids_fraction"))[0]
    return apply


def line_load_variables() -> list[DesignVariable]:
    """The calender line load of each electrode as a design variable (applied after the coating inputs)."""
    out = []
    for part, side in (("pos", "Positive"), ("neg", "Negative")):
        key = f"{part}_line_load_N_mm"
        spec = ParamSpec(name=key, key=key, label=f"{side}: calender line load", unit=calendering.LINE_LOAD.unit, gt=0, le=1e4,
                         group="Calendering", doc="Sets the calendered porosity and thickness; the mass loading is held")
        out.append(DesignVariable(key, spec, _line_load_setter(part), lambda d: np.nan, order=10))
    return out


# --------------------------------------------------------------------------------------------------
# Providers that adapt a model to an Evaluation
# --------------------------------------------------------------------------------------------------
_LIMIT = "Rate limits"


def _lim(key: str, label: str) -> ParamSpec:
    return ParamSpec(name=key, key=key, label=label, unit="-", group=_LIMIT,
                     doc="<= 1 means within the diffusion limit at the design C-rate")


_LIMIT_SPECS = (
    _lim("electrolyte_limit_pos", "Electrolyte depletion / critical, positive"),
    _lim("electrolyte_limit_neg", "Electrolyte depletion / critical, negative"),
    _lim("solid_limit_pos", "Solid diffusion time / limit, positive"),
    _lim("solid_limit_neg", "Solid diffusion time / limit, negative"),
    _lim("diffusion_limit", "Worst diffusion limit ratio (<= 1 feasible)"),
)


def _limits(ev: Evaluation) -> dict[str, np.ndarray]:
    """Diffusion numbers over their critical values: a smooth, continuous form of the cell's ``feasible`` flag."""
    c = ev.outputs("cell")
    d = ev.design
    e_p = c["electrolyte_number_pos"] / d.critical_electrolyte_number
    e_n = c["electrolyte_number_neg"] / d.critical_electrolyte_number
    s_p = c["t_diff_solid_pos_s"] / c["t_discharge_s"] / d.critical_solid_number
    s_n = c["t_diff_solid_neg_s"] / c["t_discharge_s"] / d.critical_solid_number
    worst = np.maximum(np.maximum(e_p, e_n), np.maximum(s_p, s_n))
    shape = np.shape(worst)
    return {k: np.broadcast_to(np.asarray(v, dtype=float), shape)
            for k, v in zip([s.key for s in _LIMIT_SPECS], (e_p, e_n, s_p, s_n, worst))}


_LIFE = (
    ParamSpec(name="cycle_life", key="cycle_life", label="Cycle life to end of life (SEI growth)", unit="-", group="Lifetime",
              doc="Equivalent full cycles until SEI growth brings the state of health to eol_soh"),
)
_LCOS = (
    ParamSpec(name="round_trip_efficiency", key="round_trip_efficiency", label="Round-trip efficiency at the C-rate",
              unit="-", group="LCOS", doc="(V - IR)/(V + IR): resistive loss on charge and discharge at the design C-rate"),
    ParamSpec(name="lcos_cell", key="lcos_cell_usd_per_kWh", label="Cell-level LCOS", unit="$/kWh", group="LCOS",
              doc="(C_BOM + C_mfg + C_O&M - RV) / (η E N_cyc): cell cost over the energy delivered in its life"),
)


def _lifetime(ev: Evaluation) -> dict[str, Any]:
    """Context ``"lifetime"``: ``cycles_per_year`` (365), ``eol_soh`` (0.8), ``params`` (SEIParams)."""
    kw = dict(ev.context.get("lifetime") or {})
    return {"cycle_life": degradation.sei_cycle_life(ev.design, **kw)}


def _lcos(ev: Evaluation) -> dict[str, Any]:
    """The seed's cell-level LCOS from the cost and lifetime providers; context ``"lcos"``: ``om_usd`` (0) and
    ``residual_usd`` (0) per cell, ``efficiency`` (default: the resistive round trip at the design C-rate)."""
    kw = dict(ev.context.get("lcos") or {})
    eta = kw["efficiency"] if "efficiency" in kw else lcos.resistive_round_trip(ev["avg_voltage_V"], ev["voltage_under_load_V"])
    materials = ev["materials_usd"]
    r = lcos.cell_lcos_from_parts(materials, ev["cell_cost_usd"] - materials, units.from_display(ev["energy_Wh"], "Wh"),
                                  ev["cycle_life"], eta, kw.get("om_usd", 0.0), kw.get("residual_usd", 0.0))
    return {"round_trip_efficiency": r.efficiency, "lcos_cell_usd_per_kWh": units.to_display(r.lcos_usd_J, "$/kWh")}


_CAL = tuple(ParamSpec(name=f"{p}_fracture_ratio", key=f"{p}_fracture_ratio", label=f"{s}: line load / fracture line load",
                       unit="-", group="Calendering",
                       doc="<= 1: the particles do not crack. The line load is the variable's when it is varied, else the "
                           "one that calenders the coating to the design porosity (inf at or below ε_min; 0 uncalendered "
                           "or ductile; blank where the material has no calendering parameters)")
             for p, s in (("pos", "Positive"), ("neg", "Negative"))) + tuple(
    ParamSpec(name=f"{p}_percolation_ratio", key=f"{p}_percolation_ratio",
              label=f"{s}: percolation threshold / carbon volume fraction", unit="-", group="Calendering",
              doc="<= 1: the conductive-carbon network percolates. 0 where the active matrix conducts on its own "
                  "(matrix conductivity >= the electrolyte's); inf without carbon where it is needed")
    for p, s in (("pos", "Positive"), ("neg", "Negative")))

#: the calendering limits: every output a design must keep <= 1 where the calendering route applies
CALENDERING_LIMITS = tuple(s.key for s in _CAL)


def calendering_active(part: str, ctx: Mapping[str, Any]) -> bool:
    """True where electrode ``part`` has calendering parameters (the material named in context ``"calendering"``,
    by default NMC811 / Graphite, is in ``xlcell/data/calendering_materials.toml``): its fracture and percolation
    ratios are then computed and imposed; otherwise they are NaN (not assessed).

    Parameters
    ----------
    part : {"pos", "neg"}
        The electrode.
    ctx : mapping
        The evaluation context (its ``"calendering"`` entry names the materials).
    """
    try:
        _calendering_material(part, ctx)
    except calendering.UnknownMaterialError:
        return False
    return True


def implied_line_load(porosity: Any, eps0: Any, material: Any) -> np.ndarray:
    """Line load (N/m) that calenders a coating of porosity ``eps0`` to ``porosity`` (the compaction law's inverse,
    :func:`xlcell.calendering.line_load_for_porosity`): 0 at or above ``eps0`` (not calendered), inf at or below the
    material's ε_min (no line load reaches it).

    Parameters
    ----------
    porosity : array_like
        Porosity after calendering (dimensionless).
    eps0 : array_like
        Porosity before calendering ε_0 (dimensionless).
    material : CalenderingMaterial
        Calendering parameters (SI: γ_c in N/m).
    """
    eps, e0 = np.broadcast_arrays(np.asarray(porosity, dtype=float), np.asarray(eps0, dtype=float))
    em = material.eps_min
    reachable = eps > em
    target = np.where(reachable, np.minimum(eps, e0), 0.5 * (em + e0))  # in range for the inverse everywhere
    q = calendering.line_load_for_porosity(target, e0, em, material.gamma_N_m)
    return np.where(reachable, q, np.inf)


def _calendering(ev: Evaluation) -> dict[str, Any]:
    """Line load over the fracture-onset line load, and percolation threshold over carbon volume fraction, of each
    electrode (context ``"calendering"``: ``pos_material`` / ``neg_material`` names, ``solids_fraction``). The line
    load is the decision variable's when ``{part}_line_load_N_mm`` is varied; otherwise the one implied by the design
    porosity through the material's compaction law, so a design porosity below the fracture-onset porosity gives a
    ratio > 1 (and one at or below ε_min inf: no line load reaches it). A material without calendering parameters
    gives NaN (not assessed). Reads the design only, so the cell provider's ``feasible`` can include these limits."""
    d = resolve(ev.design)
    shape = np.shape(d.pos.porosity)
    cal = dict(ev.context.get("calendering") or {})
    out = {}
    for part in ("pos", "neg"):
        if not calendering_active(part, ev.context):
            out[f"{part}_fracture_ratio"] = out[f"{part}_percolation_ratio"] = np.full(shape, np.nan)
            continue
        mat = _calendering_material(part, ev.context)
        e = getattr(d, part)
        eps0 = calendering.coating_porosity(cal.get("solids_fraction", 0.4), mat.drying_shrinkage)
        q_f = calendering.fracture_line_load(eps0, mat)  # N/m; inf if the material never cracks, 0 if any calendering does
        q = ev.values.get(f"{part}_line_load_N_mm")
        if q is None:
            q = implied_line_load(e.porosity, eps0, mat)
        else:
            q = calendering.LINE_LOAD.to_si(q)
        q, q_f = np.broadcast_arrays(np.asarray(q, dtype=float), np.asarray(q_f, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(q <= 0, 0.0, np.where(np.isinf(q), np.inf, np.where(np.isinf(q_f), 0.0, q / q_f)))
        out[f"{part}_fracture_ratio"] = np.broadcast_to(ratio, shape)
        perc = calendering.percolation_ratio(e, eps0, mat, d.electrolyte_conductivity_S_m)
        out[f"{part}_percolation_ratio"] = np.broadcast_to(perc, shape)
    return out


def within_calendering_limits(ev: Evaluation) -> np.ndarray:
    """True where every assessed calendering limit holds (fracture and percolation ratios <= 1; NaN: not assessed).

    Parameters
    ----------
    ev : Evaluation
        The population.
    """
    cal = ev.outputs("calendering")
    ok = np.ones(np.shape(cal[CALENDERING_LIMITS[0]]), dtype=bool)
    for k in CALENDERING_LIMITS:
        v = np.asarray(cal[k], dtype=float)
        ok &= np.isnan(v) | (v <= 1.0)
    return ok


def _cell(ev: Evaluation) -> dict[str, Any]:
    """The cell model's outputs, with ``feasible`` also requiring the calendering limits (issue 17 item 4): a design
    whose particles crack at the line load its porosity needs, or whose carbon network does not percolate, is not
    feasible wherever the registry reports it (optimiser, Pareto front, Monte Carlo, reports)."""
    out = dict(cell_outputs(ev))
    cell_ok = np.asarray(out["feasible"], dtype=bool)
    out["feasible"] = cell_ok & np.broadcast_to(within_calendering_limits(ev), np.broadcast_shapes(
        cell_ok.shape, np.shape(ev.outputs("calendering")[CALENDERING_LIMITS[0]])))
    return out


def _cost_context(ev: Evaluation) -> dict[str, Any]:
    """``ev.context["cost"]``: a :class:`~xlcell.cost.Factory` or a dict of :func:`~xlcell.cost.evaluate_cost` keyword
    arguments (factory, prices, fmt, yields, slurry)."""
    ctx = ev.context.get("cost")
    return {"factory": ctx} if isinstance(ctx, cost.Factory) else dict(ctx or {})


def _cost(ev: Evaluation) -> dict[str, Any]:
    """The cost model's outputs (:class:`~xlcell.cost.CostMetrics`, display units); its cell energy is the cell
    provider's (the same chain, format and calendering context)."""
    return cost.evaluate_cost(ev.design, **_cost_context(ev), calendering=ev.context.get("calendering")).as_display()


#: the cost model's numeric outputs but the ones the cell model gives (capacity_Ah)
_COST = tuple(s for s in specs(cost.CostMetrics) if s.unit != "text" and s.key not in {c.key for c in specs(CellMetrics)})


def _risk(ev: Evaluation) -> dict[str, Any]:
    """Monte Carlo risk measures (:func:`xlcell.uncertainty.population_risk`). Context ``"uncertainty"``: ``n`` (256),
    ``seed`` (0), ``spec`` (UncertaintySpec); the cost model's inputs come from context ``"cost"`` as for ``"cost"``."""
    ctx = dict(ev.context.get("uncertainty") or {})
    return uncertainty.population_risk(ev.design, ctx.get("n", uncertainty.PROVIDER_SAMPLES), ctx.get("seed", 0),
                                       ctx.get("spec"), **_cost_context(ev))


# --------------------------------------------------------------------------------------------------
# The wiring
# --------------------------------------------------------------------------------------------------
def wire() -> None:
    """Register every design variable, provider and derived output, each after what it reads (one exception: the
    cell's ``feasible`` reads the calendering limits, registered later so that the output keys keep their order;
    providers are evaluated lazily, so the order is only the listing's). The order is the order of
    :func:`~xlcell.registry.variable_keys` and :func:`~xlcell.registry.output_keys`. Called once, by the registry."""
    for var in [*cell_variables(), *line_load_variables()]:
        register_variable(var)
    # the cell's feasible reads the calendering limits (evaluated lazily; "calendering" keeps its place in the key order)
    register_metrics("cell", CellMetrics, _cell, requires=("calendering",))
    register_metrics("limits", _LIMIT_SPECS, _limits, requires=("cell",))
    register_max_of("diffusion_limit", [s.key for s in _LIMIT_SPECS[:4]])
    register_metrics("cost", _COST, _cost)
    register_metrics("lifetime", _LIFE, _lifetime)
    register_metrics("lcos", _LCOS, _lcos, requires=("cell", "cost", "lifetime"))
    register_metrics("calendering", _CAL, _calendering)  # reads the design only
    register_metrics("uncertainty", uncertainty.RISK_SPECS, _risk)
    for key in CALENDERING_LIMITS:  # imposed by every DesignProblem where the material has calendering parameters
        register_limit(key, 1.0, lambda ctx, part=key[:3]: calendering_active(part, ctx))


__all__ = ["wire", "line_load_variables", "implied_line_load", "calendering_active", "within_calendering_limits",
           "CALENDERING_LIMITS"]
