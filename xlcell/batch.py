"""Batch runs: sweeps of many designs through the full chain and Monte Carlo runs of any size, in chunks.

A run of ``n`` samples is cut into **seed blocks** of :data:`BLOCK` samples: block ``b`` draws its random numbers
from ``numpy.random.SeedSequence(seed).spawn(n_blocks)[b]`` (:func:`block_seed`), whatever else happens. A
**chunk** (the unit of work of one call, one task on a Dask worker) is a run of whole blocks, ``chunk`` samples
(rounded up to whole blocks); the last chunk holds the rest. So the numbers of a run depend on ``n``, ``seed`` and
the inputs only: the same in one process or on any number of workers, and with any chunk size
(``tests/test_batch.py`` asserts both). A Sobol sweep takes points ``start .. stop`` of one scrambled Sobol
sequence (:class:`scipy.stats.qmc.Sobol`, fast-forwarded), so it too is independent of the chunking.

* :func:`sweep` evaluates ``n`` designs drawn uniformly (or from a Sobol sequence) within :class:`Bounds` through
  the registry's one evaluation path (:func:`xlcell.registry.evaluate_outputs`, the optimiser's route:
  cell → cost → life → LCOS under :func:`xlcell.lcos.model_context`). Bounds may name design keys
  (:func:`xlcell.registry.variable_keys`) and material prices (:data:`xlcell.uncertainty.PRICE_KEYS`), the latter
  set in the cost context as arrays (one price per design).
* :func:`monte_carlo` runs :func:`xlcell.uncertainty.monte_carlo` chunk by chunk beyond the UDF's cap: every chunk is
  one vectorised call on the draws of its blocks, and the samples are concatenated in block order.
* :func:`map_chunks` runs the chunks in this process, on a pool of threads (both cores of a laptop: numpy releases
  the GIL in its array operations; :func:`default_threads`, ``XLCELL_THREADS``), or on any executor (a Dask client's
  ``get_executor()``, a process pool): this module imports no engine. A chunk's numbers do not depend on where or
  beside what it runs, so the table is the same, bit for bit, with any number of threads or workers.

Memory: a chunk's model call holds the arrays of ``chunk`` designs that its outputs need (each provider computes only
the outputs asked, :mod:`xlcell.registry`; the cost model works in blocks of :data:`xlcell.cost.CHUNK`): about 200 MB
of peak resident memory for a sweep or a Monte Carlo of a million at the default 65,536 (``bench/bench_batch.py``),
one chunk's working arrays more per further thread; the combined table holds one float per sample and output.
"""
from __future__ import annotations

import dataclasses
import math
import os
import sys
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .cell import CellDesign, default_design
from .errors import InputError
from .params import param, per_item, whole_number

#: an executor: anything with ``submit(fn, *args) -> future`` whose futures have ``result()`` (a Dask client's
#: ``get_executor()``, a ``concurrent.futures`` pool); this module imports none (Pyodide has no processes)
Executor = Any

#: samples per seed block: the unit of random numbers (a chunk is a run of whole blocks)
BLOCK = 4096
#: default samples per chunk (16 blocks)
DEFAULT_CHUNK = 16 * BLOCK
#: the outputs of a sweep by default (registry keys)
SWEEP_OUTPUTS = ("cell_cost_usd_per_kWh", "cell_cost_usd", "specific_energy_Wh_kg", "energy_Wh", "cycle_life",
                 "lcos_cell_usd_per_kWh", "feasible")
#: the statistics of each output in a summary
SUMMARY_STATS = ("mean", "std", "p5", "p50", "p95")

