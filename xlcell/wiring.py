"""Every model wired into :mod:`xlcell.registry`, in one place and in dependency order (issue 11).

The models know nothing of the registry: each exposes its functions and its output metadata
(:func:`xlcell.params.param` fields or :class:`~xlcell.params.ParamSpec` tuples), and this module adapts them to
:class:`~xlcell.registry.Evaluation` (a population of designs plus a context per provider) and registers them. The
registry calls :func:`wire` once, the first time it is queried; nothing registers itself at import, so the kernels'
import graph stays acyclic (``tests/test_kernel_imports.py``). A new model is one more line in :func:`wire`, after
the providers it reads.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping

import numpy as np

from . import calendering, cost, degradation, lcos, uncertainty, units
from .cell import CellDesign, CellMetrics, feasibility
from .duty import Duty, resolve_duty
from .errors import InputError, UnknownKeyError
from .params import ParamSpec, specs, validate
from .registry import (DesignVariable, Evaluation, cell_format, cell_outputs, cell_variables, register_limit, register_max_of,
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


_LIMIT_KEYS = ("electrolyte_limit_pos", "electrolyte_limit_neg", "solid_limit_pos", "solid_limit_neg")
_LIMIT_SPECS = (
    ParamSpec(name="diffusion_limit", key="diffusion_limit", label="Worst diffusion limit ratio (<= 1 feasible)", unit="-",
              group=_LIMIT, doc="The largest of the cell model's four limit ratios (electrolyte_limit_pos/neg, "
                                "solid_limit_pos/neg): <= 1 means each diffusion limit alone keeps min_usable_fraction "
                                "of the capacity at the design C-rate"),
)


def _limits(ev: Evaluation) -> dict[str, np.ndarray]:
    """The worst of the cell model's diffusion limit ratios: a smooth, continuous form of its ``feasible`` flags."""
    c = ev.table(_LIMIT_KEYS)
    worst = np.maximum(np.maximum(c["electrolyte_limit_pos"], c["electrolyte_limit_neg"]),
                       np.maximum(c["solid_limit_pos"], c["solid_limit_neg"]))
    return {"diffusion_limit": np.asarray(worst, dtype=float)}


_DUTY = (
    ParamSpec(name="duty_c_rate", key="duty_c_rate", label="Duty C-rate", unit="C-rate", group="Duty",
              doc="The duty's C-rate (context \"duty\"; blank: the design's c_rate)"),
    ParamSpec(name="usable_fraction_duty", key="usable_fraction_duty", label="Usable capacity fraction at the duty's C-rate",
              unit="-", group="Duty", doc="The cell model's rate capability at the duty's C-rate and temperature"),
    ParamSpec(name="usable_energy_Wh", key="usable_energy_Wh", label="Energy delivered per cycle at the duty", unit="Wh",
              group="Duty", doc="Q · f(C) · DoD · (V - I R) at the duty's C-rate: what the cell delivers, against the "
                                "nameplate energy_Wh"),
    ParamSpec(name="round_trip_efficiency", key="round_trip_efficiency", label="Round-trip efficiency at the duty's C-rate",
              unit="-", group="Duty", doc="(V - IR)/(V + IR): resistive loss on charge and discharge at the duty's current"),
    ParamSpec(name="cell_cost_usd_per_kWh_usable", key="cell_cost_usd_per_kWh_usable",
              label="Cell cost per kWh delivered at the duty", unit="$/kWh", group="Duty",
              doc="cell_cost_usd / usable_energy_Wh (inf where the cell delivers nothing at the duty)"),
)
#: the life model's outputs the registry reports (display units): the cycle life, the years, each mechanism's share of
#: the capacity lost at end of life and the resistance at end of life (:class:`xlcell.degradation.LifeResult`)
LIFE_KEYS = ("cycle_life", "years_to_eol", "eol_loss_sei_pct", "eol_loss_sei_cracks_pct", "eol_loss_lam_neg_pct",
             "eol_loss_lam_pos_pct", "resistance_eol_mohm")
