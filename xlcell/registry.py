"""The design vector and the registry of model outputs that optimisation can use.

Decision variables are the numeric Excel keys of the design (``pos_thickness_um``, ``pos_porosity``,
``np_ratio``, ``sep_thickness_um``, ...), in display units, each applied to a :class:`~xlcell.cell.CellDesign`
by a :class:`DesignVariable`. Model outputs come from *metric providers*: vectorised functions that map a
population of designs to ``{Excel key: array in display units}``. This module holds the mechanism and the design
vector (the fields of :class:`~xlcell.cell.CellDesign`); it imports no other model. The providers (``cell``,
``limits``: diffusion numbers over their critical values, ``cost``, ``lifetime``: SEI cycle life, ``lcos``: cell-level
LCOS, ``calendering``: fracture ratios, ``uncertainty``: Monte Carlo risk measures) and the calender line-load
variables are wired in one place, :func:`xlcell.wiring.wire`, in dependency order, the first time the registry is
queried. A model plugs in with one line there::

    register_metrics("cost", CostMetrics, lambda ev: evaluate_cost(ev.design, **ev.context.get("cost", {})).as_display())

where ``CostMetrics`` is the output dataclass whose field metadata (:func:`xlcell.params.param`) names the keys and
units, and ``ev`` is an :class:`Evaluation` (the population, the model context and the other providers' outputs).

A provider registered with ``partial=True`` is called as ``evaluate(ev, keys)`` and computes only the outputs
``keys`` and what they need (issue 15): the cost provider asks the cost model for those metrics only, the life
provider leaves out the resistance at end of life unless it is asked, the duty provider reads the cell model's rate
capability without its pulse power, and the cell provider asked for its feasibility flags alone runs the chain and
rate model only. A provider declares the other providers' outputs it reads (``reads``), so that
:meth:`Evaluation.table` asks each provider once for everything a table needs: a sweep of ``cell_cost_usd_per_kWh``,
``cycle_life`` and ``lcos_cell_usd_per_kWh`` costs one cost call, one life call and one rate-model call, and the
numbers are the full models' (``tests/test_registry.py``).

Varying ``np_ratio`` derives the negative thickness from it (as a blank ``neg_thickness_um`` does on the Design
sheet); varying ``neg_thickness_um`` sets it and N/P follows. Composition variables keep the solid mass fractions
summing to one: varying ``pos_carbon_frac`` or ``pos_binder_frac`` takes the difference from the active material;
varying ``pos_am_frac`` scales carbon and binder in proportion. The calender line load ``pos_line_load_N_mm`` /
``neg_line_load_N_mm`` applies after the coating inputs (:func:`xlcell.calendering.calender`, mass loading held).
"""
from __future__ import annotations

import dataclasses
import functools
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from .cell import CellDesign, ElectrodeDesign, SeparatorDesign, default_design, evaluate_cell, resolve
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
_wired = False
_wire_done = False
#: one wiring at a time: a batch run's threads (:mod:`xlcell.batch`) may be the registry's first users
_WIRE_LOCK = threading.RLock()


def _ensure_wired() -> None:
    """Wire the models in (:func:`xlcell.wiring.wire`) the first time the registry is used; later calls do nothing
    (another thread waits until the wiring is complete)."""
    global _wired, _wire_done
    if _wire_done:
        return
    with _WIRE_LOCK:
        if _wired:  # wired meanwhile, or the wiring itself (this thread) calling register_*
            return
        _wired = True  # first: the wiring itself calls register_*
        from .wiring import wire

        try:
            wire()
        except BaseException:
            _wired = False
            for d in (_VARIABLES, _VAR_INDEX, _PROVIDERS, _KEY_OWNER, _OUT_INDEX, _MAX_OF, _LIMITS):
                d.clear()
            raise
        _wire_done = True


def register_variable(var: DesignVariable) -> None:
    """Make ``var`` available as a decision variable (its key must be new).

    Parameters
    ----------
    var : DesignVariable
        The variable: its Excel key (new in any case), its spec (label, display unit, allowed range), how it sets
        and reads the input of a :class:`~xlcell.cell.CellDesign` (SI) and its ``order`` among the variables.
    """
    _ensure_wired()
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


