"""Benchmark of the batch commands' engine (xlcell.batch): sweep and Monte Carlo throughput, chunked, in this process
and on a local Dask cluster.

Ratios in the same run:

* sweep, chunked (``xlcell sweep``'s path: designs through cell → cost → life → LCOS, chunk by chunk) against the
  same designs in ONE registry call (:func:`xlcell.batch.evaluate_inputs` on all rows: what the chunking costs or
  saves), and against the hand-written plain-numpy BatPaC cost chain of ``bench/bench_cost.py`` on the same
  positive thickness and porosity (a lower bound: cost only, no cell model, no life, no validation);
* Monte Carlo, chunked (``xlcell montecarlo``'s path) against one :func:`xlcell.uncertainty.monte_carlo` call on the
  same draws (identical samples, asserted);
* ``--dask``: a LocalCluster of 1 and of 2 worker processes (one thread each) against the in-process run (identical
  tables, asserted). On a 2-core machine shared with other jobs, read the scaling as an upper bound of the overhead.

The in-process figures are CPU times (``time.process_time``; single-threaded, so on a shared machine they do not
count the time other jobs hold the cores), the best of 3 runs up to 2^17 designs; the Dask rows compare wall times. Peak memory is this process's
(``resource.getrusage``), so run one benchmark per process (``bench/run_all.py`` does).
Run: python bench/bench_batch.py [--n 1000000] [--samples 1000000] [--dask] [--quick]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.batch import peak_rss_mb  # noqa: E402
from bench._report import record  # noqa: E402
from bench.bench_cost import plain_numpy  # noqa: E402
from xlcell import batch as B  # noqa: E402
from xlcell.cell import default_design  # noqa: E402
from xlcell.uncertainty import monte_carlo  # noqa: E402


def best(fn, repeat: int):
    """(least CPU time of ``repeat`` calls, least wall time, the last result): other jobs only ever add time."""
    cpu = wall = float("inf")
    out = None
    for _ in range(repeat):
        t, w = time.process_time(), time.perf_counter()
        out = fn()
        cpu, wall = min(cpu, time.process_time() - t), min(wall, time.perf_counter() - w)
    return cpu, wall, out


def _same(a, b) -> None:
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000, help="designs of the sweep")
    ap.add_argument("--samples", type=int, default=1_000_000, help="samples of the Monte Carlo")
    ap.add_argument("--dask", action="store_true", help="also time a LocalCluster of 1 and 2 workers")
    ap.add_argument("--quick", action="store_true", help="2^15 designs and samples, no Dask")
    a = ap.parse_args(argv)
    n, ns = (2**15, 2**15) if a.quick else (a.n, a.samples)
    rep = 3 if max(n, ns) <= 2**17 else 1  # best of 3 where it is cheap: the machine may be shared

    # ---- sweep: chunked vs one call vs plain numpy
    plan = B.check_sweep(B.SweepPlan(B.make_bounds(), n, seed=1))
    B.sweep(dataclasses.replace(plan, n=100))  # warm up (imports, wiring)
    t_sweep, w_sweep, table = best(lambda: B.sweep(plan), rep)
    rss_sweep = peak_rss_mb()
    m = min(n, 2**17)  # one call holds every intermediate array of every row: keep it within memory
    X = np.column_stack([table[k][:m] for k in plan.bounds.keys])
    t_one, _, one = best(lambda: B.evaluate_inputs(plan.bounds, X, plan.outputs), rep)
    t_one *= n / m
    for k in plan.outputs:
        np.testing.assert_allclose(table[k][:m], one[k], rtol=1e-12, atol=0)
    L, eps = table["pos_thickness_um"] * 1e-6, table["pos_porosity"]
    t_np, _, _ = best(lambda: plain_numpy(L, eps), 3)
    print(f"sweep, {n:,} designs, full chain ({len(plan.outputs)} outputs), chunks of {B.DEFAULT_CHUNK:,}: {t_sweep:.2f} CPU-s "
          f"= {n / t_sweep:,.0f} designs per CPU-second ({w_sweep:.2f} s wall), peak memory {rss_sweep:.0f} MB")
    print(f"  one registry call on {m:,} of them, scaled: {t_one:.2f} s; plain-numpy BatPaC cost chain (cost only, "
          f"different designs' N/P and separator ignored): {t_np:.2f} s")
    record(f"sweep, {n:,} designs through the full chain, chunked: time / one registry call", t_sweep / t_one,
           f"the same designs in one registry call ({m:,}, scaled)", value=n / t_sweep, unit="designs per CPU-s",
           note=f"identical to 1e-12; peak memory {rss_sweep:.0f} MB")
    record(f"sweep, {n:,} designs through the full chain: time / plain-numpy cost chain", t_sweep / t_np,
           "bench_cost.py's hand-written BatPaC cost chain on the same thickness and porosity (cost only)",
           value=n / t_sweep, unit="designs per CPU-s")

    # ---- Monte Carlo: chunked vs one call on the same draws
    mplan = B.check_monte_carlo(B.MonteCarloPlan(default_design(), ns, seed=1))
    B.monte_carlo(dataclasses.replace(mplan, n=100))  # warm up
    t_mc, _, (samples, _) = best(lambda: B.monte_carlo(mplan), rep)
    rss_mc = peak_rss_mb()
    mm = min(ns, 2**17)
    # the same draws (made inside the clock too) in one call
    t_ref, _, ref = best(lambda: monte_carlo(default_design(), mm, 1, outputs=mplan.outputs,
                                             draws=B.block_draws(1, 0, mm)), rep)
    t_ref *= ns / mm
    assert np.array_equal(ref.samples["cell_cost_usd_per_kWh"], samples["cell_cost_usd_per_kWh"][:mm])
    print(f"Monte Carlo, {ns:,} samples of $/kWh, chunks of {B.DEFAULT_CHUNK:,}: {t_mc:.2f} CPU-s = {ns / t_mc:,.0f} samples per CPU-s, "
          f"peak memory {rss_mc:.0f} MB (one call on {mm:,}, scaled: {t_ref:.2f} s)")
    record(f"Monte Carlo, {ns:,} samples, chunked: time / one call", t_mc / t_ref,
           f"one monte_carlo call on the same draws ({mm:,}, scaled)", value=ns / t_mc, unit="samples per CPU-s",
           note=f"identical samples; peak memory {rss_mc:.0f} MB")

    if a.dask and not a.quick:
        import distributed

        for workers in (1, 2):
            with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                          dashboard_address=None) as cluster, distributed.Client(cluster) as client:
                ex = client.get_executor()
                B.sweep(dataclasses.replace(plan, n=100), ex)  # warm the workers
                t = time.perf_counter()
                there = B.sweep(plan, ex)
                t_d = time.perf_counter() - t
            _same(there, table)
            print(f"  Dask LocalCluster, {workers} worker(s): sweep {t_d:.2f} s = {n / t_d:,.0f} designs/s")
            record(f"sweep, {n:,} designs on a Dask LocalCluster of {workers} worker process(es): time / in-process",
                   t_d / w_sweep, "the same chunks in this process (wall time)", value=n / t_d, unit="designs/s",
                   note="identical table")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
