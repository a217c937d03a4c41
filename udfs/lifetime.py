"""Excel functions of the degradation models (thin wrappers over :mod:`xlcell.degradation`).

The life model (``XLCELL_CYCLE_LIFE``, ``XLCELL_LIFE``, ``XLCELL_LIFE_FADE``, ``XLCELL_LIFE_SOH_BY_YEAR``) takes a cell
design range, a duty range ((key, value) rows ``c_rate``, ``dod``, ``temperature_C``, ``cycles_per_year``,
``eol_soh``; blank C-rate and temperature take the design's) and an optional (key, value) range of model parameters
(keys of :class:`~xlcell.degradation.SEIParams`, :class:`~xlcell.degradation.MechanicsParams` and
:class:`~xlcell.degradation.CrackParams`, display units): xlcell's one cycle life, as in the registry, the LCOS and
the optimiser. SEI growth and cracking alone take a design range and their own parameter range; the Wang et al.
(2011) functions take operating conditions only, because that empirical model has no design input.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from xlcell import units
from xlcell.duty import Duty
from xlcell.errors import InfeasibleError, InputError, UnknownKeyError
from xlcell.params import spec_by_key, specs, to_display

if TYPE_CHECKING:  # the models are imported where a function uses them (issue 15: import udfs stays fast)
    from xlcell.degradation import LifeResult
    from xlcell.studies import LifetimeScenario

from ._excel import as_float, as_int, as_kv, as_records, as_text, as_vector, is_blank, kv_out, params_from_kv, udf
from .cell import design_from_range


def _temperature_K(v: Any, name: str = "temperature_C") -> float:
    t = as_float(v, name)
    if not -60 <= t <= 150:
        raise InputError(name, t, "a number between -60 and 150 °C (inclusive)")
    return float(units.to_si(t, "°C"))


def _positive(v: Any, name: str, default: float | None = None) -> float:
    x = as_float(v, name, default=default)
    if x <= 0:
        raise InputError(name, x, "a number > 0")
    return x


@functools.cache
def _scenario() -> LifetimeScenario:
    """The lifetime scenario whose defaults blanks take (365 cycles per year, 80 % end-of-life SOH); built on first
    use."""
    from xlcell.studies import LifetimeScenario

    return LifetimeScenario()


def _soh(v: Any, name: str = "eol_soh") -> float:
    x = as_float(v, name, default=_scenario().eol_soh)
    if not 0 < x < 1:
        raise InputError(name, x, "a number between 0 and 1 (exclusive)")
    return x


def _cycles(v: Any, name: str) -> np.ndarray:
    c = np.array(as_vector(v, name, allow_blank=True))
    if (c < 0).any():
        raise InputError(name, float(c[c < 0][0]), "cycle counts >= 0")
    return c


# ------------------------------------------------------------------ the life model (issue 17)
@functools.cache
def _life_param_classes() -> tuple[type, ...]:
    """The classes of the life model's ``life_params`` (imported on first use, with the life model)."""
    from xlcell.degradation import CrackParams, MechanicsParams, SEIParams

    return (SEIParams, MechanicsParams, CrackParams)


def read_life_params(v: Any, name: str = "life_params") -> dict[str, Any]:
    """``{"sei": SEIParams, "mech": MechanicsParams, "crack": CrackParams}`` from one optional (key, value) range whose
    keys may belong to any of the three (their keys do not overlap): the life model's ``life_params`` argument and the
    Lifetime sheet's ``tbl_life_params``."""
    kv = {} if v is None or is_blank(v) else as_kv(v, name)
    known = {cls: {k.lower() for k in spec_by_key(cls)} for cls in _life_param_classes()}
    rows: dict[type, list[list[Any]]] = {cls: [] for cls in _life_param_classes()}
    for k, val in kv.items():
        owner = next((cls for cls, keys in known.items() if k in keys), None)
        if owner is None:
            raise UnknownKeyError(k, [key for keys in known.values() for key in keys], what=f"{name} key")
        rows[owner].append([k, val])
    return {arg: params_from_kv(cls, rows[cls] or None, name)
            for arg, cls in zip(("sei", "mech", "crack"), _life_param_classes())}


def _duty(v: Any) -> Duty:
    return params_from_kv(Duty, v, "duty")


def _life(design: Any, duty: Any, life_params: Any, materials: Any) -> LifeResult:
    from xlcell.degradation import cycle_life

    return cycle_life(design_from_range(design, materials), _duty(duty), **read_life_params(life_params))