def cell_variables() -> list[DesignVariable]:
    """The numeric fields of :class:`CellDesign` and of its electrodes and separator (``pos_``/``neg_``/``sep_``
    prefixed) as design variables, in field order."""
    out = []
    for s in specs(CellDesign):
        if s.unit not in ("bool", "text"):
            out.append(DesignVariable(s.key, s, _cell_setter(s.name), _getter(None, s.name)))
    for part, cls in (("pos", ElectrodeDesign), ("neg", ElectrodeDesign), ("sep", SeparatorDesign)):
        for s in specs(cls):
            if s.unit in ("bool", "text"):
                continue
            key = f"{part}_{s.key}"
            setter = _composition_setter(part, s.name) if s.name in _SOLIDS else _part_setter(part, s.name)
            spec = dataclasses.replace(s, key=key)
            out.append(DesignVariable(key, spec, setter, _getter(part, s.name)))
    return out


def cell_outputs(ev: "Evaluation", metrics: Any = None) -> dict[str, Any]:
    """The cell model's outputs (:class:`~xlcell.cell.CellMetrics`, display units): the provider ``"cell"``, which the
    others read.

    The cell model reads the same inputs as the cost model wherever the two meet (issue 17, one chain): the cell
    format of context ``"cost"`` (a dict's ``fmt``; default :class:`~xlcell.pouch.CellFormat`) and the calendering
    context ``"calendering"`` (the coatings' materials and solids fraction, for their electronic conductivity).

    Parameters
    ----------
    ev : Evaluation
        The population of designs (``ev.design``) and the context.
    metrics : iterable of str, optional
        The outputs to compute (:func:`~xlcell.cell.evaluate_cell`'s ``metrics``); default: every one.
    """
    return evaluate_cell(ev.resolved(), cell_format(ev.context), calendering=ev.context.get("calendering"),
                         metrics=metrics).as_display()


def cell_format(context: Mapping[str, Any] | None) -> Any:
    """The cell format of a model context: ``context["cost"]["fmt"]`` when the cost context is a dict that gives one,
    else None (the default format).

    Parameters
    ----------
    context : mapping or None
        The evaluation context.
    """
    c = dict(context or {}).get("cost")
    return c.get("fmt") if isinstance(c, Mapping) else None


def _fold(key: Any) -> str:
    """Keys match case-insensitively (Excel key ranges are read lower-case)."""
    return str(key).strip().lower()


def variable(key: str) -> DesignVariable:
    """The registered design variable ``key``, any case (raises :class:`UnknownKeyError` with suggestions).

    Parameters
    ----------
    key : str
        Excel key of the design input, e.g. ``pos_thickness_um`` or ``np_ratio`` (any case, surrounding blanks
        ignored).
    """
    _ensure_wired()
    try:
        return _VARIABLES[_VAR_INDEX[_fold(key)]]
    except KeyError:
        raise UnknownKeyError(str(key), _VARIABLES, what="design variable") from None


def variable_keys() -> list[str]:
    """Every registered design-variable key, in registration order."""
    _ensure_wired()
    return list(_VARIABLES)


def check_variable_set(keys: Iterable[str]) -> None:
    """Raise :class:`ConflictError` if two chosen variables set the same input twice.

    That is: a key listed twice, ``<part>_am_frac`` with ``<part>_carbon_frac`` or ``<part>_binder_frac`` (each
    rebalances the others), or ``<part>_line_load_N_mm`` with ``<part>_porosity`` (the line load sets the
    porosity), for ``part`` in ``pos``, ``neg``.

    Parameters
    ----------
    keys : iterable of str
        The chosen design-variable keys, spelled as registered (:attr:`DesignVariable.key`; the comparison is
        case-sensitive).
    """
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
    """``base`` with each design key of ``values`` set to its value (display units, arrays broadcast).

    The variables apply in increasing :attr:`DesignVariable.order` (the calender line loads after the coating
    inputs they act on).

    Parameters
    ----------
    base : CellDesign
        The design (or population) the values are applied to; it is not changed.
    values : mapping of str to array_like
        ``{design key: value}`` in each key's display unit (e.g. µm for ``pos_thickness_um``, - for
        ``pos_porosity``), any case; one value per design of the population, or a scalar for all.
    context : mapping, optional
        Extra inputs per provider name, as in :class:`Evaluation` (the calender line loads read
        ``context["calendering"]``: ``pos_material``/``neg_material`` names and ``solids_fraction``).
    """
    d = base
    ctx = context or {}
    for key, v in sorted(values.items(), key=lambda kv: variable(kv[0]).order):
        var = variable(key)
        d = var.apply(d, var.spec.to_si(np.asarray(v, dtype=float)), ctx)
    return d


