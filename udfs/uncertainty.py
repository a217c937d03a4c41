"""Excel functions of the uncertainty model (thin wrappers over :mod:`xlcell.uncertainty`).

Ranges (all optional after ``design``, ``n`` and ``seed``; blank = defaults):

* ``spec`` — exactly two columns (key, value) of the uncertainty model in display units: the keys of
  :class:`xlcell.uncertainty.UncertaintySpec` (``price_loading``, ``price_volatility_pct``,
  ``temperature_sigma_K``, ``ea_..._kJ_mol``, ``param_noise_pct``, ``cv_thickness_pct``,
  ``cv_porosity_pct``, ``cost_limit_usd_per_kWh``, the grading window ``spec_min_capacity_pct``,
  ``spec_max_capacity_pct``, ``spec_min_resistance_pct``, ``spec_max_resistance_pct``, ``spec_min_capacity_Ah``,
  ``spec_max_resistance_mohm``) and per price ``<price key>_loading`` and ``<price key>_volatility_pct`` (e.g.
  ``pos_am_usd_kg_volatility_pct``); a key left out, or with a blank value, keeps its default, except
  ``cost_limit_usd_per_kWh``, whose blank value means no limit; the window's limits are blank by default (the
  factory's cell yield, BatPaC's 95 %); any limit given makes the cost's grading yield the share of the run inside;
* ``factory``, ``bom``, ``steps``, ``materials`` — as for ``XLCELL_COST`` (the bom's prices are the base prices);
* ``outputs`` — a row or column of model output keys (default: $/kWh, $/cell, Wh/kg, max power, capacity, the
  cycle life and the cell LCOS, each sample's at its effective temperature T + σ_T Θ);
* ``duty`` — (key, value) rows ``c_rate``, ``dod``, ``temperature_C``, ``cycles_per_year``, ``eol_soh`` of the
  life and LCOS models (blank: the design's C-rate and temperature); a duty temperature moves with Θ too.

The Monte Carlo functions with the same arguments share one run (kept for the last few argument sets), so
a sheet can show the statistics, the risk, the samples and the correlations of one run.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from xlcell import units
from xlcell.errors import InputError, ShapeError
from xlcell.params import item_units, to_display
from xlcell.tables import C2C_SAMPLE_HEADER, HISTOGRAM_HEADER
from xlcell.duty import Duty

if TYPE_CHECKING:  # the models are imported where a function uses them (issue 15: import udfs stays fast)
    from xlcell.uncertainty import MonteCarloResult, UncertaintySpec

from ._excel import as_2d, as_float, as_int, as_kv, as_text, excel_value, is_blank, kv_out, params_from_kv, udf
from .cell import design_from_range
from .cost import cost_settings

#: most samples (Monte Carlo) or cells (cell to cell) one Excel call evaluates; larger studies run from Python
MAX_SAMPLES = 100_000
#: the spec key whose blank value means "no limit" (P(cost <= limit) is then left blank)
NO_LIMIT_KEY = "cost_limit_usd_per_kwh"


def _samples(v: Any, name: str) -> int:
    """A number of samples or cells, 1 to :data:`MAX_SAMPLES` (more: pointed at the Python API)."""
    try:
        return as_int(v, name, minimum=1, maximum=MAX_SAMPLES)
    except InputError as e:
        if type(e) is InputError and isinstance(e.value, float) and e.value > MAX_SAMPLES:
            raise InputError(name, e.value, e.allowed + " (larger runs: call xlcell.uncertainty from Python)", e.where) from None
        raise


def _seed(v: Any) -> int:
    return as_int(v, "seed", default=0, minimum=0, maximum=2**32 - 1)


def _pct(v: Any, name: str, default: float | None = None) -> float:
    """A percentage from a cell -> fraction (blank -> ``default`` %)."""
    return float(units.to_si(as_float(v, name, default=default), "%"))


def spec_from_range(v: Any, name: str = "spec") -> UncertaintySpec:
    """The uncertainty model from a two-column (key, value) range in display units (blank = defaults)."""
    from xlcell.uncertainty import UncertaintySpec, spec_from_mapping

    if v is None or is_blank(v):
        return UncertaintySpec()
    rows = as_2d(v, name)
    widths = {len(r) for r in rows}
    if widths != {2}:
        got = f"{len(rows)}x{len(rows[0])}" if len(widths) == 1 else f"ragged ({min(widths)} to {max(widths)} columns)"
        raise ShapeError(name, got, "two columns: key, value")
    values: dict[str, float] = {k: as_float(val, k) for k, val in as_kv(rows, name).items()}
    # the cost limit's row present with a blank value: no limit (a key left out keeps the default)
    for k, val in rows:
        if not is_blank(k) and str(k).strip().lower() == NO_LIMIT_KEY and is_blank(val):
            values[NO_LIMIT_KEY] = float("nan")
    return spec_from_mapping(values)


def _outputs(v: Any) -> tuple[str, ...]:
    from xlcell.registry import output_key, output_spec
    from xlcell.uncertainty import DEFAULT_OUTPUTS

    if v is None or is_blank(v):
        return DEFAULT_OUTPUTS
    keys = [output_key(as_text(c, "outputs")) for r in as_2d(v, "outputs") for c in r if not is_blank(c)]
    if not keys:
        return DEFAULT_OUTPUTS
    for k in keys:
        if output_spec(k).unit in ("text",):
            raise InputError("outputs", k, "a numeric model output")
    return tuple(keys)


_RUNS: "OrderedDict[str, MonteCarloResult]" = OrderedDict()
_RUNS_KEPT = 2  # a run of 100,000 samples holds about 35 MB


def _duty(v: Any) -> Duty | None:
    """The duty from an optional (key, value) range (blank: None, the providers' default duty)."""
    return None if v is None or is_blank(v) else params_from_kv(Duty, v, "duty")


def _run(design: Any, n: Any, seed: Any, spec: Any, factory: Any, bom: Any, steps: Any, materials: Any,
         outputs: Any, duty: Any = None) -> MonteCarloResult:
    """The Monte Carlo run of these arguments (the same arguments reuse the same run)."""
    from xlcell.uncertainty import monte_carlo

    key = repr((design, n, seed, spec, factory, bom, steps, materials, outputs, duty))
    if key in _RUNS:
        _RUNS.move_to_end(key)
        return _RUNS[key]
    count = _samples(n, "n")
    s = _seed(seed)
    sp = spec_from_range(spec)
    d = design_from_range(design, materials)
    kw = cost_settings(factory, bom, steps)
    res = monte_carlo(d, count, s, sp, outputs=_outputs(outputs), factory=kw["factory"], prices=kw["prices"],
                      fmt=kw["fmt"], yields=kw["yields"], slurry=kw["slurry"], duty=_duty(duty))
    _RUNS[key] = res
    while len(_RUNS) > _RUNS_KEPT:
        _RUNS.popitem(last=False)
    return res


@udf(table=True, ranges=("design", "spec", "factory", "bom", "steps", "materials", "outputs", "duty"), wizard=False)
def XLCELL_MONTE_CARLO(design: Any, n: Any, seed: Any, spec: Any = None, factory: Any = None, bom: Any = None,
                       steps: Any = None, materials: Any = None, outputs: Any = None,
                       duty: Any = None) -> list[list[Any]]:
    """Monte Carlo of a design under correlated price, electrochemical and manufacturing uncertainty: a stats table.

    design: two-column (key, value) range, as for XLCELL_CELL (the Design sheet)
    n: number of samples, a whole number from 1 to 100,000 (all evaluated in one model call)
    seed: random seed, a whole number >= 0 (blank = 0); the same seed gives the same samples
    spec: optional two-column (key, value) range of the uncertainty model: price_loading, price_volatility_pct, temperature_sigma_K, ea_..._kJ_mol, param_noise_pct, cv_thickness_pct, cv_porosity_pct, cost_limit_usd_per_kWh (blank = no limit), spec_..._pct (grading window), <price>_loading, <price>_volatility_pct
    factory: optional (key, value) range of plant and economics inputs, as for XLCELL_COST
    bom: optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST
    steps: optional process-step table, as for XLCELL_COST
    materials: optional table of user-defined materials
    outputs: optional row or column of output keys (default: cell_cost_usd_per_kWh, cell_cost_usd, specific_energy_Wh_kg, max_power_W, capacity_Ah, cycle_life, lcos_cell_usd_per_kWh)
    duty: optional (key, value) rows: c_rate, dod, temperature_C, ...
    Returns a header row (output, unit, deterministic, mean, std, p5, p50, p95, mean_below_p5, mean_above_p95) and
    one row per output; mean_above_p95 of a cost is its CVaR95 (the mean of the worst 5 % of samples).
    """
    from xlcell.tables import MC_HEADER

    from xlcell.uncertainty import STAT_COLUMNS

    r = _run(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)
    shown, unit = to_display(r), item_units(r, "stats")
    rows: list[list[Any]] = [list(MC_HEADER)]
    for k in r.keys:
        st = shown["stats"][k]
        rows.append([k, unit[k], excel_value(shown["deterministic"][k])] + [excel_value(st[c]) for c in STAT_COLUMNS])
    return rows


@udf(table=True, ranges=("design", "spec", "factory", "bom", "steps", "materials", "outputs", "duty"), wizard=False)
def XLCELL_MC_RISK(design: Any, n: Any, seed: Any, spec: Any = None, factory: Any = None, bom: Any = None,
                   steps: Any = None, materials: Any = None, outputs: Any = None,
                   duty: Any = None) -> list[list[Any]]:
    """Risk profile of a Monte Carlo run: (statistic, value) rows for the cell cost per kWh and feasibility.

    Same arguments as XLCELL_MONTE_CARLO.
    Returns samples, seed, deterministic_usd_per_kWh, mean_usd_per_kWh, var95_usd_per_kWh (P95),
    cvar95_usd_per_kWh (mean of the worst 5 %, the boundary sample weighted fractionally), cost_limit_usd_per_kWh,
    p_cost_within_limit (blank when there is no limit), p_feasible,
    p_feasible_and_within_limit, deterministic_feasible (1 = the unperturbed design is feasible), cell_yield (the
    cost's), spec_window_yield (the share of the run inside the spec window; blank without one),
    thermal_rank_correlation_cycle_life (Spearman's, of the thermal factor and the cycle life; blank unless
    cycle_life is an output).
    """
    r = _run(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)
    return kv_out({k: ("" if isinstance(v, float) and v != v else v) for k, v in to_display(r)["risk"].items()})


@udf(table=True, ranges=("design", "spec", "factory", "bom", "steps", "materials", "outputs", "duty"), wizard=False)
def XLCELL_MC_SAMPLES(design: Any, n: Any, seed: Any, spec: Any = None, factory: Any = None, bom: Any = None,
                      steps: Any = None, materials: Any = None, outputs: Any = None,
                      duty: Any = None) -> list[list[Any]]:
    """The samples of a Monte Carlo run: one row per sample (spills n rows, at most 100,000).

    Same arguments as XLCELL_MONTE_CARLO.
    Returns a header row (sample, macro_factor, thermal_factor, the outputs, feasible) and one row per sample;
    feed a column to XLCELL_HISTOGRAM for a chart.
    """
    r = _run(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)
    shown = to_display(r)
    cols = [np.arange(1, r.n + 1, dtype=float), shown["macro_factor"], shown["thermal_factor"]] + [
        shown["output_samples"][k] for k in r.keys]
    body = np.column_stack(cols).tolist()
    feas = r.feasible.tolist()
    return [["sample", "macro_factor", "thermal_factor", *r.keys, "feasible"]] + [row + [f] for row, f in zip(body, feas)]


@udf(table=True, ranges=("design", "spec", "factory", "bom", "steps", "materials", "outputs", "duty"), wizard=False)
def XLCELL_MC_CORRELATION(design: Any, n: Any, seed: Any, spec: Any = None, factory: Any = None, bom: Any = None,
                          steps: Any = None, materials: Any = None, outputs: Any = None,
                          duty: Any = None) -> list[list[Any]]:
    """Sample correlation of the log prices of a Monte Carlo run (the macro factor at work: about l_i·l_j).

    Same arguments as XLCELL_MONTE_CARLO.
    Returns a header row (price, then the price keys) and one row per price; prices with zero volatility (or a
    zero base price) do not move and are left out.
    """
    r = _run(design, n, seed, spec, factory, bom, steps, materials, outputs, duty)
    keys = list(r.correlated_keys)
    if not keys or r.price_correlation.size == 0:
        raise InputError("spec", "no moving prices", "at least one price with a volatility > 0 and n >= 2")
    return [["price", *keys]] + [[k, *map(float, r.price_correlation[i])] for i, k in enumerate(keys)]


def _c2c(design: Any, n_cells: Any, seed: Any, cv_thickness_pct: Any, cv_porosity_pct: Any, series: Any = None,
         parallel: Any = None, capacity_window_pct: Any = None, resistance_window_pct: Any = None,
         cv_contact_pct: Any = None, materials: Any = None, factory: Any = None, bom: Any = None, steps: Any = None,
         window: Any = None):
    from xlcell.uncertainty import SpecWindow, cell_to_cell

    n = _samples(n_cells, "n_cells")
    s = _seed(seed)
    cvs = [_pct(v, nm, default) for v, nm, default in ((cv_thickness_pct, "cv_thickness_pct", None),
                                                      (cv_porosity_pct, "cv_porosity_pct", None),
                                                      (cv_contact_pct, "cv_contact_pct", 0.0))]
    for x, nm in zip(cvs, ("cv_thickness_pct", "cv_porosity_pct", "cv_contact_pct")):
        if not 0.0 <= x <= 0.2:
            raise InputError(nm, float(units.from_si(x, "%")), "a number between 0 and 20 %")
    ns = as_int(series, "series", default=1, minimum=1, maximum=10_000)
    npar = as_int(parallel, "parallel", default=1, minimum=1, maximum=10_000)
    wc = _pct(capacity_window_pct, "capacity_window_pct", 2.0)
    wr = _pct(resistance_window_pct, "resistance_window_pct", 5.0)
    for x, nm in ((wc, "capacity_window_pct"), (wr, "resistance_window_pct")):
        if not 0.0 < x <= 1.0:
            raise InputError(nm, float(units.from_si(x, "%")), "a number between 0 (exclusive) and 100 %")
    d = design_from_range(design, materials)
    win = None if window is None or is_blank(window) else params_from_kv(SpecWindow, window, "window")
    return cell_to_cell(d, n, s, cvs[0], cvs[1], cv_contact=cvs[2], series=ns, parallel=npar, capacity_window=wc,
                        resistance_window=wr, window=win, **cost_settings(factory, bom, steps))


@udf(table=True, ranges=("design", "materials", "factory", "bom", "steps", "window"))
def XLCELL_CELL_TO_CELL(design: Any, n_cells: Any, seed: Any, cv_thickness_pct: Any, cv_porosity_pct: Any,
                        series: Any = None, parallel: Any = None, capacity_window_pct: Any = None,
                        resistance_window_pct: Any = None, cv_contact_pct: Any = None, materials: Any = None,
                        factory: Any = None, bom: Any = None, steps: Any = None, window: Any = None) -> list[list[Any]]:
    """Cell-to-cell variation of one production run: spread, spec window, yield and cost, packs.

    design: two-column (key, value) range, as for XLCELL_CELL
    n_cells: cells in the run, a whole number from 1 to 100,000 (at least series × parallel)
    seed: random seed, a whole number >= 0 (blank = 0)
    cv_thickness_pct: coefficient of variation of each electrode's coating thickness, 0-20 %
    cv_porosity_pct: coefficient of variation of each electrode's porosity, 0-20 %
    series: cells (parallel groups) in series per pack, >= 1 (blank = 1)
    parallel: cells in parallel per group, >= 1 (blank = 1)
    capacity_window_pct: spec window |C/C_nominal - 1| in % (blank = 2 %)
    resistance_window_pct: spec window |R/R_nominal - 1| in % (blank = 5 %)
    cv_contact_pct: optional spread of particle contacts (exchange current and solid conductivity, lognormal), 0-20 % (blank = 0)
    materials: optional table of user-defined materials
    factory: optional, as for XLCELL_COST
    bom: optional, as for XLCELL_COST
    steps: optional, as for XLCELL_COST
    window: optional (key, value) grading limits, spec_..._pct, ... (replace the ± windows)
    Returns (statistic, value) rows; keys carry their units. The pack capacity is that of its weakest group. The
    share inside the window is the grading yield: cell_cost_spec_window_yield_usd_per_kWh is the nominal cell's cost
    with the grading step's yield set to it, cell_cost_factory_yield_usd_per_kWh with the factory's (BatPaC 95 %).
    """
    r = _c2c(design, n_cells, seed, cv_thickness_pct, cv_porosity_pct, series, parallel, capacity_window_pct,
             resistance_window_pct, cv_contact_pct, materials, factory, bom, steps, window)
    # no cell inside the window: no accepted cell and no finite cost (the yield row says 0): left blank
    return kv_out({k: ("" if isinstance(v, float) and not np.isfinite(v) else v) for k, v in to_display(r)["summary"].items()})


@udf(table=True, ranges=("design", "materials"))
def XLCELL_CELL_TO_CELL_SAMPLES(design: Any, n_cells: Any, seed: Any, cv_thickness_pct: Any, cv_porosity_pct: Any,
                                cv_contact_pct: Any = None, materials: Any = None) -> list[list[Any]]:
    """The cells of a production run, one row per cell: capacity, resistance and energy (spills n_cells rows).

    design: two-column (key, value) range, as for XLCELL_CELL
    n_cells: cells in the run, a whole number from 1 to 100,000
    seed: random seed, a whole number >= 0 (blank = 0); with the same arguments the cells equal XLCELL_CELL_TO_CELL's
    cv_thickness_pct: coefficient of variation of each electrode's coating thickness, 0-20 %
    cv_porosity_pct: coefficient of variation of each electrode's porosity, 0-20 %
    cv_contact_pct: optional spread of particle contacts, 0-20 % (blank = 0)
    materials: optional table of user-defined materials
    """
    r = _c2c(design, n_cells, seed, cv_thickness_pct, cv_porosity_pct, cv_contact_pct=cv_contact_pct, materials=materials)
    shown = to_display(r)
    body = np.column_stack([np.arange(1, r.capacity_C.size + 1, dtype=float)]
                           + [shown[k] for k in C2C_SAMPLE_HEADER[1:]]).tolist()
    return [list(C2C_SAMPLE_HEADER)] + body


@udf(table=True, ranges=("values",))
def XLCELL_HISTOGRAM(values: Any, bins: Any) -> list[list[Any]]:
    """Histogram of a range of numbers: one row per bin (label, low and high edge, count, share), for a bar chart.

    values: range of numbers (blank cells are skipped; a header text in the first cell is skipped too)
    bins: number of equal-width bins between the smallest and largest value, 1 to 1000
    The last bin includes its upper edge (numpy's rule), so the counts add up to the number of values.
    """
    from xlcell.uncertainty import MAX_BINS, histogram

    rows = as_2d(values, "values")
    cells = [c for r in rows for c in r]
    if cells and isinstance(cells[0], str) and not is_blank(cells[0]):
        try:
            as_float(cells[0], "values")
        except InputError:
            cells = cells[1:]  # a header cell (e.g. the spilled samples' column title)
    x = [as_float(c, f"values[{i + 1}]") for i, c in enumerate(cells) if not is_blank(c)]
    b = as_int(bins, "bins", minimum=1, maximum=MAX_BINS)
    edges, counts = histogram(np.array(x), b)
    total = float(np.sum(counts))
    out: list[list[Any]] = [list(HISTOGRAM_HEADER)]
    for i in range(b):
        lo, hi = float(edges[i]), float(edges[i + 1])
        out.append([f"{lo:.4g}–{hi:.4g}", lo, hi, float(counts[i]), float(counts[i]) / total])
    return out


#: most base samples of one XLCELL_SOBOL call (N (d + 2) model runs: 49,152 for the 10 default inputs); larger
#: studies: ``xlcell sensitivity`` (chunked, optionally on Dask)
MAX_SOBOL_SAMPLES = 4096


def sobol_bounds(v: Any, name: str = "bounds") -> Any:
    """The inputs of a Sobol study from a three-column (key, lower, upper) range in display units (blank: the
    default design bounds and main material prices, :data:`xlcell.batch.DESIGN_BOUNDS` and
    :data:`xlcell.batch.PRICE_BOUNDS`)."""
    from xlcell.batch import DESIGN_BOUNDS, PRICE_BOUNDS, make_bounds

    if v is None or is_blank(v):
        return make_bounds({**DESIGN_BOUNDS, **PRICE_BOUNDS})
    rows = [r for r in as_2d(v, name) if any(not is_blank(c) for c in r)]
    if not rows or {len(r) for r in rows} != {3}:
        raise ShapeError(name, f"{len(rows)} rows of {sorted({len(r) for r in rows})} columns" if rows else "empty",
                         "three columns: key, lower, upper (display units)")
    return make_bounds({as_text(k, f"{name} key"): (as_float(lo, f"{k} lower"), as_float(hi, f"{k} upper"))
                        for k, lo, hi in rows})


@udf(table=True, ranges=("design", "bounds", "outputs", "factory", "bom", "steps", "materials", "duty"), wizard=False)
def XLCELL_SOBOL(design: Any, n: Any, seed: Any, bounds: Any = None, outputs: Any = None, factory: Any = None,
                 bom: Any = None, steps: Any = None, materials: Any = None, duty: Any = None) -> list[list[Any]]:
    """Sobol first-order (S1) and total (ST) sensitivity indices of model outputs over design and price inputs (SALib).

    Each input varies uniformly within its bounds around the design; N (d + 2) model runs of the full chain (Saltelli
    sampling on a Sobol sequence), 95 % bootstrap half-widths. Needs SALib: pip install "xlcell[sensitivity]".
    design: two-column (key, value) range, as for XLCELL_CELL (the Design sheet): the values of the inputs not varied
    n: base samples N, a whole number from 2 to 4,096 (a power of 2, e.g. 256); larger studies: xlcell sensitivity
    seed: random seed of the sample and the bootstrap, a whole number >= 0 (blank = 0)
    bounds: optional three-column range (key, lower, upper): design keys and material prices in display units (blank = pos_thickness_um 40-250, pos_porosity 0.18-0.45, np_ratio 1.05-1.25, sep_thickness_um 10-25 and six prices ± 50 %)
    outputs: optional row or column of output keys (default: cell_cost_usd_per_kWh, specific_energy_Wh_kg, lcos_cell_usd_per_kWh)
    factory: optional (key, value) range of plant and economics inputs, as for XLCELL_COST
    bom: optional (key, value) range of base prices, yields and cell format, as for XLCELL_COST
    steps: optional process-step table, as for XLCELL_COST
    materials: optional table of user-defined materials
    duty: optional (key, value) rows: c_rate, dod, temperature_C, ... of the life and LCOS models
    Returns a header row (input, then S1, S1_conf, ST, ST_conf of each output) and one row per input.
    """
    from xlcell.lcos import model_context
    from xlcell.sensitivity import SENSITIVITY_OUTPUTS, model_sobol

    from .cost import cost_inputs

    count = as_int(n, "n", minimum=2, maximum=MAX_SOBOL_SAMPLES)
    s = _seed(seed)
    b = sobol_bounds(bounds)
    keys = SENSITIVITY_OUTPUTS if outputs is None or is_blank(outputs) else _outputs(outputs)
    d, kw = cost_inputs(design, factory, bom, steps, materials)
    cal = kw.pop("calendering")
    ctx = model_context(_duty(duty) or Duty(), cost_inputs=kw)
    ctx["calendering"] = cal
    r = model_sobol(b, count, s, keys, context=ctx, base=d)
    head = ["input"] + [f"{stat} {k}" for k in r.outputs for stat in ("S1", "S1_conf", "ST", "ST_conf")]
    rows: list[list[Any]] = [head]
    for j, name in enumerate(r.inputs):
        rows.append([name] + [excel_value(float(getattr(r, stat)[i, j])) for i in range(len(r.outputs))
                              for stat in ("S1", "S1_conf", "ST", "ST_conf")])
    return rows



def __getattr__(name: str) -> Any:
    """``MC_HEADER``, :mod:`xlcell.tables`' header of XLCELL_MONTE_CARLO, built with the Monte Carlo model on first use
    (PEP 562), so that ``import udfs`` does not import the model (issue 15)."""
    if name == "MC_HEADER":
        from xlcell.tables import MC_HEADER

        return MC_HEADER
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [n for n in dir() if n.startswith("XLCELL_")] + ["spec_from_range", "sobol_bounds", "MAX_SAMPLES",
                                                          "MAX_SOBOL_SAMPLES"]