#: the default design bounds of a sweep (display units): the Pareto sheet's default variables (positive thickness
#: and porosity, ``workbooks/sheets/pareto.py``) and the N/P ratio and separator thickness around BatPaC 5.0's
#: default cell (1.1, 15 µm)
DESIGN_BOUNDS: dict[str, tuple[float, float]] = {
    "pos_thickness_um": (40.0, 250.0),
    "pos_porosity": (0.18, 0.45),
    "np_ratio": (1.05, 1.25),
    "sep_thickness_um": (10.0, 25.0),
}
#: the default price bounds of a sensitivity study (display units): BatPaC 5.0's prices (the NMC811 and graphite
#: library prices) ± 50 %
PRICE_BOUNDS: dict[str, tuple[float, float]] = {
    "pos_am_usd_kg": (13.0, 39.0),
    "neg_am_usd_kg": (5.0, 15.0),
    "electrolyte_usd_L": (5.0, 15.0),
    "separator_usd_m2": (0.45, 1.35),
    "neg_foil_usd_m2": (0.6, 1.8),
    "pos_foil_usd_m2": (0.1, 0.3),
}


# --------------------------------------------------------------------------------------------------
# Bounds
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bounds:
    """The inputs a sweep varies and their ranges (display units): design keys first, then price keys."""

    keys: tuple[str, ...] = field(metadata=param("Inputs varied (design keys, then price keys)", "text", key="inputs"))
    lower: tuple[float, ...] = field(metadata=per_item("Lower bound", key="lower", units="units", display=True, items="keys"))
    upper: tuple[float, ...] = field(metadata=per_item("Upper bound", key="upper", units="units", display=True, items="keys"))
    n_design: int = field(metadata=param("Design keys among the inputs (the first ones)", "-", key="design_inputs"))
    units: tuple[str, ...] = field(default=(), metadata=param("Display unit of each input", "text", key="units"))

    @property
    def design_keys(self) -> tuple[str, ...]:
        return self.keys[:self.n_design]

    @property
    def price_keys(self) -> tuple[str, ...]:
        return self.keys[self.n_design:]

    def as_dict(self) -> dict[str, list[float]]:
        """``{key: [lower, upper]}`` (the bounds file format)."""
        return {k: [lo, hi] for k, lo, hi in zip(self.keys, self.lower, self.upper)}

    def scale(self, u: np.ndarray) -> np.ndarray:
        """Points of the unit cube as inputs within the bounds.

        Parameters
        ----------
        u : ndarray
            Points of ``[0, 1)^d`` (rows, one column per key, dimensionless).

        Returns
        -------
        ndarray
            ``lower + u (upper - lower)``, display units.
        """
        lo, hi = np.asarray(self.lower), np.asarray(self.upper)
        return lo + u * (hi - lo)


def make_bounds(bounds: Mapping[str, Sequence[float]] | None = None) -> Bounds:
    """Checked :class:`Bounds` from ``{key: (lower, upper)}`` (display units; default :data:`DESIGN_BOUNDS`).

    A key is a design variable (:func:`xlcell.registry.variable_keys`, checked as the optimiser checks its
    variables: finite, lower < upper, both within the key's allowed range, no two keys setting one input) or a
    material price (:data:`xlcell.uncertainty.PRICE_KEYS`, within its allowed range).

    Parameters
    ----------
    bounds : mapping of str to (float, float), optional
        The ranges, any case.
    """
    from .optimize import DesignProblem, Objective, Variable
    from .uncertainty import PRICE_SPECS

    bounds = dict(DESIGN_BOUNDS if bounds is None else bounds)
    if not bounds:
        raise InputError("bounds", "none", "at least one design or price key with (lower, upper)")
    prices = {s.key.lower(): s for s in PRICE_SPECS}
    design, price = [], []
    for key, pair in bounds.items():
        try:
            lo, hi = (float(x) for x in pair)
        except (TypeError, ValueError):
            raise InputError(f"{key} bounds", pair, "two numbers, [lower, upper]") from None
        if str(key).strip().lower() in prices:
            s = prices[str(key).strip().lower()]
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise InputError(f"{s.key} bounds", f"{lo:g} .. {hi:g}", "finite, lower < upper")
            s.check(s.to_si(np.array([lo, hi])), f"{s.key} bound")
            price.append((s.key, lo, hi))
        else:
            design.append(Variable(str(key), lo, hi))
    if design:  # the optimiser's own checks (unknown keys with suggestions, ranges, conflicting keys)
        design = [(v.key, v.lower, v.upper) for v in DesignProblem(design, [Objective("cell_cost_usd_per_kWh")],
                                                                     limits=False).variables]
    if len({k for k, _, _ in price}) != len(price):
        raise InputError("bounds", "a price key twice", "each key once")
    rows = design + price
    from .registry import variable

    units = tuple(variable(k).unit for k, _, _ in design) + tuple(prices[k.lower()].unit for k, _, _ in price)
    return Bounds(tuple(r[0] for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows), len(design), units)


