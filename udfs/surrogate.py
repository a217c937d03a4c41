"""Excel functions of the digital thread (thin wrappers over :mod:`xlcell.surrogate` and :mod:`xlcell.process_sim`).

Trial tables have a header row of setting keys in engineering units: ``line_load_N_mm``,
``line_speed_m_min`` (required), ``solids_fraction``, ``roll_temperature_C`` (optional), and for measured
data a ``porosity`` column. The conversion to SI happens through :mod:`xlcell.units` only.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from xlcell import units
from xlcell.calendering import LINE_LOAD
from xlcell.errors import InputError, ShapeError, UnknownKeyError
from xlcell.params import to_display

if TYPE_CHECKING:  # the models are imported where a function uses them (issue 15: import udfs stays fast)
    from xlcell.process_sim import CalenderLine

from ._excel import as_2d, as_float, as_int, as_table, as_text, is_blank_row, kv_out, params_from_kv, udf, user_names


@functools.cache
def setting_keys() -> dict[str, tuple[str, str]]:
    """Excel key -> (SI key, display unit), from the kernel's setting specs (built on first use, with the model)."""
    from xlcell.surrogate import SETTING_SPECS

    return {s.key: (s.name, s.unit) for s in SETTING_SPECS}


@functools.cache
def _by_lower() -> dict[str, str]:
    return {k.lower(): k for k in setting_keys()}


@functools.cache
def _by_si() -> dict[str, str]:
    return {si: k for k, (si, _) in setting_keys().items()}


@functools.cache
def _user_names() -> dict[str, tuple[str, str]]:
    """The models' SI settings -> the key and unit the user typed (errors name what is in the user's table)."""
    return {si: (k, unit) for k, (si, unit) in setting_keys().items() if si != k}


POROSITY = "porosity"
MAX_ITER = 50
MAX_SEED = 2**32 - 1  #: seeds of numpy's and scikit-learn's generators are 32-bit


def _material(v: Any) -> str:
    return as_text(v, "material", default="NMC811")


def _line(v: Any) -> CalenderLine:
    from xlcell.process_sim import CalenderLine

    return params_from_kv(CalenderLine, v, "line")


def _seed(v: Any) -> int:
    s = as_int(v, "seed", default=0, minimum=0)
    if s > MAX_SEED:
        raise InputError("seed", s, f"a whole number from 0 to {MAX_SEED} (2^32 - 1)")
    return s


def _solids(v: Any) -> float:
    from xlcell.process_sim import SOLIDS_FRACTION

    phi = as_float(v, "solids_fraction", default=SOLIDS_FRACTION)
    if not 0 < phi < 1:
        raise InputError("solids_fraction", phi, "a number between 0 and 1 (exclusive)")
    return phi


def _measurement_sd(v: Any) -> float:
    from xlcell.surrogate import MEASUREMENT_SD

    return as_float(v, "measurement_sd", default=MEASUREMENT_SD)  # range checked by fit_surrogate


def settings_table(v: Any, name: str, *, measured: bool) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """A trial table (header row of setting keys [+ porosity]) -> (SI settings, porosity or None)."""
    header, rows = as_table(v, name)
    known = list(setting_keys()) + ([POROSITY] if measured else [])
    cols = {}
    for j, h in enumerate(header):
        key = POROSITY if h == POROSITY and measured else _by_lower().get(h)
        if key is None:
            raise UnknownKeyError(h, known, what=f"{name} column")
        cols[key] = j
    need = [LINE_LOAD.key, "line_speed_m_min"] + ([POROSITY] if measured else [])
    missing = [k for k in need if k not in cols]
    if missing:
        raise ShapeError(name, f"missing column(s) {', '.join(missing)}", "a header row naming " + ", ".join(need))
    values: dict[str, list[float]] = {k: [] for k in cols}
    for i, r in enumerate(rows):
        for k, j in cols.items():
            values[k].append(as_float(r[j] if j < len(r) else None, f"{name} row {i + 1} {k}"))
    keys = setting_keys()
    settings = {keys[k][0]: units.to_si(np.array(x), keys[k][1]) for k, x in values.items() if k != POROSITY}
    return settings, (np.array(values[POROSITY]) if measured else None)


