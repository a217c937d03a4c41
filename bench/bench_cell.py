"""Benchmark: the vectorised cell model against a per-design Python loop and a plain-numpy baseline.

Ratios are measured in the same run on the same machine; nothing here asserts a time.
Run: python bench/bench_cell.py [--n 1000000]
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
from xlcell.cell import default_design, evaluate_cell  # noqa: E402


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def plain_numpy(L, eps):
    """The capacity and energy core written out by hand (BatPaC 5.0 §2.2 relations), no validation."""
    w = np.array([0.96, 0.02, 0.02])
    rho = np.array([4650.0, 1825.0, 1770.0])
    rho_c = (1 - eps) / np.sum(w / rho)
    qa = L * rho_c * 0.96 * 213.6 * 3600
    return qa * 0.84493127 * 3.7132049


def population_args(argv=None, loop_n: int = 300):
    """The benchmarks' common arguments and a seeded population of positive thickness and porosity."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--loop-n", type=int, default=loop_n)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    return a, rng.uniform(40e-6, 160e-6, a.n), rng.uniform(0.2, 0.45, a.n), default_design()


def main(argv=None):
    a, L, eps, base = population_args(argv)

    def vec():
        d = dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L, porosity=eps))
        return evaluate_cell(d)

    t_vec, m = timed(vec)
    t_np, e = timed(lambda: plain_numpy(L, eps))
    # the baseline is capacity x the average open-circuit voltage; the model's rated energy_J also takes the ASI's
    # voltage drop at the rating current (issue 17), so compare the terms the baseline computes
    np.testing.assert_allclose(m.capacity_C * m.avg_voltage_V, e, rtol=1e-12)

    def loop():
        for i in range(a.loop_n):
            evaluate_cell(dataclasses.replace(base, pos=dataclasses.replace(base.pos, thickness_m=L[i], porosity=eps[i])))

    t_loop, _ = timed(loop, repeat=1)
    per_loop = t_loop / a.loop_n
    per_vec = t_vec / a.n
    print(f"designs: {a.n:,}")
    print(f"evaluate_cell (all {len(m.as_display())} metrics, validated): {t_vec:.3f} s = {per_vec * 1e9:.0f} ns/design")
    print(f"plain numpy, capacity+energy only:                    {t_np:.3f} s  (ratio full model / baseline = {t_vec / t_np:.1f})")
    print(f"python loop over designs: {per_loop * 1e6:.0f} µs/design -> vectorised speed-up x{per_loop / per_vec:,.0f}")
    record(f"cell model, {a.n:,} designs in one call: time / plain numpy", t_vec / t_np,
           "plain numpy capacity and energy (BatPaC 5.0 §2.2), same designs", value=per_vec * 1e9, unit="ns/design",
           note="capacity x OCV agrees to 1e-12")
    record("cell model: per-design Python loop / one vectorised call", per_loop / per_vec, "a Python loop over designs",
           better="higher")


if __name__ == "__main__":
    main()