# --------------------------------------------------------------------------------------------------
# Chunks and seeds
# --------------------------------------------------------------------------------------------------
def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed of block ``block`` of a run: ``SeedSequence(seed).spawn(n)[block]`` for any ``n > block``.

    Parameters
    ----------
    seed : int
        The run's seed (>= 0).
    block : int
        Block index (>= 0).
    """
    return np.random.SeedSequence(seed, spawn_key=(block,))


def chunk_layout(n: int, chunk: int = DEFAULT_CHUNK) -> list[tuple[int, int]]:
    """``[(start, stop), ...]``: the samples of each chunk (``chunk`` rounded up to whole :data:`BLOCK` s).

    Parameters
    ----------
    n : int
        Number of samples (>= 1).
    chunk : int
        Samples per chunk (>= 1).
    """
    n = whole_number(n, "n", 1)
    size = BLOCK * max(1, math.ceil(whole_number(chunk, "chunk", 1) / BLOCK))
    return [(a, min(a + size, n)) for a in range(0, n, size)]


_SOBOL_LOCK = threading.Lock()


def uniform_points(n_dim: int, seed: int, start: int, stop: int, sobol: bool = False) -> np.ndarray:
    """Points ``start .. stop`` (rows) of a run's sequence in the unit cube ``[0, 1)^n_dim``.

    Random: block ``b`` holds ``BLOCK`` rows of ``default_rng(block_seed(seed, b)).random((BLOCK, n_dim))`` (the
    last block its rest). Sobol: rows ``start .. stop`` of ``qmc.Sobol(n_dim, scramble=True, rng=seed)``.

    Parameters
    ----------
    n_dim : int
        Number of inputs.
    seed : int
        The run's seed.
    start, stop : int
        The rows; ``start`` a multiple of :data:`BLOCK` for random points.
    sobol : bool
        Scrambled Sobol points instead of independent uniform ones.
    """
    if sobol:
        from scipy.stats import qmc

        eng = qmc.Sobol(n_dim, scramble=True, rng=np.random.default_rng(seed))
        if start:
            eng.fast_forward(start)
        # a chunk of a sequence is not a power of 2 (the whole run may be); catch_warnings swaps the process's
        # filters, so one thread at a time
        with _SOBOL_LOCK, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            return eng.random(stop - start)
    if start % BLOCK:
        raise InputError("start", start, f"a multiple of the block size {BLOCK}")
    parts = []
    for a in range(start, stop, BLOCK):
        m = min(BLOCK, stop - a)
        parts.append(np.random.default_rng(block_seed(seed, a // BLOCK)).random((BLOCK, n_dim))[:m])
    return np.concatenate(parts) if parts else np.zeros((0, n_dim))


#: environment variable: the threads of a batch run in this process (default :func:`default_threads`)
THREADS_ENV = "XLCELL_THREADS"


def default_threads() -> int:
    """The threads a batch run uses in this process: ``XLCELL_THREADS`` if set (a whole number >= 1), else the
    cores this process may run on (``os.sched_getaffinity``; ``os.cpu_count()`` where that does not exist; 1 in
    Pyodide, which has no threads). BLAS threads are not touched (the chain does no linear algebra)."""
    env = os.environ.get(THREADS_ENV, "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 0
        if n < 1:
            raise InputError(THREADS_ENV, env, "a whole number of threads >= 1 (or unset: the cores available)")
        return n
    if sys.platform == "emscripten":
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def map_chunks(fn: Callable[..., Any], tasks: Sequence[tuple], executor: Executor | None = None,
               progress: Callable[[int], None] | None = None, sizes: Sequence[int] | None = None,
               threads: int | None = None) -> list[Any]:
    """``[fn(*task) for task in tasks]``, in this process (on ``threads`` threads) or on ``executor``; results in
    task order.

    Parameters
    ----------
    fn : callable
        The chunk function (module-level, so that it pickles).
    tasks : sequence of tuple
        Its arguments, one tuple per chunk.
    executor : Executor, optional
        Where to run: anything with ``submit(fn, *args)`` returning a future with ``result()`` (a Dask client's
        ``get_executor()``, a ``concurrent.futures`` pool); None: here, on ``threads`` threads.
    progress : callable, optional
        ``progress(k)`` as each chunk's result is collected (in task order), ``k`` its ``sizes`` entry (default 1).
    sizes : sequence of int, optional
        The samples of each chunk, for ``progress``.
    threads : int, optional
        Threads in this process without an executor (default :func:`default_threads`): each runs whole chunks
        (``fn`` must not share writable state between calls; the chunk functions here do not), at most ``threads``
        chunks in memory at once beside the results; 1: one chunk after another in the calling thread.
    """
    sizes = list(sizes) if sizes is not None else [1] * len(tasks)
    if executor is None:
        threads = default_threads() if threads is None else whole_number(threads, "threads", 1)
        if threads > 1 and len(tasks) > 1:
            from .threads import thread_pool  # (Pyodide, one thread, has no concurrent.futures)

            pool = thread_pool(min(threads, len(tasks)))
            try:
                return map_chunks(fn, tasks, pool, progress, sizes)
            finally:  # a failed chunk (or Ctrl-C) drops the chunks not started: only the running ones finish
                pool.shutdown(wait=True, cancel_futures=True)
        out = []
        for task, k in zip(tasks, sizes):
            out.append(fn(*task))
            if progress:
                progress(k)
        return out
    futures = [executor.submit(fn, *task) for task in tasks]  # all queued at once: the workers share them out
    out = []
    for fut, k in zip(futures, sizes):  # collected in order
        out.append(fut.result())
        if progress:
            progress(k)
    return out


def combine(parts: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The chunks' tables as one table (each column concatenated in chunk order).

    Parameters
    ----------
    parts : sequence of mapping
        ``{column: array}`` per chunk, the same columns in each.
    """
    if not parts:
        return {}
    return {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in parts[0]}


