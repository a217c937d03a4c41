"""Global sensitivity: Sobol first-order and total indices of the model's outputs over design and price inputs.

Variance-based (Sobol 2001, Math. Comput. Simul. 55, 271): for an output Y and an input X_i, the first-order index
S1_i = V[E(Y | X_i)] / V(Y) is the share of Y's variance that X_i explains alone, and the total index
ST_i = E[V(Y | X_~i)] / V(Y) the share it takes part in, interactions included (ST_i >= S1_i; ST_i - S1_i is the
interaction share). The inputs are independent and uniform within :class:`xlcell.batch.Bounds`.

Sampling and estimation are SALib's (Herman and Usher 2017, JOSS 2(9), 97; optional extra ``xlcell[sensitivity]``):
Saltelli's scheme on a scrambled Sobol sequence (``SALib.sample.sobol``, ``n (d + 2)`` model runs for ``d`` inputs
without second-order indices; Saltelli et al. 2010, Comput. Phys. Commun. 181, 259) and its estimators with
bootstrap confidence intervals (``SALib.analyze.sobol``). The model runs go through the batch path of
:mod:`xlcell.batch` (:func:`xlcell.batch.evaluate_inputs` chunk by chunk, in this process or on a Dask cluster):
the runs are fixed by the sample, so the indices do not depend on where they are computed. :func:`sobol_indices`
takes any vectorised function (the Ishigami function checks the wrapper against its analytic indices);
:func:`model_sobol` takes the registry's outputs.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .batch import DEFAULT_CHUNK, Bounds, Executor, chunk_layout, combine, evaluate_inputs, make_bounds, map_chunks
from .errors import InputError, MissingPackageError
from .params import param, whole_number


#: the outputs of :func:`model_sobol` by default: cell $/kWh, specific energy, cell-level LCOS
SENSITIVITY_OUTPUTS = ("cell_cost_usd_per_kWh", "specific_energy_Wh_kg", "lcos_cell_usd_per_kWh")
#: base samples of :func:`model_sobol` by default (a power of 2; ``n (d + 2)`` model runs)
DEFAULT_BASE_SAMPLES = 1024
#: the columns of :meth:`SobolResult.table`
SOBOL_COLUMNS = ("output", "input", "S1", "S1_conf", "ST", "ST_conf")


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of each output (rows) with respect to each input (columns), with their confidence half-widths."""

    inputs: tuple[str, ...] = field(metadata=param("Inputs", "text", key="inputs"))
    outputs: tuple[str, ...] = field(metadata=param("Outputs", "text", key="outputs"))
    S1: np.ndarray = field(metadata=param("First-order index", "-", key="S1", doc="(outputs, inputs)"))
    S1_conf: np.ndarray = field(metadata=param("First-order index, confidence half-width", "-", key="S1_conf",
                                               doc="(outputs, inputs), at conf_level by bootstrap"))
    ST: np.ndarray = field(metadata=param("Total index", "-", key="ST", doc="(outputs, inputs)"))
    ST_conf: np.ndarray = field(metadata=param("Total index, confidence half-width", "-", key="ST_conf",
                                               doc="(outputs, inputs), at conf_level by bootstrap"))
    n_base: int = field(metadata=param("Base samples N", "-", key="base_samples"))
    n_runs: int = field(metadata=param("Model runs N (d + 2)", "-", key="model_runs"))
    seed: int = field(metadata=param("Seed", "-", key="seed"))

    def table(self) -> list[tuple[str, str, float, float, float, float]]:
        """Rows ``(output, input, S1, S1_conf, ST, ST_conf)``, per output the inputs by total index (largest first)."""
        rows = []
        for i, out in enumerate(self.outputs):
            for j in np.argsort(-self.ST[i], kind="stable"):
                rows.append((out, self.inputs[j], float(self.S1[i, j]), float(self.S1_conf[i, j]), float(self.ST[i, j]),
                             float(self.ST_conf[i, j])))
        return rows

    def ranking(self, output: str) -> tuple[str, ...]:
        """The inputs by total index for ``output``, largest first.

        Parameters
        ----------
        output : str
            One of :attr:`outputs`.
        """
        i = self.outputs.index(output)
        return tuple(self.inputs[j] for j in np.argsort(-self.ST[i], kind="stable"))


def _salib() -> tuple[Any, Any]:
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError:
        raise MissingPackageError("SALib", "Sobol sensitivity indices", "sensitivity") from None
    return sample, analyze


def saltelli_sample(names: Sequence[str], lower: Sequence[float], upper: Sequence[float], n: int, seed: int) -> np.ndarray:
    """The model runs of a Sobol analysis: SALib's Saltelli sample on a scrambled Sobol sequence, ``n (d + 2)`` rows
    (first-order and total indices only).

    Parameters
    ----------
    names : sequence of str
        The inputs.
    lower, upper : sequence of float
        Their ranges (uniform).
    n : int
        Base samples N (a power of 2 keeps the Sobol sequence balanced).
    seed : int
        Seed of the scrambling.
    """
    sample, _ = _salib()
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[float(a), float(b)] for a, b in zip(lower, upper)]}
    # scipy's "balance properties ... power of 2" UserWarning (with its file and line) reached the user's terminal on
    # `xlcell sensitivity --n 100`: the docs and --help say it already, as the Sobol sweep does (xlcell.batch)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*balance properties.*")
        return sample.sample(problem, int(n), calc_second_order=False, scramble=True, seed=int(seed))


