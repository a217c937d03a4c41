"""``xlcell sweep``, ``xlcell montecarlo`` and ``xlcell sensitivity``: headless batch runs over :mod:`xlcell.batch`
and :mod:`xlcell.sensitivity`, in this process or on a Dask cluster (``--dask ADDRESS`` or ``--dask local``).

The use case reads the input files (bounds, design), builds the run, starts or joins the Dask cluster, shows a
progress bar on stderr (tqdm), writes the table (Parquet or CSV, whole or not at all) and prints either a short
summary or one JSON object (``--json``) with the throughput, the wall time, the peak memory and the statistics of
each output.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from xlcell.errors import InputError, MissingPackageError

from .cli import arguments, command

if TYPE_CHECKING:
    import numpy as np

#: the outputs every sweep summarises (besides the table's other columns)
SWEEP_SUMMARY = ("cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh", "specific_energy_Wh_kg")


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------
def read_mapping(path: str | Path, option: str) -> dict[str, Any]:
    """A TOML (``.toml``) or JSON (``.json``) file as a dict; anything else, or a file that does not parse, is an
    :class:`InputError` naming ``option``.

    Parameters
    ----------
    path : str or Path
        The file.
    option : str
        The command-line option that named it (for the message).
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8")  # a missing file: FileNotFoundError, one sentence from app.failure
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        elif p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            raise InputError(option, str(path), "a .toml or .json file")
    except (ValueError, TypeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(option, str(path), f"a valid {p.suffix[1:].upper()} file ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError(option, str(path), "a table (TOML) or an object (JSON) of keys")
    return data


def read_bounds(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(bounds, design)`` of a bounds file: its ``[bounds]`` table (``key = [lower, upper]``, display units; a file
    without one is all bounds) and its optional ``[design]`` table (the base design's keys).

    Parameters
    ----------
    path : str or Path
        A ``.toml`` or ``.json`` file (docs/cli.md).
    """
    data = read_mapping(path, "--bounds")
    if "bounds" in data:
        bounds, design = data["bounds"], data.get("design", {})
        extra = set(data) - {"bounds", "design"}
        if extra:
            raise InputError("--bounds", sorted(extra)[0], "the tables [bounds] and [design] only")
    else:
        bounds, design = data, {}
    if not isinstance(bounds, dict) or not isinstance(design, dict):
        raise InputError("--bounds", str(path), "[bounds] and [design] as tables of keys")
    return bounds, design


def read_design(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(design values, uncertainty values)`` of a design file: its ``[design]`` table (design keys, display units;
    a file without tables is all design) and its optional ``[uncertainty]`` table (the keys of the Monte Carlo's
    spec, :func:`xlcell.uncertainty.spec_keys`).

    Parameters
    ----------
    path : str or Path
        A ``.toml`` or ``.json`` file.
    """
    data = read_mapping(path, "--design")
    if any(isinstance(v, dict) for v in data.values()):
        extra = set(data) - {"design", "uncertainty"}
        if extra:
            raise InputError("--design", sorted(extra)[0], "the tables [design] and [uncertainty] only")
        return dict(data.get("design", {})), dict(data.get("uncertainty", {}))
    return data, {}


def write_table(table: Mapping[str, np.ndarray], path: str | Path) -> Path:
    """Write ``table`` (columns of equal length) to ``path``, whole or not at all: Parquet for ``.parquet`` (needs
    pyarrow), CSV for ``.csv``.

    Parameters
    ----------
    table : mapping of str to ndarray
        The columns.
    path : str or Path
        The output file.
    """
    import numpy as np
    import pandas as pd

    from workbooks.files import replacing

    p = Path(path)
    kind = p.suffix.lower()
    if kind not in (".parquet", ".csv"):
        raise InputError("--out", str(path), "a .parquet or .csv file")
    if kind == ".parquet" and not has_parquet():
        raise MissingPackageError("pyarrow", "a .parquet output", "parquet")
    df = pd.DataFrame({k: np.asarray(v) for k, v in table.items()})
    with replacing(p) as tmp:
        if kind == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False, float_format="%.17g")
    return p


def has_parquet() -> bool:
    """Whether pyarrow is installed (Parquet output)."""
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def default_out(name: str) -> str:
    """``xlcell-out/<name>.parquet`` with pyarrow, else ``xlcell-out/<name>.csv``."""
    return f"xlcell-out/{name}.{'parquet' if has_parquet() else 'csv'}"


# --------------------------------------------------------------------------------------------------
# Where the chunks run, and what it costs
# --------------------------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's peak resident memory so far, MB (NaN where the platform does not say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        try:
            import psutil

            return psutil.Process().memory_info().peak_wset / 2**20
        except Exception:  # noqa: BLE001
            return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


@contextmanager
def dask_executor(address: str | None, workers: int | None = None) -> Iterator[tuple[Any, Any]]:
    """``(executor, client)`` for ``--dask``: None, None without it; ``local``: a ``distributed.LocalCluster`` of
    ``workers`` processes (default: one per core) with one thread each; else the scheduler at ``address``.

    Parameters
    ----------
    address : str or None
        ``--dask``'s value.
    workers : int, optional
        Workers of a local cluster.
    """
    if workers is not None:  # (0 or less was the default, or a cluster that never starts)
        from xlcell.params import whole_number

        whole_number(workers, "workers", 1)
    if not address:
        yield None, None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingPackageError("distributed", "--dask", "dask") from None
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if address == "local":
        n = workers or os.cpu_count() or 1
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client.get_executor(), client
    else:
        try:
            client = Client(address, timeout=30)
        except OSError as exc:
            raise InputError("--dask", address, f"the address of a running Dask scheduler, e.g. tcp://host:8786 ({exc})") from None
        with client:
            yield client.get_executor(), client


def _worker_peak_rss_mb() -> float:
    return peak_rss_mb()


def cluster_peak_rss_mb(client: Any) -> float | None:
    """The largest peak memory of the cluster's workers, MB (None without a cluster)."""
    if client is None:
        return None
    got = client.run(_worker_peak_rss_mb)
    return max(got.values()) if got else None


@contextmanager
def progress_bar(total: int, unit: str, show: bool) -> Iterator[Any]:
    """A tqdm bar on stderr (``update(k)``; without tqdm, a line per chunk), or None (``show`` false)."""
    if not show:
        yield None
        return
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm comes with xlcell[dask]; the commands do not need it
        done = [0]

        def line(k: int) -> None:
            done[0] += k
            print(f"{done[0]:,} / {total:,} {unit}s", file=sys.stderr, flush=True)

        yield line
        return

    with tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, dynamic_ncols=True, leave=False) as bar:
        yield bar.update


def _given(value: int | None, default: int) -> int:
    """An option's value, ``default`` only when it was not given: 0 is checked (and refused) like any other value,
    not taken for "not given"."""
    return default if value is None else value


def _shared_args(p: argparse.ArgumentParser, n_flag: str, n_help: str) -> None:
    p.add_argument(n_flag, dest="n", type=int, required=True, metavar="N", help=n_help)
    p.add_argument("--seed", type=int, default=0, help="seed (default 0): the same seed gives the same numbers anywhere")
    p.add_argument("--json", action="store_true", help="print one JSON object: throughput, seconds, peak memory, statistics")
    p.add_argument("--dask", metavar="ADDRESS", help="run the chunks on a Dask cluster: a scheduler address "
                   "(tcp://host:8786) or `local` for a LocalCluster on this machine (pip install \"xlcell[dask]\")")
    p.add_argument("--workers", type=int, metavar="W", help="workers of --dask local (default: one per core)")
    p.add_argument("--chunk", type=int, metavar="K", help="samples per chunk (rounded up to whole blocks of 4096; "
                   "default 65536); the numbers do not depend on it")
    p.add_argument("--threads", type=int, metavar="T", help="threads in this process without --dask (default: "
                   "$XLCELL_THREADS, else the cores available); the numbers do not depend on it")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _stats_json(summary: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float | None]]:
    return {k: {s: (None if not math.isfinite(v) else v) for s, v in st.items()} for k, st in summary.items()}


def _print_summary(head: str, summary: Mapping[str, Mapping[str, float]], units: Mapping[str, str]) -> None:
    print(head)
    print(f"{'output':32s} {'unit':>8s} {'mean':>12s} {'std':>12s} {'p5':>12s} {'p50':>12s} {'p95':>12s}")
    for k, st in summary.items():
        print(f"{k:32s} {units.get(k, ''):>8s} " + " ".join(f"{st[s]:12.6g}" for s in ("mean", "std", "p5", "p50", "p95")))


def _run_info(args: argparse.Namespace, n: int, t: float, cpu: float, client: Any, rate_key: str,
              chunks: int) -> dict[str, Any]:
    """The run's figures: throughput and wall time, this process's CPU time (on a shared machine the honest
    figure, summed over its threads; with Dask the workers' CPU is not in it), peak memory, the run's identity and the
    cluster's size or the threads."""
    from xlcell.batch import default_threads

    info = {rate_key: n / t if t > 0 else float("inf"), "seconds": t, "cpu_seconds": cpu, "peak_rss_mb": peak_rss_mb(), "n": n,
            "seed": args.seed, "chunks": chunks, "dask": args.dask or None,
            "workers": len(client.nthreads()) if client is not None else 0,
            "threads": 0 if client is not None else (args.threads or default_threads())}
    w = cluster_peak_rss_mb(client)
    if w is not None:
        info["worker_peak_rss_mb"] = w
    return info


def _timed(args: argparse.Namespace, total: int, unit: str, rate_key: str, chunks: int,
           run: Callable[[Any, Any], Any]) -> tuple[Any, dict[str, Any]]:
    """``run(executor, progress)`` where ``--dask`` says, with a progress bar: its result and the run's figures."""
    with dask_executor(args.dask, args.workers) as (ex, client):
        with progress_bar(total, unit, not args.no_progress) as bar:
            t0, c0 = time.perf_counter(), time.process_time()
            result = run(ex, bar)
            t, cpu = time.perf_counter() - t0, time.process_time() - c0
        return result, _run_info(args, total, t, cpu, client, rate_key, chunks)


def _finish(args: argparse.Namespace, info: dict[str, Any], table: Mapping[str, np.ndarray], keys: Any,
            head: Callable[[dict[str, Any]], str], **extra: Any) -> int:
    """Print the run: one JSON object (``--json``) or a headline and the statistics of ``keys``."""
    from xlcell import batch, registry

    summary = batch.summary(table, keys)
    units = {k: registry.output_spec(k).unit for k in keys}
    info.update(**extra, units=units, **_stats_json(summary))
    if args.json:
        print(json.dumps(info))
    else:
        _print_summary(head(info), summary, units)
    return 0


def _check_out(path: str | None) -> None:
    if path and Path(path).suffix.lower() not in (".parquet", ".csv"):
        raise InputError("--out", path, "a .parquet or .csv file")


# --------------------------------------------------------------------------------------------------
# xlcell sweep
# --------------------------------------------------------------------------------------------------
def _sweep_args(p: argparse.ArgumentParser) -> None:
    _shared_args(p, "--n", "number of designs")
    p.add_argument("--sobol", action="store_true", help="a scrambled Sobol sequence instead of independent uniform draws")
    p.add_argument("--bounds", metavar="FILE", help="a TOML/JSON file of [bounds] key = [lower, upper] (design keys, "
                   "display units, and material prices) and an optional [design] base; default: docs/cli.md")
    p.add_argument("--out", metavar="FILE", help="the table (.parquet with pyarrow, or .csv; default "
                   "xlcell-out/sweep.parquet or .csv)")
    p.epilog = ("Evaluates N designs within the bounds through the full chain (cell, cost, life, LCOS: the optimiser's "
                "route) and writes one row per design: the inputs, then the outputs in display units.")


@command("sweep", "evaluate N random (or Sobol) designs within bounds through the full chain into a Parquet/CSV table")
@arguments(_sweep_args)
def _sweep(args: argparse.Namespace) -> int:
    import numpy as np

    from xlcell import batch
    from xlcell.design import design_from_mapping

    bounds, design = read_bounds(args.bounds) if args.bounds else (None, {})
    plan = batch.check_sweep(batch.SweepPlan(batch.make_bounds(bounds), args.n, args.seed, sobol=args.sobol,
                                             chunk=_given(args.chunk, batch.DEFAULT_CHUNK),
                                             base=design_from_mapping(design) if design else None))
    out = args.out or default_out("sweep")
    _check_out(out)
    table, info = _timed(args, plan.n, "design", "designs_per_s", len(plan.layout()),
                         lambda ex, bar: batch.sweep(plan, ex, bar, args.threads))
    write_table(table, out)
    return _finish(args, info, table, [k for k in plan.outputs if k != "feasible"],
                   lambda i: f"sweep: {plan.n:,} designs in {i['seconds']:.2f} s ({i['designs_per_s']:,.0f} designs/s), "
                             f"peak memory {i['peak_rss_mb']:.0f} MB, {i['feasible_share']:.1%} feasible -> {i['out']}",
                   out=str(Path(out).resolve()), inputs=plan.bounds.as_dict(), sobol=bool(args.sobol),
                   feasible_share=float(np.mean(table["feasible"])))


# --------------------------------------------------------------------------------------------------
# xlcell montecarlo
# --------------------------------------------------------------------------------------------------
def _mc_args(p: argparse.ArgumentParser) -> None:
    from xlcell.uncertainty import DEFAULT_OUTPUTS

    _shared_args(p, "--samples", "number of samples (no cap)")
    p.add_argument("--design", metavar="FILE", help="a TOML/JSON file of the design's keys ([design]) and the "
                   "uncertainty model's keys ([uncertainty]); default: BatPaC 5.0's cell and the default model")
    p.add_argument("--outputs", default="cell_cost_usd_per_kWh", metavar="KEYS",
                   help=f"comma-separated model outputs (default cell_cost_usd_per_kWh; `all`: {','.join(DEFAULT_OUTPUTS)})")
    p.add_argument("--out", metavar="FILE", help="also write the samples (.parquet with pyarrow, or .csv)")
    p.epilog = ("The Monte Carlo of XLCELL_MONTE_CARLO (prices, electrochemistry, manufacturing spread) beyond its "
                "100,000-sample cap, chunk by chunk; a spec window is not available here.")


@command("montecarlo", "run the cost Monte Carlo of one design with any number of samples (chunked, optionally on Dask)")
@arguments(_mc_args)
def _montecarlo(args: argparse.Namespace) -> int:
    import numpy as np

    from xlcell import batch
    from xlcell.design import design_from_mapping
    from xlcell.uncertainty import DEFAULT_OUTPUTS, spec_from_mapping

    values, spec = read_design(args.design) if args.design else ({}, {})
    outputs = DEFAULT_OUTPUTS if args.outputs.strip().lower() == "all" else tuple(
        k.strip() for k in args.outputs.split(",") if k.strip())
    if not outputs:
        raise InputError("--outputs", args.outputs, "one or more model output keys, comma-separated")
    plan = batch.check_monte_carlo(batch.MonteCarloPlan(design_from_mapping(values), args.n, args.seed,
                                                        spec_from_mapping(spec) if spec else None, outputs,
                                                        _given(args.chunk, batch.DEFAULT_CHUNK)))
    _check_out(args.out)
    (table, det), info = _timed(args, plan.n, "sample", "samples_per_s", len(plan.layout()),
                                lambda ex, bar: batch.monte_carlo(plan, ex, bar, args.threads))
    if args.out:
        write_table(table, args.out)
        info["out"] = str(Path(args.out).resolve())
    return _finish(args, info, table, plan.outputs,
                   lambda i: f"montecarlo: {plan.n:,} samples in {i['seconds']:.2f} s ({i['samples_per_s']:,.0f} "
                             f"samples/s), peak memory {i['peak_rss_mb']:.0f} MB, {i['p_feasible']:.1%} feasible",
                   deterministic=det, p_feasible=float(np.mean(table["feasible"])))


# --------------------------------------------------------------------------------------------------
# xlcell sensitivity
# --------------------------------------------------------------------------------------------------
def _sens_args(p: argparse.ArgumentParser) -> None:
    from xlcell.sensitivity import DEFAULT_BASE_SAMPLES, SENSITIVITY_OUTPUTS

    _shared_args(p, "--n", f"base samples N (a power of 2, e.g. {DEFAULT_BASE_SAMPLES}; N (d + 2) model runs)")
    p.add_argument("--bounds", metavar="FILE", help="inputs and ranges as for `xlcell sweep --bounds` (default: the "
                   "sweep's design bounds and the main material prices ± 50 %%)")
    p.add_argument("--outputs", default=",".join(SENSITIVITY_OUTPUTS), metavar="KEYS",
                   help=f"comma-separated model outputs (default {','.join(SENSITIVITY_OUTPUTS)})")
    p.add_argument("--out", metavar="FILE", help="also write the indices table (.csv or .parquet)")
    p.epilog = "Sobol first-order (S1) and total (ST) indices with 95 % bootstrap half-widths (SALib; pip install \"xlcell[sensitivity]\")."


@command("sensitivity", "Sobol first-order and total indices of $/kWh, Wh/kg and LCOS over design and price inputs (SALib)")
@arguments(_sens_args)
def _sensitivity(args: argparse.Namespace) -> int:
    import numpy as np

    from xlcell import batch
    from xlcell.design import design_from_mapping
    from xlcell.sensitivity import SOBOL_COLUMNS, model_sobol

    bounds, design = read_bounds(args.bounds) if args.bounds else (None, {})
    b = batch.make_bounds({**batch.DESIGN_BOUNDS, **batch.PRICE_BOUNDS} if bounds is None else bounds)
    outputs = tuple(k.strip() for k in args.outputs.split(",") if k.strip())
    _check_out(args.out)
    n_runs = max(args.n, 1) * (len(b.keys) + 2)
    chunk = _given(args.chunk, batch.DEFAULT_CHUNK)
    res, info = _timed(args, n_runs, "run", "runs_per_s", len(batch.chunk_layout(n_runs, chunk)),
                       lambda ex, bar: model_sobol(b, args.n, args.seed, outputs, executor=ex, chunk=chunk, progress=bar, threads=args.threads,
                                                   base=design_from_mapping(design) if design else None))
    t = info["seconds"]
    rows = res.table()
    if args.out:
        write_table({c: np.array([r[i] for r in rows]) for i, c in enumerate(SOBOL_COLUMNS)}, args.out)
        info["out"] = str(Path(args.out).resolve())
    if args.json:
        info.update(base_samples=res.n_base, model_runs=res.n_runs, indices={
            out: {inp: {"S1": s1, "S1_conf": c1, "ST": st, "ST_conf": ct} for o, inp, s1, c1, st, ct in rows if o == out}
            for out in res.outputs})
        print(json.dumps(info))
    else:
        print(f"Sobol indices: {res.n_base} base samples, {res.n_runs:,} model runs in {t:.2f} s (seed {res.seed}; "
              "± 95 % bootstrap half-width)")
        for out in res.outputs:
            print(f"\n{out}\n{'input':28s} {'S1':>14s} {'ST':>14s}")
            for o, inp, s1, c1, st, ct in rows:
                if o == out:
                    print(f"{inp:28s} {s1:7.3f} ±{c1:5.3f} {st:7.3f} ±{ct:5.3f}")
    return 0