def summary(table: Mapping[str, np.ndarray], keys: Sequence[str]) -> dict[str, dict[str, float]]:
    """``{key: {mean, std, p5, p50, p95, finite}}`` of the columns ``keys`` over their finite samples.

    ``finite`` is the share of finite samples (a design that delivers no energy has an infinite LCOS); the
    statistics are those of :func:`xlcell.uncertainty.summarise`.

    Parameters
    ----------
    table : mapping
        ``{column: array}``.
    keys : sequence of str
        The columns summarised.
    """
    from .uncertainty import summarise

    out = {}
    for k in keys:
        x = np.asarray(table[k], dtype=float)
        ok = np.isfinite(x)
        s = summarise(x[ok]) if ok.any() else {s: float("nan") for s in SUMMARY_STATS}
        out[k] = {**{name: s[name] for name in SUMMARY_STATS}, "finite": float(np.mean(ok)) if x.size else float("nan")}
    return out


# --------------------------------------------------------------------------------------------------
# Sweep
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepPlan:
    """A sweep: ``n`` designs within ``bounds``, their outputs, the model context."""

    bounds: Bounds
    n: int = field(metadata=param("Designs", "-", key="n"))
    seed: int = field(default=0, metadata=param("Seed", "-", key="seed"))
    sobol: bool = field(default=False, metadata=param("Scrambled Sobol sequence (else uniform draws)", "bool", key="sobol"))
    outputs: tuple[str, ...] = field(default=SWEEP_OUTPUTS, metadata=param("Model outputs (registry keys)", "text", key="outputs"))
    chunk: int = field(default=DEFAULT_CHUNK, metadata=param("Designs per chunk (whole blocks)", "-", key="chunk"))
    context: Mapping[str, Any] | None = field(default=None, metadata=param(
        "Registry context", "text", key="context", doc="default xlcell.lcos.model_context()"))
    base: CellDesign | None = None  #: the design the inputs are applied to (default: BatPaC 5.0's cell)

    def layout(self) -> list[tuple[int, int]]:
        return chunk_layout(self.n, self.chunk)