_LIFE = tuple(dataclasses.replace(s, group="Lifetime") for s in specs(degradation.LifeResult) if s.key in LIFE_KEYS)
_LCOS = (
    ParamSpec(name="lcos_cell", key="lcos_cell_usd_per_kWh", label="Cell-level LCOS at the duty", unit="$/kWh", group="LCOS",
              doc="(C_BOM + C_mfg + C_O&M - RV) / (E_u N_cyc / DoD): cell cost over the energy it delivers in its life "
                  "at the duty"),
)


def lifetime_inputs(ctx: Mapping[str, Any]) -> tuple[Duty, dict[str, Any]]:
    """The duty and the life model's parameters of an evaluation context: ``"duty"`` (a :class:`~xlcell.duty.Duty`,
    absent: ``Duty()``: the design's C-rate and temperature, full depth, a cycle a day, 80 % end of life) and
    ``"lifetime"``: ``sei`` (or ``params``, its former name; :class:`~xlcell.degradation.SEIParams`), ``mechanics``
    (:class:`~xlcell.degradation.MechanicsParams`), ``crack`` (:class:`~xlcell.degradation.CrackParams`), and
    ``cycles_per_year`` / ``eol_soh``, which override the duty's.

    Parameters
    ----------
    ctx : mapping
        The evaluation context.
    """
    life = dict(ctx.get("lifetime") or {})
    duty = ctx.get("duty") or Duty()
    over = {f: life[k] for k, f in (("cycles_per_year", "cycles_per_year"), ("eol_soh", "eol_soh")) if life.get(k) is not None}
    if over:
        duty = dataclasses.replace(duty, **over)
    kw = {k: life[k] for k in ("sei", "mechanics", "crack") if life.get(k) is not None}
    if life.get("params") is not None and "sei" not in kw:
        kw["sei"] = life["params"]
    return duty, {"sei": kw.get("sei", degradation.SEIParams()), "mech": kw.get("mechanics", degradation.MechanicsParams()),
                  "crack": kw.get("crack", degradation.CrackParams())}


def _lifetime(ev: Evaluation, keys: tuple[str, ...]) -> dict[str, Any]:
    """The duty-aware life model (:func:`xlcell.degradation.cycle_life`) at the duty of context ``"duty"`` with the
    parameters of context ``"lifetime"`` (:func:`lifetime_inputs`): what the LCOS, the optimiser and the Pareto front
    read as ``cycle_life``. The resistance at end of life (the cell model's resistance) only when it is asked for, the
    losses at end of life only when one of them (or the resistance) is."""
    duty, kw = lifetime_inputs(ev.context)
    # the cell format of context "cost", as the cell and cost providers read it (one chain)
    life = degradation.cycle_life(ev.design, duty, **kw, fmt=_cost_context(ev).get("fmt"),
                                  resistance="resistance_eol_mohm" in keys,
                                  losses=not set(keys) <= {"cycle_life", "years_to_eol"})
    return {s.key: s.from_si(getattr(life, s.name)) for s in _LIFE if s.key in keys}


def duty_of(ev: Evaluation) -> Duty:
    """The duty of an evaluation: context ``"duty"`` (a :class:`~xlcell.duty.Duty`, checked against its metadata;
    absent: ``Duty()``), its blank C-rate and temperature taken from the designs.

    Parameters
    ----------
    ev : Evaluation
        The population and its context.
    """
    duty = ev.context.get("duty")
    if duty is None:
        duty = Duty()
    elif not isinstance(duty, Duty):
        raise InputError("duty", type(duty).__name__, "a Duty (xlcell.duty.Duty)")
    validate(duty)
    d = ev.design
    return resolve_duty(duty, d.c_rate_per_h, d.temperature_K)


