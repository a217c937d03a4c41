"""Benchmark: the vectorised calendering hierarchy against a per-line-load Python loop and plain numpy.

Ratios are measured in the same run on the same machine; nothing here asserts a time.
Run: python bench/bench_calendering.py [--n 100000]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import record  # noqa: E402
from bench_cell import timed  # noqa: E402

from xlcell.calendering import (
    calendering_performance,
    get_calendering_material,
    porosity_after,
)
from xlcell.cell import default_design
from xlcell.roll import cross_width_profile


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--loop-n", type=int, default=200)
    ap.add_argument("--profiles", type=int, default=200)
    a = ap.parse_args(argv)
    q = np.linspace(0.0, 2e6, a.n)
    base = default_design()
    nmc = get_calendering_material("NMC811")

    t_vec, (micro, cell) = timed(lambda: calendering_performance(base, q))
    e0 = micro.eps_before[0]
    t_np, eps = timed(lambda: nmc.eps_min + (e0 - nmc.eps_min) * np.exp(-q / nmc.gamma_N_m))
    np.testing.assert_allclose(micro.porosity, eps, rtol=1e-12)
    np.testing.assert_allclose(porosity_after(q, e0, nmc.eps_min, nmc.gamma_N_m), eps, rtol=1e-12)

    def loop():
        return [calendering_performance(base, float(x))[1].energy_density_J_m3 for x in q[: a.loop_n]]

    t_loop, vals = timed(loop, repeat=1)
    np.testing.assert_allclose(np.ravel(vals), cell.energy_density_J_m3[: a.loop_n], rtol=1e-12)
    per_vec = t_vec / a.n
    per_loop = t_loop / a.loop_n
    print(f"hierarchy (microstructure + cell), {a.n} line loads in one call: {t_vec * 1e3:.1f} ms "
          f"({per_vec * 1e6:.2f} µs/design)")
    print(f"  per-design Python loop: {per_loop * 1e6:.0f} µs/design -> vectorised is {per_loop / per_vec:.0f}x faster")
    print(f"  plain-numpy compaction law alone: {t_np * 1e3:.2f} ms -> the full hierarchy costs {t_vec / t_np:.0f}x the "
          f"bare porosity formula")
    record(f"calendering hierarchy, {a.n:,} line loads: time / plain numpy", t_vec / t_np,
           "the plain-numpy compaction law alone", value=per_vec * 1e6, unit="µs/design",
           note="porosities agree to 1e-12; the hierarchy also evaluates the cell")
    record("calendering hierarchy: per-line-load Python loop / one vectorised call", per_loop / per_vec,
           "a Python loop over line loads", better="higher")

    x = np.linspace(-0.4, 0.4, 41)
    loads = np.linspace(2e5, 1.5e6, a.profiles)
    args = (0.47, 170e-6, nmc.eps_min, nmc.gamma_N_m, 0.8, 1.2, 0.6)
    t_pv, (ev, *_) = timed(lambda: cross_width_profile(x, loads, *args, on_failure="flag"), repeat=1)
    t_pl, el = timed(lambda: [cross_width_profile(x, float(v), *args, on_failure="flag")[0] for v in loads[:20]], repeat=1)
    np.testing.assert_allclose(np.array(el), ev[:20], rtol=1e-9)
    print(f"cross-width profile (coupled roll bending), {a.profiles} line loads in one call: {t_pv * 1e3:.0f} ms; "
          f"loop: {t_pl / 20 * 1e3:.1f} ms/profile -> vectorised {t_pl / 20 / (t_pv / a.profiles):.1f}x faster")


if __name__ == "__main__":
    main()