@udf(ranges=("design", "duty", "life_params", "materials"))
def XLCELL_CYCLE_LIFE(design: Any, duty: Any = None, life_params: Any = None, materials: Any = None) -> float:
    """Equivalent full cycles to end of life from the design and the duty: SEI, particle cracks and isolated particles.

    design: two-column (key, value) design range (Design sheet)
    duty: optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's; defaults 1, 365, 0.8)
    life_params: optional (key, value) range of life-model parameters (sei_..., neg_..., pos_..., dod_stress_..., crack_...)
    materials: optional table of user-defined materials
    """
    n = float(np.asarray(_life(design, duty, life_params, materials).cycle_life).reshape(-1)[0])
    if not np.isfinite(n):
        raise InfeasibleError("the end-of-life state of health is not reached within 1e12 equivalent full cycles")
    return n


@udf(table=True, ranges=("design", "duty", "life_params", "materials"))
def XLCELL_LIFE(design: Any, duty: Any = None, life_params: Any = None, materials: Any = None) -> list[list[Any]]:
    """The life model's results: cycle life, years, capacity lost to each mechanism and resistance at end of life.

    design: two-column (key, value) design range (Design sheet)
    duty: optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's)
    life_params: optional (key, value) range of life-model parameters (sei_..., neg_..., pos_..., dod_stress_..., crack_...)
    materials: optional table of user-defined materials
    Returns (item, value) rows in display units (%, nm, MPa, mΩ, years).
    """
    from xlcell.degradation import LifeResult

    shown = to_display(_life(design, duty, life_params, materials))
    values = {s.key: float(np.asarray(shown[s.key]).reshape(-1)[0]) for s in specs(LifeResult)}
    return kv_out({k: v if np.isfinite(v) else None for k, v in values.items()})  # blank: end of life never reached


_FADE_COLUMNS = ("efc", "years", "soh", "loss_sei_pct", "loss_sei_cracks_pct", "loss_lam_neg_pct", "loss_lam_pos_pct")


@udf(table=True, ranges=("design", "cycles", "duty", "life_params", "materials"))
def XLCELL_LIFE_FADE(design: Any, cycles: Any, duty: Any = None, life_params: Any = None,
                     materials: Any = None) -> list[list[Any]]:
    """Capacity fade of the life model versus equivalent full cycles: efc, years, soh and the loss to each mechanism.

    design: two-column (key, value) design range
    cycles: row or column of equivalent full cycle counts, >= 0
    duty: optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's)
    life_params: optional (key, value) range of life-model parameters
    materials: optional table of user-defined materials
    """
    from xlcell.degradation import life_fade

    n = _cycles(cycles, "cycles")
    kw = read_life_params(life_params)
    shown = to_display(life_fade(design_from_range(design, materials), n, _duty(duty), kw["sei"], kw["mech"]))
    cols = [np.asarray(shown[k], dtype=float).reshape(-1) for k in _FADE_COLUMNS]
    return [list(_FADE_COLUMNS)] + [[float(c[i]) for c in cols] for i in range(len(n))]


@udf(table=True, ranges=("design", "duty", "life_params", "materials"))
def XLCELL_LIFE_SOH_BY_YEAR(design: Any, years: Any, cycles_per_year: Any = None, duty: Any = None, life_params: Any = None,
                            materials: Any = None) -> list[list[Any]]:
    """State of health at the start of each year 1..N from the life model (a column, for XLCELL_LCOS's soh).

    design: two-column (key, value) design range
    years: number of years N, whole number from 1 to 100
    cycles_per_year: cycles per year, > 0 (blank = the duty's); e.g. the plant's on the LCOS sheet
    duty: optional (key, value) range: c_rate, dod, temperature_C, cycles_per_year, eol_soh (blank c_rate and temperature_C = the design's)
    life_params: optional (key, value) range of life-model parameters
    materials: optional table of user-defined materials
    """
    from xlcell.degradation import life_soh_by_year

    n = as_int(years, "years", minimum=1)  # at most MAX_YEARS: checked by the kernel
    du = _duty(duty)
    if not is_blank(cycles_per_year):
        du = dataclasses.replace(du, cycles_per_year=_positive(cycles_per_year, "cycles_per_year"))
    kw = read_life_params(life_params)
    s = life_soh_by_year(design_from_range(design, materials), n, du, kw["sei"], kw["mech"])
    return [[float(x)] for x in np.asarray(s).reshape(-1)]


