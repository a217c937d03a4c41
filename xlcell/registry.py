"""The design vector and the registry of model outputs that optimisation can use.

Decision variables are the numeric Excel keys of the design (``pos_thickness_um``, ``pos_porosity``,
``np_ratio``, ``sep_thickness_um``, ...), in display units, each applied to a :class:`~xlcell.cell.CellDesign`
by a :class:`DesignVariable`. Model outputs come from *metric providers*: vectorised functions that map a
population of designs to ``{Excel key: array in display units}``. The cell model is a provider; the cost,
calendering and lifetime models plug in with one call each::

    register_metrics("cost", CostBreakdown, lambda ev: evaluate_cost(ev.design, ev.context.get("cost")).as_display(),
                     requires=("cell",))

where ``CostBreakdown`` is the output dataclass whose field metadata (:func:`xlcell.params.param`) names the keys and
units, and ``ev`` is an :class:`Evaluation` (the population, the model context and the other providers' outputs).

Varying ``np_ratio`` derives the negative thickness from it (as a blank ``neg_thickness_um`` does on the Design
sheet); varying ``neg_thickness_um`` sets it and N/P follows. Composition variables keep the solid mass fractions summing to one: varying ``pos_carbon_frac`` or
``pos_binder_frac`` takes the difference from the active material; varying ``pos_am_frac`` scales carbon and
binder in proportion.
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

    ``apply(design, si_values)`` returns ``design`` with the input set to ``si_values`` (an array of one value
    per design in the population, SI units); ``current(design)`` reads the present value (SI).
    """

    key: str
    spec: ParamSpec
    apply: Callable[[CellDesign, np.ndarray], CellDesign]
    current: Callable[[CellDesign], Any]

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


def _cell_setter(name: str) -> Callable[[CellDesign, np.ndarray], CellDesign]:
    if name == "np_ratio":  # varying N/P means the negative thickness follows from it
        return lambda d, v: dataclasses.replace(d, np_ratio=v, neg=dataclasses.replace(d.neg, thickness_m=np.nan))
    return lambda d, v: dataclasses.replace(d, **{name: v})


def _part_setter(part: str, name: str) -> Callable[[CellDesign, np.ndarray], CellDesign]:
    def apply(d: CellDesign, v: np.ndarray) -> CellDesign:
        return dataclasses.replace(d, **{part: dataclasses.replace(getattr(d, part), **{name: v})})
    return apply


_SOLIDS = ("am_frac", "carbon_frac", "binder_frac")


def _composition_setter(part: str, name: str) -> Callable[[CellDesign, np.ndarray], CellDesign]:
    """Set one mass fraction and rebalance the others so that the three sum to one."""
    def apply(d: CellDesign, v: np.ndarray) -> CellDesign:
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


def apply_values(base: CellDesign, values: Mapping[str, Any]) -> CellDesign:
    """``base`` with each design key of ``values`` set to its value (display units, arrays broadcast)."""
    d = base
    for key, v in values.items():
        var = variable(key)
        d = var.apply(d, var.spec.to_si(np.asarray(v, dtype=float)))
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

    def __init__(self, design: CellDesign, context: Mapping[str, Any] | None = None):
        self.design = design
        self.context: Mapping[str, Any] = dict(context or {})
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
    ev = Evaluation(apply_values(base if base is not None else default_design(), values), context)
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


def _register_builtin() -> None:
    _register_cell_variables()
    register_metrics("cell", CellMetrics, lambda ev: evaluate_cell(ev.design).as_display())
    register_metrics("limits", _LIMIT_SPECS, _limits, requires=("cell",))
    register_max_of("diffusion_limit", [s.key for s in _LIMIT_SPECS[:4]])


_register_builtin()

__all__ = [
    "DesignVariable", "MetricProvider", "Evaluation", "register_variable", "register_metrics", "unregister_metrics",
    "variable", "variable_keys", "check_variable_set", "apply_values", "current_values", "providers", "output_spec",
    "output_keys", "output_key", "evaluate_outputs", "register_max_of", "max_of",
]