def bounds_table(v: Any, name: str = "bounds") -> dict[str, tuple[float, float]]:
    """Rows (setting key, low, high) -> SI bounds; a header row (text in low and high) is skipped.

    Checks what only the table shows (keys, low < high in display units, one row per setting, the required
    rows); the ranges of the values are :func:`xlcell.surrogate.check_bounds`' (in the kernels)."""
    rows = as_2d(v, name)
    if len(rows[0]) < 3:
        raise ShapeError(name, f"{len(rows)}x{len(rows[0])}", "three columns: setting key, low, high")
    out: dict[str, tuple[float, float]] = {}
    for i, r in enumerate(rows):
        if is_blank_row(r[:3]):
            continue
        if isinstance(r[1], str) and isinstance(r[2], str) and not r[1].strip()[:1].isdigit():
            continue  # header
        key = _by_lower().get(as_text(r[0], f"{name} row {i + 1} key").lower())
        if key is None:
            raise UnknownKeyError(str(r[0]), setting_keys(), what=f"{name} setting")
        lo = as_float(r[1], f"{name} {key} low")
        hi = as_float(r[2], f"{name} {key} high")
        if not lo < hi:
            raise InputError(f"{name} {key} high", hi, f"above the low bound {lo:g} (low, high in that order)")
        si, unit = setting_keys()[key]
        if si in out:
            raise InputError(f"{name} row {i + 1}", key, "each setting in one row only (it already has a row)")
        out[si] = (float(units.to_si(lo, unit)), float(units.to_si(hi, unit)))
    for k in (LINE_LOAD.key, "line_speed_m_min"):
        if setting_keys()[k][0] not in out:
            raise ShapeError(name, f"without a {k} row", "rows for line_load_N_mm and line_speed_m_min")
    return out


def _user_named(**extra: str):
    """Errors about an SI setting (``line_load_N_m``) name the key of the user's table (``line_load_N_mm``), and
    ``extra`` model names the argument they come from."""
    def deco(fn):
        @functools.wraps(fn)
        def call(*args):
            with user_names(**_user_names(), **extra):
                return fn(*args)
        return call
    return deco


def _target(v: Any) -> float:
    return as_float(v, "target_porosity")  # range checked by suggest_next / bayes_opt




@udf(table=True, ranges=("data", "query", "line"), wizard=False)
@_user_named()
def XLCELL_GP_PREDICT(data: Any, query: Any, material: Any = None, solids_fraction: Any = None,
                      measurement_sd: Any = None, line: Any = None) -> list[list[Any]]:
    """Gaussian-process surrogate of final porosity fitted to trial data: mean and std of a new measurement per query row.

    Physics-informed: inputs exp(-q/γ), ln(Deborah number), ε0; prior mean = the compaction law. mean ± 2 std is a ~95 % prediction interval for a new measurement.
    data: trial table, header row line_load_N_mm, line_speed_m_min, [solids_fraction], [roll_temperature_C], porosity; at least 3 rows
    query: settings to predict: header row of setting keys (line_load_N_mm, line_speed_m_min, ...), one row each; absent roll_temperature_C = 25
    material: calendering material, e.g. NMC811 (blank = NMC811)
    solids_fraction: slurry solids volume fraction φ_s of data and query rows without a solids_fraction column (blank = 0.4)
    measurement_sd: standard deviation of a porosity measurement; the fitted noise never falls below it (blank = 0.003)
    line: optional (key, value) range of the calender: roll_diameter_m, thickness_before_um, relaxation_time_ms, ...
    """
    from xlcell.surrogate import fit_surrogate

    mat, ln = _material(material), _line(line)
    X, y = settings_table(data, "data", measured=True)
    Q, _ = settings_table(query, "query", measured=False)
    phi, msd = _solids(solids_fraction), _measurement_sd(measurement_sd)
    sur = fit_surrogate(X, y, material=mat, line=ln, solids_fraction=phi, n_restarts=3, seed=0, measurement_sd=msd)
    mean, std = sur.predict(Q)
    return [["porosity_mean", "porosity_std"]] + [[float(m), float(s)] for m, s in zip(mean, std)]