# ------------------------------------------------------------------ SEI growth (mechanism)
@udf(ranges=("design", "sei_params", "materials"))
def XLCELL_SEI_LOSS(design: Any, years: Any, cycles: Any = None, sei_params: Any = None, materials: Any = None) -> float:
    """Capacity lost to SEI growth (%) after a time and a number of cycles, from the cell design.

    design: two-column (key, value) design range (Design sheet); its temperature_C is the ageing temperature
    years: elapsed time in years, >= 0
    cycles: equivalent full cycles in that time, >= 0 (blank = 0, calendar ageing only)
    sei_params: optional (key, value) range of SEI parameters (sei_diffusivity_m2_s, sei_activation_energy_kJ_mol, ...)
    materials: optional table of user-defined materials
    """
    from xlcell.degradation import SECONDS_PER_YEAR, SEIParams, sei_capacity_loss

    t = as_float(years, "years")
    n = as_float(cycles, "cycles", default=0.0)
    if t < 0:
        raise InputError("years", t, "a number >= 0")
    if n < 0:
        raise InputError("cycles", n, "a number >= 0")
    r = sei_capacity_loss(design_from_range(design, materials), t * SECONDS_PER_YEAR, n,
                          params_from_kv(SEIParams, sei_params, "sei_params"))
    return float(np.asarray(to_display(r)["capacity_loss_pct"]).reshape(-1)[0])


@udf(ranges=("design", "sei_params", "materials"))
def XLCELL_SEI_CYCLE_LIFE(design: Any, cycles_per_year: Any = None, eol_soh: Any = None, sei_params: Any = None,
                          materials: Any = None) -> float:
    """Equivalent full cycles until SEI growth brings the state of health to the end-of-life value.

    design: two-column (key, value) design range; its temperature_C is the ageing temperature
    cycles_per_year: full cycles per year, > 0 (blank = 365); sets how much calendar time passes per cycle
    eol_soh: end-of-life state of health, 0-1 (blank = 0.8)
    sei_params: optional (key, value) range of SEI parameters
    materials: optional table of user-defined materials
    """
    from xlcell.degradation import SEIParams, sei_cycle_life

    cpy = _positive(cycles_per_year, "cycles_per_year", _scenario().cycles_per_year)
    return float(np.asarray(sei_cycle_life(design_from_range(design, materials), cpy, _soh(eol_soh),
                                           params_from_kv(SEIParams, sei_params, "sei_params"))).reshape(-1)[0])


@udf(table=True, ranges=("design", "cycles", "sei_params", "materials"))
def XLCELL_SEI_FADE(design: Any, cycles: Any, cycles_per_year: Any = None, sei_params: Any = None,
                    materials: Any = None) -> list[list[Any]]:
    """SEI capacity fade versus cycles for one design: columns cycles, years, soh, sei_thickness_nm.

    design: two-column (key, value) design range
    cycles: row or column of equivalent full cycle counts, >= 0
    cycles_per_year: full cycles per year, > 0 (blank = 365)
    sei_params: optional (key, value) range of SEI parameters
    materials: optional table of user-defined materials
    """
    from xlcell.degradation import SEIParams, sei_fade_vs_cycles

    n = _cycles(cycles, "cycles")
    cpy = _positive(cycles_per_year, "cycles_per_year", _scenario().cycles_per_year)
    r = sei_fade_vs_cycles(design_from_range(design, materials), n, cpy, params_from_kv(SEIParams, sei_params, "sei_params"))
    shown = to_display(r)
    soh = np.asarray(shown["soh"]).reshape(-1)
    nm = np.asarray(shown["sei_thickness_nm"]).reshape(-1)
    return [["cycles", "years", "soh", "sei_thickness_nm"]] + [
        [float(a), float(a / cpy), float(s), float(d)] for a, s, d in zip(n, soh, nm)]


