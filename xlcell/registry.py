"""The design vector and the registry of model outputs that optimisation can use.

Decision variables are the numeric Excel keys of the design (``pos_thickness_um``, ``pos_porosity``,
``np_ratio``, ``sep_thickness_um``, ...), in display units, each applied to a :class:`~xlcell.cell.CellDesign`
by a :class:`DesignVariable`. Model outputs come from *metric providers*: vectorised functions that map a
population of designs to ``{Excel key: array in display units}``. Providers: ``cell`` (:class:`CellMetrics`),
``limits`` (diffusion numbers over their critical values), ``cost`` (registered by :mod:`xlcell.cost` itself),
``lifetime`` (SEI cycle life), ``lcos`` (cell-level LCOS) and ``calendering`` (fracture ratio, from the line load
variable or, when that is not varied, the line load implied by the design porosity). A model plugs in
with one call::

    register_metrics("cost", CostMetrics, lambda ev: evaluate_cost(ev.design, **ev.context.get("cost", {})).as_display())

where ``CostMetrics`` is the output dataclass whose field metadata (:func:`xlcell.params.param`) names the keys and
units, and ``ev`` is an :class:`Evaluation` (the population, the model context and the other providers' outputs).

Varying ``np_ratio`` derives the negative thickness from it (as a blank ``neg_thickness_um`` does on the Design
sheet); varying ``neg_thickness_um`` sets it and N/P follows. Composition variables keep the solid mass fractions
summing to one: varying ``pos_carbon_frac`` or ``pos_binder_frac`` takes the difference from the active material;
varying ``pos_am_frac`` scales carbon and binder in proportion. The calender line load ``pos_line_load_N_mm`` /
``neg_line_load_N_mm`` applies after the coating inputs (:func:`xlcell.calendering.calender`, mass loading held).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from .cell import CellDesign, CellMetrics, ElectrodeDesign, SeparatorDesign, default_design, evaluate_cell
from .errors import ConflictError, InputError, UnknownKeyError
from .params import ParamSpec, specs


# --------------------------------------------------------------------------------------------------
# Design variables
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DesignVariable:
    """A numeric design input that optimisation may vary.

    ``apply(design, si_values, context)`` returns ``design`` with the input set to ``si_values`` (an array of one
    value per design in the population, SI units; ``context`` as in :class:`Evaluation`); ``current(design)`` reads
    the present value (SI). Variables apply in increasing ``order`` (process steps such as calendering after the
    coating inputs they act on).
    """

    key: str
    spec: ParamSpec
    apply: Callable[[CellDesign, np.ndarray, Mapping[str, Any]], CellDesign]
    current: Callable[[CellDesign], Any]
    order: int = 0

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def label(self) -> str:
        return self.spec.label


_VARIABLES: dict[str, DesignVariable] = {}
_VAR_INDEX: dict[str, str] = {}  # folded key -> key


def register_variable(var: DesignVariable) -> None:
    """Make ``var`` available as a decision variable (its key must be new)."""
    if _fold(var.key) in _VAR_INDEX:
        raise ConflictError(f"design variable {var.key!r} is registered twice")
    _VARIABLES[var.key] = var
    _VAR_INDEX[_fold(var.key)] = var.key


def _cell_setter(name: str) -> Callable[..., CellDesign]:
    if name == "np_ratio":  # varying N/P means the negative thickness follows from it
        return lambda d, v, ctx: dataclasses.replace(d, np_ratio=v, neg=dataclasses.replace(d.neg, thickness_m=np.nan))
    return lambda d, v, ctx: dataclasses.replace(d, **{name: v})


def _part_setter(part: str, name: str) -> Callable[..., CellDesign]:
    def apply(d: CellDesign, v: np.ndarray, ctx: Mapping[str, Any]) -> CellDesign:
        return dataclasses.replace(d, **{part: dataclasses.replace(getattr(d, part), **{name: v})})
    return apply


_SOLIDS = ("am_frac", "carbon_frac", "binder_frac")


def _composition_setter(part: str, name: str) -> Callable[..., CellDesign]:
    """Set one mass fraction and rebalance the others so that the three sum to one."""
    def apply(d: CellDesign, v: np.ndarray, ctx: Mapping[str, Any]) -> CellDesign:
        e: ElectrodeDesign = getattr(d, part)
        if name == "am_frac":
            rest = np.asarray(e.carbon_frac + e.binder_frac, dtype=float)
            if np.any(rest <= 0):
                raise InputError(f"{part}_am_frac", float(np.min(v)), "varied only when carbon + binder > 0 "
                                 "(they are scaled to make the fractions sum to 1)")
            scale = (1.0 - v) / rest
            new = dataclasses.replace(e, am_frac=v, carbon_frac=e.carbon_frac * scale, binder_frac=e.binder_frac * scale)
        else:
            other = "binder_frac" if name == "carbon_frac" else "carbon_frac"
            new = dataclasses.replace(e, **{name: v, "am_frac": 1.0 - v - getattr(e, other)})
        return dataclasses.replace(d, **{part: new})
    return apply


def _getter(part: str | None, name: str) -> Callable[[CellDesign], Any]:
    return (lambda d: getattr(d, name)) if part is None else (lambda d: getattr(getattr(d, part), name))


def _register_cell_variables() -> None:
    for s in specs(CellDesign):
        if s.unit not in ("bool", "text"):
            register_variable(DesignVariable(s.key, s, _cell_setter(s.name), _getter(None, s.name)))
    for part, cls in (("pos", ElectrodeDesign), ("neg", ElectrodeDesign), ("sep", SeparatorDesign)):
        for s in specs(cls):
            if s.unit in ("bool", "text"):
                continue
            key = f"{part}_{s.key}"
            setter = _composition_setter(part, s.name) if s.name in _SOLIDS else _part_setter(part, s.name)
            spec = dataclasses.replace(s, key=key)
            register_variable(DesignVariable(key, spec, setter, _getter(part, s.name)))


def _fold(key: Any) -> str:
    """Keys match case-insensitively (Excel key ranges are read lower-case)."""
    return str(key).strip().lower()


def _calendering_material(part: str, ctx: Mapping[str, Any]):
    from .calendering import get_calendering_material

    cal = dict(ctx.get("calendering") or {})
    return get_calendering_material(cal.get(f"{part}_material", "NMC811" if part == "pos" else "Graphite"))


def _line_load_setter(part: str) -> Callable[..., CellDesign]:
    """Calender the electrode at the line load: porosity and thickness follow, the mass loading is held
    (:func:`xlcell.calendering.calender`; context ``"calendering"``: ``pos_material``/``neg_material`` names,
    ``solids_fraction``)."""
    def apply(d: CellDesign, v: np.ndarray, ctx: Mapping[str, Any]) -> CellDesign:
        from .calendering import calender

        cal = dict(ctx.get("calendering") or {})
        return calender(d, v, which=part, material=_calendering_material(part, ctx),
                        solids_fraction=cal.get("solids_fraction"))[0]
    return apply


def _register_calendering_variables() -> None:
    for part, side in (("pos", "Positive"), ("neg", "Negative")):
        key = f"{part}_line_load_N_mm"
        spec = ParamSpec(name=key, key=key, label=f"{side}: calender line load", unit="N/mm", gt=0, le=1e4,
                         group="Calendering", doc="Sets the calendered porosity and thickness; the mass loading is held")
        register_variable(DesignVariable(key, spec, _line_load_setter(part), lambda d: np.nan, order=10))


def variable(key: str) -> DesignVariable:
    """The registered design variable ``key``, any case (raises :class:`UnknownKeyError` with suggestions)."""
    try:
        return _VARIABLES[_VAR_INDEX[_fold(key)]]
    except KeyError:
        raise UnknownKeyError(str(key), _VARIABLES, what="design variable") from None


def variable_keys() -> list[str]:
    """Every registered design-variable key, in registration order."""
    return list(_VARIABLES)


def check_variable_set(keys: Iterable[str]) -> None:
    """Raise :class:`ConflictError` if two chosen variables set the same input twice."""
    keys = list(keys)
    seen = set()
    for k in keys:
        if k in seen:
            raise ConflictError(f"design variable {k!r} is listed twice")
        seen.add(k)
    for part in ("pos", "neg"):
        if f"{part}_am_frac" in seen and ({f"{part}_carbon_frac", f"{part}_binder_frac"} & seen):
            raise ConflictError(f"vary either {part}_am_frac or {part}_carbon_frac/{part}_binder_frac, not both: "
                                "each rebalances the others")
        if f"{part}_line_load_N_mm" in seen and f"{part}_porosity" in seen:
            raise ConflictError(f"vary either {part}_line_load_N_mm or {part}_porosity, not both: the line load sets "
                                "the calendered porosity")


def apply_values(base: CellDesign, values: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> CellDesign:
    """``base`` with each design key of ``values`` set to its value (display units, arrays broadcast)."""
    d = base
    ctx = context or {}
    for key, v in sorted(values.items(), key=lambda kv: variable(kv[0]).order):
        var = variable(key)
        d = var.apply(d, var.spec.to_si(np.asarray(v, dtype=float)), ctx)
    return d


def current_values(base: CellDesign, keys: Iterable[str]) -> dict[str, float]:
    """The present value (display units) of each design key in ``base`` (NaN where derived)."""
    out = {}
    for k in keys:
        var = variable(k)
        v = np.asarray(var.spec.from_si(var.current(base)), dtype=float)
        out[var.key] = float(v.ravel()[0]) if v.size else float("nan")
    return out


# --------------------------------------------------------------------------------------------------
# Metric providers
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricProvider:
    """A vectorised model that maps a population of designs to named outputs (display units)."""

    name: str
    outputs: tuple[ParamSpec, ...]
    evaluate: Callable[["Evaluation"], Mapping[str, Any]]
    requires: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.outputs)


_PROVIDERS: dict[str, MetricProvider] = {}
_KEY_OWNER: dict[str, str] = {}  # output key -> provider
_OUT_INDEX: dict[str, str] = {}  # folded output key -> key


def register_metrics(name: str, outputs: Any, evaluate: Callable[["Evaluation"], Mapping[str, Any]],
                     requires: Iterable[str] = ()) -> MetricProvider:
    """Register a metric provider.

    Parameters
    ----------
    name : str
        Provider name (``"cell"``, ``"cost"``, ...); also the key of its inputs in ``Evaluation.context``.
    outputs : dataclass type or iterable of ParamSpec
        The output keys with their labels and display units (a dataclass with :func:`~xlcell.params.param`
        metadata is read with :func:`~xlcell.params.specs`).
    evaluate : callable
        ``evaluate(ev) -> {key: array}`` for the whole population ``ev.design`` in one call.
    requires : iterable of str
        Providers this one reads through ``ev.outputs(name)`` (for documentation and ordering).
    """
    outs = tuple(specs(outputs)) if dataclasses.is_dataclass(outputs) else tuple(outputs)
    if name in _PROVIDERS:
        raise ConflictError(f"metric provider {name!r} is registered twice")
    for s in outs:
        if _fold(s.key) in _OUT_INDEX:
            raise ConflictError(f"output key {s.key!r} of provider {name!r} is already given by {_KEY_OWNER[s.key]!r}")
    p = MetricProvider(name, outs, evaluate, tuple(requires))
    _PROVIDERS[name] = p
    for s in outs:
        _KEY_OWNER[s.key] = name
        _OUT_INDEX[_fold(s.key)] = s.key
    return p


def unregister_metrics(name: str) -> None:
    """Remove a provider (tests register temporary ones)."""
    p = _PROVIDERS.pop(name)
    for k in p.keys:
        _KEY_OWNER.pop(k, None)
        _OUT_INDEX.pop(_fold(k), None)


#: outputs that are the maximum of other outputs: a bound on one is a bound on each (smooth for the optimiser)
_MAX_OF: dict[str, tuple[str, ...]] = {}


def register_max_of(key: str, parts: Iterable[str]) -> None:
    """Declare output ``key`` as the maximum of the outputs ``parts``.

    An upper bound on ``key`` is then imposed as one smooth constraint per part instead of a kinked maximum.
    """
    _MAX_OF[output_key(key)] = tuple(output_key(p) for p in parts)


def max_of(key: str) -> tuple[str, ...]:
    """The outputs whose maximum is ``key`` (empty if ``key`` is not such a maximum)."""
    return _MAX_OF.get(output_key(key), ())


def providers() -> dict[str, MetricProvider]:
    return dict(_PROVIDERS)


def output_key(key: str) -> str:
    """The canonical spelling of a model output key given in any case."""
    try:
        return _OUT_INDEX[_fold(key)]
    except KeyError:
        raise UnknownKeyError(str(key), _KEY_OWNER, what="model output") from None


def output_spec(key: str) -> ParamSpec:
    """The :class:`ParamSpec` (label, unit) of a model output key (any case)."""
    k = output_key(key)
    return next(s for s in _PROVIDERS[_KEY_OWNER[k]].outputs if s.key == k)


def key_unit(key: str) -> str:
    """The display unit of a design-variable key or a model-output key."""
    try:
        return variable(key).unit
    except KeyError:
        return output_spec(key).unit


def output_keys() -> list[str]:
    """Every model output key that objectives and constraints may name."""
    return list(_KEY_OWNER)


class Evaluation:
    """A population of designs and the lazily computed, cached outputs of the metric providers.

    Parameters
    ----------
    design : CellDesign
        The population (fields broadcast to one shape).
    context : mapping, optional
        Extra inputs per provider name (e.g. ``{"cost": CostInputs(...)}``).
    """

    def __init__(self, design: CellDesign, context: Mapping[str, Any] | None = None,
                 values: Mapping[str, Any] | None = None):
        self.design = design
        self.context: Mapping[str, Any] = dict(context or {})
        self.values: dict[str, Any] = {variable(k).key: v for k, v in (values or {}).items()}  #: applied design keys
        self._cache: dict[str, dict[str, np.ndarray]] = {}

    def outputs(self, provider: str) -> dict[str, np.ndarray]:
        """All outputs of ``provider`` (evaluated once, then cached)."""
        if provider not in self._cache:
            p = _PROVIDERS[provider]
            raw = p.evaluate(self)
            self._cache[provider] = {k: np.asarray(raw[k]) for k in p.keys}
        return self._cache[provider]

    def __getitem__(self, key: str) -> np.ndarray:
        k = output_key(key)
        return self.outputs(_KEY_OWNER[k])[k]

    def table(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        return {k: self[k] for k in keys}


def evaluate_outputs(base: CellDesign | None, values: Mapping[str, Any], keys: Iterable[str],
                     context: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """Outputs ``keys`` for the population ``base`` with design keys ``values`` (display units) applied."""
    ev = Evaluation(apply_values(base if base is not None else default_design(), values, context), context, values)
    return ev.table(keys)


# --------------------------------------------------------------------------------------------------
# Built-in providers
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
    from .degradation import sei_cycle_life

    kw = dict(ev.context.get("lifetime") or {})
    return {"cycle_life": sei_cycle_life(ev.design, **kw)}


def _lcos(ev: Evaluation) -> dict[str, Any]:
    """The seed's cell-level LCOS from the cost and lifetime providers; context ``"lcos"``: ``om_usd`` (0) and
    ``residual_usd`` (0) per cell, ``efficiency`` (default: the resistive round trip at the design C-rate)."""
    from .lcos import lcos_simple
    from .units import from_si

    kw = dict(ev.context.get("lcos") or {})
    v, v_load = ev["avg_voltage_V"], ev["voltage_under_load_V"]
    eta = np.clip(v_load / (2.0 * v - v_load), 1e-6, 1.0)
    eta = kw.get("efficiency", eta)
    materials = ev["materials_usd"]
    cost = ev["cell_cost_usd"]
    usd_J = lcos_simple(materials, cost - materials, kw.get("om_usd", 0.0), kw.get("residual_usd", 0.0), eta,
                        ev["energy_Wh"] * 3600.0, ev["cycle_life"])
    return {"round_trip_efficiency": np.broadcast_to(eta, np.shape(usd_J)), "lcos_cell_usd_per_kWh": from_si(usd_J, "$/kWh")}


_CAL = tuple(ParamSpec(name=f"{p}_fracture_ratio", key=f"{p}_fracture_ratio", label=f"{s}: line load / fracture line load",
                       unit="-", group="Calendering",
                       doc="<= 1: the particles do not crack. The line load is the variable's when it is varied, else the "
                           "one that calenders the coating to the design porosity (inf at or below ε_min; 0 uncalendered)")
             for p, s in (("pos", "Positive"), ("neg", "Negative")))


def implied_line_load(porosity: Any, eps0: Any, material: Any) -> np.ndarray:
    """Line load (N/m) that calenders a coating of porosity ``eps0`` to ``porosity`` (the compaction law's inverse,
    :func:`xlcell.calendering.line_load_for_porosity`): 0 at or above ``eps0`` (not calendered), inf at or below the
    material's ε_min (no line load reaches it)."""
    from .calendering import line_load_for_porosity

    eps, e0 = np.broadcast_arrays(np.asarray(porosity, dtype=float), np.asarray(eps0, dtype=float))
    em = material.eps_min
    reachable = eps > em
    target = np.where(reachable, np.minimum(eps, e0), 0.5 * (em + e0))  # in range for the inverse everywhere
    q = line_load_for_porosity(target, e0, em, material.gamma_N_m)
    return np.where(reachable, q, np.inf)