def evaluate_inputs(bounds: Bounds, X: np.ndarray, outputs: Sequence[str], context: Mapping[str, Any] | None = None,
                    base: CellDesign | None = None) -> dict[str, np.ndarray]:
    """Outputs (display units) of the designs ``X`` (rows; one column per key of ``bounds``, display units).

    The design columns are applied to ``base`` (:func:`xlcell.registry.apply_values`); the price columns replace
    the base prices of the cost context (:func:`xlcell.uncertainty._scalar_prices`: BatPaC 5.0's, the active
    materials at their library prices) with one price per design; then one
    :func:`xlcell.registry.evaluate_outputs` call, the optimiser's route.

    Parameters
    ----------
    bounds : Bounds
        The inputs (columns of ``X``).
    X : ndarray
        Inputs, shape (n, len(bounds.keys)).
    outputs : sequence of str
        Registry output keys.
    context : mapping, optional
        Registry context (default :func:`xlcell.lcos.model_context` ()).
    base : CellDesign, optional
        The design the inputs are applied to (default: BatPaC 5.0's cell).
    """
    from . import registry
    from .lcos import model_context
    from .uncertainty import PRICE_SPECS, _scalar_prices

    X = np.atleast_2d(np.asarray(X, dtype=float))
    base = base if base is not None else default_design()
    ctx = dict(model_context() if context is None else context)
    values = {k: X[:, j] for j, k in enumerate(bounds.design_keys)}
    if bounds.price_keys:
        cost = dict(ctx.get("cost") or {})
        p = _scalar_prices(cost.get("prices"), base)
        by_key = {s.key: s for s in PRICE_SPECS}
        arrays = {by_key[k].name: np.asarray(by_key[k].to_si(X[:, bounds.n_design + j]), dtype=float)
                  for j, k in enumerate(bounds.price_keys)}
        ctx["cost"] = {**cost, "prices": dataclasses.replace(p, **arrays)}
    got = registry.evaluate_outputs(base, values, outputs, ctx)
    n = X.shape[0]
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy() for k, v in got.items()}


def sweep_chunk(plan: SweepPlan, start: int, stop: int) -> dict[str, np.ndarray]:
    """The table of rows ``start .. stop`` of a sweep: its inputs (display units) and outputs.

    Parameters
    ----------
    plan : SweepPlan
        The sweep.
    start, stop : int
        The rows (a chunk of :meth:`SweepPlan.layout`).
    """
    X = plan.bounds.scale(uniform_points(len(plan.bounds.keys), plan.seed, start, stop, plan.sobol))
    out = {k: X[:, j].copy() for j, k in enumerate(plan.bounds.keys)}
    out.update(evaluate_inputs(plan.bounds, X, plan.outputs, plan.context, plan.base))
    return out