@udf(table=True, ranges=("data", "bounds", "line"), wizard=False)
@_user_named()
def XLCELL_BO_SUGGEST(data: Any, bounds: Any, target_porosity: Any, material: Any = None, seed: Any = None,
                      solids_fraction: Any = None, measurement_sd: Any = None, line: Any = None,
                      acquisition: Any = None) -> list[list[Any]]:
    """Next process setting to try (Bayesian optimisation of |porosity - target| on your trials), as (key, value) rows.

    Returns the bounded settings, the solids fraction assumed (when not searched), predicted_porosity, predicted_std (of a new measurement), expected_improvement, incumbent_error, fracture_line_load_N_mm (at the suggestion), n_trials.
    Settings without bounds are held at the last trial's value (solids fraction: the argument when the data has no such column). Line loads at or above the fracture-limited line load are excluded.
    data: trial table, header row line_load_N_mm, line_speed_m_min, [solids_fraction], [roll_temperature_C], porosity; at least 3 rows
    bounds: rows (setting key, low, high), e.g. line_load_N_mm | 100 | 1500 and line_speed_m_min | 10 | 100
    target_porosity: porosity wanted after calendering, 0 < ε < 1
    material: calendering material, e.g. NMC811 (blank = NMC811)
    seed: whole number from 0 to 2^32 - 1 for the candidate set and the fit (blank = 0); same seed -> same suggestion
    solids_fraction: slurry solids volume fraction φ_s of your trials when the data has no solids_fraction column; sets the fracture limit (blank = 0.4)
    measurement_sd: standard deviation of a porosity measurement; the fitted noise never falls below it (blank = 0.003)
    line: optional (key, value) range of the calender: roll_diameter_m, thickness_before_um, relaxation_time_ms, ...
    acquisition: EI (expected improvement, default) or LCB (lower confidence bound |μ - target| - 2σ)
    """
    from xlcell.surrogate import fit_surrogate, suggest_next

    mat, ln = _material(material), _line(line)
    X, y = settings_table(data, "data", measured=True)
    b = bounds_table(bounds)
    t = _target(target_porosity)
    s = _seed(seed)
    acq = as_text(acquisition, "acquisition", default="EI", choices=["EI", "LCB"]).lower()
    phi, msd = _solids(solids_fraction), _measurement_sd(measurement_sd)
    fixed = {k: v[-1] for k, v in X.items() if k not in b}
    if "solids_fraction" not in b:
        fixed.setdefault("solids_fraction", phi)
    sur = fit_surrogate(X, y, material=mat, line=ln, solids_fraction=phi, n_restarts=3, seed=s, measurement_sd=msd)
    sg = suggest_next(sur, b, t, acquisition=acq, seed=s, fixed=fixed)
    shown = to_display(sg)
    out = {_by_si()[k]: float(shown["settings"][k]) for k in b}
    if "solids_fraction" not in b:
        out["solids_fraction"] = shown["settings"]["solids_fraction"]
    fracture = shown["fracture_line_load_N_mm"]
    out.update({"predicted_porosity": shown["predicted_porosity"], "predicted_std": shown["predicted_std"],
                ("expected_improvement" if acq == "ei" else "lower_confidence_bound"): shown["acquisition"],
                "incumbent_error": shown["incumbent_error"],
                "fracture_line_load_N_mm": float(fracture) if np.isfinite(fracture) else "none (ductile)",
                "n_trials": float(y.size)})
    return kv_out(out)


@udf(table=True, ranges=("bounds", "line"), wizard=False)
@_user_named(measurement_sd="noise_sd")  # the simulator's noise is the GP's measurement sd
def XLCELL_BO_RUN(bounds: Any, target_porosity: Any, material: Any = None, solids_fraction: Any = None,
                  n_init: Any = None, n_iter: Any = None, seed: Any = None, noise_sd: Any = None,
                  line: Any = None) -> list[list[Any]]:
    """Closed-loop Bayesian optimisation on the calendering SIMULATOR (not a plant): one row per trial.

    Spills iteration, phase (init/bo), the bounded settings, porosity (measured, with noise), abs_error, best_abs_error.
    bounds: rows (setting key, low, high), e.g. line_load_N_mm | 100 | 1500 and line_speed_m_min | 10 | 100
    target_porosity: porosity wanted after calendering, 0 < ε < 1
    material: calendering material of the simulator, e.g. NMC811 (blank = NMC811)
    solids_fraction: slurry solids volume fraction φ_s of the simulated batch (blank = 0.4)
    n_init: number of space-filling (Sobol) trials before BO starts, 3 to 50 (blank = 5)
    n_iter: number of BO trials after them, 0 to 50 (blank = 10)
    seed: whole number from 0 to 2^32 - 1 for the simulator's noise, the initial design and the fits (blank = 0)
    noise_sd: standard deviation of the simulated porosity measurement (blank = 0.003)
    line: optional (key, value) range of the calender: roll_diameter_m, thickness_before_um, relaxation_time_ms, ...
    """
    from xlcell.process_sim import ProcessSimulator
    from xlcell.surrogate import bayes_opt

    mat, ln = _material(material), _line(line)
    b = bounds_table(bounds)
    t = _target(target_porosity)
    phi = _solids(solids_fraction)
    n0 = as_int(n_init, "n_init", default=5, minimum=3)
    n1 = as_int(n_iter, "n_iter", default=10, minimum=0)
    for nm, n in (("n_init", n0), ("n_iter", n1)):
        if n > MAX_ITER:
            raise InputError(nm, n, f"a whole number <= {MAX_ITER}")
    s = _seed(seed)
    sd = as_float(noise_sd, "noise_sd", default=0.003)  # range checked by ProcessSimulator
    sim = ProcessSimulator(mat, solids_fraction=phi, line=ln, noise_sd=sd, seed=s)
    h = bayes_opt(sim, b, t, n_init=n0, n_iter=n1, seed=s)
    keys = list(b)
    header = ["iteration", "phase"] + [_by_si()[k] for k in keys] + ["porosity", "abs_error", "best_abs_error"]
    obj, best, shown = h.objective, h.best_so_far, to_display(h)
    return [header] + [[float(i + 1), h.phase[i]] + [float(shown["settings"][k][i]) for k in keys]
                       + [float(shown["porosity"][i]), float(obj[i]), float(best[i])] for i in range(len(h))]


__all__ = [n for n in dir() if n.startswith("XLCELL_")] + ["setting_keys", "bounds_table", "settings_table"]