def _duty(ev: Evaluation, keys: tuple[str, ...]) -> dict[str, Any]:
    """Rate-aware energy at the duty (context ``"duty"``): the cell model at the duty's C-rate and temperature
    (:func:`xlcell.lcos.duty_point`: its rate capability and voltage under load, not its pulse power) gives the usable
    fraction, hence the energy delivered per cycle (:func:`xlcell.lcos.delivered_energy`), the round trip and the
    cell cost per delivered kWh (the cost provider's cost only when that is asked for)."""
    duty = duty_of(ev)
    design = dataclasses.replace(ev.design, c_rate_per_h=duty.c_rate_per_h, temperature_K=duty.temperature_K)
    at = lcos.duty_point(design)
    e_u = lcos.delivered_energy(at["capacity_C"], at["usable_capacity_fraction"], duty.dod, at["voltage_under_load_V"])
    out: dict[str, Any] = {"duty_c_rate": duty.c_rate_per_h, "usable_fraction_duty": at["usable_capacity_fraction"],
                           "usable_energy_Wh": units.to_display(e_u, "Wh")}
    if "round_trip_efficiency" in keys:
        out["round_trip_efficiency"] = lcos.resistive_round_trip(at["avg_voltage_V"], at["voltage_under_load_V"])
    if "cell_cost_usd_per_kWh_usable" in keys:
        kwh = units.to_display(e_u, "kWh")
        with np.errstate(divide="ignore"):
            out["cell_cost_usd_per_kWh_usable"] = np.where(kwh > 0, ev["cell_cost_usd"] / np.where(kwh > 0, kwh, 1.0), np.inf)
    # every output has the shape of the designs (and the duty) whatever it reads
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()), *(
        np.shape(getattr(o, s.name)) for o in (design, design.pos, design.neg, design.sep) for s in specs(o)))
    return {k: np.broadcast_to(np.asarray(v, dtype=float), shape) for k, v in out.items() if k in keys}


def _lcos(ev: Evaluation) -> dict[str, Any]:
    """The cell-level LCOS at the duty from the cost, duty and lifetime providers (:func:`xlcell.lcos.delivered_lcos`);
    context ``"lcos"``: ``om_usd`` (0) and ``residual_usd`` (0) per cell."""
    kw = dict(ev.context.get("lcos") or {})
    for k in kw:  # an "efficiency" of the seed's form is refused: the round trip is the cell model's at the duty
        if k not in lcos.LCOS_CONTEXT_KEYS:
            raise UnknownKeyError(str(k), lcos.LCOS_CONTEXT_KEYS, what="lcos context key")
    cost = ev["cell_cost_usd"] + np.asarray(kw.get("om_usd", 0.0), dtype=float) - np.asarray(kw.get("residual_usd", 0.0), dtype=float)
    usd_J = lcos.delivered_lcos(cost, units.from_display(ev["usable_energy_Wh"], "Wh"), ev["cycle_life"], duty_of(ev).dod)
    return {"lcos_cell_usd_per_kWh": units.to_display(usd_J, "$/kWh")}


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
    d = ev.resolved()
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


#: the cell outputs :func:`xlcell.cell.feasibility` gives without the rest of the cell model (no pulse power)
_FLAGS = frozenset({"feasible", "feasible_np", "feasible_electrolyte", "feasible_solid", "feasible_voltage"})


#: the providers that read the cell model's outputs through declared ``reads`` only, or not at all
_NARROWS = frozenset({"cell", "limits", "cost", "calendering"})


def _cell(ev: Evaluation, keys: tuple[str, ...]) -> dict[str, Any]:
    """The cell model's outputs, with ``feasible`` also requiring the calendering limits (issue 17 item 4): a design
    whose particles crack at the line load its porosity needs, or whose carbon network does not percolate, is not
    feasible wherever the registry reports it (optimiser, Pareto front, Monte Carlo, reports). Asked for the
    feasibility flags alone (a Monte Carlo's ``feasible``), the cell model runs its chain and rate model only
    (:func:`xlcell.cell.feasibility`: the same flags, no pulse power)."""
    if set(keys) <= _FLAGS:
        out = feasibility(ev.resolved(), cell_format(ev.context), calendering=ev.context.get("calendering"))
    else:
        # only the outputs asked (each identical to the full evaluation's) when every reader is known: the design
        # problem declared all it will ask, and no provider in it reads cell outputs it does not declare
        narrow = ev.complete is not None and ev.complete <= _NARROWS
        out = dict(cell_outputs(ev, keys if narrow else None))
    if "feasible" in out:
        cell_ok = np.asarray(out["feasible"], dtype=bool)
        out["feasible"] = cell_ok & np.broadcast_to(within_calendering_limits(ev), np.broadcast_shapes(
            cell_ok.shape, np.shape(ev.outputs("calendering")[CALENDERING_LIMITS[0]])))
    return out


