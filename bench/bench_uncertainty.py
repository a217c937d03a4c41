"""Benchmark: a Monte Carlo of 1e5 samples in one vectorised call against a Python loop over the samples.

Both evaluate the same samples (the default cell, the default uncertainty model, outputs $/kWh, $/cell, Wh/kg,
max power, capacity) through the same registry providers (cell and cost models); the loop does it one sample at a
time for ``--loop-n`` samples and its time per sample is scaled to n. The loop's results must equal the vectorised
ones. Nothing here asserts a time.

Run: python bench/bench_uncertainty.py [--n 100000] [--loop-n 300]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import record  # noqa: E402
from xlcell.bom import MaterialPrices  # noqa: E402
from xlcell.cell import _map_cell, default_design  # noqa: E402
from xlcell.registry import Evaluation  # noqa: E402
from xlcell.uncertainty import (DEFAULT_OUTPUTS, PRICE_SPECS, UncertaintySpec, _check_spec, _scalar_prices, draw,  # noqa: E402
                                monte_carlo, sample_design, sample_prices)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--loop-n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    d, spec = default_design(), UncertaintySpec()

    best, res = float("inf"), None
    for _ in range(3):
        t = time.perf_counter()
        res = monte_carlo(d, a.n, a.seed, spec)
        best = min(best, time.perf_counter() - t)

    # the same samples, one at a time
    load, vol = _check_spec(spec)
    dr = draw(a.n, a.seed)
    # the run's base prices: a blank active-material price is the design's material's (as monte_carlo resolves it)
    prices, _ = sample_prices(_scalar_prices(MaterialPrices(), d), load, vol, dr.macro, dr.price_noise)
    pop = sample_design(d, spec, dr)
    k = min(a.loop_n, a.n)
    t = time.perf_counter()
    rows = []
    for i in range(k):
        di = _map_cell(pop, lambda x, i=i: x[i] if np.size(x) > 1 else x[0])  # a field not sampled is one value
        pi = dataclasses.replace(prices, **{s.name: getattr(prices, s.name)[i] for s in PRICE_SPECS})
        ev = Evaluation(di, {"cost": {"prices": pi}})
        rows.append([float(ev[key]) for key in DEFAULT_OUTPUTS])
    t_loop = (time.perf_counter() - t) / k * a.n
    loop = np.array(rows)
    vec = np.column_stack([res.samples[key][:k] for key in DEFAULT_OUTPUTS])
    err = float(np.max(np.abs(loop / vec - 1)))
    assert err < 1e-12, err

    print(f"Monte Carlo, {a.n:,} samples of the default cell (outputs: {', '.join(DEFAULT_OUTPUTS)})")
    print(f"  one vectorised call (best of 3): {best:.3f} s = {best / a.n * 1e6:.2f} µs per sample")
    print(f"  Python loop over samples ({k} timed, scaled to n): {t_loop:.1f} s = {t_loop / a.n * 1e3:.2f} ms per sample")
    print(f"  ratio loop / vectorised: {t_loop / best:,.0f}x; largest relative difference {err:.1e}")
    record(f"Monte Carlo, {a.n:,} samples: Python loop / one vectorised call", t_loop / best,
           "a Python loop over the samples through the same providers", better="higher", value=best / a.n * 1e6,
           unit="µs/sample", note=f"identical to {err:.0e}")
    c = res.risk
    print(f"  $/kWh: deterministic {c['deterministic_usd_per_kWh']:.2f}, mean {c['mean_usd_per_kWh']:.2f}, "
          f"P95 {c['var95_usd_per_kWh']:.2f}, CVaR95 {c['cvar95_usd_per_kWh']:.2f}, "
          f"P(<= {c['cost_limit_usd_per_kWh']:.0f}) {c['p_cost_within_limit']:.3f}")


if __name__ == "__main__":
    main()