@udf(table=True, ranges=("design", "sei_params", "materials"))
def XLCELL_SEI_SOH_BY_YEAR(design: Any, years: Any, cycles_per_year: Any = None, sei_params: Any = None,
                           materials: Any = None) -> list[list[Any]]:
    """State of health at the start of each year 1..N from SEI growth (a column, for XLCELL_LCOS's soh).

    design: two-column (key, value) design range
    years: number of years N, whole number from 1 to 100
    cycles_per_year: full cycles per year, > 0 (blank = 365)
    sei_params: optional (key, value) range of SEI parameters
    materials: optional table of user-defined materials
    """
    from xlcell.degradation import SEIParams, sei_soh_by_year

    n = as_int(years, "years", minimum=1)  # at most MAX_YEARS: checked by the kernel
    cpy = _positive(cycles_per_year, "cycles_per_year", _scenario().cycles_per_year)
    s = sei_soh_by_year(design_from_range(design, materials), n, cpy, params_from_kv(SEIParams, sei_params, "sei_params"))
    return [[float(x)] for x in np.asarray(s).reshape(-1)]


# ------------------------------------------------------------------ cracking

@udf(table=True, ranges=("design", "crack_params", "materials"))
def XLCELL_CRACK(design: Any, electrode: Any = None, crack_params: Any = None, materials: Any = None) -> list[list[Any]]:
    """Cracking of a constrained electrode from swelling: stress, critical stress and thickness, ΔR (∝ L²).

    design: two-column (key, value) design range
    electrode: "neg" or "pos" (blank = neg)
    crack_params: optional (key, value) range (crack_modulus_GPa, crack_swelling_strain, crack_fracture_energy_J_m2, ...)
    materials: optional table of user-defined materials
    Returns (item, value) rows.
    """
    from xlcell.degradation import CrackParams, CrackResult, cracking

    e = as_text(electrode, "electrode", default="neg", choices=["neg", "pos"])
    r = cracking(design_from_range(design, materials), params_from_kv(CrackParams, crack_params, "crack_params"), e)
    shown = to_display(r)
    return kv_out({s.key: bool(np.asarray(shown[s.key]).reshape(-1)[0]) if s.unit == "bool"
                   else float(np.asarray(shown[s.key]).reshape(-1)[0]) for s in specs(CrackResult)})


# ------------------------------------------------------------------ Wang et al. 2011 (empirical)
@udf()
def XLCELL_WANG_LOSS(c_rate: Any, temperature_C: Any, ah_throughput: Any) -> float:
    """Capacity loss (%) of Wang et al. 2011 (graphite/LFP): B(C) exp(-(31700 - 370.3 C)/(R T)) Ah^0.55, at most 100.

    c_rate: C-rate, > 0 and <= 10 (published B at C/2, 2C, 6C, 10C; interpolated between, held at C/2 below it)
    temperature_C: cell temperature in °C (tested -30 to 60 °C; XLCELL_WANG_IN_RANGE flags extrapolation)
    ah_throughput: cumulative discharge throughput in Ah of the tested 2.2 Ah cell (cycles x DOD x 2.2), >= 0
    """
    from xlcell.degradation import wang_loss_percent

    return float(wang_loss_percent(_positive(c_rate, "c_rate"), _temperature_K(temperature_C), as_float(ah_throughput, "ah_throughput")))


@udf()
def XLCELL_WANG_IN_RANGE(c_rate: Any, temperature_C: Any) -> bool:
    """TRUE if the C-rate and temperature lie inside Wang et al.'s tests (C/2 to 10C, -30 to 60 °C); FALSE = extrapolation.

    c_rate: C-rate, > 0
    temperature_C: cell temperature in °C
    Use beside XLCELL_WANG_LOSS and XLCELL_WANG_CYCLE_LIFE, which return a number either way.
    """
    from xlcell.degradation import wang_in_range

    return bool(wang_in_range(_positive(c_rate, "c_rate"), _temperature_K(temperature_C)))


@udf()
def XLCELL_WANG_CYCLE_LIFE(c_rate: Any, temperature_C: Any, eol_soh: Any = None, dod: Any = None) -> float:
    """Cycles to end of life from Wang et al. 2011 (the tested cell; no design input).

    c_rate: C-rate, > 0 and <= 10
    temperature_C: cell temperature in °C (XLCELL_WANG_IN_RANGE flags extrapolation)
    eol_soh: end-of-life state of health, 0-1 (blank = 0.8)
    dod: depth of discharge, 0 (exclusive) to 1 (blank = 1)
    """
    from xlcell.degradation import wang_cycle_life

    return float(wang_cycle_life(_positive(c_rate, "c_rate"), _temperature_K(temperature_C), _soh(eol_soh),
                                 as_float(dod, "dod", default=1.0)))