def _cost_context(ev: Evaluation) -> dict[str, Any]:
    """``ev.context["cost"]``: a :class:`~xlcell.cost.Factory` or a dict of :func:`~xlcell.cost.evaluate_cost` keyword
    arguments (factory, prices, fmt, yields, slurry)."""
    ctx = ev.context.get("cost")
    return {"factory": ctx} if isinstance(ctx, cost.Factory) else dict(ctx or {})


#: the cost model's numeric outputs but the ones the cell model gives (capacity_Ah)
_COST = tuple(s for s in specs(cost.CostMetrics) if s.unit != "text" and s.key not in {c.key for c in specs(CellMetrics)})


def _cost(ev: Evaluation, keys: tuple[str, ...]) -> dict[str, Any]:
    """The cost model's outputs ``keys`` (:class:`~xlcell.cost.CostMetrics`, display units; only those:
    :func:`xlcell.cost.cost_values`); its cell energy is the cell provider's (the same chain, format and calendering
    context)."""
    want = [s for s in _COST if s.key in keys]
    vals = cost.cost_values(ev.resolved(), **_cost_context(ev), calendering=ev.context.get("calendering"),
                            items=[s.name for s in want])
    return {s.key: s.from_si(vals[s.name]) for s in want}


def _risk(ev: Evaluation) -> dict[str, Any]:
    """Monte Carlo risk measures (:func:`xlcell.uncertainty.population_risk`). Context ``"uncertainty"``: ``n`` (256),
    ``seed`` (0), ``spec`` (UncertaintySpec); the cost model's inputs come from context ``"cost"`` as for ``"cost"``;
    the other providers' contexts (``"lifetime"``, ``"lcos"``, ``"duty"``, ``"calendering"``) reach the samples, so
    their cycle life, LCOS and feasibility are the registry's, at each sample's effective temperature."""
    ctx = dict(ev.context.get("uncertainty") or {})
    return uncertainty.population_risk(ev.design, ctx.get("n", uncertainty.PROVIDER_SAMPLES), ctx.get("seed", 0),
                                       ctx.get("spec"), context=ev.context, **_cost_context(ev))


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
    register_metrics("cell", CellMetrics, _cell, requires=("calendering",), partial=True)
    register_metrics("limits", _LIMIT_SPECS, _limits, requires=("cell",), reads={"diffusion_limit": _LIMIT_KEYS})
    register_max_of("diffusion_limit", list(_LIMIT_KEYS))
    register_metrics("cost", _COST, _cost, partial=True)
    register_metrics("lifetime", _LIFE, _lifetime, partial=True)
    register_metrics("duty", _DUTY, _duty, requires=("cost",), partial=True,  # the cell model at the duty's operating point
                     reads={"cell_cost_usd_per_kWh_usable": ("cell_cost_usd",)})
    register_metrics("lcos", _LCOS, _lcos, requires=("cost", "duty", "lifetime"),
                     reads={"lcos_cell_usd_per_kWh": ("cell_cost_usd", "usable_energy_Wh", "cycle_life")})
    register_metrics("calendering", _CAL, _calendering)  # reads the design only
    register_metrics("uncertainty", uncertainty.RISK_SPECS, _risk)
    for key in CALENDERING_LIMITS:  # imposed by every DesignProblem where the material has calendering parameters
        register_limit(key, 1.0, lambda ctx, part=key[:3]: calendering_active(part, ctx))


__all__ = ["wire", "duty_of", "lifetime_inputs", "LIFE_KEYS", "line_load_variables", "implied_line_load", "calendering_active", "within_calendering_limits",
           "CALENDERING_LIMITS"]