def current_values(base: CellDesign, keys: Iterable[str]) -> dict[str, float]:
    """The present value (display units) of each design key in ``base`` (NaN where derived).

    Parameters
    ----------
    base : CellDesign
        The design read; for a population, its first design.
    keys : iterable of str
        Design-variable keys (any case); the result is keyed by their registered spelling.
    """
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
    evaluate: Callable[..., Mapping[str, Any]]
    requires: tuple[str, ...] = ()
    #: ``evaluate(ev, keys)`` computes only the outputs ``keys`` (a tuple of its keys, in its order) and what they
    #: depend on; otherwise ``evaluate(ev)`` gives every output
    partial: bool = False
    #: ``{own output key: the other providers' output keys it reads}``: an evaluation that asks for the key asks the
    #: others for those keys in the same call (a partial provider then computes them together)
    reads: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    @functools.cached_property  # read on every output asked of an evaluation: built once
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.outputs)


_PROVIDERS: dict[str, MetricProvider] = {}
_KEY_OWNER: dict[str, str] = {}  # output key -> provider
_OUT_INDEX: dict[str, str] = {}  # folded output key -> key


def register_metrics(name: str, outputs: Any, evaluate: Callable[..., Mapping[str, Any]],
                     requires: Iterable[str] = (), *, partial: bool = False,
                     reads: Mapping[str, Iterable[str]] | None = None) -> MetricProvider:
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
    partial : bool
        ``evaluate(ev, keys)`` computes only the outputs ``keys`` (a tuple of its output keys) and returns at least
        those: an evaluation asking for some of its outputs computes only what they need.
    reads : mapping, optional
        ``{own output key: other providers' output keys it reads}`` (through ``ev[key]``): asked for together.
    """
    _ensure_wired()
    outs = tuple(specs(outputs)) if dataclasses.is_dataclass(outputs) else tuple(outputs)
    if name in _PROVIDERS:
        raise ConflictError(f"metric provider {name!r} is registered twice")
    for s in outs:
        if _fold(s.key) in _OUT_INDEX:
            raise ConflictError(f"output key {s.key!r} of provider {name!r} is already given by {_KEY_OWNER[s.key]!r}")
    p = MetricProvider(name, outs, evaluate, tuple(requires), bool(partial),
                       {k: tuple(v) for k, v in dict(reads or {}).items()})
    _PROVIDERS[name] = p
    for s in outs:
        _KEY_OWNER[s.key] = name
        _OUT_INDEX[_fold(s.key)] = s.key
    return p


def unregister_metrics(name: str) -> None:
    """Remove a provider (tests register temporary ones).

    Parameters
    ----------
    name : str
        Name the provider was registered under (:func:`register_metrics`); its output keys go with it.
    """
    _ensure_wired()
    p = _PROVIDERS.pop(name)
    for k in p.keys:
        _KEY_OWNER.pop(k, None)
        _OUT_INDEX.pop(_fold(k), None)


#: outputs that are the maximum of other outputs: a bound on one is a bound on each (smooth for the optimiser)
_MAX_OF: dict[str, tuple[str, ...]] = {}


def register_max_of(key: str, parts: Iterable[str]) -> None:
    """Declare output ``key`` as the maximum of the outputs ``parts``.

    An upper bound on ``key`` is then imposed as one smooth constraint per part instead of a kinked maximum.

    Parameters
    ----------
    key : str
        Model output key of the maximum (any case), e.g. ``diffusion_limit``.
    parts : iterable of str
        Model output keys (any case) whose maximum ``key`` is (same display unit), e.g. the four diffusion ratios
        ``electrolyte_limit_pos`` ... ``solid_limit_neg``.
    """
    _ensure_wired()
    _MAX_OF[output_key(key)] = tuple(output_key(p) for p in parts)


def max_of(key: str) -> tuple[str, ...]:
    """The outputs whose maximum is ``key`` (empty if ``key`` is not such a maximum).

    Parameters
    ----------
    key : str
        Model output key (any case; an unknown key raises :class:`UnknownKeyError`).
    """
    _ensure_wired()
    return _MAX_OF.get(output_key(key), ())


#: limits that every design problem imposes where they apply: output key -> (upper bound, applies(context) -> bool)
_LIMITS: dict[str, tuple[float, Callable[[Mapping[str, Any]], bool]]] = {}


def register_limit(key: str, upper: float, applies: Callable[[Mapping[str, Any]], bool]) -> None:
    """Declare ``key <= upper`` a limit of every design (the calendering limits: fracture and percolation ratios).

    :class:`~xlcell.optimize.DesignProblem` imposes it unless the problem bounds ``key`` itself, and the ``feasible``
    output includes it.

    Parameters
    ----------
    key : str
        Model output key (any case).
    upper : float
        Upper bound in the output's display unit.
    applies : callable
        ``applies(context) -> bool``: whether the limit is assessed for a problem's model context (e.g. only where
        the electrode's material has calendering parameters).
    """
    _ensure_wired()
    _LIMITS[output_key(key)] = (float(upper), applies)


def limits(context: Mapping[str, Any] | None = None) -> list[tuple[str, float, bool]]:
    """``(key, upper bound, applies)`` of every registered limit for the model ``context``, in registration order.

    Parameters
    ----------
    context : mapping, optional
        Extra inputs per provider name, as in :class:`Evaluation`.
    """
    _ensure_wired()
    ctx = context or {}
    return [(k, upper, bool(applies(ctx))) for k, (upper, applies) in _LIMITS.items()]


def providers() -> dict[str, MetricProvider]:
    _ensure_wired()
    return dict(_PROVIDERS)


def output_key(key: str) -> str:
    """The canonical spelling of a model output key given in any case.

    Parameters
    ----------
    key : str
        Model output key in any case (surrounding blanks ignored); an unknown key raises
        :class:`UnknownKeyError` with suggestions.
    """
    _ensure_wired()
    try:
        return _OUT_INDEX[_fold(key)]
    except KeyError:
        raise UnknownKeyError(str(key), _KEY_OWNER, what="model output") from None


def output_spec(key: str) -> ParamSpec:
    """The :class:`ParamSpec` (label, unit) of a model output key (any case).

    Parameters
    ----------
    key : str
        Model output key (any case).
    """
    _ensure_wired()
    k = output_key(key)
    return next(s for s in _PROVIDERS[_KEY_OWNER[k]].outputs if s.key == k)


def key_unit(key: str) -> str:
    """The display unit of a design-variable key or a model-output key.

    Parameters
    ----------
    key : str
        Design-variable key or model output key (any case); design variables are looked up first.
    """
    try:
        return variable(key).unit
    except KeyError:
        return output_spec(key).unit


def output_keys() -> list[str]:
    """Every model output key that objectives and constraints may name."""
    _ensure_wired()
    return list(_KEY_OWNER)


class Evaluation:
    """A population of designs and the lazily computed, cached outputs of the metric providers.

    Parameters
    ----------
    design : CellDesign
        The population (fields broadcast to one shape).
    context : mapping, optional
        Extra inputs per provider name (e.g. ``{"cost": CostInputs(...)}``).
    values : mapping of str to array_like, optional
        The design keys applied to ``design`` (display units, any case), kept for the providers that need the
        decision variable itself (the calendering provider reads ``pos_line_load_N_mm``/``neg_line_load_N_mm``).
    """

    def __init__(self, design: CellDesign, context: Mapping[str, Any] | None = None,
                 values: Mapping[str, Any] | None = None):
        _ensure_wired()
        self.design = design
        self.context: Mapping[str, Any] = dict(context or {})
        self.values: dict[str, Any] = {variable(k).key: v for k, v in (values or {}).items()}  #: applied design keys
        self._cache: dict[str, dict[str, np.ndarray]] = {}
        self._want: dict[str, set[str]] = {}  # provider -> output keys asked for (not yet computed)
        self._resolved: CellDesign | None = None
        #: the providers of every output this evaluation will be asked, when declared (``want(..., complete=True)``);
        #: None: not declared (a provider then computes all its outputs at once, for the readers it cannot foresee)
        self.complete: frozenset[str] | None = None

    def resolved(self) -> CellDesign:
        """The population resolved (:func:`xlcell.cell.resolve`: validated, the negative thickness derived from N/P),
        once per evaluation: the cell, calendering and cost providers all read it, so a model call validates the
        designs once instead of once per provider (the numbers are those of ``resolve(self.design)``)."""
        if self._resolved is None:
            self._resolved = resolve(self.design)
        return self._resolved

    def want(self, keys: Iterable[str], complete: bool = False) -> None:
        """Declare the outputs ``keys`` (any case) and, through the providers' ``reads``, what they read, so that each
        partial provider computes every output asked of it in one call.

        Parameters
        ----------
        keys : iterable of str
            Model output keys (any case).
        complete : bool
            True: ``keys`` are all the outputs the evaluation will be asked (a model call of a design problem), so a
            provider whose readers are known may compute those only (:attr:`complete`).
        """
        todo = [output_key(k) for k in keys]
        seen: set[str] = set()
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            prov = _KEY_OWNER[k]
            if k not in self._cache.get(prov, {}):
                self._want.setdefault(prov, set()).add(k)
            todo.extend(output_key(r) for r in _PROVIDERS[prov].reads.get(k, ()))
        if complete:
            self.complete = frozenset(_KEY_OWNER[k] for k in seen)

    def _compute(self, provider: str, keys: Iterable[str] | None) -> dict[str, np.ndarray]:
        """Outputs ``keys`` of ``provider`` (None: all) with the others asked of it, computed once and cached."""
        p = _PROVIDERS[provider]
        cache = self._cache.setdefault(provider, {})
        ask = set(p.keys if keys is None or not p.partial else keys) | self._want.pop(provider, set())
        missing = tuple(k for k in p.keys if k in ask and k not in cache)
        if missing:
            raw = p.evaluate(self, missing) if p.partial else p.evaluate(self)
            for k in p.keys:  # a partial provider's outputs beyond those asked are kept too
                if k in raw:
                    cache.setdefault(k, np.asarray(raw[k]))
        return cache

    def outputs(self, provider: str) -> dict[str, np.ndarray]:
        """All outputs of ``provider`` (evaluated once, then cached).

        Parameters
        ----------
        provider : str
            Name of a registered metric provider (``"cell"``, ``"cost"``, ...; exact spelling).
        """
        cache = self._compute(provider, None)
        return {k: cache[k] for k in _PROVIDERS[provider].keys}

    def __getitem__(self, key: str) -> np.ndarray:
        k = output_key(key)
        return self._compute(_KEY_OWNER[k], (k,))[k]

    def table(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """``{key: array}`` of the model outputs ``keys`` over the population (display units); each provider computes
        only the outputs asked of it (and what they need), once.

        Parameters
        ----------
        keys : iterable of str
            Model output keys (any case); the result is keyed as given.
        """
        keys = list(keys)
        self.want(keys)
        return {k: self[k] for k in keys}


def evaluate_outputs(base: CellDesign | None, values: Mapping[str, Any], keys: Iterable[str],
                     context: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """Outputs ``keys`` for the population ``base`` with design keys ``values`` (display units) applied.

    Parameters
    ----------
    base : CellDesign or None
        The design (or population) to start from; None for :func:`~xlcell.cell.default_design`.
    values : mapping of str to array_like
        ``{design key: value}`` in display units (any case), applied by :func:`apply_values`.
    keys : iterable of str
        Model output keys (any case) to return, keyed as given, in display units.
    context : mapping, optional
        Extra inputs per provider name, as in :class:`Evaluation`.
    """
    ev = Evaluation(apply_values(base if base is not None else default_design(), values, context), context, values)
    return ev.table(keys)


__all__ = [
    "DesignVariable", "MetricProvider", "Evaluation", "register_variable", "register_metrics", "unregister_metrics",
    "variable", "variable_keys", "check_variable_set", "apply_values", "current_values", "providers", "output_spec",
    "output_keys", "output_key", "key_unit", "evaluate_outputs", "register_max_of", "max_of", "cell_variables",
    "cell_outputs", "cell_format", "register_limit", "limits",
]
