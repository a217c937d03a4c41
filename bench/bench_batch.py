"""Benchmark of the batch commands' engine (xlcell.batch): Monte Carlo and full-chain sweep throughput, chunked, in
this process and on a local Dask cluster.

Ratios in the same run (issue 15):

* Monte Carlo of the cost per kWh, chunked (``xlcell montecarlo``'s path: draws, sampled prices and designs, the
  cost model and the feasibility flag), against a written-out numpy kernel of the same formulas on the same draws
  (``bench/fused_chain.py`` ``monte_carlo_cost``: draws, prices, thermal shifts, spread, chain, cost; agreement to
  1e-9 asserted), and against one :func:`xlcell.uncertainty.monte_carlo` call on the same draws (identical samples);
* full chain (cell → cost → life → LCOS), ``xlcell sweep``'s path for ``cell_cost_usd_per_kWh``, ``cycle_life`` and
  ``lcos_cell_usd_per_kWh``, against a HAND-FUSED numpy kernel of the formulas xlcell uses for these three outputs
  (``bench/fused_chain.py`` ``fused``; agreement to 1e-9 asserted, which also guards the kernel), in the same blocks;
  and against the same designs in ONE registry call (what the chunking costs or saves); the cycle life's root finder
  is asserted within 1e-12 relative of the bisection it replaced (``_LifeModel.life_bisection``, first 2^15 designs);
* ``--dask``: a LocalCluster of 1 and of 2 worker processes (one thread each) against the in-process run (identical
  tables, asserted). On a 2-core machine shared with other jobs, read the scaling as an upper bound of the overhead.

The in-process figures are CPU times of one thread (``threads=1``; ``time.process_time``, so on a shared machine
they do not count the time other jobs hold the cores), the best of 3 runs up to 2^17 designs; then the same runs on
the threads available (``xlcell.batch.default_threads``, ``XLCELL_THREADS``), compared in wall time, their tables
asserted identical to one thread's; the Dask rows compare wall times.
Peak memory is this process's (``resource.getrusage``): the Monte Carlo's is read first, then the sweep's (the larger
so far); run one benchmark per process (``bench/run_all.py`` does).
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
from bench.fused_chain import constants, fused, monte_carlo_cost  # noqa: E402
from xlcell import batch as B  # noqa: E402
from xlcell.cell import default_design  # noqa: E402
from xlcell.uncertainty import UncertaintySpec, monte_carlo  # noqa: E402


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


#: the outputs of the full-chain sweep the kernel writes out (issue 15)
SWEEP3 = ("cell_cost_usd_per_kWh", "cycle_life", "lcos_cell_usd_per_kWh")


def _agree(got: np.ndarray, ref: np.ndarray, what: str) -> float:
    """Largest relative difference of two results (the same infinite entries), asserted below 1e-9."""
    assert np.array_equal(np.isfinite(got), np.isfinite(ref)), what
    ok = np.isfinite(ref)
    err = float(np.max(np.abs(got[ok] / ref[ok] - 1.0))) if ok.any() else 0.0
    assert err < 1e-9, f"{what}: xlcell and the written-out kernel disagree by {err:.1e}"
    return err


def _on_threads(what: str, run, one: dict, wall_one: float, n: int, unit: str, threads: int, rep: int) -> float:
    """Time ``run`` (the same chunks on ``threads`` threads) against one thread's wall time, assert the same table as
    ``one``, record the ratio; the peak memory after it."""
    _, wall, got = best(run, rep)
    _same(got, one)
    rss = peak_rss_mb()
    print(f"{what} on {threads} threads: {wall:.2f} s wall against {wall_one:.2f} s on one (identical), "
          f"{n / wall:,.0f} {unit}/s; peak memory {rss:.0f} MB")
    record(f"{what}, on {threads} threads: wall time / one thread", wall / wall_one,
           "the same chunks on one thread (wall time; a shared machine's other jobs count)", value=n / wall,
           unit=f"{unit}/s (wall)", note=f"identical; {wall:.2f} s; peak memory {rss:.0f} MB")
    return rss


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000, help="designs of the sweep")
    ap.add_argument("--samples", type=int, default=1_000_000, help="samples of the Monte Carlo")
    ap.add_argument("--dask", action="store_true", help="also time a LocalCluster of 1 and 2 workers")
    ap.add_argument("--quick", action="store_true", help="2^15 designs and samples, no Dask")
    a = ap.parse_args(argv)
    n, ns = (2**15, 2**15) if a.quick else (a.n, a.samples)
    rep = 3 if max(n, ns) <= 2**17 else 1  # best of 3 where it is cheap: the machine may be shared
    k = constants()

    # ---- Monte Carlo first (its peak memory is read before the sweep's): chunked vs the written-out kernel
    mplan = B.check_monte_carlo(B.MonteCarloPlan(default_design(), ns, seed=1))
    B.monte_carlo(dataclasses.replace(mplan, n=100))  # warm up
    t_mc, w_mc, (samples, _) = best(lambda: B.monte_carlo(mplan, threads=1), rep)
    rss_mc = peak_rss_mb()
    threads = B.default_threads()
    if threads > 1:  # the same chunks on a pool of threads: identical samples, the wall time
        rss_mc = _on_threads(f"Monte Carlo, {ns:,} samples of $/kWh", lambda: B.monte_carlo(mplan, threads=threads)[0],
                             samples, w_mc, ns, "samples", threads, rep)
    spec = UncertaintySpec()
    t_kmc, _, kparts = best(lambda: [monte_carlo_cost(1, lo, hi, k, spec) for lo, hi in mplan.layout()], rep)
    err_mc = _agree(np.concatenate(kparts), samples["cell_cost_usd_per_kWh"], "Monte Carlo $/kWh")
    print(f"Monte Carlo, {ns:,} samples of $/kWh, chunks of {B.DEFAULT_CHUNK:,}: {t_mc:.2f} CPU-s = {ns / t_mc:,.0f} samples "
          f"per CPU-s ({w_mc:.2f} s wall), peak memory {rss_mc:.0f} MB; written-out numpy kernel (draws, prices, "
          f"design spread, chain, cost): {t_kmc:.2f} s (ratio {t_mc / t_kmc:.2f}, agree to {err_mc:.0e})")
    record(f"Monte Carlo, {ns:,} samples of $/kWh (xlcell montecarlo's path): time / written-out numpy kernel",
           t_mc / t_kmc, "bench/fused_chain.py monte_carlo_cost: the same draws, prices, spread, chain and cost formulas "
           "written out (no feasibility flag)", value=ns / t_mc, unit="samples per CPU-s",
           note=f"agree to {err_mc:.0e}; {t_mc:.2f} CPU-s; peak memory {rss_mc:.0f} MB; kernel {ns / t_kmc:,.0f} samples/s")
    mm = min(ns, 2**17)
    # the same draws (made inside the clock too) in one call
    t_ref, _, ref = best(lambda: monte_carlo(default_design(), mm, 1, outputs=mplan.outputs,
                                             draws=B.block_draws(1, 0, mm)), rep)
    t_ref *= ns / mm
    assert np.array_equal(ref.samples["cell_cost_usd_per_kWh"], samples["cell_cost_usd_per_kWh"][:mm])
    record(f"Monte Carlo, {ns:,} samples, chunked: time / one call", t_mc / t_ref,
           f"one monte_carlo call (with its summary) on the same draws ({mm:,}, scaled)", value=ns / t_mc,
           unit="samples per CPU-s", note="identical samples")

    # ---- sweep through the full chain: chunked vs the hand-fused kernel and vs one registry call
    plan = B.check_sweep(B.SweepPlan(B.make_bounds(), n, seed=1, outputs=SWEEP3))
    B.sweep(dataclasses.replace(plan, n=100))  # warm up (imports, wiring)
    t_sweep, w_sweep, table = best(lambda: B.sweep(plan, threads=1), rep)
    rss_sweep = peak_rss_mb()
    if threads > 1:
        rss_sweep = _on_threads(f"full chain, {n:,} designs, 3 outputs", lambda: B.sweep(plan, threads=threads), table,
                                w_sweep, n, "designs", threads, rep)
    cols = [table["pos_thickness_um"] * 1e-6, table["pos_porosity"], table["np_ratio"], table["sep_thickness_um"] * 1e-6]
    # the kernel in the same blocks (the chunks' memory; one block of a million would run out of cache, not faster)
    t_k, _, kparts = best(lambda: [fused(*(c[lo:hi] for c in cols), k) for lo, hi in plan.layout()], rep)
    errs = {key: _agree(np.concatenate([p[key] for p in kparts]), table[key], key) for key in SWEEP3}
    print(f"sweep, {n:,} designs, full chain ({', '.join(SWEEP3)}), chunks of {B.DEFAULT_CHUNK:,}: {t_sweep:.2f} CPU-s "
          f"= {n / t_sweep:,.0f} designs per CPU-second ({w_sweep:.2f} s wall), peak memory {rss_sweep:.0f} MB")
    print(f"  hand-fused numpy kernel of the same formulas: {t_k:.2f} s = {n / t_k:,.0f} designs/s; xlcell / kernel "
          f"{t_sweep / t_k:.2f} (kernel / xlcell {t_k / t_sweep:.2f}); agree to {max(errs.values()):.0e}")
    record(f"full chain (cell → cost → life → LCOS), {n:,} designs, 3 outputs: time / hand-fused numpy kernel",
           t_sweep / t_k, "bench/fused_chain.py fused: the formulas of $/kWh, cycle life and LCOS written out for the "
           "same designs, in the same blocks", value=n / t_sweep, unit="designs per CPU-s",
           note=f"agree to {max(errs.values()):.0e}; peak memory {rss_sweep:.0f} MB; kernel {n / t_k:,.0f} designs/s")
    # the cycle life's root finder against the bisection it replaced (xlcell.degradation._LifeModel.life_bisection),
    # on the first rows: within 1e-12 relative (the bound), the same infinite lives
    from xlcell.degradation import _LifeModel

    mb = min(n, 2**15)
    Xb = np.column_stack([table[key][:mb] for key in plan.bounds.keys])
    fast_life = _LifeModel.life
    try:
        _LifeModel.life = _LifeModel.life_bisection
        bis = B.evaluate_inputs(plan.bounds, Xb, ("cycle_life",))["cycle_life"]
    finally:
        _LifeModel.life = fast_life
    assert np.array_equal(np.isinf(bis), np.isinf(table["cycle_life"][:mb]))
    ok = np.isfinite(bis)
    err_bis = float(np.max(np.abs(table["cycle_life"][:mb][ok] / bis[ok] - 1.0), initial=0.0))
    assert err_bis <= 1e-12, f"cycle life: the root finder and the bisection disagree by {err_bis:.1e}"
    print(f"  cycle life vs the bisection it replaced ({mb:,} designs): within {err_bis:.1e} relative")
    m = min(n, 2**17)  # one call holds every intermediate array of every row: keep it within memory
    X = np.column_stack([table[key][:m] for key in plan.bounds.keys])
    t_one, _, one = best(lambda: B.evaluate_inputs(plan.bounds, X, plan.outputs), rep)
    t_one *= n / m
    for key in plan.outputs:
        np.testing.assert_allclose(table[key][:m], one[key], rtol=1e-12, atol=0)
    record(f"sweep, {n:,} designs through the full chain, chunked: time / one registry call", t_sweep / t_one,
           f"the same designs in one registry call ({m:,}, scaled)", value=n / t_sweep, unit="designs per CPU-s",
           note="identical to 1e-12")

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
