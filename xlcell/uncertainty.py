"""Uncertainty: Monte Carlo with latent factors, and cell-to-cell variation of a production run.

The seed's grand challenge asks for a joint probability model with a latent *macroeconomic factor* for
the co-movement of raw-material prices and a separate *thermal factor* for the correlated variability of
a cell's electrochemical parameters, evaluated by thousands of Monte Carlo runs to give a design's risk
profile. :func:`monte_carlo` draws, for every sample s (all samples at once, ``numpy.random.default_rng(seed)``):

* **prices** (every price field of :class:`xlcell.bom.MaterialPrices`): with M ~ N(0, 1) the macro factor
  and e_i ~ N(0, 1) independent, the standardised log-return of price i is
  r_i = l_i M + sqrt(1 - l_i²) e_i (so corr(r_i, r_j) = l_i l_j and r_i ~ N(0, 1)), and
  p_i = base_i · exp(σ_i r_i - σ_i²/2). The -σ²/2 makes the lognormal **mean-preserving**:
  E[p_i] = base_i (the median is base_i · exp(-σ_i²/2)), so volatility alone does not move the expected
  cost: the base prices are read as expected prices.
* **electrochemical parameters** (both electrodes' solid diffusivity and exchange current density, the
  electrolyte's conductivity and salt diffusivity): with Θ ~ N(0, 1) the thermal factor, an effective
  temperature T_eff = T + σ_T Θ (T the design's temperature) moves parameter k by its Arrhenius factor
  exp(-E_k/R (1/T_eff - 1/T)), times idiosyncratic noise exp(σ_n ε_k - σ_n²/2), ε_k ~ N(0, 1). Θ moves the
  six parameters together (a cell that runs "hot" in all its kinetics), and the sample's temperature is
  T_eff: every model that reads the cell's temperature sees the same T_eff (issue 17 item 6), the SEI and
  cycle-life model of the registry's ``lifetime`` provider (:mod:`xlcell.degradation`) included, so the
  cycle life and the LCOS move with Θ. The cell model's own use of the temperature (RT/F of the
  charge-transfer resistance) is the physics of a cell at T_eff, not a second Arrhenius factor: the six
  parameters are given at the design temperature and moved once, here. A duty with its own temperature
  (context ``"duty"``, :class:`xlcell.duty.Duty`) is shifted by the same σ_T Θ.
* **manufacturing** (cell to cell): each electrode's coating thickness L (1 + cv_L z) and porosity
  ε (1 + cv_ε z), z ~ N(0, 1) independent per electrode and sample (clipped to the allowed range, which
  at the allowed CVs of at most 20 % happens only beyond 5 standard deviations).

The draws are made in a fixed order whatever the spec (M, e, Θ, ε, z), so two specs or two designs run
with the same seed see the same random numbers (common random numbers: their difference is not noise).

All n samples, plus the deterministic design as one more member, form one population evaluated by ONE
call of each model (cell, cost, and SEI life/LCOS when asked) through :mod:`xlcell.registry`: no Python
loop over samples.

Default activation energies (:data:`ACTIVATION_ENERGIES`) are the values of PyBaMM's ``Marquis2019``
parameter set (from Dualfoil: graphite MCMB 2528 and LiCoO2; LiPF6 in EC:DMC after Capiglia et al.
1999, J. Power Sources 81, 859). They are not measurements of the default NMC811-graphite cell: read them
as illustrative. The price loadings and volatilities, σ_T, the noise and the CVs are illustrative too.

:func:`cell_to_cell` gives the spread of capacity and resistance across the cells of one production run
(coating thickness, porosity and particle-contact fluctuations, the second seed's cell-to-cell variation),
the share inside a spec window, and packs of s cells in series (each a group of p in parallel) built from
the run: a series string's capacity is that of its weakest parallel group.

The spread also sets the cell yield (issue 17 item 6): a :class:`SpecWindow` of end-of-line grading limits
(capacity and resistance, relative to the nominal cell or absolute; every limit an input with no default
claim) passes a share of the production run (:func:`spec_yield`), and that share becomes the cell yield of the
grading step, where BatPaC 5.0's 95 % sits (:func:`factory_with_grading_yield`). Without a window (the default)
the factory's yields stay, so BatPaC's cost is reproduced exactly.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .bom import CellFormat, MaterialPrices, MaterialYields, Slurry, resolve_prices
from .cell import CellDesign, _map_cell, broadcast_fields_cell, evaluate_cell, resolve
from .degradation import arrhenius
from .duty import Duty
from .errors import InputError, ShapeError, UnknownKeyError
from .params import ParamSpec, param, per_item, specs, validate, whole_number
from .units import from_si, to_si

Array = Any

_MC = "Monte Carlo"

#: the six electrochemical parameters moved by the thermal factor: (name, part, field, default E_a J/mol, source)
ECHEM_PARAMS: tuple[tuple[str, str, str, float, str], ...] = (
    ("pos_solid_diffusivity", "pos", "solid_diffusivity_m2_s", 18550.0, "LiCoO2, Dualfoil (PyBaMM Marquis2019)"),
    ("neg_solid_diffusivity", "neg", "solid_diffusivity_m2_s", 42770.0, "graphite MCMB 2528, Dualfoil (PyBaMM Marquis2019)"),
    ("pos_exchange_current", "pos", "exchange_current_A_m2", 39570.0, "LiCoO2, Dualfoil (PyBaMM Marquis2019)"),
    ("neg_exchange_current", "neg", "exchange_current_A_m2", 37480.0, "graphite MCMB 2528, Dualfoil (PyBaMM Marquis2019)"),
    ("electrolyte_conductivity", "cell", "electrolyte_conductivity_S_m", 34700.0, "LiPF6 in EC:DMC, Capiglia et al. 1999 (PyBaMM Marquis2019)"),
    ("electrolyte_diffusivity", "cell", "electrolyte_diffusivity_m2_s", 37040.0, "LiPF6 in EC:DMC, Capiglia et al. 1999 (PyBaMM Marquis2019)"),
)
ACTIVATION_ENERGIES = {name: ea for name, _, _, ea, _ in ECHEM_PARAMS}


#: illustrative per-price (loading, volatility) of the main materials; the other prices take the spec's
#: price_loading / price_volatility. Metal-linked items (cathode: Ni, Co, Li; copper foil) load most on the
#: macro factor and move most. Not fitted to price data.
DEFAULT_PRICE_RISK: dict[str, tuple[float, float]] = {
    "pos_am_usd_kg": (0.8, 0.25), "neg_am_usd_kg": (0.5, 0.15), "electrolyte_usd_L": (0.6, 0.20),
    "separator_usd_m2": (0.3, 0.10), "pos_foil_usd_m2": (0.7, 0.15), "neg_foil_usd_m2": (0.7, 0.20),
}


def _ea(name: str, label: str) -> Any:
    src = next(s for n, _, _, _, s in ECHEM_PARAMS if n == name)
    return field(default=ACTIVATION_ENERGIES[name], metadata=param(
        f"Activation energy: {label}", "kJ/mol", key=f"ea_{name}_kJ_mol", ge=0, le=200, group=_MC,
        doc=f"Arrhenius activation energy; default {from_si(ACTIVATION_ENERGIES[name], 'kJ/mol'):g} kJ/mol, {src} (illustrative for this cell)"))


_W = "Spec window"
#: the process step whose cell yield the end-of-line grading sets: BatPaC 5.0's 95 % cell yield sits on it
#: (``xlcell/data/batpac5_default.toml``; digest ``shared/reference/batpac5.md`` §1)
GRADING_STEP = "Formation, aging & testing"


def _limit(label: str, unit: str, key: str, doc: str) -> Any:
    return field(default=np.nan, metadata=param(label, unit, key=key, gt=0, le=1000 if unit == "%" else None,
                                                allow_nan=True, group=_W, doc=doc + "; blank = no limit"))


@dataclass(frozen=True, kw_only=True)
class SpecWindow:
    """End-of-line grading window: a cell passes when its capacity and resistance are inside every limit given.

    Cell makers measure every cell's capacity and internal (DC) resistance at the end-of-line test after
    formation and ageing, and grade the cells by them (Heimes et al. 2018, *Lithium-Ion Battery Cell Production
    Process*, PEM of RWTH Aachen and VDMA, 3rd ed., ISBN 978-3-947920-03-7, "End-of-line testing"). The limits
    are a product's specification, not physics: every field is an input with no default claim (blank, NaN in
    Python, = no limit). Relative limits are shares of the nominal cell's value (the unperturbed design in the
    same model call); absolute limits are in Ah and mΩ.
    """

    min_capacity_share: Array = _limit("Minimum capacity, share of nominal", "%", "spec_min_capacity_pct",
                                       "A cell below this share of the nominal capacity is rejected")
    max_capacity_share: Array = _limit("Maximum capacity, share of nominal", "%", "spec_max_capacity_pct",
                                       "A matching (sorting) window's upper edge")
    min_resistance_share: Array = _limit("Minimum resistance, share of nominal", "%", "spec_min_resistance_pct",
                                         "A matching (sorting) window's lower edge")
    max_resistance_share: Array = _limit("Maximum resistance, share of nominal", "%", "spec_max_resistance_pct",
                                         "A cell above this share of the nominal resistance is rejected")
    min_capacity_C: Array = _limit("Minimum capacity (absolute)", "Ah", "spec_min_capacity_Ah",
                                   "A rated (minimum) capacity, as on a datasheet")
    max_resistance_ohm: Array = _limit("Maximum resistance (absolute)", "mΩ", "spec_max_resistance_mohm",
                                       "A maximum internal resistance, as on a datasheet")


def _check_window(window: SpecWindow) -> SpecWindow:
    validate(window)
    for s in specs(window):
        if np.size(getattr(window, s.name)) != 1:
            raise ShapeError(s.key, "an array", "one value")
    return window


def window_active(window: SpecWindow) -> bool:
    """True where any limit of ``window`` is given: the cell yield then comes from the window.

    Parameters
    ----------
    window : SpecWindow
        The grading window (SI; NaN = no limit).
    """
    return any(np.isfinite(float(getattr(window, s.name))) for s in specs(window))


def symmetric_window(capacity: float, resistance: float) -> SpecWindow:
    """The matching window |C/C_nom - 1| <= ``capacity`` and |R/R_nom - 1| <= ``resistance`` as a :class:`SpecWindow`.

    Parameters
    ----------
    capacity, resistance : float
        Half-widths as fractions of nominal (0.02 = ±2 %).
    """
    return SpecWindow(min_capacity_share=1.0 - capacity, max_capacity_share=1.0 + capacity,
                      min_resistance_share=max(1.0 - resistance, 1e-12), max_resistance_share=1.0 + resistance)


def within_spec(capacity_C: Array, resistance_ohm: Array, nominal_capacity_C: Array, nominal_resistance_ohm: Array,
                window: SpecWindow) -> np.ndarray:
    """True where a cell passes every limit of ``window`` (arrays broadcast).

    Parameters
    ----------
    capacity_C, resistance_ohm : array_like
        The cells' capacity (C) and resistance (Ω).
    nominal_capacity_C, nominal_resistance_ohm : array_like
        The nominal cell's capacity (C) and resistance (Ω), the reference of the relative limits.
    window : SpecWindow
        The grading window (SI; NaN = no limit).
    """
    w = _check_window(window)
    cap, res = np.asarray(capacity_C, dtype=float), np.asarray(resistance_ohm, dtype=float)
    c, r = cap / np.asarray(nominal_capacity_C, dtype=float), res / np.asarray(nominal_resistance_ohm, dtype=float)
    ok = np.ones(np.broadcast_shapes(c.shape, r.shape), dtype=bool)
    for x, lim, low in ((c, w.min_capacity_share, True), (c, w.max_capacity_share, False),
                        (r, w.min_resistance_share, True), (r, w.max_resistance_share, False),
                        (cap, w.min_capacity_C, True), (res, w.max_resistance_ohm, False)):
        lim = float(lim)
        if np.isfinite(lim):
            ok &= (x >= lim) if low else (x <= lim)
    return ok


def spec_yield(design: CellDesign, window: SpecWindow, cv_thickness: float, cv_porosity: float,
               z_thickness: np.ndarray, z_porosity: np.ndarray) -> np.ndarray:
    """Share of a design's production run inside the grading window: the end-of-line (grading) yield, shape ``S``.

    The run is the design's cells with the manufacturing spread only (coating thickness and porosity of each
    electrode, :func:`sample_design`'s rule, the draws ``z``), graded against the nominal cell; the cells and the
    nominal cell of every design are one call of :func:`xlcell.cell.evaluate_cell`.

    Parameters
    ----------
    design : CellDesign
        One design or a population of shape ``S`` (SI).
    window : SpecWindow
        The grading window (SI; NaN = no limit).
    cv_thickness, cv_porosity : float
        Coefficients of variation (fractions).
    z_thickness, z_porosity : ndarray
        Standard normal draws, shape (n, 2): positive, negative.
    """
    d = broadcast_fields_cell(resolve(design))
    S = np.shape(d.pos.thickness_m)
    n = np.shape(z_thickness)[0]
    pop = _map_cell(d, lambda x: np.broadcast_to(np.asarray(x, dtype=float)[..., None], S + (n + 1,)).copy())
    for j, e in enumerate((pop.pos, pop.neg)):  # fresh arrays: the n cells' spread, the nominal cell last
        e.thickness_m[..., :n], e.porosity[..., :n] = _spread(e.thickness_m[..., n:], e.porosity[..., n:], float(cv_thickness),
                                                              float(cv_porosity), z_thickness[:, j], z_porosity[:, j])
    m = evaluate_cell(pop)
    cap, res = np.broadcast_to(m.capacity_C, S + (n + 1,)), np.broadcast_to(m.resistance_ohm, S + (n + 1,))
    ok = within_spec(cap[..., :n], res[..., :n], cap[..., n:], res[..., n:], window)
    return np.mean(ok, axis=-1)


def factory_with_grading_yield(factory: Any, grading_yield: Array, step: str = GRADING_STEP) -> Any:
    """``factory`` with the cell yield of the grading ``step`` set to ``grading_yield`` (the other steps' kept).

    The cost model's cell yield is the product of the steps' yields, so it becomes ``grading_yield`` times every
    other step's yield (1 in BatPaC 5.0's table, whose 95 % is the grading step's).

    Parameters
    ----------
    factory : Factory or None
        The factory (default: BatPaC 5.0's, :class:`xlcell.cost.Factory`).
    grading_yield : array_like
        Share of cells passing the grading (0 exclusive to 1), broadcasting with the designs.
    step : str
        The grading step's name (default :data:`GRADING_STEP`).
    """
    from .cost import Factory

    fac = factory if factory is not None else Factory()
    names = fac.steps.names
    if step not in names:
        raise UnknownKeyError(step, names, "grading step (the step whose cell yield the spec window sets)")
    y = np.asarray(grading_yield, dtype=float)
    mask = np.array([nm == step for nm in names])
    col = np.where(mask, y[..., None], np.asarray(fac.steps.cell_yield, dtype=float))
    return dataclasses.replace(fac, steps=fac.steps.replace(cell_yield=col))


def _window_field(name: str) -> Any:
    """A field of :class:`UncertaintySpec` equal to :class:`SpecWindow`'s ``name`` (one definition, no drift)."""
    return field(default=np.nan, metadata=SpecWindow.__dataclass_fields__[name].metadata)


def spec_window(spec: "UncertaintySpec") -> SpecWindow:
    """The grading window of ``spec`` (its six ``SpecWindow`` fields).

    Parameters
    ----------
    spec : UncertaintySpec
        The uncertainty model.
    """
    return SpecWindow(**{s.name: getattr(spec, s.name) for s in specs(SpecWindow)})


#: the price fields the macro factor moves: every price of MaterialPrices (not the hardware scaling rules)
PRICE_SPECS: tuple[ParamSpec, ...] = tuple(s for s in specs(MaterialPrices) if s.unit.startswith("$"))
PRICE_KEYS: tuple[str, ...] = tuple(s.key for s in PRICE_SPECS)


@dataclass(frozen=True, kw_only=True)
class UncertaintySpec:
    """The joint uncertainty model of :func:`monte_carlo` (SI; the metadata gives Excel key, unit and range).

    Per-price values: ``price_loadings`` and ``price_volatilities`` map a price key of
    :class:`~xlcell.bom.MaterialPrices` (e.g. ``pos_am_usd_kg``) to its loading / volatility (fraction);
    by default :data:`DEFAULT_PRICE_RISK`'s six main materials; prices not named take ``price_loading`` /
    ``price_volatility``. Every default is illustrative.

    The six limits of a :class:`SpecWindow` (``spec_..._pct``, ``spec_min_capacity_Ah``,
    ``spec_max_resistance_mohm``) choose the cell-yield mode of the cost: all blank (the default), the factory's
    step yields (BatPaC 5.0's 95 %, so BatPaC's cost stays exact); any limit given, the grading step's yield is the
    share of the design's production run (the manufacturing spread of the samples) inside the window.
    """

    price_loading: Array = field(default=0.5, metadata=param(
        "Macro-factor loading of each price (unless set per price)", "-", key="price_loading", ge=-1, le=1, group=_MC,
        doc="l in r = l M + sqrt(1 - l²) e; two prices' log-returns correlate by l_i l_j"))
    price_volatility: Array = field(default=0.10, metadata=param(
        "Price volatility σ of the log price (unless set per price)", "%", key="price_volatility_pct", ge=0, le=200, group=_MC,
        doc="p = base · exp(σ r - σ²/2): mean base, standard deviation of ln p equal to σ"))
    temperature_sigma_K: Array = field(default=3.0, metadata=param(
        "Thermal factor: σ_T of the effective temperature", "K", key="temperature_sigma_K", ge=0, le=20, group=_MC,
        doc="T_eff = T + σ_T Θ is the sample's temperature: it moves the six electrochemical parameters by their "
            "Arrhenius factors, and the SEI life and LCOS read it"))
    ea_pos_solid_diffusivity_J_mol: Array = _ea("pos_solid_diffusivity", "positive solid diffusivity")
    ea_neg_solid_diffusivity_J_mol: Array = _ea("neg_solid_diffusivity", "negative solid diffusivity")
    ea_pos_exchange_current_J_mol: Array = _ea("pos_exchange_current", "positive exchange current")
    ea_neg_exchange_current_J_mol: Array = _ea("neg_exchange_current", "negative exchange current")
    ea_electrolyte_conductivity_J_mol: Array = _ea("electrolyte_conductivity", "electrolyte conductivity")
    ea_electrolyte_diffusivity_J_mol: Array = _ea("electrolyte_diffusivity", "electrolyte diffusivity")
    param_noise: Array = field(default=0.05, metadata=param(
        "Idiosyncratic noise σ of each electrochemical parameter (log)", "%", key="param_noise_pct", ge=0, le=100, group=_MC))
    cv_thickness: Array = field(default=0.01, metadata=param(
        "Coating thickness coefficient of variation", "%", key="cv_thickness_pct", ge=0, le=20, group=_MC,
        doc="Normal, independent per electrode and sample"))
    cv_porosity: Array = field(default=0.02, metadata=param(
        "Porosity coefficient of variation", "%", key="cv_porosity_pct", ge=0, le=20, group=_MC,
        doc="Normal, independent per electrode and sample"))
    cost_limit_usd_J: Array = field(default=float(to_si(85.0, "$/kWh")), metadata=param(
        "Cost limit for the probability of meeting it", "$/kWh", key="cost_limit_usd_per_kWh", gt=0, allow_nan=True, group=_MC,
        doc="P(cell cost per kWh <= limit) is reported; blank (NaN in Python) = no limit, the probabilities left blank"))
    min_capacity_share: Array = _window_field("min_capacity_share")
    max_capacity_share: Array = _window_field("max_capacity_share")
    min_resistance_share: Array = _window_field("min_resistance_share")
    max_resistance_share: Array = _window_field("max_resistance_share")
    min_capacity_C: Array = _window_field("min_capacity_C")
    max_resistance_ohm: Array = _window_field("max_resistance_ohm")
    price_loadings: Mapping[str, float] = field(
        default_factory=lambda: {k: v[0] for k, v in DEFAULT_PRICE_RISK.items()},
        metadata=per_item("Macro-factor loading per price", key="loading", units={k: "-" for k in PRICE_KEYS},
                          doc="price key -> l; a spec range's <price key>_loading rows"))
    price_volatilities: Mapping[str, float] = field(
        default_factory=lambda: {k: v[1] for k, v in DEFAULT_PRICE_RISK.items()},
        metadata=per_item("Price volatility σ per price", key="volatility_pct", units={k: "%" for k in PRICE_KEYS},
                          doc="price key -> σ; a spec range's <price key>_volatility_pct rows"))


def price_override_specs() -> list[ParamSpec]:
    """The per-price keys of a spec range: ``<price key>_loading`` (-) and ``<price key>_volatility_pct`` (%)."""
    out = []
    for s in PRICE_SPECS:
        out.append(ParamSpec(name=f"{s.name}_loading", key=f"{s.key}_loading", label=f"Loading: {s.label}", unit="-",
                             ge=-1, le=1, group=_MC))
        out.append(ParamSpec(name=f"{s.name}_volatility", key=f"{s.key}_volatility_pct", label=f"Volatility: {s.label}",
                             unit="%", ge=0, le=200, group=_MC))
    return out


def spec_from_mapping(values: Mapping[str, float]) -> UncertaintySpec:
    """An :class:`UncertaintySpec` from ``{key: display value}`` (keys of :func:`spec_keys`, any case).

    Keys left out keep their defaults (the per-price defaults of :data:`DEFAULT_PRICE_RISK` included).

    Parameters
    ----------
    values : mapping of str to float
        ``{key: value}`` in display units (%, K, kJ/mol, $/kWh), keys of :func:`spec_keys` in any case.
    """
    main = {s.key.lower(): s for s in specs(UncertaintySpec)}
    over = {s.key.lower(): s for s in price_override_specs()}
    kw: dict[str, Any] = {}
    base = UncertaintySpec()
    loads: dict[str, float] = dict(base.price_loadings)  # a range's per-price rows update the defaults
    vols: dict[str, float] = dict(base.price_volatilities)
    for k, v in values.items():
        key = str(k).strip().lower()
        if key in main:
            s = main[key]
            si = s.to_si(float(v))
            s.check(si, s.key)
            kw[s.name] = si
        elif key in over:
            s = over[key]
            si = float(s.to_si(float(v)))
            s.check(si, s.key)
            price = s.key.rsplit("_", 1)[0] if s.key.endswith("_loading") else s.key[: -len("_volatility_pct")]
            (loads if s.key.endswith("_loading") else vols)[price] = si
        else:
            raise UnknownKeyError(str(k), spec_keys(), "uncertainty key")
    return UncertaintySpec(**kw, price_loadings=loads, price_volatilities=vols)


def spec_keys() -> list[str]:
    """Every key a spec range may hold."""
    return [s.key for s in specs(UncertaintySpec)] + [s.key for s in price_override_specs()]


def _check_spec(spec: UncertaintySpec) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``spec``; return the loadings and volatilities of :data:`PRICE_KEYS` (fractions)."""
    validate(spec)
    for s in specs(spec):
        if np.size(getattr(spec, s.name)) != 1:
            raise ShapeError(s.key, "an array", "one value")
    for name, table in (("price_loadings", spec.price_loadings), ("price_volatilities", spec.price_volatilities)):
        for k in table:
            if k not in PRICE_KEYS:
                raise UnknownKeyError(k, PRICE_KEYS, f"price key of {name}")
    load = np.array([float(spec.price_loadings.get(k, spec.price_loading)) for k in PRICE_KEYS])
    vol = np.array([float(spec.price_volatilities.get(k, spec.price_volatility)) for k in PRICE_KEYS])
    for i, k in enumerate(PRICE_KEYS):
        if not (np.isfinite(load[i]) and -1.0 <= load[i] <= 1.0):
            raise InputError(f"{k}_loading", float(load[i]), "a number between -1 and 1 (inclusive)")
        if not (np.isfinite(vol[i]) and 0.0 <= vol[i] <= 2.0):
            raise InputError(f"{k}_volatility_pct", float(from_si(vol[i], "%")), "a number between 0 and 200 % (inclusive)")
    return load, vol


def _one_design(design: CellDesign) -> CellDesign:
    """``design`` resolved (negative thickness from N/P), refused if it is an array of designs."""
    d = resolve(design)
    if any(np.size(getattr(o, s.name)) != 1 for o in (d, d.pos, d.neg, d.sep) for s in specs(o)):
        raise ShapeError("design", "an array of designs", "one design (the samples are its population)")
    return broadcast_fields_cell(d)


def _scalar_prices(prices: MaterialPrices | None, design: CellDesign) -> MaterialPrices:
    """The base prices of a run: a blank active-material price takes the design's material's price
    (:func:`xlcell.bom.resolve_prices`), one price per input (the same for every design of a population)."""
    p = prices or MaterialPrices()
    validate(p)
    for s in specs(p):
        if np.size(getattr(p, s.name)) != 1:
            raise ShapeError(s.key, "an array", "one base price")
    r = resolve_prices(resolve(design), p)
    kw = {}
    for key in ("pos_am_usd_kg", "neg_am_usd_kg"):
        v = np.unique(np.asarray(getattr(r, key), dtype=float))
        if v.size != 1:
            raise ShapeError(key, "blank, with designs of different active-material prices",
                             "one base price for the run: type it (the samples move it)")
        kw[key] = float(v[0])
    return dataclasses.replace(p, **kw)


# ---------------------------------------------------------------------------------------------
# sampling

@dataclass(frozen=True)
class Draws:
    """The standard normal draws of one run, in the fixed order they are made."""

    macro: np.ndarray = field(metadata=param("Macro factor M (standard normal)", "-", key="macro_factor", doc="shape (n,)"))
    price_noise: np.ndarray = field(metadata=param("Idiosyncratic price noise e (standard normal)", "-", key="price_noise",
                                                   doc="shape (n, number of prices)"))
    thermal: np.ndarray = field(metadata=param("Thermal factor Θ (standard normal)", "-", key="thermal_factor",
                                               doc="shape (n,)"))
    param_noise: np.ndarray = field(metadata=param("Electrochemical parameter noise ε (standard normal)", "-",
                                                   key="param_noise", doc="shape (n, 6)"))
    thickness: np.ndarray = field(metadata=param("Coating thickness draws z_L (standard normal)", "-", key="z_thickness",
                                                 doc="shape (n, 2): positive, negative"))
    porosity: np.ndarray = field(metadata=param("Porosity draws z_ε (standard normal)", "-", key="z_porosity",
                                                doc="shape (n, 2): positive, negative"))


def draw(n: int, seed: int) -> Draws:
    """All standard normal draws of a run of ``n`` samples (fixed order, so specs share random numbers).

    Parameters
    ----------
    n : int
        Number of samples, > 0.
    seed : int
        Seed of :func:`numpy.random.default_rng` (0 to 2^32 - 1).
    """
    rng = np.random.default_rng(seed)
    return Draws(macro=rng.standard_normal(n), price_noise=rng.standard_normal((n, len(PRICE_KEYS))),
                 thermal=rng.standard_normal(n), param_noise=rng.standard_normal((n, len(ECHEM_PARAMS))),
                 thickness=rng.standard_normal((n, 2)), porosity=rng.standard_normal((n, 2)))


def _check_draws(draws: Draws, n: int) -> Draws:
    """``draws`` if it holds ``n`` samples of every draw (else :class:`ShapeError`)."""
    for s in specs(Draws):
        v = np.asarray(getattr(draws, s.name))
        if v.ndim == 0 or v.shape[0] != n:
            raise ShapeError(f"draws.{s.name}", f"shape {v.shape}", f"{n} samples ({s.doc})")
    return draws


def concat_draws(parts: Sequence[Draws]) -> Draws:
    """The draws of consecutive runs as one run (samples in the order given).

    Parameters
    ----------
    parts : sequence of Draws
        The draws of each part (:func:`draw`).
    """
    return Draws(**{s.name: np.concatenate([getattr(p, s.name) for p in parts]) for s in specs(Draws)})


def sample_prices(base: MaterialPrices, loadings: np.ndarray, volatilities: np.ndarray, macro: np.ndarray,
                  noise: np.ndarray) -> tuple[MaterialPrices, np.ndarray]:
    """Prices driven by the macro factor: (MaterialPrices of arrays (n,), standardised log-returns (n, k)).

    Parameters
    ----------
    base : MaterialPrices
        Base (expected) prices, in the units of :class:`~xlcell.bom.MaterialPrices` ($ per kg, m² or unit).
    loadings : ndarray
        Loading l_i of each price on the macro factor (k values, dimensionless, in [-1, 1]).
    volatilities : ndarray
        Volatility σ_i of each price's log (k values, dimensionless: 0.1 = 10 %).
    macro : ndarray
        Macro factor draws M (n values, standard normal).
    noise : ndarray
        Idiosyncratic draws e (shape n × k, standard normal).
    """
    load = np.asarray(loadings, dtype=float)
    r = load * np.asarray(macro)[:, None] + np.sqrt(1.0 - load**2) * noise
    sig = np.asarray(volatilities, dtype=float)
    factor = np.exp(sig * r - 0.5 * sig**2)
    kw = {s.name: float(getattr(base, s.name)) * factor[:, i] for i, s in enumerate(PRICE_SPECS)}
    return dataclasses.replace(base, **kw), r


def arrhenius_factor(activation_energy_J_mol: Array, temperature_K: Array, reference_K: Array) -> Array:
    """exp(-E/R (1/T - 1/T_ref)): a parameter's relative change from T_ref to T.

    Parameters
    ----------
    activation_energy_J_mol : array_like
        Activation energy E in J/mol.
    temperature_K : array_like
        Temperature T in K.
    reference_K : array_like
        Reference temperature T_ref in K.
    """
    return arrhenius(1.0, activation_energy_J_mol, temperature_K, reference_K)


def _ea_of(spec: UncertaintySpec, name: str) -> float:
    return float(getattr(spec, f"ea_{name}_J_mol"))


def sample_design(design: CellDesign, spec: UncertaintySpec, draws: Draws) -> CellDesign:
    """The sampled designs: thermal factor, parameter noise and manufacturing spread applied to ``design``.

    ``design`` may be one design or a population of shape ``S``; the result has shape ``S + (n,)``, every
    design seeing the same n draws (common random numbers): the sampled fields (temperature, the electrochemical
    parameters, the coatings' thickness and porosity) have that shape, the others ``S + (1,)`` (one value per design,
    broadcasting: the models compute on it once, not n times).

    Parameters
    ----------
    design : CellDesign
        One design or a population of shape ``S`` (SI).
    spec : UncertaintySpec
        Uncertainty model (thermal factor σ_T in K, activation energies in J/mol, noise and CVs dimensionless).
    draws : Draws
        The run's standard normal draws (:func:`draw`).
    """
    d = broadcast_fields_cell(resolve(design))
    S = np.shape(d.pos.thickness_m)
    shape = S + (draws.thermal.shape[0],)

    def col(x: Array) -> np.ndarray:  # a field of shape S as S + (1,), to broadcast against the draws
        return np.asarray(x, dtype=float)[..., None]

    def full(x: Array) -> np.ndarray:
        return np.broadcast_to(col(x), shape).copy()

    T0 = col(d.temperature_K)
    t_eff = np.maximum(T0 + temperature_shift(spec, draws), 1.0)
    sn = float(spec.param_noise)
    new: dict[str, dict[str, np.ndarray]] = {"pos": {}, "neg": {}, "cell": {"temperature_K": np.broadcast_to(t_eff, shape).copy()}}
    for k, (name, part, fld, _, _) in enumerate(ECHEM_PARAMS):
        obj = d if part == "cell" else getattr(d, part)
        f = arrhenius_factor(_ea_of(spec, name), t_eff, T0) * np.exp(sn * draws.param_noise[:, k] - 0.5 * sn * sn)
        new[part][fld] = np.broadcast_to(col(getattr(obj, fld)) * f, shape).copy()
    for j, part in enumerate(("pos", "neg")):
        e = getattr(d, part)
        L, eps = _spread(col(e.thickness_m), col(e.porosity), float(spec.cv_thickness), float(spec.cv_porosity),
                         draws.thickness[:, j], draws.porosity[:, j])
        new[part]["thickness_m"] = np.broadcast_to(L, shape).copy()
        new[part]["porosity"] = np.broadcast_to(eps, shape).copy()
    out = _map_cell(d, col)  # a field the samples do not move keeps one value per design (it broadcasts)
    return dataclasses.replace(out, pos=dataclasses.replace(out.pos, **new["pos"]),
                               neg=dataclasses.replace(out.neg, **new["neg"]), **new["cell"])


def temperature_shift(spec: UncertaintySpec, draws: Draws) -> np.ndarray:
    """σ_T Θ (K, shape (n,)): each sample's effective temperature minus the design's (or the duty's).

    Parameters
    ----------
    spec : UncertaintySpec
        Uncertainty model (its ``temperature_sigma_K``).
    draws : Draws
        The run's standard normal draws (:func:`draw`; the thermal factor Θ).
    """
    return float(spec.temperature_sigma_K) * np.asarray(draws.thermal, dtype=float)


def sampled_duty(duty: Duty | None, shift_K: np.ndarray) -> Duty | None:
    """The duty of each sample: ``duty`` with its temperature moved by the thermal factor's ``shift_K``.

    A blank (NaN) duty temperature stays blank: the life model then reads the sample's own temperature,
    already T + σ_T Θ (:func:`sample_design`). Every array field gains the samples' axis last, so a duty of a
    population of shape ``S`` broadcasts against the sampled population ``S + (n,)``.

    Parameters
    ----------
    duty : Duty or None
        The duty (SI; :class:`xlcell.duty.Duty`); None gives None (the providers' default duty).
    shift_K : ndarray
        σ_T Θ per sample (K, shape (n,)), from :func:`temperature_shift`.
    """
    if duty is None:
        return None
    validate(duty)

    def col(x: Any) -> np.ndarray:
        a = np.asarray(x, dtype=float)
        return a[..., None] if a.ndim else a

    kw = {s.name: col(getattr(duty, s.name)) for s in specs(duty)}
    t = col(duty.temperature_K)
    kw["temperature_K"] = np.where(np.isnan(t), np.nan, t + np.asarray(shift_K, dtype=float))
    return dataclasses.replace(duty, **kw)


def _spread(thickness_m: Array, porosity: Array, cv_thickness: float, cv_porosity: float, z_thickness: np.ndarray,
            z_porosity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Manufacturing spread of an electrode: thickness and porosity times (1 + cv·z), clipped to stay physical
    (thickness >= 0.1 % of nominal, porosity in [0.001, 0.999])."""
    L = thickness_m * (1.0 + cv_thickness * z_thickness)
    return np.maximum(L, 1e-3 * thickness_m), np.clip(porosity * (1.0 + cv_porosity * z_porosity), 1e-3, 0.999)


# ---------------------------------------------------------------------------------------------
# Monte Carlo

#: outputs of :func:`monte_carlo` by default (registry keys)
DEFAULT_OUTPUTS = ("cell_cost_usd_per_kWh", "cell_cost_usd", "specific_energy_Wh_kg", "max_power_W", "capacity_Ah",
                   "cycle_life", "lcos_cell_usd_per_kWh")
#: the statistics of each output
STAT_COLUMNS = ("mean", "std", "p5", "p50", "p95", "mean_below_p5", "mean_above_p95")
COST_KEY = "cell_cost_usd_per_kWh"
#: the risk profile of :class:`MonteCarloResult`: item -> display unit
RISK_UNITS: dict[str, str] = {
    "samples": "-", "seed": "-", "deterministic_usd_per_kWh": "$/kWh", "mean_usd_per_kWh": "$/kWh",
    "var95_usd_per_kWh": "$/kWh", "cvar95_usd_per_kWh": "$/kWh", "cost_limit_usd_per_kWh": "$/kWh",
    "p_cost_within_limit": "-", "p_feasible": "-", "p_feasible_and_within_limit": "-", "deterministic_feasible": "-",
    "cell_yield": "-", "spec_window_yield": "-", "thermal_rank_correlation_cycle_life": "-",
}


@dataclass(frozen=True)
class MonteCarloResult:
    """Samples and summary of :func:`monte_carlo` (outputs in display units, keyed by registry key)."""

    n: int = field(metadata=param("Samples", "-", key="samples"))
    seed: int = field(metadata=param("Seed", "-", key="seed"))
    keys: tuple[str, ...] = field(metadata=param("Model outputs (registry keys)", "text", key="outputs"))
    samples: dict[str, np.ndarray] = field(metadata=per_item(
        "Samples of each output", key="output_samples", units="units", display=True, doc="output key -> (n,)"))
    deterministic: dict[str, float] = field(metadata=per_item(
        "The unperturbed design's value (same call)", key="deterministic", units="units", display=True))
    stats: dict[str, dict[str, float]] = field(metadata=per_item(
        "Statistics of each output", key="stats", units="units", display=True,
        doc="output key -> {statistic (STAT_COLUMNS): value}, in the output's unit"))
    feasible: np.ndarray = field(metadata=param("Feasible (the cell model's flag)", "bool", key="feasible",
                                                doc="(n,)"))
    cost: np.ndarray = field(metadata=param("Cell cost per kWh", "$/kWh", key="cell_cost_usd_per_kWh", display=True,
                                            doc="(n,)"))
    risk: dict[str, float] = field(metadata=per_item("Risk profile of the cost per kWh", key="risk", units=RISK_UNITS,
                                                     display=True, doc="probabilities, VaR and CVaR of $/kWh; the cell yield the cost used "
                                                     "and the spec window's share (blank: no window); Spearman's rank "
                                                     "correlation of the thermal factor Θ with the cycle life (blank "
                                                     "unless cycle_life is an output)"))
    prices: dict[str, np.ndarray] = field(metadata=per_item(
        "Sampled prices", key="prices", units={s.key: s.unit for s in PRICE_SPECS}, display=True,
        doc="price key -> (n,)"))
    price_returns: np.ndarray = field(metadata=param("Standardised log-returns r of the prices", "-", key="price_returns",
                                                     doc="(n, k)"))
    price_keys: tuple[str, ...] = field(metadata=param("Price keys", "text", key="price_keys"))
    price_correlation: np.ndarray = field(metadata=param(
        "Sample correlation of ln prices (prices with σ > 0)", "-", key="price_correlation", doc="(k', k')"))
    correlated_keys: tuple[str, ...] = field(metadata=param("The k' prices of price_correlation", "text",
                                                            key="correlated_keys"))
    macro: np.ndarray = field(metadata=param("Macro factor M", "-", key="macro_factor"))
    thermal: np.ndarray = field(metadata=param("Thermal factor Θ", "-", key="thermal_factor"))
    units: dict[str, str] = field(default_factory=dict, metadata=param(
        "Display unit of each output, from the registry's output specs", "text", key="units"))


def tail_weights(n: int, q: float = 0.05) -> np.ndarray:
    """Weights (n,) of the ascending-sorted samples whose weighted sum / (q n) is the mean of the upper q tail.

    The exact empirical CVaR (Rockafellar and Uryasev 2002, J. Banking & Finance 26, 1443; Acerbi and Tasche
    2002, ibid. 1487): the tail holds q n samples' worth of probability, so the floor(q n) largest samples
    count fully and the next one by the fraction q n - floor(q n). With q n < 1 the tail mean is the maximum.

    Parameters
    ----------
    n : int
        Number of samples.
    q : float
        Tail share (dimensionless, 0.05 = 5 %).
    """
    k = round(q * n, 9)  # 0.05 × 20 is 1, not 1 + 1e-16
    from_top = np.arange(n - 1, -1, -1, dtype=float)  # 0 for the largest sample
    return np.clip(k - from_top, 0.0, 1.0)


def _upper_tail_mean(sorted_x: np.ndarray, q: float = 0.05) -> np.ndarray:
    """Fractional-weight mean of the upper q tail of samples sorted ascending along the last axis."""
    w = tail_weights(sorted_x.shape[-1], q)
    return np.sum(sorted_x * w, axis=-1) / np.sum(w)


def tail_means(x: np.ndarray, q: float = 0.05) -> tuple[float, float]:
    """(mean of the lowest q share, mean of the highest q share) of the samples: CVaR at 1 - q of either tail.

    Exact for any n: q n samples' worth of each tail, the boundary sample weighted by its fraction
    (:func:`tail_weights`); at n = 256 and q = 5 % that is the 12 extreme samples and 0.8 of the 13th.

    Parameters
    ----------
    x : ndarray
        Samples, in any order (any unit).
    q : float
        Tail share (dimensionless, 0.05 = 5 %).
    """
    x = np.sort(np.asarray(x, dtype=float))
    return float(-_upper_tail_mean(-x[::-1], q)), float(_upper_tail_mean(x, q))


def summarise(x: np.ndarray) -> dict[str, float]:
    """mean, std (ddof 1), P5/P50/P95 (linear interpolation) and the means of the 5 % tails.

    Parameters
    ----------
    x : ndarray
        Samples of one output (its unit is the statistics' unit).
    """
    x = np.asarray(x, dtype=float)
    p5, p50, p95 = np.percentile(x, [5.0, 50.0, 95.0])
    lo, hi = tail_means(x)
    return dict(mean=float(np.mean(x)), std=float(np.std(x, ddof=1)) if x.size > 1 else 0.0, p5=float(p5),
                p50=float(p50), p95=float(p95), mean_below_p5=lo, mean_above_p95=hi)


def _run(design: CellDesign, n: int, seed: int, spec: UncertaintySpec | None, *, outputs: Sequence[str],
         factory: Any, prices: MaterialPrices | None, fmt: CellFormat | None, yields: MaterialYields | None,
         slurry: Slurry | None, lifetime: Mapping[str, Any] | None, lcos: Mapping[str, Any] | None,
         duty: Duty | None, draws: Draws | None) -> dict[str, Any]:
    """The samples of :func:`monte_carlo` (one registry evaluation, each provider computing only the outputs asked
    and what they read) and what its summary reads."""
    from . import registry

    n = whole_number(n, "n", 1)
    seed = whole_number(seed, "seed", 0)
    spec = spec or UncertaintySpec()
    load, vol = _check_spec(spec)
    keys = tuple(dict.fromkeys(registry.output_key(k) for k in outputs))
    for k in keys:
        if registry.output_spec(k).unit in ("text",):
            raise InputError("outputs", k, "numeric model outputs (not text)")
    base = _one_design(design)
    base_prices = _scalar_prices(prices, base)
    dr = draw(n, seed) if draws is None else _check_draws(draws, n)
    sampled_prices, r = sample_prices(base_prices, load, vol, dr.macro, dr.price_noise)
    pop = sample_design(base, spec, dr)
    from .cost import Factory

    fac = factory if factory is not None else Factory()
    window = spec_window(spec)
    y_spec = float("nan")
    if window_active(window):  # the cell yield from the production run's share inside the window
        y_spec = float(spec_yield(base, window, float(spec.cv_thickness), float(spec.cv_porosity), dr.thickness,
                                  dr.porosity))
        if not y_spec > 0.0:
            raise InputError("spec window", 0.0, f"limits that at least one of the {n} sampled cells passes (no cell "
                             "is inside the window: widen it)")
        fac = factory_with_grading_yield(fac, y_spec)

    # the deterministic design as member n + 1 of the same population (same call); a field the samples do not move
    # (one value, the design's) stays one value
    def plus_base(x: np.ndarray, b: float) -> np.ndarray:
        if x.shape[-1:] == (1,) and x.size == 1 and (x.item() == b or (np.isnan(b) and np.isnan(x.item()))):
            return x
        return np.concatenate([x, [b]])

    pop = _map_pairs(pop, base, plus_base)
    price_pop = dataclasses.replace(sampled_prices, **{
        s.name: plus_base(getattr(sampled_prices, s.name), float(getattr(base_prices, s.name))) for s in PRICE_SPECS})
    cost_ctx = dict(factory=fac, prices=price_pop, fmt=fmt, yields=yields, slurry=slurry)
    ctx: dict[str, Any] = {"cost": {k: v for k, v in cost_ctx.items() if v is not None}, "lifetime": dict(lifetime or {}),
                           "lcos": dict(lcos or {})}
    if duty is not None:
        ctx["duty"] = sampled_duty(duty, plus_base(temperature_shift(spec, dr), 0.0))
    want = tuple(dict.fromkeys(keys + (COST_KEY, "feasible", "cell_yield")))
    got = _evaluate_blocks(pop, ctx, want, n + 1)
    samples = {k: np.asarray(got[k][:n], dtype=float) for k in keys}
    det = {k: float(got[k][n]) for k in keys}
    return dict(n=n, seed=seed, spec=spec, keys=keys, samples=samples, deterministic=det, got=got, draws=dr, vol=vol,
                y_spec=y_spec, sampled_prices=sampled_prices, base_prices=base_prices, returns=r)


#: samples per registry evaluation of :func:`monte_carlo` (its models' intermediate arrays stay this long)
MC_BLOCK = 65536


def _evaluate_blocks(pop: CellDesign, ctx: Mapping[str, Any], want: Sequence[str], m: int) -> dict[str, np.ndarray]:
    """``{key: (m,)}`` of the outputs ``want`` of the ``m`` members of a sampled population (every array of ``pop`` and
    of the context's prices and duty has ``m`` entries on its last axis, or one): one registry evaluation per block of
    :data:`MC_BLOCK` members (each provider once, only what is asked), so the models' memory is a block's. Each
    member's numbers depend on its own inputs only: the blocks give one evaluation's numbers."""
    from . import registry

    def cut(a: int, b: int) -> Callable[[Any], Any]:
        def sl(x: Any) -> Any:
            return x[..., a:b] if isinstance(x, np.ndarray) and x.ndim and x.shape[-1] == m else x
        return sl

    parts = []
    for a in range(0, m, MC_BLOCK):
        b = min(a + MC_BLOCK, m)
        sl = cut(a, b)
        c = dict(ctx)
        cost = dict(c["cost"])
        cost["prices"] = dataclasses.replace(cost["prices"], **{s.name: sl(getattr(cost["prices"], s.name))
                                                                 for s in specs(cost["prices"])})
        c["cost"] = cost
        if c.get("duty") is not None:
            c["duty"] = dataclasses.replace(c["duty"], **{s.name: sl(getattr(c["duty"], s.name)) for s in specs(c["duty"])})
        got = registry.Evaluation(_map_cell(pop, sl), c).table(want)
        parts.append({k: np.broadcast_to(np.asarray(v), (b - a,)) for k, v in got.items()})
    return {k: np.concatenate([p[k] for p in parts]) for k in want}


def monte_carlo_samples(design: CellDesign, n: int, seed: int = 0, spec: UncertaintySpec | None = None, *,
                        outputs: Sequence[str] = (COST_KEY,), factory: Any = None, prices: MaterialPrices | None = None,
                        fmt: CellFormat | None = None, yields: MaterialYields | None = None, slurry: Slurry | None = None,
                        lifetime: Mapping[str, Any] | None = None, lcos: Mapping[str, Any] | None = None,
                        duty: Duty | None = None, draws: Draws | None = None,
                        ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The samples of :func:`monte_carlo` without its summary (statistics, risk profile, price correlation): what
    the batch Monte Carlo (:mod:`xlcell.batch`) collects chunk by chunk.

    Parameters
    ----------
    design : CellDesign
        One design (scalar fields, SI).
    n : int
        Number of samples (>= 1).
    seed : int
        Seed of the draws (>= 0).
    spec : UncertaintySpec, optional
        The joint uncertainty model (:func:`monte_carlo`).
    outputs : sequence of str
        Model outputs (registry keys; default the cell cost per kWh); only these, the cost per kWh, the cell yield
        and the feasible flag are computed.
    factory, prices, fmt, yields, slurry :
        The cost model's inputs (:func:`xlcell.cost.evaluate_cost`); ``prices`` are the base prices.
    lifetime, lcos : mapping, optional
        Context of the ``lifetime`` and ``lcos`` providers.
    duty : Duty, optional
        The duty (:func:`monte_carlo`).
    draws : Draws, optional
        The standard normal draws of the ``n`` samples (default: :func:`draw` ``(n, seed)``).

    Returns
    -------
    (dict, dict)
        ``{output key: samples (n,)}`` with ``feasible`` (bool, the registry's flag), and the unperturbed design's
        value of each output (display units): the numbers :func:`monte_carlo` reports.
    """
    run = _run(design, n, seed, spec, outputs=outputs, factory=factory, prices=prices, fmt=fmt, yields=yields,
               slurry=slurry, lifetime=lifetime, lcos=lcos, duty=duty, draws=draws)
    out = dict(run["samples"])
    out["feasible"] = np.asarray(run["got"]["feasible"][:run["n"]], dtype=bool)
    return out, run["deterministic"]


def monte_carlo(design: CellDesign, n: int, seed: int = 0, spec: UncertaintySpec | None = None, *,
                outputs: Sequence[str] = DEFAULT_OUTPUTS, factory: Any = None, prices: MaterialPrices | None = None,
                fmt: CellFormat | None = None, yields: MaterialYields | None = None, slurry: Slurry | None = None,
                lifetime: Mapping[str, Any] | None = None, lcos: Mapping[str, Any] | None = None,
                duty: Duty | None = None, draws: Draws | None = None) -> MonteCarloResult:
    """Monte Carlo of a design under price, electrochemical and manufacturing uncertainty, in one model call.

    Parameters
    ----------
    design : CellDesign
        One design (scalar fields); its ``temperature_K`` is the thermal factor's reference.
    n : int
        Number of samples (>= 1).
    seed : int
        Seed of ``numpy.random.default_rng`` (>= 0): the same seed gives identical results.
    spec : UncertaintySpec, optional
        The joint uncertainty model (default: illustrative values, see the module docstring). A spec window
        (any of its ``SpecWindow`` limits) sets the grading step's cell yield to the share of the samples'
        production run inside it (:func:`spec_yield`); without one the factory's step yields apply.
    outputs : sequence of str
        Model outputs (any :func:`xlcell.registry.output_keys` key, e.g. ``cycle_life``,
        ``lcos_cell_usd_per_kWh``); the cost per kWh, the cell yield and the feasible flag are always computed.
    factory, prices, fmt, yields, slurry :
        The cost model's inputs (:func:`xlcell.cost.evaluate_cost`); ``prices`` are the base prices.
    lifetime, lcos : mapping, optional
        Context of the ``lifetime`` and ``lcos`` providers (cycles_per_year, eol_soh, params; om_usd, ...).
    duty : Duty, optional
        The duty (context ``"duty"`` of the registry's life and LCOS providers); a duty temperature given is moved
        by σ_T Θ in each sample, as the design's is (:func:`sampled_duty`).
    draws : Draws, optional
        The standard normal draws of the ``n`` samples (default: :func:`draw` ``(n, seed)``; ``seed`` is then only
        recorded). The batch Monte Carlo (:mod:`xlcell.batch`) passes the draws of its seed blocks, so that a run
        split into chunks gives the numbers of the same run in one call.

    Returns
    -------
    MonteCarloResult
    """
    from . import registry

    run = _run(design, n, seed, spec, outputs=outputs, factory=factory, prices=prices, fmt=fmt, yields=yields,
               slurry=slurry, lifetime=lifetime, lcos=lcos, duty=duty, draws=draws)
    n, seed, spec, keys, samples, det, got, dr = (run[k] for k in ("n", "seed", "spec", "keys", "samples", "deterministic",
                                                                   "got", "draws"))
    vol, y_spec, sampled_prices, base_prices, r = (run[k] for k in ("vol", "y_spec", "sampled_prices", "base_prices",
                                                                   "returns"))
    cost = np.asarray(got[COST_KEY][:n], dtype=float)
    feas = np.asarray(got["feasible"][:n], dtype=bool)
    stats = {k: summarise(samples[k]) for k in keys}

    limit = float(from_si(float(spec.cost_limit_usd_J), "$/kWh"))
    lo, hi = tail_means(cost)
    risk = dict(samples=float(n), seed=float(seed), deterministic_usd_per_kWh=float(got[COST_KEY][n]),
                mean_usd_per_kWh=float(np.mean(cost)), var95_usd_per_kWh=float(np.percentile(cost, 95.0)),
                cvar95_usd_per_kWh=hi, cost_limit_usd_per_kWh=limit,
                p_cost_within_limit=float(np.mean(cost <= limit)) if np.isfinite(limit) else float("nan"),
                p_feasible=float(np.mean(feas)),
                p_feasible_and_within_limit=float(np.mean(feas & (cost <= limit))) if np.isfinite(limit) else float("nan"),
                deterministic_feasible=float(bool(got["feasible"][n])),
                cell_yield=float(got["cell_yield"][n]), spec_window_yield=y_spec,
                thermal_rank_correlation_cycle_life=(rank_correlation(dr.thermal, samples["cycle_life"])
                                                     if "cycle_life" in samples else float("nan")))

    ln_p = np.log(np.maximum(np.stack([getattr(sampled_prices, s.name) for s in PRICE_SPECS], axis=1), 1e-300))
    moving = tuple(i for i in range(len(PRICE_KEYS)) if vol[i] > 0 and float(getattr(base_prices, PRICE_SPECS[i].name)) > 0)
    if len(moving) >= 1 and n >= 2:
        corr = np.atleast_2d(np.corrcoef(ln_p[:, moving], rowvar=False))
    else:
        corr = np.zeros((0, 0))
    return MonteCarloResult(
        n=n, seed=seed, keys=keys, samples=samples, deterministic=det, stats=stats, feasible=feas, cost=cost, risk=risk,
        prices={s.key: np.asarray(s.from_si(getattr(sampled_prices, s.name)), dtype=float) for s in PRICE_SPECS},
        price_returns=r, price_keys=PRICE_KEYS, price_correlation=corr,
        correlated_keys=tuple(PRICE_KEYS[i] for i in moving), macro=dr.macro, thermal=dr.thermal,
        units={k: registry.output_spec(k).unit for k in keys})


def rank_correlation(x: Array, y: Array) -> float:
    """Spearman's rank correlation of two samples (average ranks for ties); NaN for fewer than 3 samples or a
    constant sample.

    Parameters
    ----------
    x, y : array_like
        Samples of equal length (any units).
    """
    from scipy.stats import rankdata

    a, b = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if a.size < 3 or a.size != b.size or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("nan")
    ra, rb = rankdata(a), rankdata(b)
    if np.ptp(ra) == 0 or np.ptp(rb) == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _map_pairs(a: CellDesign, b: CellDesign, fn) -> CellDesign:
    def m(x, y):
        return dataclasses.replace(x, **{s.name: fn(np.asarray(getattr(x, s.name), dtype=float), float(getattr(y, s.name)))
                                         for s in specs(x)})

    return dataclasses.replace(m(a, b), pos=m(a.pos, b.pos), neg=m(a.neg, b.neg), sep=m(a.sep, b.sep))


# ---------------------------------------------------------------------------------------------
# Risk measures of a population of designs (robust optimisation through xlcell.registry)

#: outputs of the "uncertainty" metric provider, each over the samples of one design
RISK_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec(name="mc_cost_mean", key="mc_cost_mean_usd_per_kWh", label="Monte Carlo mean of the cell cost per kWh",
              unit="$/kWh", group=_MC, doc="Mean over the samples of xlcell.uncertainty (context 'uncertainty': n, seed, spec)"),
    ParamSpec(name="mc_cost_p95", key="mc_cost_p95_usd_per_kWh", label="Monte Carlo P95 of the cell cost per kWh (VaR95)",
              unit="$/kWh", group=_MC),
    ParamSpec(name="mc_cost_cvar95", key="mc_cost_cvar95_usd_per_kWh", label="Monte Carlo CVaR95 of the cell cost per kWh",
              unit="$/kWh", group=_MC, doc="Mean of the worst 5 % of samples (the boundary sample weighted fractionally): a robust cost objective"),
    ParamSpec(name="mc_p_cost_within_limit", key="mc_p_cost_within_limit", label="Probability that $/kWh <= the spec's cost limit",
              unit="-", group=_MC),
    ParamSpec(name="mc_p_feasible", key="mc_p_feasible", label="Probability that the sampled cell is feasible", unit="-", group=_MC),
    ParamSpec(name="mc_cycle_life_mean", key="mc_cycle_life_mean", label="Monte Carlo mean of the cycle life", unit="-",
              group=_MC, doc="The registry's cycle_life over the samples, each at its effective temperature T + σ_T Θ"),
    ParamSpec(name="mc_cycle_life_p5", key="mc_cycle_life_p5", label="Monte Carlo P5 of the cycle life", unit="-",
              group=_MC, doc="A robust life objective (maximise): 95 % of the samples live longer"),
    ParamSpec(name="mc_lcos_mean", key="mc_lcos_cell_mean_usd_per_kWh", label="Monte Carlo mean of the cell LCOS",
              unit="$/kWh", group=_MC),
    ParamSpec(name="mc_lcos_p95", key="mc_lcos_cell_p95_usd_per_kWh", label="Monte Carlo P95 of the cell LCOS",
              unit="$/kWh", group=_MC),
    ParamSpec(name="mc_cell_yield", key="mc_cell_yield", label="Cell yield of the Monte Carlo's cost", unit="-", group=_MC,
              doc="The factory's (BatPaC 5.0: 95 %) without a spec window; with one, the share of the design's "
                  "production run inside it times the other steps' yields (0: no cell passes, the costs infinite)"),
)

#: samples per design of the "uncertainty" provider unless its context sets n
PROVIDER_SAMPLES = 256


def population_risk(design: CellDesign, n: int = PROVIDER_SAMPLES, seed: int = 0, spec: UncertaintySpec | None = None, *,
                    factory: Any = None, prices: MaterialPrices | None = None, fmt: CellFormat | None = None,
                    yields: MaterialYields | None = None, slurry: Slurry | None = None,
                    context: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """Risk measures of every design of a population (shape ``S``) from n samples each, in one model call.

    Every design sees the same draws (common random numbers), so differences between designs are not sampling
    noise and the measures are smooth in the design: the population of shape ``S + (n,)`` is one evaluation of the
    registry (one call of the cell, cost and life models). Each sample's temperature is T + σ_T Θ, so the cycle life
    and LCOS measures move with the thermal factor; a spec window in ``spec`` sets each design's cell yield
    (:func:`spec_yield`). Returns ``{key of RISK_SPECS: array of shape S}`` in display units.

    Parameters
    ----------
    design : CellDesign
        Designs (SI; a population of shape ``S``).
    n : int
        Samples per design (default :data:`PROVIDER_SAMPLES`).
    seed : int
        Seed of the draws; every design sees the same draws.
    spec : UncertaintySpec, optional
        Uncertainty model (default: :class:`UncertaintySpec`'s illustrative defaults).
    factory : Factory, optional
        Plant and process steps for the cost model (default: BatPaC 5.0's plant).
    prices : MaterialPrices, optional
        Base material prices (default: BatPaC 5.0); the sampled prices are drawn around them.
    fmt, yields, slurry : optional
        Cell format, material yields, slurry solvents for the cost model (BatPaC 5.0 defaults).
    context : mapping, optional
        The evaluation context of the other providers (``"lifetime"``, ``"lcos"``, ``"duty"``, ``"calendering"``);
        its ``"cost"`` and ``"uncertainty"`` entries are replaced by the arguments above. A duty's temperature is
        moved by σ_T Θ (:func:`sampled_duty`).
    """
    from . import registry
    from .cost import Factory

    n = whole_number(n, "n", 1)
    seed = whole_number(seed, "seed", 0)
    spec = spec or UncertaintySpec()
    load, vol = _check_spec(spec)
    dr = draw(n, seed)
    sampled_prices, _ = sample_prices(_scalar_prices(prices, design), load, vol, dr.macro, dr.price_noise)
    pop = sample_design(design, spec, dr)
    S = np.shape(pop.pos.thickness_m)[:-1]
    fac = factory if factory is not None else Factory()
    passes = np.ones(S, dtype=bool)
    window = spec_window(spec)
    if window_active(window):
        y = np.broadcast_to(spec_yield(design, window, float(spec.cv_thickness), float(spec.cv_porosity), dr.thickness,
                                       dr.porosity), S)
        passes = y > 0.0  # no cell inside the window: no accepted cell, an infinite cost (the factory needs a yield > 0)
        fac = factory_with_grading_yield(fac, np.where(passes, y, 1.0)[..., None])
    ctx = {k: v for k, v in dict(context or {}).items() if k not in ("cost", "uncertainty")}
    ctx["cost"] = {k: v for k, v in dict(factory=fac, prices=sampled_prices, fmt=fmt, yields=yields, slurry=slurry).items()
                   if v is not None}
    if ctx.get("duty") is not None:
        ctx["duty"] = sampled_duty(ctx["duty"], temperature_shift(spec, dr))
    ev = registry.Evaluation(pop, ctx)
    ev.want((COST_KEY, "lcos_cell_usd_per_kWh", "cycle_life", "feasible", "cell_yield"))  # each provider once
    full = S + (n,)

    def out(key: str) -> np.ndarray:
        return np.broadcast_to(np.asarray(ev[key], dtype=float), full)

    cost, lcos_, life = out(COST_KEY), out("lcos_cell_usd_per_kWh"), out("cycle_life")
    feas = np.broadcast_to(np.asarray(ev["feasible"], dtype=bool), full)  # calendering limits included
    limit = float(from_si(float(spec.cost_limit_usd_J), "$/kWh"))
    within = np.mean(cost <= limit, axis=-1) if np.isfinite(limit) else np.full(S, np.nan)

    def costly(x: np.ndarray) -> np.ndarray:  # no cell inside the window: no accepted cell, an infinite cost
        return np.where(passes, x, np.inf)

    return {"mc_cost_mean_usd_per_kWh": costly(np.mean(cost, axis=-1)),
            "mc_cost_p95_usd_per_kWh": costly(np.percentile(cost, 95.0, axis=-1)),
            "mc_cost_cvar95_usd_per_kWh": costly(_upper_tail_mean(np.sort(cost, axis=-1))),
            "mc_p_cost_within_limit": np.where(passes, within, np.where(np.isfinite(limit), 0.0, np.nan)),
            "mc_p_feasible": np.mean(feas, axis=-1), "mc_cycle_life_mean": np.mean(life, axis=-1),
            "mc_cycle_life_p5": np.percentile(life, 5.0, axis=-1),
            "mc_lcos_cell_mean_usd_per_kWh": costly(np.mean(lcos_, axis=-1)),
            "mc_lcos_cell_p95_usd_per_kWh": costly(np.percentile(lcos_, 95.0, axis=-1)),
            "mc_cell_yield": np.where(passes, out("cell_yield")[..., 0], 0.0)}


# ---------------------------------------------------------------------------------------------
# Cell-to-cell variation

_CAP, _RES = "Ah", "mΩ"  #: display units of the cells' and packs' capacities and resistances
#: the summary of :class:`CellToCellResult`: statistic -> display unit
C2C_SUMMARY_UNITS: dict[str, str] = {
    "cells": "-", "nominal_capacity_Ah": _CAP, "capacity_mean_Ah": _CAP, "capacity_std_Ah": _CAP, "capacity_cv": "-",
    "capacity_p5_Ah": _CAP, "capacity_p95_Ah": _CAP, "capacity_min_Ah": _CAP, "capacity_max_Ah": _CAP,
    "nominal_resistance_mohm": _RES, "resistance_mean_mohm": _RES, "resistance_std_mohm": _RES, "resistance_cv": "-",
    "resistance_p5_mohm": _RES, "resistance_p95_mohm": _RES, "share_within_window": "-", "series": "-",
    "parallel": "-", "packs": "-", "pack_nominal_capacity_Ah": _CAP, "pack_capacity_mean_Ah": _CAP,
    "pack_capacity_min_Ah": _CAP, "pack_capacity_loss_vs_nominal": "-", "pack_capacity_loss_vs_mean_cell": "-",
    "pack_resistance_mean_mohm": _RES, "pack_nominal_resistance_mohm": _RES,
    "cell_yield_factory": "-", "cell_yield_spec_window": "-", "cell_cost_factory_yield_usd_per_kWh": "$/kWh",
    "cell_cost_spec_window_yield_usd_per_kWh": "$/kWh",
}


@dataclass(frozen=True)
class CellToCellResult:
    """Cells of one production run (SI arrays of n_cells) and their packs (see :func:`cell_to_cell`)."""

    capacity_C: np.ndarray = field(metadata=param("Cell capacity", _CAP, key="capacity_Ah"))
    resistance_ohm: np.ndarray = field(metadata=param("Cell resistance", _RES, key="resistance_mohm"))
    energy_J: np.ndarray = field(metadata=param("Cell energy", "Wh", key="energy_Wh"))
    nominal_capacity_C: float = field(metadata=param("Nominal cell capacity", _CAP, key="nominal_capacity_Ah"))
    nominal_resistance_ohm: float = field(metadata=param("Nominal cell resistance", _RES, key="nominal_resistance_mohm"))
    within_window: np.ndarray = field(metadata=param(
        "Capacity and resistance inside the window", "bool", key="within_window", doc="per cell"))
    pack_capacity_C: np.ndarray = field(metadata=param("Pack capacity", _CAP, key="pack_capacity_Ah",
                                                       doc="per pack (n_cells // (s p) packs)"))
    pack_resistance_ohm: np.ndarray = field(metadata=param("Pack resistance", _RES, key="pack_resistance_mohm"))
    series: int = field(metadata=param("Groups in series per pack", "-", key="series"))
    parallel: int = field(metadata=param("Cells in parallel per group", "-", key="parallel"))
    summary: dict[str, float] = field(metadata=per_item(
        "Statistics of the run", key="summary", units=C2C_SUMMARY_UNITS, display=True,
        doc="display-unit statistics, keys carry the unit"))


def _cv(x: Any, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InputError(name, x, "a number between 0 and 0.2 (0 to 20 %)") from None
    if not (math.isfinite(v) and 0.0 <= v <= 0.2):
        raise InputError(name, v, "a number between 0 and 0.2 (0 to 20 %)")
    return v


def cell_to_cell(design: CellDesign, n_cells: int, seed: int = 0, cv_thickness: float = 0.01, cv_porosity: float = 0.02,
                 *, cv_contact: float = 0.0, series: int = 1, parallel: int = 1, capacity_window: float = 0.02,
                 resistance_window: float = 0.05, window: SpecWindow | None = None, factory: Any = None,
                 prices: MaterialPrices | None = None, fmt: CellFormat | None = None, yields: MaterialYields | None = None,
                 slurry: Slurry | None = None) -> CellToCellResult:
    """Spread of capacity and resistance across ``n_cells`` cells of one run, the yield and cost it implies, and packs.

    Each cell draws, independently per electrode, its coating thickness L (1 + cv_thickness z) and porosity
    ε (1 + cv_porosity z), and (``cv_contact``) a lognormal factor exp(σ z - σ²/2) on both electrodes'
    exchange current and solid conductivity for the quality of particle contacts. All cells are one call of
    :func:`xlcell.cell.evaluate_cell`.

    The cells are assembled in production order into packs of ``series`` groups of ``parallel`` cells
    (n_cells // (series × parallel) packs; the remainder is left over). A parallel group's capacity is the
    sum of its cells'; a series string stops when its weakest group is empty, so the pack capacity is the
    minimum over its groups (with parallel = 1: the minimum over its cells). Pack resistance: the series sum
    of each group's parallel resistance.

    The share of cells inside the grading window is the end-of-line yield: the cost of the nominal cell is given
    with the factory's cell yield (BatPaC 5.0's 95 %) and with the grading step's yield set to that share
    (:func:`factory_with_grading_yield`), both in one cost call, so a wider spread or a tighter window shows as a
    dearer cell (infinite when no cell passes).

    Parameters
    ----------
    design : CellDesign
        One design (scalar fields).
    n_cells : int
        Cells in the run (>= series × parallel).
    seed : int
        Seed of ``numpy.random.default_rng``.
    cv_thickness, cv_porosity, cv_contact : float
        Coefficients of variation as fractions (0 to 0.2).
    series, parallel : int
        Pack layout s S p P (>= 1).
    capacity_window, resistance_window : float
        Spec window: |C/C_nom - 1| <= capacity_window and |R/R_nom - 1| <= resistance_window (fractions > 0);
        used unless ``window`` is given.
    window : SpecWindow, optional
        The grading window (its limits, one- or two-sided, relative or absolute) instead of the ± window.
    factory, prices, fmt, yields, slurry : optional
        The cost model's inputs (:func:`xlcell.cost.evaluate_cost`; BatPaC 5.0 defaults).

    Returns
    -------
    CellToCellResult
        ``summary`` holds the mean, standard deviation, CV, P5/P95, min and max of capacity (Ah) and
        resistance (mΩ), the share within the window, the mean pack capacity and its expected loss against
        the nominal (parallel × nominal cell capacity) and against the run's mean cell, and the cell yield and
        cost per kWh with the factory's yield and with the window's.
    """
    n = whole_number(n_cells, "n_cells", 1)
    seed = whole_number(seed, "seed", 0)
    cvl, cve, cvc = _cv(cv_thickness, "cv_thickness"), _cv(cv_porosity, "cv_porosity"), _cv(cv_contact, "cv_contact")
    s_, p_ = whole_number(series, "series", 1), whole_number(parallel, "parallel", 1)
    if s_ * p_ > n:
        raise InputError("n_cells", float(n), f"at least series × parallel = {s_ * p_} (one pack)")
    for nm, w in (("capacity_window", capacity_window), ("resistance_window", resistance_window)):
        if not (isinstance(w, (int, float)) and math.isfinite(float(w)) and 0.0 < float(w) <= 1.0):
            raise InputError(nm, w, "a number between 0 (exclusive) and 1 (0 to 100 %)")
    win = _check_window(window if window is not None else symmetric_window(float(capacity_window), float(resistance_window)))
    d = _one_design(design)
    rng = np.random.default_rng(seed)
    z_l, z_e, z_c = rng.standard_normal((n, 2)), rng.standard_normal((n, 2)), rng.standard_normal(n)
    contact = np.exp(cvc * z_c - 0.5 * cvc * cvc)
    pop = _map_cell(d, lambda x: np.full(n + 1, float(x)))  # the n cells and the nominal cell (last)
    for j, e in enumerate((pop.pos, pop.neg)):  # fresh arrays: fill in the n cells' spread
        e.thickness_m[:n], e.porosity[:n] = _spread(e.thickness_m[n], e.porosity[n], cvl, cve, z_l[:, j], z_e[:, j])
        e.exchange_current_A_m2[:n] *= contact
        e.conductivity_S_m[:n] *= contact
    m = evaluate_cell(pop)
    cap, res, en = m.capacity_C[:n], m.resistance_ohm[:n], m.energy_J[:n]
    c0, r0 = float(m.capacity_C[n]), float(m.resistance_ohm[n])
    within = within_spec(cap, res, c0, r0, win)
    share = float(np.mean(within))
    from .cost import Factory, evaluate_cost

    fac = factory if factory is not None else Factory()
    graded = factory_with_grading_yield(fac, share if share > 0 else 1.0)  # no cell passes: an infinite cost, below
    two = _map_cell(d, lambda x: np.full(2, float(x)))  # the nominal cell with the factory's and the window's yield
    both = np.stack([np.asarray(t.steps.cell_yield, dtype=float) for t in (fac, graded)])
    costs = evaluate_cost(two, dataclasses.replace(fac, steps=fac.steps.replace(cell_yield=both)), prices,
                          **{k: v for k, v in dict(fmt=fmt, yields=yields, slurry=slurry).items() if v is not None})
    kwh = np.asarray(from_si(costs.cost_per_energy_usd_J, "$/kWh"), dtype=float)
    y_fac, y_spec = float(costs.cell_yield[0]), (float(costs.cell_yield[1]) if share > 0 else 0.0)

    packs = n // (s_ * p_)
    cells = cap[: packs * s_ * p_].reshape(packs, s_, p_)
    rcell = res[: packs * s_ * p_].reshape(packs, s_, p_)
    pack_cap = np.min(np.sum(cells, axis=2), axis=1)
    pack_res = np.sum(1.0 / np.sum(1.0 / rcell, axis=2), axis=1)

    def ah(x):  # the statistics are taken of the display values (summary's units, C2C_SUMMARY_UNITS)
        return float(from_si(x, _CAP)) if np.ndim(x) == 0 else np.asarray(from_si(x, _CAP))

    def mohm(x):
        return float(from_si(x, _RES)) if np.ndim(x) == 0 else np.asarray(from_si(x, _RES))

    cs, rs = summarise(ah(cap)), summarise(mohm(res))
    summary = {
        "cells": float(n), "nominal_capacity_Ah": ah(c0), "capacity_mean_Ah": cs["mean"], "capacity_std_Ah": cs["std"],
        "capacity_cv": cs["std"] / cs["mean"], "capacity_p5_Ah": cs["p5"], "capacity_p95_Ah": cs["p95"],
        "capacity_min_Ah": ah(float(np.min(cap))), "capacity_max_Ah": ah(float(np.max(cap))),
        "nominal_resistance_mohm": mohm(r0), "resistance_mean_mohm": rs["mean"], "resistance_std_mohm": rs["std"],
        "resistance_cv": rs["std"] / rs["mean"], "resistance_p5_mohm": rs["p5"], "resistance_p95_mohm": rs["p95"],
        "share_within_window": share,
        "series": float(s_), "parallel": float(p_), "packs": float(packs),
        "pack_nominal_capacity_Ah": ah(p_ * c0), "pack_capacity_mean_Ah": ah(float(np.mean(pack_cap))),
        "pack_capacity_min_Ah": ah(float(np.min(pack_cap))),
        "pack_capacity_loss_vs_nominal": 1.0 - float(np.mean(pack_cap)) / (p_ * c0),
        "pack_capacity_loss_vs_mean_cell": 1.0 - float(np.mean(pack_cap)) / (p_ * float(np.mean(cap))),
        "pack_resistance_mean_mohm": mohm(float(np.mean(pack_res))),
        "pack_nominal_resistance_mohm": mohm(s_ * r0 / p_),
        "cell_yield_factory": y_fac, "cell_yield_spec_window": y_spec,
        "cell_cost_factory_yield_usd_per_kWh": float(kwh[0]),
        "cell_cost_spec_window_yield_usd_per_kWh": float(kwh[1]) if share > 0 else float("inf"),
    }
    return CellToCellResult(capacity_C=cap, resistance_ohm=res, energy_J=en, nominal_capacity_C=c0, nominal_resistance_ohm=r0,
                            within_window=within, pack_capacity_C=pack_cap, pack_resistance_ohm=pack_res, series=s_,
                            parallel=p_, summary=summary)


#: most bins of :func:`histogram`
MAX_BINS = 1000


def histogram(values: Iterable[float], bins: int) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges (bins + 1), counts (bins)) of finite ``values`` over their range (numpy's rule: the last bin is closed).

    Parameters
    ----------
    values : iterable of float
        Samples (any unit; non-finite values are left out).
    bins : int
        Number of equal-width bins, >= 1.
    """
    x = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float).ravel()
    b = whole_number(bins, "bins", 1, MAX_BINS)
    if x.size == 0:
        raise InputError("values", None, "at least one number")
    if not np.all(np.isfinite(x)):
        raise InputError("values", float(x[~np.isfinite(x)][0]), "finite numbers")
    lo, hi = float(np.min(x)), float(np.max(x))
    if lo == hi:  # all values equal: a range of width 1 around them, as numpy does (wider for huge values)
        h = max(0.5, abs(lo) * 2.0**-40)
        lo, hi = lo - h, hi + h
    scale = 1.0 if math.isfinite(hi - lo) else 0.5  # e.g. ±1.7e308: the width overflows; bin the halved values
    try:
        counts, edges = np.histogram(x * scale, bins=b, range=(lo * scale, hi * scale))
    except ValueError:  # bins narrower than the values' floating-point spacing
        raise InputError("bins", float(b), f"fewer bins: the values' range {lo:.6g} to {hi:.6g} is too narrow "
                         "for their magnitude to split into that many bins") from None
    return edges / scale, counts


__all__ = ["UncertaintySpec", "MonteCarloResult", "CellToCellResult", "Draws", "monte_carlo", "monte_carlo_samples", "cell_to_cell",
           "draw", "concat_draws", "sample_prices", "sample_design", "arrhenius_factor", "summarise", "tail_means", "tail_weights", "histogram",
           "spec_from_mapping", "spec_keys", "price_override_specs", "PRICE_KEYS", "PRICE_SPECS", "ECHEM_PARAMS",
           "ACTIVATION_ENERGIES", "DEFAULT_PRICE_RISK", "DEFAULT_OUTPUTS", "STAT_COLUMNS", "population_risk", "RISK_SPECS",
           "SpecWindow", "spec_window", "window_active", "symmetric_window", "within_spec", "spec_yield",
           "factory_with_grading_yield", "GRADING_STEP", "temperature_shift", "sampled_duty", "rank_correlation"]