@udf(table=True, ranges=("cycles",))
def XLCELL_WANG_FADE(c_rate: Any, temperature_C: Any, cycles: Any, dod: Any = None) -> list[list[Any]]:
    """Wang et al. 2011 fade versus cycles: columns cycles, ah_throughput, soh, in_tested_range.

    c_rate: C-rate, > 0 and <= 10
    temperature_C: cell temperature in °C
    cycles: row or column of equivalent full cycle counts, >= 0
    dod: depth of discharge, 0 (exclusive) to 1 (blank = 1)
    in_tested_range is FALSE where the C-rate or temperature lie outside Wang et al.'s tests (extrapolation).
    """
    from xlcell.degradation import wang_fade_vs_cycles

    n = _cycles(cycles, "cycles")
    f = wang_fade_vs_cycles(_positive(c_rate, "c_rate"), _temperature_K(temperature_C), n,
                            as_float(dod, "dod", default=1.0))
    shown = to_display(f)
    return [["cycles"] + list(shown)] + [
        [float(a), float(b), float(s), bool(ok)] for a, b, s, ok in zip(n, *shown.values())]


@udf(table=True)
def XLCELL_WANG_SOH_BY_YEAR(c_rate: Any, temperature_C: Any, years: Any, cycles_per_year: Any, dod: Any = None) -> list[list[Any]]:
    """State of health at the start of each year 1..N from Wang et al. 2011 (a column, for XLCELL_LCOS's soh).

    c_rate: C-rate, > 0 and <= 10
    temperature_C: cell temperature in °C (XLCELL_WANG_IN_RANGE flags extrapolation)
    years: number of years N, whole number from 1 to 100
    cycles_per_year: full cycles per year, > 0
    dod: depth of discharge, 0 (exclusive) to 1 (blank = 1)
    """
    from xlcell.degradation import wang_soh_by_year

    s = wang_soh_by_year(_positive(c_rate, "c_rate"), _temperature_K(temperature_C), as_int(years, "years", minimum=1),
                         _positive(cycles_per_year, "cycles_per_year"), as_float(dod, "dod", default=1.0))
    return [[float(x)] for x in np.asarray(s).reshape(-1)]


_FIT_COLUMNS = ["c_rate", "temperature_C", "ah_throughput", "loss_pct"]


@udf(table=True, ranges=("data",))
def XLCELL_WANG_FIT(data: Any) -> list[list[Any]]:
    """Fit the Wang et al. form to your ageing data (scipy least squares on ln loss).

    data: table with header c_rate | temperature_C | ah_throughput | loss_pct and one measurement per row
    Returns (item, value) rows: each coefficient with its standard error ("held" if the data cannot tell it:
    z needs several Ah throughputs, E_a several temperatures, k several C-rates; held ones keep Wang et al.'s
    values, and held_at_published says why), the RMSE, the rows used and dropped (loss or Ah <= 0 have no
    logarithm), and the ranges of the data; outside them, and for any other design, the fit is extrapolation.
    """
    from xlcell.degradation import WANG_COEF_UNITS, fit_wang

    rows = as_records(data, "data", _FIT_COLUMNS)
    cols = {c: np.array([as_float(r[c], f"{c} (row {i + 1})") for i, r in enumerate(rows)]) for c in _FIT_COLUMNS}
    f = fit_wang(cols["c_rate"], units.to_si(cols["temperature_C"], "°C"), cols["ah_throughput"], cols["loss_pct"])
    shown = to_display(f)
    out: dict[str, Any] = {}
    for key in WANG_COEF_UNITS:
        out[key] = float(shown[key])
        out[f"{key}_stderr"] = shown["stderr"][key] if key in shown["stderr"] else "held"
    out.update({
        "fitted": ", ".join(shown["fitted"]),
        "held_at_published": "; ".join(f"{k} ({why})" for k, why in shown["held_at_published"].items()) or "none",
        "rmse_pct": shown["rmse_pct"], "n_points": shown["n_points"], "n_dropped": shown["n_dropped"],
        **{f"{key}_{end}": float(shown[key][i]) for key in ("c_rate", "temperature_C", "ah")
           for i, end in enumerate(("min", "max"))},
        "valid_for": "the tested cell design, inside these ranges only",
    })
    return kv_out(out)

__all__ = [n for n in dir() if n.startswith("XLCELL_")]