def analyse(names: Sequence[str], lower: Sequence[float], upper: Sequence[float], Y: Mapping[str, np.ndarray], n: int,
            seed: int, conf_level: float = 0.95, resamples: int = 100) -> SobolResult:
    """Sobol indices from the outputs ``Y`` of the runs of :func:`saltelli_sample` (SALib's estimators).

    Parameters
    ----------
    names, lower, upper : sequences
        The inputs and their ranges, as sampled.
    Y : mapping of str to ndarray
        ``{output: values of the runs}``, each finite.
    n : int
        Base samples N of the sample.
    seed : int
        Seed of the bootstrap of the confidence intervals.
    conf_level : float
        Confidence level of the intervals.
    resamples : int
        Bootstrap resamples.
    """
    _, analyze = _salib()
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[float(a), float(b)] for a, b in zip(lower, upper)]}
    rows = {k: [] for k in ("S1", "S1_conf", "ST", "ST_conf")}
    for key, y in Y.items():
        y = np.asarray(y, dtype=float)
        bad = ~np.isfinite(y)
        if bad.any():
            raise InputError(f"{key} of the sensitivity runs", "not finite" if bad.all() else f"not finite in {int(bad.sum())} runs",
                             "finite in every run: narrow the bounds to designs the chain evaluates")
        si = analyze.analyze(problem, y, calc_second_order=False, num_resamples=int(resamples), conf_level=float(conf_level),
                             seed=int(seed))
        for k in rows:
            rows[k].append(np.asarray(si[k], dtype=float))
    return SobolResult(inputs=tuple(names), outputs=tuple(Y), **{k: np.array(v) for k, v in rows.items()}, n_base=int(n),
                       n_runs=int(next(iter(Y.values())).size), seed=int(seed))


def sobol_indices(fun: Callable[[np.ndarray], Mapping[str, np.ndarray]], names: Sequence[str], lower: Sequence[float],
                  upper: Sequence[float], n: int = DEFAULT_BASE_SAMPLES, seed: int = 0, **kw: Any) -> SobolResult:
    """Sobol first-order and total indices of a vectorised function's outputs over uniform inputs.

    Parameters
    ----------
    fun : callable
        ``fun(X) -> {output: values}`` for the runs ``X`` (rows, one column per input).
    names : sequence of str
        The inputs.
    lower, upper : sequence of float
        Their ranges.
    n : int
        Base samples N (``n (d + 2)`` runs).
    seed : int
        Seed of the sample's scrambling and of the bootstrap.
    **kw
        ``conf_level``, ``resamples`` of :func:`analyse`.
    """
    n = whole_number(n, "n", 2)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    X = saltelli_sample(names, lower, upper, n, seed)
    return analyse(names, lower, upper, fun(X), n, seed, **kw)


def _rows_chunk(bounds: Bounds, X: np.ndarray, outputs: Sequence[str], context: Mapping[str, Any] | None,
                base: Any) -> dict[str, np.ndarray]:
    return evaluate_inputs(bounds, X, outputs, context, base)


def model_sobol(bounds: Bounds | Mapping[str, Sequence[float]] | None = None, n: int = DEFAULT_BASE_SAMPLES,
                seed: int = 0, outputs: Sequence[str] = SENSITIVITY_OUTPUTS, *, context: Mapping[str, Any] | None = None,
                base: Any = None, executor: Executor | None = None, chunk: int = DEFAULT_CHUNK,
                progress: Callable[[int], None] | None = None, threads: int | None = None, **kw: Any) -> SobolResult:
    """Sobol indices of the model's outputs over design and price inputs (default: :data:`xlcell.batch.DESIGN_BOUNDS`
    and :data:`xlcell.batch.PRICE_BOUNDS`), the runs evaluated chunk by chunk (:func:`xlcell.batch.map_chunks`).

    Parameters
    ----------
    bounds : Bounds or mapping, optional
        The inputs and their ranges (display units; :func:`xlcell.batch.make_bounds`).
    n : int
        Base samples N (a power of 2; ``n (d + 2)`` model runs).
    seed : int
        Seed of the sample and of the bootstrap.
    outputs : sequence of str
        Registry output keys (default :data:`SENSITIVITY_OUTPUTS`).
    context : mapping, optional
        Registry context (default :func:`xlcell.lcos.model_context` ()).
    base : CellDesign, optional
        The design the inputs are applied to.
    executor : concurrent.futures.Executor, optional
        Where the chunks run (a Dask client's ``get_executor()``); the indices are the same anywhere.
    chunk : int
        Model runs per chunk.
    progress : callable, optional
        ``progress(runs)`` after each chunk.
    threads : int, optional
        Threads without an executor (:func:`xlcell.batch.map_chunks`; default: the cores available).
    **kw
        ``conf_level``, ``resamples`` of :func:`analyse`.
    """
    from . import registry
    from .batch import PRICE_BOUNDS, DESIGN_BOUNDS

    if not isinstance(bounds, Bounds):
        bounds = make_bounds({**DESIGN_BOUNDS, **PRICE_BOUNDS} if bounds is None else bounds)
    outputs = tuple(dict.fromkeys(registry.output_key(k) for k in outputs))
    n = whole_number(n, "n", 2)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    X = saltelli_sample(bounds.keys, bounds.lower, bounds.upper, n, seed)
    lay = chunk_layout(X.shape[0], chunk)
    Y = combine(map_chunks(_rows_chunk, [(bounds, X[a:b], outputs, context, base) for a, b in lay], executor, progress,
                           [b - a for a, b in lay], threads))
    return analyse(bounds.keys, bounds.lower, bounds.upper, Y, n, seed, **kw)


__all__ = ["SobolResult", "SENSITIVITY_OUTPUTS", "DEFAULT_BASE_SAMPLES", "SOBOL_COLUMNS", "saltelli_sample", "analyse",
           "sobol_indices", "model_sobol"]