def _calendering(ev: Evaluation) -> dict[str, Any]:
    """Line load over the fracture-onset line load of each electrode (context ``"calendering"``: ``pos_material`` /
    ``neg_material`` names, ``solids_fraction``). The line load is the decision variable's when
    ``{part}_line_load_N_mm`` is varied; otherwise the one implied by the design porosity through the material's
    compaction law, so a design porosity below the fracture-onset porosity gives a ratio > 1 (and one at or below ε_min
    inf: no line load reaches it)."""
    from .calendering import coating_porosity, fracture_line_load
    from .units import to_si

    shape = np.shape(np.asarray(ev["energy_Wh"]))
    cal = dict(ev.context.get("calendering") or {})
    out = {}
    for part in ("pos", "neg"):
        mat = _calendering_material(part, ev.context)
        eps0 = coating_porosity(cal.get("solids_fraction", 0.4), mat.drying_shrinkage)
        q_f = fracture_line_load(eps0, mat)  # N/m; inf if the material never cracks, 0 if any calendering does
        q = ev.values.get(f"{part}_line_load_N_mm")
        if q is None:
            q = implied_line_load(getattr(ev.design, part).porosity, eps0, mat)
        else:
            q = to_si(q, "N/mm")
        q, q_f = np.broadcast_arrays(np.asarray(q, dtype=float), np.asarray(q_f, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(q <= 0, 0.0, np.where(np.isinf(q), np.inf, np.where(np.isinf(q_f), 0.0, q / q_f)))
        out[f"{part}_fracture_ratio"] = np.broadcast_to(ratio, shape)
    return out


def _register_builtin() -> None:
    _register_cell_variables()
    _register_calendering_variables()
    register_metrics("cell", CellMetrics, lambda ev: evaluate_cell(ev.design).as_display())
    register_metrics("limits", _LIMIT_SPECS, _limits, requires=("cell",))
    register_max_of("diffusion_limit", [s.key for s in _LIMIT_SPECS[:4]])
    from . import cost  # noqa: F401 - the cost model registers itself as the provider "cost" (xlcell/cost.py)
    register_metrics("lifetime", _LIFE, _lifetime)
    register_metrics("lcos", _LCOS, _lcos, requires=("cell", "cost", "lifetime"))
    register_metrics("calendering", _CAL, _calendering, requires=("cell",))
    from . import uncertainty  # noqa: F401 - Monte Carlo risk measures register as the provider "uncertainty"


_register_builtin()

__all__ = [
    "DesignVariable", "MetricProvider", "Evaluation", "register_variable", "register_metrics", "unregister_metrics",
    "variable", "variable_keys", "check_variable_set", "apply_values", "current_values", "providers", "output_spec",
    "output_keys", "output_key", "key_unit", "evaluate_outputs", "register_max_of", "max_of",
]