def check_sweep(plan: SweepPlan) -> SweepPlan:
    """``plan`` with its numbers checked and its output keys spelled as registered.

    Parameters
    ----------
    plan : SweepPlan
        The sweep as given.
    """
    from . import registry

    outputs = tuple(dict.fromkeys(registry.output_key(k) for k in plan.outputs))
    clash = set(outputs) & set(plan.bounds.keys)
    if clash:
        raise InputError("outputs", sorted(clash)[0], "model outputs that are not also inputs of the sweep")
    for k in outputs:
        if registry.output_spec(k).unit == "text":
            raise InputError("outputs", k, "numeric model outputs (not text)")
    return dataclasses.replace(plan, n=whole_number(plan.n, "n", 1), seed=whole_number(plan.seed, "seed", 0, 2**63 - 1),
                               chunk=whole_number(plan.chunk, "chunk", 1), outputs=outputs)


def sweep(plan: SweepPlan, executor: Executor | None = None,
          progress: Callable[[int], None] | None = None, threads: int | None = None) -> dict[str, np.ndarray]:
    """The table of a sweep: one row per design, the inputs (display units, the keys of ``plan.bounds``) then the
    outputs (display units), chunk by chunk.

    Parameters
    ----------
    plan : SweepPlan
        The sweep.
    executor : Executor, optional
        Where the chunks run (:func:`map_chunks`); the table is the same anywhere.
    progress : callable, optional
        ``progress(rows)`` after each chunk.
    threads : int, optional
        Threads without an executor (:func:`map_chunks`; default :func:`default_threads`); the table is the same.
    """
    plan = check_sweep(plan)
    sweep_chunk(plan, 0, 1)  # one design first: a bad context fails here, once, not on every worker
    lay = plan.layout()
    return combine(map_chunks(sweep_chunk, [(plan, a, b) for a, b in lay], executor, progress,
                              [b - a for a, b in lay], threads))


# --------------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonteCarloPlan:
    """A Monte Carlo of one design: ``n`` samples, the uncertainty model, the outputs and the models' inputs."""

    design: CellDesign
    n: int = field(metadata=param("Samples", "-", key="n"))
    seed: int = field(default=0, metadata=param("Seed", "-", key="seed"))
    spec: Any = field(default=None, metadata=param("Uncertainty model (xlcell.uncertainty.UncertaintySpec)", "text",
                                                   key="spec", doc="None: its defaults"))
    outputs: tuple[str, ...] = field(default=("cell_cost_usd_per_kWh",), metadata=param(
        "Model outputs (registry keys)", "text", key="outputs"))
    chunk: int = field(default=DEFAULT_CHUNK, metadata=param("Samples per chunk (whole blocks)", "-", key="chunk"))
    inputs: Mapping[str, Any] = field(default_factory=dict, metadata=param(
        "Keyword inputs of xlcell.uncertainty.monte_carlo", "text", key="inputs", doc="factory, prices, fmt, duty, ..."))

    def layout(self) -> list[tuple[int, int]]:
        return chunk_layout(self.n, self.chunk)


def block_draws(seed: int, start: int, stop: int) -> Any:
    """The standard normal draws of samples ``start .. stop`` of a Monte Carlo run: each block's
    :func:`xlcell.uncertainty.draw` with its :func:`block_seed`, concatenated.

    Parameters
    ----------
    seed : int
        The run's seed.
    start, stop : int
        The samples (``start`` a multiple of :data:`BLOCK`).
    """
    from .uncertainty import concat_draws, draw

    if start % BLOCK:
        raise InputError("start", start, f"a multiple of the block size {BLOCK}")
    parts = []
    for a in range(start, stop, BLOCK):
        d = draw(BLOCK, block_seed(seed, a // BLOCK))
        m = min(BLOCK, stop - a)
        parts.append(d if m == BLOCK else type(d)(**{f.name: getattr(d, f.name)[:m] for f in dataclasses.fields(d)}))
    return concat_draws(parts)


def monte_carlo_chunk(plan: MonteCarloPlan, start: int, stop: int) -> dict[str, np.ndarray]:
    """Samples ``start .. stop`` of a Monte Carlo run (:func:`xlcell.uncertainty.monte_carlo_samples` on their draws,
    one vectorised call: :func:`xlcell.uncertainty.monte_carlo`'s samples without its summary): ``{output: samples}``, ``feasible`` and, for the deterministic design, ``deterministic:<key>``
    (one value, the same in every chunk).

    Parameters
    ----------
    plan : MonteCarloPlan
        The run.
    start, stop : int
        The samples (a chunk of :meth:`MonteCarloPlan.layout`).
    """
    from .uncertainty import monte_carlo_samples

    samples, det = monte_carlo_samples(plan.design, stop - start, plan.seed, plan.spec, outputs=plan.outputs,
                                       draws=block_draws(plan.seed, start, stop), **plan.inputs)
    out = {k: samples[k] for k in det}
    out["feasible"] = samples["feasible"].astype(float)
    out.update({f"deterministic:{k}": np.array([v]) for k, v in det.items()})
    return out


def check_monte_carlo(plan: MonteCarloPlan) -> MonteCarloPlan:
    """``plan`` with its numbers checked; a spec window is refused (its yield is the share of the whole run inside
    the window, which a chunk does not see).

    Parameters
    ----------
    plan : MonteCarloPlan
        The run as given.
    """
    from . import registry
    from .uncertainty import UncertaintySpec, spec_window, window_active

    spec = plan.spec or UncertaintySpec()
    if window_active(spec_window(spec)):
        raise InputError("spec window", "given", "blank in a batch Monte Carlo (the grading yield is the share of the "
                         "whole run inside the window): run XLCELL_MONTE_CARLO, or give the cell yield in the factory")
    outputs = tuple(dict.fromkeys(registry.output_key(k) for k in plan.outputs))
    return dataclasses.replace(plan, n=whole_number(plan.n, "n", 1), seed=whole_number(plan.seed, "seed", 0, 2**63 - 1),
                               chunk=whole_number(plan.chunk, "chunk", 1), outputs=outputs, spec=spec)


def monte_carlo(plan: MonteCarloPlan, executor: Executor | None = None, progress: Callable[[int], None] | None = None,
                threads: int | None = None) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """``(samples, deterministic)``: the samples of each output (and ``feasible``) in sample order, and the
    unperturbed design's value of each output.

    Parameters
    ----------
    plan : MonteCarloPlan
        The run.
    executor : Executor, optional
        Where the chunks run (:func:`map_chunks`); the samples are the same anywhere.
    progress : callable, optional
        ``progress(samples)`` after each chunk.
    threads : int, optional
        Threads without an executor (:func:`map_chunks`; default :func:`default_threads`); the samples are the same.
    """
    plan = check_monte_carlo(plan)
    lay = plan.layout()
    parts = map_chunks(monte_carlo_chunk, [(plan, a, b) for a, b in lay], executor, progress, [b - a for a, b in lay],
                       threads)
    det = {k.split(":", 1)[1]: float(parts[0][k][0]) for k in parts[0] if k.startswith("deterministic:")}
    table = combine([{k: v for k, v in p.items() if not k.startswith("deterministic:")} for p in parts])
    return table, det


__all__ = ["BLOCK", "DEFAULT_CHUNK", "THREADS_ENV", "default_threads", "DESIGN_BOUNDS", "PRICE_BOUNDS", "SWEEP_OUTPUTS", "SUMMARY_STATS", "Bounds",
           "make_bounds", "block_seed", "chunk_layout", "uniform_points", "map_chunks", "combine", "summary", "SweepPlan",
           "evaluate_inputs", "sweep_chunk", "check_sweep", "sweep", "MonteCarloPlan", "block_draws", "monte_carlo_chunk",
           "check_monte_carlo", "monte_carlo"]
